"""Recovery from the window: a damaged catalog is refused and its newest good backup offered
and restored; other refusals get the same choices without the restore; backups made and
restored from the File menu; missing files shown in the grid and the viewer and found again
with the Find Missing Files dialog."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from damage import damage_catalog
from PySide6.QtCore import Qt

from photoarchive.app import Session
from photoarchive.services import backup, open_archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, query_ids
from photoarchive.services.writeback import MISSING
from photoarchive.settings import Settings
from photoarchive.ui.grid.model import SYNC_ROLE


@pytest.fixture
def session(qtbot) -> Iterator[Session]:
    """A session like the app's (no daily backup unless a test turns it on)."""
    made = Session(Settings(), backups=False)
    yield made
    if made.recovery is not None:
        made.recovery.accept()
    if made.window is not None:
        made.window.close()
    made.close()


def _click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_damaged_catalog_offers_its_newest_good_backup_and_restores_it(
        qtbot, session: Session, sample_archive) -> None:
    path = sample_archive.path
    photo_id = query_ids(sample_archive)[0]
    apply_edits(sample_archive, [photo_id], EditRequest(set_values={"caption": "Kept safe"}))
    good = backup.backup_now(sample_archive)
    sample_archive.close()
    damage_catalog(path)
    damaged = path.read_bytes()

    assert session.try_open(path) is None
    dialog = session.recovery
    assert dialog is not None and dialog.isVisible() and session.window is None
    assert "is damaged" in dialog.heading.text()
    assert "Traceback" not in dialog.explanation.text()
    qtbot.waitUntil(lambda: dialog.backup is not None, timeout=5000)
    assert dialog.backup.path == good
    offer = dialog.offer.text()
    assert f"{dialog.backup.created:%B %Y}" in offer and "KB" in offer  # date and size
    assert [b.text() for b in (dialog.restore_button, dialog.choose_button,
                               dialog.quit_button)] == [
        "Restore This Backup", "Choose Another Catalog…", "Quit"]
    assert path.read_bytes() == damaged  # never replaced by an empty catalog

    _click(qtbot, dialog.restore_button)
    window = session.window
    assert window is not None and window.isVisible() and not dialog.isVisible()
    assert session.recovery is None
    qtbot.waitUntil(lambda: window.model.rowCount() == 12, timeout=10_000)
    assert get_photo(window.archive, photo_id).caption == "Kept safe"
    assert "Restored the backup" in window.statusBar().currentMessage()
    kept = [b for b in backup.list_backups(path) if b.reason == "before_restore"]
    assert len(kept) == 1 and kept[0].path.read_bytes() == damaged


def test_a_damaged_catalog_without_backups_and_other_refusals(
        qtbot, session: Session, sample_archive, sample_template: Path, tmp_path: Path) -> None:
    path = sample_archive.path
    sample_archive.close()
    damage_catalog(path)
    session.try_open(path)
    dialog = session.recovery
    qtbot.waitUntil(lambda: not dialog.searching, timeout=5000)
    assert dialog.backup is None and not dialog.restore_button.isVisible()
    assert "No good backup" in dialog.offer.text()
    with qtbot.waitSignal(session.gave_up, timeout=2000) as gave_up:
        _click(qtbot, dialog.quit_button)
    assert gave_up.args == [2] and not dialog.isVisible()

    not_a_catalog = tmp_path / "notes.sqlite"
    not_a_catalog.write_text("shopping list", encoding="utf-8")
    session.try_open(not_a_catalog)
    dialog = session.recovery
    assert "cannot be opened" in dialog.heading.text()
    assert "not a photoarchive catalog" in dialog.explanation.text()
    assert not dialog.restore_button.isVisible() and not dialog.offer.isVisible()
    assert not_a_catalog.read_text(encoding="utf-8") == "shopping list"

    other = tmp_path / "other" / "catalog.sqlite"
    other.parent.mkdir()
    shutil.copy2(sample_template, other)
    session.choose = lambda parent, start: other
    _click(qtbot, dialog.choose_button)
    assert session.window is not None and session.window.archive.path == other
    assert not dialog.isVisible() and session.recovery is None

    # From an open window (File → Open, Recent): Cancel keeps the catalog that is open.
    window = session.window
    window.catalog_requested.emit(path, False)
    dialog = session.recovery
    assert dialog.quit_button.text() == "Cancel"
    with qtbot.assertNotEmitted(session.gave_up):
        _click(qtbot, dialog.quit_button)
    assert session.window is window and window.isVisible()


