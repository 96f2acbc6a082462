"""Shared text helpers: newline normalisation, sentence splitting, word tokens, month names."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from dashboard.records import Sentence, Span

#: Characters Python's ``str.splitlines`` treats as line ends; each one ends a sentence.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

#: A candidate sentence end: terminal punctuation, closing quotes/brackets, then space or line end.
#: ("..." is a run of the class; opening with the class lets the regex engine skip ahead to it.)
_TERMINAL = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d\u00bb)\]]*(?=\s|\Z)")

#: Words that end in a period without ending the sentence (compared lower-case, dot removed).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr brig lieut rev fr sr jr st
    gov sen rep pres amb sec supt insp det hon messrs mme mlle
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    no nos vol art ch fig pp op ed eds est approx dept univ assn bros corp inc ltd co
    vs etc cf al ave blvd rd mt ft
    """.split()
)

#: Abbreviations that are normally followed by a name or number, so never end a sentence.
_NEVER_FINAL = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr brig lieut rev fr st gov sen rep
    pres amb supt insp det hon mme mlle no nos vol art ch fig pp op
    jan feb mar apr jun jul aug sep sept oct nov dec mt ft
    """.split()
)

#: Words that start a new sentence after an ambiguous abbreviation ("in the U.S. The ...").
_SENTENCE_OPENERS = frozenset(
    """
    the a an he she it they we i you his her its their our this that these those there here
    but and or so yet however meanwhile earlier later on in at after before when while if as
    according some many most no one two three officials police
    """.split()
)

_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}\Z")
_INITIAL = re.compile(r"[A-Z]\.\Z")
_WORD = re.compile(r"\w+(?:[-'\u2019.]\w+)*", re.UNICODE)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}


def _title_or_upper(words: Sequence[str]) -> str:
    """Regex alternatives for Capitalised or UPPER words, longest first ("May", not "may")."""
    forms = {w.capitalize() for w in words} | {w.upper() for w in words}
    return "|".join(sorted(forms, key=len, reverse=True))


_FULL_MONTHS = [m for m in MONTHS if len(m) > 3 and m != "sept"] + ["may"]
#: Month names (full, or abbreviated with optional dot), capitalised as in running text.
MONTH_PATTERN = (
    rf"(?:(?:{_title_or_upper(_FULL_MONTHS)})\b"
    rf"|(?:{_title_or_upper([m for m in MONTHS if m not in _FULL_MONTHS])})\b\.?)"
)
#: Weekday names, full or abbreviated.
WEEKDAY_PATTERN = (
    rf"(?:(?:{_title_or_upper([w for w in WEEKDAYS if w.endswith('day')])})\b"
    rf"|(?:{_title_or_upper([w for w in WEEKDAYS if not w.endswith('day')])})\b\.?)"
)


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation ("Dec." → 12), else None."""
    return MONTHS.get(word.strip(" .").lower())


def weekday_number(word: str) -> int | None:
    """0 (Monday) to 6 for a weekday name or abbreviation, else None."""
    return WEEKDAYS.get(word.strip(" .").lower())


# Invisible format characters (zero-width spaces and joiners, bidi marks, BOMs). Rules read a
# masked copy where each is a space, so "Desk)\u200b Tuesday" still reads as a dateline; one
# code point for one keeps every offset valid in the original text.
_FORMAT_CHARS = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def mask_format_chars(text: str) -> str:
    """``text`` with each invisible format character replaced by one space (same length)."""
    return _FORMAT_CHARS.sub(" ", text)


