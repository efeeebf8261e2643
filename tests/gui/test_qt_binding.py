"""Guard against the Qt binding bug that crashed the wizard.

PySide6 6.12.0 on Python 3.11 drops one reference to None on every Qt call that returns
nothing; None is not immortal before Python 3.12, so a busy wizard aborted with "Fatal Python
error: none_dealloc" after minutes. constraints.txt pins a good version; this test fails if an
upgrade brings the bug back.
"""

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_alive():
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        obj.setObjectName("x")
    assert sys.getrefcount(None) - before > -100
