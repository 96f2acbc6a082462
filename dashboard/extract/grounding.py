"""Grounding: each event and deployment placed where, and dated when, it happened.

A pure stage after events and deployments. Each record takes its place and its date from the
best evidence there is, records which (``place_basis``, ``date_basis``) and says it in words
(``place_note``, ``date_note``); where no evidence supports a value it stays null, the basis is
"" and the note says why. Nothing is guessed beyond the rules below.

Place, best first:

1. ``stated``: the events and deployments stages read a locative or motion phrase in the
   record's own clause ("meeting in Brussels", "stationed in X", "flown into X"); "the Black
   Sea port of Poti" is Poti and "the capital, Skopje" Skopje; an order or a deployment goes
   where its troops go ("ordered more troops to X"), a clash where it strikes ("seized Bor",
   "shelled the town of X"); troops where their own motion verb takes them ("Marines who
   landed at the port of X"), but not in another clause ("surround the camp, and a spokesman
   in X said") nor where they come from ("took off from a base near X", "flown in from X").
   Words keep a place after their verb only until what was said begins ("told reporters
   aboard the ship in X", not "said it would raise its force in X"), judged in the span of the
   report that names the place (repeats merged into it included). When the stated place is
   an area (a country, a province, a region), a town or site of the same clause set by a
   locative or a verb that reaches or strikes it ("landed at Henderson Field … in Solomon
   Islands") is the more exact place; not one the record comes from ("took off from a base
   near X") nor one behind a comma (another clause);
   a country in the possessive is no stated place ("at France's request": it owns the
   request) unless a part of its ground follows ("closed Niger's airspace");
   A record in a "where" clause happens at the place the clause hangs on ("flew to Tbilisi,
   where Saakashvili accepted it"; "in Ramadi, in Anbar province, where": Ramadi); a clash or
   a move in a ", which" clause on a place happens to that place ("the Falkland Islands, which
   Argentina seized"); a town opening the sentence ("In Niamey, …") is more exact than an
   area of its country the clause names or refers to ("stationed in the country");
2. ``reference``: the clause holds a reference linked to the place it means ("the town", "the
   capital": ``Place.antecedent``); else a site or an area the places stage leaves unlinked
   ("at the airport", "remain at the base", "sent the carrier to the area"): the last site
   named with its noun in the sentence or the three before ("Pristina airport", "the port of
   Beirut"), else the last facility; for "the area" or "the region", the last sea, region or
   province (for troops, read up to the end of their clause); "the Nigerian capital" (a
   country or its demonym before the noun) is the capital the article names in that country,
   else none; "the capital" with no capital
   named before it is the capital the article names (literally or for its government) in
   the focus place's country, else in the country its literal places lead in (the
   gazetteer's capitals); else the adverb "there" (the last literal place before it);
   for words, only before what was said. A capital named for its government as the subject of
   words or a decision ("Seoul welcomed the accord") is where they were said or made;
3. ``inherited`` through an explicit attachment in the sentence: "at the Friday meeting",
   "during the visit", "in their final communique" (a communique is a meeting's) point at the
   last earlier event of that kind (one called by that noun first, with a compatible date,
   unless it is an aside told with an earlier day than the story's event of that kind),
   whose place the record takes. This comes before the sentence's lone place: the phrase names
   the record's own setting, while a lone place may be what the record is about;
4. ``sentence``: a place opening the sentence ("In Washington, Bush said…") sets every record
   of it; else the one literal place of the sentence, when there is exactly one candidate (no
   candidate: a place in topic position, "discussing Kosovo", "the status of X"; after "from";
   the sender or owner of troops, "Finland sent 2,200 soldiers", "U.S. Marines"; a place
   another predicate states in its own clause, "left on Monday and crossed into X"; where troops
   are, "troops in X", for an event that is not about troops; the wire dateline). Words
   (statements, requests, reports) take no lone place: it is in what was said ("Rebels hold
   Gao, the army said"); nor do planned or proposed troops, which are not there yet: the lone
   place is where the plan is made ("ministers in Addis Ababa agreed to speed up the
   deployment");
5. ``inherited`` from a continuing referent: a clause opening with a pronoun subject ("They
   will also urge…") continues the record before it; a statement by the speaker of the
   previous statement continues it; an event naming its own kind as known ("the offensive")
   is the last one of that kind; a meeting of the same participants within a day is at the same
   place; reinforcements, withdrawals and planned or proposed troops go where troops of the same
   actor are stationed;
6. ``focus``: the article's focus place, CLIFF-style: literal mentions counted, those early in
   the article weighted more, the wire dateline's city weighted most; it is used only when one
   place clearly leads (within the leading country, else that country), and the record keeps
   that place's own precision (a country focus gives a country-level place, never a point).
   Only deployments and events on the ground (clashes, deployments, visits) take it:
   decisions and meetings happen where their parties are, which the focus does not tell, and
   words are said where their speakers are (a wire dateline's city only says where the
   reporter was).

Checks on the stated place: a move is where its motion verb first takes the troops, not where
they come from ("drove from their base in X"); a town read in another country than the area
locating it ("Angostura in Sucumbíos province") gives the area, an area that only locates a
town ("from Entebbe, in neighbouring Uganda") the town, and a site read in a country the
article never names ("Henderson Field outside Honiara") the town it lies by; a list of places
("shelling continued in Kharkiv and Mariupol") gives one event per place. A country's ground
named by its adjective ("near the North Korean coast") places a clash there; "the border" and
"the frontier" read like "the region".

Date, best first:

1. ``stated``: a date or weekday in the record's clause, or opening its sentence, as the stages
   read it, but the clause's own day before a "since" date ("held since June pulled back on
   Wednesday night"). A day counted from another ("the day before", "two days later", "a week
   after the landing"), in the clause (for words, right after their verb: "said the day
   before") or opening the sentence, comes first: it is counted from the event its words name
   (the first of that kind told in an earlier sentence: "the landing"), else from the last day
   before it in its sentence ("left on Monday and crossed the day after"), else back from the
   dateline ("said the day before"), else from the story's last dated event ("Two days
   later"), else from the last day the sentence before told; a record whose own day comes before the phrase keeps it, and one naming an event
   not read ("two weeks after officers detained him") gets nothing from it;
   Words take a day right after their verb, before what was said begins ("told reporters
   aboard the ship on Wednesday"), or one opening their sentence ("On Monday, X said"); a day
   before a trailing attribution ("Jets hit Kidal on Sunday, the ministry said") is what was
   said, not the words' own day; nor is a day in what a meeting's members said ("The
   ministers, meeting in Luxembourg, said … in May") the meeting's, nor a day of a trailing
   attribution a happening's ("has moved troops to Agadez, the minister said on Thursday");
2. ``sentence``: the one resolved date of the sentence (for words, only one before them, not
   one inside what was said, and none for a trailing attribution);
3. ``inherited``: from the event it is attached to, or the record it continues by pronoun or
   speaker, or, for a happening in a "where" clause, the happening it hangs on ("broke out in
   Ramadi, where insurgents attacked") (a meeting of the same participants or "the offensive" gives a place, not a date);
4. ``dateline``: the report's day, only where tense and genre make it the event's day:

   - an ongoing event (present progressive: "are discussing") happens on the day of the report,
     but not one told as seen or reported going on ("columns were seen heading north": when
     they were seen is not said);
   - words in the present tense ("says", "warns") are said that day;
   - words in the simple past with no day of their own ("said", "urged"; not "has pledged",
     not "were reported") were said that day: news copy names the day of a statement when it
     is not the report's ("said on Monday"), in wire stories and in the seed's layout alike;
   - troops "are stationed" or "remain" somewhere on the report's day;

5. ``inherited`` from the story's time: a past happening (not words) with no day of its own,
   in the sentence of, or right after, a happening told with its day, takes that day: a
   narrative goes on where its last dated sentence left it. When that sentence is an aside
   with an earlier day than the story's running time (the latest day of a past happening told
   so far: "Allawi declared an emergency on Sunday" in a story of Monday's assault), the
   happening after it returns to the running time (unless in the pluperfect, which goes on
   with the aside). Not one in the present perfect ("has moved": not in the story's running
   time), nor one told as "later", "since", "eventually" (after that day, not on it), nor one
   a trailing attribution reports from an earlier sentence ("Troops also sank boats in Poti,
   the ministry said": the speaker gives no time) unless a time of day ties it to the story
   ("in the afternoon", "minutes after").

Anything else undated stays undated (a plan with no day is not the report's, nor is a "since"
date a plan's: "stationed there since 1975, are to withdraw"; a happening named
by how long it lasted, "after 78 days of airstrikes", takes no day but one in its own span). An event that is
attached to another of its own kind ("the reinforcements will be discussed at the meeting" is
the meeting) is that event: it is merged into it, and its span joins the other's ``mentions``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from sys import intern  # notes repeat ("place stated: Kosovo"): one string each, not one a record
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from dashboard.extract.lexicon import CaseBlind, blind_branches
from dashboard.extract.spans import ByStart
from dashboard.records import (Article, DateMention, Deployment, Event, Place, Sentence,
                               quick_init)

#: Nouns of an attachment phrase, and the kinds of event they point back at.
_ATTACHED_KINDS = {
    "meeting": ("meeting",), "summit": ("meeting",), "talks": ("meeting",),
    "conference": ("meeting",), "session": ("meeting",), "dinner": ("meeting",),
    "negotiations": ("meeting",), "consultations": ("meeting",), "ceremony": ("meeting",),
    "communique": ("meeting",), "communiqué": ("meeting",), "declaration": ("meeting",),
    "visit": ("visit",), "trip": ("visit",), "tour": ("visit",),
    "operation": ("clash", "deployment"), "offensive": ("clash",), "assault": ("clash",),
    "raid": ("clash",), "fighting": ("clash",), "battle": ("clash",),
}
_KIND_WORDS = "|".join(sorted(_ATTACHED_KINDS, key=len, reverse=True))
#: (Case-blind, run on the lowered text: ``lexicon.CaseBlind``.)
_ATTACHMENT = CaseBlind(
    rf"(?:a(?<!\w.)(?:t|fter)|d(?<!\w.)uring|i(?<!\w.)n"
    rf"|o(?<!\w.)n\s+the\s+(?:sidelines|eve)\s+of)\s+"
    rf"(?:the|a|an|this|that|their|its|his|her|last|today['’]s)\s+(?:[\w'’-]+\s+){{0,3}}?"
    rf"({_KIND_WORDS})\b")
#: "the offensive", "the talks": a noun naming an event of a kind already reported.
#: (The word boundary is checked after the "T": the engine looks for "T"s alone; the nouns
#: open with a class of their first letter's forms, which it skips on: ``blind_branches``.)
_DEFINITE = re.compile(rf"[Tt](?<!\w.)(?i:h(?:e|is|at)\s+(?:[\w-]+\s+)?)"
                       rf"({blind_branches(_KIND_WORDS.split('|'))})\b")
_PRONOUN_FIRST = re.compile(r"\s*(?:They|He|She|It|We)\b")
_THERE = re.compile(r"\bthere\b(?!\s+(?:is|are|was|were|will|would|has|have|had|seems?|"
                    r"appears?|may|might|could|must|should|can|remains?)\b)")
#: Words before a place that make it a topic, an origin or an actor's seat, not where a
#: thing happened.
_TOPIC_BEFORE = re.compile(
    r"(?:\b(?:discuss\w*|about|over|on|regarding|concerning|towards?|against|with|from|"
    r"(?:status|future|independence|recognition|sovereignty|integrity|partition|question|issue|"
    r"policy|envoy|ambassador)\s+(?:of|on|to|for))\s+(?:the\s+)?)$", re.I)
#: "Finland sent 2,200 soldiers": the place that sends troops is not where they are.
_SENDER_AFTER = re.compile(r"(?:\s+(?:has\s+|have\s+|had\s+|will\s+|would\s+|also\s+)*"
                           r"(?:(?:began|begins|started|starts)\s+(?:deploying|sending)|"
                           r"sent|send|sends|sending|deployed|deploys|dispatched|dispatches|"
                           r"contributed|contributes|pledged|pledges|offered|offers|promised|"
                           r"provided|provides)|"
                           # "Sweden sent 2,200 soldiers and Finland about 500": a gapped sender
                           r"\s+(?:about|some|around|nearly|almost|another|over)?\s*\d[\d,.]*"
                           r"\s*(?:[.,;]|$|and\b))", re.I)
#: "U.S. Marines", "Israeli troops": a place naming whose troops they are is not where.
_OWNER_OF_TROOPS = re.compile(r"(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:troops|soldiers|marines|"
                              r"forces|peacekeepers|paratroopers|sailors|contingent|army|navy)\b",
                              re.I)
_TROOPS_BEFORE = re.compile(r"\b(?:troops|soldiers|forces|peacekeepers|contingent|units?|"
                            r"garrisons?|convoys?|columns?|fleets?|"
                            r"battalions?|brigades?|divisions?|marines|paratroopers|warships|"
                            r"ships|helicopters|jets|aircraft|planes|tanks|presence)\b"
                            r"(?:\s+\w+){0,3}\s+(?:in|at|to|into)\s+"
                            r"(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
#: (The verb lists below are case-blind alternations as ``lexicon.blind_branches`` builds them,
#: each branch opening with a case-sensitive class of its first letter: the engine tests that
#: class before entering a branch.)
_PRESENT_SAYING = re.compile(r"\b(?:" + blind_branches(
    "says tells warns insists urges asks calls claims denies reports announces stresses argues "
    "believes thinks wants".split()) + r")\b")
#: A reporting verb in the simple past, no "has"/"had" before it ("said" yes, "has pledged" no).
#: (The look-behinds run behind the verb's first letter, where few positions get: "has " ends
#: one character before it.)
_PAST_SAYING = re.compile(r"\b(?:" + blind_branches(
    "said told announced stated warned urged asked added declared promised pledged denied "
    "claimed insisted reported called demanded condemned welcomed accused confirmed appealed "
    "rejected stressed blamed criticised criticized vowed threatened praised dismissed "
    "acknowledged argued noted".split(),
    guard=r"(?i:(?<!\bhas .)(?<!\bhad .)(?<!\bhave .)(?<!\bwas .)(?<!\bwere .)(?<!\bbeen .)"
          r"(?<!\bbe .))") + r")\b")
_ANY_SAYING = re.compile(r"\b(?:" + blind_branches(
    "said says say told tells tell announced announces stated warned warns urged urges asked "
    "asks added declared promised pledged denied denies claimed claims insisted reported called "
    "calls demanded welcomed welcomes accused confirmed appealed rejected stressed".split())
    + r")\b")
#: A subject at the start of a clause: at most one word before it ("Seoul", "but Seoul").
_SUBJECT_START = re.compile(r"\s*(?:[\w'’]+\s+)?")
#: "the Black Sea port of Poti": the second, more exact place is the one meant.
_PLACE_OF = re.compile(r"(?:['’]s)?\s+(?:port|town|city|village|district|province|region|"
                       r"suburb|outskirts|capital)\s+of\s+(?:the\s+)?")
#: Words that open what was said: "said (that) it would…", "urged them to…", "said fighting
#: continued near X".
_CLAUSE_OPENS = re.compile(r"\b(?:that|would|will|was|were|is|are|had|has|have|could|should|"
                           r"might|may|must|can|to|it|its|their|they|he|she|we|\w{3,}ed)\b", re.I)
#: A verb that takes or strikes a place as its object: the clash happens there.
_TAKEN = re.compile(r"\b(?:seized|seize|seizes|seizing|captured|capture|captures|capturing|"
                    r"took|retook|recaptured|(?:taken|took|take|takes|taking)\s+over|overran|overrun|stormed|storms|attacked|attacks|"
                    r"shelled|shells|shelling|bombed|bombs|bombing|raided|raids|besieged|"
                    r"entered|enter|enters|entering|struck|hit|liberated|occupied|encircled|"
                    r"(?:advanced|advancing|marched|marching|closed\s+in|converged)\s+on)\s+"
                    r"(?:control\s+of\s+)?(?:the\s+(?:[\w-]+\s+){0,2}(?:town|city|village|port|"
                    r"province|region|district|capital|outskirts|suburbs?)\s+of\s+)?$", re.I)
#: Words between troops and a place that put the place in another clause or make it an origin.
_ELSEWHERE = re.compile(r",\s+(?:and|but|while)\b|\band\s+(?:will|would|were|was|are|is|had|"
                        r"have|has)\b", re.I)
_ORIGIN = re.compile(r"\bfrom\s+(?:(?:the|an?|their|its|his|her)\s+(?:[\w-]+\s+)?(?:bases?|airport|airfield|port|"
                     r"camp|barracks|garrison)\s+(?:near|outside|in|at|of)\s+)?$", re.I)
#: A motion verb and its preposition right before a place: troops going there.
_MOTION_BEFORE = re.compile(r"\b(?:landed|arrived|flown|flew|moved|deployed|sent|entered|"
                            r"airlifted|shipped|rushed|dispatched)\s+(?:at|in|into|to|on)\s+"
                            r"(?:the\s+)?(?:(?!from\b|of\b)[\w-]+\s+){0,2}(?:(?:port|town|city|"
                            r"airport|base|capital)\s+of\s+)?$", re.I)
#: "moved some of them from Niamey to its drone base at Agadez": the destination of a move.
_TO_SITE = re.compile(r"\b(?:to|into)\s+(?:(?:the|its|their|a|an)\s+(?:[\w-]+\s+){0,2}(?:base|"
                      r"airport|airfield|port|camp|garrison|town|city|village|capital|"
                      r"headquarters)\s+(?:at|in|near|outside|of)\s+|the\s+)?$", re.I)
_MOVING = re.compile(r"\b(?:moved|moving|sent|sending|flown|flew|deployed|deploying|dispatched|"
                     r"airlifted|shipped|rushed|transferred|redeployed|relocated)\b", re.I)
#: A decision that itself sends troops somewhere: "ordered more troops to X".
_ORDERING = re.compile(r"\b(?:ordered|orders|order|sent|sends|dispatched|dispatches)\b", re.I)
#: What may follow the verb of a trailing attribution: its day, its place, the sentence's end.
_ATTRIBUTION_END = re.compile(r"\s*(?:(?:on|in|at|late|early|last|this|yesterday|today|by)\b"
                              r"[^,;:\"“”]{0,25})?[.!?]?\s*(?:$|[,;]\s+(?:while|and|but)\b)")
#: "Washington and London": a subject of several governments.
_JOINED = re.compile(r"\s+(?:and|&)\s+[A-Z]")
#: A subordinate clause opening after a comma: what lies across it is another clause's.
_SUBORDINATE = re.compile(r",\s*(?:after|before|when|while|as|because|since|although|though)\b",
                          re.I)
#: "authorize a multinational force for Haiti": a place a force or a plan is for is its
#: purpose, not where the record happens.
_PURPOSE_BEFORE = re.compile(r"\b(?:force|forces|mission|operation|troops|aid|assistance|"
                             r"support|plan|funds?|envoy)\s+for\s+(?:the\s+)?$", re.I)
#: A country's own ground named by its adjective: "the North Korean coast", "the Pakistani side".
_GROUND_AFTER = re.compile(r"\s+(coast|coastline|side|territory|waters|soil|airspace|mainland)\b",
                           re.I)
_ON_GROUND_BEFORE = re.compile(r"\b(?:near|on|along|off|inside|into|over|in)\s+the\s+$", re.I)
#: A town followed by the area that locates it: "Angostura in Sucumbíos province", "X, Y".
_LOCATED_IN = re.compile(r"(?:,\s*|\s+in\s+)(?:the\s+)?(?:[a-z]+\s+)?")
#: Between a town and the area that says where it is: "Entebbe, in neighbouring Uganda".
_LOCATING = re.compile(r",\s*in\s+(?:the\s+)?(?:neighbou?ring\s+|nearby\s+|southern\s+|"
                       r"northern\s+|eastern\s+|western\s+|central\s+)?")
#: A site and the town it lies by: "Henderson Field outside Honiara".
_NEAR_TOWN = re.compile(r"\s+(?:outside|near|in)\s+")
#: Between the places of a list: ", " or (closing it) ", and " / " and ".
_LIST_JOIN = re.compile(r",\s*|,?\s+(and)\s+")
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.I)
_APPOSITION = re.compile(r",\s*")
#: A move out of a place: "withdrew from X", "pulled out of X".
_WITHDRAWING = re.compile(r"\b(?:withdr[ae]w\w*|pull\w*\s+out|evacuat\w*|retreat\w*|left|leav\w*|"
                          r"fled|flee\w*)\b", re.I)
#: ", where" after a place: the clause that follows happens there.
_WHERE_AFTER = re.compile(r",?\s+where\s+")
#: ", which" after a place: the clause that follows tells what happened to it.
_WHICH_AFTER = re.compile(r",\s+which\s+")
#: A town followed by the area it lies in: "Ramadi, in Anbar province".
_IN_AREA = re.compile(r",\s*(?:in\s+)?(?:the\s+)?")
#: A site or an area named by its noun alone: "the airport", "the base", "the area".
_SITE_REF = re.compile(r"\bthe\s+(?:[a-z-]+\s+)?(air\s+base|base|airport|airfield|bridge|port|"
                       r"harbou?r|crossing|area|region|border|frontier|capital)\b(?!\s+(?:of|with|between)\b)"
                       r"(?!,\s*[A-Z])")
#: "the Nigerian capital", "the Afghan capital": a capital its country's name or demonym owns.
_OWNED_CAPITAL = re.compile(r"\bthe\s+[A-Z][\w'’-]+\s+capital\b(?!\s+of\b)(?!,\s*[A-Z])")
_REGION_KINDS = ("water", "region", "admin1", "admin2", "directional_region")
#: How many sentences back a site or an area may have been named.
_SITE_WINDOW = 3
#: A possessive followed by anything but a part of a country's ground.
_POSSESSIVE_NOT_PART = re.compile(
    r"['’]s\s+(?!(?:[\w-]+\s+)?(?:airspace|borders?|territory|territorial|capital|coasts?|"
    r"coastline|soil|waters|airports?|ports?|islands?|provinces?|regions?|frontier|interior|"
    r"north|south|east|west|cities|city|towns?|villages?|streets|mountains|skies)\b)\w", re.I)
_AREA_KINDS = ("country", "admin1", "admin2", "region", "directional_region")
#: A locative right before a town or a site: "at Panmunjom", "near the village of X".
_AT_SITE = re.compile(r"\b(?:at|near|outside|in|into)\s+(?:the\s+(?:[\w-]+\s+){0,2}(?:town|city|"
                      r"village|port|base|airport|suburbs?|outskirts)\s+(?:of\s+)?|the\s+)?$",
                      re.I)
#: A day counted from another: "the day before", "two days later", "the day after the landing",
#: "a week after the troops arrived", "the same afternoon". ``ref``: the words naming the other event, if any.
_COUNTED = re.compile(
    r"\b(?=[TtAaOoFfSsEe\d])(?i:(?:(?P<n>the|a|one|two|three|four|five|six|seven|\d{1,2})\s+(?P<unit>days?|weeks?)"
    r"\s+(?P<dir>before|after|earlier|later))|the\s+(?P<dir2>previous|next|following)\s+day"
    r"|the\s+(?P<same>same)\s+(?:day|morning|afternoon|evening|night))\b"
    r"(?!\s+(?i:yesterday|tomorrow))"
    r"(?P<ref>\s+(?:(?i:the|an?|his|her|its|their)\s+[\w-]+|[A-Z][\w-]+)(?:\s+[a-z][\w-]*){0,2})?")
_COUNT_WORDS = {"the": 1, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7}
_BACKWARD = ("before", "earlier", "previous")
#: The kind of event a referent's words name ("the landing", "the council met").
_REFERENT_KINDS = (
    (re.compile(r"\b(?:land|arriv|set\s+out|sail|cross|enter|deploy|fl[eo]w|fly|ashore|withdr|"
                r"pull|left|leav|depart|mov|invasion|convoy|troops|soldiers|marines)", re.I),
     "deployment"),
    (re.compile(r"\b(?:met|meet|summit|talks|conference|session|council)", re.I), "meeting"),
    (re.compile(r"\b(?:attack|offensive|assault|raid|strik|struck|shell|bomb|fight|battle)", re.I),
     "clash"),
    (re.compile(r"\b(?:vot|sign|agree|accord|deal|ceasefire|truce|decision)", re.I), "decision"),
    (re.compile(r"\bvisit", re.I), "visit"),
)
#: Words of a referent too common to tell one event from another.
_PLAIN_WORDS = frozenset("the a an his her its their before after was were had have has been "
                         "first last".split())
_OPENING = re.compile(r"\s*(?:In|At|From|Inside|Outside|Near)\s+(?:the\s+)?")
#: A meeting's own word, before a reporting verb: the meeting is the speakers', not what was said.
_MEETING_WORD = re.compile(r"\b(?:meeting|met|meet|talks|summit|conference|session)\b", re.I)
#: A happening named by how long it lasted: "78 days of airstrikes", "six weeks of fighting".
_SOME_TIME = (r"\b(?:\d+|" + blind_branches(
    "two three four five six seven eight nine ten several many".split())
    + r")\s+(?i:days|weeks|months|years)\s+(?i:of)")
_DURATION = re.compile(rf"{_SOME_TIME}\b")
#: A clash named by how long it lasted ("six weeks of fighting"), and a clash told by a verb.
_DURATION_CLASH = re.compile(rf"{_SOME_TIME}\s+(?i:(?:[\w-]+\s+)?(?:fighting|conflict|war|"
                             r"clashes|air\s?strikes|shelling|violence|bombing|unrest)\b)")
_CLASH_VERB = re.compile(r"\b(?:attack|fought|clash|shell|bomb|kill|seiz|captur|storm|raid|struck|"
                         r"ambush|fire[ds]?\b)\w*", re.I)
#: A happening told outside the story's running time: in the present perfect ("has moved"),
#: "later", "since", "eventually".
_OUT_OF_STORY = re.compile(r"\b(?:(?:has|have)\s+(?:\w+\s+)?(?:been\s+)?\w+(?:ed|en|wn|t)|(?<!hours\s)later|"
                           r"since|eventually|afterwards|subsequently)\b", re.I)
#: A request named only as what prompted another act: "at Ecuador's request", "at the request
#: of President Kiir".
_REQUEST_NOUN = re.compile(r"\bat\s+(?:the\s+request\b|[\w.'’ -]{1,40}?['’]s?\s+request\b)",
                           re.I)
#: A request made by a verb of its own in the clause ("urged", "asked"): not only a noun.
_ASKING = re.compile(r"\b(?:urged?|urging|ask(?:ed|s|ing)?|appeal(?:ed|s)?|call(?:ed|s)\s+(?:for|on)|"
                     r"demand(?:ed|s)?|request(?:ed|s))\b", re.I)
#: Reporting verbs with a listener before what was said ("told reporters there that …").
_TELLING = ("told", "tell", "tells")
#: A time of day that ties a happening to the story's day.
_WITHIN_DAY = re.compile(r"\b(?:(?:in|during)\s+the\s+(?:morning|afternoon|evening|night)|at\s+"
                         r"(?:dawn|dusk|noon|midnight|nightfall)|(?:minutes|hours)\s+(?:after|"
                         r"before|later|earlier)|that\s+(?:morning|afternoon|evening|night))\b",
                         re.I)
_COORDINATED = re.compile(r",\s*(?:and|but|while)\b")
#: The pluperfect goes on with an aside ("had seized it on Sunday … had burned the market").
_FLASHBACK = re.compile(r"\bhad\s+(?:\w+\s+)?\w+", re.I)
#: "Columns were seen heading north": going on when someone saw it, which is not said.
_SEEN = re.compile(r"\b(?:was|were)\s+(?:seen|reported|spotted|observed|sighted)\b", re.I)
_PRESENT_STATE = re.compile(r"\b(?:is|are|remain|remains|now)\b", re.I)
#: A wire dateline: "KABUL, March 3 (Reuters) -", "BAGHDAD (AP) —", "(AFP) -".
_WIRE_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:(?P<city>[A-Z][A-Z'’.-]+(?:[ ][A-Z][A-Z'’.-]+)*)\b[^\n]{0,60}?"
    r"(?:\([A-Za-z][\w .&'-]{0,30}\)\s*)?|[^\n]{0,80}?\([A-Za-z][\w .&'-]{0,30}\)\s*)"
    r"[-\u2013\u2014]\s")
#: How far after a reporting verb a place may still set the words ("told reporters aboard the
#: command ship in X"), unless what was said has begun before it (``_CLAUSE_OPENS``).
_SETTING_AFTER_VERB = 80
#: How far after a reporting verb a day still dates the words ("said the day before").
_SAID_WHEN = 25
#: A day this close to its sentence's start opens it ("On Monday, the ministry said…").
_OPENING_DAY = 12
#: A trailing attribution before a reporting verb: ", a government spokesman said".
_TRAILING_REACH = 60
_TRAILING = re.compile(r",\s*(?:[\w'’.-]+\s+){0,6}$")
_FOCUS_MIN = 2.0
_FOCUS_LEAD = 1.0
_DATELINE_WEIGHT = 3.0
_INHERIT_WINDOW = 60
#: Events that are words: what follows their verb is what was said, not where or when.
_SAYING = ("statement", "request", "report")
#: Events that happen on the ground the article is about, which its focus may place. Words,
#: decisions and meetings happen where their speakers and parties are, which it does not tell.
_ON_THE_GROUND = ("clash", "deployment", "visit", "other")
#: Troops planned or proposed are not yet anywhere: the sentence's lone place is where the plan
#: is made ("ministers in Addis Ababa agreed to speed up the deployment").
_NOT_THERE_YET = ("planned", "proposed")
#: Statuses of what has not happened yet.
_NOT_YET = ("planned", "expected", "possible", "hypothetical")
_GOES_WHERE_TROOPS_ARE = ("reinforcement", "withdrawal", "proposed", "planned")


@quick_init
@dataclass(frozen=True, slots=True)
class Where:
    """A record's place, the evidence it came from, and that evidence in words."""

    place: Place | None
    basis: str
    note: str


