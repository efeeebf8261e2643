"""Page 3: plan, transfer and preprocess — the chain's preparation steps.

Pretraining here: plan the fine-tuning dataset, move its plans to the pretraining dataset,
preprocess both. Starting from a trained model: import it, extract the fine-tuning dataset's
fingerprint, give that dataset the model's plans, preprocess it (the model chain's own steps,
numbered on their own; the configuration is the model's).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core import plans as plans_mod
from nnft.core.checks import default_model_plans_name
from nnft.core.executor import ChainOutcome
from nnft.core.problems import PLANS_IDENTIFIER_CODES
from nnft.core.steps import PREPARE, build_chain, keys_in_group, range_text
from nnft.core.wizard_state import WizardState, next_page_available
from nnft.gui.language import core_text
from nnft.gui.widgets.log_console import LogConsole
from nnft.gui.widgets.problems_view import ProblemsView
from nnft.gui.worker import ChainRun

#: The steps this page runs in the dataset chain, from the registry (their keys, in chain
#: order); the model chain's are ``keys_in_group(PREPARE, from_model=True)``.
PREPARATION_STEPS = keys_in_group(PREPARE)
#: Stands for the plans identifier in the commands while the one typed is refused.
REFUSED_PLACEHOLDER = "NEW_PLANS_IDENTIFIER"


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as high as their text wrapped to the column's width (Qt's own size hint does not
    know the width, so a long title stayed one line and was cut with "…")."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # Qt override
        hint = super().sizeHint(option, index)
        width = max(40, self._view.columnWidth(index.column()) - 12)
        text = str(index.data() or "")
        needed = option.fontMetrics.boundingRect(
            QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), text).height() + 4
        return QSize(hint.width(), max(hint.height(), needed))


class PlansPage(QWizardPage):
    """Configuration, the new plans identifier (guarded), the commands, and running them."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.run: ChainRun | None = None
        self.statuses: dict[str, str] = {}
        self.setObjectName("plansPage")
        self.setTitle(self.tr("Plans transfer"))
        self.setSubTitle(self.tr("Plan the fine-tuning dataset, move its plans to the "
                                 "pretraining dataset under a new name, and preprocess both."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.config_combo = QComboBox()
        self.config_combo.setObjectName("configCombo")
        self.config_combo.currentIndexChanged.connect(self._on_config_changed)
        form.addRow(self.tr("Configuration"), self.config_combo)

        self.identifier_edit = QLineEdit()
        self.identifier_edit.setObjectName("plansNameEdit")
        self.identifier_edit.setToolTip(self.tr(
            "The pretraining dataset receives the fine-tuning plans under this name (-tp). "
            "nnU-Net's default names would overwrite its own plans."))
        self.identifier_edit.textChanged.connect(self._on_identifier_changed)
        self.suggest_button = QPushButton(self.tr("Suggest"))
        self.suggest_button.setObjectName("suggestButton")
        self.suggest_button.clicked.connect(self.suggest_identifier)
        row = QHBoxLayout()
        row.addWidget(self.identifier_edit, 1)
        row.addWidget(self.suggest_button)
        form.addRow(self.tr("New plans identifier"), row)
        self.identifier_status = QLabel()
        self.identifier_status.setObjectName("plansNameStatus")
        self.identifier_status.setWordWrap(True)
        self.identifier_status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The verdict changes with every keystroke, from one line to several: in a box of
        # fixed height (scrolling when a message is longer) the page below it stays put.
        status_box = QScrollArea()
        status_box.setWidget(self.identifier_status)
        status_box.setWidgetResizable(True)
        status_box.setFrameShape(QFrame.Shape.NoFrame)
        status_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        status_box.setFixedHeight(3 * self.fontMetrics().lineSpacing() + 6)
        status_box.viewport().setAutoFillBackground(False)
        self.identifier_status.setAutoFillBackground(False)
        form.addRow("", status_box)
        self.reuse_check = QCheckBox(self.tr(
            "Reuse the existing plans file of this name if it is identical (a backup is made "
            "first)"))
        self.reuse_check.setObjectName("reusePlansCheck")
        self.reuse_check.toggled.connect(self._on_identifier_changed)
        form.addRow("", self.reuse_check)
        self.overwrite_check = QCheckBox(self.tr(
            "Move data folders that are in the way to nnFT's backup folder, then replace them"))
        self.overwrite_check.setObjectName("backupOverwriteCheck")
        self.overwrite_check.setToolTip(self.tr(
            "Without this, nnFT refuses to run a step that would delete a folder it did not "
            "make itself. With it, the folder is moved to nnUNet_results/nnFT/backups first."))
        self.overwrite_check.toggled.connect(self._on_identifier_changed)
        form.addRow("", self.overwrite_check)
        layout.addLayout(form)

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.step_list = QTreeWidget()
        self.step_list.setObjectName("stepList")
        self.step_list.setHeaderLabels([self.tr("Step"), self.tr("Status")])
        self.step_list.setRootIsDecorated(False)
        # Titles name both datasets and are long: wrapped, never cut with "…".
        self.step_list.setWordWrap(True)
        self.step_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.step_list.setItemDelegateForColumn(0, _WrappingDelegate(self.step_list))
        # Rows are measured when filled; a narrower or wider column needs them measured again.
        header_of_steps = self.step_list.header()
        header_of_steps.sectionResized.connect(lambda *_: self.step_list.doItemsLayout())
        header = self.step_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.commands = QPlainTextEdit()
        self.commands.setObjectName("commandsPreview")
        self.commands.setReadOnly(True)
        self.commands.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        top_layout.addWidget(self.step_list, 3)
        top_layout.addWidget(self.commands, 4)
        splitter.addWidget(top)
        self.console = LogConsole()
        splitter.addWidget(self.console)
        splitter.setSizes([220, 160])
        layout.addWidget(splitter, 1)

        controls = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("preparationProgress")
        self.progress.setRange(0, len(PREPARATION_STEPS))
        self.run_button = QPushButton(self.tr("Run steps {0}").format(range_text(PREPARE)))
        self.run_button.setObjectName("runPreparationButton")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelPreparationButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        controls.addWidget(self.progress, 1)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        layout.addLayout(controls)
        self.problems = ProblemsView()
        layout.addWidget(self.problems)
        self._loading = False
        self._steps_shown: list[str] = []  # the keys of the steps listed, in list order

    # -- state -> widgets ---------------------------------------------------------------------
    def preparation_steps(self) -> tuple[str, ...]:
        """The keys of the steps this page runs for the chosen chain, in chain order."""
        return keys_in_group(PREPARE, from_model=self.state.from_model)

    def initializePage(self) -> None:  # Qt override
        self._loading = True
        ctx = self.state.context()
        from_model = self.state.from_model
        self.setSubTitle(self.tr(
            "Import the model, extract your dataset's fingerprint, give your dataset the "
            "model's plans under a new name, and preprocess it with them.") if from_model
            else self.tr("Plan the fine-tuning dataset, move its plans to the pretraining "
                         "dataset under a new name, and preprocess both."))
        self.identifier_edit.setToolTip(self.tr(
            "Your dataset receives the model's plans under this name. nnU-Net's default names "
            "would overwrite its own plans.") if from_model else self.tr(
            "The pretraining dataset receives the fine-tuning plans under this name (-tp). "
            "nnU-Net's default names would overwrite its own plans."))
        self.config_combo.clear()
        if from_model:
            # The model's weights fit only the network of the configuration it was trained
            # in: shown, not chosen (the options keep "" = the model's).
            configuration = ctx.options.configuration if ctx is not None else ""
            self.config_combo.addItem(configuration or self.tr("(the model's)"), configuration)
            self.config_combo.setToolTip(self.tr(
                "The model was trained in the configuration {0}: its weights fit only that "
                "configuration's network, so the fine-tuning uses it too.").format(
                configuration or self.tr("(not known until the model is read)")))
        else:
            offered = list(plans_mod.TRAINABLE_CONFIGURATIONS)
            if ctx is not None and ctx.finetune_plans() is not None:
                offered = plans_mod.trainable_configurations(ctx.finetune_plans()) or offered
            for name in offered:
                self.config_combo.addItem(name, name)
            index = self.config_combo.findData(self.state.options.configuration)
            self.config_combo.setCurrentIndex(max(0, index))
            self.state.with_options(configuration=self.config_combo.currentData())
            self.config_combo.setToolTip("")
        self.config_combo.setEnabled(not from_model)
        self.run_button.setText(self.tr("Run steps {0}").format(
            range_text(PREPARE, from_model=from_model)))
        self.progress.setRange(0, len(self.preparation_steps()))
        effective = self.state.context()
        self.identifier_edit.setText(self.state.options.plans_name or (
            effective.options.plans_name if effective else ""))
        self.reuse_check.setChecked(self.state.options.reuse_plans)
        self.overwrite_check.setChecked(self.state.options.allow_overwrite)
        self._loading = False
        self.refresh()

    def _on_config_changed(self) -> None:
        if self._loading or self.config_combo.currentData() is None or self.state.from_model:
            return
        self.state.with_options(configuration=self.config_combo.currentData())
        self.refresh()

    def _on_identifier_changed(self) -> None:
        if self._loading:
            return
        self.state.with_options(plans_name=self.identifier_edit.text().strip(),
                                reuse_plans=self.reuse_check.isChecked(),
                                allow_overwrite=self.overwrite_check.isChecked())
        self.refresh()

    def suggest_identifier(self) -> None:
        ctx = self.state.context()
        if ctx is None or self.is_running():
            return
        if ctx.from_model:
            self.identifier_edit.setText(default_model_plans_name(ctx))
            return
        folder = ctx.pretrain_preprocessed
        self.identifier_edit.setText(plans_mod.suggest_plans_identifier(
            ctx.finetune.name, self.state.options.finetune_plans, folder))

    def refresh(self) -> None:
        """Re-check the choice, show the identifier's validity, the commands and step states.

        A refused identifier never appears in the commands: they show the placeholder
        :data:`REFUSED_PLACEHOLDER` and say that nothing of this can run yet.
        """
        result = self.state.run_preflight()
        identifier_problems = [p for p in result.problems if p.code in PLANS_IDENTIFIER_CODES]
        errors = [p for p in identifier_problems if p.is_error]
        if errors:
            self.identifier_edit.setStyleSheet("QLineEdit { border: 2px solid #b3261e; "
                                               "background: #fdecea; }")
            self.identifier_status.setStyleSheet("color: #b3261e")
            self.identifier_status.setText("✗ " + core_text(errors[0].message) + "  "
                                           + core_text(errors[0].fix))
        else:
            self.identifier_edit.setStyleSheet("QLineEdit { border: 2px solid #2e7d32; }")
            self.identifier_status.setStyleSheet("color: #2e7d32")
            reused = [p for p in identifier_problems if p.code == "PLANS_ID_EXISTS"]
            self.identifier_status.setText("✓ " + (
                core_text(reused[0].message) if reused else self.tr(
                    "A new plans file will be written; nothing existing is touched.")))
        self.problems.set_problems([p for p in result.problems
                                    if p.code not in PLANS_IDENTIFIER_CODES])
        ctx = result.context
        self.step_list.clear()
        self.commands.clear()
        if ctx is not None and errors:
            self.commands.appendPlainText(self.tr(
                "# Not runnable yet: the plans identifier '{0}' is refused (see above).\n"
                "# {1} stands for the identifier you choose.\n").format(
                    ctx.options.plans_name, REFUSED_PLACEHOLDER))
            ctx = dataclasses.replace(ctx, options=dataclasses.replace(
                ctx.options, plans_name=REFUSED_PLACEHOLDER))
        self._steps_shown = []
        if ctx is not None:
            steps = build_chain(ctx, groups=[PREPARE])
            self._steps_shown = [step.key for step in steps]
            done = 0
            for step in steps:
                i = step.number
                status = self.statuses.get(step.key) or (
                    "done" if step.is_done() else "pending")
                done += status in ("done", "skipped")
                title = core_text(step.title)  # core's words in the wizard's language
                item = QTreeWidgetItem([f"{i}. {title}", self.status_text(status)])
                item.setToolTip(0, f"{i}. {title}\n\n{core_text(step.why)}")
                self.step_list.addTopLevelItem(item)
                self.commands.appendPlainText(f"# {i}. {title}\n{step.command_line()}\n")
            if not self.is_running():
                self.progress.setValue(done)
            self.commands.verticalScrollBar().setValue(0)  # the first lines say the most
        self.run_button.setEnabled(not self.is_running() and result.ok)
        self.completeChanged.emit()

    def step_status(self, key: str) -> str:
        return self.statuses.get(key, "")

    # -- running ------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.run is not None and self.run.running

    def start(self) -> None:
        self.state.invalidate()  # check against the disk as it is now, not as last seen
        result = self.state.run_preflight()
        if not result.ok or result.context is None or self.is_running():
            return
        ctx = result.context
        # The plans file the transfer writes: the pretraining dataset's, or (from a model) the
        # fine-tuning dataset's.
        if ctx.options.reuse_plans and ctx.transfer_target.is_file():
            from nnft.core.safety import backup_path

            backup = backup_path(ctx.workspace, ctx.transfer_target)
            self.console.append_line(self.tr("Backed up {0} to {1}").format(
                ctx.transfer_target, backup))
        self.statuses = {}
        self.progress.setValue(0)
        self.run = ChainRun(lambda: build_chain(ctx), ctx.workspace,
                            only=set(keys_in_group(PREPARE, from_model=ctx.from_model)),
                            parent=self)
        worker = self.run
        worker.step_started.connect(self._on_step_started)
        # ChainRun emits in the GUI thread (it drains the worker's queue with a timer).
        worker.line_received.connect(self._on_line)
        worker.step_skipped.connect(self._on_step_skipped)
        worker.step_finished.connect(self._on_step_finished)
        self.run.finished.connect(self._on_finished)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._set_choices_enabled(False)
        self.run.start()
        self.completeChanged.emit()

    def _set_choices_enabled(self, enabled: bool) -> None:
        """The choices the running steps were built from stay as they are while they run."""
        for widget in (self.config_combo, self.identifier_edit, self.suggest_button,
                       self.reuse_check, self.overwrite_check):
            widget.setEnabled(enabled)
        # From a model the configuration is the model's: never chosen here.
        self.config_combo.setEnabled(enabled and not self.state.from_model)

    def cancel(self) -> None:
        if self.run is not None:
            self.console.append_line(self.tr("Cancelling …"))
            self.run.cancel()

    def status_text(self, status: str) -> str:
        """The executor's step status (core.executor.StepStatus) in the user's language."""
        return {"pending": self.tr("pending"), "running": self.tr("running"),
                "done": self.tr("done"), "skipped": self.tr("skipped"),
                "failed": self.tr("failed"), "cancelled": self.tr("cancelled"),
                "stopped": self.tr("stopped"), "detached": self.tr("detached")}.get(status, status)

    def _set_status(self, key: str, status: str) -> None:
        self.statuses[key] = status
        if status in ("done", "skipped"):
            self.progress.setValue(sum(s in ("done", "skipped") for s in self.statuses.values()))
        shown = self._steps_shown
        index = shown.index(key) if key in shown else -1
        item = self.step_list.topLevelItem(index) if index >= 0 else None
        if item is not None:
            item.setText(1, self.status_text(status))

    def _on_line(self, key: str, line: str) -> None:
        self.console.append_line(line)

    def _on_step_skipped(self, key: str) -> None:
        self._set_status(key, "skipped")

    def _on_step_started(self, key: str, command: str, log_path: str) -> None:
        self._set_status(key, "running")
        self.console.append_line(f"$ {command}")

    def _on_step_finished(self, key: str, status: str, message: str, tail: list,
                          log_path: str) -> None:
        self.state.invalidate()  # the step changed the disk
        self._set_status(key, status)
        if status != "done":
            self.console.append_line(self.tr("Step {0} {1}: {2}").format(
                key, self.status_text(status), message))
            if log_path:
                self.console.append_line(self.tr("Full log: {0}").format(log_path))

    def _on_finished(self, outcome: ChainOutcome) -> None:
        self.cancel_button.setEnabled(False)
        self._set_choices_enabled(True)
        statuses = dict(self.statuses)
        self.state.invalidate()
        self.refresh()
        self.statuses = statuses
        for key, status in statuses.items():
            self._set_status(key, status)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt override
        if self.is_running():
            return False
        return next_page_available(self.state, "plans")
