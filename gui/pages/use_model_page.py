"""The "Use the model" page: predict new images with the fine-tuned model and look at them.

The model is the chain's fine-tuned fold by default (or another model folder or an exported
zip), the images the fine-tuning dataset's held-out ``imagesTs`` when it has them (with
``labelsTs`` as reference labels for the Dice). "Check" runs core's preflight
(:func:`nnft.core.predict.plan_prediction`: it reads every image's header) in a worker thread
and shows its problems; "Predict" checks again, then runs :class:`nnft.core.predict.PredictionRun`
(nnU-Net's own predictor and evaluation, as child processes) in a worker thread with its output
in the log console and a Cancel button. The predicted cases are listed afterwards; the selected
one is shown in the image preview with its prediction as the overlay (one colour per label, a
legend with the model's label names, an opacity slider), each label's volume in mL (core's
:func:`~nnft.core.predict.label_volumes_ml`, in a worker thread) and, with reference labels,
nnU-Net's Dice per label.

Nothing is overwritten without the user's word: an output folder that already holds
predictions of these cases is refused by the preflight (``PREDICTION_EXISTS``) unless "Replace
(backup kept)" is ticked; they are then moved to a backup folder next to it first.
"""

from __future__ import annotations

import dataclasses
import html
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core import problems as P
from nnft.core.predict import (
    LOG_NAME,
    PredictionPlan,
    PredictionResult,
    PredictionRun,
    label_volumes_ml,
    plan_prediction,
)
from nnft.core.problems import Problem
from nnft.core.steps import ChainContext
from nnft.core.wizard_state import WizardState, next_page_available
from nnft.gui.background import BackgroundTasks, GuiInbox, TaskHandle
from nnft.gui.widgets.image_preview import ImagePreview
from nnft.gui.widgets.log_console import LogConsole
from nnft.gui.widgets.problems_view import ProblemsView

#: Background task keys: the latest check wins; one volume count at a time (the newest).
PLAN_TASK, DEFAULTS_TASK, VOLUMES_TASK = "plan", "defaults", "volumes"


@dataclass(frozen=True)
class PredictionDefaults:
    """What the page proposes for the chain (worked out in a worker thread: it looks at disk).

    Attributes
    ----------
    model
        The chain's fine-tuned fold folder (its parent is the model folder).
    images, labels
        The fine-tuning dataset's ``imagesTs`` / ``labelsTs``, or None where it has none.
    output
        A new folder under ``nnUNet_results/nnFT/predictions/<dataset>/`` named by the time.
    """

    model: Path
    images: Path | None
    labels: Path | None
    output: Path | None


def prediction_defaults(ctx: ChainContext, now: datetime | None = None) -> PredictionDefaults:
    """The page's proposals for ``ctx`` (worker thread). The output folder never exists yet:
    a proposal never points at earlier predictions."""
    images = ctx.finetune.raw_dir / "imagesTs"
    labels = ctx.finetune.raw_dir / "labelsTs"
    output = None
    if ctx.workspace.results is not None:
        folder = ctx.workspace.results / "nnFT" / "predictions" / ctx.finetune.name
        stamp = (now or datetime.now()).strftime("%Y-%m-%d_%H%M%S")
        output = folder / stamp
        n = 2
        while output.exists():
            output = folder / f"{stamp}_{n}"
            n += 1
    return PredictionDefaults(ctx.finetune_fold_dir, images if images.is_dir() else None,
                              labels if labels.is_dir() else None, output)


