"""GUI test fixtures: an isolated QSettings file per test and a demo-workspace wizard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from nnft.core.demo import write_demo_workspace
from nnft.core.steps import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace


@pytest.fixture
def settings(tmp_path):
    """Never touch the user's real settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def demo(tmp_path):
    return write_demo_workspace(tmp_path / "ws")


@pytest.fixture
def quick_state(demo):
    return WizardState(
        workspace=Workspace.from_root(demo.root),
        options=RunOptions(configuration="2d", device="cpu", trial_epochs=2, trial_iterations=3,
                           final_validation=False),
        check_device=False,
    )


@pytest.fixture
def make_wizard(qtbot, settings):
    from nnft.gui.wizard import NnftWizard

    created = []

    def make(state):
        wizard = NnftWizard(state, settings=settings)
        qtbot.addWidget(wizard)
        created.append(wizard)
        # The GPUs are looked for in a worker thread; the first page is settled after that,
        # as for a user a moment after the window opens.
        qtbot.waitUntil(lambda: wizard.pages["workspace"].gpus is not None, timeout=10000)
        return wizard

    yield make
    for wizard in created:  # no test may leave an nnU-Net process or a QThread behind
        for page in wizard.running_pages():
            page.run.cancel()
            page.run.wait(30000)


@pytest.fixture
def weights_workspace(tmp_path):
    """A demo workspace whose fine-tuning dataset is planned (2d), with two checkpoints made by
    nnU-Net's network builder: (demo, good.pth that fits, bad.pth whose every shape differs)."""
    import json

    import torch

    from nnft.core.weights import expected_network_state

    demo = write_demo_workspace(tmp_path / "w")
    plans = {
        "dataset_name": demo.finetune_name, "plans_name": "nnUNetPlans",
        "original_median_spacing_after_transp": [1, 1], "image_reader_writer": "SimpleITKIO",
        "transpose_forward": [0, 1, 2], "transpose_backward": [0, 1, 2],
        "experiment_planner_used": "ExperimentPlanner", "label_manager": "LabelManager",
        "foreground_intensity_properties_per_channel": {},
        "configurations": {"2d": {
            "data_identifier": "nnUNetPlans_2d", "preprocessor_name": "DefaultPreprocessor",
            "batch_size": 2, "patch_size": [48, 48], "spacing": [0.8, 0.8],
            "normalization_schemes": ["CTNormalization"], "use_mask_for_norm": [False],
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
    folder = demo.preprocessed / demo.finetune_name
    folder.mkdir(parents=True)
    (folder / "nnUNetPlans.json").write_text(json.dumps(plans))
    (folder / "dataset.json").write_text(
        (demo.raw / demo.finetune_name / "dataset.json").read_text())
    shapes = expected_network_state(plans, "2d", json.loads(
        (folder / "dataset.json").read_text()))
    good = tmp_path / "good.pth"
    torch.save({"network_weights": {k: torch.zeros(v) for k, v in shapes.items()}}, good)
    bad = tmp_path / "bad.pth"
    torch.save({"network_weights": {k: torch.zeros(tuple(v) + (1,)) for k, v in
                                    shapes.items()}}, bad)
    return demo, good, bad
