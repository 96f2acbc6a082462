"""Word lists the extraction rules share (from the data files here), and fast patterns of them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.records import quick_init


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


def find_organizations(text: str, start: int, end: int,
                       runs: frozenset[str] | None = None) -> list[tuple[int, int, OrgEntry]]:
    """(start, end, entry) of each lexicon organisation in ``text[start:end]``, longest first.

    Forms are indexed by their first word, so a sentence costs one dictionary look-up per word
    that some form starts with, instead of one long alternation per position. ``runs``: the
    runs of word characters of ``text[start:end]``, when the caller has them.
    """
    if runs is None:
        runs = frozenset(_RUN.findall(text, start, end))
    if runs.isdisjoint(_first_runs()):
        return []  # no word any form starts with: most sentences stop here
    index = _forms_by_first_word()
    found, pos = [], start
    for m in _first_words(text, start, end):
        if m.start() < pos:
            continue
        word = m.group()
        for form in (index.get(word, ()) or index.get(word.rstrip(".'’"), ())
                     or index.get(_ATTACHED_END.sub("", word), ())):
            stop = m.start() + len(form)
            if (stop <= end and text.startswith(form, m.start())
                    and (not _word_char(text, stop) or _ATTACHED.match(text, stop))):
                found.append((m.start(), stop, organization_by_form()[form]))
                pos = stop
                break
    return found


def _first_words(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The ``WORD``s of ``text[start:end]`` that are a form's first word (trailing dots and
    apostrophes aside); every ``WORD`` when ``start`` cuts one, which the search cannot see."""
    if start > 0 and _WORD_CHAR.match(text, start - 1):
        return WORD.finditer(text, start, end)
    return _first_word_pattern().finditer(text, start, end)


_WORD_CHAR = re.compile(r"[\w.'’-]")


@lru_cache(maxsize=1)
def _first_word_pattern() -> re.Pattern[str]:
    """A whole ``WORD`` (not preceded by a word character, nor by one and a hyphen) that is a
    form's first word plus any dots and apostrophes: the engine skips all other words."""
    firsts = alternation(_forms_by_first_word(), guard=r"(?<![\w.'’].)(?<![\w.'’]-.)")
    return re.compile(rf"(?:{firsts})(?:[.'’]*(?![\w.'’]|-[\w.'’])|(?={_ATTACHED.pattern}))")


#: What may follow an organisation's name without being part of it: a possessive ("NATO's
#: chief") or a lower-case compound ("NATO-led", "UN-backed"); "UN-Habitat" is another name.
_ATTACHED = re.compile(r"['’]s\b|-[a-z]+\b(?!-)")
_ATTACHED_END = re.compile(r"(?:['’]s|-[a-z]+)$")


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


#: Characters a case-blind pattern matches to an ASCII letter, or whose lower case is one
#: ("\u017f" matches "s", "\u0130" lower-cases to two characters).
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """``text`` in lower case, offsets unchanged; None when it holds an ``_ODD_CASE`` character.

    A case-blind pattern with lower-case ASCII words matches exactly where the same pattern,
    case-sensitive, matches the lowered text; and there the engine can skip an alternative on
    its first letter, which it cannot do case-blind.
    """
    if text.isascii() or not _ODD_CASE.search(text):  # isascii() costs nothing
        return text.lower()
    return None


#: Upper-case letters of regex syntax: escapes ("\\S") and named groups ("(?P<x>", "(?P=x)").
_SYNTAX = re.compile(r"\\[A-Za-z]|\(\?P[<=]")


@quick_init
@dataclass(frozen=True, slots=True)
class Folded:
    """A text and its ``lowered`` copy, made once and searched many times by ``CaseBlind``."""

    text: str
    low: str | None

    @classmethod
    def of(cls, text: str) -> Folded:
        return cls(text, lowered(text))

    def slice(self, start: int, end: int) -> Folded:
        return Folded(self.text[start:end], None if self.low is None else self.low[start:end])

    def may_hold(self, cue: re.Pattern[str], start: int, end: int) -> bool:
        """Whether ``text[start:end]`` may hold a match of a pattern every match of which
        holds a match of ``cue`` (lower-case literals): False only where the lowered copy has
        none. A literal search costs little where a rare pattern's scan costs much."""
        return self.low is None or cue.search(self.low, start, end) is not None


