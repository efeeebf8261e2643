"""A step that fails: the chain stops with exit 3, the last lines of nnU-Net's output and the
step's log path; nothing after it runs."""

from __future__ import annotations

import pytest

from nnft.core.demo import write_demo_workspace

from .conftest import nnft

pytestmark = pytest.mark.integration


def test_corrupt_image_fails_the_first_step_with_its_output(tmp_path):
    demo = write_demo_workspace(tmp_path / "ws")
    image = sorted((demo.raw / demo.finetune_name / "imagesTr").glob("*.nii.gz"))[0]
    image.write_bytes(b"this is not a NIfTI file")  # nnU-Net cannot read it
    result = nnft("run", "--workspace", str(demo.root), "--pretrain", "1", "--finetune", "2",
                  "--config", "2d", "--epochs", "1", "--iterations", "1", "--device", "cpu",
                  timeout=600)
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    assert "[1/7] failed" in result.stdout
    assert "last lines of its output" in result.stderr
    assert "Step 'plan_finetune' failed" in result.stderr
    assert "log: " in result.stdout
    # Nothing after the failed step ran.
    assert "[2/7]" not in result.stdout
    assert not (demo.preprocessed / demo.pretrain_name).exists()
