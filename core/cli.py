"""``nnft``: the headless command line over the same core as the wizard.

Exit status: 0 fine, 1 problems of severity error found (nothing was run or written),
2 usage error, 3 a step failed (or was cancelled).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import signal
import sys
import threading
import time
from pathlib import Path

from . import command_history
from . import plans as plans_mod
from . import problems as P
from .checks import Preflight, preflight
from .cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_STEP_FAILED,
    EXIT_USAGE,
    add_chain_arguments,
    add_workspace_argument,
    chain_direction_lines,
    run_options_from_args,
    workspace_from_args,
)
from .cli_common import print_problems as _print_problems
from .cli_compare import add_commands as add_compare_commands
from .cli_model_export import add_commands as add_model_export_commands
from .cli_predict import add_commands as add_predict_commands
from .cli_slurm import add_commands as add_slurm_commands
from .cli_slurm import add_slurm_options, cmd_export_slurm
from .datasets import (
    dataset_id_from_name,
    largest_image_voxels,
    load_dataset_json,
    resolve_dataset,
)
from .executor import ChainExecutor, StepEvent, StepStatus
from .gpu_monitor import GpuSampler, MonitorGpuColumns
from .i18n import text
from .machine import preprocessing_workers
from .run_records import describe as describe_activity
from .run_records import detect_training
from .safety import atomic_write_text
from .session import Session
from .steps import (
    STEP_KEYS,
    StepNotDone,
    StepRefused,
    build_chain,
    checkpoint_complete,
    context_from_spec,
    export_bash,
    final_validation_finished,
    final_validation_total,
    read_run_marker,
    run_hook,
)
from .steps.disk import VALIDATION_SUMMARY
from .steps.hooks import PHASES
from .training_history import (
    FoldLogFollower,
    append_epoch,
    estimate_remaining_seconds,
    final_validation_progress,
    parse_fold_dir,
)
from .training_history import format_duration as _duration
from .training_log import TrainingLogParser
from .weights import check_weights_against
from .workspace import STATE_FOLDER_NAME, Workspace


def _add_overwrite(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backup-and-overwrite", action="store_true",
        help="replace preprocessed data folders and a fine-tuning fold folder that nnFT did not "
             "make (refused otherwise): each is first moved to nnUNet_results/nnFT/backups/"
             "<time>/, and the step's log names the backup")


#: The chain options under their former name (tests/slurm builds parsers with it).
_add_choice = add_chain_arguments


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
    add_chain_arguments(check)
    _add_overwrite(check)
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    check.add_argument("--label-values", action="store_true",
                       help="also read every label file's voxels and report values that "
                            "dataset.json does not list (slow on large datasets)")

    run = sub.add_parser("run", help="run the whole chain (skips what is already done)")
    add_chain_arguments(run)
    _add_overwrite(run)
    run.add_argument("--dry-run", action="store_true",
                     help="print the commands that would run, run nothing")
    run.add_argument("--quiet", action="store_true",
                     help="do not stream nnU-Net's output, only steps and epochs")

    export = sub.add_parser("export", help="print the chain as a script")
    add_chain_arguments(export)
    export.add_argument("--format", choices=["bash", "slurm"], default="bash")
    add_slurm_options(export)
    export.add_argument("--output", metavar="PATH", help="write to PATH instead of stdout")

    weights = sub.add_parser(
        "check-weights",
        help="will a checkpoint load as -pretrained_weights of a fine-tuning? (runs nothing)")
    add_workspace_argument(weights)
    weights.add_argument("--checkpoint", required=True, metavar="PATH",
                         help="an nnU-Net checkpoint (.pth), e.g. a pretraining's "
                              "checkpoint_final.pth or one from another site")
    weights.add_argument("--finetune", required=True, metavar="ID",
                         help="the fine-tuning dataset: id or name (must be planned)")
    weights.add_argument("--config", default="3d_fullres",
                         help="configuration of the fine-tuning (default 3d_fullres)")
    weights.add_argument("--finetune-plans", "--plans-name", dest="finetune_plans",
                         default="nnUNetPlans", metavar="NAME",
                         help="plans identifier the fine-tuning trains with (default "
                              "nnUNetPlans)")
    weights.add_argument("--json", action="store_true",
                         help="print {\"problems\": [...], \"report\": {...}} as JSON")

    report = sub.add_parser(
        "report", help="write the chain's run report: one self-contained HTML file")
    add_chain_arguments(report)
    report.add_argument("--output", required=True, metavar="PATH",
                        help="the HTML file to write, e.g. report.html")
    report.add_argument("--overwrite", action="store_true",
                        help="replace an existing --output (the old file is copied to "
                             "nnUNet_results/nnFT/backups/<time>/ first)")

    monitor = sub.add_parser("monitor", help="epochs of an nnU-Net run, from its fold folder")
    monitor.add_argument("fold_dir", help="nnUNet_results/<dataset>/<trainer__plans__config>/"
                                          "fold_<f>")
    monitor.add_argument("--follow", action="store_true",
                         help="keep printing new epochs until the training is done")
    monitor.add_argument("--interval", type=float, default=2.0, help=argparse.SUPPRESS)
    add_slurm_commands(sub)
    add_compare_commands(sub)
    add_predict_commands(sub)
    add_model_export_commands(sub)

    hook = sub.add_parser(
        "step-hook",
        help="run a step's nnFT hook (guards and markers) around a command a script runs; "
             "exported and SLURM scripts call it")
    hook.add_argument("phase", choices=PHASES,
                      help="before: the step's guards, backups and markers; after: check that "
                           "the step is done and record it")
    hook.add_argument("step", choices=STEP_KEYS, help="the step's key")
    hook.add_argument("step_argv", nargs="*", metavar="COMMAND",
                      help="after --: the step's command exactly as the script runs it")
    hook.add_argument("--spec", required=True, metavar="JSON",
                      help="the chain (datasets and options) as the script was written for it")
    hook.add_argument("--fresh", action="store_true",
                      help="the script's commands are those of a run from scratch")
    return parser


def _preflight(args: argparse.Namespace) -> Preflight:
    result = preflight(workspace_from_args(args), args.pretrain, args.finetune,
                       run_options_from_args(args))
    ctx = result.context
    if ctx is not None and not args.workers:
        # Now that the images are known, size the workers by the largest one.
        datasets = (ctx.finetune,) if ctx.from_model else (ctx.pretrain, ctx.finetune)
        workers = preprocessing_workers(largest_image_voxels(*datasets),
                                        len(ctx.finetune.channel_names) or 1)
        result.context = dataclasses.replace(
            ctx, options=dataclasses.replace(ctx.options, preprocessing_workers=workers))
    return result


def cmd_demo(args: argparse.Namespace) -> int:
    # The demo imports SimpleITK (~0.3 s) to write its images: only `nnft demo` pays for it.
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
    from .steps.context import QUICK_TRIAL_TRAINER

    finetune_raw = demo.raw / demo.finetune_name
    model = demo.results / demo.finetune_name / f"{QUICK_TRIAL_TRAINER}__nnUNetPlans__2d"
    print("then segment the held-out test images with the fine-tuned model:")
    print("  nnft predict --model " + shlex.join([
        str(model), "-i", str(finetune_raw / "imagesTs"), "-o", str(demo.root / "predictions"),
        "--labels", str(finetune_raw / "labelsTs"), "--device", "cpu"]))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    result = _preflight(args)
    if args.label_values:
        # Opt-in: it reads every voxel of every label, the preflight only headers.
        from .label_values import unexpected_label_values

        for info in (result.pretrain, result.finetune):
            if info is not None and info.dataset_json:
                result.problems.extend(unexpected_label_values(info))
    if args.json:
        print(json.dumps({"problems": [p.to_dict() for p in result.problems]}, indent=2))
    else:
        _print_problems(result.problems, sys.stdout)
        ctx = result.context
        if result.ok and ctx is not None and ctx.source_model is not None:
            print(f"OK: fine-tune {ctx.finetune.name} from the model "
                  f"{ctx.source_model.display_name}, {ctx.options.configuration}; the model's "
                  f"plans go to {ctx.finetune.name} as '{ctx.options.plans_name}'.")
        elif result.ok and ctx is not None:
            print(f"OK: pretrain {ctx.pretrain.name} -> fine-tune {ctx.finetune.name}, "
                  f"{ctx.options.configuration}, plans '{ctx.options.plans_name}'.")
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "slurm":
        return cmd_export_slurm(args)
    result = _preflight(args)
    if not result.ok or result.context is None:
        _print_problems(result.problems)
        return EXIT_PROBLEMS
    script = export_bash(result.context, build_chain(result.context, fresh=True))
    if args.output:
        output = Path(args.output)
        if output.is_dir():
            print(f"error: --output {output} is a folder; give a file name, e.g. "
                  f"{output / 'chain.sh'}.", file=sys.stderr)
            return EXIT_PROBLEMS
        try:
            atomic_write_text(output, script)
        except OSError as exc:
            print(f"error: cannot write {output}: {exc.strerror or exc}. Nothing was written.",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(script)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the run report (core/report.py) of the chain the options name."""
    from .report import write_report  # matplotlib and torch only for this command

    result = preflight(workspace_from_args(args), args.pretrain, args.finetune,
                       run_options_from_args(args), check_device_present=False,
                       check_weights=False)
    if result.context is None:
        _print_problems(result.problems)
        print("No report was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    output = Path(args.output)
    try:
        write_report(result.context, output, overwrite=args.overwrite)
    except FileExistsError:
        print(f"error: {output} exists. Give another --output, or --overwrite to replace it "
              "(the old file is backed up). Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    except IsADirectoryError as exc:
        print(f"error: --output {exc}. Nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror or exc}. Nothing was written.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {output}", file=sys.stderr)
    ctx = result.context
    if not ctx.finetune_fold_dir.is_dir():
        # The trainer names come from the options: a quick trial's folders need its options.
        print(f"note: the fine-tuning of this chain was not found ({ctx.finetune_fold_dir} "
              "does not exist): not trained yet, or other options than nnft run's (a quick "
              "trial's --epochs and --iterations, --trainer, --finetune-preset, --fold).",
              file=sys.stderr)
    return EXIT_OK


class CommandOutput:
    """Prints a command's output under its step (``  | line``).

    A progress bar's states (lines a carriage return ended, ``StepEvent.progress``) redraw one
    line on a terminal and are left out elsewhere (a log file or pipe would get a staircase of
    them): a bar's last state ends with a newline and is printed like any line.

    Parameters
    ----------
    stream
        Where to print (default: ``sys.stdout`` at the time of printing).
    """

    def __init__(self, stream=None) -> None:
        self._stream = stream
        self.open = False  # a progress bar's state is on the terminal's last line

    @property
    def stream(self):
        return self._stream or sys.stdout

    def line(self, text: str, progress: bool = False) -> None:
        """One line of the command's output."""
        stream = self.stream
        if progress:
            if stream.isatty():
                stream.write(f"\r\033[K  | {text}")
                stream.flush()
                self.open = True
            return
        if self.open:  # the bar's line is overwritten, as the command meant
            stream.write("\r\033[K")
            self.open = False
        print(f"  | {text}", file=stream, flush=True)

    def close(self) -> None:
        """End an open progress line before nnFT prints something of its own."""
        if self.open:
            self.stream.write("\n")
            self.open = False


def cmd_step_hook(args: argparse.Namespace) -> int:
    """Run one step's hook for a script (the workspace from its ``nnUNet_*`` variables).

    Exit status 0 when the hook ran, 1 when it refused (nothing was run: the script stops
    before the command), 3 when the step's outputs are missing after its command.
    """
    workspace = Workspace.from_environment()
    unset = [variable for variable, folder in workspace.roots().items() if folder is None]
    if unset:
        print(f"error: {', '.join(unset)} not set: nnft step-hook runs inside the scripts of "
              "nnft export/submit, which export the nnU-Net folders first.", file=sys.stderr)
        return EXIT_USAGE
    try:
        spec = json.loads(args.spec)
        ctx = context_from_spec(workspace, spec)
    except ValueError as exc:
        print(f"error: --spec is not a chain written by nnft export/submit: {exc}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        notes = run_hook(ctx, args.phase, args.step, args.step_argv or None,
                         fresh=args.fresh)
    except StepRefused as exc:
        _print_problems([exc.problem])
        print(f"nnFT: refused to start step '{args.step}'; nothing was run.", file=sys.stderr)
        return EXIT_PROBLEMS
    except StepNotDone as exc:
        print(f"nnFT: failed: {exc}", file=sys.stderr)
        return EXIT_STEP_FAILED
    _record_script_command(workspace, args.phase, args.step, args.step_argv or [])
    for line in notes:
        print(line, flush=True)
    return EXIT_OK


def _record_script_command(workspace: Workspace, phase: str, step: str,
                           argv: list[str]) -> None:
    """A script's command in the command history (the run report lists it): its start
    (``before``), its success and duration (``after``: a ``set -e`` script gets there only
    after exit status 0). Bookkeeping never fails the script."""
    command = shlex.join(argv) if argv else f"{step} (file operation)"
    try:
        if phase == "before":
            command_history.script_start(workspace.state_dir, step, command, argv)
        else:
            command_history.script_finish(workspace.state_dir, step, command, argv)
    except OSError:
        pass


#: nnFT numbers epochs from 1 everywhere; nnU-Net's own log and output count from 0.
EPOCH_NUMBERING_NOTE = ("epochs are counted from 1 here; nnU-Net's log counts from 0 (its "
                        "'Epoch 0' is epoch 1)")


def _format_epoch(record, total: int | None, eta_s: float | None) -> str:
    """One epoch as ``epoch 3/5  train_loss …`` (1-based: nnU-Net's ``Epoch 2``)."""

    def num(value, digits=4):
        return "-" if value is None else f"{value:.{digits}f}"

    dice = ", ".join(f"{d:.3f}" for d in record.pseudo_dice) or "-"
    parts = [f"epoch {record.epoch + 1}" + (f"/{total}" if total else ""),
             f"train_loss {num(record.train_loss)}", f"val_loss {num(record.val_loss)}",
             f"pseudo dice [{dice}]", f"EMA {num(record.ema_pseudo_dice)}",
             f"{num(record.epoch_time_s, 1)} s"]
    if eta_s:  # none after the last epoch: what follows is the final validation, not epochs
        parts.append(f"ETA {_duration(eta_s)}")
    return "  ".join(parts)


def _format_validation(ctx, key: str, parser: TrainingLogParser) -> str:
    """``final validation: case 3/12 (case_007), about 1m10s left`` from the live output."""
    progress = final_validation_progress([parser], final_validation_total(ctx, key))
    total = f"/{progress.total}" if progress.total else ""
    text = (f"final validation: case {progress.cases_started}{total} "
            f"({parser.validation_cases[-1]})")
    if progress.seconds_left is not None:
        text += f", about {_duration(progress.seconds_left)} left"
    return text


def cmd_run(args: argparse.Namespace) -> int:
    result = _preflight(args)
    _print_problems(result.problems)
    if not result.ok or result.context is None:
        print("Nothing was run.", file=sys.stderr)
        return EXIT_PROBLEMS
    ctx = result.context
    steps = build_chain(ctx)
    for line in chain_direction_lines(ctx):
        print(line)
    print(f"Configuration {ctx.options.configuration}, new plans '{ctx.options.plans_name}', "
          f"trainer {ctx.trainer}, device {ctx.options.device}, "
          f"{ctx.options.preprocessing_workers} preprocessing worker(s)")
    if ctx.finetune_trainer != ctx.trainer:
        print(f"Fine-tuning preset '{ctx.options.finetune_preset}': trainer "
              f"{ctx.finetune_trainer}"
              + (f", encoder frozen for {ctx.freeze_epochs} epoch(s)" if ctx.freeze_epochs
                 else ""))
    if ctx.options.baseline:
        print(f"From-scratch baseline: trainer {ctx.baseline_trainer} (compare with nnft "
              "compare)")
    if args.dry_run:
        for step in steps:
            state = "done, skipped" if step.is_done() else "to run"
            print(f"\n[{step.number}/{len(steps)}] {step.title} ({state})\n"
                  f"$ {step.command_line()}")
        return EXIT_OK

    total = len(steps)
    index = {s.key: s.number for s in steps}
    parser_state: dict[str, TrainingLogParser] = {}
    # The fold's epochs so far: a resumed run's parser sees only the new log, and the EMA
    # continues from the earlier epochs (nnU-Net restores it from the checkpoint).
    history: dict[str, list] = {}
    validation_shown: dict[str, int] = {}
    fold_dirs = {"finetune": ctx.finetune_fold_dir, "baseline": ctx.baseline_fold_dir}
    if not ctx.from_model:
        fold_dirs["pretrain"] = ctx.pretrain_fold_dir
    total_epochs = ctx.total_epochs

    session_path = ctx.workspace.state_dir / "session.json"
    session = Session(raw=str(ctx.workspace.raw), preprocessed=str(ctx.workspace.preprocessed),
                      results=str(ctx.workspace.results),
                      pretrain=None if ctx.from_model else ctx.pretrain.name,
                      finetune=ctx.finetune.name, options=dataclasses.asdict(ctx.options))

    output = CommandOutput()

    def on_event(event: StepEvent) -> None:
        step = event.step
        tag = f"[{index[step.key]}/{total}]"
        if event.kind != "line":
            output.close()
        if event.kind == "skipped":
            print(f"\n{tag} {step.title}: already done, skipped", flush=True)
        elif event.kind == "started":
            print(f"\n{tag} {step.title}\n$ {step.command_line()}", flush=True)
            if step.is_training:
                parser_state[step.key] = TrainingLogParser()
                fold_dir = fold_dirs.get(step.key)
                resumed = "--c" in (step.argv or [])
                history[step.key] = parse_fold_dir(fold_dir) if resumed and fold_dir else []
                validation_shown[step.key] = 0
                print(f"{tag} ({EPOCH_NUMBERING_NOTE})", flush=True)
        elif event.kind == "line":
            log_parser = parser_state.get(step.key)
            record = log_parser.feed_line(event.line) if log_parser else None
            if not args.quiet or event.line.startswith("nnFT: "):  # backups: always shown
                output.line(event.line, event.progress)
            if record is not None and log_parser is not None:
                history[step.key] = append_epoch(history.get(step.key, []), record)
                eta = estimate_remaining_seconds(history[step.key], total_epochs) \
                    if total_epochs else None
                print(f"{tag} {_format_epoch(history[step.key][-1], total_epochs, eta)}",
                      flush=True)
            if log_parser is not None and \
                    len(log_parser.validation_cases) > validation_shown.get(step.key, 0):
                validation_shown[step.key] = len(log_parser.validation_cases)
                print(f"{tag} {_format_validation(ctx, step.key, log_parser)}", flush=True)
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
            if event.message or event.kind == "finished":
                session.step_message[step.key] = event.message
            if event.log_path:
                session.step_log[step.key] = str(event.log_path)
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
    # An explained failure (core/failures.py) ends with its fix, which says when to run again.
    again = "" if "run the same command again" in outcome.message else (
        " Run the same command again to continue; finished steps are skipped.")
    print(f"\nStep '{outcome.failed_step}' {state.value}: {outcome.message.rstrip('.')}.{again}",
          file=sys.stderr)
    return EXIT_STEP_FAILED


def _install_signal_handlers(executor) -> None:
    """Ctrl-C cancels the running step (and its workers); SIGUSR1 asks for a graceful stop."""
    if threading.current_thread() is not threading.main_thread():
        return

    def on_interrupt(signum, frame):
        print("\nCancelling ...", file=sys.stderr, flush=True)
        threading.Thread(target=executor.cancel, daemon=True).start()

    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGTERM, on_interrupt)
    if hasattr(signal, "SIGUSR1"):
        def on_usr1(signum, frame):
            if not executor.stop_gracefully():
                print("A graceful stop is only possible while an nnFT trainer runs.",
                      file=sys.stderr, flush=True)

        signal.signal(signal.SIGUSR1, on_usr1)


def _describe_fold(fold_dir: Path) -> str:
    """``Dataset002_X: trainer T, plans P, configuration C, fold 0`` from nnU-Net's layout."""
    parts = fold_dir.parent.name.split("__")
    fold = fold_dir.name.removeprefix("fold_")
    if len(parts) == 3:
        return (f"{fold_dir.parent.parent.name}: trainer {parts[0]}, plans {parts[1]}, "
                f"configuration {parts[2]}, fold {fold}")
    return f"fold {fold}"


def _planned_epochs(fold_dir: Path) -> int | None:
    """The trainer's ``num_epochs``, from the debug.json nnU-Net writes when training starts."""
    try:
        value = json.loads((fold_dir / "debug.json").read_text(encoding="utf-8"))["num_epochs"]
        return int(value) if int(value) > 0 else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _state_dir_of(fold_dir: Path) -> Path:
    """nnFT's state folder (its run records) of the results folder a fold folder lies in."""
    return fold_dir.resolve().parent.parent.parent / STATE_FOLDER_NAME


def cmd_monitor(args: argparse.Namespace, gpu_sampler: GpuSampler | None = None) -> int:
    """Print the epochs of any nnU-Net run (nnFT's, or one started by hand) from its fold folder.

    ``--follow`` keeps printing new epochs (with an ETA once nnU-Net's debug.json names the
    number of epochs) until ``checkpoint_final.pth`` is written; it also waits for a fold folder
    that the training has not created yet. Epochs logged while it follows get the GPU's columns
    (``gpu_sampler``, NVML by default); without a GPU one quiet line says why there are none.
    """
    fold_dir = Path(args.fold_dir)
    example = "nnUNet_results/Dataset002_X/nnUNetTrainer__nnUNetPlans__2d/fold_0"
    if fold_dir.exists() and not fold_dir.is_dir():
        print(f"error: {fold_dir} is a file, not a folder. Give an nnU-Net fold folder such as "
              f"{example}.", file=sys.stderr)
        return EXIT_USAGE
    if not fold_dir.is_dir() and (not args.follow or not fold_dir.name.startswith("fold_")):
        hint = (" With --follow, nnft waits for a fold folder (fold_0 ... fold_4, fold_all) that "
                "the training has not created yet." if not args.follow else
                " Its name must be fold_0 ... fold_4 or fold_all to be waited for.")
        print(f"error: {fold_dir} is not a folder. Give an nnU-Net fold folder such as "
              f"{example}.{hint}", file=sys.stderr)
        return EXIT_USAGE

    print(f"{'Following' if args.follow else 'Reading'} {fold_dir}", flush=True)
    print(f"  {_describe_fold(fold_dir)}", flush=True)
    print(f"  ({EPOCH_NUMBERING_NOTE})", flush=True)
    # Only epochs logged while following get GPU columns: a reading now says nothing about
    # epochs logged before.
    gpu = MonitorGpuColumns(gpu_sampler) if args.follow else None
    if gpu is not None:
        print(f"  {gpu.start_line()}", flush=True)
    if not fold_dir.is_dir():
        print("Waiting for the folder to appear (the training creates it when it starts); "
              "Ctrl-C stops following.", flush=True)
    printed, said_waiting, said_marker, read_before = 0, False, False, False
    said_activity, seen_running, said_cases = "", False, -1
    # Reads only what the logs gained since the last look (a 1,000-epoch log is long).
    follower = FoldLogFollower(fold_dir)
    final = fold_dir / "checkpoint_final.pth"
    try:
        while True:
            if fold_dir.is_dir():
                marker = read_run_marker(fold_dir)
                if marker and not said_marker and marker.get("pretrained_weights"):
                    print(f"  fine-tuned by nnFT from {marker['pretrained_weights']}", flush=True)
                    said_marker = True
                records = follower.read()
                total = _planned_epochs(fold_dir)
                for i in range(printed, len(records)):
                    eta = estimate_remaining_seconds(records[:i + 1], total) if total else None
                    columns = gpu.columns() if gpu is not None and read_before else ""
                    print(_format_epoch(records[i], total, eta) + columns, flush=True)
                printed, read_before = max(printed, len(records)), True
                if checkpoint_complete(final):
                    # Trained; finished only once nnU-Net's final validation is (a run killed
                    # during it left checkpoint_final.pth and no validation/summary.json).
                    if final_validation_finished(fold_dir):
                        skipped = not (fold_dir / VALIDATION_SUMMARY).is_file()
                        print(f"Training finished: {final}"
                              + (" (final validation skipped on purpose)" if skipped else
                                 f" (final validation done: {VALIDATION_SUMMARY})"), flush=True)
                        return EXIT_OK
                    validation = follower.final_validation(None)
                    still_running = args.follow and detect_training(
                        fold_dir, _state_dir_of(fold_dir)).running_here
                    if not still_running:
                        print(f"Trained ({final}), but nnU-Net's final validation did not "
                              f"finish ({VALIDATION_SUMMARY} is missing; "
                              f"{validation.cases_started} case(s) were started). Run only the "
                              "validation: nnUNetv2_train ... --val (nnft run does that, and "
                              "'Finish validation' in the wizard).", flush=True)
                        return EXIT_OK
                    if validation.cases_started != said_cases:
                        print(f"  final validation: case {validation.cases_started} is being "
                              "predicted", flush=True)
                        said_cases = validation.cases_started
                    time.sleep(args.interval)
                    continue
                if not args.follow:
                    if not records:
                        print("No epochs logged yet.")
                    return EXIT_OK
                if not records and not said_waiting:
                    print("Waiting for the first epoch ...", flush=True)
                    said_waiting = True
                # Whether it still runs comes from facts (nnFT's run records, the process
                # table), not from how old the log is.
                activity = detect_training(fold_dir, _state_dir_of(fold_dir))
                if activity.running_here:
                    seen_running = True
                    said_gpu = gpu.follow_process(activity.pid, list(activity.argv)) \
                        if gpu is not None else None
                    if said_gpu:
                        print(f"  {said_gpu}", flush=True)
                elif seen_running:
                    print(f"The training has ended without {final.name} ("
                          f"{describe_activity(activity)}). Continue it with nnUNetv2_train "
                          "... --c (or nnft run, or Resume in the wizard).", flush=True)
                    return EXIT_OK
                if activity.kind != said_activity:
                    print(f"  {describe_activity(activity)}"
                          + ("" if activity.found else
                             "; waiting for one to start. Ctrl-C stops following."),
                          flush=True)
                    said_activity = activity.kind
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return EXIT_OK


def _weights_target(args: argparse.Namespace) -> tuple[dict | None, dict | None, list[P.Problem]]:
    """The fine-tuning plans and dataset.json ``check-weights`` compares against."""
    workspace = workspace_from_args(args)
    if workspace.preprocessed is None or not workspace.preprocessed.is_dir():
        found = [p for p in workspace.check(need_writable=False)
                 if "nnUNet_preprocessed" in p.message]
        return None, None, found
    name, found = resolve_dataset(workspace, args.finetune, "fine-tuning")
    if name is None:
        return None, None, found
    folder = workspace.preprocessed / name
    plans_file = plans_mod.plans_path(folder, args.finetune_plans)
    try:
        plans = plans_mod.load_plans(plans_file)
    except (OSError, ValueError):
        what = (text("cannot be read as JSON") if plans_file.exists()
                else text("does not exist"))
        return None, None, [P.error(
            P.PLANS_ID_INVALID,
            text("The fine-tuning plans {plans_file} {what}: the network the fine-tuning "
                 "builds is only known once the dataset is planned.", plans_file=plans_file,
                 what=what),
            text("Plan {name} first (nnUNetv2_plan_and_preprocess -d {dataset_id} -c "
                 "{config}, or the first step of nnft run), or give its plans with "
                 "--finetune-plans.", name=name, dataset_id=dataset_id_from_name(name),
                 config=args.config))]
    if plans_mod.resolved_configuration(plans, args.config) is None:
        offered = ", ".join(plans_mod.trainable_configurations(plans)) or text("(none)")
        return None, None, [P.error(
            P.CONFIG_NOT_AVAILABLE,
            text("The plans {plans_file} have no configuration '{config}'.",
                 plans_file=plans_file, config=args.config),
            text("Choose one of {offered} with --config.", offered=offered))]
    dataset_json, found = load_dataset_json(folder / "dataset.json")
    if dataset_json is None and workspace.raw is not None:
        dataset_json, found = load_dataset_json(workspace.raw / name / "dataset.json")
    if dataset_json is None:
        return None, None, found
    return plans, dataset_json, []


def _print_weights_report(checkpoint: str, report) -> None:
    def line(which: str) -> str:
        d = report.describe(which)
        parts = [x for x in (d["dataset"], f"plans '{d['plans']}'" if d["plans"] else None,
                             f"configuration '{d['configuration']}'" if d["configuration"]
                             else None) if x]
        net = ", ".join(str(x) for x in (
            d["network_class"], f"{d['dimensions']}d" if d["dimensions"] else None,
            f"{d['input_channels']} input channel(s)" if d["input_channels"] else None) if x)
        return ", ".join(parts) + (f": {net}" if net else "")

    print(f"Checkpoint   {checkpoint}")
    print(f"  trained    {line('checkpoint')}")
    print(f"Fine-tuning  {line('network')}")
    print()
    rows = [("matching, loaded", len(report.matching)),
            ("missing in the checkpoint", len(report.missing)),
            ("shape mismatched", len(report.mismatched)),
            ("segmentation head, not loaded", len(report.skipped)),
            ("only in the checkpoint, ignored", len(report.unexpected))]
    print(f"  {'keys':<34}{'count':>6}")
    for label, count in rows:
        print(f"  {label:<34}{count:>6}")
    for key, a, b in report.mismatched[:5]:
        print(f"  mismatched  {key}: checkpoint {a} vs network {b}")
    for key in report.missing[:5]:
        print(f"  missing     {key}: network {report.network_shapes.get(key, ())}")
    print()


def cmd_check_weights(args: argparse.Namespace) -> int:
    plans, dataset_json, problems = _weights_target(args)
    report = None
    if plans is not None:
        report, problems = check_weights_against(args.checkpoint, plans, args.config,
                                                 dataset_json)
    ok = not P.has_errors(problems)
    if args.json:
        print(json.dumps({"problems": [p.to_dict() for p in problems],
                          "report": report.to_dict() if report is not None else None}, indent=2))
        return EXIT_OK if ok else EXIT_PROBLEMS
    if report is not None:
        _print_weights_report(args.checkpoint, report)
    _print_problems(problems, sys.stdout)
    if ok and report is not None:
        print(f"OK: nnU-Net will load {len(report.matching)} of the checkpoint's tensors; the "
              f"segmentation head ({len(report.skipped)} tensors) is trained anew.")
    return EXIT_OK if ok else EXIT_PROBLEMS


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    step_argv: list[str] | None = None
    if argv[:1] == ["step-hook"] and "--" in argv:
        # The step's command goes verbatim after "--", whatever comes before it (argparse
        # cannot take a variable-length positional after options reliably).
        cut = argv.index("--")
        argv, step_argv = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    if step_argv is not None:
        args.step_argv = step_argv
    handlers = {"demo": cmd_demo, "check": cmd_check, "run": cmd_run, "export": cmd_export,
                "monitor": cmd_monitor, "check-weights": cmd_check_weights,
                "report": cmd_report,
                "step-hook": cmd_step_hook}
    handler = handlers.get(args.command) or args.handler
    try:
        return handler(args)
    except OSError as exc:
        # A folder or file nnFT cannot read or write (permissions, disk full, a path that
        # vanished): say which, without a traceback.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}.", file=sys.stderr)
        return EXIT_STEP_FAILED if args.command == "run" else EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
