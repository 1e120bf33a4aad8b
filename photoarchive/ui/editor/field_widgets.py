"""The editor widget of a descriptive field: the shared base, single- and multi-line text.

Each keeps what the user types local until the dock commits it, knows whether the user has
changed it ("touched") and whether committing would change the catalog ("dirty"), and shows
the "Multiple values" placeholder when a selection differs.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.fields import Field
from photoarchive.ui.editor.help import tooltip
from photoarchive.ui.editor.keys import take_navigation
from photoarchive.ui.editor.state import Shown, as_text, equivalent
from photoarchive.ui.shortcuts import matches

MULTIPLE = "Multiple values"
HINTS = {"date": "e.g. 1956-10-23, c. 1956, 1950s", "latitude": "e.g. 47.4979",
         "longitude": "e.g. 19.0402", "country_code": "e.g. HU", "rights_url": "https://…",
         "date_display": "derived from the date"}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(palette: QPalette) -> QColor:
    return QColor("#ef9a9a") if is_dark(palette) else QColor("#b3261e")


def muted_color(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.PlaceholderText)


def paint_invalid(widget: QWidget, bad: bool) -> None:
    """A red tint on an input (readable in light and dark palettes), or none; the widget's
    "invalid" property says which."""
    if bad == bool(widget.property("invalid")):
        return
    widget.setProperty("invalid", bad)
    if not bad:
        widget.setPalette(QPalette())  # inherit again
        return
    palette = QPalette(widget.parentWidget().palette() if widget.parentWidget()
                       else widget.palette())
    base = palette.color(QPalette.ColorRole.Base)
    red = error_color(palette)
    palette.setColor(QPalette.ColorRole.Base, QColor(
        (base.red() * 4 + red.red()) // 5, (base.green() * 4 + red.green()) // 5,
        (base.blue() * 4 + red.blue()) // 5))
    widget.setPalette(palette)


class FieldEditor(QWidget):
    """Label, input and a note line (hint, date preview or error) for one field."""

    commit_requested = Signal(object)  # the editor: focus-out, Enter, Ctrl+Enter
    navigate_requested = Signal(object, int)  # the editor, +1 next / -1 previous photo
    typed = Signal(object)  # the user changed the text (for saving after a pause)
    entered = Signal(object)  # the input got the keyboard focus
    reverted = Signal(object)  # Esc put back the saved value

    def __init__(self, spec: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.name = spec.name
        self.shown = Shown()
        self.touched = False
        self.error: str | None = None
        self._loading = False
        self._clear_all = False
        self.label = QLabel(spec.label, self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        self.input = self._make_input()
        self.input.setObjectName(f"field_{self.name}")
        self.input.setAccessibleName(spec.label)
        self.label.setBuddy(self.input)
        self.setToolTip(tooltip(self.name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.input)
        layout.addWidget(self.note)
        self.input.installEventFilter(self)

    # --- for subclasses ----------------------------------------------------------------
    def _make_input(self) -> QWidget:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError

    def _set_text(self, text: str) -> None:
        raise NotImplementedError

    def _apply_placeholder(self) -> None:
        """Italic grey "Multiple values" when the selection differs and nothing is typed."""
        placeholder = MULTIPLE if self.shown.multiple else HINTS.get(self.name, "")
        self.input.setPlaceholderText(placeholder)
        font = QFont(self.input.font())
        font.setItalic(self.shown.multiple and not self.text())
        self.input.setFont(font)

    # --- state ---------------------------------------------------------------------------
    def set_shown(self, shown: Shown) -> None:
        """Show a value (or "Multiple values") and forget what was typed."""
        self.shown = shown
        self._loading = True
        try:
            self._set_text("" if shown.multiple else as_text(self.name, shown.value))
        finally:
            self._loading = False
        self.touched = False
        self._clear_all = False
        self.set_error(None)
        self._apply_placeholder()

    def adopt(self, shown: Shown) -> None:
        """The catalog changed while the user types here: keep the text, note the value."""
        self.shown = shown
        self._apply_placeholder()

    def is_dirty(self) -> bool:
        """Would a commit change the catalog? Untouched "Multiple values" never does."""
        if not self.touched:
            return False
        if self.shown.multiple:
            return bool(self.text().strip()) or self._clear_all
        return not equivalent(self.name, self.text(), self.shown.value)

    def represents(self, shown: Shown) -> bool:
        """Does the text already say `shown` (so a refresh need not touch it)?"""
        return not shown.multiple and equivalent(self.name, self.text(), shown.value)

    def mark_committed(self) -> None:
        self.touched = False
        self._clear_all = False
        self.set_error(None)

    def clear_all(self) -> None:
        """Empty this field on every selected photo (where it says "Multiple values")."""
        self._loading = True
        try:
            self._set_text("")
        finally:
            self._loading = False
        self._clear_all = True
        self.touched = True
        self.commit_requested.emit(self)

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.input.createStandardContextMenu()
        if self.shown.multiple:
            menu.addSeparator()
            menu.addAction("Clear on all selected photos", self.clear_all)
        menu.exec(self.input.mapToGlobal(pos))
        menu.deleteLater()

    def revert(self) -> None:
        self.set_shown(self.shown)
        self.reverted.emit(self)

    def set_error(self, message: str | None) -> None:
        self.error = message
        self._paint_error(bool(message))
        self._show_note(message, error=bool(message))

    def _show_note(self, text: str | None, error: bool = False) -> None:
        self.note.setVisible(bool(text))
        self.note.setText(text or "")
        palette = QPalette(self.palette())
        color = error_color(palette) if error else muted_color(palette)
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self.note.setPalette(palette)

    def _paint_error(self, bad: bool) -> None:
        paint_invalid(self.input, bad)

    def focus_input(self) -> None:
        """Give the keyboard focus to the input with the cursor at the end."""
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)
        self._cursor_to_end()

    def _cursor_to_end(self) -> None:
        pass

    def has_input_focus(self) -> bool:
        return self.input.hasFocus()

    # --- events --------------------------------------------------------------------------
    def _text_changed(self) -> None:
        if not self._loading:
            self.touched = True
            if self.error:
                self.set_error(None)
            self.typed.emit(self)
        font = self.input.font()
        italic = self.shown.multiple and not self.text()
        if font.italic() != italic:
            font.setItalic(italic)
            self.input.setFont(font)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input:
            if take_navigation(event, lambda step: self.navigate_requested.emit(self, step)):
                return True
            kind = event.type()
            if kind == QEvent.Type.KeyPress:
                if self._key_press(event):
                    return True
            elif kind == QEvent.Type.FocusIn:
                self.entered.emit(self)
            elif kind == QEvent.Type.FocusOut:
                # Also when a menu opens: Edit > Undo must find the typing already saved.
                self.commit_requested.emit(self)
        return super().eventFilter(watched, event)

    def _key_press(self, event: QKeyEvent) -> bool:
        if matches(event, "editor_revert") and self.touched:
            self.revert()
            return True
        return False


class LineFieldEditor(FieldEditor):
    """Single-line fields: Enter commits."""

    def _make_input(self) -> QWidget:
        edit = QLineEdit(self)
        edit.setClearButtonEnabled(False)
        edit.textChanged.connect(self._text_changed)
        edit.returnPressed.connect(lambda: self.commit_requested.emit(self))
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._context_menu)
        if self.spec.kind == "code":
            edit.setMaxLength(8)
        return edit

    def text(self) -> str:
        return self.input.text()

    def _set_text(self, text: str) -> None:
        self.input.setText(text)
        self.input.setCursorPosition(0 if not self.input.hasFocus() else len(text))

    def _cursor_to_end(self) -> None:
        self.input.end(False)


class TextFieldEditor(FieldEditor):
    """Multi-line fields: Enter starts a new line, Ctrl+Enter commits; grows with the text."""

    LINES: ClassVar[dict[str, tuple[int, int]]] = {"caption": (4, 14), "notes": (3, 10)}

    def _make_input(self) -> QWidget:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setFrameShape(QFrame.Shape.StyledPanel)
        edit.textChanged.connect(self._text_changed)
        edit.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._context_menu)
        self._lines = self.LINES.get(self.spec.name, (2, 8))
        return edit

    def text(self) -> str:
        return self.input.toPlainText()

    def _set_text(self, text: str) -> None:
        self.input.setPlainText(text)
        self._fit_height()
        if self.input.hasFocus():
            self._cursor_to_end()

    def _cursor_to_end(self) -> None:
        self.input.moveCursor(QTextCursor.MoveOperation.End)

    def _fit_height(self, *_: Any) -> None:
        low, high = self._lines
        lines = max(low, min(high, int(self.input.document().size().height()) + 1))
        margins = self.input.contentsMargins()
        doc_margin = self.input.document().documentMargin()
        height = (self.input.fontMetrics().lineSpacing() * lines + margins.top()
                  + margins.bottom() + 2 * doc_margin + 2)
        self.input.setFixedHeight(int(height))

    def _key_press(self, event: QKeyEvent) -> bool:
        if matches(event, "editor_commit"):
            self.commit_requested.emit(self)
            return True
        return super()._key_press(event)
