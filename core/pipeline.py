"""The pretraining → fine-tuning chain: its steps, their commands, and whether they are done.

Roles, not ``-s/-t``: the user names a *pretraining* and a *fine-tuning* dataset. Plans flow
from the fine-tuning dataset to the pretraining dataset (``move_plans -s FINETUNE -t PRETRAIN``);
weights flow back (``-pretrained_weights``). Every argv is built by a pure function from a
:class:`ChainContext`; ``is_done`` reads only the files on disk, so a chain can be stopped and
continued at any point, from the CLI, the wizard or a cluster script.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import plans as plans_mod
from .datasets import DatasetInfo
from .workspace import Workspace

DEFAULT_TRAINER = "nnUNetTrainer"
QUICK_TRIAL_TRAINER = "nnFTTrainerQuickTrial"
#: Trainers that handle SIGUSR1 (finish the epoch, checkpoint, exit 0).
GRACEFUL_STOP_TRAINERS = frozenset({"nnFTTrainer", QUICK_TRIAL_TRAINER})
#: Marker nnFT writes into a fine-tuning fold folder: nnU-Net names a fine-tuned run exactly like
#: a from-scratch run and records nowhere on disk that weights were loaded.
RUN_MARKER = "nnft_run.json"
FOLDS = ("0", "1", "2", "3", "4", "all")


@dataclass(frozen=True)
class RunOptions:
    """What the user chose for one chain.

    Parameters
    ----------
    configuration
        ``2d``, ``3d_fullres`` or ``3d_lowres``; the same for both phases (the weights only fit
        the architecture of one configuration).
    plans_name
        The new plans identifier the pretraining dataset gets (``-tp``).
    finetune_plans
        The fine-tuning dataset's plans identifier (``-sp``), nnU-Net's default unless the
        user planned with another planner.
    fold
        Fine-tuning fold: 0-4 or ``all``. Pretraining always uses ``all`` (nnU-Net's advice).
    trainer
        nnU-Net trainer class for both phases.
    device
        ``cuda``, ``cpu`` or ``mps``.
    trial_epochs, trial_iterations
        When set, a quick trial: the trainer is :data:`QUICK_TRIAL_TRAINER` with these lengths.
    final_validation
        Quick trials only: run nnU-Net's final sliding-window validation.
    preprocessing_workers
        ``-np``/``-npfp`` of the planning and preprocessing steps.
    augmentation_workers
        ``nnUNet_n_proc_DA`` for training.
    reuse_plans
        Accept an existing plans file under ``plans_name`` when it is identical to the transfer.
    pretrained_weights
        Fine-tune from this checkpoint instead of the pretraining's ``checkpoint_final.pth``.
    allow_overwrite
        The user confirmed (``--backup-and-overwrite``) that preprocessed data folders and a
        fine-tuning fold folder nnFT did not make may be replaced: each is moved to
        ``nnUNet_results/nnFT/backups/<time>/`` right before the step that would delete or
        overwrite it. Without it such a step is refused (``PREPROCESSED_DATA_EXISTS``,
        ``RESULTS_FOLDER_EXISTS``).
    """

    configuration: str = "3d_fullres"
    plans_name: str = ""
    finetune_plans: str = "nnUNetPlans"
    fold: str = "0"
    trainer: str = DEFAULT_TRAINER
    device: str = "cuda"
    trial_epochs: int | None = None
    trial_iterations: int | None = None
    final_validation: bool = True
    preprocessing_workers: int = 2
    augmentation_workers: int | None = None
    reuse_plans: bool = False
    pretrained_weights: str | None = None
    allow_overwrite: bool = False

    @property
    def is_quick_trial(self) -> bool:
        return self.trial_epochs is not None or self.trial_iterations is not None


@dataclass(frozen=True)
class ChainContext:
    """Everything the steps need: the workspace, the two datasets and the options."""

    workspace: Workspace
    pretrain: DatasetInfo
    finetune: DatasetInfo
    options: RunOptions

    # -- paths -------------------------------------------------------------------------------
    @property
    def pretrain_preprocessed(self) -> Path:
        return _req(self.workspace.preprocessed) / self.pretrain.name

    @property
    def finetune_preprocessed(self) -> Path:
        return _req(self.workspace.preprocessed) / self.finetune.name

    @property
    def finetune_plans_file(self) -> Path:
        return plans_mod.plans_path(self.finetune_preprocessed, self.options.finetune_plans)

    @property
    def pretrain_plans_file(self) -> Path:
        return plans_mod.plans_path(self.pretrain_preprocessed, self.options.plans_name)

    @property
    def trainer(self) -> str:
        return QUICK_TRIAL_TRAINER if self.options.is_quick_trial else self.options.trainer

    def training_output_folder(self, dataset: DatasetInfo, plans_name: str) -> Path:
        """``nnUNet_results/<dataset>/<Trainer>__<plans>__<configuration>`` (nnU-Net's rule)."""
        from nnunetv2.utilities.file_path_utilities import (
            convert_trainer_plans_config_to_identifier,
        )

        return (_req(self.workspace.results) / dataset.name /
                convert_trainer_plans_config_to_identifier(self.trainer, plans_name,
                                                           self.options.configuration))

    @property
    def pretrain_fold_dir(self) -> Path:
        return self.training_output_folder(self.pretrain, self.options.plans_name) / "fold_all"

    @property
    def finetune_fold_dir(self) -> Path:
        return (self.training_output_folder(self.finetune, self.options.finetune_plans)
                / f"fold_{self.options.fold}")

    @property
    def pretrained_checkpoint(self) -> Path:
        """The weights the fine-tuning starts from: the pretraining's final checkpoint, unless
        the user chose another one (``pretrained_weights``)."""
        if self.options.pretrained_weights:
            return Path(self.options.pretrained_weights)
        return self.pretrain_fold_dir / "checkpoint_final.pth"

    def finetune_plans(self) -> dict[str, Any] | None:
        """The fine-tuning dataset's plans, once planned."""
        return _load_json(self.finetune_plans_file)

    def expected_transfer(self) -> dict[str, Any] | None:
        """The plans the transfer will write (None until the fine-tuning dataset is planned)."""
        source = self.finetune_plans()
        if source is None:
            return None
        return plans_mod.transferred_plans(source, self.pretrain.name,
                                           self.options.finetune_plans, self.options.plans_name)

    # -- environment -------------------------------------------------------------------------
    def planning_env(self) -> dict[str, str]:
        # nnU-Net's validation export pool and the fingerprint default read nnUNet_def_n_proc.
        return {"nnUNet_def_n_proc": str(self.options.preprocessing_workers)}

    def training_env(self) -> dict[str, str]:
        from .machine import augmentation_workers

        workers = self.options.augmentation_workers
        if workers is None:
            workers = augmentation_workers(self.options.device)
        env = {
            # Set for training only: the planner calls torch.set_num_threads() with it, and
            # 0 kills planning (MEASURED.md).
            "nnUNet_n_proc_DA": str(workers),
            "nnUNet_def_n_proc": str(self.options.preprocessing_workers),
        }
        if self.options.is_quick_trial:
            env["NNFT_TRIAL_EPOCHS"] = str(self.options.trial_epochs or 5)
            env["NNFT_TRIAL_ITERATIONS"] = str(self.options.trial_iterations or 10)
            env["NNFT_TRIAL_FINAL_VALIDATION"] = "1" if self.options.final_validation else "0"
        return env


def _req(path: Path | None) -> Path:
    if path is None:
        raise ValueError("the workspace folder is not set")
    return path


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# -- completeness checks ---------------------------------------------------------------------
def preprocessed_cases_complete(data_folder: Path, case_ids: list[str]) -> bool:
    """True when every case has its properties and its data (and segmentation) files.

    nnU-Net writes a case's ``.pkl`` last, and deletes and recreates the whole folder on every
    run; a run killed half way leaves cases missing, which this notices.
    """
    if not data_folder.is_dir() or not case_ids:
        return False
    names = {p.name for p in data_folder.iterdir()}
    for case in case_ids:
        if f"{case}.pkl" not in names:
            return False
        if not ({f"{case}.b2nd", f"{case}.npz", f"{case}.npy"} & names):
            return False
    return True


def fingerprint_complete(path: Path, n_cases: int | None) -> bool:
    data = _load_json(path)
    if data is None or "foreground_intensity_properties_per_channel" not in data:
        return False
    spacings = data.get("spacings")
    return isinstance(spacings, list) and (n_cases is None or len(spacings) == n_cases)


def read_run_marker(fold_dir: Path) -> dict[str, Any] | None:
    return _load_json(fold_dir / RUN_MARKER)


def _relative_to_results(fold_dir: Path, checkpoint: Path) -> str | None:
    # fold_dir is nnUNet_results/<dataset>/<trainer__plans__config>/fold_X
    try:
        return checkpoint.relative_to(fold_dir.parents[2]).as_posix()
    except (ValueError, IndexError):
        return None


def is_finetuned_from(fold_dir: Path, checkpoint: Path) -> bool:
    """True when nnFT's marker says this fold was fine-tuned from ``checkpoint``.

    Compared relative to nnUNet_results, so a workspace that was moved or copied elsewhere is
    still recognised.
    """
    marker = read_run_marker(fold_dir)
    if not marker:
        return False
    relative = _relative_to_results(fold_dir, checkpoint)
    if relative is not None and marker.get("pretrained_weights_relative") == relative:
        return True
    return marker.get("pretrained_weights") == str(checkpoint)


TRANSFERS_REGISTRY = "transfers.json"


def _sha256(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def record_transfer(ctx: ChainContext) -> None:
    """Remember that nnFT's transfer step wrote this plans file (path and content hash).

    A later run of the same chain then continues with it instead of reporting a clash, while a
    file of the same name from anywhere else still needs an explicit reuse.
    """
    from .safety import atomic_write_text

    registry_path = ctx.workspace.state_dir / TRANSFERS_REGISTRY
    registry = _load_json(registry_path) or {}
    registry[str(ctx.pretrain_plans_file)] = {
        "sha256": _sha256(ctx.pretrain_plans_file),
        "source": str(ctx.finetune_plans_file),
    }
    atomic_write_text(registry_path, json.dumps(registry, indent=2, sort_keys=True))


def transfer_made_by_nnft(ctx: ChainContext) -> bool:
    """True when the pretraining plans file is, unchanged, one that nnFT's transfer wrote."""
    if ctx.workspace.results is None:
        return False
    entry = (_load_json(ctx.workspace.state_dir / TRANSFERS_REGISTRY) or {}).get(
        str(ctx.pretrain_plans_file))
    return (isinstance(entry, dict) and entry.get("source") == str(ctx.finetune_plans_file)
            and entry.get("sha256") == _sha256(ctx.pretrain_plans_file))


CHECKPOINT_NAMES = ("checkpoint_final.pth", "checkpoint_latest.pth", "checkpoint_best.pth")


def checkpoint_complete(path: Path) -> bool:
    """True when ``path`` is a whole checkpoint file, not one cut off while it was written.

    nnU-Net saves with ``torch.save`` straight into the final name (not atomically); a run killed
    while saving leaves a truncated file that ``--c`` would try to load, and a truncated
    ``checkpoint_final.pth`` would mark the training as done. ``torch.save`` writes a zip archive
    whose central directory comes last, so a cut-off file starts like a zip but has no directory:
    a cheap test, without torch. A file in another format (torch's legacy pickle format) cannot be
    checked this way and counts as complete; an empty one never does.
    """
    import zipfile

    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
        if len(head) < 4:
            return False
        return head != b"PK\x03\x04" or zipfile.is_zipfile(path)
    except OSError:
        return False


def incomplete_checkpoints(fold_dir: Path) -> list[Path]:
    """The checkpoint files of a fold folder that were cut off while being written."""
    return [fold_dir / name for name in CHECKPOINT_NAMES
            if (fold_dir / name).exists() and not checkpoint_complete(fold_dir / name)]


def has_resumable_checkpoint(fold_dir: Path) -> bool:
    return any(checkpoint_complete(fold_dir / name)
               for name in ("checkpoint_latest.pth", "checkpoint_best.pth"))


class StepRefused(RuntimeError):
    """A step's guard refused to start it (it would delete or overwrite something)."""

    def __init__(self, problem: Any) -> None:
        super().__init__(str(problem))
        self.problem = problem


#: Written next to a preprocessed data folder before nnFT's preprocessing step starts (nnU-Net
#: deletes and recreates the folder itself, so a marker inside would not survive). It records the
#: plans the data is made from. A data folder with a marker whose plans are unchanged is nnFT's
#: own (finished, or left over from an interrupted run) and may be recreated; any other existing
#: data folder is refused or, with ``allow_overwrite``, moved to the backup first. The leading dot
#: keeps it from ever clashing with a plans file (identifiers start with a letter or digit).
PREPROCESSING_MARKER_PREFIX = ".nnft_preprocessing_"


def preprocessing_marker_path(data_folder: Path) -> Path:
    return data_folder.parent / f"{PREPROCESSING_MARKER_PREFIX}{data_folder.name}.json"


def write_preprocessing_marker(data_folder: Path, plans_file: Path, command: list[str]) -> None:
    from datetime import datetime

    from .safety import atomic_write_text

    atomic_write_text(preprocessing_marker_path(data_folder), json.dumps({
        "data_identifier": data_folder.name,
        "plans_file": plans_file.name,
        # None while the plans do not exist yet (planning and preprocessing in one command).
        "plans_sha256": _sha256(plans_file) if plans_file.is_file() else None,
        "command": command,
        "written": datetime.now().isoformat(timespec="seconds"),
    }, indent=2))


def data_folder_owner(data_folder: Path | None, plans_file: Path) -> str:
    """``"none"`` (no such folder), ``"nnft"`` (nnFT's preprocessing made it from these plans,
    finished or interrupted) or ``"other"`` (made elsewhere, or from other plans)."""
    if data_folder is None or not data_folder.exists():
        return "none"
    marker = _load_json(preprocessing_marker_path(data_folder))
    if not marker or marker.get("data_identifier") != data_folder.name:
        return "other"
    recorded = marker.get("plans_sha256")
    if recorded is None:
        return "nnft"
    return "nnft" if recorded == _sha256(plans_file) else "other"


def finetune_fold_owner(ctx: ChainContext) -> str:
    """``"none"`` (missing or empty), ``"nnft"`` (nnFT's fine-tuning from these weights) or
    ``"other"`` (any other run: from scratch, by hand, or from other weights)."""
    fold = ctx.finetune_fold_dir
    try:
        if not fold.is_dir() or not any(fold.iterdir()):
            return "none"
    except OSError:
        return "other"
    return "nnft" if is_finetuned_from(fold, ctx.pretrained_checkpoint) else "other"


# -- steps -----------------------------------------------------------------------------------
@dataclass
class Step:
    """One step of the chain.

    Exactly one of ``argv`` (an nnU-Net command) and ``action`` (a small file operation nnFT
    does itself) is set. ``shell`` is the same step as one line of bash, for export and display.
    ``before_start`` runs right before the command (guards, backups, markers): the lines it
    returns go to the step log; raising (e.g. :class:`StepRefused`) fails the step unstarted.
    """

    key: str
    title: str
    why: str
    is_done: Callable[[], bool]
    argv: list[str] | None = None
    action: Callable[[Callable[[str], None]], None] | None = None
    shell: str = ""
    env: dict[str, str] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    is_training: bool = False
    before_start: Callable[[], list[str] | None] | None = None
    after_done: Callable[[], None] | None = None

    def command_line(self) -> str:
        return self.shell or (shlex.join(self.argv) if self.argv else "")


STEP_KEYS = (
    "plan_finetune",
    "fingerprint_pretrain",
    "transfer_plans",
    "copy_dataset_json",
    "preprocess_pretrain",
    "pretrain",
    "finetune",
)


def plan_finetune_argv(ctx: ChainContext, plans_exist: bool) -> list[str]:
    """Plan and preprocess the fine-tuning dataset, only the chosen configuration.

    When its plans already exist (data missing or incomplete), only preprocess, so the existing
    plans file is never rewritten.
    """
    o = ctx.options
    n = str(o.preprocessing_workers)
    if plans_exist:
        return ["nnUNetv2_preprocess", "-d", str(ctx.finetune.dataset_id),
                "-plans_name", o.finetune_plans, "-c", o.configuration, "-np", n]
    return ["nnUNetv2_plan_and_preprocess", "-d", str(ctx.finetune.dataset_id),
            "-c", o.configuration, "-npfp", n, "-np", n, "--verify_dataset_integrity"]


def fingerprint_pretrain_argv(ctx: ChainContext) -> list[str]:
    return ["nnUNetv2_extract_fingerprint", "-d", str(ctx.pretrain.dataset_id),
            "-np", str(ctx.options.preprocessing_workers), "--verify_dataset_integrity"]


def transfer_plans_argv(ctx: ChainContext) -> list[str]:
    """Plans FROM the fine-tuning dataset (-s) TO the pretraining dataset (-t)."""
    return ["nnUNetv2_move_plans_between_datasets",
            "-s", str(ctx.finetune.dataset_id), "-t", str(ctx.pretrain.dataset_id),
            "-sp", ctx.options.finetune_plans, "-tp", ctx.options.plans_name]


def preprocess_pretrain_argv(ctx: ChainContext) -> list[str]:
    return ["nnUNetv2_preprocess", "-d", str(ctx.pretrain.dataset_id),
            "-plans_name", ctx.options.plans_name, "-c", ctx.options.configuration,
            "-np", str(ctx.options.preprocessing_workers)]


def pretrain_argv(ctx: ChainContext, resume: bool) -> list[str]:
    argv = ["nnUNetv2_train", str(ctx.pretrain.dataset_id), ctx.options.configuration, "all",
            "-p", ctx.options.plans_name, "-tr", ctx.trainer, "-device", ctx.options.device]
    return argv + ["--c"] if resume else argv


def finetune_argv(ctx: ChainContext, resume: bool, weights: Path | None = None) -> list[str]:
    """``weights``: the file to load (default the pretrained checkpoint; its CPU copy when the
    checkpoint was saved on a GPU and the fine-tuning runs on cpu/mps)."""
    argv = ["nnUNetv2_train", str(ctx.finetune.dataset_id), ctx.options.configuration,
            ctx.options.fold, "-p", ctx.options.finetune_plans, "-tr", ctx.trainer,
            "-device", ctx.options.device]
    if resume:
        # nnU-Net refuses --c together with -pretrained_weights; the weights were loaded when
        # this fine-tuning started, and the checkpoint being continued already contains them.
        return argv + ["--c"]
    return argv + ["-pretrained_weights", str(weights or ctx.pretrained_checkpoint)]


def cpu_copy_of_checkpoint(ctx: ChainContext) -> Path | None:
    """Where the fine-tuning loads a CPU copy of the pretrained checkpoint from, or None.

    nnU-Net's ``load_pretrained_weights`` calls ``torch.load`` without ``map_location``: a
    checkpoint saved on a GPU fails on a machine without CUDA ("Attempting to deserialize object
    on a CUDA device"). For cpu/mps fine-tuning such a checkpoint is re-saved with its tensors on
    the CPU (nnUNet_results/nnFT/cpu_checkpoints/...) and that copy is loaded instead.
    """
    if ctx.options.device not in ("cpu", "mps"):
        return None
    from .weights import cpu_copy_dir, needs_cpu_copy

    checkpoint = ctx.pretrained_checkpoint
    if not checkpoint.is_file() or not needs_cpu_copy(checkpoint):
        return None
    return cpu_copy_dir(ctx.workspace, checkpoint) / checkpoint.name


def finetune_data_folder(ctx: ChainContext, *, predicted: bool = False) -> Path | None:
    """The fine-tuning dataset's data folder of the chosen configuration (from its plans).

    ``predicted``: before planning, the folder ``nnUNetv2_plan_and_preprocess`` will write
    (``nnUNetPlans_<configuration>``); otherwise None until the plans exist.
    """
    o = ctx.options
    plans = ctx.finetune_plans()
    if plans is None:
        return (ctx.finetune_preprocessed / f"{o.finetune_plans}_{o.configuration}"
                if predicted else None)
    ident = plans_mod.data_identifier(plans, o.configuration)
    return ctx.finetune_preprocessed / ident if ident else None


def plan_finetune_done(ctx: ChainContext) -> bool:
    folder = finetune_data_folder(ctx)
    case_ids = list(ctx.finetune.cases)
    return (folder is not None
            and (ctx.finetune_preprocessed / "dataset.json").is_file()
            and fingerprint_complete(ctx.finetune_preprocessed / "dataset_fingerprint.json",
                                     len(case_ids))
            and preprocessed_cases_complete(folder, case_ids))


def transfer_done(ctx: ChainContext) -> bool:
    expected = ctx.expected_transfer()
    existing = _load_json(ctx.pretrain_plans_file)
    return (expected is not None and existing is not None
            and plans_mod.same_transfer(existing, expected))


def pretrain_data_folder(ctx: ChainContext, *, predicted: bool = False) -> Path | None:
    """The pretraining dataset's data folder under the transferred plans.

    ``predicted``: before the fine-tuning dataset is planned, the folder its default plans will
    give (``<plans_name>_<configuration>``); otherwise None until then.
    """
    o = ctx.options
    expected = ctx.expected_transfer()
    if expected is None:
        return (ctx.pretrain_preprocessed / f"{o.plans_name}_{o.configuration}"
                if predicted and o.plans_name else None)
    ident = plans_mod.data_identifier(expected, o.configuration)
    return ctx.pretrain_preprocessed / ident if ident else None


def preprocess_pretrain_done(ctx: ChainContext) -> bool:
    folder = pretrain_data_folder(ctx)
    return folder is not None and transfer_done(ctx) and preprocessed_cases_complete(
        folder, list(ctx.pretrain.cases))


def _guard_data_folder(ctx: ChainContext, step_key: str, folder: Callable[[], Path | None],
                       plans_file: Path, argv: list[str]) -> Callable[[], list[str]]:
    """``before_start`` of a preprocessing step: nnU-Net deletes and recreates the data folder.

    nnFT's own folder (marker, same plans) is left to nnU-Net; any other one is refused, or moved
    to the backup when the user allowed it. Then the marker is written.
    """
    def start() -> list[str]:
        from .safety import backup_path

        notes = []
        target = folder()
        if target is None:
            return notes
        if data_folder_owner(target, plans_file) == "other":
            if not ctx.options.allow_overwrite:
                from .checks import preprocessed_data_problem

                raise StepRefused(preprocessed_data_problem(ctx, step_key, target, plans_file))
            backup = backup_path(ctx.workspace, target, move=True)
            notes.append(f"nnFT: moved {target} to the backup {backup} "
                         "(--backup-and-overwrite): nnUNetv2_preprocess deletes and recreates it.")
        write_preprocessing_marker(target, plans_file, argv)
        return notes

    return start


def _then(*hooks: Callable[[], Any] | None) -> Callable[[], list[str]]:
    """One ``before_start`` running ``hooks`` in order, their notes joined."""
    def start() -> list[str]:
        notes: list[str] = []
        for hook in hooks:
            if hook is not None:
                notes += list(hook() or [])
        return notes

    return start


def _backup_outdated_copy(ctx: ChainContext, raw: Path, copy: Path) -> list[str]:
    """Back up (copy) nnU-Net's copy of a raw file before a command replaces it, when it
    differs from the raw file. Such a copy is never refused: it is small, made from the raw
    data, and the backup keeps whatever it held."""
    from .safety import backup_path

    if not copy.is_file() or _sha256(copy) == _sha256(raw):
        return []
    backup = backup_path(ctx.workspace, copy)
    return [f"nnFT: {copy} differs from {raw} and is replaced; backed up to {backup}."]


def _guard_training(ctx: ChainContext, fold_dir: Path, then: Callable[[], Any] | None, *,
                    finetune: bool) -> Callable[[], list[str]]:
    """``before_start`` of a training step.

    Fine-tuning into a fold folder that holds another run is refused, or that folder is moved to
    the backup when the user allowed it. Checkpoints cut off while being written (a killed run)
    are moved to the backup, so that ``--c`` does not try to load them. Then ``then`` runs.
    """
    def start() -> list[str]:
        from .safety import backup_path

        notes: list[str] = []
        if finetune and finetune_fold_owner(ctx) == "other":
            if not ctx.options.allow_overwrite:
                from .checks import finetune_fold_problem

                raise StepRefused(finetune_fold_problem(ctx))
            backup = backup_path(ctx.workspace, fold_dir, move=True)
            notes.append(f"nnFT: moved {fold_dir} (another run) to the backup {backup} "
                         "(--backup-and-overwrite) before fine-tuning starts there.")
        for path in incomplete_checkpoints(fold_dir):
            backup = backup_path(ctx.workspace, path, move=True)
            notes.append(f"nnFT: {path.name} was cut off while it was written (the run was "
                         f"killed); moved it to {backup}.")
        if then is not None:
            notes += list(then() or [])
        return notes

    return start


def build_chain(ctx: ChainContext, *, fresh: bool = False) -> list[Step]:
    """The seven steps, in order, for one choice of datasets and options.

    Parameters
    ----------
    fresh
        Build the commands of a run from scratch, ignoring what is on disk (no plain
        ``preprocess`` instead of planning, no ``--c``): for scripts that run elsewhere.
    """
    o = ctx.options
    pt_case_ids = list(ctx.pretrain.cases)

    plans_exist = ctx.finetune_plans_file.is_file() and not fresh
    ft_argv = plan_finetune_argv(ctx, plans_exist)

    def mark_finetune_data() -> None:
        # Record the plans that planning has just written.
        folder = finetune_data_folder(ctx)
        if folder is not None:
            write_preprocessing_marker(folder, ctx.finetune_plans_file, ft_argv)

    steps = [Step(
        key="plan_finetune",
        title=f"Plan and preprocess the fine-tuning dataset {ctx.finetune.name}",
        why="The network is designed for the dataset you care about: its plans (patch size, "
            "spacing, architecture) are made first and later used for both trainings.",
        argv=ft_argv,
        env=ctx.planning_env(),
        is_done=lambda: plan_finetune_done(ctx),
        outputs=[ctx.finetune_plans_file],
        before_start=_then(
            # Planning rewrites the dataset.json copy in nnUNet_preprocessed (a plain
            # preprocess does not).
            None if plans_exist else lambda: _backup_outdated_copy(
                ctx, ctx.finetune.raw_dir / "dataset.json",
                ctx.finetune_preprocessed / "dataset.json"),
            _guard_data_folder(ctx, "plan_finetune",
                               lambda: finetune_data_folder(ctx, predicted=True),
                               ctx.finetune_plans_file, ft_argv)),
        after_done=mark_finetune_data,
    )]

    fingerprint = ctx.pretrain_preprocessed / "dataset_fingerprint.json"
    steps.append(Step(
        key="fingerprint_pretrain",
        title=f"Extract the fingerprint of the pretraining dataset {ctx.pretrain.name}",
        why="nnU-Net needs the pretraining dataset's fingerprint and preprocessed folder before "
            "plans can be moved there.",
        argv=fingerprint_pretrain_argv(ctx),
        env=ctx.planning_env(),
        is_done=lambda: fingerprint_complete(fingerprint, len(pt_case_ids)),
        outputs=[fingerprint],
    ))

    steps.append(Step(
        key="transfer_plans",
        title=f"Transfer the plans {ctx.finetune.name} → {ctx.pretrain.name} as "
              f"'{o.plans_name}'",
        why="Plans flow FROM the fine-tuning dataset (-s) TO the pretraining dataset (-t), under "
            "a new identifier so the pretraining dataset's own plans stay untouched.",
        argv=transfer_plans_argv(ctx),
        is_done=lambda: transfer_done(ctx),
        after_done=lambda: record_transfer(ctx),
        outputs=[ctx.pretrain_plans_file],
    ))

    raw_json = ctx.pretrain.raw_dir / "dataset.json"
    copied_json = ctx.pretrain_preprocessed / "dataset.json"

    def dataset_json_done() -> bool:
        copied = _load_json(copied_json)
        return copied is not None and copied == _load_json(raw_json)

    def copy_dataset_json(log: Callable[[str], None]) -> None:
        from .safety import atomic_copy, backup_path

        if copied_json.exists():
            backup = backup_path(ctx.workspace, copied_json)
            log(f"Backing up the outdated {copied_json} to {backup}")
        atomic_copy(raw_json, copied_json)
        log(f"Copied {raw_json} to {copied_json}")

    steps.append(Step(
        key="copy_dataset_json",
        title=f"Copy {ctx.pretrain.name}'s own dataset.json into its preprocessed folder",
        why="The step nnU-Net's guide misses (#2560): nnUNetv2_preprocess and nnUNetv2_train "
            "read nnUNet_preprocessed/<dataset>/dataset.json, which only planning writes.",
        action=copy_dataset_json,
        shell=shlex.join(["cp", str(raw_json), str(copied_json)]),
        is_done=dataset_json_done,
        outputs=[copied_json],
    ))

    pt_argv = preprocess_pretrain_argv(ctx)
    steps.append(Step(
        key="preprocess_pretrain",
        title=f"Preprocess {ctx.pretrain.name} with the transferred plans",
        why="The pretraining images are resampled and normalised exactly as the fine-tuning "
            "dataset will be.",
        argv=pt_argv,
        env=ctx.planning_env(),
        is_done=lambda: preprocess_pretrain_done(ctx),
        before_start=_guard_data_folder(ctx, "preprocess_pretrain",
                                        lambda: pretrain_data_folder(ctx),
                                        ctx.pretrain_plans_file, pt_argv),
    ))

    pt_fold = ctx.pretrain_fold_dir
    steps.append(Step(
        key="pretrain",
        title=f"Pretrain on {ctx.pretrain.name} (fold all, plans '{o.plans_name}')",
        why="Pretraining uses all its data (fold 'all'); its final checkpoint becomes the "
            "starting point of the fine-tuning.",
        argv=pretrain_argv(ctx, resume=has_resumable_checkpoint(pt_fold) and not fresh),
        env=ctx.training_env(),
        is_done=lambda: checkpoint_complete(pt_fold / "checkpoint_final.pth"),
        outputs=[pt_fold / "checkpoint_final.pth"],
        is_training=True,
        before_start=_guard_training(ctx, pt_fold, None, finetune=False),
    ))

    ft_fold = ctx.finetune_fold_dir
    resume_finetune = not fresh and (has_resumable_checkpoint(ft_fold)
                                     and is_finetuned_from(ft_fold, ctx.pretrained_checkpoint))
    # A script from scratch (fresh) pretrains on its own device; only a checkpoint the user
    # brought may come from a GPU.
    cpu_copy = None if resume_finetune or (fresh and not o.pretrained_weights) \
        else cpu_copy_of_checkpoint(ctx)
    argv = finetune_argv(ctx, resume=resume_finetune, weights=cpu_copy)

    def write_marker() -> None:
        from .safety import atomic_write_text

        ft_fold.mkdir(parents=True, exist_ok=True)
        atomic_write_text(ft_fold / RUN_MARKER, json.dumps({
            "pretrained_weights": str(ctx.pretrained_checkpoint),
            "pretrained_weights_relative": _relative_to_results(ft_fold,
                                                                ctx.pretrained_checkpoint),
            "pretrain_dataset": ctx.pretrain.name,
            "pretrain_plans": o.plans_name,
            "finetune_plans": o.finetune_plans,
            "configuration": o.configuration,
            "trainer": ctx.trainer,
            "command": argv,
        }, indent=2))

    why = ("Weights flow back: every layer but the segmentation head starts from the "
           "pretraining checkpoint.")
    before_start = None if resume_finetune else write_marker
    shell = ""
    if cpu_copy is not None:
        why += (" The checkpoint was saved on a GPU and nnU-Net loads it without map_location, "
                f"which fails on {o.device}: nnFT first re-saves it with its tensors on the CPU "
                f"as {cpu_copy} and fine-tunes from that copy.")
        copy_dir = cpu_copy.parent

        def copy_then_mark() -> list[str]:
            from .weights import make_cpu_copy

            made = make_cpu_copy(ctx.pretrained_checkpoint, copy_dir)
            write_marker()
            return [f"nnFT: {ctx.pretrained_checkpoint} was saved on a GPU; fine-tuning on "
                    f"{o.device} loads its CPU copy {made}."]

        before_start = copy_then_mark
        # Exported scripts make the copy themselves (the environment goes with nnUNetv2_train).
        env_prefix = " ".join(f"{k}={shlex.quote(v)}"
                              for k, v in sorted(ctx.training_env().items()))
        shell = (shlex.join([sys.executable, "-m", "nnft.core.weights", "cpu-copy",
                             str(ctx.pretrained_checkpoint), str(copy_dir)])
                 + f" && {env_prefix} {shlex.join(argv)}")

    steps.append(Step(
        key="finetune",
        title=f"Fine-tune on {ctx.finetune.name} (fold {o.fold}) from the pretrained weights",
        why=why,
        argv=argv,
        shell=shell,
        env=ctx.training_env(),
        is_done=lambda: (checkpoint_complete(ft_fold / "checkpoint_final.pth")
                         and is_finetuned_from(ft_fold, ctx.pretrained_checkpoint)),
        outputs=[ft_fold / "checkpoint_final.pth"],
        is_training=True,
        before_start=_guard_training(ctx, ft_fold, before_start, finetune=True),
    ))
    return steps


def export_bash(ctx: ChainContext, steps: list[Step]) -> str:
    """The chain as a plain, readable bash script with the exact commands."""
    ws = ctx.workspace
    lines = [
        "#!/usr/bin/env bash",
        f"# nnFT: pretrain on {ctx.pretrain.name} and fine-tune on {ctx.finetune.name} "
        f"({ctx.options.configuration}).",
        "# Plans flow fine-tuning -> pretraining (-s FINETUNE -t PRETRAIN); weights flow back.",
        "set -euo pipefail",
        "",
    ]
    for variable, folder in ws.roots().items():
        lines.append(f"export {variable}={shlex.quote(str(folder))}")
    from .workspace import trainers_folder

    # nnFT's trainers (quick trial, graceful stop) are found by nnU-Net through this variable.
    lines.append(f"export nnUNet_extTrainer={shlex.quote(str(trainers_folder()))}")
    for i, step in enumerate(steps, 1):
        lines += ["", f"# {i}. {step.title}", f"# {step.why}"]
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(step.env.items()))
        lines.append(f"{env} {step.command_line()}".strip())
    return "\n".join(lines) + "\n"
