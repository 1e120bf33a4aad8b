"""Dialogs of write-back: what to write and where (with a dry run first), the report
afterwards, and the per-field diff of a re-read before it is applied."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.reread_steps import RereadPreview
from photoarchive.services.writeback import WriteReport
from photoarchive.ui.dialogs.diff_table import DiffRow, diff_table, left_out, make_table

FORCE_LABEL = "Also overwrite files that other programs changed since the last read"
FORCE_SHORT = "Also overwrite files that other programs changed"


def _label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def window_words(message: str) -> str:
    """A service message in the window's terms (menus, not command-line options)."""
    return (message.replace("(photoarchive reread)", "(Photo → Re-read from Files)")
            .replace("write with --force", f"write with “{FORCE_SHORT}…” ticked"))


def write_summary(report: WriteReport, cancelled: bool = False) -> str:
    """One line: "Wrote sidecars for 10 of 12 photos; 1 skipped, 1 failed."."""
    counts = Counter(p.outcome for p in report.photos)
    what = "sidecars" if report.mode == "sidecar" else "metadata into the files"
    done = counts["would write"] + counts["written"]
    verb = "Would write" if report.dry_run else "Wrote"
    text = f"{verb} {what} for {done:,} of {_plural(len(report.photos), 'photo')}"
    extra = [f"{counts[o]:,} {o}" for o in ("skipped", "failed") if counts[o]]
    text += ("; " + ", ".join(extra) if extra else "") + "."
    if report.dry_run:
        text += " Nothing was changed yet."
    if cancelled:
        text += " Stopped early; write again to finish."
    return text


def report_rows(report: WriteReport) -> list[tuple[str, str, str]]:
    """File | Outcome | Reason, for every photo not simply written."""
    rows = []
    for item in report.photos:
        if item.outcome in ("written", "would write") and not item.messages:
            continue
        reason = "; ".join(window_words(m) for m in item.messages)
        rows.append((Path(item.path).name, item.outcome, reason))
    return rows


