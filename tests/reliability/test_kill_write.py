"""Embedded writes killed ten times: every photo keeps its pixels, and what the kills left
behind (hidden temporary files of ours) is removed by the next write and by `check`."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from photoarchive.services import open_archive
from photoarchive.services.editing import EditRequest, apply_edits

CLI = [sys.executable, "-m", "photoarchive.cli"]
PHOTOS = 40


def _scan(data: bytes) -> bytes:
    """A JPEG's compressed image data (first SOS to the end marker): the pixels, exactly."""
    pos = 2
    while data[pos + 1] != 0xDA:
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return data[pos:data.rindex(b"\xff\xd9") + 2]


def _leftovers(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if ".photoarchive-" in p.name}


def _write_and_kill(catalog: Path, folder: Path, nth: int) -> bool:
    """Start an embedded write and SIGKILL it (with its workers) as soon as its `nth`
    temporary file has appeared - mid-write, the moment a kill does harm. False when the
    write ended first."""
    proc = subprocess.Popen(CLI + ["--catalog", str(catalog), "write-metadata", "--embed",
                                   "--force"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    before = _leftovers(folder)
    started: set[str] = set()
    while len(started) < nth:
        started |= _leftovers(folder) - before
        try:
            proc.wait(timeout=0.002)  # between two looks at the folder: the write's end
            return False
        except subprocess.TimeoutExpired:
            continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return True


def test_ten_kills_keep_every_photo_and_leave_nothing_behind(tmp_path: Path,
                                                              sample_dir: Path) -> None:
    folder = tmp_path / "originals"
    folder.mkdir()
    sources = sorted(sample_dir.glob("*.jpg"))
    for n in range(PHOTOS):  # distinct files (bytes after the end marker), real pictures
        data = sources[n % len(sources)].read_bytes()
        (folder / f"scan{n:03d}.jpg").write_bytes(data + f"scan {n}".encode())
    pixels = {p.name: _scan(p.read_bytes()) for p in folder.iterdir()}
    catalog = tmp_path / "w.sqlite"
    subprocess.run(CLI + ["--catalog", str(catalog), "import", str(folder)], check=True,
                   capture_output=True)
    archive = open_archive(catalog)
    ids = list(range(1, PHOTOS + 1))
    rng = random.Random(1936)
    seen: set[str] = set()
    kills = 0
    try:
        for round_ in range(10):
            # A new caption each round, so that every run has every file to write again.
            apply_edits(archive, ids, EditRequest(set_values={
                "caption": f"Milwaukee, április 1936 ({round_})"}), origin="gui")
            kills += _write_and_kill(catalog, folder, rng.randint(1, 12))
            for name, scan in pixels.items():  # each photo: old or new, never half
                assert _scan((folder / name).read_bytes()) == scan, (round_, name)
            seen |= _leftovers(folder)
            if round_ == 4:  # a whole write removes what the kills left so far
                left = _leftovers(folder)
                done = subprocess.run(CLI + ["--catalog", str(catalog), "write-metadata",
                                             "--embed", "--force"], capture_output=True,
                                      text=True, check=False)
                assert done.returncode == 0, done.stdout + done.stderr
                assert not _leftovers(folder)
                for name in left:
                    assert f"removed {name}, left by an interrupted write" in done.stdout
    finally:
        archive.close()
    assert kills == 10, "every kill should land while a write runs"
    assert seen, "no kill landed between a temporary file and its rename"
    left = _leftovers(folder)
    done = subprocess.run(CLI + ["--catalog", str(catalog), "check", "--json"],
                          capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    assert sorted(Path(p).name for p in report["removed_leftovers"]) == sorted(left)
    assert not _leftovers(folder)
    assert {p.name for p in folder.iterdir()} == set(pixels)  # nothing else touched
    final = subprocess.run(CLI + ["--catalog", str(catalog), "write-metadata", "--embed",
                                  "--force"], capture_output=True, text=True, check=False)
    assert final.returncode == 0, final.stdout + final.stderr
    status = subprocess.run(CLI + ["--catalog", str(catalog), "status"], capture_output=True,
                            text=True, check=False)
    assert f"{PHOTOS} in sync" in status.stdout
