"""The job scripts of a chain: ``#SBATCH`` header, environment, the preparation script and the
training scripts (first start or ``--c`` at run time, USR1 trap and requeue); bash quoting."""

from __future__ import annotations

import dataclasses
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nnft.core.steps import (
    DEFAULT_PRESET,
    GRACEFUL_STOP_TRAINERS,
    PREPARE,
    RUN_MARKER,
    ChainContext,
    baseline_argv,
    chain_steps,
    definition,
    finetune_argv,
    keys_in_group,
    pretrain_argv,
)
from nnft.core.steps.export import HOOK_ARRAY, chain_header_lines, hook_array_line, step_lines
from nnft.core.workspace import trainers_folder

from .profiles import SlurmProfile

#: Roles of the jobs of a chain, in order. ``baseline`` (the from-scratch comparison, only when
#: the chain's options ask for it) waits for the preparation only: it runs alongside the
#: pretraining.
ROLES = ("prepare", "pretrain", "finetune", "baseline")
#: Roles that train: each is one step of the chain, with the same key.
TRAINING_ROLES = ("pretrain", "finetune", "baseline")
#: The steps of the CPU preparation job: the registry's "prepare" group (of a dataset chain;
#: a chain from a model has its own, ``keys_in_group(PREPARE, from_model=True)``).
PREPARE_STEPS = keys_in_group(PREPARE)


def training_roles(ctx: ChainContext) -> tuple[str, ...]:
    """The training jobs this chain has: the pretraining (not in a chain that fine-tunes from
    a model), the fine-tuning and, when the options ask for it, the from-scratch baseline (the
    registry's :meth:`~StepDefinition.applies`)."""
    keys = {d.key for d in chain_steps(ctx.from_model)}
    return tuple(role for role in TRAINING_ROLES
                 if role in keys and definition(role, ctx.from_model).applies(ctx))


#: Exit status of a process killed by SIGUSR1 (128 + 10 on Linux).
_KILLED_BY_USR1 = 138

_FOLD_TOKEN = "__NNFT_FOLD__"
_FOLD_VARIABLE = "FOLD"
_END_OF_SCRIPT = "NNFT_END_OF_JOB_SCRIPT"


@dataclass(frozen=True)
class JobScript:
    """One job of a chain.

    Attributes
    ----------
    role
        ``prepare``, ``pretrain``, ``finetune`` or ``baseline``.
    name
        ``--job-name``.
    filename
        File name of the script in the chain folder.
    text
        The script.
    after
        Role of the job this one waits for (``--dependency=afterok``), or None.
    folds
        The training's folds; a job array (one task per fold) when more than one.
    fold_dirs
        Fold → results folder of the training (its logs and checkpoints).
    steps
        Keys of the pipeline steps this job runs.
    trainer
        The nnU-Net trainer of a training job (``-tr``), empty for the preparation.
    """

    role: str
    name: str
    filename: str
    text: str
    after: str | None = None
    folds: tuple[str, ...] = ()
    fold_dirs: dict[str, str] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    trainer: str = ""

    @property
    def is_array(self) -> bool:
        return len(self.folds) > 1

    @property
    def output_pattern(self) -> str:
        return "%x-%A_%a.out" if self.is_array else "%x-%j.out"


def default_setup_lines() -> list[str]:
    """Without set-up lines: nnU-Net and nnFT from the Python environment that runs nnFT."""
    bin_dir = Path(sys.executable).parent
    return [f"export PATH={shlex.quote(str(bin_dir))}:\"$PATH\""]


def _bash_word(text: str, variables: Mapping[str, str] | None = None) -> str:
    """One shell word; each token in ``variables`` becomes ``"${VARIABLE}"``."""
    if not variables:
        return shlex.quote(text)
    pattern = "(" + "|".join(re.escape(t) for t in variables) + ")"
    out = []
    for part in re.split(pattern, text):
        if part in variables:
            out.append(f'"${{{variables[part]}}}"')
        elif part:
            out.append(shlex.quote(part))
    return "".join(out) or "''"


def _bash_command(argv: Sequence[str], variables: Mapping[str, str] | None = None) -> str:
    return " ".join(_bash_word(a, variables) for a in argv)


