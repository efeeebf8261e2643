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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "EpochRecord",
    "FINAL_VALIDATION_SKIPPED_TEXT",
    "TrainingLogParser",
    "parse_log_file",
    "parse_log_text",
    "recompute_ema",
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
# nnU-Net's final validation (perform_actual_validation, also alone with ``--val``): one
# "predicting <case>" line before each case, "Validation complete" after the metrics.
_PREDICTING_RE = re.compile(r"predicting (\S.*)")
_VALIDATION_COMPLETE_RE = re.compile(r"Validation complete")
# Written by nnFT's quick-trial trainer (resources/trainers/nnft_trainers.py) when it skips the
# final validation on purpose (NNFT_TRIAL_FINAL_VALIDATION=0).
FINAL_VALIDATION_SKIPPED_TEXT = "nnFT quick trial: final validation skipped"
# Printed (stdout only, no timestamp) by nnunetv2.run.load_pretrained_weights:
# print("################### Loading pretrained weights from file ", fname, '###################')
# The closing "#####" is stripped afterwards rather than by the regex: a lazy group followed by
# optional repeats backtracks quadratically on long runs of "#".
_PRETRAINED_RE = re.compile(r"Loading pretrained weights from file\s+(.*)")

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


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


def to_float(value: Any) -> float | None:
    """``value`` as a float (None when it is not a number)."""
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
    validation_cases
        The cases nnU-Net's final validation started to predict (its ``predicting <case>``
        lines), in order; the last one is in progress until the next one or the end.
    validation_case_times
        When each of ``validation_cases`` started (the line's timestamp; None without one).
    validation_complete
        ``Validation complete`` was seen: ``validation/summary.json`` is written.
    final_validation_skipped
        nnFT's quick trial logged that it skipped the final validation on purpose.
    """

    def __init__(self, on_epoch: Callable[[EpochRecord], None] | None = None):
        self.on_epoch = on_epoch
        self.training_done: bool = False
        self.mean_validation_dice: float | None = None
        self.pretrained_weights_loaded: str | None = None
        self.validation_cases: list[str] = []
        self.validation_case_times: list[datetime | None] = []
        self.validation_complete: bool = False
        self.final_validation_skipped: bool = False
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
    def in_final_validation(self) -> bool:
        """nnU-Net's final validation has started (training done, or a ``--val`` run) and
        not completed yet, as far as this text goes."""
        return bool(self.validation_cases) and not self.validation_complete

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
        if match := _PREDICTING_RE.fullmatch(message):
            self.validation_cases.append(match.group(1).strip())
            self.validation_case_times.append(timestamp)
            return None
        if _VALIDATION_COMPLETE_RE.fullmatch(message):
            self.validation_complete = True
            return None
        if message.startswith(FINAL_VALIDATION_SKIPPED_TEXT):
            self.final_validation_skipped = True
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
