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

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, mapping, shape

#: Douglas-Peucker tolerance (degrees) for countries, seen whole at zooms 2-5, and for
#: admin-1 regions (about a pixel at zoom 6); coordinates are rounded to 0.01 degree.
COUNTRY_TOLERANCE = 0.1
ADMIN1_TOLERANCE = 0.03
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
        # The index has no key on admin1 codes: the few thousand areas' row ids, once.
        self._rows: dict[tuple[str, str, str], int] = {}
        for rowid, kind, country, code in self._db.execute(
                "SELECT id, kind, country_code, admin1 FROM places WHERE geometry IS NOT NULL "
                "AND kind IN ('country', 'admin1') ORDER BY length(geometry)"):
            self._rows[(kind, country, code if kind == "admin1" else "")] = rowid
        self.country = functools.lru_cache(maxsize=512)(self._country)
        self.admin1 = functools.lru_cache(maxsize=8192)(self._admin1)
        self.name = functools.lru_cache(maxsize=8192)(self._name)

    def _row(self, key: tuple[str, str, str], columns: str) -> tuple | None:
        """``columns`` of the area ``(kind, country, admin1 code)``, or None without one."""
        rowid = self._rows.get(key)
        if rowid is None:
            return None
        with self._lock:
            return self._db.execute(f"SELECT {columns} FROM places WHERE id = ?",
                                    (rowid,)).fetchone()

    def _read(self, key: tuple[str, str, str], tolerance: float) -> Outline | None:
        row = self._row(key, "name, geometry")
        return _outline(*row, tolerance) if row else None

    def _name(self, country: str, code: str = "") -> str | None:
        """The name of the country ``country`` or, with ``code``, of its subdivision of that
        admin1 code (what a city row names only by code); None for an area without an
        outline."""
        row = self._row(("admin1", country, code) if code else ("country", country, ""), "name")
        return row[0] if row else None

    def _country(self, code: str) -> Outline | None:
        """The country with this ISO 3166-1 alpha-2 code, or None without an outline."""
        return self._read(("country", code, ""), COUNTRY_TOLERANCE)

    def _admin1(self, country: str, code: str) -> Outline | None:
        """The subdivision ``code`` of ``country`` (the index's admin1 code), or None. Of
        two rows with one code, the more detailed outline."""
        return self._read(("admin1", country, code), ADMIN1_TOLERANCE)


def _outline(name: str, text: str, tolerance: float) -> Outline | None:
    """The outline simplified, without the islands too small to see at that tolerance;
    None when it cannot be read."""
    try:
        geometry = shape(json.loads(text))
        parts = list(getattr(geometry, "geoms", [geometry]))
        seen = [part for part in parts if part.area >= 4 * tolerance ** 2] or [
            max(parts, key=lambda part: part.area)]
        kept = seen[0] if len(seen) == 1 else MultiPolygon(seen)
        # Rounded, not snapped (set_precision): some source outlines are not valid polygons.
        simple = shapely.transform(shapely.simplify(kept, tolerance, preserve_topology=True),
                                   lambda xy: np.round(xy, DECIMALS))
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError):
        return None
    if simple.is_empty:
        simple = geometry.envelope
    return Outline(name=name, geometry=json.dumps(mapping(simple), separators=(",", ":")))
