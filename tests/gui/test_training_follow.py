"""A training that runs outside the wizard (the GUI was closed or killed, or the run was
started by hand) is found on the training page: curves shown, followed, Start disabled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnft.core import run_records
from nnft.gui.pages.training_page import FINETUNE, PRETRAIN, TrainingPage

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX processes")

REAL_LOG = Path(__file__).resolve().parents[1] / "core" / "data" / "real" / \
    "pretrain_2d_quicktrial_training_log.txt"


SLEEPER = "import time; print('up', flush=True); time.sleep(120)"


def living_process(processes) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", SLEEPER], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline().strip() == b"up"
    processes.append(process)
    return process


def fold_with_fresh_log(state, phase=PRETRAIN) -> Path:
    ctx = state.context()
    fold = ctx.pretrain_fold_dir if phase == PRETRAIN else ctx.finetune_fold_dir
    fold.mkdir(parents=True)
    shutil.copy(REAL_LOG, fold / "training_log_2026_11_27_23_42_51.txt")  # fresh mtime
    return fold


def record_run(state, pid: int, fold: Path, log: Path | None = None) -> Path:
    """The record nnFT's executor writes for a training it starts (argv of that fold)."""
    trainer, plans, config = fold.parent.name.split("__")
    argv = ["nnUNetv2_train", fold.parent.parent.name, config, fold.name.removeprefix("fold_"),
            "-tr", trainer, "-p", plans, "-device", "cpu"]
    path = run_records.write_record(state.workspace.state_dir, pid, argv, step="pretrain",
                                    fold_dir=fold, log_path=log)
    assert path is not None
    return path


@POSIX_ONLY
def test_running_external_training_is_followed(qtbot, quick_state, processes):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = TrainingPage(quick_state, PRETRAIN)
    qtbot.addWidget(page)
    fold = fold_with_fresh_log(quick_state)
    (fold / "checkpoint_best.pth").write_bytes(b"stand-in: only its existence is read here")
    training = living_process(processes)
    step_log = quick_state.workspace.state_dir / "logs" / "20261129-100000_pretrain.log"
    step_log.parent.mkdir(parents=True)
    step_log.write_text("$ nnUNetv2_train 1 2d all\nEpoch 0\n")
    record_run(quick_state, training.pid, fold, step_log)
    page.follow_timer.setInterval(100)
    page.initializePage()
    # The logs are read in a worker thread; following starts when the read is back.
    qtbot.waitUntil(page.follow_timer.isActive, timeout=10000)
    # The run's output (it goes on into its step log) is shown as it comes.
    qtbot.waitUntil(lambda: "Epoch 0" in page.console.toPlainText(), timeout=10000)
    with step_log.open("a") as log:
        log.write("Epoch 1 written after the reopen\n")
    qtbot.waitUntil(lambda: "Epoch 1 written after" in page.console.toPlainText(), timeout=10000)
    assert f"nnFT started is running outside this window (process {training.pid})" in \
        page.status_label.text()
    assert page.plots.point_count() == 2  # the epochs already logged
    assert not page.start_button.isEnabled()
    assert page.stop_button.isEnabled()  # an nnFT trainer: it can be asked to stop
    (fold / "checkpoint_final.pth").write_bytes(b"stand-in")
    qtbot.waitUntil(lambda: not page.follow_timer.isActive(), timeout=5000)
    assert page.status_label.text().startswith("Finished:")


def test_a_fresh_log_without_a_process_does_not_block_resume(qtbot, quick_state, processes):
    """Issue 10.1: the wizard was closed (its run ended) and reopened 20 s later; the log is
    seconds old, a stale record names a process that has ended. Nothing runs: Resume."""
    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = TrainingPage(quick_state, PRETRAIN)
    qtbot.addWidget(page)
    fold = fold_with_fresh_log(quick_state)
    (fold / "checkpoint_latest.pth").write_bytes(b"stand-in")
    ended = living_process(processes)
    record = record_run(quick_state, ended.pid, fold)
    ended.kill()
    ended.wait()
    page.initializePage()
    qtbot.waitUntil(page.start_button.isEnabled, timeout=10000)
    assert page.start_button.text() == "Resume"
    assert not page.follow_timer.isActive()
    assert not page.stop_button.isEnabled()
    assert "outside" not in page.status_label.text()
    assert not record.exists()  # the stale record was removed
    assert page.plots.point_count() == 2


def test_stopped_run_offers_resume(qtbot, quick_state):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = TrainingPage(quick_state, PRETRAIN)
    qtbot.addWidget(page)
    fold = quick_state.context().pretrain_fold_dir
    fold.mkdir(parents=True)
    log = fold / "training_log_2026_11_27_23_42_51.txt"
    shutil.copy(REAL_LOG, log)
    os.utime(log, (1, 1))  # written long ago: nothing runs any more
    (fold / "checkpoint_latest.pth").write_bytes(b"stand-in")
    page.initializePage()
    assert not page.start_button.isEnabled()  # until the fold folder has been read
    qtbot.waitUntil(page.start_button.isEnabled, timeout=10000)
    assert not page.follow_timer.isActive()
    assert page.start_button.isEnabled()
    assert page.start_button.text() == "Resume"
    assert page.plots.point_count() == 2


