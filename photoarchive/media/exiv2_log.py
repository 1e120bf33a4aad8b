"""exiv2's log, kept off the terminal: one filter on the `exiv2` logger diverts records to
the list of the current thread while `capture()` runs (records outside it pass through)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

_local = threading.local()


class _Capture(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        sink = getattr(_local, "sink", None)
        if sink is None:
            return True
        sink.append(record.getMessage())
        return False


logging.getLogger("exiv2").addFilter(_Capture())


@contextlib.contextmanager
def capture() -> Iterator[list[str]]:
    """Collect what exiv2 logs in this thread meanwhile (nestable)."""
    log: list[str] = []
    previous, _local.sink = getattr(_local, "sink", None), log
    try:
        yield log
    finally:
        _local.sink = previous
