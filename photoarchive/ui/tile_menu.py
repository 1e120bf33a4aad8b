"""The grid's context menu and its Delete key: what can be done to the photos under the
cursor — open, rotate, add to or remove from a collection, write metadata, show the folder
in the file manager, remove from the catalog.

Each entry runs the window's own action (so the menu bar, the keyboard and the menu do the
same thing) and every change is one step on the window's undo stack. Delete in a
collection takes the selected photos out of it; anywhere else it removes them from the
catalog after asking. Removing from the catalog never touches the files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from photoarchive.errors import PhotoarchiveError
from photoarchive.ui.commands import RemoveFromCollectionCommand, RemovePhotosCommand
from photoarchive.ui.grid.model import ROW_ROLE
from photoarchive.ui.shortcuts import keys_of

if TYPE_CHECKING:
    from photoarchive.ui.main_window import MainWindow

#: The key that removes: from the collection shown, or (after asking) from the catalog.


def folder_url(path: str) -> QUrl:
    """The URL that opens the folder holding a photo's file in the file manager."""
    return QUrl.fromLocalFile(str(Path(path).parent))


def ask_to_remove(parent: QWidget, count: int, name: str = "") -> bool:
    """Ask before removing `count` photos (one: called `name`) from the catalog; True when
    the person agreed."""
    what = f"“{name}”" if count == 1 and name else f"{count:,} photos"
    box = QMessageBox(QMessageBox.Icon.Question, "Remove from catalog",
                      f"Remove {what} from the catalog?", parent=parent)
    box.setObjectName("confirmRemoval")
    box.setInformativeText(
        "The files stay where they are, untouched. Captions and other fields not yet "
        "written to the files leave the catalog with "
        + ("it" if count == 1 else "them") + "; Edit → Undo puts everything back.")
    remove = box.addButton("Remove from Catalog", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is remove


class TileActions(QObject):
    """The grid's context menu and Delete key for one window.

    `confirm(parent, count, name) -> bool` asks before a removal from the catalog and
    `open_url(url)` opens a folder; both can be replaced (tests, other front ends).
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.confirm: Callable[[QWidget, int, str], bool] = ask_to_remove
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        grid = window.grid
        grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        grid.customContextMenuRequested.connect(self.show_menu)
        # Only while the grid has the focus: Delete in a text field deletes text.
        self.delete_action = QAction("Remove", grid)
        self.delete_action.setObjectName("remove")  # its row in ui.shortcuts
        self.delete_action.setShortcuts(keys_of("remove"))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_pressed)
        grid.addAction(self.delete_action)

    def add_actions(self, menu: QMenu) -> None:
        """The removal entries of the Photo menu."""
        menu.addAction("Remove from Co&llection", self.remove_from_collection)
        menu.addAction("Remove from Catalo&g…", self.remove_from_catalog)

    # -- the menu ----------------------------------------------------------------------------
    def menu_for(self, pos: QPoint) -> QMenu | None:
        """The context menu for a right-click at `pos` (viewport coordinates): a tile not
        selected becomes the selection first, as in file managers. None off the tiles."""
        window, grid = self.window, self.window.grid
        index = grid.indexAt(pos)
        if not index.isValid():
            return None
        clicked = window.model.ids[index.row()]
        if clicked not in set(grid.selected_ids()):
            grid.select_ids([clicked], clicked)
        count = grid.selected_count()
        several = f" ({count:,} Photos)" if count > 1 else ""
        menu = QMenu(grid)
        menu.setObjectName("tileMenu")
        menu.addAction("&Open", lambda: window.open_viewer(clicked))
        menu.addSeparator()
        menu.addAction("Rotate &Left", lambda: window.rotate(-1))
        menu.addAction("Rotate &Right", lambda: window.rotate(1))
        menu.addSeparator()
        menu.addAction("Add to &Collection…", window.add_to_collection)
        source = window.source
        if source.kind == "collection":
            action = menu.addAction(f"Remove from “{source.name}”{several}",
                                    self.remove_from_collection)
            action.setShortcuts(keys_of("remove"))  # shown; the grid's action has the key
        menu.addSeparator()
        menu.addAction("&Write Metadata to Files…", window.writeback.open_write_dialog)
        menu.addAction("Show in File &Manager", lambda: self.show_in_file_manager(clicked))
        menu.addSeparator()
        action = menu.addAction(f"Remove from Catalo&g{several}…", self.remove_from_catalog)
        if source.kind != "collection":
            action.setShortcuts(keys_of("remove"))
        return menu

    def show_menu(self, pos: QPoint) -> None:
        menu = self.menu_for(pos)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.window.grid.viewport().mapToGlobal(pos))

    def show_in_file_manager(self, photo_id: int) -> None:
        """Open the folder holding the photo's file in the desktop's file manager."""
        index = self.window.model.index_of(photo_id)
        tile = index.data(ROW_ROLE) if index.isValid() else None
        if tile is None:
            return
        folder = Path(tile.path).parent
        if not folder.is_dir():
            self._say(f"The folder {folder} is not there (is its disk connected?).")
        elif not self.open_url(folder_url(tile.path)):
            self._say(f"No file manager could open {folder}.")

    # -- removing ----------------------------------------------------------------------------
    def delete_pressed(self) -> None:
        """Delete: out of the collection shown, or out of the catalog (after asking)."""
        if self.window.source.kind == "collection":
            self.remove_from_collection()
        else:
            self.remove_from_catalog()

    def _selection(self, doing: str) -> list[int]:
        ids = self.window.grid.selected_ids()
        if not ids:
            self._say(f"Select the photos to {doing} first.")
        return ids

    def remove_from_collection(self) -> None:
        """Take the selected photos out of the collection shown (one undo step)."""
        window = self.window
        if window.source.kind != "collection":
            self._say("Open a collection in the sidebar to take photos out of it.")
            return
        ids = self._selection("take out of the collection")
        if ids:
            self._select_neighbour(ids)
            name = window.source.name
            window.undo_stack.push(RemoveFromCollectionCommand(
                window.archive, name, ids,
                lambda done, removed: self._collection_changed(name, done, removed),
                on_error=self._failed))

    def remove_from_catalog(self) -> None:
        """Ask, then remove the selected photos from the catalog (one undo step)."""
        window = self.window
        ids = self._selection("remove")
        if not ids:
            return
        window.editor.commit_pending()  # typing for these photos is saved, and undoable
        tile = window.model.index_of(ids[0]).data(ROW_ROLE) if len(ids) == 1 else None
        agreed = self.confirm(window, len(ids), tile.name if tile is not None else "")
        window.activateWindow()  # the keyboard back to the grid (Ctrl+Z, more Deletes)
        window.grid.setFocus()
        if not agreed:
            return
        self._select_neighbour(ids)
        window.undo_stack.push(RemovePhotosCommand(window.archive, ids, self._catalog_changed,
                                                   on_error=self._failed))

    def _select_neighbour(self, ids: list[int]) -> None:
        """Select the photo after the last of `ids` (or before the first): the grid keeps
        its place when they leave it."""
        model, gone = self.window.model, set(ids)
        rows = sorted(r for r in (model.row_of(i) for i in ids) if r >= 0)
        if not rows:
            return
        after = (i for i in model.ids[rows[-1] + 1:] if i not in gone)
        before = (i for i in reversed(model.ids[:rows[0]]) if i not in gone)
        neighbour = next(after, None) or next(before, None)
        if neighbour is not None:
            self.window.select_ids([neighbour], neighbour)

    def _catalog_changed(self, ids: list[int], removed: bool) -> None:
        window = self.window
        if removed and window.viewer_shown and window.viewer.photo_id in set(ids):
            window.show_grid()
        self._reload(None if removed else ids)
        count = f"{len(ids):,} photos" if len(ids) > 1 else "1 photo"
        them = "them" if len(ids) > 1 else "it"
        self._say(f"Removed {count} from the catalog; the files are untouched. Edit → Undo "
                  f"puts {them} back." if removed else f"Put {count} back into the catalog.")

    def _collection_changed(self, name: str, ids: list[int], removed: bool) -> None:
        self._reload(None if removed else ids)
        count = f"{len(ids):,} photos" if len(ids) > 1 else "1 photo"
        them = "them" if len(ids) > 1 else "it"
        self._say(f"Took {count} out of “{name}”; Edit → Undo puts {them} back." if removed
                  else f"Put {count} back into “{name}”.")

    def _reload(self, select: list[int] | None) -> None:
        """Ask the grid's list again (and the counts); select `select` once it is in."""
        window = self.window
        if select:
            def chosen(_count: int) -> None:
                window.browser.results_changed.disconnect(chosen)
                window.select_ids(select, select[0])
            window.browser.results_changed.connect(chosen)
        window.browser.reload()  # (the badges are asked again once it is in)
        window.refresh_counts()

    def _failed(self, error: PhotoarchiveError) -> None:
        self._say(f"Nothing was changed: {error}", 15000)

    def _say(self, text: str, msecs: int = 10000) -> None:
        self.window.statusBar().showMessage(text, msecs)
