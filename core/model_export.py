"""Hand a fine-tuned model to someone else: nnU-Net's model zip plus a model card.

``nnft export-model`` (see :mod:`nnft.core.cli_model_export`) calls :func:`export_model`, which

1. finds the fine-tuned run(s) of a dataset by nnFT's ``nnft_run.json`` markers
   (:func:`nnft.core.evaluation.find_runs`; baselines are never exported), one per fold, all of
   one trainer and plans (one nnU-Net model folder);
2. checks every fold: a whole ``checkpoint_final.pth``, ``progress.png`` and the final
   validation's ``validation/summary.json``. A fold without its summary is **refused** (with the
   ``nnUNetv2_train ... --val`` command that writes it), not exported as "not validated":
   nnU-Net's own exporter needs the file, and a card without a Dice would hand on a model nobody
   measured;
3. stages a copy of the model folder in a temporary folder next to ``--output`` (never in the
   workspace: nothing under ``nnUNet_results`` changes); a run of one of nnFT's trainers gets
   nnU-Net's default trainer name, ``nnUNetTrainer__<plans>__<configuration>``, with every
   checkpoint's ``trainer_name`` set to ``nnUNetTrainer`` (the original name is kept under
   :data:`ORIGINAL_TRAINER_KEY`); any other trainer keeps its name (:func:`exported_trainer_name`;
   the card says when a stock install lacks it);
4. checks that the copy infers exactly like the original: same network weights (every tensor
   equal), same ``inference_allowed_mirroring_axes``, same ``init_args`` (plans, configuration,
   dataset.json), byte-equal ``plans.json`` / ``dataset.json`` / ``dataset_fingerprint.json``;
5. runs nnU-Net's ``nnUNetv2_export_model_to_zip`` on the staged copy (a child process,
   ``nnUNet_results`` = the staging folder, ``nnUNet_extTrainer`` unset), adds the model card
   (``model_card.json`` and ``model_card.md``, inside the model folder) and moves the zip to
   ``--output`` (an existing file only with ``overwrite=True``, after a backup).

Why the trainer is renamed: nnU-Net's predictor builds the network with the class named by
``checkpoint['trainer_name']``, looked up among nnU-Net's own trainers and ``nnUNet_extTrainer``.
nnFT's trainers (``nnFTTrainerQuickTrial``, ``nnFTTrainerGentleFinetune``, ...) are unknown to a
stock install. They differ from ``nnUNetTrainer`` only in training (schedule, learning rate,
frozen encoder, stop signal), never in the network or the inference, so ``nnUNetTrainer`` builds
the same network and predicts the same way. The folder gets the default name too, so stock
``nnUNetv2_predict -d DATASET -c CONFIG -p PLANS -f FOLDS`` finds it without ``-tr``. The card
says plainly how the model was really trained.

torch is imported inside the functions that need it (reading and writing checkpoints).
"""

from __future__ import annotations

import functools
import json
import os
import platform
import shlex
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .evaluation import (
    CROSS_VALIDATION_FOLDS,
    RunInfo,
    RunSelectionError,
    ValidationSummary,
    _validation_command,
    find_runs,
    label_names,
    select_finetuned,
)
from .safety import backup_path
from .steps.context import GRACEFUL_STOP_TRAINERS, RUN_MARKER
from .steps.disk import checkpoint_complete, sha256_of
from .steps.model_source import IMPORT_RECORD
from .steps.presets import FINETUNE_PRESETS
from .workspace import Workspace

__all__ = [
    "EXPORT_TRAINER",
    "MODEL_CARD_JSON",
    "MODEL_CARD_MD",
    "NNFT_TRAINERS",
    "ModelExportError",
    "ExportResult",
    "choose_runs",
    "export_model",
    "exported_trainer_name",
    "is_stock_trainer",
    "model_card",
    "model_card_markdown",
]

#: The trainer name the exported checkpoints and model folder carry: nnU-Net's default, known
#: to every stock install and the default ``-tr`` of ``nnUNetv2_predict``.
EXPORT_TRAINER = "nnUNetTrainer"
#: nnFT's own trainers (``resources/trainers``): they differ from nnUNetTrainer only in
#: training, so their exported copies are renamed to :data:`EXPORT_TRAINER`.
NNFT_TRAINERS = GRACEFUL_STOP_TRAINERS


