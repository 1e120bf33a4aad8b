"""`export gallery|csv|dublin-core` and `import-csv`, run in-process through the real CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from cli_runner import run
from sample_archive import COLLECTION, load_sample

from photoarchive.services import open_archive


@pytest.fixture(scope="module")
def cat(tmp_path_factory, sample_dir: Path) -> str:
    """A catalog with the sample and its metadata (tests that edit it restore it)."""
    path = tmp_path_factory.mktemp("cli-export") / "catalog.sqlite"
    archive = open_archive(path)
    try:
        load_sample(archive, sample_dir)
    finally:
        archive.close()
    return str(path)


def test_export_gallery_of_a_collection(capsys, cat: str, tmp_path: Path) -> None:
    intro = tmp_path / "intro.md"
    intro.write_text("Photographs of *Milwaukee*.\n\n<script>x</script>", encoding="utf-8")
    site = tmp_path / "site"
    args = ["--catalog", cat, "export", "gallery", str(site), "--collection", COLLECTION,
            "--title", "Milwaukee & its people", "--intro", str(intro), "--image-size", "400",
            "--thumb-size", "150", "--workers", "2"]
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["photos"], report["images_made"], report["failed"]) == (12, 12, [])
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Milwaukee &amp; its people</title>" in index
    assert "<em>Milwaukee</em>" in index and "&lt;script&gt;x&lt;/script&gt;" in index
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert "0 image(s) made" in out and "12 unchanged; 0 page(s) written" in out


def test_export_gallery_uses_the_collections_remembered_settings(capsys, cat: str,
                                                                   tmp_path: Path) -> None:
    intro = tmp_path / "intro.md"
    intro.write_text("Our *own* introduction.", encoding="utf-8")
    site = tmp_path / "site"
    base = ["--catalog", cat, "export", "gallery", str(site), "--collection", COLLECTION]
    code, out, err = run(capsys, *base, "--title", "Remembered title", "--intro", str(intro),
                         "--image-size", "300", "--thumb-size", "120")
    assert code == 0, err
    code, out, err = run(capsys, *base)  # no --title, --intro or sizes: as last time
    assert code == 0, err
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<h1>Remembered title</h1>" in index and "<em>own</em>" in index
    assert "0 image(s) made" in out  # same sizes: nothing re-encoded
    assert "Title “Remembered title” and introduction as in the collection's last export" in out
    code, out, err = run(capsys, *base, "--title", "Another", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["settings_from"], report["title"]) == ("remembered", "Another")
    assert "<em>own</em>" in (site / "index.html").read_text(encoding="utf-8")


def test_export_gallery_says_which_photos_lack_a_title_or_alt_text(capsys, cat: str,
                                                                   tmp_path: Path) -> None:
    code, out, err = run(capsys, "--catalog", cat, "export", "gallery", str(tmp_path / "s"),
                         "--collection", COLLECTION, "--image-size", "200",
                         "--thumb-size", "100")
    assert code == 0, err
    line = next(x for x in out.splitlines() if "alt text" in x)
    assert line.strip().startswith("12 of the 12 photos have no alt text")
    command = line.split("To list them: ", 1)[1]
    quoted = f"'collection:\"{COLLECTION}\" missing:alt_text'"
    assert command == f"photoarchive --catalog {cat} list {quoted}"
    assert "no title" not in out  # every photo of the sample has one
    code, listed, err = run(capsys, "--catalog", cat, "list",
                            f'collection:"{COLLECTION}" missing:alt_text')
    assert code == 0 and len(listed.strip().splitlines()) == 12, (listed, err)


def test_export_gallery_usage_errors(capsys, cat: str, tmp_path: Path) -> None:
    base = ["--catalog", cat, "export", "gallery", str(tmp_path / "site")]
    for extra, message in (([], "Say what to publish"),
                           (["--collection", "No such"], "no collection called 'No such'"),
                           (["--collection", COLLECTION, "--theme", "nope"], "no theme called"),
                           (["--collection", COLLECTION, "--intro", str(tmp_path / "x.md")],
                            "Cannot read the introduction"),
                           (["zzzznothing"], "no photos match")):
        code, out, err = run(capsys, *base, *extra)
        assert code == 2, (extra, out, err)
        assert message in err and len(err.strip().splitlines()) == 1, err


def test_csv_round_trip_dry_run_and_apply(capsys, cat: str, tmp_path: Path) -> None:
    out_csv = tmp_path / "photos.csv"
    code, out, err = run(capsys, "--catalog", cat, "export", "csv", str(out_csv), "--bom")
    assert code == 0 and "Wrote 12 photo(s)" in out, err
    code, out, err = run(capsys, "--catalog", cat, "import-csv", str(out_csv))
    assert code == 0 and "Nothing to change" in out, err

    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    old = dict(rows[0])
    rows[0]["caption"] = "=cmd|' /C calc'!A0"
    rows[0]["date"] = "1936-04-15"
    with out_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, err = run(capsys, "--catalog", cat, "import-csv", str(out_csv), "--dry-run")
    assert code == 0, err
    assert f"row 2, photo {old['id']}, date: 1936-04 → 1936-04-15" in out
    assert f"row 2, photo {old['id']}, date_display: April 1936 → 15 April 1936" in out
    assert "(dry run: nothing was changed)" in out
    code, out, err = run(capsys, "--catalog", cat, "show", old["id"], "--json")
    assert json.loads(out)["date"] == "1936-04"

    code, out, err = run(capsys, "--catalog", cat, "import-csv", str(out_csv), "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["applied"] and plan["photos_changed"] == 1
    code, out, err = run(capsys, "--catalog", cat, "show", old["id"], "--json")
    shown = json.loads(out)
    assert (shown["caption"], shown["date"]) == ("=cmd|' /C calc'!A0", "1936-04-15")

    code, out, err = run(capsys, "--catalog", cat, "export", "csv", str(out_csv))
    with out_csv.open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == old["id"])
    assert row["caption"] == "'=cmd|' /C calc'!A0"  # neutralised for spreadsheets
    rows[0].update(caption=old["caption"], date=old["date"], date_display=old["date_display"])
    with out_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, err = run(capsys, "--catalog", cat, "import-csv", str(out_csv))
    assert code == 0, err


def test_import_csv_refuses_a_file_with_a_bad_row(capsys, cat: str, tmp_path: Path) -> None:
    out_csv = tmp_path / "photos.csv"
    run(capsys, "--catalog", cat, "export", "csv", str(out_csv), "city:Milwaukee")
    with out_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["caption"] = "This good change must not be applied"
    rows[3]["date"] = "sometime in spring"
    with out_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, err = run(capsys, "--catalog", cat, "import-csv", str(out_csv))
    assert code == 2
    assert "row 5, date:" in err
    assert err.strip().splitlines()[-1].startswith(
        "photoarchive: error: photos.csv was not applied: 1 problem(s), first row 5, date")
    code, out, err = run(capsys, "--catalog", cat, "show", rows[0]["id"], "--json")
    assert json.loads(out)["caption"] != "This good change must not be applied"


def test_export_dublin_core(capsys, cat: str, tmp_path: Path) -> None:
    out_json = tmp_path / "dc.json"
    code, out, err = run(capsys, "--catalog", cat, "export", "dublin-core", str(out_json),
                         "courthouse")
    assert code == 0 and "Wrote 1 photo(s)" in out, err
    node = json.loads(out_json.read_text(encoding="utf-8"))["@graph"][0]
    assert node["dcterms:creator"] == ["Carl Mydans"]  # repeatable terms: always lists
    assert node["dcterms:isPartOf"] == [COLLECTION]
    assert node["dcterms:date"] == "1936-04"
