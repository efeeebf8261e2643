"""Submitting a chain (scripts written, ``sbatch`` in order with ``afterok``) and its record,
``nnUNet_results/nnFT/slurm/<chain id>/chain.json``; finding recorded chains again."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nnft.core.safety import atomic_write_text
from nnft.core.workspace import Workspace

from .commands import SlurmCommands, SlurmError, SlurmNotFound, sbatch_argv
from .plan import SlurmChain, slurm_folder

RECORD_NAME = "chain.json"
RECORD_FORMAT = 1


@dataclass
class SubmittedJob:
    """One submitted job of a chain (as recorded)."""

    role: str
    job_id: str
    name: str
    script: str
    sbatch_argv: list[str]
    after: str | None = None
    folds: list[str] = field(default_factory=list)
    fold_dirs: dict[str, str] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    #: The training's ``-tr`` (empty for the preparation, and in records written before nnFT
    #: recorded it).
    trainer: str = ""

    @property
    def is_array(self) -> bool:
        return len(self.folds) > 1

    def task_ids(self) -> list[tuple[str, str | None]]:
        """(Slurm id, fold): ``("12_0", "0")`` per array task, else ``("12", fold)``."""
        if self.is_array:
            return [(f"{self.job_id}_{i}", fold) for i, fold in enumerate(self.folds)]
        return [(self.job_id, self.folds[0] if self.folds else None)]

    def log_path(self, chain_dir: Path, task: str) -> Path:
        return chain_dir / f"{self.name}-{task}.out"


@dataclass
class ChainRecord:
    """What ``nnft submit`` submitted: ``nnUNet_results/nnFT/slurm/<chain id>/chain.json``."""

    chain_id: str
    chain_dir: str
    created: str
    #: The pretraining dataset's name; in a chain that fine-tunes from a model, the model's
    #: display name (``Dataset001_X (trainer, plans, configuration, fold f)``), with the
    #: details in :attr:`source_model`.
    pretrain: str
    finetune: str
    configuration: str
    #: The chain's trainer (the pretraining's); each training job records its own -tr
    #: (:attr:`SubmittedJob.trainer`: the fine-tuning preset's, the baseline's).
    trainer: str
    device: str
    folds: list[str]
    total_epochs: int | None
    workspace: dict[str, str | None]
    profile: dict[str, Any]
    options: dict[str, Any]
    jobs: list[SubmittedJob] = field(default_factory=list)
    submitted_from: str = ""
    cancelled: str | None = None
    format: int = RECORD_FORMAT
    #: The model a model chain fine-tunes from (``SourceModel.describe()``), else None.
    source_model: dict[str, Any] | None = None

    @property
    def from_model(self) -> bool:
        return self.source_model is not None

    @property
    def path(self) -> Path:
        return Path(self.chain_dir) / RECORD_NAME

    def job(self, role: str) -> SubmittedJob | None:
        return next((j for j in self.jobs if j.role == role), None)

    def job_ids(self) -> list[str]:
        return [j.job_id for j in self.jobs]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def save(self) -> None:
        """Write ``chain.json`` (atomic: a reader never sees half a record)."""
        atomic_write_text(self.path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> ChainRecord:
        """Raises ValueError when the file is missing or damaged."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            jobs = [SubmittedJob(**j) for j in data.pop("jobs", [])]
            known = {f.name for f in dataclasses.fields(cls)}
            record = cls(**{k: v for k, v in data.items() if k in known}, jobs=jobs)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"cannot read the chain record {path}: {exc}") from exc
        record.chain_dir = str(Path(path).parent)
        return record


def write_chain_scripts(chain: SlurmChain) -> dict[str, Path]:
    """Write the job scripts into the chain folder (made here: Slurm does not create the
    folder of ``--output``); role → script path."""
    chain.chain_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for job in chain.jobs:
        path = chain.chain_dir / job.filename
        atomic_write_text(path, job.text)
        path.chmod(0o755)
        paths[job.role] = path
    return paths


def new_chain_record(chain: SlurmChain) -> ChainRecord:
    """The record of a chain about to be submitted (its jobs are added as they are)."""
    ctx = chain.ctx
    return ChainRecord(
        chain_id=chain.chain_id, chain_dir=str(chain.chain_dir),
        created=datetime.now().isoformat(timespec="seconds"),
        pretrain=ctx.source_name, finetune=ctx.finetune.name,
        configuration=ctx.options.configuration, trainer=ctx.trainer,
        device=ctx.options.device, folds=list(chain.folds), total_epochs=ctx.total_epochs,
        workspace={k: (str(v) if v else None) for k, v in ctx.workspace.roots().items()},
        profile=chain.profile.to_dict(), options=dataclasses.asdict(ctx.options),
        submitted_from=socket.gethostname(),
        source_model=ctx.source_model.describe() if ctx.source_model is not None else None)


def submit_chain(chain: SlurmChain, slurm: SlurmCommands | None = None) -> ChainRecord:
    """Write the scripts, submit them in order with ``afterok`` dependencies, record the chain.

    When a later sbatch fails, the jobs already submitted are cancelled again (no half chain is
    left in the queue) and :class:`SlurmError` is raised. :class:`SlurmNotFound` when Slurm is
    not installed here (nothing is written then).
    """
    slurm = slurm or SlurmCommands()
    if not slurm.available():
        raise SlurmNotFound(slurm.missing_message())
    if not chain.jobs:
        raise ValueError("nothing to submit: every step of this chain is done")
    paths = write_chain_scripts(chain)
    record = new_chain_record(chain)
    ids: dict[str, str] = {}
    try:
        for job in chain.jobs:
            dependency = f"afterok:{ids[job.after]}" if job.after else None
            job_id = slurm.sbatch(paths[job.role], dependency=dependency)
            ids[job.role] = job_id
            record.jobs.append(SubmittedJob(
                role=job.role, job_id=job_id, name=job.name, script=str(paths[job.role]),
                sbatch_argv=sbatch_argv(paths[job.role], dependency=dependency),
                after=job.after, folds=list(job.folds), fold_dirs=dict(job.fold_dirs),
                steps=list(job.steps), trainer=job.trainer))
            record.save()
    except SlurmError:
        if ids:
            try:
                slurm.scancel(list(ids.values()))
            except SlurmError:
                pass
            record.cancelled = datetime.now().isoformat(timespec="seconds")
            record.save()
        else:
            # Nothing reached the queue: take back the scripts written for it, so no chain
            # folder without a record is left behind.
            for path in paths.values():
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                chain.chain_dir.rmdir()
        raise
    return record


def list_chains(workspace: Workspace) -> list[ChainRecord]:
    """The chains submitted from this workspace, newest first (damaged records are skipped)."""
    folder = slurm_folder(workspace)
    records = []
    for path in sorted(folder.glob(f"*/{RECORD_NAME}")) if folder.is_dir() else []:
        try:
            records.append(ChainRecord.load(path))
        except ValueError:
            continue
    return sorted(records, key=lambda r: (r.created, r.chain_id), reverse=True)


def find_chain(workspace: Workspace, chain: str | None = None) -> ChainRecord | None:
    """The newest chain, or the one whose id is or starts with ``chain``."""
    records = list_chains(workspace)
    if chain is None:
        return records[0] if records else None
    matches = [r for r in records if r.chain_id == chain] or \
        [r for r in records if r.chain_id.startswith(chain)]
    return matches[0] if len(matches) == 1 else None
