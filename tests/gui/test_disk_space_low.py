"""DISK_SPACE_LOW in the wizard (issue 14, item 4): the datasets page (before the user goes on)
and the plans page show the estimate against the free space with both figures; an error blocks
Next there and stops the preparation and the pretraining from starting, a warning does not.

The free space is passed in through ``WizardState.free_bytes_of`` (the real disk has room); the
estimates are core's own, from the demo's image headers. The demo's nnUNet_preprocessed and
nnUNet_results are in one temporary folder, so on one disk: the message is the shared one.
Nothing is run: a refused start never reaches nnU-Net, and the warning's Run button is only
looked at.
"""

from __future__ import annotations

from html import unescape

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from nnft.core import problems as P
from nnft.core.datasets import inspect_dataset
from nnft.core.disk_space import estimate_preprocessed_bytes, estimate_training_bytes
from nnft.core.wizard_state import WizardState
from nnft.gui.language import LANGUAGE_PROPERTY
from nnft.gui.pages.plans_page import PlansPage
from nnft.gui.pages.training_page import TrainingPage


@pytest.fixture(autouse=True)
def _with_final_validation(quick_state):
    """The trainings write nnU-Net's final validation (a quick trial without it writes only
    checkpoints, unknown before planning): both nnU-Net folders then have work to do."""
    quick_state.with_options(final_validation=True)


def _together(state: WizardState, demo) -> int:
    """What steps 1 and 5 (preprocessing, raw sizes: nothing is planned yet) and steps 6 and
    7 (the trainings' validation predictions: the network is not known yet) write."""
    workspace = state.workspace
    assert workspace is not None and not state.options.baseline
    pretrain, finetune = (inspect_dataset(workspace, name)
                          for name in (demo.pretrain_name, demo.finetune_name))
    assert pretrain.cases and finetune.cases
    preprocessing = sum(estimate_preprocessed_bytes(info, None, "2d").bytes_needed
                        for info in (finetune, pretrain))
    training = (estimate_training_bytes("6", pretrain, None, "2d", "all").bytes_needed
                + estimate_training_bytes("7", finetune, None, "2d",
                                          state.options.fold).bytes_needed)
    return preprocessing + training


def _plans_page(qtbot, state: WizardState, free: int) -> PlansPage:
    state.pretrain, state.finetune = "1", "2"
    state.free_bytes_of = lambda folder: free
    page = PlansPage(state)
    qtbot.addWidget(page)
    page.resize(1000, 750)
    page.show()
    page.initializePage()
    qtbot.waitExposed(page)
    return page


def _shown(page: PlansPage) -> str:
    label = page.problems.findChild(QLabel, f"problem_{P.DISK_SPACE_LOW}")
    assert label is not None and label.isVisible(), page.problems.codes()
    return unescape(label.text())


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_full_disk_is_an_error_and_nothing_starts(qtbot, quick_state, demo, monkeypatch,
                                                    language) -> None:
    monkeypatch.setattr(QCoreApplication.instance(), "property",
                        lambda name: language if name == LANGUAGE_PROPERTY else None)
    together = _together(quick_state, demo)
    page = _plans_page(qtbot, quick_state, free=1000)
    shown = _shown(page)
    if language == "en":
        assert "Error" in shown and "same disk" in shown
        assert f"together {together / 1e6:.1f} MB, but only 0.0 MB are free" in shown
        assert "Preprocessing (step(s) 1, 5) writes up to" in shown
        assert "training writes up to" in shown
        assert f"Free at least {(together - 1000) / 1e6:.1f} MB" in shown
    else:
        assert "在同一个磁盘上" in shown
        assert f"两者合计需要 {together / 1e6:.1f} MB，但该磁盘只有 0.0 MB 可用空间" in shown
        assert f"请在该磁盘上至少释放 {(together - 1000) / 1e6:.1f} MB" in shown
    assert f"[{P.DISK_SPACE_LOW}]" in shown and str(quick_state.workspace.results) in shown
    # Running is refused: the button, and a start that comes anyway.
    assert not page.run_button.isEnabled()
    page.start()
    assert page.run is None and not page.is_running()
    # Going on: with the preparation done (as the disk would say), the pretraining page
    # refuses to start and shows why.
    monkeypatch.setattr(WizardState, "preparation_done", lambda self: True)
    pretrain = TrainingPage(quick_state, "pretrain")
    qtbot.addWidget(pretrain)
    pretrain.initializePage()
    pretrain.start()
    assert pretrain.run is None and not pretrain.is_running()
    assert pretrain.problems.codes() == [P.DISK_SPACE_LOW] and pretrain.problems.has_errors()


def test_a_tight_disk_is_a_warning_that_does_not_block(qtbot, quick_state, demo) -> None:
    together = _together(quick_state, demo)
    free = together // 2  # more than the smallest sizes (about a tenth): "may still fit"
    page = _plans_page(qtbot, quick_state, free=free)
    shown = _shown(page)
    assert "Warning" in shown and "may still fit" in shown
    assert f"together {together / 1e6:.1f} MB, but only {free / 1e6:.1f} MB are free" in shown
    assert not page.problems.has_errors()
    assert page.run_button.isEnabled()  # not clicked: that would preprocess for real
    # The same disk with room for both: nothing to say.
    quick_state.free_bytes_of = lambda folder: together
    quick_state.invalidate()
    page.refresh()
    assert P.DISK_SPACE_LOW not in page.problems.codes()


def test_the_datasets_page_shows_it_before_the_user_can_go_on(make_wizard, quick_state, demo):
    """Issue 14: the problem is shown on the datasets page before the user can go on. A disk
    that cannot hold the chain blocks Next there; a tight one is shown and lets the user on."""
    from PySide6.QtWidgets import QWizard

    together = _together(quick_state, demo)
    quick_state.free_bytes_of = lambda folder: 1000
    wizard = make_wizard(quick_state)
    wizard.show()
    wizard.next()
    page = wizard.pages["datasets"]
    assert P.DISK_SPACE_LOW in page.problems.codes()
    problem = next(p for p in page.problems.problems if p.code == P.DISK_SPACE_LOW)
    assert problem.is_error and f"together {together / 1e6:.1f} MB" in problem.message
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    # Space freed (a tight disk now): a warning, and Next is open.
    quick_state.free_bytes_of = lambda folder: together // 2
    quick_state.invalidate()
    page.initializePage()
    problem = next(p for p in page.problems.problems if p.code == P.DISK_SPACE_LOW)
    assert not problem.is_error and "may still fit" in problem.message
