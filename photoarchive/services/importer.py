"""The import pipeline: scan → skip unchanged → analyse in worker processes → commit batches.

Identity is the content hash: the same bytes are never two photos; a known hash at a new
path whose old path is gone is a move (relinked, captions kept); a known path with a new
hash was changed in place (updated; fields a person edited in the catalog are kept).
Unchanged files are recognised by size and mtime without being read. Results are
committed in batches, one transaction each, so a kill loses at most the current batch and
running the import again completes it.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import ImportFailure, ImportRun, Keyword, Person, Photo, utcnow
from photoarchive.catalog.search import refresh_fts
from photoarchive.errors import UsageError
from photoarchive.services.analyse import (
    Analysed,
    analyse,
    prestart_workers,
    worker_context,
    worker_init,
)
from photoarchive.services.archive import Archive
from photoarchive.services.editing import (
    changed_columns,
    current_value,
    edited_fields,
    parse_value,
    set_field,
)
from photoarchive.services.fields import FIELDS_BY_NAME
from photoarchive.services.scan import Found, scan
from photoarchive.services.sync_log import log_files
from photoarchive.services.sync_state import record_file_state
from photoarchive.services.tasks import CancelToken, NullProgress, Progress

BATCH_SIZE = 100
BATCH_SECONDS = 2.0
#: The list fields, and the table of names each one links to.
_TAG_MODELS: dict[str, type[Keyword | Person]] = {"keywords": Keyword, "people": Person}


@dataclass
class ImportReport:
    """The outcome of one import run."""

    added: int = 0
    updated: int = 0
    relinked: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, e.g. sidecar passed over)
    seconds: float = 0.0
    cancelled: bool = False
    run_id: int | None = None
    new_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "added": self.added, "updated": self.updated, "relinked": self.relinked,
            "unchanged": self.unchanged,
            "failed": [{"path": p, "error": e} for p, e in self.failed],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "notes": [{"path": p, "note": n} for p, n in self.notes],
            "seconds": round(self.seconds, 3), "cancelled": self.cancelled,
            "run_id": self.run_id,
        }


class _Known(NamedTuple):
    """A file the catalog knows (a plain tuple: a re-import loads one per photo)."""

    id: int
    path: str
    size: int
    mtime: float
    content_hash: str


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a known-files table and a scan are built: they
    allocate one small object after another, none in a cycle, and each collection of
    the oldest generation would walk the whole heap again (tens of ms for 10,000 files)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: How worker processes start (kept here under its old name; see analyse.worker_context).
_worker_context = worker_context


class Importer:
    """Imports files and folders into an archive; one instance per run."""

    def __init__(self, archive: Archive, *, workers: int | None = None,
                 progress: Progress | None = None, cancel: CancelToken | None = None,
                 on_batch: Callable[[list[int]], None] | None = None) -> None:
        self.archive = archive
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.progress = progress or NullProgress()
        self.cancel = cancel or CancelToken()
        self.on_batch = on_batch
        self.report = ImportReport()
        self._pending: list[Analysed] = []
        self._failures: list[ImportFailure] = []
        self._last_commit = time.monotonic()
        self._tags: dict[tuple[str, str], Any] = {}

    # -- the run -------------------------------------------------------------------------
    def run(self, paths: Iterable[Path | str]) -> ImportReport:
        """Import `paths` (files and folders, recursively) and return the report."""
        started = time.monotonic()
        given = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
        if not given:
            raise UsageError("Nothing to import: give one or more files or folders.")
        self._begin_run(given)
        with _gc_paused():
            self._load_known()
            todo = self._scan(given)
        self.progress.start(len(todo), "Importing")
        try:
            self._analyse_all(todo)
        finally:
            self._flush()
            self.report.seconds = time.monotonic() - started
            self.report.cancelled = self.cancel.cancelled
            self._end_run()
            self.progress.finish()
        return self.report

    def _begin_run(self, given: list[Path]) -> None:
        with self.archive.session() as session:
            run = ImportRun(paths=json.dumps([str(p) for p in given], ensure_ascii=False),
                            status="running", added=0, updated=0, relinked=0, unchanged=0,
                            failed=0)
            session.add(run)
            session.flush()
            self.report.run_id = run.id

    def _end_run(self) -> None:
        r = self.report
        with self.archive.session() as session:
            run = session.get(ImportRun, r.run_id)
            if run is None:
                return
            run.finished_at = utcnow()
            run.status = "cancelled" if r.cancelled else "done"
            run.added, run.updated, run.relinked = r.added, r.updated, r.relinked
            run.unchanged, run.failed = r.unchanged, len(r.failed)

    def _load_known(self) -> None:
        with self.archive.reader() as session:
            # Core rows on the session's connection (no ORM result machinery), kept as
            # they come: a row has a _Known's fields, in its order and under its names.
            rows = session.connection().execute(select(
                Photo.id, Photo.path, Photo.file_size.label("size"),
                Photo.file_mtime.label("mtime"), Photo.content_hash))
            self.by_path: dict[str, _Known] = {row[1]: row for row in rows}  # type: ignore[misc]
            self._by_hash: dict[str, _Known] | None = None  # made when a file is analysed
            # The newest failure of each path, to skip files that failed and did not change.
            self.failed_before: dict[str, tuple[int | None, float | None, str]] = {}
            failures = session.connection().execute(select(
                ImportFailure.path, ImportFailure.file_size, ImportFailure.file_mtime,
                ImportFailure.error).order_by(ImportFailure.id))
            for path, size, mtime, error in failures:
                self.failed_before[path] = (size, mtime, error)

    @property
    def by_hash(self) -> dict[str, _Known]:
        if self._by_hash is None:
            self._by_hash = {known[4]: known for known in self.by_path.values()}
        return self._by_hash

    def _scan(self, given: list[Path]) -> list[Found]:
        todo: list[Found] = []
        seen: set[str] = set()
        own = (self.archive.thumbnail_dir, self.archive.backup_dir)
        catalog = os.path.abspath(self.archive.path)
        catalog_files = {catalog + end for end in ("", "-wal", "-shm", "-journal")}
        by_path, failed_before, cancel = self.by_path, self.failed_before, self.cancel
        unchanged = 0
        try:
            for item in scan(given, exclude=own):
                if cancel.cancelled:
                    break
                if item.__class__ is not Found:
                    key = str(item.path)
                    if os.path.abspath(key) in catalog_files:  # the catalog, in its own folder
                        continue
                    if key not in seen:
                        seen.add(key)
                        if item.error:
                            self._fail(key, item.reason)
                        else:
                            self.report.skipped.append((key, item.reason))
                    continue
                key = item.path_text
                if key in seen:
                    continue
                seen.add(key)
                known = by_path.get(key)
                if known is not None and known[2] == item.size and known[3] == item.mtime:
                    unchanged += 1
                    continue
                failed = failed_before.get(key) if known is None else None
                if failed is not None and failed[:2] == (item.size, item.mtime):
                    self._fail(key, failed[2], item.size, item.mtime)
                    continue
                if not todo:
                    prestart_workers()  # the workers' imports overlap the rest of the scan
                todo.append(item)
        finally:
            self.report.unchanged += unchanged
        return todo

    # -- analysis in worker processes ------------------------------------------------------
    def _analyse_all(self, todo: list[Found]) -> None:
        if not todo:
            return
        thumbs = str(self.archive.thumbnail_dir)
        queue = deque(f.path_text for f in todo)
        done = 0
        window = self.workers * 4
        pool = self._pool(len(queue))
        in_flight: dict[Future[Analysed], str] = {}
        try:
            while (queue or in_flight) and not self.cancel.cancelled:
                while queue and len(in_flight) < window:
                    path = queue.popleft()
                    in_flight[pool.submit(analyse, path, thumbs)] = path
                finished, _ = wait(in_flight, timeout=0.25, return_when=FIRST_COMPLETED)
                broken: list[str] = []
                for future in finished:
                    path = in_flight.pop(future)
                    try:
                        self._accept(future.result())
                        done += 1
                        self.progress.advance(done, len(todo), path)
                    except BrokenProcessPool:
                        broken.append(path)
                if not queue and self._pending and not broken:
                    # Draining: commit each result as it comes, so the catalog work
                    # overlaps the last decodes instead of following them.
                    self._flush()
                if broken:
                    # A decoder crashed a worker: retry the suspects one at a time.
                    broken += list(in_flight.values())
                    in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    for path in broken:
                        if self.cancel.cancelled:
                            break
                        self._accept(self._isolated(path, thumbs))
                        done += 1
                        self.progress.advance(done, len(todo), path)
                    pool = self._pool(len(queue))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self, jobs: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=max(1, min(self.workers, jobs)),
                                   mp_context=worker_context(), initializer=worker_init)

    def _isolated(self, path: str, thumbs: str) -> Analysed:
        with self._pool(1) as pool:
            try:
                return pool.submit(analyse, path, thumbs).result()
            except BrokenProcessPool:
                return Analysed(path, 0, 0.0, "", error="crashed the image reader "
                                "(the file is probably corrupt)")

    # -- applying results in batches ---------------------------------------------------------
    def _accept(self, result: Analysed) -> None:
        if result.error:
            self._fail(result.path, result.error, result.size, result.mtime)
        else:
            self._pending.append(result)
        due = time.monotonic() - self._last_commit > BATCH_SECONDS
        waiting = len(self._pending) + len(self._failures)
        if waiting >= BATCH_SIZE or (due and waiting):
            self._flush()

    def _fail(self, path: str, error: str, size: int | None = None,
              mtime: float | None = None) -> None:
        self.report.failed.append((path, error))
        self._failures.append(ImportFailure(run_id=self.report.run_id, path=path, error=error,
                                            file_size=size, file_mtime=mtime))

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        failures, self._failures = self._failures, []
        self._last_commit = time.monotonic()
        if not batch and not failures:
            return
        touched: list[int] = []
        new_ids: list[int] = []
        with self.archive.session() as session:
            session.add_all(failures)
            self._tags = self._load_tags(session, batch)
            for result in batch:
                photo_id, outcome = self._apply(session, result)
                if photo_id is not None:  # read for this photo (not a duplicate passed over)
                    self.report.notes.extend((result.path, note) for note in result.notes)
                if photo_id is not None and outcome in ("added", "updated", "relinked"):
                    touched.append(photo_id)
                    if outcome == "added":
                        new_ids.append(photo_id)
            session.flush()
            refresh_fts(session, touched)
            # Photos the catalog had: a window sharing the catalog repaints them (new
            # ones it sees by their count).
            added = set(new_ids)
            log_files(session, [i for i in touched if i not in added], "read", origin="import")
        self._tags = {}
        self.report.new_ids.extend(new_ids)
        if self.on_batch and touched:
            self.on_batch(touched)

    @staticmethod
    def _load_tags(session: Session, batch: list[Analysed]) -> dict[tuple[str, str], Any]:
        """The keywords and people a batch names that the catalog has, by (field, name):
        two queries per batch instead of one per name and photo."""
        wanted: dict[str, set[str]] = {name: set() for name in _TAG_MODELS}
        for r in batch:
            for name, names in wanted.items():
                raw = r.fields.get(name)
                if raw not in (None, "", []):
                    names.update(parse_value(name, raw))  # type: ignore[arg-type]
        tags: dict[tuple[str, str], Any] = {}
        for name, names in wanted.items():
            model, ordered = _TAG_MODELS[name], sorted(names)
            for start in range(0, len(ordered), 500):
                chunk = ordered[start:start + 500]
                for tag in session.scalars(select(model).where(model.name.in_(chunk))):
                    tags[(name, tag.name)] = tag
        return tags

    def _set_tags(self, session: Session, photo: Photo, name: str, value: list[str]) -> None:
        """`set_field` for keywords and people, with names looked up in the batch's table
        (a name new to the catalog is added once, however many photos of the batch carry
        it)."""
        columns = changed_columns(name, value, current_value(photo, name))
        if columns is None:
            return
        tags = []
        for tag_name in columns[name]:
            tag = self._tags.get((name, tag_name))
            if tag is None:
                tag = _TAG_MODELS[name](name=tag_name)
                session.add(tag)
                self._tags[(name, tag_name)] = tag
            tags.append(tag)
        setattr(photo, name, tags)

    def _apply(self, session: Session, r: Analysed) -> tuple[int | None, str]:
        same_content = self.by_hash.get(r.content_hash)
        if same_content is not None:
            if same_content.path == r.path:  # touched, not changed
                photo = session.get(Photo, same_content.id)
                if photo is not None:
                    photo.file_size, photo.file_mtime, photo.missing = r.size, r.mtime, False
                self.report.unchanged += 1
                return same_content.id, "unchanged"
            if not os.path.exists(same_content.path) and r.path not in self.by_path:
                photo = session.get(Photo, same_content.id)
                if photo is not None:
                    del self.by_path[same_content.path]
                    photo.path, photo.missing = r.path, False
                    photo.file_size, photo.file_mtime = r.size, r.mtime
                    moved = _Known._make(same_content)._replace(path=r.path, size=r.size,
                                                                mtime=r.mtime)
                    self.by_path[r.path] = self.by_hash[r.content_hash] = moved
                    self.report.relinked += 1
                    return photo.id, "relinked"
            self.report.skipped.append(
                (r.path, f"same content as photo {same_content.id} ({same_content.path})"))
            return None, "duplicate"
        known = self.by_path.get(r.path)
        if known is not None:
            photo = session.get(Photo, known.id)
            if photo is not None:
                keep = edited_fields(session, photo.id)
                self._fill(session, photo, r, keep=keep)
                session.flush()
                del self.by_hash[known.content_hash]
                known = _Known._make(known)._replace(content_hash=r.content_hash, size=r.size,
                                                     mtime=r.mtime)
                self.by_path[r.path] = self.by_hash[r.content_hash] = known
                self.report.updated += 1
                return photo.id, "updated"
        photo = Photo(path=r.path, missing=False, rotation=0, rating=0,
                      import_run_id=self.report.run_id)
        session.add(photo)
        self._fill(session, photo, r, keep=set())
        session.flush()
        known = _Known(photo.id, r.path, r.size, r.mtime, r.content_hash)
        self.by_path[r.path] = self.by_hash[r.content_hash] = known
        self.report.added += 1
        return photo.id, "added"

    def _fill(self, session: Session, photo: Photo, r: Analysed, keep: set[str]) -> None:
        photo.content_hash, photo.file_size, photo.file_mtime = r.content_hash, r.size, r.mtime
        photo.format, photo.width, photo.height = r.format, r.width, r.height
        photo.orientation = r.orientation
        for name, value in r.technical.items():
            setattr(photo, name, value)
        photo.modified_at = utcnow()
        # One flush per photo (the caller's) instead of one before each keyword and person
        # lookup: within one photo's values nothing a lookup needs is pending.
        with session.no_autoflush:
            for name, raw in r.fields.items():
                if name in keep or name not in FIELDS_BY_NAME or raw in (None, "", []):
                    continue
                try:
                    value = parse_value(name, raw)
                    if name in _TAG_MODELS:
                        self._set_tags(session, photo, name, value)  # type: ignore[arg-type]
                    else:
                        set_field(session, photo, name, value)
                except UsageError as exc:
                    r.warnings.append(f"{name}: {exc}")
        # Write-back state: the files as read now; in sync unless catalog edits were kept.
        record_file_state(photo, r.path, (r.size, r.mtime, r.content_hash), synced=not keep)
