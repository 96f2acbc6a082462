"""Events from trigger words: type, actors, literal place, date and status; one record per event.

A sentence yields at most one event per type. Verbs trigger events; nouns ("the talks",
"its report") only when a date or a place is attached to them ("the Friday meeting",
"talks in Geneva") or they "were held". Events that repeat one another
(same type, shared actors, compatible date and place) are merged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from dashboard.extract import lexicon
from dashboard.extract.modality import WINDOW, clause_start, status_of
from dashboard.extract.actors import commanded_forces
from dashboard.extract.spans import ByStart
from dashboard.extract.subjects import passive_agent, subject
from dashboard.records import Actor, DateMention, Event, Place, Sentence

#: Single-word triggers, by event type: verb forms, then noun forms.
_VERB_WORDS = {
    "meeting": "meet meets met meeting discuss discusses discussed discussing negotiate "
               "negotiates negotiated negotiating convene convenes convened convening",
    "visit": "visit visits visited visiting tour tours toured touring",
    "statement": "said says say stated announce announces announced announcing declared "
                 "declares told tell tells warn warns warned supports supported backed condemn "
                 "condemns condemned welcome welcomes welcomed insist insists insisted promise "
                 "promises promised pledge pledges pledged claims claimed deny denies denied "
                 "acknowledge acknowledges acknowledged confirms confirmed stresses stressed "
                 "criticise criticises criticised criticize criticizes criticized accuse accuses "
                 "accused reiterate reiterates reiterated vows vowed",
    "request": "ask asks asked requests requested demands demanded urge urges urged plead "
               "pleads pleaded",
    "report": "reported reports",
    "clash": "clashes clashed fought fights fighting attacks attacked attacking shells shelled "
             "shelling bombs bombed bombing kills killed killing ambushes ambushed raids raided "
             "battles battled battling exploded stormed seized captured overran overrun "
             "overrunning wounded rioted rioting invade invades invaded invading",
    "deployment": "deploy deploys deployed deploying redeploy redeploys redeployed redeploying "
                  "dispatches dispatched withdraw withdraws withdrew withdrawn withdrawing",
    "decision": "decide decides decided agree agrees agreed approve approves approved adopts "
                "adopted vote votes voted reject rejects rejected signs signed ratify ratifies "
                "ratified authorise authorises authorised authorize authorizes authorized impose "
                "imposes imposed lifts lifted recognise recognises recognised recognize "
                "recognizes recognized suspends suspended veto vetoes vetoed orders ordered "
                "endorse endorses endorsed",
}
_NOUN_WORDS = {
    "meeting": "meeting talks summit conference negotiations dinner session consultations "
               "discussion discussions",
    "visit": "visit trip tour",
    "statement": "statement communique communiqué announcement speech remarks",
    "request": "request appeal demand",
    "report": "report",
    "clash": "clashes clash fighting attack attacks battle battles offensive ambush shelling "
             "bombing violence riot riots explosion explosions airstrike airstrikes raid raids "
             "firefight firefights skirmish skirmishes massacre killing killings assault",
    "deployment": "deployment withdrawal pullout pull-out",
    "decision": "decision agreement resolution accord ceasefire cease-fire deal treaty vote "
                "sanctions",
}
_VERB_OF = {w: t for t, words in _VERB_WORDS.items() for w in words.split()}
_NOUN_OF = {w: t for t, words in _NOUN_WORDS.items() for w in words.split()}
#: (type, v|n) of every trigger word, a verb reading first: one look-up per word of a sentence.
_TRIGGER_OF = {**{w: (t, "n") for w, t in _NOUN_OF.items()},
               **{w: (t, "v") for w, t in _VERB_OF.items()}}
#: Triggers of more than one word; "support"/"back" count as verbs only after a modal or "to".
_PHRASE_ALTERNATIVES = (
    r"(?P<v_meeting>(?:hold|holds|held|holding)\s+(?:\w+\s+)?talks)"
    r"|(?P<v_visit>arriv(?:e|es|ed|ing)\s+in|travel(?:s|led|ed|ling|ing)?\s+to|"
    r"(?:flew|flies|fly)\s+to)"
    r"|(?P<v_statement>according\s+to|(?:will|would|to|shall|should|could|might|may|must)\s+"
    r"(?:also\s+)?(?:support|back))"
    r"|(?P<v_request>call(?:s|ed)?\s+(?:for|on)|appeal(?:s|ed)?\s+(?:for|to)|press(?:es|ed)?\s+for)"
    r"|(?P<v_report>(?:submit|submits|submitted|present|presents|presented|publish|publishes|"
    r"published|release|releases|released|deliver|delivers|delivered)\s+(?:its|their|a|the|his|"
    r"her)\s+(?:\w+\s+)?report)"
    r"|(?P<v_clash>fir(?:ed|ing)\s+on|advanc(?:e|es|ed|ing)\s+on)"
    r"|(?P<v_deployment>(?:sent|send|sends|sending)\s+(?:[\w,-]+\s+){0,3}?(?:troops|soldiers|"
    r"forces|peacekeepers|reinforcements|brigades?|battalions?|units|paratroopers|marines|"
    r"warships|jets|aircraft)|pull(?:s|ed)?\s+(?:out|back)|moved\s+into|"
    r"(?:began|begin|begins|started)\s+withdrawing)"
    r"|(?P<n_statement>press\s+conference)|(?P<n_clash>air\s+strikes?)"
)
_PHRASES = re.compile(rf"\b(?<![\w-])(?:{_PHRASE_ALTERNATIVES})\b", re.I)
#: Words as the single-word triggers see them (a hyphenated word is one word: "UN-declared").
_TRIGGER_WORD = re.compile(r"(?<![\w-])[^\W\d_][\w'’]*(?:-[\w'’]+)*")
#: Phrases, else a whole trigger word, in one pass over lower-cased text (``lexicon.lowered``).
_LOWER_TRIGGERS = re.compile(
    rf"\b(?<![\w-])(?:(?:{_PHRASE_ALTERNATIVES})\b"
    rf"|(?P<word>{lexicon.alternation(_TRIGGER_OF)})(?![\w'’]|-[\w'’]))")
#: Words that make an ambiguous verb form a noun ("a visit", "the attack").
_DETERMINER = re.compile(r"\b(?:a|an|the|its|their|his|her|this|that|our|any|every|no|"
                         r"['’]s|\w+['’]s)\s+(?:\w+\s+)?$", re.I)
_LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside|around|across|throughout|on|into)|"
                       r"\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+"
                       r"(?:the\s+)?(?:(?!(?:with|from|by|for|and|or|to)\b)[a-z-]+\s+){0,3}$")
_TO = re.compile(r"\b(?:to|in|into|towards?)\s+(?:the\s+)?(?:(?!(?:with|from|by|for|and|or)\b)"
                 r"[a-z-]+\s+){0,3}$")
_LEAVING = re.compile(r"withdr|pull|leav", re.I)
_FROM = re.compile(r"\b(?:from|out\s+of)\s+(?:the\s+)?"
                   r"(?:(?!(?:with|by|for|and|or|to)\b)[a-z-]+\s+){0,3}$")
_TROOPS_BEFORE = re.compile(r"\b(?:troops|soldiers|forces|peacekeepers|contingent|units?|"
                            r"battalions?|presence)\b(?:\s+\w+){0,3}\s+(?:in|at|to)\s+"
                            r"(?:the\s+)?(?:[a-z-]+\s+){0,2}$", re.I)
#: (Its word boundary is checked after the "a": the engine looks for "a"s alone.)
_AT_MEETING = lexicon.CaseBlind(
    r"a(?<!\w.)t\s+the\s+(?:\w+\s+)?(?:meeting|summit|talks|conference|session)\b")
#: "the Friday meeting", "Thursday's talks"; "talks on Monday", "the dinner on Thursday night".
_DATE_BEFORE_NOUN = re.compile(r"(?:['’]s)?\s+(?:[\w-]+\s+)?")
_DATE_AFTER_NOUN = re.compile(r"\s+(?:(?:on|in|at|this|next|last|set\s+for|scheduled\s+for|"
                              r"due)\s+)?"
                              r"(?:the\s+)?")
_PLACE_AFTER_NOUN = re.compile(r"\s+(?:in|at|to)\s+(?:the\s+)?")
#: A partner after a meeting or clash trigger: "met with Lavrov", "talks between X and Y".
_PARTNER_BEFORE = re.compile(r"\b(?:with|between|and)\s+(?:(?:the|their|its|his|her)\s+)?"
                             r"(?:[\w-]+\s+)?$", re.I)
#: A trigger opening its clause, with at most an article and an adjective before it.
_OPENS_CLAUSE = re.compile(r"\s*(?:(?:the|a|an|new|peace|heavy|fresh|further)\s+){0,2}", re.I)
#: A possessive before the subject's noun: "his fighters raided".
_POSSESSIVE_SUBJECT = re.compile(r"\b(his|her|its|their)\s+(?:[\w-]+\s+){1,2}"
                                 r"(?:(?:will|would|had|has|have|were|was|also)\s+){0,2}$", re.I)
#: A pronoun as the subject: only auxiliaries and adverbs between it and the trigger.
_PRONOUN_SUBJECT = re.compile(
    r"\b(he|she|it|they|we)\s+(?:(?:will|would|shall|should|could|might|may|must|can|has|have|"
    r"had|is|are|was|were|also|not|never|then|later|already|still|again|had\s+been|has\s+been|"
    r"did|does|do)\s+){0,3}$", re.I)
_WHEN_AFTER_DATE = re.compile(r"^,?\s+when\b")
_NOUN_ANCHOR = re.compile(r"^(?:\s+(?!(?:but|said|says)\b)[\w'’,-]+){0,7}?\s+"
                          r"(?:(?:was|were|is|are|will\s+be|would\s+be)\s+held|"
                          r"took\s+place|broke\s+out|erupted|began|ended|started|resumed|"
                          r"(?:will|to|must|should|would|could|may|might)\s+"
                          r"(?:resume|begin|open|start|take\s+place|"
                          r"continue)|"
                          r"continued|opened|collapsed|failed)\b", re.I)
#: (Each alternative opens with its own character, "t" of "that" with its word boundary after
#: it: the engine looks for those characters alone.)
_CLAUSE_END = re.compile(r";|\s[-\u2013\u2014]\s|,\s+(?:but|while|whereas|which|who|where|when|"
                         r"after|before|because|although|though|whose)\b|t(?<!\w.)hat\b")
#: ", diplomats said": the speaker after the reported words opens the statement's own clause.
_TRAILING_SPEAKER = re.compile(r",\s+(?:[\w'’.-]+\s+){0,5}$")
_SPEAKER_LAST = re.compile(r"(?:\s+(?:on\s+)?[\w'’-]+){0,4}\s*[.!?\"”]*\s*$")
#: Past forms of statement verbs: a statement reported in the past has been made.
_PAST_SAYING = re.compile(r"(?:said|told|\w+ed)$", re.I)
_SUMMARY_CHARS = 160
_MERGE_WINDOW = 60


#: An event's fields but its id, which only merging settles: built once as an ``Event`` at the
#: end instead of being copied at each step.
_Fields = dict[str, Any]


class _Trigger(NamedTuple):
    """A trigger word or phrase (a tuple, cheap to build for every candidate)."""

    type: str
    start: int
    end: int
    word: str
    verb: bool


def find_events(
    text: str, sentences: Sequence[Sentence], places: Sequence[Place],
    actors: Sequence[Actor], dates: Sequence[DateMention], published: dt.date | None,
) -> tuple[Event, ...]:
    """Events in reading order, merged, ids ``e1``…"""
    mentions = ByStart([(s, e, a.id) for a in actors for s, e in a.mentions], lambda m: m[0])
    places_at = ByStart(places, lambda p: p.start)
    dates_at = ByStart(dates, lambda d: d.start)
    low = lexicon.lowered(text)
    cast = _Cast.of(actors)
    found: list[_Fields] = []
    referents = _Referents()
    for sentence in sentences:
        span = (sentence.start, sentence.end)
        here = mentions.within(*span)
        candidates = _candidates(text, low, sentence)
        if candidates:
            context = _Context(text, sentence, places_at.within(*span), here,
                               dates_at.within(*span), published, referents, cast)
            events = [context.event(t, found)
                      for t in _triggers(text, sentence, candidates, context)]
            found.extend(events)
            if events and events[0]["actors"]:
                referents = replace(referents, subject=events[0]["actors"])
        referents = referents.after(here, cast)
    merged = _merge(found, cast.generic)
    return tuple(Event(id=f"e{i}", **fields) for i, fields in enumerate(merged, 1))


def _triggers(text: str, sentence: Sentence, candidates: list[tuple[str, str, int, int]],
              context: _Context) -> list[_Trigger]:
    """The first accepted trigger of each type among a sentence's candidates."""
    raw = []
    for m in candidates:
        kind, type_ = m[0], m[1]
        start, end, word = m[2], m[3], text[m[2]:m[3]]
        if context.inside_name(start, end):
            continue
        verb = kind == "v" and not (word.lower() in _NOUN_OF and _DETERMINER.search(
            text, max(sentence.start, start - 30), start))
        raw.append(_Trigger(type_, start, end, word, verb))
    chosen: dict[str, _Trigger] = {}
    for t in raw:
        if t.type == "statement" and context.attribution(t):
            continue
        if t.type in chosen or not (t.verb or context.anchored(t)):
            continue
        chosen[t.type] = t
    return sorted(chosen.values(), key=lambda t: t.start)


