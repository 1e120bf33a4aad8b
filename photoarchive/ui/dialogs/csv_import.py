"""File → Import Metadata from CSV…: the per-field changes a spreadsheet would make, shown
before anything is applied; a file with problems is refused with the rows named. Dates a
spreadsheet program seems to have reformatted are applied only once the curator ticks
"Import these dates as they are"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.csv_dates import HINT
from photoarchive.services.export_csv import ImportPlan
from photoarchive.ui.dialogs.diff_table import DiffRow, diff_table, left_out, make_table


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _problem_rows(plan: ImportPlan, errors: bool) -> list[tuple[str, str, str]]:
    problems = plan.errors if errors else plan.warnings
    return [(str(p.row), p.column or "", p.message) for p in problems]


class CsvImportDialog(QDialog):
    """The plan of one CSV file. With errors it only reports them (Close); otherwise it
    shows the changes and the warnings, and Apply makes them one undo step."""

    def __init__(self, plan: ImportPlan, names: dict[int, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.refused = bool(plan.errors)
        name = Path(plan.path).name
        self.setWindowTitle(f"Import metadata from {name}")
        layout = QVBoxLayout(self)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = None
        self.accept_dates: QCheckBox | None = None
        if self.refused:
            n = len(plan.errors)
            layout.addWidget(_label(
                f"{name} was not applied: {n} problem{'s' if n != 1 else ''} below. Nothing "
                "was changed; correct the file and import it again."))
            self.table = make_table(("Row", "Column", "Problem"), _problem_rows(plan, True),
                                    wrap=True)
            layout.addWidget(self.table, 1)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        else:
            photos = len({c.photo_id for c in plan.changes})
            rows = [DiffRow(f"{names.get(c.photo_id, f'photo {c.photo_id}')} (row {c.row})",
                            c.field, c.old, c.new) for c in plan.changes]
            layout.addWidget(_label(
                f"{name} changes {len(rows):,} field(s) of {photos:,} photo(s) "
                f"({plan.matched:,} of {plan.rows:,} rows matched). Apply changes them "
                f"all at once; Edit → Undo puts the old values back. {left_out(len(rows))}"))
            self.table = diff_table(rows, "In the catalog", "In the file")
            layout.addWidget(self.table, 1)
            warnings = _problem_rows(plan, False)
            if warnings:
                layout.addWidget(_label(
                    "Warnings (a date they name is applied only if you tick “Import these "
                    "dates as they are”; anything else they name is left as it is):"
                    if plan.reformatted_dates else
                    "Warnings (what they name is left as it is):"))
                self.warnings = make_table(("Row", "Column", "Warning"), warnings, wrap=True)
                self.warnings.setMaximumHeight(140)
                layout.addWidget(self.warnings)
            self.apply_button = self.buttons.addButton(
                f"Apply {len(rows):,} Change{'s' if len(rows) != 1 else ''}",
                QDialogButtonBox.ButtonRole.AcceptRole)
            self.apply_button.setDefault(True)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            if plan.reformatted_dates:
                self._ask_about_dates(layout, plan)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(860, 480)

    def _ask_about_dates(self, layout: QVBoxLayout, plan: ImportPlan) -> None:
        """Apply stays off until the curator accepts the dates a spreadsheet rewrote."""
        rows = len({p.row for p in plan.reformatted_dates})
        layout.addWidget(_label(
            f"{rows:,} row{'s' if rows != 1 else ''} have dates a spreadsheet program seems "
            f"to have reformatted (see the warnings). Correct them ({HINT}), or import "
            "them as they are."))
        self.accept_dates = QCheckBox("Import these dates as they are", self)
        layout.addWidget(self.accept_dates)
        if self.apply_button is not None:
            self.apply_button.setEnabled(False)
            self.accept_dates.toggled.connect(self.apply_button.setEnabled)
