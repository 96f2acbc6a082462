"""Frozen records that flow through the pipeline: one article in, one Extraction out.

Every extracted fact carries its provenance: character offsets into ``Article.text``
(a ``str`` index, after BOM removal and newline normalisation) and the sentence it came from.
Identifiers (``p1``, ``a1``, ``e1``, ``d1``) are local to one Extraction; code that mixes
articles keys records by ``(article.id, record.id)``.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import json
import operator
from dataclasses import dataclass, field
from typing import Any

#: Place kinds, from most to least specific.
PLACE_KINDS = ("facility", "city", "admin1", "admin2", "water", "region", "directional_region", "country")
#: How exactly a coordinate is known.
PRECISIONS = ("point", "admin1", "region", "country")
EVENT_TYPES = (
    "meeting", "visit", "statement", "request", "report", "clash", "deployment", "decision", "other",
)
EVENT_STATUSES = ("occurred", "ongoing", "planned", "expected", "possible", "hypothetical")
DEPLOYMENT_STATUSES = ("stationed", "deployed", "reinforcement", "withdrawal", "planned", "proposed")
ACTOR_TYPES = ("state", "organization", "person", "group")
DATE_PRECISIONS = ("day", "month", "year")
#: Where an event's or a deployment's place or date came from, best evidence first
#: (``dashboard/extract/grounding.py``); "" when nothing supported one.
GROUNDING_BASES = ("stated", "reference", "sentence", "inherited", "focus", "dateline")


def quick_init(cls: type) -> type:
    """``cls`` (a frozen dataclass with slots) with an ``__init__`` that stores each field
    through its slot's descriptor: the generated one calls ``object.__setattr__`` by name per
    field, a third slower, and the pipeline builds tens of thousands of records a second.
    Fields, defaults, order and equality are unchanged; a default factory is not supported."""
    fields = dataclasses.fields(cls)
    if any(f.default_factory is not dataclasses.MISSING or not f.init for f in fields):
        raise TypeError(f"{cls.__name__}: quick_init needs plain defaults")
    scope: dict[str, Any] = {}
    params, body = [], []
    for i, f in enumerate(fields):
        scope[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            scope[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        body.append(f"    _set{i}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), scope)  # noqa: S102
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


@dataclass(frozen=True, slots=True)
class Article:
    """One news report as read from disk (or pasted in)."""

    id: str
    text: str
    title: str = ""
    summary: str = ""
    source: str = ""
    published: dt.date | None = None
    path: str = ""
    #: Offset in ``text`` where the body starts (after title, summary and dateline).
    body_start: int = 0


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the article text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article, with its offsets."""

    start: int
    end: int
    text: str


@quick_init
@dataclass(frozen=True, slots=True)
class Place:
    """One mention of a place, resolved (lat/lon set) or not (lat/lon None)."""

    id: str
    surface: str
    start: int
    end: int
    sentence: str = ""
    name: str = ""
    kind: str = ""
    country_code: str = ""
    admin1: str = ""
    lat: float | None = None
    lon: float | None = None
    #: (south, west, north, east)
    bbox: tuple[float, float, float, float] | None = None
    geonameid: int | None = None
    #: False when the name stands for a government or a people ("Belgrade said").
    literal: bool = True
    #: Actor id a non-literal mention stands for.
    actor: str | None = None
    #: Place id of the earlier mention this one refers back to ("the town").
    antecedent: str | None = None
    confidence: float = 0.0
    precision: str = ""
    #: GeoJSON geometry text for areas (directional regions, countries), else None.
    geometry: str | None = None

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None

    def but(self, **changes: Any) -> Place:
        """A copy with ``changes``: ``dataclasses.replace`` at a third of its cost (it reads
        the class's field list and checks each field anew, for every one of the dozens of
        mentions an article's stages rewrite)."""
        values = list(_place_values(self))
        for name, value in changes.items():
            try:
                values[_PLACE_INDEX[name]] = value
            except KeyError:
                raise TypeError(f"Place has no field {name!r}") from None
        return Place(*values)


_PLACE_NAMES = tuple(f.name for f in dataclasses.fields(Place))
_place_values = operator.attrgetter(*_PLACE_NAMES)
_PLACE_INDEX = {name: i for i, name in enumerate(_PLACE_NAMES)}


