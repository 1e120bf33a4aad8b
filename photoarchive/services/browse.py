"""What the window browses: light grid rows, sidebar counts, thumbnails and viewer pixels.

Everything here is plain data (no Qt), cheap enough for a 100,000-photo catalog: grid
rows are fetched by id in pages, the sidebar in a handful of aggregate queries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, func, or_, select

from photoarchive.catalog.models import (
    Collection,
    CollectionMember,
    ImportRun,
    Keyword,
    Person,
    Photo,
    photo_keyword,
    photo_person,
)
from photoarchive.errors import MediaError, NotFound
from photoarchive.media.decode import load_oriented
from photoarchive.media.thumbnails import (
    SMALL_SIZE,
    ThumbnailPixels,
    decode_thumbnail,
    make_thumbnail,
    small_thumbnail_file,
    thumbnail_file,
    write_small_thumbnail,
    write_thumbnail,
)
from photoarchive.services.archive import Archive
from photoarchive.services.photos import query_ids

#: Sidebar entries that are saved searches in the catalog's query language.
NEEDS_CAPTION = "missing:caption"
INCOMPLETE = {"Needs a caption": "missing:caption", "Needs a date": "missing:date",
              "Needs a photographer": "missing:creator", "Needs rights": "missing:rights"}


@dataclass(frozen=True)
class GridRow:
    """What one grid tile needs."""

    id: int
    path: str
    content_hash: str
    title: str | None
    caption: str | None
    date_display: str | None
    rotation: int
    missing: bool

    @property
    def name(self) -> str:
        return self.title or os.path.basename(self.path)  # Path(...).name, without a Path


@dataclass(frozen=True)
class SidebarCounts:
    """Counts for the sidebar: totals, incomplete records, collections, keywords, people."""

    all: int
    incomplete: dict[str, int]
    recent_query: str | None
    recent: int
    collections: list[tuple[str, int]]
    keywords: list[tuple[str, int]]
    people: list[tuple[str, int]]


def browse_ids(archive: Archive, query: str = "", sort: str = "date", *, base_query: str = "",
               recent: bool = False, collection: str | None = None) -> list[int]:
    """The ids a grid shows: a saved query (`base_query`), the latest import or a
    collection, narrowed by the search box's `query`. A collection keeps its own order."""
    text = " ".join(q for q in (base_query, query) if q.strip())
    if collection is not None:
        members = collection_ids(archive, collection)
        if not text:
            return members
        matching = set(query_ids(archive, text, sort))
        return [i for i in members if i in matching]
    if recent:
        latest = set(recent_import_ids(archive))
        return [i for i in query_ids(archive, text, sort) if i in latest] if latest else []
    return query_ids(archive, text, sort)


_GRID_COLUMNS = (Photo.id, Photo.path, Photo.content_hash, Photo.title, Photo.caption,
                 Photo.date_display, Photo.rotation, Photo.missing)
_GRID_SQL = (f"SELECT {', '.join(c.name for c in _GRID_COLUMNS)} FROM {Photo.__tablename__} "
             f"WHERE {Photo.id.name} IN ({{}})")


def grid_rows(archive: Archive, ids: list[int]) -> list[GridRow]:
    """Rows for `ids`, in that order (missing ids are left out).

    Plain SQL on a pooled driver connection (no session, no transaction of ours: one
    SELECT reads a consistent snapshot by itself), no per-column type processing except
    the path's (relative to the catalog's folder in the file). This runs on the GUI
    thread while painting tiles, so it is kept as cheap as it gets: a session's begin and
    rollback cost as much as the query for a screenful of tiles.
    """
    found: dict[int, GridRow] = {}
    path_type = Photo.path.type
    engine = archive.catalog.engine
    dialect = engine.dialect
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for start in range(0, len(ids), 500):
            chunk = tuple(ids[start:start + 500])
            cursor.execute(_GRID_SQL.format(",".join("?" * len(chunk))), chunk)
            for pid, path, digest, title, caption, shown, rotation, missing in cursor:
                found[pid] = GridRow(pid, path_type.process_result_value(path, dialect), digest,
                                     title, caption, shown, rotation or 0, bool(missing))
        cursor.close()
    finally:
        connection.close()  # back to the pool
    return [found[i] for i in ids if i in found]