class CaseBlind:
    """A case-blind pattern that searches the lowered text case-sensitively where that is exact
    (see ``lowered``): the same matches, offsets included, faster. Its words must be lower case;
    a match's ``group()`` may come out in lower case."""

    __slots__ = ("_blind", "sensitive")

    def __init__(self, pattern: str) -> None:
        words = _SYNTAX.sub("", pattern)
        if words != words.lower():
            raise ValueError(f"not lower case: {pattern!r}")
        self.sensitive = re.compile(pattern)
        self._blind: re.Pattern[str] | None = None

    @property
    def blind(self) -> re.Pattern[str]:
        """The case-blind pattern, compiled on first need (only odd text needs it)."""
        if self._blind is None:
            self._blind = re.compile(self.sensitive.pattern, re.I)
        return self._blind

    def search(self, text: str | Folded, start: int = 0,
               end: int | None = None) -> re.Match[str] | None:
        if text.__class__ is Folded and text.low is not None:  # ``_target``, inlined
            return self.sensitive.search(text.low, start, len(text.low) if end is None else end)
        if text.__class__ is str and text.isascii():  # (``lowered`` of ASCII text)
            return self.sensitive.search(text.lower(), start, len(text) if end is None else end)
        pattern, target = self._target(text)
        return pattern.search(target, start, len(target) if end is None else end)

    def match(self, text: str | Folded, start: int = 0,
              end: int | None = None) -> re.Match[str] | None:
        if text.__class__ is Folded and text.low is not None:
            return self.sensitive.match(text.low, start, len(text.low) if end is None else end)
        if text.__class__ is str and text.isascii():
            return self.sensitive.match(text.lower(), start, len(text) if end is None else end)
        pattern, target = self._target(text)
        return pattern.match(target, start, len(target) if end is None else end)

    def finditer(self, text: str | Folded, start: int = 0,
                 end: int | None = None) -> Iterator[re.Match[str]]:
        if text.__class__ is Folded and text.low is not None:
            return self.sensitive.finditer(text.low, start, len(text.low) if end is None else end)
        pattern, target = self._target(text)
        return pattern.finditer(target, start, len(target) if end is None else end)

    def _target(self, text: str | Folded) -> tuple[re.Pattern[str], str]:
        if isinstance(text, str):
            low = lowered(text)
            return (self.blind, text) if low is None else (self.sensitive, low)
        if text.low is None:
            return self.blind, text.text
        return self.sensitive, text.low


def alternation(words: Iterable[str], guard: str = "") -> str:
    """A regex alternation of ``words`` with shared prefixes factored out ("s(?:aid|ays)").

    The engine tests an alternative's first letter before entering it, so a few hundred words
    cost a few dozen tests per position instead of one per word. Which words match is
    unchanged; among words that are prefixes of one another the longest is tried first.

    ``guard`` (a look-behind over the first letter, "(?<!\\w.)") follows each first letter:
    a pattern that opens with the alternation then opens with a letter, and the engine looks
    for those letters alone before trying the pattern.
    """
    tails: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        if word:
            tails.setdefault(word[0], []).append(word[1:])
    parts = []
    for first, rests in tails.items():
        longer = [r for r in rests if r]
        head = re.escape(first) + guard
        if not longer:
            parts.append(head)
        elif len(rests) == 1:
            parts.append(head + re.escape(rests[0]))
        else:
            optional = "?" if len(longer) < len(rests) else ""
            parts.append(f"{head}(?:{alternation(longer)}){optional}")
    return "|".join(parts)


#: Every character a case-blind pattern matches to an ASCII letter besides its two cases
#: (``_ODD_CASE``; ``tests/test_lexicon.py`` checks the table against the whole of Unicode).
_OTHER_FORMS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def blind_branches(alternatives: Iterable[str], guard: str = "") -> str:
    """A case-blind alternation of regex ``alternatives`` (each opens with an ASCII letter), as
    one branch per first letter that opens with a case-sensitive class of that letter's forms
    ("[sS\u017f]"), then ``guard`` (a look-behind over the first letter, "(?<!\\w.)"), then the
    rests case-blind, in their order: "[sS\u017f](?i:aid|ays)|[tT](?i:old)".

    The engine skips a branch whose first character or class does not match, but enters every
    case-blind one (``re.I``, ``(?i:)``): a few dozen alternatives cost a few dozen entries at
    every position tried, and a case-sensitive class lets it skip all but one. The classes hold
    every character ``re.I`` matches to the letter, so the matches are the same; for one first
    letter the alternatives keep their order (different first letters never match the same
    character). Use it where case-sensitive text outside ``(?i:)`` may follow.
    """
    rests: dict[str, list[str]] = {}
    for alternative in alternatives:
        first, rest = alternative[:1].lower(), alternative[1:]
        if not ("a" <= first <= "z") or rest[:1] in ("?", "*", "+", "{"):
            raise ValueError(f"not an alternative that opens with a letter: {alternative!r}")
        rests.setdefault(first, []).append(rest)
    return "|".join(f"[{first}{first.upper()}{_OTHER_FORMS.get(first, '')}]{guard}"
                    f"(?i:{'|'.join(group)})" for first, group in rests.items())


