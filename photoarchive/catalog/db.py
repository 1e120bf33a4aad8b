"""Opening a catalog: the SQLite engine (WAL, foreign keys, busy timeout) and migrations.

The schema is created and upgraded only by Alembic. A catalog that is older than this
program is backed up (SQLite's online backup API) before it is upgraded; a catalog that is
newer, or not a catalog at all, is refused with a plain message, never overwritten.

A new catalog is created in one transaction (every table, index, the search index and the
Alembic stamp), so a kill leaves either the whole schema or none. A file with no schema at all
(zero bytes, or an SQLite file whose creation was killed before it committed) is "not created
yet" (`is_created`): commands that create a catalog create it there; the others say there is
no catalog.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from photoarchive.catalog.order import SortRanks
from photoarchive.errors import CatalogDamaged, CatalogError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration's revision. A catalog already at it opens without importing Alembic
#: (a tenth of a second of every command); tests check it against the migrations folder.
SCHEMA_HEAD = "0005"
BUSY_TIMEOUT_MS = 30_000


def _alembic_config(connection=None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision this program knows (read from the migrations folder)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()
    # SQLite's lower() folds ASCII only; filters must treat "Óbuda" and "óbuda" alike.
    dbapi_conn.create_function("lower", 1, _lower, deterministic=True)


def _on_connect_writable(dbapi_conn: sqlite3.Connection, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous = FULL")  # a confirmed edit survives a power cut too
    cur.close()


def _use_wal(engine: Engine) -> None:
    """Switch the file to WAL (it stays so). Done once the file is known to be a catalog or
    empty, not on connecting: a database that is not ours is refused exactly as it was."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA journal_mode = WAL")  # outside a transaction: autocommit
        cur.close()
    finally:
        raw.close()


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def make_engine(path: Path, read_only: bool = False) -> Engine:
    """An engine for the catalog file at `path` with our pragmas on every connection.

    `read_only` opens a catalog on read-only media or without write permission: it can be
    browsed and searched, and every change is refused with a plain message.
    """
    url = (f"sqlite:///file:{quote(str(path))}?mode=ro&immutable=1&uri=true" if read_only
           else f"sqlite:///{path}")
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    if not read_only:
        event.listen(engine, "connect", _on_connect_writable)
    # Paths inside the catalog's folder are stored relative to it (models.PathText).
    engine.dialect.photoarchive_root = str(path.parent.absolute())  # type: ignore[attr-defined]

    # pysqlite's own transaction handling is off (isolation_level None) and we BEGIN
    # ourselves: this makes SAVEPOINTs and transactional DDL (migrations) work.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE), so they wait for another
        # process's writer under the busy timeout instead of failing with "database is
        # locked" when a read transaction would have to be upgraded.
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    @event.listens_for(engine, "connect")
    def _no_autobegin(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None

    return engine


def backup_to(engine_or_path: Engine | Path, dest: Path) -> Path:
    """Copy a live catalog to `dest` with SQLite's online backup API (consistent snapshot).

    The copy is one self-contained file: it is switched from WAL to a rollback journal
    before it is renamed into place, so opening it later leaves no `-wal`/`-shm` beside it.
    """
    source_path = engine_or_path if isinstance(engine_or_path, Path) else Path(
        engine_or_path.url.database or "")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    writable = os.access(source_path, os.W_OK) and os.access(source_path.parent, os.W_OK)
    mode = "ro" if writable else "ro&immutable=1"  # read-only media: nothing else writes it
    try:
        src = sqlite3.connect(f"file:{quote(str(source_path))}?mode={mode}", uri=True,
                              timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(str(tmp))
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")
            finally:
                out.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise CatalogError(f"Could not copy the catalog {source_path}: {exc}.") from exc
    tmp.replace(dest)
    return dest


@dataclass
class Catalog:
    """An open catalog: its file, engine and session factory."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    writers: sessionmaker[Session]
    #: Sort orders kept in memory for sorting word-search hits (see `catalog.order`).
    ranks: SortRanks = field(init=False)

    def __post_init__(self) -> None:
        self.ranks = SortRanks(self.engine)

    def session(self) -> Session:
        """A session for reading (deferred transactions)."""
        return self.sessions()

    def writer(self) -> Session:
        """A session whose transactions begin by taking the write lock."""
        return self.writers()

    def close(self) -> None:
        self.ranks.close()
        self.engine.dispose()


def _check_is_sqlite(path: Path) -> None:
    if path.is_dir():
        raise CatalogError(f"The catalog path {path} is a folder, not a catalog file.")
    if path.exists() and path.stat().st_size > 0:
        try:
            with path.open("rb") as fh:
                header = fh.read(16)
        except OSError as exc:
            raise CatalogError(f"Cannot read the catalog {path}: {exc.strerror}.") from exc
        if header != b"SQLite format 3\x00":
            raise CatalogError(
                f"{path} is not a photoarchive catalog (not an SQLite database). "
                "Nothing was changed; choose another file with --catalog.")


def is_created(path: Path) -> bool:
    """Whether `path` holds a catalog, or anything that is not an empty one in the making.

    False when the file is absent, has zero bytes, or is an SQLite database with no schema
    (no table but perhaps an empty `alembic_version`): what a creation killed before its
    transaction committed leaves. True for anything else, including files that are not
    SQLite or are damaged: `open_catalog` refuses those with its own message. Reading
    creates nothing beside a file in rollback-journal mode.
    """
    path = Path(path).expanduser()
    try:
        if not path.is_file():
            return path.exists()  # a folder is "something": open_catalog says what
        if path.stat().st_size == 0:
            return False
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return True
    except OSError:
        return True
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    # Read-write (never "create"): a `-wal` a killed writer left is then recovered, as
    # opening the catalog would; read-only media can only be read as they are.
    mode = "rw" if writable else "ro"
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if names - {"alembic_version"}:
                return True
            return bool(names) and conn.execute(
                "SELECT 1 FROM alembic_version").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return True  # damaged: open_catalog says so and offers a backup


def open_catalog(path: Path, backup_dir: Path | None = None) -> Catalog:
    """Open (creating or upgrading as needed) the catalog at `path`."""
    path = Path(path).expanduser()
    _check_is_sqlite(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CatalogError(f"Cannot create the folder for the catalog {path}: "
                           f"{exc.strerror}.") from exc
    read_only = path.exists() and not (os.access(path, os.W_OK)
                                       and os.access(path.parent, os.W_OK))
    engine = make_engine(path, read_only)
    try:
        if read_only:
            _check_current(engine, path)
        else:
            _migrate(engine, path, backup_dir)
        _touch_tables(engine)
        if not read_only:
            _relativise_paths(engine, path.parent.absolute())
    except CatalogError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        text = str(exc.orig)
        if any(word in text for word in ("malformed", "not a database", "corrupt")):
            raise CatalogDamaged(f"The catalog {path} cannot be read: {text}.", path) from exc
        raise CatalogError(f"The catalog {path} cannot be opened: {text}.") from exc
    return Catalog(path=path, engine=engine,
                   sessions=sessionmaker(engine, expire_on_commit=False),
                   writers=sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"),
                                        expire_on_commit=False))


def _check_current(engine: Engine, path: Path) -> None:
    """A read-only catalog cannot be upgraded: refuse one whose schema is not current."""
    with engine.connect() as conn:
        current = _stored_revision(conn)
        empty = current is None and not inspect(conn).get_table_names()
    if empty:
        raise CatalogError(f"{path} is an empty file, not a catalog yet, and it is read-only "
                           "here, so no catalog can be created in it.")
    if current != SCHEMA_HEAD:
        raise CatalogError(f"The catalog {path} is read-only and was made by another version "
                           "of photoarchive, so it cannot be opened here. Copy it somewhere "
                           "writable first.")


def _touch_tables(engine: Engine) -> None:
    """Read a little of every table, so a damaged file is noticed on open, not mid-edit."""
    with engine.connect() as conn:
        for table in ("photo", "keyword", "collection", "edit", "photo_fts"):
            conn.exec_driver_sql(f"SELECT max(rowid) FROM {table}").fetchall()
        conn.exec_driver_sql("SELECT count(*) FROM photo").fetchall()


def _relativise_paths(engine: Engine, root: Path) -> None:
    """Store paths inside the library root relative to it (catalogs made before that rule,
    or moved into their photo folder). Exact prefix comparison: paths are case-sensitive."""
    prefix = str(root).rstrip("/") + "/"
    where = "typeof(path) = 'text' AND substr(path, 1, ?) = ?"
    with engine.connect() as conn:
        found = conn.exec_driver_sql(f"SELECT 1 FROM photo WHERE {where} LIMIT 1",
                                     (len(prefix), prefix)).first()
    if found is None:
        return
    with engine.begin() as conn:
        for table in ("photo", "import_failure"):
            conn.exec_driver_sql(f"UPDATE OR IGNORE {table} SET path = substr(path, ?) "
                                 f"WHERE {where}", (len(prefix) + 1, len(prefix), prefix))


def verify_file(path: Path) -> list[str]:
    """Problems of a catalog file opened read-only (not a catalog, damaged); [] when good.

    A file with no `-wal` beside it is opened as immutable, so checking a backup creates
    no `-wal`/`-shm` files (a plain read-only open of a WAL database would).
    """
    if not path.is_file():
        return [f"{path} does not exist"]
    has_wal = path.with_name(path.name + "-wal").exists()
    mode = "ro" if has_wal else "ro&immutable=1"
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables or "photo" not in tables:
            return [f"{path} is not a photoarchive catalog"]
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows[:20]
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        conn.close()


def _stored_revision(conn: Connection) -> str | None:
    """The schema revision recorded in the catalog (Alembic's table), None if none."""
    has_table = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if has_table is None:
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def _migrate(engine: Engine, path: Path, backup_dir: Path | None) -> None:
    with engine.connect() as conn:
        current = _stored_revision(conn)
        tables = set(inspect(conn).get_table_names()) if current != SCHEMA_HEAD else set()
    if current == SCHEMA_HEAD:
        _use_wal(engine)
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(
        _alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise CatalogError(
            f"The catalog {path} was made by a newer version of photoarchive "
            f"(schema {current}); please update photoarchive.")
    if current is None and tables - {"alembic_version"}:
        raise CatalogError(f"{path} is an SQLite database but not a photoarchive catalog.")
    _use_wal(engine)
    if current is not None:
        # An older catalog: keep a copy before changing its schema.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.with_name(path.name + ".backups")
        backup_to(path, folder / f"{path.stem}-{stamp}-before_schema_{SCHEMA_HEAD}.sqlite")
    # One transaction that takes the write lock first (BEGIN IMMEDIATE): the schema appears
    # whole or not at all, and two programs creating or upgrading one catalog at once queue
    # instead of one failing with "database is locked"; the second finds the work done.
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        if _stored_revision(conn) == SCHEMA_HEAD:
            return
        command.upgrade(_alembic_config(conn), "head")


def integrity_problems(engine: Engine) -> list[str]:
    """SQLite's own integrity and foreign-key checks; an empty list means healthy."""
    problems: list[str] = []
    with engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            problems.extend(f"database: {r}" for r in rows[:20])
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        problems.extend(f"dangling reference in table {r[0]} (row {r[1]})" for r in fk[:20])
        try:
            conn.exec_driver_sql(
                "INSERT INTO photo_fts(photo_fts, rank) VALUES ('integrity-check', 0)")
        except DBAPIError as exc:
            problems.append(f"search index: {exc.orig}")
        conn.rollback()
    return problems
