"""What is on disk and what it means: complete data, checkpoints, and nnFT's own markers.

Every "is it done" and "whose is this folder" question of the chain is answered here from the
files alone, so a chain can be stopped and continued at any point, from the CLI, the wizard or a
cluster script.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from nnft.core import plans as plans_mod
from nnft.core.datasets import DatasetInfo
from nnft.core.safety import atomic_write_text
from nnft.core.training_history import find_training_logs
from nnft.core.training_log import FINAL_VALIDATION_SKIPPED_TEXT

from .context import RUN_MARKER, ChainContext, load_json
from .model_source import import_record


# -- completeness checks ---------------------------------------------------------------------
def preprocessed_cases_complete(data_folder: Path, case_ids: list[str]) -> bool:
    """True when every case has its properties and its data (and segmentation) files.

    nnU-Net writes a case's ``.pkl`` last, and deletes and recreates the whole folder on every
    run; a run killed half way leaves cases missing, which this notices.
    """
    if not data_folder.is_dir() or not case_ids:
        return False
    names = {p.name for p in data_folder.iterdir()}
    for case in case_ids:
        if f"{case}.pkl" not in names:
            return False
        if not ({f"{case}.b2nd", f"{case}.npz", f"{case}.npy"} & names):
            return False
    return True


def fingerprint_complete(path: Path, n_cases: int | None) -> bool:
    data = load_json(path)
    if data is None or "foreground_intensity_properties_per_channel" not in data:
        return False
    spacings = data.get("spacings")
    return isinstance(spacings, list) and (n_cases is None or len(spacings) == n_cases)


# -- what derived data was made from ------------------------------------------------------
def raw_data_signature(dataset: DatasetInfo) -> dict[str, Any]:
    """What a fingerprint or preprocessed data of ``dataset`` is computed from, cheaply.

    The sha256 of the raw ``dataset.json`` and, for every training image and label nnU-Net
    lists, its size and modification time (paths relative to the raw dataset folder): one
    ``stat`` per file, no reading. A case added, removed or replaced, or an edited
    ``dataset.json``, changes it. (A copy that does not keep modification times, such as
    ``cp -r`` without ``-p``, looks changed too: then the data is made again, nothing is lost.)
    Taken once per :class:`DatasetInfo` (a snapshot, like its case list: a new preflight makes
    a new one); 4,000 cases take about 0.1 s.
    """
    if dataset.raw_signature is None:
        dataset.raw_signature = _raw_data_signature(dataset)
    return dataset.raw_signature


def _raw_data_signature(dataset: DatasetInfo) -> dict[str, Any]:
    files: dict[str, list[int]] = {}
    for case in dataset.cases.values():
        for name in [*case.get("images", []), case.get("label")]:
            if not name:
                continue
            path = Path(name)
            try:
                stat = path.stat()
                key = path.relative_to(dataset.raw_dir).as_posix()
            except OSError:
                continue  # a missing file is the preflight's DATASET_FILES_MISSING
            except ValueError:
                key = str(path)  # dataset.json may name files outside the dataset folder
            files[key] = [stat.st_size, stat.st_mtime_ns]
    return {"dataset_json_sha256": sha256_of(dataset.raw_dir / "dataset.json"), "files": files}


def raw_data_changes(recorded: Any, dataset: DatasetInfo) -> list[str] | None:
    """How ``dataset``'s raw data differs from the ``recorded`` :func:`raw_data_signature`.

    Returns None when nothing usable was recorded (nnFT cannot tell), ``[]`` when nothing
    changed, else the changes in plain words (``"2 files added (case_9_0000.nii.gz, …)"``).
    """
    if not isinstance(recorded, dict) or not isinstance(recorded.get("files"), dict):
        return None
    current = raw_data_signature(dataset)
    changes: list[str] = []
    if recorded.get("dataset_json_sha256") != current["dataset_json_sha256"]:
        changes.append("dataset.json was edited")
    old, new = recorded["files"], current["files"]

    def named(what: str, names: list[str]) -> None:
        if names:
            shown = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
            changes.append(f"{len(names)} file(s) {what} ({shown})")

    named("added", [n for n in new if n not in old])
    named("removed", [n for n in old if n not in new])
    named("replaced or modified", [n for n in new if n in old and list(old[n]) != new[n]])
    return changes


#: Written next to a dataset's ``dataset_fingerprint.json`` once nnFT's fingerprint step is done:
#: the fingerprint's sha256 and the :func:`raw_data_signature` it was extracted from. nnU-Net
#: never re-extracts an existing fingerprint (without ``--clean``), so a fingerprint of raw data
#: that changed since would silently be used on.
FINGERPRINT_MARKER = ".nnft_fingerprint.json"


def write_fingerprint_marker(fingerprint_file: Path, dataset: DatasetInfo) -> None:
    atomic_write_text(fingerprint_file.parent / FINGERPRINT_MARKER, json.dumps({
        "fingerprint_sha256": sha256_of(fingerprint_file),
        "raw_data": raw_data_signature(dataset),
        "written": datetime.now().isoformat(timespec="seconds"),
    }, indent=1))


def fingerprint_changes(fingerprint_file: Path, dataset: DatasetInfo) -> list[str] | None:
    """Why the fingerprint no longer describes ``dataset``'s raw data (``[]``: it does).

    Facts, cheapest first: nnU-Net's own file lists one spacing per case (a different count:
    cases were added or removed); nnFT's marker (:data:`FINGERPRINT_MARKER`) names the raw data
    the fingerprint was extracted from. None when there is no fingerprint, or nothing to
    compare with (extracted outside nnFT: no marker, or one written for another fingerprint).
    """
    data = load_json(fingerprint_file)
    if data is None:
        return None
    spacings = data.get("spacings")
    if isinstance(spacings, list) and dataset.cases and len(spacings) != len(dataset.cases):
        return [f"it lists {len(spacings)} case(s), the raw data has {len(dataset.cases)}"]
    marker = load_json(fingerprint_file.parent / FINGERPRINT_MARKER)
    if not marker or marker.get("fingerprint_sha256") != sha256_of(fingerprint_file):
        return None
    return raw_data_changes(marker.get("raw_data"), dataset)


def read_run_marker(fold_dir: Path) -> dict[str, Any] | None:
    return load_json(fold_dir / RUN_MARKER)


def relative_to_results(fold_dir: Path, checkpoint: Path) -> str | None:
    """``checkpoint`` relative to the nnUNet_results folder that holds ``fold_dir``."""
    # fold_dir is nnUNet_results/<dataset>/<trainer__plans__config>/fold_X
    try:
        return checkpoint.relative_to(fold_dir.parents[2]).as_posix()
    except (ValueError, IndexError):
        return None


def is_finetuned_from(fold_dir: Path, checkpoint: Path) -> bool:
    """True when nnFT's marker says this fold was fine-tuned from ``checkpoint``.

    Compared relative to nnUNet_results, so a workspace that was moved or copied elsewhere is
    still recognised.
    """
    marker = read_run_marker(fold_dir)
    if not marker:
        return False
    relative = relative_to_results(fold_dir, checkpoint)
    if relative is not None and marker.get("pretrained_weights_relative") == relative:
        return True
    return marker.get("pretrained_weights") == str(checkpoint)


TRANSFERS_REGISTRY = "transfers.json"


def sha256_of(path: Path) -> str | None:
    """The file's sha256 (hex), or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def record_transfer(ctx: ChainContext) -> None:
    """Remember that nnFT's transfer step wrote this plans file (path and content hash).

    A later run of the same chain then continues with it instead of reporting a clash, while a
    file of the same name from anywhere else still needs an explicit reuse.
    """
    registry_path = ctx.workspace.state_dir / TRANSFERS_REGISTRY
    registry = load_json(registry_path) or {}
    registry[str(ctx.transfer_target)] = {
        "sha256": sha256_of(ctx.transfer_target),
        "source": str(ctx.transfer_source),
    }
    atomic_write_text(registry_path, json.dumps(registry, indent=2, sort_keys=True))


