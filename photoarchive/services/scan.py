"""Finding the files an import should look at: walk folders safely and sniff formats.

Symlinked folders are followed once (a loop is reported, not followed forever); dangling
links, unreadable folders and files are reported; hidden folders and XMP sidecars are
passed over. A file with an unknown extension is sniffed by its first bytes, so a scan
saved as `photo.jpeg_old` is still found, while `README.md` is reported as skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from photoarchive.media.decode import is_candidate

#: First bytes of the image formats we read (for files with an unknown extension).
_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"\xff\xd8\xff"),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"II*\x00"),  # TIFF, little-endian
    (0, b"MM\x00*"),  # TIFF, big-endian
    (0, b"BM"),
    (8, b"WEBP"),
    (4, b"ftypheic"),
    (4, b"ftypheix"),
    (4, b"ftypmif1"),
    (4, b"ftypavif"),
)
SIDECAR_SUFFIXES = (".xmp",)


@dataclass(frozen=True)
class Found:
    """A file to import, with what `stat` said of it."""

    path: Path
    size: int
    mtime: float


@dataclass(frozen=True)
class Skipped:
    """A path that will not be imported, and why (an error or just not an image)."""

    path: Path
    reason: str
    error: bool  # True: a problem to report as failed; False: simply not a photo


def looks_like_image(path: Path) -> bool:
    """True when the file starts like one of the image formats we read."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return any(head[offset:offset + len(magic)] == magic for offset, magic in _MAGIC)


def _describe(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def scan(paths: list[Path], exclude: tuple[Path, ...] = ()) -> Iterator[Found | Skipped]:
    """Yield every file under `paths` (files or folders, recursively) as Found or Skipped.

    Folders in `exclude` (the catalog's own thumbnails and backups) are passed over.
    """
    visited: set[tuple[int, int]] = set()
    for folder in exclude:
        try:
            st = folder.stat()
        except OSError:
            continue
        visited.add((st.st_dev, st.st_ino))
    for given in paths:
        try:
            st = given.stat()
        except FileNotFoundError:
            kind = "a dangling symbolic link" if given.is_symlink() else "does not exist"
            yield Skipped(given, f"{kind}", True)
            continue
        except OSError as exc:
            yield Skipped(given, f"cannot be read: {_describe(exc)}", True)
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(given, visited)
        else:
            yield from _file(given, explicit=True)


def _walk(folder: Path, visited: set[tuple[int, int]]) -> Iterator[Found | Skipped]:
    try:
        st = folder.stat()
    except OSError as exc:
        yield Skipped(folder, f"folder cannot be read: {_describe(exc)}", True)
        return
    key = (st.st_dev, st.st_ino)
    if key in visited:
        if folder.is_symlink():
            yield Skipped(folder, "symbolic link loop (folder already visited)", True)
        return
    visited.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(folder, f"folder cannot be read: {_describe(exc)}", True)
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store, ._AppleDouble)
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, visited)
        else:
            yield from _file(path, explicit=False)


def _file(path: Path, explicit: bool) -> Iterator[Found | Skipped]:
    if path.suffix.lower() in SIDECAR_SUFFIXES:
        if explicit:
            yield Skipped(path, "an XMP sidecar; it is read with its photo", False)
        return
    try:
        st = path.stat()
    except FileNotFoundError:
        yield Skipped(path, "a dangling symbolic link", True)
        return
    except OSError as exc:
        yield Skipped(path, f"cannot be read: {_describe(exc)}", True)
        return
    if not stat.S_ISREG(st.st_mode):
        yield Skipped(path, "not a regular file", False)
        return
    if not os.access(path, os.R_OK):
        yield Skipped(path, "cannot be read: permission denied", True)
        return
    if is_candidate(path) or looks_like_image(path):
        yield Found(path, st.st_size, st.st_mtime)
    else:
        yield Skipped(path, "not an image file", False)
