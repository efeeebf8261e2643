"""Start the real wizard (``nnft.gui.app.main``, what ``nnft-wizard`` runs) and print the wall
clock once its window is shown and painted; the parent took the clock before starting us."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from shown import report_when_shown

if __name__ == "__main__":
    # main() reuses an existing QApplication; the timer fires once its event loop runs.
    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, report_when_shown)
    from nnft.gui.app import main

    sys.exit(main([]))
