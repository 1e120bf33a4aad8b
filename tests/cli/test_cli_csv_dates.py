"""Issue 11, point 8 on the command line: `import-csv --dry-run` gives a warning line per row
whose date a spreadsheet program seems to have reformatted; the real run refuses the file
(nothing changed) unless `--accept-dates`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cli_runner import run
from PIL import Image


def test_import_csv_flags_and_refuses_reformatted_dates(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for shade, name in enumerate(("a", "b")):
        Image.new("RGB", (32, 24), (60, 70, 80 + 90 * shade)).save(folder / f"{name}.jpg")
    cat = str(tmp_path / "catalog.sqlite")
    assert run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")[0] == 0
    run(capsys, "--catalog", cat, "edit", "1", "2", "--set", "date=April 1936")
    out = tmp_path / "photos.csv"
    assert run(capsys, "--catalog", cat, "export", "csv", str(out))[0] == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["date_display"] for r in rows} == {"April 1936"}
    rows[0]["date_display"] = "04/01/1936"  # the LibreOffice round trip
    rows[1]["date"] = "1936-04-01"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    code, stdout, stderr = run(capsys, "--catalog", cat, "import-csv", str(out), "--dry-run")
    assert code == 0
    warnings = [line for line in stderr.splitlines() if "looks like a date a spreadsheet" in line]
    assert [w.split(":")[0].strip() for w in warnings] == ["warning", "warning"]
    assert "row 2, date_display: '04/01/1936'" in warnings[0]
    assert "row 3, date: '1936-04-01'" in warnings[1]
    assert "refuses the file unless --accept-dates" in stdout

    code, _, stderr = run(capsys, "--catalog", cat, "import-csv", str(out))
    assert code == 2 and "was not applied: 2 row(s) have dates" in stderr
    assert "Nothing was changed" in stderr and "--accept-dates" in stderr
    shown = json.loads(run(capsys, "--catalog", cat, "list", "--json")[1])
    assert {(p["date"], p["date_display"]) for p in shown} == {("1936-04", "April 1936")}

    code, stdout, _ = run(capsys, "--catalog", cat, "import-csv", str(out), "--accept-dates")
    assert code == 0 and "Changed" in stdout
    shown = json.loads(run(capsys, "--catalog", cat, "list", "--json")[1])
    assert {(p["date"], p["date_display"]) for p in shown} == {
        ("1936-04", "04/01/1936"), ("1936-04-01", "1 April 1936")}
