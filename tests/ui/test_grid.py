"""The grid at scale: lazy rows over 100,000 photos, bounded caches, thumbnails off the
GUI thread, tile painting with rotation and badges."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtGui import QColor, QImage, QPalette, QTransform

from photoarchive.services.browse import grid_rows, rotate
from photoarchive.services.editing import EditRequest, apply_edits
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

    # Jump through the grid like a user dragging the scroll bar (how fast: benchmarks/,
    # figure 5; here, that only the rows shown are read).
    bar = grid.verticalScrollBar()
    for fraction in (0.25, 0.5, 0.9, 1.0):
        bar.setValue(int(bar.maximum() * fraction))
        grid.viewport().repaint()
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


def _photo_span(image: QImage, base: int, top: int, bottom: int, left: int, right: int,
                horizontal: bool, at: int) -> tuple[int, int]:
    """First and last pixel that is not the background `base`, along one line of `image`
    (a row `at` from `left` to `right`, or a column `at` from `top` to `bottom`)."""
    if horizontal:
        found = [x for x in range(left, right) if image.pixel(x, at) != base]
    else:
        found = [y for y in range(top, bottom) if image.pixel(at, y) != base]
    assert found, "nothing painted there"
    return found[0], found[-1]


def test_tiles_paint_rotation_and_the_no_caption_badge(qtbot, sample_window, id_of) -> None:
    """A landscape photo turned a quarter is painted upright in its frame (taller than
    wide), and a photo without a caption has the "No caption" badge in its lower-left
    corner, gone once it has a caption.

    Nothing here depends on the font, the screen or the theme: the tile is scrolled into
    view (how many rows fit depends on the text's line height), the photo is found by
    its pixels against the palette's background, and the badge by what a caption changes.
    """
    window = sample_window
    grid, model, loader = window.grid, window.model, window.loader
    side = grid.tile_size
    uncaptioned = id_of(window.archive, "loc_fsa_8b26530.jpg")  # no caption (conftest)
    rotate(window.archive, [uncaptioned], 1)
    model.refresh([uncaptioned])
    window.select_ids([next(i for i in model.ids if i != uncaptioned)])  # a plain tile
    index = model.index_of(uncaptioned)
    grid.scrollTo(index)
    tile = model.tile(index.row())
    assert tile.rotation == 90 and not tile.caption
    qtbot.waitUntil(lambda: loader.known(tile.content_hash), timeout=10_000)
    pixmap = loader.pixmap(tile.content_hash, tile.path)
    assert pixmap is not None and pixmap.width() > pixmap.height()  # a landscape thumbnail

    def grab() -> QImage:
        rect = grid.visualRect(model.index_of(uncaptioned))
        assert grid.viewport().rect().contains(rect)
        return grid.viewport().grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)

    before = grab()
    base = grid.palette().color(QPalette.ColorRole.Base).rgb()
    square = grid.tile_delegate.tile_rect(QRect(0, 0, before.width(), before.height()))
    square_left, square_top = square.x() + PADDING, PADDING  # the photo's square, side²
    # The photo with its one-pixel frame, across the middle of the square and down it.
    left, right = _photo_span(before, base, 0, 0, square_left - 1, square_left + side + 1,
                              True, square_top + side // 2)
    top, bottom = _photo_span(before, base, square_top - 1, square_top + side + 1, 0, 0,
                              False, (left + right) // 2)
    width, height = right - left - 1, bottom - top - 1
    assert height == side  # turned: the thumbnail's width stands up
    assert abs(width - side * pixmap.height() / pixmap.width()) <= 1
    # And what is painted is the thumbnail turned a quarter clockwise (sampled across the
    # middle, clear of the badges in the corners).
    turned = pixmap.toImage().transformed(QTransform().rotate(90))
    samples = [(width * i // 6, height * j // 8) for i in range(1, 6) for j in range(3, 6)]
    near = sum(_close(before.pixel(left + 1 + x, top + 1 + y),
                      turned.pixel(x * turned.width() // width, y * turned.height() // height))
               for x, y in samples)
    assert near >= len(samples) - 2

    apply_edits(window.archive, [uncaptioned], EditRequest(set_values={"caption": "Captioned"}))
    model.refresh([uncaptioned])
    after = grab()
    # What the caption changed in the photo's lower half: the badge, in its left corner.
    changed = [(x, y) for y in range(top + height // 2, bottom + 1) for x in range(left, right)
               if before.pixel(x, y) != after.pixel(x, y)]
    assert changed, "no badge"
    assert 0 < min(x for x, _ in changed) - left <= 8
    assert 0 < bottom - max(y for _, y in changed) <= 8


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
    assert [model.row_of(i) for i in on_screen] == list(range(20))
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
            QCoreApplication.sendPostedEvents()  # the resize's layout requests
            grid.executeDelayedItemsLayout()  # the rows laid out for the width shown
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


def _close(a: int, b: int, tolerance: int = 24) -> bool:
    return all(abs(((a >> s) & 255) - ((b >> s) & 255)) <= tolerance for s in (0, 8, 16))
