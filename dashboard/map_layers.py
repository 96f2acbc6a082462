"""Frames to a folium map: an offline base map and one GeoJSON layer per kind; no Streamlit.

The base map (country outlines, opt-in online tiles, attribution) holds no data, so it stays
the same across reruns and streamlit-folium never remounts it; the data travels as feature
groups (``feature_group_to_add``) that the browser swaps in place. Markers are aggregated by
location (``loc_key``): one feature per place and layer, not one folium object per record.
Every string shown in a tooltip or popup is escaped by :mod:`dashboard.highlight`; tooltips end
with ``id: <loc_key>`` so a click can be joined back to the rows.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template
from folium.utilities import JsCode

from dashboard.highlight import escape
from dashboard.tables import Frames

#: Where Streamlit serves ``dashboard/static/`` (``[server] enableStaticServing``).
STATIC_URL = "/app/static/vendor"
#: (XStatic package, file inside it, path under static/vendor/). The ``dist/`` segment matters:
#: streamlit-folium rewrites Leaflet's icon path only when it ends in ``/dist``.
VENDOR_FILES = (
    ("xstatic.pkg.leaflet", "leaflet.js", "leaflet/dist/leaflet.js"),
    ("xstatic.pkg.leaflet", "leaflet.css", "leaflet/dist/leaflet.css"),
    ("xstatic.pkg.leaflet", "images", "leaflet/dist/images"),
    ("xstatic.pkg.jquery", "jquery.min.js", "jquery/dist/jquery.min.js"),
    ("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js",
     "leaflet.markercluster/dist/leaflet.markercluster.js"),
    ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css",
     "leaflet.markercluster/dist/MarkerCluster.css"),
    ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css",
     "leaflet.markercluster/dist/MarkerCluster.Default.css"),
)
MAP_JS = [("leaflet", f"{STATIC_URL}/leaflet/dist/leaflet.js"),
          ("jquery", f"{STATIC_URL}/jquery/dist/jquery.min.js")]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/dist/leaflet.css")]
CLUSTER_JS = [("markerclusterjs",
               f"{STATIC_URL}/leaflet.markercluster/dist/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markerclustercss", f"{STATIC_URL}/leaflet.markercluster/dist/MarkerCluster.css"),
    ("markerclusterdefaultcss",
     f"{STATIC_URL}/leaflet.markercluster/dist/MarkerCluster.Default.css"),
]
ATTRIBUTION = ("Places: <a href='https://www.geonames.org/'>GeoNames</a> (CC-BY 4.0) · "
               "Outlines: <a href='https://www.naturalearthdata.com/'>Natural Earth</a>")
#: Online tile layers, offered in the layer control but off: nothing is fetched until ticked.
ONLINE_TILES = (
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "OpenStreetMap (online)",
     "&copy; OpenStreetMap contributors"),
    ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png", "CARTO light (online)",
     "&copy; OpenStreetMap contributors &copy; CARTO"),
)
#: Above this many markers in one layer, the layer is clustered.
CLUSTER_AT = 400
LAYER_NAMES = {"areas": "Areas", "deployments": "Deployments", "events": "Events",
               "places": "Places"}
KIND_COLOURS = {"facility": "#1f77b4", "city": "#1f77b4", "admin1": "#9467bd",
                "water": "#17becf", "region": "#8c564b", "directional_region": "#8c564b",
                "country": "#555555"}
#: How a place of each precision is drawn: a city is a filled dot, a country a dashed ring.
PRECISION_STYLES = {
    "point": {"fillOpacity": 0.85, "weight": 1, "radius": 6},
    "admin1": {"fillOpacity": 0.35, "weight": 2, "radius": 9, "dashArray": "6 3"},
    "region": {"fillOpacity": 0.15, "weight": 2, "radius": 12, "dashArray": "4 4"},
    "country": {"fillOpacity": 0.0, "weight": 2, "radius": 14, "dashArray": "2 5"},
}
EVENT_COLOUR = "#e6550d"
DEPLOYMENT_COLOUR = "#c51b8a"
_ID_PATTERN = re.compile(r"(?:^|\s)id: ((?:gn|pl):[0-9a-z]+)")
#: Binds each feature's (already escaped) tooltip and popup HTML to its own marker, so they
#: work inside a marker cluster too, and streamlit-folium reads the tooltip of the clicked one.
_BIND = JsCode("""function(feature, layer) {
    layer.bindTooltip(feature.properties.tip, {sticky: false});
    layer.bindPopup(feature.properties.popup, {maxWidth: 360});
}""")


def install_assets(static_dir: Path) -> Path:
    """Copy Leaflet, MarkerCluster and jQuery from the XStatic packages into ``static_dir/vendor``."""
    vendor = static_dir / "vendor"
    for package, name, target in VENDOR_FILES:
        source = Path(importlib.import_module(package).BASE_DIR) / name
        dest = vendor / target
        if dest.exists() and (source.is_dir() or dest.stat().st_size == source.stat().st_size):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, dest)
    return vendor


def base_map(outlines: str | None = None) -> folium.Map:
    """The data-free map: offline country outlines, online tiles offered but off, attribution."""
    fmap = folium.Map(location=[30, 10], zoom_start=2, tiles=None, control_scale=True,
                      maxZoom=18, minZoom=1, worldCopyJump=True)
    fmap.default_js, fmap.default_css = list(MAP_JS), list(MAP_CSS)
    fmap.get_root().header.add_child(Element(
        "<style>.leaflet-container{background:#dbe7f0;}</style>"), name="nm_background")
    if outlines:
        folium.GeoJson(_styled_outlines(outlines), name="Country outlines (offline)",
                       overlay=True, interactive=False).add_to(fmap)
    for tiles, name, attr in ONLINE_TILES:
        folium.TileLayer(tiles, name=name, attr=attr, overlay=True, show=False,
                         control=True).add_to(fmap)
    _Attribution(ATTRIBUTION).add_to(fmap)
    return fmap


def country_outlines(geometries: Iterable[str], tolerance: float = 0.1) -> str:
    """Country polygons (GeoJSON geometry texts) as one small FeatureCollection for the base map.

    The gazetteer's polygons total megabytes; a backdrop needs far less detail and would
    otherwise be resent on every rerun. Rings are simplified (Douglas-Peucker, ``tolerance``
    in degrees), rounded to 0.01 degree, and dropped when smaller than half the tolerance.
    """
    features = []
    for text in geometries:
        geometry = json.loads(text)
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [])
        kept = [[_simplify(ring, tolerance) for ring in polygon] for polygon in polygons]
        kept = [[r for r in polygon if len(r) >= 4] for polygon in kept]
        kept = [polygon for polygon in kept if polygon and _extent(polygon[0]) >= tolerance / 2]
        if kept:
            features.append({"type": "Feature", "properties": {},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":"))


def _simplify(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on one closed ring, iteratively (rings have thousands of points)."""
    if len(ring) < 5:
        return [[round(x, 2), round(y, 2)] for x, y, *_ in ring]
    keep = {0, len(ring) - 1}
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            gap = _offset(ring[i], ring[first], ring[last])
            if gap > far:
                far, index = gap, i
        if far > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    points = [[round(ring[i][0], 2), round(ring[i][1], 2)] for i in sorted(keep)]
    return [p for n, p in enumerate(points) if n == 0 or p != points[n - 1]]


