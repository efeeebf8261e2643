"""Cut-off images and image/label geometry, caught by the preflight from the headers (issue 14,
items 1 and 2): real files written with SimpleITK into a copy of the demo workspace."""

from __future__ import annotations

import json
from pathlib import Path

import SimpleITK as sitk

from nnft.core import cli
from nnft.core import problems as P
from nnft.core.nifti_header import nifti_truncation, read_nifti_header
from nnft.core.problems import Severity

from .conftest import FINETUNE, PRETRAIN

INTEGRITY_CODES = {P.IMAGE_TRUNCATED, P.GEOMETRY_MISMATCH, P.GEOMETRY_MISALIGNED}


def _cut_in_half(path: Path) -> None:
    """An interrupted copy: the file's first half only."""
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _edit_label(path: Path, **geometry: object) -> None:
    """Rewrite a label with SimpleITK, changing its spacing, origin or direction."""
    image = sitk.ReadImage(str(path))
    for name, value in geometry.items():
        getattr(image, f"Set{name.capitalize()}")(value)
    sitk.WriteImage(image, str(path), True)


def _as_uncompressed(dataset_dir: Path) -> None:
    """The same dataset stored as ``.nii`` files (file_ending ``.nii``)."""
    for path in sorted(dataset_dir.glob("*Tr/*.nii.gz")):
        sitk.WriteImage(sitk.ReadImage(str(path)), str(path)[:-len(".gz")], False)
        path.unlink()
    meta = json.loads((dataset_dir / "dataset.json").read_text())
    meta["file_ending"] = ".nii"
    (dataset_dir / "dataset.json").write_text(json.dumps(meta))