@quick_init
@dataclass(frozen=True, slots=True)
class When:
    """A record's date (text, precision, qualifier), its basis and its note."""

    date: dt.date | None
    text: str
    precision: str
    qualifier: str
    basis: str
    note: str


@quick_init
@dataclass(frozen=True, slots=True)
class Setting:
    """What every record of one article is grounded against."""

    text: str
    published: dt.date | None
    sentence_starts: tuple[int, ...]
    sentences: tuple[Sentence, ...]
    places: ByStart
    #: Every resolved place mention, literal or not ("Seoul" standing for its government).
    names: ByStart
    by_id: dict
    dates: ByStart
    wire: bool
    dateline_span: tuple[int, int] | None
    focus: Place | None
    #: (start, noun) of every attachment phrase ("at the Friday meeting"), found in one pass.
    attachments: ByStart | None = None
    #: Days counted from another ("the day before") by sentence index, each sentence read once
    #: and only if a record needs it (a scan of the whole text cost more than the stage).
    counted: dict | None = None
    #: Reporting verbs by span (``_verb``): several rules ask for the same one.
    verbs: dict | None = None
    #: Whether the text has a ", where" clause at all (most do not).
    wheres: bool = True
    #: The capital "the capital" means when no capital was named before it (``_article_capital``).
    capital: Place | None = None
    #: Every capital the article names: "the Nigerian capital" is the one in Nigeria.
    capitals: tuple[Place, ...] = ()
    #: Where each event's own clause states its place: place id -> the (start, end) of those
    #: clauses. A place stated in one predicate's clause is no lone place for another
    #: predicate of its sentence. Keyed by place so that asking stays linear in the article.
    claimed: dict[str, list[tuple[int, int]]] | None = None

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def sentence_of(self, pos: int) -> tuple[int, int]:
        if not self.sentences:
            return 0, len(self.text)
        s = self.sentences[self.sentence_index(pos)]
        return (s.start, s.end) if s.start <= pos < s.end else (pos, pos)


