"""Trainers nnFT adds to nnU-Net, found through ``nnUNet_extTrainer``.

- ``nnFTTrainer``: nnU-Net's default training, unchanged, plus a graceful stop. nnU-Net 2.8.1
  has no signal handling: on SIGUSR1 this trainer finishes the running epoch, writes
  ``checkpoint_latest.pth`` and exits 0, so ``nnUNetv2_train ... --c`` continues at the next
  epoch. Used by the wizard's Stop button and by SLURM's ``--signal=B:USR1@...``. During
  nnU-Net's final validation (after ``checkpoint_final.pth`` was written, or in a ``--val`` run)
  SIGUSR1 stops the validation at once and exits 0: the trained model is kept, and
  ``nnUNetv2_train ... --val`` (nnFT's "Finish validation") runs the validation again later.
  SIGUSR1 during the last epoch ends that epoch, writes ``checkpoint_final.pth`` and leaves the
  final validation for later in the same way.
- ``nnFTTrainerFromScratch`` and ``nnFTTrainerFromScratchQuickTrial``: the from-scratch baseline
  (nnFTTrainer and the quick trial under names of their own: their own results folders).
- ``nnFTTrainerQuickTrial``: the same, with the number of epochs and iterations taken from the
  environment, for a quick trial run of the whole chain (and for tests):

  ``NNFT_TRIAL_EPOCHS`` (default 5), ``NNFT_TRIAL_ITERATIONS`` (training iterations per epoch,
  default 10), ``NNFT_TRIAL_VAL_ITERATIONS`` (default: a fifth of the training iterations, at
  least 1), ``NNFT_TRIAL_FINAL_VALIDATION`` (1 = run nnU-Net's final sliding-window validation,
  the default; 0 = skip it). The quick trial validates without mirroring test-time augmentation
  (like nnU-Net's ``nnUNetTrainerNoMirroring`` at inference): nnU-Net's default predicts every
  validation case 4 times (2d) or 8 times (3d) mirrored, which made the final validation of the
  demo the larger part of a quick trial on a CPU. The checkpoints still record nnU-Net's mirroring
  axes, so a later ``--val`` or prediction of a full run is unchanged.

Epochs: nnU-Net's log counts them from 0 (``Epoch 0`` is the first); nnFT counts from 1
everywhere (pages, ``nnft run``, ``nnft monitor``, plots). The graceful-stop line says both.

The module name is unique on purpose: nnU-Net imports external trainer modules under their bare
names.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from os.path import join

import torch
from batchgenerators.dataloading.multi_threaded_augmenter import MultiThreadedAugmenter
from batchgenerators.dataloading.nondet_multi_threaded_augmenter import (
    NonDetMultiThreadedAugmenter,
)
from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer

# nnU-Net's own default device, as a module constant.
_CUDA = torch.device("cuda")


def _positive_int_from_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a whole number") from exc
    if number < 1:
        raise ValueError(f"{name}={value!r} must be at least 1")
    return number


def cpu_threads_allowed(environ=None, affinity=None, cpu_count=None) -> int:
    """The CPUs this process may use: Slurm's ``SLURM_CPUS_PER_TASK`` when set, else the CPUs
    in its affinity mask (cgroups/cpusets), else all of the machine.

    nnU-Net sets torch to ``multiprocessing.cpu_count()`` threads on the CPU: every core of a
    compute node, however few the job was given, so CPU jobs sharing a node thrash.
    """
    environ = os.environ if environ is None else environ
    cpu_count = cpu_count or os.cpu_count() or 1
    if affinity is None and hasattr(os, "sched_getaffinity"):
        affinity = len(os.sched_getaffinity(0))
    allowed = affinity or cpu_count
    value = environ.get("SLURM_CPUS_PER_TASK", "").strip()
    if value.isdigit() and int(value) >= 1:
        allowed = min(allowed, int(value))
    return max(1, min(allowed, cpu_count))


class _StopValidation(Exception):
    """Raised by the SIGUSR1 handler while the final validation runs."""


class nnFTTrainer(nnUNetTrainer):  # nnU-Net's naming
    """nnUNetTrainer plus a graceful stop on SIGUSR1 (see the module docstring)."""

    def __init__(self, plans: dict, configuration: str, fold: int, dataset_json: dict,
                 device: torch.device = _CUDA):
        super().__init__(plans, configuration, fold, dataset_json, device)
        if self.device.type == "cpu":
            # Undo nnU-Net's "all cores of the machine" (run_training.py) where fewer are ours.
            allowed = cpu_threads_allowed()
            if torch.get_num_threads() > allowed:
                torch.set_num_threads(allowed)
        self._nnft_stop_requested = False
        self._nnft_validating = False
        # Signals can only be handled in the main thread of the main process; DDP workers
        # (mp.spawn) are stopped by their parent.
        if hasattr(signal, "SIGUSR1") and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGUSR1, self._nnft_on_stop_signal)

    def _nnft_on_stop_signal(self, signum, frame) -> None:
        if self._nnft_validating:
            # The training is over (checkpoint_final.pth is whole): nothing to finish first.
            self._nnft_validating = False
            raise _StopValidation()
        # Only set a flag: the epoch in progress finishes normally, so the checkpoint is whole.
        self._nnft_stop_requested = True

    def perform_actual_validation(self, save_probabilities: bool = False):
        started = not self._nnft_stop_requested
        self._nnft_validating = started
        try:
            if not started:
                # Stop was asked during the last epoch: do not start a long validation.
                raise _StopValidation()
            return super().perform_actual_validation(save_probabilities)
        except _StopValidation:
            when = ("during the final validation: validation stopped" if started else
                    "during the last epoch: final validation not started")
            self.print_to_log_file(
                f"nnFT: stop requested {when}; the trained model is kept "
                "(checkpoint_final.pth); finish the validation with nnUNetv2_train ... --val")
            sys.exit(0)
        finally:
            self._nnft_validating = False

    def on_epoch_end(self):
        super().on_epoch_end()
        if not self._nnft_stop_requested or self.current_epoch >= self.num_epochs:
            return
        # on_epoch_end has already advanced the counter; store the next epoch to run, exactly
        # like on_train_end does for the final checkpoint.
        self.current_epoch -= 1
        self.save_checkpoint(join(self.output_folder, "checkpoint_latest.pth"))
        self.current_epoch += 1
        # current_epoch is now the number of epochs done (nnFT's 1-based number of the last one).
        self.print_to_log_file(
            f"nnFT: graceful stop requested. checkpoint_latest.pth written after epoch "
            f"{self.current_epoch} of {self.num_epochs} (counted from 1; this log's "
            f"'Epoch {self.current_epoch - 1}'); continue with nnUNetv2_train ... --c"
        )
        self._nnft_shutdown_dataloaders()
        sys.exit(0)

    def _nnft_shutdown_dataloaders(self) -> None:
        for loader in (self.dataloader_train, self.dataloader_val):
            if isinstance(loader, NonDetMultiThreadedAugmenter | MultiThreadedAugmenter):
                loader._finish()


class nnFTTrainerQuickTrial(nnFTTrainer):  # nnU-Net's naming
    """A short run of the real training loop; lengths from ``NNFT_TRIAL_*`` variables."""

    def __init__(self, plans: dict, configuration: str, fold: int, dataset_json: dict,
                 device: torch.device = _CUDA):
        super().__init__(plans, configuration, fold, dataset_json, device)
        self.num_epochs = _positive_int_from_env("NNFT_TRIAL_EPOCHS", 5)
        self.num_iterations_per_epoch = _positive_int_from_env("NNFT_TRIAL_ITERATIONS", 10)
        self.num_val_iterations_per_epoch = _positive_int_from_env(
            "NNFT_TRIAL_VAL_ITERATIONS", max(1, self.num_iterations_per_epoch // 5))
        self.nnft_final_validation = os.environ.get("NNFT_TRIAL_FINAL_VALIDATION", "1") != "0"

    def on_train_start(self):
        super().on_train_start()
        self.print_to_log_file(
            f"nnFT quick trial: {self.num_epochs} epochs x {self.num_iterations_per_epoch} "
            f"training + {self.num_val_iterations_per_epoch} validation iterations; final "
            f"validation {'on' if self.nnft_final_validation else 'off'}"
        )

    def perform_actual_validation(self, save_probabilities: bool = False):
        if self.nnft_final_validation:
            # nnU-Net's predictor mirrors along these axes (use_mirroring=True); None predicts
            # each case once. Restored afterwards: the checkpoints were written before this.
            mirror_axes = self.inference_allowed_mirroring_axes
            self.inference_allowed_mirroring_axes = None
            self.print_to_log_file("nnFT quick trial: final validation without mirroring "
                                   "test-time augmentation")
            try:
                return super().perform_actual_validation(save_probabilities)
            finally:
                self.inference_allowed_mirroring_axes = mirror_axes
        self.print_to_log_file("nnFT quick trial: final validation skipped "
                               "(NNFT_TRIAL_FINAL_VALIDATION=0)")
        return None


class nnFTTrainerFromScratch(nnFTTrainer):  # nnU-Net's naming
    """The from-scratch baseline: nnU-Net's default training (and nnFT's graceful stop) under a
    name of its own, so that its results folder is never the fine-tuning's (nnU-Net names
    both ``<Trainer>__<plans>__<configuration>``)."""


class nnFTTrainerFromScratchQuickTrial(nnFTTrainerQuickTrial):  # nnU-Net's naming
    """The from-scratch baseline of a quick trial (lengths from ``NNFT_TRIAL_*``)."""
