"""Does a trained model fit a fine-tuning dataset? Its plans against the dataset's own data.

When the fine-tuning starts from a model someone else trained, the dataset is preprocessed
with the model's plans: resampled to the model's target spacing and normalised with the
model's schemes and intensity statistics. That is right when the data resemble the model's
training data and silently wrong when they do not (a CT model's fixed intensity window applied
to MRI). This module puts the two side by side (rows for the validation page) and turns the
differences that matter into problems (warnings; another number of input channels is an
error: the first layer's weights cannot load).

Pure functions over JSON data (the model's plans and dataset.json, the fine-tuning dataset's
dataset.json and fingerprint); nnU-Net's own rule maps channel names to normalization schemes.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from . import problems as P
from .i18n import text
from .problems import Problem

#: A per-axis spacing ratio beyond this (either way) is warned about.
SPACING_RATIO_WARNING = 2.0
SAME, DIFFERS, WARNING = "same", "differs", "warning"


@dataclass(frozen=True)
class FitRow:
    """One quantity, the model's value and the dataset's, and how they compare.

    ``status``: ``same``, ``differs`` (worth seeing, not a problem) or ``warning``.
    """

    quantity: str
    model: str
    dataset: str
    status: str


def _channel_names(dataset_json: dict[str, Any]) -> list[str]:
    names = dataset_json.get("channel_names", dataset_json.get("modality", {}))
    if not isinstance(names, dict):
        return []
    return [str(names[k]) for k in sorted(names, key=lambda k: int(k) if str(k).isdigit() else 0)]


def nnunet_normalization(channel_name: str) -> str:
    """The normalization scheme nnU-Net's planner picks for a channel name (its own rule)."""
    from nnunetv2.preprocessing.normalization.map_channel_name_to_normalization import (
        get_normalization_scheme,
    )

    return get_normalization_scheme(channel_name).__name__


def _fmt(values: Any, digits: int = 3) -> str:
    if isinstance(values, (list, tuple)):
        return "(" + ", ".join(_fmt(v, digits) for v in values) + ")"
    if isinstance(values, float):
        return f"{values:.{digits}g}"
    return str(values)


def median_spacing(fingerprint: dict[str, Any]) -> list[float] | None:
    """The per-axis median of the fingerprint's spacings (nnU-Net's axis order)."""
    spacings = fingerprint.get("spacings")
    if not isinstance(spacings, list) or not spacings:
        return None
    try:
        return [float(statistics.median(float(s[i]) for s in spacings))
                for i in range(len(spacings[0]))]
    except (TypeError, ValueError, IndexError):
        return None


