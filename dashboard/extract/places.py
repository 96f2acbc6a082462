"""Place mentions: gazetteer names, cue phrases ("the town of X"), directional regions, anaphora.

The stage finds *mentions* only (``Place`` records with no coordinates); ``dashboard.extract.resolve``
geocodes them. A mention never overlaps another, an organisation or a person's name.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import repeat
from typing import NamedTuple, Protocol

from dashboard.extract import lexicon
from dashboard.extract.first_names import first_names
from dashboard.extract.spans import ByStart
from dashboard.records import Place, Sentence


class PlaceNames(Protocol):
    """What the stage asks of the gazetteer (``dashboard.geo.gazetteer.Gazetteer`` fits)."""

    def has_name(self, name: str) -> bool: ...

    def demonym(self, word: str) -> str | None: ...


#: A word: dotted acronym ("U.S."), or letters with inner hyphens/apostrophes.
#: (The shared first letter is written once, so the regex engine tests each position once.)
#: A dotted part may have a second, small letter: "W.Va.", "N.Dak." are one word.
_TOKEN = re.compile(r"[^\W\d_](?:\.(?:[^\W\d_][a-z]?\.)+|[\w'’]*(?:-[\w'’]+)*)")
_POSSESSIVE = re.compile(r"['’]s?$")
#: One space between words of a name; invisible format characters (zero-width space, direction
#: marks, word joiner) copied from the web do not split it.
_SPACE = re.compile(r"[\u200b-\u200f\u2060\ufeff]*[ \u00a0][\u200b-\u200f\u2060\ufeff]*")
#: Lower-case words allowed inside a multi-word name ("Bosnia and Herzegovina", "Ras al Khaimah").
_CONNECTORS = frozenset(
    "of and de del della di da do dos das du des la le el al al- upon on sur am an der bin ibn y"
    .split())
_MAX_NAME_TOKENS = 6


def _word_file(name: str) -> frozenset[str]:
    text = (lexicon.HERE / name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines()
                     if w.strip() and not w.startswith("#"))


#: Heads of organisation and street names, never a place alone (``not_alone.txt``).
_NOT_ALONE = _word_file("not_alone.txt")
#: The longest name before a place noun ("X Y Z province").
_MAX_CUED_TOKENS = 4
#: Place nouns: "the town of X", "X province", "the divided town X".
_KIND_NOUNS = {
    "town": "city", "city": "city", "village": "city", "capital": "city", "port": "city",
    "hamlet": "city", "settlement": "city", "enclave": "city", "suburb": "city",
    "province": "admin1", "state": "admin1", "region": "admin1", "district": "admin1",
    "governorate": "admin1", "prefecture": "admin1", "county": "admin1", "oblast": "admin1",
    "canton": "admin1", "municipality": "city", "airport": "facility", "airbase": "facility",
    "base": "facility", "island": "region", "valley": "region",
    "parish": "admin2", "river": "water", "lake": "water", "creek": "water", "bay": "water",
    "mountains": "region",
}
#: Kinds a place noun after the name asks for ("X province", "X airport", "X River").
_AFTER_KINDS = ("admin1", "admin2", "facility", "water", "region")
#: Nouns after the name that make a county-level mention ("Ridge County", "Bayou Parish"):
#: "county" is a province in some countries and a district in others, so admin2 when the
#: gazetteer has that level (``dashboard.extract.resolve`` falls back to admin1).
_ADMIN2_AFTER = frozenset({"county", "parish", "district", "borough"})
#: Hint for a name that reads as a place only if the gazetteer ranks it (a country, province,
#: county or large city of the article's frame) or a locative cue says so: a given name, a
#: surname of the article, the first word of a sentence (``dashboard.extract.resolve`` decides).
WEAK = "?"
#: Hint for a demonym or adjective ("Russian", "Palestinians"): a non-literal country mention.
DEMONYM = "demonym"
#: Hint for a place name inside an organisation's name ("the Pristina Police Department", "Serbia
#: Department of Health"): a non-literal mention, associated with the place, not at it.
EMBEDDED = "embedded"
#: Hint for a word the article uses as a person's surname ("Peter Hollis" ... "Hollis"):
#: a place only as a country or a province of the article's country.
SURNAME = "?name"
#: Nouns after a place word that show the word belongs to an organisation or work's name.
_NAME_HEADS = frozenset(
    "post times herald tribune journal gazette telegraph daily news radio television tv "
    "university college institute school airlines airways council commission committee "
    "ministry party front movement army force forces brigade corps police government assembly "
    "parliament court tribunal agency bank foundation group company corporation club fc "
    "united accord accords agreement treaty declaration protocol conference process war wars "
    "resolution plan initiative mission battalion regiment division police fire mayor board "
    "department association society chamber league administration associates".split()
) | _NOT_ALONE
_ANAPHOR_NOUNS = "town|city|village|capital|province|country|enclave"
#: "the town", "the capital" … as a reference back to an earlier place.
_ANAPHORA = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:(?:divided|embattled|besieged|northern|southern|eastern|"
    r"western|"
    r"central|small|tiny|remote|restive|breakaway|border|key|strategic|ethnically\s+divided|"
    rf"mountainous|coastal|same)\s+)?({_ANAPHOR_NOUNS})"
    r"\b(?!\s+(?:of|[A-Z]))"
)
#: Every reference holds one of its nouns: a sentence without any needs no full scan (most).
_ANAPHOR_NOUN = re.compile(_ANAPHOR_NOUNS)
#: How many earlier mentions a reference may point back over.
_ANAPHOR_WINDOW = 40
_ANAPHOR_KINDS = {
    "town": ("city",), "city": ("city",), "village": ("city",), "enclave": ("city",),
    "capital": ("city",), "province": ("admin1", "region", "country"),
    "region": ("region", "directional_region", "admin1"), "area": ("region", "directional_region"),
    "country": ("country",),
}


class _Token(NamedTuple):
    """A word of a sentence (a tuple: there are many and they are made often)."""

    start: int
    end: int
    word: str
    capitalised: bool


#: ``_tokens`` builds its tuples with C-level ``map`` calls: every word of every sentence becomes
#: one, and a Python-level step per word cost as much as the rest of the tokenising.
_new_token = tuple.__new__
_START, _END, _GROUP = re.Match.start, re.Match.end, re.Match.group
_FIRST_LETTER = operator.itemgetter(0)


def find_places(
    text: str, sentences: Sequence[Sentence], names: PlaceNames,
    blocked: Sequence[tuple[int, int]] = (),
) -> tuple[Place, ...]:
    """Every place mention in ``sentences`` (reading order, ids ``p1``…), coordinates unset.

    ``blocked`` spans (organisation and person names) never hold a place mention.
    """
    found: list[tuple[int, int, str, str]] = []
    blocked_at = ByStart(blocked, lambda span: span[0])
    # The article's words are read twice (people and lower-case words first); a long article's
    # are tokenised again rather than all kept, which would double its memory.
    keep = len(text) <= _KEEP_TOKENS_UP_TO
    tokenised = [(sentence, _tokens(text, sentence)) for sentence in sentences] if keep else (
        (sentence, _tokens(text, sentence)) for sentence in sentences)
    people = _people(text, tokenised)
    if not keep:
        tokenised = ((sentence, _tokens(text, sentence)) for sentence in sentences)
    for sentence, tokens in tokenised:
        taken = _SpanSet(blocked_at.within(sentence.start, sentence.end))
        for start, end, kind in _sentence_mentions(text, tokens, names, taken, people):
            found.append((start, end, kind, sentence.text))
        for start, end, kind in _anaphora(text, sentence, taken):
            found.append((start, end, kind, sentence.text))
    found.sort()
    return tuple(Place(id=f"p{i}", surface=text[start:end], start=start, end=end, sentence=sent,
                       kind=kind) for i, (start, end, kind, sent) in enumerate(found, 1))


#: Abbreviated titles before a surname ("Sen. Hollis", "Sgt. Brandt"): never places themselves.
_TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms messrs dr sen rep gov gen lt col sgt capt maj rev det cpl pvt adm cmdr supt atty "
    "insp prof pres sec spc pfc cpt brig judge sheriff officer deputy trooper coach st saint "
    "pastor father sister brother mayor councilman councilwoman commissioner".split())
#: "St. Louis" is a place and "St. Andrew" a saint: the word after one is no place alone.
_SAINTS = frozenset({"st", "saint"})
#: Given names common enough that the word after one is a surname ("Peter Hollis").
_GIVEN = first_names(0.01)
#: Given names common enough that alone they are a person more often than a small town.
_COMMON_GIVEN = first_names(0.05)


def _person_before(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether token ``i`` follows a given name, an initial or a title: "Peter Hollis",
    "Anna J. Hollis", "Sen. Hollis", "Sheriff Brandt" name people, not towns."""
    if i == 0:
        return False
    prev = tokens[i - 1]
    if not prev.capitalised:
        return False
    gap = text[prev.end:tokens[i].start]
    low = prev.word.lower()
    if gap == " ":
        return (low in _GIVEN and not prev.word.isupper()) or low in _TITLE_ABBREVIATIONS or (
            low in _TITLE_WORDS)
    if gap == ". ":
        return len(prev.word) == 1 or low in _TITLE_ABBREVIATIONS
    return False


