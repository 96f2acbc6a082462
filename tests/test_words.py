"""The shared sentence-word pre-check: it may say yes wrongly, never no wrongly."""

import re

import pytest

from dashboard.extract.words import first_words, holds_any, may_contain


def test_may_contain_finds_a_whole_word_in_any_case():
    text = "xx French TROOPS arrived."
    assert may_contain(text, 3, len(text), frozenset({"troops"}))


def test_may_contain_rejects_a_sentence_without_the_words():
    text = "The talks ended. Troops arrived."
    assert not may_contain(text, 0, 16, frozenset({"troops"}))


def test_may_contain_ignores_parts_of_words():
    assert not may_contain("the troopship sailed", 0, 20, frozenset({"troop"}))


def test_may_contain_says_yes_for_non_ascii_text():
    # re.I matches the long s to "s": "troopſ" matches a case-blind "troops".
    text = "the troopſ left"
    assert re.search(r"\btroops\b", text, re.I)
    assert may_contain(text, 0, len(text), frozenset({"troops"}))


def test_first_words_reads_plurals_and_phrases():
    assert first_words(r"police\s+officers|units?|Task Force") == {
        "police", "unit", "units", "task"}


def test_first_words_rejects_a_pattern_it_cannot_read():
    with pytest.raises(ValueError):
        first_words(r"troop[sz]")


def test_holds_any_is_case_sensitive():
    text = "who said so? The WHO did."
    assert not holds_any(text, 0, 12, frozenset({"WHO"}))
    assert holds_any(text, 13, len(text), frozenset({"WHO"}))
