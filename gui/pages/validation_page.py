"""Page 4: validate the transferred plans before any weights move.

Shows the fine-tuning plans next to the plans the pretraining dataset received, says whether the
pretrained weights will load (architecture identical), and previews one case of each dataset
with a training patch drawn to scale. All decisions come from :mod:`nnft.core.preview`.

Starting from a trained model, the side by side is the model's plans next to the plans the
fine-tuning dataset received, and a second table puts the model's plans against the dataset's
own data (:func:`nnft.core.model_fit.model_fit`: channels, normalization, spacing,
intensities, labels), read in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core import preview as pv
from nnft.core.model_fit import FitRow, model_fit
from nnft.core.plans import resolved_configuration
from nnft.core.problems import Problem
from nnft.core.steps import ChainContext, fingerprint_finetune_done, load_json, step_number
from nnft.core.wizard_state import WizardState
from nnft.gui.background import SUPERSEDE, BackgroundTasks
from nnft.gui.language import core_text
from nnft.gui.widgets.image_preview import ImagePreview
from nnft.gui.widgets.model_fit_table import ModelFitTable
from nnft.gui.widgets.plans_table import PlansTable
from nnft.gui.widgets.problems_view import ProblemsView

#: Background task key: comparing the model with the fine-tuning dataset (latest wins).
FIT_TASK = "model-fit"


@dataclass(frozen=True)
class ModelFitResult:
    """The model's plans against the fine-tuning dataset (see :func:`read_model_fit`)."""

    rows: list[FitRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The dataset's fingerprint was there (else spacing and intensities are not compared).
    fingerprint: bool = False


def read_model_fit(ctx: ChainContext) -> ModelFitResult:
    """Compare the chain's model with its fine-tuning dataset: the dataset.json, and the
    fingerprint once the preparation extracted it. Reads the disk (the fingerprint lists every
    case), so it runs in a worker thread."""
    fingerprint = (load_json(ctx.finetune_preprocessed / "dataset_fingerprint.json")
                   if fingerprint_finetune_done(ctx) else None)
    model = ctx.model
    rows, problems = model_fit(model.plans, model.dataset_json, model.configuration,
                               ctx.finetune.name, ctx.finetune.dataset_json or {}, fingerprint)
    return ModelFitResult(rows, problems, fingerprint is not None)

_GREEN = ("#e3f4e5", "#1b5e20", "#7cc283")
_RED = ("#fbe0dd", "#8c1d13", "#e08a80")
_AMBER = ("#fff1d6", "#5c3d00", "#e8bd66")


def _banner_style(colors: tuple[str, str, str]) -> str:
    background, text, border = colors
    return (f"QLabel {{ background: {background}; color: {text}; border: 1px solid {border}; "
            "border-radius: 4px; padding: 8px; }")


class ValidationPage(QWizardPage):
    """Side-by-side plans, an architecture verdict, and two image previews."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.rows: list[pv.PlansRow] = []
        self._verdict: pv.ArchitectureVerdict | None = None
        self.fit: ModelFitResult | None = None  # the model chain's last comparison
        self.background = BackgroundTasks(self, name="nnft-validation")
        self.setObjectName("validationPage")
        self.setTitle(self.tr("Validate transferred plans"))
        self._set_subtitle(False)

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("architectureVerdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.verdict_label, 1)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setObjectName("reloadValidationButton")
        self.reload_button.setToolTip(self.tr("Read the plans files and images again"))
        self.reload_button.clicked.connect(self.reload)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.notes_label = QLabel()
        self.notes_label.setObjectName("validationNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.RichText)
        self.notes_label.setStyleSheet(_banner_style(_AMBER))
        self.notes_label.setVisible(False)
        layout.addWidget(self.notes_label)

        self.files_label = QLabel()
        self.files_label.setObjectName("comparedFiles")
        self.files_label.setWordWrap(True)
        self.files_label.setTextFormat(Qt.TextFormat.RichText)
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.files_label.setStyleSheet("color: #555")
        layout.addWidget(self.files_label)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("validationSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.table = PlansTable()
        self.splitter.addWidget(self.table)
        previews = QWidget()
        previews.setObjectName("previewsPanel")
        row = QHBoxLayout(previews)
        row.setContentsMargins(0, 4, 0, 0)
        row.setSpacing(12)
        self.pretrain_preview = ImagePreview("pretrainPreview")
        self.finetune_preview = ImagePreview("finetunePreview")
        # From a model, the model's fit to your data takes the pretraining preview's place.
        self.fit_panel = QWidget()
        self.fit_panel.setObjectName("modelFitPanel")
        fit_layout = QVBoxLayout(self.fit_panel)
        fit_layout.setContentsMargins(0, 0, 0, 0)
        self.fit_title = QLabel()
        self.fit_title.setObjectName("modelFitTitle")
        self.fit_title.setWordWrap(True)
        self.fit_title.setTextFormat(Qt.TextFormat.RichText)
        fit_layout.addWidget(self.fit_title)
        self.fit_table = ModelFitTable()
        fit_layout.addWidget(self.fit_table, 1)
        self.fit_problems = ProblemsView()
        self.fit_problems.setObjectName("modelFitProblems")
        fit_layout.addWidget(self.fit_problems)
        self.fit_panel.setVisible(False)
        row.addWidget(self.pretrain_preview, 1)
        row.addWidget(self.fit_panel, 3)
        row.addWidget(self.finetune_preview, 1)
        self._previews_row = row
        self.splitter.addWidget(previews)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 300])
        layout.addWidget(self.splitter, 1)

        self.legend_label = QLabel(self.legend_text())
        self.legend_label.setObjectName("validationLegend")
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)
        layout.addWidget(self.legend_label)

    # -- texts ----------
    def _set_subtitle(self, from_model: bool) -> None:
        self.setSubTitle(self.tr(
            "Your dataset is prepared with the model's plans. Check that the architecture is "
            "the model's (so its weights load), how the model's plans fit your data, and what "
            "one training patch covers.") if from_model else self.tr(
            "Pretraining uses the fine-tuning dataset's plans. Check that the architecture is "
            "identical (so the pretrained weights load) and what one training patch covers."))

    def legend_text(self, show_own: bool = False) -> str:
        def chip(colors: tuple[str, str, str], text: str) -> str:
            return (f"<span style='background:{colors[0]}; color:{colors[1]}'>"
                    f"&nbsp;{escape(text)}&nbsp;</span>")

        chips = [chip(_GREEN, self.tr("identical")),
                 chip(_AMBER, self.tr("differs (see Meaning)")),
                 chip(_RED, self.tr("weights will not load"))]
        if show_own:
            chips.append(chip(("#e4edfb", "#15396b", ""), self.tr("changed by the transfer")))
        chips.append("<span style='color:#555'>" + escape(self.tr(
            "Yellow dashed box: one training patch, to scale.")) + "</span>")
        return "&nbsp;&nbsp;".join(chips)

    def _set_verdict(self, text: str, colors: tuple[str, str, str]) -> None:
        self.verdict_label.setText(text)
        self.verdict_label.setStyleSheet(_banner_style(colors) + " QLabel { font-size: 11pt; }")

    # -- state -> widgets ----------
    def initializePage(self) -> None:  # Qt override
        self.reload()

    def previews_loading(self) -> bool:
        """True while a preview's case (or the model's fit) is still being read (in a worker
        thread)."""
        return (self.pretrain_preview.is_loading() or self.finetune_preview.is_loading()
                or self.background.is_busy(FIT_TASK))

    def verdict(self) -> pv.ArchitectureVerdict | None:
        """The last verdict (None until loaded); the wizard may gate on ``verdict().loads``."""
        return self._verdict

    def reload(self) -> None:
        """Read both plans files and the first case of each dataset again."""
        result = self.state.run_preflight()
        ctx = result.context
        from_model = ctx is not None and ctx.from_model
        self._set_subtitle(self.state.from_model)
        self.table.from_model = from_model
        self.pretrain_preview.setVisible(not from_model)
        self.fit_panel.setVisible(from_model)
        # The fit table (three columns of values) wider than the one preview beside it.
        self._previews_row.setStretchFactor(self.finetune_preview, 2 if from_model else 1)
        if from_model:
            assert ctx is not None
            self._reload_from_model(ctx)
            return
        configuration = self.state.options.configuration
        if ctx is None:
            self.rows = []
            self._verdict = None
            self.table.set_rows([])
            self.table.set_headers()
            self.files_label.clear()
            self.notes_label.setVisible(False)
            errors = [p for p in result.problems if p.is_error]
            chosen = self.state.workspace is not None and self.state.sources_chosen()
            if chosen and errors:
                text = self.tr("The plans cannot be checked yet: {problem} {fix}").format(
                    problem=core_text(errors[0].message), fix=core_text(errors[0].fix))
            else:
                text = self.tr("Choose a workspace and both datasets first; then the "
                               "transferred plans can be checked here.")
            self._set_verdict(escape(text.strip()), _AMBER)
            message = self.tr("No dataset to show.")
            self.pretrain_preview.show_message(message)
            self.finetune_preview.show_message(message)
            return

        finetune_file, transferred_file = ctx.finetune_plans_file, ctx.pretrain_plans_file
        finetune, finetune_error = pv.try_load_plans(finetune_file)
        transferred, transferred_error = pv.try_load_plans(transferred_file)
        own, own_file = None, None
        # The context's options: an identifier not typed yet is the default the chain uses.
        for candidate in pv.own_plans_candidates(ctx.pretrain_preprocessed,
                                                 ctx.options.finetune_plans,
                                                 ctx.options.plans_name):
            own, _ = pv.try_load_plans(candidate)
            if own is not None:
                own_file = candidate
                break
        channels = (len(ctx.finetune.channel_names) or None,
                    len(ctx.pretrain.channel_names) or None)
        self.rows = pv.plans_rows(finetune, transferred, configuration, own_plans=own,
                                  pretrain_dataset_name=ctx.pretrain.name,
                                  plans_identifier=ctx.options.plans_name,
                                  channels=channels)
        self._verdict = pv.architecture_verdict(finetune, transferred, configuration, self.rows)
        self.table.set_headers(str(finetune_file), str(transferred_file),
                               str(own_file) if own_file else "")
        self.table.set_rows(self.rows, show_own=own is not None)
        self.legend_label.setText(self.legend_text(show_own=own is not None))
        self._show_files(configuration, finetune_file, transferred_file, own_file)
        self._show_verdict(self._verdict, configuration, finetune_file, finetune_error,
                           transferred_file, transferred_error)
        self._show_notes()
        self.table.scroll_to_first([pv.RowStatus.BREAKS_WEIGHTS, pv.RowStatus.WRONG_TARGET,
                                    pv.RowStatus.DIFFERS])
        self._load_previews(ctx, configuration, finetune, transferred)

    def _reload_from_model(self, ctx: ChainContext) -> None:
        """The model chain: the model's plans vs the plans your dataset received, and the
        model's plans vs your dataset's own data (in a worker thread)."""
        configuration = ctx.options.configuration
        model = ctx.model
        model_file = (model.imported_dir / "plans.json" if (model.imported_dir /
                                                            "plans.json").is_file()
                      else model.given if model.is_zip else model.source_folder / "plans.json")
        transferred_file = ctx.finetune_plans_file
        transferred, transferred_error = pv.try_load_plans(transferred_file)
        channels = (len(model.channel_names) or None, len(ctx.finetune.channel_names) or None)
        self.rows = pv.plans_rows(model.plans, transferred, configuration,
                                  pretrain_dataset_name=ctx.finetune.name,
                                  plans_identifier=ctx.options.plans_name, channels=channels)
        self._verdict = pv.architecture_verdict(model.plans, transferred, configuration,
                                                self.rows)
        self.table.set_headers(str(model_file), str(transferred_file))
        self.table.set_rows(self.rows)
        self.legend_label.setText(self.legend_text())
        self._show_files(configuration, model_file, transferred_file, None)
        self._show_model_verdict(self._verdict, configuration, transferred_file,
                                 transferred_error)
        self._show_notes()
        self.table.scroll_to_first([pv.RowStatus.BREAKS_WEIGHTS, pv.RowStatus.WRONG_TARGET,
                                    pv.RowStatus.DIFFERS])
        self.fit_title.setText(escape(self.tr("Comparing the model with your data …")))
        self.background.submit(read_model_fit, ctx, on_done=lambda fit: self._show_fit(
            ctx.finetune.name, fit), key=FIT_TASK, when_busy=SUPERSEDE)
        self._load_previews(ctx, configuration, model.plans, transferred)

    def _show_fit(self, dataset_name: str, fit: ModelFitResult) -> None:
        self.fit = fit
        self.fit_table.set_rows(fit.rows, dataset_name)
        self.fit_problems.set_problems(list(fit.problems))
        title = "<b>" + escape(self.tr("Does the model fit your data?")) + "</b> " + escape(
            self.tr("The model's plans against {dataset}'s own dataset.json and "
                    "fingerprint.").format(dataset=dataset_name))
        if not fit.fingerprint:
            # Not a problem of the model: a step still to run.
            title += "<br><i>" + escape(self.tr(
                "Spacing and intensities are compared once your dataset's fingerprint is "
                "extracted (step {0} on the previous page).").format(
                step_number("fingerprint_finetune", from_model=True))) + "</i>"
        self.fit_title.setText(title)

    def _show_model_verdict(self, verdict: pv.ArchitectureVerdict, configuration: str,
                            transferred_file: Path, transferred_error: str | None) -> None:
        transfer_step = step_number("transfer_model_plans", from_model=True)
        if verdict.missing == "transferred":
            self._set_verdict(escape(self._missing_text(
                transferred_file, transferred_error,
                self.tr("Run the plans transfer first (step {0} on the previous page); until "
                        "then only the model's plans are shown.").format(transfer_step))),
                _AMBER)
        elif verdict.missing is not None:
            self._set_verdict("<b>" + escape(self.tr(
                "The configuration {c} is missing from the model's or the transferred plans: "
                "the model's weights cannot be matched.").format(c=configuration)) + "</b>",
                _RED)
        elif verdict.loads:
            self._set_verdict("<b>✓ " + escape(self.tr(
                "Your dataset's plans have the model's architecture: the model's weights will "
                "load.")) + "</b>", _GREEN)
        else:
            names = ", ".join(self._row_label(key) for key in verdict.differing)
            self._set_verdict("<b>✗ " + escape(self.tr(
                "The architecture differs from the model's in: {names}. The model's weights "
                "will NOT load into the fine-tuning network.").format(names=names))
                + "</b><br>" + escape(self.tr(
                    "Transfer the model's plans again (step {0}) and preprocess with them."
                ).format(transfer_step)), _RED)

    def _show_files(self, configuration: str, finetune_file: Path, transferred_file: Path,
                    own_file: Path | None) -> None:
        files = [finetune_file, transferred_file] + ([own_file] if own_file else [])
        self.files_label.setText(self.tr(
            "Configuration <b>{c}</b>: comparing {files}").format(
            c=escape(configuration), files=self.tr(" with ").join(_code(f) for f in files)))
        self.files_label.setToolTip("\n".join(str(f) for f in files))

    def _show_verdict(self, verdict: pv.ArchitectureVerdict, configuration: str,
                      finetune_file: Path, finetune_error: str | None,
                      transferred_file: Path, transferred_error: str | None) -> None:
        if verdict.missing == "finetune":
            self._set_verdict(escape(self._missing_text(
                finetune_file, finetune_error,
                self.tr("Plan the fine-tuning dataset first (step {0} on the previous "
                        "page).").format(step_number("plan_finetune")))),
                _AMBER)
        elif verdict.missing == "transferred":
            self._set_verdict(escape(self._missing_text(
                transferred_file, transferred_error,
                self.tr("Run the plans transfer first (step {0} on the previous page); until "
                        "then only the fine-tuning plans are shown.").format(
                            step_number("transfer_plans")))), _AMBER)
        elif verdict.missing == "configuration":
            self._set_verdict("<b>" + escape(self.tr(
                "The configuration {c} is missing from one of the plans files: the pretrained "
                "weights cannot be matched.").format(c=configuration)) + "</b>", _RED)
        elif verdict.loads:
            self._set_verdict("<b>✓ " + escape(self.tr(
                "The architecture of both plans is identical: the pretrained weights will "
                "load.")) + "</b>", _GREEN)
        else:
            names = ", ".join(self._row_label(key) for key in verdict.differing)
            self._set_verdict("<b>✗ " + escape(self.tr(
                "The architecture differs in: {names}. The pretrained weights will NOT load "
                "into the fine-tuning network.").format(names=names)) + "</b><br>" + escape(
                self.tr("Transfer the plans again (step {0}) and re-run preprocessing and "
                        "pretraining with them.").format(step_number("transfer_plans"))), _RED)

    def _missing_text(self, path: Path, error: str | None, fix: str) -> str:
        if error == "missing":
            what = self.tr("{file} does not exist yet.").format(file=str(path))
        else:
            what = self.tr("{file} could not be read: {error}").format(file=str(path),
                                                                        error=error)
        return f"{what} {fix}"

    def _row_label(self, key: str) -> str:
        for row in self.rows:
            if row.key == key:
                return self.table.setting_label(row)
        return key

    def _show_notes(self) -> None:
        wrong = [r for r in self.rows if r.status is pv.RowStatus.WRONG_TARGET]
        differs = [r for r in self.rows if r.status is pv.RowStatus.DIFFERS]
        notes = []
        if self.table.from_model:
            if wrong:
                notes.append(self.tr(
                    "{names} of the transferred plans do not match your dataset or the chosen "
                    "identifier: the trainer would use the wrong folders.").format(
                    names=", ".join(self.table.setting_label(r) for r in wrong)))
            if differs:
                notes.append(self.tr(
                    "Not architectural, but not what the transfer writes either: {names}. The "
                    "weights will load, yet the fine-tuning sees data prepared otherwise than "
                    "the model's.").format(
                    names=", ".join(self.table.setting_label(r) for r in differs)))
            wrong = differs = []
        if wrong:
            notes.append(self.tr(
                "{names} of the transferred plans do not match the pretraining dataset or the "
                "chosen identifier: the trainer would use the wrong folders.").format(
                names=", ".join(self.table.setting_label(r) for r in wrong)))
        if differs:
            notes.append(self.tr(
                "Not architectural, but not what the transfer writes either: {names}. The "
                "weights will load, yet pretraining sees differently prepared data.").format(
                names=", ".join(self.table.setting_label(r) for r in differs)))
        self.notes_label.setText("<br>".join(escape(n) for n in notes))
        self.notes_label.setVisible(bool(notes))

    # -- previews ----------
    def _load_previews(self, ctx: ChainContext, configuration: str,
                       finetune: dict[str, Any] | None,
                       transferred: dict[str, Any] | None) -> None:
        # Pretraining trains with the transferred plans; fall back to the fine-tuning plans
        # (they are what the transfer will copy) while the transfer has not run.
        fallback = "" if transferred is not None or finetune is None else self.tr(
            "(Patch from the fine-tuning plans: the transfer has not run yet.)")
        if ctx.from_model:
            # No pretraining dataset: your dataset, with the patch of the plans it trains with
            # (the model's, copied by the transfer).
            shown = [(self.finetune_preview, ctx.finetune, transferred or finetune,
                      self.tr("Fine-tuning"), "" if transferred is not None else self.tr(
                          "(Patch from the model's plans: the transfer has not run yet.)"))]
        else:
            shown = [(self.pretrain_preview, ctx.pretrain, transferred or finetune,
                      self.tr("Pretraining"), fallback),
                     (self.finetune_preview, ctx.finetune, finetune, self.tr("Fine-tuning"), "")]
        for preview, dataset, plans, role, note in shown:
            first = pv.first_case_files(dataset.cases)
            if first is None:
                preview.show_message(self.tr("{name} has no training cases to show.").format(
                    name=dataset.name), f"<b>{escape(role)}</b>: {escape(dataset.name)}")
                continue
            case_id, image, label = first
            title = self.tr("<b>{role}</b>: {name}, case {case}").format(
                role=escape(role), name=escape(dataset.name), case=escape(case_id))
            resolved = resolved_configuration(plans, configuration) if plans else None
            patch = (resolved or {}).get("patch_size")
            spacing = (resolved or {}).get("spacing")
            transpose = (plans or {}).get("transpose_forward") or (0, 1, 2)
            preview.load(title, image, label, patch, spacing, transpose, note)


def _code(path: Path) -> str:
    """``<dataset>/<file>``: the part that tells the files apart (full paths: tooltip)."""
    short = Path(*path.parts[-2:]) if len(path.parts) > 2 else path
    return f"<code>{escape(str(short))}</code>"
