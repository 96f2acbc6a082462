"""Troop deployments: who (actor, unit), how many, where, with what status; repeats merged.

A deployment is read around a troop noun ("troops", "contingent", "battalions", "3,000
soldiers"): its strength from the numbers in front of troop nouns, its place from a literal
place after "in/to/into/at" (a few words apart at most), its status from the verb that
governs it and that verb's modality (``troop_status``), its owner from the phrase, the words
after it or the subject of its verb (``subjects``). The place and date found here are the
ones stated beside the troops; the grounding stage (``grounding.py``) keeps them and fills
the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from dashboard.extract.lexicon import CaseBlind, Folded, alternation
from dashboard.extract.numbers import NUMBER, NUMBER_FIRST_LETTERS, parse_number
from dashboard.extract.modality import clause_start
from dashboard.extract.spans import ByStart, extended
from dashboard.extract.subjects import subject
from dashboard.extract.troop_status import (coordinated_status, governed_from_before,
                                            has_troop_verb, troop_status)
from dashboard.records import Actor, DateMention, Deployment, Event, Place, Sentence, quick_init
from dashboard.text import headline

#: Warships, armour and military aircraft: a force too, but only placed or counted (alone,
#: "French aircraft" is as often equipment sold or lent as a force on the move).
_HARDWARE = r"warships|carriers?|minesweepers|frigates|destroyers|submarines|" \
            r"strike\s+groups?|task\s+groups?|carrier\s+groups?|tanks|armor|armour|" \
            r"armored\s+columns|armoured\s+columns|helicopters|warplanes|planes|aircraft"
#: Nouns for people in uniform (their number is the strength).
_PEOPLE = r"troops|soldiers|servicemen|servicemembers|personnel|peacekeepers|marines|" \
          r"paratroopers|commandos|sailors|airmen|policemen|police\s+officers|gendarmes|" \
          r"fighters|men|reservists|forces|guerrillas|militiamen|militias|" \
          r"conscripts|special\s+forces|guardsmen|reinforcements"
#: Nouns for formed units (their number is kept in the words, not as a strength).
_UNITS = r"contingents?|battalions?|batallions?|battallions?|battlegroups?|battle\s+groups?|" \
         r"brigades?|divisions?|regiments?|" \
         r"companies|platoons|squadrons|units|task\s+force|force|corps|garrison|" \
         rf"{_HARDWARE}"


def _noun_words(alternatives: str) -> list[str]:
    r"""The plain words of ``_PEOPLE`` or ``_UNITS`` ("units?" -> unit, units), a space for
    ``\s+``."""
    words = []
    for alternative in alternatives.split("|"):
        word = alternative.replace(r"\s+", " ")
        words += [word[:-2], word[:-1]] if word.endswith("s?") else [word]
    return words


#: The troop nouns grouped by first letter, each first letter followed by its word boundary
#: (``lexicon.alternation``): the engine looks for those letters alone. At most one noun can
#: match at a place (none is another plus more letters), so the order of trying is moot.
_TROOP_NOUN = CaseBlind(r"(?:%s)\b" % alternation(
    _noun_words(f"{_PEOPLE}|{_UNITS}"), guard=r"(?<!\w.)").replace("\\ ", r"\s+"))
#: A company of soldiers, told from a firm by what follows it: a head count of people ("a
#: second company of about 100 Nigerians") or being flown in ("a Jordanian company flown in").
#: (The word boundary checked behind the word: a pattern that opens with a word is searched
#: for that word alone, one that opens with ``\b`` is tried at every position.)
_COMPANY = re.compile(r"company(?<!\wcompany)\b(?=\s+(?:flown|airlifted)\b|\s+of\s+"
                      r"(?:(?:about|around|some|nearly|roughly|up\s+to)\s+)?\d[\d,]*\s+"
                      r"(?:[A-Z][a-z]+s|soldiers|troops|men|peacekeepers|marines|paratroopers)\b)")
_QUALIFIERS = ("more than", "over", "at least", "up to", "about", "around", "some", "nearly",
               "almost", "roughly", "approximately", "fewer than", "less than", "as many as",
               "an estimated", "close to", "only", "just", "another", "an additional",
               "additional", "extra", "a further", "further")
#: The qualifiers as a prefix-sharing alternation, "\s+" between words: none starts another,
#: so their order is free, and the engine tests a few first letters instead of two dozen words.
_QUALIFIER = alternation(_QUALIFIERS).replace("\\ ", r"\s+")
_QUANTITY = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?(?P<num>{NUMBER})\s+(?:[\w.-]+\s+){{0,3}}?"
    rf"(?P<noun>{_PEOPLE}|{_UNITS})\b", re.I)
#: A quantity starts with a qualifier or a number: testing the first character spares the
#: engine the long case-blind alternations at every other position.
_QUANTITY_START = "(?=[\\d" + "".join(sorted(
    {w[0] for w in _QUALIFIERS} | set(NUMBER_FIRST_LETTERS))) + "])"
_QUANTITIES = CaseBlind(rf"{_QUANTITY_START}{_QUANTITY.pattern}(?:\s+(?:with|of|totalling|"
                        rf"totaling|including|comprising)\s+"
                        rf"{_QUANTITY.pattern.replace('?P<', '?P<b_')})?")
_PEOPLE_RE = re.compile(rf"^(?:{_PEOPLE})$", re.I)
#: Words that say troops leave a place: a place after "from" is then where they are.
_WITHDRAWAL = CaseBlind(r"\b(?:withdr\w+|pull(?:s|ed|ing)?\s+out|pull-?out|reduc\w+|cut\w*|"
                        r"drawdown|draw(?:s|n|ing)?\s+down|leav(?:e|es|ing)|left|evacuat\w+|"
                        r"bring\w*\s+home|brought\s+home)\b")
#: (Or a verb whose object is the place the troops take, hold or surround: "surround West
#: Beirut", "seized the town of Bor".)
_INTO = CaseBlind(r"\b(in|into|to|at|near|from|inside|around|across|throughout|on|"
                  r"surround(?:s|ed|ing)?|encircl\w+|besieg\w+|enter(?:s|ed|ing)?|"
                  r"seiz(?:e|es|ed|ing)|captur(?:e|es|ed|ing)|retook|recaptur\w+|"
                  r"occup(?:y|ies|ied|ying)|took\s+control\s+of|tak(?:e|es|ing)\s+control\s+of|"
                  r"reach(?:es|ed|ing)?)\s+"
                   r"(?:the\s+)?(?:(?!(?:with|from|by|for|and|or|to|in)\b)[\w-]+\s+){0,3}$")
_CLAUSE_WORDS = CaseBlind(r"\b(?:if|that|which|who|when|while|because|unless|whether|after|"
                           r"before)\b"
                           r"|[;:]")
#: Nouns too vague to make a deployment without a place or a head count.
_VAGUE = re.compile(rf"^(?:fighters|men|reinforcements|units|personnel|guerrillas|militias|"
                    rf"{_HARDWARE})$", re.I)
_WINDOW = 90
_MERGE_WINDOW = 60
#: How many sentences on troops with no owner of their own are the last owned troops'.
_ACTOR_REACH = 2
#: "The troops", "the remaining 2,000 soldiers": troops already reported on, whoever's they were.
_DEFINITE = re.compile(r"\b[Tt]he\s+(?:remaining|last|first|same|other)\s+$")


@quick_init
@dataclass(frozen=True, slots=True)
class _Draft:
    """A deployment before merging, as its fields but the id (merging settles it, and the
    record is built once); ``weak`` when its actor is only the sentence's subject."""

    fields: dict[str, Any]
    weak: bool
    #: Where the troop phrase itself ends (``fields["end"]`` may reach on to its place).
    phrase_end: int = 0
    #: One of several owners listed together ("French, Italian and Greek contingents").
    listed: bool = False
    #: A part of troops just reported ("the rest", "about 1,000 of them"): a body of its own.
    part: bool = False


