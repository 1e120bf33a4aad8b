"""Two processes on one catalog: an import on the command line while another process reads
and edits. Nobody sees "database is locked"; both finish; the catalog is sound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from photoarchive.services import open_archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos, query_ids


def test_import_while_another_process_edits(tmp_path: Path, sample_dir: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for n, src in enumerate(sorted(sample_dir.glob("*.jpg")) * 8):
        (folder / f"p{n:03d}.jpg").write_bytes(src.read_bytes() + f"copy {n}".encode())
    catalog = tmp_path / "shared.sqlite"
    archive = open_archive(catalog)
    Importer(archive, workers=1).run([sample_dir])
    first = query_ids(archive)
    proc = subprocess.Popen([sys.executable, "-m", "photoarchive.cli", "--catalog", str(catalog),
                             "import", str(folder), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    edits = 0
    seen_growth = False
    running = True
    while running:  # edit until the import ends, at most every 10 ms (the edits' pace)
        apply_edits(archive, first, EditRequest(set_values={"caption": f"edit {edits}"}))
        edits += 1
        seen_growth |= len(list_photos(archive, limit=500)) > len(first)
        try:
            proc.wait(timeout=0.01)
            running = False
        except subprocess.TimeoutExpired:
            pass
    _out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert "locked" not in err.decode() and "Traceback" not in err.decode()
    assert edits > 5 and seen_growth
    assert len(query_ids(archive)) == len(first) + 96
    assert {r.caption for r in list_photos(archive) if r.id in first} == {f"edit {edits - 1}"}
    archive.close()
