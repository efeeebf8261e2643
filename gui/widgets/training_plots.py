"""Live training curves (pyqtgraph): created once, then only ``setData`` per epoch."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnft.core.training_log import EpochRecord

pg.setConfigOptions(antialias=True, background="w", foreground="#333")


def _values(records: list[EpochRecord], attribute: str) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for record in records:
        value = getattr(record, attribute)
        if value is not None and not math.isnan(value):
            xs.append(float(record.epoch + 1))  # 1-based, as the CLI and the labels count
            ys.append(float(value))
    return xs, ys


class TrainingPlots(QWidget):
    """Loss, pseudo dice with its EMA, learning rate and epoch time, per epoch.

    ``set_reference`` draws another run (the pretraining) dashed for comparison.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPlots")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.graphics = pg.GraphicsLayoutWidget()
        layout.addWidget(self.graphics)
        self.loss_plot = self.graphics.addPlot(row=0, col=0, title=self.tr("Loss"))
        self.dice_plot = self.graphics.addPlot(row=0, col=1, title=self.tr("Pseudo dice"))
        self.lr_plot = self.graphics.addPlot(row=1, col=0, title=self.tr("Learning rate"))
        self.time_plot = self.graphics.addPlot(row=1, col=1, title=self.tr("Epoch time (s)"))
        for plot in (self.loss_plot, self.dice_plot, self.lr_plot, self.time_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setLabel("bottom", self.tr("epoch"))
            plot.setClipToView(True)
            plot.addLegend(offset=(5, 5))
        self.train_curve = self.loss_plot.plot(name=self.tr("train"),
                                               pen=pg.mkPen("#1f6fb2", width=2))
        self.val_curve = self.loss_plot.plot(name=self.tr("validation"),
                                             pen=pg.mkPen("#c2571a", width=2))
        self.dice_curve = self.dice_plot.plot(name=self.tr("mean pseudo dice"),
                                              pen=pg.mkPen("#2e7d32", width=1),
                                              symbol="o", symbolSize=4)
        self.ema_curve = self.dice_plot.plot(name=self.tr("EMA"), pen=pg.mkPen("#1b5e20", width=3))
        self.lr_curve = self.lr_plot.plot(pen=pg.mkPen("#6a1b9a", width=2))
        self.time_curve = self.time_plot.plot(pen=pg.mkPen("#555", width=2))
        self.reference_curves: list = []
        self.records: list[EpochRecord] = []

    def set_records(self, records: list[EpochRecord]) -> None:
        self.records = list(records)
        self._redraw()

    def add_record(self, record: EpochRecord) -> None:
        self.records = [r for r in self.records if r.epoch != record.epoch] + [record]
        self._redraw()

    def clear(self) -> None:
        self.records = []
        self._redraw()

    def _redraw(self) -> None:
        self.train_curve.setData(*_values(self.records, "train_loss"))
        self.val_curve.setData(*_values(self.records, "val_loss"))
        self.dice_curve.setData(*_values(self.records, "mean_pseudo_dice"))
        self.ema_curve.setData(*_values(self.records, "ema_pseudo_dice"))
        self.lr_curve.setData(*_values(self.records, "learning_rate"))
        self.time_curve.setData(*_values(self.records, "epoch_time_s"))

    def set_reference(self, records: list[EpochRecord], label: str) -> None:
        """Draw another run's loss and EMA dashed (e.g. the pretraining, for comparison)."""
        for curve in self.reference_curves:
            curve.getViewBox().removeItem(curve) if curve.getViewBox() else None
        self.reference_curves = []
        if not records:
            return
        dash = pg.QtCore.Qt.PenStyle.DashLine
        self.reference_curves.append(self.loss_plot.plot(
            *_values(records, "train_loss"), name=self.tr("{0}: train").format(label),
            pen=pg.mkPen("#90b4d8", width=1, style=dash)))
        self.reference_curves.append(self.dice_plot.plot(
            *_values(records, "ema_pseudo_dice"), name=self.tr("{0}: EMA").format(label),
            pen=pg.mkPen("#9ccc9c", width=1, style=dash)))

    def point_count(self) -> int:
        """Epochs currently drawn (for tests)."""
        xs, _ = self.train_curve.getData()
        return 0 if xs is None else len(xs)
