"""Actor mentions (organisations, officials, groups, states by demonym or as a subject, bodies of
people), merged into actors.

Two steps around place resolution: ``find_actor_mentions`` runs first (its name spans keep the
place finder off "NATO" or "Dragan"), ``build_actors`` runs after it, adding the states that
country names and metonymic capitals stand for (see ``metonymy``) and merging every mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from dashboard.extract import lexicon
from dashboard.extract.lexicon import CaseBlind, Folded, blind_branches
from dashboard.extract.spans import ByStart
from dashboard.extract.words import first_words
from dashboard.records import Actor, Sentence, quick_init


class ActorNames(Protocol):
    """What this stage asks of the gazetteer (``dashboard.geo.gazetteer.Gazetteer`` fits)."""

    def has_name(self, name: str) -> bool: ...

    def demonym(self, word: str) -> str | None: ...

    def country_code(self, name: str) -> str | None: ...

    def country(self, code: str): ...


@quick_init
@dataclass(frozen=True, slots=True)
class ActorMention:
    """One stretch of text that names an actor; ``key`` says which actor."""

    start: int
    end: int
    surface: str
    #: Identity: "state:RS", "org:NATO", "person:Dragan Sutanovac", "group:rebels".
    key: str
    name: str
    type: str
    country_code: str = ""
    role: str = ""
    affiliation: str = ""
    #: The proper-name part (no "ministers", no title): places never overlap it.
    name_start: int = 0
    name_end: int = 0


#: Plural nouns for the people of an organisation or state ("NATO ministers", "French soldiers").
_MEMBER_NOUNS = (
    "foreign ministers", "defence ministers", "defense ministers", "foreign affairs ministers",
    "ministers", "officials", "diplomats", "leaders", "counterparts", "envoys", "negotiators",
    "members", "member states", "allies", "partners", "delegates", "delegation", "spokesman",
    "spokeswoman", "commanders", "troops", "forces", "soldiers", "peacekeepers", "contingent",
    "authorities", "government", "army", "military", "navy", "air force", "police", "president",
    "prime minister", "leadership", "administration", "embassy", "ambassador", "side",
    # people and units in uniform ("800 Dutch marines", "600 Qatari special forces"):
    "marines", "paratroopers", "commandos", "special forces", "police officers", "policemen",
    "gendarmes", "sailors", "airmen", "servicemen", "reservists", "battalion", "battalions",
    "brigade", "brigades", "units", "warships", "jets", "aircraft", "navy", "coast guard",
    "special operations forces", "task force",
    # formed units and their armour ("French, Italian and Greek contingents", "German armor")
    "contingents", "garrison", "garrisons", "divisions", "regiments", "squadrons", "platoons",
    "infantry", "armor", "armour", "frigates", "destroyers", "minesweepers", "warship",
    # their weapons and vehicles act for them ("Pakistani guns have shelled", "Russian tanks")
    "guns", "artillery", "tanks", "warplanes", "planes", "helicopters", "gunboats", "ships",
    "vessels", "submarines", "columns", "convoy", "convoys", "armoured columns",
    "armored columns",
)
_MEMBER = (r"(?:\s+(?:" + "|".join(sorted(map(re.escape, _MEMBER_NOUNS), key=len, reverse=True))
           + r")\b)")
#: The same, in any case, after at most one lower-case word: "Qatari elite troops", "US Marines".
#: (The nouns as a prefix-sharing alternation: case-blind, the engine enters every alternative
#: it is offered, so a few dozen first letters cost less than a hundred nouns; and each first
#: letter as a class of its forms, which it skips on: ``lexicon.blind_branches``.)
_MEMBER_LOOSE = (r"(?:(?:\s+(?!and\b|or\b)[a-z][\w-]*)?\s+(?P<noun>"
                 + lexicon.blind_branches(lexicon.top_level(lexicon.alternation(_MEMBER_NOUNS)))
                 + r")\b)")
_MEMBERS = _MEMBER + "?"
_MEMBER_FIRST_WORDS = frozenset(
    form for n in _MEMBER_NOUNS for form in (n.split()[0], n.split()[0].capitalize()))
#: Nouns that make a demonym name a state actor ("French troops", "the Serbian government").
_STATE_NOUNS = frozenset(n for n in _MEMBER_NOUNS if n not in ("members", "allies", "partners"))
#: Organs that follow an organisation ("the Contact Group's Troika").
_ORGANS = r"(?:Troika|Secretariat|Presidency|Commission|Council|Command|Mission|Headquarters)"
_ORG_GENERIC = re.compile(
    r"\b(?:Ministry|Department) of (?:the )?[A-Z][\w-]+(?: (?:and|of) [A-Z][\w-]+)*"
    r"|(?<![\w-])[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,3} "
    r"(?:Ministry|Council|Commission|Committee|Agency|Tribunal|Parliament|Assembly|Party|Front|"
    r"Movement|Army|Brigade|Brigades|Corps|Militia|Guard|Police|Forces)\b"
)
_ORG_HEADS = (r"Ministry|Department|Council|Commission|Committee|Agency|Tribunal|Parliament|"
              r"Assembly|Party|Front|Movement|Army|Brigades?|Corps|Militia|Guard|Police|Forces")
_ORG_HEAD = re.compile(rf"\b(?:{_ORG_HEADS})\b")
#: The head words as written (the pattern is case-sensitive): a set test before the search.
_ORG_HEAD_WORDS = frozenset(_ORG_HEADS.replace("Brigades?", "Brigade|Brigades").split("|"))
_ARMED_NOUNS = (
    "rebels", "insurgents", "militants", "separatists", "guerrillas", "guerillas", "militiamen",
    "militias", "militia", "fighters", "jihadists", "gunmen", "paramilitaries", "extremists",
    "warlords", "protesters", "demonstrators", "rioters", "mutineers", "insurgent groups",
    "armed groups", "rebel groups", "tribesmen", "clansmen",
)
_ARMED_NOUN = re.compile(r"\b(?:" + "|".join(_ARMED_NOUNS) + r")\b")
_ARMED_WORDS = first_words("|".join(_ARMED_NOUNS))
_ARMED = re.compile(
    r"(?:(?<![\w-])(?P<mod>(?:pro-|anti-)?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?|pro-[A-Z][\w-]+) )?"
    r"\b(?P<noun>" + "|".join(_ARMED_NOUNS) + r")\b"
)
_NAME_PARTICLES = r"(?:de|van|von|der|den|bin|ibn|al|el|da|di|del|la|le|abu|ben|ter|zu)"
_NAME_WORD = (r"(?:(?:[A-Z]\.){2,3}(?=\s)|(?:(?:al|el|ad|an|as|ash|at|az|bin|ibn|abu|abd|ben)-)?"
              r"[A-Z][\w'’]*(?:-[A-Z]?[\w'’]+)*\.?)")
_PERSON_NAME = rf"{_NAME_WORD}(?: (?:{_NAME_PARTICLES} )*{_NAME_WORD}){{0,3}}"
#: Lower-case titles trusted before a name; other titles must be capitalised ("General X").
_LOWER_TITLES = re.compile(
    r"(?:\w+ )?(?:minister|president|ambassador|envoy|spokesman|spokeswoman|spokesperson|"
    r"commander|leader|secretary|chancellor|premier)"
)
#: Referring nouns that continue an earlier "NATO ministers" ("the ministers will support …").
#: "his country", "her government": the state of the person last named (``own`` holds the
#: pronoun's last two letters). (The word boundary is checked after the first letter, "T" or
#: "H": the engine looks for those letters alone.)
_BACK_REFERENCE = re.compile(
    r"[TtHh](?<!\w.)(?:(?<=[Tt])he (ministers|officials|diplomats|leaders|allies|envoys|"
    r"negotiators|delegates|ministry|council|commission|committee|mission|bloc|alliance|"
    r"organi[sz]ation|union|community|coalition|ambassadors|commanders|troops|soldiers|forces|"
    r"peacekeepers)\b(?!\s+(?:of|for)\b)"
    r"|(?<=[Hh])(?P<own>is|er) (?:country|government|nation)\b)"
)
#: Nouns that refer back to the latest organisation of any name ("the bloc" after "ECOWAS").
_ANY_ORGANISATION = frozenset(
    ("bloc", "alliance", "organisation", "organization", "union", "community", "coalition"))


def find_actor_mentions(
    text: str, sentences: Sequence[Sentence], names: ActorNames,
) -> tuple[ActorMention, ...]:
    """Organisations, officials, groups and demonym states in ``sentences``, in reading order."""
    found: list[ActorMention] = []
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        # The sentence's words as written, found once: the finders' pre-checks are set tests.
        runs = frozenset(_RUN.findall(text, sentence.start, sentence.end))
        for finder in (_organisations, _officials, _generic_organisations, _demonym_states,
                       _groups, _origin_states, _leaders, _country_subjects,
                       _country_possessives, _regional,
                       _collectives):
            for mention in finder(text, sentence, names, runs):
                if not any(s < mention.end and mention.start < e for s, e in taken):
                    taken.append((mention.start, mention.end))
                    found.append(mention)
    found.sort(key=lambda m: m.start)
    found = _surnames(text, sentences, found)
    return tuple(_named_armed_groups(_back_references(text, sentences, found)))


def _mention(text: str, start: int, end: int, key: str, name: str, type_: str,
             name_span: tuple[int, int] | None = None, **extra: str) -> ActorMention:
    ns, ne = name_span or (start, end)
    return ActorMention(start, end, text[start:end], key, name, type_, name_start=ns,
                        name_end=ne, **extra)


#: A capitalised word and a conjunction right before a name: the name may end a longer one.
_LONGER_NAME_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z][\w-]*) (?:and|&) $")


def _ends_longer_name(text, sentence, start, names) -> bool:
    """ "Peace and Security Council": a plain capitalised word (no acronym, organisation,
    country, demonym or place: "the EU and NATO", "France and NATO" are two) joined to it."""
    m = _LONGER_NAME_BEFORE.search(text, max(sentence.start, start - 30), start)
    if not m or m.start() == sentence.start:
        return False
    word = m.group(1)
    return not (word in lexicon.organization_by_form() or names.demonym(word)
                or names.country_code(word) or names.has_name(word))
_ORGAN_AFTER = re.compile(rf"(?:['’]s)? {_ORGANS}\b")
_MEMBERS_AFTER = re.compile(_MEMBERS)
_NAME_AFTER = re.compile(r" [A-Z][a-z][\w'’-]* [A-Z][a-z]")
#: Members required (unlike ``_MEMBERS``): a capitalised word alone is no match, and costs no
#: Python step.
_DEMONYM_THEN_MEMBERS = re.compile(rf"([A-Z](?<![\w-].)[\w.'’-]*){_MEMBER_LOOSE}")
#: "Ukrainian and Russian negotiators": the first demonym shares the second's noun.
_COORDINATED_DEMONYM = re.compile(r"(?<![\w-])([A-Z][\w.'’-]*),? (?:and|or) $")
#: An earlier item of the same list ("French, " before "Italian and Greek").
_LISTED_DEMONYM = re.compile(r"(?<![\w-])([A-Z][\w.'’-]*), $")


def _organisations(text, sentence, names, runs):
    """Lexicon organisations, with an organ ("'s Troika") or members ("ministers") after them."""
    for start, end, entry in lexicon.find_organizations(text, sentence.start, sentence.end,
                                                        runs):
        if _ends_longer_name(text, sentence, start, names):
            continue  # "the African Union's Peace and Security Council" is not the UN's
        organ = _ORGAN_AFTER.match(text, end, sentence.end)
        if organ:
            name = f"{entry.name} {organ.group().split()[-1]}"
            yield _mention(text, start, organ.end(), f"org:{name}", name, "organization",
                           affiliation=entry.name)
            continue
        members = _MEMBERS_AFTER.match(text, end, sentence.end)
        if _NAME_AFTER.match(text, members.end(), sentence.end):
            members = None  # "NATO spokesman James Appathurai": the title and name are a person
        stop = members.end() if members else end
        yield _mention(text, start, stop, f"{_kind(entry.type)}:{entry.name}",
                       entry.name, entry.type, (start, end), affiliation=entry.affiliation)


def _kind(type_: str) -> str:
    return "org" if type_ == "organization" else "group"


def _generic_organisations(text, sentence, names, runs):
    """ "the French Defense Ministry", "Ministry of Interior", "the Revolutionary Council"."""
    if runs.isdisjoint(_ORG_HEAD_WORDS) or not _ORG_HEAD.search(
            text, sentence.start, sentence.end):
        return
    for m in _ORG_GENERIC.finditer(text, sentence.start, sentence.end):
        start = m.start()
        first = m.group().split()[0]
        opener = first.lower() in lexicon.not_places() and first != "Ministry"
        if start == sentence.start and opener:
            start += len(first) + 1  # "The Interior Ministry": a sentence opener is not the name
        words = text[start:m.end()].split()
        if len(words) < 2 and not words[0].startswith("Ministry"):
            continue
        name = text[start:m.end()]
        code = names.demonym(words[0]) or (
            names.country_code(words[0]) if words[0][0].isupper() else None)
        affiliation = _country_name(names, code) if code else ""
        yield _mention(text, start, m.end(), f"org:{name}", name, "organization",
                       country_code=code or "", affiliation=affiliation)


def _officials(text, sentence, names, runs):
    """ "Serbian Defense Minister Dragan Sutanovac": a person with role and affiliation; a
    commander's force is his affiliation ("KFOR commander General X", "the commander of the
    French contingent, Colonel Y", "Z, the commander of KFOR")."""
    for m in _title_matches(text, sentence):
        role, person = m.group("role"), m.group("name")
        if not _title_ok(role, person, names):
            continue
        name_start = m.start("name")
        nationality = _LEADING_DEMONYM.match(person)  # "commander, Danish Major General X"
        if nationality and names.demonym(nationality.group(1)):
            person, name_start = person[nationality.end():], name_start + nationality.end()
        ranks = _LEADING_RANKS.match(person)  # "commander Lieutenant General X"
        if ranks and ranks.end() < len(person):
            role, person = f"{role} {ranks.group().strip()}", person[ranks.end():]
            name_start += ranks.end()
        if nationality or ranks:  # the name proper may run past the words first taken
            person = _PERSON_NAME_RE.match(text, name_start, sentence.end).group()
        person = _trim_name(person, names)
        if not person:
            continue
        name_end = name_start + len(person)
        aff_code, aff_name = _affiliation(text, m.start("role"), names)
        if not aff_name:
            aff_code, aff_name = _force(text, sentence, m.start("role"), name_end, names)
        yield _mention(text, m.start("role"), name_end, f"person:{person}",
                       person, "person", (name_start, name_end),
                       role=_tidy_role(role), affiliation=aff_name, country_code=aff_code)


