"""Durations read as people write them ("27 s", "4 min 10 s", "3 h 12 min"), in the CLI and,
translated, in the wizard."""

from __future__ import annotations

import pytest

from nnft.core.training_history import DURATION_FORMATS, duration_pattern, format_duration


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (27, "27 s"), (27.4, "27 s"), (59.4, "59 s"), (59.6, "1 min"), (60, "1 min"),
    (250, "4 min 10 s"), (3599, "59 min 59 s"), (3600, "1 h"), (3629, "1 h"),
    (3631, "1 h 1 min"), (11520, "3 h 12 min"), (90000, "25 h"), (-5, "0 s"),
    (float("nan"), "0 s"), (float("inf"), "0 s"),
])
def test_durations_in_words(seconds, text):
    assert format_duration(seconds) == text


def test_every_pattern_is_used_and_can_be_replaced():
    assert {duration_pattern(s)[0] for s in (5, 120, 130, 7200, 7260)} == set(DURATION_FORMATS)
    german = {**DURATION_FORMATS, "h_min": "{0} Std. {1} Min."}
    assert format_duration(11520, german) == "3 Std. 12 Min."


def test_the_cli_epoch_line_uses_it():
    from nnft.core import cli
    from nnft.core.training_log import EpochRecord

    record = EpochRecord(epoch=4)
    line = cli._format_epoch(record, 1000, 11520.0)
    assert line.endswith("ETA 3 h 12 min"), line
