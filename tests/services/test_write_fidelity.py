"""A write changes only what differs: every corpus file, read before and after by exiftool.

The whole corpus is imported, one field is edited on every photo and `write_metadata` embeds
it (the user's path: `edit ... --set title=...` then `write-metadata --embed`). exiftool then
compares every tag of every file (`exiftool -a -G1`, one call per phase) and its `-validate`
warnings. Files that get a sidecar instead (formats exiv2 cannot write, files whose image
data cannot be verified, blocks exiv2 would damage) must stay byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos
from photoarchive.services.writeback import write_metadata

EXIFTOOL = shutil.which("exiftool")
pytestmark = pytest.mark.skipif(
    EXIFTOOL is None, reason="exiftool is not installed (Debian: libimage-exiftool-perl); "
    "it is the independent reader these tests compare against")

#: The tags of each edited field, in every carrier (Windows' XP copies are removed).
FIELD_TAGS = {
    "title": {"XMP-dc:Title", "IPTC:ObjectName", "IFD0:XPTitle"},
    "caption": {"XMP-dc:Description", "IPTC:Caption-Abstract", "IFD0:ImageDescription",
                "IFD0:XPComment", "IFD0:XPSubject"},
}
#: Tags every write may change, and why:
BOOKKEEPING = {
    "XMP-x:XMPToolkit",  # names the software that serialised the XMP packet: now exiv2
    "XMP-xmp:MetadataDate",  # XMP's "metadata last changed": set, as the XMP spec asks
    "IPTC:CodedCharacterSet",  # the IPTC we write is UTF-8 and must say so (1:90)
    "Photoshop:IPTCDigest",  # Photoshop's digest of the IPTC block, kept true
    "File:CurrentIPTCDigest",  # exiftool's digest of the IPTC block as it now is
    "RIFF:WebP_Flags",  # a WebP's index of its chunks: it now lists the XMP chunk
}
#: Tags exiftool derives from others (each source is compared itself) or about the file.
IGNORED_GROUPS = ("System:", "Composite:", "ExifTool:", "SourceFile")
#: IFD0 tags the Exif standard says a JPEG does not record (they describe uncompressed
#: layouts). When a field Exif carries changes, exiv2 rebuilds the block without them.
NOT_IN_JPEG_IFD0 = {"IFD0:" + name for name in (
    "PhotometricInterpretation", "StripOffsets", "RowsPerStrip", "StripByteCounts",
    "OtherImageStart", "OtherImageLength", "SubIFDs")}
#: Where a block lies in the file: exiv2 moves blocks, their content is compared elsewhere
#: (the image data by the write's own verification, tag values here).
POSITION = re.compile(r".*(Offset|Offsets|Start)$")


def exiftool_json(files: list[Path], *options: str) -> dict[str, dict[str, Any]]:
    """exiftool's view of many files at once, by file name."""
    assert EXIFTOOL is not None
    # IPTC text is decoded as the block declares (1:90), else as Latin-1: the same text
    # before and after a write that converted a legacy block to UTF-8.
    done = subprocess.run([EXIFTOOL, "-j", "-a", *options, *map(str, files)],
                          capture_output=True, timeout=600, check=False)
    return {Path(d["SourceFile"]).name: d for d in json.loads(done.stdout)}


def tags_of(files: list[Path]) -> dict[str, dict[str, Any]]:
    return exiftool_json(files, "-G1")


def warnings_of(files: list[Path]) -> dict[str, set[str]]:
    """Every -validate warning per file (-G4 numbers the copies, so none is merged away)."""
    found = exiftool_json(files, "-G1:4", "-validate", "-warning", "-error")
    return {name: {str(v) for k, v in tags.items() if k.endswith(("Warning", "Error"))}
            for name, tags in found.items()}


@pytest.fixture
def library(tmp_path: Path, corpus_dir: Path) -> list[Path]:
    """Every corpus file, copied (writable) into one folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for source in sorted(corpus_dir.iterdir()):
        if source.is_file() and source.name not in ("MANIFEST.tsv", "README.md"):
            shutil.copyfile(source, folder / source.name)
            os.chmod(folder / source.name, 0o644)
    return sorted(folder.iterdir())


def _embed_one_field(archive, library: list[Path], field: str, value: str):
    """Import the library, set `field` on every photo, write embedded; returns the
    report's photos by file name and the bytes of every file before."""
    Importer(archive, workers=1).run([library[0].parent])
    ids = [p.id for p in list_photos(archive)]
    assert len(ids) >= 40, "the corpus should give at least 40 photos"
    before = {path.name: path.read_bytes() for path in library}
    apply_edits(archive, ids, EditRequest(set_values={field: value}), origin="gui")
    report = write_metadata(archive, ids, "embed")
    return {Path(p.path).name: p for p in report.photos}, before


