"""The Qt binding must not leak references on signal emits (PySide6 6.12.0 does: every
emit frees one reference to True, and Python < 3.12 aborts after a few hundred)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(object)
    progress = Signal(int, int, str)


def test_emitting_signals_keeps_reference_counts(qapp) -> None:
    emitter = _Emitter()
    emitter.value.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for n in range(200):
        emitter.value.emit(n)
        emitter.progress.emit(n, 200, "")
    assert sys.getrefcount(True) - before > -10
