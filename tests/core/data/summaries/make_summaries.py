"""Writes the summary files of this folder with nnU-Net's own evaluation code.

Each ``*.json`` here is what ``nnunetv2.evaluation.evaluate_predictions.
compute_metrics_on_folder`` (the function nnU-Net's final validation calls) writes for small
SimpleITK images: a reference with two labels and predictions of increasing quality. Run it
again (``.venv/bin/python tests/core/data/summaries/make_summaries.py``) to regenerate them;
tests/core/test_evaluation.py reads the files, it does not run this.

- ``two_classes_q{0..5}.json``: labels 1 and 2, two cases; q0 the worst prediction, q5 the
  best (each level shifts the predicted boxes one voxel less);
- ``regions.json``: region-based labels (``"(1, 2)"`` and ``"2"``), as nnU-Net keys regions;
- ``absent_class.json``: label 2 in no reference and no prediction: nnU-Net writes NaN.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import SimpleITK as sitk
from nnunetv2.evaluation.evaluate_predictions import compute_metrics_on_folder
from nnunetv2.imageio.simpleitk_reader_writer import SimpleITKIO

HERE = Path(__file__).resolve().parent
SHAPE = (8, 24, 24)


def _write(array: np.ndarray, path: Path) -> None:
    sitk.WriteImage(sitk.GetImageFromArray(array.astype(np.uint8)), str(path))


def _case(shift: int, case: int, with_label_2: bool = True) -> np.ndarray:
    seg = np.zeros(SHAPE, dtype=np.uint8)
    seg[1:7, 3 + shift + case:18 + shift + case, 4 + shift:19 + shift] = 1
    if with_label_2:
        seg[2:6, 6 + 2 * shift + case:12 + 2 * shift + case, 8:14] = 2
    return seg


def _evaluate(out: Path, shift: int, regions: list, with_label_2: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ref, pred = Path(tmp, "ref"), Path(tmp, "pred")
        ref.mkdir(), pred.mkdir()
        for case in range(2):
            _write(_case(0, case, with_label_2), ref / f"case_{case:03d}.nii.gz")
            _write(_case(shift, case, with_label_2), pred / f"case_{case:03d}.nii.gz")
        compute_metrics_on_folder(str(ref), str(pred), str(out), SimpleITKIO(), ".nii.gz",
                                  regions, num_processes=1)
    # The absolute temporary paths of the cases mean nothing here.
    text = out.read_text().replace(str(Path(tempfile.gettempdir())), "/tmp")
    out.write_text(text)


def main() -> int:
    for quality in range(6):
        _evaluate(HERE / f"two_classes_q{quality}.json", 5 - quality, [1, 2])
    _evaluate(HERE / "regions.json", 1, [(1, 2), 2])
    _evaluate(HERE / "absent_class.json", 1, [1, 2], with_label_2=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
