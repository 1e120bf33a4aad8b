"""What keeps the window fast at archive scale (issue 6, figure 5), checked as behaviour:
a layout of 100,000 rows that never asks Python about a row, tiles that fill their cells,
thumbnails scaled once to the tile and repainting only their tile, each decoded once and
not beside a paint, a sidebar whose long lists are listed when opened, and a first page
that waits for neither the sidebar's counts nor the editor."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import (
    QAbstractEventDispatcher,
    QEvent,
    QEventLoop,
    QObject,
    QRect,
    QStringListModel,
)
from PySide6.QtWidgets import QListView

import photoarchive.ui.grid.loader as loader_module
from photoarchive.services.browse import (
    INCOMPLETE,
    SidebarCounts,
    grid_rows,
    recent_import_ids,
    sidebar_counts,
)
from photoarchive.services.photos import count
from photoarchive.ui import main_window
from photoarchive.ui.editor.dock import EditorDock
from photoarchive.ui.grid import PhotoGridModel
from photoarchive.ui.grid.delegate import PADDING
from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.sidebar import ALL_PHOTOS, FILL_BATCH, Sidebar, Source


class _Paints(QObject):
    """Records the rectangles of a widget's paint events."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, _obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(QRect(event.rect()))
        return False


def test_the_grid_lays_out_100000_rows_in_qt_alone(qtbot, make_window, empty_archive,
                                                   bulk_insert) -> None:
    # A list view lays out every row, asking the model for each one's index: that must be
    # answered by Qt (a row count kept in C++), not by a Python method called 100,000 times.
    assert "rowCount" not in vars(PhotoGridModel) and "index" not in vars(PhotoGridModel)
    assert issubclass(PhotoGridModel, QStringListModel)
    bulk_insert(empty_archive, 100_000)
    window = make_window(empty_archive)
    grid, model = window.grid, window.model
    assert grid.viewMode() == QListView.ViewMode.ListMode
    assert grid.flow() == QListView.Flow.LeftToRight and grid.isWrapping()
    assert grid.uniformItemSizes() and grid.gridSize().isValid()
    assert model.rowCount() == 100_000 == QStringListModel.rowCount(model)
    fetched = model.rows_fetched
    grid.doItemsLayout()  # a full layout, as after a resize
    assert grid.visualRect(model.index(99_999)).isValid()  # laid out at once, not in batches
    assert model.rows_fetched == fetched  # and no tile was read for it
    # The model's rows follow its ids through resets and inserts.
    model.set_ids(model.ids[:10])
    assert model.rowCount() == 10
    model.set_ids(model.ids + [10**9])
    assert model.rowCount() == 11 and model.index(10).isValid()
    assert not model.insertRows(0, 5) and model.rowCount() == 11  # only through set_ids


def test_tiles_fill_their_cells_and_centre_the_photo(qtbot, sample_window) -> None:
    grid = sample_window.grid
    cell = grid.visualRect(sample_window.model.index(1))
    assert cell.width() == grid.gridSize().width()
    tile = grid.tile_delegate.tile_rect(cell)
    left, right = tile.left() - cell.left(), cell.right() - tile.right()
    assert abs(left - right) <= 1 and tile.width() < cell.width()


def _quiet(window) -> bool:
    """Nothing on its way to the grid: no event waits to be handled (a result that came,
    the repaint it asked for), and no thumbnail, write-back state or repaint of arrived
    thumbnails is still to come."""
    dispatcher = QAbstractEventDispatcher.instance()
    for _ in range(100):  # each round handles what the one before posted
        if not dispatcher.processEvents(QEventLoop.ProcessEventsFlag.AllEvents):
            break
    grid, sync = window.grid, window.sync
    return (window.loader.pending == 0 and not sync._pending and not sync._wanted
            and not grid._repaint_timer.isActive() and not grid._arrived)


def _settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: _quiet(window), timeout=10_000)


