"""Ctrl+Z in the window never silently overwrites what the command line changed since: the
window edits a caption, the real command line (another process) changes it again, and the
window's undo leaves that caption as it is and says so in the status bar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QKeySequence

from photoarchive.services.archive import Archive
from photoarchive.services.photos import get_photo

FROM_CLI = "Corrected on the command line"


def _cli(archive: Archive, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "photoarchive.cli", "--catalog", str(archive.path), *args],
        check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ctrl_z_leaves_a_caption_the_command_line_changed_since(qtbot, make_window,
                                                                sample_archive) -> None:
    window = make_window(sample_archive)
    first, second = window.model.ids[:2]
    before = {pid: get_photo(sample_archive, pid) for pid in (first, second)}
    window.select_ids([first, second], first)
    qtbot.waitUntil(lambda: window.editor.selection() == [first, second], timeout=2000)
    window.editor.editors["caption"].input.setPlainText("Written in the window")
    assert window.editor.commit_pending()
    assert window.undo_stack.undoText() == "Edit caption (2 photos)"

    _cli(sample_archive, "edit", str(second), "--set", f"caption={FROM_CLI}")

    window.activateWindow()
    window.grid.setFocus()
    qtbot.keySequence(window.grid, QKeySequence.StandardKey.Undo)  # Ctrl+Z
    assert window.undo_stack.index() == 0
    assert get_photo(sample_archive, first).caption == before[first].caption  # undone
    assert get_photo(sample_archive, second).caption == FROM_CLI  # left as it is
    name = Path(before[second].path).name
    assert window.statusBar().currentMessage() == (
        f"Undo left the caption of {name} as it is: it was changed elsewhere since this "
        f"step (it now reads \u201c{FROM_CLI}\u201d).")
    window.select_ids([second], second)
    qtbot.waitUntil(lambda: window.editor.selection() == [second], timeout=2000)
    assert window.editor.editors["caption"].text() == FROM_CLI

    # Redo takes the same care: the command line's caption stays.
    qtbot.keySequence(window.grid, QKeySequence.StandardKey.Redo)
    assert get_photo(sample_archive, first).caption == "Written in the window"
    assert get_photo(sample_archive, second).caption == FROM_CLI
    assert window.statusBar().currentMessage().startswith(
        f"Redo left the caption of {name} as it is")
