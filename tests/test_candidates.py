"""Ranked readings of one name, on demand, for the correction widgets."""

from __future__ import annotations

from test_resolve import FakeGeocoder

from dashboard.extract import candidates as cand
from dashboard.extract.resolve import Lookup
from dashboard.records import Place


def test_ranked_orders_by_score_and_marks_the_current_reading():
    here = Place("p1", "Belgrade", 0, 8, name="Belgrade", lat=45.7, lon=-111.1, geonameid=2)
    found = cand.ranked(Lookup(FakeGeocoder()), "Belgrade", here)
    assert [r.candidate.country_code for r in found] == ["RS", "US"]  # the capital first
    assert [r.chosen for r in found] == [False, True]
    assert found[0].score > found[1].score and abs(sum(r.share for r in found) - 1) < 0.01


def test_ranked_unknown_name_is_empty():
    assert cand.ranked(Lookup(FakeGeocoder()), "Nowhere") == ()


def test_margin_lone_reading_is_certain_and_namesakes_are_not():
    lookup = Lookup(FakeGeocoder())
    assert cand.margin(lookup, "Obama") == 1.0
    assert 0 < cand.margin(lookup, "Georgia") < cand.margin(lookup, "Belgrade") <= 1.0


def test_located_as_takes_the_readings_fields_and_precision():
    here = Place("p1", "Georgia", 0, 7)
    reading = cand.ranked(Lookup(FakeGeocoder()), "Georgia")[0].candidate
    moved = cand.located_as(here, reading)
    assert (moved.id, moved.surface, moved.name, moved.lat) == ("p1", "Georgia", "Georgia",
                                                                 reading.lat)
    assert moved.precision == {"country": "country", "admin1": "admin1"}[reading.kind]
