"""Date mentions in article text, resolved against the dateline with the sentence's tense.

Conventions (precision never claims more than the words say):
- a day ("December 10", "Friday", "yesterday") has precision ``day``;
- a month ("in March", "next month") is the 1st of that month, precision ``month``;
  "the end of <month/year>" is its last day and "the beginning of" its first, still at
  the precision of the period (``month`` for "the end of the year": December);
- a week ("last week", "two weeks ago") is its Monday, with precision ``month`` when the
  whole week lies in one month, ``year`` when it spans two months of one year, and no date
  when it spans two years;
- a year ("in 2006", "last year") is January 1st, precision ``year``; so is a season ("in
  the spring", "this summer", "last winter"), which names no month: the year its first month
  falls in, read like a month name.
Expressions that need the dateline (weekdays, "yesterday", "December 10" without a year)
have ``date`` None when there is no anchor; ``precision`` is then "".

An article with no dateline is read as a narrative (``find_article_dates``, HeidelTime's
"narrative" mode): its last calendar date with a year ("landed on July 24, 2003") is the
reference for later dates that lack only a year or a week ("on August 13", "in April", "on
Thursday", "later this year"), each the nearest such day, month or year to it, whatever the
tense (a story told in the past tense does not put every later date before the reference).
Dates counted from the moment of writing ("yesterday", "last month", "two weeks ago") stay
unresolved there: a narrative does not say when it was written.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from operator import itemgetter
from collections.abc import Callable, Sequence

from dashboard.extract.lexicon import (CaseBlind, alternation, group_of,
                                       tagged_by_first_letter)
from dashboard.records import DateMention, Problem, Sentence
from dashboard.text import (MONTH_PATTERN, MONTHS, WEEKDAYS, month_number, split_sentences,
                            weekday_number)

DAY, MONTH, YEAR = "day", "month", "year"
PAST, PRESENT, FUTURE = "past", "present", "future"

_FULL_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday" \
                r"|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)\b"
_FULL_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October"
               r"|November|December|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST"
               r"|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\b")
_YEAR = r"(?:1[5-9]\d\d|20\d\d|21\d\d)(?![\d\u2013-]|,\d|\.\d|s\b|'s\b)"
_DAY_NUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_QUALIFIERS = {
    "before": "before", "prior to": "before", "ahead of": "before",
    "after": "after", "since": "after", "following": "after", "not before": "after",
    "by": "by", "no later than": "by", "not later than": "by",
    "until": "until", "till": "until", "through": "until",
    "around": "around", "circa": "around", "approximately": "around", "as of": "",
}
_QUAL = r"(?i:not\s+before|no\s+later\s+than|not\s+later\s+than|prior\s+to|ahead\s+of|as\s+of" \
        r"|before|after|since|following|by|until|till|through|around|circa|approximately)"
#: Words that introduce a bare month or year; "in" and "of" are not kept in the span.
_CONTEXT = r"(?i:in|during|from|of|between|early|late|mid|last|next|this)"
_WD_PREFIX = rf"(?:{_FULL_WEEKDAY},?\s+)?"
_NUMERIC_DAY = r"(?:\d{1,2})"

#: Words a date expression can begin with. The look-ahead built from them (case-sensitive, so
#: the engine can reject a branch on its first letter) halves the scan time on plain prose.
_STARTERS = (
    "not no prior ahead as before after since following by until till through around circa "
    "approximately end beginning start middle close yesterday today tonight tomorrow last "
    "this earlier later next previous coming past " + " ".join(_NUMBER_WORDS)
).split()
#: Frequent words that begin one only before a month or a year (``_CONTEXT``: "in March").
_BEFORE_MONTH_OR_YEAR = "in during from of between early late mid".split()
#: Each word in both cases, with the words of ``MONTH_PATTERN`` and ``_FULL_WEEKDAY``; each is
#: followed by a word boundary there, so one alternation of them all, grouped by first letter
#: (``alternation``), accepts the same positions with a few tests each.
_START_WORDS = {
    *(f(w) for w in set(_STARTERS) - {"a", "an"} for f in (str.lower, str.capitalize)),
    *(f(w) for w in MONTHS for f in (str.capitalize, str.upper)),
    *(f(w) for w in WEEKDAYS if w.endswith("day") for f in (str.capitalize, str.upper)),
}
_START_CONTEXT = {f(w) for w in _BEFORE_MONTH_OR_YEAR for f in (str.lower, str.capitalize)}
#: "the" and "a" begin a date only as "the 10th", "the day before", "the week", "the year 2006",
#: "a week ago"; ``_CONTEXT`` words only before a capitalised month or a year's first digit.
#: A season, read only after words that make it one ("in the spring", "this summer"): "the
#: fall of the city" is no season, nor is "in winter" one winter.
_SEASON = r"(?i:spring|summer|autumn|fall|winter)\b(?!\s+of\b)"
_START = (rf"(?<!\w)(?=\d|[A-Z][A-Z]|(?:{alternation(_START_WORDS)})\b"
          rf"|(?:{alternation(_START_CONTEXT)})[\s-]+[A-Z12]"
          r"|[Tt]he\s+(?:\d|(?i:day|week|month|year))|[Aa]n?\s+(?i:day|week|month|year)"
          r"|(?:[Ii]n|[Dd]uring|[Bb]y)\s+the\s+(?:early\s+|late\s+)?[SsWwAaFf]"
          r"|(?:[Ee]arly|[Ll]ate)\s+[SsWwAaFf])")  # seasons; case-sensitive words scan fastest

_DATE_RE = re.compile(
    rf"{_START}(?:(?P<qual>{_QUAL})\s+(?:(?i:the)\s+)?)?"
    r"(?:(?P<edge>(?i:end|beginning|start|middle|close))\s+(?i:of)\s+)?"
    r"(?:"
    rf"(?P<mdy>{_WD_PREFIX}(?P<m1>{MONTH_PATTERN})\s*(?P<d1>{_DAY_NUM})(?:,?\s+(?P<y1>{_YEAR}))?)"
    rf"|(?P<dmy>{_WD_PREFIX}(?:(?i:the)\s+)?(?P<d2>{_DAY_NUM})\s+(?:(?i:of)\s+)?"
    rf"(?P<m2>{MONTH_PATTERN})(?:,?\s+(?P<y2>{_YEAR}))?)"
    rf"|(?P<my>(?P<m3>{MONTH_PATTERN}),?\s+(?:(?i:of)\s+)?(?P<y3>{_YEAR}))"
    r"|(?P<iso>(?<![\d-])(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?![\d-]))"
    rf"|(?P<num>(?<![\d/.])(?P<na>{_NUMERIC_DAY})(?P<sep>[/.])(?P<nb>{_NUMERIC_DAY})(?P=sep)"
    r"(?P<ny>\d{4})(?![\d/]|\.\d))"
    r"|(?P<rel>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday"
    r"|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))"
    r"(?:(?i:\s+(?:morning|afternoon|evening|night)))?)\b"
    r"|(?P<period>(?:(?P<p_side>(?i:earlier|later))\s+)?"
    r"(?P<p_dir>(?i:last|next|this|previous|coming|the))\s+(?P<p_unit>(?i:week|month|year))\b"
    r"(?![\s-]+\d{4}\b))"  # "the year 2006" is a year, read below
    r"|(?P<ago>(?P<n>\d{1,3}|(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve))\s+(?P<n_unit>(?i:day|week|month|year))s?\s+(?i:ago)\b)"
    rf"|(?P<wd>(?:(?P<w_dir>(?i:last|next|this|coming|past))\s+)?(?:(?i:early|late)\s+)?"
    rf"(?<!Good )(?<!Black )(?P<w_name>{_FULL_WEEKDAY})"
    r"(?:(?i:\s+(?:morning|afternoon|evening|night))(?!'s))?)(?:'s\b)?"
    rf"|(?P<season>(?:(?P<s_ctx>(?i:this|last|next|early|late))\s+"
    rf"|(?i:in|during|by)\s+(?i:the)\s+(?:(?i:early|late)\s+)?)(?P<s_name>{_SEASON}))"
    rf"|(?P<mo>(?:(?P<m_ctx>{_CONTEXT})[\s-]+)?(?P<m4>{_FULL_MONTH})(?![\s,]*\d))"
    rf"|(?P<yr>(?:(?P<y_ctx>{_CONTEXT}|(?i:the\s+year))[\s-]+)?(?<![\d,.])(?P<y4>{_YEAR}))"
    r")"
)

_FUTURE = (r"will|won't|shall|would|(?:is|are|was|were|am)\s+(?:expected|due|scheduled"
           r"|set|slated|planned|going|about|likely|to)|to\s+be\s+held|expects?\s+to|plans?\s+to"
           r"|intends?\s+to|scheduled\s+for|due\s+(?:on|to|by|in)|upcoming|tomorrow|next")
_PAST = (r"was|were|had|did|said|told|went|came|met|held|left|took|made|began|sent|saw|gave"
         r"|became|fell|won|lost|fled|ago|yesterday|last|earlier|[a-z]{3,}ed")
_PRESENT = r"is|are|am|says|say|remains?|continues?|seeks?|believes?|thinks?|insists?"
_WEAK_FUTURE = r"meeting\s+on|meet\s+on|meets\s+on|summit\s+on|talks\s+on|session\s+on"
#: (By first letter, each alternative tagged with its tense: ``tagged_by_first_letter``.)
_TENSE_RE = CaseBlind(r"(?<![\w'])(?:%s)" % tagged_by_first_letter(
    rf"(?P<future>{_FUTURE})|(?P<past>{_PAST})|(?P<present>{_PRESENT})|(?P<weak>{_WEAK_FUTURE})",
    after=r"(?![\w'])"))
#: "-ed" words that are adjectives or nouns far more often than past verbs.
_NOT_PAST = frozenset(
    "armed united alleged hundred based limited related detailed advanced experienced organized "
    "organised unidentified unnamed sacred naked wicked rugged beloved so-called concerned "
    "interested supposed embattled disputed".split()
)
#: Past cues that are never participles.
_ALWAYS_PAST = frozenset("was were had did ago yesterday last earlier".split())
#: Words after which "held" or "stationed" is a participle or adjective, not a past verb.
_PARTICIPLE_AFTER = frozenset(
    "is are am be been being was were will to the a an get gets its their his her our".split()
)

#: "by" right after an "-ed" word makes it a passive participle ("attended by", "backed by").
_AGENT_AFTER = re.compile(r"\s+by\b")

TenseFn = Callable[[int, int], str]


def sentence_tense(sentence: str) -> str:
    """"past", "present" or "future": the first finite-verb cue of the sentence decides."""
    cues = _tense_cues(sentence)
    strong = [c for c in cues if c[1] != "weak"]
    if strong:
        return strong[0][1]
    return FUTURE if cues else PRESENT


# A trailing attribution (", a spokesman said.") reports the clause; it does not set its tense.
_ATTRIBUTION_RE = re.compile(
    r",\s*(?:[\w'’.-]+\s+){0,5}(?:said|says|told|added|stated|announced|reported|noted|"
    r"claimed|confirmed|insisted|explained)\b[^,.;!?]{0,40}[.!?\"”']*\s*$"
)


def _attribution_start(sentence: str) -> int | None:
    """Where a trailing attribution starts; only the tail is searched, so the cost is constant."""
    offset = max(0, len(sentence) - 160)
    match = _ATTRIBUTION_RE.search(sentence, offset)
    return match.start() if match else None


#: Where a clause ends or a new one begins: punctuation, a relative or subordinating word, a
#: coordinating "and"/"but". A date belongs to the verb of its own clause ("Marines who landed
#: on Friday will enter", "told Parliament on Saturday that the islands would be freed").
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s[-\u2013]\s|\b(?:that|who|which|whose|where|when"
                           r"|while|whereas|because|although|but|and)\b")


def tense_near(sentence: str, start: int, end: int | None = None) -> str:
    """The tense of ``sentence[start:end]`` (a date inside the sentence): its clause's verb."""
    return _nearest_tense(_tense_cues(sentence), _attribution_start(sentence), start, end,
                          _clause_breaks(sentence))


