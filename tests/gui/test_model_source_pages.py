"""The wizard's "start from an existing nnU-Net model" (the model chain), page by page.

The model is made without training: a model folder as nnU-Net writes it
(``Dataset001_DemoPretrain/nnUNetTrainer__nnUNetPlans__2d``) with plans for the demo's
pretraining dataset, that dataset's own dataset.json, and a ``fold_0/checkpoint_final.pth``
written by ``torch.save``. Nothing here runs nnU-Net (tests/integration/test_model_source_gui.py
runs the preparation for real and looks at the validation page).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnft.core.steps import step_number
from nnft.gui.pages.datasets_page import DatasetsPage

MODEL_FOLDER = "nnUNetTrainer__nnUNetPlans__2d"


def demo_model_plans(dataset_name: str) -> dict:
    """2d plans of the demo's size (a small PlainConvUNet), as nnU-Net's planner writes them."""
    return {
        "dataset_name": dataset_name, "plans_name": "nnUNetPlans",
        "original_median_spacing_after_transp": [1.0, 1.0, 1.0],
        "original_median_shape_after_transp": [36, 70, 70],
        "image_reader_writer": "SimpleITKIO", "transpose_forward": [0, 1, 2],
        "transpose_backward": [0, 1, 2], "experiment_planner_used": "ExperimentPlanner",
        "label_manager": "LabelManager",
        "foreground_intensity_properties_per_channel": {"0": {
            "max": 400.0, "mean": 100.0, "median": 100.0, "min": -100.0,
            "percentile_00_5": -50.0, "percentile_99_5": 300.0, "std": 50.0}},
        "configurations": {"2d": {
            "data_identifier": "nnUNetPlans_2d", "preprocessor_name": "DefaultPreprocessor",
            "batch_size": 2, "patch_size": [64, 64], "median_image_size_in_voxels": [70, 70],
            "spacing": [1.0, 1.0], "normalization_schemes": ["CTNormalization"],
            "use_mask_for_norm": [False],
            "resampling_fn_data": "resample_data_or_seg_to_shape",
            "resampling_fn_seg": "resample_data_or_seg_to_shape",
            "resampling_fn_data_kwargs": {"is_seg": False, "order": 3, "order_z": 0,
                                          "force_separate_z": None},
            "resampling_fn_seg_kwargs": {"is_seg": True, "order": 1, "order_z": 0,
                                         "force_separate_z": None},
            "resampling_fn_probabilities": "resample_data_or_seg_to_shape",
            "resampling_fn_probabilities_kwargs": {"is_seg": False, "order": 1, "order_z": 0,
                                                   "force_separate_z": None},
            "architecture": {
                "network_class_name":
                    "dynamic_network_architectures.architectures.unet.PlainConvUNet",
                "arch_kwargs": {
                    "n_stages": 3, "features_per_stage": [8, 16, 32],
                    "conv_op": "torch.nn.modules.conv.Conv2d",
                    "kernel_sizes": [[3, 3]] * 3, "strides": [[1, 1], [2, 2], [2, 2]],
                    "n_conv_per_stage": [2, 2, 2], "n_conv_per_stage_decoder": [2, 2],
                    "conv_bias": True,
                    "norm_op": "torch.nn.modules.instancenorm.InstanceNorm2d",
                    "norm_op_kwargs": {"eps": 1e-05, "affine": True}, "dropout_op": None,
                    "dropout_op_kwargs": None, "nonlin": "torch.nn.LeakyReLU",
                    "nonlin_kwargs": {"inplace": True}},
                "_kw_requires_import": ["conv_op", "norm_op", "dropout_op", "nonlin"]},
            "batch_dice": True}},
    }


def make_model(folder: Path, demo, channel_names: dict | None = None) -> Path:
    """A trained-model folder for the demo's pretraining dataset under ``folder``; returns
    ``folder/Dataset001_DemoPretrain/nnUNetTrainer__nnUNetPlans__2d``."""
    import torch

    model = folder / demo.pretrain_name / MODEL_FOLDER
    (model / "fold_0").mkdir(parents=True)
    (model / "plans.json").write_text(json.dumps(demo_model_plans(demo.pretrain_name)))
    dataset_json = json.loads((demo.raw / demo.pretrain_name / "dataset.json").read_text())
    if channel_names is not None:
        dataset_json["channel_names"] = channel_names
    (model / "dataset.json").write_text(json.dumps(dataset_json))
    torch.save({"network_weights": {}, "trainer_name": "nnUNetTrainer"},
               model / "fold_0" / "checkpoint_final.pth")
    return model


@pytest.fixture
def model_state(quick_state, demo, tmp_path):
    """The demo workspace's wizard state and a model outside the workspace."""
    return quick_state, make_model(tmp_path / "models", demo)


