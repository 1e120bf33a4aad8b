"""`export gallery` while originals are missing: what it says, its exit status, and what the
next export starts from. On a copy of the sample (files are moved away and back)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_runner import run
from sample_archive import COLLECTION, load_sample

from photoarchive.services import open_archive


@pytest.fixture
def cat(tmp_path: Path, sample_dir: Path) -> str:
    shutil.copytree(sample_dir, tmp_path / "originals")
    path = tmp_path / "catalog.sqlite"
    archive = open_archive(path)
    try:
        load_sample(archive, tmp_path / "originals")
    finally:
        archive.close()
    return str(path)


def _move(names: list[str], src: Path, dst: Path) -> None:
    dst.mkdir(exist_ok=True)
    for name in names:
        shutil.move(src / name, dst / name)


def test_missing_originals_keep_their_pages_and_a_refused_export_is_not_remembered(
        capsys, cat: str, tmp_path: Path) -> None:
    originals, away, site = tmp_path / "originals", tmp_path / "away", tmp_path / "site"
    base = ["--catalog", cat, "export", "gallery", str(site), "--collection", COLLECTION,
            "--image-size", "300", "--thumb-size", "100"]
    code, out, err = run(capsys, *base, "--title", "First")
    assert code == 0, err
    jpegs = sorted(p.name for p in originals.glob("*.jpg"))
    _move(jpegs[:3], originals, away)

    code, out, err = run(capsys, *base)
    assert code == 1, (out, err)
    assert out.startswith("Exported 9 photo(s)") and "3 kept as last published" in out
    kept = [line for line in out.splitlines() if "kept as last published: photo" in line]
    assert len(kept) == 3 and all("the file is missing" in line for line in kept)
    assert "left out" not in out
    assert len(list((site / "photos").glob("*.html"))) == 12

    code, out, err = run(capsys, *base, "--json")
    assert code == 1
    assert len(json.loads(out)["kept"]) == 3

    _move(jpegs[3:], originals, away)
    for folder in (site, tmp_path / "new"):  # the published gallery, and a new folder
        code, out, err = run(capsys, "--catalog", cat, "export", "gallery", str(folder),
                             "--collection", COLLECTION, "--title", "Failed one")
        assert code == 2 and out == "", (out, err)
        assert err.startswith("photoarchive: error: None of the 12 photos' original files "
                              "can be read") and len(err.strip().splitlines()) == 1, err
    assert "<h1>First</h1>" in (site / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "new").exists()

    _move(jpegs, away, originals)
    code, out, err = run(capsys, *base)  # no --title: as in the last export carried out
    assert code == 0, err
    assert "Title “First”" in out
    assert "<h1>First</h1>" in (site / "index.html").read_text(encoding="utf-8")