class _People(NamedTuple):
    """What the whole article says about its capitalised words."""

    #: Words it uses as surnames ("Hollis" after "Peter Hollis").
    surnames: frozenset[str]
    #: Words it writes in lower case ("hope", "commerce").
    lower: frozenset[str]


_NO_PEOPLE = _People(frozenset(), frozenset())


#: Articles up to this many characters keep their words between the two readings.
_KEEP_TOKENS_UP_TO = 200_000


def _people(text: str, tokenised) -> _People:
    """In one pass over the words: the surnames (a word after a given name, initial or title:
    alone later, "Hollis said", it is the person, not a town) and the lower-case words (a
    search per capitalised word instead would make a huge article quadratic)."""
    surnames: set[str] = set()
    lower: set[str] = set()
    for _, tokens in tokenised:
        for i, token in enumerate(tokens):
            if not token.capitalised:
                lower.add(token.word)
            elif i and tokens[i - 1].capitalised and _person_before(text, tokens, i):
                surnames.add(token.word.lower())
    return _People(frozenset(surnames), frozenset(lower))


class _SpanSet:
    """Spans already claimed in one sentence (few, so a list is fastest)."""

    def __init__(self, spans: Sequence[tuple[int, int]] = ()) -> None:
        self.spans = list(spans)

    def overlaps(self, start: int, end: int) -> bool:
        for s, e in self.spans:
            if s < end and start < e:
                return True
        return False

    def add(self, start: int, end: int) -> None:
        self.spans.append((start, end))


