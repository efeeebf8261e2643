"""Tests of nnft.core.training_log: parsing nnU-Net 2.8.1 training logs, stdout and checkpoints.

The fixture logs in tests/core/data/ are written in nnU-Net's exact format (``print_to_log_file``:
timestamp, each argument followed by a space; stdout without the trailing space), with the values
of the ``Yayy! New best EMA`` lines computed the way nnU-Net computes them (float32 dice).
"""

from __future__ import annotations

import math
import shutil
import warnings
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnft.core import training_log
from nnft.core.training_history import (
    estimate_remaining_seconds,
    find_training_logs,
    parse_fold_dir,
    records_from_checkpoint_logging,
)
from nnft.core.training_log import (
    EpochRecord,
    TrainingLogParser,
    parse_log_file,
    parse_log_text,
    recompute_ema,
)

DATA = Path(__file__).parent / "data"
NUMPY1_LOG = DATA / "log_numpy1_complete.txt"
NUMPY2_LOG = DATA / "log_numpy2_running.txt"
STDOUT_LOG = DATA / "stdout_pretrained.txt"
RESUME_DIR = DATA / "fold_resume"
FIXTURES = [NUMPY1_LOG, NUMPY2_LOG, STDOUT_LOG, *sorted(RESUME_DIR.glob("*.txt"))]

# Parsed EMA vs. the value nnU-Net printed: the log rounds dice to 4 decimals and nnU-Net computes
# in float32, so they agree to about 1e-4.
EMA_TOLERANCE = 2e-4


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def snapshot(parser: TrainingLogParser) -> str:
    """Everything the parser found, comparable even with nan (repr(nan) == 'nan')."""
    return repr(
        (
            parser.epochs,
            parser.current,
            parser.training_done,
            parser.mean_validation_dice,
            parser.pretrained_weights_loaded,
        )
    )


def nnunet_ema(means: list[float]) -> list[float]:
    """nnU-Net's recurrence (MetaLogger.log), written out independently of the module."""
    ema: list[float] = []
    for mean in means:
        ema.append(ema[-1] * 0.9 + 0.1 * mean if ema else mean)
    return ema


def assert_ema_matches_printed_best(records: list[EpochRecord]) -> None:
    for record in records:
        if record.new_best_ema is not None:
            assert record.ema_pseudo_dice == pytest.approx(record.new_best_ema, abs=EMA_TOLERANCE)


# --- whole fixture logs -------------------------------------------------------------------------


def test_numpy1_complete_log():
    parser = parse_log_file(NUMPY1_LOG)
    epochs = parser.epochs

    assert [r.epoch for r in epochs] == list(range(8))
    assert all(r.complete for r in epochs)
    assert parser.current is None
    assert parser.training_done
    assert parser.mean_validation_dice == pytest.approx(0.8187163210923131)
    assert parser.pretrained_weights_loaded is None

    first = epochs[0]
    assert first.learning_rate == pytest.approx(0.01)
    assert first.train_loss == pytest.approx(0.4043)
    assert first.val_loss == pytest.approx(0.3847)
    assert first.pseudo_dice == [0.0, 0.1611, 0.0]
    assert first.mean_pseudo_dice == pytest.approx(0.1611 / 3)
    assert first.ema_pseudo_dice == pytest.approx(0.1611 / 3)
    assert first.epoch_time_s == pytest.approx(134.63)
    assert first.started_at == datetime(2026, 11, 27, 10, 0, 13, 550484)
    assert first.ended_at is not None and first.ended_at.date() == first.started_at.date()
    assert first.new_best_ema == pytest.approx(0.0537, abs=1e-4)

    # Negative losses (Dice + CE loss goes below 0).
    assert epochs[3].train_loss == pytest.approx(-0.2316)
    # str(datetime) leaves out the microseconds when they are 0.
    assert epochs[3].ended_at is not None and epochs[3].ended_at.microsecond == 0
    assert epochs[7].pseudo_dice == [0.6911, 0.7688, 0.6975]
    assert_ema_matches_printed_best(epochs)


