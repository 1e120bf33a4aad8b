"""read_metadata against the corpus MANIFEST (ExifTool's view) and the MWG rules."""

from __future__ import annotations

import shutil

import exiv2
import pytest

from photoarchive.media.embedded import _read_iptc_digest
from photoarchive.media.metadata import FIELD_NAMES, LIST_FIELDS, FileMetadata, read_metadata

# Values ExifTool reports that we reject on purpose (see test_bogus_values_are_rejected).
REJECTED = {"exif_gps.jpg"}


def _iso(exiftool_date: str) -> str:
    """ExifTool's '2017:07:13 17:01:00+00:00' as our ISO 8601 '2017-07-13T17:01:00+00:00'."""
    date, _, rest = exiftool_date.partition(" ")
    stamp = date.replace(":", "-") + (f"T{rest}" if rest else "")
    return stamp.replace("Z", "+00:00")


def _same_text(actual: str | None, expected: str) -> bool:
    """Compare with a MANIFEST value (line breaks shown as ' / ', long values cut with …)."""
    actual = (actual or "").replace("\n", " / ")
    if expected.endswith("…"):
        return actual.startswith(expected[:-1])
    return actual == expected


def test_never_raises_and_is_well_formed(corpus, corpus_name, capfd):
    meta = read_metadata(corpus / corpus_name)
    assert isinstance(meta, FileMetadata)
    assert set(meta.fields) == set(FIELD_NAMES)
    for name, value in meta.fields.items():
        if name in LIST_FIELDS:
            assert isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        else:
            assert value is None or (isinstance(value, str) and value.strip() == value != "")
    assert 1 <= meta.orientation <= 8
    assert meta.latitude is None or -90 <= meta.latitude <= 90
    assert meta.longitude is None or -180 <= meta.longitude <= 180
    assert all(isinstance(w, str) and w for w in meta.warnings)
    assert capfd.readouterr() == ("", ""), "exiv2 messages must become warnings, not output"


def test_technical_values_match_exiftool(corpus, manifest):
    checked = 0
    for name, row in manifest.items():
        if name in REJECTED:
            continue
        meta = read_metadata(corpus / name)
        exp = row.expected
        if "make" in exp:
            assert (meta.camera_make, meta.camera_model) == (exp["make"], exp["model"]), name
        if "date_taken" in exp:
            assert meta.taken_at == _iso(exp["date_taken"]), name
            assert meta.fields["date"] == meta.taken_at[:10], name
        if "orientation" in exp:
            assert meta.orientation == int(exp["orientation"]), name
        if "gps_lat" in exp:
            assert meta.latitude == pytest.approx(float(exp["gps_lat"]), abs=1e-4), name
            assert meta.longitude == pytest.approx(float(exp["gps_lon"]), abs=1e-4), name
        else:
            assert meta.latitude is None and meta.longitude is None, name
        checked += 1
    assert checked == len(manifest) - len(REJECTED)


def test_descriptive_values_match_exiftool_where_sources_agree(corpus, manifest):
    """Where a file has only one source for a field, we read exactly what ExifTool reads."""
    for name, row in manifest.items():
        meta, exp = read_metadata(corpus / name).fields, row.expected
        for title in (exp.get("xmp_title"), exp.get("iptc_title")):
            if title:
                assert _same_text(meta["title"], title), name
                break
        keywords = row.values("xmp_subject") or row.values("iptc_keywords")
        assert meta["keywords"] == keywords, name
        if "exif_description" not in exp:
            caption = exp.get("xmp_description") or exp.get("iptc_caption")
            if caption and name != "MWG.jpg":
                assert _same_text(meta["caption"], caption), name


def test_iptc_reference_image(corpus, manifest):
    exp = manifest["IPTC-PhotometadataRef-Std2017.1.jpg"]
    f = read_metadata(corpus / exp.file).fields
    assert f["title"] == exp.expected["xmp_title"] == exp.expected["iptc_title"]
    assert f["headline"] == exp.expected["iptc_headline"]
    assert f["caption"] == exp.expected["xmp_description"] == exp.expected["iptc_caption"]
    # Exif Artist and IPTC By-line hold the first creator only; XMP has both.
    assert f["creator"] == "; ".join(exp.values("xmp_creator"))
    assert f["keywords"] == exp.values("xmp_subject") == exp.values("iptc_keywords")
    assert f["rights"] == exp.expected["iptc_copyright"]
    assert f["date"] == "2017-07-13"
    assert f["city"] == "City (Location shown1) (ref2017.1)"  # LocationShown first
    assert f["country"] == "CountryName (Location shown1) (ref2017.1)"
    assert f["state"] == "Province/State (Location shown1) (ref2017.1)"
    assert f["sublocation"] == "Sublocation (Location shown1) (ref2017.1)"
    assert f["country_code"] == "R17"
    assert f["credit"] == "Credit Line (ref2017.1)"
    assert f["source"] == "Source (ref2017.1)"
    assert f["caption_writer"] == "Description Writer (ref2017.1)"
    assert f["notes"] == "An Instruction (ref2017.1)"
    assert f["event"] == "An Event (ref2017.1)"
    assert f["people"] == ["Person Shown 1 (ref2017.1)", "Person Shown 2 (ref2017.1)"]
    assert f["rights_url"] == "http://www.WebStatementOfRights.org/2017.1"
    assert f["rating"] == "1"


