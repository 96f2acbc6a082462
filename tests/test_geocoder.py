"""The geopy-compatible geocoders: one shared contract, offline behaviour, the online fallback."""

from __future__ import annotations

import json
import logging
import time

import pytest
from geopy.exc import GeocoderUnavailable
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from dashboard.errors import GazetteerError
from dashboard.geo.gazetteer import Candidate
from dashboard.geo.geocoder import (
    RAW_KEYS, OfflineGeocoder, OnlineFallbackGeocoder, _as_point, clean_query,
)

BAD_QUERIES = ["", "   ", "x" * 10_000, "Paris\x00", "Bel\x07grade", "?!...", "—", None, 42,
               ["Paris"]]


class FakeProvider(Geocoder):
    """Stands in for Nominatim: knows one village, fails on one name, counts its calls."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def geocode(self, query, *, exactly_one=True, timeout=None, **kwargs):
        self.calls.append((query, time.monotonic()))
        if query == "Qqq Network Failure":
            raise GeocoderUnavailable("network down")
        if query == "Zzyzx Springs":
            return Location("Zzyzx Springs, California", Point(35.14, -116.10), {"osm_id": 1})
        return None


@pytest.fixture
def online(offline_geocoder, tmp_path):
    provider = FakeProvider()
    wrapper = OnlineFallbackGeocoder(offline_geocoder, enabled=True, provider=provider,
                                     cache_path=tmp_path / "cache.sqlite", min_delay_seconds=0)
    return wrapper, provider


@pytest.fixture(params=["offline", "online"])
def any_geocoder(request, offline_geocoder, online):
    return offline_geocoder if request.param == "offline" else online[0]


# --------------------------------------------------------------------------- the contract

def test_contract_geocode_returns_a_location_with_our_raw_fields(any_geocoder):
    found = any_geocoder.geocode("Brussels")
    assert isinstance(found, Location) and isinstance(any_geocoder, Geocoder)
    assert set(RAW_KEYS) <= set(found.raw)
    assert found.raw["country_code"] == "BE" and found.raw["kind"] == "city"
    assert found.raw["is_capital"] is True and found.raw["fame"] > 20
    assert abs(found.latitude - 50.85) < 0.05 and abs(found.longitude - 4.35) < 0.05


def test_contract_exactly_one_false_returns_a_list(any_geocoder):
    found = any_geocoder.geocode("Paris", exactly_one=False, limit=3)
    assert isinstance(found, list) and 1 <= len(found) <= 3
    assert all(isinstance(x, Location) for x in found) and found[0].raw["country_code"] == "FR"


def test_contract_no_match_is_none(any_geocoder):
    assert any_geocoder.geocode("Qqqxxzzyy Nonexistentville") is None


@pytest.mark.parametrize("query", BAD_QUERIES, ids=repr)
def test_contract_bad_queries_return_none(any_geocoder, query):
    assert any_geocoder.geocode(query) is None


def test_contract_reverse_finds_the_nearest_town(any_geocoder):
    found = any_geocoder.reverse("42.66, 21.16")
    assert isinstance(found, Location) and found.raw["name"] == "Pristina"
    assert any_geocoder.reverse(Point(48.857, 2.352), exactly_one=False)[0].raw["country_code"] == "FR"
    assert any_geocoder.reverse("not a point") is None


def test_contract_accepts_a_timeout_argument(any_geocoder):
    assert any_geocoder.geocode("Skopje", timeout=1).raw["country_code"] == "MK"


# --------------------------------------------------------------------------- offline specifics

@pytest.mark.parametrize("query, code, near", [
    ("Brussels", "BE", (50.85, 4.35)), ("Kosovska Mitrovica", "XK", (42.89, 20.87)),
    ("Pristina", "XK", (42.67, 21.17)), ("Skopje", "MK", (42.0, 21.43)),
    ("Belgrade", "RS", (44.8, 20.47)),
])
def test_offline_geocode_seed_places(offline_geocoder, query, code, near):
    found = offline_geocoder.geocode(query)
    assert found.raw["country_code"] == code
    assert abs(found.latitude - near[0]) < 0.05 and abs(found.longitude - near[1]) < 0.05


def test_offline_kosovo_is_the_country(offline_geocoder):
    found = offline_geocoder.geocode("Kosovo")
    assert (found.raw["kind"], found.raw["country_code"]) == ("country", "XK")
    assert found.raw["geometry"] and found.raw["bbox"]


def test_offline_province_carries_its_outline_and_box(offline_geocoder):
    from dashboard.geo.gazetteer import admin1_wheel

    found = offline_geocoder.geocode("Helmand")
    assert found.raw["kind"] == "admin1" and found.raw["country_code"] == "AF"
    if admin1_wheel() is None:
        assert found.raw["bbox"] is None and found.raw["geometry"] is None
        return
    south, west, north, east = found.raw["bbox"]
    assert south < found.latitude < north and west < found.longitude < east
    assert json.loads(found.raw["geometry"])["type"] in ("Polygon", "MultiPolygon")


def test_offline_paris_candidates_put_france_first(offline_geocoder):
    found = offline_geocoder.candidates("Paris")
    assert found[0].raw["country_code"] == "FR" and len(found) > 3
    assert {x.raw["country_code"] for x in found[1:]} >= {"US"}


@pytest.mark.parametrize("query, code, check", [
    ("southern Serbia", "RS", lambda lat, lon: lat < 43.6),
    ("western Macedonia", "MK", lambda lat, lon: lon < 21.4),
    ("north-eastern Afghanistan", "AF", lambda lat, lon: lat > 34.5 and lon > 69),
    ("central Bosnia", "BA", lambda lat, lon: 43.3 < lat < 44.6 and 16.8 < lon < 18.6),
    ("southern Lebanon", "LB", lambda lat, lon: lat < 33.6),
])
def test_offline_directional_queries(offline_geocoder, query, code, check):
    found = offline_geocoder.geocode(query)
    assert found.raw["kind"] == "directional_region" and found.raw["country_code"] == code
    assert check(found.latitude, found.longitude) and found.raw["geometry"]


def test_offline_airport_queries(offline_geocoder):
    assert offline_geocoder.geocode("Pristina airport").raw["kind"] == "facility"
    heathrow = offline_geocoder.geocode("Heathrow airport")
    assert heathrow.raw["country_code"] == "GB" and heathrow.raw["kind"] == "facility"
    # No airport is called "Kandahar airport" in the data: the one nearest the town is found.
    assert offline_geocoder.geocode("Kandahar airport").raw["country_code"] == "AF"


def test_offline_filters_by_country_and_kind(offline_geocoder):
    assert offline_geocoder.geocode("Paris", country_codes="us").raw["country_code"] == "US"
    assert offline_geocoder.geocode("Washington", kinds=("admin1",)).raw["kind"] == "admin1"


def test_offline_missing_index_raises_with_the_rebuild_hint(tmp_path):
    with pytest.raises(GazetteerError, match="build-geodata"):
        OfflineGeocoder(path=tmp_path / "nothing.sqlite")


def test_clean_query_keeps_real_names_only():
    assert clean_query("  Kosovska Mitrovica ") == "Kosovska Mitrovica"
    assert all(clean_query(q) is None for q in BAD_QUERIES)


# --------------------------------------------------------------------------- online fallback

def test_online_is_asked_only_for_names_the_offline_index_lacks(online):
    wrapper, provider = online
    assert wrapper.geocode("Belgrade").raw["country_code"] == "RS"
    assert provider.calls == []
    found = wrapper.geocode("Zzyzx Springs")
    assert found.raw["source"] == "online" and round(found.latitude, 2) == 35.14
    assert [q for q, _ in provider.calls] == ["Zzyzx Springs"]


def test_online_candidates_fall_back_only_when_offline_has_none(online):
    wrapper, provider = online
    assert wrapper.candidates("Belgrade")[0].raw["country_code"] == "RS"
    (found,) = wrapper.candidates("Zzyzx Springs")
    assert found.raw["source"] == "online"
    assert wrapper.gazetteer is wrapper.offline.gazetteer
    assert [q for q, _ in provider.calls] == ["Zzyzx Springs"]


def test_default_geocoder_goes_online_only_when_turned_on(monkeypatch, offline_geocoder, tmp_path):
    import dashboard.geo.geocoder as geocoder_module

    monkeypatch.setattr(geocoder_module, "OfflineGeocoder", lambda: offline_geocoder)
    monkeypatch.delenv("NEWSMAP_ONLINE_GEOCODING", raising=False)
    assert geocoder_module.default_geocoder() is offline_geocoder
    monkeypatch.setenv("NEWSMAP_ONLINE_GEOCODING", "1")
    monkeypatch.setenv("NEWSMAP_USER_AGENT", "newsmap-tests/0.1 (tests@example.org)")
    monkeypatch.setenv("NEWSMAP_GEOCODE_CACHE", str(tmp_path / "cache.sqlite"))
    wrapped = geocoder_module.default_geocoder()
    assert isinstance(wrapped, OnlineFallbackGeocoder) and wrapped.enabled


def test_online_answers_and_misses_are_cached_on_disk(online, offline_geocoder, tmp_path):
    wrapper, provider = online
    wrapper.geocode("Zzyzx Springs")
    wrapper.geocode("Nowhere At All Qqq")
    again = OnlineFallbackGeocoder(offline_geocoder, enabled=True, provider=provider,
                                   cache_path=tmp_path / "cache.sqlite", min_delay_seconds=0)
    assert again.geocode("Zzyzx Springs").address == "Zzyzx Springs, California"
    assert again.geocode("Nowhere At All Qqq") is None
    assert len(provider.calls) == 2


def test_online_network_errors_read_as_not_found_and_are_logged(online, caplog):
    wrapper, provider = online
    with caplog.at_level(logging.WARNING, logger="dashboard.geo.geocoder"):
        assert wrapper.geocode("Qqq Network Failure") is None
    assert "network down" in caplog.text
    wrapper.geocode("Qqq Network Failure")
    assert [q for q, _ in provider.calls].count("Qqq Network Failure") >= 2  # errors are not cached


def test_online_is_off_unless_turned_on(offline_geocoder, monkeypatch):
    monkeypatch.delenv("NEWSMAP_ONLINE_GEOCODING", raising=False)
    provider = FakeProvider()
    wrapper = OnlineFallbackGeocoder(offline_geocoder, provider=provider)
    assert not wrapper.enabled and wrapper.geocode("Zzyzx Springs") is None
    assert provider.calls == []


def test_online_refuses_to_start_without_a_user_agent(offline_geocoder, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSMAP_ONLINE_GEOCODING", "1")
    monkeypatch.delenv("NEWSMAP_USER_AGENT", raising=False)
    with pytest.raises(ValueError, match="user agent"):
        OnlineFallbackGeocoder(offline_geocoder, cache_path=tmp_path / "c.sqlite")


def test_online_requests_are_spaced_by_the_rate_limiter(offline_geocoder, tmp_path):
    provider = FakeProvider()
    wrapper = OnlineFallbackGeocoder(offline_geocoder, enabled=True, provider=provider,
                                     cache_path=tmp_path / "c.sqlite", min_delay_seconds=0.2)
    wrapper.geocode("Unknown Place One Qqq")
    wrapper.geocode("Unknown Place Two Qqq")
    (_, first), (_, second) = provider.calls
    assert second - first >= 0.19


@pytest.mark.parametrize("query, kind, code", [
    ("South Africa", "country", "ZA"), ("North Korea", "country", "KP"),
    ("Northern Ireland", "admin1", "GB"), ("southern Africa", "region", ""),
    ("Central Asia", "region", ""), ("East Timor", "country", "TL"),
    ("eastern Congo", "directional_region", "CD"),
])
def test_offline_proper_names_with_a_direction_word_are_not_parts(offline_geocoder, query, kind,
                                                                   code):
    found = offline_geocoder.geocode(query)
    assert (found.raw["kind"], found.raw["country_code"]) == (kind, code)


def test_offline_candidates_list_both_readings_of_a_direction(offline_geocoder):
    kinds = [x.raw["kind"] for x in offline_geocoder.candidates("Northern Ireland")]
    assert kinds[0] == "admin1" and "directional_region" in kinds


@pytest.mark.parametrize("query, kind, code", [
    ("North Korea", "country", "KP"), ("South Korea", "country", "KR"),
    ("South Africa", "country", "ZA"), ("North Macedonia", "country", "MK"),
    ("East Timor", "country", "TL"), ("West Bank", "region", "PS"),
    ("South Sudan", "country", "SS"), ("Northern Ireland", "admin1", "GB"),
    ("Western Sahara", "country", "EH"), ("Central African Republic", "country", "CF"),
    ("north korea", "country", "KP"),
])
def test_offline_candidates_put_a_name_that_exists_before_a_directional_part(
        offline_geocoder, query, kind, code):
    for limit in (1, 10):
        found = offline_geocoder.candidates(query, limit=limit)
        assert (found[0].raw["kind"], found[0].raw["country_code"]) == (kind, code)


def test_offline_acronym_queries_find_countries_only(offline_geocoder):
    assert [x.raw["kind"] for x in offline_geocoder.candidates("US")] == ["country"]
    assert offline_geocoder.geocode("UK", exactly_one=False)[0].raw["country_code"] == "GB"
    assert len(offline_geocoder.geocode("UK", exactly_one=False)) == 1


@pytest.mark.parametrize("query", ["Paris", "southern Serbia", "Pristina airport", "US", "Obama",
                                   "Xyzzyville", "Bel\x07grade"])
def test_offline_candidate_records_match_the_candidates_locations(offline_geocoder, query):
    records = offline_geocoder.candidate_records(query, limit=8)
    locations = offline_geocoder.candidates(query, limit=8)
    assert [(r.name, r.kind, r.lat, r.lon) for r in records] == [
        (loc.raw["name"], loc.raw["kind"], loc.latitude, loc.longitude) for loc in locations]


def test_offline_candidate_records_read_coordinates_as_a_geopy_point_does():
    def at(lat, lon):
        place = _as_point(Candidate(1, "X", "city", "RS", "", lat, lon, 0, None, None, "X", True))
        return str(place.lat), str(place.lon)

    assert at(-0.0, 190.0) == ("0.0", "-170.0")
    assert at(44.8, 20.5) == ("44.8", "20.5")
    with pytest.raises(ValueError), pytest.warns(UserWarning):  # geopy warns, then refuses
        at(91.0, 5.0)
