"""The training curves: whole-number epoch ticks, legends without duplicates beside the data,
sensible ranges for one point, per-class pseudo dice (records from a real nnU-Net log)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnft.core.training_log import parse_log_file

REAL_LOG = Path(__file__).resolve().parents[1] / "core" / "data" / "real" / \
    "pretrain_2d_quicktrial_training_log.txt"


@pytest.fixture
def plots(qtbot):
    from nnft.gui.widgets.training_plots import TrainingPlots

    widget = TrainingPlots()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    return widget


@pytest.fixture
def records():
    return parse_log_file(REAL_LOG).epochs  # 2 epochs, 2 classes (organ, lesion)


@pytest.mark.parametrize(("low", "high"), [(0.5, 2.5), (0.0, 1.0), (1.0, 5.0), (1, 1000)])
def test_epoch_ticks_are_whole_numbers(plots, low, high):
    for spacing, values in plots.loss_plot.getAxis("bottom").tickValues(low, high, 400):
        assert spacing >= 1
        assert all(float(v).is_integer() for v in values), values


def test_legends_hold_each_name_once_over_stop_and_resume(plots, records):
    # What the fine-tuning page does over Start, Stop, Resume: reads of the fold, live epochs,
    # the pretraining reference on every read.
    for count in (0, 1, 1, 2, 1, 2):
        plots.set_records(records[:count])
        plots.set_reference(records, "pretraining")
    plots.set_reference(records, "pretraining")
    names = plots.legend_names()
    assert len(names) == len(set(names)), names
    assert names.count("pretraining: train") == 1
    assert {"train", "validation", "mean", "EMA", "class 1", "class 2",
            "pretraining: EMA"} <= set(names)
    plots.set_reference(records, "other run")
    names = plots.legend_names()
    assert "pretraining: train" not in names and names.count("other run: train") == 1


def test_legends_sit_outside_the_plots(plots, records):
    """The legends are labels under the plots, not items drawn over them."""
    plots.set_records(records)
    plots.set_reference(records, "pretraining")
    plots.show()
    graphics = plots.graphics.geometry()
    for legend in (plots.loss_legend, plots.dice_legend):
        assert legend.isVisible() and not graphics.intersects(legend.geometry())
        assert legend.geometry().top() >= graphics.bottom()
    assert "pretraining: train" in plots.loss_legend.text()
    assert "EMA" in plots.dice_legend.text() and "class 2" in plots.dice_legend.text()


def test_one_epoch_gets_a_range_around_it(plots, records):
    plots.set_records(records[:1])
    (x_low, x_high), (y_low, y_high) = plots.lr_plot.vb.viewRange()
    lr = records[0].learning_rate
    assert y_low < lr < y_high
    assert y_high - y_low < lr  # not pyqtgraph's ±0.5 around 0.01
    assert x_low <= 1 <= x_high and x_high - x_low < 3
    assert plots.lr_curve.opts["symbol"] == "o"  # a single point is drawn as a dot


def test_empty_plots_show_epochs_from_one(plots):
    (x_low, x_high), _ = plots.loss_plot.vb.viewRange()
    assert x_low < 1 < x_high <= 2.1
    ticks = [v for _s, values in plots.loss_plot.getAxis("bottom").tickValues(x_low, x_high, 400)
             for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)


def test_per_class_pseudo_dice_lines(plots, records):
    plots.set_records(records)
    assert len(plots.class_curves) == 2
    xs, ys = plots.class_curves[1].getData()
    assert list(xs) == [1.0, 2.0]
    assert list(ys) == [r.pseudo_dice[1] for r in records]
    plots.set_class_names(["organ", "lesion"])
    assert {"organ", "lesion"} <= set(plots.legend_names())
    assert "class 1" not in plots.legend_names()
