"""The last page: what was done, where the results are, and the chain as a copyable script."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core.steps import ChainContext, build_chain, export_bash
from nnft.core.wizard_state import WizardState
from nnft.gui.language import core_text
from nnft.gui.texts import preset_texts


class SummaryPage(QWizardPage):
    """Read-only summary with the exact commands as a bash script."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("summaryPage")
        self.setTitle(self.tr("Summary"))
        self.setSubTitle(self.tr("What was done and where the results are. The script runs the "
                                 "same commands without the wizard (e.g. on a cluster)."))
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("summaryText")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(self.summary.textInteractionFlags()
                                             | self.summary.textInteractionFlags()
                                             .TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.script = QPlainTextEdit()
        self.script.setObjectName("scriptText")
        self.script.setReadOnly(True)
        self.script.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.script, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Copy script"))
        self.copy_button.setObjectName("copyScriptButton")
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.script.toPlainText()))
        self.save_button = QPushButton(self.tr("Save script…"))
        self.save_button.setObjectName("saveScriptButton")
        self.save_button.clicked.connect(self._save)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def nextId(self) -> int:  # Qt override
        return -1  # the last page (the Cluster page, id 7, is opened from the training pages)

    def initializePage(self) -> None:  # Qt override
        ctx = self.state.context()
        if ctx is None:
            self.summary.setText(self.tr("Choose a workspace and two datasets (or a "
                                         "fine-tuning dataset and a model) first."))
            self.script.clear()
            return
        steps = build_chain(ctx)
        # The words are translated outside the f-string: lupdate does not look inside one.
        done, not_done = escape(self.tr("done")), escape(self.tr("not done"))
        rows = "".join(
            f"<tr><td>{i}.</td><td>{escape(core_text(s.title))}</td><td><b>"
            f"{done if s.is_done() else not_done}</b></td></tr>"
            for i, s in enumerate(steps, 1))
        self.summary.setText(
            "<p>" + escape(self.chain_line(ctx)) + "</p>"
            f"<table cellspacing='4'>{rows}</table>"
            "<p>" + escape(self.weights_line(ctx))
            + "<br>" + escape(self.preset_line(ctx))
            + "<br>" + escape(self.tr("Fine-tuned model: {0}").format(ctx.finetune_fold_dir))
            + ("<br>" + escape(self.tr("Trained from scratch for comparison (baseline): {0}")
                               .format(ctx.baseline_fold_dir)) if ctx.options.baseline else "")
            + "</p>")
        self.script.setPlainText(export_bash(ctx, build_chain(ctx, fresh=True)))

    def chain_line(self, ctx: ChainContext) -> str:
        """Where the weights come from, the fine-tuning dataset, configuration and plans."""
        if ctx.source_model is not None:
            return self.tr("Model: {0} · fine-tuning dataset: {1} · configuration {2} (the "
                           "model's) · the model's plans in your dataset as '{3}'").format(
                ctx.source_name, ctx.finetune.name, ctx.options.configuration,
                ctx.options.plans_name)
        return self.tr("Pretraining dataset: {0} · fine-tuning dataset: {1} · configuration "
                       "{2} · transferred plans '{3}'").format(
            ctx.pretrain.name, ctx.finetune.name, ctx.options.configuration,
            ctx.options.plans_name)

    def weights_line(self, ctx: ChainContext) -> str:
        """The checkpoint the fine-tuning starts from."""
        if ctx.source_model is not None:
            return self.tr("Weights of the model {0}, from nnFT's copy {1} (imported from "
                           "{2})").format(ctx.source_name, ctx.pretrained_checkpoint,
                                          ctx.source_model.given)
        return self.tr("Pretrained weights: {0}").format(ctx.pretrained_checkpoint)

    def preset_line(self, ctx: ChainContext) -> str:
        """How the fine-tuning trains: the preset, with its frozen epochs."""
        label = preset_texts().get(ctx.options.finetune_preset, (ctx.options.finetune_preset,))[0]
        freeze = ctx.freeze_epochs
        if freeze is not None:
            label += " · " + self.tr("frozen epochs: {0}").format(freeze)
        return self.tr("Fine-tuning preset: {0} (trainer {1})").format(
            label, ctx.finetune_trainer)

    def script_default_path(self) -> str:
        """Where "Save script…" proposes to save: in the workspace (the folder that holds the
        three nnU-Net folders), not in whatever folder the wizard was started from."""
        ws = self.state.workspace
        folder = ws.results.parent if ws is not None and ws.results is not None else None
        return str(folder / "nnft_chain.sh") if folder is not None else "nnft_chain.sh"

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save script"),
                                              self.script_default_path(),
                                              self.tr("Shell scripts (*.sh)"))
        if path:
            from pathlib import Path

            from nnft.core.safety import atomic_write_text

            atomic_write_text(Path(path), self.script.toPlainText())
