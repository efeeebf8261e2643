"""Integration fixtures: the real nnU-Net chain on the demo workspace, on the CPU.

The chain runs once per session (about 1.5 minutes on 2 cores) and the tests assert on what it
left on disk. Tests that change the workspace use their own copy.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnft.core.demo import DemoWorkspace, write_demo_workspace

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
    result = nnft("run", "--workspace", str(demo.root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, env=env)
    return ChainRun(demo, result)
