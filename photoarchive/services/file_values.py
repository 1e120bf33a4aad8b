"""What a photo's files hold, in the catalog's terms, and how it differs from the catalog.

Shared by the re-read (which applies the differences) and the write-back state (which calls a
photo whose files changed on disk "in sync" when they now hold the catalog's values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from photoarchive.catalog.models import Photo
from photoarchive.errors import UsageError
from photoarchive.media.dates import display_text
from photoarchive.media.metadata import FileMetadata
from photoarchive.media.write import differences, expected_form
from photoarchive.media.xmp import prepare
from photoarchive.services.editing import Value, parse_value
from photoarchive.services.fields import FIELD_NAMES, LIST_FIELDS
from photoarchive.services.sync_log import synced_values

__all__ = ["FieldChange", "catalog_form", "compare"]


@dataclass
class FieldChange:
    """One field whose file value differs from the catalog's."""

    field: str
    catalog: Value
    file: Value


def catalog_form(meta: FileMetadata) -> dict[str, Value]:
    """The file's values as the catalog would hold them (normalised like an edit); values
    that are not valid for their field become warnings in `meta`."""
    out: dict[str, Value] = {}
    for name in FIELD_NAMES:  # date_display too: files carry it beside the EDTF
        raw: Any = {"latitude": meta.latitude, "longitude": meta.longitude}.get(
            name, meta.fields.get(name))
        if name == "rating":
            raw = raw or "0"
        if name == "date_display" and not raw and out.get("date"):
            raw = display_text(str(out["date"]))  # a file without ours: the derived text
        try:
            out[name] = parse_value(name, raw) if raw is not None else (
                [] if name in LIST_FIELDS else None)
        except UsageError as exc:
            meta.warnings.append(f"{name}: {exc}")
    return out


def compare(photo: Photo, meta: FileMetadata) -> list[FieldChange]:
    """The fields whose value in the files (`meta`) differs from the photo's in the catalog,
    compared as written (a date whole, a position within rounding)."""
    ours, theirs = synced_values(photo), catalog_form(meta)
    wrong = differences(expected_form(prepare(ours)), expected_form(prepare(theirs)))
    names = [n for w in wrong for n in (("latitude", "longitude") if w == "position" else (w,))]
    return [FieldChange(n, ours.get(n), theirs[n]) for n in names
            if n in theirs and ours.get(n) != theirs[n]]
