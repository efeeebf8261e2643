"""The fine-tuning page's weights check never blocks the GUI thread and never brings torch or
nnunetv2 into the wizard's process: it runs ``nnft check-weights --json`` in a child process
through the page's BackgroundTasks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from nnft.core.steps import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace
from nnft.gui.pages import training_page as tp

#: Generous: the machine running the tests may be shared and slow. Before the check moved to a
#: child process, a first check froze the window for about 3 s (torch + nnU-Net imported).
MAX_GUI_GAP_MS = 500

_CHECK_IN_A_FRESH_PROCESS = r"""
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from nnft.core.steps import RunOptions
from nnft.core.wizard_state import WizardState
from nnft.core.workspace import Workspace
from nnft.gui.pages.training_page import FINETUNE, TrainingPage
root, checkpoint = sys.argv[1], sys.argv[2]
state = WizardState(workspace=Workspace.from_root(root), pretrain="1", finetune="2",
                    options=RunOptions(configuration="2d", device="cpu",
                                       pretrained_weights=checkpoint), check_device=False)
page = TrainingPage(state, FINETUNE)
page.show()
page.initializePage()
gaps, last, seen = [], [0.0], {}
def tick():
    now = time.perf_counter()
    gaps.append(now - last[0])
    last[0] = now
ticker = QTimer()
ticker.setInterval(10)
ticker.timeout.connect(tick)
def begin():
    if page.progress is None:  # the page's first read (and its plots) first
        return
    waiter.timeout.disconnect(begin)
    waiter.timeout.connect(watch)
    last[0] = time.perf_counter()
    ticker.start()
    page.check_weights_button.click()
    seen["button"] = page.check_weights_button.text()
    seen["verdict"] = page.weights_verdict.text()
def watch():
    if page.weights_fit is None:
        return
    ticker.stop()
    print("RESULT " + json.dumps({
        "max_gap_ms": 1000 * max(gaps), "ticks": len(gaps), "fit": page.weights_fit,
        "verdict_after": page.weights_verdict.text(), "button_during": seen["button"],
        "verdict_during": seen["verdict"],
        "heavy": sorted(m for m in sys.modules if m.split(".")[0] in (
            "torch", "dynamic_network_architectures")),
        "nnunetv2": sorted(m for m in sys.modules if m.startswith("nnunetv2"))}))
    app.quit()
