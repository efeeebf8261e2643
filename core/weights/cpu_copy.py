"""GPU-saved checkpoints on a machine without that GPU: which devices a checkpoint's tensors
were saved from (read without loading them), and a copy re-saved with every tensor on the CPU."""

from __future__ import annotations

import hashlib
import io
import pickle
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nnft.core.safety import atomic_write

from .read import WeightsError, _pickle_bytes, _read_weights_only, _stat_key, load_checkpoint_safely

if TYPE_CHECKING:
    from nnft.core.workspace import Workspace


class _Stub:
    """Stands in for every global while reading storage locations: nothing real is called."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> _Stub:
        return _Stub()

    def __setstate__(self, state: Any) -> None:
        pass

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def append(self, value: Any) -> None:
        pass

    def extend(self, values: Any) -> None:
        pass


class _LocationReader(pickle.Unpickler):
    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.locations: set[str] = set()

    def find_class(self, module: str, name: str) -> Any:  # never resolved
        return _Stub

    def persistent_load(self, pid: Any) -> Any:
        # torch's zip format: ('storage', storage_type, key, location, numel)
        if isinstance(pid, tuple) and len(pid) >= 4 and isinstance(pid[3], str):
            self.locations.add(pid[3])
        return _Stub()


def storage_locations(path: Path | str) -> set[str]:
    """The devices a checkpoint's tensors were saved from (``cpu``, ``cuda:0``, ...).

    torch's zip format is read from ``data.pkl`` with every global replaced by an inert stub, so
    no tensor data is read and no code runs; the legacy format is read with the safe loader.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        data = _pickle_bytes(path)
        if data is None:
            return set()
        reader = _LocationReader(data)
        try:
            reader.load()
        except Exception:  # damaged: report what was seen
            pass
        return reader.locations
    seen: set[str] = set()

    def record(storage: Any, location: str) -> Any:
        seen.add(location)
        return storage

    try:
        _read_weights_only(path, map_location=record)
    except Exception:  # unreadable checkpoints are reported elsewhere
        pass
    return seen


_LOCATION_CACHE: dict[Any, bool] = {}


def needs_cpu_copy(path: Path | str) -> bool:
    """True when the checkpoint holds tensors saved on a device other than the CPU (e.g. a
    GPU). nnU-Net's ``load_pretrained_weights`` loads without ``map_location``, so such a
    checkpoint fails on a machine without that device ("Attempting to deserialize object on a
    CUDA device"). Needs no GPU; False for a missing file."""
    key = _stat_key(Path(path))
    if key is None:
        return False
    if key not in _LOCATION_CACHE:
        _LOCATION_CACHE[key] = any(loc != "cpu" for loc in storage_locations(path))
    return _LOCATION_CACHE[key]


def cpu_copy_dir(workspace: Workspace, checkpoint: Path | str) -> Path:
    """Where nnFT keeps the CPU copy of a checkpoint:
    ``nnUNet_results/nnFT/cpu_checkpoints/<path under nnUNet_results>/`` (or a folder named by a
    hash of the absolute path for checkpoints elsewhere)."""
    checkpoint = Path(checkpoint).absolute()
    base = workspace.state_dir / "cpu_checkpoints"
    results = workspace.results.absolute() if workspace.results is not None else None
    if results is not None:
        try:
            return base / checkpoint.parent.relative_to(results)
        except ValueError:
            pass
    digest = hashlib.sha256(str(checkpoint).encode()).hexdigest()[:12]
    return base / "external" / f"{checkpoint.parent.name}_{digest}"


def make_cpu_copy(path: Path | str, target_dir: Path | str) -> Path:
    """Re-save a checkpoint with all its tensors on the CPU, as ``target_dir/<name>``.

    Read with the safe loader (``map_location='cpu'``), written to a temporary file and renamed
    (atomic). An existing copy newer than the checkpoint is reused.

    Raises
    ------
    WeightsError
        When the checkpoint cannot be read safely.
    """
    # torch only when a copy is made: importing nnFT must not import torch (wizard start-up).
    import torch

    source, target_dir = Path(path), Path(target_dir)
    target = target_dir / source.name
    if target.is_file() and target.stat().st_mtime_ns >= source.stat().st_mtime_ns \
            and not needs_cpu_copy(target):
        return target
    checkpoint, problems = load_checkpoint_safely(source)
    if checkpoint is None:
        raise WeightsError(problems)
    atomic_write(target, lambda handle: torch.save(checkpoint, handle))
    return target
