"""The header cache (core/header_cache.py) and the remembered source model: read once per file
version, and read again whenever the file changed (size, times, or a new file put in place).

Real demo images (SimpleITK writes them) and a model folder in nnU-Net's layout. Freshly written
files are never kept (a rewrite within the timestamp granularity would keep their version), so
tests that want them kept move the cache's clock forward instead of waiting.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path

import pytest
import SimpleITK as sitk

from nnft.core import header_cache, predict
from nnft.core import problems as P
from nnft.core.header_cache import HEADER_CACHE, HeaderCache, file_version, is_settled
from nnft.core.nifti_header import read_nifti_header
from nnft.core.problems import Severity
from nnft.core.steps import resolve_source_model

from .conftest import make_plans


def _later() -> float:
    """A clock an hour ahead: every file on disk counts as settled."""
    return time.time() + 3600


class CountingReader:
    """``read_nifti_header`` that counts the files it reads."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: str):
        self.paths.append(path)
        return read_nifti_header(path)


def test_unchanged_file_is_read_once(demo) -> None:
    image = demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz"
    cache, reader = HeaderCache(clock=_later), CountingReader()
    first = cache.read("nifti_header", image, reader)
    assert first == read_nifti_header(image) and first is not None
    assert cache.read("nifti_header", image, reader) == first
    assert cache.read("nifti_header", str(image), reader) == first
    assert reader.paths == [str(image)]
    # Another kind of value of the same file has its own reader.
    assert cache.read("size", image, lambda p: os.path.getsize(p)) == image.stat().st_size
    assert reader.paths == [str(image)]