def _clause_breaks(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CLAUSE_BREAK.finditer(sentence)]


def _clause_tense(all_cues: list[tuple[int, str]], breaks: list[tuple[int, int]], start: int,
                  end: int) -> str | None:
    """The tense of the verb in the date's own clause: the nearest strong cue before the date
    in it (a verb governs the adverbial after it), else the nearest after it; None when the
    clause has none ("On Friday, the ministers will meet": the sentence decides)."""
    opening = max((b for b in breaks if b[1] <= start), default=None, key=itemgetter(1))
    lo = opening[1] if opening else 0
    hi = min((b[0] for b in breaks if b[0] >= end), default=1 << 30)
    before = [c for c in all_cues if lo <= c[0] < start and c[1] != "weak"]
    if before:
        return before[-1][1]
    after = [c for c in all_cues if end <= c[0] < hi and c[1] != "weak"]
    if after:
        return after[0][1]
    # a phrase with no verb of its own after a comma ("…, with 6,000 sailors aboard, to the
    # Yellow Sea from Sunday") hangs on the verb before it; one opened by a word ("but that the
    # period after December 10, when …") is left to the sentence
    if opening is None or opening[1] - opening[0] != 1:
        return None
    earlier = [c for c in all_cues if c[0] < lo and c[1] != "weak"]
    return earlier[-1][1] if earlier else None


