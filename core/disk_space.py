"""Will the preprocessed data fit? An estimate before preprocessing starts (DISK_SPACE_LOW).

nnU-Net's preprocessing writes every case resampled to the plans' target spacing as float32
per channel plus its segmentation (``CASE.b2nd``, ``CASE_seg.b2nd``, ``CASE.pkl``) and copies
the raw labels to ``gt_segmentations/``. A disk that fills up half way ends in "No space left
on device" or blosc2's "Error while creating the NDArray" deep inside a multiprocessing
traceback; this module says it before anything starts, with both figures.

The estimate is an upper bound: blosc2 compresses the data (how much depends on the images),
and nnU-Net crops each case to its nonzero region first. So too little space for the
uncompressed estimate is a warning; an error only when even a generous compression would not
make it fit (:data:`BEST_COMPRESSION`).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import header_cache
from . import problems as P
from .datasets import DatasetInfo
from .i18n import text
from .nifti_header import is_nifti
from .plans import resolved_configuration
from .problems import Problem

#: Bytes per voxel of a preprocessed image channel (float32) and of the segmentation (int16),
#: uncompressed. At the plans' target spacing the voxel count is exact: measured on real CT and
#: MR scans (docs/measurements.md) the estimate's count equalled the stored ``CASE.b2nd`` shape
#: for every case that nnU-Net did not crop.
IMAGE_BYTES_PER_VOXEL = 4
SEGMENTATION_BYTES_PER_VOXEL = 2
#: nnU-Net's margins: the properties files (class locations of sampled foreground voxels)
#: and the file system's rounding, as a fraction of the data. Measured (docs/measurements.md):
#: ``CASE.pkl`` is 0.64-2.2 MB a case, 0.6-13 % of the uncompressed data. It does not shrink
#: with the case: per label, max(min(10,000, its voxels), 1 % of its voxels) locations × 32
#: bytes, so small cases with many labels exceed this margin; the compressed data makes up for
#: it in every measured case (total written ≤ estimate / 1.59).
MARGIN = 0.10
#: Free space below estimate / this factor is an error: blosc2 would have to compress the
#: data (and nnU-Net crop it) more than this to fit. Measured estimate / bytes written
#: (docs/measurements.md, benchmarks/preprocessed_compression.py): real CT 1.9-3.8×, real MR
#: with the whole head or body in view 1.6-2.7×, the synthetic demo 7.6×; but skull-stripped
#: brains (zero background) 13-16× in a BraTS-sized field of view and 24-30× in FreeSurfer's
#: 256³ volume: nnU-Net crops to the nonzero box (2.3-5.4× fewer voxels than the header says)
#: and blosc2 stores the zeros left inside it for almost nothing. 10× (the value before that
#: measurement) refused such datasets although they fit; 40 stays above the worst measured
#: 29.5×. Still more zero padding around a small object can compress more than that: only
#: nnU-Net's fingerprint (``shapes_after_crop``) would make the crop part exact.
BEST_COMPRESSION = 40.0
#: nnU-Net's spacing of the fake first axis of 2d images.
SPACING_OF_2D_AXIS = 999.0


def size_text(size_bytes: float) -> str:
    """``12.3 MB`` or ``4.56 GB`` (decimal units, as disk tools show them)."""
    if abs(size_bytes) < 1e9:
        return text("{megabytes:.1f} MB", megabytes=size_bytes / 1e6)
    return text("{gigabytes:.2f} GB", gigabytes=size_bytes / 1e9)


@dataclass(frozen=True)
class SpaceEstimate:
    """Bytes one dataset's preprocessing writes (upper bound) and from how many cases."""

    dataset: str
    cases: int
    bytes_needed: int