def _sbatch_value(text: str) -> str:
    """An ``#SBATCH`` option value, double-quoted when it holds spaces (sbatch accepts that)."""
    if re.fullmatch(r"[A-Za-z0-9_./%:@+=,-]+", text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _header(profile: SlurmProfile, *, name: str, chain_dir: Path, training: bool,
            output_pattern: str, array: str | None = None,
            signal: bool = False) -> list[str]:
    partition = profile.partition if training else (profile.prepare_partition
                                                     or profile.partition)
    time_limit = profile.time_limit if training else (profile.prepare_time_limit
                                                      or profile.time_limit)
    lines = ["#!/bin/bash", f"#SBATCH --job-name={name}"]
    if partition:
        lines.append(f"#SBATCH --partition={partition}")
    if profile.account:
        lines.append(f"#SBATCH --account={profile.account}")
    lines += ["#SBATCH --nodes=1", "#SBATCH --ntasks=1",
              f"#SBATCH --cpus-per-task={profile.cpus_per_task}",
              f"#SBATCH --mem={profile.mem}",
              f"#SBATCH --time={time_limit}"]
    if training and profile.gpus > 0:
        lines.append(f"#SBATCH --gres=gpu:{profile.gpus}")
    if array:
        lines.append(f"#SBATCH --array={array}")
    lines += [f"#SBATCH --chdir={_sbatch_value(str(chain_dir))}",
              f"#SBATCH --output={_sbatch_value(str(chain_dir / output_pattern))}",
              # A requeued job appends to its log instead of replacing the first run's.
              "#SBATCH --open-mode=append",
              # A dependency that can never be met (a failed earlier job) cancels this job
              # instead of leaving it pending forever.
              "#SBATCH --kill-on-invalid-dep=yes"]
    if training:
        lines.append("#SBATCH --requeue")
    if signal:
        lines.append(f"#SBATCH --signal=B:USR1@{profile.signal_seconds_before_end}")
    lines += [f"#SBATCH {line}" for line in profile.sbatch_extra_lines()]
    return lines


def _environment_lines(ctx: ChainContext, profile: SlurmProfile,
                       env: Mapping[str, str]) -> list[str]:
    lines = ["# Environment set-up" + (" (from the cluster profile)." if profile.setup else
                                        ": nnU-Net and nnFT from the Python that wrote this.")]
    lines += list(profile.setup) or default_setup_lines()
    lines += ["", "set -euo pipefail", ""]
    for variable, folder in ctx.workspace.roots().items():
        lines.append(f"export {variable}={shlex.quote(str(folder))}")
    lines.append("# nnFT's trainers (graceful stop, quick trial) are found by nnU-Net through "
                 "this variable.")
    lines.append(f"export nnUNet_extTrainer={shlex.quote(str(trainers_folder()))}")
    lines.append("export PYTHONUNBUFFERED=1")
    for key, value in sorted(env.items()):
        lines.append(f"export {key}={shlex.quote(value)}")
    return lines


def _started_line(role: str) -> str:
    return (f'echo "nnFT: {role} job ${{SLURM_JOB_ID}} started on $(hostname) at $(date -Is)'
            f' (restart ${{SLURM_RESTART_COUNT:-0}})"')


def prepare_script(ctx: ChainContext, profile: SlurmProfile, chain_dir: Path, name: str,
                    steps: list, *, fresh: bool = True) -> str:
    """The CPU preparation job (the registry's "prepare" steps): ``steps``' exact commands
    in order, stopping at the first failure.

    Parameters
    ----------
    ctx, profile
        The chain and the cluster profile (partition, time limit and set-up of the job).
    chain_dir
        Where the job log goes.
    name
        ``--job-name``.
    steps
        The chain's steps to run (a subset of :data:`PREPARE_STEPS`).
    fresh
        ``steps`` were built for a run from scratch (told to the steps' hooks: nnFT's guards
        and markers, run around each command as ``nnft run`` does).
    """
    keys = ", ".join(str(s.number) for s in steps)
    total = sum(1 for d in chain_steps(ctx.from_model) if d.applies(ctx))
    lines = _header(profile, name=name, chain_dir=chain_dir, training=False,
                    output_pattern="%x-%j.out")
    lines += [
        "#",
        *chain_header_lines(ctx, f"; this job: the preparation on the CPU, step(s) {keys} of "
                                 f"{total}"),
        "# The exact commands `nnft run` runs, in order; the job stops at the first failure.",
        "",
    ]
    lines += _environment_lines(ctx, profile, ctx.planning_env())
    lines += ["", *hook_array_line(ctx, fresh=fresh)]
    lines += ["", _started_line("prepare")]
    for step in steps:
        lines += ["", f"# {step.number}. {step.title}", f"# {step.why}"]
        # planning_env() is exported above; a step's own extra variables go in front.
        extra = {k: v for k, v in step.env.items() if ctx.planning_env().get(k) != v}
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(extra.items()))
        lines += step_lines(step, f"{prefix} {step.command_line()}".strip())
    lines += ["", 'echo "nnFT: finished: preparation done"', ""]
    return "\n".join(lines)


