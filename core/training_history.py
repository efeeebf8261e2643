"""A training's history from its fold folder: the epochs of all its logs (a resumed run
starts a new log), a checkpoint's ``logging`` dict, and the time left.

The line parser itself is :mod:`nnft.core.training_log`; this module decides which files make
up one training and merges them. Pure Python (no Qt, no torch, no numpy).
"""

from __future__ import annotations

import codecs
import math
import os
import re
import statistics
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .training_log import (
    EpochRecord,
    TrainingLogParser,
    parse_log_file,
    recompute_ema,
    to_float,
)

__all__ = [
    "append_epoch",
    "pseudo_dice_class_names",
    "FinalValidationProgress",
    "final_validation_progress",
    "estimate_remaining_seconds",
    "FoldLogFollower",
    "find_training_logs",
    "DURATION_FORMATS",
    "duration_pattern",
    "format_duration",
    "parse_fold_dir",
    "records_from_checkpoint_logging",
]

# training_log_%d_%d_%d_%02.0d_%02.0d_%02.0d.txt (year, month, day, hour, minute, second).
_LOG_NAME_RE = re.compile(
    r"training_log_(\d{1,4})_(\d{1,2})_(\d{1,2})_(\d{1,2})_(\d{1,2})_(\d{1,2})\.txt"
)


def _log_sort_key(path: Path) -> tuple[int, ...]:
    match = _LOG_NAME_RE.fullmatch(path.name)
    if match:
        return tuple(int(group) for group in match.groups())
    # A renamed log: fall back on its modification time, in the same (y, m, d, H, M, S) form.
    try:
        stamp = datetime.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        return (0, 0, 0, 0, 0, 0)
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def find_training_logs(fold_dir: str | os.PathLike[str]) -> list[Path]:
    """The ``training_log_*.txt`` files of a fold folder, oldest first.

    Sorted by the timestamp in the name compared as numbers: nnU-Net does not zero-pad month and day
    (``training_log_2024_4_9_…`` is older than ``training_log_2024_10_1_…``), so sorting by name
    would be wrong. A renamed log is placed by its modification time.

    Parameters
    ----------
    fold_dir
        A ``fold_X`` folder of nnU-Net's results; a missing folder gives an empty list.
    """
    folder = Path(fold_dir)
    try:
        logs = [p for p in folder.glob("training_log_*.txt") if p.is_file()]
    except OSError:
        return []
    return sorted(logs, key=lambda p: (_log_sort_key(p), p.name))


def parse_fold_dir(fold_dir: str | os.PathLike[str]) -> list[EpochRecord]:
    """All completed epochs of a fold, merged from all its logs, sorted by epoch.

    Continuing a training (``nnUNetv2_train … --c``) starts a new log file whose epoch numbers
    continue from the checkpoint; epochs run after that checkpoint but before the interruption are
    repeated in the new log, so the later log wins for a duplicated epoch number. The EMA is then
    recomputed over the merged epochs, which matches nnU-Net because it restores its logger from the
    same checkpoint. Unreadable logs are skipped.

    Parameters
    ----------
    fold_dir
        A ``fold_X`` folder of nnU-Net's results.

    Returns
    -------
    list of EpochRecord
        Completed epochs only, one per epoch number, sorted by epoch.
    """
    parsers = []
    for log in find_training_logs(fold_dir):
        try:
            parsers.append(parse_log_file(log))
        except OSError:  # deleted or unreadable while we list the folder
            continue
    return _merge_epochs(parsers)


def _merge_epochs(parsers: list[TrainingLogParser]) -> list[EpochRecord]:
    """The epochs of a fold's logs, oldest log first: a later log wins for an epoch number it
    repeats (a run continued with ``--c``); the EMA is recomputed over the merged epochs."""
    by_epoch: dict[int, EpochRecord] = {}
    for parser in parsers:
        for record in parser.epochs:
            by_epoch[record.epoch] = record
    records = [by_epoch[epoch] for epoch in sorted(by_epoch)]
    recompute_ema(records)
    return records


