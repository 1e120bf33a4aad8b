"""Thumbnails for the grid: read (or made) on a thread pool, cached as pixmaps, bounded.

A worker reads the cached thumbnail JPEG into a `QImage`, making it first with
`services.browse.ensure_thumbnail` when it is missing; the GUI thread turns it into a
`QPixmap`. Requests are served newest first, and requests that pile up while the user
scrolls are dropped, so the tiles in view always come next.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from photoarchive.errors import MediaError
from photoarchive.services.browse import ensure_thumbnail
from photoarchive.ui.workers import Task, Workers

MAX_PENDING = 160
CACHE_BYTES = 256 * 1024 * 1024


def read_thumbnail(thumbnail_dir: Path, path: str, content_hash: str) -> QImage:
    """Worker side: the thumbnail as a QImage (made and cached first if missing)."""
    file = ensure_thumbnail(thumbnail_dir, path, content_hash)
    image = QImage(str(file))
    if image.isNull():
        raise MediaError(f"The cached thumbnail {file} cannot be read.")
    return image


class ThumbnailLoader(QObject):
    """`pixmap(hash, path)` answers from the cache or queues a load and answers None."""

    thumbnail_ready = Signal(str)  # content hash: a pixmap (or a failure) is now known
    idle = Signal()  # nothing queued or loading

    def __init__(self, thumbnail_dir: Path, threads: int | None = None,
                 cache_bytes: int = CACHE_BYTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnail_dir = thumbnail_dir
        self._workers = Workers(max_threads=threads or 4, parent=self)
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._cache_bytes = 0
        self._limit = cache_bytes
        self._pending: OrderedDict[str, Task] = OrderedDict()
        self._failed: dict[str, str] = {}
        self._priority = 0
        self.loads_started = 0

    def pixmap(self, content_hash: str, path: str) -> QPixmap | None:
        found = self._cache.get(content_hash)
        if found is not None:
            self._cache.move_to_end(content_hash)
            return found
        if content_hash not in self._failed:
            self._request(content_hash, path)
        return None

    def known(self, content_hash: str) -> bool:
        """True once the thumbnail is cached or known to fail (nothing left to wait for)."""
        return content_hash in self._cache or content_hash in self._failed

    def failure(self, content_hash: str) -> str | None:
        """Why this thumbnail cannot be shown, if it cannot."""
        return self._failed.get(content_hash)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def forget(self, content_hash: str) -> None:
        """Drop a cached pixmap or failure (the file changed, retry)."""
        pixmap = self._cache.pop(content_hash, None)
        if pixmap is not None:
            self._cache_bytes -= _size(pixmap)
        self._failed.pop(content_hash, None)

    def shutdown(self) -> None:
        self._workers.shutdown()
        self._pending.clear()

    # -- internals --------------------------------------------------------------------------
    def _request(self, content_hash: str, path: str) -> None:
        if content_hash in self._pending:
            self._pending.move_to_end(content_hash)
            return
        self._priority += 1
        task = self._workers.submit(
            read_thumbnail, self.thumbnail_dir, path, content_hash, start=False)
        task.relay.done.connect(lambda image, h=content_hash: self._loaded(h, image))
        task.relay.failed.connect(lambda exc, h=content_hash: self._failed_load(h, exc))
        self._pending[content_hash] = task
        self.loads_started += 1
        self._workers.start(task, self._priority)
        while len(self._pending) > MAX_PENDING:
            old_hash, old_task = next(iter(self._pending.items()))
            if not self._workers.withdraw(old_task):
                break  # already running: let it finish
            del self._pending[old_hash]

    def _loaded(self, content_hash: str, image: QImage) -> None:
        self._pending.pop(content_hash, None)
        pixmap = QPixmap.fromImage(image)
        self._cache[content_hash] = pixmap
        self._cache_bytes += _size(pixmap)
        while self._cache_bytes > self._limit and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._cache_bytes -= _size(old)
        self._announce(content_hash)

    def _failed_load(self, content_hash: str, exc: BaseException) -> None:
        self._pending.pop(content_hash, None)
        self._failed[content_hash] = str(exc) or exc.__class__.__name__
        self._announce(content_hash)

    def _announce(self, content_hash: str) -> None:
        self.thumbnail_ready.emit(content_hash)
        if not self._pending:
            self.idle.emit()


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4