def _nearest_tense(all_cues: list[tuple[int, str]], attribution: int | None, start: int,
                   end: int | None, breaks: list[tuple[int, int]] | None = None) -> str:
    end = start if end is None else end
    if breaks is not None:
        local = _clause_tense(all_cues, breaks, start, end)
        if local is not None:
            return local
    cues = [c for c in all_cues if c[0] < start or c[0] >= end]
    if attribution is not None and attribution >= end:
        inside = [c for c in cues if c[0] < attribution and c[1] != "weak"]
        cues = inside or cues
    strong = [c for c in cues if c[1] != "weak"]
    if strong:
        return min(strong, key=lambda c: abs(c[0] - start) if c[0] < start else c[0] - end)[1]
    return FUTURE if cues else PRESENT


def _tense_cues(sentence: str) -> list[tuple[int, str]]:
    """(offset, tense) of every tense cue, "-ed" adjectives and participles left out."""
    cues = []
    for match in _TENSE_RE.finditer(sentence):
        kind = group_of(match.lastgroup)
        if kind == "past" and not _is_past_verb(sentence, match):
            continue
        cues.append((match.start(), kind))
    return cues


def _is_past_verb(sentence: str, match: re.Match[str]) -> bool:
    word = match.group().lower()
    if word in _ALWAYS_PAST:
        return True
    if word.endswith("ed") and (sentence[match.start()].isupper() or word in _NOT_PAST
                                or word.endswith("eed")):
        return False
    before = sentence[max(0, match.start() - 20):match.start()].split()
    if word.endswith("ed") and _AGENT_AFTER.match(sentence, match.end()):
        return False  # "…on Friday, attended by ambassadors": a participle, not the tense
    return not (before and before[-1].lower() in _PARTICIPLE_AFTER)


