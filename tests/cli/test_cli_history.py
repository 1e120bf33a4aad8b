"""`photoarchive history ID`: every change to a photo, newest first; `--json` complete."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from cli_runner import run

from photoarchive.services.editing import user_name

LONG = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben, a mozi előtt, délután"
KEYWORDS = ["forradalom", "Corvin köz", "mozi", "Budapest", "1956", "október", "utca"]


@pytest.fixture
def photo(capsys, tmp_path: Path, sample_dir: Path) -> tuple[str, str]:
    """A catalog with one sample photo, edited twice from the command line: (catalog, id)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy2(sample_dir / "loc_fsa_8b26527.jpg", folder)
    cat = str(tmp_path / "cli.sqlite")
    assert run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")[0] == 0
    code, out, err = run(capsys, "--catalog", cat, "list", "--json")
    photo_id = str(json.loads(out)[0]["id"])
    code, _, err = run(capsys, "--catalog", cat, "edit", photo_id, "--set", f"caption={LONG}")
    assert code == 0, err
    args = [a for k in KEYWORDS for a in ("--add-keyword", k)]
    code, _, err = run(capsys, "--catalog", cat, "edit", photo_id, "--set", "rating=4", *args)
    assert code == 0, err
    return cat, photo_id


def test_history_json_is_complete_and_newest_first(capsys, photo: tuple[str, str]) -> None:
    cat, photo_id = photo
    code, out, err = run(capsys, "--catalog", cat, "history", photo_id, "--json")
    assert code == 0, err
    changes = json.loads(out)
    assert [c["field"] for c in changes][-1] == "caption"
    assert {c["field"] for c in changes[:2]} == {"keywords", "rating"}
    caption = changes[-1]
    assert caption["new"] == LONG and caption["origin"] == "cli"
    assert caption["origin_text"] == "command line" and caption["user"] == user_name()
    keywords = next(c for c in changes if c["field"] == "keywords")
    assert set(KEYWORDS) <= set(json.loads(keywords["new"]))
    times = [datetime.fromisoformat(c["at"]) for c in changes]
    assert times == sorted(times, reverse=True) and all(t.utcoffset() is not None for t in times)


def test_history_text_is_one_short_line_per_change(capsys, photo: tuple[str, str]) -> None:
    cat, photo_id = photo
    changes = json.loads(run(capsys, "--catalog", cat, "history", photo_id, "--json")[1])
    code, out, err = run(capsys, "--catalog", cat, "history", photo_id)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"Photo {photo_id}: {len(changes)} change(s), newest first"
    assert len(lines) == len(changes) + 1
    for line, change in zip(lines[1:], changes, strict=True):
        local = datetime.fromisoformat(change["at"]).astimezone()
        assert line.startswith(f"  {local:%Y-%m-%d %H:%M:%S}  {user_name() or '?'}  "
                               f"command line  {change['field']}: ")
    caption = lines[-1]
    assert LONG not in caption and LONG[:40] in caption and "…" in caption
    keywords = next(line for line in lines if "  keywords: " in line)
    assert "; " in keywords and "more" in keywords and '"' not in keywords
    rating = next(line for line in lines if "  rating: " in line)
    assert rating.endswith("→ '4'")


def test_history_of_an_unknown_photo_is_a_usage_error(capsys, photo: tuple[str, str]) -> None:
    cat, _ = photo
    code, out, err = run(capsys, "--catalog", cat, "history", "4711")
    assert code == 2 and out == ""
    assert err == "photoarchive: error: There is no photo with id 4711.\n"
    code, _, err = run(capsys, "--catalog", cat, "history", "seven")
    assert code == 2 and err.count("\n") == 1 and "not a photo id" in err