def _candidates(text: str, low: str | None, sentence: Sentence) -> list[tuple[str, str, int, int]]:
    """(v|n, type, start, end) of every trigger word or phrase, in reading order."""
    if low is None:
        return _candidates_case_blind(text, sentence)
    found = []
    for m in _LOWER_TRIGGERS.finditer(low, sentence.start, sentence.end):
        if m.lastgroup != "word":
            found.append(_phrase(m))
        elif m.start() > 0 and low[m.start() - 1] in "'’":
            # "l'attack": the word may be the tail of a longer one; let the tokenizer decide
            return _candidates_case_blind(text, sentence)
        else:
            type_, kind = _TRIGGER_OF[m.group()]
            found.append((kind, type_, m.start(), m.end()))
    return found


def _candidates_case_blind(text: str, sentence: Sentence) -> list[tuple[str, str, int, int]]:
    """``_candidates`` read case-blind on the text itself: where the lower-cased copy is not
    exact (``lexicon.lowered``), or a word after an apostrophe needs the tokenizer."""
    found = [_phrase(m) for m in _PHRASES.finditer(text, sentence.start, sentence.end)]
    taken = [(f[2], f[3]) for f in found]
    for m in _TRIGGER_WORD.finditer(text, sentence.start, sentence.end):
        hit = _TRIGGER_OF.get(m.group().lower())
        if hit and not any(s <= m.start() < e for s, e in taken):
            found.append((hit[1], hit[0], m.start(), m.end()))
    return sorted(found, key=lambda f: f[2])


