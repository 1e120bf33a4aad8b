"""Write-back from the window: Photo → Write Metadata to Files, Re-read from Files (one undo
step), sidecars after every edit, and the state badges of the grid and the editor."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from photoarchive.media.metadata import read_metadata
from photoarchive.media.write import write_file
from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos
from photoarchive.services.writeback import (
    CATALOG_NEWER,
    CONFLICT,
    IN_SYNC,
    get_preferences,
    status,
)
from photoarchive.ui.grid.model import SYNC_ROLE

HU_TITLE = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben"


@pytest.fixture
def library(tmp_path: Path, sample_dir: Path) -> Path:
    """Three sample photos copied where sidecars may be written."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for path in sorted(sample_dir.glob("*.jpg"))[:3]:
        shutil.copyfile(path, folder / path.name)
    return folder


@pytest.fixture
def lib_archive(tmp_path: Path, library: Path) -> Iterator[Archive]:
    """The copies imported and captioned in the catalog (so "catalog newer")."""
    archive = open_archive(tmp_path / "lib.sqlite")
    Importer(archive, workers=1).run([library])
    for n, record in enumerate(list_photos(archive, sort="path")):
        apply_edits(archive, [record.id], EditRequest(set_values={
            "title": f"Photo {n}", "caption": f"Caption {n}"}), origin="gui")
    yield archive
    archive.close()


def ids_by_name(archive: Archive) -> dict[str, int]:
    return {Path(r.path).name: r.id for r in list_photos(archive, sort="path")}


def states(archive: Archive, ids) -> dict[int, str]:
    return {s.id: s.state for s in status(archive, ids)}


def action(window, text: str) -> QAction:
    found = [a for a in window.findChildren(QAction) if a.text() == text]
    assert len(found) == 1, text
    return found[0]


def badge(window, photo_id: int) -> str | None:
    """The tile's write-back state once computed (asking for it like a paint does)."""
    value = window.model.index_of(photo_id).data(SYNC_ROLE)
    return value.state if value is not None else None


def test_write_sidecars_for_the_selection_then_badges_show_it(qtbot, make_window, lib_archive,
                                                               library: Path) -> None:
    window = make_window(lib_archive)
    ids = ids_by_name(lib_archive)
    first, second, third = ids.values()
    qtbot.waitUntil(lambda: badge(window, third) == CATALOG_NEWER, timeout=5000)
    window.select_ids([first, second])
    action(window, "&Write Metadata to Files…").trigger()
    dialog = window.writeback.write_dialog
    assert dialog.isVisible() and dialog.selected_radio.isChecked() and dialog.mode == "sidecar"

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)  # the dry run
    qtbot.waitUntil(lambda: "Would write" in dialog.dry_run_text.toPlainText(), timeout=10_000)
    assert "for 2 of 2 photos" in dialog.dry_run_text.toPlainText()
    assert not list(library.glob("*.xmp"))

    with qtbot.waitSignal(window.writeback.write_finished, timeout=20_000) as done:
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    report = done.args[0]
    assert [p.outcome for p in report.photos] == ["written", "written"]
    assert "Wrote sidecars for 2 of 2 photos" in window.statusBar().currentMessage()
    assert window.writeback.report_dialog is None  # nothing to report beyond the line
    names = {v: k for k, v in ids.items()}
    assert sorted(p.name for p in library.glob("*.xmp")) == sorted(
        f"{names[i]}.xmp" for i in (first, second))
    assert read_metadata(library / names[first]).fields["caption"] == "Caption 0"
    assert states(lib_archive, ids.values()) == {first: IN_SYNC, second: IN_SYNC,
                                                 third: CATALOG_NEWER}
    qtbot.waitUntil(lambda: badge(window, first) == IN_SYNC, timeout=5000)
    assert badge(window, third) == CATALOG_NEWER
    window.select_ids([third])
    qtbot.waitUntil(lambda: "catalog newer" in window.editor.file_state.text(), timeout=5000)
    window.select_ids([first])
    qtbot.waitUntil(lambda: "in sync" in window.editor.file_state.text(), timeout=5000)


