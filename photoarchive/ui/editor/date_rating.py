"""Editors with more than text: the date (live display text or error) and the rating."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from photoarchive.errors import InvalidDate
from photoarchive.services.datefmt import editable_date, normalise_date, preview_date
from photoarchive.services.fields import Field
from photoarchive.ui.editor.field_widgets import (
    MULTIPLE,
    FieldEditor,
    LineFieldEditor,
    TextFieldEditor,
    muted_color,
)

#: Ways into the field after which its whole date is selected, so typing replaces it.
_SELECTING_ENTRY = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                    Qt.FocusReason.ShortcutFocusReason, Qt.FocusReason.OtherFocusReason)
EDTF_TIP = ("How the catalog stores this date: EDTF (Extended Date/Time Format, ISO 8601-2), "
            "the form that sorting, date: searches and the files use.")


class DateFieldEditor(LineFieldEditor):
    """The date: approximate forms accepted, the display text (or an error) shown as you type.

    It shows a stored date as a curator writes it ("November 1956", `editable_date`), with
    the EDTF the catalog keeps ("1956-11") beside the field's name; entering the field
    selects the date, so typing replaces it rather than appending to it."""

    def __init__(self, spec: Field, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._select_on_release = False
        self.edtf = QLabel(self)
        self.edtf.setObjectName("dateEdtf")
        self.edtf.setToolTip(EDTF_TIP)
        self.edtf.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edtf.hide()
        palette = QPalette(self.edtf.palette())
        palette.setColor(QPalette.ColorRole.WindowText, muted_color(palette))
        self.edtf.setPalette(palette)
        layout = self.layout()
        layout.removeWidget(self.label)
        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        heading.addWidget(self.label)
        heading.addStretch(1)
        heading.addWidget(self.edtf)  # on the name's line: the input keeps its full width
        layout.insertLayout(0, heading)

    def _set_text(self, text: str) -> None:
        super()._set_text(editable_date(text) if text else "")  # text: the stored EDTF
        self._show_edtf()

    def _cursor_to_end(self) -> None:
        if self.touched:
            super()._cursor_to_end()
        else:
            self.input.selectAll()  # arriving in the field (Alt+Page Down keeps it there)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and not self.touched:
            kind = event.type()
            if kind == QEvent.Type.FocusIn:
                reason = event.reason()
                self._select_on_release = reason == Qt.FocusReason.MouseFocusReason
                if reason in _SELECTING_ENTRY:
                    self.input.selectAll()
            elif kind == QEvent.Type.MouseButtonRelease and self._select_on_release:
                # After the click, which placed the cursor; a drag that selected text wins.
                self._select_on_release = False
                if not self.input.hasSelectedText():
                    self.input.selectAll()
        return super().eventFilter(watched, event)

    def _text_changed(self) -> None:
        super()._text_changed()
        if not self.error:
            self._preview()
        self._show_edtf()

    def _show_edtf(self) -> None:
        """The EDTF of the text in the field, unless the field already shows it."""
        text = self.text().strip()
        try:
            edtf = normalise_date(text) if text else ""
        except InvalidDate:
            edtf = ""
        self.edtf.setText(f"EDTF {edtf}")
        self.edtf.setVisible(bool(edtf) and edtf != text)

    def set_error(self, message: str | None) -> None:
        super().set_error(message)
        if not message:
            self._preview()

    def _preview(self) -> None:
        # Only while typing: otherwise "Date as shown", just below, says it (and may differ,
        # when someone overrode it).
        text = self.text().strip()
        if not text or not self.touched:
            self._show_note(None)
            self._paint_error(False)
            return
        try:
            shown = preview_date(text)
        except InvalidDate as bad:
            # While typing, one calm line; the accepted forms are in the tooltip (and in the
            # full message shown if the user tries to save it).
            self._paint_error(True)
            self._show_note(str(bad).split(". Use ")[0].rstrip(".") + ".", error=True)
            self.note.setToolTip(str(bad))
            return
        self._paint_error(False)
        self._show_note(f"Shown as: {shown}")
        self.note.setToolTip("")


class RatingEditor(FieldEditor):
    """Rating: a list of choices; digits 0–5 and '-' (rejected) work while it has focus."""

    CHOICES: ClassVar[list[tuple[str, int]]] = [
        ("Rejected", -1), ("No rating", 0), *(("\u2605" * n, n) for n in range(1, 6))]

    def _make_input(self) -> QWidget:
        combo = QComboBox(self)
        for label, value in self.CHOICES:
            combo.addItem(label, value)
        combo.activated.connect(self._chosen)
        return combo

    def text(self) -> str:
        value = self.input.currentData()
        return "" if value is None else str(value)

    def _set_text(self, text: str) -> None:
        index = self.input.findData(int(text)) if text else -1
        self.input.setCurrentIndex(index if text else (-1 if self.shown.multiple else 1))

    def _apply_placeholder(self) -> None:
        self.input.setPlaceholderText(MULTIPLE if self.shown.multiple else "")

    def _text_changed(self) -> None:
        if not self._loading:
            self.touched = True

    def _chosen(self, _index: int) -> None:
        self._text_changed()
        self.commit_requested.emit(self)

    def _key_press(self, event: QKeyEvent) -> bool:
        keys = {Qt.Key.Key_Minus: -1, **{getattr(Qt.Key, f"Key_{n}"): n for n in range(6)}}
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        if plain and event.key() in keys:
            self.input.setCurrentIndex(self.input.findData(keys[Qt.Key(event.key())]))
            self._chosen(self.input.currentIndex())
            return True
        return super()._key_press(event)


def make_editor(spec: Field, parent: QWidget | None = None) -> FieldEditor:
    """The editor widget for a scalar field's kind."""
    if spec.kind == "text":
        return TextFieldEditor(spec, parent)
    if spec.kind == "date":
        return DateFieldEditor(spec, parent)
    if spec.kind == "rating":
        return RatingEditor(spec, parent)
    return LineFieldEditor(spec, parent)
