"""Country and admin-1 outlines by code, read from the gazetteer index for the choropleth.

The index (``dashboard.geo.gazetteer``) keeps a GeoJSON outline for most countries (Natural
Earth) and first-level subdivisions (``dashboard.geo.admin1_outlines``); a choropleth needs
them by code (a city row names its subdivision by code only) and with less detail than the
resolver keeps, so each outline is simplified once, when first asked for, and cached.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

#: Douglas-Peucker tolerance and rounding, in degrees: about a pixel at zoom 6.
TOLERANCE = 0.03
DECIMALS = 2


@dataclass(frozen=True, slots=True)
class Outline:
    """One area's name and its simplified outline (a GeoJSON geometry mapping, as JSON)."""

    name: str
    geometry: str


class Areas:
    """Read-only outlines from one index file; safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                                   uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.country = functools.lru_cache(maxsize=512)(self._country)
        self.admin1 = functools.lru_cache(maxsize=8192)(self._admin1)

    def _first(self, sql: str, params: tuple) -> Outline | None:
        with self._lock:
            row = self._db.execute(sql, params).fetchone()
        return _outline(row[0], row[1]) if row else None

    def _country(self, code: str) -> Outline | None:
        """The country with this ISO 3166-1 alpha-2 code, or None without an outline."""
        return self._first("SELECT name, geometry FROM places WHERE kind = 'country' AND "
                           "country_code = ? AND geometry IS NOT NULL LIMIT 1", (code,))

    def _admin1(self, country: str, code: str) -> Outline | None:
        """The subdivision ``code`` of ``country`` (the index's admin1 code), or None."""
        return self._first("SELECT name, geometry FROM places WHERE kind = 'admin1' AND "
                           "country_code = ? AND admin1 = ? AND geometry IS NOT NULL "
                           "ORDER BY length(geometry) DESC LIMIT 1", (country, code))


def _outline(name: str, text: str) -> Outline | None:
    try:
        geometry = shape(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    simple = shapely.set_precision(
        shapely.simplify(geometry, TOLERANCE, preserve_topology=True), 10 ** -DECIMALS)
    if simple.is_empty:
        simple = geometry.envelope
    return Outline(name=name, geometry=json.dumps(mapping(simple), separators=(",", ":")))