def model_fit(model_plans: dict[str, Any], model_dataset_json: dict[str, Any],
              configuration: str, dataset_name: str, dataset_json: dict[str, Any],
              fingerprint: dict[str, Any] | None) -> tuple[list[FitRow], list[Problem]]:
    """Compare a model's plans with a fine-tuning dataset.

    Parameters
    ----------
    model_plans, model_dataset_json
        The model's ``plans.json`` and ``dataset.json``.
    configuration
        The model's configuration (its folder's ``__<config>``).
    dataset_name, dataset_json
        The fine-tuning dataset's name and raw ``dataset.json``.
    fingerprint
        Its ``dataset_fingerprint.json`` once extracted (None before: the spacing and intensity
        rows then say so, and only the channel checks are made).

    Returns
    -------
    (rows, problems)
        Rows for a side-by-side table; ``SOURCE_MODEL_CHANNELS`` (error),
        ``SOURCE_MODEL_NORMALIZATION``, ``SOURCE_MODEL_SPACING``, ``SOURCE_MODEL_INTENSITY``
        (warnings) and ``LABELS_DIFFER`` (info).
    """
    rows: list[FitRow] = []
    problems: list[Problem] = []
    config = (model_plans.get("configurations") or {}).get(configuration) or {}
    model_channels = _channel_names(model_dataset_json)
    data_channels = _channel_names(dataset_json)

    same_count = len(model_channels) == len(data_channels)
    rows.append(FitRow("input channels", f"{len(model_channels)}: {', '.join(model_channels)}",
                       f"{len(data_channels)}: {', '.join(data_channels)}",
                       SAME if model_channels == data_channels else
                       DIFFERS if same_count else WARNING))
    if not same_count:
        problems.append(P.error(
            P.SOURCE_MODEL_CHANNELS,
            text("The model takes {model_count} input channel(s) ({model_channels}), but "
                 "{dataset} has {dataset_count} ({dataset_channels}). The first layer's "
                 "weights are made for the model's channels and cannot be loaded for others.",
                 model_count=len(model_channels),
                 model_channels=", ".join(model_channels) or "none", dataset=dataset_name,
                 dataset_count=len(data_channels),
                 dataset_channels=", ".join(data_channels) or "none"),
            text("Fine-tune from a model trained on the same channels as your data, or give "
                 "your dataset the model's channels (same number, same order)."),
        ))

    schemes = config.get("normalization_schemes") or []
    for index, channel in enumerate(data_channels):
        model_scheme = str(schemes[index]) if index < len(schemes) else "?"
        own_scheme = nnunet_normalization(channel)
        model_name = model_channels[index] if index < len(model_channels) else "?"
        differs = model_scheme != own_scheme
        rows.append(FitRow(f"normalization, channel {index}",
                           f"{model_scheme} ({model_name})", f"{own_scheme} ({channel})",
                           WARNING if differs else SAME))
        if differs and index < len(model_channels):
            problems.append(P.warning(
                P.SOURCE_MODEL_NORMALIZATION,
                text("Channel {index} is '{model_name}' for the model, which normalises it "
                     "with {model_scheme}, but '{channel}' in {dataset}, which nnU-Net would "
                     "normalise with {own_scheme}. The fine-tuning preprocesses your images "
                     "the model's way{consequence}", index=index, model_name=model_name,
                     model_scheme=model_scheme, channel=channel, dataset=dataset_name,
                     own_scheme=own_scheme,
                     consequence=text(": a CT window and CT statistics applied to images that "
                                      "are not CT give the network inputs unlike anything it "
                                      "learned.") if "CT" in (model_scheme + own_scheme)
                     else "."),
                text("Fine-tune from a model trained on the same kind of images (modality), "
                     "or check the validation Dice against a from-scratch baseline "
                     "(--baseline)."),
            ))

    spacing = config.get("spacing")
    own = median_spacing(fingerprint) if fingerprint else None
    if isinstance(spacing, list) and own is not None:
        own_axes = own[-len(spacing):]  # 2d plans give the in-plane axes only
        ratios = [o / s for o, s in zip(own_axes, spacing, strict=False) if s]
        far = any(r > SPACING_RATIO_WARNING or r < 1 / SPACING_RATIO_WARNING for r in ratios)
        rows.append(FitRow("spacing (median)", _fmt(spacing), _fmt(own_axes),
                           WARNING if far else SAME if ratios and all(
                               abs(r - 1) < 1e-3 for r in ratios) else DIFFERS))
        if far:
            problems.append(P.warning(
                P.SOURCE_MODEL_SPACING,
                text("{dataset}'s median spacing {spacing} is far from the model's target "
                     "spacing {model_spacing} (ratios {ratios}): every image is resampled by "
                     "that much, which blurs thin structures or invents detail.",
                     dataset=dataset_name, spacing=_fmt(own_axes),
                     model_spacing=_fmt(spacing), ratios=_fmt(ratios, 2)),
                text("Check that the model was trained on comparable scans; a from-scratch "
                     "baseline (--baseline) shows whether the weights still help."),
            ))
    else:
        rows.append(FitRow("spacing (median)", _fmt(spacing),
                           "after the fingerprint" if fingerprint is None else "?", DIFFERS))

    model_intensity = model_plans.get("foreground_intensity_properties_per_channel") or {}
    own_intensity = (fingerprint or {}).get("foreground_intensity_properties_per_channel") or {}
    for index in range(len(data_channels)):
        theirs = model_intensity.get(str(index)) or {}
        ours = own_intensity.get(str(index)) or {}
        low, high = theirs.get("percentile_00_5"), theirs.get("percentile_99_5")
        median = ours.get("median")
        model_text = (f"{_fmt(float(low))} … {_fmt(float(high))}"
                      if low is not None and high is not None else "?")
        if median is None:
            rows.append(FitRow(f"foreground intensities, channel {index}", model_text,
                               "after the fingerprint" if fingerprint is None else "?",
                               DIFFERS))
            continue
        data_text = (f"{_fmt(float(ours.get('percentile_00_5', median)))} … "
                     f"{_fmt(float(ours.get('percentile_99_5', median)))}")
        outside = low is not None and high is not None and not (
            float(low) <= float(median) <= float(high))
        scheme = str(schemes[index]) if index < len(schemes) else ""
        # Only a fixed normalization (CT) maps intensities through the model's statistics;
        # z-scoring is per image, so other ranges are fine there.
        fixed = scheme == "CTNormalization"
        rows.append(FitRow(f"foreground intensities, channel {index}", model_text, data_text,
                           WARNING if outside and fixed else DIFFERS if outside else SAME))
        if outside and fixed:
            problems.append(P.warning(
                P.SOURCE_MODEL_INTENSITY,
                text("The median foreground intensity of {dataset}'s channel {index} "
                     "({median}) lies outside the range the model was trained on "
                     "({model_range}), and the model's CT normalization clips to that range.",
                     dataset=dataset_name, index=index, median=_fmt(float(median)),
                     model_range=model_text),
                text("Check the images' units (Hounsfield units for CT) or fine-tune from a "
                     "model trained on data like yours."),
            ))

    model_labels = {k: v for k, v in (model_dataset_json.get("labels") or {}).items()
                    if k != "background"}
    own_labels = {k: v for k, v in (dataset_json.get("labels") or {}).items()
                  if k != "background"}
    rows.append(FitRow("labels", ", ".join(model_labels) or "-", ", ".join(own_labels) or "-",
                       SAME if model_labels == own_labels else DIFFERS))
    if model_labels != own_labels:
        problems.append(P.info(
            P.LABELS_DIFFER,
            text("The model segments {model_labels}, {dataset} has {dataset_labels}: the "
                 "segmentation head is trained anew for your labels (nnU-Net does not load "
                 "it); every other layer starts from the model.",
                 model_labels=sorted(model_labels), dataset=dataset_name,
                 dataset_labels=sorted(own_labels)),
        ))
    return rows, problems
