"""Events: triggers and types, status from modality, dates, places, actors, merging repeats."""

from __future__ import annotations

import datetime as dt

from dashboard.extract.dates import find_dates
from dashboard.extract.events import find_events
from dashboard.extract.modality import status_of
from dashboard.records import Actor, Place
from dashboard.text import split_sentences

THURSDAY = dt.date(2007, 12, 6)


def actor(text, id_, name, *surfaces, type_="organization"):
    spans = []
    for surface in surfaces:
        start = text.index(surface)
        spans.append((start, start + len(surface)))
    return Actor(id=id_, name=name, type=type_, mentions=tuple(spans))


def place(text, id_, surface, literal=True, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Place(id=id_, surface=surface, start=start, end=start + len(surface), name=surface,
                 kind="city", lat=50.0, lon=4.0, literal=literal, confidence=0.9)


def events(text, places=(), actors=(), published=THURSDAY):
    return find_events(text, split_sentences(text), places, actors,
                       find_dates(text, published), published)


def test_events_meeting_on_friday_in_brussels_is_planned_with_place_and_date():
    text = "NATO ministers, meeting on Friday in Brussels, seek an agreement."
    (event,) = events(text, [place(text, "p1", "Brussels")], [actor(text, "a1", "NATO", "NATO")])
    assert (event.type, event.status, event.date, event.place, event.actors) == (
        "meeting", "planned", dt.date(2007, 12, 7), "p1", ("a1",))
    assert text[event.start:event.end] in text and event.sentence == text


def test_events_modality_sets_the_status():
    cases = {
        "The US is expected to ask for more troops.": ("request", "expected"),
        "They will also urge all sides to keep calm.": ("request", "planned"),
        "The ministers will support the plan.": ("statement", "planned"),
        "The ministers might decide to stay.": ("decision", "possible"),
        "The ministers are discussing Kosovo tonight.": ("meeting", "ongoing"),
        "The rebels attacked a convoy.": ("clash", "occurred"),
        "The Troika is to submit its report soon.": ("report", "planned"),
    }
    for text, expected in cases.items():
        found = [(e.type, e.status) for e in events(text)]
        assert expected in found, (text, found)


def test_events_prevented_clashes_are_hypothetical():
    text = "Officials promised they would prevent any clashes in Mitrovica."
    clash = next(e for e in events(text, [place(text, "p1", "Mitrovica")]) if e.type == "clash")
    assert (clash.status, clash.place) == ("hypothetical", "p1")


def test_status_of_future_date_makes_a_bare_event_planned():
    assert status_of("", "meet", "", dt.date(2007, 12, 7), THURSDAY) == "planned"
    assert status_of("", "met", "", dt.date(2007, 12, 5), THURSDAY) == "occurred"


def test_events_nouns_need_a_date_or_place_to_count():
    assert events("The ministers read the report and the talks.") == ()
    text = "The Friday meeting will decide."
    assert [e.type for e in events(text)][:1] == ["meeting"]


def test_events_trailing_attribution_is_not_a_statement_event():
    text = "Fighting erupted near the border on Wednesday, officials said."
    assert [e.type for e in events(text)] == ["clash"]


def test_events_non_literal_places_are_never_event_locations():
    text = "Talks between Belgrade and Pristina were held in Vienna on Monday."
    places = [place(text, "p1", "Belgrade", literal=False),
              place(text, "p2", "Pristina", literal=False),
              place(text, "p3", "Vienna")]
    (event,) = events(text, places)
    assert event.type == "meeting" and event.place == "p3"


def test_events_troop_location_is_not_where_a_request_happens():
    text = "Washington will ask not to reduce the troops in Kosovo."
    assert events(text, [place(text, "p1", "Kosovo")])[0].place is None


def test_events_date_of_a_when_clause_is_the_date_it_hangs_on():
    text = "The period after December 10, when the Troika is to submit its report, is uncertain."
    (event,) = events(text, actors=[actor(text, "a1", "Troika", "Troika")])
    assert (event.type, event.date, event.date_qualifier, event.status) == (
        "report", dt.date(2007, 12, 10), "", "planned")


def test_events_a_date_in_a_relative_clause_is_not_the_main_verbs():
    text = "Rebels who seized the town last week said they would disarm."
    said = [e for e in events(text) if e.type == "statement"]
    assert said and said[0].date is None
    text = "The leader, who fled the city on Wednesday, will attend a summit on Saturday."
    (summit,) = [e for e in events(text) if e.type == "meeting"]
    assert summit.date == dt.date(2007, 12, 8)


def test_events_repeats_merge_and_fill_missing_date():
    text = ("On Wednesday, Minister Dragan Sutanovac said that the army was ready. "
            "Sutanovac said that France promised help.")
    sut = actor(text, "a1", "Dragan Sutanovac", "Minister Dragan Sutanovac", type_="person")
    second = text.rindex("Sutanovac said")
    sut = Actor(id="a1", name=sut.name, type="person",
                mentions=sut.mentions + ((second, second + 9),))
    found = events(text, actors=[sut])
    statements = [e for e in found if e.type == "statement"]
    assert len(statements) == 1 and statements[0].date == dt.date(2007, 12, 5)


def test_events_pronoun_subject_takes_the_previous_subject():
    text = "NATO ministers will support the plan. They will also urge restraint."
    found = events(text, actors=[actor(text, "a1", "NATO", "NATO")])
    assert [(e.type, e.actors) for e in found] == [("statement", ("a1",)), ("request", ("a1",))]


def test_status_of_would_in_reported_speech_is_planned_not_hypothetical():
    assert status_of("The mission said on Friday it would", "withdraw", "") == "planned"
    assert status_of(" it would", "withdraw", "", lead="The mission said that") == "planned"
    assert status_of("they would do everything to prevent any", "clashes", "") == "hypothetical"
    assert status_of("He would", "resign", "") == "hypothetical"


def test_events_trigger_scan_of_lowered_text_equals_the_case_blind_one():
    from dashboard.extract.events import _candidates, _candidates_case_blind
    from dashboard.extract.lexicon import lowered

    text = ("NATO SAID it will Support talks. They HELD TALKS, then l'attack came; "
            "rebels attacked o'clock-wise. Troops pulled out and flew to Kyiv for a press "
            "conference.")
    fast = [_candidates(text, lowered(text), s) for s in split_sentences(text)]
    assert fast == [_candidates_case_blind(text, s) for s in split_sentences(text)]
    assert [c[1] for c in fast[0]] == ["statement", "statement", "meeting"]


def test_events_one_per_type_and_clause_not_per_sentence():
    text = ("The garrison pulled out in August, and the last armoured columns rolled north "
            "on Monday.")
    found = [(e.type, text[e.start:e.end]) for e in events(text)]
    assert [t for t, _ in found] == ["deployment", "deployment"], found
    assert "columns" not in found[0][1] and "garrison" not in found[1][1]


def test_events_words_reported_in_a_that_clause_are_one_statement():
    text = "Sutanovac said that French officials had promised him help."
    assert [e.type for e in events(text)] == ["statement"]


def test_events_movement_verbs_are_deployments_only_for_troops():
    assert [e.type for e in events("About 800 marines came ashore at the port.")] == [
        "deployment"]
    assert [e.type for e in events("The ships sailed into the Norwegian Sea.")] == [
        "deployment"]
    assert [e.type for e in events("The Marines who landed in Greece will enter the province.")
            ] == ["deployment"]
    assert [e.type for e in events("The US military flew 45 troops into Juba.")] == [
        "deployment"]
    assert events("The family crossed the border and left the town.") == ()
    assert [e.type for e in events("The minister arrived in Paris.")] == ["visit"]


def test_events_one_force_moving_twice_is_two_deployments():
    text = ("Russian troops left the base. Russian troops crossed the border.")
    russia = Actor(id="a1", name="Russia", type="state",
                   mentions=((0, 7), (text.rindex("Russian"), text.rindex("Russian") + 7)))
    assert [e.type for e in events(text, actors=[russia])] == ["deployment", "deployment"]


def test_events_a_headline_restating_the_body_is_no_event_of_its_own():
    text = ("Rebels seize Bor as fighting spreads\n"
            "Rebels seized the town of Bor on Wednesday after heavy fighting.")
    found = events(text)
    assert [e.type for e in found] == ["clash"] and found[0].start > text.index("\n")
    alone = "Rebels seize Bor\nThe minister met the envoy in Paris."
    assert sorted(e.type for e in events(alone)) == ["clash", "meeting"]


def test_events_new_trigger_words_have_their_types():
    cases = {"Pyongyang blamed the South for the clash.": "statement",
             "Pakistan downed two Indian jets.": "clash",
             "Malian troops retook Konna.": "clash",
             "The general countersigned the document.": "decision",
             "Thousands of residents fled the suburbs.": "other"}
    for text, type_ in cases.items():
        assert type_ in [e.type for e in events(text)], text


def test_events_phrases_of_request_attack_decision_and_other():
    cases = {"The strikes were called in at the request of the Dutch battalion.": "request",
             "Troops arrived at Ecuador's request.": "request",
             "The rebels might launch an offensive there within weeks.": "clash",
             "Kenya closed its border with Somalia.": "decision",
             "Ecuador broke off relations with Bogota.": "decision",
             "The ceasefire took effect at noon.": "other"}
    for text, type_ in cases.items():
        assert type_ in [e.type for e in events(text)], text


def test_events_a_noun_with_a_duration_or_an_agent_is_an_event():
    assert [e.type for e in events("Troops moved in after 78 days of airstrikes.")] == [
        "deployment", "clash"]
    text = "The garrison was on alert, fearing an assault by Mujahideen guerrillas."
    mujahideen = actor(text, "a1", "Mujahideen", "Mujahideen guerrillas", type_="group")
    assert [e.type for e in events(text, actors=[mujahideen])] == ["clash"]
    assert events("The garrison was on alert, fearing an assault.") == ()


def test_events_a_second_predicate_of_moving_troops_is_a_second_deployment():
    text = ("About 200 soldiers left the port of Kismayo on Monday and crossed the border the "
            "day after.")
    assert [e.type for e in events(text)] == ["deployment", "deployment"]
    assert [e.type for e in events("Both sides must pull their troops back.")] == ["deployment"]


def test_events_two_predicates_of_one_subject_each_keep_their_own_clause():
    text = "About 200 soldiers left on Monday and crossed into Dolow, residents said."
    left, crossed = [e for e in events(text, [place(text, "p1", "Dolow")])
                     if e.type == "deployment"]
    assert left.end <= crossed.start < text.index("crossed")
    assert "Monday" in text[left.start:left.end] and "Dolow" in text[crossed.start:crossed.end]
    assert (left.place, left.date) == (None, dt.date(2007, 12, 3))  # not where it went next
    assert (crossed.place, crossed.date) == ("p1", None)  # Monday is the first predicate's
    assert left.mentions == ((left.start, left.end),)


def test_events_statements_keep_what_was_said_past_its_and():
    text = "The minister said the road was open and the convoy left on Monday."
    found = events(text)
    assert [e.type for e in found] == ["statement", "deployment"]
    assert found[0].end >= text.index("Monday")  # what was said runs on past "and"


def test_events_more_requests_decisions_and_taking_control():
    cases = {"Kyiv proposed a neutral status.": "request",
             "Crowds rallied, demanding the departure of the soldiers.": "request",
             "Correa expelled the ambassador.": "decision",
             "Lebanese army units took control of the crossing.": "deployment"}
    for text, type_ in cases.items():
        assert type_ in [e.type for e in events(text)], text
    assert [e.type for e in events("The proposed force is large.")] == []
    assert [e.type for e in events("The government took control of the banks.")] == []


def test_events_a_noun_dated_after_its_place_is_an_event():
    text = "Leaders gathered at an emergency summit in the Nigerian capital on July 30."
    assert [e.type for e in events(text)] == ["meeting"]
    assert events("The summit in the Nigerian capital was a success.") == ()


def test_events_actor_is_the_subject_not_the_object():
    text = "Khartoum rejected the transfer of the mission to the United Nations."
    sudan = actor(text, "a1", "Sudan", "Khartoum", type_="state")
    un = actor(text, "a2", "United Nations", "United Nations")
    (event,) = events(text, actors=[sudan, un])
    assert (event.type, event.actors) == ("decision", ("a1",))


def test_events_actor_of_a_call_is_the_metonymic_capital_not_the_one_called_on():
    text = "Washington will call for NATO to keep its troops in Kosovo under the resolution."
    us = actor(text, "a1", "United States", "Washington", type_="state")
    nato = actor(text, "a2", "NATO", "NATO")
    (event,) = events(text, actors=[us, nato])
    assert (event.type, event.status, event.actors) == ("request", "planned", ("a1",))


def test_events_actor_of_a_relative_clause_is_its_antecedent():
    text = "Britain, which sent 600 paratroopers to Freetown last week, has no plans to stay."
    uk = actor(text, "a1", "United Kingdom", "Britain", type_="state")
    (event,) = events(text, actors=[uk])
    assert (event.type, event.actors) == ("deployment", ("a1",))


def test_events_each_verb_has_its_own_subject():
    text = "Serb forces overran the town on Tuesday while UN peacekeepers withdrew to the base."
    serbs = actor(text, "a1", "Serb forces", "Serb forces", type_="group")
    un = actor(text, "a2", "United Nations", "UN peacekeepers")
    found = {e.type: e.actors for e in events(text, actors=[serbs, un])}
    assert found == {"clash": ("a1",), "deployment": ("a2",)}


def test_events_meeting_partners_and_an_officials_force_are_actors():
    text = ("NATO ministers met with Foreign Minister Sergey Lavrov in Brussels. "
            "General Xavier Martin, the KFOR commander, said the troops would stay in the "
            "town for as long as it takes.")
    nato = actor(text, "a1", "NATO", "NATO ministers")
    lavrov = actor(text, "a2", "Sergey Lavrov", "Foreign Minister Sergey Lavrov", type_="person")
    kfor = actor(text, "a3", "KFOR", "KFOR")
    martin = Actor(id="a4", name="Xavier Martin", type="person", affiliation="KFOR",
                   mentions=((text.index("General"), text.index("General") + 21),))
    found = {e.type: e.actors for e in events(text, actors=[nato, lavrov, kfor, martin])}
    assert found["meeting"] == ("a1", "a2")
    assert found["statement"] == ("a4", "a3")


def test_events_passive_actor_is_the_agent():
    text = "A convoy was attacked by Taliban fighters near Kandahar on Monday."
    taliban = actor(text, "a1", "Taliban", "Taliban", type_="group")
    (event,) = events(text, actors=[taliban])
    assert (event.type, event.actors) == ("clash", ("a1",))


def test_events_request_addressee_is_not_its_actor():
    text = "Human rights groups called on the EU to extend the sanctions."
    eu = actor(text, "a1", "European Union", "EU")
    (event,) = events(text, actors=[eu])
    assert (event.type, event.actors) == ("request", ())


def test_events_pronoun_subject_is_the_person_or_body_last_named():
    text = ("General Gromov crossed the bridge on Monday. He told reporters the war was over. "
            "NATO met in Brussels. It will also urge all sides to keep calm.")
    gromov = actor(text, "a1", "Boris Gromov", "General Gromov", type_="person")
    nato = actor(text, "a2", "NATO", "NATO")
    found = {e.type: e.actors for e in events(text, actors=[gromov, nato])}
    assert found["statement"] == ("a1",) and found["request"] == ("a2",)


def test_events_country_named_as_subject_stands_for_its_state_actor():
    text = "Russian officials spoke. Russia began deploying peacekeepers to the region."
    russia = actor(text, "a1", "Russia", "Russian officials", type_="state")
    russia = Actor(id="a1", name="Russia", type="state", country_code="RU",
                   mentions=russia.mentions)
    start = text.index("Russia began")
    country = Place(id="p1", surface="Russia", start=start, end=start + 6, name="Russia",
                    kind="country", country_code="RU", lat=60.0, lon=90.0, confidence=0.9)
    (event,) = [e for e in events(text, [country], [russia]) if e.type == "deployment"]
    assert event.actors == ("a1",)


def test_events_parties_to_talks_are_actors_even_when_unnamed_bodies():
    text = "Peace talks between the government and the rebels resumed last month in Accra."
    rebels = actor(text, "a1", "rebels", "rebels", type_="group")
    (event,) = events(text, [place(text, "p1", "Accra")], [rebels])
    assert (event.type, event.actors) == ("meeting", ("a1",))


def test_events_possessed_unnamed_body_is_its_owners():
    text = "Warlord Harold Keke refused. Later his fighters raided a village near Marasa."
    keke = actor(text, "a1", "Harold Keke", "Warlord Harold Keke", type_="person")
    fighters = actor(text, "a2", "fighters", "fighters", type_="group")
    (event,) = [e for e in events(text, actors=[keke, fighters]) if e.type == "clash"]
    assert event.actors == ("a1",)


def test_events_request_made_at_someones_request_is_theirs():
    text = "Ugandan troops arrived at the request of Kenya on Monday."
    uganda = Actor(id="a1", name="Uganda", type="state", mentions=((0, 14),))
    kenya = Actor(id="a2", name="Kenya", type="state", mentions=((text.index("Kenya"),
                                                                 text.index("Kenya") + 5),))
    found = find_events(text, split_sentences(text), (), (uganda, kenya), (), None)
    assert [e.actors for e in found if e.type == "request"] == [("a2",)]


def test_events_a_verbs_status_is_read_in_its_own_clause():
    text = "The soldiers drove to the town of Harbel, where they will be based."
    (drove, *_) = events(text, [place(text, "p1", "Harbel")])
    assert (drove.type, drove.status) == ("deployment", "occurred")  # the plan is the clause's
    (sent,) = events("The army sent troops that will be based in Harbel.")
    assert sent.status == "occurred"
