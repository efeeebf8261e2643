"""The chain on a SLURM cluster: profiles, job scripts, submission, job states, cancel.

Three jobs, chained with ``--dependency=afterok``:

1. **prepare** (CPU): steps 1-5 of :func:`nnft.core.pipeline.build_chain`, their exact commands
   (the ``dataset.json`` copy as ``cp``);
2. **pretrain** (GPU, fold ``all``);
3. **finetune**: one job, or a job array with one task per fold.

Training scripts decide at run time between a first start and ``--c`` (a checkpoint in the fold
folder), so a job that is requeued continues where it stopped. With nnFT's trainers (which finish
the epoch, write ``checkpoint_latest.pth`` and exit 0 on SIGUSR1) the scripts ask Slurm for
``--signal=B:USR1@<s>``, forward the signal from the batch shell to ``nnUNetv2_train`` and then
requeue themselves (``scontrol requeue``): a 7-day pretraining survives 24-hour limits.

Slurm is driven through its own commands (``sbatch``, ``squeue``, ``scontrol``, ``sacct``,
``scancel``) as argv lists, never through a shell. Each submitted chain is recorded in
``nnUNet_results/nnFT/slurm/<chain id>/chain.json`` next to its scripts and job logs, so that
:func:`chain_status` (``nnft jobs``, the wizard) can show states and epochs later, also on a
cluster without accounting storage: states then come from ``scontrol`` while Slurm still knows
the job, from ``sacct -c`` (the job completion log), from the job's own log, and finally from
the results on disk.

Nothing here imports Qt; everything a GUI needs is a plain call it can poll from a worker thread
(:func:`list_chains`, :func:`chain_status`, :func:`cancel_chain`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import problems as P
from .pipeline import (
    GRACEFUL_STOP_TRAINERS,
    RUN_MARKER,
    ChainContext,
    RunOptions,
    build_chain,
    finetune_argv,
    has_resumable_checkpoint,
    is_finetuned_from,
    pretrain_argv,
)
from .problems import Problem
from .workspace import Workspace, trainers_folder

# -- problem codes of the cluster path (not produced by preflight) -----------------------------
#: Slurm's commands are not on PATH (or do not answer).
SLURM_NOT_AVAILABLE = "SLURM_NOT_AVAILABLE"
#: A cluster option (profile value, folds, -num_gpus) is not usable.
SLURM_OPTIONS_INVALID = "SLURM_OPTIONS_INVALID"
#: Warning: the training jobs cannot checkpoint on the time-limit signal.
SLURM_NO_GRACEFUL_STOP = "SLURM_NO_GRACEFUL_STOP"
#: sbatch refused a job.
SLURM_SUBMIT_FAILED = "SLURM_SUBMIT_FAILED"
#: Another submitted chain still has jobs queued or running for the same fold folders.
SLURM_CHAIN_ACTIVE = "SLURM_CHAIN_ACTIVE"

SLURM_FOLDER_NAME = "slurm"
RECORD_NAME = "chain.json"
PROFILES_FILE_NAME = "slurm_profiles.json"
RECORD_FORMAT = 1

#: Roles of the jobs of a chain, in order.
ROLES = ("prepare", "pretrain", "finetune")
PREPARE_STEPS = ("plan_finetune", "fingerprint_pretrain", "transfer_plans", "copy_dataset_json",
                 "preprocess_pretrain")
#: Slurm's largest ``--signal`` offset.
MAX_SIGNAL_SECONDS = 65535
#: Exit status of a process killed by SIGUSR1 (128 + 10 on Linux).
_KILLED_BY_USR1 = 138

ACTIVE_STATES = frozenset({"PENDING", "RUNNING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
                           "RESIZING", "SUSPENDED", "COMPLETING", "CONFIGURING", "STOPPED",
                           "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD", "SPECIAL_EXIT"})
FAILED_STATES = frozenset({"FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                           "BOOT_FAIL", "DEADLINE", "PREEMPTED", "REVOKED"})


class SlurmError(RuntimeError):
    """A Slurm command failed; the message says which and why, for the user."""


class SlurmNotFound(SlurmError):
    """Slurm's commands are not installed here (or not on PATH)."""


class SlurmConfigError(ValueError):
    """Options that cannot make a job script; ``problems`` lists what is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# == Slurm's commands ==========================================================================
@dataclass
class SlurmCommands:
    """Runs Slurm's command-line tools as argv lists (no shell) and parses their answers.

    Parameters
    ----------
    env
        Environment of the commands (default: this process's; ``SLURM_CONF`` etc. pass on).
    timeout_s
        Per command; a controller that does not answer gives a :class:`SlurmError`.
    """

    env: Mapping[str, str] | None = None
    timeout_s: float = 60.0

    def which(self, name: str) -> str | None:
        path = (self.env or os.environ).get("PATH")
        return shutil.which(name, path=path)

    def available(self) -> bool:
        """True when ``sbatch`` is on PATH."""
        return self.which("sbatch") is not None

    def missing_message(self, name: str = "sbatch") -> str:
        return (f"Slurm's '{name}' was not found on PATH, so nothing can be submitted or "
                "queried from this machine. Run nnft on the cluster's login node (where sbatch "
                "works), load Slurm first (e.g. 'module load slurm'), or use 'nnft export "
                "--format slurm' and submit the script there.")

    def run(self, argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess:
        exe = self.which(argv[0])
        if exe is None:
            raise SlurmNotFound(self.missing_message(argv[0]))
        try:
            result = subprocess.run([exe, *argv[1:]], capture_output=True, text=True,
                                    timeout=self.timeout_s, check=False,
                                    env=None if self.env is None else dict(self.env))
        except subprocess.TimeoutExpired as exc:
            raise SlurmError(f"'{shlex.join(argv)}' did not answer within {self.timeout_s:.0f} "
                             "s: is the Slurm controller reachable?") from exc
        except OSError as exc:
            raise SlurmError(f"'{shlex.join(argv)}' could not be started: {exc}") from exc
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
            raise SlurmError(f"'{shlex.join(argv)}' failed: {detail}")
        return result

    # -- submitting and cancelling -----------------------------------------------------------
    def sbatch(self, script: Path, *, dependency: str | None = None,
               extra: Sequence[str] = ()) -> str:
        """Submit one script; returns its job id."""
        argv = sbatch_argv(script, dependency=dependency, extra=extra)
        out = self.run(argv).stdout.strip()
        # --parsable prints "<id>" or "<id>;<cluster>"
        job_id = out.splitlines()[-1].split(";")[0].strip() if out else ""
        if not job_id.isdigit():
            raise SlurmError(f"sbatch gave no job id for {script}: {out!r}")
        return job_id

    def scancel(self, job_ids: Sequence[str], *, signal: str | None = None,
                batch_only: bool = False) -> None:
        argv = ["scancel"]
        if signal:
            argv.append(f"--signal={signal}")
        if batch_only:
            argv.append("--batch")
        self.run(argv + [str(j) for j in job_ids])

    # -- asking for states -------------------------------------------------------------------
    def squeue(self, job_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Live jobs among ``job_ids`` (array tasks one per line): key ``"12"`` or ``"12_3"``."""
        if not job_ids:
            return {}
        result = self.run(["squeue", "--noheader", "--array", "--states=all",
                           "--format=%i|%T|%r", f"--jobs={','.join(job_ids)}"], check=False)
        found: dict[str, dict[str, str]] = {}
        for line in result.stdout.splitlines():
            parts = line.strip().split("|")
            if len(parts) >= 3 and parts[0]:
                found[parts[0]] = {"state": parts[1], "reason": parts[2], "source": "squeue"}
        return found

    def scontrol_show_job(self, job_id: str) -> dict[str, dict[str, str]]:
        """What the controller still knows about a job (running, pending, or finished less
        than ``MinJobAge`` ago); array tasks are split into ``"<array id>_<task>"`` keys."""
        result = self.run(["scontrol", "--oneliner", "show", "job", str(job_id)], check=False)
        if result.returncode != 0:
            return {}
        found: dict[str, dict[str, str]] = {}
        for line in result.stdout.splitlines():
            fields_ = _scontrol_fields(line)
            if "JobId" not in fields_:
                continue
            info = {"state": fields_.get("JobState", "UNKNOWN"),
                    "reason": fields_.get("Reason", ""),
                    "restarts": fields_.get("Restarts", ""),
                    "exit_code": fields_.get("ExitCode", ""),
                    "source": "scontrol"}
            array_id, task = fields_.get("ArrayJobId"), fields_.get("ArrayTaskId")
            if array_id and task:
                for t in _expand_task_ids(task):
                    found[f"{array_id}_{t}"] = dict(info)
            else:
                found[fields_["JobId"]] = info
        return found

    def sacct(self, job_ids: Sequence[str], *, completion_log: bool = False
              ) -> dict[str, dict[str, str]] | None:
        """Finished jobs from accounting (``sacct``) or, with ``completion_log``, from the job
        completion log (``sacct -c``, e.g. ``JobCompType=jobcomp/filetxt``). None when that
        source is not available here (accounting storage off, no completion log)."""
        if not job_ids:
            return {}
        argv = ["sacct"] + (["-c"] if completion_log else ["-X"]) + [
            "--noheader", "--parsable2", "--format=JobID,State,ExitCode",
            f"--jobs={','.join(job_ids)}"]
        try:
            result = self.run(argv, check=False)
        except SlurmNotFound:
            return None
        if result.returncode != 0 or "disabled" in result.stderr.lower():
            return None
        found: dict[str, dict[str, str]] = {}
        source = "sacct -c" if completion_log else "sacct"
        for line in result.stdout.splitlines():
            parts = line.strip().split("|")
            if len(parts) < 2 or not parts[0] or "." in parts[0]:
                continue  # steps (12.batch) are not jobs
            # The last record wins: a requeued job is logged once per run.
            found[parts[0]] = {"state": parts[1].split()[0] if parts[1] else "UNKNOWN",
                               "exit_code": parts[2] if len(parts) > 2 else "",
                               "source": source}
        return found


def sbatch_argv(script: Path, *, dependency: str | None = None,
                extra: Sequence[str] = ()) -> list[str]:
    """``sbatch --parsable [--dependency=...] SCRIPT``: what :meth:`SlurmCommands.sbatch` runs."""
    argv = ["sbatch", "--parsable"]
    if dependency:
        argv.append(f"--dependency={dependency}")
    return argv + list(extra) + [str(script)]


_SCONTROL_KEY_RE = re.compile(r"(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=")


def _scontrol_fields(line: str) -> dict[str, str]:
    """``Key=Value Key=Value ...`` of ``scontrol -o show job`` (values may hold spaces)."""
    matches = list(_SCONTROL_KEY_RE.finditer(line))
    fields_: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        fields_.setdefault(match.group(1), line[match.end():end].strip())
    return fields_


def _expand_task_ids(text: str) -> list[str]:
    """``0-4%2`` / ``1,3`` / ``[0-4]`` → task ids."""
    text = text.strip().strip("[]").split("%")[0]
    ids: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if re.fullmatch(r"\d+-\d+", part):
            first, last = (int(x) for x in part.split("-"))
            ids += [str(i) for i in range(first, last + 1)]
        elif part.isdigit():
            ids.append(part)
    return ids


# == profiles ==================================================================================
_TIME_RE = re.compile(
    r"^(?:(?P<days>\d+)-(?P<dh>\d+)(?::(?P<dm>\d+)(?::(?P<ds>\d+))?)?"
    r"|(?P<h>\d+):(?P<m>\d+):(?P<s>\d+)|(?P<mm>\d+):(?P<ss>\d+)|(?P<minutes>\d+))$")
_MEM_RE = re.compile(r"^\d+[KMGT]?$", re.IGNORECASE)
_NAME_RE = re.compile(r"^[A-Za-z0-9_.,:@+=-]+$")


def parse_time_limit(text: str) -> int | None:
    """Slurm's time formats (``MM``, ``MM:SS``, ``HH:MM:SS``, ``D-HH[:MM[:SS]]``) → seconds;
    None for ``UNLIMITED``/``INFINITE``. Raises ValueError for anything else."""
    text = text.strip()
    if text.upper() in ("UNLIMITED", "INFINITE"):
        return None
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a Slurm time limit")
    g = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if "days" in g:
        return ((g["days"] * 24 + g["dh"]) * 60 + g.get("dm", 0)) * 60 + g.get("ds", 0)
    if "h" in g:
        return (g["h"] * 60 + g["m"]) * 60 + g["s"]
    if "mm" in g:
        return g["mm"] * 60 + g["ss"]
    return g["minutes"] * 60


def parse_memory_mb(text: str) -> int:
    """``32G`` / ``32000M`` / ``32000`` (MB, Slurm's default unit) → MB."""
    text = text.strip().upper()
    if not _MEM_RE.match(text):
        raise ValueError(f"'{text}' is not a Slurm memory size")
    factor = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}.get(text[-1], 1)
    number = int(text[:-1] if text[-1] in "KMGT" else text)
    return int(number * factor)


