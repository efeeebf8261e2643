"""``nnft predict``: segment new images with a trained model (nnU-Net's own predictor).

Registered by :func:`add_commands` (called from :mod:`nnft.core.cli`); the work is done by
:mod:`nnft.core.predict`. Exit status: 0 predicted (and evaluated), 1 the preflight found
problems (nothing was written), 2 usage error, 3 nnU-Net's predictor or evaluation failed.
With ``--json`` stdout holds one JSON object (``problems``, and after a run ``outputs`` and
``dice``); nnU-Net's output then goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .cli_common import EXIT_OK, EXIT_PROBLEMS, EXIT_STEP_FAILED
from .cli_common import print_problems as _print_problems
from .machine import default_device
from .predict import PredictionRun, plan_prediction


def add_commands(subparsers) -> None:
    """Register ``predict``; it sets ``handler`` (``args.handler(args)``)."""
    predict = subparsers.add_parser(
        "predict",
        help="segment new images with a trained model (folder, fold folder or exported zip)")
    predict.add_argument("--model", required=True, metavar="PATH",
                         help="the training output folder (…/<trainer>__<plans>__<config>), "
                              "one of its fold_X folders, or a zip of nnU-Net's model export")
    predict.add_argument("-i", "--input", required=True, metavar="INPUT",
                         help="an image, or a folder of images named CASE_0000<ending> per "
                              "channel (plain names are fine for a single-channel model)")
    predict.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                         help="folder for the predictions (created if missing)")
    predict.add_argument("--folds", nargs="+", metavar="F",
                         help="folds to predict with (ensembled): 0-4 or all (default: every "
                              "fold of the model with checkpoint_final.pth)")
    predict.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu", "mps"],
                         help="device (default: cuda if a GPU is found, else cpu)")
    predict.add_argument("--labels", metavar="DIR",
                         help="reference labels (CASE<ending>): print the Dice of the "
                              "predictions (nnU-Net's evaluation; summary.json in OUTPUT)")
    predict.add_argument("--disable-tta", action="store_true",
                         help="predict each case once, without mirroring test-time "
                              "augmentation (4x faster in 2d, 8x in 3d; a little less accurate)")
    predict.add_argument("--overwrite", action="store_true",
                         help="replace predictions already in OUTPUT (moved to a backup "
                              "folder next to it first)")
    predict.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                         metavar="N", help=argparse.SUPPRESS)
    predict.add_argument("--json", action="store_true",
                         help='print {"problems": [...], "outputs": {...}, "dice": {...}}')
    predict.set_defaults(handler=cmd_predict)


def cmd_predict(args: argparse.Namespace) -> int:
    device = default_device() if args.device == "auto" else args.device
    plan = plan_prediction(args.model, args.input, args.output, folds=args.folds,
                           device=device, labels_dir=args.labels, overwrite=args.overwrite,
                           disable_tta=args.disable_tta)
    report: dict = {"problems": [p.to_dict() for p in plan.problems]}
    if not plan.ok:
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            _print_problems(plan.problems)
        return EXIT_PROBLEMS
    assert plan.model is not None
    _print_problems(plan.problems)  # warnings
    stream = sys.stderr if args.json else sys.stdout
    model = plan.model
    print(f"Predicting {len(plan.cases)} case(s) with {model.path}"
          + (f" ({model.member})" if model.member else "")
          + f", fold(s) {' '.join(model.folds)}, on {device}", file=stream, flush=True)
    interactive = stream.isatty()

    def progress(line: str) -> None:
        # A progress bar redraws its line in a terminal; elsewhere only the log keeps it.
        if interactive:
            print(f"\r\x1b[K{line}", end="", file=stream, flush=True)

    def output_line(line: str) -> None:
        print(f"\r\x1b[K{line}" if interactive else line, file=stream, flush=True)

    run = PredictionRun(plan, workers=args.workers, on_line=output_line, on_progress=progress)
    result = run.run()
    if not result.ok:
        what = result.error or next((r.error or f"exit status {r.exit_code}"
                                     for r in result.runs if not r.ok), "cancelled")
        print(f"error: the prediction failed: {what}. The log: "
              f"{plan.output_dir}/nnft_predict_log.txt", file=sys.stderr)
        return EXIT_STEP_FAILED
    dice = result.dice(model)
    if args.json:
        report["outputs"] = {str(k): str(v) for k, v in result.outputs.items()}
        report["dice"] = dice or None
        report["backup"] = str(result.backup) if result.backup else None
        print(json.dumps(report, indent=2))
        return EXIT_OK
    print(f"\n{len(result.outputs)} prediction(s) in {plan.output_dir}:")
    for source, target in result.outputs.items():
        print(f"  {source.name} -> {target.name}")
    if dice:
        print("\nDice vs the reference labels (nnU-Net's evaluation, mean over the cases):")
        for name, value in dice.items():
            print(f"  {name:<12} {'-' if value is None else f'{value:.4f}'}")
    return EXIT_OK
