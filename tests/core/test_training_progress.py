"""What the training page and ``nnft run`` show while nnU-Net trains and validates: the EMA
after a resume, the final validation's progress, and when a fold counts as finished.

The log lines are nnU-Net 2.8.1's own (tests/core/data: captured from real runs)."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest

from nnft.core.steps.disk import final_validation_finished
from nnft.core.training_history import (
    VALIDATION_COMPLETE,
    VALIDATION_NOT_STARTED,
    VALIDATION_SKIPPED,
    VALIDATION_STARTED,
    FoldLogFollower,
    append_epoch,
    final_validation_progress,
    find_training_logs,
    parse_fold_dir,
    pseudo_dice_class_names,
)
from nnft.core.training_log import TrainingLogParser, parse_log_file, parse_log_text

DATA = Path(__file__).parent / "data"
REAL_FINETUNE_LOG = DATA / "real" / "finetune_2d_quicktrial_training_log.txt"
RESUMED_FOLD = DATA / "fold_resume"


def _lines_until(path: Path, text: str) -> str:
    """The log up to and including the first line containing ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    end = next(i for i, line in enumerate(lines) if text in line)
    return "".join(lines[:end + 1])


def test_parser_reads_the_final_validation_of_a_real_log():
    parser = parse_log_file(REAL_FINETUNE_LOG)
    assert parser.validation_cases == ["ft_004", "ft_006"]
    assert parser.validation_complete
    assert not parser.in_final_validation
    assert not parser.final_validation_skipped
    progress = final_validation_progress([parser], total=2)
    assert progress.state == VALIDATION_COMPLETE
    assert progress.cases_done == 2


def test_final_validation_in_progress_counts_cases_and_estimates_the_time_left():
    parser = parse_log_text(_lines_until(REAL_FINETUNE_LOG, "predicting ft_006"))
    assert parser.training_done and parser.in_final_validation
    progress = final_validation_progress([parser], total=5)
    assert progress.state == VALIDATION_STARTED
    assert progress.cases_started == 2
    assert progress.cases_done == 1  # ft_006 is being predicted
    # 23:45:12.546529 → 23:45:18.289106 between the two "predicting" lines
    assert progress.seconds_per_case == pytest.approx(5.742577)
    assert progress.seconds_left == pytest.approx(5.742577 * 4)


def test_only_the_first_case_gives_no_estimate_yet():
    parser = parse_log_text(_lines_until(REAL_FINETUNE_LOG, "predicting ft_004"))
    progress = final_validation_progress([parser], total=2)
    assert (progress.state, progress.cases_done, progress.seconds_left) == (
        VALIDATION_STARTED, 0, None)


def test_training_without_validation_lines_has_not_started_validating():
    parser = parse_log_text(_lines_until(REAL_FINETUNE_LOG, "Training done."))
    assert not parser.in_final_validation
    assert final_validation_progress([parser]).state == VALIDATION_NOT_STARTED


def test_skipped_final_validation_line_of_the_quick_trial():
    parser = parse_log_text(
        "2026-11-29 10:05:00.000001: Training done. \n"
        "2026-11-29 10:05:00.000002: nnFT quick trial: final validation skipped "
        "(NNFT_TRIAL_FINAL_VALIDATION=0) \n")
    assert parser.final_validation_skipped
    assert final_validation_progress([parser]).state == VALIDATION_SKIPPED


def test_a_later_val_run_decides_over_an_interrupted_validation():
    interrupted = parse_log_text(_lines_until(REAL_FINETUNE_LOG, "predicting ft_006"))
    val_run = parse_log_text(_lines_until(REAL_FINETUNE_LOG, "predicting ft_004"))
    assert final_validation_progress([interrupted, val_run], 2).cases_started == 1
    assert final_validation_progress([interrupted, parse_log_file(REAL_FINETUNE_LOG)],
                                     2).state == VALIDATION_COMPLETE


def test_resumed_runs_live_parser_continues_the_ema_of_the_earlier_log():
    """A fresh parser of the resumed log restarts the EMA at the raw pseudo dice (the bug);
    append_epoch over the fold's earlier epochs gives what parse_fold_dir gives for all logs."""
    first, resumed = find_training_logs(RESUMED_FOLD)
    expected = parse_fold_dir(RESUMED_FOLD)
    history = parse_log_file(first).epochs
    live = TrainingLogParser()
    live.feed(resumed.read_text(encoding="utf-8"))
    assert live.epochs[0].epoch > 0  # a resumed log starts after epoch 0
    assert live.epochs[0].ema_pseudo_dice == pytest.approx(live.epochs[0].mean_pseudo_dice)
    for record in live.epochs:
        history = append_epoch(history, record)
    assert [r.epoch for r in history] == [r.epoch for r in expected]
    for got, want in zip(history, expected, strict=True):
        assert math.isclose(got.ema_pseudo_dice, want.ema_pseudo_dice, abs_tol=1e-12)
    first_resumed = next(r for r in history if r.epoch == live.epochs[0].epoch)
    assert first_resumed.ema_pseudo_dice != pytest.approx(first_resumed.mean_pseudo_dice)


def test_append_epoch_replaces_repeated_epochs_and_leaves_its_inputs_alone():
    records = parse_log_file(REAL_FINETUNE_LOG).epochs
    emas = [r.ema_pseudo_dice for r in records]
    again = append_epoch(records, records[0])
    assert [r.epoch for r in again] == [0]
    assert [r.ema_pseudo_dice for r in records] == emas


def test_follower_reports_the_validation_of_the_logs_it_read(tmp_path):
    log = tmp_path / "training_log_2026_11_27_23_44_50.txt"
    log.write_text(_lines_until(REAL_FINETUNE_LOG, "predicting ft_004"), encoding="utf-8")
    follower = FoldLogFollower(tmp_path)
    follower.read()
    assert follower.final_validation(2).cases_started == 1
    log.write_text(REAL_FINETUNE_LOG.read_text(encoding="utf-8"), encoding="utf-8")
    follower.read()
    assert follower.final_validation(2).state == VALIDATION_COMPLETE


def _checkpoint(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:  # torch.save's format: a whole zip
        archive.writestr("archive/data.pkl", b"x")


def test_fold_killed_during_final_validation_is_not_finished(tmp_path):
    fold = tmp_path / "fold_0"
    _checkpoint(fold / "checkpoint_final.pth")
    (fold / "training_log_2026_11_27_23_44_50.txt").write_text(
        _lines_until(REAL_FINETUNE_LOG, "predicting ft_006"), encoding="utf-8")
    assert not final_validation_finished(fold)
    (fold / "validation").mkdir()
    (fold / "validation" / "summary.json").write_text("{}", encoding="utf-8")
    assert final_validation_finished(fold)


def test_pseudo_dice_class_names_follow_nnunets_order():
    assert pseudo_dice_class_names({"background": 0, "lesion": 2, "organ": 1}) == [
        "organ", "lesion"]
    assert pseudo_dice_class_names({"background": 0, "organ": 1, "ignore": 2}) == ["organ"]
    assert pseudo_dice_class_names({"background": 0, "whole": [1, 2], "core": [2]}) == [
        "whole", "core"]
    assert pseudo_dice_class_names({"background": "x"}) == []
