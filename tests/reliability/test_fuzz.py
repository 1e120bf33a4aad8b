"""Property and mutation tests of what reads untrusted input: CSV files, photo files and
the text in them. Whatever the input, the answer is a result or one of our typed errors
(a refusal that changes nothing), never another exception. Inputs are small, so every
case ends; how fast is the benchmarks' business, not these tests'.

The examples are the same on every run (tests/conftest.py: derandomized profiles); each
`@example` is an input that once failed."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from photoarchive.errors import PhotoarchiveError
from photoarchive.media.dates import parse_date
from photoarchive.media.mwg import parse_date_taken
from photoarchive.services.export_csv import (
    CsvRejected,
    apply_plan,
    export_csv,
    neutralise,
    plan_import,
    restore,
)
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos

COLUMNS = ["id", "path", "identifier", "title", "caption", "date", "keywords", "rating",
           "latitude", "nonsense", ""]
cells = st.one_of(st.text(max_size=40), st.sampled_from(
    ["1956", "c. 1956", "1956-13", "=cmd()", "1", "999999", "-1", "9", "47.5", "x;y;z",
     '"', "\r\n", "\x00", "'=SUM(A1)", "\u00b9", "\u0661\u0662"]))
FORMULA_START = tuple("=+-@\t\r")
ASCII_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
EDTF_DAY = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory, sample_dir: Path):
    from photoarchive.services import open_archive

    archive = open_archive(tmp_path_factory.mktemp("fuzz") / "c.sqlite")
    Importer(archive, workers=1).run(sorted(sample_dir.glob("*.jpg"))[:3])
    yield archive
    archive.close()


def _catalog(archive) -> list[dict]:
    return [r.to_dict() for r in list_photos(archive)]


def _refused_or_applied(archive, path: Path) -> None:
    """Plan `path`: a typed error, or a plan. A plan with problems is refused by
    `apply_plan` (CsvRejected, with the plan as its report) and changes nothing; a plan
    without is applied, exactly: planning the same file again finds nothing to change."""
    before = _catalog(archive)
    try:
        plan = plan_import(archive, path)
    except PhotoarchiveError as exc:
        assert str(exc)
        assert _catalog(archive) == before
        return
    assert _catalog(archive) == before  # planning changes nothing
    if plan.errors:
        with pytest.raises(CsvRejected) as refused:
            apply_plan(archive, plan)
        assert refused.value.plan is plan and str(refused.value)
        assert _catalog(archive) == before
        return
    apply_plan(archive, plan)
    again = plan_import(archive, path)
    assert not again.errors and again.changes == [], [c.to_dict() for c in again.changes]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(header=["id"], rows=[["\u00b9"]], delimiter=",")  # '¹'.isdigit(), int('¹') raised
@given(header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6),
       rows=st.lists(st.lists(cells, max_size=7), max_size=4),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_csv_is_refused_or_applied(sample_archive, tmp_path: Path, header, rows,
                                          delimiter) -> None:
    """Any CSV text (random columns, cells and delimiter) is refused with a report and
    nothing changed, or applied exactly as planned; nothing else."""
    text = "\n".join(delimiter.join(c.replace("\n", " ") for c in line)
                     for line in [header, *rows])
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _refused_or_applied(sample_archive, path)


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
        _refused_or_applied(sample_archive, path)


def test_mutated_photos_import_or_fail_with_a_reason(archive, tmp_path: Path,
                                                      corpus_dir: Path) -> None:
    """Corpus files with random bytes changed: each is imported, or failed or skipped with
    a reason; nothing else."""
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
    names = {p.name for p in folder.iterdir()}
    report = Importer(archive, workers=2).run([folder])
    imported = {Path(r.path).name for r in list_photos(archive)}
    refused = {Path(p).name: reason for p, reason in report.failed + report.skipped}
    assert len(imported) == report.added
    assert imported | set(refused) == names and not imported & set(refused)
    assert all(reason.strip() for reason in refused.values())
    shutil.rmtree(folder)


@given(st.text(max_size=30))
@example("-\u0661")  # a minus and another script's digit: \d called it a number
@example("'=1")
def test_csv_cells_are_neutralised_and_restored(cell: str) -> None:
    """Every cell a spreadsheet would evaluate gets a leading apostrophe, except a plain
    (0-9) number; importing takes exactly that apostrophe off again."""
    written = neutralise(cell)
    assert restore(written) == cell
    if written.lstrip("'").startswith(FORMULA_START):
        assert written.startswith("'") or ASCII_NUMBER.fullmatch(written)


DATE_TEXT = st.lists(st.sampled_from(
    [*"0123456789:-T .,+Z", "\u00b9", "\u0661", "1956", "2003:12:14", " 12:01:44", "+02:00"]),
    max_size=12).map("".join)


@given(st.one_of(st.text(max_size=30), DATE_TEXT))
@example("\u0661\u0669\u0665\u0666:\u0661\u0660:\u0662\u0663")  # came back as the EDTF date
@example("1956:00:00")
def test_a_date_taken_is_an_edtf_date_or_a_reason(text: str) -> None:
    """What a file says as its date taken gives a reason, or a date of 0-9 digits that the
    date parser reads as itself, and a timestamp that starts with it."""
    found = parse_date_taken(text)
    if isinstance(found, str):
        assert found
        return
    day, stamp = found
    assert EDTF_DAY.fullmatch(day), day
    assert parse_date(day).edtf == day and stamp.startswith(day)
