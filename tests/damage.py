"""Damaging a catalog file on purpose, as a failing disk would (shared by the tests of
recovery in the CLI and in the window)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def damage_catalog(path: Path) -> None:
    """Overwrite the middle of every page after a checkpoint (the first page stays, so the
    file still looks like a catalog)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with path.open("r+b") as fh:
        for offset in range(4096, size, 4096):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad" * 200)
