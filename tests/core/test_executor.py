"""Tests of nnft.core.executor.ChainExecutor with real child processes (no subprocess mocks).

Each command step is a small Python script (``sys.executable -c``) that leaves a ``<key>.ran``
marker when it runs and, when it succeeds, the ``<key>.out`` file its ``is_done`` looks for.
"""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nnft.core.executor import ChainExecutor, StepEvent, StepStatus
from nnft.core.steps import Step
from nnft.core.workspace import Workspace

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
PY = sys.executable


# -- fixtures and helpers --------------------------------------------------------------------
@pytest.fixture
def workspace(tmp_path) -> Workspace:
    for name in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        (tmp_path / name).mkdir()
    return Workspace.from_root(tmp_path)


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


class Events:
    """An on_event callback that keeps every event (and can run a hook on each)."""

    def __init__(self, hook: Callable[[StepEvent], None] | None = None) -> None:
        self.all: list[StepEvent] = []
        self.hook = hook

    def __call__(self, event: StepEvent) -> None:
        self.all.append(event)
        if self.hook is not None:
            self.hook(event)

    def kinds(self, key: str | None = None) -> list[str]:
        return [e.kind for e in self.all if key is None or e.step.key == key]

    def lines(self, key: str) -> list[str]:
        return [e.line for e in self.all if e.kind == "line" and e.step.key == key]

    def finished(self, key: str) -> StepEvent:
        (event,) = [e for e in self.all if e.kind == "finished" and e.step.key == key]
        return event


def command_step(files: Path, key: str, body: str = "", *, exit_code: int = 0,
                 make_output: bool = True, **kwargs) -> Step:
    """A step whose child marks that it ran, runs ``body``, writes its output, exits."""
    ran, out = files / f"{key}.ran", files / f"{key}.out"
    source = textwrap.dedent(f"""
        import pathlib, sys
        pathlib.Path({str(ran)!r}).write_text("ran")
    """) + textwrap.dedent(body) + textwrap.dedent(f"""
        if {make_output!r}:
            pathlib.Path({str(out)!r}).write_text("out")
        sys.exit({exit_code})
    """)
    return Step(key=key, title=f"Step {key}", why="test", is_done=out.exists,
                argv=[PY, "-c", source], **kwargs)


def ran(files: Path, key: str) -> bool:
    return (files / f"{key}.ran").exists()


def run_in_thread(executor: ChainExecutor):
    box: dict = {}
    thread = threading.Thread(target=lambda: box.setdefault("outcome", executor.run()),
                              daemon=True)
    thread.start()

    def join(timeout: float = 10.0):
        thread.join(timeout)
        assert not thread.is_alive(), f"executor.run() did not return within {timeout} s"
        return box["outcome"]

    return join


# -- skipping and order ----------------------------------------------------------------------
def test_steps_run_in_order_and_done_steps_are_skipped(workspace, files, tmp_path):
    """A step whose outputs exist is skipped without running its command; the rest run."""
    (files / "a.out").write_text("from an earlier run")
    steps = [command_step(files, k) for k in ("a", "b", "c")]
    events = Events()
    outcome = ChainExecutor(lambda: steps, workspace, events, log_dir=tmp_path / "logs").run()
    assert outcome.ok and outcome.failed_step is None
    assert outcome.statuses == {"a": StepStatus.SKIPPED, "b": StepStatus.DONE,
                                "c": StepStatus.DONE}
    assert not ran(files, "a") and ran(files, "b") and ran(files, "c")
    assert events.kinds("a") == ["skipped"]
    assert [e.step.key for e in events.all if e.kind == "started"] == ["b", "c"]
    assert set(outcome.durations_s) == {"b", "c"}


def test_only_runs_the_chosen_steps(workspace, files, tmp_path):
    """``only`` limits the chain to those keys; others are neither run nor reported."""
    steps = [command_step(files, k) for k in ("a", "b", "c")]
    outcome = ChainExecutor(lambda: steps, workspace, only={"b"},
                            log_dir=tmp_path / "logs").run()
    assert outcome.statuses == {"b": StepStatus.DONE}
    assert [ran(files, k) for k in "abc"] == [False, True, False]


def test_steps_are_rebuilt_before_each_step(workspace, files, tmp_path):
    """A later step's command is built after the earlier step ran: it sees its output."""
    calls: list[int] = []

    def build() -> list[Step]:
        calls.append(1)
        a_out = files / "a.out"
        seen = a_out.read_text() if a_out.exists() else "nothing"
        return [command_step(files, "a"),
                command_step(files, "b", f"print('built after a saw: {seen}')")]

    events = Events()
    outcome = ChainExecutor(build, workspace, events, log_dir=tmp_path / "logs").run()
    assert outcome.ok
    assert events.lines("b") == ["built after a saw: out"]
    assert len(calls) == 3  # the list of keys, then once before each step


