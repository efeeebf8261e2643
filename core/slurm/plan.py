"""A chain planned as Slurm jobs: folds, what stands in the way (:func:`slurm_problems`), the
jobs' scripts (:func:`plan_slurm_chain`) and the export as one bash file."""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nnft.core import problems as P
from nnft.core.i18n import text
from nnft.core.problems import SLURM_NO_GRACEFUL_STOP, SLURM_OPTIONS_INVALID, Problem
from nnft.core.steps import (
    FOLDS,
    GRACEFUL_STOP_TRAINERS,
    PREPARE,
    ChainContext,
    build_chain,
    definition,
    range_text,
    training_finished,
)
from nnft.core.steps.export import chain_header_lines
from nnft.core.workspace import Workspace

from .commands import SlurmConfigError
from .profiles import SlurmProfile
from .scripts import (
    _END_OF_SCRIPT,
    JobScript,
    prepare_script,
    training_roles,
    training_script,
)

SLURM_FOLDER_NAME = "slurm"


@dataclass
class SlurmChain:
    """The jobs of one chain, ready to be written and submitted (:func:`submit_chain`)."""

    ctx: ChainContext
    profile: SlurmProfile
    folds: tuple[str, ...]
    chain_id: str
    chain_dir: Path
    jobs: list[JobScript]
    problems: list[Problem] = field(default_factory=list)

    def job(self, role: str) -> JobScript | None:
        return next((j for j in self.jobs if j.role == role), None)


