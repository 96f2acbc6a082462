"""Frames to a folium map: an offline base map, areas, point layers and a legend; no Streamlit.

The base map (offline basemap, opt-in online tiles, attribution) holds no data, so it stays
the same across reruns and streamlit-folium never remounts it; the data travels as feature
groups (``feature_group_to_add``) that the browser swaps in place. Markers are aggregated by
location (``loc_key``): one feature per place and layer, not one folium object per record.
Areas (polygons) and point markers sit in their own Leaflet panes, points on top; a place drawn
as an area has no marker at its centre. Every string shown in a tooltip, popup or the legend is
escaped by :mod:`dashboard.ui.highlight`; tooltips are words only, and a click reports
``<tooltip text>\nid: <loc_key>`` (:func:`selected_location`) so it can be joined to the rows.
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
KIND_COLOURS = {"facility": "#455a64", "city": "#455a64", "admin1": "#9467bd",
                "water": "#17becf", "region": "#8c564b", "directional_region": "#8c564b",
                "country": "#555555"}
#: A place kind in words (anything else: its name with spaces).
KIND_LABELS = {"admin1": "province or state", "water": "water body", "": "place"}
#: How precisely a place is known, in words; a point needs none.
PRECISION_LABELS = {"point": "", "admin1": "known to the province", "region": "known to the region",
                    "country": "known to the country"}
#: How a place known only as an area, with no outline to draw, is marked: a dashed ring.
PRECISION_STYLES = {
    "admin1": {"fillOpacity": 0.2, "weight": 2, "radius": 9, "dashArray": "6 3"},
    "region": {"fillOpacity": 0.1, "weight": 2, "radius": 12, "dashArray": "4 4"},
    "country": {"fillOpacity": 0.0, "weight": 2, "radius": 14, "dashArray": "2 5"},
}
#: Towns and sites: a dark dot (the events and deployments there ring it in colour).
PLACE_COLOUR = "#263238"
OTHER_COLOUR = "#7f7f7f"
#: Event types (``records.EVENT_TYPES``) and statuses, and deployment statuses, to colours
#: told apart on the basemap's pale land (ColorBrewer Set1/Dark2 hues).
EVENT_TYPE_COLOURS = {"clash": "#e41a1c", "deployment": "#ff7f00", "meeting": "#377eb8",
                      "visit": "#4daf4a", "statement": "#984ea3", "request": "#a65628",
                      "decision": "#1b9e77", "report": "#e7298a", "other": OTHER_COLOUR}
EVENT_STATUS_COLOURS = {"occurred": "#b2182b", "ongoing": "#ef8a62", "planned": "#2166ac",
                        "expected": "#67a9cf", "possible": "#8073ac",
                        "hypothetical": "#b8b8b8"}
DEPLOYMENT_STATUS_COLOURS = {"stationed": "#7b3294", "deployed": "#c51b8a",
                             "reinforcement": "#f768a1", "withdrawal": "#4d4d4d",
                             "planned": "#1a9850", "proposed": "#91cf60"}
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
    fmap.get_root().header.add_child(Element(LEGEND_CSS), name="nm_legend_css")
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
    """Fits the map to the data whenever the layers are (re)added with new bounds, then
    de-crowds the view: while half or more of the point markers would overlap another, it
    zooms in (up to
    :data:`DECROWD_MAX_ZOOM`) on the largest overlapping group. Clustered layers are left to
    the clusters."""

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
                map.fitBounds({{ this.bounds|tojson }}, {maxZoom: 7, padding: [24, 24],
                                                         animate: false});
                window.nm.decrowd(map, {{ this.max_zoom|tojson }});
            };
            var view = function () { return map.getCenter().toString() + map.getZoom(); };
            fit();
            var fitted = view();
            setTimeout(function () { if (view() === fitted) { fit(); } }, 400);
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, bounds: list[list[float]], max_zoom: int) -> None:
        super().__init__()
        self.bounds, self.max_zoom = bounds, max_zoom


#: The map's value once it has been painted in its frame (:class:`_Drawn`).
DRAWN = "nm_drawn"


class _Drawn(MacroElement):
    """Reports, once per frame, that the map has been painted with its data: the
    component's value becomes ``{"nm_drawn": true}`` (the same protocol as a click's report)
    once a data marker (or a cluster) is on the map and the next frame is painted, so what
    the page draws in answer does not hold the markers back. Clusters are made in chunks
    after the layers' script: it looks every 50 ms (for 5 s at most; at once when the layers
    hold no marker). A frame reports once: later layers (a filter change) report nothing."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var data = window.__GLOBAL_DATA__, started = Date.now();
            if (!data || data.nm_drawn) { return; }
            data.nm_drawn = true;
            var markers = window.nm_markers || {};
            var any = Object.keys(markers).some(function (k) { return markers[k].length; });
            var shown = function () {
                var found = false;
                map.eachLayer(function (layer) {
                    found = found || !!(layer.nm_loc && layer instanceof L.CircleMarker)
                        || !!(L.MarkerCluster && layer instanceof L.MarkerCluster);
                });
                return found;
            };
            var report = function () {
                window.parent.postMessage({isStreamlitMessage: true, dataType: "json",
                                           value: {{ {this.key: True}|tojson }},
                                           type: "streamlit:setComponentValue"}, "*");
            };
            (function wait() {
                if (any && !shown() && Date.now() - started < 5000) {
                    setTimeout(wait, 50);
                    return;
                }
                requestAnimationFrame(function () { setTimeout(report, 0); });
            })();
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}""")

    key = DRAWN


#: Field order of one location row in ``window.nm_locs`` (strings already escaped; ``kind``
#: and ``precision`` in words): only what the browser reads (the styles come with the
#: markers), since every location's row is in the map's payload.
LOC_FIELDS = ("loc_key", "lat", "lon", "name", "kind", "precision", "surfaces", "events",
              "deployments", "strength", "event_lines", "deployment_lines", "loose_events",
              "loose_deployments", "event_type", "event_status")
#: The de-crowding zooms in no further than this (a town and its suburbs).
DECROWD_MAX_ZOOM = 11
#: Leaflet panes of the data, above the basemap (150, labels 350) and Leaflet's overlay pane
#: (400; the density layers): areas, then markers of places known only as an area, then
#: point markers. A click at a town's position reaches the town, never the region around it.
PANES = {"nmAreas": 410, "nmAreaMarks": 420, "nmPoints": 450}
#: Builds tooltips and popups in the browser from the location rows. It only concatenates
#: strings that :func:`dashboard.ui.highlight.escape` already made inert with fixed markup.
_LIBRARY_TEMPLATE = r"""
window.nm = (function () {
    var F = {}; %(fields)s.forEach(function (name, i) { F[name] = i; });
    var PALETTES = %(palettes)s, PANES = %(panes)s;
    // One formatter for every number: toLocaleString makes a new one per call, which took
    // about 0.5 s of the first map's script at 10,000 events (12,000 tooltips).
    var NUMBER = new Intl.NumberFormat("en-US");
    function plural(n, word) {
        return NUMBER.format(n) + " " + word + (n === 1 ? "" : "s");
    }
    function counts(loc) {
        var parts = [];
        if (loc[F.events]) { parts.push(plural(loc[F.events], "event")); }
        if (loc[F.deployments]) { parts.push(plural(loc[F.deployments], "deployment")); }
        return parts.join(", ");
    }
    function inferred(loose, all) {
        if (!loose) { return ""; }
        return loose >= all ? "<i>place inferred from the article, not stated</i>"
            : "<i>" + loose + " of " + all + " placed by inference</i>";
    }
    function tip(loc, layer) {
        var said = counts(loc);
        var lines = ["<b>" + loc[F.name] + "</b> \u00b7 " + loc[F.kind]
                     + (said ? " \u00b7 " + said : "")];
        if (layer === "events") {
            lines.push(loc[F.event_lines][0], inferred(loc[F.loose_events], loc[F.events]));
        } else if (layer === "deployments") {
            if (loc[F.strength]) {
                lines.push(NUMBER.format(loc[F.strength]) + " troops in all");
            }
            lines.push(loc[F.deployment_lines][0],
                       inferred(loc[F.loose_deployments], loc[F.deployments]));
        }
        if ((layer === "places" || layer === "areas") && loc[F.surfaces]) {
            lines.push("mentioned as: " + loc[F.surfaces]);
        }
        // The newlines survive a textContent, which drops <br>.
        return lines.filter(Boolean).join("<br>\n");
    }
    function popup(loc) {
        var said = counts(loc);
        var out = ["<b>" + loc[F.name] + "</b><br>" + loc[F.kind] + " \u00b7 "
                   + loc[F.lat].toFixed(4) + ", " + loc[F.lon].toFixed(4)
                   + (loc[F.precision] ? " \u00b7 " + loc[F.precision] : "")
                   + (said ? "<br>" + said : "")];
        loc[F.event_lines].concat(loc[F.deployment_lines]).forEach(function (line) {
            out.push("\u2022 " + line);
        });
        var hidden = loc[F.events] - loc[F.event_lines].length
            + loc[F.deployments] - loc[F.deployment_lines].length;
        if (hidden > 0) { out.push("\u2026 and " + hidden + " more in the details panel"); }
        return out.join("<br>");
    }
    // The click is reported at once, through Streamlit's component protocol, as
    // {last_object_clicked_tooltip: "<the tooltip's text>\nid: <location key>"}: the id joins
    // the click to the rows without being shown. streamlit-folium's own (debounced, 250 ms)
    // report is off: the app asks it to return nothing.
    function report(event) {
        var data = window.__GLOBAL_DATA__, marker = event.target, tooltip = marker.getTooltip();
        if (!data || !marker.nm_loc || !tooltip) { return; }
        var span = document.createElement("span");
        span.innerHTML = tooltip.getContent();  // our escaped markup, as streamlit-folium does
        var value = {last_object_clicked_tooltip: (span.textContent || "").trim()
                     + "\nid: " + marker.nm_loc[F.loc_key]};
        if (JSON.stringify(value) === JSON.stringify(data.nm_reported)) { return; }
        data.nm_reported = value;
        window.parent.postMessage({isStreamlitMessage: true, dataType: "json", value: value,
                                   type: "streamlit:setComponentValue"}, "*");
    }
    function bind(marker, loc, layer) {
        marker.nm_loc = loc;
        marker.bindTooltip(tip(loc, layer), {sticky: layer === "areas"});
        marker.bindPopup(function () { return popup(loc); }, {maxWidth: 360});
        // One of tooltip and popup at a time: the popup replaces the tooltip it was clicked
        // from, and the tooltip stays shut while its popup is open.
        marker.on("popupopen", function () { marker.closeTooltip(); });
        marker.on("tooltipopen", function () {
            if (marker.isPopupOpen()) { marker.closeTooltip(); }
        });
        marker.on("click", report);
    }
    function init(map) {
        Object.keys(PANES).forEach(function (name) {
            if (!map.getPane(name)) { map.createPane(name).style.zIndex = PANES[name]; }
        });
        if (!document.getElementById("nm-panes-css")) {
            // A pane's SVG covers the map: only its drawn shapes may take the pointer, or the
            // points pane would swallow clicks meant for the areas beneath it.
            var css = document.createElement("style");
            css.id = "nm-panes-css";
            css.textContent = Object.keys(PANES).map(function (name) {
                return ".leaflet-" + name + "-pane > svg";
            }).join(",") + "{pointer-events:none;}";
            document.head.appendChild(css);
        }
        window.nm_markers = {events: [], deployments: [], places: []};
        window.nm_marks = {};
    }
    function points(parent, rows, styles, layer, clustered) {
        var locs = window.nm_locs;
        for (var i = 0; i < rows.length; i++) {
            var loc = locs[rows[i][0]], style = styles[rows[i][1]];
            var marker = L.circleMarker([loc[F.lat], loc[F.lon]], style);
            bind(marker, loc, layer);
            parent.addLayer(marker);
            window.nm_markers[layer].push(marker);
            if (!clustered && style.pane === "nmPoints") {
                window.nm_marks[rows[i][0]] = Math.max(window.nm_marks[rows[i][0]] || 0,
                                                       style.radius);
            }
        }
    }
    // Colour the event markers by type or by status (the legend's switch).
    function colour(mode) {
        window.nm_colour = mode;
        var field = mode === "status" ? F.event_status : F.event_type;
        var palette = PALETTES[mode === "status" ? "event_status" : "event_type"];
        (window.nm_markers ? window.nm_markers.events : []).forEach(function (marker) {
            var c = palette[marker.nm_loc[field]] || PALETTES.other;
            marker.setStyle({color: c, fillColor: c});
        });
        document.querySelectorAll(".nm-legend").forEach(function (box) {
            box.setAttribute("data-colour", mode);
        });
    }
    // Share of point markers that overlap another at ``zoom``, and the largest group of
    // overlapping markers (their location indices).
    function crowding(map, zoom) {
        var locs = window.nm_locs, keys = Object.keys(window.nm_marks || {});
        var spots = keys.map(function (k) {
            var p = map.project([locs[k][F.lat], locs[k][F.lon]], zoom);
            return {k: k, x: p.x, y: p.y, r: window.nm_marks[k], up: null};
        });
        var cell = 2 * Math.max.apply(null, spots.map(function (s) { return s.r; }).concat([1]));
        var grid = {}, crowded = 0;
        function root(s) { while (s.up) { s = s.up; } return s; }
        spots.forEach(function (s) {
            var gx = Math.floor(s.x / cell), gy = Math.floor(s.y / cell);
            for (var dx = -1; dx <= 1; dx++) {
                for (var dy = -1; dy <= 1; dy++) {
                    (grid[(gx + dx) + ":" + (gy + dy)] || []).forEach(function (o) {
                        if (Math.hypot(s.x - o.x, s.y - o.y) < s.r + o.r) {
                            s.hit = o.hit = true;
                            var a = root(s), b = root(o);
                            if (a !== b) { a.up = b; }
                        }
                    });
                }
            }
            (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(s);
        });
        var groups = {};
        spots.forEach(function (s) {
            if (!s.hit) { return; }
            var id = L.stamp(root(s));
            crowded += 1;
            (groups[id] = groups[id] || []).push(s.k);
        });
        var largest = [];
        Object.keys(groups).forEach(function (g) {
            if (groups[g].length > largest.length) { largest = groups[g]; }
        });
        return {share: spots.length ? crowded / spots.length : 0, largest: largest};
    }
    function decrowd(map, maxZoom) {
        var zoom = map.getZoom(), first = crowding(map, zoom);
        if (first.share < 0.5 || zoom >= maxZoom) { return; }
        var locs = window.nm_locs, group = L.latLngBounds(first.largest.map(function (k) {
            return [locs[k][F.lat], locs[k][F.lon]];
        }));
        // The first zoom at which fewer than half overlap, but never so close that the
        // largest group no longer fits the map.
        var fits = Math.max(zoom, map.getBoundsZoom(group.pad(0.15)));
        while (zoom < maxZoom && zoom < fits && crowding(map, zoom).share >= 0.5) { zoom += 1; }
        map.setView(group.getCenter(), zoom, {animate: false});
    }
    return {tip: tip, popup: popup, bind: bind, init: init, points: points, colour: colour,
            crowding: crowding, decrowd: decrowd};
})();
"""
_LIBRARY = _LIBRARY_TEMPLATE % {
    "fields": json.dumps(LOC_FIELDS), "panes": json.dumps(PANES),
    "palettes": json.dumps({"event_type": EVENT_TYPE_COLOURS,
                            "event_status": EVENT_STATUS_COLOURS, "other": OTHER_COLOUR})}
#: Draws the area polygons in their pane, each bound like a marker to its location row.
_AREAS_JS = """
        L.geoJson(%s, {
            pane: "nmAreas",
            style: function (f) { return f.properties.style; },
            onEachFeature: function (feature, layer) {
                window.nm.bind(layer, window.nm_locs[feature.properties.i], "areas");
            }
        }).addTo(%s);
"""


def _compact_json(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, separators=(",", ":"), **kwargs)


class _Locations(_RawScript, MacroElement):
    """Defines the location rows, the tooltip/popup builder and the panes before any layer
    uses them; then draws the areas (polygons), in their pane."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        window.nm.init({{ this._parent._parent.get_name() }});
        window.nm_locs = {{ this.data.rows_json }};
        {{ this.areas }}
        {% endmacro %}""")

    def __init__(self, data: LayerData) -> None:
        super().__init__()
        self.library, self.data = _LIBRARY, data
        self.areas = ""

    def render(self, **kwargs) -> None:
        if self.data.areas:
            self.areas = _AREAS_JS % (
                _json({"type": "FeatureCollection", "features": list(self.data.areas)}),
                self._parent.get_name())
        super().render(**kwargs)


class _Points(_RawScript, MacroElement):
    """One circle marker per row ``[location index, style index]``, added to the parent."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.nm.points({{ this._parent.get_name() }}, {{ this.points.rows_json }},
                         {{ this.points.styles|tojson }}, {{ this.points.layer|tojson }},
                         {{ this.clustered|tojson }});
        {% endmacro %}""")

    def __init__(self, points: PointLayer, clustered: bool = False) -> None:
        super().__init__()
        self.points, self.clustered = points, clustered


class _Legend(_RawScript, MacroElement):
    """The legend, a control on the map (bottom left, folded by a click on its title): what
    the colours, sizes and dashes mean, for what the layers hold, with the switch between
    colouring the events by type or by status. Its HTML is built from fixed words and
    escaped category names; replaced, not repeated, when the layers are added again."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            if (window.nm_legend) { window.nm_legend.remove(); }
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var box = L.DomUtil.create("div", "nm-legend leaflet-control");
                box.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                box.querySelectorAll("input[name=nm-colour]").forEach(function (input) {
                    input.addEventListener("change", function () {
                        window.nm.colour(input.value);
                    });
                });
                return box;
            };
            legend.addTo(map);
            window.nm_legend = legend;
            // A switch made before the layers were redrawn holds for the new markers.
            var mode = window.nm_colour || "type";
            window.nm.colour(mode);
            var input = legend.getContainer().querySelector("input[value=" + mode + "]");
            if (input) { input.checked = true; }
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html


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
    legend: str = ""


