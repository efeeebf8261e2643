"""Faults, with nnU-Net's real commands on the demo workspace (CPU): a step's process SIGKILLed,
a cancel during each step, a run started by hand followed with ``nnft monitor --follow``, and
existing outputs replaced only after ``--backup-and-overwrite`` (backed up first).

After each fault the state must be consistent: the step is not done, later steps never ran, no
process of it lives on, no temporary file is left, preflight finds no error, and running again
completes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nnft.core.checks import preflight
from nnft.core.demo import write_demo_workspace
from nnft.core.executor import ChainExecutor, StepStatus
from nnft.core.session import Session
from nnft.core.steps import (
    RUN_MARKER,
    STEP_KEYS,
    RunOptions,
    build_chain,
    checkpoint_complete,
    preprocessing_marker_path,
)
from nnft.core.training_history import parse_fold_dir
from nnft.core.workspace import Workspace, trainers_folder

from .conftest import PLANS_NAME, TRIAL_ARGS, nnft, tree_checksums

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="finds child processes through /proc")]

TRAINER = "nnFTTrainerQuickTrial"


# -- helpers ---------------------------------------------------------------------------------
class Live:
    """A command whose merged output is read line by line (with arrival times) in a thread."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=env)
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    @property
    def output(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.process.poll() is not None and not self._reader.is_alive():
                pytest.fail(f"ended before {what}:\n{self.output[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout} s:\n{self.output[-4000:]}")
            time.sleep(0.02)

    def finish(self, timeout: float) -> int:
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"did not end within {timeout} s:\n{self.output[-4000:]}")
        self._reader.join(10)
        return code


def nnft_live(*args: str) -> Live:
    env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}
    return Live([sys.executable, "-m", "nnft.core.cli", *args], env=env)


def processes_of(root: Path) -> list[int]:
    """Live processes started with this workspace's nnUNet_results (nnFT's children)."""
    needle = f"nnUNet_results={root / 'nnUNet_results'}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def main_process(root: Path, program: str) -> int:
    """The group leader running ``program`` (the runner starts each step in its own group)."""
    for pid in processes_of(root):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if program.encode() in cmdline and os.getpgid(pid) == pid:
                return pid
        except (OSError, ProcessLookupError):
            continue
    raise AssertionError(f"no {program} process of {root}")


def assert_nothing_left(root: Path) -> None:
    """No child process lives on, no temporary file of an atomic write is left."""
    deadline = time.monotonic() + 10
    while processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_of(root) == []
    assert [p for p in root.rglob("*.tmp")] == []


def copy_workspace(chain_run, tmp_path: Path) -> Path:
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path / "ws ü"
    shutil.copytree(chain_run.demo.root, root)
    return root


def run_args(root: Path, *extra: str) -> list[str]:
    return ["run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2", *TRIAL_ARGS,
            *extra]


def pkl_count(folder: Path) -> int:
    return len(list(folder.glob("*.pkl"))) if folder.is_dir() else 0


def step_status(root: Path, key: str) -> str | None:
    session = Session.load(root / "nnUNet_results" / "nnFT" / "session.json")
    return session.step_status.get(key) if session else None


def assert_marked_failed(root: Path, key: str, *in_log: str) -> None:
    """The session says the step failed, why, and where its output is."""
    session = Session.load(root / "nnUNet_results" / "nnFT" / "session.json")
    assert session is not None and session.step_status[key] == "failed"
    assert "SIGKILL" in session.step_message[key]
    log = Path(session.step_log[key]).read_text(encoding="utf-8")
    for text in in_log:
        assert text in log


