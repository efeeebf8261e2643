"""The run report: one self-contained HTML file about a pretraining → fine-tuning chain.

What it holds: the datasets and the direction (plans flow fine-tuning → pretraining, weights flow
pretraining → fine-tuning; or, in a chain that fine-tunes from a model someone trained, both flow
from the model, which the report describes with the checkpoint's sha256 recorded when nnFT
imported it), the plans identifier and the sha256 of both plans files and of the
pretrained checkpoint, every command of the chain with its exit status and duration (from the
command history, :mod:`.command_history`; a step whose command was not recorded says so), the
versions of the software and the machine, where each training ran (nnU-Net's ``debug.json``),
the training curves (loss and EMA pseudo dice) and the real Dice of nnU-Net's final validation
(fine-tuned vs from scratch).

The file needs nothing else: the style is inline, the plots are PNG images in ``data:`` URIs
drawn with matplotlib's Agg backend (no Qt), and there is no script. :func:`write_report` does all
the work without Qt, so the wizard calls it in a background thread.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import json
import math
import os
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import command_history
from .evaluation import Comparison, comparison_from_context, verdict
from .run_records import target_of_fold_dir, train_target_of
from .safety import atomic_write_text, backup_path
from .slurm.submit import ChainRecord, list_chains
from .steps import ChainContext, build_chain, import_record
from .steps.disk import VALIDATION_SUMMARY
from .training_history import format_duration, parse_fold_dir
from .training_log import EpochRecord

#: The three trainings a report can show, in this order.
RUN_LABELS = {"pretrain": "Pretraining", "finetune": "Fine-tuning",
              "baseline": "From scratch (baseline)"}
PSEUDO_DICE_NOTE = (
    "Pseudo dice is nnU-Net's quick estimate during training (random patches of the validation "
    "cases, true and false positives summed over a whole epoch). It is NOT the real Dice: the "
    "real Dice comes from nnU-Net's final validation of whole cases (validation/summary.json), "
    "averaged per case, and can be higher or lower (nnU-Net #2128).")


# -- what the report says ------------------------------------------------------------------------
@dataclass(frozen=True)
class FileDigest:
    """A file the chain depends on and its sha256 (None when missing or unreadable)."""

    role: str
    path: Path
    sha256: str | None
    size: int | None = None


@dataclass(frozen=True)
class CommandRow:
    """One row of the commands table: a recorded command, or a step without a record."""

    step: str
    title: str
    command: str
    started: str = ""
    duration_s: float | None = None
    exit_code: int | None = None
    status: str = ""
    source: str = ""
    host: str = ""
    message: str = ""
    recorded: bool = True


@dataclass
class TrainingRun:
    """One training of the chain (pretraining, fine-tuning or the baseline)."""

    key: str
    fold_dir: Path
    epochs: list[EpochRecord] = field(default_factory=list)
    #: nnU-Net's debug.json (written at the training's start): host, device, GPU, torch.
    debug: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return RUN_LABELS.get(self.key, self.key)

    @property
    def exists(self) -> bool:
        return self.fold_dir.is_dir()


@dataclass
class RunReport:
    """Everything the HTML shows, collected from the disk (see :func:`collect_report`)."""

    created: str
    #: The pretraining dataset's name, or (fine-tuned from a model) the model's display name.
    pretrain: str
    finetune: str
    configuration: str
    fold: str
    plans_name: str
    finetune_plans: str
    finetune_preset: str
    trainers: dict[str, str]
    files: list[FileDigest]
    commands: list[CommandRow]
    versions: list[tuple[str, str]]
    runs: list[TrainingRun]
    #: Real Dice, fine-tuned vs from scratch (core/evaluation.py; what it lacks is in
    #: ``dice.missing``, each with the command that makes it).
    dice: Comparison
    history_file: Path
    #: Chains of these datasets submitted to SLURM (``nnft submit``'s chain.json records);
    #: their commands' exit status and duration are in the history through the jobs' hooks.
    slurm_chains: list[ChainRecord]
    workspace: dict[str, str]
    #: The model the fine-tuning started from (``SourceModel.describe()``), None when the chain
    #: pretrained on a dataset of the workspace.
    source_model: dict[str, Any] | None = None
    #: nnFT's record of the model's import (``nnft_import.json``: the checkpoint's sha256 when
    #: it was imported), None before the import.
    model_import: dict[str, Any] | None = None

    @property
    def from_model(self) -> bool:
        return self.source_model is not None


# -- collecting ----------------------------------------------------------------------------------
def sha256_of(path: Path) -> str | None:
    """The file's sha256 (hex), read in chunks; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _digest(role: str, path: Path) -> FileDigest:
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None
    return FileDigest(role, path, sha256_of(path) if size is not None else None, size)


