"""The preparation steps of a chain that starts from a trained model (no pretraining here).

Plans and weights both flow FROM the model TO the fine-tuning dataset: nnFT imports the model
(its plans, dataset.json and one checkpoint), extracts the fine-tuning dataset's fingerprint
(nnU-Net's trainer copies it into the results folder; the validation page compares it with
the model's plans), writes the model's plans into the fine-tuning dataset under a new
identifier (the same guard as the other direction: never ``nnUNetPlans``, never an existing
file), and preprocesses the fine-tuning dataset with them. The fine-tuning and the optional
baseline (:mod:`.train`) then train with those plans.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from nnft.core import plans as plans_mod
from nnft.core.i18n import text
from nnft.core.safety import atomic_copy, atomic_write_text

from .base import PREPARE, StepDefinition
from .context import ChainContext, load_json
from .disk import (
    finetune_data_folder,
    fingerprint_changes,
    fingerprint_complete,
    preprocessed_cases_complete,
    preprocessed_data_changes,
    record_transfer,
    transfer_made_by_nnft,
    write_fingerprint_marker,
)
from .guards import (
    StepRefused,
    backup_outdated_copy,
    backup_stale_fingerprint,
    guard_data_folder,
)
from .model_source import import_complete, import_model


def _script_line(ctx: ChainContext, key: str) -> str:
    """The step as one line of an exported script: nnFT does it (``python -m …``)."""
    from .hooks import chain_spec

    return shlex.join([sys.executable, "-m", "nnft.core.steps.from_model", key,
                       json.dumps(chain_spec(ctx), sort_keys=True)])


# -- argv builders and done checks (pure) -----------------------------------------------------
def fingerprint_finetune_argv(ctx: ChainContext) -> list[str]:
    return ["nnUNetv2_extract_fingerprint", "-d", str(ctx.finetune.dataset_id),
            "-np", str(ctx.options.preprocessing_workers), "--verify_dataset_integrity"]


def preprocess_finetune_argv(ctx: ChainContext) -> list[str]:
    return ["nnUNetv2_preprocess", "-d", str(ctx.finetune.dataset_id),
            "-plans_name", ctx.options.plans_name, "-c", ctx.options.configuration,
            "-np", str(ctx.options.preprocessing_workers)]


def finetune_fingerprint_file(ctx: ChainContext) -> Path:
    return ctx.finetune_preprocessed / "dataset_fingerprint.json"


def fingerprint_finetune_done(ctx: ChainContext) -> bool:
    fingerprint = finetune_fingerprint_file(ctx)
    return (fingerprint_complete(fingerprint, len(ctx.finetune.cases))
            and not fingerprint_changes(fingerprint, ctx.finetune))


def model_transfer_done(ctx: ChainContext) -> bool:
    """The model's plans are in the fine-tuning dataset under the new identifier, and the
    preprocessed folder's dataset.json is the raw one (nnUNetv2_preprocess reads it there)."""
    expected = ctx.expected_transfer()
    existing = load_json(ctx.finetune_plans_file)
    copied = load_json(ctx.finetune_preprocessed / "dataset.json")
    return (expected is not None and existing is not None
            and plans_mod.same_transfer(existing, expected)
            and copied is not None and copied == load_json(ctx.finetune.raw_dir / "dataset.json"))


def preprocess_finetune_done(ctx: ChainContext) -> bool:
    folder = finetune_data_folder(ctx)
    return (folder is not None and model_transfer_done(ctx)
            and preprocessed_cases_complete(folder, list(ctx.finetune.cases))
            and not preprocessed_data_changes(folder, ctx.finetune))


def reader_writer_for(ctx: ChainContext) -> str:
    """nnU-Net's image reader/writer for the fine-tuning dataset's images: what
    ``move_plans_between_datasets`` sets for a target dataset (the model's may read another
    format)."""
    from nnunetv2.imageio.reader_writer_registry import (
        determine_reader_writer_from_dataset_json,
    )
    from nnunetv2.utilities.utils import get_filenames_of_train_images_and_targets

    dataset_json = load_json(ctx.finetune.raw_dir / "dataset.json") or {}
    cases = get_filenames_of_train_images_and_targets(str(ctx.finetune.raw_dir), dataset_json)
    example = next(iter(cases.values()))["images"][0]
    return determine_reader_writer_from_dataset_json(
        dataset_json, example, allow_nonmatching_filename=True, verbose=False).__name__


def write_model_transfer(ctx: ChainContext, log: Callable[[str], None]) -> None:
    """Write the model's plans into the fine-tuning dataset (and its dataset.json copy).

    Raises
    ------
    StepRefused
        The target plans file exists with other plans and nnFT did not write it
        (``PLANS_ID_EXISTS``): it is never replaced.
    """
    from nnft.core import problems as P

    target = ctx.finetune_plans_file
    expected = ctx.expected_transfer()
    assert expected is not None
    existing = load_json(target)
    if target.exists() and not (existing is not None and plans_mod.same_transfer(
            existing, expected)):
        raise StepRefused(P.error(
            P.PLANS_ID_EXISTS,
            text("{target} already exists and differs from the model's plans; replacing it "
                 "would change the data and models that were made with it.", target=target),
            text("Choose a new plans identifier (--plans-name).")))
    raw_json = ctx.finetune.raw_dir / "dataset.json"
    copied_json = ctx.finetune_preprocessed / "dataset.json"
    for line in backup_outdated_copy(ctx, raw_json, copied_json):
        log(line)
    atomic_copy(raw_json, copied_json)
    if existing is None:
        plans = dict(expected, image_reader_writer=reader_writer_for(ctx))
        atomic_write_text(target, json.dumps(plans, indent=4, sort_keys=False))
        log(f"Wrote the model's plans ({ctx.model.plans_name} of {ctx.model.dataset_name}) to "
            f"{target} for {ctx.finetune.name}")
    else:
        log(f"{target} already holds the model's plans; kept")
    record_transfer(ctx)