def datasets_page(qtbot, state) -> DatasetsPage:
    page = DatasetsPage(state)
    qtbot.addWidget(page)
    page.initializePage()
    return page


def choose_model(qtbot, page: DatasetsPage, path: Path | str) -> None:
    page.source_model_radio.click()
    page.set_model_path(str(path))
    qtbot.waitUntil(lambda: not page.model_loading(), timeout=10000)


def test_the_choice_switches_the_chain_and_its_options(qtbot, model_state):
    state, model = model_state
    page = datasets_page(qtbot, state)
    # Today's choice first: two datasets of the workspace.
    assert page.source_dataset_radio.isChecked() and not page.model_box.isVisibleTo(page)
    assert (state.pretrain, state.finetune) == ("Dataset001_DemoPretrain",
                                                "Dataset002_DemoFinetune")
    state.with_options(plans_name="mine")  # as typed on the plans page of the dataset chain
    page.source_model_radio.click()
    assert page.model_box.isVisibleTo(page) and not page.pretrain_box.isVisibleTo(page)
    assert not page.swap_button.isVisibleTo(page)
    # No model yet: nothing chosen, Next is held back.
    assert state.pretrain is None and not state.sources_chosen() and not page.isComplete()

    page.set_model_path(str(model))
    o = state.options
    assert (o.pretrained_model, o.configuration, o.plans_name) == (str(model), "", "")
    qtbot.waitUntil(lambda: page.model is not None, timeout=10000)
    summary = page.model_summary.text()
    for part in ("Dataset001_DemoPretrain", "nnUNetTrainer", "nnUNetPlans", "2d",
                 "fold 0", "CT", "organ, lesion"):
        assert part in summary, (part, summary)
    assert state.from_model and page.isComplete(), page.problems.codes()
    assert state.context().source_name == page.model.display_name

    # The diagram: both arrows from the model to the fine-tuning dataset, numbered in the
    # model chain (its step 3 transfers the plans, step 5 fine-tunes).
    diagram = page.diagram
    assert diagram.from_model and diagram.model_name == "Dataset001_DemoPretrain"
    assert step_number("transfer_model_plans", from_model=True) == 3
    assert "step 3: the model's plans → dataset 2" in diagram.plans_label()
    assert "step 5: nnUNetv2_train 2" in diagram.weights_label()
    assert page.grab().width() > 0  # paints in model mode

    # Back to pretraining here: the model is dropped, the dataset chain's options return.
    page.source_dataset_radio.click()
    o = state.options
    assert (o.pretrained_model, o.configuration, o.plans_name) == (None, "2d", "mine")
    assert state.pretrain == "Dataset001_DemoPretrain" and not diagram.from_model
    assert "move_plans -s 2 -t 1" in diagram.plans_label()


def test_a_model_with_other_channels_blocks_next_with_its_plain_message(qtbot, quick_state,
                                                                       demo, tmp_path):
    model = make_model(tmp_path / "models", demo, channel_names={"0": "CT", "1": "PET"})
    page = datasets_page(qtbot, quick_state)
    choose_model(qtbot, page, model)
    assert "SOURCE_MODEL_CHANNELS" in page.problems.codes()
    assert not page.isComplete()
    label = page.findChild(type(page.model_summary), "problem_SOURCE_MODEL_CHANNELS")
    assert label is not None and label.isVisibleTo(page)
    text = label.text()
    assert "The model takes 2 input channel(s) (CT, PET)" in text
    assert "Dataset002_DemoFinetune has 1 (CT)" in text
    assert "2 channel(s): CT, PET" in page.model_summary.text()


