"""Qt-free logic of the "Validate transferred plans" page.

Two things are checked before any weights move:

* the transferred plans against the fine-tuning plans, row by row (:func:`plans_rows`), with a
  verdict on whether the pretrained weights will load (:func:`architecture_verdict`);
* what one training patch covers in each dataset's images (:func:`load_preview_volume`,
  :func:`patch_in_pixels`), because the pretraining data is resampled to the fine-tuning
  dataset's target spacing.

Nothing here imports Qt; the page only turns these results into widgets and translated text.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # numpy is imported where arrays are made: ~0.2 s off the wizard's start
    import numpy as np

from .plans import (
    ConfigurationSummary,
    load_plans,
    resolved_configuration,
    summarize_configuration,
)

# -- plans comparison ---------------------------------------------------------------------------

#: Keys that the transfer changes on purpose (NNUNET_FACTS §2: ``dataset_name`` and
#: ``plans_name`` are set, every ``data_identifier`` is renamed after the new identifier).
EXPECTED_DIFFERENCES = frozenset({"dataset_name", "plans_name", "data_identifier"})

#: Intensity properties CTNormalization uses (clip to the percentiles, then z-score).
INTENSITY_KEYS = ("mean", "std", "percentile_00_5", "percentile_99_5")

#: ``arch_kwargs`` that :class:`~nnft.core.plans.StageSummary` already covers.
_STAGE_KWARGS = frozenset({"n_stages", "features_per_stage", "kernel_sizes", "strides",
                           "n_conv_per_stage", "n_blocks_per_stage"})


class RowGroup(enum.Enum):
    """Sections of the comparison table."""

    IDENTITY = "identity"
    TRAINING = "training"
    NORMALIZATION = "normalization"
    ARCHITECTURE = "architecture"


class RowStatus(enum.Enum):
    """What a row means for the transfer.

    SAME
        Both plans agree.
    EXPECTED
        Differs by design (the transfer renames these).
    DIFFERS
        Differs although the transfer copies it: the weights still load, but the pretraining
        sees data prepared differently from the fine-tuning (the plans were edited or are
        stale).
    WRONG_TARGET
        ``dataset_name``/``plans_name`` of the transferred plans do not name the pretraining
        dataset / the chosen identifier: the trainer would read the wrong data folder.
    BREAKS_WEIGHTS
        An architectural difference: ``load_pretrained_weights`` will refuse the checkpoint.
    MISSING
        One side has no value (a plans file or configuration is missing).
    """

    SAME = "same"
    EXPECTED = "expected"
    DIFFERS = "differs"
    WRONG_TARGET = "wrong_target"
    BREAKS_WEIGHTS = "breaks_weights"
    MISSING = "missing"


@dataclass(frozen=True)
class PlansRow:
    """One row of the side-by-side comparison.

    ``key`` is stable and language-neutral (``"stage 1 stride"``, ``"intensity 0 mean"``);
    ``field``/``index`` let a view build a translated label from it.
    """

    key: str
    group: RowGroup
    field: str
    index: int | str | None
    finetune: Any
    transferred: Any
    status: RowStatus
    own: Any = None  # the pretraining dataset's own (pre-transfer) plans, when known

    @property
    def differs(self) -> bool:
        return self.status not in (RowStatus.SAME,)

    @property
    def architectural(self) -> bool:
        return self.group is RowGroup.ARCHITECTURE


_ABSENT = object()


def _status(key: str, group: RowGroup, left: Any, right: Any,
            expected_right: Any = _ABSENT, *, available: bool = True) -> RowStatus:
    """Classify one row; ``available`` is False when either side's plans (or configuration)
    could not be read, so a None there means "unknown", not "unset"."""
    if not available:
        return RowStatus.MISSING
    if expected_right is not _ABSENT and expected_right is not None and right != expected_right:
        return RowStatus.WRONG_TARGET
    if _equal(left, right):
        return RowStatus.SAME
    if key in EXPECTED_DIFFERENCES:
        return RowStatus.EXPECTED
    if group is RowGroup.ARCHITECTURE:
        return RowStatus.BREAKS_WEIGHTS
    return RowStatus.DIFFERS


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
        except (TypeError, ValueError):
            return False
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _intensity(plans: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    props = plans.get("foreground_intensity_properties_per_channel") if plans else None
    return {str(k): v for k, v in props.items() if isinstance(v, dict)} \
        if isinstance(props, dict) else {}


def _extra_arch_kwargs(plans: dict[str, Any] | None, configuration: str) -> dict[str, Any]:
    resolved = resolved_configuration(plans, configuration) if plans else None
    architecture = (resolved or {}).get("architecture") or {}
    kwargs = architecture.get("arch_kwargs") if isinstance(architecture, dict) else None
    if not isinstance(kwargs, dict):
        return {}
    return {k: v for k, v in kwargs.items() if k not in _STAGE_KWARGS}


def plans_rows(finetune_plans: dict[str, Any] | None,
               transferred_plans: dict[str, Any] | None,
               configuration: str,
               *,
               own_plans: dict[str, Any] | None = None,
               pretrain_dataset_name: str | None = None,
               plans_identifier: str | None = None,
               channels: tuple[int | None, int | None] | None = None) -> list[PlansRow]:
    """The fine-tuning plans next to the transferred plans, one classified row per value.

    Parameters
    ----------
    finetune_plans, transferred_plans
        The two plans dicts; either may be None (not written yet): its rows are MISSING.
    configuration
        ``2d``, ``3d_fullres``, ...
    own_plans
        The pretraining dataset's own default plans, to show what the transfer changed.
    pretrain_dataset_name, plans_identifier
        What the transferred plans' ``dataset_name``/``plans_name`` must be.
    channels
        Input channel counts (fine-tuning, pretraining) from each ``dataset.json``; the first
        convolution's weights depend on it.
    """
    rows: list[PlansRow] = []
    a = summarize_configuration(finetune_plans, configuration) if finetune_plans else None
    b = summarize_configuration(transferred_plans, configuration) if transferred_plans else None
    o = summarize_configuration(own_plans, configuration) if own_plans else None

    def get(plans: dict[str, Any] | None, key: str) -> Any:
        return plans.get(key) if isinstance(plans, dict) else None

    files_available = finetune_plans is not None and transferred_plans is not None
    configs_available = a is not None and b is not None

    def add(key: str, group: RowGroup, field: str, index: int | str | None,
            pick, expected_right: Any = _ABSENT, *, file_level: bool = False) -> None:
        left, right = pick(a, finetune_plans), pick(b, transferred_plans)
        own = pick(o, own_plans) if own_plans else None
        available = files_available if file_level else configs_available
        rows.append(PlansRow(key, group, field, index, left, right,
                             _status(key, group, left, right, expected_right,
                                     available=available), own))

    def conf(attribute: str):
        def pick(summary: ConfigurationSummary | None, _plans: Any) -> Any:
            value = getattr(summary, attribute) if summary is not None else None
            return list(value) if isinstance(value, tuple) else value
        return pick

    add("dataset_name", RowGroup.IDENTITY, "dataset_name", None,
        lambda _s, p: get(p, "dataset_name"), pretrain_dataset_name, file_level=True)
    add("plans_name", RowGroup.IDENTITY, "plans_name", None,
        lambda _s, p: get(p, "plans_name"), plans_identifier, file_level=True)
    add("data_identifier", RowGroup.IDENTITY, "data_identifier", None, conf("data_identifier"))

    add("patch_size", RowGroup.TRAINING, "patch_size", None, conf("patch_size"))
    add("batch_size", RowGroup.TRAINING, "batch_size", None, conf("batch_size"))
    add("spacing", RowGroup.TRAINING, "spacing", None, conf("spacing"))

    n_channels = max(len(a.normalization_schemes) if a else 0,
                     len(b.normalization_schemes) if b else 0)
    for c in range(n_channels):
        def scheme(summary: ConfigurationSummary | None, _p: Any, c: int = c) -> Any:
            if summary is None or c >= len(summary.normalization_schemes):
                return None
            return summary.normalization_schemes[c]
        add(f"normalization {c}", RowGroup.NORMALIZATION, "normalization", c, scheme)
    channel_ids = sorted(set(_intensity(finetune_plans)) | set(_intensity(transferred_plans)),
                         key=lambda k: (len(k), k))
    for ch in channel_ids:
        for prop in INTENSITY_KEYS:
            def value(_s: Any, p: Any, ch: str = ch, prop: str = prop) -> Any:
                return _intensity(p).get(ch, {}).get(prop)
            add(f"intensity {ch} {prop}", RowGroup.NORMALIZATION, prop, ch, value,
                file_level=True)

    if channels is not None and None not in channels:
        rows.append(PlansRow("input_channels", RowGroup.ARCHITECTURE, "input_channels", None,
                             channels[0], channels[1],
                             _status("input_channels", RowGroup.ARCHITECTURE, *channels)))
    add("network_class", RowGroup.ARCHITECTURE, "network_class", None, conf("network_class"))
    add("n_stages", RowGroup.ARCHITECTURE, "n_stages", None,
        lambda s, _p: len(s.stages) if s is not None else None)
    n_stages = max(len(a.stages) if a else 0, len(b.stages) if b else 0)
    for i in range(n_stages):
        for field, attribute in (("features", "features"), ("kernel", "kernel_size"),
                                 ("stride", "stride"), ("convs", "n_convs")):
            def stage_value(s: ConfigurationSummary | None, _p: Any, i: int = i,
                            attribute: str = attribute) -> Any:
                if s is None or i >= len(s.stages):
                    return None
                value = getattr(s.stages[i], attribute)
                return list(value) if isinstance(value, tuple) else value
            add(f"stage {i} {field}", RowGroup.ARCHITECTURE, field, i, stage_value)
    extra_a = _extra_arch_kwargs(finetune_plans, configuration)
    extra_b = _extra_arch_kwargs(transferred_plans, configuration)
    extra_own = _extra_arch_kwargs(own_plans, configuration)
    for name in dict.fromkeys([*extra_a, *extra_b]):
        if name in extra_a and name in extra_b:
            status = _status(name, RowGroup.ARCHITECTURE, extra_a[name], extra_b[name],
                             available=configs_available)
        else:  # a setting only one network has
            status = RowStatus.BREAKS_WEIGHTS if configs_available else RowStatus.MISSING
        rows.append(PlansRow(name, RowGroup.ARCHITECTURE, name, None, extra_a.get(name),
                             extra_b.get(name), status, extra_own.get(name)))
    return rows


class VerdictKind(enum.Enum):
    IDENTICAL = "identical"
    DIFFERENT = "different"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ArchitectureVerdict:
    """Will the pretrained weights load into the fine-tuning network?

    ``differing`` names the architectural rows that differ (``"stage 1 stride"``);
    ``missing`` says which side could not be read (``"finetune"``, ``"transferred"``, or
    ``"configuration"`` when a plans file lacks the configuration).
    """

    kind: VerdictKind
    differing: tuple[str, ...] = ()
    missing: str | None = None

    @property
    def loads(self) -> bool:
        return self.kind is VerdictKind.IDENTICAL


def architecture_verdict(finetune_plans: dict[str, Any] | None,
                         transferred_plans: dict[str, Any] | None,
                         configuration: str,
                         rows: Sequence[PlansRow] | None = None,
                         channels: tuple[int | None, int | None] | None = None,
                         ) -> ArchitectureVerdict:
    """Compare ``summarize_configuration(...).architecture_key`` of both plans (plus the
    remaining ``arch_kwargs`` and the input channel count, which also shape the weights)."""
    if finetune_plans is None:
        return ArchitectureVerdict(VerdictKind.UNAVAILABLE, missing="finetune")
    if transferred_plans is None:
        return ArchitectureVerdict(VerdictKind.UNAVAILABLE, missing="transferred")
    a = summarize_configuration(finetune_plans, configuration)
    b = summarize_configuration(transferred_plans, configuration)
    if a is None or b is None:
        return ArchitectureVerdict(VerdictKind.DIFFERENT, ("configuration",),
                                   missing="configuration")
    if rows is None:
        rows = plans_rows(finetune_plans, transferred_plans, configuration, channels=channels)
    differing = tuple(r.key for r in rows
                      if r.architectural and r.status is RowStatus.BREAKS_WEIGHTS)
    if a.architecture_key != b.architecture_key and not differing:
        differing = ("architecture",)  # defensive: the key differs in a way rows do not show
    return ArchitectureVerdict(VerdictKind.DIFFERENT if differing else VerdictKind.IDENTICAL,
                               differing)


#: Row fields whose lists are shapes (``48 × 48``) rather than plain lists (``2, 2, 2``).
SHAPE_FIELDS = frozenset({"patch_size", "spacing", "kernel", "stride"})


def format_row_value(row: PlansRow, value: Any) -> str:
    """:func:`format_value` with the row's list style."""
    return format_value(value, as_shape=row.field in SHAPE_FIELDS)


