"""The chain as a plain, readable bash script with the exact commands."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

from nnft.core.workspace import trainers_folder

from .base import Step
from .context import ChainContext
from .hooks import AFTER, BEFORE, hook_prefix

#: The bash array an exported script keeps the hook command in (:func:`hook_array_line`).
HOOK_ARRAY = "NNFT_STEP_HOOK"


def chain_header_lines(ctx: ChainContext, tail: str = "") -> list[str]:
    """The comment lines that open a script of the chain: what it does and which way plans and
    weights flow (``tail`` ends the first line, e.g. ``" as SLURM jobs"``).

    A dataset chain pretrains here (plans: fine-tuning -> pretraining, weights back); a model
    chain fine-tunes from a model someone trained (plans and weights both flow FROM it).
    """
    configuration = ctx.options.configuration
    if ctx.source_model is None:
        return [f"# nnFT: pretrain on {ctx.pretrain.name} and fine-tune on {ctx.finetune.name} "
                f"({configuration}){tail}.",
                "# Plans flow fine-tuning -> pretraining (-s FINETUNE -t PRETRAIN); weights "
                "flow back."]
    model = ctx.source_model
    return [f"# nnFT: fine-tune on {ctx.finetune.name} ({configuration}) from the model "
            f"{model.display_name}{tail}.",
            f"# The model: {model.given}" + (f" (in the zip: {model.member})"
                                              if model.member else ""),
            "# Plans and weights flow from the model: its plans go to "
            f"{ctx.finetune.name} as '{ctx.options.plans_name}', its checkpoint is where the "
            "fine-tuning starts."]


def hook_array_line(ctx: ChainContext, *, fresh: bool, python: str | None = None,
                    quote: Callable[[Sequence[str]], str] = shlex.join) -> list[str]:
    """The lines that define the script's hook command (``nnft step-hook --spec …``) once.

    ``quote`` turns the argv into bash words (the SLURM scripts pass one that expands the fold
    variable of a job array).
    """
    return [
        "# nnFT's records of each step (preprocessing and run markers, the transfer record): the",
        "# same hooks `nnft run` calls around each command, so that the wizard and `nnft run`",
        "# judge what this script did exactly as their own runs. A hook that refuses (it would",
        "# overwrite something nnFT did not make) stops the script before the command runs.",
        f"{HOOK_ARRAY}=({quote(hook_prefix(ctx, fresh=fresh, python=python))})",
    ]


def step_lines(step: Step, command: str,
               quote: Callable[[Sequence[str]], str] = shlex.join) -> list[str]:
    """``command`` (the step's bash line) between the calls of its before and after hooks.

    The hooks get the step's argv; a file operation nnFT does itself (its ``cp`` in a script)
    gets none.
    """
    tail = ["--", *(step.argv or [])]
    return [f'"${{{HOOK_ARRAY}[@]}}" {BEFORE} {step.key} {quote(tail)}', command,
            f'"${{{HOOK_ARRAY}[@]}}" {AFTER} {step.key} {quote(tail)}']


def export_bash(ctx: ChainContext, steps: list[Step], *, fresh: bool = True) -> str:
    """The chain as a plain, readable bash script with the exact commands.

    Parameters
    ----------
    ctx
        The chain.
    steps
        Its steps, as built with ``fresh`` (:func:`~.registry.build_chain`).
    fresh
        The steps were built for a run from scratch (the hooks are told so).
    """
    ws = ctx.workspace
    baseline = (f", and train {ctx.finetune.name} from scratch as a baseline"
                if any(step.key == "baseline" for step in steps) else "")
    lines = ["#!/usr/bin/env bash", *chain_header_lines(ctx, baseline),
             "set -euo pipefail", ""]
    for variable, folder in ws.roots().items():
        lines.append(f"export {variable}={shlex.quote(str(folder))}")
    # nnFT's trainers (quick trial, graceful stop) are found by nnU-Net through this variable.
    lines.append(f"export nnUNet_extTrainer={shlex.quote(str(trainers_folder()))}")
    lines += ["", *hook_array_line(ctx, fresh=fresh)]
    for i, step in enumerate(steps, 1):
        lines += ["", f"# {step.number or i}. {step.title}", f"# {step.why}"]
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(step.env.items()))
        lines += step_lines(step, f"{env} {step.command_line()}".strip())
    return "\n".join(lines) + "\n"
