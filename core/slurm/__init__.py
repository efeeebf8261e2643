"""The chain on a SLURM cluster: profiles, job scripts, submission, job states, cancel.

Three or four jobs, chained with ``--dependency=afterok``:

1. **prepare** (CPU): the "prepare" steps of :func:`nnft.core.steps.build_chain` (1-5), their
   exact commands
   (the ``dataset.json`` copy as ``cp``);
2. **pretrain** (GPU, fold ``all``), after the preparation;
3. **finetune**: one job, or a job array with one task per fold, after the pretraining; it runs
   the fine-tuning preset's trainer (:meth:`ChainContext.trainer_of`) with its settings;
4. **baseline** (only with ``--baseline``): the same folds trained from scratch under the
   baseline's trainer, after the preparation only (it needs the fine-tuning dataset's
   preprocessed data, not the pretraining), so it runs alongside the pretraining.

A chain that fine-tunes from a model someone trained (``ctx.from_model``) has no pretraining
job: its preparation (steps 1-4: import the model, fingerprint, the model's plans, preprocess)
is followed by the fine-tuning (and the baseline); job names and the chain id name the source
as ``M<model's dataset id>`` (:func:`source_tag`), and ``chain.json`` keeps ``source_model``.

Training scripts decide at run time between a first start and ``--c`` (a checkpoint in the fold
folder), so a job that is requeued continues where it stopped. With nnFT's trainers (which finish
the epoch, write ``checkpoint_latest.pth`` and exit 0 on SIGUSR1) the scripts ask Slurm for
``--signal=B:USR1@<s>``, forward the signal from the batch shell to ``nnUNetv2_train`` and then
requeue themselves (``scontrol requeue``): a 7-day pretraining survives 24-hour limits.

Slurm is driven through its own commands (``sbatch``, ``squeue``, ``scontrol``, ``sacct``,
``scancel``) as argv lists, never through a shell. Each submitted chain is recorded in
``nnUNet_results/nnFT/slurm/<chain id>/chain.json`` next to its scripts and job logs, so that
:func:`chain_status` (``nnft jobs``, the wizard) can show states and epochs later, also on a
cluster without accounting storage: states then come from ``scontrol`` while Slurm still knows
the job, from ``sacct -c`` (the job completion log), from the job's own log, and finally from
the results on disk.

Nothing here imports Qt; everything a GUI needs is a plain call it can poll from a worker thread
(:func:`list_chains`, :func:`chain_status`, :func:`cancel_chain`).

The package, one module per concern, each importing only from those before it:

``commands``  Slurm's commands, their answers, time and memory formats, errors, problem codes
``profiles``  cluster profiles, saved per user
``scripts``   the job scripts (header, environment, preparation, training with stop + requeue)
``plan``      folds, the chain's cluster problems, its jobs, the export as one bash file
``submit``    writing and submitting the scripts, the chain's record, finding chains again
``status``    job states and epochs, cancel, signal, chains training into the same folders
``preflight`` the cluster's preflight and plan (``nnft submit``, export, the Cluster page)

Everything is re-exported here: ``from nnft.core import slurm as S; S.submit_chain(...)``.
"""

from __future__ import annotations

# The cluster path's problem codes live with all the others (core/problems.py).
from nnft.core.problems import (
    SLURM_CHAIN_ACTIVE,
    SLURM_NO_CONTROLLER,
    SLURM_NO_GRACEFUL_STOP,
    SLURM_NOT_AVAILABLE,
    SLURM_OPTIONS_INVALID,
    SLURM_SUBMIT_FAILED,
)

from .commands import (
    ACTIVE_STATES,
    FAILED_STATES,
    SlurmCommands,
    SlurmConfigError,
    SlurmError,
    SlurmNotFound,
    no_controller_problem,
    parse_memory_mb,
    parse_time_limit,
    sbatch_argv,
)
from .plan import (
    SLURM_FOLDER_NAME,
    SlurmChain,
    export_slurm_text,
    new_chain_id,
    parse_folds,
    plan_slurm_chain,
    slurm_folder,
    slurm_problems,
    source_tag,
)
from .preflight import (
    cluster_preflight,
    plan_cluster_chain,
)
from .profiles import (
    MAX_SIGNAL_SECONDS,
    PROFILES_FILE_NAME,
    SlurmProfile,
    default_profiles_path,
    delete_profile,
    get_profile,
    load_profiles,
    save_profile,
)
from .scripts import (
    PREPARE_STEPS,
    ROLES,
    TRAINING_ROLES,
    JobScript,
    default_setup_lines,
    training_roles,
)
from .status import (
    LOG_TAIL_BYTES,
    ChainStatus,
    TaskState,
    cancel_chain,
    chain_fold_dirs,
    chain_status,
    conflicting_chains,
    read_log_tail,
    signal_job,
)
from .submit import (
    RECORD_FORMAT,
    RECORD_NAME,
    ChainRecord,
    SubmittedJob,
    find_chain,
    list_chains,
    submit_chain,
    write_chain_scripts,
)

# Private helpers, outside __all__, that the tests against a real Slurm use (tests/slurm).
# isort: off
from .commands import _expand_task_ids as _expand_task_ids
from .commands import _scontrol_fields as _scontrol_fields
from .scripts import _END_OF_SCRIPT as _END_OF_SCRIPT
from .status import _last_log_marker as _last_log_marker
# isort: on

__all__ = [
    "SLURM_NOT_AVAILABLE",
    "SLURM_OPTIONS_INVALID",
    "SLURM_NO_GRACEFUL_STOP",
    "SLURM_SUBMIT_FAILED",
    "SLURM_CHAIN_ACTIVE",
    "SLURM_NO_CONTROLLER",
    "ACTIVE_STATES",
    "no_controller_problem",
    "FAILED_STATES",
    "SlurmError",
    "SlurmNotFound",
    "SlurmConfigError",
    "SlurmCommands",
    "sbatch_argv",
    "parse_time_limit",
    "parse_memory_mb",
    "PROFILES_FILE_NAME",
    "MAX_SIGNAL_SECONDS",
    "SlurmProfile",
    "default_profiles_path",
    "load_profiles",
    "get_profile",
    "save_profile",
    "delete_profile",
    "ROLES",
    "TRAINING_ROLES",
    "training_roles",
    "PREPARE_STEPS",
    "JobScript",
    "default_setup_lines",
    "SLURM_FOLDER_NAME",
    "SlurmChain",
    "parse_folds",
    "slurm_problems",
    "new_chain_id",
    "source_tag",
    "slurm_folder",
    "plan_slurm_chain",
    "export_slurm_text",
    "RECORD_NAME",
    "RECORD_FORMAT",
    "SubmittedJob",
    "ChainRecord",
    "write_chain_scripts",
    "submit_chain",
    "list_chains",
    "find_chain",
    "TaskState",
    "ChainStatus",
    "LOG_TAIL_BYTES",
    "read_log_tail",
    "chain_status",
    "cancel_chain",
    "signal_job",
    "chain_fold_dirs",
    "conflicting_chains",
    "cluster_preflight",
    "plan_cluster_chain",
]