def _records(spots: pd.DataFrame) -> list[tuple]:
    """The locations as named tuples, read column by column: ``itertuples`` walks Arrow
    columns one boxed value at a time, which made this the slowest step of a filter change."""
    record = collections.namedtuple("Location", spots.columns)
    return [record._make(values) for values in zip(*tables.column_lists(spots, *spots.columns))]


def kind_label(kind: str | None) -> str:
    """A place kind in words: "directional region", "province or state", "place"."""
    return KIND_LABELS.get(kind or "", (kind or "place").replace("_", " "))


def precision_label(precision: str | None) -> str:
    """How precisely a place is known, in words ("" for a point: nothing to add)."""
    return PRECISION_LABELS.get(precision or "point", f"{precision} level")


def _rows(records: list[tuple]) -> list[list[Any]]:
    """The locations as compact rows (see :data:`LOC_FIELDS`), every string escaped."""
    esc = escape
    return [
        [r.loc_key, round(float(r.lat), 5), round(float(r.lon), 5), esc(r.name),
         esc(kind_label(r.kind)), esc(precision_label(r.precision)),
         ", ".join(esc(s) for s in r.surfaces), int(r.events), int(r.deployments),
         int(r.strength), [esc(line) for line in r.event_lines],
         [esc(line) for line in r.deployment_lines], int(r.loose_events),
         int(r.loose_deployments), esc(r.event_type), esc(r.event_status)]
        for r in records
    ]


