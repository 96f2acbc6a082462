"""Scoring extractions against gold articles: places, events and deployments.

Pure functions: a ``GoldArticle`` and the ``Extraction`` of its text in, frozen score records
out; ``total`` adds articles up. The rules are documented in ``benchmarks/gold/README.md``:

- places: a prediction is a true positive when its span equals a gold span (and, as a second
  figure, when it overlaps one, one to one); resolution is judged on the true positives whose
  gold has coordinates (within 161 km, or a predicted area whose bounding box holds the gold
  point); literal accuracy where the gold says. References ("the town") are not toponyms in
  the gold conventions and are left out of the predictions.
- events and deployments: gold and predicted records paired one to one, greedily by the
  overlap of the gold quote with the record's spans (same type first); each field judged on
  the pairs.

``names`` is the gazetteer's name service (``demonym``, ``country_code``), injected so this
module stays free of I/O; None skips the questions that need it.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from dashboard.extract.gold import GoldArticle, GoldDeployment, GoldEvent, GoldLocation, GoldPlace
from dashboard.records import Actor, Extraction, Place

#: Within this distance a point is right (the usual 100 miles of geoparsing evaluations).
ACC_KM = 161.0
#: Predicted kinds judged by their bounding box: their centre says nothing about where.
AREA_KINDS = ("country", "admin1", "region")
_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}


@dataclass(frozen=True, slots=True)
class Counts:
    """Recognition counts; precision, recall and F1 are None where undefined."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        # 2TP / (2TP + FP + FN): the harmonic mean, defined whenever there is anything to score.
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _r(self.precision),
                "recall": _r(self.recall), "f1": _r(self.f1)}


@dataclass(frozen=True, slots=True)
class Ratio:
    """How many of the judged were right."""

    right: int = 0
    judged: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.right + other.right, self.judged + other.judged)

    @property
    def value(self) -> float | None:
        return _ratio(self.right, self.judged)

    def to_dict(self) -> dict[str, Any]:
        return {"right": self.right, "judged": self.judged, "accuracy": _r(self.value)}


@dataclass(frozen=True, slots=True)
class Resolution:
    """Resolution of matched places whose gold has coordinates."""

    judged: int = 0
    right: int = 0
    #: Matches whose prediction has no coordinates (judged, and wrong).
    unresolved: int = 0
    #: Error of each judged match that has coordinates (0 for an area holding the gold point).
    errors_km: tuple[float, ...] = ()

    def __add__(self, other: Resolution) -> Resolution:
        return Resolution(self.judged + other.judged, self.right + other.right,
                          self.unresolved + other.unresolved, self.errors_km + other.errors_km)

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.right, self.judged)

    @property
    def mean_km(self) -> float | None:
        return statistics.fmean(self.errors_km) if self.errors_km else None

    @property
    def median_km(self) -> float | None:
        return statistics.median(self.errors_km) if self.errors_km else None

    def to_dict(self) -> dict[str, Any]:
        return {"judged": self.judged, "right": self.right, "unresolved": self.unresolved,
                "acc_161": _r(self.accuracy), "mean_km": _r(self.mean_km, 1),
                "median_km": _r(self.median_km, 1)}


@dataclass(frozen=True, slots=True)
class PlaceScore:
    """Places of one article (or many): recognition, resolution and literalness."""

    exact: Counts = Counts()
    overlap: Counts = Counts()
    resolution: Resolution = Resolution()
    overlap_resolution: Resolution = Resolution()
    literal: Ratio = Ratio()
    #: Predicted references ("the town") left out: the gold conventions do not annotate them.
    references: int = 0
    #: Gold mentions left out (the demonyms, in the figures without them).
    dropped: int = 0

    def __add__(self, other: PlaceScore) -> PlaceScore:
        return PlaceScore(*(getattr(self, f.name) + getattr(other, f.name)
                            for f in fields(PlaceScore)))

    def to_dict(self) -> dict[str, Any]:
        return {"exact": self.exact.to_dict(), "overlap": self.overlap.to_dict(),
                "resolution": self.resolution.to_dict(),
                "overlap_resolution": self.overlap_resolution.to_dict(),
                "literal": self.literal.to_dict(), "references_ignored": self.references,
                "gold_dropped": self.dropped}