def _tokens(text: str, sentence: Sentence) -> list[_Token]:
    found = list(_TOKEN.finditer(text, sentence.start, sentence.end))
    words = list(map(_GROUP, found))
    capitalised = map(str.isupper, map(_FIRST_LETTER, words))
    tokens = list(map(_new_token, repeat(_Token),
                      zip(map(_START, found), map(_END, found), words, capitalised)))
    if text.find("'", sentence.start, sentence.end) < 0 and (
            text.find("’", sentence.start, sentence.end) < 0):
        return tokens
    return [_without_possessive(text, token) for token in tokens]


def _without_possessive(text: str, token: _Token) -> _Token:
    """ "Kosovo's" -> "Kosovo" (the first letter, so the capital, stays)."""
    if "'" in token.word or "’" in token.word:
        cut = _POSSESSIVE.search(token.word)
        if cut and len(token.word) > len(cut.group()):
            end = token.end - len(cut.group())
            return _Token(token.start, end, text[token.start:end], token.capitalised)
    return token


def _sentence_mentions(text, tokens, names, taken, people=None):
    """(start, end, kind hint) of every named mention in one sentence's tokens."""
    out = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        low = token.word.lower()
        if (low in _NEVER_LEADS or _is_contraction(low) if token.capitalised
                else low not in _LEADS):
            i += 1  # a mention starts with a capital, a direction or a place noun
            continue
        if taken.overlaps(token.start, token.end):
            # "Palestinians", "the Russians" are groups among the actors and still name
            # their country; "the Georgian Interior Ministry" is an organisation's name.
            hit = _blocked_demonym(text, tokens, i, names) or _embedded(
                text, tokens, i, names, _run(text, tokens, i), None)
            if hit:
                out.append(hit[:3])
                i += hit[3]
            else:
                i += 1
            continue
        ends = _run(text, tokens, i)  # asked for by each reading below: found once
        hit = (_cue_mention(text, tokens, i, names, ends)
               or _directional(text, tokens, i, names, ends)
               or _named(text, tokens, i, names, ends, taken, people or _NO_PEOPLE)
               or _demonym(text, tokens, i, names, ends)
               or _embedded(text, tokens, i, names, ends, taken)
               or _unknown(text, tokens, i, names, ends, taken))
        if hit and not taken.overlaps(hit[0], hit[1]):
            start, end, kind, used = hit
            taken.add(start, end)
            out.append((start, end, kind))
            i += used
        else:
            i += 1
    return out