def _target_spacing(plans: dict | None, configuration: str) -> tuple[list[float], list[int]] | None:
    """The configuration's target spacing and the plans' ``transpose_forward`` (None without
    plans: the raw size is taken)."""
    if not isinstance(plans, dict) or not isinstance(plans.get("configurations"), dict):
        return None
    configurations = plans["configurations"]
    config: Any = configurations.get(configuration)
    seen = 0
    while isinstance(config, dict) and "spacing" not in config and seen < 5:
        config, seen = configurations.get(str(config.get("inherits_from", ""))), seen + 1
    if not isinstance(config, dict):
        return None
    try:  # a malformed plans file is another check's problem: then the raw size is taken
        spacing = [float(s) for s in config["spacing"]]
        transpose = [int(a) for a in plans.get("transpose_forward", [0, 1, 2])]
    except (KeyError, TypeError, ValueError):
        return None
    if (sorted(transpose) != [0, 1, 2] or len(spacing) not in (2, 3)
            or not all(math.isfinite(s) and s > 0 for s in spacing)):
        return None
    return spacing, transpose


def _voxels_at(size: tuple[int, ...], spacing: tuple[float, ...],
               target: tuple[list[float], list[int]] | None) -> int:
    """Voxels of an image of this SimpleITK size/spacing after nnU-Net's resampling."""
    shape = list(reversed(size))  # SimpleITK's x, y, z → numpy's z, y, x, as nnU-Net reads
    spacings = list(reversed(spacing))
    if len(shape) == 2:
        shape, spacings = [1, *shape], [SPACING_OF_2D_AXIS, *spacings]
    if target is None or len(shape) != 3:
        return math.prod(shape)
    target_spacing, transpose = target
    shape = [shape[a] for a in transpose]
    spacings = [spacings[a] for a in transpose]
    if len(target_spacing) == 2:  # 2d: the first axis is not resampled
        target_spacing = [spacings[0], *target_spacing]
    return math.prod(max(1, round(n * s / t))
                     for n, s, t in zip(shape, spacings, target_spacing, strict=True))


def _size_and_spacing(path: str) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
    """Size and spacing (mm) as SimpleITK reports them, of the spatial axes: from the NIfTI
    header directly (~0.05 ms a file; SimpleITK's ``ReadImageInformation`` ~1.3-3 ms, which on
    a 4,000-case dataset would be 12 s of preflight), else from SimpleITK's header read. Both
    through the header cache: the integrity check read the same headers moments before."""
    header = header_cache.nifti_header(path) if is_nifti(path) else None
    if header is not None and all(math.isfinite(s) for s in header.spacing):
        return header.shape[:len(header.spacing)], header.spacing
    information = header_cache.image_information(path)
    if information is None:
        return None  # an unreadable image is another check's problem
    return information.size, information.spacing


def estimate_preprocessed_bytes(info: DatasetInfo, plans: dict | None,
                                configuration: str) -> SpaceEstimate:
    """What preprocessing ``info`` with ``plans``' configuration writes, at most.

    Parameters
    ----------
    info
        The raw dataset (its case list).
    plans
        The plans the data is made with; None when they do not exist yet (then the raw size is
        taken: nnU-Net's target spacing is the dataset's median spacing).
    configuration
        The configuration preprocessed.

    Returns
    -------
    SpaceEstimate
        Cases × voxels at the target spacing × (4 bytes per channel + 2 for the segmentation),
        plus the copied raw labels and :data:`MARGIN`. Only image headers are read.
    """
    target = _target_spacing(plans, configuration)
    data = 0
    labels = 0
    for case in info.cases.values():
        images = case.get("images") or []
        if not images:
            continue
        found = _size_and_spacing(str(images[0]))
        if found is None:
            continue
        voxels = _voxels_at(*found, target)
        data += voxels * (IMAGE_BYTES_PER_VOXEL * len(images) + SEGMENTATION_BYTES_PER_VOXEL)
        label = case.get("label")
        try:
            labels += Path(label).stat().st_size if label else 0
        except OSError:
            pass
    return SpaceEstimate(info.name, len(info.cases), int(data * (1 + MARGIN)) + labels)


def _free_bytes(folder: Path, free_bytes_of: Callable[[Path], int] | None) -> int | None:
    """Free bytes of ``folder``'s disk (None when it cannot be asked: no problem is claimed)."""
    try:
        return (free_bytes_of or (lambda p: shutil.disk_usage(p).free))(folder)
    except OSError:
        return None


