"""Deployments: strength (digits or words, with qualifier), place, status, owner; repeats merged."""

from __future__ import annotations

import datetime as dt

from dashboard.extract.dates import find_dates
from dashboard.extract.deployments import find_deployments
from dashboard.extract.numbers import find_numbers, parse_number
from dashboard.records import Actor, Place
from dashboard.text import split_sentences

DAY = dt.date(2007, 12, 6)


def place(text, id_, surface, kind="country", nth=0, lat=42.6):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Place(id=id_, surface=surface, start=start, end=start + len(surface), name=surface,
                 kind=kind, lat=lat, lon=20.9, confidence=0.9)


def actor(text, id_, name, *surfaces, type_="state"):
    spans = []
    for surface in surfaces:
        start = text.index(surface)
        spans.append((start, start + len(surface)))
    return Actor(id=id_, name=name, type=type_, mentions=tuple(spans))


def deployments(text, places=(), actors=()):
    return find_deployments(text, split_sentences(text), places, actors, find_dates(text, DAY), DAY)


def test_numbers_parse_digits_and_words():
    assert [parse_number(w) for w in ("3,000", "four", "two thousand", "a dozen", "1.5 million",
                                      "twenty-five", "one hundred and twenty")] == [
        3000, 4, 2000, 12, 1_500_000, 25, 120]
    found = find_numbers("Srebrenica as 400 men and a thousand more")
    assert [v for _, _, v in found] == [400, 1000]


def test_deployments_strength_comes_from_soldiers_not_battalions_and_is_proposed():
    text = ("NATO keeps troops in Kosovo. Possible reinforcements of troops - which might account "
            "to up to four batallions with more than 3,000 soldiers - will be discussed.")
    found = deployments(text, [place(text, "p1", "Kosovo")], [actor(text, "a1", "NATO", "NATO")])
    stationed, extra = found
    assert (stationed.place, stationed.status, stationed.actor) == ("p1", "stationed", "a1")
    assert (extra.strength, extra.strength_qualifier, extra.status) == (
        3000, "more than", "proposed")
    assert extra.strength_text == "up to four batallions with more than 3,000 soldiers"
    assert extra.place == "p1"  # reinforcements go where the troops already are


def test_deployments_negated_cut_keeps_troops_stationed():
    text = "The US asked NATO not to reduce the number of troops in Kosovo."
    (dep,) = deployments(text, [place(text, "p1", "Kosovo")])
    assert dep.status == "stationed"


def test_deployments_contingent_and_its_soldiers_merge_with_the_richer_unit_name():
    text = ("KFOR's French contingent was ready to react. The French soldiers are stationed in the "
            "divided town Kosovska Mitrovica.")
    france = actor(text, "a1", "France", "French contingent", "French soldiers")
    france = Actor(id="a1", name="France", type="state", mentions=(
        (text.index("French contingent"), text.index("French contingent") + 17),
        (text.index("French soldiers"), text.index("French soldiers") + 15)))
    (dep,) = deployments(text, [place(text, "p1", "Kosovska Mitrovica", kind="city")], [france])
    assert (dep.unit, dep.actor, dep.place, dep.status) == (
        "KFOR's French contingent", "a1", "p1", "stationed")


def test_deployments_two_head_counts_are_two_deployments_and_share_the_place():
    text = ("About 10,000 US troops and 2,000 Iraqi soldiers moved into the northern districts "
            "of Fallujah.")
    found = deployments(text, [place(text, "p1", "Fallujah", kind="city")])
    assert [(d.strength, d.strength_qualifier, d.place, d.status) for d in found] == [
        (10000, "about", "p1", "deployed"), (2000, "", "p1", "deployed")]


def test_deployments_casualties_are_not_deployments():
    assert deployments("Two Marines were killed, killing four policemen in Kabul.") == ()


