"""Image headers read once per file version: the preflight's repeated reads made cheap.

The wizard runs the preflight again after every invalidation (a page entered, a step finished,
Start), and one preflight reads the same headers several times (the integrity check, the disk
estimates of preprocessing and of training). On a 2,000-case dataset that was ~0.6 s of reading
per preflight, nearly all of it the same bytes as the time before. Here each file's header is
read once and kept until the file changes.

A file counts as unchanged while its :func:`file_version` is: device, inode, size, modification
and status-change time (one ``stat``). A rewrite changes the size or the times; a copy put in
place by a rename (``rsync``, ``cp -p`` over the old file) changes the inode even when size and
modification time were kept. One gap remains, the one git calls "racy": a file rewritten with
the same size within the file system's timestamp granularity (a few ms; FAT: 2 s) keeps its
version. So a file whose times are less than :data:`SETTLE_SECONDS` old is read but not kept:
its next read reads it again.

Qt-free and thread-safe (the wizard reads headers in worker threads).
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .nifti_header import NiftiHeader, Truncation, nifti_truncation, read_nifti_header

T = TypeVar("T")

#: Files whose modification or status-change time is younger than this (or in the future: a
#: server's clock ahead of ours) are read every time: a rewrite within the timestamp
#: granularity would keep their version (see the module's text).
SETTLE_SECONDS = 3.0
#: Files remembered at most; the least recently used are forgotten first. Measured: ~1.4 KB a
#: file (header, cut-off check, size and spacing), so 50,000 files hold ~70 MB. Large on
#: purpose: a preflight walks every file in the same order, and an LRU smaller than that walk
#: would forget each file just before it is needed again.
MAX_FILES = 50_000

#: (device, inode, size, mtime_ns, ctime_ns).
FileVersion = tuple[int, int, int, int, int]


def file_version(path: str | Path) -> FileVersion | None:
    """What identifies this version of a file's content: one ``stat`` (None when missing).

    Parameters
    ----------
    path
        Any file (or folder).

    Returns
    -------
    tuple or None
        (device, inode, size, mtime_ns, ctime_ns); None when the file does not exist or cannot
        be stat'ed.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return None
    return _version(st)


def _version(st: os.stat_result) -> FileVersion:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def is_settled(version: FileVersion, now: float | None = None,
               settle_seconds: float = SETTLE_SECONDS) -> bool:
    """True when the version's times are at least ``settle_seconds`` old (``now``: the clock,
    default ``time.time()``), so that a later rewrite is sure to change them."""
    newest = max(version[3], version[4]) / 1e9
    age = (time.time() if now is None else now) - newest
    return age >= settle_seconds


@dataclass
class _Entry:
    version: FileVersion
    values: dict[str, Any]


class HeaderCache:
    """Values read from files, each kept until its file's :func:`file_version` changes.

    Parameters
    ----------
    max_files
        Files remembered at most (least recently used forgotten first).
    clock
        The time now in seconds since the epoch (``time.time``; tests pass a later one to
        treat freshly written files as settled).
    settle_seconds
        See :data:`SETTLE_SECONDS`.
    """

    def __init__(self, max_files: int = MAX_FILES, *, clock: Callable[[], float] = time.time,
                 settle_seconds: float = SETTLE_SECONDS) -> None:
        self.max_files = max_files
        self.clock = clock
        self.settle_seconds = settle_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, kind: str, path: str | Path, reader: Callable[[str], T]) -> T | None:
        """``reader(path)``, or what it returned for this version of the file before.

        Parameters
        ----------
        kind
            What ``reader`` reads (one name per reader: "nifti_header", …); a file keeps one
            value per kind.
        path
            The file.
        reader
            Reads the value from the file; its result (None included) is kept.

        Returns
        -------
        object or None
            The value; None without calling ``reader`` when there is no such file (missing,
            or not a regular file).
        """
        key = os.fspath(path)
        if not os.path.isabs(key):  # the preflight's paths are absolute: no abspath for them
            key = os.path.abspath(key)
        try:
            st = os.stat(key)
        except (OSError, ValueError):  # ValueError: a NUL in the path
            return None
        if not stat.S_ISREG(st.st_mode):
            return None  # a folder or device named like an image is no image file
        version = _version(st)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.version == version and kind in entry.values:
                self._entries.move_to_end(key)
                return entry.values[kind]
        value = reader(key)
        if not is_settled(version, self.clock(), self.settle_seconds):
            return value
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                entry = self._entries[key] = _Entry(version, {})
            entry.values[kind] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_files:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every file."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


#: The process's cache (the wizard's pages, the preflight and the CLI share it).
HEADER_CACHE = HeaderCache()


def cached_read(kind: str, path: str | Path, reader: Callable[[str], T]) -> T | None:
    """:meth:`HeaderCache.read` of the process's cache: ``reader(path)`` once per file version
    (None when the file does not exist)."""
    return HEADER_CACHE.read(kind, path, reader)


def nifti_header(path: str | Path) -> NiftiHeader | None:
    """:func:`~nnft.core.nifti_header.read_nifti_header`, once per file version.

    Returns
    -------
    NiftiHeader or None
        None when the file does not exist or is not a readable single-file NIfTI.
    """
    return HEADER_CACHE.read("nifti_header", path, read_nifti_header)


@dataclass(frozen=True)
class NiftiIntegrity:
    """A NIfTI file's header and whether the file is cut off (see ``nifti_truncation``)."""

    header: NiftiHeader | None
    truncation: Truncation | None


def read_nifti_integrity(path: str | Path) -> NiftiIntegrity:
    """The header (through :func:`nifti_header`) and the cut-off check of a NIfTI file; the
    check itself uncached."""
    header = nifti_header(path)
    return NiftiIntegrity(header, nifti_truncation(path, header) if header else None)


def nifti_integrity(path: str | Path) -> NiftiIntegrity | None:
    """:func:`read_nifti_integrity`, once per file version.

    Returns
    -------
    NiftiIntegrity or None
        None when the file does not exist.
    """
    return HEADER_CACHE.read("nifti_integrity", path, read_nifti_integrity)


@dataclass(frozen=True)
class ImageInformation:
    """SimpleITK's header of an image (``ImageFileReader.ReadImageInformation``)."""

    size: tuple[int, ...]
    spacing: tuple[float, ...]
    origin: tuple[float, ...]
    direction: tuple[float, ...]
    #: SimpleITK's pixel type, e.g. "32-bit float".
    pixel_type: str


def read_image_information(path: str | Path) -> ImageInformation | None:
    """SimpleITK's header read of any image format it knows (~1.4–3 ms a file), uncached.

    Returns
    -------
    ImageInformation or None
        None when SimpleITK cannot read the header.
    """
    import SimpleITK as sitk  # ~0.3 s to import: only when a header is read with it

    reader = sitk.ImageFileReader()
    try:
        reader.SetFileName(str(path))
        reader.ReadImageInformation()
    except RuntimeError:
        return None
    return ImageInformation(tuple(int(v) for v in reader.GetSize()),
                            tuple(float(v) for v in reader.GetSpacing()),
                            tuple(float(v) for v in reader.GetOrigin()),
                            tuple(float(v) for v in reader.GetDirection()),
                            sitk.GetPixelIDValueAsString(reader.GetPixelID()))


def image_information(path: str | Path) -> ImageInformation | None:
    """:func:`read_image_information`, once per file version (None also when missing)."""
    return HEADER_CACHE.read("image_information", path, read_image_information)
