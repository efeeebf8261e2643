"""Guards: what a step would delete or overwrite, refused or backed up before it starts.

The same functions serve the preflight (:mod:`nnft.core.checks` shows their problems before
anything runs) and each step's ``before_start`` hook (the disk may have changed since the
preflight: the guard runs again right before the command and refuses with :class:`StepRefused`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nnft.core import problems as P
from nnft.core.datasets import DatasetInfo
from nnft.core.i18n import text
from nnft.core.problems import Problem
from nnft.core.safety import backup_path

from .context import ChainContext
from .disk import (
    CHECKPOINT_NAMES,
    baseline_fold_owner,
    checkpoint_complete,
    data_folder_owner,
    finetune_data_folder,
    finetune_fold_owner,
    fingerprint_changes,
    has_resumable_checkpoint,
    incomplete_checkpoints,
    preprocessed_cases_complete,
    preprocessed_data_changes,
    read_run_marker,
    sha256_of,
    write_preprocessing_marker,
)


class StepRefused(RuntimeError):
    """A step's guard refused to start it (it would delete or overwrite something)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _backups(ctx: ChainContext) -> str:
    return str(ctx.workspace.state_dir / "backups" / "<time>")


# -- problems (shown by the preflight, raised by the hooks) ------------------------------------
def preprocessed_data_problem(ctx: ChainContext, step_key: str, number: int,
                              folder: Path | None, plans_file: Path) -> Problem | None:
    """``PREPROCESSED_DATA_EXISTS`` when the preprocessing step ``step_key`` (step ``number``
    of the chain) would delete and recreate an existing data folder (nnU-Net does so on every
    run).

    nnFT's own folder (its marker names the same plans: a finished run, or one interrupted
    half way) is recreated without asking (info). Any other folder is refused (error), or moved
    to the backup first when the user allowed it (``allow_overwrite``: warning).
    """
    owner = data_folder_owner(folder, plans_file)
    if owner == "none" or folder is None:
        return None
    command = "nnUNetv2_preprocess" if step_key == "preprocess_pretrain" \
        else "nnUNetv2_plan_and_preprocess / nnUNetv2_preprocess"
    # Only the pretraining's preprocessing reads the pretraining dataset (a model chain has
    # none: its preprocess_finetune preprocesses the fine-tuning dataset).
    dataset = ctx.pretrain if step_key == "preprocess_pretrain" else ctx.finetune
    if owner == "nnft":
        changes = preprocessed_data_changes(folder, dataset)
        why = (text("the raw data of {dataset} changed since: {changes}",
                    dataset=dataset.name, changes="; ".join(changes))
               if changes else text("stopped half way, or changed since"))
        return P.info(
            P.PREPROCESSED_DATA_EXISTS,
            text("{folder} is left over from nnFT's own preprocessing with the same plans "
                 "({why}); step {step} deletes and recreates it.",
                 folder=folder, why=why, step=number),
        )
    if step_key == "preprocess_pretrain" and not plans_file.is_file():
        return P.error(
            P.PREPROCESSED_DATA_EXISTS,
            text("{folder} exists, but its plans file {plans_file} does not: nnFT cannot "
                 "tell which plans made that data, and after the transfer it would be taken as "
                 "preprocessed with the new plans '{plans_name}'.",
                 folder=folder, plans_file=plans_file.name, plans_name=ctx.options.plans_name),
            text("Choose a new plans identifier (--plans-name, or leave it out for a free "
                 "one), or move that folder elsewhere."),
        )
    complete = preprocessed_cases_complete(folder, list(dataset.cases))
    state = text("complete") if complete else text("incomplete")
    if ctx.options.allow_overwrite:
        return P.warning(
            P.PREPROCESSED_DATA_EXISTS,
            text("{folder} ({state}) was not made by nnFT from these plans; step {step} "
                 "({command}) deletes and recreates it, so nnFT first moves it to {backups}/ "
                 "(--backup-and-overwrite).",
                 folder=folder, state=state, step=number, command=command,
                 backups=_backups(ctx)),
            text("Nothing to do; the backup is named in the step's log."),
        )
    return P.error(
        P.PREPROCESSED_DATA_EXISTS,
        text("{folder} exists ({state}) and was not made by nnFT from these plans; step {step} "
             "({command}) would delete and recreate it.",
             folder=folder, state=state, step=number, command=command),
        text("Move that folder elsewhere to keep it, or run again with --backup-and-overwrite: "
             "nnFT then moves it to {backups}/ right before step {step}{alternative}.",
             backups=_backups(ctx), step=number,
             alternative=text(", or choose a new plans identifier (--plans-name)")
             if step_key == "preprocess_pretrain" else ""),
    )