def test_numpy2_running_log_with_nan():
    parser = parse_log_file(NUMPY2_LOG)
    epochs = parser.epochs

    assert [r.epoch for r in epochs] == list(range(5))
    assert epochs[0].pseudo_dice == [0.8961, 0.6448]
    assert epochs[0].train_loss == pytest.approx(-0.5012)
    # nan is kept per class and ignored by the mean, like numpy.nanmean.
    assert epochs[1].pseudo_dice[0] == 0.9012 and math.isnan(epochs[1].pseudo_dice[1])
    assert epochs[1].mean_pseudo_dice == pytest.approx(0.9012)
    assert math.isnan(epochs[3].pseudo_dice[0])
    assert epochs[3].mean_pseudo_dice == pytest.approx(0.7011)
    # The EMA exists every epoch even though "Yayy" is printed only when it improves.
    assert all(r.ema_pseudo_dice is not None for r in epochs)
    assert [r.new_best_ema is not None for r in epochs] == [True, True, True, False, False]
    assert_ema_matches_printed_best(epochs)
    expected = nnunet_ema([r.mean_pseudo_dice for r in epochs])  # type: ignore[misc]
    assert [r.ema_pseudo_dice for r in epochs] == pytest.approx(expected)

    # Still running: epoch 5 started, not finished.
    assert parser.current is not None
    assert parser.current.epoch == 5
    assert parser.current.learning_rate == pytest.approx(0.00995)
    assert not parser.current.complete
    assert not parser.training_done
    assert parser.mean_validation_dice is None


def test_stdout_with_progress_bars_and_pretrained_weights():
    parser = parse_log_text(read(STDOUT_LOG))

    assert parser.pretrained_weights_loaded == (
        "/data/nnUNet_results/Dataset010_Pretrain/nnUNetTrainer__nnUNetPlans__3d_fullres/fold_all/"
        "checkpoint_final.pth"
    )
    assert [r.epoch for r in parser.epochs] == [0, 1, 2, 3]
    assert parser.epochs[0].pseudo_dice == [0.7012]
    assert parser.epochs[1].val_loss == pytest.approx(-0.601)
    assert parser.epochs[2].epoch_time_s == pytest.approx(32.0)
    assert_ema_matches_printed_best(parser.epochs)
    assert parser.current is not None and parser.current.epoch == 4


def test_log_and_stdout_forms_of_a_line_agree():
    with_space = TrainingLogParser()
    without = TrainingLogParser()
    for parser, end in ((with_space, " "), (without, "")):
        parser.feed_line(f"2026-11-27 10:00:00.100000: Epoch 7{end}")
        parser.feed_line(f"2026-11-27 10:00:00.200000: Pseudo dice [0.5, 0.25]{end}")
        parser.feed_line(f"2026-11-27 10:01:00.300000: Epoch time: 60.2 s{end}\n")
    assert snapshot(with_space) == snapshot(without)
    assert with_space.epochs[0].pseudo_dice == [0.5, 0.25]


# --- line level -----------------------------------------------------------------------------------


EPOCH_LINES = [
    "2024-04-26 09:41:40.302549: ",
    "2024-04-26 09:41:40.307418: Epoch 1 ",
    "2024-04-26 09:41:40.311464: Current learning rate: 0.00999 ",
    "2024-04-26 09:43:54.932336: train_loss 0.4043 ",
    "2024-04-26 09:43:54.939337: val_loss 0.3847 ",
    "2024-04-26 09:43:54.943336: Pseudo dice [0.0, 0.1611, 0.0] ",
    "2024-04-26 09:43:54.947495: Epoch time: 134.63 s ",
    "2024-04-26 09:43:54.949496: Yayy! New best EMA pseudo Dice: 0.0005 ",
]


