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

The fine-tuning presets and the from-scratch baseline (``nnft.core.steps.presets`` names them):
each has its own class, so nnU-Net gives it a results folder of its own
(``<Trainer>__<plans>__<configuration>``), and a quick-trial twin ``...QuickTrial`` that is the
same class combined with ``nnFTTrainerQuickTrial``. All of them keep the graceful stop.

- ``nnFTTrainerGentleFinetune`` (preset ``gentle``): learning rate 1e-3 instead of 1e-2, reached
  by a linear warm-up, then nnU-Net's poly decay: upstream nnU-Net's schedule for fine-tuning
  pretrained checkpoints (see the class).
- ``nnFTTrainerFrozenEncoder`` (preset ``frozen-encoder``): the encoder frozen for the first
  ``NNFT_FREEZE_EPOCHS`` epochs (default: a tenth of the epochs, at least 1), then all layers
  train with nnU-Net's default schedule (see the class).
- ``nnFTTrainerFromScratch``: the from-scratch baseline, nnU-Net's default training under a name
  of its own.

Epochs: nnU-Net's log counts them from 0 (``Epoch 0`` is the first); nnFT counts from 1
everywhere (pages, ``nnft run``, ``nnft monitor``, plots). The graceful-stop line and the
frozen-encoder lines say both.

The module name is unique on purpose: nnU-Net imports external trainer modules under their bare
names.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
from fractions import Fraction
from os.path import join

import torch
from batchgenerators.dataloading.multi_threaded_augmenter import MultiThreadedAugmenter
from batchgenerators.dataloading.nondet_multi_threaded_augmenter import (
    NonDetMultiThreadedAugmenter,
)
from nnunetv2.training.lr_scheduler.warmup import Lin_incr_LRScheduler, PolyLRScheduler_offset
from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer
from torch import nn
from torch._dynamo import OptimizedModule
from torch.nn.parallel import DistributedDataParallel

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


class nnFTTrainerFromScratchQuickTrial(nnFTTrainerFromScratch, nnFTTrainerQuickTrial):
    """The from-scratch baseline of a quick trial (lengths from ``NNFT_TRIAL_*``)."""


# --- Preset "gentle": upstream nnU-Net's fine-tuning schedule ----------------------------------

#: Upstream nnU-Net's learning rate for fine-tuning pretrained weights
#: (``PretrainedTrainer.initial_lr``; nnU-Net's default training starts at 1e-2).
GENTLE_INITIAL_LR = 1e-3
#: Upstream's warm-up: 50 of its 1000 epochs (``PretrainedTrainer.warmup_duration_whole_net``).
FULL_RUN_WARMUP_SHARE = Fraction(50, 1000)
#: A quick trial's warm-up: a third of its few epochs (see nnFTTrainerGentleFinetune).
QUICK_TRIAL_WARMUP_SHARE = Fraction(1, 3)


def warmup_epochs(num_epochs: int, share: Fraction) -> int:
    """Epochs of linear warm-up.

    Parameters
    ----------
    num_epochs
        Epochs of the whole training.
    share
        The part of them that warms up.

    Returns
    -------
    int
        ``share`` of ``num_epochs`` rounded up, at least 1 and at most ``num_epochs``
        (50 of 1000 at :data:`FULL_RUN_WARMUP_SHARE`, 2 of 5 at :data:`QUICK_TRIAL_WARMUP_SHARE`).
    """
    return min(num_epochs, max(1, math.ceil(num_epochs * share)))