def find_dates(
    text: str, anchor: dt.date | None, start: int = 0, end: int | None = None,
    sentences: Sequence[Sentence] | None = None, tense: str = "",
) -> tuple[DateMention, ...]:
    """Every date expression in ``text[start:end]``, resolved against ``anchor`` (the dateline).

    ``sentences``: the sentences of ``text[start:end]`` when the caller has split them already
    (the tense of a mention is read in its sentence); otherwise they are split here if needed.
    ``tense``: one tense for every mention instead (a narrative's "present": the nearest day).
    """
    end = len(text) if end is None else min(end, len(text))
    tense_at = (lambda lo, hi: tense) if tense else _lazy_tense(text, start, end, sentences)
    found = []
    for match in _DATE_RE.finditer(text, start, end):
        mention = _mention(text, match, anchor, tense_at)
        if mention is not None:
            found.append(mention)
    return tuple(found)


def find_article_dates(text: str, anchor: dt.date | None,
                       sentences: Sequence[Sentence]) -> tuple[DateMention, ...]:
    """Every date of an article's sentences; with no dateline (``anchor`` None), read as a
    narrative whose reference is its last calendar date with a year (see module doc)."""
    if anchor is not None:
        return tuple(m for s in sentences for m in find_dates(text, anchor, s.start, s.end, (s,)))
    found: list[DateMention] = []
    story: dt.date | None = None
    for s in sentences:
        mentions = find_dates(text, None, s.start, s.end, (s,))
        if story is not None and any(m.date is None for m in mentions):
            mentions = _in_story(text, mentions, story, s)
        for m in mentions:
            if m.date is not None and m.precision == DAY and _MONTH_NAMED.search(m.text):
                story = m.date  # "July 24, 2003", and "August 13" read from it
        found += mentions
    return tuple(found)