def test_truncation_is_read_from_the_header_and_the_gzip_trailer(demo, tmp_path) -> None:
    image = demo.finetune_raw / "imagesTr" / "ft_002_0000.nii.gz"
    header = read_nifti_header(image)
    assert header is not None and nifti_truncation(image, header) is None
    # The header's size: vox_offset + voxels × bytes, what SimpleITK writes uncompressed.
    plain = tmp_path / "plain.nii"
    sitk.WriteImage(sitk.ReadImage(str(image)), str(plain), False)
    assert read_nifti_header(plain).required_bytes == plain.stat().st_size == \
        header.required_bytes
    assert nifti_truncation(plain) is None

    _cut_in_half(image)
    cut = nifti_truncation(image)
    assert cut is not None and cut.compressed and cut.expected_bytes == header.required_bytes
    _cut_in_half(plain)
    cut = nifti_truncation(plain)
    assert cut is not None and not cut.compressed
    assert (cut.expected_bytes, cut.found_bytes) == (header.required_bytes,
                                                     plain.stat().st_size)
    # Extra bytes after the data are no truncation; a file without a header claims nothing.
    padded = tmp_path / "padded.nii"
    sitk.WriteImage(sitk.ReadImage(str(demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz")),
                    str(padded), False)
    padded.write_bytes(padded.read_bytes() + b"\0" * 10)
    assert nifti_truncation(padded) is None
    (tmp_path / "junk.nii.gz").write_bytes(b"not a gzip file")
    # NIfTI-2 (nibabel writes it; SimpleITK does not): 540-byte header, 64-bit dims.
    import nibabel
    import numpy as np

    nifti2 = tmp_path / "two.nii.gz"
    voxels = np.random.default_rng(0).integers(0, 1000, (20, 20, 10), dtype=np.int16)
    nibabel.save(nibabel.Nifti2Image(voxels, np.eye(4)), nifti2)
    assert read_nifti_header(nifti2).required_bytes == 544 + voxels.nbytes
    assert nifti_truncation(nifti2) is None
    _cut_in_half(nifti2)
    assert nifti_truncation(nifti2) is not None
    assert nifti_truncation(tmp_path / "junk.nii.gz") is None


def test_a_cut_nii_gz_is_refused_naming_the_file(demo, expect) -> None:
    image = demo.finetune_raw / "imagesTr" / "ft_002_0000.nii.gz"
    label = demo.pretrain_raw / "labelsTr" / "pt_003.nii.gz"
    _cut_in_half(image)
    _cut_in_half(label)
    result = demo.preflight()
    problem = expect(result, P.IMAGE_TRUNCATED, Severity.ERROR, str(image), "gzip trailer",
                     f"needs {read_nifti_header(image).required_bytes} bytes")
    assert "Copy the file again" in problem.fix
    expect(result, P.IMAGE_TRUNCATED, Severity.ERROR, str(label))
    assert not result.ok


def test_a_cut_uncompressed_nii_is_refused(demo, expect) -> None:
    _as_uncompressed(demo.finetune_raw)
    image = demo.finetune_raw / "imagesTr" / "ft_004_0000.nii"
    whole = image.stat().st_size
    _cut_in_half(image)
    expect(demo.preflight(), P.IMAGE_TRUNCATED, Severity.ERROR, str(image),
           f"needs {whole} bytes, but the file has only {whole // 2}")


def test_label_geometry_is_compared_with_its_image(demo, expect, find) -> None:
    labels = demo.finetune_raw / "labelsTr"
    reference = sitk.ReadImage(str(labels / "ft_001.nii.gz"))
    spacing, origin = reference.GetSpacing(), reference.GetOrigin()
    # Size: one column fewer (SimpleITK's slicing keeps spacing, origin and direction).
    sitk.WriteImage(reference[:-1, :, :], str(labels / "ft_001.nii.gz"), True)
    _edit_label(labels / "ft_002.nii.gz", spacing=[s * 1.01 for s in spacing])
    _edit_label(labels / "ft_003.nii.gz", origin=[o + 2.5 for o in origin])
    _edit_label(labels / "ft_004.nii.gz", direction=(0, 1, 0, 1, 0, 0, 0, 0, 1))
    result = demo.preflight()
    size = list(reference.GetSize())
    expect(result, P.GEOMETRY_MISMATCH, Severity.ERROR, "case ft_001", "label's size",
           f"({size[0] - 1}, {size[1]}, {size[2]})", f"({size[0]}, {size[1]}, {size[2]})",
           "In all 2 cases", "among them ft_002")
    expect(result, P.GEOMETRY_MISALIGNED, Severity.WARNING, "case ft_003", "label's origin",
           "In all 2 cases", "among them ft_004")
    assert not result.ok

    # Size and origin repaired: spacing and direction each named with both values.
    sitk.WriteImage(reference, str(labels / "ft_001.nii.gz"), True)
    sitk.WriteImage(sitk.ReadImage(str(demo.finetune_raw / "imagesTr" / "ft_003_0000.nii.gz")) * 0,
                    str(labels / "ft_003.nii.gz"), True)
    result = demo.preflight()
    expect(result, P.GEOMETRY_MISMATCH, Severity.ERROR, "case ft_002", "label's spacing",
           f"{spacing[0] * 1.01:.7g}", f"{spacing[0]:.7g}")
    expect(result, P.GEOMETRY_MISALIGNED, Severity.WARNING, "case ft_004", "label's direction",
           "(0, 1, 0, 1, 0, 0, 0, 0, 1)", "(1, 0, 0, 0, 1, 0, 0, 0, 1)")
    assert "In all" not in " ".join(p.message for p in find(result, P.GEOMETRY_MISMATCH))


def test_differences_within_nnunets_tolerance_pass(demo, find) -> None:
    """np.allclose's rtol 1e-5: a spacing 1e-6 off (a float32 round trip) is the same grid."""
    label = demo.finetune_raw / "labelsTr" / "ft_005.nii.gz"
    spacing = sitk.ReadImage(str(label)).GetSpacing()
    _edit_label(label, spacing=[s * (1 + 1e-6) for s in spacing])
    assert read_nifti_header(label).geometry_key != read_nifti_header(
        demo.finetune_raw / "imagesTr" / "ft_005_0000.nii.gz").geometry_key
    assert not {p.code for p in demo.preflight().problems} & INTEGRITY_CODES


def test_the_clean_demo_has_none_of_these_problems(demo) -> None:
    result = demo.preflight()
    assert not {p.code for p in result.problems} & INTEGRITY_CODES and result.ok


def test_nnft_check_refuses_and_writes_nothing(demo, capfd) -> None:
    _cut_in_half(demo.finetune_raw / "imagesTr" / "ft_003_0000.nii.gz")
    label = demo.pretrain_raw / "labelsTr" / "pt_002.nii.gz"
    sitk.WriteImage(sitk.ReadImage(str(label))[:, :-2, :], str(label), True)
    before = demo.snapshot()
    code = cli.main(["check", "--workspace", str(demo.root), "--pretrain", PRETRAIN,
                     "--finetune", FINETUNE, "--device", "cpu", "--config", "2d"])
    out, err = capfd.readouterr()
    assert code == 1, out + err
    assert "ERROR [IMAGE_TRUNCATED]" in out and "ft_003_0000.nii.gz" in out
    assert "ERROR [GEOMETRY_MISMATCH]" in out and "case pt_002" in out
    assert demo.snapshot() == before
