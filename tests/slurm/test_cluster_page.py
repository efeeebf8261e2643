"""The wizard's Cluster page on the real single-node Slurm (tests/slurm/conftest.py).

A user opens the page from the plans page, sets the resources, saves them as a profile, submits
the demo's quick-trial chain and watches it: the job table's states, live curves read from the
results folder while a training runs, then the finished chain and its fine-tuned model. A second
chain is cancelled from the page. Nothing of Slurm or nnU-Net is mocked.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from nnft.core import slurm as S
from nnft.core.demo import write_demo_workspace
from nnft.core.steps import RunOptions, is_finetuned_from
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace

from .conftest import wait_until

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name != "posix", reason="Slurm runs on Linux only")]

EPOCHS = 4


@pytest.fixture
def profiles_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("NNFT_CONFIG_DIR", str(folder))
    return folder


def _wizard(qtbot, tmp_path, name: str, epochs: int):
    from nnft.gui.wizard import PAGE_IDS, NnftWizard

    demo = write_demo_workspace(tmp_path / name)
    state = WizardState(
        workspace=Workspace.from_root(demo.root), pretrain=demo.pretrain_name,
        finetune=demo.finetune_name,
        options=RunOptions(configuration="2d", device="cpu", trial_epochs=epochs,
                           trial_iterations=2, final_validation=False),
        check_device=False)
    wizard = NnftWizard(state, settings=QSettings(str(tmp_path / f"{name}.ini"),
                                                  QSettings.Format.IniFormat))
    wizard.persist = False
    qtbot.addWidget(wizard)
    wizard.show()
    while wizard.currentId() < PAGE_IDS["plans"]:
        wizard.next()
    open_cluster = wizard.button(QWizard.WizardButton.CustomButton1)
    assert open_cluster.isVisible() and open_cluster.objectName() == "openClusterButton"
    qtbot.mouseClick(open_cluster, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PAGE_IDS["cluster"]
    assert not open_cluster.isVisible()
    page = wizard.pages["cluster"]
    page.poll_interval_s = 1.0
    # The test node: 2 CPUs, no GPU; one job at a time.
    page.partition_edit.setText("debug")
    page.gpus_spin.setValue(0)
    page.cpus_spin.setValue(2)
    page.mem_edit.setText("500M")
    page.time_edit.setText("00:30:00")
    page.signal_spin.setValue(60)
    return wizard, page, demo


def _states(page) -> dict[str, str]:
    return {page.table.item(r, 0).text(): page.table.item(r, 2).text()
            for r in range(page.table.rowCount())}


def test_submit_follow_and_finish_from_the_wizard(qtbot, tmp_path, slurm_cluster, profiles_dir):
    wizard, page, demo = _wizard(qtbot, tmp_path, "ws", EPOCHS)
    assert page.chain_label.text() == "No chain was submitted from this workspace yet."

    # The resources are saved as a per-user profile and chosen again next time.
    assert page.save_profile("testnode")
    saved = json.loads((profiles_dir / "slurm_profiles.json").read_text())["profiles"]
    assert saved["testnode"]["partition"] == "debug" and saved["testnode"]["gpus"] == 0
    assert page.profile_combo.currentData() == "testnode"

    # The page follows every snapshot; keep them to check what the user saw while it ran.
    seen = []
    original = page.show_snapshot

    shots = os.environ.get("NNFT_SCREENSHOT_DIR")  # `make screenshots`: the page in a real run
    shot_taken: list[bool] = []

    def record_snapshot(snapshot):
        original(snapshot)
        seen.append((snapshot, page.plots.point_count()))
        finetuning = [t for t in snapshot.status.tasks if t.role == "finetune"]
        if shots and finetuning and finetuning[0].state == "RUNNING" and \
                page.plots.point_count() >= 2 and not shot_taken:
            Path(shots).mkdir(parents=True, exist_ok=True)
            wizard.grab().save(str(Path(shots) / "08_cluster.png"))
            shot_taken.append(True)

    page.show_snapshot = record_snapshot
    started = time.monotonic()
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    # The preflight and sbatch run in a worker thread; the button says so meanwhile.
    assert page.submit_button.text() == "Submitting…"
    qtbot.waitUntil(lambda: not page.background.is_busy("submit"), timeout=120000)
    records = S.list_chains(Workspace.from_root(demo.root))
    assert len(records) == 1, page.status_label.text() + str(page.problems.codes())
    record = records[0]
    assert [j.role for j in record.jobs] == ["prepare", "pretrain", "finetune"]
    assert record.trainer == "nnFTTrainerQuickTrial" and record.device == "cpu"
    assert record.profile["name"] == "testnode"
    assert page.status_label.text().startswith(f"Submitted chain {record.chain_id}")
    assert page.chain_combo.currentData() == record.chain_id

    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=30000)
    assert set(_states(page)) == {"preparation", "pretraining", "fine-tuning fold 0"}
    # Waiting by polling what the page shows, never by sleeping.
    qtbot.waitUntil(lambda: page.snapshot is not None and page.snapshot.status.done,
                    timeout=600000)
    elapsed = time.monotonic() - started
    print(f"\nchain through Slurm, submitted from the wizard: {elapsed:.0f} s")

    # What the user saw on the way: the preparation running while the rest waited for it, and
    # live curves of a training that was still running.
    assert any(s.status.tasks[0].state == "RUNNING" and s.status.tasks[1].state == "PENDING"
               for s, _ in seen)
    running_with_curves = [(s, points) for s, points in seen
                           if any(t.state == "RUNNING" and t.role != "prepare"
                                  and t.epochs_done for t in s.status.tasks) and points]
    assert running_with_curves, "no live curve was drawn while a training ran"

    assert set(_states(page).values()) == {"COMPLETED"}
    assert page.table.item(2, 3).text() == f"{EPOCHS} / {EPOCHS}"
    assert page.status_label.text() == (f"Chain {record.chain_id} finished: fine-tuned model(s) "
                                        "in the results folder.")
    assert not page.cancel_button.isEnabled()
    ctx = page.plan(skip_done=True)[0].ctx
    assert (ctx.pretrain_fold_dir / "checkpoint_final.pth").is_file()
    assert (ctx.finetune_fold_dir / "checkpoint_final.pth").is_file()
    assert is_finetuned_from(ctx.finetune_fold_dir, ctx.pretrained_checkpoint)
    # The chosen task's curves and log: by default the latest training (fine-tuning fold 0).
    assert page.snapshot.selected == record.job("finetune").job_id
    assert page.plots.point_count() == EPOCHS
    assert "nnFT: finished" in page.console.toPlainText()
    # Choosing the pretraining row shows its curves and its log instead.
    page.table.selectRow(1)
    qtbot.waitUntil(lambda: page.snapshot.selected == record.job("pretrain").job_id,
                    timeout=30000)
    assert page.plots.point_count() == EPOCHS
    assert "nnft-pretrain" in page.console.toPlainText() or \
        "pretrain job" in page.console.toPlainText()

    # Everything is done now: a second Submit submits nothing and says where the model is.
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.background.is_busy("submit"), timeout=120000)
    assert page.status_label.text().startswith("Every step is done already")
    assert len(S.list_chains(Workspace.from_root(demo.root))) == 1
    # Next goes to the summary; Back from there returns to the Cluster page.
    wizard.next()
    from nnft.gui.wizard import PAGE_IDS

    assert wizard.currentId() == PAGE_IDS["summary"]
    wizard.back()
    assert wizard.currentId() == PAGE_IDS["cluster"]


def test_cancel_from_the_wizard(qtbot, tmp_path, slurm_cluster, profiles_dir, monkeypatch):
    wizard, page, demo = _wizard(qtbot, tmp_path, "cancel", 50)
    submitting = page.submit()
    assert submitting is not None, str(page.problems.codes())
    qtbot.waitUntil(lambda: not submitting.running, timeout=120000)
    record = page.submitted
    assert record is not None, str(page.problems.codes())
    qtbot.waitUntil(lambda: _states(page).get("preparation") == "RUNNING", timeout=120000)
    assert page.cancel_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or
                        QMessageBox.StandardButton.Yes)
    # scancel runs in a worker thread; what the page says when it is back is kept here (the
    # next poll replaces it soon after).
    said = []
    original = page._on_chain_cancelled
    page._on_chain_cancelled = lambda *args: (original(*args),
                                              said.append(page.status_label.text()))
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert asked and f"Cancel every job of chain {record.chain_id}?" in asked[0]
    qtbot.waitUntil(lambda: bool(said), timeout=60000)
    assert said[0].startswith(f"Cancelled chain {record.chain_id}: scancel")
    qtbot.waitUntil(lambda: set(_states(page).values()) == {"CANCELLED"}, timeout=90000)
    wait_until(lambda: not any(j.split("_")[0] in record.job_ids()
                               for j in slurm_cluster.jobs_in_queue()),
               60, "the cancelled jobs to leave the queue")
    assert S.ChainRecord.load(Path(record.chain_dir) / S.RECORD_NAME).cancelled
    assert "ended without finishing" in page.status_label.text()