def ground(text: str, article: Article, sentences: Sequence[Sentence], places: Sequence[Place],
           dates: Sequence[DateMention], events: Sequence[Event],
           deployments: Sequence[Deployment], is_capital: Callable[[int], bool] | None = None,
           ) -> tuple[tuple[Event, ...], tuple[Deployment, ...]]:
    """Every event and deployment with its place, date, bases, notes and mentions.
    ``is_capital`` (the gazetteer's) lets "the capital" with no capital named before it mean
    the article's capital."""
    setting = _setting(text, article, sentences, places, dates)
    if is_capital is not None and "capital" in text:
        capitals = tuple(p for p in places if p.resolved and p.geonameid and not p.antecedent
                         and is_capital(p.geonameid))
        setting = replace(setting, capital=_article_capital(setting, capitals, places),
                          capitals=capitals)
    claimed: dict[str, list[tuple[int, int]]] = {}
    for e in events:
        if e.place:
            claimed.setdefault(e.place, []).append((e.start, e.end))
    return (_ground_events(replace(setting, claimed=claimed), events),
            _ground_deployments(setting, deployments))


def _setting(text, article, sentences, places, dates) -> Setting:
    wire = _WIRE_DATELINE.search(text, article.body_start,
                                 min(len(text), article.body_start + 200))
    if wire is None and article.body_start:
        wire = _WIRE_DATELINE.search(text, 0, min(len(text), article.body_start))
    span = wire.span() if wire else None
    sentences = tuple(sentences)
    starts = tuple(s.start for s in sentences)
    setting = Setting(text, article.published, starts, sentences,
                      ByStart([p for p in places if p.literal and p.resolved], lambda p: p.start),
                      ByStart([p for p in places if p.resolved], lambda p: p.start),
                      {p.id: p for p in places},
                      ByStart([d for d in dates if d.date is not None], lambda d: d.start),
                      wire is not None, span, None)
    found = [(m.start(), m.group(1).lower()) for m in _ATTACHMENT.finditer(text)]
    return replace(setting, focus=focus_place(setting, places),
                   attachments=ByStart(found, lambda m: m[0]),
                   counted={} if _may_count(text) else None, wheres=", where" in text,
                   verbs={})