@dataclass(frozen=True, slots=True)
class RecordScore:
    """Events or deployments: matching counts and each field's accuracy on the matched."""

    counts: Counts = Counts()
    #: (field name, Ratio) in the order of ``EVENT_FIELDS`` / ``DEPLOYMENT_FIELDS``.
    fields: tuple[tuple[str, Ratio], ...] = ()

    def __add__(self, other: RecordScore) -> RecordScore:
        mine = dict(self.fields)
        names = [n for n, _ in self.fields] + [n for n, _ in other.fields if n not in mine]
        theirs = dict(other.fields)
        return RecordScore(self.counts + other.counts,
                           tuple((n, mine.get(n, Ratio()) + theirs.get(n, Ratio()))
                                 for n in names))

    def field(self, name: str) -> Ratio:
        return dict(self.fields).get(name, Ratio())

    def to_dict(self) -> dict[str, Any]:
        return {**self.counts.to_dict(),
                "fields": {name: ratio.to_dict() for name, ratio in self.fields}}


@dataclass(frozen=True, slots=True)
class ArticleScore:
    """Everything scored for one article, or the total of several (``total``)."""

    id: str
    places: PlaceScore = PlaceScore()
    #: The same, with demonyms and adjectives ("Russian") left out of gold and predictions.
    places_without_demonyms: PlaceScore = PlaceScore()
    #: None for a corpus that annotates places only.
    events: RecordScore | None = None
    deployments: RecordScore | None = None
    #: Time the pipeline took on the article(s).
    seconds: float = 0.0
    articles: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "articles": self.articles, "seconds": round(self.seconds, 4),
                "places": self.places.to_dict(),
                "places_without_demonyms": self.places_without_demonyms.to_dict(),
                "events": self.events.to_dict() if self.events else None,
                "deployments": self.deployments.to_dict() if self.deployments else None}


def score_article(gold: GoldArticle, extraction: Extraction, names: Any = None,
                  seconds: float = 0.0) -> ArticleScore:
    """Score one extraction against its gold article."""
    predicted = [p for p in extraction.places if p.antecedent is None]
    references = len(extraction.places) - len(predicted)
    demonyms = [g for g in gold.places if is_demonym(g, names)]
    kept = [g for g in gold.places if not is_demonym(g, names)]
    scored = [p for p in predicted if not any(_overlap_len(g.start, g.end, p.start, p.end)
                                              for g in demonyms)]
    actors = {a.id: a for a in extraction.actors}
    places_by_id = {p.id: p for p in extraction.places}
    events = deployments = None
    if gold.has_events:
        events = score_events(gold.events, extraction.events, actors, places_by_id, names)
        deployments = score_deployments(gold.deployments, extraction.deployments, actors,
                                        places_by_id, names)
    return ArticleScore(
        id=gold.id,
        places=score_places(gold.places, predicted, references),
        places_without_demonyms=score_places(kept, scored, references,
                                             dropped=len(demonyms)),
        events=events, deployments=deployments, seconds=seconds)


def total(scores: Iterable[ArticleScore], label: str = "all") -> ArticleScore:
    """The sum of several articles' scores (events summed over the articles that have them)."""
    out = ArticleScore(id=label, articles=0)
    for s in scores:
        out = ArticleScore(
            id=label, places=out.places + s.places,
            places_without_demonyms=out.places_without_demonyms + s.places_without_demonyms,
            events=_add_optional(out.events, s.events),
            deployments=_add_optional(out.deployments, s.deployments),
            seconds=out.seconds + s.seconds, articles=out.articles + s.articles)
    return out


def _add_optional(a: RecordScore | None, b: RecordScore | None) -> RecordScore | None:
    if a is None or b is None:
        return a or b
    return a + b


# --- places --------------------------------------------------------------------------------

def is_demonym(place: GoldPlace, names: Any) -> bool:
    """A demonym or adjective ("Russian", "Palestinians"): the gold's own flag, else the
    gazetteer's ``demonym()``, unless the surface is itself a country's name ("U.S.",
    "Philippines", which the plural rule of ``demonym()`` would also accept)."""
    if place.demonym is not None:
        return place.demonym
    if names is None or not names.demonym(place.surface):
        return False
    return not names.country_code(place.surface)


