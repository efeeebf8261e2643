"""The fine-tuning presets' trainers, run by real nnU-Net on the demo data (CPU, 2d).

Both tests fine-tune in a copy of the session chain's workspace (pretraining already done
there), so only the fine-tuning runs:

- ``gentle``: the learning rates nnU-Net logs ("Current learning rate: ...") rise to 1e-3 and
  then decay, against the default preset's 1e-2 start of the session chain's own fine-tuning;
- ``frozen-encoder``: the encoder weights after each epoch, saved by a test-only subclass of the
  real trainer, equal the pretrained ones during the frozen epochs (across a graceful stop and a
  ``--c`` resume inside them) and change after unfreezing, while the decoder trains throughout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from nnft.core.training_history import find_training_logs
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, nnft

torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name == "nt", reason="SIGUSR1 is POSIX-only")]

CHAIN_TRAINER = "nnFTTrainerQuickTrial"
_LR_LINE = re.compile(r"Current learning rate: (\S+)")


def _logged_learning_rates(fold: Path) -> list[float]:
    """Every ``Current learning rate`` nnU-Net wrote into the fold's training logs, in order."""
    logs = find_training_logs(fold)
    assert logs, f"no training log in {fold}"
    return [float(match.group(1)) for log in logs
            for match in _LR_LINE.finditer(log.read_text(encoding="utf-8"))]


def _copy_workspace(chain_run, tmp_path: Path) -> Path:
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path / "ws"
    shutil.copytree(chain_run.demo.root, root)  # keeps the times the done-checks compare
    return root


def _pretrained_checkpoint(root: Path, chain_run) -> Path:
    return (root / "nnUNet_results" / chain_run.demo.pretrain_name
            / f"{CHAIN_TRAINER}__{PLANS_NAME}__2d" / "fold_all" / "checkpoint_final.pth")


def test_gentle_preset_warms_up_to_1e3_then_decays(chain_run, tmp_path):
    root = _copy_workspace(chain_run, tmp_path)
    result = nnft("run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  "--config", "2d", "--epochs", "4", "--iterations", "2", "--device", "cpu",
                  "--no-final-validation", "--finetune-preset", "gentle")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "-tr nnFTTrainerGentleFinetuneQuickTrial" in result.stdout
    results = root / "nnUNet_results" / chain_run.demo.finetune_name
    gentle = results / "nnFTTrainerGentleFinetuneQuickTrial__nnUNetPlans__2d" / "fold_0"
    # A quick trial of 4 epochs warms up for 2 (a third, rounded up): 1e-3 * 1/2, 1e-3 * 2/2,
    # then poly from 1e-3 over the last 2: 1e-3, 1e-3 * (1/2) ** 0.9. nnU-Net logs 5 decimals.
    assert _logged_learning_rates(gentle) == [0.0005, 0.001, 0.001, 0.00054]
    assert (gentle / "checkpoint_final.pth").is_file()
    # For contrast, the default preset (the session chain's fine-tuning, 2 epochs): nnU-Net's
    # poly decay from 1e-2, no warm-up.
    default = results / f"{CHAIN_TRAINER}__nnUNetPlans__2d" / "fold_0"
    assert _logged_learning_rates(default) == [0.01, 0.00536]


SNAPSHOT_TRAINER = "nnFTTestFrozenEncoderSnapshots"
# A test-only trainer: the real frozen-encoder quick trial, plus a checkpoint after every
# epoch's training (nnU-Net writes checkpoint_latest only every 50 epochs) and, on request, the
# real graceful stop (SIGUSR1 to itself: finish the epoch, checkpoint_latest.pth, exit 0).
SNAPSHOT_TRAINER_MODULE = textwrap.dedent(f'''
    import os
    import signal
    from os.path import join

    from nnft.resources.trainers.nnft_trainers import nnFTTrainerFrozenEncoderQuickTrial


    class {SNAPSHOT_TRAINER}(nnFTTrainerFrozenEncoderQuickTrial):
        def on_train_epoch_end(self, train_outputs):
            super().on_train_epoch_end(train_outputs)
            epoch = self.current_epoch + 1  # counted from 1, like nnFT
            self.save_checkpoint(join(self.output_folder, f"snapshot_epoch_{{epoch}}.pth"))
            if str(epoch) == os.environ.get("NNFT_TEST_STOP_AFTER_EPOCH"):
                os.kill(os.getpid(), signal.SIGUSR1)
    ''')


def _encoder(weights: dict) -> dict:
    return {key: value for key, value in weights.items() if key.startswith("encoder.")}


