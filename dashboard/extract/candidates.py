"""The ranked readings of one name, worked out on demand: what an analyst chooses from.

The resolver does not keep every mention's candidates (an extraction would carry ten times
the places); the details panel asks again for the one mention being corrected, through the
same ``resolve.Lookup`` and the same context-free part of the resolver's score (kind or
population, exact name, capital, fame). The article's context, which moved the resolver's
choice, is not in these scores: the resolver's pick is flagged instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.extract.resolve import PRECISION, Lookup
from dashboard.geo.gazetteer import Candidate
from dashboard.records import Place

#: How sharply score differences split the share, as in the resolver's confidence.
SHARPNESS = 1.5
LIMIT = 10


@dataclass(frozen=True, slots=True)
class Ranked:
    """One reading of a name, with its score and its share of the score mass."""

    candidate: Candidate
    score: float
    share: float
    #: The reading the mention has now.
    chosen: bool = False


def ranked(lookup: Lookup, name: str, current: Place | None = None,
           limit: int = LIMIT) -> tuple[Ranked, ...]:
    """The gazetteer's readings of ``name``, best first; the one ``current`` is located at is
    marked chosen."""
    reading = lookup.reading(name, "")
    options = reading.options[:limit]
    scores = reading.base[:limit] if reading.base else (0.0,) * len(options)
    shares = _shares(scores)
    out = [Ranked(o, round(s, 2), round(w, 3), _same(o, current))
           for o, s, w in zip(options, scores, shares)]
    return tuple(sorted(out, key=lambda r: -r.score))


def margin(lookup: Lookup, name: str) -> float:
    """How far the best reading's share leads the second's (1.0 for a lone reading)."""
    reading = lookup.reading(name, "")
    if len(reading.options) < 2:
        return 1.0
    top, second = sorted(_shares(reading.base), reverse=True)[:2]
    return round(top - second, 3)


def located_as(place: Place, candidate: Candidate) -> Place:
    """``place`` located at ``candidate`` (what a correction stores)."""
    return place.but(name=candidate.name, kind=candidate.kind,
                     country_code=candidate.country_code, admin1=candidate.admin1,
                     lat=candidate.lat, lon=candidate.lon, bbox=candidate.bbox,
                     geonameid=candidate.geonameid, geometry=candidate.geometry,
                     precision=PRECISION.get(candidate.kind, "point"))


def _shares(scores: Sequence[float]) -> list[float]:
    if not scores:
        return []
    best = max(scores)
    weights = [math.exp(SHARPNESS * (s - best)) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]


def _same(option: Candidate, place: Place | None) -> bool:
    if place is None or not place.resolved:
        return False
    if option.geonameid is not None and place.geonameid is not None:
        return option.geonameid == place.geonameid
    return option.name == place.name and abs(option.lat - place.lat) < 1e-4
