"""Pretrained weights: read checkpoints safely, and check that they fit before any GPU time.

nnU-Net finds out that ``-pretrained_weights`` do not fit only after the fine-tuning trainer has
started, with an ``AssertionError`` naming one key (and printing a whole tensor). Its loader also
unpickles the checkpoint with ``weights_only=False`` (a checkpoint can run any code) and passes no
``map_location`` (a checkpoint saved on a GPU cannot be loaded on a CPU-only machine).

Here:

* :func:`load_checkpoint_safely` reads a checkpoint with torch's restricted unpickler, allowing
  only the few globals an nnU-Net checkpoint contains (:data:`ALLOWED_GLOBAL_NAMES`). Anything
  else is reported, never executed.
* :func:`expected_network_state` builds the network the fine-tuning run will build, with
  nnU-Net's own code (plans → ``get_network_from_plans``), on torch's ``meta`` device: names and
  shapes, no memory, no initialisation.
* :func:`compare_weights` applies nnU-Net's rule (``load_pretrained_weights``): every key of the
  network except ``.seg_layers.`` must be in the checkpoint with the same shape; extra checkpoint
  keys are ignored. :func:`explain` turns a mismatch into its cause in plain words.
* :func:`needs_cpu_copy` / :func:`make_cpu_copy`: a GPU-saved checkpoint is re-saved with its
  tensors on the CPU, for fine-tuning on a machine without CUDA.

torch and nnU-Net are imported inside the functions: importing this module costs nothing, so the
preflight stays fast when there is no checkpoint to check.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import pickle
import pickletools
import re
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import problems as P
from .problems import Problem

if TYPE_CHECKING:
    from .pipeline import ChainContext
    from .workspace import Workspace

#: nnU-Net never transfers these (the 1x1 output convolutions; the class count may differ).
SKIP_STRING = ".seg_layers."

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

_CHECKPOINT_FIX = (
    "Use the checkpoint_final.pth (or checkpoint_best.pth) that nnU-Net wrote into "
    "nnUNet_results/<dataset>/<trainer>__<plans>__<configuration>/fold_<f>/. If the file was "
    "copied, copy it again and compare its size with the original."
)


class WeightsError(RuntimeError):
    """A checkpoint that cannot be used; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# -- safe loading ----------------------------------------------------------------------------
def _allowed_globals() -> list[Any]:
    """The objects behind :data:`ALLOWED_GLOBAL_NAMES`, for ``torch.serialization.safe_globals``.

    Entries are ``(object, "module.name")`` so that each is allowed under exactly the name a
    checkpoint uses, whatever numpy version is installed.
    """
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
    import warnings

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
        return unreadable(f"The checkpoint {path} does not exist.",
                          "Check the path. nnU-Net writes checkpoint_final.pth at the end of a "
                          "training, into nnUNet_results/<dataset>/<trainer>__<plans>__"
                          "<configuration>/fold_<f>/.")
    if not path.is_file():
        return unreadable(f"The checkpoint {path} is not a file.",
                          "Give the .pth file itself, not its folder.")
    if path.stat().st_size == 0:
        return unreadable(f"The checkpoint {path} is empty (0 bytes).")

    try:
        checkpoint = _read_weights_only(path)
    except pickle.UnpicklingError as exc:
        wanted = _unsupported_globals(path, exc)
        if wanted:
            return unreadable(
                f"The checkpoint {path} was not loaded: reading it would need "
                f"{', '.join(wanted[:5])}, which an nnU-Net checkpoint never contains. nnFT "
                "does not run code from checkpoints (unpickling can execute any program).",
                "Use a checkpoint written by nnU-Net's trainer. If the file comes from a "
                "custom trainer you trust, load it there and save only the weights: "
                "torch.save({'network_weights': model.state_dict()}, 'weights.pth').")
        return unreadable(f"The checkpoint {path} cannot be read: it is damaged or not a "
                          f"PyTorch checkpoint ({_short(exc)}).")
    except MemoryError:
        return unreadable(f"The checkpoint {path} does not fit into memory.",
                          "Check it on a machine with more memory.")
    except Exception as exc:  # torch raises many kinds on damaged files
        return unreadable(f"The checkpoint {path} cannot be read: it is damaged, truncated or "
                          f"not a PyTorch checkpoint ({_short(exc)}).")

    if not isinstance(checkpoint, Mapping):
        return unreadable(
            f"{path} is a PyTorch file but not an nnU-Net checkpoint (it holds a "
            f"{type(checkpoint).__name__}, not a dict with 'network_weights').",
            "Give an nnU-Net checkpoint. A bare state_dict can be wrapped: "
            "torch.save({'network_weights': state_dict}, 'weights.pth').")
    weights = checkpoint.get("network_weights")
    if not isinstance(weights, Mapping):
        keys = ", ".join(sorted(map(str, checkpoint))[:6]) or "none"
        return unreadable(
            f"{path} is not an nnU-Net checkpoint: it has no 'network_weights' "
            f"(its keys: {keys}). nnU-Net's -pretrained_weights reads exactly that key.",
            "Give the checkpoint_final.pth of an nnU-Net training. If this file holds the "
            "weights under another key, re-save them: "
            "torch.save({'network_weights': state_dict}, 'weights.pth').")
    bad = [k for k, v in weights.items() if not hasattr(v, "shape")]
    if bad:
        return unreadable(f"{path}: 'network_weights' holds non-tensor entries "
                          f"({', '.join(map(str, bad[:3]))}).")
    return dict(checkpoint), []


