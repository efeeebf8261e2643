"""Read nnU-Net v2 training progress: the ``training_log_*.txt`` files, the trainer's stdout and the
``'logging'`` dict of a checkpoint.

nnU-Net (2.8.1) writes one line per ``print_to_log_file`` call: ``f"{datetime.now()}:"`` followed by
each argument as ``str`` and a space, so a log line ends in a space and stdout shows the same line
without it. One epoch looks like this::

    2024-04-26 09:41:40.302549:
    2024-04-26 09:41:40.307418: Epoch 1
    2024-04-26 09:41:40.311464: Current learning rate: 0.00999
    2024-04-26 09:43:54.932336: train_loss 0.4043
    2024-04-26 09:43:54.939337: val_loss 0.3847
    2024-04-26 09:43:54.943336: Pseudo dice [0.0, 0.1611, 0.0]
    2024-04-26 09:43:54.947495: Epoch time: 134.63 s
    2024-04-26 09:43:54.949496: Yayy! New best EMA pseudo Dice: 0.0005

With numpy >= 2 the dice list is printed with ``repr`` of numpy scalars
(``[np.float32(0.8961), np.float32(nan)]``), so numbers are parsed by a regex that accepts such
wrappers. Everything else (headers, warnings, tracebacks, progress bars) is ignored. The parser
never raises on malformed text: a line it cannot read is skipped, because one broken line in the log
of a week-long training must not hide the other epochs.

This module is pure Python (no Qt, no torch, no numpy) so the CLI and the wizard can both use it.
"""

from __future__ import annotations

import math
import os
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = [
    "EpochRecord",
    "TrainingLogParser",
    "estimate_remaining_seconds",
    "find_training_logs",
    "parse_fold_dir",
    "parse_log_file",
    "parse_log_text",
    "recompute_ema",
    "records_from_checkpoint_logging",
]

# nnU-Net's smoothing factor of the EMA pseudo Dice (nnunet_logger.LocalLogger / MetaLogger.log).
EMA_KEEP = 0.9
EMA_NEW = 0.1

# Longest line the parser looks at. Real lines are short (a Pseudo dice line with hundreds of
# regions is a few kB); the cap keeps memory bounded when someone feeds a binary file or a stream
# that never sends a newline. Applied identically by feed() and feed_line(), so chunked and
# whole-text parsing agree.
MAX_LINE_CHARS = 1 << 20

# A number as nnU-Net prints it: plain (``0.4043``, ``-0.2316``, ``1e-05``, ``nan``, ``inf``) or
# wrapped in a numpy scalar repr (``np.float32(0.8961)``, numpy >= 2). The wrapper must be closed,
# so a cut-off ``np.float32(`` is not a number.
_NUM = r"[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|inf(?:inity)?)"
_VALUE = rf"(?:[A-Za-z_][\w.]*\(\s*(?P<wrapped>{_NUM})\s*\)|(?P<plain>{_NUM}))"
_VALUE_RE = re.compile(rf"\s*{_VALUE}\s*", re.IGNORECASE)

# ``str(datetime)``: microseconds are left out when they are exactly 0.
_TIMESTAMP_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?: ?")

# Epoch numbers are capped at 9 digits: int() of a huge digit string raises in Python >= 3.11.
_EPOCH_RE = re.compile(r"Epoch (\d{1,9})")
_LR_RE = re.compile(r"Current learning rate: (.*)")
_TRAIN_LOSS_RE = re.compile(r"train_loss (.*)")
_VAL_LOSS_RE = re.compile(r"val_loss (.*)")
_DICE_RE = re.compile(r"Pseudo dice \[(.*)\]")
_EPOCH_TIME_RE = re.compile(r"Epoch time: (.*) s")
_NEW_BEST_RE = re.compile(r"Yayy! New best EMA pseudo Dice: (.*)")
_TRAINING_DONE_RE = re.compile(r"Training done\.")
_MEAN_VAL_DICE_RE = re.compile(r"Mean Validation Dice: +(.*)")
# Printed (stdout only, no timestamp) by nnunetv2.run.load_pretrained_weights:
# print("################### Loading pretrained weights from file ", fname, '###################')
# The closing "#####" is stripped afterwards rather than by the regex: a lazy group followed by
# optional repeats backtracks quadratically on long runs of "#".
_PRETRAINED_RE = re.compile(r"Loading pretrained weights from file\s+(.*)")

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")

# training_log_%d_%d_%d_%02.0d_%02.0d_%02.0d.txt (year, month, day, hour, minute, second).
_LOG_NAME_RE = re.compile(
    r"training_log_(\d{1,4})_(\d{1,2})_(\d{1,2})_(\d{1,2})_(\d{1,2})_(\d{1,2})\.txt"
)


