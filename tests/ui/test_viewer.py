"""The viewer: open from the grid, move with the keyboard, come back with the selection
kept, rotate (stored in the catalog), decode large images off the GUI thread; and the
screenshot command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from photoarchive.services import open_archive
from photoarchive.services.photos import get_photo


def test_open_move_and_return_with_the_selection_kept(qtbot, sample_window) -> None:
    window = sample_window
    ids = window.model.ids
    window.select_ids([ids[2]])
    window.grid.setFocus()
    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    assert window.viewer_shown and window.viewer.photo_id == ids[2]
    assert "<b>" in window.viewer.info.text()

    view = window.viewer.view
    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.viewer.photo_id == ids[3] and window.grid.current_id() == ids[3]
    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_PageUp)
    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Left)
    assert window.viewer.photo_id == ids[2]

    view.actual_size()
    assert abs(view.current_scale() * view.devicePixelRatioF() - 1) < 1e-6
    view.zoom_by(2.0)
    view.fit()
    assert view.fitting

    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not window.viewer_shown
    assert window.selected_ids() == [ids[2]] and window.grid.current_id() == ids[2]


def test_rotation_is_stored_in_the_catalog(qtbot, sample_window) -> None:
    window = sample_window
    target = window.model.ids[0]
    with qtbot.waitSignal(window.viewer.image_loaded, timeout=10_000):
        window.open_viewer(target)
    window.right_action.trigger()
    window.right_action.trigger()
    window.left_action.trigger()
    assert get_photo(window.archive, target).rotation == 90
    assert window.model.tile(window.model.row_of(target)).rotation == 90
    assert window.viewer.view._item.rotation() == 90
    # From the grid, rotating turns every selected photo.
    window.show_grid()
    window.select_ids(window.model.ids[:3])
    window.left_action.trigger()
    assert [get_photo(window.archive, i).rotation for i in window.model.ids[:3]] == [0, 270, 270]
    # The editor shows the size as turned.
    window.select_ids([window.model.ids[1]])  # turned 270°
    photo = get_photo(window.archive, window.model.ids[1])
    turned = f"{photo.height} \u00d7 {photo.width}"
    qtbot.waitUntil(lambda: turned in window.editor.subheading.text(), timeout=5000)
    window.select_ids(window.model.ids[:3])
    # Each turn is one undo step: undo the grid's turn, then one of the viewer's.
    assert window.undo_stack.undoText() == "Rotate left (3 photos)"
    window.undo_stack.undo()
    assert [get_photo(window.archive, i).rotation for i in window.model.ids[:3]] == [90, 0, 0]
    assert window.model.tile(window.model.row_of(target)).rotation == 90
    window.undo_stack.undo()
    assert get_photo(window.archive, target).rotation == 180
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert [get_photo(window.archive, i).rotation for i in window.model.ids[:3]] == [0, 270, 270]
    reopened = open_archive(window.archive.path)
    try:
        assert get_photo(reopened, target).rotation == 0
        assert get_photo(reopened, window.model.ids[1]).rotation == 270
    finally:
        reopened.close()


def test_a_large_image_decodes_without_blocking(qtbot, make_window, empty_archive,
                                               tmp_path: Path) -> None:
    from photoarchive.catalog.models import Photo

    big = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), (120, 80, 40)).save(big, quality=70)
    now = datetime.now(UTC)
    with empty_archive.session() as session:
        session.add(Photo(path=str(big), content_hash="cd" * 32, file_size=big.stat().st_size,
                          file_mtime=big.stat().st_mtime, orientation=1, rotation=0,
                          missing=False, rating=0, created_at=now, modified_at=now))
    window = make_window(empty_archive)
    photo_id = window.model.ids[0]
    loaded: list[bool] = []
    window.viewer.image_loaded.connect(lambda *_: loaded.append(True))
    window.open_viewer(photo_id)
    # Back from open_viewer with the image still to come: it is decoded on a worker
    # thread, not before open_viewer returns (how long that takes is not a test's
    # business; a 6000 x 4000 photo's decoding is what this is about).
    assert window.viewer.loading and not loaded
    qtbot.waitUntil(lambda: bool(loaded), timeout=30_000)
    assert not window.viewer.loading and window.viewer.error is None
    assert window.viewer.view._item.pixmap().width() == 6000


def test_screenshot_command_writes_a_real_picture(sample_archive, tmp_path: Path) -> None:
    out = tmp_path / "shots" / "viewer.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "photoarchive.launcher", "gui", "--catalog",
         str(sample_archive.path), "--screenshot", str(out), "--select", "3", "--view",
         "viewer"], capture_output=True, text=True, env=env, timeout=90, check=False)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    values = [QImage.pixel(image, x, y) & 0xFF for x in range(0, 1280, 16)
              for y in range(0, 800, 16)]
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    assert variance > 200  # not a blank or single-colour window
