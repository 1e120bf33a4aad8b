"""What changed in the catalog since the window last looked: for a window that shares its
catalog with another process (the command line importing or editing meanwhile).

`changes_since(archive, previous)` is meant to be called every few seconds: it reads a
`CatalogStamp` of a few primary-key maxima and counts (no table scan of photo data), and
only when the stamp moved does it ask which photos were edited. Plain data, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from photoarchive.catalog.models import Collection, CollectionMember, Edit, Photo
from photoarchive.services.archive import Archive

#: More edited photos than this since the last look: refresh everything instead.
MAX_EDITED = 2000


@dataclass(frozen=True)
class CatalogStamp:
    """Cheap numbers that move whenever photos, edits or collections change."""

    photos: int = 0
    last_photo: int = 0
    last_edit: int = 0
    collections: int = 0
    members: int = 0


@dataclass(frozen=True)
class CatalogChanges:
    """The difference between two stamps, in the terms a window refreshes by.

    `photos_changed`: photos were added or removed (the grid's list must be asked again).
    `edited`: ids of photos whose fields were edited (repaint those tiles), unless
    `many_edited`, when more than `MAX_EDITED` were and everything should be re-read.
    `collections_changed`: collections or their members changed (the sidebar's counts).
    """

    stamp: CatalogStamp
    photos_changed: bool = False
    edited: list[int] = field(default_factory=list)
    many_edited: bool = False
    collections_changed: bool = False

    @property
    def any(self) -> bool:
        return (self.photos_changed or self.many_edited or bool(self.edited)
                or self.collections_changed)


def catalog_stamp(archive: Archive) -> CatalogStamp:
    """The catalog's current stamp: one short read transaction."""
    with archive.reader() as session:
        photos, last_photo = session.execute(
            select(func.count(), func.max(Photo.id)).select_from(Photo)).one()
        last_edit = session.scalar(select(func.max(Edit.id)))
        collections = session.scalar(select(func.count()).select_from(Collection))
        members = session.scalar(select(func.count()).select_from(CollectionMember))
    return CatalogStamp(photos or 0, last_photo or 0, last_edit or 0, collections or 0,
                        members or 0)


def edited_since(archive: Archive, last_edit: int, limit: int = MAX_EDITED) -> list[int]:
    """Ids of photos edited after the edit-log entry `last_edit` (at most `limit` + 1)."""
    with archive.reader() as session:
        rows = session.scalars(
            select(Edit.photo_id).where(Edit.id > last_edit, Edit.photo_id.is_not(None))
            .distinct().limit(limit + 1))
        return sorted(int(i) for i in rows)


def changes_since(archive: Archive, previous: CatalogStamp | None) -> CatalogChanges:
    """What changed since `previous` (None: the first look, which reports nothing)."""
    stamp = catalog_stamp(archive)
    if previous is None or stamp == previous:
        return CatalogChanges(stamp)
    edited: list[int] = []
    many = False
    if stamp.last_edit > previous.last_edit:
        edited = edited_since(archive, previous.last_edit)
        many = len(edited) > MAX_EDITED
        if many:
            edited = []
    elif stamp.last_edit < previous.last_edit:  # another catalog restored in its place
        many = True
    return CatalogChanges(
        stamp,
        photos_changed=(stamp.photos, stamp.last_photo) != (previous.photos,
                                                            previous.last_photo),
        edited=edited, many_edited=many,
        collections_changed=(stamp.collections, stamp.members) != (previous.collections,
                                                                   previous.members))
