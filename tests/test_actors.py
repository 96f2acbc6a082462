"""Actor mentions and merging, and metonymy (a capital or country standing for its government)."""

from __future__ import annotations

from types import SimpleNamespace

from dashboard.extract.actors import commanded_forces, find_actor_mentions, merge_actors
from dashboard.extract.metonymy import read_metonymy
from dashboard.records import Place
from dashboard.text import split_sentences

COUNTRIES = {"RS": "Serbia", "FR": "France", "RU": "Russia", "BA": "Bosnia and Herzegovina",
             "US": "United States", "XK": "Kosovo", "NL": "Netherlands", "QA": "Qatar",
             "KE": "Kenya", "UA": "Ukraine", "NG": "Nigeria", "TD": "Chad", "KP": "North Korea",
             "ML": "Mali", "BF": "Burkina Faso"}


class Names:
    """A tiny gazetteer: demonyms, country names, a few places, capitals."""

    DEMONYMS = {"serbian": "RS", "serb": "RS", "serbs": "RS", "french": "FR", "russian": "RU",
                "bosnian": "BA", "albanians": "AL", "albanian": "AL", "dutch": "NL",
                "qatari": "QA", "kenyan": "KE", "ukrainian": "UA"}
    PLACES = {"kosovo", "belgrade", "pristina", "washington", "serbia", "france", "paris"}

    def has_name(self, name):
        return name.lower() in self.PLACES

    def demonym(self, word):
        return self.DEMONYMS.get(word.lower())

    def country_code(self, name):
        return {v.lower(): k for k, v in COUNTRIES.items()}.get(name.lower()) or (
            "US" if name in ("US", "U.S.") else None)

    def country(self, code):
        return SimpleNamespace(name=COUNTRIES[code]) if code in COUNTRIES else None

    def is_capital(self, geonameid):
        return geonameid in (1, 2, 3)


def actors_of(text):
    mentions = find_actor_mentions(text, split_sentences(text), Names())
    return merge_actors(mentions)[0]


def test_actors_official_has_role_affiliation_and_a_later_surname_merges():
    text = ("Serbian Defense Minister Dragan Sutanovac visited Paris. "
            "Sutanovac said the talks went well.")
    (person,) = [a for a in actors_of(text) if a.type == "person"]
    assert (person.name, person.role, person.affiliation, person.country_code) == (
        "Dragan Sutanovac", "Defense Minister", "Serbia", "RS")
    assert len(person.mentions) == 2 and "Sutanovac" in person.aliases


def test_actors_lower_case_title_needs_a_full_name():
    text = "He met the Russian minister Sergey Lavrov. The minister Monday left."
    people = [a for a in actors_of(text) if a.type == "person"]
    assert [(p.name, p.affiliation) for p in people] == [("Sergey Lavrov", "Russia")]


def test_actors_organisations_merge_their_members_and_later_references():
    text = "NATO foreign ministers met. The ministers will support the EU and NATO."
    nato = next(a for a in actors_of(text) if a.name == "NATO")
    assert len(nato.mentions) == 3
    assert {"NATO foreign ministers", "The ministers"} <= set(nato.aliases)


def test_actors_organ_of_an_organisation_is_its_own_actor():
    text = "The Contact Group's Troika will report. The UN SC met."
    names = {a.name: a for a in actors_of(text)}
    assert names["Contact Group Troika"].affiliation == "Contact Group"
    assert "UN Security Council" in names


def test_actors_demonym_with_state_noun_is_the_state_and_two_demonyms_a_group():
    text = "French soldiers patrolled while Bosnian Serb forces advanced and the Albanians fled."
    found = {(a.name, a.type, a.country_code) for a in actors_of(text)}
    assert ("France", "state", "FR") in found
    assert ("Bosnian Serb forces", "group", "BA") in found
    assert ("Albanians", "group", "AL") in found


def test_actors_armed_groups_keep_their_modifier():
    found = {a.name for a in actors_of("Fighting between Tuareg rebels and the Taliban went on.")}
    assert {"Tuareg rebels", "Taliban"} <= found


