"""The analyst's filters as a frozen value: apply them to the frames, and carry them in a URL.

One :class:`Filters` narrows every view together. Events and deployments are filtered by
actor, date, type and status; deployments count as the event type ``"deployment"``. Places
follow the records: while any record filter is set, only places where a remaining event or
deployment happened are kept. Articles narrow everything.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from dashboard.records import DEPLOYMENT_STATUSES, EVENT_STATUSES, EVENT_TYPES, Options
from dashboard.ui.tables import Frames

#: The type that selects deployments in the type filter.
DEPLOYMENT_TYPE = "deployment"
KNOWN_TYPES = frozenset(EVENT_TYPES) | {DEPLOYMENT_TYPE}
KNOWN_STATUSES = frozenset(EVENT_STATUSES) | frozenset(DEPLOYMENT_STATUSES)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the analyst asked to see; the default shows everything."""

    actors: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    include_undated: bool = True
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()

    @property
    def narrows_records(self) -> bool:
        """Whether events or deployments are narrowed (not just articles)."""
        return bool(self.actors or self.types or self.statuses or self.start or self.end
                    or not self.include_undated)


def options(frames: Frames) -> Options:
    """Actors with record counts (most frequent first), the date span, types, statuses, articles."""
    counts = Counter(name for names in pd.concat([frames.events["actors"],
                                                  frames.deployments["actors"]])
                     for name in set(names))
    dates = pd.concat([frames.events["date"], frames.deployments["date"]]).dropna()
    types = set(frames.events["type"]) | ({DEPLOYMENT_TYPE} if len(frames.deployments) else set())
    statuses = set(frames.events["status"]) | set(frames.deployments["status"])
    return Options(
        actors=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))),
        first=dates.min().date() if len(dates) else None,
        last=dates.max().date() if len(dates) else None,
        types=tuple(sorted(types)),
        statuses=tuple(sorted(statuses)),
        articles=tuple(frames.articles["article_id"]),
    )


def apply(frames: Frames, filters: Filters) -> Frames:
    """The frames narrowed by ``filters`` (new frames; the input is left alone)."""
    events = _records(_in_articles(frames.events, filters), filters, frames.events["type"])
    deployments = _records(_in_articles(frames.deployments, filters), filters, None)
    places = _in_articles(frames.places, filters)
    if filters.narrows_records:
        kept = set(events["loc_key"].dropna()) | set(deployments["loc_key"].dropna())
        places = places[places["loc_key"].isin(kept)]
    return Frames(events=events, deployments=deployments, places=places,
                  problems=_in_articles(frames.problems, filters),
                  articles=_in_articles(frames.articles, filters))


def _in_articles(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    return frame[frame["article_id"].isin(filters.articles)] if filters.articles else frame


def _records(frame: pd.DataFrame, filters: Filters, types: pd.Series | None) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if filters.actors:
        wanted = set(filters.actors)
        keep &= frame["actors"].map(lambda names: bool(wanted.intersection(names)))
    if filters.types:
        keep &= (frame["type"].isin(filters.types) if types is not None
                 else pd.Series(DEPLOYMENT_TYPE in filters.types, index=frame.index))
    if filters.statuses:
        keep &= frame["status"].isin(filters.statuses)
    keep &= _dates(frame["date"], filters)
    return frame[keep]


def _dates(dates: pd.Series, filters: Filters) -> pd.Series:
    dated = dates.notna()
    inside = pd.Series(True, index=dates.index)
    if filters.start:
        inside &= dates >= pd.Timestamp(filters.start)
    if filters.end:
        inside &= dates <= pd.Timestamp(filters.end)
    return (dated & inside) | (~dated & filters.include_undated)


def at_location(frames: Frames, loc_key: str) -> Frames:
    """Only the records and place mentions at one location (for the details panel)."""
    return replace(frames, **{name: frame[frame["loc_key"] == loc_key] for name, frame in
                              (("events", frames.events), ("deployments", frames.deployments),
                               ("places", frames.places))})


# --- URL ------------------------------------------------------------------------------------

def to_query(filters: Filters) -> dict[str, list[str]]:
    """Filters as query parameters (repeated keys for lists); defaults are left out."""
    query = {"actor": list(filters.actors), "type": list(filters.types),
             "status": list(filters.statuses), "article": list(filters.articles)}
    if filters.start:
        query["from"] = [filters.start.isoformat()]
    if filters.end:
        query["to"] = [filters.end.isoformat()]
    if not filters.include_undated:
        query["undated"] = ["0"]
    return {key: values for key, values in query.items() if values}


def from_query(params: Mapping[str, str | Sequence[str]]) -> Filters:
    """Filters from query parameters; unknown keys and malformed values are ignored."""
    def values(key: str) -> tuple[str, ...]:
        raw = params.get(key, ())
        return _unique((raw,) if isinstance(raw, str) else tuple(raw))

    undated = values("undated")
    return Filters(
        actors=values("actor"),
        start=_date(values("from")),
        end=_date(values("to")),
        include_undated=not undated or undated[-1] not in ("0", "false", "no"),
        types=tuple(t for t in values("type") if t in KNOWN_TYPES),
        statuses=tuple(s for s in values("status") if s in KNOWN_STATUSES),
        articles=values("article"),
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _date(values: tuple[str, ...]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(values[-1]) if values else None
    except ValueError:
        return None