_CONTRACTION = re.compile(r"['’](?:ve|ll|re|m|d|t)$")


def _is_contraction(low: str) -> bool:
    """ "I've", "We're", "Don't": never a place, whatever a gazetteer spells that way."""
    return ("'" in low or "’" in low) and _CONTRACTION.search(low) is not None


def _demonym(text, tokens, i, names, ends):
    """ "Russian", "Palestinians", "Sri Lankan": a non-literal mention of the country."""
    if not ends:
        return None
    start = tokens[i].start
    if i > 1 and tokens[i - 1].capitalised and tokens[i - 1].end + 1 == start and (
            tokens[i - 1].word.lower() not in _NEVER_LEADS):
        return None  # "Native American", "Latin American": part of another name
    for j in ends:
        if j - i > 3:
            continue
        if names.demonym(text[start:tokens[j - 1].end]):
            if _heads_a_name(tokens, j):
                return None  # "the American Bar Association": an organisation's name
            return (start, tokens[j - 1].end, DEMONYM, j - i)
    return None


def _embedded(text, tokens, i, names, ends, taken):
    """ "Pristina" of "the Pristina Police Department": a known name right before an organisation's
    head noun (with up to two capitalised words between)."""
    if not ends or ends[0] - i < 2 or _never_starts(tokens[i].word) or _person_before(
            text, tokens, i):
        return None  # a lone word: no head after it in the run
    start = tokens[i].start
    for j in ends:
        if j - i > 3 or j >= len(tokens) or not _heads_a_name(tokens, j, limit=3) or (
                tokens[j].word.lower() in _NOT_ALONE):
            continue  # "Belgrade Road", "Pristina City" name a street or the place itself
        end = tokens[j - 1].end
        if j - i == 1 and (tokens[i].word.lower() in _NOT_ALONE or names.demonym(tokens[i].word)):
            continue
        if (taken is None or not taken.overlaps(start, end)) and names.has_name(text[start:end]):
            return (start, end, EMBEDDED, j - i)
    return None


#: Words after which a capitalised name is a place even if no gazetteer knows it: "fighting
#: around Brega", "near Xyzzy" (not "in" or "at": "in Congress", "at Microsoft").
_PLACE_PREPOSITIONS = frozenset({"near", "around", "outside", "toward", "towards", "nearby"})
#: ", Ind." / ", Texas" / ", Kenya" after a name: the "Town, State" of news style.
_STATE_AFTER = re.compile(r", ((?:[A-Z][a-z]{0,4}\.){1,2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=[\s,.;:)]|$)")


def _unknown(text, tokens, i, names, ends, taken):
    """A capitalised name no gazetteer knows that reads as a place all the same: after "near",
    "around", "outside" (a city), or before ", State" ("Smallville, Ind."). Resolution keeps it
    unresolved, with a problem."""
    if not ends or not (i > 0 and tokens[i - 1].word.lower() in _PLACE_PREPOSITIONS or any(
            text.startswith(", ", tokens[j - 1].end) for j in ends)):
        return None  # neither cue: most words stop here
    if _never_starts(tokens[i].word) or _person_before(text, tokens, i):
        return None
    j = _longest_plain(tokens, i, ends)
    if j is None or tokens[j - 1].word.lower() in _NOT_ALONE or _is_contraction(
            tokens[i].word.lower()) or names.demonym(tokens[i].word):
        return None
    start, end = tokens[i].start, tokens[j - 1].end
    if taken.overlaps(start, end) or (j < len(tokens) and tokens[j].capitalised and (
            tokens[j].start - end == 1)):
        return None
    prev = tokens[i - 1].word.lower() if i > 0 else ""
    if prev in _PLACE_PREPOSITIONS and text[tokens[i - 1].end:start] in (" ", " the "):
        return (start, end, "city", j - i)
    state = _STATE_AFTER.match(text, end)
    if state and (_is_state(names, state.group(1)) or _is_state(names, state.group(1)[:-1])):
        return (start, end, "city", j - i)
    return None


def _longest_plain(tokens, i, ends):
    """The longest run at ``i`` with no function word, weekday or title in it: "Brega", not
    "Brega on Monday"."""
    for j in ends:
        if not any(_never_starts(t.word) for t in tokens[i:j]):
            return j
    return None


