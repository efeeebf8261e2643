"""The results page: did the pretraining help?

nnU-Net's real validation Dice (``validation/summary.json``) of the fine-tuned model and of the
from-scratch baseline, per class and their mean, with the verdict in plain words; both runs' EMA
pseudo dice per epoch, and how many epochs each took to reach 90 % of its final value. The
figures are core's (:func:`nnft.core.evaluation.comparison_from_context`), read in a worker
thread (summary files, training logs) — never on the GUI thread. "Save report…" writes core's
run report (:func:`nnft.core.report.write_report`) in a worker thread too, and "Export model…"
the fine-tuned fold as nnU-Net's zip with a model card (:func:`nnft.core.model_export.
export_model`), once its ``checkpoint_final.pth`` is whole and nnU-Net validated it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core.evaluation import Comparison, comparison_from_context, verdict
from nnft.core.steps import ChainContext, checkpoint_complete
from nnft.core.wizard_state import WizardState, next_page_available
from nnft.gui.background import REFUSE, BackgroundTasks, TaskHandle
from nnft.gui.language import core_text

if TYPE_CHECKING:
    from nnft.core.model_export import ExportResult
    from nnft.gui.widgets.dice_comparison import DiceComparisonPlots

#: Background task keys: the latest read of the results wins; one report (and one export)
#: written at a time.
RESULTS_TASK, REPORT_TASK, EXPORT_TASK = "results", "report", "export"
FINETUNED, BASELINE = "finetuned", "baseline"


@dataclass(frozen=True)
class ResultsRead:
    """One read of the two runs' results (made in a worker thread).

    Attributes
    ----------
    comparison
        core's comparison of the chain's fold (fine-tuned vs from scratch).
    verdict
        core's verdict on it, in plain words.
    trained
        Role (``finetuned``, ``baseline``) → its ``checkpoint_final.pth`` is whole: a missing
        summary is then made by "Finish validation", else by training first.
    """

    comparison: Comparison
    verdict: str
    trained: dict[str, bool]


def read_results(ctx: ChainContext) -> ResultsRead:
    """Read the summaries and training logs of the chain's fold (worker thread)."""
    comparison = comparison_from_context(ctx)
    trained = {role: checkpoint_complete(folder / "checkpoint_final.pth")
               for role, folder in ((FINETUNED, ctx.finetune_fold_dir),
                                    (BASELINE, ctx.baseline_fold_dir))}
    return ResultsRead(comparison, verdict(comparison), trained)


def write_report_file(ctx: ChainContext, output: Path) -> Path:
    """Write the run report to ``output`` (worker thread). The file dialog asked before an
    existing file is replaced; core keeps a backup of it in nnFT's backups folder."""
    from nnft.core.report import write_report  # matplotlib: loaded only when asked

    return write_report(ctx, output, overwrite=True)


def export_finetuned_model(ctx: ChainContext, output: Path) -> ExportResult:
    """Export the chain's fine-tuned fold as nnU-Net's zip with a model card (worker thread).

    The file dialog asked before an existing file is replaced; core backs it up first."""
    from nnft.core.model_export import export_model  # torch: loaded only when asked

    return export_model(ctx.workspace, ctx.finetune.name, output,
                        configuration=ctx.options.configuration, folds=[ctx.options.fold],
                        trainer=ctx.finetune_trainer, overwrite=output.exists())


