"""Moved photos: found missing by check, found again by relink, captions kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from photoarchive.cli import main
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, query_ids


def test_relink_after_moving_a_folder(archive, tmp_path: Path, sample_dir: Path, capsys) -> None:
    old = tmp_path / "old disk" / "1936"
    old.mkdir(parents=True)
    for src in sorted(sample_dir.glob("*.jpg"))[:4]:
        shutil.copy(src, old / src.name)
    Importer(archive, workers=1).run([old])
    ids = query_ids(archive, sort="path")
    apply_edits(archive, ids[:2], EditRequest(set_values={"caption": "Milwaukee, April 1936"}))
    new = tmp_path / "new disk" / "archive" / "box 7"
    new.parent.mkdir(parents=True)
    shutil.move(old, new)
    cat = str(archive.path)
    assert main(["--catalog", cat, "check"]) == 1
    assert "missing file" in capsys.readouterr().out
    assert get_photo(archive, ids[0]).missing
    assert main(["--catalog", cat, "relink", str(new.parent), "--dry-run"]) == 0
    assert "Would relink 4" in capsys.readouterr().out
    assert get_photo(archive, ids[0]).path.startswith(str(old))
    assert main(["--catalog", cat, "relink", str(new.parent)]) == 0
    assert "Relinked 4 photo(s); 0 still missing" in capsys.readouterr().out
    moved = get_photo(archive, ids[0])
    assert moved.path.startswith(str(new)) and moved.caption == "Milwaukee, April 1936"
    assert main(["--catalog", cat, "check"]) == 0
    assert not get_photo(archive, ids[0]).missing