def finetune_fold_problem(ctx: ChainContext) -> Problem | None:
    """``RESULTS_FOLDER_EXISTS`` when the fine-tuning fold folder holds another run.

    Another run: no nnFT marker for these weights (from scratch, by hand, or fine-tuned from
    other weights). Refused (error), or moved to the backup first with ``allow_overwrite``.
    """
    if finetune_fold_owner(ctx) != "other":
        return None
    fold = ctx.finetune_fold_dir
    weights = ctx.pretrained_checkpoint
    checkpoints = [n for n in CHECKPOINT_NAMES if (fold / n).exists()]
    marker = read_run_marker(fold) or {}
    what: str
    if marker.get("pretrained_weights"):
        unfinished = has_resumable_checkpoint(fold) and not checkpoint_complete(
            fold / "checkpoint_final.pth")
        what = text("a fine-tuning from other weights ({other_weights}){continuation}",
                    other_weights=marker["pretrained_weights"],
                    continuation=text(". It cannot be continued with {weights}: nnU-Net loads "
                                      "pretrained weights only at the start and refuses --c "
                                      "together with -pretrained_weights", weights=weights)
                    if unfinished else "")
    elif checkpoints:
        what = text("a training that was not fine-tuned from {weights} (nnU-Net names a "
                    "fine-tuned run exactly like a run from scratch)", weights=weights)
    else:
        what = text("files of another run that never wrote a checkpoint")
    harm = (text("fine-tuning would overwrite its checkpoints") if checkpoints else
            text("fine-tuning would mix its logs with that run's and replace its other files"))
    if ctx.options.allow_overwrite:
        return P.warning(
            P.RESULTS_FOLDER_EXISTS,
            text("{fold} holds {what}; {harm}, so nnFT first moves it to {backups}/ "
                 "(--backup-and-overwrite).",
                 fold=fold, what=what, harm=harm, backups=_backups(ctx)),
            text("Nothing to do; the backup is named in the step's log."),
        )
    return P.error(
        P.RESULTS_FOLDER_EXISTS,
        text("{fold} already holds {what}; {harm}.", fold=fold, what=what, harm=harm),
        text("Choose another fold (--fold), move that folder elsewhere to keep it, or run "
             "again with --backup-and-overwrite: nnFT then moves it to {backups}/ before "
             "fine-tuning starts.", backups=_backups(ctx)),
    )


def baseline_fold_problem(ctx: ChainContext) -> Problem | None:
    """``RESULTS_FOLDER_EXISTS`` when the baseline's fold folder holds a run nnFT's baseline
    did not start (refused, or moved to the backup first with ``allow_overwrite``)."""
    if not ctx.options.baseline or baseline_fold_owner(ctx) != "other":
        return None
    fold = ctx.baseline_fold_dir
    if ctx.options.allow_overwrite:
        return P.warning(
            P.RESULTS_FOLDER_EXISTS,
            text("{fold} holds a run that is not nnFT's from-scratch baseline; nnFT first "
                 "moves it to {backups}/ (--backup-and-overwrite).",
                 fold=fold, backups=_backups(ctx)),
            text("Nothing to do; the backup is named in the step's log."),
        )
    return P.error(
        P.RESULTS_FOLDER_EXISTS,
        text("{fold} already holds a run that is not nnFT's from-scratch baseline (no nnFT "
             "marker says it trained without pretrained weights); training the baseline there "
             "would overwrite it.", fold=fold),
        text("Move that folder elsewhere to keep it, or run again with --backup-and-overwrite: "
             "nnFT then moves it to {backups}/ before the baseline starts.",
             backups=_backups(ctx)),
    )