def test_file_cut_off_is_read_again(demo) -> None:
    """An interrupted copy: another size, so another version."""
    image = demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz"
    cache, reader = HeaderCache(clock=_later), CountingReader()
    cache.read("nifti_integrity", image, header_cache.read_nifti_integrity)
    assert cache.read("nifti_integrity", image, reader) is not None and reader.paths == []
    data = image.read_bytes()
    image.write_bytes(data[:len(data) // 2])
    found = cache.read("nifti_integrity", image, header_cache.read_nifti_integrity)
    assert found is not None and found.truncation is not None


def test_same_size_with_another_mtime_is_read_again(demo, tmp_path) -> None:
    """An uncompressed rewrite keeps the size; its modification time tells it apart."""
    source = demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz"
    plain = tmp_path / "plain.nii"
    sitk.WriteImage(sitk.ReadImage(str(source)), str(plain), False)
    cache, reader = HeaderCache(clock=_later), CountingReader()
    before = cache.read("nifti_header", plain, reader)
    size, mtime = plain.stat().st_size, plain.stat().st_mtime_ns
    edited = sitk.ReadImage(str(plain))
    edited.SetSpacing((2.0, 2.0, 4.0))
    sitk.WriteImage(edited, str(plain), False)
    os.utime(plain, ns=(mtime + 10**9, mtime + 10**9))  # distinct, whatever the clock's tick
    assert plain.stat().st_size == size
    after = cache.read("nifti_header", plain, reader)
    assert after == read_nifti_header(plain) and after != before
    assert len(reader.paths) == 2


def test_file_put_in_place_with_the_old_size_and_mtime_is_read_again(demo, tmp_path) -> None:
    """``rsync -a`` / ``cp -p`` over a file: size and modification time kept, new inode."""
    source = demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz"
    plain = tmp_path / "plain.nii"
    sitk.WriteImage(sitk.ReadImage(str(source)), str(plain), False)
    cache, reader = HeaderCache(clock=_later), CountingReader()
    before = cache.read("nifti_header", plain, reader)
    stat = plain.stat()
    edited = sitk.ReadImage(str(plain))
    edited.SetSpacing((2.0, 2.0, 4.0))
    staged = tmp_path / "staged.nii"
    sitk.WriteImage(edited, str(staged), False)
    os.utime(staged, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(staged, plain)
    assert (plain.stat().st_size, plain.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    after = cache.read("nifti_header", plain, reader)
    assert after == read_nifti_header(plain) and after != before
    assert len(reader.paths) == 2


def test_fresh_files_are_not_kept(demo) -> None:
    """Written less than SETTLE_SECONDS ago: read every time (a rewrite within the file
    system's timestamp tick would keep the version)."""
    image = demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz"
    version = file_version(image)
    assert version is not None
    newest = max(version[3], version[4]) / 1e9
    assert not is_settled(version, newest + 1.0) and is_settled(version, newest + 5.0)
    assert not is_settled(version, newest - 60.0)  # a server clock ahead of ours
    reader = CountingReader()
    fresh = HeaderCache(clock=lambda: newest + 1.0)
    fresh.read("nifti_header", image, reader)
    fresh.read("nifti_header", image, reader)
    assert len(reader.paths) == 2 and len(fresh) == 0
    settled = HeaderCache(clock=lambda: newest + 5.0)
    settled.read("nifti_header", image, reader)
    settled.read("nifti_header", image, reader)
    assert len(reader.paths) == 3 and len(settled) == 1


def test_missing_files_and_folders_are_not_read(demo, tmp_path) -> None:
    cache, reader = HeaderCache(clock=_later), CountingReader()
    assert cache.read("nifti_header", tmp_path / "missing.nii.gz", reader) is None
    folder = tmp_path / "folder.nii.gz"
    folder.mkdir()
    assert cache.read("nifti_header", folder, reader) is None
    assert reader.paths == []


def test_least_recently_used_files_are_forgotten(demo) -> None:
    images = sorted((demo.pretrain_raw / "imagesTr").glob("*.nii.gz"))[:3]
    cache, reader = HeaderCache(max_files=2, clock=_later), CountingReader()
    for image in images:
        cache.read("nifti_header", image, reader)
    assert len(cache) == 2
    cache.read("nifti_header", images[2], reader)  # kept
    cache.read("nifti_header", images[0], reader)  # forgotten: read again
    assert reader.paths == [str(p) for p in images] + [str(images[0])]


@pytest.fixture
def settled_cache(monkeypatch):
    """The process's cache, empty, with every file on disk settled."""
    monkeypatch.setattr(HEADER_CACHE, "clock", _later)
    HEADER_CACHE.clear()
    yield HEADER_CACHE
    HEADER_CACHE.clear()


def test_preflight_reads_each_header_once_and_sees_a_file_cut_off_later(
        demo, expect, monkeypatch, settled_cache) -> None:
    """The wizard's case: the preflight again after an invalidation. Unchanged files are not
    read again; a file cut off since is, and IMAGE_TRUNCATED names it."""
    reader = CountingReader()
    monkeypatch.setattr(header_cache, "read_nifti_header", reader)
    first = demo.preflight()
    assert P.IMAGE_TRUNCATED not in first.codes()
    files = len(list(demo.pretrain_raw.glob("*Tr/*.nii.gz"))) + len(
        list(demo.finetune_raw.glob("*Tr/*.nii.gz")))
    assert len(reader.paths) == files  # labelsTs/imagesTs are not training cases

    reader.paths.clear()
    assert demo.preflight().codes() == first.codes()
    assert reader.paths == []

    label = demo.finetune_raw / "labelsTr" / "ft_003.nii.gz"
    data = label.read_bytes()
    label.write_bytes(data[:len(data) // 2])
    expect(demo.preflight(), P.IMAGE_TRUNCATED, Severity.ERROR, str(label))
    assert reader.paths == [str(label)]


def test_preflight_sees_a_label_rewritten_on_another_grid(demo, expect, settled_cache) -> None:
    assert P.GEOMETRY_MISMATCH not in demo.preflight().codes()
    label = demo.pretrain_raw / "labelsTr" / "pt_002.nii.gz"
    edited = sitk.ReadImage(str(label))
    edited.SetSpacing((1.5, 1.0, 2.5))
    sitk.WriteImage(edited, str(label), True)
    expect(demo.preflight(), P.GEOMETRY_MISMATCH, Severity.ERROR, "pt_002", "spacing")


# -- the remembered source model ------------------------------------------------------------------
def _model(root: Path, folds: tuple[str, ...] = ("0", "1")) -> Path:
    """A model folder as nnU-Net writes it (legacy-format checkpoints: no torch needed)."""
    folder = root / "Dataset009_Other" / "nnUNetTrainer__nnUNetPlans__2d"
    folder.mkdir(parents=True)
    (folder / "plans.json").write_text(json.dumps(
        make_plans("Dataset009_Other", "nnUNetPlans", ("2d",))), encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps({
        "channel_names": {"0": "CT"}, "labels": {"background": 0, "liver": 1},
        "numTraining": 40, "file_ending": ".nii.gz"}), encoding="utf-8")
    for fold in folds:
        _add_fold(folder, fold)
    return folder


def _add_fold(folder: Path, fold: str) -> None:
    (folder / f"fold_{fold}").mkdir()
    (folder / f"fold_{fold}" / "checkpoint_final.pth").write_bytes(b"legacy checkpoint")


class CountingResolver:
    """``predict.resolve_model`` (what resolve_source_model reads the model with), counted."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = predict.resolve_model

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.fixture
def resolver(monkeypatch, settled_cache) -> CountingResolver:
    counting = CountingResolver()
    monkeypatch.setattr(predict, "resolve_model", counting)
    return counting


def test_source_model_is_read_once_and_again_when_a_fold_finishes(demo, tmp_path,
                                                                 resolver) -> None:
    folder = _model(tmp_path / "models")
    model, notes = resolve_source_model(demo.workspace, folder)
    assert model is not None and model.fold == "0" and model.folds == ("0", "1")
    assert [p.code for p in notes] == [P.SOURCE_MODEL_FOLD]
    again, _ = resolve_source_model(demo.workspace, folder)
    assert again == model and resolver.calls == 1
    # Each caller gets its own plans: a change to one answer is not in the next.
    again.plans["configurations"]["2d"]["patch_size"] = [1, 1]
    third, _ = resolve_source_model(demo.workspace, folder)
    assert third == model and third.plans != again.plans and resolver.calls == 1

    _add_fold(folder, "all")  # a finished fold_all is the one the fine-tuning starts from
    model, _ = resolve_source_model(demo.workspace, folder)
    assert model is not None and model.fold == "all" and resolver.calls == 2


def test_source_model_checkpoint_rewritten_is_read_again(demo, tmp_path, resolver) -> None:
    """A checkpoint cut off (a copy interrupted) makes its fold unfinished."""
    folder = _model(tmp_path / "models", folds=("0",))
    model, _ = resolve_source_model(demo.workspace, folder)
    assert model is not None and model.folds == ("0",)
    (folder / "fold_0" / "checkpoint_final.pth").write_bytes(b"")
    model, problems = resolve_source_model(demo.workspace, folder)
    assert model is None and [p.code for p in problems] == [P.MODEL_INCOMPLETE]
    assert resolver.calls == 2


def test_source_model_zip_replaced_is_read_again(demo, tmp_path, resolver) -> None:
    folder = _model(tmp_path / "models", folds=("0",))
    archive_path = tmp_path / "model.zip"

    def pack(dataset: str) -> None:
        """The model as nnUNetv2_export_model_to_zip lays it out, put in place by a rename."""
        staged = tmp_path / "staged.zip"
        with zipfile.ZipFile(staged, "w") as archive:
            for path in folder.rglob("*"):
                if path.is_file():
                    archive.write(path, f"{dataset}/{folder.name}/"
                                        f"{path.relative_to(folder).as_posix()}")
        os.replace(staged, archive_path)

    pack("Dataset009_Other")
    model, _ = resolve_source_model(demo.workspace, archive_path)
    assert model is not None and model.dataset_name == "Dataset009_Other"
    assert resolve_source_model(demo.workspace, archive_path)[0] == model
    assert resolver.calls == 1
    pack("Dataset010_Renamed")
    model, _ = resolve_source_model(demo.workspace, archive_path)
    assert model is not None and model.dataset_name == "Dataset010_Renamed"
    assert resolver.calls == 2


def test_source_model_without_results_folder_still_says_what_is_wrong(demo, tmp_path) -> None:
    """The memo's key must not need nnUNet_results: a wrong path is reported as before."""
    from nnft.core.workspace import Workspace

    workspace = Workspace(demo.raw, demo.preprocessed, None)
    model, problems = resolve_source_model(workspace, tmp_path / "missing")
    assert model is None and [p.code for p in problems] == [P.MODEL_NOT_FOUND]
