"""Writing metadata to files, checked with exiftool as the independent reader.

Corpus files are copied to tmp_path first. Every test that reads through exiftool is
skipped (with the reason) only when exiftool is not installed.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageSequence

from photoarchive.media.metadata import read_metadata
from photoarchive.media.write import WriteFailed, WriteOptions, write_file
from photoarchive.media.xmp import NS_URI

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(
    EXIFTOOL is None, reason="exiftool is not installed (Debian: libimage-exiftool-perl); "
    "it is the independent reader these tests compare against")

HU = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben"
KEYWORDS = ["forradalom", "Corvin köz", "Helyek|Magyarország|Budapest"]
FLAT_KEYWORDS = ["forradalom", "Corvin köz", "Helyek", "Magyarország", "Budapest"]
VALUES: dict[str, Any] = {
    "title": HU, "headline": "Forradalom a Józsefvárosban",
    "caption": HU + "\nA felvétel a Práter utca felől készült.",
    "alt_text": "Fegyveres fiatalok egy kapualjban", "creator": "Kovács Ádám; Szűts Éva",
    "date": "1956-10-23", "taken_at": None, "sublocation": "Corvin köz", "city": "Budapest",
    "state": "Budapest főváros", "country": "Magyarország", "country_code": "HU",
    "keywords": KEYWORDS, "people": ["Pongrátz Gergely", "Iván Kovács László"],
    "event": "1956-os forradalom", "source": "Fortepan", "credit": "Fortepan / Adományozó",
    "rights": "CC BY-SA 3.0 Fortepan", "rights_url": "https://creativecommons.org/licenses/by-sa/3.0/",
    "identifier": "FORTEPAN_A12345", "caption_writer": "Nagy Ilona",
    "notes": "Belső megjegyzés: a negatív sérült.", "rating": 4,
    "latitude": 47.4858123, "longitude": 19.0706456,
}
# One corpus file per writable format; the JPEG and the TIFF already carry IPTC-IIM.
FORMATS = {"IPTC.jpg": True, "ExifTool.tif": True, "PNG.png": False, "RIFF.webp": False}


def exiftool(path: Path, *extra: str) -> dict[str, Any]:
    """exiftool's view of a file (the command the issue names, plus `extra` options)."""
    assert EXIFTOOL is not None
    done = subprocess.run([EXIFTOOL, "-j", "-G1", "-struct", "-charset", "iptc=UTF8", *extra,
                           str(path)], capture_output=True, check=True, timeout=60)
    return json.loads(done.stdout)[0]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def copy(corpus_dir: Path, name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(corpus_dir / name, target)
    os.chmod(target, 0o644)
    return target


def scan_data(path: Path) -> bytes:
    """A JPEG's entropy-coded image data: from the first SOS marker to the final EOI."""
    data = path.read_bytes()
    pos = 2
    while data[pos + 1] != 0xDA:
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return data[pos:data.rindex(b"\xff\xd9") + 2]


def pixels(path: Path) -> list[bytes]:
    with Image.open(path) as img:
        return [f.tobytes() for f in ImageSequence.Iterator(img)]


@needs_exiftool
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_embedded_fields_read_back_in_exiftool(tmp_path: Path, corpus_dir: Path,
                                               name: str) -> None:
    photo = copy(corpus_dir, name, tmp_path)
    result = write_file(photo, VALUES, "embed")
    assert (result.mode, result.written) == ("embed", [photo])
    tags = exiftool(photo)
    xmp = {
        "XMP-dc:Title": HU, "XMP-dc:Description": VALUES["caption"],
        "XMP-photoshop:Headline": VALUES["headline"],
        "XMP-iptcCore:AltTextAccessibility": VALUES["alt_text"],
        "XMP-photoshop:DateCreated": "1956:10:23", "XMP-iptcCore:Location": "Corvin köz",
        "XMP-photoshop:City": "Budapest", "XMP-photoshop:State": "Budapest főváros",
        "XMP-photoshop:Country": "Magyarország", "XMP-iptcCore:CountryCode": "HU",
        "XMP-iptcExt:Event": VALUES["event"], "XMP-photoshop:Source": "Fortepan",
        "XMP-photoshop:Credit": VALUES["credit"], "XMP-dc:Rights": VALUES["rights"],
        "XMP-xmpRights:WebStatement": VALUES["rights_url"],
        "XMP-dc:Identifier": "FORTEPAN_A12345", "XMP-photoshop:CaptionWriter": "Nagy Ilona",
        "XMP-photoshop:Instructions": VALUES["notes"], "XMP-xmp:Rating": 4,
    }
    assert {k: tags.get(k) for k in xmp} == xmp
    assert tags["XMP-dc:Creator"] == ["Kovács Ádám", "Szűts Éva"]
    assert tags["XMP-dc:Subject"] == FLAT_KEYWORDS
    assert tags["XMP-lr:HierarchicalSubject"] == KEYWORDS
    assert tags["XMP-iptcExt:PersonInImage"] == VALUES["people"]
    assert tags["XMP-iptcExt:LocationShown"] == [{
        "City": "Budapest", "CountryCode": "HU", "CountryName": "Magyarország",
        "ProvinceState": "Budapest főváros", "Sublocation": "Corvin köz"}]
    assert tags["IFD0:ImageDescription"] == VALUES["caption"]
    assert tags["IFD0:Artist"] == "Kovács Ádám; Szűts Éva"
    assert tags["IFD0:Copyright"] == VALUES["rights"]
    # An exact day goes to Exif with the placeholder midnight (its time is not known); the
    # day-only XMP and IPTC dates beside it say so (docs/metadata.md).
    assert tags["ExifIFD:DateTimeOriginal"] == "1956:10:23 00:00:00"
    numeric = exiftool(photo, "-n")
    for key in ("GPS:GPSLatitude", "XMP-exif:GPSLatitude"):
        assert numeric[key] == pytest.approx(VALUES["latitude"], abs=1e-6)
    for key in ("GPS:GPSLongitude", "XMP-exif:GPSLongitude"):
        assert numeric[key] == pytest.approx(VALUES["longitude"], abs=1e-6)
    if FORMATS[name]:
        assert tags["IPTC:CodedCharacterSet"] == "UTF8"
        iptc = {"IPTC:Caption-Abstract": VALUES["caption"], "IPTC:Headline": VALUES["headline"],
                "IPTC:Sub-location": "Corvin köz", "IPTC:City": "Budapest",
                "IPTC:Province-State": "Budapest főváros",
                "IPTC:Country-PrimaryLocationName": "Magyarország",
                "IPTC:Source": "Fortepan",
                "IPTC:Credit": VALUES["credit"], "IPTC:CopyrightNotice": VALUES["rights"],
                "IPTC:Writer-Editor": "Nagy Ilona", "IPTC:SpecialInstructions": VALUES["notes"],
                "IPTC:DateCreated": "1956:10:23"}
        assert {k: tags.get(k) for k in iptc} == iptc
        assert "IPTC:Country-PrimaryLocationCode" not in tags  # IIM holds 3 letters only
        assert as_list(tags["IPTC:By-line"]) == ["Kovács Ádám", "Szűts Éva"]
        assert as_list(tags["IPTC:Keywords"]) == FLAT_KEYWORDS
        title = tags["IPTC:ObjectName"]  # 2:05 holds 64 bytes: cut on a character boundary
        assert HU.startswith(title) and 60 <= len(title.encode()) <= 64
    else:
        assert not [k for k in tags if k.startswith("IPTC:")]
    meta = read_metadata(photo)  # and our own reader agrees
    assert meta.fields["title"] == HU and meta.fields["keywords"] == KEYWORDS
    assert meta.fields["creator"] == VALUES["creator"] and meta.fields["date"] == "1956-10-23"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_image_data_is_never_reencoded(tmp_path: Path, corpus_dir: Path, name: str) -> None:
    photo = copy(corpus_dir, name, tmp_path)
    write_file(photo, VALUES, "embed", WriteOptions(embed_iptc=True))
    original = corpus_dir / name
    assert pixels(photo) == pixels(original)
    if name.endswith(".jpg"):
        assert scan_data(photo) == scan_data(original)


@needs_exiftool
def test_iim_byte_limits_cut_on_character_boundaries(tmp_path: Path, corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "IPTC.jpg", tmp_path)
    caption = "Szabadságharcosok a Corvin közben, ő és ű. " * 60  # about 2,900 bytes
    keyword = "Szabadságharcosok és felkelők a Corvin közben, Józsefváros"  # 66 bytes
    write_file(photo, {**VALUES, "caption": caption.strip(), "keywords": [keyword]}, "embed")
    tags = exiftool(photo)
    iptc_caption = tags["IPTC:Caption-Abstract"]
    assert len(iptc_caption.encode()) <= 2000 and caption.startswith(iptc_caption)
    assert len(iptc_caption.encode()) > 1990
    assert tags["XMP-dc:Description"] == caption.strip()  # the full text stays in XMP
    iptc_keyword = as_list(tags["IPTC:Keywords"])[0]
    assert len(iptc_keyword.encode()) <= 64 and keyword.startswith(iptc_keyword)
    assert tags["XMP-dc:Subject"] == [keyword]


@needs_exiftool
def test_approximate_date_is_never_an_invented_exact_date(tmp_path: Path,
                                                          corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "MWG.jpg", tmp_path)  # has Exif DateTimeOriginal and IPTC dates
    result = write_file(photo, {**VALUES, "date": "1956~"}, "embed")
    tags = exiftool(photo)
    assert tags["XMP-photoshop:DateCreated"] == 1956
    assert "ExifIFD:DateTimeOriginal" not in tags and "IPTC:DateCreated" not in tags
    assert any("DateTimeOriginal" in m for m in result.messages)
    meta = read_metadata(photo)
    assert (meta.fields["date"], meta.fields["date_display"]) == ("1956~", "c. 1956")


# (catalog date, its EDTF, photoshop:DateCreated as exiftool shows it, display text)
APPROXIMATE = [
    ("c. 1936", "1936~", 1936, "c. 1936"),
    ("1956-10-23/1956-11-10", "1956-10-23/1956-11-10", 1956, "23 October – 10 November 1956"),
    ("195X", "195X", None, "1950s"),
    ("1950s", "195X", None, "1950s"),
    ("October 1956", "1956-10", "1956:10", "October 1956"),
]


@needs_exiftool
@pytest.mark.parametrize("mode", ["sidecar", "embed"])
@pytest.mark.parametrize(("typed", "edtf", "standard", "display"), APPROXIMATE)
def test_approximate_dates_survive_the_files(tmp_path: Path, corpus_dir: Path, mode: str,
                                             typed: str, edtf: str, standard: Any,
                                             display: str) -> None:
    photo = copy(corpus_dir, "MWG.jpg", tmp_path)  # Exif, IPTC and XMP dates of 2001-2003
    result = write_file(photo, {**VALUES, "date": typed}, mode)  # type: ignore[arg-type]
    written = photo if mode == "embed" else result.written[0]
    assert written.name == ("MWG.jpg" if mode == "embed" else "MWG.jpg.xmp")
    tags = exiftool(written)
    assert tags.get("XMP-photoshop:DateCreated") == standard  # at the known precision
    assert tags["XMP-photoarchive:DateEDTF"] == edtf
    assert tags["XMP-photoarchive:DateDisplay"] == display
    if mode == "embed":  # only an exact day goes to Exif and IPTC: these are not
        assert "ExifIFD:DateTimeOriginal" not in tags and "IPTC:DateCreated" not in tags
    assert f'xmlns:photoarchive="{NS_URI}"' in _packet(written)
    meta = read_metadata(photo)
    assert (meta.fields["date"], meta.fields["date_display"]) == (edtf, display)
    assert "T" not in (meta.taken_at or "")  # no invented time
    assert not [w for w in meta.warnings if "photoarchive" in w]


def _packet(path: Path) -> str:
    done = subprocess.run([EXIFTOOL, "-b", "-XMP", str(path)], capture_output=True,
                          check=True, timeout=60)
    return done.stdout.decode("utf-8")


@needs_exiftool
def test_an_edited_display_text_reads_back(tmp_path: Path, corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "PNG.png", tmp_path)
    write_file(photo, {"date": "1936", "date_display": "Spring 1936"}, "embed")
    assert exiftool(photo)["XMP-photoarchive:DateDisplay"] == "Spring 1936"
    meta = read_metadata(photo)
    assert (meta.fields["date"], meta.fields["date_display"]) == ("1936", "Spring 1936")


def _exiftool_set(path: Path, *assignments: str) -> None:
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", *assignments, str(path)],
                   check=True, timeout=60)