@POSIX_ONLY
def test_what_a_followed_fine_tuning_uses_is_locked(qtbot, quick_state, processes):
    """Issue 10.11: fold, checkpoint path, Browse and Check weights stay as the run uses them."""
    quick_state.pretrain, quick_state.finetune = "1", "2"
    quick_state.with_options(fold="1")
    page = TrainingPage(quick_state, FINETUNE)
    qtbot.addWidget(page)
    fold = fold_with_fresh_log(quick_state, FINETUNE)
    training = living_process(processes)
    record_run(quick_state, training.pid, fold)
    page.follow_timer.setInterval(100)
    page.initializePage()
    qtbot.waitUntil(page.follow_timer.isActive, timeout=10000)
    inputs = (page.fold_combo, page.browse_button, page.check_weights_button, page.settings,
              page.finetune_options)  # the preset, its frozen epochs, the baseline box
    assert not any(w.isEnabled() for w in inputs)
    assert page.checkpoint_edit.isReadOnly()
    training.kill()
    training.wait()
    qtbot.waitUntil(lambda: not page.follow_timer.isActive(), timeout=10000)
    assert all(w.isEnabled() for w in inputs)
    assert not page.checkpoint_edit.isReadOnly()



@POSIX_ONLY
def test_a_baseline_running_outside_the_wizard_is_followed_on_the_baseline_page(
        qtbot, quick_state, processes):
    """The baseline page follows its own fold folder (the from-scratch trainer's), with the
    fine-tuning's curves drawn dashed for comparison."""
    from nnft.gui.pages.training_page import BASELINE

    quick_state.pretrain, quick_state.finetune = "1", "2"
    quick_state.with_options(baseline=True)
    ctx = quick_state.context()
    for fold in (ctx.baseline_fold_dir, ctx.finetune_fold_dir):
        fold.mkdir(parents=True)
        shutil.copy(REAL_LOG, fold / "training_log_2026_11_27_23_42_51.txt")
    training = living_process(processes)
    record_run(quick_state, training.pid, ctx.baseline_fold_dir)
    page = TrainingPage(quick_state, BASELINE)
    qtbot.addWidget(page)
    page.follow_timer.setInterval(100)
    page.initializePage()
    qtbot.waitUntil(page.follow_timer.isActive, timeout=10000)
    assert f"process {training.pid}" in page.status_label.text()
    assert not page.start_button.isEnabled()
    assert page.stop_button.isEnabled()  # nnFTTrainerFromScratchQuickTrial stops gracefully
    assert page.plots.point_count() == 2
    assert "fine-tuned: EMA" in page.plots.legend_names()
    training.kill()
    training.wait()
    qtbot.waitUntil(lambda: not page.follow_timer.isActive(), timeout=10000)


def test_check_weights_button_reports_fit_and_misfit(qtbot, weights_workspace):
    """The fine-tuning page's guard: real checkpoints from nnU-Net's network builder."""
    from nnft.core.steps import RunOptions
    from nnft.core.wizard_state import WizardState
    from nnft.core.workspace import Workspace
    from nnft.gui.pages.training_page import FINETUNE

    demo, good, bad = weights_workspace
    state = WizardState(workspace=Workspace.from_root(demo.root), pretrain="1", finetune="2",
                        options=RunOptions(configuration="2d", device="cpu",
                                           pretrained_weights=str(good)), check_device=False)
    page = TrainingPage(state, FINETUNE)
    qtbot.addWidget(page)
    page.initializePage()
    # The check runs in a child process; the button says so until the verdict is back.
    check = page.check_weights()
    assert check is not None
    assert page.check_weights_button.text() == "Checking…"
    assert not page.check_weights_button.isEnabled()
    assert page.check_weights() is None  # one check at a time
    qtbot.waitUntil(lambda: not check.running, timeout=120000)
    assert page.weights_fit, page.weights_verdict.text() + str(page.problems.codes())
    assert page.weights_verdict.text().startswith("✓")
    assert page.check_weights_button.text() == "Check weights"
    assert page.check_weights_button.isEnabled()
    state.with_options(pretrained_weights=str(bad))
    check = page.check_weights()
    qtbot.waitUntil(lambda: not check.running, timeout=120000)
    assert not page.weights_fit
    assert page.weights_verdict.text().startswith("✗")
    assert "WEIGHTS_ARCH_MISMATCH" in page.problems.codes()


def test_changing_the_fold_shows_that_folds_curves_only(qtbot, quick_state):
    """The logs are read in a worker thread; a read for another fold never mixes with the
    curves of the fold shown before."""
    import os

    from nnft.gui.pages.training_page import FINETUNE

    quick_state.pretrain, quick_state.finetune = "1", "2"
    fold = quick_state.context().finetune_fold_dir
    fold.mkdir(parents=True)
    log = fold / "training_log_2026_11_27_23_42_51.txt"
    shutil.copy(REAL_LOG, log)
    os.utime(log, (1, 1))
    page = TrainingPage(quick_state, FINETUNE)
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: page.progress is not None, timeout=10000)
    assert page.plots.point_count() == 2
    page.fold_combo.setCurrentIndex(page.fold_combo.findData("1"))
    qtbot.waitUntil(lambda: page.progress.fold_dir != fold, timeout=10000)
    assert page.records == [] and page.plots.point_count() == 0
    page.fold_combo.setCurrentIndex(page.fold_combo.findData("0"))
    qtbot.waitUntil(lambda: page.progress.fold_dir == fold, timeout=10000)
    assert page.plots.point_count() == 2
