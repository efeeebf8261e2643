"""The training-log parser on logs captured from real nnU-Net 2.8.1 runs in this repository
(``nnft run`` on the demo workspace, 2d quick trial, CPU, numpy 2)."""

from __future__ import annotations

import math
from pathlib import Path

from nnft.core.training_log import parse_log_file

REAL = Path(__file__).parent / "data" / "real"


def test_real_pretraining_log_gives_two_complete_epochs_with_two_classes():
    parser = parse_log_file(REAL / "pretrain_2d_quicktrial_training_log.txt")
    assert [r.epoch for r in parser.epochs] == [0, 1]
    for record in parser.epochs:
        assert record.complete
        assert len(record.pseudo_dice) == 2  # organ + lesion
        assert record.train_loss is not None and record.val_loss is not None
        assert record.learning_rate is not None and record.learning_rate > 0
    assert parser.epochs[0].pseudo_dice == [0.4751, 0.0104]
    assert parser.epochs[1].pseudo_dice == [0.7104, 0.0384]
    assert parser.training_done


def test_real_finetuning_stdout_records_pretrained_weights_and_numpy2_dice():
    parser = parse_log_file(REAL / "finetune_2d_quicktrial_stdout.log")
    assert parser.pretrained_weights_loaded is not None
    assert parser.pretrained_weights_loaded.endswith(
        "fold_all/checkpoint_final.pth")
    assert [r.epoch for r in parser.epochs] == [0, 1]
    assert parser.epochs[0].pseudo_dice == [0.1657]
    assert parser.epochs[1].pseudo_dice == [0.5416]
    # nnU-Net's EMA: first epoch = mean, then 0.9 * previous + 0.1 * mean.
    assert math.isclose(parser.epochs[1].ema_pseudo_dice, 0.9 * 0.1657 + 0.1 * 0.5416,
                        abs_tol=1e-9)
    assert parser.mean_validation_dice is not None
    assert math.isclose(parser.mean_validation_dice, 0.7707970274908854)


def test_real_finetuning_log_file_matches_its_stdout():
    from_file = parse_log_file(REAL / "finetune_2d_quicktrial_training_log.txt")
    from_stdout = parse_log_file(REAL / "finetune_2d_quicktrial_stdout.log")
    assert [(r.epoch, r.train_loss, r.val_loss, r.pseudo_dice) for r in from_file.epochs] == [
        (r.epoch, r.train_loss, r.val_loss, r.pseudo_dice) for r in from_stdout.epochs]
    # nnU-Net writes the pretrained-weights banner to stdout only, never to the log file.
    assert from_file.pretrained_weights_loaded is None
