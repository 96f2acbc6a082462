"""Place mentions + an injected geocoder -> located places, chosen with the article's context.

Each mention's candidates (from ``geocoder.candidates``) are scored on feature kind,
population, exact name, the countries the article names, distance to the article's other
places, closeness to the readings of its other names (``_closeness``), "Town, Province" pairs
(``_pin_pairs``) and the kind a cue asked for ("the town of", "province"); the confidence is the
winner's share of the score mass. Mentions nothing matches are kept (no coordinates) with a
problem. Works with any geocoder whose ``candidates(query, limit=, country_codes=)`` returns
geopy ``Location`` objects whose ``raw`` holds the gazetteer fields; one that also offers
``candidate_records(query, limit=)`` (the offline geocoder) hands over the gazetteer's
``Candidate`` records themselves, which is faster.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from dashboard.extract.places import DEMONYM, EMBEDDED, SURNAME, WEAK
from dashboard.geo.gazetteer import Candidate, normalize
from dashboard.records import Place, Problem


#: The vote of a name that cast none (``_Context.own``).
_NO_VOTE = (None, None, None)
#: Candidates asked for per mention.
LIMIT = 8
#: An admin2 (county, district) is a point: GeoNames gives it no outline, and its point is
#: the mean of its towns' (``gazetteer_build.admin2_rows``).
PRECISION = {"facility": "point", "city": "point", "admin1": "admin1", "admin2": "point",
             "country": "country", "region": "region", "water": "region",
             "directional_region": "region"}
#: Score of an area by kind; a city scores by population instead (0.6 per power of ten).
_KIND_PRIOR = {"country": 5.0, "admin1": 1.5, "admin2": 1.5, "region": 2.0, "water": 2.0,
               "directional_region": 5.0, "facility": 1.0}
#: Distinct points kept for "near the article's other places" (bounds the work on huge texts).
_MAX_POINTS = 64
#: Sharpness of the confidence: score differences are multiplied by this before the softmax.
_SHARPNESS = 1.5
_CUE_WORDS = re.compile(
    r"\s+(?:province|region|district|governorate|prefecture|county|oblast|canton|state|"
    r"airport|airbase|base|island|valley)$", re.I)


class CandidateSource(Protocol):
    """The geocoder as this module uses it (``dashboard.geo.geocoder.OfflineGeocoder`` fits)."""

    def candidates(self, query: str, limit: int = ..., country_codes: Any = ...) -> list[Any]: ...


#: Kinds whose short and historical names are curated aliases, as good as exact names
#: (an airport's short name, "Heathrow", is how the news names it).
_CURATED_KINDS = ("country", "region", "water", "facility")


def option_from(location: Any) -> Candidate:
    """Read a geopy ``Location`` (or anything with ``latitude``/``longitude``/``raw``)."""
    raw = dict(getattr(location, "raw", {}) or {})
    bbox = raw.get("bbox")
    geometry = raw.get("geometry")
    if geometry is not None and not isinstance(geometry, str):
        import json

        geometry = json.dumps(geometry)
    return Candidate(
        geonameid=raw.get("geonameid"),
        name=str(raw.get("name") or getattr(location, "address", "")),
        kind=str(raw.get("kind", "")),
        country_code=str(raw.get("country_code") or ""), admin1=str(raw.get("admin1") or ""),
        lat=float(location.latitude), lon=float(location.longitude),
        population=int(raw.get("population") or 0),
        bbox=tuple(bbox) if bbox else None, geometry=geometry,
        matched=str(raw.get("matched") or ""),
        # Short and historical names of countries and regions are curated aliases: as good as exact.
        exact=bool(raw.get("exact", True)) or raw.get("kind") in _CURATED_KINDS,
        is_capital=bool(raw.get("is_capital") or raw.get("capital")),
        fame=int(raw.get("fame") or 0))


def _curated(candidate: Candidate) -> Candidate:
    """A gazetteer record read as ``option_from`` reads the same place from a Location."""
    if candidate.exact or candidate.kind not in _CURATED_KINDS:
        return candidate
    return replace(candidate, exact=True)


def _says_capital(location: Any) -> bool:
    """Whether the geocoder's ``raw`` already says if the place is a capital (no query then)."""
    return "is_capital" in (getattr(location, "raw", None) or {})


