"""Live training curves (pyqtgraph): created once, then only ``setData`` per epoch.

Epochs are counted from 1 (nnU-Net's log counts from 0), with whole-number ticks only. The
legends are Qt labels under the plots (loss on the left, pseudo dice on the right), so they never
cover a curve, and hold each name once. The axis ranges are set from the data (a single point
gets a range around it, not pyqtgraph's ±0.5).
"""

from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnft.core.training_log import EpochRecord

pg.setConfigOptions(antialias=True, background="w", foreground="#333")

#: Above this many epochs the pseudo-dice points are drawn as a line only, and curves without
#: antialiasing: on a 1,000-epoch run, symbols and antialiased 2–3 px lines made each repaint of
#: the four plots cost ~100 ms of the GUI thread (offscreen raster; measured in make bench's
#: gui_stall_follow), without them ~25 ms. At that density the steps are below a pixel anyway.
SYMBOL_LIMIT = 150
SMOOTH_LIMIT = 300
#: Thin per-class pseudo-dice lines, light so that the mean and its EMA stay in front.
CLASS_COLOURS = ("#e57373", "#64b5f6", "#ffb74d", "#ba68c8", "#4db6ac", "#a1887f", "#90a4ae")
#: Classes beyond this many are drawn but share one legend entry (a legend of 100 regions would
#: be taller than the plot).
CLASS_LEGEND_LIMIT = 6


class EpochAxis(pg.AxisItem):
    """An epoch axis with whole-number ticks only (no 1.5, no 0.1–0.9 on an empty plot)."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float):  # pyqtgraph names it
        levels = super().tickSpacing(minVal, maxVal, size)
        whole = [(max(1.0, float(round(spacing))), 0.0) for spacing, _offset in levels]
        # Levels that became the same spacing would draw the same ticks twice.
        unique: list[tuple[float, float]] = []
        for level in whole:
            if level not in unique:
                unique.append(level)
        return unique or [(1.0, 0.0)]


def _values(records: list[EpochRecord], attribute: str) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for record in records:
        value = getattr(record, attribute)
        if value is not None and not math.isnan(value):
            xs.append(float(record.epoch + 1))  # 1-based, as the CLI and the labels count
            ys.append(float(value))
    return xs, ys


def _class_values(records: list[EpochRecord], index: int) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for record in records:
        if index < len(record.pseudo_dice) and not math.isnan(record.pseudo_dice[index]):
            xs.append(float(record.epoch + 1))
            ys.append(float(record.pseudo_dice[index]))
    return xs, ys


def _set(curve, values: tuple[list[float], list[float]], smooth: bool) -> None:
    curve.setData(*values, antialias=smooth)


def _set_line(curve, values: tuple[list[float], list[float]], smooth: bool) -> None:
    """A curve drawn as a line; a single point (a line of one point is invisible) as a dot."""
    if len(values[0]) == 1:
        pen = pg.mkPen(curve.opts["pen"])
        curve.setSymbol("o")
        curve.setSymbolSize(5)
        curve.setSymbolPen(pen)
        curve.setSymbolBrush(pen.color())
    elif curve.opts["symbol"] is not None:  # setSymbol redraws: only when it changes
        curve.setSymbol(None)
    _set(curve, values, smooth)


def value_range(values: list[float]) -> tuple[float, float]:
    """A y range that shows ``values`` with a margin; one value (or equal ones) gets ±10 % of
    its size around it (±0.5 around 0), never pyqtgraph's fixed ±0.5 that made a learning
    rate of 0.01 look like −0.4…0.4."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    if high - low <= 1e-12 * max(1.0, abs(high)):
        margin = abs(high) * 0.1 or 0.5
        return low - margin, high + margin
    margin = (high - low) * 0.05
    return low - margin, high + margin