def find_deployments(
    text: str, sentences: Sequence[Sentence], places: Sequence[Place],
    actors: Sequence[Actor], dates: Sequence[DateMention], published: dt.date | None,
) -> tuple[Deployment, ...]:
    """Deployments in reading order, merged, ids ``d1``…"""
    mentions_at = ByStart([(s, e, a) for a in actors for s, e in a.mentions], lambda m: m[0])
    places_at = ByStart([p for p in places if p.literal], lambda p: p.start)
    names_at = ByStart([p for p in places if p.actor], lambda p: p.start)  # "Ghana" for Ghana
    dates_at = ByStart(dates, lambda d: d.start)
    doc = Folded.of(text)
    states = {a.country_code: a for a in reversed(actors) if a.type == "state" and a.country_code}
    everyone = {a.id: a for a in actors}
    found: list[_Draft] = []
    last: tuple[int, str] | None = None  # (sentence index, actor) of the last owned troops
    before: _Draft | None = None  # the last troops of the sentence before
    for index, sentence in enumerate(sentences):
        nouns = sorted([*_TROOP_NOUN.finditer(doc, sentence.start, sentence.end),
                        *_COMPANY.finditer(text, sentence.start, sentence.end)],
                       key=lambda m: m.start())
        span = (sentence.start, sentence.end)
        reported = [before] if before is not None else []  # troops a part can belong to
        if not nouns:
            found.extend(_parts(doc, sentence, reported, places_at.within(*span),
                                dates_at.within(*span), published, found))
            before = None
            continue
        literal, mentions = places_at.within(*span), mentions_at.within(*span)
        owners = [s for s, _, a in mentions if a.type != "person"]
        for group in _groups(doc, sentence, nouns, literal, owners):
            draft = _read_group(doc, sentence, group, literal, mentions, dates_at.within(*span),
                                published, [(p.start, p.end, states[p.country_code])
                                            for p in literal if p.kind == "country"
                                            and p.country_code in states], everyone)
            if draft is None:
                continue
            draft = _demonym_owner(draft, names_at.within(*span))
            draft, last = _reported_owner(text, sentence, index, draft, last)
            if found and found[-1].fields["sentence"] is sentence.text and (
                    found[-1].fields["end"] > draft.fields["start"]):
                found[-1] = _short(found[-1])
            named = names_at.within(*span)
            legs = _next_leg(doc, sentence, draft, literal, dates_at.within(*span), published)
            if legs:  # troops reported in two moves: which one a later mention repeats is moot
                draft = replace(draft, part=True)
            found.extend(_per_owner(text, sentence, group, draft, mentions, named))
            if draft.fields["strength"] is not None:
                found.extend(_gapped(text, sentence, draft, group, mentions))
            found.extend(_each_place(text, draft, literal))
            found.extend(legs)
            reported.append(draft)
        found.extend(_parts(doc, sentence, reported, literal, dates_at.within(*span),
                            published, found))
        before = reported[-1] if reported and reported[-1] is not before else None
    merged = _merge(_unrestated(found, headline(text, sentences)))
    return tuple(Deployment(id=f"d{i}", **fields) for i, fields in enumerate(merged, 1))


#: A verb right after a part that is a clause's subject ("the rest are …", "others left").
_PART_VERB = re.compile(r"\s+(?:(?:also|then|later|now|already|still|soon)\s+)?(?:have|has|had|"
                        r"were|are|was|is|will|would|could|should|may|might|must|shall|"
                        r"[a-z]+ed|left|flew|went|came|began|stay\w*|remain\w*)\b")
