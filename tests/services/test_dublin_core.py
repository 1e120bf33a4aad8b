"""Dublin Core export: JSON-LD with DCMI terms, every record matched to its file."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from photoarchive.services import collections
from photoarchive.services.editing import apply_values
from photoarchive.services.export_dc import CONTEXT, content_id, export_dublin_core


def _nodes(archive, tmp_path: Path, query: str = "") -> list[dict]:
    out = tmp_path / "dc.json"
    export_dublin_core(archive, out, query)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"] == CONTEXT
    return doc["@graph"]


def test_json_ld_with_dublin_core_terms(archive, three_photos, tmp_path: Path) -> None:
    first, second, third = three_photos
    apply_values(archive, {first: {
        "title": "Corvin köz", "caption": "Budapest, 1956. október 23.",
        "creator": "Ödön; Éva", "date": "1956-10-23", "sublocation": "Corvin köz",
        "city": "Budapest", "country": "Hungary",
        "keywords": ["Places|Hungary|Budapest", "1956"], "people": ["Nagy Imre"],
        "source": "Fortepan", "credit": "Fortepan / Adományozó", "rights": "CC BY-SA 3.0",
        "rights_url": "https://creativecommons.org/licenses/by-sa/3.0/",
        "identifier": "FORTEPAN_12345"}})
    apply_values(archive, {second: {"rights_url": "javascript:alert(1)"}})
    collections.create(archive, "1956")
    collections.add(archive, "1956", [first])
    out = tmp_path / "dc.json"
    assert export_dublin_core(archive, out) == 3
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"]["dcterms"] == "http://purl.org/dc/terms/"
    nodes = doc["@graph"]
    node = next(n for n in nodes if "FORTEPAN_12345" in n["dcterms:identifier"])
    assert node == {
        "@id": content_id(f"{1:064x}"), "@type": "dcmitype:StillImage",
        "dcterms:identifier": ["FORTEPAN_12345", "1.jpg"],
        "schema:contentUrl": "file:///archive/roll1/1.jpg", "dcterms:format": "image/jpeg",
        "dcterms:title": "Corvin köz", "dcterms:description": "Budapest, 1956. október 23.",
        "dcterms:creator": ["Ödön", "Éva"], "dcterms:date": "1956-10-23",
        "dcterms:created": {"@type": "edm:TimeSpan", "skos:prefLabel": "23 October 1956",
                            "edm:begin": "1956-10-23", "edm:end": "1956-10-23"},
        "dcterms:spatial": "Corvin köz, Budapest, Hungary",
        "dcterms:subject": ["1956", "Places|Hungary|Budapest", "Nagy Imre"],
        "dcterms:rights": "CC BY-SA 3.0",
        "edm:rights": {"@id": "https://creativecommons.org/licenses/by-sa/3.0/"},
        "schema:creditText": "Fortepan / Adományozó", "dcterms:provenance": "Fortepan",
        "dcterms:isPartOf": ["1956"]}
    unsafe = next(n for n in nodes if n["dcterms:title"] == f"Street {second}")
    assert unsafe["edm:rights"] == "javascript:alert(1)"  # text, never a link
    plain = next(n for n in nodes if n["dcterms:title"] == f"Street {third}")
    assert plain == {
        "@id": content_id(f"{3:064x}"), "@type": "dcmitype:StillImage",
        "dcterms:identifier": ["3.jpg"], "schema:contentUrl": "file:///archive/roll1/3.jpg",
        "dcterms:format": "image/jpeg", "dcterms:title": "Street 3",
        "dcterms:description": "Caption 3"}
    assert len({n["@id"] for n in nodes}) == 3


def test_every_record_names_its_file(archive, three_photos, tmp_path: Path) -> None:
    """A record without any description still says which file it is."""
    first = three_photos[0]
    apply_values(archive, {first: {"title": "", "caption": "", "keywords": ["bridges"]}})
    (node,) = _nodes(archive, tmp_path, "keyword:bridges")
    assert node["dcterms:identifier"] == ["1.jpg"]
    assert node["schema:contentUrl"] == "file:///archive/roll1/1.jpg"
    assert node["dcterms:subject"] == ["bridges"]  # a list even for one keyword
    digest = base64.urlsafe_b64decode(node["@id"].removeprefix("ni:///sha-256;") + "=")
    assert digest.hex() == f"{1:064x}"


def test_content_id_is_the_files_sha256(tmp_path: Path) -> None:
    data = b"photoarchive"
    expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
    assert content_id(hashlib.sha256(data).hexdigest()) == "ni:///sha-256;" + expected


def test_approximate_dates_keep_edtf_and_display_text(archive, three_photos,
                                                      tmp_path: Path) -> None:
    first, second, third = three_photos
    apply_values(archive, {first: {"date": "c. 1936"}, second: {"date": "1950s"},
                           third: {"date": "before 1956"}})
    nodes = {n["dcterms:title"]: n for n in _nodes(archive, tmp_path)}
    about = nodes[f"Street {first}"]
    assert about["dcterms:date"] == "1936~"
    assert about["dcterms:created"] == {"@type": "edm:TimeSpan", "skos:prefLabel": "c. 1936",
                                        "edm:begin": "1936-01-01", "edm:end": "1936-12-31"}
    decade = nodes[f"Street {second}"]
    assert (decade["dcterms:date"], decade["dcterms:created"]["skos:prefLabel"]) == (
        "195X", "1950s")
    before = nodes[f"Street {third}"]
    assert before["dcterms:date"] == "../1956"
    assert before["dcterms:created"] == {"@type": "edm:TimeSpan",
                                         "skos:prefLabel": "before 1956",
                                         "edm:end": "1956-12-31"}  # no invented start


def test_query_selects_the_photos(archive, three_photos, tmp_path: Path) -> None:
    out = tmp_path / "one.json"
    assert export_dublin_core(archive, out, "street") == 3
    assert export_dublin_core(archive, out, f'"Street {three_photos[1]}"') == 1
    assert json.loads(out.read_text())["@graph"][0]["dcterms:title"] == (
        f"Street {three_photos[1]}")