def _preprocessing_details(estimates: list[SpaceEstimate]) -> str:
    """``Dataset002_X: 12 case(s), 2.9 MB; Dataset001_Y: …`` in the user's language."""
    details: str = ""
    for estimate in reversed(estimates):  # "a; b", translatable (a join is plain English)
        one = text("{dataset}: {cases} case(s), {size}", dataset=estimate.dataset,
                   cases=estimate.cases, size=size_text(estimate.bytes_needed))
        details = text("{first}; {rest}", first=one, rest=details) if details else one
    return details


def _preprocessing_at_least(estimates: list[SpaceEstimate]) -> float:
    """Less than this never fits: the estimates compressed :data:`BEST_COMPRESSION` times."""
    return sum(e.bytes_needed for e in estimates) / BEST_COMPRESSION


def _space_low(free: float, at_least: float, message: str, fix: str,
               may_still_fit: str) -> list[Problem]:
    """One DISK_SPACE_LOW: an error when ``free`` is below ``at_least`` (less than the smallest
    sizes never fits), else the warning ``may_still_fit`` (the message and why it may fit)."""
    if free < at_least:
        return [P.error(P.DISK_SPACE_LOW, message, fix)]
    return [P.warning(P.DISK_SPACE_LOW, may_still_fit, fix)]


def disk_space_problems(folder: Path, estimates: list[SpaceEstimate], steps: str, *,
                        free_bytes_of: Callable[[Path], int] | None = None) -> list[Problem]:
    """DISK_SPACE_LOW when ``folder``'s disk has less free space than the estimates need.

    Parameters
    ----------
    folder
        Where the data goes (nnUNet_preprocessed).
    estimates
        One per preprocessing that will run.
    steps
        The steps that write it (for the message, e.g. "1, 5").
    free_bytes_of
        Free bytes of a folder's disk (default ``shutil.disk_usage``; tests pass a figure).
    """
    needed = sum(e.bytes_needed for e in estimates)
    if not estimates or needed <= 0:
        return []
    free = _free_bytes(folder, free_bytes_of)
    if free is None or free >= needed:
        return []
    message = text(
        "Preprocessing (step(s) {steps}) writes up to {needed} into {folder} ({details}), but "
        "only {free} are free there.", steps=steps, needed=size_text(needed), folder=folder,
        details=_preprocessing_details(estimates), free=size_text(free))
    fix = text("Free at least {missing} on that disk, or point nnUNet_preprocessed to a disk "
               "with more space; nnU-Net would otherwise stop half way with 'No space left on "
               "device'.", missing=size_text(needed - free))
    return _space_low(free, _preprocessing_at_least(estimates), message, fix, text(
        "{message} nnU-Net compresses the data, so it may still fit.", message=message))


# -- training: checkpoints and the final validation's predictions (nnUNet_results) -----------
#: Bytes per network parameter in one checkpoint file: float32 weights (4), SGD's momentum
#: buffer (4) and a margin for the pickled logging, the plans and the grad scaler (4). Measured
#: on a demo fine-tuning (2d, features 32-256): 1,928,262 parameters (7.7 MB as float32; the
#: formula below gives exactly that count) make a 15.5 MB checkpoint_final.pth, a factor 2.01
#: over the weights; 3 leaves room.
CHECKPOINT_BYTES_PER_PARAMETER = 4 * 3
#: checkpoint_latest.pth, checkpoint_best.pth and checkpoint_final.pth exist together at the
#: end of a training (nnU-Net removes checkpoint_latest.pth only after writing the final one).
CHECKPOINT_FILES = 3
#: Bytes per voxel of an exported validation prediction: a uint8 segmentation, gzip-compressed
#: (1 is an upper bound of a .nii.gz).
PREDICTION_BYTES_PER_VOXEL = 1
#: Folds of nnU-Net's default split: a numeric fold validates about a fifth of the cases.
DEFAULT_FOLDS = 5


def _conv_parameters(in_channels: int, out_channels: int, kernel: Any) -> int:
    """Weights + bias of one convolution, plus the affine norm that follows it (upper bound)."""
    taps = math.prod(int(k) for k in (kernel if isinstance(kernel, list | tuple) else [kernel]))
    return in_channels * out_channels * taps + out_channels + 2 * out_channels