def _offset(point, start, end) -> float:
    """Distance (degrees) from ``point`` to the segment start-end."""
    (px, py), (ax, ay), (bx, by) = point[:2], start[:2], end[:2]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _extent(ring: list[list[float]]) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _styled_outlines(outlines: str) -> dict[str, Any]:
    """The outline polygons with a land style and no other properties (smaller payload)."""
    style = {"color": "#9aa5ae", "weight": 0.6, "fillColor": "#f6f4ee", "fillOpacity": 1.0}
    features = [{"type": "Feature", "geometry": f["geometry"], "properties": {"style": style}}
                for f in json.loads(outlines).get("features", ()) if f.get("geometry")]
    return {"type": "FeatureCollection", "features": features}


class _Attribution(MacroElement):
    """Adds a fixed credit line to the map's attribution control (shown with no tiles too)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}""")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _FitData(MacroElement):
    """Fits the map to the data's bounds whenever the layers are (re)added."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {maxZoom: 7, padding: [24, 24]});
        {% endmacro %}""")

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self.bounds = bounds


@dataclass(frozen=True, slots=True)
class Location:
    """One place on the map, with everything that the filtered frames put there."""

    key: str
    name: str
    kind: str
    precision: str
    lat: float
    lon: float
    geometry: str | None
    surfaces: tuple[str, ...]
    mentions: int
    events: tuple[dict[str, Any], ...]
    deployments: tuple[dict[str, Any], ...]

    @property
    def strength(self) -> int:
        return sum(int(d["strength"]) for d in self.deployments if _known(d.get("strength")))


