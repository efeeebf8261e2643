"""Will the preprocessed data fit? An estimate before preprocessing starts (DISK_SPACE_LOW).

nnU-Net's preprocessing writes every case resampled to the plans' target spacing as float32
per channel plus its segmentation (``CASE.b2nd``, ``CASE_seg.b2nd``, ``CASE.pkl``) and copies
the raw labels to ``gt_segmentations/``. A disk that fills up half way ends in "No space left
on device" or blosc2's "Error while creating the NDArray" deep inside a multiprocessing
traceback; this module says it before anything starts, with both figures.

The estimate is an upper bound: blosc2 compresses the data (how much depends on the images),
and nnU-Net crops each case to its nonzero region first. So too little space for the
uncompressed estimate is a warning; an error only when even a generous compression would not
make it fit (:data:`BEST_COMPRESSION`).
"""

from __future__ import annotations

import gzip
import math
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import problems as P
from .datasets import DatasetInfo
from .i18n import text
from .nifti_header import is_nifti
from .problems import Problem

#: Bytes per voxel of a preprocessed image channel (float32) and of the segmentation (int16).
IMAGE_BYTES_PER_VOXEL = 4
SEGMENTATION_BYTES_PER_VOXEL = 2
#: nnU-Net's margins: the properties files (class locations of sampled foreground voxels)
#: and the file system's rounding, as a fraction of the data.
MARGIN = 0.10
#: Free space below estimate / this factor is an error: blosc2 would have to compress the
#: data more than this to fit. Measured: the synthetic demo data (large uniform regions)
#: compresses 7.6× (2.9 MB estimated, 0.39 MB written for Dataset002, 2d); real scans
#: compress less, so 10× leaves room and an error is never raised for data that would fit.
BEST_COMPRESSION = 10.0
#: NIfTI's spacing units (``xyzt_units & 7``) in millimetres, as ITK converts them.
_NIFTI_UNIT_MM = {1: 1000.0, 2: 1.0, 3: 0.001}
#: nnU-Net's spacing of the fake first axis of 2d images.
SPACING_OF_2D_AXIS = 999.0


def size_text(size_bytes: float) -> str:
    """``12.3 MB`` or ``4.56 GB`` (decimal units, as disk tools show them)."""
    if abs(size_bytes) < 1e9:
        return text("{megabytes:.1f} MB", megabytes=size_bytes / 1e6)
    return text("{gigabytes:.2f} GB", gigabytes=size_bytes / 1e9)


@dataclass(frozen=True)
class SpaceEstimate:
    """Bytes one dataset's preprocessing writes (upper bound) and from how many cases."""

    dataset: str
    cases: int
    bytes_needed: int


def _target_spacing(plans: dict | None, configuration: str) -> tuple[list[float], list[int]] | None:
    """The configuration's target spacing and the plans' ``transpose_forward`` (None without
    plans: the raw size is taken)."""
    if not isinstance(plans, dict) or not isinstance(plans.get("configurations"), dict):
        return None
    configurations = plans["configurations"]
    config: Any = configurations.get(configuration)
    seen = 0
    while isinstance(config, dict) and "spacing" not in config and seen < 5:
        config, seen = configurations.get(str(config.get("inherits_from", ""))), seen + 1
    if not isinstance(config, dict):
        return None
    try:  # a malformed plans file is another check's problem: then the raw size is taken
        spacing = [float(s) for s in config["spacing"]]
        transpose = [int(a) for a in plans.get("transpose_forward", [0, 1, 2])]
    except (KeyError, TypeError, ValueError):
        return None
    if (sorted(transpose) != [0, 1, 2] or len(spacing) not in (2, 3)
            or not all(math.isfinite(s) and s > 0 for s in spacing)):
        return None
    return spacing, transpose


def _voxels_at(size: tuple[int, ...], spacing: tuple[float, ...],
               target: tuple[list[float], list[int]] | None) -> int:
    """Voxels of an image of this SimpleITK size/spacing after nnU-Net's resampling."""
    shape = list(reversed(size))  # SimpleITK's x, y, z → numpy's z, y, x, as nnU-Net reads
    spacings = list(reversed(spacing))
    if len(shape) == 2:
        shape, spacings = [1, *shape], [SPACING_OF_2D_AXIS, *spacings]
    if target is None or len(shape) != 3:
        return math.prod(shape)
    target_spacing, transpose = target
    shape = [shape[a] for a in transpose]
    spacings = [spacings[a] for a in transpose]
    if len(target_spacing) == 2:  # 2d: the first axis is not resampled
        target_spacing = [spacings[0], *target_spacing]
    return math.prod(max(1, round(n * s / t))
                     for n, s, t in zip(shape, spacings, target_spacing, strict=True))


