"""Collections: named, described, ordered sets of photos (series, exhibitions, galleries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Collection, CollectionMember, Photo
from photoarchive.errors import NotFound, UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.fields import normalise_text


@dataclass
class CollectionInfo:
    """A collection as plain values; `photo_ids` in the collection's order."""

    id: int
    name: str
    description: str | None
    count: int
    photo_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description,
                "count": self.count, "photo_ids": self.photo_ids}


def _clean_name(name: str) -> str:
    clean = normalise_text(name, multiline=False)
    if not clean:
        raise UsageError("A collection needs a name.")
    return clean


def _find(session: Session, name: str) -> Collection:
    found = session.scalars(
        select(Collection).where(func.lower(Collection.name) == name.strip().lower())).first()
    if found is None:
        raise NotFound(f"There is no collection called '{name}'.")
    return found


def _info(collection: Collection) -> CollectionInfo:
    ids = [m.photo_id for m in collection.members]
    return CollectionInfo(collection.id, collection.name, collection.description, len(ids), ids)


def create(archive: Archive, name: str, description: str | None = None) -> CollectionInfo:
    """Make a new, empty collection."""
    name = _clean_name(name)
    with archive.session() as session:
        exists = session.scalars(
            select(Collection).where(func.lower(Collection.name) == name.lower())).first()
        if exists:
            raise UsageError(f"A collection called '{exists.name}' already exists.")
        collection = Collection(name=name, description=description or None)
        session.add(collection)
        session.flush()
        return _info(collection)


def rename(archive: Archive, name: str, new_name: str) -> CollectionInfo:
    """Give a collection a new name (the search index follows)."""
    new_name = _clean_name(new_name)
    with archive.session() as session:
        collection = _find(session, name)
        clash = session.scalars(select(Collection).where(
            func.lower(Collection.name) == new_name.lower(), Collection.id != collection.id)
        ).first()
        if clash:
            raise UsageError(f"A collection called '{clash.name}' already exists.")
        collection.name = new_name
        return _info(collection)


def describe(archive: Archive, name: str, description: str | None) -> CollectionInfo:
    """Set or clear a collection's description."""
    with archive.session() as session:
        collection = _find(session, name)
        collection.description = normalise_text(description, True) if description else None
        return _info(collection)


def delete(archive: Archive, name: str) -> None:
    """Delete a collection (its photos stay in the catalog)."""
    with archive.session() as session:
        session.delete(_find(session, name))


def add(archive: Archive, name: str, photo_ids: list[int]) -> CollectionInfo:
    """Append photos to the end of a collection; photos already in it stay where they are."""
    with archive.session() as session:
        collection = _find(session, name)
        _check_photos(session, photo_ids)
        present = {m.photo_id for m in collection.members}
        position = len(collection.members)
        for pid in dict.fromkeys(photo_ids):
            if pid not in present:
                collection.members.append(
                    CollectionMember(photo_id=pid, position=position))
                position += 1
        session.flush()
        return _info(collection)


def remove(archive: Archive, name: str, photo_ids: list[int]) -> CollectionInfo:
    """Take photos out of a collection; the others close ranks."""
    with archive.session() as session:
        collection = _find(session, name)
        gone = set(photo_ids)
        not_in = gone - {m.photo_id for m in collection.members}
        if not_in:
            raise UsageError(f"Photo {min(not_in)} is not in '{collection.name}'.")
        kept = [m for m in collection.members if m.photo_id not in gone]
        collection.members = kept
        _renumber(collection)
        session.flush()
        return _info(collection)


def put_back(archive: Archive, name: str, positions: Mapping[int, int]) -> CollectionInfo:
    """Put photos into a collection at these places (0 is first; lowest first, the others
    moving along), or move them there if they are in it: what undoing `remove` does."""
    with archive.session() as session:
        collection = _find(session, name)
        _check_photos(session, list(positions))
        members = {m.photo_id: m for m in collection.members}
        order = [m.photo_id for m in sorted(collection.members, key=lambda m: m.position)
                 if m.photo_id not in positions]
        for pid, position in sorted(positions.items(), key=lambda item: item[1]):
            order.insert(min(max(position, 0), len(order)), pid)
        # Two passes keep (collection, position) free of transient clashes.
        for index, pid in enumerate(order):
            member = members.get(pid)
            if member is None:
                member = members[pid] = CollectionMember(photo_id=pid, position=-1 - index)
                collection.members.append(member)
            member.position = -1 - index
        session.flush()
        for index, pid in enumerate(order):
            members[pid].position = index
        session.flush()
        session.expire(collection, ["members"])
        return _info(collection)


def move(archive: Archive, name: str, photo_id: int, position: int) -> CollectionInfo:
    """Move one photo to `position` (1 is first; past the end means last)."""
    with archive.session() as session:
        collection = _find(session, name)
        members = list(collection.members)
        member = next((m for m in members if m.photo_id == photo_id), None)
        if member is None:
            raise UsageError(f"Photo {photo_id} is not in '{collection.name}'.")
        if position < 1:
            raise UsageError("Positions start at 1.")
        members.remove(member)
        members.insert(min(position, len(members) + 1) - 1, member)
        # Two passes keep (collection, position) free of transient clashes.
        for index, m in enumerate(members):
            m.position = -1 - index
        session.flush()
        for index, m in enumerate(members):
            m.position = index
        session.flush()
        session.expire(collection, ["members"])
        return _info(collection)


def _renumber(collection: Collection) -> None:
    for index, member in enumerate(sorted(collection.members, key=lambda m: m.position)):
        member.position = index


def _check_photos(session: Session, photo_ids: list[int]) -> None:
    found = set(session.scalars(select(Photo.id).where(Photo.id.in_(photo_ids))))
    unknown = [i for i in photo_ids if i not in found]
    if unknown:
        raise NotFound(f"There is no photo with id {unknown[0]}.")


def list_collections(archive: Archive) -> list[CollectionInfo]:
    """Every collection, by name."""
    with archive.reader() as session:
        rows = session.scalars(select(Collection).order_by(func.lower(Collection.name)))
        return [_info(c) for c in rows]


def show(archive: Archive, name: str) -> CollectionInfo:
    """One collection with its members in order."""
    with archive.reader() as session:
        return _info(_find(session, name))

