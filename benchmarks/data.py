"""Data the benchmarks generate themselves: demo workspaces (nnFT's own writer), large CT-like
datasets and many-case datasets (SimpleITK, one case written and then hard-linked), realistic
nnU-Net training logs, and a trained demo workspace shared by several rows.

Everything lies under one temporary folder that :mod:`benchmarks.run` removes at the end.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from nnft.core.demo import DemoWorkspace, write_demo_workspace

from .common import BIN, BenchmarkError, child_env, expect, run_timed

#: The quick trial every training row uses: short, on the CPU, without the final validation
#: (nnU-Net's sliding-window validation alone costs minutes on a CPU).
QUICK_TRIAL = ["--config", "2d", "--epochs", "2", "--iterations", "5",
               "--no-final-validation", "--device", "cpu"]


def demo_workspace(root: Path, **kwargs) -> DemoWorkspace:
    """A fresh demo workspace from ``nnft.core.demo`` (12 + 6 small CT cases by default)."""
    return write_demo_workspace(root, **kwargs)


def copy_workspace(source: Path, target: Path) -> Path:
    """A private copy of a workspace (each side of a row gets its own)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def _ct_like_volume(size_zyx: tuple[int, int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A CT-like int16 image (air, a body cylinder, an organ) and its uint8 organ label."""
    rng = np.random.default_rng(seed)
    nz, ny, nx = size_zyx
    z, y, x = np.ogrid[-1:1:complex(nz), -1:1:complex(ny), -1:1:complex(nx)]
    body = (x / 0.85) ** 2 + (y / 0.7) ** 2 <= 1.0
    organ = ((x - 0.1) / 0.35) ** 2 + ((y + 0.05) / 0.3) ** 2 + (z / 0.5) ** 2 <= 1.0
    image = rng.normal(-980.0, 30.0, size_zyx).astype(np.float32)
    image = np.where(body, image + 1010.0, image)
    image = np.where(organ, image + 90.0, image)
    return np.rint(image).astype(np.int16), organ.astype(np.uint8)


def _write(array: np.ndarray, spacing_xyz: tuple[float, float, float], path: Path) -> None:
    img = sitk.GetImageFromArray(array)
    img.SetSpacing(spacing_xyz)
    sitk.WriteImage(img, str(path), useCompression=True)


def linked_dataset(folder: Path, *, n_cases: int, size_zyx: tuple[int, int, int],
                   spacing_xyz: tuple[float, float, float] = (0.8, 0.8, 1.5),
                   seed: int = 0) -> Path:
    """An nnU-Net v2 raw dataset of ``n_cases`` cases: one written, the others hard links.

    Readers that decode every voxel (nnU-Net's integrity check) still decode every file; readers
    of headers read every header. Hard links keep 200 cases of 160×256×256 at the disk cost of
    one.

    Parameters
    ----------
    folder : Path
        The dataset folder to create, ``.../nnUNet_raw/DatasetXXX_Name``; must not exist.
    n_cases : int
        Number of training cases (images ``case_NNNN_0000.nii.gz``, labels ``case_NNNN.nii.gz``).
    size_zyx : tuple of int
        Image size in voxels, as (z, y, x).
    spacing_xyz : tuple of float
        Voxel spacing in mm, as (x, y, z).
    seed : int
        Seed of the image noise.

    Returns
    -------
    Path
        ``folder``.
    """
    images, labels = folder / "imagesTr", folder / "labelsTr"
    images.mkdir(parents=True)
    labels.mkdir()
    image, label = _ct_like_volume(size_zyx, seed)
    first_image, first_label = images / "case_0000_0000.nii.gz", labels / "case_0000.nii.gz"
    _write(image, spacing_xyz, first_image)
    _write(label, spacing_xyz, first_label)
    for i in range(1, n_cases):
        os.link(first_image, images / f"case_{i:04d}_0000.nii.gz")
        os.link(first_label, labels / f"case_{i:04d}.nii.gz")
    (folder / "dataset.json").write_text(json.dumps({
        "channel_names": {"0": "CT"}, "labels": {"background": 0, "organ": 1},
        "numTraining": n_cases, "file_ending": ".nii.gz", "name": folder.name.split("_", 1)[1],
    }, indent=2))
    return folder


def workspace_with_large_pretrain(root: Path, *, n_cases: int,
                                  size_zyx: tuple[int, int, int]) -> DemoWorkspace:
    """A demo workspace whose pretraining dataset is replaced by ``n_cases`` linked cases.

    Parameters
    ----------
    root : Path
        Folder of the new workspace.
    n_cases : int
        Cases of the pretraining dataset (``Dataset001_DemoPretrain``, CT-like, one label).
    size_zyx : tuple of int
        Their image size in voxels, as (z, y, x).

    Returns
    -------
    DemoWorkspace
        The workspace; its fine-tuning dataset is the demo's (6 cases).
    """
    demo = demo_workspace(root, n_pretrain=1)
    shutil.rmtree(demo.raw / demo.pretrain_name)
    linked_dataset(demo.raw / demo.pretrain_name, n_cases=n_cases, size_zyx=size_zyx)
    return demo


# -- training logs ---------------------------------------------------------------------------

LOG_HEADER = (
    "\n#######################################################################\n"
    "Please cite the following paper when using nnU-Net:\n"
    "Isensee, F., Jaeger, P. F., Kohl, S. A., Petersen, J., & Maier-Hein, K. H. (2021). nnU-Net: "
    "a self-configuring method for deep learning-based biomedical image segmentation. Nature "
    "methods, 18(2), 203-211.\n"
    "#######################################################################\n"
    " \n"
)


class LogWriter:
    """Writes nnU-Net 2.8.1 training log lines (``YYYY-mm-dd HH:MM:SS.ffffff: msg `` with the
    trailing space; numpy-2 dice lists), epoch by epoch, with a clock that advances like a run.

    ``extra_lines_per_epoch`` adds lines a trainer may log between epochs (here per-iteration
    loss lines, as custom trainers print them), so that a log of 1,000 epochs can be 100,000
    lines long: the parser must read and skip them all.
    """

    def __init__(self, *, start: datetime | None = None, num_epochs: int = 1000,
                 extra_lines_per_epoch: int = 0, seed: int = 0) -> None:
        self.clock = start or datetime(2026, 11, 1, 8, 0, 0)
        self.num_epochs = num_epochs
        self.extra = extra_lines_per_epoch
        self.rng = random.Random(seed)
        self.ema: float | None = None

    def _line(self, message: str, step_s: float = 0.002) -> str:
        self.clock += timedelta(seconds=step_s)
        return f"{self.clock.strftime('%Y-%m-%d %H:%M:%S.%f')}: {message} \n"

    def header(self) -> str:
        return LOG_HEADER + "".join(self._line(m) for m in (
            "do_dummy_2d_data_aug: False", "Using splits from existing split file",
            "Desired fold for training: 0", "This split has 400 training and 100 validation "
            "cases."))

    def epoch(self, epoch: int) -> str:
        """All lines of one epoch, ``epoch`` counted from 0 like nnU-Net."""
        progress = epoch / max(1, self.num_epochs)
        lr = 0.01 * (1 - progress) ** 0.9
        train = -0.2 - 0.7 * (1 - math.exp(-5 * progress)) + self.rng.gauss(0, 0.01)
        val = train + 0.05 + self.rng.gauss(0, 0.02)
        dice = [min(1.0, max(0.0, 0.3 + 0.6 * (1 - math.exp(-4 * progress))
                              + self.rng.gauss(0, 0.02))) for _ in range(2)]
        mean = sum(dice) / len(dice)
        best = self.ema is None or mean > self.ema
        self.ema = mean if self.ema is None else 0.9 * self.ema + 0.1 * mean
        out = [self._line(""), self._line(f"Epoch {epoch}"),
               self._line(f"Current learning rate: {round(lr, 5)}")]
        for i in range(self.extra):
            out.append(self._line(f"iteration {i + 1}/{self.extra}, loss "
                                  f"{train + self.rng.gauss(0, 0.05):.4f}", 0.2))
        out += [self._line(f"train_loss {round(train, 4)}", 1.0),
                self._line(f"val_loss {round(val, 4)}"),
                self._line("Pseudo dice [" + ", ".join(f"np.float32({d:.4f})" for d in dice)
                           + "]"),
                self._line("Epoch time: 61.2 s")]
        if best:
            out.append(self._line(f"Yayy! New best EMA pseudo Dice: {self.ema}"))
        return "".join(out)


def write_training_log(path: Path, writer: LogWriter, epochs: range) -> int:
    """Write a training log: nnU-Net's header, then the lines of each epoch in ``epochs``.

    Parameters
    ----------
    path : Path
        The log file (``fold_X/training_log_*.txt``); its folder is created.
    writer : LogWriter
        Makes the lines (and keeps the clock and EMA across calls).
    epochs : range
        Epoch numbers, counted from 0.

    Returns
    -------
    int
        Number of lines written.
    """
    text = writer.header() + "".join(writer.epoch(e) for e in epochs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


# -- the trained demo workspace ----------------------------------------------------------------

def nnft_argv(command: str, root: Path, *extra: str) -> list[str]:
    """``nnft COMMAND --workspace ROOT --pretrain 1 --finetune 2 EXTRA...`` of the venv."""
    return [str(BIN / "nnft"), command, "--workspace", str(root), "--pretrain", "1",
            "--finetune", "2", *extra]


class TrainedWorkspace:
    """A demo workspace that went through the whole chain once (2d quick trial on the CPU):
    both datasets preprocessed, a real pretraining checkpoint, a fine-tuned fold.

    Made on first use and shared by the rows that need nnU-Net's outputs.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made = False

    def get(self) -> Path:
        if not self._made:
            demo_workspace(self.root)
            timed = run_timed(nnft_argv("run", self.root, *QUICK_TRIAL, "--quiet"),
                              env=child_env(), timeout=1200)
            expect(timed, "nnft run (the shared trained demo workspace)", ok=True)
            self._made = True
        return self.root

    def pretrain_checkpoint(self) -> Path:
        found = sorted((self.get() / "nnUNet_results").glob(
            "Dataset001_*/*/fold_all/checkpoint_final.pth"))
        if not found:
            raise BenchmarkError("the trained workspace has no pretraining checkpoint")
        return found[0]
