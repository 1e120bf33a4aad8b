"""A photo's history: every edit-log row for it, newest first, with who, where and what."""

from __future__ import annotations

import json
import shutil
from datetime import UTC
from pathlib import Path

import pytest

from photoarchive.errors import NotFound
from photoarchive.services.editing import EditRequest, apply_edits, apply_values, user_name
from photoarchive.services.history import describe_origin, photo_history
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos
from photoarchive.services.writeback import write_metadata

SAMPLES = ("loc_fsa_8b26527.jpg", "loc_fsa_8b26528.jpg")


def imported(archive, sample_dir: Path, tmp_path: Path) -> list[int]:
    """The sample photos copied to `tmp_path` and imported; their ids by file name."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy2(sample_dir / name, folder / name)
    assert Importer(archive, workers=1).run([folder]).added == len(SAMPLES)
    by_name = {Path(r.path).name: r.id for r in list_photos(archive, "")}
    return [by_name[name] for name in SAMPLES]


@pytest.fixture
def edited(archive, sample_dir: Path, tmp_path: Path) -> tuple[int, int, dict]:
    """Photo one edited from the command line and the window, the window's caption undone,
    then its sidecar written; photo two edited once. Returns both ids and photo one's
    values before the edits."""
    first, second = imported(archive, sample_dir, tmp_path)
    before = get_photo(archive, first).to_dict()
    apply_edits(archive, [first], EditRequest(set_values={"title": "Tram in Budapest"}),
                origin="cli")
    apply_edits(archive, [first, second],
                EditRequest(set_values={"caption": "Line 6 at Oktogon, 1936"},
                            add_keywords=["tram", "Budapest"]), origin="gui")
    apply_values(archive, {first: {"caption": before["caption"]}}, origin="gui")  # undo
    report = write_metadata(archive, [first], "sidecar")
    assert report.count("written") == 1, report.to_dict()
    return first, second, before


def test_history_lists_every_change_newest_first(archive, edited) -> None:
    first, _second, before = edited
    changes = photo_history(archive, first)
    rows = [(c.origin, c.field, c.old, c.new) for c in changes]
    window_edit = {r[1]: r for r in rows[2:4]}  # one transaction: its rows in either order
    keywords = json.loads(window_edit["keywords"][3])
    assert rows[:2] == [
        ("write", "files", None, "written: sidecar"),
        ("gui", "caption", "Line 6 at Oktogon, 1936", before["caption"]),  # the undo
    ]
    assert window_edit == {
        "caption": ("gui", "caption", before["caption"], "Line 6 at Oktogon, 1936"),
        "keywords": ("gui", "keywords", json.dumps(before["keywords"], ensure_ascii=False),
                     json.dumps(keywords, ensure_ascii=False)),
    }
    assert rows[4:] == [("cli", "title", before["title"], "Tram in Budapest")]
    assert {"tram", "Budapest"} <= set(keywords)
    assert [c.at for c in changes] == sorted((c.at for c in changes), reverse=True)
    assert all(c.at.tzinfo is UTC for c in changes)
    assert {c.user for c in changes} == {user_name()}
    assert [c.origin_text for c in changes][-1] == "command line"
    assert changes[1].origin_text == "window"
    assert changes[0].to_dict()["at"].endswith("+00:00")


def test_history_is_per_photo(archive, edited) -> None:
    first, second, _ = edited
    changes = photo_history(archive, second)
    assert {c.field for c in changes} == {"caption", "keywords"}
    assert all(c.origin == "gui" for c in changes)
    assert not {c.id for c in changes} & {c.id for c in photo_history(archive, first)}


def test_a_photo_never_edited_has_no_history(archive, sample_dir: Path, tmp_path: Path) -> None:
    first, _ = imported(archive, sample_dir, tmp_path)
    assert photo_history(archive, first) == []


def test_an_unknown_photo_is_not_found(archive) -> None:
    with pytest.raises(NotFound, match="no photo with id 4711"):
        photo_history(archive, 4711)


def test_origins_in_words() -> None:
    assert describe_origin("cli") == "command line"
    assert describe_origin("csv") == "CSV import"
    assert describe_origin("reread") == "re-read from the files"
    assert describe_origin("something new") == "something new"
