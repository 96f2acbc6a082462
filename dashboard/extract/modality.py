"""How sure a report is that a thing happens: occurred, ongoing, planned, expected, possible, …"""

from __future__ import annotations

import datetime as dt
import functools
import re

from dashboard.extract.lexicon import CaseBlind, lowered

#: Cues read in the words that lead up to a trigger, strongest first.
_LEFT_CUES = (
    ("hypothetical", re.compile(
        r"\b(?:in\s+(?:the\s+)?case\s+of|in\s+case|if|unless|whether|would|prevent\w*|"
        r"refrain\w*|avoid\w*|to\s+stop|rule\s+out|ruled\s+out|no\s+(?:plans?|intention))\b",
        re.I)),
    ("possible", re.compile(
        r"\b(?:might|may|could|possibl[ey]|perhaps|potential(?:ly)?|seek\w*|sought|hop\w*|"
        r"aim\w*|tr(?:y|ying|ies|ied)\s+to|want\w*|consider\w*|propos\w*|mull\w*)\b", re.I)),
    ("expected", re.compile(
        r"\b(?:(?:is|are|was|were)\s+(?:widely\s+)?(?:expected|likely|set)\s+to|expected\s+to|"
        r"likely\s+to)\b", re.I)),
    ("planned", re.compile(
        r"\b(?:will|shall|won't|'ll|(?:is|are|was|were)\s+to|(?:is|are)\s+(?:due|scheduled|"
        r"going)\s+to|plans?\s+to|planned|planning\s+to|intends?\s+to|scheduled|upcoming|"
        r"to\s+be\s+held|next)\b", re.I)),
)
#: Cues after a noun trigger: "reinforcements … will be discussed". Each is anchored ("^").
_RIGHT_CUES = (
    ("possible", re.compile(r"^[^.;]{0,90}?\b(?:might|may|could)\s+be\b", re.I)),
    ("planned", re.compile(r"^[^.;]{0,90}?\b(?:will|is\s+to|are\s+to|to)\s+be\s+\w+ed\b", re.I)),
    ("planned", re.compile(r"^[^.;]{0,60}?\b(?:will|is\s+to|are\s+to)\s+(?:resume|begin|start|open|"
                           r"take\s+place|continue|convene)\b", re.I)),
)
#: "would" after a reporting verb is the future of reported speech ("said it would withdraw"),
#: not a hypothesis, unless a real condition ("if", "prevent") stands beside it.
_REPORTED_WOULD = re.compile(
    r"\b(?:said|says|told|announced|stated|confirmed|added|promised|pledged|vowed|agreed|"
    r"decided|insisted|declared)\b[^.;]{0,70}?\bwould\b", re.I)
_CONDITION = re.compile(r"\b(?:in\s+(?:the\s+)?case|if|unless|whether|prevent\w*|refrain\w*|"
                        r"avoid\w*|to\s+stop|rule\s+out|ruled\s+out|no\s+(?:plans?|intention))\b",
                        re.I)
#: Any left cue, any right cue: most triggers have none, and then one search stands for all.
_ANY_LEFT_CUE = CaseBlind("|".join(cue.pattern for _, cue in _LEFT_CUES))
_ANY_RIGHT_CUE = CaseBlind("^(?:" + "|".join(cue.pattern[1:] for _, cue in _RIGHT_CUES) + ")")
_AFTER_WORD = re.compile(r"\b(?:after|before|by|while)\s*$")
_PROGRESSIVE = CaseBlind(r"\b(?:is|are|am|was|were)\s+(?:\w+ly\s+)?\w+ing\s*$")
_PRESENT_PARTICIPLE = re.compile(r"ing$", re.I)
#: How far back (characters) a cue may lie before its trigger.
WINDOW = 70


def status_of(left: str, trigger: str, right: str, date: dt.date | None = None,
              published: dt.date | None = None, lead: str = "") -> str:
    """Status of an event from the clause text before its trigger, the trigger, and after it.

    ``left`` ends right before the trigger; ``right`` starts right after it. A date after the
    publication day turns "occurred"/"ongoing" into "planned"; a date before it never makes a
    planned event "occurred" (plans can be late). ``lead`` is the sentence before the clause
    (where a reporting verb stands: "said that it would").
    """
    left = left[-WINDOW:]
    reported = _reported(lead[-WINDOW:] + left) and not _CONDITION.search(left)
    if _ANY_LEFT_CUE.search(left):
        for status, cue in _LEFT_CUES:
            if cue.search(left) and not (status == "hypothetical" and reported):
                return status
    if _may_cue_right(right) and _ANY_RIGHT_CUE.search(right):
        for status, cue in _RIGHT_CUES:
            if cue.search(right):
                return status
    if reported:
        status = "planned"
    elif _PROGRESSIVE.search(left + trigger):
        status = "ongoing"
    elif _PRESENT_PARTICIPLE.search(trigger) and not _AFTER_WORD.search(left):
        status = "ongoing"
    else:
        status = "occurred"
    if date is not None and published is not None and date > published:
        return "planned"
    if status == "ongoing" and date is not None and published is not None and date < published:
        return "occurred"
    return status


#: A word every right cue holds: "be", or a verb of ``_RIGHT_CUES`` ("begin" holds "be").
_RIGHT_CUE_WORDS = ("be", "resume", "start", "open", "take", "continue", "convene")


def _may_cue_right(right: str) -> bool:
    """False only when no right cue can match: a few substring tests spare the search."""
    low = lowered(right)
    return low is None or any(word in low for word in _RIGHT_CUE_WORDS)


def _reported(text: str) -> bool:
    # "would" in any case lower-cases to "would" (none of its letters has an odd case form)
    return "would" in text.lower() and bool(_REPORTED_WOULD.search(text))


@functools.lru_cache(maxsize=4096)
def clause_start(sentence: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after ";", " - ", ", which", ", but" or "that".

    Memoised: the events, the deployments and their status ask it for the same words, half of
    the calls; a sentence's string keeps its hash, so a repeated question costs a dict look-up.
    """
    best = 0
    for m in _CLAUSE_BREAK.finditer(sentence, 0, pos):
        best = m.end()
    return best


#: (Each alternative opens with its own character, "t" of "that" with its word boundary after
#: it: the engine looks for those characters alone.)
_CLAUSE_BREAK = re.compile(r";|\s[-\u2013\u2014]\s|,\s+(?:but|while|whereas|which|who|and|where|"
                           r"when|"
                           r"after|before|because|although|though|whose)\b|t(?<!\w.)hat\b")
