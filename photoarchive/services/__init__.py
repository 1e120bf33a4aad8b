"""Services: everything the window and the command line do, with no Qt in it.

The package itself imports nothing heavy: `open_archive`, `Archive` (and the submodules)
load on first use, so a worker process that only needs `services.analyse` (Pillow,
exiv2) never pays for SQLAlchemy and Alembic. `from photoarchive.services import
open_archive, catalog_summary, collections, ...` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from photoarchive.services.archive import Archive, open_archive

_LAZY = {"Archive": "photoarchive.services.archive",
         "open_archive": "photoarchive.services.archive"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def catalog_summary(archive: Archive) -> str:
    """A few lines saying what the catalog holds."""
    from sqlalchemy import func, select

    from photoarchive.catalog.models import Collection, ImportRun, Photo

    with archive.reader() as session:
        photos = session.scalar(select(func.count()).select_from(Photo)) or 0
        uncaptioned = session.scalar(select(func.count()).select_from(Photo).where(
            (Photo.caption.is_(None)) | (Photo.caption == ""))) or 0
        collections = session.scalar(select(func.count()).select_from(Collection)) or 0
        last = session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(1)).first()
    lines = [f"Catalog: {archive.path}",
             f"{photos} photos ({uncaptioned} without a caption), {collections} collections."]
    if last is not None:
        lines.append(f"Last import: {last.started_at:%Y-%m-%d %H:%M}, {last.added} added, "
                     f"{last.failed} failed.")
    elif photos == 0:
        lines.append("Empty. Start with: photoarchive import FOLDER")
    return "\n".join(lines)


__all__ = ["Archive", "catalog_summary", "open_archive"]
