"""Integration fixtures: the real nnU-Net chain on the demo workspace, on the CPU.

The chain runs once per session (about 1.5 minutes on 2 cores) and the tests assert on what it
left on disk. Tests that change the workspace use their own copy. ``compared_run`` adds nnU-Net's
final validation of the fine-tuning and of its from-scratch baseline (in a copy), for the tests
of the real Dice comparison, the results page and the report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnft.core.checks import preflight
from nnft.core.demo import DemoWorkspace, write_demo_workspace
from nnft.core.steps import ChainContext, RunOptions, baseline_argv, finetune_argv
from nnft.core.workspace import Workspace

PLANS_NAME = "nnUNetPlans_pretrain_for_Dataset002"
TRIAL_ARGS = ["--config", "2d", "--epochs", "2", "--iterations", "3", "--device", "cpu",
              "--no-final-validation"]


def nnft(*args: str, timeout: float = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``nnft`` command line in a child process."""
    return subprocess.run([sys.executable, "-m", "nnft.core.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def tree_checksums(root: Path) -> dict[str, str]:
    """sha256 of every file and a marker for every folder under root."""
    sums: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_dir():
            sums[rel] = "<dir>"
        elif path.is_file():
            sums[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


@dataclass
class ChainRun:
    demo: DemoWorkspace
    result: subprocess.CompletedProcess

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr


@pytest.fixture(scope="session")
def chain_run(tmp_path_factory) -> ChainRun:
    root = tmp_path_factory.mktemp("chain") / "demo workspace ü"  # spaces + non-ASCII on purpose
    demo = write_demo_workspace(root)
    env = dict(os.environ)
    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        env.pop(variable, None)
    # --baseline: the chain also trains the fine-tuning dataset from scratch (fold 0), so
    # that the comparison tests have both runs.
    result = nnft("run", "--workspace", str(demo.root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, "--baseline", env=env)
    return ChainRun(demo, result)


@dataclass
class ComparedRun:
    """A copy of ``chain_run``'s workspace whose fine-tuning and baseline (fold 0) have
    nnU-Net's final validation: both ``validation/summary.json`` exist.

    Attributes
    ----------
    demo
        The copied workspace (its own paths: ``demo.root``, ``demo.results``, ...).
    ctx
        The chain's context in the copy (``ctx.finetune_fold_dir``, ``ctx.baseline_fold_dir``).
    commands
        The two ``nnUNetv2_train ... --val`` argv lists that were run, fine-tuning first.
    """

    demo: DemoWorkspace
    ctx: ChainContext
    commands: list[list[str]]

    @property
    def finetune_summary(self) -> Path:
        return self.ctx.finetune_fold_dir / "validation" / "summary.json"

    @property
    def baseline_summary(self) -> Path:
        return self.ctx.baseline_fold_dir / "validation" / "summary.json"


#: The run options of ``chain_run`` (TRIAL_ARGS + --baseline) with the final validation on.
CHAIN_OPTIONS = RunOptions(configuration="2d", plans_name=PLANS_NAME, device="cpu",
                           trial_epochs=2, trial_iterations=3, final_validation=True,
                           baseline=True, preprocessing_workers=1)


@pytest.fixture(scope="session")
def compared_run(chain_run, tmp_path_factory) -> ComparedRun:
    """``chain_run`` (fine-tuning + from-scratch baseline, fold 0, 2d, 2 epochs x 3
    iterations, trained with ``--no-final-validation``), copied, then nnFT's "Finish
    validation": the real ``nnUNetv2_train ... --val`` of the fine-tuning and of the baseline
    (argv from ``finetune_argv``/``baseline_argv(validate=True)``, the workspace's child
    environment + the chain's training environment with ``NNFT_TRIAL_FINAL_VALIDATION=1``).

    Read-only for the tests that use it (copy ``demo.root`` to change anything). Costs about
    40 s on 2 cores on top of ``chain_run`` (two nnU-Net start-ups, 3 validation cases each).
    """
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path_factory.mktemp("compared") / "demo workspace ü"
    shutil.copytree(chain_run.demo.root, root)
    demo = dataclasses.replace(chain_run.demo, root=root, raw=root / "nnUNet_raw",
                               preprocessed=root / "nnUNet_preprocessed",
                               results=root / "nnUNet_results")
    workspace = Workspace.from_root(root)
    checked = preflight(workspace, "1", "2", CHAIN_OPTIONS, check_weights=False)
    ctx = checked.context
    assert ctx is not None, checked.problems
    env = workspace.child_environment(extra=ctx.training_env())
    assert env["NNFT_TRIAL_FINAL_VALIDATION"] == "1"
    commands = [finetune_argv(ctx, resume=False, validate=True),
                baseline_argv(ctx, resume=False, validate=True)]
    for argv in commands:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (argv, done.stdout[-3000:], done.stderr[-3000:])
    return ComparedRun(demo, ctx, commands)


# -- a small real disk: a tmpfs in a private mount namespace ---------------------------------
#: How the command's own failure to mount is told apart from the command's exit status.
_MOUNT_FAILED_STATUS = 97
_MOUNT_THEN_RUN = ('mount -t tmpfs -o size="$1" tmpfs "$2" || { echo "small_disk: mounting a '
                   'tmpfs at $2 failed" >&2; exit 97; }; shift 2; exec "$@"')


@dataclass(frozen=True)
class SmallDisk:
    """Runs a command with a tmpfs of a given size mounted at a folder, in a private mount
    namespace (``unshare -m``, or ``unshare -rm`` unprivileged): the mount exists only for
    that process tree and its files vanish when it ends; the machine's mounts are untouched.

    Attributes
    ----------
    unshare
        The ``unshare`` argv prefix that could mount here.
    """

    unshare: tuple[str, ...]

    def run(self, argv: list[str], folder: Path, size_bytes: int, *, env: dict | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
        """``argv`` with ``folder`` (an existing folder) on a disk of ``size_bytes``."""
        result = subprocess.run([*self.unshare, "sh", "-c", _MOUNT_THEN_RUN, "sh",
                                 str(size_bytes), str(folder), *argv], capture_output=True,
                                text=True, timeout=timeout, env=env)
        if result.returncode == _MOUNT_FAILED_STATUS and "small_disk:" in result.stderr:
            pytest.fail(f"{' '.join(self.unshare)} could not mount the tmpfs: {result.stderr}")
        return result


def _find_small_disk(probe_folder: Path) -> tuple[SmallDisk | None, str]:
    """The ``unshare`` that can mount a tmpfs here, or None and why none can."""
    if not sys.platform.startswith("linux"):
        return None, f"mount namespaces are Linux only (this is {sys.platform})"
    if shutil.which("unshare") is None:
        return None, "the unshare command (util-linux) is not installed"
    reasons: list[str] = []
    for unshare in (("unshare", "-m"), ("unshare", "-rm")):
        try:
            probe = subprocess.run([*unshare, "sh", "-c", _MOUNT_THEN_RUN, "sh", "1000000",
                                    str(probe_folder), "true"], capture_output=True, text=True,
                                   timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            reasons.append(f"{' '.join(unshare)}: {exc}")
            continue
        if probe.returncode == 0:
            return SmallDisk(unshare), ""
        reasons.append(f"{' '.join(unshare)}: exit {probe.returncode}: "
                       f"{(probe.stderr or probe.stdout).strip()}")
    return None, "; ".join(reasons)


@pytest.fixture(scope="session")
def small_disk(tmp_path_factory) -> SmallDisk:
    """A :class:`SmallDisk` runner. Where no namespace can mount (no root, user namespaces
    disabled): a failure in CI (``CI=true``), so that the full-disk tests never pass unseen
    there, and a skip with the reason elsewhere."""
    found, reason = _find_small_disk(tmp_path_factory.mktemp("small_disk_probe"))
    if found is None:
        message = f"no private mount namespace for a small tmpfs disk: {reason}"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return found
