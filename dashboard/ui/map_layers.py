"""Frames to a folium map: an offline base map and one GeoJSON layer per kind; no Streamlit.

The base map (country outlines, opt-in online tiles, attribution) holds no data, so it stays
the same across reruns and streamlit-folium never remounts it; the data travels as feature
groups (``feature_group_to_add``) that the browser swaps in place. Markers are aggregated by
location (``loc_key``): one feature per place and layer, not one folium object per record.
Every string shown in a tooltip or popup is escaped by :mod:`dashboard.ui.highlight`; tooltips end
with ``id: <loc_key>`` so a click can be joined back to the rows.
"""

from __future__ import annotations

import collections
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
from folium.map import Layer
from folium.plugins import MarkerCluster
from folium.template import Template
from folium.utilities import JsCode
from jinja2.utils import htmlsafe_json_dumps

from dashboard.ui import basemap
from dashboard.ui.highlight import escape
from dashboard.ui import tables
from dashboard.ui.tables import Frames

#: Where Streamlit serves ``dashboard/static/`` (``[server] enableStaticServing``).
STATIC_URL = "/app/static/vendor"
#: (XStatic package, file inside it, path under static/vendor/). The ``dist/`` segment matters:
#: streamlit-folium rewrites Leaflet's icon path only when it ends in ``/dist``.
VENDOR_FILES = (
    ("xstatic.pkg.leaflet", "leaflet.js", "leaflet/dist/leaflet.js"),
    ("xstatic.pkg.leaflet", "leaflet.css", "leaflet/dist/leaflet.css"),
    ("xstatic.pkg.leaflet", "images", "leaflet/dist/images"),
    ("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js",
     "leaflet.markercluster/dist/leaflet.markercluster.js"),
    ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css",
     "leaflet.markercluster/dist/MarkerCluster.css"),
    ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css",
     "leaflet.markercluster/dist/MarkerCluster.Default.css"),
)
#: Only Leaflet: folium's default jQuery and Bootstrap serve folium's own popups and icons,
#: which the map does not use; each script is loaded in turn, before the map is drawn.
MAP_JS = [("leaflet", f"{STATIC_URL}/leaflet/dist/leaflet.js")]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/dist/leaflet.css")]
CLUSTER_JS = [("markerclusterjs",
               f"{STATIC_URL}/leaflet.markercluster/dist/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markerclustercss", f"{STATIC_URL}/leaflet.markercluster/dist/MarkerCluster.css"),
    ("markerclusterdefaultcss",
     f"{STATIC_URL}/leaflet.markercluster/dist/MarkerCluster.Default.css"),
]
ATTRIBUTION = ("Places: <a href='https://www.geonames.org/'>GeoNames</a> (CC-BY 4.0) · "
               "Outlines: <a href='https://www.naturalearthdata.com/'>Natural Earth</a> · "
               "Lakes, rivers: GSHHS (LGPL)")
#: Online tile layers, offered in the layer control but off: nothing is fetched until ticked.
ONLINE_TILES = (
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "OpenStreetMap (online)",
     "&copy; OpenStreetMap contributors"),
    ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png", "CARTO light (online)",
     "&copy; OpenStreetMap contributors &copy; CARTO"),
)
LAND_STYLE = {"color": "#9aa5ae", "weight": 0.6, "fillColor": "#f6f4ee", "fillOpacity": 1.0}
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


def install_assets(static_dir: Path) -> Path:
    """Copy Leaflet and MarkerCluster from the XStatic packages to ``static_dir/vendor``."""
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


