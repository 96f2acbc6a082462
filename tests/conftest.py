"""Shared fixtures: the real gazetteer (built once per session) and a tiny in-code one."""

from __future__ import annotations

import json

import pytest

from dashboard.geo.gazetteer import Gazetteer

#: A 4 x 4 degree square country "Squareland" (QQ) with two towns, a namesake abroad and an airport.
SQUARE = {"type": "Polygon", "coordinates": [[[10, 40], [14, 40], [14, 44], [10, 44], [10, 40]]]}


def tiny_places():
    """PlaceRows for the tiny index (a function so tests can extend the list)."""
    from dashboard.geo.gazetteer_build import PlaceRow

    outline = json.dumps(SQUARE)
    return [
        PlaceRow(name="Squareland", kind="country", country_code="QQ", lat=42.0, lon=12.0,
                 population=2_000_000, geonameid=1,
                 names=("Republic of Squareland", "Sqland", "SQ"),
                 bbox=(40.0, 10.0, 44.0, 14.0), geometry=outline, parts_from=outline),
        PlaceRow(name="Capitol", kind="city", country_code="QQ", lat=42.5, lon=12.5,
                 population=300_000, geonameid=10, admin1="01", names=("Kapitol",),
                 is_capital=True, fame=40),
        PlaceRow(name="Capitol", kind="city", country_code="ZZ", lat=-30.0, lon=-60.0,
                 population=900_000, geonameid=11),
        PlaceRow(name="Southtown", kind="city", country_code="QQ", lat=40.5, lon=11.0,
                 population=5_000, geonameid=12, names=("Kapitol",)),
        # Villages whose names equal an acronym: one of the country's ("SQ"), one of nothing's.
        PlaceRow(name="Sq", kind="city", country_code="ZZ", lat=-31.0, lon=-61.0,
                 population=700, geonameid=13),
        PlaceRow(name="Sv", kind="city", country_code="ZZ", lat=-32.0, lon=-62.0,
                 population=600, geonameid=14),
        # A big city named "X City" and a bigger province named "X".
        PlaceRow(name="Bigtown City", kind="city", country_code="QQ", lat=41.0, lon=13.0,
                 population=1_500_000, geonameid=15, names=("Bigtown", "Big Town City")),
        PlaceRow(name="Bigtown", kind="admin1", country_code="QQ", admin1="02", lat=41.2,
                 lon=13.2, population=9_000_000),
        # A hamlet sharing the bare name of the big city's airport.
        PlaceRow(name="Farfield", kind="city", country_code="ZZ", lat=-33.0, lon=-63.0,
                 population=6_000, geonameid=16),
        PlaceRow(name="Bigtown Farfield Airport", kind="facility", country_code="QQ", lat=41.1,
                 lon=13.1, names=("Farfield",), major=True),
        PlaceRow(name="Capitol International Airport", kind="facility", country_code="QQ",
                 lat=42.4, lon=12.4, names=("Capitol Airport",)),
    ]


@pytest.fixture(scope="session", autouse=True)
def cache_in_tmp(tmp_path_factory):
    """The dashboard's caches (a folder's dataset, derived tables) in a temporary folder, not
    the home folder; a test may point NEWSMAP_CACHE elsewhere."""
    patch = pytest.MonkeyPatch()
    patch.setenv("NEWSMAP_CACHE", str(tmp_path_factory.mktemp("newsmap-cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def tiny_gazetteer(tmp_path_factory) -> Gazetteer:
    """A gazetteer built in milliseconds from :func:`tiny_places`."""
    from dashboard.geo.gazetteer_build import write_index

    path = tmp_path_factory.mktemp("tiny") / "tiny.sqlite"
    write_index(path, tiny_places(), {"Squarish": "QQ", "Squarelander": "QQ"}, stamp="tiny")
    return Gazetteer(path)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The real index; built (about 20 s) when missing or stale, as on a clean clone in CI."""
    return Gazetteer.open_default()


@pytest.fixture(scope="session")
def offline_geocoder(gazetteer):
    from dashboard.geo.geocoder import OfflineGeocoder

    return OfflineGeocoder(gazetteer)