def test_writing_skips_files_changed_elsewhere_and_reports_why(qtbot, make_window,
                                                                lib_archive, library) -> None:
    window = make_window(lib_archive)
    ids = ids_by_name(lib_archive)
    name, photo_id = next(iter(ids.items()))
    write_file(library / name, {"title": "Another program"}, "sidecar")
    window.select_ids([photo_id])
    dialog = window.writeback.open_write_dialog()
    with qtbot.waitSignal(window.writeback.write_finished, timeout=20_000):
        dialog.accept()
    report_dialog = window.writeback.report_dialog
    assert report_dialog is not None and report_dialog.isVisible()
    assert report_dialog.table.item(0, 1).text() == "skipped"
    reason = report_dialog.table.item(0, 2).text()
    assert "Re-read from Files" in reason and "--force" not in reason
    assert read_metadata(library / name).fields["title"] == "Another program"
    report_dialog.close()


def test_reread_shows_the_diff_applies_in_one_step_and_undo_restores(
        qtbot, make_window, lib_archive, library: Path) -> None:
    window = make_window(lib_archive)
    ids = ids_by_name(lib_archive)
    name, photo_id = next(iter(ids.items()))
    write_file(library / name, {"title": HU_TITLE, "caption": "Caption 0",
                                "keywords": ["Milwaukee", "1936"]}, "sidecar")
    assert states(lib_archive, [photo_id])[photo_id] == CONFLICT  # edited here and there
    window.select_ids([photo_id])
    qtbot.waitUntil(lambda: window.editor.editors["title"].text() == "Photo 0")
    depth = window.undo_stack.count()

    action(window, "Re-read from F&iles…").trigger()
    qtbot.waitUntil(lambda: window.writeback.reread_dialog is not None, timeout=10_000)
    dialog = window.writeback.reread_dialog
    table = dialog.table
    rows = {table.item(r, 1).text(): (table.item(r, 2).text(), table.item(r, 3).text())
            for r in range(table.rowCount())}
    assert rows == {"Title": ("Photo 0", HU_TITLE), "Keywords": ("–", "Milwaukee; 1936")}
    assert get_photo(lib_archive, photo_id).title == "Photo 0"  # nothing applied yet

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    after = get_photo(lib_archive, photo_id)
    assert (after.title, sorted(after.keywords)) == (HU_TITLE, ["1936", "Milwaukee"])
    assert window.undo_stack.count() == depth + 1
    assert window.editor.editors["title"].text() == HU_TITLE
    assert states(lib_archive, [photo_id])[photo_id] == IN_SYNC

    window.undo_stack.undo()
    restored = get_photo(lib_archive, photo_id)
    assert (restored.title, restored.keywords) == ("Photo 0", [])
    assert window.editor.editors["title"].text() == "Photo 0"
    assert states(lib_archive, [photo_id])[photo_id] == CATALOG_NEWER
    window.undo_stack.redo()
    assert get_photo(lib_archive, photo_id).title == HU_TITLE
    assert states(lib_archive, [photo_id])[photo_id] == IN_SYNC


