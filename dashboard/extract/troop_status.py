"""A deployment's status from the verb that governs its troop noun, and that verb's modality.

The troop phrase ("some 2,000 marines") sits in a clause; the cue nearest to it in that clause
is its verb ("were flown into" → ``deployed``, "are stationed in" → ``stationed``, "pull out"
→ ``withdrawal``, "call for" → ``proposed``), whether it comes before the phrase (the phrase
is its object: "Britain sent 600 paratroopers") or after it (the phrase is its subject). The
words before that verb in the clause give its modality: "will send" → ``planned``, "could
send" → ``proposed``. Words inside the phrase ("possible reinforcements", "17,000 additional
troops") count when no verb says more. A cue in another clause ("…, which left the city") never
counts, which is why the nearest cue in a fixed window of characters (the old rule, that tried
``stationed`` words before any other) got it wrong.
"""

from __future__ import annotations

import re

from dashboard.extract.lexicon import (CaseBlind, Folded, group_of, subgroup_of,
                                       tagged_by_first_letter)
from dashboard.extract.modality import clause_start
from dashboard.records import Sentence

#: Verbs (and a few nouns) that say what troops do, one named group per status, branching on
#: their first letters, each tagged with its group (``lexicon.tagged_by_first_letter``: read a
#: match with ``_status`` and ``_sub``).
_CUES = CaseBlind(r"\b(?:%s)" % tagged_by_first_letter(
    r"(?P<proposed>call(?:s|ed|ing)?\s+for|propos\w*|ask(?:s|ed|ing)?\s+(?:\w+\s+)?for|"
    r"want\w*|request\w*|demand\w*|seek\w*|sought|urg(?:e|es|ed|ing)\s+(?:\w+\s+)?to\s+send|"
    r"recommend\w*|offer\w*|consider\w*|discuss\w*|debat\w*)"
    r"|(?P<planned>authori[sz]\w*|approv\w*|pledg\w*|promis\w*|commit(?:s|ted|ting)?|"
    r"contribut\w*)"
    r"|(?P<withdrawal>withdr\w+|pull(?:s|ed|ing)?\s+(?:out|back)|pull-?out|pullback|reduc\w+|"
    r"cut(?:s|ting)?|drawdown|draw(?:s|n|ing)?\s+down|leav(?:e|es|ing)|left|evacuat\w+|"
    r"bring\w*\s+(?:\w+\s+)?home|brought\s+(?:\w+\s+)?home|hand(?:s|ed|ing)?\s+over|handover|"
    r"retreat\w*|depart\w*|quit(?:s|ting)?)"
    r"|(?P<reinforcement>reinforc\w+|(?P<adjective>additional|extra|more\s+troops)|boost\w*|"
    r"surge|bolster\w*|beef\w*\s+up|step\w*\s+up|increas\w*|rais(?:e|es|ed|ing))"
    r"|(?P<stationed>(?P<possession>ha(?:s|ve|d)(?!\s+(?:been|already|also|just|since|"
    r"\w+(?:ed|en|wn|ft|nt))\b)|maintain(?:s|ed)?)"
    r"|(?P<static>(?:deployed|posted)(?=\s+(?:in|at|across|throughout|along|"
    r"around|near|on)\b))|station\w*|based|garrison\w*|on\s+the\s+ground|serving|"
    r"(?P<continuing>remain(?:s|ed)?|stay\w*|keep\w*|kept|presence))"
    r"|(?P<deployed>redeploy(?:s|ed|ing|ment)?|deploy(?:s|ed|ing|ment)?|sen[dt]s?|sending|dispatch\w*|arriv\w+|"
    r"(?:move[sd]?|moving)\s+in(?:to)?|moved|enter(?:s|ed|ing)?|land(?:ed|ing|s)|"
    r"flown|flew|fly(?:ing)?|flies|airlift\w*|ferr(?:y|ied|ying)|shipped|rushed|poured|"
    r"marched|rolled|crossed|sail(?:s|ed|ing)|drove|driven|swept|came\s+ashore|went\s+into|"
    r"head(?:ed|ing)\s+(?:to|for)|transferred|posted|order(?:s|ed)|seiz(?:e|es|ed|ing)|"
    r"retook|recaptur\w*|stormed|advanc(?:e|es|ed|ing)|(?:took|taken|take|takes|taking)\s+"
    r"(?:over|control|off)|join(?:s|ed|ing)?|mass(?:ed|ing)|attack(?:s|ed|ing)?|raid(?:s|ed|ing)?|"
    r"sank|shell(?:s|ed|ing)|bomb(?:s|ed|ing)|fought|clash(?:ed|ing)?)", after=r"\b"))