def _place(text, surface, kind, code, geonameid=None, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Place(id=f"p{start}", surface=surface, start=start, end=start + len(surface), kind=kind,
                 country_code=code, lat=1.0, lon=1.0, geonameid=geonameid, name=surface)


def test_metonymy_capital_as_speaker_stands_for_its_state():
    text = "Washington will also call for restraint, while troops stay in Kosovo."
    places = [_place(text, "Washington", "city", "US", 1), _place(text, "Kosovo", "country", "XK")]
    marked, mentions = read_metonymy(text, places, Names())
    assert [p.literal for p in marked] == [False, True]
    assert marked[0].actor == "state:US" and mentions[0].name == "United States"


def test_metonymy_speaker_with_a_relative_clause_before_its_verb():
    text = "Russia, which has a naval base at Tartus, warned against intervention in Kosovo, which"
    text += " has a Serb minority, said nothing."
    places = [_place(text, "Russia", "country", "RU"), _place(text, "Tartus", "city", "SY", 4),
              _place(text, "Kosovo", "country", "XK")]
    marked, _ = read_metonymy(text, places, Names())
    assert [p.literal for p in marked] == [False, True, True]


def test_metonymy_parties_to_talks_are_not_locations():
    text = "The talks between Belgrade and Pristina resumed in Brussels."
    places = [_place(text, "Belgrade", "city", "RS", 2), _place(text, "Pristina", "city", "XK", 3),
              _place(text, "Brussels", "city", "BE", 9)]
    marked, mentions = read_metonymy(text, places, Names())
    assert [p.literal for p in marked] == [False, False, True]
    assert [m.key for m in mentions] == ["state:RS", "state:XK"]


def test_metonymy_needs_a_capital_or_a_country_and_no_locative_preposition():
    text = "Officials in Paris said Mitrovica said nothing."
    places = [_place(text, "Paris", "city", "FR", 1), _place(text, "Mitrovica", "city", "XK", 8)]
    marked, mentions = read_metonymy(text, places, Names())
    assert all(p.literal for p in marked) and mentions == ()


def test_metonymy_merges_with_the_country_as_an_alias():
    text = "The US is expected to ask NATO for help. Washington will insist."
    places = [_place(text, "US", "country", "US"), _place(text, "Washington", "city", "US", 1)]
    _, mentions = read_metonymy(text, places, Names())
    actors, ids = merge_actors(mentions)
    assert len(actors) == 1 and set(actors[0].aliases) >= {"US", "Washington"}
    assert ids["state:US"] == actors[0].id


def test_actors_organisation_spokesman_with_a_name_is_a_person_of_that_organisation():
    text = "NATO spokesman James Appathurai said the alliance would stay. NATO ministers met."
    found = {a.name: a for a in actors_of(text)}
    assert found["James Appathurai"].type == "person"
    assert found["James Appathurai"].role.lower() == "spokesman"
    assert "NATO ministers" in found["NATO"].aliases


def test_whole_words_finds_what_the_alternation_of_the_words_finds():
    import re

    from dashboard.extract.actors import _whole_words

    text = "Li Lin met Lin-Su, xLi, Li_ and Lin. Li's aide; Li-li. Lin"
    words = ("Li", "Lin", "Lin-Su", "L")
    alternation = "|".join(re.escape(w[0]) + r"(?<![\w-].)" + re.escape(w[1:]) for w in words)
    pattern = re.compile(rf"({alternation})(?![\w-])")
    for start in (0, 3):
        expected = [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text, start)]
        assert _whole_words(text, start, words) == expected
    assert [w for _, _, w in expected] == ["Lin", "Lin-Su", "Lin", "Li", "Lin"]


def test_actors_demonym_before_a_troop_noun_names_the_state():
    text = ("About 800 Dutch marines landed. Then 600 Qatari special forces followed. "
            "Kenyan police officers arrived.")
    states = {a.country_code: a for a in actors_of(text) if a.type == "state"}
    assert set(states) == {"NL", "QA", "KE"}
    assert "Qatari special forces" in states["QA"].aliases
    # Kenya's police: the state is the actor, the service stays in the mention (and the unit)
    assert states["KE"].name == "Kenya" and "Kenyan police officers" in states["KE"].aliases


def test_actors_coordinated_demonyms_name_both_states():
    text = "Ukrainian and Russian negotiators met on Tuesday."
    assert {a.country_code for a in actors_of(text) if a.type == "state"} == {"UA", "RU"}


def test_actors_troops_from_countries_name_each_state():
    text = "About 1,000 soldiers from Nigeria, Chad and France have arrived."
    assert [a.name for a in actors_of(text)] == ["Nigeria", "Chad", "France"]


