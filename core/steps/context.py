"""What one chain is about: the user's options and the context every step is built from.

Roles, not ``-s/-t``: the user names a *pretraining* and a *fine-tuning* dataset. Plans flow
from the fine-tuning dataset to the pretraining dataset (``move_plans -s FINETUNE -t PRETRAIN``);
weights flow back (``-pretrained_weights``).

Or the user starts from a model someone else trained (``pretrained_model``, no pretraining
dataset): then plans and weights both flow FROM the model TO the fine-tuning dataset
(:mod:`.model_source`), and the chain has its own steps (:data:`~.registry.MODEL_STEPS`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nnft.core import plans as plans_mod
from nnft.core.datasets import DatasetInfo
from nnft.core.machine import augmentation_workers
from nnft.core.workspace import Workspace

from .model_source import SourceModel
from .presets import (
    BASELINE_QUICK_TRIAL_TRAINER,
    BASELINE_TRAINER,
    DEFAULT_PRESET,
    FINETUNE_PRESETS,
    FREEZE_EPOCHS_ENV,
    FROZEN_ENCODER_PRESET,
    PRESET_TRAINERS,
    default_freeze_epochs,
)

DEFAULT_TRAINER = "nnUNetTrainer"
QUICK_TRIAL_TRAINER = "nnFTTrainerQuickTrial"
#: nnU-Net's default number of epochs (nnUNetTrainer, nnFTTrainer and the preset trainers).
NNUNET_DEFAULT_EPOCHS = 1000
#: Trainers that handle SIGUSR1 (finish the epoch, checkpoint, exit 0).
GRACEFUL_STOP_TRAINERS = frozenset({"nnFTTrainer", QUICK_TRIAL_TRAINER}) | PRESET_TRAINERS
#: Marker nnFT writes into a fine-tuning fold folder: nnU-Net names a fine-tuned run exactly like
#: a from-scratch run and records nowhere on disk that weights were loaded.
RUN_MARKER = "nnft_run.json"
FOLDS = ("0", "1", "2", "3", "4", "all")


@dataclass(frozen=True)
class RunOptions:
    """What the user chose for one chain.

    Parameters
    ----------
    configuration
        ``2d``, ``3d_fullres`` or ``3d_lowres``; the same for both phases (the weights only fit
        the architecture of one configuration).
    plans_name
        The new plans identifier the pretraining dataset gets (``-tp``).
    finetune_plans
        The fine-tuning dataset's plans identifier (``-sp``), nnU-Net's default unless the
        user planned with another planner.
    fold
        Fine-tuning fold: 0-4 or ``all``. Pretraining always uses ``all`` (nnU-Net's advice).
    trainer
        nnU-Net trainer class for both phases.
    device
        ``cuda``, ``cpu`` or ``mps``.
    trial_epochs, trial_iterations
        When set, a quick trial: the trainer is :data:`QUICK_TRIAL_TRAINER` with these lengths.
    final_validation
        Quick trials only: run nnU-Net's final sliding-window validation.
    preprocessing_workers
        ``-np``/``-npfp`` of the planning and preprocessing steps.
    augmentation_workers
        ``nnUNet_n_proc_DA`` for training.
    reuse_plans
        Accept an existing plans file under ``plans_name`` when it is identical to the transfer.
    pretrained_weights
        Fine-tune from this checkpoint instead of the pretraining's ``checkpoint_final.pth``.
    finetune_preset
        How the fine-tuning trains (:data:`~.presets.FINETUNE_PRESETS`): ``default``,
        ``gentle`` or ``frozen-encoder``. The pretraining always runs ``trainer``.
    freeze_epochs
        ``frozen-encoder`` only: epochs with the encoder frozen (default: a tenth of the
        training, :func:`~.presets.default_freeze_epochs`).
    pretrained_model
        Fine-tune from this trained model (a model folder, fold folder or zip) instead of
        pretraining on a dataset of the workspace. ``plans_name`` is then the identifier the
        model's plans get in the fine-tuning dataset, and ``finetune_plans`` equals it (the
        fine-tuning trains with the model's plans).
    baseline
        Also train the fine-tuning dataset from scratch (same fold, configuration, plans and
        epochs, no pretrained weights) under :data:`~.presets.BASELINE_TRAINER`, to see
        whether the pretraining helped.
    allow_overwrite
        The user confirmed (``--backup-and-overwrite``) that preprocessed data folders and a
        fine-tuning fold folder nnFT did not make may be replaced: each is moved to
        ``nnUNet_results/nnFT/backups/<time>/`` right before the step that would delete or
        overwrite it. Without it such a step is refused (``PREPROCESSED_DATA_EXISTS``,
        ``RESULTS_FOLDER_EXISTS``).
    """

    configuration: str = "3d_fullres"
    plans_name: str = ""
    finetune_plans: str = "nnUNetPlans"
    fold: str = "0"
    trainer: str = DEFAULT_TRAINER
    device: str = "cuda"
    trial_epochs: int | None = None
    trial_iterations: int | None = None
    final_validation: bool = True
    preprocessing_workers: int = 2
    augmentation_workers: int | None = None
    reuse_plans: bool = False
    pretrained_weights: str | None = None
    allow_overwrite: bool = False
    finetune_preset: str = DEFAULT_PRESET
    freeze_epochs: int | None = None
    baseline: bool = False
    pretrained_model: str | None = None

    @property
    def is_quick_trial(self) -> bool:
        return self.trial_epochs is not None or self.trial_iterations is not None


class NoPretrainingDataset(ValueError):
    """A chain that fine-tunes from a model was asked for its pretraining dataset."""


@dataclass(frozen=True)
class ChainContext:
    """Everything the steps need: the workspace, the datasets (or the model) and the options.

    Exactly one of ``pretrain_dataset`` (pretrain here, then fine-tune) and ``source_model``
    (fine-tune from a model someone else trained) is set.
    """

    workspace: Workspace
    pretrain_dataset: DatasetInfo | None
    finetune: DatasetInfo
    options: RunOptions
    source_model: SourceModel | None = None

    @property
    def from_model(self) -> bool:
        """True when the fine-tuning starts from a trained model, not from a pretraining here."""
        return self.source_model is not None

    @property
    def pretrain(self) -> DatasetInfo:
        """The pretraining dataset (raises :class:`NoPretrainingDataset` in a chain that
        starts from a model: code of the pretraining steps never runs there)."""
        if self.pretrain_dataset is None:
            raise NoPretrainingDataset("this chain fine-tunes from a model; it has no "
                                       "pretraining dataset")
        return self.pretrain_dataset

    @property
    def model(self) -> SourceModel:
        """The model the fine-tuning starts from (ValueError in a dataset chain)."""
        if self.source_model is None:
            raise ValueError("this chain pretrains on a dataset; it has no source model")
        return self.source_model

    @property
    def source_name(self) -> str:
        """Where the weights come from, in a few words: the pretraining dataset's name, or the
        model's (``Dataset001_X (nnUNetTrainer, nnUNetPlans, 2d, fold all)``)."""
        if self.source_model is not None:
            return self.source_model.display_name
        return self.pretrain.name

    # -- paths -------------------------------------------------------------------------------
    @property
    def pretrain_preprocessed(self) -> Path:
        return _req(self.workspace.preprocessed) / self.pretrain.name

    @property
    def finetune_preprocessed(self) -> Path:
        return _req(self.workspace.preprocessed) / self.finetune.name

    @property
    def pretrain_fingerprint_file(self) -> Path:
        return self.pretrain_preprocessed / "dataset_fingerprint.json"

    @property
    def finetune_plans_file(self) -> Path:
        return plans_mod.plans_path(self.finetune_preprocessed, self.options.finetune_plans)

    @property
    def pretrain_plans_file(self) -> Path:
        return plans_mod.plans_path(self.pretrain_preprocessed, self.options.plans_name)

    @property
    def trainer(self) -> str:
        """The pretraining's trainer (and the fine-tuning's with the ``default`` preset)."""
        return QUICK_TRIAL_TRAINER if self.options.is_quick_trial else self.options.trainer

    @property
    def finetune_trainer(self) -> str:
        """The fine-tuning's trainer: the preset's own class, or :attr:`trainer`."""
        preset = FINETUNE_PRESETS.get(self.options.finetune_preset)
        if preset is None or preset.trainer is None:
            return self.trainer
        if self.options.is_quick_trial:
            return preset.quick_trial_trainer or QUICK_TRIAL_TRAINER
        return preset.trainer

    @property
    def baseline_trainer(self) -> str:
        """The from-scratch baseline's trainer (its own results folder)."""
        return BASELINE_QUICK_TRIAL_TRAINER if self.options.is_quick_trial else BASELINE_TRAINER

    def trainer_of(self, step_key: str) -> str:
        """The trainer a training step runs: ``pretrain``, ``finetune`` or ``baseline``."""
        return {"pretrain": self.trainer, "finetune": self.finetune_trainer,
                "baseline": self.baseline_trainer}[step_key]

    @property
    def total_epochs(self) -> int | None:
        """Epochs of each training: the quick trial's, nnU-Net's 1000 for its default trainers,
        None for another trainer (only its code knows)."""
        if self.options.is_quick_trial:
            return self.options.trial_epochs or 5
        if self.options.trainer in ("nnUNetTrainer", "nnFTTrainer"):
            return NNUNET_DEFAULT_EPOCHS
        return None

    @property
    def freeze_epochs(self) -> int | None:
        """Epochs with the encoder frozen (``frozen-encoder`` preset), else None."""
        if self.options.finetune_preset != FROZEN_ENCODER_PRESET:
            return None
        if self.options.freeze_epochs is not None:
            return self.options.freeze_epochs
        return default_freeze_epochs(self.total_epochs or NNUNET_DEFAULT_EPOCHS)

    @property
    def transfer_target(self) -> Path:
        """The plans file the transfer writes: in the pretraining dataset, or (from a model) in
        the fine-tuning dataset."""
        return self.finetune_plans_file if self.from_model else self.pretrain_plans_file

    @property
    def transfer_source(self) -> Path:
        """The plans file the transfer copies: the fine-tuning dataset's, or the model's."""
        if self.source_model is not None:
            return self.source_model.imported_dir / "plans.json"
        return self.finetune_plans_file

    def training_output_folder(self, dataset: DatasetInfo, plans_name: str,
                               trainer: str | None = None) -> Path:
        """``nnUNet_results/<dataset>/<Trainer>__<plans>__<configuration>`` (nnU-Net's rule);
        ``trainer`` defaults to :attr:`trainer`."""
        # Lazy: the wizard paints its window without importing nnunetv2 (and numpy with it).
        from nnunetv2.utilities.file_path_utilities import (
            convert_trainer_plans_config_to_identifier,
        )

        return (_req(self.workspace.results) / dataset.name /
                convert_trainer_plans_config_to_identifier(trainer or self.trainer, plans_name,
                                                           self.options.configuration))

    @property
    def pretrain_fold_dir(self) -> Path:
        return self.training_output_folder(self.pretrain, self.options.plans_name) / "fold_all"

    @property
    def finetune_fold_dir(self) -> Path:
        return (self.training_output_folder(self.finetune, self.options.finetune_plans,
                                            self.finetune_trainer)
                / f"fold_{self.options.fold}")

    @property
    def baseline_fold_dir(self) -> Path:
        """The from-scratch baseline's fold folder: same dataset, plans, configuration and
        fold as the fine-tuning, its own trainer name."""
        return (self.training_output_folder(self.finetune, self.options.finetune_plans,
                                            self.baseline_trainer)
                / f"fold_{self.options.fold}")

    @property
    def pretrained_checkpoint(self) -> Path:
        """The weights the fine-tuning starts from: the pretraining's final checkpoint, unless
        the user chose another one (``pretrained_weights``), or nnFT's imported copy of the
        model's checkpoint (``pretrained_model``)."""
        if self.source_model is not None:
            return self.source_model.checkpoint
        if self.options.pretrained_weights:
            return Path(self.options.pretrained_weights)
        return self.pretrain_fold_dir / "checkpoint_final.pth"

    def finetune_plans(self) -> dict[str, Any] | None:
        """The fine-tuning dataset's plans, once planned."""
        return load_json(self.finetune_plans_file)

    def expected_transfer(self) -> dict[str, Any] | None:
        """The plans the transfer will write (None until the fine-tuning dataset is planned).

        From a model: the model's plans under the new identifier, for the fine-tuning dataset
        (its ``image_reader_writer`` is nnU-Net's choice for that dataset's images, made when
        the step runs, and not compared)."""
        if self.source_model is not None:
            model = self.source_model
            return plans_mod.transferred_plans(model.plans, self.finetune.name,
                                               model.plans_name, self.options.plans_name)
        source = self.finetune_plans()
        if source is None:
            return None
        return plans_mod.transferred_plans(source, self.pretrain.name,
                                           self.options.finetune_plans, self.options.plans_name)

    # -- environment -------------------------------------------------------------------------
    def planning_env(self) -> dict[str, str]:
        # nnU-Net's validation export pool and the fingerprint default read nnUNet_def_n_proc.
        return {"nnUNet_def_n_proc": str(self.options.preprocessing_workers)}

    def training_env(self) -> dict[str, str]:
        workers = self.options.augmentation_workers
        if workers is None:
            workers = augmentation_workers(self.options.device)
        env = {
            # Set for training only: the planner calls torch.set_num_threads() with it, and
            # 0 kills planning (MEASURED.md).
            "nnUNet_n_proc_DA": str(workers),
            "nnUNet_def_n_proc": str(self.options.preprocessing_workers),
        }
        if self.options.is_quick_trial:
            env["NNFT_TRIAL_EPOCHS"] = str(self.options.trial_epochs or 5)
            env["NNFT_TRIAL_ITERATIONS"] = str(self.options.trial_iterations or 10)
            env["NNFT_TRIAL_FINAL_VALIDATION"] = "1" if self.options.final_validation else "0"
        return env

    def finetune_env(self) -> dict[str, str]:
        """:meth:`training_env` plus the preset's settings (the frozen epochs)."""
        env = self.training_env()
        freeze = self.freeze_epochs
        if freeze is not None:
            env[FREEZE_EPOCHS_ENV] = str(freeze)
        return env


def _req(path: Path | None) -> Path:
    if path is None:
        raise ValueError("the workspace folder is not set")
    return path


def load_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


