"""Resolution: ranking candidates with the article's context, confidence, unresolved mentions."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from dashboard.extract.places import DEMONYM, EMBEDDED, SURNAME, WEAK
from dashboard.geo.gazetteer import Candidate
from dashboard.records import Place
from dashboard.extract.resolve import Lookup, precision_of, resolve_places, thin_geometry


def loc(name, kind, code, lat, lon, population=0, exact=True, gid=None, admin1="", bbox=None):
    raw = {"name": name, "kind": kind, "country_code": code, "population": population,
           "exact": exact, "geonameid": gid, "admin1": admin1, "bbox": bbox, "geometry": None}
    return SimpleNamespace(latitude=lat, longitude=lon, raw=raw, address=name)


class FakeGeocoder:
    """Answers ``candidates`` from a dict and counts the calls (to check the cache)."""

    TABLE = {
        "Belgrade": [loc("Belgrade", "city", "US", 45.7, -111.1, 8_000, gid=2),
                     loc("Belgrade", "city", "RS", 44.8, 20.5, 1_270_000, gid=1)],
        "Serbia": [loc("Serbia", "country", "RS", 44.0, 20.8, 7_000_000)],
        "Paris": [loc("Paris", "city", "FR", 48.85, 2.35, 2_100_000, gid=3),
                  loc("Paris", "city", "US", 33.66, -95.55, 25_000, gid=4, admin1="TX")],
        "Texas": [loc("Texas", "admin1", "US", 31.0, -99.0, 29_000_000, admin1="TX")],
        "US": [loc("United States", "country", "US", 39.5, -97.5, 3e8, exact=False),
               loc("Us", "city", "FR", 49.1, 1.97, 1_248)],
        "Obama": [loc("Obama", "city", "JP", 35.5, 135.7, 29_000)],
        "Georgia": [loc("Georgia", "country", "GE", 42.0, 43.5, 3_700_000),
                    loc("Georgia", "admin1", "US", 32.7, -83.4, 10_000_000, admin1="GA")],
        "Paris County": [loc("Paris County", "admin2", "US", 33.7, -95.6, 50_000, admin1="TX")],
        "Helmand": [loc("Helmand", "admin1", "AF", 31.0, 64.0, 900_000,
                        bbox=(29.4, 62.6, 33.4, 65.4)),
                    loc("Helmand", "city", "AF", 31.1, 64.1, 2_000)],
        "Bell County": [loc("Bell County", "admin2", "US", 45.9, -95.5, 36_000,
                               admin1="MN")],
        "Bell": [loc("Bell", "admin1", "IM", 54.15, -4.48, 27_000),
                 loc("Bell", "city", "US", 31.5, -82.8, 11_000)],
    }

    def __init__(self):
        self.calls = 0
        russia = Candidate(7, "Russia", "country", "RU", "", 60.0, 100.0, 140_000_000, None,
                           None, "Russia", True)
        self.gazetteer = SimpleNamespace(
            is_capital=lambda gid: gid == 1,
            demonym=lambda word: "RU" if word.rstrip("s") == "Russian" else None,
            country=lambda code: russia if code == "RU" else None)

    def candidates(self, query, limit=10, country_codes=None):
        self.calls += 1
        return self.TABLE.get(query, [])[:limit]


def mention(text, surface, kind="", nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Place(id=f"p{start}", surface=surface, start=start, end=start + len(surface), kind=kind)


def resolve(text, *surfaces, geocoder=None, **kinds):
    places = [mention(text, s, kinds.get(s.replace(" ", "_"), "")) for s in surfaces]
    return resolve_places(places, Lookup(geocoder or FakeGeocoder()), text)


def test_resolve_capital_beats_small_namesake_and_is_confident():
    (belgrade,), problems = resolve("Talks in Belgrade.", "Belgrade")
    assert (belgrade.country_code, belgrade.precision, problems) == ("RS", "point", ())
    assert 0.8 < belgrade.confidence <= 0.99


def test_resolve_article_frame_picks_the_namesake_in_a_named_province():
    text = "Storms hit towns in Texas, in the US, and in Paris."
    places, _ = resolve(text, "Texas", "US", "Paris")
    paris = places[-1]
    assert (paris.country_code, paris.admin1) == ("US", "TX") and paris.confidence > 0.5
    alone, _ = resolve("Storms hit Paris.", "Paris")
    assert alone[0].country_code == "FR"  # no local frame: the famous one


def test_resolve_admin_area_beats_a_namesake_town_in_its_country():
    text = "Storms hit Georgia, in the US."
    places, _ = resolve(text, "Georgia", "US")
    assert (places[0].kind, places[0].country_code) == ("admin1", "US")
    alone, _ = resolve("Troops left Georgia.", "Georgia")
    assert alone[0].kind == "country"


def test_resolve_demonym_is_a_non_literal_mention_of_its_country():
    (russian,), problems = resolve("Russian officials said.", "Russian", Russian=DEMONYM)
    assert (russian.kind, russian.country_code, russian.literal, problems) == (
        "country", "RU", False, ())


def test_resolve_area_beats_a_small_town_of_its_name_unless_a_cue_says_town():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {"Jordan": [loc("Jordan", "country", "JO", 31.0, 36.0, 10_000_000, gid=21),
                                 loc("Jordan", "city", "US", 40.0, -90.0, 20_000, gid=22,
                                    admin1="TX")],
                      "US": FakeGeocoder.TABLE["US"]}
    text = "Storms in the US; talks with Jordan."
    places, _ = resolve(text, "US", "Jordan", geocoder=geocoder)
    assert places[-1].kind == "country"


def test_resolve_embedded_name_is_a_non_literal_mention():
    (serbia,), _ = resolve("The Serbia Police said.", "Serbia", Serbia=EMBEDDED)
    assert (serbia.country_code, serbia.literal) == ("RS", False)


def test_resolve_weak_word_needs_rank_or_a_locative():
    places, problems = resolve("Obama said so.", "Obama", Obama=WEAK)
    assert places == () and problems[0].kind == "not_a_place"
    kept, _ = resolve("Fighting in Obama.", "Obama", Obama=WEAK)
    assert kept[0].country_code == "JP"
    ranked, _ = resolve("Texas said so.", "Texas", Texas=WEAK)
    assert ranked[0].kind == "admin1"


def test_resolve_surname_is_a_place_only_as_a_country_or_province():
    places, problems = resolve("He went to Obama.", "Obama", Obama=SURNAME)
    assert places == () and problems[0].kind == "not_a_place"
    kept, _ = resolve("Talks in Serbia.", "Serbia", Serbia=SURNAME)
    assert kept[0].kind == "country"


def test_resolve_names_sharing_a_province_pick_it_together():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Eastbrook": [loc("Eastbrook", "city", "US", 29.6, -82.3, 50_000, gid=11,
                            admin1="FL"),
                      loc("Eastbrook", "city", "US", 34.3, -83.8, 40_000, gid=12,
                            admin1="GA")],
        "Ridge County": [loc("Ridge County", "admin2", "US", 40.9, -98.5, 60_000, gid=13,
                            admin1="NE"),
                         loc("Ridge County", "admin2", "US", 34.3, -83.8, 180_000, gid=14,
                            admin1="GA")]}
    text = "Eastbrook is the seat of Ridge County."
    places, _ = resolve(text, "Eastbrook", "Ridge County", geocoder=geocoder)
    assert [p.admin1 for p in places] == ["GA", "GA"]


def test_resolve_unresolved_weak_word_after_a_locative_keeps_no_hint_as_its_kind():
    (place,), problems = resolve("Fighting in Xyzzy.", "Xyzzy", Xyzzy=WEAK)
    assert (place.kind, place.resolved, problems[0].kind) == ("", False, "unresolved_place")


def test_resolve_unknown_name_without_a_cue_is_dropped_with_a_problem():
    places, problems = resolve("Xyzzy said so.", "Xyzzy")
    assert places == () and problems[0].kind == "not_a_place"
    kept, problems = resolve("Fighting around Xyzzy.", "Xyzzy")
    assert not kept[0].resolved and problems[0].kind == "unresolved_place"


def test_resolve_county_cue_wants_an_admin_area_and_river_cue_no_town():
    text = "Floods in Paris County and the Paris River."
    county, river = resolve(text, "Paris County", "Paris River", Paris_County="admin2",
                            Paris_River="water")[0]
    assert county.kind == "admin2" and not river.resolved


def test_resolve_acronym_is_not_a_village_and_aliases_count_as_exact():
    (us,), _ = resolve("Troops from the US.", "US")
    assert (us.kind, us.precision, us.confidence) == ("country", "country", 0.99)


def test_resolve_unknown_name_is_kept_with_a_problem():
    text = "Rebels took the town of Xyzzyville."
    (place,), problems = resolve(text, "Xyzzyville")
    assert place.lat is None and place.lon is None and not place.resolved
    assert problems[0].kind == "unresolved_place" and "Xyzzyville" in problems[0].message
    assert (problems[0].start, problems[0].end) == (place.start, place.end)


def test_resolve_lone_small_foreign_town_without_preposition_is_a_name():
    places, problems = resolve("Obama orders more troops.", "Obama")
    assert places == () and [(p.kind, p.start, p.end) for p in problems] == [("not_a_place", 0, 5)]
    kept, _ = resolve("Fighting in Obama.", "Obama")
    assert kept[0].country_code == "JP"


def test_resolve_cue_kind_chooses_between_readings():
    (area,), _ = resolve("Marines in Helmand.", "Helmand")
    assert area.kind == "admin1" and area.precision == "admin1"
    geocoder = FakeGeocoder()
    places = [mention("the town of Helmand", "Helmand", "city")]
    (town,), _ = resolve_places(places, Lookup(geocoder), "the town of Helmand")
    assert town.kind == "city" and town.precision == "point"


def test_resolve_lookup_caches_each_query_once():
    geocoder = FakeGeocoder()
    text = "Paris, Paris and Paris again in Paris."
    places = [mention(text, "Paris", nth=i) for i in range(4)]
    resolve_places(places, Lookup(geocoder), text)
    assert geocoder.calls == 1


def test_thin_geometry_keeps_one_polygon_per_area_and_reading():
    poly = '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}'
    area = Place(id="p1", surface="Serbia", start=0, end=6, name="Serbia", kind="country",
                 country_code="RS", lat=44.0, lon=20.8, geometry=poly)
    places = [area, replace(area, id="p2", literal=False), replace(area, id="p3"),
              replace(area, id="p4", antecedent="p1")]
    assert [p.geometry is not None for p in thin_geometry(places)] == [True, True, False, False]


def test_lookup_asks_is_capital_only_when_the_geocoder_does_not_say():
    asked = []
    geocoder = FakeGeocoder()
    geocoder.gazetteer = SimpleNamespace(is_capital=lambda gid: asked.append(gid) or gid == 1)
    said = loc("Belgrade", "city", "RS", 44.8, 20.5, 1_270_000, gid=1)
    said.raw["is_capital"] = True
    unsaid = loc("Belgrade", "city", "US", 45.7, -111.1, 8_000, gid=2)
    geocoder.TABLE = {"Belgrade": [said, unsaid]}
    options = Lookup(geocoder)("Belgrade")
    assert [o.is_capital for o in options] == [True, False]
    assert asked == [2]


def test_resolve_fame_separates_namesakes_when_context_misleads(offline_geocoder):
    from dashboard.extract.pipeline import extract_text

    text = ("Talks in Geneva\nDiplomats met.\n(Reuters) Monday, March 3, 2003\n"
            "Diplomats met in Geneva on Monday. Later they flew from Heathrow to Geneva.\n")
    places = extract_text(text, geocoder=offline_geocoder).places
    assert {p.country_code for p in places if p.surface == "Geneva"} == {"CH"}


def test_resolve_located_place_keeps_every_field_resolution_does_not_set():
    from dataclasses import fields

    from dashboard.extract.resolve import _located

    option = Lookup(FakeGeocoder())("Serbia")[0]
    given = Place(**{f.name: object() for f in fields(Place)})  # a marker in every field
    placed = _located(given, option, 0.5)
    resolved = {"name", "kind", "country_code", "admin1", "lat", "lon", "bbox", "geonameid",
                "geometry", "confidence", "precision"}
    kept = {f.name for f in fields(Place) if getattr(placed, f.name) is getattr(given, f.name)}
    assert kept == {f.name for f in fields(Place)} - resolved


def test_is_located_reads_a_locative_just_before_the_mention_as_the_plain_scan_does():
    import re

    from dashboard.extract.resolve import _LOCATIVES, _is_located

    scan = re.compile(rf"\b(?:{'|'.join(_LOCATIVES)})\s+(?:the\s+)?$", re.I)
    texts = ["Talks in Gao.", "Talks IN THE  Gao.", "Berlin Gao.", "in Gao", "Gao", "xin Gao",
             "fighting near\nGao", "It shelled the Gao", "He toward Gao", "bathe Gao",
             "the the Gao", "in thex Gao", "ſeized Gao", "a" * 27 + " in Gao", "a" * 26 + " in Gao",
             "visited   the   Gao", "1in Gao", "_at Gao"]
    for text in texts:
        start = text.rindex("Gao")
        place = Place(id="p", surface="Gao", start=start, end=start + 3)
        expected = bool(scan.search(text, max(0, start - 30), start))
        assert _is_located(place, text) == expected, text
    assert _is_located(Place(id="p", surface="Gao", start=9, end=12), "Talks in Gao.")


def test_lookup_reading_is_kept_per_surface_and_cue():
    lookup = Lookup(FakeGeocoder())
    province, plain = lookup.reading("Helmand", "admin1"), lookup.reading("Helmand", "")
    assert [o.kind for o in province.options] == ["admin1"]
    assert [o.kind for o in plain.options] == ["admin1", "city"]
    assert lookup.reading("Helmand", "admin1") is province and lookup.geocoder.calls == 1


def test_resolve_a_known_county_is_that_county_not_a_place_of_its_bare_name():
    (county,), problems = resolve("Deputies in Bell County said.", "Bell County",
                                  Bell_County="admin1")
    assert (county.kind, county.admin1, county.precision, problems) == (
        "admin2", "MN", "point", ())


def test_resolve_towns_a_few_miles_apart_pick_each_other_within_one_province():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Millford": [loc("Millford", "city", "US", 33.0, -101.0, 30_000, gid=21, admin1="TX"),
                     loc("Millford", "city", "US", 31.0, -95.0, 20_000, gid=22, admin1="TX")],
        "Oakvale": [loc("Oakvale", "city", "US", 31.2, -95.3, 9_000, gid=23, admin1="TX"),
                    loc("Oakvale", "city", "US", 40.0, -83.0, 9_000, gid=24, admin1="OH")],
        "Pine Hollow": [loc("Pine Hollow", "city", "US", 31.1, -94.8, 9_000, gid=25,
                            admin1="TX"),
                        loc("Pine Hollow", "city", "US", 44.0, -70.0, 9_000, gid=26,
                            admin1="ME")]}
    text = "Crews drove from Millford to Oakvale and on to Pine Hollow."
    places, _ = resolve(text, "Millford", "Oakvale", "Pine Hollow", geocoder=geocoder)
    assert [p.geonameid for p in places] == [22, 23, 25]


def test_resolve_a_name_is_no_frame_for_itself():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Lutecia": [loc("Lutecia", "city", "FR", 48.85, 2.35, 2_100_000, gid=3),
                    loc("Lutecia", "city", "US", 33.66, -95.55, 25_000, gid=4, admin1="TX")],
        "Mesquite Falls": [loc("Mesquite Falls", "city", "US", 32.8, -96.8, 1_300_000, gid=31,
                               admin1="TX")]}
    text = "The fair moved from Lutecia to Mesquite Falls, and Lutecia was quiet."
    places, _ = resolve(text, "Lutecia", "Mesquite Falls", geocoder=geocoder)
    assert places[0].country_code == "US"


def test_resolve_a_city_does_not_dominate_a_foreign_province_of_millions():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Westland": [loc("Westland", "city", "ZA", -28.1, 26.9, 120_000, gid=41),
                     loc("Westland", "admin1", "US", 37.5, -78.8, 5_700_000, gid=42,
                         admin1="WL"),
                     loc("Westland", "city", "US", 47.5, -92.5, 8_000, gid=43, admin1="MN")]}
    places, _ = resolve("She moved to Westland last year.", "Westland", geocoder=geocoder)
    assert places[0].kind == "admin1"


def test_resolve_town_comma_province_pins_both_names_through_the_article():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Eastbrook": [loc("Eastbrook", "city", "US", 41.0, -81.0, 60_000, gid=51, admin1="OH"),
                      loc("Eastbrook", "city", "CA", 44.0, -79.5, 9_000, gid=52, admin1="08")],
        "Ontaria": [loc("Ontaria", "city", "US", 34.0, -117.6, 170_000, gid=53, admin1="CA"),
                    loc("Ontaria", "admin1", "CA", 49.0, -84.0, 13_000_000, gid=54,
                        admin1="08")]}
    text = "Eastbrook, Ontaria, held a vote. Eastbrook voters came early."
    places, _ = resolve(text, "Eastbrook", "Ontaria", geocoder=geocoder)
    later = mention(text, "Eastbrook", nth=1)
    again, _ = resolve_places([mention(text, "Eastbrook"), mention(text, "Ontaria"), later],
                              Lookup(geocoder), text)
    assert [p.geonameid for p in places] == [52, 54]
    assert again[2].geonameid == 52


def test_resolve_a_state_listed_after_a_foreign_city_of_its_name_still_frames_the_article():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Westland": [loc("Westland", "city", "ZA", -28.1, 26.9, 120_000, gid=41),
                     loc("Westland", "admin1", "US", 37.5, -78.8, 5_700_000, gid=42,
                         admin1="WL")],
        "Elkton": [loc("Elkton", "city", "US", 40.0, -83.0, 9_000, gid=61, admin1="OH"),
                   loc("Elkton", "city", "US", 37.0, -79.0, 9_000, gid=62, admin1="WL")]}
    text = "Elkton has a new mayor. Westland has a new governor."
    places, _ = resolve(text, "Elkton", "Westland", geocoder=geocoder)
    assert places[0].geonameid == 62


def test_resolve_small_town_near_the_articles_other_places_needs_no_locative():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Oakvale": [loc("Oakvale", "city", "US", 31.2, -95.3, 9_000, gid=23, admin1="TX")],
        "Stonefield": [loc("Stonefield", "city", "US", 31.4, -95.1, 2_000, gid=71,
                           admin1="TX")],
        "Brackwater": [loc("Brackwater", "city", "US", 45.0, -70.0, 2_000, gid=72,
                           admin1="ME")]}
    text = "Crews met in Oakvale. Stonefield sent two trucks. Brackwater sent none."
    places, problems = resolve(text, "Oakvale", "Stonefield", "Brackwater", geocoder=geocoder)
    assert [p.geonameid for p in places] == [23, 71]
    assert [p.kind for p in problems] == ["not_a_place"]


def test_resolve_famous_city_loses_its_size_to_a_namesake_among_the_articles_towns():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {
        "Lutecia": [loc("Lutecia", "city", "FR", 48.85, 2.35, 2_100_000, gid=3),
                    loc("Lutecia", "city", "US", 33.66, -95.55, 25_000, gid=4, admin1="TX")],
        "Oakvale": [loc("Oakvale", "city", "US", 33.5, -95.3, 9_000, gid=23, admin1="OK"),
                    loc("Oakvale", "city", "CA", 50.0, -100.0, 9_000, gid=24, admin1="MB"),
                    loc("Oakvale", "city", "GB", 52.0, -1.0, 9_000, gid=27, admin1="ENG")],
        "Pine Hollow": [loc("Pine Hollow", "city", "US", 34.5, -95.8, 9_000, gid=25,
                            admin1="OK"),
                        loc("Pine Hollow", "city", "AU", -33.0, 151.0, 9_000, gid=26,
                            admin1="NSW")]}
    text = "Buses run from Lutecia to Oakvale and to Pine Hollow."
    places, _ = resolve(text, "Lutecia", "Oakvale", "Pine Hollow", geocoder=geocoder)
    assert places[0].geonameid == 4


def test_precision_of_a_province_is_its_area_only_when_it_has_an_outline():
    def province(bbox, geometry):
        return Candidate(5, "Westprov", "admin1", "QQ", "01", 40.5, 10.5, 0, bbox, geometry,
                         "Westprov", True)

    square = '{"type": "Polygon", "coordinates": [[[10, 40], [11, 40], [11, 41], [10, 40]]]}'
    assert precision_of(province((40.0, 10.0, 41.0, 11.0), square)) == "admin1"
    assert precision_of(province(None, None)) == "point"


def test_resolve_region_beats_a_small_town_of_its_name():
    geocoder = FakeGeocoder()
    geocoder.TABLE = {"Korea": [loc("Korea", "city", "CI", 6.8, -6.6, 3_012, gid=31),
                                loc("Korean Peninsula", "region", "", 38.5, 127.5, 0)],
                      "Seoul": [loc("Seoul", "city", "KR", 37.6, 127.0, 10_000_000, gid=32)]}
    text = "The armistice ending the fighting in Korea was signed; Seoul agreed."
    places, _ = resolve(text, "Korea", "Seoul", geocoder=geocoder)
    assert (places[0].name, places[0].kind) == ("Korean Peninsula", "region")
