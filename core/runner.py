"""Run one command (an argv list, never a shell string) as a child process.

One runner serves the CLI and the GUI: it streams the child's output line by line to a
callback, reports the exit status, cancels (SIGTERM, then SIGKILL) and asks nnFT's trainers for
a graceful stop (SIGUSR1: finish the epoch, write a checkpoint, exit 0).

Platform seam: everything POSIX-only lives here. On POSIX the child runs in its own process
group, so cancel reaches the data-augmentation and preprocessing workers nnU-Net forks. On
Windows the child gets its own process group (CREATE_NEW_PROCESS_GROUP); cancel sends
CTRL_BREAK_EVENT and then kills the tree with ``taskkill /T /F``; a graceful stop is not
available (there is no SIGUSR1), so ``request_graceful_stop`` returns False and callers fall back
to cancel.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

IS_WINDOWS = os.name == "nt"
#: A line ends at a newline or at a carriage return (a progress bar redrawing its line).
_LINE_END_RE = re.compile(rb"(\r|\n)")


class CommandNotFoundError(FileNotFoundError):
    """The program of an argv is not installed."""


def resolve_executable(program: str) -> str:
    """Find a program, preferring the folder of this interpreter.

    nnU-Net's console scripts (``nnUNetv2_train`` ...) are installed next to the Python that runs
    nnFT. Looking there first means a second nnU-Net on PATH (a common cause of "my custom
    trainer is not found", nnU-Net #2150) is never used by accident.
    """
    if os.path.sep in program or (os.path.altsep and os.path.altsep in program):
        return program
    here = Path(sys.executable).parent
    for candidate in (here / program, here / f"{program}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(program)
    if found is None:
        raise CommandNotFoundError(
            f"'{program}' was not found next to {sys.executable} or on PATH. Install nnU-Net "
            "into this environment (pip install nnunetv2) or activate the environment that has it."
        )
    return found


@dataclass
class RunResult:
    """How a command ended."""

    argv: list[str]
    exit_code: int | None
    duration_s: float
    tail: list[str] = field(default_factory=list)
    cancelled: bool = False
    stopped_gracefully: bool = False
    error: str | None = None
    #: The runner stopped following the command, which runs on (:meth:`CommandRunner.detach`).
    detached: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.error is None and not self.cancelled


class CommandRunner:
    """Run one argv as a child process and stream its output.

    Parameters
    ----------
    argv
        Program and arguments. ``argv[0]`` is resolved with :func:`resolve_executable`.
    env
        The child's full environment (None: inherit).
    cwd
        Working directory of the child.
    on_line
        Called with every output line (stdout and stderr merged, without line end). Carriage
        returns (progress bars) also end a line. Called from the thread that runs :meth:`run`.
    on_progress
        When given, lines ended by a carriage return (a progress bar redrawing itself, e.g.
        nnU-Net's tqdm bars at fingerprinting and preprocessing) go here instead of to
        ``on_line``. As in a terminal, the line after such a line (progress or not) replaces
        it on screen.
    log_path
        When given, every line is also appended to this file.
    tail_lines
        How many last lines :class:`RunResult` keeps for error reports.
    orphan_grace_s
        When the command's main process is gone (killed, e.g. by the out-of-memory killer) but
        its workers still hold the output open, they are ended after this many seconds. Without
        this, nnU-Net's data-augmentation workers outlive a SIGKILLed trainer for ever and the
        run never ends.
    detachable
        The child writes its output straight into ``log_path`` (which is then required) and the
        runner tails that file, instead of reading a pipe. The command can then outlive this
        process (:meth:`detach`): with a pipe, the child's next print after the reader's exit
        would hit a broken pipe and end it.
    on_spawn
        Called with the child's pid right after it was started (before its first output), from
        the thread that runs :meth:`run`; the executor writes its run record there.
    """

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: Path | str | None = None, on_line: Callable[[str], None] | None = None,
                 on_progress: Callable[[str], None] | None = None,
                 log_path: Path | None = None, tail_lines: int = 40,
                 orphan_grace_s: float = 5.0, detachable: bool = False,
                 on_spawn: Callable[[int], None] | None = None) -> None:
        if isinstance(argv, str) or not argv:
            raise TypeError("argv must be a non-empty list of strings, never a shell string")
        if detachable and log_path is None:
            raise ValueError("a detachable command writes into its log: give log_path")
        self.detachable = detachable
        self.on_spawn = on_spawn
        self._detached = threading.Event()
        self.argv = [str(a) for a in argv]
        self.env = dict(env) if env is not None else None
        self.cwd = str(cwd) if cwd is not None else None
        self.on_line = on_line
        self.on_progress = on_progress
        self._last_was_progress = False  # the tail's last line is a progress bar's state
        self.log_path = log_path
        self._tail: deque[str] = deque(maxlen=tail_lines)
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._cancelled = False
        self._stop_requested = False
        self._started = threading.Event()
        self._reading = False  # run() still reads the output (some process holds the pipe)
        self.orphan_grace_s = orphan_grace_s
        self._output_closed = threading.Event()
        self._orphans_ended = False

    @property
    def detach_requested(self) -> bool:
        """:meth:`detach` was called (the command runs on without this runner)."""
        return self._detached.is_set()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def run(self) -> RunResult:
        """Start the command, stream its output until it exits, and return how it ended."""
        start = time.monotonic()
        try:
            program = resolve_executable(self.argv[0])
        except CommandNotFoundError as exc:
            self._started.set()
            return RunResult(self.argv, None, 0.0, error=str(exc))
        kwargs: dict = {}
        if IS_WINDOWS:
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        else:
            kwargs["start_new_session"] = True
        with self._lock:
            if self._cancelled:
                self._started.set()
                return RunResult(self.argv, None, 0.0, cancelled=True)
            output = open(self.log_path, "ab") if self.detachable and self.log_path else None
            offset = output.tell() if output is not None else 0
            try:
                self._process = subprocess.Popen(  # argv list, no shell
                    [program, *self.argv[1:]],
                    stdout=output if output is not None else subprocess.PIPE,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env,
                    cwd=self.cwd, **kwargs,
                )
            except OSError as exc:
                self._started.set()
                return RunResult(self.argv, None, time.monotonic() - start,
                                 error=f"Could not start {program}: {exc.strerror or exc}")
            finally:
                if output is not None:
                    output.close()  # the child holds its own copy
        if self.on_spawn is not None:
            self.on_spawn(self._process.pid)
        self._started.set()
        if self.detachable:
            return self._run_tailing(self._process, offset, start)
        self._reading = True
        threading.Thread(target=self._end_orphans, args=(self._process,), daemon=True,
                         name="nnft-orphan-watch").start()
        log = open(self.log_path, "a", encoding="utf-8") if self.log_path else None
        try:
            try:
                self._pump(self._process, log)
            finally:
                self._reading = False
                self._output_closed.set()
            exit_code = self._process.wait()
            if self._orphans_ended:
                self._emit(b"nnFT: the command's main process ended, but worker processes of it "
                           b"kept running; nnFT ended them.", log)
        finally:
            if log is not None:
                log.close()
        return RunResult(
            self.argv, exit_code, time.monotonic() - start, tail=list(self._tail),
            cancelled=self._cancelled,
            stopped_gracefully=self._stop_requested and exit_code == 0 and not self._cancelled,
        )

    def _pump(self, process: subprocess.Popen[bytes], log) -> None:
        assert process.stdout is not None
        buffer = b""
        after_cr = False  # the last read ended in \r: a \n opening the next one ends no line
        while True:
            chunk = process.stdout.read1(65536) if hasattr(process.stdout, "read1") else \
                process.stdout.read(4096)
            if not chunk:
                break
            if after_cr and chunk.startswith(b"\n"):
                chunk = chunk[1:]
            after_cr = chunk.endswith(b"\r")
            buffer += chunk
            # Pieces alternate: text, its end (\n or \r), text, ...; the last text is unfinished.
            *pieces, buffer = _LINE_END_RE.split(buffer.replace(b"\r\n", b"\n"))
            for raw, end in zip(pieces[0::2], pieces[1::2], strict=True):
                self._emit(raw, log, progress=end == b"\r")
        if buffer:
            self._emit(buffer, log)

    def _emit(self, raw: bytes, log, progress: bool = False) -> None:
        line = raw.decode("utf-8", errors="replace")
        if self._last_was_progress and self._tail:
            # After a carriage return the next text overwrites the line, as in a terminal (a
            # progress bar's states would otherwise push an error out of the tail).
            self._tail[-1] = line
        else:
            self._tail.append(line)
        self._last_was_progress = progress
        if log is not None:
            log.write(line + "\n")
            log.flush()
        if progress and self.on_progress is not None:
            self.on_progress(line)
        elif self.on_line is not None:
            self.on_line(line)

    def _run_tailing(self, process: subprocess.Popen[bytes], offset: int,
                     start: float) -> RunResult:
        """Follow a detachable command through its log file until it ends or is detached."""
        assert self.log_path is not None
        self._reading = True
        lines = _LineSplitter(lambda raw: self._emit(raw, None))
        ended_at: float | None = None
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            while True:
                chunk = log.read(65536)
                if chunk:
                    lines.feed(chunk)
                    continue
                if self._detached.is_set():
                    self._reading = False
                    return RunResult(self.argv, None, time.monotonic() - start,
                                     tail=list(self._tail), detached=True)
                if process.poll() is not None:
                    # The main process is gone; workers of its group (nnU-Net's augmentation
                    # workers) may linger: wait a moment for them, then end them.
                    ended_at = ended_at if ended_at is not None else time.monotonic()
                    if not _group_alive(process):
                        break
                    if time.monotonic() - ended_at > self.orphan_grace_s:
                        self._orphans_ended = True
                        _kill_tree(process, quiet=True)
                time.sleep(TAIL_INTERVAL_S)
            lines.feed(log.read())
            lines.close()
        self._reading = False
        exit_code = process.wait()
        if self._orphans_ended:
            message = ("nnFT: the command's main process ended, but worker processes of it kept "
                       "running; nnFT ended them.")
            with open(self.log_path, "a", encoding="utf-8") as log_text:
                log_text.write(message + "\n")
            self._emit(message.encode(), None)
        return RunResult(
            self.argv, exit_code, time.monotonic() - start, tail=list(self._tail),
            cancelled=self._cancelled,
            stopped_gracefully=self._stop_requested and exit_code == 0 and not self._cancelled,
        )

    def detach(self) -> bool:
        """Stop following a detachable command and let it run on; :meth:`run` returns soon with
        ``detached=True``. False when the command cannot outlive this process (not detachable,
        or not running)."""
        process = self._process
        if not self.detachable or process is None or process.poll() is not None:
            return False
        self._detached.set()
        return True

    def _end_orphans(self, process: subprocess.Popen[bytes]) -> None:
        """Runs in a watcher thread: end workers that outlive the command's main process."""
        process.wait()
        if self._output_closed.wait(self.orphan_grace_s):
            return
        # The main process is gone but the output is still open: only its workers (same process
        # group, which keeps the group id reserved) can hold it. Nothing reads their results.
        self._orphans_ended = True
        _kill_tree(process, quiet=True)

    def wait_started(self, timeout: float | None = None) -> bool:
        """Block until the child was started (or failed to start)."""
        return self._started.wait(timeout)

    def cancel(self, grace_s: float = 10.0) -> None:
        """Stop the command and all its children: SIGTERM, then SIGKILL after ``grace_s``.

        Safe to call from any thread, before or after the start, and more than once.
        """
        with self._lock:
            self._cancelled = True
            process = self._process
        if process is None:
            return
        if process.poll() is not None:
            # The main process is gone, but workers of its group may live on and hold the output
            # pipe open, so run() keeps reading: end them too. (Only while reading: a member
            # still holds the group id then, so it cannot have been reused.)
            if self._reading:
                _kill_tree(process, quiet=True)
            return
        _terminate_tree(process)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            try:
                process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                pass
        else:
            # The main process is gone; make sure no worker of its group lingers.
            _kill_tree(process, quiet=True)

    def request_graceful_stop(self) -> bool:
        """Ask an nnFT trainer to finish its epoch, checkpoint and exit 0 (SIGUSR1).

        Only the main process is signalled: SIGUSR1's default action would kill nnU-Net's
        data-augmentation workers. Returns False where no graceful stop exists (Windows, or the
        process is not running); then use :meth:`cancel`.
        """
        process = self._process
        if IS_WINDOWS or process is None or process.poll() is not None:
            return False
        try:
            os.kill(process.pid, signal.SIGUSR1)
        except ProcessLookupError:
            return False
        self._stop_requested = True
        return True


#: How often a detachable command's log is looked at for new output (seconds).
TAIL_INTERVAL_S = 0.1


class _LineSplitter:
    """Bytes in, lines out: ``\n``, ``\r\n`` and ``\r`` (progress bars) end a line."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self.emit = emit
        self.buffer = b""
        self.after_cr = False

    def feed(self, chunk: bytes) -> None:
        if self.after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self.after_cr = chunk.endswith(b"\r")
        self.buffer += chunk
        *lines, self.buffer = self.buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n") \
            .split(b"\n")
        for raw in lines:
            self.emit(raw)

    def close(self) -> None:
        if self.buffer:
            self.emit(self.buffer)
            self.buffer = b""


def _group_alive(process: subprocess.Popen[bytes]) -> bool:
    """Some process of the command's group still runs (POSIX; on Windows: the main one)."""
    if IS_WINDOWS:
        return process.poll() is None
    try:
        os.killpg(process.pid, 0)
    except (ProcessLookupError, PermissionError, OSError):
        return False
    return True


def _terminate_tree(process: subprocess.Popen[bytes]) -> None:
    try:
        if IS_WINDOWS:
            process.send_signal(signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
        else:
            os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _kill_tree(process: subprocess.Popen[bytes], quiet: bool = False) -> None:
    try:
        if IS_WINDOWS:
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)],
                           capture_output=True, check=False)
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        if not quiet:
            raise
