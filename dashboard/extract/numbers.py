"""Numbers in digits or words ("3,000", "four", "two thousand", "1.5 million") as integers."""

from __future__ import annotations

import re

from dashboard.extract.lexicon import alternation

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
#: The number words as a prefix-sharing alternation (``lexicon.alternation``: "six(?:t(?:een|y))?";
#: the longer of two words is tried first, as in a list longest first).
_WORD = alternation(w for w in _UNITS if " " not in w)
#: A number: digits ("3,000", "3 000", "1.5") with an optional scale word, or number words.
NUMBER = (
    r"(?<![\w.,])(?:\d{1,3}(?:[,\u00a0 ]\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:hundred|thousand|million))?"
    rf"|\b(?:an?\s+(?:dozen|hundred|thousand)|(?:{_WORD})"
    rf"(?:[\s-]+(?:{_WORD}|hundred|thousand|million)"
    rf"|\s+and\s+(?:{_WORD}))*(?:\s+(?:hundred|thousand|million))?)\b"
)
#: The letters a ``NUMBER`` in words can start with (besides digits): for cheap look-aheads.
NUMBER_FIRST_LETTERS = "".join(sorted({"a", *(w[0] for w in _UNITS)}))
_DIGITS = re.compile(r"(\d{1,3}(?:[, ]\d{3})+|\d+(?:\.\d+)?)(?:\s+(hundred|thousand|million))?")
_NUMBER_RE = re.compile(rf"(?:{NUMBER})", re.I)


def parse_number(words: str) -> int | None:
    """The integer ``words`` spell, or None ("3,000" → 3000, "four" → 4, "a dozen" → 12)."""
    text = words.strip().lower().replace("\u00a0", " ")
    digits = _DIGITS.fullmatch(text)
    if digits:
        value = float(re.sub(r"[, ]", "", digits.group(1)))
        return int(round(value * _SCALES.get(digits.group(2) or "", 1)))
    return _parse_words(text)


def _parse_words(text: str) -> int | None:
    text = re.sub(r"^an?\s+", "one ", text)
    if text in ("one dozen", "dozen"):
        return 12
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", text):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            return None
        seen = True
    return total + current if seen else None


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, int]]:
    """(start, end, value) of every number in ``text[start:end]``."""
    end = len(text) if end is None else end
    out = []
    for m in _NUMBER_RE.finditer(text, start, end):
        value = parse_number(m.group())
        if value is not None:
            out.append((m.start(), m.end(), value))
    return out