def _blank(column):
    return or_(column.is_(None), func.trim(column) == "")


def sidebar_counts(archive: Archive) -> SidebarCounts:
    """Everything the sidebar shows: one pass over the photos for the totals, the
    incomplete records and the latest import (grouped by import run, so the newest run's
    count comes with it), and one grouped index scan each for keywords and people."""
    columns = {"missing:caption": Photo.caption, "missing:date": Photo.date,
               "missing:creator": Photo.creator, "missing:rights": Photo.rights}
    blanks = [func.sum(case((_blank(columns[query]), 1), else_=0))
              for query in INCOMPLETE.values()]
    with archive.reader() as session:
        runs = list(session.execute(select(Photo.import_run_id, func.count(), *blanks)
                                    .group_by(Photo.import_run_id)))
        collections = [(name, n) for name, n in session.execute(
            select(Collection.name, func.count(CollectionMember.photo_id))
            .outerjoin(CollectionMember).group_by(Collection.id)
            .order_by(func.lower(Collection.name)))]
        keywords = _named_counts(session, Keyword, photo_keyword.c.keyword_id)
        people = _named_counts(session, Person, photo_person.c.person_id)
    total = sum(row[1] for row in runs)
    incomplete = {label: sum(row[2 + k] or 0 for row in runs)
                  for k, label in enumerate(INCOMPLETE)}
    last_run = max((row[0] for row in runs if row[0] is not None), default=None)
    recent = next((row[1] for row in runs if row[0] == last_run), 0) if last_run else 0
    return SidebarCounts(total, incomplete, f"import:{last_run}" if last_run else None,
                         recent, collections, keywords, people)


def _named_counts(session, table, link_column) -> list[tuple[str, int]]:
    """(name, photos) of the keywords or people in use, by name: counted from the link
    table's index alone, then named."""
    used = select(link_column.label("ref"), func.count().label("n")).group_by(
        link_column).subquery()
    return [(name, n) for name, n in session.execute(
        select(table.name, used.c.n).join(used, used.c.ref == table.id)
        .order_by(func.lower(table.name)))]


def recent_import_ids(archive: Archive) -> list[int]:
    """Photos added by the most recent import that added any, newest first."""
    with archive.reader() as session:
        last_run = session.scalar(select(func.max(Photo.import_run_id)))
        if last_run is None:
            return []
        return list(session.scalars(select(Photo.id).where(Photo.import_run_id == last_run)
                                    .order_by(Photo.id.desc())))


def last_import_run(archive: Archive) -> int | None:
    """The id of the newest import run."""
    with archive.reader() as session:
        return session.scalar(select(func.max(ImportRun.id)))


def collection_ids(archive: Archive, name: str) -> list[int]:
    """A collection's photo ids in the collection's order."""
    with archive.reader() as session:
        return list(session.scalars(
            select(CollectionMember.photo_id).join(Collection)
            .where(func.lower(Collection.name) == name.lower())
            .order_by(CollectionMember.position)))


def reorder_collection(archive: Archive, name: str, photo_ids: list[int]) -> None:
    """Give a collection's members the order of `photo_ids` (members not listed go last)."""
    with archive.session() as session:
        collection = session.scalars(select(Collection).where(
            func.lower(Collection.name) == name.strip().lower())).first()
        if collection is None:
            raise NotFound(f"There is no collection called '{name}'.")
        rank = {pid: n for n, pid in enumerate(photo_ids)}
        members = sorted(collection.members,
                         key=lambda m: (rank.get(m.photo_id, len(rank)), m.position))
        # Two passes keep (collection, position) free of transient clashes.
        for index, member in enumerate(members):
            member.position = -1 - index
        session.flush()
        for index, member in enumerate(members):
            member.position = index