@dataclass
class SlurmProfile:
    """How to ask one cluster for resources, saved under a name per cluster.

    Parameters
    ----------
    name
        The profile's name (``--profile NAME``).
    partition, account
        ``--partition`` / ``--account``; empty: the cluster's default.
    gpus
        GPUs per training job (``--gres=gpu:N``); 0 for CPU-only jobs.
    cpus_per_task, mem, time_limit
        ``--cpus-per-task``, ``--mem`` (e.g. ``32G``), ``--time`` (e.g. ``24:00:00`` or
        ``1-00:00:00``) of every job.
    prepare_partition, prepare_time_limit
        For the CPU preparation job; empty: the same as the training jobs (without GPUs).
    extra_sbatch
        More ``#SBATCH`` options, one per entry (``--qos=normal``, ``--constraint=a100``).
    setup
        Bash lines run first in every job: ``module load ...``, ``source venv/bin/activate``.
        Empty: put the ``bin`` folder of the Python that runs nnFT first on PATH.
    signal_seconds_before_end
        ``--signal=B:USR1@<s>``: how long before the time limit the training is asked to stop;
        must cover one epoch plus writing a checkpoint (Slurm may send it up to a minute early).
    num_gpus
        ``-num_gpus`` of ``nnUNetv2_train`` (nnU-Net's DDP); at most ``gpus``.
    """

    name: str = "default"
    partition: str = ""
    account: str = ""
    gpus: int = 1
    cpus_per_task: int = 8
    mem: str = "32G"
    time_limit: str = "24:00:00"
    prepare_partition: str = ""
    prepare_time_limit: str = ""
    extra_sbatch: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    signal_seconds_before_end: int = 300
    num_gpus: int = 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlurmProfile:
        """From saved JSON: unknown keys are ignored, missing ones take defaults; values of
        the wrong type raise ValueError."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        defaults = cls()
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(defaults, key)
            if isinstance(default, bool) or not isinstance(default, int | str | list):
                continue
            if isinstance(default, int):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"profile value '{key}' must be a whole number")
            elif isinstance(default, str):
                if not isinstance(value, str):
                    raise ValueError(f"profile value '{key}' must be text")
            elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ValueError(f"profile value '{key}' must be a list of lines")
            values[key] = list(value) if isinstance(value, list) else value
        return cls(**values)

    def sbatch_extra_lines(self) -> list[str]:
        """``extra_sbatch`` as option text (a leading ``#SBATCH`` is dropped)."""
        lines = []
        for entry in self.extra_sbatch:
            text = entry.strip()
            if text.upper().startswith("#SBATCH"):
                text = text[len("#SBATCH"):].strip()
            if text:
                lines.append(text)
        return lines

    def problems(self) -> list[Problem]:
        """What is wrong with the values (each would break or fail a job)."""
        found: list[Problem] = []

        def bad(message: str, fix: str) -> None:
            found.append(P.error(SLURM_OPTIONS_INVALID, message, fix))

        if not _NAME_RE.match(self.name):
            bad(f"Profile name '{self.name}' is not usable.",
                "Use letters, digits, '-', '_' or '.'.")
        for key in ("partition", "account", "prepare_partition"):
            value = getattr(self, key)
            if value and not _NAME_RE.match(value):
                bad(f"{key.replace('_', ' ').capitalize()} '{value}' contains spaces or "
                    "characters Slurm does not accept.", f"Give the {key} name as `sinfo` or "
                                                         "`sacctmgr` shows it.")
        if self.gpus < 0:
            bad(f"GPUs per job must be 0 or more, got {self.gpus}.", "Give 0 for CPU-only jobs.")
        if self.cpus_per_task < 1:
            bad(f"CPUs per task must be at least 1, got {self.cpus_per_task}.",
                "Give 1 or more (nnU-Net's data augmentation wants several per GPU).")
        try:
            parse_memory_mb(self.mem)
        except ValueError:
            bad(f"Memory '{self.mem}' is not a Slurm memory size.", "Write e.g. 32G or 64000M.")
        limits: dict[str, int | None] = {}
        for key in ("time_limit", "prepare_time_limit"):
            value = getattr(self, key)
            if key == "prepare_time_limit" and not value:
                continue
            try:
                limits[key] = parse_time_limit(value)
            except ValueError:
                bad(f"Time limit '{value}' is not in a Slurm format.",
                    "Write HH:MM:SS, D-HH:MM:SS or minutes, e.g. 24:00:00 or 2-00:00:00.")
        if not 0 <= self.signal_seconds_before_end <= MAX_SIGNAL_SECONDS:
            bad(f"The stop signal must come 0-{MAX_SIGNAL_SECONDS} s before the time limit, "
                f"got {self.signal_seconds_before_end}.", "Give e.g. 300 (5 minutes).")
        else:
            limit = limits.get("time_limit")
            if limit is not None and self.signal_seconds_before_end >= limit:
                bad(f"The stop signal {self.signal_seconds_before_end} s before the end of a "
                    f"{self.time_limit} job would come at its start.",
                    "Give a longer time limit or a shorter signal time.")
        if self.num_gpus < 1:
            bad(f"-num_gpus must be at least 1, got {self.num_gpus}.", "Give 1 or more.")
        elif self.num_gpus > 1 and self.num_gpus > self.gpus:
            bad(f"-num_gpus {self.num_gpus} asks nnU-Net to train on {self.num_gpus} GPUs, but "
                f"the jobs request {self.gpus} GPU(s) (--gpus).",
                f"Request at least {self.num_gpus} GPUs per job (--gpus {self.num_gpus}) or "
                f"lower --num-gpus to {max(self.gpus, 1)}.")
        for line in self.sbatch_extra_lines():
            if "\n" in line or "\r" in line or not line.startswith("-"):
                bad(f"Extra #SBATCH line '{line}' is not an sbatch option.",
                    "Give options such as --qos=normal, one per line.")
        for line in self.setup:
            if "\n" in line or "\r" in line:
                bad("A set-up line contains a line break.", "Give one command per line.")
        return found


def default_profiles_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$NNFT_CONFIG_DIR/slurm_profiles.json``, else ``$XDG_CONFIG_HOME/nnft/...``, else
    ``~/.config/nnft/...`` (per user: a cluster profile is about an account, not a dataset)."""
    environ = os.environ if environ is None else environ
    if environ.get("NNFT_CONFIG_DIR"):
        base = Path(environ["NNFT_CONFIG_DIR"])
    elif environ.get("XDG_CONFIG_HOME"):
        base = Path(environ["XDG_CONFIG_HOME"]) / "nnft"
    else:
        base = Path.home() / ".config" / "nnft"
    return base.expanduser() / PROFILES_FILE_NAME


def load_profiles(path: Path | None = None) -> dict[str, SlurmProfile]:
    """All saved profiles by name; empty when none are saved. A damaged file raises
    ValueError naming it (it is never overwritten silently)."""
    path = default_profiles_path() if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ValueError(f"cannot read the cluster profiles {path}: {exc}") from exc
    try:
        data = json.loads(text)
        raw = data["profiles"]
        if not isinstance(raw, dict):
            raise TypeError
        return {name: SlurmProfile.from_dict({**value, "name": name})
                for name, value in raw.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"the cluster profiles file {path} is damaged ({exc}); fix or move "
                         "it away") from exc


def get_profile(name: str, path: Path | None = None) -> SlurmProfile:
    profiles = load_profiles(path)
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none saved yet"
        raise KeyError(f"no cluster profile '{name}' (known: {known})")
    return profiles[name]


def save_profile(profile: SlurmProfile, path: Path | None = None) -> Path:
    """Add or replace one profile (atomic write); returns the file."""
    from .safety import atomic_write_text

    problems = profile.problems()
    if P.has_errors(problems):
        raise SlurmConfigError(problems)
    path = default_profiles_path() if path is None else Path(path)
    profiles = load_profiles(path)
    profiles[profile.name] = profile
    data = {"format": 1, "profiles": {name: {k: v for k, v in p.to_dict().items() if k != "name"}
                                      for name, p in sorted(profiles.items())}}
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    return path


def delete_profile(name: str, path: Path | None = None) -> bool:
    from .safety import atomic_write_text

    path = default_profiles_path() if path is None else Path(path)
    profiles = load_profiles(path)
    if profiles.pop(name, None) is None:
        return False
    data = {"format": 1, "profiles": {n: {k: v for k, v in p.to_dict().items() if k != "name"}
                                      for n, p in sorted(profiles.items())}}
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    return True


# == job scripts ===============================================================================
_FOLD_TOKEN = "__NNFT_FOLD__"
_FOLD_VARIABLE = "FOLD"
_END_OF_SCRIPT = "NNFT_END_OF_JOB_SCRIPT"


@dataclass(frozen=True)
class JobScript:
    """One job of a chain.

    Attributes
    ----------
    role
        ``prepare``, ``pretrain`` or ``finetune``.
    name
        ``--job-name``.
    filename
        File name of the script in the chain folder.
    text
        The script.
    after
        Role of the job this one waits for (``--dependency=afterok``), or None.
    folds
        The training's folds; a job array (one task per fold) when more than one.
    fold_dirs
        Fold → results folder of the training (its logs and checkpoints).
    steps
        Keys of the pipeline steps this job runs.
    """

    role: str
    name: str
    filename: str
    text: str
    after: str | None = None
    folds: tuple[str, ...] = ()
    fold_dirs: dict[str, str] = field(default_factory=dict)
    steps: tuple[str, ...] = ()

    @property
    def is_array(self) -> bool:
        return len(self.folds) > 1

    @property
    def output_pattern(self) -> str:
        return "%x-%A_%a.out" if self.is_array else "%x-%j.out"


@dataclass
class SlurmChain:
    """The jobs of one chain, ready to be written and submitted (:func:`submit_chain`)."""

    ctx: ChainContext
    profile: SlurmProfile
    folds: tuple[str, ...]
    chain_id: str
    chain_dir: Path
    jobs: list[JobScript]
    problems: list[Problem] = field(default_factory=list)

    def job(self, role: str) -> JobScript | None:
        return next((j for j in self.jobs if j.role == role), None)


def parse_folds(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"0,1,2"`` / ``"0-4"`` / ``"all"`` / ``["0", "3"]`` → folds, in the given order.

    ``all`` is nnU-Net's fold ``all`` (train on every case); ``0-4`` gives the five
    cross-validation folds. Raises ValueError for anything else or a repeated fold.
    """
    parts = text.split(",") if isinstance(text, str) else [str(t) for t in text]
    folds: list[str] = []
    for part in (p.strip() for p in parts):
        if re.fullmatch(r"\d+-\d+", part):
            first, last = (int(x) for x in part.split("-"))
            folds += [str(i) for i in range(first, last + 1)]
        elif part:
            folds.append(part)
    from .pipeline import FOLDS

    wrong = [f for f in folds if f not in FOLDS]
    if not folds or wrong:
        raise ValueError(f"folds {', '.join(wrong) or '(none)'} do not exist: give 0-4 "
                         "(cross-validation folds, e.g. 0,1,2,3,4 or 0-4) or all")
    if len(set(folds)) != len(folds):
        raise ValueError(f"a fold is repeated in {','.join(folds)}")
    return tuple(folds)


def slurm_problems(ctx: ChainContext, profile: SlurmProfile,
                   folds: Sequence[str]) -> list[Problem]:
    """What stands in the way of this chain as cluster jobs (errors) and what the user should
    know (warnings). Independent of Slurm being installed here."""
    found = list(profile.problems())
    o = ctx.options
    if o.device == "cuda" and profile.gpus < 1:
        found.append(P.error(
            SLURM_OPTIONS_INVALID,
            "The training runs on cuda, but the jobs request no GPU (--gpus 0).",
            "Request GPUs (--gpus 1), or train on the CPU (--device cpu) for a quick trial."))
    if profile.num_gpus > 1 and o.device != "cuda":
        found.append(P.error(
            SLURM_OPTIONS_INVALID,
            f"-num_gpus {profile.num_gpus} (nnU-Net's multi-GPU training) needs --device cuda, "
            f"not {o.device}.", "Use --device cuda, or --num-gpus 1."))
    if o.device != "cuda" and profile.gpus > 0:
        found.append(P.warning(
            SLURM_OPTIONS_INVALID,
            f"The jobs request {profile.gpus} GPU(s) but train on {o.device}.",
            "Use --device cuda, or --gpus 0 for CPU-only jobs."))
    if ctx.trainer not in GRACEFUL_STOP_TRAINERS:
        found.append(P.warning(
            SLURM_NO_GRACEFUL_STOP,
            f"{ctx.trainer} has no signal handling (nnU-Net 2.8.1 has none): a training job "
            "cannot checkpoint when its time limit comes, so it is not requeued to continue; "
            "nnU-Net only writes checkpoint_latest.pth every 50 epochs.",
            "Use --trainer nnFTTrainer (nnU-Net's training plus a graceful stop on SIGUSR1), or "
            "ask for a time limit longer than the whole training. A new 'nnft submit' continues "
            "an interrupted training with --c."))
    elif profile.num_gpus > 1:
        found.append(P.warning(
            SLURM_NO_GRACEFUL_STOP,
            f"With -num_gpus {profile.num_gpus} nnFT's graceful stop cannot be used (nnU-Net's "
            "DDP parent process has no signal handler): the jobs do not checkpoint at the time "
            "limit and are not requeued.",
            "Ask for a time limit longer than the training, or train on one GPU per job. A new "
            "'nnft submit' continues an interrupted training with --c."))
    try:
        parse_folds(list(folds))
    except ValueError as exc:
        found.append(P.error(P.FOLD_INVALID, f"Fine-tuning {exc}.",
                             "Give e.g. --folds 0,1,2,3,4 (or 0-4), or --folds all."))
    return found


def default_setup_lines() -> list[str]:
    """Without set-up lines: nnU-Net and nnFT from the Python environment that runs nnFT."""
    import sys

    bin_dir = Path(sys.executable).parent
    return [f"export PATH={shlex.quote(str(bin_dir))}:\"$PATH\""]


def _bash_word(text: str, variables: Mapping[str, str] | None = None) -> str:
    """One shell word; each token in ``variables`` becomes ``"${VARIABLE}"``."""
    if not variables:
        return shlex.quote(text)
    pattern = "(" + "|".join(re.escape(t) for t in variables) + ")"
    out = []
    for part in re.split(pattern, text):
        if part in variables:
            out.append(f'"${{{variables[part]}}}"')
        elif part:
            out.append(shlex.quote(part))
    return "".join(out) or "''"


def _bash_command(argv: Sequence[str], variables: Mapping[str, str] | None = None) -> str:
    return " ".join(_bash_word(a, variables) for a in argv)


def _sbatch_value(text: str) -> str:
    """An ``#SBATCH`` option value, double-quoted when it holds spaces (sbatch accepts that)."""
    if re.fullmatch(r"[A-Za-z0-9_./%:@+=,-]+", text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _header(profile: SlurmProfile, *, name: str, chain_dir: Path, training: bool,
            output_pattern: str, array: str | None = None,
            signal: bool = False) -> list[str]:
    partition = profile.partition if training else (profile.prepare_partition
                                                     or profile.partition)
    time_limit = profile.time_limit if training else (profile.prepare_time_limit
                                                      or profile.time_limit)
    lines = ["#!/bin/bash", f"#SBATCH --job-name={name}"]
    if partition:
        lines.append(f"#SBATCH --partition={partition}")
    if profile.account:
        lines.append(f"#SBATCH --account={profile.account}")
    lines += ["#SBATCH --nodes=1", "#SBATCH --ntasks=1",
              f"#SBATCH --cpus-per-task={profile.cpus_per_task}",
              f"#SBATCH --mem={profile.mem}",
              f"#SBATCH --time={time_limit}"]
    if training and profile.gpus > 0:
        lines.append(f"#SBATCH --gres=gpu:{profile.gpus}")
    if array:
        lines.append(f"#SBATCH --array={array}")
    lines += [f"#SBATCH --chdir={_sbatch_value(str(chain_dir))}",
              f"#SBATCH --output={_sbatch_value(str(chain_dir / output_pattern))}",
              # A requeued job appends to its log instead of replacing the first run's.
              "#SBATCH --open-mode=append",
              # A dependency that can never be met (a failed earlier job) cancels this job
              # instead of leaving it pending forever.
              "#SBATCH --kill-on-invalid-dep=yes"]
    if training:
        lines.append("#SBATCH --requeue")
    if signal:
        lines.append(f"#SBATCH --signal=B:USR1@{profile.signal_seconds_before_end}")
    lines += [f"#SBATCH {line}" for line in profile.sbatch_extra_lines()]
    return lines


def _environment_lines(ctx: ChainContext, profile: SlurmProfile,
                       env: Mapping[str, str]) -> list[str]:
    lines = ["# Environment set-up" + (" (from the cluster profile)." if profile.setup else
                                        ": nnU-Net and nnFT from the Python that wrote this.")]
    lines += list(profile.setup) or default_setup_lines()
    lines += ["", "set -euo pipefail", ""]
    for variable, folder in ctx.workspace.roots().items():
        lines.append(f"export {variable}={shlex.quote(str(folder))}")
    lines.append("# nnFT's trainers (graceful stop, quick trial) are found by nnU-Net through "
                 "this variable.")
    lines.append(f"export nnUNet_extTrainer={shlex.quote(str(trainers_folder()))}")
    lines.append("export PYTHONUNBUFFERED=1")
    for key, value in sorted(env.items()):
        lines.append(f"export {key}={shlex.quote(value)}")
    return lines


def _started_line(role: str) -> str:
    return (f'echo "nnFT: {role} job ${{SLURM_JOB_ID}} started on $(hostname) at $(date -Is)'
            f' (restart ${{SLURM_RESTART_COUNT:-0}})"')


def _prepare_script(ctx: ChainContext, profile: SlurmProfile, chain_dir: Path, name: str,
                    steps: list) -> str:
    keys = ", ".join(str(PREPARE_STEPS.index(s.key) + 1) for s in steps)
    lines = _header(profile, name=name, chain_dir=chain_dir, training=False,
                    output_pattern="%x-%j.out")
    lines += [
        "#",
        f"# nnFT: preparation of the chain 'pretrain on {ctx.pretrain.name}, fine-tune on "
        f"{ctx.finetune.name}' ({ctx.options.configuration}), on the CPU: step(s) {keys} of 7.",
        "# Plans flow fine-tuning -> pretraining (-s FINETUNE -t PRETRAIN); weights flow back.",
        "# The exact commands `nnft run` runs, in order; the job stops at the first failure.",
        "",
    ]
    lines += _environment_lines(ctx, profile, ctx.planning_env())
    lines += ["", _started_line("prepare")]
    for step in steps:
        number = PREPARE_STEPS.index(step.key) + 1
        lines += ["", f"# {number}. {step.title}", f"# {step.why}"]
        # planning_env() is exported above; a step's own extra variables go in front.
        extra = {k: v for k, v in step.env.items() if ctx.planning_env().get(k) != v}
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(extra.items()))
        lines.append(f"{prefix} {step.command_line()}".strip())
    lines += ["", 'echo "nnFT: finished: preparation done"', ""]
    return "\n".join(lines)


def _stop_and_requeue_lines(graceful: bool) -> tuple[list[str], list[str], list[str]]:
    """(before start, wait, after exit) bash lines of a training job."""
    if not graceful:
        wait = ["status=0", '"${TRAIN[@]}" || status=$?']
        return [], wait, []
    before = [
        "# Slurm sends SIGUSR1 to this batch shell (--signal=B:USR1@...) before the time limit;",
        "# pass it on to nnUNetv2_train: nnFT's trainer finishes the epoch, writes",
        "# checkpoint_latest.pth and exits 0.",
        "stop_requested=0",
        "child=",
        "forward_stop() {",
        "    stop_requested=1",
        '    echo "nnFT: SIGUSR1 (time limit near): asking nnUNetv2_train to checkpoint and stop"',
        '    if [ -n "$child" ]; then kill -USR1 "$child" 2>/dev/null || true; fi',
        "}",
        "trap forward_stop USR1",
    ]
    wait = [
        "# In the background, so that the trap runs while nnU-Net works.",
        '"${TRAIN[@]}" &',
        "child=$!",
        "# A trapped signal interrupts `wait`; wait again until nnU-Net has really exited.",
        'while kill -0 "$child" 2>/dev/null; do wait "$child" || true; done',
        "status=0",
        'wait "$child" || status=$?',
    ]
    after = [
        f'if [ "$stop_requested" = 1 ] && {{ [ "$status" = 0 ] || [ "$status" = '
        f'{_KILLED_BY_USR1} ]; }}; then',
        "    # Stopped at the time limit with a checkpoint (or before nnU-Net had started):",
        "    # requeue this job; its next start continues with --c.",
        '    echo "nnFT: requeued: stopped before the time limit (status $status); requeueing '
        'job ${SLURM_JOB_ID} to continue with --c"',
        '    scontrol requeue "${SLURM_JOB_ID}" || {',
        '        echo "nnFT: failed: scontrol requeue was refused; submit again to continue"',
        "        exit 1",
        "    }",
        "    exit 0",
        "fi",
    ]
    return before, wait, after


def _training_script(ctx: ChainContext, profile: SlurmProfile, chain_dir: Path, *, role: str,
                     name: str, folds: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    o = ctx.options
    graceful = ctx.trainer in GRACEFUL_STOP_TRAINERS and profile.num_gpus <= 1
    array = len(folds) > 1
    variables = {_FOLD_TOKEN: _FOLD_VARIABLE} if array else None
    fold = _FOLD_TOKEN if array else folds[0]
    fctx = dataclasses.replace(ctx, options=dataclasses.replace(o, fold=fold))
    gpus_flag = ["-num_gpus", str(profile.num_gpus)] if profile.num_gpus > 1 else []
    if role == "pretrain":
        fold_dir = ctx.pretrain_fold_dir
        first = pretrain_argv(ctx, resume=False) + gpus_flag
        resume = pretrain_argv(ctx, resume=True) + gpus_flag
        what = f"pretraining on {ctx.pretrain.name} (fold all, plans '{o.plans_name}')"
    else:
        fold_dir = fctx.finetune_fold_dir
        first = finetune_argv(fctx, resume=False) + gpus_flag
        resume = finetune_argv(fctx, resume=True) + gpus_flag
        what = (f"fine-tuning on {ctx.finetune.name} (plans '{o.finetune_plans}') from the "
                "pretrained weights, " + (f"folds {' '.join(folds)} as a job array"
                                          if array else f"fold {folds[0]}"))
    signal = graceful
    lines = _header(profile, name=name, chain_dir=chain_dir, training=True,
                    output_pattern="%x-%A_%a.out" if array else "%x-%j.out",
                    array=f"0-{len(folds) - 1}" if array else None, signal=signal)
    lines += ["#", f"# nnFT: {what}; {o.configuration}, trainer {ctx.trainer}, device {o.device}."]
    if graceful:
        lines += [
            f"# {profile.signal_seconds_before_end} s before the time limit Slurm sends SIGUSR1; "
            "nnU-Net checkpoints and stops,",
            "# and this job requeues itself. Every start continues from the last checkpoint "
            "(--c).",
        ]
    else:
        reason = (f"-num_gpus {profile.num_gpus} (DDP)" if profile.num_gpus > 1
                  else f"{ctx.trainer} has no signal handling")
        lines += [
            f"# No graceful stop: {reason}. At the time limit the job is killed; nnU-Net writes",
            "# checkpoint_latest.pth every 50 epochs, and a new submission continues with --c.",
        ]
    lines += [""]
    lines += _environment_lines(ctx, profile, ctx.training_env())
    lines.append("")
    if array:
        lines += ["# Array task i trains fold FOLDS[i].",
                  f"FOLDS=({' '.join(shlex.quote(f) for f in folds)})",
                  f'{_FOLD_VARIABLE}="${{FOLDS[$SLURM_ARRAY_TASK_ID]}}"']
    lines.append(f"FOLD_DIR={_bash_word(str(fold_dir), variables)}")
    if role == "finetune":
        lines.append(f"PRETRAINED={_bash_word(str(ctx.pretrained_checkpoint))}")
    lines += ["", _started_line(role if not array else f"{role} fold ${{{_FOLD_VARIABLE}}}"), ""]
    before, wait, after = _stop_and_requeue_lines(graceful)
    lines += (before + [""]) if before else []
    lines += [
        'if [ -f "$FOLD_DIR/checkpoint_final.pth" ]; then',
        '    echo "nnFT: finished: $FOLD_DIR/checkpoint_final.pth exists already"',
        "    exit 0",
        "fi",
    ]
    resumable = ('{ [ -f "$FOLD_DIR/checkpoint_latest.pth" ] || '
                 '[ -f "$FOLD_DIR/checkpoint_best.pth" ]; }')
    if role == "pretrain":
        lines += [
            f"if {resumable[2:-3]}; then",
            "    # Continue from the last checkpoint.",
            f"    TRAIN=({_bash_command(resume, variables)})",
            "else",
            f"    TRAIN=({_bash_command(first, variables)})",
            "fi",
        ]
    else:
        marker = {
            "pretrained_weights": str(ctx.pretrained_checkpoint),
            "pretrained_weights_relative": _relative_to_results(ctx, ctx.pretrained_checkpoint),
            "pretrain_dataset": ctx.pretrain.name,
            "pretrain_plans": o.plans_name,
            "finetune_plans": o.finetune_plans,
            "configuration": o.configuration,
            "trainer": ctx.trainer,
            "command": first,
        }
        marker_text = json.dumps(marker, indent=2, ensure_ascii=False)
        if array:
            # Unquoted here-document: only ${FOLD} expands; $, ` and \ are escaped.
            open_marker = f'cat > "$FOLD_DIR/{RUN_MARKER}" <<NNFT_MARKER'
            marker_text = (marker_text.replace("\\", "\\\\").replace("$", "\\$")
                           .replace("`", "\\`").replace(_FOLD_TOKEN, f"${{{_FOLD_VARIABLE}}}"))
        else:
            open_marker = f"cat > \"$FOLD_DIR/{RUN_MARKER}\" <<'NNFT_MARKER'"
        lines += [
            f'if {resumable} && [ -f "$FOLD_DIR/{RUN_MARKER}" ]; then',
            "    # Continue from the last checkpoint: it holds the pretrained weights already",
            "    # (nnU-Net refuses --c together with -pretrained_weights).",
            f"    TRAIN=({_bash_command(resume, variables)})",
            "else",
            '    if [ ! -f "$PRETRAINED" ]; then',
            '        echo "nnFT: failed: the pretrained weights $PRETRAINED do not exist"',
            "        exit 1",
            "    fi",
            "    # First start: record where the weights come from (nnFT's marker, read by "
            "`nnft run`",
            "    # and the wizard), then load them.",
            '    mkdir -p "$FOLD_DIR"',
            f"    {open_marker}",
            *marker_text.splitlines(),
            "NNFT_MARKER",
            f"    TRAIN=({_bash_command(first, variables)})",
            "fi",
        ]
    lines += ['echo "nnFT: running: ${TRAIN[*]}"']
    lines += wait + [""]
    lines += [
        'if [ -f "$FOLD_DIR/checkpoint_final.pth" ] && [ "$status" = 0 ]; then',
        '    echo "nnFT: finished: $FOLD_DIR/checkpoint_final.pth"',
        "    exit 0",
        "fi",
    ]
    lines += after
    lines += ['echo "nnFT: failed: nnUNetv2_train ended with status $status"',
              'exit "$(( status == 0 ? 1 : status ))"', ""]
    fold_dirs = {f: str(dataclasses.replace(ctx, options=dataclasses.replace(o, fold=f))
                        .finetune_fold_dir) for f in folds} if role == "finetune" \
        else {"all": str(ctx.pretrain_fold_dir)}
    return "\n".join(lines), fold_dirs


def _relative_to_results(ctx: ChainContext, checkpoint: Path) -> str | None:
    try:
        return checkpoint.relative_to(ctx.workspace.results).as_posix()
    except (ValueError, TypeError):
        return None


def new_chain_id(ctx: ChainContext, when: datetime | None = None) -> str:
    when = when or datetime.now()
    return (f"{when:%Y%m%d-%H%M%S}-D{ctx.pretrain.dataset_id:03d}"
            f"-D{ctx.finetune.dataset_id:03d}")


def slurm_folder(workspace: Workspace) -> Path:
    """``nnUNet_results/nnFT/slurm``: one folder per submitted chain."""
    return workspace.state_dir / SLURM_FOLDER_NAME


def plan_slurm_chain(ctx: ChainContext, profile: SlurmProfile | None = None,
                     folds: Sequence[str] | None = None, *, chain_id: str | None = None,
                     chain_dir: Path | None = None, skip_done: bool = False) -> SlurmChain:
    """The job scripts of the chain.

    Parameters
    ----------
    ctx
        The chain (from preflight); ``ctx.options.fold`` is the fold unless ``folds`` is given.
    profile
        Resources and set-up; default :class:`SlurmProfile`.
    folds
        Fine-tuning folds; more than one gives a job array.
    chain_id, chain_dir
        Where scripts and job logs go (default ``nnUNet_results/nnFT/slurm/<chain id>``).
    skip_done
        Leave out what is done on disk now (preparation steps, a finished pretraining, finished
        folds), as ``nnft run`` skips it: for submitting from this machine. Off for an export,
        whose script runs from scratch.

    Raises
    ------
    SlurmConfigError
        With the problems of severity error (e.g. -num_gpus larger than the GPUs requested).
    """
    profile = profile or SlurmProfile()
    folds = tuple(folds) if folds else (str(ctx.options.fold),)
    problems = slurm_problems(ctx, profile, folds)
    if P.has_errors(problems):
        raise SlurmConfigError([p for p in problems if p.is_error])
    chain_id = chain_id or new_chain_id(ctx)
    chain_dir = Path(chain_dir) if chain_dir else slurm_folder(ctx.workspace) / chain_id
    short_pt = f"D{ctx.pretrain.dataset_id:03d}"
    short_ft = f"D{ctx.finetune.dataset_id:03d}"
    jobs: list[JobScript] = []

    steps = build_chain(ctx, fresh=not skip_done)
    prepare = [s for s in steps if s.key in PREPARE_STEPS]
    if skip_done:
        prepare = [s for s in prepare if not s.is_done()]
    if prepare:
        name = f"nnft-prepare-{short_pt}-{short_ft}"
        jobs.append(JobScript("prepare", name, "1_prepare.sbatch",
                              _prepare_script(ctx, profile, chain_dir, name, prepare),
                              steps=tuple(s.key for s in prepare)))

    pretrain_done = skip_done and (ctx.pretrain_fold_dir / "checkpoint_final.pth").is_file()
    if not pretrain_done:
        name = f"nnft-pretrain-{short_pt}"
        text, fold_dirs = _training_script(ctx, profile, chain_dir, role="pretrain", name=name,
                                           folds=("all",))
        jobs.append(JobScript("pretrain", name, "2_pretrain.sbatch", text,
                              after="prepare" if prepare else None, folds=("all",),
                              fold_dirs=fold_dirs, steps=("pretrain",)))

    todo = folds
    if skip_done:
        def fold_done(fold: str) -> bool:
            fdir = dataclasses.replace(ctx, options=dataclasses.replace(
                ctx.options, fold=fold)).finetune_fold_dir
            return ((fdir / "checkpoint_final.pth").is_file()
                    and is_finetuned_from(fdir, ctx.pretrained_checkpoint))
        todo = tuple(f for f in folds if not fold_done(f))
    if todo:
        name = f"nnft-finetune-{short_ft}"
        text, fold_dirs = _training_script(ctx, profile, chain_dir, role="finetune", name=name,
                                           folds=todo)
        after = "pretrain" if not pretrain_done else ("prepare" if prepare else None)
        jobs.append(JobScript("finetune", name, "3_finetune.sbatch", text, after=after,
                              folds=todo, fold_dirs=fold_dirs, steps=("finetune",)))
    return SlurmChain(ctx, profile, folds, chain_id, chain_dir, jobs,
                      [p for p in problems if not p.is_error])


def export_slurm_text(ctx: ChainContext, profile: SlurmProfile | None = None,
                      folds: Sequence[str] | None = None, *, chain_id: str | None = None,
                      chain_dir: Path | None = None) -> str:
    """The chain as one plain bash file that writes the job scripts and submits them.

    ``bash FILE`` on the cluster's login node writes ``<chain dir>/*.sbatch`` (the same scripts
    ``nnft submit`` writes) and submits them with ``sbatch --parsable`` and
    ``--dependency=afterok``. The scripts run from scratch: no step is left out.

    Raises
    ------
    SlurmConfigError
        As :func:`plan_slurm_chain`.
    """
    chain = plan_slurm_chain(ctx, profile, folds, chain_id=chain_id, chain_dir=chain_dir)
    lines = [
        "#!/usr/bin/env bash",
        f"# nnFT: pretrain on {ctx.pretrain.name} and fine-tune on {ctx.finetune.name} "
        f"({ctx.options.configuration}) as SLURM jobs.",
        "# Plans flow fine-tuning -> pretraining (-s FINETUNE -t PRETRAIN); weights flow back.",
        "# Run it with bash on the cluster's login node: it writes the job scripts below into",
        "# the chain folder and submits them, each waiting for the one before (afterok).",
    ]
    for job in chain.jobs:
        what = {"prepare": "steps 1-5 on the CPU", "pretrain": "pretraining, fold all",
                "finetune": f"fine-tuning, fold(s) {' '.join(job.folds)}"}[job.role]
        lines.append(f"#   {job.filename}: {what}")
    for problem in chain.problems:
        lines.append(f"# {problem.severity.value.upper()} [{problem.code}] {problem.message}")
    lines += ["set -euo pipefail", "",
              f"CHAIN_DIR={shlex.quote(str(chain.chain_dir))}", 'mkdir -p "$CHAIN_DIR"']
    for job in chain.jobs:
        lines += ["", f'cat > "$CHAIN_DIR/{job.filename}" <<\'{_END_OF_SCRIPT}\'',
                  job.text.rstrip("\n"), _END_OF_SCRIPT]
    lines.append("")
    for job in chain.jobs:
        variable = job.role
        dependency = f" --dependency=afterok:${job.after}" if job.after else ""
        lines += [f'{variable}=$(sbatch --parsable{dependency} "$CHAIN_DIR/{job.filename}")',
                  f"{variable}=${{{variable}%%;*}}",
                  f'echo "{job.role}: job ${variable}"']
    lines.append('echo "Job logs: $CHAIN_DIR"')
    return "\n".join(lines) + "\n"


# == checking and planning a chain for the cluster =============================================
def cluster_preflight(workspace: Workspace, pretrain: str, finetune: str, options: RunOptions,
                      profile: SlurmProfile, folds: str | Sequence[str], *,
                      workers: int | None = None, da_workers: int | None = None):
    """Preflight of the chain as cluster jobs: no local device check (the GPUs are on the
    compute nodes), worker counts sized for the profile's CPUs and memory, every fold checked.

    Parameters
    ----------
    workspace, pretrain, finetune, options
        As for :func:`nnft.core.checks.preflight`; ``options.device`` is the jobs' device.
    profile
        The cluster profile (its CPUs and memory size the worker counts).
    folds
        Fine-tuning folds (``"0-4"``, ``"0,1"``, ``("0", "1")``, ``"all"``).
    workers, da_workers
        Preprocessing / augmentation processes; ``None``: sized for the profile.

    Returns
    -------
    (Preflight, folds)
        ``folds`` is None when it is not usable (a problem says why).
    """
    from .checks import finetune_fold_problem, preflight
    from .datasets import largest_image_voxels
    from .machine import augmentation_workers, preprocessing_workers

    problems: list[Problem] = []
    parsed: tuple[str, ...] | None
    try:
        parsed = parse_folds(folds)
    except ValueError as exc:
        parsed = None
        problems.append(P.error(P.FOLD_INVALID, f"Folds: {exc}.",
                                "Give e.g. 0,1,2,3,4 (or 0-4) for a job array, or all."))
    if parsed:
        options = dataclasses.replace(options, fold=parsed[0])
    result = preflight(workspace, pretrain, finetune, options, check_device_present=False)
    result.problems = problems + result.problems
    ctx = result.context
    if ctx is None:
        return result, parsed
    try:
        memory = parse_memory_mb(profile.mem) * 1024**2 or None
    except ValueError:
        memory = None
    cores = max(1, profile.cpus_per_task)
    if not workers:
        workers = preprocessing_workers(largest_image_voxels(ctx.pretrain, ctx.finetune),
                                        len(ctx.finetune.channel_names) or 1,
                                        cores=cores, memory_bytes=memory)
    if da_workers is None:
        da_workers = augmentation_workers(ctx.options.device, cores=cores)
    ctx = dataclasses.replace(ctx, options=dataclasses.replace(
        ctx.options, preprocessing_workers=workers, augmentation_workers=da_workers))
    result.context = ctx
    for fold in (parsed or ())[1:]:
        problem = finetune_fold_problem(dataclasses.replace(
            ctx, options=dataclasses.replace(ctx.options, fold=fold)))
        if problem is not None:
            result.problems.append(problem)
    return result, parsed


def plan_cluster_chain(workspace: Workspace, pretrain: str, finetune: str,
                       options: RunOptions, profile: SlurmProfile,
                       folds: str | Sequence[str], *, skip_done: bool,
                       slurm: SlurmCommands | None = None, workers: int | None = None,
                       da_workers: int | None = None) -> tuple[SlurmChain | None, list[Problem]]:
    """Check the chain for the cluster and plan its jobs: what ``nnft submit``, ``nnft export
    --format slurm`` and the wizard's Cluster page do before anything is written.

    With ``slurm``, earlier chains of this workspace that still have jobs training into the
    same folders are errors too (for submitting). Returns (chain, problems); chain is None when
    there is an error among the problems.
    """
    result, parsed = cluster_preflight(workspace, pretrain, finetune, options, profile, folds,
                                       workers=workers, da_workers=da_workers)
    problems = list(result.problems)
    if slurm is not None and result.context is not None and parsed:
        problems = conflicting_chains(result.context, parsed, slurm) + problems
    if P.has_errors(problems) or result.context is None or parsed is None:
        return None, problems
    try:
        chain = plan_slurm_chain(result.context, profile, parsed, skip_done=skip_done)
    except SlurmConfigError as exc:
        return None, problems + exc.problems
    return chain, problems + chain.problems


# == submitting and the record of a chain ======================================================
@dataclass
class SubmittedJob:
    """One submitted job of a chain (as recorded)."""

    role: str
    job_id: str
    name: str
    script: str
    sbatch_argv: list[str]
    after: str | None = None
    folds: list[str] = field(default_factory=list)
    fold_dirs: dict[str, str] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)

    @property
    def is_array(self) -> bool:
        return len(self.folds) > 1

    def task_ids(self) -> list[tuple[str, str | None]]:
        """(Slurm id, fold): ``("12_0", "0")`` per array task, else ``("12", fold)``."""
        if self.is_array:
            return [(f"{self.job_id}_{i}", fold) for i, fold in enumerate(self.folds)]
        return [(self.job_id, self.folds[0] if self.folds else None)]

    def log_path(self, chain_dir: Path, task: str) -> Path:
        return chain_dir / f"{self.name}-{task}.out"


@dataclass
class ChainRecord:
    """What ``nnft submit`` submitted: ``nnUNet_results/nnFT/slurm/<chain id>/chain.json``."""

    chain_id: str
    chain_dir: str
    created: str
    pretrain: str
    finetune: str
    configuration: str
    trainer: str
    device: str
    folds: list[str]
    total_epochs: int | None
    workspace: dict[str, str | None]
    profile: dict[str, Any]
    options: dict[str, Any]
    jobs: list[SubmittedJob] = field(default_factory=list)
    submitted_from: str = ""
    cancelled: str | None = None
    format: int = RECORD_FORMAT

    @property
    def path(self) -> Path:
        return Path(self.chain_dir) / RECORD_NAME

    def job(self, role: str) -> SubmittedJob | None:
        return next((j for j in self.jobs if j.role == role), None)

    def job_ids(self) -> list[str]:
        return [j.job_id for j in self.jobs]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def save(self) -> None:
        from .safety import atomic_write_text

        atomic_write_text(self.path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> ChainRecord:
        """Raises ValueError when the file is missing or damaged."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            jobs = [SubmittedJob(**j) for j in data.pop("jobs", [])]
            known = {f.name for f in dataclasses.fields(cls)}
            record = cls(**{k: v for k, v in data.items() if k in known}, jobs=jobs)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"cannot read the chain record {path}: {exc}") from exc
        record.chain_dir = str(Path(path).parent)
        return record


def _total_epochs(ctx: ChainContext) -> int | None:
    o = ctx.options
    if o.is_quick_trial:
        return o.trial_epochs or 5
    return 1000 if ctx.trainer in ("nnUNetTrainer", "nnFTTrainer") else None


def write_chain_scripts(chain: SlurmChain) -> dict[str, Path]:
    """Write the job scripts into the chain folder (made here: Slurm does not create the
    folder of ``--output``); role → script path."""
    from .safety import atomic_write_text

    chain.chain_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for job in chain.jobs:
        path = chain.chain_dir / job.filename
        atomic_write_text(path, job.text)
        path.chmod(0o755)
        paths[job.role] = path
    return paths


def submit_chain(chain: SlurmChain, slurm: SlurmCommands | None = None) -> ChainRecord:
    """Write the scripts, submit them in order with ``afterok`` dependencies, record the chain.

    When a later sbatch fails, the jobs already submitted are cancelled again (no half chain is
    left in the queue) and :class:`SlurmError` is raised. :class:`SlurmNotFound` when Slurm is
    not installed here (nothing is written then).
    """
    slurm = slurm or SlurmCommands()
    if not slurm.available():
        raise SlurmNotFound(slurm.missing_message())
    if not chain.jobs:
        raise ValueError("nothing to submit: every step of this chain is done")
    paths = write_chain_scripts(chain)
    ctx = chain.ctx
    record = ChainRecord(
        chain_id=chain.chain_id, chain_dir=str(chain.chain_dir),
        created=datetime.now().isoformat(timespec="seconds"),
        pretrain=ctx.pretrain.name, finetune=ctx.finetune.name,
        configuration=ctx.options.configuration, trainer=ctx.trainer,
        device=ctx.options.device, folds=list(chain.folds), total_epochs=_total_epochs(ctx),
        workspace={k: (str(v) if v else None) for k, v in ctx.workspace.roots().items()},
        profile=chain.profile.to_dict(), options=dataclasses.asdict(ctx.options),
        submitted_from=socket.gethostname())
    ids: dict[str, str] = {}
    try:
        for job in chain.jobs:
            dependency = f"afterok:{ids[job.after]}" if job.after else None
            job_id = slurm.sbatch(paths[job.role], dependency=dependency)
            ids[job.role] = job_id
            record.jobs.append(SubmittedJob(
                role=job.role, job_id=job_id, name=job.name, script=str(paths[job.role]),
                sbatch_argv=sbatch_argv(paths[job.role], dependency=dependency),
                after=job.after, folds=list(job.folds), fold_dirs=dict(job.fold_dirs),
                steps=list(job.steps)))
            record.save()
    except SlurmError:
        if ids:
            try:
                slurm.scancel(list(ids.values()))
            except SlurmError:
                pass
            record.cancelled = datetime.now().isoformat(timespec="seconds")
            record.save()
        else:
            # Nothing reached the queue: take back the scripts written for it, so no chain
            # folder without a record is left behind.
            for path in paths.values():
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                chain.chain_dir.rmdir()
        raise
    return record


def list_chains(workspace: Workspace) -> list[ChainRecord]:
    """The chains submitted from this workspace, newest first (damaged records are skipped)."""
    folder = slurm_folder(workspace)
    records = []
    for path in sorted(folder.glob(f"*/{RECORD_NAME}")) if folder.is_dir() else []:
        try:
            records.append(ChainRecord.load(path))
        except ValueError:
            continue
    return sorted(records, key=lambda r: (r.created, r.chain_id), reverse=True)


def chain_fold_dirs(ctx: ChainContext, folds: Sequence[str]) -> set[str]:
    """The results folders the trainings of a chain write into."""
    dirs = {str(ctx.pretrain_fold_dir)}
    for fold in folds:
        dirs.add(str(dataclasses.replace(
            ctx, options=dataclasses.replace(ctx.options, fold=fold)).finetune_fold_dir))
    return dirs


def conflicting_chains(ctx: ChainContext, folds: Sequence[str],
                       slurm: SlurmCommands | None = None) -> list[Problem]:
    """Errors for earlier chains of this workspace that still have jobs queued or running and
    train into the same fold folders (two trainings in one folder would spoil each other)."""
    mine = chain_fold_dirs(ctx, folds)
    found = []
    for record in list_chains(ctx.workspace):
        theirs = {d for job in record.jobs for d in job.fold_dirs.values()}
        if record.cancelled or not (mine & theirs):
            continue
        status = chain_status(record, slurm)
        if status.active:
            ids = " ".join(t.slurm_id for t in status.tasks if t.active)
            found.append(P.error(
                SLURM_CHAIN_ACTIVE,
                f"Chain {record.chain_id} still has jobs queued or running ({ids}) that train "
                "into the same results folders.",
                f"Wait for it (nnft jobs {record.chain_id} --follow) or cancel it (nnft jobs "
                f"{record.chain_id} --cancel); then submit again, it continues from its "
                "checkpoints."))
    return found


def find_chain(workspace: Workspace, chain: str | None = None) -> ChainRecord | None:
    """The newest chain, or the one whose id is or starts with ``chain``."""
    records = list_chains(workspace)
    if chain is None:
        return records[0] if records else None
    matches = [r for r in records if r.chain_id == chain] or \
        [r for r in records if r.chain_id.startswith(chain)]
    return matches[0] if len(matches) == 1 else None


# == states ====================================================================================
_MARKER_RE = re.compile(r"^nnFT: (finished|failed|requeued|started|[a-z]+ job \S+ started)")


@dataclass
class TaskState:
    """One job (or array task) of a chain, as the wizard and ``nnft jobs`` show it.

    Attributes
    ----------
    role, fold
        ``prepare`` / ``pretrain`` / ``finetune``; the fold of a training.
    slurm_id
        ``12`` or ``12_3`` (array task).
    state
        Slurm's state name (``PENDING``, ``RUNNING``, ``COMPLETED``, ``FAILED``, ``CANCELLED``,
        ``TIMEOUT`` ...) or ``UNKNOWN``.
    reason
        Why it is pending (``Dependency``, ``BeginTime`` after a requeue, ``Resources``).
    source
        Where the state comes from: ``squeue``/``scontrol``/``sacct``/``sacct -c``/``job log``/
        ``results``/``record`` (cancelled through nnFT).
    restarts
        How often Slurm requeued it (when known).
    epochs_done, last_epoch, total_epochs
        Completed epochs read from the fold folder's training logs (shared filesystem).
    finished
        The training's ``checkpoint_final.pth`` exists.
    """

    role: str
    slurm_id: str
    fold: str | None = None
    state: str = "UNKNOWN"
    reason: str = ""
    source: str = ""
    restarts: int | None = None
    exit_code: str = ""
    fold_dir: str | None = None
    log_path: str | None = None
    epochs_done: int = 0
    last_epoch: Any = None
    total_epochs: int | None = None
    finished: bool = False
    #: Every epoch of the training so far (for curves); left out of :meth:`to_dict`.
    records: list = field(default_factory=list, repr=False)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def failed(self) -> bool:
        return self.state in FAILED_STATES

    def reason_shown(self) -> bool:
        """Slurm's reason matters while a job waits or runs (``Dependency``, ``Resources``);
        after the end it is stale (a cancelled dependent job still says ``Dependency``). The
        hint about a checkpoint on disk is always worth showing."""
        if not self.reason or self.reason in ("None", "(null)"):
            return False
        return self.active or self.state == "UNKNOWN"

    def state_text(self) -> str:
        """The state with Slurm's reason where it matters: ``PENDING (Dependency)``."""
        return f"{self.state} ({self.reason})" if self.reason_shown() else self.state

    def describe(self) -> str:
        """One line: ``RUNNING  epoch 12/40  (restarts 1)``."""
        text = self.state_text()
        if self.role != "prepare" and (self.epochs_done or self.state == "RUNNING"):
            total = f"/{self.total_epochs}" if self.total_epochs else ""
            text += f"  epoch {self.epochs_done}{total}"
        if self.restarts:
            text += f"  restarts {self.restarts}"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        del data["records"]
        last = self.last_epoch
        data["last_epoch"] = None if last is None else {
            "epoch": last.epoch, "train_loss": last.train_loss, "val_loss": last.val_loss,
            "pseudo_dice": list(last.pseudo_dice), "ema_pseudo_dice": last.ema_pseudo_dice,
            "learning_rate": last.learning_rate, "epoch_time_s": last.epoch_time_s}
        return data


@dataclass
class ChainStatus:
    """All tasks of one chain at one moment (poll :func:`chain_status` again for news)."""

    record: ChainRecord
    tasks: list[TaskState]
    slurm_available: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(t.active for t in self.tasks)

    @property
    def done(self) -> bool:
        return bool(self.tasks) and all(t.state == "COMPLETED" for t in self.tasks)

    @property
    def failed(self) -> bool:
        return any(t.failed for t in self.tasks)

    def to_dict(self) -> dict[str, Any]:
        return {"chain_id": self.record.chain_id, "chain_dir": self.record.chain_dir,
                "pretrain": self.record.pretrain, "finetune": self.record.finetune,
                "configuration": self.record.configuration, "trainer": self.record.trainer,
                "created": self.record.created, "cancelled": self.record.cancelled,
                "active": self.active, "done": self.done, "failed": self.failed,
                "slurm_available": self.slurm_available, "notes": list(self.notes),
                "tasks": [t.to_dict() for t in self.tasks]}


#: How much of the end of a job log is read when it is polled (a week of training writes a few
#: MB; the lines that matter, nnFT's last marker and what is shown, are at the end).
LOG_TAIL_BYTES = 1 << 20


def read_log_tail(path: str | Path, lines: int | None = None,
                  max_bytes: int = LOG_TAIL_BYTES) -> list[str]:
    """The last ``lines`` lines (all, with None) of the last ``max_bytes`` of a log file;
    empty when it cannot be read. A line cut by the byte window is dropped."""
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - max_bytes))
            data = handle.read()
    except OSError:
        return []
    text = data.decode("utf-8", errors="replace").splitlines()
    if size > max_bytes and text:
        text = text[1:]
    return text if lines is None else text[-lines:]