def parse_folds(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"0,1,2"`` / ``"0-4"`` / ``"all"`` / ``["0", "3"]`` → folds, in the given order.

    ``all`` is nnU-Net's fold ``all`` (train on every case); ``0-4`` gives the five
    cross-validation folds. Raises ValueError for anything else or a repeated fold.
    """
    parts = text.split(",") if isinstance(text, str) else [str(t) for t in text]
    folds: list[str] = []
    for part in (p.strip() for p in parts):
        if re.fullmatch(r"\d+-\d+", part):
            first, last = (int(x) for x in part.split("-"))
            folds += [str(i) for i in range(first, last + 1)]
        elif part:
            folds.append(part)
    wrong = [f for f in folds if f not in FOLDS]
    if not folds or wrong:
        raise ValueError(f"folds {', '.join(wrong) or '(none)'} do not exist: give 0-4 "
                         "(cross-validation folds, e.g. 0,1,2,3,4 or 0-4) or all")
    if len(set(folds)) != len(folds):
        raise ValueError(f"a fold is repeated in {','.join(folds)}")
    return tuple(folds)


def slurm_problems(ctx: ChainContext, profile: SlurmProfile,
                   folds: Sequence[str]) -> list[Problem]:
    """What stands in the way of this chain as cluster jobs (errors) and what the user should
    know (warnings). Independent of Slurm being installed here."""
    found = list(profile.problems())
    o = ctx.options
    if o.device == "cuda" and profile.gpus < 1:
        found.append(P.error(
            SLURM_OPTIONS_INVALID,
            text("The training runs on cuda, but the jobs request no GPU (--gpus 0)."),
            text("Request GPUs (--gpus 1), or train on the CPU (--device cpu) for a quick "
                 "trial.")))
    if profile.num_gpus > 1 and o.device != "cuda":
        found.append(P.error(
            SLURM_OPTIONS_INVALID,
            text("-num_gpus {num_gpus} (nnU-Net's multi-GPU training) needs --device cuda, "
                 "not {device}.", num_gpus=profile.num_gpus, device=o.device),
            text("Use --device cuda, or --num-gpus 1.")))
    if o.device != "cuda" and profile.gpus > 0:
        found.append(P.warning(
            SLURM_OPTIONS_INVALID,
            text("The jobs request {gpus} GPU(s) but train on {device}.", gpus=profile.gpus,
                 device=o.device),
            text("Use --device cuda, or --gpus 0 for CPU-only jobs.")))
    # Each training job runs its own step's trainer (the fine-tuning preset's, the baseline's).
    roles = training_roles(ctx)
    lacking = [role for role in roles if ctx.trainer_of(role) not in GRACEFUL_STOP_TRAINERS]
    if lacking:
        names = list(dict.fromkeys(ctx.trainer_of(role) for role in lacking))
        # Singular and plural are whole templates (a translation has its own grammar).
        jobs = " and ".join(lacking)
        which = "" if len(lacking) == len(roles) else (
            text(", which the {jobs} jobs run", jobs=jobs) if len(lacking) > 1
            else text(", which the {jobs} job runs", jobs=jobs))
        trainers = " and ".join(names)
        lack = (text("{trainers} has no signal handling", trainers=trainers) if len(names) == 1
                else text("{trainers} have no signal handling", trainers=trainers))
        found.append(P.warning(
            SLURM_NO_GRACEFUL_STOP,
            text("{trainers_lack} (nnU-Net 2.8.1 has none){which}: a training job cannot "
                 "checkpoint when its time limit comes, so it is not requeued to continue; "
                 "nnU-Net only writes checkpoint_latest.pth every 50 epochs.",
                 trainers_lack=lack, which=which),
            text("Use --trainer nnFTTrainer (nnU-Net's training plus a graceful stop on "
                 "SIGUSR1), or ask for a time limit longer than the whole training. A new "
                 "'nnft submit' continues an interrupted training with --c.")))
    elif profile.num_gpus > 1:
        found.append(P.warning(
            SLURM_NO_GRACEFUL_STOP,
            text("With -num_gpus {num_gpus} nnFT's graceful stop cannot be used (nnU-Net's "
                 "DDP parent process has no signal handler): the jobs do not checkpoint at the "
                 "time limit and are not requeued.", num_gpus=profile.num_gpus),
            text("Ask for a time limit longer than the training, or train on one GPU per job. "
                 "A new 'nnft submit' continues an interrupted training with --c.")))
    try:
        parse_folds(list(folds))
    except ValueError as exc:
        found.append(P.error(P.FOLD_INVALID, text("Fine-tuning {error}.", error=str(exc)),
                             text("Give e.g. --folds 0,1,2,3,4 (or 0-4), or --folds all.")))
    return found

def source_tag(ctx: ChainContext) -> str:
    """Where the weights come from, in chain ids and job names: ``D001`` (the pretraining
    dataset 1), or ``M001`` (a model trained on dataset 1; ``M`` when its dataset has no id)."""
    if ctx.source_model is None:
        return f"D{ctx.pretrain.dataset_id:03d}"
    match = re.match(r"Dataset(\d{3})_", ctx.source_model.dataset_name)
    return f"M{match.group(1)}" if match else "M"


def new_chain_id(ctx: ChainContext, when: datetime | None = None) -> str:
    """``<YYYYmmdd-HHMMSS>-<source>-D<finetune id>``: sorts by time, names the datasets (the
    source: :func:`source_tag`)."""
    when = when or datetime.now()
    return f"{when:%Y%m%d-%H%M%S}-{source_tag(ctx)}-D{ctx.finetune.dataset_id:03d}"


def slurm_folder(workspace: Workspace) -> Path:
    """``nnUNet_results/nnFT/slurm``: one folder per submitted chain."""
    return workspace.state_dir / SLURM_FOLDER_NAME


def plan_slurm_chain(ctx: ChainContext, profile: SlurmProfile | None = None,
                     folds: Sequence[str] | None = None, *, chain_id: str | None = None,
                     chain_dir: Path | None = None, skip_done: bool = False) -> SlurmChain:
    """The job scripts of the chain.

    Parameters
    ----------
    ctx
        The chain (from preflight); ``ctx.options.fold`` is the fold unless ``folds`` is given.
    profile
        Resources and set-up; default :class:`SlurmProfile`.
    folds
        Fine-tuning folds (and the from-scratch baseline's, when the options ask for one);
        more than one gives a job array.
    chain_id, chain_dir
        Where scripts and job logs go (default ``nnUNet_results/nnFT/slurm/<chain id>``).
    skip_done
        Leave out what is done on disk now (preparation steps, a finished pretraining, finished
        folds of the fine-tuning and of the baseline), as ``nnft run`` skips it: for
        submitting from this machine. Off for an export, whose script runs from scratch.

    Raises
    ------
    SlurmConfigError
        With the problems of severity error (e.g. -num_gpus larger than the GPUs requested).
    """
    profile = profile or SlurmProfile()
    folds = tuple(folds) if folds else (str(ctx.options.fold),)
    problems = slurm_problems(ctx, profile, folds)
    if P.has_errors(problems):
        raise SlurmConfigError([p for p in problems if p.is_error])
    chain_id = chain_id or new_chain_id(ctx)
    chain_dir = Path(chain_dir) if chain_dir else slurm_folder(ctx.workspace) / chain_id
    short_pt = source_tag(ctx)
    short_ft = f"D{ctx.finetune.dataset_id:03d}"
    jobs: list[JobScript] = []

    steps = build_chain(ctx, fresh=not skip_done)
    prepare = [s for s in steps if s.group == PREPARE]
    if skip_done:
        prepare = [s for s in prepare if not s.is_done()]
    if prepare:
        name = f"nnft-prepare-{short_pt}-{short_ft}"
        jobs.append(JobScript("prepare", name, "1_prepare.sbatch",
                              prepare_script(ctx, profile, chain_dir, name, prepare,
                                             fresh=not skip_done),
                              steps=tuple(s.key for s in prepare)))

    # Done means trained *and* validated (a job killed during nnU-Net's final validation left
    # checkpoint_final.pth only): the job then runs the validation alone (--val). A chain that
    # fine-tunes from a model has no pretraining: the fine-tuning waits for the preparation.
    pretrain_done = ctx.from_model or (skip_done
                                       and training_finished(ctx, ctx.pretrain_fold_dir))
    if not pretrain_done:
        name = f"nnft-pretrain-{short_pt}"
        text, fold_dirs = training_script(ctx, profile, chain_dir, role="pretrain", name=name,
                                           folds=("all",))
        jobs.append(JobScript("pretrain", name, "2_pretrain.sbatch", text,
                              after="prepare" if prepare else None, folds=("all",),
                              fold_dirs=fold_dirs, steps=("pretrain",), trainer=ctx.trainer))

    todo = _folds_to_train(ctx, "finetune", folds, skip_done)
    if todo:
        name = f"nnft-finetune-{short_ft}"
        text, fold_dirs = training_script(ctx, profile, chain_dir, role="finetune", name=name,
                                           folds=todo)
        after = "pretrain" if not pretrain_done else ("prepare" if prepare else None)
        jobs.append(JobScript("finetune", name, "3_finetune.sbatch", text, after=after,
                              folds=todo, fold_dirs=fold_dirs, steps=("finetune",),
                              trainer=ctx.finetune_trainer))

    # The from-scratch baseline needs only the fine-tuning dataset's preprocessed data (step
    # 1, in the preparation job), not the pretraining: it waits for the preparation alone and
    # runs alongside the pretraining when the cluster has room.
    todo = _folds_to_train(ctx, "baseline", folds, skip_done) \
        if "baseline" in training_roles(ctx) else ()
    if todo:
        name = f"nnft-baseline-{short_ft}"
        text, fold_dirs = training_script(ctx, profile, chain_dir, role="baseline", name=name,
                                           folds=todo)
        jobs.append(JobScript("baseline", name, "4_baseline.sbatch", text,
                              after="prepare" if prepare else None, folds=todo,
                              fold_dirs=fold_dirs, steps=("baseline",),
                              trainer=ctx.baseline_trainer))
    return SlurmChain(ctx, profile, folds, chain_id, chain_dir, jobs,
                      [p for p in problems if not p.is_error])


def _folds_to_train(ctx: ChainContext, key: str, folds: tuple[str, ...],
                    skip_done: bool) -> tuple[str, ...]:
    """``folds``, without those whose step ``key`` (``finetune``/``baseline``) is done on disk
    (its own ``is_done``: trained, validated, and nnFT's marker says it is that run) when
    ``skip_done``."""
    if not skip_done:
        return folds
    step = definition(key, ctx.from_model)
    return tuple(fold for fold in folds if not step.is_done(dataclasses.replace(
        ctx, options=dataclasses.replace(ctx.options, fold=fold))))


def export_slurm_text(ctx: ChainContext, profile: SlurmProfile | None = None,
                      folds: Sequence[str] | None = None, *, chain_id: str | None = None,
                      chain_dir: Path | None = None) -> str:
    """The chain as one plain bash file that writes the job scripts and submits them.

    ``bash FILE`` on the cluster's login node writes ``<chain dir>/*.sbatch`` (the same scripts
    ``nnft submit`` writes) and submits them with ``sbatch --parsable`` and
    ``--dependency=afterok``. The scripts run from scratch: no step is left out.

    Raises
    ------
    SlurmConfigError
        As :func:`plan_slurm_chain`.
    """
    chain = plan_slurm_chain(ctx, profile, folds, chain_id=chain_id, chain_dir=chain_dir)
    baseline = (f", and train {ctx.finetune.name} from scratch as a baseline"
                if chain.job("baseline") else "")
    lines = [
        "#!/usr/bin/env bash",
        *chain_header_lines(ctx, f" as SLURM jobs{baseline}"),
        "# Run it with bash on the cluster's login node: it writes the job scripts below into",
        "# the chain folder and submits them, each waiting for the job it needs (afterok).",
    ]
    for job in chain.jobs:
        what = {"prepare": f"steps {range_text(PREPARE, dash='-', from_model=ctx.from_model)} "
                           "on the CPU",
                "pretrain": f"pretraining, fold all, trainer {job.trainer}",
                "finetune": f"fine-tuning, fold(s) {' '.join(job.folds)}, trainer {job.trainer}",
                "baseline": f"from-scratch baseline, fold(s) {' '.join(job.folds)}, trainer "
                            f"{job.trainer} (after the preparation only)"}[job.role]
        lines.append(f"#   {job.filename}: {what}")
    for problem in chain.problems:
        lines.append(f"# {problem.severity.value.upper()} [{problem.code}] {problem.message}")
    lines += ["set -euo pipefail", "",
              f"CHAIN_DIR={shlex.quote(str(chain.chain_dir))}", 'mkdir -p "$CHAIN_DIR"']
    for job in chain.jobs:
        lines += ["", f'cat > "$CHAIN_DIR/{job.filename}" <<\'{_END_OF_SCRIPT}\'',
                  job.text.rstrip("\n"), _END_OF_SCRIPT]
    lines.append("")
    for job in chain.jobs:
        variable = job.role
        dependency = f" --dependency=afterok:${job.after}" if job.after else ""
        lines += [f'{variable}=$(sbatch --parsable{dependency} "$CHAIN_DIR/{job.filename}")',
                  f"{variable}=${{{variable}%%;*}}",
                  f'echo "{job.role}: job ${variable}"']
    lines.append('echo "Job logs: $CHAIN_DIR"')
    return "\n".join(lines) + "\n"
