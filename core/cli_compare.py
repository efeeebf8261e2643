"""``nnft compare``: real Dice of a fine-tuning against its from-scratch baseline.

Registered by :func:`add_commands` (called from :mod:`nnft.core.cli`); the work is done by
:mod:`nnft.core.evaluation`. Exit status: 0 both summaries found and compared, 1 a needed
summary or baseline is missing (the message says which and the command that makes it) or the
run to compare is not found / not unique, 2 usage error. With ``--json`` the comparison is
printed even when a summary is missing (``null`` figures, ``"missing"`` says what to run); when
no run can be chosen nothing is printed on stdout and the message goes to stderr.
"""

from __future__ import annotations

import argparse
import json
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
from .evaluation import Comparison, RunSelectionError, find_comparison, verdict
from .steps.presets import preset_names


def add_commands(subparsers) -> None:
    """Register ``compare``; it sets ``handler`` (``args.handler(args)``)."""
    compare = subparsers.add_parser(
        "compare",
        help="real Dice (nnU-Net's final validation) of the fine-tuning vs its from-scratch "
             "baseline: did the pretraining help?")
    add_workspace_argument(compare)
    compare.add_argument("--finetune", required=True, metavar="ID",
                         help="the fine-tuning dataset: id or name")
    compare.add_argument("--config", default="3d_fullres",
                         help="configuration trained (default 3d_fullres)")
    compare.add_argument("--fold", type=fold_list, metavar="F",
                         help="fold(s) to compare: 0-4, all, a list (0,1,2) or a range (0-4); "
                              "default: every fold with a fine-tuning by nnFT")
    compare.add_argument("--trainer", metavar="T",
                         help="when several fine-tunings match: the one of this trainer")
    compare.add_argument("--preset", choices=preset_names(), metavar="NAME",
                         help="when several fine-tunings match: the one of this fine-tuning "
                              "preset (" + ", ".join(preset_names()) + ")")
    compare.add_argument("--finetune-plans", metavar="NAME",
                         help="when several fine-tunings match: the one of these plans")
    compare.add_argument("--json", action="store_true",
                         help='print {"fold", "classes": [...], "mean": {...}, ...} as JSON')
    compare.set_defaults(handler=cmd_compare)


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def print_comparison(comparison: Comparison) -> None:
    """The human-readable table: per class fine-tuned, baseline and their difference; the
    mean; epochs to 90%; the verdict (with the notes)."""
    c = comparison
    print(f"{c.dataset}, {c.configuration}, fold {c.fold}")
    print(f"  fine-tuned   {c.finetuned_dir}")
    print(f"  from scratch {c.baseline_dir if c.baseline_dir else '(none)'}")
    if len(c.folds) > 1:
        print("  (per class: the mean over the folds of nnU-Net's per-fold Dice)")
    print()
    width = max([len("class")] + [len(f"{r.label} {r.name}") for r in c.classes]) + 2
    print(f"  {'class':<{width}}{'fine-tuned':>12}{'baseline':>12}{'delta':>10}")
    for row in c.classes:
        label = row.name if row.name == row.label else f"{row.label} {row.name}"
        print(f"  {label:<{width}}{_number(row.finetuned):>12}{_number(row.baseline):>12}"
              f"{_number(row.delta, True):>10}")
    m = c.mean
    print(f"  {'mean':<{width}}{_number(m.finetuned):>12}{_number(m.baseline):>12}"
          f"{_number(m.delta, True):>10}")
    if len(c.per_fold) > 1:
        print()
        for fold in c.per_fold:
            print(f"  fold {fold.fold}: fine-tuned {_number(fold.mean.finetuned)}, baseline "
                  f"{_number(fold.mean.baseline)}, delta {_number(fold.mean.delta, True)}")
    print()
    e90 = c.epochs_to_90
    print("Epochs to 90% of the final EMA pseudo dice"
          + (f" (fold {c.per_fold[0].fold})" if len(c.per_fold) > 1 else "") + ": "
          f"fine-tuned {_epochs(e90.get('finetuned'))}, from scratch "
          f"{_epochs(e90.get('baseline'))}")
    print()
    print(verdict(c))  # the notes (e.g. unequal lengths) are its last lines


def _epochs(value: int | None) -> str:
    return "-" if value is None else str(value)


def cmd_compare(args: argparse.Namespace) -> int:
    workspace = workspace_from_args(args)
    if workspace.results is None:
        print("error: nnUNet_results is not set. Fix: give --workspace DIR or set the "
              "nnUNet_* variables.", file=sys.stderr)
        return EXIT_USAGE
    dataset, problems = resolve_dataset(workspace, args.finetune, "fine-tuning")
    if dataset is None:
        _print_problems(problems)
        return EXIT_PROBLEMS
    try:
        comparison = find_comparison(workspace, dataset, args.config, args.fold,
                                     trainer=args.trainer, preset=args.preset,
                                     plans=args.finetune_plans)
    except RunSelectionError as exc:
        print(f"error: {exc.message}\nFix: {exc.fix}", file=sys.stderr)
        for run in exc.candidates:
            print(f"  {run.fold_dir}  ({run.describe()})", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps(comparison.to_json(), indent=2))
    else:
        print_comparison(comparison)
    if comparison.missing:
        if args.json:  # the human output already said it, in the verdict
            for missing in comparison.missing:
                print(f"error: {missing.sentence()}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
