"""A photo's history: every change the edit log holds for it, newest first.

The edit log (`catalog.models.Edit`) gets one row per field changed, written in the same
transaction as the change (`services.editing`, `services.sync_log`, `services.removal`).
This module only reads it, as plain records for the command line and the window. The one
statement it needs is kept in `_rows` so it can move to the catalog layer with the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Edit, Photo
from photoarchive.errors import NotFound
from photoarchive.services.archive import Archive

__all__ = ["ORIGINS", "Change", "describe_origin", "photo_history"]

#: The edit log's origin codes in words, as a curator reads them.
ORIGINS: dict[str, str] = {
    "gui": "window",
    "cli": "command line",
    "csv": "CSV import",
    "reread": "re-read from the files",
    "read": "files read",
    "import": "import",
    "write": "metadata written",
    "status": "write-back status check",
    "relink": "relink",
    "rotate": "rotation",
    "rotation": "rotation",
}


def describe_origin(origin: str) -> str:
    """An origin code in words (an unknown code as it is)."""
    return ORIGINS.get(origin, origin)


@dataclass(frozen=True)
class Change:
    """One edit-log row of a photo: when (aware, UTC), who (the OS user name, if any),
    from where (`origin`, `origin_text`), which field, and its old and new value as logged
    (lists as JSON text; None for no value)."""

    id: int
    at: datetime
    user: str | None
    origin: str
    field: str
    old: str | None
    new: str | None

    @property
    def origin_text(self) -> str:
        return describe_origin(self.origin)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the time as ISO 8601 with its UTC offset, values complete."""
        return {"id": self.id, "at": self.at.isoformat(), "user": self.user,
                "origin": self.origin, "origin_text": self.origin_text, "field": self.field,
                "old": self.old, "new": self.new}


def _rows(session: Session, photo_id: int) -> list[tuple[Any, ...]] | None:
    """The edit-log rows of one photo, newest first (rows of one transaction share their
    time: the later row first); None if there is no such photo."""
    if session.get(Photo, photo_id) is None:
        return None
    query = (select(Edit.id, Edit.at, Edit.user, Edit.origin, Edit.field, Edit.old, Edit.new)
             .where(Edit.photo_id == photo_id).order_by(Edit.at.desc(), Edit.id.desc()))
    return [tuple(row) for row in session.execute(query)]


def _aware(moment: datetime) -> datetime:
    # SQLite gives back the stored UTC time without its zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def photo_history(archive: Archive, photo_id: int) -> list[Change]:
    """Every change logged for the photo `photo_id`, newest first; NotFound if there is no
    such photo."""
    with archive.reader() as session:
        rows = _rows(session, photo_id)
    if rows is None:
        raise NotFound(f"There is no photo with id {photo_id}.")
    return [Change(id=i, at=_aware(at), user=user, origin=origin, field=field, old=old, new=new)
            for i, at, user, origin, field, old, new in rows]
