"""CSV export and import: round trip, per-field diff, all-or-nothing, formula neutralisation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sample_archive import load_sample
from sqlalchemy import func, select

from photoarchive.catalog.models import Edit
from photoarchive.services.editing import apply_values
from photoarchive.services.export_csv import (
    COLUMNS,
    CsvRejected,
    apply_plan,
    export_csv,
    import_csv,
    neutralise,
    plan_import,
    restore,
)
from photoarchive.services.fields import FIELD_NAMES
from photoarchive.services.photos import get_photo


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _edit_count(archive) -> int:
    with archive.reader() as session:
        return session.scalar(select(func.count()).select_from(Edit)) or 0


def test_round_trip_of_the_sample_is_a_no_op(archive, sample_dir: Path, tmp_path: Path) -> None:
    ids = load_sample(archive, sample_dir)
    out = tmp_path / "photos.csv"
    assert export_csv(archive, out) == 12
    rows = _read(out)
    assert list(rows[0]) == ["id", "path", *FIELD_NAMES]
    first = next(r for r in rows if int(r["id"]) == ids[0])
    assert first["title"] == get_photo(archive, ids[0]).title
    assert first["keywords"] == "Housing; Places|USA|Milwaukee"
    assert first["date"] == "1936-04" and first["date_display"] == "April 1936"
    before = _edit_count(archive)
    plan = import_csv(archive, out)
    assert (plan.rows, plan.matched, plan.changes, plan.errors) == (12, 12, [], [])
    assert not plan.applied and _edit_count(archive) == before


def test_changed_caption_and_date_show_a_diff_then_apply(archive, three_photos,
                                                         tmp_path: Path) -> None:
    first, second, third = three_photos
    apply_values(archive, {second: {"date": "1956-10-23", "people": ["Smith, John"]},
                           third: {"caption": "Line one\nline two", "longitude": -87.9}})
    out = tmp_path / "photos.csv"
    export_csv(archive, out)
    rows = _read(out)
    rows[0]["caption"] = "Budapest, 1956. október 23."
    rows[1]["date"] = "c. 1956"
    _write(out, rows)

    plan = plan_import(archive, out)
    assert plan.errors == []
    diff = {(c.photo_id, c.field): (c.old, c.new) for c in plan.changes}
    assert diff == {(first, "caption"): ("Caption 1", "Budapest, 1956. október 23."),
                    (second, "date"): ("1956-10-23", "1956~"),
                    (second, "date_display"): ("23 October 1956", "c. 1956")}
    assert get_photo(archive, first).caption == "Caption 1"  # planning changes nothing

    changes = apply_plan(archive, plan)
    assert changes.photo_ids == {first, second} and plan.applied
    assert get_photo(archive, first).caption == "Budapest, 1956. október 23."
    record = get_photo(archive, second)
    assert (record.date, record.date_display, record.people) == ("1956~", "c. 1956",
                                                                  ["Smith, John"])
    assert get_photo(archive, third).caption == "Line one\nline two"
    with archive.reader() as session:
        origins = set(session.scalars(select(Edit.origin).where(Edit.photo_id == first)))
    assert origins == {"csv"}
    again = import_csv(archive, out)  # applying twice: nothing more to do, and the file's
    assert again.changes == []        # old date_display text does not pin the old date
    assert [(w.row, w.column) for w in again.warnings] == [(3, "date_display")]


def test_a_bad_row_refuses_the_whole_file(archive, three_photos, tmp_path: Path) -> None:
    first, second, _ = three_photos
    out = tmp_path / "photos.csv"
    export_csv(archive, out)
    rows = _read(out)
    rows[0]["caption"] = "A good change"
    rows[1]["date"] = "32 Octember 1956"
    rows[2]["rating"] = "9"
    rows.append({**rows[2], "id": "999", "rating": "0"})
    _write(out, rows)
    before = _edit_count(archive)
    plan = plan_import(archive, out)
    problems = [(p.row, p.column) for p in plan.errors]
    assert problems == [(3, "date"), (4, "rating"), (5, None)]
    assert "there is no photo with id '999'" in str(plan.errors[2])
    with pytest.raises(CsvRejected, match=r"3 problem\(s\), first row 3, date"):
        import_csv(archive, out)
    assert get_photo(archive, first).caption == "Caption 1"
    assert get_photo(archive, second).date is None
    assert _edit_count(archive) == before


def test_rows_match_by_id_then_identifier_then_path(archive, three_photos,
                                                    tmp_path: Path) -> None:
    _, second, third = three_photos
    apply_values(archive, {second: {"identifier": "LC-DIG-fsa-8b28631"}})
    out = tmp_path / "partial.csv"
    _write(out, [{"identifier": "LC-DIG-fsa-8b28631", "path": "", "caption": "By identifier",
                  "shoe size": "44"},
                 {"identifier": "", "path": "/archive/roll1/3.jpg", "caption": "By path",
                  "shoe size": ""},
                 {"identifier": "", "path": "/nowhere.jpg", "caption": "x", "shoe size": ""}])
    plan = plan_import(archive, out)
    assert plan.unknown_columns == ["shoe size"]
    assert [str(p) for p in plan.errors] == ["row 4: no photo has this path"]
    assert {(c.photo_id, c.new) for c in plan.changes} == {(second, "By identifier"),
                                                           (third, "By path")}
    assert "shoe size" in str(plan.warnings[0])


def test_formula_cells_are_neutralised_and_restored(archive, three_photos,
                                                    tmp_path: Path) -> None:
    first = three_photos[0]
    apply_values(archive, {first: {
        "caption": '=HYPERLINK("http://evil.example","click")', "title": "+1+1",
        "creator": "@SUM(A1)", "notes": "-2+3", "headline": "'=already quoted",
        "longitude": -87.9, "rating": -1}})
    out = tmp_path / "photos.csv"
    export_csv(archive, out, bom=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    row = next(r for r in _read(out) if int(r["id"]) == first)
    assert row["caption"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (row["title"], row["creator"], row["notes"]) == ("'+1+1", "'@SUM(A1)", "'-2+3")
    assert row["headline"] == "''=already quoted"
    assert (row["longitude"], row["rating"]) == ("-87.9", "-1")  # numbers are not formulas
    for cell in row.values():
        assert cell[:1] not in ("=", "+", "@") and not cell.startswith("-2")
    assert import_csv(archive, out).changes == []  # and they come back unchanged
    assert restore(neutralise("=1")) == "=1" and restore("'plain") == "'plain"


def test_semicolon_files_and_clearing_a_value(archive, three_photos, tmp_path: Path) -> None:
    first = three_photos[0]
    out = tmp_path / "semicolons.csv"
    out.write_text(f"id;title;keywords\n{first};;\"Streets; Budapest\"\n", encoding="utf-8")
    plan = import_csv(archive, out)
    assert plan.applied and not plan.errors
    record = get_photo(archive, first)
    assert record.title is None and sorted(record.keywords) == ["Budapest", "Streets"]


def test_files_that_cannot_be_imported(archive, three_photos, tmp_path: Path) -> None:
    from photoarchive.errors import UsageError

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(UsageError, match="empty"):
        plan_import(archive, empty)
    no_key = tmp_path / "nokey.csv"
    no_key.write_text("caption\nhello\n")
    with pytest.raises(UsageError, match="no id, identifier or path column"):
        plan_import(archive, no_key)
    with pytest.raises(UsageError, match="Cannot read"):
        plan_import(archive, tmp_path / "missing.csv")
    assert COLUMNS[:2] == ("id", "path")
