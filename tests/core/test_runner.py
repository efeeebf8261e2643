"""Tests of nnft.core.runner.CommandRunner with real child processes (no subprocess mocks).

Every child is a small Python script run with ``sys.executable -c``. Where a test needs the
child to be at a certain point (handler installed, grandchild started), the child prints a line
and the test waits for that line; where the child must wait for the test, it polls for a gate
file the test creates. Nothing sleeps for a fixed time.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nnft.core import runner as runner_mod
from nnft.core.runner import CommandNotFoundError, CommandRunner, RunResult, resolve_executable

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX signals and process groups")
PY = sys.executable


# -- helpers ---------------------------------------------------------------------------------
def script(source: str) -> list[str]:
    """argv that runs ``source`` (dedented) in a fresh interpreter."""
    return [PY, "-c", textwrap.dedent(source)]


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll ``predicate`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.01)


def pid_gone(pid: int) -> bool:
    """True when ``pid`` no longer runs.

    ``os.kill(pid, 0)`` raising ProcessLookupError is the proof. A killed grandchild is
    re-parented to PID 1, and in a container PID 1 may never reap it, so a zombie (state Z in
    /proc) also counts as gone: it runs no code and holds no resources but its pid.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def read_pid(path: Path) -> int:
    wait_for(lambda: path.is_file() and path.read_text().strip() != "", what=str(path))
    return int(path.read_text())


class Background:
    """Run a CommandRunner in a thread, collect its lines, and wait for a given line."""

    def __init__(self, argv: list[str], **kwargs) -> None:
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.runner = CommandRunner(argv, on_line=self._on_line, **kwargs)
        self.result: RunResult | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _on_line(self, line: str) -> None:
        with self._seen:
            self.lines.append(line)
            self._seen.notify_all()

    def _run(self) -> None:
        self.result = self.runner.run()

    def start(self) -> Background:
        self.thread.start()
        return self

    def wait_line(self, line: str, timeout: float = 10.0) -> None:
        with self._seen:
            if not self._seen.wait_for(lambda: line in self.lines, timeout):
                pytest.fail(f"child never printed {line!r}; got {self.lines}")

    def join(self, timeout: float = 10.0) -> RunResult:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"run() did not return within {timeout} s"
        assert self.result is not None
        return self.result