def score_places(gold: Sequence[GoldPlace], predicted: Sequence[Place], references: int = 0,
                 dropped: int = 0) -> PlaceScore:
    """Exact-span and overlap matching, resolution on the matches, literal accuracy."""
    exact = match_places_exact(gold, predicted)
    overlap = match_places_overlap(gold, predicted)
    literal = [(g, p) for g, p in exact if g.literal is not None]
    return PlaceScore(
        exact=_counts(len(exact), len(gold), len(predicted)),
        overlap=_counts(len(overlap), len(gold), len(predicted)),
        resolution=_resolution(exact), overlap_resolution=_resolution(overlap),
        literal=Ratio(sum(g.literal == p.literal for g, p in literal), len(literal)),
        references=references, dropped=dropped)


def match_places_exact(gold: Sequence[GoldPlace],
                       predicted: Sequence[Place]) -> list[tuple[GoldPlace, Place]]:
    """Pairs whose spans are equal (a second prediction on the same span stays unmatched)."""
    by_span: dict[tuple[int, int], Place] = {}
    for p in predicted:
        by_span.setdefault((p.start, p.end), p)
    return [(g, by_span[(g.start, g.end)]) for g in gold if (g.start, g.end) in by_span]


def match_places_overlap(gold: Sequence[GoldPlace],
                         predicted: Sequence[Place]) -> list[tuple[GoldPlace, Place]]:
    """Pairs that share characters, one to one, the largest overlap first."""
    return _pair_greedily(gold, predicted, lambda g, p: (
        (_overlap_len(g.start, g.end, p.start, p.end),)))


def _resolution(pairs: Iterable[tuple[GoldPlace, Place]]) -> Resolution:
    judged = right = unresolved = 0
    errors: list[float] = []
    for g, p in pairs:
        if g.lat is None or g.lon is None:
            continue
        judged += 1
        if p.lat is None or p.lon is None:
            unresolved += 1
            continue
        ok, km = point_right(g.lat, g.lon, p)
        right += ok
        errors.append(km)
    return Resolution(judged, right, unresolved, tuple(errors))


def point_right(lat: float, lon: float, place: Place) -> tuple[bool, float]:
    """Whether a resolved prediction is right for a gold point, and its error in km (0 for an
    area whose bounding box holds the point)."""
    if place.kind in AREA_KINDS and in_bbox(place.bbox, lat, lon):
        return True, 0.0
    km = haversine_km(lat, lon, place.lat, place.lon)
    return km <= ACC_KM, km


def in_bbox(bbox: tuple[float, float, float, float] | None, lat: float, lon: float) -> bool:
    """Whether the point lies in (south, west, north, east); a box may cross the antimeridian."""
    if not bbox:
        return False
    south, west, north, east = bbox
    if not south <= lat <= north:
        return False
    return west <= lon <= east if west <= east else (lon >= west or lon <= east)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a 6,371 km sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


