"""Graceful stop (SIGUSR1 → checkpoint → exit 0) and resume with --c, with the real trainer."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from nnft.core.training_history import find_training_logs
from nnft.core.training_log import parse_log_file

from .conftest import nnft

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name == "nt", reason="SIGUSR1 is POSIX-only")]

ARGS = ["--config", "2d", "--epochs", "6", "--iterations", "2", "--device", "cpu",
        "--no-final-validation", "--fold", "1"]


def test_graceful_stop_then_resume_continues_the_epoch_counter(chain_run, tmp_path):
    assert chain_run.result.returncode == 0
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    argv = [sys.executable, "-m", "nnft.core.cli", "run", "--workspace", str(root),
            "--pretrain", "1", "--finetune", "2", *ARGS]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 300
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if line.startswith("[7/7] epoch 1/6"):
            process.send_signal(signal.SIGUSR1)  # what the wizard's Stop button does
            break
        assert time.monotonic() < deadline, "".join(lines[-30:])
    rest, _ = process.communicate(timeout=300)
    output = "".join(lines) + rest
    assert process.returncode == 3, output[-3000:]
    assert "stopped" in output

    fold = (root / "nnUNet_results" / chain_run.demo.finetune_name
            / "nnFTTrainerQuickTrial__nnUNetPlans__2d" / "fold_1")
    assert (fold / "checkpoint_latest.pth").is_file()
    assert not (fold / "checkpoint_final.pth").exists()
    first_log = find_training_logs(fold)
    assert len(first_log) == 1
    stopped = parse_log_file(first_log[0])
    assert "nnFT: graceful stop requested" in first_log[0].read_text()
    last_epoch = stopped.epochs[-1].epoch
    assert last_epoch < 5

    time.sleep(1.1)  # nnU-Net names logs by the second; keep the two apart
    result = nnft("run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2", *ARGS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "-device cpu --c" in result.stdout
    assert "-pretrained_weights" not in result.stdout.split("[7/7]")[1].split("\n")[1]
    assert (fold / "checkpoint_final.pth").is_file()
    logs = find_training_logs(fold)
    assert len(logs) == 2
    resumed = parse_log_file(logs[1])
    assert resumed.epochs[0].epoch == last_epoch + 1
    assert resumed.epochs[-1].epoch == 5