def test_deployments_status_words():
    cases = {
        "Britain will send 500 paratroopers to Poland.": "planned",
        "France withdrew 300 soldiers from Mali.": "withdrawal",
        "The UN could authorize a force of up to 20,000 peacekeepers for Darfur.": "proposed",
        "1,000 soldiers have arrived in Bamako.": "deployed",
        "About 37,000 American troops are stationed in South Korea.": "stationed",
    }
    for text, status in cases.items():
        name = next(n for n in ("Poland", "Mali", "Darfur", "Bamako", "South Korea") if n in text)
        found = deployments(text, [place(text, "p1", name)])
        assert [d.status for d in found] == [status], text


def test_deployments_spans_and_sentences_are_provenance():
    text = "Quiet day. About 400 Dutch peacekeepers are stationed in Srebrenica."
    (dep,) = deployments(text, [place(text, "p1", "Srebrenica", kind="city")])
    assert text[dep.start:dep.end].startswith("About 400 Dutch peacekeepers")
    assert dep.sentence == "About 400 Dutch peacekeepers are stationed in Srebrenica."


def test_deployments_merged_repeat_keeps_the_sentence_that_places_the_troops():
    text = ("Officials said the Dutch battalion was ready to act.\n"
            "The Dutch soldiers are stationed in Tuzla.\n")
    tuzla = place(text, "p1", "Tuzla", kind="city")
    spans = tuple((m, m + 5) for m in (text.index("Dutch"), text.rindex("Dutch")))
    dutch = Actor(id="a1", name="Netherlands", type="state", mentions=spans)
    (found,) = deployments(text, [tuzla], [dutch])
    assert found.place == "p1"
    assert found.sentence == "The Dutch soldiers are stationed in Tuzla."
    assert text[found.start:found.end] in found.sentence


def test_troop_noun_finds_what_the_plain_alternation_finds():
    import re

    from dashboard.extract.deployments import _PEOPLE, _TROOP_NOUN, _UNITS

    plain = re.compile(rf"\b(?:{_PEOPLE}|{_UNITS})\b", re.I)
    for text in ("Troops, xtroops, battle  groups, Battlegroup and police\tofficers; policemen "
                 "servicemembers UNITS unit-s men-at-arms task force corpsmen",
                 "the \u017foldiers and \u212aorps units"):  # odd case: the case-blind path
        assert [m.span() for m in _TROOP_NOUN.finditer(text)] == [
            m.span() for m in plain.finditer(text)]


def test_deployments_actor_of_a_relative_clause_is_its_antecedent():
    text = "Britain, which sent 600 paratroopers to Freetown, said it would keep them there."
    uk = actor(text, "a1", "United Kingdom", "Britain")
    (dep,) = deployments(text, [place(text, "p1", "Freetown", kind="city")], [uk])
    assert (dep.actor, dep.strength, dep.status) == ("a1", 600, "deployed")


def test_deployments_actor_from_the_origin_after_the_troops():
    text = "A week ago the UN said about 1,000 soldiers from Chad have arrived in Bamako."
    un = actor(text, "a1", "United Nations", "UN", type_="organization")
    chad = actor(text, "a2", "Chad", "Chad")
    (dep,) = deployments(text, [place(text, "p1", "Bamako", kind="city")], [un, chad])
    assert (dep.actor, dep.status) == ("a2", "deployed")


def test_deployments_speaker_does_not_own_the_troops_he_speaks_of():
    text = "President Omar al-Bashir said foreign troops would not be allowed in Darfur."
    bashir = Actor(id="a1", name="Omar al-Bashir", type="person", affiliation="Sudan",
                   mentions=((0, 24),))
    sudan = Actor(id="a2", name="Sudan", type="state", mentions=())
    (dep,) = deployments(text, [place(text, "p1", "Darfur")], [bashir, sudan])
    assert dep.actor is None


def test_deployments_unowned_troops_belong_to_the_troops_just_reported():
    text = ("France sent 2,000 soldiers to Mali on Friday. Some 500 marines were flown into "
            "Gao overnight.")
    france = actor(text, "a1", "France", "France")
    found = deployments(text, [place(text, "p1", "Mali"), place(text, "p2", "Gao", lat=16.3)],
                        [france])
    assert [(d.actor, d.strength, d.status) for d in found] == [
        ("a1", 2000, "deployed"), ("a1", 500, "deployed")]