#: A part of troops just reported, named without a troop noun of its own or with a definite
#: one: "the rest (of the force)", "the remainder", "others", "some (of them)", "most of the
#: soldiers", "about 1,000 of them", "the first 300". ("Some"/"others" alone only as the
#: subject of a verb.)
_PART = CaseBlind(
    rf"\b(?:(?:the\s+)?(?:rest|remainder)(?:\s+of\s+(?:them|(?:the|its|their)\s+"
    rf"(?:[\w-]+\s+)?(?:{_PEOPLE}|{_UNITS})))?"
    rf"|(?:some|most|many)\s+of\s+(?:them|(?:the|its|their)\s+(?:{_PEOPLE}))"
    rf"|(?:(?P<qual>{_QUALIFIER})\s+)?(?P<num>{NUMBER})\s+of\s+(?:them|(?:the|its|their)\s+"
    rf"(?:{_PEOPLE}))"
    rf"|the\s+(?:first|last|remaining|other)\s+(?P<num2>{NUMBER})(?!\s+(?:[\w-]+\s+)?"
    rf"(?:{_PEOPLE}|{_UNITS})\b)"
    rf"|(?:others|some)(?={_PART_VERB.pattern}))\b")
#: A word every ``_PART`` holds, in lower case: the case-blind ``_PART`` is slow where the
#: sentence has none (most sentences), and this literal search is fast.
_PART_CUE = re.compile(r"rest|remainder|of\s+(?:the|its)|first|last|remaining|other|some")
#: Where a part stands: a clause's subject (then a verb follows it at once) or a verb's
#: object; not an aside on the troops ("37,000 troops, most of them near the border").
_PART_SUBJECT = re.compile(r"(?:[,;:]\s*|\b(?:and|but|while|whereas)\s+)$", re.I)
_PART_OBJECT = re.compile(r"\b[a-z]+(?:ed|ing)\s+$")
#: The number of troops just reported raised to a new total: "the number could rise to 3,500".
_TOTAL = CaseBlind(
    rf"\bthe\s+(?:number|total)(?:\s+of\s+(?:{_PEOPLE}))?\s+(?:(?:could|would|will|may|might|"
    rf"should|is\s+(?:expected|set|due)\s+to)\s+)?(?:rise|grow|increase|climb)\s+to\s+"
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?(?P<num>{NUMBER})")
#: A word every ``_TOTAL`` holds, in lower case (the same shortcut as ``_PART_CUE``).
_TOTAL_CUE = re.compile(r"number|total")
_LEADING_COUNT = re.compile(rf"^(?:(?:{_QUALIFIER})\s+)?(?:{NUMBER})\s+", re.I)


def _part_of_troop_verb(doc: Folded, sentence: Sentence, start: int, end: int) -> bool:
    """Whether the part is the object of a troop verb ("has moved some of them") or the
    subject of one that opens its predicate ("the rest are expected to arrive", "others left";
    not "others have criticised the deployment")."""
    text = doc.text
    if _PART_OBJECT.search(text, max(sentence.start, start - 16), start):
        return has_troop_verb(doc, sentence, start, end)
    subject = start == sentence.start or _PART_SUBJECT.search(
        text, max(sentence.start, start - 12), start)
    gap = _SPACE.match(text, end)
    return bool(subject and gap and _PART_VERB.match(text, end)
                and coordinated_status(doc, sentence, gap.end()))


_SPACE = re.compile(r"\s+")


def _parts(doc: Folded, sentence: Sentence, reported: list[_Draft], places, dates,
           published, found: list[_Draft]) -> list[_Draft]:
    """The parts of troops reported in this sentence or the one before ("Uganda has pledged
    1,600 troops, and the rest are expected to arrive"): each a body of its own, with the
    owner and troop noun of the troops last reported before it, its own count, place and the
    status of its own verb."""
    if not reported:
        return []
    text, drafts = doc.text, []
    taken = []  # this sentence's troops, the last drafts found (not the whole list: linear)
    for d in reversed(found):
        if d.fields["sentence"] is not sentence.text:
            break
        taken.append((d.fields["start"], d.phrase_end))
    totals = list(_TOTAL.finditer(doc, sentence.start, sentence.end)) if doc.may_hold(
        _TOTAL_CUE, sentence.start, sentence.end) else []
    parts = _PART.finditer(doc, sentence.start, sentence.end) if doc.may_hold(
        _PART_CUE, sentence.start, sentence.end) else ()
    for m in sorted([*parts, *totals],
                    key=lambda m: m.start()):
        start, end = m.span()
        total = m in totals
        if any(s < end and start < e for s, e in taken):
            continue
        if not total and not _part_of_troop_verb(doc, sentence, start, end):
            continue
        whole = next((d for d in reversed(reported) if d.fields["start"] < start), None)
        if whole is None or not total and _casualties(doc, start, end, sentence.end):
            continue
        # the matches may be in lower case: the words come from the text itself
        number = _group(text, m, "num") or (None if total else _group(text, m, "num2"))
        place = _place_after(doc, sentence, places, end)
        date = _date(dates, start, place.end if place else end)
        # a total raised is the troops' reinforcement, due or done
        status = "reinforcement" if total else troop_status(doc, sentence, start, end)
        drafts.append(_Draft({
            **whole.fields, "unit": _LEADING_COUNT.sub("", whole.fields["unit"]),
            "strength": parse_number(number) if number else None,
            "strength_qualifier": " ".join((m.group("qual") or "").lower().split()),
            "strength_text": " ".join(text[start:end].split()) if number else "",
            "place": place.id if place else None, "lat": place.lat if place else None,
            "lon": place.lon if place else None,
            "status": _dated_status(status, date, published), "date": date.date if date else None,
            "sentence": sentence.text, "start": start, "end": place.end if place else end,
            "mentions": [(start, place.end if place else end)]}, whole.weak, end, part=True))
    return drafts


def _group(text: str, m: re.Match[str], name: str) -> str | None:
    """The group's words as the text writes them (``m`` may have matched a lower-cased copy)."""
    return None if m.start(name) < 0 else text[m.start(name):m.end(name)]


#: "… and will be flown to", ", and crossed": a verb phrase coordinated after the troops'.
_AND_THEN = re.compile(r",?\s+and\s+(?:(?:then|later|also|now)\s+)?")


def _next_leg(doc: Folded, sentence: Sentence, draft: _Draft, places, dates,
              published) -> list[_Draft]:
    """ "800 servicemen remain at the base and will be flown to Manas", "200 soldiers left
    Kismayo on Monday and crossed the border near Dolow": the same troops' next move, to
    another place, is a body of its own with its own verb's status (its strength stays)."""
    text, fields = doc.text, draft.fields
    for m in _AND_THEN.finditer(text, fields["end"], sentence.end):
        if _TROOP_NOUN.search(doc, fields["end"], m.start()) or _CLAUSE_WORDS.search(
                doc, fields["end"], m.start()):
            return []  # other troops, or another clause
        status = coordinated_status(doc, sentence, m.end())
        if not status:
            continue
        place = _place_after(doc, sentence, places, m.end())
        if place is None or (place.lat, place.lon) == (fields["lat"], fields["lon"]) or (
                _TROOP_NOUN.search(doc, m.end(), place.start)):
            return []
        date = _date(dates, m.end(), place.end)
        return [_Draft({**fields, "place": place.id, "lat": place.lat, "lon": place.lon,
                        "status": _dated_status(status, date, published),
                        "date": date.date if date else None, "start": m.end(),
                        "end": place.end, "mentions": [(m.end(), place.end)]},
                       draft.weak, place.end, part=True)]
    return []


def _demonym_owner(draft: _Draft, named: list[Place]) -> _Draft:
    """Troops whose owner is only the sentence's subject, but whose phrase holds a name that
    stands for an actor ("the carrier USS X" of the US Navy), are that actor's."""
    if not draft.weak:
        return draft
    start, end = draft.fields["start"], draft.phrase_end
    actor = next((p.actor for p in named if start <= p.start and p.end <= end), None)
    return _Draft({**draft.fields, "actor": actor}, False, end) if actor else draft


def _reported_owner(text: str, sentence: Sentence, index: int, draft: _Draft,
                    last: tuple[int, str] | None) -> tuple[_Draft, tuple[int, str] | None]:
    """Troops with no owner of their own within ``_ACTOR_REACH`` sentences of owned ones, or
    "the troops" whoever's they were, are the troops last reported on (``last``: sentence
    index and actor of the last owned troops); the owner so given is weak."""
    fields = draft.fields
    unowned = last is not None and fields["actor"] is None and index - last[0] <= _ACTOR_REACH
    at = fields["start"]
    definite = draft.weak and (text.startswith(("the ", "The "), at) or _DEFINITE.search(
        text, max(sentence.start, at - 20), at))
    if last is not None and (unowned or definite):
        # "Some 2,000 marines were flown in", "the troops": those just reported on
        return _Draft({**fields, "actor": last[1]}, True, draft.phrase_end), last
    if fields["actor"] is not None and not draft.weak:
        return draft, (index, fields["actor"])
    return draft, last


def _short(draft: _Draft) -> _Draft:
    """ "About 10,000 US troops and 2,000 Iraqi soldiers moved into Fallujah": the first
    record's span stops at its own troops, not across the next one's."""
    start = draft.fields["start"]
    return replace(draft, fields={**draft.fields, "end": draft.phrase_end,
                                  "mentions": [(start, draft.phrase_end)]})


#: A name in a list of owners: "Greek", "Papua New Guinea", "the Philippines".
_NAME = r"(?:the\s+)?[A-Z](?:[\w'’-]|\.(?=\w))*(?:\s+[A-Z](?:[\w'’-]|\.(?=\w))*){0,2}"
_NAME_LIST = rf"{_NAME}(?:,\s+{_NAME})*,?\s+and\s+{_NAME}"
_LIST_BEFORE = re.compile(
    rf"{_NAME_LIST}\s+(?:(?:have|has|had|will|would)\s+(?:also\s+)?(?:promised|pledged|"
    rf"offered|sent|send|contributed|contribute|provided|provide)\s+)?(?:[a-z][\w-]*\s+){{0,2}}$")
_LIST_AFTER = re.compile(rf"\s+from\s+({_NAME_LIST})")
_LIST_NAME = re.compile(_NAME)
_LIST_TAIL = re.compile(r"\s+(?:have|has|had|will|would)\b.*$|(?:\s+[a-z][\w-]*)+\s*$", re.S)


def _listed_owners(text: str, sentence: Sentence,
                   group: list[re.Match[str]]) -> list[tuple[int, int]]:
    """The names of a list of owners of the troops, each its own body of troops ("French,
    Italian and Greek contingents", "troops from Nigeria and Benin", "Nigeria, Ghana and
    Malawi have promised troops"); [] for one owner."""
    for m in group:
        lo = max(sentence.start, m.start() - 120)
        # (a list holds "and": most stretches before troops have none, and ``find`` is fast)
        before = _LIST_BEFORE.search(text, lo, m.start()) if text.find(
            "and", lo, m.start()) >= 0 else None
        after = _LIST_AFTER.match(text, m.end())
        if before:
            names = _LIST_TAIL.sub("", before.group())
            return [(before.start() + n.start(), before.start() + n.end())
                    for n in _LIST_NAME.finditer(names)]
        if after:
            return [(after.start(1) + n.start(), after.start(1) + n.end())
                    for n in _LIST_NAME.finditer(after.group(1))]
    return []


def _per_owner(text, sentence, group, draft, mentions, places) -> list[_Draft]:
    """One deployment per listed owner, unless a head count makes them one body ("2,500
    Australian and British troops"); each takes the actor named by its own name, if any."""
    owners = _listed_owners(text, sentence, group) if draft.fields["strength"] is None else []
    if len(owners) < 2:
        return [draft]
    noun = " ".join(group[0].group().split())
    drafts = []
    for start, end in owners:
        actor = next((a.id for s, e, a in mentions if s < end and start < e
                      and a.type != "person"), None) or next(
            (p.actor for p in places if p.start < end and start < p.end and p.actor), None)
        unit = f"{' '.join(text[start:end].split())} {noun}"
        # Each its own list of spans: merging extends a record's list in place.
        drafts.append(_Draft({**draft.fields, "actor": actor, "unit": unit,
                              "mentions": list(draft.fields["mentions"])}, actor is None,
                             draft.phrase_end, listed=True))
    return drafts


#: A gapped clause after counted troops: "sent 2,200 soldiers and Finland about 500",
#: "Nigeria has pledged 600, and Niger, Burkina Faso and Senegal about 500 each": the verb
#: (or the troop noun) is left out, the owner and the head count are new.
_GAPPED = re.compile(
    rf"(?:[,;:]\s+|[,;:]?\s+and\s+)(?P<names>{_NAME}(?:,\s+{_NAME})*(?:,?\s+and\s+{_NAME})?)"
    rf"\s+(?:(?:has|have|had|will|would)\s+(?:also\s+)?(?:pledged|promised|offered|sent|"
    rf"contributed|provided|send|contribute|provide)\s+)?(?:(?P<qual>{_QUALIFIER})\s+)?"
    rf"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<each>\s+each)?(?=\s*[,.;:)]|\s+and\b)")


def _gapped(text, sentence, draft, group, mentions) -> list[_Draft]:
    """The gapped clauses after counted troops, each its own body of troops of the state it
    names (a list takes the count only with "each"), sharing the troops' status and place."""
    noun = " ".join(group[-1].group().split())
    drafts = []
    at = draft.phrase_end
    while m := _GAPPED.search(text, at, sentence.end):
        at = m.end()
        names = [n for n in _LIST_NAME.finditer(text, m.start("names"), m.end("names"))]
        owners = [next((a.id for s, e, a in mentions if s < n.end() and n.start() < e
                        and a.type != "person"), None) for n in names]
        if not any(owners):
            break  # "… in Mitrovica, and Pec 500": not owners, no gap
        one = len(names) == 1 or m.group("each")
        qual = " ".join((m.group("qual") or "").lower().split())
        for n, actor in zip(names, owners, strict=True):
            start, end = n.start(), m.end()
            drafts.append(_Draft({
                **draft.fields, "actor": actor, "unit": f"{n.group()} {noun}",
                "strength": parse_number(m.group("num")) if one else None,
                "strength_qualifier": qual if one else "",
                "strength_text": m.group("num") if one else "", "start": start, "end": end,
                "mentions": [(start, end)]}, actor is None, end, listed=True))
    return drafts


_EACH = re.compile(r"\beach\b")
_LIST_GAP = re.compile(r",\s+(?:and\s+)?|,?\s+and\s+")


def _each_place(text, draft: _Draft, places) -> list[_Draft]:
    """ "four battlegroups of about 1,000 soldiers each to Romania, Bulgaria and Hungary": a
    body of troops for each further place of the list ("each" says they are split); so too
    uncounted troops ("the AU troops in El Fasher and Nyala"): no head count makes them one."""
    fields = draft.fields
    if not fields["place"] or fields["strength"] is not None and not _EACH.search(
            text, fields["start"], fields["end"]):
        return []
    drafts, end = [], fields["end"]
    for p in places:
        if p.start < end or not p.resolved:
            continue
        if not _LIST_GAP.fullmatch(text, end, p.start):
            break
        end = p.end
        drafts.append(_Draft({**fields, "place": p.id, "lat": p.lat, "lon": p.lon,
                              "end": p.end, "mentions": [(fields["start"], p.end)]},
                             draft.weak, p.end, listed=True))
    return drafts


def _unrestated(found: list[_Draft], title: Sentence | None) -> list[_Draft]:
    """The body's troops, or the title's when the body names none: a headline restates the
    story (merged first, it would become the troops' evidence)."""
    if title is None:
        return found
    body = [d for d in found if d.fields["start"] >= title.end]
    return body or found


def _groups(doc: Folded, sentence: Sentence, nouns: list[re.Match[str]],
            places: list[Place], owners: list[int]) -> list[list[re.Match[str]]]:
    """The sentence's troop nouns in groups that each describe one body of troops.

    A noun joins the group before it when it is close, no place and no actor (``owners``: where
    their mentions start) lies between them ("New Zealand will send 800 soldiers, and Thailand
    has pledged troops" are two) and it does not bring a head count of its own ("10,000 US
    troops and 2,000 Iraqi soldiers" are two).
    """
    counted = [q.span() for q in _QUANTITIES.finditer(doc, sentence.start, sentence.end)]
    groups: list[list[re.Match[str]]] = []
    for m in nouns:
        if _casualties(doc, m.start(), m.end(), sentence.end) or _NOT_A_FORCE.search(
                doc.text, max(sentence.start, m.start() - 12), m.end()):
            continue
        own = next((span for span in counted if span[0] <= m.start() < span[1]), None)
        if groups and _joins(groups[-1], m, own, counted, places, owners) and not (
                _CLAUSE_BETWEEN.search(doc.text, groups[-1][-1].end(), m.start())):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


#: Two clauses speak of two bodies of troops ("contingents will follow, and armour waited"),
#: and so do troops beside others ("a battalion, alongside troops from Nigeria").
_CLAUSE_BETWEEN = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|where|which|who|whose)\b|\b(?:alongside|backed\s+by|"
                             r"supported\s+by|joined\s+by|along\s+with|together\s+with)\b")


