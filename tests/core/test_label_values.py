"""Label values checked by nnFT itself (nnft.core.label_values): every voxel of the demo's
labels read with SimpleITK, one label rewritten to hold a value dataset.json does not list."""

from __future__ import annotations

import subprocess
import sys

from nnft.core import problems as P
from nnft.core.label_values import expected_label_values, unexpected_label_values
from tests.conftest import put_label_value

FINETUNE = "Dataset002_DemoFinetune"


def test_clean_demo_has_no_unexpected_values(demo) -> None:
    result = demo.preflight()
    for dataset in (result.pretrain, result.finetune):
        assert dataset is not None and len(dataset.cases) > 1
        assert unexpected_label_values(dataset) == []


def test_value_7_named_with_file_case_and_fix(demo, snapshot_of) -> None:
    put_label_value(demo.finetune_raw / "labelsTr" / "ft_003.nii.gz")
    raw_before = snapshot_of(demo.raw)
    problems = unexpected_label_values(demo.preflight().finetune)
    assert [p.code for p in problems] == [P.LABEL_VALUES_UNEXPECTED]
    problem = problems[0]
    assert problem.is_error
    assert problem.message.startswith("1 label file(s) contain values")
    assert f"{FINETUNE}/labelsTr/ft_003.nii.gz (case ft_003): 7" in problem.message
    assert "ft_001" not in problem.message  # only the file that holds the value
    assert str(demo.finetune_raw / "dataset.json") in problem.fix
    assert snapshot_of(demo.raw) == raw_before


def test_cancel_stops_before_reading(demo) -> None:
    put_label_value(demo.finetune_raw / "labelsTr" / "ft_003.nii.gz")
    assert unexpected_label_values(demo.preflight().finetune, cancel=lambda: True) == []


def test_regions_accept_every_listed_value() -> None:
    labels = {"background": 0, "whole": [1, 2, 3], "core": [2, 3], "enhancing": 3}
    assert expected_label_values({"labels": labels, "regions_class_order": [1, 2, 3]}) == [
        0, 1, 2, 3]
    assert expected_label_values({"labels": {"background": 0, "a": 1, "ignore": 2}}) == [0, 1, 2]


def test_nnft_check_label_values_exits_1_and_names_the_value(demo, snapshot_of) -> None:
    """Opt-in: without --label-values the check passes (it reads headers only); with it the
    check exits 1 naming file, case and value; nnUNet_raw stays byte-identical."""
    put_label_value(demo.finetune_raw / "labelsTr" / "ft_003.nii.gz")
    raw_before = snapshot_of(demo.raw)
    command = [sys.executable, "-m", "nnft.core.cli", "check", "--workspace", str(demo.root),
               "--pretrain", "1", "--finetune", "2", "--device", "cpu", "--config", "2d",
               "--plans-name", "MyPlans"]
    plain = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    checked = subprocess.run(command + ["--label-values"], capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "ERROR [LABEL_VALUES_UNEXPECTED]" in checked.stdout
    assert f"{FINETUNE}/labelsTr/ft_003.nii.gz (case ft_003): 7" in checked.stdout
    assert snapshot_of(demo.raw) == raw_before