def test_feed_line_returns_record_on_epoch_time_and_calls_back():
    seen: list[EpochRecord] = []
    parser = TrainingLogParser(on_epoch=seen.append)
    results = [parser.feed_line(line + "\n") for line in EPOCH_LINES]

    assert results[:6] == [None] * 6
    record = results[6]
    assert record is not None and record.complete
    assert seen == [record]
    assert results[7] is None
    # The "Yayy" line follows "Epoch time": it is filed on the record already returned.
    assert record.new_best_ema == pytest.approx(0.0005)
    assert parser.epochs == [record]
    assert parser.current is None
    assert record.epoch == 1
    assert record.started_at == datetime(2024, 4, 26, 9, 41, 40, 307418)
    assert record.ended_at == datetime(2024, 4, 26, 9, 43, 54, 947495)


def test_current_tracks_the_epoch_in_progress():
    parser = TrainingLogParser()
    parser.feed("\n".join(EPOCH_LINES[:4]) + "\n")
    assert parser.epochs == []
    assert parser.current is not None
    assert parser.current.epoch == 1
    assert parser.current.train_loss == pytest.approx(0.4043)
    assert not parser.current.complete


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.8961", 0.8961),
        ("np.float32(0.8961)", 0.8961),
        ("np.float64(-1.5e-05)", -1.5e-05),
        ("numpy.float32(1.)", 1.0),
        ("-0.2316", -0.2316),
        ("1e-05", 1e-05),
        ("2.5E+3", 2500.0),
        (".5", 0.5),
        (" 0.3 ", 0.3),
        ("inf", math.inf),
        ("np.float32(-inf)", -math.inf),
    ],
)
def test_number_forms(text, expected):
    assert training_log._parse_value(text) == expected


@pytest.mark.parametrize("text", ["nan", "np.float32(nan)", "NaN", "np.float64( nan )"])
def test_nan_forms(text):
    value = training_log._parse_value(text)
    assert value is not None and math.isnan(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "np.float32(", "np.float32(0.1", "0.3)", "1.2.3", "0x10", "np.float32()"]
)
def test_not_numbers(text):
    assert training_log._parse_value(text) is None


@pytest.mark.parametrize(
    ("dice_text", "expected"),
    [
        ("[0.0, 0.1611, 0.0]", [0.0, 0.1611, 0.0]),
        ("[np.float32(0.8961), np.float32(0.6448)]", [0.8961, 0.6448]),
        ("[np.float64(0.5)]", [0.5]),
        ("[]", []),
    ],
)
def test_dice_line_forms(dice_text, expected):
    parser = TrainingLogParser()
    parser.feed_line("2026-01-01 00:00:00.000001: Epoch 0")
    parser.feed_line(f"2026-01-01 00:00:01.000001: Pseudo dice {dice_text} ")
    assert parser.current is not None
    assert parser.current.pseudo_dice == expected


def test_all_nan_dice_has_no_mean_and_stops_the_ema_like_nnunet():
    parser = TrainingLogParser()
    dice_lines = ["[0.5, 0.7]", "[np.float32(nan), np.float32(nan)]", "[0.9, 0.9]"]
    for epoch, dice in enumerate(dice_lines):
        parser.feed_line(f"2026-01-01 00:0{epoch}:00.000001: Epoch {epoch}")
        parser.feed_line(f"2026-01-01 00:0{epoch}:10.000001: Pseudo dice {dice}")
        parser.feed_line(f"2026-01-01 00:0{epoch}:20.000001: Epoch time: 10.0 s")
    first, all_nan, after = parser.epochs
    assert first.ema_pseudo_dice == pytest.approx(0.6)
    assert all_nan.mean_pseudo_dice is None
    # nnU-Net's EMA becomes nan and stays nan (so checkpoint_best is never updated again).
    assert all_nan.ema_pseudo_dice is None
    assert after.mean_pseudo_dice == pytest.approx(0.9)
    assert after.ema_pseudo_dice is None


