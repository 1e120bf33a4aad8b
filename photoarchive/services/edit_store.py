"""Reading and writing the edited fields of many photos at once, for `services.editing`.

Values are read as columns and written with set-wise statements: one UPDATE per set of
changed columns (each changed photo's `modified_at` set and its row `version`
incremented, as the ORM's optimistic locking does), the keyword/people links as inserts and
deletes, and the edit log as one multi-row insert. A set of photos is one parameter
(`catalog.search.in_id_list`), so no statement grows with the selection. The statements on
`photo` and `edit` are compiled once and run through the driver with plain tuples: the
columns they touch need no type conversion (text and numbers; the timestamp is converted
once), and SQLAlchemy's per-row parameter handling cost as much as SQLite's own work for a
thousand photos. Nothing here validates values: `editing` hands over normalised ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    CursorResult,
    Table,
    Update,
    bindparam,
    delete,
    insert,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from photoarchive.catalog.models import Edit, Keyword, Person, Photo, photo_keyword, photo_person
from photoarchive.catalog.search import id_list, in_id_list
from photoarchive.errors import NotFound
from photoarchive.services.fields import LIST_FIELDS
from photoarchive.services.fields import field as field_spec

#: One photo's current values by field name (a date also by its bound columns).
PhotoState = dict[str, Any]
#: One edit log entry: photo id, field, old and new value as logged.
LogEntry = tuple[int, str, "str | None", "str | None"]

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
_LOG_KEYS = ["at", "photo_id", "field", "old", "new", "origin", "user"]


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


#: Compiled statements by dialect name and `_statement` key: their SQL and parameter order.
_COMPILED: dict[tuple[str, tuple[str, ...]], tuple[str, list[str]]] = {}


def _statement(key: tuple[str, ...]) -> Executable:
    """The statement a key names: ``("select", *columns)`` reads columns of the photos
    ``ids``; ``("update set", *columns)`` gives the photos ``ids`` the same values,
    ``("update each", *columns)`` one photo ``pid`` its own; ``("log",)`` adds to the edit
    log."""
    kind, *columns = key
    if kind == "select":
        return select(_PHOTO.c.id, *(_PHOTO.c[c] for c in columns)).where(
            in_id_list(_PHOTO.c.id))
    if kind == "update set":
        return _update(columns).where(in_id_list(_PHOTO.c.id))
    if kind == "update each":
        return _update(columns).where(_PHOTO.c.id == bindparam("pid"))
    return insert(_EDIT)


def _driver(session: Session, key: tuple[str, ...], rows: Sequence[Mapping[str, Any]],
            many: bool = True) -> CursorResult[Any]:
    """Run the statement `key` names (compiled once) through the driver, each parameter
    set (by bind name, driver-ready values) as a plain tuple; executemany unless `many` is
    False. Errors are SQLAlchemy's, as for any other statement (`Archive.session` explains
    them)."""
    connection = session.connection()
    compiled = _COMPILED.get((connection.dialect.name, key))
    if compiled is None:
        made = _statement(key).compile(dialect=connection.dialect,
                                       column_keys=_LOG_KEYS if key == ("log",) else None)
        compiled = _COMPILED[connection.dialect.name, key] = (
            made.string, list(made.positiontup or []))
    sql, order = compiled
    if len(order) > 1:
        get = itemgetter(*order)
        tuples = [get(row) for row in rows]
    else:
        tuples = [tuple(row[name] for name in order) for row in rows]
    return connection.exec_driver_sql(sql, tuples if many else tuples[0])


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
    rows = _driver(session, ("select", *columns), [{"ids": id_list(unique)}], many=False)
    states: dict[int, PhotoState] = {
        pid: dict(zip(columns, values, strict=True)) for pid, *values in rows}
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
                  log: Sequence[LogEntry], now: datetime, origin: str,
                  user: str | None) -> None:
    """Write each photo's changed columns and lists, stamp it modified at `now` with the
    next row version, and add the edit log rows (made by `user` through `origin`)."""
    session.flush()
    connection = session.connection()
    stamp = _driver_value(_PHOTO.c.modified_at, now, connection)
    # Per set of changed columns: photos that get the same values (one caption for a whole
    # selection) in one UPDATE; the others (an undo restoring each photo's own caption) in
    # one executemany.
    groups: dict[tuple[str, ...], dict[tuple[Any, ...], list[int]]] = defaultdict(
        lambda: defaultdict(list))
    for pid, columns in changes.items():
        names = tuple(sorted(c for c in columns if c not in LIST_FIELDS))
        groups[names][tuple(columns[c] for c in names)].append(pid)
    for names, by_values in groups.items():
        keys = [f"new_{c}" for c in names]
        each: list[dict[str, Any]] = []
        for values, pids in by_values.items():
            row = dict(zip(keys, values, strict=True))
            row["now"] = stamp
            if len(pids) > 1:
                row["ids"] = id_list(pids)
                _driver(session, ("update set", *names), [row], many=False)
            else:
                row["pid"] = pids[0]
                each.append(row)
        if each:
            _driver(session, ("update each", *names), each)
    for name in LIST_FIELDS:
        lists = {pid: columns[name] for pid, columns in changes.items() if name in columns}
        if lists:
            _write_lists(session, name, lists)
    if log:
        at = _driver_value(_EDIT.c.at, now, connection)
        rows = [{"at": at, "photo_id": pid, "field": name, "old": old, "new": new,
                 "origin": origin, "user": user} for pid, name, old, new in log]
        _driver(session, ("log",), rows)


def _update(names: Sequence[str]) -> Update:
    """``UPDATE photo`` of these columns (bound as ``new_<column>``), the modification
    time (``now``) and the next row version."""
    return update(_PHOTO).values({**{c: bindparam(f"new_{c}") for c in names},
                                  "modified_at": bindparam("now"),
                                  "version": _PHOTO.c.version + literal_column("1")})


def _driver_value(column: Column[Any], value: Any, connection: Connection) -> Any:
    """`value` as the driver stores it in `column` (a timestamp as its text)."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process(value) if process else value


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
