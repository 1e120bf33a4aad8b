"""The search-box parser: what each input becomes, and which inputs are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from photoarchive.catalog.query import Filter, ParsedQuery, has_token, parse_query
from photoarchive.errors import QueryError, UsageError

PARSED = [
    ("", ParsedQuery()),
    ("   \t\n ", ParsedQuery()),
    ("budapest", ParsedQuery(words=("budapest",))),
    ("Budapest 1956", ParsedQuery(words=("Budapest", "1956"))),
    ('"street scene"', ParsedQuery(phrases=("street scene",))),
    ('"  street \n scene "', ParsedQuery(phrases=("street scene",))),
    ("-tank", ParsedQuery(excluded_words=("tank",))),
    ('-"Red Army"', ParsedQuery(excluded_phrases=("Red Army",))),
    ("ref2017.1", ParsedQuery(words=("ref2017.1",))),
    ("LC-DIG-fsa-8b28631", ParsedQuery(words=("LC-DIG-fsa-8b28631",))),
    ("október közben", ParsedQuery(words=("október", "közben"))),
    # NFC: a decomposed "ó" becomes one character
    ("okto\u0301ber", ParsedQuery(words=("október",))),
    ("keyword:Budapest", ParsedQuery(filters=(Filter("keyword", "Budapest"),))),
    ('keyword:"Street scenes"', ParsedQuery(filters=(Filter("keyword", "Street scenes"),))),
    ("keyword:Places|Hungary", ParsedQuery(filters=(Filter("keyword", "Places|Hungary"),))),
    ('keyword:" Places | Hungary "', ParsedQuery(filters=(Filter("keyword", "Places|Hungary"),))),
    ("KEYWORD:x", ParsedQuery(filters=(Filter("keyword", "x"),))),
    ("keywords:x", ParsedQuery(filters=(Filter("keyword", "x"),))),
    ("-keyword:x", ParsedQuery(filters=(Filter("keyword", "x", negated=True),))),
    ('-keyword:"x y"', ParsedQuery(filters=(Filter("keyword", "x y", negated=True),))),
    ("person:Kertész", ParsedQuery(filters=(Filter("person", "Kertész"),))),
    ("people:capa", ParsedQuery(filters=(Filter("person", "capa"),))),
    ("creator:Lee", ParsedQuery(filters=(Filter("creator", "Lee"),))),
    ("city:Milwaukee", ParsedQuery(filters=(Filter("city", "Milwaukee"),))),
    ("country:HU", ParsedQuery(filters=(Filter("country", "HU"),))),
    ('collection:"Milwaukee 1936"',
     ParsedQuery(filters=(Filter("collection", "Milwaukee 1936"),))),
    ("date:1956", ParsedQuery(filters=(Filter("date", "1956"),))),
    ("date:1956-10..1956-11", ParsedQuery(filters=(Filter("date", "1956-10..1956-11"),))),
    ('date:"c. 1956"', ParsedQuery(filters=(Filter("date", "c. 1956"),))),
    ("missing:caption", ParsedQuery(filters=(Filter("missing", "caption"),))),
    ("missing:Rights", ParsedQuery(filters=(Filter("missing", "rights"),))),
    ("missing:alt-text", ParsedQuery(filters=(Filter("missing", "alt_text"),))),
    ("missing:keyword", ParsedQuery(filters=(Filter("missing", "keywords"),))),
    ("-missing:date", ParsedQuery(filters=(Filter("missing", "date", negated=True),))),
    # colons that are not filters are words
    ("12:30", ParsedQuery(words=("12:30",))),
    ("http://loc.gov/x", ParsedQuery(words=("http://loc.gov/x",))),
    ("LC-USZ62:123", ParsedQuery(words=("LC-USZ62:123",))),
    ("Budapest:", ParsedQuery(words=("Budapest:",))),
    (":x", ParsedQuery(words=(":x",))),
    ('"isbn:978"', ParsedQuery(phrases=("isbn:978",))),
    # tokens without letters or digits are dropped
    ("- -- & ... \"\" \"!!\" -\"\"", ParsedQuery()),
    ("a\x00b\x1fc", ParsedQuery(words=("a", "b", "c"))),
    ("x\ud800y", ParsedQuery(words=("x?y",))),
    ('foo"bar baz"', ParsedQuery(words=("foo",), phrases=("bar baz",))),
    ("--x", ParsedQuery(excluded_words=("-x",))),
    (
        ('tank -soldier "Corvin köz" -"Kilián" keyword:Places -person:Nagy date:1956 '
        "missing:caption"),
        ParsedQuery(
            words=("tank",), phrases=("Corvin köz",), excluded_words=("soldier",),
            excluded_phrases=("Kilián",),
            filters=(Filter("keyword", "Places"), Filter("person", "Nagy", negated=True),
                     Filter("date", "1956"), Filter("missing", "caption")),
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[repr(t) for t, _ in PARSED])
def test_parse(text: str, expected: ParsedQuery) -> None:
    assert parse_query(text) == expected


MALFORMED = [
    ('"unclosed', "not closed"),
    ('street "scene', "not closed"),
    ('keyword:"Street scenes', "not closed"),
    ('-"a', "not closed"),
    ("foo:bar", "keyword:"),
    ("Foo:bar", "not a search filter"),
    ("isbn:978", "quotes"),
    ("city:", "no value"),
    ("city: Milwaukee", "no value"),
    ('city:""', "no value"),
    ('city:"   "', "no value"),
    ("keyword:|", "no value"),
    ("-person:", "no value"),
    ("missing:", "no value"),
    ("missing:colour", "caption"),
    ("missing:*", "not a field"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED, ids=[t for t, _ in MALFORMED])
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("*", r"\*")):
        parse_query(text)


def test_query_error_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_query("foo:bar")


def test_is_empty() -> None:
    assert parse_query("  ").is_empty()
    assert not parse_query("-x").is_empty()
    assert not parse_query("missing:date").is_empty()


@pytest.mark.parametrize(("text", "expected"), [
    ("abc", True), ("ő", True), ("東京", True), ("7", True), ("c\u0301", True),
    ("...", False), ("_-_", False), ("©®", False), ("", False), (" ", False),
])
def test_has_token(text: str, expected: bool) -> None:
    assert has_token(text) is expected


QUERY_ALPHABET = st.sampled_from(
    [*'abcXYZ019 -":|*^()._/\\\'~%\t\nőü', "keyword:", "missing:", "date:", "NEAR(",
     "AND", "OR", "NOT", "foo:", "city:"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.lists(QUERY_ALPHABET, max_size=20).map("".join)))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        parsed = parse_query(text)
    except QueryError as exc:
        assert str(exc)
        return
    for flt in parsed.filters:
        assert flt.value
    for part in parsed.words + parsed.phrases + parsed.excluded_words + parsed.excluded_phrases:
        assert has_token(part)
