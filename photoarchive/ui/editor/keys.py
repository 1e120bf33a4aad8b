"""The keys every field of the editor handles alike, whatever its kind (text, date, rating,
keywords): Alt+Page Down and Alt+Page Up save and move to the next or previous photo with
the cursor staying in the field. The keys themselves are rows of ui.shortcuts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeyEvent

from photoarchive.ui.shortcuts import matches

__all__ = ["navigation_step", "take_navigation"]


def navigation_step(event: QKeyEvent) -> int:
    """+1 for the "editor_next" keys, -1 for "editor_previous", else 0."""
    return 1 if matches(event, "editor_next") else -1 if matches(event, "editor_previous") else 0


def take_navigation(event: QEvent, navigate: Callable[[int], None]) -> bool:
    """For an event on a field's input: True when it is a navigation key and is handled.

    The ShortcutOverride that comes first is accepted, so the key reaches the field even if
    a window shortcut uses the same keys; the key press then calls `navigate` with the step.
    """
    kind = event.type()
    if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return False
    step = navigation_step(event)  # both kinds are key events
    if not step:
        return False
    if kind == QEvent.Type.ShortcutOverride:
        event.accept()
    else:
        navigate(step)
    return True