def locations(frames: Frames) -> dict[str, Location]:
    """The filtered frames grouped by location key."""
    places = frames.places[frames.places["loc_key"].notna()]
    events = frames.events[frames.events["loc_key"].notna()]
    deployments = frames.deployments[frames.deployments["loc_key"].notna()]
    where = _where(places, events, deployments)
    by_place = {k: g for k, g in places.groupby("loc_key", sort=False)}
    by_event = {k: g for k, g in events.groupby("loc_key", sort=False)}
    by_deploy = {k: g for k, g in deployments.groupby("loc_key", sort=False)}
    out = {}
    for key, spot in where.items():
        mentions = by_place.get(key)
        out[key] = Location(
            key=key, name=spot["name"], kind=spot["kind"], precision=spot["precision"] or "point",
            lat=float(spot["lat"]), lon=float(spot["lon"]), geometry=spot["geometry"],
            surfaces=tuple(dict.fromkeys(mentions["surface"])) if mentions is not None else (),
            mentions=len(mentions) if mentions is not None else 0,
            events=_records(by_event.get(key)), deployments=_records(by_deploy.get(key)),
        )
    return out


def _where(places: pd.DataFrame, events: pd.DataFrame,
           deployments: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Name, kind, precision and coordinates of each location; place rows win over records."""
    spots: dict[str, dict[str, Any]] = {}
    for frame, name, kind in ((deployments, "place_name", "place_kind"),
                              (events, "place_name", "place_kind"), (places, "name", "kind")):
        for row in frame.drop_duplicates("loc_key", keep="first").to_dict("records"):
            spots[row["loc_key"]] = {
                "name": row[name] or f"{row['lat']:.3f}, {row['lon']:.3f}", "kind": row[kind],
                "precision": row["precision"], "lat": row["lat"], "lon": row["lon"],
                "geometry": row.get("geometry") if isinstance(row.get("geometry"), str) else None,
            }
    return spots


def _records(group: pd.DataFrame | None) -> tuple[dict[str, Any], ...]:
    if group is None:
        return ()
    return tuple(group.sort_values("date", na_position="last").to_dict("records"))


def _known(value: Any) -> bool:
    return value is not None and value is not pd.NA and not (
        isinstance(value, float) and math.isnan(value))


def layers(frames: Frames) -> list[folium.FeatureGroup]:
    """The data layers, bottom to top: areas, deployments, events, places (each toggleable)."""
    spots = locations(frames)
    groups = [
        _polygon_group("areas", [s for s in spots.values() if s.geometry]),
        _point_group("deployments", [s for s in spots.values() if s.deployments],
                     _deployment_feature),
        _point_group("events", [s for s in spots.values() if s.events], _event_feature),
        _point_group("places", [s for s in spots.values() if s.mentions], _place_feature),
    ]
    if spots:
        lats = [s.lat for s in spots.values()]
        lons = [s.lon for s in spots.values()]
        _FitData([[min(lats), min(lons)], [max(lats), max(lons)]]).add_to(groups[-1])
    return groups


def _point_group(layer: str, spots: list[Location], feature) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{LAYER_NAMES[layer]} ({len(spots)})", show=True)
    if not spots:
        return group
    data = {"type": "FeatureCollection", "features": [feature(s) for s in spots]}
    geojson = folium.GeoJson(data, name=layer, control=False, on_each_feature=_BIND,
                             marker=folium.CircleMarker(radius=6, fill=True))
    if len(spots) > CLUSTER_AT:
        cluster = MarkerCluster(name=layer, control=False,
                                options={"disableClusteringAtZoom": 9, "chunkedLoading": True})
        cluster.default_js, cluster.default_css = list(CLUSTER_JS), list(CLUSTER_CSS)
        geojson.add_to(cluster)
        cluster.add_to(group)
    else:
        geojson.add_to(group)
    return group


def _polygon_group(layer: str, spots: list[Location]) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{LAYER_NAMES[layer]} ({len(spots)})", show=True)
    features = [_area_feature(s) for s in spots]
    features = [f for f in features if f is not None]
    if features:
        folium.GeoJson({"type": "FeatureCollection", "features": features}, name=layer,
                       control=False, on_each_feature=_BIND).add_to(group)
    return group


def _feature(spot: Location, tip: str, style: dict[str, Any],
             geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    geometry = geometry or {"type": "Point", "coordinates": [spot.lon, spot.lat]}
    return {"type": "Feature", "geometry": geometry,
            # The newlines survive streamlit-folium's textContent, which drops <br>.
            "properties": {"tip": f"{tip}<br><small>id: {spot.key}</small>".replace(
                               "<br>", "<br>\n"),
                           "popup": popup_html(spot), "style": style}}


def _place_feature(spot: Location) -> dict[str, Any]:
    style = {**PRECISION_STYLES.get(spot.precision, PRECISION_STYLES["point"]),
             "color": KIND_COLOURS.get(spot.kind, "#1f77b4"),
             "fillColor": KIND_COLOURS.get(spot.kind, "#1f77b4")}
    style["radius"] += min(6, 2 * math.log2(spot.mentions)) if spot.mentions > 1 else 0
    said = ", ".join(escape(s) for s in spot.surfaces[:3])
    tip = (f"<b>{escape(spot.name)}</b> ×{spot.mentions} · {escape(spot.kind or 'place')} · "
           f"{escape(spot.precision)} precision<br>mentioned as: {said}")
    return _feature(spot, tip, style)


def _event_feature(spot: Location) -> dict[str, Any]:
    count = len(spot.events)
    style = {"color": EVENT_COLOUR, "fillColor": "#fdae6b", "fillOpacity": 0.7, "weight": 2,
             "radius": 9 + min(10, 2.5 * math.log2(count))}
    keys = " ".join(escape(e["key"]) for e in spot.events[:3])
    more = f" +{count - 3}" if count > 3 else ""
    tip = (f"<b>{escape(spot.name)}</b> · {count} event{'s' * (count != 1)}<br>"
           f"{_event_line(spot.events[0])}<br>events: {keys}{more}")
    return _feature(spot, tip, style)


def _deployment_feature(spot: Location) -> dict[str, Any]:
    count, strength = len(spot.deployments), spot.strength
    radius = 12 + (min(18, 3 * math.log10(strength + 1)) if strength else 0)
    style = {"color": DEPLOYMENT_COLOUR, "fillColor": DEPLOYMENT_COLOUR, "fillOpacity": 0.18,
             "weight": 2, "radius": radius}
    keys = " ".join(escape(d["key"]) for d in spot.deployments[:3])
    troops = f" · {strength:,} troops" if strength else ""
    tip = (f"<b>{escape(spot.name)}</b> · {count} deployment{'s' * (count != 1)}{troops}<br>"
           f"deployments: {keys}{' +' + str(count - 3) if count > 3 else ''}")
    return _feature(spot, tip, style)


def _area_feature(spot: Location) -> dict[str, Any] | None:
    try:
        geometry = json.loads(spot.geometry or "")
    except ValueError:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    colour = KIND_COLOURS.get(spot.kind, "#8c564b")
    style = {"color": colour, "fillColor": colour, "fillOpacity": 0.12, "weight": 1.5,
             "dashArray": "5 4"}
    tip = f"<b>{escape(spot.name)}</b> · {escape(spot.kind or 'area')} (area)"
    return _feature(spot, tip, style, geometry)


def _event_line(event: dict[str, Any]) -> str:
    date = event["date"].date().isoformat() if _known(event.get("date")) else "undated"
    return f"{date} · {escape(event['type'])} ({escape(event['status'])})"


def popup_html(spot: Location, limit: int = 4) -> str:
    """Escaped popup: name, kind, coordinates, precision and what happened there."""
    lines = [f"<b>{escape(spot.name)}</b><br>{escape(spot.kind or 'place')} · "
             f"{spot.lat:.4f}, {spot.lon:.4f} · {escape(spot.precision)} precision"]
    for event in spot.events[:limit]:
        lines.append(f"• {_event_line(event)}: {escape(_short(event['summary']))}")
    for dep in spot.deployments[:limit]:
        strength = f"{int(dep['strength']):,} " if _known(dep.get("strength")) else ""
        who = escape(", ".join(dep["actors"]) or dep["unit"])
        lines.append(f"• {strength}troops of {who} ({escape(dep['status'])})")
    hidden = max(0, len(spot.events) - limit) + max(0, len(spot.deployments) - limit)
    if hidden:
        lines.append(f"… and {hidden} more in the details panel")
    return "<br>".join(lines)


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def selected_location(tooltip_text: str | None) -> str | None:
    """The location key a clicked tooltip names (its last ``id: ...``), or None."""
    found = _ID_PATTERN.findall(tooltip_text or "")
    return found[-1] if found else None


def layer_control() -> folium.LayerControl:
    """The control that lists the base map's layers and the data layers."""
    return folium.LayerControl(collapsed=True, position="topright")


def standalone(frames: Frames, outlines: str | None = None) -> folium.Map:
    """Base map with the data layers and control attached: for tests and saved HTML."""
    fmap = base_map(outlines)
    for group in layers(frames):
        group.add_to(fmap)
    layer_control().add_to(fmap)
    return fmap
