"""Reading photos: search, sort, page, and the value records the CLI and window show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Photo
from photoarchive.catalog.query import parse_query
from photoarchive.catalog.search import (
    fetch_ids,
    id_list,
    ids_only,
    in_id_list,
    search_select,
    sorted_select,
)
from photoarchive.errors import NotFound, UsageError
from photoarchive.media.dates import query_bounds
from photoarchive.services.archive import Archive
from photoarchive.services.fields import COLUMN_TEXT_FIELDS

SortKey = Literal["date", "title", "imported", "path"]
SORT_KEYS: tuple[str, ...] = ("date", "title", "imported", "path")


@dataclass
class PhotoRecord:
    """Everything known about one photo, as plain values (safe to hand to any layer)."""

    id: int
    path: str
    width: int | None
    height: int | None
    format: str | None
    taken_at: str | None
    content_hash: str
    file_size: int
    orientation: int
    rotation: int
    missing: bool
    camera_make: str | None
    camera_model: str | None
    imported_at: str
    modified_at: str
    date: str | None = None
    date_display: str | None = None
    date_earliest: str | None = None
    date_latest: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    rating: int = 0
    keywords: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    text: dict[str, str | None] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        # Descriptive text fields (title, caption, …) read like attributes.
        text = self.__dict__.get("text", {})
        if name in text:
            return text[name]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-ready dict: ids, file data and every field by its catalog name."""
        data = asdict(self)
        data.update(data.pop("text"))
        return data


def record_of(photo: Photo) -> PhotoRecord:
    """Turn an ORM photo into a detached value record."""
    return PhotoRecord(
        id=photo.id, path=photo.path, width=photo.width, height=photo.height,
        format=photo.format, taken_at=photo.taken_at, content_hash=photo.content_hash,
        file_size=photo.file_size, orientation=photo.orientation, rotation=photo.rotation,
        missing=photo.missing, camera_make=photo.camera_make, camera_model=photo.camera_model,
        imported_at=photo.created_at.isoformat(timespec="seconds"),
        modified_at=photo.modified_at.isoformat(timespec="seconds"),
        date=photo.date, date_display=photo.date_display, date_earliest=photo.date_earliest,
        date_latest=photo.date_latest, latitude=photo.latitude, longitude=photo.longitude,
        rating=photo.rating,
        keywords=[k.name for k in photo.keywords], people=[p.name for p in photo.people],
        collections=sorted(m.collection.name for m in photo.memberships),
        text={name: getattr(photo, name) for name in COLUMN_TEXT_FIELDS},
    )


def _order(sort: str) -> list[Any]:
    if sort == "date":
        return [Photo.date_earliest.is_(None), Photo.date_earliest, Photo.date_latest,
                Photo.taken_at, Photo.path]
    if sort == "title":
        return [Photo.title.is_(None), func.lower(Photo.title), Photo.path]
    if sort == "imported":
        return [Photo.created_at.desc(), Photo.id.desc()]
    if sort == "path":
        return [Photo.path]
    raise UsageError(f"Unknown sort '{sort}'. Use one of: {', '.join(SORT_KEYS)}.")


def ids_select(query: str = "", sort: str = "date") -> Select[tuple[int]]:
    """A `select(Photo.id)` for a query in the catalog's language, in the requested order.

    The date order is exactly the expressions of the index ``ix_photo_date_sort``
    (migration 0004), so SQLite can read it in order instead of sorting.
    """
    return sorted_select(query or "", query_bounds, _order(sort))


def query_ids(archive: Archive, query: str = "", sort: str = "date") -> list[int]:
    """The ids of the photos matching `query`, sorted; cheap even for 100,000 photos.

    Word searches and keyword, person and collection filters take their hits from the
    full-text index and link tables and sort them by the order kept in memory
    (`catalog.order`), instead of reading every hit's row; whenever that cannot be vouched
    for (the catalog changed meanwhile), SQL sorts them as for any other query.
    """
    matching = ids_only(parse_query(query)) if query else None
    if matching is not None:
        _order(sort)  # an unknown sort key is an error here too
        ranks = archive.catalog.ranks
        seen = ranks.version()
        with archive.reader() as session:
            hits = fetch_ids(session, matching)
        ordered = ranks.sort(hits, sort, seen, lambda: query_ids(archive, "", sort))
        if ordered is not None:
            return ordered
    stmt = ids_select(query, sort)
    with archive.reader() as session:
        return fetch_ids(session, stmt)


def matching_among(archive: Archive, query: str, photo_ids: list[int]) -> set[int]:
    """The photos of `photo_ids` that match `query`, unsorted: cheap for a few photos in a
    large catalog (a whole-catalog `missing:alt_text` would read every row)."""
    stmt = search_select(query, query_bounds).where(in_id_list(Photo.id))
    with archive.reader() as session:
        return set(session.scalars(stmt, {"ids": id_list(photo_ids)}))


def count(archive: Archive, query: str = "") -> int:
    """How many photos match `query`."""
    with archive.reader() as session:
        filtered = search_select(query or "", query_bounds).subquery()
        return session.scalar(select(func.count()).select_from(filtered)) or 0


def list_photos(archive: Archive, query: str = "", sort: str = "date",
                limit: int | None = None, offset: int = 0) -> list[PhotoRecord]:
    """Photos matching `query` as records, sorted and paged."""
    if limit is not None and limit < 0:
        raise UsageError("--limit must be zero or more.")
    stmt = ids_select(query, sort).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    with archive.reader() as session:
        ids = list(session.scalars(stmt))
        return _records(session, ids)


def _records(session: Session, ids: list[int]) -> list[PhotoRecord]:
    by_id: dict[int, Photo] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for photo in session.scalars(select(Photo).where(Photo.id.in_(chunk))):
            by_id[photo.id] = photo
    return [record_of(by_id[i]) for i in ids if i in by_id]


def get_photos(archive: Archive, ids: list[int]) -> list[PhotoRecord]:
    """Records for `ids` in that order; unknown ids are left out."""
    with archive.reader() as session:
        return _records(session, ids)


def get_photo(archive: Archive, photo_id: int) -> PhotoRecord:
    """One photo's record, or NotFound."""
    with archive.reader() as session:
        photo = session.get(Photo, photo_id)
        if photo is None:
            raise NotFound(f"There is no photo with id {photo_id}.")
        return record_of(photo)