def test_mwg_precedence_picks_every_right_value(corpus):
    meta = read_metadata(corpus / "MWG.jpg")
    f = meta.fields
    assert f["caption"] == "RIGHT-EXIF-Description"
    assert f["creator"] == "RIGHT1of2-EXIF-Creator; RIGHT2of2-EXIF-Creator"
    assert f["keywords"] == ["RIGHT1of2-XMP-Keywords", "RIGHT2of2-XMP-Keywords"]
    assert f["rights"] == "RIGHT-XMP-Copyright"
    assert f["city"] == "RIGHT-XMP-City"
    assert (f["sublocation"], f["state"], f["country"]) == (
        "RIGHT-IPTC-Location", "RIGHT-IPTC-State", "RIGHT-IPTC-Country")
    assert (f["date"], meta.taken_at) == ("2001-01-01", "2001-01-01T01:11:11")
    assert meta.orientation == 6 and f["rating"] == "3"
    assert not [v for v in f.values() if "WRONG" in str(v)]


def test_latin1_iptc_without_charset(corpus, manifest):
    caption = read_metadata(corpus / "Nikon E995 (iptc).jpg").fields["caption"]
    assert _same_text(caption, manifest["Nikon E995 (iptc).jpg"].expected["iptc_caption"])
    assert "Dateigröße : 668.1 KB" in caption and "\ufffd" not in caption and "\r" not in caption
    assert read_metadata(corpus / "table.jpg").fields["rights"] == "© 2004 Nobody"


def test_utf8_iptc_and_long_captions(corpus, manifest):
    for name in ("sigal-iptcTest-1.jpg", "long_description.jpg"):
        exp = manifest[name].expected
        caption = read_metadata(corpus / name).fields["caption"]
        assert _same_text(caption, exp.get("iptc_caption") or exp["xmp_description"]), name
        assert len(caption) > 200
    meta = read_metadata(corpus / "long_description.jpg").fields
    assert (meta["title"], meta["creator"]) == ("030904-A-2140D-006", "SSG KYLE DAVIS")


def test_other_containers(corpus):
    assert read_metadata(corpus / "GIF.gif").fields["title"] == "GIF with XMP"
    assert read_metadata(corpus / "PNG.png").fields["creator"] == "Phil Harvey"
    riff = read_metadata(corpus / "RIFF.webp").fields
    assert (riff["creator"], riff["keywords"]) == ("me", ["test"])
    heic = read_metadata(corpus / "Stonehenge.heic")
    assert heic.fields["caption"] == "Classic View" and heic.camera_model == "NIKON D5300"
    assert read_metadata(corpus / "ExifTool.tif").fields["title"] == "This is the title"
    assert read_metadata(corpus / "iptc.jpg").fields["keywords"][1] == "2006"


def test_bogus_values_are_rejected(corpus):
    meta = read_metadata(corpus / "exif_gps.jpg")
    assert meta.latitude is None and meta.longitude is None
    assert meta.taken_at is None and meta.fields["date"] is None  # 2099
    assert any("out of range" in w for w in meta.warnings)
    assert any("future" in w for w in meta.warnings)
    assert (meta.camera_make, meta.camera_model) == ("Make", "XXX-XXX")


@pytest.mark.parametrize(("text", "expected"), [
    ("6", 6), ("\u00b9", 1), ("\u0663", 1), ("9", 1), ("x", 1)])
def test_an_odd_xmp_orientation_is_reported_and_the_rest_is_read(corpus, tmp_path, text,
                                                                 expected):
    """tiff:Orientation is an ASCII number from 1 to 8. Anything else ("¹", which
    str.isdigit accepts and int() refuses; a digit of another script) reads as 1 with a
    warning, and the rest of the file is read as usual."""
    path = tmp_path / "odd.jpg"
    shutil.copyfile(corpus / "IPTC.jpg", path)  # no Exif orientation: the XMP one counts
    image = exiv2.ImageFactory.open(str(path))
    image.readMetadata()
    xmp = image.xmpData()
    xmp["Xmp.tiff.Orientation"] = text
    image.setXmpData(xmp)
    image.writeMetadata()
    meta = read_metadata(path)
    assert meta.orientation == expected
    assert meta.fields["date"] == read_metadata(corpus / "IPTC.jpg").fields["date"] is not None
    assert not any("cannot be read" in w for w in meta.warnings), meta.warnings
    assert any("orientation" in w for w in meta.warnings) == (expected == 1)


