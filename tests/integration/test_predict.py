"""``nnft predict`` with the real nnU-Net predictor: the demo chain's fine-tuned model
(``chain_run``, 2d, fold 0) on the demo's held-out images (``imagesTs``), on the CPU.

Every test works on copies of the model folder and the images; the fixture's workspace is only
read. Mirroring test-time augmentation is off (``--disable-tta``) to keep each prediction at
about 30 s on 2 cores: it changes how often nnU-Net predicts, not what nnFT does around it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from nnft.core.checks import preflight
from nnft.core.workspace import Workspace

from .conftest import CHAIN_OPTIONS, nnft, tree_checksums


@dataclasses.dataclass
class PredictSetup:
    model: Path  # a copy of the fine-tuned model folder (…/<trainer>__<plans>__2d)
    images: Path  # a copy of the demo's imagesTs
    labels: Path  # the demo's labelsTs (read only)
    tmp: Path


@pytest.fixture
def setup(chain_run, tmp_path) -> PredictSetup:
    assert chain_run.result.returncode == 0, chain_run.output[-3000:]
    options = dataclasses.replace(CHAIN_OPTIONS, final_validation=False)
    checked = preflight(Workspace.from_root(chain_run.demo.root), "1", "2", options,
                        check_weights=False)
    assert checked.context is not None, checked.problems
    fold_dir = checked.context.finetune_fold_dir
    assert (fold_dir / "checkpoint_final.pth").is_file()
    model = tmp_path / "model ü" / fold_dir.parent.name
    shutil.copytree(fold_dir.parent, model)
    raw = chain_run.demo.raw / chain_run.demo.finetune_name
    images = tmp_path / "new scans"
    shutil.copytree(raw / "imagesTs", images)
    return PredictSetup(model, images, raw / "labelsTs", tmp_path)


def _geometry(image: sitk.Image) -> tuple:
    return (image.GetSize(), image.GetSpacing(), image.GetOrigin(), image.GetDirection())


def test_predict_the_test_images_with_the_finetuned_model(setup) -> None:
    """Predictions for every case, on the inputs' grid, with the model's labels only; the Dice
    printed is nnU-Net's own evaluation (summary.json); the inputs are untouched."""
    output = setup.tmp / "predictions"
    inputs_before = tree_checksums(setup.images)
    result = nnft("predict", "--model", str(setup.model / "fold_0"), "-i", str(setup.images),
                  "-o", str(output), "--device", "cpu", "--disable-tta",
                  "--labels", str(setup.labels), timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    cases = ["ft_test_001", "ft_test_002", "ft_test_003"]
    for case in cases:
        prediction = sitk.ReadImage(str(output / f"{case}.nii.gz"))
        image = sitk.ReadImage(str(setup.images / f"{case}_0000.nii.gz"))
        assert _geometry(prediction) == _geometry(image)
        assert set(np.unique(sitk.GetArrayFromImage(prediction)).tolist()) <= {0, 1}
        assert f"{case}_0000.nii.gz -> {case}.nii.gz" in result.stdout
    summary = json.loads((output / "summary.json").read_text(encoding="utf-8"))
    assert sorted(Path(c["prediction_file"]).name for c in summary["metric_per_case"]) == [
        f"{case}.nii.gz" for case in cases]
    printed = re.search(r"^\s+organ\s+([0-9.]+)$", result.stdout, re.MULTILINE)
    assert printed is not None, result.stdout[-2000:]
    assert float(printed.group(1)) == pytest.approx(summary["mean"]["1"]["Dice"], abs=5e-5)
    log = (output / "nnft_predict_log.txt").read_text(encoding="utf-8")
    assert all(f"done with {case}" in log for case in cases)  # nnU-Net's output, via the runner
    assert tree_checksums(setup.images) == inputs_before
    assert not list(setup.tmp.glob("*.nnft-backup-*"))


def test_plain_named_single_file_keeps_its_name_and_old_predictions_are_backed_up(setup) -> None:
    """A single image with a plain name (no _0000): its prediction carries its name, the user's
    file is neither renamed nor changed; an earlier prediction of that name is refused without
    --overwrite (nothing written) and moved to a backup with it."""
    scan = setup.tmp / "scan of Anna.nii.gz"
    shutil.move(setup.images / "ft_test_002_0000.nii.gz", scan)
    scan_bytes = scan.read_bytes()
    output = setup.tmp / "out"
    output.mkdir()
    (output / "scan of Anna.nii.gz").write_bytes(b"an earlier prediction")
    before = tree_checksums(setup.tmp)
    args = ["predict", "--model", str(setup.model), "-i", str(scan), "-o", str(output),
            "--device", "cpu", "--disable-tta", "--json"]
    refused = nnft(*args, timeout=120)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert [p["code"] for p in json.loads(refused.stdout)["problems"]] == ["PREDICTION_EXISTS"]
    assert tree_checksums(setup.tmp) == before

    result = nnft(*args, "--overwrite", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["outputs"] == {str(scan): str(output / "scan of Anna.nii.gz")}
    assert report["dice"] is None
    prediction = sitk.ReadImage(str(output / "scan of Anna.nii.gz"))
    assert _geometry(prediction) == _geometry(sitk.ReadImage(str(scan)))
    assert scan.read_bytes() == scan_bytes and not scan.is_symlink()
    assert sorted(p.name for p in setup.tmp.iterdir() if p.name.startswith("scan")) == [
        "scan of Anna.nii.gz"]
    backup = Path(report["backup"])
    assert backup.parent == setup.tmp and backup.name.startswith("out.nnft-backup-")
    assert (backup / "scan of Anna.nii.gz").read_bytes() == b"an earlier prediction"


def _refused(setup, *args: str) -> dict:
    """Run ``nnft predict --json`` that must be refused; nothing may be written anywhere."""
    output = setup.tmp / "never written"
    before = tree_checksums(setup.tmp)
    result = nnft("predict", "--json", "--device", "cpu", "-o", str(output), *args, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert tree_checksums(setup.tmp) == before and not output.exists()
    problems = json.loads(result.stdout)["problems"]
    assert all(p["fix"] for p in problems)
    return {p["code"]: p["message"] for p in problems}


def test_bad_inputs_get_their_code_and_write_nothing(setup) -> None:
    images = setup.images
    shutil.copy(images / "ft_test_001_0000.nii.gz", images / "ft_test_001_0001.nii.gz")
    codes = _refused(setup, "--model", str(setup.model), "-i", str(images))
    assert list(codes) == ["PREDICT_CHANNEL_MISMATCH"]
    assert "ft_test_001" in codes["PREDICT_CHANNEL_MISMATCH"]
    (images / "ft_test_001_0001.nii.gz").unlink()

    sitk.WriteImage(sitk.ReadImage(str(images / "ft_test_002_0000.nii.gz")),
                    str(images / "ft_test_002_0000.nrrd"))
    codes = _refused(setup, "--model", str(setup.model), "-i", str(images))
    assert list(codes) == ["PREDICT_FILE_ENDING"]
    assert "ft_test_002_0000.nrrd" in codes["PREDICT_FILE_ENDING"]
    (images / "ft_test_002_0000.nrrd").unlink()

    # (A file cut off after its header passes a header-only check; this one has no header.)
    broken = images / "ft_test_003_0000.nii.gz"
    broken.write_bytes(b"this is not an image")
    codes = _refused(setup, "--model", str(setup.model), "-i", str(images))
    assert list(codes) == ["PREDICT_IMAGE_UNREADABLE"]
    assert str(broken) in codes["PREDICT_IMAGE_UNREADABLE"]
    broken.unlink()

    (setup.model / "fold_0" / "checkpoint_final.pth").unlink()
    codes = _refused(setup, "--model", str(setup.model), "-i", str(images))
    assert list(codes) == ["MODEL_INCOMPLETE"]
    assert "checkpoint_final.pth" in codes["MODEL_INCOMPLETE"]


def test_a_zip_exported_by_nnunet_is_a_model(compared_run, tmp_path) -> None:
    """nnU-Net's own export (``nnUNetv2_export_model_to_zip``; it needs the final validation's
    summary.json, hence ``compared_run``) is found in the zip, checked without unpacking, and
    unpacked with its checkpoint for the predictor (the prediction itself is the folder case's)."""
    from nnft.core.predict import PredictionRun, plan_prediction

    model_dir = compared_run.ctx.finetune_fold_dir.parent
    trainer, plans, config = model_dir.name.split("__")
    archive = tmp_path / "model.zip"
    env = Workspace.from_root(compared_run.demo.root).child_environment()
    exported = subprocess.run(
        ["nnUNetv2_export_model_to_zip", "-d", "2", "-o", str(archive), "-c", config,
         "-tr", trainer, "-p", plans, "-f", "0"], env=env, capture_output=True, text=True,
        timeout=300)
    assert exported.returncode == 0, exported.stdout[-2000:] + exported.stderr[-2000:]
    images = compared_run.demo.raw / compared_run.demo.finetune_name / "imagesTs"
    plan = plan_prediction(archive, images, tmp_path / "out")
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.model is not None
    assert plan.model.member == f"{compared_run.demo.finetune_name}/{model_dir.name}"
    assert plan.model.folds == ("0",) and plan.model.channels == 1
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    unpacked = PredictionRun(plan)._model_folder(plan.model, scratch)
    for name in ("plans.json", "dataset.json", "fold_0/checkpoint_final.pth"):
        assert (unpacked / name).read_bytes() == (model_dir / name).read_bytes()