# --- events and deployments ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Context:
    """What a predicted record's ids point to, and the gazetteer's name questions."""

    actors: dict[str, Actor]
    places: dict[str, Place]
    names: Any = None


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field is judged, and how its gold and predicted values are said."""

    name: str
    right: Callable[[Any, Any, Context], bool]
    gold_value: Callable[[Any], str]
    predicted_value: Callable[[Any, Context], str]


def _event_actors(e: Any, c: Context) -> list[Actor]:
    return [c.actors[a] for a in e.actors if a in c.actors]


def _deployment_actors(d: Any, c: Context) -> list[Actor]:
    return [c.actors[d.actor]] if d.actor in c.actors else []


def _place_right(g: Any, p: Any, c: Context) -> bool:
    return location_right(g.place, p.lat, p.lon, c.places.get(p.place or ""))


EVENT_RULES: tuple[FieldRule, ...] = (
    FieldRule("type", lambda g, e, c: g.type == e.type, lambda g: g.type, lambda e, c: e.type),
    FieldRule("status", lambda g, e, c: g.status == e.status,
              lambda g: g.status, lambda e, c: e.status),
    FieldRule("date", lambda g, e, c: date_right(g.date, e.date, e.date_precision),
              lambda g: g.date or "none", lambda e, c: _date_text(e.date, e.date_precision)),
    FieldRule("place", _place_right, lambda g: _gold_location_text(g.place),
              lambda e, c: _located_text(e, c)),
    FieldRule("actor", lambda g, e, c: actor_right(g.actors, _event_actors(e, c), c.names),
              lambda g: " / ".join(g.actors) or "none",
              lambda e, c: "; ".join(a.name for a in _event_actors(e, c)) or "none"),
)
DEPLOYMENT_RULES: tuple[FieldRule, ...] = (
    FieldRule("status", lambda g, d, c: g.status == d.status,
              lambda g: g.status, lambda d, c: d.status),
    FieldRule("strength", lambda g, d, c: g.strength == d.strength,
              lambda g: str(g.strength), lambda d, c: str(d.strength)),
    FieldRule("place", _place_right, lambda g: _gold_location_text(g.place),
              lambda d, c: _located_text(d, c)),
    FieldRule("actor", lambda g, d, c: actor_right(g.actor, _deployment_actors(d, c), c.names),
              lambda g: " / ".join(g.actor) or "none",
              lambda d, c: "; ".join(a.name for a in _deployment_actors(d, c)) or "none"),
)
EVENT_FIELDS = tuple(r.name for r in EVENT_RULES)
DEPLOYMENT_FIELDS = tuple(r.name for r in DEPLOYMENT_RULES)


def match_events(gold: Sequence[GoldEvent], predicted: Sequence[Any]) -> list[tuple[Any, Any]]:
    """Gold and predicted events paired one to one: same type first, then larger overlap."""
    return _pair_greedily(gold, predicted, lambda g, e: (
        int(g.type == e.type), record_overlap(g.start, g.end, e)))


def match_deployments(gold: Sequence[GoldDeployment],
                      predicted: Sequence[Any]) -> list[tuple[Any, Any]]:
    """Gold and predicted deployments paired one to one, larger overlap first."""
    return _pair_greedily(gold, predicted, lambda g, d: (record_overlap(g.start, g.end, d),))


def score_events(gold: Sequence[GoldEvent], predicted: Sequence[Any],
                 actors: dict[str, Actor], places: dict[str, Place],
                 names: Any = None) -> RecordScore:
    """Pair gold and predicted events and judge each field on the pairs."""
    return _record_score(match_events(gold, predicted), len(gold), len(predicted),
                         EVENT_RULES, Context(actors, places, names))


def score_deployments(gold: Sequence[GoldDeployment], predicted: Sequence[Any],
                      actors: dict[str, Actor], places: dict[str, Place],
                      names: Any = None) -> RecordScore:
    """Pair gold and predicted deployments and judge each field on the pairs."""
    return _record_score(match_deployments(gold, predicted), len(gold), len(predicted),
                         DEPLOYMENT_RULES, Context(actors, places, names))


def _record_score(pairs: list[tuple[Any, Any]], gold: int, predicted: int,
                  rules: tuple[FieldRule, ...], context: Context) -> RecordScore:
    return RecordScore(
        counts=_counts(len(pairs), gold, predicted),
        fields=tuple((rule.name, Ratio(sum(bool(rule.right(g, p, context)) for g, p in pairs),
                                       len(pairs)))
                     for rule in rules))


def record_spans(record: Any) -> tuple[tuple[int, int], ...]:
    """The spans that support a record: its ``mentions`` where it has them, and its own."""
    mentions = tuple(tuple(m) for m in getattr(record, "mentions", None) or ())
    return (*mentions, (record.start, record.end))


def record_overlap(start: int, end: int, record: Any) -> int:
    """Characters a gold quote shares with the best of a record's spans."""
    return max(_overlap_len(start, end, s, e) for s, e in record_spans(record))