class WarmupThenPolyLR:
    """Upstream nnU-Net's two fine-tuning schedulers, switched at the end of the warm-up.

    Epochs ``0 .. warmup-1`` (nnU-Net's numbering): nnU-Net's ``Lin_incr_LRScheduler``,
    ``lr = initial_lr * (epoch + 1) / warmup``. From epoch ``warmup`` on: its
    ``PolyLRScheduler_offset``, ``lr = initial_lr * (1 - (epoch - warmup) / (num_epochs -
    warmup)) ** 0.9``. Both act on the same optimizer, whose momentum carries over the switch,
    as upstream keeps its optimizer. nnU-Net steps the scheduler at every epoch start with the
    epoch index (``lr_scheduler.step(self.current_epoch)``), so a resumed run (``--c``) gets the
    right rate without any saved scheduler state (nnU-Net's checkpoints keep none).
    """

    def __init__(self, optimizer: torch.optim.Optimizer, initial_lr: float, num_epochs: int,
                 warmup: int):
        self.optimizer = optimizer
        self.warmup_epochs = warmup
        # Each scheduler sets the rate once when built: the decay first, so the optimizer holds
        # the warm-up's first rate until nnU-Net steps. No decay when the warm-up is the whole
        # training (a 1-epoch run; the decay would divide by zero).
        self.decay = (PolyLRScheduler_offset(optimizer, initial_lr, num_epochs, warmup)
                      if warmup < num_epochs else None)
        self.warmup = Lin_incr_LRScheduler(optimizer, initial_lr, warmup)
        self._next_epoch = 0

    def step(self, current_step: int | None = None) -> None:
        """Set the learning rate of epoch ``current_step`` (default: the one after the last)."""
        epoch = self._next_epoch if current_step is None or current_step == -1 else current_step
        self._next_epoch = epoch + 1
        if self.decay is None or epoch < self.warmup_epochs:
            self.warmup.step(epoch)
        else:
            self.decay.step(epoch)

    def get_last_lr(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


class nnFTTrainerGentleFinetune(nnFTTrainer):  # nnU-Net's naming
    """Fine-tuning at learning rate 1e-3 after a linear warm-up, then nnU-Net's poly decay.

    This is the schedule upstream nnU-Net uses to fine-tune pretrained checkpoints on ``main``
    (after 2.8.1): github.com/MIC-DKFZ/nnUNet, ``nnunetv2/training/nnUNetTrainer/pretraining/
    pretrainedTrainer.py``, class ``PretrainedTrainer`` (added in commit 887c02ee "full nnssl
    integration", read at 0e495086): ``initial_lr = 1e-3`` (1e-2 when it trains the same
    network from scratch), ``warmup_duration_whole_net = 50`` of its 1000 epochs with
    ``Lin_incr_LRScheduler``, then ``PolyLRScheduler_offset`` (exponent 0.9) from 1e-3 over the
    remaining 950, on nnU-Net's SGD (momentum 0.99, Nesterov, weight decay 3e-5) kept across the
    switch. nnU-Net 2.8.1 ships both schedulers (``nnunetv2/training/lr_scheduler/warmup.py``,
    also behind its ``nnUNetTrainer_warmup``, which warms up to 1e-2); this trainer uses them
    (:class:`WarmupThenPolyLR`). Upstream's other changes in that trainer (batch size 2, no deep
    supervision, its own weight loading) serve its nnssl architectures and are not taken over:
    nnU-Net's network and its ``-pretrained_weights`` loading stay as they are.

    Warm-up length: a full run (1000 epochs) warms up for 50, exactly like upstream (whose
    150-epoch variant, ``PretrainedTrainer_150ep``, warms up for 15). A quick trial warms up for
    a third of its epochs, rounded up (:data:`QUICK_TRIAL_WARMUP_SHARE`: 2 of 4 or 5, 4 of 10, 1
    of 1-3): the ramp ``1e-3 * (epoch + 1) / warm-up`` reaches 1e-3 in the warm-up's last
    epoch, so a 1-epoch warm-up (upstream's 5 % of a few epochs) would be no warm-up at all.

    nnU-Net's log then says (``Current learning rate``, 5 decimals): full run 2e-05, 4e-05, ...,
    0.001 at epochs 49 and 50 (counted from 0), then decaying; a 4-epoch trial 0.0005, 0.001,
    0.001, 0.00054.
    """

    #: The part of the epochs that warms up (the quick trial's twin has its own).
    nnft_warmup_share = FULL_RUN_WARMUP_SHARE

    def __init__(self, plans: dict, configuration: str, fold: int, dataset_json: dict,
                 device: torch.device = _CUDA):
        super().__init__(plans, configuration, fold, dataset_json, device)
        self.initial_lr = GENTLE_INITIAL_LR
        # After super(): a quick trial sets num_epochs there.
        self.nnft_warmup_epochs = warmup_epochs(self.num_epochs, self.nnft_warmup_share)

    def configure_optimizers(self):
        # nnU-Net's own optimizer (now at 1e-3); only the schedule is replaced.
        optimizer, _ = super().configure_optimizers()
        return optimizer, WarmupThenPolyLR(optimizer, self.initial_lr, self.num_epochs,
                                           self.nnft_warmup_epochs)

    def on_train_start(self):
        super().on_train_start()
        warmup = self.nnft_warmup_epochs
        self.print_to_log_file(
            f"nnFT gentle fine-tuning: learning rate rises linearly to {self.initial_lr:g} over "
            f"{'epoch 1' if warmup == 1 else f'epochs 1-{warmup}'} (counted from 1), then "
            "nnU-Net's poly decay")


class nnFTTrainerGentleFinetuneQuickTrial(nnFTTrainerGentleFinetune, nnFTTrainerQuickTrial):
    """The gentle preset in a quick trial: lengths from ``NNFT_TRIAL_*``, warm-up a third."""

    nnft_warmup_share = QUICK_TRIAL_WARMUP_SHARE


# --- Preset "frozen-encoder": staged unfreezing -------------------------------------------------

#: Epochs with the encoder frozen; set by nnFT (ChainContext.finetune_env).
FREEZE_EPOCHS_ENV = "NNFT_FREEZE_EPOCHS"


def default_freeze_epochs(total_epochs: int) -> int:
    """Epochs with the encoder frozen when ``NNFT_FREEZE_EPOCHS`` is unset: a tenth of the
    training, at least one (the same rule as ``nnft.core.steps.presets.default_freeze_epochs``;
    this module does not import nnFT's core, it runs inside nnU-Net)."""
    return max(1, total_epochs // 10)


def plain_network(network: nn.Module) -> nn.Module:
    """The network itself, out of nnU-Net's DDP (``.module``) and torch.compile
    (``._orig_mod``) wrappers (nnU-Net wraps in that order: DDP(compile(network)))."""
    if isinstance(network, DistributedDataParallel):
        network = network.module
    if isinstance(network, OptimizedModule):
        network = network._orig_mod
    return network


class nnFTTrainerFrozenEncoder(nnFTTrainer):  # nnU-Net's naming
    """Fine-tuning with the pretrained encoder frozen for the first epochs, then all layers.

    The encoder (``network.encoder`` of nnU-Net's U-Nets, ``PlainConvUNet`` and
    ``ResidualEncoderUNet``: every stage, the stem included) is frozen for epochs
    ``1..N`` (counted from 1; nnU-Net's ``Epoch 0`` to ``Epoch N-1``), N from
    ``NNFT_FREEZE_EPOCHS`` (default :func:`default_freeze_epochs`); from epoch N+1 on all layers
    train. The learning-rate schedule is nnU-Net's default (poly from 1e-2).

    Frozen means the encoder's weights do not move at all: its parameters get
    ``requires_grad=False``, so their gradients stay None (nnU-Net zeroes gradients with
    ``set_to_none=True``) and SGD skips them entirely: no update, no weight decay, no momentum
    buffer (with momentum 0.99 a kept buffer would move them long after their gradients
    stopped). They also drop out of nnU-Net's gradient clipping, and no gradient is computed
    through the encoder, which makes the frozen epochs faster. The encoder also runs in eval
    mode while frozen, so normalization layers with running statistics (BatchNorm; nnU-Net's
    InstanceNorm has none) keep their pretrained ones. At unfreezing, SGD creates the encoder's
    momentum buffers from its first gradients, exactly as at the start of a training; the
    decoder's buffers carry on.

    The decision is made at every epoch start from ``current_epoch``, which nnU-Net restores on
    ``--c``: a run resumed inside the frozen epochs is frozen again, one resumed after them
    trains all layers; the optimizer state saved in either phase loads (SGD keeps state per
    parameter only once it had a gradient). Under DDP the wrapper is rebuilt at each switch,
    because DDP takes the parameters that need gradients once, when it is built. The log says
    when the encoder is frozen and when it is unfrozen.
    """

    def __init__(self, plans: dict, configuration: str, fold: int, dataset_json: dict,
                 device: torch.device = _CUDA):
        super().__init__(plans, configuration, fold, dataset_json, device)
        # After super(): a quick trial sets num_epochs there.
        self.nnft_freeze_epochs = _positive_int_from_env(
            FREEZE_EPOCHS_ENV, default_freeze_epochs(self.num_epochs))
        self._nnft_encoder_frozen: bool | None = None  # None: not decided in this process yet

    def _nnft_encoder(self) -> nn.Module:
        network = plain_network(self.network)
        encoder = getattr(network, "encoder", None)
        if not isinstance(encoder, nn.Module):
            raise RuntimeError(
                f"nnFT frozen-encoder preset: the network {type(network).__name__} has no "
                "'encoder' to freeze. The preset works with nnU-Net's U-Nets (PlainConvUNet, "
                "ResidualEncoderUNet); choose the default or the gentle preset for this one.")
        return encoder

    def _nnft_set_encoder_frozen(self, frozen: bool) -> None:
        for parameter in self._nnft_encoder().parameters():
            parameter.requires_grad_(not frozen)
        if isinstance(self.network, DistributedDataParallel):
            # DDP reduces the gradients of the parameters that needed them when it was built;
            # rebuild it the way nnU-Net's initialize() builds it.
            module = self.network.module
            self.network = module  # drop the old wrapper (and its hooks) first
            self.network = DistributedDataParallel(module, device_ids=[self.local_rank])
        self._nnft_encoder_frozen = frozen

    def on_train_epoch_start(self):
        super().on_train_epoch_start()  # network.train(), learning rate, "Epoch N" line
        epoch = self.current_epoch  # nnU-Net's, from 0 (nnFT's is epoch + 1); restored by --c
        freeze = epoch < self.nnft_freeze_epochs
        first_epoch_here = self._nnft_encoder_frozen is None
        if freeze != bool(self._nnft_encoder_frozen):
            self._nnft_set_encoder_frozen(freeze)
            self.print_to_log_file(self._nnft_freeze_message(epoch, freeze, first_epoch_here))
        elif first_epoch_here:  # resumed after the frozen epochs: nothing to change
            self._nnft_encoder_frozen = False
            self.print_to_log_file(self._nnft_freeze_message(epoch, False, True))
        if freeze:
            self._nnft_encoder().eval()  # after network.train(): keep running statistics

    def _nnft_freeze_message(self, epoch: int, frozen: bool, first_epoch_here: bool) -> str:
        last = self.nnft_freeze_epochs
        frozen_epochs = ("epoch 1 (counted from 1; this log's 'Epoch 0')" if last == 1 else
                         f"epochs 1-{last} (counted from 1; this log's 'Epoch 0' to "
                         f"'Epoch {last - 1}')")
        resumed = f"; resumed at epoch {epoch + 1}" if first_epoch_here and epoch > 0 else ""
        if frozen:
            whole = (f"; that is all {self.num_epochs} epochs: only the decoder is trained"
                     if last >= self.num_epochs else "")
            return f"nnFT: encoder frozen for {frozen_epochs}{whole}{resumed}"
        if resumed:
            return f"nnFT: all layers train (the encoder was frozen for {frozen_epochs}{resumed})"
        return (f"nnFT: encoder unfrozen from epoch {last + 1} (this log's 'Epoch {last}'); "
                "all layers train")


class nnFTTrainerFrozenEncoderQuickTrial(nnFTTrainerFrozenEncoder, nnFTTrainerQuickTrial):
    """The frozen-encoder preset in a quick trial (lengths from ``NNFT_TRIAL_*``)."""