def network_parameter_count(plans: dict | None, configuration: str, input_channels: int,
                            classes: int) -> int | None:
    """The number of parameters of the configuration's network, from the plans alone (no torch).

    Parameters
    ----------
    plans
        nnU-Net plans (``architecture.arch_kwargs``).
    configuration
        The configuration trained.
    input_channels, classes
        The dataset's channels and labels (background included): the first convolution and the
        segmentation heads.

    Returns
    -------
    int or None
        Exact for ``PlainConvUNet`` (encoder convs, transposed convs, decoder convs, one
        segmentation head per decoder stage, each conv with bias and an affine norm); for other
        classes (the residual encoders) an upper bound counting two convs and a 1x1 projection
        per block plus the stem. None when the plans have no usable architecture.
    """
    try:
        resolved = resolved_configuration(plans or {}, configuration) if plans else None
        architecture = (resolved or {}).get("architecture") or {}
        kwargs = architecture.get("arch_kwargs") or {}
        features = [int(f) for f in kwargs["features_per_stage"]]
        kernels = list(kwargs["kernel_sizes"])
        strides = list(kwargs["strides"])
        n_stages = len(features)
        plain = str(architecture.get("network_class_name", "")).endswith("PlainConvUNet")
        per_stage = kwargs.get("n_conv_per_stage") if plain else kwargs.get(
            "n_blocks_per_stage", kwargs.get("n_conv_per_stage"))
        if not isinstance(per_stage, list | tuple):
            per_stage = [per_stage] * n_stages
        encoder_convs = [int(n) for n in per_stage]
        decoder = kwargs.get("n_conv_per_stage_decoder", 2)
        if not isinstance(decoder, list | tuple):
            decoder = [decoder] * (n_stages - 1)
        decoder_convs = [int(n) for n in decoder]
        if (n_stages < 1 or len(kernels) < n_stages or len(strides) < n_stages
                or len(encoder_convs) < n_stages or len(decoder_convs) < n_stages - 1):
            return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # a malformed plans file is another check's problem
    count = 0
    channels = input_channels
    if not plain:  # the residual encoders' stem
        count += _conv_parameters(channels, features[0], kernels[0])
        channels = features[0]
    for stage in range(n_stages):
        for _ in range(encoder_convs[stage]):
            if plain:
                count += _conv_parameters(channels, features[stage], kernels[stage])
            else:  # a residual block: two convs and (at most) a 1x1 projection of the skip
                count += (_conv_parameters(channels, features[stage], kernels[stage])
                          + _conv_parameters(features[stage], features[stage], kernels[stage])
                          + _conv_parameters(channels, features[stage], 1))
            channels = features[stage]
    for stage in range(n_stages - 2, -1, -1):  # the decoder, from the bottom up
        count += features[stage + 1] * features[stage] * math.prod(
            int(s) for s in (strides[stage + 1] if isinstance(strides[stage + 1], list | tuple)
                             else [strides[stage + 1]])) + features[stage]  # transposed conv
        channels = 2 * features[stage]  # the skip connection is concatenated
        for _ in range(decoder_convs[stage]):
            count += _conv_parameters(channels, features[stage], kernels[stage])
            channels = features[stage]
        count += features[stage] * classes + classes  # the 1x1 segmentation head
    return count


@dataclass(frozen=True)
class TrainingSpaceEstimate:
    """Bytes one training writes into nnUNet_results (upper bound), and what it writes at least."""

    step: str
    dataset: str
    checkpoint_bytes: int
    validation_cases: int
    validation_bytes: int

    @property
    def bytes_needed(self) -> int:
        return int((self.checkpoint_bytes + self.validation_bytes) * (1 + MARGIN))

    @property
    def bytes_at_least(self) -> int:
        """The float32 weights and momentum of checkpoint_best and checkpoint_final, and the
        predictions compressed :data:`BEST_COMPRESSION` times: less than this never fits."""
        weights_and_momentum = self.checkpoint_bytes * 2 / CHECKPOINT_BYTES_PER_PARAMETER * 4
        return int(weights_and_momentum * 2 / CHECKPOINT_FILES
                   + self.validation_bytes / BEST_COMPRESSION)


