"""``nnft check-weights`` and the weights preflight on real nnU-Net checkpoints.

The checkpoints come from the session's real chain run (``chain_run``: nnU-Net pretrained the
demo's 2d network on the CPU); incompatible ones are made from it by swapping in the weights of
other networks nnU-Net's builder makes from the same plans.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import torch

from nnft.core import weights as W
from nnft.core.problems import WEIGHTS_ARCH_MISMATCH
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, TRIAL_ARGS, nnft

pytestmark = pytest.mark.integration

TRAINER = "nnFTTrainerQuickTrial"
#: nnFT's promise: the answer within this many seconds on the CPU for the demo networks.
TARGET_S = 5.0


def _pretrain_checkpoint(chain_run) -> Path:
    demo = chain_run.demo
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    return (demo.results / demo.pretrain_name / f"{TRAINER}__{PLANS_NAME}__2d" / "fold_all"
            / "checkpoint_final.pth")


def _variant(source: Path, target: Path, configuration: str, change=None) -> Path:
    """The real checkpoint with the weights of another network of the same (changed) plans."""
    from nnunetv2.utilities.get_network_from_plans import get_network_from_plans
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    checkpoint, problems = W.load_checkpoint_safely(source)
    assert checkpoint is not None, problems
    plans = copy.deepcopy(checkpoint["init_args"]["plans"])
    if change is not None:
        change(plans)
    config = PlansManager(plans).get_configuration(configuration)
    network = get_network_from_plans(config.network_arch_class_name,
                                     config.network_arch_init_kwargs,
                                     config.network_arch_init_kwargs_req_import, 1, 3,
                                     allow_init=False, deep_supervision=True)
    checkpoint["network_weights"] = network.state_dict()
    checkpoint["init_args"]["plans"] = plans
    checkpoint["init_args"]["configuration"] = configuration
    torch.save(checkpoint, target)
    return target


@pytest.fixture(scope="module")
def bad_3d(chain_run, tmp_path_factory) -> Path:
    return _variant(_pretrain_checkpoint(chain_run),
                    tmp_path_factory.mktemp("bad") / "checkpoint_3d.pth", "3d_fullres")


def test_real_checkpoint_needs_exactly_the_allowlist(chain_run):
    from torch.serialization import get_unsafe_globals_in_checkpoint

    path = _pretrain_checkpoint(chain_run)
    unsafe = set(get_unsafe_globals_in_checkpoint(path))
    assert unsafe and unsafe <= set(W.ALLOWED_GLOBAL_NAMES)
    # torch's defaults alone refuse it: the allowlist is needed ...
    with pytest.raises(Exception, match="Weights only load failed"):
        torch.load(path, map_location="cpu", weights_only=True)
    # ... and enough.
    checkpoint, problems = W.load_checkpoint_safely(path)
    assert problems == [] and checkpoint is not None
    assert checkpoint["trainer_name"] == TRAINER
    assert not W.needs_cpu_copy(path)


def test_check_weights_accepts_the_chains_own_checkpoint(chain_run):
    result = nnft("check-weights", "--workspace", str(chain_run.demo.root), "--checkpoint",
                  str(_pretrain_checkpoint(chain_run)), "--finetune", "2", "--config", "2d",
                  "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["problems"] == []
    assert data["report"]["compatible"] and data["report"]["counts"]["matching"] > 100
    assert data["report"]["checkpoint"]["plans"] == PLANS_NAME


def test_check_weights_rejects_a_3d_checkpoint_within_target(chain_run, bad_3d):
    start = time.monotonic()
    result = nnft("check-weights", "--workspace", str(chain_run.demo.root), "--checkpoint",
                  str(bad_3d), "--finetune", "2", "--config", "2d")
    took = time.monotonic() - start
    assert result.returncode == 1, result.stdout + result.stderr
    assert WEIGHTS_ARCH_MISMATCH in result.stdout
    assert "3d network" in result.stdout and "2d network" in result.stdout
    print(f"nnft check-weights rejected the 3d checkpoint in {took:.1f} s")
    # The target is 5 s (measured ~3.5 s on 2 cores); leave room for a loaded test machine.
    assert took < 2 * TARGET_S


def test_check_weights_explains_unaligned_plans(chain_run, tmp_path):
    def stride(plans):
        arch = plans["configurations"]["2d"]["architecture"]["arch_kwargs"]
        arch["strides"][-1] = [1, 2]

    bad = _variant(_pretrain_checkpoint(chain_run), tmp_path / "strides.pth", "2d", stride)
    result = nnft("check-weights", "--workspace", str(chain_run.demo.root), "--checkpoint",
                  str(bad), "--finetune", "2", "--config", "2d")
    assert result.returncode == 1
    assert "strides" in result.stdout and "plans were not transferred" in result.stdout


def test_nnft_run_refuses_incompatible_weights_before_training(chain_run, tmp_path, bad_3d):
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    final = root / "nnUNet_results" / chain_run.demo.pretrain_name / \
        f"{TRAINER}__{PLANS_NAME}__2d" / "fold_all" / "checkpoint_final.pth"
    shutil.copy(bad_3d, final)
    fold_1 = root / "nnUNet_results" / chain_run.demo.finetune_name / \
        f"{TRAINER}__nnUNetPlans__2d" / "fold_1"
    result = nnft("run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, "--fold", "1", timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert WEIGHTS_ARCH_MISMATCH in result.stderr and "Nothing was run" in result.stderr
    assert not fold_1.exists()


def test_nnft_answers_before_nnunet_fails(chain_run, tmp_path, bad_3d):
    """nnU-Net's own -pretrained_weights on the same checkpoint: it fails too, but only after
    the trainer has started, and with a tensor dump instead of shapes."""
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)
    env = Workspace.from_root(root).child_environment(
        extra={"NNFT_TRIAL_EPOCHS": "1", "nnUNet_n_proc_DA": "0"})
    start = time.monotonic()
    result = subprocess.run(["nnUNetv2_train", "2", "2d", "1", "-tr", TRAINER, "-device", "cpu",
                             "-pretrained_weights", str(bad_3d)],
                            capture_output=True, text=True, env=env, timeout=600)
    nnunet_s = time.monotonic() - start
    assert result.returncode != 0
    assert "AssertionError" in result.stderr and "tensor(" in result.stderr

    start = time.monotonic()
    ours = nnft("check-weights", "--workspace", str(root), "--checkpoint", str(bad_3d),
                "--finetune", "2", "--config", "2d")
    nnft_s = time.monotonic() - start
    assert ours.returncode == 1
    print(f"incompatible 3d checkpoint: nnft check-weights {nnft_s:.1f} s, "
          f"nnUNetv2_train -pretrained_weights failed after {nnunet_s:.1f} s")
    assert nnft_s < nnunet_s
