"""Kill -9 at random moments: the catalog stays sound, no batch is half-applied, a re-run
finishes the job, and originals are byte-identical."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from waiting import wait_until

from photoarchive.catalog.db import is_created
from photoarchive.catalog.models import Photo
from photoarchive.catalog.search import refresh_fts
from photoarchive.services import open_archive

CLI = [sys.executable, "-m", "photoarchive.cli"]


def _start(args: list[str]) -> subprocess.Popen:
    # A session of its own, so the kill takes the worker processes too (like a power cut).
    return subprocess.Popen(CLI + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL the process group after `seconds`; False when it had already finished."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def _sound(catalog: Path) -> tuple[int, int]:
    """Assert integrity; return (photos, rows in the search index)."""
    conn = sqlite3.connect(catalog)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        photos = conn.execute("SELECT count(*) FROM photo").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM photo_fts").fetchone()[0]
        return photos, indexed
    finally:
        conn.close()


def _photo_count(catalog: Path) -> int:
    if not catalog.exists():
        return 0
    try:
        conn = sqlite3.connect(catalog, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM photo").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def photo_folder(tmp_path: Path, sample_dir: Path, corpus_dir: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for src in list(sample_dir.glob("*.jpg")) + sorted(corpus_dir.glob("Landscape_*.jpg")) + [
            corpus_dir / n for n in ("Canon_40D.jpg", "IPTC.jpg", "MWG.jpg", "GPS.jpg")]:
        shutil.copy(src, folder / src.name)
    # Enough distinct files that an import is still running when it is killed: the bytes
    # after a JPEG's end marker change the content hash, not the picture.
    for n, src in enumerate(sorted(sample_dir.glob("*.jpg")) * 12):
        (folder / f"copy{n:03d}.jpg").write_bytes(src.read_bytes() + f"copy {n}".encode())
    return folder


def test_import_killed_at_random_moments(tmp_path: Path, photo_folder: Path) -> None:
    catalog = tmp_path / "kill.sqlite"
    before = _digests(photo_folder)
    total = len(before)
    rng = random.Random(1956)
    kills = 0
    for _ in range(5):
        proc = _start(["--catalog", str(catalog), "import", str(photo_folder), "--workers", "2"])
        # The moment of the kill is the test's input (seeded): a whole import takes 3-5 s.
        killed = _kill_after(proc, rng.uniform(0.3, 1.6))
        kills += killed
        # Killed before the catalog's one creating transaction committed, the file is there
        # with no schema: the program itself calls that "not created yet" (and creates it).
        if is_created(catalog):
            photos, indexed = _sound(catalog)
            assert photos == indexed <= total
    proc = _start(["--catalog", str(catalog), "import", str(photo_folder), "--workers", "2"])
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    assert _sound(catalog) == (total, total)
    assert _digests(photo_folder) == before
    assert kills >= 1


def test_batch_edit_is_all_or_nothing(tmp_path: Path) -> None:
    catalog = tmp_path / "edit.sqlite"
    archive = open_archive(catalog)
    with archive.session() as session:
        rows = [Photo(path=f"/box/{n}.jpg", content_hash=f"{n:064x}", file_size=1,
                      file_mtime=1.0, orientation=1, rotation=0, missing=False, rating=0,
                      caption="old") for n in range(3000)]
        session.add_all(rows)
        session.flush()
        refresh_fts(session, [r.id for r in rows])
    archive.close()
    ids = [str(n) for n in range(1, 3001)]
    rng = random.Random(23)
    for attempt in range(4):
        proc = _start(["--catalog", str(catalog), "edit", *ids, "--set",
                       f"caption=new {attempt}", "--add-keyword", f"k{attempt}"])
        _kill_after(proc, rng.uniform(0.3, 1.5))
        _sound(catalog)
        conn = sqlite3.connect(catalog)
        captions = {c for (c,) in conn.execute("SELECT DISTINCT caption FROM photo")}
        tagged = conn.execute("SELECT count(DISTINCT photo_id) FROM photo_keyword pk JOIN "
                              "keyword k ON k.id = pk.keyword_id WHERE k.name = ?",
                              (f"k{attempt}",)).fetchone()[0]
        conn.close()
        assert len(captions) == 1, "a batch edit was half applied"
        assert tagged in (0, 3000)
        if tagged:
            assert captions == {f"new {attempt}"}


def test_ctrl_c_stops_an_import_cleanly(tmp_path: Path, photo_folder: Path,
                                        corpus_dir: Path) -> None:
    catalog = tmp_path / "int.sqlite"
    big = (corpus_dir / "Landscape_3.jpg").read_bytes()
    for n in range(200):  # enough work that the import is surely still running
        (photo_folder / f"landscape{n:03d}.jpg").write_bytes(big + f"copy {n}".encode())
    proc = subprocess.Popen(CLI + ["--catalog", str(catalog), "import", str(photo_folder),
                                   "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    wait_until(lambda: _photo_count(catalog) >= 5, 60, "the import's first photos")
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole group
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err.decode()
    assert proc.returncode == 130 and "Stopped early" in out.decode()
    photos, indexed = _sound(catalog)
    assert photos == indexed
    rerun = subprocess.run(CLI + ["--catalog", str(catalog), "import", str(photo_folder)],
                           capture_output=True, timeout=120, check=False)
    assert rerun.returncode == 0
    assert _sound(catalog)[0] == len(list(photo_folder.iterdir()))


def test_embedded_write_killed_leaves_old_or_new_files(tmp_path: Path, sample_dir: Path) -> None:
    from PIL import Image

    folder = tmp_path / "originals"
    folder.mkdir()
    data = (sample_dir / "loc_fsa_8b26527.jpg").read_bytes()
    for n in range(150):
        (folder / f"scan{n:03d}.jpg").write_bytes(data + f"scan {n}".encode())
    catalog = tmp_path / "w.sqlite"
    run = CLI + ["--catalog", str(catalog)]
    subprocess.run(run + ["import", str(folder)], check=True, capture_output=True)
    ids = [str(n) for n in range(1, 151)]
    subprocess.run(run + ["edit", *ids, "--set", "caption=Milwaukee, április 1936"],
                   check=True, capture_output=True)
    before = _digests(folder)
    proc = _start(["--catalog", str(catalog), "write-metadata", "--embed"])
    wait_until(lambda: proc.poll() is not None or any(  # the first files written
        (folder / n).read_bytes() != data + f"scan {int(n[4:7])}".encode()
        for n in sorted(before)[:3]), 60, "the first files written")
    killed = _kill_after(proc, 0.05)  # a moment later: the test's input, not a wait
    after = _digests(folder)
    changed = [name for name in before if after.get(name) != before[name]]
    for name in before:  # each original is the old file or a complete new one
        with Image.open(folder / name) as img:
            img.load()
    assert _sound(catalog)[0] == 150
    assert killed and 0 < len(changed) < 150, "the kill should land mid-way"
    rerun = subprocess.run(run + ["write-metadata", "--embed", "--force"], capture_output=True,
                           check=False)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert all(_digests(folder)[n] != before[n] for n in before)
    status = subprocess.run(run + ["status"], capture_output=True, text=True, check=False)
    assert "150 in sync" in status.stdout


def _many_photos(catalog: Path, n: int) -> None:
    archive = open_archive(catalog)
    with archive.session() as session:
        rows = [Photo(path=f"/box/{i}.jpg", content_hash=f"{i:064x}", file_size=1,
                      file_mtime=1.0, orientation=1, rotation=0, missing=False, rating=0,
                      caption="old", identifier=f"ID-{i}") for i in range(n)]
        session.add_all(rows)
        session.flush()
        refresh_fts(session, [r.id for r in rows])
    archive.close()


def test_csv_import_killed_is_all_or_nothing(tmp_path: Path) -> None:
    catalog = tmp_path / "csv.sqlite"
    _many_photos(catalog, 3000)
    sheet = tmp_path / "captions.csv"
    sheet.write_text("identifier,caption,date\n" + "".join(
        f"ID-{i},new caption {i},c. 1956\n" for i in range(3000)), encoding="utf-8")
    rng = random.Random(5)
    for _ in range(3):
        proc = _start(["--catalog", str(catalog), "import-csv", str(sheet)])
        _kill_after(proc, rng.uniform(0.5, 2.0))
        _sound(catalog)
        conn = sqlite3.connect(catalog)
        changed = conn.execute("SELECT count(*) FROM photo WHERE caption != 'old'").fetchone()[0]
        dated = conn.execute("SELECT count(*) FROM photo WHERE date = '1956~'").fetchone()[0]
        conn.close()
        assert changed in (0, 3000) and dated == changed, "a CSV import was half applied"
        if changed:
            break


def test_backup_killed_leaves_catalog_and_no_false_backup(tmp_path: Path) -> None:
    from photoarchive.services.backup import list_backups

    catalog = tmp_path / "b.sqlite"
    _many_photos(catalog, 3000)
    rng = random.Random(9)
    for _ in range(4):
        proc = _start(["--catalog", str(catalog), "backup"])
        _kill_after(proc, rng.uniform(0.3, 1.2))
        assert _sound(catalog)[0] == 3000
        for found in list_backups(catalog):  # whatever is listed is a complete, good copy
            assert _sound(found.path)[0] == 3000
