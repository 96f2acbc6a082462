"""Cross-article events: reports of one event in several articles merged into one group.

Two event reports match when every criterion of :class:`MergeRules` holds: they come from
different articles, have the same type, share an actor (by name or alias, case-blind), are
within ``max_km`` of each other (both points) or name the same area (both an admin-1 region,
region or country: the same gazetteer id), and their day-precise dates are at most
``max_days`` apart. Reports without a day-precise date, an actor or a location never match:
there is nothing to tell two such events apart. The groups are the connected components of
the matches (single linkage), with two guards: a match whose union would spread a group's dates
over more than ``max_days`` is refused, so a daily series of clashes in one town does not chain
into one event, and so is one that would hold two events of one article (the pipeline already
merged an article's repeats). A report meets its matches closest first (date gap, distance,
shared actors). Chains can still join two reports that do not match each other directly
(A~B, B~C puts A and C together even 2 x ``max_km`` apart); every group lists the matches
that built it (:class:`Link`), so each member's presence is explained.

Cost: reports are indexed by (type, day, actor) and then by spatial cell; each report looks
only at the earlier ones under its own type and actors, on its day and the ``max_days`` before,
in the cells of a 3-D grid that its ``max_km`` neighbourhood reaches (no trouble at the poles or
the date line). Linear in the number of reports (``benchmarks/bench_crossref.py``: 0.7 s for
100,000); quadratic only among reports that share type, days, actor and cell.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dashboard.records import Extraction, Place

EARTH_KM = 6371.0088
#: Place precisions that are areas: two of them match when they are the same area.
AREA_PRECISIONS = frozenset({"admin1", "region", "country"})
#: Dates known to the day ("": a record that does not say, as older datasets' records).
DAY_PRECISIONS = frozenset({"day", ""})


@dataclass(frozen=True, slots=True)
class MergeRules:
    """When two reports are of one event; the defaults are the documented ones."""

    #: Two points further apart than this are different events.
    max_km: float = 10.0
    #: Two dates further apart than this (days) are different events; also the widest spread
    #: of dates inside one group.
    max_days: int = 1


@dataclass(frozen=True, slots=True)
class Report:
    """One event of one article, reduced to what matching needs and what a reader is shown."""

    article_id: str
    event_id: str
    type: str
    date: dt.date | None
    #: Actor names as the article gives them, and their case-folded names and aliases.
    actors: tuple[str, ...] = ()
    actor_keys: frozenset[str] = field(default=frozenset())
    lat: float | None = None
    lon: float | None = None
    #: Non-empty when the event is located only to an area (``gn:<geonameid>``, or the area's
    #: kind, country and name): it then matches by area, not by distance.
    area: str = ""
    place_name: str = ""
    summary: str = ""
    title: str = ""
    source: str = ""

    @property
    def key(self) -> str:
        """The report's id across articles, as the dashboard's tables write it."""
        return f"{self.article_id}:{self.event_id}"

    @property
    def mergeable(self) -> bool:
        return bool(self.date and self.actor_keys and (self.area or self.lat is not None))


@dataclass(frozen=True, slots=True)
class Link:
    """Why two reports were joined: the criteria that held, with their measures."""

    a: str
    b: str
    type: str
    shared_actors: tuple[str, ...]
    #: Distance in km between two points; None when both are the same area.
    distance_km: float | None
    #: The area both name ("" for points).
    area: str
    date_gap_days: int
    #: The two reports' place names, as their articles give them.
    places: tuple[str, str] = ("", "")

    def explain(self) -> str:
        names = " / ".join(dict.fromkeys(n for n in self.places if n))
        where = (f"{self.distance_km:.1f} km apart" if self.distance_km is not None
                 else "same area") + (f" ({names})" if names else "")
        gap = self.date_gap_days
        days = "same day" if gap == 0 else f"{gap} day{'' if gap == 1 else 's'} apart"
        return (f"{self.a} ~ {self.b}: same type {self.type}; shared actors "
                f"{', '.join(self.shared_actors)}; {where}; {days}")


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One event reported by two or more reports (like GDELT's NumMentions/NumArticles/
    NumSources). ``id`` is its first report's key (earliest date, then article and event id)."""

    id: str
    type: str
    first_date: dt.date
    last_date: dt.date
    #: The reports' keys (``article:event``), first report first.
    members: tuple[str, ...]
    #: Distinct articles, and distinct non-empty sources, in the order of the members.
    articles: tuple[str, ...]
    sources: tuple[str, ...]
    #: Actor names of every member, most reported first.
    actors: tuple[str, ...]
    #: Where the first report puts it (the members are within ``max_km`` of their links).
    place_name: str
    lat: float | None
    lon: float | None
    #: The matches that built the group (one fewer than the members).
    links: tuple[Link, ...]

    @property
    def num_reports(self) -> int:
        return len(self.members)

    @property
    def num_articles(self) -> int:
        return len(self.articles)

    @property
    def num_sources(self) -> int:
        return len(self.sources)

    def explain(self) -> str:
        return "; ".join(link.explain() for link in self.links)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``$defs/merged_event`` in ``dashboard/extraction.schema.json``)."""
        return {
            "id": self.id, "type": self.type, "first_date": self.first_date.isoformat(),
            "last_date": self.last_date.isoformat(), "num_reports": self.num_reports,
            "num_articles": self.num_articles, "num_sources": self.num_sources,
            "members": list(self.members), "articles": list(self.articles),
            "sources": list(self.sources), "actors": list(self.actors),
            "place_name": self.place_name, "lat": self.lat, "lon": self.lon,
            "links": [{"a": k.a, "b": k.b, "type": k.type, "shared_actors": list(k.shared_actors),
                       "distance_km": None if k.distance_km is None else round(k.distance_km, 3),
                       "area": k.area, "date_gap_days": k.date_gap_days,
                       "places": list(k.places),
                       "explanation": k.explain()} for k in self.links],
        }


# ------------------------------------------------------------------------------ reports in
def reports_of(extraction: Extraction) -> Iterator[Report]:
    """The reports of one extraction's events (cheap: keep these, not the extractions)."""
    art = extraction.article
    places = {p.id: p for p in extraction.places}
    actors = {a.id: a for a in extraction.actors}
    for event in extraction.events:
        named = [actors[a] for a in event.actors if a in actors]
        keys = frozenset(k.casefold() for a in named for k in (a.name, *a.aliases) if k)
        place = places.get(event.place) if event.place else None
        lat, lon = (event.lat, event.lon) if event.lat is not None or place is None else (
            place.lat, place.lon)
        yield Report(
            art.id, event.id, event.type,
            event.date if event.date_precision in DAY_PRECISIONS else None,
            tuple(a.name for a in named), keys, lat, lon, _area_key(place),
            (place.name or place.surface) if place else "", event.summary, art.title, art.source)


