"""Word lists the extraction rules share, loaded once from the data files beside this module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.extract.words import holds_any

HERE = Path(__file__).resolve().parent

WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
MONTHS = frozenset(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
#: Compass adjectives that make "southern Serbia" one directional mention.
DIRECTIONS = (
    "north-eastern", "north-western", "south-eastern", "south-western",
    "northeastern", "northwestern", "southeastern", "southwestern",
    "northern", "southern", "eastern", "western", "central",
    "north-east", "north-west", "south-east", "south-west",
    "northeast", "northwest", "southeast", "southwest",
    "north", "south", "east", "west",
)
#: Portfolios that qualify a title ("Defense Minister", "Minister of Defence").
PORTFOLIOS = (
    "foreign affairs", "foreign", "defense", "defence", "interior", "internal affairs", "finance",
    "justice", "health", "economy", "economic", "trade", "energy", "education", "home",
    "security", "information", "culture", "agriculture", "transport", "labour", "labor",
    "environment", "prime", "state", "war", "oil", "deputy", "vice", "acting", "interim",
    "former", "senior", "chief", "top", "assistant", "regional", "local", "provincial",
    "military", "army", "police", "rebel", "militia", "opposition", "party", "u.s.", "us",
)


@dataclass(frozen=True, slots=True)
class OrgEntry:
    """One organisation or named group and the surface forms that name it."""

    name: str
    type: str
    affiliation: str
    forms: tuple[str, ...]


def _lines(filename: str) -> list[str]:
    text = (HERE / filename).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def organizations() -> tuple[OrgEntry, ...]:
    """The organisation lexicon (``organizations.tsv``)."""
    entries = []
    for line in _lines("organizations.tsv"):
        cols = (line.split("\t") + ["", "", ""])[:4]
        name, kind, affiliation, aliases = (c.strip() for c in cols)
        forms = (name, *(a for a in aliases.split("|") if a))
        entries.append(OrgEntry(name, kind or "organization", affiliation, forms))
    return tuple(entries)


#: A word as organisation forms are split into words ("U.N.", "al-Qaeda", "Children's").
WORD = re.compile(r"[\w.'’]+(?:-[\w.'’]+)*")


def find_organizations(text: str, start: int, end: int) -> list[tuple[int, int, OrgEntry]]:
    """(start, end, entry) of each lexicon organisation in ``text[start:end]``, longest first.

    Forms are indexed by their first word, so a sentence costs one dictionary look-up per word
    instead of one long alternation per position.
    """
    if not holds_any(text, start, end, _first_runs()):
        return []  # no word any form starts with: most sentences stop here
    index = _forms_by_first_word()
    found, pos = [], start
    for m in WORD.finditer(text, start, end):
        if m.start() < pos:
            continue
        word = m.group()
        for form in index.get(word, ()) or index.get(word.rstrip(".'’"), ()):
            stop = m.start() + len(form)
            if stop <= end and text.startswith(form, m.start()) and not _word_char(text, stop):
                found.append((m.start(), stop, organization_by_form()[form]))
                pos = stop
                break
    return found


def _word_char(text: str, pos: int) -> bool:
    return pos < len(text) and (text[pos].isalnum() or text[pos] in "_-")


@lru_cache(maxsize=1)
def _forms_by_first_word() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for form in organization_by_form():
        first = WORD.match(form)
        if first:
            index.setdefault(first.group(), []).append(form)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


@lru_cache(maxsize=1)
def _first_runs() -> frozenset[str]:
    """The first run of word characters of every form ("al" of "al-Qaeda", "NATO")."""
    return frozenset(m.group() for m in map(_RUN.search, organization_by_form()) if m)


_RUN = re.compile(r"\w+")


@lru_cache(maxsize=1)
def organization_by_form() -> dict[str, OrgEntry]:
    return {f: e for e in organizations() for f in e.forms}


@lru_cache(maxsize=1)
def titles() -> tuple[str, ...]:
    """Person titles (``titles.txt``), longest first."""
    return tuple(sorted({t.strip().lower() for t in _lines("titles.txt")}, key=len, reverse=True))


@lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Lower-cased words a place mention never starts with (``not_places.txt``)."""
    return frozenset(w.strip().lower() for w in _lines("not_places.txt")) | WEEKDAYS | MONTHS
