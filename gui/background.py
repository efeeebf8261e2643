"""The one way the wizard works off the GUI thread.

Everything that waits for disk, torch, a child process or a cluster runs in a worker thread; what
it returns (or raises) is put into a :class:`queue.Queue`, and a QTimer in the GUI thread drains
that queue and calls the callbacks there. Two users share this:

* :class:`BackgroundTasks` runs plain functions in a small thread pool (the weights check in a
  child process, Slurm's commands, reading training logs and images);
* :class:`nnft.gui.worker.ChainRun` runs the chain in its own QThread and posts the executor's
  events to a :class:`GuiInbox`.

Why a queue and a timer instead of ``Signal(object)``: PySide6 6.x mis-counts references of
Python payloads queued across threads (a long training crashed with ``none_dealloc``), so no
Python object crosses threads through a queued Qt signal. The timer runs only while something
is outstanding.

Why a worker never holds the last reference to what it was given: a function submitted here is
often a page's method or a closure over a page. If the worker thread dropped the last reference
to such a Python wrapper (the page closed meanwhile), the QWidget would be destroyed in the
worker thread while the GUI thread deletes its children: a deadlock on Qt's object mutex (seen
as a hanging test). So the GUI thread keeps the function, its arguments and the callbacks until
the result is delivered, and the worker lets go of its own references before it posts.
"""

from __future__ import annotations

import gc
import itertools
import queue
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer

#: How often a busy inbox is drained (ms). Short enough to feel immediate, long enough that a
#: burst of output lines is drawn in one go.
DEFAULT_DRAIN_INTERVAL_MS = 50

#: What :meth:`BackgroundTasks.submit` does when a task with the same key still runs.
SUPERSEDE = "supersede"  # the new one wins: the old one's result is dropped (polls, previews)
REFUSE = "refuse"  # the running one wins: the new one is not started (user actions)


def collect_due_generations(thresholds: tuple[int, int, int] | None = None) -> None:
    """Run the generations of Python's cyclic garbage collector that are due, as the automatic
    collector would (its thresholds); call from the GUI thread only.

    Parameters
    ----------
    thresholds
        The automatic collector's thresholds (default ``gc.get_threshold()``).
    """
    young, middle, old = gc.get_count()
    first, second, third = thresholds or gc.get_threshold()
    if young > first:
        gc.collect(0)
        if middle > second:
            gc.collect(1)
            if old > third:
                gc.collect(2)


