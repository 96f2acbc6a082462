"""A sentence's lower-case words, found once and shared by the stages' cheap pre-checks."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"\w+")


def may_contain(text: str, start: int, end: int, words: frozenset[str]) -> bool:
    """False only when no whole word of ``text[start:end]`` is one of ``words`` (lower case).

    A stage asks this before running a long case-blind pattern whose every match must hold
    one of ``words`` as a whole word: most sentences then cost one set test, not a scan.
    """
    found = _words(text[start:end])
    return found is None or not found.isdisjoint(words)


def holds_any(text: str, start: int, end: int, runs: frozenset[str]) -> bool:
    """Whether some whole run of word characters of ``text[start:end]`` is one of ``runs``
    (case as written): the pre-check for patterns that are not case-blind."""
    return not _runs(text[start:end]).isdisjoint(runs)


@lru_cache(maxsize=4096)
def _runs(sentence: str) -> frozenset[str]:
    return frozenset(_WORD.findall(sentence))


@lru_cache(maxsize=4096)
def _words(sentence: str) -> frozenset[str] | None:
    """The sentence's words, or None when it is not ASCII: a case-blind pattern then matches
    letters ``lower()`` does not give (the long s matches "s"), so no pre-check is safe."""
    if not sentence.isascii():
        return None
    return frozenset(_WORD.findall(sentence.lower()))


def first_words(alternation: str) -> frozenset[str]:
    r"""The lower-case first words of a pattern's alternatives ("police\s+officers|units?" ->
    police, unit, units): what ``may_contain`` needs for a ``\b(?:…)\b`` pattern."""
    out: set[str] = set()
    for alternative in alternation.lower().split("|"):
        first = re.split(r"\\s\+| ", alternative.strip())[0]
        forms = (first[:-2], first[:-1]) if first.endswith("s?") else (first,)
        for form in forms:
            if not re.fullmatch(r"[a-z]+", form):
                raise ValueError(f"not a plain word: {form!r} in {alternation!r}")
            out.add(form)
    return frozenset(out)