def nifti_size_and_spacing(path: str | Path) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
    """Size and spacing (mm) from a NIfTI-1/2 header, as SimpleITK reports them, reading only
    the first 540 bytes (~0.05 ms a file; SimpleITK's ``ReadImageInformation`` ~1.3-3 ms:
    which on a 4,000-case dataset would be 12 s of preflight). None: ask SimpleITK."""
    try:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rb") as handle:
            head = handle.read(540)
    except (OSError, EOFError, zlib.error):
        return None
    for endian in ("<", ">"):
        if len(head) >= 348 and struct.unpack(endian + "i", head[:4])[0] == 348:
            dims: tuple = struct.unpack(endian + "8h", head[40:56])
            pixdim: tuple = struct.unpack(endian + "8f", head[76:108])
            units = head[123]
            break
        if len(head) >= 540 and struct.unpack(endian + "i", head[:4])[0] == 540:
            dims = struct.unpack(endian + "8q", head[16:80])
            pixdim = struct.unpack(endian + "8d", head[104:168])
            units = struct.unpack(endian + "i", head[500:504])[0]
            break
    else:
        return None
    n = min(int(dims[0]), 3)  # SimpleITK reads the spatial axes; a 4th is channels/time
    if not 1 <= n or any(d < 1 for d in dims[1:n + 1]):
        return None
    scale = _NIFTI_UNIT_MM.get(units & 7, 1.0)
    spacing = tuple(abs(float(p)) * scale or 1.0 for p in pixdim[1:n + 1])
    return tuple(int(d) for d in dims[1:n + 1]), spacing


def _size_and_spacing(path: str) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
    """From the NIfTI header directly, else from SimpleITK's header read."""
    if is_nifti(path):
        found = nifti_size_and_spacing(path)
        if found is not None:
            return found
    import SimpleITK as sitk  # ~0.3 s to import: only for images that are not NIfTI

    reader = sitk.ImageFileReader()
    try:
        reader.SetFileName(path)
        reader.ReadImageInformation()
    except RuntimeError:
        return None  # an unreadable image is another check's problem
    return tuple(reader.GetSize()), tuple(reader.GetSpacing())


def estimate_preprocessed_bytes(info: DatasetInfo, plans: dict | None,
                                configuration: str) -> SpaceEstimate:
    """What preprocessing ``info`` with ``plans``' configuration writes, at most.

    Parameters
    ----------
    info
        The raw dataset (its case list).
    plans
        The plans the data is made with; None when they do not exist yet (then the raw size is
        taken: nnU-Net's target spacing is the dataset's median spacing).
    configuration
        The configuration preprocessed.

    Returns
    -------
    SpaceEstimate
        Cases × voxels at the target spacing × (4 bytes per channel + 2 for the segmentation),
        plus the copied raw labels and :data:`MARGIN`. Only image headers are read.
    """
    target = _target_spacing(plans, configuration)
    data = 0
    labels = 0
    for case in info.cases.values():
        images = case.get("images") or []
        if not images:
            continue
        found = _size_and_spacing(str(images[0]))
        if found is None:
            continue
        voxels = _voxels_at(*found, target)
        data += voxels * (IMAGE_BYTES_PER_VOXEL * len(images) + SEGMENTATION_BYTES_PER_VOXEL)
        label = case.get("label")
        try:
            labels += Path(label).stat().st_size if label else 0
        except OSError:
            pass
    return SpaceEstimate(info.name, len(info.cases), int(data * (1 + MARGIN)) + labels)


def disk_space_problems(folder: Path, estimates: list[SpaceEstimate], steps: str, *,
                        free_bytes_of: Callable[[Path], int] | None = None) -> list[Problem]:
    """DISK_SPACE_LOW when ``folder``'s disk has less free space than the estimates need.

    Parameters
    ----------
    folder
        Where the data goes (nnUNet_preprocessed).
    estimates
        One per preprocessing that will run.
    steps
        The steps that write it (for the message, e.g. "1, 5").
    free_bytes_of
        Free bytes of a folder's disk (default ``shutil.disk_usage``; tests pass a figure).
    """
    needed = sum(e.bytes_needed for e in estimates)
    if not estimates or needed <= 0:
        return []
    try:
        free = (free_bytes_of or (lambda p: shutil.disk_usage(p).free))(folder)
    except OSError:
        return []
    if free >= needed:
        return []
    details: str = ""
    for estimate in reversed(estimates):  # "a; b", translatable (a join is plain English)
        one = text("{dataset}: {cases} case(s), {size}", dataset=estimate.dataset,
                   cases=estimate.cases, size=size_text(estimate.bytes_needed))
        details = text("{first}; {rest}", first=one, rest=details) if details else one
    message = text(
        "Preprocessing (step(s) {steps}) writes up to {needed} into {folder} ({details}), but "
        "only {free} are free there.", steps=steps, needed=size_text(needed), folder=folder,
        details=details, free=size_text(free))
    fix = text("Free at least {missing} on that disk, or point nnUNet_preprocessed to a disk "
               "with more space; nnU-Net would otherwise stop half way with 'No space left on "
               "device'.", missing=size_text(needed - free))
    if free * BEST_COMPRESSION < needed:
        return [P.error(P.DISK_SPACE_LOW, message, fix)]
    return [P.warning(
        P.DISK_SPACE_LOW,
        text("{message} nnU-Net compresses the data, so it may still fit.", message=message),
        fix)]
