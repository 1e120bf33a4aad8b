"""The per-file work of an import, run in worker processes: hash, probe, metadata, thumbnail.

Plain functions over paths that return picklable dataclasses, so they run in a process
pool (a crash inside a decoder then takes down a worker, not the import). Nothing here
touches the catalog.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photoarchive.errors import MediaError
from photoarchive.media.decode import probe, probe_and_load
from photoarchive.media.metadata import read_metadata, sidecar_note
from photoarchive.media.thumbnails import (
    THUMBNAIL_SIZE,
    encode_thumbnail,
    thumbnail_file,
    write_thumbnail,
)

HASH_CHUNK = 1 << 20
#: Files up to this size are read once into memory, for the hash and the decoder both.
READ_ONCE_LIMIT = 64 << 20


@dataclass
class Analysed:
    """What a worker learnt about one file."""

    path: str
    size: int
    mtime: float
    content_hash: str
    format: str | None = None
    width: int | None = None
    height: int | None = None
    orientation: int = 1
    technical: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the user: a sidecar passed over
    error: str | None = None  # set when the file cannot be imported


def hash_file(path: Path) -> tuple[str, int, float]:
    """SHA-256 of the file's bytes, with the size and mtime seen while reading it."""
    with path.open("rb") as fh:
        st = path.stat()
        digest = hashlib.file_digest(fh, "sha256")  # one reused buffer, no chunk copies
    return digest.hexdigest(), st.st_size, st.st_mtime


def read_and_hash(path: Path) -> tuple[str, int, float, bytes | None]:
    """`hash_file`, plus the file's bytes when it is small enough to keep
    (`READ_ONCE_LIMIT`): the decoder then reads them from memory instead of the disk."""
    with path.open("rb") as fh:
        st = os.fstat(fh.fileno())
        if st.st_size > READ_ONCE_LIMIT:
            digest = hashlib.file_digest(fh, "sha256")
            return digest.hexdigest(), st.st_size, st.st_mtime, None
        data = fh.read()
    return hashlib.sha256(data).hexdigest(), len(data), st.st_mtime, data


#: What the fork server imports once, so that every worker it forks starts ready: the
#: import's analysis and the gallery's derivatives (Pillow, exiv2, the media layer; no
#: SQLAlchemy — `photoarchive.services` itself imports nothing heavy).
WORKER_PRELOAD = ("photoarchive.services.analyse", "photoarchive.media.derivatives")


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start, for the import and the gallery export alike.

    Never "fork" (unsafe beside the GUI's threads). "forkserver" where the platform has
    it: one clean server process, started once per program and itself safe beside
    threads, imports WORKER_PRELOAD once and forks each worker ready to run, so a pool
    starts in milliseconds instead of every worker importing them again, as "spawn"
    does; the server stays up for the next pool. Elsewhere (Windows), "spawn".
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(WORKER_PRELOAD))  # used when the server starts
        return context
    return multiprocessing.get_context("spawn")


def prestart_workers() -> None:
    """Start the fork server now, without waiting for it, so that its imports overlap
    with work the caller still does before it needs a pool (scanning, planning)."""
    context = worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with contextlib.suppress(OSError, ValueError):  # a pool started later reports it
            forkserver.ensure_running()


def worker_init() -> None:
    """Workers leave Ctrl+C to the parent, which cancels the import cleanly, and keep C
    libraries' chatter (libtiff, libjpeg warnings) off the user's terminal: every problem
    comes back as a reason in the result instead."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def analyse(path_text: str, thumbnail_dir: str) -> Analysed:
    """Hash, probe, read metadata and make the thumbnail of one file. Never raises."""
    path = Path(path_text)
    try:
        content_hash, size, mtime, data = read_and_hash(path)
    except OSError as exc:
        return Analysed(path_text, 0, 0.0, "", error=f"cannot be read: {exc.strerror or exc}")
    result = Analysed(path_text, size, mtime, content_hash)
    if size == 0:
        result.error = "empty file (0 bytes)"
        return result
    try:
        if thumbnail_file(Path(thumbnail_dir), content_hash).exists():
            info = probe(path)
        else:  # one open of the file for both: headers parsed once
            info, image = probe_and_load(path, THUMBNAIL_SIZE, resampling="thumbnail",
                                         data=data)
            write_thumbnail(Path(thumbnail_dir), content_hash,
                            encode_thumbnail(image, path.name), image)
    except MediaError as exc:
        # The report names the file already; drop the media layer's "name: " prefix.
        result.error = str(exc).removeprefix(f"{path.name}: ")
        return result
    except Exception as exc:  # noqa: BLE001 (hostile files: any decoder failure skips the file)
        result.error = f"cannot be decoded ({exc.__class__.__name__}: {exc})"
        return result
    result.format, result.width, result.height = info.format, info.width, info.height
    result.orientation = info.orientation or 1
    try:
        meta = read_metadata(path)
    except Exception as exc:  # noqa: BLE001 (hostile files: metadata failure is a warning)
        result.warnings.append(f"metadata could not be read ({exc})")
        return result
    result.fields = dict(meta.fields)
    result.technical = {
        "camera_make": meta.camera_make, "camera_model": meta.camera_model,
        "taken_at": meta.taken_at, "latitude": meta.latitude, "longitude": meta.longitude,
    }
    result.warnings.extend(meta.warnings)
    note = sidecar_note(meta)
    if note:
        result.notes.append(note)
    return result
