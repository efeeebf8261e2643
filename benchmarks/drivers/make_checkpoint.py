"""Write a 3d_fullres pretraining checkpoint in nnU-Net's format, without training.

The network is built exactly as ``nnUNetTrainer.build_network_architecture`` does (nnU-Net's
``get_network_from_plans`` with initialised weights) from the pretraining dataset's transferred
plans; the file holds what ``nnUNetTrainer.save_checkpoint`` writes that a fine-tuning reads.
Checked against a 2d fine-tuning it is incompatible for a real reason: 3d convolutions.

Usage: make_checkpoint.py PLANS_JSON DATASET_JSON CONFIGURATION OUTPUT
"""

import json
import sys

import torch
from nnunetv2.utilities.get_network_from_plans import get_network_from_plans
from nnunetv2.utilities.label_handling.label_handling import determine_num_input_channels
from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

if __name__ == "__main__":
    plans_path, dataset_json_path, configuration, output = sys.argv[1:5]
    with open(plans_path, encoding="utf-8") as f:
        plans = json.load(f)
    with open(dataset_json_path, encoding="utf-8") as f:
        dataset_json = json.load(f)
    manager = PlansManager(plans)
    config = manager.get_configuration(configuration)
    network = get_network_from_plans(
        config.network_arch_class_name, config.network_arch_init_kwargs,
        config.network_arch_init_kwargs_req_import,
        determine_num_input_channels(manager, config, dataset_json),
        manager.get_label_manager(dataset_json).num_segmentation_heads,
        allow_init=True, deep_supervision=True)
    torch.save({
        "network_weights": network.state_dict(),
        "init_args": {"plans": plans, "configuration": configuration, "fold": "all",
                      "dataset_json": dataset_json},
        "trainer_name": "nnUNetTrainer",
        "current_epoch": 1,
        "inference_allowed_mirroring_axes": (0, 1, 2),
    }, output)
    print(json.dumps({"checkpoint": output, "tensors": len(network.state_dict())}))