#: Between a count of units and the head count that restates it ("two brigades, about 10,000
#: men"): the same body of troops.
_APPOSITION = re.compile(r",\s*")


#: A crew counted after its ships ("the carrier USS X, with some 6,000 sailors aboard").
_CREW = re.compile(r",\s+(?:with|carrying)\s+$")
#: A force brought to a head count ("raise its force in Mali to 2,500 soldiers").
_RAISED = re.compile(r"\b(?:rais|increas|boost|expand|doubl|bring|reduc)\w*\s+(?:\w+\s+){0,2}$",
                     re.I)
#: (Read in the folded text the troop nouns are found in: lower case.)
_TO_COUNT = re.compile(r"(?:\s+in\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)?\s+to\s+")


def _restated(group, own) -> bool:
    """The count after a group that states its size: its crew, or the size it is brought to."""
    text, last = group[-1].string, group[-1]
    between = text[last.end():own[0]]
    if len(between) > 60 or any(c in between for c in ";:."):
        return False
    return bool(_CREW.search(between) or _TO_COUNT.fullmatch(between) and _RAISED.search(
        text, max(0, group[0].start() - 40), group[0].start()))


def _joins(group, noun, own, counted, places, owners) -> bool:
    last = group[-1]
    if own is not None and own[0] >= last.end() and _restated(group, own):
        return True
    before = [span for span in counted for m in group if span[0] <= m.start() < span[1]]
    if own is not None and before and own not in before and not _APPOSITION.fullmatch(
            noun.string, before[-1][1], own[0]):
        return False
    placed = any(last.end() <= p.start < noun.start() for p in places)
    owned = any(last.end() <= start < noun.start() for start in owners)
    return not (placed or owned) and noun.start() - last.end() < 90