def transfer_made_by_nnft(ctx: ChainContext) -> bool:
    """True when the transferred plans file is, unchanged, one that nnFT's transfer wrote."""
    if ctx.workspace.results is None:
        return False
    entry = (load_json(ctx.workspace.state_dir / TRANSFERS_REGISTRY) or {}).get(
        str(ctx.transfer_target))
    return (isinstance(entry, dict) and entry.get("source") == str(ctx.transfer_source)
            and entry.get("sha256") == sha256_of(ctx.transfer_target))


CHECKPOINT_NAMES = ("checkpoint_final.pth", "checkpoint_latest.pth", "checkpoint_best.pth")


def checkpoint_complete(path: Path) -> bool:
    """True when ``path`` is a whole checkpoint file, not one cut off while it was written.

    nnU-Net saves with ``torch.save`` straight into the final name (not atomically); a run killed
    while saving leaves a truncated file that ``--c`` would try to load, and a truncated
    ``checkpoint_final.pth`` would mark the training as done. ``torch.save`` writes a zip archive
    whose central directory comes last, so a cut-off file starts like a zip but has no directory:
    a cheap test, without torch. A file in another format (torch's legacy pickle format) cannot be
    checked this way and counts as complete; an empty one never does.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
        if len(head) < 4:
            return False
        return head != b"PK\x03\x04" or zipfile.is_zipfile(path)
    except OSError:
        return False


def incomplete_checkpoints(fold_dir: Path) -> list[Path]:
    """The checkpoint files of a fold folder that were cut off while being written."""
    return [fold_dir / name for name in CHECKPOINT_NAMES
            if (fold_dir / name).exists() and not checkpoint_complete(fold_dir / name)]


def has_resumable_checkpoint(fold_dir: Path) -> bool:
    return any(checkpoint_complete(fold_dir / name)
               for name in ("checkpoint_latest.pth", "checkpoint_best.pth"))


#: nnU-Net writes this at the end of its final validation (real Dice per class).
VALIDATION_SUMMARY = Path("validation") / "summary.json"


def final_validation_finished(fold_dir: Path) -> bool:
    """True when nnU-Net's final validation of this fold ended, or was skipped on purpose.

    Ended: ``validation/summary.json`` exists (nnU-Net writes it last). Skipped: nnFT's quick
    trial logged that it skipped the validation (``NNFT_TRIAL_FINAL_VALIDATION=0``), and no later
    log started one. A run killed during the validation leaves ``checkpoint_final.pth`` without
    either: its validation is still to be done (``nnUNetv2_train ... --val``).
    """
    if (fold_dir / VALIDATION_SUMMARY).is_file():
        return True
    for log in reversed(find_training_logs(fold_dir)):
        try:
            text = log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if FINAL_VALIDATION_SKIPPED_TEXT in text:
            return True
        if ": predicting " in text or "Training done." in text:
            return False  # this log's run validated (or meant to) after the skip
    return False


def training_finished(ctx: ChainContext, fold_dir: Path) -> bool:
    """A training step is done: a whole ``checkpoint_final.pth`` and a finished final validation.

    The final validation is not asked for when the user switched it off for the quick trial.
    """
    if not checkpoint_complete(fold_dir / "checkpoint_final.pth"):
        return False
    if ctx.options.is_quick_trial and not ctx.options.final_validation:
        return True
    return final_validation_finished(fold_dir)


def needs_final_validation(ctx: ChainContext, fold_dir: Path) -> bool:
    """Trained (a whole ``checkpoint_final.pth``) but its final validation never finished: the
    step runs ``nnUNetv2_train ... --val`` instead of training again."""
    return checkpoint_complete(fold_dir / "checkpoint_final.pth") and \
        not training_finished(ctx, fold_dir)


def final_validation_total(ctx: ChainContext, phase: str) -> int | None:
    """How many cases nnU-Net's final validation of a training step predicts.

    Fold ``all`` (the pretraining): every preprocessed case (nnU-Net validates on the training
    set). Folds 0-4: the ``val`` list of that fold in ``splits_final.json`` (written when the fold
    first trains). None when it cannot be told yet.

    Parameters
    ----------
    phase
        ``"pretrain"`` or ``"finetune"``.
    """
    if phase == "pretrain":
        folder, preprocessed, fold = pretrain_data_folder(ctx), ctx.pretrain_preprocessed, "all"
    else:
        folder, preprocessed = finetune_data_folder(ctx), ctx.finetune_preprocessed
        fold = ctx.options.fold
    if fold == "all":
        try:
            count = sum(1 for _ in folder.glob("*.pkl")) if folder is not None else 0
        except OSError:
            return None
        return count or None
    try:
        splits = json.loads((preprocessed / "splits_final.json").read_text(encoding="utf-8"))
        return len(splits[int(fold)]["val"])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


#: Written next to a preprocessed data folder before nnFT's preprocessing step starts (nnU-Net
#: deletes and recreates the folder itself, so a marker inside would not survive). It records the
#: plans the data is made from. A data folder with a marker whose plans are unchanged is nnFT's
#: own (finished, or left over from an interrupted run) and may be recreated; any other existing
#: data folder is refused or, with ``allow_overwrite``, moved to the backup first. The leading dot
#: keeps it from ever clashing with a plans file (identifiers start with a letter or digit).
PREPROCESSING_MARKER_PREFIX = ".nnft_preprocessing_"


def preprocessing_marker_path(data_folder: Path) -> Path:
    return data_folder.parent / f"{PREPROCESSING_MARKER_PREFIX}{data_folder.name}.json"


def write_preprocessing_marker(data_folder: Path, plans_file: Path, command: list[str],
                               dataset: DatasetInfo | None = None) -> None:
    """Record (before nnU-Net recreates ``data_folder``) the plans and, with ``dataset``, the
    raw data (:func:`raw_data_signature`) the data is made from."""
    atomic_write_text(preprocessing_marker_path(data_folder), json.dumps({
        "data_identifier": data_folder.name,
        "plans_file": plans_file.name,
        # None while the plans do not exist yet (planning and preprocessing in one command).
        "plans_sha256": sha256_of(plans_file) if plans_file.is_file() else None,
        "command": command,
        "written": datetime.now().isoformat(timespec="seconds"),
        "raw_data": raw_data_signature(dataset) if dataset is not None else None,
    }, indent=2))


def preprocessed_data_changes(data_folder: Path, dataset: DatasetInfo) -> list[str] | None:
    """How ``dataset``'s raw data changed since nnFT preprocessed it into ``data_folder``
    (``[]``: unchanged; None: not known, e.g. no marker or one without the raw data)."""
    marker = load_json(preprocessing_marker_path(data_folder))
    if not marker or marker.get("data_identifier") != data_folder.name:
        return None
    return raw_data_changes(marker.get("raw_data"), dataset)


def data_folder_owner(data_folder: Path | None, plans_file: Path) -> str:
    """``"none"`` (no such folder), ``"nnft"`` (nnFT's preprocessing made it from these plans,
    finished or interrupted) or ``"other"`` (made elsewhere, or from other plans)."""
    if data_folder is None or not data_folder.exists():
        return "none"
    marker = load_json(preprocessing_marker_path(data_folder))
    if not marker or marker.get("data_identifier") != data_folder.name:
        return "other"
    recorded = marker.get("plans_sha256")
    if recorded is None:
        return "nnft"
    return "nnft" if recorded == sha256_of(plans_file) else "other"


def finetune_fold_owner(ctx: ChainContext) -> str:
    """``"none"`` (missing or empty), ``"nnft"`` (nnFT's fine-tuning from these weights) or
    ``"other"`` (any other run: from scratch, by hand, or from other weights)."""
    fold = ctx.finetune_fold_dir
    try:
        if not fold.is_dir() or not any(fold.iterdir()):
            return "none"
    except OSError:
        return "other"
    return "nnft" if is_finetuned_from(fold, ctx.pretrained_checkpoint) else "other"


def finetune_data_folder(ctx: ChainContext, *, predicted: bool = False) -> Path | None:
    """The fine-tuning dataset's data folder of the chosen configuration (from its plans).

    ``predicted``: before planning, the folder ``nnUNetv2_plan_and_preprocess`` will write
    (``nnUNetPlans_<configuration>``); otherwise None until the plans exist.
    """
    o = ctx.options
    plans = ctx.finetune_plans()
    if plans is None and ctx.from_model and predicted:
        plans = ctx.expected_transfer()  # the model's plans, as the transfer will write them
    if plans is None:
        return (ctx.finetune_preprocessed / f"{o.finetune_plans}_{o.configuration}"
                if predicted else None)
    ident = plans_mod.data_identifier(plans, o.configuration)
    return ctx.finetune_preprocessed / ident if ident else None


def pretrain_data_folder(ctx: ChainContext, *, predicted: bool = False) -> Path | None:
    """The pretraining dataset's data folder under the transferred plans.

    ``predicted``: before the fine-tuning dataset is planned, the folder its default plans will
    give (``<plans_name>_<configuration>``); otherwise None until then.
    """
    o = ctx.options
    expected = ctx.expected_transfer()
    if expected is None:
        return (ctx.pretrain_preprocessed / f"{o.plans_name}_{o.configuration}"
                if predicted and o.plans_name else None)
    ident = plans_mod.data_identifier(expected, o.configuration)
    return ctx.pretrain_preprocessed / ident if ident else None




def _source_model_entry(ctx: ChainContext) -> dict[str, Any] | None:
    """The model of a model chain for the run marker: where it came from, and the sha256 of its
    checkpoint recorded at the import (kept with the fine-tuning: the model card names it even
    when nnFT's imported copy is gone)."""
    if ctx.source_model is None:
        return None
    record = import_record(ctx.source_model) or {}
    return {**ctx.source_model.describe(),
            "checkpoint_sha256": record.get("checkpoint_sha256")}


def write_run_marker(ctx: ChainContext, command: list[str]) -> None:
    """Record in the fine-tuning fold folder which weights its run starts from.

    nnU-Net names a fine-tuned run exactly like a from-scratch run and records nowhere on disk
    that weights were loaded; :func:`is_finetuned_from` reads this marker back.
    """
    fold = ctx.finetune_fold_dir
    fold.mkdir(parents=True, exist_ok=True)
    atomic_write_text(fold / RUN_MARKER, json.dumps({
        "pretrained_weights": str(ctx.pretrained_checkpoint),
        "pretrained_weights_relative": relative_to_results(fold, ctx.pretrained_checkpoint),
        "pretrain_dataset": None if ctx.from_model else ctx.pretrain.name,
        "pretrain_plans": None if ctx.from_model else ctx.options.plans_name,
        "source_model": _source_model_entry(ctx),
        "finetune_plans": ctx.options.finetune_plans,
        "configuration": ctx.options.configuration,
        "trainer": ctx.finetune_trainer,
        "finetune_preset": ctx.options.finetune_preset,
        "freeze_epochs": ctx.freeze_epochs,
        "command": command,
    }, indent=2))


def is_baseline_run(fold_dir: Path) -> bool:
    """True when nnFT's marker says this fold is a from-scratch baseline it started."""
    marker = read_run_marker(fold_dir)
    return marker is not None and marker.get("from_scratch") is True


def baseline_fold_owner(ctx: ChainContext) -> str:
    """``"none"`` (missing or empty), ``"nnft"`` (nnFT's from-scratch baseline) or ``"other"``
    (any other run in that folder)."""
    fold = ctx.baseline_fold_dir
    try:
        if not fold.is_dir() or not any(fold.iterdir()):
            return "none"
    except OSError:
        return "other"
    return "nnft" if is_baseline_run(fold) else "other"


def write_baseline_marker(ctx: ChainContext, command: list[str]) -> None:
    """Record in the baseline's fold folder that it trains from scratch, and for which
    fine-tuning it is the comparison (same dataset, plans, configuration, fold, epochs)."""
    fold = ctx.baseline_fold_dir
    fold.mkdir(parents=True, exist_ok=True)
    atomic_write_text(fold / RUN_MARKER, json.dumps({
        "from_scratch": True,
        "pretrained_weights": None,
        "baseline_for": relative_to_results(fold, ctx.finetune_fold_dir),
        "finetune_plans": ctx.options.finetune_plans,
        "configuration": ctx.options.configuration,
        "trainer": ctx.baseline_trainer,
        "command": command,
    }, indent=2))
