"""The plans page while a user types an identifier and while its steps run (issue 10, item 9):
the page stays put, a refused name never shows as a runnable command, step titles are whole,
progress bars update one line, the choices stay fixed while the steps run."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from nnft.core.problems import Problem, Severity
from nnft.gui.pages.plans_page import REFUSED_PLACEHOLDER, PlansPage
from nnft.gui.widgets.log_console import LogConsole
from nnft.gui.widgets.problems_view import ProblemsView
from nnft.gui.worker import PROGRESS_END


@pytest.fixture
def plans_page(qtbot, quick_state):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = PlansPage(quick_state)
    qtbot.addWidget(page)
    page.resize(1000, 750)
    page.show()
    page.initializePage()
    qtbot.waitExposed(page)
    return page


def _settle():
    for _ in range(3):
        QCoreApplication.processEvents()


def test_a_refused_identifier_never_appears_in_the_commands(plans_page):
    plans_page.identifier_edit.setText("nnUNetPlans")
    preview = plans_page.commands.toPlainText()
    assert plans_page.identifier_status.text().startswith("✗")
    assert preview.startswith("# Not runnable yet: the plans identifier 'nnUNetPlans' is "
                              "refused")
    assert "-tp nnUNetPlans" not in preview and "-plans_name nnUNetPlans" not in preview
    assert f"-tp {REFUSED_PLACEHOLDER}" in preview
    assert f"-plans_name {REFUSED_PLACEHOLDER}" in preview
    titles = [plans_page.step_list.topLevelItem(i).text(0)
              for i in range(plans_page.step_list.topLevelItemCount())]
    assert not [t for t in titles if "'nnUNetPlans'" in t], titles
    assert plans_page.commands.verticalScrollBar().value() == 0  # the warning is in view
    plans_page.suggest_button.click()
    accepted = plans_page.state.options.plans_name
    preview = plans_page.commands.toPlainText()
    assert REFUSED_PLACEHOLDER not in preview and f"-tp {accepted}" in preview


def test_typing_an_identifier_does_not_move_the_page(plans_page):
    """From one line of verdict to several and back: nothing below the field moves."""
    places = []
    for text in ["n", "nnUNetPlans", "bad/name", "nnUNetPlans_mine", "x" * 120]:
        plans_page.identifier_edit.setText(text)
        _settle()
        places.append((plans_page.step_list.mapTo(plans_page, plans_page.step_list.rect()
                                                  .topLeft()).y(),
                       plans_page.step_list.height(), plans_page.problems.y()))
    assert len(set(places)) == 1, places


def test_problems_view_replaces_its_labels_at_once_and_keeps_the_same_ones(qtbot):
    view = ProblemsView()
    qtbot.addWidget(view)
    first = [Problem("LABELS_DIFFER", Severity.INFO, "a"), Problem("X", Severity.WARNING, "b",
                                                                    "fix")]
    view.set_problems(first)
    labels = view.findChildren(QLabel)
    view.set_problems(list(first))  # the same again: nothing rebuilt (no flicker, no jump)
    assert view.findChildren(QLabel) == labels
    view.show()
    view.set_problems([Problem("Y", Severity.ERROR, "c", "fix")])
    # Without an event loop turn: the old labels are out of the layout and hidden already.
    assert view.layout().count() == 1
    assert view.layout().itemAt(0).widget().objectName() == "problem_Y"
    assert all(label.isHidden() for label in labels)


def test_step_titles_are_shown_whole(plans_page):
    tree = plans_page.step_list
    line = tree.fontMetrics().height()
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        title = item.text(0)
        assert item.toolTip(0).startswith(title)
        needed = tree.fontMetrics().horizontalAdvance(title)
        if needed > tree.columnWidth(0):  # too long for one line: wrapped, not cut
            assert tree.visualItemRect(item).height() >= 2 * line, (title, needed)
    assert any(tree.visualItemRect(tree.topLevelItem(i)).height() >= 2 * line
               for i in range(tree.topLevelItemCount()))  # the demo's titles are long


def test_a_progress_bar_is_one_line_that_updates(qtbot):
    console = LogConsole()
    qtbot.addWidget(console)
    console.append_line("$ nnUNetv2_preprocess -d 1")
    for state in ["", "Preprocessing: 0/6", "Preprocessing: 3/6"]:
        console.append_line(state + PROGRESS_END)
    console.append_line("Preprocessing: 6/6")  # tqdm's last state ends with a newline
    console.append_line("done")
    assert console.toPlainText().splitlines() == [
        "$ nnUNetv2_preprocess -d 1", "Preprocessing: 6/6", "done"]
    # A text set anew (the Cluster page shows a job's log so) has no open line.
    console.append_line("50%" + PROGRESS_END)
    console.setPlainText("log of another job")
    console.append_line("next")
    assert console.toPlainText().splitlines() == ["log of another job", "next"]
    console.append_line("10%" + PROGRESS_END)
    console.clear()
    console.append_line("after clear")
    assert console.toPlainText() == "after clear"


@pytest.mark.integration
def test_running_the_steps_fixes_the_choices_and_draws_each_bar_once(plans_page, qtbot):
    """The real steps 1-5 on the demo: nnU-Net's tqdm bars (fingerprint, preprocessing) are
    one line each in the console, and Suggest and the options wait until the run is over."""
    page = plans_page
    page.start()
    assert page.is_running()
    for widget in (page.suggest_button, page.identifier_edit, page.config_combo,
                   page.reuse_check, page.overwrite_check):
        assert not widget.isEnabled(), widget.objectName()
    before = page.identifier_edit.text()
    page.suggest_identifier()  # e.g. a shortcut: ignored while the steps run
    assert page.identifier_edit.text() == before
    qtbot.waitUntil(lambda: not page.is_running(), timeout=600000)
    assert page.step_status("preprocess_pretrain") == "done"
    assert page.suggest_button.isEnabled() and page.reuse_check.isEnabled()
    lines = page.console.toPlainText().splitlines()
    bars = [line for line in lines if re.search(r"\d+%\|", line)]
    assert bars, lines
    # One line per bar (fingerprint and preprocessing of each dataset), at its last state.
    for title in ("Extracting dataset fingerprint", "Preprocessing cases"):
        states = [line for line in bars if line.startswith(title)]
        assert len(states) == 2, states  # one bar per dataset, not a staircase
        assert all("100%|" in line for line in states), states
