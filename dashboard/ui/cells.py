"""The map zoomed out over a large dataset: one circle per grid cell, sized by what it holds.

A cell (``query.Cell``) carries only numbers, so nothing in it needs escaping; the whole layer
is one compact JSON array drawn by a short script (a few bytes per cell, however many records
the cells count). A click on a cell zooms the map in on it, where the page then shows markers.
Test hook: each circle has the CSS class ``nm-cell``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from dashboard.store.query import Cell

LAYER_NAME = "Counts by area"
COLOUR = "#3182bd"
#: Zoom steps a click on a cell moves in.
ZOOM_STEP = 3

_DRAW = """
(function (group, rows) {
    function short(n) {
        return n >= 1e6 ? (n / 1e6).toFixed(1) + "M" : n >= 1e4 ? Math.round(n / 1e3) + "k"
            : n >= 1e3 ? (n / 1e3).toFixed(1) + "k" : String(n);
    }
    function plural(n, word) { return n.toLocaleString("en-US") + " " + word + (n === 1 ? "" : "s"); }
    rows.forEach(function (r, i) {
        var records = r[2] + r[3], total = records || r[4];
        var radius = Math.min(34, 7 + 3.2 * Math.log2(total + 1));
        var cell = L.circleMarker([r[0], r[1]], {radius: radius, color: "%(colour)s",
            weight: 1.5, fillColor: "%(colour)s", fillOpacity: 0.35, className: "nm-cell"});
        cell.bindTooltip("<b>" + plural(r[2], "event") + " \\u00b7 " + plural(r[3], "deployment")
            + "</b><br>" + plural(r[4], "place mention") + " at " + plural(r[5], "location")
            + "<br><small>click to zoom in \\u00b7 id: cell:" + i + "</small>", {sticky: false});
        cell.on("click", function (e) {
            var map = e.target._map;
            if (map) { map.setView(e.latlng, Math.min(map.getZoom() + %(step)d, 18)); }
        });
        group.addLayer(cell);
        group.addLayer(L.marker([r[0], r[1]], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "nm-cell-label", iconSize: [40, 14], iconAnchor: [20, 7],
                html: '<div style="font:600 11px sans-serif;color:#08306b;text-align:center">'
                      + short(total) + "</div>"})}));
    });
})
"""


class _Cells(MacroElement):
    """Draws the rows ``[lat, lon, events, deployments, mentions, locations]`` into its parent."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.draw }}({{ this._parent.get_name() }}, {{ this.rows }});
        {% endmacro %}""")

    def __init__(self, rows: str) -> None:
        super().__init__()
        self.draw, self.rows = _DRAW % {"colour": COLOUR, "step": ZOOM_STEP}, rows

    def render(self, **kwargs) -> None:
        """The script joins the page as plain text: branca would compile it (kilobytes of
        numbers) as a new Jinja template on every render."""
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(_Text(script), name=self.get_name())


class _Text(Element):
    """Text that joins the page as is (the template is compiled once, for the class)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def rows(cells: Sequence[Cell]) -> str:
    """The cells as compact JSON (numbers only)."""
    return json.dumps([[round(c.lat, 4), round(c.lon, 4), c.events, c.deployments, c.mentions,
                        c.locations] for c in cells], separators=(",", ":"))


def layer(cells: Sequence[Cell]) -> folium.FeatureGroup:
    """One feature group with a circle and a count per cell."""
    group = folium.FeatureGroup(name=f"{LAYER_NAME} ({len(cells):,} cells)", show=True)
    _Cells(rows(cells)).add_to(group)
    return group