class Lookup:
    """Candidate lists per query, and readings per name and cue, cached for the life of the
    process (news repeats its names)."""

    def __init__(self, geocoder: CandidateSource, size: int = 50_000, *,
                 is_capital: Callable[[int], bool] | None = None) -> None:
        self.geocoder = geocoder
        self.size = size
        self._cache: dict[str, tuple[Candidate, ...]] = {}
        self._readings: dict[tuple[str, str], _Reading] = {}
        self.gazetteer = getattr(geocoder, "gazetteer", None)
        self._is_capital = is_capital or getattr(self.gazetteer, "is_capital", None)

    def __call__(self, query: str) -> tuple[Candidate, ...]:
        found = self._cache.get(query)
        if found is None:
            found = self._fetch(query)
            if len(self._cache) >= self.size:
                self._cache.clear()
            self._cache[query] = found
        return found

    def reading(self, surface: str, kind: str) -> _Reading:
        """The candidates for a mention's surface as its cue kind narrows them (``_options``)."""
        found = self._readings.get((surface, kind))
        if found is None:
            found = _Reading.of(self._demonym_country(surface) if kind == DEMONYM
                                else _options(surface, kind, self))
            if len(self._readings) >= self.size:
                self._readings.clear()
            self._readings[(surface, kind)] = found
        return found

    def _demonym_country(self, surface: str) -> tuple[Candidate, ...]:
        """The country a demonym belongs to ("Russian" -> Russia), from the gazetteer."""
        demonym = getattr(self.gazetteer, "demonym", None)
        code = demonym(surface) if demonym is not None else None
        country = self.gazetteer.country(code) if code else None
        return (country,) if country is not None else ()

    def _fetch(self, query: str) -> tuple[Candidate, ...]:
        # The offline geocoder hands over its gazetteer records directly: building a geopy
        # Location per candidate only to read it back was most of a lookup's cost.
        records = getattr(self.geocoder, "candidate_records", None)
        try:
            if records is not None:
                return tuple(map(_curated, records(query, limit=LIMIT)))
            locations = list(self.geocoder.candidates(query, limit=LIMIT) or [])
        except (ValueError, TypeError):
            return ()
        return tuple(option_from(loc) if _says_capital(loc) else
                     self._with_capital(option_from(loc)) for loc in locations)

    def _with_capital(self, option: Candidate) -> Candidate:
        """Capitals matter for ranking ("Belgrade" the capital, not Belgrade, Montana)."""
        if option.is_capital or option.kind != "city" or not option.geonameid or not self._is_capital:
            return option
        return replace(option, is_capital=True) if self._is_capital(option.geonameid) else option


def resolve_places(
    places: Sequence[Place], lookup: Lookup, text: str = "", countries: Sequence[str] = (),
) -> tuple[tuple[Place, ...], tuple[Problem, ...]]:
    """Locate every named mention; unresolved ones keep ``lat``/``lon`` None and get a problem.

    ``countries`` are ISO codes the article points to without naming a place ("Russian
    forces"); they count as context like a named country.

    A lone capitalised word whose only reading is a small town far from everything else the
    article names, with no "in"/"at" before it ("Obama", "Stryker"), is taken for a name, not
    a place: it is left out of the places and a ``not_a_place`` problem says so.
    """
    options = _pin_pairs(places, _all_options(places, lookup), text)
    located = {p.id for p in places if _is_cued(p) or _is_located(p, text)}
    context = _Context.first_pass(places, options, countries, located)
    context = context.second_pass(places, options, located)
    out, problems = [], []
    picks: dict[tuple[str, str], tuple[Candidate, float] | None] = {}
    # Names also used without a doubt elsewhere in the article ("Eastbrook" mid-sentence
    # vouches for the headline's first word "Eastbrook").
    plain = frozenset(p.surface for p in places if not p.kind)
    for place in places:
        if place.id not in options:
            out.append(place)
            continue
        key = (place.surface, place.kind)
        if key not in picks:  # the same name reads the same way throughout one article
            picks[key] = context.choose(place, options[place.id])
        pick = picks[key]
        if place.kind == DEMONYM:
            if pick is not None:  # an unknown country's people: nothing to report
                out.append(_located(place, *pick).but(literal=False))
            continue
        if pick is None and not (_is_cued(place) or place.id in located):
            problems.append(Problem(
                "not_a_place", f"{place.surface!r} read as a name, not a place: no place of "
                "that name fits and nothing around it says place", place.start, place.end))
        elif pick is not None and (_doubtful(place, pick[0], text, context,
                                             options[place.id].cells) or (
                place.kind in (WEAK, EMBEDDED)
                and not _weak_holds(place, pick[0], text, context, plain)) or (
                place.kind == SURNAME and not _surname_holds(pick[0], context))):
            problems.append(Problem(
                "not_a_place", f"{place.surface!r} read as a name, not a place: the only "
                f"{pick[0].name!r} is a small town in {pick[0].country_code or 'another country'}",
                place.start, place.end))
        elif pick is None:
            # A hint says how strong the evidence was, not what kind of place this is.
            out.append(place.but(kind="") if place.kind in _HINTS else place)
            problems.append(Problem(
                "unresolved_place", f"no gazetteer entry fits {place.surface!r}; kept without "
                "coordinates", place.start, place.end))
        elif place.kind == EMBEDDED:
            out.append(_located(place, *pick).but(literal=False))
        else:
            out.append(_located(place, *pick))
    return tuple(out), tuple(problems)


def _is_cued(place: Place) -> bool:
    """A place noun or direction around the mention named its kind ("X County", "the town of")."""
    return bool(place.kind) and place.kind not in _HINTS