def all_keywords(archive: Archive) -> list[str]:
    """Every keyword in the catalog (for completion)."""
    with archive.reader() as session:
        return list(session.scalars(select(Keyword.name).order_by(func.lower(Keyword.name))))


def all_people(archive: Archive) -> list[str]:
    """Every person in the catalog (for completion)."""
    with archive.reader() as session:
        return list(session.scalars(select(Person.name).order_by(func.lower(Person.name))))


def thumbnail_path(archive: Archive, content_hash: str) -> Path:
    """Where the cached thumbnail of this content lives (it may not exist yet)."""
    return thumbnail_file(archive.thumbnail_dir, content_hash)


def ensure_thumbnail(thumbnail_dir: Path, path: str, content_hash: str) -> Path:
    """The cached thumbnail, made now if missing. Safe in any thread; raises MediaError."""
    target = thumbnail_file(thumbnail_dir, content_hash)
    if not target.exists():
        if not Path(path).exists():
            raise MediaError(f"The file is missing: {path}")
        write_thumbnail(thumbnail_dir, content_hash, make_thumbnail(Path(path)))
    return target


def thumbnail_pixels(thumbnail_dir: Path, path: str, content_hash: str,
                     size: int = 0) -> ThumbnailPixels:
    """The cached thumbnail (made first if missing) decoded to be shown fitted in `size` x
    `size` (`media.thumbnails.decode_thumbnail`). Safe in any thread; raises MediaError.

    A size the grid-sized copy covers is decoded from that copy, made first from the
    thumbnail if it is missing (catalogs from before there were copies)."""
    if 0 < size <= SMALL_SIZE:
        small = small_thumbnail_file(thumbnail_dir, content_hash)
        if not small.exists():
            big = ensure_thumbnail(thumbnail_dir, path, content_hash)
            try:
                write_small_thumbnail(thumbnail_dir, content_hash, big)
            except MediaError:
                return decode_thumbnail(big, size)  # reports what is wrong with it
        try:
            return decode_thumbnail(small, size)
        except MediaError:
            small.unlink(missing_ok=True)  # damaged: made again next time
    return decode_thumbnail(ensure_thumbnail(thumbnail_dir, path, content_hash), size)


def viewer_pixels(path: str, max_size: int | None = None) -> tuple[bytes, int, int]:
    """RGB bytes (width*3 per row), width and height of a photo for the viewer.

    Orientation applied, sRGB, first frame. Safe in any thread; raises MediaError.
    """
    image = load_oriented(Path(path), max_size=max_size)
    image = image.convert("RGB")
    return image.tobytes(), image.width, image.height


def set_rotation(archive: Archive, ids: list[int], degrees: int) -> dict[int, int]:
    """Set the user's extra clockwise turn (0, 90, 180, 270) of photos; originals untouched.

    Returns the previous rotation of each photo (what an undo needs).
    """
    turn = degrees % 360
    if turn not in (0, 90, 180, 270):
        raise ValueError(f"rotation must be a multiple of 90 degrees, not {degrees}")
    previous: dict[int, int] = {}
    with archive.session() as session:
        for start in range(0, len(ids), 500):
            for photo in session.scalars(select(Photo).where(Photo.id.in_(ids[start:start + 500]))):
                previous[photo.id] = photo.rotation
                if photo.rotation != turn:
                    photo.rotation = turn
    return previous


def rotate(archive: Archive, ids: list[int], quarter_turns: int) -> dict[int, int]:
    """Turn photos by `quarter_turns` x 90 degrees clockwise (negative: anticlockwise).

    One transaction; returns each photo's new rotation.
    """
    result: dict[int, int] = {}
    with archive.session() as session:
        for start in range(0, len(ids), 500):
            for photo in session.scalars(select(Photo).where(Photo.id.in_(ids[start:start + 500]))):
                photo.rotation = (photo.rotation + 90 * quarter_turns) % 360
                result[photo.id] = photo.rotation
    return result
