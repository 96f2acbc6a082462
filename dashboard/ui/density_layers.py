"""The density views as folium overlays: a heat map and choropleths per country and admin-1.

Each overlay is a feature group listed in the layer control and off until ticked there:
streamlit-folium adds every feature group to the map, so a small script takes an overlay off
again unless the analyst ticked it earlier in this map (remembered across reruns, so a time
window that moves keeps the chosen overlays). Their data is not in the map's payload: it is
written as a static file (:func:`publish`) that the browser fetches the first time an overlay
is ticked, so the first map stays as light as without them. The areas are drawn in a pane beneath Leaflet's
overlay pane, so every data marker stays above them and clickable; the heat map's canvas takes
no pointer events. leaflet-heat is served from ``static/vendor`` (copied from folium's own
package by :func:`install_assets`), never from a CDN, and loaded when the heat map is first
ticked, not before the map is drawn. Tooltips are escaped here.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from dashboard.ui.density import Density
from dashboard.ui.highlight import escape

#: Where Streamlit serves ``dashboard/static/`` and its ``vendor`` folder.
STATIC_ROOT = "/app/static"
STATIC_URL = f"{STATIC_ROOT}/vendor"
#: Where the overlays' data files go under ``dashboard/static/`` (not committed).
FOLDER = "density"
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


class _Overlay(MacroElement):
    """Takes its overlay off the map right after streamlit-folium adds it, unless the analyst
    ticked it in this map before (what the analyst turns on and off in the layer control is
    remembered: the overlays' labels start with :data:`NAMES`); fetches its data from the
    static file the first time it is on the map, and draws it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group, map, id, url, heatScript) {
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
            if (!on[id]) {
                var hide = function () { map.removeLayer(group); };
                group.on("add", hide);
                setTimeout(function () { group.off("add", hide); }, 0);
            }
            var drawn = false;
            group.on("add", function () {
                if (drawn || !url || !map.hasLayer(group)) { return; }
                drawn = true;
                var files = window.nm_density_files = window.nm_density_files || {};
                files[url] = files[url] || fetch(url).then(function (r) { return r.json(); });
                files[url].then(function (data) {
                    if (id === "heat") {
                        // leaflet-heat too is loaded only when the heat map is first ticked.
                        window.nm_heat_js = window.nm_heat_js || (L.heatLayer
                            ? Promise.resolve() : new Promise(function (done, failed) {
                                var tag = document.createElement("script");
                                tag.src = heatScript;
                                tag.onload = done;
                                tag.onerror = failed;
                                document.head.appendChild(tag);
                            }));
                        window.nm_heat_js.then(function () {
                            L.heatLayer(data.heat, data.heat_options).addTo(group);
                        });
                        return;
                    }
                    L.geoJson(data[id], {
                        pane: {{ this.pane|tojson }},
                        style: function (f) {
                            return {color: "#7a3b00", weight: 0.8,
                                    fillColor: f.properties.fill, fillOpacity: 0.55};
                        },
                        onEachFeature: function (f, layer) {
                            layer.bindTooltip(f.properties.tip, {sticky: true});
                        }
                    }).addTo(group);
                });
            });
        })({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }},
           {{ this.overlay|tojson }}, {{ this.url|tojson }}, {{ this.heat_script|tojson }});
        {% endmacro %}""")

    def __init__(self, overlay: str, url: str) -> None:
        super().__init__()
        self.overlay, self.url, self.pane, self.names = overlay, url, PANE, NAMES
        self.heat_script = HEAT_JS[0][1]


def publish(data: DensityData, static_dir: Path, keep: int = 64) -> str:
    """Write the overlays' data as a static file (named by its content, so a file is written
    once) and return its URL; only the newest ``keep`` files are kept."""
    heat = data.heat
    most = max((n for *_, n in heat), default=1)
    options = {"radius": 18, "blur": 14, "maxZoom": 10, "minOpacity": 0.35,
               "max": max(1.0, most ** 0.5)}
    text = (f'{{"heat":{json.dumps([list(p) for p in heat], separators=(",", ":"))},'
            f'"heat_options":{json.dumps(options)},"countries":{data.countries_json},'
            f'"regions":{data.regions_json}}}')
    name = hashlib.sha1(text.encode()).hexdigest()[:16] + ".json"
    folder = static_dir / FOLDER
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        for old in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-keep]:
            old.unlink(missing_ok=True)
    return f"{STATIC_ROOT}/{FOLDER}/{name}"


def build(data: DensityData, url: str) -> list[folium.FeatureGroup]:
    """Fresh overlays (folium elements cannot be rendered twice): heat map, countries,
    admin-1 regions, drawing the data at ``url`` (:func:`publish`) once ticked; each is
    listed even when empty, so the control does not jump."""
    counts = {"heat": f"{sum(n for *_, n in data.heat):,}", "countries": f"{data.countries}",
              "regions": f"{data.regions}"}
    groups = []
    for overlay, label in NAMES.items():
        group = folium.FeatureGroup(name=f"{label} ({counts[overlay]})", overlay=True,
                                    control=True, show=False)
        _Overlay(overlay, url).add_to(group)
        groups.append(group)
    return groups