def _stop_and_requeue_lines(graceful: bool) -> tuple[list[str], list[str], list[str]]:
    """(before start, wait, after exit) bash lines of a training job."""
    if not graceful:
        wait = ["status=0", '"${TRAIN[@]}" || status=$?']
        return [], wait, []
    before = [
        "# Slurm sends SIGUSR1 to this batch shell (--signal=B:USR1@...) before the time limit;",
        "# pass it on to nnUNetv2_train: nnFT's trainer finishes the epoch, writes",
        "# checkpoint_latest.pth and exits 0.",
        "stop_requested=0",
        "child=",
        "forward_stop() {",
        "    stop_requested=1",
        '    echo "nnFT: SIGUSR1 (time limit near): asking nnUNetv2_train to checkpoint and stop"',
        '    if [ -n "$child" ]; then kill -USR1 "$child" 2>/dev/null || true; fi',
        "}",
        "trap forward_stop USR1",
    ]
    wait = [
        "# In the background, so that the trap runs while nnU-Net works.",
        '"${TRAIN[@]}" &',
        "child=$!",
        "# A trapped signal interrupts `wait`; wait again until nnU-Net has really exited.",
        'while kill -0 "$child" 2>/dev/null; do wait "$child" || true; done',
        "status=0",
        'wait "$child" || status=$?',
    ]
    after = [
        f'if [ "$stop_requested" = 1 ] && {{ [ "$status" = 0 ] || [ "$status" = '
        f'{_KILLED_BY_USR1} ]; }}; then',
        "    # Stopped at the time limit with a checkpoint (or before nnU-Net had started):",
        "    # requeue this job; its next start continues with --c.",
        '    echo "nnFT: requeued: stopped before the time limit (status $status); requeueing '
        'job ${SLURM_JOB_ID} to continue with --c"',
        '    scontrol requeue "${SLURM_JOB_ID}" || {',
        '        echo "nnFT: failed: scontrol requeue was refused; submit again to continue"',
        "        exit 1",
        "    }",
        "    exit 0",
        "fi",
    ]
    return before, wait, after


