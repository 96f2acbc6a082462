"""The first words of a pattern's alternatives: a set-disjointness pre-check before the pattern."""

from __future__ import annotations

import re


def first_words(alternation: str) -> frozenset[str]:
    r"""The lower-case first words of a pattern's alternatives ("police\s+officers|units?" ->
    police, unit, units): a sentence holding none of them cannot match a ``\b(?:…)\b`` pattern."""
    out: set[str] = set()
    for alternative in alternation.lower().split("|"):
        first = re.split(r"\\s\+| ", alternative.strip())[0]
        forms = (first[:-2], first[:-1]) if first.endswith("s?") else (first,)
        for form in forms:
            if not re.fullmatch(r"[a-z]+", form):
                raise ValueError(f"not a plain word: {form!r} in {alternation!r}")
            out.add(form)
    return frozenset(out)