#: "by force", "the use of force", "air force": force as violence or a service, no troops.
_NOT_A_FORCE = re.compile(r"\b(?:by|of|air|in|with|to|into)\s+force$", re.I)
_KILLING = CaseBlind(r"\b(?:kill\w*|wound\w*|injur\w*|captur\w*|abduct\w*|kidnap\w*)\s+"
                      r"(?:\w+\s+){0,3}$")
_CASUALTIES = CaseBlind(r"\s+(?:\w+\s+)?(?:were|was|have\s+been|had\s+been)?\s*(?:killed|wounded|"
                         r"injured|died|dead|captured|taken\s+hostage|missing|kidnapped|"
                         r"abducted)\b")


def _casualties(doc: Folded, start: int, end: int, limit: int) -> bool:
    """ "two Marines were killed", "killing four policemen": casualties, not a deployment."""
    return bool(_CASUALTIES.match(doc, end, limit)
                or _KILLING.search(doc, max(0, start - 40), start))


def _read_group(doc, sentence, group, places, mentions, dates, published,
                countries=(), everyone=None) -> _Draft | None:
    """A deployment from one group of troop nouns (their matches may be in lower case)."""
    text, first, last = doc.text, group[0], group[-1]
    quantity, lead = _quantity(doc, sentence, group)
    start = min(first.start(), lead) if quantity else first.start()
    end = max(last.end(), quantity.end()) if quantity else last.end()
    # a place inside a restated group ("its force in Mali to 2,500 soldiers") is its place too
    place = _place_after(doc, sentence, places, end) or (
        _place_after(doc, sentence, places, first.end()) if len(group) > 1 else None)
    unit_start, actor, weak = _owner(doc, sentence, mentions, start, first.end(), countries,
                                     everyone)
    strength, qualifier = _strength(quantity)
    size = None if quantity else _size_beside(text, first, last)
    if size:
        strength, qualifier = parse_number(size.group("num")), (size.group("qual") or "").lower()
    owned = (actor is not None and not weak or _NAMED_OWNER.search(text, unit_start, start)
             ) and not _VAGUE.match(first.group())
    if place is None and strength is None and not owned and not _SENT.search(
            text, max(sentence.start, unit_start - 40), unit_start) and not _listed_owners(
            text, sentence, group):
        return None
    status = troop_status(doc, sentence, unit_start, end)
    date = _date(dates, start, place.end if place else end)
    return _Draft(dict(
        actor=actor.id if actor else None,
        unit=_unit(text, unit_start, first.end(), quantity),
        strength=strength, strength_qualifier=qualifier,
        strength_text=" ".join((quantity or size).group().split()) if quantity or size else "",
        place=place.id if place else None, lat=place.lat if place else None,
        lon=place.lon if place else None, status=_dated_status(status, date, published),
        date=date.date if date else None, sentence=sentence.text, start=unit_start,
        end=place.end if place else end, mentions=[(unit_start, place.end if place else end)]),
        weak, end)


