"""The grid at scale: lazy rows over 100,000 photos, bounded caches, thumbnails off the
GUI thread, tile painting with rotation and badges."""

from __future__ import annotations

import time

from PySide6.QtGui import QColor

from photoarchive.services.browse import grid_rows, rotate
from photoarchive.ui.grid import PhotoGridModel
from photoarchive.ui.grid.delegate import PADDING
from photoarchive.ui.grid.loader import MAX_PENDING, ThumbnailLoader
from photoarchive.ui.grid.model import CHUNK, MAX_CACHED_ROWS


def test_model_over_100000_photos_fetches_rows_lazily(qtbot, make_window, empty_archive,
                                                       bulk_insert) -> None:
    bulk_insert(empty_archive, 100_000)
    window = make_window(empty_archive)
    model, grid = window.model, window.grid
    assert model.rowCount() == 100_000
    qtbot.waitUntil(lambda: model.rows_fetched > 0)  # painted the first screen
    assert model.rows_fetched <= 2 * CHUNK

    # Jump through the grid like a user dragging the scroll bar.
    bar = grid.verticalScrollBar()
    started = time.monotonic()
    for fraction in (0.25, 0.5, 0.9, 1.0):
        bar.setValue(int(bar.maximum() * fraction))
        grid.viewport().repaint()
    assert time.monotonic() - started < 2.0
    assert model.rows_fetched <= 10 * CHUNK
    assert model.cached_rows <= MAX_CACHED_ROWS
    assert window.loader.pending <= MAX_PENDING
    # The last screen shows the last photos.
    last = grid.indexAt(grid.viewport().rect().center())
    assert last.row() > 99_000


def test_model_inserts_new_rows_without_a_reset(qtbot, sample_archive) -> None:
    model = PhotoGridModel(lambda ids: grid_rows(sample_archive, ids))
    model.set_ids([1, 3, 5])
    inserted, reset = [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: reset.append(True))
    model.set_ids([1, 2, 3, 4, 5, 6])
    assert model.ids == [1, 2, 3, 4, 5, 6] and inserted == [(1, 1), (3, 3), (5, 5)]
    assert not reset
    model.set_ids([6, 5])
    assert reset and model.ids == [6, 5]


def test_loader_reads_thumbnails_off_the_gui_thread_into_a_bounded_cache(
        qtbot, sample_archive) -> None:
    tiles = grid_rows(sample_archive, list(range(1, 13)))
    loader = ThumbnailLoader(sample_archive.thumbnail_dir, cache_bytes=3 * 400 * 400 * 4)
    try:
        assert loader.pixmap(tiles[0].content_hash, tiles[0].path) is None  # queued
        for tile in tiles:
            loader.pixmap(tile.content_hash, tile.path)
        qtbot.waitUntil(lambda: loader.pending == 0, timeout=10_000)
        cached = [t for t in tiles if loader.pixmap(t.content_hash, t.path) is not None]
        assert 1 <= len(cached) < len(tiles)  # bounded: the oldest were dropped
        assert loader._cache_bytes <= 3 * 400 * 400 * 4
    finally:
        loader.shutdown()


def test_a_missing_thumbnail_is_made_and_a_bad_file_is_reported(
        qtbot, sample_archive, tmp_path) -> None:
    tile = grid_rows(sample_archive, [1])[0]
    loader = ThumbnailLoader(tmp_path / "fresh-cache")
    try:
        with qtbot.waitSignal(loader.thumbnail_ready, timeout=10_000):
            loader.pixmap(tile.content_hash, tile.path)
        assert loader.pixmap(tile.content_hash, tile.path) is not None
        assert (tmp_path / "fresh-cache" / tile.content_hash[:2]).is_dir()
        with qtbot.waitSignal(loader.thumbnail_ready, timeout=10_000):
            loader.pixmap("ab" * 32, str(tmp_path / "gone.jpg"))
        assert "missing" in loader.failure("ab" * 32)
    finally:
        loader.shutdown()