class WriteDialog(QDialog):
    """Which photos, sidecar or embedded, overwrite outside changes or not. "Check First"
    emits `preview_requested`; the window answers with `show_preview(report)`."""

    preview_requested = Signal()

    def __init__(self, selected: int, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Write metadata to files")
        layout = QVBoxLayout(self)
        layout.addWidget(_label(
            "Saves captions, dates, places, keywords, credit and rights where other "
            "programs (digiKam, Lightroom, exiftool) read them.", self))
        which = QGroupBox("Photos", self)
        box = QVBoxLayout(which)
        self.selected_radio = QRadioButton(f"The {_plural(selected, 'selected photo')}")
        self.all_radio = QRadioButton(f"All {_plural(total, 'photo')} in the catalog"
                                      if total >= 0 else "All photos in the catalog")
        self.selected_radio.setEnabled(selected > 0)
        (self.selected_radio if selected else self.all_radio).setChecked(True)
        box.addWidget(self.selected_radio)
        box.addWidget(self.all_radio)
        where = QGroupBox("Where", self)
        box = QVBoxLayout(where)
        self.sidecar_radio = QRadioButton("XMP sidecars beside the photos (photo.jpg.xmp, and "
                                          "a photo.xmp already there) — the photos stay "
                                          "untouched")
        self.embed_radio = QRadioButton("Into the photos themselves (XMP, Exif, IPTC) — the "
                                        "image data is not re-encoded")
        self.embed_radio.setToolTip("Formats that cannot hold metadata safely (HEIC, AVIF, "
                                    "read-only files) get a sidecar instead.")
        self.sidecar_radio.setChecked(True)
        self._mode = QButtonGroup(self)
        for radio in (self.sidecar_radio, self.embed_radio):
            self._mode.addButton(radio)
            box.addWidget(radio)
        self.force_check = QCheckBox(FORCE_LABEL, self)
        self.force_check.setToolTip("Without this, such photos are skipped: re-read them "
                                    "first so their changes are not lost.")
        self.dry_run_text = QPlainTextEdit(self)  # the dry run's outcome, scrollable
        self.dry_run_text.setReadOnly(True)
        self.dry_run_text.setFixedHeight(130)
        self.dry_run_text.hide()
        self.buttons = QDialogButtonBox(self)
        self.check_button = self.buttons.addButton("Check First",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.setToolTip("A dry run: what would be written and what would be "
                                     "skipped, without changing any file.")
        self.write_button = self.buttons.addButton("Write", QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.check_button.clicked.connect(self._check)
        for widget in (which, where, self.force_check, self.dry_run_text, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(640)

    @property
    def all_photos(self) -> bool:
        return self.all_radio.isChecked()

    @property
    def mode(self) -> str:
        return "embed" if self.embed_radio.isChecked() else "sidecar"

    @property
    def force(self) -> bool:
        return self.force_check.isChecked()

    def _check(self) -> None:
        for button in (self.check_button, self.write_button):  # until the check is back
            button.setEnabled(False)
        self.dry_run_text.setPlainText("Checking…")
        self.dry_run_text.show()
        self.adjustSize()
        self.preview_requested.emit()

    def show_preview(self, report: WriteReport | None, error: str = "") -> None:
        """The dry run's outcome, in the dialog (`error` when it could not run)."""
        self.check_button.setEnabled(True)
        self.write_button.setEnabled(True)
        if report is None:
            self.dry_run_text.setPlainText(f"The check did not finish: {error}")
            return
        rows = report_rows(report)
        lines = [write_summary(report)] + [
            f"• {name}: {outcome}" + (f" — {reason}" if reason else "")
            for name, outcome, reason in rows[:200]]
        if len(rows) > 200:
            lines.append(f"… and {len(rows) - 200:,} more.")
        self.dry_run_text.setPlainText("\n".join(lines))


class WriteReportDialog(QDialog):
    """After writing: the summary, then every photo skipped, failed or with a remark."""

    def __init__(self, report: WriteReport, cancelled: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Write report")
        layout = QVBoxLayout(self)
        rows = report_rows(report)
        layout.addWidget(_label(write_summary(report, cancelled) + (
            " Notes on these photos:" if rows else ""), self))
        self.table = make_table(("File", "Outcome", "Reason"), rows, self, wrap=True)
        self.table.setVisible(bool(rows))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 380 if rows else 120)


class RereadDialog(QDialog):
    """The differences between catalog and files, field by field; Apply takes the files'
    values (one undo step)."""

    def __init__(self, preview: RereadPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle("Re-read from files")
        layout = QVBoxLayout(self)
        report = preview.report
        rows = [DiffRow(Path(p.path).name, c.field, c.catalog, c.file)
                for p in report.photos for c in p.changes]
        photos = len(report.changed)
        heading = (f"The files say something else for {_plural(len(rows), 'field')} of "
                   f"{_plural(photos, 'photo')} (of {len(report.photos):,} read). Apply takes "
                   "the files' values; Edit → Undo puts the catalog's back.")
        layout.addWidget(_label(" ".join(t for t in (heading, left_out(len(rows))) if t),
                                self))
        self.table = diff_table(rows, "In the catalog", "In the file", self)
        layout.addWidget(self.table, 1)
        failed = [f"{Path(p.path).name}: {p.error}" for p in report.photos if p.error]
        warned = [f"{Path(p.path).name}: {w}" for p in report.photos for w in p.warnings]
        self.problems = _label("", self)
        notes = ([f"{_plural(len(failed), 'file')} could not be read (left as they are):"]
                 + failed[:10] if failed else []) + (
                ["Warnings while reading:"] + warned[:10] if warned else [])
        self.problems.setText("\n".join(notes))
        self.problems.setVisible(bool(notes))
        layout.addWidget(self.problems)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            f"Apply {_plural(len(rows), 'Change')}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(860, 460)