class ResultsPage(QWizardPage):
    """Fine-tuned vs from-scratch: real Dice as bars, the verdict, both runs' curves."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.result: ResultsRead | None = None  # the last read
        self.background = BackgroundTasks(self, name="nnft-results")
        self.setObjectName("resultsPage")
        self.setTitle(self.tr("Results: did the pretraining help?"))
        self.setSubTitle(self.tr(
            "nnU-Net's real validation Dice (validation/summary.json) of the fine-tuned model "
            "and of the same training from scratch."))
        layout = QVBoxLayout(self)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("resultsVerdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setStyleSheet("font-size: 11pt")
        layout.addWidget(self.verdict_label)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("resultsMissing")
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color: #8a5a00")
        layout.addWidget(self.missing_label)
        buttons = QHBoxLayout()
        self.add_baseline_button = QPushButton(self.tr("Add a from-scratch baseline…"))
        self.add_baseline_button.setObjectName("addBaselineButton")
        self.add_baseline_button.setToolTip(self.tr(
            "Go back to the fine-tuning page with \"Also train a from-scratch baseline\" "
            "ticked; Next then leads to the baseline page."))
        self.add_baseline_button.clicked.connect(self.add_baseline)
        buttons.addWidget(self.add_baseline_button)
        buttons.addStretch(1)
        self.report_status = QLabel()
        self.report_status.setObjectName("reportStatus")
        self.report_status.setWordWrap(True)
        buttons.addWidget(self.report_status, 2)
        self.save_report_button = QPushButton(self.tr("Save report…"))
        self.save_report_button.setObjectName("saveReportButton")
        self.save_report_button.setToolTip(self.tr(
            "One self-contained HTML file to share: the datasets and the direction, the plans "
            "and checkpoint checksums, every command with its exit status and duration, the "
            "versions, the curves and this comparison."))
        self.save_report_button.clicked.connect(self.save_report)
        buttons.addWidget(self.save_report_button)
        self.export_button = QPushButton(self.tr("Export model…"))
        self.export_button.setObjectName("exportModelButton")
        self.export_button.clicked.connect(self.export_model)
        self._update_export_button()
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self.export_status = QLabel()
        self.export_status.setObjectName("exportStatus")
        self.export_status.setWordWrap(True)
        self.export_status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_status.hide()
        layout.addWidget(self.export_status)
        self.epochs_label = QLabel()
        self.epochs_label.setObjectName("resultsEpochsTo90")
        self.epochs_label.setWordWrap(True)
        layout.addWidget(self.epochs_label)
        self.notes_label = QLabel()
        self.notes_label.setObjectName("resultsNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #555")
        layout.addWidget(self.notes_label)
        self.plots_holder = QVBoxLayout()
        layout.addLayout(self.plots_holder, 1)
        # pyqtgraph (~0.5 s to import) is loaded when the page is first shown.
        self._plots: DiceComparisonPlots | None = None
        self._show_nothing_yet()

    @property
    def plots(self) -> DiceComparisonPlots:
        if self._plots is None:
            from nnft.gui.widgets.dice_comparison import DiceComparisonPlots as Plots

            self._plots = Plots()
            self.plots_holder.addWidget(self._plots)
        return self._plots

    # -- reading --------------------------------------------------------------------------------
    def initializePage(self) -> None:  # Qt override
        self.setTitle(self.tr("Results: did the model's weights help?") if self.state.from_model
                      else self.tr("Results: did the pretraining help?"))
        self.plots  # noqa: B018 - made (pyqtgraph imported) as the page is first shown
        self.reload()

    def reload(self) -> TaskHandle | None:
        """Read the results again (in a worker thread); :meth:`show_results` shows them."""
        ctx = self.state.context()
        if ctx is None:
            self.result = None
            self._show_nothing_yet()
            self.verdict_label.setText(self.tr("Choose a workspace and two datasets first."))
            return None
        self.verdict_label.setText(self.tr("Reading the validation results …"))
        return self.background.submit(read_results, ctx, on_done=self.show_results,
                                      on_error=self._on_read_failed, key=RESULTS_TASK)

    def _show_nothing_yet(self) -> None:
        self.missing_label.clear()
        self.missing_label.hide()
        self.add_baseline_button.hide()
        self.epochs_label.clear()
        self.notes_label.clear()

    def _on_read_failed(self, error: BaseException, details: str) -> None:
        self.verdict_label.setText(self.tr("The results could not be read: {0}").format(error))

    # -- showing --------------------------------------------------------------------------------
    def show_results(self, result: ResultsRead) -> None:
        """Show one read: the verdict, what is missing, the bars and the curves."""
        self.result = result
        c = result.comparison
        fold = c.fold
        finetuned_name, baseline_name = self.tr("fine-tuned"), self.tr("from scratch")
        if c.missing and c.mean.finetuned is not None:
            self.verdict_label.setText(self.tr(
                "Fine-tuned: mean Dice {0:.3f} on fold {1}. Not comparable yet: what is "
                "missing is said below.").format(c.mean.finetuned, fold))
        elif c.missing:
            self.verdict_label.setText(self.tr(
                "Not comparable yet (fold {0}): what is missing is said below.").format(fold))
        else:
            # core's verdict: the mean difference, both means, and what one fold (or the
            # spread of several) allows to say.
            self.verdict_label.setText("<b>" + html.escape(core_text(result.verdict)).replace(
                "\n", "<br>") + "</b>")
        missing = [self._missing_text(m.role, str(m.fold_dir), result.trained.get(m.role, False))
                   for m in c.missing]
        self.missing_label.setText("\n".join(missing))
        self.missing_label.setVisible(bool(missing))
        no_baseline = any(m.role == BASELINE for m in c.missing) and \
            not self.state.options.baseline
        self.add_baseline_button.setVisible(no_baseline)
        self._update_export_button()
        reached = c.epochs_to_90
        curves = c.curves
        self.epochs_label.setText(self.tr(
            "Epochs until the EMA pseudo dice first reached 90 % of its final value: {0}, "
            "{1}. The pseudo dice is nnU-Net's estimate during training, on random patches: "
            "it shows speed, not quality.").format(
                self._epochs(finetuned_name, reached.get(FINETUNED), curves.get(FINETUNED)),
                self._epochs(baseline_name, reached.get(BASELINE), curves.get(BASELINE))))
        self.notes_label.setText("\n".join(core_text(note) for note in c.notes))
        names = [row.name for row in c.classes] + [self.tr("mean")]
        self.plots.set_dice(names, [row.finetuned for row in c.classes] + [c.mean.finetuned],
                            [row.baseline for row in c.classes] + [c.mean.baseline],
                            (finetuned_name, baseline_name))
        self.plots.set_curves(
            [(r.epoch + 1, r.ema_pseudo_dice) for r in curves.get(FINETUNED, [])
             if r.ema_pseudo_dice is not None],
            [(r.epoch + 1, r.ema_pseudo_dice) for r in curves.get(BASELINE, [])
             if r.ema_pseudo_dice is not None],
            (reached.get(FINETUNED), reached.get(BASELINE)),
            (finetuned_name, baseline_name))
        self.completeChanged.emit()

    def _epochs(self, name: str, reached: int | None, records: list | None) -> str:
        """``fine-tuned 3 (of 5)``; a run without epochs logged, or without a final EMA,
        says so."""
        if not records:
            return self.tr("{0}: no epochs logged").format(name)
        if reached is None:
            return self.tr("{0}: not known (no EMA pseudo dice above 0)").format(name)
        return self.tr("{0} {1} (of {2})").format(name, reached, len(records))

    def _missing_text(self, role: str, fold_dir: str, trained: bool) -> str:
        """What is missing, and which page makes it."""
        options = self.state.options
        if trained and options.is_quick_trial and not options.final_validation:
            # The run is done as asked: its page offers "Finish validation" only once the
            # final validation is wanted again.
            page = self.tr("fine-tuning") if role == FINETUNED else self.tr("baseline")
            return self.tr(
                "The {0} ran as a quick trial without nnU-Net's final validation, so there is "
                "no validation/summary.json ({1}). Tick \"final validation\" on the "
                "fine-tuning page; \"Finish validation\" on the {0} page then makes it.").format(
                    page, fold_dir)
        if role == FINETUNED:
            if trained:
                return self.tr(
                    "The fine-tuning has no validation/summary.json yet ({0}): \"Finish "
                    "validation\" on the fine-tuning page makes it.").format(fold_dir)
            return self.tr("The fine-tuning has not finished ({0}): finish it on the "
                           "fine-tuning page.").format(fold_dir)
        if not self.state.options.baseline:
            return self.tr(
                "There is no from-scratch baseline to compare with: without one, nothing "
                "says whether the pretraining helped. \"Add a from-scratch baseline…\" goes "
                "back to the fine-tuning page to tick it.")
        if trained:
            return self.tr(
                "The baseline has no validation/summary.json yet ({0}): \"Finish validation\" "
                "on the baseline page makes it.").format(fold_dir)
        return self.tr("The baseline has not been trained yet ({0}): train it on the "
                       "baseline page (Back).").format(fold_dir)

    # -- the report ----------------------------------------------------------------------------
    def report_default_path(self) -> str:
        """Where "Save report…" proposes to save: in the workspace (the folder that holds the
        three nnU-Net folders)."""
        ws = self.state.workspace
        folder = ws.results.parent if ws is not None and ws.results is not None else None
        return str(folder / "nnft_report.html") if folder is not None else "nnft_report.html"

    def save_report(self) -> TaskHandle | None:
        """Ask where, then write the report in a worker thread; returns its task (None when
        nothing was started)."""
        ctx = self.state.context()
        if ctx is None or self.background.is_busy(REPORT_TASK):
            return None
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"),
                                              self.report_default_path(),
                                              self.tr("HTML files (*.html)"))
        if not path:
            return None
        handle = self.background.submit(write_report_file, ctx, Path(path),
                                        on_done=self._report_saved,
                                        on_error=self._report_failed, key=REPORT_TASK,
                                        when_busy=REFUSE)
        if handle is not None:
            self.save_report_button.setEnabled(False)
            self.save_report_button.setText(self.tr("Saving…"))
            self.report_status.setText(self.tr("Writing the report …"))
        return handle

    def _report_done(self) -> None:
        self.save_report_button.setEnabled(True)
        self.save_report_button.setText(self.tr("Save report…"))

    def _report_saved(self, path: Path) -> None:
        self._report_done()
        self.report_status.setStyleSheet("color: #2e7d32")
        self.report_status.setText(self.tr("✓ Report saved: {0}").format(path))

    def _report_failed(self, error: BaseException, details: str) -> None:
        self._report_done()
        self.report_status.setStyleSheet("color: #b3261e")
        self.report_status.setText(self.tr("✗ The report could not be written: {0}")
                                   .format(error))

    # -- exporting the model ----------------------------------------------------------------------
    def model_exportable(self) -> bool:
        """The last read found the fine-tuning's checkpoint_final.pth whole and its
        validation/summary.json there (nnU-Net's exporter needs both)."""
        result = self.result
        return (result is not None and result.trained.get(FINETUNED, False)
                and not any(m.role == FINETUNED for m in result.comparison.missing))

    def _update_export_button(self) -> None:
        busy = self.background.is_busy(EXPORT_TASK)
        self.export_button.setEnabled(self.model_exportable() and not busy)
        if self.model_exportable():
            self.export_button.setToolTip(self.tr(
                "The fine-tuned model as nnU-Net's zip with a model card, to hand on: it "
                "installs with stock nnUNetv2_install_pretrained_model_from_zip and predicts "
                "without nnFT."))
        else:
            self.export_button.setToolTip(self.tr(
                "Available once the fine-tuning is finished and validated (a whole "
                "checkpoint_final.pth and validation/summary.json)."))

    def export_default_path(self) -> str:
        """``<fine-tuning dataset>_<plans>_<configuration>.zip`` in the workspace (next to
        nnUNet_results)."""
        ctx = self.state.context()
        if ctx is None:
            return "model.zip"
        name = f"{ctx.finetune.name}_{ctx.options.finetune_plans}_{ctx.options.configuration}.zip"
        results = ctx.workspace.results
        return str(results.parent / name) if results is not None else name

    def export_model(self) -> TaskHandle | None:
        """Ask where (a save dialog), then export in a worker thread."""
        if not self.model_exportable() or self.background.is_busy(EXPORT_TASK):
            return None
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the fine-tuned model"),
                                              self.export_default_path(),
                                              self.tr("Zip files (*.zip)"))
        if not path:
            return None
        return self.export_model_to(Path(path))

    def export_model_to(self, output: Path) -> TaskHandle | None:
        """Export the chain's fine-tuned fold to ``output`` in a worker thread; an existing
        ``output`` is replaced (backed up first: the save dialog asked)."""
        ctx = self.state.context()
        if ctx is None:
            return None
        handle = self.background.submit(export_finetuned_model, ctx, output,
                                        on_done=self._exported, on_error=self._export_failed,
                                        key=EXPORT_TASK, when_busy=REFUSE)
        if handle is not None:
            self.export_button.setEnabled(False)
            self.export_button.setText(self.tr("Exporting…"))
            self.export_status.setStyleSheet("")
            self.export_status.setText(self.tr("Exporting the fine-tuned model (fold {0}) to "
                                               "{1} …").format(ctx.options.fold, output))
            self.export_status.show()
        return handle

    def _export_done(self) -> None:
        self.export_button.setText(self.tr("Export model…"))
        self._update_export_button()

    def _exported(self, result: ExportResult) -> None:
        self._export_done()
        self.export_status.setStyleSheet("color: #2e7d32")
        text = self.tr("✓ Model exported: {0}. The model card is inside the zip: {1}/"
                       "model_card.md (and model_card.json).").format(result.output,
                                                                     result.folder_in_zip)
        if result.backup is not None:
            text += self.tr(" The earlier file was backed up to {0}.").format(result.backup)
        self.export_status.setText(text)

    def _export_failed(self, error: BaseException, details: str) -> None:
        from nnft.core.model_export import ModelExportError

        self._export_done()
        self.export_status.setStyleSheet("color: #b3261e")
        if isinstance(error, ModelExportError):
            self.export_status.setText(self.tr("✗ The model was not exported: {0}\nFix: {1}")
                                       .format(core_text(error.message),
                                               core_text(error.fix)))
        else:
            self.export_status.setText(self.tr("✗ The model was not exported: {0}")
                                       .format(error))

    # -- going back for a baseline ---------------------------------------------------------------
    def add_baseline(self) -> None:
        """Tick the baseline and go back to the fine-tuning page (Next leads to the baseline
        page from there)."""
        self.state.with_options(baseline=True)
        wizard = self.wizard()
        if wizard is None:
            return
        while wizard.currentPage() is not None and \
                wizard.currentPage().objectName() != "finetunePage":
            before = wizard.currentId()
            wizard.back()
            if wizard.currentId() == before:
                break
        page = wizard.currentPage()
        if page is not None and hasattr(page, "finetune_options") and page.finetune_options:
            page.finetune_options.load()  # show the box ticked
            page.completeChanged.emit()  # Next now leads to the baseline page

    def isComplete(self) -> bool:  # Qt override
        return next_page_available(self.state, "results")
