"""Row ``preparation_workers``: the preparation steps 1-5 (plan and preprocess the fine-tuning
dataset, fingerprint the pretraining dataset, move the plans, copy dataset.json, preprocess the
pretraining dataset) as nnFT runs them vs the same commands with nnU-Net's default worker counts.

nnFT: the real ``nnft run`` (its preflight, its worker counts from cores and memory), timed
from its start until it announces step 6 (the pretraining), then cancelled with Ctrl-C as a user
would. Anchor: the five commands ``nnft run --dry-run`` prints for the anchor's own copy of the
data, with ``-np``/``-npfp`` and their values removed and no ``nnUNet_def_n_proc`` in the
environment, run one after the other. Each side gets a fresh copy of the same demo workspace.
"""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

from .common import (
    BenchmarkError,
    Row,
    child_env,
    expect,
    run_timed,
    workspace_env,
)
from .data import QUICK_TRIAL, copy_workspace, demo_workspace, nnft_argv

GOAL = 0.6
PREPARATION_STEPS = 5
WORKER_FLAGS = ("-np", "-npfp")
#: Set by nnFT for its planning steps; an anchor with nnU-Net's defaults must not inherit it.
NNFT_WORKER_VARIABLES = ("nnUNet_def_n_proc", "nnUNet_n_proc_DA")


def time_nnft_preparation(root: Path) -> tuple[float, str]:
    """Seconds from ``nnft run``'s start until it starts step 6; the run is then cancelled."""
    announce_training = re.compile(rf"^\[{PREPARATION_STEPS + 1}/\d+\] ")
    lines: list[str] = []
    start = time.perf_counter()
    proc = subprocess.Popen(nnft_argv("run", root, *QUICK_TRIAL, "--quiet"), env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if announce_training.match(line):
                seconds = time.perf_counter() - start
                break
        else:
            raise BenchmarkError("nnft run ended before its pretraining step (exit "
                                 f"{proc.wait()}):\n" + "\n".join(lines[-20:]))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # nnft cancels the step and its workers
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return seconds, "\n".join(lines[-12:])


def preparation_commands(root: Path) -> list[list[str]]:
    """The first five commands of ``nnft run --dry-run`` for ``root``, as argv lists."""
    timed = expect(run_timed(nnft_argv("run", root, *QUICK_TRIAL, "--dry-run")),
                   "nnft run --dry-run", ok=True)
    commands = [shlex.split(line[2:]) for line in timed.output.splitlines()
                if line.startswith("$ ")]
    if len(commands) < PREPARATION_STEPS:
        raise BenchmarkError(f"nnft run --dry-run listed {len(commands)} commands:\n"
                             f"{timed.tail()}")
    return commands[:PREPARATION_STEPS]


def without_worker_flags(argv: list[str]) -> list[str]:
    """``argv`` with every ``-np``/``-npfp`` and its value(s) removed (nnU-Net's defaults)."""
    kept: list[str] = []
    skipping = False
    for token in argv:
        if token in WORKER_FLAGS:
            skipping = True
            continue
        if skipping and token.isdigit():
            continue
        skipping = False
        kept.append(token)
    return kept


def time_default_workers(root: Path) -> tuple[float, list[str]]:
    """Run the five commands with nnU-Net's default worker counts; total seconds."""
    env = child_env(workspace_env(root), drop=NNFT_WORKER_VARIABLES)
    commands = [without_worker_flags(argv) for argv in preparation_commands(root)]
    total = 0.0
    for argv in commands:
        timed = expect(run_timed(argv, env=env, timeout=1800), shlex.join(argv), ok=True)
        total += timed.seconds
    return total, [shlex.join(argv) for argv in commands]


def measure(work: Path, *, n_pretrain: int = 12, n_finetune: int = 6) -> Row:
    """Row ``preparation_workers``: one run per side (each takes minutes on 2 cores).

    Parameters
    ----------
    work : Path
        Where the demo workspace and its two copies are written.
    n_pretrain, n_finetune : int
        Demo cases of the pretraining and of the fine-tuning dataset.
    """
    source = demo_workspace(work / "preparation_source", n_pretrain=n_pretrain,
                            n_finetune=n_finetune).root
    nnft_s, nnft_tail = time_nnft_preparation(copy_workspace(source, work / "preparation_nnft"))
    anchor_s, anchor_commands = time_default_workers(
        copy_workspace(source, work / "preparation_defaults"))
    return Row("preparation_workers", nnft_s, anchor_s, GOAL, "s",
               details={"cases": {"pretrain": n_pretrain, "finetune": n_finetune},
                        "nnft_output_tail": nnft_tail, "anchor_commands": anchor_commands})
