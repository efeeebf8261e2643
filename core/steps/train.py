"""The training steps: pretraining (fold all), then fine-tuning from its weights.

Weights flow back from the pretraining dataset to the fine-tuning dataset
(``-pretrained_weights``), the opposite way of the plans.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from nnft.core.i18n import text
from nnft.core.weights import cpu_copy_dir, make_cpu_copy, needs_cpu_copy

from .base import TRAIN, StepDefinition
from .context import ChainContext
from .disk import (
    baseline_fold_owner,
    has_resumable_checkpoint,
    is_finetuned_from,
    needs_final_validation,
    training_finished,
    write_baseline_marker,
    write_run_marker,
)
from .guards import guard_training


# -- argv builders (pure) ------------------------------------------------------------------
def pretrain_argv(ctx: ChainContext, resume: bool, validate: bool = False) -> list[str]:
    """``validate``: only nnU-Net's final validation of the finished training (``--val``)."""
    argv = ["nnUNetv2_train", str(ctx.pretrain.dataset_id), ctx.options.configuration, "all",
            "-p", ctx.options.plans_name, "-tr", ctx.trainer, "-device", ctx.options.device]
    if validate:
        return argv + ["--val"]
    return argv + ["--c"] if resume else argv


def finetune_argv(ctx: ChainContext, resume: bool, weights: Path | None = None,
                  validate: bool = False) -> list[str]:
    """``weights``: the file to load (default the pretrained checkpoint; its CPU copy when the
    checkpoint was saved on a GPU and the fine-tuning runs on cpu/mps). ``validate``: only the
    final validation of the finished fine-tuning (``--val``; nnU-Net loads no weights then)."""
    argv = ["nnUNetv2_train", str(ctx.finetune.dataset_id), ctx.options.configuration,
            ctx.options.fold, "-p", ctx.options.finetune_plans, "-tr", ctx.finetune_trainer,
            "-device", ctx.options.device]
    if validate:
        return argv + ["--val"]
    if resume:
        # nnU-Net refuses --c together with -pretrained_weights; the weights were loaded when
        # this fine-tuning started, and the checkpoint being continued already contains them.
        return argv + ["--c"]
    return argv + ["-pretrained_weights", str(weights or ctx.pretrained_checkpoint)]


def baseline_argv(ctx: ChainContext, resume: bool, validate: bool = False) -> list[str]:
    """The from-scratch baseline: the fine-tuning's dataset, configuration, fold, plans and
    epochs, without pretrained weights, under :attr:`ChainContext.baseline_trainer`."""
    argv = ["nnUNetv2_train", str(ctx.finetune.dataset_id), ctx.options.configuration,
            ctx.options.fold, "-p", ctx.options.finetune_plans, "-tr", ctx.baseline_trainer,
            "-device", ctx.options.device]
    if validate:
        return argv + ["--val"]
    return argv + ["--c"] if resume else argv


def cpu_copy_of_checkpoint(ctx: ChainContext) -> Path | None:
    """Where the fine-tuning loads a CPU copy of the pretrained checkpoint from, or None.

    nnU-Net's ``load_pretrained_weights`` calls ``torch.load`` without ``map_location``: a
    checkpoint saved on a GPU fails on a machine without CUDA ("Attempting to deserialize object
    on a CUDA device"). For cpu/mps fine-tuning such a checkpoint is re-saved with its tensors on
    the CPU (nnUNet_results/nnFT/cpu_checkpoints/...) and that copy is loaded instead.
    """
    if ctx.options.device not in ("cpu", "mps"):
        return None
    checkpoint = probe = ctx.pretrained_checkpoint
    model = ctx.source_model
    if model is not None and not checkpoint.is_file() and not model.is_zip:
        # Not imported yet (an exported script imports it first): the model folder's own
        # checkpoint is the same file.
        probe = model.source_folder / f"fold_{model.fold}" / checkpoint.name
    if not probe.is_file() or not needs_cpu_copy(probe):
        return None
    return cpu_copy_dir(ctx.workspace, checkpoint) / checkpoint.name


def _loaded_weights(ctx: ChainContext, argv: list[str] | None) -> Path | None:
    """The CPU copy a fine-tuning argv loads instead of the checkpoint itself, or None."""
    if not argv or "-pretrained_weights" not in argv:
        return None
    loaded = Path(argv[argv.index("-pretrained_weights") + 1])
    return None if loaded == ctx.pretrained_checkpoint else loaded


def _validation_note(argv: list[str] | None) -> str:
    if not argv or "--val" not in argv:
        return ""
    return text(" The training itself is finished (checkpoint_final.pth), but its final "
                "validation did not finish (stopped or killed during it): --val runs only "
                "nnU-Net's final validation, which writes validation/summary.json.")


# -- the steps -----------------------------------------------------------------------------
class Pretrain(StepDefinition):
    key = "pretrain"
    group = TRAIN
    is_training = True

    def title(self, ctx: ChainContext) -> str:
        return text("Pretrain on {dataset} (fold all, plans '{plans}')",
                    dataset=ctx.pretrain.name, plans=ctx.options.plans_name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("Pretraining uses all its data (fold 'all'); its final checkpoint becomes "
                    "the starting point of the fine-tuning.{validation_note}",
                    validation_note=_validation_note(argv))

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        fold = ctx.pretrain_fold_dir
        if not fresh and needs_final_validation(ctx, fold):
            return pretrain_argv(ctx, resume=False, validate=True)
        return pretrain_argv(ctx, resume=has_resumable_checkpoint(fold) and not fresh)

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.training_env()

    def is_done(self, ctx: ChainContext) -> bool:
        return training_finished(ctx, ctx.pretrain_fold_dir)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.pretrain_fold_dir / "checkpoint_final.pth"]

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        return guard_training(ctx, ctx.pretrain_fold_dir, finetune=False)


