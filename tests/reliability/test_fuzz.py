"""Property and mutation tests of what reads untrusted input: CSV files and photo files.
No input may raise anything but our typed errors, and every case is bounded in time."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from photoarchive.errors import PhotoarchiveError
from photoarchive.services.export_csv import apply_plan, export_csv, plan_import
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos

COLUMNS = ["id", "path", "identifier", "title", "caption", "date", "keywords", "rating",
           "latitude", "nonsense", ""]
cells = st.one_of(st.text(max_size=40), st.sampled_from(
    ["1956", "c. 1956", "1956-13", "=cmd()", "1", "999999", "-1", "9", "47.5", "x;y;z",
     '"', "\r\n", "\x00", "'=SUM(A1)"]))


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory, sample_dir: Path):
    from photoarchive.services import open_archive

    archive = open_archive(tmp_path_factory.mktemp("fuzz") / "c.sqlite")
    Importer(archive, workers=1).run(sorted(sample_dir.glob("*.jpg"))[:3])
    yield archive
    archive.close()


@settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6),
       rows=st.lists(st.lists(cells, max_size=7), max_size=4),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_csv_never_crashes(sample_archive, tmp_path: Path, header, rows,
                                  delimiter) -> None:
    text = "\n".join(delimiter.join(c.replace("\n", " ") for c in line)
                     for line in [header, *rows])
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = [r.to_dict() for r in list_photos(sample_archive)]
    try:
        plan = plan_import(sample_archive, path)
    except PhotoarchiveError:
        return
    if plan.errors:
        with pytest.raises(PhotoarchiveError):
            apply_plan(sample_archive, plan)
        assert [r.to_dict() for r in list_photos(sample_archive)] == before


def test_mutated_csv_exports(sample_archive, tmp_path: Path) -> None:
    """Byte-level mutations of a real export: refused with a report or applied, nothing else."""
    good = tmp_path / "good.csv"
    export_csv(sample_archive, good)
    data = good.read_bytes()
    rng = random.Random(7)
    for n in range(40):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        path = tmp_path / f"m{n}.csv"
        path.write_bytes(bytes(mutated))
        try:
            plan_import(sample_archive, path)
        except PhotoarchiveError:
            pass


def test_mutated_photos_import_or_fail_with_a_reason(archive, tmp_path: Path,
                                                      corpus_dir: Path) -> None:
    """Corpus files with random bytes changed: imported, or failed with a reason."""
    folder = tmp_path / "mutants"
    folder.mkdir()
    rng = random.Random(1956)
    sources = ["IPTC-PhotometadataRef-Std2017.1.jpg", "MWG.jpg", "XMP.jpg", "exif.png",
               "flower.webp", "ExifTool.tif", "hopper.gif", "Canon_40D.jpg"]
    for name in sources:
        data = (corpus_dir / name).read_bytes()
        for n in range(6):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 40)):
                mutated[rng.randrange(min(len(mutated), 4096))] = rng.randrange(256)
            (folder / f"{n}-{name}").write_bytes(bytes(mutated))
    report = Importer(archive, workers=2).run([folder])
    assert report.added + len(report.failed) + len(report.skipped) == len(sources) * 6
    assert all(reason.strip() for _, reason in report.failed)
    shutil.rmtree(folder)