@needs_exiftool
@pytest.mark.parametrize("mode", ["sidecar", "embed"])
def test_a_date_another_program_changed_wins_over_ours(tmp_path: Path, corpus_dir: Path,
                                                       mode: str) -> None:
    photo = copy(corpus_dir, "PNG.png", tmp_path)
    target = write_file(photo, {"date": "1936~"}, mode).written[0]
    _exiftool_set(target, "-XMP-photoshop:DateCreated=1937:05")  # Lightroom, say
    meta = read_metadata(photo)
    assert (meta.fields["date"], meta.fields["date_display"]) == ("1937-05", None)
    assert any("changed by another program to 1937-05" in w for w in meta.warnings)
    _exiftool_set(target, "-XMP-photoshop:DateCreated=")  # our date without its standard
    assert read_metadata(photo).fields["date"] is None


@needs_exiftool
def test_a_decade_with_a_date_added_elsewhere_gives_that_date(tmp_path: Path,
                                                             corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "PNG.png", tmp_path)
    write_file(photo, {"date": "195X"}, "embed")
    _exiftool_set(photo, "-XMP-photoshop:DateCreated=1955")
    assert read_metadata(photo).fields["date"] == "1955"


@needs_exiftool
def test_a_program_that_pads_or_copies_our_date_changes_nothing(tmp_path: Path,
                                                               corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "PNG.png", tmp_path)
    write_file(photo, {"date": "1956-10-23/1956-11-10"}, "embed")
    _exiftool_set(photo, "-XMP-photoshop:DateCreated=1956:01:01 00:00:00")  # stores date-times
    meta = read_metadata(photo)
    assert meta.fields["date"] == "1956-10-23/1956-11-10"
    # Another program's sidecar that copies the file's date (no photoarchive namespace):
    sidecar = photo.with_name(photo.name + ".xmp")
    subprocess.run([EXIFTOOL, "-q", "-o", str(sidecar), "-XMP-photoshop:DateCreated=1956",
                    "-XMP-dc:Title=From the other program", str(photo)], check=True)
    _exiftool_set(sidecar, "-XMP-photoarchive:all=")
    assert "DateEDTF" not in sidecar.read_text(encoding="utf-8")
    meta = read_metadata(photo)
    assert meta.fields["title"] == "From the other program"
    assert (meta.fields["date"], meta.fields["date_display"]) == (
        "1956-10-23/1956-11-10", "23 October – 10 November 1956")
    _exiftool_set(sidecar, "-XMP-photoshop:DateCreated=1957")  # a real change there
    assert read_metadata(photo).fields["date"] == "1957"