def _quantity(doc: Folded, sentence: Sentence,
              group: list[re.Match[str]]) -> tuple[re.Match[str] | None, int]:
    """The quantity phrase holding one of the group's nouns ("up to four battalions with …"),
    and where the first such phrase starts."""
    lo = max(sentence.start, group[0].start() - 60)
    hi = min(sentence.end, group[-1].end() + 1)
    held = [q for q in _QUANTITIES.finditer(doc, lo, hi)
            if any(q.start() <= m.start() < q.end() for m in group)]
    # "two brigades, about 10,000 men": the head count, where the group restates one
    counted = [q for q in held if _strength(q)[0] is not None]
    return (counted or held or [None])[0], (held[0].start() if held else 0)


def _strength(quantity: re.Match[str] | None) -> tuple[int | None, str]:
    """Head count from the people noun of the phrase; units ("four battalions") give none."""
    if quantity is None:
        return None, ""
    for prefix in ("b_", ""):
        noun = quantity.group(f"{prefix}noun")
        if noun and _PEOPLE_RE.match(noun):
            value = parse_number(quantity.group(f"{prefix}num"))
            qual = quantity.group(f"{prefix}qual") or ""
            return value, " ".join(qual.lower().split())
    return None, ""


#: A head count beside a unit: "a force of about 50,000", "the 8,700-strong mission".
_FORCE_OF = re.compile(rf"\s+of\s+(?:(?P<qual>{_QUALIFIER})\s+)?(?P<num>\d[\d,]*\d|\d)"
                       rf"(?!\s+(?:[\w-]+\s+)?(?:{_PEOPLE}|{_UNITS}))\b(?![\d,])", re.I)
