"""Editing descriptive metadata: one transaction, the edit log and the search index together.

Every change — from the CLI, the window (and its undo), a CSV import — goes through
`apply_edits` or `apply_values`, which validate and normalise values, write them, log
old → new per field and photo, and refresh the full-text index in the same transaction.
They return a `ChangeSet` so views refresh only what changed.

An undo (and a redo) goes through `restore_values`: it puts a step's values back only on
fields that still hold what the step left there. A field changed since — by the command
line, another window, a script — is left as it is and reported (`Kept`), never silently
overwritten with an older value.

A selection of thousands of photos is edited set-wise: the old values are read as columns
(never as ORM objects), every changed photo is updated with one statement per set of
changed columns (bumping `modified_at` and the row `version`), and the edit log is one
multi-row insert. `set_field` and `current_value` do the same on one ORM `Photo`, for the
importer and write-back, which hold photos as objects.
"""

from __future__ import annotations

import getpass
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Edit, Keyword, Person, Photo, utcnow
from photoarchive.catalog.search import INDEXED_FIELDS, refresh_fts
from photoarchive.errors import UsageError
from photoarchive.media.dates import parse_date
from photoarchive.services.archive import Archive
from photoarchive.services.edit_store import LogEntry, PhotoState, load_state, write_changes
from photoarchive.services.fields import (
    FIELD_NAMES,
    FIELDS_BY_NAME,
    LIST_FIELDS,
    normalise_list,
    parse_scalar,
)
from photoarchive.services.fields import (
    field as field_spec,
)
from photoarchive.services.photos import get_photos

Value = str | float | int | list[str] | None


@dataclass
class ChangeSet:
    """What an edit changed: the photos and the fields (empty when nothing changed)."""

    photo_ids: set[int] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.photo_ids)


@dataclass
class EditRequest:
    """Changes to apply to every photo of a selection."""

    set_values: dict[str, Value] = field(default_factory=dict)
    add_keywords: list[str] = field(default_factory=list)
    remove_keywords: list[str] = field(default_factory=list)
    add_people: list[str] = field(default_factory=list)
    remove_people: list[str] = field(default_factory=list)


def parse_assignment(text: str) -> tuple[str, Value]:
    """Parse a CLI `FIELD=VALUE` into a field name and a validated value."""
    if "=" not in text:
        raise UsageError(f"Expected FIELD=VALUE, got '{text}'.")
    name, raw = text.split("=", 1)
    name = name.strip()
    return name, parse_value(name, raw)


def parse_value(name: str, raw: Value) -> Value:
    """Validate one field's value as a user typed it ('' clears it)."""
    spec = field_spec(name)
    if spec.kind == "list":
        return normalise_list(raw if isinstance(raw, (list, str)) else "")
    if raw is None:
        return None
    if spec.kind == "date":
        text = parse_scalar("title", str(raw))  # normalised single line
        if text:
            parse_date(str(text))  # raises InvalidDate with the accepted forms
        return text
    return parse_scalar(name, str(raw))


def _get_or_create(session: Session, model: type[Keyword | Person], name: str):
    found = session.scalars(select(model).where(model.name == name)).first()
    if found is None:
        found = model(name=name)
        session.add(found)
    return found


