"""Paints one grid tile: the thumbnail (turned by the photo's rotation), badges for a
missing caption or a missing file, and optionally the title and date underneath."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoarchive.services.browse import GridRow
from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.grid.model import ROW_ROLE

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

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        side = self.tile_size + 2 * PADDING
        return QSize(side, side + self.text_height(option))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        tile: GridRow | None = index.data(ROW_ROLE)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        cell = QRectF(option.rect).adjusted(2, 2, -2, -2)
        if selected:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(highlight)
            painter.drawRoundedRect(cell, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(cell, 6, 6)
        image_rect = QRect(option.rect.x() + PADDING, option.rect.y() + PADDING,
                           self.tile_size, self.tile_size)
        if tile is not None:
            drawn = self._paint_thumbnail(painter, image_rect, tile, palette)
            self._paint_badges(painter, drawn, tile, option.font)
            if self.show_titles:
                self._paint_text(painter, option, tile, selected)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            pen_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                       else QPalette.ColorRole.Highlight)
            painter.setPen(pen_colour)
            painter.drawRoundedRect(cell.adjusted(1, 1, -1, -1), 6, 6)
        painter.restore()

    def _paint_thumbnail(self, painter: QPainter, area: QRect, tile: GridRow,
                         palette: QPalette) -> QRect:
        pixmap = self.loader.pixmap(tile.content_hash, tile.path)
        if pixmap is None or pixmap.isNull():
            placeholder = area.adjusted(area.width() // 8, area.height() // 6,
                                        -area.width() // 8, -area.height() // 6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Mid).lighter(115))
            painter.drawRoundedRect(placeholder, 3, 3)
            if self.loader.failure(tile.content_hash):
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(placeholder, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                                 "Cannot show\nthis file")
            return placeholder
        turn = tile.rotation % 360
        width, height = pixmap.width(), pixmap.height()
        if turn in (90, 270):
            width, height = height, width
        scale = min(area.width() / width, area.height() / height)
        shown = QSize(max(1, round(width * scale)), max(1, round(height * scale)))
        target = QRect(0, 0, shown.width(), shown.height())
        target.moveCenter(area.center())
        if turn == 0:
            painter.drawPixmap(target, pixmap)
            return target
        painter.save()
        painter.translate(target.center().x() + 0.5, target.center().y() + 0.5)
        painter.setTransform(QTransform().rotate(turn), combine=True)
        w, h = (shown.height(), shown.width()) if turn in (90, 270) else (shown.width(),
                                                                          shown.height())
        painter.drawPixmap(QRect(-w // 2, -h // 2, w, h), pixmap)
        painter.restore()
        return target

    def _paint_badges(self, painter: QPainter, image: QRect, tile: GridRow, font: QFont) -> None:
        small = QFont(font)
        small.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        if not (tile.caption or "").strip():
            self._badge(painter, metrics, image.bottomLeft(), "No caption",
                        QColor(20, 20, 20, 190), QColor("white"), bottom=True)
        if tile.missing:
            self._badge(painter, metrics, image.topLeft(), "Missing file",
                        QColor(190, 30, 30, 230), QColor("white"), bottom=False)

    @staticmethod
    def _badge(painter: QPainter, metrics: QFontMetrics, corner, text: str, back: QColor,
               fore: QColor, bottom: bool) -> None:
        width = metrics.horizontalAdvance(text) + 10
        height = metrics.height() + 2
        y = corner.y() - height - 3 if bottom else corner.y() + 4
        rect = QRect(corner.x() + 4, y, width, height)
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