def exported_trainer_name(trainer: str) -> str:
    """The trainer name an exported model carries: :data:`EXPORT_TRAINER` for nnFT's trainers
    (unknown to stock nnU-Net, equal to it at inference), any other trainer's own name (it may
    build another network: renaming it could make the model load wrongly or not at all)."""
    return EXPORT_TRAINER if trainer in NNFT_TRAINERS else trainer


@functools.lru_cache(maxsize=16)
def is_stock_trainer(trainer: str) -> bool:
    """True when a plain nnU-Net install has this trainer class (``nnunetv2.training.
    nnUNetTrainer`` and its sub-packages, no ``nnUNet_extTrainer``)."""
    if trainer == EXPORT_TRAINER:
        return True
    import nnunetv2
    from nnunetv2.utilities.find_class_by_name import recursive_find_python_class

    folder = os.path.join(nnunetv2.__path__[0], "training", "nnUNetTrainer")
    try:
        return recursive_find_python_class(folder, trainer,
                                           "nnunetv2.training.nnUNetTrainer") is not None
    except Exception:  # a trainer module that fails to import: not usable as stock either
        return False


#: Key added to each exported checkpoint with the trainer that really trained it (the predictor
#: ignores keys it does not know).
ORIGINAL_TRAINER_KEY = "nnft_trained_with_trainer"
MODEL_CARD_JSON = "model_card.json"
MODEL_CARD_MD = "model_card.md"
#: Version of the model card's layout (``model_card.json`` ``"format"``).
MODEL_CARD_FORMAT = "nnft-model-card/1"

#: Per trainer folder, the files nnU-Net's exporter reads; per fold the ones it reads (the
#: optional ones only when present).
_MODEL_FILES = ("plans.json", "dataset.json", "dataset_fingerprint.json")
_FOLD_FILES_REQUIRED = ("progress.png", "validation/summary.json")
_FOLD_FILES_OPTIONAL = ("debug.json", "network_architecture.pdf")
CHECKPOINT = "checkpoint_final.pth"


class ModelExportError(Exception):
    """The model cannot be exported as asked: ``message`` says why, ``fix`` what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} Fix: {self.fix}"


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_model` wrote.

    Attributes
    ----------
    output
        The zip.
    card
        The model card (``model_card.json``'s content).
    folder_in_zip
        ``DatasetXXX_Name/nnUNetTrainer__<plans>__<configuration>``: where the model lands in
        ``nnUNet_results`` when installed.
    backup
        Where an overwritten ``output`` was backed up; None when nothing was overwritten.
    """

    output: Path
    card: dict[str, Any]
    folder_in_zip: str
    backup: Path | None = None
    runs: list[RunInfo] = field(default_factory=list, compare=False)


# -- which runs ------------------------------------------------------------------------------
def choose_runs(workspace: Workspace, dataset: str, configuration: str,
                folds: Sequence[str] | None = None, *, trainer: str | None = None,
                preset: str | None = None) -> list[RunInfo]:
    """The fine-tuned runs to export, one per fold, all in one model folder.

    Parameters
    ----------
    folds
        None: every fold 0-4 with a matching fine-tuning by nnFT (``all`` when only that exists).
    trainer, preset
        Pick the fine-tuning when several exist (:func:`~nnft.core.evaluation.select_finetuned`).

    Raises
    ------
    ModelExportError
        No fine-tuning, several and nothing picks one, or folds of different trainers or plans.
    """
    if workspace.results is None:
        raise ModelExportError("nnUNet_results is not set.",
                               "Give --workspace DIR or set nnUNet_results.")
    runs = find_runs(workspace.results, dataset, configuration)

    def matches(run: RunInfo) -> bool:
        return (not run.from_scratch and (trainer is None or run.trainer == trainer)
                and (preset is None or run.preset == preset))

    if folds is None:
        found = sorted({r.fold for r in runs if matches(r)})
        numbered = [f for f in found if f in CROSS_VALIDATION_FOLDS]
        folds = numbered or found
        if not folds:
            others = sorted({r.configuration for r in find_runs(workspace.results, dataset)
                             if not r.from_scratch} - {configuration})
            hint = (f" There are fine-tunings of configuration {', '.join(others)}: give "
                    "--config." if others else "")
            raise ModelExportError(
                f"No fine-tuning by nnFT found for {dataset}, configuration {configuration}"
                + (f" (trainer {trainer})" if trainer else "")
                + (f" (preset {preset})" if preset else "") + f".{hint}",
                "Fine-tune first (nnft run --pretrain ID --finetune ID ...), or check --config, "
                "--trainer and --preset.")
    chosen: list[RunInfo] = []
    for fold in folds:
        try:
            chosen.append(select_finetuned(
                [r for r in runs if r.fold == fold], trainer=trainer, preset=preset,
                where=f"{dataset}, {configuration}, fold {fold}"))
        except RunSelectionError as exc:
            raise ModelExportError(exc.message, exc.fix) from exc
    folders = {r.fold_dir.parent for r in chosen}
    if len(folders) > 1:
        listing = "; ".join(f"fold {r.fold}: {r.describe()}" for r in chosen)
        raise ModelExportError(
            f"The folds asked for were trained differently ({listing}); one exported model is "
            "one nnU-Net model folder (one trainer and plans).",
            "Export them separately: pick one with --trainer or --preset, or give --folds.")
    return chosen


