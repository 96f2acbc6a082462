"""Hypothesis properties: any text extracts with offsets that slice back; geocoding never raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.errors import ArticleFormatError
from dashboard.extract.pipeline import extract_text
from test_hostile_input import assert_consistent, assert_nothing_unaccounted

BOUNDED = settings(max_examples=100, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Pieces that reach every stage: datelines, place cues, directions, actors, numbers, odd text.
_FRAGMENTS = st.sampled_from([
    "(Reuters) Thursday, December 06, 2007\n", "(AP) February 30, 2007\n", "Paris", "Kosovo",
    "the town of ", "the town", "the capital", " province", "southern ", "north-eastern ",
    "Lagos", "Springfield", "Georgia", "U.S.", "NATO", "the United Nations", "Washington said",
    "talks between Belgrade and Pristina", "Defense Minister John Smith", "Smith",
    "up to four battalions with more than 3,000 soldiers", "troops are stationed in ",
    "will meet on Friday", "on Wednesday", "after December 10", "last week", "in 2006",
    "airport", "Kabul airport", " and ", ", ", ". ", "\n", "\r\n", "\r", "\ufeff", "\u200b",
    "\u202e", "\u2060", "\U0001F680", "\x00", "\x0c", "<script>alert(1)</script>", "`${x}`",
    "'s ", "\u2019s ", "-", "\u2014", '"', "(", ")", "1244", "Mitrovica",
])
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join),
)


@BOUNDED
@given(TEXTS)
def test_extract_text_any_text_gives_consistent_offsets(offline_geocoder, text):
    try:
        ex = extract_text(text, "prop", geocoder=offline_geocoder)
    except ArticleFormatError:
        return  # the documented refusal; anything else is a bug
    assert_consistent(ex)
    assert_nothing_unaccounted(ex)


QUERIES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=400),
    st.sampled_from(["", " ", "\x00", "Paris\x00", "\n", "southern ", "southern", "airport",
                     " airport", "north-eastern ?", "-", "%", "_", "'", "\\", "Kosovo\u200b",
                     "southern " * 50, "a" * 10_000, "x" * 1_000_000, "\ud800", "P\u0301aris"]),
    st.integers(), st.floats(), st.none(), st.booleans(), st.binary(max_size=40),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers()),
)
POINTS = st.one_of(
    QUERIES,
    st.tuples(st.floats(), st.floats()),
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)).map(lambda p: f"{p[0]}, {p[1]}"),
    st.sampled_from(["nan, nan", "inf, 0", "91, 0", "0, 181", "-90, -180", "1e308, 1e308",
                     (0, 0, 0), (None, None), "1,2,3"]),
)
CODES = st.one_of(st.none(), st.text(max_size=3), st.lists(st.one_of(st.text(max_size=3),
                                                                   st.none(), st.integers())))


@BOUNDED
@given(QUERIES, st.booleans(), CODES)
def test_geocode_never_raises(offline_geocoder, query, exactly_one, codes):
    found = offline_geocoder.geocode(query, exactly_one=exactly_one, country_codes=codes)
    if exactly_one:
        assert found is None or -90 <= found.latitude <= 90
    else:
        assert found is None or (isinstance(found, list) and found)


@BOUNDED
@given(QUERIES, CODES)
def test_candidates_never_raise(offline_geocoder, query, codes):
    found = offline_geocoder.candidates(query, country_codes=codes)
    assert isinstance(found, list) and all(-90 <= loc.latitude <= 90 for loc in found)


# geopy warns (rightly) when a latitude beyond the poles is wrapped; not our concern here.
@pytest.mark.filterwarnings("ignore:Latitude normalization")
@BOUNDED
@given(POINTS, st.booleans())
def test_reverse_never_raises(offline_geocoder, query, exactly_one):
    found = offline_geocoder.reverse(query, exactly_one=exactly_one)
    assert found is None or (found if exactly_one else found[0]).raw["kind"]
