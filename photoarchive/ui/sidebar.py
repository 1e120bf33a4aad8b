"""The sidebar: what to browse (all photos, incomplete records, the latest import,
collections, keywords, people), each with its count; collections are managed here and
accept photos dragged from the grid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
)

from photoarchive.errors import PhotoarchiveError
from photoarchive.services import collections
from photoarchive.services.archive import Archive
from photoarchive.services.browse import INCOMPLETE, SidebarCounts
from photoarchive.ui.dialogs.collection import CollectionDialog
from photoarchive.ui.grid.model import MIME_IDS, ids_from_mime

SOURCE_ROLE = Qt.ItemDataRole.UserRole + 10
FILL_BATCH = 300  # keyword or people entries added per pass of the event loop
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DROP_TARGET = _SELECTABLE | Qt.ItemFlag.ItemIsDropEnabled


@dataclass(frozen=True)
class Source:
    """What the grid shows: `kind` is all, search (a saved `query`), recent or collection."""

    kind: str
    label: str
    query: str = ""
    name: str = ""


ALL_PHOTOS = Source("all", "All photos")


def _quoted(value: str) -> str:
    return f'"{value}"' if any(c.isspace() or c in ':"' for c in value) else value


class Sidebar(QTreeWidget):
    """Signals: `source_selected(Source)`, `collections_changed()` (after any change here)."""

    source_selected = Signal(object)
    collections_changed = Signal()
    add_selection_requested = Signal(str)  # add the grid's selection to this collection

    def __init__(self, archive: Archive, parent=None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.currentItemChanged.connect(self._current_changed)
        self.setAccessibleName("Library")
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._unlisted: dict[str, tuple[str, list[tuple[str, int]]]] = {}  # prefix, entries
        self._collapsed = {"Keywords", "People"}
        self._current: Source = ALL_PHOTOS
        self._building = False
        self._fill_timer = QTimer(self, singleShot=True, interval=0)
        self._fill_timer.timeout.connect(self._fill)
        self.itemExpanded.connect(self._expanded)
        self.refresh(None)  # the fixed entries at once; counts and the rest when counted

    # -- contents ------------------------------------------------------------------------
    @property
    def current_source(self) -> Source:
        return self._current

    def refresh(self, counts: SidebarCounts | None) -> None:
        """Rebuild from fresh counts, keeping the chosen entry and open groups.

        `None` (not counted yet) lays out the fixed entries without numbers. Keywords and
        people (thousands in a large archive) get their entries only when their group is
        open, a batch per pass of the event loop, so the window stays responsive."""
        for label, group in self._groups.items():
            (self._collapsed.discard if group.isExpanded() else self._collapsed.add)(label)
        self._building = True
        self.clear()
        self._groups, self._unlisted = {}, {}
        self._muted = QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        library = self._group("Library")
        self._entry(library, ALL_PHOTOS, counts.all if counts else None)
        self._entry(library, Source("recent", "Recently imported"),
                    counts.recent if counts else None)
        attention = self._group("Needs attention")
        for label, query in INCOMPLETE.items():
            self._entry(attention, Source("search", label, query=query),
                        counts.incomplete.get(label, 0) if counts else None)
        group = self._group("Collections")
        for name, n in counts.collections if counts else ():
            self._entry(group, Source("collection", name, name=name), n)
        if counts is not None and not counts.collections:
            hint = QTreeWidgetItem(group, ["None yet: right-click for New", ""])
            hint.setFlags(Qt.ItemFlag.ItemIsEnabled)
            hint.setForeground(0, self._muted)
        for title, values, prefix in (("Keywords", counts.keywords if counts else [], "keyword"),
                                      ("People", counts.people if counts else [], "person")):
            group = self._group(title)
            if values:
                group.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
                self._unlisted[title] = (prefix, list(reversed(values)))  # popped from the end
        for label, group in self._groups.items():
            group.setExpanded(label not in self._collapsed)
        self._building = False
        self._select(self._current)
        self._fill_timer.start()

    def _list_more(self, group: QTreeWidgetItem, limit: int = FILL_BATCH,
                   until: str | None = None) -> None:
        """Add the next `limit` of a group's entries not shown yet, or as many as it takes
        to show the one whose query is `until`."""
        label = group.text(0)
        prefix, values = self._unlisted.get(label, ("", []))
        building, self._building = self._building, True
        while values and (limit > 0 or until is not None):
            name, n = values.pop()
            query = f"{prefix}:{_quoted(name)}"
            self._entry(group, Source("search", name, query=query), n)
            limit -= 1
            if query == until:
                break
        self._building = building
        if not values:
            self._unlisted.pop(label, None)

    def _fill(self) -> None:
        """Next batch of entries for the open groups (the timer runs until all are in)."""
        for label in list(self._unlisted):
            group = self._groups[label]
            if group.isExpanded():
                self._list_more(group)
                self._fill_timer.start()
                return

    def _expanded(self, item: QTreeWidgetItem) -> None:
        if item.text(0) in self._unlisted and not self._building:
            self._list_more(item)  # a screenful at once, the rest in the background
            self._fill_timer.start()

    def select_source(self, source: Source) -> None:
        self._select(source)

    def _select(self, source: Source) -> None:
        item = self._find(source) or self._find(ALL_PHOTOS)
        if item is not None:
            self.setCurrentItem(item)

    def _find(self, source: Source) -> QTreeWidgetItem | None:
        found = self._find_listed(source)
        if found is None and source.kind == "search":
            for label in list(self._unlisted):  # a keyword or person not listed yet
                if source.query.startswith(self._unlisted[label][0] + ":"):
                    self._list_more(self._groups[label], 0, until=source.query)
                    found = self._find_listed(source)
        return found

    def _find_listed(self, source: Source) -> QTreeWidgetItem | None:
        for group in self._groups.values():
            for i in range(group.childCount()):
                child = group.child(i)
                found = child.data(0, SOURCE_ROLE)
                if found is not None and (found.kind, found.query, found.name) == (
                        source.kind, source.query, source.name):
                    return child
        return None

    def _group(self, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [label, ""])
        font = QFont(self.font())
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self._groups[label] = item
        return item

    def _entry(self, parent: QTreeWidgetItem, source: Source,
               count: int | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [source.label, "" if count is None else f"{count:,}"])
        item.setData(0, SOURCE_ROLE, source)
        item.setTextAlignment(1, _RIGHT)
        item.setForeground(1, self._muted)
        item.setToolTip(0, source.query or source.label)
        item.setFlags(_DROP_TARGET if source.kind == "collection" else _SELECTABLE)
        return item

    def count_of(self, source: Source) -> int | None:
        """The count shown for a source (None: no such entry, or not counted yet)."""
        item = self._find(source)
        text = item.text(1).replace(",", "") if item is not None else ""
        return int(text) if text else None

    def _current_changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        if source is None or self._building:
            return
        if source != self._current:
            self._current = source
            self.source_selected.emit(source)

    # -- collections: menu and drops -------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        menu = QMenu(self)
        menu.addAction("New collection…", self.new_collection)
        if source is not None and source.kind == "collection":
            name = source.name
            menu.addSeparator()
            menu.addAction("Add selected photos", lambda: self.add_selection_requested.emit(name))
            menu.addAction("Rename…", lambda: self.rename_collection(name))
            menu.addAction("Edit description…", lambda: self.describe_collection(name))
            menu.addAction("Delete…", lambda: self.delete_collection(name))
        menu.popup(self.viewport().mapToGlobal(pos))

    def _run(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except PhotoarchiveError as exc:
            QMessageBox.warning(self, "Collections", str(exc))
            return False
        self.collections_changed.emit()
        return True

    def new_collection(self, photo_ids: list[int] | None = None) -> str | None:
        dialog = CollectionDialog(self, "New collection")
        if dialog.exec() != CollectionDialog.DialogCode.Accepted:
            return None
        name, description = dialog.name, dialog.description

        def create() -> None:
            collections.create(self.archive, name, description or None)
            if photo_ids:
                collections.add(self.archive, name, photo_ids)
        return name if self._run(create) else None

    def rename_collection(self, name: str) -> None:
        dialog = CollectionDialog(self, "Rename collection", name,
                                  collections.show(self.archive, name).description or "")
        dialog.description_edit.setEnabled(False)
        if dialog.exec() != CollectionDialog.DialogCode.Accepted or dialog.name == name:
            return
        renamed = self._run(lambda: collections.rename(self.archive, name, dialog.name))
        if renamed and self._current.kind == "collection" and self._current.name == name:
            self._current = Source("collection", dialog.name, name=dialog.name)
            self.source_selected.emit(self._current)

    def describe_collection(self, name: str) -> None:
        info = collections.show(self.archive, name)
        dialog = CollectionDialog(self, "Collection description", name,
                                  info.description or "", name_editable=False)
        if dialog.exec() == CollectionDialog.DialogCode.Accepted:
            self._run(lambda: collections.describe(self.archive, name, dialog.description))

    def delete_collection(self, name: str) -> None:
        answer = QMessageBox.question(
            self, "Delete collection",
            f"Delete the collection '{name}'? Its photos stay in the catalog.")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: collections.delete(self.archive, name))

    def add_to_collection(self, name: str, photo_ids: list[int]) -> bool:
        return self._run(lambda: collections.add(self.archive, name, photo_ids))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(MIME_IDS):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        if event.mimeData().hasFormat(MIME_IDS) and source is not None and \
                source.kind == "collection":
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        source = item.data(0, SOURCE_ROLE) if item is not None else None
        ids = ids_from_mime(event.mimeData())
        if source is None or source.kind != "collection" or not ids:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.add_to_collection(source.name, ids)
