"""Troop deployments: who (actor, unit), how many, where, with what status; repeats merged.

A deployment is read around a troop noun ("troops", "contingent", "battalions", "3,000
soldiers"): its strength from the numbers in front of troop nouns, its place from a literal
place after "in/to/into/at" (a few words apart at most), its status from the verbs and
modality around it. The place and date found here are the ones stated beside the troops; the
grounding stage (``grounding.py``) keeps them and fills the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dashboard.extract.lexicon import CaseBlind, Folded, alternation
from dashboard.extract.numbers import NUMBER, NUMBER_FIRST_LETTERS, parse_number
from dashboard.extract.spans import ByStart
from dashboard.records import Actor, DateMention, Deployment, Place, Sentence

#: Nouns for people in uniform (their number is the strength).
_PEOPLE = r"troops|soldiers|servicemen|servicemembers|personnel|peacekeepers|marines|" \
          r"paratroopers|commandos|sailors|airmen|policemen|police\s+officers|gendarmes|" \
          r"fighters|men|reservists|" \
          r"conscripts|special\s+forces|guardsmen|reinforcements"
#: Nouns for formed units (their number is kept in the words, not as a strength).
_UNITS = r"contingents?|battalions?|batallions?|battallions?|battlegroups?|battle\s+groups?|" \
         r"brigades?|divisions?|regiments?|" \
         r"companies|platoons|squadrons|units|task\s+force|corps"


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
_QUALIFIER = r"more\s+than|over|at\s+least|up\s+to|about|around|some|nearly|almost|roughly|" \
             r"approximately|fewer\s+than|less\s+than|as\s+many\s+as|an\s+estimated|close\s+to|" \
             r"only|just|another|an\s+additional|additional|extra|a\s+further|further"
_QUANTITY = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?(?P<num>{NUMBER})\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?P<noun>{_PEOPLE}|{_UNITS})\b", re.I)
#: A quantity starts with a qualifier or a number: testing the first character spares the
#: engine the long case-blind alternations at every other position.
_QUANTITY_START = "(?=[\\d" + "".join(sorted(
    {w[0] for w in _QUALIFIER.split("|")} | set(NUMBER_FIRST_LETTERS))) + "])"
_QUANTITIES = CaseBlind(rf"{_QUANTITY_START}{_QUANTITY.pattern}(?:\s+(?:with|of|totalling|"
                        rf"totaling|including|comprising)\s+"
                        rf"{_QUANTITY.pattern.replace('?P<', '?P<b_')})?")
_PEOPLE_RE = re.compile(rf"^(?:{_PEOPLE})$", re.I)
#: What the troops do, strongest first; a cue counts unless negated ("not to reduce").
_DOING = (
    ("withdrawal", CaseBlind(r"\b(?:withdr\w+|pull(?:s|ed|ing)?\s+out|pull-?out|reduc\w+|cut\w*|"
                              r"drawdown|draw(?:s|n|ing)?\s+down|leav(?:e|es|ing)|left|evacuat\w+|"
                              r"bring\w*\s+home|brought\s+home)\b")),
    ("reinforcement", CaseBlind(r"\b(?:reinforc\w+|additional|extra|more\s+troops|boost\w*|"
                                 r"surge|bolster\w*|beef\w*\s+up)\b")),
    ("deployed", CaseBlind(r"\b(?:(?:re)?deploy(?:s|ed|ing|ment)?|sen[dt]s?|sending|dispatch\w*|"
                            r"arriv\w+|moved\s+into|entered|landed|flown\s+in|rushed)\b")),
    ("stationed", CaseBlind(r"\b(?:station\w*|based|remain\w*|stay\w*|keep\w*|kept|presence|"
                             r"garrison\w*|serving)\b")),
)
_WITHDRAWAL = dict(_DOING)["withdrawal"]
#: Modality right before a cue ("possible reinforcements", "will be sent", "plans to withdraw").
_PROPOSED_BEFORE = CaseBlind(r"\b(?:possibl[ey]|propos\w*|might|could|may|should|consider\w*|"
                              r"potential|call\w*\s+for|discuss\w*|authori[sz]\w*)\s+"
                              r"(?:\w+\s+){0,2}$")
_PLANNED_BEFORE = CaseBlind(r"\b(?:will|would|shall|is\s+to|are\s+to|plans?\s+to|planned|"
                             r"planning\s+to|"
                             r"due\s+to|scheduled\s+to|expected\s+to|to\s+be|going\s+to)\s+"
                             r"(?:\w+\s+){0,1}$")
#: Modality after a noun cue: "reinforcements … will be discussed".
_PROPOSED_AFTER = CaseBlind(r"^[^.;]{0,120}?\b(?:will|could|might|may|to)\s+be\s+"
                             r"(?:discussed|considered|proposed|debated|studied|examined)\b")
_PLANNED_AFTER = CaseBlind(r"^[^.;]{0,120}?\b(?:will|is\s+to|are\s+to)\s+(?:be\s+)?"
                            r"(?:deployed|sent|arrive|arriving|dispatched)\b")
_NEGATION = CaseBlind(r"\b(?:not|nor|no|never|without)\s+(?:\w+\s+){0,2}$")
_INTO = CaseBlind(r"\b(in|into|to|at|near|from|inside|around|across|throughout|on)\s+"
                   r"(?:the\s+)?(?:(?!(?:with|from|by|for|and|or|to|in)\b)[\w-]+\s+){0,3}$")
_CLAUSE_WORDS = CaseBlind(r"\b(?:if|that|which|who|when|while|because|unless|whether|after|"
                           r"before)\b"
                           r"|[;:]")
#: "said 2,000 soldiers would be sent": future in reported speech is a plan, not a proposal.
_MAYBE = CaseBlind(r"\b(?:could|might|may|should|propos\w*|possibl[ey]|consider\w*)\b")
#: Nouns too vague to make a deployment without a place or a head count.
_VAGUE = re.compile(r"^(?:fighters|men|reinforcements|units|personnel)$", re.I)
_WINDOW = 90
_MERGE_WINDOW = 60


@dataclass(frozen=True, slots=True)
class _Draft:
    """A deployment before merging, as its fields but the id (merging settles it, and the
    record is built once); ``weak`` when its actor is only the sentence's subject."""

    fields: dict[str, Any]
    weak: bool


