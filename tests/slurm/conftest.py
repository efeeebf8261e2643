"""A real single-node SLURM cluster for the tests (no mocks).

The session fixture ``slurm_cluster`` installs Debian's ``slurm-wlm`` and ``munge`` when they are
missing (as root, with apt-get), starts a private ``munged`` (own key and socket in a temporary
folder), writes a one-node ``slurm.conf`` (2 CPUs, no GPUs, no accounting storage, job completion
log in a text file) and starts ``slurmctld`` and ``slurmd`` in the foreground as child processes.
It waits by polling ``sinfo`` and stops everything at the end of the session. ``SLURM_CONF`` is
set for the session, so ``sbatch``/``squeue``/... and the jobs themselves talk to this cluster.

Settings that only make the tests faster: ``cred_expire=5`` (Slurm otherwise holds a requeued
job for 120 s before it may start again) and a 2-second scheduler interval.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SLURM_PACKAGES = ["slurm-wlm", "munge"]
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "scontrol", "scancel", "sacct", "sinfo")


def nnft(*args: str, timeout: float = 600, env: dict | None = None
         ) -> subprocess.CompletedProcess:
    """The real ``nnft`` command line (with ``submit``/``jobs``) in a child process."""
    return subprocess.run([sys.executable, "-m", "nnft.core.cli_slurm", *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               interval: float = 0.5):
    """Poll ``predicate`` until it returns something true; fail with ``what`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _which_all(names) -> bool:
    return all(shutil.which(n) or Path("/usr/sbin", n).exists() for n in names)


def _daemon(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin") / name)


def ensure_slurm_installed() -> None:
    """Install slurm-wlm and munge with apt-get if a daemon or client is missing."""
    if _which_all(DAEMONS + CLIENTS):
        return
    if not shutil.which("apt-get"):
        pytest.skip("Slurm is not installed and apt-get is not available to install "
                    f"{' '.join(SLURM_PACKAGES)}")
    if os.geteuid() != 0:
        pytest.skip(f"Slurm is not installed; installing {' '.join(SLURM_PACKAGES)} needs root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    argv = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *SLURM_PACKAGES]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900)
    if result.returncode != 0:
        # No package lists yet (fresh container): update once and try again.
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, text=True, env=env,
                       timeout=900)
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, f"apt-get install failed:\n{result.stdout}\n{result.stderr}"
    assert _which_all(DAEMONS + CLIENTS), "slurm-wlm/munge installed, but commands are missing"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 4096


@dataclass
class SlurmCluster:
    """The running test cluster."""

    root: Path
    conf: Path
    node: str
    partition: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(list(argv), capture_output=True, text=True, env=self.env,
                              timeout=timeout)

    def jobs_in_queue(self) -> list[str]:
        result = self.run("squeue", "--noheader", "--array", "--format=%i")
        return [line.strip() for line in result.stdout.splitlines() if line.strip()]

    def job_info(self, job_id: str) -> dict[str, str]:
        """``scontrol show job`` of one job as a dict (empty once Slurm forgot it)."""
        from nnft.core.slurm import _scontrol_fields

        result = self.run("scontrol", "--oneliner", "show", "job", job_id)
        if result.returncode != 0 or not result.stdout.strip():
            return {}
        return _scontrol_fields(result.stdout.splitlines()[0])

    def log(self, name: str) -> str:
        path = self.root / "log" / name
        return path.read_text(errors="replace") if path.exists() else ""


def _write_conf(root: Path, node: str, munge_socket: Path) -> Path:
    memory = max(1000, min(_memory_mb() // 2, 16000))
    conf = root / "slurm.conf"
    conf.write_text("\n".join([
        "ClusterName=nnfttest",
        f"SlurmctldHost={node}(127.0.0.1)",
        f"SlurmctldPort={_free_port()}",
        f"SlurmdPort={_free_port()}",
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        # cred_expire: a requeued job may start again after 5 s instead of Slurm's 120 s.
        f"AuthInfo=socket={munge_socket},cred_expire=5",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core_Memory",
        "SchedulerType=sched/backfill",
        "SchedulerParameters=sched_interval=2,bf_interval=2",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/filetxt",
        f"JobCompLoc={root / 'log' / 'jobcomp.txt'}",
        "MpiDefault=none",
        "ReturnToService=2",
        "MinJobAge=300",
        "KillWait=10",
        "SlurmdParameters=config_overrides",
        f"SlurmdSpoolDir={root / 'spool'}",
        f"StateSaveLocation={root / 'state'}",
        f"SlurmctldPidFile={root / 'slurmctld.pid'}",
        f"SlurmdPidFile={root / 'slurmd.pid'}",
        f"SlurmctldLogFile={root / 'log' / 'slurmctld.log'}",
        f"SlurmdLogFile={root / 'log' / 'slurmd.log'}",
        f"NodeName={node} NodeAddr=127.0.0.1 CPUs=2 RealMemory={memory} State=UNKNOWN",
        f"PartitionName=debug Nodes={node} Default=YES MaxTime=INFINITE State=UP",
        "",
    ]))
    return conf


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory):
    if os.name != "posix":
        pytest.skip("Slurm runs on Linux only")
    ensure_slurm_installed()
    if os.geteuid() != 0:
        pytest.skip("the test cluster's daemons (munged, slurmctld, slurmd) run as root")
    # A short path: the munge socket's path must fit a Unix socket address (108 bytes).
    root = tmp_path_factory.mktemp("slurm")
    for sub in ("spool", "state", "log", "munge"):
        (root / sub).mkdir()
    munge_dir = root / "munge"
    munge_dir.chmod(0o755)
    key = munge_dir / "munge.key"
    if shutil.which("mungekey") or Path("/usr/sbin/mungekey").exists():
        subprocess.run([_daemon("mungekey"), "--create", f"--keyfile={key}"], check=True,
                       capture_output=True)
    else:
        key.write_bytes(os.urandom(1024))
    key.chmod(0o600)
    socket_path = munge_dir / "munge.socket"
    node = socket.gethostname().split(".")[0]
    conf = _write_conf(root, node, socket_path)
    env = dict(os.environ, SLURM_CONF=str(conf))
    cluster = SlurmCluster(root, conf, node, "debug", env)

    def start(name: str, argv: list[str]) -> None:
        out = open(root / "log" / f"{name}.out", "wb")  # closed with the process
        cluster.processes[name] = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                                   env=env, start_new_session=True)
        out.close()

    previous_conf = os.environ.get("SLURM_CONF")
    try:
        start("munged", [_daemon("munged"), "--foreground", "--force",
                         f"--socket={socket_path}", f"--key-file={key}",
                         f"--pid-file={munge_dir / 'munged.pid'}",
                         f"--log-file={root / 'log' / 'munged.log'}",
                         f"--seed-file={munge_dir / 'munged.seed'}"])
        wait_until(lambda: subprocess.run(["munge", "-n", "-S", str(socket_path)],
                                          capture_output=True).returncode == 0,
                   30, "munged to answer")
        start("slurmctld", [_daemon("slurmctld"), "-D", "-i", "-f", str(conf)])
        start("slurmd", [_daemon("slurmd"), "-D", "-f", str(conf), "-N", node])

        def node_idle() -> bool:
            for name, process in cluster.processes.items():
                if process.poll() is not None:
                    pytest.fail(f"{name} exited ({process.returncode}):\n"
                                f"{cluster.log(name + '.out')[-3000:]}"
                                f"{cluster.log(name + '.log')[-3000:]}")
            result = cluster.run("sinfo", "--noheader", "--format=%T")
            return result.returncode == 0 and "idle" in result.stdout

        wait_until(node_idle, 60, "the Slurm node to become idle")
        os.environ["SLURM_CONF"] = str(conf)
        yield cluster
    finally:
        # Cancel what is left, wait until the jobs (and their processes) are gone, then stop.
        if "slurmctld" in cluster.processes and cluster.processes["slurmctld"].poll() is None:
            left = cluster.jobs_in_queue()
            if left:
                cluster.run("scancel", *{j.split("_")[0] for j in left})
                deadline = time.monotonic() + 60
                while cluster.jobs_in_queue() and time.monotonic() < deadline:
                    time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "munged"):
            if name in cluster.processes:
                _stop(cluster.processes[name])
        if previous_conf is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = previous_conf