def test_lines_that_are_ignored():
    parser = parse_log_text(
        # Before any "Epoch N": no epoch to file it under.
        "2026-01-01 00:00:00.000001: train_loss 0.5\n"
        "2026-01-01 00:00:00.000002: Using splits from existing split file: /x/splits_final.json\n"
        "2026-01-01 00:00:00.000003: This split has 16 training and 4 validation cases.\n"
        "Epoch 3\n"  # no timestamp: not from nnU-Net's logger
        "2026-01-01 00:00:00.000004: Epoch time: 3.0 s\n"
        "2026-01-01 00:00:00.000005: Epoch 2 of 1000\n"
    )
    assert parser.epochs == []
    assert parser.current is None


def test_unfinished_epoch_is_replaced_by_the_next():
    parser = parse_log_text(
        "2026-01-01 00:00:00.000001: Epoch 4\n"
        "2026-01-01 00:00:00.000002: Current learning rate: 0.005\n"
        "2026-01-01 00:00:00.000003: Epoch 4\n"
        "2026-01-01 00:01:00.000003: Epoch time: 60.0 s\n"
    )
    assert len(parser.epochs) == 1
    assert parser.epochs[0].learning_rate is None
    assert parser.epochs[0].started_at == datetime(2026, 1, 1, 0, 0, 0, 3)


def test_learning_rate_zero_and_scientific_notation():
    parser = parse_log_text(
        "2026-01-01 00:00:00.000001: Epoch 999\n"
        "2026-01-01 00:00:00.000002: Current learning rate: 2e-05\n"
        "2026-01-01 00:00:00.000003: Current learning rate: 0.0\n"
    )
    assert parser.current is not None and parser.current.learning_rate == 0.0


def test_timestamped_line_behind_a_progress_bar():
    parser = TrainingLogParser()
    parser.feed(
        "2026-01-01 00:00:00.000001: Epoch 0\n"
        " 99%|#########9| 249/250 [00:33<00:00]\r100%|##########| 250/250 [00:33<00:00]"
        "2026-01-01 00:00:33.000001: train_loss -0.25\r\n"
    )
    assert parser.current is not None and parser.current.train_loss == pytest.approx(-0.25)


def test_training_done_and_mean_validation_dice():
    parser = parse_log_text(
        "2026-01-01 00:00:00.000001: Training done. \n"
        "2026-01-01 00:00:09.000001: Mean Validation Dice:  0.8187 \n"
    )
    assert parser.training_done
    assert parser.mean_validation_dice == pytest.approx(0.8187)


def test_pretrained_weights_path_with_spaces():
    parser = parse_log_text(
        "################### Loading pretrained weights from file  /my data/fold 0/w.pth "
        "###################\r\n"
    )
    assert parser.pretrained_weights_loaded == "/my data/fold 0/w.pth"


def test_overlong_lines_are_skipped_the_same_way_chunked_or_whole(monkeypatch):
    monkeypatch.setattr(training_log, "MAX_LINE_CHARS", 80)
    long_dice = "[" + ", ".join(["0.5"] * 30) + "]"
    text = (
        "2026-01-01 00:00:00.000001: Epoch 0\n"
        f"2026-01-01 00:00:00.000002: Pseudo dice {long_dice}\n"
        "2026-01-01 00:00:00.000003: Epoch time: 1.0 s\n"
    )
    whole = parse_log_text(text)
    assert whole.epochs[0].pseudo_dice == []
    chunked = TrainingLogParser()
    for index in range(0, len(text), 7):
        chunked.feed(text[index : index + 7])
    chunked.flush()
    assert snapshot(chunked) == snapshot(whole)


