"""Dublin Core export: the catalog's descriptions as JSON-LD with DCMI Metadata Terms.

One node per photo in an `@graph`, typed as a DCMI StillImage. Every node can be matched to
its file: `@id` names the file's content, `dcterms:identifier` holds the accession number and
the file name, `schema:contentUrl` the file's location. The choice of terms:

* `@id`: `ni:///sha-256;…`, the SHA-256 of the file's bytes as a Named Information URI
  (RFC 6920): the same on every computer and after moving the archive (the catalog keeps
  one photo per content). It changes when metadata is embedded into the file, as the bytes do.
* `dcterms:identifier`: the accession number (`identifier`) when set, then the file name.
* `schema:contentUrl`: the file as a `file:` URI. Not `dcterms:source`, which names a
  resource this one was derived from (a print the scan was made from), not the file itself.
* `dcterms:title`, `dcterms:description` (the caption), `dcterms:creator` (one value per
  photographer), `dcterms:format` (the MIME type).
* `dcterms:date`: the date as EDTF ("1936~"). `dcterms:created`: the same date as an
  `edm:TimeSpan` (Europeana Data Model) with the display text as its `skos:prefLabel`
  ("c. 1936") and its bounds as `edm:begin` / `edm:end`, for readers that do not parse EDTF.
* `dcterms:spatial`: the place shown (sublocation, city, state, country).
* `dcterms:rights`: the copyright notice. `edm:rights`: the rights statement URL as a link
  (rightsstatements.org or Creative Commons, what Europeana and DPLA expect there;
  `dcterms:license` would be wrong for "In Copyright" or "No Copyright" statements, which are
  not licences). A rights URL that is not a safe http(s) link stays plain text.
* `schema:creditText`: the credit line (IPTC Credit Line, which schema.org maps to
  creditText). Not `dcterms:rightsHolder`: a credit line names whom to credit, often not
  the owner of any right (public-domain photographs have credit lines too).
* `dcterms:provenance`: the source, i.e. the holding institution (custody of the original).
  Not `dcterms:publisher` (who makes this export available) nor `dcterms:source`.
* `dcterms:subject`: the keywords, then the people shown; `dcterms:isPartOf`: the catalog
  collections' names.

Values that can be several (identifier, creator, subject, isPartOf) are always JSON arrays,
even with one item; the others are single strings. Empty values are left out.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from photoarchive.errors import UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.gallery_pages import place
from photoarchive.services.markdown import safe_url
from photoarchive.services.photos import PhotoRecord, get_photos, query_ids

CONTEXT: dict[str, Any] = {
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "edm": "http://www.europeana.eu/schemas/edm/",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema:contentUrl": {"@type": "@id"},
    "edm:begin": {"@type": "xsd:date"},
    "edm:end": {"@type": "xsd:date"},
}
MIME = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff",
        "WEBP": "image/webp", "GIF": "image/gif", "BMP": "image/bmp", "HEIF": "image/heif",
        "AVIF": "image/avif"}
_OPEN_START, _OPEN_END = "0001-01-01", "9999-12-31"  # the bounds of "../1956", "1956/.."


def content_id(content_hash: str) -> str:
    """The RFC 6920 Named Information URI of a file's SHA-256 (given in hex)."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(content_hash)).decode("ascii")
    return "ni:///sha-256;" + digest.rstrip("=")


def _file_uri(path: str) -> str | None:
    try:
        return Path(path).as_uri()
    except ValueError:  # not an absolute path
        return None


def _time_span(record: PhotoRecord) -> dict[str, Any] | None:
    if not record.date:
        return None
    span: dict[str, Any] = {"@type": "edm:TimeSpan",
                            "skos:prefLabel": record.date_display or record.date}
    if record.date_earliest and record.date_earliest != _OPEN_START:
        span["edm:begin"] = record.date_earliest
    if record.date_latest and record.date_latest != _OPEN_END:
        span["edm:end"] = record.date_latest
    return span


def _rights_link(text: str | None) -> Any:
    if not text:
        return None
    url = safe_url(text)
    return {"@id": url} if url and url.lower().startswith(("http://", "https://")) else text


def node_of(record: PhotoRecord) -> dict[str, Any]:
    """One photo as a JSON-LD node with Dublin Core terms (see the module doc)."""
    text = record.text
    identifiers = [text.get("identifier"), Path(record.path).name]
    creators = [c.strip() for c in (text.get("creator") or "").split(";")]
    values: dict[str, Any] = {
        "@id": content_id(record.content_hash),
        "@type": "dcmitype:StillImage",
        "dcterms:identifier": [i for i in identifiers if i],
        "schema:contentUrl": _file_uri(record.path),
        "dcterms:format": MIME.get(record.format or ""),
        "dcterms:title": text.get("title"),
        "dcterms:description": text.get("caption"),
        "dcterms:creator": [c for c in creators if c],
        "dcterms:date": record.date,
        "dcterms:created": _time_span(record),
        "dcterms:spatial": place(record) or None,
        "dcterms:subject": list(dict.fromkeys(record.keywords + record.people)),
        "dcterms:rights": text.get("rights"),
        "edm:rights": _rights_link(text.get("rights_url")),
        "schema:creditText": text.get("credit"),
        "dcterms:provenance": text.get("source"),
        "dcterms:isPartOf": list(record.collections),
    }
    return {key: value for key, value in values.items() if value}


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
