"""The wizard's results page on a real compared run: the demo chain fine-tuned and trained from
scratch (fold 0), both validated by nnU-Net (the ``compared_run`` session fixture)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nnft.core.wizard_state import WizardState

from .conftest import CHAIN_OPTIONS

pytestmark = pytest.mark.integration


def _dice(summary: Path) -> tuple[list[float], float]:
    data = json.loads(summary.read_text())
    return [value["Dice"] for value in data["mean"].values()], data["foreground_mean"]["Dice"]


def test_results_page_shows_the_summaries_of_a_real_compared_run(qtbot, compared_run):
    from nnft.gui.pages.results_page import ResultsPage

    state = WizardState(workspace=compared_run.ctx.workspace, pretrain="1", finetune="2",
                        options=CHAIN_OPTIONS, check_device=False)
    page = ResultsPage(state)
    qtbot.addWidget(page)
    page.resize(1050, 720)
    page.show()
    page.initializePage()
    qtbot.waitUntil(lambda: page.result is not None and not page.background.is_busy(),
                    timeout=60000)
    finetuned, finetuned_mean = _dice(compared_run.finetune_summary)
    baseline, baseline_mean = _dice(compared_run.baseline_summary)
    # Exactly nnU-Net's figures, per class and the foreground mean.
    assert page.plots.bar_heights == {"finetuned": [*finetuned, finetuned_mean],
                                      "baseline": [*baseline, baseline_mean]}
    assert page.plots.group_names == ["organ", "mean"]  # the demo's dataset.json
    text = page.verdict_label.text()
    assert f"{finetuned_mean - baseline_mean:+.3f} mean Dice on fold 0 of 5" in text
    assert not page.missing_label.isVisible()
    assert page.plots.curve_points() == (2, 2)  # both runs' two epochs
    shots = os.environ.get("NNFT_SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.grab().save(str(Path(shots) / "results_page_compared_run.png"))


def test_results_page_names_the_page_that_finishes_each_validation(qtbot, chain_run):
    """chain_run trained both runs with --no-final-validation: both are trained (whole
    checkpoint_final.pth) and unvalidated; the page says which summary is missing and that
    "Finish validation" on the fine-tuning and on the baseline page makes it."""
    from nnft.core.workspace import Workspace
    from nnft.gui.pages.results_page import ResultsPage

    state = WizardState(workspace=Workspace.from_root(chain_run.demo.root), pretrain="1",
                        finetune="2", options=CHAIN_OPTIONS, check_device=False)
    ctx = state.context()
    page = ResultsPage(state)
    qtbot.addWidget(page)
    page.show()
    page.initializePage()
    qtbot.waitUntil(lambda: page.result is not None, timeout=60000)
    text = page.missing_label.text()
    assert page.missing_label.isVisible()
    assert (f"The fine-tuning has no validation/summary.json yet ({ctx.finetune_fold_dir}): "
            "\"Finish validation\" on the fine-tuning page makes it.") in text
    assert (f"The baseline has no validation/summary.json yet ({ctx.baseline_fold_dir}): "
            "\"Finish validation\" on the baseline page makes it.") in text
    assert "Not comparable yet" in page.verdict_label.text()
    assert page.plots.curve_points() == (2, 2)  # the curves are there all the same
    # Trained but not validated: nnU-Net's exporter needs the summary, so no export yet.
    assert not page.export_button.isEnabled()
