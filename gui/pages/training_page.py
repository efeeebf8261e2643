"""The training pages: pretraining, fine-tuning and the from-scratch baseline, with live
curves, stop and resume.

One class for the three phases; what differs between them (fold folder, dataset, the run drawn
dashed for comparison, the fine-tuning's own controls) is in the :data:`PHASES` table.

What waits for disk or torch runs through :class:`~nnft.gui.background.BackgroundTasks`: the
weights check in a child process (``python -m nnft.core.cli check-weights --json``, so torch and
nnunetv2 are never imported into the wizard's process), and reading the fold's training logs
(on entering the page, after a run and on every tick while a run outside the wizard is
followed) in a worker thread.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core.checks import weights_check_needed
from nnft.core.datasets import DatasetInfo
from nnft.core.executor import ChainOutcome
from nnft.core.problems import Problem
from nnft.core.run_records import (
    ELSEWHERE,
    PROCESS,
    RECORDED,
    LogTail,
    RunActivity,
    detect_training,
    request_graceful_stop,
)
from nnft.core.steps import (
    FOLDS,
    GRACEFUL_STOP_TRAINERS,
    QUICK_TRIAL_TRAINER,
    ChainContext,
    build_chain,
    checkpoint_complete,
    definition,
    final_validation_total,
    has_resumable_checkpoint,
    training_finished,
)
from nnft.core.training_history import (
    VALIDATION_STARTED,
    FinalValidationProgress,
    FoldLogFollower,
    append_epoch,
    estimate_remaining_seconds,
    final_validation_progress,
    pseudo_dice_class_names,
)
from nnft.core.training_log import EpochRecord
from nnft.core.wizard_state import WizardState, next_page_available
from nnft.gui.background import REFUSE, BackgroundTasks, TaskHandle
from nnft.gui.pages.finetune_options import FinetuneOptions
from nnft.gui.texts import duration_text as _duration
from nnft.gui.widgets.gpu_strip import GpuStrip
from nnft.gui.widgets.log_console import LogConsole
from nnft.gui.widgets.problems_view import ProblemsView

if TYPE_CHECKING:
    from nnft.gui.widgets.training_plots import TrainingPlots
from nnft.gui.worker import ChainRun

PRETRAIN, FINETUNE, BASELINE = "pretrain", "finetune", "baseline"
FOLLOW_INTERVAL_MS = 3000
#: Background task keys: one weights check at a time; the latest read of the logs wins.
WEIGHTS_TASK, RECORDS_TASK = "weights", "records"
#: Start's weights check runs after Start's file lookups (WEIGHTS_TASK) have answered.
WEIGHTS_CHECK_AT_START_TASK = "weights at start"
#: Reading the output a followed run (started by nnFT outside this window) wrote to its log.
RUN_LOG_TASK = "run-log"
#: A weights check that takes longer than this (seconds) is given up.
WEIGHTS_CHECK_TIMEOUT_S = 600


@dataclass(frozen=True)
class Phase:
    """What one training page is about (the page key is also its step key).

    Attributes
    ----------
    fold_dir
        The fold folder the step trains into.
    dataset
        The dataset it trains on (its class names name the pseudo-dice curves).
    reference
        Another run's fold folder, drawn dashed for comparison (None: none; it may also
        return None: a chain that starts from a trained model has no pretraining run).
    loads_weights
        The step starts from pretrained weights: the page has the checkpoint field, the
        weights check, the fold choice and the fine-tuning options.
    own_settings
        The page may change the trainer and the quick trial's lengths. The baseline repeats
        the fine-tuning's epochs, iterations and fold: shown, not changed there.
    """

    fold_dir: Callable[[ChainContext], Path]
    dataset: Callable[[ChainContext], DatasetInfo]
    reference: Callable[[ChainContext], Path | None] | None
    loads_weights: bool
    own_settings: bool = True


#: The training phases, keyed by page and step key.
PHASES: dict[str, Phase] = {
    PRETRAIN: Phase(lambda c: c.pretrain_fold_dir, lambda c: c.pretrain, None,
                    loads_weights=False),
    FINETUNE: Phase(lambda c: c.finetune_fold_dir, lambda c: c.finetune,
                    lambda c: None if c.from_model else c.pretrain_fold_dir, loads_weights=True),
    BASELINE: Phase(lambda c: c.baseline_fold_dir, lambda c: c.finetune,
                    lambda c: c.finetune_fold_dir, loads_weights=False, own_settings=False),
}


# -- work done off the GUI thread (no Qt here) -----------------------------------------------------
@dataclass(frozen=True)
class WeightsCheckResult:
    """What ``nnft check-weights --json`` said about a checkpoint.

    Attributes
    ----------
    compatible
        nnU-Net's rule holds: no layer is missing or has another shape.
    matching, skipped
        Layers loaded, and layers of the segmentation head trained anew.
    problems
        The problems the check found (errors mean the weights do not fit).
    checked
        False when no comparison was made (unreadable checkpoint, fine-tuning not planned).
    found
        False when there is no file at the checkpoint's path (nothing was checked).
    """

    compatible: bool
    matching: int
    skipped: int
    problems: list[Problem] = field(default_factory=list)
    checked: bool = True
    found: bool = True

    @property
    def fits(self) -> bool:
        return (self.found and self.checked and self.compatible
                and not any(p.is_error for p in self.problems))


def weights_check_argv(checkpoint: Path, ctx: ChainContext) -> list[str]:
    """``nnft check-weights`` for the fine-tuning of this chain, run by this interpreter."""
    return [sys.executable, "-m", "nnft.core.cli", "check-weights",
            "--checkpoint", str(checkpoint), "--finetune", ctx.finetune.name,
            "--config", ctx.options.configuration,
            "--finetune-plans", ctx.options.finetune_plans, "--json"]


def check_weights_in_child(checkpoint: Path, ctx: ChainContext,
                           timeout_s: float = WEIGHTS_CHECK_TIMEOUT_S) -> WeightsCheckResult:
    """Check ``checkpoint`` against the fine-tuning network in a child process.

    torch and nnunetv2 are imported there, never in the wizard's process (the first import
    alone takes seconds). A missing file is found here, in the worker thread (a path on a
    network share may take seconds to stat): ``found`` is False and no child is started.
    Raises RuntimeError when the child printed no JSON (it crashed).
    """
    if not checkpoint.is_file():
        return WeightsCheckResult(compatible=False, matching=0, skipped=0, checked=False,
                                  found=False)
    completed = subprocess.run(weights_check_argv(checkpoint, ctx), capture_output=True,
                               text=True, timeout=timeout_s,
                               env=ctx.workspace.child_environment())
    # The JSON object is the last thing printed; anything a library printed before it is
    # skipped.
    start = completed.stdout.find("\n{") + 1 if not completed.stdout.startswith("{") else 0
    try:
        data = json.loads(completed.stdout[start:])
    except ValueError:
        lines = [line for line in (completed.stderr or completed.stdout).splitlines()
                 if line.strip()]
        raise RuntimeError(
            f"nnft check-weights ended with exit status {completed.returncode}: "
            + ("\n".join(lines[-5:]) or "no output")) from None
    report = data.get("report") or {}
    counts = report.get("counts", {})
    return WeightsCheckResult(
        compatible=bool(report.get("compatible")), matching=int(counts.get("matching", 0)),
        skipped=int(counts.get("skipped", 0)),
        problems=[Problem.from_dict(p) for p in data.get("problems", [])],
        checked=bool(report))


@dataclass(frozen=True)
class FinetuneStartFacts:
    """What Start of a fine-tuning needs to know from disk (asked in a worker thread).

    Attributes
    ----------
    weights_missing
        The step would load the pretrained checkpoint (``-pretrained_weights``), which does not
        exist. A fold continued with ``--c`` or validated with ``--val`` loads none.
    check_needed
        Starting loads the weights, so they are checked first (see
        :func:`nnft.core.checks.weights_check_needed`).
    """

    weights_missing: bool
    check_needed: bool


def finetune_start_facts(ctx: ChainContext) -> FinetuneStartFacts:
    """Look up, off the GUI thread, whether the weights exist and must be checked."""
    loads_weights = "-pretrained_weights" in definition(FINETUNE).argv(ctx, False)
    return FinetuneStartFacts(
        weights_missing=loads_weights and not ctx.pretrained_checkpoint.is_file(),
        check_needed=weights_check_needed(ctx))


@dataclass(frozen=True)
class FoldProgress:
    """One read of a fold folder: its epochs, the reference curves and the run's state.

    Attributes
    ----------
    fold_dir
        The folder read (None: no workspace or datasets chosen).
    records
        The fold's completed epochs (all its logs merged).
    reference
        The pretraining's epochs, drawn dashed on the fine-tuning page (empty otherwise).
    done
        Trained and validated: ``checkpoint_final.pth`` and nnU-Net's final validation
        (``validation/summary.json``), or the validation was skipped on purpose.
    resumable
        Not done, and a complete latest or best checkpoint exists (Start becomes Resume).
    activity
        Whether a training of this fold runs, and how that is known (nnFT's run records, the
        process table; see :mod:`nnft.core.run_records`). Found also while the wizard itself
        runs it (its own record).
    trained
        ``checkpoint_final.pth`` exists: the training itself is over (its final validation may
        not be; then the page offers "Finish validation", ``nnUNetv2_train ... --val``).
    validation
        nnU-Net's final validation as the logs tell it, with the number of cases to validate.
    """

    fold_dir: Path | None
    records: list[EpochRecord]
    reference: list[EpochRecord]
    done: bool
    resumable: bool
    activity: RunActivity = field(default_factory=RunActivity)
    trained: bool = False
    validation: FinalValidationProgress = field(default_factory=FinalValidationProgress)


def read_fold_progress(fold: FoldLogFollower | None,
                       reference: FoldLogFollower | None,
                       ctx: ChainContext | None = None, phase: str = PRETRAIN,
                       state_dir: Path | None = None) -> FoldProgress:
    """Read a fold folder (and the reference fold) from disk; runs in a worker thread.

    Each folder comes with its :class:`FoldLogFollower` (kept by the page), which remembers how
    far the logs were read: a follow tick reads only what the training appended. ``ctx`` and
    ``phase`` tell whether a final validation is wanted and how many cases it predicts.
    ``state_dir`` holds nnFT's run records (None: only the process table is looked at).
    """
    fold_dir = fold.fold_dir if fold is not None else None
    activity = RunActivity()
    trained = False
    validation = FinalValidationProgress()
    if fold is None or not fold.fold_dir.is_dir():
        records, done, resumable = [], False, False
    else:
        fold_dir = fold.fold_dir
        records = fold.read()
        trained = checkpoint_complete(fold_dir / "checkpoint_final.pth")
        done = trained and (ctx is None or training_finished(ctx, fold_dir))
        total = final_validation_total(ctx, phase) if ctx is not None else None
        validation = fold.final_validation(total)
        resumable = not trained and has_resumable_checkpoint(fold_dir)
    if fold_dir is not None and not done:
        activity = detect_training(fold_dir, state_dir)
    reference_records = reference.read() if reference is not None and \
        reference.fold_dir.is_dir() else []
    return FoldProgress(fold_dir, records, reference_records, done, resumable, activity,
                        trained, validation)


class TrainingSettings(QWidget):
    """Trainer choice shared by both phases: nnU-Net's default, nnFT's, or a quick trial."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.trainer_combo = QComboBox()
        self.trainer_combo.setObjectName("trainerCombo")
        self.trainer_combo.addItem(self.tr("Quick trial (nnFT, short run)"), QUICK_TRIAL_TRAINER)
        self.trainer_combo.addItem(self.tr("nnUNetTrainer (nnU-Net default, 1000 epochs)"),
                                   "nnUNetTrainer")
        self.trainer_combo.addItem(self.tr("nnFTTrainer (nnU-Net default + safe stop)"),
                                   "nnFTTrainer")
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setObjectName("epochsSpin")
        self.epochs_spin.setRange(1, 10000)
        self.iterations_spin = QSpinBox()
        self.iterations_spin.setObjectName("iterationsSpin")
        self.iterations_spin.setRange(1, 10000)
        self.validation_check = QCheckBox(self.tr("final validation"))
        self.validation_check.setObjectName("finalValidationCheck")
        cost = self.tr(
            "After the last epoch nnU-Net predicts every validation case with the trained model "
            "(the pretraining's fold 'all': every pretraining case) and writes the real Dice to "
            "validation/summary.json. The quick trial predicts each case once (no mirroring); "
            "on the demo on a shared 2-core CPU that took 1.7 of the pretraining's 3.8 minutes "
            "(12 cases) and 15 s of the fine-tuning's 46 s (2 cases). Off: the run ends after "
            "the last epoch, without real Dice.")
        self.validation_check.setToolTip(cost)
        # The short form on the page (it also sits on the Cluster page, above the plots); the
        # whole explanation in the tooltip.
        self.validation_cost = QLabel(self.tr(
            "Final validation: real Dice in validation/summary.json, one prediction per "
            "validation case (demo, 2-core CPU: 1.7 of the pretraining's 3.8 minutes)."))
        self.validation_cost.setToolTip(cost)
        self.validation_cost.setObjectName("finalValidationCost")
        self.validation_cost.setWordWrap(True)
        self.validation_cost.setStyleSheet("color: #555")
        trial = QHBoxLayout()
        trial.addWidget(QLabel(self.tr("epochs")))
        trial.addWidget(self.epochs_spin)
        trial.addWidget(QLabel(self.tr("iterations per epoch")))
        trial.addWidget(self.iterations_spin)
        trial.addWidget(self.validation_check)
        trial.addStretch(1)
        form.addRow(self.tr("Trainer"), self.trainer_combo)
        self.trial_row = QWidget()
        trial_column = QVBoxLayout(self.trial_row)
        trial_column.setContentsMargins(0, 0, 0, 0)
        trial_column.addLayout(trial)
        trial_column.addWidget(self.validation_cost)  # right under the checkbox it explains
        form.addRow(self.tr("Quick trial"), self.trial_row)
        self.load()
        for signal in (self.trainer_combo.currentIndexChanged, self.epochs_spin.valueChanged,
                       self.iterations_spin.valueChanged, self.validation_check.toggled):
            signal.connect(self._store)

    def load(self) -> None:
        o = self.state.options
        trainer = QUICK_TRIAL_TRAINER if o.is_quick_trial else o.trainer
        index = self.trainer_combo.findData(trainer)
        self.trainer_combo.blockSignals(True)
        self.trainer_combo.setCurrentIndex(max(0, index))
        self.trainer_combo.blockSignals(False)
        self.epochs_spin.setValue(o.trial_epochs or 5)
        self.iterations_spin.setValue(o.trial_iterations or 10)
        self.validation_check.setChecked(o.final_validation)
        self.trial_row.setEnabled(self.trainer_combo.currentData() == QUICK_TRIAL_TRAINER)
        self.validation_cost.setVisible(self.trial_row.isEnabled())

    def _store(self) -> None:
        trainer = self.trainer_combo.currentData()
        quick = trainer == QUICK_TRIAL_TRAINER
        self.trial_row.setEnabled(quick)
        self.validation_cost.setVisible(quick)
        self.state.with_options(
            trainer="nnUNetTrainer" if quick else trainer,
            trial_epochs=self.epochs_spin.value() if quick else None,
            trial_iterations=self.iterations_spin.value() if quick else None,
            final_validation=self.validation_check.isChecked())