def test_a_ct_model_on_mri_data_is_warned_about_and_may_go_on(qtbot, model_state, demo):
    state, model = model_state
    raw_json = demo.raw / demo.finetune_name / "dataset.json"
    data = json.loads(raw_json.read_text())
    raw_json.write_text(json.dumps({**data, "channel_names": {"0": "MRI"}}))
    page = datasets_page(qtbot, state)
    choose_model(qtbot, page, model)
    label = page.findChild(type(page.model_summary), "problem_SOURCE_MODEL_NORMALIZATION")
    assert label is not None and label.isVisibleTo(page)
    assert "a CT window and CT statistics applied to images that are not CT" in label.text()
    assert not page.problems.has_errors() and page.isComplete()


def test_a_folder_that_is_no_model_is_refused_by_name(qtbot, quick_state, tmp_path):
    page = datasets_page(qtbot, quick_state)
    choose_model(qtbot, page, tmp_path)
    assert page.model is None and "cannot be used" in page.model_summary.text()
    assert "SOURCE_MODEL_INVALID" in page.problems.codes() and not page.isComplete()


def model_chain_state(state, model: Path):
    """``state`` switched to the model chain the way the datasets page does it."""
    state.pretrain = None
    state.finetune = "Dataset002_DemoFinetune"
    state.with_options(pretrained_model=str(model), configuration="", plans_name="")
    return state


def test_the_plans_page_runs_the_model_chains_own_steps(qtbot, model_state):
    from nnft.gui.pages.plans_page import PlansPage

    state, model = model_state
    model_chain_state(state, model)
    page = PlansPage(state)
    qtbot.addWidget(page)
    page.initializePage()
    titles = [page.step_list.topLevelItem(i).text(0)
              for i in range(page.step_list.topLevelItemCount())]
    assert [t.split(".")[0] for t in titles] == ["1", "2", "3", "4"]
    assert titles[0].startswith("1. Import the model Dataset001_DemoPretrain (nnUNetTrainer")
    assert titles[2] == ("3. Transfer the model's plans → Dataset002_DemoFinetune as "
                         "'nnUNetPlans_from_Dataset001'")
    assert page.run_button.text() == "Run steps 1–4" and page.run_button.isEnabled()
    assert page.progress.maximum() == 4
    # The configuration is the model's: shown, fixed, and why.
    assert page.config_combo.currentText() == "2d" and not page.config_combo.isEnabled()
    assert "trained in the configuration 2d" in page.config_combo.toolTip()
    assert state.options.configuration == ""  # left to the model
    # The identifier: nnFT's suggestion for a model's plans, also behind "Suggest".
    assert page.identifier_edit.text() == "nnUNetPlans_from_Dataset001"
    page.identifier_edit.setText("nnUNetPlans")
    assert page.identifier_status.text().startswith("✗") and not page.run_button.isEnabled()
    page.suggest_button.click()
    assert page.identifier_edit.text() == "nnUNetPlans_from_Dataset001"
    commands = page.commands.toPlainText()
    assert "nnUNetv2_extract_fingerprint -d 2 " in commands
    assert "nnUNetv2_preprocess -d 2 -plans_name nnUNetPlans_from_Dataset001 -c 2d" in commands
    assert "move_plans" not in commands and "-d 1" not in commands


def test_the_wizard_skips_the_pretraining_page_and_reopens_in_model_mode(
        qtbot, model_state, make_wizard, tmp_path):
    from nnft.core.session import Session
    from nnft.core.wizard_state import WizardState
    from nnft.gui.wizard import PAGE_IDS

    state, model = model_state
    model_chain_state(state, model)
    wizard = make_wizard(state)
    wizard.setStartId(PAGE_IDS["validation"])
    wizard.restart()
    assert wizard.currentId() == PAGE_IDS["validation"]
    assert wizard.nextId() == PAGE_IDS["finetune"]  # not the pretraining page
    state.with_options(pretrained_model=None)
    assert wizard.nextId() == PAGE_IDS["pretrain"]  # the dataset chain still has it
    state.with_options(pretrained_model=str(model))

    # A saved session keeps the model: the datasets page reopens on it.
    path = tmp_path / "session.json"
    state.to_session().save(path)
    restored = WizardState.from_session(Session.load(path))
    restored.check_device = False
    assert restored.options.pretrained_model == str(model) and restored.pretrain is None
    page = datasets_page(qtbot, restored)
    qtbot.waitUntil(lambda: page.model is not None, timeout=10000)
    assert page.source_model_radio.isChecked() and page.model_path_edit.text() == str(model)
    assert page.diagram.from_model and page.isComplete()