def stale_fingerprint_problems(ctx: ChainContext, fingerprint_number: int,
                               plan_number: int) -> list[Problem]:
    """``FINGERPRINT_STALE`` (warning) when a dataset's raw data changed after nnU-Net's
    fingerprint of it was extracted (nnU-Net would go on using it: it re-extracts only with
    ``--clean``).

    The pretraining dataset's fingerprint is extracted again by step ``fingerprint_number``
    (the old one moved to the backup first). The fine-tuning dataset's fingerprint made its
    plans, which nnFT never rewrites (the pretraining is made with them): its data is
    preprocessed again with the existing plans (step ``plan_number``), and the warning says how
    to plan for the new data.
    """
    found: list[Problem] = []
    fingerprint = ctx.pretrain_fingerprint_file
    changes = fingerprint_changes(fingerprint, ctx.pretrain)
    if changes:
        found.append(P.warning(
            P.FINGERPRINT_STALE,
            text("The fingerprint {fingerprint} no longer describes the raw data of "
                 "{dataset} ({changes}); nnU-Net would keep using it. Step {step} extracts it "
                 "again and first moves the old one to {backups}/.",
                 fingerprint=fingerprint, dataset=ctx.pretrain.name,
                 changes="; ".join(changes), step=fingerprint_number, backups=_backups(ctx)),
            text("Nothing to do if {raw_dir} changed on purpose; otherwise restore its files "
                 "before running.", raw_dir=ctx.pretrain.raw_dir),
        ))
    ft_fingerprint = ctx.finetune_preprocessed / "dataset_fingerprint.json"
    changes = fingerprint_changes(ft_fingerprint, ctx.finetune) or []
    plans = ctx.finetune_plans_file
    if plans.is_file():
        folder = finetune_data_folder(ctx)
        changes = changes or ((preprocessed_data_changes(folder, ctx.finetune) or [])
                              if folder is not None else [])
    if changes and plans.is_file():
        found.append(P.warning(
            P.FINGERPRINT_STALE,
            text("The raw data of {dataset} changed after it was planned ({changes}): its "
                 "fingerprint and the plans {plans_file} describe the older data. nnFT keeps "
                 "those plans (the pretraining is made with them) and step {step} preprocesses "
                 "the data as it is now with them.",
                 dataset=ctx.finetune.name, changes="; ".join(changes),
                 plans_file=plans.name, step=plan_number),
            text("Nothing to do if the change is small. To plan for the new data, move "
                 "{fingerprint} and {plans} away (and the pretraining made with these plans), "
                 "then run again.", fingerprint=ft_fingerprint, plans=plans),
        ))
    return found


def incomplete_checkpoint_problems(ctx: ChainContext, fold: Path) -> list[Problem]:
    """A warning for checkpoints of ``fold`` that were cut off while being written."""
    bad = incomplete_checkpoints(fold)
    if not bad:
        return []
    return [P.warning(
        P.RESULTS_FOLDER_EXISTS,
        text("{checkpoints} in {fold} was cut off while it was written (the run was killed, "
             "or its disk filled up); nnU-Net cannot load it. nnFT moves it to the backup "
             "({backups}/) before the training runs again.",
             checkpoints=", ".join(p.name for p in bad), fold=fold, backups=_backups(ctx)),
        text("Nothing to do."),
    )]


# -- before_start hooks ----------------------------------------------------------------------
def _refuse_or_move(ctx: ChainContext, problem: Problem | None, folder: Path) -> Path:
    """Refuse with ``problem`` unless the user allowed overwriting (``allow_overwrite``); then
    move ``folder`` to the backup and return where it went."""
    if not ctx.options.allow_overwrite:
        assert problem is not None, "a folder in the way always has a problem to name"
        raise StepRefused(problem)
    return backup_path(ctx.workspace, folder, move=True)


