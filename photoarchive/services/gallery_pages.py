"""The pages of a gallery export: what each page shows, the theme, and rendering.

Templates are Jinja2 with autoescaping on for everything, so every catalog value is
HTML-escaped unless it is Markup we made (the sanitised Markdown). A user theme folder
comes first in the loader and the default theme second, so a theme may override one
template and inherit the rest; its CSS, scripts and images are copied over the default's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup

from photoarchive import paths
from photoarchive.errors import UsageError
from photoarchive.services import markdown
from photoarchive.services.photos import PhotoRecord

THEMES_DIR = paths.resources_dir() / "themes"
DEFAULT_THEME = THEMES_DIR / "default"
ASSET_SUFFIXES = frozenset({".css", ".js", ".png", ".svg", ".jpg", ".webp", ".ico", ".woff2",
                            ".woff", ".gif", ".txt"})
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "co", "inc",
                            "ltd", "ave", "rd", "vs", "ca", "approx"})


def slug(text: str, limit: int = 48) -> str:
    """Lower-case ASCII letters, digits and hyphens only ("Ödön utca 5." → "odon-utca-5")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(cleaned) > limit:  # cut at a word boundary when there is one
        cut = cleaned[:limit + 1].rfind("-")
        cleaned = cleaned[:cut] if cut > limit // 2 else cleaned[:limit]
    return cleaned.rstrip("-") or "photo"


def first_sentence(text: str | None) -> str:
    """The caption's first sentence ("Budapest, 1956. október 23." stays whole)."""
    if not text:
        return ""
    text = " ".join(text.split())
    for match in re.finditer(r"[.!?](?=\s+(\S))", text):
        word = re.search(r"(\w+)$", text[:match.start()])
        before = word.group(1) if word else ""
        if not match.group(1)[0].isupper() and match.group(1)[0] not in "\"“'(":
            continue  # "1956. október" is a Hungarian date, not a sentence end
        if (len(before) == 1 and before.isupper()) or before.lower() in _ABBREVIATIONS:
            continue  # an initial ("J. Smith") or an abbreviation ("St. Mary")
        return text[:match.start() + 1]
    return text


def display_title(record: PhotoRecord, position: int) -> str:
    """What a page calls the photo: its title, else its headline, else "Photograph 3" (its
    place in the gallery) — never the file name, which means nothing to a visitor and
    is read out letter by letter ("loc underscore fsa…")."""
    return (record.text.get("title") or record.text.get("headline")
            or f"Photograph {position}")


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def image_alt(record: PhotoRecord, title: str) -> str:
    """The `alt` of the photo's image on its page, where the title and caption are printed
    beside it.

    The alt text when there is one. Otherwise empty, not the caption's first sentence: the
    caption is right there, so a screen reader would read it twice; WAI's images tutorial
    (https://www.w3.org/WAI/tutorials/images/decorative/, an image whose content is given
    by adjacent text) asks for a null alt then, and the heading and caption are the text
    alternative. For the same reason an alt text that only repeats the title, or the
    start of the caption, is left out.
    """
    alt = " ".join((record.text.get("alt_text") or "").split())
    caption = " ".join((record.text.get("caption") or "").split())
    repeats_caption = caption.casefold().startswith(alt.casefold()) and (
        len(caption) == len(alt) or not caption[len(alt)].isalnum())
    if not alt or _same_text(alt, title) or repeats_caption:
        return ""
    return alt


def place(record: PhotoRecord) -> str:
    """Sublocation, city, state and country, joined with commas."""
    parts = [record.text.get(n) for n in ("sublocation", "city", "state", "country")]
    return ", ".join(p for p in parts if p)


@dataclass
class PhotoPage:
    """Everything one photo contributes to the pages (plain values; templates escape them)."""

    id: int
    name: str
    title: str
    alt: str
    caption: str
    caption_html: Markup | None
    date: str
    place: str
    place_short: str
    creator: str
    credit: str
    rights: str
    rights_url: str | None
    rights_url_text: str
    source: str
    identifier: str
    event: str
    keywords: list[str]
    people: list[str]
    large: dict[str, Any] = field(default_factory=dict)
    thumb: dict[str, Any] = field(default_factory=dict)

    @property
    def href(self) -> str:
        return f"photos/{self.name}.html"


