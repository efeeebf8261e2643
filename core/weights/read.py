"""Reading a checkpoint without running anything from it: torch's weights-only unpickler with
the five globals an nnU-Net checkpoint needs (:data:`ALLOWED_GLOBAL_NAMES`); the globals a
pickle refers to, read without unpickling."""

from __future__ import annotations

import io
import pickle
import pickletools
import re
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nnft.core import problems as P
from nnft.core.i18n import text
from nnft.core.problems import Problem

#: Every global a checkpoint written by nnU-Net 2.8.1's ``nnUNetTrainer.save_checkpoint`` needs
#: beyond torch's own weights-only defaults (tensors, ``OrderedDict``, ``torch.device``,
#: ``_codecs.encode``), found by scanning real checkpoints (see :func:`_allowed_globals`):
#:
#: * ``numpy._core.multiarray.scalar``: numpy scalars in ``logging`` (losses, pseudo Dice) and
#:   ``_best_ema``; ``numpy.core.multiarray.scalar`` is the same function under the name numpy 1.x
#:   writes (checkpoints from machines with numpy < 2).
#: * ``numpy.dtype``: the dtype those scalars are rebuilt with.
#: * ``numpy.dtypes.Float32DType`` and ``numpy.dtypes.Float64DType``: torch only lets the
#:   unpickler restore the state (``BUILD``) of allowlisted types, and the dtype instance is of
#:   these classes. float32: losses and pseudo Dice. float64: the EMA pseudo Dice and
#:   ``_best_ema`` of trainings run with numpy < 2 (``float32 * 0.9`` is a float64 under numpy
#:   1.x's promotion rules, a float32 under numpy 2's).
ALLOWED_GLOBAL_NAMES = (
    "numpy._core.multiarray.scalar",
    "numpy.core.multiarray.scalar",
    "numpy.dtype",
    "numpy.dtypes.Float32DType",
    "numpy.dtypes.Float64DType",
)

_CHECKPOINT_FIX = text(
    "Use the checkpoint_final.pth (or checkpoint_best.pth) that nnU-Net wrote into "
    "nnUNet_results/<dataset>/<trainer>__<plans>__<configuration>/fold_<f>/. If the file was "
    "copied, copy it again and compare its size with the original."
)


class WeightsError(RuntimeError):
    """A checkpoint that cannot be used; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _allowed_globals() -> list[Any]:
    """The objects behind :data:`ALLOWED_GLOBAL_NAMES`, for ``torch.serialization.safe_globals``.

    Entries are ``(object, "module.name")`` so that each is allowed under exactly the name a
    checkpoint uses, whatever numpy version is installed.
    """
    # Imported with torch when a checkpoint is read, not when nnFT is imported.
    import numpy as np

    try:
        from numpy._core.multiarray import scalar
    except ImportError:  # numpy < 2 (numpy._core appeared in 2.0)
        from numpy.core.multiarray import scalar  # type: ignore[no-redef]
    allowed: list[Any] = [
        (scalar, "numpy._core.multiarray.scalar"),
        (scalar, "numpy.core.multiarray.scalar"),
        (np.dtype, "numpy.dtype"),
    ]
    dtypes = getattr(np, "dtypes", None)  # numpy >= 1.25
    for name in ("Float32DType", "Float64DType"):
        cls = getattr(dtypes, name, None)
        if cls is not None:
            allowed.append((cls, f"numpy.dtypes.{name}"))
    return allowed


_GLOBAL_PATTERNS = (
    re.compile(r"GLOBAL ([\w.]+) was not an allowed global"),
    re.compile(r"unsupported GLOBAL ([\w.]+) whose module"),
    re.compile(r"but got <class '([\w.]+)'>"),
    re.compile(r"unrecognized function ([\w.<>]+)"),
)


def _pickle_bytes(path: Path) -> bytes | None:
    """The main pickle of a checkpoint: ``data.pkl`` of torch's zip format, else the file."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n == "data.pkl"
                         or n.endswith("/data.pkl")]
                return archive.read(min(names, key=len)) if names else None
        return path.read_bytes()
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


_DOTTED_NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_<>][\w<>]*)+$")


def pickle_globals(data: bytes) -> list[str]:
    """Every ``module.name`` global a pickle refers to, read with ``pickletools`` (no execution).

    Stops quietly at the end of the first pickle or at damaged data.
    """
    found: list[str] = []
    strings: list[str] = []  # recent string values, for STACK_GLOBAL
    memo: dict[Any, Any] = {}
    last: Any = None
    try:
        for opcode, arg, _pos in pickletools.genops(io.BytesIO(data)):
            name = opcode.name
            full = None
            if name in ("GLOBAL", "INST"):
                module, _, attr = str(arg).partition(" ")
                full = f"{module}.{attr}"
            elif name == "STACK_GLOBAL" and len(strings) >= 2:
                full = f"{strings[-2]}.{strings[-1]}"
            if full is not None:
                last = full
                if _DOTTED_NAME.match(full) and full not in found:
                    found.append(full)
            elif isinstance(arg, str) and "UNICODE" in name:
                strings.append(arg)
                last = arg
            elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
                memo[arg] = last
            elif name == "MEMOIZE":
                memo[len(memo)] = last
            elif name in ("BINGET", "LONG_BINGET", "GET"):
                last = memo.get(arg)
                if isinstance(last, str):
                    strings.append(last)
            if name == "STOP":
                break
    except Exception:  # damaged pickles: report what was read so far
        pass
    return found