# -- the steps -------------------------------------------------------------------------------
class ImportModel(StepDefinition):
    key = "import_model"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Import the model {model}", model=ctx.model.display_name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("nnFT copies the model's plans, dataset.json and the checkpoint the "
                    "fine-tuning starts from into nnUNet_results/nnFT/models and records the "
                    "checkpoint's sha256: the fine-tuning then never depends on a folder that "
                    "may change or a zip that may move.")

    def action(self, ctx: ChainContext) -> Callable[[Callable[[str], None]], None]:
        def run_import(log: Callable[[str], None]) -> None:
            import_model(ctx.model, log)

        return run_import

    def shell(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return _script_line(ctx, self.key)

    def is_done(self, ctx: ChainContext) -> bool:
        return import_complete(ctx.model)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.model.checkpoint]


class FingerprintFinetune(StepDefinition):
    key = "fingerprint_finetune"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Extract the fingerprint of the fine-tuning dataset {dataset}",
                    dataset=ctx.finetune.name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("The dataset's own spacing and intensities: compared with the model's "
                    "plans before anything trains (a CT model on MRI data is warned about), and "
                    "copied by nnU-Net's trainer into the results folder.")

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        return fingerprint_finetune_argv(ctx)

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.planning_env()

    def is_done(self, ctx: ChainContext) -> bool:
        return fingerprint_finetune_done(ctx)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [finetune_fingerprint_file(ctx)]

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        if fingerprint_finetune_done(ctx):
            return []
        return backup_stale_fingerprint(ctx, finetune_fingerprint_file(ctx), ctx.finetune)

    def after_done(self, ctx: ChainContext, argv: list[str] | None) -> None:
        write_fingerprint_marker(finetune_fingerprint_file(ctx), ctx.finetune)


class TransferModelPlans(StepDefinition):
    key = "transfer_model_plans"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Transfer the model's plans → {dataset} as '{plans}'",
                    dataset=ctx.finetune.name, plans=ctx.options.plans_name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("Plans flow FROM the model TO the fine-tuning dataset: its images are "
                    "resampled and normalised exactly like the model's training data, so the "
                    "weights fit. Under a new identifier, so the dataset's own plans stay "
                    "untouched.")

    def action(self, ctx: ChainContext) -> Callable[[Callable[[str], None]], None]:
        def transfer(log: Callable[[str], None]) -> None:
            write_model_transfer(ctx, log)

        return transfer

    def shell(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return _script_line(ctx, self.key)

    def is_done(self, ctx: ChainContext) -> bool:
        return model_transfer_done(ctx)

    def outputs(self, ctx: ChainContext) -> list[Path]:
        return [ctx.finetune_plans_file]

    def after_done(self, ctx: ChainContext, argv: list[str] | None) -> None:
        if not transfer_made_by_nnft(ctx):
            record_transfer(ctx)


class PreprocessFinetune(StepDefinition):
    key = "preprocess_finetune"
    group = PREPARE

    def title(self, ctx: ChainContext) -> str:
        return text("Preprocess {dataset} with the model's plans", dataset=ctx.finetune.name)

    def why(self, ctx: ChainContext, argv: list[str] | None, fresh: bool) -> str:
        return text("The fine-tuning images are resampled and normalised exactly as the "
                    "model's training data was.")

    def argv(self, ctx: ChainContext, fresh: bool) -> list[str]:
        return preprocess_finetune_argv(ctx)

    def env(self, ctx: ChainContext) -> dict[str, str]:
        return ctx.planning_env()

    def is_done(self, ctx: ChainContext) -> bool:
        return preprocess_finetune_done(ctx)

    def before_start(self, ctx: ChainContext, argv: list[str] | None,
                     fresh: bool) -> list[str]:
        assert argv is not None
        return guard_data_folder(ctx, self.key, self.number,
                                 lambda: finetune_data_folder(ctx, predicted=True),
                                 ctx.finetune_plans_file, argv, ctx.finetune)


def main(argv: list[str] | None = None) -> int:
    """``python -m nnft.core.steps.from_model STEP SPEC``: an nnFT file step of an exported
    script (the model's import or its plans transfer), in the script's workspace."""
    from nnft.core.workspace import Workspace

    from .hooks import context_from_spec

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("import_model", "transfer_model_plans"):
        print("usage: python -m nnft.core.steps.from_model import_model|transfer_model_plans "
              "SPEC_JSON", file=sys.stderr)
        return 2
    ctx = context_from_spec(Workspace.from_environment(), json.loads(args[1]))
    if args[0] == "import_model":
        import_model(ctx.model, print)
    else:
        write_model_transfer(ctx, print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
