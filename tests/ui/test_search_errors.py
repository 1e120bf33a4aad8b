"""A query the search cannot run: the grid shows no photos from the previous query, the
error is shown over the empty grid, and nothing in the window moves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtWidgets import QApplication

BAD_QUERIES = ("date:notadate", '"an unclosed phrase', "colour:red", 'date:"c. 1936')


def _settle() -> None:
    """Let every pending layout request run (nested layouts post new ones)."""
    for _ in range(4):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _grid_rect(window) -> QRect:
    _settle()
    return QRect(window.grid.mapTo(window, QPoint(0, 0)), window.grid.size())


def test_an_invalid_query_shows_no_stale_photos_and_moves_nothing(qtbot, sample_window):
    window = sample_window
    with qtbot.waitSignal(window.results_changed, timeout=5000) as changed:
        window.set_search("viaduct")
    assert changed.args == [1] and window.model.rowCount() == 1
    where = _grid_rect(window)
    search_box = window.search.edit.geometry()

    for bad in BAD_QUERIES:
        with qtbot.waitSignal(window.results_changed, timeout=5000) as changed:
            window.set_search(bad)
        assert changed.args == [0] and window.model.rowCount() == 0, bad
        assert window.selected_ids() == [] and window.count_label.text() == "0 photos"
        error = window.browser.query_error
        assert error.isVisible() and error.text(), bad
        assert window.search.edit.property("invalid")
        assert _grid_rect(window) == where, bad
        assert window.search.edit.geometry() == search_box
        # The message sits over the (empty) grid, whole and readable.
        assert window.grid.viewport().rect().contains(error.geometry())
        assert error.height() >= error.heightForWidth(error.width())

    assert "quote" in window.browser.query_error.text()  # the last one: what to fix
    with qtbot.waitSignal(window.results_changed, timeout=5000) as changed:
        window.set_search("")
    assert changed.args == [12] and not window.browser.query_error.isVisible()
    assert not window.search.edit.property("invalid")
    assert _grid_rect(window) == where
