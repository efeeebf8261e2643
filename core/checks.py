"""Preflight: everything that can be checked before a single nnU-Net command runs.

:func:`preflight` turns a choice of (pretraining dataset, fine-tuning dataset, options) into a
:class:`Preflight`: the resolved datasets, the chain context, and the problems found, each with
a stable code, the dataset/file/value concerned, and a fix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from . import machine
from . import plans as plans_mod
from . import problems as P
from .datasets import DatasetInfo, inspect_dataset, resolve_dataset
from .disk_space import (
    SpaceEstimate,
    TrainingSpaceEstimate,
    estimate_preprocessed_bytes,
    estimate_training_bytes,
    space_problems,
)
from .gpu_monitor import GpuSampler, gpu_memory_problems
from .i18n import text
from .model_fit import model_fit
from .problems import Problem
from .steps import (
    DEFAULT_PRESET,
    FINETUNE_PRESETS,
    FOLDS,
    FROZEN_ENCODER_PRESET,
    QUICK_TRIAL_TRAINER,
    ChainContext,
    RunOptions,
    baseline_fold_problem,
    checkpoint_complete,
    definition,
    finetune_data_folder,
    finetune_fold_owner,
    finetune_fold_problem,
    fingerprint_finetune_done,
    has_resumable_checkpoint,
    is_finetuned_from,
    load_json,
    preprocessed_data_problem,
    pretrain_data_folder,
    resolve_source_model,
    step_number,
    transfer_made_by_nnft,
)
from .steps.guards import incomplete_checkpoint_problems, stale_fingerprint_problems
from .steps.presets import PRESET_BASE_TRAINERS
from .weights import check_weights
from .workspace import Workspace


@dataclass
class Preflight:
    """The outcome of the checks; ``context`` is None when the datasets could not be resolved."""

    problems: list[Problem] = field(default_factory=list)
    context: ChainContext | None = None
    pretrain: DatasetInfo | None = None
    finetune: DatasetInfo | None = None

    @property
    def ok(self) -> bool:
        return not P.has_errors(self.problems)

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def _uses_ct_normalization(name: str) -> bool:
    # nnU-Net picks CT normalization (global clipping + z-score) for a channel named "CT" in any
    # case; everything else gets per-case z-score.
    return name.strip().casefold() == "ct"


def compare_datasets(pretrain: DatasetInfo, finetune: DatasetInfo) -> list[Problem]:
    """Compatibility of the two datasets for a transfer of plans and weights."""
    found: list[Problem] = []
    if len(pretrain.cases) < len(finetune.cases):
        found.append(P.warning(
            P.PRETRAIN_SMALLER,
            text("The pretraining dataset {pretrain} has {pretrain_count} cases, fewer than the "
                 "fine-tuning dataset {finetune} ({finetune_count}). Pretraining pays off when "
                 "it learns from more data than the fine-tuning has.",
                 pretrain=pretrain.name, pretrain_count=len(pretrain.cases),
                 finetune=finetune.name, finetune_count=len(finetune.cases)),
            text("If the roles are the wrong way round, swap them (Swap on the datasets page, "
                 "or exchange --pretrain and --finetune); otherwise pretrain on a larger "
                 "dataset."),
        ))
    pt_channels, ft_channels = pretrain.channel_names, finetune.channel_names
    if len(pt_channels) != len(ft_channels):
        found.append(P.error(
            P.CHANNEL_COUNT_MISMATCH,
            text("{pretrain} has {pretrain_count} input channel(s) {pretrain_channels}, "
                 "{finetune} has {finetune_count} {finetune_channels}. The first convolution's "
                 "weights only fit the same number of channels (nnU-Net #2252).",
                 pretrain=pretrain.name, pretrain_count=len(pt_channels),
                 pretrain_channels=list(pt_channels.values()), finetune=finetune.name,
                 finetune_count=len(ft_channels), finetune_channels=list(ft_channels.values())),
            text("Pretrain on a dataset with the same channels as your fine-tuning dataset, or "
                 "reduce both to the channels they share."),
        ))
    else:
        for index in sorted(ft_channels, key=int):
            a, b = pt_channels.get(index, ""), ft_channels[index]
            if _uses_ct_normalization(a) != _uses_ct_normalization(b):
                found.append(P.warning(
                    P.CHANNEL_NAME_MISMATCH,
                    text("Channel {index} is '{pretrain_channel}' in {pretrain} but "
                         "'{finetune_channel}' in {finetune}: one uses CT normalization and the "
                         "other per-case z-score. The transferred plans normalise {pretrain} "
                         "like {finetune} ('{finetune_channel}').",
                         index=index, pretrain_channel=a, pretrain=pretrain.name,
                         finetune_channel=b, finetune=finetune.name),
                    text("Make sure the intensities are comparable, or pretrain on data of the "
                         "same modality."),
                ))
            elif a.strip().casefold() != b.strip().casefold():
                found.append(P.info(
                    P.CHANNEL_NAME_MISMATCH,
                    text("Channel {index} is named '{pretrain_channel}' in {pretrain} and "
                         "'{finetune_channel}' in {finetune}; both use the same normalization.",
                         index=index, pretrain_channel=a, pretrain=pretrain.name,
                         finetune_channel=b, finetune=finetune.name),
                ))
    if pretrain.file_ending and finetune.file_ending and \
            pretrain.file_ending != finetune.file_ending:
        found.append(P.warning(
            P.FILE_ENDING_MISMATCH,
            text("{pretrain} uses '{pretrain_ending}' files, {finetune} uses "
                 "'{finetune_ending}'. nnU-Net picks the reader per dataset, so this works, but "
                 "orientation and spacing conventions can differ between formats.",
                 pretrain=pretrain.name, pretrain_ending=pretrain.file_ending,
                 finetune=finetune.name, finetune_ending=finetune.file_ending),
            text("Check both datasets in the image preview; convert to one format if they "
                 "disagree."),
        ))
    pt_labels = {k: v for k, v in pretrain.labels.items() if k != "background"}
    ft_labels = {k: v for k, v in finetune.labels.items() if k != "background"}
    if pt_labels != ft_labels:
        found.append(P.info(
            P.LABELS_DIFFER,
            text("Labels differ: {pretrain} {pretrain_labels} vs {finetune} {finetune_labels}. "
                 "That is fine: the segmentation head is not transferred and is trained anew "
                 "for {finetune}'s labels.",
                 pretrain=pretrain.name, pretrain_labels=sorted(pt_labels),
                 finetune=finetune.name, finetune_labels=sorted(ft_labels)),
        ))
    return found


def _check_preset_options(options: RunOptions) -> list[Problem]:
    """The fine-tuning preset, its frozen epochs and the baseline."""
    found: list[Problem] = []
    if options.finetune_preset not in FINETUNE_PRESETS:
        found.append(P.error(
            P.OPTIONS_INVALID,
            text("There is no fine-tuning preset '{preset}'.", preset=options.finetune_preset),
            text("Choose one of {choices}.", choices=", ".join(FINETUNE_PRESETS)),
        ))
        return found
    custom = options.finetune_preset != DEFAULT_PRESET or options.baseline
    if custom and not options.is_quick_trial and options.trainer not in PRESET_BASE_TRAINERS:
        # The sentence's subject, whole (a capitalised join would not translate).
        if options.finetune_preset == DEFAULT_PRESET:
            subject = text("The from-scratch baseline")
        elif options.baseline:
            subject = text("The '{preset}' preset and the from-scratch baseline",
                           preset=options.finetune_preset)
        else:
            subject = text("The '{preset}' preset", preset=options.finetune_preset)
        found.append(P.error(
            P.OPTIONS_INVALID,
            text("{subject} repeat nnU-Net's default schedule (1000 epochs) or the quick "
                 "trial's; they cannot copy the schedule of the trainer '{trainer}'.",
                 subject=subject, trainer=options.trainer),
            text("Use --trainer nnUNetTrainer or nnFTTrainer (or a quick trial), or fine-tune "
                 "with the default preset and without --baseline."),
        ))
    if options.freeze_epochs is not None:
        if options.finetune_preset != FROZEN_ENCODER_PRESET:
            found.append(P.error(
                P.OPTIONS_INVALID,
                text("--freeze-epochs applies to the frozen-encoder preset, not to "
                     "'{preset}'.", preset=options.finetune_preset),
                text("Add --finetune-preset frozen-encoder, or drop --freeze-epochs."),
            ))
        elif options.freeze_epochs < 1:
            found.append(P.error(P.OPTIONS_INVALID,
                                 text("The encoder must stay frozen for at least one epoch, "
                                      "got {freeze_epochs}.",
                                      freeze_epochs=options.freeze_epochs),
                                 text("Give --freeze-epochs 1 or more.")))
        else:
            total = options.trial_epochs or 5 if options.is_quick_trial else 1000
            if options.freeze_epochs >= total:
                found.append(P.warning(
                    P.OPTIONS_INVALID,
                    text("The encoder stays frozen for all {total} epochs (--freeze-epochs "
                         "{freeze_epochs}): it is never trained on your data.",
                         total=total, freeze_epochs=options.freeze_epochs),
                    text("Give fewer frozen epochs than {total} for staged unfreezing.",
                         total=total),
                ))
    return found


def check_options(options: RunOptions) -> list[Problem]:
    """Problems with the options alone."""
    found: list[Problem] = []
    model_default = options.pretrained_model and not options.configuration  # the model's
    if options.configuration not in plans_mod.TRAINABLE_CONFIGURATIONS and not model_default:
        found.append(P.error(
            P.CONFIG_NOT_AVAILABLE,
            text("Configuration '{configuration}' cannot be used for pretraining and "
                 "fine-tuning.", configuration=options.configuration),
            text("Choose one of {choices}.",
                 choices=", ".join(plans_mod.TRAINABLE_CONFIGURATIONS)),
        ))
    if str(options.fold) not in FOLDS:
        found.append(P.error(
            P.FOLD_INVALID,
            text("Fold '{fold}' does not exist.", fold=options.fold),
            text("Choose a fold 0-4 (5-fold cross-validation) or 'all'."),
        ))
    if not (options.trainer.isidentifier() and options.trainer.isascii()):
        found.append(P.error(
            P.OPTIONS_INVALID,
            text("The trainer {trainer} is not a Python class name; it becomes part of the "
                 "results folder name (<Trainer>__<plans>__<configuration>).",
                 trainer=repr(options.trainer)),
            text("Give the class name of an nnU-Net trainer, e.g. nnUNetTrainer or "
                 "nnFTTrainer."),
        ))
    problem = plans_mod.identifier_syntax_problem(options.finetune_plans)
    if problem is not None:
        found.append(P.error(problem.code,
                             text("Fine-tuning plans: {problem}", problem=problem.message),
                             problem.fix))
    if options.device not in ("cuda", "cpu", "mps"):
        found.append(P.error(P.DEVICE_NOT_AVAILABLE,
                             text("Unknown device '{device}'.", device=options.device),
                             text("Choose cuda, cpu or mps.")))
    if options.is_quick_trial and options.trainer not in ("nnUNetTrainer", QUICK_TRIAL_TRAINER):
        found.append(P.error(
            P.OPTIONS_INVALID,
            text("A quick trial (epochs/iterations) uses nnFT's trial trainer, not "
                 "'{trainer}'.", trainer=options.trainer),
            text("Drop --trainer, or drop --epochs/--iterations for a full run with your "
                 "trainer."),
        ))
    found += _check_preset_options(options)
    if options.augmentation_workers is not None and options.augmentation_workers < 0:
        found.append(P.error(P.OPTIONS_INVALID,
                             text("The number of augmentation workers cannot be negative, "
                                  "got {workers}.", workers=options.augmentation_workers),
                             text("Give 0 (augment in the main process) or more.")))
    for name, value in ((text("epochs"), options.trial_epochs),
                        (text("iterations"), options.trial_iterations),
                        (text("preprocessing workers"), options.preprocessing_workers)):
        if value is not None and value < 1:
            found.append(P.error(P.OPTIONS_INVALID,
                                 text("The number of {name} must be at least 1, got {value}.",
                                      name=name, value=value),
                                 text("Give a positive number of {name}.", name=name)))
    return found


def check_device(device: str) -> list[Problem]:
    """Is the requested device there? (nvidia-smi; no torch import)."""
    if device == "cuda" and not machine.detect_cuda_gpus():
        return [P.error(
            P.DEVICE_NOT_AVAILABLE,
            text("No NVIDIA GPU was found (nvidia-smi lists none), but device 'cuda' was "
                 "chosen."),
            text("Use --device cpu (slow: for quick trials) or run on a machine with a GPU."),
        )]
    if device == "mps" and not machine.mps_available():
        return [P.error(P.DEVICE_NOT_AVAILABLE,
                        text("Device 'mps' needs a Mac with Apple silicon."),
                        text("Use --device cpu or cuda."))]
    return []


def default_plans_name(workspace: Workspace, pretrain: DatasetInfo, finetune: DatasetInfo,
                       options: RunOptions) -> str:
    """The identifier used when the user gives none.

    The stable base name (``<sp>_pretrain_for_DatasetXXX``) when it is free or holds exactly
    this transfer (so re-running a chain continues it); otherwise the first free variant.
    """
    folder = workspace.preprocessed / pretrain.name if workspace.preprocessed else None
    base = plans_mod.suggest_plans_identifier(finetune.name, options.finetune_plans, None)
    if folder is None:
        return base
    existing = plans_mod.plans_path(folder, base)
    if existing.is_file():
        probe = dataclasses.replace(options, plans_name=base)
        ctx = ChainContext(workspace, pretrain, finetune, probe)
        expected = ctx.expected_transfer()
        try:
            if expected is not None and plans_mod.same_transfer(plans_mod.load_plans(existing),
                                                                expected):
                return base
        except (OSError, ValueError):
            pass
    elif not plans_mod._identifier_in_use(folder, base):
        return base
    return plans_mod.suggest_plans_identifier(finetune.name, options.finetune_plans, folder)


def preflight(workspace: Workspace, pretrain_ref: str | int | None, finetune_ref: str | int,
              options: RunOptions, *, check_device_present: bool = True,
              check_weights: bool = True, check_gpu_memory: bool | None = None,
              gpu_sampler: GpuSampler | None = None,
              free_bytes_of: Callable[[Path], int] | None = None,
              disk_of: Callable[[Path], Hashable] | None = None) -> Preflight:
    """Check a whole choice before anything runs. Never raises on bad input; writes nothing.

    ``free_bytes_of`` gives the free bytes of a folder's disk for the estimates of the
    preprocessed data (nnUNet_preprocessed) and of the trainings' checkpoints and validations
    (nnUNet_results) (DISK_SPACE_LOW; default ``shutil.disk_usage``); ``disk_of`` says which
    disk a folder is on (default its ``st_dev``): on one disk both estimates must fit together.

    With ``check_gpu_memory`` (default: ``check_device_present``) the GPU's free memory is
    compared with what the plans need on ``cuda`` (``gpu_sampler`` reads it; NVML by default).
    The wizard leaves it off: its GPU strip reads NVML in a worker thread instead.
    """
    if check_gpu_memory is None:
        check_gpu_memory = check_device_present
    result = Preflight()
    result.problems += workspace.check()
    if P.has_errors(result.problems):
        return result
    result.problems += check_options(options)
    if check_device_present:
        result.problems += check_device(options.device)

    if not options.pretrained_model and pretrain_ref is None:
        result.problems.append(P.error(
            P.OPTIONS_INVALID,
            text("No pretraining dataset and no model to start from were given."),
            text("Give the pretraining dataset (--pretrain ID), or a model someone trained to "
                 "fine-tune from (--pretrained-model PATH).")))
        return result
    if options.pretrained_model:
        result = _preflight_from_model(result, workspace, pretrain_ref, finetune_ref, options,
                                       check_weights=check_weights)
        if result.context is not None and not P.has_errors(result.problems):
            result.problems += _disk_space_problems(result.context, free_bytes_of, disk_of)
        if check_gpu_memory and result.context is not None:
            result.problems += gpu_memory_problems(result.context, gpu_sampler)
        return result
    assert pretrain_ref is not None  # refused above
    pt_name, found = resolve_dataset(workspace, pretrain_ref, "pretraining")
    result.problems += found
    ft_name, found = resolve_dataset(workspace, finetune_ref, "fine-tuning")
    result.problems += found
    if pt_name is None or ft_name is None:
        return result
    if pt_name == ft_name:
        result.problems.append(P.error(
            P.SAME_DATASET,
            text("{dataset} was chosen as both the pretraining and the fine-tuning dataset.",
                 dataset=pt_name),
            text("Pretrain on a different (usually larger) dataset than the one you fine-tune "
                 "on."),
        ))
        return result

    pretrain = inspect_dataset(workspace, pt_name, integrity=True)
    finetune = inspect_dataset(workspace, ft_name, integrity=True)
    result.pretrain, result.finetune = pretrain, finetune
    result.problems += pretrain.problems + finetune.problems
    if pretrain.dataset_json is None or finetune.dataset_json is None:
        return result
    result.problems += compare_datasets(pretrain, finetune)

    explicit_name = bool(options.plans_name)
    if not explicit_name:
        options = dataclasses.replace(
            options, plans_name=default_plans_name(workspace, pretrain, finetune, options))
    ctx = ChainContext(workspace, pretrain, finetune, options)
    result.context = ctx
    result.problems += _check_plans_and_outputs(ctx, explicit_name)
    result.problems += _disk_space_problems(ctx, free_bytes_of, disk_of)
    if check_gpu_memory:
        result.problems += gpu_memory_problems(ctx, gpu_sampler)
    if check_weights:  # imports torch (~3 s once): the wizard asks only before fine-tuning
        result.problems += check_pretrained_weights(ctx)
    return result


def default_model_plans_name(ctx: ChainContext) -> str:
    """The identifier a model's plans get in the fine-tuning dataset when the user gives none:
    ``<model plans>_from_DatasetXXX`` (the model's dataset), kept when free or holding exactly
    this transfer (a re-run continues), else the first free ``_2``, ``_3``, …"""
    model = ctx.model
    base = f"{model.plans_name}_from_{model.dataset_name.split('_', 1)[0]}"
    folder = ctx.finetune_preprocessed
    candidate, counter = base, 2
    while True:
        probe = dataclasses.replace(ctx, options=dataclasses.replace(
            ctx.options, plans_name=candidate, finetune_plans=candidate))
        existing = plans_mod.plans_path(folder, candidate)
        if existing.is_file():
            try:
                expected = probe.expected_transfer()
                if expected is not None and plans_mod.same_transfer(
                        plans_mod.load_plans(existing), expected):
                    return candidate
            except (OSError, ValueError):
                pass
        elif not plans_mod._identifier_in_use(folder, candidate):
            return candidate
        candidate = f"{base}_{counter}"
        counter += 1


def _preflight_from_model(result: Preflight, workspace: Workspace, pretrain_ref: str | int | None,
                          finetune_ref: str | int, options: RunOptions, *,
                          check_weights: bool) -> Preflight:
    """:func:`preflight` of a chain that fine-tunes from a trained model (``pretrained_model``).

    The model's configuration is used (``configuration`` empty, or equal to it); the plans
    identifier defaults to :func:`default_model_plans_name`; ``finetune_plans`` becomes that
    identifier (the fine-tuning trains with the model's plans).
    """
    if pretrain_ref not in (None, ""):
        result.problems.append(P.error(
            P.OPTIONS_INVALID,
            text("Both a pretraining dataset and a model to start from were given."),
            text("Give either --pretrain (pretrain here, then fine-tune) or --pretrained-model "
                 "(fine-tune from a model someone trained), not both.")))
        return result
    if options.pretrained_weights:
        result.problems.append(P.error(
            P.OPTIONS_INVALID,
            text("--pretrained-weights and --pretrained-model were both given."),
            text("Give the model (--pretrained-model): its checkpoint is the one the "
                 "fine-tuning starts from. To start from another fold, give that fold's "
                 "folder.")))
        return result
    if options.finetune_plans not in ("nnUNetPlans", options.plans_name):
        result.problems.append(P.error(
            P.OPTIONS_INVALID,
            text("--finetune-plans {finetune_plans} does not apply when fine-tuning from a "
                 "model: the fine-tuning trains with the model's plans, under --plans-name.",
                 finetune_plans=options.finetune_plans),
            text("Drop --finetune-plans; name the model's plans in your dataset with "
                 "--plans-name.")))
        return result
    ft_name, found = resolve_dataset(workspace, finetune_ref, "fine-tuning")
    result.problems += found
    model, model_problems = resolve_source_model(workspace, options.pretrained_model or "")
    # The model's own codes belong to `nnft predict`'s stage; here the model is part of the
    # choice the datasets page makes.
    result.problems += [p if p.code.startswith("SOURCE_MODEL") or p.severity != P.Severity.ERROR
                        else P.error(P.SOURCE_MODEL_INVALID, p.message, p.fix)
                        for p in model_problems]
    if ft_name is None or model is None:
        return result
    finetune = inspect_dataset(workspace, ft_name, integrity=True)
    result.finetune = finetune
    result.problems += finetune.problems
    if finetune.dataset_json is None:
        return result
    if options.configuration and options.configuration != model.configuration:
        result.problems.append(P.error(
            P.SOURCE_MODEL_CONFIG,
            text("The model was trained in the configuration '{model_configuration}', not "
                 "'{configuration}': its weights only fit that configuration's network.",
                 model_configuration=model.configuration, configuration=options.configuration),
            text("Use -c {model_configuration} (or leave the configuration out), or choose a "
                 "model trained in '{configuration}'.",
                 model_configuration=model.configuration, configuration=options.configuration)))
        return result
    options = dataclasses.replace(options, configuration=model.configuration)
    ctx = ChainContext(workspace, None, finetune, options, model)
    explicit_name = bool(options.plans_name)
    if not explicit_name:
        name = default_model_plans_name(ctx)
        ctx = dataclasses.replace(ctx, options=dataclasses.replace(options, plans_name=name))
    ctx = dataclasses.replace(ctx, options=dataclasses.replace(
        ctx.options, finetune_plans=ctx.options.plans_name))
    result.context = ctx
    fingerprint = load_json(ctx.finetune_preprocessed / "dataset_fingerprint.json") \
        if fingerprint_finetune_done(ctx) else None
    _rows, fit = model_fit(model.plans, model.dataset_json, model.configuration, finetune.name,
                           finetune.dataset_json, fingerprint)
    result.problems += fit
    if P.has_errors(fit):
        return result

    o = ctx.options
    reuse_reason = _reuse_reason(ctx, explicit_name, text(
        "the name nnFT chose for this model and dataset"))
    result.problems += plans_mod.validate_plans_identifier(
        o.plans_name, ctx.finetune_preprocessed, expected_plans=ctx.expected_transfer(),
        allow_reuse=bool(reuse_reason), reuse_reason=reuse_reason, target_role="fine-tuning")
    if not definition("preprocess_finetune", from_model=True).is_done(ctx):
        problem = preprocessed_data_problem(
            ctx, "preprocess_finetune", step_number("preprocess_finetune", from_model=True),
            finetune_data_folder(ctx, predicted=True), ctx.finetune_plans_file)
        result.problems += [problem] if problem else []
    result.problems += _check_training_folders(ctx)
    if check_weights:
        result.problems += check_pretrained_weights(ctx)
    return result


def _reuse_reason(ctx: ChainContext, explicit_name: bool, chosen_by_nnft: str) -> str:
    """Why an existing plans file identical to the transfer may be reused without asking
    ("" when it may not): the user allowed it, nnFT's own transfer wrote it, or nnFT chose
    the name (``chosen_by_nnft`` says for what: a pair of datasets, a model and a dataset)."""
    if ctx.options.reuse_plans:
        return text("reuse is allowed")
    if transfer_made_by_nnft(ctx):
        return text("nnFT's own transfer wrote it, unchanged since: the chain continues with "
                    "it, no reuse needed")
    return "" if explicit_name else chosen_by_nnft


def _checkpoint_to_check(ctx: ChainContext) -> Path:
    """The checkpoint the weights check reads: a model's imported copy once imported, else the
    model folder's own checkpoint (a zip's is checked once imported)."""
    checkpoint = ctx.pretrained_checkpoint
    model = ctx.source_model
    if model is not None and not checkpoint.is_file() and not model.is_zip:
        return model.source_folder / f"fold_{model.fold}" / "checkpoint_final.pth"
    return checkpoint


def check_pretrained_weights(ctx: ChainContext) -> list[Problem]:
    """Will the fine-tuning's ``-pretrained_weights`` load? Checked before any training starts.

    Only when there is a checkpoint to check (the user's ``pretrained_weights``, or the
    pretraining's ``checkpoint_final.pth`` once it exists) and the fine-tuning will still load
    it; otherwise nothing is imported and this costs a few stat calls. The check itself (torch,
    nnU-Net's network builder, a safe read of the checkpoint) takes a few seconds once and is
    cached by the checkpoint's size and modification time.
    """
    if not weights_check_needed(ctx):
        return []
    _report, found = check_weights(_checkpoint_to_check(ctx), ctx)
    return found


def weights_check_needed(ctx: ChainContext) -> bool:
    """Will starting the fine-tuning load the pretrained weights, so they must be checked?

    Only when there is a checkpoint to check (the user's, or the pretraining's final one once
    it exists) and the fine-tuning has not already started from it (a finished run, or one
    continued with ``--c``, loads nothing again). A few stat calls; imports nothing.
    """
    checkpoint = ctx.pretrained_checkpoint
    if not (ctx.options.pretrained_weights or _checkpoint_to_check(ctx).is_file()):
        return False
    fold = ctx.finetune_fold_dir
    return not (is_finetuned_from(fold, checkpoint) and (
        (fold / "checkpoint_final.pth").is_file() or has_resumable_checkpoint(fold)))


def _check_plans_and_outputs(ctx: ChainContext, explicit_name: bool) -> list[Problem]:
    found: list[Problem] = []
    o = ctx.options
    ft_plans = ctx.finetune_plans()
    if ft_plans is not None and plans_mod.data_identifier(ft_plans, o.configuration) is None:
        offered = plans_mod.trainable_configurations(ft_plans)
        found.append(P.error(
            P.CONFIG_NOT_AVAILABLE,
            text("The plans {plans_file} of {dataset} have no (usable) configuration "
                 "'{configuration}' (nnU-Net only makes 3d_lowres for large images).",
                 plans_file=ctx.finetune_plans_file, dataset=ctx.finetune.name,
                 configuration=o.configuration),
            text("Choose one of {choices}.", choices=", ".join(offered) or text("(none)")),
        ))
    elif ft_plans is None and ctx.finetune_plans_file.exists():
        found.append(P.error(
            P.PLANS_ID_INVALID,
            text("The fine-tuning plans {plans_file} cannot be read as a plans file (not a "
                 "JSON object).", plans_file=ctx.finetune_plans_file),
            text("Restore the file, or plan the fine-tuning dataset again "
                 "(nnUNetv2_plan_experiment)."),
        ))
    elif ft_plans is None and (ctx.finetune_preprocessed.is_dir()
                               and o.finetune_plans != "nnUNetPlans"):
        found.append(P.error(
            P.PLANS_ID_INVALID,
            text("The fine-tuning plans {plans_file} do not exist.",
                 plans_file=ctx.finetune_plans_file),
            text("Plan the fine-tuning dataset with that planner first, or use nnUNetPlans."),
        ))

    expected = ctx.expected_transfer()
    reuse_reason = _reuse_reason(ctx, explicit_name, text(
        "the name nnFT chose for this pair of datasets"))
    found += plans_mod.validate_plans_identifier(
        o.plans_name, ctx.pretrain_preprocessed, expected_plans=expected,
        allow_reuse=bool(reuse_reason), reuse_reason=reuse_reason)

    if not (ctx.pretrain_preprocessed / "dataset_fingerprint.json").is_file():
        found.append(P.info(
            P.FINGERPRINT_MISSING,
            text("{dataset} has no fingerprint yet; it is extracted in step {step}.",
                 dataset=ctx.pretrain.name, step=step_number("fingerprint_pretrain")),
        ))
    found += stale_fingerprint_problems(ctx, step_number("fingerprint_pretrain"),
                                        step_number("plan_finetune"))

    # Data folders nnU-Net deletes and recreates on preprocessing (steps 1 and 5).
    if not definition("plan_finetune").is_done(ctx):
        problem = preprocessed_data_problem(ctx, "plan_finetune", step_number("plan_finetune"),
                                            finetune_data_folder(ctx, predicted=True),
                                            ctx.finetune_plans_file)
        found += [problem] if problem else []
    if not definition("preprocess_pretrain").is_done(ctx):
        problem = preprocessed_data_problem(ctx, "preprocess_pretrain",
                                            step_number("preprocess_pretrain"),
                                            pretrain_data_folder(ctx, predicted=True),
                                            ctx.pretrain_plans_file)
        found += [problem] if problem else []

    pt_fold = ctx.pretrain_fold_dir
    found += incomplete_checkpoint_problems(ctx, pt_fold)
    if pt_fold.is_dir() and not checkpoint_complete(pt_fold / "checkpoint_final.pth"):
        if has_resumable_checkpoint(pt_fold):
            found.append(P.warning(
                P.RESULTS_FOLDER_EXISTS,
                text("{folder} holds an unfinished pretraining; it is continued (--c) from "
                     "its last checkpoint.", folder=pt_fold),
                text("Nothing to do, unless you want a fresh start: then move that folder "
                     "away."),
            ))
        else:
            found.append(P.warning(
                P.RESULTS_FOLDER_EXISTS,
                text("{folder} exists without checkpoints (a run that stopped before its "
                     "first epoch); the pretraining starts afresh there.", folder=pt_fold),
                text("Look at its training_log_*.txt if that run failed."),
            ))

    return found + _check_training_folders(ctx)


def _disk_space_problems(ctx: ChainContext, free_bytes_of: Callable[[Path], int] | None,
                         disk_of: Callable[[Path], Hashable] | None) -> list[Problem]:
    """DISK_SPACE_LOW: what the preprocessing and the training steps that will run write vs
    the free space of nnUNet_preprocessed and nnUNet_results (together when on one disk)."""
    if ctx.workspace.preprocessed is None or ctx.workspace.results is None:
        return []  # refused earlier (ENV_NOT_SET)
    preprocessing, steps = _preprocessing_estimates(ctx)
    return space_problems(ctx.workspace.preprocessed, preprocessing, steps,
                          ctx.workspace.results, _training_estimates(ctx),
                          free_bytes_of=free_bytes_of, disk_of=disk_of)


def _preprocessing_estimates(ctx: ChainContext) -> tuple[list[SpaceEstimate], str]:
    """What the data steps 1 and 5 would write into nnUNet_preprocessed, and those steps'
    numbers ("1, 5"). Both are made with the fine-tuning dataset's plans (the transfer
    copies its target spacing); before they exist, the raw size is the estimate. A chain from
    a model preprocesses the fine-tuning dataset with the model's plans."""
    plans: dict | None
    if ctx.from_model:  # one preprocessing, with the model's plans
        plans, chain = ctx.model.plans, [("preprocess_finetune", ctx.finetune)]
    else:
        plans = ctx.finetune_plans()
        chain = [("plan_finetune", ctx.finetune), ("preprocess_pretrain", ctx.pretrain)]
    estimates, steps = [], []
    for key, info in chain:
        if not definition(key, from_model=ctx.from_model).is_done(ctx):
            estimates.append(estimate_preprocessed_bytes(info, plans, ctx.options.configuration))
            steps.append(str(step_number(key, from_model=ctx.from_model)))
    return estimates, ", ".join(steps)


def _training_estimates(ctx: ChainContext) -> list[TrainingSpaceEstimate]:
    """The checkpoints and final validations of the training steps that will run
    (pretraining, fine-tuning, baseline) into nnUNet_results. All train the fine-tuning
    dataset's architecture (the transfer copies it), or the model's; each with its own
    dataset's channels, labels and cases. Before the plans exist only the validation
    predictions are estimated."""
    from_model = ctx.from_model
    plans = ctx.model.plans if from_model else ctx.finetune_plans()
    estimates = []
    for key in ("pretrain", "finetune", "baseline"):
        if from_model and key == "pretrain":
            continue
        step = definition(key, from_model=from_model)
        if not step.applies(ctx) or step.is_done(ctx):
            continue
        info = ctx.pretrain if key == "pretrain" else ctx.finetune
        fold = "all" if key == "pretrain" else ctx.options.fold
        estimates.append(estimate_training_bytes(
            str(step_number(key, from_model=from_model)), info, plans,
            ctx.options.configuration, fold,
            final_validation=not ctx.options.is_quick_trial or ctx.options.final_validation))
    return estimates


def _check_training_folders(ctx: ChainContext) -> list[Problem]:
    """The fine-tuning's and the baseline's fold folders: someone else's run, or unfinished."""
    found: list[Problem] = []
    baseline_problem = baseline_fold_problem(ctx)
    if baseline_problem is not None:
        found.append(baseline_problem)
    ft_fold = ctx.finetune_fold_dir
    problem = finetune_fold_problem(ctx)
    if problem is not None:
        found.append(problem)
    elif finetune_fold_owner(ctx) == "nnft":
        found += incomplete_checkpoint_problems(ctx, ft_fold)
        if not checkpoint_complete(ft_fold / "checkpoint_final.pth") \
                and has_resumable_checkpoint(ft_fold):
            found.append(P.warning(
                P.RESULTS_FOLDER_EXISTS,
                text("{folder} holds an unfinished fine-tuning; it is continued (--c).",
                     folder=ft_fold),
                text("Nothing to do, unless you want a fresh start: then move that folder "
                     "away."),
            ))
    return found
