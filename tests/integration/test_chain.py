"""The whole chain, for real: nnU-Net's commands on the demo workspace, on the CPU."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from nnft.core.steps import RUN_MARKER
from nnft.core.training_history import parse_fold_dir

from .conftest import PLANS_NAME, TRIAL_ARGS, nnft, tree_checksums

pytestmark = pytest.mark.integration

TRAINER = "nnFTTrainerQuickTrial"


def test_chain_completes(chain_run):
    assert chain_run.result.returncode == 0, chain_run.output[-5000:]
    assert "Done in" in chain_run.result.stdout


def test_progress_bars_leave_one_line_each_in_a_log(chain_run):
    """nnU-Net's tqdm bars (fingerprints, preprocessing) redraw their line with carriage
    returns; printed to a pipe or file, only each bar's last state is kept."""
    bars = [line for line in chain_run.result.stdout.splitlines() if re.search(r"\d+%\|", line)]
    assert bars, chain_run.result.stdout[-3000:]
    assert all("100%|" in line for line in bars), bars
    assert "\r" not in chain_run.result.stdout


def test_finetuning_plans_and_data(chain_run):
    pre = chain_run.demo.preprocessed / chain_run.demo.finetune_name
    plans = json.loads((pre / "nnUNetPlans.json").read_text())
    assert plans["dataset_name"] == chain_run.demo.finetune_name
    assert len(list((pre / "nnUNetPlans_2d").glob("*.pkl"))) == 6
    # Only the chosen configuration was preprocessed.
    assert not (pre / "nnUNetPlans_3d_fullres").exists()


def test_transferred_plans_name_the_pretraining_dataset(chain_run):
    demo = chain_run.demo
    source = json.loads((demo.preprocessed / demo.finetune_name / "nnUNetPlans.json").read_text())
    moved = json.loads((demo.preprocessed / demo.pretrain_name / f"{PLANS_NAME}.json").read_text())
    assert moved["plans_name"] == PLANS_NAME
    assert moved["dataset_name"] == demo.pretrain_name
    assert moved["configurations"]["2d"]["data_identifier"] == f"{PLANS_NAME}_2d"
    # Everything that shapes the network is the fine-tuning dataset's.
    for key in ("patch_size", "spacing", "architecture", "batch_size", "normalization_schemes"):
        assert moved["configurations"]["2d"][key] == source["configurations"]["2d"][key], key
    assert (moved["foreground_intensity_properties_per_channel"]
            == source["foreground_intensity_properties_per_channel"])


def test_pretraining_dataset_keeps_its_own_plans_untouched(chain_run):
    folder = chain_run.demo.preprocessed / chain_run.demo.pretrain_name
    # No default plans were written or overwritten for the pretraining dataset.
    assert not (folder / "nnUNetPlans.json").exists()
    assert not (folder / "nnUNetPlans_2d").exists()


def test_missing_step_dataset_json_was_copied(chain_run):
    demo = chain_run.demo
    raw = json.loads((demo.raw / demo.pretrain_name / "dataset.json").read_text())
    copied = json.loads((demo.preprocessed / demo.pretrain_name / "dataset.json").read_text())
    assert copied == raw  # the pretraining dataset's own labels, not the fine-tuning one's
    assert "lesion" in copied["labels"]


def test_pretraining_data_preprocessed_with_new_plans(chain_run):
    folder = chain_run.demo.preprocessed / chain_run.demo.pretrain_name / f"{PLANS_NAME}_2d"
    assert len(list(folder.glob("*.pkl"))) == 12
    assert len(list(folder.glob("*_seg.b2nd"))) == 12


def test_pretraining_checkpoint_and_log(chain_run):
    fold = (chain_run.demo.results / chain_run.demo.pretrain_name
            / f"{TRAINER}__{PLANS_NAME}__2d" / "fold_all")
    assert (fold / "checkpoint_final.pth").is_file()
    records = parse_fold_dir(fold)
    assert [r.epoch for r in records] == [0, 1]
    assert all(len(r.pseudo_dice) == 2 for r in records)  # organ + lesion


