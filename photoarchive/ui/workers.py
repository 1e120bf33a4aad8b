"""The one way the window runs background work: a callable on a thread pool, whose result,
error, progress and partial results come back to the GUI thread by queued signal.

A `Task`'s relay object is made on the GUI thread, so signals emitted from the worker
thread are delivered there; callbacks never run on the worker. Workers return plain data
or `QImage`s (never `QPixmap`s) and never touch a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from photoarchive.services.tasks import CancelToken


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(int, int, str)  # done, total, current item
    partial = Signal(object)  # a piece of the result while the work goes on
    ended = Signal()  # after done or failed


class Task(QRunnable):
    """One callable run on a pool. `fn` may take the task to report progress or partial
    results (`task.report`, `task.emit_partial`) and to poll `task.cancel`."""

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict,
                 pass_task: bool = False) -> None:
        super().__init__()
        self._pass_task = pass_task
        self.setAutoDelete(False)  # the Workers object keeps us alive until `ended`
        self.relay = _Relay()
        self.cancel = CancelToken()
        self._fn, self._args, self._kwargs = fn, args, kwargs

    # Worker-thread side ------------------------------------------------------------------
    def run(self) -> None:
        # Even when cancelled before it started, the callable runs (and sees the token):
        # whoever waits for `done` or `failed` must hear one of them.
        try:
            args = (self, *self._args) if self._pass_task else self._args
            result = self._fn(*args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)
        finally:
            self.relay.ended.emit()

    def report(self, done: int, total: int, current: str = "") -> None:
        self.relay.progress.emit(done, total, current)

    def emit_partial(self, value: Any) -> None:
        self.relay.partial.emit(value)


class TaskProgress:
    """The services' `Progress` protocol, reported through a task's progress signal."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def start(self, total: int, what: str) -> None:
        self._task.report(0, total, what)

    def advance(self, done: int, total: int, current: str = "") -> None:
        self._task.report(done, total, current)

    def finish(self) -> None:
        pass


class Workers(QObject):
    """A thread pool plus the tasks running on it.

    `submit(fn, *args, on_done=..., on_error=...)` returns the `Task`; its relay has the
    `progress`/`partial` signals for callers that want them. Pending tasks can be taken
    back with `withdraw` (useful for thumbnails that scrolled out of view).
    """

    def __init__(self, max_threads: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        if max_threads:
            self.pool.setMaxThreadCount(max_threads)
        self._live: set[Task] = set()

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               priority: int = 0, start: bool = True, pass_task: bool = False,
               **kwargs: Any) -> Task:
        """Run `fn(*args, **kwargs)` (or `fn(task, *args, ...)` with `pass_task`)."""
        task = Task(fn, args, kwargs, pass_task)
        if on_done is not None:
            task.relay.done.connect(on_done)
        if on_error is not None:
            task.relay.failed.connect(on_error)
        task.relay.ended.connect(lambda: self._live.discard(task))
        self._live.add(task)
        if start:
            self.pool.start(task, priority)
        return task

    def start(self, task: Task, priority: int = 0) -> None:
        """Start a task made with `submit(..., start=False)` (after connecting its signals)."""
        self.pool.start(task, priority)

    def withdraw(self, task: Task) -> bool:
        """Take back a task that has not started; True when it will not run."""
        if self.pool.tryTake(task):
            self._live.discard(task)
            return True
        return False

    @property
    def busy(self) -> int:
        """How many tasks are queued or running."""
        return len(self._live)

    def shutdown(self, msecs: int = 5000) -> None:
        """Ask running tasks to stop, drop queued ones and wait for the rest."""
        for task in list(self._live):
            task.cancel.cancel()
        self.pool.clear()
        self.pool.waitForDone(msecs)
