"""Run the chain's steps in order: skip what is done, stop at the first failure.

One executor serves the CLI (called directly) and the wizard (inside a QThread worker). It
reports through one callback; cancel and graceful stop may be called from another thread.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path

from . import command_history, run_records
from .failures import explain_failure, read_log_lines
from .i18n import text
from .runner import IS_WINDOWS, CommandRunner, RunResult
from .steps import GRACEFUL_STOP_TRAINERS, Step, StepRefused
from .workspace import Workspace


class StepStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STOPPED = "stopped"
    #: Left running on its own when nnFT quit (its run record lets the next nnFT find it).
    DETACHED = "detached"


@dataclass
class StepEvent:
    """What the executor reports: ``kind`` is started, line, skipped or finished."""

    kind: str
    step: Step
    status: StepStatus
    line: str = ""
    #: A "line" ended by a carriage return: a progress bar's state, which the next line
    #: replaces on screen (see ``CommandRunner.on_progress``).
    progress: bool = False
    result: RunResult | None = None
    message: str = ""
    log_path: Path | None = None


@dataclass
class ChainOutcome:
    """How a run of the chain ended."""

    statuses: dict[str, StepStatus] = field(default_factory=dict)
    failed_step: str | None = None
    message: str = ""
    durations_s: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failed_step is None and all(
            s in (StepStatus.DONE, StepStatus.SKIPPED) for s in self.statuses.values())


class ChainExecutor:
    """Execute steps built fresh before each step (their commands depend on what is on disk).

    Parameters
    ----------
    build_steps
        Returns the chain's steps; called again before every step.
    workspace
        For the child environment and the log folder.
    on_event
        Receives every :class:`StepEvent`.
    only
        Step keys to run (default all).
    """

    def __init__(self, build_steps: Callable[[], list[Step]], workspace: Workspace,
                 on_event: Callable[[StepEvent], None] | None = None,
                 only: set[str] | None = None, log_dir: Path | None = None) -> None:
        self.build_steps = build_steps
        self.workspace = workspace
        self.on_event = on_event or (lambda event: None)
        self.only = only
        self.log_dir = log_dir or (workspace.state_dir / "logs")
        self._runner: CommandRunner | None = None
        self._current: Step | None = None
        self._cancelled = False
        self._lock = threading.Lock()
        # The step log and exit status of the last command, for the command history.
        self._last_log: Path | None = None
        self._last_exit_code: int | None = None

    def run(self) -> ChainOutcome:
        outcome = ChainOutcome()
        keys = [s.key for s in self.build_steps() if self.only is None or s.key in self.only]
        for key in keys:
            outcome.statuses[key] = StepStatus.PENDING
        for key in keys:
            if self._cancelled:
                outcome.statuses[key] = StepStatus.CANCELLED
                outcome.failed_step = outcome.failed_step or key
                continue
            step = next((s for s in self.build_steps() if s.key == key), None)
            if step is None:  # the chain changed under us; nothing sensible to run
                outcome.statuses[key] = StepStatus.FAILED
                outcome.failed_step, outcome.message = key, "the step no longer exists"
                break
            if step.is_done():
                outcome.statuses[key] = StepStatus.SKIPPED
                self.on_event(StepEvent("skipped", step, StepStatus.SKIPPED,
                                        message="outputs already exist and are consistent"))
                continue
            start = time.monotonic()
            started = command_history.now_iso()
            status, message = self._run_step(step)
            outcome.durations_s[key] = time.monotonic() - start
            self._record_history(step, started, outcome.durations_s[key], status, message)
            outcome.statuses[key] = status
            if status is not StepStatus.DONE:
                outcome.failed_step = key
                outcome.message = message
                self._cancelled = self._cancelled or status is not StepStatus.FAILED
                # Steps after a failure stay pending: nothing was tried.
                break
        return outcome

    def _record_history(self, step: Step, started: str, duration_s: float,
                        status: StepStatus, message: str) -> None:
        """Append the ended command to the workspace's command history (the run report reads
        it); a state folder that cannot be written must not fail the chain."""
        record = command_history.CommandRecord(
            step=step.key, command=step.command_line(), argv=list(step.argv or []),
            started=started, duration_s=round(duration_s, 3), exit_code=self._last_exit_code,
            status=status.value, message=message,
            log=str(self._last_log) if self._last_log else "")
        try:
            command_history.append_record(self.workspace.state_dir, record)
        except OSError:
            pass

    def _run_step(self, step: Step) -> tuple[StepStatus, str]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        log_path = self.log_dir / f"{stamp}_{step.key}.log"
        self._last_log, self._last_exit_code = log_path, None
        with self._lock:
            self._current = step
        self.on_event(StepEvent("started", step, StepStatus.RUNNING, log_path=log_path))

        def emit(line: str) -> None:
            self.on_event(StepEvent("line", step, StepStatus.RUNNING, line=line))

        def emit_progress(line: str) -> None:
            self.on_event(StepEvent("line", step, StepStatus.RUNNING, line=line, progress=True))

        if step.action is not None:
            return self._run_action(step, log_path, emit)

        with open(log_path, "w", encoding="utf-8") as log:
            log.write(f"$ {step.command_line()}\n")
        if step.before_start is not None:
            refused = self._before_start(step, log_path, emit)
            if refused is not None:
                return refused
        env = self.workspace.child_environment(extra=step.env)
        record: list[Path] = []

        def write_record(pid: int) -> None:
            # Before the command's first output: whoever looks (a reopened wizard, nnft
            # monitor) learns from facts that it runs, not from its log's age.
            try:
                path = run_records.write_record(
                    self.workspace.state_dir, pid, step.argv or [], step=step.key,
                    log_path=log_path,
                    fold_dir=step.outputs[0].parent if step.is_training and step.outputs
                    else None)
            except OSError:
                return  # a read-only state folder must not fail the step
            if path is not None:
                record.append(path)

        # Trainings may be left running when nnFT quits (detach): their output goes to the log
        # file, not through a pipe to this process. Their done-ness is read from disk (no
        # after_done work is skipped by detaching; tests/core/test_run_records.py keeps it so).
        runner = CommandRunner(step.argv or [], env=env, on_line=emit, on_progress=emit_progress,
                               log_path=log_path, detachable=step.is_training and not IS_WINDOWS,
                               on_spawn=write_record)
        with self._lock:
            self._runner = runner
            if self._cancelled:
                runner.cancel()
        try:
            result = runner.run()
        finally:
            with self._lock:
                self._runner = None
            if not runner.detach_requested:
                for path in record:
                    run_records.remove_record(path)
        self._last_exit_code = None if result.detached else result.exit_code
        if result.detached:
            status, message = StepStatus.DETACHED, (
                f"left running on its own (process {runner.pid}); its output goes on into "
                f"{log_path}")
        elif result.error:
            status, message = StepStatus.FAILED, result.error
        elif result.cancelled:
            status, message = StepStatus.CANCELLED, "cancelled by the user"
        elif result.stopped_gracefully and not step.is_done():
            status, message = StepStatus.STOPPED, (
                "stopped after a checkpoint; run again to continue where it stopped")
        elif result.exit_code != 0:
            status, message = StepStatus.FAILED, _exit_message(result.exit_code)
            # Name the case, value or file from the step's own output instead of sending the
            # user to read the log (nnU-Net's verification prints them above its exception).
            # A full disk is looked up where the step writes (its first output's folder),
            # which may be another disk than the nnU-Net root.
            explanation = explain_failure(step.key, read_log_lines(log_path) or result.tail,
                                          self.workspace, output_folder=step.outputs[0].parent
                                          if step.outputs else None)
            if explanation is not None:
                message = text("{exit}: {explanation}", exit=message,
                               explanation=explanation.as_text())
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(f"nnFT: {message}\n")
        elif not step.is_done():
            status, message = StepStatus.FAILED, (
                "exited 0, but its outputs are missing or incomplete")
        else:
            status, message = StepStatus.DONE, ""
            if step.after_done is not None:
                step.after_done()
        self.on_event(StepEvent("finished", step, status, result=result, message=message,
                                log_path=log_path))
        return status, message

    def _before_start(self, step: Step, log_path: Path,
                      emit: Callable[[str], None]) -> tuple[StepStatus, str] | None:
        """Run the step's ``before_start`` hook (guards, backups, markers).

        Lines it returns go to the step log and the events (e.g. where a backup went). When it
        raises (a guard refused, or a backup failed), the step fails before its command starts.
        """
        assert step.before_start is not None
        try:
            notes = step.before_start() or []
        except Exception as exc:  # a failed guard or backup fails the step
            message = str(exc) if isinstance(exc, StepRefused) else f"{type(exc).__name__}: {exc}"
            lines = message.splitlines() or [message]
            with open(log_path, "a", encoding="utf-8") as log:
                log.write("\n".join(lines) + "\n")
            for line in lines:
                emit(line)
            self.on_event(StepEvent("finished", step, StepStatus.FAILED, message=lines[0],
                                    log_path=log_path,
                                    result=RunResult(list(step.argv or []), None, 0.0,
                                                     tail=lines)))
            return StepStatus.FAILED, lines[0]
        if notes:
            with open(log_path, "a", encoding="utf-8") as log:
                log.write("\n".join(notes) + "\n")
            for line in notes:
                emit(line)
        return None

    def _run_action(self, step: Step, log_path: Path,
                    emit: Callable[[str], None]) -> tuple[StepStatus, str]:
        lines: list[str] = []

        def log(line: str) -> None:
            lines.append(line)
            emit(line)

        try:
            assert step.action is not None
            step.action(log)
        except Exception as exc:  # any failure of a file step fails the step
            status, message = StepStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            status, message = ((StepStatus.DONE, "") if step.is_done() else
                               (StepStatus.FAILED, "its outputs are missing after it ran"))
        log_path.write_text("\n".join([f"$ {step.command_line()}", *lines]) + "\n",
                            encoding="utf-8")
        self.on_event(StepEvent("finished", step, status, message=message, log_path=log_path,
                                result=RunResult([], 0 if status is StepStatus.DONE else 1, 0.0,
                                                 tail=lines)))
        return status, message

    def cancel(self) -> None:
        """Stop now: the running command and its workers are terminated."""
        with self._lock:
            self._cancelled = True
            runner = self._runner
        if runner is not None:
            runner.cancel()

    def detach(self) -> bool:
        """Stop following the running training and let it run on (nnFT is about to quit).

        The executor's run ends soon after with the step :attr:`StepStatus.DETACHED`; its run
        record stays, so the next nnFT finds and follows the training. False when the running
        command cannot outlive this process (not a training, or Windows).
        """
        with self._lock:
            runner = self._runner
        if runner is None or not runner.detach():
            return False
        with self._lock:
            self._cancelled = True  # no further step starts
        return True

    def can_detach(self) -> bool:
        """The running command could be left running when nnFT quits."""
        with self._lock:
            runner = self._runner
        return runner is not None and runner.detachable and runner.pid is not None

    def can_stop_gracefully(self) -> bool:
        """A training with an nnFT trainer runs: :meth:`stop_gracefully` would be heard."""
        with self._lock:
            runner, step = self._runner, self._current
        if runner is None or step is None or not step.is_training or IS_WINDOWS:
            return False
        trainer = step.argv[step.argv.index("-tr") + 1] if step.argv and "-tr" in step.argv \
            else ""
        return trainer in GRACEFUL_STOP_TRAINERS

    def stop_gracefully(self) -> bool:
        """Ask a running nnFT trainer to checkpoint and exit. False if not possible now."""
        with self._lock:
            runner = self._runner
        if runner is None or not self.can_stop_gracefully():
            return False
        with self._lock:
            self._cancelled = True
        return runner.request_graceful_stop()


def _exit_message(exit_code: int | None) -> str:
    """``exited with status N``, or which signal ended the command (a negative status)."""
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        hint = (" (by the out-of-memory killer? then use fewer workers: --workers, --da-workers)"
                if name == "SIGKILL" else "")
        return f"was killed by {name}{hint}"
    return f"exited with status {exit_code}"
