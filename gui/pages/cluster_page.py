"""The Cluster page: submit the chain as SLURM jobs and follow them (states, epochs, curves).

A thin view over :mod:`nnft.core.slurm`, the same core as ``nnft submit`` and ``nnft jobs``.
Polling Slurm (``scontrol``/``squeue``/``sacct``, each a child process) and reading the training
logs from the shared results folder, submitting (the cluster preflight and ``sbatch``) and
cancelling (``scancel``) run through the page's :class:`~nnft.gui.background.BackgroundTasks`,
so neither a slow ``sacct`` nor a busy shared filesystem freezes the window, and no Python
object crosses threads through a queued Qt signal.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core import problems as P
from nnft.core import slurm as S
from nnft.core.steps.presets import FINETUNE_PRESETS
from nnft.core.training_log import EpochRecord
from nnft.core.wizard_state import WizardState
from nnft.gui.background import REFUSE, BackgroundTasks, TaskHandle, report_unhandled
from nnft.gui.pages.training_page import TrainingSettings
from nnft.gui.widgets.log_console import LogConsole
from nnft.gui.widgets.problems_view import ProblemsView

if TYPE_CHECKING:
    from nnft.gui.widgets.training_plots import TrainingPlots

#: Lines of a job's log shown under the table.
LOG_TAIL_LINES = 400
_STATE_COLORS = {"RUNNING": "#1f5f99", "COMPLETED": "#2e7d32", "PENDING": "#8a5a00"}
#: Background task keys: the latest poll wins; one submit and one cancel at a time; the
#: latest question whether a Slurm controller answers at all wins.
POLL_TASK, SUBMIT_TASK, CANCEL_TASK = "poll", "submit", "cancel"
CONTROLLER_TASK = "controller"


@dataclass
class ClusterSnapshot:
    """One poll of a chain: the states of its jobs and what the chosen task wrote."""

    status: S.ChainStatus
    records: list[EpochRecord]
    reference: list[EpochRecord]
    log_tail: list[str]
    selected: str | None
    #: Whose curves ``reference`` is: ``pretrain`` (under a fine-tuning) or ``finetune`` (the
    #: same fold's fine-tuning, under the from-scratch baseline); empty without one.
    reference_role: str = ""


def poll_chain(record: S.ChainRecord, selected: str | None,
               slurm: S.SlurmCommands | None = None) -> ClusterSnapshot:
    """The chain's states and the curves and log of one task (``selected`` Slurm id, or the
    training that runs now, else the latest training with epochs). Runs in a worker thread:
    only Slurm's commands and files, no Qt."""
    status = S.chain_status(record, slurm)
    trainings = [t for t in status.tasks if t.fold_dir]
    task = next((t for t in status.tasks if t.slurm_id == selected), None)
    if task is None:
        task = next((t for t in trainings if t.state == "RUNNING"), None) or next(
            (t for t in reversed(trainings) if t.epochs_done), None) or next(
            (t for t in status.tasks if t.state == "RUNNING"), None)
    if task is None:
        return ClusterSnapshot(status, [], [], [], None)
    reference, reference_role = [], ""
    if task.role == "finetune":
        # The pretraining's curves, dashed (when its job is part of this chain).
        pretrain = next((t for t in status.tasks if t.role == "pretrain"), None)
        reference = pretrain.records if pretrain is not None else []
        reference_role = "pretrain"
    elif task.role == "baseline":
        # The same fold's fine-tuning, dashed: did the pretraining help?
        finetune = next((t for t in status.tasks
                         if t.role == "finetune" and t.fold == task.fold), None)
        reference = finetune.records if finetune is not None else []
        reference_role = "finetune"
    return ClusterSnapshot(status, task.records, reference,
                           S.read_log_tail(task.log_path, LOG_TAIL_LINES) if task.log_path
                           else [], task.slurm_id, reference_role)


@dataclass
class SubmitOutcome:
    """What :func:`plan_and_submit` did.

    Attributes
    ----------
    chain
        The planned chain (None when the cluster preflight refused it).
    problems
        The cluster preflight's problems.
    record
        The submitted chain (None when nothing was submitted).
    refused
        Slurm's refusal (``sbatch`` failed; jobs already submitted were cancelled again).
    """

    chain: S.SlurmChain | None
    problems: list[P.Problem] = field(default_factory=list)
    record: S.ChainRecord | None = None
    refused: str | None = None


def plan_and_submit(plan_arguments: tuple, slurm: S.SlurmCommands) -> SubmitOutcome:
    """Plan the chain (what is done on disk is left out) and submit it with ``sbatch``. Runs in
    a worker thread: only files and Slurm's commands, no Qt."""
    chain, problems = S.plan_cluster_chain(*plan_arguments, skip_done=True, slurm=slurm)
    if chain is None or not chain.jobs:
        return SubmitOutcome(chain, problems)
    try:
        record = S.submit_chain(chain, slurm)
    except S.SlurmError as exc:
        return SubmitOutcome(chain, problems, refused=str(exc))
    return SubmitOutcome(chain, problems, record)


