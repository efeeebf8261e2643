"""The wizard's "start from an existing nnU-Net model" with the real nnU-Net commands.

The model is the demo chain's real pretraining output (``chain_run``: 2d, fold all, nnFT's quick
trial trainer). A fresh demo workspace that holds only the fine-tuning dataset fine-tunes from
it: the datasets page chooses the model folder, the plans page runs the model chain's
preparation (import, fingerprint, the model's plans into the dataset, preprocessing), the
validation page compares the model's plans with the transferred ones and with the dataset's
own fingerprint, and Next skips the pretraining page.

About 25 s on 2 idle cores, 70 s while other processes shared them (nnU-Net's fingerprint
extraction and preprocessing of 6 cases);
``chain_run`` is paid for by the other integration tests.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from PySide6.QtCore import QSettings

from nnft.core.demo import write_demo_workspace
from nnft.core.preview import RowStatus
from nnft.core.steps import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME

pytestmark = pytest.mark.integration


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_wizard_prepares_a_fresh_workspace_from_a_trained_model(qtbot, chain_run,
                                                                     tmp_path):
    from nnft.gui.wizard import PAGE_IDS, NnftWizard

    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    model = (chain_run.demo.results / chain_run.demo.pretrain_name
             / f"nnFTTrainerQuickTrial__{PLANS_NAME}__2d")
    checkpoint = model / "fold_all" / "checkpoint_final.pth"
    assert checkpoint.is_file()
    demo = write_demo_workspace(tmp_path / "fresh")
    shutil.rmtree(demo.raw / demo.pretrain_name)  # only the fine-tuning dataset is here
    state = WizardState(
        workspace=Workspace.from_root(demo.root),
        options=RunOptions(configuration="2d", device="cpu", trial_epochs=2,
                           trial_iterations=3, final_validation=False),
        check_device=False)
    wizard = NnftWizard(state, settings=QSettings(str(tmp_path / "s.ini"),
                                                  QSettings.Format.IniFormat))
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        qtbot.waitUntil(lambda: wizard.pages["workspace"].gpus is not None, timeout=10000)
        wizard.next()
        datasets = wizard.pages["datasets"]
        assert wizard.currentId() == PAGE_IDS["datasets"]
        datasets.source_model_radio.click()
        datasets.set_model_path(str(model))
        qtbot.waitUntil(lambda: datasets.model is not None, timeout=10000)
        assert datasets.model.fold == "all" and datasets.isComplete(), datasets.problems.codes()

        wizard.next()
        plans = wizard.pages["plans"]
        assert wizard.currentId() == PAGE_IDS["plans"]
        assert plans.run_button.text() == "Run steps 1–4"
        identifier = plans.identifier_edit.text()
        assert identifier == f"{PLANS_NAME}_from_Dataset001"
        plans.run_button.click()
        qtbot.waitUntil(lambda: not plans.is_running(), timeout=600000)
        assert plans.statuses == dict.fromkeys(
            ("import_model", "fingerprint_finetune", "transfer_model_plans",
             "preprocess_finetune"), "done"), plans.console.toPlainText()[-3000:]
        # What the real commands left: nnFT's copy of the model's checkpoint, the model's plans
        # in the fine-tuning dataset under the new identifier, its fingerprint and data.
        ctx = state.context()
        assert ctx is not None and ctx.from_model
        assert _sha256(ctx.pretrained_checkpoint) == _sha256(checkpoint)
        transferred = json.loads(ctx.finetune_plans_file.read_text())
        assert ctx.finetune_plans_file.name == f"{identifier}.json"
        assert (transferred["dataset_name"], transferred["plans_name"]) == (
            demo.finetune_name, identifier)
        model_plans = json.loads((model / "plans.json").read_text())
        assert transferred["configurations"]["2d"]["architecture"] == \
            model_plans["configurations"]["2d"]["architecture"]
        assert len(list((ctx.finetune_preprocessed / f"{identifier}_2d").glob("*.pkl"))) == 6
        assert plans.isComplete()

        wizard.next()
        validation = wizard.pages["validation"]
        assert wizard.currentId() == PAGE_IDS["validation"]
        qtbot.waitUntil(lambda: validation.fit is not None and not validation.previews_loading(),
                        timeout=60000)
        assert validation.verdict().loads, validation.verdict_label.text()
        table = validation.table
        assert table.text("dataset_name", table.FINETUNE) == demo.pretrain_name  # the model's
        assert table.text("dataset_name", table.TRANSFERRED) == demo.finetune_name
        assert table.status_of("dataset_name") is RowStatus.EXPECTED
        assert not validation.pretrain_preview.isVisibleTo(validation)
        # The dataset's own fingerprint (the demo: 0.8 mm in-plane) against the model's plans.
        assert validation.fit.fingerprint
        fit = validation.fit_table
        assert fit.quantities() == ["input channels", "normalization, channel 0",
                                    "spacing (median)", "foreground intensities, channel 0",
                                    "labels"]
        spacing_row = fit.quantities().index("spacing (median)")
        assert fit.item(spacing_row, fit.DATASET).text() == "(0.8, 0.8)"
        assert fit.status_of("spacing (median)") == "same"
        assert fit.status_of("labels") == "differs"  # the model also segments the lesion
        assert validation.fit_problems.codes() == ["LABELS_DIFFER"]

        assert wizard.nextId() == PAGE_IDS["finetune"]  # the pretraining page is skipped
        wizard.next()
        finetune = wizard.pages["finetune"]
        assert wizard.currentId() == PAGE_IDS["finetune"]
        assert finetune.checkpoint_edit.text() == str(ctx.pretrained_checkpoint)
        assert finetune.checkpoint_edit.isReadOnly() and not finetune.browse_button.isEnabled()
    finally:
        for page in wizard.running_pages():
            page.run.cancel()
            page.run.wait(30000)
