"""The anchor of the start-up row: a bare PySide6 QWizard with one page, shown the same way."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage
from shown import report_when_shown

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
