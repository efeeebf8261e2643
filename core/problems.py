"""Problems found by nnFT's checks: a stable code, a severity, what is wrong and how to fix it.

The codes are a contract with scripts (``nnft check --json``) and with the wizard: never rename one,
only add new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is. Only ``ERROR`` blocks a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Stable problem codes. Add, never rename.
ENV_NOT_SET = "ENV_NOT_SET"
ENV_FOLDER_MISSING = "ENV_FOLDER_MISSING"
ENV_FOLDER_NOT_WRITABLE = "ENV_FOLDER_NOT_WRITABLE"
DATASET_NOT_FOUND = "DATASET_NOT_FOUND"
DATASET_ID_AMBIGUOUS = "DATASET_ID_AMBIGUOUS"
DATASET_JSON_INVALID = "DATASET_JSON_INVALID"
DATASET_FILES_MISSING = "DATASET_FILES_MISSING"
SAME_DATASET = "SAME_DATASET"
CHANNEL_COUNT_MISMATCH = "CHANNEL_COUNT_MISMATCH"
CHANNEL_NAME_MISMATCH = "CHANNEL_NAME_MISMATCH"
FILE_ENDING_MISMATCH = "FILE_ENDING_MISMATCH"
LABELS_DIFFER = "LABELS_DIFFER"
#: Warning: the pretraining dataset has fewer cases than the fine-tuning one (swapped roles?).
PRETRAIN_SMALLER = "PRETRAIN_SMALLER"
CONFIG_NOT_AVAILABLE = "CONFIG_NOT_AVAILABLE"
PLANS_ID_INVALID = "PLANS_ID_INVALID"
PLANS_ID_DEFAULT = "PLANS_ID_DEFAULT"
PLANS_ID_EXISTS = "PLANS_ID_EXISTS"
PREPROCESSED_DATA_EXISTS = "PREPROCESSED_DATA_EXISTS"
RESULTS_FOLDER_EXISTS = "RESULTS_FOLDER_EXISTS"
FINGERPRINT_MISSING = "FINGERPRINT_MISSING"
#: Warning: a dataset's raw data changed since its fingerprint (or its preprocessed data) was
#: made; nnU-Net would go on using the old one.
FINGERPRINT_STALE = "FINGERPRINT_STALE"
FOLD_INVALID = "FOLD_INVALID"
DEVICE_NOT_AVAILABLE = "DEVICE_NOT_AVAILABLE"
OPTIONS_INVALID = "OPTIONS_INVALID"
WEIGHTS_UNREADABLE = "WEIGHTS_UNREADABLE"
WEIGHTS_ARCH_MISMATCH = "WEIGHTS_ARCH_MISMATCH"
WEIGHTS_CHANNEL_MISMATCH = "WEIGHTS_CHANNEL_MISMATCH"
# The cluster path (``nnft submit``/``export --format slurm``, the Cluster page):
#: Slurm's commands are not on PATH (or do not answer).
SLURM_NOT_AVAILABLE = "SLURM_NOT_AVAILABLE"
#: A cluster option (profile value, folds, -num_gpus) is not usable.
SLURM_OPTIONS_INVALID = "SLURM_OPTIONS_INVALID"
#: Warning: the training jobs cannot checkpoint on the time-limit signal.
SLURM_NO_GRACEFUL_STOP = "SLURM_NO_GRACEFUL_STOP"
#: sbatch refused a job.
SLURM_SUBMIT_FAILED = "SLURM_SUBMIT_FAILED"
#: Slurm's commands are installed but reach no controller (not configured, or it is down).
SLURM_NO_CONTROLLER = "SLURM_NO_CONTROLLER"
#: Another submitted chain still has jobs queued or running for the same fold folders.
SLURM_CHAIN_ACTIVE = "SLURM_CHAIN_ACTIVE"
# Prediction with a trained model (``nnft predict``):
#: The model path is missing, or no nnU-Net model folder (or a zip without one).
MODEL_NOT_FOUND = "MODEL_NOT_FOUND"
#: The model holds several trained configurations; which one is meant is unclear.
MODEL_AMBIGUOUS = "MODEL_AMBIGUOUS"
#: dataset.json, plans.json or a chosen fold's checkpoint_final.pth is missing or cut off.
MODEL_INCOMPLETE = "MODEL_INCOMPLETE"
#: The input image or folder does not exist or holds no image.
PREDICT_INPUT_MISSING = "PREDICT_INPUT_MISSING"
#: Input files not named CASE_XXXX<ending> for a model with several channels.
PREDICT_INPUT_NAMES = "PREDICT_INPUT_NAMES"
#: A case has other channels than the model was trained with.
PREDICT_CHANNEL_MISMATCH = "PREDICT_CHANNEL_MISMATCH"
#: An input file's ending differs from the model's file_ending.
PREDICT_FILE_ENDING = "PREDICT_FILE_ENDING"
#: An input image cannot be read (its header).
PREDICT_IMAGE_UNREADABLE = "PREDICT_IMAGE_UNREADABLE"
#: The output folder is the input folder, inside it, or a file.
PREDICT_OUTPUT_INVALID = "PREDICT_OUTPUT_INVALID"
#: Predictions (or nnU-Net's files) already in the output folder would be overwritten.
PREDICTION_EXISTS = "PREDICTION_EXISTS"
#: Reference labels for the Dice are missing for some cases.
PREDICT_LABELS_MISSING = "PREDICT_LABELS_MISSING"
# Fine-tuning from a trained model (``nnft run --pretrained-model``, no pretraining dataset):
#: The model cannot be used: missing, not a model, incomplete, several in one zip, unnamed.
SOURCE_MODEL_INVALID = "SOURCE_MODEL_INVALID"
#: Info: the model has several finished folds; which one the fine-tuning starts from.
SOURCE_MODEL_FOLD = "SOURCE_MODEL_FOLD"
#: The model takes another number of input channels than the fine-tuning dataset has.
SOURCE_MODEL_CHANNELS = "SOURCE_MODEL_CHANNELS"
#: The chosen configuration is not the one the model was trained in.
SOURCE_MODEL_CONFIG = "SOURCE_MODEL_CONFIG"
#: Warning: the model normalises a channel otherwise than nnU-Net would for this dataset
#: (a CT model on MRI data).
SOURCE_MODEL_NORMALIZATION = "SOURCE_MODEL_NORMALIZATION"
#: Warning: the dataset's spacing is far from the model's target spacing.
SOURCE_MODEL_SPACING = "SOURCE_MODEL_SPACING"
#: Warning: the dataset's foreground intensities lie outside what the model was trained on
#: (a fixed CT normalization then maps them elsewhere).
SOURCE_MODEL_INTENSITY = "SOURCE_MODEL_INTENSITY"
#: Warning: the training's GPU has less free memory than its plans were sized for (NVML).
GPU_MEMORY_LOW = "GPU_MEMORY_LOW"
#: An image or label file holds less data than its header requires (an interrupted copy):
#: SimpleITK would fill the rest with zeros and nnU-Net would train on it.
IMAGE_TRUNCATED = "IMAGE_TRUNCATED"
#: A label's size or spacing differs from its image's (or a channel's from the first
#: channel's), beyond nnU-Net's tolerance: nnU-Net's verification refuses the case.
GEOMETRY_MISMATCH = "GEOMETRY_MISMATCH"
#: Warning: a label's origin or direction differs from its image's (nnU-Net only warns: the
#: voxels are used as they are, aligned or not).
GEOMETRY_MISALIGNED = "GEOMETRY_MISALIGNED"
#: Error or warning: the free space of nnUNet_preprocessed is less than the preprocessed data
#: needs (estimate from the image headers and the plans' target spacing; core/disk_space.py).
DISK_SPACE_LOW = "DISK_SPACE_LOW"
#: A label file holds a value dataset.json's 'labels' do not list (every voxel read by
#: core/label_values.py, opt-in or in the background): nnU-Net's verification would refuse it.
LABEL_VALUES_UNEXPECTED = "LABEL_VALUES_UNEXPECTED"

ALL_CODES = (
    ENV_NOT_SET,
    ENV_FOLDER_MISSING,
    ENV_FOLDER_NOT_WRITABLE,
    DATASET_NOT_FOUND,
    DATASET_ID_AMBIGUOUS,
    DATASET_JSON_INVALID,
    DATASET_FILES_MISSING,
    SAME_DATASET,
    CHANNEL_COUNT_MISMATCH,
    CHANNEL_NAME_MISMATCH,
    FILE_ENDING_MISMATCH,
    LABELS_DIFFER,
    PRETRAIN_SMALLER,
    CONFIG_NOT_AVAILABLE,
    PLANS_ID_INVALID,
    PLANS_ID_DEFAULT,
    PLANS_ID_EXISTS,
    PREPROCESSED_DATA_EXISTS,
    RESULTS_FOLDER_EXISTS,
    FINGERPRINT_MISSING,
    FINGERPRINT_STALE,
    FOLD_INVALID,
    DEVICE_NOT_AVAILABLE,
    OPTIONS_INVALID,
    WEIGHTS_UNREADABLE,
    WEIGHTS_ARCH_MISMATCH,
    WEIGHTS_CHANNEL_MISMATCH,
    SLURM_NOT_AVAILABLE,
    SLURM_OPTIONS_INVALID,
    SLURM_NO_GRACEFUL_STOP,
    SLURM_SUBMIT_FAILED,
    SLURM_CHAIN_ACTIVE,
    SLURM_NO_CONTROLLER,
    MODEL_NOT_FOUND,
    MODEL_AMBIGUOUS,
    MODEL_INCOMPLETE,
    PREDICT_INPUT_MISSING,
    PREDICT_INPUT_NAMES,
    PREDICT_CHANNEL_MISMATCH,
    PREDICT_FILE_ENDING,
    PREDICT_IMAGE_UNREADABLE,
    PREDICT_OUTPUT_INVALID,
    PREDICTION_EXISTS,
    PREDICT_LABELS_MISSING,
    SOURCE_MODEL_INVALID,
    SOURCE_MODEL_FOLD,
    SOURCE_MODEL_CHANNELS,
    SOURCE_MODEL_CONFIG,
    SOURCE_MODEL_NORMALIZATION,
    SOURCE_MODEL_SPACING,
    SOURCE_MODEL_INTENSITY,
    GPU_MEMORY_LOW,
    IMAGE_TRUNCATED,
    GEOMETRY_MISMATCH,
    GEOMETRY_MISALIGNED,
    DISK_SPACE_LOW,
    LABEL_VALUES_UNEXPECTED,
)


#: Where in the workflow each code is settled: the wizard shows a problem on the page of its
#: stage and gates the pages after it (``wizard_state.page_availability``). ``workspace``: the
#: nnU-Net folders; ``datasets``: the choice of the two datasets and the run options;
#: ``plans``: the plans identifier and what the preparation and training would overwrite;
#: ``weights``: the pretrained checkpoint; ``cluster``: the Slurm path (Cluster page);
#: ``predict``: using a trained model on new images (``nnft predict``).
STAGES = ("workspace", "datasets", "plans", "weights", "cluster", "predict")
STAGE_OF_CODE: dict[str, str] = {
    ENV_NOT_SET: "workspace",
    ENV_FOLDER_MISSING: "workspace",
    ENV_FOLDER_NOT_WRITABLE: "workspace",
    DATASET_NOT_FOUND: "datasets",
    DATASET_ID_AMBIGUOUS: "datasets",
    DATASET_JSON_INVALID: "datasets",
    DATASET_FILES_MISSING: "datasets",
    SAME_DATASET: "datasets",
    CHANNEL_COUNT_MISMATCH: "datasets",
    CHANNEL_NAME_MISMATCH: "datasets",
    FILE_ENDING_MISMATCH: "datasets",
    LABELS_DIFFER: "datasets",
    PRETRAIN_SMALLER: "datasets",
    FOLD_INVALID: "datasets",
    DEVICE_NOT_AVAILABLE: "datasets",
    OPTIONS_INVALID: "datasets",
    CONFIG_NOT_AVAILABLE: "plans",
    PLANS_ID_INVALID: "plans",
    PLANS_ID_DEFAULT: "plans",
    PLANS_ID_EXISTS: "plans",
    PREPROCESSED_DATA_EXISTS: "plans",
    RESULTS_FOLDER_EXISTS: "plans",
    FINGERPRINT_MISSING: "plans",
    FINGERPRINT_STALE: "plans",
    WEIGHTS_UNREADABLE: "weights",
    WEIGHTS_ARCH_MISMATCH: "weights",
    WEIGHTS_CHANNEL_MISMATCH: "weights",
    SLURM_NOT_AVAILABLE: "cluster",
    SLURM_OPTIONS_INVALID: "cluster",
    SLURM_NO_GRACEFUL_STOP: "cluster",
    SLURM_SUBMIT_FAILED: "cluster",
    SLURM_CHAIN_ACTIVE: "cluster",
    SLURM_NO_CONTROLLER: "cluster",
    MODEL_NOT_FOUND: "predict",
    MODEL_AMBIGUOUS: "predict",
    MODEL_INCOMPLETE: "predict",
    PREDICT_INPUT_MISSING: "predict",
    PREDICT_INPUT_NAMES: "predict",
    PREDICT_CHANNEL_MISMATCH: "predict",
    PREDICT_FILE_ENDING: "predict",
    PREDICT_IMAGE_UNREADABLE: "predict",
    PREDICT_OUTPUT_INVALID: "predict",
    PREDICTION_EXISTS: "predict",
    PREDICT_LABELS_MISSING: "predict",
    SOURCE_MODEL_INVALID: "datasets",
    SOURCE_MODEL_FOLD: "datasets",
    SOURCE_MODEL_CHANNELS: "datasets",
    SOURCE_MODEL_CONFIG: "datasets",
    SOURCE_MODEL_NORMALIZATION: "datasets",
    SOURCE_MODEL_SPACING: "plans",
    SOURCE_MODEL_INTENSITY: "plans",
    GPU_MEMORY_LOW: "datasets",
    IMAGE_TRUNCATED: "datasets",
    GEOMETRY_MISMATCH: "datasets",
    GEOMETRY_MISALIGNED: "datasets",
    DISK_SPACE_LOW: "datasets",
    LABEL_VALUES_UNEXPECTED: "datasets",
}
#: The codes about the new plans identifier itself (the plans page shows them at its field).
PLANS_IDENTIFIER_CODES = frozenset({PLANS_ID_INVALID, PLANS_ID_DEFAULT, PLANS_ID_EXISTS})


def stage_of(code: str) -> str:
    """The stage (one of :data:`STAGES`) where problems of ``code`` are settled."""
    return STAGE_OF_CODE[code]


@dataclass(frozen=True)
class Problem:
    """One finding of a check.

    Parameters
    ----------
    code
        One of the stable codes of this module.
    severity
        ``Severity.ERROR`` blocks running; warnings and infos only inform.
    message
        What is wrong, naming the dataset, file or value concerned.
    fix
        What the user can do about it.
    """

    code: str
    severity: Severity
    message: str
    fix: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Problem:
        """The inverse of :meth:`to_dict` (e.g. a problem a child ``nnft --json`` printed)."""
        return cls(str(data["code"]), Severity(data["severity"]), str(data["message"]),
                   str(data.get("fix", "")))

    def __str__(self) -> str:
        text = f"{self.severity.value.upper()} [{self.code}] {self.message}"
        return f"{text}\n    fix: {self.fix}" if self.fix else text


def error(code: str, message: str, fix: str = "") -> Problem:
    return Problem(code, Severity.ERROR, message, fix)


def warning(code: str, message: str, fix: str = "") -> Problem:
    return Problem(code, Severity.WARNING, message, fix)


def info(code: str, message: str, fix: str = "") -> Problem:
    return Problem(code, Severity.INFO, message, fix)


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem blocks a run."""
    return any(p.is_error for p in problems)