@needs_exiftool
def test_mwg_file_reads_the_same_through_every_route(tmp_path: Path, corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "MWG.jpg", tmp_path)
    original = photo.read_bytes()
    before = read_metadata(photo)
    assert before.fields["caption"] == "RIGHT-EXIF-Description"
    write_file(photo, {**before.fields, "taken_at": before.taken_at}, "embed")
    assert photo.read_bytes() == original  # nothing differs: nothing is written
    edited = {"caption": "Új felirat", "creator": "Kovács Ádám; Szűts Éva",
              "keywords": ["forradalom", "Budapest"], "rights": "CC BY-SA 3.0",
              "city": "Budapest", "sublocation": "Corvin köz", "state": "Pest",
              "country": "Magyarország", "date": "2001-01-02"}
    write_file(photo, {**before.fields, **edited, "taken_at": before.taken_at}, "embed")
    tags = exiftool(photo)
    assert "WRONG" not in json.dumps(tags)  # every carrier of an edited field agrees
    assert (tags["IFD0:ImageDescription"] == tags["XMP-dc:Description"]
            == tags["IPTC:Caption-Abstract"] == edited["caption"])
    assert (tags["IFD0:Artist"] == "; ".join(tags["XMP-dc:Creator"])
            == "; ".join(tags["IPTC:By-line"]) == edited["creator"])
    assert tags["XMP-dc:Subject"] == tags["IPTC:Keywords"] == edited["keywords"]
    assert (tags["IFD0:Copyright"] == tags["XMP-dc:Rights"] == tags["IPTC:CopyrightNotice"]
            == edited["rights"])
    assert tags["XMP-photoshop:City"] == tags["IPTC:City"] == "Budapest"
    assert tags["XMP-iptcCore:Location"] == tags["IPTC:Sub-location"] == "Corvin köz"
    assert tags["ExifIFD:DateTimeOriginal"] == "2001:01:02 00:00:00"
    assert tags["XMP-photoshop:DateCreated"] == tags["IPTC:DateCreated"] == "2001:01:02"
    assert "IPTC:TimeCreated" not in tags  # the old time belonged to the old date
    after = read_metadata(photo)
    assert {n: after.fields[n] for n in edited} == edited
    # Each carrier alone says the same as the whole file.
    routes = {"XMP": ("-EXIF:all=", "-IPTC:all="), "IPTC": ("-EXIF:all=", "-XMP:all="),
              "Exif": ("-XMP:all=", "-IPTC:all=")}
    carried = {"XMP": list(edited), "IPTC": list(edited),
               "Exif": ["caption", "creator", "rights", "date"]}
    for route, strip in routes.items():
        alone = tmp_path / f"{route}.jpg"
        shutil.copyfile(photo, alone)
        subprocess.run([EXIFTOOL, "-q", "-overwrite_original", *strip, str(alone)], check=True)
        fields = read_metadata(alone).fields
        assert {n: fields[n] for n in carried[route]} == {n: edited[n] for n in carried[route]}, (
            route)


