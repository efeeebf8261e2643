"""Row ``weights_reject``: how fast an incompatible checkpoint is refused.

nnFT: ``nnft check-weights --checkpoint X --finetune 2 --config 2d`` (reads the checkpoint
with ``weights_only``, builds the fine-tuning network on torch's meta device). Anchor: the real
``nnUNetv2_train 2 2d 0 -pretrained_weights X -device cpu -tr nnUNetTrainer`` until it exits
with its error (trainer start-up, network, then nnU-Net's own weight loading). X is a
3d_fullres pretraining checkpoint (the transferred plans' 3d network), the fine-tuning is 2d.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .common import (
    BIN,
    DRIVERS,
    PYTHON,
    Row,
    alternate,
    child_env,
    expect,
    run_timed,
    workspace_env,
)
from .data import TrainedWorkspace

GOAL = 0.35


def make_incompatible_checkpoint(root: Path, target: Path) -> Path:
    """A 3d_fullres checkpoint of the pretraining dataset (transferred plans) at ``target``."""
    preprocessed = root / "nnUNet_preprocessed"
    pretrain = next(preprocessed.glob("Dataset001_*"))
    # The transferred plans (nnFT's default identifier); not nnFT's hidden markers beside them.
    plans = next(p for p in pretrain.glob("nnUNetPlans_pretrain_for_*.json"))
    timed = run_timed([PYTHON, str(DRIVERS / "make_checkpoint.py"), str(plans),
                       str(pretrain / "dataset.json"), "3d_fullres", str(target)])
    expect(timed, "make_checkpoint.py", ok=True)
    return target


def measure(work: Path, trained: TrainedWorkspace, *, repeats: int = 3) -> Row:
    """Row ``weights_reject``: median seconds of each side over ``repeats`` runs in turns.

    Parameters
    ----------
    work : Path
        Where the incompatible checkpoint is written.
    trained : TrainedWorkspace
        Provides the preprocessed fine-tuning dataset and the transferred plans.
    repeats : int
        Runs per side.
    """
    root = trained.get()
    checkpoint = make_incompatible_checkpoint(root, work / "pretrain_3d_fullres.pth")
    env = child_env(workspace_env(root))
    outputs: dict[str, str] = {}

    def nnft() -> float:
        timed = expect(run_timed([str(BIN / "nnft"), "check-weights", "--workspace", str(root),
                                  "--checkpoint", str(checkpoint), "--finetune", "2",
                                  "--config", "2d"], env=env),
                       "nnft check-weights on an incompatible checkpoint", ok=False)
        outputs["nnft"] = timed.tail(8)
        return timed.seconds

    def nnunet() -> float:
        timed = expect(run_timed([str(BIN / "nnUNetv2_train"), "2", "2d", "0",
                                  "-pretrained_weights", str(checkpoint), "-device", "cpu",
                                  "-tr", "nnUNetTrainer"], env=env),
                       "nnUNetv2_train with an incompatible checkpoint", ok=False)
        outputs["nnunet"] = timed.tail(4)[-600:]
        # The failed run leaves a fold folder with a header-only log behind.
        for folder in (root / "nnUNet_results").glob("Dataset002_*/nnUNetTrainer__nnUNetPlans__2d"):
            shutil.rmtree(folder)
        return timed.seconds

    (nnft_s, nnft_all), (anchor_s, anchor_all) = alternate(repeats, nnft, nnunet)
    return Row("weights_reject", nnft_s, anchor_s, GOAL, "s",
               details={"nnft_runs_s": nnft_all, "nnunet_train_runs_s": anchor_all,
                        "nnft_output_tail": outputs.get("nnft"),
                        "nnunet_output_tail": outputs.get("nnunet")})