def test_actors_sentence_opening_armed_noun_is_a_group():
    (group,) = actors_of("Insurgents fought back with mortars.")
    assert (group.name, group.type) == ("insurgents", "group")


def test_actors_commander_belongs_to_his_force():
    text = ("The commander of the French contingent, Colonel Jean Dupont, said his men were "
            "ready. NATO commander General Xavier Martin said the mission goes on.")
    found = actors_of(text)
    people = {a.name: a for a in found if a.type == "person"}
    assert people["Jean Dupont"].affiliation == "France"
    assert people["Xavier Martin"].affiliation == "NATO"
    forces = commanded_forces(found)
    by_name = {a.name: a.id for a in found}
    assert forces[by_name["Jean Dupont"]] == (by_name["France"],)
    assert forces[by_name["Xavier Martin"]] == (by_name["NATO"],)


def test_actors_lexicon_name_ending_a_longer_name_is_not_that_organisation():
    text = "The African Union's Peace and Security Council met. The EU and NATO agreed."
    names = {a.name for a in actors_of(text)}
    assert "UN Security Council" not in names and {"European Union", "NATO"} <= names


def test_actors_unnamed_bodies_of_people_are_groups():
    text = "Analysts said the truce would hold. Hundreds of armed youths stormed a base."
    groups = {a.name for a in actors_of(text) if a.type == "group"}
    assert {"analysts", "armed youths"} <= groups
    # a demonym or an organisation keeps its own people
    assert all(a.type == "state" for a in actors_of("Serbian officials said it would hold."))


def test_actors_leader_of_a_force_and_rebel_units():
    text = "A French-led force landed. Rebel units were reported near the town."
    found = actors_of(text)
    assert {(a.name, a.type) for a in found} == {("France", "state"), ("rebels", "group")}


def test_actors_people_of_a_named_body_are_not_a_collective():
    found = actors_of("The residents said French Defense Ministry officials had promised help.")
    assert "residents" in {a.name for a in found}
    assert "officials" not in {a.name for a in found}


def test_actors_initials_are_part_of_a_name():
    (person,) = actors_of("President B.J. Habibie said the vote would be held.")
    assert (person.name, person.role) == ("B.J. Habibie", "President")


def test_actors_the_bloc_and_the_ministry_refer_back():
    text = ("NATO ministers met. The French Defence Ministry spoke. The bloc agreed and the "
            "ministry said so.")
    found = {a.name: a for a in actors_of(text)}
    assert "The bloc" in found["NATO"].aliases
    assert "the ministry" in found["French Defence Ministry"].aliases


def test_actors_country_named_as_a_subject_is_a_state():
    text = ("North Korea shelled an island. Mali and Burkina Faso have said they would help. "
            "Bosnia and Herzegovina sent 50 soldiers. Troops in France waited.")
    states = [a.name for a in actors_of(text) if a.type == "state"]
    assert states == ["North Korea", "Mali", "Burkina Faso", "Bosnia and Herzegovina"]


def test_actors_his_country_is_the_state_of_the_person_last_named():
    text = "Kenya's President Uhuru Kenyatta said his country would send 1,000 police officers."
    found = {a.name: a for a in actors_of(text)}
    assert found["Uhuru Kenyatta"].affiliation == "Kenya"
    assert "his country" in found["Kenya"].aliases


def test_actors_bare_rebels_are_the_armed_group_last_named():
    text = ("The Taliban attacked a checkpoint. Later the rebels withdrew. Rebel units regrouped.")
    found = actors_of(text)
    assert [a.name for a in found] == ["Taliban"]
    assert len(found[0].mentions) == 3
    assert [a.name for a in actors_of("The rebels withdrew.")] == ["rebels"]


def test_actors_the_troops_refer_back_to_the_last_named_troops():
    text = "French troops entered Gao. The troops met no resistance."
    (france,) = actors_of(text)
    assert france.name == "France" and "The troops" in france.aliases


def test_actors_country_subjects_need_a_list_of_countries_in_subject_position():
    text = ("Brown and Chad shot a clerk. Refugees came from Mali, the Ukraine and France, who "
            "said so. The TV said it. St. Mali sank.")
    assert [a for a in actors_of(text) if a.type == "state"] == []
