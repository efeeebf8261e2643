"""Is a training of this fold running? Decided from facts, not from a log file's age.

Three sources, in this order of trust:

1. **nnFT's run records.** Every command the executor starts gets a record in
   ``nnUNet_results/nnFT/runs/`` (pid, the process's start time, host, argv, fold folder, log).
   A record counts only while a process with that pid *and that start time* lives on this host:
   a record left by a crash, or whose pid the system has since given to another program, is
   stale and never blocks anything (it is removed when found).
2. **The process table**, for an ``nnUNetv2_train`` of the same fold started by hand (same
   dataset, configuration, fold, trainer and plans): ``/proc`` on Linux, ``ps`` elsewhere
   (macOS).
3. **The training log's age**, only as a hint: a record from another host (a results folder
   shared between machines) cannot be checked here; its log tells whether it still writes.

:func:`detect_training` returns a :class:`RunActivity` saying which of these found what, and
:func:`request_graceful_stop` asks a found nnFT trainer to stop after its epoch.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from .safety import atomic_write_text
from .steps.context import GRACEFUL_STOP_TRAINERS

RECORDS_FOLDER = "runs"
TRAIN_PROGRAM = "nnUNetv2_train"
#: nnUNetv2_train's options that take a value (all others are flags).
_TRAIN_VALUE_OPTIONS = frozenset({"-tr", "-p", "-pretrained_weights", "-num_gpus", "-device"})
#: A log from another host written within this many seconds suggests it still trains there.
RECENT_LOG_S = 300.0

NONE, RECORDED, PROCESS, ELSEWHERE = "none", "recorded", "process", "elsewhere"


# -- processes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProcessInfo:
    """One process of this host: pid, parent, start time (an opaque, comparable text), argv."""

    pid: int
    ppid: int
    start_time: str
    argv: list[str]


def _linux_process(pid: int) -> ProcessInfo | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces: split after it.
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20 or fields[0] in ("Z", "X"):  # a zombie has ended (not yet reaped)
        return None
    argv = [a.decode("utf-8", errors="replace") for a in raw.split(b"\0") if a]
    # Field 22, the start time in clock ticks after boot: with the pid, unique per boot.
    return ProcessInfo(pid, int(fields[1]), fields[19], argv)


def _ps_processes(pid: int | None = None) -> list[ProcessInfo]:
    """Processes from ``ps`` (macOS and other systems without /proc)."""
    which = ["-p", str(pid)] if pid is not None else ["-ax"]
    try:
        out = subprocess.run(["ps", *which, "-o", "pid=,ppid=,stat=,lstart=,command="],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        parts = line.split()
        # lstart is five words: "Sun Nov 29 17:35:22 2026".
        if len(parts) < 8 or not parts[0].isdigit() or parts[2].startswith("Z"):
            continue
        found.append(ProcessInfo(int(parts[0]), int(parts[1]), " ".join(parts[3:8]),
                                 parts[8:]))
    return found


def process_info(pid: int) -> ProcessInfo | None:
    """The living process ``pid`` on this host, or None (gone, or a zombie)."""
    if pid <= 0:
        return None
    if Path("/proc/self/stat").exists():
        return _linux_process(pid)
    found = _ps_processes(pid)
    return found[0] if found else None


def all_processes() -> list[ProcessInfo]:
    """Every living process of this host that can be read."""
    if not Path("/proc/self/stat").exists():
        return _ps_processes()
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            info = _linux_process(int(entry.name))
            if info is not None:
                found.append(info)
    return found


# -- nnUNetv2_train's argv ---------------------------------------------------------------------
@dataclass(frozen=True)
class TrainTarget:
    """What an ``nnUNetv2_train`` trains: its results fold folder is named from these."""

    dataset: str  # as given: a name (Dataset002_X) or an id (2)
    configuration: str
    fold: str
    trainer: str = "nnUNetTrainer"
    plans: str = "nnUNetPlans"

    def same_fold(self, other: TrainTarget) -> bool:
        """Both train the same fold folder (a dataset id matches its name)."""
        return (_dataset_id(self.dataset) == _dataset_id(other.dataset)
                and (self.configuration, self.fold, self.trainer, self.plans)
                == (other.configuration, other.fold, other.trainer, other.plans))


def _dataset_id(text: str) -> int | None:
    digits = text.removeprefix("Dataset")[:3] if text.startswith("Dataset") else text
    return int(digits) if digits.isdigit() else None


def train_target_of(argv: list[str]) -> TrainTarget | None:
    """The fold an ``nnUNetv2_train`` argv trains (None: not nnUNetv2_train).

    The console script runs as ``python …/bin/nnUNetv2_train DATASET CONFIG FOLD [options]``, or
    directly; both forms are recognised.
    """
    start = next((i for i, a in enumerate(argv[:3]) if Path(a).name == TRAIN_PROGRAM), None)
    if start is None:
        return None
    positional, options = [], {}
    rest = argv[start + 1:]
    i = 0
    while i < len(rest):
        token = rest[i]
        if token in _TRAIN_VALUE_OPTIONS and i + 1 < len(rest):
            options[token] = rest[i + 1]
            i += 2
            continue
        if not token.startswith("-"):
            positional.append(token)
        i += 1
    if len(positional) < 3:
        return None
    return TrainTarget(positional[0], positional[1], positional[2],
                       options.get("-tr", "nnUNetTrainer"), options.get("-p", "nnUNetPlans"))


def target_of_fold_dir(fold_dir: Path) -> TrainTarget | None:
    """The target from nnU-Net's layout ``<Dataset>/<trainer>__<plans>__<config>/fold_<f>``."""
    parts = fold_dir.parent.name.split("__")
    if len(parts) != 3 or not fold_dir.name.startswith("fold_"):
        return None
    return TrainTarget(fold_dir.parent.parent.name, parts[2], fold_dir.name.removeprefix("fold_"),
                       parts[0], parts[1])