# -- SIGKILL mid-step --------------------------------------------------------------------------
def test_sigkill_during_preprocessing_then_the_step_reruns_cleanly(chain_run, tmp_path):
    root = copy_workspace(chain_run, tmp_path)
    data = root / "nnUNet_preprocessed" / chain_run.demo.pretrain_name / f"{PLANS_NAME}_2d"
    shutil.rmtree(data)  # nnFT's marker stays: the folder is nnFT's to make again
    live = nnft_live(*run_args(root, "--workers", "1"))  # one worker: cases come slowly
    live.wait_for(lambda: "$ nnUNetv2_preprocess -d 1" in live.output, 240, "step 5")
    live.wait_for(lambda: pkl_count(data) >= 1, 120, "a preprocessed case")
    os.killpg(main_process(root, "nnUNetv2_preprocess"), signal.SIGKILL)
    killed_at = pkl_count(data)
    assert live.finish(60) == 3
    out = live.output
    assert killed_at < 12, "preprocessing finished before the kill: nothing half-written"
    assert "[5/7] failed" in out and "killed by SIGKILL" in out
    assert "last lines of its output" in out and "Preprocessing dataset" in out
    assert "[6/7]" not in out  # nothing after the failed step ran
    assert_marked_failed(root, "preprocess_pretrain", "$ nnUNetv2_preprocess",
                         "Preprocessing dataset")
    assert pkl_count(data) < 12  # half-written ...
    assert_nothing_left(root)

    again = nnft(*run_args(root))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    # ... and taken as nnFT's own leftover: recreated without asking, not taken as done.
    assert "INFO [PREPROCESSED_DATA_EXISTS]" in again.stderr and "left over" in again.stderr
    assert "$ nnUNetv2_preprocess -d 1" in again.stdout
    assert again.stdout.count("already done, skipped") == 6
    assert pkl_count(data) == 12
    assert step_status(root, "preprocess_pretrain") == "done"


def test_sigkill_of_the_trainer_then_the_step_reruns_cleanly(chain_run, tmp_path):
    """The main training process is killed (as the out-of-memory killer does); its data
    augmentation workers (--da-workers 1) outlive it and would hold the output open for ever."""
    root = copy_workspace(chain_run, tmp_path)
    args = ["--fold", "2", "--epochs", "3", "--iterations", "2", "--da-workers", "1"]
    live = nnft_live(*run_args(root, *args))
    live.wait_for(lambda: "[7/7] epoch 1/3" in live.output, 300, "the first fine-tuning epoch")
    trainer = main_process(root, "nnUNetv2_train")
    os.kill(trainer, signal.SIGKILL)
    assert live.finish(90) == 3
    out = live.output
    assert "[7/7] failed" in out and "killed by SIGKILL" in out
    assert "nnFT: the command's main process ended, but worker processes" in out
    assert_marked_failed(root, "finetune", "$ nnUNetv2_train", "Epoch time",
                         "nnFT: the command's main process ended")
    fold = root / "nnUNet_results" / chain_run.demo.finetune_name / f"{TRAINER}__nnUNetPlans__2d" \
        / "fold_2"
    assert not (fold / "checkpoint_final.pth").exists()
    assert_nothing_left(root)

    time.sleep(1.1)  # nnU-Net names its logs by the second
    again = nnft(*run_args(root, *args))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert checkpoint_complete(fold / "checkpoint_final.pth")
    assert [r.epoch for r in parse_fold_dir(fold)] == [0, 1, 2]
    marker = json.loads((fold / RUN_MARKER).read_text())
    assert marker["pretrained_weights"].endswith("fold_all/checkpoint_final.pth")


# -- cancel during each step -------------------------------------------------------------------
def _epoch_logged(lines: list[str]) -> bool:
    return any("Epoch time" in line for line in lines)


#: When to cancel each step: once it has written part of its output; None: as it starts (from
#: the executor's own thread, in its "started" event: the steps that take about a second).
CANCEL_WHEN: dict[str, Callable[[object, list[str]], bool] | None] = {
    "plan_finetune": lambda ctx, lines: (ctx.finetune_preprocessed / "nnUNetPlans_2d").is_dir(),
    "fingerprint_pretrain": lambda ctx, lines: bool(lines),
    "transfer_plans": None,
    "copy_dataset_json": None,
    "preprocess_pretrain": lambda ctx, lines: pkl_count(
        ctx.pretrain_preprocessed / f"{ctx.options.plans_name}_2d") >= 1,
    "pretrain": lambda ctx, lines: _epoch_logged(lines),
    # The fine-tuning is killed half way in test_sigkill_of_the_trainer_...; the final run of
    # this test continues the cancelled pretraining and runs it.
}