_PERSON_NAME_RE = re.compile(_PERSON_NAME)
_LEADING_DEMONYM = re.compile(r"([A-Z][\w-]+) (?=[A-Z])")
#: Rank words between a title and a name ("commander Lieutenant General Xavier …").
_LEADING_RANKS = re.compile(
    r"(?:(?:Lieutenant|Lt\.|Major|Maj\.|Brigadier|Brig\.|Vice|Rear|Field)[ -])?"
    r"(?:General|Gen\.|Colonel|Col\.|Admiral|Adm\.|Marshal|Captain|Capt\.|Major) ")
#: A force named around a commander: before ("the commander of the French contingent, ")
#: or after his name (", the KFOR commander", ", commander of KFOR").
_FORCE_BEFORE = re.compile(r"\b(?:commander|head|chief|leader)\s+of\s+(?:the\s+)?"
                           r"(?P<force>[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,3}?)\s*,\s*$", re.I)
_FORCE_AFTER = re.compile(r",\s+(?:the\s+)?(?:(?P<owner>[A-Z][\w.'’-]*(?:['’]s)?)\s+)?"
                          r"(?:force\s+|field\s+|military\s+|contingent\s+)?"
                          r"(?:commander|head|chief|leader)"
                          r"(?:\s+of\s+(?:the\s+)?(?P<force>[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,3}?)"
                          r"(?=\s*[,.;]))?")


