"""The from-scratch baseline added to a chain whose fine-tuning is already done.

A user who fine-tuned first and only then asks "did the pretraining help?" must get the
baseline alone: no step of the finished chain runs again, and nothing of it changes on disk.
"""

from __future__ import annotations

import json
import os
import shutil

from .conftest import TRIAL_ARGS, nnft, tree_checksums


def test_baseline_added_later_trains_only_the_baseline(chain_run, tmp_path) -> None:
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    root = tmp_path / "later ü"
    shutil.copytree(chain_run.demo.root, root)
    dataset_results = root / "nnUNet_results" / "Dataset002_DemoFinetune"
    baselines = [p for p in dataset_results.iterdir()
                 if p.name.startswith("nnFTTrainerFromScratch")]
    assert len(baselines) == 1, baselines
    shutil.rmtree(baselines[0])  # the chain as it was before the baseline was asked for
    before = {name: tree_checksums(root / name)
              for name in ("nnUNet_raw", "nnUNet_preprocessed")}
    before["results"] = {k: v for k, v in tree_checksums(root / "nnUNet_results").items()
                         if not k.startswith("nnFT")}

    env = dict(os.environ)
    for variable in ("nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"):
        env.pop(variable, None)
    done = nnft("run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                *TRIAL_ARGS, "--baseline", env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    for number in range(1, 8):
        assert f"[{number}/8]" in output and output.count(f"[{number}/8]") == 1, number
    assert output.count("already done, skipped") == 7, output[-3000:]
    assert "[8/8] Baseline: train Dataset002_DemoFinetune from scratch" in output

    fold = baselines[0] / "fold_0"
    assert (fold / "checkpoint_final.pth").is_file()
    marker = json.loads((fold / "nnft_run.json").read_text(encoding="utf-8"))
    assert marker["from_scratch"] is True and marker["pretrained_weights"] is None
    assert "-pretrained_weights" not in marker["command"]

    after = {name: tree_checksums(root / name) for name in ("nnUNet_raw", "nnUNet_preprocessed")}
    after["results"] = {k: v for k, v in tree_checksums(root / "nnUNet_results").items()
                        if not k.startswith("nnFT") and not k.startswith(
                            str(baselines[0].relative_to(root / "nnUNet_results")))}
    assert after == before, "the finished chain changed while only its baseline was trained"
