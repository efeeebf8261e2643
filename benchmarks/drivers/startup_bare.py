"""The anchor of the start-up row: a bare PySide6 QWizard with one page, shown the same way."""

import json
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage


def report_when_shown() -> None:
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    if not shown:
        QTimer.singleShot(1, report_when_shown)
        return
    QApplication.processEvents()
    print(json.dumps({"shown_at": time.time(), "windows": [w.objectName() for w in shown]}),
          flush=True)
    QApplication.quit()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, report_when_shown)
    wizard = QWizard()
    wizard.setObjectName("bareWizard")
    page = QWizardPage()
    page.setTitle("Page")
    QVBoxLayout(page).addWidget(QLabel("One page"))
    wizard.addPage(page)
    wizard.show()
    sys.exit(app.exec())
