"""Cluster profiles: how to ask one cluster for resources (:class:`SlurmProfile`), saved per
user under a name (``slurm_profiles.json``)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnft.core import problems as P
from nnft.core.i18n import text
from nnft.core.problems import SLURM_OPTIONS_INVALID, Problem
from nnft.core.safety import atomic_write_text

from .commands import SlurmConfigError, parse_memory_mb, parse_time_limit

PROFILES_FILE_NAME = "slurm_profiles.json"
#: Slurm's largest ``--signal`` offset.
MAX_SIGNAL_SECONDS = 65535
_NAME_RE = re.compile(r"^[A-Za-z0-9_.,:@+=-]+$")


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
            bad(text("Profile name '{name}' is not usable.", name=self.name),
                text("Use letters, digits, '-', '_' or '.'."))
        for key, label in (("partition", text("Partition")), ("account", text("Account")),
                           ("prepare_partition", text("Prepare partition"))):
            value = getattr(self, key)
            if value and not _NAME_RE.match(value):
                bad(text("{what} '{value}' contains spaces or characters Slurm does not "
                         "accept.", what=label, value=value),
                    text("Give the {key} name as `sinfo` or `sacctmgr` shows it.", key=key))
        if self.gpus < 0:
            bad(text("GPUs per job must be 0 or more, got {gpus}.", gpus=self.gpus),
                text("Give 0 for CPU-only jobs."))
        if self.cpus_per_task < 1:
            bad(text("CPUs per task must be at least 1, got {cpus}.", cpus=self.cpus_per_task),
                text("Give 1 or more (nnU-Net's data augmentation wants several per GPU)."))
        try:
            parse_memory_mb(self.mem)
        except ValueError:
            bad(text("Memory '{mem}' is not a Slurm memory size.", mem=self.mem),
                text("Write e.g. 32G or 64000M."))
        limits: dict[str, int | None] = {}
        for key in ("time_limit", "prepare_time_limit"):
            value = getattr(self, key)
            if key == "prepare_time_limit" and not value:
                continue
            try:
                limits[key] = parse_time_limit(value)
            except ValueError:
                bad(text("Time limit '{value}' is not in a Slurm format.", value=value),
                    text("Write HH:MM:SS, D-HH:MM:SS or minutes, e.g. 24:00:00 or "
                         "2-00:00:00."))
        if not 0 <= self.signal_seconds_before_end <= MAX_SIGNAL_SECONDS:
            bad(text("The stop signal must come 0-{most} s before the time limit, got "
                     "{seconds}.", most=MAX_SIGNAL_SECONDS,
                     seconds=self.signal_seconds_before_end),
                text("Give e.g. 300 (5 minutes)."))
        else:
            limit = limits.get("time_limit")
            if limit is not None and self.signal_seconds_before_end >= limit:
                bad(text("The stop signal {seconds} s before the end of a {time_limit} job "
                         "would come at its start.", seconds=self.signal_seconds_before_end,
                         time_limit=self.time_limit),
                    text("Give a longer time limit or a shorter signal time."))
        if self.num_gpus < 1:
            bad(text("-num_gpus must be at least 1, got {num_gpus}.", num_gpus=self.num_gpus),
                text("Give 1 or more."))
        elif self.num_gpus > 1 and self.num_gpus > self.gpus:
            bad(text("-num_gpus {num_gpus} asks nnU-Net to train on {num_gpus} GPUs, but the "
                     "jobs request {gpus} GPU(s) (--gpus).", num_gpus=self.num_gpus,
                     gpus=self.gpus),
                text("Request at least {num_gpus} GPUs per job (--gpus {num_gpus}) or lower "
                     "--num-gpus to {lower}.", num_gpus=self.num_gpus,
                     lower=max(self.gpus, 1)))
        for line in self.sbatch_extra_lines():
            if "\n" in line or "\r" in line or not line.startswith("-"):
                bad(text("Extra #SBATCH line '{line}' is not an sbatch option.", line=line),
                    text("Give options such as --qos=normal, one per line."))
        for line in self.setup:
            if "\n" in line or "\r" in line:
                bad(text("A set-up line contains a line break."),
                    text("Give one command per line."))
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
    """The saved profile ``name``; KeyError naming the known ones when there is none."""
    profiles = load_profiles(path)
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none saved yet"
        raise KeyError(f"no cluster profile '{name}' (known: {known})")
    return profiles[name]


def save_profile(profile: SlurmProfile, path: Path | None = None) -> Path:
    """Add or replace one profile (atomic write); returns the file."""
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
    """Remove one saved profile (atomic write); False when there was none of that name."""
    path = default_profiles_path() if path is None else Path(path)
    profiles = load_profiles(path)
    if profiles.pop(name, None) is None:
        return False
    data = {"format": 1, "profiles": {n: {k: v for k, v in p.to_dict().items() if k != "name"}
                                      for n, p in sorted(profiles.items())}}
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    return True