def test_finetuning_started_from_pretrained_weights(chain_run):
    demo = chain_run.demo
    fold = demo.results / demo.finetune_name / f"{TRAINER}__nnUNetPlans__2d" / "fold_0"
    assert (fold / "checkpoint_final.pth").is_file()
    records = parse_fold_dir(fold)
    assert [r.epoch for r in records] == [0, 1]
    assert all(len(r.pseudo_dice) == 1 for r in records)  # the fine-tuning labels: organ
    marker = json.loads((fold / RUN_MARKER).read_text())
    pretrained = (demo.results / demo.pretrain_name / f"{TRAINER}__{PLANS_NAME}__2d"
                  / "fold_all" / "checkpoint_final.pth")
    assert marker["pretrained_weights"] == str(pretrained)
    # nnU-Net announces the loading on stdout only; nnFT's step log keeps it.
    logs = sorted((demo.results / "nnFT" / "logs").glob("*[0-9]_finetune.log"))
    assert logs, "no fine-tuning step log"
    text = logs[-1].read_text()
    assert f"Loading pretrained weights from file  {pretrained}" in text


def test_step_commands_printed_in_order(chain_run):
    out = chain_run.result.stdout
    expected = ["$ nnUNetv2_plan_and_preprocess -d 2 -c 2d",
                "$ nnUNetv2_extract_fingerprint -d 1",
                "$ nnUNetv2_move_plans_between_datasets -s 2 -t 1 -sp nnUNetPlans "
                f"-tp {PLANS_NAME}",
                "$ cp ",
                f"$ nnUNetv2_preprocess -d 1 -plans_name {PLANS_NAME} -c 2d",
                f"$ nnUNetv2_train 1 2d all -p {PLANS_NAME} -tr {TRAINER} -device cpu",
                f"$ nnUNetv2_train 2 2d 0 -p nnUNetPlans -tr {TRAINER} -device cpu "
                "-pretrained_weights ",
                # chain_run passes --baseline: the from-scratch twin trains last
                "$ nnUNetv2_train 2 2d 0 -p nnUNetPlans -tr nnFTTrainerFromScratchQuickTrial "
                "-device cpu\n"]
    positions = [out.find(e) for e in expected]
    assert -1 not in positions, [e for e, p in zip(expected, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "[6/8] epoch 2/2" in out and "[7/8] epoch 2/2" in out and "[8/8] epoch 2/2" in out


def test_second_run_skips_every_step_and_changes_nothing(chain_run):
    before = tree_checksums(chain_run.demo.root / "nnUNet_preprocessed")
    before_results = {k: v for k, v in tree_checksums(chain_run.demo.results).items()
                      if not k.startswith("nnFT")}
    result = nnft("run", "--workspace", str(chain_run.demo.root), "--pretrain", "1",
                  "--finetune", "2", *TRIAL_ARGS)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("already done, skipped") == 7
    assert tree_checksums(chain_run.demo.root / "nnUNet_preprocessed") == before
    after_results = {k: v for k, v in tree_checksums(chain_run.demo.results).items()
                     if not k.startswith("nnFT")}
    assert after_results == before_results


FOREIGN = "PlansFromSomewhereElse"


@pytest.fixture
def foreign_plans(chain_run):
    """A plans file nnFT did not write, identical to what the transfer would write."""
    folder = chain_run.demo.preprocessed / chain_run.demo.pretrain_name
    source = json.loads((folder / f"{PLANS_NAME}.json").read_text())
    source["plans_name"] = FOREIGN
    for configuration in source["configurations"].values():
        if "data_identifier" in configuration:
            configuration["data_identifier"] = configuration["data_identifier"].replace(
                PLANS_NAME, FOREIGN)
    path = folder / f"{FOREIGN}.json"
    path.write_text(json.dumps(source, indent=2))
    yield path
    path.unlink()


@pytest.mark.parametrize("plans_args, code", [
    (["--plans-name", "nnUNetPlans"], "PLANS_ID_DEFAULT"),
    (["--plans-name", FOREIGN], "PLANS_ID_EXISTS"),
    (["--plans-name", "../evil"], "PLANS_ID_INVALID"),
])
def test_refused_identifier_leaves_every_file_byte_identical(chain_run, foreign_plans,
                                                             plans_args, code):
    root = chain_run.demo.root
    before = tree_checksums(root)
    result = nnft("run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, *plans_args)
    assert result.returncode == 1
    assert code in result.stderr
    assert "Nothing was run." in result.stderr
    assert tree_checksums(root) == before


def test_own_transfer_continues_without_reuse_flag(chain_run):
    """The plans file this chain's transfer wrote is a continuation, not a clash."""
    result = nnft("check", "--workspace", str(chain_run.demo.root), "--pretrain", "1",
                  "--finetune", "2", "--config", "2d", "--device", "cpu",
                  "--plans-name", PLANS_NAME, "--json")
    assert result.returncode == 0, result.stdout
    severities = {p["code"]: p["severity"] for p in json.loads(result.stdout)["problems"]}
    assert severities["PLANS_ID_EXISTS"] == "info"


def test_check_json_reports_existing_plans(chain_run, foreign_plans):
    result = nnft("check", "--workspace", str(chain_run.demo.root), "--pretrain", "1",
                  "--finetune", "2", "--config", "2d", "--device", "cpu",
                  "--plans-name", FOREIGN, "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    exists = [p for p in problems if p["code"] == "PLANS_ID_EXISTS"]
    assert exists and exists[0]["severity"] == "error"
    # Identical plans may be reused when the user says so explicitly.
    result = nnft("check", "--workspace", str(chain_run.demo.root), "--pretrain", "1",
                  "--finetune", "2", "--config", "2d", "--device", "cpu",
                  "--plans-name", FOREIGN, "--reuse-plans", "--json")
    assert result.returncode == 0, result.stdout
    severities = {p["code"]: p["severity"] for p in json.loads(result.stdout)["problems"]}
    assert severities["PLANS_ID_EXISTS"] == "info"


def test_interrupted_preprocessing_is_not_taken_as_done(chain_run, tmp_path):
    """A data folder with a case missing (a killed preprocessing) makes the step run again."""
    root = tmp_path / "copy"
    shutil.copytree(chain_run.demo.root, root)
    data = root / "nnUNet_preprocessed" / chain_run.demo.pretrain_name / f"{PLANS_NAME}_2d"
    victim = sorted(data.glob("*.pkl"))[0]
    victim.unlink()
    result = nnft("run", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, "--dry-run")
    assert result.returncode == 0
    assert "Preprocess Dataset001_DemoPretrain with the transferred plans (to run)" \
        in result.stdout
    assert "Plan and preprocess the fine-tuning dataset Dataset002_DemoFinetune (done, " \
        "skipped)" in result.stdout


def test_export_bash_has_the_exact_commands(chain_run, tmp_path):
    script = tmp_path / "chain.sh"
    result = nnft("export", "--workspace", str(chain_run.demo.root), "--pretrain", "1",
                  "--finetune", "2", *TRIAL_ARGS, "--output", str(script))
    assert result.returncode == 0, result.stderr
    text = script.read_text()
    assert f"nnUNetv2_move_plans_between_datasets -s 2 -t 1 -sp nnUNetPlans -tp {PLANS_NAME}" \
        in text
    assert "export nnUNet_extTrainer=" in text
    assert shutil.which("bash") is None or __import__("subprocess").run(
        ["bash", "-n", str(script)]).returncode == 0


def test_monitor_reads_a_finished_run(chain_run):
    fold = (chain_run.demo.results / chain_run.demo.pretrain_name
            / f"{TRAINER}__{PLANS_NAME}__2d" / "fold_all")
    result = nnft("monitor", str(fold))
    assert result.returncode == 0, result.stderr
    epoch_lines = [line for line in result.stdout.splitlines() if line.startswith("epoch ")]
    assert len(epoch_lines) == 2
    assert epoch_lines[0].startswith("epoch 1/2 ") and epoch_lines[1].startswith("epoch 2/2 ")
    assert "epochs are counted from 1 here; nnU-Net's log counts from 0" in result.stdout
    assert "Training finished" in result.stdout
    # --follow on a finished run returns at once too.
    assert nnft("monitor", str(fold), "--follow", timeout=60).returncode == 0


def test_monitor_refuses_a_missing_folder(tmp_path):
    result = nnft("monitor", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


def test_export_after_a_finished_chain_is_a_run_from_scratch(chain_run, tmp_path):
    """The script is for running elsewhere: no `preprocess` instead of planning, no --c."""
    result = nnft("export", "--workspace", str(chain_run.demo.root), "--pretrain", "1",
                  "--finetune", "2", *TRIAL_ARGS)
    assert result.returncode == 0, result.stderr
    assert "nnUNetv2_plan_and_preprocess -d 2 -c 2d" in result.stdout
    assert " --c" not in result.stdout
    assert "-pretrained_weights " in result.stdout