def guard_data_folder(ctx: ChainContext, step_key: str, number: int,
                      folder: Callable[[], Path | None], plans_file: Path,
                      argv: list[str], dataset: DatasetInfo | None = None) -> list[str]:
    """``before_start`` of a preprocessing step: nnU-Net deletes and recreates the data folder.

    nnFT's own folder (marker, same plans) is left to nnU-Net; any other one is refused, or moved
    to the backup when the user allowed it. Then the marker is written. ``folder`` is asked
    only now: planning may have changed what it is since the step was built. ``dataset``: the
    raw data the folder is made from, recorded in the marker (to notice when it changes).
    """
    notes: list[str] = []
    target = folder()
    if target is None:
        return notes
    if data_folder_owner(target, plans_file) == "other":
        backup = _refuse_or_move(ctx, preprocessed_data_problem(ctx, step_key, number, target,
                                                                plans_file), target)
        notes.append(f"nnFT: moved {target} to the backup {backup} "
                     "(--backup-and-overwrite): nnUNetv2_preprocess deletes and recreates it.")
    write_preprocessing_marker(target, plans_file, argv, dataset)
    return notes


def backup_stale_fingerprint(ctx: ChainContext, fingerprint: Path,
                             dataset: DatasetInfo) -> list[str]:
    """Move an outdated fingerprint (raw data changed, or cases missing) to the backup.

    nnU-Net extracts a fingerprint only when none exists (or with ``--clean``, which would
    replace it unseen). Like nnU-Net's copies of raw files it is small and made from the raw
    data, so it is moved without asking; the line returned names the backup.
    """
    if not fingerprint.exists():
        return []
    why = "; ".join(fingerprint_changes(fingerprint, dataset) or []) or "incomplete"
    backup = backup_path(ctx.workspace, fingerprint, move=True)
    return [f"nnFT: the fingerprint {fingerprint} is outdated ({why}); moved it to {backup} "
            "so that it is extracted again."]


def backup_outdated_copy(ctx: ChainContext, raw: Path, copy: Path) -> list[str]:
    """Back up (copy) nnU-Net's copy of a raw file before a command replaces it, when it
    differs from the raw file. Such a copy is never refused: it is small, made from the raw
    data, and the backup keeps whatever it held."""
    if not copy.is_file() or sha256_of(copy) == sha256_of(raw):
        return []
    backup = backup_path(ctx.workspace, copy)
    return [f"nnFT: {copy} differs from {raw} and is replaced; backed up to {backup}."]


def guard_training(ctx: ChainContext, fold_dir: Path, *, finetune: bool,
                   baseline: bool = False) -> list[str]:
    """``before_start`` of a training step.

    Fine-tuning into a fold folder that holds another run is refused, or that folder is moved to
    the backup when the user allowed it. Checkpoints cut off while being written (a killed run)
    are moved to the backup, so that ``--c`` does not try to load them.
    """
    notes: list[str] = []
    if finetune and finetune_fold_owner(ctx) == "other":
        backup = _refuse_or_move(ctx, finetune_fold_problem(ctx), fold_dir)
        notes.append(f"nnFT: moved {fold_dir} (another run) to the backup {backup} "
                     "(--backup-and-overwrite) before fine-tuning starts there.")
    if baseline and baseline_fold_owner(ctx) == "other":
        backup = _refuse_or_move(ctx, baseline_fold_problem(ctx), fold_dir)
        notes.append(f"nnFT: moved {fold_dir} (another run) to the backup {backup} "
                     "(--backup-and-overwrite) before the baseline starts there.")
    for path in incomplete_checkpoints(fold_dir):
        backup = backup_path(ctx.workspace, path, move=True)
        notes.append(f"nnFT: {path.name} was cut off while it was written (the run was "
                     f"killed); moved it to {backup}.")
    return notes