def _area_key(place: Place | None) -> str:
    if place is None or place.precision not in AREA_PRECISIONS:
        return ""
    if place.geonameid is not None:
        return f"gn:{place.geonameid}"
    return f"{place.kind}:{place.country_code}:{(place.name or place.surface).casefold()}"


# ------------------------------------------------------------------------------ matching
def match(a: Report, b: Report, rules: MergeRules = MergeRules()) -> Link | None:
    """The link between two reports when every criterion holds, else None."""
    if a.article_id == b.article_id or a.type != b.type or not (a.mergeable and b.mergeable):
        return None
    gap = abs((a.date - b.date).days)
    shared = a.actor_keys & b.actor_keys
    if gap > rules.max_days or not shared:
        return None
    if a.area or b.area:
        if a.area != b.area:
            return None
        distance = None
    else:
        distance = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if distance > rules.max_km:
            return None
    names = tuple(n for n in a.actors if n.casefold() in shared) or tuple(sorted(shared))
    return Link(a.key, b.key, a.type, names, distance, a.area, gap, (a.place_name, b.place_name))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


#: Grid cells are this many times ``max_km`` wide: a report's neighbourhood then spans one or
#: two cells per axis (1.5 on average, about 3.4 cells in all instead of 27 of ``max_km``).
CELL_WIDTH = 4


def _xyz_km(report: Report) -> tuple[float, float, float]:
    lat, lon = math.radians(report.lat), math.radians(report.lon)
    return (EARTH_KM * math.cos(lat) * math.cos(lon), EARTH_KM * math.cos(lat) * math.sin(lon),
            EARTH_KM * math.sin(lat))


def _cell(report: Report, max_km: float) -> tuple:
    """The report's spatial cell: its area, or a cube of the sphere's 3-D coordinates."""
    if report.area:
        return ("area", report.area)
    size = CELL_WIDTH * max_km
    return tuple(math.floor(c / size) for c in _xyz_km(report))


def _near(report: Report, max_km: float) -> list[tuple]:
    """The cells that hold every point within ``max_km`` of the report (a chord is never
    longer than its arc, so a cube of ``max_km`` around its 3-D point covers them)."""
    if report.area:
        return [("area", report.area)]
    size = CELL_WIDTH * max_km
    spans = [range(math.floor((c - max_km) / size), math.floor((c + max_km) / size) + 1)
             for c in _xyz_km(report)]
    return [(x, y, z) for x in spans[0] for y in spans[1] for z in spans[2]]


