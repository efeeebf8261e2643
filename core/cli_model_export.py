"""``nnft export-model``: a fine-tuned model as nnU-Net's zip, with a model card.

Registered by :func:`add_commands` (called from :mod:`nnft.core.cli`); the work is done by
:mod:`nnft.core.model_export`. Exit status: 0 written, 1 the model cannot be exported as asked
(the message says why and what to do; nothing was written), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys

from .cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    add_workspace_argument,
    fold_list,
    workspace_from_args,
)
from .cli_common import print_problems as _print_problems
from .datasets import resolve_dataset
from .model_export import ModelExportError, export_model
from .steps.presets import preset_names


def add_commands(subparsers) -> None:
    """Register ``export-model``; it sets ``handler`` (``args.handler(args)``)."""
    parser = subparsers.add_parser(
        "export-model",
        help="a fine-tuned model as nnU-Net's zip (nnUNetv2_export_model_to_zip) with a model "
             "card; installs and predicts with stock nnU-Net, without nnFT")
    add_workspace_argument(parser)
    parser.add_argument("--finetune", required=True, metavar="ID",
                        help="the fine-tuning dataset: id or name")
    parser.add_argument("--config", default="3d_fullres",
                        help="configuration trained (default 3d_fullres)")
    parser.add_argument("--folds", nargs="+", type=fold_list, metavar="F",
                        help="fold(s) to export: 0-4 or all, several separated by spaces or "
                             "commas; default: every fold with a fine-tuning by nnFT")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--trainer", metavar="T",
                       help="when several fine-tunings exist: the one of this trainer")
    which.add_argument("--preset", choices=preset_names(), metavar="NAME",
                       help="when several fine-tunings exist: the one of this fine-tuning "
                            "preset (" + ", ".join(preset_names()) + ")")
    parser.add_argument("--output", "-o", required=True, metavar="FILE.zip",
                        help="the zip to write")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing --output (it is backed up first)")
    parser.set_defaults(handler=cmd_export_model)


def cmd_export_model(args: argparse.Namespace) -> int:
    workspace = workspace_from_args(args)
    if workspace.results is None:
        print("error: nnUNet_results is not set. Fix: give --workspace DIR or set the "
              "nnUNet_* variables.", file=sys.stderr)
        return EXIT_USAGE
    dataset, problems = resolve_dataset(workspace, args.finetune, "fine-tuning")
    if dataset is None:
        _print_problems(problems)
        return EXIT_PROBLEMS
    folds = None
    if args.folds:
        folds = list(dict.fromkeys(f for group in args.folds for f in group))
        if "all" in folds and len(folds) > 1:
            print("error: fold 'all' cannot be mixed with folds 0-4.", file=sys.stderr)
            return EXIT_USAGE
    try:
        result = export_model(workspace, dataset, args.output, configuration=args.config,
                              folds=folds, trainer=args.trainer, preset=args.preset,
                              overwrite=args.overwrite, log=print)
    except ModelExportError as exc:
        print(f"error: {exc.message}\nFix: {exc.fix}", file=sys.stderr)
        return EXIT_PROBLEMS
    card = result.card
    print(f"Model card: {result.folder_in_zip}/model_card.json and model_card.md")
    for fold in card["folds"]:
        mean = fold["validation"]["mean_dice"]
        print(f"  fold {fold['fold']}: mean Dice {'-' if mean is None else f'{mean:.4f}'} "
              f"({fold['validation']['cases']} validation cases)")
    if card["model"]["needs_trainer_class"]:
        print(f"warning: {card['training']['how']}", file=sys.stderr)
    print(f"Install: {card['use']['install'].replace('MODEL.zip', str(result.output))}")
    print(f"Predict: {card['use']['predict']}")
    return EXIT_OK
