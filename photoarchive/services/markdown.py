"""A small, safe Markdown renderer for gallery introductions (and captions, if allowed).

It knows paragraphs, headings, bulleted and numbered lists, block quotes, emphasis, strong
text, inline code, links and autolinks. Everything else is text: raw HTML, images and
unknown syntax come out escaped, never as markup. Links keep only http, https and mailto
addresses; any other (javascript:, data:, relative paths) is shown as plain text.
Our own ~150 lines instead of a dependency: the subset is what curators write, and a
renderer that cannot emit raw HTML needs no separate sanitiser.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

__all__ = ["render", "safe_url"]

_SAFE_SCHEMES = ("http", "https", "mailto")

_INLINE = re.compile(
    r"\\(?P<esc>[\\`*_{}\[\]()#+\-.!<>|~])"
    r"|`(?P<code>[^`\n]+)`"
    r"|\[(?P<text>[^\]\n]+)\]\((?P<url>[^)\s]+)(?:\s+\"(?P<title>[^\"\n]*)\")?\)"
    r"|<(?P<auto>(?:https?://|mailto:)[^>\s]+)>"
    r"|\*\*(?P<strong>[^\s*](?:.*?[^\s*])?)\*\*"
    r"|__(?P<strong2>[^\s_](?:.*?[^\s_])?)__"
    r"|\*(?P<em>[^\s*](?:.*?[^\s*])?)\*"
    r"|(?<![\w])_(?P<em2>[^\s_](?:.*?[^\s_])?)_(?![\w])",
    re.DOTALL,
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s{0,3}(\d{1,9})[.)]\s+(.*)$", re.ASCII)  # CommonMark: 0-9
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")


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


def _link(text_html: str, url: str, title: str | None) -> str:
    attrs = f' title="{escape(title)}"' if title else ""
    return f'<a href="{escape(url, quote=True)}"{attrs}>{text_html}</a>'


def _inline(text: str) -> str:
    """Inline Markdown to HTML; every character of text that is not syntax is escaped."""
    out: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[pos:match.start()]))
        pos = match.end()
        groups = match.groupdict()
        if groups["esc"] is not None:
            out.append(escape(groups["esc"]))
        elif groups["code"] is not None:
            out.append(f"<code>{escape(groups['code'])}</code>")
        elif groups["text"] is not None:
            url = safe_url(groups["url"])
            label = _inline(groups["text"])
            out.append(_link(label, url, groups["title"]) if url else escape(match.group(0)))
        elif groups["auto"] is not None:
            url = safe_url(groups["auto"])
            shown = escape(groups["auto"].removeprefix("mailto:"))
            out.append(_link(shown, url, None) if url else escape(match.group(0)))
        elif (strong := groups["strong"] or groups["strong2"]) is not None:
            out.append(f"<strong>{_inline(strong)}</strong>")
        else:
            out.append(f"<em>{_inline(groups['em'] or groups['em2'])}</em>")
    out.append(escape(text[pos:]))
    return "".join(out)


def _paragraph(lines: list[str]) -> str:
    # Two trailing spaces or a backslash at the end of a line: a hard line break.
    parts = []
    for index, line in enumerate(lines):
        hard = index < len(lines) - 1 and line.endswith(("  ", "\\"))
        clean = line.rstrip()
        clean = clean[:-1] if hard and clean.endswith("\\") else clean
        parts.append(_inline(clean.strip()) + ("<br>" if hard else ""))
    return "<p>" + "\n".join(parts) + "</p>"


def render(text: str | None, heading_offset: int = 1) -> str:
    """Markdown `text` as safe HTML. `heading_offset` demotes headings (`#` → `<h2>`)."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[str] = []
    para: list[str] = []
    items: list[list[str]] = []
    list_tag = ""
    quote: list[str] = []

    def close_para() -> None:
        if para:
            blocks.append(_paragraph(para))
            para.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            body = "".join(f"<li>{_inline(' '.join(i).strip())}</li>" for i in items)
            blocks.append(f"<{list_tag}>{body}</{list_tag}>")
            items.clear()
        list_tag = ""

    def close_quote() -> None:
        if quote:
            blocks.append(f"<blockquote>{render(chr(10).join(quote), heading_offset)}"
                          "</blockquote>")
            quote.clear()

    def close_all() -> None:
        close_para()
        close_list()
        close_quote()

    for line in lines:
        if not line.strip():
            close_all()
            continue
        if (quoted := _QUOTE.match(line)) is not None:
            close_para()
            close_list()
            quote.append(quoted.group(1))
            continue
        close_quote()
        heading = _HEADING.match(line)
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if heading:
            close_all()
            level = min(6, len(heading.group(1)) + heading_offset)
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif _RULE.match(line) and not para:
            close_all()
            blocks.append("<hr>")
        elif bullet or (number and (not para or int(number.group(1)) == 1)):
            # As in CommonMark, only "1." starts a list inside a paragraph ("1956. október").
            tag = "ul" if bullet else "ol"
            close_para()
            if list_tag and list_tag != tag:
                close_list()
            list_tag = tag
            items.append([bullet.group(1) if bullet else number.group(2) if number else ""])
        elif items and line.startswith((" ", "\t")):
            items[-1].append(line.strip())  # a continuation of the last item
        else:
            close_list()
            para.append(line)
    close_all()
    return "\n".join(blocks)
