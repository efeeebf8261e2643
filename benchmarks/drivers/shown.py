"""Both start-up drivers report the same moment: the first top-level window shown and painted.

Imports PySide6 only, so the bare anchor stays bare."""

import json
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def report_when_shown() -> None:
    """Print the wall clock once a top-level window is visible and painted, then quit."""
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    if not shown:  # not yet: look again on the next turn of the event loop
        QTimer.singleShot(1, report_when_shown)
        return
    QApplication.processEvents()  # the first paint
    print(json.dumps({"shown_at": time.time(), "windows": [w.objectName() for w in shown]}),
          flush=True)
    QApplication.quit()