def software_versions() -> list[tuple[str, str]]:
    """nnFT, nnU-Net, torch, Python, CUDA, GPU and platform of this machine.

    Imports torch (a few seconds once) to ask for CUDA and the GPU; "no GPU (CPU)" when torch
    sees none.
    """
    from importlib import metadata

    def version_of(distribution: str) -> str:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return "not installed"

    cuda, gpu = "not available", "no GPU (CPU)"
    try:
        import torch

        torch_version = str(torch.__version__)
        cuda = str(torch.version.cuda) if torch.version.cuda else "none (CPU build of torch)"
        if torch.cuda.is_available():
            count = torch.cuda.device_count()
            gpu = ", ".join(torch.cuda.get_device_name(i) for i in range(count))
            cuda += " (available)"
        elif torch.version.cuda:
            cuda += " (no GPU visible)"
    except Exception as exc:  # torch missing or broken: the report still says so
        torch_version = f"cannot be imported ({type(exc).__name__})"
    return [("nnFT", version_of("nnft")), ("nnU-Net (nnunetv2)", version_of("nnunetv2")),
            ("torch", torch_version), ("Python", platform.python_version()
                                       + f" ({sys.executable})"),
            ("CUDA", cuda), ("GPU", gpu), ("Platform", platform.platform()),
            ("Host", platform.node())]


def _mentioned_datasets(argv: list[str]) -> set[int]:
    """Dataset ids an nnU-Net command names (``-d``, ``-s``, ``-t`` values, nnUNetv2_train's
    first positional)."""
    found: set[int] = set()

    def as_id(text: str) -> int | None:
        digits = text.removeprefix("Dataset")[:3] if text.startswith("Dataset") else text
        return int(digits) if digits.isdigit() else None

    for i, token in enumerate(argv[:-1]):
        if token in ("-d", "-s", "-t"):
            for value in argv[i + 1:]:
                if value.startswith("-"):
                    break
                if (number := as_id(value)) is not None:
                    found.add(number)
    target = train_target_of(argv)
    if target is not None and (number := as_id(target.dataset)) is not None:
        found.add(number)
    return found


def _record_belongs(record: command_history.CommandRecord, ctx: ChainContext,
                    fold_dirs: dict[str, Path]) -> bool:
    """Whether a history line is a command of this chain (a workspace's history holds every
    chain of it)."""
    if record.step in fold_dirs:
        target, wanted = train_target_of(record.argv), target_of_fold_dir(fold_dirs[record.step])
        return target is not None and wanted is not None and target.same_fold(wanted)
    if ctx.source_model is not None:
        if not record.argv:
            # nnFT's import or plans transfer: its command line (nnft run) carries the chain,
            # whose JSON names the fine-tuning dataset and the identifier; a script's hook
            # records the step alone ("import_model (file operation)").
            return (f'"{ctx.options.plans_name}"' in record.command
                    and ctx.finetune.name in record.command) or \
                record.command == f"{record.step} (file operation)"
        ids = _mentioned_datasets(record.argv)
        if ids != {ctx.finetune.dataset_id}:
            return False
        expected = {"-plans_name": ctx.options.plans_name}
    else:
        if not record.argv:  # nnFT's own file operation (a copy): its paths name the dataset
            return ctx.pretrain.name in record.command or ctx.finetune.name in record.command
        ids = _mentioned_datasets(record.argv)
        if not ids or not ids <= {ctx.pretrain.dataset_id, ctx.finetune.dataset_id}:
            return False
        # The plans of this chain, not those of another chain of the same datasets.
        expected = {"-tp": ctx.options.plans_name, "-sp": ctx.options.finetune_plans,
                    "-plans_name": ctx.options.plans_name if ids == {ctx.pretrain.dataset_id}
                    else ctx.options.finetune_plans}
    for option, plans_name in expected.items():
        if option in record.argv[:-1]:
            if record.argv[record.argv.index(option) + 1] != plans_name:
                return False
    return True