def _is_state(names, word: str) -> bool:
    """A country, or a province's dotted abbreviation ("Ky.", "W.Va.")."""
    if not word:
        return False
    if word.endswith("."):
        known = getattr(names, "has_abbreviation", None)
        return bool(known and known(word))
    return bool(_is_country(names, word))


def _blocked_demonym(text, tokens, i, names):
    """A lone demonym inside an actor's span, with no capitalised word after it."""
    token = tokens[i]
    if not token.capitalised or not names.demonym(token.word) or _is_country(names, token.word):
        return None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.capitalised and nxt.start - token.end == 1:
        return None
    return (token.start, token.end, DEMONYM, 1)


def _heads_a_name(tokens: list[_Token], j: int, limit: int = 4) -> bool:
    """Whether the capitalised words from ``j`` end in an organisation's head noun."""
    k = j
    while k < len(tokens) and k - j < limit and tokens[k].capitalised and (
            tokens[k].start - tokens[k - 1].end == 1):
        if tokens[k].word.lower() in _NAME_HEADS:
            return True
        k += 1
    return False


#: Abbreviations that start a name and keep their dot: "St. Louis", "Ft. Collins".
_DOTTED_PREFIXES = frozenset({"st", "ste", "mt", "ft", "pt"})


def _run(text: str, tokens: list[_Token], i: int, limit: int = _MAX_NAME_TOKENS) -> list[int]:
    """Ends (exclusive token indexes) of name-shaped runs starting at ``i``, longest first.

    Words join across one space (or a hyphen) only; a possessive ("Kosovo's") leaves "'s" in
    the gap, so it closes a name: nothing after it belongs to the same name.
    """
    if not tokens[i].capitalised:
        return []
    ends = [i + 1]
    j = i + 1
    while j < len(tokens) and j - i < limit:
        gap = text[tokens[j - 1].end:tokens[j].start]
        if gap != " " and gap != "-" and not _SPACE.fullmatch(gap) and not (
                gap == ". " and tokens[j - 1].word.lower() in _DOTTED_PREFIXES):
            break
        if tokens[j].capitalised:
            ends.append(j + 1)
        elif tokens[j].word.lower() not in _CONNECTORS:
            break
        j += 1
    return ends[::-1]


def _named(text, tokens, i, names, ends, taken=None, people=None):
    """The longest gazetteer name among the runs ``ends`` at token ``i`` that reads as a place.

    The words before and after a run decide whether it reads as a place (``_plausible``); a
    lone word that is a given name, one of the article's surnames or a sentence's first word
    is only ``WEAK`` evidence.
    """
    if not ends or _never_starts(tokens[i].word) or _person_before(text, tokens, i):
        return None
    start = tokens[i].start
    for j in ends:
        end = tokens[j - 1].end
        if taken is not None and taken.overlaps(start, end) or not _fits_after(tokens, i, j, names):
            continue
        if not _fits_before(tokens, i, names):
            return None  # the same for every run from ``i``
        if j - i == 1 and (tokens[i].word.lower() in _NOT_ALONE or _given_then_name(text, tokens, i)):
            return None
        if text.startswith(".", end) and _is_abbreviation(names, text[start:end + 1]):
            return (start, end + 1, "", j - i)  # "Ind.", "Calif.": the dot is part of the name
        if names.has_name(text[start:end]):
            if i == 0 and tokens[i].word.isupper() and _DATELINE_AFTER.match(text, end):
                return (start, end, "city", j - i)  # "PRISTINA — The council…": the dateline
            return (start, end, _weak(text, tokens, i, j, people or _NO_PEOPLE), j - i)
    return None


def _given_then_name(text: str, tokens: list[_Token], i: int) -> bool:
    """ "Peter Brandt", "Maria Hollis": a common given name glued to a capitalised word
    that heads no organisation or place noun is a person's name."""
    if tokens[i].word.lower() not in _GIVEN or i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    low = nxt.word.lower()
    return (nxt.capitalised and text[tokens[i].end:nxt.start] == " "
            and low not in _NAME_HEADS and low not in _KIND_NOUNS and low not in _ADMIN2_AFTER)


#: "Taylor said", "according to Taylor": a lone word in a speaker's place.
_SPEAKER_AFTER = re.compile(r"['’]?s?,? (?:said|says|told|added|explained|noted|stated|asked)\b")


