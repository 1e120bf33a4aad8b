"""Creating a catalog: a kill at any moment leaves the whole schema or none; a file with no
schema ("not created yet") is created over by `import` and is no catalog to the other
commands; a file with anything else in it is never created over."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from photoarchive.catalog.db import SCHEMA_HEAD, is_created, open_catalog, verify_file
from photoarchive.cli import main

# Creates catalogs in numbered folders, each child process SIGKILLed just before the Nth SQL
# statement SQLAlchemy sends (N = 1, 2, ...) until one finishes. Forked from one process, so
# the imports are paid once; the kill is real (no cleanup, no rollback, files left open).
KILL_AT_EVERY_STATEMENT = r"""
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine
import alembic.command  # imported before forking
from photoarchive.catalog.db import open_catalog

out = Path(sys.argv[1])
for n in range(1, 500):
    folder = out / f"{n:03d}"
    folder.mkdir()
    pid = os.fork()
    if pid == 0:
        seen = [0]

        @event.listens_for(Engine, "before_cursor_execute")
        def _count(*_args):
            seen[0] += 1
            if seen[0] == n:
                os.kill(os.getpid(), signal.SIGKILL)

        open_catalog(folder / "c.sqlite").close()
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        print(n)
        break
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _schema(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()


def _revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def test_a_creation_killed_at_any_statement_leaves_all_of_the_schema_or_none(
        tmp_path: Path, capsys, sample_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILL_AT_EVERY_STATEMENT, str(tmp_path)],
                          capture_output=True, text=True, timeout=300, check=True)
    statements = int(done.stdout)
    full = _schema(tmp_path / f"{statements:03d}" / "c.sqlite")
    assert {"photo", "photo_fts", "alembic_version"} <= full
    outcomes = []
    for n in range(1, statements):
        catalog = tmp_path / f"{n:03d}" / "c.sqlite"
        assert catalog.exists()  # the file is there from the first statement on
        if not is_created(catalog):
            assert _schema(catalog) == set(), n  # nothing half-made
            outcomes.append("none")
        else:
            assert _schema(catalog) == full and _revision(catalog) == SCHEMA_HEAD, n
            assert verify_file(catalog) == [], n
            outcomes.append("all")
    # Killed before the commit: no schema; after it: all of it (one transaction).
    assert outcomes == sorted(outcomes, reverse=True) and {"none", "all"} <= set(outcomes)
    first_done = outcomes.index("all") + 1
    photo = str(sample_dir / "loc_fsa_8b26527.jpg")
    for n in (1, first_done - 1, first_done):
        catalog = str(tmp_path / f"{n:03d}" / "c.sqlite")
        code, out, err = run(capsys, "--catalog", catalog, "list")
        if n < first_done:  # not created: no catalog to list, and listing creates none
            assert code == 2 and f"There is no catalog at {catalog}" in err
            assert _schema(Path(catalog)) == set()
        else:
            assert code == 0 and "The catalog is empty." in out, err
        code, out, err = run(capsys, "--catalog", catalog, "import", photo)
        assert code == 0 and "1 added" in out, err
        assert verify_file(Path(catalog)) == []


def _pragmas_only(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA user_version = 7")
    conn.close()


def _empty_alembic_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make", [
    lambda p: p.write_bytes(b""), _pragmas_only, _empty_alembic_table,
], ids=["zero bytes", "pragmas only", "empty alembic_version"])
def test_a_file_with_no_schema_is_not_a_catalog_yet(tmp_path: Path, capsys, sample_dir: Path,
                                                    make) -> None:
    catalog = tmp_path / "c.sqlite"
    make(catalog)
    assert not is_created(catalog)
    before = catalog.read_bytes()
    for argv in (["list"], ["show", "1"], ["status"], ["check"], ["edit", "1", "--set",
                                                                   "title=x"]):
        code, out, err = run(capsys, "--catalog", str(catalog), *argv)
        assert code == 2 and not out, err
        assert err.strip() == (
            f"photoarchive: error: There is no catalog at {catalog} (the file is there but "
            f"empty: no catalog was created in it). Import photos to create one: photoarchive "
            f"--catalog {catalog} import FOLDER")
        assert catalog.read_bytes() == before
    code, out, err = run(capsys, "--catalog", str(catalog))  # the summary
    assert code == 0 and f"Catalog: {catalog} (not created yet)" in out, err
    assert catalog.read_bytes() == before and not is_created(catalog)
    code, out, err = run(capsys, "--catalog", str(catalog), "import", str(sample_dir))
    assert code == 0 and "12 added" in out, err
    assert is_created(catalog) and verify_file(catalog) == []
    code, out, _ = run(capsys, "--catalog", str(catalog), "list")
    assert code == 0 and len(out.splitlines()) == 12


def _some_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


def _some_table_no_rows(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("make", "message"), [
    (_some_table, "is an SQLite database but not a photoarchive catalog"),
    (_some_table_no_rows, "is an SQLite database but not a photoarchive catalog"),
    (lambda p: p.write_text("my notes\n"),
     "is not a photoarchive catalog (not an SQLite database)"),
], ids=["a table with data", "a table, no rows", "not SQLite"])
def test_a_file_with_anything_in_it_is_never_created_over(tmp_path: Path, capsys,
                                                          sample_dir: Path, make,
                                                          message: str) -> None:
    catalog = tmp_path / "c.sqlite"
    make(catalog)
    assert is_created(catalog)
    before = catalog.read_bytes()
    for argv in (["list"], ["import", str(sample_dir)]):
        code, out, err = run(capsys, "--catalog", str(catalog), *argv)
        assert code == 2 and not out and message in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1
        assert catalog.read_bytes() == before


def test_two_programs_creating_one_catalog_at_once_both_open_it(tmp_path: Path) -> None:
    """The first holds its creating transaction open until the second has found no schema
    and is about to create it too; the second must wait for the first and then use its
    catalog, not fail with "database is locked" or "table already exists"."""
    path = tmp_path / "c.sqlite"
    first_holds, second_waits = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def before_commit(conn) -> None:
        if threading.current_thread().name == "first" and not first_holds.is_set():
            first_holds.set()
            assert second_waits.wait(60)

    def before_statement(conn, cursor, statement, *_args) -> None:
        # The second reaches for the write lock: its BEGIN IMMEDIATE, or (without one) the
        # first statement that writes.
        if threading.current_thread().name == "second" and (
                statement.startswith(("BEGIN IMMEDIATE", "CREATE", "INSERT"))):
            second_waits.set()

    def create(name: str) -> None:
        try:
            open_catalog(path).close()
            results[name] = "opened"
        except Exception as exc:  # noqa: BLE001 - the failure is the result under test
            results[name] = exc

    event.listen(Engine, "commit", before_commit)
    event.listen(Engine, "before_cursor_execute", before_statement)
    try:
        first = threading.Thread(target=create, args=("first",), name="first")
        first.start()
        assert first_holds.wait(60)
        second = threading.Thread(target=create, args=("second",), name="second")
        second.start()
        second.join(90)
        first.join(90)
    finally:
        event.remove(Engine, "commit", before_commit)
        event.remove(Engine, "before_cursor_execute", before_statement)
    assert results == {"first": "opened", "second": "opened"}
    assert _revision(path) == SCHEMA_HEAD and verify_file(path) == []