def chain_commands(ctx: ChainContext) -> list[CommandRow]:
    """The chain's commands from the workspace's history, oldest first, and a row for each step
    of the chain that has no recorded command (run before nnFT kept a history, by hand, or not
    yet)."""
    if not ctx.options.baseline and ctx.baseline_fold_dir.is_dir():
        # A baseline trained earlier (or by another run) belongs to the chain's report too.
        ctx = dataclasses.replace(ctx, options=dataclasses.replace(ctx.options, baseline=True))
    steps = build_chain(ctx)
    from_scratch = {s.key: s.command_line() for s in build_chain(ctx, fresh=True)}
    titles = {s.key: s.title for s in steps}
    fold_dirs = _training_fold_dirs(ctx)
    records = command_history.finished_commands(
        command_history.read_history(ctx.workspace.state_dir))
    rows = [CommandRow(step=r.step, title=titles.get(r.step, r.step), command=r.command,
                       started=r.started, duration_s=r.duration_s, exit_code=r.exit_code,
                       status=r.status, source=r.source, host=r.host, message=r.message)
            for r in records if r.step in titles and _record_belongs(r, ctx, fold_dirs)]
    seen = {row.step for row in rows}
    for step in steps:
        if step.key in seen:
            continue
        rows.append(CommandRow(
            step=step.key, title=step.title,
            command=from_scratch.get(step.key, step.command_line()), recorded=False,
            status="done: outputs on disk" if step.is_done() else "not done"))
    return rows


