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


def test_deployments_forces_militias_and_placed_warships_count():
    text = "Russian forces crossed into Georgia. Three warships are in the Gulf of Oman."
    places = [place(text, "p1", "Georgia"), place(text, "p2", "Gulf of Oman", lat=25.0)]
    found = deployments(text, places, [actor(text, "a1", "Russia", "Russian")])
    assert [(d.unit, d.place) for d in found] == [("Russian forces", "p1"),
                                                  ("Three warships", "p2")]


def test_deployments_hardware_alone_is_no_deployment():
    text = "Algeria opened its airspace to French aircraft."
    assert deployments(text, (), [actor(text, "a1", "France", "French")]) == ()


def test_deployments_a_headline_restating_the_body_is_not_its_evidence():
    text = ("Nigerian peacekeepers fly into Liberia\n"
            "The first 200 Nigerian peacekeepers flew into Liberia on Monday.")
    found = deployments(text, [place(text, "p1", "Liberia"), place(text, "p2", "Liberia", nth=1)])
    assert len(found) == 1 and found[0].start > text.index("\n") and found[0].strength == 200


def test_deployments_listed_owners_are_one_body_of_troops_each():
    text = ("French, Italian and Greek contingents will follow, and a long column of German "
            "and Italian armor waited near Kumanovo.")
    found = deployments(text, [place(text, "p1", "Kumanovo", kind="city")])
    assert [d.unit for d in found] == ["French contingents", "Italian contingents",
                                       "Greek contingents", "German armor", "Italian armor"]
    text = "Nigeria, Ghana and Malawi have promised troops. Troops from Fiji and Tonga landed."
    ghana = actor(text, "a1", "Ghana", "Ghana")
    found = deployments(text, (), [ghana])
    assert [(d.unit, d.actor) for d in found] == [
        ("Nigeria troops", None), ("Ghana troops", "a1"), ("Malawi troops", None),
        ("Fiji troops", None), ("Tonga troops", None)]


def test_deployments_a_shared_head_count_makes_one_body():
    text = "Some 2,500 Australian and British troops flew into Dili."
    found = deployments(text, [place(text, "p1", "Dili", kind="city")])
    assert [(d.strength, d.place) for d in found] == [(2500, "p1")]


def test_deployments_troops_beside_other_troops_are_another_body():
    text = ("Ivory Coast would contribute a battalion of about 1,000 soldiers, alongside troops "
            "from Nigeria and Benin.")
    found = deployments(text, (), [actor(text, "a1", "Ivory Coast", "Ivory Coast")])
    assert [(d.strength, d.unit) for d in found] == [
        (1000, "battalion"), (None, "Nigeria troops"), (None, "Benin troops")]


def test_deployments_a_force_and_its_size():
    text = ("A NATO-led force of about 50,000 is to police Kosovo. "
            "Britain will use force if needed.")
    found = deployments(text, [place(text, "p1", "Kosovo")], [actor(text, "a1", "NATO", "NATO")])
    assert [(d.strength, d.strength_qualifier, d.place) for d in found] == [
        (50000, "about", "p1")]


def test_deployments_troops_named_by_a_demonym_are_owned_without_a_known_actor():
    assert [d.unit for d in deployments("Malian troops retook the town.")] == ["Malian troops"]
    assert deployments("Some troops retook the town.") == ()


def test_deployments_strength_across_an_abbreviated_owner():
    text = "About 2,000 U.S. Marines landed at Thessaloniki."
    found = deployments(text, [place(text, "p1", "Thessaloniki", kind="city")])
    assert [(d.strength, d.strength_qualifier) for d in found] == [(2000, "about")]


def test_deployments_troops_sent_need_no_name_count_or_place():
    assert [d.unit for d in deployments("Moscow has sent minesweepers to escort them.")] == [
        "minesweepers"]
    assert deployments("The minesweepers were old.") == ()


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
    assert [text[s:e] for s, e in first.mentions] == ["About 10,000 US troops"]
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


def test_deployments_gapped_clause_is_a_second_body_with_its_own_count():
    text = "Sweden sent 2,200 soldiers and Finland about 500."
    sweden, finland = actor(text, "a1", "Sweden", "Sweden"), actor(text, "a2", "Finland", "Finland")
    found = deployments(text, (), [sweden, finland])
    assert [(d.actor, d.strength, d.status) for d in found] == [
        ("a1", 2200, "deployed"), ("a2", 500, "deployed")]


def test_deployments_gapped_list_takes_the_count_each():
    text = ("Nations will send 3,300 troops: Nigeria has pledged 600, and Ghana and Chad about "
            "500 each.")
    owners = [actor(text, f"a{i}", name, name) for i, name in
              enumerate(("Nigeria", "Ghana", "Chad"), 1)]
    found = deployments(text, (), owners)
    assert [(d.actor, d.strength) for d in found[1:]] == [("a1", 600), ("a2", 500), ("a3", 500)]


