"""Editing descriptive metadata: one transaction, the edit log and the search index together.

Every change — from the CLI, the window (and its undo), a CSV import — goes through
`apply_edits`, which validates and normalises values, writes them, logs old → new per
field and photo, and refreshes the full-text index in the same transaction. It returns
a `ChangeSet` so views refresh only what changed.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Edit, Keyword, Person, Photo, utcnow
from photoarchive.catalog.search import refresh_fts
from photoarchive.errors import NotFound, UsageError
from photoarchive.media.dates import parse_date
from photoarchive.services.archive import Archive
from photoarchive.services.fields import (
    FIELDS_BY_NAME,
    LIST_FIELDS,
    field as field_spec,
    normalise_list,
    parse_scalar,
)

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


def _get_or_create(session: Session, model: type[Keyword] | type[Person], name: str):
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


def set_field(session: Session, photo: Photo, name: str, value: Value) -> bool:
    """Set one (already validated) field on a photo; True when it changed."""
    old = current_value(photo, name)
    if name in LIST_FIELDS:
        names = normalise_list(value or [])
        if names == old:
            return False
        model = Keyword if name == "keywords" else Person
        setattr(photo, name, [_get_or_create(session, model, n) for n in names])
        return True
    if name == "date":
        bounds = parse_date(str(value)) if value else None
        if (bounds.edtf if bounds else None) == old:
            return False
        photo.date = bounds.edtf if bounds else None
        photo.date_earliest = bounds.earliest.isoformat() if bounds else None
        photo.date_latest = bounds.latest.isoformat() if bounds else None
        photo.date_display = bounds.display if bounds else None
        return True
    if value == old:
        return False
    setattr(photo, name, value)
    return True


def _merge_list(old: list[str], add: Iterable[str], remove: Iterable[str]) -> list[str]:
    removing = {r.casefold() for r in normalise_list(list(remove))}
    kept = [v for v in old if v.casefold() not in removing]
    return normalise_list(kept + normalise_list(list(add)))


def apply_edits(archive: Archive, photo_ids: Iterable[int], request: EditRequest,
                origin: str = "cli") -> ChangeSet:
    """Apply `request` to every photo in `photo_ids` in one transaction."""
    ids = list(dict.fromkeys(photo_ids))
    values = {name: parse_value(name, v) for name, v in request.set_values.items()}
    with archive.session() as session:
        photos = _load(session, ids)
        changes = ChangeSet()
        for photo in photos:
            wanted = dict(values)
            if request.add_keywords or request.remove_keywords:
                base = wanted.get("keywords", current_value(photo, "keywords"))
                wanted["keywords"] = _merge_list(base, request.add_keywords,  # type: ignore[arg-type]
                                                 request.remove_keywords)
            if request.add_people or request.remove_people:
                base = wanted.get("people", current_value(photo, "people"))
                wanted["people"] = _merge_list(base, request.add_people,  # type: ignore[arg-type]
                                               request.remove_people)
            _apply_to_photo(session, photo, wanted, origin, changes)
        _finish(session, changes)
        return changes


def apply_values(archive: Archive, values: Mapping[int, Mapping[str, Value]],
                 origin: str = "gui") -> ChangeSet:
    """Set per-photo values (already in catalog form): the path undo and CSV import take."""
    with archive.session() as session:
        photos = _load(session, list(values))
        changes = ChangeSet()
        for photo in photos:
            wanted = {name: parse_value(name, v) for name, v in values[photo.id].items()}
            _apply_to_photo(session, photo, wanted, origin, changes)
        _finish(session, changes)
        return changes


def snapshot(archive: Archive, photo_ids: Iterable[int],
             names: Iterable[str]) -> dict[int, dict[str, Value]]:
    """Current values of `names` for each photo: what an undo needs to restore."""
    names = list(names)
    if "date" in names and "date_display" not in names:
        names.append("date_display")
    with archive.reader() as session:
        return {p.id: {n: current_value(p, n) for n in names}
                for p in _load(session, list(photo_ids))}


def _load(session: Session, ids: list[int]) -> list[Photo]:
    photos: dict[int, Photo] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for photo in session.scalars(select(Photo).where(Photo.id.in_(chunk))):
            photos[photo.id] = photo
    unknown = [i for i in ids if i not in photos]
    if unknown:
        listed = ", ".join(str(i) for i in unknown[:10])
        raise NotFound(f"There is no photo with id {listed}.")
    return [photos[i] for i in ids]


def _apply_to_photo(session: Session, photo: Photo, wanted: Mapping[str, Value], origin: str,
                    changes: ChangeSet) -> None:
    # date first, so an explicit date_display in the same edit wins over the derived one.
    order = sorted(wanted, key=lambda n: (n != "date", n))
    user = _user()
    for name in order:
        if name not in FIELDS_BY_NAME:
            field_spec(name)  # raises the usual UsageError
        old = current_value(photo, name)
        old_display = photo.date_display
        if not set_field(session, photo, name, wanted[name]):
            continue
        new = current_value(photo, name)
        session.add(Edit(photo_id=photo.id, field=name, old=_as_log(old), new=_as_log(new),
                         origin=origin, user=user))
        if name == "date" and photo.date_display != old_display:
            session.add(Edit(photo_id=photo.id, field="date_display", old=old_display,
                             new=photo.date_display, origin=origin, user=user))
            changes.fields.add("date_display")
        changes.photo_ids.add(photo.id)
        changes.fields.add(name)
    if photo.id in changes.photo_ids:
        photo.modified_at = utcnow()


def _finish(session: Session, changes: ChangeSet) -> None:
    session.flush()
    if changes.photo_ids:
        refresh_fts(session, changes.photo_ids)


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name is not an error
        return None


def edited_fields(session: Session, photo_id: int) -> set[str]:
    """Fields a person changed on this photo (edit log entries not made by import)."""
    rows = session.scalars(select(Edit.field).where(Edit.photo_id == photo_id,
                                                    Edit.origin.not_in(("import", "reread"))))
    return set(rows)
