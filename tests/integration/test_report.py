"""`nnft report` on a real finished chain with a from-scratch baseline, both validated by
nnU-Net: the report holds the Dice figures of the two summary.json files and every command the
chain ran; a real headless browser (Debian's chromium) renders it.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnft.core import command_history as H
from nnft.core.training_history import format_duration

from .conftest import TRIAL_ARGS, ComparedRun, nnft

pytestmark = pytest.mark.integration

SCREENSHOT_NAME = "10_report.png"


@dataclass
class ReportedRun:
    root: Path
    finetune_fold: Path
    baseline_fold: Path
    report: Path
    result: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def reported_run(compared_run: ComparedRun, tmp_path_factory) -> ReportedRun:
    """``nnft report`` of ``compared_run`` (the chain with its from-scratch baseline, both
    validated by nnU-Net), written next to the workspace (which stays read-only); ~5 s."""
    root = compared_run.demo.root
    env = {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}
    report = tmp_path_factory.mktemp("report") / "report ü.html"
    result = nnft("report", "--workspace", str(root), "--pretrain", "1", "--finetune", "2",
                  *TRIAL_ARGS, "--baseline", "--output", str(report), env=env)
    return ReportedRun(root, compared_run.ctx.finetune_fold_dir,
                       compared_run.ctx.baseline_fold_dir, report, result)


def test_report_holds_the_dice_of_both_summary_files(reported_run: ReportedRun) -> None:
    assert reported_run.result.returncode == 0, reported_run.result.stderr[-3000:]
    text = reported_run.report.read_text(encoding="utf-8")
    finetuned = json.loads((reported_run.finetune_fold / "validation" / "summary.json")
                           .read_text(encoding="utf-8"))
    baseline = json.loads((reported_run.baseline_fold / "validation" / "summary.json")
                          .read_text(encoding="utf-8"))
    assert set(finetuned["mean"]) == set(baseline["mean"]) and finetuned["mean"]
    for label, metrics in finetuned["mean"].items():
        ft, bl = metrics["Dice"], baseline["mean"][label]["Dice"]
        row = (f'<td class="num">{ft:.4f}</td>\n<td class="num">{bl:.4f}</td>\n'
               f'<td class="num">{ft - bl:+.4f}</td>')
        assert row.replace("\n", "") in text.replace("\n", ""), label
    ft_mean, bl_mean = finetuned["foreground_mean"]["Dice"], baseline["foreground_mean"]["Dice"]
    assert f"{ft_mean:.4f}" in text and f"{bl_mean:.4f}" in text
    # The verdict (core/evaluation.py) names the difference and what one fold can say.
    assert (f'<p class="verdict">{ft_mean - bl_mean:+.3f} mean Dice on fold 0 of 5 '
            f"(fine-tuned {ft_mean:.3f}, from scratch {bl_mean:.3f}); one fold is an "
            "estimate") in text
    # Curves of all three trainings and the Dice chart, embedded.
    assert text.count('src="data:image/png;base64,') == 3
    for label in ("Pretraining", "Fine-tuning", "From scratch (baseline)"):
        assert f"<td>{label}</td>" in text


def test_report_lists_every_command_the_chain_ran(reported_run: ReportedRun) -> None:
    text = reported_run.report.read_text(encoding="utf-8")
    records = H.finished_commands(H.read_history(reported_run.root / "nnUNet_results" / "nnFT"))
    steps = [r.step for r in records]
    # The chain's steps, the baseline among them (chain_run: nnft run --baseline); the two
    # validations compared_run ran by hand are not nnFT's records.
    assert steps == ["plan_finetune", "fingerprint_pretrain", "transfer_plans",
                     "copy_dataset_json", "preprocess_pretrain", "pretrain", "finetune",
                     "baseline"], steps
    for record in records:
        assert record.status == "done" and record.duration_s is not None
        assert html.escape(record.command) in text
        assert f"({record.duration_s:.1f} s)" in text
        assert format_duration(record.duration_s) in text
    assert text.count("exit 0</span>") == len([r for r in records if r.argv])
    assert "not recorded</span>" not in text


def test_report_renders_in_a_headless_browser(reported_run: ReportedRun, tmp_path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed here (CI installs it: .ci/run)")
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
         "--window-size=1200,2000", "--hide-scrollbars", reported_run.report.as_uri()],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOME": str(tmp_path)})  # its profile goes into the test's folder
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[:2] == (2000, 1200)
    colours = {tuple(p) for p in pixels[::7, ::7, :3].reshape(-1, 3).round(2).tolist()}
    assert len(colours) > 50, "the page rendered blank or nearly so"
    # Dark text in the top rows (the title), not only a white page.
    assert pixels[:120, :, :3].min() < 0.2
    folder = os.environ.get("NNFT_SCREENSHOT_DIR")  # `make screenshots`
    if folder:
        shutil.copyfile(shot, Path(folder) / SCREENSHOT_NAME)
