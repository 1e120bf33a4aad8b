"""Write-back state changed by another process shows in the window: after `write-metadata`
or `reread` from a terminal, the tiles lose "Not in file" and the editor's line says "in
sync" within the watch's polling interval, without clicking anything."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QKeySequence

from photoarchive.catalog.models import Photo
from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.changes import changes_since
from photoarchive.services.check import check
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos
from photoarchive.services.relink import relink
from photoarchive.services.writeback import CATALOG_NEWER, IN_SYNC, status, write_metadata
from photoarchive.ui.grid.model import SYNC_ROLE

POLL_MS = 200


@pytest.fixture
def captioned(tmp_path: Path, sample_dir: Path) -> Iterator[Archive]:
    """Three sample photos copied to tmp_path, imported and captioned (catalog newer)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for path in sorted(sample_dir.glob("*.jpg"))[:3]:
        shutil.copyfile(path, folder / path.name)
    archive = open_archive(tmp_path / "lib.sqlite")
    Importer(archive, workers=1).run([folder])
    for n, record in enumerate(list_photos(archive, sort="path")):
        apply_edits(archive, [record.id], EditRequest(set_values={"caption": f"Caption {n}"}),
                    origin="gui")
    yield archive
    archive.close()


def _badge(window, photo_id: int) -> str | None:
    value = window.model.index_of(photo_id).data(SYNC_ROLE)  # asks, as a paint does
    return value.state if value is not None else None


def _cli(archive: Archive, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "photoarchive.cli", "--catalog", str(archive.path), *args],
        check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_write_elsewhere_moves_the_catalog_stamp(captioned: Archive) -> None:
    ids = [r.id for r in list_photos(captioned)]
    before = changes_since(captioned, None).stamp
    write_metadata(captioned, ids[:2])
    changes = changes_since(captioned, before)
    assert changes.any and sorted(changes.edited) == sorted(ids[:2])
    assert not changes.photos_changed


def test_a_reimport_or_a_relink_elsewhere_moves_the_catalog_stamp(captioned: Archive,
                                                                 tmp_path: Path) -> None:
    records = list_photos(captioned, sort="path")
    changed = Path(records[0].path)
    shutil.copyfile(changed, tmp_path / "keep.jpg")
    with Image.open(tmp_path / "keep.jpg") as image:  # new content at the same path
        image.rotate(180).save(changed, quality=80)
    before = changes_since(captioned, None).stamp
    Importer(captioned, workers=1).run([changed.parent])
    changes = changes_since(captioned, before)
    assert changes.edited == [records[0].id] and not changes.photos_changed

    moved = tmp_path / "moved"
    moved.mkdir()
    Path(records[1].path).rename(moved / Path(records[1].path).name)
    check(captioned)
    before = changes_since(captioned, None).stamp
    relink(captioned, moved)
    assert changes_since(captioned, before).edited == [records[1].id]


def test_write_metadata_from_the_command_line_shows_in_the_window(
        qtbot, make_window, captioned: Archive) -> None:
    window = make_window(captioned)
    window.safety.watch.interval_ms = POLL_MS
    ids = list(window.model.ids)
    window.select_ids([ids[0]], ids[0])
    for photo_id in ids:
        qtbot.waitUntil(lambda p=photo_id: _badge(window, p) == CATALOG_NEWER, timeout=5000)
    note = window.editor.file_state
    qtbot.waitUntil(lambda: "catalog newer" in note.text(), timeout=5000)
    polls = window.safety.watch.polls

    _cli(captioned, "write-metadata", "--sidecar")

    for photo_id in ids:
        qtbot.waitUntil(lambda p=photo_id: _badge(window, p) == IN_SYNC, timeout=10_000)
    qtbot.waitUntil(lambda: "in sync" in note.text(), timeout=5000)
    assert window.safety.watch.polls > polls  # the watch saw it, not a click
    assert window.grid.selected_ids() == [ids[0]]