def test_thumbnails_come_scaled_to_the_tile_and_repaint_only_their_tile(
        qtbot, sample_window) -> None:
    window = sample_window
    grid, model, loader = window.grid, window.model, window.loader
    _settled(qtbot, window)
    index = model.index(4)
    tile = model.tile(4)
    pixmap = loader.pixmap(tile.content_hash, tile.path)
    size = pixmap.deviceIndependentSize()
    assert max(size.width(), size.height()) == grid.tile_size  # no scaling while painting

    paints = _Paints()
    grid.viewport().installEventFilter(paints)
    loader.forget(tile.content_hash)
    grid.update(index)
    qtbot.waitUntil(lambda: loader.known(tile.content_hash), timeout=10_000)
    qtbot.waitUntil(lambda: len(paints.rects) >= 2, timeout=5000)  # placeholder, then photo
    _settled(qtbot, window)  # and whatever else the arrival repaints
    grid.viewport().removeEventFilter(paints)
    cell = grid.visualRect(index)
    assert paints.rects and all(cell.contains(r) for r in paints.rects)

    # Zooming keeps a picture in the tile (the old size, scaled) until the new size comes.
    grid.set_tile_size(grid.tile_size + 40)
    assert loader.pixmap(tile.content_hash, tile.path) is not None
    assert not loader.known(tile.content_hash)
    qtbot.waitUntil(lambda: loader.known(tile.content_hash), timeout=10_000)
    size = loader.pixmap(tile.content_hash, tile.path).deviceIndependentSize()
    assert max(size.width(), size.height()) == grid.tile_size


def test_the_loader_decodes_each_thumbnail_once_however_often_asked(
        qtbot, sample_archive, monkeypatch) -> None:
    decoded: list[str] = []
    read = loader_module.read_thumbnail

    def counting(thumbnail_dir, path, content_hash, size=0):
        decoded.append(content_hash)
        return read(thumbnail_dir, path, content_hash, size)

    monkeypatch.setattr(loader_module, "read_thumbnail", counting)
    tiles = grid_rows(sample_archive, list(range(1, 13)))
    loader = ThumbnailLoader(sample_archive.thumbnail_dir)
    try:
        loader.set_size(120)
        for paint in range(3):  # three paints asking: before, while and after loads
            for tile in tiles:
                loader.pixmap(tile.content_hash, tile.path)
            loader.start_asked()
            if paint == 1:  # the third paint asks when some have arrived
                qtbot.waitUntil(lambda: loader.pending < len(tiles), timeout=10_000)
        qtbot.waitUntil(lambda: loader.pending == 0, timeout=10_000)
        for tile in tiles:
            pixmap = loader.pixmap(tile.content_hash, tile.path)
            assert pixmap is not None and max(pixmap.width(), pixmap.height()) == 120
        assert sorted(decoded) == sorted(t.content_hash for t in tiles)
    finally:
        loader.shutdown()


def test_the_sidebar_lists_long_groups_only_when_opened(qtbot, sample_archive) -> None:
    sidebar = Sidebar(sample_archive)
    qtbot.addWidget(sidebar)
    # Before the counts: the fixed entries, without numbers.
    assert sidebar._find(ALL_PHOTOS) is not None and sidebar.count_of(ALL_PHOTOS) is None
    keywords = [(f"place {n:04d}", n + 1) for n in range(3 * FILL_BATCH + 7)]
    counts = SidebarCounts(12, dict.fromkeys(INCOMPLETE, 0), None, 0, [], keywords,
                           [("Ann", 2)])
    sidebar.refresh(counts)
    assert sidebar.count_of(ALL_PHOTOS) == 12
    group = sidebar._groups["Keywords"]
    assert not group.isExpanded() and group.childCount() == 0  # nothing built while closed
    # Looking an entry up lists just as far as it.
    assert sidebar.count_of(Source("search", "place 0002", query='keyword:"place 0002"')) == 3
    assert group.childCount() == 3
    group.setExpanded(True)
    assert group.childCount() == 3 + FILL_BATCH  # a batch at once, the rest in the background
    qtbot.waitUntil(lambda: group.childCount() == len(keywords), timeout=5000)
    assert [group.child(i).text(0) for i in range(4)] == [k for k, _ in keywords[:4]]
    sidebar.refresh(counts)  # still open after a refresh: listed again in the background
    qtbot.waitUntil(lambda: sidebar._groups["Keywords"].childCount() == len(keywords),
                    timeout=5000)