def base_map(outlines: str | basemap.Offline | None = None) -> folium.Map:
    """The data-free map: the offline basemap, online tiles offered but off, attribution.

    ``outlines`` says what the offline basemap can draw (:class:`basemap.Offline`), or is
    the JSON text from :func:`country_outlines` alone.
    """
    offline = (outlines if isinstance(outlines, basemap.Offline)
               else basemap.Offline(outlines=outlines))
    fmap = folium.Map(location=[30, 10], zoom_start=2, tiles=None, control_scale=True,
                      maxZoom=18, minZoom=1, worldCopyJump=True)
    fmap.default_js, fmap.default_css = list(MAP_JS), list(MAP_CSS)
    fmap.get_root().header.add_child(Element(
        "<style>.leaflet-container{background:#dbe7f0;}</style>"), name="nm_background")
    if offline.outlines:
        _Backdrop(offline.outlines).add_to(fmap)
    basemap.add_to(fmap, offline)
    for tiles, name, attr in ONLINE_TILES:
        folium.TileLayer(tiles, name=name, attr=attr, overlay=True, show=False,
                         control=True).add_to(fmap)
    _Attribution(ATTRIBUTION).add_to(fmap)
    return fmap


class _Text(Element):
    """Text that joins the page as is (the template is compiled once, for the class)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _RawScript:
    """Mixin for elements whose script carries data: branca wraps every rendered script in a
    new Jinja template, which compiles megabytes at every rerun and would evaluate a ``{{``
    or ``{%`` that came from an article. Here the script joins the page as plain text."""

    def render(self, **kwargs) -> None:
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(_Text(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Backdrop(_RawScript, Layer):
    """The country outlines: prepared JSON emitted as is (folium.GeoJson would serialise and
    measure 300 kB on every rerun), drawn on a canvas (hundreds of SVG paths slowed the first
    paint), not interactive, listed in the layer control. It adds itself to the map: its
    render is :class:`_RawScript`'s, not the Layer's that would."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.outlines }}, {
            interactive: false, renderer: L.canvas({padding: 0.5}),
            style: function (f) { return f.properties.style; }}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, outlines: str) -> None:
        super().__init__(name="Country outlines (offline)", overlay=True, control=True)
        self.outlines = outlines

    def get_bounds(self) -> list[list[float]]:
        return [[-90.0, -180.0], [90.0, 180.0]]


def country_outlines(geometries: Iterable[str], tolerance: float = 0.1) -> str:
    """Country polygons (GeoJSON geometry texts) as one small FeatureCollection for the base map.

    Returns JSON text, safe inside a script. The gazetteer's polygons total megabytes; a
    backdrop needs far less detail and would otherwise be resent on every rerun. Rings are simplified (Douglas-Peucker, ``tolerance``
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
            features.append({"type": "Feature", "properties": {"style": LAND_STYLE},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return _json({"type": "FeatureCollection", "features": features})


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
    """Fits the map to the data's bounds whenever the layers are (re)added with new bounds."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            // The same bounds as the last fit (a time window that moved): keep the view.
            var wanted = JSON.stringify({{ this.bounds|tojson }});
            if (map.nm_fitted === wanted) { return; }
            map.nm_fitted = wanted;
            // The iframe may still be sizing itself: measure before fitting, and once more
            // after, unless the view was moved meanwhile (a quick zoom is not undone).
            var fit = function () {
                map.invalidateSize();
                map.fitBounds({{ this.bounds|tojson }}, {maxZoom: 7, padding: [24, 24]});
            };
            var view = function () { return map.getCenter().toString() + map.getZoom(); };
            fit();
            var fitted = view();
            setTimeout(function () { if (view() === fitted) { fit(); } }, 400);
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self.bounds = bounds


#: Field order of one location row in ``window.nm_locs`` (strings already escaped).
LOC_FIELDS = ("loc_key", "lat", "lon", "name", "kind", "precision", "mentions", "surfaces",
              "events", "deployments", "strength", "event_key", "deployment_key", "event_lines",
              "deployment_lines")
#: Builds tooltips and popups in the browser from the location rows. It only concatenates
#: strings that :func:`dashboard.ui.highlight.escape` already made inert with fixed markup.
_LIBRARY = r"""
window.nm = (function () {
    var F = {}; %(fields)s.forEach(function (name, i) { F[name] = i; });
    function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
    function tip(loc, layer) {
        var head = "<b>" + loc[F.name] + "</b>", lines = [];
        if (layer === "places") {
            lines.push(head + " \u00d7" + loc[F.mentions] + " \u00b7 " + loc[F.kind] + " \u00b7 "
                       + loc[F.precision] + " precision", "mentioned as: " + loc[F.surfaces]);
        } else if (layer === "events") {
            lines.push(head + " \u00b7 " + plural(loc[F.events], "event"),
                       loc[F.event_lines][0], "first: " + loc[F.event_key]);
        } else if (layer === "deployments") {
            var troops = loc[F.strength] ? " \u00b7 " + loc[F.strength].toLocaleString("en-US")
                + " troops" : "";
            lines.push(head + " \u00b7 " + plural(loc[F.deployments], "deployment") + troops,
                       loc[F.deployment_lines][0], "first: " + loc[F.deployment_key]);
        } else {
            lines.push(head + " \u00b7 " + loc[F.kind] + " (area)");
        }
        // The newlines survive streamlit-folium's textContent, which drops <br>.
        lines.push("<small>id: " + loc[F.loc_key] + "</small>");
        return lines.join("<br>\n");
    }
    function popup(loc) {
        var out = ["<b>" + loc[F.name] + "</b><br>" + loc[F.kind] + " \u00b7 "
                   + loc[F.lat].toFixed(4) + ", " + loc[F.lon].toFixed(4) + " \u00b7 "
                   + loc[F.precision] + " precision"];
        loc[F.event_lines].concat(loc[F.deployment_lines]).forEach(function (line) {
            out.push("\u2022 " + line);
        });
        var hidden = loc[F.events] - loc[F.event_lines].length
            + loc[F.deployments] - loc[F.deployment_lines].length;
        if (hidden > 0) { out.push("\u2026 and " + hidden + " more in the details panel"); }
        return out.join("<br>");
    }
    // streamlit-folium reports a click only after 250 ms of quiet (it debounces clicks with
    // map moves), so the details panel would wait for it. Report it at once, in the shape it
    // would send, through Streamlit's component protocol; marked as sent, its own debounced
    // report then finds nothing new and stays silent.
    function report(event) {
        var data = window.__GLOBAL_DATA__, tooltip = event.target.getTooltip();
        if (!data || !tooltip || JSON.stringify(data.returned_objects)
                !== '["last_object_clicked_tooltip"]') { return; }
        var span = document.createElement("span");
        span.innerHTML = tooltip.getContent();  // our escaped markup, as streamlit-folium does
        var value = {last_object_clicked_tooltip: (span.textContent || "").trim()};
        if (JSON.stringify(value) === JSON.stringify(data.previous_data)) { return; }
        data.last_object_clicked_tooltip = value.last_object_clicked_tooltip;
        data.previous_data = value;
        window.parent.postMessage({isStreamlitMessage: true, dataType: "json", value: value,
                                   type: "streamlit:setComponentValue"}, "*");
    }
    function bind(marker, loc, layer) {
        marker.bindTooltip(tip(loc, layer), {sticky: false});
        marker.bindPopup(function () { return popup(loc); }, {maxWidth: 360});
        marker.on("click", report);
    }
    function points(parent, rows, styles, layer) {
        var locs = window.nm_locs;
        for (var i = 0; i < rows.length; i++) {
            var loc = locs[rows[i][0]];
            var marker = L.circleMarker([loc[F.lat], loc[F.lon]], styles[rows[i][1]]);
            bind(marker, loc, layer);
            parent.addLayer(marker);
        }
    }
    return {tip: tip, popup: popup, bind: bind, points: points};
})();
""" % {"fields": json.dumps(LOC_FIELDS)}
#: Binds an area polygon (a GeoJSON feature carrying its location row index) like a marker.
_BIND_AREA = JsCode("""function (feature, layer) {
    window.nm.bind(layer, window.nm_locs[feature.properties.i], "areas");
}""")


def _compact_json(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, separators=(",", ":"), **kwargs)


class _Locations(_RawScript, MacroElement):
    """Defines the location rows and the tooltip/popup builder before any layer uses them."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        window.nm_locs = {{ this.data.rows_json }};
        {% endmacro %}""")

    def __init__(self, data: LayerData) -> None:
        super().__init__()
        self.library, self.data = _LIBRARY, data