def prepare(frames: Frames, spots: pd.DataFrame | None = None) -> LayerData:
    """The layers' data for these (filtered) frames; ``spots`` is ``tables.locations(frames)``.

    A place drawn as an area (a polygon) gets no marker at its centre: the area itself is
    what a pointer finds, and its tooltip counts what happened there.
    """
    spots = (tables.locations(frames) if spots is None else spots).reset_index(drop=True)
    records = _records(spots)
    rows = _rows(records)
    areas = [(index, _area_feature(index, r)) for index, r in enumerate(records)
             if isinstance(r.geometry, str)]
    areas = [(index, feature) for index, feature in areas if feature is not None]
    drawn = {index for index, _ in areas}
    # Biggest first, so a smaller area inside a bigger one stays on top, reachable.
    areas.sort(key=lambda item: -_box_size(records[item[0]].bbox))
    points = tuple(_point_layer(layer, records, column, style, drawn)
                   for layer, column, style in (("deployments", "deployments", _deployment_style),
                                                ("events", "events", _event_style),
                                                ("places", "mentions", _place_style)))
    return LayerData(rows=tuple(map(tuple, rows)), rows_json=_json(rows), points=points,
                     areas=tuple(feature for _, feature in areas), bounds=_bounds(spots),
                     legend=legend_html(records, drawn))


