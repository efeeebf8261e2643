"""A step's hooks as a command: how scripts run outside nnFT keep nnFT's records.

The executor calls each step's ``before_start`` (guards, backups, markers) right before its
command and ``after_done`` (bookkeeping) once it is done. Exported bash scripts and SLURM jobs run
the same nnU-Net commands without the executor, so they call the same hooks through
``nnft step-hook before|after KEY --spec JSON -- ARGV...`` (:func:`hook_argv`): one
implementation, whether the chain ran in the wizard, through ``nnft run`` or from a script. The
wizard and ``nnft run`` then judge a script's results exactly as their own.

``--spec`` carries the chain as JSON (:func:`chain_spec`: the two datasets and every resolved
option), so the hook rebuilds the same :class:`~.context.ChainContext`; the workspace comes from
the ``nnUNet_*`` variables the script exports.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from nnft.core.datasets import inspect_dataset
from nnft.core.workspace import Workspace

from .context import ChainContext, RunOptions
from .model_source import resolve_source_model
from .registry import definition

BEFORE, AFTER = "before", "after"
PHASES = (BEFORE, AFTER)


class StepNotDone(RuntimeError):
    """The after hook found the step's outputs missing or incomplete (nothing was recorded)."""


def chain_spec(ctx: ChainContext) -> dict[str, Any]:
    """The chain as plain JSON data: the datasets' names and every option, as resolved."""
    return {"pretrain": None if ctx.from_model else ctx.pretrain.name,
            "finetune": ctx.finetune.name, "options": dataclasses.asdict(ctx.options)}


def context_from_spec(workspace: Workspace, spec: dict[str, Any]) -> ChainContext:
    """The :class:`ChainContext` of :func:`chain_spec`'s data in ``workspace``.

    Raises
    ------
    ValueError
        When the data is not a chain (a key missing, an unknown option).
    """
    try:
        options = RunOptions(**spec["options"])
        pretrain, finetune = spec["pretrain"], str(spec["finetune"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a chain description ({type(exc).__name__}: {exc})") from exc
    if options.pretrained_model:
        model, problems = resolve_source_model(workspace, options.pretrained_model)
        if model is None:
            raise ValueError("; ".join(p.message for p in problems))
        return ChainContext(workspace, None, inspect_dataset(workspace, finetune), options,
                            model)
    return ChainContext(workspace, inspect_dataset(workspace, str(pretrain)),
                        inspect_dataset(workspace, finetune), options)


def hook_prefix(ctx: ChainContext, *, fresh: bool, python: str | None = None) -> list[str]:
    """The start of every hook command of a script: ``nnft step-hook --spec JSON [--fresh]``.

    Scripts keep it in one bash array and append ``PHASE KEY -- ARGV...`` per step
    (:func:`hook_argv`).

    Parameters
    ----------
    ctx
        The chain.
    fresh
        As the script's steps were built (see :meth:`~.base.StepDefinition.bind`).
    python
        The Python with nnFT (default: the one running now).
    """
    command = [python or sys.executable, "-m", "nnft.core.cli", "step-hook",
               "--spec", json.dumps(chain_spec(ctx), sort_keys=True, separators=(",", ":"))]
    return command + (["--fresh"] if fresh else [])


def hook_argv(ctx: ChainContext, phase: str, key: str, argv: list[str] | None, *,
              fresh: bool, python: str | None = None) -> list[str]:
    """The command that runs step ``key``'s hook ``phase`` (``before``/``after``) for a script.

    ``phase`` is :data:`BEFORE` (the step's ``before_start``) or :data:`AFTER` (``after_done``,
    after checking that the step is done). ``argv`` is the step's command exactly as the script
    runs it (markers record it; some hooks decide by it, e.g. ``--c``), None for a step without
    a command. ``fresh`` and ``python``: as for :func:`hook_prefix`.
    """
    return hook_prefix(ctx, fresh=fresh, python=python) + [phase, key, "--", *(argv or [])]


def run_hook(ctx: ChainContext, phase: str, key: str, argv: list[str] | None, *,
             fresh: bool) -> list[str]:
    """Run step ``key``'s hook ``phase`` as the executor would; return the lines it reports.

    Raises
    ------
    StepRefused
        The step's guard refused to start it (``before``).
    StepNotDone
        ``after``: the step's outputs are missing or incomplete, so nothing is recorded (the
        executor fails such a step too).
    KeyError
        For an unknown step key.
    """
    step = definition(key, ctx.from_model)
    if phase == BEFORE:
        return step.before_start(ctx, argv, fresh) or []
    if phase != AFTER:
        raise ValueError(f"unknown hook phase {phase!r}: give one of {', '.join(PHASES)}")
    if not step.is_done(ctx):
        raise StepNotDone(f"step {step.number} ({key}): its command ended, but its outputs are "
                          "missing or incomplete; nothing was recorded.")
    step.after_done(ctx, argv)
    return []
