"""Fine-tuning from a model someone else trained: the model as nnFT uses it.

Most users do not pretrain themselves: they start from a colleague's model or a released one
(nnU-Net #2089, #2952). Then the plans flow FROM the model TO the fine-tuning dataset (under a
new identifier), and the weights flow the same way. The model may be a training output folder
(``…/<trainer>__<plans>__<config>``), one of its fold folders, or a zip made by
``nnUNetv2_export_model_to_zip`` / ``nnft export-model``.

nnFT copies what the chain needs from the model (``plans.json``, ``dataset.json`` and the one
fold's ``checkpoint_final.pth``) into ``nnUNet_results/nnFT/models/`` before anything else
runs: the fine-tuning then never depends on a folder that may change or a zip that may move,
and the checkpoint's sha256 is recorded once. nnU-Net's own installer
(``nnUNetv2_install_pretrained_model_from_zip``) is not used: it unpacks into
``nnUNet_results/<model's dataset>/``, where it would silently replace a workspace's own results
of a dataset with the same name.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from nnft.core import problems as P
from nnft.core.header_cache import HEADER_CACHE, FileVersion, file_version, is_settled
from nnft.core.i18n import text
from nnft.core.problems import Problem
from nnft.core.safety import atomic_write_text
from nnft.core.workspace import Workspace

#: nnFT's record in an imported model's folder: where it came from and the checkpoint's hash.
IMPORT_RECORD = "nnft_import.json"
#: Folder (under ``nnUNet_results/nnFT``) holding the models nnFT imported for fine-tuning.
MODELS_FOLDER = "models"
CHECKPOINT_NAME = "checkpoint_final.pth"
MODEL_FILES = ("plans.json", "dataset.json")
_IDENTIFIER_RE = re.compile(r"^(?P<trainer>.+?)__(?P<plans>.+)__(?P<configuration>[^_].*)$")


@dataclass(frozen=True)
class SourceModel:
    """A trained nnU-Net model the fine-tuning starts from.

    Attributes
    ----------
    given
        The path the user gave (model folder, fold folder or zip).
    member
        In a zip: the model folder inside it (``Dataset001_X/T__P__C``), else None.
    dataset_name, trainer, plans_name, configuration
        What the model was trained on and how (from its folder name, else its plans).
    fold
        The fold whose ``checkpoint_final.pth`` the fine-tuning starts from.
    folds
        Every fold of the model with a whole ``checkpoint_final.pth``.
    plans, dataset_json
        The model's ``plans.json`` and ``dataset.json``.
    imported_dir
        Where nnFT keeps its copy: ``nnUNet_results/nnFT/models/<key>/<dataset>/<T__P__C>``.
    """

    given: Path
    member: str | None
    dataset_name: str
    trainer: str
    plans_name: str
    configuration: str
    fold: str
    folds: tuple[str, ...]
    plans: dict[str, Any]
    dataset_json: dict[str, Any]
    imported_dir: Path

    @property
    def is_zip(self) -> bool:
        return self.member is not None

    @property
    def source_folder(self) -> Path:
        """The model folder the files are copied from (the zip itself for a zip)."""
        return self.given if self.is_zip else _model_folder(self.given)

    @property
    def checkpoint(self) -> Path:
        """The imported copy of the checkpoint the fine-tuning loads."""
        return self.imported_dir / f"fold_{self.fold}" / CHECKPOINT_NAME

    @property
    def channel_names(self) -> dict[str, str]:
        names = self.dataset_json.get("channel_names", self.dataset_json.get("modality", {}))
        return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}

    @property
    def labels(self) -> dict[str, Any]:
        labels = self.dataset_json.get("labels", {})
        return labels if isinstance(labels, dict) else {}

    @property
    def display_name(self) -> str:
        """``Dataset001_X (nnUNetTrainer, nnUNetPlans, 2d, fold all)``: what the user sees."""
        return (f"{self.dataset_name} ({self.trainer}, {self.plans_name}, {self.configuration}, "
                f"fold {self.fold})")

    def describe(self) -> dict[str, Any]:
        """Plain data for markers, reports and ``--json``."""
        return {"path": str(self.given), "member": self.member, "dataset": self.dataset_name,
                "trainer": self.trainer, "plans": self.plans_name,
                "configuration": self.configuration, "fold": self.fold,
                "folds": list(self.folds), "imported": str(self.imported_dir)}


def _model_folder(path: Path) -> Path:
    """The model folder of a model folder or one of its fold folders."""
    if re.fullmatch(r"fold_(\d+|all)", path.name) and (path.parent / "plans.json").exists():
        return path.parent
    return path


def _import_key(path: Path) -> str:
    """A stable folder name for one model as given: its name plus a short hash of where it is
    and which checkpoint/zip version it is (size and modification time), so a changed model is
    imported anew instead of being mixed up with the old copy."""
    path = path.absolute()
    target = path
    if path.is_dir():
        found = sorted(_model_folder(path).glob(f"fold_*/{CHECKPOINT_NAME}"))
        target = found[0] if found else path
    try:
        stat = target.stat()
        version = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        version = "missing"
    digest = hashlib.sha256(f"{path}|{version}".encode()).hexdigest()[:10]
    stem = re.sub(r"[^A-Za-z0-9_.+-]", "_", (path.stem if path.is_file() else
                                             _model_folder(path).name))[:60]
    return f"{stem}_{digest}"


#: Resolved models remembered (the wizard's preflight resolves the chosen one after every
#: invalidation; a zip's directory and JSON files were read each time).
_RESOLVED_MAX = 8
_resolved: OrderedDict[tuple[str, str], tuple[tuple[Any, ...],
                                              tuple[SourceModel | None, list[Problem]]]] = \
    OrderedDict()
_resolved_lock = threading.Lock()


def _model_version(given: Path) -> tuple[Any, ...] | None:
    """The versions (:func:`~nnft.core.header_cache.file_version`) of everything
    :func:`resolve_source_model` reads: the zip; or the model folder, its plans.json and
    dataset.json, and each fold folder with its checkpoint. None when a version is too fresh
    to be trusted (a file written in the last seconds: see ``header_cache.is_settled``), or
    the path does not exist: then the model is read again."""
    version = file_version(given)
    if version is None:
        return None
    versions: list[FileVersion | None] = [version]
    if given.is_dir():
        folder = _model_folder(given)
        versions += [file_version(folder), *(file_version(folder / name) for name in MODEL_FILES)]
        try:
            folds = sorted(entry.name for entry in os.scandir(folder)
                           if entry.name.startswith("fold_"))
        except OSError:
            return None
        for fold in folds:
            versions += [file_version(folder / fold), file_version(folder / fold / CHECKPOINT_NAME)]
    now = HEADER_CACHE.clock()  # one clock for both caches (tests move it forward)
    if not all(v is None or is_settled(v, now) for v in versions):
        return None
    return tuple(versions)


def resolve_source_model(workspace: Workspace, path: Path | str
                         ) -> tuple[SourceModel | None, list[Problem]]:
    """Find the model at ``path`` and choose the fold the fine-tuning starts from.

    The fold: the fold folder given; else ``fold_all`` when it finished; else the lowest
    finished fold (an info problem says so and how to choose another).

    The answer is remembered while the files it was read from keep their size, times and
    inode (:func:`_model_version`): the wizard asks after every invalidation. Each caller
    gets its own copy of the model's plans and dataset.json.

    Returns
    -------
    (SourceModel or None, problems)
        None with the errors of :func:`nnft.core.predict.resolve_model` (``MODEL_NOT_FOUND``,
        ``MODEL_AMBIGUOUS``, ``MODEL_INCOMPLETE``) or ``SOURCE_MODEL_INVALID``.
    """
    given = Path(path).expanduser().absolute()
    key = (str(workspace.results), str(given))  # results: where the import goes (state_dir)
    version = _model_version(given)
    with _resolved_lock:
        hit = _resolved.get(key)
        if hit is not None and version is not None and hit[0] == version:
            _resolved.move_to_end(key)
            return _copy_of(hit[1])
    found = _resolve_source_model(workspace, given)
    if version is not None:
        with _resolved_lock:
            _resolved[key] = (version, found)
            _resolved.move_to_end(key)
            while len(_resolved) > _RESOLVED_MAX:
                _resolved.popitem(last=False)
    return _copy_of(found)


def _copy_of(found: tuple[SourceModel | None, list[Problem]]
             ) -> tuple[SourceModel | None, list[Problem]]:
    """A remembered answer, with plans and dataset.json of the caller's own (they are dicts a
    caller could change)."""
    model, problems = found
    if model is not None:
        model = dataclasses.replace(model, plans=copy.deepcopy(model.plans),
                                    dataset_json=copy.deepcopy(model.dataset_json))
    return model, list(problems)


def _resolve_source_model(workspace: Workspace, given: Path
                          ) -> tuple[SourceModel | None, list[Problem]]:
    """:func:`resolve_source_model` without the memo (``given``: absolute)."""
    from nnft.core.predict import resolve_model  # predict imports the steps package

    model, problems = resolve_model(given)
    if model is None:
        return None, problems
    if model.member is not None:
        dataset_part, _, folder_name = model.member.rpartition("/")
        dataset_name = dataset_part.rsplit("/", 1)[-1]
    else:
        folder = _model_folder(given)
        dataset_name, folder_name = folder.parent.name, folder.name
    match = _IDENTIFIER_RE.match(folder_name)
    plans = model.plans
    trainer = match["trainer"] if match else "nnUNetTrainer"
    plans_name = match["plans"] if match else str(plans.get("plans_name", ""))
    configuration = match["configuration"] if match else ""
    if not dataset_name.startswith("Dataset"):
        dataset_name = str(plans.get("dataset_name", dataset_name))
    configurations = plans.get("configurations")
    if not plans_name or not isinstance(configurations, dict) or \
            configuration not in configurations:
        return None, [P.error(
            P.SOURCE_MODEL_INVALID,
            text("The model {model} does not say which plans and configuration it was "
                 "trained with: its folder is named '{folder_name}', not "
                 "<trainer>__<plans>__<configuration> with a configuration of its plans.json.",
                 model=given, folder_name=folder_name),
            text("Give the training output folder exactly as nnU-Net wrote it (e.g. "
                 "nnUNetTrainer__nnUNetPlans__3d_fullres), or a zip made by "
                 "nnUNetv2_export_model_to_zip."))]
    if len(model.folds) == 1:
        fold = model.folds[0]
    elif "all" in model.folds:
        fold = "all"
    else:
        fold = sorted(model.folds, key=lambda f: (not f.isdigit(), f))[0]
    notes: list[Problem] = []
    if len(model.folds) > 1:
        notes.append(P.info(
            P.SOURCE_MODEL_FOLD,
            text("The model has {count} finished folds ({folds}); the fine-tuning starts "
                 "from fold {fold}'s checkpoint_final.pth.",
                 count=len(model.folds), folds=", ".join(model.folds), fold=fold),
            text("To start from another fold, give that fold's folder (…/fold_X) as the "
                 "model.")))
    imported = (workspace.state_dir / MODELS_FOLDER / _import_key(given) / dataset_name /
                folder_name)
    return SourceModel(given, model.member, dataset_name, trainer, plans_name, configuration,
                       fold, model.folds, plans, model.dataset_json, imported), notes


def import_complete(model: SourceModel) -> bool:
    """nnFT's copy of the model is there and whole (its record was written last)."""
    from .disk import checkpoint_complete

    return ((model.imported_dir / IMPORT_RECORD).is_file()
            and all((model.imported_dir / name).is_file() for name in MODEL_FILES)
            and checkpoint_complete(model.checkpoint))


