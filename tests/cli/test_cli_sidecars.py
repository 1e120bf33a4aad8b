"""Issue 11, point 1: a Lightroom-style `name.xmp` sidecar is never left stale, and
`status` never says "in sync" while a sidecar that other programs read disagrees.

Run through the command line in-process; exiftool makes the other programs' sidecars (with
a property of theirs that must survive) and reads back what was written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from photoarchive.catalog.models import Photo
from photoarchive.cli import main
from photoarchive.services import open_archive
from photoarchive.services.sync_state import stamp_files

EXIFTOOL = shutil.which("exiftool")
pytestmark = pytest.mark.skipif(
    EXIFTOOL is None, reason="exiftool is not installed (Debian: libimage-exiftool-perl); "
    "it makes the other programs' sidecars and reads ours back")


def run(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def exiftool(*args: str | Path) -> None:
    assert EXIFTOOL is not None
    subprocess.run([EXIFTOOL, "-q", "-q", *map(str, args)], check=True, timeout=60)


def read(path: Path, tag: str) -> str | None:
    assert EXIFTOOL is not None
    done = subprocess.run([EXIFTOOL, "-j", f"-{tag}", str(path)], capture_output=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)[0].get(tag.split(":")[-1])


@pytest.fixture
def setup(tmp_path: Path, corpus_dir: Path, capsys) -> tuple[str, Path]:
    """x.jpg with a sidecar x.xmp as Lightroom names it, imported."""
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = folder / "x.jpg"
    shutil.copyfile(corpus_dir / "IPTC.jpg", photo)
    exiftool("-o", folder / "x.xmp", "-XMP-dc:Title=Old", "-XMP-xmp:Label=Red", photo)
    cat = str(tmp_path / "catalog.sqlite")
    code, out = run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")
    assert code == 0, out
    assert json.loads(run(capsys, "--catalog", cat, "show", "1", "--json")[1])["title"] == "Old"
    return cat, folder


def test_the_lightroom_sidecar_is_written_and_status_follows_it(capsys, setup) -> None:
    cat, folder = setup
    run(capsys, "--catalog", cat, "edit", "1", "--set", "title=New")
    code, out = run(capsys, "--catalog", cat, "write-metadata", "--sidecar")
    assert code == 0, out
    assert sorted(p.name for p in folder.glob("*.xmp")) == ["x.xmp"]  # no x.jpg.xmp beside it
    assert read(folder / "x.xmp", "XMP-dc:Title") == "New"
    assert read(folder / "x.xmp", "XMP-xmp:Label") == "Red"  # Lightroom's property is kept
    assert run(capsys, "--catalog", cat, "status")[1].strip() == "1 in sync."

    # darktable adds its own sidecar with another title: the newer one is read, and the
    # other sidecar is named until a write brings it up to date.
    exiftool("-o", folder / "x.jpg.xmp", "-XMP-dc:Title=From darktable",
             "-XMP-xmp:Label=Green", folder / "x.jpg")
    code, out = run(capsys, "--catalog", cat, "status")
    assert "file newer" in out and "a sidecar appeared (x.jpg.xmp)" in out
    code, out = run(capsys, "--catalog", cat, "reread")
    assert "title: 'New' → 'From darktable'" in out
    code, out = run(capsys, "--catalog", cat, "status")
    assert "catalog newer" in out and "x.xmp shows other values than the catalog" in out
    code, out = run(capsys, "--catalog", cat, "write-metadata")
    assert code == 0 and "updated both sidecars, x.jpg.xmp and x.xmp" in out
    assert read(folder / "x.xmp", "XMP-dc:Title") == "From darktable"
    assert read(folder / "x.xmp", "XMP-xmp:Label") == "Red"
    assert read(folder / "x.jpg.xmp", "XMP-xmp:Label") == "Green"
    assert run(capsys, "--catalog", cat, "status")[1].strip() == "1 in sync."


def test_a_sidecar_an_earlier_version_passed_over_is_not_in_sync(capsys, setup) -> None:
    """An earlier version wrote x.jpg.xmp beside x.xmp, left x.xmp stale and stamped only
    x.jpg.xmp: `status` must not call that "in sync"."""
    cat, folder = setup
    run(capsys, "--catalog", cat, "edit", "1", "--set", "title=New")
    lightroom, ours = folder / "x.xmp", folder / "x.jpg.xmp"
    exiftool("-o", ours, "-XMP-dc:Title=New", "-tagsFromFile", lightroom, "-XMP-xmp:Label")
    moment = ours.stat().st_mtime - 60
    os.utime(lightroom, (moment, moment))
    archive = open_archive(Path(cat))
    try:
        with archive.session() as session:
            photo = session.scalars(select(Photo)).one()
            state = stamp_files(Path(photo.path))
            if "sidecars" in state:  # the earlier version's stamp: the sidecar it read
                state["sidecar"] = next(s for s in state.pop("sidecars")
                                        if s["name"] == ours.name)
                del state["stale"]
            photo.file_state = json.dumps(state)  # the stamp as the earlier version left it
            photo.synced_at = photo.modified_at
    finally:
        archive.close()
    code, out = run(capsys, "--catalog", cat, "status")
    assert "catalog newer" in out and "x.xmp was not written by an earlier version" in out
    code, out = run(capsys, "--catalog", cat, "write-metadata")
    assert code == 0, out
    assert read(lightroom, "XMP-dc:Title") == read(ours, "XMP-dc:Title") == "New"
    assert run(capsys, "--catalog", cat, "status")[1].strip() == "1 in sync."


def test_import_and_reread_name_the_sidecar_they_passed_over(capsys, tmp_path: Path,
                                                             corpus_dir: Path) -> None:
    """Issue 11 #6 (README "Sidecars"): when y.xmp and y.jpg.xmp differ, the one changed
    last is read and the import and re-read name the other one (text and --json)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = folder / "y.jpg"
    shutil.copyfile(corpus_dir / "IPTC.jpg", photo)
    lightroom, darktable = folder / "y.xmp", folder / "y.jpg.xmp"
    exiftool("-o", lightroom, "-XMP-dc:Title=LR title", photo)
    exiftool("-o", darktable, "-XMP-dc:Title=DK title", photo)
    moment = lightroom.stat().st_mtime + 1  # darktable's, one second later
    os.utime(darktable, (moment, moment))
    named = "the sidecars y.jpg.xmp and y.xmp disagree; read y.jpg.xmp, changed last"
    cat = str(tmp_path / "catalog.sqlite")
    code, out = run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")
    assert code == 0 and "1 added" in out
    assert f"  note: {photo}: {named}" in out.splitlines(), out
    assert json.loads(run(capsys, "--catalog", cat, "show", "1", "--json")[1])["title"] == (
        "DK title")
    code, out = run(capsys, "--catalog", cat, "reread")
    assert code == 0 and f"  note: {photo}: {named}" in out.splitlines(), out
    code, out = run(capsys, "--catalog", cat, "reread", "--json")
    assert json.loads(out)["photos"][0]["notes"] == [named]
    photo.touch()  # changed: imported again, and named again
    code, out = run(capsys, "--catalog", cat, "import", str(folder), "--json")
    assert json.loads(out)["notes"] == [{"path": str(photo), "note": named}]
