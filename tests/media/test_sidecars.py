"""A photo's sidecars: `name.ext.xmp` (darktable, digiKam, ours) and `name.xmp` (Lightroom,
Capture One, Photo Mechanic). Which one is read, which are written; exiftool makes the
other programs' sidecars and reads back what we wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from photoarchive.media.metadata import find_sidecar, read_metadata
from photoarchive.media.write import plan_write, write_file

EXIFTOOL = shutil.which("exiftool")
pytestmark = pytest.mark.skipif(
    EXIFTOOL is None, reason="exiftool is not installed (Debian: libimage-exiftool-perl); "
    "it makes the other programs' sidecars and reads ours back")


def exiftool(*args: str | Path) -> None:
    assert EXIFTOOL is not None
    subprocess.run([EXIFTOOL, "-q", "-q", *map(str, args)], check=True, timeout=60)


def tags(path: Path) -> dict[str, Any]:
    assert EXIFTOOL is not None
    done = subprocess.run([EXIFTOOL, "-j", "-G1", str(path)], capture_output=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)[0]


def sidecar_of(photo: Path, name: str, title: str, *foreign: str) -> Path:
    """A sidecar written by exiftool from the photo, as another program would make it."""
    target = photo.with_name(name)
    exiftool("-o", target, f"-XMP-dc:Title={title}", *foreign, photo)
    return target


def age(path: Path, seconds: int) -> None:
    """Make `path` older than now by `seconds` (its modification time, nothing else)."""
    moment = path.stat().st_mtime - seconds
    os.utime(path, (moment, moment))


@pytest.fixture
def photo(tmp_path: Path, corpus_dir: Path) -> Path:
    target = tmp_path / "x.jpg"
    shutil.copyfile(corpus_dir / "Canon_40D.jpg", target)
    return target


def test_a_lightroom_sidecar_is_updated_in_place(photo: Path) -> None:
    lightroom = sidecar_of(photo, "x.xmp", "Old", "-XMP-xmp:Label=Red",
                           "-XMP-photoshop:Instructions=Keep")
    original = photo.read_bytes()
    assert plan_write(photo, "sidecar").written == [lightroom]
    result = write_file(photo, {"title": "New", "notes": "Keep"}, "sidecar")
    assert result.written == [lightroom]
    assert sorted(p.name for p in photo.parent.glob("*.xmp")) == ["x.xmp"]  # no x.jpg.xmp
    seen = tags(lightroom)
    assert seen["XMP-dc:Title"] == "New"
    assert seen["XMP-xmp:Label"] == "Red"  # another program's property is kept
    assert photo.read_bytes() == original
    assert read_metadata(photo).fields["title"] == "New"


def test_both_sidecars_are_written_each_keeping_its_own_properties(photo: Path) -> None:
    ours = sidecar_of(photo, "x.jpg.xmp", "Old", "-XMP-xmp:Label=Green")
    lightroom = sidecar_of(photo, "x.xmp", "Old", "-XMP-xmp:Label=Red")
    result = write_file(photo, {"title": "New"}, "sidecar")
    assert result.written == [ours, lightroom]
    assert any("both sidecars" in m for m in result.messages)
    assert (tags(ours)["XMP-dc:Title"], tags(ours)["XMP-xmp:Label"]) == ("New", "Green")
    assert (tags(lightroom)["XMP-dc:Title"], tags(lightroom)["XMP-xmp:Label"]) == ("New", "Red")
    meta = read_metadata(photo)
    assert meta.fields["title"] == "New" and meta.stale_sidecars == []


def test_an_embedded_write_updates_every_sidecar(photo: Path) -> None:
    ours = sidecar_of(photo, "x.jpg.xmp", "Old")
    lightroom = sidecar_of(photo, "x.xmp", "Old")
    result = write_file(photo, {"title": "New"}, "embed")
    assert result.written == [photo, ours, lightroom]
    assert {tags(p)["XMP-dc:Title"] for p in (photo, ours, lightroom)} == {"New"}


def test_the_sidecar_changed_last_is_read_and_the_other_named(photo: Path) -> None:
    ours = sidecar_of(photo, "x.jpg.xmp", "Ours")
    lightroom = sidecar_of(photo, "x.xmp", "Changed in Lightroom")
    age(ours, 60)
    meta = read_metadata(photo)
    assert meta.sidecar == lightroom and meta.fields["title"] == "Changed in Lightroom"
    assert meta.stale_sidecars == [ours]
    assert any("disagree" in w and "x.xmp" in w for w in meta.warnings)
    age(lightroom, 120)
    meta = read_metadata(photo)
    assert (meta.sidecar, meta.fields["title"], meta.stale_sidecars) == (ours, "Ours",
                                                                         [lightroom])
    stamp = ours.stat().st_mtime
    os.utime(lightroom, (stamp, stamp))  # a tie: name.ext.xmp, the more specific name
    assert find_sidecar(photo) == ours


def test_a_name_xmp_shared_with_another_file_is_left_alone(photo: Path) -> None:
    twin = photo.with_name("x.tif")  # a master scan beside its JPEG: both read x.xmp
    twin.write_bytes(b"not read here")
    shared = sidecar_of(photo, "x.xmp", "The TIFF's title")
    before = shared.read_bytes()
    result = write_file(photo, {"title": "New"}, "sidecar")
    ours = photo.with_name("x.jpg.xmp")
    assert result.written == [ours]
    assert any("x.xmp was left as it is: x.tif reads it too" in m for m in result.messages)
    assert shared.read_bytes() == before
    assert tags(ours)["XMP-dc:Title"] == "New"
    meta = read_metadata(photo)
    assert meta.fields["title"] == "New" and meta.stale_sidecars == []
