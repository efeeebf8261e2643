"""A small synthetic nnU-Net v2 workspace: two datasets for a pretraining → fine-tuning demo.

New users get something to click through without their own data, and the tests get a chain that
the real nnU-Net commands can plan, preprocess and train on a CPU in about a minute.

The layout follows nnU-Net v2's conventions exactly (``nnUNet_raw/DatasetXXX_Name`` with
``dataset.json``, ``imagesTr/CASE_0000.nii.gz`` and ``labelsTr/CASE.nii.gz``), so nothing in nnFT
needs to treat the demo specially.

The two datasets deliberately differ in image size and voxel spacing, so that nnU-Net plans a
different patch size and target spacing for each; that is what a plans transfer is for. Their label
sets differ as well (the fine-tuning dataset has no lesion), which nnU-Net allows because the
segmentation head is not transferred.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk

__all__ = ["DemoWorkspace", "write_demo_workspace"]

_PRETRAIN_NAME = "DemoPretrain"
_FINETUNE_NAME = "DemoFinetune"
_FILE_ENDING = ".nii.gz"
_CHANNEL_NAMES = {"0": "CT"}
_PRETRAIN_LABELS = {"background": 0, "organ": 1, "lesion": 2}
_FINETUNE_LABELS = {"background": 0, "organ": 1}

# Image size (x, y, z) in voxels and spacing (x, y, z) in mm. The two datasets must differ in both,
# otherwise nnU-Net would plan identical configurations and a plans transfer would show nothing.
_PRETRAIN_SIZE = (56, 56, 36)
_PRETRAIN_SPACING = (1.0, 1.0, 2.5)
_FINETUNE_SIZE = (48, 48, 32)
_FINETUNE_SPACING = (0.8, 0.8, 2.0)

# Separate random streams per dataset, so that case ``i`` of one dataset does not depend on how many
# cases the other one has.
_PRETRAIN_STREAM = 1
_FINETUNE_STREAM = 2
#: Held-out test cases: a third element in the seed sequence.
_TEST_STREAM = 3


@dataclass(frozen=True)
class DemoWorkspace:
    """Where :func:`write_demo_workspace` put the demo datasets.

    Attributes
    ----------
    root : Path
        The folder that was given.
    raw : Path
        ``root / "nnUNet_raw"``, holding both datasets; use it as ``nnUNet_raw``.
    preprocessed : Path
        ``root / "nnUNet_preprocessed"`` (created empty); use it as ``nnUNet_preprocessed``.
    results : Path
        ``root / "nnUNet_results"`` (created empty); use it as ``nnUNet_results``.
    pretrain_id, finetune_id : int
        nnU-Net dataset ids of the pretraining and the fine-tuning dataset.
    pretrain_name, finetune_name : str
        Their folder names, e.g. ``"Dataset001_DemoPretrain"``.
    """

    root: Path
    raw: Path
    preprocessed: Path
    results: Path
    pretrain_id: int
    finetune_id: int
    pretrain_name: str
    finetune_name: str


def write_demo_workspace(
    root: Path | str,
    *,
    pretrain_id: int = 1,
    finetune_id: int = 2,
    n_pretrain: int = 12,
    n_finetune: int = 6,
    n_finetune_test: int = 3,
    seed: int = 0,
) -> DemoWorkspace:
    """Write a synthetic pretraining and a fine-tuning dataset in nnU-Net v2 layout.

    Creates ``root/nnUNet_raw`` with ``Dataset{pretrain_id:03d}_DemoPretrain`` (labels background,
    organ, lesion; 3D CT-like images of 56×56×36 voxels at 1.0×1.0×2.5 mm) and
    ``Dataset{finetune_id:03d}_DemoFinetune`` (labels background, organ; 48×48×32 voxels at
    0.8×0.8×2.0 mm), plus empty ``root/nnUNet_preprocessed`` and ``root/nnUNet_results``.
    Every label occurs in every case. The fine-tuning dataset also gets held-out test cases
    (``imagesTs/ft_test_XXX_0000.nii.gz`` with ``labelsTs/ft_test_XXX.nii.gz``, never trained
    on), so a prediction can be tried and its Dice measured (``nnft predict --labels``).

    Parameters
    ----------
    root : Path or str
        Folder for the workspace; created if missing. It may already hold other nnU-Net datasets.
    pretrain_id, finetune_id : int
        Dataset ids (1-999) for the two datasets; they must differ.
    n_pretrain, n_finetune : int
        Number of training cases per dataset (at least 1). nnU-Net's default 5-fold
        cross-validation needs at least 5.
    n_finetune_test : int
        Number of held-out test cases of the fine-tuning dataset (0: no ``imagesTs``).
    seed : int
        Seed of the random generator. The same seed gives the same voxel data.

    Returns
    -------
    DemoWorkspace
        The folders and dataset names that were written.

    Raises
    ------
    ValueError
        If an id is out of range, both ids are equal, a case count is below 1 or the seed is
        negative.
    FileExistsError
        If a dataset folder with either id already exists in any of the three nnU-Net folders.
        Nothing is written in that case.
    """
    for what, dataset_id in (("pretrain_id", pretrain_id), ("finetune_id", finetune_id)):
        if not 1 <= dataset_id <= 999:
            raise ValueError(
                f"{what} must be between 1 and 999 (nnU-Net uses 3 digits), got {dataset_id}"
            )
    if pretrain_id == finetune_id:
        raise ValueError(f"pretrain_id and finetune_id must differ, both are {pretrain_id}")
    for what, n in (("n_pretrain", n_pretrain), ("n_finetune", n_finetune)):
        if n < 1:
            raise ValueError(f"{what} must be at least 1, got {n}")
    if n_finetune_test < 0:
        raise ValueError(f"n_finetune_test must be 0 or more, got {n_finetune_test}")
    if seed < 0:
        # numpy's SeedSequence rejects negative entropy; say so in our terms.
        raise ValueError(f"seed must be 0 or positive, got {seed}")

    root = Path(root)
    ws = DemoWorkspace(
        root=root,
        raw=root / "nnUNet_raw",
        preprocessed=root / "nnUNet_preprocessed",
        results=root / "nnUNet_results",
        pretrain_id=pretrain_id,
        finetune_id=finetune_id,
        pretrain_name=f"Dataset{pretrain_id:03d}_{_PRETRAIN_NAME}",
        finetune_name=f"Dataset{finetune_id:03d}_{_FINETUNE_NAME}",
    )

    # Check both ids before writing anything, so a refused call leaves no trace. nnU-Net resolves
    # a dataset by its id alone, so a folder with another name but the same id clashes just as well.
    for dataset_id in (pretrain_id, finetune_id):
        for folder in (ws.raw, ws.preprocessed, ws.results):
            clash = _existing_dataset_folder(folder, dataset_id)
            if clash is not None:
                raise FileExistsError(
                    f"{clash} already exists; the demo never overwrites data. Pick another folder "
                    f"(or other dataset ids), or delete {clash} first."
                )

    for folder in (ws.raw, ws.preprocessed, ws.results):
        folder.mkdir(parents=True, exist_ok=True)

    _write_dataset(
        ws.raw / ws.pretrain_name,
        case_prefix="pt",
        n_cases=n_pretrain,
        size=_PRETRAIN_SIZE,
        spacing=_PRETRAIN_SPACING,
        labels=_PRETRAIN_LABELS,
        seed=(seed, _PRETRAIN_STREAM),
        description="Synthetic nnFT demo data (pretraining): CT-like ellipsoid organ and lesion.",
    )
    _write_dataset(
        ws.raw / ws.finetune_name,
        case_prefix="ft",
        n_cases=n_finetune,
        size=_FINETUNE_SIZE,
        spacing=_FINETUNE_SPACING,
        labels=_FINETUNE_LABELS,
        seed=(seed, _FINETUNE_STREAM),
        description="Synthetic nnFT demo data (fine-tuning): CT-like ellipsoid organ.",
        n_test_cases=n_finetune_test,
    )
    return ws


def _existing_dataset_folder(folder: Path, dataset_id: int) -> Path | None:
    """Return a ``DatasetXXX_*`` folder in ``folder`` with this id, or None."""
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob(f"Dataset{dataset_id:03d}_*")):
        if path.is_dir():
            return path
    return None


def _write_cases(images: Path, labels_dir: Path, cases: list[tuple[str, list[int]]],
                 size: tuple[int, int, int], spacing: tuple[float, float, float],
                 labels: dict[str, int]) -> None:
    """Write each ``(case, seed)`` as ``images/<case>_0000`` and ``labels_dir/<case>``."""
    images.mkdir()
    labels_dir.mkdir()
    for case, case_seed in cases:
        rng = np.random.default_rng(case_seed)
        image, seg = _make_case(rng, size, spacing, with_lesion="lesion" in labels)
        missing = set(labels.values()) - set(np.unique(seg).tolist())
        if missing:  # cannot happen by construction; nnU-Net would fail later and less clearly
            raise RuntimeError(f"demo case {case} lacks labels {sorted(missing)}")
        _write_nifti(image, spacing, images / f"{case}_0000{_FILE_ENDING}")
        _write_nifti(seg, spacing, labels_dir / f"{case}{_FILE_ENDING}")


def _write_dataset(
    target: Path,
    *,
    case_prefix: str,
    n_cases: int,
    size: tuple[int, int, int],
    spacing: tuple[float, float, float],
    labels: dict[str, int],
    seed: tuple[int, int],
    description: str,
    n_test_cases: int = 0,
) -> None:
    """Write one dataset into a hidden temporary sibling, then rename it to ``target``.

    The rename is atomic on one file system, so an interrupted run leaves no half dataset that
    nnU-Net would pick up (it only looks at folders starting with ``Dataset``).
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        # One generator per case: case i is the same whatever n_cases is. The test cases have a
        # stream of their own (a longer seed sequence than the training cases'): the training
        # cases stay exactly what they were before test cases existed.
        _write_cases(tmp / "imagesTr", tmp / "labelsTr",
                     [(f"{case_prefix}_{i + 1:03d}", [*seed, i]) for i in range(n_cases)],
                     size, spacing, labels)
        if n_test_cases:
            _write_cases(tmp / "imagesTs", tmp / "labelsTs",
                         [(f"{case_prefix}_test_{i + 1:03d}", [*seed, _TEST_STREAM, i])
                          for i in range(n_test_cases)], size, spacing, labels)
        dataset_json = {
            "channel_names": _CHANNEL_NAMES,
            "labels": labels,
            "numTraining": n_cases,
            "file_ending": _FILE_ENDING,
            "name": target.name.split("_", 1)[1],
            "description": description,
            "reference": "nnFT (generated by nnft.core.demo)",
            "licence": "CC0-1.0",
        }
        with open(tmp / "dataset.json", "w", encoding="utf-8") as f:
            json.dump(dataset_json, f, indent=2)
            f.write("\n")
        # mkdtemp makes the folder private (0700); give it the usual permissions of a new folder.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        # os.rename (not Path.replace) refuses to replace a non-empty folder that appeared
        # meanwhile instead of silently merging into it.
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _make_case(
    rng: np.random.Generator,
    size: tuple[int, int, int],
    spacing: tuple[float, float, float],
    *,
    with_lesion: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw one CT-like image (int16, HU) and its segmentation (uint8), both as (z, y, x) arrays.

    Body: an elliptic cylinder of soft tissue (~30 HU) in air (~-1000 HU). Organ (label 1): a
    rotated ellipsoid of ~100-150 HU. Lesion (label 2, optional): a hypodense sphere (~40 HU)
    inside the organ.
    Shapes are drawn relative to the field of view so that both datasets look alike at their own
    resolution.
    """
    nx, ny, nz = size
    sx, sy, sz = spacing
    extent = np.array([nx * sx, ny * sy, nz * sz])  # field of view in mm (x, y, z)
    # Voxel centres in mm, centred on the middle of the volume; (z, y, x) to match SimpleITK arrays.
    z, y, x = np.meshgrid(
        (np.arange(nz) - (nz - 1) / 2) * sz,
        (np.arange(ny) - (ny - 1) / 2) * sy,
        (np.arange(nx) - (nx - 1) / 2) * sx,
        indexing="ij",
    )

    # Body cross-section, the same on every slice like a trunk.
    body_axes = extent[:2] / 2 * rng.uniform([0.76, 0.64], [0.9, 0.8])
    body = (x / body_axes[0]) ** 2 + (y / body_axes[1]) ** 2 <= 1.0

    # Organ: well inside the body, rotated about z so the cases are not all aligned.
    organ_axes = extent / 2 * rng.uniform([0.28, 0.26, 0.4], [0.38, 0.34, 0.6])
    organ_centre = extent / 2 * rng.uniform([-0.12, -0.1, -0.12], [0.12, 0.1, 0.12])
    angle = rng.uniform(-np.pi / 6, np.pi / 6)
    dx, dy, dz = x - organ_centre[0], y - organ_centre[1], z - organ_centre[2]
    u = np.cos(angle) * dx + np.sin(angle) * dy
    v = -np.sin(angle) * dx + np.cos(angle) * dy
    organ_r2 = (u / organ_axes[0]) ** 2 + (v / organ_axes[1]) ** 2 + (dz / organ_axes[2]) ** 2
    organ = organ_r2 <= 1.0

    # Air with scanner noise, clipped into the -1000..-800 HU range of air/fat.
    image = np.clip(rng.normal(-980.0, 40.0, z.shape), -1024.0, -800.0)
    image[body] = rng.normal(30.0, 12.0, int(body.sum()))
    image[organ] = rng.normal(rng.uniform(110.0, 140.0), 10.0, int(organ.sum()))
    seg = organ.astype(np.uint8)

    if with_lesion:
        # Centre within 30 % of the organ's semi-axes (in its rotated frame) and radius 40-55 % of
        # the organ's smallest semi-axis: the sphere always covers voxels, and mostly stays inside.
        # Clipping to the organ keeps the label honest where it does not.
        offset = organ_axes * rng.uniform(-0.3, 0.3, 3)
        lesion_centre = organ_centre + np.array(
            [
                np.cos(angle) * offset[0] - np.sin(angle) * offset[1],
                np.sin(angle) * offset[0] + np.cos(angle) * offset[1],
                offset[2],
            ]
        )
        radius = organ_axes.min() * rng.uniform(0.4, 0.55)
        lesion = organ & (
            (x - lesion_centre[0]) ** 2 + (y - lesion_centre[1]) ** 2 + (z - lesion_centre[2]) ** 2
            <= radius**2
        )
        image[lesion] = rng.normal(40.0, 8.0, int(lesion.sum()))
        seg[lesion] = 2

    return np.rint(image).astype(np.int16), seg


def _write_nifti(array: np.ndarray, spacing: tuple[float, float, float], path: Path) -> None:
    """Write a (z, y, x) array as NIfTI with the given (x, y, z) spacing.

    Origin and direction are fixed, so an image and its label always share the geometry that
    nnU-Net's integrity check compares.
    """
    img = sitk.GetImageFromArray(array)
    img.SetSpacing(spacing)
    img.SetOrigin((0.0, 0.0, 0.0))
    img.SetDirection((1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))
    sitk.WriteImage(img, str(path), useCompression=True)
