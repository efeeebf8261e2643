"""nnU-Net's rule for ``-pretrained_weights`` applied before any GPU time (:func:`compare_weights`),
the causes of a misfit in plain words (:func:`explain`), and the cached check of a checkpoint
against a chain's fine-tuning network (:func:`check_weights`)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nnft.core import problems as P
from nnft.core.i18n import text
from nnft.core.problems import Problem

from .network import (
    NetworkDescription,
    _finetune_dataset_json,
    describe_checkpoint,
    describe_plans,
    expected_network_state,
)
from .read import _short, _stat_key, load_checkpoint_safely

if TYPE_CHECKING:
    # Type hints only: steps and checks import this package, not the other way round.
    from nnft.core.steps import ChainContext


#: nnU-Net never transfers these (the 1x1 output convolutions; the class count may differ).
SKIP_STRING = ".seg_layers."

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
        """``"checkpoint"`` or ``"network"``: dataset, plans, configuration, class, dimensions
        and input channels, as far as known (``nnft check-weights``, text and JSON)."""
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
    trained = text(" (trained with {label})", label=ckpt.label()) if ckpt.label() else ""
    head = text("The checkpoint {checkpoint}{trained} does not fit the network the fine-tuning "
                "builds{where}", checkpoint=checkpoint, trained=trained, where=where)
    counts = text("{missing} key(s) missing and {mismatched} with another shape, {matching} "
                  "matching", missing=len(report.missing), mismatched=len(report.mismatched),
                  matching=len(report.matching))
    transfer_how = text(
        "nnft run does both: nnUNetv2_move_plans_between_datasets -s FINETUNE -t PRETRAIN "
        "-sp <fine-tuning plans> -tp <new name>, then preprocess and train the pretraining "
        "dataset with -p <new name>")
    transfer_fix = text("Transfer the fine-tuning dataset's plans to the pretraining dataset "
                        "and pretrain with them ({how}).", how=transfer_how)

    # 1. Keys of a DDP / torch.compile wrapper (checkpoints written outside nnU-Net).
    for prefix in _WRAPPER_PREFIXES:
        stripped = {k[len(prefix):] for k in report.unexpected if k.startswith(prefix)}
        if report.missing and len(stripped & set(report.missing)) >= len(report.missing) / 2:
            return [P.error(
                P.WEIGHTS_ARCH_MISMATCH,
                text("{head}: its keys start with '{prefix}' (saved from a "
                     "DistributedDataParallel or torch.compile wrapper), e.g. "
                     "'{prefix}{example}'. {counts}.", head=head, prefix=prefix,
                     example=sorted(stripped)[0], counts=counts),
                text("Re-save the weights without the '{prefix}' prefix: "
                     "{{k.removeprefix('{prefix}'): v for k, v in weights.items()}}.",
                     prefix=prefix))]

    # 2. Another network class.
    ckpt_class = ckpt.short_class or _class_from_keys(report.checkpoint_shapes)
    net_class = net.short_class or _class_from_keys(report.network_shapes)
    ckpt_dims = _conv_dims(report.checkpoint_shapes)
    net_dims = _conv_dims(report.network_shapes)
    if ckpt_class and net_class and ckpt_class != net_class:
        plans_hint = f" '{ckpt.plans_name}'" if ckpt.plans_name else ""
        found.append(P.error(
            P.WEIGHTS_ARCH_MISMATCH,
            text("{head}: the checkpoint is a {checkpoint_class}, the fine-tuning network a "
                 "{network_class} (a different network class, e.g. ResEnc vs plain U-Net "
                 "plans, so the layer names differ). {counts}, e.g. {examples}.", head=head,
                 checkpoint_class=ckpt_class, network_class=net_class, counts=counts,
                 examples=_example_lines(report, list(report.missing))),
            text("Use one plans file, and so one network class, for both phases: plan the "
                 "fine-tuning dataset with the planner of the checkpoint's plans{plans_hint} "
                 "and fine-tune with those plans (--finetune-plans), or pretrain again with "
                 "plans transferred from the fine-tuning dataset ({how}).",
                 plans_hint=plans_hint, how=transfer_how)))
        return found

    # 3. 2d vs 3d.
    if ckpt_dims and net_dims and ckpt_dims != net_dims:
        dims = [(k, a, b) for k, a, b in report.mismatched if len(a) != len(b)]
        same = net.configuration or ("3d_fullres" if net_dims == 3 else "2d")
        found.append(P.error(
            P.WEIGHTS_ARCH_MISMATCH,
            text("{head}: the checkpoint is a {checkpoint_dims}d network, the fine-tuning "
                 "builds a {network_dims}d network (2d and 3d weights never fit each other). "
                 "{counts}, e.g. {examples}.", head=head, checkpoint_dims=ckpt_dims,
                 network_dims=net_dims, counts=counts,
                 examples=_example_lines(report, [k for k, _, _ in dims])),
            text("Pretrain and fine-tune with the same configuration: pretrain with "
                 "'{configuration}' (nnft run --config {configuration}), or fine-tune with the "
                 "configuration the checkpoint was trained with.", configuration=same)))
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
            text("The checkpoint {checkpoint}{trained} was trained with {checkpoint_channels} "
                 "input channel(s), the fine-tuning network{where} has {network_channels}: the "
                 "first convolution {key} is {checkpoint_shape} in the checkpoint and "
                 "{network_shape} in the network.", checkpoint=checkpoint, trained=trained,
                 checkpoint_channels=a[1], where=where, network_channels=b[1], key=key,
                 checkpoint_shape=a, network_shape=b),
            text("nnU-Net's -pretrained_weights cannot adapt the first layer (nnU-Net #2252): "
                 "pretrain on data with the same channels, in the same order, as the "
                 "fine-tuning dataset (channel_names in dataset.json).")))
    channel_set = {k for k, _, _ in channel_keys}
    rest_mismatched = [k for k, _, _ in report.mismatched if k not in channel_set]
    if not rest_mismatched and not report.missing:
        return found

    # 5. Topology: plans not transferred.
    differences = _topology_differences(ckpt, net, report)
    cause = (text("different {differences}", differences=", ".join(differences))
             if differences else text("a different topology"))
    found.append(P.error(
        P.WEIGHTS_ARCH_MISMATCH,
        text("{head}: {cause} (checkpoint vs fine-tuning plans); the plans were not "
             "transferred from the fine-tuning dataset. {counts}, e.g. {examples}.", head=head,
             cause=cause, counts=counts,
             examples=_example_lines(report, rest_mismatched + list(report.missing))),
        transfer_fix))
    return found


# -- the check ----------------------------------------------------------------------------------
_CACHE: dict[Any, tuple[WeightsReport | None, list[Problem]]] = {}
_CACHE_SIZE = 8


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
            text("nnU-Net cannot build the '{configuration}' network of the fine-tuning plans "
                 "{plans} ({error}), so the weights cannot be checked.",
                 configuration=configuration, plans=plans.get("plans_name", ""),
                 error=_short(exc)),
            text("Plan the fine-tuning dataset again (nnUNetv2_plan_experiment) or choose "
                 "another configuration."))]
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