def results_folder_of(pid: int) -> str | None:
    """The ``nnUNet_results`` of a process's environment (None: unset or not readable)."""
    if Path("/proc/self/environ").exists():
        try:
            raw = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            return None
        entries = [e.decode("utf-8", errors="replace") for e in raw.split(b"\0")]
    else:  # BSD ps: "e" appends the environment of one's own processes to the command
        try:
            entries = subprocess.run(["ps", "eww", "-o", "command=", "-p", str(pid)],
                                     capture_output=True, text=True, timeout=10,
                                     check=False).stdout.split()
        except (OSError, subprocess.SubprocessError):
            return None
    return next((e.split("=", 1)[1] for e in entries if e.startswith("nnUNet_results=")), None)


def _same_folder(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return False


def training_processes(target: TrainTarget, results: Path | None = None) -> list[ProcessInfo]:
    """Main processes of ``nnUNetv2_train`` runs of ``target`` on this host.

    With ``results``, a process whose environment names another ``nnUNet_results`` trains
    another workspace's fold of the same name and is left out (one whose environment cannot
    be read is kept: it may be this one's). nnU-Net's data-augmentation workers are forks with
    the same command line; only the process whose parent is not one of them is returned.
    """
    matches = {p.pid: p for p in all_processes()
               if (t := train_target_of(p.argv)) is not None and t.same_fold(target)}
    found = []
    for process in matches.values():
        if process.ppid in matches:
            continue
        folder = results_folder_of(process.pid) if results is not None else None
        if results is not None and folder is not None and not _same_folder(folder, results):
            continue
        found.append(process)
    return found


# -- records -----------------------------------------------------------------------------------
@dataclass
class RunRecord:
    """What nnFT knows about a command it started (written before the command's first output).

    ``start_time`` is the process's start time as the system reports it; together with ``pid``
    and ``host`` it names the process exactly, so a pid reused later is not mistaken for it.
    """

    pid: int
    start_time: str
    host: str
    argv: list[str]
    step: str = ""
    log_path: str = ""
    fold_dir: str = ""
    started_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))

    @property
    def trainer(self) -> str:
        target = train_target_of(self.argv)
        return target.trainer if target is not None else ""

    @property
    def on_this_host(self) -> bool:
        return self.host == socket.gethostname()

    def is_alive(self) -> bool:
        """Its process lives on this host (same pid *and* start time)."""
        if not self.on_this_host:
            return False
        info = process_info(self.pid)
        return info is not None and info.start_time == self.start_time