def append_epoch(history: list[EpochRecord], record: EpochRecord) -> list[EpochRecord]:
    """``history`` continued by a newly completed ``record``, with nnU-Net's EMA carried on.

    A live parser of a resumed run (``--c``) sees only the new log, so its EMA restarts at the
    first new epoch's raw pseudo dice; nnU-Net's own EMA continues from the checkpoint. Here the
    epochs from ``record.epoch`` on are replaced (a resumed run repeats the epochs after its
    checkpoint) and the EMA is recomputed over the whole history, as :func:`parse_fold_dir`
    does for the logs on disk. The records are copied: the inputs are left unchanged.

    Parameters
    ----------
    history
        The fold's completed epochs so far (e.g. from :func:`parse_fold_dir`), in order.
    record
        The epoch that just completed (from a :class:`TrainingLogParser` of the live output).

    Returns
    -------
    list of EpochRecord
        New records, sorted by epoch, ``ema_pseudo_dice`` as nnU-Net computes it.
    """
    merged = [replace(r) for r in history if r.epoch < record.epoch] + [replace(record)]
    recompute_ema(merged)
    return merged


def pseudo_dice_class_names(labels: dict[str, Any]) -> list[str]:
    """The names of nnU-Net's pseudo dice entries, in its order, from dataset.json's ``labels``.

    nnU-Net logs one pseudo dice per foreground label, sorted by value (background 0 and the
    ``ignore`` label left out). Region-based labels (lists of values) are listed in the file's
    order. Returns an empty list when the labels cannot be read.
    """
    foreground: list[tuple[float, int, str]] = []
    for position, (name, value) in enumerate(labels.items()):
        if name == "ignore":
            continue
        if isinstance(value, bool):
            return []
        if isinstance(value, int):
            if value != 0:
                foreground.append((value, position, name))
        elif isinstance(value, (list, tuple)):
            if any(v != 0 for v in value):
                foreground.append((math.inf, position, name))
        else:
            return []
    return [name for _value, _position, name in sorted(foreground)]


#: States of a fold's final validation (nnU-Net's ``perform_actual_validation``).
VALIDATION_NOT_STARTED, VALIDATION_STARTED, VALIDATION_COMPLETE, VALIDATION_SKIPPED = (
    "not started", "started", "complete", "skipped")


@dataclass(frozen=True)
class FinalValidationProgress:
    """How far nnU-Net's final validation of a fold got, from its logs.

    Attributes
    ----------
    state
        :data:`VALIDATION_NOT_STARTED`, :data:`VALIDATION_STARTED` (``predicting`` lines, no
        ``Validation complete`` yet: running, or killed), :data:`VALIDATION_COMPLETE` or
        :data:`VALIDATION_SKIPPED` (nnFT's quick trial without final validation).
    cases_started
        ``predicting <case>`` lines of the latest validation.
    total
        Cases to validate (see ``steps.disk.final_validation_total``), None when unknown.
    seconds_per_case
        Median time between two ``predicting`` lines, None before the second case.
    """

    state: str = VALIDATION_NOT_STARTED
    cases_started: int = 0
    total: int | None = None
    seconds_per_case: float | None = None

    @property
    def cases_done(self) -> int:
        """Cases predicted completely (the last one started is still being predicted)."""
        if self.state == VALIDATION_COMPLETE:
            return self.total if self.total is not None else self.cases_started
        return max(0, self.cases_started - 1)

    @property
    def seconds_left(self) -> float | None:
        """Estimated seconds to the end of the predictions (None when unknown)."""
        if self.state != VALIDATION_STARTED or self.total is None or \
                self.seconds_per_case is None:
            return None
        return self.seconds_per_case * max(0, self.total - self.cases_done)


def final_validation_progress(parsers: list[TrainingLogParser],
                              total: int | None = None) -> FinalValidationProgress:
    """The state of a fold's final validation from its logs' parsers (oldest log first).

    The newest log that mentions the final validation decides: a ``--val`` run after an
    interrupted validation starts a new log.
    """
    for parser in reversed(parsers):
        if parser.final_validation_skipped:
            return FinalValidationProgress(VALIDATION_SKIPPED, total=total)
        if parser.validation_complete:
            return FinalValidationProgress(VALIDATION_COMPLETE, len(parser.validation_cases),
                                           total)
        if parser.validation_cases:
            times = [t for t in parser.validation_case_times if t is not None]
            steps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
            per_case = float(statistics.median(steps)) if steps else None
            return FinalValidationProgress(VALIDATION_STARTED, len(parser.validation_cases),
                                           total, per_case)
    return FinalValidationProgress(total=total)


@dataclass
class _LogTail:
    """How far one log file has been read, and the parser that read it."""

    parser: TrainingLogParser = field(default_factory=TrainingLogParser)
    offset: int = 0
    # Bytes are read from an offset: a UTF-8 character cut at the end of a read is completed
    # by the next one.
    decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")(errors="replace"))