def read_debug_json(fold_dir: Path) -> dict[str, Any]:
    """nnU-Net's ``debug.json`` of a fold (empty when missing)."""
    try:
        data = json.loads((fold_dir / "debug.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _training_fold_dirs(ctx: ChainContext) -> dict[str, Path]:
    """The fold folder of each training of the chain (no pretraining in a model chain)."""
    dirs = {} if ctx.from_model else {"pretrain": ctx.pretrain_fold_dir}
    return {**dirs, "finetune": ctx.finetune_fold_dir, "baseline": ctx.baseline_fold_dir}


def _chain_files(ctx: ChainContext) -> list[FileDigest]:
    """The plans files and the checkpoint the chain depends on, with their sha256."""
    if ctx.source_model is None:
        return [_digest("Fine-tuning dataset's plans (the source of the transfer)",
                        ctx.finetune_plans_file),
                _digest("Transferred plans of the pretraining dataset", ctx.pretrain_plans_file),
                _digest("Pretrained checkpoint (the weights the fine-tuning starts from)",
                        ctx.pretrained_checkpoint)]
    model = ctx.source_model
    return [_digest(f"The model's plans '{model.plans_name}' (nnFT's imported copy; the source "
                    "of the transfer)", ctx.transfer_source),
            _digest(f"The model's plans in {ctx.finetune.name} as '{ctx.options.plans_name}' "
                    "(what the fine-tuning trains with)", ctx.finetune_plans_file),
            _digest("The model's checkpoint (nnFT's imported copy: the weights the fine-tuning "
                    "starts from)", ctx.pretrained_checkpoint)]


def _same_chain_record(record: ChainRecord, ctx: ChainContext) -> bool:
    """Whether a submitted SLURM chain is this chain (same source, datasets, configuration)."""
    if (record.finetune, record.configuration) != (ctx.finetune.name,
                                                   ctx.options.configuration):
        return False
    if ctx.source_model is None:
        return not record.from_model and record.pretrain == ctx.pretrain.name
    return (record.source_model or {}).get("imported") == str(ctx.source_model.imported_dir)


def collect_report(ctx: ChainContext) -> RunReport:
    """Read everything the report shows from the disk (and this machine's versions)."""
    runs = []
    for key, fold_dir in _training_fold_dirs(ctx).items():
        runs.append(TrainingRun(key, fold_dir, parse_fold_dir(fold_dir) if fold_dir.is_dir()
                                else [], read_debug_json(fold_dir)))
    ws = ctx.workspace
    model = ctx.source_model
    return RunReport(
        created=command_history.now_iso(),
        pretrain=ctx.source_name, finetune=ctx.finetune.name,
        configuration=ctx.options.configuration, fold=ctx.options.fold,
        plans_name=ctx.options.plans_name, finetune_plans=ctx.options.finetune_plans,
        finetune_preset=ctx.options.finetune_preset,
        trainers={key: ctx.trainer_of(key) for key in RUN_LABELS},
        files=_chain_files(ctx),
        commands=chain_commands(ctx),
        versions=software_versions(),
        runs=runs, dice=comparison_from_context(ctx),
        history_file=command_history.history_path(ws.state_dir),
        slurm_chains=[c for c in list_chains(ws) if _same_chain_record(c, ctx)],
        workspace={k: str(v) for k, v in ws.roots().items()},
        source_model=model.describe() if model is not None else None,
        model_import=import_record(model) if model is not None else None,
    )


# -- plots ---------------------------------------------------------------------------------------
#: One colour per training, the same in both plots.
RUN_COLOURS = {"pretrain": "#7f7f7f", "finetune": "#1f77b4", "baseline": "#d62728"}


def _png_data_uri(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _series(epochs: list[EpochRecord], attribute: str) -> tuple[list[int], list[float]]:
    xs, ys = [], []
    for record in epochs:
        value = getattr(record, attribute)
        if value is not None and not math.isnan(value):
            xs.append(record.epoch + 1)  # nnFT counts epochs from 1
            ys.append(value)
    return xs, ys


def _epoch_axis(axes: Any) -> None:
    """Whole epochs on the x axis, a grid, the legend right of the plot (never over a curve)."""
    from matplotlib.ticker import MaxNLocator

    axes.set_xlabel("epoch (counted from 1)")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))


def plot_curves(runs: Iterable[TrainingRun]) -> dict[str, str]:
    """The loss and EMA pseudo dice plots as PNG ``data:`` URIs (empty when no epochs)."""
    runs = [r for r in runs if r.epochs]
    if not runs:
        return {}
    # matplotlib's Figure without pyplot: no global backend or state (safe in the wizard's
    # worker thread); savefig renders a PNG with the Agg canvas.
    from matplotlib.figure import Figure

    plots = {}
    loss = Figure(figsize=(10.5, 3.6))
    axes = loss.add_subplot()
    for run in runs:
        colour = RUN_COLOURS.get(run.key)
        axes.plot(*_series(run.epochs, "train_loss"), color=colour, marker=".",
                  label=f"{run.label}: train loss")
        axes.plot(*_series(run.epochs, "val_loss"), color=colour, marker=".", linestyle="--",
                  label=f"{run.label}: validation loss")
    _epoch_axis(axes)
    axes.set_ylabel("loss")
    loss.tight_layout()
    plots["loss"] = _png_data_uri(loss)

    dice = Figure(figsize=(10.5, 3.6))
    axes = dice.add_subplot()
    for run in runs:
        axes.plot(*_series(run.epochs, "ema_pseudo_dice"), color=RUN_COLOURS.get(run.key),
                  marker=".", label=f"{run.label}: EMA pseudo dice")
    _epoch_axis(axes)
    axes.set_ylabel("EMA pseudo dice\n(not the real Dice)")
    axes.set_ylim(0, 1)
    dice.tight_layout()
    plots["dice"] = _png_data_uri(dice)
    return plots


def plot_dice(comparison: Comparison) -> str | None:
    """Per-class real Dice, fine-tuned vs from scratch, as a bar chart (PNG ``data:`` URI)."""
    rows = [r for r in comparison.classes if r.finetuned is not None or r.baseline is not None]
    if not rows:
        return None
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.2))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    width = 0.38
    axes.bar([p - width / 2 for p in positions], [r.finetuned or 0.0 for r in rows], width,
             color=RUN_COLOURS["finetune"], label="fine-tuned")
    axes.bar([p + width / 2 for p in positions], [r.baseline or 0.0 for r in rows], width,
             color=RUN_COLOURS["baseline"], label="from scratch")
    axes.set_xticks(positions, [f"{r.name} ({r.label})" for r in rows])
    axes.set_ylabel("Dice (final validation)")
    axes.set_ylim(0, 1)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    return _png_data_uri(figure)