def import_model(model: SourceModel, log: Callable[[str], None] = lambda line: None) -> Path:
    """Copy the model's plans, dataset.json and chosen checkpoint into nnFT's models folder.

    Written into a temporary folder beside the target and renamed when whole, so an
    interrupted import leaves nothing that looks complete. An existing complete copy is kept.

    Returns
    -------
    Path
        :attr:`SourceModel.imported_dir`.
    """
    if import_complete(model):
        log(f"The model is already imported in {model.imported_dir}")
        return model.imported_dir
    target = model.imported_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".nnft-import-", dir=target.parent))
    try:
        wanted = [*MODEL_FILES, f"fold_{model.fold}/{CHECKPOINT_NAME}"]
        if model.member is not None:
            with zipfile.ZipFile(model.given) as archive:
                for name in wanted:
                    out = staging / name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(f"{model.member}/{name}") as src, out.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
        else:
            for name in wanted:
                out = staging / name
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(model.source_folder / name, out)
        checkpoint_sha = _sha256(staging / f"fold_{model.fold}" / CHECKPOINT_NAME)
        atomic_write_text(staging / IMPORT_RECORD, json.dumps({
            **model.describe(), "checkpoint_sha256": checkpoint_sha,
            "imported_at": datetime.now().isoformat(timespec="seconds"),
        }, indent=2))
        if target.exists():  # an incomplete earlier import: nnFT's own, nothing of the user's
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"Imported {model.display_name} from {model.given} into {target} "
        f"(checkpoint sha256 {checkpoint_sha[:16]}…)")
    return target


def import_record(model: SourceModel) -> dict[str, Any] | None:
    """The record :func:`import_model` wrote (None before the import)."""
    try:
        data = json.loads((model.imported_dir / IMPORT_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