# -- failures --------------------------------------------------------------------------------
def test_a_failure_stops_the_chain(workspace, files, tmp_path):
    """The first failing step ends the run; later steps stay pending and never run."""
    steps = [command_step(files, "a"), command_step(files, "b", exit_code=2),
             command_step(files, "c")]
    events = Events()
    outcome = ChainExecutor(lambda: steps, workspace, events, log_dir=tmp_path / "logs").run()
    assert not outcome.ok
    assert outcome.failed_step == "b"
    assert "2" in outcome.message
    assert outcome.statuses == {"a": StepStatus.DONE, "b": StepStatus.FAILED,
                                "c": StepStatus.PENDING}
    assert not ran(files, "c")
    assert events.kinds("c") == []
    finished = events.finished("b")
    assert finished.status is StepStatus.FAILED and finished.result.exit_code == 2


def test_exit_0_without_outputs_is_a_failure(workspace, files, tmp_path):
    """A command that exits 0 but leaves its outputs missing counts as failed."""
    steps = [command_step(files, "a", make_output=False), command_step(files, "b")]
    outcome = ChainExecutor(lambda: steps, workspace, log_dir=tmp_path / "logs").run()
    assert ran(files, "a")
    assert outcome.statuses == {"a": StepStatus.FAILED, "b": StepStatus.PENDING}
    assert outcome.failed_step == "a" and "missing" in outcome.message
    assert not ran(files, "b")


def test_a_missing_program_fails_the_step_with_its_name(workspace, files, tmp_path):
    """A step whose program is not installed fails with a message naming the program."""
    step = Step(key="a", title="A", why="test", is_done=lambda: False,
                argv=["nnft-no-such-program-xyz"])
    outcome = ChainExecutor(lambda: [step], workspace, log_dir=tmp_path / "logs").run()
    assert outcome.statuses == {"a": StepStatus.FAILED}
    assert "nnft-no-such-program-xyz" in outcome.message


# -- events, logs, environment ---------------------------------------------------------------
def test_events_arrive_started_lines_finished(workspace, files, tmp_path):
    """Each step reports started, then its lines in order, then finished with the result."""
    steps = [command_step(files, "a", "print('one'); print('two', file=sys.stderr)"),
             command_step(files, "b", "print('three')")]
    events = Events()
    ChainExecutor(lambda: steps, workspace, events, log_dir=tmp_path / "logs").run()
    assert events.kinds() == ["started", "line", "line", "finished",
                              "started", "line", "finished"]
    assert events.lines("a") == ["one", "two"] and events.lines("b") == ["three"]
    started = events.all[0]
    assert started.status is StepStatus.RUNNING and started.log_path is not None
    finished = events.finished("a")
    assert finished.status is StepStatus.DONE and finished.result.ok
    assert finished.log_path == started.log_path


def test_each_step_has_its_own_log_file(workspace, files, tmp_path):
    """log_dir gets one log per step: the command line, then the step's output."""
    log_dir = tmp_path / "logs"
    steps = [command_step(files, "a", "print('from a')"),
             command_step(files, "b", "print('from b')")]
    events = Events()
    ChainExecutor(lambda: steps, workspace, events, log_dir=log_dir).run()
    logs = sorted(log_dir.iterdir())
    assert [p.name.rsplit("_", 1)[1] for p in logs] == ["a.log", "b.log"]
    for key, step, log in zip("ab", steps, logs, strict=True):
        assert events.finished(key).log_path == log
        assert log.read_text(encoding="utf-8") == f"$ {step.command_line()}\nfrom {key}\n"


def test_child_gets_the_workspace_and_step_environment(workspace, files, tmp_path):
    """The child sees the workspace's nnUNet_* roots and the step's own variables."""
    step = command_step(files, "a", "import os; print(os.environ['nnUNet_results']); "
                                    "print(os.environ['NNFT_STEP_VAR'])",
                        env={"NNFT_STEP_VAR": "42"})
    events = Events()
    ChainExecutor(lambda: [step], workspace, events, log_dir=tmp_path / "logs").run()
    assert events.lines("a") == [str(workspace.results), "42"]


def test_before_start_runs_before_the_command(workspace, files, tmp_path):
    """before_start's file exists when the command starts (the command fails otherwise)."""
    prepared = files / "prepared"
    step = command_step(files, "a", f"if not pathlib.Path({str(prepared)!r}).exists(): "
                                    "sys.exit(9)", before_start=prepared.touch)
    outcome = ChainExecutor(lambda: [step], workspace, log_dir=tmp_path / "logs").run()
    assert outcome.statuses == {"a": StepStatus.DONE}, outcome.message


