"""Two processes on one catalog: photos the command line imports while the window is open
appear in it within seconds, with the selection, the scroll position and the text being
typed in the editor left alone; edits made elsewhere repaint their tiles."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from photoarchive.catalog.models import Photo  # tests may reach below the services
from photoarchive.services import open_archive
from photoarchive.services.changes import CatalogStamp, changes_since
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.photos import get_photo
from photoarchive.ui.grid.model import ROW_ROLE
from photoarchive.ui.sidebar import ALL_PHOTOS

POLL_MS = 200


def _new_photos(sample_dir: Path, folder: Path, count: int) -> None:
    """Copies of sample photos with a few bytes added: new content, so new photos."""
    folder.mkdir()
    for n, src in enumerate(sorted(sample_dir.glob("*.jpg"))[:count]):
        (folder / f"new{n}.jpg").write_bytes(src.read_bytes() + f"copy {n}".encode())


def test_changes_since_reports_added_and_edited_photos(sample_archive) -> None:
    first = changes_since(sample_archive, None)
    assert not first.any and first.stamp.photos == 12
    assert not changes_since(sample_archive, first.stamp).any
    photo_id = first.stamp.last_photo
    apply_edits(sample_archive, [photo_id], EditRequest(set_values={"caption": "Elsewhere"}))
    edited = changes_since(sample_archive, first.stamp)
    assert edited.edited == [photo_id] and not edited.photos_changed
    grown = changes_since(sample_archive, CatalogStamp(11, photo_id - 1, 0, 0, 0))
    assert grown.photos_changed and grown.collections_changed


def test_photos_imported_by_another_process_appear(qtbot, make_window, sample_archive,
                                                   sample_dir: Path, tmp_path: Path) -> None:
    window = make_window(sample_archive)
    window.safety.watch.interval_ms = POLL_MS
    ids = list(window.model.ids)
    window.select_ids([ids[3]], ids[3])
    qtbot.waitUntil(lambda: window.editor.selection() == [ids[3]], timeout=2000)
    _new_photos(sample_dir, tmp_path / "from the cli", 3)

    # The user is typing a caption when the command line imports.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.editor.autosave_ms = 0  # no commit after a pause: only the watch could commit
    window.editor.focus_field("caption")
    caption = window.editor.editors["caption"]
    qtbot.keyClicks(caption.input, "Half a sent")
    before = get_photo(sample_archive, ids[3]).caption
    done = subprocess.run(
        [sys.executable, "-m", "photoarchive.cli", "--catalog", str(sample_archive.path),
         "import", str(tmp_path / "from the cli"), "--workers", "1"],
        check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "locked" not in done.stderr and "Traceback" not in done.stderr
    qtbot.waitUntil(lambda: window.sidebar.count_of(ALL_PHOTOS) == 15, timeout=10_000)
    # Counts follow at once; the grid's list waits while the editor has the focus…
    assert window.model.rowCount() == 12
    assert caption.text().endswith("Half a sent") and caption.has_input_focus()
    assert get_photo(sample_archive, ids[3]).caption == before  # nothing committed for it

    window.grid.setFocus()  # …and catches up when the focus leaves
    qtbot.waitUntil(lambda: window.model.rowCount() == 15, timeout=5000)
    assert window.grid.selected_ids() == [ids[3]]
    assert window.count_label.text() == "15 photos"


def test_a_long_grid_keeps_its_place_and_repaints_edits(qtbot, make_window, empty_archive,
                                                        bulk_insert) -> None:
    bulk_insert(empty_archive, 3000)
    window = make_window(empty_archive)
    window.safety.watch.interval_ms = POLL_MS
    grid, model = window.grid, window.model
    selected = model.ids[200]
    window.select_ids([selected], selected)
    grid.scrollTo(model.index_of(model.ids[1500]))  # the selection is out of sight
    qtbot.waitUntil(lambda: grid.verticalScrollBar().value() > 0, timeout=2000)
    top = grid.indexAt(QPoint(8, 8))
    top_id, top_y = model.ids[top.row()], grid.visualRect(top).top()
    shown = model.ids[top.row() + 1]
    assert model.index(top.row() + 1).data(ROW_ROLE) is not None

    other = open_archive(empty_archive.path)  # another connection, as another process
    try:
        apply_edits(other, [shown], EditRequest(set_values={"caption": "Edited elsewhere"}))
        now = datetime(2024, 1, 1, tzinfo=UTC)
        with other.catalog.engine.begin() as conn:  # rows that sort before everything shown
            conn.execute(Photo.__table__.insert(), [
                {"path": f"/nowhere/early/{n}.jpg", "content_hash": f"e{n:063x}",
                 "file_size": 1, "file_mtime": 1.0, "orientation": 1, "rotation": 0,
                 "missing": False, "rating": 0, "created_at": now, "modified_at": now,
                 "version": 1, "title": f"Early {n}", "date_display": "1850",
                 "date_earliest": "1850-01-01", "date_latest": "1850-12-31"}
                for n in range(40)])
    finally:
        other.close()
    qtbot.waitUntil(lambda: model.rowCount() == 3040, timeout=10_000)
    qtbot.waitUntil(lambda: model.index_of(shown).data(ROW_ROLE).caption == "Edited elsewhere",
                    timeout=5000)
    # The photo that was at the top is at the same height (its column may differ: 40 more
    # photos before it need not fill whole rows).
    assert abs(grid.visualRect(model.index_of(top_id)).top() - top_y) <= 1
    assert grid.indexAt(QPoint(8, 8)).row() > 40
    assert grid.selected_ids() == [selected]