#: Words inside the troop phrase: "possible reinforcements", "17,000 more troops".
_PHRASE_PROPOSED = CaseBlind(r"\b(?:possible|proposed|potential|requested)\b")
_PHRASE_MORE = CaseBlind(r"\b(?:additional|extra|more(?!\s+than)|further|fresh|"
                         r"reinforcements?)\b")
#: Modality right before the verb, in its clause ("could send", "will be deployed").
_PROPOSED_BEFORE = CaseBlind(r"\b(?:possibl[ey]|propos\w*|might|could|may|should|consider\w*|"
                              r"potential|call\w*\s+for|discuss\w*|authori[sz]\w*|offer\w*|"
                              r"ready\s+to|willing\s+to|want\w*|ask\w*|seek\w*|urg\w*)\b")
_PLANNED_BEFORE = CaseBlind(r"\b(?:will|would|shall|'ll|is\s+to|are\s+to|plan(?:s|ned|ning)?\s+to|"
                             r"due\s+to|scheduled\s+to|expected\s+to|to\s+be|going\s+to|"
                             r"intend\w*\s+to|promis\w*\s+to|pledg\w*\s+to|agree\w*\s+to|"
                             r"decided\s+to|set\s+to|ordered\s+to)\b")
#: Modality after a noun phrase: "reinforcements … will be discussed".
_PROPOSED_AFTER = CaseBlind(r"[^.;]{0,120}?\b(?:will|could|might|may|to)\s+be\s+"
                             r"(?:discussed|considered|proposed|debated|studied|examined)\b")
_NEGATION = CaseBlind(r"\b(?:not|nor|no|never|without|n't|refus\w*\s+to|rul\w*\s+out)\s+"
                      r"(?:\w+\s+){0,2}$")
#: What opens a clause after the troop phrase: the end of the phrase's clause. A relative
#: clause right after the phrase ("troops, who arrived on Monday") is about the troops and is
#: read with it.
_CLAUSE_END = CaseBlind(r";|\s[-\u2013\u2014]\s|,\s+(?:but|while|whereas|and|where|when|after|"
                        r"before|because|although|though|as)\b|,\s+(?P<rel>which|who)\b|"
                        r"\s(?P<rel2>that|who|which)\b|\s(?:as|while|after|before|because|"
                        r"whereas|although|though|when|where|until|unless|if)\s|"
                        r"\sand\s+(?=(?:would|will|could|should|may|might|must|then|later)\s)")
_BEFORE_WINDOW = 60
#: A force raised to a strength: the troops are its new total.
_RAISED_TO = CaseBlind(r"\b(?:rais|increas|boost|expand|doubl|tripl|bolster)\w*\b[^.;]{0,70}\bto\s+$")
#: A stem every ``_RAISED_TO`` holds, in lower case: a literal search, fast where none is.
_RAISE_CUE = re.compile(r"rais|increas|boost|expand|doubl|tripl|bolster")
_AUXILIARY_AFTER = CaseBlind(r"\s+(?:(?P<maybe>could|might|may)|will|would|shall|are\s+to|is\s+to|"
                             r"are\s+due\s+to|are\s+expected\s+to)\b")
_RELATIVE_AFTER = CaseBlind(r",\s+(?P<relative>who|which)?\b[^,;.]{0,120},")


def _status(cue: re.Match[str]) -> str:
    """The status a ``_CUES`` match says: the name of its group ("stationed")."""
    return group_of(cue.lastgroup)


def _sub(cue: re.Match[str]) -> str:
    """The group inside its status group that a ``_CUES`` match is of ("static"), or ""."""
    return subgroup_of(cue.lastgroup)


_PAST_PASSIVE = CaseBlind(r"\b(?:were|was|had\s+been|have\s+been|has\s+been)\s+(?:\w+ly\s+)?$")
_PASSIVE = CaseBlind(r"\b(?:is|are|was|were|be|been|being)\s+$")
_OF_NEXT = CaseBlind(r"\s+of\s+(?:the\s+)?$")
_REINFORCED_BY = CaseBlind(r"\breinforc\w+\s+by\s+(?:(?:a|an|the|some|about|around|nearly)\s+)?$")
#: How many words may stand between a verb and the troop phrase it governs: its object follows
#: it closely ("sent up to 600 paratroopers"), its subject a little further off ("a brigade of
#: 8,000 soldiers will be deployed"). A cue further away governs something else ("called for
#: NATO to provide support to the AU troops").
_MAX_WORDS_BEFORE, _MAX_WORDS_AFTER = 3, 5
#: Characters those words may take, at most (names between do not count as words).
_REACH_BEFORE, _REACH_AFTER = 60, 160
#: Words that count for that distance: names ("from Nigeria, Chad and Niger") do not.
_WORDS = re.compile(r"(?<![\w'’-])(?!(?:and|or)\b)[a-z][\w'’-]*")


