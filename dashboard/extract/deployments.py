"""Troop deployments: who (actor, unit), how many, where, with what status; repeats merged.

A deployment is read around a troop noun ("troops", "contingent", "battalions", "3,000
soldiers"): its strength from the numbers in front of troop nouns, its place from a literal
place after "in/to/into/at" (a few words apart at most), its status from the verb that
governs it and that verb's modality (``troop_status``), its owner from the phrase, the words
after it or the subject of its verb (``subjects``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dashboard.extract.lexicon import CaseBlind, Folded, alternation
from dashboard.extract.numbers import NUMBER, NUMBER_FIRST_LETTERS, parse_number
from dashboard.extract.modality import clause_start
from dashboard.extract.spans import ByStart
from dashboard.extract.subjects import subject
from dashboard.extract.troop_status import governed_from_before, troop_status
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
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?(?P<num>{NUMBER})\s+(?:[\w.-]+\s+){{0,3}}?"
    rf"(?P<noun>{_PEOPLE}|{_UNITS})\b", re.I)
#: A quantity starts with a qualifier or a number: testing the first character spares the
#: engine the long case-blind alternations at every other position.
_QUANTITY_START = "(?=[\\d" + "".join(sorted(
    {w[0] for w in _QUALIFIER.split("|")} | set(NUMBER_FIRST_LETTERS))) + "])"
_QUANTITIES = CaseBlind(rf"{_QUANTITY_START}{_QUANTITY.pattern}(?:\s+(?:with|of|totalling|"
                        rf"totaling|including|comprising)\s+"
                        rf"{_QUANTITY.pattern.replace('?P<', '?P<b_')})?")
_PEOPLE_RE = re.compile(rf"^(?:{_PEOPLE})$", re.I)
#: Words that say troops leave a place: a place after "from" is then where they are.
_WITHDRAWAL = CaseBlind(r"\b(?:withdr\w+|pull(?:s|ed|ing)?\s+out|pull-?out|reduc\w+|cut\w*|"
                        r"drawdown|draw(?:s|n|ing)?\s+down|leav(?:e|es|ing)|left|evacuat\w+|"
                        r"bring\w*\s+home|brought\s+home)\b")
_INTO = CaseBlind(r"\b(in|into|to|at|near|from|inside|around|across|throughout|on)\s+"
                   r"(?:the\s+)?(?:(?!(?:with|from|by|for|and|or|to|in)\b)[\w-]+\s+){0,3}$")
_CLAUSE_WORDS = CaseBlind(r"\b(?:if|that|which|who|when|while|because|unless|whether|after|"
                           r"before)\b"
                           r"|[;:]")
_GOES_WHERE_TROOPS_ARE = ("reinforcement", "withdrawal", "proposed", "planned")
#: Nouns too vague to make a deployment without a place or a head count.
_VAGUE = re.compile(r"^(?:fighters|men|reinforcements|units|personnel)$", re.I)
_WINDOW = 90
_MERGE_WINDOW = 60
#: How many sentences on troops with no owner of their own are the last owned troops'.
_ACTOR_REACH = 2
#: "The troops", "the remaining 2,000 soldiers": troops already reported on, whoever's they were.
_DEFINITE = re.compile(r"\b[Tt]he\s+(?:remaining|last|first|same|other)\s+$")


@dataclass(frozen=True, slots=True)
class _Draft:
    """A deployment before merging, as its fields but the id (merging settles it, and the
    record is built once); ``weak`` when its actor is only the sentence's subject."""

    fields: dict[str, Any]
    weak: bool
    #: Where the troop phrase itself ends (``fields["end"]`` may reach on to its place).
    phrase_end: int = 0


