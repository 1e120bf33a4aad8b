"""Issue 11, point 8 in the window: Import Metadata from CSV… shows the dates a spreadsheet
program seems to have reformatted and applies them only once "Import these dates as they
are" is ticked."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from photoarchive.services.photos import get_photo


def test_reformatted_dates_wait_for_the_curators_consent(qtbot, sample_window,
                                                         tmp_path: Path) -> None:
    window, archive = sample_window, sample_window.archive
    out = tmp_path / "photos.csv"
    with qtbot.waitSignal(window.publishing.exported, timeout=10_000):
        window.publishing.export_csv(out, bom=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["date_display"] == "April 1936"
    rows[0]["date_display"] = "04/01/1936"  # what LibreOffice saved back
    photo_id = int(rows[0]["id"])
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    depth = window.undo_stack.count()

    window.publishing.import_csv(out)
    qtbot.waitUntil(lambda: window.publishing.csv_dialog is not None, timeout=10_000)
    dialog = window.publishing.csv_dialog
    assert not dialog.refused and dialog.isVisible()
    warning = dialog.warnings
    assert (warning.item(0, 0).text(), warning.item(0, 1).text()) == ("2", "date_display")
    assert "spreadsheet" in warning.item(0, 2).text()
    assert dialog.accept_dates is not None and not dialog.accept_dates.isChecked()
    assert not dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)  # disabled: nothing
    assert get_photo(archive, photo_id).date_display == "April 1936"
    assert window.undo_stack.count() == depth

    dialog.accept_dates.setChecked(True)
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert get_photo(archive, photo_id).date_display == "04/01/1936"
    assert window.undo_stack.count() == depth + 1
