"""The main window, driven like a user would: import, search, sort, sidebar, editing
echoes, preferences, and the launcher's choice between window and command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from photoarchive.services import collections
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.photos import get_photo, get_photos
from photoarchive.settings import Settings
from photoarchive.ui.dialogs.importing import ImportReportDialog
from photoarchive.ui.sidebar import ALL_PHOTOS, Source

CORPUS_FILES = ("Canon_40D.jpg", "hopper.gif", "PNG.png", "flower.webp", "broken.png")


def _drop_urls(widget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


def test_empty_catalog_welcomes_then_a_drop_imports(qtbot, make_window, empty_archive,
                                                    corpus_dir: Path, tmp_path: Path) -> None:
    window = make_window(empty_archive)
    assert window.pages.currentWidget() is window.welcome
    folder = tmp_path / "drop"
    folder.mkdir()
    for name in CORPUS_FILES:
        (folder / name).write_bytes((corpus_dir / name).read_bytes())

    with qtbot.waitSignal(window.import_finished, timeout=60_000) as finished:
        _drop_urls(window, [folder])
        assert window.import_progress.isVisible()
    report = finished.args[0]
    assert report.added == 4 and [Path(p).name for p, _ in report.failed] == ["broken.png"]
    qtbot.waitUntil(lambda: window.model.rowCount() == 4 and window.total == 4)
    assert window.pages.currentWidget() is window.browser
    assert not window.import_progress.isVisible()
    assert window.sidebar.count_of(ALL_PHOTOS) == 4
    assert window.sidebar.count_of(Source("recent", "Recently imported")) == 4
    dialog = window.findChild(ImportReportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.item(0, 0).text() == "broken.png" and dialog.table.item(0, 1).text()
    assert "4 added" in window.statusBar().currentMessage()
    dialog.close()


def test_cancel_stops_an_import(qtbot, make_window, empty_archive, sample_dir: Path) -> None:
    window = make_window(empty_archive)
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as finished:
        window.import_paths([sample_dir])
        qtbot.mouseClick(window.import_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].cancelled
    assert window.statusBar().currentMessage().startswith("Import stopped")
    assert not window.import_progress.isVisible()


def test_search_filters_as_you_type_and_shows_errors_inline(qtbot, sample_window) -> None:
    window = sample_window
    assert window.model.rowCount() == 12
    with qtbot.waitSignal(window.results_changed, timeout=5000) as changed:
        qtbot.keyClicks(window.search.edit, "viaduct")
    assert changed.args == [1]
    title = get_photo(window.archive, window.model.ids[0]).text["title"]
    assert "viaduct" in title.lower()

    with qtbot.waitSignal(window.results_changed, timeout=5000):
        window.search.edit.setText('"unclosed phrase')
    error = window.browser.query_error
    assert error.isVisible() and "quote" in error.text()

    with qtbot.waitSignal(window.results_changed, timeout=5000):
        window.search.edit.setText("city:Milwaukee -viaduct")
    assert window.model.rowCount() == 11 and not error.isVisible()


def test_sort_by_title(qtbot, sample_window) -> None:
    window = sample_window
    with qtbot.waitSignal(window.results_changed, timeout=5000):
        window.search.set_sort("title")
    titles = [r.text["title"] for r in get_photos(window.archive, window.model.ids)]
    assert titles == sorted(titles, key=str.lower)
    assert window.settings.sort == "title"


def test_sidebar_counts_sources_and_collections(qtbot, sample_window, id_of) -> None:
    window = sample_window
    sidebar = window.sidebar
    needs_caption = Source("search", "Needs a caption", query="missing:caption")
    assert sidebar.count_of(needs_caption) == 1
    with qtbot.waitSignal(window.results_changed, timeout=5000):
        window.set_source(needs_caption)
    assert window.model.ids == [id_of(window.archive, "loc_fsa_8b26530.jpg")]

    # Drop two photos on a new collection in the sidebar.
    with qtbot.waitSignal(window.results_changed, timeout=5000):
        window.set_source(ALL_PHOTOS)
    collections.create(window.archive, "Railways")
    with qtbot.waitSignal(sidebar.collections_changed):
        window.refresh_counts()
        qtbot.waitUntil(lambda: sidebar.count_of(Source("collection", "Railways",
                                                        name="Railways")) == 0)
        ids = list(collections.show(window.archive, "Milwaukee, April 1936").photo_ids[:2])
        window.select_ids(ids)
        mime = window.model.mimeData([window.model.index_of(i) for i in ids])
        item = sidebar._find(Source("collection", "Railways", name="Railways"))
        event = QDropEvent(QPointF(sidebar.visualItemRect(item).center()),
                           Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
        sidebar.dropEvent(event)
    # Dropped photos join in the grid's order.
    in_grid_order = [i for i in window.model.ids if i in ids]
    assert collections.show(window.archive, "Railways").photo_ids == in_grid_order
    qtbot.waitUntil(lambda: sidebar.count_of(Source("collection", "Railways",
                                                    name="Railways")) == 2)

    # A collection shows its own order; a drop inside the grid reorders it.
    milwaukee = Source("collection", "Milwaukee, April 1936", name="Milwaukee, April 1936")
    with qtbot.waitSignal(window.results_changed, timeout=5000):
        window.set_source(milwaukee)
    order = collections.show(window.archive, milwaukee.name).photo_ids
    assert window.model.ids == order and window.model.reorderable
    window.grid.reorder_requested.emit([order[0]], 5)
    expected = order[1:5] + [order[0]] + order[5:]
    assert window.model.ids == expected
    assert collections.show(window.archive, milwaukee.name).photo_ids == expected
    assert window.selected_ids() == [order[0]]


def test_edits_refresh_only_their_rows_and_counts(qtbot, sample_window, id_of) -> None:
    window = sample_window
    target = id_of(window.archive, "loc_fsa_8b26530.jpg")
    row = window.model.row_of(target)
    assert window.model.tile(row).caption is None
    changes = apply_edits(window.archive, [target],
                          EditRequest(set_values={"caption": "Wooden houses."}), "gui")
    with qtbot.waitSignal(window.model.dataChanged) as changed:
        window._edited(changes)
    assert changed.args[0].row() == row
    assert window.model.tile(row).caption == "Wooden houses."
    needs_caption = Source("search", "Needs a caption", query="missing:caption")
    qtbot.waitUntil(lambda: window.sidebar.count_of(needs_caption) == 0)


def test_editor_navigation_moves_the_grid(qtbot, sample_window) -> None:
    window = sample_window
    ids = window.model.ids
    window.select_ids([ids[0]])
    window.editor.next_requested.emit()
    assert window.selected_ids() == [ids[1]] and window.grid.current_id() == ids[1]
    window.editor.next_requested.emit()
    window.editor.previous_requested.emit()
    assert window.selected_ids() == [ids[1]]
    edit_menu = next(a for a in window.menuBar().actions() if a.text() == "&Edit").menu()
    undo, redo = edit_menu.actions()[:2]
    assert undo.shortcut().toString() == "Ctrl+Z"
    redo_keys = [k.toString() for k in redo.shortcuts()]
    assert "Ctrl+Shift+Z" in redo_keys and len(redo_keys) == len(set(redo_keys))


def test_keyboard_select_all_and_thumbnail_size(qtbot, sample_window) -> None:
    window = sample_window
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.selected_ids()) == 12
    assert window.selection_label.text() == "12 selected"
    ids = window.model.ids
    window.select_ids([ids[5], ids[1], ids[2]])
    assert window.selected_ids() == [ids[1], ids[2], ids[5]]
    assert window.grid.selected_count() == 3
    size = window.grid.tile_size
    window.zoom_in()
    assert window.grid.tile_size == size + 20 and window.size_slider.value() == size + 20
    window.size_slider.setValue(120)
    assert window.grid.tile_size == 120


def test_preferences_are_kept_between_runs(qtbot, make_window, sample_archive,
                                           _home: Path) -> None:
    settings = Settings.load()
    window = make_window(sample_archive, settings)
    window.size_slider.setValue(140)
    window.search.set_sort("title")
    window.close()
    saved = json.loads((_home / "settings.json").read_text(encoding="utf-8"))
    assert saved["thumbnail_size"] == 140 and saved["sort"] == "title"
    assert saved["window_geometry"]
    again = make_window(sample_archive, Settings.load())
    assert again.grid.tile_size == 140 and again.search.sort_key == "title"
    (_home / "settings.json").write_text("{not json", encoding="utf-8")
    assert Settings.load() == Settings()


def test_launcher_without_a_display_prints_the_summary(tmp_path: Path, _home: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PHOTOARCHIVE_HOME": str(_home)}
    result = subprocess.run(
        [sys.executable, "-m", "photoarchive.launcher", "--catalog", str(tmp_path / "c.sqlite")],
        capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "0 photos" in result.stdout and "usage: photoarchive" in result.stdout
    assert "needs a display" in result.stdout


def test_launcher_sends_subcommands_to_the_cli(monkeypatch, tmp_path: Path) -> None:
    from photoarchive import cli, launcher

    calls = []
    monkeypatch.setattr(cli, "main", lambda argv: calls.append(list(argv)) or 0)
    assert launcher.main(["--catalog", "x.sqlite", "list", "--json"]) == 0
    assert launcher.main(["--help"]) == 0
    assert calls == [["--catalog", "x.sqlite", "list", "--json"], ["--help"]]


@pytest.mark.parametrize("argv", [["--bogus"], ["--catalog", "c.sqlite", "--bogus"],
                                  ["--catalog=c.sqlite", "-x"]])
def test_launcher_refuses_unknown_options_with_or_without_a_display(
        tmp_path: Path, _home: Path, argv: list[str]) -> None:
    for display in ({}, {"QT_QPA_PLATFORM": "offscreen"}):
        env = {"PATH": "/usr/bin:/bin", "PHOTOARCHIVE_HOME": str(_home), **display}
        result = subprocess.run([sys.executable, "-m", "photoarchive.launcher", *argv],
                                capture_output=True, text=True, env=env, timeout=60,
                                check=False, cwd=tmp_path)
        assert result.returncode == 2, (display, result.stdout, result.stderr)
        assert "unrecognized arguments" in result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "c.sqlite").exists()
