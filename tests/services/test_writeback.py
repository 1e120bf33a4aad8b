"""Write-back as a service: writing, the per-photo state, re-reading, the writer queue."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from photoarchive.catalog.models import Edit, Photo
from photoarchive.media import embedded
from photoarchive.media.metadata import read_metadata
from photoarchive.media.write import write_file
from photoarchive.services import open_archive
from photoarchive.services.browse import thumbnail_path
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.fields import FIELD_NAMES
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, get_photos, list_photos
from photoarchive.services.write_queue import WriteQueue
from photoarchive.services.writeback import (
    CATALOG_NEWER,
    CONFLICT,
    FILE_NEWER,
    IN_SYNC,
    MISSING,
    WritebackPreferences,
    get_preferences,
    reread,
    set_preferences,
    status,
    write_metadata,
)

FILES = ("IPTC.jpg", "ExifTool.tif", "PNG.png", "RIFF.webp")
HU = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben"
EDIT: dict[str, Any] = {
    "title": HU, "headline": "Forradalom", "caption": HU + "\nMásodik sor.",
    "alt_text": "Fegyveres fiatalok", "creator": "Kovács Ádám; Szűts Éva",
    "date": "1956-10-23", "sublocation": "Corvin köz", "city": "Budapest",
    "state": "Budapest főváros", "country": "Magyarország", "country_code": "HU",
    "keywords": ["forradalom", "Corvin köz", "Helyek|Magyarország|Budapest"],
    "people": ["Pongrátz Gergely"], "event": "1956-os forradalom", "source": "Fortepan",
    "credit": "Fortepan / Adományozó", "rights": "CC BY-SA 3.0",
    "rights_url": "https://creativecommons.org/licenses/by-sa/3.0/",
    "identifier": "FORTEPAN_A12345", "caption_writer": "Nagy Ilona",
    "notes": "Belső megjegyzés", "rating": 4, "latitude": 47.4858123, "longitude": 19.0706456,
}


@pytest.fixture
def library(tmp_path: Path, corpus_dir: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in FILES:
        shutil.copyfile(corpus_dir / name, folder / name)
    return folder


@pytest.fixture
def ids(archive, library: Path) -> dict[str, int]:
    """The library imported: photo ids by file name."""
    report = Importer(archive, workers=1).run([library])
    assert report.added == len(FILES), report.failed
    return {Path(r.path).name: r.id for r in list_photos(archive)}


def states(archive, ids: dict[str, int]) -> dict[str, str]:
    names = {v: k for k, v in ids.items()}
    return {names[s.id]: s.state for s in status(archive, ids.values())}


def values(record) -> dict[str, Any]:
    data = record.to_dict()
    return {name: data[name] for name in FIELD_NAMES if name not in ("latitude", "longitude")}


@pytest.mark.parametrize("mode", ["sidecar", "embed"])
def test_round_trip_through_files_into_a_new_catalog(archive, ids: dict[str, int],
                                                     library: Path, tmp_path: Path,
                                                     mode: str) -> None:
    apply_edits(archive, ids.values(), EditRequest(set_values=EDIT), origin="gui")
    report = write_metadata(archive, ids.values(), mode)
    assert [p.outcome for p in report.photos] == ["written"] * len(FILES), report.to_dict()
    assert {p.mode for p in report.photos} == {mode}
    before = {Path(r.path).name: r for r in get_photos(archive, list(ids.values()))}
    second = open_archive(tmp_path / "second.sqlite")
    try:
        assert Importer(second, workers=1).run([library]).added == len(FILES)
        after = {Path(r.path).name: r for r in list_photos(second)}
    finally:
        second.close()
    for name in FILES:
        assert values(after[name]) == values(before[name]), name
        assert after[name].latitude == pytest.approx(EDIT["latitude"], abs=1e-6)
        assert after[name].longitude == pytest.approx(EDIT["longitude"], abs=1e-6)


def test_status_follows_edits_and_outside_changes(archive, ids: dict[str, int],
                                                  library: Path) -> None:
    assert set(states(archive, ids).values()) == {IN_SYNC}
    apply_edits(archive, [ids["IPTC.jpg"], ids["PNG.png"]],
                EditRequest(set_values={"title": "Edited"}), origin="gui")
    assert states(archive, ids)["IPTC.jpg"] == CATALOG_NEWER
    os.utime(library / "RIFF.webp", (1, 1))  # touched, same bytes: still in sync
    write_file(library / "ExifTool.tif", {"title": "Changed by another program"}, "embed")
    (library / "PNG.png.xmp").write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
        '02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/'
        'elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Outside</rdf:li>'
        '</rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>', encoding="utf-8")
    assert states(archive, ids) == {"IPTC.jpg": CATALOG_NEWER, "RIFF.webp": IN_SYNC,
                                    "ExifTool.tif": FILE_NEWER, "PNG.png": CONFLICT}
    detail = {s.id: s.detail for s in status(archive, ids.values())}
    assert "a sidecar appeared" in detail[ids["PNG.png"]]
    report = write_metadata(archive, ids.values())
    outcome = {Path(p.path).name: p.outcome for p in report.photos}
    assert outcome == {"IPTC.jpg": "written", "RIFF.webp": "written",
                       "ExifTool.tif": "skipped", "PNG.png": "skipped"}
    assert states(archive, ids)["IPTC.jpg"] == IN_SYNC
    write_metadata(archive, [ids["PNG.png"]], force=True)
    assert read_metadata(library / "PNG.png").fields["title"] == "Edited"
    assert states(archive, ids)["PNG.png"] == IN_SYNC
    (library / "RIFF.webp").unlink()
    assert states(archive, ids)["RIFF.webp"] == MISSING


def test_reread_shows_a_diff_then_applies_it_in_one_step(archive, ids: dict[str, int],
                                                         library: Path) -> None:
    photo_id = ids["IPTC.jpg"]
    apply_edits(archive, [photo_id], EditRequest(set_values={"date": "c. 1956"}), origin="gui")
    write_metadata(archive, [photo_id], "embed")
    old = get_photo(archive, photo_id)
    outside = {**{n: getattr(old, n, None) for n in ("caption", "creator")},
               "title": "Címet adott egy másik program", "keywords": ["Budapest", "1956"],
               "date": "1956", "rating": 2}
    write_file(library / "IPTC.jpg", outside, "sidecar")
    sidecar = library / "IPTC.jpg.xmp"  # another program's sidecar: without our namespace
    sidecar.write_text(re.sub(r'\s*photoarchive:\w+="[^"]*"', "",
                              sidecar.read_text(encoding="utf-8")), encoding="utf-8")
    assert "photoarchive:" not in sidecar.read_text(encoding="utf-8").replace(
        "xmlns:photoarchive", "")
    assert states(archive, ids)["IPTC.jpg"] == FILE_NEWER
    preview = reread(archive, [photo_id], dry_run=True)
    changes = {c.field: (c.catalog, c.file) for c in preview.photos[0].changes}
    assert changes == {  # its photoshop:DateCreated "1956" is what we wrote for "1956~"
        "title": (old.title, "Címet adott egy másik program"),
        "keywords": (old.keywords, ["Budapest", "1956"]), "rating": (0, 2)}
    assert get_photo(archive, photo_id) == old and not preview.applied
    report = reread(archive, ids.values())
    assert report.applied and [p.id for p in report.changed] == [photo_id]
    new = get_photo(archive, photo_id)
    assert (new.title, new.keywords, new.rating, new.date) == (
        "Címet adott egy másik program", ["1956", "Budapest"], 2, "1956~")
    with archive.reader() as session:
        logged = set(session.scalars(select(Edit.field).where(Edit.origin == "reread")))
    assert logged == {"title", "keywords", "rating"}
    assert set(states(archive, ids).values()) == {IN_SYNC}


def test_embedded_write_keeps_the_photos_identity(archive, ids: dict[str, int],
                                                  library: Path) -> None:
    before = get_photo(archive, ids["IPTC.jpg"])
    apply_edits(archive, [before.id], EditRequest(set_values={"caption": HU}), origin="gui")
    assert write_metadata(archive, [before.id], "embed").photos[0].outcome == "written"
    after = get_photo(archive, before.id)
    assert after.content_hash != before.content_hash
    assert after.file_size == (library / "IPTC.jpg").stat().st_size
    assert thumbnail_path(archive, before.content_hash).exists() is False
    assert thumbnail_path(archive, after.content_hash).is_file()  # same pixels, same thumbnail
    again = Importer(archive, workers=1).run([library])
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(FILES))


def test_dry_run_changes_nothing(archive, ids: dict[str, int], library: Path) -> None:
    apply_edits(archive, ids.values(), EditRequest(set_values={"title": HU}), origin="gui")
    files = {p.name: p.read_bytes() for p in library.iterdir()}
    report = write_metadata(archive, ids.values(), "embed", dry_run=True)
    assert {p.outcome for p in report.photos} == {"would write"}
    assert {p.name: p.read_bytes() for p in library.iterdir()} == files
    assert set(states(archive, ids).values()) == {CATALOG_NEWER}


def test_preferences_shape_embedded_writes(archive, ids: dict[str, int],
                                           library: Path) -> None:
    assert get_preferences(archive) == WritebackPreferences()
    set_preferences(archive, WritebackPreferences(embed_iptc=True, keep_file_times=True))
    assert get_preferences(archive).embed_iptc
    png = library / "PNG.png"
    os.utime(png, (1_000_000, 1_000_000))
    assert not embedded.read_raw(png).iptc
    apply_edits(archive, [ids["PNG.png"]], EditRequest(set_values={"city": "Szeged"}),
                origin="gui")
    assert write_metadata(archive, [ids["PNG.png"]], "embed", force=True).photos[0].outcome \
        == "written"
    assert embedded.read_raw(png).iptc["Iptc.Application2.City"] == ["Szeged"]
    assert png.stat().st_mtime == 1_000_000


def test_write_queue_writes_the_latest_values(archive, ids: dict[str, int],
                                              library: Path) -> None:
    photo_id = ids["RIFF.webp"]
    reports: list = []
    done = threading.Event()
    queue = WriteQueue(archive, on_report=reports.append, on_error=lambda e: done.set())
    try:
        for n in range(5):
            apply_edits(archive, [photo_id], EditRequest(set_values={"title": f"Title {n}"}),
                        origin="gui")
            queue.submit([photo_id])
        queue.wait()
    finally:
        queue.close()
    assert not done.is_set() and reports
    assert all(p.outcome == "written" for r in reports for p in r.photos)
    assert read_metadata(library / "RIFF.webp").fields["title"] == "Title 4"
    assert states(archive, ids)["RIFF.webp"] == IN_SYNC
    with pytest.raises(RuntimeError):
        queue.submit([photo_id])


APPROXIMATE = {"IPTC.jpg": "c. 1936", "ExifTool.tif": "1956-10-23/1956-11-10",
               "PNG.png": "195X", "RIFF.webp": "1950s"}


@pytest.mark.parametrize("mode", ["sidecar", "embed"])
def test_approximate_dates_round_trip_into_a_new_catalog(archive, ids: dict[str, int],
                                                         library: Path, tmp_path: Path,
                                                         mode: str) -> None:
    for name, date in APPROXIMATE.items():
        apply_edits(archive, [ids[name]], EditRequest(set_values={"date": date}), origin="gui")
    apply_edits(archive, [ids["IPTC.jpg"]],
                EditRequest(set_values={"date_display": "about 1936, before the flood"}))
    assert set(states(archive, ids).values()) == {CATALOG_NEWER}
    report = write_metadata(archive, ids.values(), mode)
    assert {p.outcome for p in report.photos} == {"written"}, report.to_dict()
    assert set(states(archive, ids).values()) == {IN_SYNC}
    before = {Path(r.path).name: (r.date, r.date_display, r.date_earliest, r.date_latest)
              for r in get_photos(archive, list(ids.values()))}
    assert before["IPTC.jpg"] == ("1936~", "about 1936, before the flood", "1936-01-01",
                                  "1936-12-31")
    assert before["PNG.png"][:2] == before["RIFF.webp"][:2] == ("195X", "1950s")
    second = open_archive(tmp_path / "second.sqlite")
    try:
        assert Importer(second, workers=1).run([library]).added == len(FILES)
        after = {Path(r.path).name: (r.date, r.date_display, r.date_earliest, r.date_latest)
                 for r in list_photos(second)}
    finally:
        second.close()
    assert after == before
    assert not any(p.changes for p in reread(archive, ids.values(), dry_run=True).photos)


def test_reread_compares_the_whole_date(archive, ids: dict[str, int], library: Path) -> None:
    photo_id = ids["PNG.png"]
    apply_edits(archive, [photo_id], EditRequest(set_values={"date": "1936"}), origin="gui")
    write_metadata(archive, [photo_id])
    write_file(library / "PNG.png", {"date": "c. 1936"}, "sidecar")  # a second catalog
    preview = reread(archive, [photo_id], dry_run=True)
    changes = {c.field: (c.catalog, c.file) for c in preview.photos[0].changes}
    assert changes == {"date": ("1936", "1936~"), "date_display": ("1936", "c. 1936")}
    reread(archive, [photo_id])
    assert (get_photo(archive, photo_id).date, get_photo(archive, photo_id).date_display) == (
        "1936~", "c. 1936")


def test_files_written_before_exact_dates_are_not_in_sync(archive, ids: dict[str, int],
                                                          library: Path) -> None:
    exact, approximate = ids["IPTC.jpg"], ids["PNG.png"]
    apply_edits(archive, [exact], EditRequest(set_values={"date": "1936-04"}), origin="gui")
    apply_edits(archive, [approximate], EditRequest(set_values={"date": "c. 1936"}),
                origin="gui")
    write_metadata(archive, [exact, approximate])
    assert {states(archive, ids)[n] for n in ("IPTC.jpg", "PNG.png")} == {IN_SYNC}
    with archive.session() as session:  # as an earlier version stamped them
        for photo in session.scalars(select(Photo).where(Photo.id.in_([exact, approximate]))):
            state = json.loads(photo.file_state)
            del state["dates"]
            photo.file_state = json.dumps(state)
    result = {s.id: s for s in status(archive, [exact, approximate])}
    assert result[exact].state == IN_SYNC  # "1936-04" was always held whole
    assert result[approximate].state == CATALOG_NEWER
    assert "hold the date as 1936, not 'c. 1936'" in result[approximate].detail
    assert write_metadata(archive, [approximate]).photos[0].outcome == "written"
    assert states(archive, ids)["PNG.png"] == IN_SYNC
