"""Hypothesis properties: any text parses, offsets slice back, bytes fail only as documented."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.extract.articles import decode_article_bytes, parse_article_with_problems
from dashboard.errors import ArticleFormatError
from dashboard.extract.dates import find_dates, resolve_weekday
from dashboard.records import Problem
from dashboard.text import split_sentences

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces that exercise the parser: datelines, dates, abbreviations, odd characters.
_FRAGMENTS = st.sampled_from([
    "(Reuters) Thursday, December 06, 2007", "Dec. 10", "U.S.", "Dr. J. Smith", "3.5",
    "on Friday", "said on Wednesday", "will meet on Monday", "last week", "in 2006",
    "after December 10", "12/10/2007", "2007-02-30", "February 30, 2007", "yesterday",
    "by the end of the year", "\n", "\r\n", "\r", "\ufeff", "\u200b", "\u202e", "\U0001F680",
    " ", ". ", "? ", '"', "\u2028", "\x0c", "May", "the end of", "two weeks ago",
])
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join),
)


def _check_article(text: str) -> None:
    article, problems = parse_article_with_problems(text, "a", today=dt.date(2020, 1, 1))
    assert 0 <= article.body_start <= len(article.text)
    assert all(isinstance(p, Problem) and p.message for p in problems)
    for s in split_sentences(article.text, article.body_start):
        assert article.text[s.start:s.end] == s.text and s.text.strip() == s.text != ""
    for m in find_dates(article.text, article.published, article.body_start):
        assert article.text[m.start:m.end] == m.text
        assert (m.date is None) == (m.precision == "")


@BOUNDED
@given(TEXTS)
def test_parse_article_any_text_gives_consistent_offsets(text):
    _check_article(text)


@BOUNDED
@given(TEXTS)
def test_split_sentences_covers_every_non_space_character_once(text):
    sentences = split_sentences(text)
    owners = [0] * len(text)
    for s in sentences:
        assert text[s.start:s.end] == s.text
        for i in range(s.start, s.end):
            owners[i] += 1
    assert all(count == 1 for ch, count in zip(text, owners) if not ch.isspace())
    assert all(count <= 1 for count in owners)


@BOUNDED
@given(TEXTS, st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(2190, 12, 31)),
       st.integers(0, 50), st.integers(0, 400))
def test_find_dates_any_range_slices_back_inside_it(text, anchor, start, length):
    for m in find_dates(text, anchor, start, start + length):
        assert start <= m.start < m.end <= start + length
        assert text[m.start:m.end] == m.text


@BOUNDED
@given(st.binary(max_size=600))
def test_decode_article_bytes_returns_text_or_raises_only_article_format_error(data):
    try:
        text, _ = decode_article_bytes(data, "blob.txt")
    except ArticleFormatError as err:
        assert "blob.txt" in str(err)
        return
    assert "\r" not in text and not text.startswith("\ufeff")
    _check_article(text)


@BOUNDED
@given(st.dates(min_value=dt.date(1600, 1, 8), max_value=dt.date(2190, 12, 20)),
       st.integers(0, 6), st.sampled_from(["past", "present", "future"]),
       st.sampled_from(["", "last", "next", "this"]))
def test_resolve_weekday_lands_on_that_weekday_within_a_week(anchor, weekday, tense, direction):
    day = resolve_weekday(anchor, weekday, tense, direction)
    assert day.weekday() == weekday and abs((day - anchor).days) <= 7
    if tense == "past" and not direction:
        assert day <= anchor
    if tense == "future" and not direction:
        assert day >= anchor