# -- action steps ----------------------------------------------------------------------------
def test_action_steps_run_in_process(workspace, files, tmp_path):
    """An action runs in this process; its log lines become events and its log file."""
    out = files / "copied.json"
    where: list[tuple[int, int]] = []

    def action(log: Callable[[str], None]) -> None:
        where.append((os.getpid(), threading.get_ident()))
        log("copying")
        out.write_text("{}")
        log("copied")

    step = Step(key="copy", title="Copy", why="test", is_done=out.exists, action=action,
                shell="cp a b")
    events = Events()
    log_dir = tmp_path / "logs"
    outcome = ChainExecutor(lambda: [step], workspace, events, log_dir=log_dir).run()
    assert outcome.statuses == {"copy": StepStatus.DONE}
    assert where == [(os.getpid(), threading.get_ident())]
    assert events.kinds() == ["started", "line", "line", "finished"]
    assert events.lines("copy") == ["copying", "copied"]
    (log,) = log_dir.iterdir()
    assert log.read_text(encoding="utf-8") == "$ cp a b\ncopying\ncopied\n"


def test_action_failures_stop_the_chain(workspace, files, tmp_path):
    """An action raising OSError, or leaving no outputs, fails and stops the chain."""
    def broken(log):
        raise PermissionError("read-only folder")

    for action, expected in ((broken, "PermissionError: read-only folder"),
                             (lambda log: None, "missing")):
        steps = [Step(key="act", title="Act", why="t", is_done=lambda: False, action=action),
                 command_step(files, "after")]
        outcome = ChainExecutor(lambda steps=steps: steps, workspace,
                                log_dir=tmp_path / "logs").run()
        assert outcome.statuses == {"act": StepStatus.FAILED, "after": StepStatus.PENDING}
        assert expected in outcome.message
        assert not ran(files, "after")


# -- cancel and graceful stop ----------------------------------------------------------------
SLEEPER = """
print("ready", flush=True)
import time
time.sleep(60)
"""


def test_cancel_from_another_thread(workspace, files, tmp_path):
    """cancel() while a step runs ends its command promptly: CANCELLED, later steps not run."""
    ready = threading.Event()
    events = Events(lambda e: ready.set() if e.line == "ready" else None)
    steps = [command_step(files, "a", SLEEPER), command_step(files, "b")]
    executor = ChainExecutor(lambda: steps, workspace, events, log_dir=tmp_path / "logs")
    join = run_in_thread(executor)
    assert ready.wait(10), "step a never started"
    started = time.monotonic()
    executor.cancel()
    outcome = join()
    assert time.monotonic() - started < 5
    assert outcome.statuses["a"] is StepStatus.CANCELLED
    assert outcome.statuses["b"] is StepStatus.PENDING
    assert outcome.failed_step == "a" and not outcome.ok
    assert not (files / "a.out").exists() and not ran(files, "b")
    assert events.finished("a").result.cancelled


def test_cancel_between_steps(workspace, files, tmp_path):
    """cancel() after one step finished: the next steps are cancelled and never start."""
    executor: ChainExecutor

    def hook(event: StepEvent) -> None:
        if event.kind == "finished" and event.step.key == "a":
            executor.cancel()

    steps = [command_step(files, k) for k in ("a", "b", "c")]
    executor = ChainExecutor(lambda: steps, workspace, Events(hook), log_dir=tmp_path / "logs")
    outcome = executor.run()
    assert outcome.statuses == {"a": StepStatus.DONE, "b": StepStatus.CANCELLED,
                                "c": StepStatus.CANCELLED}
    assert outcome.failed_step == "b" and not outcome.ok
    assert not ran(files, "b") and not ran(files, "c")


def test_cancel_while_a_step_prepares(workspace, files, tmp_path):
    """cancel() after a step began but before its command started (here: from before_start)
    still stops it: the command never runs and the step is CANCELLED."""
    executor: ChainExecutor
    steps = [command_step(files, "a", before_start=lambda: executor.cancel()),
             command_step(files, "b")]
    executor = ChainExecutor(lambda: steps, workspace, log_dir=tmp_path / "logs")
    outcome = executor.run()
    assert outcome.statuses == {"a": StepStatus.CANCELLED, "b": StepStatus.PENDING}
    assert not ran(files, "a") and not ran(files, "b")


def test_cancel_before_run_runs_nothing(workspace, files, tmp_path):
    """An executor cancelled before run() starts no step."""
    steps = [command_step(files, k) for k in ("a", "b")]
    executor = ChainExecutor(lambda: steps, workspace, log_dir=tmp_path / "logs")
    executor.cancel()
    outcome = executor.run()
    assert set(outcome.statuses.values()) == {StepStatus.CANCELLED}
    assert not ran(files, "a") and not ran(files, "b")