def _force(text, sentence, role_start, name_end, names) -> tuple[str, str]:
    """(country code, name) of the force a commander leads, from the words around his name."""
    before = _FORCE_BEFORE.search(text, max(sentence.start, role_start - 80), role_start)
    after = _FORCE_AFTER.match(text, name_end, sentence.end)
    for m in (before, after):
        for group in ("force", "owner"):
            words = m.group(group) if m and group in m.groupdict() else None
            if words:
                return _force_name(words, names)
    return "", ""


def _force_name(words: str, names: ActorNames) -> tuple[str, str]:
    """ "KFOR" → KFOR; "French contingent" → France; "Kenyan police" → Kenya."""
    first = re.sub(r"['’]s$", "", words.split()[0])
    entry = lexicon.organization_by_form().get(first) or lexicon.organization_by_form().get(
        re.sub(r"['’]s$", "", words))
    if entry:
        return "", entry.name
    code = names.demonym(first) or names.country_code(first)
    return (code, _country_name(names, code)) if code else ("", "")


_WORDS = re.compile(r"[\w.]+(?:-[\w.]+)*")
#: Every word of every title ("secretary-general" whole and split), to test a sentence cheaply.
_TITLE_HEADS = frozenset(
    w for t in lexicon.titles() for w in (*t.split(), *t.replace("-", " ").split(), t))


def _title_matches(text: str, sentence: Sentence):
    """The title pattern's matches, as ``finditer`` finds them, but tried only where a role
    ("Foreign Minister") starts: at a portfolio or title word (every match starts at one)
    where the role's own words match, which the lower-cased copy answers fast."""
    start, end = sentence.start, sentence.end
    words = Folded.of(text[start:end])
    pos, checked = start, False
    for word in _ROLE_FIRST_RUN.finditer(words):
        at = start + word.start()
        if at < pos or not _ROLE.match(words, word.start()):
            continue
        m = _TITLE.match(text, at, end)
        if m:
            if not (checked or _has_title_word(sentence)):
                return
            pos, checked = m.end(), True
            yield m


def _has_title_word(sentence: Sentence) -> bool:
    """Whether some word of the sentence is a word of a title. It began as a pre-check; the
    rare match in a sentence without one ("U.S.Minister X") has always been dropped."""
    return not _TITLE_HEADS.isdisjoint(map(str.lower, _WORDS.findall(sentence.text)))


_RUN = re.compile(r"\w+")
#: A whole run of word characters that starts some portfolio or title ("u" of "u.s.").
_ROLE_FIRST_RUN = CaseBlind(r"(?<!\w)(?:%s)(?!\w)" % lexicon.alternation(
    _RUN.match(w).group() for w in (*lexicon.PORTFOLIOS, *lexicon.titles())))