#: Hints that are not place nouns: how strong the evidence is, or a non-literal reading.
_HINTS = frozenset({WEAK, SURNAME, DEMONYM, EMBEDDED})
#: A town this small yields to an area of its name ...
_SMALL_TOWN = 50_000
#: ... by this much of its score.
_SMALL_TOWN_PENALTY = 2.0
#: Kinds that are areas with a province of their own.
_AREA_KINDS = frozenset({"country", "admin1", "admin2"})
#: Kinds a lone weak word may be read as without a cue: areas of rank.
_RANKED = frozenset({"country", "admin1", "admin2", "region", "water"})
#: Population above which a city needs no cue, in or out of the article's frame.
_BIG_CITY = 100_000
#: Population above which a city is known anywhere.
_WORLD_CITY = 1_000_000
#: Population above which a city inside the article's provinces needs no cue.
_FRAMED_TOWN = 10_000


def _support(places: Sequence[Place], options: dict[str, _Reading]) -> Counter:
    """Each name's share per province among its readings (1/sqrt(n) for n provinces: a name
    with readings in many provinces still says the article is in one of them)."""
    support: Counter = Counter()
    seen: set[str] = set()
    for place in places:
        if place.kind in _HINTS or place.surface in seen:
            continue
        seen.add(place.surface)
        regions = _regions_of(options.get(place.id, _NO_READING))
        for region in regions:
            support[region] += 1.0 / math.sqrt(len(regions))
    return support


def _regions_of(reading: _Reading) -> frozenset[tuple[str, str]]:
    return reading.regions


def _largest_area(options: Sequence[Candidate]) -> Candidate | None:
    """A province or county reading larger than every town of its name ("Westland" the
    state of millions, not the foreign city of 120,000 listed first), when a town is listed
    first, else None; never where
    a capital has the name."""
    areas = [o for o in options if o.exact and o.kind in ("admin1", "admin2") and o.admin1]
    if not areas or options[0].kind != "city":
        return None
    area = max(areas, key=lambda o: o.population)
    towns = [o for o in options if o.kind == "city"]
    # A capital of its name is what the news means by it, not the province.
    if any(t.is_capital or t.population >= area.population for t in towns):
        return None
    return area


def _votes_unlocated(place: Place, option: Candidate) -> bool:
    """Whether a mention with no locative before it still tells where the article is: a town
    or province (not a country, often an actor), of several words or a large one."""
    if option.kind not in ("city", "facility", "admin1", "admin2"):
        return False
    return " " in place.surface or option.kind != "city" or option.population >= _BIG_CITY


def _surname_holds(option: Candidate, context: _Context) -> bool:
    """A word the article uses as a person's surname is a place only as a country, a capital
    ("Washington" beside the carrier "George Washington") or a province of the article's
    country ("Jordan", "Georgia"), whatever the words around it."""
    return option.kind == "country" or option.is_capital or option.kind in (
        "admin1", "admin2") and context.countries[option.country_code] > 0


def _weak_holds(place: Place, option: Candidate, text: str, context: _Context,
                plain: frozenset[str]) -> bool:
    """Whether a weak word (a given name, a surname, a sentence's first word) is a place: a
    locative says so, it is an area of rank, a large city of the article's countries, a town
    of its provinces, or the same name elsewhere in the article was read as a place."""
    if _is_located(place, text):
        return True
    in_frame = not context.countries or context.countries[option.country_code] > 0
    if option.kind in _RANKED:
        # "Michael" is a parish of the Isle of Man: a weak word is a province only where the
        # article is, or a country or a province of millions anywhere.
        return option.kind not in ("admin1", "admin2") or in_frame or (
            option.population >= _WORLD_CITY)
    if place.surface in plain:
        return True
    if option.kind != "city":
        return False
    if context.regions.get((option.country_code, option.admin1)):
        return option.population >= _FRAMED_TOWN
    return option.is_capital or option.population >= _WORLD_CITY or (
        in_frame and option.population >= _BIG_CITY)


def _all_options(places: Sequence[Place], lookup: Lookup) -> dict[str, _Reading]:
    """Candidates per named mention (computed once per surface and cue)."""
    return {place.id: lookup.reading(place.surface, place.kind) for place in places
            if not place.kind.startswith("anaphor")}


def _pin_pairs(places: Sequence[Place], options: dict[str, _Reading],
               text: str) -> dict[str, _Reading]:
    """"Eastbrook, Ridgeland", "Eastbrook, Norland": a place followed by a comma and a province or
    country it has a reading in is that reading, and the province or country is the one that
    holds it, wherever either name recurs in the article."""
    if not text:
        return options
    pinned: dict[str, tuple[Candidate, ...]] = {}
    ordered = sorted((p for p in places if p.id in options and p.kind not in _NOT_PAIRED),
                     key=lambda p: p.start)
    for town, area in zip(ordered, ordered[1:]):
        if area.start - town.end != 2 or text[town.end:area.start] != ", ":
            continue
        inside, holders = _pair(options[town.id].options, options[area.id].options)
        if inside:
            pinned.setdefault(town.surface, inside)
            pinned.setdefault(area.surface, holders)
    if not pinned:
        return options
    readings = {surface: _Reading.of(found) for surface, found in pinned.items()}
    surfaces = {place.id: place.surface for place in places}
    return {pid: readings.get(surfaces[pid], reading) for pid, reading in options.items()}