def photo_page(record: PhotoRecord, name: str, large: tuple[int, int],
               thumb: tuple[int, int], markdown_captions: bool = False,
               position: int = 1) -> PhotoPage:
    """The page data of one exported photo, the `position`-th of the gallery."""
    text = record.text
    title = display_title(record, position)
    caption = text.get("caption") or ""
    rights_url = text.get("rights_url") or ""
    leaves = [k.split("|")[-1] for k in record.keywords]
    return PhotoPage(
        id=record.id, name=name, title=title, alt=image_alt(record, title),
        caption=caption,
        caption_html=Markup(markdown.render(caption)) if markdown_captions and caption
        else None,
        date=record.date_display or record.date or "", place=place(record),
        place_short=next((text[n] for n in ("city", "sublocation", "state", "country")
                          if text.get(n)), ""),
        creator=text.get("creator") or "", credit=text.get("credit") or "",
        rights=text.get("rights") or "", rights_url=markdown.safe_url(rights_url),
        rights_url_text=rights_url, source=text.get("source") or "",
        identifier=text.get("identifier") or "", event=text.get("event") or "",
        keywords=list(dict.fromkeys(leaves)), people=list(record.people),
        large={"src": f"images/{name}.jpg", "width": large[0], "height": large[1]},
        thumb={"src": f"thumbs/{name}.jpg", "width": thumb[0], "height": thumb[1]},
    )


def theme_dir(theme: str | Path | None) -> Path | None:
    """The folder of a user or named theme, or None for the default theme alone."""
    if theme is None or str(theme) in ("", "default"):
        return None
    text = str(theme)
    if _NAME.fullmatch(text) and (THEMES_DIR / text).is_dir():
        return THEMES_DIR / text
    folder = Path(text).expanduser()
    if folder.is_dir():
        return folder.resolve()
    known = sorted(p.name for p in THEMES_DIR.iterdir() if p.is_dir()) if THEMES_DIR.is_dir() \
        else []
    raise UsageError(f"There is no theme called '{theme}': give a theme folder, or one of: "
                     f"{', '.join(known) or 'default'}.")


class Renderer:
    """Renders the gallery's pages with a theme (user folder first, default second)."""

    def __init__(self, theme: str | Path | None = None) -> None:
        self.theme = theme_dir(theme)
        folders = ([self.theme] if self.theme else []) + [DEFAULT_THEME]
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, keep_trailing_newline=True)

    def render(self, template: str, **context: Any) -> str:
        """One page as text; a broken theme template becomes a UsageError naming it."""
        try:
            return self.env.get_template(template).render(**context)
        except TemplateError as exc:
            where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
            raise UsageError(f"The theme's template {template}{where} failed: "
                             f"{exc.message or exc}") from exc

    def assets(self) -> dict[str, Path]:
        """Files to copy into assets/: the default theme's, overridden by the user theme's."""
        found: dict[str, Path] = {}
        for folder in [DEFAULT_THEME] + ([self.theme] if self.theme else []):
            for path in sorted(folder.iterdir()):
                if (path.suffix.lower() in ASSET_SUFFIXES and path.is_file()
                        and not path.is_symlink() and re.fullmatch(r"[\w.-]+", path.name)):
                    found[path.name] = path
        return found


def render_pages(renderer: Renderer, pages: list[PhotoPage], title: str, intro: str,
                 lang: str) -> dict[str, str]:
    """Every page of the gallery: {relative path: HTML}."""
    gallery = {"title": title, "intro_html": Markup(markdown.render(intro)), "lang": lang,
               "count": len(pages)}
    out = {"index.html": renderer.render("index.html", gallery=gallery, photos=pages,
                                         root="", page_title=title)}
    for index, page in enumerate(pages):
        prev = pages[index - 1] if index > 0 else None
        nxt = pages[index + 1] if index + 1 < len(pages) else None
        out[page.href] = renderer.render(
            "photo.html", gallery=gallery, photo=page, prev=prev, next=nxt,
            position=index + 1, root="../",
            page_title=f"{page.title} — {title}" if title else page.title)
    return out