FOREIGN = """<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:darktable="http://darktable.sf.net/" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmlns:acme="http://example.org/acme/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmp:Rating="2" darktable:xmp_version="5" darktable:history_end="2" crs:Version="15.0"
   crs:Exposure2012="+0.35" crs:WhiteBalance="As Shot" acme:Box="A-17">
   <darktable:history><rdf:Seq>
     <rdf:li darktable:operation="exposure" darktable:enabled="1" darktable:params="00ff"/>
     <rdf:li darktable:operation="colorin" darktable:enabled="1" darktable:params="gz48eJ"/>
   </rdf:Seq></darktable:history>
   <crs:ToneCurvePV2012><rdf:Seq><rdf:li>0, 0</rdf:li><rdf:li>255, 255</rdf:li></rdf:Seq>
   </crs:ToneCurvePV2012>
   <xmpMM:History><rdf:Seq><rdf:li stEvt:action="saved" stEvt:when="2019-05-01T10:00:00+02:00"
     stEvt:softwareAgent="Adobe Photoshop Lightroom Classic 8.2"/></rdf:Seq></xmpMM:History>
   <acme:Notes><rdf:Alt><rdf:li xml:lang="x-default">Kept by box number</rdf:li>
     <rdf:li xml:lang="hu">A doboz száma szerint</rdf:li></rdf:Alt></acme:Notes>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Old title</rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""
FOREIGN_GROUPS = ("XMP-darktable:", "XMP-crs:", "XMP-xmpMM:", "XMP-acme:")


def _foreign(tags: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tags.items() if k.startswith(FOREIGN_GROUPS)}


@needs_exiftool
@pytest.mark.parametrize("sidecar_name", ["photo.jpg.xmp", "photo.xmp"])
def test_sidecar_keeps_other_applications_properties(tmp_path: Path, corpus_dir: Path,
                                                     sidecar_name: str) -> None:
    photo = tmp_path / "photo.jpg"
    shutil.copyfile(corpus_dir / "Canon_40D.jpg", photo)
    original = photo.read_bytes()
    existing = tmp_path / sidecar_name
    existing.write_text(FOREIGN, encoding="utf-8")
    foreign = _foreign(exiftool(existing))
    assert len(foreign) >= 8
    result = write_file(photo, VALUES, "sidecar")
    assert result.written == [existing]  # a Lightroom-style photo.xmp is updated in place
    assert sorted(p.name for p in tmp_path.glob("*.xmp")) == [sidecar_name]
    tags = exiftool(existing)
    assert _foreign(tags) == foreign
    assert tags["XMP-dc:Title"] == HU and tags["XMP-xmp:Rating"] == 4
    assert tags["XMP-dc:Subject"] == FLAT_KEYWORDS
    assert photo.read_bytes() == original  # sidecar mode never touches the photo
    assert read_metadata(photo).fields["title"] == HU


@pytest.mark.parametrize("mode", ["embed", "sidecar"])
def test_interrupted_write_leaves_the_original(tmp_path: Path, corpus_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    photo = copy(corpus_dir, "IPTC.jpg", tmp_path)
    sidecar = tmp_path / "IPTC.jpg.xmp"
    sidecar.write_text(FOREIGN, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def power_cut(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "simulated failure between temporary file and replace")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(WriteFailed, match="unchanged"):
        write_file(photo, VALUES, mode)  # type: ignore[arg-type]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp left


@needs_exiftool
def test_read_only_file_gets_a_sidecar_and_a_message(tmp_path: Path, corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "IPTC.jpg", tmp_path)
    os.chmod(photo, 0o444)
    original = photo.read_bytes()
    result = write_file(photo, VALUES, "embed")
    assert result.mode == "sidecar" and result.written == [tmp_path / "IPTC.jpg.xmp"]
    assert any("read-only" in m and "sidecar" in m for m in result.messages)
    assert photo.read_bytes() == original
    assert exiftool(tmp_path / "IPTC.jpg.xmp")["XMP-dc:Title"] == HU
    assert read_metadata(photo).fields["title"] == HU


def test_heic_falls_back_to_a_sidecar(tmp_path: Path, corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "Stonehenge.heic", tmp_path)
    original = photo.read_bytes()
    result = write_file(photo, VALUES, "embed")
    assert result.mode == "sidecar" and "HEIC" in result.messages[0]
    assert photo.read_bytes() == original
    assert read_metadata(photo).fields["caption"] == VALUES["caption"]


# -- a write changes only what differs (issue 11, points 3-7 and 12) ------------------------
def _raw_gps(path: Path) -> list[str]:
    """The GPS rationals exactly as stored ("54/1 5938/100 0/1"), from exiftool -v2."""
    done = subprocess.run([EXIFTOOL, "-v2", str(path)], capture_output=True, text=True,
                          check=True, timeout=60)
    return [line.split("(")[-1].rstrip(")") for line in done.stdout.splitlines()
            if re.search(r"\) +GPS(Latitude|Longitude) = ", line)]


@needs_exiftool
@pytest.mark.parametrize("name", ["GPS.jpg", "sigal-iptcTest-1.jpg"])
@pytest.mark.parametrize("field", ["title", "caption"])  # caption: exiv2 rebuilds the Exif
def test_unedited_gps_coordinates_stay_byte_identical(tmp_path: Path, corpus_dir: Path,
                                                      name: str, field: str) -> None:
    photo = copy(corpus_dir, name, tmp_path)
    stored = _raw_gps(photo)
    assert len(stored) == 2 and all("/" in s for s in stored)
    meta = read_metadata(photo)
    values = {**meta.fields, "taken_at": meta.taken_at, "latitude": meta.latitude,
              "longitude": meta.longitude, field: "Új szöveg"}
    assert write_file(photo, values, "embed").mode == "embed"
    assert exiftool(photo)["XMP-dc:Title" if field == "title" else "XMP-dc:Description"]
    assert _raw_gps(photo) == stored
    assert "XMP-exif:GPSLatitude" not in exiftool(photo)  # not added: the position is unedited


def test_a_file_that_already_holds_the_values_is_not_rewritten(tmp_path: Path,
                                                              corpus_dir: Path) -> None:
    photo = copy(corpus_dir, "IPTC-PhotometadataRef-Std2017.1.jpg", tmp_path)
    original, mtime = photo.read_bytes(), photo.stat().st_mtime_ns
    meta = read_metadata(photo)
    result = write_file(photo, {**meta.fields, "taken_at": meta.taken_at,
                                "latitude": meta.latitude, "longitude": meta.longitude}, "embed")
    assert result.mode == "embed" and result.messages == []
    assert (photo.read_bytes(), photo.stat().st_mtime_ns) == (original, mtime)


XP = {"XPTitle": "Régi cím", "XPComment": "Régi megjegyzés", "XPSubject": "Régi tárgy",
      "XPAuthor": "Régi Szerző; Második Szerző", "XPKeywords": "régi;kulcsszó"}


def _with_xp_tags(corpus_dir: Path, folder: Path, name: str = "Landscape_1.jpg") -> Path:
    photo = copy(corpus_dir, name, folder)
    _exiftool_set(photo, *(f"-EXIF:{tag}={text}" for tag, text in XP.items()))
    return photo


@needs_exiftool
def test_windows_xp_tags_are_read_last(tmp_path: Path, corpus_dir: Path) -> None:
    photo = _with_xp_tags(corpus_dir, tmp_path)
    fields = read_metadata(photo).fields
    assert (fields["title"], fields["caption"], fields["creator"], fields["keywords"]) == (
        "Régi cím", "Régi megjegyzés", "Régi Szerző; Második Szerző", ["régi", "kulcsszó"])
    _exiftool_set(photo, "-EXIF:XPComment=")  # Windows' "Subject" is the next fallback
    assert read_metadata(photo).fields["caption"] == "Régi tárgy"
    _exiftool_set(photo, "-XMP-dc:Title=Standard cím", "-XMP-dc:Creator=Szabványos Név")
    fields = read_metadata(photo).fields  # any standard tag comes first
    assert (fields["title"], fields["creator"]) == ("Standard cím", "Szabványos Név")


@needs_exiftool
def test_writing_a_field_removes_its_windows_xp_copy(tmp_path: Path, corpus_dir: Path) -> None:
    photo = _with_xp_tags(corpus_dir, tmp_path)
    meta = read_metadata(photo)
    values = {**meta.fields, "taken_at": meta.taken_at, "title": "Új cím"}
    write_file(photo, values, "embed")
    tags = exiftool(photo)
    assert tags["XMP-dc:Title"] == "Új cím" and "IFD0:XPTitle" not in tags
    for tag in ("XPComment", "XPSubject", "XPAuthor", "XPKeywords"):  # their fields: unedited
        assert f"IFD0:{tag}" in tags, tag
    write_file(photo, {**values, "caption": "Új felirat", "creator": "Új Név",
                       "keywords": ["új"]}, "embed")
    tags = exiftool(photo)
    assert not [k for k in tags if k.startswith("IFD0:XP")]
    assert (tags["IFD0:ImageDescription"], tags["IFD0:Artist"], tags["XMP-dc:Subject"]) == (
        "Új felirat", "Új Név", ["új"])
    cleared = write_file(photo, {**values, "title": None, "caption": "Új felirat",
                                 "creator": "Új Név", "keywords": ["új"]}, "embed")
    assert cleared.mode == "embed"
    assert read_metadata(photo).fields["title"] is None  # no stale XPTitle to come back


def _validate(path: Path) -> set[str]:
    found = exiftool(path, "-a", "-G1:4", "-validate", "-warning", "-error")
    return {str(v) for k, v in found.items() if k.endswith(("Warning", "Error"))}


@needs_exiftool
@pytest.mark.parametrize("name", ["IPTC.jpg", "hopper_gray.jpg", "PNG.png", "transparent.webp",
                                  "IPTC-PhotometadataRef-Std2017.1.jpg"])
def test_new_exif_blocks_have_the_required_tags(tmp_path: Path, corpus_dir: Path,
                                                name: str) -> None:
    """Issue 11 #5: an IFD0 (or Exif IFD) the write creates passes exiftool -validate."""
    photo = copy(corpus_dir, name, tmp_path)
    before = _validate(photo)
    write_file(photo, {**VALUES, "taken_at": "1956-10-23T14:30:00+01:00"}, "embed")
    tags = exiftool(photo)
    assert tags["IFD0:ImageDescription"] == VALUES["caption"]
    assert tags["ExifIFD:DateTimeOriginal"] == "1956:10:23 14:30:00"
    assert _validate(photo) <= before, _validate(photo) - before
    if name == "hopper_gray.jpg":  # its JFIF header says 96 dpi
        assert (tags["IFD0:XResolution"], tags["IFD0:ResolutionUnit"]) == (96, "inches")


