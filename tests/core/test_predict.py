"""The pieces of ``nnft predict``'s run that need no nnU-Net: the predictor's argv, a zip's model
unpacked (only the chosen folds), plain names linked under nnU-Net's names, the backup of what
would be replaced. The real predictions: tests/integration/test_predict.py."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from nnft.core.predict import (
    PredictionPlan,
    PredictionRun,
    evaluate_argv,
    label_volumes_ml,
    plan_prediction,
    predict_argv,
)

DATASET = "Dataset002_DemoFinetune"
MODEL = "nnUNetTrainer__nnUNetPlans__2d"


def _zip_model(path: Path) -> Path:
    dataset_json = {"channel_names": {"0": "CT"}, "labels": {"background": 0, "organ": 1},
                    "numTraining": 6, "file_ending": ".nii.gz"}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{DATASET}/{MODEL}/dataset.json", json.dumps(dataset_json))
        archive.writestr(f"{DATASET}/{MODEL}/plans.json", "{}")
        for fold in ("0", "1"):
            archive.writestr(f"{DATASET}/{MODEL}/fold_{fold}/checkpoint_final.pth", b"PK")
            archive.writestr(f"{DATASET}/{MODEL}/fold_{fold}/debug.json", "{}")
    return path


def test_predict_and_evaluate_argv() -> None:
    assert predict_argv(Path("/m"), Path("/in"), Path("/out"), ["0", "all"], "cpu", 2,
                        disable_tta=True) == [
        "nnUNetv2_predict_from_modelfolder", "-i", "/in", "-o", "/out", "-m", "/m",
        "-f", "0", "all", "-device", "cpu", "-npp", "2", "-nps", "2", "--disable_tta"]
    assert evaluate_argv(Path("/labels"), Path("/pred"), Path("/m"), Path("/out/summary.json")) \
        == ["nnUNetv2_evaluate_folder", "/labels", "/pred", "-djfile", "/m/dataset.json",
            "-pfile", "/m/plans.json", "-o", "/out/summary.json", "-np", "1"]


def test_zip_model_unpacks_only_the_chosen_folds(tmp_path: Path) -> None:
    archive = _zip_model(tmp_path / "model.zip")
    images = tmp_path / "images"
    images.mkdir()
    (images / "a_0000.nii.gz").write_bytes(b"x")
    plan = plan_prediction(archive, images, tmp_path / "out", folds=["1"], check_images=False)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.model is not None and plan.model.member == f"{DATASET}/{MODEL}"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    folder = PredictionRun(plan)._model_folder(plan.model, scratch)
    assert folder == scratch / "model" / DATASET / MODEL
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        "dataset.json", "fold_1/checkpoint_final.pth", "fold_1/debug.json", "plans.json"]


def test_plain_names_are_linked_under_nnunet_names(tmp_path: Path) -> None:
    archive = _zip_model(tmp_path / "model.zip")
    images = tmp_path / "images"
    images.mkdir()
    (images / "scan one.nii.gz").write_bytes(b"first")
    (images / "b.nii.gz").write_bytes(b"second")
    plan = plan_prediction(archive, images, tmp_path / "out", check_images=False)
    assert plan.ok and plan.input_dir is None
    linked = PredictionRun(plan)._linked_input(tmp_path / "linked")
    assert sorted(p.name for p in linked.iterdir()) == ["b_0000.nii.gz", "scan one_0000.nii.gz"]
    assert (linked / "scan one_0000.nii.gz").read_bytes() == b"first"
    assert sorted(p.name for p in images.iterdir()) == ["b.nii.gz", "scan one.nii.gz"]
    assert [plan.output_of(c).name for c in plan.cases] == ["b.nii.gz", "scan one.nii.gz"]


def test_backup_moves_what_would_be_replaced(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "a.nii.gz").write_bytes(b"old")
    (output / "other.nii.gz").write_bytes(b"kept")
    lines: list[str] = []
    run = PredictionRun.__new__(PredictionRun)  # only the backup: no model needed
    run.on_line = lines.append
    backup = run._back_up([output / "a.nii.gz"], output)
    assert backup.parent == tmp_path and backup.name.startswith("out.nnft-backup-")
    assert (backup / "a.nii.gz").read_bytes() == b"old"
    assert sorted(p.name for p in output.iterdir()) == ["other.nii.gz"]
    assert str(backup) in lines[0]


def test_a_plan_with_errors_never_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="preflight found errors"):
        PredictionRun(PredictionPlan())


def test_label_volumes_in_millilitres_on_a_synthetic_image_of_known_spacing(tmp_path) -> None:
    """0.5 × 0.8 × 2.5 mm voxels = 1 mm³: 1000 voxels of a label are 1 mL. Label 2 has 2650
    voxels (2.65 mL), label 3 none (0 mL), the background is not a label."""
    import numpy as np
    import SimpleITK as sitk

    array = np.zeros((20, 30, 40), dtype=np.uint8)  # (z, y, x)
    array[0:10, 0:10, 0:10] = 1  # 1000 voxels
    array[10:25, 10:25, 10:25] = 2  # 10 × 15 × 15 = 2250 voxels (cut by z = 20)
    array[0:1, 20:30, 0:40] = 2  # + 400 voxels
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.5, 0.8, 2.5))  # (x, y, z)
    path = tmp_path / "case.nii.gz"
    sitk.WriteImage(image, str(path))
    volumes = label_volumes_ml(path, {"background": 0, "liver": 1, "tumour": 2, "cyst": 3})
    assert list(volumes) == ["liver", "tumour", "cyst"]
    assert volumes["liver"] == pytest.approx(1.0)
    assert volumes["tumour"] == pytest.approx(2.65)
    assert volumes["cyst"] == 0.0
    # Another spacing, the same voxels: the volumes scale with the voxel volume.
    image.SetSpacing((1.0, 1.0, 3.0))
    sitk.WriteImage(image, str(path))
    assert label_volumes_ml(path, {"liver": 1})["liver"] == pytest.approx(3.0)