def focus_place(setting: Setting, places: Sequence[Place]) -> Place | None:
    """The place the article is about, or None unless one clearly leads.

    Mentions count more the earlier they come, the wire dateline's city most. The leading
    place must lie in the leading country (CLIFF's focus city within its focus country); when
    it does not ("talks in Istanbul" in an article about Ukraine), the focus is the country
    itself, at country level, if the article names it.
    """
    weight: dict[object, float] = {}
    by_country: dict[str, float] = {}
    first: dict[object, Place] = {}
    for p in places:
        if not (p.literal and p.resolved):
            continue
        key = p.geonameid or (p.name, p.country_code)
        w = 1.0 + 1.0 / (1 + setting.sentence_index(p.start))
        if _in_dateline(setting, p) and p.kind == "city":
            w += _DATELINE_WEIGHT
            first[key] = p
        weight[key] = weight.get(key, 0.0) + w
        by_country[p.country_code] = by_country.get(p.country_code, 0.0) + w
        first.setdefault(key, p)
    place, country = _leader(weight), _leader(by_country)
    if place is not None and (country is None or first[place].country_code == country):
        return first[place]
    return next((p for p in first.values() if p.kind == "country"
                 and p.country_code == country), None) if country else None


def _article_capital(setting: Setting, capitals: Sequence[Place],
                     places: Sequence[Place]) -> Place | None:
    """The capital named in the article (literally or for its government, "Kyiv proposed") of
    the focus place's country, else of the country its literal places lead in."""
    if not capitals:
        return None
    country = setting.focus.country_code if setting.focus is not None else _leader(
        _tally(p.country_code for p in places if p.literal and p.resolved and p.country_code))
    return next((p for p in capitals if p.country_code == country), None) if country else None


def _tally(keys) -> dict:
    counts: dict = {}
    for key in keys:
        counts[key] = counts.get(key, 0.0) + 1.0
    return counts


def _leader(weight: dict) -> object | None:
    """The key with the most weight, if it has enough and clearly leads the next."""
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < _FOCUS_MIN:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < _FOCUS_LEAD:
        return None
    return ranked[0][0]


def _in_dateline(setting: Setting, place: Place) -> bool:
    span = setting.dateline_span
    return span is not None and span[0] <= place.start < span[1]


# --- events -----------------------------------------------------------------------------------

def _ground_events(setting: Setting, events: Sequence[Event]) -> tuple[Event, ...]:
    out: list[Event] = []
    repeats: dict[int, list[Event]] = {}
    split = False
    for event in events:
        attached = _attached(setting, event, out)
        if attached is not None and attached.type == event.type:
            # the referent is among the last few: look for it from the end (huge articles)
            index = next(i for i in range(len(out) - 1, -1, -1) if out[i] is attached)
            repeats.setdefault(index, []).append(event)
            continue
        continued, with_date = _continued(setting, event, out)
        where = _event_place(setting, event, attached, continued)
        when = _event_date(setting, event, attached, continued if with_date else None, out)
        parts = _split(setting, event, where) if event.type not in _SAYING else ()
        out.extend(_grounded(part, part_where, when) for part, part_where in parts)
        if not parts:
            out.append(_grounded(event, where, when))
        split = split or bool(parts)
    if not repeats and not split:
        return tuple(out)
    # folded once each at the end: folding at every repeat copied the spans each time
    out = [_fold(e, repeats[i]) if i in repeats else e for i, e in enumerate(out)]
    return tuple(replace(e, id=f"e{i}") for i, e in enumerate(out, 1))  # ids without gaps


def _split(setting: Setting, record, where: Where) -> list[tuple]:
    """ "shelling continued in Kharkiv and Mariupol": one event per place of the list its
    stated place opens, each span ending at its own place (the deployments stage splits
    troops so already: "the AU troops in El Fasher and Nyala")."""
    listed = _listed(setting, record, where)
    if not listed:
        return []
    return [(replace(record, end=place.end, mentions=((record.start, place.end),)),
             replace(where, place=place, note=intern(f"place stated: {place.surface}")))
            for place in (where.place, *listed)]


def _listed(setting: Setting, event, where: Where) -> list[Place]:
    """The further places of a list the record's stated place opens, in its own clause
    ("continued in Kharkiv and Mariupol", "to Romania, Bulgaria, Hungary and Slovakia"):
    places of the same kind, joined by commas and a final "and"; none for a place "between"
    two others or one troops come from, nor for a record merged from repeats."""
    place = where.place
    if place is None or where.basis != "stated" \
            or len(event.mentions) > 1 or not event.start <= place.start < event.end \
            or _BETWEEN.search(setting.text, max(event.start, place.start - 10), place.start) \
            or _ORIGIN.search(setting.text, max(event.start, place.start - 60), place.start):
        return []
    found, pos = [], place.end
    while True:
        nxt = next(iter(setting.places.within(pos, pos + 8)), None)
        join = _LIST_JOIN.fullmatch(setting.text, pos, nxt.start) if nxt else None
        if join is None or nxt.kind != place.kind or nxt.antecedent or nxt.end > event.end:
            return []
        found.append(nxt)
        if join.group(1):  # "… and Slovakia" closes the list
            return found
        pos = nxt.end


def _event_place(setting: Setting, event: Event, attached: Event | None,
                 continued: Event | None) -> Where:
    stated = _stated_place(setting, event.place)
    if stated is not None and not _in_what_was_said(setting, event, stated.place) \
            and not _owner(setting, stated.place) \
            and not _origin(setting, event, setting.by_id[event.place]):
        return (_exact_place(setting, event, stated) or _opening_within(setting, event, stated)
                or (_destination(setting, event) if stated.place.kind in _AREA_KINDS else None)
                or stated)
    lasted = _DURATION_CLASH.search(setting.text, event.start, event.end) \
        if event.type == "clash" else None
    # "police the province after 78 days of airstrikes": a clash named by how long it lasted
    # is those words; a reference before them is another predicate's
    reference = _reference_place(setting, lasted.start() if lasted else event.start,
                                 _setting_end(setting, event))
    if reference is not None:
        reference = _opening_within(setting, event, reference) or reference
    return (_troops_bound(setting, event)
            or _where_clause(setting, event.start)
            or _which_clause(setting, event)
            or reference
            or _their_ground(setting, event)
            or _seat(setting, event)
            or _inherited_place(setting, attached)
            or _opening_place(setting, event.start)
            or (None if event.type in _SAYING else
                _sentence_place(setting, event.start, troops=False, own=(event.start, event.end)))
            or _inherited_place(setting, continued)
            or _last_resort(setting, event))


def _owner(setting: Setting, place: Place) -> bool:
    """ "at France's request", "Ecuador's president": a country in the possessive owns what
    follows; it is where that is only when what follows is a part of it ("Niger's airspace")."""
    return place.kind == "country" and bool(_POSSESSIVE_NOT_PART.match(setting.text, place.end))


def _origin(setting: Setting, event: Event, place: Place) -> bool:
    """ "drove overnight from their base in Bosnia": a move happens where it goes, not where
    it comes from (a withdrawal is the move out of that place)."""
    if event.type != "deployment":
        return False
    start, _ = _own_span(event, place.start)
    return bool(_ORIGIN.search(setting.text[max(start, place.start - 60):place.start])) \
        and not _WITHDRAWING.search(setting.text, start, place.start)


