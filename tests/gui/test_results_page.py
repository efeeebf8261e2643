"""The results page: real Dice of the fine-tuned model and of the from-scratch baseline.

The fast tests put files a real run wrote (tests/gui/data/results: nnU-Net's
``validation/summary.json`` and training logs of a quick-trial fine-tuning and its baseline on
the demo, and nnFT's markers) into the fold folders of a demo chain; nothing is trained here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from nnft.gui.pages.results_page import ResultsPage
from nnft.gui.wizard import PAGE_IDS

REAL = Path(__file__).resolve().parent / "data" / "results"


@pytest.fixture
def chosen(quick_state, demo):
    quick_state.pretrain, quick_state.finetune = demo.pretrain_name, demo.finetune_name
    return quick_state


def put_run(fold_dir: Path, role: str, *, summary: bool = True) -> None:
    """The files of the real run ``role`` (finetuned, baseline) in ``fold_dir``."""
    source = REAL / role
    fold_dir.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.name == "summary.json":
            if summary:
                (fold_dir / "validation").mkdir(exist_ok=True)
                shutil.copy(path, fold_dir / "validation" / "summary.json")
        elif path.name == "dataset.json":
            shutil.copy(path, fold_dir.parent / "dataset.json")
        else:
            shutil.copy(path, fold_dir / path.name)


def real_dice(role: str) -> tuple[dict[str, float], float]:
    summary = json.loads((REAL / role / "summary.json").read_text())
    return ({key: value["Dice"] for key, value in summary["mean"].items()},
            summary["foreground_mean"]["Dice"])


def _page(qtbot, state) -> ResultsPage:
    page = ResultsPage(state)
    qtbot.addWidget(page)
    page.resize(1000, 760)
    page.show()
    return page


def _read(qtbot, page: ResultsPage) -> None:
    handle = page.reload()
    assert handle is not None
    qtbot.waitUntil(lambda: page.result is not None and not page.background.is_busy(),
                    timeout=20000)


def _wizard_at_results(make_wizard, state, monkeypatch, done=lambda key: True):
    """A shown wizard walked with Next to the results page; the steps' done checks are
    ``done`` (the disk of a finished chain, as far as the gating asks)."""
    from nnft.core.wizard_state import WizardState

    monkeypatch.setattr(WizardState, "preparation_done", lambda self: True)
    monkeypatch.setattr(WizardState, "step_done", lambda self, key: done(key))
    monkeypatch.setattr(WizardState, "finetuned_model_ready", lambda self: done("finetune"))
    wizard = make_wizard(state)
    wizard.persist = False
    wizard.show()
    while wizard.currentId() != PAGE_IDS["results"]:
        before = wizard.currentId()
        wizard.next()
        assert wizard.currentId() != before
    return wizard


def test_results_page_shows_the_real_dice_of_both_runs(make_wizard, chosen, qtbot,
                                                       monkeypatch):
    chosen.with_options(baseline=True)
    ctx = chosen.context()
    put_run(ctx.finetune_fold_dir, "finetuned")
    put_run(ctx.baseline_fold_dir, "baseline")
    wizard = _wizard_at_results(make_wizard, chosen, monkeypatch)
    assert PAGE_IDS["baseline"] in wizard.visitedIds()  # finetune → baseline → results
    page = wizard.pages["results"]
    qtbot.waitUntil(lambda: page.result is not None and not page.background.is_busy(),
                    timeout=20000)
    finetuned, finetuned_mean = real_dice("finetuned")
    baseline, baseline_mean = real_dice("baseline")
    # The bars are the summary files' figures, exactly: each class, then the mean.
    assert page.plots.bar_heights == {
        "finetuned": [*finetuned.values(), finetuned_mean],
        "baseline": [*baseline.values(), baseline_mean]}
    # Class names from dataset.json, not label values.
    assert page.plots.group_names == ["organ", "mean"]
    text = page.verdict_label.text()
    assert f"{finetuned_mean - baseline_mean:+.3f} mean Dice on fold 0 of 5" in text
    assert f"fine-tuned {finetuned_mean:.3f}, from scratch {baseline_mean:.3f}" in text
    assert "one fold is an estimate" in text  # core's honest verdict
    assert not page.missing_label.isVisible() and not page.add_baseline_button.isVisible()
    # Both runs' curves, one point per epoch; the epochs to 90 % are core's.
    assert page.plots.curve_points() == (5, 5)
    reached = page.result.comparison.epochs_to_90
    assert None not in reached.values()
    assert (f"fine-tuned {reached['finetuned']} (of 5), from scratch "
            f"{reached['baseline']} (of 5)") in page.epochs_label.text()
    assert "pseudo dice" in page.plots.curves_plot.titleLabel.text.lower()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    shots = os.environ.get("NNFT_SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(Path(shots) / "09_results.png"))


@pytest.mark.parametrize("trained, final_validation", [(True, True), (True, False),
                                                     (False, True)])
def test_a_missing_summary_is_named_with_the_page_that_makes_it(qtbot, chosen, trained,
                                                               final_validation):
    chosen.with_options(baseline=True, final_validation=final_validation)
    ctx = chosen.context()
    put_run(ctx.finetune_fold_dir, "finetuned")
    put_run(ctx.baseline_fold_dir, "baseline", summary=False)
    if trained:  # only its existence and wholeness are read here (not a zip: not cut off)
        (ctx.baseline_fold_dir / "checkpoint_final.pth").write_bytes(b"stand-in")
    page = _page(qtbot, chosen)
    _read(qtbot, page)
    assert "Not comparable yet" in page.verdict_label.text()
    text = page.missing_label.text()
    assert page.missing_label.isVisible() and str(ctx.baseline_fold_dir) in text
    if trained and final_validation:
        assert "baseline has no validation/summary.json yet" in text
        assert '"Finish validation" on the baseline page makes it' in text
    elif trained:  # done as asked, without the final validation: how to get it after all
        assert "quick trial without nnU-Net's final validation" in text
        assert 'Tick "final validation" on the fine-tuning page; "Finish validation" on ' \
            "the baseline page then makes it" in text
    else:
        assert "baseline has not been trained yet" in text
    assert "The fine-tuning" not in text  # its summary is there
    # The fine-tuned model's bars are still shown; the baseline's are not there.
    finetuned, finetuned_mean = real_dice("finetuned")
    assert page.plots.bar_heights["finetuned"] == [*finetuned.values(), finetuned_mean]
    assert page.plots.bar_heights["baseline"] == [None, None]


def test_without_a_baseline_the_page_offers_to_go_back_and_tick_it(make_wizard, chosen,
                                                                   qtbot, monkeypatch):
    put_run(chosen.context().finetune_fold_dir, "finetuned")
    wizard = _wizard_at_results(make_wizard, chosen, monkeypatch,
                                done=lambda key: key != "baseline")
    assert PAGE_IDS["baseline"] not in wizard.visitedIds()
    page = wizard.pages["results"]
    qtbot.waitUntil(lambda: page.result is not None, timeout=20000)
    assert "no from-scratch baseline" in page.missing_label.text()
    assert page.add_baseline_button.isVisible()
    page.add_baseline_button.click()
    finetune = wizard.pages["finetune"]
    assert wizard.currentPage() is finetune
    assert chosen.options.baseline and finetune.finetune_options.baseline_check.isChecked()
    assert wizard.nextId() == PAGE_IDS["baseline"]
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentPage() is wizard.pages["baseline"]


def test_save_report_writes_the_html_in_the_background_and_keeps_an_older_one(
        qtbot, chosen, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from nnft.gui.pages.results_page import REPORT_TASK

    chosen.with_options(baseline=True)
    ctx = chosen.context()
    put_run(ctx.finetune_fold_dir, "finetuned")
    put_run(ctx.baseline_fold_dir, "baseline")
    page = _page(qtbot, chosen)
    _read(qtbot, page)
    target = chosen.workspace.results.parent / "my report.html"
    asked = []

    def save_dialog(parent, caption, directory, filters):
        asked.append(directory)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    assert page.save_report() is not None
    # Written in a worker thread; the button says so meanwhile.
    assert page.save_report_button.text() == "Saving…"
    assert not page.save_report_button.isEnabled()
    qtbot.waitUntil(lambda: not page.background.is_busy(REPORT_TASK), timeout=120000)
    assert asked == [str(chosen.workspace.results.parent / "nnft_report.html")]
    assert page.report_status.text() == f"✓ Report saved: {target}"
    assert page.save_report_button.isEnabled()
    html = target.read_text(encoding="utf-8")
    _, finetuned_mean = real_dice("finetuned")
    _, baseline_mean = real_dice("baseline")
    assert f"{finetuned_mean:.4f}" in html and f"{baseline_mean:.4f}" in html
    # Saved again over it (the file dialog asked first): the older file is kept as a backup.
    target.write_text("an older report", encoding="utf-8")
    page.save_report()
    qtbot.waitUntil(lambda: not page.background.is_busy(REPORT_TASK), timeout=120000)
    assert "an older report" not in target.read_text(encoding="utf-8")
    backups = list((chosen.workspace.results / "nnFT" / "backups").rglob("my report.html"))
    assert [b.read_text(encoding="utf-8") for b in backups] == ["an older report"]


def test_a_report_that_cannot_be_written_says_why(qtbot, chosen, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from nnft.gui.pages.results_page import REPORT_TASK

    folder = chosen.workspace.results.parent / "a folder.html"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, caption, directory, filters: (str(folder), filters))
    page = _page(qtbot, chosen)
    page.save_report()
    qtbot.waitUntil(lambda: not page.background.is_busy(REPORT_TASK), timeout=120000)
    assert page.report_status.text().startswith("✗ The report could not be written: ")
    assert "is a folder" in page.report_status.text()
    assert page.save_report_button.isEnabled() and folder.is_dir()