def records_dir(state_dir: Path) -> Path:
    """Where the records live: ``nnUNet_results/nnFT/runs``."""
    return Path(state_dir) / RECORDS_FOLDER


def write_record(state_dir: Path, pid: int, argv: list[str], *, step: str = "",
                 log_path: Path | None = None, fold_dir: Path | None = None) -> Path | None:
    """Record the process ``pid`` nnFT has just started; returns the record's file.

    None when the process is already gone (nothing to record).
    """
    info = process_info(pid)
    if info is None:
        return None
    record = RunRecord(pid, info.start_time, socket.gethostname(), [str(a) for a in argv], step,
                       str(log_path or ""), str(fold_dir or ""))
    path = records_dir(state_dir) / f"{record.host}-{pid}.json"
    atomic_write_text(path, json.dumps(asdict(record), indent=2))
    return path


def remove_record(path: Path | None) -> None:
    """Forget a record (its command has ended and the executor is done with it)."""
    if path is not None:
        Path(path).unlink(missing_ok=True)


def read_records(state_dir: Path) -> list[tuple[Path, RunRecord]]:
    """Every readable record (unreadable files are skipped)."""
    folder = records_dir(state_dir)
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append((path, RunRecord(**data)))
        except (OSError, ValueError, TypeError):
            continue
    return found


# -- the answer ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunActivity:
    """Whether a training of one fold runs, and how that is known.

    Attributes
    ----------
    kind
        :data:`RECORDED` (a process nnFT started, found alive), :data:`PROCESS` (an
        ``nnUNetv2_train`` of this fold started by hand, in the process table), :data:`ELSEWHERE`
        (an nnFT record of another host, whose log was written recently: it probably runs
        there; nothing here can check) or :data:`NONE`.
    pid
        The training's main process (RECORDED, PROCESS).
    start_time
        Its start time, checked again before it is signalled.
    host
        The host of an ELSEWHERE record.
    argv
        The training's command line.
    log_age_s
        Seconds since the fold's newest training log was written (None: no log).
    """

    kind: str = NONE
    pid: int | None = None
    start_time: str = ""
    host: str = ""
    argv: tuple[str, ...] = ()
    log_age_s: float | None = None
    log_path: str = ""  # nnFT's step log of a RECORDED run (all of the command's output)

    @property
    def running_here(self) -> bool:
        """A process of this host trains the fold: starting another one must wait."""
        return self.kind in (RECORDED, PROCESS)

    @property
    def found(self) -> bool:
        return self.kind != NONE

    @property
    def can_stop_gracefully(self) -> bool:
        """The process runs here and is an nnFT trainer (it stops after its epoch on SIGUSR1)."""
        target = train_target_of(list(self.argv))
        return (self.running_here and os.name != "nt" and target is not None
                and target.trainer in GRACEFUL_STOP_TRAINERS)


def newest_log_age_s(fold_dir: Path) -> float | None:
    """Seconds since a ``training_log_*.txt`` of the fold was last written."""
    times = []
    for log in Path(fold_dir).glob("training_log_*.txt"):
        try:
            times.append(log.stat().st_mtime)
        except OSError:
            continue
    return max(0.0, time.time() - max(times)) if times else None


