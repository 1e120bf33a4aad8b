"""What the files were last known to hold, and telling other processes that this changed.

Two things the write-back state (`sync_state`) needs and the edit path does not give it:

* `values_digest`: a fingerprint of the values a write puts into the files (or a read took
  from them), kept in the photo's file stamp. The catalog is newer than the files only
  while its values differ from that fingerprint: an edit undone, or typed back to what
  the file says, leaves the photo in sync ("state follows the values").
* `log_files`: one edit-log row per photo (field `SYNC_FIELD`) when a write, a re-read,
  an import or a relink changed what the catalog knows about the photo's files. The
  window that shares the catalog follows the edit log (`services.changes`), so a
  `write-metadata` run in a terminal reaches its badges and editor like an edit does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Edit, Photo, utcnow
from photoarchive.services.editing import Value, current_value, user_name
from photoarchive.services.fields import FIELD_NAMES, LIST_FIELDS

__all__ = ["SYNC_FIELD", "VALUES_KEY", "log_files", "synced_values", "values_digest"]

#: The edit log's field name for "what the files hold changed" (not a photo field).
SYNC_FIELD = "files"
#: In a file stamp (`Photo.file_state`): the digest of the values the files hold.
VALUES_KEY = "values"


def synced_values(photo: Photo) -> dict[str, Value]:
    """The values a write puts into the files (every field, and the time taken)."""
    values = {name: current_value(photo, name) for name in FIELD_NAMES}
    values["taken_at"] = photo.taken_at
    return values


def values_digest(values: Mapping[str, Any]) -> str:
    """A fingerprint of field values; lists compare as sets of names (the catalog keeps
    them sorted by name, a photo being imported holds them in the file's order)."""
    canonical = {name: sorted(value or []) if name in LIST_FIELDS else
                 (None if value == "" else value) for name, value in values.items()}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def log_files(session: Session, photo_ids: Iterable[int], what: str, origin: str) -> None:
    """Add an edit-log row per photo saying what happened to its files ("written: embed",
    "read", "relinked", "missing"), in the caller's transaction."""
    now, user = utcnow(), user_name()
    rows = [{"at": now, "photo_id": pid, "field": SYNC_FIELD, "old": None, "new": what,
             "origin": origin, "user": user} for pid in dict.fromkeys(photo_ids)]
    if rows:
        session.execute(insert(Edit), rows)