def estimate_training_bytes(step: str, info: DatasetInfo, plans: dict | None,
                            configuration: str, fold: str, *,
                            final_validation: bool = True) -> TrainingSpaceEstimate:
    """What one training of ``info`` writes into nnUNet_results, at most.

    Parameters
    ----------
    step
        The step's number (for the message).
    info
        The dataset trained (its cases, channels and labels).
    plans
        The plans it is trained with; None before they exist (then only the validation's
        predictions are estimated: the network is not known yet).
    configuration, fold
        What is trained: fold ``all`` validates every case, a numeric fold about a fifth of
        them (the largest fifth is taken).
    final_validation
        False for a quick trial without nnU-Net's final validation: no predictions are
        written, only the checkpoints.

    Returns
    -------
    TrainingSpaceEstimate
        :data:`CHECKPOINT_FILES` checkpoints of :data:`CHECKPOINT_BYTES_PER_PARAMETER` bytes per
        parameter, plus the validation cases' voxels × :data:`PREDICTION_BYTES_PER_VOXEL`
        (predictions are exported at the images' own geometry). Only image headers are read.
    """
    dataset_json = info.dataset_json or {}
    channels = len(dataset_json.get("channel_names") or dataset_json.get("modality") or {}) or 1
    classes = len(dataset_json.get("labels") or {}) or 2
    parameters = network_parameter_count(plans, configuration, channels, classes) or 0
    voxels: list[int] = []
    for case in info.cases.values():
        images = case.get("images") or []
        found = _size_and_spacing(str(images[0])) if images else None
        if found is not None:
            voxels.append(_voxels_at(*found, None))
    cases = len(voxels) if fold == "all" else math.ceil(len(voxels) / DEFAULT_FOLDS)
    if not final_validation:  # a quick trial without nnU-Net's final validation
        cases = 0
    validated = sum(sorted(voxels, reverse=True)[:cases])
    return TrainingSpaceEstimate(step, info.name,
                                 parameters * CHECKPOINT_BYTES_PER_PARAMETER * CHECKPOINT_FILES,
                                 cases, validated * PREDICTION_BYTES_PER_VOXEL)


def _training_details(estimates: list[TrainingSpaceEstimate]) -> str:
    """``step 6, Dataset001_X: checkpoints 46 MB, validation of 40 case(s) 1.2 MB; …``."""
    details: str = ""
    for estimate in reversed(estimates):  # "a; b", translatable (a join is plain English)
        if estimate.checkpoint_bytes:
            one = text("step {step}, {dataset}: checkpoints {checkpoints}, validation of {cases} "
                       "case(s) {validation}", step=estimate.step, dataset=estimate.dataset,
                       checkpoints=size_text(estimate.checkpoint_bytes),
                       cases=estimate.validation_cases,
                       validation=size_text(estimate.validation_bytes))
        else:  # no plans yet: the network, and so its checkpoints' size, is not known
            one = text("step {step}, {dataset}: validation of {cases} case(s) {validation}, "
                       "plus checkpoints not estimated before planning", step=estimate.step,
                       dataset=estimate.dataset, cases=estimate.validation_cases,
                       validation=size_text(estimate.validation_bytes))
        details = text("{first}; {rest}", first=one, rest=details) if details else one
    return details


def training_space_problems(folder: Path, estimates: list[TrainingSpaceEstimate], *,
                            free_bytes_of: Callable[[Path], int] | None = None) -> list[Problem]:
    """DISK_SPACE_LOW when ``folder`` (nnUNet_results) has less free space than the trainings
    that will run write there: an error when even their smallest size would not fit, else a
    warning.

    Parameters
    ----------
    folder
        nnUNet_results.
    estimates
        One per training step that will run.
    free_bytes_of
        Free bytes of a folder's disk (default ``shutil.disk_usage``; tests pass a figure).
    """
    needed = sum(e.bytes_needed for e in estimates)
    if not estimates or needed <= 0:
        return []
    free = _free_bytes(folder, free_bytes_of)
    if free is None or free >= needed:
        return []
    message = text(
        "Training writes up to {needed} into nnUNet_results ({folder}: {details}), but only "
        "{free} are free there.", needed=size_text(needed), folder=folder,
        details=_training_details(estimates), free=size_text(free))
    fix = text("Free at least {missing} on that disk, or point nnUNet_results to a disk with "
               "more space; nnU-Net would otherwise stop with 'No space left on device' while "
               "saving a checkpoint or the validation.", missing=size_text(needed - free))
    return _space_low(free, sum(e.bytes_at_least for e in estimates), message, fix, text(
        "{message} The checkpoints and predictions may be smaller than estimated, so it may "
        "still fit.", message=message))


