"""The grid's context menu and the Delete key: in a collection Delete takes photos out of
it; elsewhere it removes them from the catalog after asking (the real dialog); every
removal is one undo step that puts everything back — fields, keywords, people, the
place in the collection, and search finds the photo again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox

from photoarchive.errors import NotFound
from photoarchive.services import collections
from photoarchive.services.browse import browse_ids
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.photos import get_photo
from photoarchive.ui.sidebar import ALL_PHOTOS, Source
from photoarchive.ui.tile_menu import folder_url

COLLECTION = "Milwaukee, April 1936"  # the sample catalog's collection (conftest)


def _point_on(window, photo_id: int) -> QPoint:
    index = window.model.index_of(photo_id)
    window.grid.scrollTo(index)
    return window.grid.visualRect(index).center()


def _texts(menu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _answer_dialog(button_text: str, seen: list[str]) -> None:
    """When the confirmation opens, note its text and press `button_text`."""
    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, look)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == button_text).click()
    QTimer.singleShot(0, look)


def _focus_grid(qtbot, window) -> None:
    """Keys reach the grid's shortcuts only in the active window's focused widget."""
    window.activateWindow()
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid, timeout=2000)


def _show_collection(qtbot, window) -> None:
    window.set_source(Source("collection", COLLECTION, name=COLLECTION))
    qtbot.waitUntil(lambda: window.model.reorderable and not window.loading
                    and window.model.rowCount() == 12, timeout=5000)


def test_the_menu_of_a_tile_selects_it_and_offers_what_can_be_done(qtbot,
                                                                     sample_window) -> None:
    window = sample_window
    ids = list(window.model.ids)
    window.select_ids([ids[0]], ids[0])
    menu = window.tiles.menu_for(_point_on(window, ids[2]))
    assert window.grid.selected_ids() == [ids[2]]  # a right-click selects what it is on
    assert _texts(menu) == ["&Open", "Rotate &Left", "Rotate &Right", "Add to &Collection…",
                            "&Write Metadata to Files…", "Show in File &Manager",
                            "Remove from Catalo&g…"]
    assert window.tiles.menu_for(QPoint(-5, -5)) is None

    _show_collection(qtbot, window)
    ids = list(window.model.ids)
    window.select_ids(ids[:3], ids[0])
    menu = window.tiles.menu_for(_point_on(window, ids[1]))  # inside the selection: kept
    assert window.grid.selected_ids() == ids[:3]
    assert f"Remove from “{COLLECTION}” (3 Photos)" in _texts(menu)
    assert "Remove from Catalo&g (3 Photos)…" in _texts(menu)

    opened: list[QUrl] = []
    window.tiles.open_url = lambda url: opened.append(url) or True
    next(a for a in menu.actions() if a.text() == "Show in File &Manager").trigger()
    path = get_photo(window.archive, ids[1]).path
    assert opened == [folder_url(path)]
    assert opened[0].isLocalFile() and opened[0].toLocalFile() == str(Path(path).parent)
    next(a for a in menu.actions() if a.text() == "&Open").trigger()
    assert window.viewer_shown and window.viewer.photo_id == ids[1]


def test_delete_in_a_collection_takes_photos_out_and_undo_puts_them_back(
        qtbot, sample_window) -> None:
    window = sample_window
    _show_collection(qtbot, window)
    order = list(window.model.ids)
    _focus_grid(qtbot, window)
    window.select_ids([order[3], order[4]], order[3])
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.model.rowCount() == 10, timeout=5000)
    assert collections.show(window.archive, COLLECTION).photo_ids == order[:3] + order[5:]
    assert window.grid.selected_ids() == [order[5]]  # the next one, ready for more
    get_photo(window.archive, order[3])  # still in the catalog
    qtbot.waitUntil(lambda: window.sidebar.count_of(ALL_PHOTOS) == 12, timeout=5000)

    assert window.statusBar().currentMessage().startswith(f"Took 2 photos out of “{COLLECTION}”")

    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.model.ids == order, timeout=5000)
    assert collections.show(window.archive, COLLECTION).photo_ids == order
    qtbot.waitUntil(lambda: window.grid.selected_ids() == [order[3], order[4]], timeout=5000)


def test_delete_elsewhere_asks_then_removes_and_undo_restores_everything(
        qtbot, sample_window) -> None:
    window = sample_window
    archive = window.archive
    ids = list(window.model.ids)
    victim = ids[5]
    apply_edits(archive, [victim], EditRequest(
        set_values={"caption": "Zsófia at the loom", "city": "Milwaukee"},
        add_keywords=["Textiles|Looms"], add_people=["Kovács, Zsófia"]))
    window.model.refresh([victim])
    before = get_photo(archive, victim)
    position = collections.show(archive, COLLECTION).photo_ids.index(victim)
    assert browse_ids(archive, "Zsófia") == [victim]
    file_bytes = Path(before.path).read_bytes()

    _focus_grid(qtbot, window)
    window.select_ids([victim], victim)
    seen: list[str] = []
    _answer_dialog("Cancel", seen)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    assert seen and "Remove “" in seen[0] and "files stay where they are" in seen[0]
    assert window.undo_stack.count() == 0 and get_photo(archive, victim) == before

    _focus_grid(qtbot, window)  # back from the dialog
    _answer_dialog("Remove from Catalog", seen)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    assert len(seen) == 2
    qtbot.waitUntil(lambda: window.model.rowCount() == 11, timeout=5000)
    assert victim not in window.model.ids and window.grid.selected_ids() == [ids[6]]
    try:
        get_photo(archive, victim)
        raise AssertionError("the photo is still in the catalog")
    except NotFound:
        pass
    assert browse_ids(archive, "Zsófia") == []
    assert Path(before.path).read_bytes() == file_bytes  # the file is untouched
    qtbot.waitUntil(lambda: window.sidebar.count_of(ALL_PHOTOS) == 11, timeout=5000)
    assert window.undo_stack.undoText() == "Remove from catalog"

    # The keyboard is back in the grid after the dialog: Ctrl+Z needs no click first.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid, timeout=2000)
    qtbot.keySequence(window.grid, "Ctrl+Z")
    qtbot.waitUntil(lambda: victim in window.model.ids, timeout=5000)
    assert get_photo(archive, victim) == before  # every field, keyword and person
    assert collections.show(archive, COLLECTION).photo_ids.index(victim) == position
    assert browse_ids(archive, "Zsófia") == [victim]
    assert browse_ids(archive, "keyword:Looms") == [victim]
    qtbot.waitUntil(lambda: window.grid.selected_ids() == [victim], timeout=5000)
    qtbot.waitUntil(lambda: window.sidebar.count_of(ALL_PHOTOS) == 12, timeout=5000)


def test_the_menus_remove_from_catalog_uses_the_same_confirmation(qtbot,
                                                                   sample_window) -> None:
    window = sample_window
    ids = list(window.model.ids)
    asked: list[tuple[int, str]] = []
    window.tiles.confirm = lambda parent, count, name: asked.append((count, name)) or True
    window.select_ids(ids[:2], ids[0])
    menu = window.tiles.menu_for(_point_on(window, ids[0]))
    next(a for a in menu.actions() if a.text().startswith("Remove from Catalo")).trigger()
    assert asked == [(2, "")]
    qtbot.waitUntil(lambda: window.model.rowCount() == 10, timeout=5000)
    assert window.undo_stack.undoText() == "Remove from catalog (2 photos)"
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.model.rowCount() == 12, timeout=5000)
    assert sorted(window.grid.selected_ids()) == sorted(ids[:2])
