"""The wizard's Cluster page without Slurm: navigation, the form, profiles, scripts and export.

Nothing here needs Slurm or nnU-Net: the page is given a PATH without ``sbatch`` wherever
Slurm must be missing, so every test passes whether or not Slurm is installed on this machine.
The cluster profiles always go to a temporary NNFT_CONFIG_DIR. The real-Slurm tests of the
page are in tests/slurm/test_cluster_page.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWizard

from nnft.core import slurm as S
from nnft.gui.pages.cluster_page import ClusterPage
from nnft.gui.wizard import CLUSTER_FROM, PAGE_IDS

PAGE_ORDER = ("workspace", "datasets", "plans", "validation", "pretrain", "finetune", "summary")
#: The plans identifier nnFT proposes for the demo (fine-tuning dataset 2 → pretraining 1).
DEMO_PLANS = "nnUNetPlans_pretrain_for_Dataset002"
MISSING_SLURM = ("Slurm's commands (sbatch, squeue, scancel) are not installed on this "
                 "computer.")


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """Cluster profiles of this test only (never the user's ~/.config/nnft)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("NNFT_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def no_slurm(tmp_path):
    """Slurm's commands as on a machine without Slurm: an empty folder as PATH."""
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    slurm = S.SlurmCommands(env={"PATH": str(empty)})
    assert not slurm.available()
    return slurm


@pytest.fixture
def state(quick_state, demo):
    quick_state.pretrain = demo.pretrain_name
    quick_state.finetune = demo.finetune_name
    return quick_state


@pytest.fixture
def make_page(qtbot, state, no_slurm):
    """A Cluster page on its own, initialised as the wizard does when it is shown."""

    def make(slurm: S.SlurmCommands | None = None) -> ClusterPage:
        page = ClusterPage(state)
        qtbot.addWidget(page)
        page.slurm = slurm or no_slurm
        page.initializePage()
        return page

    return make


def _slurm_folder(state) -> Path:
    return state.workspace.results / "nnFT" / "slurm"


def _wizard_at(make_wizard, state, no_slurm, key: str):
    """A shown wizard on page ``key`` (reached with Next, as a user would)."""
    wizard = make_wizard(state)
    wizard.persist = False
    wizard.pages["cluster"].slurm = no_slurm
    wizard.show()
    while wizard.currentId() != PAGE_IDS[key]:
        before = wizard.currentId()
        wizard.next()
        assert wizard.currentId() != before, f"Next did not leave page {before}"
    return wizard


def _cluster_button(wizard):
    return wizard.button(QWizard.WizardButton.CustomButton1)


def _problem(page, code: str) -> str:
    """What the page says about problem ``code`` (message and fix), asserting it is shown."""
    shown = [p for p in page.problems.problems if p.code == code]
    assert shown, f"no problem {code} shown; shown: {page.problems.codes()}"
    assert page.problems.findChild(QLabel, f"problem_{code}") is not None
    return " ".join(f"{p.message} {p.fix}" for p in shown)


# -- navigation -------------------------------------------------------------------------------
def test_cluster_button_is_shown_only_where_training_could_start(make_wizard, state, no_slurm):
    wizard = _wizard_at(make_wizard, state, no_slurm, "workspace")
    button = _cluster_button(wizard)
    assert button.objectName() == "openClusterButton"
    assert button.text() == "Run on a cluster…"
    shown = {}
    for key in PAGE_ORDER:
        while wizard.currentId() != PAGE_IDS[key]:
            wizard.next()
        shown[key] = button.isVisible()
    assert shown == {"workspace": False, "datasets": False, "plans": True, "validation": True,
                     "pretrain": True, "finetune": True, "summary": False}
    assert set(CLUSTER_FROM) == {"plans", "validation", "pretrain", "finetune"}


@pytest.mark.parametrize("opener", ["plans", "validation", "pretrain", "finetune"])
def test_cluster_page_opens_returns_and_goes_on_to_the_summary(make_wizard, state, no_slurm,
                                                               qtbot, opener):
    wizard = _wizard_at(make_wizard, state, no_slurm, opener)
    qtbot.mouseClick(_cluster_button(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PAGE_IDS["cluster"]
    assert wizard.currentPage() is wizard.pages["cluster"]
    assert wizard.currentPage().objectName() == "clusterPage"
    assert not _cluster_button(wizard).isVisible()
    # Back returns to the page the Cluster page was opened from.
    wizard.back()
    assert wizard.currentId() == PAGE_IDS[opener]
    assert _cluster_button(wizard).isVisible()
    # Opened again (the wizard's own call this time), Next goes on to the summary.
    wizard.open_page("cluster")
    assert wizard.currentId() == PAGE_IDS["cluster"]
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["summary"]


def test_summary_is_last_and_finetune_leads_to_it_not_to_the_cluster_page(make_wizard, state,
                                                                         no_slurm):
    wizard = _wizard_at(make_wizard, state, no_slurm, "finetune")
    assert wizard.nextId() == PAGE_IDS["results"]  # no baseline chosen
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["results"]
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["use"]  # use the model, then the summary
    wizard.next()
    assert wizard.currentId() == PAGE_IDS["summary"]
    assert wizard.pages["summary"].nextId() == -1
    assert wizard.nextId() == -1
    wizard.next()  # nothing after the summary
    assert wizard.currentId() == PAGE_IDS["summary"]
    assert PAGE_IDS["cluster"] not in wizard.visitedIds()


# -- Slurm missing ----------------------------------------------------------------------------
def test_without_slurm_the_page_says_so_and_submit_writes_nothing(make_wizard, state, no_slurm,
                                                                  qtbot):
    wizard = _wizard_at(make_wizard, state, no_slurm, "plans")
    wizard.open_page("cluster")
    page = wizard.pages["cluster"]
    assert page.status_label.text().startswith(MISSING_SLURM)
    assert "Export script…" in page.status_label.text()
    assert page.chain_label.text() == "No chain was submitted from this workspace yet."
    assert not page.cancel_button.isEnabled()

    assert page.submit() is None
    assert page.problems.codes() == [S.SLURM_NOT_AVAILABLE]
    assert "'sbatch' was not found on PATH" in _problem(page, S.SLURM_NOT_AVAILABLE)
    # The button does the same.
    page.problems.set_problems([])
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert page.problems.codes() == [S.SLURM_NOT_AVAILABLE]
    assert not _slurm_folder(state).exists()
    assert page.chain_combo.count() == 0


def test_with_sbatch_on_path_the_missing_message_is_not_shown(make_page, tmp_path):
    """The message above follows ``SlurmCommands.available()`` (a stand-in sbatch, never run)."""
    bin_dir = tmp_path / "fake_bin"
    bin_dir.mkdir()
    sbatch = bin_dir / "sbatch"
    sbatch.write_text("#!/bin/sh\nexit 1\n")
    sbatch.chmod(0o755)
    page = make_page(S.SlurmCommands(env={"PATH": str(bin_dir)}))
    assert page.slurm.available()
    assert MISSING_SLURM not in page.status_label.text()


# -- the form ---------------------------------------------------------------------------------
def test_wrong_memory_is_named_and_blocks_submit_until_fixed(make_page):
    page = make_page()
    assert page.submit_button.isEnabled()
    page.mem_edit.setText("lots")
    assert S.SLURM_OPTIONS_INVALID in page.problems.codes()
    assert "Memory 'lots' is not a Slurm memory size." in _problem(page, S.SLURM_OPTIONS_INVALID)
    assert not page.submit_button.isEnabled()
    page.mem_edit.setText("16G")
    assert S.SLURM_OPTIONS_INVALID not in page.problems.codes()
    assert page.submit_button.isEnabled()


def test_more_nnunet_gpus_than_requested_gpus_is_refused(make_page):
    page = make_page()
    page.gpus_spin.setValue(1)
    page.num_gpus_spin.setValue(2)
    assert not page.submit_button.isEnabled()
    text = _problem(page, S.SLURM_OPTIONS_INVALID)
    assert "-num_gpus 2 asks nnU-Net to train on 2 GPUs" in text
    assert "the jobs request 1 GPU(s)" in text
    page.gpus_spin.setValue(2)
    assert S.SLURM_OPTIONS_INVALID not in page.problems.codes()
    assert page.submit_button.isEnabled()


def test_device_follows_the_requested_gpus(make_page, state):
    page = make_page()
    page.gpus_spin.setValue(0)
    assert page.cluster_options(page.profile()).device == "cpu"
    page.gpus_spin.setValue(1)
    assert page.cluster_options(page.profile()).device == "cuda"
    assert state.options.device == "cpu"  # the wizard's own choice is left as it was


# -- profiles ---------------------------------------------------------------------------------
def _fill_form(page) -> None:
    page.partition_edit.setText("gpu-long")
    page.account_edit.setText("proj42")
    page.gpus_spin.setValue(2)
    page.num_gpus_spin.setValue(1)
    page.cpus_spin.setValue(12)
    page.mem_edit.setText("64G")
    page.time_edit.setText("2-00:00:00")
    page.signal_spin.setValue(600)
    page.extra_edit.setPlainText("--qos=long\n\n--constraint=a100")
    page.setup_edit.setPlainText("module load cuda/12.1\nsource /opt/venv/bin/activate")


def test_saved_profile_is_written_listed_and_restored(make_page, config_dir):
    page = make_page()
    _fill_form(page)
    assert page.save_profile("mycluster"), page.problems.codes()
    path = config_dir / "slurm_profiles.json"
    assert page.status_label.text() == f"Saved cluster profile 'mycluster' to {path}."
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 1
    saved = data["profiles"]["mycluster"]
    assert saved["partition"] == "gpu-long"
    assert saved["account"] == "proj42"
    assert saved["gpus"] == 2 and saved["cpus_per_task"] == 12
    assert saved["mem"] == "64G" and saved["time_limit"] == "2-00:00:00"
    assert saved["signal_seconds_before_end"] == 600
    assert saved["extra_sbatch"] == ["--qos=long", "--constraint=a100"]
    assert saved["setup"] == ["module load cuda/12.1", "source /opt/venv/bin/activate"]
    assert page.profile_combo.currentData() == "mycluster"

    # Next time the page is opened it lists the profile; nnFT's defaults are shown first.
    fresh = make_page()
    items = [(fresh.profile_combo.itemText(i), fresh.profile_combo.itemData(i))
             for i in range(fresh.profile_combo.count())]
    assert items == [("nnFT defaults", ""), ("mycluster", "mycluster")]
    assert fresh.partition_edit.text() == ""
    assert fresh.mem_edit.text() == "32G"
    fresh.profile_combo.setCurrentIndex(fresh.profile_combo.findData("mycluster"))
    fresh._on_profile_chosen()
    assert fresh.partition_edit.text() == "gpu-long"
    assert fresh.account_edit.text() == "proj42"
    assert fresh.gpus_spin.value() == 2 and fresh.cpus_spin.value() == 12
    assert fresh.mem_edit.text() == "64G"
    assert fresh.time_edit.text() == "2-00:00:00"
    assert fresh.signal_spin.value() == 600
    assert fresh.extra_edit.toPlainText() == "--qos=long\n--constraint=a100"
    assert fresh.setup_edit.toPlainText() == "module load cuda/12.1\nsource /opt/venv/bin/activate"
    assert fresh.profile().name == "mycluster"
    # Back to nnFT's defaults.
    fresh.profile_combo.setCurrentIndex(0)
    fresh._on_profile_chosen()
    assert fresh.partition_edit.text() == "" and fresh.extra_edit.toPlainText() == ""


def test_wrong_values_are_not_saved_as_a_profile(make_page, config_dir):
    page = make_page()
    page.mem_edit.setText("lots")
    assert not page.save_profile("mycluster")
    assert "Memory 'lots'" in _problem(page, S.SLURM_OPTIONS_INVALID)
    assert not (config_dir / "slurm_profiles.json").exists()


def _damage_profiles(config_dir) -> Path:
    path = config_dir / "slurm_profiles.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    return path


def test_damaged_profiles_file_leaves_a_working_page_and_the_file_untouched(make_page,
                                                                           config_dir):
    path = _damage_profiles(config_dir)
    page = make_page()
    # nnFT's defaults are used meanwhile, and the page plans with them.
    assert [page.profile_combo.itemData(i) for i in range(page.profile_combo.count())] == [""]
    assert page.partition_edit.text() == ""
    assert page.mem_edit.text() == "32G"
    assert page.gpus_spin.value() == 1
    assert page.submit_button.isEnabled()
    assert "#SBATCH --mem=32G" in page.scripts_text()
    # Merely opening (and using) the page does not overwrite the file.
    assert path.read_text(encoding="utf-8") == "{not json"


def test_damaged_profiles_file_is_named_on_the_page(make_page, config_dir):
    path = _damage_profiles(config_dir)
    page = make_page()
    text = _problem(page, S.SLURM_OPTIONS_INVALID)
    assert str(path) in text
    assert "damaged" in text
    assert "defaults are used meanwhile" in text
    # Still named after a value of the form changes (the form's check runs again).
    page.mem_edit.setText("16G")
    assert str(path) in _problem(page, S.SLURM_OPTIONS_INVALID)


# -- job scripts ------------------------------------------------------------------------------
def test_scripts_text_holds_the_training_commands_and_the_stop_signal(make_page):
    page = make_page()
    page.gpus_spin.setValue(0)  # CPU jobs, as the wizard's options
    page.signal_spin.setValue(120)
    page.folds_edit.setText("0,1")
    text = page.scripts_text()
    assert ("TRAIN=(nnUNetv2_train 1 2d all -p " + DEMO_PLANS
            + " -tr nnFTTrainerQuickTrial -device cpu)") in text
    assert ("TRAIN=(nnUNetv2_train 1 2d all -p " + DEMO_PLANS
            + " -tr nnFTTrainerQuickTrial -device cpu --c)") in text
    assert "#SBATCH --signal=B:USR1@120" in text
    assert "#SBATCH --signal=B:USR1@300" not in text
    assert "#SBATCH --array=0-1" in text
    assert "FOLDS=(0 1)" in text
    assert "#SBATCH --gres=gpu" not in text
    # Each script is preceded by the sbatch command Submit would run.
    assert re.search(r"^# \$ sbatch --parsable \S+/1_prepare\.sbatch$", text, re.MULTILINE)
    assert re.search(r"^# \$ sbatch --parsable --dependency=afterok:<prepare job> "
                     r"\S+/2_pretrain\.sbatch$", text, re.MULTILINE)
    assert re.search(r"^# \$ sbatch --parsable --dependency=afterok:<pretrain job> "
                     r"\S+/3_finetune\.sbatch$", text, re.MULTILINE)
    assert "FOLD_INVALID" not in page.problems.codes()


def test_one_fold_is_no_array_and_a_missing_fold_is_refused(make_page, state):
    page = make_page()
    assert page.folds_edit.text() == "0"  # the wizard's fold
    text = page.scripts_text()
    assert "#SBATCH --array" not in text
    assert "#SBATCH --signal=B:USR1@300" in text
    assert "-device cuda" in text  # the default profile requests one GPU

    page.folds_edit.setText("7")
    assert page.scripts_text() == ""
    assert "FOLD_INVALID" in page.problems.codes()
    assert "folds 7 do not exist" in _problem(page, "FOLD_INVALID")
    assert not _slurm_folder(state).exists()


# -- export -----------------------------------------------------------------------------------
def test_export_writes_only_the_chosen_file_the_same_as_core(make_page, state, tmp_path):
    page = make_page()
    page.partition_edit.setText("gpu")
    target = tmp_path / "nnft_slurm_chain.sh"
    assert page.export_to(target)
    assert page.status_label.text() == (f"Wrote {target}; run it with bash on the cluster's "
                                        "login node.")
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert 'prepare=$(sbatch --parsable "$CHAIN_DIR/1_prepare.sbatch")' in lines
    assert ('pretrain=$(sbatch --parsable --dependency=afterok:$prepare '
            '"$CHAIN_DIR/2_pretrain.sbatch")') in lines
    assert ('finetune=$(sbatch --parsable --dependency=afterok:$pretrain '
            '"$CHAIN_DIR/3_finetune.sbatch")') in lines
    assert "#SBATCH --partition=gpu" in lines

    # The same file as core's export (what `nnft export --format slurm` writes) for this chain.
    chain_dir_line = next(line for line in lines if line.startswith("CHAIN_DIR="))
    chain_dir = Path(chain_dir_line.split("=", 1)[1].strip("'"))
    assert chain_dir.parent == _slurm_folder(state)
    profile = page.profile()
    chain, problems = S.plan_cluster_chain(
        state.workspace, state.pretrain, state.finetune, page.cluster_options(profile), profile,
        "0", skip_done=False)
    assert chain is not None, problems
    expected = S.export_slurm_text(chain.ctx, chain.profile, chain.folds,
                                   chain_id=chain_dir.name, chain_dir=chain_dir)
    assert text == expected
    # Only the chosen file is written: no chain folder, no job scripts on this machine.
    assert not _slurm_folder(state).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sh") == [target.name]


def test_export_with_wrong_folds_writes_nothing(make_page, state, tmp_path):
    page = make_page()
    page.folds_edit.setText("7")
    target = tmp_path / "nnft_slurm_chain.sh"
    assert not page.export_to(target)
    assert "FOLD_INVALID" in page.problems.codes()
    assert not target.exists()
    assert not _slurm_folder(state).exists()


# -- submit and cancel off the GUI thread -----------------------------------------------------
@pytest.fixture
def slow_fake_slurm(tmp_path):
    """Stand-ins for Slurm's commands that take a moment, like a busy controller: sbatch hands
    out job ids, scancel notes what it cancelled; the others know no job."""
    bin_dir = tmp_path / "slow_slurm_bin"
    bin_dir.mkdir()
    calls = tmp_path / "slurm_calls.txt"
    counter = tmp_path / "next_job_id"
    counter.write_text("100")
    scripts = {
        "sbatch": f'sleep 0.3\nn=$(cat "{counter}")\necho $((n + 1)) > "{counter}"\n'
                  f'echo "sbatch $*" >> "{calls}"\necho "$n"\n',
        "scancel": f'sleep 0.3\necho "scancel $*" >> "{calls}"\n',
        "squeue": "exit 0\n", "sacct": "exit 0\n", "scontrol": "exit 0\n",
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
    return S.SlurmCommands(env={"PATH": f"{bin_dir}:/usr/bin:/bin"}), calls


def test_submit_and_cancel_run_in_the_background_with_busy_buttons(make_page, state, qtbot,
                                                                   slow_fake_slurm,
                                                                   monkeypatch):
    slurm, calls = slow_fake_slurm
    page = make_page(slurm)
    submitting = page.submit()
    assert submitting is not None  # back at once: sbatch runs in a worker thread
    assert page.submit_button.text() == "Submitting…"
    assert not page.submit_button.isEnabled()
    assert page.status_label.text() == "Submitting the chain to Slurm …"
    assert page.submit() is None  # one submission at a time
    qtbot.waitUntil(lambda: not submitting.running, timeout=30000)
    record = page.submitted
    assert record is not None, page.status_label.text() + str(page.problems.codes())
    assert [j.job_id for j in record.jobs] == ["100", "101", "102"]
    assert page.submit_button.text() == "Submit" and page.submit_button.isEnabled()
    assert page.chain_combo.currentData() == record.chain_id
    assert calls.read_text().count("sbatch ") == 3

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    shown = []
    original = page._on_chain_cancelled

    def remember(*args):
        original(*args)
        shown.append(page.status_label.text())

    page._on_chain_cancelled = remember
    cancelling = page.cancel_chain()
    assert cancelling is not None
    assert page.cancel_button.text() == "Cancelling…" and not page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not cancelling.running, timeout=30000)
    assert shown == [f"Cancelled chain {record.chain_id}: scancel 100 101 102"]
    assert "scancel 100 101 102" in calls.read_text()
    assert page.cancel_button.text() == "Cancel chain"
    assert S.ChainRecord.load(Path(record.chain_dir) / S.RECORD_NAME).cancelled


# -- Slurm installed but not configured (issue 10, item 10) ----------------------------------
needs_slurm_clients = pytest.mark.skipif(
    shutil.which("scontrol") is None or shutil.which("sbatch") is None,
    reason="Slurm's client tools are not installed")


@pytest.fixture
def unconfigured_slurm(tmp_path):
    """The real client tools with a configuration they cannot use (an empty slurm.conf): they
    fail as on a workstation where Slurm was installed but never set up."""
    conf = tmp_path / "slurm.conf"
    conf.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    return S.SlurmCommands(env={**env, "SLURM_CONF": str(conf)})


@needs_slurm_clients
def test_unconfigured_slurm_is_said_on_entering_and_submit_names_it(make_page, state, qtbot,
                                                                    unconfigured_slurm):
    page = make_page(unconfigured_slurm)
    page.show()
    # Asked in the background: the page is back at once and says it is asking.
    assert page.refreshed_label.text() == "Asking Slurm …"
    qtbot.waitUntil(lambda: not page.background.is_busy(), timeout=60000)
    assert page.controller_problem is not None
    assert page.problems.codes() == [S.SLURM_NO_CONTROLLER]
    assert page.status_label.text().startswith("Slurm is installed on this computer but "
                                               "reaches no cluster")
    assert "not configured" in _problem(page, S.SLURM_NO_CONTROLLER)
    assert page.refreshed_label.text().startswith("Last refreshed at ")
    assert page.refreshed_label.text().endswith("no Slurm controller reachable")

    page.problems.set_problems([])
    submitting = page.submit()
    assert submitting is not None and page.submit_button.text() == "Submitting…"
    qtbot.waitUntil(lambda: not submitting.running, timeout=60000)
    assert page.problems.codes() == [S.SLURM_NO_CONTROLLER]
    assert page.status_label.text().startswith("Nothing was submitted: Slurm is installed")
    shown = " ".join(label.text() for label in page.problems.findChildren(QLabel)
                     if not label.isHidden())
    assert "partition" not in shown and "DNS" not in page.status_label.text()
    assert not _slurm_folder(state).exists()  # nothing written


@needs_slurm_clients
def test_refresh_shows_that_it_refreshed(make_page, qtbot, unconfigured_slurm):
    page = make_page(unconfigured_slurm)
    qtbot.waitUntil(lambda: not page.background.is_busy(), timeout=60000)
    page.refreshed_label.setText("")
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert page.refreshed_label.text() == "Asking Slurm …"
    qtbot.waitUntil(lambda: not page.background.is_busy(), timeout=60000)
    assert re.fullmatch(r"Last refreshed at \d\d:\d\d:\d\d · no Slurm controller reachable",
                        page.refreshed_label.text()), page.refreshed_label.text()


def test_no_empty_plots_before_a_job_has_epochs(make_page):
    page = make_page()
    page.show()
    assert not page.plots.isVisibleTo(page)
    assert page.curves_placeholder.isVisibleTo(page)
    assert page.splitter.sizes()[1] > 0  # the placeholder has the plots' room
    assert "appear here" in page.curves_placeholder.text()


# -- the fine-tuning preset and the from-scratch baseline (issue 11) ---------------------------
REAL_LOGS = Path(__file__).resolve().parents[1] / "core" / "data" / "real"


def test_the_wizards_preset_and_baseline_reach_the_jobs_and_are_shown(make_page, state,
                                                                     no_slurm):
    """The Cluster page has no preset or baseline controls of its own: what the fine-tuning page
    chose (the wizard's options) is said on the page and goes into the job scripts; the
    baseline's tasks are named in the table, with the same fold's fine-tuning as reference
    curves (real nnU-Net logs in the results folders)."""
    state.with_options(finetune_preset="gentle", baseline=True)
    page = make_page()
    assert page.choices_label.text() == ("Fine-tuning preset: gentle; from-scratch baseline: "
                                         "yes (4_baseline)")
    assert page.choices_label.toolTip().startswith("Gentle (learning rate 1e-3 with warm-up)")
    assert "runs alongside the pretraining" in page.choices_label.toolTip()
    page.gpus_spin.setValue(0)
    page.folds_edit.setText("0,1")
    text = page.scripts_text()
    assert re.search(r"^# \$ sbatch --parsable --dependency=afterok:<prepare job> "
                     r"\S+/4_baseline\.sbatch$", text, re.MULTILINE)
    assert "-tr nnFTTrainerGentleFinetuneQuickTrial -device cpu -pretrained_weights" in text
    assert "-tr nnFTTrainerFromScratchQuickTrial -device cpu)" in text

    # A recorded chain with a baseline array, read back as `nnft jobs` reads it.
    chain, _ = page.plan(skip_done=True)
    finetune, baseline = chain.job("finetune"), chain.job("baseline")
    for fold_dir, log in ((finetune.fold_dirs["0"], "finetune_2d_quicktrial_training_log.txt"),
                          (baseline.fold_dirs["0"], "pretrain_2d_quicktrial_training_log.txt")):
        Path(fold_dir).mkdir(parents=True)
        shutil.copy(REAL_LOGS / log, Path(fold_dir) / "training_log_2026_1_1_00_00_00.txt")
    record = S.ChainRecord(
        chain_id="C", chain_dir=str(chain.chain_dir), created="2026-01-01T00:00:00",
        pretrain=state.pretrain, finetune=state.finetune, configuration="2d",
        trainer=chain.ctx.trainer, device="cpu", folds=["0", "1"], total_epochs=2,
        workspace={}, profile={}, options={},
        jobs=[S.SubmittedJob(role=j.role, job_id=str(10 + i), name=j.name, script="",
                             sbatch_argv=[], after=j.after, folds=list(j.folds),
                             fold_dirs=dict(j.fold_dirs), trainer=j.trainer)
              for i, j in enumerate(chain.jobs)])
    from nnft.gui.pages.cluster_page import poll_chain

    snapshot = poll_chain(record, "13_0", no_slurm)
    assert snapshot.selected == "13_0" and snapshot.reference_role == "finetune"
    assert snapshot.records and snapshot.reference  # the baseline's and fine-tuning's epochs
    page.show_snapshot(snapshot)
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert names == ["preparation", "pretraining", "fine-tuning fold 0", "fine-tuning fold 1",
                     "baseline (from scratch), fold 0", "baseline (from scratch), fold 1"]
    assert page.plots.reference_label == "fine-tuning"
    assert page.plots.point_count() == len(snapshot.records)
    assert [t.trainer for t in snapshot.status.tasks][-1] == "nnFTTrainerFromScratchQuickTrial"
    # A fine-tuning task keeps the pretraining as its reference.
    assert poll_chain(record, "12_0", no_slurm).reference_role == "pretrain"


def test_without_a_baseline_the_page_says_so(make_page):
    page = make_page()
    assert page.choices_label.text() == ("Fine-tuning preset: default; from-scratch baseline: "
                                         "no")
    assert "4_baseline" not in page.scripts_text()


def test_a_model_chain_keeps_no_pretraining_choice_in_its_jobs(make_page, state, demo, tmp_path):
    """Switching to "start from a model" keeps the pretraining choice for a switch back; the
    cluster jobs of the model chain must not carry it (the preflight refuses both at once)."""
    from tests.gui.test_model_source_pages import make_model

    model = make_model(tmp_path / "models", demo)
    state.with_options(pretrained_model=str(model), configuration="", plans_name="")
    assert state.pretrain == demo.pretrain_name  # kept for a switch back
    page = make_page()
    arguments, problems = page.plan_arguments()
    assert problems == [] and arguments is not None and arguments[1] is None
    chain, problems = page.plan(skip_done=False)
    assert chain is not None, [p.message for p in problems]
    assert not [p for p in problems if p.is_error], [p.message for p in problems]
    assert "1_prepare.sbatch" in [job.filename for job in chain.jobs]
