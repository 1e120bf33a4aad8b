"""Dublin Core export: JSON-LD with DCMI terms, empty values left out."""

from __future__ import annotations

import json
from pathlib import Path

from photoarchive.services import collections
from photoarchive.services.editing import apply_values
from photoarchive.services.export_dc import CONTEXT, export_dublin_core


def test_json_ld_with_dublin_core_terms(archive, three_photos, tmp_path: Path) -> None:
    first, second, third = three_photos
    apply_values(archive, {first: {
        "title": "Corvin köz", "caption": "Budapest, 1956. október 23.", "creator": "Ödön",
        "date": "1956-10-23", "city": "Budapest", "country": "Hungary",
        "keywords": ["Places|Hungary|Budapest", "1956"], "people": ["Nagy Imre"],
        "source": "Fortepan", "rights": "CC BY-SA 3.0",
        "rights_url": "https://creativecommons.org/licenses/by-sa/3.0/",
        "identifier": "FORTEPAN_12345"}})
    apply_values(archive, {second: {"rights_url": "javascript:alert(1)"}})
    collections.create(archive, "1956")
    collections.add(archive, "1956", [first])
    out = tmp_path / "dc.json"
    assert export_dublin_core(archive, out) == 3
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"] == CONTEXT == {"dcterms": "http://purl.org/dc/terms/",
                                          "dcmitype": "http://purl.org/dc/dcmitype/"}
    nodes = doc["@graph"]
    node = next(n for n in nodes if n.get("dcterms:identifier") == "FORTEPAN_12345")
    assert node == {
        "@type": "dcmitype:StillImage", "dcterms:title": "Corvin köz",
        "dcterms:description": "Budapest, 1956. október 23.", "dcterms:creator": "Ödön",
        "dcterms:date": "1956-10-23", "dcterms:coverage": "Budapest, Hungary",
        "dcterms:source": "Fortepan", "dcterms:identifier": "FORTEPAN_12345",
        "dcterms:format": "image/jpeg",
        "dcterms:subject": ["1956", "Places|Hungary|Budapest", "Nagy Imre"],
        "dcterms:rights": ["CC BY-SA 3.0",
                           {"@id": "https://creativecommons.org/licenses/by-sa/3.0/"}],
        "dcterms:isPartOf": "1956"}
    unsafe = next(n for n in nodes if n["dcterms:title"] == f"Street {second}")
    assert unsafe["dcterms:rights"] == "javascript:alert(1)"  # text, never a link
    plain = next(n for n in nodes if n["dcterms:title"] == f"Street {third}")
    assert set(plain) == {"@type", "dcterms:title", "dcterms:description", "dcterms:format"}


def test_query_selects_the_photos(archive, three_photos, tmp_path: Path) -> None:
    out = tmp_path / "one.json"
    assert export_dublin_core(archive, out, "street") == 3
    assert export_dublin_core(archive, out, f'"Street {three_photos[1]}"') == 1
    assert json.loads(out.read_text())["@graph"][0]["dcterms:title"] == (
        f"Street {three_photos[1]}")
