"""Taking photos out of the catalog, and putting them back exactly (the window's undo).

`remove_photos` deletes the photos' rows in one transaction — the photo row, its keyword
and people links, its places in collections (the others close ranks), its row in the
search index — and returns a `RemovedPhotos`: every row it deleted, as stored, and the
edit-log entries whose reference to the photo the deletion cleared. `restore_photos`
writes those rows back (the same ids, the same places in their collections, the edit log
pointing at them again) and re-indexes them, so search finds them as before. The files are
never touched; thumbnails are kept by content on disk, so they are still there.

Why rows are deleted rather than marked: a hidden "removed" photo would have to be left out
of every query, count, search and export (a forgotten one publishes a photo the curator
took out), and its file could not be imported again (a path is unique). Removed is gone;
a photo imported again later comes back with what its files hold. Until then, the snapshot
puts back even fields that were never written to the files. If meanwhile the same file (or
another photo with the same id) came into the catalog, restoring refuses, saying which.

The tables are found from the schema (every table with a foreign key to `photo`), so a
table added by a later migration is taken out and put back too. Values are read and written
as the database holds them (no type conversion), so what comes back is byte for byte what
was there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ForeignKey, Table, bindparam, text
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Base, CollectionMember, Edit, Photo, utcnow
from photoarchive.catalog.search import refresh_fts, remove_fts
from photoarchive.errors import NotFound, UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.editing import ChangeSet, user_name

__all__ = ["REMOVED_FIELD", "RESTORED_FIELD", "RemovedPhotos", "remove_photos",
           "restore_photos"]

CHUNK = 500
#: Edit-log field names of a removal (photo_id empty: the photo is gone) and a restore.
REMOVED_FIELD, RESTORED_FIELD = "removed", "restored"
_PHOTO: Table = Photo.__table__  # type: ignore[assignment]
_MEMBERS: Table = CollectionMember.__table__  # type: ignore[assignment]


@dataclass
class RemovedPhotos:
    """What `remove_photos` took out: plain data, enough to put it all back.

    `rows` holds, per table, the column names and the rows deleted (the `photo` table
    first); `cleared` per table the primary keys of rows whose reference to a photo was
    set to NULL (the edit log), with the photo id.
    """

    ids: list[int]
    paths: dict[int, str] = field(default_factory=dict)
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)
    cleared: dict[str, tuple[list[str], str, list[tuple[Any, ...]]]] = field(
        default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"removed": [{"id": i, "path": self.paths.get(i)} for i in self.ids],
                "files_untouched": True}


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _referencing() -> list[tuple[Table, ForeignKey]]:
    """Every (table, foreign key) pointing at `photo.id`, in dependency order."""
    found = []
    for table in Base.metadata.sorted_tables:
        found.extend((table, fk) for fk in table.foreign_keys
                     if fk.column.table is _PHOTO and table is not _PHOTO)
    return found


def _q(session: Session, name: str) -> str:
    return session.get_bind().dialect.identifier_preparer.quote(name)


def _select(session: Session, table: Table, column: str, ids: Sequence[int],
            names: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows of `table` whose `column` is one of `ids`: the columns `names`, raw."""
    listed = ", ".join(_q(session, n) for n in names)
    statement = text(f"SELECT {listed} FROM {_q(session, table.name)} "
                     f"WHERE {_q(session, column)} IN :ids").bindparams(
        bindparam("ids", expanding=True))
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids):
        rows.extend(tuple(r) for r in session.execute(statement, {"ids": list(chunk)}))
    return rows


def _insert(session: Session, table: Table, names: Sequence[str],
            rows: Iterable[Sequence[Any]]) -> None:
    keys = [f"v{n}" for n in range(len(names))]
    statement = text(f"INSERT INTO {_q(session, table.name)} "
                     f"({', '.join(_q(session, n) for n in names)}) "
                     f"VALUES ({', '.join(':' + k for k in keys)})")
    params = [dict(zip(keys, row, strict=True)) for row in rows]
    if params:
        session.execute(statement, params)


