"""Issue 11, point 2: dates of reduced precision stay a year or a month.

Exif DateTimeOriginal cannot hold less than a day, so a program that keeps "1936" in XMP
and IPTC (Photini) writes 1936:01:01 00:00:00 into Exif. The files are made with exiftool,
exactly as such a program leaves them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from photoarchive.media.metadata import read_metadata

EXIFTOOL = shutil.which("exiftool")
pytestmark = pytest.mark.skipif(
    EXIFTOOL is None, reason="exiftool is not installed (Debian: libimage-exiftool-perl); "
    "it writes the dates as other programs do")

YEAR = ("-XMP-photoshop:DateCreated=1936", "-EXIF:DateTimeOriginal=1936:01:01 00:00:00",
        "-IPTC:DateCreated=1936:00:00")
MONTH = ("-XMP-photoshop:DateCreated=1936-04", "-EXIF:DateTimeOriginal=1936:04:01 00:00:00",
         "-IPTC:DateCreated=1936:04:00")
CASES = {
    # name: (exiftool arguments, date read, timestamp read)
    "year": (YEAR, "1936", "1936"),
    "month": (MONTH, "1936-04", "1936-04"),
    "iptc year": (YEAR[1:], "1936", "1936"),  # IIM 1936:00:00; exiv2 reads "1936-00-00"
    "iptc month": (MONTH[1:], "1936-04", "1936-04"),
    "iptc year alone": (YEAR[2:], "1936", "1936"),
    "iptc month alone": (MONTH[2:], "1936-04", "1936-04"),
    "exif blanks": (("-EXIF:DateTimeOriginal#=1936:04:   :  :  ",), "1936-04", "1936-04"),
    "exif all blank": (("-EXIF:DateTimeOriginal#=    :  :     :  :  ",), None, None),
    # A real day stays a day:
    "a day at midnight, said in full": (
        ("-XMP-photoshop:DateCreated=1936-01-01T00:00:00",
         "-EXIF:DateTimeOriginal=1936:01:01 00:00:00", "-IPTC:DateCreated=1936:01:01"),
        "1936-01-01", "1936-01-01T00:00:00"),
    "exif alone": (YEAR[1:2], "1936-01-01", "1936-01-01T00:00:00"),
    "a time of day": (("-XMP-photoshop:DateCreated=1936",
                       "-EXIF:DateTimeOriginal=1936:01:01 14:30:00"),
                      "1936-01-01", "1936-01-01T14:30:00"),
    "not the first day": (("-XMP-photoshop:DateCreated=1936-04",
                           "-EXIF:DateTimeOriginal=1936:04:15 00:00:00"),
                          "1936-04-15", "1936-04-15T00:00:00"),
    "another year": (("-XMP-photoshop:DateCreated=1937", YEAR[1]),  # Exif wins (MWG)
                     "1936-01-01", "1936-01-01T00:00:00"),
}


def make(folder: Path, name: str, args: tuple[str, ...]) -> Path:
    path = folder / f"{name.replace(' ', '_').replace(',', '')}.jpg"
    Image.new("RGB", (32, 24), (90, 80, 70)).save(path, quality=90)
    assert EXIFTOOL is not None
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", *args, str(path)], check=True,
                   timeout=60)
    return path


@pytest.mark.parametrize("case", CASES)
def test_reduced_precision_is_kept(tmp_path: Path, case: str) -> None:
    args, date, stamp = CASES[case]
    meta = read_metadata(make(tmp_path, case, args))
    assert (meta.fields["date"], meta.taken_at) == (date, stamp)
    assert not meta.warnings