def test_tiles_paint_rotation_and_the_no_caption_badge(qtbot, sample_window, id_of) -> None:
    window = sample_window
    uncaptioned = id_of(window.archive, "loc_fsa_8b26530.jpg")
    rotate(window.archive, [uncaptioned], 1)
    window.model.refresh([uncaptioned])
    qtbot.waitUntil(lambda: window.loader.pending == 0 and all(
        window.loader.known(t.content_hash) for t in grid_rows(window.archive, window.model.ids)))
    index = window.model.index_of(uncaptioned)
    rect = window.grid.visualRect(index)
    image = window.grid.viewport().grab(rect).toImage()
    tile = window.model.tile(index.row())
    assert tile.rotation == 90
    pixmap = window.loader.pixmap(tile.content_hash, tile.path)
    # Landscape thumbnail, drawn turned: the painted photo is taller than wide.
    dark_columns = [x for x in range(image.width())
                    if QColor(image.pixel(x, image.height() // 3)).lightness() < 60]
    assert pixmap.width() > pixmap.height()
    assert dark_columns and (max(dark_columns) - min(dark_columns)) < window.grid.tile_size * 0.9


def test_rows_of_photos_on_the_screen_are_found_without_scanning_the_list(
        qtbot, make_window, empty_archive, bulk_insert) -> None:
    # A badge or a thumbnail changes for a photo on the screen: its row is where its tile
    # was read, checked, not looked for among 100,000 ids (nor indexed) after a new list.
    bulk_insert(empty_archive, 100_000)
    window = make_window(empty_archive)
    model = window.model
    ids = list(model.ids)
    model.set_ids(list(reversed(ids)))
    assert model.tile(0) is not None  # what painting the first screen reads
    on_screen = [model.ids[row] for row in range(20)]
    scans, table = model._scans, model._positions
    started = time.perf_counter()
    assert [model.row_of(i) for i in on_screen] == list(range(20))
    assert time.perf_counter() - started < 0.005
    assert model._scans == scans and model._positions is table  # no scan, no new table
    # After a reorder the hint is checked and found stale: the row is looked up.
    model.move_ids(on_screen[:1], 10)
    assert model.row_of(on_screen[0]) == 9 and model.ids[9] == on_screen[0]
    assert model.row_of(10**9) == -1


def test_every_result_stays_within_reach_whatever_the_count(qtbot, sample_window) -> None:
    """The column count does not depend on how many photos are shown (the scroll bar is
    always there), so a search result is laid out for the width it is shown at and its
    last photo can be scrolled to."""
    window = sample_window
    grid = window.grid
    for width in (900, 1100, 1280, 1500):
        window.resize(width, 700)
        laid_out = set()
        for query in ("viaduct", "city:Milwaukee -viaduct", ""):  # each a change
            with qtbot.waitSignal(window.results_changed, timeout=5000):
                window.search.edit.setText(query)
            qtbot.wait(20)
            model = grid.model()
            rects = [grid.visualRect(model.index(r)) for r in range(model.rowCount())]
            columns = len({r.x() for r in rects})
            assert columns <= grid.viewport().width() // grid.gridSize().width()
            bottom = max(r.bottom() for r in rects) + grid.verticalScrollBar().value()
            reachable = grid.viewport().height() + grid.verticalScrollBar().maximum()
            assert bottom <= reachable + grid.gridSize().height(), (width, query)
            laid_out.add((grid.viewport().width(), grid.gridSize().width()))
        assert len(laid_out) == 1, (width, laid_out)  # 1 photo or 12: the same columns


def test_a_white_scan_keeps_its_edges_on_the_white_grid(qtbot, make_window, tmp_path) -> None:
    from PIL import Image

    from photoarchive.services import open_archive
    from photoarchive.services.importer import Importer

    folder = tmp_path / "scans"
    folder.mkdir()
    Image.new("RGB", (600, 400), "white").save(folder / "white.jpg", quality=95)
    archive = open_archive(tmp_path / "c.sqlite")
    try:
        Importer(archive, workers=1).run([folder])
        window = make_window(archive)
        grid, model, loader = window.grid, window.model, window.loader
        grid.set_show_titles(False)
        grid.selectionModel().clear()  # not selected, not current: white on white
        window.search.edit.setFocus()
        tile = model.tile(0)
        qtbot.waitUntil(lambda: loader.known(tile.content_hash), timeout=10_000)
        grid.viewport().repaint()
        pixmap = loader.pixmap(tile.content_hash, tile.path)
        dx, dy, width, height = grid.tile_delegate._placement(grid.tile_size, pixmap, 0)
        cell = grid.visualRect(model.index(0))
        side = grid.tile_size
        left = cell.x() + max(0, (cell.width() - side - 2 * PADDING) // 2) + PADDING + dx
        top = cell.y() + PADDING + dy
        image = grid.viewport().grab().toImage()
        base = grid.palette().color(grid.viewport().backgroundRole()).lightness()
        inside = QColor(image.pixel(left + width // 2, top + height // 2)).lightness()
        edge = QColor(image.pixel(left - 1, top + height // 2)).lightness()
        assert inside > 240 and base > 240  # white on white…
        assert edge < base - 20  # … with a visible hairline round it
    finally:
        archive.close()