#: Hints whose mentions never form a "town, province" pair (a demonym, a name inside another).
_NOT_PAIRED = frozenset({DEMONYM, EMBEDDED})


def _pair(towns: Sequence[Candidate], areas: Sequence[Candidate]
          ) -> tuple[tuple[Candidate, ...], tuple[Candidate, ...]]:
    """The town readings inside one of the area's province or country readings, and those
    areas; two empty tuples when none holds the other."""
    provinces = {(a.country_code, a.admin1): a for a in areas
                 if a.exact and a.kind == "admin1" and a.admin1}
    countries = {a.country_code: a for a in areas if a.exact and a.kind == "country"}
    if not provinces and not countries:
        return (), ()
    inside, holders = [], {}
    for town in towns:
        if town.kind not in ("city", "admin2", "facility", "admin1") or town in areas:
            continue
        holder = provinces.get((town.country_code, town.admin1)) if town.kind != "admin1" else None
        holder = holder or countries.get(town.country_code)
        if holder is not None:
            inside.append(town)
            holders[id(holder)] = holder
    return tuple(inside), tuple(holders.values())


def _options(surface: str, kind: str, lookup: Lookup) -> tuple[Candidate, ...]:
    """Candidates for the surface (and for it without "province"/"airport"), one per place."""
    found = list(lookup(surface))
    bare = _CUE_WORDS.sub("", surface)
    # "Bell County" that the gazetteer knows is that county, not a town called Bell.
    if bare != surface and not any(o.exact and o.kind != "city" for o in found):
        found += lookup(bare)
    # A cue ("X province", "the town of X", "southern X") says which kind of place is meant.
    wanted = _HINTED_KINDS.get(kind)
    if wanted:
        # "X River" is no town X; "X County" may fall back to its namesake town while the
        # gazetteer has no counties of that country (often the county seat).
        found = [o for o in found if o.kind in wanted] or ([] if kind == "water" else found)
    if _ACRONYM.fullmatch(surface):
        # "US" is not the French village of Us: an acronym matches only names written in capitals
        # or areas (whose short forms are curated aliases).
        found = [o for o in found if o.kind != "city" or o.name.isupper()]
    if any(o.kind in ("country", "region", "water", "admin1") for o in found):
        # "Persian Gulf" is the sea before the airport that carries it in an alias.
        found = [o for o in found if o.kind != "facility" or normalize(o.name) == normalize(
            surface)]
    unique: dict[tuple, Candidate] = {}
    for option in found:
        key = (option.name, option.kind, option.country_code, option.geonameid)
        if key not in unique or option.exact and not unique[key].exact:
            unique[key] = option
    return tuple(unique.values())


_HINTED_KINDS = {"directional_region": ("directional_region",), "city": ("city",),
                 "admin1": ("admin1", "admin2", "region"),
                 "admin2": ("admin2", "admin1", "region"), "facility": ("facility",),
                 "water": ("water", "region")}
_ACRONYM = re.compile(r"[A-Z]{2,3}|(?:[A-Z]\.){2,4}")
#: Words before a mention that make it a location ("in Gao", "shelled the town").
_LOCATIVES = ("in at near from to into outside inside around toward towards across through via "
              "of between reached entered left visited visit captured seized shelled bombed").split()
#: "<locative> [the] " ending where a mention starts, written backwards: matched from the
#: mention's start in the reversed text, it tries one position instead of scanning thirty.
_LOCATIVE_BEHIND = re.compile(
    rf"(?:\s+eht)?\s+(?:{'|'.join(w[::-1] for w in _LOCATIVES)})\b", re.I)
#: How far before a mention the locative may start.
_LOCATIVE_REACH = 30
#: A list continues a location: "in Kharkiv and Mariupol", "to Romania, Bulgaria".
_LIST_BEFORE = re.compile(r"(?:[,;]|\band|\bor)\s+(?:the\s+)?$", re.I)


def _is_located(place: Place, text: str) -> bool:
    """Whether a preposition before the mention makes it a location ("in Gao")."""
    reach = min(place.start, _LOCATIVE_REACH)
    # One character more than the reach, so the word boundary before the locative is seen.
    behind = text[max(0, place.start - reach - 1):place.start][::-1]
    found = _LOCATIVE_BEHIND.match(behind)
    return found is not None and found.end() <= reach