class _Points(_RawScript, MacroElement):
    """One circle marker per row ``[location index, style index]``, added to the parent."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.nm.points({{ this._parent.get_name() }}, {{ this.points.rows_json }},
                         {{ this.points.styles|tojson }}, {{ this.points.layer|tojson }});
        {% endmacro %}""")

    def __init__(self, points: PointLayer) -> None:
        super().__init__()
        self.points = points


@dataclass(frozen=True, slots=True)
class PointLayer:
    """One point layer's markers: rows ``[location index, style index]`` and the styles."""

    layer: str
    rows: tuple[tuple[int, int], ...]
    styles: tuple[dict[str, Any], ...]
    rows_json: str


@dataclass(frozen=True, slots=True)
class LayerData:
    """Everything the data layers draw, serialised once per filter change.

    The folium elements themselves are built anew on every rerun (:func:`build`): folium
    renames elements while rendering, so a rendered element cannot be rendered again safely.
    """

    rows: tuple[tuple[Any, ...], ...]
    rows_json: str
    points: tuple[PointLayer, ...]
    areas: tuple[dict[str, Any], ...]
    bounds: tuple[tuple[float, float], tuple[float, float]] | None


def _records(spots: pd.DataFrame) -> list[tuple]:
    """The locations as named tuples, read column by column: ``itertuples`` walks Arrow
    columns one boxed value at a time, which made this the slowest step of a filter change."""
    record = collections.namedtuple("Location", spots.columns)
    return [record._make(values) for values in zip(*tables.column_lists(spots, *spots.columns))]


