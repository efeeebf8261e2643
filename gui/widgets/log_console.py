"""A read-only console for the output of nnU-Net's commands."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class LogConsole(QPlainTextEdit):
    """Appends lines; keeps the last ``max_lines`` so a week-long training stays cheap."""

    def __init__(self, parent: QWidget | None = None, max_lines: int = 5000) -> None:
        super().__init__(parent)
        self.setObjectName("logConsole")
        self.setReadOnly(True)
        self.setMaximumBlockCount(max_lines)
        font: QFont = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(8, font.pointSize() - 1))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setPlaceholderText(self.tr("The output of nnU-Net's commands appears here."))

    def append_line(self, line: str) -> None:
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        self.appendPlainText(line)
        if at_bottom:  # follow the output unless the user scrolled up to read
            bar.setValue(bar.maximum())
