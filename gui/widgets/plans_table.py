"""Side-by-side plans: fine-tuning vs transferred (vs the pretraining dataset's own plans).

Starting from a trained model (:attr:`PlansTable.from_model`) the left column is the model's
plans and the right one the plans the fine-tuning dataset received.

The rows and their classification come from :func:`nnft.core.preview.plans_rows`; this widget
only chooses colours and translated words.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from nnft.core.preview import PlansRow, RowGroup, RowStatus, format_row_value, format_value

#: Background, text colour per status. Text colours are set too, so dark themes stay legible.
STATUS_COLORS: dict[RowStatus, tuple[str, str]] = {
    RowStatus.SAME: ("#e3f4e5", "#1b4d1f"),
    RowStatus.EXPECTED: ("#fff1d6", "#5c3d00"),
    RowStatus.DIFFERS: ("#ffd99a", "#4d3200"),
    RowStatus.WRONG_TARGET: ("#fbd3cf", "#7a1710"),
    RowStatus.BREAKS_WEIGHTS: ("#fbd3cf", "#7a1710"),
    RowStatus.MISSING: ("#eeeeee", "#555555"),
}
CHANGED_BY_TRANSFER = ("#e4edfb", "#15396b")
SECTION_COLORS = ("#d9dee5", "#1d2733")

KEY_ROLE = Qt.ItemDataRole.UserRole
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1


class PlansTable(QTableWidget):
    """One row per plans value, grouped in sections, with a "Meaning" column."""

    SETTING, FINETUNE, TRANSFERRED, OWN, MEANING = range(5)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setObjectName("plansTable")
        self.rows: list[PlansRow] = []
        #: The plans came from a trained model to the fine-tuning dataset (not from the
        #: fine-tuning dataset to a pretraining dataset): other headers and meanings.
        self.from_model = False
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in (self.SETTING, self.FINETUNE, self.TRANSFERRED, self.OWN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.MEANING, QHeaderView.ResizeMode.Stretch)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.set_headers()
        self.setColumnHidden(self.OWN, True)

    # -- texts ----------
    def set_headers(self, finetune: str = "", transferred: str = "", own: str = "") -> None:
        """Column titles; ``finetune``/``transferred``/``own`` (the files) become tooltips."""
        self.setHorizontalHeaderLabels([
            self.tr("Setting"),
            self.tr("The model's plans") if self.from_model else self.tr("Fine-tuning plans"),
            self.tr("Transferred plans (your dataset)") if self.from_model
            else self.tr("Transferred plans"),
            self.tr("Pretraining's own plans"),
            self.tr("Meaning"),
        ])
        for column, detail in ((self.FINETUNE, finetune), (self.TRANSFERRED, transferred),
                               (self.OWN, own)):
            self.horizontalHeaderItem(column).setToolTip(detail)

    def section_title(self, group: RowGroup) -> str:
        return {
            RowGroup.IDENTITY: self.tr("Identity (renamed by the transfer)"),
            RowGroup.TRAINING: self.tr("Training patches"),
            RowGroup.NORMALIZATION: self.tr("Intensity normalization"),
            RowGroup.ARCHITECTURE: self.tr("Network architecture (must be identical)"),
        }[group]

    def setting_label(self, row: PlansRow) -> str:
        """The translated name of a row (``"Stage 1: stride"``)."""
        i = row.index
        labels = {
            "dataset_name": self.tr("Dataset name"),
            "plans_name": self.tr("Plans identifier"),
            "data_identifier": self.tr("Preprocessed data folder"),
            "patch_size": self.tr("Patch size (voxels)"),
            "batch_size": self.tr("Batch size"),
            "spacing": self.tr("Target spacing (mm)"),
            "normalization": self.tr("Normalization, channel {i}").format(i=i),
            "mean": self.tr("Foreground mean, channel {i}").format(i=i),
            "std": self.tr("Foreground std, channel {i}").format(i=i),
            "percentile_00_5": self.tr("Clip low (0.5th pct.), channel {i}").format(i=i),
            "percentile_99_5": self.tr("Clip high (99.5th pct.), channel {i}").format(i=i),
            "input_channels": self.tr("Input channels (dataset.json)"),
            "network_class": self.tr("Network class"),
            "n_stages": self.tr("Number of stages"),
            "features": self.tr("Stage {i} features").format(i=i),
            "kernel": self.tr("Stage {i} kernel size").format(i=i),
            "stride": self.tr("Stage {i} stride").format(i=i),
            "convs": self.tr("Stage {i} convolutions").format(i=i),
        }
        return labels.get(row.field, row.field)

    def meaning(self, row: PlansRow) -> str:
        """A short, translated explanation of the row's status."""
        status = row.status
        if status is RowStatus.SAME:
            return self.tr("Identical")
        if status is RowStatus.MISSING:
            return self.tr("Not available (plans file or configuration missing)")
        if status is RowStatus.EXPECTED and self.from_model:
            return {
                "dataset_name": self.tr("Expected: set to your dataset, so the fine-tuning "
                                        "reads its own data."),
                "plans_name": self.tr("Expected: the new identifier keeps your dataset's own "
                                      "plans intact."),
                "data_identifier": self.tr("Expected: the data folder is named after the new "
                                           "identifier."),
            }.get(row.key, self.tr("Expected difference"))
        if status is RowStatus.EXPECTED:
            return {
                "dataset_name": self.tr("Expected: set to the pretraining dataset, so "
                                        "pretraining reads its own data."),
                "plans_name": self.tr("Expected: the new identifier (-tp) keeps the "
                                      "pretraining dataset's own plans intact."),
                "data_identifier": self.tr("Expected: the data folder is named after the new "
                                           "identifier."),
            }.get(row.key, self.tr("Expected difference"))
        if status is RowStatus.WRONG_TARGET and self.from_model:
            if row.key == "dataset_name":
                return self.tr("Wrong: must name your dataset, otherwise the trainer reads "
                               "another dataset's preprocessed data.")
            return self.tr("Wrong: must be the chosen plans identifier; the results folder "
                           "would be named after another identifier.")
        if status is RowStatus.WRONG_TARGET:
            if row.key == "dataset_name":
                return self.tr("Wrong: must name the pretraining dataset, otherwise the "
                               "trainer reads another dataset's preprocessed data.")
            return self.tr("Wrong: must be the chosen plans identifier; the results folder "
                           "would be named after another identifier.")
        if status is RowStatus.BREAKS_WEIGHTS:
            return self.tr("Differs: the pretrained weights will NOT load.")
        if self.from_model:
            if row.group is RowGroup.NORMALIZATION:
                return self.tr("Unexpected: the transfer copies this. Weights still load, but "
                               "the fine-tuning sees intensities normalized otherwise than the "
                               "model's training data.")
            return self.tr("Unexpected: the transfer copies this. Weights still load, but the "
                           "fine-tuning sees patches prepared otherwise than the model's.")
        if row.group is RowGroup.NORMALIZATION:
            return self.tr("Unexpected: the transfer copies this. Weights still load, but "
                           "pretraining sees intensities normalized differently.")
        return self.tr("Unexpected: the transfer copies this. Weights still load, but "
                       "pretraining sees patches prepared differently.")

    # -- content ----------
    def set_rows(self, rows: Sequence[PlansRow], *, show_own: bool = False) -> None:
        self.rows = list(rows)
        self.setColumnHidden(self.OWN, not show_own)
        self.setRowCount(0)
        bold = QFont(self.font())
        bold.setBold(True)
        group: RowGroup | None = None
        for row in self.rows:
            if row.group is not group:
                group = row.group
                self._add_section(self.section_title(group), bold)
            self._add_row(row, show_own)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Value columns as wide as their contents (capped); "Meaning" takes the rest."""
        for column, cap in ((self.SETTING, 240), (self.FINETUNE, 220), (self.TRANSFERRED, 270),
                            (self.OWN, 200)):
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, min(max(self.columnWidth(column), 90), cap))

    def _add_section(self, title: str, font: QFont) -> None:
        r = self.rowCount()
        self.insertRow(r)
        item = QTableWidgetItem(title)
        item.setFont(font)
        item.setBackground(QBrush(QColor(SECTION_COLORS[0])))
        item.setForeground(QBrush(QColor(SECTION_COLORS[1])))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.setItem(r, 0, item)
        self.setSpan(r, 0, 1, self.columnCount())

    def _add_row(self, row: PlansRow, show_own: bool) -> None:
        r = self.rowCount()
        self.insertRow(r)
        background, foreground = STATUS_COLORS[row.status]
        texts = [self.setting_label(row), format_row_value(row, row.finetune),
                 format_row_value(row, row.transferred),
                 format_row_value(row, row.own) if show_own else "", self.meaning(row)]
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(KEY_ROLE, row.key)
            item.setData(STATUS_ROLE, row.status.value)
            item.setToolTip(text)
            if column != self.OWN:
                item.setBackground(QBrush(QColor(background)))
                item.setForeground(QBrush(QColor(foreground)))
            self.setItem(r, column, item)
        self.item(r, self.SETTING).setToolTip(row.key)
        if show_own:
            own_item = self.item(r, self.OWN)
            if row.own is not None and format_value(row.own) != format_value(row.transferred):
                own_item.setBackground(QBrush(QColor(CHANGED_BY_TRANSFER[0])))
                own_item.setForeground(QBrush(QColor(CHANGED_BY_TRANSFER[1])))
                own_item.setToolTip(self.tr(
                    "The transfer replaced the pretraining dataset's own value {own} with {new}."
                ).format(own=format_row_value(row, row.own),
                         new=format_row_value(row, row.transferred)))

    def scroll_to_first(self, statuses: Sequence[RowStatus]) -> int:
        """Scroll to the first row of the most important status (``statuses`` in priority
        order); returns its table row, or -1 (scrolled to the top) when no row has one."""
        for status in statuses:
            for r in range(self.rowCount()):
                item = self.item(r, self.SETTING)
                if item is not None and item.data(STATUS_ROLE) == status.value:
                    self.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
                    return r
        self.scrollToTop()
        return -1

    # -- queries (tests, other views) ----------
    def row_for_key(self, key: str) -> int:
        """The table row showing ``key``; -1 if absent."""
        for r in range(self.rowCount()):
            item = self.item(r, self.SETTING)
            if item is not None and item.data(KEY_ROLE) == key:
                return r
        return -1

    def status_of(self, key: str) -> RowStatus | None:
        r = self.row_for_key(key)
        return None if r < 0 else RowStatus(self.item(r, self.SETTING).data(STATUS_ROLE))

    def text(self, key: str, column: int) -> str:
        r = self.row_for_key(key)
        item = self.item(r, column) if r >= 0 else None
        return item.text() if item is not None else ""

    def background(self, key: str, column: int) -> str:
        r = self.row_for_key(key)
        item = self.item(r, column) if r >= 0 else None
        return item.background().color().name() if item is not None else ""
