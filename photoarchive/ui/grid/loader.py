"""Thumbnails for the grid: read (or made) on a thread pool, cached as pixmaps, bounded.

A worker decodes the cached thumbnail JPEG (`services.browse.thumbnail_pixels`, making it
first when it is missing) at the smallest JPEG scale that still covers the size the grid
paints (`set_size`), and finishes the scaling into a `QImage` there, so painting a tile
never scales pixels; the GUI thread only turns it into a `QPixmap`. The decoding is
Pillow's (libjpeg-turbo), which releases the GIL: the workers decode side by side, and the
GUI thread runs meanwhile. The cache holds pixmaps per (content, size): after a zoom, a
tile shows the old size (scaled while painting) until its new size arrives.

What a paint asks for is queued together once the paint is over; a few workers (one
task each, for as long as there is work) take from the queue: the newest paint's tiles
first, in the order they were painted (top-left first). Requests that pile up while the
user scrolls are dropped, so the tiles in view always come next. Few tasks, no work
started mid-paint and results handed over a batch at a time keep the GUI thread and the
workers from trading the GIL at every step.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from photoarchive.services.browse import thumbnail_pixels
from photoarchive.ui.workers import Task, Workers

MAX_PENDING = 160
CACHE_BYTES = 256 * 1024 * 1024
THREADS = min(4, max(2, QThread.idealThreadCount()))  # decoding threads: one per core
DELIVER_SECONDS = 0.02  # a worker hands its thumbnails over at most this often (each
# delivery wakes the GUI thread; the view repaints arrivals every 60 ms at most anyway)
PAUSE_LIMIT = 0.5  # seconds a worker waits for a paint to end, at most
_KEEP_SIZES = 3  # sizes whose pixmaps may stand in while the current size loads

Key = tuple[str, int]  # content hash, size in device pixels (0: as stored)


def read_thumbnail(thumbnail_dir: Path, path: str, content_hash: str,
                   size: int = 0) -> QImage:
    """Worker side: the thumbnail as a QImage (made and cached first if missing), fitted
    in `size` x `size` pixels when `size` is given and smaller than the thumbnail."""
    pixels = thumbnail_pixels(thumbnail_dir, path, content_hash, size)
    width, height = pixels.shown
    source = QImage(pixels.data, pixels.width, pixels.height, 3 * pixels.width,
                    QImage.Format.Format_RGB888)  # borrows `pixels.data`: copied below
    image = source.convertToFormat(QImage.Format.Format_RGB32)
    if (width, height) != (pixels.width, pixels.height):
        # QImage.scaled, not a QPainter: Qt's painter splits a blend of 96 lines or more
        # over its own thread pool and waits for it, holding the GIL meanwhile.
        image = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


class ThumbnailLoader(QObject):
    """`pixmap(hash, path)` answers from the cache or queues a load and answers None
    (or a pixmap of another size, while the one of the current size loads)."""

    thumbnail_ready = Signal(str)  # content hash: a pixmap (or a failure) is now known
    idle = Signal()  # nothing queued or loading

    def __init__(self, thumbnail_dir: Path, threads: int | None = None,
                 cache_bytes: int = CACHE_BYTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnail_dir = thumbnail_dir
        self._threads = threads or THREADS
        self._workers = Workers(max_threads=self._threads, parent=self)
        self._cache: OrderedDict[Key, QPixmap] = OrderedDict()
        self._cache_bytes = 0
        self._limit = cache_bytes
        self._pending: OrderedDict[Key, None] = OrderedDict()  # asked for, not arrived
        self._asked: dict[Key, str] = {}  # asked for during this paint: key -> path
        self._dropped: set[Key] = set()  # no longer wanted, maybe still queued
        self._lock = threading.Lock()  # guards _queue and _loading, shared with the workers
        self._painting = 0  # nested `paused()` blocks on the GUI thread
        self._go = threading.Event()  # clear while the GUI thread paints: workers wait
        self._go.set()
        self._queue: list[tuple[Key, str]] = []  # served from the end
        self._loading: set[Key] = set()  # taken from the queue by a worker, not arrived
        self._running = 0  # worker tasks started and not ended
        self._failed: dict[str, str] = {}
        self._size = 0  # device pixels; 0: as stored
        self._ratio = 1.0
        self._sizes: list[int] = []  # recent sizes, newest last (stand-ins after a zoom)
        self._start_timer = QTimer(self, singleShot=True, interval=0)
        self._start_timer.timeout.connect(self.start_asked)
        self.loads_started = 0

    # -- size ---------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """The square (in device pixels) thumbnails are fitted in; 0 for as stored."""
        return self._size

    def set_size(self, size: int, device_pixel_ratio: float = 1.0) -> None:
        """Fit thumbnails in `size` x `size` logical pixels from now on."""
        pixels = max(0, round(size * device_pixel_ratio))
        self._ratio = device_pixel_ratio if pixels else 1.0
        if pixels == self._size:
            return
        if self._size in self._sizes:
            self._sizes.remove(self._size)
        self._sizes.append(self._size)
        del self._sizes[:-_KEEP_SIZES]
        self._size = pixels

    # -- asking ----------------------------------------------------------------------------
    def pixmap(self, content_hash: str, path: str) -> QPixmap | None:
        key = (content_hash, self._size)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        if content_hash in self._failed:
            return None
        self._request(key, path)
        for size in reversed(self._sizes):
            stand_in = self._cache.get((content_hash, size))
            if stand_in is not None:
                return stand_in
        return None

    def known(self, content_hash: str) -> bool:
        """True once the thumbnail (at the current size) is cached or known to fail."""
        return (content_hash, self._size) in self._cache or content_hash in self._failed

    def failure(self, content_hash: str) -> str | None:
        """Why this thumbnail cannot be shown, if it cannot."""
        return self._failed.get(content_hash)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def forget(self, content_hash: str) -> None:
        """Drop cached pixmaps or the failure of this content (the file changed, retry)."""
        for key in [k for k in self._cache if k[0] == content_hash]:
            self._cache_bytes -= _size(self._cache.pop(key))
        self._failed.pop(content_hash, None)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the workers back between two thumbnails while the GUI thread paints.

        A worker needs the GIL now and then (Pillow's parsing, Qt's wrappers); beside a
        paint, every such moment makes the GUI thread wait for the GIL at its next Qt
        call, and a paint of 60 tiles took several times as long. Decoding loses the few
        milliseconds of a paint instead."""
        self._painting += 1
        self._go.clear()
        try:
            yield
        finally:
            self._painting -= 1
            if not self._painting:
                self._go.set()

    def shutdown(self) -> None:
        self._go.set()
        self._start_timer.stop()
        with self._lock:
            self._queue.clear()
        self._workers.shutdown()
        self._loading.clear()
        self._pending.clear()
        self._asked.clear()
        self._dropped.clear()

    # -- GUI side: queueing ----------------------------------------------------------------
    def _request(self, key: Key, path: str) -> None:
        if key in self._pending:
            self._pending.move_to_end(key)
        else:
            self._pending[key] = None
            self.loads_started += 1
        self._asked[key] = path
        self._dropped.discard(key)
        while len(self._pending) > MAX_PENDING:  # the oldest requests: scrolled away
            old = self._pending.popitem(last=False)[0]
            self._asked.pop(old, None)
            self._dropped.add(old)
        self._start_timer.start()  # after the paint that asks (or at `start_asked`)

    def start_asked(self) -> None:
        """Queue what the last paint asked for ahead of older requests, take out what was
        dropped, and start workers for the work there is."""
        asked, self._asked = self._asked, {}
        dropped, self._dropped = self._dropped, set()
        with self._lock:
            if asked or dropped:
                self._queue = [item for item in self._queue
                               if item[0] not in asked and item[0] not in dropped]
                self._queue.extend((k, p) for k, p in reversed(asked.items())
                                   if k in self._pending and k not in self._loading)
            queued = len(self._queue)
        while self._running < min(self._threads, queued):
            self._running += 1
            task = self._workers.submit(self._serve, pass_task=True, start=False)
            task.relay.partial.connect(self._arrived)
            task.relay.ended.connect(self._worker_ended)
            self._workers.start(task)
        if dropped and not self._pending:
            self.idle.emit()

    def _worker_ended(self) -> None:
        self._running -= 1
        self.start_asked()  # work queued while that worker was finishing

    # -- worker side -------------------------------------------------------------------------
    def _serve(self, task: Task) -> None:
        """A worker: load queued thumbnails until the queue is empty (or cancelled).
        Results go to the GUI thread in batches (every delivery wakes it up): when the
        queue is empty, or every DELIVER_SECONDS while it is not."""
        done: list[tuple[Key, QImage | None, str | None]] = []
        delivered = time.monotonic()
        while not task.cancel.cancelled:
            self._go.wait(PAUSE_LIMIT)  # not while the GUI thread paints
            with self._lock:
                key, path = self._queue.pop() if self._queue else (None, "")
                if key is not None:
                    self._loading.add(key)
                left = len(self._queue)
            if key is None:
                break
            try:
                done.append((key, read_thumbnail(self.thumbnail_dir, path, key[0], key[1]),
                             None))
            except Exception as exc:  # noqa: BLE001 -- any failure is the tile's, shown on it
                done.append((key, None, str(exc) or exc.__class__.__name__))
            now = time.monotonic()
            if not left or now - delivered >= DELIVER_SECONDS:
                task.emit_partial(done)
                done, delivered = [], now
        if done:
            task.emit_partial(done)

    # -- GUI side: arrivals ------------------------------------------------------------------
    def _arrived(self, results: list[tuple[Key, QImage | None, str | None]]) -> None:
        with self._lock:
            self._loading.difference_update(key for key, _, _ in results)
        for key, image, error in results:
            self._pending.pop(key, None)
            if image is None:
                self._failed[key[0]] = error or "unknown error"
            else:
                pixmap = QPixmap.fromImage(image)
                if key[1]:
                    pixmap.setDevicePixelRatio(self._ratio)
                old = self._cache.pop(key, None)
                if old is not None:
                    self._cache_bytes -= _size(old)
                self._cache[key] = pixmap
                self._cache_bytes += _size(pixmap)
                while self._cache_bytes > self._limit and len(self._cache) > 1:
                    _, dropped = self._cache.popitem(last=False)
                    self._cache_bytes -= _size(dropped)
            self.thumbnail_ready.emit(key[0])
        if not self._pending:
            self.idle.emit()


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4