def test_write_on_edit_writes_a_sidecar_after_an_editor_edit(qtbot, make_window, lib_archive,
                                                              library: Path) -> None:
    window = make_window(lib_archive)
    ids = ids_by_name(lib_archive)
    name, photo_id = next(iter(ids.items()))
    option = action(window, "Write Sidecars After Every Edit")
    assert not option.isChecked() and not window.writeback.write_on_edit
    option.trigger()
    assert get_preferences(lib_archive).write_on_edit and window.writeback.write_on_edit

    window.select_ids([photo_id])
    qtbot.waitUntil(lambda: window.editor.selection() == [photo_id])
    window.editor.editors["caption"].input.setPlainText("Written by the queue — ő")
    assert window.editor.commit_pending()
    sidecar = library / f"{name}.xmp"
    qtbot.waitUntil(lambda: sidecar.exists(), timeout=10_000)
    qtbot.waitUntil(lambda: states(lib_archive, [photo_id])[photo_id] == IN_SYNC,
                    timeout=10_000)
    assert read_metadata(library / name).fields["caption"] == "Written by the queue — ő"
    qtbot.waitUntil(lambda: badge(window, photo_id) == IN_SYNC, timeout=5000)

    option.trigger()  # off again: the queue stops, edits stay in the catalog only
    assert not get_preferences(lib_archive).write_on_edit and not window.writeback.write_on_edit



class CatalogHeld:
    """Another program holding the catalog's write lock, as any writer does for a moment:
    the window's writer waits for it before its next file, until `release()`."""

    def __init__(self, path: Path) -> None:
        self.other = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.other.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.other is not None:
            self.other.execute("ROLLBACK")
            self.other.close()
            self.other = None

    def __enter__(self) -> CatalogHeld:
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


def test_an_edit_during_a_write_from_the_menu_ends_in_the_file(qtbot, make_window,
                                                               lib_archive, library) -> None:
    window = make_window(lib_archive)
    ids = ids_by_name(lib_archive)
    names = {v: k for k, v in ids.items()}
    third = list(ids.values())[2]
    action(window, "Write Sidecars After Every Edit").trigger()
    window.select_ids(list(ids.values()))
    with CatalogHeld(lib_archive.path):  # the write starts and waits at its first photo
        dialog = window.writeback.open_write_dialog()
        dialog.accept()
        qtbot.waitUntil(lambda: window.jobs.progress.isVisible(), timeout=5000)
        assert window.jobs.progress.cancel_button.isEnabled()
    # While it writes, the caption of a photo it has not reached is edited here.
    window.select_ids([third])
    qtbot.waitUntil(lambda: window.editor.selection() == [third])
    with qtbot.waitSignal(window.writeback.write_finished, timeout=30_000) as done:
        window.editor.editors["caption"].input.setPlainText("Edited during the write")
        assert window.editor.commit_pending()
    report = done.args[0]
    assert [p.outcome for p in report.photos] == ["written"] * 3  # none taken for another's
    assert window.jobs.progress.label.text() == "Writing 3 of 3"
    assert "Wrote sidecars for 3 of 3 photos" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.writeback.writer.busy, timeout=30_000)
    assert read_metadata(library / names[third]).fields["caption"] == "Edited during the write"
    assert set(states(lib_archive, ids.values()).values()) == {IN_SYNC}


def test_cancel_stops_a_write_from_the_menu_after_the_current_photo(qtbot, make_window,
                                                                    lib_archive,
                                                                    library) -> None:
    window = make_window(lib_archive)
    ids = ids_by_name(lib_archive)
    window.select_ids(list(ids.values()))
    progress = window.jobs.progress
    with CatalogHeld(lib_archive.path) as held:
        dialog = window.writeback.open_write_dialog()
        dialog.accept()
        qtbot.waitUntil(lambda: progress.isVisible() and window.writeback.writer.busy,
                        timeout=5000)  # the one writer has the job
        qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
        assert progress.label.text() == "Stopping…" and not progress.cancel_button.isEnabled()
        with qtbot.waitSignal(window.writeback.write_finished, timeout=30_000) as done:
            held.release()  # the photo it waits for (if any) is written, then it stops
    report = done.args[0]
    assert len(report.photos) <= 1 and all(p.outcome == "written" for p in report.photos)
    assert "Stopped early; write again to finish." in window.statusBar().currentMessage()
    assert not progress.isVisible()
    assert sorted(p.name for p in library.glob("*.xmp")) == sorted(
        f"{Path(p.path).name}.xmp" for p in report.photos)