def _log(session: Session, entries: list[dict[str, Any]]) -> None:
    if entries:
        now, user = utcnow(), user_name()
        session.execute(Edit.__table__.insert(), [
            {"at": now, "origin": "gui", "user": user, **e} for e in entries])


def remove_photos(archive: Archive, photo_ids: Iterable[int],
                  origin: str = "cli") -> RemovedPhotos:
    """Take these photos out of the catalog in one transaction (their files untouched);
    returns what `restore_photos` needs. An unknown id is NotFound, and nothing changes."""
    ids = list(dict.fromkeys(int(i) for i in photo_ids))
    if not ids:
        raise UsageError("No photos to remove.")
    removed = RemovedPhotos(ids)
    with archive.session() as session:
        session.flush()
        names = [c.name for c in _PHOTO.columns]
        photo_rows = _select(session, _PHOTO, "id", ids, names)
        found = {row[names.index("id")] for row in photo_rows}
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise NotFound(f"There is no photo with id {', '.join(map(str, unknown[:10]))}.")
        removed.rows[_PHOTO.name] = (names, photo_rows)
        for pid, path in session.execute(
                _PHOTO.select().with_only_columns(_PHOTO.c.id, _PHOTO.c.path)
                .where(_PHOTO.c.id.in_(ids))):
            removed.paths[pid] = path
        collections: set[int] = set()
        for table, fk in _referencing():
            column = fk.parent.name
            if fk.ondelete and fk.ondelete.upper() == "SET NULL":
                keys = [c.name for c in table.primary_key.columns]
                rows = _select(session, table, column, ids, [*keys, column])
                removed.cleared[table.name] = (keys, column, rows)
            else:
                table_names = [c.name for c in table.columns]
                rows = _select(session, table, column, ids, table_names)
                removed.rows[table.name] = (table_names, rows)
                if table is _MEMBERS:
                    at = table_names.index("collection_id")
                    collections.update(row[at] for row in rows)
        remove_fts(session, ids)
        for chunk in _chunks(ids):  # the links go with them (ON DELETE CASCADE / SET NULL)
            session.execute(_PHOTO.delete().where(_PHOTO.c.id.in_(chunk)))
        _close_ranks(session, collections)
        _log(session, [{"photo_id": None, "field": REMOVED_FIELD, "origin": origin,
                        "old": json.dumps({"id": pid, "path": removed.paths[pid]},
                                          ensure_ascii=False), "new": None} for pid in ids])
    return removed


def _close_ranks(session: Session, collection_ids: Iterable[int]) -> None:
    """Number the members of these collections 0, 1, 2… in their order."""
    for collection_id in collection_ids:
        members = session.execute(
            _MEMBERS.select().with_only_columns(_MEMBERS.c.photo_id)
            .where(_MEMBERS.c.collection_id == collection_id)
            .order_by(_MEMBERS.c.position)).scalars().all()
        session.execute(
            _MEMBERS.update().where(_MEMBERS.c.collection_id == collection_id,
                                    _MEMBERS.c.photo_id == bindparam("pid"))
            .values(position=bindparam("pos")),
            [{"pid": pid, "pos": n} for n, pid in enumerate(members)])


def _existing(session: Session, fk: ForeignKey, values: set[Any]) -> set[Any]:
    """Which of `values` the column `fk` points at still holds."""
    target = fk.column
    found: set[Any] = set()
    for chunk in _chunks(sorted(v for v in values if v is not None)):
        found.update(session.execute(_select_values(session, target), {"ids": list(chunk)})
                     .scalars())
    return found


def _select_values(session: Session, column: Any) -> Any:
    return text(f"SELECT {_q(session, column.name)} FROM {_q(session, column.table.name)} "
                f"WHERE {_q(session, column.name)} IN :ids").bindparams(
        bindparam("ids", expanding=True))