@needs_exiftool
def test_an_exact_day_goes_to_exif(tmp_path: Path, corpus_dir: Path) -> None:
    """Issue 11 #7 (README "Dates"): a day without a known time is written with 00:00:00, a
    placeholder the day-only XMP and IPTC dates beside it mark as such; a known time is
    written; a camera's own time on that day is kept."""
    photo = copy(corpus_dir, "IPTC.jpg", tmp_path)
    write_file(photo, {**VALUES, "date": "1936-04-12"}, "embed")
    tags = exiftool(photo)
    assert tags["ExifIFD:DateTimeOriginal"] == "1936:04:12 00:00:00"
    assert (tags["XMP-photoshop:DateCreated"], tags["IPTC:DateCreated"]) == (
        "1936:04:12", "1936:04:12")
    assert "IPTC:TimeCreated" not in tags and "ExifIFD:OffsetTimeOriginal" not in tags
    assert read_metadata(photo).fields["date"] == "1936-04-12"
    camera = copy(corpus_dir, "Canon_40D.jpg", tmp_path)  # 2008:05:30 15:56:01
    write_file(camera, {**VALUES, "date": "2008-05-30"}, "embed")
    assert exiftool(camera)["ExifIFD:DateTimeOriginal"] == "2008:05:30 15:56:01"
    write_file(camera, {**VALUES, "date": "2008-05-31", "taken_at": "2008-05-31T09:15:00"},
               "embed")
    assert exiftool(camera)["ExifIFD:DateTimeOriginal"] == "2008:05:31 09:15:00"