def _box_size(box) -> float:
    return abs((box[2] - box[0]) * (box[3] - box[1])) if isinstance(box, tuple) else 0.0


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


def build(data: LayerData, report_drawn: bool = False) -> list[folium.FeatureGroup]:
    """Fresh folium layers, bottom to top: areas, deployments, events, places (toggleable),
    and the legend; with ``report_drawn``, the map reports once it is first painted
    (:class:`_Drawn`)."""
    areas = folium.FeatureGroup(name=f"{LAYER_NAMES['areas']} ({len(data.areas)})", show=True)
    # The first script of all the layers: it defines what the others call, and the panes.
    _Locations(data).add_to(areas)
    groups = [areas] + [_point_group(points) for points in data.points]
    if data.legend:
        _Legend(data.legend).add_to(groups[-1])
    if data.bounds:
        _FitData([list(corner) for corner in data.bounds], DECROWD_MAX_ZOOM).add_to(groups[-1])
    if report_drawn:
        _Drawn().add_to(groups[-1])
    return groups


def layers(frames: Frames, spots: pd.DataFrame | None = None) -> list[folium.FeatureGroup]:
    """The data layers for these frames (:func:`prepare` then :func:`build`)."""
    return build(prepare(frames, spots))


def _point_layer(layer: str, records: list[tuple], count: str, style_of,
                 skipped: set[int]) -> PointLayer:
    """Markers for the locations whose ``count`` field is positive, with shared styles;
    none for the ``skipped`` (drawn as areas)."""
    styles: dict[tuple, int] = {}
    rows = []
    for index, record in enumerate(records):
        if getattr(record, count) > 0 and index not in skipped:
            style = {**style_of(record), "pane": "nmPoints" if record.precision == "point"
                     else "nmAreaMarks"}
            rows.append((index, styles.setdefault(tuple(sorted(style.items())), len(styles))))
    return PointLayer(layer=layer, rows=tuple(rows),
                      styles=tuple(dict(s) for s in styles), rows_json=_json(rows))


