"""geopy-compatible geocoders: the offline gazetteer, and an opt-in online fallback (Nominatim)."""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from dashboard.geo.gazetteer import DIRECTIONS, Candidate, Gazetteer, normalize

log = logging.getLogger(__name__)

#: Longer queries are not place names; refusing them keeps lookups cheap.
MAX_QUERY_CHARS = 200
#: Unicode's control characters (category Cc), as one character class.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
RAW_KEYS = ("geonameid", "name", "kind", "country_code", "admin1", "population", "bbox",
            "geometry", "matched", "exact", "is_capital", "fame")


def clean_query(query: Any) -> str | None:
    """The query stripped, or None when it cannot be a place name.

    None for non-strings, empty or over-long text, control characters, and text that is only
    punctuation (nothing left after normalising).
    """
    if not isinstance(query, str):
        return None
    query = query.strip()
    if not query or len(query) > MAX_QUERY_CHARS:
        return None
    if _CONTROL.search(query):
        return None
    return query if normalize(query) else None


def to_location(candidate: Candidate) -> Location:
    """A geopy Location whose ``raw`` carries the gazetteer's fields (see RAW_KEYS)."""
    raw = {key: getattr(candidate, key) for key in RAW_KEYS}
    raw["lat"], raw["lon"] = candidate.lat, candidate.lon
    address = ", ".join(part for part in (candidate.name, candidate.country_code) if part)
    return Location(address, Point(candidate.lat, candidate.lon), raw)


def _as_point(candidate: Candidate) -> Candidate:
    """The candidate with the coordinates a geopy ``Point`` of it holds (-0.0 becomes 0.0, a
    longitude past 180 wraps; a latitude past 90 raises ValueError)."""
    lat, lon = candidate.lat, candidate.lon
    if type(lat) is float and type(lon) is float and lat and lon and (
            -90 <= lat <= 90 and -180 <= lon <= 180):
        return candidate  # nearly always: Point keeps such values as they are
    point = Point(lat, lon)
    return replace(candidate, lat=point.latitude, lon=point.longitude)


def _codes(country_codes: Any) -> tuple[str, ...] | None:
    """geopy style ``country_codes`` (a str or a list) as upper-case ISO2 codes."""
    if country_codes is None:
        return None
    if isinstance(country_codes, str):
        country_codes = [country_codes]
    return tuple(code.upper() for code in country_codes if isinstance(code, str))


class OfflineGeocoder(Geocoder):
    """Geocodes from the local gazetteer index: no network, ranked candidates, directional areas."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, path: str | os.PathLike | None = None):
        super().__init__()
        self.gazetteer = gazetteer or (Gazetteer(path) if path else Gazetteer.open_default())

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, country_codes=None,
                kinds=None, limit=None):
        """Location (or a list when ``exactly_one`` is False) for a place name, or None.

        Understands "southern Serbia", "north-eastern Afghanistan", "Pristina airport".
        """
        query = clean_query(query)
        if query is None:
            return None
        count = 1 if exactly_one else (limit if isinstance(limit, int) and limit > 0 else 10)
        found = self._resolve(query, count, _codes(country_codes), kinds)
        if not found:
            return None
        return to_location(found[0]) if exactly_one else [to_location(c) for c in found]

    def candidates(self, query, *, limit=10, country_codes=None) -> list[Location]:
        """Every place the name may stand for, best first (for choosing with context)."""
        query = clean_query(query)
        if query is None:
            return []
        return [to_location(c) for c in self._resolve(query, limit, _codes(country_codes), None)]

    def candidate_records(self, query, *, limit=10) -> tuple[Candidate, ...]:
        """What ``candidates`` returns, as the gazetteer's records instead of Locations.

        Coordinates read as geopy reads them (so both methods agree to the bit): a Location per
        candidate costs more than the lookup itself, and ``dashboard.extract.resolve`` makes thousands.
        """
        query = clean_query(query)
        if query is None:
            return ()
        return tuple(map(_as_point, self._resolve(query, limit, None, None)))

    def reverse(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        """The nearest populated place to a point ("lat, lon", a tuple or a geopy Point)."""
        try:
            point = Point(query)
        except (TypeError, ValueError):
            return None
        found = self.gazetteer.nearest(point.latitude, point.longitude)
        if found is None:
            return None
        return to_location(found) if exactly_one else [to_location(found)]

    def _resolve(self, query: str, limit: int, codes, kinds) -> tuple[Candidate, ...]:
        found = self.gazetteer.candidates(query, limit=limit, country_codes=codes, kinds=kinds)
        part = self._directional(query)
        if part is not None and (kinds is None or "directional_region" in kinds) and (
                codes is None or part.country_code in codes):
            # News writes a part of a country in lower case ("southern Serbia") and a proper
            # name capitalised ("South Africa", "Northern Ireland"); a named area wins either
            # way ("southern Africa" and "central Asia" are regions, not parts of continents).
            named_area = bool(found) and found[0].kind in ("country", "region", "water")
            described = query.lstrip()[:1].islower() and not named_area
            found = ((part, *found) if described else (*found, part))[:limit]
        if not found and normalize(query).endswith(" airport"):
            found = self._airport_near(query[: -len("airport")].strip(), codes)
        return found

    def _directional(self, query: str) -> Candidate | None:
        """ "southern Serbia", "north-eastern Afghanistan": a direction word, then an area."""
        words = normalize(query).split()
        for size in (2, 1):
            if len(words) > size and " ".join(words[:size]) in DIRECTIONS:
                found = self.gazetteer.directional(" ".join(words[:size]),
                                                   " ".join(words[size:]))
                if found is not None:
                    return found
        return None

    def _airport_near(self, town: str, codes) -> tuple[Candidate, ...]:
        """ "X airport" with no airport of that name: the airport nearest to the town X."""
        place = self.gazetteer.best(town, country_codes=codes, kinds=("city",)) if town else None
        if place is None:
            return ()
        airport = self.gazetteer.nearest(place.lat, place.lon, kind="facility", within_km=60)
        return (airport,) if airport is not None else ()


class GeocodeCache:
    """Answers of an online geocoder kept on disk (SQLite), misses included, keyed by query."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS answers (query TEXT PRIMARY KEY, "
                             "answer TEXT)")

    def get(self, query: str) -> tuple[bool, dict | None]:
        """(known, answer): answer None for a remembered miss."""
        with self._lock:
            row = self._db.execute("SELECT answer FROM answers WHERE query = ?",
                                   (query,)).fetchone()
        return (False, None) if row is None else (True, json.loads(row[0]))

    def put(self, query: str, answer: dict | None) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)",
                             (query, json.dumps(answer)))