def test_a_write_removes_what_an_interrupted_write_left(tmp_path: Path,
                                                        corpus_dir: Path) -> None:
    """Issue 11 #12: leftovers of ours beside the photo go; look-alikes and a temporary file
    another write still holds (locked) stay."""
    fcntl = pytest.importorskip("fcntl")
    photo = copy(corpus_dir, "IPTC.jpg", tmp_path)
    ours = [tmp_path / ".IPTC.jpg.photoarchive-a1b2c3d4.tmp",
            tmp_path / ".IPTC.jpg.xmp.photoarchive-zz_9zz_9.tmp"]
    theirs = [tmp_path / ".IPTC.a1b2c3d4.tmp.jpg", tmp_path / ".IPTC.jpg.a1b2c3d4.tmp",
              tmp_path / ".other.jpg.photoarchive-a1b2c3d4.tmp"]
    busy = tmp_path / ".IPTC.jpg.photoarchive-busybusy.tmp"
    for path in ours + theirs + [busy]:
        path.write_bytes(b"\xff\xd8 half a photo")
    with open(busy, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a write in progress elsewhere
        result = write_file(photo, VALUES, "embed")
    assert not [p for p in ours if p.exists()]
    assert all(p.exists() for p in theirs) and busy.exists()
    assert sorted(m for m in result.messages if "interrupted" in m) == [
        f"removed {p.name}, left by an interrupted write" for p in sorted(ours)]
    assert read_metadata(photo).fields["title"] == HU


@needs_exiftool
@pytest.mark.parametrize(("name", "components"), [("hopper_gray.jpg", "Y, -, -, -"),
                                                  ("IPTC.jpg", "Y, Cb, Cr, -"),
                                                  ("rgb.jpg", "R, G, B, -")])
def test_a_new_exif_block_names_the_jpegs_own_components(tmp_path: Path, corpus_dir: Path,
                                                         name: str, components: str) -> None:
    """A one-component (grayscale) JPEG is not said to hold Y, Cb and Cr: Exif 2.32 marks a
    component that does not exist with 0. YCbCrPositioning stays (Exif requires it in a JPEG's
    IFD0; it says nothing where there is no chroma), and exiftool -validate finds nothing."""
    if name == "rgb.jpg":  # not transformed to YCbCr (Adobe APP14 transform 0)
        photo = tmp_path / name
        Image.new("RGB", (32, 24), (200, 30, 30)).save(photo, keep_rgb=True)
    else:
        photo = copy(corpus_dir, name, tmp_path)
    assert "ExifIFD:ComponentsConfiguration" not in exiftool(photo)
    write_file(photo, {**VALUES, "taken_at": "1956-10-23T14:30:00"}, "embed")
    tags = exiftool(photo)
    assert tags["ExifIFD:ComponentsConfiguration"] == components
    assert tags["IFD0:YCbCrPositioning"] == "Centered"
    assert _validate(photo) == set()


@needs_exiftool
@pytest.mark.parametrize(("name", "why"), [
    ("invalid-exif.jpg", "exiv2 could not write the metadata into it"),
    ("multipage.tif", "writing into it would have changed the image data")])
def test_an_embedded_write_that_cannot_be_done_safely_writes_a_sidecar(
        tmp_path: Path, corpus_dir: Path, name: str, why: str) -> None:
    """Issue 11 #9: a file exiv2 cannot write (a malformed Exif segment) or whose image data
    the write would change (exiv2 rewrites a multi-page TIFF) is left unchanged and gets a
    sidecar, with a message saying why, as a HEIC or read-only file does."""
    photo = copy(corpus_dir, name, tmp_path)
    original = photo.read_bytes()
    result = write_file(photo, VALUES, "embed")
    assert photo.read_bytes() == original
    assert result.mode == "sidecar" and result.written == [tmp_path / f"{name}.xmp"]
    assert any(why in m and "wrote a sidecar instead" in m for m in result.messages), \
        result.messages
    assert exiftool(tmp_path / f"{name}.xmp")["XMP-dc:Title"] == HU
    assert read_metadata(photo).fields["title"] == HU