def test_sidebar_counts_agree_with_the_searches(sample_archive) -> None:
    counts = sidebar_counts(sample_archive)
    assert counts.all == count(sample_archive) == 12
    for label, query in INCOMPLETE.items():
        assert counts.incomplete[label] == count(sample_archive, query), label
    assert counts.recent == len(recent_import_ids(sample_archive)) == 12
    for name, n in counts.keywords:
        assert n == count(sample_archive, f'keyword:"{name}"'), name
    for name, n in counts.people:
        assert n == count(sample_archive, f'person:"{name}"'), name
    assert counts.collections == [("Milwaukee, April 1936", 12)]


def test_the_first_page_waits_for_neither_the_counts_nor_the_editor(
        qtbot, make_window, sample_archive, monkeypatch) -> None:
    events: list[tuple[str, float]] = []
    counted = main_window.sidebar_counts
    monkeypatch.setattr(main_window, "sidebar_counts", lambda archive: (
        events.append(("counts", time.monotonic())), counted(archive))[1])
    shown = EditorDock.set_selection
    monkeypatch.setattr(EditorDock, "set_selection", lambda dock, ids: (
        events.append(("editor", time.monotonic())) if ids else None, shown(dock, ids))[1])

    class FirstPaint(QObject):
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def eventFilter(self, _obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and self.model.ids:
                events.append(("paint", time.monotonic()))
            return False

    watchers = []
    original = main_window.GridPage.__init__

    def page_init(page, *args, **kwargs):
        original(page, *args, **kwargs)
        watchers.append(FirstPaint(page.model))
        page.grid.viewport().installEventFilter(watchers[-1])
        page.results_changed.connect(lambda _n: events.append(("results", time.monotonic())))

    monkeypatch.setattr(main_window.GridPage, "__init__", page_init)
    window = make_window(sample_archive)
    qtbot.waitUntil(lambda: any(e == "editor" for e, _ in events), timeout=5000)
    first = {}
    for name, at in events:
        first.setdefault(name, at)
    assert first["results"] <= first["counts"]  # counted once the page has its photos
    assert first["paint"] <= first["editor"]  # the editor loads once the grid is painted
    assert window.editor.selection() == window.grid.selected_ids() == [window.model.ids[0]]
    assert window.sidebar.count_of(ALL_PHOTOS) == 12


class _Gate(threading.Event):
    """The loader's pause: counts the workers that came to it while it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.held = 0

    def wait(self, timeout: float | None = None) -> bool:
        if not self.is_set():
            self.held += 1
        return super().wait(timeout)


def test_the_workers_wait_while_the_grid_paints(qtbot, sample_archive, monkeypatch) -> None:
    # Decoding beside a paint made the paint several times slower (the two threads trade
    # the GIL at every Qt call): workers hold back between thumbnails while it lasts.
    monkeypatch.setattr(loader_module, "PAUSE_LIMIT", 60)  # held for as long as the test
    tiles = grid_rows(sample_archive, list(range(1, 13)))
    loader = ThumbnailLoader(sample_archive.thumbnail_dir)
    loader._go = gate = _Gate()
    gate.set()
    try:
        loader.set_size(120)
        with loader.paused():
            for tile in tiles:
                loader.pixmap(tile.content_hash, tile.path)
            loader.start_asked()
            started = loader._running
            assert started >= 1
            qtbot.waitUntil(lambda: gate.held == started, timeout=10_000)  # all at the gate
            assert len(loader._queue) == len(tiles)  # none taken while the grid paints
            assert loader.pending == len(tiles)
            assert not any(loader.known(t.content_hash) for t in tiles)
        qtbot.waitUntil(lambda: loader.pending == 0, timeout=10_000)
        assert all(loader.known(t.content_hash) for t in tiles)
        assert not any(loader.failure(t.content_hash) for t in tiles)
    finally:
        loader.shutdown()


def test_a_paint_does_not_wait_for_its_thumbnails_to_start_decoding(
        qtbot, sample_window) -> None:
    # The workers start once the paint that asked is over, and the tiles painted with a
    # placeholder are repainted, with their photo, once it has arrived.
    window = sample_window
    grid, model, loader = window.grid, window.model, window.loader
    _settled(qtbot, window)
    tile = model.tile(2)
    loader.forget(tile.content_hash)
    paints = _Paints()
    grid.viewport().installEventFilter(paints)
    grid.viewport().repaint()
    assert loader.pending == 1 and loader._running == 0  # asked for, not started yet
    qtbot.waitUntil(lambda: loader.known(tile.content_hash), timeout=10_000)
    qtbot.waitUntil(lambda: len(paints.rects) >= 2, timeout=5000)  # the photo's turn
    grid.viewport().removeEventFilter(paints)
    assert loader.pixmap(tile.content_hash, tile.path) is not None


def test_the_write_back_state_is_asked_once_the_photo_is_shown(qtbot, sample_window) -> None:
    # Thumbnails first: a tile waiting for its thumbnail does not start the (slower, CPU
    # heavy) write-back check beside the decoding; it asks once its photo is painted.
    window = sample_window
    grid, model, loader = window.grid, window.model, window.loader
    _settled(qtbot, window)
    tile = model.tile(1)
    asked: list[int] = []
    lookup = model.sync_lookup
    model.sync_lookup = lambda photo_id: (asked.append(photo_id), lookup(photo_id))[1]
    try:
        loader.forget(tile.content_hash)
        with loader.paused():
            grid.viewport().repaint()
        assert tile.id not in asked and model.tile(0).id in asked
        qtbot.waitUntil(lambda: loader.known(tile.content_hash), timeout=10_000)
        qtbot.waitUntil(lambda: tile.id in asked, timeout=5000)
    finally:
        model.sync_lookup = lookup


def test_no_tile_shows_another_photos_thumbnail_after_a_reorder(qtbot, sample_window) -> None:
    # Reordered while the thumbnails are still being decoded: once they are in, every
    # tile shows its own photo.
    window = sample_window
    grid, model, loader = window.grid, window.model, window.loader
    _settled(qtbot, window)
    for row in range(len(model.ids)):
        loader.forget(model.tile(row).content_hash)
    with loader.paused():
        grid.viewport().repaint()  # placeholders; every thumbnail asked for
        model.move_ids(model.ids[:6], len(model.ids))  # the first six go last
    _settled(qtbot, window)  # every thumbnail in, and repainted
    image = grid.viewport().grab().toImage()
    delegate = grid.tile_delegate
    checked = 0
    for row in range(len(model.ids)):
        cell = grid.visualRect(model.index(row))
        if not grid.viewport().rect().contains(cell):
            continue
        tile = model.tile(row)
        pixmap = loader.pixmap(tile.content_hash, tile.path)
        assert pixmap is not None and tile.rotation == 0
        x, y, width, height = delegate._placement(delegate.tile_size, pixmap, 0)
        left = delegate.tile_rect(cell).x() + PADDING + x
        top = cell.y() + PADDING + y
        expected = pixmap.toImage()
        ratio = pixmap.devicePixelRatio()
        samples = [(width * i // 5, height * j // 5) for i in range(1, 5) for j in range(1, 5)]
        near = sum(_close(image.pixel(left + sx, top + sy),
                          expected.pixel(int(sx * ratio), int(sy * ratio))) for sx, sy in samples)
        assert near >= len(samples) - 2, f"row {row} shows another picture"
        checked += 1
    assert checked >= 6


def _close(a: int, b: int, tolerance: int = 24) -> bool:
    return all(abs(((a >> s) & 255) - ((b >> s) & 255)) <= tolerance for s in (0, 8, 16))