def _phrase(m: re.Match[str]) -> tuple[str, str, int, int]:
    kind, type_ = m.lastgroup.split("_", 1)
    start = m.start()
    if type_ == "statement" and not m.group().lower().startswith("according"):
        start = m.end() - len(m.group().split()[-1])  # "will support": the modal stays left
    return kind, type_, start, m.end()


@dataclass(frozen=True, slots=True)
class _Cast:
    """What the actor choice needs to know of the article's actors."""

    #: A person's id → the force or state he acts for ("the KFOR commander").
    forces: dict[str, tuple[str, ...]]
    #: Ids of unnamed bodies of people ("residents"), never actors by mere position.
    generic: frozenset[str]
    people: frozenset[str]
    #: Country code → id of the state actor, for a country named as a subject.
    states: dict[str, str]

    @classmethod
    def of(cls, actors: Sequence[Actor]) -> _Cast:
        return cls(commanded_forces(actors),
                   frozenset(a.id for a in actors if a.type == "group" and a.name.islower()),
                   frozenset(a.id for a in actors if a.type == "person"),
                   {a.country_code: a.id for a in reversed(actors)
                    if a.type == "state" and a.country_code})


@dataclass(frozen=True, slots=True)
class _Referents:
    """Who a pronoun may stand for: the last subject ("they"), person ("he", "she") and body
    ("it") mentioned."""

    subject: tuple[str, ...] = ()
    person: str = ""
    body: str = ""

    def after(self, mentions, cast: _Cast) -> _Referents:
        person, body = self.person, self.body
        for _, _, a in mentions:
            if a in cast.people:
                person = a
            elif a not in cast.generic:
                body = a
        return _Referents(self.subject, person, body)