def _doubtful(place: Place, option: Candidate, text: str, context: _Context,
              cells: frozenset = frozenset()) -> bool:
    """A single capitalised word read as a small, out-of-context town with no locative cue
    (a town near the article's other places is in context)."""
    if _is_cued(place) or " " in place.surface or option.kind != "city" or not text:
        return False
    if context._close(option, cells) >= _AGREES:
        return False
    if _is_located(place, text) or _LIST_BEFORE.search(text, max(0, place.start - 10), place.start):
        return False
    known = context.countries[option.country_code] > 0
    return option.population < (5_000 if known else 100_000)


def _located(place: Place, option: Candidate, confidence: float) -> Place:
    # Every field spelled out rather than dataclasses.replace, which costs several times more
    # and runs once per mention; a test checks that no field of Place is left behind.
    return Place(
        id=place.id, surface=place.surface, start=place.start, end=place.end,
        sentence=place.sentence, name=option.name, kind=option.kind,
        country_code=option.country_code, admin1=option.admin1, lat=option.lat, lon=option.lon,
        bbox=option.bbox, geonameid=option.geonameid, literal=place.literal, actor=place.actor,
        antecedent=place.antecedent, confidence=round(confidence, 3),
        precision=precision_of(option), geometry=option.geometry)


def precision_of(option: Candidate) -> str:
    """How exactly the place is known: an admin-1 area whose outline the gazetteer lacks (it
    was built without the Natural Earth polygons, or none matched) is known as a point."""
    if option.kind == "admin1" and option.bbox is None:
        return "point"
    return PRECISION.get(option.kind, "point")


class _Reading(NamedTuple):
    """A mention's candidates, with the parts of their scores that no context changes.

    Both passes score the same candidates: these parts are worked out once per name (and not
    at all for a lone candidate, which ``choose`` need not score).
    """

    options: tuple[Candidate, ...]
    #: Kind or population, exact name, capital and fame, summed in that order (``_base_score``).
    base: tuple[float, ...]
    #: ``_dominance`` of each option, added after the context's parts.
    dominance: tuple[float, ...]
    #: (country, admin1) of the towns, counties and provinces among the options.
    regions: frozenset = frozenset()
    #: The grid cells (``_cell``) of its exact town, county and facility readings.
    cells: frozenset = frozenset()

    @classmethod
    def of(cls, options: tuple[Candidate, ...]) -> _Reading:
        regions = frozenset((o.country_code, o.admin1) for o in options
                            if o.admin1 and o.kind in ("city", "admin1", "admin2", "facility"))
        cells = frozenset(_cell(o.lat, o.lon) for o in options
                          if o.exact and o.kind in ("city", "admin2", "facility"))
        if len(options) < 2:
            return cls(options, (), (), regions, cells)
        return cls(options, tuple(map(_base_score, options)),
                   tuple(_dominance(o, options) for o in options), regions, cells)


def _base_score(option: Candidate) -> float:
    """Kind or population, exact name, capital, fame: what a candidate is worth anywhere."""
    score = _KIND_PRIOR.get(option.kind, 0.0)
    if option.kind == "city":
        score = 0.6 * math.log10(option.population + 10)
    elif option.kind == "admin1":  # a province outranks a hamlet of its name, not its capital
        score = max(score, 0.55 * math.log10(option.population + 10) - 0.5)
    score += 2.0 if option.exact else 0.0
    score += 1.0 if option.is_capital else 0.0
    # Geneva (60 names) over the Genevas of Alabama (11-17): fame separates namesakes.
    return score + math.log10(option.fame + 1)