# --- incremental feeding and junk (hypothesis) ----------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(FIXTURES),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=40),
    crlf=st.booleans(),
)
def test_chunked_feeding_equals_whole_text(path, cuts, crlf):
    text = read(path)
    if crlf:
        text = text.replace("\n", "\r\n")
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    whole = parse_log_text(text)

    seen: list[EpochRecord] = []
    parser = TrainingLogParser(on_epoch=seen.append)
    returned: list[EpochRecord] = []
    for start, end in pairwise(bounds):
        returned.extend(parser.feed(text[start:end]))
    returned.extend(parser.flush())

    assert snapshot(parser) == snapshot(whole)
    assert returned == seen == parser.epochs


FRAGMENTS = [
    *EPOCH_LINES,
    "2026-11-27 10:00:00.123456: ",
    "2026-11-27 10:00:00: ",
    "2026-13-45 99:99:99.999999: ",
    "Epoch ",
    "Epoch 99999999999999999999999",
    "Epoch time: abc s",
    "Epoch time: np.float64(12.5) s",
    "Pseudo dice [np.float32(",
    "Pseudo dice [np.float32(nan), 0.5",
    "Pseudo dice [,]",
    "Pseudo dice [np.float32(inf), -1e309]",
    "Current learning rate: ",
    "train_loss nan",
    "val_loss -inf",
    "Yayy! New best EMA pseudo Dice: ",
    "Yayy! New best EMA pseudo Dice: 0.9",
    "Training done.",
    "Mean Validation Dice:  ",
    "Mean Validation Dice:  np.float64(0.5)",
    "################### Loading pretrained weights from file  ",
    "###################",
    "np.float32(",
    ")",
    "1" * 5000,
    "\n",
    "\r",
    "\r\n",
    " ",
    "\x00",
    "\ud800",
]


junk_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=60).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(text=junk_text, cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=20))
def test_junk_never_raises_and_chunking_still_agrees(text, cuts):
    whole = parse_log_text(text)
    parser = TrainingLogParser()
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    for start, end in pairwise(bounds):
        parser.feed(text[start:end])
    parser.flush()
    assert snapshot(parser) == snapshot(whole)
    for record in whole.epochs:
        assert record.complete
    estimate_remaining_seconds(whole.epochs, 1000)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text()), max_size=40))
def test_feed_line_never_raises(lines):
    parser = TrainingLogParser()
    for line in lines:
        parser.feed_line(line)
    parser.feed_line("2026-11-27 10:00:00.123456: " + "".join(lines))


# --- EMA ------------------------------------------------------------------------------------------


def test_ema_equals_nnunet_formula():
    records = [EpochRecord(epoch=i, pseudo_dice=[0.1 * i, 0.05 * i + 0.2]) for i in range(10)]
    recompute_ema(records)
    means = [(0.1 * i + 0.05 * i + 0.2) / 2 for i in range(10)]
    assert [r.mean_pseudo_dice for r in records] == pytest.approx(means)
    assert [r.ema_pseudo_dice for r in records] == pytest.approx(nnunet_ema(means), rel=1e-12)


