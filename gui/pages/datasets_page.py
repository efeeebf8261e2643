"""Page 2: which dataset pretrains, which one is fine-tuned, and which way things flow."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
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
from nnft.core.wizard_state import WizardState, next_page_available, problems_of_stage
from nnft.gui.widgets.direction_diagram import DirectionDiagram
from nnft.gui.widgets.problems_view import ProblemsView


class DatasetsPage(QWizardPage):
    """Two dataset choices with summaries, the direction diagram, a swap button, preflight."""

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("datasetsPage")
        self.setTitle(self.tr("Datasets and direction"))
        self.setSubTitle(self.tr("Pretrain on a large dataset, fine-tune on yours. nnFT moves "
                                 "plans and weights the right way round."))
        layout = QVBoxLayout(self)
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
        grid.addWidget(ft_box, 0, 0)
        grid.addWidget(self.swap_button, 0, 1)
        grid.addWidget(pt_box, 0, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.diagram = DirectionDiagram()
        layout.addWidget(self.diagram)
        self.problems = ProblemsView()
        layout.addWidget(self.problems)
        layout.addStretch(1)
        self.pretrain_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.finetune_combo.currentIndexChanged.connect(self._on_choice_changed)
        self._filling = False

    def initializePage(self) -> None:  # Qt override
        self._filling = True
        ids = list_dataset_ids(self.state.workspace) if self.state.workspace else {}
        for combo in (self.pretrain_combo, self.finetune_combo):
            combo.clear()
            combo.addItem(self.tr("(choose a dataset)"), None)
            for name in ids.values():
                combo.addItem(name, name)
        self._select(self.pretrain_combo, self.state.pretrain)
        self._select(self.finetune_combo, self.state.finetune)
        if self.pretrain_combo.currentIndex() <= 0 and self.finetune_combo.currentIndex() <= 0 \
                and len(ids) == 2:
            # Two datasets: the larger one is the likely pretraining dataset.
            names = sorted(ids.values(), key=lambda name: self._case_count(name) or 0,
                           reverse=True)
            self._select(self.pretrain_combo, names[0])
            self._select(self.finetune_combo, names[1])
        self._filling = False
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
        self.state.pretrain = self.pretrain_combo.currentData()
        self.state.finetune = self.finetune_combo.currentData()
        # Each dataset read once: its summary and its case count come from the same listing.
        pretrain, finetune = self._info(self.state.pretrain), self._info(self.state.finetune)
        self.pretrain_summary.setText(self._summary(pretrain))
        self.finetune_summary.setText(self._summary(finetune))
        self.diagram.set_datasets(self.state.pretrain, self.state.finetune,
                                  len(pretrain.cases) if pretrain else None,
                                  len(finetune.cases) if finetune else None)
        if self.state.pretrain and self.state.finetune:
            # Plans-identifier and output problems belong to the next page.
            self.problems.set_problems(problems_of_stage(self.state, "workspace", "datasets"))
        else:
            self.problems.set_problems([])
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt override
        return next_page_available(self.state, "datasets")