def _point_group(points: PointLayer) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{LAYER_NAMES[points.layer]} ({len(points.rows)})",
                                show=True)
    if not points.rows:
        return group
    marker_parent = group
    clustered = len(points.rows) > CLUSTER_AT
    if clustered:
        marker_parent = MarkerCluster(name=points.layer, control=False, options={
            "disableClusteringAtZoom": 9, "chunkedLoading": True})
        marker_parent.default_js = list(CLUSTER_JS)
        marker_parent.default_css = list(CLUSTER_CSS)
        marker_parent.add_to(group)
    _Points(points, clustered).add_to(marker_parent)
    return group


def _place_style(spot) -> dict[str, Any]:
    """A town is a dark dot with a white rim, growing a little with its mentions; a place
    known only as an area (with no outline to draw) a dashed ring of its kind's colour."""
    grow = round(min(5, 1.5 * math.log2(spot.mentions))) if spot.mentions > 1 else 0
    if spot.precision == "point":
        return {"color": "#ffffff", "fillColor": PLACE_COLOUR, "fillOpacity": 0.95,
                "weight": 1.5, "radius": 5 + grow}
    colour = KIND_COLOURS.get(spot.kind, "#8c564b")
    return {**PRECISION_STYLES.get(spot.precision, PRECISION_STYLES["region"]),
            "color": colour, "fillColor": colour}