def test_camera_boilerplate_is_not_a_caption(corpus):
    assert read_metadata(corpus / "42_IndexError.jpg").fields["caption"] is None
    assert read_metadata(corpus / "Nikon E995 (iptc).jpg").fields["caption"]  # blank Exif


def test_unreadable_files_give_warnings(corpus, tmp_path):
    for path in (corpus / "fake.png", corpus / "invalid-exif.jpg", tmp_path / "gone.jpg"):
        meta = read_metadata(path)
        assert meta.warnings and meta.fields["title"] is None


def test_iptc_digest(corpus):
    assert _read_iptc_digest(corpus / "IPTC.jpg") is False  # stale
    assert _read_iptc_digest(corpus / "sigal-iptcTest-1.jpg") is True
    assert _read_iptc_digest(corpus / "MWG.jpg") is None  # no digest stored


def _set_xmp_title(path, title: str) -> None:
    image = exiv2.ImageFactory.open(str(path))
    image.readMetadata()
    xmp = image.xmpData()
    xmp["Xmp.dc.title"] = f'lang="x-default" {title}'
    image.setXmpData(xmp)
    image.writeMetadata()


def test_stale_iptc_digest_puts_iptc_before_xmp(corpus, tmp_path):
    stale, fresh = tmp_path / "stale.jpg", tmp_path / "fresh.jpg"
    shutil.copyfile(corpus / "IPTC.jpg", stale)
    shutil.copyfile(corpus / "sigal-iptcTest-1.jpg", fresh)
    for path in (stale, fresh):
        _set_xmp_title(path, "Newer XMP title")
    assert read_metadata(stale).fields["title"] == "Test IPTC picture"  # IIM edited later
    assert read_metadata(fresh).fields["title"] == "Newer XMP title"


SIDECAR = """<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    photoshop:DateCreated="1956"
    exif:GPSLatitude="47,29.7N" exif:GPSLongitude="19,2.4E">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:subject><rdf:Bag><rdf:li>Budapest</rdf:li><rdf:li>Hungary</rdf:li>
     <rdf:li>uprising</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Hungary|Budapest</rdf:li>
     </rdf:Bag></lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""


@pytest.fixture
def photo(corpus, tmp_path):
    target = tmp_path / "photo.jpg"
    shutil.copyfile(corpus / "IPTC.jpg", target)
    return target


def test_sidecar_overrides_embedded_values(photo):
    sidecar = photo.with_name("photo.jpg.xmp")
    sidecar.write_text(SIDECAR.format(title="Sidecar title — 1956"), encoding="utf-8")
    meta = read_metadata(photo)
    assert meta.sidecar == sidecar and not meta.warnings
    assert meta.fields["title"] == "Sidecar title — 1956"
    assert meta.fields["caption"] == "A witty caption"  # not in the sidecar: embedded
    assert meta.fields["keywords"] == ["Places|Hungary|Budapest", "uprising"]
    assert (meta.fields["date"], meta.taken_at) == ("1956", "1956")
    assert meta.latitude == pytest.approx(47.495) and meta.longitude == pytest.approx(19.04)


def test_sidecar_name_precedence(photo):
    photo.with_name("photo.xmp").write_text(SIDECAR.format(title="name.xmp"), "utf-8")
    assert read_metadata(photo).fields["title"] == "name.xmp"
    photo.with_name("photo.jpg.xmp").write_text(SIDECAR.format(title="name.ext.xmp"), "utf-8")
    assert read_metadata(photo).fields["title"] == "name.ext.xmp"


def test_sidecar_with_entity_bomb_is_refused_quickly(photo):
    entities = "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 12))
    bomb = (f'<?xml version="1.0"?>\n<!DOCTYPE x:xmpmeta [<!ENTITY a0 "{"a" * 100}">'
            f"{entities}]>\n" + SIDECAR.split("\n", 1)[1].format(title="&a11;"))
    photo.with_name("photo.jpg.xmp").write_text(bomb, encoding="utf-8")
    meta = read_metadata(photo)  # refused before parsing: an expansion would not end
    assert meta.fields["title"] == "Test IPTC picture"  # embedded value kept
    assert any("DTD" in w for w in meta.warnings) and meta.sidecar is None


def test_broken_sidecar_keeps_embedded_values(photo):
    photo.with_name("photo.jpg.xmp").write_bytes(b"\x00\xffnot xml at all<<<")
    meta = read_metadata(photo)
    assert meta.fields["title"] == "Test IPTC picture" and meta.warnings
