"""Tests for the synthetic demo workspace (nnft.core.demo)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from nnft.core import demo
from nnft.core.demo import DemoWorkspace, write_demo_workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> DemoWorkspace:
    # One workspace for all read-only tests: writing it is the slow part.
    return write_demo_workspace(tmp_path_factory.mktemp("demo"))


def _datasets(ws: DemoWorkspace) -> list[tuple[Path, str, int, dict[str, int]]]:
    return [
        (ws.raw / ws.pretrain_name, "pt", 12, {"background": 0, "organ": 1, "lesion": 2}),
        (ws.raw / ws.finetune_name, "ft", 6, {"background": 0, "organ": 1}),
    ]


def _cases(folder: Path) -> list[str]:
    return sorted(p.name[: -len(".nii.gz")] for p in (folder / "labelsTr").iterdir())


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_returned_paths_and_names(ws: DemoWorkspace) -> None:
    assert ws.raw == ws.root / "nnUNet_raw"
    assert ws.preprocessed == ws.root / "nnUNet_preprocessed"
    assert ws.results == ws.root / "nnUNet_results"
    assert (ws.pretrain_id, ws.finetune_id) == (1, 2)
    assert ws.pretrain_name == "Dataset001_DemoPretrain"
    assert ws.finetune_name == "Dataset002_DemoFinetune"
    # Nothing but the two datasets in raw (no leftover temporary folders); the others are empty.
    assert sorted(p.name for p in ws.raw.iterdir()) == [ws.pretrain_name, ws.finetune_name]
    assert list(ws.preprocessed.iterdir()) == []
    assert list(ws.results.iterdir()) == []


def test_files_exist_with_right_counts(ws: DemoWorkspace) -> None:
    for folder, prefix, n, _ in _datasets(ws):
        assert (folder / "dataset.json").is_file()
        cases = [f"{prefix}_{i:03d}" for i in range(1, n + 1)]
        assert sorted(p.name for p in (folder / "imagesTr").iterdir()) == [
            f"{c}_0000.nii.gz" for c in cases
        ]
        assert sorted(p.name for p in (folder / "labelsTr").iterdir()) == [
            f"{c}.nii.gz" for c in cases
        ]


def test_dataset_json_is_valid(ws: DemoWorkspace) -> None:
    for folder, _, n, labels in _datasets(ws):
        dj = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
        assert dj["channel_names"] == {"0": "CT"}
        assert dj["labels"] == labels
        assert sorted(dj["labels"].values()) == list(range(len(labels)))
        assert dj["labels"]["background"] == 0
        assert dj["numTraining"] == n == len(_cases(folder))
        assert dj["file_ending"] == ".nii.gz"
        assert "synthetic" in dj["description"].lower()
        assert "nnft" in dj["description"].lower()


def test_image_and_label_geometry_match(ws: DemoWorkspace) -> None:
    for folder, _, _, _ in _datasets(ws):
        for case in _cases(folder):
            img = sitk.ReadImage(str(folder / "imagesTr" / f"{case}_0000.nii.gz"))
            seg = sitk.ReadImage(str(folder / "labelsTr" / f"{case}.nii.gz"))
            assert img.GetDimension() == seg.GetDimension() == 3
            assert img.GetSize() == seg.GetSize()
            assert img.GetSpacing() == seg.GetSpacing()
            assert img.GetOrigin() == seg.GetOrigin()
            assert img.GetDirection() == seg.GetDirection()
            assert img.GetPixelID() == sitk.sitkInt16
            assert seg.GetPixelID() == sitk.sitkUInt8


def test_every_label_occurs_in_every_case(ws: DemoWorkspace) -> None:
    for folder, _, _, labels in _datasets(ws):
        for case in _cases(folder):
            seg = sitk.GetArrayFromImage(
                sitk.ReadImage(str(folder / "labelsTr" / f"{case}.nii.gz"))
            )
            assert set(np.unique(seg).tolist()) == set(labels.values()), case


def test_intensities_are_ct_like(ws: DemoWorkspace) -> None:
    folder = ws.raw / ws.pretrain_name
    case = _cases(folder)[0]
    img = sitk.GetArrayFromImage(sitk.ReadImage(str(folder / "imagesTr" / f"{case}_0000.nii.gz")))
    seg = sitk.GetArrayFromImage(sitk.ReadImage(str(folder / "labelsTr" / f"{case}.nii.gz")))
    assert img.min() >= -1024
    assert img.max() < 300
    assert 100 <= np.mean(img[seg == 1]) <= 150  # organ
    assert 20 <= np.mean(img[seg == 2]) <= 60  # lesion
    assert np.median(img[seg == 0]) < -500  # mostly air around the body


def test_datasets_differ_in_spacing_and_size(ws: DemoWorkspace) -> None:
    def geometry(folder: Path) -> set[tuple]:
        out = set()
        for p in (folder / "imagesTr").iterdir():
            img = sitk.ReadImage(str(p))
            out.add((img.GetSize(), img.GetSpacing()))
        return out

    pre = geometry(ws.raw / ws.pretrain_name)
    fine = geometry(ws.raw / ws.finetune_name)
    assert len(pre) == len(fine) == 1  # uniform within a dataset
    (pre_size, pre_spacing), (fine_size, fine_spacing) = pre.pop(), fine.pop()
    assert pre_spacing != fine_spacing
    assert pre_size != fine_size


def test_cases_differ_from_each_other(ws: DemoWorkspace) -> None:
    folder = ws.raw / ws.pretrain_name
    segs = [
        sitk.GetArrayFromImage(sitk.ReadImage(str(folder / "labelsTr" / f"{c}.nii.gz")))
        for c in _cases(folder)[:3]
    ]
    assert not np.array_equal(segs[0], segs[1])
    assert not np.array_equal(segs[1], segs[2])


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = write_demo_workspace(tmp_path / "a", n_pretrain=3, n_finetune=2, seed=7)
    b = write_demo_workspace(tmp_path / "b", n_pretrain=3, n_finetune=2, seed=7)
    c = write_demo_workspace(tmp_path / "c", n_pretrain=3, n_finetune=2, seed=8)
    files_a = sorted(p.relative_to(a.root) for p in a.root.rglob("*.nii.gz"))
    assert files_a == sorted(p.relative_to(b.root) for p in b.root.rglob("*.nii.gz"))
    assert len(files_a) == 2 * (3 + 2 + 3)  # + the fine-tuning dataset's 3 test cases
    differs_from_other_seed = False
    for rel in files_a:
        arr_a = sitk.GetArrayFromImage(sitk.ReadImage(str(a.root / rel)))
        arr_b = sitk.GetArrayFromImage(sitk.ReadImage(str(b.root / rel)))
        arr_c = sitk.GetArrayFromImage(sitk.ReadImage(str(c.root / rel)))
        np.testing.assert_array_equal(arr_a, arr_b)
        differs_from_other_seed |= not np.array_equal(arr_a, arr_c)
    assert differs_from_other_seed
    for name in (a.pretrain_name, a.finetune_name):
        assert (a.raw / name / "dataset.json").read_bytes() == (
            b.raw / name / "dataset.json"
        ).read_bytes()


def test_case_does_not_depend_on_case_count(tmp_path: Path) -> None:
    few = write_demo_workspace(tmp_path / "few", n_pretrain=2, n_finetune=1)
    many = write_demo_workspace(tmp_path / "many", n_pretrain=4, n_finetune=3)
    for rel in (
        "Dataset001_DemoPretrain/labelsTr/pt_002.nii.gz",
        "Dataset002_DemoFinetune/imagesTr/ft_001_0000.nii.gz",
    ):
        np.testing.assert_array_equal(
            sitk.GetArrayFromImage(sitk.ReadImage(str(few.raw / rel))),
            sitk.GetArrayFromImage(sitk.ReadImage(str(many.raw / rel))),
        )


def test_second_call_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    first = write_demo_workspace(tmp_path, n_pretrain=2, n_finetune=2)
    before = _snapshot(tmp_path)
    with pytest.raises(FileExistsError) as err:
        write_demo_workspace(tmp_path, n_pretrain=2, n_finetune=2, seed=1)
    message = str(err.value)
    assert first.pretrain_name in message
    assert "another folder" in message and "delete" in message
    assert _snapshot(tmp_path) == before
    # No hidden temporary folders left behind either.
    assert sorted(p.name for p in first.raw.iterdir()) == [first.pretrain_name, first.finetune_name]


@pytest.mark.parametrize("where", ["nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"])
def test_refuses_any_folder_with_the_same_id(tmp_path: Path, where: str) -> None:
    clash = tmp_path / where / "Dataset002_SomethingElse"
    clash.mkdir(parents=True)
    (clash / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="Dataset002_SomethingElse"):
        write_demo_workspace(tmp_path)
    # Refused before writing anything: not even the pretraining dataset (id 1) was written.
    assert not list(tmp_path.rglob("Dataset001_*"))
    assert (clash / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_other_ids_in_the_same_root_are_fine(tmp_path: Path) -> None:
    write_demo_workspace(tmp_path, n_pretrain=1, n_finetune=1)
    ws = write_demo_workspace(tmp_path, pretrain_id=11, finetune_id=12, n_pretrain=1, n_finetune=1)
    assert ws.pretrain_name == "Dataset011_DemoPretrain"
    assert ws.finetune_name == "Dataset012_DemoFinetune"
    assert len(list(ws.raw.glob("Dataset*"))) == 4


def test_interrupted_run_leaves_no_half_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = demo._write_nifti
    calls = 0

    def failing_write(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real_write(*args, **kwargs)

    monkeypatch.setattr(demo, "_write_nifti", failing_write)
    with pytest.raises(KeyboardInterrupt):
        write_demo_workspace(tmp_path, n_pretrain=3, n_finetune=2)
    assert list((tmp_path / "nnUNet_raw").iterdir()) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pretrain_id": 0},
        {"finetune_id": 1000},
        {"pretrain_id": 5, "finetune_id": 5},
        {"n_pretrain": 0},
        {"n_finetune": -1},
        {"seed": -1},
    ],
)
def test_invalid_arguments(tmp_path: Path, kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        write_demo_workspace(tmp_path, **kwargs)
    assert not (tmp_path / "nnUNet_raw").exists()


def test_passes_nnunet_integrity_check(ws: DemoWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    # nnU-Net reads these at import time and in its worker processes; point them at the demo.
    monkeypatch.setenv("nnUNet_raw", str(ws.raw))
    monkeypatch.setenv("nnUNet_preprocessed", str(ws.preprocessed))
    monkeypatch.setenv("nnUNet_results", str(ws.results))
    from nnunetv2.experiment_planning.verify_dataset_integrity import verify_dataset_integrity

    for folder, _, _, _ in _datasets(ws):
        verify_dataset_integrity(str(folder), num_processes=2)


def test_finetune_dataset_has_held_out_test_cases(ws: DemoWorkspace, tmp_path: Path) -> None:
    """imagesTs/labelsTs of the fine-tuning dataset: 3 cases of the same generator, labelled,
    none equal to a training case; the training cases do not depend on them."""
    folder = ws.raw / ws.finetune_name
    cases = [f"ft_test_{i:03d}" for i in (1, 2, 3)]
    assert sorted(p.name for p in (folder / "imagesTs").iterdir()) == [
        f"{c}_0000.nii.gz" for c in cases]
    assert sorted(p.name for p in (folder / "labelsTs").iterdir()) == [
        f"{c}.nii.gz" for c in cases]
    assert not (ws.raw / ws.pretrain_name / "imagesTs").exists()
    train = sitk.ReadImage(str(folder / "imagesTr" / "ft_001_0000.nii.gz"))
    for case in cases:
        image = sitk.ReadImage(str(folder / "imagesTs" / f"{case}_0000.nii.gz"))
        seg = sitk.ReadImage(str(folder / "labelsTs" / f"{case}.nii.gz"))
        assert image.GetSize() == train.GetSize() == seg.GetSize()
        assert image.GetSpacing() == train.GetSpacing() == seg.GetSpacing()
        assert set(np.unique(sitk.GetArrayFromImage(seg)).tolist()) == {0, 1}
        assert not np.array_equal(sitk.GetArrayFromImage(image), sitk.GetArrayFromImage(train))
    without = write_demo_workspace(tmp_path / "no tests", n_pretrain=1, n_finetune=2,
                                   n_finetune_test=0)
    other = without.raw / without.finetune_name
    assert not (other / "imagesTs").exists()
    for name in ("imagesTr/ft_001_0000.nii.gz", "labelsTr/ft_002.nii.gz"):
        np.testing.assert_array_equal(
            sitk.GetArrayFromImage(sitk.ReadImage(str(other / name))),
            sitk.GetArrayFromImage(sitk.ReadImage(str(folder / name))))
