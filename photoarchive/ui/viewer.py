"""The viewer: one photo large, in the main window's place of the grid.

Fit to window, 100 %, wheel zoom at the cursor, drag to pan, the catalog's rotation,
previous/next; title, caption, date and place beneath. Decoding runs on a worker thread
(`services.browse.viewer_pixels` → `QImage`), so a 6000×4000 scan never freezes the window;
a result that arrives after the user moved on is dropped.
"""

from __future__ import annotations

import html
import os
from collections import OrderedDict

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeyEvent,
    QPainter,
    QPalette,
    QPixmap,
    QTransform,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from photoarchive.errors import PhotoarchiveError
from photoarchive.services import photos
from photoarchive.services.archive import Archive
from photoarchive.services.browse import viewer_pixels
from photoarchive.ui.missing_file import MissingFilePanel
from photoarchive.ui.shortcuts import matches
from photoarchive.ui.workers import Workers

MAX_DECODE = 8192  # long edge; larger scans are shown scaled to this
ZOOM_MIN, ZOOM_MAX, WHEEL_STEP = 0.02, 16.0, 1.25
CACHED_IMAGES = 4


def decode_for_viewer(path: str) -> QImage:
    """Worker side: the photo as an RGB888 QImage (orientation applied).

    Raises FileNotFoundError when the file is not there (the viewer then says so)."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    data, width, height = viewer_pixels(path, MAX_DECODE)
    return QImage(data, width, height, width * 3, QImage.Format.Format_RGB888).copy()


class ImageView(QGraphicsView):
    """A zoomable, pannable view of one image; keys move between photos."""

    previous_requested = Signal()
    next_requested = Signal()
    back_requested = Signal()
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(QColor(32, 32, 32))
        self.setFrameShape(QFrame.Shape.NoFrame)
        for policy in (self.setHorizontalScrollBarPolicy, self.setVerticalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # drag to pan; calmer without bars
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fitting = True

    def set_pixmap(self, pixmap: QPixmap | None, rotation: int) -> None:
        self._item.setPixmap(pixmap or QPixmap())
        self._item.setTransformOriginPoint(self._item.boundingRect().center())
        self._item.setRotation(rotation)
        self.scene().setSceneRect(self._item.sceneBoundingRect())
        self.fit()

    def set_rotation(self, rotation: int) -> None:
        self._item.setRotation(rotation)
        self.scene().setSceneRect(self._item.sceneBoundingRect())
        self.fit()

    def fit(self) -> None:
        self.fitting = True
        if self._item.pixmap().isNull():
            return
        self.resetTransform()
        rect = self._item.sceneBoundingRect()
        view = self.viewport().rect()
        scale = min(view.width() / rect.width(), view.height() / rect.height(), ZOOM_MAX)
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(rect.center())
        self.zoom_changed.emit(self.current_scale())

    def actual_size(self) -> None:
        """One image pixel per screen (device) pixel."""
        self.fitting = False
        ratio = self.devicePixelRatioF() or 1.0
        self.setTransform(QTransform.fromScale(1 / ratio, 1 / ratio))
        self.zoom_changed.emit(self.current_scale())

    def current_scale(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        scale = self.current_scale()
        factor = min(max(scale * factor, ZOOM_MIN), ZOOM_MAX) / scale
        self.fitting = False
        if at is None:
            anchor = self.transformationAnchor()
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.scale(factor, factor)
            self.setTransformationAnchor(anchor)
        else:
            self.scale(factor, factor)  # AnchorUnderMouse keeps the point under the cursor
        self.zoom_changed.emit(self.current_scale())

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(WHEEL_STEP ** steps, event.position())
        event.accept()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The keys are those of ui.shortcuts (what Help -> Keyboard Shortcuts lists).
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)
        elif matches(event, "leave_full_screen") and self.window().isFullScreen():
            event.ignore()  # the window leaves full screen first; the photo stays
        elif matches(event, "viewer_previous"):
            self.previous_requested.emit()
        elif matches(event, "viewer_next"):
            self.next_requested.emit()
        elif matches(event, "viewer_back"):
            self.back_requested.emit()
        elif matches(event, "viewer_zoom_in"):
            self.zoom_by(WHEEL_STEP)
        elif matches(event, "viewer_zoom_out"):
            self.zoom_by(1 / WHEEL_STEP)
        elif matches(event, "viewer_fit"):
            self.fit()
        elif matches(event, "viewer_actual_size"):
            self.actual_size()
        else:
            super().keyPressEvent(event)


class PhotoViewer(QWidget):
    """The viewer page. `show_photo(id)`; signals `image_loaded(id)`, and the view's
    previous/next/back requests re-emitted for the main window; `find_missing_requested(id)`
    from the "Find It…" button shown when the photo's file is missing."""

    image_loaded = Signal(int)
    find_missing_requested = Signal(int)
    previous_requested = Signal()
    next_requested = Signal()
    back_requested = Signal()

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.photo_id: int | None = None
        self.loading = False
        self.error: str | None = None
        self._path = ""
        self._rotation = 0
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._workers = Workers(max_threads=2, parent=self)
        self.toolbar = QToolBar("Viewer")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.view = ImageView(self)
        self.message = QLabel(self.view)
        self.message.setStyleSheet("color: #ddd; background: transparent; font-size: 14pt;")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing_panel = MissingFilePanel(self.view)
        self.missing_panel.find_requested.connect(
            lambda: self.find_missing_requested.emit(self.photo_id))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.info.setContentsMargins(12, 6, 12, 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.info)
        self.view.previous_requested.connect(self.previous_requested)
        self.view.next_requested.connect(self.next_requested)
        self.view.back_requested.connect(self.back_requested)
        self.setFocusProxy(self.view)

    def add_actions(self, actions: list[QAction | None]) -> None:
        """Put the window's actions (back, previous, next, fit, rotate…) on the toolbar."""
        for action in actions:
            self.toolbar.addSeparator() if action is None else self.toolbar.addAction(action)

    # -- showing a photo -------------------------------------------------------------------
    def show_photo(self, photo_id: int) -> None:
        try:
            record = photos.get_photo(self.archive, photo_id)
        except PhotoarchiveError as exc:
            self._show_message(str(exc))
            return
        self.photo_id, self._path, self._rotation = photo_id, record.path, record.rotation
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.info.setText(_info_html(record, muted))
        self.error = None
        self.missing_panel.hide()
        key = record.content_hash
        cached = self._images.get(key)
        if cached is not None:
            self._images.move_to_end(key)
            self._display(photo_id, key, cached)
            return
        self.loading = True
        self._show_message("Loading…")
        self.view.set_pixmap(None, 0)
        self._workers.submit(decode_for_viewer, record.path,
                             on_done=lambda image: self._decoded(photo_id, key, image),
                             on_error=lambda exc: self._failed(photo_id, exc))

    def refresh_info(self) -> None:
        """Re-read the caption, date and place (after an edit), keeping zoom and pan."""
        if self.photo_id is not None:
            try:
                record = photos.get_photo(self.archive, self.photo_id)
            except PhotoarchiveError:
                return
            muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
            self.info.setText(_info_html(record, muted))

    def set_rotation(self, rotation: int) -> None:
        self._rotation = rotation
        self.view.set_rotation(rotation)

    def _decoded(self, photo_id: int, key: str, image: QImage) -> None:
        self._images[key] = image
        while len(self._images) > CACHED_IMAGES:
            self._images.popitem(last=False)
        if photo_id == self.photo_id:
            self._display(photo_id, key, image)

    def _display(self, photo_id: int, key: str, image: QImage) -> None:
        self.loading = False
        self.message.hide()
        self.view.set_pixmap(QPixmap.fromImage(image), self._rotation)
        self.image_loaded.emit(photo_id)

    def _failed(self, photo_id: int, exc: BaseException) -> None:
        if photo_id != self.photo_id:
            return
        self.loading = False
        if isinstance(exc, FileNotFoundError):
            self.message.hide()
            self.missing_panel.setGeometry(self.view.rect())
            self.missing_panel.show_path(self._path)
            self.error = self.missing_panel.text
        else:
            self.error = str(exc) or exc.__class__.__name__
            self._show_message(f"This photo cannot be shown.\n{self.error}")
        self.image_loaded.emit(photo_id)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setGeometry(self.view.rect())
        self.message.show()
        self.message.raise_()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.message.setGeometry(self.view.rect())
        self.missing_panel.setGeometry(self.view.rect())

    def shutdown(self) -> None:
        self._workers.shutdown()


def _info_html(record: photos.PhotoRecord, muted: str = "#888") -> str:
    esc = html.escape
    title = record.text.get("title") or record.path.rsplit("/", 1)[-1]
    caption = record.text.get("caption")
    place = ", ".join(p for p in (record.text.get("sublocation"), record.text.get("city"),
                                  record.text.get("state"), record.text.get("country")) if p)
    facts = " · ".join(p for p in (record.date_display or record.date, place,
                                   record.text.get("creator")) if p)
    parts = [f"<b>{esc(title)}</b>"]
    parts.append(esc(caption) if caption else "<i>No caption yet.</i>")
    if facts:
        parts.append(f"<span style='color: {muted}'>{esc(facts)}</span>")
    if record.missing:
        parts.append("<span style='color: #c33'>The original file is missing.</span>")
    return "<br>".join(parts)