#: Titles and portfolios as alternations sharing prefixes (``lexicon.alternation``): the same
#: matches, as among words that start one another the longer comes first in both. A space in a
#: title also matches a hyphen ("secretary general").
_TITLES = lexicon.alternation(lexicon.titles()).replace("\\ ", "[ -]")
_PORTFOLIOS = lexicon.alternation(lexicon.PORTFOLIOS)
#: Portfolio words, then a title: how every role starts.
_ROLE = CaseBlind(rf"(?<![\w-])(?:(?:{_PORTFOLIOS})[ -])*(?:{_TITLES})")
#: Portfolio words, a title, then a capitalised name ("Foreign Minister Sergey Lavrov").
_TITLE = re.compile(
    rf"(?<![\w-])(?P<role>(?i:(?:(?:{_PORTFOLIOS})[ -])*(?:{_TITLES}))"
    rf"(?: (?i:of|for) (?:the )?(?:(?i:{_PORTFOLIOS})|[A-Z][\w-]+)"
    rf"(?: (?:and|of) [A-Z][\w-]+)?)?)"
    rf"(?: |, )(?P<name>{_PERSON_NAME})")


def _title_ok(role: str, person: str, names: ActorNames) -> bool:
    """A name must start with a capital (the pattern is case-blind) and not be a place or org."""
    if not person[:1].isupper() or not re.match(r"[A-Z]", person):
        return False
    if role[:1].islower() and not (_LOWER_TITLES.fullmatch(role.lower()) and " " in person):
        return False
    return True


def _trim_name(person: str, names: ActorNames) -> str:
    """Cut a name before the first word that cannot be part of it (a place, a month, an org)."""
    words = person.split(" ")
    kept: list[str] = []
    for word in words:
        bare = word.rstrip(".'’s") if word.endswith(("'s", "’s")) else word
        low = bare.lower()
        if (low in lexicon.not_places() or names.demonym(bare)
                or bare in lexicon.organization_by_form()
                or low in _TITLE_WORDS or (kept and names.country_code(bare))):
            break
        kept.append(word)
    while kept and (kept[-1].lower() in _NAME_PARTICLES.strip("(?:)").split("|")):
        kept.pop()
    name = " ".join(kept)
    name = re.sub(r"['’]s$", "", name)
    return name.rstrip(".,") if name and not names.country_code(name) else ""


_TITLE_WORDS = frozenset(t for t in lexicon.titles() if " " not in t)


def _tidy_role(role: str) -> str:
    """ "defense minister" → "Defense Minister"; "former" and "the" dropped."""
    words = [w for w in role.split() if w.lower() not in ("former", "the")]
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words)


def _affiliation(text: str, role_start: int, names: ActorNames) -> tuple[str, str]:
    """The country or organisation named just before a title ("Serbian", "NATO")."""
    before = text[max(0, role_start - 40):role_start].rstrip()
    m = re.search(r"([A-Z][\w.'’-]*)(?:['’]s)?$", before)
    if not m or before.endswith(","):
        return "", ""
    word = re.sub(r"['’]s?$", "", m.group(1))
    entry = lexicon.organization_by_form().get(word)
    if entry:
        return "", entry.name
    code = names.demonym(word) or names.country_code(word)
    if not code and m.group().endswith(("'s", "’s")):  # "Ivory Coast's President"
        longer = _OWNER_NAME.search(before)
        code = longer and names.country_code(longer.group(1))
    return (code, _country_name(names, code)) if code else ("", "")


_OWNER_NAME = re.compile(r"((?:[A-Z][\w.'’-]*\s){1,2}[A-Z][\w.'’-]*)['’]s$")


#: States gone from today's gazetteer that news archives still report on ("Soviet troops",
#: "the Yugoslav army"): demonym -> (ISO 3166-3 code, name).
_FORMER_STATES = {
    "Soviet": ("SU", "Soviet Union"), "Yugoslav": ("YU", "Yugoslavia"),
    "Czechoslovak": ("CS", "Czechoslovakia"), "Rhodesian": ("RH", "Rhodesia"),
}
_FORMER_NAMES = {code: name for code, name in _FORMER_STATES.values()}


def _country_name(names: ActorNames, code: str) -> str:
    found = names.country(code)
    return found.name if found is not None else _FORMER_NAMES.get(code, code)


def _demonym_states(text, sentence, names, runs):
    """ "French troops", "the Serbian government", "US forces": the state a demonym names.

    Two demonyms in a row ("Bosnian Serb forces", "Kosovo Albanian leaders") name a group of
    people within a state, not the state.
    """
    if runs.isdisjoint(_MEMBER_FIRST_WORDS):
        return
    for m in _DEMONYM_THEN_MEMBERS.finditer(text, sentence.start, sentence.end):
        if " ".join(m.group("noun").lower().split()) not in _STATE_NOUNS:
            continue
        word = m.group(1)
        code = _state_code(word, names)
        if not code:
            continue
        lead = _COMPOUND_LEAD.search(text, max(sentence.start, m.start() - 30), m.start())
        lead_code = lead and (names.demonym(lead.group(1)) or names.country_code(lead.group(1)))
        if lead_code:
            name = text[lead.start(1):m.end()]
            key = f"group:{lead.group(1)} {word}".lower()
            yield _mention(text, lead.start(1), m.end(), key, name, "group",
                           (lead.start(1), m.end(1)), country_code=lead_code)
            continue
        yield from _coordinated_demonym(text, sentence, names, m.start())
        yield _mention(text, m.start(), m.end(), f"state:{code}", _country_name(names, code),
                       "state", (m.start(1), m.end(1)), country_code=code)


def _state_code(word: str, names: ActorNames) -> str | None:
    """The country a demonym or country name stands for, unless the word is a common one."""
    code = names.demonym(word) or names.country_code(word)
    if not code and word in _FORMER_STATES:
        return _FORMER_STATES[word][0]
    return code if code and word.lower() not in lexicon.not_places() else None


def _coordinated_demonym(text, sentence, names, start):
    """ "Ukrainian and Russian negotiators", "French, Italian and Greek contingents": the
    demonyms listed before the last one name states too."""
    pattern = _COORDINATED_DEMONYM
    while m := pattern.search(text, max(sentence.start, start - 30), start):
        code = _state_code(m.group(1), names)
        if not code:
            return
        yield _mention(text, m.start(1), m.end(1), f"state:{code}", _country_name(names, code),
                       "state", country_code=code)
        start, pattern = m.start(1), _LISTED_DEMONYM


