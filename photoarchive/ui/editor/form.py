"""The editor's form: every field of METADATA.md in five collapsible sections."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.fields import FIELD_NAMES, FIELDS_BY_NAME, LIST_FIELDS
from photoarchive.ui.editor.date_rating import make_editor
from photoarchive.ui.editor.field_widgets import FieldEditor
from photoarchive.ui.editor.tokens import TokenField

#: Section title -> rows; a row is one field or a few short ones side by side.
SECTIONS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("Description", (("title",), ("headline",), ("caption",), ("alt_text",))),
    ("Date and place", (("date",), ("date_display",), ("sublocation",), ("city",),
                        ("state",), ("country", "country_code"), ("latitude", "longitude"),
                        ("event",))),
    ("People and keywords", (("people",), ("keywords",))),
    ("Source and rights", (("creator",), ("source",), ("credit",), ("rights",),
                           ("rights_url",))),
    ("Identifier and notes", (("identifier",), ("caption_writer",), ("notes",),
                              ("rating",))),
)
_LAID_OUT = [name for _, rows in SECTIONS for row in rows for name in row]
assert sorted(_LAID_OUT) == sorted(FIELD_NAMES), "every field appears once in the editor"

Editor = FieldEditor | TokenField


class Section(QWidget):
    """A titled group whose body folds away (the title is a toggle button)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton(self)
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
        font = self.toggle.font()
        font.setBold(True)
        self.toggle.setFont(font)
        self.body = QWidget(self)
        self.rows = QVBoxLayout(self.body)
        self.rows.setContentsMargins(6, 0, 0, 6)
        self.rows.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(self.body)
        self.toggle.toggled.connect(self.set_expanded)

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)

    def is_expanded(self) -> bool:
        return self.toggle.isChecked()


class EditorForm(QScrollArea):
    """A scrolling form holding one editor per field, by field name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        column = QVBoxLayout(inner)
        column.setContentsMargins(8, 4, 8, 8)
        column.setSpacing(6)
        self.editors: dict[str, Editor] = {}
        self.sections: dict[str, Section] = {}
        self._section_of: dict[str, Section] = {}
        for title, rows in SECTIONS:
            section = Section(title, inner)
            self.sections[title] = section
            for row in rows:
                line = QHBoxLayout()
                line.setSpacing(8)
                for name in row:
                    editor = self._make(name, section.body)
                    self.editors[name] = editor
                    self._section_of[name] = section
                    stretch = 1 if FIELDS_BY_NAME[name].kind != "code" else 0
                    line.addWidget(editor, stretch)
                section.rows.addLayout(line)
            column.addWidget(section)
        column.addStretch(1)
        self.setWidget(inner)

    @staticmethod
    def _make(name: str, parent: QWidget) -> Editor:
        spec = FIELDS_BY_NAME[name]
        if name in LIST_FIELDS:
            return TokenField(spec, parent)
        editor = make_editor(spec, parent)
        if spec.kind == "code":
            editor.input.setMaximumWidth(editor.input.fontMetrics().horizontalAdvance("M") * 6)
        return editor

    def reveal(self, name: str) -> None:
        """Unfold the field's section and scroll it into view."""
        section = self._section_of[name]
        if not section.is_expanded():
            section.set_expanded(True)
        self.ensureWidgetVisible(self.editors[name], 0, 24)
