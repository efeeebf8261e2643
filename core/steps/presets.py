"""Fine-tuning presets and the from-scratch baseline: which trainer each one runs.

nnU-Net names a results folder ``<Trainer>__<plans>__<configuration>``: every preset therefore
has its own trainer class (in ``resources/trainers/``, found through ``nnUNet_extTrainer``), so
a fine-tuning with one preset never lands in the folder of another preset or of the
from-scratch baseline. ``default`` keeps today's behaviour: the fine-tuning runs the chain's
trainer (``nnUNetTrainer``, ``nnFTTrainer`` or the quick trial), exactly like the pretraining.

Every nnFT trainer has a quick-trial twin (``...QuickTrial``) that takes its number of epochs
and iterations from ``NNFT_TRIAL_*`` (:meth:`ChainContext.training_env`), and nnFT's graceful
stop on SIGUSR1.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FinetunePreset:
    """One way to fine-tune.

    Parameters
    ----------
    name
        Stable name (``nnft run --finetune-preset NAME``, sessions, SLURM specs).
    trainer
        The trainer of a full run; None: the chain's own trainer (``default``).
    quick_trial_trainer
        The trainer of a quick trial; None: nnFT's quick-trial trainer.
    label
        A short title (GUI, ``--help``).
    when_to_use
        One plain sentence: when to choose it.
    """

    name: str
    trainer: str | None
    quick_trial_trainer: str | None
    label: str
    when_to_use: str


DEFAULT_PRESET = "default"
GENTLE_PRESET = "gentle"
FROZEN_ENCODER_PRESET = "frozen-encoder"

#: The presets, in the order the wizard and ``--help`` list them.
FINETUNE_PRESETS: dict[str, FinetunePreset] = {
    DEFAULT_PRESET: FinetunePreset(
        DEFAULT_PRESET, None, None,
        "nnU-Net's default (learning rate 1e-2)",
        "nnU-Net's own fine-tuning: the full training schedule, starting from the pretrained "
        "weights; a good first choice when the two datasets are alike."),
    GENTLE_PRESET: FinetunePreset(
        GENTLE_PRESET, "nnFTTrainerGentleFinetune", "nnFTTrainerGentleFinetuneQuickTrial",
        "Gentle (learning rate 1e-3 with warm-up)",
        "Starts at a ten times smaller learning rate after a short warm-up, so the pretrained "
        "features are changed slowly; choose it when your dataset is small or close to the "
        "pretraining data."),
    FROZEN_ENCODER_PRESET: FinetunePreset(
        FROZEN_ENCODER_PRESET, "nnFTTrainerFrozenEncoder", "nnFTTrainerFrozenEncoderQuickTrial",
        "Frozen encoder, then all layers",
        "Trains only the decoder for the first epochs while the pretrained encoder stays "
        "fixed, then all layers; choose it when you have very few cases and fear losing what "
        "the pretraining learned."),
}

#: The from-scratch baseline: nnU-Net's default training under a name of its own, so its
#: results folder is never the fine-tuning's.
BASELINE_TRAINER = "nnFTTrainerFromScratch"
BASELINE_QUICK_TRIAL_TRAINER = "nnFTTrainerFromScratchQuickTrial"

#: Trainers the presets and the baseline are built on: a preset or baseline repeats their
#: schedule (nnU-Net's default, or the quick trial's lengths).
PRESET_BASE_TRAINERS = frozenset({"nnUNetTrainer", "nnFTTrainer", "nnFTTrainerQuickTrial"})

#: Environment variable of the frozen-encoder trainers: epochs with the encoder frozen.
FREEZE_EPOCHS_ENV = "NNFT_FREEZE_EPOCHS"

#: nnFT trainers that handle SIGUSR1 (finish the epoch, checkpoint, exit 0), beyond the two of
#: :data:`~.context.GRACEFUL_STOP_TRAINERS`' base set.
PRESET_TRAINERS = frozenset(
    name for preset in FINETUNE_PRESETS.values()
    for name in (preset.trainer, preset.quick_trial_trainer) if name
) | {BASELINE_TRAINER, BASELINE_QUICK_TRIAL_TRAINER}


def default_freeze_epochs(total_epochs: int) -> int:
    """Epochs with the encoder frozen when the user does not say: a tenth of the training,
    at least one (100 of nnU-Net's 1000; 1 of a 5-epoch quick trial)."""
    return max(1, total_epochs // 10)


def preset_names() -> list[str]:
    """The names ``--finetune-preset`` accepts."""
    return list(FINETUNE_PRESETS)
