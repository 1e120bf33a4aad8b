"""Awkward names and text: every one imports, edits, lists and prints without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos, query_ids

NAMES = ["new\nline.jpg", "quote\"s and 'apos'.jpg", "-leading-dash.jpg", "x" * 200 + ".jpg",
         os.fsdecode(b"latin1-\xe9t\xe9.jpg"), "emoji-\U0001f4f7-\u202ertl.jpg", "space .jpg"]


@pytest.fixture
def awkward(tmp_path: Path, sample_dir: Path) -> Path:
    folder = tmp_path / "awkward"
    folder.mkdir()
    data = (sample_dir / "loc_fsa_8b26527.jpg").read_bytes()
    for n, name in enumerate(NAMES):
        (folder / name).write_bytes(data + bytes([n]))
    return folder


def test_awkward_file_names(archive, awkward: Path) -> None:
    report = Importer(archive, workers=1).run([awkward])
    assert report.added == len(NAMES) and not report.failed
    stored = {Path(r.path).name for r in list_photos(archive)}
    assert stored == set(NAMES)
    again = Importer(archive, workers=1).run([awkward])
    assert again.unchanged == len(NAMES) and again.added == 0
    (latin1,) = [r for r in list_photos(archive) if "latin1" in r.path]
    assert Path(latin1.path).exists()


def test_awkward_names_through_the_cli(archive, awkward: Path) -> None:
    archive.close()
    run = [sys.executable, "-m", "photoarchive.cli", "--catalog", str(archive.path)]
    done = subprocess.run(run + ["import", str(awkward), "--json"], capture_output=True,
                          check=False)
    assert done.returncode == 0 and json.loads(done.stdout)["added"] == len(NAMES)
    for args in (["list"], ["list", "--json"], ["show", "3"], ["check"]):
        done = subprocess.run(run + args, capture_output=True, check=False)
        assert done.returncode == 0, (args, done.stderr)
        assert b"Traceback" not in done.stderr
    listed = subprocess.run(run + ["list"], capture_output=True, check=False).stdout
    assert len(listed.splitlines()) == len(NAMES)  # one line per photo, newline or not
    assert "\u202e".encode() not in listed


@pytest.mark.parametrize("text", [
    "x" * 1_000_000,
    "bell\x07 and nul\x00 and escape\x1b[31m",
    "\u202eevil override\u202c and \u05e9\u05dc\u05d5\u05dd (Hebrew) and 🏛️📷",
    "<script>alert(1)</script> & Ödön",
])
def test_awkward_text(archive, tmp_path: Path, sample_dir: Path, text: str) -> None:
    Importer(archive, workers=1).run([sample_dir / "loc_fsa_8b26527.jpg"])
    (photo_id,) = query_ids(archive)
    apply_edits(archive, [photo_id], EditRequest(set_values={"caption": text, "title": text}))
    record = get_photo(archive, photo_id)
    assert "\x00" not in record.caption and "\x07" not in record.caption
    assert len(record.caption) >= min(len(text), 1_000_000) - 10
    assert "\n" not in record.title
    words = [w for w in text.split() if w.isalpha()]
    if words:
        assert photo_id in query_ids(archive, words[0])


def test_full_disk_during_an_edit_changes_nothing(archive, sample_dir: Path) -> None:
    from sqlalchemy import event

    from photoarchive.errors import CatalogError

    Importer(archive, workers=1).run([sample_dir])
    ids = query_ids(archive)
    engine = archive.catalog.engine
    engine.dispose()
    pages = engine.connect().exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 1}")  # a disk that is all but full

    engine.dispose()
    with pytest.raises(CatalogError, match="full"):
        apply_edits(archive, ids, EditRequest(set_values={"caption": "y" * 20_000}))
    event.remove(engine, "connect", _small_disk)
    engine.dispose()
    assert {get_photo(archive, i).caption for i in ids} == {None}
    assert query_ids(archive, "yyyy") == []
