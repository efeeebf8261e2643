"""The cluster's preflight and plan of a chain: what ``nnft submit``, ``nnft export --format
slurm`` and the wizard's Cluster page do before anything is written."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from nnft.core import problems as P
from nnft.core.checks import finetune_fold_problem, preflight
from nnft.core.datasets import largest_image_voxels
from nnft.core.i18n import text
from nnft.core.machine import augmentation_workers, preprocessing_workers
from nnft.core.problems import Problem
from nnft.core.steps import RunOptions, baseline_fold_problem
from nnft.core.workspace import Workspace

from .commands import SlurmCommands, SlurmConfigError, parse_memory_mb
from .plan import SlurmChain, parse_folds, plan_slurm_chain
from .profiles import SlurmProfile
from .status import conflicting_chains


def cluster_preflight(workspace: Workspace, pretrain: str, finetune: str, options: RunOptions,
                      profile: SlurmProfile, folds: str | Sequence[str], *,
                      workers: int | None = None, da_workers: int | None = None):
    """Preflight of the chain as cluster jobs: no local device check (the GPUs are on the
    compute nodes), worker counts sized for the profile's CPUs and memory, every fold checked.

    Parameters
    ----------
    workspace, pretrain, finetune, options
        As for :func:`nnft.core.checks.preflight`; ``options.device`` is the jobs' device.
    profile
        The cluster profile (its CPUs and memory size the worker counts).
    folds
        Fine-tuning folds (``"0-4"``, ``"0,1"``, ``("0", "1")``, ``"all"``).
    workers, da_workers
        Preprocessing / augmentation processes; ``None``: sized for the profile.

    Returns
    -------
    (Preflight, folds)
        ``folds`` is None when it is not usable (a problem says why).
    """
    problems: list[Problem] = []
    parsed: tuple[str, ...] | None
    try:
        parsed = parse_folds(folds)
    except ValueError as exc:
        parsed = None
        problems.append(P.error(P.FOLD_INVALID, text("Folds: {error}.", error=str(exc)),
                                text("Give e.g. 0,1,2,3,4 (or 0-4) for a job array, or all.")))
    if parsed:
        options = dataclasses.replace(options, fold=parsed[0])
    result = preflight(workspace, pretrain, finetune, options, check_device_present=False)
    result.problems = problems + result.problems
    ctx = result.context
    if ctx is None:
        return result, parsed
    try:
        memory = parse_memory_mb(profile.mem) * 1024**2 or None
    except ValueError:
        memory = None
    cores = max(1, profile.cpus_per_task)
    if not workers:
        datasets = (ctx.finetune,) if ctx.from_model else (ctx.pretrain, ctx.finetune)
        workers = preprocessing_workers(largest_image_voxels(*datasets),
                                        len(ctx.finetune.channel_names) or 1,
                                        cores=cores, memory_bytes=memory)
    if da_workers is None:
        da_workers = augmentation_workers(ctx.options.device, cores=cores)
    ctx = dataclasses.replace(ctx, options=dataclasses.replace(
        ctx.options, preprocessing_workers=workers, augmentation_workers=da_workers))
    result.context = ctx
    # The preflight checked the first fold's folders; the job array trains the others too.
    for fold in (parsed or ())[1:]:
        fold_ctx = dataclasses.replace(ctx, options=dataclasses.replace(ctx.options, fold=fold))
        for problem in (finetune_fold_problem(fold_ctx), baseline_fold_problem(fold_ctx)):
            if problem is not None:
                result.problems.append(problem)
    return result, parsed


def plan_cluster_chain(workspace: Workspace, pretrain: str, finetune: str,
                       options: RunOptions, profile: SlurmProfile,
                       folds: str | Sequence[str], *, skip_done: bool,
                       slurm: SlurmCommands | None = None, workers: int | None = None,
                       da_workers: int | None = None) -> tuple[SlurmChain | None, list[Problem]]:
    """Check the chain for the cluster and plan its jobs: what ``nnft submit``, ``nnft export
    --format slurm`` and the wizard's Cluster page do before anything is written.

    With ``slurm`` (for submitting), a controller that cannot be reached (Slurm not configured
    here, or down: ``SLURM_NO_CONTROLLER``) is an error before anything else is asked, and
    earlier chains of this workspace that still have jobs training into the same folders are
    errors too. Returns (chain, problems); chain is None when there is an error among the
    problems.
    """
    if slurm is not None:
        unreachable = slurm.controller_problem()
        if unreachable is not None:
            return None, [unreachable]
    result, parsed = cluster_preflight(workspace, pretrain, finetune, options, profile, folds,
                                       workers=workers, da_workers=da_workers)
    problems = list(result.problems)
    if slurm is not None and result.context is not None and parsed:
        problems = conflicting_chains(result.context, parsed, slurm) + problems
    if P.has_errors(problems) or result.context is None or parsed is None:
        return None, problems
    try:
        chain = plan_slurm_chain(result.context, profile, parsed, skip_done=skip_done)
    except SlurmConfigError as exc:
        return None, problems + exc.problems
    return chain, problems + chain.problems