@pytest.fixture
def cleanup_pids():
    """Pids a test registers here are SIGKILLed at teardown if they still run."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# -- argv ------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["python -c 'print(1)'", "", []])
def test_argv_must_be_a_non_empty_list(bad):
    """A shell string (or nothing) is refused before anything runs."""
    with pytest.raises(TypeError, match="argv"):
        CommandRunner(bad)


def test_arguments_are_passed_literally_without_a_shell(tmp_path):
    """Shell syntax in an argument reaches the child verbatim and is never executed."""
    tricks = ["$(touch X1)", "; touch X2", "`touch X3`", "| touch X4", "&& touch X5", "*"]
    lines: list[str] = []
    result = CommandRunner(
        script("import json, sys; print(json.dumps(sys.argv[1:]))") + tricks,
        cwd=tmp_path, on_line=lines.append,
    ).run()
    assert result.ok
    assert json.loads(lines[0]) == tricks
    assert list(tmp_path.iterdir()) == []  # no X1..X5 created in the child's cwd


# -- streaming -------------------------------------------------------------------------------
def test_lines_stream_before_the_child_exits(tmp_path):
    """on_line sees a line while the child still runs: the child only goes on (and exits 0)
    once the test, reacting to that line, has created a gate file."""
    gate = tmp_path / "gate"
    seen_while_running: list[bool] = []

    def on_line(line: str) -> None:
        if line == "waiting":
            seen_while_running.append(runner._process.poll() is None)
            gate.touch()

    runner = CommandRunner(script(f"""
        import pathlib, sys, time
        print("waiting", flush=True)
        gate = pathlib.Path({str(gate)!r})
        deadline = time.monotonic() + 10
        while not gate.exists():
            if time.monotonic() > deadline:
                sys.exit(7)
            time.sleep(0.01)
        print("released", flush=True)
    """), on_line=on_line)
    result = runner.run()
    assert seen_while_running == [True]
    assert result.exit_code == 0, result.tail
    assert result.tail == ["waiting", "released"]


def test_many_lines_arrive_in_order():
    """Hundreds of lines, in several pipe reads, arrive complete and in order."""
    lines: list[str] = []
    result = CommandRunner(
        script("for i in range(3000): print(f'line {i} ' + 'x' * 40)"), on_line=lines.append,
    ).run()
    assert result.ok
    assert lines == [f"line {i} " + "x" * 40 for i in range(3000)]


def test_carriage_returns_end_lines():
    """Progress-bar output (\\r), \\r\\n and a last line without line end become lines."""
    lines: list[str] = []
    CommandRunner(script(r"""
        import sys
        sys.stdout.write("10%\r50%\r100%\r\nnext\nlast")
    """), on_line=lines.append).run()
    assert lines == ["10%", "50%", "100%", "next", "last"]


def test_progress_bar_states_go_to_on_progress_and_leave_the_tail(tmp_path):
    """tqdm redraws its bar with a leading \r and ends it with \n: its states (lines ended by
    \r) go to ``on_progress``; the tail keeps only what a terminal would show."""
    lines: list[str] = []
    progress: list[str] = []
    log = tmp_path / "step.log"
    result = CommandRunner(script(r"""
        import sys
        sys.stdout.write("start\n")
        for percent in range(0, 101, 10):
            sys.stdout.write(f"\r{percent:3d}%|bar|")
        sys.stdout.write("\ndone\nerror here\n")
    """), on_line=lines.append, on_progress=progress.append, log_path=log,
        tail_lines=5).run()
    assert lines == ["start", "100%|bar|", "done", "error here"]
    assert progress == ["", *[f"{p:3d}%|bar|" for p in range(0, 100, 10)]]
    assert result.tail == ["start", "100%|bar|", "done", "error here"]
    assert " 50%|bar|" in log.read_text()  # the log keeps everything


def test_crlf_split_across_reads_is_one_line_end(tmp_path):
    """A \\r\\n whose \\r and \\n arrive in different reads ends one line, not two.

    The child writes ``a\\r``, then waits (gate file, created when ``a`` arrives) before
    writing ``\\nb\\n``, so the two halves surely come in separate reads.
    """
    gate = tmp_path / "gate"
    lines: list[str] = []

    def on_line(line: str) -> None:
        lines.append(line)
        gate.touch()

    CommandRunner(script(f"""
        import pathlib, sys, time
        sys.stdout.write("a\\r"); sys.stdout.flush()
        gate = pathlib.Path({str(gate)!r})
        deadline = time.monotonic() + 10
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        sys.stdout.write("\\nb\\n"); sys.stdout.flush()
    """), on_line=on_line).run()
    assert lines == ["a", "b"]


def test_invalid_utf8_is_replaced_not_fatal():
    """Bytes that are not UTF-8 become U+FFFD; valid multi-byte text survives."""
    lines: list[str] = []
    result = CommandRunner(script(r"""
        import sys
        sys.stdout.buffer.write(b"bad \xff\xfe end\n" + "Größe é\n".encode())
    """), on_line=lines.append).run()
    assert result.ok
    assert lines == ["bad \ufffd\ufffd end", "Größe é"]


def test_stdout_and_stderr_are_merged_in_order():
    """stderr lines come through the same stream, interleaved as written."""
    lines: list[str] = []
    CommandRunner(script("""
        import sys
        print("out 1", flush=True)
        print("err 1", file=sys.stderr, flush=True)
        print("out 2", flush=True)
        print("err 2", file=sys.stderr, flush=True)
    """), on_line=lines.append).run()
    assert lines == ["out 1", "err 1", "out 2", "err 2"]


def test_log_file_gets_every_line_appended(tmp_path):
    """log_path receives the lines after what it already holds (a header, say)."""
    log = tmp_path / "step.log"
    log.write_text("$ header\n", encoding="utf-8")
    CommandRunner(script("print('one'); print('two\\rthree')"), log_path=log).run()
    assert log.read_text(encoding="utf-8") == "$ header\none\ntwo\nthree\n"


def test_tail_keeps_the_last_lines():
    """RunResult.tail holds exactly the last ``tail_lines`` lines."""
    result = CommandRunner(script("for i in range(10): print(i)"), tail_lines=3).run()
    assert result.tail == ["7", "8", "9"]


def test_env_and_cwd_reach_the_child(tmp_path):
    """The given environment replaces the inherited one, and cwd is the child's folder."""
    lines: list[str] = []
    env = {"NNFT_TEST_VALUE": "hello", "PATH": os.environ.get("PATH", "")}
    CommandRunner(script("import os; print(os.environ.get('NNFT_TEST_VALUE')); "
                         "print(os.getcwd()); print('HOME' in os.environ)"),
                  env=env, cwd=tmp_path, on_line=lines.append).run()
    assert lines == ["hello", str(tmp_path.resolve()), "False"]


