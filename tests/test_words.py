"""first_words: the first words of a pattern's alternatives, for a set pre-check."""

import pytest

from dashboard.extract.words import first_words


def test_first_words_reads_plurals_and_phrases():
    assert first_words(r"police\s+officers|units?|Task Force") == {
        "police", "unit", "units", "task"}


def test_first_words_rejects_a_pattern_it_cannot_read():
    with pytest.raises(ValueError):
        first_words(r"troop[sz]")