class TrainingPage(QWizardPage):
    """One training phase: start, graceful stop, resume; live curves and log."""

    def __init__(self, state: WizardState, phase: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.phase = phase
        self.spec = PHASES[phase]
        self.run: ChainRun | None = None
        self.records: list[EpochRecord] = []
        self.progress: FoldProgress | None = None  # the last read of the fold folder
        # One reader per fold folder, remembering how far its logs were read (follow ticks).
        self._followers: dict[Path, FoldLogFollower] = {}
        self.weights_fit: bool | None = None  # the last weights check's verdict
        # What the shown verdict (or the check under way) is about: checkpoint, dataset, plans,
        # configuration, fold (see _weights_check_inputs); None while no verdict is shown.
        self._verdict_inputs: tuple[str, ...] | None = None
        self.last_status = ""
        self._offer_follow = False  # the next read of the logs may start following a run
        self._stop_requested_outside = False  # SIGUSR1 sent to a followed run
        self._run_log: LogTail | None = None  # the followed run's step log, read so far
        self.background = BackgroundTasks(self, name=f"nnft-{phase}")
        self.setObjectName(f"{phase}Page")
        title, subtitle, self.reference_label = {
            PRETRAIN: (self.tr("Pretraining"),
                       self.tr("Train on the pretraining dataset with the transferred plans, on "
                               "all of its cases (fold 'all')."), ""),
            FINETUNE: (self.tr("Fine-tuning"),
                       self.tr("Train on your dataset, starting from the pretrained weights "
                               "(all layers but the segmentation head)."),
                       self.tr("pretraining")),
            BASELINE: (self.tr("Baseline: from scratch"),
                       self.tr("Train your dataset again without the pretrained weights (same "
                               "fold, configuration, plans and epochs), to see whether the "
                               "pretraining helped."),
                       self.tr("fine-tuned")),
        }[phase]
        self.setTitle(title)
        self.setSubTitle(subtitle)
        layout = QVBoxLayout(self)
        self.settings = TrainingSettings(state)
        layout.addWidget(self.settings)
        self.baseline_note: QLabel | None = None
        if not self.spec.own_settings:
            # The baseline repeats the fine-tuning's schedule: changing it here would change
            # the fine-tuning too (and its results folder).
            self.baseline_note = QLabel()
            self.baseline_note.setObjectName("baselineNote")
            self.baseline_note.setWordWrap(True)
            self.baseline_note.setStyleSheet("color: #555")
            layout.addWidget(self.baseline_note)
        extra = QFormLayout()
        self.checkpoint_edit: QLineEdit | None = None
        self.fold_combo: QComboBox | None = None
        self.finetune_options: FinetuneOptions | None = None
        if self.spec.loads_weights:
            self.checkpoint_edit = QLineEdit()
            self.checkpoint_edit.setObjectName("checkpointEdit")
            self.checkpoint_edit.editingFinished.connect(self._on_checkpoint_edited)
            # A verdict is about the path it was given: typing clears it at once.
            self.checkpoint_edit.textChanged.connect(self._forget_stale_verdict)
            self.browse_button = QPushButton(self.tr("Browse…"))
            self.browse_button.setObjectName("checkpointBrowse")
            self.browse_button.clicked.connect(self._browse_checkpoint)
            row = QHBoxLayout()
            row.addWidget(self.checkpoint_edit, 1)
            row.addWidget(self.browse_button)
            self.check_weights_button = QPushButton(self.tr("Check weights"))
            self.check_weights_button.setObjectName("checkWeightsButton")
            self.check_weights_button.setToolTip(self.tr(
                "Build the fine-tuning network and compare every layer with the checkpoint, "
                "without running any code stored in it."))
            self.check_weights_button.clicked.connect(self.check_weights)
            row.addWidget(self.check_weights_button)
            extra.addRow(self.tr("Pretrained weights"), row)
            self.weights_verdict = QLabel()
            self.weights_verdict.setObjectName("weightsVerdict")
            self.weights_verdict.setWordWrap(True)
            extra.addRow("", self.weights_verdict)
            self.fold_combo = QComboBox()
            self.fold_combo.setObjectName("foldCombo")
            for fold in FOLDS:
                self.fold_combo.addItem(fold, fold)
            self.fold_combo.currentIndexChanged.connect(self._on_fold_changed)
            extra.addRow(self.tr("Fold"), self.fold_combo)
            self.finetune_options = FinetuneOptions(state)
            # Another preset trains into another folder: show what is there.
            self.finetune_options.preset_changed.connect(self.reload_records)
            # The baseline page joins or leaves the flow: Next goes elsewhere.
            self.finetune_options.baseline_changed.connect(self._update_labels)
            # The default frozen epochs follow the number of epochs.
            for signal in (self.settings.trainer_combo.currentIndexChanged,
                           self.settings.epochs_spin.valueChanged):
                signal.connect(self.finetune_options.load)
            extra.addRow(self.finetune_options)
        layout.addLayout(extra)

        controls = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setObjectName("startButton")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.epoch_label = QLabel()
        self.epoch_label.setObjectName("epochLabel")
        self.epoch_label.setToolTip(self.tr(
            "Epochs are counted from 1 here (and in nnft run, nnft monitor and the plots); "
            "nnU-Net's log counts from 0: its \"Epoch 0\" is epoch 1 here."))
        self._stop_requested = False  # Stop was pressed during the current run
        self.status_label = QLabel()
        self.status_label.setObjectName("trainingStatus")
        self.status_label.setWordWrap(True)
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.epoch_label, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status_label)
        self.gpu_strip = GpuStrip(state, lambda: self.is_running() or self.external_run_active())
        layout.addWidget(self.gpu_strip)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        # The plots (pyqtgraph, ~0.5 s to import) are built when the page is first shown, so
        # the wizard's window appears without waiting for them.
        self._plots: TrainingPlots | None = None
        self.console = LogConsole()
        self.splitter.addWidget(self.console)
        layout.addWidget(self.splitter, 1)
        self.problems = ProblemsView()
        layout.addWidget(self.problems)
        self.follow_timer = QTimer(self)
        self.follow_timer.setInterval(FOLLOW_INTERVAL_MS)
        self.follow_timer.timeout.connect(self._follow_tick)
        self._enable_settings(True)

    @property
    def plots(self) -> TrainingPlots:
        if self._plots is None:
            from nnft.gui.widgets.training_plots import TrainingPlots as Plots

            self._plots = Plots()
            self.splitter.insertWidget(0, self._plots)
            self.splitter.setSizes([330, 110])
        return self._plots

    # -- helpers --------------------------------------------------------------------------------
    def step_key(self) -> str:
        return self.phase

    def fold_dir(self) -> Path | None:
        ctx = self.state.context()
        if ctx is None:
            return None
        return self.spec.fold_dir(ctx)

    def _enable_settings(self, enabled: bool) -> None:
        """The trainer settings may be changed (never on the baseline page: see Phase)."""
        self.settings.setEnabled(enabled and self.spec.own_settings)

    def _show_baseline_note(self) -> None:
        if self.baseline_note is None:
            return
        # Not "exactly like the fine-tuning": with the gentle or frozen-encoder preset the
        # fine-tuning's schedule differs; the baseline is nnU-Net's default training.
        self.baseline_note.setText(self.tr(
            "The baseline is nnU-Net's default training of your dataset from scratch (learning "
            "rate 1e-2, whatever the fine-tuning preset), with the fine-tuning's epochs, "
            "iterations, fold ({0}), configuration and plans. Change them on the fine-tuning "
            "page.").format(self.state.options.fold))

    def total_epochs(self) -> int:
        o = self.state.options
        return (o.trial_epochs or 5) if o.is_quick_trial else 1000

    def initializePage(self) -> None:  # Qt override
        self.settings.load()
        self._show_baseline_note()
        if self.finetune_options is not None:
            self.finetune_options.load()
        if self.checkpoint_edit is not None and self.fold_combo is not None:
            ctx = self.state.context()
            self._show_weights_source(ctx)
            self.checkpoint_edit.setText(str(ctx.pretrained_checkpoint) if ctx else "")
            self.fold_combo.setCurrentIndex(max(0, self.fold_combo.findData(
                self.state.options.fold)))
            self._forget_stale_verdict()  # the plans or configuration may have changed
        # A training of this fold running outside the wizard (the wizard was closed or
        # crashed, or it was started on the command line) is followed once the read shows it.
        self._offer_follow = True
        self.reload_records()

    def _show_weights_source(self, ctx: ChainContext | None) -> None:
        """Where the fine-tuning's weights come from: the pretraining (any checkpoint may be
        chosen), or the trained model chosen on the datasets page (its checkpoint, fixed)."""
        assert self.checkpoint_edit is not None
        model = ctx.source_model if ctx is not None else None
        self.checkpoint_edit.setReadOnly(model is not None)
        self.browse_button.setEnabled(model is None)
        if model is not None:
            self.setSubTitle(self.tr(
                "Train on your dataset, starting from the weights of the model {0} (all layers "
                "but the segmentation head).").format(model.display_name))
            self.checkpoint_edit.setToolTip(self.tr(
                "nnFT's copy of the model's checkpoint (fold {0}), made by the preparation. To "
                "start from another model or fold, choose it on the datasets page.").format(
                model.fold))
        else:
            self.setSubTitle(self.tr("Train on your dataset, starting from the pretrained "
                                     "weights (all layers but the segmentation head)."))
            self.checkpoint_edit.setToolTip("")

    def external_run_active(self) -> bool:
        """A training of this fold runs outside the wizard (as of the last read of the fold
        folder): a process nnFT started and recorded (the wizard was closed and left it
        running, or ``nnft run``), an ``nnUNetv2_train`` started by hand, or a recent log of a
        run another host recorded."""
        return not self.is_running() and self.progress is not None and \
            self.progress.activity.found

    def external_run_blocks_start(self) -> bool:
        """A process of this machine trains this fold: a second one must not start."""
        return self.external_run_active() and self.progress is not None and \
            self.progress.activity.running_here

    def _following_text(self, activity: RunActivity) -> str:
        if activity.kind == RECORDED:
            return self.tr("A training of this fold that nnFT started is running outside this "
                           "window (process {0}). Following it: the curves update every few "
                           "seconds.").format(activity.pid)
        if activity.kind == PROCESS:
            return self.tr("An nnUNetv2_train of this fold, started outside nnFT, is running "
                           "(process {0}). Following it: the curves update every few seconds."
                           ).format(activity.pid)
        assert activity.kind == ELSEWHERE
        return self.tr("nnFT started a training of this fold on {0}, and its log was written "
                       "{1} s ago: it probably still runs there (this machine cannot check). "
                       "Following its log.").format(activity.host, int(activity.log_age_s or 0))

    def _show_followed_output(self, activity: RunActivity) -> None:
        """Append what the followed run wrote to its step log since the last tick (a run nnFT
        started keeps writing its whole output there after the window that started it is
        gone). Read off the GUI thread."""
        if activity.kind != RECORDED or not activity.log_path:
            return
        if self._run_log is None or str(self._run_log.path) != activity.log_path:
            self._run_log = LogTail(Path(activity.log_path))
            self.console.append_line(self.tr("— output of the running training (process {0}), "
                                             "from {1} —").format(activity.pid,
                                                                   activity.log_path))
        self.background.submit(self._run_log.read_new, on_done=self._append_followed_output,
                               key=RUN_LOG_TASK, when_busy=REFUSE)

    def _append_followed_output(self, lines: list[str]) -> None:
        for line in lines:
            self.console.append_line(line)
        self._update_labels()  # Start waits for the page's reads to be back

    def _follow_tick(self) -> None:
        if self.background.is_busy(RECORDS_TASK):
            return  # the last read is still under way (a slow disk): no pile-up
        self.reload_records()

    def reload_records(self) -> TaskHandle | None:
        """Show the curves of what is on disk (a finished, stopped or external run).

        The logs are read in a worker thread; :meth:`show_progress` applies the result. A newer
        read supersedes one still under way. Returns the read's task.
        """
        ctx = self.state.context()
        folder = self.fold_dir()
        reference = self.spec.reference(ctx) if ctx is not None and \
            self.spec.reference is not None else None
        state_dir = ctx.workspace.state_dir if ctx is not None and \
            ctx.workspace.results is not None else None
        def follower(path: Path | None) -> FoldLogFollower | None:
            return None if path is None else self._followers.setdefault(
                path, FoldLogFollower(path))

        handle = self.background.submit(read_fold_progress, follower(folder),
                                        follower(reference), ctx, self.phase, state_dir,
                                        on_done=self.show_progress, key=RECORDS_TASK)
        self._update_labels()
        return handle

    def show_progress(self, progress: FoldProgress) -> None:
        """Apply one read of the fold folder: curves, Start/Resume, following a run."""
        previous, self.progress = self.progress, progress
        # Epochs the running training reported since the read began are kept.
        last = progress.records[-1].epoch if progress.records else -1
        same_fold = previous is not None and previous.fold_dir == progress.fold_dir
        live = [r for r in self.records if r.epoch > last] if same_fold and \
            self.is_running() else []
        self.records = list(progress.records) + live
        ctx = self.state.context()
        if ctx is not None:
            dataset = self.spec.dataset(ctx)
            self.plots.set_class_names(pseudo_dice_class_names(dataset.labels))
        self.plots.set_records(self.records)
        if self.spec.reference is not None:
            self.plots.set_reference(progress.reference, self.reference_label)
        if previous is not None and (previous.done, previous.resumable) != (
                progress.done, progress.resumable):
            # A run (outside the wizard, too) checkpointed or finished: the state's cached
            # done checks, which gate Next, are stale.
            self.state.invalidate()
        offer, self._offer_follow = self._offer_follow, False
        if self.follow_timer.isActive() and not self.external_run_active():
            self.follow_timer.stop()
            self._stop_requested_outside = False
            self.state.invalidate()
            self.status_label.setText(self.tr("The run outside the wizard has stopped or "
                                              "finished."))
        elif offer and not self.follow_timer.isActive() and self.external_run_active():
            self.status_label.setText(self._following_text(progress.activity))
            self.follow_timer.start()
        if self.follow_timer.isActive():
            self._show_followed_output(progress.activity)
        self._update_labels()

    def _on_checkpoint_edited(self) -> None:
        assert self.checkpoint_edit is not None
        ctx = self.state.context()
        if ctx is not None and ctx.from_model:
            return  # the model's checkpoint: chosen on the datasets page, not here
        text = self.checkpoint_edit.text().strip()
        default = str(ctx.pretrain_fold_dir / "checkpoint_final.pth") if ctx else ""
        self.state.with_options(pretrained_weights=None if text in ("", default) else text)
        self._forget_stale_verdict()
        self._update_labels()

    def _weights_check_inputs(self) -> tuple[str, ...] | None:
        """Everything a weights check's verdict depends on (None without datasets chosen)."""
        ctx = self.state.context()
        if ctx is None:
            return None
        o = ctx.options
        return (str(ctx.pretrained_checkpoint), ctx.finetune.name, o.finetune_plans,
                o.configuration, str(o.fold))

    def _forget_stale_verdict(self) -> None:
        """Clear the verdict (and drop a check under way) once what it was about has changed:
        the path typed or browsed, the fold, the plans or the configuration."""
        if not self.spec.loads_weights or self._verdict_inputs is None:
            return
        assert self.checkpoint_edit is not None
        inputs = self._weights_check_inputs()
        typed = self.checkpoint_edit.text().strip()
        if inputs == self._verdict_inputs and typed == self._verdict_inputs[0]:
            return
        self._verdict_inputs = None
        checking = self.background.running(WEIGHTS_TASK)
        if checking is not None:  # its answer would be about the old inputs
            checking.cancel()
            self._weights_check_over()
            self._enable_settings(True)
            self.status_label.setText(self.tr("The weights check was dropped: its inputs "
                                              "changed."))
        self.weights_fit = None
        self.weights_verdict.setStyleSheet("")
        self.weights_verdict.clear()
        self._update_labels()

    def check_weights(self) -> TaskHandle | None:
        """Compare the chosen checkpoint with the fine-tuning network; show the verdict.

        The check runs in a child process (torch and nnU-Net load there, a few seconds); the
        button says "Checking…" meanwhile and the verdict appears when it is back
        (:attr:`weights_fit`). Returns the running check, or None when none was started (no
        workspace or checkpoint yet, or a check runs already).
        """
        ctx = self.state.context()
        if ctx is None:
            return None
        checkpoint = ctx.pretrained_checkpoint
        # Whether the file exists is asked in the worker too (no stat on the GUI thread).
        handle = self.background.submit(check_weights_in_child, checkpoint, ctx,
                                        on_done=self.show_weights_verdict,
                                        on_error=self._on_weights_check_failed,
                                        key=WEIGHTS_TASK, when_busy=REFUSE)
        if handle is not None:
            self._show_weights_checking()
        return handle

    def _show_weights_checking(self) -> None:
        self.weights_fit = None
        self._verdict_inputs = self._weights_check_inputs()
        if self.spec.loads_weights:
            self.check_weights_button.setText(self.tr("Checking…"))
            self.check_weights_button.setEnabled(False)
            self.weights_verdict.setStyleSheet("color: #555")
            self.weights_verdict.setText(self.tr("Checking the weights against the "
                                                 "fine-tuning network …"))
        self._update_labels()

    def _weights_check_over(self) -> None:
        if self.spec.loads_weights:
            self.check_weights_button.setText(self.tr("Check weights"))
            self.check_weights_button.setEnabled(True)

    def show_weights_verdict(self, result: WeightsCheckResult,
                             problems: list[Problem] | None = None) -> None:
        """Show a weights check's verdict, and ``problems`` (default: the check's own)."""
        self._weights_check_over()
        self.weights_fit = result.fits
        self.problems.set_problems(result.problems if problems is None else problems)
        ctx = self.state.context()
        if not result.found and ctx is not None:
            checkpoint = ctx.pretrained_checkpoint
            if ctx.options.pretrained_weights:  # the user's own path
                self.weights_verdict.setStyleSheet("color: #b3261e")
                self.weights_verdict.setText(self.tr(
                    "✗ File not found: {0}. Check the path, or choose the checkpoint with "
                    "Browse…").format(checkpoint))
            elif ctx.from_model:  # nnFT's copy of the model: the preparation imports it
                self.weights_verdict.setStyleSheet("color: #8a5a00")
                self.weights_verdict.setText(self.tr(
                    "{0} does not exist yet: run the preparation steps (plans page) first; "
                    "they import the model.").format(checkpoint))
            else:  # the pretraining's final checkpoint: the pretraining has not finished
                self.weights_verdict.setStyleSheet("color: #8a5a00")
                self.weights_verdict.setText(self.tr(
                    "{0} does not exist yet: finish the pretraining first.").format(checkpoint))
        elif result.fits:
            self.weights_verdict.setStyleSheet("color: #2e7d32")
            self.weights_verdict.setText(self.tr(
                "✓ The weights fit: {0} layers are loaded, {1} of the segmentation head are "
                "trained anew.").format(result.matching, result.skipped))
        else:
            self.weights_verdict.setStyleSheet("color: #b3261e")
            self.weights_verdict.setText(self.tr("✗ These weights do not fit the fine-tuning "
                                                 "network (details below)."))
        self._update_labels()

    def _on_weights_check_failed(self, error: BaseException, details: str) -> None:
        self._weights_check_over()
        self.weights_fit = False
        self.weights_verdict.setStyleSheet("color: #b3261e")
        self.weights_verdict.setText(self.tr("✗ The weights could not be checked: {0}")
                                     .format(error))
        self.console.append_line(details.rstrip())
        self._update_labels()

    def _browse_checkpoint(self) -> None:
        assert self.checkpoint_edit is not None
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Pretrained weights"),
                                              self.checkpoint_edit.text(),
                                              self.tr("nnU-Net checkpoints (*.pth)"))
        if path:
            self.checkpoint_edit.setText(path)
            self._on_checkpoint_edited()  # clears the verdict of the path before

    def _on_fold_changed(self) -> None:
        assert self.fold_combo is not None
        self.state.with_options(fold=self.fold_combo.currentData())
        self._forget_stale_verdict()
        self.reload_records()

    def _update_labels(self) -> None:
        running = self.is_running()
        folder = self.fold_dir()
        # What the last read of the fold folder found (no disk access on the GUI thread).
        done = self.progress is not None and self.progress.done
        resumable = self.progress is not None and self.progress.resumable
        # Trained, but nnU-Net's final validation never finished (stopped or killed in it).
        unvalidated = self.progress is not None and self.progress.trained and not done
        if unvalidated:
            self.start_button.setText(self.tr("Finish validation"))
            self.start_button.setToolTip(self.tr(
                "Run only nnU-Net's final validation of the finished training "
                "(nnUNetv2_train … --val): it writes validation/summary.json with the real "
                "Dice. The training is not repeated."))
        else:
            self.start_button.setText(self.tr("Resume") if resumable else self.tr("Start"))
            self.start_button.setToolTip("")
        following = self.follow_timer.isActive()
        blocked = following and self.external_run_blocks_start()
        # Not while the fold folder is being read (a run outside the wizard may show up) or the
        # weights are being checked.
        waiting = self.progress is None or self.background.is_busy()
        self.start_button.setEnabled(not running and not done and not blocked and not waiting)
        self.stop_button.setEnabled((running and not self._stop_requested) or (
            following and self.progress is not None and not self._stop_requested_outside
            and self.progress.activity.can_stop_gracefully))
        self._lock_run_inputs(running or blocked)
        if not running and not self.background.is_busy(WEIGHTS_TASK):
            # A followed run's trainer and lengths are its own: not to be changed meanwhile
            # (the wizard's own run locks them in _start_chain).
            self._enable_settings(not blocked)
        total = self.total_epochs()
        validation = self.validation_phase()
        if validation is not None:
            self.epoch_label.setText(self._validation_text(validation))
            if running and not self._stop_requested:
                self.status_label.setText(self.tr(
                    "The training is finished (checkpoint_final.pth is written). nnU-Net's final "
                    "validation now predicts every validation case with the trained model and "
                    "writes the real Dice to validation/summary.json. Stop ends the validation: "
                    "the trained model is kept, and \"Finish validation\" runs it later."))
        elif self.records:
            last = self.records[-1]
            eta = estimate_remaining_seconds(self.records, total)
            # Epochs are counted from 1 on every page, in nnft run/monitor and the plots.
            text = self.tr("Epoch {0} of {1} done").format(last.epoch + 1, total)
            o = self.state.options
            if running and last.epoch + 1 >= total:
                text += " · " + (self.tr("training finished")
                                 if o.is_quick_trial and not o.final_validation else
                                 self.tr("training finished, final validation starting …"))
            elif eta is not None and running:
                text += " · " + self.tr("about {0} left").format(_duration(eta))
            if last.ema_pseudo_dice is not None:
                text += " · " + self.tr("EMA pseudo dice {0:.3f}").format(last.ema_pseudo_dice)
            self.epoch_label.setText(text)
        else:
            self.epoch_label.setText(self.tr("No epoch yet"))
        if done:
            self.status_label.setText(self.tr("Finished: {0}").format(
                folder / "checkpoint_final.pth"))
        elif unvalidated and not running:
            self.status_label.setText(self.tr(
                "Trained ({0}), but nnU-Net's final validation did not finish (stopped or "
                "killed during it). \"Finish validation\" runs only the validation "
                "(nnUNetv2_train … --val).").format(folder / "checkpoint_final.pth"))
        elif not running and self.last_status == "stopped" and self.records:
            done_epochs = self.records[-1].epoch + 1
            self.status_label.setText(self.tr(
                "Stopped after epoch {0} of {1} (checkpoint written). Resume continues with "
                "epoch {2}.").format(done_epochs, total, done_epochs + 1))
        self.completeChanged.emit()

    # -- running --------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.run is not None and self.run.running

    def start(self) -> None:
        """Check, then run this phase's training step.

        The preflight runs here without the weights check (that one loads torch); before a
        fine-tuning the weights are checked in a child process and the chain starts when the
        answer is back and fits.
        """
        if self.is_running() or self.background.is_busy(WEIGHTS_TASK):
            return
        result = self.state.run_preflight()
        self.problems.set_problems([p for p in result.problems if p.is_error])
        if not result.ok or result.context is None:
            return
        ctx = result.context
        if not self.spec.loads_weights:
            self._start_chain(ctx)
            return
        # Whether the weights must be checked, and whether they exist, are file lookups (a
        # network share can take seconds): asked in a worker, like the check itself.
        handle = self.background.submit(
            finetune_start_facts, ctx,
            on_done=lambda facts: self._start_finetune(ctx, facts),
            on_error=self._on_start_weights_check_failed, key=WEIGHTS_TASK, when_busy=REFUSE)
        if handle is not None:
            self._enable_settings(False)
            self._show_weights_checking()
            self.status_label.setText(self.tr("Checking that the pretrained weights fit "
                                              "the fine-tuning network …"))

    def _start_finetune(self, ctx: ChainContext, facts: FinetuneStartFacts) -> None:
        """The worker's answer to :func:`finetune_start_facts`: check the weights, or start."""
        if facts.weights_missing:
            self._enable_settings(True)
            self._weights_check_over()
            self.weights_fit = False
            self.problems.set_problems([])
            self.weights_verdict.setText("")
            self.status_label.setText(self.tr(
                "The model's checkpoint {0} is not imported yet: run the preparation steps "
                "(plans page) first.") if ctx.from_model else self.tr(
                "The pretrained weights {0} do not exist yet: finish the pretraining first."
            ).format(ctx.pretrained_checkpoint))
            self._update_labels()
            return
        if not facts.check_needed:
            self._enable_settings(True)
            self._weights_check_over()
            self._start_chain(ctx)
            return
        self.background.submit(
            check_weights_in_child, ctx.pretrained_checkpoint, ctx,
            on_done=lambda checked: self._start_after_weights_check(ctx, checked),
            on_error=self._on_start_weights_check_failed, key=WEIGHTS_CHECK_AT_START_TASK,
            when_busy=REFUSE)

    def _start_after_weights_check(self, ctx: ChainContext, checked: WeightsCheckResult) -> None:
        errors = [p for p in checked.problems if p.is_error]
        self._enable_settings(True)
        self.show_weights_verdict(checked, errors)
        if not checked.found:
            self.status_label.setText(self.tr("Not started: there are no pretrained weights "
                                              "at {0}.").format(ctx.pretrained_checkpoint))
            return
        if errors:
            self.status_label.setText(self.tr("Not started: the pretrained weights do not fit "
                                              "(see the problems below)."))
            return
        self._start_chain(ctx)

    def _on_start_weights_check_failed(self, error: BaseException, details: str) -> None:
        self._enable_settings(True)
        self._on_weights_check_failed(error, details)
        self.status_label.setText(self.tr("Not started: the pretrained weights could not be "
                                          "checked ({0}).").format(error))

    def _start_chain(self, ctx: ChainContext) -> None:
        if self.is_running():
            return
        # (A fine-tuning comes here after finetune_start_facts found its weights.)
        self.last_status = ""
        self._stop_requested = False
        self.run = ChainRun(lambda: build_chain(ctx), ctx.workspace, only={self.step_key()},
                            parent=self)
        worker = self.run
        worker.step_started.connect(self._on_step_started)
        worker.line_received.connect(self._on_line)
        worker.epoch_completed.connect(self._on_epoch)
        worker.validation_case_started.connect(self._on_validation_case)
        worker.step_finished.connect(self._on_step_finished)
        self.run.finished.connect(self._on_finished)
        self._enable_settings(False)
        self.status_label.setText(self.tr("Starting nnU-Net …"))
        self.run.start()
        self._update_labels()

    def _lock_run_inputs(self, locked: bool) -> None:
        """What a running training of this page uses (fold, pretrained weights) stays as it
        is while it runs."""
        if not self.spec.loads_weights:
            return
        assert self.fold_combo is not None and self.checkpoint_edit is not None
        assert self.finetune_options is not None
        self.fold_combo.setEnabled(not locked)
        self.finetune_options.setEnabled(not locked)
        # A model chain's checkpoint is the model's (chosen on the datasets page): never typed.
        fixed = self.state.from_model
        self.checkpoint_edit.setReadOnly(locked or fixed)
        self.browse_button.setEnabled(not locked and not fixed)
        if not self.background.is_busy(WEIGHTS_TASK):  # "Checking…" stays disabled anyway
            self.check_weights_button.setEnabled(not locked)

    def stop_outside_run(self) -> bool:
        """Ask a followed nnFT trainer (outside this window) to stop after its epoch."""
        if self.progress is None or not self.external_run_active() or \
                not request_graceful_stop(self.progress.activity):
            return False
        self._stop_requested_outside = True
        self.status_label.setText(self.tr("Stopping the run outside the wizard after this epoch "
                                          "(a checkpoint is written) …"))
        self._update_labels()
        return True

    def stop(self) -> None:
        """Graceful stop with nnFT's trainers; otherwise confirm, then cancel.

        During nnU-Net's final validation the training is over: nnFT's trainers end the
        validation at once (the trained model is kept, "Finish validation" runs it later);
        other trainers are cancelled after a confirmation that says the same. A run outside
        the wizard that it follows is stopped through its record (:meth:`stop_outside_run`).
        """
        if self.run is None or not self.is_running():
            self.stop_outside_run()
            return
        # The trainer of this page's step: the pretraining's, the preset's or the baseline's.
        ctx = self.state.context()
        trainer = ctx.trainer_of(self.step_key()) if ctx is not None else ""
        validating = self.live_validation() is not None
        if trainer in GRACEFUL_STOP_TRAINERS and self.run.stop_gracefully():
            self._stop_requested = True
            if validating:
                self.status_label.setText(self.tr(
                    "Stopping the final validation now. The trained model is kept "
                    "(checkpoint_final.pth); \"Finish validation\" runs the validation later."))
            else:
                self.status_label.setText(self.tr(
                    "Stopping after this epoch (a checkpoint is written) … If this is the last "
                    "epoch, the final validation is left for \"Finish validation\"."))
            self._update_labels()
            return
        if validating:
            question = self.tr(
                "nnU-Net is running its final validation; the training itself is finished "
                "(checkpoint_final.pth). Stopping now ends the validation: the trained model is "
                "kept, and \"Finish validation\" runs the validation later. Stop the "
                "validation?")
        else:
            question = self.tr(
                "{0} cannot stop gracefully: stopping now loses the epochs since its last "
                "checkpoint (nnU-Net writes one every 50 epochs). Stop anyway?").format(trainer)
        answer = QMessageBox.question(self, self.tr("Stop training"), question)
        if answer == QMessageBox.StandardButton.Yes:
            self._stop_requested = True
            self.run.cancel()

    def _on_line(self, key: str, line: str) -> None:
        self.console.append_line(line)

    def _on_step_started(self, key: str, command: str, log_path: str) -> None:
        self.console.append_line(f"$ {command}")
        self.status_label.setText(self.tr("Running. Log: {0}").format(log_path))
        if "--c" in command.split():
            # Resuming: keep the curves of the epochs already done.
            self.reload_records()

    def _on_epoch(self, key: str, record: EpochRecord) -> None:
        # The live parser's EMA restarts with each run; nnU-Net's continues from the
        # checkpoint, so it is recomputed over the fold's whole history.
        self.records = append_epoch(self.records, record)
        self.plots.add_record(self.records[-1])
        self._update_labels()

    def _on_validation_case(self, key: str, case: str) -> None:
        if self.progress is None or self.progress.validation.total is None:
            self.reload_records()  # splits_final.json / the data folder name the total
        self._update_labels()

    def live_validation(self) -> FinalValidationProgress | None:
        """nnU-Net's final validation of the run the wizard started, while it runs."""
        parser = self.run.log_parser(self.step_key()) if self.is_running() and \
            self.run is not None else None
        if parser is None or not parser.in_final_validation:
            return None
        total = self.progress.validation.total if self.progress is not None else None
        return final_validation_progress([parser], total)

    def validation_phase(self) -> FinalValidationProgress | None:
        """The final validation being run now (by the wizard, or by a followed run)."""
        live = self.live_validation()
        if live is not None:
            return live
        if self.follow_timer.isActive() and self.progress is not None and \
                self.progress.validation.state == VALIDATION_STARTED:
            return self.progress.validation
        return None

    def _validation_text(self, validation: FinalValidationProgress) -> str:
        if validation.total:
            text = self.tr("Final validation: {0} / {1} cases").format(
                validation.cases_done, validation.total)
        else:
            text = self.tr("Final validation: {0} cases").format(validation.cases_done)
        if validation.seconds_left is not None:
            text += " · " + self.tr("about {0} left").format(
                _duration(validation.seconds_left))
        return text

    def _on_step_finished(self, key: str, status: str, message: str, tail: list,
                          log_path: str) -> None:
        self.last_status = status
        if status == "failed":
            self.status_label.setText(self.tr("Failed: {0}. Last lines:\n{1}\nFull log: {2}")
                                      .format(message, "\n".join(tail[-8:]), log_path))
        elif status == "cancelled":
            self.status_label.setText(self.tr("Cancelled. Start again to resume from the last "
                                              "checkpoint, if any."))

    def _on_finished(self, outcome: ChainOutcome) -> None:
        self.state.invalidate()  # the training wrote checkpoints
        self._enable_settings(True)
        self.reload_records()
        self._update_labels()

    def isComplete(self) -> bool:  # Qt override
        if self.is_running():
            return False
        return next_page_available(self.state, self.phase)
