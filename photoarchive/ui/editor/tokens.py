"""Keywords and people as token fields: chips for what the photos have, a line to add more.

With several photos selected, tokens on every photo are plain chips and tokens on only some
are dashed, italic chips with a "+" that adds them to the rest. Typing `;` or Enter adds
what was typed to every selected photo; a chip's "×" removes it from every selected photo.
Backspace in the empty line selects the last chip, a second Backspace removes it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.fields import Field
from photoarchive.ui.editor.field_widgets import error_color
from photoarchive.ui.editor.help import tooltip
from photoarchive.ui.editor.keys import take_navigation
from photoarchive.ui.editor.state import ShownTokens

CHIP_STYLE = """
TokenChip { border: 1px solid palette(mid); border-radius: 10px; background: palette(button); }
TokenChip[partial="true"] { border-style: dashed; background: transparent; }
TokenChip[selected="true"] { border: 2px solid palette(highlight); }
TokenChip QToolButton { border: none; padding: 0px; background: transparent; }
"""


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping to new lines (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


#: At most this many chips in one field; more tokens on some photos are only counted.
MAX_CHIPS = 60


class TokenChip(QFrame):
    """One keyword or person; partial chips (on some photos only) offer "add to all"."""

    remove_clicked = Signal(str)
    add_all_clicked = Signal(str)

    def __init__(self, token: str, have: int, total: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.token = token
        partial = have < total
        self.setProperty("partial", partial)
        self.setProperty("selected", False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 4, 1)
        layout.setSpacing(2)
        label = QLabel(token, self)
        layout.addWidget(label)
        if partial:
            font = label.font()
            font.setItalic(True)
            label.setFont(font)
            add = self._button("+", f"Add \u201c{token}\u201d to all {total} selected photos")
            add.clicked.connect(lambda: self.add_all_clicked.emit(self.token))
            layout.addWidget(add)
            self.setToolTip(f"On {have} of {total} selected photos")
        where = "this photo" if total == 1 else (
            f"the {have} photos that have it" if partial else f"all {total} selected photos")
        remove = self._button("\u00d7", f"Remove \u201c{token}\u201d from {where}")
        remove.clicked.connect(lambda: self.remove_clicked.emit(self.token))
        layout.addWidget(remove)

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        return button

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)


class TokenField(QWidget):
    """A keyword or people field: chips plus a line with completion from the catalog."""

    tokens_added = Signal(object, list)  # the field, tokens to add to every photo
    tokens_removed = Signal(object, list)  # the field, tokens to remove from every photo
    navigate_requested = Signal(object, int)
    entered = Signal(object)
    typed = Signal(object)

    def __init__(self, spec: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.name = spec.name
        self.shown = ShownTokens()
        self.error: str | None = None
        self._chips: list[TokenChip] = []
        self._armed: TokenChip | None = None  # selected by a first Backspace
        self.label = QLabel(spec.label, self)
        self.chips = QWidget(self)
        self.chips.setStyleSheet(CHIP_STYLE)
        self._flow = FlowLayout(self.chips)
        self.input = QLineEdit(self)
        self.input.setObjectName(f"field_{self.name}")
        self.input.setAccessibleName(spec.label)
        noun = "keyword" if self.name == "keywords" else "person"
        self.input.setPlaceholderText(f"Add a {noun}\u2026 (separate with ;)")
        self.label.setBuddy(self.input)
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.input.setCompleter(self.completer)
        self.completer.activated.connect(lambda _t: QTimer.singleShot(0, self.commit_input))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.hide()
        self.setToolTip(tooltip(self.name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.label)
        layout.addWidget(self.chips)
        self.more = QLabel(self)
        self.more.hide()
        layout.addWidget(self.more)
        layout.addWidget(self.input)
        layout.addWidget(self.note)
        self.input.textEdited.connect(self._edited)
        self.input.returnPressed.connect(self.commit_input)
        self.input.installEventFilter(self)

    # --- state ---------------------------------------------------------------------------
    def set_shown(self, shown: ShownTokens) -> None:
        """Show the tokens of a selection (the line being typed is left alone)."""
        self.shown = shown
        self._armed = None
        for chip in self._chips:
            chip.hide()
            chip.deleteLater()
        self._chips = []
        # A large selection can carry thousands of keywords and names on some photos: the
        # commonest are shown as chips, the rest counted (a chip is a few widgets each).
        room = max(0, MAX_CHIPS - len(shown.common))
        commonest = sorted(shown.partial.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
        counts = dict.fromkeys(shown.common, shown.total) | dict(commonest[:room])
        hidden = len(shown.partial) - min(room, len(shown.partial))
        noun = ("keyword" if self.name == "keywords" else "name") + ("" if hidden == 1 else "s")
        self.more.setText(f"\u2026 and {hidden:,} more {noun} on some of the selected photos")
        self.more.setVisible(hidden > 0)
        for token in sorted(counts, key=str.casefold):
            chip = TokenChip(token, counts[token], shown.total, self.chips)
            chip.remove_clicked.connect(lambda t: self.tokens_removed.emit(self, [t]))
            chip.add_all_clicked.connect(lambda t: self.tokens_added.emit(self, [t]))
            self._flow.addWidget(chip)
            self._chips.append(chip)
        self.chips.setVisible(bool(self._chips))
        self.chips.updateGeometry()

    adopt = set_shown

    def tokens(self) -> list[str]:
        """Every token shown, common first (for tests and accessibility)."""
        return [c.token for c in self._chips]

    def pending(self) -> list[str]:
        """What is typed in the line, split on ';'."""
        return [t.strip() for t in self.input.text().split(";") if t.strip()]

    def is_dirty(self) -> bool:
        return bool(self.pending())

    @property
    def touched(self) -> bool:
        return bool(self.input.text().strip())

    def clear_input(self) -> None:
        self.input.clear()

    def set_completions(self, names: list[str]) -> None:
        self.model.setStringList(names)

    def set_error(self, message: str | None) -> None:
        self.error = message
        self.note.setVisible(bool(message))
        self.note.setText(message or "")
        palette = self.note.palette()
        palette.setColor(self.note.foregroundRole(), error_color(self.palette()))
        self.note.setPalette(palette)

    def focus_input(self) -> None:
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)
        self.input.end(False)

    def has_input_focus(self) -> bool:
        return self.input.hasFocus()

    # --- typing --------------------------------------------------------------------------
    def commit_input(self) -> None:
        """Add what was typed (Enter, ';', a completion, focus-out)."""
        tokens = self.pending()
        if tokens:
            self.tokens_added.emit(self, tokens)

    def _edited(self, text: str) -> None:
        self._arm(None)
        self.set_error(None)
        if ";" in text:
            *done, rest = text.split(";")
            tokens = [t.strip() for t in done if t.strip()]
            self.input.setText(rest.lstrip())
            if tokens:
                self.tokens_added.emit(self, tokens)
        self.typed.emit(self)

    def _arm(self, chip: TokenChip | None) -> None:
        if self._armed is not None and self._armed in self._chips:
            self._armed.set_selected(False)
        self._armed = chip
        if chip is not None:
            chip.set_selected(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input:
            if take_navigation(event, lambda step: self.navigate_requested.emit(self, step)):
                return True
            kind = event.type()
            if kind == QEvent.Type.KeyPress and self._key_press(event):
                return True
            if kind == QEvent.Type.FocusIn:
                self.entered.emit(self)
            elif kind == QEvent.Type.FocusOut:
                self._arm(None)
                if event.reason() != Qt.FocusReason.PopupFocusReason:
                    self.commit_input()
        return super().eventFilter(watched, event)

    def _key_press(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Backspace and not self.input.text() and self._chips:
            if self._armed is None:
                self._arm(self._chips[-1])
            else:
                token = self._armed.token
                self._arm(None)
                self.tokens_removed.emit(self, [token])
            return True
        if key == Qt.Key.Key_Escape and (self._armed is not None or self.input.text()):
            self._arm(None)
            self.input.clear()
            return True
        return False
