"""Opening catalogs of every schema age: current (without Alembic), older (upgraded after a
backup copy), newer (refused), and the recorded head matching the migrations folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from photoarchive.catalog import db
from photoarchive.errors import CatalogError


def test_the_recorded_head_is_the_newest_migration() -> None:
    assert db.head_revision() == db.SCHEMA_HEAD


def _catalog_at(path: Path, revision: str) -> None:
    from alembic import command

    engine = db.make_engine(path)
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), revision)
    engine.dispose()


def test_an_older_catalog_is_upgraded_after_a_copy_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _catalog_at(path, "0003")
    catalog = db.open_catalog(path, backup_dir=tmp_path / "backups")
    try:
        with catalog.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == db.SCHEMA_HEAD
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert "ix_photo_date_sort" in names  # 0004's index
    finally:
        catalog.close()
    kept = list((tmp_path / "backups").glob(f"old-*-before_schema_{db.SCHEMA_HEAD}.sqlite"))
    assert len(kept) == 1 and db.verify_file(kept[0]) == []


def test_a_catalog_from_a_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    db.open_catalog(path).close()
    engine = db.make_engine(path)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(CatalogError, match="made by a newer version of photoarchive"):
        db.open_catalog(path)
    assert path.read_bytes() == before


def test_a_current_catalog_opens_without_alembic(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    db.open_catalog(path).close()
    probe = ("import sys; from pathlib import Path; from photoarchive.catalog.db import "
             f"open_catalog; open_catalog(Path({str(path)!r})).close(); "
             "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