def _decoder(weights: dict) -> dict:
    # nnU-Net's UNetDecoder holds the encoder too ("decoder.encoder.*", the same tensors).
    return {key: value for key, value in weights.items()
            if key.startswith("decoder.") and not key.startswith("decoder.encoder.")}


def _same(first: dict, second: dict) -> bool:
    assert first.keys() == second.keys()
    return all(torch.equal(first[key], second[key]) for key in first)


def _load(path: Path) -> dict:
    return torch.load(path, map_location="cpu", weights_only=False)


def test_frozen_encoder_stays_pretrained_across_a_resume_then_trains(chain_run, tmp_path):
    root = _copy_workspace(chain_run, tmp_path)
    trainers = tmp_path / "test_trainers"
    trainers.mkdir()
    (trainers / "nnft_test_frozen_snapshots.py").write_text(SNAPSHOT_TRAINER_MODULE)
    workspace = Workspace.from_root(root)
    env = workspace.child_environment(extra={
        "NNFT_TRIAL_EPOCHS": "3", "NNFT_TRIAL_ITERATIONS": "2",
        "NNFT_TRIAL_FINAL_VALIDATION": "0", "NNFT_FREEZE_EPOCHS": "2",
        "NNFT_TEST_STOP_AFTER_EPOCH": "1"})
    env["nnUNet_extTrainer"] = os.pathsep.join([str(trainers), env["nnUNet_extTrainer"]])
    pretrained = _pretrained_checkpoint(root, chain_run)
    argv = ["nnUNetv2_train", "2", "2d", "0", "-tr", SNAPSHOT_TRAINER, "-p", "nnUNetPlans",
            "-device", "cpu"]

    # Epoch 1 frozen, then a graceful stop; the resume runs epoch 2 (still frozen) and 3.
    first = subprocess.run([*argv, "-pretrained_weights", str(pretrained)], env=env,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    fold = (root / "nnUNet_results" / chain_run.demo.finetune_name
            / f"{SNAPSHOT_TRAINER}__nnUNetPlans__2d" / "fold_0")
    assert (fold / "checkpoint_latest.pth").is_file()
    assert not (fold / "snapshot_epoch_2.pth").exists()
    del env["NNFT_TEST_STOP_AFTER_EPOCH"]
    second = subprocess.run([*argv, "--c"], env=env, capture_output=True, text=True,
                            timeout=600)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert (fold / "checkpoint_final.pth").is_file()

    first_log, resumed_log = (log.read_text(encoding="utf-8") for log in find_training_logs(fold))
    assert "nnFT: encoder frozen for epochs 1-2 (counted from 1" in first_log
    assert "nnFT: graceful stop requested" in first_log
    assert "nnFT: encoder frozen for epochs 1-2" in resumed_log
    assert "resumed at epoch 2" in resumed_log
    assert "nnFT: encoder unfrozen from epoch 3 (this log's 'Epoch 2')" in resumed_log

    start = _load(pretrained)["network_weights"]
    snapshots = {epoch: _load(fold / f"snapshot_epoch_{epoch}.pth") for epoch in (1, 2, 3)}
    weights = {epoch: snapshot["network_weights"] for epoch, snapshot in snapshots.items()}
    # Frozen: the encoder is exactly the pretrained one, after epoch 1 and, resumed, after 2.
    assert _same(_encoder(weights[1]), _encoder(start))
    assert _same(_encoder(weights[2]), _encoder(start))
    # ... while the decoder trained (the segmentation layers are new: different classes).
    decoder_start = {key: value for key, value in _decoder(start).items()
                     if ".seg_layers." not in key}
    decoder_1 = {key: weights[1][key] for key in decoder_start}
    assert not _same(decoder_1, decoder_start)
    assert not _same(_decoder(weights[2]), _decoder(weights[1]))
    # Unfrozen in epoch 3: every encoder tensor that a gradient reaches has moved.
    encoder_3 = _encoder(weights[3])
    assert not _same(encoder_3, _encoder(start))
    moved = [key for key in encoder_3 if not torch.equal(encoder_3[key], start[key])]
    assert len(moved) == len(encoder_3), sorted(set(encoder_3) - set(moved))
    # SGD kept no state (momentum buffers) for the frozen encoder, and has it after unfreezing.
    # nnU-Net's optimizer holds network.parameters(): the encoder's come first (PlainConvUNet
    # registers it first); a state dict names each tensor more than once (aliases), so count
    # the encoder's distinct tensors.
    encoder_parameters = len({value.data_ptr() for value in _encoder(start).values()})
    for epoch in (1, 2):
        state = snapshots[epoch]["optimizer_state"]["state"]
        assert state and min(state) == encoder_parameters, (epoch, sorted(state))
    assert set(range(encoder_parameters)) <= set(snapshots[3]["optimizer_state"]["state"])