class FoldLogFollower:
    """The epochs of a fold, read again and again while its training writes them.

    :func:`parse_fold_dir` reads every log from the start: on a 1,000-epoch run with a
    100,000-line log that is about a second of work, which a follow timer would repeat every
    few seconds (and, in a worker thread, hold Python's GIL against the GUI thread). This reads
    only what was appended since the last :meth:`read`; a log that got shorter (rewritten) is
    read again from its start. The result equals :func:`parse_fold_dir` of the same files
    (tests/core/test_training_log.py), except that a last line still being written (no line
    break yet) is read once it is complete. Thread-safe: reads are serialised.

    Parameters
    ----------
    fold_dir
        A ``fold_X`` folder of nnU-Net's results (it may not exist yet).
    """

    def __init__(self, fold_dir: str | os.PathLike[str]) -> None:
        self.fold_dir = Path(fold_dir)
        self._tails: dict[Path, _LogTail] = {}
        self._lock = threading.Lock()

    def read(self) -> list[EpochRecord]:
        """All completed epochs so far, merged as :func:`parse_fold_dir` merges them."""
        with self._lock:
            logs = find_training_logs(self.fold_dir)
            tails = [self._read_tail(log) for log in logs]
            for gone in set(self._tails) - set(logs):
                del self._tails[gone]
            return _merge_epochs([tail.parser for tail in tails if tail is not None])

    def final_validation(self, total: int | None = None) -> FinalValidationProgress:
        """The final validation's progress as of the last :meth:`read`."""
        with self._lock:
            logs = find_training_logs(self.fold_dir)
            parsers = [self._tails[log].parser for log in logs if log in self._tails]
            return final_validation_progress(parsers, total)

    def _read_tail(self, log: Path) -> _LogTail | None:
        try:
            size = log.stat().st_size
            tail = self._tails.get(log)
            if tail is None or size < tail.offset:
                tail = self._tails[log] = _LogTail()
            if size > tail.offset:
                with open(log, "rb") as handle:
                    handle.seek(tail.offset)
                    data = handle.read(size - tail.offset)
                tail.offset += len(data)
                tail.parser.feed(tail.decoder.decode(data))
        except OSError:  # deleted or unreadable while we list the folder
            self._tails.pop(log, None)
            return None
        return tail


def _as_list(value: Any) -> list[Any]:
    if value is None or isinstance(value, (str, bytes, dict)):
        return []
    try:
        return list(value)
    except TypeError:
        return []


def _timestamp_to_datetime(value: Any) -> datetime | None:
    seconds = to_float(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds)
    except (OverflowError, OSError, ValueError):
        return None


def records_from_checkpoint_logging(logging: dict) -> list[EpochRecord]:
    """Epoch records from the ``'logging'`` dict of an nnU-Net checkpoint (already loaded).

    Uses nnU-Net's own ``mean_fg_dice`` and ``ema_fg_dice`` where present (exact, unlike a log's
    rounded values) and recomputes them otherwise. ``new_best_ema`` is derived with nnU-Net's rule
    (the EMA beat every earlier one). Lists of unequal length give ``None`` for missing entries;
    anything that is not a dict gives an empty list.

    Parameters
    ----------
    logging
        ``checkpoint['logging']`` (nnU-Net's ``LocalLogger.my_fantastic_logging``): lists with one
        entry per epoch under ``mean_fg_dice``, ``ema_fg_dice``, ``dice_per_class_or_region``,
        ``train_losses``, ``val_losses``, ``lrs``, ``epoch_start_timestamps`` and
        ``epoch_end_timestamps``. Loading the checkpoint (torch) is the caller's business.

    Returns
    -------
    list of EpochRecord
        One per logged epoch, numbered from 0.
    """
    if not isinstance(logging, dict):
        return []
    lists = {key: _as_list(value) for key, value in logging.items()}

    def get(key: str, index: int) -> Any:
        values = lists.get(key, [])
        return values[index] if index < len(values) else None

    count = max((len(lists.get(key, [])) for key in _CHECKPOINT_KEYS), default=0)
    records: list[EpochRecord] = []
    for index in range(count):
        dice = [to_float(v) for v in _as_list(get("dice_per_class_or_region", index))]
        start = to_float(get("epoch_start_timestamps", index))
        end = to_float(get("epoch_end_timestamps", index))
        duration = end - start if start is not None and end is not None else None
        records.append(
            EpochRecord(
                epoch=index,
                learning_rate=to_float(get("lrs", index)),
                train_loss=to_float(get("train_losses", index)),
                val_loss=to_float(get("val_losses", index)),
                pseudo_dice=[math.nan if v is None else v for v in dice],
                epoch_time_s=duration,
                started_at=_timestamp_to_datetime(start),
                ended_at=_timestamp_to_datetime(end),
            )
        )
    recompute_ema(records)

    best: float | None = None
    for index, record in enumerate(records):
        if index < len(lists.get("mean_fg_dice", [])):
            mean = to_float(get("mean_fg_dice", index))
            record.mean_pseudo_dice = None if mean is None or math.isnan(mean) else mean
        ema = to_float(get("ema_fg_dice", index))
        if ema is not None:
            record.ema_pseudo_dice = None if math.isnan(ema) else ema
        # nnU-Net: `if self._best_ema is None or ema > self._best_ema` (a nan best never improves).
        value = math.nan if record.ema_pseudo_dice is None else record.ema_pseudo_dice
        if best is None or value > best:
            best = value
            record.new_best_ema = value
    return records