#: What follows a dateline's town: "PRISTINA —", "WASHINGTON (Reuters) -", "SMALLVILLE, Ind. --".
_DATELINE_AFTER = re.compile(
    r"(?:,\s*[A-Z][\w.]*(?: [A-Z0-9][\w.]*){0,2})?\s*(?:\([^()\n]{1,30}\)\s*)?(?:—|–|-{1,3})\s")
#: "Hollis & Brandt": a firm's partners; "the Obama administration": a leader's.
_AMPERSAND_AFTER = re.compile(r" ?& ?[A-Z]| administration\b")
#: "Hollis's Garage", "Brandt's Mill": a possessive before a capitalised word names a business
#: or a person's thing as often as a place's.
_OWNER_AFTER = re.compile(r"['’]s [A-Z]")


def _weak(text: str, tokens: list[_Token], i: int, j: int, people: _People) -> str:
    """``WEAK`` for a lone word that may well be a person or a capitalised common word."""
    if j - i > 1:
        return ""
    low = tokens[i].word.lower()
    if low in people.surnames:
        return SURNAME
    if i == 0 or low in _COMMON_GIVEN:
        return WEAK
    return WEAK if _SPEAKER_AFTER.match(text, tokens[i].end) or _OWNER_AFTER.match(
        text, tokens[i].end) or (len(low) > 2 and low in people.lower) or _AMPERSAND_AFTER.match(
        text, tokens[i].end) or text.endswith("& ", 0, tokens[i].start) else ""


def _is_abbreviation(names: PlaceNames, form: str) -> bool:
    """ "Ky.", "Calif.": a dotted abbreviation the gazetteer knows (not "Paris." ending a
    sentence); gazetteers without abbreviations say no."""
    known = getattr(names, "has_abbreviation", None)
    return bool(known and known(form))


def _plausible(tokens: list[_Token], i: int, j: int, names: PlaceNames) -> bool:
    """Filters for a name ``i:j`` before a place noun at ``j`` ("Ridge County"): the word
    after the noun must not make it an organisation's name ("Ridge County High School")."""
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    if nxt is not None and nxt.capitalised and nxt.word.lower() in _NAME_HEADS and (
            nxt.start - tokens[j].end == 1):
        return False
    first = tokens[i].word
    if j - i == 1 and (names.demonym(first) and not _is_country(names, first)
                       or first.lower() in _DIRECTION_WORDS):
        return False  # "Serbian province", "North District": no name before the noun
    return not _never_starts(first) and _fits_before(tokens, i, names)


def _never_starts(word: str) -> bool:
    """Words no place name starts with ("Monday", titles)."""
    low = word.lower()
    return low in _NOT_PLACES or low in _TITLE_WORDS or (
        low in _TITLE_ABBREVIATIONS and low not in _SAINTS)


def _fits_after(tokens: list[_Token], i: int, j: int, names: PlaceNames) -> bool:
    """The run ``i:j`` alone, and with the word after it, still reads as a place."""
    first = tokens[i].word
    if j - i == 1 and (len(first) < 2 or names.demonym(first) and not _is_country(names, first)
                       or first.lower() in _DIRECTION_WORDS or first.lower() in _NOT_ALONE):
        return False  # "the North" is a direction, not Cameroon's North region
    nxt = tokens[j] if j < len(tokens) else None
    if nxt and nxt.capitalised and nxt.start - tokens[j - 1].end == 1:
        if nxt.word.lower() in _NAME_HEADS:
            return False
        # "Jordan Smith": a single place word glued to an unknown capitalised word is a name.
        if j - i == 1 and not (names.has_name(nxt.word) or names.demonym(nxt.word)
                               or nxt.word.lower() in _KIND_NOUNS):
            return False
    return True


def _fits_before(tokens: list[_Token], i: int, names: PlaceNames) -> bool:
    """A capitalised word glued before token ``i`` (other than the sentence's first word) must
    itself be a place word, a demonym or a direction: "Ahmed Haddad" is a person even where a
    town is called Haddad."""
    prev = tokens[i - 1] if i > 0 else None
    if prev and prev.capitalised and i > 1 and tokens[i].start - prev.end == 1:
        return bool(names.has_name(prev.word) or names.demonym(prev.word)
                    or prev.word.lower() in _DIRECTION_WORDS)
    return True


def _is_country(names: PlaceNames, word: str) -> bool:
    """ "US" is a demonym-like modifier and a country name; "Serbian" only the former."""
    code = getattr(names, "country_code", None)
    return bool(code and code(word))