def test_cancel_during_each_step_leaves_a_consistent_state(tmp_path):
    demo = write_demo_workspace(tmp_path / "cancel ü")
    workspace = Workspace.from_root(demo.root)
    options = RunOptions(configuration="2d", device="cpu", trial_epochs=2, trial_iterations=2,
                         final_validation=False, preprocessing_workers=2,
                         augmentation_workers=0)
    previous = None
    for key in CANCEL_WHEN:
        result = preflight(workspace, 1, 2, options, check_device_present=False)
        assert result.ok, [str(p) for p in result.problems]  # e.g. no foreign leftovers
        ctx = result.context
        events, lines, started = [], [], threading.Event()
        when = CANCEL_WHEN[key]
        holder: dict = {}

        def on_event(event, key=key, events=events, lines=lines, started=started, when=when,
                     holder=holder):
            events.append(event)
            if event.step.key == key and event.kind == "started":
                if when is None:
                    holder["executor"].cancel()
                started.set()
            if event.step.key == key and event.kind == "line":
                lines.append(event.line)

        executor = ChainExecutor(lambda ctx=ctx: build_chain(ctx), workspace, on_event=on_event)
        holder["executor"] = executor
        thread = threading.Thread(target=lambda h=holder: h.setdefault("o", h["executor"].run()))
        thread.start()
        assert started.wait(300), f"{key} never started"
        deadline = time.monotonic() + 180
        while when is not None and not when(ctx, lines) and thread.is_alive():
            assert time.monotonic() < deadline, f"{key}: no cancel point\n" + "\n".join(lines)
            time.sleep(0.02)
        executor.cancel()
        thread.join(120)
        assert not thread.is_alive(), f"{key}: the run did not end after cancel"
        outcome = holder["o"]
        if previous is not None:  # the step cancelled last time ran again, from the start
            assert outcome.statuses[previous] is StepStatus.DONE, (previous, outcome)
        status = outcome.statuses[key]
        # The two in-process/second-long steps may finish before the cancel arrives.
        assert status is StepStatus.CANCELLED or (
            key in ("transfer_plans", "copy_dataset_json") and status is StepStatus.DONE), \
            (key, outcome)
        # The steps of this chain after the cancelled one (the optional baseline is not in it).
        later = [k for k in STEP_KEYS[STEP_KEYS.index(key) + 1:] if k in outcome.statuses]
        assert later or key == "finetune", (key, outcome)
        assert not [e for e in events if e.kind == "started" and e.step.key in later]
        assert all(outcome.statuses[k] in (StepStatus.CANCELLED, StepStatus.PENDING)
                   for k in later)
        steps = {s.key: s for s in build_chain(ctx)}
        assert steps[key].is_done() == (status is StepStatus.DONE), key
        assert_nothing_left(demo.root)
        previous = key if status is StepStatus.CANCELLED else None

    result = preflight(workspace, 1, 2, options, check_device_present=False)
    assert result.ok, [str(p) for p in result.problems]
    outcome = ChainExecutor(lambda: build_chain(result.context), workspace).run()
    assert outcome.ok, outcome
    if previous is not None:
        assert outcome.statuses[previous] is StepStatus.DONE
    assert all(s.is_done() for s in build_chain(result.context))
    assert [r.epoch for r in parse_fold_dir(result.context.finetune_fold_dir)] == [0, 1]


