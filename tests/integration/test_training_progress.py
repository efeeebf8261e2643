"""What the training page and ``nnft run`` show while real nnU-Net trains and validates.

- Stop, then Resume on the real fine-tuning page: the EMA shown for every resumed epoch is
  nnU-Net's own (``checkpoint_final.pth``'s logging), not the raw pseudo dice a fresh parser
  of the new log would give.
- Stop during nnU-Net's final validation: the validation ends at once, the trained model is
  kept, the fold is not done, and "Finish validation" (``--val``) writes validation/summary.json.
- ``nnft run`` cancelled during the final validation: the next ``nnft run`` runs only ``--val``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nnft.core.steps import RunOptions
from nnft.core.training_history import find_training_logs, parse_fold_dir
from nnft.core.training_log import parse_log_file
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, nnft

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name == "nt", reason="SIGUSR1 is POSIX-only")]

#: Set to a folder to keep the page's screenshots (they are always written under tmp_path).
SHOTS = os.environ.get("NNFT_TEST_SHOTS")


def _fold(root: Path, demo, fold: str) -> Path:
    return (root / "nnUNet_results" / demo.finetune_name
            / "nnFTTrainerQuickTrial__nnUNetPlans__2d" / f"fold_{fold}")


def _checkpoint_logging(path: Path) -> dict:
    import torch

    return torch.load(path, map_location="cpu", weights_only=False)["logging"]


def _shot(widget, tmp_path: Path, name: str) -> None:
    widget.resize(1100, 900)
    for folder in [tmp_path] + ([Path(SHOTS)] if SHOTS else []):
        folder.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(folder / name))


def test_page_stop_resume_shows_nnunets_ema_and_stop_during_validation_then_finish(
        chain_run, tmp_path, qtbot):
    from nnft.gui.pages.training_page import FINETUNE, TrainingPage

    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    demo = chain_run.demo
    state = WizardState(workspace=Workspace.from_root(root), check_device=False,
                        options=RunOptions(configuration="2d", device="cpu", trial_epochs=4,
                                           trial_iterations=2, final_validation=True,
                                           fold="1", plans_name=PLANS_NAME,
                                           # the copy's plans are the chain's own transfer
                                           reuse_plans=True))
    state.pretrain, state.finetune = demo.pretrain_name, demo.finetune_name
    page = TrainingPage(state, FINETUNE)
    qtbot.addWidget(page)
    page.show()
    page.initializePage()
    qtbot.waitUntil(page.start_button.isEnabled, timeout=60000)
    fold = _fold(root, demo, "1")

    # 1. Start, Stop after the first epoch (graceful: the epoch ends, checkpoint_latest.pth).
    page.start()
    qtbot.waitUntil(lambda: page.is_running() or "Not started" in page.status_label.text(),
                    timeout=300000)
    assert page.is_running(), (page.status_label.text(), page.problems.problems)
    qtbot.waitUntil(lambda: page.is_running() and len(page.records) >= 1, timeout=600000)
    page.stop()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=600000)
    qtbot.waitUntil(lambda: page.start_button.text() == "Resume", timeout=60000)
    stopped_at = page.records[-1].epoch
    assert stopped_at < 3
    assert f"Stopped after epoch {stopped_at + 1} of 4" in page.status_label.text()
    time.sleep(1.1)  # nnU-Net names logs by the second; keep the two apart

    # 2. Resume: note what the page shows after each live epoch; Stop at the first case of
    #    the final validation.
    shown: list[tuple[int, float, str]] = []
    validation_labels: list[str] = []

    def on_epoch(key, record):  # connected after the page's own handler: runs after it
        shown.append((page.records[-1].epoch, page.records[-1].ema_pseudo_dice,
                      page.epoch_label.text()))

    def on_case(key, case):
        validation_labels.append(page.epoch_label.text())
        if len(validation_labels) == 1:
            _shot(page, tmp_path, "finetune_page_final_validation.png")
            page.stop()

    page.start()
    qtbot.waitUntil(lambda: page.run is not None and page.is_running(), timeout=60000)
    page.run.epoch_completed.connect(on_epoch)
    page.run.validation_case_started.connect(on_case)
    qtbot.waitUntil(lambda: not page.is_running(), timeout=900000)
    qtbot.waitUntil(lambda: page.start_button.text() == "Finish validation", timeout=60000)

    logging = _checkpoint_logging(fold / "checkpoint_final.pth")
    assert [epoch for epoch, _, _ in shown] == list(range(stopped_at + 1, 4))
    for epoch, ema, label in shown:
        # nnU-Net's EMA, not the resumed log's own restart (the issue: 0.940 shown, 0.747 true)
        assert ema == pytest.approx(float(logging["ema_fg_dice"][epoch]), abs=1e-3)
        shown_ema = float(label.split("EMA pseudo dice ")[1][:5])  # the label's 3 decimals
        assert shown_ema == pytest.approx(float(logging["ema_fg_dice"][epoch]), abs=1.5e-3)
    first_resumed = parse_log_file(find_training_logs(fold)[-1]).epochs[0]
    assert first_resumed.epoch == stopped_at + 1
    assert abs(first_resumed.ema_pseudo_dice - logging["ema_fg_dice"][stopped_at + 1]) > 1e-3, \
        "this run's EMA would equal a fresh parser's: the test could not tell the bug"

    # The stop during the validation: shown as its own phase, ended at once.
    assert validation_labels and validation_labels[0].startswith("Final validation: 0 / ")
    assert (fold / "checkpoint_final.pth").is_file()
    assert not (fold / "validation" / "summary.json").exists()
    assert "nnFT: stop requested during the final validation" in \
        find_training_logs(fold)[-1].read_text(encoding="utf-8")
    assert "Finish validation" in page.status_label.text()
    assert page.start_button.isEnabled()
    _shot(page, tmp_path, "finetune_page_after_stop_resume.png")

    # 3. Finish validation: nnU-Net's --val, no training again.
    logs_before = len(find_training_logs(fold))
    page.start()
    qtbot.waitUntil(lambda: page.run is not None and page.is_running(), timeout=60000)
    qtbot.waitUntil(lambda: not page.is_running(), timeout=900000)
    qtbot.waitUntil(lambda: page.status_label.text().startswith("Finished:"), timeout=60000)
    assert (fold / "validation" / "summary.json").is_file()
    logs = find_training_logs(fold)
    assert len(logs) == logs_before + 1
    val_log = parse_log_file(logs[-1])
    assert val_log.epochs == [] and val_log.validation_complete
    assert [r.epoch for r in parse_fold_dir(fold)] == list(range(4))


def _run_signalled_at(args: list[str], trigger: str, signum: int) -> tuple[int, str]:
    """Run ``nnft`` with ``args``; send ``signum`` at the first output line holding ``trigger``.
    Returns the exit status and the whole output."""
    process = subprocess.Popen([sys.executable, "-m", "nnft.core.cli", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if trigger in line:
            process.send_signal(signum)
            break
    rest, _ = process.communicate(timeout=300)
    return process.returncode, "".join(lines) + rest


def test_nnft_run_cancelled_during_final_validation_then_runs_only_val(chain_run, tmp_path):
    assert chain_run.result.returncode == 0
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    args = ["run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
            "--config", "2d", "--epochs", "2", "--iterations", "2", "--device", "cpu",
            "--fold", "2"]
    # Ctrl-C at the first validated case: cancels the step and its workers.
    returncode, output = _run_signalled_at(args, "final validation: case 1/", signal.SIGINT)
    assert "epochs are counted from 1 here" in output
    last_epoch = next(line for line in output.splitlines() if line.startswith("[7/7] epoch 2/2"))
    assert "ETA" not in last_epoch  # no "ETA 0m00s" before the final validation
    assert returncode == 3, output[-3000:]
    fold = _fold(root, chain_run.demo, "2")
    assert (fold / "checkpoint_final.pth").is_file()
    assert not (fold / "validation" / "summary.json").exists()

    dry = nnft(*args, "--dry-run")
    assert "--val" in dry.stdout.split("[7/7]")[1], dry.stdout[-2000:]
    assert "(to run)" in dry.stdout.split("[7/7]")[1]

    time.sleep(1.1)
    result = nnft(*args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    step = result.stdout.split("[7/7]")[1]
    assert "-device cpu --val" in step and "-pretrained_weights" not in step
    assert "final validation: case 1/" in result.stdout
    assert (fold / "validation" / "summary.json").is_file()
    assert parse_log_file(find_training_logs(fold)[-1]).epochs == []  # nothing retrained


def test_stop_during_the_last_epoch_leaves_the_validation_for_later(chain_run, tmp_path):
    """SIGUSR1 (the wizard's Stop, Slurm's warning signal) in the last epoch: the epoch ends,
    checkpoint_final.pth is written, the long final validation is not started."""
    assert chain_run.result.returncode == 0
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    args = ["run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
            "--config", "2d", "--epochs", "1", "--iterations", "2", "--device", "cpu",
            "--fold", "3"]
    # ": Epoch 0": the only, so the last, epoch has started.
    returncode, output = _run_signalled_at(args, ": Epoch 0", signal.SIGUSR1)
    assert returncode == 3, output[-3000:]  # the step stopped: not done
    assert "[7/7] stopped" in output
    fold = _fold(root, chain_run.demo, "3")
    assert (fold / "checkpoint_final.pth").is_file()
    assert not (fold / "validation").exists()
    log = find_training_logs(fold)[-1].read_text(encoding="utf-8")
    assert "nnFT: stop requested during the last epoch: final validation not started" in log
    assert ": predicting " not in log
    dry = nnft(*args, "--dry-run")
    assert "--val" in dry.stdout.split("[7/7]")[1]