_TITLE_WORDS = frozenset(t for t in lexicon.titles() if " " not in t)
_NOT_PLACES = lexicon.not_places()
_DIRECTION_WORDS = frozenset(lexicon.DIRECTIONS)
#: Lower-case words a mention may start with: "southern Serbia", "the town of X".
_LEADS = _DIRECTION_WORDS | frozenset(_KIND_NOUNS)
#: Capitalised words no mention starts with ("The", "Monday", "President"): every reading but
#: the directional one refuses them (``_never_starts``), so they are skipped before any is tried.
_NEVER_LEADS = (_NOT_PLACES | _TITLE_WORDS | _TITLE_ABBREVIATIONS) - _DIRECTION_WORDS - _SAINTS



def _directional(text, tokens, i, names, ends):
    """ "southern Serbia", "north-eastern Afghanistan": one mention, kind directional_region."""
    word = tokens[i].word.lower()
    if word not in _DIRECTION_WORDS or i + 1 >= len(tokens):
        return None
    if tokens[i].capitalised:
        whole = _named(text, tokens, i, names, ends)
        if whole and whole[3] > 1:
            return None  # "South Africa", "North Korea": a name of its own
    for j in _run(text, tokens, i + 1):
        start, end = tokens[i].start, tokens[j - 1].end
        if not _SPACE.fullmatch(text, tokens[i].end, tokens[i + 1].start):
            return None
        if names.has_name(text[tokens[i + 1].start:end]):
            return (start, end, "directional_region", j - i)
    return None


def _cue_mention(text, tokens, i, names, ends):
    """ "the town of X", "the divided town X", "X province", "X airport": a place, known or not.

    ``ends`` are the runs at ``i`` (``_run``).
    """
    word = tokens[i].word.lower()
    if word in _KIND_NOUNS and not tokens[i].capitalised and i + 1 < len(tokens):
        of = tokens[i + 1].word == "of"
        k = i + 2 if of else i + 1
        if of or _SPACE.fullmatch(text, tokens[i].end, tokens[k].start):
            hit = _cued_name(text, tokens, k, names)
            if hit:
                return (hit[0], hit[1], _KIND_NOUNS[word], hit[2] + (k - i))
    known = _known_area(text, tokens, i, names, ends)
    if known:
        return known
    for j in reversed(ends):  # shortest first: "Bayou Parish", not "… Parish Fire District"
        if j - i > _MAX_CUED_TOKENS or j >= len(tokens):
            continue
        noun_word = tokens[j].word.lower()
        kind = "admin2" if noun_word in _ADMIN2_AFTER else _KIND_NOUNS.get(noun_word)
        if kind in _AFTER_KINDS:
            noun = tokens[j]
            if (_SPACE.fullmatch(text, tokens[j - 1].end, noun.start)
                    and _plausible(tokens, i, j, names)):
                if any(names.has_name(text[tokens[k].start:noun.end]) for k in range(i + 1, j)):
                    return None  # "Three Harlan County": the area starts a word later
                return (tokens[i].start, noun.end, kind, j + 1 - i)
    return None


def _known_area(text, tokens, i, names, ends):
    """The longest run at ``i`` that ends with its place noun and is a gazetteer name
    ("Pike County" of "Pike County Water District"), as an admin1 cue."""
    for j in ends:
        noun = tokens[j - 1].word.lower()
        if j - i > 1 and _KIND_NOUNS.get(noun) in ("admin1", "admin2") and (
                names.has_name(text[tokens[i].start:tokens[j - 1].end])
                and _plausible(tokens, i, j - 1, names)):
            kind = "admin2" if noun in _ADMIN2_AFTER else _KIND_NOUNS[noun]
            return (tokens[i].start, tokens[j - 1].end, kind, j - i)
    return None


def _cued_name(text, tokens, k, names):
    """A capitalised run at ``k`` after a place noun; known names win, else the whole run."""
    if k >= len(tokens) or not tokens[k].capitalised:
        return None
    if tokens[k].word.lower() in _NOT_PLACES:
        return None
    ends = _run(text, tokens, k)
    for j in ends:
        if names.has_name(text[tokens[k].start:tokens[j - 1].end]):
            return (tokens[k].start, tokens[j - 1].end, j - k)
    j = ends[0]
    return (tokens[k].start, tokens[j - 1].end, j - k)


