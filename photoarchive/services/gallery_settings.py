"""What a gallery is made with: the curator's settings, checked, and remembered.

A collection's export settings (title, introduction, theme, sizes, output folder) are kept
in the catalog after each complete export (`catalog.gallery_settings`), and the export
dialog and `export gallery --collection` start from them: a re-export never silently
replaces the published text with the collection's name and description. The title and
introduction are stored only when they differ from the collection's name and description,
so until then they follow a rename or a new description.

Exports of a query or of a hand-made selection have no lasting identity in the catalog;
their settings are read back from the output folder's manifest instead
(`export_gallery.folder_start`), so re-exporting to the same folder keeps its text too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from photoarchive.catalog import gallery_settings as store
from photoarchive.errors import NotFound, UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.gallery_pages import THEMES_DIR

DEFAULT_TITLE = "Photographs"


@dataclass
class GallerySettings:
    """What the curator chose: title, introduction (Markdown), theme and image sizes."""

    title: str = ""
    intro: str = ""
    theme: str | Path | None = None
    image_size: int = 1600
    thumb_size: int = 400
    quality: int = 85
    lang: str = "en"
    markdown_captions: bool = False

    def check(self) -> None:
        """Raise UsageError for sizes or a quality no gallery can use."""
        for label, value in (("--image-size", self.image_size),
                             ("--thumb-size", self.thumb_size)):
            if not 64 <= value <= 8192:
                raise UsageError(f"{label} must be between 64 and 8192 pixels, not {value}.")
        if self.thumb_size > self.image_size:
            raise UsageError("--thumb-size must not be larger than --image-size.")
        if not 30 <= self.quality <= 100:
            raise UsageError(f"JPEG quality must be between 30 and 100, not {self.quality}.")


@dataclass
class GalleryStart:
    """The settings an export starts from, the folder of the last one, and whether they
    were remembered from an earlier export (False: the defaults)."""

    settings: GallerySettings
    out_dir: Path | None = None
    remembered: bool = False


def _theme_text(theme: str | Path | None) -> str | None:
    """A theme as remembered: a shipped theme by name, a folder as an absolute path (so it
    still works from another working directory)."""
    text = str(theme or "").strip()
    if text in ("", "default"):
        return None
    if (THEMES_DIR / text).is_dir() and "/" not in text:
        return text
    folder = Path(text).expanduser()
    return str(folder.resolve()) if folder.is_dir() else text


def gallery_start(archive: Archive, collection: str) -> GalleryStart:
    """What an export of `collection` starts from: its last export's settings, else its
    name, its description and the default sizes."""
    with archive.reader() as session:
        row = store.collection_row(session, collection)
        if row is None:
            raise NotFound(f"There is no collection called '{collection}'.")
        values = store.load(session, row[0])
    _id, name, description = row
    if values is None:
        return GalleryStart(GallerySettings(title=name, intro=description or ""))
    settings = GallerySettings(
        title=name if values["title"] is None else values["title"],
        intro=(description or "") if values["intro"] is None else values["intro"],
        theme=values["theme"], image_size=values["image_size"],
        thumb_size=values["thumb_size"])
    out = Path(values["out_dir"]) if values["out_dir"] else None
    return GalleryStart(settings, out, remembered=True)


def remember_gallery(archive: Archive, collection: str, settings: GallerySettings,
                     out_dir: Path | str) -> None:
    """Keep `settings` and `out_dir` as the collection's gallery settings (after an export
    of it completed). A collection deleted meanwhile is left alone."""
    with archive.session() as session:
        row = store.collection_row(session, collection)
        if row is None:
            return
        collection_id, name, description = row
        store.save(session, collection_id, {
            "title": None if settings.title == name else settings.title,
            "intro": None if settings.intro == (description or "") else settings.intro,
            "theme": _theme_text(settings.theme), "image_size": settings.image_size,
            "thumb_size": settings.thumb_size,
            "out_dir": str(Path(out_dir).expanduser().absolute())})
