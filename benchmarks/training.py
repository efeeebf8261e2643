"""Row ``training_overhead``: a quick-trial pretraining (2 epochs × 5 iterations, no final
validation, CPU) through ``nnft run`` vs the same ``nnUNetv2_train`` with the same environment
from a plain shell.

Both run on the trained demo workspace after its pretraining fold was deleted, so ``nnft run``
has exactly that one step to do (the others are done and skipped; the fine-tuning's marker still
names the same checkpoint). The anchor's argv and environment are read from
``nnft export --format bash`` (its ``export`` lines and step 6's ``VAR=value`` prefix).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from .common import BenchmarkError, Row, alternate, child_env, expect, run_timed
from .data import QUICK_TRIAL, TrainedWorkspace, nnft_argv

GOAL = 1.02
PRETRAIN_STEP = 6
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def exported_pretraining(root: Path) -> tuple[list[str], dict[str, str]]:
    """Step 6 of ``nnft export --format bash``: its argv and its whole environment."""
    script = expect(run_timed(nnft_argv("export", root, *QUICK_TRIAL, "--format", "bash")),
                    "nnft export", ok=True).output.splitlines()
    env: dict[str, str] = {}
    for line in script:
        if line.startswith("export "):
            name, _, value = shlex.split(line[len("export "):])[0].partition("=")
            env[name] = value
    heading = next((i for i, line in enumerate(script)
                    if line.startswith(f"# {PRETRAIN_STEP}. ")), None)
    if heading is None:
        raise BenchmarkError("nnft export printed no pretraining step")
    # The step's command, not the nnFT hook calls around it ("${NNFT_STEP_HOOK[@]}" ...).
    command = next(line for line in script[heading + 1:]
                   if line and not line.startswith(("#", '"${NNFT_STEP_HOOK')))
    tokens = shlex.split(command)
    while tokens and _ASSIGNMENT.match(tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        env[name] = value
    return tokens, env


def measure(trained: TrainedWorkspace, *, repeats: int = 3) -> Row:
    """Row ``training_overhead``: median seconds of each side over ``repeats`` runs in turns.

    Parameters
    ----------
    trained : TrainedWorkspace
        The workspace whose pretraining fold is deleted and trained again before every run.
    repeats : int
        Runs per side.
    """
    root = trained.get()
    fold_all = trained.pretrain_checkpoint().parent
    argv, env = exported_pretraining(root)
    tails: dict[str, str] = {}

    def through_nnft() -> float:
        shutil.rmtree(fold_all)
        timed = expect(run_timed(nnft_argv("run", root, *QUICK_TRIAL, "--quiet"),
                                 env=child_env(), timeout=1800), "nnft run (pretraining)",
                       ok=True)
        ran = re.findall(r"^\[(\d)/\d+\] .*\n\$ ", timed.output, flags=re.MULTILINE)
        if ran != [str(PRETRAIN_STEP)]:
            raise BenchmarkError(f"nnft run ran steps {ran}, expected only the pretraining:\n"
                                 f"{timed.tail(25)}")
        tails["nnft"] = timed.tail(6)
        return timed.seconds

    def plain() -> float:
        shutil.rmtree(fold_all)
        timed = expect(run_timed(argv, env=child_env(env), timeout=1800),
                       "nnUNetv2_train (pretraining)", ok=True)
        tails["nnunet"] = timed.tail(3)
        return timed.seconds

    (nnft_s, nnft_all), (anchor_s, anchor_all) = alternate(repeats, through_nnft, plain)
    return Row("training_overhead", nnft_s, anchor_s, GOAL, "s",
               details={"nnft_runs_s": nnft_all, "nnunet_train_runs_s": anchor_all,
                        "anchor_argv": argv,
                        "anchor_env": {k: v for k, v in env.items() if not k.startswith("nnUNet_")
                                       or k in ("nnUNet_n_proc_DA", "nnUNet_def_n_proc")},
                        "nnft_output_tail": tails.get("nnft")})