def _differences(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    keys = {k for k in set(old) | set(new) if not k.startswith(IGNORED_GROUPS)}
    blank = ("", None)  # exiv2's XMP toolkit drops an empty value: the same "nothing"
    return {k: (old.get(k), new.get(k)) for k in sorted(keys)
            if old.get(k) != new.get(k) and not (old.get(k) in blank and new.get(k) in blank)}


def _unexplained(changed: dict[str, tuple[Any, Any]], field: str) -> dict[str, Any]:
    """The changes that neither the field, bookkeeping nor moved blocks explain."""
    rest = {}
    for key, (old, new) in changed.items():
        name = key.split(":")[-1]
        if key in FIELD_TAGS[field] or key in BOOKKEEPING or POSITION.match(name):
            continue
        # The XMP toolkit moves a legacy rdf:about UUID into xmpMM:InstanceID (same value).
        if key == "XMP-rdf:About" and changed.get("XMP-xmpMM:InstanceID", (0, 0))[1] == old:
            continue
        if key == "XMP-xmpMM:InstanceID" and changed.get("XMP-rdf:About", (0, 0))[0] == new:
            continue
        rest[key] = (old, new)
    return rest


def test_a_title_write_changes_only_the_title(archive, library: list[Path]) -> None:
    tags, warned = tags_of(library), warnings_of(library)
    written, before = _embed_one_field(archive, library, "title", "Új cím — 1936")
    after_tags, after_warned = tags_of(library), warnings_of(library)
    embedded = [n for n, p in written.items() if p.outcome == "written" and p.mode == "embed"]
    assert len(embedded) >= 40, {n: p.messages for n, p in written.items()}
    problems = {}
    for path in library:
        name = path.name
        if name not in embedded:  # a sidecar instead, skipped, failed, or not imported
            if path.read_bytes() != before[name]:
                problems[name] = "changed although nothing was embedded"
            continue
        changed = _differences(tags[name], after_tags[name])
        assert after_tags[name].get("XMP-dc:Title") == "Új cím — 1936", name
        if unexplained := _unexplained(changed, "title"):
            problems[name] = unexplained
        if gained := after_warned[name] - warned[name]:
            problems[name] = f"new -validate warnings: {sorted(gained)}"
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False, default=str)


def test_a_caption_write_loses_nothing_and_adds_no_warning(archive,
                                                          library: list[Path]) -> None:
    """The caption lives in Exif too: files without Exif get a new, valid block; files with
    one keep every other tag (exiv2 rebuilds the block; where it would drop data it does
    not understand, a sidecar is written instead)."""
    tags, warned = tags_of(library), warnings_of(library)
    written, before = _embed_one_field(archive, library, "caption", "Felvonulók, 1936")
    after_tags, after_warned = tags_of(library), warnings_of(library)
    embedded = [n for n, p in written.items() if p.outcome == "written" and p.mode == "embed"]
    assert len(embedded) >= 40
    problems: dict[str, Any] = {}
    for path in library:
        name = path.name
        if name not in embedded:
            if path.read_bytes() != before[name]:
                problems[name] = "changed although nothing was embedded"
            continue
        assert after_tags[name].get("XMP-dc:Description") == "Felvonulók, 1936", name
        changed = _differences(tags[name], after_tags[name])
        jpeg = after_tags[name].get("File:FileType") == "JPEG"
        lost = {k: v for k, v in _unexplained(changed, "caption").items()
                if v[0] is not None and k != "File:ExifByteOrder"  # a rebuilt block's order
                and not (jpeg and k in NOT_IN_JPEG_IFD0)}
        if lost:
            problems[name] = lost
        if gained := after_warned[name] - warned[name]:
            problems[name] = f"new -validate warnings: {sorted(gained)}"
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False, default=str)