def normalise_text(text: str) -> str:
    """Drop one leading BOM and turn CRLF and lone CR into LF, as ``read_text`` does."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def headline(text: str, sentences: Sequence[Sentence]) -> Sentence | None:
    """The article's title: a first line with no closing stop ("NATO troops enter Kosovo").
    A headline restates its story, so the stages that find happenings read it last."""
    first = sentences[0] if sentences else None
    if (first is None or text[:first.start].strip() or first.text.rstrip()[-1:] in _STOPS
            or text[first.end:first.end + 1] not in ("\n", "")):
        return None
    return first


_STOPS = (".", "!", "?", '"', "\u201d")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> tuple[Sentence, ...]:
    """Sentences of ``text[start:end]`` with offsets into ``text``; every line break ends one.

    Each non-space character of the range lies in exactly one sentence; sentences never
    start or end with whitespace.
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    out: list[Sentence] = []
    line_start = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        _split_line(text, line_start, brk.start(), out)
        line_start = brk.end()
    _split_line(text, line_start, end, out)
    return tuple(out)


def _split_line(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append the sentences of one line (no line breaks inside)."""
    piece_start = start
    for term in _TERMINAL.finditer(text, start, end):
        if _ends_sentence(text, term.start(), term.end(), end):
            _append_trimmed(text, piece_start, term.end(), out)
            piece_start = term.end()
    _append_trimmed(text, piece_start, end, out)


def _append_trimmed(text: str, start: int, end: int, out: list[Sentence]) -> None:
    piece = text[start:end]
    left = piece.lstrip()
    if left:
        stripped = left.rstrip()
        lead = len(piece) - len(left)
        out.append(Sentence(start + lead, start + lead + len(stripped), stripped))


def _ends_sentence(text: str, punct_start: int, punct_end: int, line_end: int) -> bool:
    """Whether the terminal punctuation at ``punct_start`` really closes a sentence."""
    nxt = _next_word(text, punct_end, line_end)
    if not nxt:
        return True  # end of line: the line break ends it anyway
    if text[punct_start] != "." or text[punct_start:punct_end].startswith(".."):
        return not nxt[0].islower()
    word = _word_before(text, punct_start)
    if not word:
        return not nxt[0].islower()
    return _period_ends_sentence(word, nxt)


def _period_ends_sentence(word: str, nxt: str) -> bool:
    """Decide for a single period after ``word`` followed by ``nxt``."""
    bare = word.rstrip(".").lower()
    first = nxt.lstrip("\"'\u2018\u201c(\u00ab[")[:1] or nxt[:1]
    if first.islower() or first in ",;:":
        return False
    if bare in _NEVER_FINAL:
        return False
    if bare in _ABBREVIATIONS or _DOTTED_ACRONYM.search(word + ".") or _INITIAL.search(word + "."):
        # "U.S.", "etc." or an initial may end a sentence; trust it only before a sentence opener.
        return nxt.strip("\"'\u2018\u201c(\u00ab[,").lower() in _SENTENCE_OPENERS
    return True


def _word_before(text: str, pos: int) -> str:
    """The whitespace-delimited token ending at ``pos`` (bounded look-back)."""
    lo = max(0, pos - 40)
    chunk = text[lo:pos]
    cut = max(chunk.rfind(" "), chunk.rfind("\t"), chunk.rfind("\n"))
    return chunk[cut + 1:].lstrip("\"'\u2018\u201c(\u00ab[")


def _next_word(text: str, pos: int, line_end: int) -> str:
    """The next whitespace-delimited token after ``pos`` on the same line (bounded)."""
    chunk = text[pos:min(line_end, pos + 60)].lstrip()
    return chunk.split(None, 1)[0] if chunk else ""


def sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence:
    """The sentence holding ``offset``; in a gap, the one before it (or the first). O(log n).

    Raises ``ValueError`` when ``sentences`` is empty.
    """
    if not sentences:
        raise ValueError("no sentences to search")
    index = bisect.bisect_right(sentences, offset, key=_start_of) - 1
    return sentences[max(index, 0)]


def _start_of(sentence: Sentence) -> int:
    return sentence.start


def tokens(text: str, start: int = 0, end: int | None = None) -> tuple[Span, ...]:
    """Word tokens (letters/digits, inner hyphens, apostrophes, dots) with offsets into ``text``."""
    end = len(text) if end is None else end
    return tuple(Span(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end))