def _exact_place(setting: Setting, event: Event, stated: Where) -> Where | None:
    """ "landed at Henderson Field outside Honiara … in Solomon Islands", "seized the town of
    Diabaly": when the stated place is an area, a town or site of the record's own clause,
    set by a locative or a verb that strikes or reaches it, is the more exact place."""
    if event.type in _SAYING or stated.place.kind not in _AREA_KINDS:
        return None
    # a repeat merged into the record may be the one that states the area: read its own span
    start, end = _own_span(event, stated.place.start)
    for place in setting.places.within(start, end):
        lo, hi = sorted((place.start, stated.place.start))
        if place.kind not in ("city", "facility") or _in_dateline(setting, place) \
                or "," in setting.text[lo:hi]:
            continue  # one in another clause ("…, beginning an operation in X") is another's
        before = setting.text[max(start, place.start - 40):place.start]
        if (_AT_SITE.search(before) or _TAKEN.search(before) or _MOTION_BEFORE.search(before)) \
                and not _ORIGIN.search(before) and not _TOPIC_BEFORE.search(before) \
                and not _OWNER_OF_TROOPS.match(setting.text, place.end, place.end + 40):
            return _stated_place(setting, place.id)
    return None


def _opening_within(setting: Setting, event: Event, stated: Where) -> Where | None:
    """ "In Niamey, supporters rallied …, demanding the departure of the soldiers stationed in
    the country": a town opening the sentence is the scene, more exact than an area of its
    own country the clause names."""
    if stated.place.kind not in _AREA_KINDS:
        return None
    opening = _opening_place(setting, event.start)
    if opening is None or opening.place.kind not in ("city", "facility") \
            or opening.place.country_code != stated.place.country_code:
        return None
    return opening


def _where_clause(setting: Setting, start: int) -> Where | None:
    """ "flew to Tbilisi, where Saakashvili accepted it": a record in a "where" clause happens
    at the place the clause hangs on."""
    if not setting.wheres:
        return None
    lo, _ = setting.sentence_of(start)
    for place in reversed(setting.places.within(lo, start)):
        found = _WHERE_AFTER.match(setting.text, place.end)
        if found is not None and found.end() <= start + 6 and not _in_dateline(setting, place):
            inner = next(iter(setting.places.within(max(lo, place.start - 40), place.start)), None)
            if inner is not None and place.kind in _AREA_KINDS and _IN_AREA.fullmatch(
                    setting.text, inner.end, place.start):
                place = inner  # "in Ramadi, in Anbar province, where": Ramadi is more exact
            return Where(place, "stated", f"place stated: {place.surface}, where it happened")
        if place.end < start - 60:
            break
    return None


def _which_clause(setting: Setting, event: Event) -> Where | None:
    """ "the Falkland Islands, which Argentina seized on Friday": a clash or a move told in a
    relative clause on a place happens at that place."""
    if event.type not in ("clash", "deployment", "visit"):
        return None
    lo, _ = setting.sentence_of(event.start)
    for place in reversed(setting.places.within(max(lo, event.start - 80), event.start + 1)):
        found = _WHICH_AFTER.match(setting.text, place.end)
        if found is not None and found.start() <= event.start <= found.end() + 1 \
                and not _in_dateline(setting, place):
            return Where(place, "stated", f"place stated: {place.surface}, where it happened")
    return None


def _troops_bound(setting: Setting, event: Event) -> Where | None:
    """ "ordered more troops to Yeonpyeong": an order or a deployment is placed where the
    troops go; "seized Bor", "shelled the town of X": a clash or an entry where it strikes.
    A decision only when it sends the troops itself: "approved the deployment of troops to X"
    or "signed a deal" that sends them is made where its parties are, which this does not tell.
    """
    if event.type not in ("decision", "deployment", "clash"):
        return None
    for place in setting.places.within(event.start, event.end):
        before = setting.text[max(event.start, place.start - 40):place.start]
        if event.type != "clash" and _TROOPS_BEFORE.search(before) and (
                event.type != "decision" or _ORDERING.search(setting.text, event.start, place.start)):
            return Where(place, "stated", f"place stated: the troops go to {place.surface}")
        if event.type != "decision" and (_TAKEN.search(before)
                                         or _moved_there(setting, event, place, before)):
            return _stated_place(setting, place.id)  # the first place the troops reach
    return None


def _destination(setting: Setting, event: Event) -> Where | None:
    """ "Marines who landed at the port of X", "moved some of them from Niamey to its drone base
    at Agadez": a move happens where its own motion verb takes the troops."""
    for place in setting.places.within(event.start, event.end):
        if _moved_there(setting, event, place,
                        setting.text[max(event.start, place.start - 40):place.start]):
            return _stated_place(setting, place.id)
    return None


def _moved_there(setting: Setting, event: Event, place: Place, before: str) -> bool:
    return event.type == "deployment" and bool(_MOTION_BEFORE.search(before) or (
        _TO_SITE.search(before) and _MOVING.search(setting.text, event.start, place.start)
        and not _ELSEWHERE.search(setting.text, event.start, place.start)))


def _their_ground(setting: Setting, event: Event) -> Where | None:
    """ "strike missile bases near the North Korean coast", "went down on the Pakistani side":
    a happening on a country's own ground named by its adjective is in that country (not one
    "near the Ethiopian border", which has two sides)."""
    if event.type not in ("clash", "deployment"):
        return None
    for place in setting.names.within(event.start, event.end):
        if place.literal or place.kind != "country" or place.end > event.end:
            continue
        ground = _GROUND_AFTER.match(setting.text, place.end)
        if ground and _ON_GROUND_BEFORE.search(setting.text, max(event.start, place.start - 12),
                                               place.start):
            return Where(place, "stated", f"place stated: the {place.surface} {ground.group(1)}")
    return None


def _last_resort(setting: Setting, event: Event) -> Where:
    """The focus, for events on the ground only."""
    return _focus(setting) if event.type in _ON_THE_GROUND else _NO_PLACE


def _seat(setting: Setting, event: Event) -> Where | None:
    """ "Seoul welcomed the accord": a capital named for its government, as the subject of
    words or a decision, is where they were said or made; not two capitals acting together
    ("Washington and London have called for"), which were in no one place."""
    if event.type not in _SAYING + ("decision",):
        return None
    for place in setting.names.within(event.start, event.start + 40):
        if (not place.literal and place.kind == "city" and place.resolved
                and _SUBJECT_START.fullmatch(setting.text, event.start, place.start)
                and not _JOINED.match(setting.text, place.end)):
            return Where(place, "reference",
                         f"place from '{place.surface}', the government speaking from its capital")
    return None


def _in_what_was_said(setting: Setting, event: Event, place: Place) -> bool:
    """ "France said it would raise its force in Mali": a place well after the reporting verb
    is in the words, not where they were said ("told reporters in Baghdad" is)."""
    if event.type not in _SAYING:
        return False
    # a repeat merged into the record may be the one that says where: judge in its own span
    lo, hi = _own_span(event, place.start)
    start = _words_start(setting, lo, hi)
    if lo <= place.start < start:
        # "Jets hit targets near Kidal, the ministry said": before a trailing attribution (one
        # that ends its clause; "X, speaking in Baidoa, urged …" is no attribution)
        verb = _verb(setting, lo, hi)
        comma = _trailing_comma(setting, event, verb)
        rest = setting.text[start:setting.sentence_of(lo)[1]]
        return comma is not None and place.start < comma and bool(_ATTRIBUTION_END.match(rest))
    if place.start < lo or place.start > start + _SETTING_AFTER_VERB:
        return place.start >= lo and place.start > start
    return place.start > start and bool(_CLAUSE_OPENS.search(setting.text, start, place.start))


def _own_span(event: Event, pos: int) -> tuple[int, int]:
    """The span of the record, or of the repeat merged into it, that holds ``pos``."""
    return next(((s, e) for s, e in event.mentions if s <= pos < e), (event.start, event.end))


def _verb(setting: Setting, start: int, end: int) -> re.Match | None:
    """The first reporting verb in ``[start, end)``, looked up once per span."""
    key = (start, end)
    if key not in setting.verbs:
        setting.verbs[key] = _ANY_SAYING.search(setting.text, start, end)
    return setting.verbs[key]


def _words_start(setting: Setting, start: int, end: int) -> int:
    """Where what was said begins in ``[start, end)``: after its reporting verb, else ``end``."""
    verb = _verb(setting, start, end)
    return verb.end() if verb else end


def _setting_end(setting: Setting, event: Event) -> int:
    """Where words may still name their setting: after the reporting verb and its listeners
    ("told reporters there", "told reporters in the town"), until what was said begins."""
    begin = _words_begin(setting, event)
    verb = setting.text[max(event.start, begin - 5):begin].lower()
    if event.type not in _SAYING or begin >= event.end or not verb.endswith(_TELLING):
        return begin  # after "said" what was said begins at once ("said the town had emptied")
    hi = min(event.end, begin + _SETTING_AFTER_VERB)
    opens = _CLAUSE_OPENS.search(setting.text, begin, hi)
    return opens.start() if opens else hi


def _words_begin(setting: Setting, event: Event) -> int:
    """Where an event's words begin; the end of any other record."""
    if event.type not in _SAYING:
        return event.end
    return _words_start(setting, event.start, event.end)


def _event_date(setting: Setting, event: Event, attached: Event | None,
                continued: Event | None, earlier: list[Event]) -> When:
    if event.type == "clash" and _DURATION_CLASH.search(setting.text, event.start, event.end) \
            and not _CLASH_VERB.search(setting.text, event.start, event.end):
        return _no_date(setting)  # "a deal to end six weeks of fighting": how long, not when
    if event.type == "request" and _REQUEST_NOUN.search(setting.text, event.start, event.end) \
            and not _ASKING.search(setting.text, event.start, event.end):
        return _no_date(setting)  # "sent troops on Monday at Ecuador's request": the request
        # came before what it prompted, at a time the sentence does not give
    counted = _counted_day(setting, event, earlier)
    if counted is not None:
        return counted
    stated = event.date is not None
    trailing = False
    said_end = event.end
    if event.type in _SAYING:
        verb = _verb(setting, event.start, event.end)
        said = _said_when(setting, event, verb)
        if said is not None:
            return said
        comma = _trailing_comma(setting, event, verb)
        trailing = comma is not None
        own = max(event.start, comma) if comma is not None else event.start
        stated = stated and _own_day(setting, event, verb, own)  # not a day in what was said
    elif stated:
        comma = _attribution_of(setting, event)
        if comma is not None and not any(d.date == event.date for d in setting.dates.within(
                setting.sentence_of(event.start)[0], comma)):
            stated, said_end = False, comma  # "some have moved on to X, Y said on Monday"
    if event.type == "meeting" and event.type not in _SAYING:
        verb = _verb(setting, event.start, event.end)
        if verb is not None and _MEETING_WORD.search(setting.text, event.start, verb.start()):
            said_end = verb.start()  # what follows the verb is what was said
            stated = stated and any(d.date == event.date for d in setting.dates.within(
                event.start, verb.end() + _SAID_WHEN))
    if stated and event.status in _NOT_YET and event.date_text.lower().startswith("since"):
        stated = False  # "soldiers, stationed there since 1975, are to withdraw": when a state
        # began, not when the plan is to happen
    if stated:
        exact = _exact_instead(setting, event)
        if exact is not None:
            return When(exact.date, exact.text, exact.precision, exact.qualifier, "stated",
                        f"date stated: {exact.text}")
        return When(event.date, event.date_text, event.date_precision, event.date_qualifier,
                    "stated", f"date stated: {event.date_text}")
    limit = said_end if event.type not in _SAYING else event.start + 1  # not what was said
    if _DURATION.search(setting.text, event.start, event.end) and not setting.dates.within(
            event.start, event.end):
        return _no_date(setting)  # "after 78 days of airstrikes": how long, not when
    if trailing:
        limit = -1  # "Jets hit Kidal on Sunday, the ministry said": every day is what was said
    return (_sentence_date(setting, event.start, limit, since=event.status not in _NOT_YET)
            or _inherited_date(attached) or _inherited_date(continued)
            or _where_date(setting, event, earlier)
            or _event_dateline(setting, event)
            or _story_time(setting, event, earlier)
            or _no_date(setting))


