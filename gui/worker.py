"""The QThread backend: runs core's ChainExecutor off the GUI thread.

The executor (and its CommandRunner) is the same one the CLI uses. The worker thread only runs
it and posts its events to a :class:`~nnft.gui.background.GuiInbox` (a queue drained by a QTimer
in the GUI thread, the mechanism :class:`~nnft.gui.background.BackgroundTasks` uses too), which
emits the signals the pages connect to. No Python object crosses threads through a queued Qt
signal (PySide6 6.x mis-counts references of ``Signal(object)`` payloads queued across threads,
which crashed a long training), and a burst of output lines is drawn in one go, not line by line.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnft.core.executor import ChainExecutor, ChainOutcome, StepEvent
from nnft.core.steps import Step
from nnft.core.training_log import TrainingLogParser
from nnft.core.workspace import Workspace
from nnft.gui.background import GuiInbox
from nnft.gui.language import core_text

DRAIN_INTERVAL_MS = 100


class ChainWorker(QObject):
    """Lives in the worker thread; :meth:`run` executes the chosen steps."""

    def __init__(self, build_steps: Callable[[], list[Step]], workspace: Workspace,
                 only: set[str] | None, post: Callable[[object], None]) -> None:
        super().__init__()
        self.post = post
        self.executor = ChainExecutor(build_steps, workspace, on_event=post, only=only)
        self.done = False  # set in the worker thread; read from the GUI thread

    @Slot()
    def run(self) -> None:
        try:
            outcome = self.executor.run()
        except Exception as exc:  # reported to the GUI, never lost
            self.post(("crashed", exc))
            outcome = ChainOutcome(failed_step="?", message=str(exc))
        self.post(("chain_finished", outcome))
        self.done = True
        # End the thread's event loop from here, so QThread.wait() in the GUI thread returns
        # without needing the GUI event loop (closeEvent waits like that).
        QThread.currentThread().quit()

#: Ends a line of ``ChainRun.line_received`` that a carriage return ended in the output.
PROGRESS_END = "\r"


class ChainRun(QObject):
    """One run of (part of) the chain in its own QThread, with cancel and graceful stop.

    All signals are emitted in the GUI thread.
    """

    step_started = Signal(str, str, str)  # step key, command line, log path
    # Step key, output line. A line ending in PROGRESS_END is a progress bar's state: the next
    # line replaces it on screen (LogConsole.append_line does that).
    line_received = Signal(str, str)
    step_skipped = Signal(str)  # step key
    step_finished = Signal(str, str, str, list, str)  # key, status, message, tail, log path
    epoch_completed = Signal(str, object)  # step key, EpochRecord
    validation_case_started = Signal(str, str)  # step key, case (nnU-Net's final validation)
    crashed = Signal(str)  # traceback of an unexpected exception
    finished = Signal(object)  # ChainOutcome

    def __init__(self, build_steps: Callable[[], list[Step]], workspace: Workspace,
                 only: set[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inbox = GuiInbox(self._handle, DRAIN_INTERVAL_MS, parent=self)
        self.thread = QThread()
        self.thread.setObjectName("nnftChainThread")
        self.worker = ChainWorker(build_steps, workspace, only, self.inbox.post)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self._parsers: dict[str, TrainingLogParser] = {}
        self._running = False
        self.outcome: ChainOutcome | None = None

    def start(self) -> None:
        self._running = True
        self.thread.start()
        self.inbox.start()

    @property
    def running(self) -> bool:
        """True until the chain's end has been delivered to the GUI."""
        return self._running

    def cancel(self) -> None:
        """Terminate the running command and its workers (safe from the GUI thread)."""
        self.worker.executor.cancel()

    def stop_gracefully(self) -> bool:
        """Ask an nnFT trainer to finish its epoch, checkpoint and exit."""
        return self.worker.executor.stop_gracefully()

    def can_stop_gracefully(self) -> bool:
        """The running command is an nnFT trainer (it can stop after its epoch)."""
        return self.worker.executor.can_stop_gracefully()

    def can_detach(self) -> bool:
        """The running command can be left running when the wizard quits (a training)."""
        return self.worker.executor.can_detach()

    def detach(self) -> bool:
        """Leave the running training running on its own; the chain's run ends soon after."""
        return self.worker.executor.detach()

    def log_parser(self, key: str) -> TrainingLogParser | None:
        """The parser of a training step's live output (GUI thread), None before it started.

        Its epochs' EMA starts afresh with each run: use
        :func:`nnft.core.training_history.append_epoch` to continue a fold's history."""
        return self._parsers.get(key)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker thread ended, then deliver what it left."""
        finished = self.thread.wait(timeout_ms)
        self.drain()
        return finished

    @Slot()
    def drain(self) -> None:
        """Deliver the events queued so far (GUI thread)."""
        self.inbox.drain()

    def _handle(self, item) -> None:
        if isinstance(item, StepEvent):
            self._deliver(item)
        elif item[0] == "crashed":
            exc = item[1]
            self.crashed.emit("".join(traceback.format_exception(exc)))
            # The application's excepthook logs it and shows one dialog (gui/app.py).
            sys.excepthook(type(exc), exc, exc.__traceback__)
        elif item[0] == "chain_finished":
            self.inbox.stop()
            self.thread.wait(5000)
            self._running = False
            self.outcome = item[1]
            self.finished.emit(item[1])

    def _deliver(self, event: StepEvent) -> None:
        key = event.step.key
        if event.kind == "started":
            if event.step.is_training:
                self._parsers[key] = TrainingLogParser()
            self.step_started.emit(key, event.step.command_line(), str(event.log_path or ""))
        elif event.kind == "line":
            self.line_received.emit(key, event.line + PROGRESS_END if event.progress
                                    else event.line)
            parser = self._parsers.get(key)
            cases = len(parser.validation_cases) if parser is not None else 0
            record = parser.feed_line(event.line) if parser is not None else None
            if record is not None:
                self.epoch_completed.emit(key, record)
            if parser is not None and len(parser.validation_cases) > cases:
                self.validation_case_started.emit(key, parser.validation_cases[-1])
        elif event.kind == "skipped":
            self.step_skipped.emit(key)
        elif event.kind == "finished":
            tail = list(event.result.tail) if event.result else []
            # core_text: a failure explained by core.failures is a template the page shows
            # in the wizard's language (a Signal(str) would drop the template).
            self.step_finished.emit(key, event.status.value, core_text(event.message), tail,
                                    str(event.log_path or ""))