# -- HTML ----------------------------------------------------------------------------------------
_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #222;
       max-width: 1150px; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: 2px; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top;
         font-size: 0.9em; }
th { background: #f0f0f0; }
code, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em;
              overflow-wrap: anywhere; }
.ok { color: #1a7f37; } .bad { color: #b42318; } .unknown { color: #8a6d00; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 10px; }
.verdict { font-size: 1.1em; font-weight: bold; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
.direction { font-size: 1.05em; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None, sign: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.4f}" if sign else f"{value:.4f}"


def _status_cell(row: CommandRow) -> str:
    if not row.recorded:
        return f'<span class="unknown">not recorded</span> ({_e(row.status)})'
    if row.exit_code is None:
        text = {"done": "done (nnFT file operation, no process)"}.get(
            row.status, f"{row.status}, no exit status")
        css = "ok" if row.status == "done" else "unknown"
        return f'<span class="{css}">{_e(text)}</span>'
    css = "ok" if row.exit_code == 0 and row.status == "done" else "bad"
    return f'<span class="{css}">exit {row.exit_code}</span> ({_e(row.status)})'


def _commands_html(report: RunReport) -> list[str]:
    out = ["<table><tr><th>#</th><th>step</th><th>command</th><th>started</th>"
           "<th>duration</th><th>exit status</th><th>where</th></tr>"]
    for i, row in enumerate(report.commands, 1):
        duration = (f"{format_duration(row.duration_s)} ({row.duration_s:.1f} s)"
                    if row.duration_s is not None else "unknown")
        where = " · ".join(x for x in (row.host, row.source) if x) or "—"
        message = f"<br><small>{_e(row.message)}</small>" if row.message else ""
        out.append(f"<tr><td>{i}</td><td>{_e(row.title)}<br><code>{_e(row.step)}</code></td>"
                   f"<td><code>{_e(row.command)}</code>{message}</td>"
                   f"<td class=\"nowrap\">{_e(row.started.replace('T', ' ')) or '—'}</td>"
                   f"<td class=\"num nowrap\">{_e(duration)}</td>"
                   f"<td>{_status_cell(row)}</td><td>{_e(where)}</td></tr>")
    out.append("</table>")
    return out


def _runs_html(report: RunReport) -> list[str]:
    out = ["<table><tr><th>training</th><th>trainer</th><th>fold folder</th><th>epochs</th>"
           "<th>host</th><th>device</th><th>GPU</th><th>torch</th></tr>"]
    for run in report.runs:
        debug = run.debug
        epochs = str(len(run.epochs)) if run.exists else "not trained"
        out.append(
            f"<tr><td>{_e(run.label)}</td><td><code>{_e(report.trainers.get(run.key, ''))}"
            f"</code></td><td><code>{_e(run.fold_dir)}</code></td><td class=\"num\">"
            f"{_e(epochs)}</td><td>{_e(debug.get('hostname', '—'))}</td>"
            f"<td>{_e(debug.get('device', '—'))}</td>"
            f"<td>{_e(debug.get('gpu_name', 'none' if debug else '—'))}</td>"
            f"<td>{_e(debug.get('torch_version', '—'))}</td></tr>")
    out.append("</table><p><small>From nnU-Net's <code>debug.json</code>, written when each "
               "training started.</small></p>")
    return out


def _dice_html(report: RunReport) -> list[str]:
    dice = report.dice
    out = []
    # The verdict's first line; what is missing follows, each with the command that makes it.
    for i, line in enumerate(verdict(dice).splitlines()):
        out.append(f'<p class="{"verdict" if i == 0 else "note"}">{_e(line)}</p>')
    out += [f'<p class="note">{_e(note)}</p>' for note in dice.notes]
    if not any(r.finetuned is not None or r.baseline is not None
               for r in [*dice.classes, dice.mean]):
        return out
    out.append("<table><tr><th>class</th><th>label</th><th>fine-tuned</th>"
               "<th>from scratch</th><th>difference</th></tr>")
    for row in dice.classes:
        out.append(f"<tr><td>{_e(row.name)}</td><td>{_e(row.label)}</td>"
                   f"<td class=\"num\">{_num(row.finetuned)}</td>"
                   f"<td class=\"num\">{_num(row.baseline)}</td>"
                   f"<td class=\"num\">{_num(row.delta, sign=True)}</td></tr>")
    out.append(f"<tr><th>mean (foreground)</th><th></th>"
               f"<th class=\"num\">{_num(dice.mean.finetuned)}</th>"
               f"<th class=\"num\">{_num(dice.mean.baseline)}</th>"
               f"<th class=\"num\">{_num(dice.mean.delta, sign=True)}</th></tr></table>")
    chart = plot_dice(dice)
    if chart:
        out.append(f'<p><img alt="Dice per class, fine-tuned and from scratch" '
                   f'src="{chart}"></p>')
    reached = dice.epochs_to_90
    out.append("<p>Epochs to reach 90% of the final EMA pseudo dice (a measure of speed, not "
               f"of quality): fine-tuned {_e(reached.get('finetuned') or '—')}, from scratch "
               f"{_e(reached.get('baseline') or '—')}.</p>")
    files = [f"<code>{_e(folder / VALIDATION_SUMMARY)}</code>"
             for folder in (dice.finetuned_dir, dice.baseline_dir) if folder is not None]
    out.append(f"<p><small>Real Dice of nnU-Net's final validation, exactly as in "
               f"{' and '.join(files)} (difference: fine-tuned minus from scratch).</small></p>")
    return out


def _slurm_html(report: RunReport) -> list[str]:
    """The SLURM jobs submitted for these datasets (from their chain.json records; their
    states now: ``nnft jobs``)."""
    if not report.slurm_chains:
        return []
    out = ["<p>Submitted to SLURM (<code>nnft submit</code>; states and logs: <code>nnft "
           "jobs</code>). Their commands appear above through the jobs' <code>nnft "
           "step-hook</code> calls when the cluster nodes write into this workspace.</p>",
           "<table><tr><th>chain</th><th>submitted</th><th>job</th><th>role</th>"
           "<th>steps</th><th>folds</th></tr>"]
    for chain in report.slurm_chains:
        cancelled = f" (cancelled {chain.cancelled})" if chain.cancelled else ""
        for job in chain.jobs:
            out.append(f"<tr><td><code>{_e(chain.chain_id)}</code>{_e(cancelled)}</td>"
                       f"<td class=\"nowrap\">{_e(chain.created)}</td>"
                       f"<td><code>{_e(job.job_id)}</code></td><td>{_e(job.role)}</td>"
                       f"<td>{_e(', '.join(job.steps))}</td>"
                       f"<td>{_e(', '.join(job.folds))}</td></tr>")
    out.append("</table>")
    return out



def _dataset_direction_html(report: RunReport) -> list[str]:
    """The datasets and which way plans and weights flow in a chain that pretrains here."""
    out = ["<h2>Datasets and direction</h2>"]
    out.append(
        '<table class="direction">'
        f"<tr><th>Pretraining dataset</th><td><code>{_e(report.pretrain)}</code></td>"
        "<td>the large dataset the weights are learnt on</td></tr>"
        f"<tr><th>Fine-tuning dataset</th><td><code>{_e(report.finetune)}</code></td>"
        "<td>your target dataset</td></tr></table>"
        "<p><b>Plans flow from the fine-tuning dataset to the pretraining dataset</b> "
        f"(<code>nnUNetv2_move_plans_between_datasets -s {_e(report.finetune)} -t "
        f"{_e(report.pretrain)}</code>): the pretraining uses the fine-tuning dataset's "
        "network, patch size and normalization.<br><b>Weights flow from the pretraining to the "
        "fine-tuning</b> (<code>nnUNetv2_train … -pretrained_weights</code>).</p>")
    out.append(
        f"<p>Plans identifier of the pretraining (transferred plans): "
        f"<code>{_e(report.plans_name)}</code>; of the fine-tuning dataset: "
        f"<code>{_e(report.finetune_plans)}</code>.</p>")
    return out


def _model_direction_html(report: RunReport) -> list[str]:
    """The model the fine-tuning started from (where it is, what it was trained on and how,
    its checkpoint's sha256 when nnFT imported it) and the direction: plans AND weights flow
    from the model to the fine-tuning dataset."""
    model = report.source_model or {}
    record = report.model_import or {}
    where = str(model.get("path", ""))
    if model.get("member"):
        where += f" (in the zip: {model['member']})"
    imported_sha = record.get("checkpoint_sha256")
    now_sha = next((d.sha256 for d in report.files if d.path.name == "checkpoint_final.pth"),
                   None)
    if not imported_sha:
        sha_cell = '<span class="unknown">not imported yet</span>'
    elif now_sha is not None and now_sha != imported_sha:
        sha_cell = (f'<span class="mono">{_e(imported_sha)}</span> <span class="bad">(the '
                    "imported copy has changed since: its sha256 is now "
                    f'<span class="mono">{_e(now_sha)}</span>)</span>')
    else:
        sha_cell = f'<span class="mono">{_e(imported_sha)}</span>'
    rows = [("Model", f"<code>{_e(where)}</code>", "the trained model the fine-tuning starts "
             "from (not trained here)"),
            ("Trained on", f"<code>{_e(model.get('dataset', ''))}</code>", ""),
            ("Trainer", f"<code>{_e(model.get('trainer', ''))}</code>", ""),
            ("Plans", f"<code>{_e(model.get('plans', ''))}</code>", ""),
            ("Configuration", f"<code>{_e(model.get('configuration', ''))}</code>", ""),
            ("Fold", f"<code>{_e(model.get('fold', ''))}</code>",
             "its checkpoint_final.pth is the starting point"),
            ("Checkpoint sha256", sha_cell,
             "recorded by nnFT when it imported the model"
             + (f" ({_e(record['imported_at'])})" if record.get("imported_at") else "")),
            ("Fine-tuning dataset", f"<code>{_e(report.finetune)}</code>",
             "your target dataset")]
    out = ["<h2>Model and direction</h2>", '<table class="direction">']
    out += [f"<tr><th>{_e(name)}</th><td>{value}</td><td>{_e(note)}</td></tr>"
            for name, value, note in rows]
    out.append("</table>")
    out.append(
        "<p><b>Plans and weights both flow from the model to the fine-tuning dataset.</b> "
        f"nnFT writes the model's plans into {_e(report.finetune)} under a new identifier (like "
        "<code>nnUNetv2_move_plans_between_datasets</code> with the model as the source), "
        "preprocesses the dataset with them, and the fine-tuning starts from the model's "
        "checkpoint (<code>nnUNetv2_train … -pretrained_weights</code>).</p>")
    out.append(
        f"<p>Plans identifier of the model: <code>{_e(model.get('plans', ''))}</code>; the "
        f"model's plans in the fine-tuning dataset (the new identifier): "
        f"<code>{_e(report.plans_name)}</code>.</p>")
    return out


def render_html(report: RunReport, plots: dict[str, str] | None = None) -> str:
    """The report as one HTML document (every value escaped; images as ``data:`` URIs)."""
    plots = plot_curves(report.runs) if plots is None else plots
    source = f"model {report.pretrain}" if report.from_model else report.pretrain
    title = f"nnFT run report: {source} → {report.finetune}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{_e(title)}</title>", f"<style>{_STYLE}</style></head><body>",
           f"<h1>{_e(title)}</h1>",
           f"<p>Written {_e(report.created)} by nnFT. Configuration "
           f"<code>{_e(report.configuration)}</code>, fine-tuning fold "
           f"<code>{_e(report.fold)}</code>, fine-tuning preset "
           f"<code>{_e(report.finetune_preset)}</code>.</p>"]

    if report.from_model:
        out += _model_direction_html(report)
    else:
        out += _dataset_direction_html(report)
    out.append("<table><tr><th>file</th><th>path</th><th>sha256</th></tr>")
    for digest in report.files:
        value = (f'<span class="mono">{_e(digest.sha256)}</span>' if digest.sha256
                 else '<span class="bad">missing or unreadable</span>')
        out.append(f"<tr><td>{_e(digest.role)}</td><td><code>{_e(digest.path)}</code></td>"
                   f"<td>{value}</td></tr>")
    out.append("</table>")

    out.append("<h2>Real Dice: fine-tuned vs from scratch</h2>")
    out += _dice_html(report)

    out.append("<h2>Training curves</h2>")
    out.append(f'<p class="note">{_e(PSEUDO_DICE_NOTE)}</p>')
    if plots:
        out.append(f'<p><img alt="Train and validation loss per epoch" src="{plots["loss"]}">'
                   "</p>")
        out.append(f'<p><img alt="EMA pseudo dice per epoch" src="{plots["dice"]}"></p>')
    else:
        out.append("<p>No epochs logged yet.</p>")
    out += _runs_html(report)

    out.append("<h2>Commands</h2>")
    out.append(f"<p>Every command of the chain, oldest first, from nnFT's command history "
               f"<code>{_e(report.history_file)}</code> (written by <code>nnft run</code>, the "
               "wizard, and exported or SLURM scripts through <code>nnft step-hook</code>). A "
               "stopped and resumed training appears once per command.</p>")
    if any(not row.recorded for row in report.commands):
        out.append('<p class="note">Steps marked <i>not recorded</i>: nnFT has no record of '
                   "their command (run before nnFT kept a command history, by hand, or by a "
                   "script without nnFT's hooks), so their exit status and duration are "
                   "unknown. The command shown is the one nnFT runs for that step from "
                   "scratch, not necessarily the one that ran.</p>")
    out += _commands_html(report)
    out += _slurm_html(report)

    out.append("<h2>Versions</h2>")
    out.append("<table>" + "".join(f"<tr><th>{_e(name)}</th><td>{_e(value)}</td></tr>"
                                   for name, value in report.versions) + "</table>")
    out.append("<p><small>Of the machine that wrote this report; where each training ran is in "
               "the table under the curves.</small></p>")
    out.append("<h2>Workspace</h2><table>" + "".join(
        f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>"
        for k, v in report.workspace.items()) + "</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_report(ctx: ChainContext, output: Path, *, overwrite: bool = False) -> Path:
    """Collect, render and write the report of ``ctx``'s chain to ``output``; returns it.

    Pure Python (no Qt): the wizard calls it in a background thread. Writes atomically.

    Parameters
    ----------
    ctx
        The chain (as ``nnft run`` or the wizard built it).
    output
        The HTML file to write.
    overwrite
        Replace an existing ``output``: the old file is first copied to nnFT's backup folder
        (``nnUNet_results/nnFT/backups/<time>/``). Without it an existing file raises
        FileExistsError and nothing is written.

    Raises
    ------
    FileExistsError
        ``output`` exists and ``overwrite`` is False.
    IsADirectoryError
        ``output`` is a folder.
    OSError
        It cannot be written.
    """
    output = Path(output)
    if output.is_dir():
        raise IsADirectoryError(f"{output} is a folder; give a file name such as "
                                f"{output / 'report.html'}")
    if output.exists():
        if not overwrite:
            raise FileExistsError(f"{output} exists")
        backup_path(ctx.workspace, output)
    atomic_write_text(output, render_html(collect_report(ctx)))
    try:  # a report is for sharing: readable by others, like a file the user saves
        os.chmod(output, 0o644)
    except OSError:
        pass
    return output

