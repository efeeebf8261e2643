"""Texts the pages share, translated (durations)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from nnft.core.training_history import format_duration


def duration_text(seconds: float) -> str:
    """``seconds`` as people read it, translated: "27 s", "4 min 10 s", "3 h 12 min".

    The patterns are core's (:data:`nnft.core.training_history.DURATION_FORMATS`), each
    translated whole so that a language may reorder number and unit.
    """
    translate = QCoreApplication.translate
    return format_duration(seconds, {
        "s": translate("Duration", "{0} s"),
        "min": translate("Duration", "{0} min"),
        "min_s": translate("Duration", "{0} min {1} s"),
        "h": translate("Duration", "{0} h"),
        "h_min": translate("Duration", "{0} h {1} min"),
    })