# -- a run started by hand, followed -------------------------------------------------------------
def test_monitor_follows_a_training_started_by_hand(chain_run, tmp_path):
    root = copy_workspace(chain_run, tmp_path)
    fold = (root / "nnUNet_results" / chain_run.demo.finetune_name
            / f"{TRAINER}__nnUNetPlans__2d" / "fold_3")
    monitor = Live([sys.executable, "-m", "nnft.core.cli", "monitor", str(fold), "--follow",
                    "--interval", "0.5"])
    monitor.wait_for(lambda: "Waiting for the folder" in monitor.output, 60, "the header")
    env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}
    env.update({"nnUNet_raw": str(root / "nnUNet_raw"),
                "nnUNet_preprocessed": str(root / "nnUNet_preprocessed"),
                "nnUNet_results": str(root / "nnUNet_results"),
                "nnUNet_extTrainer": str(trainers_folder()), "nnUNet_n_proc_DA": "0",
                "NNFT_TRIAL_EPOCHS": "3", "NNFT_TRIAL_ITERATIONS": "2",
                "NNFT_TRIAL_FINAL_VALIDATION": "0"})
    train = subprocess.Popen([str(Path(sys.executable).parent / "nnUNetv2_train"), "2", "2d",
                              "3", "-tr", TRAINER, "-device", "cpu"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        _, stderr = train.communicate(timeout=300)
    finally:
        train.kill()
    ended = time.monotonic()
    assert train.returncode == 0, stderr.decode()[-3000:]
    assert monitor.finish(60) == 0, monitor.output
    epochs = [(t, line) for t, line in monitor.lines if line.startswith("epoch ")]
    assert [line.split()[1] for _, line in epochs] == ["1/3", "2/3", "3/3"], monitor.output
    assert epochs[0][0] < ended  # printed while the training still ran
    assert "ETA" in epochs[0][1]  # the number of epochs comes from nnU-Net's debug.json
    out = monitor.output
    assert f"trainer {TRAINER}, plans nnUNetPlans, configuration 2d, fold 3" in out
    # Found in the process table (nnFT has no record of a run started by hand).
    assert f"an nnUNetv2_train of this fold is running (process {train.pid})" in out, out
    assert out.index("Waiting for the first epoch") < out.index("epoch 1/3")
    # Finished includes the final validation (switched off here, which the trial logs).
    assert out.splitlines()[-1] == (f"Training finished: {fold / 'checkpoint_final.pth'} "
                                    "(final validation skipped on purpose)")


# -- confirmed overwrite: backed up first, only the expected paths change -----------------------
def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_foreign_outputs_refused_then_backed_up_and_replaced(chain_run, tmp_path):
    root = copy_workspace(chain_run, tmp_path)
    demo = chain_run.demo
    data = root / "nnUNet_preprocessed" / demo.pretrain_name / f"{PLANS_NAME}_2d"
    preprocessing_marker_path(data).unlink()  # made elsewhere, as far as nnFT can tell ...
    sorted(data.glob("*.pkl"))[0].unlink()  # ... and incomplete: step 5 must run
    fold = root / "nnUNet_results" / demo.finetune_name / f"{TRAINER}__nnUNetPlans__2d" / "fold_0"
    (fold / RUN_MARKER).unlink()  # a run from scratch, as far as nnFT can tell
    old_data, old_fold = _tree(data), _tree(fold)

    before = tree_checksums(root)
    refused = nnft(*run_args(root))
    assert refused.returncode == 1, refused.stdout[-2000:] + refused.stderr[-2000:]
    assert "ERROR [PREPROCESSED_DATA_EXISTS]" in refused.stderr
    assert "ERROR [RESULTS_FOLDER_EXISTS]" in refused.stderr
    assert "--backup-and-overwrite" in refused.stderr
    assert tree_checksums(root) == before  # byte-identical: nothing written at all

    time.sleep(1.1)
    confirmed = nnft(*run_args(root, "--backup-and-overwrite"))
    assert confirmed.returncode == 0, confirmed.stdout[-3000:] + confirmed.stderr[-3000:]
    backups = root / "nnUNet_results" / "nnFT" / "backups"
    (data_backup,) = backups.glob(f"*/nnUNet_preprocessed/{demo.pretrain_name}/{data.name}")
    (fold_backup,) = backups.glob(f"*/nnUNet_results/{demo.finetune_name}/*/fold_0")
    assert _tree(data_backup) == old_data and _tree(fold_backup) == old_fold
    for backup in (data_backup, fold_backup):  # named in the output (and the step logs)
        assert f"to the backup {backup}" in confirmed.stdout
    assert pkl_count(data) == 12 and checkpoint_complete(fold / "checkpoint_final.pth")

    after = tree_checksums(root)
    rel = lambda p: str(p.relative_to(root))  # noqa: E731
    allowed = (rel(data), rel(preprocessing_marker_path(data)), rel(fold), "nnUNet_results/nnFT",
               # nnU-Net copies these at every training start and every preprocessing:
               rel(fold.parent / "plans.json"), rel(fold.parent / "dataset.json"),
               rel(fold.parent / "dataset_fingerprint.json"),
               rel(data.parent / "gt_segmentations"))
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert {k for k in changed if not k.startswith(allowed)} == set()
    # The pretraining (done) and the fine-tuning dataset's own data were not touched.
    pretrain_results = rel(root / "nnUNet_results" / demo.pretrain_name)
    assert not [k for k in changed if k.startswith(pretrain_results)]