def test_the_validation_page_compares_the_model_before_the_preparation(qtbot, model_state,
                                                                      demo):
    """Before step 2 and 3: the model's plans alone, the fit rows that need no fingerprint,
    and a CT model on MRI data highlighted as a warning."""
    from nnft.gui.pages.validation_page import ValidationPage
    from nnft.gui.widgets.model_fit_table import FIT_COLORS

    state, model = model_state
    raw_json = demo.raw / demo.finetune_name / "dataset.json"
    raw_json.write_text(json.dumps({**json.loads(raw_json.read_text()),
                                    "channel_names": {"0": "MRI"}}))
    model_chain_state(state, model)
    page = ValidationPage(state)
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: page.fit is not None and not page.previews_loading(),
                    timeout=10000)
    verdict = page.verdict_label.text()
    assert "does not exist yet" in verdict and "step 3 on the previous page" in verdict
    assert page.table.text("dataset_name", page.table.FINETUNE) == demo.pretrain_name
    assert page.fit_panel.isVisibleTo(page) and not page.pretrain_preview.isVisibleTo(page)
    fit = page.fit_table
    assert not page.fit.fingerprint and "fingerprint is extracted (step 2" in \
        page.fit_title.text()
    spacing = fit.quantities().index("spacing (median)")
    assert fit.item(spacing, fit.DATASET).text() == "known after the fingerprint step"
    assert fit.status_of("normalization, channel 0") == "warning"
    assert fit.background("normalization, channel 0") == FIT_COLORS["warning"][0]
    # One channel each, named otherwise: worth seeing, not a problem.
    assert fit.status_of("input channels") == "differs"
    assert fit.background("input channels") == FIT_COLORS["differs"][0]
    assert "SOURCE_MODEL_NORMALIZATION" in page.fit_problems.codes()


def test_the_buttons_choose_a_zip_or_a_fold_folder(qtbot, model_state, monkeypatch):
    import shutil

    from nnft.gui.pages import datasets_page as module

    state, model = model_state
    # A second fold: the fold folder given is the one used, not the first finished one.
    shutil.copytree(model / "fold_0", model / "fold_1")
    archive = Path(shutil.make_archive(str(model.parents[2] / "model"), "zip",
                                       root_dir=model.parents[1]))
    page = datasets_page(qtbot, state)
    page.source_model_radio.click()
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(archive), ""))
    page.model_zip_button.click()
    qtbot.waitUntil(lambda: page.model is not None, timeout=10000)
    assert state.options.pretrained_model == str(archive) and page.model.is_zip
    assert page.model_path_edit.text() == str(archive)
    assert "Starts from fold 0 (finished folds: 0, 1)" in page.model_summary.text()
    assert "SOURCE_MODEL_FOLD" in page.problems.codes() and page.isComplete()

    monkeypatch.setattr(module.QFileDialog, "getExistingDirectory",
                        lambda *args, **kwargs: str(model / "fold_1"))
    page.model_folder_button.click()
    qtbot.waitUntil(lambda: page.model is not None and not page.model.is_zip, timeout=10000)
    assert state.options.pretrained_model == str(model / "fold_1")
    assert page.model.fold == "1" and "Starts from fold 1" in page.model_summary.text()
    assert "fold 1" in page.diagram.model_detail


def test_the_summary_page_shows_the_model_chains_script(qtbot, model_state, demo):
    """The summary's script of a chain from a model is the model chain's own steps (import,
    fingerprint, transfer, preprocess, fine-tune), not the dataset chain's."""
    from nnft.gui.pages.summary_page import SummaryPage

    state, model = model_state
    state.finetune = demo.finetune_name
    state.with_options(pretrained_model=str(model), configuration="", plans_name="")
    page = SummaryPage(state)
    qtbot.addWidget(page)
    page.initializePage()
    script = page.script.toPlainText()
    assert "-m nnft.core.steps.from_model import_model " in script, script[:2000]
    assert "-m nnft.core.steps.from_model transfer_model_plans " in script
    assert "nnUNetv2_move_plans_between_datasets" not in script
    assert "cannot" not in script