# ------------------------------------------------------------------------------ grouping
class _Groups:
    """Union-find over report indexes, keeping each group's date span and articles."""

    def __init__(self, reports: list[Report]) -> None:
        self.parent = list(range(len(reports)))
        self.first = [r.date.toordinal() for r in reports]
        self.last = list(self.first)
        self.articles = [{r.article_id} for r in reports]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, max_days: int) -> bool:
        """Join the groups of ``a`` and ``b`` unless their dates would spread over more than
        ``max_days`` or both hold a report of one article (the pipeline already merged an
        article's repeats, so two of its events are two events)."""
        ra, rb = self.find(a), self.find(b)
        first, last = min(self.first[ra], self.first[rb]), max(self.last[ra], self.last[rb])
        if ra == rb or last - first > max_days or not self.articles[ra].isdisjoint(
                self.articles[rb]):
            return False
        if len(self.articles[ra]) < len(self.articles[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.first[ra], self.last[ra] = first, last
        self.articles[ra] |= self.articles[rb]
        self.articles[rb] = set()
        return True


def merge(reports: Iterable[Report], rules: MergeRules = MergeRules()) -> tuple[MergedEvent, ...]:
    """The events reported more than once, each with its members and the links that joined
    them; ordered by first date, then id. Reports of one event only are left out."""
    with _collector_paused():
        return _merge(reports, rules)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the index is built: it makes no cycles, but the
    collector would walk the growing index again and again (3.1 s instead of 0.7 s for 100,000
    reports)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _merge(reports: Iterable[Report], rules: MergeRules) -> tuple[MergedEvent, ...]:
    ordered = sorted((r for r in reports if r.mergeable),
                     key=lambda r: (r.date, r.article_id, r.event_id))
    groups = _Groups(ordered)
    links: list[tuple[int, Link]] = []
    #: (type, day, actor) -> spatial cell -> report indexes; most keys of a report are absent,
    #: so its neighbouring cells are looked at only under the few keys that are there.
    index: dict[tuple, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, report in enumerate(ordered):
        day, cell = report.date.toordinal(), _cell(report, rules.max_km)
        found = [(link, j) for j in _candidates(index, report, day, rules)
                 if groups.find(i) != groups.find(j)
                 and (link := match(ordered[j], report, rules)) is not None]
        for link, j in sorted(found, key=_closeness):  # the closest report first
            if groups.union(j, i, rules.max_days):
                links.append((i, link))
        for actor in report.actor_keys:
            index[(report.type, day, actor)][cell].append(i)
    return _collect(ordered, groups, links)


def _closeness(found: tuple[Link, int]) -> tuple:
    link, j = found
    return (link.date_gap_days, link.distance_km or 0.0, -len(link.shared_actors), j)


def _candidates(index: dict, report: Report, day: int, rules: MergeRules) -> list[int]:
    seen: set[int] = set()
    near: list[tuple] | None = None
    for near_day in range(day - rules.max_days, day + 1):  # earlier reports only: each pair once
        for actor in report.actor_keys:
            cells = index.get((report.type, near_day, actor))
            if cells:
                near = near or _near(report, rules.max_km)
                for cell in near:
                    seen.update(cells.get(cell, ()))
    return sorted(seen)


def _collect(ordered: list[Report], groups: _Groups,
             links: list[tuple[int, Link]]) -> tuple[MergedEvent, ...]:
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ordered)):
        members[groups.find(i)].append(i)
    by_root: dict[int, list[Link]] = defaultdict(list)
    for i, link in links:
        by_root[groups.find(i)].append(link)
    out = [_merged([ordered[i] for i in found], tuple(by_root[root]))
           for root, found in members.items() if len(found) > 1]
    return tuple(sorted(out, key=lambda m: (m.first_date, m.id)))


def _merged(found: list[Report], links: tuple[Link, ...]) -> MergedEvent:
    first = found[0]
    counts: dict[str, int] = defaultdict(int)
    for report in found:
        for name in dict.fromkeys(report.actors):
            counts[name] += 1
    return MergedEvent(
        id=first.key, type=first.type, first_date=first.date,
        last_date=max(r.date for r in found), members=tuple(r.key for r in found),
        articles=tuple(dict.fromkeys(r.article_id for r in found)),
        sources=tuple(dict.fromkeys(r.source for r in found if r.source)),
        actors=tuple(sorted(counts, key=lambda n: -counts[n])),
        place_name=first.place_name, lat=first.lat, lon=first.lon, links=links)


def all_reports(extractions: Iterable[Extraction]) -> list[Report]:
    """The reports of many extractions, the collector paused as in :func:`merge` (beside the
    extractions of 100,000 events, reading and merging took 13.7 s with it on, 2.0 s off)."""
    with _collector_paused():
        return [r for ex in extractions for r in reports_of(ex)]


def merge_events(extractions: Iterable[Extraction],
                 rules: MergeRules = MergeRules()) -> tuple[MergedEvent, ...]:
    """The merged events of many extractions (see :func:`merge`)."""
    return merge(all_reports(extractions), rules)
