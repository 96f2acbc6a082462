"""The density views as folium overlays: a heat map and choropleths per country and admin-1.

Each overlay is a feature group listed in the layer control and off until ticked there:
streamlit-folium adds every feature group to the map, so a small script takes an overlay off
again unless the analyst ticked it earlier in this map (remembered across reruns, so a time
window that moves keeps the chosen overlays). The areas are drawn in a pane beneath Leaflet's
overlay pane, so every data marker stays above them and clickable; the heat map's canvas takes
no pointer events. leaflet-heat is served from ``static/vendor`` (copied from folium's own
package by :func:`install_assets`), never from a CDN. Tooltips are escaped here.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.plugins import HeatMap
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from dashboard.ui.density import Density
from dashboard.ui.highlight import escape

#: Where Streamlit serves ``dashboard/static/vendor`` (as ``map_layers.STATIC_URL``).
STATIC_URL = "/app/static/vendor"
HEAT_FILE = "leaflet-heat/leaflet_heat.min.js"
HEAT_JS = [("leaflet_heat", f"{STATIC_URL}/{HEAT_FILE}")]
#: Sequential colours (ColorBrewer YlOrRd), fewest events first.
SHADES = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
PANE = "nmDensity"
NAMES = {"heat": "Heat map of events", "countries": "Events per country",
         "regions": "Events per admin-1 region"}
#: Areas drawn at most per choropleth (the busiest), to bound the payload at any scale.
MAX_AREAS = 400


def install_assets(static_dir: Path) -> Path:
    """Copy leaflet-heat (BSD-2, shipped inside folium) to ``static_dir/vendor``."""
    source = Path(folium.__file__).resolve().parent / "templates" / "leaflet_heat.min.js"
    dest = static_dir / "vendor" / HEAT_FILE
    if not dest.exists() or dest.stat().st_size != source.stat().st_size:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    return dest


@dataclass(frozen=True, slots=True)
class Area:
    """One shaded area: its outline (GeoJSON geometry text), name and count."""

    geometry: str
    name: str
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class DensityData:
    """Everything the overlays draw, serialised once per filter or window change."""

    heat: tuple[tuple[float, float, int], ...]
    countries_json: str
    regions_json: str
    countries: int
    regions: int


def prepare(found: Density, country: Callable[[str], object],
            region: Callable[[str, str], object]) -> DensityData:
    """The overlays' data; ``country(code)`` and ``region(country, code)`` give an outline
    (``name`` and ``geometry``) or None (``dashboard.geo.areas.Areas``)."""
    countries = _areas(((country(code), n) for code, n in found.countries), "country")
    regions = _areas(((region(*codes), n) for codes, n in found.regions), "admin-1 region")
    return DensityData(heat=found.heat, countries_json=_collection(countries),
                       regions_json=_collection(regions), countries=len(countries),
                       regions=len(regions))


def _areas(pairs, kind: str) -> list[Area]:
    out = []
    for outline, n in pairs:
        if outline is not None:
            out.append(Area(outline.geometry, outline.name, kind, n))
            if len(out) == MAX_AREAS:
                break
    return out


def shade(count: int, most: int) -> str:
    """The colour of ``count`` on a log scale up to ``most``."""
    if most <= 1:
        return SHADES[-1]
    step = math.log(count) / math.log(most) if count > 0 else 0.0
    return SHADES[min(len(SHADES) - 1, int(step * len(SHADES)))]


def _collection(areas: list[Area]) -> str:
    """The areas as a FeatureCollection in JSON text safe inside a script; each feature's
    ``tip`` is escaped HTML."""
    most = max((a.count for a in areas), default=0)
    features = [
        f'{{"type":"Feature","geometry":{a.geometry},"properties":'
        f'{htmlsafe_json_dumps({"tip": _tip(a), "fill": shade(a.count, most)})}}}'
        for a in areas]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _tip(area: Area) -> str:
    word = "event" if area.count == 1 else "events"
    return (f"<b>{escape(area.name)}</b> · {area.count:,} {word}<br>\n"
            f"<small>{escape(area.kind)}</small>")


class _StartsHidden(MacroElement):
    """Takes its overlay off the map right after streamlit-folium adds it, unless the analyst
    ticked it in this map before; records what the analyst turns on and off in the layer
    control (the overlays' labels start with :data:`NAMES`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group, map, id) {
            var on = window.nm_overlays = window.nm_overlays || {};
            if (!window.nm_overlay_clicks) {
                // Only the analyst's clicks count: the layer control also reports the
                // overlays streamlit-folium takes off the map to put new ones on.
                window.nm_overlay_clicks = true;
                var names = {{ this.names|tojson }};
                document.addEventListener("click", function (e) {
                    var input = e.target, label = input.closest && input.closest("label");
                    if (!label || !input.classList.contains("leaflet-control-layers-selector")) {
                        return;
                    }
                    var text = label.textContent.trim();
                    Object.keys(names).forEach(function (which) {
                        if (text.indexOf(names[which]) === 0) { on[which] = input.checked; }
                    });
                }, true);
            }
            if (!map.getPane({{ this.pane|tojson }})) {
                map.createPane({{ this.pane|tojson }}).style.zIndex = 350;
                // The heat map's canvas would catch the clicks meant for the markers.
                var css = document.createElement("style");
                css.textContent = ".leaflet-heatmap-layer{pointer-events:none;}";
                document.head.appendChild(css);
            }
            if (on[id]) { return; }
            var hide = function () { map.removeLayer(group); };
            group.on("add", hide);
            if (map.hasLayer(group)) { hide(); }
            setTimeout(function () { group.off("add", hide); }, 0);
        })({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }},
           {{ this.overlay|tojson }});
        {% endmacro %}""")

    def __init__(self, overlay: str) -> None:
        super().__init__()
        self.overlay, self.pane, self.names = overlay, PANE, NAMES


class _Choropleth(MacroElement):
    """Shaded areas with escaped tooltips, in the density pane, added to the parent group."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJson({{ this.data }}, {
            pane: {{ this.pane|tojson }},
            style: function (f) {
                return {color: "#7a3b00", weight: 0.8, fillColor: f.properties.fill,
                        fillOpacity: 0.55};
            },
            onEachFeature: function (f, layer) {
                layer.bindTooltip(f.properties.tip, {sticky: true});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, data: str) -> None:
        super().__init__()
        self.data, self.pane = data, PANE


def _group(overlay: str, label: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=label, overlay=True, control=True, show=False,
                                nmOverlay=overlay)
    _StartsHidden(overlay).add_to(group)
    return group


def build(data: DensityData) -> list[folium.FeatureGroup]:
    """Fresh overlays (folium elements cannot be rendered twice): heat map, countries,
    admin-1 regions; each is listed even when empty, so the control does not jump."""
    heat = _group("heat", f"{NAMES['heat']} ({sum(n for *_, n in data.heat):,})")
    if data.heat:
        most = max(n for *_, n in data.heat)
        layer = HeatMap([list(p) for p in data.heat], name="heat", control=False,
                        min_opacity=0.35, radius=18, blur=14, max_zoom=10,
                        max=float(max(1, most)) ** 0.5)
        layer.default_js = list(HEAT_JS)
        layer.add_to(heat)
    countries = _group("countries", f"{NAMES['countries']} ({data.countries})")
    regions = _group("regions", f"{NAMES['regions']} ({data.regions})")
    for group, text, n in ((countries, data.countries_json, data.countries),
                           (regions, data.regions_json, data.regions)):
        if n:
            _Choropleth(text).add_to(group)
    return [heat, countries, regions]

