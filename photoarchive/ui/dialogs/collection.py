"""Asking for a collection's name and description, and which collection to add to."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

NEW_COLLECTION = "New collection…"


class CollectionDialog(QDialog):
    """Name and description of a new or existing collection."""

    def __init__(self, parent: QWidget | None, title: str, name: str = "",
                 description: str = "", name_editable: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.name_edit = QLineEdit(name)
        self.name_edit.setEnabled(name_editable)
        self.name_edit.setPlaceholderText("e.g. Milwaukee, April 1936")
        self.description_edit = QPlainTextEdit(description)
        self.description_edit.setPlaceholderText(
            "What holds these photos together; a gallery export shows it as the introduction.")
        self.description_edit.setTabChangesFocus(True)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Description:", self.description_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name_edit.textChanged.connect(lambda text: self._ok.setEnabled(bool(text.strip())))
        self._ok.setEnabled(bool(name.strip()) or not name_editable)
        self.resize(420, 240)

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def description(self) -> str:
        return self.description_edit.toPlainText().strip()


class ChooseCollectionDialog(QDialog):
    """Pick an existing collection, or "New collection…"."""

    def __init__(self, parent: QWidget | None, names: list[str], count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to collection")
        form = QFormLayout(self)
        self.combo = QComboBox()
        self.combo.addItems(names + [NEW_COLLECTION])
        form.addRow(f"Add {count} photo{'s' if count != 1 else ''} to:", self.combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def choice(self) -> str | None:
        """The chosen name, or None for a new collection."""
        text = self.combo.currentText()
        return None if text == NEW_COLLECTION else text
