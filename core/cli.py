"""``nnft``: the headless command line over the same core as the wizard.

Exit status: 0 fine, 1 problems of severity error found (nothing was run or written),
2 usage error, 3 a step failed (or was cancelled).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
import time
from pathlib import Path

from . import problems as P
from .checks import Preflight, preflight
from .pipeline import RunOptions, build_chain, export_bash
from .workspace import Workspace

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_STEP_FAILED = 0, 1, 2, 3


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="DIR",
                        help="folder with nnUNet_raw, nnUNet_preprocessed, nnUNet_results "
                             "(default: the nnUNet_* environment variables)")


def _add_choice(parser: argparse.ArgumentParser) -> None:
    _add_workspace(parser)
    parser.add_argument("--pretrain", required=True, metavar="ID",
                        help="the pretraining dataset (large; source of the weights): id or name")
    parser.add_argument("--finetune", required=True, metavar="ID",
                        help="the fine-tuning dataset (your target; source of the plans)")
    parser.add_argument("--config", default="3d_fullres",
                        help="nnU-Net configuration for both phases (default 3d_fullres)")
    parser.add_argument("--plans-name", default="", metavar="NAME",
                        help="new plans identifier for the pretraining dataset (default: "
                             "<finetune plans>_pretrain_for_DatasetXXX)")
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
    parser.add_argument("--epochs", type=_positive_int, metavar="N",
                        help="quick trial: N epochs per training (nnFT's trial trainer)")
    parser.add_argument("--iterations", type=_positive_int, metavar="N",
                        help="quick trial: N training iterations per epoch")
    parser.add_argument("--no-final-validation", action="store_true",
                        help="quick trial: skip nnU-Net's final sliding-window validation")
    parser.add_argument("--workers", type=_positive_int, metavar="N",
                        help="preprocessing worker processes (default: from cores and memory)")
    parser.add_argument("--da-workers", type=int, metavar="N",
                        help="data-augmentation workers while training, nnUNet_n_proc_DA "
                             "(default: 0 on a small CPU machine, cores-1 with a GPU)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnft",
        description="nnU-Net pretraining -> fine-tuning, guarded. Plans flow from the "
                    "fine-tuning dataset to the pretraining dataset; weights flow back.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="write the demo workspace (two small synthetic datasets)")
    demo.add_argument("directory", help="folder to create the workspace in")
    demo.add_argument("--seed", type=int, default=0)

    check = sub.add_parser("check", help="preflight: report problems, run nothing")
    _add_choice(check)
    check.add_argument("--json", action="store_true", help="print the problems as JSON")

    run = sub.add_parser("run", help="run the whole chain (skips what is already done)")
    _add_choice(run)
    run.add_argument("--dry-run", action="store_true",
                     help="print the commands that would run, run nothing")
    run.add_argument("--quiet", action="store_true",
                     help="do not stream nnU-Net's output, only steps and epochs")

    export = sub.add_parser("export", help="print the chain as a script")
    _add_choice(export)
    export.add_argument("--format", choices=["bash"], default="bash")
    export.add_argument("--output", metavar="PATH", help="write to PATH instead of stdout")

    monitor = sub.add_parser("monitor", help="epochs of an nnU-Net run, from its fold folder")
    monitor.add_argument("fold_dir", help="nnUNet_results/<dataset>/<trainer__plans__config>/"
                                          "fold_<f>")
    monitor.add_argument("--follow", action="store_true",
                         help="keep printing new epochs until the training is done")
    monitor.add_argument("--interval", type=float, default=2.0, help=argparse.SUPPRESS)
    return parser


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace.from_root(args.workspace) if args.workspace else Workspace.from_environment()


def _options(args: argparse.Namespace) -> RunOptions:
    from .machine import default_device, preprocessing_workers

    device = default_device() if args.device == "auto" else args.device
    return RunOptions(
        configuration=args.config,
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
    )


def _preflight(args: argparse.Namespace) -> Preflight:
    result = preflight(_workspace(args), args.pretrain, args.finetune, _options(args))
    ctx = result.context
    if ctx is not None and not args.workers:
        # Now that the images are known, size the workers by the largest one.
        from .datasets import scan_image_headers
        from .machine import preprocessing_workers

        voxels = 0
        n_channels = len(ctx.finetune.channel_names) or 1
        for info in (ctx.pretrain, ctx.finetune):
            summary = scan_image_headers(info)
            if summary is not None:
                size = 1
                for s in summary.max_size:
                    size *= s
                voxels = max(voxels, size)
        workers = preprocessing_workers(voxels or None, n_channels)
        result.context = dataclasses.replace(
            ctx, options=dataclasses.replace(ctx.options, preprocessing_workers=workers))
    return result


def _print_problems(problems: list[P.Problem], stream=sys.stderr) -> None:
    for problem in problems:
        print(str(problem), file=stream)


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo_workspace

    try:
        demo = write_demo_workspace(Path(args.directory), seed=args.seed)
    except (FileExistsError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Demo workspace written to {demo.root}")
    print(f"  pretraining dataset: {demo.pretrain_name}")
    print(f"  fine-tuning dataset: {demo.finetune_name}")
    print("Try:")
    print(f"  nnft run --workspace {demo.root} --pretrain {demo.pretrain_id} "
          f"--finetune {demo.finetune_id} --config 2d --epochs 2 --iterations 5 --device cpu")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    result = _preflight(args)
    if args.json:
        print(json.dumps({"problems": [p.to_dict() for p in result.problems]}, indent=2))
    else:
        _print_problems(result.problems, sys.stdout)
        if result.ok:
            ctx = result.context
            print(f"OK: pretrain {ctx.pretrain.name} -> fine-tune {ctx.finetune.name}, "
                  f"{ctx.options.configuration}, plans '{ctx.options.plans_name}'.")
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_export(args: argparse.Namespace) -> int:
    result = _preflight(args)
    if not result.ok or result.context is None:
        _print_problems(result.problems)
        return EXIT_PROBLEMS
    script = export_bash(result.context, build_chain(result.context, fresh=True))
    if args.output:
        from .safety import atomic_write_text

        atomic_write_text(Path(args.output), script)
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(script)
    return EXIT_OK


def _format_epoch(record, total: int | None, eta_s: float | None) -> str:
    def num(value, digits=4):
        return "-" if value is None else f"{value:.{digits}f}"

    dice = ", ".join(f"{d:.3f}" for d in record.pseudo_dice) or "-"
    parts = [f"epoch {record.epoch + 1}" + (f"/{total}" if total else ""),
             f"train_loss {num(record.train_loss)}", f"val_loss {num(record.val_loss)}",
             f"pseudo dice [{dice}]", f"EMA {num(record.ema_pseudo_dice)}",
             f"{num(record.epoch_time_s, 1)} s"]
    if eta_s is not None:
        parts.append(f"ETA {_duration(eta_s)}")
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def cmd_run(args: argparse.Namespace) -> int:
    from .executor import ChainExecutor, StepEvent, StepStatus
    from .session import Session
    from .training_log import TrainingLogParser, estimate_remaining_seconds

    result = _preflight(args)
    _print_problems(result.problems)
    if not result.ok or result.context is None:
        print("Nothing was run.", file=sys.stderr)
        return EXIT_PROBLEMS
    ctx = result.context
    steps = build_chain(ctx)
    print(f"Pretraining dataset: {ctx.pretrain.name}   (plans go TO it, weights come FROM it)")
    print(f"Fine-tuning dataset: {ctx.finetune.name}   (plans come FROM it, weights go TO it)")
    print(f"Configuration {ctx.options.configuration}, new plans '{ctx.options.plans_name}', "
          f"trainer {ctx.trainer}, device {ctx.options.device}, "
          f"{ctx.options.preprocessing_workers} preprocessing worker(s)")
    if args.dry_run:
        for i, step in enumerate(steps, 1):
            state = "done, skipped" if step.is_done() else "to run"
            print(f"\n[{i}/{len(steps)}] {step.title} ({state})\n$ {step.command_line()}")
        return EXIT_OK

    total = len(steps)
    index = {s.key: i for i, s in enumerate(steps, 1)}
    parser_state: dict[str, TrainingLogParser] = {}
    total_epochs = ctx.options.trial_epochs if ctx.options.is_quick_trial else None
    if ctx.options.is_quick_trial and total_epochs is None:
        total_epochs = 5
    elif not ctx.options.is_quick_trial and ctx.trainer in ("nnUNetTrainer", "nnFTTrainer"):
        total_epochs = 1000

    session_path = ctx.workspace.state_dir / "session.json"
    session = Session(raw=str(ctx.workspace.raw), preprocessed=str(ctx.workspace.preprocessed),
                      results=str(ctx.workspace.results), pretrain=ctx.pretrain.name,
                      finetune=ctx.finetune.name, options=dataclasses.asdict(ctx.options))

    def on_event(event: StepEvent) -> None:
        step = event.step
        tag = f"[{index[step.key]}/{total}]"
        if event.kind == "skipped":
            print(f"\n{tag} {step.title}: already done, skipped", flush=True)
        elif event.kind == "started":
            print(f"\n{tag} {step.title}\n$ {step.command_line()}", flush=True)
            if step.is_training:
                parser_state[step.key] = TrainingLogParser()
        elif event.kind == "line":
            log_parser = parser_state.get(step.key)
            record = log_parser.feed_line(event.line) if log_parser else None
            if not args.quiet:
                print(f"  | {event.line}", flush=True)
            if record is not None:
                eta = estimate_remaining_seconds(log_parser.epochs, total_epochs) \
                    if total_epochs else None
                print(f"{tag} {_format_epoch(record, total_epochs, eta)}", flush=True)
        elif event.kind == "finished":
            took = f" in {_duration(event.result.duration_s)}" if event.result else ""
            print(f"{tag} {event.status.value}{took}"
                  + (f": {event.message}" if event.message else ""), flush=True)
            if event.status is StepStatus.FAILED and event.result is not None:
                print("  last lines of its output:", file=sys.stderr)
                for line in event.result.tail[-20:]:
                    print(f"  | {line}", file=sys.stderr)
            if event.log_path:
                print(f"  log: {event.log_path}", flush=True)
        if event.kind in ("skipped", "finished"):
            session.step_status[step.key] = event.status.value
            session.save(session_path)

    executor = ChainExecutor(lambda: build_chain(ctx), ctx.workspace, on_event=on_event)
    _install_signal_handlers(executor)
    start = time.monotonic()
    outcome = executor.run()
    took = _duration(time.monotonic() - start)
    if outcome.ok:
        print(f"\nDone in {took}. Fine-tuned model: {ctx.finetune_fold_dir}")
        return EXIT_OK
    state = outcome.statuses.get(outcome.failed_step or "", StepStatus.FAILED)
    print(f"\nStep '{outcome.failed_step}' {state.value}: {outcome.message}. "
          "Run the same command again to continue; finished steps are skipped.",
          file=sys.stderr)
    return EXIT_STEP_FAILED


def _install_signal_handlers(executor) -> None:
    """Ctrl-C cancels the running step (and its workers); SIGUSR1 asks for a graceful stop."""
    if threading.current_thread() is not threading.main_thread():
        return

    def on_interrupt(signum, frame):  # noqa: ARG001
        print("\nCancelling ...", file=sys.stderr, flush=True)
        threading.Thread(target=executor.cancel, daemon=True).start()

    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGTERM, on_interrupt)
    if hasattr(signal, "SIGUSR1"):
        def on_usr1(signum, frame):  # noqa: ARG001
            if not executor.stop_gracefully():
                print("A graceful stop is only possible while an nnFT trainer runs.",
                      file=sys.stderr, flush=True)

        signal.signal(signal.SIGUSR1, on_usr1)


def cmd_monitor(args: argparse.Namespace) -> int:
    from .training_log import parse_fold_dir

    fold_dir = Path(args.fold_dir)
    if not fold_dir.is_dir():
        print(f"error: {fold_dir} is not a folder. Give an nnU-Net fold folder such as "
              "nnUNet_results/Dataset002_X/nnUNetTrainer__nnUNetPlans__2d/fold_0.",
              file=sys.stderr)
        return EXIT_USAGE
    printed = 0
    while True:
        records = parse_fold_dir(fold_dir)
        for record in records[printed:]:
            print(_format_epoch(record, None, None), flush=True)
        printed = len(records)
        finished = (fold_dir / "checkpoint_final.pth").is_file()
        if not args.follow or finished:
            if finished:
                print(f"Training finished: {fold_dir / 'checkpoint_final.pth'}")
            elif not records:
                print("No epochs logged yet.")
            return EXIT_OK
        try:
            time.sleep(args.interval)
        except KeyboardInterrupt:
            return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = {"demo": cmd_demo, "check": cmd_check, "run": cmd_run, "export": cmd_export,
               "monitor": cmd_monitor}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
