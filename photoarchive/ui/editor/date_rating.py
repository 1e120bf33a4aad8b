"""Editors with more than text: the date (live display text or error) and the rating."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QWidget

from photoarchive.errors import InvalidDate
from photoarchive.services.datefmt import preview_date
from photoarchive.services.fields import Field
from photoarchive.ui.editor.field_widgets import (
    MULTIPLE,
    FieldEditor,
    LineFieldEditor,
    TextFieldEditor,
)


class DateFieldEditor(LineFieldEditor):
    """The date: approximate forms accepted, the display text (or an error) shown as you type."""

    def _text_changed(self) -> None:
        super()._text_changed()
        if not self.error:
            self._preview()

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
