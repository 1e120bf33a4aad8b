"""The open archive: a catalog plus its thumbnail cache, handed to every service.

`open_archive` is what the CLI and the app call to get one; services take it as their
first argument instead of reaching for globals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from photoarchive import paths
from photoarchive.catalog.db import Catalog, is_created, open_catalog
from photoarchive.errors import CatalogError


@dataclass
class Archive:
    """A catalog file, its database handle and the folder of its cached thumbnails."""

    catalog: Catalog

    @property
    def path(self) -> Path:
        return self.catalog.path

    @property
    def thumbnail_dir(self) -> Path:
        return paths.thumbnail_dir(self.catalog.path)

    @property
    def backup_dir(self) -> Path:
        return paths.backup_dir(self.catalog.path)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error.

        Storage failures become a CatalogError saying plainly what happened; the
        transaction is rolled back, so nothing is half-done.
        """
        try:
            with self.catalog.writer() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise CatalogError(_explain(exc, self.path)) from exc

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading only."""
        with self.catalog.session() as session:
            yield session

    def close(self) -> None:
        self.catalog.close()


def _explain(exc: OperationalError, path: Path) -> str:
    text = str(exc.orig)
    if "full" in text:
        return (f"The disk holding the catalog {path} is full. Nothing was changed; free some "
                "space and try again.")
    if "readonly" in text or "read-only" in text:
        return f"The catalog {path} is read-only here, so nothing can be changed."
    if "locked" in text or "busy" in text:
        return (f"The catalog {path} stayed busy (another program is writing to it). Nothing "
                "was changed; try again in a moment.")
    return f"The catalog {path} could not be written: {text}. Nothing was changed."


def open_archive(catalog_path: Path | None = None) -> Archive:
    """Open (creating or upgrading) the catalog at `catalog_path`, or the default one."""
    path = Path(catalog_path) if catalog_path else paths.default_catalog_path()
    path = path.expanduser().absolute()
    return Archive(catalog=open_catalog(path, backup_dir=paths.backup_dir(path)))


def catalog_exists(catalog_path: Path) -> bool:
    """Whether a catalog exists at `catalog_path`: False for no file, and for an empty one
    (zero bytes, or a catalog whose creation was interrupted); see `catalog.db.is_created`."""
    return is_created(Path(catalog_path).expanduser().absolute())