def _as_log(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def current_value(photo: Photo, name: str) -> Value:
    """The value of field `name` on an ORM photo, as the editing API speaks it."""
    if name == "keywords":
        return [k.name for k in photo.keywords]
    if name == "people":
        return [p.name for p in photo.people]
    return getattr(photo, name)


def changed_columns(name: str, value: Value, old: Value) -> dict[str, Any] | None:
    """What setting field `name` (old value `old`) to an already validated `value` writes:
    the photo columns with their new values (a list field by its own name), or None when
    the value does not change. A date sets its bounds and display text too."""
    if name in LIST_FIELDS:
        names = normalise_list(value or [])  # type: ignore[arg-type]
        return None if names == old else {name: names}
    if name == "date":
        bounds = parse_date(str(value)) if value else None
        if (bounds.edtf if bounds else None) == old:
            return None
        return {"date": bounds.edtf if bounds else None,
                "date_earliest": bounds.earliest.isoformat() if bounds else None,
                "date_latest": bounds.latest.isoformat() if bounds else None,
                "date_display": bounds.display if bounds else None}
    return None if value == old else {name: value}


def set_field(session: Session, photo: Photo, name: str, value: Value) -> bool:
    """Set one (already validated) field on an ORM photo; True when it changed."""
    columns = changed_columns(name, value, current_value(photo, name))
    if columns is None:
        return False
    if name in LIST_FIELDS:
        model = Keyword if name == "keywords" else Person
        setattr(photo, name, [_get_or_create(session, model, n) for n in columns[name]])
        return True
    for column, new in columns.items():
        setattr(photo, column, new)
    return True


def _merge_list(old: list[str], add: Iterable[str], remove: Iterable[str]) -> list[str]:
    removing = {r.casefold() for r in normalise_list(list(remove))}
    kept = [v for v in old if v.casefold() not in removing]
    return normalise_list(kept + normalise_list(list(add)))


def _names_read(names: Iterable[str]) -> list[str]:
    """The fields to read for editing `names` (a date edit compares the display text)."""
    wanted = set(names)
    if "date" in wanted:
        wanted.add("date_display")
    return sorted(wanted)


def apply_edits(archive: Archive, photo_ids: Iterable[int], request: EditRequest,
                origin: str = "cli") -> ChangeSet:
    """Apply `request` to every photo in `photo_ids` in one transaction."""
    ids = list(dict.fromkeys(photo_ids))
    values = {name: parse_value(name, v) for name, v in request.set_values.items()}
    lists = [name for name, add, remove in (
        ("keywords", request.add_keywords, request.remove_keywords),
        ("people", request.add_people, request.remove_people)) if add or remove]
    with archive.session() as session:
        states = load_state(session, ids, _names_read([*values, *lists]))
        edit = _Edit(origin)
        for pid in ids:
            wanted = dict(values)
            if "keywords" in lists:
                base = wanted.get("keywords", states[pid]["keywords"])
                wanted["keywords"] = _merge_list(base, request.add_keywords,  # type: ignore[arg-type]
                                                 request.remove_keywords)
            if "people" in lists:
                base = wanted.get("people", states[pid]["people"])
                wanted["people"] = _merge_list(base, request.add_people,  # type: ignore[arg-type]
                                               request.remove_people)
            edit.photo(pid, states[pid], wanted)
        return edit.finish(session)


def apply_values(archive: Archive, values: Mapping[int, Mapping[str, Value]],
                 origin: str = "gui") -> ChangeSet:
    """Set per-photo values (already in catalog form): the path undo and CSV import take."""
    names = _names_read(name for per_photo in values.values() for name in per_photo)
    with archive.session() as session:
        states = load_state(session, list(values), names)
        edit = _Edit(origin)
        for pid, per_photo in values.items():
            wanted = {name: parse_value(name, v) for name, v in per_photo.items()}
            edit.photo(pid, states[pid], wanted)
        return edit.finish(session)


@dataclass
class Kept:
    """A field an undo (or redo) left as it is: it no longer held what the step left there."""

    photo_id: int
    path: str
    field: str
    value: Value  # what it holds now, and keeps


@dataclass
class Restored:
    """What `restore_values` did: the changes made, and the fields it left as they are."""

    changes: ChangeSet
    kept: list[Kept] = field(default_factory=list)


#: Fields restored together: the date's display text follows the date.
_TOGETHER = {"date": ("date", "date_display"), "date_display": ("date", "date_display")}


class _Holds:
    """Whether a photo's field holds a value in any form the editing API accepts (a date as
    typed, a list in any order). A step usually left one value on many photos: each value
    is parsed once."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, Any], Value] = {}

    def __call__(self, name: str, state: PhotoState, value: Value) -> bool:
        key = (name, tuple(value) if isinstance(value, list) else value)
        wanted = self._parsed.get(key, self._parsed)
        if wanted is self._parsed:
            wanted = self._parsed[key] = parse_value(name, value)
            if name in LIST_FIELDS:
                wanted = self._parsed[key] = sorted(wanted or [])  # type: ignore[arg-type]
        current = state[name]
        if name in LIST_FIELDS:
            return sorted(current or []) == wanted
        return changed_columns(name, wanted, current) is None


def restore_values(archive: Archive, values: Mapping[int, Mapping[str, Value]],
                   expected: Mapping[int, Mapping[str, Value]],
                   origin: str = "gui") -> Restored:
    """Set `values` (an undo: the values before a step; a redo: after it) in one
    transaction, each field only where it still holds `expected` (what the step left
    there; a field `expected` does not name is set anyway). The others were changed since,
    elsewhere: they are left as they are and listed in `Restored.kept`. A date and its
    display text are restored, or kept, together."""
    names = _names_read(name for per_photo in values.values() for name in per_photo)
    kept: list[tuple[int, str, Value]] = []
    holds = _Holds()
    with archive.session() as session:
        states = load_state(session, list(values), names)
        edit = _Edit(origin)
        for pid, per_photo in values.items():
            state, held = states[pid], expected.get(pid, {})
            moved = {name for name in per_photo
                     if name in held and not holds(name, state, held[name])}
            moved.update(n for name in list(moved) for n in _TOGETHER.get(name, ())
                         if n in per_photo)
            kept.extend((pid, name, state[name]) for name in sorted(moved))
            edit.photo(pid, state, {name: parse_value(name, v)
                                    for name, v in per_photo.items() if name not in moved})
        changes = edit.finish(session)
    paths = {r.id: r.path for r in get_photos(archive, list(dict.fromkeys(
        pid for pid, _n, _v in kept)))} if kept else {}
    return Restored(changes, [Kept(pid, paths.get(pid, ""), name, value)
                              for pid, name, value in kept])


def snapshot(archive: Archive, photo_ids: Iterable[int],
             names: Iterable[str]) -> dict[int, dict[str, Value]]:
    """Current values of `names` for each photo: what an undo needs to restore."""
    names = list(names)
    if "date" in names and "date_display" not in names:
        names.append("date_display")
    ids = list(photo_ids)
    with archive.reader() as session:
        states = load_state(session, ids, names)
    return {pid: {n: states[pid][n] for n in names} for pid in ids}


class _Edit:
    """The changes of one transaction, collected photo by photo and written together."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.user = user_name()
        self.now: datetime = utcnow()
        self.columns: dict[int, dict[str, Any]] = {}  # photo → changed columns and lists
        self.log: list[LogEntry] = []
        self.changes = ChangeSet()
        self._orders: dict[tuple[str, ...], list[str]] = {}  # names → checked, in order

    def _order(self, names: tuple[str, ...]) -> list[str]:
        """`names` checked (an unknown one is a UsageError), date first, so an explicit
        date_display in the same edit wins over the derived one."""
        order = self._orders.get(names)
        if order is None:
            for name in names:
                if name not in FIELDS_BY_NAME:
                    field_spec(name)  # raises the usual UsageError
            order = self._orders[names] = sorted(names, key=lambda n: (n != "date", n))
        return order

    def photo(self, pid: int, state: PhotoState, wanted: Mapping[str, Value]) -> None:
        """Compare one photo's `wanted` values with its `state` (updated in place)."""
        changed: dict[str, Any] | None = None
        for name in self._order(tuple(wanted)):
            old, old_display = state[name], state.get("date_display")
            columns = changed_columns(name, wanted[name], old)
            if columns is None:
                continue
            state.update(columns)
            if changed is None:
                changed = self.columns.setdefault(pid, {})
            changed.update(columns)
            self.log.append((pid, name, _as_log(old), _as_log(state[name])))
            if name == "date" and state["date_display"] != old_display:
                self.log.append((pid, "date_display", old_display, state["date_display"]))
                self.changes.fields.add("date_display")
            self.changes.fields.add(name)
        if changed is not None:
            self.changes.photo_ids.add(pid)

    def finish(self, session: Session) -> ChangeSet:
        """Write the values, the edit log and the search index; the ChangeSet."""
        if self.changes.photo_ids:
            write_changes(session, self.columns, self.log, self.now, self.origin, self.user)
            # Re-index only the photos whose indexed text changed, and only those columns.
            indexed: dict[frozenset[str], list[int]] = defaultdict(list)
            for pid, columns in self.columns.items():
                changed = INDEXED_FIELDS.intersection(columns)
                if changed:
                    indexed[frozenset(changed)].append(pid)
            for changed, pids in indexed.items():
                refresh_fts(session, pids, fields=changed)
        return self.changes


def user_name() -> str | None:
    """The login name edits are logged under (None when there is none)."""
    try:
        return getpass.getuser()
    except (ImportError, KeyError, OSError):  # no login name, no passwd entry
        return None


def edited_fields(session: Session, photo_id: int) -> set[str]:
    """Fields a person changed on this photo (edit log entries not made by import; not
    the log's notes about the files, `sync_log.SYNC_FIELD`)."""
    rows = session.scalars(select(Edit.field).where(Edit.photo_id == photo_id,
                                                    Edit.origin.not_in(("import", "reread")),
                                                    Edit.field.in_(FIELD_NAMES)))
    return set(rows)
