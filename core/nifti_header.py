"""The image size from a NIfTI header, read without SimpleITK.

SimpleITK's ``ReadImageInformation`` costs ~3–4 ms per ``.nii.gz`` file here (it sets up an ITK
image IO and reads the whole header extension machinery); the preflight sizes nnU-Net's
preprocessing workers by the largest image of both datasets, which on a 4,000-case pretraining
dataset took 11 s that way. The size is in the first bytes of the header: decompressing those
bytes and unpacking ``dim`` takes ~0.06 ms per file. Other formats still go through SimpleITK.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

NIFTI_ENDINGS = (".nii", ".nii.gz")
_NIFTI1_HEADER_SIZE = 348
_NIFTI2_HEADER_SIZE = 540


def is_nifti(path: str | Path) -> bool:
    return str(path).endswith(NIFTI_ENDINGS)


def _read_start(path: Path, size: int) -> bytes:
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            return handle.read(size)
    with open(path, "rb") as handle:
        return handle.read(size)


def nifti_shape(path: str | Path) -> tuple[int, ...] | None:
    """The image's size in voxels (``dim[1:dim[0]+1]``) from its NIfTI-1 or NIfTI-2 header.

    Parameters
    ----------
    path
        A ``.nii`` or ``.nii.gz`` file.

    Returns
    -------
    tuple of int or None
        The size per axis; None when the file cannot be read or is not a valid NIfTI header
        (the caller then asks SimpleITK, which gives the real error).
    """
    path = Path(path)
    try:
        head = _read_start(path, _NIFTI2_HEADER_SIZE)
    except (OSError, EOFError, zlib.error):
        return None
    if len(head) < _NIFTI1_HEADER_SIZE:
        return None
    for endian in ("<", ">"):
        (size,) = struct.unpack(endian + "i", head[:4])
        if size == _NIFTI1_HEADER_SIZE:
            dims: tuple[int, ...] = struct.unpack(endian + "8h", head[40:56])
            break
        if size == _NIFTI2_HEADER_SIZE and len(head) >= _NIFTI2_HEADER_SIZE:
            dims = struct.unpack(endian + "8q", head[16:80])
            break
    else:
        return None
    n = dims[0]
    if not 1 <= n <= 7 or any(d < 1 for d in dims[1:n + 1]):
        return None
    return tuple(int(d) for d in dims[1:n + 1])