def find_deployments(
    text: str, sentences: Sequence[Sentence], places: Sequence[Place],
    actors: Sequence[Actor], dates: Sequence[DateMention], published: dt.date | None,
) -> tuple[Deployment, ...]:
    """Deployments in reading order, merged, ids ``d1``…"""
    mentions_at = ByStart([(s, e, a) for a in actors for s, e in a.mentions], lambda m: m[0])
    places_at = ByStart([p for p in places if p.literal], lambda p: p.start)
    dates_at = ByStart(dates, lambda d: d.start)
    doc = Folded.of(text)
    states = {a.country_code: a for a in reversed(actors) if a.type == "state" and a.country_code}
    everyone = {a.id: a for a in actors}
    found: list[_Draft] = []
    last: tuple[int, str] | None = None  # (sentence index, actor) of the last owned troops
    for index, sentence in enumerate(sentences):
        nouns = list(_TROOP_NOUN.finditer(doc, sentence.start, sentence.end))
        if not nouns:
            continue
        span = (sentence.start, sentence.end)
        literal, mentions = places_at.within(*span), mentions_at.within(*span)
        owners = [s for s, _, a in mentions if a.type != "person"]
        for group in _groups(doc, sentence, nouns, literal, owners):
            draft = _read_group(doc, sentence, group, literal, mentions, dates_at.within(*span),
                                published, [(p.start, p.end, states[p.country_code])
                                            for p in literal if p.kind == "country"
                                            and p.country_code in states], everyone)
            if draft is None:
                continue
            draft, last = _reported_owner(text, sentence, index, draft, last)
            if found and found[-1].fields["sentence"] is sentence.text and (
                    found[-1].fields["end"] > draft.fields["start"]):
                found[-1] = _short(found[-1])
            found.append(draft)
    merged = _fill_places(_merge(found))
    return tuple(Deployment(id=f"d{i}", **fields) for i, fields in enumerate(merged, 1))


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
    return _Draft({**draft.fields, "end": draft.phrase_end}, draft.weak, draft.phrase_end)


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
        if _casualties(doc, m.start(), m.end(), sentence.end):
            continue
        own = next((span for span in counted if span[0] <= m.start() < span[1]), None)
        if groups and _joins(groups[-1], m, own, counted, places, owners):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _joins(group, noun, own, counted, places, owners) -> bool:
    last = group[-1]
    before = [span for span in counted for m in group if span[0] <= m.start() < span[1]]
    if own is not None and before and own not in before:
        return False
    placed = any(last.end() <= p.start < noun.start() for p in places)
    owned = any(last.end() <= start < noun.start() for start in owners)
    return not (placed or owned) and noun.start() - last.end() < 90


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
    quantity = _quantity(doc, sentence, group)
    start = min(first.start(), quantity.start()) if quantity else first.start()
    end = max(last.end(), quantity.end()) if quantity else last.end()
    place = _place_after(doc, sentence, places, end)
    unit_start, actor, weak = _owner(doc, sentence, mentions, start, first.end(), countries,
                                     everyone)
    strength, qualifier = _strength(quantity)
    owned = actor is not None and not weak and not _VAGUE.match(first.group())
    if place is None and strength is None and not owned:
        return None
    status = troop_status(doc, sentence, unit_start, end)
    date = _date(dates, start, place.end if place else end)
    return _Draft(dict(
        actor=actor.id if actor else None,
        unit=_unit(text, unit_start, first.end(), quantity),
        strength=strength, strength_qualifier=qualifier,
        strength_text=" ".join(text[quantity.start():quantity.end()].split()) if quantity else "",
        place=place.id if place else None, lat=place.lat if place else None,
        lon=place.lon if place else None, status=_dated_status(status, date, published),
        date=date.date if date else None, sentence=sentence.text, start=unit_start,
        end=place.end if place else end), weak, end)


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
    return [d.fields for d in out]


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
    return bool(x["actor"] and x["actor"] == y["actor"] and not (a.weak or b.weak))


def _fill_places(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reinforcements, withdrawals and proposals with no place go where the troops already are."""
    out: list[dict[str, Any]] = []
    for dep in found:
        if dep["place"] is None and dep["status"] in _GOES_WHERE_TROOPS_ARE:
            base = next((d for d in reversed(out[-_MERGE_WINDOW:])
                         if d["place"] and d["status"] == "stationed"
                         and (not dep["actor"] or not d["actor"] or d["actor"] == dep["actor"])),
                        None)
            if base is not None:
                dep = {**dep, "place": base["place"], "lat": base["lat"], "lon": base["lon"]}
        out.append(dep)
    return out
