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


def has_resumable_checkpoint(fold_dir: Path) -> bool:
    return any((fold_dir / name).is_file()
               for name in ("checkpoint_latest.pth", "checkpoint_best.pth"))


# -- steps -----------------------------------------------------------------------------------
@dataclass
class Step:
    """One step of the chain.

    Exactly one of ``argv`` (an nnU-Net command) and ``action`` (a small file operation nnFT
    does itself) is set. ``shell`` is the same step as one line of bash, for export and display.
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
    before_start: Callable[[], None] | None = None
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


def finetune_argv(ctx: ChainContext, resume: bool) -> list[str]:
    argv = ["nnUNetv2_train", str(ctx.finetune.dataset_id), ctx.options.configuration,
            ctx.options.fold, "-p", ctx.options.finetune_plans, "-tr", ctx.trainer,
            "-device", ctx.options.device]
    if resume:
        # nnU-Net refuses --c together with -pretrained_weights; the weights were loaded when
        # this fine-tuning started, and the checkpoint being continued already contains them.
        return argv + ["--c"]
    return argv + ["-pretrained_weights", str(ctx.pretrained_checkpoint)]


def build_chain(ctx: ChainContext, *, fresh: bool = False) -> list[Step]:
    """The seven steps, in order, for one choice of datasets and options.

    Parameters
    ----------
    fresh
        Build the commands of a run from scratch, ignoring what is on disk (no plain
        ``preprocess`` instead of planning, no ``--c``): for scripts that run elsewhere.
    """
    o = ctx.options
    ft_case_ids = list(ctx.finetune.cases)
    pt_case_ids = list(ctx.pretrain.cases)

    def ft_data_folder() -> Path | None:
        plans = ctx.finetune_plans()
        ident = plans_mod.data_identifier(plans, o.configuration) if plans else None
        return ctx.finetune_preprocessed / ident if ident else None

    def plan_finetune_done() -> bool:
        folder = ft_data_folder()
        return (folder is not None
                and (ctx.finetune_preprocessed / "dataset.json").is_file()
                and fingerprint_complete(ctx.finetune_preprocessed / "dataset_fingerprint.json",
                                         len(ft_case_ids))
                and preprocessed_cases_complete(folder, ft_case_ids))

    plans_exist = ctx.finetune_plans_file.is_file() and not fresh
    steps = [Step(
        key="plan_finetune",
        title=f"Plan and preprocess the fine-tuning dataset {ctx.finetune.name}",
        why="The network is designed for the dataset you care about: its plans (patch size, "
            "spacing, architecture) are made first and later used for both trainings.",
        argv=plan_finetune_argv(ctx, plans_exist),
        env=ctx.planning_env(),
        is_done=plan_finetune_done,
        outputs=[ctx.finetune_plans_file],
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

    def transfer_done() -> bool:
        expected = ctx.expected_transfer()
        existing = _load_json(ctx.pretrain_plans_file)
        return (expected is not None and existing is not None
                and plans_mod.same_transfer(existing, expected))

    steps.append(Step(
        key="transfer_plans",
        title=f"Transfer the plans {ctx.finetune.name} → {ctx.pretrain.name} as "
              f"'{o.plans_name}'",
        why="Plans flow FROM the fine-tuning dataset (-s) TO the pretraining dataset (-t), under "
            "a new identifier so the pretraining dataset's own plans stay untouched.",
        argv=transfer_plans_argv(ctx),
        is_done=transfer_done,
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

    def pt_data_folder() -> Path | None:
        expected = ctx.expected_transfer()
        ident = plans_mod.data_identifier(expected, o.configuration) if expected else None
        return ctx.pretrain_preprocessed / ident if ident else None

    def preprocess_done() -> bool:
        folder = pt_data_folder()
        return folder is not None and transfer_done() and preprocessed_cases_complete(
            folder, pt_case_ids)

    steps.append(Step(
        key="preprocess_pretrain",
        title=f"Preprocess {ctx.pretrain.name} with the transferred plans",
        why="The pretraining images are resampled and normalised exactly as the fine-tuning "
            "dataset will be.",
        argv=preprocess_pretrain_argv(ctx),
        env=ctx.planning_env(),
        is_done=preprocess_done,
    ))

    pt_fold = ctx.pretrain_fold_dir
    steps.append(Step(
        key="pretrain",
        title=f"Pretrain on {ctx.pretrain.name} (fold all, plans '{o.plans_name}')",
        why="Pretraining uses all its data (fold 'all'); its final checkpoint becomes the "
            "starting point of the fine-tuning.",
        argv=pretrain_argv(ctx, resume=has_resumable_checkpoint(pt_fold) and not fresh),
        env=ctx.training_env(),
        is_done=lambda: (pt_fold / "checkpoint_final.pth").is_file(),
        outputs=[pt_fold / "checkpoint_final.pth"],
        is_training=True,
    ))

    ft_fold = ctx.finetune_fold_dir
    resume_finetune = not fresh and (has_resumable_checkpoint(ft_fold)
                                     and is_finetuned_from(ft_fold, ctx.pretrained_checkpoint))
    argv = finetune_argv(ctx, resume=resume_finetune)

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

    steps.append(Step(
        key="finetune",
        title=f"Fine-tune on {ctx.finetune.name} (fold {o.fold}) from the pretrained weights",
        why="Weights flow back: every layer but the segmentation head starts from the "
            "pretraining checkpoint.",
        argv=argv,
        env=ctx.training_env(),
        is_done=lambda: ((ft_fold / "checkpoint_final.pth").is_file()
                         and is_finetuned_from(ft_fold, ctx.pretrained_checkpoint)),
        outputs=[ft_fold / "checkpoint_final.pth"],
        is_training=True,
        before_start=None if resume_finetune else write_marker,
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
