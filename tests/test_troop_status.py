"""A deployment's status comes from the verb governing its troop noun, with that verb's modality."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.extract.deployments import find_deployments
from dashboard.extract.lexicon import Folded
from dashboard.extract.troop_status import troop_status
from dashboard.records import Place
from dashboard.text import split_sentences


def status_of(text: str, phrase: str) -> str:
    """The status of ``phrase`` (a troop phrase) in the one-sentence ``text``."""
    (sentence,) = split_sentences(text)
    start = text.index(phrase)
    return troop_status(Folded.of(text), sentence, start, start + len(phrase))


@pytest.mark.parametrize("text, phrase, status", [
    ("Some 2,000 marines were flown into the port city overnight.", "Some 2,000 marines",
     "deployed"),
    ("Britain, which sent 600 paratroopers to Freetown, said it would stay.", "600 paratroopers",
     "deployed"),
    ("The troops, who arrived on Monday, guard the airport.", "The troops", "deployed"),
    ("About 400 Dutch peacekeepers are stationed in the enclave.", "About 400 Dutch peacekeepers",
     "stationed"),
    ("Some 300 soldiers remain on the ground in Gao.", "Some 300 soldiers", "stationed"),
    ("Russian troops began to pull out of the north on Tuesday.", "Russian troops",
     "withdrawal"),
    ("About 500 British troops handed over the base on Monday.", "About 500 British troops",
     "withdrawal"),
    ("Germany sent 500 more soldiers to Kabul.", "500 more soldiers", "reinforcement"),
    ("France will send 800 soldiers to Mali next month.", "800 soldiers", "planned"),
    ("The Netherlands plans to deploy 800 marines to Mombasa.", "800 marines", "planned"),
    ("Washington will call for more troops in Kabul.", "troops", "proposed"),
    ("The UN asked for 3,000 additional peacekeepers.", "3,000 additional peacekeepers",
     "proposed"),
    ("Reinforcements of 3,000 soldiers will be discussed on Friday.",
     "Reinforcements of 3,000 soldiers", "proposed"),
    ("Obama ordered 17,000 more troops to Afghanistan.", "17,000 more troops", "reinforcement"),
    ("About 7,000 AU troops are deployed in Darfur.", "About 7,000 AU troops", "stationed"),
    ("NATO has deployed 1,000 soldiers to Romania.", "1,000 soldiers", "deployed"),
    ("Some 600 soldiers were deployed near the border on Monday.", "Some 600 soldiers",
     "deployed"),
    ("Britain flew about 700 paratroopers into Freetown.", "about 700 paratroopers",
     "deployed"),
    ("The US, which has about 1,100 troops in the country, agreed.", "about 1,100 troops",
     "stationed"),
    ("About 1,000 soldiers have arrived in Bamako.", "About 1,000 soldiers", "deployed"),
    ("Seoul ordered more troops to the island.", "troops", "reinforcement"),
    ("He said his men would guard the airport.", "his men", "planned"),
    ("Syrian troops are to withdraw by Friday.", "Syrian troops", "withdrawal"),
    ("About 100,000 troops were in the country when the pullout began.",
     "About 100,000 troops", "stationed"),
    ("Indian peacekeepers in Freetown were reinforced by a Jordanian company.",
     "Indian peacekeepers", "stationed"),
    ("Russian peacekeepers may take additional security measures.", "Russian peacekeepers",
     "proposed"),
    ("Paris wants 2,000 African soldiers in Bamako by March.", "2,000 African soldiers",
     "proposed"),
])
def test_troop_status_follows_the_governing_verb(text, phrase, status):
    assert status_of(text, phrase) == status


def test_troop_status_ignores_cues_of_another_clause():
    text = "About 2,000 marines landed at the port, where civilians were trying to leave."
    assert status_of(text, "About 2,000 marines") == "deployed"


def test_troop_status_ignores_a_far_verb_that_governs_something_else():
    text = "London called for NATO to provide logistical support to the AU troops in El Fasher."
    assert status_of(text, "the AU troops") == "stationed"


def test_troop_status_troops_being_reinforced_are_in_place():
    text = "Germany sent 500 soldiers to reinforce the 3,000 troops already in Kabul."
    assert status_of(text, "the 3,000 troops") == "stationed"
    assert status_of(text, "500 soldiers") == "deployed"


def test_troop_status_negated_cut_keeps_troops_stationed():
    text = "The US asked NATO not to reduce the number of troops in Kosovo."
    assert status_of(text, "troops") == "stationed"


def test_troop_status_reaches_the_deployment_record():
    text = "Some 2,000 marines were flown into Mombasa overnight."
    start = text.index("Mombasa")
    mombasa = Place(id="p1", surface="Mombasa", start=start, end=start + 7, name="Mombasa",
                    kind="city", lat=-4.05, lon=39.67, confidence=0.9)
    (dep,) = find_deployments(text, split_sentences(text), [mombasa], [], [], dt.date(2020, 1, 1))
    assert (dep.status, dep.strength, dep.place) == ("deployed", 2000, "p1")


def test_troop_status_main_verb_after_a_relative_clause_governs():
    text = ("Indonesian soldiers, who have been stationed in the territory since 1975, "
            "withdrew on Monday.")
    assert status_of(text, "Indonesian soldiers") == "withdrawal"


def test_troop_status_more_verbs_and_asides():
    cases = [
        ("The soldiers, part of a West African force, drove in trucks to Harbel.",
         "The soldiers", "deployed"),
        ("It would raise its force in Mali to 2,500 soldiers.", "2,500 soldiers",
         "reinforcement"),
        ("Colombian special forces attacked a camp.", "Colombian special forces", "deployed"),
        ("Its 800 marines will join the exercise, along with 8,000 troops flown in from abroad.",
         "8,000 troops", "deployed"),
    ]
    for text, phrase, status in cases:
        assert status_of(text, phrase) == status, text