def test_deployments_gapped_clause_needs_a_named_owner():
    text = "Sweden sent 2,200 soldiers to the north, and Tromso 500 vehicles."
    found = deployments(text, (), [actor(text, "a1", "Sweden", "Sweden")])
    assert [d.strength for d in found] == [2200]


def test_deployments_head_count_restating_units_is_their_strength():
    text = "India has moved two brigades, about 10,000 men, into Kargil."
    (dep,) = deployments(text, [place(text, "p1", "Kargil", kind="city")],
                         [actor(text, "a1", "India", "India")])
    assert (dep.strength, dep.actor, text[dep.start:dep.start + 12]) == (10000, "a1", "two brigades")


def test_deployments_crew_after_ships_is_their_strength():
    text = "The US will send the carrier USS Truman, with some 6,000 sailors aboard, to the Gulf."
    (dep,) = deployments(text, [], [actor(text, "a1", "United States", "US")])
    assert (dep.strength, dep.strength_qualifier, dep.status) == (6000, "some", "planned")


def test_deployments_force_raised_to_a_head_count_is_one_body():
    text = "France will raise its force in Mali to 2,500 soldiers."
    (dep,) = deployments(text, [place(text, "p1", "Mali")], [actor(text, "a1", "France", "France")])
    assert (dep.strength, dep.place) == (2500, "p1")


def test_deployments_relative_clause_troops_are_another_body():
    text = "Seoul ordered more troops to the island, where about 1,000 marines are garrisoned."
    found = deployments(text, [place(text, "p1", "island", kind="city")])
    assert [d.strength for d in found][-1] == 1000 and found[0].strength is None


def test_troop_event_actors_give_an_unowned_deployment_event_the_troops_owner():
    from dashboard.extract.deployments import troop_event_actors
    from dashboard.records import Event

    text = "Soviet troops were in Kandahar. The garrison in Kandahar pulled out in August."
    soviet = actor(text, "a1", "Soviet Union", "Soviet troops")
    kandahar = [place(text, "p1", "Kandahar", kind="city"),
                place(text, "p2", "Kandahar", kind="city", nth=1)]
    found = deployments(text, kandahar, [soviet])
    at = text.index("The garrison")
    moved = Event(id="e1", type="deployment", summary="", start=at, end=len(text))
    said = Event(id="e2", type="statement", summary="", start=at, end=len(text))
    assert [e.actors for e in troop_event_actors((moved, said), found)] == [("a1",), ()]


def test_deployments_troops_each_to_a_list_of_places_are_one_body_per_place():
    text = "NATO deployed four battlegroups of 1,000 soldiers each to Romania, Bulgaria and Hungary."
    places = [place(text, f"p{i}", name, lat=40.0 + i) for i, name in
              enumerate(("Romania", "Bulgaria", "Hungary"), 1)]
    found = deployments(text, places, [actor(text, "a1", "NATO", "NATO", type_="organization")])
    assert [(d.place, d.strength, d.actor) for d in found] == [
        ("p1", 1000, "a1"), ("p2", 1000, "a1"), ("p3", 1000, "a1")]


def test_deployments_troops_to_a_list_without_each_stay_one_body():
    text = "NATO deployed 4,000 soldiers to Romania and Bulgaria."
    places = [place(text, "p1", "Romania"), place(text, "p2", "Bulgaria", lat=43.0)]
    assert len(deployments(text, places)) == 1


def test_deployments_the_rest_is_a_body_of_its_own_with_the_troops_owner():
    text = "Uganda has pledged 1,600 troops, and the rest are expected to arrive next week."
    found = deployments(text, [], [actor(text, "a1", "Uganda", "Uganda")])
    assert [(d.unit, d.actor, d.status) for d in found] == [
        ("1,600 troops", "a1", "planned"), ("troops", "a1", "planned")]
    assert text[found[1].start:found[1].end].startswith("the rest")


def test_deployments_counted_part_of_them_takes_its_count_place_and_verb():
    text = ("Indonesian soldiers are to withdraw over the coming weeks. "
            "About 1,000 of them left by ship from Dili on Tuesday.")
    found = deployments(text, [place(text, "p1", "Dili", kind="city")],
                        [actor(text, "a1", "Indonesia", "Indonesian")])
    part = found[-1]
    assert (part.strength, part.strength_qualifier, part.actor, part.place, part.status) == (
        1000, "about", "a1", "p1", "withdrawal")


def test_deployments_part_as_object_moved_to_a_new_place():
    text = ("The United States, which has about 1,100 troops in Niger, has moved some of them "
            "to Agadez.")
    found = deployments(text, [place(text, "p1", "Niger"), place(text, "p2", "Agadez",
                                                                  kind="city", lat=17.0)],
                        [actor(text, "a1", "United States", "United States")])
    assert [(d.strength, d.place, d.status) for d in found] == [
        (1100, "p1", "stationed"), (None, "p2", "deployed")]