@dataclass
class EpochRecord:
    """What nnU-Net reported about one epoch.

    Attributes
    ----------
    epoch
        Epoch number as logged (0-based: the first epoch is ``Epoch 0``).
    learning_rate
        From ``Current learning rate:`` (rounded to 5 decimals in a log; exact from a checkpoint).
    train_loss, val_loss
        Losses (may be negative with some losses, or ``nan``).
    pseudo_dice
        Pseudo Dice per class or region; ``nan`` is kept as ``float('nan')``.
    mean_pseudo_dice
        nanmean of ``pseudo_dice``; ``None`` when it is empty or all ``nan``.
    ema_pseudo_dice
        nnU-Net's exponential moving average of ``mean_pseudo_dice``, recomputed so that every epoch
        has it (the log only prints it when it improves). ``None`` where nnU-Net's value is ``nan``.
        From a log it is computed from the printed (4-decimal) dice, so it can differ from nnU-Net's
        value by about 1e-4.
    new_best_ema
        The value of a ``Yayy! New best EMA pseudo Dice`` line, if this epoch printed one (nnU-Net
        then wrote ``checkpoint_best.pth``).
    epoch_time_s
        From ``Epoch time: … s``; its presence marks the epoch as complete.
    started_at, ended_at
        Timestamps of the ``Epoch N`` and ``Epoch time`` lines.
    """

    epoch: int
    learning_rate: float | None = None
    train_loss: float | None = None
    val_loss: float | None = None
    pseudo_dice: list[float] = field(default_factory=list)
    mean_pseudo_dice: float | None = None
    ema_pseudo_dice: float | None = None
    new_best_ema: float | None = None
    epoch_time_s: float | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def complete(self) -> bool:
        """True once the epoch's last line (``Epoch time``) was seen."""
        return self.epoch_time_s is not None


def _parse_value(text: str) -> float | None:
    """Read one number as nnU-Net prints it, or ``None`` if ``text`` is not exactly one number."""
    match = _VALUE_RE.fullmatch(text)
    if match is None:
        return None
    raw = match.group("wrapped") or match.group("plain")
    try:
        return float(raw)
    except (ValueError, OverflowError):  # the regex should prevent this; junk must never raise
        return None


def _parse_value_list(text: str) -> list[float] | None:
    """Read the inside of a printed list of numbers; ``None`` if any item is not a number."""
    if not text.strip():
        return []
    values = []
    for item in text.split(","):
        value = _parse_value(item)
        if value is None:
            return None
        values.append(value)
    return values


