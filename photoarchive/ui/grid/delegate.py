"""Paints one grid tile: the thumbnail (turned by the photo's rotation), badges for a
missing caption, a missing file and the write-back state (catalog newer, file newer,
conflict; nothing when in sync), and optionally the title and date underneath.

Painting is the hot path of scrolling (a screen of 2560 x 1600 holds ~55 tiles, and a
frame lasts 16 ms), so what does not change between paints is made once and kept: font
metrics, laid-out texts (`QStaticText`), badges and placeholders (small pixmaps). The
thumbnails come from the loader already scaled to the tile size.

Placeholders are opaque, drawn over the colour behind them: the window's backing store has
no alpha channel, and blending a translucent pixmap onto it takes Qt's generic path (split
across its thread pool, ~10x a plain copy), while an opaque one is copied.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPixmap,
    QStaticText,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoarchive.services.browse import GridRow
from photoarchive.services.writeback import CATALOG_NEWER, CONFLICT, FILE_NEWER, MISSING
from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.grid.model import ROW_ROLE, SYNC_ROLE, PhotoGridModel
from photoarchive.ui.sync_badges import BADGES

#: Badge colours of the write-back states (white text on them).
SYNC_COLOURS = {CATALOG_NEWER: QColor(35, 95, 180, 225), FILE_NEWER: QColor(170, 105, 0, 235),
                CONFLICT: QColor(190, 30, 30, 235)}
NO_CAPTION_COLOUR = QColor(20, 20, 20, 190)
MISSING_COLOUR = QColor(190, 30, 30, 230)
WHITE = QColor("white")

PADDING = 6
TEXT_LINES = 2
MAX_WAITING = 1000  # content hashes remembered as painted without their thumbnail
MAX_TEXTS = 4000  # laid-out titles and dates kept

_SELECTED = QStyle.StateFlag.State_Selected.value
_HOVER = QStyle.StateFlag.State_MouseOver.value
_FOCUS = QStyle.StateFlag.State_HasFocus.value
_CENTRED = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
_FAILED_TEXT = "Cannot show\nthis file"
_ANTIALIASING = QPainter.RenderHint.Antialiasing
_NO_PEN, _NO_BRUSH = Qt.PenStyle.NoPen, Qt.BrushStyle.NoBrush


class _Colours(NamedTuple):
    """The palette's colours a tile uses."""

    text: QColor
    selected_text: QColor
    muted: QColor
    selected_muted: QColor
    highlight: QColor
    midlight: QColor
    placeholder: QColor
    base: QColor  # the view's background
    frame: QColor  # a hairline round each photo: a white scan still shows its edges


def _mix(front: QColor, back: QColor, amount: float) -> QColor:
    """`front` laid over `back` at `amount` opacity, as one opaque colour."""
    return QColor(*(round(f * amount + b * (1 - amount)) for f, b in (
        (front.red(), back.red()), (front.green(), back.green()), (front.blue(), back.blue()))))