# -- the network the fine-tuning builds -------------------------------------------------------
@dataclass(frozen=True)
class NetworkDescription:
    """What is known about a network: from fine-tuning plans, or a checkpoint's ``init_args``."""

    class_name: str | None = None
    configuration: str | None = None
    arch_kwargs: Mapping[str, Any] | None = None
    input_channels: int | None = None
    dataset_name: str | None = None
    plans_name: str | None = None

    @property
    def short_class(self) -> str | None:
        return self.class_name.rsplit(".", 1)[-1] if self.class_name else None

    def label(self) -> str:
        parts = [p for p in (self.dataset_name,
                             f"plans '{self.plans_name}'" if self.plans_name else None,
                             f"configuration '{self.configuration}'" if self.configuration
                             else None) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class _NetworkInputs:
    """What ``nnUNetTrainer.build_network_architecture`` passes to ``get_network_from_plans``."""

    class_name: str
    arch_kwargs: dict[str, Any]
    requires_import: list[str]
    input_channels: int
    output_channels: int


def network_inputs(plans: Mapping[str, Any], configuration: str,
                   dataset_json: Mapping[str, Any]) -> _NetworkInputs:
    """The arguments the trainer builds its network with, from plans and dataset.json.

    Like the trainer: the configuration with ``inherits_from`` resolved (PlansManager's rule),
    ``determine_num_input_channels`` (channels, plus the foreground labels for a cascade) and
    the ``LabelManager``'s ``num_segmentation_heads``. Plain plans skip importing nnU-Net's
    PlansManager (half a second of imports: image readers, resampling); unusual ones (the old
    plans format, a custom label manager, a cascade) go through it.

    Raises
    ------
    KeyError, ValueError, RuntimeError, AssertionError
        When the plans have no such configuration or dataset.json is not usable.
    """
    from . import plans as plans_mod

    config = plans_mod.resolved_configuration(dict(plans), configuration)
    if config is None:
        raise KeyError(f"the plans have no configuration '{configuration}'")
    arch = config.get("architecture")
    dataset_json = dict(dataset_json)
    if (isinstance(arch, Mapping) and config.get("previous_stage") is None
            and plans.get("label_manager", "LabelManager") == "LabelManager"):
        from nnunetv2.utilities.label_handling.label_handling import LabelManager

        channels = dataset_json["modality"] if "modality" in dataset_json \
            else dataset_json["channel_names"]
        labels = LabelManager(label_dict=dataset_json["labels"],
                              regions_class_order=dataset_json.get("regions_class_order"))
        return _NetworkInputs(arch["network_class_name"], dict(arch["arch_kwargs"]),
                              list(arch["_kw_requires_import"]), len(channels),
                              labels.num_segmentation_heads)
    from nnunetv2.utilities.label_handling.label_handling import determine_num_input_channels
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    manager = PlansManager(dict(plans))
    manager_config = manager.get_configuration(configuration)
    return _NetworkInputs(
        manager_config.network_arch_class_name, dict(manager_config.network_arch_init_kwargs),
        list(manager_config.network_arch_init_kwargs_req_import),
        determine_num_input_channels(manager, manager_config, dataset_json),
        manager.get_label_manager(dataset_json).num_segmentation_heads)


def describe_plans(plans: Mapping[str, Any], configuration: str,
                   dataset_json: Mapping[str, Any] | None = None) -> NetworkDescription:
    """The network a plans configuration describes."""
    from . import plans as plans_mod

    channels = None
    if dataset_json is not None:
        inputs = network_inputs(plans, configuration, dataset_json)
        class_name, arch_kwargs = inputs.class_name, inputs.arch_kwargs
        channels = inputs.input_channels
    else:
        config = plans_mod.resolved_configuration(dict(plans), configuration) or {}
        arch = config.get("architecture") if isinstance(config.get("architecture"),
                                                        Mapping) else {}
        class_name, arch_kwargs = arch.get("network_class_name"), arch.get("arch_kwargs")
    return NetworkDescription(
        class_name=class_name,
        configuration=configuration,
        arch_kwargs=dict(arch_kwargs) if isinstance(arch_kwargs, Mapping) else None,
        input_channels=channels,
        dataset_name=plans.get("dataset_name"),
        plans_name=plans.get("plans_name"),
    )


def describe_checkpoint(checkpoint: Mapping[str, Any]) -> NetworkDescription:
    """What a checkpoint's ``init_args`` (plans, configuration, dataset.json) say; empty fields
    when they are missing or malformed (checkpoints written outside nnU-Net)."""
    init = checkpoint.get("init_args")
    if not isinstance(init, Mapping):
        return NetworkDescription()
    plans, configuration = init.get("plans"), init.get("configuration")
    dataset_json = init.get("dataset_json")
    if isinstance(plans, Mapping) and isinstance(configuration, str):
        try:
            return describe_plans(plans, configuration,
                                  dataset_json if isinstance(dataset_json, Mapping) else None)
        except Exception:  # someone else's plans; use what can be read
            pass
    return NetworkDescription(
        configuration=configuration if isinstance(configuration, str) else None,
        dataset_name=plans.get("dataset_name") if isinstance(plans, Mapping) else None,
        plans_name=plans.get("plans_name") if isinstance(plans, Mapping) else None,
    )


def _finetune_dataset_json(ctx: ChainContext) -> dict[str, Any] | None:
    # The trainer reads nnUNet_preprocessed/<dataset>/dataset.json (copied at planning).
    try:
        data = json.loads((ctx.finetune_preprocessed / "dataset.json").read_text("utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    return ctx.finetune.dataset_json


def _target_of(source: Any, configuration: str | None,
               dataset_json: Mapping[str, Any] | None) -> tuple[Mapping[str, Any], str,
                                                                Mapping[str, Any]]:
    if isinstance(source, tuple):
        source, configuration, dataset_json = source
    if hasattr(source, "finetune_plans") and hasattr(source, "options"):
        ctx = source
        plans = ctx.finetune_plans()
        if plans is None:
            raise ValueError(f"the fine-tuning plans {ctx.finetune_plans_file} do not exist yet")
        return plans, ctx.options.configuration, _finetune_dataset_json(ctx) or {}
    if not isinstance(source, Mapping) or configuration is None or dataset_json is None:
        raise TypeError("give a ChainContext, or plans, configuration and dataset_json")
    return source, configuration, dataset_json


def expected_network_state(source: Any, configuration: str | None = None,
                           dataset_json: Mapping[str, Any] | None = None,
                           ) -> dict[str, tuple[int, ...]]:
    """Parameter names and shapes of the network the fine-tuning run will build.

    Parameters
    ----------
    source
        A :class:`~nnft.core.pipeline.ChainContext` (its fine-tuning plans, configuration and
        dataset.json), or a plans dict with ``configuration`` and ``dataset_json`` (also
        accepted as one ``(plans, configuration, dataset_json)`` tuple).

    Built like ``nnUNetTrainer.build_network_architecture`` (``get_network_from_plans`` with the
    arguments of :func:`network_inputs`), on torch's ``meta`` device: shapes only, no memory, no
    initialisation. Trainers that override ``build_network_architecture`` may build something
    else.

    Raises
    ------
    ValueError, KeyError, RuntimeError, AssertionError, ImportError
        When the plans or dataset.json cannot describe a network.
    """
    plans, configuration, dataset_json = _target_of(source, configuration, dataset_json)
    import torch
    from nnunetv2.utilities.get_network_from_plans import get_network_from_plans

    inputs = network_inputs(plans, configuration, dataset_json)

    def build() -> Any:
        return get_network_from_plans(
            inputs.class_name, inputs.arch_kwargs, inputs.requires_import,
            inputs.input_channels, inputs.output_channels,
            allow_init=False, deep_supervision=True)

    try:
        with torch.device("meta"):
            network = build()
    except Exception:  # a network class that cannot live on meta
        network = build()
    return {key: tuple(value.shape) for key, value in network.state_dict().items()}


# -- comparison ---------------------------------------------------------------------------------
Shape = tuple[int, ...]


@dataclass(frozen=True)
class WeightsReport:
    """nnU-Net's compatibility rule applied to one checkpoint and one network.

    Attributes
    ----------
    matching
        Network keys the checkpoint has with the same shape: these are loaded.
    missing
        Network keys (not ``.seg_layers.``) the checkpoint lacks: nnU-Net refuses.
    unexpected
        Checkpoint keys the network does not have: nnU-Net ignores them.
    mismatched
        ``(key, checkpoint shape, network shape)``: nnU-Net refuses.
    skipped
        The network's ``.seg_layers.`` keys: never loaded (the segmentation head is new).
    """

    matching: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()
    mismatched: tuple[tuple[str, Shape, Shape], ...] = ()
    skipped: tuple[str, ...] = ()
    checkpoint_shapes: Mapping[str, Shape] = field(default_factory=dict, repr=False,
                                                   compare=False)
    network_shapes: Mapping[str, Shape] = field(default_factory=dict, repr=False, compare=False)
    checkpoint_info: NetworkDescription | None = field(default=None, compare=False)
    network_info: NetworkDescription | None = field(default=None, compare=False)

    @property
    def compatible(self) -> bool:
        return not self.missing and not self.mismatched

    def input_channels(self, which: str) -> int | None:
        """``"checkpoint"`` or ``"network"``: from the first convolution's weights, else from
        the description (plans and dataset.json)."""
        shapes = self.checkpoint_shapes if which == "checkpoint" else self.network_shapes
        first = next((s for s in shapes.values() if len(s) >= 3), None)
        if first is not None:
            return first[1]
        info = self.checkpoint_info if which == "checkpoint" else self.network_info
        return info.input_channels if info is not None else None

    def describe(self, which: str) -> dict[str, Any]:
        info = (self.checkpoint_info if which == "checkpoint" else self.network_info) \
            or NetworkDescription()
        shapes = self.checkpoint_shapes if which == "checkpoint" else self.network_shapes
        return {"dataset": info.dataset_name, "plans": info.plans_name,
                "configuration": info.configuration,
                "network_class": info.short_class or _class_from_keys(shapes),
                "dimensions": _conv_dims(shapes),
                "input_channels": self.input_channels(which)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "compatible": self.compatible,
            "checkpoint": self.describe("checkpoint"),
            "network": self.describe("network"),
            "counts": {"matching": len(self.matching), "missing": len(self.missing),
                       "mismatched": len(self.mismatched), "unexpected": len(self.unexpected),
                       "skipped": len(self.skipped)},
            "missing": [{"key": k, "network_shape": list(self.network_shapes.get(k, ()))}
                        for k in self.missing],
            "mismatched": [{"key": k, "checkpoint_shape": list(a), "network_shape": list(b)}
                           for k, a, b in self.mismatched],
            "unexpected": list(self.unexpected),
            "skipped": list(self.skipped),
            "matching": list(self.matching),
        }


def _shape(value: Any) -> Shape:
    return tuple(int(s) for s in (value.shape if hasattr(value, "shape") else value))


def compare_weights(checkpoint_state: Mapping[str, Any],
                    expected_state: Mapping[str, Any]) -> WeightsReport:
    """Apply ``load_pretrained_weights``' rule: every network key not containing
    ``.seg_layers.`` must be in the checkpoint with the same shape; other checkpoint keys are
    ignored. Values may be tensors or shapes."""
    ckpt = {str(k): _shape(v) for k, v in checkpoint_state.items()}
    net = {str(k): _shape(v) for k, v in expected_state.items()}
    matching, missing, mismatched, skipped = [], [], [], []
    for key, shape in net.items():
        if SKIP_STRING in key:
            skipped.append(key)
        elif key not in ckpt:
            missing.append(key)
        elif ckpt[key] != shape:
            mismatched.append((key, ckpt[key], shape))
        else:
            matching.append(key)
    unexpected = [k for k in ckpt if k not in net]
    return WeightsReport(tuple(matching), tuple(missing), tuple(unexpected), tuple(mismatched),
                         tuple(skipped), ckpt, net)


# -- explanation --------------------------------------------------------------------------------
_RESENC_KEY = re.compile(r"^encoder\.(stem\.|stages\.\d+\.blocks\.)")
_PLAIN_KEY = re.compile(r"^encoder\.stages\.\d+\.0\.convs\.")
_STAGE_KEY = re.compile(r"^encoder\.stages\.(\d+)\.")
_WRAPPER_PREFIXES = ("module.", "_orig_mod.")
_TOPOLOGY_KWARGS = ("n_stages", "features_per_stage", "kernel_sizes", "strides",
                    "n_conv_per_stage", "n_blocks_per_stage", "n_conv_per_stage_decoder",
                    "conv_bias", "norm_op", "norm_op_kwargs")


def _class_from_keys(keys: Any) -> str | None:
    keys = list(keys)
    if any(_RESENC_KEY.match(k) for k in keys):
        return "ResidualEncoderUNet"
    if any(_PLAIN_KEY.match(k) for k in keys):
        return "PlainConvUNet"
    return None


def _conv_dims(shapes: Mapping[str, Shape]) -> int | None:
    """2 or 3: the spatial dimensions of the first convolution kernel."""
    for shape in shapes.values():
        if len(shape) >= 3:
            return len(shape) - 2
    return None


def _first_conv_prefix(shapes: Mapping[str, Shape]) -> str | None:
    """The module of the network's first convolution, e.g. ``encoder.stages.0.0.convs.0.``
    (the decoder holds the encoder too: ``decoder.encoder.stages.0.0.convs.0.``)."""
    for key, shape in shapes.items():
        if len(shape) >= 3 and key.count(".") >= 2:
            return key.rsplit(".", 2)[0] + "."
    return None


def _n_stages(keys: Any) -> int | None:
    indices = [int(m.group(1)) for k in keys if (m := _STAGE_KEY.match(k))]
    return max(indices) + 1 if indices else None


def _example_lines(report: WeightsReport, keys: list[str], limit: int = 3) -> str:
    shown = []
    mismatched = {k: (a, b) for k, a, b in report.mismatched}
    for key in keys[:limit]:
        if key in mismatched:
            a, b = mismatched[key]
            shown.append(f"{key}: checkpoint {a} vs network {b}")
        else:
            shown.append(f"{key}: network {report.network_shapes.get(key, ())}, "
                         "not in the checkpoint")
    more = len(keys) - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


def _fmt(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 70 else text[:67] + "..."


def _topology_differences(ckpt: NetworkDescription, net: NetworkDescription,
                          report: WeightsReport) -> list[str]:
    """Which architecture values differ, in words."""
    found: list[str] = []
    if ckpt.arch_kwargs is not None and net.arch_kwargs is not None:
        for key in _TOPOLOGY_KWARGS:
            a, b = ckpt.arch_kwargs.get(key), net.arch_kwargs.get(key)
            if a != b:
                found.append(f"{key} {_fmt(a)} vs {_fmt(b)}")
        if found:
            return found
    # No plans in the checkpoint: read the topology from the shapes.
    a_stages = _n_stages(report.checkpoint_shapes)
    b_stages = _n_stages(report.network_shapes)
    if a_stages and b_stages and a_stages != b_stages:
        found.append(f"number of stages {a_stages} vs {b_stages}")
    kernels = strides = features = False
    for key, a, b in report.mismatched:
        if len(a) != len(b):
            continue
        if "transpconvs" in key and a[2:] != b[2:]:
            strides = True
        elif len(a) >= 3 and a[2:] != b[2:]:
            kernels = True
        elif a[:2] != b[:2]:
            features = True
    if strides:
        found.append("strides (the transposed convolutions' kernels differ)")
    if kernels:
        found.append("kernel sizes")
    if features:
        found.append("features per stage")
    if not found and report.missing:
        found.append("different layers")
    return found


def explain(report: WeightsReport, *, checkpoint: Path | str = "the checkpoint",
            checkpoint_info: NetworkDescription | None = None,
            network_info: NetworkDescription | None = None) -> list[Problem]:
    """The causes of an incompatibility, as problems with fixes.

    ``WEIGHTS_CHANNEL_MISMATCH`` when the first convolution differs only in its input channels;
    ``WEIGHTS_ARCH_MISMATCH`` for everything else: 2d vs 3d, network class (ResEnc vs plain
    U-Net), strides/kernel sizes/stages (plans not transferred), wrapper prefixes in the keys.
    Messages name the checkpoint, a few keys with both shapes, and the fix.
    """
    if report.compatible:
        return []
    ckpt = checkpoint_info or report.checkpoint_info or NetworkDescription()
    net = network_info or report.network_info or NetworkDescription()
    found: list[Problem] = []
    where = f" ({net.label()})" if net.label() else ""
    trained = f" (trained with {ckpt.label()})" if ckpt.label() else ""
    head = (f"The checkpoint {checkpoint}{trained} does not fit the network the fine-tuning "
            f"builds{where}")
    counts = (f"{len(report.missing)} key(s) missing and {len(report.mismatched)} with another "
              f"shape, {len(report.matching)} matching")
    transfer_how = (
        "nnft run does both: nnUNetv2_move_plans_between_datasets -s FINETUNE -t PRETRAIN "
        "-sp <fine-tuning plans> -tp <new name>, then preprocess and train the pretraining "
        "dataset with -p <new name>")
    transfer_fix = ("Transfer the fine-tuning dataset's plans to the pretraining dataset and "
                    f"pretrain with them ({transfer_how}).")

    # 1. Keys of a DDP / torch.compile wrapper (checkpoints written outside nnU-Net).
    for prefix in _WRAPPER_PREFIXES:
        stripped = {k[len(prefix):] for k in report.unexpected if k.startswith(prefix)}
        if report.missing and len(stripped & set(report.missing)) >= len(report.missing) / 2:
            return [P.error(
                P.WEIGHTS_ARCH_MISMATCH,
                f"{head}: its keys start with '{prefix}' (saved from a DistributedDataParallel "
                f"or torch.compile wrapper), e.g. '{prefix}{sorted(stripped)[0]}'. {counts}.",
                f"Re-save the weights without the '{prefix}' prefix: "
                f"{{k.removeprefix('{prefix}'): v for k, v in weights.items()}}.")]

    # 2. Another network class.
    ckpt_class = ckpt.short_class or _class_from_keys(report.checkpoint_shapes)
    net_class = net.short_class or _class_from_keys(report.network_shapes)
    ckpt_dims = _conv_dims(report.checkpoint_shapes)
    net_dims = _conv_dims(report.network_shapes)
    if ckpt_class and net_class and ckpt_class != net_class:
        plans_hint = f" '{ckpt.plans_name}'" if ckpt.plans_name else ""
        found.append(P.error(
            P.WEIGHTS_ARCH_MISMATCH,
            f"{head}: the checkpoint is a {ckpt_class}, the fine-tuning network a {net_class} "
            f"(a different network class, e.g. ResEnc vs plain U-Net plans, so the layer names "
            f"differ). {counts}, e.g. {_example_lines(report, list(report.missing))}.",
            f"Use one plans file, and so one network class, for both phases: plan the "
            f"fine-tuning dataset with the planner of the checkpoint's plans{plans_hint} and "
            "fine-tune with those plans (--finetune-plans), or pretrain again with plans "
            f"transferred from the fine-tuning dataset ({transfer_how})."))
        return found

    # 3. 2d vs 3d.
    if ckpt_dims and net_dims and ckpt_dims != net_dims:
        dims = [(k, a, b) for k, a, b in report.mismatched if len(a) != len(b)]
        same = net.configuration or ("3d_fullres" if net_dims == 3 else "2d")
        found.append(P.error(
            P.WEIGHTS_ARCH_MISMATCH,
            f"{head}: the checkpoint is a {ckpt_dims}d network, the fine-tuning builds a "
            f"{net_dims}d network (2d and 3d weights never fit each other). "
            f"{counts}, e.g. {_example_lines(report, [k for k, _, _ in dims])}.",
            f"Pretrain and fine-tune with the same configuration: pretrain with '{same}' "
            f"(nnft run --config {same}), or fine-tune with the configuration the checkpoint "
            "was trained with."))
        return found

    # 4. Input channels: only the first convolution differs, and only in its second dimension.
    first = _first_conv_prefix(report.network_shapes)
    channel_keys = [(k, a, b) for k, a, b in report.mismatched
                    if first and (k.startswith(first) or f".{first}" in k)
                    and len(a) == len(b) >= 3
                    and a[0] == b[0] and a[2:] == b[2:] and a[1] != b[1]]
    if channel_keys:
        key, a, b = channel_keys[0]
        found.append(P.error(
            P.WEIGHTS_CHANNEL_MISMATCH,
            f"The checkpoint {checkpoint}{trained} was trained with {a[1]} input channel(s), "
            f"the fine-tuning network{where} has {b[1]}: the first convolution {key} is {a} in "
            f"the checkpoint and {b} in the network.",
            "nnU-Net's -pretrained_weights cannot adapt the first layer (nnU-Net #2252): "
            "pretrain on data with the same channels, in the same order, as the fine-tuning "
            "dataset (channel_names in dataset.json)."))
    channel_set = {k for k, _, _ in channel_keys}
    rest_mismatched = [k for k, _, _ in report.mismatched if k not in channel_set]
    if not rest_mismatched and not report.missing:
        return found

    # 5. Topology: plans not transferred.
    differences = _topology_differences(ckpt, net, report)
    cause = ("different " + ", ".join(differences)) if differences else "a different topology"
    found.append(P.error(
        P.WEIGHTS_ARCH_MISMATCH,
        f"{head}: {cause} (checkpoint vs fine-tuning plans); the plans were not transferred "
        f"from the fine-tuning dataset. {counts}, e.g. "
        f"{_example_lines(report, rest_mismatched + list(report.missing))}.",
        transfer_fix))
    return found


# -- the check ----------------------------------------------------------------------------------
_CACHE: dict[Any, tuple[WeightsReport | None, list[Problem]]] = {}
_CACHE_SIZE = 8


def _stat_key(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path.absolute()), stat.st_mtime_ns, stat.st_size


def check_weights_against(checkpoint_path: Path | str, plans: Mapping[str, Any] | None,
                          configuration: str, dataset_json: Mapping[str, Any] | None,
                          ) -> tuple[WeightsReport | None, list[Problem]]:
    """Will ``-pretrained_weights checkpoint_path`` load into the network these fine-tuning
    plans, configuration and dataset.json build? Never raises; results are cached by the
    checkpoint's path, size and modification time and the plans."""
    path = Path(checkpoint_path)
    stat = _stat_key(path)
    key = None
    if stat is not None:
        digest = hashlib.sha256(json.dumps([plans, configuration, dataset_json], sort_keys=True,
                                           default=str).encode()).hexdigest()
        key = (stat, digest)
        if key in _CACHE:
            report, problems = _CACHE[key]
            return report, list(problems)

    checkpoint, problems = load_checkpoint_safely(path)
    if checkpoint is None:
        return None, problems
    if plans is None:
        return None, []  # readable; the shapes are checked once the fine-tuning is planned
    try:
        expected = expected_network_state(plans, configuration, dataset_json or {})
        network_info = describe_plans(plans, configuration, dataset_json)
    except Exception as exc:  # plans nnU-Net itself could not build either
        return None, [P.error(
            P.CONFIG_NOT_AVAILABLE,
            f"nnU-Net cannot build the '{configuration}' network of the fine-tuning plans "
            f"{plans.get('plans_name', '')} ({_short(exc)}), so the weights cannot be checked.",
            "Plan the fine-tuning dataset again (nnUNetv2_plan_experiment) or choose another "
            "configuration.")]
    checkpoint_info = describe_checkpoint(checkpoint)
    report = dataclasses.replace(compare_weights(checkpoint["network_weights"], expected),
                                 checkpoint_info=checkpoint_info, network_info=network_info)
    problems = explain(report, checkpoint=path, checkpoint_info=checkpoint_info,
                       network_info=network_info)
    if key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (report, list(problems))
    return report, problems


def check_weights(checkpoint_path: Path | str, context: ChainContext,
                  ) -> tuple[WeightsReport | None, list[Problem]]:
    """Check a checkpoint against the fine-tuning network of a chain (its fine-tuning dataset,
    configuration and plans). Report ``None`` when the checkpoint cannot be read or the
    fine-tuning dataset is not planned yet (then only readability is checked)."""
    return check_weights_against(checkpoint_path, context.finetune_plans(),
                                 context.options.configuration,
                                 _finetune_dataset_json(context))


# -- GPU-saved checkpoints on a CPU-only machine ------------------------------------------------
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
    import torch

    source, target_dir = Path(path), Path(target_dir)
    target = target_dir / source.name
    if target.is_file() and target.stat().st_mtime_ns >= source.stat().st_mtime_ns \
            and not needs_cpu_copy(target):
        return target
    checkpoint, problems = load_checkpoint_safely(source)
    if checkpoint is None:
        raise WeightsError(problems)
    from .safety import atomic_write

    atomic_write(target, lambda handle: torch.save(checkpoint, handle))
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m nnft.core.weights cpu-copy CHECKPOINT DIR`` (used by exported scripts)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] != "cpu-copy":
        print("usage: python -m nnft.core.weights cpu-copy CHECKPOINT TARGET_DIR",
              file=sys.stderr)
        return 2
    try:
        print(make_cpu_copy(args[1], args[2]))
    except WeightsError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
