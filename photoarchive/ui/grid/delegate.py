"""Paints one grid tile: the thumbnail (turned by the photo's rotation), badges for a
missing caption, a missing file and the write-back state (catalog newer, file newer,
conflict; nothing when in sync), and optionally the title and date underneath."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoarchive.services.browse import GridRow
from photoarchive.services.writeback import CATALOG_NEWER, CONFLICT, FILE_NEWER, MISSING
from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.grid.model import ROW_ROLE, SYNC_ROLE
from photoarchive.ui.sync_badges import BADGES

#: Badge colours of the write-back states (white text on them).
SYNC_COLOURS = {CATALOG_NEWER: QColor(35, 95, 180, 225), FILE_NEWER: QColor(170, 105, 0, 235),
                CONFLICT: QColor(190, 30, 30, 235)}

PADDING = 6
TEXT_LINES = 2


class TileDelegate(QStyledItemDelegate):
    """Tiles `tile_size` pixels square, plus two lines of text when `show_titles`."""

    def __init__(self, loader: ThumbnailLoader, tile_size: int = 180, show_titles: bool = True,
                 parent=None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.tile_size = tile_size
        self.show_titles = show_titles

    def text_height(self, option: QStyleOptionViewItem) -> int:
        if not self.show_titles:
            return 0
        return QFontMetrics(option.font).lineSpacing() * TEXT_LINES + 4

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        side = self.tile_size + 2 * PADDING
        return QSize(side, side + self.text_height(option))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        tile: GridRow | None = index.data(ROW_ROLE)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        area = QRect(option.rect.x() + PADDING, option.rect.y() + PADDING,
                     self.tile_size, self.tile_size)
        pixmap = self.loader.pixmap(tile.content_hash, tile.path) if tile is not None else None
        shown = self._placement(area, pixmap, tile.rotation if tile is not None else 0)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # The tile's background hugs the photo and its text, not the empty square around it.
        cell = QRectF(option.rect.x() + 2, shown.top() - PADDING + 2, option.rect.width() - 4,
                      option.rect.bottom() - shown.top() + PADDING - 3)
        if selected or option.state & QStyle.StateFlag.State_MouseOver:
            role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Midlight
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(role))
            painter.drawRoundedRect(cell, 6, 6)
        if tile is not None:
            self._paint_thumbnail(painter, shown, pixmap, tile, palette)
            sync = index.data(SYNC_ROLE)
            self._paint_badges(painter, shown, tile, sync.state if sync else None, option.font)
            if self.show_titles:
                self._paint_text(painter, option, tile, selected)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            pen_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                       else QPalette.ColorRole.Highlight)
            painter.setPen(pen_colour)
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 6, 6)
        painter.restore()

    @staticmethod
    def _placement(area: QRect, pixmap: QPixmap | None, rotation: int) -> QRect:
        """Where the photo goes: fitted in the square, on its bottom edge (a common
        baseline keeps titles right under their photos)."""
        if pixmap is None or pixmap.isNull():
            return area.adjusted(area.width() // 8, area.height() // 6, -area.width() // 8, 0)
        width, height = pixmap.width(), pixmap.height()
        if rotation % 180 == 90:
            width, height = height, width
        scale = min(area.width() / width, area.height() / height)
        target = QRect(0, 0, max(1, round(width * scale)), max(1, round(height * scale)))
        target.moveCenter(area.center())
        target.moveBottom(area.bottom())
        return target

    def _paint_thumbnail(self, painter: QPainter, target: QRect, pixmap: QPixmap | None,
                         tile: GridRow, palette: QPalette) -> None:
        if pixmap is None or pixmap.isNull():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Mid).lighter(115))
            painter.drawRoundedRect(target, 3, 3)
            if self.loader.failure(tile.content_hash):
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(target, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                                 "Cannot show\nthis file")
            return
        turn = tile.rotation % 360
        if turn == 0:
            painter.drawPixmap(target, pixmap)
            return
        painter.save()
        centre = QRectF(target).center()
        painter.translate(centre)
        painter.setTransform(QTransform().rotate(turn), combine=True)
        w, h = (target.height(), target.width()) if turn in (90, 270) else (target.width(),
                                                                            target.height())
        painter.drawPixmap(QRectF(-w / 2, -h / 2, w, h), pixmap, QRectF(pixmap.rect()))
        painter.restore()

    def _paint_badges(self, painter: QPainter, image: QRect, tile: GridRow, sync: str | None,
                      font: QFont) -> None:
        small = QFont(font)
        small.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        if not (tile.caption or "").strip():
            self._badge(painter, metrics, image.bottomLeft(), "No caption",
                        QColor(20, 20, 20, 190), QColor("white"), bottom=True)
        if tile.missing or sync == MISSING:
            self._badge(painter, metrics, image.topLeft(), BADGES[MISSING],
                        QColor(190, 30, 30, 230), QColor("white"), bottom=False)
        elif sync in SYNC_COLOURS:
            self._badge(painter, metrics, image.topRight(), BADGES[sync], SYNC_COLOURS[sync],
                        QColor("white"), bottom=False, right=True)

    @staticmethod
    def _badge(painter: QPainter, metrics: QFontMetrics, corner, text: str, back: QColor,
               fore: QColor, bottom: bool, right: bool = False) -> None:
        width = metrics.horizontalAdvance(text) + 10
        height = metrics.height() + 2
        y = corner.y() - height - 3 if bottom else corner.y() + 4
        x = corner.x() - 4 - width if right else corner.x() + 4
        rect = QRect(x, y, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(back)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(fore)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_text(self, painter: QPainter, option: QStyleOptionViewItem, tile: GridRow,
                    selected: bool) -> None:
        painter.setFont(option.font)
        metrics = QFontMetrics(option.font)
        width = self.tile_size
        x = option.rect.x() + PADDING
        y = option.rect.y() + PADDING + self.tile_size + 2
        line = metrics.lineSpacing()
        palette = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        title = metrics.elidedText(tile.name, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(x, y, width, line), Qt.AlignmentFlag.AlignHCenter, title)
        second = tile.date_display or ""
        if second:
            muted = palette.color(text_role)
            muted.setAlphaF(0.7)
            painter.setPen(muted)
            second = metrics.elidedText(second, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRect(x, y + line, width, line), Qt.AlignmentFlag.AlignHCenter,
                             second)
