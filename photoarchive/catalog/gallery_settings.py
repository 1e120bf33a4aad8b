"""The remembered settings of each collection's last gallery export (table
`gallery_settings`, migration 0005): read and written by collection, case-insensitively."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Collection, CollectionGallerySettings, utcnow

#: The remembered values, in the table's column names.
FIELDS = ("title", "intro", "theme", "image_size", "thumb_size", "out_dir")


def collection_row(session: Session, name: str) -> tuple[int, str, str | None] | None:
    """(id, name, description) of the collection called `name`, or None."""
    row = session.execute(select(Collection.id, Collection.name, Collection.description)
                          .where(func.lower(Collection.name) == name.strip().lower())).first()
    return (row[0], row[1], row[2]) if row else None


def load(session: Session, collection_id: int) -> dict[str, Any] | None:
    """The values remembered for a collection, or None when it was never exported."""
    row = session.get(CollectionGallerySettings, collection_id)
    return None if row is None else {name: getattr(row, name) for name in FIELDS}


def save(session: Session, collection_id: int, values: dict[str, Any]) -> None:
    """Remember `values` (keys of FIELDS) for a collection, replacing what was there."""
    row = session.get(CollectionGallerySettings, collection_id)
    if row is None:
        row = CollectionGallerySettings(collection_id=collection_id)
        session.add(row)
    for name in FIELDS:
        setattr(row, name, values.get(name))
    row.exported_at = utcnow()
