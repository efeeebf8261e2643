"""Does a trained model fit the fine-tuning dataset? Its plans next to the dataset's own data.

The rows and their verdicts come from :func:`nnft.core.model_fit.model_fit`; this widget only
translates the quantities and colours the verdicts (warnings stand out).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from nnft.core.model_fit import DIFFERS, SAME, WARNING, FitRow

#: Background, text colour per verdict (text colours set too: dark themes stay legible).
FIT_COLORS: dict[str, tuple[str, str]] = {
    SAME: ("#e3f4e5", "#1b4d1f"),
    DIFFERS: ("#fff1d6", "#5c3d00"),
    WARNING: ("#fbd3cf", "#7a1710"),
}
STATUS_ROLE = Qt.ItemDataRole.UserRole
#: What core writes where the dataset's value needs its fingerprint (not extracted yet).
_AFTER_FINGERPRINT = "after the fingerprint"


class ModelFitTable(QTableWidget):
    """One row per quantity: the model's value, the dataset's, coloured by the verdict."""

    QUANTITY, MODEL, DATASET = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("modelFitTable")
        self.rows: list[FitRow] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Three columns sharing the width, their texts wrapped (never cut with "…").
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        for column in (self.QUANTITY, self.MODEL, self.DATASET):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.set_headers()

    def set_headers(self, dataset_name: str = "") -> None:
        self.setHorizontalHeaderLabels([self.tr("Quantity"), self.tr("The model"),
                                        self.tr("Your dataset")])
        self.horizontalHeaderItem(self.DATASET).setToolTip(dataset_name)

    def quantity_label(self, quantity: str) -> str:
        """The translated name of one of core's quantities (``"normalization, channel 0"``)."""
        name, _, channel = quantity.partition(", channel ")
        labels = {
            "input channels": self.tr("Input channels"),
            "normalization": self.tr("Normalization, channel {0}"),
            "spacing (median)": self.tr("Spacing in mm (the model's target, your median)"),
            "foreground intensities": self.tr("Foreground intensities (0.5–99.5 %), "
                                              "channel {0}"),
            "labels": self.tr("Labels"),
        }
        label = labels.get(name)
        if label is None:
            return quantity
        return label.format(channel) if channel else label

    def value_text(self, value: str) -> str:
        if value == _AFTER_FINGERPRINT:
            return self.tr("known after the fingerprint step")
        return value

    def set_rows(self, rows: Sequence[FitRow], dataset_name: str = "") -> None:
        self.rows = list(rows)
        self.set_headers(dataset_name)
        self.setRowCount(0)
        for row in self.rows:
            r = self.rowCount()
            self.insertRow(r)
            background, foreground = FIT_COLORS.get(row.status, FIT_COLORS[DIFFERS])
            texts = [self.quantity_label(row.quantity), self.value_text(row.model),
                     self.value_text(row.dataset)]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(STATUS_ROLE, row.status)
                item.setToolTip(text)
                item.setBackground(QBrush(QColor(background)))
                item.setForeground(QBrush(QColor(foreground)))
                self.setItem(r, column, item)

    # -- queries (tests, other views) ----------
    def quantities(self) -> list[str]:
        """core's quantity of each row, in table order."""
        return [row.quantity for row in self.rows]

    def status_of(self, quantity: str) -> str | None:
        return next((row.status for row in self.rows if row.quantity == quantity), None)

    def background(self, quantity: str) -> str:
        for r, row in enumerate(self.rows):
            if row.quantity == quantity:
                item = self.item(r, self.QUANTITY)
                return item.background().color().name() if item is not None else ""
        return ""