def _said_when(setting: Setting, event: Event, verb: re.Match | None) -> When | None:
    """ "told reporters aboard the ship on Wednesday": a day right after the reporting verb,
    before what was said begins, dates the words."""
    if verb is None:
        return None
    hi = min(setting.sentence_of(event.start)[1], verb.end() + _SETTING_AFTER_VERB)
    for d in setting.dates.within(verb.end(), hi):
        if _CLAUSE_OPENS.search(setting.text, verb.end(), d.start):
            return None
        return When(d.date, d.text, d.precision, d.qualifier, "stated", f"date stated: {d.text}")
    return None


def _own_day(setting: Setting, event: Event, verb: re.Match | None, own: int) -> bool:
    """Whether the day the events stage gave words is their own: in their span, up to just
    after their verb, and not before a trailing attribution ("Jets hit Kidal on Sunday, the
    ministry said": Sunday is what was said); or opening the sentence ("On Monday, X said")."""
    lo, _ = setting.sentence_of(event.start)
    end = verb.end() + _SAID_WHEN if verb else event.end
    return any(d.date == event.date and (own <= d.start < end or d.start - lo < _OPENING_DAY)
               for d in setting.dates.within(lo, end))


def _attribution_of(setting: Setting, event: Event) -> int | None:
    """Where the trailing attribution of a happening's sentence begins (", the minister said
    on Monday"), if the happening ends before it: its day is the words', not the happening's."""
    _, hi = setting.sentence_of(event.start)
    verb = _ANY_SAYING.search(setting.text, max(event.start, hi - _TRAILING_REACH - 20), hi)
    if verb is None:
        return None
    comma = _trailing_comma(setting, event, verb)
    return comma if comma is not None and comma >= event.start else None


def _trailing_comma(setting: Setting, event: Event, verb: re.Match | None) -> int | None:
    """Where a trailing attribution begins (", the ministry said"): the words' own part starts
    there, and what comes before it is what was said."""
    if verb is None:
        return None
    lo = max(setting.sentence_of(event.start)[0], verb.start() - _TRAILING_REACH)
    trailing = _TRAILING.search(setting.text, lo, verb.start())
    return trailing.start() if trailing else None


def _exact_instead(setting: Setting, event: Event) -> DateMention | None:
    """ "pulled back from positions held since June on Wednesday night": a "since" date says
    when a state began; the clause's own day, if it has one, is the event's."""
    if event.date_qualifier != "after":
        return None
    days = [d for d in setting.dates.within(event.start, event.end)
            if d.precision == "day" and not d.qualifier]
    return days[0] if len(days) == 1 else None


def _counted_day(setting: Setting, event: Event, earlier: list[Event]) -> When | None:
    """ "the day before", "two days later", "the day after the landing": a day counted from
    another, in the record's clause (for words, not in what was said) or opening its sentence.

    Counted from the event its words name ("the landing", "the marines arrived": the earlier
    event sharing a word with them, else the first of the kind they name), else from the last
    day told before it in its sentence ("left on Monday and crossed the day after"), else, back
    from the dateline ("said the day before"), else from the story's last dated event ("Two
    days later"). Unresolved when the named event has no day."""
    counted = _counted_in(setting, event.start)
    if not counted:
        return None
    lo, _ = setting.sentence_of(event.start)
    end = min(event.end, _words_begin(setting, event) + _SAID_WHEN)  # "said the day before"
    found = next((m for m in counted if event.start <= m.start() < end), None)
    if found is None and event.type not in _SAYING:  # "The day before X, rebels raided…"
        found = next((m for m in counted if m.start() == lo), None)
        if found is not None and event.start < _phrase_end(found):
            found = None
    if found is None or any(d.precision == "day" for d in setting.dates.within(
            max(lo, event.start), found.start())):
        return None  # "left on Monday and crossed the day after": the first move has its day
    n = (found.group("n") or "the").lower()
    days = (_COUNT_WORDS.get(n) or int(n)) * (7 if (found.group("unit") or "").startswith("w")
                                             else 1) * (0 if found.group("same") else 1)
    back = (found.group("dir") or found.group("dir2") or "").lower() in _BACKWARD
    base = _counted_from(setting, event, found, earlier, back)
    if base is None:
        return None
    day, why = base
    day += dt.timedelta(days=-days if back else days)
    return When(day, found.group().strip(), "day", "", "stated",
                f"date stated: {found.group().strip()} ({why})")


def _may_count(text: str) -> bool:
    """A cheap sieve: whether the text may count a day from another at all."""
    low = text.lower()
    return any(word in low for word in _COUNT_WORDS_IN)


_COUNT_WORDS_IN = ("day before", "day after", "days before", "days after", "day later",
                   "days later", "day earlier", "days earlier", "week", "previous day",
                   "next day", "following day", "same ")


def _counted_in(setting: Setting, pos: int) -> list[re.Match]:
    """The days counted from another in the sentence at ``pos``, read once per sentence."""
    if setting.counted is None:
        return []
    index = setting.sentence_index(pos)
    if index not in setting.counted:
        lo, hi = setting.sentence_of(pos)
        words = setting.text[lo:hi].lower()
        setting.counted[index] = list(_COUNTED.finditer(setting.text, lo, hi)) \
            if "day" in words or "week" in words or "same" in words else []  # "day" in "Monday" too: a cheap sieve
    return setting.counted[index]


def _phrase_end(found: re.Match) -> int:
    return found.start("ref") if found.group("ref") else found.end()


def _counted_from(setting: Setting, event: Event, found: re.Match, earlier: list[Event],
                  back: bool) -> tuple[dt.date, str] | None:
    ref = found.group("ref") if found.group("dir") in ("before", "after") else None
    if ref is None and found.group("dir") in ("before", "after") and _MORE_WORDS.match(
            setting.text, found.end()):
        return None  # "two weeks after presidential guards detained him": an event not read
    if ref and not _CLAUSE_END.match(ref):
        named = _named_event(setting, ref, earlier, setting.sentence_of(found.start())[0])
        return (named.date, f"counted from the {_kind(named)} on {named.date.isoformat()}") \
            if named is not None else None
    lo, _ = setting.sentence_of(found.start())
    days = [d for d in setting.dates.within(lo, found.start())
            if d.precision == "day" and not _in_span(setting.dateline_span, d.start)]
    if days:
        return days[-1].date, f"counted from {days[-1].text}"
    if back and setting.published is not None:
        return setting.published, "counted from the dateline"
    here = setting.sentence_index(event.start)
    told = _latest(earlier, lambda e: e.date is not None and e.date_precision == "day"
                   and here - 2 <= setting.sentence_index(e.start) < here)
    if told is not None:
        return told.date, f"counted from the {_kind(told)} on {told.date.isoformat()}"
    if here == 0:
        return None
    prev = setting.sentences[here - 1]  # the day the sentence before told, event or not
    days = [d for d in setting.dates.within(prev.start, prev.end) if d.precision == "day"]
    return (days[-1].date, f"counted from {days[-1].text}") if days else None


#: Words after "the day before" that may name an event.
_MORE_WORDS = re.compile(r"\s+(?!(?:that|when|and|but|in|at|on|to|as|it|they|he|she)\b)[\w-]")
#: A referent that is no event: "the day before that", "the day before, rebels…".
_CLAUSE_END = re.compile(r"\s+(?:that|when|and|but|in|at|on|to|as|it|they|he|she)\b")


def _named_event(setting: Setting, ref: str, earlier: list[Event], before: int) -> Event | None:
    """The event with a day, told in an earlier sentence, that the referent's words name: the
    first of the kind they name ("the landing": the story's landing), else one sharing a word
    with them. One told in the record's own sentence is left alone: "the decision came two
    weeks after officers detained him" may name the record itself."""
    dated = [e for e in earlier if e.date is not None and e.date_precision == "day"
             and e.status in ("occurred", "ongoing") and e.start < before]
    kinds = [kind for pattern, kind in _REFERENT_KINDS if pattern.search(ref)]
    if kinds:
        return next((e for e in dated if e.type == kinds[0]), None)
    words = {w.lower()[:5] for w in re.findall(r"[\w-]{4,}", ref)} - _PLAIN_WORDS
    return next((e for e in dated if words & {w.lower()[:5] for w in re.findall(
        r"[\w-]{4,}", setting.text[e.start:e.end])}), None)


def _in_span(span: tuple[int, int] | None, pos: int) -> bool:
    return span is not None and span[0] <= pos < span[1]


def _story_time(setting: Setting, event: Event, earlier: list[Event]) -> When | None:
    """A past happening told with no day of its own, right after one told with its day, is
    read in the story's time: that day (a narrative goes on where the last dated sentence
    left it)."""
    if event.type in _SAYING or event.status != "occurred":
        return None
    here = setting.sentence_index(event.start)
    prior = _latest(earlier, lambda e: here - 1 <= setting.sentence_index(e.start) <= here
                    and e.status == "occurred" and e.date_precision == "day"
                    and e.type not in _SAYING)
    if prior is None or _OUT_OF_STORY.search(setting.text, event.start, event.end):
        return None
    if _reported(setting, event) and setting.sentence_index(prior.start) < here \
            and not _WITHIN_DAY.search(setting.text, event.start, event.end):
        return None  # "…, the ministry said": reported, at a time the speaker does not give,
        # unless its sentence or a time of day ties it to the story's day ("moved out in the
        # afternoon and headed south", "minutes after")
    running = _running_time(earlier)
    if running is not None and running.date > prior.date \
            and not _FLASHBACK.search(setting.text, event.start, event.end):
        return When(running.date, running.date_text, running.date_precision,
                    running.date_qualifier, "inherited",
                    f"date from the story's time, the {_kind(running)} on "
                    f"{running.date.isoformat()} (the day told just before is an aside)")
    return When(prior.date, prior.date_text, prior.date_precision, prior.date_qualifier,
                "inherited", f"date from the {_kind(prior)} told just before, on "
                             f"{prior.date.isoformat()}")