def test_back_up_now_and_restore_from_backup_reopen_the_catalog(
        qtbot, session: Session, sample_archive) -> None:
    path = sample_archive.path
    photo_id = query_ids(sample_archive)[0]
    before = get_photo(sample_archive, photo_id).caption
    sample_archive.close()
    session.backups = True
    window = session.open(path)
    with qtbot.waitSignal(window.safety.backed_up, timeout=10_000) as made:
        pass  # the daily backup, made on a worker as the window opens
    assert made.args[0] is not None and made.args[0].exists()
    assert [b.reason for b in backup.list_backups(path)] == ["daily"]

    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert {"&Back Up Catalog Now", "Restore from Bac&kup…", "Find &Missing Files…"} <= set(
        texts)
    apply_edits(window.archive, [photo_id], EditRequest(set_values={"caption": "Later"}))
    with qtbot.waitSignal(window.safety.backed_up, timeout=10_000):
        next(a for a in file_menu.actions() if a.text() == "&Back Up Catalog Now").trigger()
    assert [b.reason for b in backup.list_backups(path)] == ["manual", "daily"]
    assert "Backed up the catalog" in window.statusBar().currentMessage()

    dialog = window.safety.show_backups()
    assert dialog.isVisible() and dialog.table.rowCount() == 2
    assert dialog.table.item(1, 1).text() == "Daily, on opening"
    dialog.keep.setValue(5)
    assert session.settings.backups_keep == 5
    dialog.table.selectRow(1)
    _click(qtbot, dialog.restore_button)
    new = session.window
    assert new is not None and new is not window and new.isVisible()
    qtbot.waitUntil(lambda: new.model.rowCount() == 12, timeout=10_000)
    assert get_photo(new.archive, photo_id).caption == before
    assert "Restored the backup" in new.statusBar().currentMessage()
    reasons = [b.reason for b in backup.list_backups(path)]
    assert reasons[0] == "before_restore" and len(reasons) == 3


@pytest.fixture
def moved(tmp_path: Path, sample_dir: Path) -> Iterator[tuple]:
    """Three photos imported from one folder, which is then moved away."""
    old = tmp_path / "old disk" / "1936"
    old.mkdir(parents=True)
    for src in sorted(sample_dir.glob("*.jpg"))[:3]:
        shutil.copy(src, old / src.name)
    archive = open_archive(tmp_path / "catalog" / "catalog.sqlite")
    Importer(archive, workers=1).run([old])
    ids = query_ids(archive, sort="path")
    apply_edits(archive, ids, EditRequest(set_values={"caption": "Milwaukee, April 1936"}))
    new = tmp_path / "new disk" / "box 7"
    new.parent.mkdir(parents=True)
    shutil.move(old, new)
    yield archive, ids, old, new
    archive.close()


def test_missing_files_are_shown_and_found_again(qtbot, make_window, moved) -> None:
    archive, ids, old, new = moved
    window = make_window(archive)
    model = window.model

    def badges() -> list:
        return [model.index(row).data(SYNC_ROLE) for row in range(model.rowCount())]

    qtbot.waitUntil(lambda: all(s is not None for s in badges()), timeout=5000)
    assert {s.state for s in badges()} == {MISSING}  # checked while browsing, not by check

    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        window.open_viewer(ids[0])
    panel = window.viewer.missing_panel
    assert panel.isVisible() and not window.viewer.message.isVisible()
    assert panel.path == str(old / Path(get_photo(archive, ids[0]).path).name)
    assert window.viewer.error.startswith(f"The file is missing: {old}/")
    assert "moved or renamed" in panel.detail.text()

    _click(qtbot, panel.button)
    dialog = window.safety.relink_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.missing is not None, timeout=5000)
    assert dialog.missing.count == 3 and dialog.paths.count() == 3
    assert "3 photos" in dialog.summary.text()
    dialog.choose_folder = lambda parent, start: str(new.parent)
    qtbot.mouseClick(next(b for b in dialog.findChildren(type(dialog.find_button))
                          if b.text() == "Choose Folder…"), Qt.MouseButton.LeftButton)
    assert dialog.folder.text() == str(new.parent)
    with qtbot.waitSignal(dialog.relinked, timeout=20_000):
        _click(qtbot, dialog.find_button)
        assert dialog.stop_button.isVisible()
    assert "Found all 3" in dialog.result.text()
    assert not dialog.stop_button.isVisible()
    moved_photo = get_photo(archive, ids[0])
    assert moved_photo.path.startswith(str(new)) and moved_photo.caption == "Milwaukee, April 1936"
    qtbot.waitUntil(lambda: all(s is not None and s.state != MISSING for s in badges()),
                    timeout=5000)
    qtbot.waitUntil(lambda: not panel.isVisible() and window.viewer.error is None
                    and not window.viewer.loading, timeout=10_000)
    assert "Found 3 missing files" in window.statusBar().currentMessage()


def test_new_catalog_creates_one_over_an_empty_file_a_killed_creation_left(
        qtbot, session: Session, sample_archive, tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from photoarchive import app

    warned = []  # the refusal would be a modal box: recorded here instead of waiting on it
    monkeypatch.setattr(app.QMessageBox, "warning", lambda *args: warned.append(args))
    session.open(sample_archive.path)
    empty = tmp_path / "begun.sqlite"  # an SQLite file whose schema was never committed
    conn = sqlite3.connect(empty)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.commit()
    conn.close()
    assert empty.stat().st_size > 0
    session.window.catalog_requested.emit(empty, True)  # File → New Catalog…
    assert warned == []
    qtbot.waitUntil(lambda: session.archive is not None and session.archive.path == empty)
    assert session.window.isVisible()
