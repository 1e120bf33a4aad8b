"""`photoarchive remove ID...`: photos leave the catalog, their files stay, and the catalog
as it was is backed up first (the command line's way back)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from cli_runner import run


def test_remove_takes_photos_out_and_keeps_a_backup(capsys, tmp_path: Path,
                                                     sample_dir: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for path in sorted(sample_dir.glob("*.jpg"))[:3]:
        shutil.copyfile(path, folder / path.name)
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    cat = str(tmp_path / "cli.sqlite")
    assert run(capsys, "--catalog", cat, "import", str(folder), "--workers", "1")[0] == 0
    code, out, _ = run(capsys, "--catalog", cat, "list", "--json")
    photos = json.loads(out)
    first, second = photos[0], photos[1]

    code, out, err = run(capsys, "--catalog", cat, "remove", str(first["id"]), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["removed"] == [{"id": first["id"], "path": first["path"]}]
    assert report["files_untouched"] is True and Path(report["backup"]).is_file()
    code, out, _ = run(capsys, "--catalog", cat, "list", "--json")
    assert [p["id"] for p in json.loads(out)] == [p["id"] for p in photos[1:]]
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir()} == digests

    code, out, err = run(capsys, "--catalog", cat, "remove", str(second["id"]))
    assert code == 0 and "Removed 1 photo(s) from the catalog; their files are untouched" in out
    assert second["path"] in out and "photoarchive restore" in out

    backups = run(capsys, "--catalog", cat, "backups", "--json")[1]
    code, out, err = run(capsys, "--catalog", cat, "remove", "12345", "x")
    assert code == 2 and "'x' is not a photo id" in err and "Traceback" not in err
    code, out, err = run(capsys, "--catalog", cat, "remove", "12345")
    assert code == 2 and err.strip() == (
        "photoarchive: error: There is no photo with id 12345; nothing was removed.")
    assert run(capsys, "--catalog", cat, "backups", "--json")[1] == backups  # no backup