class GuiThreadGarbageCollector(QObject):
    """Python's cyclic garbage collector, run only in the GUI thread.

    The automatic collector runs in whichever thread happens to allocate when a threshold is
    crossed: a worker importing torch, say. If that collection frees a closed page (pages sit
    in reference cycles: lambdas over ``self`` connected to signals), its QWidgets are
    destroyed in the worker while the GUI thread deletes their children: a deadlock on Qt's
    object mutex (seen as tests hanging one run in three). So the automatic collector is
    switched off and this timer collects in the GUI thread, as pyqtgraph's
    ``GarbageCollector`` does.

    Parameters
    ----------
    parent
        The owning QObject (the application).
    interval_ms
        How often the due generations are collected.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: collect_due_generations(self.thresholds))

    def start(self) -> None:
        """Switch the automatic collector off and collect on the timer from now on."""
        gc.disable()
        self.timer.start()


def report_unhandled(error: BaseException) -> None:
    """Send an error nobody handles to the application's excepthook (a dialog and the log in
    the wizard, see ``gui/app.py``), never dropping it."""
    sys.excepthook(type(error), error, error.__traceback__)


class GuiInbox(QObject):
    """A queue any thread may :meth:`post` to; ``handler(item)`` runs in the GUI thread.

    Parameters
    ----------
    handler
        Called once per posted item, in posting order, in the GUI thread. An exception it
        raises goes to :func:`report_unhandled`; the remaining items are still delivered.
    interval_ms
        How often the queue is drained while :meth:`start` is in effect.
    parent
        The owning QObject; the timer dies with it.
    """

    def __init__(self, handler: Callable[[Any], None],
                 interval_ms: int = DEFAULT_DRAIN_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handler = handler
        self.items: queue.Queue = queue.Queue()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.drain)

    def post(self, item: Any) -> None:
        """Queue ``item`` for the GUI thread (safe from any thread)."""
        self.items.put(item)

    def start(self) -> None:
        """Start draining every ``interval_ms`` (GUI thread only)."""
        if not self.timer.isActive():
            self.timer.start()

    def stop(self) -> None:
        """Stop the timer; items posted meanwhile wait for the next :meth:`drain`."""
        self.timer.stop()

    def drain(self) -> None:
        """Deliver everything queued so far (GUI thread only)."""
        while True:
            try:
                item = self.items.get_nowait()
            except queue.Empty:
                return
            try:
                self.handler(item)
            except Exception as error:  # reported; the next items still arrive
                report_unhandled(error)


class TaskHandle:
    """One submitted task: ask whether it still runs, or drop its result with :meth:`cancel`.

    A Python function cannot be interrupted; :meth:`cancel` keeps a task that has not started
    from starting and makes sure no callback of it is called.

    Attributes
    ----------
    key
        The key it was submitted with (``None``: no key).
    cancelled
        True after :meth:`cancel` or after a newer task with the same key superseded it.
    """

    def __init__(self, key: str | None, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException, str], None] | None) -> None:
        self.key = key
        self.on_done = on_done
        self.on_error = on_error
        self.cancelled = False
        self.future: Future | None = None
        self._delivered = False
        #: What the worker runs (it takes the function and arguments out of it).
        self.job: _Job | None = None
        #: The function and arguments, kept alive in the GUI thread until the result is
        #: delivered (see the module's docstring).
        self.keep: tuple | None = None

    @property
    def running(self) -> bool:
        """True until its result was delivered in the GUI thread or it was cancelled."""
        return not self._delivered and not self.cancelled

    @property
    def finished_in_worker(self) -> bool:
        """True once the function returned or raised in the worker thread."""
        return self.future is not None and self.future.done()

    def cancel(self) -> None:
        """Drop the result (GUI thread); a task not yet started is not started at all."""
        self.cancelled = True
        if self.future is not None:
            self.future.cancel()


class _Job:
    """What a worker thread is handed: the function and its arguments, taken out by the worker
    (so its own references go away before it posts), and the queue it posts to. No Qt object
    and no callback: those stay with the :class:`TaskHandle` in the GUI thread."""

    __slots__ = ("fn", "args", "outbox")

    def __init__(self, fn: Callable[..., Any], args: tuple, outbox: queue.Queue) -> None:
        self.fn: Callable[..., Any] | None = fn
        self.args: tuple | None = args
        self.outbox = outbox


def _run_job(job: _Job) -> None:
    """The worker thread's part: call, drop the worker's references, post the outcome (never
    raises). The GUI thread still holds the function and arguments (``TaskHandle.keep``)."""
    fn, args = job.fn, job.args
    job.fn = job.args = None  # the pool's work item, dropped in this thread, must not hold them
    assert fn is not None and args is not None
    try:
        outcome = (job, True, fn(*args), "")
    except BaseException as error:  # handed to the GUI thread
        outcome = (job, False, error, traceback.format_exc())
    del fn, args
    job.outbox.put(outcome)


class BackgroundTasks(QObject):
    """Run functions in worker threads; their results arrive in the GUI thread.

    ``submit(fn, *args, on_done=..., on_error=..., key=...)`` calls ``fn(*args)`` in a thread of
    a small pool. ``on_done(result)`` or ``on_error(error, traceback_text)`` is then called in
    the GUI thread. Without ``on_error`` the error goes to ``sys.excepthook`` (errors are never
    swallowed). Tasks with the same ``key`` follow ``when_busy``: :data:`SUPERSEDE` (the latest
    wins; for polls, log reading, previews) or :data:`REFUSE` (at most one at a time; for what
    the user started with a button).

    Parameters
    ----------
    parent
        The owning QObject (a page or widget).
    max_workers
        Threads in the pool.
    name
        Prefix of the worker threads' names (seen in tracebacks and debuggers).
    interval_ms
        How often finished tasks are picked up while any is outstanding.
    """

    _counter = itertools.count(1)

    def __init__(self, parent: QObject | None = None, *, max_workers: int = 2,
                 name: str = "nnft-background",
                 interval_ms: int = DEFAULT_DRAIN_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=max_workers,
                                       thread_name_prefix=f"{name}-{next(self._counter)}")
        self.inbox = GuiInbox(self._deliver, interval_ms, parent=self)
        self.outstanding: list[TaskHandle] = []  # submitted, result not yet delivered
        # After each drain: forget tasks cancelled before they started (they post nothing) and
        # let the timer rest when nothing is outstanding.
        self.inbox.timer.timeout.connect(self._forget_cancelled)
        pool = self.pool
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

    # -- submitting --------------------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], *args: Any,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException, str], None] | None = None,
               key: str | None = None, when_busy: str = SUPERSEDE) -> TaskHandle | None:
        """Run ``fn(*args)`` in a worker thread (call from the GUI thread).

        Returns
        -------
        TaskHandle or None
            ``None`` when ``when_busy`` is :data:`REFUSE` and a task with ``key`` still runs.
        """
        if when_busy not in (SUPERSEDE, REFUSE):
            raise ValueError(f"when_busy must be {SUPERSEDE!r} or {REFUSE!r}, not {when_busy!r}")
        if key is not None:
            busy = self.running(key)
            if busy is not None:
                if when_busy == REFUSE:
                    return None
                busy.cancel()
        handle = TaskHandle(key, on_done, on_error)
        handle.job = _Job(fn, args, self.inbox.items)
        handle.keep = (fn, args)
        self.outstanding.append(handle)
        # A module function and a plain holder: the pool's work item (dropped in the worker)
        # references no page, no QObject wrapper and no callback.
        handle.future = self.pool.submit(_run_job, handle.job)
        self.inbox.start()
        return handle

    # -- asking ------------------------------------------------------------------------------
    def running(self, key: str) -> TaskHandle | None:
        """The task with ``key`` whose result is still to come (None when there is none)."""
        return next((h for h in self.outstanding if h.key == key and h.running), None)

    def is_busy(self, key: str | None = None) -> bool:
        """True while any task (or the one with ``key``) still runs."""
        if key is not None:
            return self.running(key) is not None
        return any(h.running for h in self.outstanding)

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until every outstanding task returned, then deliver the results (for tests and
        closing). False when ``timeout_s`` passed first."""
        import concurrent.futures

        futures = [h.future for h in self.outstanding if h.future is not None]
        _done, pending = concurrent.futures.wait(futures, timeout=timeout_s)
        self.inbox.drain()
        return not pending

    # -- delivering (GUI thread) -------------------------------------------------------------
    def _deliver(self, item: tuple[_Job, bool, Any, str]) -> None:
        job, ok, value, details = item
        handle = next((h for h in self.outstanding if h.job is job), None)
        if handle is None:  # not from this pool's submit (nothing else posts here)
            return
        self.outstanding.remove(handle)
        handle.job = handle.keep = None  # let go here, in the GUI thread
        self._forget_cancelled()
        if handle.cancelled:
            return
        handle._delivered = True
        if ok:
            if handle.on_done is not None:
                handle.on_done(value)
        elif handle.on_error is not None:
            handle.on_error(value, details)
        else:
            report_unhandled(value)

    def _forget_cancelled(self) -> None:
        never_started = [h for h in self.outstanding
                         if h.cancelled and h.future is not None and h.future.cancelled()]
        for handle in never_started:  # never run: its job is let go here, in the GUI thread
            if handle.job is not None:  # the pool's work item, dropped in a worker, keeps it
                handle.job.fn = handle.job.args = None
            handle.job = handle.keep = None
        self.outstanding = [h for h in self.outstanding if h not in never_started]
        if not self.outstanding:
            self.inbox.stop()
