"""Slurm installed but not configured (issue 10, item 10): the real client tools find no
cluster, and nnFT says so in plain words with the fix, before anything is written.

The real Slurm clients are run with ``SLURM_CONF`` naming a missing or an empty file, or a
configuration whose controller is not running: they fail as on a workstation where ``slurm-client``
was installed but never set up. The configured case is tests/slurm (a real test cluster)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from nnft.core import problems as P
from nnft.core import slurm as S

needs_clients = pytest.mark.skipif(shutil.which("scontrol") is None or
                                   shutil.which("sbatch") is None,
                                   reason="Slurm's client tools are not installed")


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env.update(changes)
    return env


def test_slurm_conf_naming_a_missing_file_is_said_without_waiting_for_slurm(tmp_path):
    """Slurm retries a missing SLURM_CONF for a minute; nnFT looks at the path first."""
    missing = tmp_path / "nowhere" / "slurm.conf"
    problem = S.SlurmCommands(env=_env(SLURM_CONF=str(missing))).controller_problem()
    assert problem is not None and problem.code == P.SLURM_NO_CONTROLLER and problem.is_error
    assert "not configured" in problem.message
    assert f"SLURM_CONF={missing}, which does not exist" in problem.message
    assert "login node" in problem.fix and "SLURM_CONF" in problem.fix
    assert "partition" not in problem.message + problem.fix


@needs_clients
def test_an_unusable_configuration_is_not_configured(tmp_path):
    empty = tmp_path / "slurm.conf"
    empty.write_text("")
    problem = S.SlurmCommands(env=_env(SLURM_CONF=str(empty))).controller_problem()
    assert problem is not None and problem.code == P.SLURM_NO_CONTROLLER
    assert "not configured" in problem.message and str(empty) in problem.message
    assert "Slurm said: scontrol: fatal: Unable to process configuration file" in \
        problem.message


@needs_clients
def test_a_controller_that_does_not_run_is_named_as_such(tmp_path):
    conf = tmp_path / "slurm.conf"
    conf.write_text("ClusterName=nnft_test\nSlurmctldHost=localhost\nSlurmctldPort=9\n")
    problem = S.SlurmCommands(env=_env(SLURM_CONF=str(conf))).controller_problem(timeout_s=60)
    assert problem is not None and problem.code == P.SLURM_NO_CONTROLLER
    assert "its controller does not answer" in problem.message, problem.message
    assert "scontrol ping" in problem.fix


@needs_clients
def test_sbatchs_own_refusal_is_recognised(tmp_path):
    """What the user saw from sbatch ("... Could not establish a configuration source") is
    told apart from a refusal about partitions or limits."""
    empty = tmp_path / "slurm.conf"
    empty.write_text("")
    env = _env(SLURM_CONF=str(empty))
    sbatch = subprocess.run(["sbatch", "--wrap", "true"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert sbatch.returncode != 0
    problem = S.no_controller_problem(sbatch.stderr, env)
    assert problem is not None and problem.code == P.SLURM_NO_CONTROLLER
    user_saw = ("sbatch: error: fetch_config: DNS SRV lookup failed\n"
                "sbatch: fatal: Could not establish a configuration source")
    assert S.no_controller_problem(user_saw, _env()).code == P.SLURM_NO_CONTROLLER
    assert "SLURM_CONF is not set" in S.no_controller_problem(user_saw, _env()).message
    partition = "sbatch: error: Batch job submission failed: Invalid partition name specified"
    assert S.no_controller_problem(partition, env) is None


@needs_clients
def test_nnft_submit_says_so_and_writes_nothing(tmp_path):
    from nnft.core.demo import write_demo_workspace

    demo = write_demo_workspace(tmp_path / "ws")
    empty = tmp_path / "slurm.conf"
    empty.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "nnft.core.cli", "submit", "--workspace", str(demo.root),
         "--pretrain", "1", "--finetune", "2", "--config", "2d"],
        capture_output=True, text=True, timeout=300, env=_env(SLURM_CONF=str(empty)))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR [SLURM_NO_CONTROLLER]" in result.stderr
    assert "not configured" in result.stderr and "Nothing was submitted." in result.stderr
    assert "partition" not in result.stderr
    assert not (demo.results / "nnFT" / "slurm").exists()
