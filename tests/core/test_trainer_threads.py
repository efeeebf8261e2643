"""nnFT's trainers give a CPU training only the CPUs of its job, not every core of the node
(nnU-Net's run_training sets torch to ``multiprocessing.cpu_count()`` threads)."""

from __future__ import annotations

import pytest

trainers = pytest.importorskip("nnft.resources.trainers.nnft_trainers")


@pytest.mark.parametrize(("environ", "affinity", "cpus", "expected"), [
    ({}, 64, 64, 64),                                # a workstation: all of it
    ({"SLURM_CPUS_PER_TASK": "8"}, 64, 64, 8),        # a Slurm job on a big node
    ({"SLURM_CPUS_PER_TASK": "8"}, 4, 64, 4),         # bound to fewer than it asked for
    ({}, 6, 64, 6),                                   # a cpuset / taskset without Slurm
    ({"SLURM_CPUS_PER_TASK": "0"}, 16, 16, 16),       # nonsense is ignored
    ({"SLURM_CPUS_PER_TASK": "lots"}, 16, 16, 16),
    ({"SLURM_CPUS_PER_TASK": "128"}, 16, 16, 16),     # never more than the machine has
])
def test_cpu_threads_allowed(environ, affinity, cpus, expected):
    assert trainers.cpu_threads_allowed(environ, affinity, cpus) == expected


def test_cpu_threads_allowed_reads_this_process_by_default(monkeypatch):
    import os

    monkeypatch.setenv("SLURM_CPUS_PER_TASK", "1")
    assert trainers.cpu_threads_allowed() == 1
    monkeypatch.delenv("SLURM_CPUS_PER_TASK")
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert trainers.cpu_threads_allowed() == expected