class ClusterPage(QWizardPage):
    """Submit the chain to SLURM, follow its jobs, cancel them."""

    #: How often Slurm is asked while the page is shown (tests shorten it).
    poll_interval_s = 5.0

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.slurm = S.SlurmCommands()
        self.records: list[S.ChainRecord] = []
        self.snapshot: ClusterSnapshot | None = None
        self.selected_task: str | None = None
        self.submitted: S.ChainRecord | None = None  # the chain the last Submit submitted
        self.background = BackgroundTasks(self, name="nnft-slurm")
        self._last_poll = 0.0
        self._poll_now = False
        self._saved_profiles: dict[str, S.SlurmProfile] = {}
        # The chosen profile: the form edits its fields; the rest (name, preparation job's
        # partition and time) comes from here.
        self._profile_extras = S.SlurmProfile()
        self._profiles_problems: list[P.Problem] = []  # a damaged profiles file
        # The last answer to "does a Slurm controller answer from here?" (None: it does, or
        # not asked yet): SLURM_NO_CONTROLLER when Slurm is installed but not configured.
        self.controller_problem: P.Problem | None = None
        self.setObjectName("clusterPage")
        self.setTitle(self.tr("SLURM cluster"))
        self.setSubTitle(self.tr(
            "Run the chain as cluster jobs: preparation, pretraining, then the fine-tuning folds "
            "as a job array (and, when chosen, the from-scratch baseline of the same folds "
            "alongside the pretraining). Each training checkpoints before its time limit and "
            "requeues itself. Follow the jobs here; the curves are read from the results "
            "folder."))

        layout = QVBoxLayout(self)
        # Form and jobs above, curves and log below; the user can move the divider.
        self.vertical = QSplitter(Qt.Orientation.Vertical)
        self.vertical.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self._build_resources_box(), 1)
        top_layout.addWidget(self._build_jobs_box(), 1)
        self.vertical.addWidget(top)
        self.status_label = QLabel()
        self.status_label.setObjectName("clusterStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self._plots: TrainingPlots | None = None
        # In the plots' place until a job has epochs to draw (empty axes squeezed by the
        # problems below looked broken).
        self.curves_placeholder = QLabel(self.tr(
            "The curves of the selected training job appear here once it has finished its "
            "first epoch."))
        self.curves_placeholder.setObjectName("curvesPlaceholder")
        self.curves_placeholder.setWordWrap(True)
        self.curves_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.curves_placeholder.setStyleSheet("color: #777")
        self.curves_placeholder.setMinimumWidth(240)
        self.splitter.addWidget(self.curves_placeholder)
        self.console = LogConsole()
        self.console.setObjectName("clusterLog")
        self.console.setPlaceholderText(self.tr("The log of the selected job appears here."))
        self.splitter.addWidget(self.console)
        self.vertical.addWidget(self.splitter)
        self.vertical.setStretchFactor(1, 1)
        layout.addWidget(self.vertical, 1)
        layout.addWidget(self.status_label)
        self.problems = ProblemsView()
        layout.addWidget(self.problems)

        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(200)
        self.watch_timer.timeout.connect(self._watch)

    # -- building ------------------------------------------------------------------------------
    def _build_resources_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Jobs to submit"))
        box.setObjectName("clusterResourcesBox")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(4)
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.setToolTip(self.tr("Cluster profiles are saved per user in {0}")
                                      .format(S.default_profiles_path()))
        self.profile_combo.activated.connect(self._on_profile_chosen)
        self.save_profile_button = QPushButton(self.tr("Save profile…"))
        self.save_profile_button.setObjectName("saveProfileButton")
        self.save_profile_button.clicked.connect(self.save_profile_dialog)
        self.partition_edit = QLineEdit()
        self.partition_edit.setObjectName("partitionEdit")
        self.partition_edit.setPlaceholderText(self.tr("cluster default"))
        self.account_edit = QLineEdit()
        self.account_edit.setObjectName("accountEdit")
        self.account_edit.setPlaceholderText(self.tr("cluster default"))
        self.gpus_spin = QSpinBox()
        self.gpus_spin.setObjectName("gpusSpin")
        self.gpus_spin.setRange(0, 16)
        self.gpus_spin.setToolTip(self.tr("GPUs per training job (--gres=gpu:N); 0 trains on "
                                          "the CPU."))
        self.num_gpus_spin = QSpinBox()
        self.num_gpus_spin.setObjectName("numGpusSpin")
        self.num_gpus_spin.setRange(1, 16)
        self.num_gpus_spin.setToolTip(self.tr("nnU-Net's -num_gpus: one training on several GPUs "
                                              "(DDP); at most the GPUs per job."))
        self.cpus_spin = QSpinBox()
        self.cpus_spin.setObjectName("cpusSpin")
        self.cpus_spin.setRange(1, 512)
        self.mem_edit = QLineEdit()
        self.mem_edit.setObjectName("memEdit")
        self.time_edit = QLineEdit()
        self.time_edit.setObjectName("timeLimitEdit")
        self.time_edit.setToolTip(self.tr("Per job run, e.g. 24:00:00 or 2-00:00:00. Trainings "
                                          "are requeued and continue beyond it."))
        self.signal_spin = QSpinBox()
        self.signal_spin.setObjectName("signalSecondsSpin")
        self.signal_spin.setRange(0, S.MAX_SIGNAL_SECONDS)
        self.signal_spin.setSuffix(self.tr(" s"))
        self.signal_spin.setToolTip(self.tr(
            "How long before the time limit a training is asked to checkpoint and requeue "
            "itself (--signal=B:USR1@s); must cover one epoch."))
        self.folds_edit = QLineEdit()
        self.folds_edit.setObjectName("foldsEdit")
        self.folds_edit.setToolTip(self.tr("Fine-tuning folds: 0, 0-4 or 0,1,2 (a job array, "
                                           "one task per fold) or all."))
        self.extra_edit = QPlainTextEdit()
        self.extra_edit.setObjectName("extraSbatchEdit")
        self.extra_edit.setPlaceholderText(self.tr("--qos=long"))
        self.extra_edit.setToolTip(self.tr("More #SBATCH options, one per line."))
        self.setup_edit = QPlainTextEdit()
        self.setup_edit.setObjectName("setupEdit")
        self.setup_edit.setPlaceholderText(self.tr("module load cuda"))
        self.setup_edit.setToolTip(self.tr(
            "Bash lines run first in every job, e.g. module load cuda, or source "
            "/path/venv/bin/activate. Empty: this Python's bin folder first on PATH."))
        for edit in (self.extra_edit, self.setup_edit):
            edit.setFixedHeight(52)
        self.training = TrainingSettings(self.state)
        # The fine-tuning preset and the baseline are chosen on the fine-tuning page; the jobs
        # take them from the wizard's options, and this line says what they will be.
        self.choices_label = QLabel()
        self.choices_label.setObjectName("clusterChainChoices")
        self.choices_label.setWordWrap(True)
        self.choices_label.setStyleSheet("color: #555")

        def row(r: int, label: str, widget: QWidget, column: int = 0) -> None:
            grid.addWidget(QLabel(label), r, column * 2)
            grid.addWidget(widget, r, column * 2 + 1)

        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_combo, 1)
        profile_row.addWidget(self.save_profile_button)
        grid.addWidget(QLabel(self.tr("Profile")), 0, 0)
        grid.addLayout(profile_row, 0, 1, 1, 3)
        row(1, self.tr("Partition"), self.partition_edit)
        row(1, self.tr("Account"), self.account_edit, 1)
        row(2, self.tr("GPUs per job"), self.gpus_spin)
        row(2, self.tr("-num_gpus"), self.num_gpus_spin, 1)
        row(3, self.tr("CPUs per job"), self.cpus_spin)
        row(3, self.tr("Memory"), self.mem_edit, 1)
        row(4, self.tr("Time limit"), self.time_edit)
        row(4, self.tr("Stop before end"), self.signal_spin, 1)
        row(5, self.tr("Folds"), self.folds_edit)
        row(6, self.tr("#SBATCH"), self.extra_edit)
        row(6, self.tr("Set-up"), self.setup_edit, 1)
        grid.addWidget(self.training, 8, 0, 1, 4)
        grid.addWidget(self.choices_label, 9, 0, 1, 4)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("Show job scripts"))
        self.preview_button.setObjectName("previewScriptsButton")
        self.preview_button.clicked.connect(self.show_scripts)
        self.export_button = QPushButton(self.tr("Export script…"))
        self.export_button.setObjectName("exportSlurmButton")
        self.export_button.setToolTip(self.tr("One bash file that writes the job scripts and "
                                              "submits them, for a cluster this computer cannot "
                                              "reach."))
        self.export_button.clicked.connect(self.export_dialog)
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setDefault(False)
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        grid.addLayout(buttons, 10, 0, 1, 4)
        for edit in (self.partition_edit, self.account_edit, self.mem_edit, self.time_edit,
                     self.folds_edit):
            edit.textChanged.connect(self._on_form_changed)
        for spin in (self.gpus_spin, self.num_gpus_spin, self.cpus_spin, self.signal_spin):
            spin.valueChanged.connect(self._on_form_changed)
        for text_edit in (self.extra_edit, self.setup_edit):
            text_edit.textChanged.connect(self._on_form_changed)
        return box

    def _build_jobs_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Submitted chains"))
        box.setObjectName("clusterJobsBox")
        layout = QVBoxLayout(box)
        chooser = QHBoxLayout()
        self.chain_combo = QComboBox()
        self.chain_combo.setObjectName("chainCombo")
        self.chain_combo.currentIndexChanged.connect(self._on_chain_chosen)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshJobsButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.cancel_button = QPushButton(self.tr("Cancel chain"))
        self.cancel_button.setObjectName("cancelChainButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_chain)
        chooser.addWidget(self.chain_combo, 1)
        chooser.addWidget(self.refresh_button)
        chooser.addWidget(self.cancel_button)
        layout.addLayout(chooser)
        self.refreshed_label = QLabel()
        self.refreshed_label.setObjectName("lastRefreshedLabel")
        self.refreshed_label.setStyleSheet("color: #555")
        layout.addWidget(self.refreshed_label)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("jobsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Job"), self.tr("Slurm id"),
                                              self.tr("State"), self.tr("Epochs"),
                                              self.tr("Restarts")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_task_chosen)
        layout.addWidget(self.table, 1)
        self.chain_label = QLabel()
        self.chain_label.setObjectName("chainSummary")
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.chain_label)
        return box

    @property
    def plots(self) -> TrainingPlots:
        if self._plots is None:
            from nnft.gui.widgets.training_plots import TrainingPlots as Plots

            self._plots = Plots()
            self._plots.setVisible(False)  # until there are curves (see _show_curves)
            self.splitter.insertWidget(0, self._plots)
            self.splitter.setSizes([0, 620, 420])
        return self._plots

    def _show_curves(self, shown: bool) -> None:
        """The plots when there is something to draw, else the placeholder in their place."""
        sizes = self.splitter.sizes()
        self.plots.setVisible(shown)
        self.curves_placeholder.setVisible(not shown)
        if len(sizes) == 3 and not (sizes[0] if shown else sizes[1]):
            # Give the shown one the width the hidden one had.
            width = sizes[0] + sizes[1]
            self.splitter.setSizes([width, 0, sizes[2]] if shown else [0, width, sizes[2]])

    # -- the wizard ----------------------------------------------------------------------------
    def initializePage(self) -> None:  # Qt override
        self.training.load()
        self.show_chain_choices()
        self.load_profiles()
        if not self.folds_edit.text():
            self.folds_edit.setText(str(self.state.options.fold))
        self.plots  # noqa: B018 - build the plots now that the page is shown
        self._show_curves(self.snapshot is not None and bool(self.snapshot.records))
        self.reload_chains()
        if not self.slurm.available():
            self.status_label.setText(self.tr(
                "Slurm's commands (sbatch, squeue, scancel) are not installed on this computer. "
                "Run nnFT on the cluster's login node, or export the chain as a script (Export "
                "script…) and run it there with bash."))
        else:
            self.check_controller()

    def show_chain_choices(self) -> None:
        """Say which fine-tuning preset the fine-tuning job runs and whether a baseline job
        trains the same folds from scratch (both from the wizard's options): one short line,
        the explanation in its tooltip (the form has no room to spare)."""
        o = self.state.options
        preset = FINETUNE_PRESETS.get(o.finetune_preset)
        if o.baseline:
            text = self.tr("Fine-tuning preset: {0}; from-scratch baseline: yes (4_baseline)")
        else:
            text = self.tr("Fine-tuning preset: {0}; from-scratch baseline: no")
        self.choices_label.setText(text.format(o.finetune_preset))
        tip = [preset.label if preset is not None else o.finetune_preset]
        tip.append(self.tr("Chosen on the fine-tuning page."))
        if o.baseline:
            tip.append(self.tr("The baseline trains the same folds without the pretrained "
                               "weights, in a job of its own that waits only for the "
                               "preparation, so it runs alongside the pretraining."))
        self.choices_label.setToolTip(" ".join(tip))

    # -- is there a cluster at all? ------------------------------------------------------------
    def check_controller(self) -> TaskHandle | None:
        """Ask, in a worker thread, whether a Slurm controller answers from here (``scontrol
        ping``); the answer is :attr:`controller_problem`, shown in plain words with the fix.
        Returns the running question, or None without Slurm's commands."""
        if not self.slurm.available():
            return None
        self.refreshed_label.setText(self.tr("Asking Slurm …"))
        return self.background.submit(self.slurm.controller_problem,
                                      on_done=self._on_controller_checked,
                                      on_error=self._on_controller_check_failed,
                                      key=CONTROLLER_TASK)

    def _on_controller_checked(self, problem: P.Problem | None) -> None:
        was_unreachable = self.controller_problem is not None
        self.controller_problem = problem
        self._stamp_refreshed()
        if problem is not None:
            self.status_label.setText(self.tr(
                "Slurm is installed on this computer but reaches no cluster, so nothing can be "
                "submitted or followed from here. What to do is below."))
            self.problems.set_problems([problem])
        elif was_unreachable:
            self.status_label.setText(self.tr("Slurm's controller answers now."))
            self.problems.set_problems([])

    def _on_controller_check_failed(self, error: BaseException, details: str) -> None:
        self._stamp_refreshed()
        report_unhandled(error)  # controller_problem never raises: a bug, for the log

    def _stamp_refreshed(self) -> None:
        """Say when Slurm was last asked (a Refresh that changes nothing still shows)."""
        text = self.tr("Last refreshed at {0}").format(time.strftime("%H:%M:%S"))
        if self.controller_problem is not None:
            text += " · " + self.tr("no Slurm controller reachable")
        self.refreshed_label.setText(text)

    def nextId(self) -> int:  # Qt override
        from nnft.gui.wizard import PAGE_IDS

        return PAGE_IDS["summary"]

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        self.watch_timer.start()

    def hideEvent(self, event) -> None:  # Qt override
        self.watch_timer.stop()
        super().hideEvent(event)

    # -- profiles ------------------------------------------------------------------------------
    def load_profiles(self, select: str | None = None) -> None:
        """Fill the profile list from the saved profiles; choose ``select`` (else 'default'
        when saved, else nnFT's defaults) and show its values."""
        self._profiles_problems = []
        try:
            saved = S.load_profiles()
        except ValueError as exc:
            saved = {}
            # Kept in view with the form's own problems until the file is readable again.
            self._profiles_problems = [P.error(
                S.SLURM_OPTIONS_INVALID, str(exc),
                self.tr("Fix or delete {0}; nnFT's defaults are used meanwhile.").format(
                    S.default_profiles_path()))]
        self._saved_profiles = saved
        current = select or self.profile_combo.currentData() or "default"
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        if "default" not in saved:
            self.profile_combo.addItem(self.tr("nnFT defaults"), "")
        for name in sorted(saved):
            self.profile_combo.addItem(name, name)
        index = self.profile_combo.findData(current)
        self.profile_combo.setCurrentIndex(max(0, index))
        self.profile_combo.blockSignals(False)
        self.show_profile(saved.get(self.profile_combo.currentData() or "", S.SlurmProfile()))

    def _on_profile_chosen(self) -> None:
        name = self.profile_combo.currentData() or ""
        self.show_profile(self._saved_profiles.get(name, S.SlurmProfile()))

    def show_profile(self, profile: S.SlurmProfile) -> None:
        widgets = (self.partition_edit, self.account_edit, self.gpus_spin, self.num_gpus_spin,
                   self.cpus_spin, self.mem_edit, self.time_edit, self.signal_spin,
                   self.extra_edit, self.setup_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.partition_edit.setText(profile.partition)
        self.account_edit.setText(profile.account)
        self.gpus_spin.setValue(profile.gpus)
        self.num_gpus_spin.setValue(profile.num_gpus)
        self.cpus_spin.setValue(profile.cpus_per_task)
        self.mem_edit.setText(profile.mem)
        self.time_edit.setText(profile.time_limit)
        self.signal_spin.setValue(profile.signal_seconds_before_end)
        self.extra_edit.setPlainText("\n".join(profile.extra_sbatch))
        self.setup_edit.setPlainText("\n".join(profile.setup))
        for widget in widgets:
            widget.blockSignals(False)
        self._profile_extras = profile
        self._on_form_changed()

    def profile(self) -> S.SlurmProfile:
        """The profile as the form shows it (the chosen one with the edits applied)."""
        base = self._profile_extras

        def lines(edit: QPlainTextEdit) -> list[str]:
            return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]

        return dataclasses.replace(
            base, name=self.profile_combo.currentData() or "default",
            partition=self.partition_edit.text().strip(),
            account=self.account_edit.text().strip(), gpus=self.gpus_spin.value(),
            num_gpus=self.num_gpus_spin.value(), cpus_per_task=self.cpus_spin.value(),
            mem=self.mem_edit.text().strip(), time_limit=self.time_edit.text().strip(),
            signal_seconds_before_end=self.signal_spin.value(),
            extra_sbatch=lines(self.extra_edit), setup=lines(self.setup_edit))

    def save_profile_dialog(self) -> None:
        name, accepted = QInputDialog.getText(
            self, self.tr("Save cluster profile"),
            self.tr("Name of the profile (one per cluster or account):"),
            text=self.profile_combo.currentData() or "default")
        if accepted and name.strip():
            self.save_profile(name.strip())

    def save_profile(self, name: str) -> bool:
        """Save the form as profile ``name`` (refused, with the reason, when a value is
        wrong)."""
        profile = dataclasses.replace(self.profile(), name=name)
        errors = [p for p in profile.problems() if p.is_error]
        if errors:
            self.problems.set_problems(errors)
            return False
        try:
            path = S.save_profile(profile)
        except (OSError, ValueError) as exc:
            self.problems.set_problems([P.error(
                S.SLURM_OPTIONS_INVALID, self.tr("The profile could not be saved: {0}")
                .format(exc), self.tr("Check that {0} is writable.").format(
                    S.default_profiles_path()))])
            return False
        self.load_profiles(select=name)
        self.status_label.setText(self.tr("Saved cluster profile '{0}' to {1}.").format(
            name, path))
        return True

    def _on_form_changed(self) -> None:
        """Check the values as they are typed: wrong ones are named at once and block Submit."""
        problems = self.profile().problems()
        self.problems.set_problems(self._profiles_problems + problems)
        self._update_submit_button(problems)

    def _update_submit_button(self, problems: list[P.Problem] | None = None) -> None:
        """Submit: enabled when the form's values are right and no submission runs."""
        submitting = self.background.is_busy(SUBMIT_TASK)
        self.submit_button.setText(self.tr("Submitting…") if submitting else self.tr("Submit"))
        problems = self.profile().problems() if problems is None else problems
        self.submit_button.setEnabled(not submitting and not P.has_errors(problems))

    # -- submitting ----------------------------------------------------------------------------
    def cluster_options(self, profile: S.SlurmProfile):
        """The wizard's options for jobs: the device follows the GPUs the jobs request."""
        return dataclasses.replace(self.state.options,
                                   device="cuda" if profile.gpus > 0 else "cpu")

    def plan_arguments(self) -> tuple[tuple | None, list[P.Problem]]:
        """The positional arguments of ``slurm.plan_cluster_chain`` for the form (workspace,
        datasets, options, profile, folds), or None and the reason."""
        ws = self.state.workspace
        if ws is None or not self.state.sources_chosen():
            return None, [P.error(P.DATASET_NOT_FOUND, self.tr(
                "Choose a workspace and both datasets (or a fine-tuning dataset and a model) "
                "first."), self.tr("Go back to the Datasets page."))]
        profile = self.profile()
        # A chain that starts from a model has no pretraining dataset (None; the model is in
        # the options), even when one was chosen before the switch.
        return (ws, self.state.chain_pretrain, self.state.finetune, self.cluster_options(profile),
                profile, self.folds_edit.text().strip() or "0"), []

    def plan(self, *, skip_done: bool, slurm: S.SlurmCommands | None = None):
        """(chain or None, problems) for the form's profile and folds."""
        arguments, problems = self.plan_arguments()
        if arguments is None:
            return None, problems
        return S.plan_cluster_chain(*arguments, skip_done=skip_done, slurm=slurm)

    def scripts_text(self) -> str:
        """The job scripts that Submit would write, with their sbatch commands."""
        chain, problems = self.plan(skip_done=True)
        self.problems.set_problems(problems)
        if chain is None:
            return ""
        if not chain.jobs:
            return self.tr("# Every step is done already: nothing would be submitted.\n")
        parts = []
        for job in chain.jobs:
            dependency = f"afterok:<{job.after} job>" if job.after else None
            argv = S.sbatch_argv(chain.chain_dir / job.filename, dependency=dependency)
            parts.append(f"# $ {' '.join(argv)}\n{job.text}")
        return "\n".join(parts)

    def show_scripts(self) -> None:
        text = self.scripts_text()
        if not text:
            return
        dialog = QDialog(self)
        dialog.setObjectName("scriptsDialog")
        dialog.setWindowTitle(self.tr("Job scripts"))
        layout = QVBoxLayout(dialog)
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        view.setFont(self.console.font())
        layout.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(900, 700)
        dialog.exec()

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the chain for SLURM"),
                                              "nnft_slurm_chain.sh",
                                              self.tr("Bash scripts (*.sh)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        """Write the chain as one bash file that writes and submits the job scripts (the same
        file as ``nnft export --format slurm``)."""
        from nnft.core.safety import atomic_write_text

        chain, problems = self.plan(skip_done=False)
        self.problems.set_problems(problems)
        if chain is None:
            return False
        text = S.export_slurm_text(chain.ctx, chain.profile, chain.folds,
                                   chain_id=chain.chain_id, chain_dir=chain.chain_dir)
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            self.status_label.setText(self.tr("Could not write {0}: {1}").format(path, exc))
            return False
        self.status_label.setText(self.tr("Wrote {0}; run it with bash on the cluster's login "
                                          "node.").format(path))
        return True

    def submit(self) -> TaskHandle | None:
        """Check, plan and submit the chain (what is done on disk is left out); select it.

        The cluster preflight and ``sbatch`` run in a worker thread; the button says
        "Submitting…" meanwhile. The submitted chain is then :attr:`submitted`. Returns the
        running task, or None when nothing was started (no Slurm, no datasets, or a submission
        runs already).
        """
        if not self.slurm.available():
            self.problems.set_problems([P.error(
                S.SLURM_NOT_AVAILABLE, self.slurm.missing_message(),
                self.tr("Run nnFT on the cluster's login node, or use Export script… and run "
                        "the file there with bash."))])
            return None
        arguments, problems = self.plan_arguments()
        if arguments is None:
            self._show_submit_outcome(SubmitOutcome(None, problems))
            return None
        handle = self.background.submit(plan_and_submit, arguments, self.slurm,
                                        on_done=self._show_submit_outcome,
                                        on_error=self._on_submit_failed, key=SUBMIT_TASK,
                                        when_busy=REFUSE)
        if handle is not None:
            self.submitted = None
            self.status_label.setText(self.tr("Submitting the chain to Slurm …"))
            self._update_submit_button()
        return handle

    def _show_submit_outcome(self, outcome: SubmitOutcome) -> None:
        self._update_submit_button()
        chain, problems = outcome.chain, outcome.problems
        self.problems.set_problems(problems)
        unreachable = next((p for p in problems if p.code == S.SLURM_NO_CONTROLLER), None)
        if unreachable is None and outcome.refused is not None:
            # Lost since the check before sbatch: still not a question of partitions.
            unreachable = S.no_controller_problem(outcome.refused, self.slurm.env)
        if unreachable is not None:
            self._on_controller_checked(unreachable)
            self.status_label.setText(self.tr(
                "Nothing was submitted: Slurm is installed on this computer but reaches no "
                "cluster. What to do is below."))
            return
        if chain is None:
            self.status_label.setText(self.tr("Nothing was submitted: see the problems below."))
            return
        if outcome.refused is not None:
            self.problems.set_problems(problems + [P.error(
                S.SLURM_SUBMIT_FAILED, outcome.refused,
                self.tr("Jobs already submitted for this chain were cancelled again. Check "
                        "the partition, account and limits (sinfo, sacctmgr show assoc)."))])
            self.status_label.setText(self.tr("Slurm refused the chain."))
            return
        record = outcome.record
        if record is None:
            self.status_label.setText(self.tr(
                "Every step is done already: the fine-tuned model is in {0}. Nothing was "
                "submitted.").format(chain.ctx.finetune_fold_dir.parent))
            return
        self.submitted = record
        # The preflight's notes (a fingerprint still to extract ...) are about to be stale;
        # the warnings (e.g. no graceful stop) stay in view.
        self.problems.set_problems([p for p in problems if p.severity != P.Severity.INFO])
        jobs = ", ".join(f"{self._task_name(j.role, j.folds[0] if len(j.folds) == 1 else None)}"
                         f" {j.job_id}" for j in record.jobs)
        self.status_label.setText(self.tr("Submitted chain {0}: {1}. Scripts and job logs: {2}")
                                  .format(record.chain_id, jobs, record.chain_dir))
        self.reload_chains(select=record.chain_id)

    def _on_submit_failed(self, error: BaseException, details: str) -> None:
        self._update_submit_button()
        self.status_label.setText(self.tr("Nothing was submitted: {0}").format(error))
        report_unhandled(error)  # unexpected (not Slurm's refusal): the dialog and the log

    # -- following -----------------------------------------------------------------------------
    def reload_chains(self, select: str | None = None) -> None:
        """List the chains submitted from this workspace (newest first)."""
        ws = self.state.workspace
        self.records = S.list_chains(ws) if ws is not None and ws.results else []
        current = select or self.chain_combo.currentData()
        self.chain_combo.blockSignals(True)
        self.chain_combo.clear()
        for record in self.records:
            self.chain_combo.addItem(
                f"{record.chain_id}  ({record.pretrain} → {record.finetune}, "
                f"{record.configuration})", record.chain_id)
        index = self.chain_combo.findData(current) if current else 0
        self.chain_combo.setCurrentIndex(max(0, index) if self.records else -1)
        self.chain_combo.blockSignals(False)
        self._on_chain_chosen()

    def current_record(self) -> S.ChainRecord | None:
        chain_id = self.chain_combo.currentData()
        return next((r for r in self.records if r.chain_id == chain_id), None)

    def _on_chain_chosen(self) -> None:
        self.selected_task = None
        self.snapshot = None
        self.table.setRowCount(0)
        record = self.current_record()
        self.cancel_button.setEnabled(record is not None and self.slurm.available()
                                      and not record.cancelled
                                      and not self.background.is_busy(CANCEL_TASK))
        if record is None:
            self.chain_label.setText(self.tr("No chain was submitted from this workspace yet."))
            return
        self.chain_label.setText(self.tr("Scripts and job logs: {0}").format(record.chain_dir))
        self.refresh()

    def _on_task_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.snapshot is None:
            return
        item = self.table.item(rows[0].row(), 1)
        chosen = item.text() if item else None
        if chosen and chosen != self.selected_task:
            self.selected_task = chosen
            self.refresh()

    def refresh(self) -> None:
        """Ask Slurm again: whether its controller answers, and the chosen chain's jobs (as
        soon as the running question, if any, is answered). :attr:`refreshed_label` says
        when."""
        self.check_controller()
        self._poll_now = True
        self._watch()

    def _watch(self) -> None:
        """Every 200 ms: start the next poll when due (one at a time; the answer arrives in
        :meth:`_on_polled`)."""
        if self.background.is_busy(POLL_TASK):
            return
        record = self.current_record()
        if record is None:
            return
        due = time.monotonic() - self._last_poll >= self.poll_interval_s
        active = self.snapshot is None or self.snapshot.status.active
        if self._poll_now or (due and active):
            self._poll_now = False
            self._last_poll = time.monotonic()
            self.background.submit(poll_chain, record, self.selected_task, self.slurm,
                                   on_done=self._on_polled, on_error=self._on_poll_failed,
                                   key=POLL_TASK)

    def _on_polled(self, snapshot: ClusterSnapshot) -> None:
        record = self.current_record()
        if record is not None and snapshot.status.record.chain_id == record.chain_id:
            self.show_snapshot(snapshot)
        self._stamp_refreshed()

    def _on_poll_failed(self, error: BaseException, details: str) -> None:
        # Shown; polling goes on (a cluster's commands fail now and then).
        self._stamp_refreshed()
        self.status_label.setText(self.tr("Could not read the job states: {0}").format(error))

    def is_polling(self) -> bool:
        return self.background.is_busy(POLL_TASK) or self._poll_now

    def show_snapshot(self, snapshot: ClusterSnapshot) -> None:
        """Draw one poll: the job table, the curves and log of the chosen task."""
        self.snapshot = snapshot
        status = snapshot.status
        self.table.blockSignals(True)
        self.table.setRowCount(len(status.tasks))
        for row, task in enumerate(status.tasks):
            job = self._task_name(task.role, task.fold)
            state = task.state_text()
            epochs = ""
            if task.role != "prepare":
                total = f" / {task.total_epochs}" if task.total_epochs else ""
                epochs = f"{task.epochs_done}{total}"
            values = [job, task.slurm_id, state, epochs,
                      "" if task.restarts is None else str(task.restarts)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setForeground(QColor(_STATE_COLORS.get(
                        task.state, "#b3261e" if task.failed else "#333")))
                    if task.source:
                        item.setToolTip(self.tr("from {0}").format(task.source))
                self.table.setItem(row, column, item)
            if task.slurm_id == snapshot.selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self._show_curves(bool(snapshot.records))
        self.plots.set_records(snapshot.records)
        self.plots.set_reference(snapshot.reference, self.tr("fine-tuning")
                                 if snapshot.reference_role == "finetune"
                                 else self.tr("pretraining"))
        self.console.setPlainText("\n".join(snapshot.log_tail))
        self.console.verticalScrollBar().setValue(self.console.verticalScrollBar().maximum())
        record = status.record
        self.cancel_button.setEnabled(self.slurm.available() and status.active
                                      and not self.background.is_busy(CANCEL_TASK))
        if status.done:
            self.status_label.setText(self.tr("Chain {0} finished: fine-tuned model(s) in the "
                                              "results folder.").format(record.chain_id))
        elif status.active:
            running = [t for t in status.tasks if t.state == "RUNNING"]
            what = ", ".join(self.tr("{0} (job {1})").format(self._task_name(t.role, t.fold),
                                                              t.slurm_id)
                             for t in running) or self.tr("nothing yet")
            self.status_label.setText(self.tr("Chain {0}: running {1}. Updated every {2:.0f} s.")
                                      .format(record.chain_id, what, self.poll_interval_s))
        elif status.failed:
            failed = [t for t in status.tasks if t.failed]
            self.status_label.setText(self.tr(
                "Chain {0} ended without finishing ({1}). Submit again to continue from the "
                "checkpoints.").format(record.chain_id, ", ".join(
                    f"{self._task_name(t.role, t.fold)} {t.slurm_id}: {t.state}"
                    for t in failed)))
        notes = [P.info(S.SLURM_NOT_AVAILABLE, note) for note in status.notes]
        if notes:
            self.problems.set_problems(notes)

    def _task_name(self, role: str, fold: str | None) -> str:
        if role == "finetune":
            return self.tr("fine-tuning fold {0}").format(fold) if fold is not None else \
                self.tr("fine-tuning")
        if role == "baseline":
            return self.tr("baseline (from scratch), fold {0}").format(fold) \
                if fold is not None else self.tr("baseline (from scratch)")
        return {"prepare": self.tr("preparation"), "pretrain": self.tr("pretraining")}[role]

    def cancel_chain(self) -> TaskHandle | None:
        """Cancel every job of the chosen chain, after a confirmation.

        ``scancel`` runs in a worker thread; the button says "Cancelling…" meanwhile. Returns
        the running task, or None when nothing was started.
        """
        record = self.current_record()
        if record is None:
            return None
        answer = QMessageBox.question(
            self, self.tr("Cancel the chain"),
            self.tr("Cancel every job of chain {0}? Running trainings stop at once; their last "
                    "checkpoint stays on disk and a new Submit continues from it.").format(
                        record.chain_id))
        if answer != QMessageBox.StandardButton.Yes:
            return None
        handle = self.background.submit(
            S.cancel_chain, record, self.slurm,
            on_done=lambda ids: self._on_chain_cancelled(record, ids),
            on_error=self._on_cancel_failed, key=CANCEL_TASK, when_busy=REFUSE)
        if handle is not None:
            self.cancel_button.setText(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)
        return handle

    def _on_chain_cancelled(self, record: S.ChainRecord, ids: list[str]) -> None:
        self.cancel_button.setText(self.tr("Cancel chain"))
        self.status_label.setText(self.tr("Cancelled chain {0}: scancel {1}").format(
            record.chain_id, " ".join(ids)))
        self.cancel_button.setEnabled(False)
        self.refresh()

    def _on_cancel_failed(self, error: BaseException, details: str) -> None:
        self.cancel_button.setText(self.tr("Cancel chain"))
        self.cancel_button.setEnabled(self.current_record() is not None)
        if isinstance(error, S.SlurmError):
            self.problems.set_problems([P.error(S.SLURM_NOT_AVAILABLE, str(error))])
        else:
            report_unhandled(error)
