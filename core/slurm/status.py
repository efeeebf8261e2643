"""The states of a submitted chain's jobs (scontrol, squeue, sacct, the job logs, the results on
disk) and their epochs; cancelling and signalling jobs; chains that would train into the same
folders."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nnft.core import problems as P
from nnft.core.i18n import text
from nnft.core.problems import SLURM_CHAIN_ACTIVE, Problem
from nnft.core.steps import ChainContext, final_validation_finished, has_resumable_checkpoint
from nnft.core.training_history import parse_fold_dir

from .commands import (
    ACTIVE_STATES,
    FAILED_STATES,
    SlurmCommands,
    SlurmError,
    SlurmNotFound,
)
from .scripts import training_fold_dirs, training_roles
from .submit import ChainRecord, list_chains

_MARKER_RE = re.compile(r"^nnFT: (finished|failed|requeued|started|[a-z]+ job \S+ started)")


@dataclass
class TaskState:
    """One job (or array task) of a chain, as the wizard and ``nnft jobs`` show it.

    Attributes
    ----------
    role, fold
        ``prepare`` / ``pretrain`` / ``finetune`` / ``baseline`` (from scratch); the fold of a
        training.
    trainer
        The training's ``-tr`` (empty for the preparation or when the record predates it).
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
        The training's ``checkpoint_final.pth`` exists and its final validation finished (or
        was skipped on purpose).
    """

    role: str
    slurm_id: str
    fold: str | None = None
    state: str = "UNKNOWN"
    reason: str = ""
    source: str = ""
    restarts: int | None = None
    exit_code: str = ""
    trainer: str = ""
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
                "source_model": self.record.source_model,
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
    slurm = slurm or SlurmCommands()
    chain_dir = Path(record.chain_dir)
    tasks: list[TaskState] = []
    for job in record.jobs:
        for slurm_id, fold in job.task_ids():
            task_key = slurm_id.split("_", 1)[1] if "_" in slurm_id else slurm_id
            fold_dir = job.fold_dirs.get(fold or "") if fold else None
            tasks.append(TaskState(
                role=job.role, slurm_id=slurm_id, fold=fold, fold_dir=fold_dir,
                trainer=job.trainer,
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
        elif log_state := _state_from_log(marker):
            task.state, task.source = log_state, "job log"
        if task.fold_dir:
            results_dir = Path(task.fold_dir)
            records = task.records = parse_fold_dir(results_dir)
            task.epochs_done = (records[-1].epoch + 1) if records else 0
            task.last_epoch = records[-1] if records else None
            # Trained and validated: a job killed during nnU-Net's final validation is not.
            task.finished = ((results_dir / "checkpoint_final.pth").is_file()
                             and final_validation_finished(results_dir))
            if task.state == "UNKNOWN" and task.finished:
                task.state, task.source = "COMPLETED", "results"
            elif task.state == "UNKNOWN" and has_resumable_checkpoint(results_dir):
                task.reason = "checkpoint on disk; nnft submit continues it with --c"
        elif task.role == "prepare" and task.state == "UNKNOWN":
            # The trainings only start after the preparation succeeded (afterok).
            later = [Path(t.fold_dir) for t in tasks if t.role != "prepare" and t.fold_dir]
            if any(folder.is_dir() for folder in later):
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


def chain_fold_dirs(ctx: ChainContext, folds: Sequence[str]) -> set[str]:
    """The results folders the trainings of a chain write into (the fine-tuning preset's
    folders, and the baseline's when the chain has one)."""
    dirs: set[str] = set()
    for role in training_roles(ctx):
        dirs.update(training_fold_dirs(ctx, role, folds).values())
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
                text("Chain {chain} still has jobs queued or running ({ids}) that train into "
                     "the same results folders.", chain=record.chain_id, ids=ids),
                text("Wait for it (nnft jobs {chain} --follow) or cancel it (nnft jobs {chain} "
                     "--cancel); then submit again, it continues from its checkpoints.",
                     chain=record.chain_id)))
    return found
