"""Progress and cancellation: the small protocols long jobs report through.

The CLI implements `Progress` with a terminal bar, the window with a status-bar widget;
services never print. `CancelToken` is set from another thread (or a signal handler) and
checked by the job between units of work.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Progress(Protocol):
    """Receives progress of a long job; every method must be cheap and thread-safe."""

    def start(self, total: int, what: str) -> None: ...

    def advance(self, done: int, total: int, current: str = "") -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    """A progress sink that ignores everything (quiet mode, tests)."""

    def start(self, total: int, what: str) -> None:
        pass

    def advance(self, done: int, total: int, current: str = "") -> None:
        pass

    def finish(self) -> None:
        pass


class CancelToken:
    """A flag a job polls; `cancel()` may be called from any thread or a signal handler."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()
