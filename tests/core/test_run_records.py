"""Run detection from facts (nnft.core.run_records) and detachable commands (the runner).

Real child processes stand in for a training where only the process table matters (their argv
is what is looked at); the real nnUNetv2_train is detected in tests/integration/test_run_follow.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nnft.core import run_records as R
from nnft.core.runner import CommandRunner
from nnft.core.steps import STEPS
from nnft.core.steps.base import StepDefinition

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX processes and signals")
SLEEPER = "import time, sys; print('up', flush=True); time.sleep(120)"


@pytest.fixture
def fold(tmp_path) -> Path:
    """A fine-tuning fold folder in nnU-Net's layout, with a log just written."""
    folder = (tmp_path / "nnUNet_results" / "Dataset002_DemoFinetune"
              / "nnFTTrainerQuickTrial__nnUNetPlans__2d" / "fold_1")
    folder.mkdir(parents=True)
    (folder / "training_log_2026_11_29_10_00_00.txt").write_text("Epoch 0\n")
    return folder


@pytest.fixture
def state_dir(tmp_path) -> Path:
    return tmp_path / "nnUNet_results" / "nnFT"


def sleeper(processes, argv_tail: list[str] | None = None, name: Path | None = None,
            results: Path | None = None):
    """A real process; with ``name``, run as ``python NAME ARGS`` (how console scripts run);
    with ``results``, that is its ``nnUNet_results``."""
    if name is not None:
        name.write_text(SLEEPER)
        argv = [sys.executable, str(name), *(argv_tail or [])]
    else:
        argv = [sys.executable, "-c", SLEEPER]
    env = {k: v for k, v in os.environ.items() if k != "nnUNet_results"}
    if results is not None:
        env["nnUNet_results"] = str(results)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stdout.readline().strip() == b"up"
    processes.append(process)
    return process


TRAIN_ARGV = ["nnUNetv2_train", "2", "2d", "1", "-tr", "nnFTTrainerQuickTrial", "-p",
              "nnUNetPlans", "-device", "cpu"]


# -- argv parsing ----------------------------------------------------------------------------
@pytest.mark.parametrize("argv, expected", [
    (TRAIN_ARGV, R.TrainTarget("2", "2d", "1", "nnFTTrainerQuickTrial", "nnUNetPlans")),
    (["/env/bin/python", "/env/bin/nnUNetv2_train", "Dataset002_X", "3d_fullres", "all",
      "--c", "-pretrained_weights", "/w/checkpoint_final.pth"],
     R.TrainTarget("Dataset002_X", "3d_fullres", "all")),
    (["python", "train.py", "2", "2d", "1"], None),
    (["nnUNetv2_train", "2"], None),
])
def test_train_target_of_argv(argv, expected):
    assert R.train_target_of(argv) == expected


def test_a_dataset_id_matches_its_name(fold):
    target = R.target_of_fold_dir(fold)
    assert target == R.TrainTarget("Dataset002_DemoFinetune", "2d", "1",
                                   "nnFTTrainerQuickTrial", "nnUNetPlans")
    assert target.same_fold(R.train_target_of(TRAIN_ARGV))
    other_fold = R.train_target_of([*TRAIN_ARGV[:3], "0", *TRAIN_ARGV[4:]])
    assert not target.same_fold(other_fold)


# -- records ---------------------------------------------------------------------------------
@POSIX_ONLY
def test_a_recorded_living_process_is_found_and_can_be_stopped(fold, state_dir, processes):
    process = sleeper(processes)
    path = R.write_record(state_dir, process.pid, TRAIN_ARGV, step="finetune", fold_dir=fold)
    assert path is not None and path.is_file()
    activity = R.detect_training(fold, state_dir)
    assert activity.kind == R.RECORDED and activity.pid == process.pid
    assert activity.running_here and activity.can_stop_gracefully
    assert "nnFT started" in R.describe(activity)
    assert R.request_graceful_stop(activity)  # the sleeper has no handler: SIGUSR1 ends it
    assert process.wait(10) == -signal.SIGUSR1
    assert R.detect_training(fold, state_dir).kind == R.NONE
    assert not path.exists()  # the stale record was removed


def test_a_record_of_an_ended_process_blocks_nothing(fold, state_dir, processes):
    """The issue's case: the wizard was closed (the run ended), the log is seconds old."""
    process = sleeper(processes)
    path = R.write_record(state_dir, process.pid, TRAIN_ARGV, fold_dir=fold)
    process.kill()
    process.wait()
    activity = R.detect_training(fold, state_dir)
    assert activity.kind == R.NONE and not activity.running_here
    assert activity.log_age_s is not None and activity.log_age_s < 60  # a fresh log, ignored
    assert not R.request_graceful_stop(activity)
    assert path is not None and not path.exists()


@POSIX_ONLY
def test_a_reused_pid_with_another_start_time_is_not_the_run(fold, state_dir, processes):
    stranger = sleeper(processes)  # a living process that is not the recorded training
    path = R.write_record(state_dir, stranger.pid, TRAIN_ARGV, fold_dir=fold)
    assert path is not None
    data = json.loads(path.read_text())
    data["start_time"] = "1"  # the recorded training started at another time
    path.write_text(json.dumps(data))
    activity = R.detect_training(fold, state_dir)
    assert activity.kind == R.NONE
    stale = R.RunActivity(R.RECORDED, stranger.pid, "1", argv=tuple(TRAIN_ARGV))
    assert not R.request_graceful_stop(stale)  # never signal a process that is not the run
    assert stranger.poll() is None


