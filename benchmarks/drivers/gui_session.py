"""One wizard process, measured from inside: the fine-tuning page follows a training that runs
outside the wizard, then its Check weights button is clicked.

A 10 ms QTimer in the GUI thread records the longest gap between its ticks (an idle thread: about
10 ms; a blocked one: as long as it was blocked). Phases:

1. follow: the wizard is built like ``nnft-wizard`` builds it and opened on the page named
   ``finetunePage``; a child process appends one epoch to the fold's training log every few
   seconds (``--appender``); measured for ``--follow-seconds``.
2. the appender is stopped and the log made old, so the page stops following by itself (waited
   for up to 30 s), then ``checkWeightsButton`` is clicked (first click: torch is not imported
   yet) and measured until ``weightsVerdict`` shows a verdict (✓ or ✗), whether the page checks
   in the GUI thread or in the background.

Resident memory (VmRSS) is sampled throughout. Prints one JSON object.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

TICK_MS = 10
STOP_FOLLOW_TIMEOUT_S = 30.0  # one follow tick on a large workspace can block for seconds
VERDICT_TIMEOUT_S = 180.0
TAIL_S = 0.3


def memory_mb() -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of this process, in MB."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
    return values


class Session:
    def __init__(self, wizard, page, args) -> None:
        self.wizard, self.page, self.args = wizard, page, args
        self.appender = None
        self.phase = "settle"
        self.phase_start = time.perf_counter()
        self.last_tick = self.phase_start
        self.max_gap = 0.0
        self.result: dict = {}
        self.rss_samples: list[float] = []
        self.last_sample = 0.0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)

    # -- the 10 ms probe ----------------------------------------------------------------------
    def start(self) -> None:
        self.appender = subprocess.Popen(json.loads(self.args.appender))
        self.wizard.show()
        self.enter("settle")
        self.timer.start()

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.phase_start = self.last_tick = time.perf_counter()
        self.max_gap = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last_tick)
        self.last_tick = now
        if now - self.last_sample > 0.25:
            self.rss_samples.append(memory_mb()["VmRSS"])
            self.last_sample = now
        getattr(self, f"on_{self.phase}")(now - self.phase_start)

    # -- phases -------------------------------------------------------------------------------
    def on_settle(self, elapsed: float) -> None:
        if elapsed >= self.args.settle_seconds:
            self.result["settle_max_gap_ms"] = self.max_gap * 1000
            self.enter("follow")
            self.rss_samples.clear()

    def following(self):
        timer = getattr(self.page, "follow_timer", None)
        return timer.isActive() if timer is not None else None

    def on_follow(self, elapsed: float) -> None:
        if elapsed < self.args.follow_seconds:
            return
        self.result.update({
            "follow_max_gap_ms": self.max_gap * 1000,
            "follow_seconds": elapsed,
            "following": self.following(),
            "follow_status": self.find(QLabel, "trainingStatus").text(),
            "rss_follow_peak_mb": max(self.rss_samples, default=memory_mb()["VmRSS"]),
        })
        self.appender.terminate()
        self.appender.wait()
        old = time.time() - 3600
        os.utime(self.args.log, (old, old))
        self.enter("stop_following")

    def on_stop_following(self, elapsed: float) -> None:
        following = self.following()
        if following is None:
            done = elapsed >= 4.0  # no timer to ask: one follow interval and a margin
        else:
            done = not following or elapsed >= STOP_FOLLOW_TIMEOUT_S
        if done:
            self.result["stopped_following"] = not self.following()
            self.verdict = self.find(QLabel, "weightsVerdict")
            self.verdict_before = self.verdict.text()
            self.enter("check_weights")
            self.result["torch_imported_before_click"] = "torch" in sys.modules
            QTimer.singleShot(0, self.find(QPushButton, "checkWeightsButton").click)

    def on_check_weights(self, elapsed: float) -> None:
        text = self.verdict.text()
        if text != self.verdict_before and text[:1] in ("✓", "✗"):
            self.result.update({"check_weights_seconds": elapsed, "verdict": text})
            self.check_gap = self.max_gap
            self.phase = "tail"
            self.tail_start = time.perf_counter()
        elif elapsed > VERDICT_TIMEOUT_S:
            self.result["error"] = f"no verdict after {VERDICT_TIMEOUT_S} s: {text!r}"
            self.finish()

    def on_tail(self, elapsed: float) -> None:  # timed from tail_start, not elapsed
        if time.perf_counter() - self.tail_start >= TAIL_S:
            self.result["check_weights_max_gap_ms"] = max(self.check_gap, self.max_gap) * 1000
            self.result["rss_after_check_weights_mb"] = memory_mb()["VmRSS"]
            self.finish()

    def finish(self) -> None:
        self.timer.stop()
        if self.appender is not None and self.appender.poll() is None:
            self.appender.terminate()
        self.result["peak_rss_mb"] = memory_mb()["VmHWM"]
        print(json.dumps(self.result), flush=True)
        QApplication.quit()

    def find(self, kind, name):
        # On the fine-tuning page: the pretraining page has controls of the same names.
        widget = self.page.findChild(kind, name)
        if widget is None:
            raise LookupError(f"no {kind.__name__} named {name!r} on finetunePage "
                              "(docs/ui-contract.md)")
        return widget


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--pretrain", required=True)
    parser.add_argument("--finetune", required=True)
    parser.add_argument("--log", required=True, help="the followed training log")
    parser.add_argument("--appender", required=True, help="argv (JSON) of the log appender")
    parser.add_argument("--follow-seconds", type=float, default=20.0)
    parser.add_argument("--settle-seconds", type=float, default=1.0)
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    # As nnft-wizard's main(), without its exception dialog (modal: nobody would close it).
    app.setApplicationName("nnFT")
    app.setOrganizationName("nnFT")
    from nnft.core.wizard_state import WizardState
    from nnft.core.workspace import Workspace
    from nnft.gui.app import load_translations
    from nnft.gui.wizard import NnftWizard

    load_translations(app)
    state = WizardState(workspace=Workspace.from_root(args.workspace), pretrain=args.pretrain,
                        finetune=args.finetune)
    # Through with_options, not RunOptions itself: its module moves (pipeline → steps).
    state.with_options(configuration="2d", device="cpu")
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "settings.ini"),
                         QSettings.Format.IniFormat)
    wizard = NnftWizard(state, settings=settings)
    page_id = next(i for i in wizard.pageIds() if wizard.page(i).objectName() == "finetunePage")
    wizard.setStartId(page_id)  # opened on the fine-tuning page, as a user returning to it
    session = Session(wizard, wizard.findChild(QWidget, "finetunePage"), args)
    QTimer.singleShot(0, session.start)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
