"""Metonymy: place names standing for a government, and demonyms linked to their state."""

from __future__ import annotations

from types import SimpleNamespace

from dashboard.extract.metonymy import read_metonymy
from dashboard.records import Place


NAMES = SimpleNamespace(country=lambda code: SimpleNamespace(name={"RU": "Russia"}.get(code, code)),
                        is_capital=lambda gid: False,
                        demonym=lambda word: "RU" if word.startswith("Russian") else None)


def _country(surface, start, literal=True):
    return Place(id=f"p{start}", surface=surface, start=start, end=start + len(surface),
                 name="Russia", kind="country", country_code="RU", lat=60.0, lon=100.0,
                 literal=literal)


def test_metonymy_demonym_is_linked_to_its_state_and_stays_non_literal():
    text = "Russian officials met."
    (place,), mentions = read_metonymy(text, [_country("Russian", 0, literal=False)], NAMES)
    assert (place.literal, place.actor, mentions) == (False, "state:RU", ())


def test_metonymy_country_as_subject_of_a_speech_verb_stands_for_its_state():
    text = "Russia said no."
    (place,), mentions = read_metonymy(text, [_country("Russia", 0)], NAMES)
    assert (place.literal, place.actor, [m.key for m in mentions]) == (
        False, "state:RU", ["state:RU"])