def find_deployments(
    text: str, sentences: Sequence[Sentence], places: Sequence[Place],
    actors: Sequence[Actor], dates: Sequence[DateMention], published: dt.date | None,
) -> tuple[Deployment, ...]:
    """Deployments in reading order, merged, ids ``d1``…"""
    mentions_at = ByStart([(s, e, a) for a in actors for s, e in a.mentions], lambda m: m[0])
    places_at = ByStart([p for p in places if p.literal], lambda p: p.start)
    dates_at = ByStart(dates, lambda d: d.start)
    doc = Folded.of(text)
    found: list[_Draft] = []
    for sentence in sentences:
        nouns = list(_TROOP_NOUN.finditer(doc, sentence.start, sentence.end))
        if not nouns:
            continue
        span = (sentence.start, sentence.end)
        literal, mentions = places_at.within(*span), mentions_at.within(*span)
        for group in _groups(doc, sentence, nouns, literal):
            draft = _read_group(doc, sentence, group, literal, mentions, dates_at.within(*span),
                                published)
            if draft is not None:
                found.append(draft)
    return tuple(Deployment(id=f"d{i}", **fields) for i, fields in enumerate(_merge(found), 1))


def _groups(doc: Folded, sentence: Sentence, nouns: list[re.Match[str]],
            places: list[Place]) -> list[list[re.Match[str]]]:
    """The sentence's troop nouns in groups that each describe one body of troops.

    A noun joins the group before it when it is close, no place lies between them and it
    does not bring a head count of its own ("10,000 US troops and 2,000 Iraqi soldiers" are two).
    """
    counted = [q.span() for q in _QUANTITIES.finditer(doc, sentence.start, sentence.end)]
    groups: list[list[re.Match[str]]] = []
    for m in nouns:
        if _casualties(doc, m.start(), m.end(), sentence.end):
            continue
        own = next((span for span in counted if span[0] <= m.start() < span[1]), None)
        if groups and _joins(groups[-1], m, own, counted, places):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _joins(group, noun, own, counted, places) -> bool:
    last = group[-1]
    before = [span for span in counted for m in group if span[0] <= m.start() < span[1]]
    if own is not None and before and own not in before:
        return False
    placed = any(last.end() <= p.start < noun.start() for p in places)
    return not placed and noun.start() - last.end() < 90


_KILLING = CaseBlind(r"\b(?:kill\w*|wound\w*|injur\w*|captur\w*|abduct\w*|kidnap\w*)\s+"
                      r"(?:\w+\s+){0,3}$")
_CASUALTIES = CaseBlind(r"\s+(?:\w+\s+)?(?:were|was|have\s+been|had\s+been)?\s*(?:killed|wounded|"
                         r"injured|died|dead|captured|taken\s+hostage|missing|kidnapped|"
                         r"abducted)\b")


def _casualties(doc: Folded, start: int, end: int, limit: int) -> bool:
    """ "two Marines were killed", "killing four policemen": casualties, not a deployment."""
    return bool(_CASUALTIES.match(doc, end, limit)
                or _KILLING.search(doc, max(0, start - 40), start))