class TileDelegate(QStyledItemDelegate):
    """Tiles `tile_size` pixels square, plus two lines of text when `show_titles`.

    A tile is centred in its cell of `cell_width` pixels (the view's column width).
    `waiting` maps a content hash to the rows painted without its thumbnail, so the view
    repaints just those tiles when it arrives.
    """

    def __init__(self, loader: ThumbnailLoader, tile_size: int = 180, show_titles: bool = True,
                 parent=None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.tile_size = tile_size
        self.show_titles = show_titles
        self.cell_width = 0
        self.model: PhotoGridModel | None = None  # read directly, not through QModelIndex
        self.waiting: dict[str, set[int]] = {}
        self._fonts: dict[str, tuple[QFontMetrics, QFont, QFontMetrics]] = {}
        self._texts: OrderedDict[tuple, tuple[QStaticText, float]] = OrderedDict()
        self._pixmaps: dict[tuple, QPixmap] = {}  # badges and placeholders
        self._badges: dict[tuple, tuple[QPixmap, int, int]] = {}  # with their sizes
        self._places: dict[tuple, tuple[int, int, int, int]] = {}  # see _placement
        self._palettes: dict[int, _Colours] = {}
        self._font_keys: list[tuple[QFont, str]] = []

    # -- cached fonts, texts and pictures ---------------------------------------------------
    def _font_key(self, font: QFont) -> str:
        """`font.key()`, remembered for the fonts seen last (comparing is cheaper)."""
        for known, key in self._font_keys:
            if known == font:
                return key
        key = font.key()
        self._font_keys = [(QFont(font), key), *self._font_keys[:3]]
        return key

    def _metrics(self, font: QFont) -> tuple[QFontMetrics, QFont, QFontMetrics]:
        """The font's metrics, the badges' smaller font and its metrics."""
        key = self._font_key(font)
        found = self._fonts.get(key)
        if found is None:
            small = QFont(font)
            small.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
            found = (QFontMetrics(font), small, QFontMetrics(small))
            self._fonts[key] = found
        return found

    def _text(self, metrics: QFontMetrics, font: QFont, text: str,
              width: int) -> tuple[QStaticText, float]:
        """`text` elided to `width` and laid out once, with its width."""
        key = (text, width, self._font_key(font))
        found = self._texts.get(key)
        if found is not None:
            self._texts.move_to_end(key)
            return found
        static = QStaticText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))
        static.setTextFormat(Qt.TextFormat.PlainText)
        found = (static, static.size().width())
        self._texts[key] = found
        if len(self._texts) > MAX_TEXTS:
            self._texts.popitem(last=False)
        return found

    def _picture(self, key: tuple, size: QSize, ratio: float, draw,
                 background: QColor | None = None) -> QPixmap:
        """A small pixmap drawn once by `draw(painter, rect)` and kept: transparent, or
        opaque over `background` (much cheaper to paint, see the module's docstring)."""
        found = self._pixmaps.get(key)
        if found is None:
            if len(self._pixmaps) > 256:
                self._pixmaps.clear()
            found = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
            found.setDevicePixelRatio(ratio)
            found.fill(Qt.GlobalColor.transparent if background is None else background)
            painter = QPainter(found)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw(painter, QRect(QPoint(0, 0), size))
            painter.end()
            self._pixmaps[key] = found
        return found

    def text_height(self, option: QStyleOptionViewItem) -> int:
        if not self.show_titles:
            return 0
        return self._metrics(option.font)[0].lineSpacing() * TEXT_LINES + 4

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        side = self.tile_size + 2 * PADDING
        return QSize(max(side, self.cell_width), side + self.text_height(option))

    def tile_rect(self, cell: QRect) -> QRect:
        """The tile inside its cell: `tile_size` plus padding wide, centred."""
        side = self.tile_size + 2 * PADDING
        return QRect(cell.x() + max(0, (cell.width() - side) // 2), cell.y(), side,
                     cell.height())

    # -- painting ----------------------------------------------------------------------------
    # Geometry is plain ints: every Qt value object made in Python (a QRect, a QPointF)
    # costs a wrapper, and beside a busy thread, a wait for the GIL.
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        model, row = self.model, index.row()
        tile: GridRow | None = model.tile(row) if model is not None else index.data(ROW_ROLE)
        colours = self._colours(option.palette)
        state = option.state.value
        selected = bool(state & _SELECTED)
        cell = option.rect
        side = self.tile_size
        left = cell.x() + max(0, (cell.width() - side - 2 * PADDING) // 2)  # the tile's
        top, bottom = cell.y(), cell.y() + cell.height() - 1
        loader = self.loader
        pixmap = None
        waiting = False
        if tile is not None:
            pixmap = loader.pixmap(tile.content_hash, tile.path)
            if pixmap is not None and pixmap.isNull():
                pixmap = None
            if not loader.known(tile.content_hash):
                waiting = True
                self._wait(tile.content_hash, row)
        dx, dy, width, height = self._placement(side, pixmap,
                                                tile.rotation if tile is not None else 0)
        x, y = left + PADDING + dx, top + PADDING + dy  # the photo's top-left
        painter.save()
        painter.setRenderHint(_ANTIALIASING)
        # The tile's background hugs the photo and its text, not the empty square around it.
        background = None
        if state & (_SELECTED | _HOVER | _FOCUS):
            background = QRectF(left + 2, y - PADDING + 2, side + 2 * PADDING - 4,
                                bottom - y + PADDING - 3)
        if state & (_SELECTED | _HOVER):
            painter.setPen(_NO_PEN)
            painter.setBrush(colours.highlight if selected else colours.midlight)
            painter.drawRoundedRect(background, 6, 6)
        if tile is not None:
            font = option.font
            metrics, small, small_metrics = self._metrics(font)
            self._paint_thumbnail(painter, x, y, width, height, pixmap, tile, colours, font, (
                colours.highlight if selected else colours.midlight if state & _HOVER
                else colours.base))
            if pixmap is not None:  # four opaque one-pixel lines: no blending, no smoothing
                frame = colours.frame  # (an antialiased outline cost 15 ms a screen)
                painter.fillRect(x - 1, y - 1, width + 2, 1, frame)
                painter.fillRect(x - 1, y + height, width + 2, 1, frame)
                painter.fillRect(x - 1, y, 1, height, frame)
                painter.fillRect(x + width, y, 1, height, frame)
            if waiting and pixmap is None:
                # Thumbnails first: the write-back state is asked for (and computed in the
                # background) once the photo is shown, not beside its decoding.
                sync = None
            elif model is not None:
                lookup = model.sync_lookup
                sync = lookup(tile.id) if lookup is not None else None
            else:
                sync = index.data(SYNC_ROLE)
            self._paint_badges(painter, x, y, width, height, tile,
                               sync.state if sync else None, small, small_metrics)
            if self.show_titles:
                self._paint_text(painter, font, left + PADDING, top + PADDING + side + 2,
                                 metrics, tile, *(
                                     (colours.selected_text, colours.selected_muted) if selected
                                     else (colours.text, colours.muted)))
        if state & _FOCUS:
            painter.setBrush(_NO_BRUSH)
            painter.setPen(colours.selected_text if selected else colours.highlight)
            painter.drawRoundedRect(background.adjusted(1, 1, -1, -1), 6, 6)
        painter.restore()

    def _colours(self, palette: QPalette) -> _Colours:
        """The palette's colours a tile uses (looked up once per palette)."""
        key = palette.cacheKey()
        found = self._palettes.get(key)
        if found is None:
            role = QPalette.ColorRole
            text, selected_text = palette.color(role.Text), palette.color(role.HighlightedText)
            muted, selected_muted = QColor(text), QColor(selected_text)
            muted.setAlphaF(0.7)
            selected_muted.setAlphaF(0.7)
            found = _Colours(text, selected_text, muted, selected_muted,
                             palette.color(role.Highlight), palette.color(role.Midlight),
                             palette.color(role.Mid).lighter(115), palette.color(role.Base),
                             _mix(text, palette.color(role.Base), 0.22))
            if len(self._palettes) > 16:
                self._palettes.clear()
            self._palettes[key] = found
        return found

    def _wait(self, content_hash: str, row: int) -> None:
        rows = self.waiting.pop(content_hash, None) or set()
        rows.add(row)
        self.waiting[content_hash] = rows  # newest last
        while len(self.waiting) > MAX_WAITING:  # requests this old were dropped anyway
            del self.waiting[next(iter(self.waiting))]

    def _placement(self, side: int, pixmap: QPixmap | None,
                   rotation: int) -> tuple[int, int, int, int]:
        """Where the photo goes in the `side` x `side` square, as (x, y, width, height)
        from its top-left: fitted, on its bottom edge (a common baseline keeps titles right
        under their photos). A placeholder is narrower than the square, and shorter."""
        if pixmap is None:
            return side // 8, side // 6, side - 2 * (side // 8), side - side // 6
        width, height, ratio = pixmap.width(), pixmap.height(), pixmap.devicePixelRatio()
        turned = rotation % 180 == 90
        key = (width, height, ratio, turned, side)
        found = self._places.get(key)
        if found is None:
            width, height = width / ratio, height / ratio
            if turned:
                width, height = height, width
            scale = min(side / width, side / height)
            shown_width = max(1, round(width * scale))
            shown_height = max(1, round(height * scale))
            # As QRect.moveCenter and moveBottom place it in the square.
            found = ((side - 1) // 2 - (shown_width - 1) // 2, side - shown_height,
                     shown_width, shown_height)
            if len(self._places) > 256:
                self._places.clear()
            self._places[key] = found
        return found

    def _paint_thumbnail(self, painter: QPainter, x: int, y: int, width: int, height: int,
                         pixmap: QPixmap | None, tile: GridRow, colours: _Colours, font: QFont,
                         behind: QColor) -> None:
        if pixmap is None:
            failed = bool(self.loader.failure(tile.content_hash))
            back, fore = colours.placeholder, colours.text
            key = ("placeholder", width, height, back.rgba(), behind.rgba(),
                   failed, fore.rgba() if failed else 0,
                   self._font_key(font) if failed else "", painter.device().devicePixelRatioF())
            picture = self._pixmaps.get(key)
            if picture is None:
                def draw(p: QPainter, rect: QRect) -> None:
                    p.setPen(_NO_PEN)
                    p.setBrush(back)
                    p.drawRoundedRect(rect, 3, 3)
                    if failed:
                        p.setFont(font)
                        p.setPen(fore)
                        p.drawText(rect, _CENTRED, _FAILED_TEXT)
                picture = self._picture(key, QSize(width, height), key[-1], draw, behind)
            painter.drawPixmap(x, y, picture)
            return
        turn = tile.rotation % 360
        ratio = pixmap.devicePixelRatio()
        size = (pixmap.width() / ratio, pixmap.height() / ratio)
        if turn in (90, 270):
            size = size[1], size[0]
        if turn == 0 and size == (width, height):
            painter.drawPixmap(x, y, pixmap)  # a plain copy: no scaling, no transform
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)  # a stand-in of
        if turn == 0:  # another size (after a zoom), scaled while it is painted
            painter.drawPixmap(QRect(x, y, width, height), pixmap)
            return
        painter.save()
        painter.translate(x + width / 2, y + height / 2)
        painter.rotate(turn)
        w, h = (height, width) if turn in (90, 270) else (width, height)
        painter.drawPixmap(QRectF(-w / 2, -h / 2, w, h), pixmap, QRectF(pixmap.rect()))
        painter.restore()

    def _paint_badges(self, painter: QPainter, x: int, y: int, width: int, height: int,
                      tile: GridRow, sync: str | None, font: QFont,
                      metrics: QFontMetrics) -> None:
        """Badges in the photo's corners (x, y, width, height: where the photo is)."""
        caption = tile.caption
        if not caption or not caption.strip():
            self._badge(painter, font, metrics, x, y + height - 1, "No caption",
                        NO_CAPTION_COLOUR, bottom=True)
        if tile.missing or sync == MISSING:
            self._badge(painter, font, metrics, x, y, BADGES[MISSING], MISSING_COLOUR,
                        bottom=False)
        elif sync in SYNC_COLOURS:
            self._badge(painter, font, metrics, x + width - 1, y, BADGES[sync],
                        SYNC_COLOURS[sync], bottom=False, right=True)

    def _badge(self, painter: QPainter, font: QFont, metrics: QFontMetrics, corner_x: int,
               corner_y: int, text: str, back: QColor, bottom: bool,
               right: bool = False) -> None:
        """A pill with white text, in a corner of the photo (drawn once, then reused)."""
        ratio = painter.device().devicePixelRatioF()
        key = ("badge", text, back.rgba(), self._font_key(font), ratio)
        found = self._badges.get(key)
        if found is None:
            width = metrics.horizontalAdvance(text) + 10
            height = metrics.height() + 2

            def draw(p: QPainter, rect: QRect) -> None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(back)
                p.drawRoundedRect(rect, height / 2, height / 2)
                p.setFont(font)
                p.setPen(WHITE)
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            found = (self._picture(key, QSize(width, height), ratio, draw), width, height)
            if len(self._badges) > 64:
                self._badges.clear()
            self._badges[key] = found
        picture, width, height = found
        y = corner_y - height - 3 if bottom else corner_y + 4
        x = corner_x - 4 - width if right else corner_x + 4
        painter.drawPixmap(x, y, picture)

    def _paint_text(self, painter: QPainter, font: QFont, x: int, y: int,
                    metrics: QFontMetrics, tile: GridRow, colour: QColor,
                    muted: QColor) -> None:
        """The title and the date, centred under the square that starts at `x`."""
        painter.setFont(font)
        width = self.tile_size
        painter.setPen(colour)
        title, title_width = self._text(metrics, font, tile.name, width)
        painter.drawStaticText(x + round((width - title_width) / 2), y, title)
        if tile.date_display:
            painter.setPen(muted)
            second, second_width = self._text(metrics, font, tile.date_display, width)
            painter.drawStaticText(x + round((width - second_width) / 2),
                                   y + metrics.lineSpacing(), second)
