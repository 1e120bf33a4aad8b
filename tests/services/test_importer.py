"""The import pipeline on the real shared corpus (read in place) and on copies we change."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from manifest import read_manifest
from PIL import Image

from photoarchive.services import open_archive
from photoarchive.services.browse import thumbnail_path
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer, ImportReport
from photoarchive.services.photos import get_photo, list_photos, query_ids


@pytest.fixture(scope="module")
def corpus_import(tmp_path_factory, corpus_dir: Path):
    """The whole corpus imported once into one catalog: (archive, report)."""
    archive = open_archive(tmp_path_factory.mktemp("corpus") / "catalog.sqlite")
    report = Importer(archive, workers=2).run([corpus_dir])
    yield archive, report
    archive.close()


def _by_name(archive) -> dict[str, object]:
    return {Path(r.path).name: r for r in list_photos(archive)}


def test_every_file_is_accounted_for(corpus_import, corpus_dir: Path) -> None:
    archive, report = corpus_import
    files = {p.name for p in corpus_dir.iterdir() if not p.name.startswith(".")}
    imported = set(_by_name(archive))
    failed = {Path(p).name for p, _ in report.failed}
    skipped = {Path(p).name for p, _ in report.skipped}
    assert imported | failed | skipped == files
    assert not imported & failed
    assert report.added == len(imported)
    assert all(error.strip() for _, error in report.failed)
    assert {"README.md", "MANIFEST.tsv"} <= skipped


def test_manifest_outcomes(corpus_import, corpus_dir: Path) -> None:
    """'load ok' files import; files Pillow cannot open fail with a reason."""
    archive, report = corpus_import
    manifest = read_manifest(corpus_dir)
    imported = _by_name(archive)
    failed = {Path(p).name: e for p, e in report.failed}
    for name, row in manifest.items():
        outcome = row["pillow_13.0_result"]
        if outcome == "load ok":
            assert name in imported, (name, failed.get(name))
        elif outcome.startswith(("open fails", "opens, load fails")) and "heic" not in name:
            assert name in failed or name in {
                Path(p).name: r for p, r in report.skipped}, name
    assert "pixels" in failed["decompression_bomb.gif"]


def test_iptc_reference_image(corpus_import) -> None:
    archive, _ = corpus_import
    (found,) = list_photos(archive, "ref2017.1 keyword:Keyword1ref2017.1")
    assert found.path.endswith("IPTC-PhotometadataRef-Std2017.1.jpg")
    assert found.title == "The Title (ref2017.1)"
    assert found.headline == "The Headline (ref2017.1)"
    assert found.caption == "The description aka caption (ref2017.1)"
    assert "Creator1 (ref2017.1)" in found.creator
    assert found.keywords == ["Keyword1ref2017.1", "Keyword2ref2017.1", "Keyword3ref2017.1"]
    assert "City" in found.city and "ref2017.1" in found.city
    assert "Country" in found.country and "ref2017.1" in found.country
    assert found.credit == "Credit Line (ref2017.1)"
    assert found.source == "Source (ref2017.1)"
    assert found.rights.startswith("Copyright (Notice) 2017.1 IPTC")
    assert found.date == "2017-07-13"


def test_mwg_precedence_and_charsets(corpus_import) -> None:
    archive, _ = corpus_import
    photos = _by_name(archive)
    mwg = photos["MWG.jpg"]
    assert mwg.caption == "RIGHT-EXIF-Description"
    assert mwg.keywords == ["RIGHT1of2-XMP-Keywords", "RIGHT2of2-XMP-Keywords"]
    assert "RIGHT1of2-EXIF-Creator" in mwg.creator
    assert (mwg.width, mwg.height) == (8, 8)
    latin1 = photos["Nikon E995 (iptc).jpg"]
    assert "Dateigröße" in latin1.caption and "\r" not in latin1.caption
    canberra = photos["sigal-iptcTest-1.jpg"]
    assert canberra.latitude == pytest.approx(-35.295758, abs=1e-4)
    assert canberra.longitude == pytest.approx(149.126572, abs=1e-4)
    assert photos["exif_gps.jpg"].latitude is None  # a bogus 4294967295 is not a place


def test_orientations_give_same_shaped_thumbnails(corpus_import) -> None:
    archive, _ = corpus_import
    photos = _by_name(archive)
    shapes = set()
    for n in range(1, 9):
        record = photos[f"Landscape_{n}.jpg"]
        assert (record.width, record.height) == (1800, 1200), n
        with Image.open(thumbnail_path(archive, record.content_hash)) as thumb:
            shapes.add(thumb.size)
    assert len(shapes) == 1 and next(iter(shapes))[0] > next(iter(shapes))[1]


def test_reimport_is_fast_and_adds_nothing(corpus_import, corpus_dir: Path) -> None:
    archive, first = corpus_import
    again = Importer(archive, workers=2).run([corpus_dir])
    assert (again.added, again.updated, again.relinked) == (0, 0, 0)
    assert again.unchanged == first.added
    assert again.seconds < first.seconds / 3


def _copy_sample(sample_dir: Path, dest: Path, names: list[str]) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(sample_dir / n, dest / n)) for n in names]


def test_moved_changed_and_duplicate_files(archive, tmp_path: Path, sample_dir: Path) -> None:
    names = sorted(p.name for p in sample_dir.glob("*.jpg"))[:3]
    a, b, c = _copy_sample(sample_dir, tmp_path / "roll", names)
    first = Importer(archive, workers=1).run([tmp_path / "roll"])
    assert first.added == 3
    moved_id = query_ids(archive, a.name)[0]
    apply_edits(archive, [moved_id], EditRequest(set_values={"caption": "Kept after a move"}))
    # Move a; change b in place (new pixels, same path); copy c (a duplicate).
    (tmp_path / "moved").mkdir()
    a.rename(tmp_path / "moved" / "renamed.jpg")
    changed_id = query_ids(archive, b.name)[0]
    before = get_photo(archive, changed_id)
    apply_edits(archive, [changed_id], EditRequest(set_values={"title": "Curator's title"}))
    with Image.open(b) as img:
        img.rotate(90, expand=True).save(b, quality=80)
    os.utime(b, (time.time() + 5, time.time() + 5))
    shutil.copy(c, tmp_path / "moved" / "copy-of-c.jpg")
    report: ImportReport = Importer(archive, workers=1).run([tmp_path])
    assert (report.added, report.updated, report.relinked) == (0, 1, 1)
    assert any("same content as photo" in r for _, r in report.skipped)
    moved = get_photo(archive, moved_id)
    assert moved.path.endswith("moved/renamed.jpg") and moved.caption == "Kept after a move"
    changed = get_photo(archive, changed_id)
    assert changed.title == "Curator's title"
    assert (changed.width, changed.height) == (before.height, before.width)
    assert len(query_ids(archive)) == 3


def test_unreadable_and_odd_entries_are_reported(archive, tmp_path: Path,
                                                 sample_dir: Path) -> None:
    folder = tmp_path / "box"
    _copy_sample(sample_dir, folder, ["loc_fsa_8b26527.jpg"])
    (folder / "loop").symlink_to(folder)
    (folder / "dangling.jpg").symlink_to(tmp_path / "nowhere.jpg")
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.txt").write_text("scanned 2024")
    report = Importer(archive, workers=1).run([folder, tmp_path / "does-not-exist"])
    reasons = {Path(p).name: e for p, e in report.failed}
    assert report.added == 1
    assert "loop" in reasons["loop"]
    assert "dangling" in reasons["dangling.jpg"]
    assert "empty" in reasons["empty.jpg"]
    assert "does not exist" in reasons["does-not-exist"]
    assert ("notes.txt" in {Path(p).name for p, _ in report.skipped})


def test_cancel_stops_cleanly_and_rerun_finishes(archive, tmp_path: Path,
                                                 sample_dir: Path) -> None:
    from photoarchive.services.tasks import CancelToken

    token = CancelToken()

    class CancelAfterFirst:
        def start(self, total: int, what: str) -> None: ...
        def advance(self, done: int, total: int, current: str = "") -> None:
            token.cancel()
        def finish(self) -> None: ...

    report = Importer(archive, workers=1, progress=CancelAfterFirst(), cancel=token).run(
        [sample_dir])
    assert report.cancelled and 1 <= report.added < 12
    rest = Importer(archive, workers=2).run([sample_dir])
    assert rest.added + report.added == 12 and not rest.failed