class PredictionJob(QObject):
    """One :class:`PredictionRun` in a worker thread; its output arrives in the GUI thread.

    It answers the wizard's questions when the window is closed while it runs (no graceful
    stop, nothing to leave running: closing cancels it).
    """

    line_received = Signal(str)  # a line ending in "\r" is a progress bar's state
    finished = Signal()

    def __init__(self, run: PredictionRun, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prediction = run
        run.on_line = lambda line: self.inbox.post(("line", line))
        run.on_progress = lambda line: self.inbox.post(("line", line + "\r"))
        self.inbox = GuiInbox(self._handle, parent=self)
        self.thread = threading.Thread(target=self._work, name="nnft-predict", daemon=True)
        self.result: PredictionResult | None = None
        self.crash: str | None = None  # the traceback of an unexpected error
        self._running = False

    def start(self) -> None:
        self._running = True
        self.thread.start()
        self.inbox.start()

    def _work(self) -> None:  # worker thread
        try:
            result = self.prediction.run()
        except Exception:  # reported in the GUI thread, never lost
            self.inbox.post(("crashed", traceback.format_exc()))
        else:
            self.inbox.post(("done", result))

    def _handle(self, item: tuple) -> None:  # GUI thread
        kind, value = item
        if kind == "line":
            self.line_received.emit(value)
            return
        self.inbox.stop()
        self._running = False
        if kind == "done":
            self.result = value
        else:
            self.crash = value
        self.finished.emit()

    @property
    def running(self) -> bool:
        """True until its end has been delivered in the GUI thread."""
        return self._running

    def cancel(self) -> None:
        """End nnU-Net's running command (safe from the GUI thread)."""
        self.prediction.cancel()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker thread ended, then deliver what it left (closing, tests)."""
        self.thread.join(timeout_ms / 1000)
        self.inbox.drain()
        return not self.thread.is_alive()

    # The wizard's close dialog asks these of every running page.
    def can_stop_gracefully(self) -> bool:
        return False

    def can_detach(self) -> bool:
        return False

    def stop_gracefully(self) -> bool:
        return False

    def detach(self) -> bool:
        return False


class UseModelPage(QWizardPage):
    """Predict images with the fine-tuned model and look at the predictions."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("usePage")
        self.setTitle(self.tr("Use the model"))
        self.setSubTitle(self.tr(
            "Segment new images with the fine-tuned model (nnU-Net's own predictor) and look "
            "at the result. With reference labels, nnU-Net's evaluation gives the Dice."))
        self.background = BackgroundTasks(self, name="nnft-use")
        self.plan: PredictionPlan | None = None  # the last check's plan
        self.run: PredictionJob | None = None  # the running (or last) prediction
        self.result: PredictionResult | None = None
        self.volumes: dict[str, float] = {}  # the selected case's label volumes (mL)
        self._defaults: PredictionDefaults | None = None
        self._predict_after_check = False
        self._browse_buttons: list[QPushButton] = []

        layout = QVBoxLayout(self)
        form = QGridLayout()
        self.model_edit = self._path_row(
            form, 0, self.tr("Model:"), "modelEdit",
            self.tr("The training output folder (…/<trainer>__<plans>__<config>), one of its "
                    "fold_X folders, or a zip made by nnft export-model / "
                    "nnUNetv2_export_model_to_zip"),
            [(self.tr("Folder…"), "modelFolderBrowse", self._browse_model_folder),
             (self.tr("Zip…"), "modelZipBrowse", self._browse_model_zip)])
        self.input_edit = self._path_row(
            form, 1, self.tr("Images:"), "inputEdit",
            self.tr("A folder of images (CASE_0000<ending>, or plain names for a "
                    "single-channel model) or one image file"),
            [(self.tr("Folder…"), "inputFolderBrowse", self._browse_input_folder),
             (self.tr("File…"), "inputFileBrowse", self._browse_input_file)])
        self.labels_edit = self._path_row(
            form, 2, self.tr("Reference labels:"), "labelsEdit",
            self.tr("Optional: a folder with a label file CASE<ending> per case, for the "
                    "Dice. Leave empty to predict without a Dice."),
            [(self.tr("Folder…"), "labelsBrowse", self._browse_labels)])
        self.output_edit = self._path_row(
            form, 3, self.tr("Output folder:"), "outputEdit",
            self.tr("Where the predictions are written (created when missing)"),
            [(self.tr("Folder…"), "outputBrowse", self._browse_output)])
        layout.addLayout(form)

        options = QHBoxLayout()
        self.replace_check = QCheckBox(self.tr("Replace predictions already there (backup "
                                               "kept)"))
        self.replace_check.setObjectName("replacePredictionsCheck")
        self.replace_check.setToolTip(self.tr(
            "Predictions of these cases already in the output folder are moved to a backup "
            "folder next to it (OUTPUT.nnft-backup-<time>) before the run. Unticked, such a "
            "folder is refused."))
        self.replace_check.toggled.connect(self._inputs_changed)
        options.addWidget(self.replace_check)
        self.disable_tta_check = QCheckBox(self.tr("Faster: no mirroring (test-time "
                                                   "augmentation)"))
        self.disable_tta_check.setObjectName("disableTtaCheck")
        self.disable_tta_check.setToolTip(self.tr(
            "nnU-Net's --disable_tta: each case is predicted once instead of once per "
            "mirroring (4× faster in 2d, 8× in 3d), a little less accurate."))
        self.disable_tta_check.toggled.connect(self._inputs_changed)
        options.addWidget(self.disable_tta_check)
        options.addStretch(1)
        self.device_label = QLabel()
        self.device_label.setObjectName("predictionDevice")
        options.addWidget(self.device_label)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.setObjectName("checkPredictionButton")
        self.check_button.setToolTip(self.tr("Check the model, the images and the output "
                                             "folder without predicting"))
        self.check_button.clicked.connect(self.check)
        options.addWidget(self.check_button)
        self.predict_button = QPushButton(self.tr("Predict"))
        self.predict_button.setObjectName("predictButton")
        self.predict_button.clicked.connect(self.predict)
        options.addWidget(self.predict_button)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelPredictionButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        options.addWidget(self.cancel_button)
        layout.addLayout(options)

        self.problems_view = ProblemsView()
        layout.addWidget(self.problems_view)
        self.status_label = QLabel()
        self.status_label.setObjectName("predictionStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("useSplitter")
        self.console = LogConsole()
        splitter.addWidget(self.console)
        results = QWidget()
        row = QHBoxLayout(results)
        row.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        cases_title = QLabel(self.tr("Predicted cases"))
        left.addWidget(cases_title)
        self.case_list = QListWidget()
        self.case_list.setObjectName("predictedCasesList")
        self.case_list.currentItemChanged.connect(self._on_case_selected)
        left.addWidget(self.case_list, 1)
        self.volumes_label = QLabel()
        self.volumes_label.setObjectName("labelVolumes")
        self.volumes_label.setWordWrap(True)
        self.volumes_label.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.volumes_label)
        self.dice_label = QLabel()
        self.dice_label.setObjectName("predictionDice")
        self.dice_label.setWordWrap(True)
        self.dice_label.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.dice_label)
        holder = QWidget()
        holder.setLayout(left)
        holder.setMaximumWidth(320)
        row.addWidget(holder)
        self.preview = ImagePreview("predictionPreview", overlay_controls=True,
                                    patch_caption=False)
        self.preview.overlay_check.setText(self.tr("Prediction"))
        self.preview.show_message(self.tr("Predict, then choose a case to look at."))
        row.addWidget(self.preview, 1)
        splitter.addWidget(results)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

    def _path_row(self, grid: QGridLayout, row: int, title: str, name: str, tip: str,
                  buttons: list) -> QLineEdit:
        label = QLabel(title)
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setToolTip(tip)
        edit.setPlaceholderText(tip)
        edit.textEdited.connect(self._inputs_changed)
        label.setBuddy(edit)
        grid.addWidget(label, row, 0)
        grid.addWidget(edit, row, 1)
        for column, (text, button_name, slot) in enumerate(buttons, start=2):
            button = QPushButton(text)
            button.setObjectName(button_name)
            button.clicked.connect(slot)
            grid.addWidget(button, row, column)
            self._browse_buttons.append(button)
        return edit

    # -- the defaults --------------------------------------------------------------------------
    def initializePage(self) -> None:  # Qt override
        self.device_label.setText(self.tr("Device: {0}").format(self.state.options.device))
        ctx = self.state.context()
        if ctx is None:
            self.status_label.setText(self.tr("Choose a workspace and two datasets first."))
            return
        self.background.submit(prediction_defaults, ctx, on_done=self._show_defaults,
                               key=DEFAULTS_TASK)

    def _show_defaults(self, defaults: PredictionDefaults) -> None:
        """Fill the fields the user has not changed from the previous proposal."""
        previous = self._defaults
        self._defaults = defaults

        def fill(edit: QLineEdit, old: Path | None, new: Path | None) -> None:
            if not edit.text().strip() or (old is not None and edit.text() == str(old)):
                edit.setText(str(new) if new is not None else "")

        fill(self.model_edit, previous.model if previous else None, defaults.model)
        fill(self.input_edit, previous.images if previous else None, defaults.images)
        fill(self.labels_edit, previous.labels if previous else None, defaults.labels)
        fill(self.output_edit, previous.output if previous else None, defaults.output)

    # -- browsing ------------------------------------------------------------------------------
    def _start_folder(self, edit: QLineEdit) -> str:
        text = edit.text().strip()
        return str(Path(text).parent) if text else ""

    def _browse_model_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the model folder (…/<trainer>__<plans>__<config>) or one of "
                          "its fold folders"), self._start_folder(self.model_edit))
        self._set(self.model_edit, path)

    def _browse_model_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose an exported model zip"),
                                              self._start_folder(self.model_edit),
                                              self.tr("Zip files (*.zip)"))
        self._set(self.model_edit, path)

    def _browse_input_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose the folder of images"),
                                                self._start_folder(self.input_edit))
        self._set(self.input_edit, path)

    def _browse_input_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose one image"),
                                              self._start_folder(self.input_edit))
        self._set(self.input_edit, path)

    def _browse_labels(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose the reference labels"),
                                                self._start_folder(self.labels_edit))
        self._set(self.labels_edit, path)

    def _browse_output(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the output folder"), self._start_folder(self.output_edit))
        self._set(self.output_edit, path)

    def _set(self, edit: QLineEdit, path: str) -> None:
        if path:
            edit.setText(path)
            self._inputs_changed()

    def _inputs_changed(self, *_args) -> None:
        """A field changed: the last check no longer holds."""
        self.plan = None
        if not self.is_running():
            self.predict_button.setEnabled(True)

    # -- checking ------------------------------------------------------------------------------
    def _plan_arguments(self) -> tuple[tuple, str | None]:
        """``plan_prediction``'s arguments from the fields; the second item names an empty
        required field."""
        fields = {self.tr("model"): self.model_edit, self.tr("images"): self.input_edit,
                  self.tr("output folder"): self.output_edit}
        empty = next((name for name, edit in fields.items() if not edit.text().strip()), None)
        labels = self.labels_edit.text().strip() or None
        return ((self.model_edit.text().strip(), self.input_edit.text().strip(),
                 self.output_edit.text().strip(), self.state.options.device, labels,
                 self.replace_check.isChecked(), self.disable_tta_check.isChecked()), empty)

    def check(self) -> TaskHandle | None:
        """Run the preflight in a worker thread; its problems are shown when it is back."""
        arguments, empty = self._plan_arguments()
        if empty is not None:
            self.status_label.setText(self.tr("Give the {0} first.").format(empty))
            self._predict_after_check = False
            return None
        self.status_label.setText(self.tr("Checking the model and the images …"))
        self.check_button.setEnabled(False)
        return self.background.submit(_plan, *arguments, on_done=self._show_plan,
                                      on_error=self._check_failed, key=PLAN_TASK)

    def _page_problems(self, plan: PredictionPlan) -> list[Problem]:
        """core's problems, with the fix of an existing output in this page's words (core's
        names the CLI's --overwrite; here it is the Replace box)."""
        problems = []
        for problem in plan.problems:
            if problem.code == P.PREDICTION_EXISTS and problem.is_error:
                problem = dataclasses.replace(problem, fix=self.tr(
                    "Choose another output folder, or tick \"Replace predictions already there "
                    "(backup kept)\": the old files are then moved to a backup folder next to "
                    "it ({0}.nnft-backup-<time>) first.").format(
                        Path(str(plan.output_dir)).name))
            problems.append(problem)
        return problems

    def _show_plan(self, plan: PredictionPlan) -> None:
        self.check_button.setEnabled(not self.is_running())
        self.plan = plan
        self.problems_view.set_problems(self._page_problems(plan))
        if not plan.ok:
            self._predict_after_check = False
            self.status_label.setText(self.tr("✗ Not ready: see the problems above."))
            return
        assert plan.model is not None
        self.status_label.setText(self.tr(
            "✓ Ready: {0} case(s), model fold(s) {1}, on {2}.").format(
                len(plan.cases), ", ".join(plan.model.folds), plan.device))
        if self._predict_after_check:
            self._predict_after_check = False
            self._start(plan)

    def _check_failed(self, error: BaseException, details: str) -> None:
        self.check_button.setEnabled(not self.is_running())
        self._predict_after_check = False
        self.status_label.setText(self.tr("✗ The check failed: {0}").format(error))

    # -- predicting ----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.run is not None and self.run.running

    def predict(self) -> TaskHandle | None:
        """Check again (the disk may have changed), then predict when nothing is wrong."""
        if self.is_running():
            return None
        self._predict_after_check = True
        return self.check()

    def _start(self, plan: PredictionPlan) -> None:
        self.result = None
        self.case_list.clear()
        self.volumes_label.clear()
        self.dice_label.clear()
        self.preview.show_message(self.tr("Predicting …"))
        self.console.clear()
        assert plan.model is not None
        self.console.append_line(self.tr("Predicting {0} case(s) with {1}, fold(s) {2}, on {3}; "
                                         "the log: {4}").format(
            len(plan.cases), plan.model.path, ", ".join(plan.model.folds), plan.device,
            Path(str(plan.output_dir)) / LOG_NAME))
        self.run = PredictionJob(PredictionRun(plan), self)
        self.run.line_received.connect(self.console.append_line)
        self.run.finished.connect(self._finished)
        self.run.start()
        self._set_running(True)  # after start(): isComplete() now says "running"
        self.status_label.setText(self.tr("Predicting … (nnU-Net's output below)"))

    def cancel(self) -> None:
        if self.is_running():
            assert self.run is not None
            self.run.cancel()
            self.status_label.setText(self.tr("Cancelling …"))
            self.cancel_button.setEnabled(False)

    def _set_running(self, running: bool) -> None:
        for widget in (self.predict_button, self.check_button, self.model_edit,
                       self.input_edit, self.labels_edit, self.output_edit,
                       self.replace_check, self.disable_tta_check, *self._browse_buttons):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.completeChanged.emit()

    def _finished(self) -> None:
        job = self.run
        assert job is not None
        self._set_running(False)
        result = job.result
        plan = job.prediction.plan
        self.plan = None  # the output folder changed: a new run is checked again
        self.preview.show_message(self.tr("Nothing to look at: the prediction did not finish."))
        if job.crash is not None or result is None:
            self.status_label.setText(self.tr("✗ The prediction failed unexpectedly:\n{0}")
                                      .format(job.crash))
            return
        self.result = result
        if result.cancelled:
            self.status_label.setText(self.tr("Cancelled. Predictions already written stay "
                                              "in {0}.").format(plan.output_dir))
            return
        if not result.ok:
            what = result.error or next((r.error or self.tr("exit status {0}").format(
                r.exit_code) for r in result.runs if not r.ok), "")
            self.status_label.setText(self.tr(
                "✗ The prediction failed: {0}. nnU-Net's output is above and in {1}.").format(
                    what, Path(str(plan.output_dir)) / LOG_NAME))
            return
        backup = (self.tr(" Earlier predictions were moved to {0}.").format(result.backup)
                  if result.backup else "")
        self.status_label.setText(self.tr("✓ {0} prediction(s) in {1}.").format(
            len(result.outputs), plan.output_dir) + backup)
        model = plan.model
        assert model is not None
        self.preview.set_label_names({v: n for n, v in model.labels.items()})
        self._show_dice(result)
        for image, prediction in result.outputs.items():
            item = QListWidgetItem(prediction.name.removesuffix(model.file_ending))
            item.setData(Qt.ItemDataRole.UserRole, (image, prediction))
            item.setToolTip(str(prediction))
            self.case_list.addItem(item)
        if self.case_list.count():
            self.case_list.setCurrentRow(0)

    def _show_dice(self, result: PredictionResult) -> None:
        plan = self.run.prediction.plan if self.run is not None else None
        if plan is None or plan.model is None or result.summary is None:
            self.dice_label.setText(self.tr("No reference labels given: no Dice."))
            return
        mean = self.tr("mean")  # not in the f-string: lupdate skips those
        rows = [f"<tr><td>{html.escape(name if name != 'mean' else mean)}</td>"
                f"<td align='right'>{'–' if value is None else f'{value:.3f}'}</td></tr>"
                for name, value in result.dice(plan.model).items()]
        self.dice_label.setText(
            "<b>" + html.escape(self.tr("Dice vs the reference labels (nnU-Net's evaluation, "
                                        "mean over the cases)")) + "</b><table>"
            + "".join(rows) + "</table>")

    # -- looking -------------------------------------------------------------------------------
    def _on_case_selected(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None or self.run is None:
            return
        image, prediction = item.data(Qt.ItemDataRole.UserRole)
        model = self.run.prediction.plan.model
        assert model is not None
        self.preview.load(item.text(), Path(image), Path(prediction))
        self.volumes = {}
        self.volumes_label.setText(self.tr("Counting the label volumes …"))
        name = item.text()
        self.background.submit(label_volumes_ml, Path(prediction), model.labels,
                               on_done=lambda volumes: self._show_volumes(name, volumes),
                               on_error=self._volumes_failed, key=VOLUMES_TASK)

    def _show_volumes(self, case: str, volumes: dict[str, float]) -> None:
        self.volumes = volumes
        rows = [f"<tr><td>{html.escape(name)}</td><td align='right'>{value:.2f} mL</td></tr>"
                for name, value in volumes.items()]
        self.volumes_label.setText(
            "<b>" + html.escape(self.tr("Volumes in {0} (voxels × voxel volume)").format(case))
            + "</b><table>" + "".join(rows) + "</table>")

    def _volumes_failed(self, error: BaseException, details: str) -> None:
        self.volumes_label.setText(self.tr("The volumes could not be counted: {0}")
                                   .format(error))

    def isComplete(self) -> bool:  # Qt override
        return not self.is_running() and next_page_available(self.state, "use")


def _plan(model: str, images: str, output: str, device: str, labels: str | None,
          overwrite: bool, disable_tta: bool) -> PredictionPlan:
    """core's preflight with the page's fields (worker thread)."""
    return plan_prediction(model, images, output, device=device, labels_dir=labels,
                           overwrite=overwrite, disable_tta=disable_tta)
