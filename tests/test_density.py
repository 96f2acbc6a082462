"""Counting events for the density views (dashboard.ui.density)."""

from __future__ import annotations

from dashboard.records import Article, Event, Extraction, Place
from dashboard.ui import density, tables


def _frames() -> tables.Frames:
    places = (
        Place("p1", "Pristina", 0, 8, name="Pristina", kind="city", country_code="XK",
              admin1="10097360", lat=42.6727, lon=21.1664, geonameid=786714, precision="point"),
        Place("p2", "Mitrovica", 10, 19, name="Mitrovica", kind="city", country_code="XK",
              admin1="10097358", lat=42.8914, lon=20.8660, geonameid=789225, precision="point"),
        Place("p3", "Kosovo", 20, 26, name="Kosovo", kind="country", country_code="XK",
              admin1="XX", lat=42.6, lon=20.9, geonameid=831053, precision="country"),
        Place("p4", "Serbia", 30, 36, name="Serbia", kind="country", country_code="RS",
              lat=44.0, lon=21.0, geonameid=6290252, precision="country"),
    )
    events = (
        Event("e1", "clash", "x", place="p1"), Event("e2", "clash", "x", place="p1"),
        Event("e3", "meeting", "x", place="p2"), Event("e4", "visit", "x", place="p3"),
        Event("e5", "visit", "x", place="p4"),
        Event("e6", "clash", "own coordinates", lat=43.0, lon=20.0),
        Event("e7", "clash", "nowhere"),
    )
    return tables.build([Extraction(article=Article(id="a", text="x" * 40), places=places,
                                    events=events)])


def test_count_per_country_includes_towns_and_the_country_itself():
    found = density.count(_frames())
    assert dict(found.countries) == {"XK": 4, "RS": 1}


def test_count_per_region_only_for_places_inside_one():
    found = density.count(_frames())
    # The country-level event has no region, even if its row carries a code.
    assert dict(found.regions) == {("XK", "10097360"): 2, ("XK", "10097358"): 1}
    assert found.regions[0] == (("XK", "10097360"), 2)  # most first


def test_count_unplaced_are_events_on_the_map_without_a_country():
    assert density.count(_frames()).unplaced == 1


def test_heat_points_take_point_precision_only_and_merge_a_location():
    heat = density.count(_frames()).heat
    assert heat[0] == (42.673, 21.166, 2)
    assert (42.891, 20.866, 1) in heat
    assert all(lat != 42.6 and lat != 44.0 for lat, _, _ in heat)  # no country centres
    assert sum(n for _, _, n in heat) == 4  # the own-coordinates event is a point too


def test_count_of_nothing_is_empty():
    frames = _frames()
    none = tables.Frames(**{**vars(frames), "events": frames.events.iloc[0:0]})
    assert density.count(none).empty
