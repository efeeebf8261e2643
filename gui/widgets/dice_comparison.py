"""The results page's plots (pyqtgraph): real Dice per class as bars, and both runs' curves.

Left: nnU-Net's validation Dice of the fine-tuned model and of the from-scratch baseline, two
bars per class and two for the mean. Right: the EMA pseudo dice of both runs per epoch (what the
trainings logged, *not* the real Dice), with a dotted line where each reached 90 % of its final
value. Legends are Qt labels under the plots, as in :mod:`.training_plots` (pyqtgraph's
LegendItem crashed the test suite once).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace

import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .training_plots import CurveLegend, EpochAxis

FINETUNED_COLOUR = "#1f6fb2"
BASELINE_COLOUR = "#c2571a"
BAR_WIDTH = 0.38


def _legend_key(colour: str, width: int = 6, dashed: bool = False) -> SimpleNamespace:
    """What :class:`CurveLegend` reads of a curve (its pen), for a bar chart's colours."""
    style = pg.QtCore.Qt.PenStyle.DashLine if dashed else pg.QtCore.Qt.PenStyle.SolidLine
    return SimpleNamespace(opts={"pen": pg.mkPen(colour, width=width, style=style)})


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


class DiceComparisonPlots(QWidget):
    """Bars of the real Dice per class, and the two runs' EMA pseudo dice per epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsPlots")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.graphics = pg.GraphicsLayoutWidget()
        layout.addWidget(self.graphics, 1)
        legends = QHBoxLayout()
        legends.setContentsMargins(8, 0, 8, 0)
        self.bars_legend = CurveLegend(self.tr("Validation Dice"))
        self.bars_legend.setObjectName("diceBarsLegend")
        self.curves_legend = CurveLegend(self.tr("EMA pseudo dice"))
        self.curves_legend.setObjectName("curvesLegend")
        legends.addWidget(self.bars_legend, 1)
        legends.addWidget(self.curves_legend, 1)
        layout.addLayout(legends)

        self.bars_plot = self.graphics.addPlot(
            row=0, col=0, title=self.tr("Real Dice per class (nnU-Net's final validation)"))
        self.bars_plot.setLabel("left", self.tr("Dice"))
        self.bars_plot.showGrid(x=False, y=True, alpha=0.2)
        self.bars_plot.setMouseEnabled(x=False, y=False)
        self.bars_plot.hideButtons()
        self.curves_plot = self.graphics.addPlot(
            row=0, col=1, title=self.tr("EMA pseudo dice per epoch (training estimate, not the "
                                        "real Dice)"),
            axisItems={"bottom": EpochAxis("bottom")})
        self.curves_plot.setLabel("bottom", self.tr("epoch (from 1)"))
        self.curves_plot.showGrid(x=False, y=True, alpha=0.2)
        for plot in (self.bars_plot, self.curves_plot):
            plot.getAxis("left").setWidth(44)
        self.finetuned_curve = self.curves_plot.plot(pen=pg.mkPen(FINETUNED_COLOUR, width=2))
        self.baseline_curve = self.curves_plot.plot(pen=pg.mkPen(BASELINE_COLOUR, width=2))
        self._marks: list = []
        self._bar_items: list = []
        self.bar_heights: dict[str, list[float | None]] = {"finetuned": [], "baseline": []}
        self.group_names: list[str] = []

    # -- bars -----------------------------------------------------------------------------------
    def set_dice(self, names: Sequence[str], finetuned: Sequence[float | None],
                 baseline: Sequence[float | None], labels: tuple[str, str]) -> None:
        """Two bars per group (each class, then the mean): fine-tuned left, baseline right.

        A missing value (no summary yet, a class nnU-Net reported as NaN) gets no bar, and its
        place says so ("–"). ``labels`` names the two runs in the legend.
        """
        for item in self._bar_items:
            self.bars_plot.removeItem(item)
        self._bar_items = []
        self.group_names = list(names)
        self.bar_heights = {"finetuned": list(finetuned), "baseline": list(baseline)}
        for offset, values, colour in ((-BAR_WIDTH / 2, finetuned, FINETUNED_COLOUR),
                                       (BAR_WIDTH / 2, baseline, BASELINE_COLOUR)):
            xs = [i + offset for i, v in enumerate(values) if _finite(v)]
            heights = [float(v) for v in values if _finite(v)]  # type: ignore[arg-type]
            if xs:
                bars = pg.BarGraphItem(x=xs, height=heights, width=BAR_WIDTH,
                                       brush=pg.mkBrush(colour), pen=pg.mkPen(colour))
                self.bars_plot.addItem(bars)
                self._bar_items.append(bars)
            for i, value in enumerate(values):
                text = f"{value:.3f}" if _finite(value) else "–"
                label = pg.TextItem(text, color="#333", anchor=(0.5, 1.0))
                label.setPos(i + offset, (float(value) if _finite(value) else 0.0) + 0.01)  # type: ignore[arg-type]
                self.bars_plot.addItem(label)
                self._bar_items.append(label)
        axis = self.bars_plot.getAxis("bottom")
        axis.setTicks([[(i, name) for i, name in enumerate(names)], []])
        self.bars_plot.setXRange(-0.6, max(len(names) - 0.4, 0.6), padding=0)
        self.bars_plot.setYRange(0.0, 1.08, padding=0)
        self.bars_legend.set_entries({labels[0]: _legend_key(FINETUNED_COLOUR),
                                      labels[1]: _legend_key(BASELINE_COLOUR)})

    # -- curves ---------------------------------------------------------------------------------
    def set_curves(self, finetuned: Sequence[tuple[int, float]],
                   baseline: Sequence[tuple[int, float]],
                   reached: tuple[int | None, int | None], labels: tuple[str, str]) -> None:
        """Both runs' EMA pseudo dice per epoch (epochs counted from 1), and a dotted line at
        the epoch each first reached 90 % of its final value (``reached``; None: no line)."""
        for mark in self._marks:
            self.curves_plot.removeItem(mark)
        self._marks = []
        entries: dict[str, object] = {}
        values: list[float] = []
        epochs: list[int] = []
        for curve, points, epoch, colour, label in (
                (self.finetuned_curve, finetuned, reached[0], FINETUNED_COLOUR, labels[0]),
                (self.baseline_curve, baseline, reached[1], BASELINE_COLOUR, labels[1])):
            xs = [float(e) for e, v in points if math.isfinite(v)]
            ys = [float(v) for e, v in points if math.isfinite(v)]
            curve.setData(xs, ys)
            if len(xs) == 1:  # a line of one point is invisible
                curve.setSymbol("o")
                curve.setSymbolBrush(colour)
            values += ys
            epochs += [int(x) for x in xs]
            if xs:
                entries[label] = curve
            if epoch is not None and xs:
                line = pg.InfiniteLine(pos=epoch, angle=90, pen=pg.mkPen(
                    colour, width=1, style=pg.QtCore.Qt.PenStyle.DotLine))
                self.curves_plot.addItem(line)
                self._marks.append(line)
        if epochs:
            self.curves_plot.setXRange(min(epochs) - 0.2, max(epochs) + 0.2, padding=0)
        low = min(values, default=0.0)
        self.curves_plot.setYRange(min(0.0, low), 1.0, padding=0.02)
        if any(r is not None for r in reached):
            entries[self.tr("90 % of the final value")] = _legend_key("#555", width=1,
                                                                      dashed=True)
        self.curves_legend.set_entries(entries)

    def curve_points(self) -> tuple[int, int]:
        """Epochs drawn per run (for tests)."""
        def count(curve) -> int:
            xs, _ = curve.getData()
            return 0 if xs is None else len(xs)
        return count(self.finetuned_curve), count(self.baseline_curve)