def detect_training(fold_dir: Path, state_dir: Path | None) -> RunActivity:
    """Is a training of ``fold_dir`` running? See the module docstring for the rules.

    Reads ``/proc`` (or runs ``ps``): call it off the GUI thread. Stale records of this host (the
    process is gone, or the pid now belongs to another process) are removed.
    """
    fold_dir = Path(fold_dir)
    target = target_of_fold_dir(fold_dir)
    log_age = newest_log_age_s(fold_dir) if fold_dir.is_dir() else None
    elsewhere: RunRecord | None = None
    for path, record in read_records(state_dir) if state_dir is not None else []:
        target_of_record = train_target_of(record.argv)
        same = (record.fold_dir and Path(record.fold_dir) == fold_dir) or (
            target is not None and target_of_record is not None
            and target_of_record.same_fold(target))
        if not record.on_this_host:
            if same:
                elsewhere = record
            continue
        if not record.is_alive():
            remove_record(path)  # stale: a crash left it, or the pid was reused
            continue
        if same:
            return RunActivity(RECORDED, record.pid, record.start_time, record.host,
                               tuple(record.argv), log_age, record.log_path)
    if target is not None:
        # nnU-Net's layout: <nnUNet_results>/<dataset>/<trainer__plans__config>/<fold>.
        for process in training_processes(target, fold_dir.parent.parent.parent):
            return RunActivity(PROCESS, process.pid, process.start_time, "",
                               tuple(process.argv), log_age)
    if elsewhere is not None and log_age is not None and log_age < RECENT_LOG_S:
        return RunActivity(ELSEWHERE, elsewhere.pid, elsewhere.start_time, elsewhere.host,
                           tuple(elsewhere.argv), log_age)
    return RunActivity(NONE, log_age_s=log_age)


def request_graceful_stop(activity: RunActivity) -> bool:
    """Ask the found nnFT trainer to finish its epoch, checkpoint and exit (SIGUSR1).

    The process is checked again right before (same pid and start time), so a process that has
    ended and whose pid was reused is never signalled. False when no graceful stop is possible.
    """
    if not activity.can_stop_gracefully or activity.pid is None:
        return False
    info = process_info(activity.pid)
    if info is None or info.start_time != activity.start_time:
        return False
    try:
        os.kill(activity.pid, signal.SIGUSR1)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def describe(activity: RunActivity) -> str:
    """One honest sentence about what was found (for ``nnft monitor`` and logs)."""
    age = "" if activity.log_age_s is None else \
        f"; its log was last written {activity.log_age_s:.0f} s ago"
    if activity.kind == RECORDED:
        return f"a training nnFT started is running (process {activity.pid}){age}"
    if activity.kind == PROCESS:
        return f"an nnUNetv2_train of this fold is running (process {activity.pid}){age}"
    if activity.kind == ELSEWHERE:
        return (f"nnFT started a training of this fold on {activity.host} (process "
                f"{activity.pid} there, which cannot be checked from here){age}")
    return f"no training of this fold runs on this machine{age}"


class LogTail:
    """What a log file gained since the last :meth:`read_new` (the first call: its last lines).

    Used to show a followed run's output; a line still being written is kept for the next call.
    """

    def __init__(self, path: Path, first_lines: int = 200) -> None:
        self.path = Path(path)
        self.first_lines = first_lines
        self.offset: int | None = None
        self._partial = b""

    def read_new(self) -> list[str]:
        try:
            with open(self.path, "rb") as log:
                size = log.seek(0, os.SEEK_END)
                first = self.offset is None
                if first or size < (self.offset or 0):  # first look, or the file was replaced
                    self.offset, self._partial = 0, b""
                log.seek(self.offset or 0)
                data = self._partial + log.read()
        except OSError:
            return []
        self.offset = size
        *complete, self._partial = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") \
            .split(b"\n")
        lines = [line.decode("utf-8", errors="replace") for line in complete]
        return lines[-self.first_lines:] if first else lines