def tagged_by_first_letter(groups: str, after: str = "") -> str:
    """An alternation of named groups ("(?P<a>hold\\s+talks|(?:flew|fly)\\s+to)|(?P<b>…)") as
    one branch per first letter, each alternative then ``after`` then an empty group that tags
    it: "h(?:old\\s+talks\\b(?P<a__0>))|f(?:(?:lew|ly)\\s+to\\b(?P<a__1>))" for ``after`` "\\b".

    The engine enters every named group at every position it tries (a group opens with no
    letter it could skip on); a branch that opens with a letter it skips unless the text has
    that letter there. A match's ``lastgroup`` is then the tag: ``group_of`` gives the group's
    name back. The matches, their spans and the group each reads as are the same: an
    alternative that opens with a list of words ("(?:flew|fly)") is split by their first
    letters, in their order, and alternatives with different first letters never match at one
    position. Only the groups' own spans are lost (none is kept: each tag is empty).
    """
    slots: dict[str, list[tuple[str, str]]] = {}
    for name, body in _named_groups(groups):
        for alternative in _top_level(body):
            # a named group that is a whole alternative: its own alternatives, tagged with both
            # names ("reinforcement__adjective__7": ``subgroup_of``)
            nested = _named_groups(alternative) if alternative.startswith("(?P<") and _closing(
                alternative, 0) == len(alternative) - 1 else [("", alternative)]
            for inner, part in nested:
                label = f"{name}__{inner}" if inner else name
                for first, rest in _by_letter_all(part):
                    slots.setdefault(first, []).append((rest, label))
    branches, tag = [], 0
    for first, rests in slots.items():
        tagged = []
        for rest, label in rests:
            tagged.append(f"{rest}{after}(?P<{label}__{tag}>)")
            tag += 1
        branches.append(f"{first}(?:{'|'.join(tagged)})")
    return "|".join(branches)


def group_of(tag: str) -> str:
    """The name of the group a ``tagged_by_first_letter`` tag stands for."""
    return tag.split("__", 1)[0]


def subgroup_of(tag: str) -> str:
    """The name of the group inside it that a tag stands for, or "" (``tagged_by_first_letter``)."""
    parts = tag.split("__")
    return parts[1] if len(parts) == 3 else ""


def _by_letter_all(alternatives: str) -> list[tuple[str, str]]:
    return [pair for alternative in _top_level(alternatives) for pair in _by_letter(alternative)]


def _named_groups(groups: str) -> list[tuple[str, str]]:
    """(name, body) of each top-level "(?P<name>body)" of an alternation of named groups."""
    found = []
    for part in _top_level(groups):
        if not (part.startswith("(?P<") and _closing(part, 0) == len(part) - 1):
            raise ValueError(f"not a named group: {part!r}")
        name_end = part.index(">")
        found.append((part[4:name_end], part[name_end + 1:-1]))
    return found


def _by_letter(alternative: str) -> list[tuple[str, str]]:
    """(first letter, the rest) of an alternative that opens with a letter, or of each first
    letter of the words of the list it opens with ("(?:flew|flies|fly)\\s+to" gives
    ("f", "(?:lew|lies|ly)\\s+to")), or of every letter for one that opens with "[a-z]{n,}";
    words of one letter keep their order."""
    first = alternative[:1]
    if "a" <= first <= "z" and alternative[1:2] not in ("?", "*", "+", "{"):
        return [(first, alternative[1:])]
    least = _ANY_LETTERS.match(alternative)
    if least and int(least.group(1)) >= 1:  # "[a-z]{3,}ed": "a[a-z]{2,}ed", "b[a-z]{2,}ed", …
        rest = f"[a-z]{{{int(least.group(1)) - 1},}}{alternative[least.end():]}"
        return [(chr(c), rest) for c in range(ord("a"), ord("z") + 1)]
    if alternative.startswith("(?:"):
        end = _closing(alternative, 0)
        rest = alternative[end + 1:]
        words = _top_level(alternative[3:end])
        if rest[:1] not in ("?", "*", "+", "{") and all(
                "a" <= w[:1] <= "z" and w[1:2] not in ("?", "*", "+", "{", "") for w in words):
            letters: dict[str, list[str]] = {}
            for word in words:
                letters.setdefault(word[0], []).append(word[1:])
            return [(letter, f"(?:{'|'.join(tails)}){rest}") for letter, tails in letters.items()]
    raise ValueError(f"not an alternative that opens with a letter or a word list: {alternative!r}")


#: An alternative that opens with at least so many lower-case letters ("[a-z]{3,}").
_ANY_LETTERS = re.compile(r"\[a-z\]\{(\d+),\}")


def _skip(pattern: str, i: int) -> int:
    """The index after the escape or character class at ``i``, else ``i + 1``."""
    if pattern[i] == "\\":
        return i + 2
    if pattern[i] == "[":
        j = i + 1 + (pattern[i + 1] == "^")
        j += pattern[j] == "]"  # a "]" first in a class is a character
        while pattern[j] != "]":
            j += 2 if pattern[j] == "\\" else 1
        return j + 1
    return i + 1


def _closing(pattern: str, start: int) -> int:
    """The index of the ")" that closes the group opened at ``start``."""
    depth, i = 0, start
    while True:
        if pattern[i] == "(":
            depth += 1
        elif pattern[i] == ")":
            depth -= 1
            if depth == 0:
                return i
        i = _skip(pattern, i)


def top_level(alternation: str) -> list[str]:
    """The alternatives of a regex ``alternation``: its "|" outside groups and classes."""
    return _top_level(alternation)


def _top_level(alternation: str) -> list[str]:
    """The alternatives of ``alternation`` (its "|" outside groups and classes)."""
    parts, depth, last, i = [], 0, 0, 0
    while i < len(alternation):
        char = alternation[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(alternation[last:i])
            last = i + 1
        i = _skip(alternation, i)
    return [*parts, alternation[last:]]
