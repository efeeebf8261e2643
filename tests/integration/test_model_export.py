"""``nnft export-model`` on the demo (``compared_run``: fine-tuned + validated, fold 0, 2d):
the zip installs with stock nnU-Net into an empty nnUNet_results and predicts with stock
``nnUNetv2_predict``, without nnFT's trainers; the card's figures are the run's own."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import SimpleITK as sitk

from nnft.core.model_export import ModelExportError, export_model
from nnft.core.workspace import Workspace

from .conftest import PLANS_NAME, nnft, tree_checksums


def _stock_env(results: Path) -> dict[str, str]:
    """A plain nnU-Net environment: only nnUNet_results, none of nnFT's trainers."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("nnUNet_extTrainer", "nnUNet_raw", "nnUNet_preprocessed")}
    env["nnUNet_results"] = str(results)
    return env


def _stock(command: str, *args: str, env: dict[str, str], cwd: Path):
    executable = str(Path(sys.executable).parent / command)
    return subprocess.run([executable, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_exported_zip_installs_and_predicts_with_stock_nnunet(compared_run, tmp_path):
    import torch

    demo, ctx = compared_run.demo, compared_run.ctx
    before = tree_checksums(demo.results)
    output = tmp_path / "model.zip"
    result = nnft("export-model", "--workspace", str(demo.root), "--finetune", "2",
                  "--config", "2d", "--output", str(output), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_checksums(demo.results) == before  # the export worked on a staged copy

    plans = ctx.options.finetune_plans  # the fine-tuning's own plans (PLANS_NAME: pretraining)
    folder = f"{demo.finetune_name}/nnUNetTrainer__{plans}__2d"
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        card = json.loads(archive.read(f"{folder}/model_card.json"))
        markdown = archive.read(f"{folder}/model_card.md").decode()
    assert {f"{folder}/fold_0/checkpoint_final.pth", f"{folder}/plans.json",
            f"{folder}/dataset.json", f"{folder}/fold_0/validation/summary.json"} <= names
    assert not any("nnFTTrainer" in name for name in names)

    summary = json.loads(compared_run.finetune_summary.read_text())
    fold = card["folds"][0]
    assert fold["fold"] == "0"
    assert fold["validation"]["dice_per_class"] == {
        "1": {"name": "organ", "dice": summary["mean"]["1"]["Dice"]}}
    assert fold["validation"]["mean_dice"] == summary["foreground_mean"]["Dice"]
    assert fold["validation"]["cases"] == len(summary["metric_per_case"])
    pretrained = ctx.pretrained_checkpoint
    assert fold["pretrained_weights"]["checkpoint_sha256"] == \
        hashlib.sha256(pretrained.read_bytes()).hexdigest()
    assert fold["pretrained_weights"]["pretraining_dataset"] == demo.pretrain_name
    assert fold["epochs_trained"] == 2 and fold["epochs_planned"] == 2
    assert card["model"]["plans_identifier"] == plans
    assert fold["pretrained_weights"]["pretraining_plans"] == PLANS_NAME
    assert card["training"]["trainer"] == ctx.finetune_trainer == "nnFTTrainerQuickTrial"
    assert card["training"]["preset"] == "default"
    assert card["versions"]["nnunetv2"] and card["versions"]["torch"]
    assert "nnFTTrainerQuickTrial" in markdown and fold["pretrained_weights"][
        "checkpoint_sha256"] in markdown

    # stock nnU-Net, an empty nnUNet_results, no nnUNet_extTrainer
    fresh = tmp_path / "fresh results"
    fresh.mkdir()
    env = _stock_env(fresh)
    installed = _stock("nnUNetv2_install_pretrained_model_from_zip", str(output), env=env,
                       cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    model_dir = fresh / folder
    copied = torch.load(model_dir / "fold_0" / "checkpoint_final.pth", map_location="cpu",
                        weights_only=False)
    original = torch.load(ctx.finetune_fold_dir / "checkpoint_final.pth", map_location="cpu",
                          weights_only=False)
    assert copied["trainer_name"] == "nnUNetTrainer"
    assert copied["nnft_trained_with_trainer"] == original["trainer_name"]
    assert copied["network_weights"].keys() == original["network_weights"].keys()
    assert all(torch.equal(copied["network_weights"][k], original["network_weights"][k])
               for k in original["network_weights"])
    assert copied["inference_allowed_mirroring_axes"] == \
        original["inference_allowed_mirroring_axes"]
    assert (model_dir / "plans.json").read_bytes() == \
        (ctx.finetune_fold_dir.parent / "plans.json").read_bytes()

    images = sorted((demo.raw / demo.finetune_name / "imagesTr").glob("*_0000.nii.gz"))[:2]
    inputs, predictions = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for image in images:
        shutil.copy(image, inputs / image.name)
    predicted = _stock("nnUNetv2_predict", "-i", str(inputs), "-o", str(predictions),
                       "-d", str(demo.finetune_id), "-c", "2d", "-p", plans, "-f", "0",
                       "-device", "cpu", "-npp", "1", "-nps", "1", "--disable_progress_bar",
                       # mirrored passes double the time and test nothing of the export (the
                       # mirroring axes are compared in the checkpoint above)
                       "--disable_tta",
                       env=env, cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stdout[-3000:] + predicted.stderr[-3000:]
    for image in images:
        prediction = predictions / image.name.replace("_0000.nii.gz", ".nii.gz")
        assert prediction.is_file(), sorted(p.name for p in predictions.iterdir())
        source, label = sitk.ReadImage(str(image)), sitk.ReadImage(str(prediction))
        assert label.GetSize() == source.GetSize()
        assert label.GetSpacing() == pytest.approx(source.GetSpacing())
        assert label.GetOrigin() == pytest.approx(source.GetOrigin())
        assert label.GetDirection() == pytest.approx(source.GetDirection())
        assert set(sitk.GetArrayFromImage(label).ravel().tolist()) <= {0, 1}


def test_export_refuses_bad_requests_and_writes_nothing(chain_run, compared_run, tmp_path):
    # chain_run trained with --no-final-validation: no summary, so no Dice for the card
    unvalidated = Workspace.from_root(chain_run.demo.root)
    output = tmp_path / "model.zip"
    with pytest.raises(ModelExportError) as error:
        export_model(unvalidated, chain_run.demo.finetune_name, output, configuration="2d")
    assert "validation" in error.value.message and "--val" in error.value.fix
    with pytest.raises(ModelExportError) as error:
        export_model(unvalidated, chain_run.demo.finetune_name, output,
                     configuration="3d_fullres")
    assert "No fine-tuning" in error.value.message and "--config" in error.value.message
    with pytest.raises(ModelExportError) as error:
        export_model(unvalidated, chain_run.demo.finetune_name, output, configuration="2d",
                     folds=["1"])
    assert "fold 1" in error.value.message
    assert list(tmp_path.iterdir()) == []  # no zip, no staging folder left

    # an existing output is kept without --overwrite, backed up with it
    root = tmp_path / "copy"
    shutil.copytree(compared_run.demo.root, root)
    workspace = Workspace.from_root(root)
    output.write_bytes(b"an older file")
    with pytest.raises(ModelExportError) as error:
        export_model(workspace, compared_run.demo.finetune_name, output, configuration="2d")
    assert "--overwrite" in error.value.fix and output.read_bytes() == b"an older file"
    result = export_model(workspace, compared_run.demo.finetune_name, output,
                          configuration="2d", overwrite=True)
    assert result.backup is not None and result.backup.read_bytes() == b"an older file"
    assert zipfile.is_zipfile(output)

    # a fold whose training did not finish
    fold_dir = root / "nnUNet_results" / compared_run.ctx.finetune_fold_dir.relative_to(
        compared_run.demo.results)
    (fold_dir / "checkpoint_final.pth").unlink()
    with pytest.raises(ModelExportError) as error:
        export_model(workspace, compared_run.demo.finetune_name, tmp_path / "other.zip",
                     configuration="2d")
    assert "checkpoint_final.pth" in error.value.message and "--folds" in error.value.fix
    assert not (tmp_path / "other.zip").exists()
