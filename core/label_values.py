"""Label values checked by nnFT itself: every voxel of every label against dataset.json.

The preflight reads headers only (fast); the values need every voxel, so this check is the
slow part and runs on demand (``nnft check --label-values``) or in the background. It finds
what nnU-Net's ``--verify_dataset_integrity`` would refuse ("Unexpected labels found in file
…"), before any step starts, and says it in the words of core/failures.py's explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import problems as P
from .datasets import DatasetInfo
from .failures import _case_of, _joined, _value_text
from .i18n import text
from .problems import Problem

#: How many files the message names in full (the count covers the rest).
_MAX_FILES_NAMED = 5


def expected_label_values(dataset_json: dict[str, Any]) -> list[int]:
    """The values nnU-Net accepts in a label file, as its verification computes them.

    Parameters
    ----------
    dataset_json
        The dataset's dataset.json (``labels``, optionally ``regions_class_order``).

    Returns
    -------
    list of int
        nnunetv2's ``LabelManager.all_labels`` (regions: every listed value) plus the ignore
        label when there is one.
    """
    from nnunetv2.utilities.label_handling.label_handling import LabelManager

    manager = LabelManager(dataset_json["labels"],
                           regions_class_order=dataset_json.get("regions_class_order"))
    expected = [int(v) for v in manager.all_labels]
    if manager.has_ignore_label and manager.ignore_label is not None:
        expected.append(int(manager.ignore_label))
    return sorted(set(expected))


def unexpected_label_values(info: DatasetInfo, *,
                            cancel: Callable[[], bool] | None = None) -> list[Problem]:
    """Read every label file of ``info`` and report values dataset.json does not list.

    Parameters
    ----------
    info
        An inspected dataset (its ``cases`` and ``dataset_json``); nothing is written.
    cancel
        Called before each file; when it returns True the check stops and returns ``[]``
        (a newer choice superseded it).

    Returns
    -------
    list of Problem
        Empty, or one ``LABEL_VALUES_UNEXPECTED`` error naming the files, their cases and
        their unexpected values, with the fix. Files that cannot be read are left to the
        preflight's own checks.
    """
    if not info.dataset_json or "labels" not in info.dataset_json:
        return []
    import numpy as np
    import SimpleITK as sitk

    try:
        expected = expected_label_values(info.dataset_json)
    except (AssertionError, TypeError, ValueError, KeyError):
        return []  # malformed labels: DATASET_JSON_INVALID says so
    found: list[tuple[Path, list[float]]] = []
    for files in info.cases.values():
        if cancel is not None and cancel():
            return []
        label = files.get("label")
        if not label:
            continue
        try:
            image = sitk.ReadImage(str(label))
        except RuntimeError:
            continue
        # A view, no copy; ``image`` must outlive it (a view of a temporary reads freed memory).
        values = np.unique(sitk.GetArrayViewFromImage(image))
        unexpected = [float(v) for v in values if float(v) not in expected]
        if unexpected:
            found.append((Path(label), unexpected))
    if not found:
        return []
    named = [text("{file} (case {case}): {values}",
                  file=str(path.relative_to(info.raw_dir.parent))
                  if path.is_relative_to(info.raw_dir.parent) else str(path),
                  case=_case_of(str(path)),
                  values=", ".join(_value_text(v) for v in unexpected))
             for path, unexpected in found[:_MAX_FILES_NAMED]]
    if len(found) > _MAX_FILES_NAMED:
        named.append(text("and {count} more", count=len(found) - _MAX_FILES_NAMED))
    allowed = ", ".join(str(v) for v in expected)
    return [P.error(
        P.LABEL_VALUES_UNEXPECTED,
        text("{count} label file(s) contain values that dataset.json's 'labels' do not list "
             "(allowed: {allowed}): {files}.", count=len(found), allowed=allowed,
             files=_joined(named)),
        text("Correct these label files so that they hold only {allowed}, or add a label for "
             "each extra value to 'labels' in {dataset_json} (labels must be consecutive from "
             "0); then check again: nnU-Net's dataset verification would stop the chain at "
             "its first step.", allowed=allowed, dataset_json=str(info.raw_dir / "dataset.json")))]
