"""File → Export Gallery…: which photos, title, introduction (Markdown, previewed live as the
gallery will show it), theme, sizes and the output folder. The export itself runs in the
background (ui/publishing.py).

A collection's fields start from its last export (remembered in the catalog), a query's or
selection's from the gallery already in the chosen folder; fields the curator has changed
are never overwritten. A line says how many of the photos lack a title or alt text, with
the search that lists them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from photoarchive.errors import PhotoarchiveError
from photoarchive.services.archive import Archive
from photoarchive.services.collections import CollectionInfo
from photoarchive.services.export_gallery import folder_start, select_photos
from photoarchive.services.gallery_gaps import collection_query, text_gaps
from photoarchive.services.gallery_pages import THEMES_DIR
from photoarchive.services.gallery_settings import (
    DEFAULT_TITLE,
    GallerySettings,
    GalleryStart,
    gallery_start,
)
from photoarchive.services.markdown import render


@dataclass
class GalleryChoice:
    """What the dialog was accepted with."""

    collection: str | None  # publish this collection in its order, else `ids`
    ids: list[int]
    out_dir: Path
    settings: GallerySettings
    query: str | None = None  # the search that chose `ids`, when one does


def theme_names() -> list[str]:
    """The themes shipped with photoarchive ("default" first)."""
    names = sorted(p.name for p in THEMES_DIR.iterdir() if p.is_dir()) \
        if THEMES_DIR.is_dir() else []
    return ["default"] + [n for n in names if n != "default"]


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if isinstance(widget, (QLineEdit, QComboBox)) else 0)
    return box


def _size_box(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(64, 8192)
    box.setSingleStep(100)
    box.setSuffix(" px")
    box.setValue(value)
    return box


class GalleryDialog(QDialog):
    """Settings of one gallery export. `choice()` reads them once accepted."""

    def __init__(self, collections: list[CollectionInfo], shown: list[int],
                 selected: list[int], current_collection: str | None = None,
                 parent: QWidget | None = None, archive: Archive | None = None,
                 shown_query: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export gallery")
        self._archive, self._shown_query = archive, shown_query
        self._collections = {c.name: c for c in collections}
        self._shown, self._selected = list(shown), list(selected)
        self._filled: dict[str, object] = {}  # what we last put in each field, not the user
        self.collection_radio = QRadioButton("Collection:")
        self.collection_box = QComboBox()
        self.collection_box.addItems([f"{c.name}" for c in collections])
        self.shown_radio = QRadioButton(f"The photos shown in the grid ({len(shown):,})")
        self.selected_radio = QRadioButton(f"The selected photos ({len(selected):,})")
        self._which = QButtonGroup(self)
        for radio in (self.collection_radio, self.shown_radio, self.selected_radio):
            self._which.addButton(radio)
        self.collection_radio.setEnabled(bool(collections))
        self.collection_box.setEnabled(bool(collections))
        self.shown_radio.setEnabled(bool(shown))
        self.selected_radio.setEnabled(bool(selected))
        self.title_edit = QLineEdit()
        self.intro_edit = QPlainTextEdit()
        self.intro_edit.setPlaceholderText("A few paragraphs in Markdown: *emphasis*, "
                                           "**strong**, [links](https://…), lists.")
        self.intro_edit.setTabChangesFocus(True)
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.preview.setOpenLinks(False)
        self.theme_box = QComboBox()
        self.theme_box.setEditable(True)
        self.theme_box.addItems(theme_names())
        self.theme_box.setToolTip("A shipped theme, or a folder whose templates override "
                                  "the default theme's.")
        theme_button = QPushButton("Folder…")
        theme_button.clicked.connect(self._choose_theme)
        self.image_size = _size_box(1600)
        self.thumb_size = _size_box(400)
        self.out_edit = QLineEdit()
        self.out_edit.setPlaceholderText("A new or empty folder (or one exported before)")
        out_button = QPushButton("Choose…")
        out_button.clicked.connect(self._choose_out)
        self.gaps_label = QLabel()
        self.gaps_label.setWordWrap(True)
        self.gaps_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gaps_label.hide()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()

        form = QFormLayout()
        form.addRow("Photos:", _row(self.collection_radio, self.collection_box))
        form.addRow("", self.shown_radio)
        form.addRow("", self.selected_radio)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Introduction:", self.intro_edit)
        form.addRow("Theme:", _row(self.theme_box, theme_button))
        form.addRow("Image size:", _row(self.image_size, QLabel("longest side;  thumbnails"),
                                        self.thumb_size))
        form.addRow("&Output folder:", _row(self.out_edit, out_button))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(self.gaps_label)
        left_layout.addWidget(self.error_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("Preview of the gallery's heading:"))
        right_layout.addWidget(self.preview, 1)
        body = QHBoxLayout()
        body.addWidget(left, 3)
        body.addWidget(right, 2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self._preview_timer = QTimer(self, singleShot=True, interval=150)
        self._preview_timer.timeout.connect(self.update_preview)
        self.title_edit.textChanged.connect(self._preview_timer.start)
        self.intro_edit.textChanged.connect(self._preview_timer.start)
        self.out_edit.textChanged.connect(self._update_buttons)
        self.out_edit.textChanged.connect(self._folder_changed)
        self._which.buttonToggled.connect(self._source_changed)
        self.collection_box.currentTextChanged.connect(self._source_changed)
        if current_collection in self._collections:
            self.collection_box.setCurrentText(current_collection)
            self.collection_radio.setChecked(True)
        elif len(selected) > 1:
            self.selected_radio.setChecked(True)
        elif shown:
            self.shown_radio.setChecked(True)
        elif collections:
            self.collection_radio.setChecked(True)
        self._source_changed()
        self.resize(940, 560)

    # -- what to publish --------------------------------------------------------------------
    def _fields(self) -> dict[str, object]:
        return {"title": self.title_edit.text(), "intro": self.intro_edit.toPlainText(),
                "theme": self.theme_box.currentText(), "image_size": self.image_size.value(),
                "thumb_size": self.thumb_size.value(), "out_dir": self.out_edit.text()}

    def _fill(self, start: GalleryStart, folder: bool = True) -> None:
        """Put `start` in every field the curator has not changed since we last filled it
        (the output folder too unless `folder` is False)."""
        s = start.settings
        values: dict[str, object] = {
            "title": s.title, "intro": s.intro, "theme": str(s.theme or "default"),
            "image_size": s.image_size, "thumb_size": s.thumb_size}
        if folder:
            values["out_dir"] = str(start.out_dir) if start.out_dir else ""
        setters = {"title": self.title_edit.setText, "intro": self.intro_edit.setPlainText,
                   "theme": self.theme_box.setCurrentText, "image_size": self.image_size.setValue,
                   "thumb_size": self.thumb_size.setValue, "out_dir": self.out_edit.setText}
        current = self._fields()
        for name, value in values.items():
            if current[name] in ("", self._filled.get(name, current[name])):
                self._filled[name] = value
                setters[name](value)

    def _start(self) -> GalleryStart:
        """What the chosen photos start from: a collection's last export, else defaults."""
        name = self._collection()
        info = self._collections.get(name or "")
        if info is None:
            return GalleryStart(GallerySettings(title=DEFAULT_TITLE))
        if self._archive is not None:
            try:
                return gallery_start(self._archive, info.name)
            except PhotoarchiveError:
                pass  # deleted meanwhile: the export will say so
        return GalleryStart(GallerySettings(title=info.name, intro=info.description or ""))

    def _collection(self) -> str | None:
        return self.collection_box.currentText() if self.collection_radio.isChecked() else None

    def _source_changed(self, *_args) -> None:
        """Fill the fields for the photos chosen, unless the user wrote their own."""
        if not self._filled:  # the first time: the widgets' initial values count as ours
            self._filled = self._fields()
        self._fill(self._start())
        if self._collection() is None:
            self._folder_changed()
        self._update_gaps()
        self._update_buttons()
        self.update_preview()

    def _folder_changed(self, *_args) -> None:
        """A query's or a selection's settings: those of the gallery already in the folder."""
        text = self.out_edit.text().strip()
        if self._collection() is not None or not text:
            return
        found = folder_start(Path(text).expanduser())
        if found is not None:
            self._fill(found, folder=False)

    def _update_gaps(self) -> None:
        """How many of the chosen photos lack a title or alt text, and how to list them."""
        if self._archive is None:
            return
        name = self._collection()
        try:
            if name is not None:
                ids = select_photos(self._archive, name)[0]
                gaps = text_gaps(self._archive, ids, collection_query(name))
            else:
                selected = self.selected_radio.isChecked()
                gaps = text_gaps(self._archive, self._selected if selected else self._shown,
                                 None if selected else self._shown_query)
        except PhotoarchiveError as error:
            self.gaps_label.setText(str(error))
            self.gaps_label.setVisible(True)
            return
        lines = gaps.lines()
        self.gaps_label.setText("\n".join(lines))
        self.gaps_label.setVisible(bool(lines))

    def _count(self) -> int:
        if self.collection_radio.isChecked():
            info = self._collections.get(self.collection_box.currentText())
            return info.count if info else 0
        return len(self._selected if self.selected_radio.isChecked() else self._shown)

    def _update_buttons(self, *_args) -> None:
        n = self._count()
        self.export_button.setText(f"Export {n:,} Photo{'s' if n != 1 else ''}")
        self.export_button.setEnabled(n > 0 and bool(self.out_edit.text().strip()))

    def update_preview(self) -> None:
        title = self.title_edit.text().strip()
        heading = f"<h1>{escape(title)}</h1>" if title else ""
        self.preview.setHtml(heading + render(self.intro_edit.toPlainText()))

    # -- choosing folders ---------------------------------------------------------------------
    def _choose_theme(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a theme folder")
        if folder:
            self.theme_box.setCurrentText(folder)

    def _choose_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the gallery's folder",
                                                  self.out_edit.text() or str(Path.home()))
        if folder:
            self.out_edit.setText(folder)

    # -- accepting -----------------------------------------------------------------------------
    def choice(self) -> GalleryChoice:
        theme = self.theme_box.currentText().strip()
        settings = GallerySettings(title=self.title_edit.text().strip(),
                                   intro=self.intro_edit.toPlainText(),
                                   theme=None if theme in ("", "default") else theme,
                                   image_size=self.image_size.value(),
                                   thumb_size=self.thumb_size.value())
        collection = self._collection()
        selected = self.selected_radio.isChecked()
        ids = [] if collection else (self._selected if selected else self._shown)
        query = None if collection or selected else self._shown_query
        return GalleryChoice(collection, list(ids),
                             Path(self.out_edit.text().strip()).expanduser(), settings, query)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _accept(self) -> None:
        if self.thumb_size.value() > self.image_size.value():
            self.show_error("Thumbnails cannot be larger than the images.")
            return
        out = Path(self.out_edit.text().strip()).expanduser()
        if out.exists() and not out.is_dir():
            self.show_error(f"{out} is a file; choose a folder for the gallery.")
            return
        self.show_error("")
        self.accept()