# -- checks of the runs ------------------------------------------------------------------------
def _check_runs(runs: Sequence[RunInfo], workspace: Workspace) -> None:
    """Refuse runs nnU-Net's exporter (or the card) cannot use, each with its fix."""
    model_dir = runs[0].fold_dir.parent
    for name in _MODEL_FILES:
        if not (model_dir / name).is_file():
            raise ModelExportError(
                f"{model_dir / name} is missing; nnU-Net writes it when a training starts and "
                "needs it to load the model.",
                "Train this model with nnU-Net (nnft run), or export another run.")
    for run in runs:
        checkpoint = run.fold_dir / CHECKPOINT
        if not checkpoint.is_file():
            raise ModelExportError(
                f"Fold {run.fold} ({run.fold_dir}) has no {CHECKPOINT}: its training has not "
                "finished.",
                "Finish the training first (nnft run ... continues it), or leave this fold "
                "out with --folds.")
        if not checkpoint_complete(checkpoint):
            raise ModelExportError(
                f"{checkpoint} is cut off (it was being written when the training stopped).",
                "Train this fold again, or leave it out with --folds.")
        if not (run.fold_dir / "progress.png").is_file():
            raise ModelExportError(
                f"{run.fold_dir / 'progress.png'} is missing (nnU-Net writes it every epoch "
                "and its exporter needs it).",
                "Train this fold again, or leave it out with --folds.")
        summary, reason = ValidationSummary.read_with_reason(run.fold_dir)
        if summary is None:
            fallback = ["nnUNetv2_train", run.dataset, run.configuration, run.fold,
                        "-p", run.plans, "-tr", run.trainer]
            command = _validation_command(run.marker.get("command"), fallback, workspace,
                                          run.trainer)
            raise ModelExportError(
                f"Fold {run.fold} has no usable validation result: {reason}. nnFT exports "
                "only validated models (the card reports their Dice, and nnU-Net's exporter "
                "needs the summary).",
                f"Run the final validation: {command} (or \"Finish validation\" on the "
                "results page), or leave this fold out with --folds.")


# -- the staged copy ---------------------------------------------------------------------------
def _load(path: Path) -> dict[str, Any]:
    from .weights import load_checkpoint_safely

    checkpoint, problems = load_checkpoint_safely(path)
    if checkpoint is None:
        problem = problems[0]
        raise ModelExportError(problem.message, problem.fix)
    return checkpoint


def _same_inference_state(original: dict[str, Any], copy: dict[str, Any]) -> list[str]:
    """What differs between two checkpoints in what inference uses (empty: nothing)."""
    import torch

    differences: list[str] = []
    weights, copied = original["network_weights"], copy["network_weights"]
    if list(weights) != list(copied):
        differences.append("the network's parameter names")
    else:
        changed = [k for k in weights if not torch.equal(weights[k].cpu(), copied[k].cpu())]
        if changed:
            differences.append(f"{len(changed)} network tensors (e.g. {changed[0]})")
    for key in ("inference_allowed_mirroring_axes", "init_args"):
        if original.get(key) != copy.get(key):
            differences.append(key)
    return differences


