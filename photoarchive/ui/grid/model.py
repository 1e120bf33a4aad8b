"""The grid's item model: a list of photo ids; tile data fetched lazily in chunks.

Only the ids of all rows are held. The `GridRow` of a row is read from the catalog the
first time a view asks for it, together with the rest of its chunk, and kept in a bounded
LRU cache: a 100,000-photo catalog costs one list of ints plus a few hundred rows.

The row count lives in C++: the model is a `QStringListModel` whose (empty) strings are
never shown, only counted. A list view's layout asks `index(row)` -- and through it
`rowCount()` -- for every row; answered in Python, that is ~1 µs per row, 0.1-0.2 s per
layout of 100,000 rows; answered by Qt, a few milliseconds. Everything else (`data`,
`flags`, drag data) is answered here, from the ids.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QStringListModel, Qt

from photoarchive.services.browse import GridRow
from photoarchive.services.writeback import MISSING, PhotoStatus
from photoarchive.ui.sync_badges import tooltip_line

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
SYNC_ROLE = Qt.ItemDataRole.UserRole + 3  # the write-back PhotoStatus, once known
MIME_IDS = "application/x-photoarchive-photo-ids"
MIME_ORIGIN = "application/x-photoarchive-grid"  # which model's rows a drag carries
CHUNK = 200
MAX_CACHED_ROWS = 4000
SCANS_BEFORE_INDEX = 8  # row_of scans the ids this often, then builds a table

Index = QModelIndex | QPersistentModelIndex
_TILE_FLAGS = (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
               | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren)


def ids_from_mime(mime: QMimeData) -> list[int]:
    """Photo ids carried by a drag from the grid (empty for anything else)."""
    if not mime.hasFormat(MIME_IDS):
        return []
    try:
        return [int(i) for i in json.loads(bytes(mime.data(MIME_IDS).data()).decode())]
    except (ValueError, TypeError):
        return []


class PhotoGridModel(QStringListModel):
    """Rows are photo ids; `fetch_rows(ids) -> list[GridRow]` reads tiles from the catalog."""

    def __init__(self, fetch_rows: Callable[[list[int]], list[GridRow]], parent=None) -> None:
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []
        self._rows: OrderedDict[int, GridRow] = OrderedDict()
        self._positions: dict[int, int] | None = None
        self._scans = 0  # lookups by scanning since the ids changed
        self._hints: dict[int, int] = {}  # id -> row where its tile was last read
        self.rows_fetched = 0  # how many GridRows were read (a test checks laziness)
        self.reorderable = False  # True in a collection's view: drops reorder
        self._origin = f"{os.getpid()}:{id(self)}".encode()  # marks this model's drags
        #: Write-back state by id (`SyncStates.state`): cached, or None while it is computed.
        self.sync_lookup: Callable[[int], PhotoStatus | None] | None = None

    # -- the id list ---------------------------------------------------------------------
    @property
    def ids(self) -> list[int]:
        return self._ids

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show these photos; if they only add to the current list, insert (keeps the view)."""
        ids = list(ids)
        if self._ids and len(ids) > len(self._ids) and self._insert_new(ids):
            return
        if ids == self._ids:
            return
        self.beginResetModel()
        self._ids = ids
        self._positions, self._scans = None, 0
        self._count_rows()
        self.endResetModel()

    def _count_rows(self) -> None:
        """Make Qt's row count match the ids, quietly (within a reset)."""
        have, want = super().rowCount(), len(self._ids)
        if have == want:
            return
        blocked = self.blockSignals(True)
        try:
            if have > want:
                QStringListModel.removeRows(self, want, have - want)
            else:
                QStringListModel.insertRows(self, have, want - have)
        finally:
            self.blockSignals(blocked)

    def _insert_new(self, new: list[int]) -> bool:
        """Insert rows for ids new in `new` if the old list is a subsequence of it."""
        old_set = set(self._ids)
        if not old_set.issubset(new):
            return False
        kept = [i for i in new if i in old_set]
        if kept != self._ids:
            return False
        position = 0
        run: list[int] = []
        for photo_id in new + [None]:  # type: ignore[list-item]
            if photo_id is not None and photo_id not in old_set:
                run.append(photo_id)
                continue
            if run:
                self._ids[position:position] = run  # before the views hear of the rows
                self._positions, self._scans = None, 0
                QStringListModel.insertRows(self, position, len(run))  # announces them
                position += len(run)
                run = []
            position += 1
        return True

    def row_of(self, photo_id: int) -> int:
        """The row of a photo, or -1.

        Photos asked about are nearly always ones on the screen (a badge or a thumbnail
        changed): the row their tile was read from is checked first, so a new list of
        100,000 ids is not scanned, or indexed, for them."""
        hint = self._hints.get(photo_id)
        if hint is not None and hint < len(self._ids) and self._ids[hint] == photo_id:
            return hint
        if self._positions is None:
            if self._scans < SCANS_BEFORE_INDEX:  # a few lookups: no need for a table
                self._scans += 1
                try:
                    return self._ids.index(photo_id)
                except ValueError:
                    return -1
            self._positions = {pid: row for row, pid in enumerate(self._ids)}
        return self._positions.get(photo_id, -1)

    def index_of(self, photo_id: int) -> QModelIndex:
        row = self.row_of(photo_id)
        return self.index(row) if row >= 0 else QModelIndex()

    def refresh(self, ids: Iterable[int]) -> None:
        """Forget cached tiles of these photos and repaint their rows (after an edit)."""
        rows = []
        for photo_id in ids:
            self._rows.pop(photo_id, None)
            row = self.row_of(photo_id)
            if row >= 0:
                rows.append(row)
        for row in rows:
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def repaint(self, ids: Iterable[int]) -> None:
        """Repaint these photos' rows, keeping their cached tiles (a badge changed)."""
        for photo_id in ids:
            index = self.index_of(photo_id)
            if index.isValid():
                self.dataChanged.emit(index, index, [SYNC_ROLE])

    def repaint_all(self) -> None:
        """Repaint every row's badges (the write-back states were all forgotten)."""
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1), [SYNC_ROLE])

    def refresh_rows_of_hash(self, content_hash: str) -> None:
        """Repaint cached rows showing this content (its thumbnail just arrived)."""
        for photo_id, tile in list(self._rows.items()):
            if tile.content_hash == content_hash:
                index = self.index_of(photo_id)
                if index.isValid():
                    self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- lazily fetched tiles --------------------------------------------------------------
    def tile(self, row: int) -> GridRow | None:
        if not 0 <= row < len(self._ids):
            return None
        photo_id = self._ids[row]
        found = self._rows.get(photo_id)
        if found is not None:
            self._rows.move_to_end(photo_id)
            return found
        # Mostly rows after this one: views paint (and users read) top-left first, so
        # one read covers the screen, wherever it starts; a few before, for scrolling up.
        start = max(0, row - CHUNK // 4)
        wanted = [i for i in self._ids[start:start + CHUNK] if i not in self._rows]
        self._store(self._fetch_rows(wanted), len(wanted), start)
        return self._rows.get(photo_id)

    def prefetch(self, first: int, count: int) -> None:
        """Read the tiles of rows first..first+count-1 not cached yet, in one go."""
        first = max(0, first)
        wanted = [i for i in self._ids[first:first + count] if i not in self._rows]
        if wanted:
            self._store(self._fetch_rows(wanted), len(wanted), first)

    def _store(self, tiles: list[GridRow], asked: int, first: int) -> None:
        """Keep tiles read for rows from `first` on (and where they were: `row_of`)."""
        hints = self._hints
        if len(hints) > 2 * MAX_CACHED_ROWS:
            hints.clear()
        row, ids, end = first, self._ids, len(self._ids)
        for tile in tiles:
            self._rows[tile.id] = tile
            while row < end and ids[row] != tile.id:  # tiles come in row order
                row += 1
            if row < end:
                hints[tile.id] = row
        self.rows_fetched += asked
        while len(self._rows) > MAX_CACHED_ROWS:
            self._rows.popitem(last=False)

    @property
    def cached_rows(self) -> int:
        return len(self._rows)

    # -- QAbstractListModel ---------------------------------------------------------------
    # rowCount and index are Qt's (see the module's docstring). The rows change only
    # through set_ids and move_ids: Qt's own editing of the string list is refused.
    def insertRows(self, row: int, count: int,
                   parent: Index = QModelIndex()) -> bool:  # noqa: B008 -- Qt's signature
        return False

    def removeRows(self, row: int, count: int,
                   parent: Index = QModelIndex()) -> bool:  # noqa: B008 -- Qt's signature
        return False

    def moveRows(self, *_args) -> bool:
        return False

    def setData(self, *_args) -> bool:
        return False

    def dropMimeData(self, *_args) -> bool:
        return False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == SYNC_ROLE:
            return self.sync_lookup(self._ids[index.row()]) if self.sync_lookup else None
        if role in (ROW_ROLE, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            tile = self.tile(index.row())
            if tile is None:
                return None
            if role == ROW_ROLE:
                return tile
            if role == Qt.ItemDataRole.ToolTipRole:
                sync = self.sync_lookup(tile.id) if self.sync_lookup else None
                parts = [tile.name, tile.date_display or "", tile.caption or "No caption yet",
                         "The file is missing" if tile.missing or (
                             sync is not None and sync.state == MISSING) else "",
                         tooltip_line(sync)]
                return "\n".join(p for p in parts if p)
            return tile.name
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.reorderable else Qt.ItemFlag.NoItemFlags
        return _TILE_FLAGS

    def mimeTypes(self) -> list[str]:
        return [MIME_IDS]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [self._ids[i.row()] for i in sorted(indexes, key=lambda i: i.row()) if i.isValid()]
        mime.setData(MIME_IDS, json.dumps(ids).encode())
        mime.setData(MIME_ORIGIN, self._origin)
        return mime

    def made_here(self, mime: QMimeData) -> bool:
        """Whether a drag carries rows of this very model (a reorder, not photos dragged
        from another window's grid)."""
        return mime.hasFormat(MIME_IDS) and bytes(mime.data(MIME_ORIGIN).data()) == self._origin

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def move_ids(self, ids: list[int], before_row: int) -> None:
        """Move photos so they sit, in order, before `before_row` (a collection's reorder)."""
        wanted = set(ids)
        moving = [i for i in self._ids if i in wanted]
        if not moving:
            return
        before = before_row if 0 <= before_row < len(self._ids) else len(self._ids)
        anchor = next((i for i in self._ids[before:] if i not in wanted), None)
        rest = [i for i in self._ids if i not in wanted]
        at = rest.index(anchor) if anchor is not None else len(rest)
        self.beginResetModel()
        self._ids = rest[:at] + moving + rest[at:]
        self._positions, self._scans = None, 0
        self.endResetModel()
