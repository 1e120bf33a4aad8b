r"""Digits that are not 0-9 in text where a number is meant. `str.isdigit` is true of
"¹" (and int("¹") raises); `\d` in a regular expression matches every script's decimal
digits ("١٩٥٦"), which int() reads but no standard we read or write uses. Numbers in
files, file names and markup are 0-9."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoarchive.catalog.query import parse_query
from photoarchive.errors import QueryError
from photoarchive.media.mwg import parse_date_taken, parse_xmp_gps
from photoarchive.services import backup
from photoarchive.services.export_csv import neutralise, plan_import, restore
from photoarchive.services.markdown import render

ARABIC_INDIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666"
                             "\u0667\u0668\u0669")


def other_digits(text: str) -> str:
    return text.translate(ARABIC_INDIC)


def test_a_date_taken_in_other_digits_is_not_a_date() -> None:
    assert parse_date_taken("1956:10:23 12:00:00") == ("1956-10-23", "1956-10-23T12:00:00")
    found = parse_date_taken(other_digits("1956:10:23 12:00:00"))
    assert isinstance(found, str) and "not a date" in found  # was ('١٩٥٦-١٠-٢٣', …)


def test_an_xmp_gps_position_in_other_digits_is_malformed() -> None:
    warnings: list[str] = []
    assert parse_xmp_gps("47,29.7N", "19,2.4E", warnings) == (47.495, 19.04)
    assert parse_xmp_gps(other_digits("47,29.7N"), other_digits("19,2.4E"), warnings) is None
    assert warnings and "malformed" in warnings[0]


def test_a_numbered_list_takes_0_to_9() -> None:
    assert render("1. first\n2. second").startswith("<ol>")
    text = other_digits("1. first\n2. second")
    assert "<ol>" not in render(text) and other_digits("1. first") in render(text)


def test_only_files_named_like_our_backups_are_ours(tmp_path: Path) -> None:
    catalog = tmp_path / "c.sqlite"
    folder = tmp_path / "backups"
    folder.mkdir()
    ours = folder / "c-20240101-120000000000-manual.sqlite"
    theirs = folder / other_digits("c-20240101-120000000000-manual.sqlite")
    for file in (ours, theirs):
        file.write_bytes(b"")
    assert [b.path for b in backup.list_backups(catalog, folder)] == [ours]


def test_a_date_query_hint_needs_a_year_of_0_to_9() -> None:
    with pytest.raises(QueryError, match="in quotes"):
        parse_query("date:c. 1936")
    try:
        parse_query("date:c. \u00b9\u00b9")  # "¹¹" is no year: no hint to quote it
    except QueryError as exc:
        assert "in quotes" not in str(exc)


def test_csv_numbers_are_0_to_9(tmp_path: Path, archive) -> None:
    assert neutralise("-12.5") == "-12.5"  # a plain number stays as it is
    assert neutralise(other_digits("-12")) == "'" + other_digits("-12")  # formula-like
    assert restore(neutralise(other_digits("-12"))) == other_digits("-12")
    path = tmp_path / "ids.csv"
    path.write_text("id,title\n\u00b9,x\n", encoding="utf-8")
    plan = plan_import(archive, path)  # was: ValueError from int("¹")
    assert [str(e) for e in plan.errors] == ["row 2: there is no photo with id '\u00b9'"]
