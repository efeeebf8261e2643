"""The run report's HTML (core/report.py) on the demo workspace under a path that needs escaping:
the sha256 values, every recorded command with its exit status and duration, the versions,
nothing fetched from anywhere (only ``data:`` URIs), and no existing file replaced silently.

The Dice figures and the curves of a real chain: tests/integration/test_report.py.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import platform
import shutil
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import pytest

from nnft.core import command_history as H
from nnft.core.plans import transferred_plans
from nnft.core.report import collect_report, render_html, write_report
from nnft.core.steps import build_chain
from nnft.core.training_history import format_duration

#: Characters HTML must escape, a space and non-ASCII, in the workspace's path.
ODD_NAME = 'demo <b>&"ü\' workspace'


class _Tags(HTMLParser):
    """Every tag and its attributes, to check what the page would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture
def chain(demo, tmp_path):
    """A demo workspace under ``ODD_NAME``, planned and transferred, with a pretrained
    checkpoint file, and its chain context."""
    root = tmp_path / ODD_NAME
    shutil.copytree(demo.root, root)
    odd = type(demo)(root, demo.demo)
    odd.write_finetune_plans()
    result = odd.preflight()
    ctx = result.context
    assert ctx is not None, [str(p) for p in result.problems]
    plans = transferred_plans(json.loads(ctx.finetune_plans_file.read_text(encoding="utf-8")),
                              ctx.pretrain.name, "nnUNetPlans", ctx.options.plans_name)
    ctx.pretrain_plans_file.parent.mkdir(parents=True, exist_ok=True)
    ctx.pretrain_plans_file.write_text(json.dumps(plans), encoding="utf-8")
    ctx.pretrained_checkpoint.parent.mkdir(parents=True)
    ctx.pretrained_checkpoint.write_bytes(os.urandom(4096))
    return ctx


def _record(ctx, key: str, exit_code: int | None, status: str, duration: float,
            message: str = "", started: str = "2026-11-29T10:00:00+00:00") -> H.CommandRecord:
    step = next(s for s in build_chain(ctx) if s.key == key)
    record = H.CommandRecord(step=key, command=step.command_line(), argv=list(step.argv or []),
                             started=started, duration_s=duration, exit_code=exit_code,
                             status=status, message=message, host="node-ü")
    H.append_record(ctx.workspace.state_dir, record)
    return record


def test_report_html_is_escaped_self_contained_and_complete(chain) -> None:
    ctx = chain
    recorded = [
        _record(ctx, "plan_finetune", 0, "done", 12.5, started="2026-11-29T10:00:00+00:00"),
        _record(ctx, "fingerprint_pretrain", -9, "failed", 3.25,
                "was killed by SIGKILL <oom> & more", started="2026-11-29T10:01:00+00:00"),
        _record(ctx, "fingerprint_pretrain", 0, "done", 61.0,
                started="2026-11-29T10:02:00+00:00"),
    ]
    # Another chain of the same workspace (other datasets): not this report's command.
    H.append_record(ctx.workspace.state_dir, H.CommandRecord(
        step="plan_finetune", command="nnUNetv2_plan_and_preprocess -d 7 -c 2d",
        argv=["nnUNetv2_plan_and_preprocess", "-d", "7", "-c", "2d"], exit_code=0,
        status="done", duration_s=1.0, started="2026-11-29T09:00:00+00:00"))
    text = render_html(collect_report(ctx))

    # Escaped: the raw path never appears, its escaped form does.
    assert str(ctx.workspace.results) not in text
    assert html.escape(str(ctx.workspace.results)) in text
    assert "<oom>" not in text and html.escape("was killed by SIGKILL <oom> & more") in text

    # sha256 of both plans files and of the checkpoint, equal to hashlib's.
    for path in (ctx.finetune_plans_file, ctx.pretrain_plans_file, ctx.pretrained_checkpoint):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in text
        assert html.escape(str(path)) in text
    assert ctx.options.plans_name in text

    # Every recorded command of this chain, with its exit status and duration, in order.
    positions = []
    for record in recorded:
        assert html.escape(record.command) in text
        assert f"exit {record.exit_code}" in text
        positions.append(text.index(format_duration(record.duration_s) +
                                    f" ({record.duration_s:.1f} s)"))
    assert positions == sorted(positions)
    assert "-d 7" not in text
    # Steps without a record say so instead of inventing an exit status.
    assert text.count("not recorded</span>") == len(build_chain(ctx)) - 2

    # Versions of this machine.
    assert f"<td>{metadata.version('nnunetv2')}</td>" in text
    assert f"<td>{metadata.version('nnft')}</td>" in text
    assert platform.python_version() in text
    import torch

    assert torch.__version__ in text
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU (CPU)"
    assert html.escape(gpu) in text

    # The direction, said plainly.
    assert "Plans flow from the fine-tuning dataset to the pretraining dataset" in text
    assert "Weights flow from the pretraining to the fine-tuning" in text

    # Nothing is loaded from anywhere: no scripts, links or URLs; images are data: URIs.
    assert "http://" not in text and "https://" not in text
    parser = _Tags()
    parser.feed(text)
    assert not [t for t, _ in parser.tags if t in ("script", "link", "iframe", "object")]
    for _tag, attrs in parser.tags:
        for name in ("src", "href"):
            if attrs.get(name) is not None:
                assert str(attrs[name]).startswith("data:"), attrs[name]