_STRONG = re.compile(r"(?P<num>\d[\d,]*\d)-strong\s+(?:[\w-]+\s+)?$")


def _size_beside(text: str, first: re.Match[str], last: re.Match[str]) -> re.Match[str] | None:
    return _FORCE_OF.match(text, last.end()) or _STRONG.search(
        text, max(0, first.start() - 30), first.start())


#: Troops sent are a deployment even unnamed, uncounted and unplaced ("has sent minesweepers").
_SENT = re.compile(r"\b(?:sen[dt]|sends|sending|deploy(?:s|ed|ing)?|dispatch(?:es|ed|ing)?|"
                   r"pledged|promised)\s+(?:(?:the|its|their|his|her|some|more|new)\s+)?$", re.I)
#: A name or demonym in front of the troops ("Malian troops", "KFOR's contingent"): owned
#: troops even where no actor was recognised in it.
_NAMED_OWNER = re.compile(r"\b(?!(?:The|A|An|Some|Many|Most|Other|Those|These|All|More|Both|"
                          r"Their|Its|His|Her|Our|Any|No|Several|Few|About|Around|Nearly|Over|"
                          r"Only|Further|Additional|Extra|New|Fresh)\b)[A-Z][\w'’.-]*\s+$")
_OWNER_PHRASE = re.compile(r"(?:(?:[A-Z][\w.-]*(?:['’]s)?|the|The|a|an|its|their)\s+)*$")


def _owner(doc, sentence, mentions, start, noun_end, countries=(),
           everyone=None) -> tuple[int, Actor | None, bool]:
    """Start of the unit phrase and its actor: named in the phrase ("KFOR's French contingent"
    → France), after it ("soldiers from Chad"), or the subject of the verb that governs it
    ("Britain, which sent 600 paratroopers"; a country named there, ``countries``, stands for
    its state actor); else the sentence's first non-person actor, marked weak. A commander
    stands for his force."""
    text = doc.text
    phrase = _OWNER_PHRASE.search(text, max(sentence.start, start - 60), start)
    unit_start = phrase.start() if phrase else start
    forces = {**(everyone or {}), **{a.id: a for _, _, a in mentions}}
    owners = [_force_of(a, forces) for s, e, a in mentions if unit_start <= s < noun_end]
    origin = [_force_of(a, forces) for s, e, a in mentions
              if noun_end <= s < noun_end + 60 and _ORIGIN_GAP.fullmatch(text, noun_end, s)]
    # "forces loyal to sacked vice president Riek Machar": his, whatever he commands
    origin += [a for s, e, a in mentions
               if noun_end <= s < noun_end + 60 and _LOYAL_GAP.fullmatch(text, noun_end, s)]
    subjects = []
    possessive = _POSSESSIVE.search(text, max(sentence.start, unit_start - 4), noun_end)
    if any(owners) or any(origin):
        pass  # named with the troops: no need to look for the verb's subject
    elif possessive or governed_from_before(doc, sentence, unit_start, noun_end) and not (
            _AFTER_PREPOSITION.search(text, max(sentence.start, unit_start - 20), unit_start)):
        clause = sentence.start + clause_start(sentence.text, unit_start - sentence.start)
        ids = subject(text, [(s, e, a.id) for s, e, a in mentions], clause, unit_start,
                      sentence.start)
        forces.update({a.id: a for _, _, a in countries})
        ids = ids or subject(text, sorted((s, e, a.id) for s, e, a in (*mentions, *countries)),
                             clause, unit_start, sentence.start)
        subjects = [_force_of(forces[i], forces) for i in ids if i in forces]
    generic = [a for a in owners if a is not None and a.type == "group" and a.name.islower()]
    owners = [a for a in owners if a not in generic]
    for found in (owners[::-1], origin, generic, subjects):
        found = [a for a in found if a is not None]
        if found:
            return unit_start, found[0], False
    first = [a for s, e, a in mentions if s < start and a.type != "person"
             and not (a.type == "group" and a.name.islower())]  # not "officials", "rebels"
    return unit_start, (_force_of(first[0], forces) if first else None), True


#: "its 4,000 soldiers", "his men": owned by the clause's subject.
_POSSESSIVE = re.compile(r"\b(?:its|their|his|her)\s", re.I)
#: A phrase that is a preposition's object ("the number of troops") is no verb's object.
_AFTER_PREPOSITION = re.compile(r"\b(?:of|in|at|to|for|with|from|by|on)\s+$", re.I)
#: Between a troop noun and its state: "soldiers from Nigeria", "troops of the African Union",
#: "troops flown in from Germany".
_ORIGIN_GAP = re.compile(r"\s+(?:(?:flown|brought|sent|drawn|moved|redeployed)\s+(?:in\s+)?)?"
                         r"(?:from|of)\s+(?:(?:the|an?|its|their)\s+)?")


_LOYAL_GAP = re.compile(r"\s+loyal\s+to\s+(?:[a-z][\w-]*\s+){0,4}")


def _force_of(actor: Actor, actors: dict[str, Actor]) -> Actor | None:
    """The actor whose troops these are: the actor itself; for a person the actor he commands
    (his affiliation); for a government body its state or organisation ("the Pentagon said
    3,000 troops …" are the United States', "the Security Council could authorize a force"
    the UN's) — a force itself ("KFOR", "UN Command") stays itself."""
    if actor.type == "organization" and actor.affiliation and not _FORCE_NAME.search(actor.name):
        return _named(actor.affiliation, actors) or actor
    if actor.type != "person":
        return actor
    found = _named(actor.affiliation, actors) if actor.affiliation else None
    return _force_of(found, actors) if found is not None else None


def _named(name: str, actors: dict[str, Actor]) -> Actor | None:
    """The non-person actor called ``name`` (or by an alias), if the article has one."""
    key = name.casefold()
    return next((a for a in actors.values() if a.type != "person" and key in (
        a.name.casefold(), *(x.casefold() for x in a.aliases))), None)