@dataclass(frozen=True, slots=True)
class _Context:
    """What the article as a whole says about where it is: its frame.

    The countries and provinces it names vote, each by how often; an ambiguous name then goes
    to the reading inside that frame ("Paris" in a Texas story), while in an article with no
    frame a famous name keeps its fame.
    """

    countries: Counter
    #: Located points as ``_point`` prepares them.
    points: tuple[tuple[float, float, float, float], ...] = ()
    #: (country, admin1 code) -> votes: the provinces the article's places lie in.
    regions: Counter = field(default_factory=Counter)
    #: The largest count in ``countries`` (asked for every option scored).
    most: float = 1.0
    #: The largest count in ``regions``.
    most_region: float = 1.0
    #: The sum of ``countries``.
    total: float = 1.0
    #: (country, admin1) -> support from the readings of every name, sure or not: two
    #: ambiguous names that share a province ("Eastbrook" and "Ridge County") pick it together.
    support: Counter = field(default_factory=Counter)
    #: surface -> (country, (country, admin1) or None, point or None): what each name's own
    #: sure pick added to the frame, taken out again when that name is scored.
    own: dict = field(default_factory=dict)
    #: grid cell -> closeness (``_closeness``) of the article's names.
    close: Counter = field(default_factory=Counter)
    #: ``points`` by band of latitude (``_band``): ``_nearness`` reads the three bands that
    #: can hold a point within 5 degrees of latitude, not every point.
    bands: dict = field(default_factory=dict)

    @classmethod
    def first_pass(cls, places: Sequence[Place], options: dict[str, _Reading],
                   countries: Sequence[str], located: set[str]) -> _Context:
        """Countries the article locates things in ("in Serbia", "southern Serbia"), and the
        provinces and counties it names with only one reading ("Texas", "Bayou Parish").

        Countries named as actors ("the United States signed") say little about where the
        article's towns are, and demonyms ("Russian forces") count half. A name with readings
        in several countries ("Georgia") votes for none of them.
        """
        counts: Counter = Counter({code: 0.5 for code in countries if code})
        regions: Counter = Counter()
        seen: set[str] = set()
        for place in places:
            if place.kind in _HINTS or place.id not in options:
                continue
            opts = options[place.id].options
            if not opts or not opts[0].exact:
                continue
            top = _largest_area(opts) or opts[0]
            if top.kind in ("admin1", "admin2") and top.admin1:
                # One vote per name, and only for a name with one province among its area
                # readings (a county name five states share votes for none).
                areas = {(o.country_code, o.admin1) for o in opts if o.kind in _AREA_KINDS}
                if len(areas) == 1 and place.surface not in seen:
                    seen.add(place.surface)
                    regions[(top.country_code, top.admin1)] += 2
                    counts[top.country_code] += 1
            elif (place.id in located and top.kind in ("country", "directional_region") and (
                    top.kind == "directional_region" or len({o.country_code for o in opts}) == 1)):
                counts[top.country_code] += 2 if top.kind == "country" else 1
        return cls(counts, regions=regions, most=max(counts.values(), default=1.0),
                   most_region=max(regions.values(), default=1.0),
                   total=max(sum(counts.values()), 1.0))

    def second_pass(self, places: Sequence[Place], options: dict[str, _Reading],
                    located: set[str]) -> _Context:
        """Add the country, province and point of every sure pick of a town or province.

        Sure: one country among all its readings, or a confidence of 0.9 (a doubtful pick would
        otherwise vote for itself). A country votes only where used as a location.
        """
        counts, points, regions = Counter(self.countries), {}, Counter(self.regions)
        picks: dict[tuple[str, str], tuple[Candidate, float] | None] = {}
        own: dict[str, tuple] = {}
        for place in places:
            if place.kind in _HINTS or (place.surface, place.kind) in picks:
                continue  # one vote per name
            reading = options.get(place.id, _NO_READING)
            key = (place.surface, place.kind)
            if key not in picks:
                picks[key] = self.choose(place, reading)
            pick = picks[key]
            if not pick or not (pick[1] >= 0.9 or len({o.country_code for o in reading.options}) == 1):
                continue
            top = pick[0]
            if place.id not in located and not _votes_unlocated(place, top):
                continue  # a country named as an actor, a lone word that may be a name
            counts[top.country_code] += 1
            if not (pick[1] >= 0.9 or len(_regions_of(reading)) <= 1):
                own.setdefault(place.surface, (top.country_code, None, None))
                continue  # sure of the country, not of the province: no point, no province
            point = region = None
            if top.kind in ("city", "facility", "admin1", "admin2") and len(points) < _MAX_POINTS:
                point = (round(top.lat, 1), round(top.lon, 1))
                points[point] = None
            if top.kind in ("city", "admin2") and top.admin1:
                region = (top.country_code, top.admin1)
                regions[region] += 1
            own.setdefault(place.surface, (top.country_code, region, point))
        # The longitude window is fixed per point: compute it once, not once per option.
        prepared = tuple(map(_point, points))
        return _Context(counts, prepared, regions,
                        max(counts.values(), default=1.0), max(regions.values(), default=1.0),
                        total=max(sum(counts.values()), 1.0), support=_support(places, options),
                        own=own, close=_closeness(places, options), bands=_bands(prepared))

    def choose(self, place: Place, reading: _Reading) -> tuple[Candidate, float] | None:
        """The best option and its confidence: the share of the score mass that lies on it
        (or on options within 100 km of it in the same country, which name the same spot)."""
        if not reading.options:
            return None
        if len(reading.options) == 1:
            top, near, total = reading.options[0], 1.0, 1.0  # all the mass lies on it
        else:
            top, near, total = self._weigh(place, reading)
        foreign = self.countries and not self.countries[top.country_code]
        if not top.exact and top.kind == "city" and foreign:
            return None  # an alternate spelling of a town in a country the article never mentions
        confidence = near / total * (1.0 if top.exact else 0.85)
        return top, min(confidence, 0.99)

    def _weigh(self, place: Place, reading: _Reading) -> tuple[Candidate, float, float]:
        """The top option, the score mass on its spot and the whole mass (softmax weights)."""
        own = _regions_of(reading)
        share = 1.0 / math.sqrt(len(own)) if own else 0.0
        mine = self.own.get(place.surface, _NO_VOTE)
        # Closeness chooses among towns; it never pulls a country's or a state's name down to
        # a hamlet of that name near the article's towns ("Norland" the country, not a village
        # called Norland among the article's towns).
        cells = frozenset() if any(o.exact and o.kind in ("country", "admin1")
                                   for o in reading.options) else reading.cells
        closes = [self._close(o, cells) for o in reading.options]
        # A famous namesake's size counts for nothing where another reading sits among the
        # article's places (a world city's name in a story about the towns around a small
        # namesake).
        local = max(closes, default=0.0) >= _LOCAL
        # Per option, written out (this loop runs for every option of every ambiguous name,
        # twice an article): its score, its dominance (a much larger namesake wins on size
        # only where the article has no other frame; its own vote for its country is no
        # frame), up to 1.5 for a province the article's other names may also lie in, and
        # its closeness.
        support, countries, few = self.support, self.countries, self.most < 3
        scored = []
        for o, base, dominance, close in zip(reading.options, reading.base, reading.dominance,
                                             closes):
            if local and not close:
                dominance = 0.0
            elif dominance and not few and countries[o.country_code] - (
                    mine[0] == o.country_code) <= 0:
                dominance = 0.0
            region = (o.country_code, o.admin1)
            supported = 0.0 if not support or region not in own else max(
                0.0, min(1.5, support[region] - share))
            scored.append((self._score(place.kind, o, base, mine) + dominance + supported + close,
                           o))
        if place.kind != "city" and any(o.kind in _AREA_KINDS | {"region"} and o.exact
                                    for o in reading.options):
            # An area beats a small town of its name unless a cue says town ("Jordan" the
            # country, not a hamlet called Jordan, whatever the article's frame).
            scored = [(s - _SMALL_TOWN_PENALTY if o.kind == "city" and o.population < _SMALL_TOWN
                       else s, o) for s, o in scored]
        scored.sort(key=itemgetter(0), reverse=True)  # stable: ties keep the candidates' order
        best, top = scored[0]
        weights = [(math.exp(_SHARPNESS * (s - best)), o) for s, o in scored]
        near = sum(w for w, o in weights if o is top or _same_spot(o, top))
        return top, near, sum(w for w, _ in weights)

    def _close(self, option: Candidate, cells: frozenset) -> float:
        """Up to ``_CLOSE_MAX`` for a town or county near readings of the article's other
        names (the mention's own weight taken out)."""
        if not cells or not option.exact or option.kind not in ("city", "admin2", "facility"):
            return 0.0
        cell = _cell(option.lat, option.lon)
        found = self.close.get(cell, 0.0)
        if not found:
            return 0.0
        found -= 1.0 / math.sqrt(len(cells))  # its own cells always hold itself
        return max(0.0, min(_CLOSE_MAX, _CLOSE_W * found))

    def _score(self, cue: str, option: Candidate, base: float,
               mine: tuple = (None, None, None)) -> float:
        """``base`` plus the article's frame (countries, provinces, nearness) and the cue's kind.

        An alternate spelling gets half the frame: "Islamabad" is the capital of Pakistan even
        in a story about Kashmir, where a town once had that name.

        ``mine`` is the mention's own vote (``own``): a name cannot be its own frame ("Paris"
        first read as France must not then find France in the article because of itself).
        """
        frame = 0.0
        count = self.countries.get(option.country_code, 0) if option.country_code else 0
        if count and mine[0] == option.country_code:
            count -= 1
        if count:
            frame += 0.5 + 1.0 * count / self.most
            if count >= 2:  # the share of all votes; one vote is no frame ("Washington and London")
                frame += 1.5 * count / self.total
        votes = self.regions.get((option.country_code, option.admin1), 0) if option.admin1 else 0
        if votes and mine[1] == (option.country_code, option.admin1):
            votes -= 1
        if votes:
            # "Paris" in an article about Texas; "Georgia" the state among Georgia's towns.
            frame += 0.75 * min(votes, 4) - 0.25
        frame += self._nearness(option, mine[2])
        score = base + (frame if option.exact else frame / 2)
        if cue and cue != "directional_region" and cue == option.kind:
            score += 1.5
        return score

    def _nearness(self, option: Candidate, mine: tuple[float, float] | None = None) -> float:
        """1.0 within 150 km of a located point (other than ``mine``, the mention's own), 0.6
        within 500 km, else 0.0."""
        if not self.points or option.kind not in ("city", "facility", "admin1", "admin2"):
            return 0.0
        o_lat, o_lon, o_cos = option.lat, option.lon, None
        found = 0.0
        band, bands = _band(o_lat), self.bands
        for lat, lon, window, cos in (*bands.get(band - 1, ()), *bands.get(band, ()),
                                      *bands.get(band + 1, ())):
            if mine is not None and mine[0] == lat and mine[1] == lon:
                continue
            # 500 km is under 5 degrees of latitude: farther points need no great-circle maths.
            if abs(lat - o_lat) < 5 and abs((lon - o_lon + 180) % 360 - 180) < window:
                if o_cos is None:
                    o_cos = math.cos(math.radians(o_lat))
                km = _km_cos(o_lat, o_lon, o_cos, lat, lon, cos)
                if km < 150:
                    return 1.0  # no nearer point can score more
                if km < 500:
                    found = 0.6
        return found