class Finetune(StepDefinition):
    key = "finetune"
    group = TRAIN
    is_training = True

    def title(self, ctx: ChainContext) -> str:
        source = text("the model's weights") if ctx.from_model else \
            text("the pretrained weights")
        return text("Fine-tune on {dataset} (fold {fold}) from {source}",
                    dataset=ctx.finetune.name, fold=ctx.options.fold, source=source)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        cpu_copy = _loaded_weights(ctx, argv)
        cpu_note = "" if cpu_copy is None else text(
            " The checkpoint was saved on a GPU and nnU-Net loads it without map_location, "
            "which fails on {device}: nnFT first re-saves it with its tensors on the CPU as "
            "{cpu_copy} and fine-tunes from that copy.", device=ctx.options.device,
            cpu_copy=cpu_copy)
        if ctx.from_model:
            return text("Weights flow from the model: every layer but the segmentation head "
                        "starts from its checkpoint.{cpu_note}{validation_note}",
                        cpu_note=cpu_note, validation_note=_validation_note(argv))
        return text("Weights flow back: every layer but the segmentation head starts from the "
                    "pretraining checkpoint.{cpu_note}{validation_note}", cpu_note=cpu_note,
                    validation_note=_validation_note(argv))

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        fold = ctx.finetune_fold_dir
        if not fresh and needs_final_validation(ctx, fold) and \
                is_finetuned_from(fold, ctx.pretrained_checkpoint):
            return finetune_argv(ctx, resume=False, validate=True)
        resume = not fresh and (has_resumable_checkpoint(fold)
                                and is_finetuned_from(fold, ctx.pretrained_checkpoint))
        # A script from scratch (fresh) pretrains on its own device; only a checkpoint the user
        # brought (their weights, or a model's) may come from a GPU.
        brought = bool(ctx.options.pretrained_weights) or ctx.from_model
        cpu_copy = None if resume or (fresh and not brought) else cpu_copy_of_checkpoint(ctx)
        return finetune_argv(ctx, resume=resume, weights=cpu_copy)

    def shell(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        cpu_copy = _loaded_weights(ctx, argv)
        if cpu_copy is None or argv is None:
            return ""
        # Exported scripts make the copy themselves (the environment goes with nnUNetv2_train,
        # the preset's settings included).
        env_prefix = " ".join(f"{k}={shlex.quote(v)}"
                              for k, v in sorted(ctx.finetune_env().items()))
        return (shlex.join([sys.executable, "-m", "nnft.core.weights", "cpu-copy",
                            str(ctx.pretrained_checkpoint), str(cpu_copy.parent)])
                + f" && {env_prefix} {shlex.join(argv)}")

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.finetune_env()

    def is_done(self, ctx: ChainContext) -> bool:
        fold = ctx.finetune_fold_dir
        return (training_finished(ctx, fold)
                and is_finetuned_from(fold, ctx.pretrained_checkpoint))

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.finetune_fold_dir / "checkpoint_final.pth"]

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        assert argv is not None
        notes = guard_training(ctx, ctx.finetune_fold_dir, finetune=True)
        if "--c" in argv or "--val" in argv:
            return notes  # continued or only validated: the marker of its start stays
        cpu_copy = _loaded_weights(ctx, argv)
        if cpu_copy is not None:
            made = make_cpu_copy(ctx.pretrained_checkpoint, cpu_copy.parent)
            notes.append(f"nnFT: {ctx.pretrained_checkpoint} was saved on a GPU; fine-tuning "
                         f"on {ctx.options.device} loads its CPU copy {made}.")
        write_run_marker(ctx, argv)
        return notes


class Baseline(StepDefinition):
    """The same training as the fine-tuning, from scratch: did the pretraining help?

    Only in a chain whose options ask for it (``baseline``); it can be added to a chain whose
    fine-tuning is already done. It needs only the fine-tuning dataset's preprocessed data, not
    the pretraining.
    """

    key = "baseline"
    group = TRAIN
    is_training = True

    def applies(self, ctx: ChainContext) -> bool:
        return ctx.options.baseline

    def title(self, ctx: ChainContext) -> str:
        return text("Baseline: train {dataset} from scratch (fold {fold}, no pretrained "
                    "weights)", dataset=ctx.finetune.name, fold=ctx.options.fold)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("The same training as the fine-tuning without the pretrained weights: "
                    "its final validation Dice tells whether the pretraining helped."
                    "{validation_note}", validation_note=_validation_note(argv))

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        fold = ctx.baseline_fold_dir
        ours = baseline_fold_owner(ctx) == "nnft"
        if not fresh and ours and needs_final_validation(ctx, fold):
            return baseline_argv(ctx, resume=False, validate=True)
        return baseline_argv(ctx, resume=not fresh and ours and has_resumable_checkpoint(fold))

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.training_env()

    def is_done(self, ctx: ChainContext) -> bool:
        fold = ctx.baseline_fold_dir
        return training_finished(ctx, fold) and baseline_fold_owner(ctx) == "nnft"

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.baseline_fold_dir / "checkpoint_final.pth"]

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        assert argv is not None
        notes = guard_training(ctx, ctx.baseline_fold_dir, finetune=False, baseline=True)
        if "--c" not in argv and "--val" not in argv:
            write_baseline_marker(ctx, argv)
        return notes