#: "an Australian-led force", "the US-led coalition", "a NATO-led mission": who leads it.
_LED = re.compile(r"(?<![\w-])([A-Z][\w.]*)-(?:led|commanded)\b")


def _leaders(text, sentence, names, runs):
    """The state or organisation leading a force ("Australian-led") acts for it."""
    if "led" not in runs and "commanded" not in runs:
        return
    for m in _LED.finditer(text, sentence.start, sentence.end):
        word = m.group(1)
        entry = lexicon.organization_by_form().get(word)
        if entry:
            yield _mention(text, m.start(1), m.end(1), f"{_kind(entry.type)}:{entry.name}",
                           entry.name, entry.type, affiliation=entry.affiliation)
            continue
        code = _state_code(word, names)
        if code:
            yield _mention(text, m.start(1), m.end(1), f"state:{code}",
                           _country_name(names, code), "state", country_code=code)


#: A country name that does something: the subject of a verb right after it (with auxiliaries,
#: a coordinated country, or a relative clause between): "North Korea shelled", "Russia began
#: deploying", "The United States, which has 1,100 troops there, …", "Mali and Burkina Faso have
#: said". (``metonymy`` reads capitals and countries before speech and decision verbs; this reads
#: any verb, for the actor only: the place mention stays as the resolver leaves it.)
_NAME_RUN_TAIL = r"[\w'’-]*(?: (?:of (?:the )?)?[A-Z][\w'’-]*){0,3}"
_NAME_RUN = rf"[A-Z]{_NAME_RUN_TAIL}"
#: The first name not inside a word: its capital, then the look-behind over the character
#: before it (the same test as a look-behind first, but the engine skips to capitals).
_FIRST_NAME_RUN = rf"[A-Z](?<![\w'’-].){_NAME_RUN_TAIL}"
#: One name, or a list of them ("Nigeria, Ghana, Malawi and Burundi").
_COUNTRY_LIST = re.compile(rf"{_FIRST_NAME_RUN}(?:(?:,\s+|,?\s+and\s+){_NAME_RUN})*")
_LIST_PART = re.compile(_NAME_RUN)
_DOES_AFTER = re.compile(
    r"(?:,\s+(?:which|who|whose)\b"
    r"|(?:,?\s+and\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})?,?\s+"
    r"(?:(?:has|have|had|will|would|is|are|was|were|also|then|later|already|could|may|might|"
    r"must|did|does|not|never|again|still|now|on\s+\w+day|been)\s+)*"
    r"(?:[a-z]+ed|said|says|sent|sends|began|begins|has|have|had|will|would|fought|sank|"
    r"took|takes|led|leads|made|kept|keeps|held|holds|gave|gives|won|lost|told|tells|sought|"
    r"seeks|wants|plans|agreed|warned|denied|launched|moved|withdrew|struck|shot|hit)\b)")
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|from|to|near|into|across|of|over|outside|inside|within|throughout|around|"
    r"towards?|via|through|on|between|for|about|under|beyond|off|out|with|by|against|than|"
    r"and|or)\s+(?:the\s+)?"
    # the tail of a longer list or name: "refugees from Ethiopia, the Philippines, …", "St. Kitts"
    r"|[\w'’-],\s+(?:the\s+)?|\b[A-Z][a-z]?\.\s+)$", re.I)
#: An abbreviation that may be a country code but is rarely one in prose ("TV", "GP").
_SHORT_CAPS = re.compile(r"[A-Z]{1,3}")
#: Those used for countries in news.
_COUNTRY_ABBREVIATIONS = frozenset(("US", "UK", "UAE", "USA", "DRC", "PRC"))


#: A gapped clause's bare head count after a country list: "sent 2,200 soldiers and Finland
#: about 500", "Niger and Senegal about 500 each" (the verb and the troops left out).
_COUNT_AFTER = re.compile(r"\s+(?:(?:about|some|around|nearly|almost|roughly|over|up\s+to|"
                          r"more\s+than)\s+)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\s+each)?(?=\s*[,.;:)]|\s+and\b)")
#: Before a gapped clause: the conjunction or comma that joins it, not a preposition.
_GAP_BEFORE = re.compile(r"(?:[,;:]\s+|[,;:]?\s+and\s+)$")


#: A country's act named with its possessive ("at Ecuador's request", "Russia's offer",
#: "Pakistan's army"): the state acts.
_COUNTRY_POSSESSIVE = re.compile(
    rf"({_FIRST_NAME_RUN})['’]s\s+(?:[a-z]+\s+)?(?:request|invitation|demand|proposal|"
    r"offer|decision|appeal|call|government|army|military|navy|troops|forces|soldiers)\b")


def _country_possessives(text, sentence, names, runs):
    if "s" not in runs:
        return  # (the possessive's "s" is a word of its own to the run splitter)
    for m in _COUNTRY_POSSESSIVE.finditer(text, sentence.start, sentence.end):
        code = _country_code(m.group(1), names)
        if code:
            yield _mention(text, m.start(1), m.end(1), f"state:{code}",
                           _country_name(names, code), "state", country_code=code)


def _country_subjects(text, sentence, names, runs):
    """A country name, or a list of them, as the subject of a verb (or of a gapped clause that
    leaves it out): the states act."""
    for m in _COUNTRY_LIST.finditer(text, sentence.start, sentence.end):
        before = max(sentence.start, m.start() - 20)
        gapped = _COUNT_AFTER.match(text, m.end(), sentence.end) and _GAP_BEFORE.search(
            text, before, m.start())
        if not gapped and (not _DOES_AFTER.match(text, m.end(), sentence.end)
                           or _LOCATIVE_BEFORE.search(text, before, m.start())):
            continue
        found = _countries_in(text, m.start(), m.end(), names)
        if found is None:
            continue  # "Brown and Jordan shot": not a list of countries
        for start, end in found:
            code = names.country_code(text[start:end])
            yield _mention(text, start, end, f"state:{code}", _country_name(names, code),
                           "state", country_code=code)