_CHECKPOINT_KEYS = (
    "mean_fg_dice",
    "ema_fg_dice",
    "dice_per_class_or_region",
    "train_losses",
    "val_losses",
    "lrs",
    "epoch_start_timestamps",
    "epoch_end_timestamps",
)


def estimate_remaining_seconds(
    records: list[EpochRecord], total_epochs: int, window: int = 10
) -> float | None:
    """Estimated seconds until ``total_epochs`` epochs are done.

    The median time of the last ``window`` completed epochs (robust against the slow first epoch
    and against a validation or checkpoint hiccup) times the epochs still to run after the highest
    completed epoch number.

    Parameters
    ----------
    records
        Epoch records, e.g. :attr:`TrainingLogParser.epochs` or :func:`parse_fold_dir`.
    total_epochs
        The trainer's ``num_epochs`` (1000 for ``nnUNetTrainer``).
    window
        How many of the most recent timed epochs to take the median of.

    Returns
    -------
    float or None
        Seconds; ``None`` without any usable epoch time, ``0.0`` when all epochs are done.
    """
    timed = [
        (r.epoch, r.epoch_time_s)
        for r in records
        if r.epoch_time_s is not None and math.isfinite(r.epoch_time_s) and r.epoch_time_s > 0
    ]
    completed = [r.epoch for r in records if r.complete]
    if not timed or not completed:
        return None
    remaining = total_epochs - (max(completed) + 1)
    if remaining <= 0:
        return 0.0
    recent = sorted(timed, key=lambda epoch_and_time: epoch_and_time[0])[-max(1, window) :]
    return float(statistics.median(seconds for _, seconds in recent)) * remaining


#: The patterns of :func:`format_duration`, by the units shown (the GUI passes translated ones).
DURATION_FORMATS: dict[str, str] = {
    "s": "{0} s",
    "min": "{0} min",
    "min_s": "{0} min {1} s",
    "h": "{0} h",
    "h_min": "{0} h {1} min",
}


def duration_pattern(seconds: float) -> tuple[str, tuple[int, ...]]:
    """Which :data:`DURATION_FORMATS` pattern shows ``seconds``, and its numbers.

    Under a minute in seconds, under an hour in minutes and seconds, beyond in hours and
    minutes (seconds no longer matter there); a zero second or minute part is left out.

    Parameters
    ----------
    seconds
        The duration; negative or not finite counts as 0.

    Returns
    -------
    tuple
        The pattern's key and the numbers to put in, e.g. ``("min_s", (4, 10))`` for 250.
    """
    whole = int(round(seconds)) if math.isfinite(seconds) and seconds > 0 else 0
    if whole < 60:
        return "s", (whole,)
    if whole < 3600:
        minutes, secs = divmod(whole, 60)
        return ("min_s", (minutes, secs)) if secs else ("min", (minutes,))
    hours, minutes = divmod(int(round(whole / 60)), 60)
    return ("h_min", (hours, minutes)) if minutes else ("h", (hours,))


def format_duration(seconds: float, formats: dict[str, str] | None = None) -> str:
    """A duration for people: ``27`` → ``27 s``, ``250`` → ``4 min 10 s``, ``11520`` →
    ``3 h 12 min``.

    Parameters
    ----------
    seconds
        The duration in seconds.
    formats
        The patterns by key (default :data:`DURATION_FORMATS`); the GUI passes its translations.
    """
    key, numbers = duration_pattern(seconds)
    return (formats or DURATION_FORMATS)[key].format(*numbers)
