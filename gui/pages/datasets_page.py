"""Page 2: which dataset pretrains (or which trained model the fine-tuning starts from), which
one is fine-tuned, and which way things flow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from nnft.core.datasets import (
    DatasetInfo,
    inspect_dataset,
    list_dataset_ids,
    scan_image_headers,
)
from nnft.core.label_values import unexpected_label_values
from nnft.core.problems import Problem, has_errors
from nnft.core.steps import SourceModel, resolve_source_model
from nnft.core.wizard_state import WizardState, next_page_available, problems_of_stage
from nnft.core.workspace import Workspace
from nnft.gui.background import SUPERSEDE, BackgroundTasks
from nnft.gui.widgets.direction_diagram import DirectionDiagram
from nnft.gui.widgets.problems_view import ProblemsView

#: Background task key: reading the chosen model (the latest choice wins).
MODEL_TASK = "model"
#: Background task key: reading every label's voxels (a newer choice supersedes it).
LABEL_VALUES_TASK = "label_values"


def read_source_model(workspace: Workspace, path: str) -> SourceModel | None:
    """The model at ``path`` (None when it cannot be used: the preflight says why). Reads the
    folder or zip, so it runs in a worker thread."""
    model, _problems = resolve_source_model(workspace, path)
    return model


class DatasetsPage(QWizardPage):
    """Where the weights come from (a pretraining dataset of the workspace, or a trained model),
    the fine-tuning dataset, summaries, the direction diagram, a swap button, preflight."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("datasetsPage")
        self.setTitle(self.tr("Datasets and direction"))
        self.background = BackgroundTasks(self, name="nnft-datasets")
        #: The model whose summary is shown (None: none chosen, unusable, or being read).
        self.model: SourceModel | None = None
        self._model_read_for: str | None = None  # the path the shown summary is about
        # The dataset chain's options while the model chain is chosen (restored on a switch
        # back: the model chain uses the model's configuration and its own plans names).
        self._dataset_options: dict[str, object] | None = None
        layout = QVBoxLayout(self)

        source_row = QHBoxLayout()
        source_row.addWidget(QLabel(self.tr("The weights come from:")))
        self.source_dataset_radio = QRadioButton(self.tr("Pretrain on a dataset of this "
                                                         "workspace"))
        self.source_dataset_radio.setObjectName("sourceDatasetRadio")
        self.source_model_radio = QRadioButton(self.tr("Start from an existing nnU-Net model"))
        self.source_model_radio.setObjectName("sourceModelRadio")
        self.source_model_radio.setToolTip(self.tr(
            "A model someone else trained (a colleague's, a released one): its plans and its "
            "weights go to your dataset. No pretraining runs here."))
        self.source_group = QButtonGroup(self)
        self.source_group.addButton(self.source_dataset_radio)
        self.source_group.addButton(self.source_model_radio)
        self.source_dataset_radio.setChecked(True)
        source_row.addWidget(self.source_dataset_radio)
        source_row.addWidget(self.source_model_radio)
        source_row.addStretch(1)
        layout.addLayout(source_row)

        grid = QGridLayout()
        self.pretrain_combo = QComboBox()
        self.pretrain_combo.setObjectName("pretrainCombo")
        self.finetune_combo = QComboBox()
        self.finetune_combo.setObjectName("finetuneCombo")
        self.pretrain_summary = QLabel()
        self.pretrain_summary.setObjectName("pretrainSummary")
        self.finetune_summary = QLabel()
        self.finetune_summary.setObjectName("finetuneSummary")
        for label in (self.pretrain_summary, self.finetune_summary):
            label.setWordWrap(True)
            label.setStyleSheet("color: #444")
        # No size in the titles: after a swap the pretraining set may be the smaller one (the
        # diagram shows the case counts and the problems below warn then).
        pt_box = QGroupBox(self.tr("Pretraining (source of weights)"))
        pt_layout = QVBoxLayout(pt_box)
        pt_layout.addWidget(self.pretrain_combo)
        pt_layout.addWidget(self.pretrain_summary)
        ft_box = QGroupBox(self.tr("Fine-tuning (your target)"))
        ft_layout = QVBoxLayout(ft_box)
        ft_layout.addWidget(self.finetune_combo)
        ft_layout.addWidget(self.finetune_summary)
        self.swap_button = QPushButton(self.tr("⇄ Swap"))
        self.swap_button.setObjectName("swapButton")
        self.swap_button.setToolTip(self.tr("Exchange the roles of the two datasets"))
        self.swap_button.clicked.connect(self.swap)
        self.pretrain_box = pt_box
        self.model_box = QGroupBox(self.tr("Trained model (source of plans and weights)"))
        self.model_box.setObjectName("modelBox")
        model_layout = QVBoxLayout(self.model_box)
        self.model_path_edit = QLineEdit()
        self.model_path_edit.setObjectName("modelPathEdit")
        self.model_path_edit.setPlaceholderText(self.tr(
            "…/<trainer>__<plans>__<configuration>, one of its fold_X folders, or a zip"))
        self.model_path_edit.setToolTip(self.tr(
            "A training output folder as nnU-Net wrote it (with plans.json, dataset.json and "
            "fold_X/checkpoint_final.pth), one of its fold folders (that fold's checkpoint is "
            "used), or a zip made by nnUNetv2_export_model_to_zip or nnft export-model."))
        self.model_path_edit.editingFinished.connect(self._on_model_path_edited)
        model_layout.addWidget(self.model_path_edit)
        buttons = QHBoxLayout()
        self.model_folder_button = QPushButton(self.tr("Model folder…"))
        self.model_folder_button.setObjectName("modelFolderButton")
        self.model_folder_button.clicked.connect(self._browse_model_folder)
        self.model_zip_button = QPushButton(self.tr("Zip…"))
        self.model_zip_button.setObjectName("modelZipButton")
        self.model_zip_button.clicked.connect(self._browse_model_zip)
        buttons.addWidget(self.model_folder_button)
        buttons.addWidget(self.model_zip_button)
        buttons.addStretch(1)
        model_layout.addLayout(buttons)
        self.model_summary = QLabel()
        self.model_summary.setObjectName("modelSummary")
        self.model_summary.setWordWrap(True)
        self.model_summary.setStyleSheet("color: #444")
        model_layout.addWidget(self.model_summary)
        self.model_box.setVisible(False)
        grid.addWidget(ft_box, 0, 0)
        grid.addWidget(self.swap_button, 0, 1)
        grid.addWidget(pt_box, 0, 2)
        grid.addWidget(self.model_box, 0, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.diagram = DirectionDiagram()
        layout.addWidget(self.diagram)
        self.problems = ProblemsView()
        layout.addWidget(self.problems)
        self.label_values_status = QLabel()
        self.label_values_status.setObjectName("labelValuesStatus")
        self.label_values_status.setStyleSheet("color: #444")
        layout.addWidget(self.label_values_status)
        #: LABEL_VALUES_UNEXPECTED of the shown choice (read in a worker after the preflight).
        self._label_value_problems: list[Problem] = []
        self._label_values_for: tuple[str | None, ...] | None = None
        layout.addStretch(1)
        self.pretrain_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.finetune_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.source_model_radio.toggled.connect(self._on_source_toggled)
        self._filling = False
        self._show_source_widgets()

    # -- where the weights come from ----------------------------------------------------------
    def from_model(self) -> bool:
        """The user chose to start from a trained model (the radio button)."""
        return self.source_model_radio.isChecked()

    def _show_source_widgets(self) -> None:
        model = self.from_model()
        self.pretrain_box.setVisible(not model)
        self.swap_button.setVisible(not model)
        self.model_box.setVisible(model)
        self.setSubTitle(self.tr(
            "Fine-tune a model someone else trained on your dataset: its plans and its weights "
            "both go to your dataset.") if model else self.tr(
            "Pretrain on a large dataset, fine-tune on yours. nnFT moves plans and weights the "
            "right way round."))

    def _on_source_toggled(self) -> None:
        if self._filling:
            return
        o = self.state.options
        if self.from_model():
            # The model chain trains in the model's configuration (""), names the model's
            # plans itself (plans_name "" = nnFT's suggestion) and loads the model's
            # checkpoint, not weights chosen for the dataset chain.
            self._dataset_options = {"configuration": o.configuration,
                                     "plans_name": o.plans_name,
                                     "finetune_plans": o.finetune_plans,
                                     "pretrained_weights": o.pretrained_weights}
            self.state.with_options(configuration="", plans_name="",
                                    finetune_plans="nnUNetPlans", pretrained_weights=None)
        else:
            restored = self._dataset_options or {
                "configuration": o.configuration or "2d", "plans_name": "",
                "finetune_plans": "nnUNetPlans", "pretrained_weights": None}
            self._dataset_options = None
            self.state.with_options(pretrained_model=None, **restored)  # type: ignore[arg-type]
        self._show_source_widgets()
        self._apply_model_path()
        self._on_choice_changed()

    def _browse_model_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the model folder (…/<trainer>__<plans>__<configuration>)"),
            self.model_path_edit.text())
        if folder:
            self.model_path_edit.setText(folder)
            self._on_model_path_edited()

    def _browse_model_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the model's zip"), self.model_path_edit.text(),
            self.tr("Zip archives (*.zip);;All files (*)"))
        if path:
            self.model_path_edit.setText(path)
            self._on_model_path_edited()

    def set_model_path(self, path: str) -> None:
        """Choose the model at ``path`` (as typed or browsed; "" = none)."""
        self.model_path_edit.setText(path)
        self._on_model_path_edited()

    def _on_model_path_edited(self) -> None:
        if not self.from_model():
            return
        self._apply_model_path()
        self._on_choice_changed()

    def _apply_model_path(self) -> None:
        """Put the typed model into the options (model chain only) and read it in a worker."""
        text = self.model_path_edit.text().strip()
        path = str(Path(text).expanduser().absolute()) if text else ""
        if not self.from_model():
            path = ""
        if (self.state.options.pretrained_model or "") != path:
            self.state.with_options(pretrained_model=path or None)
        if path == self._model_read_for:
            return
        self.model = None
        self._model_read_for = path or None
        if not path or self.state.workspace is None:
            reading = self.background.running(MODEL_TASK)
            if reading is not None:
                reading.cancel()
            self.model_summary.setText("")
            return
        self.model_summary.setText(self.tr("Reading the model …"))
        self.background.submit(read_source_model, self.state.workspace, path,
                               on_done=lambda model: self._on_model_read(path, model),
                               key=MODEL_TASK, when_busy=SUPERSEDE)

    def _on_model_read(self, path: str, model: SourceModel | None) -> None:
        if path != self._model_read_for:
            return  # another model was chosen meanwhile
        self.model = model
        self.model_summary.setText(self._model_summary(model))
        self._show_diagram()
        self._show_problems()
        self.completeChanged.emit()

    def model_loading(self) -> bool:
        """True while the chosen model is being read."""
        return self.background.is_busy(MODEL_TASK)

    def _model_summary(self, model: SourceModel | None) -> str:
        if model is None:
            return self.tr("This model cannot be used (see below).")
        labels = ", ".join(k for k in model.labels if k != "background")
        channels = ", ".join(model.channel_names.values())
        return "\n".join([
            self.tr("Trained on {dataset} · trainer {trainer} · plans {plans} · configuration "
                    "{configuration}").format(dataset=model.dataset_name, trainer=model.trainer,
                                              plans=model.plans_name,
                                              configuration=model.configuration),
            self.tr("Starts from fold {fold} (finished folds: {folds})").format(
                fold=model.fold, folds=", ".join(model.folds)),
            self.tr("{n} channel(s): {channels} · labels: {labels}").format(
                n=len(model.channel_names), channels=channels, labels=labels),
        ])

    # -- the datasets -------------------------------------------------------------------------
    def initializePage(self) -> None:  # Qt override
        self._filling = True
        self._label_values_for = None  # entering the page reads the labels again (edited?)
        # A restored session (or a Back from the next page) shows the chain it holds.
        self.source_model_radio.setChecked(self.state.from_model)
        self.source_dataset_radio.setChecked(not self.state.from_model)
        if self.state.from_model:
            self.model_path_edit.setText(self.state.options.pretrained_model or "")
        elif not self.state.options.configuration:
            # Left by a model chosen and dropped again: the dataset chain needs a configuration.
            self.state.with_options(configuration="2d")
        self._show_source_widgets()
        ids = list_dataset_ids(self.state.workspace) if self.state.workspace else {}
        for combo in (self.pretrain_combo, self.finetune_combo):
            combo.clear()
            combo.addItem(self.tr("(choose a dataset)"), None)
            for name in ids.values():
                combo.addItem(name, name)
        self._select(self.pretrain_combo, self.state.pretrain)
        self._select(self.finetune_combo, self.state.finetune)
        if self.pretrain_combo.currentIndex() <= 0 and self.finetune_combo.currentIndex() <= 0 \
                and len(ids) == 2 and not self.state.from_model:
            # Two datasets: the larger one is the likely pretraining dataset.
            names = sorted(ids.values(), key=lambda name: self._case_count(name) or 0,
                           reverse=True)
            self._select(self.pretrain_combo, names[0])
            self._select(self.finetune_combo, names[1])
        elif self.finetune_combo.currentIndex() <= 0 and len(ids) == 1:
            # One dataset (a workspace made to fine-tune a model): it is the one fine-tuned.
            self._select(self.finetune_combo, next(iter(ids.values())))
        self._filling = False
        self._apply_model_path()
        self._on_choice_changed()

    def _case_count(self, name: str | None) -> int | None:
        if not name or self.state.workspace is None:
            return None
        info = inspect_dataset(self.state.workspace, name)
        return len(info.cases)

    @staticmethod
    def _select(combo: QComboBox, value: str | None) -> None:
        if value is None:
            combo.setCurrentIndex(0)
            return
        index = combo.findData(value)
        if index < 0:  # an id such as "2"
            for i in range(1, combo.count()):
                data = combo.itemData(i)
                if data and value.isdigit() and data[7:10].isdigit() and \
                        int(data[7:10]) == int(value):
                    index = i
        combo.setCurrentIndex(max(0, index))

    def swap(self) -> None:
        pt, ft = self.pretrain_combo.currentData(), self.finetune_combo.currentData()
        self._filling = True
        self._select(self.pretrain_combo, ft)
        self._select(self.finetune_combo, pt)
        self._filling = False
        self._on_choice_changed()

    def _info(self, name: str | None) -> DatasetInfo | None:
        if not name or self.state.workspace is None:
            return None
        return inspect_dataset(self.state.workspace, name)

    def _summary(self, info: DatasetInfo | None) -> str:
        if info is None:
            return ""
        if info.dataset_json is None:
            return self.tr("dataset.json cannot be used (see below)")
        labels = ", ".join(k for k in info.labels if k != "background")
        channels = ", ".join(info.channel_names.values())
        text = self.tr("{0} cases · channels: {1} · labels: {2}").format(
            len(info.cases), channels, labels)
        scan = scan_image_headers(info, max_cases=50)
        if scan is not None:
            spacing = " × ".join(f"{s:.2g}" for s in scan.median_spacing)
            size = " × ".join(str(s) for s in scan.median_size)
            text += "\n" + self.tr("median spacing {0} mm · median size {1} voxels").format(
                spacing, size)
        return text

    def _on_choice_changed(self) -> None:
        if self._filling:
            return
        # The model chain has no pretraining dataset: the combo keeps its choice for a switch
        # back, the state (and the saved session) holds only the chain chosen.
        self.state.pretrain = None if self.from_model() else self.pretrain_combo.currentData()
        self.state.finetune = self.finetune_combo.currentData()
        # Each dataset read once: its summary and its case count come from the same listing.
        pretrain, finetune = self._info(self.state.pretrain), self._info(self.state.finetune)
        self.pretrain_summary.setText(self._summary(pretrain))
        self.finetune_summary.setText(self._summary(finetune))
        self._pretrain_cases = len(pretrain.cases) if pretrain else None
        self._finetune_cases = len(finetune.cases) if finetune else None
        self._show_diagram()
        self._check_label_values(pretrain, finetune)
        self._show_problems()
        self.completeChanged.emit()

    def _check_label_values(self, *infos: DatasetInfo | None) -> None:
        """Read the chosen datasets' label voxels in a worker (slow; the header preflight has
        already been shown); a newer choice supersedes a running check."""
        chosen = tuple(info.name if info is not None else None for info in infos)
        if chosen == self._label_values_for:
            return
        self._label_values_for = chosen
        self._label_value_problems = []
        readable = [info for info in infos if info is not None and info.dataset_json]
        if not readable:
            running = self.background.running(LABEL_VALUES_TASK)
            if running is not None:
                running.cancel()
            self.label_values_status.setText("")
            return
        self.label_values_status.setText(self.tr("Checking label values…"))

        def superseded() -> bool:  # read in the worker: stop reading files of an old choice
            return self._label_values_for != chosen

        def check() -> list[Problem]:
            found: list[Problem] = []
            for info in readable:
                found.extend(unexpected_label_values(info, cancel=superseded))
            return found

        self.background.submit(check, on_done=lambda found: self._on_label_values(chosen, found),
                               key=LABEL_VALUES_TASK, when_busy=SUPERSEDE)

    def _on_label_values(self, chosen: tuple[str | None, ...], found: list[Problem]) -> None:
        if chosen != self._label_values_for:
            return  # another choice meanwhile
        self._label_value_problems = found
        self.label_values_status.setText("")
        self._show_problems()
        self.completeChanged.emit()

    def label_values_checking(self) -> bool:
        """True while the chosen datasets' label values are being read."""
        return self.background.is_busy(LABEL_VALUES_TASK)

    def _show_problems(self) -> None:
        # While the model is read, its problems wait for it (they would read it again here).
        if self.state.sources_chosen() and not (self.from_model() and self.model_loading()):
            # Plans-identifier and output problems belong to the next page.
            self.problems.set_problems(problems_of_stage(self.state, "workspace", "datasets")
                                       + self._label_value_problems)
        else:
            self.problems.set_problems([])

    _pretrain_cases: int | None = None
    _finetune_cases: int | None = None

    def _show_diagram(self) -> None:
        self.diagram.set_datasets(self.state.pretrain, self.state.finetune,
                                  self._pretrain_cases, self._finetune_cases)
        if not self.from_model():
            self.diagram.set_model(None)
        elif self.model is not None:
            self.diagram.set_model(self.model.dataset_name, self.tr(
                "{trainer} · {configuration} · fold {fold}").format(
                trainer=self.model.trainer, configuration=self.model.configuration,
                fold=self.model.fold))
        else:
            text = self.model_path_edit.text().strip()
            self.diagram.set_model(Path(text).name if text else "")

    def isComplete(self) -> bool:  # Qt override
        if self.from_model() and self.model_loading():
            return False  # "Reading the model …": Next waits for its summary and problems
        if has_errors(self._label_value_problems):
            return False
        return next_page_available(self.state, "datasets")
