"""Closing the wizard mid-training and reopening it, with real nnU-Net (issue 10, items 1, 4, 11).

One fine-tuning of the demo (fold 1, a long quick trial on the CPU) goes through every way of
closing: the wizard is closed and the training left running; a new wizard on the same workspace
reopens on the fine-tuning page, finds the run from nnFT's record (not from the log's age),
follows it and stops it after its epoch; Resume continues, and "Stop after this epoch and quit"
closes the window once the epoch in progress is checkpointed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from nnft.core import run_records
from nnft.core.session import Session
from nnft.core.steps import RunOptions
from nnft.core.training_history import find_training_logs, parse_fold_dir
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name == "nt", reason="SIGUSR1 and detaching are POSIX-only")]

EPOCHS = 40  # far more than the test lets run: it never finishes on its own


def open_wizard(qtbot, state: WizardState, settings: QSettings):
    from nnft.gui.wizard import NnftWizard

    wizard = NnftWizard(state, settings=settings)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def kill_recorded_runs(state_dir: Path) -> None:
    """Whatever the test left running is ended (never leave an nnU-Net process behind)."""
    for _, record in run_records.read_records(state_dir):
        if record.is_alive():
            os.killpg(record.pid, signal.SIGKILL)


def shots_dir() -> Path | None:
    folder = os.environ.get("NNFT_TEST_SHOTS")
    return Path(folder) if folder else None


def test_close_leave_running_reopen_follow_stop_resume_and_stop_on_quit(chain_run, tmp_path,
                                                                       qtbot):
    from nnft.gui import wizard as wizard_mod
    from nnft.gui.wizard import PAGE_IDS

    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    workspace = Workspace.from_root(root)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    state = WizardState(workspace=workspace, pretrain="1", finetune="2", check_device=False,
                        options=RunOptions(configuration="2d", device="cpu", fold="1",
                                           trial_epochs=EPOCHS, trial_iterations=2,
                                           final_validation=False))
    fold = state.context().finetune_fold_dir
    try:
        # -- 1. start the fine-tuning in the wizard, then close it: leave it running ------------
        first = open_wizard(qtbot, state, settings)
        while first.currentId() != PAGE_IDS["finetune"]:
            first.next()
        page = first.pages["finetune"]
        qtbot.waitUntil(page.start_button.isEnabled, timeout=60000)
        page.start()  # the weights are checked in a child process, then the training starts
        qtbot.waitUntil(lambda: len(page.records) >= 1, timeout=300000)
        assert not page.fold_combo.isEnabled() and page.checkpoint_edit.isReadOnly()
        (path, record), = run_records.read_records(workspace.state_dir)
        assert record.is_alive() and record.step == "finetune" and Path(record.fold_dir) == fold

        box, choices = first.close_dialog(first.running_pages())
        assert choices[box.defaultButton()] == wizard_mod.STOP_AFTER_EPOCH
        assert set(choices.values()) == {wizard_mod.STOP_AFTER_EPOCH, wizard_mod.LEAVE_RUNNING,
                                         wizard_mod.CANCEL_CLOSE}
        if shots_dir() is not None:
            box.adjustSize()
            box.grab().save(str(shots_dir() / "runs_close_dialog.png"))
        box.deleteLater()
        first.ask_how_to_close = lambda running: wizard_mod.LEAVE_RUNNING
        first.close()
        assert not first.isVisible() and not page.is_running()
        assert record.is_alive(), "the training died with the window"
        log_at_close = Path(record.log_path).stat().st_size
        epochs_at_close = len(parse_fold_dir(fold))

        # -- 2. reopen: the fine-tuning page, following the run it finds from the record --------
        session = Session.load(workspace.state_dir / "session.json")
        assert session is not None
        reopened = WizardState.from_session(session)
        reopened.check_device = False
        second = open_wizard(qtbot, reopened, settings)
        qtbot.waitUntil(lambda: second.currentId() == PAGE_IDS["finetune"], timeout=60000)
        follower = second.pages["finetune"]
        qtbot.waitUntil(follower.follow_timer.isActive, timeout=30000)
        assert f"(process {record.pid})" in follower.status_label.text()
        assert not follower.start_button.isEnabled()
        assert follower.stop_button.isEnabled()
        assert not follower.fold_combo.isEnabled()
        if shots_dir() is not None:
            second.grab().save(str(shots_dir() / "runs_following.png"))
        # The training goes on writing after the window that started it is gone, and the
        # reopened page shows that output.
        qtbot.waitUntil(lambda: len(parse_fold_dir(fold)) > epochs_at_close, timeout=120000)
        assert Path(record.log_path).stat().st_size > log_at_close
        new_epoch = parse_fold_dir(fold)[-1].epoch
        qtbot.waitUntil(lambda: re.search(rf": Epoch {new_epoch}$",
                                          follower.console.toPlainText(), re.M) is not None,
                        timeout=30000)

        # -- 3. Stop on the reopened page: after its epoch, with a checkpoint ------------------
        follower.stop()
        assert not follower.stop_button.isEnabled()
        qtbot.waitUntil(lambda: not follower.follow_timer.isActive(), timeout=180000)
        assert not record.is_alive()
        assert (fold / "checkpoint_latest.pth").is_file()
        assert not (fold / "checkpoint_final.pth").exists()
        assert "nnFT: graceful stop requested" in find_training_logs(fold)[-1].read_text()
        assert not run_records.read_records(workspace.state_dir) or not any(
            r.is_alive() for _, r in run_records.read_records(workspace.state_dir))
        qtbot.waitUntil(follower.start_button.isEnabled, timeout=30000)
        assert follower.start_button.text() == "Resume"
        stopped_after = parse_fold_dir(fold)[-1].epoch

        # -- 4. Resume, then "Stop after this epoch and quit": the epoch in progress is kept ----
        follower.start()
        qtbot.waitUntil(lambda: follower.is_running() and any(
            r.epoch > stopped_after for r in follower.records), timeout=300000)
        in_progress = follower.records[-1].epoch + 1
        # Close once the next epoch has begun (nnU-Net logs "Epoch N" when it starts one).
        qtbot.waitUntil(lambda: re.search(rf": Epoch {in_progress}$",
                                          follower.console.toPlainText(), re.M) is not None,
                        timeout=120000)
        second.ask_how_to_close = lambda running: wizard_mod.STOP_AFTER_EPOCH
        second.close()
        assert second.isVisible()  # it waits for the epoch (the window stays responsive)
        qtbot.waitUntil(lambda: not second.isVisible(), timeout=180000)
        assert not follower.is_running()
        epochs = [r.epoch for r in parse_fold_dir(fold)]
        logs = find_training_logs(fold)
        assert len(logs) == 2
        stop = re.search(r"nnFT: graceful stop requested\. checkpoint_latest\.pth written after "
                         r"epoch (\d+)", logs[-1].read_text())
        assert stop is not None, logs[-1].read_text()[-2000:]
        # The epoch in progress when the window was closed was finished and checkpointed (the
        # line counts epochs from 1, the log's "Epoch N" from 0).
        assert int(stop.group(1)) - 1 == epochs[-1] >= in_progress
        assert epochs[-1] < EPOCHS - 1
        assert (fold / "checkpoint_latest.pth").is_file()
        assert not any(r.is_alive() for _, r in run_records.read_records(workspace.state_dir))
    finally:
        kill_recorded_runs(workspace.state_dir)