#: Names of forces rather than bodies: an acronym ("KFOR", "AMISOM") or a force word.
_FORCE_NAME = re.compile(r"^[A-Z]{3,}$|\b(?:Force|Forces|Command|Mission|Support|Army|Corps|"
                         r"Brigade|Guard|Police)\b")


def _unit(text: str, start: int, noun_end: int, quantity: re.Match[str] | None) -> str:
    unit = " ".join(text[start:noun_end].split())
    if quantity is not None:
        unit = _LEADING_QUALIFIER.sub("", unit)
    unit = _LEADING_ARTICLE.sub("", unit)
    return _MODIFIER.sub("", unit).strip()


_LEADING_QUALIFIER = re.compile(rf"^(?:{_QUALIFIER})\s+", re.I)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
#: Words that say how sure or how new the troops are, not who they are.
_MODIFIER = re.compile(r"^(?:possible|proposed|planned|additional|extra|further|new|more|"
                       r"potential|fresh)\s+", re.I)


def _place_after(doc: Folded, sentence: Sentence, places, end) -> Place | None:
    """The first resolved literal place after the troop phrase, introduced by in/into/to/at …

    A place after "from" is where troops come from: it counts only for troops leaving it (a
    sentence that says so).
    """
    origin = None
    for p in places:
        if not (end <= p.start <= end + _WINDOW and p.resolved):
            continue
        between = doc.slice(end, p.start)
        if _CLAUSE_WORDS.search(between):
            break  # "ready to react if anyone … in Kosovo": that place belongs to another clause
        cue = _INTO.search(between)
        if cue and cue.group(1).lower() != "from":
            return p
        if cue and origin is None and _WITHDRAWAL.search(doc, sentence.start, sentence.end):
            origin = p
    return origin


def _dated_status(status: str, date: DateMention | None, published: dt.date | None) -> str:
    if (status in ("stationed", "deployed") and date and date.date and published
            and date.date > published and date.qualifier not in ("until", "by")):
        return "planned"
    return status


def _date(dates, start: int, end: int) -> DateMention | None:
    """A resolved date right around the phrase ("arrived in Gao on Monday"), else None."""
    near = [d for d in dates if d.date and start - 40 <= d.end and d.start <= end + 40]
    return min(near, key=lambda d: abs(d.start - start)) if near else None


def _merge(found: list[_Draft]) -> list[dict[str, Any]]:
    """Repeats (same place or same actor, same status, compatible place) fold into the first."""
    out: list[_Draft] = []
    for draft in found:
        lo = max(0, len(out) - _MERGE_WINDOW)  # repeats come close together; keeps it linear
        twin = next((i for i in range(len(out) - 1, lo - 1, -1) if _same(out[i], draft)), None)
        if twin is None:
            out.append(draft)
            continue
        out[twin] = _fold(out[twin], draft)
    return [{**d.fields, "mentions": tuple(d.fields["mentions"])} for d in out]


def _fold(a: _Draft, b: _Draft) -> _Draft:
    first, dep = a.fields, b.fields
    richer = first if _richness(first["unit"]) >= _richness(dep["unit"]) else dep
    keep_first = first["actor"] and not (a.weak and not b.weak)
    actor, weak = (first["actor"], a.weak) if keep_first else (dep["actor"], b.weak)
    # The sentence that puts the troops somewhere is the deployment's evidence.
    source = dep if dep["place"] and not first["place"] else first
    placed = first if first["place"] else dep
    return _Draft({
        **first, "sentence": source["sentence"], "start": source["start"], "end": source["end"],
        "unit": richer["unit"], "actor": actor or first["actor"],
        "place": first["place"] or dep["place"], "lat": placed["lat"], "lon": placed["lon"],
        "mentions": extended(first["mentions"], dep["mentions"]),
        **{key: first[key] or dep[key]
           for key in ("strength", "strength_qualifier", "strength_text", "date")}},
        weak, listed=a.listed)


def _richness(unit: str) -> tuple[int, int]:
    """How specific a unit name is: an owner ("KFOR's", "French") beats "troops"."""
    owned = ("'" in unit or "’" in unit) + unit[:1].isupper()
    return owned, len(unit)


def _same(a: _Draft, b: _Draft) -> bool:
    x, y = a.fields, b.fields
    if a.part or b.part:
        return False  # "the rest", "some of them": not the troops they are part of
    if a.listed and b.listed and x["unit"] != y["unit"]:
        return False  # each listed owner's troops are their own
    if x["status"] != y["status"] or (x["strength"] and y["strength"]
                                      and x["strength"] != y["strength"]):
        return False
    actors_clash = (x["actor"] and y["actor"] and x["actor"] != y["actor"]
                    and not (a.weak or b.weak))
    if (x["strength"] is None) != (y["strength"] is None) and x["actor"] != y["actor"]:
        return False  # "45 troops" of one owner, "a team of special forces" of another
    if x["place"] and y["place"]:
        return (x["lat"], x["lon"]) == (y["lat"], y["lon"]) and not actors_clash
    return bool(x["actor"] and x["actor"] == y["actor"] and not (a.weak or b.weak))


def troop_event_actors(events: Sequence[Event],
                       deployments: Sequence[Deployment]) -> tuple[Event, ...]:
    """A deployment event with no actor of its own takes the owner of the troops it reports
    ("The garrison in Kandahar pulled out": the garrison's state): the deployment read the
    owner from the troop phrase and the troops reported before, which the event cannot."""
    owned = [(s, e, d.actor) for d in deployments if d.actor for s, e in d.mentions]
    out = []
    for event in events:
        if event.type == "deployment" and not event.actors:
            actor = next((a for s, e, a in owned if s < event.end and event.start < e), None)
            event = replace(event, actors=(actor,)) if actor else event
        out.append(event)
    return tuple(out)
