"""Pieces both command-line modules share (``cli`` imports ``cli_slurm``, so they live here):
exit codes, argument types, the options that choose a chain and what they become."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .evaluation import parse_folds
from .machine import default_device, preprocessing_workers
from .problems import Problem
from .steps import DEFAULT_PRESET, FINETUNE_PRESETS, ChainContext, RunOptions, preset_names
from .workspace import Workspace

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_STEP_FAILED = 0, 1, 2, 3


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type`` for whole numbers of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be at least 1, got {value}" if minimum == 1
                else f"must be {minimum} or more, got {value}")
        return value

    return parse


def print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    """One line per problem (severity, code, message, fix), to stderr unless ``stream``."""
    for problem in problems:
        print(str(problem), file=stream or sys.stderr)


positive_int = int_at_least(1)


def fold_list(text: str) -> list[str]:
    """``type=`` for fold arguments: "0", "all", "0,2" or "0-4" (:func:`evaluation.parse_folds`)."""
    try:
        return parse_folds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_workspace_argument(parser: argparse.ArgumentParser) -> None:
    """``--workspace DIR`` (default: the ``nnUNet_*`` environment variables)."""
    parser.add_argument("--workspace", metavar="DIR",
                        help="folder with nnUNet_raw, nnUNet_preprocessed, nnUNet_results "
                             "(default: the nnUNet_* environment variables)")


def add_chain_arguments(parser: argparse.ArgumentParser) -> None:
    """The choice of a chain: workspace, datasets, configuration, plans, fold, trainer, device,
    quick trial, pretrained weights and worker counts (``check``, ``run``, ``export``,
    ``submit``)."""
    add_workspace_argument(parser)
    parser.add_argument("--pretrain", metavar="ID",
                        help="the pretraining dataset (large; source of the weights): id or "
                             "name. Or, instead, --pretrained-model")
    parser.add_argument("--pretrained-model", metavar="PATH",
                        help="instead of --pretrain: fine-tune from a model someone trained "
                             "(its training output folder <trainer>__<plans>__<config>, one of "
                             "its fold folders, or a zip from nnUNetv2_export_model_to_zip / "
                             "nnft export-model). Its plans go to the fine-tuning dataset "
                             "under --plans-name")
    parser.add_argument("--finetune", required=True, metavar="ID",
                        help="the fine-tuning dataset (your target; source of the plans)")
    parser.add_argument("--config",
                        help="nnU-Net configuration for both phases (default 3d_fullres; with "
                             "--pretrained-model the model's)")
    parser.add_argument("--plans-name", default="", metavar="NAME",
                        help="new plans identifier for the pretraining dataset (default: "
                             "<finetune plans>_pretrain_for_DatasetXXX); with "
                             "--pretrained-model, for the model's plans in the fine-tuning "
                             "dataset (default: <model plans>_from_DatasetXXX)")
    parser.add_argument("--finetune-plans", default="nnUNetPlans", metavar="NAME",
                        help="plans identifier of the fine-tuning dataset (default nnUNetPlans)")
    parser.add_argument("--reuse-plans", action="store_true",
                        help="accept an existing plans file under --plans-name if it is identical "
                             "to what the transfer would write")
    parser.add_argument("--fold", default="0", help="fine-tuning fold: 0-4 or all (default 0)")
    parser.add_argument("--trainer", default="nnUNetTrainer",
                        help="nnU-Net trainer (default nnUNetTrainer; nnFTTrainer adds a "
                             "graceful stop on SIGUSR1)")
    parser.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu", "mps"],
                        help="training device (default: cuda if a GPU is found, else cpu)")
    parser.add_argument("--epochs", type=positive_int, metavar="N",
                        help="quick trial: N epochs per training (nnFT's trial trainer)")
    parser.add_argument("--iterations", type=positive_int, metavar="N",
                        help="quick trial: N training iterations per epoch")
    parser.add_argument("--no-final-validation", action="store_true",
                        help="quick trial: skip nnU-Net's final sliding-window validation")
    parser.add_argument(
        "--finetune-preset", default=DEFAULT_PRESET, choices=preset_names(), metavar="NAME",
        help="how the fine-tuning trains: " + "; ".join(
            f"{p.name} = {p.label}" for p in FINETUNE_PRESETS.values()) + " (default default)")
    parser.add_argument("--freeze-epochs", type=positive_int, metavar="N",
                        help="frozen-encoder preset: epochs with the encoder frozen (default: "
                             "a tenth of the training)")
    parser.add_argument("--baseline", action="store_true",
                        help="also train the fine-tuning dataset from scratch (same fold, "
                             "plans, configuration and epochs, no pretrained weights) to see "
                             "whether the pretraining helped (nnft compare)")
    parser.add_argument("--pretrained-weights", metavar="PATH",
                        help="fine-tune from this nnU-Net v2 checkpoint instead of the "
                             "pretraining's checkpoint_final.pth (checked before anything runs)")
    parser.add_argument("--workers", type=positive_int, metavar="N",
                        help="preprocessing worker processes (default: from cores and memory)")
    parser.add_argument("--da-workers", type=int, metavar="N",
                        help="data-augmentation workers while training, nnUNet_n_proc_DA "
                             "(default: 0 on a small CPU machine, cores-1 with a GPU)")


def workspace_from_args(args: argparse.Namespace) -> Workspace:
    """The workspace of ``--workspace``, else of the ``nnUNet_*`` environment variables."""
    return Workspace.from_root(args.workspace) if args.workspace else Workspace.from_environment()


def run_options_from_args(args: argparse.Namespace) -> RunOptions:
    """The run options of :func:`add_chain_arguments`' values (``--device auto``: a GPU if one
    is found; worker counts from this machine unless given)."""
    device = default_device() if args.device == "auto" else args.device
    return RunOptions(
        configuration=args.config or ("" if getattr(args, "pretrained_model", None)
                                      else "3d_fullres"),
        plans_name=args.plans_name,
        finetune_plans=args.finetune_plans,
        fold=str(args.fold),
        trainer=args.trainer,
        device=device,
        trial_epochs=args.epochs,
        trial_iterations=args.iterations,
        final_validation=not args.no_final_validation,
        preprocessing_workers=args.workers or preprocessing_workers(None),
        reuse_plans=args.reuse_plans,
        augmentation_workers=args.da_workers,
        allow_overwrite=getattr(args, "backup_and_overwrite", False),
        finetune_preset=args.finetune_preset,
        freeze_epochs=args.freeze_epochs,
        baseline=args.baseline,
        pretrained_weights=(str(Path(args.pretrained_weights).expanduser().absolute())
                            if getattr(args, "pretrained_weights", None) else None),
        pretrained_model=(str(Path(args.pretrained_model).expanduser().absolute())
                          if getattr(args, "pretrained_model", None) else None),
    )


def chain_direction_lines(ctx: ChainContext) -> list[str]:
    """Where plans and weights come from and go to, as ``nnft run`` and ``nnft submit`` print it
    first: the pretraining and fine-tuning datasets, or the model and the fine-tuning dataset."""
    if ctx.source_model is not None:
        return [f"Model:               {ctx.source_model.display_name}   (plans AND weights "
                f"come FROM it)\n                     {ctx.source_model.given}",
                f"Fine-tuning dataset: {ctx.finetune.name}   (plans and weights go TO it)"]
    return [f"Pretraining dataset: {ctx.pretrain.name}   (plans go TO it, weights come FROM it)",
            f"Fine-tuning dataset: {ctx.finetune.name}   (plans come FROM it, weights go TO it)"]
