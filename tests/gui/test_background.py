"""The one background mechanism (gui/background.py): work in a worker thread, callbacks in the
GUI thread, errors never lost, a newer task supersedes an older one with the same key."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from nnft.gui.background import REFUSE, BackgroundTasks, GuiInbox


@pytest.fixture
def tasks(qtbot):
    from PySide6.QtCore import QObject

    owner = QObject()
    background = BackgroundTasks(owner, interval_ms=10)
    yield background
    background.wait(10)
    owner.deleteLater()


def test_result_arrives_in_the_gui_thread(qtbot, tasks):
    ran_in, delivered_in, results = [], [], []

    def work(a, b):
        ran_in.append(threading.current_thread())
        return a + b

    def done(value):
        delivered_in.append(threading.current_thread())
        results.append(value)

    handle = tasks.submit(work, 2, 3, on_done=done)
    assert handle.running
    qtbot.waitUntil(lambda: results == [5], timeout=5000)
    assert ran_in[0] is not threading.main_thread()
    assert delivered_in == [threading.main_thread()]
    assert threading.current_thread() is threading.main_thread()
    assert not handle.running
    qtbot.waitUntil(lambda: not tasks.inbox.timer.isActive(), timeout=2000)  # rests when idle


def test_error_reaches_on_error_with_its_traceback(qtbot, tasks):
    errors = []

    def broken():
        raise ValueError("disk said no")

    def on_error(error, details):
        errors.append((threading.current_thread(), error, details))

    tasks.submit(broken, on_done=lambda _: pytest.fail("no result expected"), on_error=on_error)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    thread, error, details = errors[0]
    assert thread is threading.main_thread()
    assert isinstance(error, ValueError) and str(error) == "disk said no"
    assert "in broken" in details and "ValueError: disk said no" in details


def test_error_without_on_error_goes_to_the_excepthook(qtbot, tasks, monkeypatch):
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: hooked.append(
        (threading.current_thread(), info)))

    def broken():
        raise RuntimeError("nobody listens")

    tasks.submit(broken)
    qtbot.waitUntil(lambda: bool(hooked), timeout=5000)
    thread, (exc_type, exc, tb) = hooked[0]
    assert thread is threading.main_thread()
    assert exc_type is RuntimeError and str(exc) == "nobody listens" and tb is not None


def test_an_exception_in_a_callback_is_reported_and_later_results_still_arrive(qtbot, tasks,
                                                                                monkeypatch):
    hooked, results = [], []
    monkeypatch.setattr(sys, "excepthook", lambda *info: hooked.append(info[1]))

    def bad_callback(_value):
        raise KeyError("in the callback")

    tasks.submit(lambda: 1, on_done=bad_callback)
    tasks.submit(lambda: 2, on_done=results.append)
    qtbot.waitUntil(lambda: results == [2] and len(hooked) == 1, timeout=5000)
    assert isinstance(hooked[0], KeyError)


def test_latest_wins_for_the_same_key(qtbot, tasks):
    release = threading.Event()
    results = []

    def slow(value):
        release.wait(5)
        return value

    first = tasks.submit(slow, "old", on_done=results.append, key="preview")
    second = tasks.submit(slow, "new", on_done=results.append, key="preview")
    assert first.cancelled and not first.running
    assert tasks.running("preview") is second
    release.set()
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=5000)
    assert tasks.wait(5)
    assert results == ["new"]


def test_at_most_one_user_action_per_key(qtbot, tasks):
    release = threading.Event()
    results = []
    first = tasks.submit(lambda: release.wait(5) and "first", on_done=results.append,
                         key="submit", when_busy=REFUSE)
    assert tasks.submit(lambda: "second", on_done=results.append, key="submit",
                        when_busy=REFUSE) is None
    assert tasks.is_busy("submit") and first.running
    release.set()
    qtbot.waitUntil(lambda: results == ["first"], timeout=5000)
    # Free again once the first one is delivered.
    assert tasks.submit(lambda: "third", on_done=results.append, key="submit",
                        when_busy=REFUSE) is not None
    qtbot.waitUntil(lambda: results == ["first", "third"], timeout=5000)


def test_cancel_drops_the_result(qtbot, tasks):
    results = []
    handle = tasks.submit(lambda: time.sleep(0.2) or "late", on_done=results.append)
    handle.cancel()
    assert tasks.wait(5)
    qtbot.wait(50)
    assert results == [] and not handle.running


def test_inbox_delivers_in_order_in_the_gui_thread(qtbot):
    seen = []
    inbox = GuiInbox(lambda item: seen.append((item, threading.current_thread())), 10)
    inbox.start()
    workers = [threading.Thread(target=lambda: [inbox.post(i) for i in range(100)])]
    for worker in workers:
        worker.start()
        worker.join()
    qtbot.waitUntil(lambda: len(seen) == 100, timeout=5000)
    assert [item for item, _ in seen] == list(range(100))
    assert {thread for _, thread in seen} == {threading.main_thread()}
    inbox.stop()


class _Tracked:
    """Records the thread its Python object is freed in (a page stands for it: freeing a
    QWidget's wrapper in a worker thread deadlocks against the GUI thread)."""

    freed_in: list = []

    def work(self, value, gate=None):
        if gate is not None:  # returns only after the caller dropped its reference
            gate.wait(5)
        return value

    def __del__(self):
        _Tracked.freed_in.append(threading.current_thread())


def test_what_a_task_was_given_is_freed_in_the_gui_thread(qtbot, tasks):
    _Tracked.freed_in = []
    results = []
    tracked, gate = _Tracked(), threading.Event()
    tasks.submit(tracked.work, 7, gate, on_done=results.append)
    del tracked  # the caller's reference gone: the task holds the last ones
    gate.set()
    qtbot.waitUntil(lambda: results == [7], timeout=5000)
    tasks.pool.shutdown(wait=True)  # the worker has let go of everything it held
    qtbot.waitUntil(lambda: _Tracked.freed_in != [], timeout=5000)
    assert _Tracked.freed_in == [threading.main_thread()]


def test_a_cancelled_task_that_never_ran_is_freed_in_the_gui_thread(qtbot):
    from PySide6.QtCore import QObject

    owner = QObject()
    tasks = BackgroundTasks(owner, max_workers=1, interval_ms=10)
    _Tracked.freed_in = []
    gate = threading.Event()
    tasks.submit(gate.wait, 5)
    tracked = _Tracked()
    handle = tasks.submit(tracked.work, 1, on_done=lambda _v: None)
    del tracked
    handle.cancel()
    tasks._forget_cancelled()
    gate.set()
    tasks.pool.shutdown(wait=True)
    qtbot.waitUntil(lambda: _Tracked.freed_in != [], timeout=5000)
    assert _Tracked.freed_in == [threading.main_thread()]
    owner.deleteLater()


def test_garbage_in_cycles_is_collected_by_the_gui_threads_timer(qtbot):
    """The wizard's collector: automatic collection off (it could run in a worker thread and
    free widgets there), cyclic garbage freed by the GUI thread's timer."""
    import gc

    from PySide6.QtCore import QObject

    from nnft.gui.background import GuiThreadGarbageCollector

    owner = QObject()
    was_enabled = gc.isenabled()
    collector = GuiThreadGarbageCollector(owner, interval_ms=10)
    collector.thresholds = (0, 0, 0)  # every generation is due at every tick
    try:
        collector.start()
        assert not gc.isenabled()
        _Tracked.freed_in = []
        tracked = _Tracked()
        tracked.cycle = tracked  # only a collection frees it
        del tracked
        qtbot.waitUntil(lambda: _Tracked.freed_in != [], timeout=5000)
        assert _Tracked.freed_in == [threading.main_thread()]
    finally:
        collector.timer.stop()
        if was_enabled:
            gc.enable()
        owner.deleteLater()
