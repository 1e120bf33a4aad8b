"""Reordering a collection by dragging tiles: the drop lands on the side of the tile the
cursor is over (its right half: after it), so a photo can be put after the last one; the
marker is drawn on that side. Drops are sent to the real view as Qt drag events."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import QApplication

from photoarchive.services import collections
from photoarchive.ui.sidebar import Source

SAMPLE_COLLECTION = "Milwaukee, April 1936"  # the sample catalog's collection (conftest)

MOVE = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def _collection_window(qtbot, sample_window):
    window = sample_window
    window.set_source(Source("collection", SAMPLE_COLLECTION, name=SAMPLE_COLLECTION))
    qtbot.waitUntil(lambda: window.model.reorderable and not window.loading
                    and window.model.rowCount() == 12, timeout=5000)
    window.grid.setFocus()
    return window


def _last_tile(qtbot, window):
    """The last tile's cell, scrolled into view."""
    grid, index = window.grid, window.model.index(window.model.rowCount() - 1)
    grid.scrollTo(index)
    qtbot.waitUntil(lambda: grid.viewport().rect().contains(grid.visualRect(index)),
                    timeout=2000)
    return grid.visualRect(index)


def _send(grid, kind, pos: QPoint, mime) -> None:
    """A drag event at `pos`, after the drag entered the view (Qt sends moves and drops
    only to the widget a drag entered)."""
    for made in (QDragEnterEvent, kind):
        event = made(QPointF(pos) if made is QDropEvent else pos, MOVE, mime,
                     Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(grid.viewport(), event)


def _drag(window, ids: list[int]):
    model = window.model
    return model.mimeData([model.index_of(i) for i in ids])


def test_a_drop_on_the_right_half_of_the_last_tile_puts_the_photo_last(qtbot,
                                                                       sample_window) -> None:
    window = _collection_window(qtbot, sample_window)
    grid, model = window.grid, window.model
    first, *rest = list(model.ids)
    last = _last_tile(qtbot, window)
    right_half = QPoint(last.right() - 10, last.center().y())
    mime = _drag(window, [first])

    _send(grid, QDragMoveEvent, right_half, mime)
    marker = grid.drop_marker()
    tile = grid.tile_delegate.tile_rect(last)
    assert marker is not None and marker.center().x() > tile.center().x()  # its right side
    assert abs(marker.center().x() - tile.right()) <= 3
    picture = grid.viewport().grab().toImage()
    at = marker.center() * picture.devicePixelRatio()
    assert picture.pixelColor(at) == grid.palette().color(QPalette.ColorRole.Highlight)

    _send(grid, QDropEvent, right_half, mime)
    assert grid.drop_marker() is None
    assert model.ids == [*rest, first]
    assert collections.show(window.archive, SAMPLE_COLLECTION).photo_ids == [*rest, first]


def test_the_left_half_puts_it_before_and_the_gap_counts_for_the_tile_above(
        qtbot, sample_window) -> None:
    window = _collection_window(qtbot, sample_window)
    grid, model = window.grid, window.model
    ids = list(model.ids)
    last = _last_tile(qtbot, window)
    left_half = QPoint(last.left() + 10, last.center().y())
    _send(grid, QDragMoveEvent, left_half, _drag(window, [ids[0]]))
    marker = grid.drop_marker()
    assert marker is not None
    assert abs(marker.center().x() - grid.tile_delegate.tile_rect(last).left()) <= 3
    _send(grid, QDropEvent, left_half, _drag(window, [ids[0]]))
    assert model.ids == [*ids[1:-1], ids[0], ids[-1]]

    ids = list(model.ids)
    grid.scrollToTop()
    qtbot.waitUntil(lambda: grid.verticalScrollBar().value() == 0, timeout=2000)
    second = grid.visualRect(model.index(1))
    under_second = QPoint(second.right() - 10, second.bottom() + 3)  # the gap under it
    assert grid.indexAt(under_second).isValid() is False
    _send(grid, QDropEvent, under_second, _drag(window, [ids[-1]]))
    assert model.ids == [ids[0], ids[1], ids[-1], *ids[2:-1]]
    assert collections.show(window.archive, SAMPLE_COLLECTION).photo_ids == model.ids


def test_drags_from_elsewhere_do_not_reorder(qtbot, sample_window, make_window,
                                            sample_archive) -> None:
    window = _collection_window(qtbot, sample_window)
    ids = list(window.model.ids)
    mime = _drag(window, [ids[0]])
    mime.removeFormat("application/x-photoarchive-grid")  # ids from another window's grid
    last = _last_tile(qtbot, window)
    _send(window.grid, QDropEvent, QPoint(last.right() - 10, last.center().y()), mime)
    assert window.model.ids == ids
