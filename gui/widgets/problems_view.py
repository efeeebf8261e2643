"""Inline problems: each with its severity, what is wrong and how to fix it."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnft.core.problems import Problem, Severity
from nnft.gui.language import core_text

_COLORS = {Severity.ERROR: "#b3261e", Severity.WARNING: "#8a5a00", Severity.INFO: "#1f5f99"}
_BACKGROUNDS = {Severity.ERROR: "#fdecea", Severity.WARNING: "#fff4e0", Severity.INFO: "#eaf2fb"}


class ProblemsView(QWidget):
    """A vertical list of problems; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsView")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._labels: list[QLabel] = []
        self.problems: list[Problem] = []
        self.setVisible(False)

    def _severity_text(self, severity: Severity) -> str:
        return {Severity.ERROR: self.tr("Error"), Severity.WARNING: self.tr("Warning"),
                Severity.INFO: self.tr("Note")}[severity]

    def set_problems(self, problems: list[Problem]) -> None:
        """Show ``problems``, errors first. The same problems again change nothing on screen
        (a page re-checks on every keystroke: rebuilding the labels made it jump)."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        ordered = sorted(problems, key=lambda p: order[p.severity])
        if ordered == self.problems and len(self._labels) == len(ordered):
            return
        for label in self._labels:
            # Out of the layout now: deleteLater alone left the old labels taking space (a gap,
            # twice the height) until the event loop came round.
            self._layout.removeWidget(label)
            label.hide()
            label.deleteLater()
        self._labels = []
        self.problems = ordered
        fix_word = escape(self.tr("Fix"))  # not in the f-string: lupdate skips those
        for problem in self.problems:
            # core's texts in the wizard's language (its catalog; English without one)
            fix = f"<br><b>{fix_word}:</b> {escape(core_text(problem.fix))}" if problem.fix \
                else ""
            label = QLabel(
                f"<b style='color:{_COLORS[problem.severity]}'>"
                f"{escape(self._severity_text(problem.severity))}</b> "
                f"<span style='color:#666'>[{problem.code}]</span> "
                f"{escape(core_text(problem.message))}{fix}"
            )
            label.setObjectName(f"problem_{problem.code}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(label.textInteractionFlags()
                                          | label.textInteractionFlags().TextSelectableByMouse)
            label.setStyleSheet(f"QLabel {{ background: {_BACKGROUNDS[problem.severity]}; "
                                "border-radius: 4px; padding: 6px; }")
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            self._layout.addWidget(label)
            self._labels.append(label)
        self.setVisible(bool(self.problems))

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)
