"""Which trainer name an exported model carries (``nnft export-model``): the rename to
nnUNetTrainer rests on nnFT's trainers never changing the network, which is checked here on the
trainers' source."""

from __future__ import annotations

import ast

from nnft.core.model_export import (
    EXPORT_TRAINER,
    NNFT_TRAINERS,
    exported_trainer_name,
    is_stock_trainer,
)
from nnft.core.workspace import trainers_folder

#: What nnU-Net's predictor uses from the trainer class (build the network) or the trainer
#: instance's inference setup; an nnFT trainer overriding one of these is not "nnUNetTrainer at
#: inference" any more.
INFERENCE_METHODS = {"build_network_architecture", "set_deep_supervision_enabled",
                     "configure_rotation_dummyDA_mirroring_and_inital_patch_size"}


def _nnft_trainer_classes() -> dict[str, ast.ClassDef]:
    tree = ast.parse((trainers_folder() / "nnft_trainers.py").read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body
            if isinstance(node, ast.ClassDef) and node.name.startswith("nnFTTrainer")}


def test_every_nnft_trainer_is_renamed_and_leaves_the_network_alone():
    classes = _nnft_trainer_classes()
    assert set(classes) == set(NNFT_TRAINERS)
    for name, node in classes.items():
        assert exported_trainer_name(name) == EXPORT_TRAINER
        methods = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
        assert not methods & INFERENCE_METHODS, (name, methods & INFERENCE_METHODS)


def test_other_trainers_keep_their_name_and_stock_ones_are_recognised():
    assert exported_trainer_name("nnUNetTrainer") == "nnUNetTrainer"
    assert exported_trainer_name("nnUNetTrainerNoMirroring") == "nnUNetTrainerNoMirroring"
    assert exported_trainer_name("MyLabTrainer") == "MyLabTrainer"
    assert is_stock_trainer("nnUNetTrainerNoMirroring")
    assert not is_stock_trainer("MyLabTrainer")
    assert not is_stock_trainer("nnFTTrainerQuickTrial")
