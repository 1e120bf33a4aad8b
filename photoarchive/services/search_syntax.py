"""The search language as help text: read from the query parser's own tables, so the window's
Help -> Search Syntax (and the search box's tooltip) always list what the parser accepts."""

from __future__ import annotations

from dataclasses import dataclass

from photoarchive.catalog.query import FILTER_ALIASES, FILTER_HELP, TERM_HELP

__all__ = ["SyntaxRow", "filter_names", "syntax_rows"]


@dataclass(frozen=True)
class SyntaxRow:
    """One line of the help: an example query, what it finds, and the filter it shows (if
    any)."""

    example: str
    finds: str
    filter: str | None = None


def syntax_rows() -> list[SyntaxRow]:
    """Words, phrases and exclusion first, then every filter, in the parser's order."""
    aliases = {canonical: alias for alias, canonical in FILTER_ALIASES.items()}
    rows = [SyntaxRow(example, finds) for example, finds in TERM_HELP]
    for name, (example, finds) in FILTER_HELP.items():
        if name in aliases:
            finds += f" ({aliases[name]}: works too)"
        rows.append(SyntaxRow(example, finds, name))
    return rows


def filter_names() -> list[str]:
    """The filter names with their colon, in the parser's order: ``keyword:``, …"""
    return [f"{name}:" for name in FILTER_HELP]