# -- nnUNet_preprocessed and nnUNet_results on one disk ----------------------------------------
def disk_of_folder(folder: Path) -> Hashable:
    """Which file system ``folder`` is on: ``st_dev`` of it, or of its nearest existing parent
    (a folder not made yet lands on its parent's disk)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.stat().st_dev
    return folder.anchor


def same_disk(first: Path, second: Path,
              disk_of: Callable[[Path], Hashable] | None = None) -> bool:
    """True when both folders are on one file system (False when that cannot be told)."""
    which = disk_of or disk_of_folder
    try:
        return which(first) == which(second)
    except OSError:
        return False


def space_problems(preprocessed: Path, preprocessing: list[SpaceEstimate], steps: str,
                   results: Path, training: list[TrainingSpaceEstimate], *,
                   free_bytes_of: Callable[[Path], int] | None = None,
                   disk_of: Callable[[Path], Hashable] | None = None) -> list[Problem]:
    """DISK_SPACE_LOW for the preprocessing (nnUNet_preprocessed) and the trainings
    (nnUNet_results) that will run: each against its folder's free space, or, when both
    folders are on one disk, both together against that disk's free space.

    Parameters
    ----------
    preprocessed, results
        nnUNet_preprocessed and nnUNet_results.
    preprocessing
        One estimate per preprocessing that will run; ``steps`` names their steps ("1, 5").
    training
        One estimate per training step that will run.
    free_bytes_of
        Free bytes of a folder's disk (default ``shutil.disk_usage``; tests pass a figure).
    disk_of
        Which disk a folder is on (default :func:`disk_of_folder`, its ``st_dev``).

    Returns
    -------
    list of Problem
        On one disk with both writing something: at most one DISK_SPACE_LOW naming both
        figures and their sum; an error only when even the smallest sizes together (the
        preprocessed data compressed :data:`BEST_COMPRESSION` times, the trainings'
        ``bytes_at_least``) would not fit. Otherwise :func:`disk_space_problems` and
        :func:`training_space_problems`.
    """
    preprocessing_needed = sum(e.bytes_needed for e in preprocessing)
    training_needed = sum(e.bytes_needed for e in training)
    if (preprocessing_needed <= 0 or training_needed <= 0
            or not same_disk(preprocessed, results, disk_of)):
        return (disk_space_problems(preprocessed, preprocessing, steps,
                                    free_bytes_of=free_bytes_of)
                + training_space_problems(results, training, free_bytes_of=free_bytes_of))
    frees = [_free_bytes(folder, free_bytes_of) for folder in (preprocessed, results)]
    known = [free for free in frees if free is not None]
    free = min(known) if known else None
    needed = preprocessing_needed + training_needed
    if free is None or free >= needed:
        return []
    message = text(
        "nnUNet_preprocessed ({preprocessed}) and nnUNet_results ({results}) are on the same "
        "disk: together {needed}, but only {free} are free there. Preprocessing (step(s) "
        "{steps}) writes up to {preprocessing} into nnUNet_preprocessed ({preprocessing_details}); "
        "training writes up to {training} into nnUNet_results ({training_details}).",
        preprocessed=preprocessed, results=results, needed=size_text(needed),
        free=size_text(free), steps=steps, preprocessing=size_text(preprocessing_needed),
        preprocessing_details=_preprocessing_details(preprocessing),
        training=size_text(training_needed), training_details=_training_details(training))
    fix = text("Free at least {missing} on that disk, or point nnUNet_preprocessed or "
               "nnUNet_results to another disk; nnU-Net would otherwise stop with 'No space "
               "left on device' while preprocessing or saving a checkpoint.",
               missing=size_text(needed - free))
    at_least = _preprocessing_at_least(preprocessing) + sum(e.bytes_at_least for e in training)
    return _space_low(free, at_least, message, fix, text(
        "{message} nnU-Net compresses the data, and the checkpoints and predictions may be "
        "smaller than estimated, so it may still fit.", message=message))
