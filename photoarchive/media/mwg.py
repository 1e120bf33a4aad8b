"""Value rules for reading metadata: camera boilerplate captions, dates taken, GPS.

Pure functions over plain values (no exiv2 here), used by `metadata.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

__all__ = [
    "BOILERPLATE_CAPTIONS",
    "is_boilerplate_caption",
    "is_placeholder_day",
    "parse_date_taken",
    "parse_exif_gps",
    "parse_xmp_gps",
]

# Exif ImageDescription texts that cameras and scanner software write by default; they
# describe nothing, so they never become a caption (compared case-insensitively, with
# runs of white space collapsed). Sources: ExifTool's and digiKam's lists of camera
# defaults and values seen in camera sample collections.
BOILERPLATE_CAPTIONS: frozenset[str] = frozenset({
    "olympus digital camera", "sony dsc", "digital camera", "minolta digital camera",
    "konica minolta digital camera", "samsung digital camera", "samsung camera pictures",
    "leica digital camera", "nikon digital camera", "kodak digital still camera",
    "eastman kodak company", "pentax digital camera", "sanyo digital camera",
    "casio digital camera", "exif_jpeg_picture", "exif jpeg picture", "jpeg picture",
    "default", "untitled", "image", "picture", "photo", "dcim", "<no description>",
    "no description", "description", "camera", "digital still camera",
})

_DATE = re.compile(
    r"(?P<y>\d{4})(?:[-:](?P<m>\d{2})(?:[-:](?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,  # the digits are copied into the EDTF date: 0-9 only, as the standards say
)


# Exif's way of leaving parts of a date-time unknown: blanks in place of their digits
# ("1936:04:   :  :  "); a value of only blanks and colons means no date at all.
_EXIF_BLANKS = re.compile(r"(\d{4}(?::\d{2}){0,2})[: ]+", re.ASCII)


def is_placeholder_day(exact: tuple[str, str], coarse: tuple[str, str]) -> bool:
    """Whether the (date, timestamp) `exact` only fills `coarse`, a year or a month, out
    to its first day at midnight: Exif DateTimeOriginal cannot hold "1936" or "1936-04",
    so programs that keep the precision in XMP or IPTC (Photini) write 1936:01:01 00:00:00
    or 1936:04:01 00:00:00 there. Such a day is a placeholder, not a day."""
    date, stamp = exact
    short = coarse[0]
    if len(date) != 10 or len(short) not in (4, 7) or stamp[11:19] not in ("", "00:00:00"):
        return False
    return date == short + ("-01-01" if len(short) == 4 else "-01")


def is_boilerplate_caption(text: str) -> bool:
    """True for blank text and for a known camera default description."""
    folded = " ".join(text.split()).casefold()
    return not folded or folded in BOILERPLATE_CAPTIONS


def parse_date_taken(text: str, today: dt.date | None = None) -> tuple[str, str] | str:
    """Parse an Exif, XMP or IPTC date(-time) into (date, ISO 8601 timestamp).

    `date` keeps the precision found ("1956", "1956-10", "1956-10-23"); the timestamp adds
    the time and the UTC offset when present ("2003-12-14T12:01:44+02:00"). IPTC's zero
    month/day ("1956-00-00") means unknown, as do Exif's blanks ("1956:10:   :  :  ").
    Returns a reason string for an impossible or future date.
    """
    text = text.strip()
    blanks = _EXIF_BLANKS.fullmatch(text)
    if blanks:
        text = blanks[1]  # "1936:04:   :  :  " holds the month
    match = _DATE.fullmatch(text)
    if not match:
        return f"{text!r} is not a date"
    year, month, day = match["y"], match["m"], match["d"]
    if month in (None, "00"):
        month = day = None
    elif day == "00":
        day = None
    try:
        first = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return f"{text!r} is an impossible date"
    if first > (today or dt.date.today()) + dt.timedelta(days=1):
        return f"{text!r} is in the future"
    date = year + (f"-{month}" if month else "") + (f"-{day}" if day else "")
    if not day or match["H"] is None:
        return date, date
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return f"{text!r} has an impossible time"
    stamp = f"{date}T{hour:02}:{minute:02}:{second:02}"
    offset = match["tz"]
    if offset:
        if offset == "Z":
            offset = "+00:00"
        elif ":" not in offset:
            offset = f"{offset[:3]}:{offset[3:]}"
        stamp += offset
    return date, stamp


def _degrees(parts: object) -> float | None:
    """Degrees from Exif rationals ((d, 1), (m, 1), (s, 100)); None when malformed."""
    if not isinstance(parts, tuple) or not 1 <= len(parts) <= 3:
        return None
    total = 0.0
    for (numerator, denominator), scale in zip(parts, (1, 60, 3600), strict=False):
        if denominator == 0:
            return None
        total += numerator / denominator / scale
    return total


def _checked(lat: float | None, lon: float | None, what: str,
             warnings: list[str]) -> tuple[float, float] | None:
    if lat is not None and not -90 <= lat <= 90:
        warnings.append(f"{what} GPS latitude {lat:g} is out of range; position ignored")
    elif lon is not None and not -180 <= lon <= 180:
        warnings.append(f"{what} GPS longitude {lon:g} is out of range; position ignored")
    elif lat is None or lon is None:
        warnings.append(f"{what} GPS position is incomplete or malformed; ignored")
    else:
        return round(lat, 7), round(lon, 7)
    return None


def parse_exif_gps(exif: Mapping[str, object], warnings: list[str]) -> tuple[float, float] | None:
    """Signed decimal (latitude, longitude) from the Exif GPS IFD; None if absent/bogus."""
    lat_raw = exif.get("Exif.GPSInfo.GPSLatitude")
    lon_raw = exif.get("Exif.GPSInfo.GPSLongitude")
    if lat_raw is None and lon_raw is None:
        return None
    lat, lon = _degrees(lat_raw), _degrees(lon_raw)
    lat_ref = str(exif.get("Exif.GPSInfo.GPSLatitudeRef", "N")).strip().upper()[:1]
    lon_ref = str(exif.get("Exif.GPSInfo.GPSLongitudeRef", "E")).strip().upper()[:1]
    if lat is not None and lat_ref == "S":
        lat = -lat
    if lon is not None and lon_ref == "W":
        lon = -lon
    return _checked(lat, lon, "Exif", warnings)


_XMP_GPS = re.compile(r"(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])",
                      re.IGNORECASE | re.ASCII)


def _xmp_degrees(text: str | None) -> float | None:
    """XMP GPSCoordinate "DDD,MM,SSk" or "DDD,MM.mmk" (k = N/S/E/W) in signed degrees."""
    match = _XMP_GPS.fullmatch((text or "").strip())
    if not match:
        return None
    deg, minutes, seconds, ref = match.groups()
    value = float(deg) + float(minutes) / 60 + float(seconds or 0) / 3600
    return -value if ref.upper() in "SW" else value


def parse_xmp_gps(lat_text: str | None, lon_text: str | None,
                  warnings: list[str]) -> tuple[float, float] | None:
    """Signed decimal (latitude, longitude) from XMP exif:GPSLatitude/GPSLongitude."""
    if not lat_text and not lon_text:
        return None
    return _checked(_xmp_degrees(lat_text), _xmp_degrees(lon_text), "XMP", warnings)