#: A mention naming its month, which a narrative's reference may follow ("on August 13").
_MONTH_NAMED = re.compile(rf"(?i:\b{MONTH_PATTERN})")
#: Dates counted from the moment of writing, which a narrative does not give.
_FROM_WRITING = re.compile(r"(?i)\b(?:yesterday|today|tonight|tomorrow|ago|last|next|previous"
                           r"|coming|past|earlier|later(?!\s+this\s+year)|this(?!\s+year))\b")


def _in_story(text: str, mentions: tuple[DateMention, ...], story: dt.date,
              sentence: Sentence) -> tuple[DateMention, ...]:
    """A sentence's unresolved mentions read against a narrative's last calendar date, the
    nearest whatever the tense; not those counted from the moment of writing."""
    again = {(m.start, m.end): m
             for m in find_dates(text, story, sentence.start, sentence.end, (sentence,),
                                 tense=PRESENT)}
    return tuple(again.get((m.start, m.end), m)
                 if m.date is None and not _FROM_WRITING.search(m.text) else m
                 for m in mentions)


def _lazy_tense(text: str, start: int, end: int,
                given: Sequence[Sentence] | None = None) -> TenseFn:
    """A tense look-up that splits sentences (unless ``given``) only if some mention needs one."""
    sentences: list[Sentence] = list(given or ())
    starts: list[int] = [s.start for s in sentences]
    cues: dict[int, tuple[list[tuple[int, str]], int | None]] = {}  # by sentence index
    breaks: dict[int, list[tuple[int, int]]] = {}

    def tense_at(lo: int, hi: int) -> str:
        if not starts:
            sentences.extend(split_sentences(text, start, end) or (Sentence(start, start, ""),))
            starts.extend(s.start for s in sentences)
        index = max(bisect.bisect_right(starts, lo) - 1, 0)
        sentence = sentences[index]
        if index not in cues:
            cues[index] = (_tense_cues(sentence.text), _attribution_start(sentence.text))
            breaks[index] = _clause_breaks(sentence.text)
        return _nearest_tense(*cues[index], lo - sentence.start, hi - sentence.start,
                              breaks[index])

    return tense_at


def _mention(
    text: str, match: re.Match[str], anchor: dt.date | None, tense_at: TenseFn,
) -> DateMention | None:
    kind = match.lastgroup  # each kind's group closes last: it holds the others it uses
    body = (match.start(kind), match.end(kind))
    resolved = _RESOLVERS[kind](match, anchor, lambda: tense_at(*body))
    if resolved is _REJECT:
        return None
    day, precision = resolved
    day, precision = _apply_edge(match.group("edge"), day, precision)
    qual = match.group("qual")
    start = match.start() if qual or match.group("edge") else _trim_start(match, kind)
    qualifier = _QUALIFIERS[" ".join(qual.lower().split())] if qual else ""
    end = match.end(kind)  # a possessive "'s" stays outside the words
    return DateMention(start, end, text[start:end], day, precision if day else "", qualifier)


_LEFT_OUT = ("in", "during", "from", "of", "between")


def _trim_start(match: re.Match[str], kind: str) -> int:
    """Leave "in", "during", "from", "of", "between" out of the mention's words."""
    ctx = {"mo": "m_ctx", "yr": "y_ctx"}.get(kind)
    if ctx and match.group(ctx) and match.group(ctx).lower() in _LEFT_OUT:
        return match.start("m4" if kind == "mo" else "y4")
    return match.start(kind)


_REJECT = object()
Resolved = tuple[dt.date | None, str]
Anchor = dt.date | None
#: Called only by resolvers that need the tense, so sentences are split only when needed.
LazyTense = Callable[[], str]


def _explicit(year: str | None, month: int, day: int, anchor: Anchor, tense: LazyTense) -> Resolved:
    if year:
        return _safe_date(int(year), month, day), DAY
    if anchor is None:
        return None, DAY
    return resolve_month_day(anchor, month, day, tense()), DAY