def _unsupported_globals(path: Path, exc: BaseException) -> list[str]:
    """The globals torch refused, from its message and a scan of the pickle."""
    allowed = set(ALLOWED_GLOBAL_NAMES)
    named: list[str] = []
    data = _pickle_bytes(path)
    if data is not None:
        # torch is imported lazily (wizard start-up); here it is loaded already.
        from torch._weights_only_unpickler import _get_allowed_globals

        default = set(_get_allowed_globals())
        named = [n for n in pickle_globals(data) if n not in allowed and n not in default]
    text = str(exc)
    for pattern in _GLOBAL_PATTERNS:
        for match in pattern.findall(text):
            # torch shortens builtins.open to "open" in its message
            if not any(n == match or n.endswith("." + match) for n in named):
                named.append(match)
    return named


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:limit]}" + ("..." if len(text) > limit else "")


def _read_weights_only(path: Path, map_location: Any = "cpu") -> Any:
    # torch only when a checkpoint is read: the wizard starts without it.
    import torch
    from torch.serialization import safe_globals

    with safe_globals(_allowed_globals()), warnings.catch_warnings():
        # "Detected pickle protocol 4 ...": said of files that are then refused anyway.
        warnings.simplefilter("ignore", UserWarning)
        return torch.load(path, map_location=map_location, weights_only=True)


def load_checkpoint_safely(path: Path | str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read an nnU-Net checkpoint without executing anything from it.

    ``torch.load(map_location="cpu", weights_only=True)`` with only
    :data:`ALLOWED_GLOBAL_NAMES` added to torch's defaults. Tensors saved on a GPU are read onto
    the CPU.

    Returns
    -------
    (checkpoint, problems)
        The checkpoint dict (with a ``network_weights`` mapping of tensors) and no problems, or
        ``None`` and one ``WEIGHTS_UNREADABLE`` error saying why and how to fix it.
    """
    path = Path(path)

    def unreadable(message: str, fix: str = _CHECKPOINT_FIX) -> tuple[None, list[Problem]]:
        return None, [P.error(P.WEIGHTS_UNREADABLE, message, fix)]

    if not path.exists():
        return unreadable(text("The checkpoint {path} does not exist.", path=path),
                          text("Check the path. nnU-Net writes checkpoint_final.pth at the end "
                               "of a training, into nnUNet_results/<dataset>/<trainer>__"
                               "<plans>__<configuration>/fold_<f>/."))
    if not path.is_file():
        return unreadable(text("The checkpoint {path} is not a file.", path=path),
                          text("Give the .pth file itself, not its folder."))
    if path.stat().st_size == 0:
        return unreadable(text("The checkpoint {path} is empty (0 bytes).", path=path))

    try:
        checkpoint = _read_weights_only(path)
    except pickle.UnpicklingError as exc:
        wanted = _unsupported_globals(path, exc)
        if wanted:
            return unreadable(
                text("The checkpoint {path} was not loaded: reading it would need {needed}, "
                     "which an nnU-Net checkpoint never contains. nnFT does not run code from "
                     "checkpoints (unpickling can execute any program).", path=path,
                     needed=", ".join(wanted[:5])),
                # No parameters: the braces are literal Python.
                text("Use a checkpoint written by nnU-Net's trainer. If the file comes from a "
                     "custom trainer you trust, load it there and save only the weights: "
                     "torch.save({'network_weights': model.state_dict()}, 'weights.pth')."))
        return unreadable(text("The checkpoint {path} cannot be read: it is damaged or not a "
                               "PyTorch checkpoint ({error}).", path=path, error=_short(exc)))
    except MemoryError:
        return unreadable(text("The checkpoint {path} does not fit into memory.", path=path),
                          text("Check it on a machine with more memory."))
    except Exception as exc:  # torch raises many kinds on damaged files
        return unreadable(text("The checkpoint {path} cannot be read: it is damaged, truncated "
                               "or not a PyTorch checkpoint ({error}).", path=path,
                               error=_short(exc)))

    if not isinstance(checkpoint, Mapping):
        return unreadable(
            text("{path} is a PyTorch file but not an nnU-Net checkpoint (it holds a {type}, "
                 "not a dict with 'network_weights').", path=path,
                 type=type(checkpoint).__name__),
            text("Give an nnU-Net checkpoint. A bare state_dict can be wrapped: "
                 "torch.save({'network_weights': state_dict}, 'weights.pth')."))
    weights = checkpoint.get("network_weights")
    if not isinstance(weights, Mapping):
        keys = ", ".join(sorted(map(str, checkpoint))[:6]) or text("none")
        return unreadable(
            text("{path} is not an nnU-Net checkpoint: it has no 'network_weights' (its keys: "
                 "{keys}). nnU-Net's -pretrained_weights reads exactly that key.", path=path,
                 keys=keys),
            text("Give the checkpoint_final.pth of an nnU-Net training. If this file holds "
                 "the weights under another key, re-save them: "
                 "torch.save({'network_weights': state_dict}, 'weights.pth')."))
    bad = [k for k, v in weights.items() if not hasattr(v, "shape")]
    if bad:
        return unreadable(text("{path}: 'network_weights' holds non-tensor entries "
                               "({entries}).", path=path, entries=", ".join(map(str, bad[:3]))))
    return dict(checkpoint), []


def _stat_key(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path.absolute()), stat.st_mtime_ns, stat.st_size
