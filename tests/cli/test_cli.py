"""The command line, run in-process: output formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_runner import run

from photoarchive.cli import main


@pytest.fixture(scope="module")
def template(tmp_path_factory, sample_dir: Path) -> Path:
    """The sample imported once; each test works on its own copy of this catalog."""
    path = tmp_path_factory.mktemp("template") / "cli.sqlite"
    assert main(["--catalog", str(path), "import", str(sample_dir), "--workers", "2"]) == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def cat(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


@pytest.fixture
def imported(capsys, cat: str, template: Path) -> list[dict]:
    shutil.copy(template, cat)
    capsys.readouterr()
    code, out, _ = run(capsys, "--catalog", cat, "list", "--json", "--sort", "path")
    photos = json.loads(out)
    assert code == 0 and len(photos) == 12
    return photos


def test_list_json_has_every_field(imported: list[dict]) -> None:
    from photoarchive.services.fields import FIELD_NAMES

    first = imported[0]
    for key in ("id", "path", "width", "height", "format", "taken_at", "collections",
                *FIELD_NAMES):
        assert key in first, key
    assert first["path"].endswith("loc_fsa_8b26527.jpg")
    assert first["format"] == "JPEG" and first["width"] > 0
    assert isinstance(first["keywords"], list)


def test_edit_show_and_search(capsys, cat: str, imported: list[dict]) -> None:
    ids = [str(p["id"]) for p in imported[:3]]
    code, out, err = run(capsys, "--catalog", cat, "edit", *ids, "--set",
                         "caption=Budapest, 1956. október 23.", "date=October 1956",
                         "--add-keyword", "Streets", "--add-person", "Carl Mydans")
    assert code == 0, err
    assert "3 photo(s)" in out
    code, out, _ = run(capsys, "--catalog", cat, "show", ids[0], "--json")
    shown = json.loads(out)
    assert shown["caption"] == "Budapest, 1956. október 23."
    assert (shown["date"], shown["date_display"]) == ("1956-10", "October 1956")
    assert shown["keywords"] == ["Streets"] and shown["people"] == ["Carl Mydans"]
    code, out, _ = run(capsys, "--catalog", cat, "list", "oktober", "keyword:streets",
                       "--json")
    assert sorted(p["id"] for p in json.loads(out)) == sorted(int(i) for i in ids)
    code, out, _ = run(capsys, "--catalog", cat, "show", ids[0])
    assert "Caption:" in out and "October 1956" in out


def test_collections_from_the_command_line(capsys, cat: str, imported: list[dict]) -> None:
    ids = [str(p["id"]) for p in imported[:3]]
    assert run(capsys, "--catalog", cat, "collection", "create", "Milwaukee",
               "--description", "April 1936")[0] == 0
    assert run(capsys, "--catalog", cat, "collection", "add", "Milwaukee", *ids)[0] == 0
    assert run(capsys, "--catalog", cat, "collection", "move", "Milwaukee", ids[2], "1")[0] == 0
    code, out, _ = run(capsys, "--catalog", cat, "collection", "show", "Milwaukee", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["photo_ids"] == [int(ids[2]), int(ids[0]), int(ids[1])]
    assert [p["id"] for p in shown["photos"]] == shown["photo_ids"]
    code, out, _ = run(capsys, "--catalog", cat, "collection", "list", "--json")
    assert code == 0 and json.loads(out)[0]["count"] == 3


@pytest.mark.parametrize("argv, message", [
    (["edit", "1", "--set", "colour=red"], "Unknown field 'colour'"),
    (["edit", "999", "--set", "caption=x"], "no photo with id 999"),
    (["edit", "1", "--set", "date=soon"], "is not a date"),
    (["edit", "one", "--set", "caption=x"], "not a photo id"),
    (["show", "12345"], "no photo with id 12345"),
    (["list", 'caption:"x'], "quote"),
    (["list", "--sort", "colour"], "invalid choice"),
    (["collection", "show", "nope"], "no collection called 'nope'"),
    (["frobnicate"], "invalid choice"),
])
def test_wrong_usage_is_one_line_and_exit_2(capsys, cat: str, imported, argv, message) -> None:
    code, _, err = run(capsys, "--catalog", cat, *argv)
    assert code == 2
    assert message.lower() in err.lower()
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unreadable_catalog_is_refused(capsys, tmp_path: Path) -> None:
    not_a_catalog = tmp_path / "notes.txt"
    not_a_catalog.write_text("my notes, not a database")
    code, _, err = run(capsys, "--catalog", str(not_a_catalog), "list")
    assert code == 2 and "not a photoarchive catalog" in err
    assert not_a_catalog.read_text() == "my notes, not a database"
    code, _, err = run(capsys, "--catalog", str(tmp_path), "list")
    assert code == 2 and "is a folder" in err


def test_check_reports_missing_files(capsys, tmp_path: Path, sample_dir: Path) -> None:
    cat = str(tmp_path / "c.sqlite")
    photo = tmp_path / "photos" / "one.jpg"
    photo.parent.mkdir()
    shutil.copy(sample_dir / "loc_fsa_8b26527.jpg", photo)
    run(capsys, "--catalog", cat, "import", str(photo.parent))
    assert run(capsys, "--catalog", cat, "check")[0] == 0
    photo.unlink()
    code, out, _ = run(capsys, "--catalog", cat, "check")
    assert code == 1 and "missing file" in out and "one.jpg" in out