def format_value(value: Any, *, as_shape: bool = True) -> str:
    """Compact, language-neutral text for a plans value: ``48 × 48``, ``0.8``, ``—``."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    if isinstance(value, list | tuple):
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        if numeric and value and as_shape:
            return " × ".join(format_value(v) for v in value)
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={format_value(v)}" for k, v in value.items()) or "{}"
    text = str(value)
    # torch.nn.modules.conv.Conv2d -> Conv2d: the module path adds nothing here.
    return text.rsplit(".", 1)[-1] if text.count(".") >= 2 and " " not in text else text


# -- image preview ------------------------------------------------------------------------------

class PreviewVolume(NamedTuple):
    """An image for the preview: unpacks as ``(image, label, spacing)``.

    ``image`` is float32 in (z, y, x); ``label`` is an int array of the same shape or None;
    ``spacing`` is SimpleITK's (x, y, z) in mm.
    """

    image: np.ndarray
    label: np.ndarray | None
    spacing: tuple[float, float, float]


def load_preview_volume(image_path: str | Path,
                        label_path: str | Path | None = None) -> PreviewVolume:
    """Read one channel image (and its label) with SimpleITK.

    2D images become one-slice volumes (spacing z = 1); vector images keep their first
    component. A label whose shape differs from the image's is dropped rather than
    misdrawn.
    """
    import numpy as np

    # SimpleITK costs ~0.3 s to import: paid when a slice is shown, not at wizard start-up.
    import SimpleITK as sitk

    image = sitk.ReadImage(str(image_path))
    array = sitk.GetArrayFromImage(image)
    if image.GetNumberOfComponentsPerPixel() > 1:
        array = array[..., 0]
    spacing = [float(s) for s in image.GetSpacing()]
    if array.ndim == 2:
        array = array[None]
        spacing = [*spacing[:2], 1.0]
    elif array.ndim > 3:  # 4D: keep the first volume
        array = array.reshape((-1, *array.shape[-3:]))[0]
        spacing = spacing[:3]
    label = None
    if label_path is not None and Path(label_path).exists():
        try:
            label_array = sitk.GetArrayFromImage(sitk.ReadImage(str(label_path)))
        except RuntimeError:  # an unreadable label must not hide the image
            label_array = None
        if label_array is not None and label_array.ndim == 2:
            label_array = label_array[None]
        if label_array is not None and label_array.shape == array.shape:
            label = label_array.astype(np.int32, copy=False)
    return PreviewVolume(np.ascontiguousarray(array, dtype=np.float32), label,
                         (spacing[0], spacing[1], spacing[2]))


def display_window(image: np.ndarray, low: float = 1.0, high: float = 99.0) -> tuple[float, float]:
    """A CT-like grey window: the ``low``-th to ``high``-th percentile of the whole volume
    (of every n-th voxel for volumes above ~2 million voxels, which keeps it instant)."""
    import numpy as np

    flat = image.ravel()
    flat = flat[::max(1, flat.size // 2_000_000)]
    finite = flat[np.isfinite(flat)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = (float(v) for v in np.percentile(finite, [low, high]))
    if hi <= lo:
        lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi


def to_uint8(slice_2d: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """Window a slice into contiguous 0..255 grey values."""
    import numpy as np

    lo, hi = window
    scaled = (np.nan_to_num(slice_2d, nan=lo) - lo) * (255.0 / (hi - lo))
    return np.ascontiguousarray(np.clip(scaled, 0, 255).astype(np.uint8))


def best_slice(label: np.ndarray | None, depth: int) -> int:
    """The axial slice with the most foreground (the middle one without a label)."""
    import numpy as np

    if label is not None and label.ndim == 3 and label.shape[0] == depth:
        counts = (label > 0).reshape(depth, -1).sum(axis=1)
        if counts.max() > 0:
            return int(np.argmax(counts))
    return depth // 2


@dataclass(frozen=True)
class PatchFootprint:
    """A training patch measured in the preview image's voxels.

    ``rows``/``cols`` are the patch's extent in the axial slice (y, x) in image pixels;
    ``slices`` its depth in image slices (None for a 2d configuration, whose patch is one
    slice).
    """

    patch_size: tuple[int, ...]
    target_spacing: tuple[float, ...]
    rows: float
    cols: float
    slices: float | None

    @property
    def rows_px(self) -> int:
        return int(round(self.rows))

    @property
    def cols_px(self) -> int:
        return int(round(self.cols))


def patch_in_pixels(patch_size: Sequence[int], target_spacing: Sequence[float],
                    image_spacing_xyz: Sequence[float],
                    transpose_forward: Sequence[int] = (0, 1, 2)) -> PatchFootprint:
    """Convert a plans' patch size to voxels of a raw image: ``patch * target / image``.

    ``patch_size`` and ``target_spacing`` are in the plans' axis order: (y, x) for 2d and
    (z, y, x) for 3d configurations, after nnU-Net's ``transpose_forward`` (identity for
    most datasets). ``image_spacing_xyz`` is SimpleITK's order.
    """
    n = len(patch_size)
    if n not in (2, 3) or len(target_spacing) != n:
        raise ValueError(f"patch size {list(patch_size)} and spacing {list(target_spacing)} "
                         "must both have 2 or 3 entries")
    image_zyx = [float(s) for s in reversed(list(image_spacing_xyz)[:3])]
    axes = [int(a) for a in list(transpose_forward)[-n:]]
    extent_mm: list[float | None] = [None, None, None]
    for patch, spacing, axis in zip(patch_size, target_spacing, axes, strict=True):
        extent_mm[axis] = float(patch) * float(spacing)

    def pixels(axis: int) -> float | None:
        mm = extent_mm[axis]
        return None if mm is None else mm / image_zyx[axis]

    rows, cols = pixels(1), pixels(2)
    return PatchFootprint(tuple(int(p) for p in patch_size),
                          tuple(float(s) for s in target_spacing),
                          1.0 if rows is None else rows, 1.0 if cols is None else cols,
                          pixels(0))


def first_case_files(cases: dict[str, dict[str, Any]] | None,
                     ) -> tuple[str, Path, Path | None] | None:
    """The first case (sorted by id): its id, first channel image and label."""
    if not cases:
        return None
    case_id = sorted(cases, key=str)[0]
    entry = cases[case_id] or {}
    images = entry.get("images") or []
    if not images:
        return None
    label = entry.get("label")
    return str(case_id), Path(images[0]), Path(label) if label else None


def own_plans_candidates(pretrain_preprocessed: Path, source_identifier: str,
                         transferred_identifier: str) -> list[Path]:
    """Where the pretraining dataset's own (pre-transfer) plans may be: its plans under the
    source planner's identifier, then nnU-Net's default; never the transferred file itself."""
    names = dict.fromkeys([source_identifier, "nnUNetPlans"])
    return [pretrain_preprocessed / f"{n}.json" for n in names if n != transferred_identifier]


def try_load_plans(path: Path | None) -> tuple[dict[str, Any] | None, str | None]:
    """``(plans, None)``, or ``(None, why)`` when the file is absent (why = ``"missing"``) or
    unreadable (why = the error)."""
    if path is None or not Path(path).is_file():
        return None, "missing"
    try:
        plans = load_plans(path)
    except (OSError, ValueError) as error:
        return None, str(error)
    if not isinstance(plans, dict):
        return None, "not a JSON object"
    return plans, None