_NO_READING = _Reading((), (), (), frozenset())
#: Size of a grid cell in degrees (about 110 km north-south): readings in one cell lie within
#: about 150 km of each other, in neighbouring cells within about 300 km.
_CELL = 1.0
#: What a neighbouring cell counts against the same cell.
_NEIGHBOUR = 0.5
#: Score per name whose readings share the cell (a name read in n cells counts 1/sqrt(n)).
_CLOSE_W = 2.0
#: Most that closeness adds to a reading's score.
_CLOSE_MAX = 3.0
#: Closeness at which a small town is in the article's context (``_doubtful``): one other
#: name read only in its cell, or two only in the cells around it.
_AGREES = 2.0
#: Closeness at which a reading is among the article's places, so that a much larger
#: namesake elsewhere loses its size bonus (``_dominance``).
_LOCAL = 1.5


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor(lat / _CELL)), int(math.floor(lon / _CELL))


def _closeness(places: Sequence[Place], options: dict[str, _Reading]) -> Counter:
    """Per grid cell, how many of the article's names have a town or county reading in it or
    next to it (1/sqrt(n) for a name with readings in n cells): two ambiguous names with
    readings a few miles apart ("Eastbrook" and "Ridge County") choose those readings
    together, more finely than a shared province."""
    close: dict[tuple[int, int], float] = {}
    get = close.get
    seen: set[str] = set()
    for place in places:
        if place.kind in _HINTS or place.surface in seen:
            continue
        seen.add(place.surface)
        cells = options.get(place.id, _NO_READING).cells
        if not cells:
            continue
        weight = 1.0 / math.sqrt(len(cells))
        # A neighbouring cell counts less than the same cell: within a few miles is better
        # evidence than within 200 km.
        for cell in _around(cells):
            close[cell] = get(cell, 0) + (weight if cell in cells else weight * _NEIGHBOUR)
    return Counter(close)