def _countries_in(text, start, end, names):
    """Spans of the country names of a list ("Bosnia and Herzegovina" is one), or None when
    some name of it is no country."""
    parts = [p.span() for p in _LIST_PART.finditer(text, start, end)]
    out, i = [], 0
    while i < len(parts):
        if i + 1 < len(parts) and _country_code(text[parts[i][0]:parts[i + 1][1]], names):
            out.append((parts[i][0], parts[i + 1][1]))
            i += 2
            continue
        if not _country_code(text[parts[i][0]:parts[i][1]], names):
            return None
        out.append(parts[i])
        i += 1
    return out


def _country_code(name: str, names: ActorNames) -> str | None:
    bare = name[4:] if name.startswith(("The ", "the ")) else name
    if bare.lower() in lexicon.not_places() or (
            _SHORT_CAPS.fullmatch(bare) and bare not in _COUNTRY_ABBREVIATIONS):
        return None
    return names.country_code(name)


#: Unnamed people who act or speak as a body ("residents said", "Western diplomats said", "human
#: rights groups called on"): actors of type group, named by their words. Runs last, so "NATO
#: diplomats" or "Serbian officials" stay with their organisation or state.
_COLLECTIVE_NOUNS = (
    "diplomats", "officials", "analysts", "residents", "witnesses", "leaders", "mediators",
    "observers", "monitors", "experts", "villagers", "refugees", "civilians", "activists",
    "students", "workers", "drivers", "youths", "lawmakers", "legislators", "negotiators",
    "sources", "doctors", "medics", "groups", "organisations", "organizations", "agencies",
    "elders", "chiefs", "authorities", "investigators", "inspectors", "families", "crowds",
)
_COLLECTIVE_WORDS = frozenset((*_COLLECTIVE_NOUNS, *(n.capitalize() for n in _COLLECTIVE_NOUNS)))
#: (Case-blind alternations as ``lexicon.blind_branches`` builds them: the engine tests each
#: branch's first-letter class before entering it.)
_COLLECTIVE = re.compile(
    r"(?<![\w'’-])(?:(?:" + blind_branches(
        r"western local senior foreign international independent human\s+rights rights aid "
        r"armed young opposition humanitarian regional tribal village community religious truck "
        r"relief UN U\.N\. government military security police hospital medical health "
        r"election".split()) + r")\s+){0,2}(?:" + blind_branches(_COLLECTIVE_NOUNS) + r")\b")


#: What makes a body of people someone's: a name or a possessive right before it.
_OWNED_BEFORE = re.compile(r"(?:(?<![\w.'’-])(?!(?:The|A|An|Some|Many|Most|All|Several|Other|"
                           r"Two|Three|In|On|At|But|And)\s)[A-Z][\w.'’-]*|['’]s(?:\s+[a-z]+)?)\s+$")


#: States named together by their region ("West African nations", "European leaders",
#: "Gulf states"): one group actor, named by its words.
_REGIONAL = re.compile(
    r"(?<![\w'’-])(?:(?:West|East|North|South|Central|Southern|Northern|Eastern|Western)\s+)?"
    r"(?:African|European|Asian|Arab|Latin\s+American|Nordic|Baltic|Gulf|Balkan|Caribbean|"
    r"Pacific|Andean|Sahel|Sahelian)\s+(?:nations|states|countries|governments|leaders|"
    r"neighbou?rs|partners)\b")
_REGIONAL_WORDS = frozenset(("nations", "states", "countries", "governments", "leaders",
                             "neighbours", "neighbors", "partners"))


def _regional(text, sentence, names, runs):
    if runs.isdisjoint(_REGIONAL_WORDS):
        return
    for m in _REGIONAL.finditer(text, sentence.start, sentence.end):
        name = " ".join(m.group().split())
        # no name span: "Gulf" or "Caribbean" in it stays a place mention as well
        yield _mention(text, m.start(), m.end(), f"group:{name.lower()}", name, "group",
                       (m.start(), m.start()))


def _collectives(text, sentence, names, runs):
    """ "Analysts said", "armed youths stormed": a body of people as an actor."""
    if runs.isdisjoint(_COLLECTIVE_WORDS):
        return
    for m in _COLLECTIVE.finditer(text, sentence.start, sentence.end):
        if m.start() > sentence.start and _OWNED_BEFORE.search(
                text, max(sentence.start, m.start() - 40), m.start()):
            continue  # "French Defense Ministry officials", "the bloc's defence chiefs"
        name = " ".join(m.group().split())
        name = name[:1].lower() + name[1:] if m.start() == sentence.start else name
        yield _mention(text, m.start(), m.end(), f"group:{name.lower()}", name, "group")


#: An armed group's units named by its adjective ("Rebel units were reported …").
_ARMED_UNITS = re.compile(r"(?<![\w-])((?i:rebel|guerrilla|insurgent|militia))\s+(?:units|forces|"
                          r"fighters|troops|soldiers|commanders|columns|positions)\b")
_ARMED_UNIT_WORDS = frozenset(
    w for n in ("rebel", "guerrilla", "insurgent", "militia") for w in (n, n.capitalize()))
#: A capitalised armed noun opening a sentence ("Rebels of the SLA clashed …").
_OPENING_ARMED = re.compile(r"(?:The |Some |Many )?([A-Z][a-z]+)\b")
#: Troops and their origin: "soldiers from Nigeria, Chad and Niger", "troops flown in from
#: Germany".
_ORIGIN = re.compile(
    r"\b(?:" + blind_branches(
        r"troops soldiers forces peacekeepers contingents? units police(?:men|\s+officers)? "
        r"marines paratroopers battalions? brigades? personnel officers fighters volunteers "
        r"mercenaries".split())
    + r")\s+(?:(?:flown|brought|sent|drawn|moved|redeployed)\s+(?:in\s+)?)?"
    r"(?:from|of)\s+(?:the\s+)?"
    r"(?P<names>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}"
    r"(?:(?:,\s+|,?\s+and\s+)(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})*)")
_ORIGIN_NOUNS = frozenset(
    w for n in ("troops soldiers forces peacekeepers contingent contingents units police "
                "policemen officers marines paratroopers battalion battalions brigade brigades "
                "personnel fighters volunteers mercenaries").split()
    for w in (n, n.capitalize()))
_ORIGIN_NAME = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}")


