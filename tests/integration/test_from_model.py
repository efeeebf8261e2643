"""Fine-tuning from a model someone else trained (issue 12, item 3), with real nnU-Net.

The demo's fine-tuned model (``compared_run``) is exported as a zip; a fresh workspace that
holds only the fine-tuning dataset fine-tunes from that zip (``nnft run --pretrained-model``,
no ``--pretrain``) with the quick trial, then predicts its held-out images with the result.
About 2 minutes on 2 cores (fingerprint, preprocessing, 2 epochs x 3 iterations, one
prediction without test-time mirroring).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile

import SimpleITK as sitk

from nnft.core.demo import write_demo_workspace
from nnft.core.model_export import export_model
from nnft.core.workspace import Workspace

from .conftest import TRIAL_ARGS, nnft, tree_checksums


def test_fresh_workspace_finetunes_from_an_exported_zip_and_predicts(compared_run, tmp_path):
    demo = compared_run.demo
    model_zip = tmp_path / "colleague's model.zip"
    export_model(Workspace.from_root(demo.root), demo.finetune_name, model_zip,
                 configuration="2d")

    fresh = write_demo_workspace(tmp_path / "fresh workspace")
    shutil.rmtree(fresh.raw / fresh.pretrain_name)  # only the fine-tuning dataset is here
    env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}
    args = ["--workspace", str(fresh.root), "--finetune", "2", "--pretrained-model",
            str(model_zip), *TRIAL_ARGS]
    result = nnft("run", *args, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "plans AND weights come FROM it" in output

    # The model's plans went TO the fine-tuning dataset under a new identifier; the dataset's
    # own default identifier was never written.
    identifier = "nnUNetPlans_from_Dataset002"
    preprocessed = fresh.preprocessed / fresh.finetune_name
    plans = json.loads((preprocessed / f"{identifier}.json").read_text())
    with zipfile.ZipFile(model_zip) as archive:
        member = next(n for n in archive.namelist() if n.endswith("/plans.json"))
        folder = member.rsplit("/", 1)[0]
        model_plans = json.loads(archive.read(member))
        checkpoint_bytes = archive.read(f"{folder}/fold_0/checkpoint_final.pth")
    assert plans["plans_name"] == identifier and plans["dataset_name"] == fresh.finetune_name
    assert plans["configurations"]["2d"]["architecture"] == \
        model_plans["configurations"]["2d"]["architecture"]
    assert plans["configurations"]["2d"]["data_identifier"] == f"{identifier}_2d"
    assert plans["image_reader_writer"]
    assert not (preprocessed / "nnUNetPlans.json").exists()
    assert (preprocessed / f"{identifier}_2d").is_dir()

    # nnFT's copy of the model, with the checkpoint's sha256; the fine-tuning loaded it.
    records = list((fresh.results / "nnFT" / "models").rglob("nnft_import.json"))
    assert len(records) == 1
    record = json.loads(records[0].read_text())
    assert record["checkpoint_sha256"] == hashlib.sha256(checkpoint_bytes).hexdigest()
    imported = records[0].parent / "fold_0" / "checkpoint_final.pth"
    assert imported.read_bytes() == checkpoint_bytes
    fold_dir = (fresh.results / fresh.finetune_name /
                f"nnFTTrainerQuickTrial__{identifier}__2d" / "fold_0")
    assert (fold_dir / "checkpoint_final.pth").is_file()
    marker = json.loads((fold_dir / "nnft_run.json").read_text())
    assert marker["pretrained_weights"] == str(imported)
    assert marker["source_model"]["path"] == str(model_zip)
    assert marker["pretrain_dataset"] is None
    logs = sorted((fresh.results / "nnFT" / "logs").glob("*_finetune.log"))
    assert f"Loading pretrained weights from file  {imported}" in logs[-1].read_text()

    # Run again: every step is done, nothing changes.
    before = tree_checksums(fresh.results / fresh.finetune_name)
    again = nnft("run", *args, env=env)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert again.stdout.count("already done, skipped") == 5, again.stdout
    assert tree_checksums(fresh.results / fresh.finetune_name) == before

    # Predict the held-out scans with the fine-tuned model.
    images = fresh.raw / fresh.finetune_name / "imagesTs"
    predictions = tmp_path / "predictions"
    predicted = nnft("predict", "--model", str(fold_dir.parent), "-i", str(images),
                     "-o", str(predictions), "--device", "cpu", "--disable-tta", env=env,
                     timeout=600)
    assert predicted.returncode == 0, predicted.stdout[-3000:] + predicted.stderr[-3000:]
    inputs = sorted(images.glob("*_0000.nii.gz"))
    assert inputs
    for image in inputs:
        prediction = predictions / image.name.replace("_0000.nii.gz", ".nii.gz")
        source, label = sitk.ReadImage(str(image)), sitk.ReadImage(str(prediction))
        assert label.GetSize() == source.GetSize()
        assert label.GetOrigin() == source.GetOrigin()
        assert set(sitk.GetArrayFromImage(label).ravel().tolist()) <= {0, 1}
