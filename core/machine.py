"""What this machine offers: cores, memory, devices; and worker counts that fit it.

nnU-Net's defaults (8 preprocessing workers, 12 augmentation workers) oversubscribe small
machines and get large CT datasets OOM-killed (nnU-Net #1869, #2585); nnFT sizes them from the
cores and the free memory instead. Nothing here imports torch: asking ``nvidia-smi`` is instant.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass


def cpu_count() -> int:
    """Cores this process may use (respects CPU affinity / cgroup pinning where visible)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def available_memory_bytes() -> int | None:
    """Memory available to new processes, or None when it cannot be told."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


@dataclass(frozen=True)
class GpuInfo:
    """One CUDA GPU as reported by nvidia-smi."""

    index: int
    name: str
    memory_mib: int


def detect_cuda_gpus(timeout_s: float = 5.0) -> list[GpuInfo]:
    """The NVIDIA GPUs the driver sees (empty without a driver). Does not import torch."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=timeout_s, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and parts[0].isdigit():
            try:
                gpus.append(GpuInfo(int(parts[0]), parts[1], int(float(parts[2]))))
            except ValueError:
                continue
    return gpus


def mps_available() -> bool:
    """Apple-silicon Macs offer MPS (nnU-Net supports it, without 3D convolutions speed)."""
    return sys.platform == "darwin" and platform.machine() == "arm64"


def default_device() -> str:
    """cuda when a GPU is there, else mps on Apple silicon, else cpu."""
    if detect_cuda_gpus():
        return "cuda"
    return "mps" if mps_available() else "cpu"


def preprocessing_workers(largest_image_voxels: int | None, n_channels: int = 1,
                          cores: int | None = None, memory_bytes: int | None = None,
                          upper: int = 8) -> int:
    """Worker processes for fingerprinting and preprocessing.

    Each worker holds roughly one case in float32 several times over (image, resampled copy,
    segmentation, cropping); we budget 12 copies per case plus 0.5 GB interpreter overhead, and
    use at most 70 % of the available memory.

    Parameters
    ----------
    largest_image_voxels
        Voxels of the largest training image (header scan); None if unknown.
    n_channels
        Image channels.
    cores, memory_bytes
        Overrides for tests; default to this machine.
    upper
        nnU-Net's own default, never exceeded.
    """
    cores = cpu_count() if cores is None else cores
    memory_bytes = available_memory_bytes() if memory_bytes is None else memory_bytes
    workers = max(1, min(cores, upper))
    if memory_bytes and largest_image_voxels:
        per_worker = largest_image_voxels * max(1, n_channels) * 4 * 12 + 512 * 1024**2
        workers = max(1, min(workers, int(memory_bytes * 0.7 // per_worker)))
    return workers


def augmentation_workers(device: str, cores: int | None = None) -> int:
    """``nnUNet_n_proc_DA`` for training.

    On a CPU the network competes with the augmentation workers for the same cores; on a
    2-core machine single-threaded augmentation (0) is measurably faster (MEASURED.md). On a
    GPU nnU-Net wants many workers to keep it fed; leave one core for the main process.
    """
    cores = cpu_count() if cores is None else cores
    if device != "cuda":
        return 0 if cores <= 4 else max(1, cores // 4)
    return max(1, min(12, cores - 1))