class _Context:
    """What one sentence offers an event: actors, literal places, dates."""

    def __init__(self, text, sentence, places, mentions, dates, published, referents, cast):
        self.text, self.sentence, self.published = text, sentence, published
        self.places, self.mentions, self.dates = places, mentions, dates
        self.referents, self.cast = referents, cast
        # A country named as a subject stands for its state ("Russia began deploying …"),
        # when the article has that state as an actor.
        self.subjects = sorted([*mentions, *(
            (p.start, p.end, cast.states[p.country_code]) for p in places
            if p.literal and p.kind == "country" and p.country_code in cast.states)])

    def inside_name(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e, _ in self.mentions) or any(
            p.start <= start and end <= p.end for p in self.places)

    def attribution(self, t: _Trigger) -> bool:
        """ "…, officials said." or "According to X, …": a source of other words, no event."""
        if t.word.lower().startswith("according"):
            return True
        s = self.sentence
        return bool(_SPEAKER_LAST.match(self.text, t.end, s.end)
                    and _TRAILING_SPEAKER.search(self.text, s.start, t.start))

    def anchored(self, t: _Trigger) -> bool:
        """A noun trigger with a date, a place or "was held" attached to it."""
        near = any(_DATE_BEFORE_NOUN.fullmatch(self.text, d.end, t.start) if d.end <= t.start
                   else _DATE_AFTER_NOUN.fullmatch(self.text, t.end, d.start)
                   for d in self.dates)
        after = self.text[t.end:min(self.sentence.end, t.end + 60)]
        placed = any(p.literal and t.end < p.start <= t.end + 20
                     and _PLACE_AFTER_NOUN.fullmatch(self.text, t.end, p.start)
                     for p in self.places)
        return near or placed or bool(_NOUN_ANCHOR.match(after))

    def event(self, t: _Trigger, earlier: list[_Fields]) -> _Fields:
        s = self.sentence
        c_start = s.start + clause_start(s.text, t.start - s.start)
        c_end = self._clause_end(t.end)
        date = self._date(t, c_start, c_end)
        place = self._place(t, c_start, c_end)
        qualifier = date.qualifier if date else ""
        if date and date.end <= t.start and _WHEN_AFTER_DATE.match(self.text[date.end:t.start]):
            qualifier = ""
        if t.type == "statement" and t.verb and _PAST_SAYING.search(t.word):
            status = "occurred"
        else:
            status = status_of(_last_words(self.text[c_start:t.start]), t.word,
                               self.text[t.end:s.end], date.date if date else None,
                               self.published,
                               lead=self.text[max(s.start, c_start - WINDOW):c_start])
        event = dict(
            type=t.type,
            summary=_summary(self.text[c_start:s.end if t.type == "statement" else c_end]),
            actors=self._actors(t, c_start, c_end), place=place.id if place else None,
            lat=place.lat if place else None, lon=place.lon if place else None,
            date=date.date if date else None, date_text=date.text if date else "",
            date_precision=date.precision if date and date.date else "",
            date_qualifier=qualifier, status=status, sentence=s.text, start=c_start, end=c_end)
        return self._inherit(event, earlier)

    def _clause_end(self, pos: int) -> int:
        m = _CLAUSE_END.search(self.text, pos, self.sentence.end)
        return m.start() if m else self.sentence.end

    def _date(self, t: _Trigger, c_start: int, c_end: int) -> DateMention | None:
        """The nearest date in the clause; else one that opens the sentence ("On Wednesday, …")
        or that a "when" clause hangs on ("after December 10, when …")."""
        usable = [d for d in self.dates if d.date is not None] or self.dates
        if t.type == "statement":  # a date after "said" belongs to the words reported
            usable = [d for d in usable if d.end <= t.start or d.start <= t.end + 15]
        inside = [d for d in usable if c_start <= d.start < c_end]
        if not inside:
            inside = [d for d in usable if d.end <= c_start and (
                d.start - self.sentence.start < 4
                or _WHEN_AFTER_DATE.match(self.text[d.end:c_start]))]
        if not inside:
            return None
        return min(inside, key=lambda d: min(abs(d.start - t.end), abs(t.start - d.end)))

    def _place(self, t: _Trigger, c_start: int, c_end: int) -> Place | None:
        fits = []
        locative = _TO if t.type in ("visit", "deployment") else _LOCATIVE
        if t.type == "deployment" and _LEAVING.search(t.word):
            locative = _FROM  # troops pull out *of* a place
        for p in self.places:
            if not (c_start <= p.start < c_end and p.literal and p.resolved):
                continue
            before = self.text[max(self.sentence.start, p.start - 40):p.start]
            if locative.search(before) and not (
                    t.type != "deployment" and _TROOPS_BEFORE.search(before)):
                fits.append(p)
        if not fits:
            return None
        return min(fits, key=lambda p: min(abs(p.start - t.end), abs(t.start - p.end)))

    def _actors(self, t: _Trigger, c_start: int, c_end: int) -> tuple[str, ...]:
        """The trigger's subject (see ``subjects``), with its partners for meetings and clashes
        ("met with Lavrov") and the force a commander belongs to; failing a subject, the
        previous sentence's for a pronoun, else the actors after the trigger (not for a
        request: those are asked)."""
        text, s, cast = self.text, self.sentence, self.cast
        chosen = passive_agent(text, self.subjects, t.start, t.end, c_end) or subject(
            text, self.subjects, c_start, t.start, s.start) or self._pronoun(t, c_start)
        chosen = self._possessed(chosen, t, c_start)
        if not chosen and c_start > s.start and not _OPENS_CLAUSE.fullmatch(
                text, c_start, t.start):  # "…, and talks will resume": the talks are no one's
            chosen = subject(text, self.subjects, s.start, t.start, s.start)
        after = [a for st, e, a in self.mentions if t.end <= st < c_end]
        if chosen and t.type in ("meeting", "clash"):
            after = [a for st, e, a in self.mentions if t.end <= st < c_end
                     and _PARTNER_BEFORE.search(text, max(t.end, st - 40), st)]
        elif chosen or t.type == "request":
            after = []  # "called on the EU to …": who is asked does not ask
        else:  # "…, wounding two civilians": people named after the verb are not its actors,
            # unless as a party ("talks between the government and the rebels")
            after = [a for st, e, a in self.mentions if t.end <= st < c_end and (
                a not in cast.generic or _PARTNER_BEFORE.search(text, max(t.end, st - 40), st))]
        found = [*chosen, *after]
        return tuple(dict.fromkeys(x for a in found for x in (a, *cast.forces.get(a, ()))))

    def _possessed(self, chosen: tuple[str, ...], t: _Trigger, c_start: int) -> tuple[str, ...]:
        """ "his fighters raided": an unnamed body owned by a pronoun is the pronoun's."""
        if len(chosen) != 1 or chosen[0] not in self.cast.generic:
            return chosen
        owner = _POSSESSIVE_SUBJECT.search(self.text, max(c_start, t.start - 60), t.start)
        if owner is None:
            return chosen
        word = owner.group(1).lower()
        resolved = self._referent("they" if word == "their" else "he" if word in (
            "his", "her") else "it", owner.start())
        return resolved or chosen

    def _pronoun(self, t: _Trigger, c_start: int) -> tuple[str, ...]:
        """ "he told reporters", "They will also urge": who the pronoun before the trigger
        stands for (the nearest person or body before it, else the last one reported)."""
        m = _PRONOUN_SUBJECT.search(self.text, max(c_start, t.start - 60), t.start)
        return () if m is None else self._referent(m.group(1).lower(), m.start())

    def _referent(self, word: str, at: int) -> tuple[str, ...]:
        """Who "he", "it" or "they" at ``at`` stands for."""
        if word in ("they", "we"):
            return self.referents.subject
        people = word in ("he", "she")
        before = [a for st, e, a in self.mentions if e <= at
                  and (a in self.cast.people) == people and a not in self.cast.generic]
        latest = self.referents.person if people else self.referents.body
        found = before[-1] if before else latest
        return (found,) if found else ()

    def _inherit(self, event: _Fields, earlier: list[_Fields]) -> _Fields:
        """ "at the meeting": the place and date of the last meeting that has them."""
        if event["place"] is not None or not _AT_MEETING.search(self.sentence.text):
            return event
        last = next((e for e in reversed(earlier) if e["type"] == "meeting" and e["place"]),
                    None)
        if last is None or (event["date"] and last["date"] and event["date"] != last["date"]):
            return event
        taken = ("place", "lat", "lon") + (
            ("date", "date_text", "date_precision") if event["date"] is None else ())
        return {**event, **{key: last[key] for key in taken}}


