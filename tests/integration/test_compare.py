"""Real Dice, fine-tuned vs from scratch, on the demo (``compared_run``: the chain's
fine-tuning and baseline of fold 0 with nnU-Net's own final validation)."""

from __future__ import annotations

import json
import shlex

from nnft.core.evaluation import comparison_from_context, find_comparison
from nnft.core.workspace import Workspace

from .conftest import nnft


def _compare(root, *extra: str):
    return nnft("compare", "--workspace", str(root), "--finetune", "2", "--config", "2d",
                *extra, timeout=120)


def test_compare_json_equals_the_two_summary_files(compared_run):
    finetuned = json.loads(compared_run.finetune_summary.read_text())
    baseline = json.loads(compared_run.baseline_summary.read_text())
    result = _compare(compared_run.demo.root, "--fold", "0", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["fold"] == "0"
    assert data["classes"] == [{
        "label": "1", "name": "organ",
        "finetuned": finetuned["mean"]["1"]["Dice"],
        "baseline": baseline["mean"]["1"]["Dice"],
        "delta": finetuned["mean"]["1"]["Dice"] - baseline["mean"]["1"]["Dice"]}]
    assert data["mean"] == {
        "finetuned": finetuned["foreground_mean"]["Dice"],
        "baseline": baseline["foreground_mean"]["Dice"],
        "delta": finetuned["foreground_mean"]["Dice"] - baseline["foreground_mean"]["Dice"]}
    assert data["finetuned_dir"] == str(compared_run.ctx.finetune_fold_dir)
    assert data["baseline_dir"] == str(compared_run.ctx.baseline_fold_dir)
    assert data["missing"] == []
    assert "one fold is an estimate" in data["verdict"]
    # both runs trained the same two epochs; their curves come from nnU-Net's logs
    comparison = comparison_from_context(compared_run.ctx)
    assert [len(c) for c in comparison.curves.values()] == [2, 2]
    assert comparison.to_json() == find_comparison(
        Workspace.from_root(compared_run.demo.root), compared_run.demo.finetune_name,
        "2d").to_json()


def test_compare_table_names_the_class_and_the_verdict(compared_run):
    result = _compare(compared_run.demo.root)
    assert result.returncode == 0, result.stdout + result.stderr
    finetuned = json.loads(compared_run.finetune_summary.read_text())
    assert f"{finetuned['foreground_mean']['Dice']:.4f}" in result.stdout
    assert "1 organ" in result.stdout
    assert "Epochs to 90% of the final EMA pseudo dice" in result.stdout
    assert "mean Dice on fold 0 of 5" in result.stdout


def test_runs_without_final_validation_are_not_done(chain_run, compared_run):
    """chain_run trained both with --no-final-validation: compare refuses, and the commands it
    gives are exactly the "Finish validation" commands compared_run ran."""
    result = _compare(chain_run.demo.root, "--json")
    assert result.returncode == 1
    missing = json.loads(result.stdout)["missing"]
    assert [m["role"] for m in missing] == ["finetuned", "baseline"]
    for entry, argv in zip(missing, compared_run.commands, strict=True):
        assert "summary.json does not exist" in entry["reason"]
        assert entry["command"].endswith(shlex.join(argv))
        assert "NNFT_TRIAL_FINAL_VALIDATION=1" in entry["command"]
    assert "Run: " in result.stderr