def date_right(gold: str | None, date: dt.date | None, precision: str = "") -> bool:
    """The predicted date truncated to the gold's precision equals it; a prediction coarser
    than the gold ("2007-12" for "2007-12-05") is wrong; no date is right only for no date."""
    if gold is None or date is None:
        return gold is None and date is None
    wanted = gold.count("-") + 1
    if _PRECISION_RANK.get(precision or "day", 3) < wanted:
        return False
    return date.isoformat()[:len(gold)] == gold


def location_right(gold: GoldLocation | None, lat: float | None, lon: float | None,
                   place: Place | None) -> bool:
    """Within 161 km of the gold point; for a gold country, province or region also a
    prediction in the same country or whose box holds the gold point. No place is right only
    where the gold has none."""
    if gold is None:
        return lat is None and place is None
    if lat is None or lon is None:
        return False
    if haversine_km(gold.lat, gold.lon, lat, lon) <= ACC_KM:
        return True
    if gold.kind in AREA_KINDS and place is not None:
        same_country = bool(gold.country) and place.country_code == gold.country
        return same_country or in_bbox(place.bbox, gold.lat, gold.lon)
    return False


def actor_right(gold: Sequence[str], predicted: Sequence[Actor], names: Any = None) -> bool:
    """A gold name equals (case-folded) a predicted actor's name or alias, or names the country
    of a predicted state actor. No gold actor is right only for no predicted actor."""
    if not gold:
        return not predicted
    wanted = {n.casefold() for n in gold}
    for actor in predicted:
        if actor.name.casefold() in wanted or any(a.casefold() in wanted for a in actor.aliases):
            return True
    if names is None:
        return False
    codes = {names.country_code(n) or names.demonym(n) for n in gold} - {None, ""}
    return any(a.type == "state" and a.country_code in codes for a in predicted)


# --- mistakes, for a reader looking for classes of error ---------------------------------

@dataclass(frozen=True, slots=True)
class Mistake:
    """One thing the pipeline got wrong on a gold article, said for a human."""

    #: "place", "event" or "deployment".
    record: str
    #: "missed", "spurious", "location", "unresolved", "literal", or a field's name.
    kind: str
    start: int
    end: int
    text: str
    gold: str = ""
    predicted: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "kind": self.kind, "start": self.start, "end": self.end,
                "text": self.text, "gold": self.gold, "predicted": self.predicted}


def explain_article(gold: GoldArticle, extraction: Extraction,
                    names: Any = None) -> tuple[Mistake, ...]:
    """Every mistake behind the main figures of ``score_article``: places by exact span (demonyms
    kept), events and deployments by the same matching and field rules."""
    text = extraction.article.text
    predicted = [p for p in extraction.places if p.antecedent is None]
    context = Context({a.id: a for a in extraction.actors},
                      {p.id: p for p in extraction.places}, names)
    out = list(_place_mistakes(gold.places, predicted, text))
    if gold.has_events:
        out += _record_mistakes("event", gold.events, extraction.events,
                                match_events(gold.events, extraction.events), EVENT_RULES,
                                context, text)
        out += _record_mistakes("deployment", gold.deployments, extraction.deployments,
                                match_deployments(gold.deployments, extraction.deployments),
                                DEPLOYMENT_RULES, context, text)
    return tuple(out)


def _place_mistakes(gold: Sequence[GoldPlace], predicted: Sequence[Place],
                    text: str) -> list[Mistake]:
    pairs = match_places_exact(gold, predicted)
    matched_gold = {id(g) for g, _ in pairs}
    matched_pred = {id(p) for _, p in pairs}
    out = []
    for g in gold:
        if id(g) not in matched_gold:
            near = [p.surface for p in predicted
                    if _overlap_len(g.start, g.end, p.start, p.end)]
            out.append(Mistake("place", "missed", g.start, g.end, g.surface,
                               _gold_place_text(g), f"overlaps {near[0]!r}" if near else ""))
    for p in predicted:
        if id(p) not in matched_pred:
            near = [g.surface for g in gold if _overlap_len(g.start, g.end, p.start, p.end)]
            out.append(Mistake("place", "spurious", p.start, p.end, p.surface,
                               f"overlaps {near[0]!r}" if near else "", _place_text(p)))
    for g, p in pairs:
        if g.lat is not None and g.lon is not None:
            if p.lat is None or p.lon is None:
                out.append(Mistake("place", "unresolved", g.start, g.end, g.surface,
                                   _gold_place_text(g), "unresolved"))
            else:
                ok, km = point_right(g.lat, g.lon, p)
                if not ok:
                    out.append(Mistake("place", "location", g.start, g.end, g.surface,
                                       _gold_place_text(g), f"{_place_text(p)}, {km:.0f} km"))
        if g.literal is not None and g.literal != p.literal:
            out.append(Mistake("place", "literal", g.start, g.end, g.surface,
                               _literal_text(g.literal), _literal_text(p.literal)))
    return sorted(out, key=lambda m: (m.start, m.end))


