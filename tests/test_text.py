"""Sentence splitting, sentence look-up, tokens and name tables of dashboard.text."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.records import Sentence
from dashboard.text import (
    month_number, normalise_text, sentence_at, split_sentences, tokens, weekday_number,
)

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbb248a2bc0509e4.txt"


def _texts(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [s.text for s in split_sentences(text, start, end)]


def _assert_lossless(text: str, start: int = 0, end: int | None = None) -> None:
    """Offsets slice back, sentences do not overlap, every non-space char is covered."""
    sentences = split_sentences(text, start, end)
    end = len(text) if end is None else end
    covered = set()
    previous_end = start
    for s in sentences:
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= previous_end
        previous_end = s.end
        covered.update(range(s.start, s.end))
    for i in range(start, end):
        if not text[i].isspace():
            assert i in covered, (i, text[i])


@pytest.mark.parametrize("text, expected", [
    ("Gen. Smith met Dr. Brown. They talked.", ["Gen. Smith met Dr. Brown.", "They talked."]),
    ("Talks start on Dec. 10 in Brussels. Nobody came.",
     ["Talks start on Dec. 10 in Brussels.", "Nobody came."]),
    ("Growth was 3.5 percent. Prices rose.", ["Growth was 3.5 percent.", "Prices rose."]),
    ("J. Smith and A. B. Jones spoke. Then they left.",
     ["J. Smith and A. B. Jones spoke.", "Then they left."]),
    ("Troops of the U.S. Army arrived. They stayed.",
     ["Troops of the U.S. Army arrived.", "They stayed."]),
    ("He flew to the U.S. The visit was short.", ["He flew to the U.S.", "The visit was short."]),
    ('He said "We are ready." Then he left.', ['He said "We are ready."', "Then he left."]),
    ("Why? Nobody knows! Really.", ["Why?", "Nobody knows!", "Really."]),
    ("He said no. and left", ["He said no. and left"]),
])
def test_split_sentences_handles_abbreviations_numbers_quotes(text, expected):
    assert _texts(text) == expected
    _assert_lossless(text)


def test_split_sentences_every_line_break_ends_a_sentence():
    text = "A title without a stop\nA summary line\n\n  (Src) Thursday, December 06, 2007  \nBody."
    assert _texts(text) == [
        "A title without a stop", "A summary line", "(Src) Thursday, December 06, 2007", "Body.",
    ]
    _assert_lossless(text)


def test_split_sentences_offsets_point_into_the_whole_text():
    text = "Skip this. Keep this one. And this.\nNot this."
    sentences = split_sentences(text, 11, 35)
    assert [s.text for s in sentences] == ["Keep this one.", "And this."]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_split_sentences_empty_and_blank_input_gives_nothing():
    assert split_sentences("") == ()
    assert split_sentences(" \n\t\n ") == ()


def test_split_sentences_keeps_unusual_characters():
    text = "\u200bZero\u200dwidth. \u202eRTL\u202c text 🚀! Emoji 👩‍👩‍👧 end"
    _assert_lossless(text)
    assert len(split_sentences(text)) == 3


def test_split_sentences_seed_has_one_sentence_per_line():
    text = SEED.read_text(encoding="utf-8-sig")
    sentences = split_sentences(text)
    assert len(sentences) == len([line for line in text.splitlines() if line.strip()])
    _assert_lossless(text)


def test_split_sentences_one_long_line_is_fast_and_whole():
    text = "word " * 200_000
    sentences = split_sentences(text)
    assert len(sentences) == 1 and sentences[0].end == len(text.rstrip())


def test_sentence_at_finds_the_sentence_or_the_one_before_a_gap():
    sentences = (Sentence(0, 5, "Hello"), Sentence(7, 12, "World"))
    assert sentence_at(sentences, 3) == sentences[0]
    assert sentence_at(sentences, 6) == sentences[0]
    assert sentence_at(sentences, 7) == sentences[1]
    assert sentence_at(sentences, 99) == sentences[1]
    with pytest.raises(ValueError):
        sentence_at((), 0)


def test_normalise_text_matches_read_text(tmp_path):
    raw = "\ufeffline one\r\nline two\rline three\n\ufeffkept"
    path = tmp_path / "a.txt"
    path.write_bytes(raw.encode("utf-8"))
    assert normalise_text(raw) == path.read_text(encoding="utf-8-sig")


def test_tokens_carry_offsets():
    text = "Kosovska Mitrovica's well-known U.S. base"
    found = tokens(text)
    assert [t.surface for t in found] == ["Kosovska", "Mitrovica's", "well-known", "U.S", "base"]
    assert all(text[t.start:t.end] == t.surface for t in found)


def test_month_and_weekday_numbers():
    assert month_number("Dec.") == 12 and month_number("MAY") == 5 and month_number("Mayor") is None
    assert weekday_number("Thursday") == 3 and weekday_number("Thurs.") == 3
    assert weekday_number("Fried") is None