def _read_group(doc, sentence, group, places, mentions, dates, published) -> _Draft | None:
    """A deployment from one group of troop nouns (their matches may be in lower case)."""
    text, first, last = doc.text, group[0], group[-1]
    quantity = _quantity(doc, sentence, group)
    start = min(first.start(), quantity.start()) if quantity else first.start()
    end = max(last.end(), quantity.end()) if quantity else last.end()
    place = _place_after(doc, sentence, places, end)
    unit_start, actor, weak = _owner(text, sentence, mentions, start, first.end())
    strength, qualifier = _strength(quantity)
    owned = actor is not None and not weak and not _VAGUE.match(first.group())
    if place is None and strength is None and not owned:
        return None
    status = _status(doc, sentence, unit_start, place.end if place else end)
    date = _date(dates, start, place.end if place else end)
    return _Draft(dict(
        actor=actor.id if actor else None,
        unit=_unit(text, unit_start, first.end(), quantity),
        strength=strength, strength_qualifier=qualifier,
        strength_text=" ".join(text[quantity.start():quantity.end()].split()) if quantity else "",
        place=place.id if place else None, lat=place.lat if place else None,
        lon=place.lon if place else None, status=_dated_status(status, date, published),
        date=date.date if date else None, sentence=sentence.text, start=unit_start,
        end=place.end if place else end, mentions=[(unit_start, place.end if place else end)]),
        weak)


def _quantity(doc: Folded, sentence: Sentence,
              group: list[re.Match[str]]) -> re.Match[str] | None:
    """The quantity phrase holding one of the group's nouns ("up to four battalions with …")."""
    lo = max(sentence.start, group[0].start() - 60)
    hi = min(sentence.end, group[-1].end() + 1)
    for q in _QUANTITIES.finditer(doc, lo, hi):
        if any(q.start() <= m.start() < q.end() for m in group):
            return q
    return None


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


_OWNER_PHRASE = re.compile(r"(?:(?:[A-Z][\w.-]*(?:['’]s)?|the|The|a|an|its|their)\s+)*$")


def _owner(text, sentence, mentions, start, noun_end) -> tuple[int, Actor | None, bool]:
    """Start of the unit phrase and its actor ("KFOR's French contingent" → France), else the
    sentence's first non-person actor, marked weak."""
    phrase = _OWNER_PHRASE.search(text, max(sentence.start, start - 60), start)
    unit_start = phrase.start() if phrase else start
    inside = [a for s, e, a in mentions if unit_start <= s < noun_end and a.type != "person"]
    if inside:
        return unit_start, inside[-1], False
    subject = [a for s, e, a in mentions if s < start and a.type != "person"]
    return unit_start, (subject[0] if subject else None), True


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


def _status(doc: Folded, sentence: Sentence, start: int, end: int) -> str:
    """The first non-negated cue around the phrase, with the modality right before/after it."""
    lo, hi = max(sentence.start, start - 30), min(sentence.end, end + 40)
    for status, cue in _DOING:
        for m in cue.finditer(doc, lo, hi):
            before = doc.slice(max(sentence.start, m.start() - 40), m.start())
            if _NEGATION.search(before):
                continue
            if status == "stationed":
                return status
            after = doc.slice(m.end(), sentence.end)
            if _PROPOSED_BEFORE.search(before) or _PROPOSED_AFTER.search(after):
                return "proposed"
            if _PLANNED_BEFORE.search(before) or _PLANNED_AFTER.search(after):
                return "planned"
            return status
    return _bare_modality(doc.slice(max(sentence.start, start - 60), start))


def _bare_modality(before: Folded) -> str:
    """No verb says what the troops do: "could authorize a force of 20,000" is still a proposal."""
    if _MAYBE.search(before):
        return "proposed"
    if _FUTURE.search(before):
        return "planned"
    return "stationed"


_FUTURE = CaseBlind(r"\b(?:will|would|shall|plans?\s+to|is\s+to|are\s+to)\b")


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


def _extended(spans: list, more: list) -> list:
    """``spans`` with ``more`` added in place (copying them at each of thousands of repeats in a
    huge article would be quadratic)."""
    spans.extend(more)
    return spans


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
        "mentions": _extended(first["mentions"], dep["mentions"]),
        **{key: first[key] or dep[key]
           for key in ("strength", "strength_qualifier", "strength_text", "date")}}, weak)


def _richness(unit: str) -> tuple[int, int]:
    """How specific a unit name is: an owner ("KFOR's", "French") beats "troops"."""
    owned = ("'" in unit or "’" in unit) + unit[:1].isupper()
    return owned, len(unit)


def _same(a: _Draft, b: _Draft) -> bool:
    x, y = a.fields, b.fields
    if x["status"] != y["status"] or (x["strength"] and y["strength"]
                                      and x["strength"] != y["strength"]):
        return False
    actors_clash = (x["actor"] and y["actor"] and x["actor"] != y["actor"]
                    and not (a.weak or b.weak))
    if x["place"] and y["place"]:
        return (x["lat"], x["lon"]) == (y["lat"], y["lon"]) and not actors_clash
    return bool(x["actor"] and x["actor"] == y["actor"] and not (a.weak and b.weak))
