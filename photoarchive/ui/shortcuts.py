"""Every keyboard shortcut of the window, in one table.

The main window gives its actions their keys from here (`keys_of`), the viewer and the
editor read the keys they handle themselves from here (`matches`), and Help → Keyboard
Shortcuts lists this table: the help cannot drift from what the keys do. A new shortcut is
one more row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

Std = QKeySequence.StandardKey
Key = str | QKeySequence.StandardKey


@dataclass(frozen=True)
class Shortcut:
    """One shortcut: `name` is how the code asks for it, `where` and `does` are the help's
    words. `keys` are portable strings ("Ctrl+I") or Qt's standard keys, which bring the
    platform's own bindings. `action`: a window action (menu item) carries it; otherwise the
    widget named in `where` reads it from its key presses."""

    name: str
    where: str
    does: str
    keys: tuple[Key, ...]
    action: bool = True
    no_alt: bool = False  # leave out the platform's Alt bindings (Alt+Enter belongs to fields)


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("import_folder", "File", "Import a folder", ("Ctrl+I",)),
    Shortcut("import_files", "File", "Import files", ("Ctrl+Shift+I",)),
    Shortcut("new_catalog", "File", "New catalog", (Std.New,)),
    Shortcut("open_catalog", "File", "Open a catalog", (Std.Open,)),
    Shortcut("quit", "File", "Quit", (Std.Quit,)),
    Shortcut("undo", "Edit", "Undo", (Std.Undo,)),
    Shortcut("redo", "Edit", "Redo", ("Ctrl+Shift+Z", Std.Redo)),
    Shortcut("select_all", "Edit", "Select all photos shown", (Std.SelectAll,)),
    Shortcut("find", "Edit", "Search (the search box)", (Std.Find,)),
    Shortcut("zoom_in", "View", "Larger thumbnails; in the viewer, zoom in",
             (Std.ZoomIn, "Ctrl+=")),
    Shortcut("zoom_out", "View", "Smaller thumbnails; in the viewer, zoom out", (Std.ZoomOut,)),
    # F11 everywhere: Qt's standard FullScreen key is empty on X11 desktops other than KDE
    # and GNOME; the platform's own key (Ctrl+Cmd+F on macOS) works as well.
    Shortcut("full_screen", "View", "Full screen on or off; in the viewer, the photo alone",
             ("F11", Std.FullScreen), no_alt=True),
    Shortcut("leave_full_screen", "View", "Leave full screen", ("Esc",), action=False),
    Shortcut("previous_photo", "Photo", "Previous photo", ("Alt+Left",)),
    Shortcut("next_photo", "Photo", "Next photo", ("Alt+Right",)),
    Shortcut("rotate_left", "Photo", "Rotate left", ("Ctrl+[",)),
    Shortcut("rotate_right", "Photo", "Rotate right", ("Ctrl+]",)),
    Shortcut("add_to_collection", "Photo", "Add the selected photos to a collection",
             ("Ctrl+Shift+C",)),
    Shortcut("remove", "Grid", "In a collection, take the selected photos out of it; "
             "elsewhere remove them from the catalog (asks first; files stay)", (Std.Delete,)),
    Shortcut("viewer_previous", "Viewer", "Previous photo", ("Left", "PgUp", "Backspace"),
             action=False),
    Shortcut("viewer_next", "Viewer", "Next photo", ("Right", "PgDown"), action=False),
    Shortcut("viewer_back", "Viewer", "Back to the grid (in full screen, Esc leaves full "
             "screen first)", ("Esc", "Space", "Return", "Enter"), action=False),
    Shortcut("viewer_zoom_in", "Viewer", "Zoom in", ("+", "="), action=False),
    Shortcut("viewer_zoom_out", "Viewer", "Zoom out", ("-",), action=False),
    Shortcut("viewer_fit", "Viewer", "Fit the photo in the window", ("0",), action=False),
    Shortcut("viewer_actual_size", "Viewer", "Actual size (100 %)", ("1",), action=False),
    Shortcut("editor_next", "Editor", "Save, and go to the next photo in the same field",
             ("Alt+PgDown",), action=False),
    Shortcut("editor_previous", "Editor", "Save, and go to the previous photo in the same "
             "field", ("Alt+PgUp",), action=False),
    Shortcut("editor_commit", "Editor", "Save a caption or notes (Enter starts a new line)",
             ("Ctrl+Return", "Ctrl+Enter"), action=False),
    Shortcut("editor_revert", "Editor", "Put back the saved value of the field",
             ("Esc",), action=False),
)
SHORTCUTS_BY_NAME: dict[str, Shortcut] = {s.name: s for s in SHORTCUTS}
assert len(SHORTCUTS_BY_NAME) == len(SHORTCUTS), "shortcut names are unique"


@cache
def keys_of(name: str) -> tuple[QKeySequence, ...]:
    """The key sequences of a shortcut on this platform, each once (Qt ignores a shortcut
    listed twice on one action as ambiguous)."""
    shortcut = SHORTCUTS_BY_NAME[name]
    found: dict[str, QKeySequence] = {}
    for key in shortcut.keys:
        sequences = ([QKeySequence(key)] if isinstance(key, str)
                     else QKeySequence.keyBindings(key))
        for sequence in sequences:
            text = sequence.toString()
            if not text or (shortcut.no_alt and "Alt+" in text):
                continue
            found.setdefault(text, sequence)
    return tuple(found.values())


def on_every_keyboard(sequence: QKeySequence) -> bool:
    """False for keys only some keyboards have (Undo, Open, Zoom In, F13 and up), which the
    platform adds to standard shortcuts: they work, but a list of keys to learn skips them."""
    key = sequence[0].key() if sequence.count() else Qt.Key.Key_unknown
    return key < Qt.Key.Key_F13 or not key & 0x01000000


def keys_text(name: str) -> str:
    """The keys as the help shows them: "F11, Ctrl+Shift+F"."""
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                     for k in keys_of(name) if on_every_keyboard(k))


def matches(event: QKeyEvent, name: str) -> bool:
    """Is this key press one of the shortcut's keys? (Keypad keys count as the same keys; a
    symbol typed with Shift, such as "+", counts without it.)"""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    key = Qt.Key(event.key())
    combos = [QKeyCombination(mods, key)]
    if mods & Qt.KeyboardModifier.ShiftModifier and not Qt.Key.Key_A <= key <= Qt.Key.Key_Z \
            and key < Qt.Key.Key_Escape:
        combos.append(QKeyCombination(mods & ~Qt.KeyboardModifier.ShiftModifier, key))
    pressed = {QKeySequence(combo).toString() for combo in combos}
    return any(sequence.toString() in pressed for sequence in keys_of(name))
