"""Place mentions: names, cues, directional regions, filters, and references back ("the town")."""

from __future__ import annotations

from dataclasses import replace

from dashboard.extract.places import find_places, link_anaphora
from dashboard.records import Place
from dashboard.text import split_sentences


class Names:
    """A tiny gazetteer: a few names, demonyms and countries."""

    NAMES = {"serbia", "kosovo", "kosovska mitrovica", "brussels", "paris", "jordan", "macedonia",
             "helmand", "kabul", "south africa", "bosnia and herzegovina", "us", "gao", "police",
             "boone county"}
    DEMONYMS = {"serbian": "RS", "french": "FR", "us": "US"}

    def has_name(self, name):
        return name.lower().replace(".", "") in self.NAMES or self.has_abbreviation(name)

    def has_abbreviation(self, form):
        return form in ("Ind.", "W.Va.")

    def demonym(self, word):
        return self.DEMONYMS.get(word.lower())

    def country_code(self, name):
        return {"us": "US", "serbia": "RS"}.get(name.lower().replace(".", ""))


def mentions(text, blocked=()):
    return [(p.surface, p.kind) for p in find_places(text, split_sentences(text), Names(), blocked)]


def test_places_multi_word_names_are_one_mention():
    found = mentions("Troops patrol Kosovska Mitrovica and Bosnia and Herzegovina.")
    assert found == [("Kosovska Mitrovica", ""), ("Bosnia and Herzegovina", "")]


def test_places_directional_region_is_one_mention():
    assert mentions("The situation in southern Serbia and North-Eastern Macedonia is calm.") == [
        ("southern Serbia", "directional_region"),
        ("North-Eastern Macedonia", "directional_region")]


def test_places_name_that_starts_with_a_direction_stays_a_name():
    assert mentions("He flew to South Africa.") == [("South Africa", "")]


def test_places_cue_phrases_give_a_kind_and_keep_unknown_names():
    found = mentions("Rebels took the town of Xyzzyville and the divided town Kosovska Mitrovica.")
    assert found == [("Xyzzyville", "city"), ("Kosovska Mitrovica", "city")]


def test_places_province_and_airport_cues_keep_the_noun():
    assert mentions("Marines landed in Helmand province near Kabul airport.") == [
        ("Helmand province", "admin1"), ("Kabul airport", "facility")]


def test_places_skip_weekdays_openers_person_names_and_blocked_spans():
    text = "Police said on Monday that Jordan Smith met NATO envoys in Paris."
    blocked = [(text.index("NATO"), text.index("NATO") + 4)]
    assert mentions(text, blocked) == [("Paris", "")]


def test_places_demonyms_are_not_places_but_acronym_countries_are():
    assert mentions("Serbian officials met US envoys.") == [("US", "")]


def test_places_offsets_slice_back_to_surfaces():
    text = "In Kosovo's north, the town of Gao\nand Paris."
    for place in find_places(text, split_sentences(text), Names()):
        assert text[place.start:place.end] == place.surface


def _resolved(place: Place, kind: str, name: str, geonameid: int = 1) -> Place:
    return replace(place, kind=kind, name=name, lat=1.0, lon=2.0, confidence=0.9,
                   precision="point", geonameid=geonameid)


def test_link_anaphora_links_the_town_to_the_named_town():
    text = "Troops are in Kosovska Mitrovica. The town is calm, said Kosovo."
    found = find_places(text, split_sentences(text), Names())
    located = [_resolved(p, "city", "Mitrovice") if p.surface == "Kosovska Mitrovica" else
               _resolved(p, "country", "Kosovo") if p.surface == "Kosovo" else p for p in found]
    linked = link_anaphora(located)
    town = next(p for p in linked if p.surface == "The town")
    assert town.antecedent == located[0].id and town.name == "Mitrovice" and town.lat == 1.0
    assert town.confidence < located[0].confidence


def test_link_anaphora_drops_a_reference_with_nothing_to_point_to():
    text = "The province is calm."
    found = find_places(text, split_sentences(text), Names())
    assert [p.surface for p in found] == ["The province"]
    assert link_anaphora(found) == ()


def test_link_anaphora_capital_needs_a_capital():
    text = "Envoys met in Gao. They left the capital."
    found = find_places(text, split_sentences(text), Names())
    located = [_resolved(p, "city", "Gao", 7) if p.surface == "Gao" else p for p in found]
    assert [p.surface for p in link_anaphora(located, lambda gid: False)] == ["Gao"]
    linked = link_anaphora(located, lambda gid: gid == 7)
    assert [p.antecedent for p in linked] == [None, located[0].id]


def test_places_state_abbreviation_keeps_its_dot():
    assert mentions("A man from Hammond, Ind., and one from Wheeling, W.Va. met in Paris.") == [
        ("Ind.", ""), ("W.Va.", ""), ("Paris", "")]


def test_places_known_county_is_cut_out_of_a_longer_capitalised_run():
    assert mentions("The Boone County Solid Waste District met.") == [("Boone County", "admin1")]
    assert mentions("Three Boone County residents were charged.") == [
        ("Boone County", "admin1")]
    assert mentions("Rebels hold Xyz Abc province.") == [("Xyz Abc province", "admin1")]
