"""Writing files so that nothing is lost: atomic writes and timestamped backups."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .workspace import Workspace


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file so readers see either the old or the new content, never half of it.

    ``write`` fills a temporary file in the same folder; it is flushed to disk and then renamed
    over the target (an atomic replace on POSIX and Windows). On any error the temporary file
    is removed and the old content stays.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """:func:`atomic_write` for text (``\\n`` line ends on every platform)."""
    atomic_write(path, lambda handle: handle.write(text.encode(encoding)))


def atomic_copy(source: Path, target: Path) -> None:
    """Copy a file atomically (temporary copy next to the target, then rename)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def backup_path(workspace: Workspace, path: Path, *, move: bool = False) -> Path:
    """Copy (or move) a file or folder into nnFT's backup folder and return where it went.

    Backups live in ``nnUNet_results/nnFT/backups/<timestamp>/<root>/<relative path>`` so that
    they are never mistaken for nnU-Net data and keep their origin visible.
    """
    path = Path(path).absolute()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    relative: Path = Path(path.name)
    for variable, root in workspace.roots().items():
        if root is not None:
            try:
                relative = Path(variable) / path.relative_to(root.absolute())
                break
            except ValueError:
                continue
    target = workspace.state_dir / "backups" / stamp / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if move:
        shutil.move(str(path), str(target))
    elif path.is_dir():
        shutil.copytree(path, target, symlinks=True)
    else:
        shutil.copy2(path, target)
    return target