class CurveLegend(QLabel):
    """A plot's legend as one line of rich text: a short stroke in each curve's colour (dashed
    for a dashed curve) and its name, after the plot's title in bold."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("font-size: 8pt")
        self.set_entries({})

    def set_entries(self, entries: dict[str, object]) -> None:
        """Show ``entries`` (name → curve, in order)."""
        parts = [f"<b>{html.escape(self.title)}</b>"]
        for name, curve in entries.items():
            pen = pg.mkPen(curve.opts.get("pen"))
            stroke = "╌╌" if pen.style() == Qt.PenStyle.DashLine else "━━"
            parts.append(f'<span style="color:{pen.color().name()}">{stroke}</span>&nbsp;'
                         f"{html.escape(name)}")
        self.setText("&nbsp;&nbsp; ".join(parts))


class TrainingPlots(QWidget):
    """Loss, pseudo dice (mean, EMA, per class), learning rate and epoch time, per epoch.

    ``set_reference`` draws another run (the pretraining) dashed for comparison.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPlots")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.graphics = pg.GraphicsLayoutWidget()
        layout.addWidget(self.graphics, 1)
        # The legends are Qt labels under the plots, outside pyqtgraph's scene: they never
        # cover a curve, and pyqtgraph's LegendItem (LabelItems inside a GraphicsLayout) could
        # be sent a resize while being torn down, which crashed the test suite.
        legends = QHBoxLayout()
        legends.setContentsMargins(8, 0, 8, 0)
        self.loss_legend = CurveLegend(self.tr("Loss"))
        self.dice_legend = CurveLegend(self.tr("Pseudo dice"))
        self.loss_legend.setObjectName("lossLegend")
        self.dice_legend.setObjectName("diceLegend")
        legends.addWidget(self.loss_legend, 1)
        legends.addWidget(self.dice_legend, 1)
        layout.addLayout(legends)

        def add_plot(row: int, col: int, title: str):
            return self.graphics.addPlot(row=row, col=col, title=title,
                                         axisItems={"bottom": EpochAxis("bottom")})

        self.loss_plot = add_plot(0, 0, self.tr("Loss"))
        self.dice_plot = add_plot(0, 1, self.tr("Pseudo dice"))
        self.lr_plot = add_plot(1, 0, self.tr("Learning rate"))
        self.time_plot = add_plot(1, 1, self.tr("Epoch time (s)"))
        self.all_plots = (self.loss_plot, self.dice_plot, self.lr_plot, self.time_plot)
        for plot in self.all_plots:
            # Horizontal grid lines only: each axis with a grid repaints the whole plot area,
            # and the vertical lines (epochs) added ~20 ms to every repaint of the four plots.
            plot.showGrid(x=False, y=True, alpha=0.2)
            plot.setLabel("bottom", self.tr("epoch (from 1)"))
            plot.setClipToView(True)
            # Never more points than pixels: a 1,000-epoch curve costs what a short one does.
            plot.setDownsampling(auto=True, mode="peak")
            plot.disableAutoRange()  # ranges come from the data (_fit_ranges)
            # Room for "0.00999": an axis sized to its first labels hid longer ones.
            plot.getAxis("left").setWidth(56)
        self._legend_entries: dict[int, dict[str, object]] = {
            id(self.loss_legend): {}, id(self.dice_legend): {}}
        self.train_curve = self.loss_plot.plot(pen=pg.mkPen("#1f6fb2", width=2))
        self.val_curve = self.loss_plot.plot(pen=pg.mkPen("#c2571a", width=2))
        self._legend(self.loss_legend, self.train_curve, self.tr("train"))
        self._legend(self.loss_legend, self.val_curve, self.tr("validation"))
        self.class_curves: list = []  # one thin line per class, made when a class appears
        self.dice_curve = self.dice_plot.plot(pen=pg.mkPen("#2e7d32", width=1),
                                              symbol="o", symbolSize=4)
        self.ema_curve = self.dice_plot.plot(pen=pg.mkPen("#1b5e20", width=3))
        self._legend(self.dice_legend, self.dice_curve, self.tr("mean"))
        self._legend(self.dice_legend, self.ema_curve, self.tr("EMA"))
        self.lr_curve = self.lr_plot.plot(pen=pg.mkPen("#6a1b9a", width=2))
        self.time_curve = self.time_plot.plot(pen=pg.mkPen("#555", width=2))
        self.reference_curves: list = []  # made on the first set_reference with epochs
        self.reference_label = ""
        self.reference_records: list[EpochRecord] = []
        self.class_names: list[str] = []
        self.records: list[EpochRecord] = []
        self._fit_ranges()

    # -- legends ------------------------------------------------------------------------------
    def _legend(self, legend: CurveLegend, curve, name: str) -> None:
        """Show ``name`` for ``curve`` in ``legend``, once (a name already there moves)."""
        self._legend_entries[id(legend)][name] = curve
        legend.set_entries(self._legend_entries[id(legend)])

    def _rename_legend(self, legend: CurveLegend, old: str, new: str) -> None:
        """Give the entry ``old`` the name ``new`` (its curve stays, and its place)."""
        entries = self._legend_entries[id(legend)]
        if old not in entries or new in entries:
            return
        self._legend_entries[id(legend)] = {new if n == old else n: c for n, c in entries.items()}
        legend.set_entries(self._legend_entries[id(legend)])

    def legend_names(self) -> list[str]:
        """The names in both legends, in order (for tests: no name twice)."""
        return [name for legend in (self.loss_legend, self.dice_legend)
                for name in self._legend_entries[id(legend)]]

    # -- data ---------------------------------------------------------------------------------
    def set_class_names(self, names: list[str]) -> None:
        """Names of the foreground classes (dataset.json's labels), for the legend."""
        self.class_names = list(names)
        for index in range(len(self.class_curves)):
            self._name_class(index)

    def _class_name(self, index: int) -> str:
        if index < len(self.class_names):
            return self.class_names[index]
        return self.tr("class {0}").format(index + 1)

    def _name_class(self, index: int) -> None:
        if index > CLASS_LEGEND_LIMIT:
            return  # shares the "more classes" entry
        curve = self.class_curves[index]
        name = self._class_name(index) if index < CLASS_LEGEND_LIMIT else \
            self.tr("more classes")
        entries = self._legend_entries[id(self.dice_legend)]
        current = [n for n, entry in entries.items() if entry is curve]
        if current:
            self._rename_legend(self.dice_legend, current[0], name)
        else:
            self._legend(self.dice_legend, curve, name)

    def _ensure_class_curves(self, count: int) -> None:
        while len(self.class_curves) < count:
            index = len(self.class_curves)
            colour = CLASS_COLOURS[index % len(CLASS_COLOURS)]
            curve = self.dice_plot.plot(pen=pg.mkPen(colour, width=1))
            curve.setZValue(-1)  # behind the mean and the EMA
            self.class_curves.append(curve)
            self._name_class(index)

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
        _set_line(self.train_curve, _values(self.records, "train_loss"), smooth)
        _set_line(self.val_curve, _values(self.records, "val_loss"), smooth)
        classes = max((len(r.pseudo_dice) for r in self.records), default=0)
        # One class: its line is the mean; drawing it twice would only add a legend entry.
        self._ensure_class_curves(classes if classes > 1 else 0)
        for index, curve in enumerate(self.class_curves):
            _set_line(curve, _class_values(self.records, index), smooth)
        dice = _values(self.records, "mean_pseudo_dice")
        self.dice_curve.setSymbol("o" if len(dice[0]) <= SYMBOL_LIMIT else None)
        _set(self.dice_curve, dice, smooth)
        _set_line(self.ema_curve, _values(self.records, "ema_pseudo_dice"), smooth)
        _set_line(self.lr_curve, _values(self.records, "learning_rate"), smooth)
        _set_line(self.time_curve, _values(self.records, "epoch_time_s"), smooth)
        self._fit_ranges()

    def _fit_ranges(self) -> None:
        """Whole epochs from 1 to the last one drawn; y ranges from the data."""
        epochs = [r.epoch + 1 for r in self.records + self.reference_records]
        last = max(epochs, default=1)
        for plot in self.all_plots:
            plot.setXRange(1, max(2, last), padding=0.03)
        self.dice_plot.setYRange(0.0, 1.0, padding=0.03)  # a Dice is always within 0…1
        for plot, attributes in ((self.loss_plot, ("train_loss", "val_loss")),
                                 (self.lr_plot, ("learning_rate",)),
                                 (self.time_plot, ("epoch_time_s",))):
            values = [v for attribute in attributes for v in _values(self.records, attribute)[1]]
            if plot is self.loss_plot and self.reference_curves:
                values += _values(self.reference_records, "train_loss")[1]
            low, high = value_range(values)
            plot.setYRange(low, high, padding=0)

    def set_reference(self, records: list[EpochRecord], label: str) -> None:
        """Draw another run's loss and EMA dashed (e.g. the pretraining, for comparison).

        The curves (and their legend entries) are made once and then only get new data: the
        page calls this on every read of the fold folder.
        """
        if self.reference_curves and label != self.reference_label:
            # Another reference run: the same curves, renamed.
            old = self.reference_label
            self._rename_legend(self.loss_legend, self.tr("{0}: train").format(old),
                                self.tr("{0}: train").format(label))
            self._rename_legend(self.dice_legend, self.tr("{0}: EMA").format(old),
                                self.tr("{0}: EMA").format(label))
            self.reference_label = label
        if not self.reference_curves:
            if not records:
                return
            dash = pg.QtCore.Qt.PenStyle.DashLine
            self.reference_label = label
            loss = self.loss_plot.plot(pen=pg.mkPen("#90b4d8", width=1, style=dash))
            ema = self.dice_plot.plot(pen=pg.mkPen("#9ccc9c", width=1, style=dash))
            self._legend(self.loss_legend, loss, self.tr("{0}: train").format(label))
            self._legend(self.dice_legend, ema, self.tr("{0}: EMA").format(label))
            self.reference_curves = [loss, ema]
        loss, ema = self.reference_curves
        self.reference_records = list(records)
        smooth = len(records) <= SMOOTH_LIMIT
        _set(loss, _values(records, "train_loss"), smooth)
        _set(ema, _values(records, "ema_pseudo_dice"), smooth)
        self._fit_ranges()

    def point_count(self) -> int:
        """Epochs currently drawn (for tests)."""
        xs, _ = self.train_curve.getData()
        return 0 if xs is None else len(xs)