def _record_mistakes(record: str, gold: Sequence[Any], predicted: Sequence[Any],
                     pairs: list[tuple[Any, Any]], rules: tuple[FieldRule, ...],
                     context: Context, text: str) -> list[Mistake]:
    matched_gold = {id(g) for g, _ in pairs}
    matched_pred = {id(p) for _, p in pairs}
    kind_of = (lambda r: r.type) if record == "event" else (lambda r: r.status)
    out = [Mistake(record, "missed", g.start, g.end, g.quote, kind_of(g))
           for g in gold if id(g) not in matched_gold]
    out += [Mistake(record, "spurious", p.start, p.end, _clip(text[p.start:p.end]), "",
                    kind_of(p)) for p in predicted if id(p) not in matched_pred]
    for g, p in pairs:
        out += [Mistake(record, rule.name, g.start, g.end, g.quote, rule.gold_value(g),
                        rule.predicted_value(p, context))
                for rule in rules if not rule.right(g, p, context)]
    return sorted(out, key=lambda m: (m.start, m.end))


def _gold_place_text(g: GoldPlace) -> str:
    where = f"{g.lat:.2f},{g.lon:.2f}" if g.lat is not None and g.lon is not None else "no point"
    extra = ", ".join(x for x in (g.kind, g.country, "demonym" if g.demonym else "") if x)
    return f"{where} ({extra})" if extra else where


def _place_text(p: Place) -> str:
    if p.lat is None or p.lon is None:
        return f"{p.name or p.surface}: unresolved"
    about = ", ".join(x for x in (p.kind, p.country_code) if x)
    return f"{p.name} ({about}) {p.lat:.2f},{p.lon:.2f}"


def _gold_location_text(g: GoldLocation | None) -> str:
    if g is None:
        return "none"
    return f"{g.name or '?'} ({g.kind or 'place'}, {g.country or '?'}) {g.lat:.2f},{g.lon:.2f}"


def _located_text(record: Any, c: Context) -> str:
    place = c.places.get(record.place or "")
    if record.lat is None or record.lon is None:
        return f"{place.surface}: no point" if place else "none"
    name = f"{place.name} ({place.kind}, {place.country_code}) " if place else ""
    return f"{name}{record.lat:.2f},{record.lon:.2f}"


def _date_text(date: dt.date | None, precision: str) -> str:
    if date is None:
        return "none"
    return date.isoformat()[:{"year": 4, "month": 7}.get(precision, 10)]


def _literal_text(literal: bool) -> str:
    return "literal" if literal else "non-literal"


def _clip(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- matching ------------------------------------------------------------------------------

def _pair_greedily(gold: Sequence[Any], predicted: Sequence[Any],
                   strength: Callable[[Any, Any], tuple[int, ...]]) -> list[tuple[Any, Any]]:
    """One-to-one pairs, strongest first (ties in text order). ``strength`` returns a tuple
    whose last item is the overlap in characters: pairs that do not overlap never match."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            key = strength(g, p)
            if key[-1] > 0:
                candidates.append((tuple(-k for k in key), gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gold[gi], predicted[pi]))
    return pairs


def _overlap_len(s1: int, e1: int, s2: int, e2: int) -> int:
    return max(0, min(e1, e2) - max(s1, s2))


def _counts(tp: int, gold: int, predicted: int) -> Counts:
    return Counts(tp=tp, fp=predicted - tp, fn=gold - tp)


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
