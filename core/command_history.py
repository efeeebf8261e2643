"""A durable history of the commands nnFT ran: one JSON line per finished command.

Run records (:mod:`.run_records`) say what runs *now* and are removed when a command ends; the
session keeps only the last status of each step. The run report needs more: every command of
the chain with its exit status and duration, also of earlier runs (a stopped and resumed
training is two commands). The executor appends one line to
``nnUNet_results/nnFT/command_history.jsonl`` when a command ends (done, failed, stopped,
cancelled, refused before it started, or left running); exported and SLURM scripts append one
through ``nnft step-hook after`` (the command succeeded: the script runs ``set -e``), with the
start time that ``nnft step-hook before`` appended.

Append-only on purpose: a line is written with one ``write`` to a file opened for appending, so
concurrent writers (two chains of one workspace) never overwrite each other's lines; a line cut
off by a crash is skipped when reading.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HISTORY_FILE = "command_history.jsonl"
#: ``event`` of a line: a command ended, or (scripts only) a command is about to start.
FINISHED, STARTED = "finished", "started"


@dataclass(frozen=True)
class CommandRecord:
    """One command of a chain and how it ended.

    Attributes
    ----------
    step
        The step key (``plan_finetune``, ``pretrain``, ``finetune``, ``baseline`` …).
    command
        The command as a shell line (a file operation nnFT does itself is described in words).
    argv
        The command's argv (empty for nnFT's own file operations).
    started
        When it started: ISO 8601 with the UTC offset.
    duration_s
        Seconds from start to end; None when unknown (a script's step without a start line).
    exit_code
        The process's exit status (negative: ended by that signal); None when no process
        ended (refused before it started, left running, a file operation that raised).
    status
        nnFT's verdict (:class:`~.executor.StepStatus` value: done, failed, stopped, cancelled,
        detached).
    host
        The machine it ran on.
    source
        Who ran it: ``nnft`` (the executor: ``nnft run`` and the wizard) or ``script`` (an
        exported bash script or a SLURM job, through ``nnft step-hook``).
    message
        Why it did not finish (empty when done).
    log
        Its step log, where nnFT wrote one.
    event
        :data:`FINISHED` or :data:`STARTED`.
    """

    step: str
    command: str
    argv: list[str] = field(default_factory=list)
    started: str = ""
    duration_s: float | None = None
    exit_code: int | None = None
    status: str = ""
    host: str = ""
    source: str = "nnft"
    message: str = ""
    log: str = ""
    event: str = FINISHED

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def history_path(state_dir: Path) -> Path:
    """``<state_dir>/command_history.jsonl`` (``nnUNet_results/nnFT/…``)."""
    return Path(state_dir) / HISTORY_FILE


def now_iso() -> str:
    """The current time as ISO 8601 with the local UTC offset, to the second."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def append_record(state_dir: Path, record: CommandRecord) -> Path:
    """Append ``record`` as one JSON line; returns the history file.

    Raises OSError when the state folder cannot be written (callers that must not fail because
    of bookkeeping catch it).
    """
    path = history_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = record.to_dict()
    if not data["host"]:
        data["host"] = socket.gethostname()
    line = json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
    if not _ends_with_newline(path):
        line = "\n" + line  # a line cut off by a crash must not swallow this one
    # One write of a whole line in append mode: lines of concurrent writers never interleave
    # on a local file system, and nothing already written is ever rewritten.
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
    return path


def _ends_with_newline(path: Path) -> bool:
    """True for a missing or empty file and one whose last byte is a newline."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return True
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
    except OSError:
        return True


def read_history(state_dir: Path) -> list[CommandRecord]:
    """Every readable line of the history, oldest first (missing file: empty list).

    Lines that are not a JSON object of a record (cut off by a crash, written by a newer nnFT
    with other fields) are skipped or read without the unknown fields.
    """
    try:
        text = history_path(state_dir).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    known = set(CommandRecord.__dataclass_fields__)
    records: list[CommandRecord] = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("step"), str):
            continue
        try:
            records.append(CommandRecord(**{k: v for k, v in data.items() if k in known}))
        except TypeError:
            continue
    return records


#: A script's start line superseded this soon by another start of the same step on the same
#: host never ran its command: the SLURM training job runs its before hook again when the
#: hook changed what the command must be (a cut-off checkpoint moved away: no ``--c``).
RECHOSEN_WITHIN_S = 10.0


def finished_commands(records: list[CommandRecord]) -> list[CommandRecord]:
    """The commands that ended, oldest first: every :data:`FINISHED` line, and a script's
    :data:`STARTED` line that no finished line of the same step and command followed (the
    command failed, was killed or stopped: a script stops at a failure) with unknown exit
    status."""
    result: list[CommandRecord] = []
    open_starts: dict[tuple[str, str], CommandRecord] = {}
    for record in records:
        key = (record.step, record.host)
        if record.event == STARTED:
            earlier = open_starts.pop(key, None)
            if earlier is not None and not _seconds_between(earlier, record) < RECHOSEN_WITHIN_S:
                result.append(_unfinished(earlier))  # started again: the earlier one ended badly
            open_starts[key] = record
        elif record.event == FINISHED:
            if key in open_starts and open_starts[key].command == record.command:
                del open_starts[key]
            result.append(record)
    result += [_unfinished(r) for r in open_starts.values()]
    return sorted(result, key=lambda r: r.started)


def _seconds_between(first: CommandRecord, second: CommandRecord) -> float:
    """Seconds from ``first``'s start to ``second``'s (infinite when a time is unreadable)."""
    try:
        return (datetime.fromisoformat(second.started)
                - datetime.fromisoformat(first.started)).total_seconds()
    except (TypeError, ValueError):
        return float("inf")


def _unfinished(start: CommandRecord) -> CommandRecord:
    return CommandRecord(step=start.step, command=start.command, argv=start.argv,
                         started=start.started, duration_s=None, exit_code=None,
                         status="no end recorded", host=start.host, source=start.source,
                         message="started, but no end was recorded (it failed, was killed, "
                                 "or still runs)",
                         log=start.log, event=FINISHED)


def script_start(state_dir: Path, step: str, command: str, argv: list[str]) -> None:
    """A script's step is about to run its command (``nnft step-hook before``)."""
    append_record(state_dir, CommandRecord(step=step, command=command, argv=argv,
                                           started=now_iso(), source="script", event=STARTED,
                                           status="started"))


def script_finish(state_dir: Path, step: str, command: str, argv: list[str]) -> None:
    """A script's step command succeeded (``nnft step-hook after``: ``set -e`` scripts reach
    it only after exit status 0); the duration is measured from its start line."""
    host = socket.gethostname()
    start = next((r for r in reversed(read_history(state_dir))
                  if r.event == STARTED and r.step == step and r.command == command
                  and r.host == host), None)
    duration = None
    started = now_iso()
    if start is not None:
        started = start.started
        try:
            duration = max(0.0, (datetime.now(timezone.utc) - datetime.fromisoformat(
                start.started)).total_seconds())
        except ValueError:
            duration = None
    append_record(state_dir, CommandRecord(step=step, command=command, argv=argv,
                                           started=started, duration_s=duration, exit_code=0,
                                           status="done", host=host, source="script",
                                           event=FINISHED))