def _rows(records: list[tuple]) -> list[list[Any]]:
    """The locations as compact rows (see :data:`LOC_FIELDS`), every string escaped."""
    esc = escape
    return [
        [r.loc_key, round(float(r.lat), 5), round(float(r.lon), 5), esc(r.name),
         esc(r.kind or "place"), esc(r.precision), int(r.mentions),
         ", ".join(esc(s) for s in r.surfaces), int(r.events), int(r.deployments),
         int(r.strength), esc(r.event_key), esc(r.deployment_key),
         [esc(line) for line in r.event_lines], [esc(line) for line in r.deployment_lines]]
        for r in records
    ]


def prepare(frames: Frames, spots: pd.DataFrame | None = None) -> LayerData:
    """The layers' data for these (filtered) frames; ``spots`` is ``tables.locations(frames)``."""
    spots = (tables.locations(frames) if spots is None else spots).reset_index(drop=True)
    records = _records(spots)
    rows = _rows(records)
    points = tuple(_point_layer(layer, records, column, style)
                   for layer, column, style in (("deployments", "deployments", _deployment_style),
                                                ("events", "events", _event_style),
                                                ("places", "mentions", _place_style)))
    areas = [_area_feature(index, r) for index, r in enumerate(records)
             if isinstance(r.geometry, str)]
    return LayerData(rows=tuple(map(tuple, rows)), rows_json=_json(rows), points=points,
                     areas=tuple(a for a in areas if a is not None), bounds=_bounds(spots))