def _parse_timestamp(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:  # e.g. month 13 in junk text
        return None


def _nanmean(values: Iterable[float]) -> float | None:
    """Like ``numpy.nanmean``, but ``None`` instead of ``nan`` (and a warning) for no values."""
    kept = [v for v in values if not math.isnan(v)]
    if not kept:
        return None
    mean = math.fsum(kept) / len(kept)
    return None if math.isnan(mean) else mean  # inf + -inf


def _to_float(value: Any) -> float | None:
    """``float(value)`` for numbers, numpy scalars or 0-d tensors of a checkpoint, else ``None``."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError, RuntimeError):
        return None


def recompute_ema(records: list[EpochRecord]) -> None:
    """Fill ``mean_pseudo_dice`` and ``ema_pseudo_dice`` of ``records`` (in order) in place.

    Same recurrence as nnU-Net's logger: the first epoch's EMA is its mean foreground dice, then
    ``ema = previous_ema * 0.9 + 0.1 * mean``. A ``nan`` mean (all classes ``nan``) makes nnU-Net's
    EMA ``nan`` from then on, and so it is here (as ``None``); an epoch without a dice line is
    treated the same way because its value is unknown.
    """
    ema: float | None = None
    for record in records:
        record.mean_pseudo_dice = _nanmean(record.pseudo_dice)
        mean = math.nan if record.mean_pseudo_dice is None else record.mean_pseudo_dice
        ema = mean if ema is None else ema * EMA_KEEP + EMA_NEW * mean
        record.ema_pseudo_dice = None if math.isnan(ema) else ema


class TrainingLogParser:
    """Incremental parser of nnU-Net's training log or stdout.

    Feed lines with :meth:`feed_line` or arbitrary chunks of text with :meth:`feed` as they arrive
    (for example while tailing the log file or reading the ``nnUNetv2_train`` process). Call
    :meth:`flush` at the end of a stream so that a last line without a newline is read too.

    Parameters
    ----------
    on_epoch
        Called with each record when its epoch completes (at the ``Epoch time`` line). The
        ``Yayy! New best EMA`` line comes after that line, so ``new_best_ema`` is filled in on the
        same record object afterwards.

    Attributes
    ----------
    training_done
        ``Training done.`` was seen.
    mean_validation_dice
        From ``Mean Validation Dice:`` after the final validation, else ``None``.
    pretrained_weights_loaded
        Path from the ``Loading pretrained weights from file`` line (stdout only), else ``None``.
    """

    def __init__(self, on_epoch: Callable[[EpochRecord], None] | None = None):
        self.on_epoch = on_epoch
        self.training_done: bool = False
        self.mean_validation_dice: float | None = None
        self.pretrained_weights_loaded: str | None = None
        self._epochs: list[EpochRecord] = []
        self._current: EpochRecord | None = None
        # EMA state carried from one completed epoch to the next (None: no epoch yet).
        self._ema: float | None = None
        # Pieces of the partial last line (a list: joining once is linear, += per chunk is not).
        self._pieces: list[str] = []
        self._pending = 0
        # True while skipping the rest of a line that outgrew MAX_LINE_CHARS.
        self._overflow = False

    @property
    def epochs(self) -> list[EpochRecord]:
        """Completed epochs so far, in the order they were logged."""
        return list(self._epochs)

    @property
    def current(self) -> EpochRecord | None:
        """The epoch in progress (its ``Epoch N`` line seen, its ``Epoch time`` not yet)."""
        return self._current

    def feed(self, text: str) -> list[EpochRecord]:
        """Parse a chunk of text; a partial last line is kept until the rest arrives.

        ``\\r\\n``, ``\\r`` and ``\\n`` all end a line, so progress bars redrawn with ``\\r`` become
        separate (ignored) lines. Do not mix with :meth:`feed_line` on the same parser while a
        partial line is buffered.

        Parameters
        ----------
        text
            Any chunk, e.g. what was appended to the log file since the last read.

        Returns
        -------
        list of EpochRecord
            The epochs completed by this chunk (``on_epoch`` was called for each).
        """
        completed: list[EpochRecord] = []
        if not isinstance(text, str) or not text:
            return completed
        parts = _LINE_BREAK_RE.split(text)
        # A "\r\n" split across two chunks reads as "\r" then "\n": one extra empty line, which is
        # ignored, so chunking does not change the result.
        for index, part in enumerate(parts):
            if not self._overflow and part:
                self._pieces.append(part)
                self._pending += len(part)
                if self._pending > MAX_LINE_CHARS:
                    self._pieces, self._pending, self._overflow = [], 0, True
            if index == len(parts) - 1:
                break  # no line break after this part yet: keep it buffered
            completed.extend(self._end_line())
        return completed

    def _end_line(self) -> list[EpochRecord]:
        """Parse the buffered line (unless it was too long) and empty the buffer."""
        line = "".join(self._pieces)
        skip = self._overflow
        self._pieces, self._pending, self._overflow = [], 0, False
        record = None if skip else self._handle_line(line)
        return [] if record is None else [record]

    def flush(self) -> list[EpochRecord]:
        """Parse the buffered partial last line (call at the end of a stream).

        Returns
        -------
        list of EpochRecord
            The epoch completed by that line, if any.
        """
        return self._end_line()

    def feed_line(self, line: str) -> EpochRecord | None:
        """Parse one line.

        Parameters
        ----------
        line
            One line, with or without its line break. A ``\\r`` inside it (stdout with a progress
            bar) splits it into pieces that are parsed in turn.

        Returns
        -------
        EpochRecord or None
            The record if this line completed an epoch (``on_epoch`` was called), else ``None``.
        """
        if not isinstance(line, str):
            return None
        result = None
        for piece in _LINE_BREAK_RE.split(line):
            if len(piece) > MAX_LINE_CHARS:
                continue
            record = self._handle_line(piece)
            if record is not None:
                result = record
        return result

    def _handle_line(self, line: str) -> EpochRecord | None:
        if not line or line.isspace():
            return None
        stamp_match = _TIMESTAMP_RE.search(line)
        if stamp_match is None:
            self._handle_untimestamped(line)
            return None
        timestamp = _parse_timestamp(stamp_match)
        # The log adds a trailing space after each argument, stdout does not.
        message = line[stamp_match.end() :].strip()
        return self._handle_message(message, timestamp)

    def _handle_untimestamped(self, line: str) -> None:
        match = _PRETRAINED_RE.search(line)
        if match:
            path = match.group(1).strip().rstrip("#").strip()
            if path:
                self.pretrained_weights_loaded = path

    def _handle_message(self, message: str, timestamp: datetime | None) -> EpochRecord | None:
        if match := _EPOCH_RE.fullmatch(message):
            # An unfinished previous epoch (crash, cut log) is dropped: it never reported losses.
            self._current = EpochRecord(epoch=int(match.group(1)), started_at=timestamp)
            return None
        if match := _NEW_BEST_RE.fullmatch(message):
            value = _parse_value(match.group(1))
            # nnU-Net prints this after "Epoch time", i.e. after the epoch completed here.
            target = self._current if self._current is not None else self._last_epoch()
            if value is not None and target is not None:
                target.new_best_ema = value
            return None
        if _TRAINING_DONE_RE.fullmatch(message):
            self.training_done = True
            return None
        if match := _MEAN_VAL_DICE_RE.fullmatch(message):
            value = _parse_value(match.group(1))
            if value is not None:
                self.mean_validation_dice = value
            return None

        record = self._current
        if record is None:
            # Per-epoch values without an "Epoch N" line (stream joined mid-epoch): no epoch
            # number to file them under.
            return None
        if match := _LR_RE.fullmatch(message):
            value = _parse_value(match.group(1))
            record.learning_rate = value if value is not None else record.learning_rate
        elif match := _TRAIN_LOSS_RE.fullmatch(message):
            value = _parse_value(match.group(1))
            record.train_loss = value if value is not None else record.train_loss
        elif match := _VAL_LOSS_RE.fullmatch(message):
            value = _parse_value(match.group(1))
            record.val_loss = value if value is not None else record.val_loss
        elif match := _DICE_RE.fullmatch(message):
            values = _parse_value_list(match.group(1))
            if values is not None:
                record.pseudo_dice = values
        elif match := _EPOCH_TIME_RE.fullmatch(message):
            value = _parse_value(match.group(1))
            if value is not None:
                record.epoch_time_s = value
                record.ended_at = timestamp
                return self._complete(record)
        return None

    def _last_epoch(self) -> EpochRecord | None:
        return self._epochs[-1] if self._epochs else None

    def _complete(self, record: EpochRecord) -> EpochRecord:
        record.mean_pseudo_dice = _nanmean(record.pseudo_dice)
        mean = math.nan if record.mean_pseudo_dice is None else record.mean_pseudo_dice
        self._ema = mean if self._ema is None else self._ema * EMA_KEEP + EMA_NEW * mean
        record.ema_pseudo_dice = None if math.isnan(self._ema) else self._ema
        self._epochs.append(record)
        self._current = None
        if self.on_epoch is not None:
            self.on_epoch(record)
        return record


def parse_log_text(text: str) -> TrainingLogParser:
    """Parse a whole log (or captured stdout).

    Returns
    -------
    TrainingLogParser
        The parser after the whole text and :meth:`~TrainingLogParser.flush`: read ``epochs``,
        ``current``, ``training_done`` and so on from it.
    """
    parser = TrainingLogParser()
    parser.feed(text)
    parser.flush()
    return parser


def parse_log_file(path: str | os.PathLike[str]) -> TrainingLogParser:
    """Parse one ``training_log_*.txt``. Undecodable bytes are replaced, not fatal.

    Returns
    -------
    TrainingLogParser
        As :func:`parse_log_text`.

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    # newline="" keeps "\r" so that the parser sees the same line breaks as on stdout.
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        return parse_log_text(handle.read())


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
    by_epoch: dict[int, EpochRecord] = {}
    for log in find_training_logs(fold_dir):
        try:
            parser = parse_log_file(log)
        except OSError:  # deleted or unreadable while we list the folder
            continue
        for record in parser.epochs:
            by_epoch[record.epoch] = record
    records = [by_epoch[epoch] for epoch in sorted(by_epoch)]
    recompute_ema(records)
    return records


def _as_list(value: Any) -> list[Any]:
    if value is None or isinstance(value, (str, bytes, dict)):
        return []
    try:
        return list(value)
    except TypeError:
        return []


def _timestamp_to_datetime(value: Any) -> datetime | None:
    seconds = _to_float(value)
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
        dice = [_to_float(v) for v in _as_list(get("dice_per_class_or_region", index))]
        start = _to_float(get("epoch_start_timestamps", index))
        end = _to_float(get("epoch_end_timestamps", index))
        duration = end - start if start is not None and end is not None else None
        records.append(
            EpochRecord(
                epoch=index,
                learning_rate=_to_float(get("lrs", index)),
                train_loss=_to_float(get("train_losses", index)),
                val_loss=_to_float(get("val_losses", index)),
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
            mean = _to_float(get("mean_fg_dice", index))
            record.mean_pseudo_dice = None if mean is None or math.isnan(mean) else mean
        ema = _to_float(get("ema_fg_dice", index))
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


def format_duration(seconds: float) -> str:
    """``75`` → ``1m15s``, ``7260`` → ``2h01m``: short enough for a progress line."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