@quick_init
@dataclass(frozen=True, slots=True)
class Actor:
    """A state, organisation, person or group, with every mention merged."""

    id: str
    name: str
    type: str
    country_code: str = ""
    aliases: tuple[str, ...] = ()
    #: (start, end) of each mention.
    mentions: tuple[tuple[int, int], ...] = ()
    #: Title or role of a person ("Defense Minister").
    role: str = ""
    #: Who a person or unit belongs to ("Serbia", "NATO").
    affiliation: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression resolved against the dateline (``date`` None when it cannot be)."""

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: str = ""
    #: "before", "after", "by", "until", "around" or "".
    qualifier: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, happens or may happen."""

    id: str
    type: str
    summary: str
    actors: tuple[str, ...] = ()
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    date: dt.date | None = None
    date_text: str = ""
    date_precision: str = ""
    date_qualifier: str = ""
    status: str = "occurred"
    sentence: str = ""
    start: int = 0
    end: int = 0
    #: Which evidence gave the place / the date (``GROUNDING_BASES``; "" when none did).
    place_basis: str = ""
    date_basis: str = ""
    #: The evidence in words ("place from the meeting in Brussels"), or why there is none.
    place_note: str = ""
    date_note: str = ""
    #: (start, end) of every stretch that reports this record (repeats merged into it).
    mentions: tuple[tuple[int, int], ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Deployment:
    """Troops of some actor or unit at (or bound for) a place."""

    id: str
    actor: str | None
    unit: str
    strength: int | None = None
    strength_qualifier: str = ""
    strength_text: str = ""
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    status: str = "stationed"
    date: dt.date | None = None
    sentence: str = ""
    start: int = 0
    end: int = 0
    #: Which evidence gave the place / the date (``GROUNDING_BASES``; "" when none did).
    place_basis: str = ""
    date_basis: str = ""
    #: The evidence in words ("place from the meeting in Brussels"), or why there is none.
    place_note: str = ""
    date_note: str = ""
    #: (start, end) of every stretch that reports this record (repeats merged into it).
    mentions: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Options:
    """The choices the data offers the filter widgets: actors with their record counts (most
    first), the date span, the event types, statuses and articles. Made from the frames in
    memory (``ui.filters.options``) or by the dataset's store (``store.query``)."""

    actors: tuple[tuple[str, int], ...]
    first: dt.date | None
    last: dt.date | None
    types: tuple[str, ...]
    statuses: tuple[str, ...]
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the pipeline could not do, said for a human."""

    kind: str
    message: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    places: tuple[Place, ...] = ()
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    deployments: tuple[Deployment, ...] = ()
    problems: tuple[Problem, ...] = ()
    dates: tuple[DateMention, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; its shape is ``dashboard/extraction.schema.json``. Place
        geometries are decoded once and shared between calls: treat the result as read-only."""
        art = self.article
        return {
            "article": {
                "id": art.id, "path": art.path, "title": art.title, "summary": art.summary,
                "source": art.source, "published": _jsonable(art.published),
                "body_start": art.body_start, "text": art.text,
            },
            "places": [_place_dict(p) for p in self.places],
            "actors": [_jsonable(a) for a in self.actors],
            "events": [_jsonable(e) for e in self.events],
            "deployments": [_jsonable(d) for d in self.deployments],
            "problems": [_jsonable(p) for p in self.problems],
            "dates": [_jsonable(d) for d in self.dates],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """Inverse of :meth:`to_dict` (for saved datasets and benchmarks)."""
        art = dict(data["article"])
        article = Article(
            id=art["id"], text=art.get("text", ""), title=art.get("title", ""),
            summary=art.get("summary", ""), source=art.get("source", ""),
            published=_date(art.get("published")), path=art.get("path", ""),
            body_start=art.get("body_start", 0),
        )
        return cls(
            article=article,
            places=tuple(_place_from(p) for p in data.get("places", ())),
            actors=tuple(_record_from(Actor, a) for a in data.get("actors", ())),
            events=tuple(_record_from(Event, e) for e in data.get("events", ())),
            deployments=tuple(_record_from(Deployment, d) for d in data.get("deployments", ())),
            problems=tuple(_record_from(Problem, p) for p in data.get("problems", ())),
            dates=tuple(_record_from(DateMention, d) for d in data.get("dates", ())),
        )


def _place_dict(place: Place) -> dict[str, Any]:
    out = _jsonable(place)
    out["geometry"] = _geometry(place.geometry) if place.geometry else None
    out["resolved"] = place.resolved
    return out


@functools.lru_cache(maxsize=1024)
def _geometry(text: str) -> dict[str, Any]:
    """A polygon's GeoJSON, decoded once: the same country outlines recur in article after
    article, and decoding them was most of the cost of writing JSON. The dict is shared
    between results: read it, do not change it."""
    return json.loads(text)


def _place_from(data: dict[str, Any]) -> Place:
    data = dict(data)
    geometry = data.pop("geometry", None)
    data["geometry"] = json.dumps(geometry) if isinstance(geometry, dict) else geometry
    return _record_from(Place, data)


def _record_from(cls: type, data: dict[str, Any]) -> Any:
    """Build a record from its JSON form: lists to tuples, ISO strings to dates."""
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "date":
            value = _date(value)
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[f.name] = value
    return cls(**values)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _jsonable(value: Any) -> Any:
    """Records, dates and tuples to plain JSON values (most values are plain already: they
    are tested first, as writing JSON lines cost as much as extracting them)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {name: _jsonable(getattr(value, name)) for name in _field_names(type(value))}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))