def _still_there(session: Session, table: Table, names: list[str],
                 rows: list[tuple[Any, ...]], keep_row: bool) -> list[tuple[Any, ...]]:
    """Rows whose other references still point somewhere: a link row to something gone
    (a collection deleted meanwhile) is left out; in a photo row the reference is cleared."""
    for fk in table.foreign_keys:
        if fk.column.table is _PHOTO:
            continue
        at = names.index(fk.parent.name)
        there = _existing(session, fk, {row[at] for row in rows})
        if keep_row:
            rows = [row if row[at] is None or row[at] in there
                    else (*row[:at], None, *row[at + 1:]) for row in rows]
        else:
            rows = [row for row in rows if row[at] in there]
    return rows


def _check_free(session: Session, removed: RemovedPhotos) -> None:
    """Refuse (changing nothing) when an id, file or content is in the catalog again."""
    names, rows = removed.rows[_PHOTO.name]
    for column in ("id", "path", "content_hash"):
        at = names.index(column)
        taken = _existing_in_photo(session, column, [row[at] for row in rows])
        clash = next((row for row in rows if row[at] in taken), None)
        if clash is not None:
            photo_id = clash[names.index("id")]
            what = {"id": f"another photo has its id ({photo_id})",
                    "path": "its file was imported again",
                    "content_hash": "a photo with the same content was imported"}[column]
            raise UsageError(f"Photo {photo_id} ({removed.paths.get(photo_id, '')}) cannot be "
                             f"put back: {what} since it was removed. Remove that photo "
                             "first to put this one back.")


def _existing_in_photo(session: Session, column: str, values: list[Any]) -> set[Any]:
    found: set[Any] = set()
    statement = _select_values(session, _PHOTO.c[column])
    for chunk in _chunks(values):
        found.update(session.execute(statement, {"ids": list(chunk)}).scalars())
    return found


def restore_photos(archive: Archive, removed: RemovedPhotos, origin: str = "gui") -> ChangeSet:
    """Put removed photos back as they were (see the module doc); one transaction."""
    with archive.session() as session:
        session.flush()
        _check_free(session, removed)
        names, rows = removed.rows[_PHOTO.name]
        _insert(session, _PHOTO, names, _still_there(session, _PHOTO, names, rows, True))
        for table, _fk in _referencing():
            if table.name in removed.rows:
                names, rows = removed.rows[table.name]
                rows = _still_there(session, table, names, rows, keep_row=False)
                if table is _MEMBERS:
                    _make_room(session, names, rows)
                _insert(session, table, names, rows)
            elif table.name in removed.cleared:
                keys, column, rows = removed.cleared[table.name]
                where = " AND ".join(f"{_q(session, k)} = :k{n}" for n, k in enumerate(keys))
                statement = text(f"UPDATE {_q(session, table.name)} SET "
                                 f"{_q(session, column)} = :photo WHERE {where} "
                                 f"AND {_q(session, column)} IS NULL")
                params = [{"photo": row[-1], **{f"k{n}": v for n, v in enumerate(row[:-1])}}
                          for row in rows]
                if params:
                    session.execute(statement, params)
        refresh_fts(session, removed.ids)
        _log(session, [{"photo_id": pid, "field": RESTORED_FIELD, "origin": origin,
                        "old": None, "new": removed.paths.get(pid)} for pid in removed.ids])
    return ChangeSet(set(removed.ids), {RESTORED_FIELD})


def _make_room(session: Session, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Move members along so each restored one gets its old place back (lowest first, so
    photos that were next to each other are again)."""
    collection_at, position_at = names.index("collection_id"), names.index("position")
    by_collection: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_collection[row[collection_at]].append(row[position_at])
    for collection_id, positions in by_collection.items():
        for position in sorted(positions):
            session.execute(
                _MEMBERS.update().where(_MEMBERS.c.collection_id == collection_id,
                                        _MEMBERS.c.position >= position)
                .values(position=_MEMBERS.c.position + 1))
