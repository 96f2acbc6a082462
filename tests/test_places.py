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
             "pike county"}
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


def test_places_demonyms_are_demonym_mentions_and_acronym_countries_places():
    assert mentions("Serbian officials met US envoys.") == [("Serbian", "demonym"), ("US", "")]


def test_places_word_after_a_given_name_initial_or_title_is_a_person():
    text = "Paris met Andrew Paris, Mary J. Paris and Sen. Paris."
    # only the first, and as a surname of the article: a place only as a country or province
    assert mentions(text) == [("Paris", "?name")]


def test_places_surname_of_the_article_is_only_weak_evidence():
    text = "Andrew Gao spoke. Later Gao left and troops moved in Paris. Kabul fell."
    assert mentions(text) == [("Gao", "?name"), ("Paris", ""), ("Kabul", "?")]


def test_places_contractions_pronouns_and_name_heads_are_not_places():
    text = "We're sure she saw the Paris Road and Kabul University near Gao."
    assert mentions(text) == [("Gao", "")]


def test_places_given_name_before_a_capitalised_word_and_speakers_are_people():
    assert mentions("Troops met Jordan Michael. Talks went on as Paris said.") == [
        ("Paris", "?")]


def test_places_word_the_article_writes_in_lower_case_or_that_owns_a_name_is_weak():
    text = "We hope so. Troops met at Police HQ in Gao, near Paris's Louvre and Kabul."
    assert mentions(text) == [("Gao", ""), ("Paris", "?"), ("Kabul", "")]
    assert mentions("Aid came to Helmand. The helmand crop failed.") == [("Helmand", "?")]


def test_places_dateline_town_in_capitals_is_a_town():
    assert mentions("GAO — The council met.\nKABUL, March 3 (Reuters) - Talks began.") == [
        ("GAO", "city"), ("KABUL", "city")]


def test_places_firm_partners_and_an_administration_are_not_places():
    text = "He hired Smith & Gao, met the Paris administration and flew to Kabul."
    assert mentions(text) == [("Gao", "?"), ("Paris", "?"), ("Kabul", "")]


def test_places_saint_and_mount_abbreviations_join_the_name():
    Names.NAMES.add("st kabul")
    try:
        assert mentions("He moved to St. Kabul.") == [("St. Kabul", "")]
    finally:
        Names.NAMES.discard("st kabul")


def test_places_demonym_in_an_organisation_or_after_a_name_is_not_a_mention():
    text = "The Serbian Police said Native Serbian people and French officials met."
    assert mentions(text) == [("French", "demonym")]


def test_places_demonym_that_is_an_actor_group_still_names_its_country():
    text = "Two Serbian were hurt."
    start = text.index("Serbian")
    assert mentions(text, [(start, start + 7)]) == [("Serbian", "demonym")]


def test_places_name_inside_an_organisation_is_an_embedded_mention():
    text = "Officers of the Paris Police Department and the Kabul Bar Association met."
    assert mentions(text) == [("Paris", "embedded"), ("Kabul", "embedded")]


def test_places_county_and_river_cues_keep_the_noun():
    text = "Deputies in Helmand County found it in the Xyzzy River, not at Gao High School."
    assert mentions(text) == [("Helmand County", "admin2"), ("Xyzzy River", "water")]


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


def test_link_anaphora_the_country_is_where_the_story_is_not_a_headline_demonym():
    s1, s2 = "US Marines attack Fallujah.", "Iraqi Prime Minister Allawi ruled the country."
    def at(surface, sentence, kind, code, literal=True, n=0):
        return Place(id=f"p{n}", surface=surface, start=n, end=n + 1, sentence=sentence,
                     name=surface, kind=kind, country_code=code, lat=1.0, lon=1.0,
                     geonameid=n + 1, literal=literal, confidence=0.9)
    places = [at("US", s1, "country", "US", n=0), at("Fallujah", s1, "city", "IQ", n=1),
              at("Iraqi", s2, "country", "IQ", literal=False, n=2),
              at("the country", s2, "anaphor:country", "", n=3)]
    linked = link_anaphora(places)
    assert linked[-1].antecedent == "p2" and linked[-1].country_code == "IQ"
    owned = [at("US", s1, "country", "US", n=0),
             at("French", "French soldiers stay in the country.", "country", "FR", False, 1),
             at("the country", "French soldiers stay in the country.", "anaphor:country", "", n=2)]
    assert link_anaphora(owned)[-1].country_code == "US"  # whose troops is not where they are


def test_link_anaphora_capital_needs_a_capital():
    text = "Envoys met in Gao. They left the capital."
    found = find_places(text, split_sentences(text), Names())
    located = [_resolved(p, "city", "Gao", 7) if p.surface == "Gao" else p for p in found]
    assert [p.surface for p in link_anaphora(located, lambda gid: False)] == ["Gao"]
    linked = link_anaphora(located, lambda gid: gid == 7)
    assert [p.antecedent for p in linked] == [None, located[0].id]


def test_places_state_abbreviation_keeps_its_dot():
    # Unknown towns before ", State" are read as towns (kept unresolved by resolution).
    assert mentions("A man from Hammond, Ind., and one from Wheeling, W.Va. met in Paris.") == [
        ("Hammond", "city"), ("Ind.", ""), ("Wheeling", "city"), ("W.Va.", ""), ("Paris", "")]


def test_places_unknown_name_after_near_or_around_is_kept_as_a_town():
    text = "Fighting around Xyzzy on Monday and near the Qwerty Mountains, not in Congress."
    assert mentions(text) == [("Xyzzy", "city"), ("Qwerty Mountains", "region")]


def test_places_known_county_is_cut_out_of_a_longer_capitalised_run():
    assert mentions("The Pike County Water District met.") == [("Pike County", "admin2")]
    assert mentions("Three Pike County residents were charged.") == [
        ("Pike County", "admin2")]
    assert mentions("Rebels hold Xyz Abc province.") == [("Xyz Abc province", "admin1")]
