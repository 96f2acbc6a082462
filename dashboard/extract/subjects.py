"""Who does a verb: the grammatical subject of a trigger in its clause, read from actor mentions.

No parser ships, so the subject is found by rules over the mentions of the clause before the
verb: the nearest one that is not the object of a preposition ("at the request of the Dutch
battalion"), with the mentions coordinated with it ("Washington and London have called"), and
the owner it names ("fighters of Ansar Dine"). A relative clause's subject is the name before
its comma ("Britain, which sent 600 paratroopers"); a passive verb's is its "by" agent ("were
attacked by Taliban fighters").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: (start, end, actor id) of an actor mention.
Mention = tuple[int, int, str]

#: A preposition (with determiners) right before a mention: the mention is its object.
_PREPOSITION_BEFORE = re.compile(
    r"(?<![\w-])(?:in|at|of|from|with|to|by|for|on|during|under|over|against|between|among|"
    r"amongst|into|near|about|after|before|like|than|including|toward|towards|without|upon|"
    r"via|across|through|behind|beside|besides|alongside|despite|inside|outside|within|around|"
    r"beyond|except|per|onto|throughout)\s+(?:(?:the|a|an|its|their|his|her|some|all|"
    r"other|several|both)\s+)*$", re.I)
#: "after Azerbaijani forces captured Shusha": a conjunction opening a clause whose subject
#: the mention is (the verb follows it at once), not a preposition.
_CONJUNCTION_BEFORE = re.compile(r"\b(?:after|before|since|until|till|once)\s+(?:the\s+)?$",
                                 re.I)
_ONLY_AUXILIARIES = re.compile(r"\s+(?:(?:had|have|has|were|was|had\s+been|also|then|finally)"
                               r"\s+)*", re.I)
#: A mention followed by "and" and a second verb is the first verb's object.
_SECOND_VERB = re.compile(r"(?:['’]s)?[^,;]*?\s(?:and|but|then)\s+(?:(?:also|later|then)\s+)?"
                          r"(?:[a-z]+\s+){0,2}$")
#: Between two coordinated mentions: "Washington and London", "France, Britain and Italy"
#: (a comma alone only further back: "X, Y said" is an apposition), "US troops and 2,000
#: Iraqi soldiers".
_AND = re.compile(r"^\s*,?\s+(?:and|or|as\s+well\s+as)\s+(?:the\s+)?(?:[\d,.]+\s+)?$", re.I)
_COMMA = re.compile(r"^\s*,\s*(?:the\s+)?$", re.I)
#: "leaders of ECOWAS", "soldiers from Chad", "hundreds of protesters": the people of an actor,
#: not a preposition's object.
_MEMBERS_OF = re.compile(
    r"\b(?:leaders|members|fighters|troops|soldiers|forces|rebels|militants|ministers|officials|"
    r"commanders|units|delegates|delegation|representatives|envoys|diplomats|peacekeepers|"
    r"marines|police|policemen|contingents?|battalions?|brigades?|insurgents|militiamen|"
    r"gunmen|members|hundreds|thousands|dozens|scores|some|many|most|several|all|one|two|"
    r"three|none|group|groups|convoy|column|columns|units?)\s+(?:of|from)\s+(?:the\s+)?$", re.I)
#: Between a possessor and the organ it owns: "the African Union's Peace and ".
_POSSESSOR = re.compile(r"^['’]s\s+(?:[A-Z][\w-]*\s+(?:and\s+|&\s+)?){0,3}$")
#: An apposition between commas: "General X, the KFOR commander, said".
_APPOSITION_OPEN = re.compile(r"^\s*,\s*(?:the\s+|a\s+|an\s+|its\s+)?$", re.I)
_APPOSITION_CLOSE = re.compile(r"^[\w\s'’-]{0,40},\s*(?:[a-z]+\s+){0,3}$")
#: Between a group and the organisation it belongs to: "fighters of Ansar Dine".
_OF = re.compile(r"^\s+(?:of|from)\s+(?:the\s+)?$", re.I)
#: A relative clause opens the verb's clause: its subject is the name before the comma.
_RELATIVE_OPENING = re.compile(r"[\w.)’']\s*,\s*(?:which|who|whose)\s*$", re.I)
#: A passive verb: "were attacked", "has been deployed".
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being|get|got)\s+(?:\w+ly\s+)?$",
                             re.I)
_BY_AGENT = re.compile(r"[^,;]{0,40}?\bby\s+(?:the\s+)?$", re.I)


def subject(text: str, mentions: Sequence[Mention], clause_start: int, verb_start: int,
            sentence_start: int) -> tuple[str, ...]:
    """Actor ids of the subject of the verb at ``verb_start`` whose clause starts at
    ``clause_start``; empty when no mention stands in subject position."""
    if _RELATIVE_OPENING.search(text, sentence_start, clause_start):
        comma = text.rindex(",", sentence_start, clause_start)
        antecedent = [m for m in mentions if m[1] <= comma and text[m[1]:comma].strip() == ""]
        if antecedent:
            return _with_partners(text, mentions, antecedent[-1])
    before = [m for m in mentions if clause_start <= m[0] and m[1] <= verb_start]
    for i in range(len(before) - 1, -1, -1):
        m = before[i]
        lead = max(clause_start, m[0] - 40)
        if i > 0 and _SECOND_VERB.match(text, m[1], verb_start):
            continue  # "Correa expelled Colombia's ambassador and ordered": an object
        if (not _PREPOSITION_BEFORE.search(text, lead, m[0])
                or _MEMBERS_OF.search(text, lead, m[0])
                or _CONJUNCTION_BEFORE.search(text, lead, m[0])
                and _ONLY_AUXILIARIES.fullmatch(text, m[1], verb_start)):
            head = _apposition_head(text, before, m, verb_start)
            if head is not None:  # "General X, the KFOR commander, said": X, then KFOR
                return (*_with_partners(text, before, head), m[2])
            return _with_partners(text, before, m)
    return ()


def passive_agent(text: str, mentions: Sequence[Mention], verb_start: int, verb_end: int,
                  clause_end: int) -> tuple[str, ...]:
    """ "were attacked by Taliban fighters": the actor after "by", for a passive verb."""
    if not _may_be_passive(text, verb_start) or not _PASSIVE_BEFORE.search(
            text, max(0, verb_start - 30), verb_start):
        return ()
    for m in mentions:
        if verb_end <= m[0] < clause_end and _BY_AGENT.match(text, verb_end, m[0]):
            return (m[2],)
    return ()


_AUXILIARY_ENDS = ("is", "are", "was", "were", "be", "been", "being", "get", "got")


def _may_be_passive(text: str, verb_start: int) -> bool:
    """False only where ``_PASSIVE_BEFORE`` cannot match: its auxiliary ends one of the last two
    words before the verb (an adverb in "-ly" may follow it). A string test spares the
    case-blind search of most triggers; text with characters beyond ASCII is left to it."""
    words = text[max(0, verb_start - 30):verb_start].split()[-2:]
    return not all(w.isascii() for w in words) or any(
        w.lower().endswith(_AUXILIARY_ENDS) for w in words)


def _apposition_head(text: str, mentions: Sequence[Mention], m: Mention,
                     verb_start: int) -> Mention | None:
    """The mention that ``m`` stands in apposition to (set off by commas), if any."""
    if not _APPOSITION_CLOSE.match(text[m[1]:verb_start]):
        return None
    head = next((p for p in reversed(mentions) if p[1] <= m[0]), None)
    if head is not None and _APPOSITION_OPEN.match(text[head[1]:m[0]]):
        return head
    return None


def _with_partners(text: str, mentions: Sequence[Mention], head: Mention) -> tuple[str, ...]:
    """The head mention, those coordinated with it before it, and an owner after "of"."""
    chosen = [head]
    earlier = [m for m in mentions if m[1] <= head[0]]
    for m in reversed(earlier):
        link = _AND if len(chosen) == 1 else _COMMA
        if not (link.match(text[m[1]:chosen[0][0]]) or _AND.match(text[m[1]:chosen[0][0]])):
            break
        chosen.insert(0, m)
    owner = next((m for m in mentions if m[0] >= head[1]
                  and _OF.match(text[head[1]:m[0]])), None)
    if owner is None:  # "the African Union's Peace and Security Council"
        owner = next((m for m in reversed(earlier) if _POSSESSOR.match(text[m[1]:head[0]])),
                     None)
    if owner is not None and owner not in chosen:
        chosen.append(owner)
    return tuple(dict.fromkeys(m[2] for m in chosen))