def _around(cells: frozenset) -> set[tuple[int, int]]:
    """The cells and their eight neighbours."""
    return {(a + da, b + db) for a, b in cells for da in (-1, 0, 1) for db in (-1, 0, 1)}


def _band(lat: float) -> int:
    """A band of 5 degrees of latitude: a point less than 5 degrees from ``lat`` lies in
    ``_band(lat)`` or a band next to it."""
    return math.floor(lat / 5)


def _bands(points: tuple[tuple[float, float, float, float], ...]) -> dict[int, tuple]:
    """``_point``s by ``_band`` (in their order; ``_nearness`` does not depend on it)."""
    bands: dict[int, list] = {}
    for point in points:
        bands.setdefault(_band(point[0]), []).append(point)
    return {band: tuple(found) for band, found in bands.items()}


def _point(lat_lon: tuple[float, float]) -> tuple[float, float, float, float]:
    """(lat, lon, longitude window as long as 5 degrees of latitude, cos lat): what
    ``_nearness`` needs of a point, computed once per point instead of once per option."""
    lat, lon = lat_lon
    cos = math.cos(math.radians(lat))
    return lat, lon, 5 / max(cos, 0.1), cos


#: Kinds a city must be much larger than to dominate: its namesake towns, and provinces of
#: other countries (a city of 120,000 does not dominate a foreign state of millions of its
#: name; a province of its own country named after it is its province, often with it as its
#: capital, and the city's size still tells).
_DOMINATED = frozenset(("city", "admin1", "admin2"))


def _dominance(option: Candidate, options: Sequence[Candidate]) -> float:
    """A city five times larger than every namesake is the one the news means (Geneva, Paris)."""
    if option.kind != "city" or option.population <= 0:
        return 0.0
    others = [o.population for o in options if o is not option and (o.kind == "city" or (
        o.kind in _DOMINATED and o.country_code != option.country_code))]
    return 1.0 if others and option.population >= 5 * max(others) else 0.0


def _same_spot(a: Candidate, b: Candidate) -> bool:
    return a.country_code == b.country_code and _km(a.lat, a.lon, b.lat, b.lon) < 100


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return _km_cos(lat1, lon1, math.cos(math.radians(lat1)), lat2, lon2,
                   math.cos(math.radians(lat2)))


def _km_cos(lat1: float, lon1: float, cos1: float, lat2: float, lon2: float,
            cos2: float) -> float:
    """Haversine distance with the latitudes' cosines given (they are reused many times)."""
    dp, dl = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + cos1 * cos2 * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def thin_geometry(places: Sequence[Place]) -> tuple[Place, ...]:
    """Keep an area's polygon on its first mention only (first literal and first other).

    Country outlines are large; repeating one on every mention of the country made most of
    the output's bytes. Later mentions keep their point, bbox and ``geonameid``/``name``.
    """
    seen: set[tuple] = set()
    out = []
    for place in places:
        if place.geometry is not None:
            key = (place.name, place.kind, place.country_code, place.literal)
            if key in seen or place.antecedent is not None:
                place = place.but(geometry=None)
            seen.add(key)
        out.append(place)
    return tuple(out)
