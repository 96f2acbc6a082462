"""Matching Natural Earth admin-1 units to the gazetteer's first-level subdivisions."""

from __future__ import annotations

import json
import zipfile

from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, box, mapping

from dashboard.geo.admin1_outlines import (
    Subdivision, Town, Unit, match, polygonal, read_units, stem, units_of,
)

#: Two 1 x 1 degree departments side by side in "QQ", and a third far east.
WEST, EAST, FAR = box(10, 40, 11, 41), box(11, 40, 12, 41), box(20, 40, 21, 41)


def _unit(name: str, outline, hasc: str = "", fips: str = "") -> Unit:
    return Unit(name=name, country_code="QQ", hasc=hasc, fips=fips, outline=outline)


def _sub(code: str, *names: str, lat: float = 40.5, lon: float = 10.5, iso: str = "") -> Subdivision:
    return Subdivision(country_code="QQ", code=code, iso=iso, names=names, lat=lat, lon=lon)


def _towns(code: str, outline, count: int = 4) -> list[Town]:
    """``count`` towns of admin1 ``code`` spread inside ``outline``."""
    west, south, east, north = outline.bounds
    return [Town("QQ", code, south + (north - south) * (i + 1) / (count + 1),
                 west + (east - west) * (i + 1) / (count + 1)) for i in range(count)]


def test_stem_drops_the_words_that_say_what_kind_of_unit_it_is():
    assert stem("Pirotski okrug") == stem("Pirotski") == "pirotski"
    assert stem("Province of Kandahar") == "kandahar"


def test_polygonal_keeps_only_the_polygons_of_a_repaired_geometry():
    mixed = GeometryCollection([MultiPolygon([WEST, FAR]), LineString([(0, 0), (5, 5)])])
    assert polygonal(mixed).geom_type == "MultiPolygon"
    assert polygonal(mixed).area == WEST.area + FAR.area


def test_units_of_reads_names_codes_and_country_from_hasc_when_iso_is_missing():
    collection = {"features": [
        {"properties": {"name": "Westdep", "iso_a2": "-99", "hasc": "QQ.WD", "fips": "QQ01"},
         "geometry": mapping(WEST)},
        {"properties": {"name": "Nowhere", "iso_a2": "-99", "hasc": None}, "geometry": mapping(EAST)},
        {"properties": {"name": "Empty", "iso_a2": "QQ"}, "geometry": None},
    ]}
    units = list(units_of(collection))
    assert [(u.name, u.country_code, u.hasc, u.fips) for u in units] == [
        ("Westdep", "QQ", "QQ.WD", "QQ01")]
    assert units[0].outline.equals(WEST)


def test_read_units_reads_the_admin1_files_of_a_wheel_and_nothing_else(tmp_path):
    wheel = tmp_path / "fake.whl"
    feature = {"properties": {"name": "Westdep", "iso_a2": "QQ"}, "geometry": mapping(WEST)}
    with zipfile.ZipFile(wheel, "w") as zipped:
        zipped.writestr("orangecontrib/geo/geojson/admin1-QQQ.json",
                        json.dumps({"features": [feature]}))
        zipped.writestr("orangecontrib/geo/geojson/admin0.json", json.dumps({"features": [
            {**feature, "properties": {"name": "Squareland", "iso_a2": "QQ"}}]}))
    assert [u.name for u in read_units(wheel)] == ["Westdep"]


def test_match_takes_the_unit_named_like_the_subdivision():
    units = [_unit("Westdep", WEST), _unit("Eastdep", EAST)]
    subs = [_sub("01", "Westdep Province"), _sub("02", "Eastdep", lon=11.5)]
    found = match(subs, units, [*_towns("01", WEST), *_towns("02", EAST)])
    assert found[0].geometry.equals(WEST) and found[0].how == "name"
    assert found[1].geometry.equals(EAST)


def test_match_takes_the_unit_whose_fips_number_is_the_subdivisions_code():
    units = [_unit("Ouestia", WEST, fips="QQ07")]
    found = match([_sub("07", "Westdep")], units, [])
    assert found[0].how == "code" and found[0].geometry.equals(WEST)


def test_match_unions_the_units_whose_towns_are_mostly_the_subdivisions():
    units = [_unit("Westdep", WEST), _unit("Eastdep", EAST), _unit("Fardep", FAR)]
    towns = [*_towns("R1", WEST), *_towns("R1", EAST), *_towns("R2", FAR)]
    found = match([_sub("R1", "Region One", lon=11.0)], units, towns)
    assert found[0].how == "towns"
    assert found[0].geometry.equals(WEST.union(EAST))


def test_match_prefers_the_towns_union_to_a_namesake_unit_holding_few_of_its_towns():
    # District "Westdep" spans both units; its municipality of that name is only one.
    units = [_unit("Westdep", WEST), _unit("Eastdep", EAST)]
    towns = [*_towns("D1", WEST, 2), *_towns("D1", EAST, 6)]
    found = match([_sub("D1", "Westdep District", lon=11.0)], units, towns)
    assert found[0].how == "towns" and found[0].geometry.equals(WEST.union(EAST))


def test_match_leaves_a_subdivision_whose_name_two_units_share_a_point():
    units = [_unit("Twin", WEST), _unit("Twin", EAST)]
    assert match([_sub("01", "Twin", lon=11.0)], units, []) == {}


def test_match_rejects_a_namesake_unit_far_from_the_subdivisions_point():
    units = [_unit("Fardep", FAR)]
    assert match([_sub("01", "Fardep", lat=40.5, lon=10.5)], units, []) == {}


def test_match_rejects_a_unit_whose_towns_belong_to_another_subdivision():
    units = [_unit("Westdep", WEST)]
    subs = [_sub("01", "Westdep"), _sub("02", "Other", lat=45, lon=15)]
    assert 0 not in match(subs, units, _towns("02", WEST))


def test_match_gives_subdivisions_sharing_a_code_only_the_outline_at_their_point():
    units = [_unit("Westdep", WEST), _unit("Fardep", FAR)]
    subs = [_sub("40", "Westdep"), _sub("40", "Fardep", lon=20.5)]
    found = match(subs, units, [*_towns("40", WEST), *_towns("40", FAR)])
    assert found[0].geometry.equals(WEST) and found[1].geometry.equals(FAR)


def test_match_of_an_okrug_accepts_towns_that_carry_its_provinces_code():
    units = [_unit("Pirotski", WEST)]
    found = match([_sub("SE.22", "Pirotski okrug")], units, _towns("SE", WEST))
    assert found[0].geometry.contains(Point(10.5, 40.5))