def _origin_states(text, sentence, names, runs):
    """ "soldiers from Nigeria, Chad and Niger": each country named is a state whose troops
    they are (the place mention stays: where troops come from is still a place)."""
    if runs.isdisjoint(_ORIGIN_NOUNS) or "from" not in runs and "of" not in runs:
        return  # (set tests: most sentences have no troops coming from anywhere)
    for m in _ORIGIN.finditer(text, sentence.start, sentence.end):
        for name in _ORIGIN_NAME.finditer(text, m.start("names"), m.end("names")):
            code = names.country_code(name.group())
            if code and name.group().lower() not in lexicon.not_places():
                yield _mention(text, name.start(), name.end(), f"state:{code}",
                               _country_name(names, code), "state", country_code=code)


_COMPOUND_LEAD = re.compile(r"(?<![\w-])([A-Z][\w-]+) $")


def _groups(text, sentence, names, runs):
    """Armed or ethnic groups: "Tuareg rebels", "the Taliban" (lexicon), "the Albanians"."""
    opening = _OPENING_ARMED.match(text, sentence.start, sentence.end)
    if opening and opening.group(1).lower() in _ARMED_NOUNS:
        noun = opening.group(1).lower()  # "Insurgents fought back": capitalised by position
        yield _mention(text, opening.start(1), opening.end(1), f"group:{noun}", noun, "group")
    units = () if runs.isdisjoint(_ARMED_UNIT_WORDS) else _ARMED_UNITS.finditer(
        text, sentence.start, sentence.end)
    for m in units:
        noun = m.group(1).lower() + "s"  # "Rebel units", "guerrilla fighters": the rebels
        yield _mention(text, m.start(), m.end(), f"group:{noun}", noun, "group")
    armed = ()
    if not runs.isdisjoint(_ARMED_WORDS) and _ARMED_NOUN.search(
            text, sentence.start, sentence.end):
        armed = _ARMED.finditer(text, sentence.start, sentence.end)
    for m in armed:
        mod = m.group("mod")
        if mod and (mod.split()[0].lower() in lexicon.not_places() or m.start() == sentence.start
                    and not names.demonym(mod.split()[0])):
            mod = None
        start = m.start("mod") if mod else m.start("noun")
        name = f"{mod} {m.group('noun')}" if mod else m.group("noun")
        code = names.demonym(mod.split()[-1]) if mod else None
        yield _mention(text, start, m.end(), f"group:{name.lower()}", name, "group",
                       country_code=code or "")
    yield from _peoples(text, sentence, names)


#: One or two capitalised words, the last a plural not followed by a members noun. The pattern
#: opens with the capital (its look-behind after it), so the engine looks for capitals alone
#: and tries the rest there: groups 1 and 2 hold two words past the first capital, or none.
_PEOPLES = re.compile(r"[A-Z](?<![\w-].)(?:([\w-]+) ([A-Z][\w-]+s)|[\w-]+s)\b(?!['’]|\s+(?:"
                      + "|".join(_MEMBER_NOUNS) + r")\b)")


def _peoples(text, sentence, names):
    """A plural demonym used as a noun: "the Albanians", "Serbs", "Kosovo Albanians"."""
    for m in _PEOPLES.finditer(text, sentence.start, sentence.end):
        one_word = m.group(1) is None
        plural_start = m.start() if one_word else m.start(2)
        plural = text[plural_start:m.end()]
        code = names.demonym(plural)
        if not code or names.country_code(plural):
            continue
        lead = None if one_word else text[m.start():m.end(1)]
        keep_lead = lead and names.has_name(lead) and lead.lower() not in lexicon.not_places()
        start = m.start() if keep_lead else plural_start
        name = text[start:m.end()]
        yield _mention(text, start, m.end(), f"group:{name.lower()}", name, "group",
                       country_code=code)


def _surnames(text: str, sentences: Sequence[Sentence],
              found: list[ActorMention]) -> list[ActorMention]:
    """A bare surname ("Sutanovac said") is the person named in full elsewhere (a headline
    often uses the surname before the body gives the full name)."""
    people = {m.name.split()[-1]: m for m in found if m.type == "person" and " " in m.name}
    if not people or not sentences:
        return found
    covered = ByStart(found, lambda x: x.start)
    out = list(found)
    for start, end, surname in _whole_words(text, sentences[0].start, tuple(people)):
        if _inside(covered, start):
            continue
        first = people[surname]
        out.append(_mention(text, start, end, first.key, first.name, "person",
                            role=first.role, affiliation=first.affiliation,
                            country_code=first.country_code))
    return sorted(out, key=lambda x: x.start)


_WORD_OR_HYPHEN = re.compile(r"[\w-]")