def troop_status(doc: Folded, sentence: Sentence, start: int, end: int) -> str:
    """Status of the troop phrase ``doc[start:end]`` in ``sentence`` (see the module)."""
    lo = sentence.start + clause_start(sentence.text, start - sentence.start)
    hi = _clause_end(doc, end, sentence.end)
    reach = max(lo, start - 90)
    raised = _RAISED_TO.search(doc, reach, start) if doc.may_hold(
        _RAISE_CUE, reach, start) else None
    if raised:  # "it would raise its force in Mali to 2,500 soldiers"
        return "proposed" if _PROPOSED_BEFORE.search(doc, lo, raised.start()) else "reinforcement"
    if _REINFORCED_BY.search(doc, max(lo, start - 40), start):
        return "reinforcement"  # "were reinforced by a Jordanian company": the troops who come
    verb = _main_verb_after_relative(doc, end, hi) or _governing_cue(doc, lo, hi, start, end)
    inside = doc.slice(start, end)
    if verb is None:
        return _without_verb(doc, inside, lo, hi, start, end)
    status = _status(verb)
    if _sub(verb) == "static" and _PAST_PASSIVE.search(doc, max(lo, verb.start() - 25),
                                                     verb.start()):
        status = "deployed"  # "were deployed near the border on Monday": an act, not a state
    # Modality stands before the verb: between the troops and a verb after them ("a brigade
    # will be deployed"), in the clause before a verb that precedes them ("will send").
    before = doc.slice(max(lo, end if verb.start() >= end else verb.start() - _BEFORE_WINDOW),
                       verb.start())
    if _NEGATION.search(before):
        return "stationed" if status in ("withdrawal", "reinforcement", "stationed") else "proposed"
    if status == "proposed" or _sub(verb) == "continuing":
        return status
    if verb.group().lower().startswith("reinforc") and (
            verb.end() <= start or _PASSIVE.search(doc, max(lo, verb.start() - 15), verb.start())):
        return "stationed"  # "to reinforce the troops there", "were reinforced": in place
    modality = _modality(before) or _modality_after(doc, end, hi)
    if modality == "proposed" or modality and status not in ("withdrawal", "reinforcement"):
        return modality  # "are to withdraw" stays a withdrawal: the change, due or done
    if _PHRASE_PROPOSED.search(inside):
        return "proposed"
    if status == "deployed" and _PHRASE_MORE.search(inside):
        return "reinforcement"
    return status


def _without_verb(doc: Folded, inside: Folded, lo: int, hi: int, start: int, end: int) -> str:
    """No verb says what the troops do: the phrase's own words and the modality around it
    ("could authorize a force of 20,000", "possible reinforcements", "his men would …")."""
    if _PHRASE_PROPOSED.search(inside) or _modality_after(doc, end, hi):
        return "proposed"
    modality = _modality(_last_words(doc, lo, start)) or _own_modality(doc, end, hi)
    return modality or ("reinforcement" if _PHRASE_MORE.search(inside) else "stationed")


def has_troop_verb(doc: Folded, sentence: Sentence, start: int, end: int) -> bool:
    """Whether a verb that says what troops do governs the phrase ("the rest will be flown
    in", "has moved some of them"): a phrase with no troop noun is troops only then."""
    lo = sentence.start + clause_start(sentence.text, start - sentence.start)
    hi = _clause_end(doc, end, sentence.end)
    return (_main_verb_after_relative(doc, end, hi) or _governing_cue(doc, lo, hi, start, end)
            ) is not None


#: Words that may stand before the verb of a coordinated verb phrase: "will be", "is due to".
_AUXILIARIES = re.compile(r"(?:(?:will|would|could|should|may|might|must|shall|be|been|being|"
                          r"is|are|was|were|to|due|expected|set|have|has|had|then|later|also|"
                          r"soon|now|already|since|just|reportedly)\s+)*", re.I)