def _loose(style: dict[str, Any], loose: int, total: int) -> dict[str, Any]:
    """Hollow and dashed where every record there has only an inherited or a focus place
    (the article does not say it happened at this very spot)."""
    if total and loose >= total:
        style.update(fillOpacity=0.0, dashArray="4 3")
    return style


def _event_style(spot) -> dict[str, Any]:
    """Coloured by the commonest event type there, sized by the number of events."""
    colour = EVENT_TYPE_COLOURS.get(spot.event_type, OTHER_COLOUR)
    style = {"color": colour, "fillColor": colour, "fillOpacity": 0.45, "weight": 2,
             "radius": 9 + round(min(10, 2.5 * math.log2(spot.events)))}
    return _loose(style, spot.loose_events, spot.events)


def _deployment_style(spot) -> dict[str, Any]:
    """Coloured by the commonest deployment status there, sized by the troops' strength."""
    colour = DEPLOYMENT_STATUS_COLOURS.get(spot.deployment_status, OTHER_COLOUR)
    grow = round(min(18, 3 * math.log10(spot.strength + 1))) if spot.strength else 0
    style = {"color": colour, "fillColor": colour, "fillOpacity": 0.15, "weight": 2.5,
             "radius": 13 + grow}
    return _loose(style, spot.loose_deployments, spot.deployments)