@POSIX_ONLY
def test_graceful_stop_of_a_training_step(workspace, files, tmp_path):
    """stop_gracefully() reaches an nnFT trainer step (SIGUSR1): it exits 0 without its
    final outputs, so the step is STOPPED (resumable), not failed, and the chain ends."""
    ready = threading.Event()
    events = Events(lambda e: ready.set() if e.line == "ready" else None)
    body = """
        import signal, time
        def on_usr1(signum, frame):
            print("checkpoint", flush=True)
            sys.exit(0)
        signal.signal(signal.SIGUSR1, on_usr1)
        print("ready", flush=True)
        time.sleep(60)
        sys.exit(4)
    """
    train = command_step(files, "pretrain", body, make_output=False, is_training=True)
    train.argv += ["-tr", "nnFTTrainer"]  # python -c passes these to the script's sys.argv
    steps = [train, command_step(files, "finetune")]
    executor = ChainExecutor(lambda: steps, workspace, events, log_dir=tmp_path / "logs")
    join = run_in_thread(executor)
    assert ready.wait(10), "training step never started"
    assert executor.stop_gracefully() is True
    outcome = join()
    assert outcome.statuses == {"pretrain": StepStatus.STOPPED,
                                "finetune": StepStatus.PENDING}
    assert "checkpoint" in outcome.message
    assert events.lines("pretrain")[-1] == "checkpoint"
    assert events.finished("pretrain").result.exit_code == 0
    assert not ran(files, "finetune")


def test_graceful_stop_needs_an_nnft_trainer_step(workspace, files, tmp_path):
    """stop_gracefully() is False when no step runs, for a non-training step, and for a
    trainer without nnFT's SIGUSR1 handler; the running step is left alone."""
    assert ChainExecutor(lambda: [], workspace).stop_gracefully() is False

    answers: list[bool] = []
    executor: ChainExecutor

    def hook(event: StepEvent) -> None:
        if event.line == "ready":
            answers.append(executor.stop_gracefully())

    plain = command_step(files, "plain", 'print("ready", flush=True)')
    plain.argv += ["-tr", "nnFTTrainer"]  # an nnFT trainer name, but not a training step
    other = command_step(files, "other", 'print("ready", flush=True)', is_training=True)
    other.argv += ["-tr", "nnUNetTrainer"]
    executor = ChainExecutor(lambda: [plain, other], workspace, Events(hook),
                             log_dir=tmp_path / "logs")
    outcome = executor.run()
    assert answers == [False, False]
    assert outcome.ok


# -- run records and detaching ---------------------------------------------------------------
@POSIX_ONLY
def test_a_training_step_is_recorded_while_it_runs_and_can_be_left_running(workspace, files):
    """The record names the running process; it goes when the step ends, but stays (and the
    step is DETACHED) when the run is left running for nnFT to find later."""
    from nnft.core import run_records

    gate = files / "gate"
    body = f"""
        import time
        print('epoch 0', flush=True)
        while not pathlib.Path({str(gate)!r}).exists():
            time.sleep(0.02)
        print('epoch 1', flush=True)
    """
    fold = files / "Dataset002_X" / "nnFTTrainer__nnUNetPlans__2d" / "fold_0"
    seen = threading.Event()
    step = command_step(files, "finetune", body, is_training=True,
                        outputs=[fold / "checkpoint_final.pth"])
    events = Events(lambda e: seen.set() if e.kind == "line" and e.line == "epoch 0" else None)
    executor = ChainExecutor(lambda: [step], workspace, on_event=events)
    join = run_in_thread(executor)
    assert seen.wait(30)
    ((_, record),) = run_records.read_records(workspace.state_dir)
    assert record.step == "finetune" and record.fold_dir == str(fold) and record.is_alive()
    assert executor.can_detach() and executor.detach()
    assert join(30).statuses == {"finetune": StepStatus.DETACHED}
    assert record.is_alive()  # runs on; its record stays for the next nnFT
    assert run_records.read_records(workspace.state_dir)
    gate.write_text("go")
    deadline = time.monotonic() + 30
    while record.is_alive():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    log = events.finished("finetune").log_path
    assert log is not None and "epoch 1" in log.read_text()  # written after we stopped reading

    # Run to its end: the record is removed with the step.
    (files / "finetune.out").unlink(missing_ok=True)
    gate.write_text("go")
    outcome = ChainExecutor(lambda: [step], workspace).run()
    assert outcome.statuses == {"finetune": StepStatus.DONE}
    assert not [r for _, r in run_records.read_records(workspace.state_dir) if r.is_alive()]
    assert len(run_records.read_records(workspace.state_dir)) == 1  # only the detached one's