def coordinated_status(doc: Folded, sentence: Sentence, start: int) -> str:
    """Status of a verb phrase coordinated after troops ("… remain at the base and will be
    flown to Manas": ``start`` after the "and"): its cue a few words on, with the modality
    before it; "" when no troop verb opens it (or it is negated)."""
    hi = _clause_end(doc, start, sentence.end)
    cue = next((m for m in _CUES.finditer(doc, start, min(hi, start + _REACH_BEFORE))
                if _sub(m) not in ("adjective", "possession")), None)
    if cue is None or not _AUXILIARIES.fullmatch(doc.text, start, cue.start()):
        return ""  # the phrase's own verb opens it ("and bases around X, heading for" does not)
    before = doc.slice(start, cue.start())
    if _NEGATION.search(before):
        return ""
    status = _status(cue)
    if _sub(cue) == "static" and _PAST_PASSIVE.search(before):
        status = "deployed"
    modality = _modality(before)
    if modality == "proposed" or modality and status not in ("withdrawal", "reinforcement"):
        return modality
    return status


def governed_from_before(doc: Folded, sentence: Sentence, start: int, end: int) -> bool:
    """Whether the verb governing the phrase comes before it ("Britain, which sent 600
    paratroopers"): the phrase is its object, and the verb's subject owns the troops."""
    lo = sentence.start + clause_start(sentence.text, start - sentence.start)
    verb = _governing_cue(doc, lo, _clause_end(doc, end, sentence.end), start, end)
    # who calls for troops ("Washington will call for the troops to remain") does not own them
    return verb is not None and verb.end() <= start and _status(verb) != "proposed"


def _main_verb_after_relative(doc: Folded, end: int, hi: int):
    """ "Indonesian soldiers, who have been stationed there since 1975, are to withdraw": the
    main verb after a relative clause (or an aside) set off by commas governs, not the
    relative's verb."""
    relative = _RELATIVE_AFTER.match(doc, end, hi)
    if relative is None:
        return None
    cue = _CUES.search(doc, relative.end(), hi)
    # any other aside ("The soldiers, part of a West African force, drove …") only when its
    # verb follows right after it
    reach = _MAX_WORDS_AFTER if relative.group("relative") else 2
    if cue is None or _word_count(doc, relative.end(), cue.start()) > reach:
        return None
    return cue


def _clause_end(doc: Folded, pos: int, limit: int) -> int:
    """Where the clause holding the phrase that ends at ``pos`` ends."""
    for m in _CLAUSE_END.finditer(doc, pos, limit):
        if (m.group("rel") or m.group("rel2")) and m.start() - pos <= 1:
            continue  # a relative clause on the troops themselves
        return m.start()
    return limit


def _governing_cue(doc: Folded, lo: int, hi: int, start: int, end: int):
    """The cue nearest to the phrase in its clause, outside the phrase."""
    best, best_gap = None, None
    # a governing cue lies a few words off the phrase: no need to scan a long clause
    for m in _CUES.finditer(doc, max(lo, start - _REACH_BEFORE), min(hi, end + _REACH_AFTER)):
        if start <= m.start() and m.end() <= end or (
                _status(m) == "proposed" and _OF_NEXT.match(doc, m.end(), start)):
            continue  # "at the request of the Dutch battalion": the troops ask
        if m.start() < start < m.end():
            gap, words = 0, 0  # "more troops": the cue holds the phrase's first word
        elif m.end() <= start:
            gap, words = start - m.end(), _word_count(doc, m.end(), start)
            if words > (0 if _sub(m) == "adjective" else _MAX_WORDS_BEFORE):
                continue
        elif _sub(m) in ("adjective", "possession"):
            continue  # "take additional security measures", "troops have arrived"
        else:
            gap, words = m.start() - end, _word_count(doc, end, m.start())
            if words > _MAX_WORDS_AFTER:
                continue
        if best_gap is None or gap < best_gap:
            best, best_gap = m, gap
    return best


def _modality(before: Folded | str) -> str:
    if _PROPOSED_BEFORE.search(before):
        return "proposed"
    if _PLANNED_BEFORE.search(before):
        return "planned"
    return ""


def _own_modality(doc: Folded, end: int, hi: int) -> str:
    """The auxiliary of the troops' own verb, right after them: "his men would guard …"."""
    m = _AUXILIARY_AFTER.match(doc, end, hi)
    if m is None:
        return ""
    return "proposed" if m.group("maybe") else "planned"


def _modality_after(doc: Folded, end: int, hi: int) -> str:
    return "proposed" if _PROPOSED_AFTER.match(doc, end, hi) else ""


def _word_count(doc: Folded, start: int, end: int) -> int:
    return sum(1 for _ in _WORDS.finditer(doc.text, start, end))


def _last_words(doc: Folded, lo: int, start: int) -> str:
    """The few words right before the phrase, in its clause ("could authorize a force of")."""
    return " ".join(doc.text[lo:start].split()[-_MAX_WORDS_BEFORE - 2:])
