"""Safe Markdown for gallery introductions (and captions, if allowed), by markdown-it-py.

CommonMark, parsed by a well-kept parser set up so that it cannot emit raw HTML: HTML in the
text comes out escaped, as text. Links keep only http, https and mailto addresses (`safe_url`);
any other (javascript:, data:, relative paths) stays plain text. Images are off: `![alt](url)`
shows as "!" and a link to the image, never loads it (a gallery opened from disk loads nothing
from elsewhere). Indented code blocks are off too: curators indent paragraphs, and four spaces
should not turn a paragraph into code.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["render", "safe_url"]

_SAFE_SCHEMES = ("http", "https", "mailto")

# Lists as one line of HTML ("<ul><li>one</li><li>two</li></ul>"), as the pages always had.
_COMPACT = frozenset({"bullet_list_open", "ordered_list_open", "list_item_open",
                      "list_item_close"})


def safe_url(url: str) -> str | None:
    """`url` when it is an http, https or mailto address without control characters."""
    url = url.strip()
    if not url or any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


def _parser() -> MarkdownIt:
    # xhtmlOut off: "<br>" and "<hr>", as HTML5 pages write them. No linkify, no typographer:
    # text that is not Markdown syntax stays as written.
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False, "linkify": False,
                                   "typographer": False})
    md.disable(["image", "code"])
    # markdown-it asks this of every link and autolink (normalised: spaces and non-ASCII
    # already %-encoded); a refused one is left as the text it was written as.
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    return md


_MD = _parser()


def _adjust(tokens: list[Token], heading_offset: int) -> None:
    """Demote headings, keep lists on one line, and show a mailto autolink without "mailto:"."""
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
        elif token.type in _COMPACT:
            token.block = False
        elif token.type == "inline" and token.children:
            _adjust(token.children, heading_offset)
        elif (token.type == "link_open" and token.markup == "autolink"
              and index + 1 < len(tokens) and tokens[index + 1].type == "text"):
            shown = tokens[index + 1]
            if shown.content.lower().startswith("mailto:"):
                shown.content = shown.content[len("mailto:"):]


def render(text: str | None, heading_offset: int = 1) -> str:
    """Markdown `text` as safe HTML. `heading_offset` demotes headings (`#` → `<h2>`)."""
    if not text:
        return ""
    env: dict[str, object] = {}
    tokens = _MD.parse(text, env)
    _adjust(tokens, heading_offset)
    return _MD.renderer.render(tokens, _MD.options, env).rstrip("\n")
