"""The pretraining → fine-tuning chain: one object per step, in one registry.

Layout (each module imports only from those above it):

- :mod:`.presets`: the fine-tuning presets and the from-scratch baseline's trainer names;
- :mod:`.context`: :class:`RunOptions` (the user's choices) and :class:`ChainContext`
  (workspace + datasets + options: every path the steps need);
- :mod:`.disk`: what is on disk and what it means (complete data, checkpoints, nnFT's markers);
- :mod:`.guards`: what a step would delete or overwrite: problems for the preflight, and the
  ``before_start`` hooks that refuse or back up;
- :mod:`.base`: :class:`StepDefinition` (what a step is) and :class:`Step` (a step bound to a
  context: what the executor runs);
- :mod:`.model_source`: a trained model the fine-tuning starts from (no pretraining here);
- :mod:`.prepare`, :mod:`.from_model`, :mod:`.train`: the step definitions;
- :mod:`.registry`: :data:`STEPS` in chain order, :func:`build_chain`, groups and numbers;
- :mod:`.hooks`: a step's hooks as a command (``nnft step-hook``), for scripts run outside
  nnFT;
- :mod:`.export`: the chain as a bash script.
"""

from .base import EVALUATE, GROUPS, PREPARE, TRAIN, USE, Step, StepDefinition
from .context import (
    DEFAULT_TRAINER,
    FOLDS,
    GRACEFUL_STOP_TRAINERS,
    QUICK_TRIAL_TRAINER,
    RUN_MARKER,
    ChainContext,
    NoPretrainingDataset,
    RunOptions,
    load_json,
)
from .disk import (
    CHECKPOINT_NAMES,
    PREPROCESSING_MARKER_PREFIX,
    TRANSFERS_REGISTRY,
    baseline_fold_owner,
    checkpoint_complete,
    data_folder_owner,
    final_validation_finished,
    final_validation_total,
    finetune_data_folder,
    finetune_fold_owner,
    fingerprint_complete,
    has_resumable_checkpoint,
    incomplete_checkpoints,
    is_baseline_run,
    is_finetuned_from,
    needs_final_validation,
    preprocessed_cases_complete,
    preprocessing_marker_path,
    pretrain_data_folder,
    read_run_marker,
    record_transfer,
    training_finished,
    transfer_made_by_nnft,
    write_preprocessing_marker,
)
from .export import export_bash
from .from_model import (
    fingerprint_finetune_done,
    model_transfer_done,
    preprocess_finetune_done,
)
from .guards import (
    StepRefused,
    baseline_fold_problem,
    finetune_fold_problem,
    preprocessed_data_problem,
)
from .hooks import (
    StepNotDone,
    chain_spec,
    context_from_spec,
    hook_argv,
    hook_prefix,
    run_hook,
)
from .model_source import (
    IMPORT_RECORD,
    SourceModel,
    import_complete,
    import_model,
    import_record,
    resolve_source_model,
)
from .prepare import (
    fingerprint_pretrain_argv,
    plan_finetune_argv,
    plan_finetune_done,
    preprocess_pretrain_argv,
    preprocess_pretrain_done,
    transfer_done,
    transfer_plans_argv,
)
from .presets import (
    BASELINE_QUICK_TRIAL_TRAINER,
    BASELINE_TRAINER,
    DEFAULT_PRESET,
    FINETUNE_PRESETS,
    FREEZE_EPOCHS_ENV,
    FROZEN_ENCODER_PRESET,
    GENTLE_PRESET,
    FinetunePreset,
    preset_names,
)
from .registry import (
    MODEL_STEPS,
    STEP_KEYS,
    STEPS,
    all_done,
    build_chain,
    chain_steps,
    definition,
    keys_in_group,
    range_text,
    step_number,
    step_range,
)
from .train import baseline_argv, cpu_copy_of_checkpoint, finetune_argv, pretrain_argv

__all__ = [
    "BASELINE_QUICK_TRIAL_TRAINER", "BASELINE_TRAINER", "DEFAULT_PRESET", "FINETUNE_PRESETS",
    "FREEZE_EPOCHS_ENV", "FROZEN_ENCODER_PRESET", "GENTLE_PRESET", "FinetunePreset",
    "baseline_argv", "baseline_fold_owner", "baseline_fold_problem", "is_baseline_run",
    "preset_names",
    "CHECKPOINT_NAMES", "ChainContext", "DEFAULT_TRAINER", "EVALUATE", "FOLDS",
    "GRACEFUL_STOP_TRAINERS", "GROUPS", "PREPARE", "PREPROCESSING_MARKER_PREFIX",
    "QUICK_TRIAL_TRAINER", "RUN_MARKER", "RunOptions", "STEPS", "STEP_KEYS", "Step",
    "StepDefinition", "StepNotDone", "StepRefused", "TRAIN", "TRANSFERS_REGISTRY", "USE",
    "all_done", "build_chain", "chain_spec", "checkpoint_complete", "context_from_spec",
    "cpu_copy_of_checkpoint", "data_folder_owner", "definition", "export_bash", "finetune_argv",
    "finetune_data_folder", "finetune_fold_owner", "finetune_fold_problem", "fingerprint_complete",
    "fingerprint_pretrain_argv", "has_resumable_checkpoint", "hook_argv", "hook_prefix",
    "incomplete_checkpoints", "is_finetuned_from", "keys_in_group", "load_json",
    "plan_finetune_argv", "plan_finetune_done", "preprocess_pretrain_argv",
    "preprocess_pretrain_done", "preprocessed_cases_complete", "preprocessed_data_problem",
    "preprocessing_marker_path", "pretrain_argv", "pretrain_data_folder", "range_text",
    "read_run_marker", "record_transfer", "run_hook", "step_number", "step_range", "transfer_done",
    "transfer_made_by_nnft", "transfer_plans_argv", "write_preprocessing_marker",
    "final_validation_finished", "final_validation_total", "needs_final_validation",
    "training_finished",
    "IMPORT_RECORD", "MODEL_STEPS", "NoPretrainingDataset", "SourceModel", "chain_steps",
    "fingerprint_finetune_done", "import_complete", "import_model", "import_record",
    "model_transfer_done", "preprocess_finetune_done", "resolve_source_model",
]
