"""A catalog kept in its photo folder moves with it: paths inside are stored relative."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from photoarchive.services import open_archive
from photoarchive.services.check import check
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos, query_ids


def test_catalog_and_photos_move_together(tmp_path: Path, sample_dir: Path) -> None:
    root = tmp_path / "disk A" / "archive"
    (root / "scans").mkdir(parents=True)
    for src in sorted(sample_dir.glob("*.jpg"))[:3]:
        shutil.copy(src, root / "scans" / src.name)
    outside = tmp_path / "elsewhere.jpg"
    shutil.copy(sorted(sample_dir.glob("*.jpg"))[5], outside)
    archive = open_archive(root / "catalog.sqlite")
    Importer(archive, workers=1).run([root / "scans", outside])
    first = query_ids(archive, sort="path")
    apply_edits(archive, first, EditRequest(set_values={"caption": "Kept"}))
    assert all(Path(r.path).is_absolute() for r in list_photos(archive))
    archive.close()
    stored = {p for (p,) in sqlite3.connect(root / "catalog.sqlite").execute(
        "SELECT path FROM photo")}
    assert stored == {"scans/" + p.name for p in (root / "scans").iterdir()} | {str(outside)}

    moved = tmp_path / "disk B" / "archive 2"
    moved.parent.mkdir()
    shutil.move(root, moved)
    archive = open_archive(moved / "catalog.sqlite")
    try:
        paths = {r.id: r.path for r in list_photos(archive)}
        assert all(p.startswith(str(moved / "scans")) for i, p in paths.items()
                   if p != str(outside))
        report = check(archive)
        assert report.missing_files == [] and report.ok
        assert get_photo(archive, first[0]).caption == "Kept"
        again = Importer(archive, workers=1).run([moved / "scans"])
        assert again.unchanged == 3 and again.added == 0
        name = min(sample_dir.glob("*.jpg")).stem
        assert len(query_ids(archive, name)) == 1  # still found by its file name
    finally:
        archive.close()


def test_old_absolute_paths_inside_the_root_are_converted(tmp_path: Path,
                                                          sample_dir: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    photo = root / "a.jpg"
    shutil.copy(min(sample_dir.glob("*.jpg")), photo)
    archive = open_archive(root / "c.sqlite")
    Importer(archive, workers=1).run([photo])
    archive.close()
    conn = sqlite3.connect(root / "c.sqlite")
    conn.execute("UPDATE photo SET path = ?", (str(photo),))  # as an older catalog had it
    conn.commit()
    conn.close()
    archive = open_archive(root / "c.sqlite")
    try:
        assert [r.path for r in list_photos(archive)] == [str(photo)]
        assert Importer(archive, workers=1).run([photo]).unchanged == 1
    finally:
        archive.close()
    stored = sqlite3.connect(root / "c.sqlite").execute("SELECT path FROM photo").fetchall()
    assert stored == [("a.jpg",)]
