"""Start the real wizard (``nnft.gui.app.main``, what ``nnft-wizard`` runs) and print the wall
clock once its window is shown and painted; the parent took the clock before starting us."""

import json
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def report_when_shown() -> None:
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    if not shown:  # not yet: look again on the next turn of the event loop
        QTimer.singleShot(1, report_when_shown)
        return
    QApplication.processEvents()  # the first paint
    print(json.dumps({"shown_at": time.time(), "windows": [w.objectName() for w in shown]}),
          flush=True)
    QApplication.quit()


if __name__ == "__main__":
    # main() reuses an existing QApplication; the timer fires once its event loop runs.
    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, report_when_shown)
    from nnft.gui.app import main

    sys.exit(main([]))