def test_ema_equals_nnunets_own_logger():
    nnunet_logger = pytest.importorskip("nnunetv2.training.logging.nnunet_logger")
    np = pytest.importorskip("numpy")
    dice_per_epoch = [
        [0.0, 0.16, 0.0],
        [0.2, float("nan"), 0.4],
        [0.55, 0.61, 0.3],
        [0.7, 0.7, 0.71],
    ]
    logger = nnunet_logger.MetaLogger("/nonexistent", resume=False)
    for epoch, dice in enumerate(dice_per_epoch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            logger.log("mean_fg_dice", np.nanmean(dice), epoch)

    parser = TrainingLogParser()
    for epoch, dice in enumerate(dice_per_epoch):
        parser.feed_line(f"2026-01-01 00:00:0{epoch}.000001: Epoch {epoch}")
        parser.feed_line(f"2026-01-01 00:00:0{epoch}.000002: Pseudo dice {dice}")
        parser.feed_line(f"2026-01-01 00:00:0{epoch}.000003: Epoch time: 1.0 s")
    expected = [float(v) for v in logger.get_value("ema_fg_dice", step=None)]
    assert [r.ema_pseudo_dice for r in parser.epochs] == pytest.approx(expected, rel=1e-12)


# --- fold folders and resumed trainings -----------------------------------------------------------


def test_find_training_logs_sorts_numerically(tmp_path):
    names = [
        "training_log_2026_10_1_08_05_00.txt",
        "training_log_2026_9_30_23_50_07.txt",
        "training_log_2026_9_4_07_00_00.txt",
        "training_log_2025_12_31_23_59_59.txt",
    ]
    for name in names:
        (tmp_path / name).write_text("")
    (tmp_path / "debug.json").write_text("{}")
    (tmp_path / "training_log_dir.txt").mkdir()
    found = [p.name for p in find_training_logs(tmp_path)]
    assert found == [names[3], names[2], names[1], names[0]]


def test_find_training_logs_missing_folder(tmp_path):
    assert find_training_logs(tmp_path / "absent") == []
    assert parse_fold_dir(tmp_path / "absent") == []


def test_parse_fold_dir_merges_a_resumed_training(tmp_path):
    first, second = find_training_logs(RESUME_DIR)
    assert first.name.startswith("training_log_2026_9_30")
    assert second.name.startswith("training_log_2026_10_1")

    records = parse_fold_dir(RESUME_DIR)
    assert [r.epoch for r in records] == list(range(10))
    # Epochs 5-7 ran twice: before the crash and after --c from the epoch-4 checkpoint. The
    # later log wins.
    first_run = {r.epoch: r for r in parse_log_file(first).epochs}
    second_run = {r.epoch: r for r in parse_log_file(second).epochs}
    for epoch in range(10):
        expected = second_run.get(epoch) or first_run[epoch]
        assert records[epoch].pseudo_dice == expected.pseudo_dice
        assert records[epoch].ended_at == expected.ended_at
    assert records[5].pseudo_dice != first_run[5].pseudo_dice

    # The EMA continues across the files, as nnU-Net restores it from the checkpoint: the merged
    # values agree with what the second log printed, parsing the second log alone does not.
    assert_ema_matches_printed_best(records)
    alone = second_run[5]
    assert alone.new_best_ema is not None
    assert alone.ema_pseudo_dice != pytest.approx(alone.new_best_ema, abs=EMA_TOLERANCE)

    # Copy with names in the other lexicographic order to make sure the name timestamp decides.
    shutil.copy(first, tmp_path / first.name)
    shutil.copy(second, tmp_path / second.name)
    assert repr(parse_fold_dir(tmp_path)) == repr(records)


# --- checkpoint 'logging' dict --------------------------------------------------------------------


def test_records_from_checkpoint_logging_of_nnunets_logger():
    nnunet_logger = pytest.importorskip("nnunetv2.training.logging.nnunet_logger")
    np = pytest.importorskip("numpy")
    logger = nnunet_logger.MetaLogger("/nonexistent", resume=False)
    dice_per_epoch = [[0.1, 0.3], [0.4, float("nan")], [0.35, 0.2], [0.6, 0.62]]
    start = 1_790_000_000.0
    for epoch, dice in enumerate(dice_per_epoch):
        # In the order and with the types nnUNetTrainer uses.
        logger.log("epoch_start_timestamps", start + 100 * epoch, epoch)
        logger.log("lrs", 0.01 * (1 - epoch / 4) ** 0.9, epoch)
        logger.log("train_losses", np.float64(0.5 - 0.3 * epoch), epoch)
        per_class = [np.float32(d) for d in dice]
        logger.log("mean_fg_dice", np.nanmean(per_class), epoch)
        logger.log("dice_per_class_or_region", per_class, epoch)
        logger.log("val_losses", np.float64(0.45 - 0.28 * epoch), epoch)
        logger.log("epoch_end_timestamps", start + 100 * epoch + 95.25, epoch)

    records = records_from_checkpoint_logging(logger.get_checkpoint())
    logging = logger.get_checkpoint()
    assert [r.epoch for r in records] == [0, 1, 2, 3]
    for epoch, record in enumerate(records):
        assert record.learning_rate == pytest.approx(logging["lrs"][epoch])
        assert record.train_loss == pytest.approx(float(logging["train_losses"][epoch]))
        assert record.val_loss == pytest.approx(float(logging["val_losses"][epoch]))
        assert record.mean_pseudo_dice == pytest.approx(float(logging["mean_fg_dice"][epoch]))
        assert record.ema_pseudo_dice == pytest.approx(float(logging["ema_fg_dice"][epoch]))
        assert record.epoch_time_s == pytest.approx(95.25)
        assert record.started_at == datetime.fromtimestamp(start + 100 * epoch)
        assert record.complete
    assert math.isnan(records[1].pseudo_dice[1])
    assert records[1].pseudo_dice[0] == pytest.approx(0.4)

    # nnU-Net's "best" rule: Yayy whenever the EMA beats every earlier one.
    best = None
    expected_best = []
    for ema in logging["ema_fg_dice"]:
        if best is None or ema > best:
            best = ema
            expected_best.append(float(ema))
        else:
            expected_best.append(None)
    assert [r.new_best_ema for r in records] == pytest.approx(expected_best)


def test_records_from_checkpoint_logging_plain_dict():
    logging = {
        "mean_fg_dice": [0.5, float("nan")],
        "dice_per_class_or_region": [[0.5], [float("nan")], [0.7]],
        "train_losses": [0.3, 0.2, 0.1],
        "lrs": [0.01, 0.009],
        "epoch_start_timestamps": [0.0, 10.0, 20.0],
        "epoch_end_timestamps": [9.5, 19.0],
    }
    records = records_from_checkpoint_logging(logging)
    assert [r.epoch for r in records] == [0, 1, 2]
    assert records[0].ema_pseudo_dice == pytest.approx(0.5)
    assert records[1].mean_pseudo_dice is None
    assert records[1].ema_pseudo_dice is None  # computed like nnU-Net: nan from here on
    assert records[2].mean_pseudo_dice == pytest.approx(0.7)  # not in mean_fg_dice: recomputed
    assert records[2].learning_rate is None
    assert records[2].epoch_time_s is None and not records[2].complete
    assert records[1].epoch_time_s == pytest.approx(9.0)
    assert records[0].val_loss is None


@pytest.mark.parametrize(
    "junk",
    [None, [], "logging", {}, {"lrs": "abc"}, {"lrs": [None, "x", object()]}, {"mean_fg_dice": 5}],
)
def test_records_from_checkpoint_logging_junk(junk):
    records = records_from_checkpoint_logging(junk)  # type: ignore[arg-type]
    assert all(r.learning_rate is None for r in records)


# --- remaining time -------------------------------------------------------------------------------


def timed(epoch: int, seconds: float | None) -> EpochRecord:
    return EpochRecord(epoch=epoch, epoch_time_s=seconds)


def test_estimate_remaining_uses_median_of_recent_epochs():
    records = [timed(0, 300.0)] + [timed(i, 100.0 + i % 3) for i in range(1, 20)]
    recent = sorted(100.0 + i % 3 for i in range(10, 20))
    median = (recent[4] + recent[5]) / 2
    assert estimate_remaining_seconds(records, 100) == pytest.approx(median * 80)
    assert estimate_remaining_seconds(records, 100, window=1) == pytest.approx(
        (100.0 + 19 % 3) * 80
    )


def test_estimate_remaining_edge_cases():
    assert estimate_remaining_seconds([], 1000) is None
    assert estimate_remaining_seconds([EpochRecord(epoch=0)], 1000) is None
    assert estimate_remaining_seconds([timed(0, float("nan"))], 10) is None
    assert estimate_remaining_seconds([timed(9, 50.0)], 10) == 0.0
    assert estimate_remaining_seconds([timed(12, 50.0)], 10) == 0.0
    # nan and zero times are ignored; the epoch count still comes from the completed epochs.
    records = [timed(0, 10.0), timed(1, float("nan")), timed(2, 0.0), timed(3, 30.0)]
    assert estimate_remaining_seconds(records, 10) == pytest.approx(20.0 * 6)


def test_estimate_remaining_from_a_parsed_log():
    epochs = parse_log_file(NUMPY2_LOG).epochs
    times = sorted(r.epoch_time_s for r in epochs)  # type: ignore[type-var]
    assert estimate_remaining_seconds(epochs, 1000) == pytest.approx(times[2] * 995)


# --- following a fold while its training writes ---------------------------------------------------


def _pieces(source: Path, count: int) -> list[bytes]:
    """``source``'s bytes cut at arbitrary points (mid-line, mid-word)."""
    data = source.read_bytes()
    step = max(1, len(data) // count)
    return [data[i:i + step] for i in range(0, len(data), step)]


def test_fold_follower_equals_a_full_read_at_every_step(tmp_path):
    """Appending the resumed run's two logs in small pieces, a follower's records equal
    parse_fold_dir's of the same files after every complete line."""
    from nnft.core.training_history import FoldLogFollower

    first, second = find_training_logs(RESUME_DIR)
    follower = FoldLogFollower(tmp_path)
    assert follower.read() == []
    for source in (first, second):
        target = tmp_path / source.name
        for piece in _pieces(source, 37):
            with open(target, "ab") as handle:
                handle.write(piece)
            followed = follower.read()
            complete = target.read_bytes().endswith(b"\n")
            if complete:
                assert repr(followed) == repr(parse_fold_dir(tmp_path))
    assert repr(follower.read()) == repr(parse_fold_dir(RESUME_DIR))
    assert [r.epoch for r in follower.read()] == list(range(10))


def test_fold_follower_reads_only_what_was_appended(tmp_path, monkeypatch):
    from nnft.core import training_history
    from nnft.core.training_history import FoldLogFollower

    source = find_training_logs(RESUME_DIR)[0]
    target = tmp_path / source.name
    target.write_bytes(source.read_bytes())
    follower = FoldLogFollower(tmp_path)
    before = follower.read()
    fed: list[str] = []
    real_feed = training_history.TrainingLogParser.feed
    monkeypatch.setattr(training_history.TrainingLogParser, "feed",
                        lambda self, text: fed.append(text) or real_feed(self, text))
    assert repr(follower.read()) == repr(before) and fed == []  # nothing new: nothing read
    with open(target, "a", encoding="utf-8") as handle:
        handle.write("2026-09-30 23:59:59.000000: a line with ü \n")
    follower.read()
    assert fed == ["2026-09-30 23:59:59.000000: a line with ü \n"]


def test_fold_follower_rereads_a_rewritten_log_and_forgets_a_deleted_one(tmp_path):
    from nnft.core.training_history import FoldLogFollower

    first, second = find_training_logs(RESUME_DIR)
    (tmp_path / first.name).write_bytes(first.read_bytes())
    (tmp_path / second.name).write_bytes(second.read_bytes())
    follower = FoldLogFollower(tmp_path)
    assert len(follower.read()) == 10
    # The second log is replaced by a shorter one (its first half): read again from its start.
    half = second.read_bytes()[: len(second.read_bytes()) // 2]
    (tmp_path / second.name).write_bytes(half[: half.rindex(b"\n") + 1])
    assert repr(follower.read()) == repr(parse_fold_dir(tmp_path))
    (tmp_path / second.name).unlink()
    assert repr(follower.read()) == repr(parse_fold_dir(tmp_path))
    assert [r.epoch for r in follower.read()] == [r.epoch for r in parse_log_file(first).epochs]
