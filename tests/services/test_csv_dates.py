"""Issue 11, point 8: CSV import and dates a spreadsheet program rewrote.

LibreOffice saved "April 1936" back as "04/01/1936" and the import took it silently. Such
rows are warned about in the plan, and applying refuses the file unless the dates are
accepted. A real LibreOffice round trip runs when LibreOffice is installed."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from sample_archive import load_sample

from photoarchive.services.csv_dates import reformatted_date
from photoarchive.services.export_csv import CsvRejected, apply_plan, export_csv, plan_import
from photoarchive.services.photos import get_photo

FLAGGED = [  # (column, new cell, the catalog's date)
    ("date_display", "04/01/1936", "1936-04"),  # LibreOffice, US locale, the case
    ("date_display", "04/01/36", "1936-04"),  # LibreOffice 7.4's default: a 2-digit year
    ("date_display", "1/4/1936", "1936-04"),
    ("date_display", "10/23/56", "1956-10-23"),
    ("date_display", "23.10.1956", "1956-10-23"),
    ("date_display", "36.04.01.", "1936-04"),  # LibreOffice in a Hungarian locale
    ("date_display", "1936. 04. 01.", "1936-04"),  # Hungarian, written out
    ("date_display", "Apr-36", "1936-04"),  # Excel's "mmm-yy"
    ("date_display", "23-Oct-56", "1956-10-23"),
    ("date_display", "1936-04-01", "1936-04"),
    ("date_display", "13241", "1936-04"),  # a day number
    ("date", "1936-04-01", "1936-04"),  # only the first day of the catalog's month
    ("date", "1936-01-01", "1936"),
    ("date", "1936-04-01 00:00:00", "1936-04"),
    ("date", "1956-10-23T00:00:00", "1956-10-23"),
    ("date", "1936/04/01", None),
]
KEPT = [
    ("date", "1936", "1936-04"),  # a real change of precision
    ("date", "1936-04-15", "1936-04"),  # a day the curator found
    ("date", "1936-01-01", None),
    ("date", "1956-10-23", "1956"),  # not the first day: a day found
    ("date", "c. 1937", "1936~"),
    ("date_display", "April 1936", "1936-04"),
    ("date_display", "c. 1936", "1936~"),
    ("date_display", "1950s", "195X"),
    ("date_display", "late autumn 1956", "1956"),
    ("date_display", "1936", "1936"),
]


@pytest.mark.parametrize(("column", "cell", "current"), FLAGGED)
def test_reformatted_dates_are_named(column: str, cell: str, current: str | None) -> None:
    reason = reformatted_date(column, cell, current)
    assert reason and reason.startswith(f"'{cell}' looks like a date a spreadsheet")


@pytest.mark.parametrize(("column", "cell", "current"), KEPT)
def test_dates_the_curator_wrote_are_not(column: str, cell: str, current: str | None) -> None:
    assert reformatted_date(column, cell, current) is None


def test_a_day_number_says_which_day() -> None:
    assert "(1936-04-01)" in (reformatted_date("date_display", "13241", None) or "")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_the_plan_warns_and_applying_refuses_unless_accepted(archive, sample_dir: Path,
                                                            tmp_path: Path) -> None:
    load_sample(archive, sample_dir)
    out = tmp_path / "photos.csv"
    export_csv(archive, out)
    rows = _rows(out)
    rows[0]["date_display"] = "04/01/1936"
    rows[1]["date"] = "1936-04-01"
    rows[2]["caption"] = "A caption edited in the spreadsheet"
    _write(out, rows)
    first, second = int(rows[0]["id"]), int(rows[1]["id"])
    before = {i: get_photo(archive, i) for i in (first, second)}

    plan = plan_import(archive, out)
    assert plan.ok
    assert [(p.row, p.column) for p in plan.reformatted_dates] == [(2, "date_display"),
                                                                  (3, "date")]
    assert all(p in plan.warnings for p in plan.reformatted_dates)
    assert plan.to_dict()["reformatted_dates"][0]["row"] == 2
    with pytest.raises(CsvRejected, match=r"2 row\(s\) have dates a spreadsheet program "
                                          r"seems to have reformatted \(rows 2, 3\)"):
        apply_plan(archive, plan)
    assert {i: get_photo(archive, i) for i in (first, second)} == before  # nothing applied

    apply_plan(archive, plan_import(archive, out), accept_dates=True)
    assert get_photo(archive, first).date_display == "04/01/1936"
    assert get_photo(archive, second).date == "1936-04-01"


def test_an_unreadable_date_says_a_spreadsheet_may_have_changed_it(
        archive, sample_dir: Path, tmp_path: Path) -> None:
    load_sample(archive, sample_dir)
    out = tmp_path / "photos.csv"
    export_csv(archive, out)
    rows = _rows(out)
    rows[0]["date"] = "Apr-36"
    _write(out, rows)
    plan = plan_import(archive, out)
    (error,) = plan.errors
    assert error.column == "date" and "spreadsheet" in error.message
    assert "format the date columns as Text" in error.message


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (Debian: "
                    "libreoffice-calc-nogui): the real round trip is not run")
def test_a_libreoffice_round_trip_is_caught(archive, sample_dir: Path, tmp_path: Path) -> None:
    load_sample(archive, sample_dir)
    out = tmp_path / "photos.csv"
    export_csv(archive, out)
    saved = tmp_path / "saved"
    assert SOFFICE is not None
    # Open as Calc does with "Detect special numbers" on (US English), save as CSV again.
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--infilter=CSV:44,34,76,1,,1033,false,true",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(saved), str(out)],
                   check=True, capture_output=True, timeout=300)
    changed = {r["date_display"] for r in _rows(saved / "photos.csv")} - {"April 1936"}
    assert changed, "LibreOffice kept 'April 1936' this time: nothing to test"
    plan = plan_import(archive, saved / "photos.csv")
    assert plan.ok and len(plan.reformatted_dates) == 12
    with pytest.raises(CsvRejected, match="--accept-dates"):
        apply_plan(archive, plan)