def test_deployments_two_bodies_of_troops_keep_their_own_spans_and_owners():
    text = "About 10,000 US troops and 2,000 Iraqi soldiers moved into Fallujah."
    us = actor(text, "a1", "United States", "US troops")
    iraq = actor(text, "a2", "Iraq", "Iraqi soldiers")
    first, second = deployments(text, [place(text, "p1", "Fallujah", kind="city")], [us, iraq])
    assert text[first.start:first.end] == "About 10,000 US troops"
    assert (first.actor, second.actor, second.strength) == ("a1", "a2", 2000)


def test_deployments_definite_troops_are_the_ones_last_reported():
    text = ("Britain sent 600 paratroopers to Freetown. Officials in London spoke on Monday. "
            "UN officials said the weather was bad. The troops secured the airport at Lungi.")
    uk = actor(text, "a1", "United Kingdom", "Britain")
    un = actor(text, "a2", "United Nations", "UN", type_="organization")
    places = [place(text, "p1", "Freetown", kind="city"), place(text, "p2", "Lungi", lat=8.6)]
    found = deployments(text, places, [uk, un])
    assert [(d.actor, d.place) for d in found] == [("a1", "p1"), ("a1", "p2")]


def test_deployments_possessive_troops_belong_to_the_subject():
    text = "Ethiopia began withdrawing some of its 4,000 soldiers from Somalia last month."
    ethiopia = actor(text, "a1", "Ethiopia", "Ethiopia")
    (dep,) = deployments(text, [place(text, "p1", "Somalia")], [ethiopia])
    assert (dep.actor, dep.strength, dep.status) == ("a1", 4000, "withdrawal")


def test_deployments_guessed_owners_do_not_fold_head_counts_together():
    text = ("Germany plans to send 500 soldiers. "
            "Officials said the soldiers would begin collecting arms near Tetovo.")
    germany = actor(text, "a1", "Germany", "Germany")
    found = deployments(text, [place(text, "p1", "Tetovo", kind="city")], [germany])
    assert [(d.actor, d.strength, d.place) for d in found] == [
        ("a1", 500, None), ("a1", None, "p1")]


def test_deployments_the_remaining_troops_are_the_ones_reported():
    text = ("Russia withdrew 5,000 soldiers from Latvia in May. Voters went to the polls. "
            "Turnout was high. By then, Latvia said, the remaining 2,000 troops had left Riga.")
    russia = actor(text, "a1", "Russia", "Russia")
    latvia = actor(text, "a2", "Latvia", "Latvia said")
    found = deployments(text, [place(text, "p1", "Latvia"), place(text, "p2", "Riga", lat=56.9)],
                        [russia, latvia])
    assert [(d.actor, d.strength) for d in found] == [("a1", 5000), ("a1", 2000)]


def test_deployments_a_government_body_s_troops_are_its_state_s():
    text = "The United States has bases there. The Pentagon said 3,000 troops would go to Poland."
    us = actor(text, "a1", "United States", "United States")
    pentagon = Actor(id="a2", name="Pentagon", type="organization", affiliation="United States",
                     mentions=((text.index("Pentagon"), text.index("Pentagon") + 8),))
    kfor = Actor(id="a3", name="KFOR", type="organization", affiliation="NATO")
    (dep,) = deployments(text, [place(text, "p1", "Poland")], [us, pentagon, kfor])
    assert (dep.actor, dep.strength, dep.status) == ("a1", 3000, "planned")
    text = "KFOR said 3,000 troops would stay in Kosovo."
    kfor = actor(text, "a3", "KFOR", "KFOR", type_="organization")
    kfor = Actor(id="a3", name="KFOR", type="organization", affiliation="NATO",
                 mentions=kfor.mentions)
    nato = Actor(id="a4", name="NATO", type="organization")
    (dep,) = deployments(text, [place(text, "p1", "Kosovo")], [kfor, nato])
    assert dep.actor == "a3"  # a force stays itself
