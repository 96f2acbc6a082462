"""Outlines for the gazetteer's first-level subdivisions, from Natural Earth's admin-1 polygons.

The polygons (Natural Earth 1:10m admin-1, public domain) are the JSON files inside the wheel
of the PyPI package ``Orange3-Geo`` 0.5, which ``python -m dashboard build-basemap`` downloads
(pinned, checked by SHA-256) into its cache, where ``gazetteer.admin1_wheel`` finds it. The
package itself is GPL and a Qt application:
it is never installed or imported, only its JSON files are read. Without the wheel the admin-1
places keep their points.

Natural Earth's units are not always GeoNames's: France's are departments where GeoNames has
regions, Kosovo's municipalities where it has districts. So a GeoNames subdivision gets:

* the outline of the one unit whose name or code is its own (``name``, ``code``), when the
  GeoNames towns inside that unit agree (most of them are the subdivision's, or its parent's),
  the unit holds most of the subdivision's towns and lies at its point; or
* the union of the units whose towns are mostly its own (``towns``), when that union holds
  most of its towns and lies at its point.

Anything else keeps its point.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dashboard.geo.gazetteer import normalize

#: Words that say what kind of unit a name is, dropped before names are compared
#: ("Pirotski okrug" is Natural Earth's "Pirotski").
_KIND_WORDS = frozenset(
    "county parish district province borough municipality department prefecture governorate "
    "raion rayon oblast okrug region division zone canton commune municipio state territory "
    "autonomous republic of the city capital special administrative area krai kray".split())
#: A unit's towns must be at least this share one subdivision's to count as its part.
MAJORITY = 0.5
#: A union of parts must hold at least this share of the subdivision's towns.
COVERAGE = 0.6
#: How far (degrees) a subdivision's point may lie outside its outline: points of small
#: islands fall in the sea beside the simplified coast, a wrong match lies far away.
NEAR_DEGREES = 0.5


@dataclass(frozen=True, slots=True)
class Unit:
    """One Natural Earth admin-1 unit."""

    name: str
    country_code: str
    #: Hierarchical administrative code ("US.MA", "RS.PI").
    hasc: str
    #: FIPS 10-4 code ("US25", "RB02").
    fips: str
    outline: BaseGeometry


@dataclass(frozen=True, slots=True)
class Subdivision:
    """A gazetteer admin-1 place, as far as matching needs it."""

    country_code: str
    #: Its GeoNames admin1 code ("MA", "SE.14", "10096138").
    code: str
    #: Its ISO 3166-2 code ("US-MA"), or "".
    iso: str
    names: tuple[str, ...]
    #: Its point: an outline that lies farther from it than ``NEAR_DEGREES`` is not its own.
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Outline:
    """The outline found for a subdivision and how it was found."""

    geometry: BaseGeometry
    #: "name", "code" or "towns".
    how: str


@dataclass(frozen=True, slots=True)
class Town:
    """A town's country, admin1 code and position: the votes that tie units to subdivisions."""

    country_code: str
    admin1: str
    lat: float
    lon: float


def read_units(path: Path) -> list[Unit]:
    """Every admin-1 unit in the wheel's ``geojson/admin1-XXX.json`` files."""
    units = []
    with zipfile.ZipFile(path) as wheel:
        for name in wheel.namelist():
            if "/geojson/admin1-" in name and name.endswith(".json"):
                units += units_of(json.loads(wheel.read(name)))
    return units


def units_of(collection: dict) -> Iterator[Unit]:
    """Units of one GeoJSON FeatureCollection (Natural Earth admin-1 properties)."""
    for feature in collection.get("features", ()):
        props, geometry = feature.get("properties") or {}, feature.get("geometry")
        if not geometry:
            continue
        hasc = props.get("hasc") or ""
        code = props.get("iso_a2") or ""
        if not (len(code) == 2 and code.isalpha()):
            code = hasc[:2] if hasc[2:3] == "." else ""
        if code:
            yield Unit(name=props.get("name") or "", country_code=code.upper(), hasc=hasc,
                       fips=props.get("fips") or "", outline=polygonal(shape(geometry)))


def polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The valid polygons of a geometry as one (Multi)Polygon; repairing a ring can leave
    lines and points beside them, and collections of multipolygons."""
    if geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid:
        return geometry  # most units: repairing costs more than checking
    valid = shapely.make_valid(geometry)
    polygons = [p for p in shapely.get_parts(valid, return_index=False)
                for p in (shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
                if p.geom_type == "Polygon" and not p.is_empty]
    if len(polygons) == 1:
        return polygons[0]
    return shapely.MultiPolygon(polygons) if polygons else shapely.Polygon()


def stem(name: str) -> str:
    """A name without the words that say what kind of unit it is ("Pirotski okrug" -> "pirotski")."""
    words = [w for w in normalize(name).split() if w not in _KIND_WORDS]
    return " ".join(words)


def match(subdivisions: Iterable[Subdivision], units: list[Unit],
          towns: Iterable[Town]) -> dict[int, Outline]:
    """Index of a subdivision in ``subdivisions`` -> its outline, for those one is found for.

    Results are keyed by position: GeoNames gives a few subdivisions the same code (two
    Vietnamese provinces share "40"), and their towns cannot tell them apart.
    """
    subdivisions = list(subdivisions)
    votes = town_votes(units, towns)
    totals = Counter()
    for counted in votes:
        totals.update(counted)
    found: dict[int, Outline] = {}
    for index, (unit, how) in direct_matches(subdivisions, units, votes, totals).items():
        found[index] = Outline(unit.outline, how)
    positions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, s in enumerate(subdivisions):
        positions[(s.country_code, s.code)].append(index)
    for key, parts in town_parts(units, votes).items():
        owners = positions.get(key, [])
        if len(owners) != 1 or owners[0] in found or not _holds(parts, votes, totals, key):
            continue
        outline = polygonal(shapely.union_all([units[i].outline for i in parts]))
        if _near(outline, subdivisions[owners[0]]):
            found[owners[0]] = Outline(outline, "towns")
    return found


def _near(outline: BaseGeometry, s: Subdivision) -> bool:
    return outline.distance(shapely.Point(s.lon, s.lat)) <= NEAR_DEGREES


def town_votes(units: list[Unit], towns: Iterable[Town]) -> list[Counter]:
    """Per unit, how many of the towns inside it each (country, admin1) has (the ``totals``
    of the others take the sum: how many of its towns lie in some unit)."""
    towns = [t for t in towns if t.admin1]
    votes: list[Counter] = [Counter() for _ in units]
    if not towns or not units:
        return votes
    tree = shapely.STRtree([u.outline for u in units])
    points = shapely.points(np.array([(t.lon, t.lat) for t in towns]))
    town_index, unit_index = tree.query(points, predicate="within")
    for t, u in zip(town_index.tolist(), unit_index.tolist()):
        town = towns[t]
        if units[u].country_code == town.country_code:
            votes[u][(town.country_code, town.admin1)] += 1
    return votes


def direct_matches(subdivisions: list[Subdivision], units: list[Unit], votes: list[Counter],
                   totals: Counter) -> dict[int, tuple[Unit, str]]:
    """Subdivisions (by index) whose name or code is one unit's, where the unit's towns do not
    disagree, the unit lies at the subdivision's point and holds most of its towns (Kosovo's
    district of Prizren is more than its municipality of that name).

    A subdivision matched by two units (Serbia's two "Pomoravski") keeps none: which one is
    meant cannot be told.
    """
    by_name, by_code = defaultdict(set), defaultdict(set)
    shared = Counter((s.country_code, s.code) for s in subdivisions)
    for index, s in enumerate(subdivisions):
        for name in s.names:
            if stem(name):
                by_name[(s.country_code, stem(name))].add(index)
        for code in _codes(s):
            by_code[(s.country_code, code)].add(index)
    chosen: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for u, unit in enumerate(units):
        for how, table, keys in (("name", by_name, [stem(unit.name)]),
                                 ("code", by_code, _unit_codes(unit))):
            hits = {i for k in keys for i in table.get((unit.country_code, k), ())
                    if _agrees(votes[u], subdivisions[i]) and _near(unit.outline, subdivisions[i])}
            hits = {i for i in hits if shared[_key(subdivisions[i])] > 1
                    or _holds([u], votes, totals, _key(subdivisions[i]))}
            if len(hits) == 1:
                chosen[hits.pop()].append((u, how))
                break
    return {index: (units[picks[0][0]], picks[0][1]) for index, picks in chosen.items()
            if len({u for u, _ in picks}) == 1}


def _key(s: Subdivision) -> tuple[str, str]:
    return s.country_code, s.code


def _codes(s: Subdivision) -> set[str]:
    """A subdivision's codes as Natural Earth may write them: its GeoNames code (mostly the
    FIPS number) and its ISO 3166-2 suffix."""
    codes = {s.code.upper()}
    if s.iso:
        codes.add(s.iso.partition("-")[2].upper())
    return {c for c in codes if c}


def _unit_codes(unit: Unit) -> list[str]:
    """A unit's FIPS number ("US25" -> "25") and HASC suffix ("US.MA" -> "MA")."""
    codes = []
    if len(unit.fips) > 2 and unit.fips[2:].isalnum():
        codes.append(unit.fips[2:].upper())
    suffix = unit.hasc.partition(".")[2]
    if suffix.isalnum():
        codes.append(suffix.upper())
    return codes


def _agrees(votes: Counter, s: Subdivision) -> bool:
    """Whether a unit's towns allow it to be this subdivision: it has none, or most of them
    belong to the subdivision or to its parent ("SE" for the okrug "SE.14")."""
    total = sum(votes.values())
    if total == 0:
        return True
    key = (s.country_code, s.code)
    parent = (s.country_code, s.code.partition(".")[0])
    return (votes[key] + (votes[parent] if parent != key else 0)) / total > MAJORITY


def town_parts(units: list[Unit], votes: list[Counter]) -> dict[tuple[str, str], list[int]]:
    """(country, admin1) -> the units most of whose towns are its own."""
    parts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, counted in enumerate(votes):
        total = sum(counted.values())
        if total:
            key, count = counted.most_common(1)[0]
            if count / total > MAJORITY:
                parts[key].append(index)
    return parts


def _holds(parts: list[int], votes: list[Counter], totals: Counter,
           key: tuple[str, str]) -> bool:
    """Whether the parts hold most of the subdivision's towns (of those inside some unit);
    true for one whose towns carry another code (an okrug's are its province's)."""
    everywhere = totals[key]
    return everywhere == 0 or sum(votes[i][key] for i in parts) / everywhere >= COVERAGE
