"""Value rules: dates taken, GPS coordinates, camera boilerplate; untrusted XMP."""

from __future__ import annotations

import datetime as dt

import pytest

from photoarchive.media.embedded import clean_text, read_raw
from photoarchive.media.mwg import (
    is_boilerplate_caption,
    parse_date_taken,
    parse_exif_gps,
    parse_xmp_gps,
)

TODAY = dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2003:12:14 12:01:44", ("2003-12-14", "2003-12-14T12:01:44")),
        ("2003:12:14 12:01:44+02:00", ("2003-12-14", "2003-12-14T12:01:44+02:00")),
        ("2013-07-05T03:18:27Z", ("2013-07-05", "2013-07-05T03:18:27+00:00")),
        ("2014-03-08T16:59:52.137", ("2014-03-08", "2014-03-08T16:59:52")),
        ("2010-07-11T13:53:00.9+0200", ("2010-07-11", "2010-07-11T13:53:00+02:00")),
        ("1956-10-23T14:30", ("1956-10-23", "1956-10-23T14:30:00")),
        ("2004-02-26", ("2004-02-26", "2004-02-26")),
        ("1956-10", ("1956-10", "1956-10")),
        ("1956", ("1956", "1956")),
        ("1956-00-00", ("1956", "1956")),  # IPTC: month and day unknown
        ("1956-10-00T10:00:00", ("1956-10", "1956-10")),
    ],
)
def test_dates_taken(text, expected):
    assert parse_date_taken(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0000:00:00 00:00:00", "impossible"),
        ("2003:02:30 10:00:00", "impossible"),
        ("2003:02:03 25:00:00", "impossible time"),
        ("    :  :     :  :  ", "not a date"),
        ("yesterday", "not a date"),
        ("2099:09:29 10:10:10", "future"),
    ],
)
def test_bad_dates_give_reasons(text, reason):
    result = parse_date_taken(text, today=TODAY)
    assert isinstance(result, str) and reason in result


def test_exif_gps():
    warnings: list[str] = []
    exif = {
        "Exif.GPSInfo.GPSLatitude": ((33, 1), (26, 1), (1150, 100)),
        "Exif.GPSInfo.GPSLatitudeRef": "S",
        "Exif.GPSInfo.GPSLongitude": ((70, 1), (386458, 10000), (0, 1)),
        "Exif.GPSInfo.GPSLongitudeRef": "W",
    }
    lat, lon = parse_exif_gps(exif, warnings)
    assert lat == pytest.approx(-33.436528, abs=1e-6)
    assert lon == pytest.approx(-70.644097, abs=1e-6)
    assert parse_exif_gps({}, warnings) is None and not warnings
    zero_den = dict(exif, **{"Exif.GPSInfo.GPSLatitude": ((33, 0),)})
    assert parse_exif_gps(zero_den, warnings) is None and "malformed" in warnings[-1]


def test_xmp_gps():
    warnings: list[str] = []
    assert parse_xmp_gps("51,10.6968N", "1,49.5983W", warnings) == pytest.approx(
        (51.17828, -1.826638), abs=1e-5)
    assert parse_xmp_gps("33,26,11.5S", "70,38,39.46W", warnings) == pytest.approx(
        (-33.436528, -70.644294), abs=1e-5)
    assert parse_xmp_gps(None, None, warnings) is None and not warnings
    assert parse_xmp_gps("95,0.0N", "1,0.0E", warnings) is None
    assert "out of range" in warnings[-1]


@pytest.mark.parametrize(
    "text", ["OLYMPUS DIGITAL CAMERA         ", "SONY DSC", "  ", "", "Exif_JPEG_PICTURE"])
def test_boilerplate(text):
    assert is_boilerplate_caption(text)


def test_real_captions_are_not_boilerplate():
    assert not is_boilerplate_caption("Olympus camera factory, 1956")


def test_clean_text():
    assert clean_text("  a\r\nb\rc\x00\x07  ") == "a\nb\nc"
    assert clean_text("Cre\u0301mieux") == "Crémieux"  # NFC
    assert clean_text("bad \udcf6 byte") == "bad \ufffd byte"


def test_embedded_xmp_with_a_dtd_is_rejected_by_the_xmp_toolkit():
    """Sidecars are pre-checked; XMP inside files is parsed by exiv2's toolkit, which
    refuses any DOCTYPE: no entity is ever expanded."""
    entities = "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 12))
    packet = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<!DOCTYPE x:xmpmeta [<!ENTITY a0 "{"a" * 100}">{entities}'
        '<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
        '<rdf:li xml:lang="x-default">&a11;&e;</rdf:li></rdf:Alt></dc:title>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()
    raw = read_raw(packet, label="packet")  # an expansion would not end (10^11 bytes)
    assert raw.xmp == {} and raw.warnings