def test_without_validation_the_report_says_there_is_no_real_dice(chain) -> None:
    text = render_html(collect_report(chain), plots={})
    assert '<p class="verdict">Not comparable yet.</p>' in text
    # What is missing, named (core/evaluation.py): the fine-tuning has not trained yet.
    assert html.escape(f"the fine-tuning in {chain.finetune_fold_dir} has not finished") in text
    assert "<th>from scratch</th>" not in text  # no table of figures that do not exist
    assert "NOT the real Dice" in text  # the pseudo dice note


def test_slurm_jobs_of_these_datasets_are_listed(chain) -> None:
    """`nnft submit`'s chain record names the jobs; another chain's record is left out."""
    from nnft.core.slurm.plan import slurm_folder
    from nnft.core.slurm.submit import ChainRecord, SubmittedJob

    def record(chain_id: str, finetune: str, job_id: str) -> None:
        folder = slurm_folder(chain.workspace) / chain_id
        folder.mkdir(parents=True)
        ChainRecord(chain_id, str(folder), "2026-11-29T10:00:00", chain.pretrain.name, finetune,
                    "2d", "nnUNetTrainer", "cuda", ["0"], 1000, {}, {}, {},
                    jobs=[SubmittedJob("finetune", job_id, "nnft-finetune", "finetune.sh",
                                       ["sbatch", "finetune.sh"], folds=["0"],
                                       steps=["finetune"])]).save()

    record("chain-<1>", chain.finetune.name, "4242")
    record("chain-2", "Dataset009_Other", "777")
    text = render_html(collect_report(chain), plots={})
    assert "<code>chain-&lt;1&gt;</code>" in text and "<code>4242</code>" in text
    assert "777" not in text


def test_an_existing_report_is_kept_unless_overwrite_and_then_backed_up(chain, tmp_path) -> None:
    output = tmp_path / "out ü" / "report.html"
    output.parent.mkdir()
    output.write_text("old report", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_report(chain, output)
    assert output.read_text(encoding="utf-8") == "old report"
    assert write_report(chain, output, overwrite=True) == output
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    backups = list((chain.workspace.state_dir / "backups").rglob("report.html"))
    assert [b.read_text(encoding="utf-8") for b in backups] == ["old report"]
    with pytest.raises(IsADirectoryError):
        write_report(chain, output.parent)
    assert [p.name for p in output.parent.iterdir()] == ["report.html"]  # no temporary left


def test_nnft_report_refuses_to_replace_a_file(chain, tmp_path, capsys) -> None:
    from nnft.core.cli import main

    output = tmp_path / "report.html"
    output.write_text("mine", encoding="utf-8")
    args = ["report", "--workspace", str(chain.workspace.results.parent), "--pretrain", "1",
            "--finetune", "2", "--config", "2d", "--plans-name", chain.options.plans_name,
            "--output", str(output)]
    assert main(args) == 1
    assert "--overwrite" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "mine"
    assert main([*args, "--overwrite"]) == 0
    assert Path(output).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # No fine-tuning under these options' trainer name: said, with the likely cause.
    assert "the fine-tuning of this chain was not found" in capsys.readouterr().err
    assert main(["report", *args[1:5], "--finetune", "9", "--output",
                 str(tmp_path / "other.html")]) == 1
    assert "DATASET_NOT_FOUND" in capsys.readouterr().err
    assert not (tmp_path / "other.html").exists()