# -- exit status -----------------------------------------------------------------------------
@pytest.mark.parametrize("code", [0, 3])
def test_exit_code_is_reported(code):
    """The child's exit status is RunResult.exit_code; only 0 is ok."""
    result = CommandRunner(script(f"import sys; sys.exit({code})")).run()
    assert result.exit_code == code
    assert result.ok is (code == 0)
    assert result.error is None and not result.cancelled and not result.stopped_gracefully
    assert result.duration_s > 0


@POSIX_ONLY
def test_death_by_signal_is_a_negative_exit_code():
    """A child killed by a signal reports minus the signal number, and is not ok."""
    result = CommandRunner(script("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")).run()
    assert result.exit_code == -signal.SIGKILL
    assert not result.ok and not result.cancelled


def test_missing_program_is_an_error_not_an_exception():
    """An uninstalled program gives RunResult.error naming it; nothing is raised."""
    runner = CommandRunner(["nnft-no-such-program-xyz", "--help"])
    result = runner.run()
    assert result.error is not None and "nnft-no-such-program-xyz" in result.error
    assert result.exit_code is None and not result.ok
    assert runner.pid is None
    assert runner.wait_started(0)  # a waiting GUI thread is released too


def test_program_that_cannot_start_is_an_error(tmp_path):
    """A path to a file that is not executable gives RunResult.error, not an exception."""
    not_executable = tmp_path / "tool"
    not_executable.write_text("#!/bin/sh\necho hi\n")
    not_executable.chmod(0o644)
    result = CommandRunner([str(not_executable)]).run()
    assert result.error is not None and str(not_executable) in result.error
    assert not result.ok


@POSIX_ONLY
def test_resolve_prefers_the_interpreters_folder(tmp_path, monkeypatch):
    """A program next to sys.executable wins over one of the same name on PATH."""
    here, elsewhere = tmp_path / "venv_bin", tmp_path / "other_bin"
    for folder, word in ((here, "venv"), (elsewhere, "path")):
        folder.mkdir()
        tool = folder / "nnft-probe-tool"
        tool.write_text(f"#!/bin/sh\necho {word}\n")
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{elsewhere}{os.pathsep}{os.environ.get('PATH', '')}")
    assert resolve_executable("nnft-probe-tool") == str(elsewhere / "nnft-probe-tool")

    monkeypatch.setattr(runner_mod.sys, "executable", str(here / "python"))
    assert resolve_executable("nnft-probe-tool") == str(here / "nnft-probe-tool")
    lines: list[str] = []
    CommandRunner(["nnft-probe-tool"], on_line=lines.append).run()
    assert lines == ["venv"]
    # A path is used as given; an unknown name raises with its name in the message.
    assert resolve_executable("./some/tool") == "./some/tool"
    with pytest.raises(CommandNotFoundError, match="nnft-unknown-tool"):
        resolve_executable("nnft-unknown-tool")