def _last_log_marker(path: Path) -> str | None:
    """The last ``nnFT: <word>`` line a job script printed (finished/failed/requeued/...)."""
    for line in reversed(read_log_tail(path)):
        match = _MARKER_RE.match(line.strip())
        if match:
            word = match.group(1)
            return "started" if word.endswith("started") else word
    return None


def _state_from_log(marker: str | None) -> str | None:
    return {"finished": "COMPLETED", "failed": "FAILED"}.get(marker or "")


def chain_status(record: ChainRecord, slurm: SlurmCommands | None = None) -> ChainStatus:
    """The state of every job of a chain, and the epochs of every training.

    Asks ``scontrol`` (jobs Slurm still knows: queued, running, or finished less than
    ``MinJobAge`` ago), then ``squeue``, then ``sacct`` (accounting) and ``sacct -c`` (job
    completion log), then the job's own log (its last ``nnFT: ...`` line), then the results on
    disk. Never raises for Slurm trouble: without Slurm the states come from logs and results.
    """
    from .training_log import parse_fold_dir

    slurm = slurm or SlurmCommands()
    chain_dir = Path(record.chain_dir)
    tasks: list[TaskState] = []
    for job in record.jobs:
        for slurm_id, fold in job.task_ids():
            task_key = slurm_id.split("_", 1)[1] if "_" in slurm_id else slurm_id
            fold_dir = job.fold_dirs.get(fold or "") if fold else None
            tasks.append(TaskState(
                role=job.role, slurm_id=slurm_id, fold=fold, fold_dir=fold_dir,
                log_path=str(job.log_path(chain_dir, f"{job.job_id}_{task_key}"
                                          if job.is_array else job.job_id)),
                total_epochs=record.total_epochs))
    status = ChainStatus(record, tasks, slurm_available=slurm.available())

    known: dict[str, dict[str, str]] = {}
    if status.slurm_available:
        try:
            for job in record.jobs:
                known.update(slurm.scontrol_show_job(job.job_id))
            missing = [t.slurm_id for t in tasks if t.slurm_id not in known]
            if missing:
                known.update(slurm.squeue(missing))
            for completion_log in (False, True):
                missing = [t.slurm_id for t in tasks if t.slurm_id not in known]
                if not missing:
                    break
                answer = slurm.sacct(missing, completion_log=completion_log)
                if answer:
                    known.update({k: v for k, v in answer.items() if k in missing})
        except SlurmError as exc:
            status.notes.append(str(exc))
    else:
        status.notes.append("Slurm's commands are not available here: states come from the "
                            "job logs and the results folder.")

    for task in tasks:
        info = known.get(task.slurm_id)
        marker = _last_log_marker(Path(task.log_path)) if task.log_path else None
        if info:
            task.state = info.get("state", "UNKNOWN") or "UNKNOWN"
            task.reason = info.get("reason", "")
            task.source = info.get("source", "")
            task.exit_code = info.get("exit_code", "")
            restarts = info.get("restarts", "")
            task.restarts = int(restarts) if restarts.isdigit() else None
        elif record.cancelled and marker not in ("finished", "failed"):
            task.state, task.source = "CANCELLED", "record"
        elif _state_from_log(marker):
            task.state, task.source = _state_from_log(marker), "job log"
        if task.fold_dir:
            fold_dir = Path(task.fold_dir)
            records = task.records = parse_fold_dir(fold_dir)
            task.epochs_done = (records[-1].epoch + 1) if records else 0
            task.last_epoch = records[-1] if records else None
            task.finished = (fold_dir / "checkpoint_final.pth").is_file()
            if task.state == "UNKNOWN" and task.finished:
                task.state, task.source = "COMPLETED", "results"
            elif task.state == "UNKNOWN" and has_resumable_checkpoint(fold_dir):
                task.reason = "checkpoint on disk; nnft submit continues it with --c"
        elif task.role == "prepare" and task.state == "UNKNOWN":
            # The trainings only start after the preparation succeeded (afterok).
            later = [t for t in tasks if t.role != "prepare" and t.fold_dir]
            if any(Path(t.fold_dir).is_dir() for t in later):
                task.state, task.source = "COMPLETED", "results"
    return status


def cancel_chain(record: ChainRecord, slurm: SlurmCommands | None = None) -> list[str]:
    """Cancel every job of the chain that Slurm may still run (``scancel``; an array job id
    cancels all its tasks) and mark the record cancelled. Returns the cancelled job ids.

    Raises :class:`SlurmNotFound` / :class:`SlurmError` when scancel cannot be run.
    """
    slurm = slurm or SlurmCommands()
    if not slurm.available():
        raise SlurmNotFound(slurm.missing_message("scancel"))
    ids = record.job_ids()
    if ids:
        slurm.scancel(ids)
    record.cancelled = datetime.now().isoformat(timespec="seconds")
    record.save()
    return ids


def signal_job(job_id: str, signal: str = "USR1", slurm: SlurmCommands | None = None) -> None:
    """``scancel --signal=USR1 --batch JOB``: what Slurm does before the time limit, now
    (a training job checkpoints, stops and requeues itself)."""
    (slurm or SlurmCommands()).scancel([job_id], signal=signal, batch_only=True)
