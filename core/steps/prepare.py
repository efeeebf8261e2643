"""The preparation steps: plan, fingerprint, transfer the plans, copy dataset.json, preprocess.

Plans flow FROM the fine-tuning dataset TO the pretraining dataset; these five steps make the
pretraining dataset's data look exactly like the fine-tuning dataset's will.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from nnft.core import plans as plans_mod
from nnft.core.i18n import text
from nnft.core.safety import atomic_copy

from .base import PREPARE, StepDefinition
from .context import ChainContext, load_json
from .disk import (
    finetune_data_folder,
    fingerprint_changes,
    fingerprint_complete,
    preprocessed_cases_complete,
    preprocessed_data_changes,
    pretrain_data_folder,
    record_transfer,
    write_fingerprint_marker,
    write_preprocessing_marker,
)
from .guards import backup_outdated_copy, backup_stale_fingerprint, guard_data_folder


# -- argv builders (pure) ------------------------------------------------------------------
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


# -- done checks (also used by the preflight) ------------------------------------------------
def plan_finetune_done(ctx: ChainContext) -> bool:
    """Planned, and every case preprocessed from the raw data as it is now.

    The fingerprint must exist, but its case count is not compared: once the plans exist they
    are never rewritten (the pretraining is made with them), so cases added since planning are
    preprocessed with the existing plans (the preflight warns: ``FINGERPRINT_STALE``).
    """
    folder = finetune_data_folder(ctx)
    case_ids = list(ctx.finetune.cases)
    return (folder is not None
            and (ctx.finetune_preprocessed / "dataset.json").is_file()
            and fingerprint_complete(ctx.finetune_preprocessed / "dataset_fingerprint.json",
                                     None)
            and preprocessed_cases_complete(folder, case_ids)
            and not preprocessed_data_changes(folder, ctx.finetune))


def fingerprint_pretrain_done(ctx: ChainContext) -> bool:
    """The pretraining fingerprint exists, lists every case and was extracted from the raw
    data as it is now (:func:`~.disk.fingerprint_changes`)."""
    fingerprint = ctx.pretrain_fingerprint_file
    return (fingerprint_complete(fingerprint, len(ctx.pretrain.cases))
            and not fingerprint_changes(fingerprint, ctx.pretrain))


def transfer_done(ctx: ChainContext) -> bool:
    expected = ctx.expected_transfer()
    existing = load_json(ctx.pretrain_plans_file)
    return (expected is not None and existing is not None
            and plans_mod.same_transfer(existing, expected))


def preprocess_pretrain_done(ctx: ChainContext) -> bool:
    folder = pretrain_data_folder(ctx)
    return (folder is not None and transfer_done(ctx)
            and preprocessed_cases_complete(folder, list(ctx.pretrain.cases))
            and not preprocessed_data_changes(folder, ctx.pretrain))


# -- the steps -----------------------------------------------------------------------------
class PlanFinetune(StepDefinition):
    key = "plan_finetune"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Plan and preprocess the fine-tuning dataset {dataset}",
                    dataset=ctx.finetune.name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("The network is designed for the dataset you care about: its plans (patch "
                    "size, spacing, architecture) are made first and later used for both "
                    "trainings.")

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        return plan_finetune_argv(ctx, ctx.finetune_plans_file.is_file() and not fresh)

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.planning_env()

    def is_done(self, ctx: ChainContext) -> bool:
        return plan_finetune_done(ctx)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.finetune_plans_file]

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        assert argv is not None
        notes: list[str] = []
        if argv[0] == "nnUNetv2_plan_and_preprocess":
            # Planning rewrites the dataset.json copy in nnUNet_preprocessed (a plain
            # preprocess does not).
            notes += backup_outdated_copy(ctx, ctx.finetune.raw_dir / "dataset.json",
                                          ctx.finetune_preprocessed / "dataset.json")
        return notes + guard_data_folder(ctx, self.key, self.number,
                                         lambda: finetune_data_folder(ctx, predicted=True),
                                         ctx.finetune_plans_file, argv, ctx.finetune)

    def after_done(self, ctx: ChainContext, argv: list[str] | None) -> None:
        # Record the plans that planning has just written.
        folder = finetune_data_folder(ctx)
        if folder is not None and argv is not None:
            write_preprocessing_marker(folder, ctx.finetune_plans_file, argv, ctx.finetune)


class FingerprintPretrain(StepDefinition):
    key = "fingerprint_pretrain"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Extract the fingerprint of the pretraining dataset {dataset}",
                    dataset=ctx.pretrain.name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("nnU-Net needs the pretraining dataset's fingerprint and preprocessed "
                    "folder before plans can be moved there.")

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        return fingerprint_pretrain_argv(ctx)

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.planning_env()

    def is_done(self, ctx: ChainContext) -> bool:
        return fingerprint_pretrain_done(ctx)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.pretrain_fingerprint_file]

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        # nnU-Net keeps an existing fingerprint (it extracts again only with --clean): an
        # outdated one is moved to the backup, so the command extracts it from the data now.
        if fingerprint_pretrain_done(ctx):
            return []
        return backup_stale_fingerprint(ctx, ctx.pretrain_fingerprint_file, ctx.pretrain)

    def after_done(self, ctx: ChainContext, argv: list[str] | None) -> None:
        # Record what the fingerprint was extracted from (read back by fingerprint_changes).
        write_fingerprint_marker(ctx.pretrain_fingerprint_file, ctx.pretrain)


class TransferPlans(StepDefinition):
    key = "transfer_plans"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Transfer the plans {source} → {target} as '{plans}'",
                    source=ctx.finetune.name, target=ctx.pretrain.name,
                    plans=ctx.options.plans_name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("Plans flow FROM the fine-tuning dataset (-s) TO the pretraining dataset "
                    "(-t), under a new identifier so the pretraining dataset's own plans stay "
                    "untouched.")

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        return transfer_plans_argv(ctx)

    def is_done(self, ctx: ChainContext) -> bool:
        return transfer_done(ctx)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.pretrain_plans_file]

    def after_done(self, ctx: ChainContext, argv: list[str] | None) -> None:
        record_transfer(ctx)


class CopyDatasetJson(StepDefinition):
    """The step nnU-Net's fine-tuning guide misses (#2560)."""

    key = "copy_dataset_json"
    group = PREPARE

    @staticmethod
    def _files(ctx: ChainContext) -> tuple[Path, Path]:
        return ctx.pretrain.raw_dir / "dataset.json", ctx.pretrain_preprocessed / "dataset.json"

    def title(self, ctx: ChainContext) -> str:
        return text("Copy {dataset}'s own dataset.json into its preprocessed folder",
                    dataset=ctx.pretrain.name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("The step nnU-Net's guide misses (#2560): nnUNetv2_preprocess and "
                    "nnUNetv2_train read nnUNet_preprocessed/<dataset>/dataset.json, which "
                    "only planning writes.")

    def action(self, ctx: ChainContext) -> Callable[[Callable[[str], None]], None]:
        raw_json, copied_json = self._files(ctx)

        def copy_dataset_json(log: Callable[[str], None]) -> None:
            for line in self.before_start(ctx, None, False):
                log(line)
            atomic_copy(raw_json, copied_json)
            log(f"Copied {raw_json} to {copied_json}")

        return copy_dataset_json

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        # The outdated copy goes to the backup first: in nnFT's own action above, and before
        # the plain `cp` of exported and SLURM scripts (their hook).
        return backup_outdated_copy(ctx, *self._files(ctx))

    def shell(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return shlex.join(["cp", *map(str, self._files(ctx))])

    def is_done(self, ctx: ChainContext) -> bool:
        raw_json, copied_json = self._files(ctx)
        copied = load_json(copied_json)
        return copied is not None and copied == load_json(raw_json)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [self._files(ctx)[1]]


class PreprocessPretrain(StepDefinition):
    key = "preprocess_pretrain"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Preprocess {dataset} with the transferred plans", dataset=ctx.pretrain.name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("The pretraining images are resampled and normalised exactly as the "
                    "fine-tuning dataset will be.")

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        return preprocess_pretrain_argv(ctx)

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.planning_env()

    def is_done(self, ctx: ChainContext) -> bool:
        return preprocess_pretrain_done(ctx)

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        assert argv is not None
        return guard_data_folder(ctx, self.key, self.number,
                                 lambda: pretrain_data_folder(ctx), ctx.pretrain_plans_file,
                                 argv, ctx.pretrain)

