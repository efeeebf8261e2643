"""The chain as a plain, readable bash script with the exact commands."""

from __future__ import annotations

import shlex

from nnft.core.workspace import trainers_folder

from .base import Step
from .context import ChainContext


def export_bash(ctx: ChainContext, steps: list[Step]) -> str:
    """The chain as a plain, readable bash script with the exact commands."""
    ws = ctx.workspace
    lines = [
        "#!/usr/bin/env bash",
        f"# nnFT: pretrain on {ctx.pretrain.name} and fine-tune on {ctx.finetune.name} "
        f"({ctx.options.configuration}).",
        "# Plans flow fine-tuning -> pretraining (-s FINETUNE -t PRETRAIN); weights flow back.",
        "set -euo pipefail",
        "",
    ]
    for variable, folder in ws.roots().items():
        lines.append(f"export {variable}={shlex.quote(str(folder))}")
    # nnFT's trainers (quick trial, graceful stop) are found by nnU-Net through this variable.
    lines.append(f"export nnUNet_extTrainer={shlex.quote(str(trainers_folder()))}")
    for i, step in enumerate(steps, 1):
        lines += ["", f"# {step.number or i}. {step.title}", f"# {step.why}"]
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(step.env.items()))
        lines.append(f"{env} {step.command_line()}".strip())
    return "\n".join(lines) + "\n"
