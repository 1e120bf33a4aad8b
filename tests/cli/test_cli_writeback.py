"""`write-metadata`, `status` and `reread` on the command line, run in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_runner import run

from photoarchive.services import open_archive

HU = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben"
OUTSIDE = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>
 <rdf:li xml:lang="x-default">Retitled elsewhere</rdf:li></rdf:Alt></dc:title>
 </rdf:Description></rdf:RDF></x:xmpmeta>"""




@pytest.fixture
def setup(capsys, tmp_path: Path, corpus_dir: Path) -> tuple[str, Path, dict[str, int]]:
    """A catalog with two imported copies: (catalog, folder, ids by file name)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("IPTC.jpg", "PNG.png"):
        shutil.copyfile(corpus_dir / name, folder / name)
    cat = str(tmp_path / "cli.sqlite")
    code, _, err = run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")
    assert code == 0, err
    _, out, _ = run(capsys, "--catalog", cat, "list", "--json")
    return cat, folder, {Path(p["path"]).name: p["id"] for p in json.loads(out)}


def test_write_status_and_reread(capsys, setup) -> None:
    cat, folder, ids = setup
    code, out, _ = run(capsys, "--catalog", cat, "status")
    assert (code, out.strip()) == (0, "2 in sync.")
    run(capsys, "--catalog", cat, "edit", *map(str, ids.values()), "--set", f"title={HU}")
    code, out, _ = run(capsys, "--catalog", cat, "status", "--json")
    assert {s["state"] for s in json.loads(out)} == {"catalog newer"}

    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, out, _ = run(capsys, "--catalog", cat, "write-metadata", "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0 and report["dry_run"]
    assert {p["outcome"] for p in report["photos"]} == {"would write"}
    assert sorted(f for p in report["photos"] for f in p["files"]) == [
        str(folder / "IPTC.jpg.xmp"), str(folder / "PNG.png.xmp")]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    code, out, _ = run(capsys, "--catalog", cat, "write-metadata")
    assert code == 0 and "Wrote sidecars for 2 of 2 photo(s)" in out
    assert (folder / "IPTC.jpg.xmp").is_file() and (folder / "PNG.png.xmp").is_file()
    assert run(capsys, "--catalog", cat, "status")[1].strip() == "2 in sync."

    (folder / "PNG.png.xmp").write_text(OUTSIDE, encoding="utf-8")
    code, out, _ = run(capsys, "--catalog", cat, "status")
    assert "file newer" in out and "the sidecar changed" in out
    code, out, _ = run(capsys, "--catalog", cat, "write-metadata")
    assert code == 1 and "skipped" in out and "reread" in out
    code, out, _ = run(capsys, "--catalog", cat, "reread", "--dry-run")
    assert code == 0
    assert f"title: '{HU}' → 'Retitled elsewhere'" in out and "nothing applied" in out
    code, out, _ = run(capsys, "--catalog", cat, "reread", "--json")
    assert json.loads(out)["applied"]
    _, out, _ = run(capsys, "--catalog", cat, "show", str(ids["PNG.png"]), "--json")
    assert json.loads(out)["title"] == "Retitled elsewhere"
    assert run(capsys, "--catalog", cat, "status")[1].strip() == "2 in sync."


def test_embed_with_a_query(capsys, setup) -> None:
    cat, folder, ids = setup
    run(capsys, "--catalog", cat, "edit", str(ids["PNG.png"]), "--set", "caption=Corvin köz")
    code, out, _ = run(capsys, "--catalog", cat, "write-metadata", "corvin", "--embed",
                       "--json")
    report = json.loads(out)
    assert code == 0 and [p["id"] for p in report["photos"]] == [ids["PNG.png"]]
    assert report["photos"][0]["mode"] == "embed" and not list(folder.glob("*.xmp"))
    code, out, _ = run(capsys, "--catalog", cat, "write-metadata", "nothing-matches-this")
    assert (code, out.strip()) == (0, "No photos match.")


@pytest.mark.parametrize("argv, message", [
    (["write-metadata", "--sidecar", "--embed"], "not allowed with argument"),
    (["status", 'caption:"x'], "quote"),
    (["reread", "--frobnicate"], "unrecognized arguments"),
])
def test_wrong_usage_is_one_line_and_exit_2(capsys, tmp_path: Path, argv: list[str],
                                            message: str) -> None:
    open_archive(tmp_path / "c.sqlite").close()  # a catalog that exists, empty
    code, _, err = run(capsys, "--catalog", str(tmp_path / "c.sqlite"), *argv)
    assert code == 2 and message in err
    assert len(err.strip().splitlines()) == 1


def test_embed_into_read_only_files_counts_the_sidecars(capsys, setup) -> None:
    cat, folder, ids = setup
    run(capsys, "--catalog", cat, "edit", *map(str, ids.values()), "--set", "caption=Corvin köz")
    (folder / "PNG.png").chmod(0o444)
    try:
        code, out, _ = run(capsys, "--catalog", cat, "write-metadata", "--embed")
    finally:
        (folder / "PNG.png").chmod(0o644)
    assert code == 0
    assert "the file is read-only; wrote a sidecar instead" in out
    assert out.splitlines()[-1] == ("Wrote metadata into the files for 1 of 2 photo(s), and "
                                    "sidecars instead for 1 (their files cannot be written); "
                                    "0 skipped, 0 failed.")
    assert (folder / "PNG.png.xmp").is_file() and not (folder / "IPTC.jpg.xmp").exists()


EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed "
                                    "(Debian: libimage-exiftool-perl)")


def _exiftool(path: Path, *options: str) -> dict:
    import subprocess

    done = subprocess.run([EXIFTOOL, "-j", "-G1", *options, str(path)], capture_output=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)[0]


@needs_exiftool
def test_a_title_write_keeps_photo_mechanics_time_created(capsys, tmp_path: Path,
                                                          corpus_dir: Path) -> None:
    """Issue 11 #3: `edit --set title` then `write-metadata --embed` kept IPTC 2:55 but
    erased 2:60 TimeCreated, which Photo Mechanic writes with every caption."""
    import subprocess

    folder = tmp_path / "photos"
    folder.mkdir()
    cameras = {"Canon_40D.jpg": "2008:05:30", "Nikon_D70.jpg": "2008:03:15"}
    for n, (name, day) in enumerate(cameras.items(), 1):  # Exif DateTimeOriginal, no offset
        photo = folder / f"pm{n}.jpg"
        shutil.copyfile(corpus_dir / name, photo)
        subprocess.run([EXIFTOOL, "-q", "-overwrite_original", f"-IPTC:ObjectName=Old {n}",
                        f"-IPTC:DateCreated={day}", "-IPTC:TimeCreated=14:30:00+01:00",
                        "-IPTC:By-line=Photo Mechanic user", str(photo)], check=True)
    cat = str(tmp_path / "pm.sqlite")
    assert run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")[0] == 0
    assert run(capsys, "--catalog", cat, "edit", "1", "2", "--set", f"title={HU}")[0] == 0
    code, out, err = run(capsys, "--catalog", cat, "write-metadata", "--embed")
    assert code == 0, out + err
    for n, day in enumerate(cameras.values(), 1):
        tags = _exiftool(folder / f"pm{n}.jpg")
        assert tags["XMP-dc:Title"] == HU
        assert (tags["IPTC:DateCreated"], tags["IPTC:TimeCreated"]) == (day, "14:30:00+01:00")
        assert tags["IPTC:By-line"] == "Photo Mechanic user"
    assert run(capsys, "--catalog", cat, "status")[1].strip() == "2 in sync."


def test_check_removes_and_lists_what_interrupted_writes_left(capsys, setup) -> None:
    """Issue 11 #12: leftovers of ours go, a user's look-alike files stay."""
    cat, folder, _ids = setup
    ours = [folder / ".IPTC.jpg.photoarchive-k2x9a0_q.tmp",
            folder / ".PNG.png.xmp.photoarchive-abcdefgh.tmp"]
    theirs = [folder / ".IPTC.jpg.k2x9a0_q.tmp.jpg",  # an older naming: not provably ours
              folder / "IPTC.jpg.photoarchive-k2x9a0_q.tmp",  # not hidden
              folder / ".other.jpg.photoarchive-k2x9a0_q.tmp",  # no such photo
              folder / ".IPTC.jpg.photoarchive-k2x9.tmp"]  # not our random part
    for path in ours + theirs:
        path.write_bytes(b"half a photo")
    code, out, _ = run(capsys, "--catalog", cat, "check")
    assert code == 0, out
    for path in ours:
        assert not path.exists()
        assert f"removed {path} (a temporary file left by an interrupted write)" in out
    assert all(path.exists() for path in theirs)
    earlier = folder / ".IPTC.k2x9a0_q.tmp.jpg"  # how earlier versions named them
    earlier.write_bytes(b"half a photo")
    code, out, _ = run(capsys, "--catalog", cat, "check", "--json")
    report = json.loads(out)
    assert report["removed_leftovers"] == [] and report["earlier_leftovers"] == [str(earlier)]
    assert earlier.exists()
