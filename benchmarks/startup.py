"""Row ``startup``: seconds from process start until the window is shown and painted,
``nnft-wizard`` (its real ``main``) vs a bare PySide6 QWizard with one page.

Both are separate processes started the same way (this interpreter, ``QT_QPA_PLATFORM=offscreen``,
empty settings and data folders); the clock is read here right before the start and in the child
right after the first paint.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from .common import DRIVERS, PYTHON, BenchmarkError, Row, alternate, child_env

GOAL = 3.5


def _time_to_window(script: str, home: Path) -> float:
    env = child_env({"QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
                     "XDG_CONFIG_HOME": str(home / "config"),
                     "XDG_DATA_HOME": str(home / "data")})
    start = time.time()
    proc = subprocess.run([PYTHON, str(DRIVERS / script)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)["shown_at"] - start
    raise BenchmarkError(f"{script} showed no window (exit {proc.returncode}):\n"
                         f"{proc.stderr[-2000:]}")


def measure(work: Path, *, repeats: int = 3) -> Row:
    """Row ``startup``: median seconds to a shown window over ``repeats`` starts of each side.

    Parameters
    ----------
    work : Path
        Scratch folder (the children's empty home, settings and data folders go there).
    repeats : int
        Timed starts per side, after one untimed start of each.
    """
    home = Path(tempfile.mkdtemp(prefix="startup-home-", dir=work))
    # nnFT's bytecode compiled first, as pip compiles an installed wheel's: where
    # PYTHONDONTWRITEBYTECODE is set (as on the development machines) every start would
    # otherwise compile ~100 modules (0.16 s), a cost no installed nnFT pays.
    import nnft.core
    import nnft.gui

    folders = [str(Path(p)) for module in (nnft.core, nnft.gui) for p in module.__path__]
    subprocess.run([PYTHON, "-m", "compileall", "-q", *folders], check=True,
                   capture_output=True, timeout=300)
    # One untimed start of each first: both then find Python's and Qt's files in the page
    # cache, as a user's second start would.
    _time_to_window("startup_nnft.py", home)
    _time_to_window("startup_bare.py", home)
    (nnft, nnft_all), (bare, bare_all) = alternate(
        repeats, lambda: _time_to_window("startup_nnft.py", home),
        lambda: _time_to_window("startup_bare.py", home))
    return Row("startup", nnft, bare, GOAL, "s",
               details={"nnft_runs_s": nnft_all, "bare_qwizard_runs_s": bare_all})
