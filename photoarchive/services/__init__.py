"""Services: everything the window and the command line do, with no Qt in it."""

from __future__ import annotations

from sqlalchemy import func, select

from photoarchive.catalog.models import Collection, ImportRun, Photo
from photoarchive.services.archive import Archive, open_archive


def catalog_summary(archive: Archive) -> str:
    """A few lines saying what the catalog holds."""
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


__all__ = ["Archive", "open_archive", "catalog_summary"]
