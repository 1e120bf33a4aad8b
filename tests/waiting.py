"""Waiting for something in a test that has no Qt event loop to wait in (pytest-qt's
`qtbot.waitUntil` and `waitSignal` are for the window's tests).

A test waits for a condition, never for a fixed time: the timeout only says when to give
up and call it a failure, and nothing is asserted about how long it took (timings belong
in benchmarks/). This is the one place in the tests that sleeps: between two looks at the
condition (tests/test_hygiene.py keeps it so).
"""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_SECONDS = 0.01  # between two looks: short, and no busy loop beside the work awaited


def poll_until(condition: Callable[[], object], timeout: float) -> bool:
    """Look at `condition` until it is true (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Wait until `condition` is true; fail the test, saying `what` was awaited, after
    `timeout` seconds."""
    if not poll_until(condition, timeout):
        raise AssertionError(f"waited {timeout:g} s for {what}")