def _anaphora(text: str, sentence: Sentence, taken: _SpanSet) -> list[tuple[int, int, str]]:
    """ "the town", "the province": mentions to be linked back by ``link_anaphora``."""
    if not _ANAPHOR_NOUN.search(text, sentence.start, sentence.end):
        return []
    return [(m.start(), m.end(), f"anaphor:{m.group(1)}")
            for m in _ANAPHORA.finditer(text, sentence.start, sentence.end)
            if not taken.overlaps(m.start(), m.end())]


def anaphor_noun(place: Place) -> str | None:
    """The noun of an unlinked reference mention ("town"), or None for a named mention."""
    return place.kind.split(":", 1)[1] if place.kind.startswith("anaphor:") else None


def link_anaphora(places: Sequence[Place],
                  is_capital: Callable[[int], bool] | None = None) -> tuple[Place, ...]:
    """Link each "the town" to an earlier resolved literal place of a fitting kind.

    The most often named fitting place wins, with a bonus for one named in the same sentence;
    "the capital" only links to a capital (``is_capital(geonameid)``). A reference with nothing
    to link to is dropped: it names no place by itself.
    """
    out: list[Place] = []
    for place in places:
        noun = anaphor_noun(place)
        if noun is None:
            out.append(place)
            continue
        earlier = out
        if noun == "capital":
            earlier = [p for p in out if p.geonameid and is_capital and is_capital(p.geonameid)]
        target = _antecedent(earlier, place, _ANAPHOR_KINDS.get(noun, ()))
        if target is not None:
            out.append(replace(
                place, name=target.name, kind=target.kind, country_code=target.country_code,
                admin1=target.admin1, lat=target.lat, lon=target.lon, bbox=target.bbox,
                geonameid=target.geonameid, antecedent=target.id, geometry=target.geometry,
                confidence=round(target.confidence * 0.8, 3), precision=target.precision))
    return tuple(out)


def _antecedent(earlier: list[Place], anaphor: Place, kinds: tuple[str, ...]) -> Place | None:
    """The named place a reference points back to (kinds in order of preference)."""
    if kinds == ("country",):
        return _country_antecedent(earlier[-_ANAPHOR_WINDOW:], anaphor)
    named = [p for p in earlier[-_ANAPHOR_WINDOW:]
             if p.literal and p.resolved and p.antecedent is None]
    for kind in kinds:
        fitting = [p for p in named if p.kind == kind]
        if not fitting:
            continue
        weight: dict[tuple, float] = {}
        latest: dict[tuple, Place] = {}
        for p in fitting:
            key = (p.name, p.country_code)
            weight[key] = weight.get(key, 0.0) + 1.0
            latest[key] = p
        for key, p in latest.items():
            if p.sentence == anaphor.sentence:
                weight[key] += 1.5
        best = max(latest, key=lambda k: (weight[k], latest[k].start))
        return latest[best]
    return None


def _country_antecedent(window: list[Place], anaphor: Place) -> Place | None:
    """ "the country": the country the story is in. Each country named (literally, or by its
    demonym: "Iraqi Prime Minister … across most of the country") counts, literal mentions
    more, the towns and provinces named in it too (an assault on Fallujah is in Iraq, whoever
    the "US Marines" of the headline are), and a mention in the reference's own sentence most."""
    named = [p for p in window if p.resolved and p.antecedent is None and p.country_code]
    weight: dict[str, float] = {}
    latest: dict[str, Place] = {}
    for p in named:
        code = p.country_code
        if p.kind == "country":
            weight[code] = weight.get(code, 0.0) + (1.0 if p.literal else 0.0) + (
                1.5 if p.sentence == anaphor.sentence and _governs(p) else 0.0)
            latest[code] = p
        elif p.literal:
            weight[code] = weight.get(code, 0.0) + 0.5
    if not latest:
        return None
    best = max(latest, key=lambda c: (weight[c], latest[c].start))
    return latest[best]


#: "Iraqi Prime Minister … across most of the country", "the Sudanese government": a country
#: whose leaders or government act in the sentence is the country it speaks of; not the
#: owner of troops or a base ("French soldiers stationed in the country").
_GOVERNS_AFTER = re.compile(r"\s+(?:[A-Z][a-z]+\b|(?:government|authorities|officials|"
                            r"ministry|parliament|president|leader|leaders|people)\b)")


def _governs(place: Place) -> bool:
    at = place.sentence.find(place.surface)
    while at >= 0:
        if _GOVERNS_AFTER.match(place.sentence, at + len(place.surface)):
            return True
        at = place.sentence.find(place.surface, at + 1)
    return False
