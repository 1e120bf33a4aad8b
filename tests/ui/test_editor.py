"""The metadata editor dock on a real SQLite catalog, driven offscreen with pytest-qt."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QToolButton

from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import EditRequest, apply_edits, snapshot
from photoarchive.services.photos import get_photo
from photoarchive.ui.commands import EditFieldsCommand
from photoarchive.ui.editor import EditorDock
from photoarchive.ui.editor.field_widgets import MULTIPLE

HUNGARIAN = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben"


def _import(archive: Archive, files: list[Path]) -> list[int]:
    """Import real files; while the media layer is unfinished, insert their rows directly."""
    try:
        from photoarchive.services.importer import Importer

        report = Importer(archive, workers=1).run(files)
        if len(report.new_ids) == len(files):
            return sorted(report.new_ids)
    except Exception as error:  # noqa: BLE001 (any failure: fall back, with a warning)
        warnings.warn(f"Importing failed ({error}); inserting catalog rows instead.",
                      stacklevel=2)
    from photoarchive.catalog.models import Photo  # test-only fallback

    ids = []
    with archive.session() as session:
        for path in files:
            if session.query(Photo).filter(Photo.path == str(path)).first() is not None:
                continue
            data = path.read_bytes()
            photo = Photo(path=str(path), content_hash=hashlib.sha256(data).hexdigest(),
                          file_size=len(data), file_mtime=path.stat().st_mtime,
                          format="JPEG", width=640, height=480)
            session.add(photo)
            session.flush()
        ids = [p.id for p in session.query(Photo).order_by(Photo.id)]
    return ids


@pytest.fixture(scope="module")
def template(tmp_path_factory, sample_dir: Path) -> tuple[Path, list[Path], list[int]]:
    """Three sample photos imported once per module; each test gets a copy of the catalog."""
    files = sorted(sample_dir.glob("*.jpg"))[:3]
    path = tmp_path_factory.mktemp("editor-template") / "c.sqlite"
    arch = open_archive(path)
    photo_ids = _import(arch, files)
    # A clean, known starting point whatever the files carried.
    values = {"title": "", "caption": "", "date": "", "keywords": [], "people": [],
              "headline": "", "city": "", "credit": "", "rating": "0", "latitude": ""}
    apply_edits(arch, photo_ids, EditRequest(set_values=values), origin="test")
    arch.close()
    return path, files, photo_ids


@pytest.fixture
def archive(tmp_path: Path, template) -> Iterator[Archive]:
    """A real SQLite catalog of its own for each test, opened with services.open_archive."""
    shutil.copyfile(template[0], tmp_path / "c.sqlite")
    arch = open_archive(tmp_path / "c.sqlite")
    yield arch
    arch.close()


@pytest.fixture
def files(template) -> list[Path]:
    return template[1]


@pytest.fixture
def ids(archive: Archive, template) -> list[int]:
    return list(template[2])


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def dock(qtbot, archive: Archive, stack: QUndoStack) -> Iterator[EditorDock]:
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = EditorDock(archive, stack, window)
    editor.autosave_ms = 0  # the tests commit explicitly (and call _autosave_now)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, editor)
    window.resize(900, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    yield editor
    editor.commit_pending()


def type_into(qtbot, dock: EditorDock, name: str, text: str) -> None:
    dock.focus_field(name)
    qtbot.keyClicks(dock.editors[name].input, text)


def field_text(dock: EditorDock, name: str) -> str:
    return dock.editors[name].text()


def edit_log(archive: Archive, photo_id: int) -> list[tuple[str, str | None, str | None, str]]:
    from photoarchive.catalog.models import Edit  # reading the audit log in a test

    with archive.reader() as session:
        rows = session.query(Edit).filter(Edit.photo_id == photo_id, Edit.origin == "gui")
        return [(e.field, e.old, e.new, e.origin) for e in rows.order_by(Edit.id)]


def test_single_caption_edit_is_saved_logged_and_announced(qtbot, dock, archive, stack, ids,
                                                          files):
    dock.set_selection([ids[0]])
    assert dock.heading.text() == files[0].name
    type_into(qtbot, dock, "caption", "Workers leaving the mill")
    assert get_photo(archive, ids[0]).caption is None  # typing stays local
    with qtbot.waitSignal(dock.edited) as signal:
        qtbot.keyClick(dock.editors["caption"].input, Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)
    assert get_photo(archive, ids[0]).caption == "Workers leaving the mill"
    assert signal.args[0].photo_ids == {ids[0]} and signal.args[0].fields == {"caption"}
    assert edit_log(archive, ids[0]) == [("caption", None, "Workers leaving the mill", "gui")]
    assert stack.count() == 1 and stack.undoText() == "Edit caption"
    assert field_text(dock, "caption") == "Workers leaving the mill"


def test_enter_commits_single_line_and_focus_out_commits(qtbot, dock, archive, ids):
    dock.set_selection([ids[0]])
    type_into(qtbot, dock, "title", "Viaduct")
    qtbot.keyClick(dock.editors["title"].input, Qt.Key.Key_Return)
    assert get_photo(archive, ids[0]).title == "Viaduct"
    type_into(qtbot, dock, "city", "Milwaukee")
    dock.focus_field("state")  # focus-out of city commits it
    assert get_photo(archive, ids[0]).city == "Milwaukee"


def test_multi_selection_shows_placeholder_where_values_differ(qtbot, dock, archive, ids):
    apply_edits(archive, ids, EditRequest(set_values={"credit": "Library of Congress"}))
    for number, photo_id in enumerate(ids):
        apply_edits(archive, [photo_id], EditRequest(set_values={"caption": f"Caption {number}"}))
    dock.set_selection(ids)
    assert dock.heading.text() == "3 photos selected"
    caption = dock.editors["caption"]
    assert caption.text() == "" and caption.input.placeholderText() == MULTIPLE
    assert caption.input.font().italic()
    assert field_text(dock, "credit") == "Library of Congress"
    assert dock.editors["credit"].input.placeholderText() != MULTIPLE


def test_editing_title_on_three_changes_only_title(qtbot, dock, archive, stack, ids):
    for number, photo_id in enumerate(ids):
        apply_edits(archive, [photo_id], EditRequest(set_values={
            "caption": f"Caption {number}", "city": f"City {number}"}))
    dock.set_selection(ids)
    # Walk through the differing fields without typing: nothing may change.
    dock.focus_field("caption")
    dock.focus_field("city")
    type_into(qtbot, dock, "title", "Milwaukee housing survey")
    dock.focus_field("caption")  # focus-out commits the title
    assert stack.count() == 1 and stack.undoText() == "Edit title (3 photos)"
    for number, photo_id in enumerate(ids):
        photo = get_photo(archive, photo_id)
        assert photo.title == "Milwaukee housing survey"
        assert (photo.caption, photo.city) == (f"Caption {number}", f"City {number}")
    assert [f for f, *_ in edit_log(archive, ids[1])] == ["title"]
    assert dock.editors["caption"].input.placeholderText() == MULTIPLE


def test_keywords_add_and_remove_on_multi_selection_keep_the_others(qtbot, dock, archive,
                                                                    stack, ids):
    apply_edits(archive, [ids[0]], EditRequest(add_keywords=["Housing", "Bridges"]))
    apply_edits(archive, [ids[1]], EditRequest(add_keywords=["Housing", "Cars"]))
    apply_edits(archive, [ids[2]], EditRequest(add_keywords=["Housing"]))
    dock.set_selection(ids)
    keywords = dock.editors["keywords"]
    assert keywords.shown.common == ["Housing"]
    assert keywords.shown.partial == {"Bridges": 1, "Cars": 1}
    chips = {chip.token: chip for chip in keywords._chips}
    assert chips["Cars"].property("partial") and not chips["Housing"].property("partial")

    type_into(qtbot, dock, "keywords", "Places|USA|Milwaukee")
    qtbot.keyClick(keywords.input, Qt.Key.Key_Return)
    assert stack.undoText() == "Add keyword \u201cPlaces|USA|Milwaukee\u201d (3 photos)"
    assert get_photo(archive, ids[0]).keywords == ["Bridges", "Housing", "Places|USA|Milwaukee"]
    assert get_photo(archive, ids[1]).keywords == ["Cars", "Housing", "Places|USA|Milwaukee"]
    assert get_photo(archive, ids[2]).keywords == ["Housing", "Places|USA|Milwaukee"]

    chips = {chip.token: chip for chip in keywords._chips}
    remove = next(b for b in chips["Housing"].findChildren(QToolButton) if b.text() == "\u00d7")
    remove.click()
    assert [get_photo(archive, i).keywords for i in ids] == [
        ["Bridges", "Places|USA|Milwaukee"], ["Cars", "Places|USA|Milwaukee"],
        ["Places|USA|Milwaukee"]]

    keywords._chips[0].add_all_clicked.emit("Bridges")  # the "+" on a partial chip
    assert all("Bridges" in get_photo(archive, i).keywords for i in ids)
    assert get_photo(archive, ids[1]).keywords == ["Bridges", "Cars", "Places|USA|Milwaukee"]

    # ';' separates several people typed at once; people never touch keywords.
    type_into(qtbot, dock, "people", "Carl Mydans; Ben Shahn;")
    assert [get_photo(archive, i).people for i in ids] == [["Ben Shahn", "Carl Mydans"]] * 3
    assert stack.count() == 5  # each ';' added a person: one step each
    while stack.canUndo():
        stack.undo()
    assert [get_photo(archive, i).keywords for i in ids] == [
        ["Bridges", "Housing"], ["Cars", "Housing"], ["Housing"]]
    assert keywords.shown.common == ["Housing"]


def test_undo_and_redo_restore_exact_values_including_date(qtbot, dock, archive, stack, ids):
    apply_edits(archive, [ids[0]], EditRequest(set_values={"date": "1936-04"}))
    apply_edits(archive, [ids[0]], EditRequest(set_values={"date_display": "Spring 1936"}))
    apply_edits(archive, [ids[1]], EditRequest(set_values={"date": "1937"}))
    names = ["date", "date_display"]
    before = snapshot(archive, ids[:2], names)
    bounds = [(get_photo(archive, i).date_earliest, get_photo(archive, i).date_latest)
              for i in ids[:2]]
    dock.set_selection(ids[:2])
    assert dock.editors["date"].input.placeholderText() == MULTIPLE
    type_into(qtbot, dock, "date", "c. 1930s")
    assert dock.editors["date"].note.text() == "Shown as: c. 1930s"
    assert dock.commit_pending()
    after = snapshot(archive, ids[:2], names)
    assert after == {i: {"date": "193X~", "date_display": "c. 1930s"} for i in ids[:2]}
    assert stack.undoText() == "Edit date (2 photos)"

    with qtbot.waitSignal(dock.edited) as undone:
        stack.undo()
    assert undone.args[0].photo_ids == set(ids[:2])
    assert snapshot(archive, ids[:2], names) == before
    assert [(get_photo(archive, i).date_earliest, get_photo(archive, i).date_latest)
            for i in ids[:2]] == bounds
    assert dock.editors["date"].input.placeholderText() == MULTIPLE  # the dock followed
    assert field_text(dock, "date") == ""
    stack.redo()
    assert snapshot(archive, ids[:2], names) == after
    assert field_text(dock, "date") == "c. 1930s" and field_text(dock, "date_display") == "c. 1930s"
    stack.undo()
    assert snapshot(archive, ids[:2], names) == before


def test_typing_in_one_field_is_one_undo_step(qtbot, dock, archive, stack, ids):
    dock.set_selection([ids[0]])
    type_into(qtbot, dock, "caption", "Houses")
    dock._autosave_now()  # a pause in typing saves, without a new step later
    assert get_photo(archive, ids[0]).caption == "Houses"
    qtbot.keyClicks(dock.editors["caption"].input, " under the ")
    dock._autosave_now()
    assert field_text(dock, "caption") == "Houses under the "  # the echo did not clobber it
    qtbot.keyClicks(dock.editors["caption"].input, "viaduct")
    dock.commit_pending()
    assert get_photo(archive, ids[0]).caption == "Houses under the viaduct"
    assert stack.count() == 1
    type_into(qtbot, dock, "title", "Viaduct")
    dock.commit_pending()
    assert stack.count() == 2  # another field is another step
    stack.undo()
    stack.undo()
    photo = get_photo(archive, ids[0])
    assert (photo.caption, photo.title) == (None, None)
    assert field_text(dock, "caption") == ""


def test_alt_page_down_moves_on_and_keeps_the_cursor_in_the_field(qtbot, dock, archive, ids):
    position = {"index": 0}

    def go(step: int) -> None:
        position["index"] = max(0, min(len(ids) - 1, position["index"] + step))
        dock.set_selection([ids[position["index"]]])

    dock.next_requested.connect(lambda: go(1))
    dock.previous_requested.connect(lambda: go(-1))
    go(0)
    apply_edits(archive, [ids[1]], EditRequest(set_values={"caption": "Already there"}))
    type_into(qtbot, dock, "caption", "First photo")
    alt = Qt.KeyboardModifier.AltModifier
    with qtbot.waitSignal(dock.next_requested):
        qtbot.keyClick(dock.editors["caption"].input, Qt.Key.Key_PageDown, alt)
    assert get_photo(archive, ids[0]).caption == "First photo"
    assert dock.selection() == [ids[1]]
    caption = dock.editors["caption"]
    assert caption.has_input_focus() and QApplication.focusWidget() is caption.input
    assert caption.text() == "Already there"
    assert caption.input.textCursor().position() == len("Already there")
    qtbot.keyClicks(caption.input, ".")
    qtbot.keyClick(caption.input, Qt.Key.Key_PageUp, alt)
    assert get_photo(archive, ids[1]).caption == "Already there."
    assert dock.selection() == [ids[0]] and caption.has_input_focus()
    # Single-line fields and the keyword field work the same way.
    type_into(qtbot, dock, "keywords", "Viaducts")
    qtbot.keyClick(dock.editors["keywords"].input, Qt.Key.Key_PageDown, alt)
    assert get_photo(archive, ids[0]).keywords == ["Viaducts"]
    assert dock.editors["keywords"].has_input_focus() and dock.selection() == [ids[1]]


def test_every_kind_of_field_takes_the_photo_keys_before_a_window_shortcut(qtbot, dock, ids):
    """Alt+Page Down / Up move on from a text, line, date, rating or keyword field alike,
    even when a window action has the same keys (the field claims them first)."""
    window = dock.parentWidget()
    stolen: list[str] = []
    for keys in ("Alt+PgDown", "Alt+PgUp"):
        action = QAction(keys, window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False, k=keys: stolen.append(k))
        window.addAction(action)
    dock.set_selection([ids[0]])
    alt = Qt.KeyboardModifier.AltModifier
    for name in ("caption", "headline", "date", "rating", "keywords"):
        editor = dock.editors[name]
        dock.focus_field(name)
        qtbot.waitUntil(editor.has_input_focus)
        with qtbot.waitSignal(dock.next_requested):
            qtbot.keyClick(editor.input, Qt.Key.Key_PageDown, alt)
        with qtbot.waitSignal(dock.previous_requested):
            qtbot.keyClick(editor.input, Qt.Key.Key_PageUp, alt)
    assert stolen == []


def test_invalid_date_shows_an_error_and_is_not_committed(qtbot, dock, archive, stack, ids):
    apply_edits(archive, [ids[0]], EditRequest(set_values={"date": "1936"}))
    dock.set_selection([ids[0]])
    date = dock.editors["date"]
    assert date.note.isHidden()  # "Date as shown" says it; the note is for typing
    dock.focus_field("date")
    date.input.selectAll()
    qtbot.keyClicks(date.input, "spring-ish 36")
    assert date.note.isVisible() and "is not a date" in date.note.text()  # as you type
    assert date.input.property("invalid")
    qtbot.keyClick(date.input, Qt.Key.Key_Return)
    assert date.error and get_photo(archive, ids[0]).date == "1936"
    dock.focus_field("title")  # focus-out does not save it either
    assert get_photo(archive, ids[0]).date == "1936" and date.touched
    assert stack.count() == 0
    moved = []
    dock.next_requested.connect(lambda: moved.append(True))
    dock.focus_field("date")
    qtbot.keyClick(date.input, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert not moved and "Not saved yet: date \u201cspring-ish 36\u201d" in dock.status.text()
    qtbot.keyClick(date.input, Qt.Key.Key_Escape)  # back to the saved value
    assert date.text() == "1936" and not date.error and dock.status.isHidden()
    for typed, shown in [("1956-10", "October 1956"), ("1950s", "1950s"),
                         ("1956-10-23/1956-11-10", "23 October \u2013 10 November 1956")]:
        date.input.setText(typed)
        assert date.note.text() == f"Shown as: {shown}"


def test_the_date_field_reads_as_written_beside_its_edtf_and_selects_on_entry(
        qtbot, dock, archive, ids):
    dock.set_selection([ids[0]])
    date = dock.editors["date"]
    type_into(qtbot, dock, "date", "November 1956")
    qtbot.keyClick(date.input, Qt.Key.Key_Return)
    assert get_photo(archive, ids[0]).date == "1956-11"
    dock.set_selection([ids[1]])
    dock.set_selection([ids[0]])  # shown afresh from the catalog
    # The field reads as the curator wrote it (the display form); the EDTF stands beside it.
    assert date.text() == "November 1956" and not date.touched
    assert date.edtf.isVisible() and "1956-11" in date.edtf.text()

    dock.focus_field("title")
    end = QPoint(date.input.width() - 4, date.input.height() // 2)
    qtbot.mouseClick(date.input, Qt.MouseButton.LeftButton, pos=end)
    assert date.has_input_focus()
    qtbot.waitUntil(lambda: date.input.selectedText() == "November 1956")
    qtbot.keyClicks(date.input, "Dec 1956")  # replaces the date, not "November 1956Dec…"
    assert date.text() == "Dec 1956" and "1956-12" in date.edtf.text()
    qtbot.keyClick(date.input, Qt.Key.Key_Tab)
    assert get_photo(archive, ids[0]).date == "1956-12" and date.text() == "December 1956"
    qtbot.keyClick(dock.editors["date_display"].input, Qt.Key.Key_Backtab)
    assert date.has_input_focus() and date.input.selectedText() == "December 1956"

    # A form that does not read back as the same date is shown as the EDTF itself.
    apply_edits(archive, [ids[1]], EditRequest(set_values={"date": "1956-10-23/1956-11-10"}))
    dock.set_selection([ids[1]])
    assert date.text() == "1956-10-23/1956-11-10" and date.edtf.isHidden()
    assert field_text(dock, "date_display") == "23 October \u2013 10 November 1956"
    dock.set_selection(ids[:2])  # several dates: "Multiple values", no EDTF
    assert date.text() == "" and date.edtf.isHidden()


def test_a_keyword_just_added_is_offered_for_the_next_photo_at_once(qtbot, dock, archive,
                                                                   ids):
    position = {"index": 0}

    def go(step: int) -> None:
        position["index"] += step
        dock.set_selection([ids[position["index"]]])

    dock.next_requested.connect(lambda: go(1))
    go(0)
    keywords = dock.editors["keywords"]
    type_into(qtbot, dock, "keywords", "Viaducts")
    qtbot.keyClick(keywords.input, Qt.Key.Key_Return)
    assert get_photo(archive, ids[0]).keywords == ["Viaducts"]
    qtbot.keyClick(keywords.input, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert dock.selection() == [ids[1]] and keywords.has_input_focus()  # never left it
    qtbot.keyClicks(keywords.input, "Via")
    assert "Viaducts" in keywords.model.stringList()
    assert keywords.completer.completionCount() == 1
    assert keywords.completer.currentCompletion() == "Viaducts"


def test_non_ascii_caption_round_trips_as_nfc(qtbot, dock, archive, ids):
    dock.set_selection([ids[0]])
    dock.focus_field("caption")
    dock.editors["caption"].input.setPlainText(unicodedata.normalize("NFD", HUNGARIAN))
    assert dock.commit_pending()
    stored = get_photo(archive, ids[0]).caption
    assert stored == HUNGARIAN and unicodedata.is_normalized("NFC", stored)
    dock.editors["title"].input.setText(HUNGARIAN[:8])
    dock.set_selection([ids[1]])  # a selection change commits
    assert get_photo(archive, ids[0]).title == "Budapest"
    dock.set_selection([ids[0]])
    assert field_text(dock, "caption") == HUNGARIAN


def test_bad_values_are_refused_inline(qtbot, dock, archive, stack, ids):
    dock.set_selection([ids[0]])
    type_into(qtbot, dock, "latitude", "123.5")
    assert not dock.commit_pending()
    assert "between -90 and 90" in dock.editors["latitude"].error
    assert dock.editors["latitude"].note.isVisible()
    assert get_photo(archive, ids[0]).latitude is None and stack.count() == 0
    dock.editors["latitude"].input.setText("43,04")
    assert dock.commit_pending()
    assert get_photo(archive, ids[0]).latitude == pytest.approx(43.04)
    assert not dock.editors["latitude"].error


def test_rating_and_refresh_from_elsewhere_do_not_clobber_typing(qtbot, dock, archive, ids):
    dock.set_selection(ids[:2])
    rating = dock.editors["rating"]
    rating.focus_input()
    qtbot.keyClick(rating.input, Qt.Key.Key_4)
    assert [get_photo(archive, i).rating for i in ids[:2]] == [4, 4]
    type_into(qtbot, dock, "headline", "Half typed")
    apply_edits(archive, [ids[0]], EditRequest(set_values={"headline": "Elsewhere",
                                                           "city": "Milwaukee"}))
    dock.refresh({ids[0]})
    assert field_text(dock, "headline") == "Half typed"
    assert dock.editors["city"].input.placeholderText() == MULTIPLE
    dock.commit_pending()
    assert [get_photo(archive, i).headline for i in ids[:2]] == ["Half typed"] * 2


def test_edit_command_uses_the_service_both_ways_and_merges(archive, ids):
    seen = []
    old = snapshot(archive, ids[:2], ["title"])
    first = EditFieldsCommand(archive, ids[:2], EditRequest(set_values={"title": "A"}), old,
                              text="Edit title (2 photos)", on_change=seen.append,
                              merge_key="title", session=1)
    stack = QUndoStack()
    stack.push(first)
    second = EditFieldsCommand(archive, ids[:2], {i: {"title": "AB"} for i in ids[:2]},
                               snapshot(archive, ids[:2], ["title"]), text="Edit title",
                               on_change=seen.append, merge_key="title", session=1)
    stack.push(second)
    assert stack.count() == 1 and get_photo(archive, ids[0]).title == "AB"
    stack.undo()
    assert [get_photo(archive, i).title for i in ids[:2]] == [None, None]
    stack.redo()
    assert [get_photo(archive, i).title for i in ids[:2]] == ["AB", "AB"]
    assert len(seen) == 4 and seen[-1].fields == {"title"}
    back = EditFieldsCommand(archive, ids[:2], EditRequest(set_values={"title": ""}),
                             snapshot(archive, ids[:2], ["title"]), merge_key="title",
                             session=1)
    stack.push(back)  # typed back to the start: the step disappears
    assert stack.count() == 0
    failed = []
    bad = EditFieldsCommand(archive, [ids[0], 999_999], EditRequest(set_values={"title": "X"}),
                            {}, on_error=failed.append)
    stack.push(bad)
    assert failed and "999999" in str(failed[0]) and stack.count() == 0
    assert get_photo(archive, ids[0]).title is None


def test_clear_on_all_completion_and_reselecting_the_same_photos(qtbot, dock, archive, stack,
                                                                 ids):
    for number, photo_id in enumerate(ids):
        apply_edits(archive, [photo_id], EditRequest(set_values={"caption": f"Caption {number}"}))
    apply_edits(archive, [ids[0]], EditRequest(add_keywords=["Places|USA|Milwaukee"],
                                                add_people=["Carl Mydans"]))
    dock.set_selection(ids)
    dock.editors["caption"].clear_all()  # the context menu's "Clear on all selected photos"
    assert [get_photo(archive, i).caption for i in ids] == [None] * 3
    assert stack.undoText() == "Edit caption (3 photos)"
    dock.focus_field("keywords")
    assert "Places|USA|Milwaukee" in dock.editors["keywords"].model.stringList()
    dock.focus_field("people")
    assert dock.editors["people"].model.stringList() == ["Carl Mydans"]
    # A view re-sending the same selection saves the typing without moving the cursor.
    type_into(qtbot, dock, "title", "Milwaukee")
    title = dock.editors["title"].input
    title.setCursorPosition(3)
    dock.set_selection(list(ids))
    assert [get_photo(archive, i).title for i in ids] == ["Milwaukee"] * 3
    assert title.hasFocus() and title.cursorPosition() == 3
    assert stack.count() == 2


def test_pause_in_typing_saves_and_a_deferred_selection_still_refocuses(qtbot, dock, archive,
                                                                        stack, ids):
    dock.autosave_ms = 50
    dock.set_selection([ids[0]])
    type_into(qtbot, dock, "headline", "Slum clearance")
    qtbot.waitUntil(lambda: get_photo(archive, ids[0]).headline == "Slum clearance",
                    timeout=2000)
    assert dock.editors["headline"].has_input_focus() and stack.count() == 1
    # A window that applies the new selection on the next turn of the event loop.
    dock.next_requested.connect(lambda: QTimer.singleShot(0, lambda: dock.set_selection(
        [ids[1]])))
    dock.editors["headline"].input.setFocus()
    qtbot.keyClick(dock.editors["headline"].input, Qt.Key.Key_PageDown,
                   Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dock.selection() == [ids[1]], timeout=2000)
    assert dock.editors["headline"].has_input_focus()


def test_thousands_of_partial_keywords_show_the_commonest_as_chips(qtbot, dock):
    from photoarchive.services.selection import ShownTokens
    from photoarchive.ui.editor.tokens import MAX_CHIPS

    field = dock.editors["keywords"]
    partial = {f"Place {n:04d}": 1 + n % 7 for n in range(3000)}
    field.set_shown(ShownTokens(["Budapest"], partial, 100))
    chips = field.tokens()
    assert len(chips) == MAX_CHIPS and "Budapest" in chips
    assert all(partial[t] == 7 for t in chips if t != "Budapest")  # the commonest
    assert not field.more.isHidden()
    assert field.more.text() == (f"\u2026 and {3000 - MAX_CHIPS + 1:,} more keywords on some "
                                 "of the selected photos")
    field.set_shown(ShownTokens(["Budapest"], {"Óbuda": 2}, 3))
    assert field.tokens() == ["Budapest", "Óbuda"] and field.more.isHidden()