# -- cancel ----------------------------------------------------------------------------------
def _parent_with_grandchild(pidfile: Path, *, ignore_term: bool = False,
                            term_file: Path | None = None) -> list[str]:
    """A child that starts a sleeping grandchild (which writes its pid), then sleeps too.

    ``ignore_term``: the child ignores SIGTERM. ``term_file``: the grandchild notes a SIGTERM
    there (and goes on sleeping) instead of dying of it.
    """
    grandchild = textwrap.dedent(f"""
        import os, pathlib, signal, time
        term_file = {str(term_file) if term_file else None!r}
        if term_file:
            signal.signal(signal.SIGTERM, lambda *_: pathlib.Path(term_file).write_text("TERM"))
        pathlib.Path({str(pidfile)!r}).write_text(str(os.getpid()))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.05)
    """)
    return script(f"""
        import pathlib, signal, subprocess, sys, time
        if {ignore_term!r}:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        subprocess.Popen([sys.executable, "-c", {grandchild!r}])
        pidfile = pathlib.Path({str(pidfile)!r})
        while not (pidfile.exists() and pidfile.read_text()):
            time.sleep(0.01)
        print("ready", flush=True)
        time.sleep(60)
    """)


@POSIX_ONLY
def test_cancel_ends_the_child_and_its_grandchild(tmp_path, cleanup_pids):
    """cancel() from another thread terminates the whole process group promptly."""
    pidfile = tmp_path / "grandchild.pid"
    bg = Background(_parent_with_grandchild(pidfile)).start()
    bg.wait_line("ready")
    grandchild = read_pid(pidfile)
    cleanup_pids.extend([grandchild, bg.runner.pid])
    assert not pid_gone(grandchild)

    started = time.monotonic()
    bg.runner.cancel(grace_s=5)
    result = bg.join()
    assert time.monotonic() - started < 4  # SIGTERM worked; no wait for the grace period
    assert result.cancelled and not result.ok
    assert result.exit_code == -signal.SIGTERM
    wait_for(lambda: pid_gone(grandchild), timeout=5, what="grandchild to end")
    bg.runner.cancel()  # a second cancel after the end is harmless


@POSIX_ONLY
def test_cancel_kills_a_child_that_ignores_sigterm(tmp_path, cleanup_pids):
    """A child ignoring SIGTERM is SIGKILLed (with its grandchild) after grace_s; SIGTERM went
    to the whole group first (the grandchild saw it), so workers get their chance to clean up."""
    pidfile, term_file = tmp_path / "grandchild.pid", tmp_path / "grandchild.term"
    bg = Background(_parent_with_grandchild(pidfile, ignore_term=True, term_file=term_file)).start()
    bg.wait_line("ready")
    grandchild = read_pid(pidfile)
    cleanup_pids.extend([grandchild, bg.runner.pid])

    started = time.monotonic()
    bg.runner.cancel(grace_s=0.5)
    elapsed = time.monotonic() - started
    result = bg.join(timeout=5)
    assert 0.4 < elapsed < 4  # it did wait for the grace period, and not much longer
    assert result.cancelled
    assert result.exit_code == -signal.SIGKILL
    wait_for(lambda: pid_gone(grandchild), timeout=5, what="grandchild to end")
    assert term_file.read_text() == "TERM"


