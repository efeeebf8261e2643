"""``nnft submit``, ``nnft jobs`` and ``nnft export --format slurm``: the chain on a SLURM cluster.

Registered by :func:`add_commands` (called from :mod:`nnft.core.cli`); the work is done by
:mod:`nnft.core.slurm`. Exit status as for the rest of ``nnft``: 0 fine, 1 problems found
(nothing was submitted or written; also: Slurm is not installed here), 2 usage error, 3 Slurm
refused a job (what was submitted of the chain is cancelled again) or, with ``--follow``, a job
of the chain failed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import shlex
import sys
import time
from pathlib import Path

from . import problems as P
from . import slurm as S
from .cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_STEP_FAILED,
    EXIT_USAGE,
    add_chain_arguments,
    chain_direction_lines,
    int_at_least,
    run_options_from_args,
    workspace_from_args,
)
from .cli_common import print_problems as _print_problems
from .i18n import text
from .safety import atomic_write_text

_non_negative_int = int_at_least(0)


def add_slurm_options(parser: argparse.ArgumentParser) -> None:
    """The cluster options of ``submit`` and ``export --format slurm``.

    Each overrides the chosen profile (``--profile``, else a saved profile named ``default``,
    else nnFT's defaults).
    """
    group = parser.add_argument_group(
        "cluster (SLURM)", "Resources of the jobs; each overrides the profile's value.")
    group.add_argument("--profile", metavar="NAME",
                       help="saved cluster profile (default: the one named 'default', if saved)")
    group.add_argument("--folds", metavar="FOLDS",
                       help="fine-tuning folds, e.g. 0,1,2,3,4 or 0-4 (a job array, one task "
                            "per fold) or all (nnU-Net's fold 'all'); default: --fold")
    group.add_argument("--num-gpus", type=int, metavar="N",
                       help="nnU-Net's -num_gpus (multi-GPU training, DDP); at most --gpus")
    group.add_argument("--partition", metavar="NAME", help="partition of the training jobs")
    group.add_argument("--prepare-partition", metavar="NAME",
                       help="partition of the CPU preparation job (default: --partition)")
    group.add_argument("--account", metavar="NAME", help="account to charge (--account)")
    group.add_argument("--gpus", type=_non_negative_int, metavar="N",
                       help="GPUs per training job, --gres=gpu:N (default 1; 0: CPU only)")
    group.add_argument("--cpus", type=_non_negative_int, metavar="N",
                       help="CPUs per job, --cpus-per-task (default 8)")
    group.add_argument("--mem", metavar="SIZE", help="memory per job, e.g. 32G (default 32G)")
    group.add_argument("--time", dest="time_limit", metavar="LIMIT",
                       help="time limit per job run, e.g. 24:00:00 or 2-00:00:00 (default 24 "
                            "h); trainings are requeued and continue beyond it")
    group.add_argument("--prepare-time", metavar="LIMIT",
                       help="time limit of the preparation job (default: --time)")
    group.add_argument("--signal-seconds", type=_non_negative_int, metavar="S",
                       help="seconds before the time limit at which a training checkpoints and "
                            "requeues itself (default 300; must cover one epoch)")
    group.add_argument("--sbatch", action="append", metavar="OPTION", dest="extra_sbatch",
                       help="one more #SBATCH option, e.g. --sbatch=--qos=long (repeatable)")
    group.add_argument("--setup", action="append", metavar="LINE",
                       help="bash line run first in every job, e.g. 'module load cuda' or "
                            "'source /path/venv/bin/activate' (repeatable; default: this "
                            "Python's bin folder first on PATH)")
    group.add_argument("--save-profile", metavar="NAME",
                       help="save the resulting settings as cluster profile NAME")


def add_commands(subparsers) -> None:
    """Register ``submit`` and ``jobs``; each sets ``handler`` (``args.handler(args)``)."""
    submit = subparsers.add_parser(
        "submit", help="submit the chain as SLURM jobs (preparation, pretraining, fine-tuning; "
                       "with --baseline also the from-scratch baseline)")
    add_chain_arguments(submit)
    add_slurm_options(submit)
    submit.add_argument("--dry-run", action="store_true",
                        help="print the job scripts and sbatch commands, submit and write nothing")
    submit.add_argument("--json", action="store_true",
                        help="print the submitted chain's record as JSON")
    # On a cluster the trainer with a graceful stop is the sensible default: the jobs can then
    # checkpoint at the time limit and requeue themselves.
    submit.set_defaults(trainer=None, handler=cmd_submit)
    for action in submit._actions:
        if action.dest == "trainer":
            action.help = ("nnU-Net trainer (default nnFTTrainer: nnU-Net's training plus a "
                           "graceful stop, so jobs checkpoint at the time limit and requeue)")
        elif action.dest == "device":
            action.help = "training device (default: cuda when the jobs request GPUs, else cpu)"

    jobs = subparsers.add_parser("jobs", help="the submitted chains: job states and epochs")
    jobs.add_argument("--workspace", metavar="DIR",
                      help="folder with nnUNet_raw, nnUNet_preprocessed, nnUNet_results "
                           "(default: the nnUNet_* environment variables)")
    jobs.add_argument("chain", nargs="?",
                      help="chain id (or its start) as listed by --all (default: the newest)")
    jobs.add_argument("--all", action="store_true", help="list every submitted chain")
    jobs.add_argument("--follow", action="store_true",
                      help="keep showing states and new epochs until no job is left")
    jobs.add_argument("--cancel", action="store_true",
                      help="cancel every job of the chain (scancel)")
    jobs.add_argument("--json", action="store_true", help="print the states as JSON")
    jobs.add_argument("--interval", type=float, default=10.0, help=argparse.SUPPRESS)
    jobs.add_argument("--wait", type=float, default=120.0, help=argparse.SUPPRESS)
    jobs.set_defaults(handler=cmd_jobs)


# -- profile and preflight ---------------------------------------------------------------------
def profile_from_args(args: argparse.Namespace) -> S.SlurmProfile:
    """The chosen profile with the options given on the command line applied.

    Raises KeyError (unknown profile) or ValueError (damaged profiles file).
    """
    if getattr(args, "profile", None):
        profile = S.get_profile(args.profile)
    else:
        profile = S.load_profiles().get("default", S.SlurmProfile())
    changes = {}
    for arg, key in (("partition", "partition"), ("prepare_partition", "prepare_partition"),
                     ("account", "account"), ("gpus", "gpus"), ("cpus", "cpus_per_task"),
                     ("mem", "mem"), ("time_limit", "time_limit"),
                     ("prepare_time", "prepare_time_limit"),
                     ("signal_seconds", "signal_seconds_before_end"), ("num_gpus", "num_gpus"),
                     ("extra_sbatch", "extra_sbatch"), ("setup", "setup")):
        value = getattr(args, arg, None)
        if value is not None:
            changes[key] = value
    if getattr(args, "save_profile", None):
        changes["name"] = args.save_profile
    return dataclasses.replace(profile, **changes)


def cluster_options(args: argparse.Namespace, profile: S.SlurmProfile):
    """The run options of ``submit``/``export --format slurm``: nnFTTrainer by default (a quick
    trial uses nnFT's trial trainer; both stop gracefully), the device from the GPUs the jobs
    request unless given."""
    if getattr(args, "trainer", None) is None:
        args.trainer = "nnUNetTrainer" if (args.epochs or args.iterations) else "nnFTTrainer"
    if args.device == "auto":
        args.device = "cuda" if profile.gpus > 0 else "cpu"
    return run_options_from_args(args)


def _plan(args: argparse.Namespace, *, skip_done: bool, slurm: S.SlurmCommands | None = None):
    """(chain or None, problems) for submit and export. With ``slurm``, earlier chains that
    still run into the same folders are problems too (submit)."""
    try:
        profile = profile_from_args(args)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        return None, [P.error(S.SLURM_OPTIONS_INVALID, text("{message}.", message=message),
                              text("List the saved profiles in the file named by {path}, or "
                                   "save one with --save-profile.",
                                   path=S.default_profiles_path()))]
    chain, problems = S.plan_cluster_chain(
        workspace_from_args(args), args.pretrain, args.finetune, cluster_options(args, profile),
        profile, args.folds or str(args.fold), skip_done=skip_done, slurm=slurm,
        workers=args.workers or None, da_workers=args.da_workers)
    if chain is None:
        return None, problems
    if getattr(args, "save_profile", None):
        path = S.save_profile(profile)
        print(f"Saved cluster profile '{profile.name}' to {path}", file=sys.stderr)
    return chain, problems


# -- export --format slurm ----------------------------------------------------------------------
def cmd_export_slurm(args: argparse.Namespace) -> int:
    """``nnft export --format slurm``: one bash file that writes the job scripts and submits
    them (to stdout, or ``--output``)."""
    chain, problems = _plan(args, skip_done=False)
    _print_problems(problems)
    if chain is None:
        return EXIT_PROBLEMS
    text = S.export_slurm_text(chain.ctx, chain.profile, chain.folds, chain_id=chain.chain_id,
                               chain_dir=chain.chain_dir)
    if getattr(args, "output", None):
        atomic_write_text(Path(args.output), text)
        print(f"Wrote {args.output}; run it with bash on the cluster's login node.",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# -- submit ------------------------------------------------------------------------------------
def cmd_submit(args: argparse.Namespace) -> int:
    slurm = S.SlurmCommands()
    if not args.dry_run and not slurm.available():
        # Before anything is checked or written: nothing can be submitted from here.
        print(str(P.error(S.SLURM_NOT_AVAILABLE, slurm.missing_message())), file=sys.stderr)
        return EXIT_PROBLEMS
    chain, problems = _plan(args, skip_done=True, slurm=None if args.dry_run else slurm)
    _print_problems(problems)
    if chain is None:
        print("Nothing was submitted.", file=sys.stderr)
        return EXIT_PROBLEMS
    ctx = chain.ctx
    if not chain.jobs:
        baseline = (f", from-scratch baseline(s) in {ctx.baseline_fold_dir.parent}"
                    if ctx.options.baseline else "")
        print(f"Every step is done already: fine-tuned model(s) in "
              f"{ctx.finetune_fold_dir.parent}{baseline}. Nothing was submitted.")
        return EXIT_OK
    for line in chain_direction_lines(ctx):
        print(line)
    print(f"Configuration {ctx.options.configuration}, new plans '{ctx.options.plans_name}', "
          f"trainer {ctx.trainer}, device {ctx.options.device}, folds {' '.join(chain.folds)}")
    for line in _chain_choice_lines(ctx):
        print(line)
    if args.dry_run:
        for job in chain.jobs:
            dependency = f"afterok:<{job.after} job>" if job.after else None
            argv = S.sbatch_argv(chain.chain_dir / job.filename, dependency=dependency)
            print(f"\n$ {' '.join(argv)}")
            print(job.text)
        print("Dry run: nothing was written or submitted.")
        return EXIT_OK
    try:
        record = S.submit_chain(chain, slurm)
    except S.SlurmNotFound as exc:
        print(str(P.error(S.SLURM_NOT_AVAILABLE, str(exc))), file=sys.stderr)
        return EXIT_PROBLEMS
    except S.SlurmError as exc:
        # A controller gone since the check above is said as such, not as a partition problem.
        problem = S.no_controller_problem(str(exc), slurm.env) or P.error(
            S.SLURM_SUBMIT_FAILED, str(exc),
            text("Jobs already submitted for this chain were cancelled again. Check the "
                 "partition, account and limits (sinfo, sacctmgr show assoc)."))
        print(str(problem), file=sys.stderr)
        return EXIT_STEP_FAILED
    if args.json:
        print(json.dumps(record.to_dict(), indent=2))
        return EXIT_OK
    print(f"\nSubmitted chain {record.chain_id}:")
    job_ids = {job.role: job.job_id for job in record.jobs}
    for job in record.jobs:
        after = f" (after {job.after} job {job_ids[job.after]})" if job.after else ""
        tasks = f", array of folds {' '.join(job.folds)}" if job.is_array else ""
        print(f"  {job.role:<9} job {job.job_id}{tasks}{after}")
    print(f"Scripts and job logs: {record.chain_dir}")
    print("Follow with: nnft jobs --follow" + _workspace_hint(args))
    return EXIT_OK


def _chain_choice_lines(ctx) -> list[str]:
    """The fine-tuning preset and the baseline, when chosen (as ``nnft run`` prints them)."""
    lines = []
    if ctx.finetune_trainer != ctx.trainer:
        lines.append(f"Fine-tuning preset '{ctx.options.finetune_preset}': trainer "
                     f"{ctx.finetune_trainer}"
                     + (f", encoder frozen for {ctx.freeze_epochs} epoch(s)"
                        if ctx.freeze_epochs else ""))
    if ctx.options.baseline:
        alongside = "the fine-tuning" if ctx.from_model else "the pretraining"
        lines.append(f"From-scratch baseline: trainer {ctx.baseline_trainer}, same folds, after "
                     f"the preparation only (alongside {alongside})")
    return lines


def _workspace_hint(args: argparse.Namespace) -> str:
    return f" --workspace {shlex.quote(args.workspace)}" if getattr(args, "workspace", None) \
        else ""


# -- jobs --------------------------------------------------------------------------------------
def task_label(task: S.TaskState) -> str:
    """``prepare``, ``pretrain``, ``finetune fold 0``, ``baseline (from scratch), fold 0``."""
    if task.role == "baseline":
        return "baseline (from scratch)" + (f", fold {task.fold}" if task.fold else "")
    fold = f" fold {task.fold}" if task.fold and task.role == "finetune" else ""
    return task.role + fold


def _format_task(task: S.TaskState, width: int = 16) -> str:
    line = f"  {task_label(task):<{width}} job {task.slurm_id:<10} {task.describe()}"
    last = task.last_epoch
    if last is not None and task.role != "prepare":
        def num(value, digits=4):
            return "-" if value is None else f"{value:.{digits}f}"

        dice = ", ".join(f"{d:.3f}" for d in last.pseudo_dice) or "-"
        line += (f"  train_loss {num(last.train_loss)}  val_loss {num(last.val_loss)}  "
                 f"pseudo dice [{dice}]")
    if task.source and task.source not in ("scontrol", "squeue"):
        line += f"  [from {task.source}]"
    return line


def _print_status(status: S.ChainStatus) -> None:
    r = status.record
    print(f"Chain {r.chain_id} (submitted {r.created.replace('T', ' ')}"
          + (f", cancelled {r.cancelled.replace('T', ' ')}" if r.cancelled else "") + ")")
    source = f"model {r.pretrain}" if r.from_model else r.pretrain
    print(f"  {source} -> {r.finetune}, {r.configuration}, {r.trainer}, device {r.device}")
    # The fine-tuning preset's and the baseline's trainers, where they differ from the chain's.
    others = [f"{job.role} {job.trainer}" for job in r.jobs
              if job.trainer and job.trainer != r.trainer]
    if others:
        print(f"  trainers: {', '.join(others)}")
    width = max([16, *(len(task_label(task)) for task in status.tasks)])
    for task in status.tasks:
        print(_format_task(task, width))
    for note in status.notes:
        print(f"  note: {note}")


def cmd_jobs(args: argparse.Namespace) -> int:
    workspace = workspace_from_args(args)
    if workspace.results is None:
        print("error: nnUNet_results is not set: pass --workspace DIR or set nnUNet_results.",
              file=sys.stderr)
        return EXIT_USAGE
    slurm = S.SlurmCommands()
    if args.all:
        records = S.list_chains(workspace)
        if not records:
            print(f"No chains were submitted from {workspace.results} (nnft submit).")
        for listed in records:
            status = S.chain_status(listed, slurm)
            if args.json:
                print(json.dumps(status.to_dict()))
            else:
                _print_status(status)
        return EXIT_OK
    record = S.find_chain(workspace, args.chain)
    if record is None:
        what = f"chain '{args.chain}'" if args.chain else "chain"
        print(f"error: no submitted {what} found in {S.slurm_folder(workspace)}; "
              "'nnft jobs --all' lists them.", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.cancel:
        return _cancel(record, slurm, args)
    shown = ""
    while True:
        status = S.chain_status(record, slurm)
        text = json.dumps(status.to_dict()) if args.json else _status_text(status)
        if text != shown:
            print(text, flush=True)
            shown = text
        if not args.follow or not status.active:
            if args.follow:
                return EXIT_OK if status.done else EXIT_STEP_FAILED
            return EXIT_OK
        try:
            time.sleep(max(0.1, args.interval))
        except KeyboardInterrupt:
            return EXIT_OK


def _status_text(status: S.ChainStatus) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        _print_status(status)
    return buffer.getvalue().rstrip("\n")


def _cancel(record: S.ChainRecord, slurm: S.SlurmCommands, args: argparse.Namespace) -> int:
    try:
        ids = S.cancel_chain(record, slurm)
    except S.SlurmNotFound as exc:
        print(str(P.error(S.SLURM_NOT_AVAILABLE, str(exc))), file=sys.stderr)
        return EXIT_PROBLEMS
    except S.SlurmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STEP_FAILED
    print(f"Cancelled chain {record.chain_id}: scancel {' '.join(ids)}")
    # Wait until Slurm has ended the jobs (their processes get SIGTERM, then SIGKILL).
    deadline = time.monotonic() + max(0.0, args.wait)
    while True:
        status = S.chain_status(record, slurm)
        if not status.active or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    if args.json:
        print(json.dumps(status.to_dict()))
    else:
        _print_status(status)
    if status.active:
        print("Some jobs are still ending; 'nnft jobs' shows when they are gone.",
              file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    # ``python -m nnft.core.cli_slurm ...`` (the Slurm tests use it) is ``nnft ...``, which
    # registers submit and jobs itself. Imported here only: cli imports this module.
    from nnft.core.cli import main

    sys.exit(main())
