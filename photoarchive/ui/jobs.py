"""Long jobs started from the menus (writing metadata, re-reading, exporting): one at a time,
run on `Workers`, with "Writing 23 of 120", a bar and Cancel in the status bar.

The job is a callable `work(progress, cancel)` — usually a lambda around a service that
takes the `Progress` and `CancelToken` protocols — whose result or error comes back to the
GUI thread by signal. Imports keep their own controller (dialogs/importing.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from photoarchive.services.tasks import CancelToken, Progress
from photoarchive.ui.workers import Task, TaskProgress, Workers

Work = Callable[[Progress, CancelToken], Any]


#: Progress reaches the GUI at most this often (seconds); the last step always does.
PROGRESS_INTERVAL = 0.05


class _ThrottledProgress(TaskProgress):
    """`TaskProgress` that sends a few updates a second, not one per photo: the GUI's
    event queue stays short, and so does the number of signals a big job emits."""

    def __init__(self, task: Task) -> None:
        super().__init__(task)
        self._last = 0.0

    def advance(self, done: int, total: int, current: str = "") -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            super().advance(done, total, current)


def _run(task: Task, work: Work) -> Any:
    return work(_ThrottledProgress(task), task.cancel)


def progress_row(widget: QWidget) -> tuple[QLabel, QProgressBar, QPushButton]:
    """Lay out a status-bar progress widget: a label, a small bar and a Cancel button."""
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel()
    bar = QProgressBar()
    bar.setMaximumWidth(180)
    bar.setTextVisible(False)
    cancel = QPushButton("Cancel")
    cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    for part in (label, bar, cancel):
        layout.addWidget(part)
    return label, bar, cancel


class JobProgress(QWidget):
    """Status-bar widget: what runs, how far, and Cancel; hidden when idle."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label, self.bar, self.cancel_button = progress_row(self)
        self.cancel_button.clicked.connect(self._cancel)
        self._verb = ""
        self._counted = True
        self.hide()

    def begin(self, verb: str, cancel_tip: str, counted: bool = True) -> None:
        """Show "`verb`…"; with `counted`, then "`verb` 3 of 12", else the bar alone moves."""
        self._verb, self._counted = verb, counted
        self.label.setText(f"{verb}…")
        self.label.setToolTip("")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setToolTip(cancel_tip)
        self.show()

    def advance(self, done: int, total: int, current: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if self._counted:
            self.label.setText(f"{self._verb} {done:,} of {total:,}")
        self.label.setToolTip(current)

    def _cancel(self) -> None:
        self.label.setText("Stopping…")
        self.cancel_button.setEnabled(False)
        self.cancel_requested.emit()


class Jobs(QObject):
    """Runs one menu job at a time for a window; `busy` while one runs."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.workers = Workers(max_threads=1, parent=self)
        self.progress = JobProgress()
        self.progress.cancel_requested.connect(self.cancel)
        self.task: Task | None = None
        self._callbacks: tuple[Callable[[Any], None], Callable[[BaseException], None]] = (
            lambda _result: None, self._failed)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def run(self, verb: str, work: Work, on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None,
            cancel_tip: str = "Stop after the current photo.",
            counted: bool = True) -> Task | None:
        """Start `work` unless another job runs (then say so and return None). `verb` is
        shown with the count ("Writing" → "Writing 3 of 12"), or alone if not `counted`."""
        if self.task is not None:
            self.window.statusBar().showMessage(
                "Another task is still running; wait for it to finish or cancel it.", 6000)
            return None
        task = self.workers.submit(_run, work, pass_task=True, start=False)
        self.task = task
        self._callbacks = (on_done, on_error or self._failed)
        task.relay.progress.connect(self.progress.advance)
        # Bound methods, not lambdas: Qt drops the delivery if this object is gone by then.
        task.relay.done.connect(self._done)
        task.relay.failed.connect(self._error)
        self.progress.begin(verb, cancel_tip, counted)
        self.workers.start(task)
        return task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel.cancel()

    def _failed(self, exc: BaseException) -> None:
        self.window.statusBar().showMessage(
            f"That did not finish: {exc or exc.__class__.__name__}", 15000)

    def _done(self, result: Any) -> None:
        self._end(self._callbacks[0], result)

    def _error(self, exc: BaseException) -> None:
        self._end(self._callbacks[1], exc)

    def _end(self, callback: Callable[[Any], None], value: Any) -> None:
        self.task = None  # idle before the callback runs, so it may start the next job
        self.progress.hide()
        callback(value)

    def shutdown(self) -> None:
        self.workers.shutdown(30000)