def _area_feature(index: int, spot) -> dict[str, Any] | None:
    try:
        geometry = json.loads(spot.geometry)
    except ValueError:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    colour = KIND_COLOURS.get(spot.kind, "#8c564b")
    busy = spot.events + spot.deployments > 0
    style = {"color": colour, "fillColor": colour, "fillOpacity": 0.16 if busy else 0.08,
             "weight": 2.5 if busy else 1.5, "dashArray": "5 4"}
    return {"type": "Feature", "geometry": geometry,
            "properties": {"i": int(index), "style": style}}


# --- legend ---------------------------------------------------------------------------------

LEGEND_CSS = """<style>
.nm-legend{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:6px;
  box-shadow:0 1px 4px rgba(0,0,0,.3);font:11px/1.3 "DejaVu Sans",Verdana,Arial,sans-serif;
  color:#222;max-width:220px;max-height:280px;overflow:auto;}
.nm-legend summary{font-weight:bold;cursor:pointer;}
.nm-legend .nm-h{margin:5px 0 1px;font-weight:bold;font-size:11px;color:#555;}
.nm-legend .nm-k{display:inline-block;width:11px;height:11px;border-radius:50%;
  border:2px solid;margin-right:5px;vertical-align:-2px;box-sizing:border-box;}
.nm-legend .nm-row{margin:1px 0;}
.nm-legend label{margin-right:8px;cursor:pointer;}
.nm-legend[data-colour=type] .nm-by-status,.nm-legend[data-colour=status] .nm-by-type{
  display:none;}
</style>"""


def _key(colour: str, *, fill: str | None = None, dashed: bool = False,
         square: bool = False, size: int = 11) -> str:
    """One legend symbol (colours are constants of this module, not data)."""
    fill = colour if fill is None else fill
    return (f'<span class="nm-k" style="border-color:{colour};background:{fill};'
            f'width:{size}px;height:{size}px'
            f'{";border-style:dashed" if dashed else ""}{";border-radius:2px" if square else ""}'
            '"></span>')


def _swatches(values: Iterable[str], palette: dict[str, str], css: str = "") -> str:
    rows = []
    for value in values:
        colour = palette.get(value, OTHER_COLOUR)
        rows.append(f'<div class="nm-row{css}">{_key(colour, fill=_tint(colour))}'
                    f"{escape(value)}</div>")
    return "".join(rows)


def _tint(colour: str) -> str:
    """The colour at the markers' fill opacity, on white (a legend swatch)."""
    return colour + "73"


def legend_html(records: list[tuple], drawn: set[int]) -> str:
    """The legend for these locations: only what the map shows (``drawn``: the areas)."""
    def present(field: str, count: str, order: Iterable[str]) -> list[str]:
        seen = {getattr(r, field) for i, r in enumerate(records)
                if getattr(r, count) > 0 and i not in drawn and getattr(r, field)}
        return [v for v in order if v in seen] + sorted(seen - set(order))

    types = present("event_type", "events", EVENT_TYPE_COLOURS)
    statuses = present("event_status", "events", EVENT_STATUS_COLOURS)
    deployed = present("deployment_status", "deployments", DEPLOYMENT_STATUS_COLOURS)
    parts = ['<details open><summary>Legend</summary>']
    if types or statuses:
        parts.append('<div class="nm-h">Events, by '
                     '<label><input type="radio" name="nm-colour" value="type" checked> type'
                     '</label><label><input type="radio" name="nm-colour" value="status"> '
                     'status</label></div>')
        parts.append(_swatches(types, EVENT_TYPE_COLOURS, " nm-by-type"))
        parts.append(_swatches(statuses, EVENT_STATUS_COLOURS, " nm-by-status"))
        parts.append('<div class="nm-row">bigger: more events</div>')
    if deployed:
        parts.append('<div class="nm-h">Deployments (rings), by status</div>')
        parts.append(_swatches(deployed, DEPLOYMENT_STATUS_COLOURS))
        parts.append('<div class="nm-row">bigger: more troops</div>')
    parts.append('<div class="nm-h">Places</div>')
    parts.append(f'<div class="nm-row">{_key("#ffffff", fill=PLACE_COLOUR, size=10)}'
                 'town or site mentioned</div>')
    if drawn:
        area = _key("#555555", fill="#5555551f", dashed=True, square=True)
        parts.append(f'<div class="nm-row">{area}area: country, region, province</div>')
    parts.append(f'<div class="nm-row">{_key("#555555", fill="transparent", dashed=True)}'
                 'hollow, dashed: place inferred, not stated</div>')
    parts.append("</details>")
    return "".join(parts)


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
