"""How the command line takes what a new user types: query words anywhere, paths that do
not exist, a mistyped --catalog, a forgotten --set. Each mistake is one line, exit 2, and
creates or changes nothing."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_runner import run

from photoarchive.cli import main


def one_line_error(err: str, code: int) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def template(tmp_path_factory, sample_dir: Path) -> Path:
    """The sample imported once, three photos titled and keyworded "bridges"."""
    folder = tmp_path_factory.mktemp("usage")
    photos = folder / "photos"
    shutil.copytree(sample_dir, photos)
    for path in (photos, *photos.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the shared copy is read-only
    path = folder / "catalog" / "usage.sqlite"  # not beside the photos: paths stay absolute
    assert main(["--catalog", str(path), "import", str(photos), "--workers", "2"]) == 0
    assert main(["--catalog", str(path), "edit", "1", "2", "3", "--set",
                 "title=Bridge over the river", "--add-keyword", "bridges"]) == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def cat(capsys, tmp_path: Path, template: Path) -> str:
    path = tmp_path / "usage.sqlite"
    shutil.copy(template, path)
    capsys.readouterr()
    return str(path)


def _ids(out: str) -> list[int]:
    return sorted(p["id"] for p in json.loads(out))


# -- 1. query words before, between or after options -----------------------------------------
@pytest.mark.parametrize("argv", [
    ["list", "--json", "keyword:bridges"],
    ["list", "keyword:bridges", "--json"],
    ["list", "--sort", "title", "keyword:bridges", "--json"],
    ["list", "keyword:bridges", "--limit", "5", "bridge", "--json"],
    ["search", "--limit", "5", "--json", "keyword:bridges"],
    ["list", "--json", "--", "keyword:bridges"],
])
def test_query_words_anywhere(capsys, cat: str, argv: list[str]) -> None:
    code, out, err = run(capsys, "--catalog", cat, *argv)
    assert code == 0, err
    assert _ids(out) == [1, 2, 3]


def test_a_word_after_options_can_exclude(capsys, cat: str) -> None:
    # The import runs two workers, so which file became photo 1 varies: exclude it by name.
    code, out, err = run(capsys, "--catalog", cat, "show", "1", "--json")
    assert code == 0, err
    stem = Path(json.loads(out)["path"]).stem.rsplit("_", 1)[-1]
    code, out, err = run(capsys, "--catalog", cat, "list", "keyword:bridges", "--json",
                         f"-{stem}")
    assert code == 0, err
    assert _ids(out) == [2, 3]


def test_status_and_write_metadata_take_a_query_after_options(capsys, cat: str) -> None:
    code, out, err = run(capsys, "--catalog", cat, "status", "--json", "keyword:bridges")
    assert code == 0, err
    assert _ids(out) == [1, 2, 3]
    code, out, err = run(capsys, "--catalog", cat, "write-metadata", "--dry-run", "--json",
                         "keyword:bridges")
    assert code == 0, err
    assert sorted(p["id"] for p in json.loads(out)["photos"]) == [1, 2, 3]
    code, out, err = run(capsys, "--catalog", cat, "reread", "--dry-run", "--json",
                         "keyword:bridges")
    assert code == 0, err
    assert sorted(p["id"] for p in json.loads(out)["photos"]) == [1, 2, 3]


def test_exports_take_a_query_after_options(capsys, cat: str, tmp_path: Path) -> None:
    out_csv = tmp_path / "out.csv"
    code, out, err = run(capsys, "--catalog", cat, "export", "csv", str(out_csv), "--bom",
                         "keyword:bridges")
    assert code == 0, err
    assert "Wrote 3 photo(s)" in out
    text = out_csv.read_text(encoding="utf-8-sig")
    assert sorted(int(r["id"]) for r in csv.DictReader(text.splitlines())) == [1, 2, 3]
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")

    site = tmp_path / "site"
    code, out, err = run(capsys, "--catalog", cat, "export", "gallery", str(site), "--title",
                         "Bridges", "keyword:bridges", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["photos"] == 3 and "Bridges" in (site / "index.html").read_text("utf-8")

    dc = tmp_path / "dc.json"
    code, out, err = run(capsys, "--catalog", cat, "export", "dublin-core", str(dc),
                         "keyword:bridges")
    assert code == 0 and "Wrote 3 photo(s)" in out, err


@pytest.mark.parametrize("argv, helper", [
    (["export", "gallery", "OUT", "--title", "B", "--frobnicate", "keyword:bridges"],
     "photoarchive export gallery --help"),
    (["export", "csv", "OUT", "keyword:bridges", "--colour=red"], "photoarchive export csv --help"),
    (["list", "keyword:bridges", "--frobnicate"], "photoarchive list --help"),
    (["status", "--frobnicate"], "photoarchive status --help"),
    (["collection", "add", "x", "1", "--json"], "photoarchive collection add --help"),
    (["show", "1", "2"], "photoarchive show --help"),
])
def test_unknown_options_are_still_refused(capsys, cat: str, tmp_path: Path, argv: list[str],
                                           helper: str) -> None:
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    code, _out, err = run(capsys, "--catalog", cat, *argv)
    one_line_error(err, code)
    assert "unrecognized arguments" in err and f"see '{helper}'" in err
    assert not (tmp_path / "out").exists()


def test_search_still_needs_a_query(capsys, cat: str) -> None:
    code, _, err = run(capsys, "--catalog", cat, "search", "--limit", "3")
    one_line_error(err, code)
    assert "required: QUERY" in err


# -- 2. relink needs a folder ----------------------------------------------------------------
def test_relink_needs_an_existing_folder(capsys, cat: str, tmp_path: Path) -> None:
    code, out, err = run(capsys, "--catalog", cat, "relink", str(tmp_path / "nonexist"))
    one_line_error(err, code)
    assert f"{tmp_path / 'nonexist'} does not exist" in err and not out
    a_file = tmp_path / "a.txt"
    a_file.write_text("x")
    code, out, err = run(capsys, "--catalog", cat, "relink", str(a_file))
    one_line_error(err, code)
    assert "is a file, not a folder" in err


# -- 3. a mistyped --catalog ------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["list"], ["search", "x"], ["show", "1"], ["check"], ["status"], ["backups"], ["backup"],
    ["collection", "create", "A"], ["collection", "list"], ["edit", "1", "--set", "title=x"],
    ["export", "csv", "OUT"], ["write-metadata"], ["relink", "."],
])
def test_a_catalog_that_does_not_exist_is_not_created(capsys, tmp_path: Path,
                                                      argv: list[str]) -> None:
    catalog = tmp_path / "nodir" / "x.sqlite"
    argv = [str(tmp_path / "out.csv") if a == "OUT" else a for a in argv]
    code, _out, err = run(capsys, "--catalog", str(catalog), *argv)
    one_line_error(err, code)
    assert f"There is no catalog at {catalog}. Import photos to create one: photoarchive " \
           f"--catalog {catalog} import FOLDER" in err
    assert not (tmp_path / "nodir").exists() and not (tmp_path / "out.csv").exists()


def test_the_summary_of_no_catalog_creates_none(capsys, tmp_path: Path) -> None:
    catalog = tmp_path / "nodir" / "x.sqlite"
    code, out, err = run(capsys, "--catalog", str(catalog))
    assert code == 0 and not err
    assert out.startswith(f"Catalog: {catalog} (not created yet)\n0 photos. Start with: "
                          f"photoarchive --catalog {catalog} import FOLDER\n")
    assert "usage: photoarchive" in out and not (tmp_path / "nodir").exists()


def test_the_environment_catalog_is_not_created_either(capsys, tmp_path: Path,
                                                       monkeypatch) -> None:
    catalog = tmp_path / "env" / "x.sqlite"
    monkeypatch.setenv("PHOTOARCHIVE_CATALOG", str(catalog))
    code, _, err = run(capsys, "list")
    one_line_error(err, code)
    assert "photoarchive import FOLDER" in err and not catalog.parent.exists()


def test_import_creates_a_named_catalog(capsys, tmp_path: Path, sample_dir: Path) -> None:
    catalog = tmp_path / "new" / "x.sqlite"
    code, out, err = run(capsys, "--catalog", str(catalog), "import",
                         str(sample_dir / "loc_fsa_8b26527.jpg"))
    assert code == 0 and "1 added" in out, err
    code, out, _ = run(capsys, "--catalog", str(catalog), "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_the_default_catalog_is_not_created_to_be_listed(capsys, tmp_path: Path,
                                                         monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTOARCHIVE_HOME", str(home))
    assert run(capsys, "list") == (0, "The catalog is empty.\n", "")
    assert run(capsys, "status", "--json") == (0, "[]\n", "")
    code, _, err = run(capsys, "show", "1")
    one_line_error(err, code)
    assert "There is no catalog at" in err and "photoarchive import FOLDER" in err
    assert not home.exists()


# -- 4. import: paths that do not exist, skipped files listed ---------------------------------
def test_import_of_a_missing_path_imports_nothing(capsys, tmp_path: Path,
                                                  sample_dir: Path) -> None:
    catalog = tmp_path / "x.sqlite"
    missing = tmp_path / "no-such-folder"
    code, _out, err = run(capsys, "--catalog", str(catalog), "import", str(sample_dir),
                         str(missing))
    one_line_error(err, code)
    assert f"{missing} does not exist; nothing was imported." in err
    assert not catalog.exists()


def test_import_lists_skipped_files_with_reasons(capsys, tmp_path: Path,
                                                 sample_dir: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(sample_dir / "loc_fsa_8b26527.jpg", folder / "a.jpg")
    shutil.copy(sample_dir / "loc_fsa_8b26527.jpg", folder / "copy.jpg")
    for n in range(25):
        (folder / f"note{n:02}.txt").write_text("not a photo")
    code, out, err = run(capsys, "--catalog", str(tmp_path / "x.sqlite"), "import", str(folder))
    assert code == 0, err
    assert "26 skipped" in out
    lines = out.splitlines()
    skipped = [line for line in lines if line.startswith("  skipped: ")]
    assert len(skipped) == 20
    assert any("note00.txt: not an image file" in line for line in skipped)
    assert "  … and 6 more skipped (see --json)" in lines


def test_a_catalog_kept_in_its_photo_folder_is_not_listed_as_skipped(
        capsys, tmp_path: Path, sample_dir: Path, monkeypatch) -> None:
    shutil.copy(sample_dir / "loc_fsa_8b26527.jpg", tmp_path / "a.jpg")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # the second run finds the catalog, its -wal and -shm beside the photo
        code, out, err = run(capsys, "--catalog", "cat.sqlite", "import", ".", "--json")
        assert code == 0, err
        assert json.loads(out)["skipped"] == [], out


# -- 5. an unquoted date with a space ---------------------------------------------------------
@pytest.mark.parametrize("argv, quoted", [
    (["date:c.", "1936"], 'date:"c. 1936"'),
    (["date:October", "23,", "1956", "bridge"], 'date:"October 23, 1956"'),
    (["--limit", "2", "date:circa", "1936"], 'date:"circa 1936"'),
])
def test_a_date_cut_at_a_space_says_to_quote_it(capsys, cat: str, argv, quoted) -> None:
    code, _out, err = run(capsys, "--catalog", cat, "list", *argv)
    one_line_error(err, code)
    assert f"put a date with spaces in quotes: {quoted}." in err
    assert "is not a date" not in err


def test_a_quoted_date_with_a_space_works(capsys, cat: str) -> None:
    code, out, err = run(capsys, "--catalog", cat, "list", 'date:"c. 1936"', "--json")
    assert code == 0 and json.loads(out) == [], err


# -- 8. edit without --set --------------------------------------------------------------------
def test_edit_without_set_suggests_it(capsys, cat: str) -> None:
    code, _, err = run(capsys, "--catalog", cat, "edit", "1", "title=x")
    one_line_error(err, code)
    assert "did you mean --set title=x?" in err
    code, _, err = run(capsys, "--catalog", cat, "edit", "1", "caption=Two words",
                       "--add-keyword", "k")
    one_line_error(err, code)
    assert "'caption=Two words' is not a photo id; did you mean --set 'caption=Two words'?" \
        in err
    _, out, _ = run(capsys, "--catalog", cat, "show", "1", "--json")
    shown = json.loads(out)
    assert shown["title"] == "Bridge over the river" and "k" not in shown["keywords"]


def test_a_move_past_the_end_says_where_the_photo_went(capsys, cat: str) -> None:
    assert run(capsys, "--catalog", cat, "collection", "create", "Box")[0] == 0
    assert run(capsys, "--catalog", cat, "collection", "add", "Box", "1", "2", "3")[0] == 0
    code, out, err = run(capsys, "--catalog", cat, "collection", "move", "Box", "1", "99")
    assert code == 0, err
    assert out.strip() == "Box: photo 1 is now last, at position 3 (there is no position 99)."
    code, out, err = run(capsys, "--catalog", cat, "collection", "move", "Box", "1", "2")
    assert out.strip() == "Box: photo 1 is now at position 2 of 3."


def test_photos_by_number_with_id(capsys, cat: str) -> None:
    code, out, err = run(capsys, "--catalog", cat, "list", "id:1,3", "--json")
    assert code == 0, err
    assert _ids(out) == [1, 3]
    code, out, err = run(capsys, "--catalog", cat, "list", "id:2..4", "-id:3", "--json")
    assert _ids(out) == [2, 4]
    code, out, err = run(capsys, "--catalog", cat, "write-metadata", "--dry-run", "--json",
                         "id:2")
    assert code == 0, err
    assert [p["id"] for p in json.loads(out)["photos"]] == [2]
    code, out, err = run(capsys, "--catalog", cat, "list", "id:two")
    one_line_error(err, code)
    assert "id:10..20" in err


def test_bare_numbers_that_match_nothing_point_to_id(capsys, cat: str) -> None:
    code, out, err = run(capsys, "--catalog", cat, "write-metadata", "--embed", "1", "2")
    assert code == 0, err
    assert "for photos by number: id:1,2" in out
