"""Issue 11, point 2 through the importer: a year or a month that Photini wrote (XMP and
IPTC at that precision, Exif DateTimeOriginal filled out to its first day) is catalogued
as that year or month, not as "1 January 1936"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos

EXIFTOOL = shutil.which("exiftool")


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed (Debian: "
                    "libimage-exiftool-perl); it writes the dates as other programs do")
def test_import_shows_a_year_and_a_month(tmp_path: Path, archive) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name, date, exif, iptc in (("year", "1936", "1936:01:01", "1936:00:00"),
                                   ("month", "1936-04", "1936:04:01", "1936:04:00")):
        path = folder / f"{name}.jpg"
        Image.new("RGB", (32, 24), (90, 80, 70)).save(path, quality=90)
        assert EXIFTOOL is not None
        subprocess.run([EXIFTOOL, "-q", "-overwrite_original",
                        f"-XMP-photoshop:DateCreated={date}",
                        f"-EXIF:DateTimeOriginal={exif} 00:00:00", f"-IPTC:DateCreated={iptc}",
                        str(path)], check=True, timeout=60)
    assert Importer(archive, workers=1).run([folder]).added == 2
    shown = {Path(p.path).stem: (p.date, p.date_display) for p in list_photos(archive)}
    assert shown == {"year": ("1936", "1936"), "month": ("1936-04", "April 1936")}