def _whole_words(text: str, start: int, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(start, end, word) of each of ``words`` in ``text[start:]`` with no word character or
    hyphen beside it, as ``finditer`` of their alternation (in this order) finds them.

    Found with ``str.find``: a pattern of one article's names would be compiled per article.
    """
    hits = []
    for order, word in enumerate(words):
        pos = text.find(word, start)
        while pos >= 0:
            end = pos + len(word)
            if not (pos and _WORD_OR_HYPHEN.match(text, pos - 1)
                    or _WORD_OR_HYPHEN.match(text, end)):
                hits.append((pos, order, end))
            pos = text.find(word, pos + 1)
    hits.sort()
    out, free = [], start  # matches do not overlap: the leftmost, then the earliest word
    for pos, order, end in hits:
        if pos >= free:
            out.append((pos, end, words[order]))
            free = end
    return out


def _inside(covered: ByStart, pos: int) -> bool:
    """Whether a mention already covers ``pos`` (mentions are short: look a little back)."""
    return any(x.start <= pos < x.end for x in covered.within(max(0, pos - 200), pos + 1))


def _back_references(text, sentences, found: list[ActorMention]) -> list[ActorMention]:
    """ "the ministers" after "NATO ministers" is NATO again (the latest such mention); "the
    ministry" the latest ministry, "the bloc" or "the alliance" the latest organisation; "his
    country" the state of the person last named."""
    out = list(found)
    covered = ByStart(found, lambda x: x.start)
    latest: dict[str, ActorMention] = {}
    pending = iter(found)
    upcoming = next(pending, None)
    for sentence in sentences:
        for m in _BACK_REFERENCE.finditer(text, sentence.start, sentence.end):
            while upcoming is not None and upcoming.end <= m.start():
                latest[upcoming.surface.split()[-1].lower()] = upcoming
                if upcoming.type == "organization" and (
                        upcoming.name.split()[-1] not in _ORG_HEAD_WORDS):  # not a ministry
                    latest[""] = upcoming
                if upcoming.type == "person" and upcoming.country_code:
                    latest["his"] = latest["her"] = upcoming
                upcoming = next(pending, None)
            if m.group("own"):  # "his country": the state of the person last named
                last = latest.get(text[m.start():m.end("own")].lower())
                if last is not None and not _inside(covered, m.start()):
                    code = last.country_code
                    out.append(_mention(text, m.start(), m.end(), f"state:{code}",
                                        last.affiliation or code, "state", (m.start(), m.start()),
                                        country_code=code))
                continue
            noun = m.group(1).lower()
            last = latest.get("" if noun in _ANY_ORGANISATION else noun)
            if last is None or _inside(covered, m.start()):
                continue
            out.append(_mention(text, m.start(), m.end(), last.key, last.name, last.type,
                                (m.start(), m.start()), country_code=last.country_code,
                                affiliation=last.affiliation))
    return sorted(out, key=lambda x: x.start)


#: Bare armed nouns that refer back to the armed group last named ("the rebels" after "RUF").
_BARE_ARMED = frozenset(f"group:{n}" for n in (
    "rebels", "insurgents", "militants", "guerrillas", "guerillas", "fighters", "militiamen",
    "gunmen", "jihadists"))


def _named_armed_groups(found: list[ActorMention]) -> list[ActorMention]:
    """ "The rebels", "Rebel units" after the RUF was named are the RUF (the latest named armed
    group of the lexicon; with none named they stay "rebels")."""
    out, named = [], None
    for m in found:
        entry = lexicon.organization_by_form().get(m.name)
        if m.type == "group" and entry is not None and entry.type == "group":
            named = m
        elif m.key in _BARE_ARMED and named is not None:
            m = replace(m, key=named.key, name=named.name, country_code=named.country_code)
        out.append(m)
    return out


def commanded_forces(actors: Sequence[Actor]) -> dict[str, tuple[str, ...]]:
    """Person id → id of the actor named as the person's affiliation ("the commander of the
    French contingent" belongs to France, KFOR's commander to KFOR): a force's commander acts
    for his force."""
    by_name: dict[str, str] = {}
    for a in actors:
        if a.type != "person":
            for name in (a.name, *a.aliases):
                by_name.setdefault(name.casefold(), a.id)
    out = {}
    for a in actors:
        force = by_name.get(a.affiliation.casefold()) if a.type == "person" else None
        if force and force != a.id:
            out[a.id] = (force,)
    return out


def merge_actors(mentions: Sequence[ActorMention]) -> tuple[tuple[Actor, ...], dict[str, str]]:
    """One ``Actor`` per key, ids ``a1``… in order of first mention; and key → id."""
    groups: dict[str, list[ActorMention]] = {}
    seen: set[tuple[int, int, str]] = set()
    for mention in sorted(mentions, key=lambda m: m.start):
        if (mention.start, mention.end, mention.key) in seen:
            continue  # a country read as an actor both here and by ``metonymy``
        seen.add((mention.start, mention.end, mention.key))
        groups.setdefault(mention.key, []).append(mention)
    actors, ids = [], {}
    for index, (key, group) in enumerate(groups.items(), 1):
        ids[key] = f"a{index}"
        head = max(group, key=lambda m: (bool(m.role), bool(m.affiliation), len(m.name)))
        aliases = tuple(dict.fromkeys(m.surface for m in group if m.surface != head.name))
        actors.append(Actor(
            id=f"a{index}", name=head.name, type=head.type,
            country_code=next((m.country_code for m in group if m.country_code), ""),
            aliases=aliases, mentions=tuple((m.start, m.end) for m in group),
            role=head.role, affiliation=head.affiliation))
    return tuple(actors), ids


#: A state's own bodies named without the state ("the army", "government troops", "the Defense
#: Ministry"): they are the state the sentence is about.
#: (It opens with a character class, and looks behind that first character for the word
#: boundary: the engine then skips to those characters instead of trying every position.)
_STATE_BODY = re.compile(
    r"[TtGg](?<![\w'’-].)(?:(?<=[Tt])he\s+(?:army|military|armed\s+forces|"
    r"(?:Defen[cs]e|Foreign|Interior)\s+Ministry)|(?<=[Gg])overnment\s+(?:troops|forces|"
    r"soldiers))\b(?!\s+(?:of|in)\b)")
#: Names a body has when it was read as an organisation of no state ("Defense Ministry").
_STATELESS_BODY = re.compile(r"(?:Defen[cs]e|Foreign|Interior) Ministry")
#: How many sentences back a state mention can set the scene.
_SCENE_REACH = 2


def state_bodies(text: str, sentences: Sequence[Sentence], places, mentions: Sequence[ActorMention],
                 names: ActorNames) -> tuple[list[ActorMention], set[tuple[int, int]]]:
    """Mentions of the state behind each unowned state body, and the spans of the stateless
    organisation mentions they replace.

    The state is the scene's: a state mentioned before it in its sentence, else the country of
    a literal place before it there ("In Moscow, …, but the Defense Ministry said"), else the
    latest state mentioned in the ``_SCENE_REACH`` sentences before.
    """
    states = sorted((m.start, m.country_code) for m in mentions
                    if m.type == "state" and m.country_code)
    found, replaced = [], set()
    for index, sentence in enumerate(sentences):
        for m in _STATE_BODY.finditer(text, sentence.start, sentence.end):
            clash = [x for x in mentions if x.start < m.end() and m.start() < x.end]
            if any(not (x.type == "organization" and _STATELESS_BODY.fullmatch(x.name))
                   for x in clash):
                continue  # "the Russian army" is read already
            code = _scene_state(sentences, index, m.start(), states, places)
            if not code:
                continue
            replaced.update((x.start, x.end) for x in clash)
            found.append(_mention(text, m.start(), m.end(), f"state:{code}",
                                  _country_name(names, code), "state", country_code=code))
    return found, replaced


def _scene_state(sentences, index, at, states, places) -> str:
    start = sentences[index].start
    before = [code for s, code in states if start <= s < at]
    if before:
        return before[-1]
    placed = [p.country_code for p in places if start <= p.start < at and p.literal
              and p.country_code]
    if placed:
        return placed[-1]
    earlier = sentences[max(0, index - _SCENE_REACH)].start
    recent = [code for s, code in states if earlier <= s < start]
    return recent[-1] if recent else ""
