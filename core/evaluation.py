"""Did the pretraining help? Real Dice of a fine-tuning against its from-scratch baseline.

The figures are nnU-Net's own: the Dice per class (or region) and the foreground mean of the
final sliding-window validation, read from ``fold_X/validation/summary.json`` (written by
``nnunetv2.evaluation.evaluate_predictions.compute_metrics_on_folder`` at the end of
``nnUNetv2_train``, or by ``nnUNetv2_train ... --val``). Never the pseudo dice of the training
log: that one is computed on random patches and is not comparable (NNUNET_FACTS §9.10).

A run counts as done only when its summary exists. What is missing (a fine-tuning or a baseline
that was never trained, or one whose final validation did not run) is part of the result
(:attr:`Comparison.missing`), each with the command that produces it, so the CLI, the results
page and the report can all say exactly what to do.

Entry points
------------
- :meth:`ValidationSummary.read` / :meth:`ValidationSummary.read_with_reason`: one summary file;
- :func:`comparison_from_context`: the fold of a chain (``ctx.finetune_fold_dir`` vs
  ``ctx.baseline_fold_dir``);
- :func:`find_comparison`: from only the workspace, the fine-tuning dataset, the configuration
  and the fold(s), as ``nnft compare`` does (nnFT's ``nnft_run.json`` markers tell fine-tuned
  runs from baselines); raises :class:`RunSelectionError` when no run or several runs match;
- :func:`verdict`: the result in plain, honest words;
- :meth:`Comparison.to_json`: the ``nnft compare --json`` contract.

Pure Python: no Qt, no torch, no numpy. Everything here reads files (summaries, markers, the
training logs behind the curves): the GUI calls it from a background task, never on its thread.
"""

from __future__ import annotations

import json
import math
import re
import shlex
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import Text, text
from .steps.context import RUN_MARKER, ChainContext
from .steps.disk import VALIDATION_SUMMARY, checkpoint_complete
from .steps.presets import (
    BASELINE_QUICK_TRIAL_TRAINER,
    BASELINE_TRAINER,
    DEFAULT_PRESET,
)
from .training_history import find_training_logs, parse_fold_dir
from .training_log import EpochRecord
from .workspace import Workspace, trainers_folder

__all__ = [
    "CROSS_VALIDATION_FOLDS",
    "Comparison",
    "DeltaSpread",
    "DiceRow",
    "FoldComparison",
    "FoldPair",
    "MissingResult",
    "RunInfo",
    "RunSelectionError",
    "ValidationSummary",
    "comparison_from_context",
    "compare_folds",
    "epochs_to_fraction",
    "epochs_to_90",
    "find_comparison",
    "find_runs",
    "label_names",
    "parse_folds",
    "select_finetuned",
    "verdict",
]

#: nnU-Net's five cross-validation folds ("fold 0 of 5").
CROSS_VALIDATION_FOLDS = ("0", "1", "2", "3", "4")


def _dice(value: Any) -> float | None:
    """A Dice value from a summary: a float, or None for ``NaN`` (a class that is in no
    reference and no prediction of any case) and for anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return None if math.isnan(number) else number


# -- one summary file ----------------------------------------------------------------------
@dataclass(frozen=True)
class ValidationSummary:
    """nnU-Net's final validation of one fold (``fold_dir/validation/summary.json``).

    Attributes
    ----------
    fold_dir
        The ``fold_X`` folder the summary belongs to.
    mean_dice
        ``foreground_mean.Dice``: nnU-Net's mean over the foreground classes (or regions) of
        their mean Dice over the cases. None when nnU-Net wrote ``NaN``.
    dice_per_class
        ``mean[key].Dice`` by the key exactly as in the file: ``"1"``, ``"2"``, or a region
        such as ``"(1, 2)"``; None for ``NaN``. In the file's order (nnU-Net sorts its keys).
    n_cases
        Validation cases (entries of ``metric_per_case``).
    """

    fold_dir: Path
    mean_dice: float | None
    dice_per_class: dict[str, float | None]
    n_cases: int

    @property
    def path(self) -> Path:
        """The summary file."""
        return self.fold_dir / VALIDATION_SUMMARY

    @classmethod
    def read(cls, fold_dir: str | Path) -> ValidationSummary | None:
        """The summary of ``fold_dir``, or None when it is missing, unreadable, half-written
        or not nnU-Net's format (:meth:`read_with_reason` says which)."""
        return cls.read_with_reason(fold_dir)[0]

    @classmethod
    def read_with_reason(cls, fold_dir: str | Path) -> tuple[ValidationSummary | None, str]:
        """The summary of ``fold_dir`` and ``""``, or None and why, in one sentence naming the
        file (for messages: "... does not exist: the final validation has not run ...")."""
        folder = Path(fold_dir)
        path = folder / VALIDATION_SUMMARY
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, (f"{path} does not exist: nnU-Net's final validation of this run has "
                          "not run or did not finish")
        except (OSError, UnicodeDecodeError) as exc:
            return None, f"{path} cannot be read ({exc})"
        try:
            data = json.loads(text)  # json reads nnU-Net's bare NaN
        except ValueError:
            return None, (f"{path} is not complete JSON (half-written: nnU-Net was stopped "
                          "while writing it, or it is still being written)")
        if not isinstance(data, dict):
            return None, f"{path} is not an nnU-Net summary (no JSON object)"
        foreground = data.get("foreground_mean")
        means = data.get("mean")
        cases = data.get("metric_per_case")
        if not isinstance(foreground, dict) or "Dice" not in foreground or \
                not isinstance(means, dict) or not isinstance(cases, list):
            return None, (f"{path} is not an nnU-Net validation summary (it needs "
                          "'foreground_mean' with 'Dice', 'mean' and 'metric_per_case')")
        per_class: dict[str, float | None] = {}
        for key, metrics in means.items():
            if not isinstance(metrics, dict) or "Dice" not in metrics:
                return None, f"{path} has no Dice for class {key}"
            per_class[str(key)] = _dice(metrics["Dice"])
        return cls(folder, _dice(foreground["Dice"]), per_class, len(cases)), ""


