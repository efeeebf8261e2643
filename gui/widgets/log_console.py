"""A read-only console for the output of nnU-Net's commands."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QTextCursor
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
        self._line_open = False  # the last line ended in a carriage return: the next replaces it

    def append_line(self, line: str) -> None:
        """Add one line of output at the end.

        A line ending in a carriage return (``ChainRun`` marks a progress bar's states so) stays
        open: the next line replaces it, as in a terminal, so a progress bar is one line that
        updates instead of a staircase of its states.
        """
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        replaces = self._line_open and self.blockCount() > 0
        self._line_open = line.endswith("\r")
        text = line.rstrip("\r")
        if replaces:
            cursor = QTextCursor(self.document().lastBlock())
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock,
                                QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(text)
        else:
            self.appendPlainText(text)
        if at_bottom:  # follow the output unless the user scrolled up to read
            bar.setValue(bar.maximum())

    def clear(self) -> None:  # keeps the open-line state in step with the text
        self._line_open = False
        super().clear()

    def setPlainText(self, text: str) -> None:  # Qt override; a new text has no open line
        self._line_open = False
        super().setPlainText(text)