def _stage_checkpoint(source: Path, target: Path, trainer_name: str) -> dict[str, Any]:
    """Write ``source`` to ``target`` with ``trainer_name``, check the copy, and return the
    original checkpoint (for the card)."""
    import torch

    original = _load(source)
    renamed = dict(original)
    renamed[ORIGINAL_TRAINER_KEY] = original.get("trainer_name")
    renamed["trainer_name"] = trainer_name
    torch.save(renamed, target)
    reread = _load(target)
    differences = _same_inference_state(original, reread)
    if reread.get("trainer_name") != trainer_name:
        differences.append("trainer_name was not rewritten")
    if differences:  # pragma: no cover - torch.save/load round trip; a guard, not a path
        raise ModelExportError(
            f"The exported copy of {source} differs from it in {', '.join(differences)}.",
            "Report this to nnFT's developers with the checkpoint's torch version.")
    return original


def _stage_model(runs: Sequence[RunInfo], staged_results: Path) -> tuple[Path, dict[str, dict]]:
    """The staged model folder and the original checkpoint of each fold."""
    first = runs[0]
    source_dir = first.fold_dir.parent
    exported = exported_trainer_name(first.trainer)
    model_dir = staged_results / first.dataset / f"{exported}__{first.plans}__{first.configuration}"
    model_dir.mkdir(parents=True)
    for name in _MODEL_FILES:
        shutil.copy2(source_dir / name, model_dir / name)
        if sha256_of(source_dir / name) != sha256_of(model_dir / name):  # pragma: no cover
            raise ModelExportError(f"Copying {source_dir / name} changed it.",
                                   "Check the disk of --output (full, or failing).")
    checkpoints: dict[str, dict] = {}
    for run in runs:
        fold_dir = model_dir / run.fold_dir.name
        for name in (*_FOLD_FILES_REQUIRED, *_FOLD_FILES_OPTIONAL):
            if (run.fold_dir / name).is_file():
                (fold_dir / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(run.fold_dir / name, fold_dir / name)
        checkpoints[run.fold] = _stage_checkpoint(run.fold_dir / CHECKPOINT,
                                                  fold_dir / CHECKPOINT, exported)
    return model_dir, checkpoints


# -- the model card ----------------------------------------------------------------------------
def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _debug_int(fold_dir: Path, key: str) -> int | None:
    """An integer attribute of the trainer from nnU-Net's ``debug.json`` (stored as text)."""
    try:
        value = json.loads((fold_dir / "debug.json").read_text(encoding="utf-8")).get(key)
        return int(value)
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _pretrained(run: RunInfo, results: Path) -> dict[str, Any]:
    """Where the fine-tuning's weights came from, and the sha256 of that checkpoint now."""
    marker = run.marker
    relative = marker.get("pretrained_weights_relative")
    absolute = marker.get("pretrained_weights")
    candidates = ([results / relative] if isinstance(relative, str) else []) \
        + ([Path(absolute)] if isinstance(absolute, str) else [])
    found = next((p for p in candidates if p.is_file()), None)
    info: dict[str, Any] = {
        "pretraining_dataset": marker.get("pretrain_dataset"),
        "pretraining_plans": marker.get("pretrain_plans"),
        "source_model": _source_model(marker),
        "checkpoint": relative or absolute,
        "checkpoint_sha256": sha256_of(found) if found is not None else None,
    }
    if found is None:
        info["note"] = ("The pretrained checkpoint is no longer on disk where the fine-tuning "
                        "found it; its sha256 is unknown.")
    else:
        try:
            started = (run.fold_dir / RUN_MARKER).stat().st_mtime
            if found.stat().st_mtime > started:
                info["note"] = ("The pretrained checkpoint was modified after this fine-tuning "
                                "started: the sha256 is of the file as it is now, which may not "
                                "be the weights the fine-tuning started from.")
        except OSError:
            pass
    return info


def _source_model(marker: dict[str, Any]) -> dict[str, Any] | None:
    """The model a fine-tuning started from (nnFT's marker: ``source_model``), with the sha256
    of its checkpoint when nnFT imported it (from the marker, else nnFT's import record); None
    for a fine-tuning from a pretraining of the workspace."""
    model = marker.get("source_model")
    if not isinstance(model, dict):
        return None
    sha = model.get("checkpoint_sha256")
    if not sha and isinstance(model.get("imported"), str):
        try:
            record = json.loads((Path(model["imported"]) / IMPORT_RECORD).read_text("utf-8"))
            sha = record.get("checkpoint_sha256") if isinstance(record, dict) else None
        except (OSError, ValueError):
            sha = None
    return {"path": model.get("path"), "member": model.get("member"),
            "dataset": model.get("dataset"), "trainer": model.get("trainer"),
            "plans": model.get("plans"), "configuration": model.get("configuration"),
            "fold": model.get("fold"), "checkpoint_sha256_at_import": sha}


def _model_words(model: dict[str, Any]) -> str:
    """``Dataset001_X (nnUNetTrainer, nnUNetPlans, 2d, fold all)``."""
    return (f"{model.get('dataset')} ({model.get('trainer')}, {model.get('plans')}, "
            f"{model.get('configuration')}, fold {model.get('fold')})")


def model_card(runs: Sequence[RunInfo], checkpoints: dict[str, dict[str, Any]], results: Path,
               *, exported_at: datetime | None = None) -> dict[str, Any]:
    """The model card (``model_card.json``) of the exported ``runs``.

    Parameters
    ----------
    runs
        The exported runs (one per fold, one model folder).
    checkpoints
        Each fold's original ``checkpoint_final.pth`` as loaded (``current_epoch``).
    results
        The workspace's ``nnUNet_results`` (to find the pretrained checkpoint).
    """
    first = runs[0]
    dataset_json = json.loads((first.fold_dir.parent / "dataset.json").read_text("utf-8"))
    names = label_names(dataset_json)
    preset = FINETUNE_PRESETS.get(first.preset or "")
    exported = exported_trainer_name(first.trainer)
    folder = f"{first.dataset}/{exported}__{first.plans}__{first.configuration}"
    folds = []
    for run in runs:
        summary = ValidationSummary.read(run.fold_dir)
        assert summary is not None  # _check_runs refused runs without one
        folds.append({
            "fold": run.fold,
            "epochs_trained": checkpoints[run.fold].get("current_epoch"),
            "epochs_planned": _debug_int(run.fold_dir, "num_epochs"),
            "iterations_per_epoch": _debug_int(run.fold_dir, "num_iterations_per_epoch"),
            "pretrained_weights": _pretrained(run, results),
            "validation": {
                "source": "nnU-Net's final validation (validation/summary.json)",
                "cases": summary.n_cases,
                "mean_dice": summary.mean_dice,
                "dice_per_class": {key: {"name": names.get(key, key), "dice": value}
                                   for key, value in summary.dice_per_class.items()},
            },
        })
    fold_args = [r.fold for r in runs]
    try:
        import torch

        torch_version: str | None = str(torch.__version__)
    except Exception:  # pragma: no cover - checkpoints were just written with torch
        torch_version = None
    freeze = first.marker.get("freeze_epochs")
    return {
        "format": MODEL_CARD_FORMAT,
        "model": {
            "dataset": first.dataset,
            "configuration": first.configuration,
            "plans_identifier": first.plans,
            "folds": fold_args,
            "folder": folder,
            "trainer_name_in_checkpoints": exported,
            "needs_trainer_class": None if is_stock_trainer(exported) else exported,
        },
        "training": {
            "trainer": first.trainer,
            "preset": first.preset,
            "preset_description": preset.label if preset else None,
            "freeze_epochs": freeze if first.trainer.startswith("nnFTTrainerFrozenEncoder")
            else None,
            "quick_trial": first.is_quick_trial,
            "fine_tuned_from_pretrained_weights": True,
            "how": _how(first, exported),
        },
        "folds": folds,
        "versions": {"nnft": _version("nnft"), "nnunetv2": _version("nnunetv2"),
                     "torch": torch_version, "python": platform.python_version()},
        "exported_at": (exported_at or datetime.now(timezone.utc)).isoformat(
            timespec="seconds"),
        "use": {
            "install": "nnUNetv2_install_pretrained_model_from_zip MODEL.zip",
            "predict": shlex.join(["nnUNetv2_predict", "-i", "INPUT_FOLDER", "-o",
                                   "OUTPUT_FOLDER", "-d", first.dataset, "-c",
                                   first.configuration, "-p", first.plans, "-f", *fold_args]
                                  + ([] if exported == EXPORT_TRAINER else ["-tr", exported])),
        },
    }


def _how(run: RunInfo, exported: str) -> str:
    """How the model was trained, and why its checkpoints name the trainer they name."""
    model = _source_model(run.marker)
    source = (f"from the model {_model_words(model)}, given as {model.get('path')}"
              if model is not None
              else f"from pretrained weights of {run.marker.get('pretrain_dataset')}")
    text = (f"Fine-tuned by nnFT with the trainer {run.trainer}"
            + (f" (preset {run.preset})" if run.preset else "")
            + f" {source}. ")
    if exported != run.trainer:
        return text + (f"The checkpoints name {exported} so that a stock nnU-Net can load "
                       f"them: {run.trainer} differs from {exported} only in training, so the "
                       "network and the prediction are nnU-Net's defaults.")
    if is_stock_trainer(exported):
        return text + f"{exported} is part of nnU-Net: a stock install loads the model."
    return text + (f"{exported} is not part of nnU-Net: whoever uses this model needs that "
                   "trainer class (nnUNet_extTrainer or a copy in nnunetv2/training), because "
                   "nnU-Net builds the network with it.")


def _number(value: Any) -> str:
    return "not defined (NaN)" if value is None else f"{value:.4f}"


def _source_lines(pretrained: dict[str, Any]) -> list[str]:
    """Where a fold's weights came from, as Markdown list items: the pretraining dataset, or
    the model it was fine-tuned from (with the checkpoint's sha256 at the import)."""
    model = pretrained.get("source_model")
    if not model:
        return [f"- Pretrained on: {pretrained['pretraining_dataset']} (plans "
                f"{pretrained['pretraining_plans']})"]
    where = str(model.get("path")) + (f" (in the zip: {model['member']})"
                                      if model.get("member") else "")
    return [f"- Fine-tuned from the model: {_model_words(model)}",
            f"- The model was given as: {where}",
            f"- Its checkpoint's sha256 when nnFT imported it: "
            f"{model.get('checkpoint_sha256_at_import') or 'unknown'}"]


def model_card_markdown(card: dict[str, Any]) -> str:
    """``model_card.md``: the card for people."""
    m, t = card["model"], card["training"]
    lines = [
        f"# {m['dataset']}: nnU-Net model ({m['configuration']}, plans {m['plans_identifier']})",
        "",
        "## How it was trained",
        "",
        t["how"],
        "",
        f"- Trainer: {t['trainer']}" + (" (quick trial: a short test run, not a full "
                                         "training)" if t["quick_trial"] else ""),
        f"- Fine-tuning preset: {t['preset']}"
        + (f": {t['preset_description']}" if t["preset_description"] else ""),
    ]
    if t.get("freeze_epochs") is not None:
        lines.append(f"- Encoder frozen for the first {t['freeze_epochs']} epochs")
    lines += [f"- Plans identifier: {m['plans_identifier']}",
              f"- Folds: {', '.join(m['folds'])}", ""]
    for fold in card["folds"]:
        p, v = fold["pretrained_weights"], fold["validation"]
        lines += [f"## Fold {fold['fold']}", "",
                  f"- Epochs: {fold['epochs_trained']} trained"
                  + (f" of {fold['epochs_planned']} planned" if fold["epochs_planned"] else "")
                  + (f", {fold['iterations_per_epoch']} iterations each"
                     if fold["iterations_per_epoch"] else ""),
                  *_source_lines(p),
                  ("- The checkpoint it started from (nnFT's imported copy of the model's): "
                   if p.get("source_model") else "- Pretrained checkpoint: ")
                  + str(p["checkpoint"]),
                  f"- Its sha256: {p['checkpoint_sha256'] or 'unknown'}"]
        if p.get("note"):
            lines.append(f"- Note: {p['note']}")
        lines += ["", f"Dice of nnU-Net's final validation ({v['cases']} cases):", "",
                  "| class | name | Dice |", "|---|---|---|"]
        for key, entry in v["dice_per_class"].items():
            lines.append(f"| {key} | {entry['name']} | {_number(entry['dice'])} |")
        lines += [f"| mean | foreground | {_number(v['mean_dice'])} |", ""]
    versions = ", ".join(f"{k} {v}" for k, v in card["versions"].items())
    lines += ["## Use it (stock nnU-Net, no nnFT needed)", "",
              f"    {card['use']['install']}", f"    {card['use']['predict']}", "",
              f"Exported {card['exported_at']} with {versions}.", ""]
    return "\n".join(lines)


# -- the export --------------------------------------------------------------------------------
def _check_output(output: Path, overwrite: bool) -> None:
    if output.suffix.lower() != ".zip":
        raise ModelExportError(f"--output {output} does not end in .zip.",
                               "Give a file name ending in .zip, e.g. model.zip.")
    if output.is_dir():
        raise ModelExportError(f"--output {output} is a folder.",
                               "Give the zip file's name, e.g. model.zip.")
    if not output.parent.is_dir():
        raise ModelExportError(f"The folder of --output, {output.parent}, does not exist.",
                               f"Create it (mkdir -p '{output.parent}') or choose another one.")
    if output.exists() and not overwrite:
        raise ModelExportError(f"{output} exists already; nnFT does not overwrite it.",
                               "Choose another --output, or pass --overwrite (the old file is "
                               "backed up first).")


def export_environment(workspace: Workspace, staged_results: Path) -> dict[str, str]:
    """The environment of nnU-Net's exporter: the workspace's, with ``nnUNet_results`` = the
    staging folder and no ``nnUNet_extTrainer`` (the copy must not need nnFT's trainers)."""
    env = workspace.child_environment()
    env["nnUNet_results"] = str(staged_results)
    env.pop("nnUNet_extTrainer", None)
    return env


def export_model(workspace: Workspace, dataset: str, output: Path | str, *,
                 configuration: str = "3d_fullres", folds: Sequence[str] | None = None,
                 trainer: str | None = None, preset: str | None = None,
                 overwrite: bool = False,
                 log: Callable[[str], None] = lambda line: None) -> ExportResult:
    """Export a fine-tuned model as nnU-Net's zip with a model card (see the module's text).

    Parameters
    ----------
    workspace
        Its ``nnUNet_results`` holds the runs; nothing under it changes (except a backup of an
        overwritten ``output`` in nnFT's backup folder).
    dataset
        ``DatasetXXX_Name`` of the fine-tuning dataset.
    output
        The zip to write (``.zip``).
    configuration, folds, trainer, preset
        Which run(s): :func:`choose_runs`.
    overwrite
        Replace an existing ``output`` (backed up first).
    log
        Receives progress lines and nnU-Net's output.

    Raises
    ------
    ModelExportError
        Anything that stops the export, with its fix; nothing was written then.
    """
    output = Path(output).expanduser().absolute()
    _check_output(output, overwrite)
    runs = choose_runs(workspace, dataset, configuration, folds, trainer=trainer, preset=preset)
    assert workspace.results is not None  # choose_runs checked it
    _check_runs(runs, workspace)
    log(f"Exporting {runs[0].fold_dir.parent} fold(s) {', '.join(r.fold for r in runs)}")
    stage = Path(tempfile.mkdtemp(prefix=".nnft-export-", dir=output.parent))
    try:
        staged_results = stage / "nnUNet_results"
        model_dir, checkpoints = _stage_model(runs, staged_results)
        log(f"Staged copy {model_dir.name} (trainer_name {model_dir.name.split('__')[0]}); "
            "network weights, mirroring axes and plans checked unchanged")
        staged_zip = stage / output.name
        argv = ["nnUNetv2_export_model_to_zip", "-d", runs[0].dataset, "-o", str(staged_zip),
                "-c", runs[0].configuration, "-tr", model_dir.name.split("__")[0],
                "-p", runs[0].plans,
                "-f", *[r.fold for r in runs]]
        log("$ " + shlex.join(argv))
        done = subprocess.run(argv, env=export_environment(workspace, staged_results),
                              capture_output=True, text=True)
        for line in (done.stdout + done.stderr).splitlines():
            log(line)
        if done.returncode != 0 or not staged_zip.is_file():
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            raise ModelExportError(
                f"nnUNetv2_export_model_to_zip failed (exit status {done.returncode}): "
                + " / ".join(tail),
                "Check nnU-Net's message above; the workspace was not changed.")
        card = model_card(runs, checkpoints, workspace.results)
        folder = model_dir.relative_to(staged_results).as_posix()
        with zipfile.ZipFile(staged_zip, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{folder}/{MODEL_CARD_JSON}", json.dumps(card, indent=2))
            archive.writestr(f"{folder}/{MODEL_CARD_MD}", model_card_markdown(card))
        backup = None
        if output.exists():
            backup = backup_path(workspace, output)
            log(f"Backed up the old {output.name} to {backup}")
        os.replace(staged_zip, output)
        log(f"Wrote {output}")
        return ExportResult(output, card, folder, backup, list(runs))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