def default_cache_path() -> Path:
    """$NEWSMAP_GEOCODE_CACHE, else ~/.cache/newsmap/online-geocodes.sqlite."""
    env = os.environ.get("NEWSMAP_GEOCODE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "newsmap" / "online-geocodes.sqlite"


def online_enabled_by_env() -> bool:
    return os.environ.get("NEWSMAP_ONLINE_GEOCODING", "").strip().lower() in ("1", "true", "yes")


def default_geocoder() -> Geocoder:
    """The offline geocoder; wrapped in the online fallback when $NEWSMAP_ONLINE_GEOCODING is on."""
    offline = OfflineGeocoder()
    return OnlineFallbackGeocoder(offline) if online_enabled_by_env() else offline


class OnlineFallbackGeocoder(Geocoder):
    """The offline geocoder first; for names it lacks, and only when turned on, Nominatim.

    Online lookups are rate limited (1 per second by default, Nominatim's policy), cached on
    disk, and never raise: a network error is logged and reads as "not found".
    """

    def __init__(self, offline: Geocoder, *, enabled: bool | None = None,
                 user_agent: str | None = None, provider: Geocoder | None = None,
                 cache_path: str | os.PathLike | None = None, min_delay_seconds: float = 1.0):
        super().__init__()
        self.offline = offline
        self.enabled = online_enabled_by_env() if enabled is None else enabled
        self._lookup: Callable | None = None
        self.cache: GeocodeCache | None = None
        if self.enabled:
            user_agent = user_agent or os.environ.get("NEWSMAP_USER_AGENT", "").strip()
            if provider is None and not user_agent:
                raise ValueError("online geocoding needs a user agent naming this application "
                                 "and a contact (set NEWSMAP_USER_AGENT)")
            provider = provider or Nominatim(user_agent=user_agent)
            # No retries: RateLimiter waits 5 s before each, which would freeze a dashboard
            # rerun; a failed lookup is simply not cached and is tried again next time.
            self._lookup = RateLimiter(provider.geocode, min_delay_seconds=min_delay_seconds,
                                       max_retries=0, swallow_exceptions=False)
            self.cache = GeocodeCache(cache_path or default_cache_path())

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, country_codes=None,
                kinds=None, limit=None):
        found = self.offline.geocode(query, exactly_one=exactly_one, country_codes=country_codes,
                                     kinds=kinds, limit=limit)
        query = clean_query(query)
        if found or not self.enabled or query is None or kinds is not None:
            return found
        answer = self._online(query, timeout)
        if answer is None:
            return None
        location = Location(answer["address"], Point(answer["lat"], answer["lon"]), answer["raw"])
        return location if exactly_one else [location]

    def candidates(self, query, *, limit=10, country_codes=None) -> list[Location]:
        """The offline candidates; when there are none (and it is on), the online answer."""
        found = self.offline.candidates(query, limit=limit, country_codes=country_codes)
        if found or not self.enabled or country_codes:
            return found
        online = self.geocode(query)
        return [online] if online is not None else []

    @property
    def gazetteer(self) -> Gazetteer:
        """The offline gazetteer (the extraction stages ask it their name questions)."""
        return self.offline.gazetteer

    def reverse(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        return self.offline.reverse(query, exactly_one=exactly_one)

    def _online(self, query: str, timeout) -> dict | None:
        known, answer = self.cache.get(query)
        if known:
            return answer
        try:
            location = self._lookup(query, exactly_one=True, timeout=timeout)
        except (GeopyError, OSError) as exc:
            log.warning("online geocoding of %r failed: %s", query, exc)
            return None  # not cached: the next run may have a network
        answer = None if location is None else _online_answer(query, location)
        self.cache.put(query, answer)
        return answer


def _online_answer(query: str, location: Location) -> dict:
    """A cacheable answer with the same raw keys as the offline geocoder's."""
    raw = {key: None for key in RAW_KEYS}
    raw.update(name=location.address, kind="", country_code="", admin1="", population=0,
               matched=query, exact=False, is_capital=False, fame=0, source="online",
               provider_raw=location.raw)
    raw["lat"], raw["lon"] = location.latitude, location.longitude
    return {"address": location.address, "lat": location.latitude, "lon": location.longitude,
            "raw": raw}