def _reported(setting: Setting, event: Event) -> bool:
    """Whether a trailing attribution (", the ministry said"), not a coordinated statement
    (", and the president said"), reports the happening."""
    comma = _attribution_of(setting, event)
    return comma is not None and not _COORDINATED.match(setting.text, comma)


def _running_time(earlier: list[Event]) -> Event | None:
    """The happening that sets the story's running time: the latest day of a past happening
    told so far. A happening told later with an earlier day is an aside ("Allawi declared an
    emergency on Sunday" in a story of Monday's assault): the story returns to its time after
    it."""
    told = [e for e in earlier[-_INHERIT_WINDOW:] if e.status == "occurred"
            and e.date_precision == "day" and e.type not in _SAYING and e.date is not None]
    return max(told, key=lambda e: e.date) if told else None


def _event_dateline(setting: Setting, event: Event) -> When | None:
    if setting.published is None:
        return None
    clause = setting.text[event.start:event.end]
    if event.status == "ongoing" and not _SEEN.search(clause):
        return _dateline(setting, "it is going on as the report is written")
    saying = event.type in _SAYING
    if saying and _PRESENT_SAYING.search(clause):
        return _dateline(setting, "said in the present tense")
    if saying and event.status == "occurred" and _PAST_SAYING.search(clause):
        return _dateline(setting, "said with no day of its own: news copy names the day when "
                                  "it is not the report's")
    return None


def _attached(setting: Setting, event: Event, earlier: list[Event]) -> Event | None:
    """The earlier event that an "at the meeting", "during the visit" in its sentence names."""
    lo, hi = setting.sentence_of(event.start)
    for at, noun in setting.attachments.within(lo, hi):
        if _SUBORDINATE.search(setting.text, *sorted((at, event.start if at < event.start
                                                          else min(event.end, at)))):
            continue  # "gave the go-ahead at a meeting, after envoys reported": the other clause's
        kinds = _ATTACHED_KINDS[noun]
        fitting = [e for e in earlier[-_INHERIT_WINDOW:] if e.type in kinds
                   and (e.place or e.date) and _dates_agree(e, event)]
        # "at the meeting" names the last event called a meeting before the last of its kind,
        # unless that one is an aside: one told with an earlier day than another event of the
        # kind ("the decision came after sanctions imposed at a summit on July 30" in a story
        # of Thursday's meeting: "said at the summit" is Thursday's)
        named = _latest(fitting, lambda e: _names(setting.text, e, noun))
        story = max((e for e in fitting if e.date is not None and e.status == "occurred"),
                    key=lambda e: e.date, default=None)
        if named is not None and named.date is not None and story is not None \
                and named.date < story.date:
            named = story
        if named is not None or fitting:
            return named or fitting[-1]
    return None


def _names(text: str, event: Event, noun: str) -> bool:
    spans = event.mentions[:3] or ((event.start, event.end),)  # its first reports name it
    return any(re.search(rf"\b{re.escape(noun)}\b", text[s:e], re.I) for s, e in spans)


def _continued(setting: Setting, event: Event, earlier: list[Event]) -> tuple[Event | None, bool]:
    """The record this event continues, and whether its date carries over too."""
    here = setting.sentence_index(event.start)
    if _PRONOUN_FIRST.match(setting.text, event.start, event.end):
        prior = _latest(earlier, lambda e: here - 1 <= setting.sentence_index(e.start) <= here)
        if prior is not None:
            return prior, True
    if event.type == "statement" and event.actors:
        prior = _latest(earlier, lambda e: e.type == "statement"
                        and e.actors[:1] == event.actors[:1]
                        and here - 2 <= setting.sentence_index(e.start) < here)
        if prior is not None:
            return prior, True
    for m in _DEFINITE.finditer(setting.text, event.start, event.end):
        if event.type in _ATTACHED_KINDS[m.group(1).lower()][:1]:
            prior = _latest(earlier, lambda e: e.type == event.type and e.place)
            if prior is not None:
                return prior, False
    if event.type == "meeting" and event.actors:
        return _latest(earlier, lambda e: e.type == "meeting" and e.place
                       and set(e.actors) & set(event.actors) and _within_a_day(e, event)), False
    return None, False


def _latest(records: list, fits) -> object | None:
    for record in reversed(records[-_INHERIT_WINDOW:]):
        if fits(record):
            return record
    return None


def _dates_agree(a: Event, b: Event) -> bool:
    return a.date is None or b.date is None or a.date == b.date


def _within_a_day(a: Event, b: Event) -> bool:
    return a.date is None or b.date is None or abs((a.date - b.date).days) <= 1


def _fold(into: Event, repeats: list[Event]) -> Event:
    """``repeats`` report ``into`` again: their spans and actors join it."""
    actors = dict.fromkeys(into.actors)
    mentions = list(into.mentions)
    for repeat in repeats:
        actors.update(dict.fromkeys(repeat.actors))
        mentions += repeat.mentions or ((repeat.start, repeat.end),)
    return replace(into, actors=tuple(actors), mentions=tuple(mentions))


#: The fields ``_grounded`` and ``_grounded_deployment`` copy, in order: they build records
#: field by field (``dataclasses.replace`` was a third of this stage's time), so a new field
#: must be added there too (tests/test_grounding.py checks these against the records).
EVENT_FIELDS = ("id", "type", "summary", "actors", "place", "lat", "lon", "date", "date_text",
                "date_precision", "date_qualifier", "status", "sentence", "start", "end",
                "place_basis", "date_basis", "place_note", "date_note", "mentions")
DEPLOYMENT_FIELDS = ("id", "actor", "unit", "strength", "strength_qualifier", "strength_text",
                     "place", "lat", "lon", "status", "date", "sentence", "start", "end",
                     "place_basis", "date_basis", "place_note", "date_note", "mentions")


def _grounded(e: Event, where: Where, when: When) -> Event:
    place = where.place
    return Event(
        e.id, e.type, e.summary, e.actors, place.id if place else None,
        place.lat if place else None, place.lon if place else None, when.date, when.text,
        when.precision, when.qualifier, e.status, e.sentence, e.start, e.end, where.basis,
        when.basis, intern(where.note), intern(when.note), e.mentions or ((e.start, e.end),))


# --- deployments ------------------------------------------------------------------------------

def _ground_deployments(setting: Setting,
                        deployments: Sequence[Deployment]) -> tuple[Deployment, ...]:
    out: list[Deployment] = []
    for dep in deployments:
        stated = _stated_place(setting, dep.place)
        not_theirs = stated.place.id if stated and _not_theirs(setting, dep, stated) else None
        where = ((stated if stated and not not_theirs else None)
                 or _moved_to(setting, dep)
                 or _reference_place(setting, dep.start, dep.end)
                 or _site_place(setting, dep.start, _troops_clause_end(setting, dep))
                 or (None if dep.status in _NOT_THERE_YET else
                     _sentence_place(setting, dep.start, troops=True, skip=not_theirs))
                 or _where_troops_are(setting, dep, out)
                 or _focus(setting))
        when = _deployment_date(setting, dep)
        out.append(_grounded_deployment(dep, where, when))
    return tuple(out)


def _grounded_deployment(d: Deployment, where: Where, when: When) -> Deployment:
    place = where.place
    return Deployment(
        d.id, d.actor, d.unit, d.strength, d.strength_qualifier, d.strength_text,
        place.id if place else None, place.lat if place else None,
        place.lon if place else None, d.status, when.date, d.sentence, d.start, d.end,
        where.basis, when.basis, intern(where.note), intern(when.note),
        d.mentions or ((d.start, d.end),))


def _moved_to(setting: Setting, dep: Deployment) -> Where | None:
    """ "Marines who landed at the Greek port of Thessaloniki": where the troops' own motion
    verb takes them, later in their sentence."""
    lo, hi = setting.sentence_of(dep.start)
    for place in setting.places.within(dep.start, hi):
        if _ELSEWHERE.search(setting.text, dep.start, place.start):
            return None
        if _MOTION_BEFORE.search(setting.text, max(dep.start, place.start - 50), place.start):
            return _stated_place(setting, place.id)
    return None


def _troops_clause_end(setting: Setting, dep: Deployment) -> int:
    """Where the troops' clause ends: "sent the carrier Clemenceau to the area" reaches past
    the troops' own words, up to another clause or the sentence's end."""
    hi = min(setting.sentence_of(dep.start)[1], dep.end + _SETTING_AFTER_VERB)
    other = _ELSEWHERE.search(setting.text, dep.end, hi)
    return other.start() if other else hi


def _not_theirs(setting: Setting, dep: Deployment, stated: Where) -> bool:
    """Whether the words up to the stated place leave the troops' clause ("…, and an Israeli
    spokesman in Tel Aviv") or make it where they come from ("took off from a base near X")."""
    between = (dep.start, stated.place.start)
    return bool(_ELSEWHERE.search(setting.text, *between) or (
        dep.status != "withdrawal" and _ORIGIN.search(setting.text, *between)))


def _where_troops_are(setting: Setting, dep: Deployment, earlier: list[Deployment]) -> Where | None:
    """Reinforcements, withdrawals and plans with no place go where the troops already are."""
    if dep.status not in _GOES_WHERE_TROOPS_ARE:
        return None
    base = _latest(earlier, lambda d: d.place and d.status == "stationed"
                   and (not dep.actor or not d.actor or d.actor == dep.actor))
    if base is None:
        return None
    place = setting.by_id[base.place]
    return Where(place, "inherited", f"place from the troops already in {_name(place)}")


def _deployment_date(setting: Setting, dep: Deployment) -> When:
    if dep.date is not None:
        return When(dep.date, "", "day", "", "stated", "date stated beside the troops")
    found = _sentence_date(setting, dep.start, dep.end)
    if found is not None:
        return found
    clause = setting.text[dep.start:setting.sentence_of(dep.start)[1]]
    if (setting.published and dep.status in ("stationed", "deployed")
            and _PRESENT_STATE.search(clause)):
        return _dateline(setting, "the troops are there as the report is written")
    return _no_date(setting)


