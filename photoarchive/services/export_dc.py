"""Dublin Core export: the catalog's descriptions as JSON-LD with DCMI Metadata Terms.

One node per photo in an `@graph`, typed as a DCMI StillImage, with `dcterms:` title,
description, creator, date (the EDTF string as entered), coverage (the place shown),
subject (keywords, then people shown), source, rights (the notice, and the rights
statement URL as a link), identifier and isPartOf (the catalog collections). Empty values
are left out rather than written as empty strings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from photoarchive.errors import UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.gallery_pages import place
from photoarchive.services.markdown import safe_url
from photoarchive.services.photos import PhotoRecord, get_photos, query_ids

CONTEXT: dict[str, str] = {
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
}
MIME = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff",
        "WEBP": "image/webp", "GIF": "image/gif", "BMP": "image/bmp", "HEIF": "image/heif",
        "AVIF": "image/avif"}


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def node_of(record: PhotoRecord) -> dict[str, Any]:
    """One photo as a JSON-LD node with Dublin Core terms."""
    text = record.text
    node: dict[str, Any] = {"@type": "dcmitype:StillImage"}
    simple = {"dcterms:title": text.get("title"), "dcterms:description": text.get("caption"),
              "dcterms:creator": text.get("creator"), "dcterms:date": record.date,
              "dcterms:coverage": place(record) or None, "dcterms:source": text.get("source"),
              "dcterms:identifier": text.get("identifier"),
              "dcterms:format": MIME.get(record.format or "")}
    node.update({key: value for key, value in simple.items() if value})
    subjects = list(dict.fromkeys(record.keywords + record.people))
    if subjects:
        node["dcterms:subject"] = _one_or_many(subjects)
    rights: list[Any] = [text["rights"]] if text.get("rights") else []
    url = safe_url(text.get("rights_url") or "")
    if url:
        rights.append({"@id": url})
    elif text.get("rights_url"):
        rights.append(text["rights_url"])
    if rights:
        node["dcterms:rights"] = _one_or_many(rights)
    if record.collections:
        node["dcterms:isPartOf"] = _one_or_many(record.collections)
    return node


def dublin_core(records: list[PhotoRecord]) -> dict[str, Any]:
    """A JSON-LD document for `records`."""
    return {"@context": CONTEXT, "@graph": [node_of(r) for r in records]}


def export_dublin_core(archive: Archive, out: Path | str, query: str = "",
                       photo_ids: list[int] | None = None) -> int:
    """Write the photos matching `query` (or `photo_ids`) as JSON-LD; returns the count."""
    ids = photo_ids if photo_ids is not None else query_ids(archive, query, sort="path")
    records: list[PhotoRecord] = []
    for start in range(0, len(ids), 500):
        records.extend(get_photos(archive, ids[start:start + 500]))
    text = json.dumps(dublin_core(records), ensure_ascii=False, indent=2) + "\n"
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    return len(records)