@POSIX_ONLY
def test_a_hand_started_nnunetv2_train_of_the_fold_is_found(fold, state_dir, processes,
                                                             tmp_path):
    script = tmp_path / "nnUNetv2_train"
    other = sleeper(processes, [*TRAIN_ARGV[1:3], "0", *TRAIN_ARGV[4:]], name=script)
    assert R.detect_training(fold, state_dir).kind == R.NONE  # fold 0 is another fold
    # The same fold name in another workspace (its environment names other nnUNet_results).
    sleeper(processes, TRAIN_ARGV[1:], name=script, results=tmp_path / "elsewhere")
    assert R.detect_training(fold, state_dir).kind == R.NONE
    mine = sleeper(processes, TRAIN_ARGV[1:], name=script,
                   results=tmp_path / "nnUNet_results")
    activity = R.detect_training(fold, state_dir)
    assert activity.kind == R.PROCESS and activity.pid == mine.pid != other.pid
    assert activity.running_here
    assert "nnUNetv2_train of this fold" in R.describe(activity)


def test_a_record_of_another_host_is_reported_honestly(fold, state_dir):
    record = R.RunRecord(4242, "7", "gpu-node-17", TRAIN_ARGV, "finetune", "", str(fold))
    assert record.host != socket.gethostname()
    folder = R.records_dir(state_dir)
    folder.mkdir(parents=True)
    (folder / "gpu-node-17-4242.json").write_text(json.dumps(record.__dict__))
    activity = R.detect_training(fold, state_dir)
    assert activity.kind == R.ELSEWHERE and activity.host == "gpu-node-17"
    assert not activity.running_here and not activity.can_stop_gracefully
    assert "cannot be checked from here" in R.describe(activity)
    for log in fold.glob("training_log_*.txt"):
        os.utime(log, (1, 1))  # no log written for a long time: nothing claims it still runs
    assert R.detect_training(fold, state_dir).kind == R.NONE
    assert (folder / "gpu-node-17-4242.json").exists()  # another host's record is kept


def test_detaching_skips_no_bookkeeping_of_a_training():
    """A detached training ends without the executor: its steps must do no after_done work."""
    training = [d for d in STEPS if d.is_training]
    assert training
    for definition in training:
        assert type(definition).after_done is StepDefinition.after_done, definition.key


# -- detachable commands ----------------------------------------------------------------------
TICKER = ("import sys, time\n"
          "for i in range(int(sys.argv[1])):\n"
          "    print('tick', i, flush=True)\n"
          "    time.sleep(float(sys.argv[2]))\n"
          "sys.stdout.write('progress\\r50%\\r100%\\n')\n")


def test_a_detachable_command_is_followed_through_its_log(tmp_path):
    log = tmp_path / "step.log"
    log.write_text("$ ticker\n")
    lines: list[str] = []
    spawned: list[int] = []
    result = CommandRunner([sys.executable, "-c", TICKER, "3", "0"], log_path=log,
                           on_line=lines.append, detachable=True,
                           on_spawn=spawned.append).run()
    assert result.ok and not result.detached
    assert lines == ["tick 0", "tick 1", "tick 2", "progress", "50%", "100%"]
    assert log.read_text().startswith("$ ticker\ntick 0\n")
    assert spawned and spawned[0] > 0


@POSIX_ONLY
def test_a_detached_command_runs_on_and_writes_its_log(tmp_path, processes):
    import threading

    log = tmp_path / "step.log"
    seen = threading.Event()
    runner = CommandRunner([sys.executable, "-c", TICKER, "40", "0.05"], log_path=log,
                           on_line=lambda line: seen.set(), detachable=True)
    results = []
    thread = threading.Thread(target=lambda: results.append(runner.run()))
    thread.start()
    assert seen.wait(30)
    assert runner.detach()
    thread.join(10)
    assert not thread.is_alive() and results[0].detached and results[0].exit_code is None
    pid = runner.pid
    assert pid is not None and R.process_info(pid) is not None  # it runs on without us
    deadline = time.monotonic() + 30
    while "100%" not in log.read_text():  # its last output, written after we stopped reading
        assert time.monotonic() < deadline, log.read_text()[-300:]
        time.sleep(0.05)
    assert "tick 39\n" in log.read_text()


def test_a_piped_command_cannot_be_detached(tmp_path):
    runner = CommandRunner([sys.executable, "-c", "print(1)"], log_path=tmp_path / "l.log")
    assert not runner.detach()
    with pytest.raises(ValueError, match="log_path"):
        CommandRunner([sys.executable, "-c", "print(1)"], detachable=True)


def test_log_tail_reads_what_was_added_and_keeps_a_partial_line(tmp_path):
    log = tmp_path / "step.log"
    log.write_text("".join(f"line {i}\n" for i in range(300)))
    tail = R.LogTail(log, first_lines=5)
    assert tail.read_new() == [f"line {i}" for i in range(295, 300)]  # first look: the last
    assert tail.read_new() == []
    with log.open("a") as handle:
        handle.write("progress\r50%\rhalf a li")
    assert tail.read_new() == ["progress", "50%"]
    with log.open("a") as handle:
        handle.write("ne\n")
    assert tail.read_new() == ["half a line"]
    assert R.LogTail(tmp_path / "missing.log").read_new() == []
