"""The wizard, driven like a user would, over the real core (and real nnU-Net where marked)."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QMessageBox, QWizard  # noqa: F401

from nnft.gui.wizard import PAGE_IDS


def _next_enabled(wizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_every_page_constructs_and_has_its_object_name(make_wizard, quick_state):
    wizard = make_wizard(quick_state)
    names = {page.objectName() for page in wizard.pages.values()}
    assert names == {"workspacePage", "datasetsPage", "plansPage", "validationPage",
                     "pretrainPage", "finetunePage", "baselinePage", "resultsPage",
                     "usePage", "summaryPage", "clusterPage"}
    assert wizard.objectName() == "nnftWizard"


def test_workspace_page_blocks_missing_folders(make_wizard, quick_state, tmp_path):
    wizard = make_wizard(quick_state)
    wizard.show()
    page = wizard.pages["workspace"]
    assert page.isComplete()
    page.edits["nnUNet_results"].setText(str(tmp_path / "does not exist"))
    assert not page.isComplete()
    assert "ENV_FOLDER_MISSING" in page.problems.codes()
    assert not _next_enabled(wizard)


def test_datasets_page_preselects_roles_and_swaps(make_wizard, quick_state, demo):
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    page = wizard.pages["datasets"]
    # The larger dataset (12 cases) is proposed for pretraining.
    assert page.pretrain_combo.currentData() == demo.pretrain_name
    assert page.finetune_combo.currentData() == demo.finetune_name
    assert "-s 2 -t 1" in page.diagram.plans_label()
    page.swap()
    assert quick_state.pretrain == demo.finetune_name
    assert "-s 1 -t 2" in page.diagram.plans_label()
    page.swap()
    assert page.isComplete()
    page.finetune_combo.setCurrentIndex(page.finetune_combo.findData(demo.pretrain_name))
    assert "SAME_DATASET" in page.problems.codes()
    assert not page.isComplete()


def test_after_a_swap_no_label_claims_the_smaller_dataset_is_large(make_wizard, quick_state,
                                                                   demo):
    """Swapped, the demo pretrains on its 6-case dataset: the page says how many cases each
    has and warns, and no title or hint calls that dataset large."""
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    page = wizard.pages["datasets"]
    assert "PRETRAIN_SMALLER" not in page.problems.codes()
    assert page.diagram.pretrain_hint() == "source of weights · 12 cases"
    assert page.diagram.finetune_hint() == "your target · 6 cases"
    page.swap()
    assert "PRETRAIN_SMALLER" in page.problems.codes()
    warning = next(p for p in page.problems.problems if p.code == "PRETRAIN_SMALLER")
    assert demo.finetune_name in warning.message and "6 cases" in warning.message
    assert page.diagram.pretrain_hint() == "only 6 cases: the smaller one"
    assert page.diagram.finetune_hint() == "your target · 12 cases"
    titles = [box.title() for box in page.findChildren(QGroupBox)]
    assert titles and not [t for t in titles if "large" in t.lower()], titles
    assert page.isComplete()  # a warning: the user may mean it


@pytest.mark.parametrize("name, code", [("nnUNetPlans", "PLANS_ID_DEFAULT"),
                                        ("bad/name", "PLANS_ID_INVALID"),
                                        ("Taken", "PLANS_ID_EXISTS")])
def test_identifier_clash_turns_field_red_and_blocks(make_wizard, quick_state, demo, name, code):
    taken = demo.preprocessed / demo.pretrain_name / "Taken.json"
    taken.parent.mkdir(parents=True)
    taken.write_text(json.dumps({"plans_name": "Taken"}))
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.pages["plans"]
    assert wizard.currentPage() is page
    page.identifier_edit.setText(name)
    assert "#b3261e" in page.identifier_edit.styleSheet()
    assert page.identifier_status.text().startswith("✗")
    assert not page.run_button.isEnabled()
    assert not _next_enabled(wizard)
    problems = quick_state.run_preflight().problems
    assert code in [p.code for p in problems if p.is_error]
    # A fresh suggestion is accepted.
    page.suggest_button.click()
    assert page.identifier_status.text().startswith("✓")
    assert page.run_button.isEnabled()
    assert taken.read_text() == json.dumps({"plans_name": "Taken"})  # untouched


@pytest.mark.integration
def test_cancel_mid_step_leaves_a_consistent_state(make_wizard, quick_state, demo, qtbot):
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.pages["plans"]
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run is not None and page.run.worker.executor._runner is not None
                    and page.run.worker.executor._runner.pid is not None, timeout=30000)
    pid = page.run.worker.executor._runner.pid
    with qtbot.waitSignal(page.run.finished, timeout=60000):
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.is_running()
    assert page.step_status("plan_finetune") == "cancelled"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    # Nothing after the cancelled step ran, and the step is not taken as done.
    assert not (demo.preprocessed / demo.pretrain_name).exists()
    assert not page.isComplete()
    assert page.run_button.isEnabled()


def test_close_while_running_asks_first(make_wizard, quick_state, monkeypatch, qtbot):
    from nnft.gui import wizard as wizard_mod

    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.pages["plans"]
    page.start()
    qtbot.waitUntil(lambda: page.is_running() and page.run.worker.executor._runner is not None,
                    timeout=10000)
    # Planning is no training: it can only be stopped now (or the close cancelled).
    box, choices = wizard.close_dialog([page])
    assert sorted(choices.values()) == [wizard_mod.CANCEL_CLOSE, wizard_mod.STOP_NOW]
    assert choices[box.defaultButton()] == wizard_mod.STOP_NOW
    monkeypatch.setattr(wizard, "ask_how_to_close", lambda running: wizard_mod.CANCEL_CLOSE)
    wizard.close()
    assert wizard.isVisible() and page.is_running()
    monkeypatch.setattr(wizard, "ask_how_to_close", lambda running: wizard_mod.STOP_NOW)
    wizard.close()
    assert not wizard.isVisible()
    assert not page.is_running()


def test_page_to_reopen_is_the_last_one_if_it_may_be_entered():
    from nnft.core.wizard_state import PAGES, PageAvailability
    from nnft.gui.wizard import page_to_reopen

    def up_to(last):
        return {k: PageAvailability(PAGES.index(k) <= PAGES.index(last), "not yet")
                for k in PAGES}

    assert page_to_reopen("finetune", up_to("summary")) == "finetune"
    assert page_to_reopen("finetune", up_to("plans")) == "plans"  # the furthest allowed
    assert page_to_reopen("finetune", up_to("workspace")) is None
    assert page_to_reopen("cluster", up_to("summary")) is None
    assert page_to_reopen("", up_to("summary")) is None


def test_reopens_on_the_page_the_user_left(make_wizard, quick_state, settings, qtbot):
    """Issue 10.11: the same workspace opens on the page it was closed on."""
    from nnft.core.wizard_state import WizardState

    quick_state.pretrain, quick_state.finetune = "1", "2"
    first = make_wizard(quick_state)
    assert first.reopen_task is None  # nothing remembered yet
    first.show()
    first.next()
    first.next()
    assert first.currentId() == PAGE_IDS["plans"]
    first.close()
    again = WizardState(workspace=quick_state.workspace, pretrain="1", finetune="2",
                        options=quick_state.options, check_device=False)
    second = make_wizard(again)
    assert second.reopen_task is not None
    qtbot.waitUntil(lambda: second.currentId() == PAGE_IDS["plans"], timeout=30000)
    second.back()
    assert second.currentId() == PAGE_IDS["datasets"]  # the way back is the usual one
    # Another workspace does not take this one's page.
    other = WizardState(check_device=False)
    assert make_wizard(other).reopen_task is None


def test_save_script_proposes_the_workspace_folder(make_wizard, quick_state, monkeypatch,
                                                   tmp_path):
    from PySide6.QtWidgets import QFileDialog

    quick_state.pretrain, quick_state.finetune = "1", "2"
    wizard = make_wizard(quick_state)
    summary = wizard.pages["summary"]
    summary.initializePage()
    asked = []
    target = quick_state.workspace.results.parent / "chain.sh"

    def save_dialog(parent, caption, directory, filters):
        asked.append(directory)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    summary.save_button.click()
    assert asked == [str(quick_state.workspace.results.parent / "nnft_chain.sh")]
    assert target.read_text() == summary.script.toPlainText()


@pytest.mark.integration
def test_whole_wizard_on_the_demo_to_a_fine_tuned_model(make_wizard, quick_state, demo, qtbot):
    wizard = make_wizard(quick_state)
    wizard.show()
    assert wizard.currentId() == PAGE_IDS["workspace"]
    wizard.next()
    wizard.next()
    plans = wizard.pages["plans"]
    assert wizard.currentPage() is plans and not plans.isComplete()
    qtbot.mouseClick(plans.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not plans.is_running() and plans.isComplete(), timeout=400_000)
    assert [plans.step_status(k) for k in ("plan_finetune", "fingerprint_pretrain",
                                           "transfer_plans", "copy_dataset_json",
                                           "preprocess_pretrain")] == ["done"] * 5
    assert plans.progress.value() == 5
    plans_name = quick_state.context().options.plans_name
    moved = json.loads((demo.preprocessed / demo.pretrain_name / f"{plans_name}.json")
                       .read_text())
    assert moved["dataset_name"] == demo.pretrain_name

    wizard.next()  # validation
    assert wizard.currentId() == PAGE_IDS["validation"]
    wizard.next()  # pretraining
    pretrain = wizard.pages["pretrain"]
    assert wizard.currentPage() is pretrain
    # Start is enabled once the page has read the fold folder (in a worker thread).
    qtbot.waitUntil(pretrain.start_button.isEnabled, timeout=30000)
    qtbot.mouseClick(pretrain.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pretrain.is_running() and pretrain.isComplete(),
                    timeout=400_000)
    assert pretrain.plots.point_count() == 2  # the live plot received both epochs
    assert (quick_state.context().pretrain_fold_dir / "checkpoint_final.pth").is_file()

    wizard.next()  # fine-tuning
    finetune = wizard.pages["finetune"]
    assert finetune.checkpoint_edit.text().endswith("fold_all/checkpoint_final.pth")
    qtbot.waitUntil(finetune.start_button.isEnabled, timeout=30000)
    # The weights are checked in a child process first; then the chain starts.
    qtbot.mouseClick(finetune.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not finetune.is_running() and finetune.isComplete(),
                    timeout=400_000)
    assert finetune.plots.point_count() == 2
    assert "Loading pretrained weights" in finetune.console.toPlainText()
    assert (quick_state.context().finetune_fold_dir / "checkpoint_final.pth").is_file()

    wizard.next()  # the results (no baseline chosen: they say so), then the summary
    results = wizard.pages["results"]
    assert wizard.currentPage() is results
    qtbot.waitUntil(lambda: results.result is not None, timeout=30000)
    assert results.add_baseline_button.isVisible()
    wizard.next()  # use the model: it proposes the chain's fine-tuned fold and the test images
    use = wizard.pages["use"]
    assert wizard.currentPage() is use
    qtbot.waitUntil(lambda: use.input_edit.text() != "", timeout=30000)
    assert use.model_edit.text() == str(quick_state.context().finetune_fold_dir)
    assert use.input_edit.text() == str(demo.raw / demo.finetune_name / "imagesTs")
    wizard.next()
    summary = wizard.pages["summary"]
    assert wizard.currentPage() is summary
    assert "nnUNetv2_move_plans_between_datasets -s 2 -t 1" in summary.script.toPlainText()
    # The session was saved for the next start.
    session = json.loads((demo.results / "nnFT" / "session.json").read_text())
    assert session["pretrain"] == demo.pretrain_name


def test_foreign_data_folder_blocks_until_backup_is_confirmed(make_wizard, quick_state, demo):
    """A folder nnU-Net would delete that nnFT did not make: refused, unless the user ticks
    the backup box (then the step would move it to nnFT's backups first)."""
    foreign = demo.preprocessed / demo.finetune_name / "nnUNetPlans_2d"
    foreign.mkdir(parents=True)
    (foreign / "someone_elses.npz").write_bytes(b"precious")
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.pages["plans"]
    assert "PREPROCESSED_DATA_EXISTS" in page.problems.codes()
    assert not page.run_button.isEnabled()
    page.overwrite_check.setChecked(True)
    assert quick_state.options.allow_overwrite
    assert page.run_button.isEnabled()
    assert (foreign / "someone_elses.npz").read_bytes() == b"precious"
