"""docs/ui-contract.md lists every objectName the GUI code sets, so the contract stays true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_literal_object_name_is_documented():
    contract = (ROOT / "docs" / "ui-contract.md").read_text(encoding="utf-8")
    names = set()
    for path in (ROOT / "gui").rglob("*.py"):
        names |= set(re.findall(r'setObjectName\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert names, "no objectName found: the pattern is stale"
    missing = sorted(n for n in names if f"`{n}`" not in contract)
    assert not missing, f"add these to docs/ui-contract.md: {missing}"


def test_window_appears_without_torch_or_nnunet(tmp_path):
    """The GUI process must not import torch or nnunetv2 (or pyqtgraph) to show its window."""
    script = f"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from nnft.core.demo import write_demo_workspace
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace
from nnft.gui.wizard import NnftWizard
demo = write_demo_workspace({str(tmp_path / 'ws')!r})
t0 = time.perf_counter()
wizard = NnftWizard(WizardState(workspace=Workspace.from_root(demo.root)),
                    settings=QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat))
wizard.show()
def painted():
    print("SECONDS", time.perf_counter() - t0)
    print("HEAVY", sorted(m for m in ("torch", "nnunetv2", "pyqtgraph") if m in sys.modules))
    app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={**__import__("os").environ,
                                              "QT_QPA_PLATFORM": "offscreen"})
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    seconds = float(result.stdout.split("SECONDS")[1].split()[0])
    assert seconds < 5, seconds


def test_the_wizard_modules_load_without_numpy_or_simpleitk():
    """numpy (~0.2 s) and SimpleITK (~0.3 s) are imported where an image is read or drawn,
    not when the wizard's modules load: they were most of the start-up's lead over a bare
    QWizard (benchmarks/startup.py)."""
    script = ("import sys; import nnft.gui.app, nnft.gui.wizard; "
              "print('HEAVY', sorted(m for m in ('numpy', 'SimpleITK') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={**__import__("os").environ,
                                              "QT_QPA_PLATFORM": "offscreen"})
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
