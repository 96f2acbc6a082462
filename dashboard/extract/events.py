"""Events from trigger words: type, actors, stated place and date, status; one record per event.

The place and date found here are the ones the event's own clause states; the grounding stage
(``grounding.py``) keeps them as its best evidence and fills the rest. An event's span
(``start``/``end``, ``mentions``) is that clause, two predicates of one subject parting at
their "and" ("left the port on Monday | and crossed the border the day after"), except for
statements, whose words run on past it; troops that leave are placed where they leave from.

A clause yields at most one event per type (a sentence may hold several clauses: "pulled
out in August, and the last columns rolled north"). Verbs trigger events; nouns ("the talks",
"its report") only when a date or a place is attached to them ("the Friday meeting",
"talks in Geneva") or they "were held". Events that repeat one another
(same type, shared actors, compatible date and place) are merged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from dashboard.extract import lexicon
from dashboard.extract.modality import WINDOW, clause_start, status_of
from dashboard.extract.actors import commanded_forces
from dashboard.extract.spans import ByStart, extended
from dashboard.extract.subjects import passive_agent, subject
from dashboard.records import Actor, DateMention, Event, Place, Sentence, quick_init
from dashboard.text import headline

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
                 "accused reiterate reiterates reiterated vows vowed complain complains "
                 "complained blame blames blamed apologise apologises apologised apologize "
                 "apologizes apologized threaten threatens threatened praise praises praised "
                 "admit admits admitted",
    "request": "ask asks asked asking requests requested demand demands demanded demanding "
               "urge urges urged urging plead pleads pleaded",
    "report": "reported reports",
    "clash": "clashes clashed fought fights fighting attacks attacked attacking shells shelled "
             "shelling bombs bombed bombing kills killed killing ambushes ambushed raids raided "
             "battles battled battling exploded stormed seize seizes seized capture captures "
             "captured overran overrun overrunning wounded rioted rioting invade invades "
             "invaded invading struck downed besiege besieges besieged besieging retake "
             "retakes retook retaken recapture recaptures recaptured occupy occupies occupied "
             "occupying looted detained massacred sank sunk",
    "deployment": "deploy deploys deployed deploying redeploy redeploys redeployed redeploying "
                  "dispatches dispatched withdraw withdraws withdrew withdrawn withdrawing",
    "decision": "decide decides decided agree agrees agreed approve approves approved adopts "
                "adopted vote votes voted reject rejects rejected signs signed ratify ratifies "
                "ratified authorise authorises authorised authorize authorizes authorized impose "
                "imposes imposed lifts lifted recognise recognises recognised recognize "
                "recognizes recognized suspends suspended veto vetoes vetoed orders ordered "
                "endorse endorses endorsed sign accept accepts accepted countersigned elect "
                "elects elected refuse refuses refused expel expels expelled invite invites "
                "invited",
    "other": "fled flee flees fleeing evacuate evacuates evacuated evacuating rallied "
             "protested protesting surrender surrenders surrendered celebrated celebrating",
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
             "firefight firefights skirmish skirmishes massacre killing killings assault conflict "
             "siege coup",
    "deployment": "deployment withdrawal pullout pull-out",
    "decision": "decision agreement resolution accord ceasefire cease-fire deal treaty vote "
                "sanctions",
    "other": "ceremony rally rallies protest protests demonstration demonstrations referendum "
             "election elections exercise exercises drills evacuation airlift",
}
#: Verbs of movement: a deployment when troops, ships or aircraft move (their subject or
#: object, ``_MILITARY``); anything else moving ("refugees crossed") is no event.
_MOVE_WORDS = ("arrive arrives arrived arriving land lands landed landing fly flies flew flown "
               "flying enter enters entered entering leave leaves left leaving cross crosses "
               "crossed crossing roll rolls rolled rolling sail sails sailed sailing drive drives "
               "drove driven head heads headed heading move moves moved moving march marches "
               "marched marching advance advances advanced advancing retreat retreats retreated "
               "retreating return returns returned returning reach reaches reached reaching "
               "poured rushed regroup regrouped regrouping massed massing posted follow follows "
               "join joins joined anchored escorted send sends sent sending")
_VERB_OF = {w: t for t, words in _VERB_WORDS.items() for w in words.split()}
_NOUN_OF = {w: t for t, words in _NOUN_WORDS.items() for w in words.split()}
#: (type, v|n) of every trigger word, a verb reading first: one look-up per word of a sentence.
_TRIGGER_OF = {**{w: ("move", "v") for w in _MOVE_WORDS.split()},
               **{w: (t, "n") for w, t in _NOUN_OF.items()},
               **{w: (t, "v") for w, t in _VERB_OF.items()}}
#: Triggers of more than one word; "support"/"back" count as verbs only after a modal or "to".
_COMMON_PHRASES = _PHRASE_ALTERNATIVES = (
    r"(?P<v_meeting>(?:hold|holds|held|holding)\s+(?:\w+\s+)?talks)"
    r"|(?P<v_visit>arriv(?:e|es|ed|ing)\s+in|travel(?:s|led|ed|ling|ing)?\s+to|"
    r"(?:flew|flies|fly)\s+to)"
    r"|(?P<v_statement>according\s+to|(?:will|would|to|shall|should|could|might|may|must)\s+"
    r"(?:also\s+)?(?:support|back))"
    r"|(?P<v_request>call(?:s|ed)?\s+(?:for|on)|appeal(?:s|ed)?\s+(?:for|to)|press(?:es|ed)?\s+for)"
    r"|(?P<v_report>(?:submit|submits|submitted|present|presents|presented|publish|publishes|"
    r"published|release|releases|released|deliver|delivers|delivered)\s+(?:its|their|a|the|his|"
    r"her)\s+(?:\w+\s+)?report)"
    r"|(?P<v_clash>fir(?:ed|ing)\s+on|advanc(?:e|es|ed|ing)\s+on|"
    r"(?:shot|shoots|shoot|shooting)\s+down|"
    r"enter(?:s|ed|ing)?\s+(?:[\w'’-]+\s+){1,6}?by\s+force|(?:break|breaks|broke|breaking)\s+into|"
    r"forc(?:e|es|ed|ing)\s+(?:their|its|his|her|a)\s+way\s+into)"
    r"|(?P<v_deployment>(?:sent|send|sends|sending)\s+(?:[\w,-]+\s+){0,3}?(?:troops|soldiers|"
    r"forces|peacekeepers|reinforcements|brigades?|battalions?|units|paratroopers|marines|"
    r"warships|jets|aircraft)|pull(?:s|ed)?\s+(?:out|back)|moved\s+into|"
    r"(?:began|begin|begins|started)\s+withdrawing)"
    r"|(?P<n_statement>press\s+conference)|(?P<n_clash>air\s+strikes?)"
)
#: Phrases whose key words are rare: the lowered scan tries them only in a sentence holding
#: a ``_RARE_KEY`` (every alternative tried at every word costs the one-pass scan).
_RARE_PHRASES = (
    r"(?P<v_move>(?:took|take|takes|taking)\s+off|(?:came|come|comes|coming)\s+ashore|"
    r"hand(?:s|ed|ing)?\s+over|pull(?:s|ed|ing)?\s+(?:their|its|his|the)\s+(?:\w+\s+)?back)"
    # "at Ecuador's request", "at the request of": the request behind what follows
    r"|(?P<v_request2>at\s+the\s+request\s+of|at\s+(?:[\w.-]+\s+){0,2}?[\w.-]+['’]s\s+request)"
    # a light verb and an attack noun: "launched an offensive", "began a major offensive"
    r"|(?P<v_clash2>(?:launch|launches|launched|launching|mount|mounts|mounted|stage|stages|"
    r"staged|begin|begins|began|begun|start|starts|started|resume|resumes|resumed)\s+"
    r"(?:a|an|the|its|their|his|new|fresh)\s+(?:[\w-]+\s+){0,2}?(?:offensive|attacks?|"
    r"assaults?|raids?|air\s+strikes|airstrikes|bombardment))"
    r"|(?P<v_decision>(?:clos(?:e|es|ed|ing)|reopen(?:s|ed|ing)?|open(?:s|ed|ing)?)\s+(?:(?:its|their|the|"
    r"[\w-]+['’]s)\s+)?(?:[\w-]+\s+){0,2}?(?:border|borders|airspace|airport|embassy|frontier|"
    r"crossings?)|(?:broke|break|breaks|breaking|cut|cuts|sever(?:s|ed|ing)?)\s+(?:off\s+)?"
    r"(?:diplomatic\s+)?(?:relations|ties))"
    r"|(?P<v_other>(?:take|takes|took|taken|taking)\s+effect|step(?:s|ped|ping)?\s+down)"
    r"|(?P<v_request3>propos(?:e|es|ed|ing)\s+(?:a|an|the|that|to)\b)"
    r"|(?P<v_move2>(?:took|take|takes|taking|seized|seize|seizes|gained|regained)\s+control)"
)
_BOUNDARY = r"\b"
_RARE_KEY = re.compile(lexicon.alternation(
    "off ashore over back request attack assault raid strikes bombardment border airspace "
    "airport embassy frontier crossing relations ties effect down propos control".split()))
_LOWER_RARE = re.compile(
    rf"\b(?<![\w-])(?:{lexicon.tagged_by_first_letter(_RARE_PHRASES, after=_BOUNDARY)})")
_PHRASE_ALTERNATIVES = f"{_PHRASE_ALTERNATIVES}|{_RARE_PHRASES}"
_PHRASES = re.compile(rf"\b(?<![\w-])(?:{_PHRASE_ALTERNATIVES})\b", re.I)
#: Words as the single-word triggers see them (a hyphenated word is one word: "UN-declared").
_TRIGGER_WORD = re.compile(r"(?<![\w-])[^\W\d_][\w'’]*(?:-[\w'’]+)*")
#: Phrases, else a whole trigger word, in one pass over lower-cased text (``lexicon.lowered``).
#: (The phrases by first letter, each tagged with its group: ``lexicon.tagged_by_first_letter``.)
_TAGGED_PHRASES = lexicon.tagged_by_first_letter(_COMMON_PHRASES, after=_BOUNDARY)
_LOWER_TRIGGERS = re.compile(
    rf"\b(?<![\w-])(?:{_TAGGED_PHRASES}"
    rf"|(?P<word>{lexicon.alternation(_TRIGGER_OF)})(?![\w'’]|-[\w'’]))")
#: Words that make an ambiguous verb form a noun ("a visit", "the attack").
_DETERMINER = re.compile(r"\b(?:a|an|the|its|their|his|her|this|that|our|any|every|no|"
                         r"['’]s|\w+['’]s)\s+(?:\w+\s+)?$", re.I)
_LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside|around|across|throughout|on|into)|"
                       r"\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+"
                       r"(?:the\s+)?(?:(?!(?:with|from|by|for|and|or|to)\b)[a-z-]+\s+){0,3}$")
_TO = re.compile(r"\b(?:to|in|into|towards?)\s+(?:the\s+)?(?:(?!(?:with|from|by|for|and|or)\b)"
                 r"[a-z-]+\s+){0,3}$")
_LEAVING = re.compile(r"withdr|pull|leav|\bleft\b|\boff\b", re.I)  # "took off" too
#: What troops leave: the object of "left"/"leave" ("left the southern port of X").
_LEFT = re.compile(r"\b(?:left|leaves?|leaving)\s+(?:the\s+)?"
                   r"(?:(?!(?:with|by|for|and|or|to|on|at|in)\b)[a-z-]+\s+){0,3}$")
_FROM = re.compile(r"\b(?:from|out\s+of)\s+(?:the\s+|an?\s+)?"
                   r"(?:(?!(?:with|by|for|and|or|to)\b)[a-z-]+\s+){0,3}$")
_TROOPS_BEFORE = re.compile(r"\b(?:troops|soldiers|forces|peacekeepers|contingent|units?|"
                            r"battalions?|presence)\b(?:\s+\w+){0,3}\s+(?:in|at|to)\s+"
                            r"(?:the\s+)?(?:[a-z-]+\s+){0,2}$", re.I)
#: "the Friday meeting", "Thursday's talks"; "talks on Monday", "the dinner on Thursday night".
_DATE_BEFORE_NOUN = re.compile(r"(?:['’]s)?\s+(?:[\w-]+\s+)?")
_DATE_AFTER_NOUN = re.compile(r"\s+(?:(?:on|in|at|this|next|last|set\s+for|scheduled\s+for|"
                              r"due)\s+)?"
                              r"(?:the\s+)?")
#: "a summit in the Nigerian capital on July 30": a date after the noun's place.
_DATE_AFTER_PLACE = re.compile(r"\s+(?:in|at)\s+(?:the\s+)?(?:[\w'’-]+\s+){1,3}(?:on|in)\s+")
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
#: A second predicate of one subject: "… and crossed", "… and were due to land".
_AND_PREDICATE = re.compile(r"\band\s+(?:[a-z]+\s+){0,3}$")
_DURATION_OF = re.compile(r"\b(?:days|weeks|months|years|hours)\s+of\s+(?:[\w-]+\s+)?$", re.I)
_BY_AGENT = re.compile(r"\s+by\s+(?:the\s+)?")
#: (Each alternative opens with its own character, "t" of "that" with its word boundary after
#: it: the engine looks for those characters alone.)
_CLAUSE_END = re.compile(r";|\s[-\u2013\u2014]\s|,\s+(?:but|and|while|whereas|which|who|where|"
                         r"when|after|before|because|although|though|whose)\b|t(?<!\w.)hat\b")
#: A relative pronoun opening a clause on the noun before it ("Marines who landed …").
_RELATIVE = re.compile(r"\b(?:who|which|whose)\b")
#: What ends a relative clause before a date: a new clause or sentence part.
_RELATIVE_CUT = re.compile(r";|\s[-\u2013\u2014]\s|,\s+(?:but|and|while|said|says)\b")
#: Clause breaks between two statements of one sentence ("said …, and Bogotá accused …").
_STATEMENT_BREAK = re.compile(r";|\s[-\u2013\u2014]\s|,\s+(?:but|and|while|whereas|which|who)\b")
#: ", diplomats said": the speaker after the reported words opens the statement's own clause.
_TRAILING_SPEAKER = re.compile(r",\s+(?:[\w'’.-]+\s+){0,5}$")
_SPEAKER_LAST = re.compile(r"(?:\s+(?:on\s+)?[\w'’-]+){0,4}\s*[.!?\"”]*\s*$")
#: Past forms of statement verbs: a statement reported in the past has been made.
_PAST_SAYING = re.compile(r"(?:said|told|\w+ed)$", re.I)
#: People in uniform, formed units, convoys, warships and military aircraft.
_MILITARY_NOUNS = (r"troops|soldiers|forces|force|servicemen|personnel|peacekeepers|marines|"
                   r"paratroopers|commandos|sailors|airmen|policemen|police|gendarmes|fighters|"
                   r"guerrillas|militias?|militiamen|rebels|insurgents|reservists|reinforcements|"
                   r"contingents?|battalions?|brigades?|divisions?|regiments?|company|companies|"
                   r"platoons?|squadrons?|units?|battlegroups?|corps|garrison|army|navy|"
                   r"convoys?|columns?|tanks|armou?r|armou?red\s+vehicles|warships?|ships|"
                   r"carriers?|(?:strike|task|battle)\s+groups?|minesweepers|frigates?|"
                   r"destroyers?|submarines?|jets|warplanes|planes|aircraft|helicopters|"
                   r"bombers|observers")
_MILITARY = re.compile(rf"\b(?:{_MILITARY_NOUNS})\b", re.I)
_MILITARY_OBJECT = re.compile(rf"\s+(?:[\w,.-]+\s+){{0,4}}?(?:{_MILITARY_NOUNS})\b", re.I)
#: A mover is looked for this far back, not across a clause of its own ("…, and", "said").
_MOVER_REACH = 100
#: (Its words as ``lexicon.blind_branches`` builds them: case-blind, each branch tried only
#: at its first letter.)
_MOVER_CUT = re.compile(r"[;:]|\s[-\u2013\u2014]\s|,\s+(?i:but|and|while|whereas)\b|"
                        r"\b(?:" + lexicon.blind_branches(["that", "said", "says", "told"])
                        + r")\b")
#: What a movement verb is when no troops move: arriving in or flying to a place is a visit.
_NOT_TROOPS = {"move": None, "visit": "visit"}
#: Types of event one actor makes many of in one report.
_MANY_A_DAY = ("deployment", "clash")
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
            triggers = _triggers(text, sentence, candidates, context)
            clauses = context.clauses(triggers)
            spans = context.own_spans(triggers, clauses)
            events = [context.event(t, span, clause)
                      for t, span, clause in zip(triggers, spans, clauses)]
            found.extend(events)
            if events and events[0]["actors"]:
                referents = _Referents(events[0]["actors"], referents.person, referents.body)
        referents = referents.after(here, cast)
    merged = _merge(_unrestated(found, headline(text, sentences)), cast.generic)
    return tuple(Event(id=f"e{i}", **fields) for i, fields in enumerate(merged, 1))


def _unrestated(found: list[_Fields], title: Sentence | None) -> list[_Fields]:
    """The body's events, and the title's of a type the body does not report: a headline
    restates the story (a merge would make the title the event's evidence)."""
    if title is None:
        return found
    body = [f for f in found if f["start"] >= title.end]
    told = {f["type"] for f in body}
    return [f for f in found if f["start"] < title.end and f["type"] not in told] + body


def _triggers(text: str, sentence: Sentence, candidates: list[tuple[str, str, int, int]],
              context: _Context) -> list[_Trigger]:
    """The first accepted trigger of each type in each clause of a sentence (the clause is
    only looked for when the sentence has two candidates of a type)."""
    raw = []
    for m in candidates:
        kind, type_ = m[0], m[1]
        start, end, word = m[2], m[3], text[m[2]:m[3]]
        if context.inside_name(start, end):
            continue
        if type_ in ("move", "visit"):
            # troops that move, arrive or are sent: a deployment; other movers no event
            type_ = "deployment" if context.troops_move(start, end) else _NOT_TROOPS[type_]
            if type_ is None:
                continue
        verb = kind == "v" and not (word.lower() in _NOUN_OF and _DETERMINER.search(
            text, max(sentence.start, start - 30), start))
        raw.append(_Trigger(type_, start, end, word, verb))
    chosen: dict[tuple[str, int], _Trigger] = {}
    types = [t.type for t in raw]
    for t in raw:
        if t.type == "statement" and context.attribution(t):
            continue
        key = (t.type, context.clause_of(t) if types.count(t.type) > 1 else 0)
        if key in chosen or not (t.verb or context.anchored(t)):
            continue
        chosen[key] = t
    return sorted(chosen.values(), key=lambda t: t.start)


def _candidates(text: str, low: str | None, sentence: Sentence) -> list[tuple[str, str, int, int]]:
    """(v|n, type, start, end) of every trigger word or phrase, in reading order."""
    if low is None:
        return _candidates_case_blind(text, sentence)
    found, rare = [], []
    if _RARE_KEY.search(low, sentence.start, sentence.end):
        rare = [_phrase(m) for m in _LOWER_RARE.finditer(low, sentence.start, sentence.end)]
    for m in _LOWER_TRIGGERS.finditer(low, sentence.start, sentence.end):
        if m.lastgroup != "word":
            found.append(_phrase(m))
        elif m.start() > 0 and low[m.start() - 1] in "'’":
            # "l'attack": the word may be the tail of a longer one; let the tokenizer decide
            return _candidates_case_blind(text, sentence)
        else:
            type_, kind = _TRIGGER_OF[m.group()]
            found.append((kind, type_, m.start(), m.end()))
    if not rare:
        return found
    # as in one scan, a rare phrase wins over what starts inside it
    found = [f for f in found if not any(r[2] < f[2] < r[3] for r in rare)]
    return sorted(found + rare, key=lambda f: f[2])


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
    kind, type_ = lexicon.group_of(m.lastgroup).rstrip("23").split("_", 1)
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


@quick_init
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

    def clause_of(self, t: _Trigger) -> int:
        """Where the trigger's clause starts: a sentence yields one event per type and clause,
        a second predicate ("and crossed") being a clause of its own. Words reported in a "that"
        clause are part of their statement ("said that France promised help" is one)."""
        s, pos = self.sentence, t.start - self.sentence.start
        if t.type == "statement":
            return max((m.end() for m in _STATEMENT_BREAK.finditer(s.text, 0, pos)), default=0)
        start = clause_start(s.text, pos)
        # "left Kismayo and crossed the border": "and" at most three words back
        second = _AND_PREDICATE.search(s.text, max(start, pos - 40), pos)
        return second.start() if second else start

    def troops_move(self, start: int, end: int) -> bool:
        """Troops, ships or aircraft before a movement verb in its clause (its subject, also
        across "who"/"which": "Marines who landed …") or right after it (its object)."""
        s = self.sentence
        lo = max(s.start, start - _MOVER_REACH)
        lo = max([m.end() for m in _MOVER_CUT.finditer(self.text, lo, start)], default=lo)
        return bool(_MILITARY.search(self.text, lo, end)
                    or _MILITARY_OBJECT.match(self.text, end, min(s.end, end + 60)))

    def anchored(self, t: _Trigger) -> bool:
        """A noun trigger with a date, a place or "was held" attached to it."""
        near = any(_DATE_BEFORE_NOUN.fullmatch(self.text, d.end, t.start) if d.end <= t.start
                   else _DATE_AFTER_NOUN.fullmatch(self.text, t.end, d.start)
                   or _DATE_AFTER_PLACE.fullmatch(self.text, t.end, d.start)
                   for d in self.dates)
        after = self.text[t.end:min(self.sentence.end, t.end + 60)]
        placed = any(p.literal and t.end < p.start <= t.end + 20
                     and _PLACE_AFTER_NOUN.fullmatch(self.text, t.end, p.start)
                     for p in self.places)
        return near or placed or bool(_NOUN_ANCHOR.match(after)) or self._framed(t)

    def _framed(self, t: _Trigger) -> bool:
        """ "after 78 days of airstrikes", "an assault by Mujahideen guerrillas": a noun with a
        duration or an agent is a happening, not a topic."""
        lead = self.text[max(self.sentence.start, t.start - 40):t.start]
        agent = _BY_AGENT.match(self.text, t.end, self.sentence.end)
        return bool(_DURATION_OF.search(lead)) or bool(agent) and any(
            s == agent.end() for s, _, _ in self.mentions)

    def clauses(self, triggers: Sequence[_Trigger]) -> list[tuple[int, int]]:
        """Each trigger's clause: from its clause start to its clause end."""
        s = self.sentence
        return [(s.start + clause_start(s.text, t.start - s.start), self._clause_end(t.end))
                for t in triggers]

    def own_spans(self, triggers: Sequence[_Trigger],
                  clauses: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Each trigger's own clause: from its clause start to its clause end, but two
        predicates of one subject ("left the port on Monday and crossed the border the day
        after") part at their "and": each keeps its own place and day, and grounding, which
        reads an event's span, cannot give the first's to the second."""
        spans = [[lo, hi] for lo, hi in clauses]  # (``clauses``: those of ``triggers``)
        for i in range(1, len(triggers)):
            first, second = triggers[i - 1], triggers[i]
            if "statement" in (first.type, second.type):
                continue  # what was said runs on past its "and"
            joint = _AND_PREDICATE.search(self.text, max(first.end, second.start - 40),
                                          second.start)
            if joint is not None and spans[i - 1][1] > joint.start() >= spans[i][0]:
                spans[i - 1][1] = joint.start()
                spans[i][0] = joint.start()
        return [(lo, hi) for lo, hi in spans]

    def event(self, t: _Trigger, own: tuple[int, int], clause: tuple[int, int]) -> _Fields:
        s = self.sentence
        c_start, c_end = clause  # the trigger's whole clause (``clauses``)
        o_start, o_end = own  # the predicate's own clause: its span, place and day
        date = self._date(t, o_start, o_end)
        place = self._place(t, o_start, o_end)
        qualifier = date.qualifier if date else ""
        if date and date.end <= t.start and _WHEN_AFTER_DATE.match(self.text[date.end:t.start]):
            qualifier = ""
        if t.type == "statement" and t.verb and _PAST_SAYING.search(t.word):
            status = "occurred"
        else:
            # the modality is in its own clause: "drove to X, where they will be based" did
            # happen
            status = status_of(_last_words(self.text[c_start:t.start]), t.word,
                               self.text[t.end:o_end],
                               date.date if date else None,
                               self.published,
                               lead=self.text[max(s.start, c_start - WINDOW):c_start])
        event = dict(
            type=t.type,
            summary=_summary(self.text[c_start:s.end if t.type == "statement" else c_end]),
            actors=self._actors(t, c_start, c_end), place=place.id if place else None,
            lat=place.lat if place else None, lon=place.lon if place else None,
            date=date.date if date else None, date_text=date.text if date else "",
            date_precision=date.precision if date and date.date else "",
            date_qualifier=qualifier, status=status, sentence=s.text, start=o_start, end=o_end,
            mentions=[(o_start, o_end)])  # a list while repeats merge into it
        return event

    def _clause_end(self, pos: int) -> int:
        m = _CLAUSE_END.search(self.text, pos, self.sentence.end)
        return m.start() if m else self.sentence.end

    def _date(self, t: _Trigger, c_start: int, c_end: int) -> DateMention | None:
        """The nearest date in the clause; else one that opens the sentence ("On Wednesday, …")
        or that a "when" clause hangs on ("after December 10, when …")."""
        usable = [d for d in self.dates if d.date is not None] or self.dates
        if t.type == "statement":  # a date after "said" belongs to the words reported
            usable = [d for d in usable if d.end <= t.start or d.start <= t.end + 15]
        inside = [d for d in usable if c_start <= d.start < c_end
                  and not self._in_relative_before(d.start, d.end, t)]
        if not inside:
            inside = [d for d in usable if d.end <= c_start and (
                d.start - self.sentence.start < 4
                or _WHEN_AFTER_DATE.match(self.text[d.end:c_start]))]
        if not inside:
            return None
        return min(inside, key=lambda d: min(abs(d.start - t.end), abs(t.start - d.end)))

    def _in_relative_before(self, start: int, end: int, t: _Trigger) -> bool:
        """ "Rebels who seized the city last week said", "Hadi, who fled on Wednesday, will
        attend": a date in a relative clause on the subject dates that clause's verb, not the
        main verb after it (which may still take it from its sentence in grounding)."""
        if end > t.start:
            return False
        rel = None
        for m in _RELATIVE.finditer(self.text, self.sentence.start, start):
            rel = m
        return rel is not None and rel.end() < start - 1 and not _RELATIVE_CUT.search(
            self.text, rel.end(), start)

    def _place(self, t: _Trigger, c_start: int, c_end: int) -> Place | None:
        fits = []
        locative = _TO if t.type in ("visit", "deployment") else _LOCATIVE
        if t.type == "deployment" and _LEAVING.search(t.word):
            locative = _FROM  # troops pull out *of* a place
        for p in self.places:
            if not (c_start <= p.start < c_end and p.literal and p.resolved):
                continue
            before = self.text[max(self.sentence.start, p.start - 40):p.start]
            if (locative.search(before) or locative is _FROM and _LEFT.search(before)) and not (
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
        asker = self._asker(t) if t.type == "request" else ()
        if asker:
            return asker
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

    def _asker(self, t: _Trigger) -> tuple[str, ...]:
        """ "at Ecuador's request", "at the request of President Kiir" (the trigger phrase):
        who asked is named in or right after it, not as the clause's subject."""
        text = self.text
        if not _AT_REQUEST.match(text, t.start, t.end):
            return ()
        for st, e, a in self.mentions:
            if t.start < st and e <= t.end or t.end <= st <= t.end + 20 and _REQUEST_OF.fullmatch(
                    text, t.end, st):
                return (a,)
        return ()

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


#: The request phrases that name who asked ("at Ecuador's request", "at the request of").
_AT_REQUEST = re.compile(r"at\s")
#: Between "at the request of" and who asked: "(the) (President) Kiir".
_REQUEST_OF = re.compile(r"\s*(?:the\s+)?(?:[A-Z][\w.]*\s+){0,2}")


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
            "mentions": extended(first["mentions"], event["mentions"]),
            **{key: dated[key] for key in ("date", "date_text", "date_precision",
                                           "date_qualifier")}}
    return [{**event, "mentions": tuple(event["mentions"])} for event in out]


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
    if a["type"] == "deployment" and a["sentence"] == b["sentence"]:
        return False  # "left Kismayo on Monday and crossed the border": a move, then another
    if a["date"] and b["date"] and (a["date"], a["date_precision"]) != (b["date"],
                                                                        b["date_precision"]):
        return False  # "in January" and "this year" both start on January 1st
    if a["place"] and b["place"] and not _near(a, b):
        return False
    if a["type"] == "meeting" and set(a["actors"]) & set(b["actors"]):
        return True
    if a["type"] in _MANY_A_DAY and not (a["date"] and b["date"] or a["place"] and b["place"]):
        return False  # one force moves or fights many times: its actor alone is no repeat
    if a["actors"] and b["actors"] and a["actors"][0] not in generic:
        return a["actors"][0] == b["actors"][0]
    return bool(a["date"] and a["date"] == b["date"] and a["date_precision"] == "day"
                and (a["place"] == b["place"] or not a["place"] or not b["place"]))