# --- evidence ---------------------------------------------------------------------------------

def _stated_place(setting: Setting, place_id: str | None) -> Where | None:
    place = setting.by_id.get(place_id or "")
    if place is None:
        return None
    inner = next(iter(setting.places.within(place.end, place.end + 30)), None)
    if inner is not None and (_PLACE_OF.fullmatch(setting.text, place.end, inner.start) or (
            place.antecedent and _APPOSITION.fullmatch(setting.text, place.end, inner.start))):
        place = inner  # "the capital, Skopje" names its place itself
    elif inner is not None and place.kind in ("city", "facility") and inner.kind in _AREA_KINDS \
            and inner.country_code != place.country_code \
            and _LOCATED_IN.fullmatch(setting.text, place.end, inner.start):
        # "the village of Angostura in Sucumbíos province": a town read in another country
        # than the area that locates it was read wrong; the area is where it is
        return Where(inner, "stated", f"place stated: {inner.surface}, where {place.surface} is")
    elif inner is not None and place.kind in ("city", "facility") \
            and inner.kind in ("city", "facility") and _NEAR_TOWN.fullmatch(
                setting.text, place.end, inner.start) and _stray(setting, place) \
            and not _stray(setting, inner):
        # "Henderson Field outside Honiara" read in a country the article never names: the
        # town it lies by is the place
        return Where(inner, "stated", f"place stated: {place.surface} outside {inner.surface}")
    elif place.kind in _AREA_KINDS:
        town = next(iter(setting.places.within(max(0, place.start - 60), place.start)[-1:]), None)
        if town is not None and town.kind in ("city", "facility") \
                and town.country_code == place.country_code \
                and _LOCATING.fullmatch(setting.text, town.end, place.start):
            # "from Entebbe, in neighbouring Uganda": the area only says where the town is
            return Where(town, "stated", f"place stated: {town.surface}")
    if place.antecedent:
        return Where(place, "reference",
                     f"place from '{place.surface}', meaning {_name(place)}")
    return Where(place, "stated", f"place stated: {place.surface}")


def _stray(setting: Setting, place: Place) -> bool:
    """Whether no other mention of the article lies in the place's country."""
    return not any(p.country_code == place.country_code for p in setting.names.items
                   if p is not place)


def _reference_place(setting: Setting, start: int, end: int) -> Where | None:
    """A linked reference ("the town") in the record's span, else "there"."""
    for place in setting.places.within(start, end):
        if place.antecedent:
            return Where(place, "reference",
                         f"place from '{place.surface}', meaning {_name(place)}")
    site = _site_place(setting, start, end)
    if site is not None:
        return site
    there = _THERE.search(setting.text, start, end)
    if there is None:
        return None
    lo = setting.sentences[max(0, setting.sentence_index(start) - 1)].start \
        if setting.sentences else 0
    before = [p for p in setting.places.within(lo, there.start()) if not _in_dateline(setting, p)]
    if not before:
        return None
    return Where(before[-1], "reference", f"place from 'there', meaning {_name(before[-1])}")


def _capital_place(setting: Setting, found: re.Match) -> Where | None:
    """ "the capital": the article's capital; "the Nigerian capital" (a country or its demonym
    before the noun) the capital the article names in that country, else none: not the
    article's own, which the words say it is not."""
    owner = next((p for p in setting.names.within(found.start(), found.end())
                  if p.country_code and p.kind == "country"), None)
    if owner is not None:
        capital = next((p for p in setting.capitals if p.country_code == owner.country_code),
                       None)
        return Where(capital, "reference", f"place from '{found.group()}', meaning "
                     f"{_name(capital)}, {owner.surface}'s capital named in the article"
                     ) if capital else None
    return Where(setting.capital, "reference", f"place from '{found.group()}', meaning "
                 f"{_name(setting.capital)}, the article's capital") if setting.capital else None


def _site_place(setting: Setting, start: int, end: int) -> Where | None:
    """ "at the airport", "remain at the base", "sent a carrier to the area": a site or an area
    the places stage does not link, read as the last place of its sort named in the sentence
    or the few before it: a site named with its noun ("Pristina airport", "the port of
    Beirut"), else the last site (a facility); an area, the last sea, region or province."""
    found = _SITE_REF.search(setting.text, start, end)
    owned = _OWNED_CAPITAL.search(setting.text, start, end) if "capital" in setting.text[
        start:end] else None
    if owned is not None and (found is None or owned.start() < found.start()):
        return _capital_place(setting, owned)
    if found is None or any(p.start <= found.start() < p.end
                            for p in setting.names.within(found.start() - 40, found.end())):
        return None
    noun = found.group(1).split()[-1].lower()
    if noun == "capital":
        return _capital_place(setting, found)
    here = setting.sentence_index(found.start())
    lo = setting.sentences[max(0, here - _SITE_WINDOW)].start if setting.sentences else 0
    before = [p for p in setting.places.within(lo, found.start())
              if not _in_dateline(setting, p) and not p.antecedent]
    if noun in ("area", "region", "border", "frontier"):
        fits = [p for p in before if p.kind in _REGION_KINDS]
    else:
        fits = [p for p in before if noun in setting.text[max(lo, p.start - 25):p.end + 12].lower()]
        fits = fits or [p for p in before if p.kind == "facility"]
    if len(fits) > 1 and _stray(setting, fits[-1]):
        # "Pristina's airport at Slatina" with Slatina read in a country the article never
        # names: the site's other name is the safer reading
        fits = [p for p in fits if not _stray(setting, p)] or fits
    if not fits:
        return None
    return Where(fits[-1], "reference", f"place from '{found.group()}', meaning {_name(fits[-1])}")


def _opening_place(setting: Setting, start: int) -> Where | None:
    """ "In Washington, President Bush said…": a place that opens the sentence sets it."""
    lo, hi = setting.sentence_of(start)
    for place in setting.places.within(lo, min(hi, lo + 40)):
        if _OPENING.fullmatch(setting.text, lo, place.start) and not _in_dateline(setting, place):
            return Where(place, "sentence", f"place from its sentence: In {_name(place)}")
    return None


def _sentence_place(setting: Setting, start: int, troops: bool,
                    skip: str | None = None, own: tuple[int, int] | None = None) -> Where | None:
    """The one literal place of the sentence that is not a topic, an origin or a seat (nor
    ``skip``, a place already found not to be the record's; nor, for an event spanning
    ``own``, the place another predicate states in its own clause: "left on Monday and
    crossed into Dolow" did not leave Dolow)."""
    lo, hi = setting.sentence_of(start)
    found: dict[object, Place] = {}
    for p in setting.places.within(lo, hi):
        before = setting.text[max(lo, p.start - 40):p.start]
        if p.id == skip or _in_dateline(setting, p) or _claimed(setting, p, own) \
                or _TOPIC_BEFORE.search(before) or (
                not troops and (_TROOPS_BEFORE.search(before) or _PURPOSE_BEFORE.search(before))
                ) or _SENDER_AFTER.match(
                setting.text, p.end, min(hi, p.end + 40)) or _OWNER_OF_TROOPS.match(
                setting.text, p.end, min(hi, p.end + 40)):
            continue
        found.setdefault(p.geonameid or (p.name, p.country_code), p)
    if len(found) != 1:
        return None
    place = next(iter(found.values()))
    return Where(place, "sentence", f"place from its sentence: {_name(place)}")


def _claimed(setting: Setting, place: Place, own: tuple[int, int] | None) -> bool:
    """Whether another event's own clause, not ``own``, states ``place``."""
    return own is not None and not own[0] <= place.start < own[1] and any(
        lo <= place.start < hi for lo, hi in (setting.claimed or {}).get(place.id, ()))


def _inherited_place(setting: Setting, source: Event | None) -> Where | None:
    place = setting.by_id.get(source.place or "") if source is not None else None
    if place is None:
        return None
    return Where(place, "inherited", f"place from the {_kind(source)} in {_name(place)}")


_NO_PLACE = Where(None, "", "no place: nothing in its clause or sentence locates it, and no "
                           "event it belongs to has one")


def _focus(setting: Setting) -> Where:
    place = setting.focus
    if place is None:
        return Where(None, "", "no place: nothing in its clause or sentence locates it, no event "
                               "it belongs to has one, and no place clearly leads the article")
    level = place.precision or "point"
    return Where(place, "focus", f"place from the article's focus: {_name(place)} "
                                 f"({level} level)")


def _sentence_date(setting: Setting, start: int, limit: int, since: bool = True) -> When | None:
    """The one date of the sentence before ``limit``; with ``since`` False, not a "since" date
    (when a state began, which a plan does not take)."""
    lo, hi = setting.sentence_of(start)
    found = [d for d in setting.dates.within(lo, hi) if d.start < limit
             and (since or not d.text.lower().startswith("since"))]
    if len({d.date for d in found}) != 1:
        return None
    d = found[0]
    return When(d.date, d.text, d.precision, d.qualifier, "sentence",
                f"date from its sentence: {d.text}")


def _where_date(setting: Setting, event: Event, earlier: list[Event]) -> When | None:
    """ "Fighting broke out in Ramadi, where insurgents attacked a police station": a happening
    in a "where" clause happens when the event of its sentence it hangs on does."""
    if not setting.wheres or event.type in _SAYING or event.status in _NOT_YET \
            or _where_clause(setting, event.start) is None:
        return None
    lo, _ = setting.sentence_of(event.start)
    host = next((e for e in reversed(earlier[-4:]) if lo <= e.start and e.end <= event.start
                 and e.type not in _SAYING and e.status not in _NOT_YET), None)
    return _inherited_date(host)


def _inherited_date(source: Event | None) -> When | None:
    if source is None or source.date is None:
        return None
    return When(source.date, source.date_text, source.date_precision, source.date_qualifier,
                "inherited", f"date from the {_kind(source)} on {source.date.isoformat()}")


def _dateline(setting: Setting, why: str) -> When:
    return When(setting.published, "", "day", "", "dateline", f"date from the dateline ({why})")


def _no_date(setting: Setting) -> When:
    if setting.published is None:
        why = "no date: none in its clause or sentence, and the article has no dateline"
    else:
        why = ("no date: none in its clause or sentence, none from an event it belongs to, "
               "and its tense does not make it the dateline's day")
    return When(None, "", "", "", "", why)


def _name(place: Place) -> str:
    return place.name or place.surface


def _kind(event: Event) -> str:
    return event.type if event.type != "other" else "event"