def training_script(ctx: ChainContext, profile: SlurmProfile, chain_dir: Path, *, role: str,
                     name: str, folds: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """A training job: first start or ``--c`` decided at run time, nnFT's run marker before a
    fine-tuning loads the weights (or the baseline starts from scratch), and (with a
    graceful-stop trainer) the USR1 trap + requeue.

    Each role runs its own step's trainer (:meth:`ChainContext.trainer_of`: the fine-tuning
    preset's, the baseline's) with that step's environment (the fine-tuning's includes the
    preset's settings, e.g. ``NNFT_FREEZE_EPOCHS``).

    Parameters
    ----------
    ctx, profile, chain_dir, name
        As for :func:`prepare_script`.
    role
        ``pretrain``, ``finetune`` or ``baseline``.
    folds
        The folds; more than one makes the script a job array (one task per fold).

    Returns
    -------
    (script, fold_dirs)
        The script text, and fold → the results folder the training writes into.
    """
    if role not in TRAINING_ROLES:
        raise ValueError(f"not a training role: {role!r} (one of {', '.join(TRAINING_ROLES)})")
    o = ctx.options
    trainer = ctx.trainer_of(role)
    graceful = trainer in GRACEFUL_STOP_TRAINERS and profile.num_gpus <= 1
    array = len(folds) > 1
    variables = {_FOLD_TOKEN: _FOLD_VARIABLE} if array else None
    fold = _FOLD_TOKEN if array else folds[0]
    fctx = dataclasses.replace(ctx, options=dataclasses.replace(o, fold=fold))
    gpus_flag = ["-num_gpus", str(profile.num_gpus)] if profile.num_gpus > 1 else []
    if role == "pretrain":
        fold_dir = ctx.pretrain_fold_dir
        first = pretrain_argv(ctx, resume=False) + gpus_flag
        resume = pretrain_argv(ctx, resume=True) + gpus_flag
        # Only nnU-Net's final validation, for a training killed during it (on one GPU).
        validate = pretrain_argv(ctx, resume=False, validate=True)
        what = f"pretraining on {ctx.pretrain.name} (fold all, plans '{o.plans_name}')"
        env = ctx.training_env()
    elif role == "finetune":
        fold_dir = fctx.finetune_fold_dir
        first = finetune_argv(fctx, resume=False) + gpus_flag
        resume = finetune_argv(fctx, resume=True) + gpus_flag
        validate = finetune_argv(fctx, resume=False, validate=True)
        preset = ("" if o.finetune_preset == DEFAULT_PRESET
                  else f" with the '{o.finetune_preset}' preset")
        source = (f"the model {ctx.source_model.display_name}" if ctx.source_model is not None
                  else "the pretrained weights")
        what = (f"fine-tuning on {ctx.finetune.name} (plans '{o.finetune_plans}') from "
                f"{source}{preset}, " + (f"folds {' '.join(folds)} as a job array"
                                         if array else f"fold {folds[0]}"))
        env = ctx.finetune_env()
    else:
        fold_dir = fctx.baseline_fold_dir
        first = baseline_argv(fctx, resume=False) + gpus_flag
        resume = baseline_argv(fctx, resume=True) + gpus_flag
        validate = baseline_argv(fctx, resume=False, validate=True)
        what = (f"from-scratch baseline on {ctx.finetune.name} (plans '{o.finetune_plans}', no "
                "pretrained weights), " + (f"folds {' '.join(folds)} as a job array"
                                           if array else f"fold {folds[0]}"))
        env = ctx.training_env()
    signal = graceful
    lines = _header(profile, name=name, chain_dir=chain_dir, training=True,
                    output_pattern="%x-%A_%a.out" if array else "%x-%j.out",
                    array=f"0-{len(folds) - 1}" if array else None, signal=signal)
    lines += ["#", f"# nnFT: {what}; {o.configuration}, trainer {trainer}, device {o.device}."]
    if graceful:
        lines += [
            f"# {profile.signal_seconds_before_end} s before the time limit Slurm sends SIGUSR1; "
            "nnU-Net checkpoints and stops,",
            "# and this job requeues itself. Every start continues from the last checkpoint "
            "(--c).",
        ]
    else:
        reason = (f"-num_gpus {profile.num_gpus} (DDP)" if profile.num_gpus > 1
                  else f"{trainer} has no signal handling")
        lines += [
            f"# No graceful stop: {reason}. At the time limit the job is killed; nnU-Net writes",
            "# checkpoint_latest.pth every 50 epochs, and a new submission continues with --c.",
        ]
    lines += [""]
    lines += _environment_lines(ctx, profile, env)
    lines += [""]
    if array:
        lines += ["# Array task i trains fold FOLDS[i].",
                  f"FOLDS=({' '.join(shlex.quote(f) for f in folds)})",
                  f'{_FOLD_VARIABLE}="${{FOLDS[$SLURM_ARRAY_TASK_ID]}}"']
    lines.append(f"FOLD_DIR={_bash_word(str(fold_dir), variables)}")
    if role == "finetune":
        lines.append(f"PRETRAINED={_bash_word(str(ctx.pretrained_checkpoint))}")
    # After the fold is known: an array task's hook names its own fold (set -u: a variable used
    # before it is set ends the job).
    lines += ["", *hook_array_line(fctx, fresh=False,
                                   quote=lambda argv: _bash_command(argv, variables))]
    lines += ["", _started_line(role if not array else f"{role} fold ${{{_FOLD_VARIABLE}}}"), ""]
    before, wait, after = _stop_and_requeue_lines(graceful)
    lines += (before + [""]) if before else []
    # Finished means trained and validated (validation/summary.json, written last by nnU-Net's
    # final validation), unless the quick trial's final validation is switched off; nnFT's
    # trainers also log a deliberate skip, which `nnft run` and the wizard accept as well.
    validation_wanted = not (o.is_quick_trial and not o.final_validation)
    lines += [
        f"VALIDATION_WANTED={1 if validation_wanted else 0}",
        "finished() {",
        '    [ -f "$FOLD_DIR/checkpoint_final.pth" ] && '
        '{ [ "$VALIDATION_WANTED" = 0 ] || [ -f "$FOLD_DIR/validation/summary.json" ]; }',
        "}",
        "if finished; then",
        '    echo "nnFT: finished: $FOLD_DIR/checkpoint_final.pth exists already"',
        "    exit 0",
        "fi",
    ]
    resumable = ('{ [ -f "$FOLD_DIR/checkpoint_latest.pth" ] || '
                 '[ -f "$FOLD_DIR/checkpoint_best.pth" ]; }')
    # Trained but not validated (stopped or killed during nnU-Net's final validation): only the
    # validation runs; the training is not repeated.
    validate_first = [
        'if [ -f "$FOLD_DIR/checkpoint_final.pth" ]; then',
        f"    TRAIN=({_bash_command(validate, variables)})",
        "    return",
        "fi",
    ]
    if role == "pretrain":
        choose = [
            *validate_first,
            f"if {resumable[2:-3]}; then",
            "    # Continue from the last checkpoint.",
            f"    TRAIN=({_bash_command(resume, variables)})",
            "else",
            f"    TRAIN=({_bash_command(first, variables)})",
            "fi",
        ]
    elif role == "baseline":
        choose = [
            *validate_first,
            f'if {resumable} && [ -f "$FOLD_DIR/{RUN_MARKER}" ]; then',
            "    # Continue the baseline from its last checkpoint (the before hook refuses a",
            "    # folder whose marker is not the baseline's).",
            f"    TRAIN=({_bash_command(resume, variables)})",
            "else",
            f"    TRAIN=({_bash_command(first, variables)})",
            "fi",
        ]
    else:
        choose = [
            *validate_first,
            f'if {resumable} && [ -f "$FOLD_DIR/{RUN_MARKER}" ]; then',
            "    # Continue from the last checkpoint: it holds the pretrained weights already",
            "    # (nnU-Net refuses --c together with -pretrained_weights).",
            f"    TRAIN=({_bash_command(resume, variables)})",
            "else",
            '    if [ ! -f "$PRETRAINED" ]; then',
            '        echo "nnFT: failed: the pretrained weights $PRETRAINED do not exist"',
            "        exit 1",
            "    fi",
            f"    TRAIN=({_bash_command(first, variables)})",
            "fi",
        ]
    # nnFT's guards and markers around the command, as `nnft run` runs them (the same hook):
    # before a first fine-tuning or baseline start the run marker (where the weights come
    # from, or that there were none; read by `nnft run` and the wizard); before any start,
    # checkpoints cut off by a killed run are moved to the backup, and the command is chosen
    # again without them.
    hook = f'"${{{HOOK_ARRAY}[@]}}"'
    before_hook = [f'    {hook} before {role} -- "${{TRAIN[@]}}" || {{',
                   '        echo "nnFT: failed: nnFT refused to start the training (see above)"',
                   "        exit 1",
                   "    }"]
    lines += ["choose_training() {", *(f"    {line}" for line in choose), "}",
              "start_training() {", "    choose_training", *before_hook,
              '    local chosen="${TRAIN[*]}"',
              "    choose_training",
              '    if [ "${TRAIN[*]}" != "$chosen" ]; then',
              *(f"    {line}" for line in before_hook),
              "    fi",
              "}",
              "start_training"]
    lines += ['echo "nnFT: running: ${TRAIN[*]}"']
    lines += wait + [""]
    lines += [
        'if finished && [ "$status" = 0 ]; then',
        f'    {hook} after {role} -- "${{TRAIN[@]}}" || {{',
        '        echo "nnFT: failed: the training ended, but its outputs are incomplete"',
        "        exit 1",
        "    }",
        '    echo "nnFT: finished: $FOLD_DIR/checkpoint_final.pth"',
        "    exit 0",
        "fi",
    ]
    lines += after
    lines += ['echo "nnFT: failed: nnUNetv2_train ended with status $status"',
              'exit "$(( status == 0 ? 1 : status ))"', ""]
    return "\n".join(lines), training_fold_dirs(ctx, role, folds)


def training_fold_dirs(ctx: ChainContext, role: str, folds: Sequence[str]) -> dict[str, str]:
    """Fold → the results folder the training of ``role`` writes into: the pretraining's
    fold ``all``, the fine-tuning preset's folder, or the baseline's."""
    if role == "pretrain":
        return {"all": str(ctx.pretrain_fold_dir)}
    dirs = {}
    for fold in folds:
        fctx = dataclasses.replace(ctx, options=dataclasses.replace(ctx.options, fold=fold))
        dirs[fold] = str(fctx.finetune_fold_dir if role == "finetune"
                         else fctx.baseline_fold_dir)
    return dirs