def _resolve_mdy(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    month = month_number(m.group("m1")) or 1
    return _explicit(m.group("y1"), month, _int(m.group("d1")), anchor, tense)


def _resolve_dmy(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    month = month_number(m.group("m2")) or 1
    return _explicit(m.group("y2"), month, _int(m.group("d2")), anchor, tense)


def _resolve_my(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    return _safe_date(int(m.group("y3")), month_number(m.group("m3")) or 1, 1), MONTH


def _resolve_iso(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    return _safe_date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), DAY


def _resolve_numeric(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    """dd/mm/yyyy or mm/dd/yyyy: a day only when one reading is impossible, else the year."""
    a, b, year = int(m.group("na")), int(m.group("nb")), int(m.group("ny"))
    readings = {d for d in (_safe_date(year, b, a), _safe_date(year, a, b)) if d}
    if len(readings) == 1:
        return readings.pop(), DAY
    return (dt.date(year, 1, 1), YEAR) if readings and 1500 <= year <= 2199 else _REJECT


def _int(digits: str) -> int:
    return int(re.match(r"\d+", digits).group())  # type: ignore[union-attr]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_RELATIVE_DAYS = {
    "the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
    "today": 0, "tonight": 0, "tomorrow": 1, "last night": -1, "this morning": 0,
    "this afternoon": 0, "this evening": 0,
}


def _resolve_rel(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    words = " ".join(m.group("rel").lower().split())
    shift = next(v for k, v in _RELATIVE_DAYS.items() if words.startswith(k))
    return (anchor + dt.timedelta(days=shift) if anchor else None), DAY


def _resolve_period(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    direction, unit = m.group("p_dir").lower(), m.group("p_unit").lower()
    if direction == "the" and not m.group("edge"):
        return _REJECT  # "the week" alone names no particular week
    if anchor is None:
        return None, ""
    step = {"last": -1, "previous": -1, "next": 1, "coming": 1}.get(direction, 0)
    return shift_period(anchor, unit, step)


def _resolve_ago(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    raw = m.group("n").lower()
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    if anchor is None:
        return None, ""
    unit = m.group("n_unit").lower()
    if unit == "day":
        return anchor - dt.timedelta(days=count), DAY
    return shift_period(anchor, unit, -count)


def _resolve_wd(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    if anchor is None:
        return None, DAY
    weekday = weekday_number(m.group("w_name")) or 0
    direction = (m.group("w_dir") or "").lower()
    return resolve_weekday(anchor, weekday, tense() if not direction else "", direction), DAY


def _resolve_mo(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    ctx = (m.group("m_ctx") or "").lower()
    if not ctx and not m.group("qual") and not m.group("edge"):
        return _REJECT  # a bare "May" or "March" is too often a word or a name
    if anchor is None:
        return None, MONTH
    month = month_number(m.group("m4")) or 1
    forced = {"last": PAST, "next": FUTURE}.get(ctx)
    return resolve_month(anchor, month, forced or tense(), strict=bool(forced)), MONTH


_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def _resolve_season(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    """ "in the spring", "this summer", "last winter": the year of the season (its first month
    read like a month name); a season is no month, so the precision is the year."""
    if anchor is None:
        return None, ""
    ctx = (m.group("s_ctx") or "").lower()
    month = _SEASON_MONTHS[m.group("s_name").lower()]
    if ctx == "this":
        return dt.date(anchor.year, 1, 1), YEAR
    forced = {"last": PAST, "next": FUTURE}.get(ctx)
    start = resolve_month(anchor, month, forced or tense(), strict=bool(forced))
    return dt.date(start.year, 1, 1), YEAR


def _resolve_yr(m: re.Match[str], anchor: Anchor, tense: LazyTense) -> Resolved:
    if not m.group("y_ctx") and not m.group("qual") and not m.group("edge"):
        return _REJECT  # a bare four-digit number is as often a count as a year
    return dt.date(int(m.group("y4")), 1, 1), YEAR


_RESOLVERS: dict[str, Callable[[re.Match[str], Anchor, LazyTense], object]] = {
    "mdy": _resolve_mdy, "dmy": _resolve_dmy, "my": _resolve_my, "iso": _resolve_iso,
    "num": _resolve_numeric, "rel": _resolve_rel, "period": _resolve_period, "ago": _resolve_ago,
    "wd": _resolve_wd, "mo": _resolve_mo, "yr": _resolve_yr, "season": _resolve_season,
}


def resolve_weekday(anchor: dt.date, weekday: int, tense: str, direction: str = "") -> dt.date:
    """The day a weekday name points to from ``anchor``.

    ``direction`` "last"/"past" → strictly before, "next" → strictly after, "this"/"coming"
    → on or after. Otherwise the anchor's own weekday is the anchor itself ("Thursday night"
    in a Thursday report), and another weekday is the previous one in the past tense, the
    next one in the future tense and the nearest one in the present tense.
    """
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if direction in ("last", "past"):
        return anchor - dt.timedelta(days=back or 7)
    if direction == "next":
        return anchor + dt.timedelta(days=ahead or 7)
    if direction in ("this", "coming") or not back:
        return anchor + dt.timedelta(days=ahead)
    if tense == PAST or (tense == PRESENT and back < ahead):
        return anchor - dt.timedelta(days=back)
    return anchor + dt.timedelta(days=ahead)


def resolve_month_day(anchor: dt.date, month: int, day: int, tense: str) -> dt.date | None:
    """Year for "December 10": the nearest to ``anchor``, moved a year if the tense insists.

    A past-tense date that would fall after the anchor goes back a year, a future-tense one
    before the anchor forward a year. None when no nearby year has that day (February 30).
    """
    candidates = [d for d in (_safe_date(anchor.year + k, month, day) for k in (-1, 0, 1)) if d]
    if not candidates:
        return None
    best = min(candidates, key=lambda d: abs((d - anchor).days))
    if tense == PAST and best > anchor:
        earlier = [d for d in candidates if d <= anchor]
        return earlier[-1] if earlier else best
    if tense == FUTURE and best < anchor:
        later = [d for d in candidates if d >= anchor]
        return later[0] if later else best
    return best


def resolve_month(anchor: dt.date, month: int, tense: str, strict: bool = False) -> dt.date:
    """The 1st of the month "in March" names: the nearest such month, moved by the tense.

    With ``strict`` ("last March", "next March") the month containing the anchor is skipped.
    """
    options = [dt.date(anchor.year + k, month, 1) for k in (-1, 0, 1)]
    current = dt.date(anchor.year, anchor.month, 1)
    if tense == PAST:
        fitting = [d for d in options if d < current or (d == current and not strict)]
        return fitting[-1]
    if tense == FUTURE:
        fitting = [d for d in options if d > current or (d == current and not strict)]
        return fitting[0]
    return min(options, key=lambda d: abs((d - current).days))


def shift_period(anchor: dt.date, unit: str, step: int) -> Resolved:
    """The week, month or year ``step`` periods from the anchor's, with its precision."""
    if unit == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=step)
        return week_of(monday)
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + step
        return dt.date(index // 12, index % 12 + 1, 1), MONTH
    return dt.date(anchor.year + step, 1, 1), YEAR


def week_of(monday: dt.date) -> Resolved:
    """A week as its Monday, at the precision the whole week shares (see module doc)."""
    sunday = monday + dt.timedelta(days=6)
    if sunday.month == monday.month:
        return monday, MONTH
    if sunday.year == monday.year:
        return monday, YEAR
    return None, ""


def _apply_edge(edge: str | None, day: dt.date | None, precision: str) -> Resolved:
    """"the end of March" → March 31 (precision month); "the end of the year" → December."""
    if not edge or day is None or precision not in (MONTH, YEAR) or edge.lower() == "middle":
        return day, precision
    closing = edge.lower() in ("end", "close")
    if precision == YEAR:
        return (dt.date(day.year, 12, 31) if closing else day), MONTH
    if closing:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1]), MONTH
    return day, MONTH


def date_problems(mentions: tuple[DateMention, ...], anchor: dt.date | None) -> tuple[Problem, ...]:
    """One ``unresolved_date`` problem per mention left without a date, saying why."""
    problems = []
    for m in mentions:
        if m.date is not None:
            continue
        if anchor is None and not _CALENDAR_DATE.search(m.text):
            why = "needs the report's date, and the article has no dateline"
        else:
            why = "names no day the calendar has, or a week that spans two years"
        problems.append(Problem("unresolved_date", f"date {m.text!r} {why}", m.start, m.end))
    return tuple(problems)


#: A mention with a four-digit year stands alone; one without needs the dateline.
_CALENDAR_DATE = re.compile(r"\d{4}")
