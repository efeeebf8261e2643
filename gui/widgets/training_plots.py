"""Live training curves (pyqtgraph): created once, then only ``setData`` per epoch."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnft.core.training_log import EpochRecord

pg.setConfigOptions(antialias=True, background="w", foreground="#333")

#: Above this many epochs the pseudo-dice points are drawn as a line only, and curves without
#: antialiasing: on a 1,000-epoch run, symbols and antialiased 2–3 px lines made each repaint of
#: the four plots cost ~100 ms of the GUI thread (offscreen raster; measured in make bench's
#: gui_stall_follow), without them ~25 ms. At that density the steps are below a pixel anyway.
SYMBOL_LIMIT = 150
SMOOTH_LIMIT = 300


def _values(records: list[EpochRecord], attribute: str) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for record in records:
        value = getattr(record, attribute)
        if value is not None and not math.isnan(value):
            xs.append(float(record.epoch + 1))  # 1-based, as the CLI and the labels count
            ys.append(float(value))
    return xs, ys


def _set(curve, values: tuple[list[float], list[float]], smooth: bool) -> None:
    curve.setData(*values, antialias=smooth)


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
            # Horizontal grid lines only: each axis with a grid repaints the whole plot area,
            # and the vertical lines (epochs) added ~20 ms to every repaint of the four plots.
            plot.showGrid(x=False, y=True, alpha=0.2)
            plot.setLabel("bottom", self.tr("epoch"))
            plot.setClipToView(True)
            # Never more points than pixels: a 1,000-epoch curve costs what a short one does.
            plot.setDownsampling(auto=True, mode="peak")
        # Legends only where curves are named (an empty legend still costs every repaint).
        for plot in (self.loss_plot, self.dice_plot):
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
        self.reference_curves: list = []  # made on the first set_reference with epochs
        self.reference_label = ""
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
        smooth = len(self.records) <= SMOOTH_LIMIT
        _set(self.train_curve, _values(self.records, "train_loss"), smooth)
        _set(self.val_curve, _values(self.records, "val_loss"), smooth)
        dice = _values(self.records, "mean_pseudo_dice")
        self.dice_curve.setSymbol("o" if len(dice[0]) <= SYMBOL_LIMIT else None)
        _set(self.dice_curve, dice, smooth)
        _set(self.ema_curve, _values(self.records, "ema_pseudo_dice"), smooth)
        _set(self.lr_curve, _values(self.records, "learning_rate"), smooth)
        _set(self.time_curve, _values(self.records, "epoch_time_s"), smooth)

    def set_reference(self, records: list[EpochRecord], label: str) -> None:
        """Draw another run's loss and EMA dashed (e.g. the pretraining, for comparison).

        The curves (and their legend entries) are made once and then only get new data: the
        page calls this on every read of the fold folder.
        """
        if self.reference_curves and label != self.reference_label:
            for plot, curve in zip((self.loss_plot, self.dice_plot), self.reference_curves,
                                   strict=True):
                plot.removeItem(curve)  # also takes it out of the legend
            self.reference_curves = []
        if not self.reference_curves:
            if not records:
                return
            dash = pg.QtCore.Qt.PenStyle.DashLine
            self.reference_label = label
            self.reference_curves = [
                self.loss_plot.plot(name=self.tr("{0}: train").format(label),
                                    pen=pg.mkPen("#90b4d8", width=1, style=dash)),
                self.dice_plot.plot(name=self.tr("{0}: EMA").format(label),
                                    pen=pg.mkPen("#9ccc9c", width=1, style=dash)),
            ]
        loss, ema = self.reference_curves
        smooth = len(records) <= SMOOTH_LIMIT
        _set(loss, _values(records, "train_loss"), smooth)
        _set(ema, _values(records, "ema_pseudo_dice"), smooth)

    def point_count(self) -> int:
        """Epochs currently drawn (for tests)."""
        xs, _ = self.train_curve.getData()
        return 0 if xs is None else len(xs)
