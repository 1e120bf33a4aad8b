"""Static gallery export: a folder of HTML pages and web images that works from disk.

`export_gallery` reads the catalog (the source of truth), makes the derivatives in worker
processes, renders the pages with a theme and writes only what changed. A manifest in the
output folder records, per photo, the source's content hash, size and mtime and the image
settings (the "pixel key"), and the embedded text (the "text key"), so a second export
re-encodes nothing that is unchanged, swaps only the metadata segments of images whose
caption or credit changed, and rewrites only the pages whose HTML differs. Files of photos
that left the selection are removed — only files the manifest says we wrote. A photo still
selected whose original cannot be read this time (a drive not connected) keeps the image and
thumbnail it was last published with, and its page (rendered again from the catalog), so its
address keeps working; an export that could publish no photo at all changes nothing.

Layout: index.html, photos/<slug>-<id>.html, images/<slug>-<id>.jpg,
thumbs/<slug>-<id>.jpg, assets/ (the theme's CSS and script), photoarchive-gallery.json.
The slug comes from the title (or the file name) when a photo is first published to the
folder; the manifest's "names" keep it for every later export there, so shared links hold
when a title is added or changed. Files follow the umask (0644 under the usual 022).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photoarchive.errors import MediaError, NotFound, UsageError
from photoarchive.media.derivatives import (
    PIXEL_VERSION,
    DerivativeJob,
    DerivativeResult,
    EmbeddedText,
    make_derivatives,
    new_file_mode,
    retag,
    write_atomic,
)
from photoarchive.services import collections
from photoarchive.services.analyse import prestart_workers, worker_context, worker_init
from photoarchive.services.archive import Archive
from photoarchive.services.gallery_gaps import TextGaps, collection_query, text_gaps
from photoarchive.services.gallery_pages import Renderer, photo_page, render_pages, slug
from photoarchive.services.gallery_settings import (
    DEFAULT_TITLE,
    GallerySettings,
    GalleryStart,
    remember_gallery,
)
from photoarchive.services.photos import PhotoRecord, get_photos, query_ids
from photoarchive.services.tasks import CancelToken, NullProgress, Progress

MANIFEST_NAME = "photoarchive-gallery.json"
MANIFEST_FORMAT = "photoarchive-gallery"
MANIFEST_VERSION = 1
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
#: Only paths of these shapes are ever deleted, whatever a (possibly edited) manifest says.
_OURS = re.compile(r"(photos/[a-z0-9-]+\.html|(images|thumbs)/[a-z0-9-]+\.jpg"
                   r"|assets/[\w.-]+|index\.html)")


@dataclass
class GalleryReport:
    """What an export did."""

    out_dir: str
    photos: int = 0
    images_made: int = 0
    images_retagged: int = 0
    images_kept: int = 0
    pages_written: list[str] = field(default_factory=list)
    pages_kept: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # left out of the gallery
    # Original unreadable this time: published with its last export's image and thumbnail.
    kept: list[tuple[int, str]] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    gaps: TextGaps | None = None  # photos published with no title or no alt text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed"] = [{"id": i, "error": e} for i, e in self.failed]
        data["kept"] = [{"id": i, "error": e} for i, e in self.kept]
        data["gaps"] = self.gaps.to_dict() if self.gaps else None
        data["seconds"] = round(self.seconds, 3)
        return data


def select_photos(archive: Archive, collection: str | None = None,
                  query: str = "") -> tuple[list[int], str, str]:
    """Ids to publish (a collection in its order, or a query by date), a default title and
    a default introduction (the collection's description)."""
    if collection and query:
        raise UsageError("Give either --collection NAME or a query, not both.")
    if collection:
        info = collections.show(archive, collection)
        return info.photo_ids, info.name, info.description or ""
    if not query.strip():
        raise UsageError("Say what to publish: --collection NAME or a search query.")
    return query_ids(archive, query, sort="date"), DEFAULT_TITLE, ""


def _hash(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def _embedded(record: PhotoRecord) -> EmbeddedText:
    names = ("title", "caption", "alt_text", "creator", "credit", "rights", "rights_url",
             "identifier")
    return EmbeddedText(**{n: record.text.get(n) for n in names})


def _load_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    return data


def _prepare_out(out: Path) -> dict[str, Any]:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; give a folder for the gallery.")
    manifest = _load_manifest(out) if out.exists() else {}
    if out.exists() and not manifest and any(out.iterdir()):
        raise UsageError(f"{out} is not empty and holds no gallery exported by photoarchive; "
                         "choose a new or empty folder.")
    return manifest


def _refuse_if_all_unreadable(records: list[PhotoRecord], out: Path) -> None:
    """Raise NotFound, before the folder is touched, when no original can be reached (a
    drive not connected, say): an export then would only publish an empty gallery."""
    for r in records:
        try:
            os.stat(r.path)
            return
        except OSError:
            continue
    n = len(records)
    first = f"{Path(records[0].path).name}: the file is missing" + (", …" if n > 1 else "")
    raise NotFound(f"None of the {n} photos' original files can be read ({first}); is the "
                   "drive or folder that holds them connected? Nothing was exported"
                   + (f" and nothing in {out} was changed." if out.exists() else "."))


def _published_names(manifest: dict[str, Any]) -> dict[str, str]:
    """Every page name this folder has published, by photo id (also of photos taken out
    since, so one that comes back gets its old address); older manifests list only the
    photos of their run."""
    found: dict[str, str] = {}
    photos = manifest.get("photos")
    sources = [{k: v.get("name") for k, v in photos.items() if isinstance(v, dict)}
               if isinstance(photos, dict) else {}, manifest.get("names")]
    for source in sources:
        if isinstance(source, dict):
            found.update({str(k): v for k, v in source.items()
                          if isinstance(v, str) and _NAME.fullmatch(v)})
    return found


@dataclass
class _Plan:
    record: PhotoRecord
    name: str
    pixels: str
    text_key: str
    sizes: tuple[tuple[int, int], tuple[int, int]] | None = None
    error: str | None = None


def _pool(workers: int) -> ProcessPoolExecutor:
    # The import's workers: a fork server (safe beside the GUI's threads) that has
    # Pillow and the media layer imported and forks each worker ready; it stays up, so a
    # second export (or an import) starts its pool warm. "spawn" where there is none.
    return ProcessPoolExecutor(max_workers=workers, initializer=worker_init,
                               mp_context=worker_context())


def _isolated(job: DerivativeJob) -> DerivativeResult:
    with _pool(1) as pool:
        try:
            return pool.submit(make_derivatives, job).result()
        except BrokenProcessPool:
            return DerivativeResult(job.source, error=f"{Path(job.source).name}: crashed the "
                                    "image reader (the file is probably corrupt)")


class _Export:
    """One run of `export_gallery` (kept as an object so each step stays short)."""

    def __init__(self, archive: Archive, out: Path, settings: GallerySettings, workers: int,
                 progress: Progress, cancel: CancelToken) -> None:
        self.archive, self.out, self.settings = archive, out, settings
        self.workers, self.progress, self.cancel = workers, progress, cancel
        self.report = GalleryReport(out_dir=str(out))
        self.old = _prepare_out(out)
        # Folders this run makes, innermost first: removed again if nothing is published.
        self.created = [f for f in (out, *out.parents) if not f.exists()]
        out.mkdir(parents=True, exist_ok=True)
        self.old_photos: dict[str, Any] = self.old.get("photos", {})
        self.published = _published_names(self.old)
        self.entries: dict[str, Any] = {}
        self.written: set[str] = set()
        self.done = 0
        self.total = 0
        self.mode = new_file_mode()

    def _repair_mode(self, path: Path) -> None:
        """Give a file we keep as it is the umask's mode if an earlier version left it 0600
        (owner only: a web server could not serve it); any other mode was chosen, and stays."""
        try:
            if stat.S_IMODE(path.stat().st_mode) == 0o600 and self.mode != 0o600:
                path.chmod(self.mode)
        except OSError:
            pass

    def _tick(self, current: str = "") -> None:
        self.done += 1
        self.progress.advance(self.done, self.total, current)

    def plan(self, records: list[PhotoRecord]) -> list[_Plan]:
        s = self.settings
        plans = []
        chosen = {str(r.id) for r in records}
        taken = {n for i, n in self.published.items() if i not in chosen}
        for r in records:
            # A name once published stays (links to it are out there); a new photo is
            # named after its title, or its file when it has none.
            name = self.published.get(str(r.id), "")
            if not name or name in taken:
                name = f"{slug(r.text.get('title') or Path(r.path).stem)}-{r.id}"
            taken.add(name)
            try:
                st = os.stat(r.path)
                source = [r.content_hash, st.st_size, st.st_mtime_ns]
            except OSError:
                source = None
            pixels = _hash([PIXEL_VERSION, source, r.rotation, s.image_size, s.thumb_size,
                            s.quality])
            plan = _Plan(r, name, pixels, _hash(asdict(_embedded(r))))
            if source is None:
                plan.error = f"{Path(r.path).name}: the file is missing"
            plans.append(plan)
        return plans

    def _take_over(self, plan: _Plan) -> bool | None:
        """Take the photo's image and thumbnail of the last export over for this one
        (renamed to the plan's name, retagged when the text changed): True if retagged,
        False if kept as they were, None if there are none to take (nothing is touched)."""
        old = self.old_photos.get(str(plan.record.id))
        if not isinstance(old, dict):
            return None
        old_name = str(old.get("name", ""))
        sizes = [old.get("large"), old.get("thumb")]
        if not re.fullmatch(r"[a-z0-9-]+", old_name) or not all(
                isinstance(v, list) and len(v) == 2 and all(isinstance(n, int) for n in v)
                for v in sizes):
            return None
        files = [(self.out / d / f"{old_name}.jpg", self.out / d / f"{plan.name}.jpg")
                 for d in ("images", "thumbs")]
        if not all(src.is_file() for src, _ in files):
            return None
        for src, dst in files:
            if src != dst:
                os.replace(src, dst)  # the title changed: a new file name, same pixels
        plan.sizes = ((sizes[0][0], sizes[0][1]), (sizes[1][0], sizes[1][1]))
        if old.get("text") != plan.text_key:
            for _, dst in files:
                retag(dst, _embedded(plan.record))
            return True
        for _, dst in files:
            self._repair_mode(dst)
        return False

    def _reuse(self, plan: _Plan) -> bool:
        """Keep (or rename, or retag) earlier derivatives when their pixels still hold."""
        old = self.old_photos.get(str(plan.record.id))
        if not isinstance(old, dict) or old.get("pixels") != plan.pixels:
            return False
        retagged = self._take_over(plan)
        if retagged is None:
            return False
        if retagged:
            self.report.images_retagged += 1
        else:
            self.report.images_kept += 1
        return True

    def _keep_published(self, plan: _Plan) -> bool:
        """Publish a photo whose original could not be read with its last export's image
        and thumbnail, so its page stays where links point. The old pixel key is kept, so an
        export once the original is back remakes them only if they are out of date."""
        old = self.old_photos.get(str(plan.record.id))
        if not isinstance(old, dict) or not isinstance(old.get("pixels"), str):
            return False
        if self._take_over(plan) is None:
            return False
        plan.pixels = old["pixels"]
        return True

    def images(self, plans: list[_Plan]) -> None:
        jobs: list[tuple[_Plan, DerivativeJob]] = []
        for plan in plans:
            if self.cancel.cancelled:
                return
            if plan.error or self._reuse(plan):
                self._tick(plan.record.path)
                continue
            s = self.settings
            jobs.append((plan, DerivativeJob(
                plan.record.path, str(self.out / "images" / f"{plan.name}.jpg"),
                str(self.out / "thumbs" / f"{plan.name}.jpg"), s.image_size, s.thumb_size,
                plan.record.rotation, s.quality, _embedded(plan.record))))
        if jobs:
            self._run_jobs(jobs)

    def _run_jobs(self, jobs: list[tuple[_Plan, DerivativeJob]]) -> None:
        if self.workers <= 1 or len(jobs) == 1:
            for plan, job in jobs:
                if self.cancel.cancelled:
                    return
                self._accept(plan, make_derivatives(job))
            return
        queue = deque(jobs)
        pool = _pool(min(self.workers, len(jobs)))
        in_flight: dict[Future[DerivativeResult], tuple[_Plan, DerivativeJob]] = {}
        try:
            while (queue or in_flight) and not self.cancel.cancelled:
                while queue and len(in_flight) < self.workers * 4:
                    plan, job = queue.popleft()
                    in_flight[pool.submit(make_derivatives, job)] = (plan, job)
                finished, _ = wait(in_flight, timeout=0.25, return_when=FIRST_COMPLETED)
                suspects = []
                for future in finished:
                    plan, job = in_flight.pop(future)
                    try:
                        self._accept(plan, future.result())
                    except BrokenProcessPool:
                        suspects.append((plan, job))
                if suspects:
                    # A decoder crashed a worker: redo the suspects one at a time.
                    suspects += list(in_flight.values())
                    in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    for plan, job in suspects:
                        if not self.cancel.cancelled:
                            self._accept(plan, _isolated(job))
                    pool = _pool(min(self.workers, max(1, len(queue))))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _accept(self, plan: _Plan, result: DerivativeResult) -> None:
        if result.error:
            plan.error = result.error
        else:
            plan.sizes = (result.large, result.thumb)
            self.report.images_made += 1
        self._tick(plan.record.path)

    def record_entries(self, plans: list[_Plan]) -> None:
        for plan in plans:
            if plan.sizes is None and plan.error:
                if self._keep_published(plan):
                    self.report.kept.append((plan.record.id, plan.error))
                else:
                    self.report.failed.append((plan.record.id, plan.error))
            if plan.sizes is None:
                continue
            self.entries[str(plan.record.id)] = {
                "name": plan.name, "pixels": plan.pixels, "text": plan.text_key,
                "source_hash": plan.record.content_hash, "large": list(plan.sizes[0]),
                "thumb": list(plan.sizes[1])}
            self.written.update({f"images/{plan.name}.jpg", f"thumbs/{plan.name}.jpg"})

    def _write_if_changed(self, relative: str, data: bytes) -> bool:
        path = self.out / relative
        self.written.add(relative)
        try:
            if path.read_bytes() == data:
                self._repair_mode(path)
                return False
        except OSError:
            pass
        write_atomic(path, data)
        return True

    def pages(self, plans: list[_Plan], renderer: Renderer) -> None:
        s = self.settings
        done = [p for p in plans if p.sizes is not None]
        pages = [photo_page(p.record, p.name, *p.sizes, markdown_captions=s.markdown_captions,
                            position=n) for n, p in enumerate(done, 1)]
        for name, source in renderer.assets().items():
            self._write_if_changed(f"assets/{name}", source.read_bytes())
        for relative, html in render_pages(renderer, pages, s.title, s.intro, s.lang).items():
            if self.cancel.cancelled:
                return
            if self._write_if_changed(relative, html.encode("utf-8")):
                self.report.pages_written.append(relative)
            else:
                self.report.pages_kept += 1
            self._tick(relative)

    def refuse_if_empty(self, plans: list[_Plan]) -> None:
        """Raise MediaError when no photo could be published, before any page is written
        (so the folder keeps the gallery it had, and a new folder is removed again)."""
        if any(p.sizes is not None for p in plans):
            return
        for folder in self.created:
            with contextlib.suppress(OSError):  # not empty after all: it stays
                folder.rmdir()
        first = next((p.error for p in plans if p.error), "")
        raise MediaError(f"None of the {len(plans)} photos could be exported ({first}"
                         f"{', …' if len(plans) > 1 else ''}); nothing was published"
                         + ("." if self.created else f" and nothing in {self.out} was "
                                                     "changed."))

    def remove_stale(self) -> None:
        for relative in self.old.get("files", []):
            if (isinstance(relative, str) and relative not in self.written
                    and _OURS.fullmatch(relative)):
                path = self.out / relative
                if path.is_file():
                    path.unlink()
                    self.report.removed.append(relative)

    def save_manifest(self, complete: bool) -> None:
        files = set(self.written)
        entries = dict(self.entries)
        if not complete:  # a cancelled run keeps what the last one wrote, for the next run
            files |= {f for f in self.old.get("files", []) if isinstance(f, str)}
            entries = {**self.old_photos, **entries}
        names = {**self.published,
                 **{photo_id: entry["name"] for photo_id, entry in entries.items()}}
        s = self.settings
        manifest = {
            "format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "names": names,
            "settings": {"image_size": s.image_size, "thumb_size": s.thumb_size,
                         "quality": s.quality, "theme": str(s.theme or "default"),
                         "pixel_version": PIXEL_VERSION, "title": s.title, "intro": s.intro},
            "photos": entries, "files": sorted(files)}
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomic(self.out / MANIFEST_NAME, text.encode("utf-8"))


def folder_start(out_dir: Path | str) -> GalleryStart | None:
    """The settings of the gallery exported to `out_dir` before (from its manifest), or
    None when the folder holds none or one from a version that did not record its text."""
    out = Path(out_dir).expanduser()
    saved = _load_manifest(out).get("settings") if out.is_dir() else None
    if not isinstance(saved, dict) or not isinstance(saved.get("title"), str):
        return None
    sizes = [saved.get(k) for k in ("image_size", "thumb_size")]
    theme = saved.get("theme")
    defaults = GallerySettings()
    settings = GallerySettings(
        title=saved["title"], intro=str(saved.get("intro") or ""),
        theme=None if theme in (None, "", "default") else str(theme),
        image_size=sizes[0] if isinstance(sizes[0], int) else defaults.image_size,
        thumb_size=sizes[1] if isinstance(sizes[1], int) else defaults.thumb_size)
    return GalleryStart(settings, out.absolute(), remembered=True)


def export_gallery(archive: Archive, photo_ids: list[int], out_dir: Path | str,
                   settings: GallerySettings, *, collection: str | None = None,
                   query: str | None = None, workers: int | None = None,
                   progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> GalleryReport:
    """Publish `photo_ids` (in that order) as a static gallery in `out_dir`.

    `collection` names the collection published, `query` the search that chose the photos
    otherwise: the report's `gaps` then give searches that list the photos with no title
    or alt text. A complete export of a collection remembers its settings and folder for
    the next (`gallery_settings.remember_gallery`): complete means it ran to the end and
    wrote the gallery, even if some photos were left out or kept. A photo whose file is
    missing or unreadable keeps its last published image, thumbnail and page (listed in the
    report's `kept`), or is left out (`failed`) when this folder never had it. When no
    original can be reached (NotFound) or no photo can be published (MediaError) the export
    raises and changes nothing. A cancelled export leaves a consistent folder that the next
    run completes.
    """
    started = time.monotonic()
    settings.check()
    renderer = Renderer(settings.theme)  # an unknown theme fails before any work
    records = get_photos(archive, list(dict.fromkeys(photo_ids)))
    if not records:
        raise UsageError("Nothing to publish: no photos were selected.")
    _refuse_if_all_unreadable(records, Path(out_dir).expanduser().absolute())
    run = _Export(archive, Path(out_dir).expanduser().absolute(), settings,
                  workers or os.cpu_count() or 1, progress or NullProgress(),
                  cancel or CancelToken())
    run.report.photos = len(records)
    run.report.gaps = text_gaps(archive, [r.id for r in records],
                                collection_query(collection) if collection else query)
    if run.workers > 1 and any(str(r.id) not in run.old_photos for r in records):
        prestart_workers()  # images to make: the workers' imports overlap the planning
    run.total = 2 * len(records) + 1
    run.progress.start(run.total, "Exporting the gallery")
    try:
        plans = run.plan(records)
        run.images(plans)
        run.record_entries(plans)
        if not run.cancel.cancelled:
            run.refuse_if_empty(plans)
            run.pages(plans, renderer)
        complete = not run.cancel.cancelled
        if complete:
            run.remove_stale()
        run.save_manifest(complete)
        if complete and collection:
            remember_gallery(archive, collection, settings, run.out)
        run.report.cancelled = not complete
    finally:
        run.progress.finish()
    run.report.seconds = time.monotonic() - started
    return run.report