@POSIX_ONLY
def test_cancel_reaches_workers_that_outlive_the_child(tmp_path, cleanup_pids):
    """When the main process has exited but a worker of its group still holds the output
    pipe (so run() is still reading), cancel() still ends the worker and run() returns."""
    pidfile = tmp_path / "worker.pid"
    worker = (f"import os, pathlib, time; "
              f"pathlib.Path({str(pidfile)!r}).write_text(str(os.getpid())); time.sleep(60)")
    bg = Background(script(f"""
        import pathlib, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", {worker!r}])  # inherits stdout
        pidfile = pathlib.Path({str(pidfile)!r})
        while not (pidfile.exists() and pidfile.read_text()):
            time.sleep(0.01)
        print("main exits", flush=True)
    """)).start()
    bg.wait_line("main exits")
    worker_pid = read_pid(pidfile)
    cleanup_pids.append(worker_pid)
    wait_for(lambda: bg.runner._process.poll() is not None, what="main process to exit")
    assert bg.thread.is_alive()  # still reading: the worker holds the pipe open

    bg.runner.cancel(grace_s=1)
    result = bg.join(timeout=5)
    assert result.cancelled
    wait_for(lambda: pid_gone(worker_pid), timeout=5, what="worker to end")


def test_cancel_before_run_starts_nothing(tmp_path):
    """cancel() before run(): run() returns cancelled and the program never starts."""
    marker = tmp_path / "ran"
    runner = CommandRunner(script(f"open({str(marker)!r}, 'w')"))
    runner.cancel()
    result = runner.run()
    assert result.cancelled and not result.ok
    assert result.exit_code is None
    assert runner.pid is None
    assert not marker.exists()
    assert runner.wait_started(0)


def test_cancel_after_the_end_changes_nothing_that_happened():
    """cancel() on a finished runner is a no-op that does not raise."""
    runner = CommandRunner(script("print('x')"))
    assert runner.run().ok
    runner.cancel(grace_s=0.1)


# -- graceful stop ---------------------------------------------------------------------------
@POSIX_ONLY
def test_graceful_stop_signals_only_the_main_process(tmp_path, cleanup_pids):
    """SIGUSR1 reaches the trainer (which checkpoints and exits 0) but not its worker.

    The worker keeps SIGUSR1's default action (terminate), so were the whole group signalled
    it would die; it must still run afterwards.
    """
    checkpoint, pidfile = tmp_path / "checkpoint", tmp_path / "worker.pid"
    worker = (f"import os, pathlib, time; "
              f"pathlib.Path({str(pidfile)!r}).write_text(str(os.getpid())); time.sleep(60)")
    bg = Background(script(f"""
        import pathlib, signal, subprocess, sys, time
        def on_usr1(signum, frame):
            pathlib.Path({str(checkpoint)!r}).write_text("saved")
            print("checkpoint written", flush=True)
            sys.exit(0)
        signal.signal(signal.SIGUSR1, on_usr1)
        subprocess.Popen([sys.executable, "-c", {worker!r}],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pidfile = pathlib.Path({str(pidfile)!r})
        while not (pidfile.exists() and pidfile.read_text()):
            time.sleep(0.01)
        print("training", flush=True)
        time.sleep(60)
        sys.exit(5)
    """)).start()
    bg.wait_line("training")
    worker_pid = read_pid(pidfile)
    cleanup_pids.extend([worker_pid, bg.runner.pid])

    assert bg.runner.request_graceful_stop() is True
    result = bg.join()
    assert result.exit_code == 0
    assert result.stopped_gracefully and result.ok and not result.cancelled
    assert checkpoint.read_text() == "saved"
    assert result.tail[-1] == "checkpoint written"
    assert not pid_gone(worker_pid)  # the worker was not signalled

    os.kill(worker_pid, signal.SIGKILL)
    wait_for(lambda: pid_gone(worker_pid), timeout=5, what="worker cleanup")


def test_graceful_stop_needs_a_running_process():
    """request_graceful_stop() is False before the start and after the end."""
    runner = CommandRunner(script("pass"))
    assert runner.request_graceful_stop() is False
    result = runner.run()
    assert runner.request_graceful_stop() is False
    assert result.ok and not result.stopped_gracefully