def _bounds(spots: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Corners that hold every point and the box of every area: a lone country-level place
    (France) shows the country, not the inside of its label point."""
    if not len(spots):
        return None
    lats, lons = list(spots["lat"].astype(float)), list(spots["lon"].astype(float))
    for precision, box in zip(spots["precision"], spots["bbox"]):
        if precision != "point" and isinstance(box, tuple):
            lats += [box[0], box[2]]
            lons += [box[1], box[3]]
    return (min(lats), min(lons)), (max(lats), max(lons))


def _json(value: Any) -> str:
    return htmlsafe_json_dumps(value, dumps=_compact_json)


def build(data: LayerData) -> list[folium.FeatureGroup]:
    """Fresh folium layers, bottom to top: areas, deployments, events, places (toggleable)."""
    areas = folium.FeatureGroup(name=f"{LAYER_NAMES['areas']} ({len(data.areas)})", show=True)
    # The first script of all the layers: it defines what the others (and _BIND_AREA) call.
    _Locations(data).add_to(areas)
    if data.areas:
        folium.GeoJson({"type": "FeatureCollection", "features": list(data.areas)},
                       name="areas", control=False, on_each_feature=_BIND_AREA).add_to(areas)
    groups = [areas] + [_point_group(points) for points in data.points]
    if data.bounds:
        _FitData([list(corner) for corner in data.bounds]).add_to(groups[-1])
    return groups


def layers(frames: Frames, spots: pd.DataFrame | None = None) -> list[folium.FeatureGroup]:
    """The data layers for these frames (:func:`prepare` then :func:`build`)."""
    return build(prepare(frames, spots))


def _point_layer(layer: str, records: list[tuple], count: str, style_of) -> PointLayer:
    """Markers for the locations whose ``count`` field is positive, with shared styles."""
    styles: dict[tuple, int] = {}
    rows = []
    for index, record in enumerate(records):
        if getattr(record, count) > 0:
            style = tuple(sorted(style_of(record).items()))
            rows.append((index, styles.setdefault(style, len(styles))))
    return PointLayer(layer=layer, rows=tuple(rows),
                      styles=tuple(dict(s) for s in styles), rows_json=_json(rows))


def _point_group(points: PointLayer) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{LAYER_NAMES[points.layer]} ({len(points.rows)})",
                                show=True)
    if not points.rows:
        return group
    marker_parent = group
    if len(points.rows) > CLUSTER_AT:
        marker_parent = MarkerCluster(name=points.layer, control=False, options={
            "disableClusteringAtZoom": 9, "chunkedLoading": True})
        marker_parent.default_js = list(CLUSTER_JS)
        marker_parent.default_css = list(CLUSTER_CSS)
        marker_parent.add_to(group)
    _Points(points).add_to(marker_parent)
    return group


def _place_style(spot) -> dict[str, Any]:
    colour = KIND_COLOURS.get(spot.kind, "#1f77b4")
    style = {**PRECISION_STYLES.get(spot.precision, PRECISION_STYLES["point"]),
             "color": colour, "fillColor": colour}
    style["radius"] += round(min(6, 2 * math.log2(spot.mentions))) if spot.mentions > 1 else 0
    return style


def _event_style(spot) -> dict[str, Any]:
    """A filled dot; hollow and dashed where every event there has only an inherited or a
    focus place (the article does not say it happened at this very spot)."""
    style = {"color": EVENT_COLOUR, "fillColor": "#fdae6b", "fillOpacity": 0.7, "weight": 2,
             "radius": 9 + round(min(10, 2.5 * math.log2(spot.events)))}
    if spot.loose_events >= spot.events:
        style.update(fillOpacity=0.0, dashArray="4 3")
    return style


def _deployment_style(spot) -> dict[str, Any]:
    grow = round(min(18, 3 * math.log10(spot.strength + 1))) if spot.strength else 0
    return {"color": DEPLOYMENT_COLOUR, "fillColor": DEPLOYMENT_COLOUR, "fillOpacity": 0.18,
            "weight": 2, "radius": 12 + grow}


def _area_feature(index: int, spot) -> dict[str, Any] | None:
    try:
        geometry = json.loads(spot.geometry)
    except ValueError:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    colour = KIND_COLOURS.get(spot.kind, "#8c564b")
    style = {"color": colour, "fillColor": colour, "fillOpacity": 0.12, "weight": 1.5,
             "dashArray": "5 4"}
    return {"type": "Feature", "geometry": geometry,
            "properties": {"i": int(index), "style": style}}


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
