"""Reading and writing the edited fields of many photos at once, for `services.editing`.

Values are read as columns, in chunks of `CHUNK` ids, and written with set-wise Core
statements: one UPDATE per set of changed columns (each changed photo's `modified_at`
set and its row `version` incremented, as the ORM's optimistic locking does), the
keyword/people links as inserts and deletes, and the edit log as one multi-row insert.
Nothing here validates values: `editing` hands over already normalised ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, bindparam, delete, insert, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from photoarchive.catalog.models import Edit, Keyword, Person, Photo, photo_keyword, photo_person
from photoarchive.errors import NotFound
from photoarchive.services.fields import LIST_FIELDS
from photoarchive.services.fields import field as field_spec

#: One photo's current values by field name (a date also by its bound columns).
PhotoState = dict[str, Any]

CHUNK = 500

#: The photo columns each field is read from (the others are their own column).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "date_earliest", "date_latest", "date_display"),
}
#: List field → (name model, link table, link column of the name).
_LISTS: dict[str, tuple[type[Keyword | Person], Table, str]] = {
    "keywords": (Keyword, photo_keyword, "keyword_id"),
    "people": (Person, photo_person, "person_id"),
}
_PHOTO = Photo.__table__
_EDIT = Edit.__table__


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def load_state(session: Session, ids: Sequence[int],
               names: Iterable[str]) -> dict[int, PhotoState]:
    """The current values of the fields `names` of the photos `ids`, by id.

    Raises NotFound (naming up to ten unknown ids) if a photo does not exist, and the usual
    UsageError for an unknown field name.
    """
    unique = list(dict.fromkeys(ids))
    names = list(dict.fromkeys(names))
    columns = sorted({column for name in names if name not in LIST_FIELDS
                      for column in _COLUMNS.get(name, (name,)) if column in _PHOTO.c})
    selected = select(_PHOTO.c.id, *(_PHOTO.c[c] for c in columns))
    states: dict[int, PhotoState] = {}
    for chunk in _chunks(unique):
        for pid, *values in session.execute(selected.where(_PHOTO.c.id.in_(chunk))):
            states[pid] = dict(zip(columns, values, strict=True))
    unknown = [i for i in unique if i not in states]
    if unknown:
        listed = ", ".join(str(i) for i in unknown[:10])
        raise NotFound(f"There is no photo with id {listed}.")
    for name in names:
        field_spec(name)  # an unknown field is a UsageError
        if name in LIST_FIELDS:
            for pid, names_of in _load_lists(session, unique, name).items():
                states[pid][name] = names_of
    return states


def _load_lists(session: Session, ids: Sequence[int], name: str) -> dict[int, list[str]]:
    """Each photo's keywords (or people), ordered by name as the ORM relationship is."""
    model, link, column = _LISTS[name]
    found: dict[int, list[str]] = {pid: [] for pid in ids}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(link.c.photo_id, model.name)
            .join(model, model.id == link.c[column])
            .where(link.c.photo_id.in_(chunk))
            .order_by(link.c.photo_id, model.name))
        for pid, value in rows:
            found[pid].append(value)
    return found


def write_changes(session: Session, changes: Mapping[int, Mapping[str, Any]],
                  log: Sequence[Mapping[str, Any]], now: datetime) -> None:
    """Write each photo's changed columns and lists, stamp it modified at `now` with the
    next row version, and add the edit log rows."""
    session.flush()
    connection = session.connection()
    # Photos that get the same values (one caption for a whole selection): one UPDATE per
    # chunk of ids. Any others (an undo restoring each photo's own caption): one
    # parameter set each, per set of changed columns.
    alike: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
    for pid, columns in changes.items():
        alike[tuple(sorted((c, v) for c, v in columns.items() if c not in LIST_FIELDS))].append(
            pid)
    stamp = _driver_value(_PHOTO.c.modified_at, now, connection)
    each: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for values, pids in alike.items():
        if len(pids) > 1:
            for chunk in _chunks(pids):
                session.execute(update(_PHOTO).where(_PHOTO.c.id.in_(chunk)).values(
                    {**dict(values), "modified_at": now, "version": _PHOTO.c.version + 1}))
        else:
            each[tuple(c for c, _ in values)].append(
                {"pid": pids[0], "now": stamp, **{f"new_{c}": v for c, v in values}})
    for names, rows in each.items():
        _execute_many(connection, update(_PHOTO).where(_PHOTO.c.id == bindparam("pid")).values(
            {**{c: bindparam(f"new_{c}") for c in names}, "modified_at": bindparam("now"),
             "version": _PHOTO.c.version + 1}), rows)
    for name in LIST_FIELDS:
        lists = {pid: columns[name] for pid, columns in changes.items() if name in columns}
        if lists:
            _write_lists(session, name, lists)
    if log:
        at = _driver_value(_EDIT.c.at, now, connection)
        rows = [{**row, "at": at} for row in log]
        _execute_many(connection, insert(_EDIT), rows, column_keys=list(rows[0]))


def _driver_value(column: Column[Any], value: Any, connection: Connection) -> Any:
    """`value` as the driver stores it in `column` (a timestamp as its text)."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process(value) if process else value


def _execute_many(connection: Connection, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]],
                  column_keys: list[str] | None = None) -> None:
    """Run `stmt` once per parameter set, through the driver's own executemany.

    SQLAlchemy's executemany builds and type-processes every parameter set in Python, as
    much work again as SQLite's for a thousand rows. The values here are driver-ready
    (text, numbers, None, timestamps already converted), so the statement is compiled
    once and the driver gets plain tuples in the order of its parameters.
    """
    compiled = stmt.compile(dialect=connection.dialect, column_keys=column_keys)
    order, own = compiled.positiontup or [], compiled.params  # own: the 1 of version + 1
    connection.exec_driver_sql(compiled.string, [
        tuple(row[key] if key in row else own[key] for key in order) for row in rows])


def _write_lists(session: Session, name: str, lists: Mapping[int, list[str]]) -> None:
    """Link each photo to exactly the names in its list (creating missing names)."""
    model, link, column = _LISTS[name]
    wanted = list(dict.fromkeys(n for names in lists.values() for n in names))
    ids = _name_ids(session, model, wanted)
    pids = list(lists)
    current: dict[int, set[int]] = {pid: set() for pid in pids}
    for chunk in _chunks(pids):
        for pid, name_id in session.execute(
                select(link.c.photo_id, link.c[column]).where(link.c.photo_id.in_(chunk))):
            current[pid].add(name_id)
    removed: list[tuple[int, int]] = []
    added: list[dict[str, int]] = []
    for pid, names in lists.items():
        new = {ids[n] for n in names}
        removed.extend((pid, i) for i in current[pid] - new)
        added.extend({"photo_id": pid, column: i} for i in sorted(new - current[pid]))
    for chunk in _chunks(removed):
        session.execute(delete(link).where(tuple_(link.c.photo_id, link.c[column]).in_(chunk)))
    if added:
        session.execute(insert(link), added)


def _name_ids(session: Session, model: type[Keyword | Person],
              names: Sequence[str]) -> dict[str, int]:
    """Ids of the keywords (or people) called exactly `names`, created where missing."""
    def lookup(wanted: Sequence[str]) -> None:
        for chunk in _chunks(wanted):
            rows = session.execute(select(model.name, model.id).where(model.name.in_(chunk)))
            found.update((name, name_id) for name, name_id in rows)

    found: dict[str, int] = {}
    lookup(names)
    missing = [n for n in names if n not in found]
    if missing:
        session.execute(insert(model.__table__), [{"name": n} for n in missing])
        lookup(missing)
    return found
