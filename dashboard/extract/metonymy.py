"""Place names standing for a government: "Washington will call", "talks between Belgrade and …".

A country name, or a capital, read as the subject of a speech or decision verb, as a party to
talks, or as the owner of troops or officials, is not a location: the mention is marked
``literal=False`` and yields an actor mention for the state (a capital stands for its country).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from dashboard.extract import lexicon
from dashboard.extract.actors import ActorMention
from dashboard.records import Place


class CountryNames(Protocol):
    """What this stage asks of the gazetteer (``dashboard.geo.gazetteer.Gazetteer`` fits)."""

    def country(self, code: str): ...

    def is_capital(self, geonameid: int) -> bool: ...

    def demonym(self, word: str) -> str | None: ...


#: Adverbs and auxiliaries allowed between the subject and its verb ("Washington will also call").
_AUX_WORDS = (
    "will would shall should has have had is are was were be been also not never still already "
    "again now then reportedly officially firmly strongly repeatedly quickly expected likely due "
    "set to could might may must can cannot did does do n't itself too publicly formally "
    "immediately swiftly initially later recently openly").split()
#: Stems of speech and decision verbs (any ending follows: "announc" reads "announced").
_VERB_STEMS = (
    "say said tell told announc reject accept call demand insist warn refus agree deny denied "
    "denies threaten want hope urg ask accus respond reply replied replies recognis recogniz "
    "welcom condemn oppos support decid propos claim protest argu believ fear seek sought plan "
    "intend vow pledg promis sign approv veto block criticis criticiz blam dismiss deploy send "
    "sent withdraw withdrew recall expel impos consider suspend negotiat offer invit confirm "
    "acknowledg declar stated states complain prefer favor favour push lobb object retaliat "
    "request appeal boycott maintain regard view hail praise order announce respond wants hopes "
    "backs backed insists reach hold held meet met supply supplie provid give gave fund pay paid "
    "help contribut deliver ship train arm threat launch attack invad annex recogni expel host "
    "conclud sign").split()
#: Both as alternations that share prefixes (``lexicon.alternation``): the same matches, as a
#: word boundary or the stem's ending closes every one.
_AUX = f"(?:{lexicon.alternation(_AUX_WORDS)})"
_VERB = rf"(?:{lexicon.alternation(_VERB_STEMS)})\w*"
#: "Washington and London have called": a coordinated subject shares the verb.
_AND_OTHER = r"(?:\s+and\s+(?:the\s+)?[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)?)?"
#: "Russia, which has a base at Tartus, warned": a relative clause or an apposition set off by
#: commas sits between the subject and its verb.
_APPOSITION = (r"(?:,\s*(?:which|who|whose|a|an|the|one|itself|home|long|currently)\b"
               r"[^,.;!?\n]{0,80},)?")
_SUBJECT_OF = re.compile(
    rf"(?:['’]s?)?{_AND_OTHER}{_APPOSITION}(?:,)?(?i:(?:\s+{_AUX}\b)*\s+{_VERB})\b")
#: "talks between X and Y", "negotiations with X", "X-Y talks". Before: 8 words at most.
_PARTY_BEFORE = re.compile(
    r"(?:talks|negotiations|dialogue|relations|agreement|deal|dispute|conflict|tensions|"
    r"contacts|rapprochement|accord|ties|war|standoff|stand-off|rift)\s+(?:between|with)\s+"
    r"(?:the\s+)?(?:(?:[A-Z][\w.'’-]+\s+){1,3}and\s+(?:the\s+)?)?$"
)
_PARTY_AFTER = re.compile(r"(?:\s+and\s+(?:the\s+)?[A-Z][\w.'’-]+(?:\s+[A-Z][\w'’-]+)*)?\s+"
                          r"(?:have|has|had)?\s*(?:held\s+)?(?:talks|negotiations|agreed)\b"
                          r"|-[A-Z][\w'’-]+\s+(?:talks|negotiations|dialogue|relations)\b")
#: What owns people or decisions: "US troops", "Serbia's government".
_OWNER_OF = re.compile(
    r"(?:['’]s)?\s+(?:\w+\s+)?(?:troops|forces|soldiers|army|military|government|authorities|"
    r"officials|president|prime\s+minister|foreign\s+minister|defen[cs]e\s+minister|leaders?|"
    r"leadership|diplomats|administration|envoy|ambassador|parliament|negotiators|regime|"
    r"contingent|peacekeepers|navy|air\s+force|police|ministry)\b"
)
#: A preposition right before the name makes it a location ("officials in Brussels said"):
#: 3 words at most.
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|from|to|near|into|across|of|over|outside|inside|within|throughout|around|"
    r"towards?|via|through|on|across|between|for|about|under|beyond|off|out)\s+(?:the\s+)?"
    r"(?:[a-z]+\s+)?)$"
)
#: Seats that stand for an institution rather than their country.
_SEATS = {"Brussels": ("org:European Union", "European Union", "organization")}


def read_metonymy(
    text: str, places: Sequence[Place], names: CountryNames,
) -> tuple[tuple[Place, ...], tuple[ActorMention, ...]]:
    """Mark metonymic places ``literal=False``; an actor mention (key in ``actor``) for each."""
    out_places, mentions = [], []
    for place in places:
        if _is_demonym(place, names):
            # "Russian officials": the people's country, linked to its state where the actor
            # stage found one (the pipeline keeps the key only if so); never a location.
            out_places.append(place.but(actor=f"state:{place.country_code}"))
            continue
        mention = _as_actor(text, place, names) if _can_stand_for_state(place, names) else None
        if mention is None:
            out_places.append(place)
        else:
            out_places.append(place.but(literal=False, actor=mention.key))
            mentions.append(mention)
    return tuple(out_places), tuple(mentions)


def _is_demonym(place: Place, names: CountryNames) -> bool:
    """A non-literal country mention read from a demonym ("Russian", "Palestinians")."""
    demonym = getattr(names, "demonym", None)
    return (not place.literal and place.kind == "country" and place.actor is None
            and demonym is not None and demonym(place.surface) == place.country_code)


def _can_stand_for_state(place: Place, names: CountryNames) -> bool:
    if not place.resolved or place.antecedent or place.kind.startswith("anaphor"):
        return False
    if place.kind == "country":
        return True
    return place.kind == "city" and place.geonameid is not None and (
        names.is_capital(place.geonameid) or place.surface in _SEATS)


def _as_actor(text: str, place: Place, names: CountryNames) -> ActorMention | None:
    if not _metonymic(text, place):
        return None
    if place.surface in _SEATS and place.kind == "city":
        key, name, type_ = _SEATS[place.surface]
        return ActorMention(place.start, place.end, place.surface, key, name, type_,
                            name_start=place.start, name_end=place.end)
    country = names.country(place.country_code)
    name = country.name if country is not None else place.country_code
    return ActorMention(place.start, place.end, place.surface, f"state:{place.country_code}",
                        name, "state", country_code=place.country_code,
                        name_start=place.start, name_end=place.end)


def _metonymic(text: str, place: Place) -> bool:
    """Subject of a speech/decision verb, party to talks, or owner of troops/officials."""
    before = text[max(0, place.start - 80):place.start]
    after_end = min(len(text), place.end + 80)
    if (_PARTY_BEFORE.search(before, _last_words_start(before, 8))
            or _PARTY_AFTER.match(text, place.end, after_end)):
        return True
    locative = _LOCATIVE.search(before, _last_words_start(before, 3))
    if _OWNER_OF.match(text, place.end, after_end):
        return not locative or before.rstrip().endswith((" of", " of the"))
    if locative:
        return False
    return bool(_SUBJECT_OF.match(text, place.end, after_end))


def _last_words_start(text: str, count: int) -> int:
    """Where the last ``count`` words of ``text`` (split at white space) begin, 0 if it has
    fewer: a pattern that ends at the end of ``text`` ("…$") and spans at most that many words
    cannot start earlier, so its search starts there."""
    parts = text.rsplit(None, count)
    return len(parts[0]) if len(parts) > count else 0
