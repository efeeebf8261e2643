"""Texts shared by the pages."""

from __future__ import annotations

from nnft.gui.texts import duration_text


def test_the_wizard_writes_durations_in_words(qapp):
    assert duration_text(27) == "27 s"
    assert duration_text(250) == "4 min 10 s"
    assert duration_text(11520) == "3 h 12 min"