def test_deployments_aside_on_the_troops_is_no_part():
    text = "About 37,000 American troops are stationed in Korea, most of them near the border."
    found = deployments(text, [place(text, "p1", "Korea")],
                        [actor(text, "a1", "United States", "American")])
    assert len(found) == 1


def test_deployments_others_without_troops_before_are_no_part():
    text = "The talks ended on Monday. Others left for Geneva the day before."
    assert deployments(text, [place(text, "p1", "Geneva", kind="city")]) == ()


def test_deployments_counted_and_uncounted_troops_of_two_owners_stay_apart():
    text = ("The US flew 45 troops into Juba on Friday. "
            "Uganda had sent special forces to Juba on Thursday.")
    juba = [place(text, "p1", "Juba", kind="city"), place(text, "p2", "Juba", kind="city", nth=1)]
    found = deployments(text, juba, [actor(text, "a1", "United States", "US"),
                                     actor(text, "a2", "Uganda", "Uganda")])
    assert [(d.actor, d.strength) for d in found] == [("a1", 45), ("a2", None)]


def test_deployments_uncounted_troops_in_a_list_of_places_are_one_body_per_place():
    text = "Talks were held with the AU troops in El Fasher and Nyala."
    places = [place(text, "p1", "El Fasher", kind="city"),
              place(text, "p2", "Nyala", kind="city", lat=12.0)]
    found = deployments(text, places, [actor(text, "a1", "African Union", "AU",
                                             type_="organization")])
    assert [(d.place, d.actor) for d in found] == [("p1", "a1"), ("p2", "a1")]


def test_deployments_next_move_to_another_place_is_a_body_of_its_own():
    text = "About 800 US servicemen remain at Karshi and will be flown to Manas by November."
    found = deployments(text, [place(text, "p1", "Karshi", kind="city"),
                               place(text, "p2", "Manas", kind="city", lat=43.0)],
                        [actor(text, "a1", "United States", "US")])
    assert [(d.place, d.status, d.strength) for d in found] == [
        ("p1", "stationed", 800), ("p2", "planned", 800)]
    assert text[found[-1].start:found[-1].end] == "will be flown to Manas"


def test_deployments_and_a_noun_after_the_place_is_no_next_move():
    text = ("Armored units left bases in Caracas and bases around Valencia on Monday, heading for "
            "Tachira.")
    places = [place(text, f"p{i}", n, kind="city", lat=8.0 + i)
              for i, n in enumerate(("Caracas", "Valencia", "Tachira"), 1)]
    found = deployments(text, places, [actor(text, "a1", "Venezuela", "Armored")])
    assert len(found) == 1


def test_deployments_place_as_the_object_of_a_taking_verb():
    text = "Forces loyal to sacked vice president Riek Machar seized Bor on Wednesday."
    machar = actor(text, "a1", "Riek Machar", "Riek Machar", type_="person")
    (dep,) = deployments(text, [place(text, "p1", "Bor", kind="city")], [machar])
    assert (dep.place, dep.actor, dep.status) == ("p1", "a1", "deployed")


def test_deployments_a_company_of_soldiers_but_not_a_firm():
    text = ("A second company of about 100 Nigerians is due to arrive on Wednesday. "
            "An American company of engineers said it would bid.")
    (dep,) = deployments(text, [], [actor(text, "a1", "Nigeria", "Nigerians")])
    assert (dep.strength, dep.status, dep.start) == (100, "planned", text.index("company"))


def test_deployments_weak_owner_gives_way_to_a_name_in_the_phrase():
    text = "Indian peacekeepers in Freetown were reinforced by a Jordanian company flown in."
    jordanian = Place(id="p2", surface="Jordanian", start=text.index("Jordanian"),
                      end=text.index("Jordanian") + 9, name="Jordan", kind="country", lat=31.0,
                      lon=36.0, confidence=0.9, literal=False, actor="a2")
    found = deployments(text, [place(text, "p1", "Freetown", kind="city"), jordanian])
    assert [(d.actor, d.status) for d in found][-1] == ("a2", "reinforcement")


def test_deployments_number_raised_to_a_total_is_a_reinforcement_of_the_troops():
    text = ("Some 2,500 French soldiers are deployed in Mali, and the number could rise to 3,500 "
            "in the coming weeks.")
    found = deployments(text, [place(text, "p1", "Mali")],
                        [actor(text, "a1", "France", "French")])
    assert [(d.strength, d.status, d.actor) for d in found] == [
        (2500, "stationed", "a1"), (3500, "reinforcement", "a1")]


def test_deployments_others_are_a_part_only_as_the_subject_of_a_troop_verb():
    moved = "France sent 500 troops to Gao. Others have since moved to Mopti."
    talked = "France sent 500 troops to Gao. Others have criticised the deployment near Mopti."
    counts = []
    for text in (moved, talked):
        places = [place(text, "p1", "Gao", kind="city"),
                  place(text, "p2", "Mopti", kind="city", lat=14.5)]
        counts.append(len(deployments(text, places, [actor(text, "a1", "France", "France")])))
    assert counts == [2, 1]
