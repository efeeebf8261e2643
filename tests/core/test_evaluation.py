"""Real Dice of a fine-tuning vs its from-scratch baseline (core/evaluation.py, nnft compare).

The summary files in tests/core/data/summaries/ were written by nnU-Net's own evaluation code
(``compute_metrics_on_folder``, see make_summaries.py there) and by a real final validation of
the demo fine-tuning (demo_finetune_fold0.json). Each test lays them out as nnU-Net's results
folder with nnFT's run markers, as a chain leaves them.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from nnft.core.cli import main
from nnft.core.evaluation import (
    RunSelectionError,
    ValidationSummary,
    epochs_to_90,
    find_comparison,
    find_runs,
    label_names,
    parse_folds,
    verdict,
)
from nnft.core.training_log import EpochRecord
from nnft.core.workspace import Workspace

SUMMARIES = Path(__file__).parent / "data" / "summaries"
DATASET = "Dataset002_DemoFinetune"
LABELS = {"background": 0, "liver": 1, "tumour": 2}
QUICK = "nnFTTrainerQuickTrial"
BASELINE_QUICK = "nnFTTrainerFromScratchQuickTrial"


def _summary(name: str) -> dict:
    return json.loads((SUMMARIES / name).read_text())


def _place_run(root: Path, trainer: str, fold: str, summary: str | None, *,
               from_scratch: bool = False, preset: str = "default", plans: str = "nnUNetPlans",
               labels: dict | None = None, trained: bool = True) -> Path:
    """A fold folder as nnFT's chain leaves it: marker, dataset.json next to the folds,
    ``checkpoint_final.pth`` (when ``trained``) and, when given, the summary file."""
    output = root / "nnUNet_results" / DATASET / f"{trainer}__{plans}__2d"
    fold_dir = output / f"fold_{fold}"
    fold_dir.mkdir(parents=True)
    (output / "dataset.json").write_text(json.dumps({"labels": labels or LABELS}))
    command = ["nnUNetv2_train", "2", "2d", fold, "-p", plans, "-tr", trainer, "-device", "cpu"]
    if from_scratch:
        marker = {"from_scratch": True, "pretrained_weights": None, "trainer": trainer,
                  "command": command}
    else:
        marker = {"pretrained_weights": "/w/checkpoint_final.pth",
                  "pretrain_dataset": "Dataset001_DemoPretrain",
                  "pretrain_plans": "nnUNetPlans_pretrain_for_Dataset002",
                  "finetune_preset": preset, "trainer": trainer,
                  "command": command + ["-pretrained_weights", "/w/checkpoint_final.pth"]}
    (fold_dir / "nnft_run.json").write_text(json.dumps(marker))
    if trained:
        # A whole checkpoint is a complete zip archive (what torch.save writes).
        with zipfile.ZipFile(fold_dir / "checkpoint_final.pth", "w") as archive:
            archive.writestr("archive/data.pkl", b"x")
    if summary is not None:
        (fold_dir / "validation").mkdir()
        shutil.copy(SUMMARIES / summary, fold_dir / "validation" / "summary.json")
    return fold_dir


def _workspace(root: Path) -> Workspace:
    return Workspace.from_root(root)


# -- one summary -----------------------------------------------------------------------------
def test_a_summary_is_read_exactly_as_nnunet_wrote_it(tmp_path):
    fold = _place_run(tmp_path, QUICK, "0", "two_classes_q3.json")
    summary = ValidationSummary.read(fold)
    raw = _summary("two_classes_q3.json")
    assert summary is not None
    assert summary.mean_dice == raw["foreground_mean"]["Dice"]
    assert summary.dice_per_class == {"1": raw["mean"]["1"]["Dice"], "2": raw["mean"]["2"]["Dice"]}
    assert summary.n_cases == 2
    assert summary.path == fold / "validation" / "summary.json"


def test_a_real_final_validation_of_the_demo_is_read(tmp_path):
    fold = _place_run(tmp_path, QUICK, "0", "demo_finetune_fold0.json",
                      labels={"background": 0, "organ": 1})
    summary = ValidationSummary.read(fold)
    assert summary is not None
    raw = _summary("demo_finetune_fold0.json")
    assert summary.mean_dice == raw["foreground_mean"]["Dice"]
    assert summary.n_cases == len(raw["metric_per_case"])


def test_regions_are_keyed_and_named_as_nnunet_keys_them(tmp_path):
    labels = {"background": 0, "whole": [1, 2], "core": 2}
    assert label_names({"labels": labels}) == {"(1, 2)": "whole", "2": "core"}
    assert label_names({"labels": {"background": 0, "a": 1, "b": 2, "ignore": 3}}) == \
        {"1": "a", "2": "b"}
    fold = _place_run(tmp_path, QUICK, "0", "regions.json", labels=labels)
    _place_run(tmp_path, BASELINE_QUICK, "0", "regions.json", from_scratch=True, labels=labels)
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    assert [(r.label, r.name) for r in comparison.classes] == [("(1, 2)", "whole"),
                                                                ("2", "core")]
    assert comparison.finetuned_dir == fold


def test_nan_in_a_summary_becomes_none(tmp_path):
    fold = _place_run(tmp_path, QUICK, "0", "absent_class.json")
    summary = ValidationSummary.read(fold)
    assert summary is not None
    assert summary.dice_per_class["2"] is None and summary.mean_dice is None
    assert summary.dice_per_class["1"] == _summary("absent_class.json")["mean"]["1"]["Dice"]


def test_missing_half_written_and_foreign_summaries_are_none_with_a_reason(tmp_path):
    fold = _place_run(tmp_path, QUICK, "0", None)
    summary, reason = ValidationSummary.read_with_reason(fold)
    assert summary is None and "summary.json does not exist" in reason
    text = (SUMMARIES / "two_classes_q3.json").read_text()
    (fold / "validation").mkdir()
    (fold / "validation" / "summary.json").write_text(text[: len(text) // 2])
    summary, reason = ValidationSummary.read_with_reason(fold)
    assert summary is None and "half-written" in reason
    (fold / "validation" / "summary.json").write_text('{"mean": {}}')
    summary, reason = ValidationSummary.read_with_reason(fold)
    assert summary is None and "not an nnU-Net validation summary" in reason
    assert ValidationSummary.read(fold) is None


# -- comparisons -------------------------------------------------------------------------------
def test_one_fold_gives_the_contract_with_the_files_figures(tmp_path):
    _place_run(tmp_path, QUICK, "0", "two_classes_q4.json")
    _place_run(tmp_path, BASELINE_QUICK, "0", "two_classes_q2.json", from_scratch=True)
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    ft, bl = _summary("two_classes_q4.json"), _summary("two_classes_q2.json")
    data = json.loads(json.dumps(comparison.to_json()))
    assert data["fold"] == "0"
    assert data["classes"] == [
        {"label": key, "name": name, "finetuned": ft["mean"][key]["Dice"],
         "baseline": bl["mean"][key]["Dice"],
         "delta": ft["mean"][key]["Dice"] - bl["mean"][key]["Dice"]}
        for key, name in (("1", "liver"), ("2", "tumour"))]
    assert data["mean"] == {"finetuned": ft["foreground_mean"]["Dice"],
                            "baseline": bl["foreground_mean"]["Dice"],
                            "delta": ft["foreground_mean"]["Dice"]
                            - bl["foreground_mean"]["Dice"]}
    assert data["missing"] == [] and data["spread"] is None
    words = verdict(comparison)
    assert words.startswith(f"{data['mean']['delta']:+.3f} mean Dice on fold 0 of 5")
    assert "one fold is an estimate — run all folds to be sure" in words
    assert "helped" not in words


def test_five_folds_better_on_every_fold_reports_the_spread(tmp_path):
    finetuned = ["q5", "q4", "q5", "q4", "q5"]
    baseline = ["q3", "q2", "q3", "q1", "q0"]
    for fold, (ft, bl) in enumerate(zip(finetuned, baseline, strict=True)):
        _place_run(tmp_path, QUICK, str(fold), f"two_classes_{ft}.json")
        _place_run(tmp_path, BASELINE_QUICK, str(fold), f"two_classes_{bl}.json",
                   from_scratch=True)
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d")  # folds found on disk
    assert comparison.folds == ["0", "1", "2", "3", "4"]
    deltas = [_summary(f"two_classes_{ft}.json")["foreground_mean"]["Dice"]
              - _summary(f"two_classes_{bl}.json")["foreground_mean"]["Dice"]
              for ft, bl in zip(finetuned, baseline, strict=True)]
    assert [f.mean.delta for f in comparison.per_fold] == deltas
    assert comparison.spread is not None
    assert (comparison.spread.minimum, comparison.spread.maximum) == (min(deltas), max(deltas))
    liver = [_summary(f"two_classes_{ft}.json")["mean"]["1"]["Dice"] for ft in finetuned]
    assert comparison.classes[0].finetuned == pytest.approx(sum(liver) / 5)
    words = verdict(comparison)
    assert "over 5 folds" in words and "better on every fold" in words
    assert "standard deviation" in words
    assert comparison.to_json()["fold"] == "0,1,2,3,4"


def test_five_folds_within_the_spread_say_no_difference(tmp_path):
    for fold, (ft, bl) in enumerate([("q4", "q3"), ("q3", "q4"), ("q4", "q3"), ("q3", "q4"),
                                     ("q4", "q4")]):
        _place_run(tmp_path, QUICK, str(fold), f"two_classes_{ft}.json")
        _place_run(tmp_path, BASELINE_QUICK, str(fold), f"two_classes_{bl}.json",
                   from_scratch=True)
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", parse_folds("0-4"))
    assert "no difference beyond the fold-to-fold spread" in verdict(comparison)


def test_two_folds_say_which_are_still_missing(tmp_path):
    for fold in ("0", "1"):
        _place_run(tmp_path, QUICK, fold, "two_classes_q5.json")
        _place_run(tmp_path, BASELINE_QUICK, fold, "two_classes_q1.json", from_scratch=True)
    words = verdict(find_comparison(_workspace(tmp_path), DATASET, "2d"))
    assert "better on every fold; 3 of the 5 folds are not compared yet" in words


def test_fold_all_is_not_an_estimate(tmp_path):
    _place_run(tmp_path, QUICK, "all", "two_classes_q5.json")
    _place_run(tmp_path, BASELINE_QUICK, "all", "two_classes_q1.json", from_scratch=True)
    words = verdict(find_comparison(_workspace(tmp_path), DATASET, "2d"))
    assert "fold 'all'" in words and "says nothing about new cases" in words


def test_a_missing_baseline_names_the_command_that_trains_it(tmp_path):
    _place_run(tmp_path, QUICK, "0", "two_classes_q4.json")
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    assert [m.role for m in comparison.missing] == ["baseline"]
    command = comparison.missing[0].command
    assert command.startswith("nnft run --workspace ")
    assert "--pretrain Dataset001_DemoPretrain --finetune Dataset002_DemoFinetune" in command
    assert command.endswith("--device cpu --baseline")
    assert comparison.mean.baseline is None and comparison.mean.delta is None
    assert comparison.mean.finetuned == _summary("two_classes_q4.json")["foreground_mean"]["Dice"]
    words = verdict(comparison)
    assert words.startswith("Not comparable yet.") and "--baseline" in words


def test_runs_without_final_validation_are_not_done(tmp_path):
    _place_run(tmp_path, QUICK, "0", None)
    _place_run(tmp_path, BASELINE_QUICK, "0", None, from_scratch=True)
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    assert [m.role for m in comparison.missing] == ["finetuned", "baseline"]
    ft_cmd, bl_cmd = (m.command for m in comparison.missing)
    assert ft_cmd.endswith("nnUNetv2_train 2 2d 0 -p nnUNetPlans -tr nnFTTrainerQuickTrial "
                           "-device cpu --val")
    assert "-pretrained_weights" not in ft_cmd
    assert bl_cmd.endswith(f"-tr {BASELINE_QUICK} -device cpu --val")
    for command in (ft_cmd, bl_cmd):
        assert "NNFT_TRIAL_FINAL_VALIDATION=1" in command and "nnUNet_extTrainer=" in command
        assert "nnUNet_results=" in command


def test_an_unfinished_fine_tuning_is_not_validated_but_continued(tmp_path):
    _place_run(tmp_path, QUICK, "0", None, trained=False)
    _place_run(tmp_path, BASELINE_QUICK, "0", "two_classes_q2.json", from_scratch=True)
    missing = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"]).missing
    assert [m.role for m in missing] == ["finetuned"]
    assert missing[0].command == "" and "has not finished training" in missing[0].reason


def test_several_fine_tunings_are_never_picked_silently(tmp_path):
    _place_run(tmp_path, QUICK, "0", "two_classes_q4.json")
    gentle = _place_run(tmp_path, "nnFTTrainerGentleFinetuneQuickTrial", "0",
                        "two_classes_q5.json", preset="gentle")
    _place_run(tmp_path, BASELINE_QUICK, "0", "two_classes_q2.json", from_scratch=True)
    # a full-length baseline must not be paired with a quick trial
    _place_run(tmp_path, "nnFTTrainerFromScratch", "0", "two_classes_q0.json", from_scratch=True)
    with pytest.raises(RunSelectionError) as caught:
        find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    assert "2 fine-tunings" in caught.value.message and "does not guess" in caught.value.message
    assert "--trainer nnFTTrainerGentleFinetuneQuickTrial" in caught.value.fix
    assert len(caught.value.candidates) == 2
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"], preset="gentle")
    assert comparison.finetuned_dir == gentle
    assert comparison.mean.baseline == _summary("two_classes_q2.json")["foreground_mean"]["Dice"]
    assert {r.trainer for r in find_runs(tmp_path / "nnUNet_results", DATASET)} == {
        QUICK, "nnFTTrainerGentleFinetuneQuickTrial", BASELINE_QUICK, "nnFTTrainerFromScratch"}


def test_no_fine_tuning_is_a_clear_error(tmp_path):
    _place_run(tmp_path, BASELINE_QUICK, "0", "two_classes_q2.json", from_scratch=True)
    with pytest.raises(RunSelectionError) as caught:
        find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    assert "No fine-tuning by nnFT found" in caught.value.message
    assert "--baseline" in caught.value.fix


def test_epochs_to_90_counts_epochs_until_the_ema_reaches_90_percent_of_its_final_value():
    records = [EpochRecord(epoch=i, ema_pseudo_dice=v)
               for i, v in enumerate([0.1, 0.5, 0.85, 0.92, 0.95])]
    # 90% of 0.95 is 0.855: epoch 2 (0.85) falls short, epoch 3 (0.92) reaches it: 4 epochs
    assert epochs_to_90(records) == 4
    assert epochs_to_90(records[:2]) == 2
    assert epochs_to_90([EpochRecord(epoch=0)]) is None
    assert epochs_to_90([]) is None


def test_folds_are_parsed_or_refused():
    assert parse_folds("0") == ["0"]
    assert parse_folds("0-4") == ["0", "1", "2", "3", "4"]
    assert parse_folds("0,2,2") == ["0", "2"]
    assert parse_folds("all") == ["all"]
    for bad in ("5", "all,0", "3-1", ""):
        with pytest.raises(ValueError):
            parse_folds(bad)


# -- nnft compare --------------------------------------------------------------------------------
def test_nnft_compare_json_and_table(tmp_path, capsys):
    _place_run(tmp_path, QUICK, "0", "two_classes_q4.json")
    _place_run(tmp_path, BASELINE_QUICK, "0", "two_classes_q2.json", from_scratch=True)
    argv = ["compare", "--workspace", str(tmp_path), "--finetune", "2", "--config", "2d"]
    assert main(argv + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ft = _summary("two_classes_q4.json")["foreground_mean"]["Dice"]
    bl = _summary("two_classes_q2.json")["foreground_mean"]["Dice"]
    assert data["mean"] == {"finetuned": ft, "baseline": bl, "delta": ft - bl}
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1 liver" in out and "2 tumour" in out and f"{ft:.4f}" in out
    assert "Epochs to 90% of the final EMA pseudo dice" in out
    assert "one fold is an estimate" in out


def test_nnft_compare_exit_status(tmp_path, capsys):
    _place_run(tmp_path, QUICK, "0", "two_classes_q4.json")
    argv = ["compare", "--workspace", str(tmp_path), "--finetune", "2", "--config", "2d"]
    assert main(argv + ["--json"]) == 1  # no baseline
    captured = capsys.readouterr()
    assert json.loads(captured.out)["missing"][0]["role"] == "baseline"
    assert "--baseline" in captured.err
    assert main(argv + ["--fold", "1"]) == 1  # no fine-tuning in fold 1
    assert "No fine-tuning by nnFT found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(argv + ["--fold", "7"])
    assert usage.value.code == 2
    assert "'7' is not a fold" in capsys.readouterr().err


def test_curves_and_epochs_to_90_come_from_the_training_logs(tmp_path):
    """The fine-tuning's log is a real 2-epoch quick trial's; the baseline's a real 8-epoch
    log: the curves are theirs, and the unequal lengths are pointed out."""
    data = Path(__file__).parent / "data"
    ft = _place_run(tmp_path, QUICK, "0", "two_classes_q4.json")
    bl = _place_run(tmp_path, BASELINE_QUICK, "0", "two_classes_q2.json", from_scratch=True)
    shutil.copy(data / "real" / "finetune_2d_quicktrial_training_log.txt",
                ft / "training_log_2026_9_30_10_00_00.txt")
    shutil.copy(data / "log_numpy1_complete.txt", bl / "training_log_2026_9_30_11_00_00.txt")
    comparison = find_comparison(_workspace(tmp_path), DATASET, "2d", ["0"])
    assert [len(c) for c in comparison.curves.values()] == [2, 8]
    # EMA 0.1657, 0.2033: 90% of 0.2033 is first reached in epoch 1 (2 epochs); the
    # baseline's EMA climbs steadily and reaches 90% of its final value only at the end.
    assert comparison.epochs_to_90 == {"finetuned": 2, "baseline": 8}
    assert comparison.notes == ["Fold 0: the fine-tuning trained 2 epochs, the baseline 8: "
                                "the comparison is not like for like."]
    assert comparison.to_json()["notes"] == comparison.notes
    assert verdict(comparison).endswith("the comparison is not like for like.")
