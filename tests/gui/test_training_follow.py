"""A training that runs outside the wizard (the GUI was closed or killed, or the run was
started by hand) is found on the training page: curves shown, followed, Start disabled."""

from __future__ import annotations

import shutil
from pathlib import Path

from nnft.gui.pages.training_page import PRETRAIN, TrainingPage

REAL_LOG = Path(__file__).resolve().parents[1] / "core" / "data" / "real" / \
    "pretrain_2d_quicktrial_training_log.txt"


def test_running_external_training_is_followed(qtbot, quick_state):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = TrainingPage(quick_state, PRETRAIN)
    qtbot.addWidget(page)
    fold = quick_state.context().pretrain_fold_dir
    fold.mkdir(parents=True)
    shutil.copy(REAL_LOG, fold / "training_log_2026_11_27_23_42_51.txt")  # fresh mtime
    (fold / "checkpoint_best.pth").write_bytes(b"stand-in: only its existence is read here")
    page.follow_timer.setInterval(100)
    page.initializePage()
    # The logs are read in a worker thread; following starts when the read is back.
    qtbot.waitUntil(page.follow_timer.isActive, timeout=10000)
    assert page.follow_timer.isActive()
    assert "outside the wizard" in page.status_label.text()
    assert page.plots.point_count() == 2  # the epochs already logged
    assert not page.start_button.isEnabled()
    (fold / "checkpoint_final.pth").write_bytes(b"stand-in")
    qtbot.waitUntil(lambda: not page.follow_timer.isActive(), timeout=5000)
    assert page.status_label.text().startswith("Finished:")


def test_stopped_run_offers_resume(qtbot, quick_state):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = TrainingPage(quick_state, PRETRAIN)
    qtbot.addWidget(page)
    fold = quick_state.context().pretrain_fold_dir
    fold.mkdir(parents=True)
    log = fold / "training_log_2026_11_27_23_42_51.txt"
    shutil.copy(REAL_LOG, log)
    import os

    os.utime(log, (1, 1))  # written long ago: nothing runs any more
    (fold / "checkpoint_latest.pth").write_bytes(b"stand-in")
    page.initializePage()
    assert not page.start_button.isEnabled()  # until the fold folder has been read
    qtbot.waitUntil(page.start_button.isEnabled, timeout=10000)
    assert not page.follow_timer.isActive()
    assert page.start_button.isEnabled()
    assert page.start_button.text() == "Resume"
    assert page.plots.point_count() == 2


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
