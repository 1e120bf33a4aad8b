"""The thumbnail grid: a QListView over `PhotoGridModel`, painted by `TileDelegate`.

It is a wrapping left-to-right *list* mode view with uniform item sizes and a fixed grid
size, which looks like icon mode but lays rows out as segments without asking the model
about each row: icon mode keeps a position per item and calls the (Python) model for
every one of 100,000 rows at each layout. Tiles fill their cell's width; the delegate
centres the picture in it. A thumbnail that arrives repaints only the tiles showing it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QDrag,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPalette,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyleOptionViewItem

from photoarchive.settings import THUMBNAIL_MAX, THUMBNAIL_MIN
from photoarchive.ui.grid.delegate import PADDING, TileDelegate
from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.grid.model import ID_ROLE, ROW_ROLE, PhotoGridModel, ids_from_mime

ZOOM_STEP = 20
GAP = 8  # pixels between tiles
FIRST_PAINT_WAIT_MS = 500  # how long `after_first_paint` waits at most
# While thumbnails arrive, their tiles are repainted this often (and once all are in): a
# screenful of cached thumbnails is in before, and comes in one repaint; a slower load
# (thumbnails made from the originals) still shows its progress.
REPAINT_MS = 100


class PhotoGridView(QListView):
    """Signals: `open_requested(photo_id)` (Enter, Space, double-click), `tile_size_changed`,
    `reorder_requested(ids, before_row)` (a drop inside a reorderable model)."""

    open_requested = Signal(int)
    tile_size_changed = Signal(int)
    reorder_requested = Signal(list, int)

    def __init__(self, model: PhotoGridModel, loader: ThumbnailLoader, tile_size: int = 180,
                 show_titles: bool = True, parent=None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.tile_delegate = TileDelegate(loader, tile_size, show_titles, self)
        self.tile_delegate.model = model
        self.setModel(model)
        self.setItemDelegate(self.tile_delegate)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.SinglePass)  # ~5 ms for 100,000 rows
        self.setSelectionRectVisible(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Always there, so the viewport's width never depends on how many photos are shown:
        # a scroll bar that came and went with the results changed the column count, which
        # changed the content height, which brought the bar back — the grid could end up
        # laid out for one width and shown at another, with photos out of reach.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setDragEnabled(True)  # after setMovement, which turns it off
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setAccessibleName("Photos")
        self.empty_text = ""  # shown when there are no photos
        self._drop_at: tuple[int, bool] | None = None  # while a reordering drag hovers
        self._painted_rows = False
        self._after_paint: list[Callable[[], None]] = []
        self._paint_timer = QTimer(self, singleShot=True, interval=FIRST_PAINT_WAIT_MS)
        self._paint_timer.timeout.connect(self._painted)
        self.doubleClicked.connect(self._open_index)
        loader.thumbnail_ready.connect(self._thumbnail_ready)
        loader.idle.connect(self._repaint_arrived)
        self._arrived: set[int] = set()  # rows whose thumbnails came since the last repaint
        self._repaint_timer = QTimer(self, singleShot=True, interval=REPAINT_MS)
        self._repaint_timer.timeout.connect(self._repaint_arrived)
        loader.set_size(tile_size, self.devicePixelRatioF())
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.rowsMoved, model.layoutChanged):
            signal.connect(self.tile_delegate.waiting.clear)  # rows moved: repaint anew

    @property
    def grid_model(self) -> PhotoGridModel:
        return self.model()  # type: ignore[return-value]

    # -- tile size and titles ------------------------------------------------------------
    @property
    def tile_size(self) -> int:
        return self.tile_delegate.tile_size

    def set_tile_size(self, size: int) -> None:
        size = min(max(int(size), THUMBNAIL_MIN), THUMBNAIL_MAX)
        if size == self.tile_delegate.tile_size:
            return
        current = self.currentIndex()
        self.tile_delegate.tile_size = size
        self.loader.set_size(size, self.devicePixelRatioF())
        self._relayout()
        if current.isValid():
            self.scrollTo(current)
        self.tile_size_changed.emit(size)

    def zoom_in(self) -> None:
        self.set_tile_size(self.tile_size + ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_tile_size(self.tile_size - ZOOM_STEP)

    def set_show_titles(self, show: bool) -> None:
        self.tile_delegate.show_titles = show
        self._relayout()

    def _relayout(self) -> None:
        self._fit_grid()
        self.tile_delegate.sizeHintChanged.emit(QModelIndex())
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def _fit_grid(self) -> None:
        """Share the row's spare width among the columns, so tiles fill the width evenly."""
        delegate = self.tile_delegate
        side = delegate.tile_size + 2 * PADDING
        cell = side + GAP
        usable = max(self.viewport().width() - 2, cell)
        columns = max(1, usable // cell)
        height = side + delegate.text_height(self.viewOptions_())
        size = QSize(usable // columns, height + GAP)
        if size.width() != delegate.cell_width:
            delegate.cell_width = size.width()  # a tile is as wide as its cell
            delegate.sizeHintChanged.emit(QModelIndex())
        if size != self.gridSize():
            self.setGridSize(size)

    def viewOptions_(self) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        return option

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_grid()

    # -- selection helpers ---------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        """Selected photos in grid order."""
        ids = self.grid_model.ids
        return [pid for top, bottom in self._selected_spans() for pid in ids[top:bottom + 1]]

    def selected_count(self) -> int:
        return sum(bottom - top + 1 for top, bottom in self._selected_spans())

    def _selected_spans(self) -> list[tuple[int, int]]:
        """Selected rows as merged (top, bottom) spans: ranges, not indexes, so Ctrl+A over
        100,000 photos stays cheap."""
        spans: list[tuple[int, int]] = []
        for top, bottom in sorted((r.top(), r.bottom()) for r in self.selectionModel().selection()):
            if spans and top <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(spans[-1][1], bottom))
            else:
                spans.append((top, bottom))
        return spans

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        """Select these photos (those shown), make `current` (or the first) current."""
        model = self.grid_model
        selection = QItemSelection()
        for photo_id in ids:
            index = model.index_of(photo_id)
            if index.isValid():
                selection.select(index, index)
        chosen = model.index_of(current) if current is not None else QModelIndex()
        if not chosen.isValid() and not selection.isEmpty():
            chosen = selection.indexes()[0]
        flags = QItemSelectionModel.SelectionFlag
        if chosen.isValid():
            self.selectionModel().setCurrentIndex(chosen, flags.NoUpdate)
            self.scrollTo(chosen)
        self.selectionModel().select(selection, flags.ClearAndSelect)

    def move_current(self, step: int) -> int | None:
        """Make the next (step 1) or previous (-1) photo current and the only one selected."""
        count = self.grid_model.rowCount()
        if count == 0:
            return None
        row = self.currentIndex().row()
        row = 0 if row < 0 else min(max(row + step, 0), count - 1)
        index = self.grid_model.index(row)
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().setCurrentIndex(index, flags.ClearAndSelect)
        self.scrollTo(index)
        return index.data(ID_ROLE)

    # -- keyboard, wheel, activation ---------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_in() if event.angleDelta().y() > 0 else self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    def _prefetch(self, area: QRect) -> None:
        """Before painting `area`: read its rows' tiles in one go (the model reads a
        window around the first tile it lacks otherwise, more than a screen may need) and
        ask for their thumbnails in reading order. The loader starts decoding once the
        paint is over: decoding threads running beside a paint slow it down several times
        (the GIL changes hands at most Qt calls) and gain nothing, since what they decode
        is shown by the next paint anyway."""
        grid = self.gridSize()
        if not grid.isValid() or grid.height() <= 0 or grid.width() <= 0:
            return
        first = self.indexAt(QPoint(1, area.top() + 1))
        if not first.isValid():  # in the gap under a line of tiles
            first = self.indexAt(QPoint(1, area.top() + GAP + 1))
        if not first.isValid():
            return
        model, loader = self.grid_model, self.loader
        columns = max(1, self.viewport().width() // grid.width())
        lines = (area.bottom() - self.visualRect(first).top()) // grid.height() + 1
        start = first.row() - first.row() % columns
        model.prefetch(start, columns * lines)
        for row in range(start, min(start + columns * lines, model.rowCount())):
            tile = model.tile(row)
            if tile is not None and not loader.known(tile.content_hash):
                loader.pixmap(tile.content_hash, tile.path)

    def after_first_paint(self, callback: Callable[[], None]) -> None:
        """Call back once the grid has painted photos (at once if it has): work the
        first screen need not wait for, such as the editor's first load, waits for it."""
        if self._painted_rows:
            callback()
            return
        self._after_paint.append(callback)
        self._paint_timer.start()  # in case no paint comes (a hidden or empty grid)

    def _painted(self) -> None:
        self._paint_timer.stop()
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            callback()

    def paintEvent(self, event) -> None:
        with self.loader.paused():
            self._prefetch(event.rect())
            super().paintEvent(event)
        if not self._painted_rows and self.grid_model.rowCount():
            self._painted_rows = True
            QTimer.singleShot(0, self._painted)  # once this paint is on the screen
        marker = self.drop_marker()
        if marker is not None:  # where a reordering drop will put the photos
            painter = QPainter(self.viewport())
            painter.fillRect(marker, self.palette().color(QPalette.ColorRole.Highlight))
            painter.end()
        if self.grid_model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text)
            painter.end()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(index.data(ID_ROLE))

    def _thumbnail_ready(self, content_hash: str) -> None:
        # Repaint only the tiles painted without it, and not at every arrival: a screenful
        # arrives within a few frames, and each repaint paints every tile between the
        # changed ones. Once all are in (the loader is idle), or every REPAINT_MS.
        self._arrived.update(self.tile_delegate.waiting.pop(content_hash, ()))
        if not self._repaint_timer.isActive():
            self._repaint_timer.start()

    def _repaint_arrived(self) -> None:
        self._repaint_timer.stop()
        rows, self._arrived = self._arrived, set()
        model = self.grid_model
        count = model.rowCount()
        for row in rows:
            if row < count:
                self.update(model.index(row))

    # -- drags: a small picture of what moves; drops reorder a collection -------------------
    def startDrag(self, supported: Qt.DropAction) -> None:
        indexes = sorted(self.selectionModel().selectedIndexes(), key=lambda i: i.row())
        if not indexes:
            return
        drag = QDrag(self)
        drag.setMimeData(self.grid_model.mimeData(indexes))
        drag.setPixmap(self._drag_pixmap(indexes))
        drag.exec(supported, Qt.DropAction.CopyAction)

    def _drag_pixmap(self, indexes: list[QModelIndex]) -> QPixmap:
        tile = indexes[0].data(ROW_ROLE)
        thumb = self.loader.pixmap(tile.content_hash, tile.path) if tile is not None else None
        side = 96
        picture = QPixmap(side, side)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        if thumb is not None:
            scaled = thumb.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap((side - scaled.width()) // 2, (side - scaled.height()) // 2,
                               scaled)
        if len(indexes) > 1:
            badge = QRect(side - 34, 2, 32, 20)
            painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge, 10, 10)
            painter.setPen(self.palette().color(QPalette.ColorRole.HighlightedText))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(len(indexes)))
        painter.end()
        return picture

    # -- drops: files go to the window (import); ids reorder a collection ------------------
    def dragEnterEvent(self, event) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()  # e.g. files: the main window imports them

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.show_drop_at(event.position().toPoint())
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self.show_drop_at(None)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.show_drop_at(None)
        if not self._accepts(event):
            event.ignore()
            return
        self.drop_ids_at(ids_from_mime(event.mimeData()), event.position().toPoint())
        # Copy, not Move: the view must not delete the dragged rows itself.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def drop_target(self, pos: QPoint) -> tuple[int, bool] | None:
        """Where a reordering drop at `pos` (viewport coordinates) lands: the row of the
        tile it lands beside and whether it goes after that tile; None without tiles.

        Over a tile, the half under the cursor decides (the right half: after it), so the
        last tile can be passed like any other. In the gap under a line of tiles the tile
        above counts, right of the last column the last tile of that line; anywhere else
        past the last tile (beside it, below it) is after the last tile."""
        model = self.grid_model
        count = model.rowCount()
        grid = self.gridSize()
        if count == 0 or grid.width() <= 0:
            return None
        columns = max(1, self.viewport().width() // grid.width())
        x = min(pos.x(), columns * grid.width() - 1)
        index = self.indexAt(QPoint(x, pos.y()))
        if not index.isValid():  # in the gap under a line of tiles
            index = self.indexAt(QPoint(x, pos.y() - GAP))
        if not index.isValid():
            return count - 1, True
        cell = self.visualRect(index)
        return index.row(), pos.x() > cell.center().x()

    def drop_row(self, pos: QPoint) -> int:
        """The row a reordering drop at `pos` puts the photos before (the row count: last)."""
        target = self.drop_target(pos)
        return self.grid_model.rowCount() if target is None else target[0] + target[1]

    def show_drop_at(self, pos: QPoint | None) -> None:
        """Show where a drop at `pos` would land (None: hide the marker)."""
        self._drop_at = None if pos is None else self.drop_target(pos)
        self.viewport().update()

    def drop_marker(self) -> QRect | None:
        """The bar drawn beside the tile a hovering drop lands next to, on that side."""
        if self._drop_at is None:
            return None
        row, after = self._drop_at
        if row >= self.grid_model.rowCount():
            return None
        rect = self.tile_delegate.tile_rect(self.visualRect(self.grid_model.index(row)))
        x = rect.right() + 1 if after else rect.left()
        return QRect(x - 2, rect.top() + 6, 4, rect.height() - 12)

    def drop_ids_at(self, ids: list[int], pos: QPoint) -> None:
        """Reorder: the photos `ids` go where a drop at `pos` lands."""
        if ids:
            self.reorder_requested.emit(ids, self.drop_row(pos))

    def _accepts(self, event) -> bool:
        return self.grid_model.reorderable and self.grid_model.made_here(event.mimeData())