def test_an_edit_and_a_reread_from_the_command_line_show_in_the_editor(
        qtbot, make_window, captioned: Archive) -> None:
    window = make_window(captioned)
    window.safety.watch.interval_ms = POLL_MS
    ids = list(window.model.ids)
    _cli(captioned, "write-metadata", "--sidecar")
    qtbot.waitUntil(lambda: _badge(window, ids[1]) == IN_SYNC, timeout=10_000)
    window.select_ids([ids[1]], ids[1])
    note = window.editor.file_state
    qtbot.waitUntil(lambda: "in sync" in note.text(), timeout=5000)
    caption = get_photo(captioned, ids[1]).caption

    _cli(captioned, "edit", str(ids[1]), "--set", "caption=Changed in a terminal")
    qtbot.waitUntil(lambda: "catalog newer" in note.text(), timeout=10_000)
    qtbot.waitUntil(lambda: _badge(window, ids[1]) == CATALOG_NEWER, timeout=5000)
    _cli(captioned, "edit", str(ids[1]), "--set", f"caption={caption}")  # the file's again
    qtbot.waitUntil(lambda: "in sync" in note.text(), timeout=10_000)

    # Another program rewrites the sidecar without changing a field we keep: the values
    # decide (issue 11 #4), so it stays in sync and the window's look records the new stamp.
    sidecar = Path(get_photo(captioned, ids[1]).path + ".xmp")
    sidecar.write_bytes(sidecar.read_bytes() + b"\n")
    window.sync.invalidate([ids[1]])  # what a click on the photo does
    qtbot.waitUntil(lambda: f'"size": {sidecar.stat().st_size}' in _file_state(captioned,
                                                                              ids[1]),
                    timeout=5000)
    # The worker records the stamp, then its answer reaches the tile: wait for that too.
    qtbot.waitUntil(lambda: _badge(window, ids[1]) == IN_SYNC, timeout=5000)
    assert "in sync" in note.text()
    # It changes the caption: the window notices at its next look, and a re-read in a
    # terminal clears it.
    sidecar.write_bytes(sidecar.read_bytes().replace(caption.encode(), b"Changed elsewhere"))
    window.sync.invalidate([ids[1]])
    qtbot.waitUntil(lambda: "file newer" in note.text(), timeout=5000)
    _cli(captioned, "reread")
    qtbot.waitUntil(lambda: "in sync" in note.text(), timeout=10_000)
    qtbot.waitUntil(lambda: _badge(window, ids[1]) == IN_SYNC, timeout=5000)
    assert get_photo(captioned, ids[1]).caption == "Changed elsewhere"


def _file_state(archive: Archive, photo_id: int) -> str:
    """The photo's recorded file stamp, as stored."""
    with archive.reader() as session:
        return session.get(Photo, photo_id).file_state or ""


def test_undo_back_to_the_files_values_clears_not_in_file(qtbot, make_window,
                                                          captioned: Archive) -> None:
    """Type a caption on three photos, Ctrl+Z three times: the tiles are in sync again."""
    _cli(captioned, "write-metadata", "--sidecar")  # the files hold "Caption n"
    window = make_window(captioned)
    window.editor.autosave_ms = 0
    ids = list(window.model.ids)
    for photo_id in ids:
        qtbot.waitUntil(lambda p=photo_id: _badge(window, p) == IN_SYNC, timeout=5000)
    window.activateWindow()
    for n, photo_id in enumerate(ids):
        window.select_ids([photo_id], photo_id)
        qtbot.waitUntil(lambda p=photo_id: window.editor.selection() == [p], timeout=2000)
        window.editor.focus_field("caption")
        qtbot.keyClicks(window.editor.editors["caption"].input, f" typed {n}")
        window.editor.commit_pending()
        qtbot.waitUntil(lambda p=photo_id: _badge(window, p) == CATALOG_NEWER, timeout=5000)
    assert window.undo_stack.count() == 3
    window.grid.setFocus()
    for _ in ids:
        qtbot.keySequence(window.grid, QKeySequence.StandardKey.Undo)
    assert window.undo_stack.index() == 0
    for photo_id in ids:
        qtbot.waitUntil(lambda p=photo_id: _badge(window, p) == IN_SYNC, timeout=5000)
    states = {s.state for s in status(captioned, ids)}
    assert states == {IN_SYNC}