# -- class names from dataset.json -----------------------------------------------------------
def label_names(dataset_json: dict[str, Any] | None) -> dict[str, str]:
    """The summary keys of a dataset's foreground classes, with their names from ``labels``.

    Follows nnU-Net's ``LabelManager``: with regions (a label value that is a list of more than
    one value) every foreground entry is a region, keyed ``str(tuple(values))`` (``"(1, 2)"``)
    or, for a single value, ``str(value)``; without regions the keys are the label values
    (``"1"``). Background and ``ignore`` are left out.
    """
    labels = (dataset_json or {}).get("labels")
    if not isinstance(labels, dict):
        return {}
    has_regions = any(isinstance(v, (list, tuple)) and len(v) > 1 for v in labels.values())
    names: dict[str, str] = {}
    for name, value in labels.items():
        if name == "ignore" or isinstance(value, bool):
            continue
        if isinstance(value, (list, tuple)):
            if not value or not all(isinstance(v, int) for v in value) or set(value) == {0}:
                continue
            key = str(tuple(value)) if has_regions else str(value[0])
        elif isinstance(value, int):
            if value == 0:
                continue
            key = str(value)
        else:
            continue
        names.setdefault(key, str(name))
    return names


def _dataset_json_of(fold_dir: Path, workspace: Workspace | None = None,
                     dataset: str | None = None) -> dict[str, Any] | None:
    """The dataset.json a run trained with: nnU-Net's copy next to the fold folders, else the
    preprocessed or raw one."""
    candidates = [fold_dir.parent / "dataset.json"]
    if workspace is not None and dataset:
        candidates += [root / dataset / "dataset.json"
                       for root in (workspace.preprocessed, workspace.raw) if root is not None]
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return None


# -- curves ----------------------------------------------------------------------------------
def epochs_to_fraction(records: Sequence[EpochRecord], fraction: float) -> int | None:
    """How many epochs a training took until its EMA pseudo dice first reached ``fraction`` of
    its final value (the last epoch's EMA).

    Returns the number of epochs trained by then (epoch number + 1); None without a positive
    final EMA. The EMA pseudo dice is only a training-time signal: this measures speed, not
    quality.
    """
    emas = [(r.epoch, r.ema_pseudo_dice) for r in records if r.ema_pseudo_dice is not None]
    if not emas:
        return None
    final = emas[-1][1]
    if final is None or not math.isfinite(final) or final <= 0:
        return None
    target = fraction * final
    for epoch, ema in emas:
        if ema is not None and ema >= target:
            return epoch + 1
    return None  # pragma: no cover - the final EMA itself reaches the target


def epochs_to_90(records: Sequence[EpochRecord]) -> int | None:
    """Epochs until the EMA pseudo dice first reached 90% of its final value
    (:func:`epochs_to_fraction`)."""
    return epochs_to_fraction(records, 0.9)