def _last_words(text: str, count: int = 6) -> str:
    """The words that lead up to a trigger: where its auxiliaries and modals live."""
    return " ".join(text.split()[-count:]) + (" " if text[-1:].isspace() else "")


def _summary(clause: str) -> str:
    clause = " ".join(clause.split()).strip(" ,;-")
    if len(clause) <= _SUMMARY_CHARS:
        return clause
    return clause[:_SUMMARY_CHARS - 1].rstrip() + "\u2026"


def _merge(events: list[_Fields], generic: frozenset[str] = frozenset()) -> list[_Fields]:
    """Fold repeats of one event into its first report, filling what the first lacked.

    Only the last ``_MERGE_WINDOW`` events of the same type are compared: reports repeat an
    event close together, and a bound keeps huge articles linear.
    """
    out: list[_Fields] = []
    by_type: dict[str, list[int]] = {}
    for event in events:
        recent = by_type.setdefault(event["type"], [])
        twin = next((i for i in reversed(recent[-_MERGE_WINDOW:])
                     if _same(out[i], event, generic)), None)
        if twin is None:
            recent.append(len(out))
            out.append(event)
            continue
        first = out[twin]
        placed = first if first["place"] else event
        dated = first if first["date"] else event
        out[twin] = {
            **first, "actors": tuple(dict.fromkeys(first["actors"] + event["actors"])),
            "place": first["place"] or event["place"], "lat": placed["lat"], "lon": placed["lon"],
            **{key: dated[key] for key in ("date", "date_text", "date_precision",
                                           "date_qualifier")}}
    return out


def _near(a: _Fields, b: _Fields) -> bool:
    """Within about 50 km: "Kyiv region" and "Kyiv" are one place for merging."""
    if None in (a["lat"], a["lon"], b["lat"], b["lon"]):
        return a["place"] == b["place"]
    return abs(a["lat"] - b["lat"]) < 0.5 and abs(a["lon"] - b["lon"]) < 0.5


def _same(a: _Fields, b: _Fields, generic: frozenset[str] = frozenset()) -> bool:
    """Whether ``b`` repeats ``a``. Unnamed bodies ("officials said") are no identity: two
    statements of "officials" are one only as events with no actor would be."""
    if a["type"] != b["type"]:
        return False
    if a["date"] and b["date"] and a["date"] != b["date"]:
        return False
    if a["place"] and b["place"] and not _near(a, b):
        return False
    if a["type"] == "meeting" and set(a["actors"]) & set(b["actors"]):
        return True
    if a["actors"] and b["actors"] and a["actors"][0] not in generic:
        return a["actors"][0] == b["actors"][0]
    return bool(a["date"] and a["date"] == b["date"]
                and (a["place"] == b["place"] or not a["place"] or not b["place"]))
