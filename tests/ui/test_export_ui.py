"""Publishing and exchange from the window: File → Export Gallery… (with the live preview),
Import Metadata from CSV… (diff first, one undo step, refusal with the rows named), and
the CSV and Dublin Core exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from waiting import poll_until

from photoarchive.services.collections import list_collections
from photoarchive.services.export_gallery import GallerySettings, export_gallery, select_photos
from photoarchive.services.gallery_settings import gallery_start
from photoarchive.services.photos import get_photo


def action(window, text: str) -> QAction:
    found = [a for a in window.findChildren(QAction) if a.text() == text]
    assert len(found) == 1, text
    return found[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def export_csv(qtbot, window, path: Path) -> list[dict[str, str]]:
    with qtbot.waitSignal(window.publishing.exported, timeout=10_000) as done:
        window.publishing.export_csv(path, bom=True)
    assert done.args[0].startswith("Wrote 12 photos (the photos shown)")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheet programs
    return read_csv(path)


def test_csv_import_shows_the_diff_applies_in_one_step_and_undo_restores(
        qtbot, sample_window, tmp_path: Path) -> None:
    window, archive = sample_window, sample_window.archive
    rows = export_csv(qtbot, window, tmp_path / "photos.csv")
    first, second = rows[0], rows[1]
    old_caption = first["caption"]
    old = get_photo(archive, int(second["id"]))
    first["caption"] = "Újraírt felirat: <b>Ödön</b>"
    second["date"] = "c. 1937"
    edited = tmp_path / "edited.csv"
    write_csv(edited, rows)
    depth = window.undo_stack.count()

    window.publishing.import_csv(edited)
    qtbot.waitUntil(lambda: window.publishing.csv_dialog is not None, timeout=10_000)
    dialog = window.publishing.csv_dialog
    assert not dialog.refused and dialog.isVisible()
    table = dialog.table
    shown = {(table.item(r, 1).text(), table.item(r, 3).text()) for r in range(table.rowCount())}
    assert shown == {("Caption", "Újraírt felirat: <b>Ödön</b>"), ("Date", "1937~"),
                     ("Date as shown", "c. 1937")}
    assert "(row 2)" in table.item(0, 0).text()
    assert get_photo(archive, int(first["id"])).caption == old_caption  # not yet

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert get_photo(archive, int(first["id"])).caption == "Újraírt felirat: <b>Ödön</b>"
    assert get_photo(archive, int(second["id"])).date == "1937~"
    assert window.undo_stack.count() == depth + 1

    window.undo_stack.undo()
    assert get_photo(archive, int(first["id"])).caption == old_caption
    back = get_photo(archive, int(second["id"]))
    assert (back.date, back.date_display) == (old.date, old.date_display)
    window.undo_stack.redo()
    assert get_photo(archive, int(second["id"])).date == "1937~"


def test_csv_with_a_bad_row_is_refused_with_the_row_named(qtbot, sample_window,
                                                           tmp_path: Path) -> None:
    window, archive = sample_window, sample_window.archive
    rows = export_csv(qtbot, window, tmp_path / "photos.csv")
    rows[0]["caption"] = "Would change"
    rows[3]["date"] = "the spring of nineteen thirty-six"
    bad = tmp_path / "bad.csv"
    write_csv(bad, rows)
    window.publishing.import_csv(bad)
    qtbot.waitUntil(lambda: window.publishing.csv_dialog is not None, timeout=10_000)
    dialog = window.publishing.csv_dialog
    assert dialog.refused and dialog.apply_button is None
    assert dialog.table.item(0, 0).text() == "5" and dialog.table.item(0, 1).text() == "date"
    assert get_photo(archive, int(rows[0]["id"])).caption != "Would change"
    dialog.close()


def test_dublin_core_export_writes_every_photo_shown(qtbot, sample_window, tmp_path) -> None:
    out = tmp_path / "photos.jsonld"
    with qtbot.waitSignal(sample_window.publishing.exported, timeout=10_000):
        sample_window.publishing.export_dublin_core(out)
    assert len(json.loads(out.read_text(encoding="utf-8"))["@graph"]) == 12


def test_gallery_dialog_previews_and_exports_a_collection(qtbot, sample_window,
                                                          tmp_path: Path) -> None:
    window = sample_window
    (collection,) = list_collections(window.archive)  # the sample's one collection
    action(window, "Export &Gallery…").trigger()
    dialog = window.publishing.gallery_dialog
    assert dialog.isVisible() and dialog.shown_radio.isChecked()
    assert dialog.title_edit.text() == "Photographs"
    dialog.collection_radio.setChecked(True)
    assert dialog.title_edit.text() == collection.name  # filled from the collection
    assert dialog.intro_edit.toPlainText() == collection.description
    dialog.intro_edit.setPlainText("Photographs by **Carl Mydans** <script>x</script>")
    qtbot.waitUntil(lambda: "<script>" in dialog.preview.toPlainText())  # raw HTML: text
    html = dialog.preview.toHtml()
    assert "font-weight:700" in html or "font-weight:600" in html  # **strong** rendered
    assert not dialog.export_button.isEnabled()  # no folder yet
    out = tmp_path / "gallery"
    dialog.out_edit.setText(str(out))
    dialog.image_size.setValue(320)
    dialog.thumb_size.setValue(400)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "larger" in dialog.error_label.text()  # refused, explained
    dialog.thumb_size.setValue(120)
    assert dialog.export_button.text() == "Export 12 Photos"
    window.publishing.gallery_workers = 1  # no process pool start-up in a test

    with qtbot.waitSignal(window.publishing.gallery_exported, timeout=60_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert window.jobs.progress.isVisible()
    report = done.args[0]
    assert report.photos == 12 and not report.failed and not report.cancelled
    index = (out / "index.html").read_text(encoding="utf-8")
    assert collection.name in index and "<strong>Carl Mydans</strong>" in index
    assert "&lt;script&gt;" in index
    assert len(list((out / "photos").glob("*.html"))) == 12
    box = window.publishing.message
    assert box is not None and box.isVisible()
    assert any(b.text() == "Open index.html" for b in box.buttons())
    assert box.icon() == QMessageBox.Icon.Information
    assert "have no alt text" in box.text()
    box.close()
    remembered = gallery_start(window.archive, collection.name)  # for the next export
    assert remembered.out_dir == out and remembered.settings.intro.startswith("Photographs by")


def test_gallery_dialog_starts_from_the_collections_last_export(qtbot, sample_window,
                                                                tmp_path: Path) -> None:
    window = sample_window
    (collection,) = list_collections(window.archive)
    out = tmp_path / "published"
    chosen = GallerySettings(title="Milwaukee, as published", intro="The *published* words.",
                             image_size=320, thumb_size=120)
    export_gallery(window.archive, select_photos(window.archive, collection.name)[0], out,
                   chosen, collection=collection.name, workers=1)
    action(window, "Export &Gallery…").trigger()
    dialog = window.publishing.gallery_dialog
    assert dialog.shown_radio.isChecked() and dialog.title_edit.text() == "Photographs"
    assert dialog.gaps_label.text().startswith("12 of the 12 photos have no alt text")
    dialog.collection_radio.setChecked(True)
    assert dialog.title_edit.text() == "Milwaukee, as published"
    assert dialog.intro_edit.toPlainText() == "The *published* words."
    assert (dialog.image_size.value(), dialog.thumb_size.value()) == (320, 120)
    assert dialog.out_edit.text() == str(out)
    assert dialog.gaps_label.isVisibleTo(dialog)
    assert dialog.gaps_label.text() == (
        "12 of the 12 photos have no alt text (a description of the picture for people who "
        f'cannot see it). To list them, search for: collection:"{collection.name}" '
        "missing:alt_text")
    dialog.title_edit.setText("My own title")  # the curator's text is never overwritten
    dialog.shown_radio.setChecked(True)
    assert dialog.title_edit.text() == "My own title"
    assert dialog.out_edit.text() == ""  # the collection's folder was ours, not theirs
    assert dialog.image_size.value() == 1600  # the photos shown: the default sizes
    dialog.out_edit.setText(str(out))  # a folder with a gallery: its sizes come back
    assert (dialog.image_size.value(), dialog.thumb_size.value()) == (320, 120)
    assert dialog.title_edit.text() == "My own title"
    dialog.image_size.setValue(1600)
    dialog.collection_radio.setChecked(True)
    assert dialog.image_size.value() == 1600  # changed by the curator: kept
    choice = dialog.choice()
    assert (choice.collection, choice.settings.title, choice.settings.thumb_size) == (
        collection.name, "My own title", 120)
    dialog.reject()


def test_cancel_in_the_status_bar_stops_a_menu_job(qtbot, sample_window) -> None:
    window = sample_window
    results: list[tuple[int, bool]] = []

    def work(progress, cancel) -> tuple[int, bool]:
        progress.start(500, "Testing")
        progress.advance(1, 500)
        poll_until(lambda: cancel.cancelled, 60)  # a job that runs until it is cancelled
        return 1, cancel.cancelled

    window.jobs.run("Testing", work, results.append)
    progress = window.jobs.progress
    assert progress.isVisible() and window.jobs.busy
    qtbot.waitUntil(lambda: progress.label.text().startswith("Testing 1"), timeout=5000)
    assert window.jobs.run("Another", work, results.append) is None  # one at a time
    assert "still running" in window.statusBar().currentMessage()
    qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0][1] and not window.jobs.busy and not progress.isVisible()
