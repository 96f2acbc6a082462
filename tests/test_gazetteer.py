"""The gazetteer index: normalising, ranking, codes, demonyms, directional parts, errors."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from shapely.geometry import Point, shape

from dashboard.errors import GazetteerError
from dashboard.geo import gazetteer as gazetteer_module
from dashboard.geo.admin1_outlines import Unit
from dashboard.geo.gazetteer import (
    SCHEMA_VERSION, Gazetteer, admin1_wheel, dotted_key, normalize, source_stamp,
)
from dashboard.geo.gazetteer_build import (
    PlaceRow, admin2_forms, admin2_rows, outlined, us_state_abbreviations, write_index,
)
from tests.conftest import tiny_places


# --------------------------------------------------------------------------- normalize

@pytest.mark.parametrize("a, b", [
    ("Priština", "pristina"), ("PRISHTINË", "prishtine"), ("the Balkans", "Balkans"),
    ("U.S.", "US"), ("Kosovska-Mitrovica", "kosovska mitrovica"), ("Côte d'Ivoire", "cote divoire"),
    ("  Sankt  Pölten ", "sankt polten"), ("Łódź", "lodz"), ("Ørsta", "orsta"),
])
def test_normalize_ignores_case_accents_punctuation_and_leading_the(a, b):
    assert normalize(a) == normalize(b)


def test_normalize_keeps_words_apart_and_drops_pure_punctuation():
    assert normalize("north-eastern Afghanistan") == "north eastern afghanistan"
    assert normalize("?!... --") == ""
    assert normalize("Theodore") == "theodore"  # only a leading *word* "the" goes


# --------------------------------------------------------------------------- tiny index

def test_candidates_rank_country_then_exact_capital_before_alternates(tiny_gazetteer):
    names = [(c.name, c.country_code, c.exact) for c in tiny_gazetteer.candidates("Capitol")]
    # The capital beats a bigger namesake abroad.
    assert names == [("Capitol", "QQ", True), ("Capitol", "ZZ", True)]
    alt = tiny_gazetteer.candidates("Kapitol")
    assert [c.name for c in alt] == ["Capitol", "Southtown"] and not alt[0].exact
    assert alt[0].matched == "Kapitol"


def test_candidates_filter_by_country_and_kind(tiny_gazetteer):
    assert [c.country_code for c in tiny_gazetteer.candidates("capitol", country_codes=["ZZ"])] == ["ZZ"]
    assert tiny_gazetteer.candidates("Squareland", kinds=("city",)) == ()
    assert tiny_gazetteer.candidates("Capitol Airport")[0].kind == "facility"


def test_candidates_of_bad_input_are_empty(tiny_gazetteer):
    for bad in ("", "  ", "?!", None, 42):
        assert tiny_gazetteer.candidates(bad) == ()
    assert tiny_gazetteer.candidates("Capitol", limit=0) == ()


def test_candidates_of_an_acronym_prefer_countries_over_villages_of_that_name(tiny_gazetteer):
    assert [c.kind for c in tiny_gazetteer.candidates("SQ")] == ["country"]
    assert [c.kind for c in tiny_gazetteer.candidates("S.Q.", limit=1)] == ["country"]
    assert {c.kind for c in tiny_gazetteer.candidates("Sq")} == {"country", "city"}
    assert [c.kind for c in tiny_gazetteer.candidates("SV")] == ["city"]  # nothing curated


def test_candidates_of_a_big_city_without_city_put_the_city_before_its_province(tiny_gazetteer):
    city, province = tiny_gazetteer.candidates("Bigtown")
    assert (city.name, city.kind, city.exact) == ("Bigtown City", "city", True)
    assert province.kind == "admin1"
    assert not tiny_gazetteer.candidates("Big Town City")[0].exact  # other alternates stay inexact


def test_candidates_of_a_major_airports_bare_name_put_it_before_a_hamlet(tiny_gazetteer):
    assert [c.kind for c in tiny_gazetteer.candidates("Farfield")] == ["facility", "city"]


def test_has_name_is_true_for_any_form_and_false_for_misses(tiny_gazetteer):
    assert tiny_gazetteer.has_name("KAPITOL") and tiny_gazetteer.has_name("Sqland")
    assert not tiny_gazetteer.has_name("Nowhere") and not tiny_gazetteer.has_name("")


def test_country_and_country_code(tiny_gazetteer):
    assert tiny_gazetteer.country("qq").name == "Squareland"
    assert tiny_gazetteer.country_code("Republic of Squareland") == "QQ"
    assert tiny_gazetteer.country_code("QQ") == "QQ"
    assert tiny_gazetteer.country_code("Capitol") is None


def test_countries_lists_every_country_once(tiny_gazetteer):
    assert [(c.name, c.kind, c.geometry is not None) for c in tiny_gazetteer.countries()] == [
        ("Squareland", "country", True)]


def test_demonym_matches_singular_and_plural(tiny_gazetteer):
    assert tiny_gazetteer.demonym("Squarish") == "QQ"
    assert tiny_gazetteer.demonym("Squarelanders") == "QQ"
    assert tiny_gazetteer.demonym("Roundish") is None


def test_directional_takes_the_matching_third_of_the_outline(tiny_gazetteer):
    south = tiny_gazetteer.directional("southern", "Squareland")
    assert south.kind == "directional_region" and south.country_code == "QQ"
    assert 40 <= south.lat <= 40 + 4 / 3 and south.bbox[2] == pytest.approx(40 + 4 / 3, abs=1e-3)
    assert shape(json.loads(south.geometry)).contains(Point(south.lon, south.lat))
    north_east = tiny_gazetteer.directional("north-eastern", "QQ")
    assert north_east.lat > 42 and north_east.lon > 12
    central = tiny_gazetteer.directional("central", "Squareland")
    assert central.lat == pytest.approx(42, abs=0.01) and central.lon == pytest.approx(12, abs=0.01)
    assert tiny_gazetteer.directional("upward", "Squareland") is None
    assert tiny_gazetteer.directional("southern", "Capitol") is None  # a point has no parts


def test_nearest_returns_the_closest_town(tiny_gazetteer):
    assert tiny_gazetteer.nearest(40.6, 11.1).name == "Southtown"
    assert tiny_gazetteer.nearest(42.41, 12.41, kind="facility").kind == "facility"
    assert tiny_gazetteer.nearest(0.0, 0.0) is None
    assert tiny_gazetteer.nearest(999, 0) is None


def test_is_capital(tiny_gazetteer):
    assert tiny_gazetteer.is_capital(10) and not tiny_gazetteer.is_capital(11)


def test_candidates_carry_capital_and_fame(tiny_gazetteer):
    capital, abroad = tiny_gazetteer.candidates("Capitol")
    assert (capital.is_capital, capital.fame) == (True, 40)
    assert (abroad.is_capital, abroad.fame) == (False, 0)
    assert tiny_gazetteer.nearest(42.5, 12.5).is_capital


def test_lookups_from_many_threads_agree(tiny_gazetteer):
    results, errors = [], []

    def work():
        try:
            for i in range(200):
                results.append(tiny_gazetteer.candidates(f"Capitol{'' if i % 2 else ' '}")[0].name)
                tiny_gazetteer.has_name(f"miss {i}")
        except Exception as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(results) == {"Capitol"} and len(results) == 1600


# --------------------------------------------------------------------------- errors and building

def test_missing_index_raises_with_the_rebuild_hint(tmp_path):
    with pytest.raises(GazetteerError, match="python -m dashboard build-geodata"):
        Gazetteer(tmp_path / "absent.sqlite")


def test_corrupt_index_raises_with_the_rebuild_hint(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerError, match="corrupt.*build-geodata"):
        Gazetteer(path)


def test_stale_index_raises(tmp_path):
    path = write_index(tmp_path / "old.sqlite", tiny_places(), {})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION - 1),))
    with pytest.raises(GazetteerError, match="stale"):
        Gazetteer(path)


def test_write_index_replaces_atomically_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "g.sqlite"
    write_index(path, tiny_places()[:1], {})
    write_index(path, tiny_places(), {})
    assert [p.name for p in tmp_path.iterdir()] == ["g.sqlite"]
    assert Gazetteer(path).has_name("Southtown")


def test_gazetteer_pickles_by_path(tiny_gazetteer):
    import pickle

    copy = pickle.loads(pickle.dumps(tiny_gazetteer))
    assert copy.path == tiny_gazetteer.path and copy.has_name("Capitol")


# --------------------------------------------------------------------------- admin-1 outlines

def _province(name: str, code: str, lat: float, lon: float) -> PlaceRow:
    return PlaceRow(name=name, kind="admin1", country_code="QQ", admin1=code, lat=lat, lon=lon)


def test_outlined_gives_a_matched_province_its_outline_and_box_and_leaves_others_points():
    from shapely.geometry import MultiPolygon, box

    # Westprov: a 1 x 1 degree square and a small island 5 degrees off its coast.
    west = MultiPolygon([box(10, 40, 11, 41), box(16, 40, 16.2, 40.2)])
    units = [Unit("Westprov", "QQ", "", "", west)]
    rows = [_province("Westprov", "01", 40.5, 10.5), _province("Nowhere", "02", 43.0, 13.0)]
    towns = [{"countrycode": "QQ", "admin1code": "01", "latitude": 40.5, "longitude": 10.5}]
    first, second = outlined(rows, units, towns)
    outline = shape(json.loads(first.geometry))
    assert outline.contains(Point(10.5, 40.5)) and outline.contains(Point(16.1, 40.1))
    # The box is the main part's, as a country's is: the far island does not stretch it.
    assert first.bbox == (40.0, 10.0, 41.0, 11.0)
    assert shape(json.loads(first.parts_from)).bounds == (10.0, 40.0, 11.0, 41.0)
    assert (second.bbox, second.geometry, second.parts_from) == (None, None, None)


def test_a_province_without_outline_is_a_point_in_the_index(tmp_path):
    path = write_index(tmp_path / "g.sqlite", [_province("Nowhere", "02", 43.0, 13.0)], {})
    found = Gazetteer(path).best("Nowhere")
    assert found.kind == "admin1" and (found.bbox, found.geometry) == (None, None)


def test_admin1_wheel_is_found_only_when_it_is_the_pinned_file(tmp_path, monkeypatch):
    wheel = tmp_path / "outlines.whl"
    monkeypatch.setenv("NEWSMAP_ADMIN1_WHEEL", str(wheel))
    assert admin1_wheel() is None
    wheel.write_bytes(b"not the pinned wheel")
    assert admin1_wheel() is None
    import hashlib

    monkeypatch.setattr(gazetteer_module, "ADMIN1_WHEEL_SHA256",
                        hashlib.sha256(b"not the pinned wheel").hexdigest())
    assert admin1_wheel() == wheel


def test_source_stamp_changes_when_the_admin1_outlines_appear(tmp_path, monkeypatch):
    import hashlib

    wheel = tmp_path / "outlines.whl"
    monkeypatch.setenv("NEWSMAP_ADMIN1_WHEEL", str(wheel))
    monkeypatch.setattr(gazetteer_module, "ADMIN1_WHEEL_SHA256", hashlib.sha256(b"x").hexdigest())
    without = source_stamp()
    wheel.write_bytes(b"x")
    assert source_stamp() != without


def test_admin1_wheel_pin_is_the_basemaps():
    from dashboard.ui.basemap_build import SOURCES

    pinned = {(s.filename, s.sha256) for s in SOURCES}
    assert (gazetteer_module.ADMIN1_WHEEL, gazetteer_module.ADMIN1_WHEEL_SHA256) in pinned


# --------------------------------------------------------------------------- the real index

def _top(gazetteer, name, **filters):
    return gazetteer.candidates(name, **filters)[0]


def test_real_brussels_is_the_belgian_capital(gazetteer):
    top = _top(gazetteer, "Brussels")
    assert top.country_code == "BE" and abs(top.lat - 50.85) < 0.05 and abs(top.lon - 4.35) < 0.05


def test_real_geneva_is_far_more_famous_than_its_namesakes(gazetteer):
    first, *others = gazetteer.candidates("Geneva", kinds=("city",), limit=20)
    assert first.country_code == "CH" and len(others) >= 5
    assert first.fame >= 3 * max(c.fame for c in others)
    assert gazetteer.best("Belgrade").is_capital and not gazetteer.best("Belgrade",
                                                                       country_codes="US").is_capital


def test_real_kosovska_mitrovica_is_an_alternate_name_in_kosovo(gazetteer):
    top = _top(gazetteer, "Kosovska Mitrovica")
    assert top.country_code == "XK" and not top.exact
    assert abs(top.lat - 42.89) < 0.05 and abs(top.lon - 20.87) < 0.05


@pytest.mark.parametrize("name, code", [("Pristina", "XK"), ("Priština", "XK"), ("Skopje", "MK"),
                                        ("Belgrade", "RS"), ("Paris", "FR"), ("Kabul", "AF")])
def test_real_capitals_beat_their_namesakes(gazetteer, name, code):
    top = _top(gazetteer, name)
    assert top.country_code == code and top.kind == "city"
    assert gazetteer.is_capital(top.geonameid) and top.population > 100_000


@pytest.mark.parametrize("name, code", [
    ("Kosovo", "XK"), ("Burma", "MM"), ("the U.S.", "US"), ("USA", "US"), ("America", "US"),
    ("Britain", "GB"), ("Macedonia", "MK"), ("FYROM", "MK"), ("Zaire", "CD"),
    ("Ivory Coast", "CI"), ("Czech Republic", "CZ"), ("Holland", "NL"),
])
def test_real_country_names_and_aliases(gazetteer, name, code):
    assert gazetteer.country_code(name) == code
    assert _top(gazetteer, name).kind == "country"


def test_real_every_country_has_a_point_and_kosovo_an_outline(gazetteer):
    countries = gazetteer.countries()
    outlines = {c.country_code: c.geometry for c in countries}
    assert len(countries) == len(outlines) >= 240 and {c.kind for c in countries} == {"country"}
    assert sum(1 for g in outlines.values() if g) >= 230 and outlines["XK"] and outlines["RS"]
    kosovo = shape(json.loads(outlines["XK"]))
    assert not shape(json.loads(outlines["RS"])).contains(kosovo.representative_point())


@pytest.mark.parametrize("word, code", [("Serbian", "RS"), ("Serbs", "RS"), ("French", "FR"),
                                        ("American", "US"), ("Kosovar", "XK"), ("Afghans", "AF")])
def test_real_demonyms(gazetteer, word, code):
    assert gazetteer.demonym(word) == code


def test_real_southern_serbia_lies_in_serbia_south_of_43_6_and_outside_kosovo(gazetteer):
    part = gazetteer.directional("southern", "Serbia")
    point = Point(part.lon, part.lat)
    assert part.lat < 43.6
    assert shape(json.loads(gazetteer.country("RS").geometry)).contains(point)
    kosovo = shape(json.loads(gazetteer.country("XK").geometry))
    assert not kosovo.contains(point)
    assert shape(json.loads(part.geometry)).intersection(kosovo).area < 0.01


def test_real_western_macedonia_lies_in_north_macedonia_west_of_21_4(gazetteer):
    part = gazetteer.directional("western", "Macedonia")
    assert part.country_code == "MK" and part.lon < 21.4
    assert shape(json.loads(gazetteer.country("MK").geometry)).contains(Point(part.lon, part.lat))


@pytest.mark.parametrize("name, kind, code", [
    ("Kandahar", "city", "AF"), ("Darfur", "region", "SD"), ("the Black Sea", "water", ""),
    ("the Sahel", "region", ""), ("the Balkans", "region", ""), ("Persian Gulf", "water", ""),
    ("Kashmir", "region", ""), ("the Danube", "water", ""), ("Western Europe", "region", ""),
])
def test_real_non_balkan_places(gazetteer, name, kind, code):
    top = _top(gazetteer, name)
    assert (top.kind, top.country_code) == (kind, code)


def test_real_black_sea_outline_is_water_not_land(gazetteer):
    sea = _top(gazetteer, "Black Sea")
    outline = shape(json.loads(sea.geometry))
    assert outline.contains(Point(34.0, 43.5))  # open water
    assert not outline.contains(Point(30.52, 50.45))  # Kyiv


def test_real_airports_are_facilities(gazetteer):
    heathrow = gazetteer.candidates("Heathrow")[0]
    assert (heathrow.kind, heathrow.country_code) == ("facility", "GB")
    assert abs(heathrow.lon + 0.46) < 0.05
    assert _top(gazetteer, "Gatwick").kind == "facility" and heathrow.fame > 50
    # A bare name is neither a city's other name nor a word left over from "London City".
    assert _top(gazetteer, "Rostov-na-Donu").kind == "city"
    assert "facility" not in {c.kind for c in gazetteer.candidates("City", limit=50)}
    assert _top(gazetteer, "Pristina airport").country_code == "XK"


def test_real_admin1_regions_have_points(gazetteer):
    top = _top(gazetteer, "Vojvodina")
    assert (top.kind, top.country_code) == ("admin1", "RS") and 44 < top.lat < 47


needs_outlines = pytest.mark.skipif(
    admin1_wheel() is None, reason="no admin-1 outlines: run `python -m dashboard build-basemap`")


@needs_outlines
@pytest.mark.parametrize("province, code, capital", [
    ("Vojvodina", "RS", "Novi Sad"), ("Ontario", "CA", "Toronto"), ("Helmand", "AF", "Lashkar Gah"),
    ("Bavaria", "DE", "Munich"), ("Île-de-France", "FR", "Paris"), ("Texas", "US", "Austin"),
    ("Prizren", "XK", "Prizren"), ("England", "GB", "London"),
])
def test_real_province_outline_holds_its_capital_and_its_box_holds_the_outline(
        gazetteer, province, code, capital):
    area = gazetteer.best(province, kinds=("admin1",), country_codes=(code,))
    town = gazetteer.best(capital, kinds=("city",), country_codes=(code,))
    outline = shape(json.loads(area.geometry))
    assert outline.contains(Point(town.lon, town.lat)) and outline.contains(Point(area.lon, area.lat))
    # The box lies within the outline's bounds (up to the outline's 0.001 degree rounding).
    south, west, north, east = area.bbox
    left, bottom, right, top = outline.buffer(0.001).bounds
    assert left <= west < east <= right and bottom <= south < north <= top
    assert south <= town.lat <= north and west <= town.lon <= east


@needs_outlines
def test_real_southern_california_is_the_south_of_the_state(gazetteer):
    south = gazetteer.directional("southern", "California")
    state = gazetteer.best("California", kinds=("admin1",), country_codes=("US",))
    assert (south.kind, south.country_code) == ("directional_region", "US")
    assert shape(json.loads(state.geometry)).buffer(0.05).contains(
        shape(json.loads(south.geometry)))
    assert south.lat < 35.0 and south.bbox[2] < state.bbox[2]


@needs_outlines
def test_real_most_provinces_have_outlines(gazetteer):
    with sqlite3.connect(gazetteer.path) as db:
        total, outlined_count = db.execute(
            "SELECT count(*), count(geometry) FROM places WHERE kind = 'admin1'").fetchone()
    assert outlined_count / total > 0.75


@pytest.mark.parametrize("query, code", [("US", "US"), ("U.S.", "US"), ("UK", "GB"),
                                         ("CAR", "CF")])
def test_real_acronyms_are_countries_not_villages(gazetteer, query, code):
    assert {(c.kind, c.country_code) for c in gazetteer.candidates(query)} == {("country", code)}
    assert "city" in {c.kind for c in gazetteer.candidates(query.replace(".", "").title())}


@pytest.mark.parametrize("name, kind, code", [
    ("New York", "city", "US"), ("Washington", "city", "US"), ("Georgia", "country", "GE"),
    ("Mexico", "country", "MX"), ("Luxembourg", "country", "LU"), ("Kuwait", "country", "KW"),
    ("Singapore", "country", "SG"), ("Djibouti", "country", "DJ"), ("Quebec", "city", "CA"),
    ("Jersey", "country", "JE"), ("Mexico City", "city", "MX"), ("Quezon", "city", "PH"),
])
def test_real_names_shared_by_a_city_a_state_and_a_country(gazetteer, name, kind, code):
    top = _top(gazetteer, name)
    assert (top.kind, top.country_code) == (kind, code)
    assert top.kind != "city" or top.population > 500_000


def test_real_has_name_skips_codes_and_lowercase_romanisations(gazetteer):
    assert gazetteer.has_name("Kosovska Mitrovica")
    # Brussels' IATA code is not one of its names (Brû, France, still answers to "BRU").
    assert "Brussels" not in {c.name for c in gazetteer.candidates("BRU", limit=50)}
    assert not gazetteer.has_name("ba li")  # a GeoNames romanisation of Paris


# --------------------------------------------------------------------------- admin2, abbreviations

def test_dotted_key_keeps_the_dots_of_an_abbreviation_only():
    assert dotted_key("W. Va.") == dotted_key("W.Va.") == "w.va."
    assert dotted_key("Ky.") == "ky." != normalize("Ky.")
    assert dotted_key("Kentucky") is None and dotted_key("St. Louis") is None
    assert dotted_key("...") is None


def test_admin2_forms_need_the_admin_word_unless_the_bare_name_is_free():
    taken = {"letcher", "toledo"}
    assert admin2_forms("Letcher County", "", ("Condado de Letcher", "Letcher"), taken) == (
        "Letcher County",)
    assert admin2_forms("Toledo", "Province", ("Province of Toledo", "Toledo"), taken) == (
        "Toledo Province", "Province of Toledo")
    assert admin2_forms("Gironde", "", (), taken) == ("Gironde",)
    assert admin2_forms("Gironde", "", (), taken | {"gironde"}) == ()


def test_admin2_rows_take_their_towns_mean_point_and_parent_admin1():
    subdivisions = [
        ["Kentucky", "US-KY", "US.KY", "6254925", "State", "", "1", "", "233"],
        ["Letcher County", "", "US.KY.133", "4297999", "", "Letcher", "2", "1", "233"],
        ["Empty County", "", "US.KY.999", "1", "", "", "2", "1", "233"],
    ]
    members = {1: [(37.0, -84.0, 9)], 2: [(37.0, -84.0, 8000), (37.2, -84.2, 2000)]}
    rows = list(admin2_rows(subdivisions, members, {"letcher"}))
    assert [(r.name, r.kind, r.country_code, r.admin1, r.population) for r in rows] == [
        ("Letcher County", "admin2", "US", "KY", 10_000)]
    assert (rows[0].lat, rows[0].lon, rows[0].names) == (37.1, -84.1, ())


def test_admin2_rows_without_towns_take_their_seat_and_the_countrys_usual_word():
    subdivisions = [
        ["Helmand", "AF-HEL", "AF.10", "1", "Province", "", "1", "", "1"],
        ["Nād ‘Alī", "", "AF.10.2308", "2", "", "", "2", "1", "1"],
        ["Sangīn", "", "AF.10.2310", "3", "", "", "2", "1", "1"],
        ["Garmsīr", "", "AF.10.2311", "4", "", "Garmsir District", "2", "1", "1"],
        ["Kajakī", "", "AF.10.2312", "5", "", "Kajaki District", "2", "1", "1"],
        ["Mūsá Qal‘ah", "", "AF.10.2313", "6", "", "Musa Qala District", "2", "1", "1"],
    ]
    seats = {("AF", "10", "sangin"): (32.07, 64.84, 14_000)}
    rows = list(admin2_rows(subdivisions, {2: [(31.6, 64.2, 0)]}, {"nad ali", "sangin"}, seats))
    assert [(r.name, r.lat) for r in rows] == [("Nād ‘Alī District", 31.6),
                                             ("Sangīn District", 32.07)]


@pytest.fixture(scope="module")
def county_gazetteer(tmp_path_factory) -> Gazetteer:
    """The tiny index plus a state with an abbreviation, its county and same-named villages."""
    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    extra = [
        PlaceRow(name="Kentucky", kind="admin1", country_code="US", admin1="KY", lat=37.5,
                 lon=-85.0, population=4_000_000, abbreviations=("Ky.",)),
        PlaceRow(name="Letcher County", kind="admin2", country_code="US", admin1="KY",
                 lat=37.1, lon=-84.1, population=60_000),
        PlaceRow(name="Letcher", kind="city", country_code="US", admin1="MD", lat=39.1,
                 lon=-76.8, population=25_000, geonameid=90),
        PlaceRow(name="Ky", kind="city", country_code="ZZ", lat=-34.0, lon=-64.0,
                 population=900, geonameid=91),
    ]
    write_index(path, [*tiny_places(), *extra], {}, stamp="county")
    return Gazetteer(path)


def test_admin2_answers_to_its_name_with_the_word_and_leaves_the_bare_name_to_towns(
        county_gazetteer):
    county = county_gazetteer.best("Letcher County")
    assert (county.kind, county.admin1, county.matched) == ("admin2", "KY", "Letcher County")
    assert {c.kind for c in county_gazetteer.candidates("Letcher")} == {"city"}


def test_abbreviation_means_its_state_only_with_the_dot(county_gazetteer):
    assert [c.name for c in county_gazetteer.candidates("Ky.")] == ["Kentucky"]
    assert [c.name for c in county_gazetteer.candidates("Ky")] == ["Ky"]
    assert county_gazetteer.has_abbreviation("Ky.") and county_gazetteer.has_name("Ky.")
    assert not county_gazetteer.has_abbreviation("Ky")
    assert not county_gazetteer.has_abbreviation("Letcher.")  # a sentence's last word


def test_us_state_abbreviations_are_the_dotted_ap_forms():
    found = us_state_abbreviations()
    assert found["US-WV"] == ("W.Va.", "W. Va.") and "Calif." in found["US-CA"]
    assert "D.C." in found["US-DC"] and "Ind." in found["US-IN"]
    assert "US-TX" not in found and "US-OH" not in found  # AP writes them in full


def test_country_code_matches_the_best_country_reading(tiny_gazetteer):
    for name in ("Republic of Squareland", "Squareland", "QQ", "qq", "Capitol", "", "--", 42):
        best = tiny_gazetteer.best(name, kinds=("country",)) if isinstance(name, str) else None
        expected = best.country_code if best else None
        if isinstance(name, str) and len(name) == 2 and name.isupper():
            expected = tiny_gazetteer.country(name).country_code
        assert tiny_gazetteer.country_code(name) == expected, name


def test_real_counties_and_parishes_are_admin2_in_their_state(gazetteer):
    for query, state in (("Letcher County", "KY"), ("Acadia Parish", "LA")):
        top = _top(gazetteer, query)
        assert (top.kind, top.country_code, top.admin1) == ("admin2", "US", state)
    assert "admin2" not in {c.kind for c in gazetteer.candidates("Letcher", limit=50)}


@pytest.mark.parametrize("query, state", [("W.Va.", "West Virginia"), ("Ind.", "Indiana"),
                                          ("D.C.", "District of Columbia"), ("Mass.", "Massachusetts")])
def test_real_state_abbreviations(gazetteer, query, state):
    assert [(c.kind, c.name) for c in gazetteer.candidates(query)] == [("admin1", state)]
