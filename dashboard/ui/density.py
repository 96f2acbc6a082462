"""How many events happened where: heat-map points and counts per country and admin-1 region.

Pure counting over the (filtered, time-windowed) frames; the map layers are drawn by
:mod:`dashboard.ui.density_layers`. An event counts where its place is: a town in its country
and its admin-1 region, a region in itself and its country, a country in itself only. The heat
map takes only events located at a town or a site ("point" precision): an event known only to
a country would otherwise make a hot spot at the country's centre, where nothing happened.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from dashboard.ui.tables import Frames

#: Heat-map points are merged on a grid this fine (degrees): about 100 m.
HEAT_DECIMALS = 3


@dataclass(frozen=True, slots=True)
class Density:
    """What the density layers draw."""

    #: (lat, lon, events) per point location, merged on the grid.
    heat: tuple[tuple[float, float, int], ...]
    #: Events per country code, most first.
    countries: tuple[tuple[str, int], ...]
    #: Events per (country code, admin-1 code), most first.
    regions: tuple[tuple[tuple[str, str], int], ...]
    #: Events with a place on the map that no country is known for (own coordinates).
    unplaced: int = 0

    @property
    def empty(self) -> bool:
        return not (self.heat or self.countries or self.regions)


def heat_points(events: pd.DataFrame) -> tuple[tuple[float, float, int], ...]:
    """Events located at a point, counted per grid cell, the busiest first."""
    located = events[(events["precision"] == "point") & events["lat"].notna()
                     & events["lon"].notna()]
    cells = Counter(zip(located["lat"].astype(float).round(HEAT_DECIMALS),
                        located["lon"].astype(float).round(HEAT_DECIMALS)))
    return tuple((float(lat), float(lon), n) for (lat, lon), n in cells.most_common())


def where(places: pd.DataFrame) -> pd.DataFrame:
    """Each location's country code and admin-1 code ("" when the place is a country or has
    none), indexed by ``loc_key``."""
    located = places[places["loc_key"].notna()].drop_duplicates("loc_key")
    admin1 = located["admin1"].fillna("").astype(str).where(located["kind"] != "country", "")
    return pd.DataFrame({"country": located["country_code"].fillna("").astype(str).to_numpy(),
                         "admin1": admin1.to_numpy()}, index=located["loc_key"].to_numpy())


def count(frames: Frames) -> Density:
    """The heat points and the counts per country and admin-1 region of the frames' events."""
    events = frames.events[frames.events["loc_key"].notna()]
    known = where(frames.places)
    found = known.reindex(events["loc_key"].to_numpy())
    countries = Counter(code for code in found["country"].dropna() if code)
    regions = Counter((country, admin1) for country, admin1
                      in zip(found["country"].fillna(""), found["admin1"].fillna(""))
                      if country and admin1)
    unplaced = int((found["country"].fillna("") == "").sum())
    return Density(heat=heat_points(events), countries=tuple(countries.most_common()),
                   regions=tuple(regions.most_common()), unplaced=unplaced)