# -- runs on disk ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    """One nnFT training run of a fine-tuning dataset, from its folder and nnFT's marker.

    Attributes
    ----------
    fold_dir
        ``nnUNet_results/<dataset>/<trainer>__<plans>__<configuration>/fold_<fold>``.
    dataset, trainer, plans, configuration, fold
        From the path (nnU-Net's naming).
    from_scratch
        True for nnFT's from-scratch baseline, False for a fine-tuning from pretrained weights.
    marker
        ``nnft_run.json`` as written when the run started.
    """

    fold_dir: Path
    dataset: str
    trainer: str
    plans: str
    configuration: str
    fold: str
    from_scratch: bool
    marker: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def preset(self) -> str | None:
        """The fine-tuning preset (``default`` for markers written before presets); None for a
        baseline."""
        if self.from_scratch:
            return None
        return str(self.marker.get("finetune_preset") or DEFAULT_PRESET)

    @property
    def is_quick_trial(self) -> bool:
        """A quick trial (nnFT's ``...QuickTrial`` trainers), not a full-length training."""
        return self.trainer.endswith("QuickTrial")

    @property
    def baseline_trainer(self) -> str:
        """The trainer of the baseline with this run's length."""
        return BASELINE_QUICK_TRIAL_TRAINER if self.is_quick_trial else BASELINE_TRAINER

    @property
    def expected_baseline_dir(self) -> Path:
        """Where the baseline of a fine-tuning lives (same dataset, plans, configuration, fold
        and length; the baseline's trainer name)."""
        return (self.fold_dir.parent.parent
                / f"{self.baseline_trainer}__{self.plans}__{self.configuration}"
                / self.fold_dir.name)

    def describe(self) -> str:
        """``trainer nnFTTrainerGentleFinetune, preset gentle, plans nnUNetPlans``."""
        parts = [f"trainer {self.trainer}"]
        if self.preset is not None:
            parts.append(f"preset {self.preset}")
        parts.append(f"plans {self.plans}")
        return ", ".join(parts)


def _split_output_folder(name: str) -> tuple[str, str, str] | None:
    """``(trainer, plans, configuration)`` of ``<trainer>__<plans>__<configuration>``."""
    parts = name.split("__")
    if len(parts) < 3 or not all(parts):
        return None
    return parts[0], "__".join(parts[1:-1]), parts[-1]


def _read_marker(fold_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((fold_dir / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def find_runs(results: Path, dataset: str, configuration: str | None = None,
              fold: str | None = None) -> list[RunInfo]:
    """nnFT's runs (fine-tunings and baselines, by their ``nnft_run.json``) of ``dataset``.

    A fold folder without nnFT's marker (a training started by hand) is not listed: nothing
    on disk says whether it started from pretrained weights.

    Parameters
    ----------
    results
        ``nnUNet_results``.
    dataset
        ``DatasetXXX_Name`` of the fine-tuning dataset.
    configuration, fold
        Only runs of this configuration / fold (``"0"``-``"4"``, ``"all"``) when given.
    """
    runs: list[RunInfo] = []
    try:
        folders = sorted(p for p in (results / dataset).iterdir() if p.is_dir())
    except OSError:
        return []
    for folder in folders:
        split = _split_output_folder(folder.name)
        if split is None or (configuration is not None and split[2] != configuration):
            continue
        try:
            fold_dirs = sorted(p for p in folder.glob("fold_*") if p.is_dir())
        except OSError:
            continue
        for fold_dir in fold_dirs:
            fold_name = fold_dir.name[len("fold_"):]
            if fold is not None and fold_name != fold:
                continue
            marker = _read_marker(fold_dir)
            if marker is None:
                continue
            from_scratch = marker.get("from_scratch") is True
            if not from_scratch and not marker.get("pretrained_weights"):
                continue
            runs.append(RunInfo(fold_dir, dataset, split[0], split[1], split[2], fold_name,
                                from_scratch, marker))
    return runs


class RunSelectionError(Exception):
    """No fine-tuning matches, or several do and nothing says which one is meant.

    Attributes
    ----------
    message
        What is wrong, naming the dataset, configuration and fold.
    fix
        What to do (a command, or the option that picks one run).
    candidates
        The matching runs (several) or the runs there are (none matched), for listings.
    """

    def __init__(self, message: str, fix: str, candidates: Sequence[RunInfo] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.candidates = list(candidates)

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()


def select_finetuned(runs: Iterable[RunInfo], *, trainer: str | None = None,
                     preset: str | None = None, plans: str | None = None,
                     where: str = "") -> RunInfo:
    """The one fine-tuning among ``runs`` (baselines are ignored) that the filters leave.

    Parameters
    ----------
    trainer, preset, plans
        Keep only runs of this trainer class, fine-tuning preset (``default``, ``gentle``,
        ``frozen-encoder``) or fine-tuning plans identifier.
    where
        Words for messages, e.g. ``"Dataset002_X, 2d, fold 0"``.

    Raises
    ------
    RunSelectionError
        None matches, or several match (never a silent guess).
    """
    finetuned = [r for r in runs if not r.from_scratch]
    matching = [r for r in finetuned
                if (trainer is None or r.trainer == trainer)
                and (preset is None or r.preset == preset)
                and (plans is None or r.plans == plans)]
    place = f" ({where})" if where else ""
    if len(matching) == 1:
        return matching[0]
    if not matching:
        if finetuned:
            listing = "; ".join(r.describe() for r in finetuned)
            raise RunSelectionError(
                f"No fine-tuning{place} matches the options given; there are: {listing}.",
                "Pick one of these with --trainer or --preset.", finetuned)
        raise RunSelectionError(
            f"No fine-tuning by nnFT found{place}: no fold folder with nnFT's marker "
            f"({RUN_MARKER}) that names pretrained weights.",
            "Fine-tune first (nnft run --pretrain ID --finetune ID --fold F --baseline), or "
            "check --config and --fold.")
    listing = "; ".join(r.describe() for r in matching)
    trainers = {r.trainer for r in matching}
    how = ("--trainer " + " or --trainer ".join(sorted(trainers)) if len(trainers) == len(matching)
           else "--trainer, --preset or --finetune-plans")
    raise RunSelectionError(
        f"{len(matching)} fine-tunings{place} match: {listing}. nnFT does not guess which "
        "one to compare.", f"Pick one with {how}.", matching)


def parse_folds(text: str) -> list[str]:
    """``"0"``, ``"all"``, ``"0,2,4"`` or ``"0-4"`` as a list of fold names.

    Raises
    ------
    ValueError
        Anything else, with a message that says what is accepted.
    """
    folds: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        range_match = re.fullmatch(r"([0-4])-([0-4])", part)
        if range_match:
            first, last = int(range_match.group(1)), int(range_match.group(2))
            if first > last:
                raise ValueError(f"fold range '{part}' runs backwards; write e.g. 0-4")
            folds += [str(i) for i in range(first, last + 1)]
        elif part in CROSS_VALIDATION_FOLDS or part == "all":
            folds.append(part)
        else:
            raise ValueError(f"'{part}' is not a fold: use 0-4, all, a list such as 0,1,2 or "
                             "a range such as 0-4")
    if not folds:
        raise ValueError("no fold given")
    if "all" in folds and len(folds) > 1:
        raise ValueError("fold 'all' (trained on every case) cannot be mixed with folds 0-4")
    return list(dict.fromkeys(folds))


# -- the comparison --------------------------------------------------------------------------
@dataclass(frozen=True)
class DiceRow:
    """One line of the comparison: a class (or region), or the mean.

    ``delta`` is ``finetuned - baseline``; any value is None when it is not known (missing
    summary, ``NaN`` in a summary).
    """

    label: str
    name: str
    finetuned: float | None
    baseline: float | None
    delta: float | None

    def to_dict(self) -> dict[str, Any]:
        """``{"label", "name", "finetuned", "baseline", "delta"}``."""
        return {"label": self.label, "name": self.name, "finetuned": self.finetuned,
                "baseline": self.baseline, "delta": self.delta}


def _delta(finetuned: float | None, baseline: float | None) -> float | None:
    return None if finetuned is None or baseline is None else finetuned - baseline


@dataclass(frozen=True)
class MissingResult:
    """A summary the comparison needs and does not have.

    Attributes
    ----------
    role
        ``"finetuned"`` or ``"baseline"``.
    fold
        The fold.
    fold_dir
        Where the run is (or would be).
    reason
        Why it is missing, one sentence naming the file or folder.
    command
        The shell command that produces it (``""`` when none can be given).
    """

    role: str
    fold: str
    fold_dir: Path
    reason: str
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "fold": self.fold, "fold_dir": str(self.fold_dir),
                "reason": self.reason, "command": self.command}

    def sentence(self) -> str:
        """``The baseline of fold 0 is missing: <reason>. Run: <command>``."""
        if self.role == "finetuned":
            return text("The fine-tuning of fold {fold} has no final validation Dice: "
                        "{reason}.{run}", fold=self.fold, reason=self.reason, run=self._run())
        return text("The from-scratch baseline of fold {fold} has no final validation Dice: "
                    "{reason}.{run}", fold=self.fold, reason=self.reason, run=self._run())

    def _run(self) -> str:
        return text(" Run: {command}", command=self.command) if self.command else ""


@dataclass(frozen=True)
class FoldComparison:
    """The comparison of one fold.

    Attributes
    ----------
    fold
        ``"0"``-``"4"`` or ``"all"``.
    finetuned_dir, baseline_dir
        The two fold folders (``baseline_dir`` None when there is no baseline run and no
        place for one is known).
    finetuned, baseline
        Their summaries (None: missing, see :attr:`Comparison.missing`).
    classes, mean
        The rows of this fold.
    finetuned_curve, baseline_curve
        Epoch records (pseudo dice, EMA, losses, learning rate) from the training logs, for
        plotting; empty when there are none.
    epochs_to_90
        ``{"finetuned": n, "baseline": n}``: :func:`epochs_to_90` of each curve.
    """

    fold: str
    finetuned_dir: Path
    baseline_dir: Path | None
    finetuned: ValidationSummary | None
    baseline: ValidationSummary | None
    classes: list[DiceRow]
    mean: DiceRow
    finetuned_curve: list[EpochRecord] = field(default_factory=list)
    baseline_curve: list[EpochRecord] = field(default_factory=list)
    epochs_to_90: dict[str, int | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fold": self.fold,
            "finetuned_dir": str(self.finetuned_dir),
            "baseline_dir": str(self.baseline_dir) if self.baseline_dir else None,
            "classes": [row.to_dict() for row in self.classes],
            "mean": _mean_dict(self.mean),
            "epochs_to_90": dict(self.epochs_to_90),
        }


@dataclass(frozen=True)
class DeltaSpread:
    """How much the mean Dice difference varies across folds (two or more).

    ``stdev`` is the sample standard deviation of the per-fold mean deltas.
    """

    n_folds: int
    minimum: float
    maximum: float
    stdev: float

    def to_dict(self) -> dict[str, Any]:
        return {"n_folds": self.n_folds, "min": self.minimum, "max": self.maximum,
                "stdev": self.stdev}


def _mean_dict(row: DiceRow) -> dict[str, Any]:
    return {"finetuned": row.finetuned, "baseline": row.baseline, "delta": row.delta}


@dataclass(frozen=True)
class Comparison:
    """Fine-tuned vs from-scratch Dice of one fine-tuning dataset and configuration.

    With one fold every figure is exactly the one in the two summary files (``delta`` is
    ``finetuned - baseline``). With several folds a class's figures are the mean over the
    folds of the per-fold figures (nnU-Net's per-fold summaries; a class that is None in any
    fold is None), ``delta`` again ``finetuned - baseline``; the per-fold figures are in
    :attr:`per_fold` and the spread of the mean delta in :attr:`spread`.

    Attributes
    ----------
    dataset, configuration
        The fine-tuning dataset (``DatasetXXX_Name``) and configuration.
    folds
        The folds compared, in order.
    per_fold
        One :class:`FoldComparison` per fold.
    classes, mean
        The rows shown (per class in the summary's order, and the foreground mean).
    spread
        Spread of the per-fold mean delta (None with fewer than two compared folds).
    missing
        Summaries the comparison lacks, each with the command that makes it; empty when the
        comparison is complete.
    notes
        Other things a reader must know (e.g. the two runs trained different numbers of
        epochs).
    """

    dataset: str
    configuration: str
    folds: list[str]
    per_fold: list[FoldComparison]
    classes: list[DiceRow]
    mean: DiceRow
    spread: DeltaSpread | None
    missing: list[MissingResult]
    notes: list[str] = field(default_factory=list)

    @property
    def fold(self) -> str:
        """The fold (one fold), or the folds joined by commas (``"0,1,2,3,4"``)."""
        return ",".join(self.folds)

    @property
    def finetuned_dir(self) -> Path:
        """The first compared fold's fine-tuning folder."""
        return self.per_fold[0].finetuned_dir

    @property
    def baseline_dir(self) -> Path | None:
        """The first compared fold's baseline folder (None: no baseline place known)."""
        return self.per_fold[0].baseline_dir

    @property
    def complete(self) -> bool:
        """Every needed summary was found."""
        return not self.missing

    @property
    def epochs_to_90(self) -> dict[str, int | None]:
        """``{"finetuned": n, "baseline": n}`` of the first compared fold (per fold in
        :attr:`per_fold`)."""
        return dict(self.per_fold[0].epochs_to_90)

    @property
    def curves(self) -> dict[str, list[EpochRecord]]:
        """``{"finetuned": [...], "baseline": [...]}``: the first compared fold's epochs."""
        first = self.per_fold[0]
        return {"finetuned": first.finetuned_curve, "baseline": first.baseline_curve}

    def to_json(self) -> dict[str, Any]:
        """The ``nnft compare --json`` object.

        The contract (DESIGN.md): ``{"fold", "classes": [{"label", "name", "finetuned",
        "baseline", "delta"}], "mean": {"finetuned", "baseline", "delta"}}``; figures exactly
        as in the summary files, ``null`` where unknown (a missing summary, or ``NaN`` in one).
        ``"fold"`` is a string: the fold, or the folds joined by commas.

        Extra keys: ``dataset``, ``configuration``, ``folds`` (list), ``finetuned_dir``,
        ``baseline_dir``, ``per_fold`` (each fold's ``fold``, dirs, ``classes``, ``mean``,
        ``epochs_to_90``), ``spread`` (``{"n_folds", "min", "max", "stdev"}`` or null),
        ``epochs_to_90`` (first fold), ``missing`` (``[{"role", "fold", "fold_dir",
        "reason", "command"}]``), ``notes`` and ``verdict`` (:func:`verdict`).
        """
        return {
            "fold": self.fold,
            "classes": [row.to_dict() for row in self.classes],
            "mean": _mean_dict(self.mean),
            "dataset": self.dataset,
            "configuration": self.configuration,
            "folds": list(self.folds),
            "finetuned_dir": str(self.finetuned_dir),
            "baseline_dir": str(self.baseline_dir) if self.baseline_dir else None,
            "per_fold": [f.to_dict() for f in self.per_fold],
            "spread": self.spread.to_dict() if self.spread else None,
            "epochs_to_90": self.epochs_to_90,
            "missing": [m.to_dict() for m in self.missing],
            "notes": list(self.notes),
            "verdict": verdict(self),
        }


@dataclass(frozen=True)
class FoldPair:
    """What :func:`compare_folds` compares in one fold: the two folders, and how to make a
    missing summary (the commands, ``""`` when unknown)."""

    fold: str
    finetuned_dir: Path
    baseline_dir: Path | None
    finetuned_command: str = ""
    baseline_command: str = ""
    baseline_train_command: str = ""


def _fold_rows(names: dict[str, str], finetuned: ValidationSummary | None,
               baseline: ValidationSummary | None) -> tuple[list[DiceRow], DiceRow]:
    keys: list[str] = []
    for summary in (finetuned, baseline):
        if summary is not None:
            keys += [k for k in summary.dice_per_class if k not in keys]
    if not keys:
        keys = list(names)
    rows = []
    for key in keys:
        ft = finetuned.dice_per_class.get(key) if finetuned else None
        bl = baseline.dice_per_class.get(key) if baseline else None
        rows.append(DiceRow(key, names.get(key, key), ft, bl, _delta(ft, bl)))
    ft_mean = finetuned.mean_dice if finetuned else None
    bl_mean = baseline.mean_dice if baseline else None
    return rows, DiceRow("mean", "mean", ft_mean, bl_mean, _delta(ft_mean, bl_mean))


def _average(values: list[float | None]) -> float | None:
    if not values or any(v is None for v in values):
        return None
    if len(values) == 1:
        return values[0]
    return statistics.fmean(v for v in values if v is not None)


def _missing(role: str, pair: FoldPair, folder: Path | None, reason: str) -> MissingResult:
    trained = folder is not None and checkpoint_complete(folder / "checkpoint_final.pth")
    started = folder is not None and folder.is_dir()
    if trained:
        command = pair.finetuned_command if role == "finetuned" else pair.baseline_command
    elif role == "finetuned":
        # nnft run continues it (the chain knows the pretraining); nothing to validate yet.
        command = ""
        reason = text("the fine-tuning in {folder} has not finished training (no whole "
                      "checkpoint_final.pth): continue it with nnft run, then its final "
                      "validation writes validation/summary.json", folder=folder)
    else:
        command = pair.baseline_train_command
        reason = text("the baseline in {folder} has not finished training (no whole "
                      "checkpoint_final.pth)", folder=folder) if started else \
            text("no from-scratch baseline was trained{where}",
                 where=text(" (no folder {folder})", folder=folder) if folder is not None
                 else "")
    return MissingResult(role, pair.fold, folder if folder is not None else pair.finetuned_dir,
                         reason, command)


def compare_folds(dataset: str, configuration: str, pairs: Sequence[FoldPair],
                  names: dict[str, str] | None = None) -> Comparison:
    """Compare the summaries of the fold folders in ``pairs`` (one per fold).

    Parameters
    ----------
    dataset, configuration
        For the result's description.
    pairs
        The fine-tuning and baseline folder of each fold, and the commands that finish them.
    names
        Class names by summary key (:func:`label_names`); default: from the dataset.json
        nnU-Net copied next to the first fine-tuning's fold folders.
    """
    if not pairs:
        raise ValueError("compare_folds needs at least one fold")
    if names is None:
        names = label_names(_dataset_json_of(pairs[0].finetuned_dir))
    per_fold: list[FoldComparison] = []
    missing: list[MissingResult] = []
    notes: list[str] = []
    for pair in pairs:
        finetuned, why_ft = ValidationSummary.read_with_reason(pair.finetuned_dir)
        if finetuned is None:
            missing.append(_missing("finetuned", pair, pair.finetuned_dir, why_ft))
        baseline: ValidationSummary | None = None
        if pair.baseline_dir is not None:
            baseline, why_bl = ValidationSummary.read_with_reason(pair.baseline_dir)
        else:
            why_bl = text("no from-scratch baseline was found")
        if baseline is None:
            missing.append(_missing("baseline", pair, pair.baseline_dir, why_bl))
        rows, mean = _fold_rows(names, finetuned, baseline)
        ft_curve = parse_fold_dir(pair.finetuned_dir)
        bl_curve = parse_fold_dir(pair.baseline_dir) if pair.baseline_dir else []
        if ft_curve and bl_curve and len(ft_curve) != len(bl_curve):
            notes.append(text("Fold {fold}: the fine-tuning trained {finetuned} epochs, the "
                              "baseline {baseline}: the comparison is not like for like.",
                              fold=pair.fold, finetuned=len(ft_curve),
                              baseline=len(bl_curve)))
        if finetuned and baseline and finetuned.n_cases != baseline.n_cases:
            notes.append(text("Fold {fold}: the fine-tuning was validated on {finetuned} "
                              "cases, the baseline on {baseline}.", fold=pair.fold,
                              finetuned=finetuned.n_cases, baseline=baseline.n_cases))
        per_fold.append(FoldComparison(
            pair.fold, pair.finetuned_dir, pair.baseline_dir, finetuned, baseline, rows, mean,
            ft_curve, bl_curve,
            {"finetuned": epochs_to_90(ft_curve), "baseline": epochs_to_90(bl_curve)}))

    if len(per_fold) == 1:
        classes, mean = per_fold[0].classes, per_fold[0].mean
    else:
        keys = list(dict.fromkeys(row.label for f in per_fold for row in f.classes))
        classes = []
        for key in keys:
            ft = _average([_row_value(f, key, "finetuned") for f in per_fold])
            bl = _average([_row_value(f, key, "baseline") for f in per_fold])
            classes.append(DiceRow(key, names.get(key, key), ft, bl, _delta(ft, bl)))
        ft_mean = _average([f.mean.finetuned for f in per_fold])
        bl_mean = _average([f.mean.baseline for f in per_fold])
        mean = DiceRow("mean", "mean", ft_mean, bl_mean, _delta(ft_mean, bl_mean))
    deltas = [f.mean.delta for f in per_fold if f.mean.delta is not None]
    spread = (DeltaSpread(len(deltas), min(deltas), max(deltas), statistics.stdev(deltas))
              if len(deltas) >= 2 else None)
    return Comparison(dataset, configuration, [p.fold for p in pairs], per_fold, classes, mean,
                      spread, missing, notes)


def _row_value(fold: FoldComparison, key: str, which: str) -> float | None:
    for row in fold.classes:
        if row.label == key:
            return row.finetuned if which == "finetuned" else row.baseline
    return None


# -- commands that finish a run ----------------------------------------------------------------
def _env_prefix(workspace: Workspace | None, trainer: str) -> str:
    """The environment a bare ``nnUNetv2_train`` needs: the workspace roots, nnFT's trainers
    (``nnUNet_extTrainer``) and, for a quick trial, its final validation switched on."""
    env: dict[str, str] = {}
    if workspace is not None:
        env.update({k: str(v) for k, v in workspace.roots().items() if v is not None})
    if trainer.startswith("nnFT"):
        env["nnUNet_extTrainer"] = str(trainers_folder())
    if trainer.endswith("QuickTrial"):
        env["NNFT_TRIAL_FINAL_VALIDATION"] = "1"
    return " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())


def _validation_command(run_argv: list[str] | None, fallback: list[str],
                        workspace: Workspace | None, trainer: str) -> str:
    """``nnUNetv2_train ... --val``: the run's own command (from its marker) without
    ``-pretrained_weights``/``--c``, or ``fallback``."""
    argv = list(fallback)
    if run_argv and run_argv[:1] == ["nnUNetv2_train"]:
        argv, skip = [], False
        for arg in run_argv:
            if skip:
                skip = False
                continue
            if arg == "-pretrained_weights":
                skip = True
                continue
            if arg in ("--c", "--val"):
                continue
            argv.append(arg)
    prefix = _env_prefix(workspace, trainer)
    return (prefix + " " if prefix else "") + shlex.join(argv + ["--val"])


_TRIAL_LINE = re.compile(r"nnFT quick trial: (\d+) epochs x (\d+) training")


def _trial_lengths(fold_dir: Path) -> tuple[int, int] | None:
    """Epochs and iterations of a quick trial, from the line its trainer logs at the start."""
    for log in reversed(find_training_logs(fold_dir)):
        try:
            match = _TRIAL_LINE.search(log.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if match:
            return int(match.group(1)), int(match.group(2))
    return None


def _workspace_root(workspace: Workspace | None) -> Path | None:
    """The folder ``--workspace`` names, when the three roots have the usual layout."""
    if workspace is None or workspace.raw is None:
        return None
    root = workspace.raw.parent
    return root if workspace == Workspace.from_root(root) else None


def _baseline_train_command(run: RunInfo, workspace: Workspace | None) -> str:
    """``nnft run ... --baseline`` for a fine-tuning's fold (its pretraining dataset from the
    marker; a quick trial's lengths from its log)."""
    pretrain = run.marker.get("pretrain_dataset")
    model = run.marker.get("source_model")
    argv = ["nnft", "run"]
    root = _workspace_root(workspace)
    if root is not None:
        argv += ["--workspace", str(root)]
    if isinstance(model, dict):
        # Fine-tuned from a model: the chain is named by the model and the identifier its plans
        # got in the fine-tuning dataset (the fine-tuning trains with them).
        argv += ["--pretrained-model", str(model.get("path") or "<model>"),
                 "--finetune", run.dataset, "--config", run.configuration, "--fold", run.fold,
                 "--plans-name", run.plans]
    else:
        argv += ["--pretrain", str(pretrain or "<pretraining dataset>"), "--finetune",
                 run.dataset, "--config", run.configuration, "--fold", run.fold]
        if run.plans != "nnUNetPlans":
            argv += ["--finetune-plans", run.plans]
        if run.marker.get("pretrain_plans"):
            argv += ["--plans-name", str(run.marker["pretrain_plans"])]
    if run.preset and run.preset != DEFAULT_PRESET:
        argv += ["--finetune-preset", run.preset]
    if run.is_quick_trial:
        lengths = _trial_lengths(run.fold_dir)
        if lengths is not None:
            argv += ["--epochs", str(lengths[0]), "--iterations", str(lengths[1])]
    command = run.marker.get("command")
    if isinstance(command, list) and "-device" in command:
        index = command.index("-device")
        if index + 1 < len(command):
            argv += ["--device", str(command[index + 1])]
    return shlex.join(argv + ["--baseline"])


def _pair_for(run: RunInfo, baselines: list[RunInfo], workspace: Workspace | None) -> FoldPair:
    baseline = next((b for b in baselines if b.fold_dir == run.expected_baseline_dir), None)
    baseline_dir = baseline.fold_dir if baseline else run.expected_baseline_dir
    ft_command = run.marker.get("command")
    bl_command = baseline.marker.get("command") if baseline else None
    fallback_ft = ["nnUNetv2_train", run.dataset, run.configuration, run.fold, "-p", run.plans,
                   "-tr", run.trainer]
    fallback_bl = ["nnUNetv2_train", run.dataset, run.configuration, run.fold, "-p", run.plans,
                   "-tr", run.baseline_trainer]
    return FoldPair(
        run.fold, run.fold_dir, baseline_dir,
        finetuned_command=_validation_command(
            ft_command if isinstance(ft_command, list) else None, fallback_ft, workspace,
            run.trainer),
        baseline_command=_validation_command(
            bl_command if isinstance(bl_command, list) else None, fallback_bl, workspace,
            run.baseline_trainer),
        baseline_train_command=_baseline_train_command(run, workspace))


def find_comparison(workspace: Workspace, dataset: str, configuration: str = "3d_fullres",
                    folds: Sequence[str] | None = None, *, trainer: str | None = None,
                    preset: str | None = None, plans: str | None = None) -> Comparison:
    """The comparison of a fine-tuning dataset's nnFT fine-tuning(s) with their baselines.

    The fine-tunings are the fold folders whose ``nnft_run.json`` names pretrained weights;
    the baseline of each is nnFT's from-scratch run of the same plans, configuration, fold and
    length (quick trial or full: ``nnFTTrainerFromScratch[QuickTrial]``).

    Parameters
    ----------
    workspace
        Its ``nnUNet_results`` must be set.
    dataset
        ``DatasetXXX_Name`` of the fine-tuning dataset (resolve an id with
        :func:`nnft.core.datasets.resolve_dataset`).
    configuration
        The configuration trained.
    folds
        Folds to compare; None: every fold 0-4 with an nnFT fine-tuning (``all`` when only
        that exists).
    trainer, preset, plans
        Pick one fine-tuning when several match (:func:`select_finetuned`).

    Raises
    ------
    RunSelectionError
        No fine-tuning found for a fold, or several and nothing picks one.
    """
    if workspace.results is None:
        raise RunSelectionError("nnUNet_results is not set.",
                                "Give --workspace DIR or set nnUNet_results.")
    runs = find_runs(workspace.results, dataset, configuration)
    if folds is None:
        found = sorted({r.fold for r in runs if not r.from_scratch
                        and (trainer is None or r.trainer == trainer)
                        and (preset is None or r.preset == preset)
                        and (plans is None or r.plans == plans)})
        numbered = [f for f in found if f in CROSS_VALIDATION_FOLDS]
        folds = numbered or found or ["0"]
    pairs: list[FoldPair] = []
    for fold in folds:
        in_fold = [r for r in runs if r.fold == fold]
        chosen = select_finetuned(in_fold, trainer=trainer, preset=preset, plans=plans,
                                  where=f"{dataset}, {configuration}, fold {fold}")
        pairs.append(_pair_for(chosen, [r for r in in_fold if r.from_scratch], workspace))
    names = label_names(_dataset_json_of(pairs[0].finetuned_dir, workspace, dataset))
    return compare_folds(dataset, configuration, pairs, names)


def comparison_from_context(ctx: ChainContext) -> Comparison:
    """The comparison of a chain's fold: ``ctx.finetune_fold_dir`` against
    ``ctx.baseline_fold_dir`` (whether or not the chain asked for a baseline: a missing one
    is reported with the command that trains it)."""
    fold_dir = ctx.finetune_fold_dir
    marker = _read_marker(fold_dir) or {}
    run = RunInfo(fold_dir, ctx.finetune.name, ctx.finetune_trainer, ctx.options.finetune_plans,
                  ctx.options.configuration, ctx.options.fold, False,
                  {"pretrain_dataset": None if ctx.from_model else ctx.pretrain.name,
                   "pretrain_plans": None if ctx.from_model else ctx.options.plans_name,
                   "source_model": ctx.model.describe() if ctx.from_model else None,
                   "finetune_preset": ctx.options.finetune_preset, **marker})
    baseline_marker = _read_marker(ctx.baseline_fold_dir)
    baselines = []
    if baseline_marker is not None and baseline_marker.get("from_scratch") is True:
        baselines.append(RunInfo(ctx.baseline_fold_dir, ctx.finetune.name, ctx.baseline_trainer,
                                 ctx.options.finetune_plans, ctx.options.configuration,
                                 ctx.options.fold, True, baseline_marker))
    pair = _pair_for(run, baselines, ctx.workspace)
    names = label_names(_dataset_json_of(fold_dir, ctx.workspace, ctx.finetune.name))
    return compare_folds(ctx.finetune.name, ctx.options.configuration, [pair], names)


# -- verdict -------------------------------------------------------------------------------
def _signed(value: float) -> str:
    return f"{value:+.3f}"


def verdict(comparison: Comparison) -> str:
    """The result in plain words that claim no more than the data shows.

    One fold is an estimate (and fold ``all`` validates on its own training cases); with two
    or more folds the per-fold spread decides whether there is a difference at all; missing
    summaries are named, with the commands that make them; :attr:`Comparison.notes` (e.g.
    runs of unequal length) follow on lines of their own.
    """
    words = _verdict_words(comparison)
    return _lines([words] + comparison.notes) if not comparison.missing else words


def _lines(lines: Sequence[str]) -> str:
    """``"\\n".join(lines)`` that the wizard can still translate line by line: a frame of
    placeholders only (no words, so no catalog entry), each line one parameter."""
    names = [f"line{index}" for index in range(len(lines))]
    return Text("\n".join("{" + name + "}" for name in names), dict(zip(names, lines, strict=True)))


def _verdict_words(comparison: Comparison) -> str:
    c = comparison
    if c.missing:
        return _lines([text("Not comparable yet.")] + [m.sentence() for m in c.missing])
    delta, ft, bl = c.mean.delta, c.mean.finetuned, c.mean.baseline
    if delta is None or ft is None or bl is None:
        return text("The mean Dice cannot be compared: a summary has NaN as its foreground "
                    "mean (no foreground in any reference and prediction).")
    figures = text("(fine-tuned {finetuned:.3f}, from scratch {baseline:.3f})", finetuned=ft,
                   baseline=bl)
    if len(c.folds) == 1:
        fold = c.folds[0]
        if fold == "all":
            return text("{delta} mean Dice on fold 'all' {figures}. nnU-Net validates fold "
                        "'all' on the cases it trained on, so this says nothing about new "
                        "cases; train and compare folds 0-4 to know whether the pretraining "
                        "helped.", delta=_signed(delta), figures=figures)
        return text("{delta} mean Dice on fold {fold} of {folds} {figures}; one fold is an "
                    "estimate — run all folds to be sure.", delta=_signed(delta), fold=fold,
                    folds=len(CROSS_VALIDATION_FOLDS), figures=figures)
    spread = c.spread
    assert spread is not None  # two or more complete folds
    n = len(c.folds)
    detail = text("{delta} mean Dice over {n} folds {figures}; per fold from {minimum} to "
                  "{maximum} (standard deviation {stdev:.3f})", delta=_signed(delta), n=n,
                  figures=figures, minimum=_signed(spread.minimum),
                  maximum=_signed(spread.maximum), stdev=spread.stdev)
    rest = "" if n >= len(CROSS_VALIDATION_FOLDS) else \
        text("; {missing} of the 5 folds are not compared yet",
             missing=len(CROSS_VALIDATION_FOLDS) - n)
    if spread.minimum > 0:
        return text("{detail}: the fine-tuned model was better on every fold{rest}.",
                    detail=detail, rest=rest)
    if spread.maximum < 0:
        return text("{detail}: the fine-tuned model was worse on every fold — the pretraining "
                    "did not help here{rest}.", detail=detail, rest=rest)
    return text("{detail}: no difference beyond the fold-to-fold spread{rest}.", detail=detail,
                rest=rest)