waiter = QTimer()
waiter.setInterval(20)
waiter.timeout.connect(begin)
waiter.start()
QTimer.singleShot(240000, app.quit)
app.exec()
"""


def test_check_weights_runs_in_a_child_and_the_gui_thread_keeps_ticking(weights_workspace):
    demo, good, _bad = weights_workspace
    result = subprocess.run(
        [sys.executable, "-c", _CHECK_IN_A_FRESH_PROCESS, str(demo.root), str(good)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout + result.stderr
    seen = json.loads(lines[0].removeprefix("RESULT "))
    print(f"\nlongest GUI-thread gap while Check weights ran: {seen['max_gap_ms']:.0f} ms "
          f"({seen['ticks']} ticks of a 10 ms timer)")
    assert seen["button_during"] == "Checking…"
    assert seen["verdict_during"].startswith("Checking the weights")
    assert seen["fit"] is True and seen["verdict_after"].startswith("✓ The weights fit")
    assert seen["heavy"] == [], "torch was imported into the wizard's process"
    # nnU-Net's own network code stays out too (the preflight uses two of its torch-free
    # helpers: the case lister and the results folder naming).
    assert not [m for m in seen["nnunetv2"] if m.startswith(
        ("nnunetv2.training", "nnunetv2.utilities.get_network_from_plans",
         "nnunetv2.utilities.plans_handling", "nnunetv2.utilities.label_handling"))], \
        seen["nnunetv2"]
    print("nnunetv2 modules in the wizard's process:", seen["nnunetv2"])
    assert seen["max_gap_ms"] < MAX_GUI_GAP_MS


def test_the_check_is_the_cli_in_a_child_process(weights_workspace):
    """The argv the page runs: this interpreter, ``-m nnft.core.cli check-weights --json``."""
    demo, good, _bad = weights_workspace
    state = WizardState(workspace=Workspace.from_root(demo.root), pretrain="1", finetune="2",
                        options=RunOptions(configuration="2d", device="cpu",
                                           pretrained_weights=str(good)), check_device=False)
    ctx = state.context()
    argv = tp.weights_check_argv(good, ctx)
    assert argv[:5] == [sys.executable, "-m", "nnft.core.cli", "check-weights",
                        "--checkpoint"]
    assert argv[-1] == "--json" and demo.finetune_name in argv
    checked = tp.check_weights_in_child(good, ctx)
    assert checked.fits and checked.matching > 0 and checked.skipped > 0


def _finetune_page(qtbot, demo, checkpoint):
    state = WizardState(workspace=Workspace.from_root(demo.root), pretrain="1", finetune="2",
                        options=RunOptions(configuration="2d", device="cpu",
                                           pretrained_weights=str(checkpoint)),
                        check_device=False)
    page = tp.TrainingPage(state, tp.FINETUNE)
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: page.progress is not None, timeout=10000)
    return page


def test_start_checks_the_weights_in_the_background_and_refuses_a_misfit(qtbot,
                                                                         weights_workspace):
    demo, _good, bad = weights_workspace
    page = _finetune_page(qtbot, demo, bad)
    qtbot.waitUntil(page.start_button.isEnabled, timeout=10000)
    page.start()
    # Back at once: the check runs in a child process, Start waits for it.
    assert page.status_label.text().startswith("Checking that the pretrained weights fit")
    assert not page.start_button.isEnabled()
    assert page.check_weights_button.text() == "Checking…"
    assert page.run is None
    qtbot.waitUntil(lambda: page.weights_fit is not None, timeout=120000)
    assert page.run is None  # nothing started
    assert "WEIGHTS_ARCH_MISMATCH" in page.problems.codes()
    assert page.weights_verdict.text().startswith("✗")
    assert page.status_label.text().startswith("Not started: the pretrained weights do not fit")
    assert page.start_button.isEnabled() and page.settings.isEnabled()


def test_a_crashed_check_is_shown_not_lost(qtbot, weights_workspace, monkeypatch):
    demo, good, _bad = weights_workspace
    page = _finetune_page(qtbot, demo, good)
    monkeypatch.setattr(tp, "weights_check_argv", lambda *_: [
        sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"])
    check = page.check_weights()
    qtbot.waitUntil(lambda: not check.running, timeout=60000)
    assert page.weights_fit is False
    text = page.weights_verdict.text()
    assert text.startswith("✗ The weights could not be checked") and "exit status 3" in text
    assert "boom" in text
    assert "RuntimeError" in page.console.toPlainText()  # the traceback, for the record
    assert page.check_weights_button.isEnabled()


def test_output_printed_before_the_json_is_skipped(quick_state, monkeypatch, tmp_path):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    checkpoint = tmp_path / "given.pth"  # only its existence is looked at before the child
    checkpoint.write_bytes(b"x")
    quick_state.with_options(pretrained_weights=str(checkpoint))
    ctx = quick_state.context()
    payload = json.dumps({"problems": [], "report": {
        "compatible": True, "counts": {"matching": 7, "skipped": 2}}}, indent=2)
    monkeypatch.setattr(tp, "weights_check_argv", lambda *_: [
        sys.executable, "-c", f"print('a library says hello'); print({payload!r})"])
    checked = tp.check_weights_in_child(ctx.pretrained_checkpoint, ctx)
    assert checked.fits and (checked.matching, checked.skipped) == (7, 2)


# -- the verdict follows its inputs (issue 10, item 6) ---------------------------------------
_FITS_JSON = json.dumps({"problems": [], "report": {
    "compatible": True, "counts": {"matching": 7, "skipped": 2}}})


def _answer_fits(monkeypatch):
    """The child answers at once that the weights fit (the real comparison is tested above);
    these tests are about what the page shows around it."""
    monkeypatch.setattr(tp, "weights_check_argv", lambda *_: [
        sys.executable, "-c", f"print({_FITS_JSON!r})"])


def _stats_on_gui_thread(monkeypatch, name):
    """Record every is_file() of a path ending in ``name`` made on the GUI thread."""
    import pathlib
    import threading

    calls = []
    original = pathlib.Path.is_file

    def is_file(path, *args, **kwargs):
        if path.name == name and threading.current_thread() is threading.main_thread():
            calls.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "is_file", is_file)
    return calls


def test_a_mistyped_path_says_file_not_found_without_a_stat_on_the_gui_thread(
        qtbot, demo, tmp_path, monkeypatch):
    good = tmp_path / "good.pth"
    good.write_bytes(b"not read: the child is replaced")
    _answer_fits(monkeypatch)
    page = _finetune_page(qtbot, demo, good)
    page.checkpoint_edit.setText(str(good) + "x")  # good.pthx
    page.checkpoint_edit.editingFinished.emit()
    stats = _stats_on_gui_thread(monkeypatch, "good.pthx")
    check = page.check_weights()
    # "Checking…" at once: even whether the file exists is asked in the worker.
    assert page.check_weights_button.text() == "Checking…"
    assert page.weights_verdict.text().startswith("Checking the weights")
    qtbot.waitUntil(lambda: not check.running, timeout=30000)
    assert stats == []
    text = page.weights_verdict.text()
    assert text.startswith("✗ File not found:") and "good.pthx" in text, text
    assert "finish the pretraining" not in text
    assert page.weights_fit is False and page.check_weights_button.isEnabled()


def test_the_default_checkpoint_before_the_pretraining_says_finish_it_first(qtbot, demo):
    state = WizardState(workspace=Workspace.from_root(demo.root), pretrain="1", finetune="2",
                        options=RunOptions(configuration="2d", device="cpu"),
                        check_device=False)
    page = tp.TrainingPage(state, tp.FINETUNE)
    qtbot.addWidget(page)
    page.initializePage()
    check = page.check_weights()
    assert page.check_weights_button.text() == "Checking…"
    qtbot.waitUntil(lambda: not check.running, timeout=30000)
    text = page.weights_verdict.text()
    assert text.endswith("does not exist yet: finish the pretraining first."), text
    assert "checkpoint_final.pth" in text and page.weights_fit is False


def test_the_verdict_is_cleared_when_the_path_or_the_fold_changes(qtbot, demo, tmp_path,
                                                                  monkeypatch):
    good = tmp_path / "good.pth"
    good.write_bytes(b"not read: the child is replaced")
    _answer_fits(monkeypatch)
    page = _finetune_page(qtbot, demo, good)

    def check_and_wait():
        check = page.check_weights()
        qtbot.waitUntil(lambda: not check.running, timeout=30000)
        assert page.weights_verdict.text().startswith("✓ The weights fit")
        assert page.weights_fit is True

    check_and_wait()
    page.checkpoint_edit.setText(str(tmp_path / "other.pth"))  # typing, before Enter
    assert page.weights_verdict.text() == "" and page.weights_fit is None
    page.checkpoint_edit.setText(str(good))
    page.checkpoint_edit.editingFinished.emit()
    check_and_wait()
    page.fold_combo.setCurrentIndex(page.fold_combo.findData("1"))
    assert page.weights_verdict.text() == "" and page.weights_fit is None
    check_and_wait()
    # Browsing to another file clears it as well.
    other = tmp_path / "other.pth"
    other.write_bytes(b"x")
    monkeypatch.setattr(tp.QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    page._browse_checkpoint()
    assert page.weights_verdict.text() == "" and page.weights_fit is None
    # A check under way when the input changes is dropped: its answer is about the old path.
    check = page.check_weights()
    page.checkpoint_edit.setText(str(good))
    assert check.cancelled and page.check_weights_button.isEnabled()
    page.background.wait(30)
    assert page.weights_verdict.text() == "" and page.weights_fit is None


def test_start_asks_the_disk_about_the_weights_off_the_gui_thread(qtbot, weights_workspace,
                                                                  monkeypatch):
    """Start of a fine-tuning looks up whether its weights exist and must be checked in a
    worker (a network share can take seconds to answer), then checks and starts."""
    demo, good, _bad = weights_workspace
    _answer_fits(monkeypatch)
    page = _finetune_page(qtbot, demo, good)
    qtbot.waitUntil(page.start_button.isEnabled, timeout=10000)
    stats = _stats_on_gui_thread(monkeypatch, good.name)
    page.start()
    assert page.status_label.text().startswith("Checking that the pretrained weights fit")
    qtbot.waitUntil(lambda: page.run is not None, timeout=60000)  # checked, fits: started
    assert stats == []
    qtbot.waitUntil(lambda: not page.is_running(), timeout=120000)  # (no data: it fails)
