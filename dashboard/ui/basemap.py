"""The offline basemap on a folium map: land, water, borders and place labels beneath the data.

The shapes and labels are static files that :mod:`dashboard.ui.basemap_build` writes under
``dashboard/static/basemap/`` and Streamlit serves; the page carries only the small drawing
code (``static/basemap.js``), and the browser fetches the tiles a view needs, for its zoom band,
by URL. Both layers sit in their own panes below Leaflet's overlay and marker panes, and take
no pointer events, so every data marker stays on top and clickable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from folium.map import Layer
from folium.template import Template

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: Where Streamlit serves ``dashboard/static/basemap/`` (``[server] enableStaticServing``).
TILES_URL = "/app/static/basemap"
#: Label styles: a dot and the name for towns, a bolder name and a ring for capitals,
#: spaced capitals for countries. The white halo keeps names legible over borders and rivers.
LABEL_CSS = """<style>
.nm-label{position:absolute;left:0;top:0;white-space:nowrap;pointer-events:none;
  font:11px/1.25 "DejaVu Sans",Verdana,Arial,sans-serif;color:#3b3b3b;}
.nm-label span{position:absolute;left:0;top:0;transform:translate(-4px,-50%);
  text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff;}
.nm-label-city span::before,.nm-label-capital span::before{content:"";display:inline-block;
  width:5px;height:5px;margin-right:4px;border-radius:50%;background:#666;vertical-align:1px;}
.nm-label-capital span{font-weight:bold;color:#222;}
.nm-label-capital span::before{width:5px;height:5px;background:#fff;border:2px solid #333;
  vertical-align:0;}
.nm-label-country span{transform:translate(-50%,-50%);font-size:10px;letter-spacing:.12em;
  text-transform:uppercase;color:#7b6d80;}
</style>"""


def script() -> str:
    """The drawing code, joined to the map's script (streamlit-folium runs only that script,
    not inline scripts in the header)."""
    return (STATIC_DIR / "basemap.js").read_text(encoding="utf-8")


class _Text(Element):
    """Text that joins the page as is: not compiled as a Jinja template, as branca would."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _Library(MacroElement):
    """Defines ``window.nmBasemap`` once per map, before the layers that use it, and the
    label styles."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.code }}
        {% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self.code = script()

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        figure.script.add_child(_Text(self._template.module.__dict__["script"](self, kwargs)),
                                name=self.get_name())
        figure.header.add_child(_Text(LABEL_CSS), name="nm_basemap_css")


class _OfflineLayer(Layer):
    """One basemap layer (``kind``: ``Geometry`` or ``Labels``), listed in the layer control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new window.nmBasemap.{{ this.kind }}({{ this.url|tojson }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, kind: str, name: str, url: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self.kind, self.url = kind, url


@dataclass(frozen=True, slots=True)
class Offline:
    """What the offline basemap can draw on this machine."""

    #: The land, water and border tiles are built (``python -m dashboard build-basemap``).
    geometry: bool = False
    #: The label tiles are written (the app writes them from the gazetteer on first use).
    labels: bool = False
    #: Country outlines from the gazetteer (GeoJSON text), drawn when the tiles are missing.
    outlines: str | None = None
    url: str = TILES_URL


def add_to(fmap: folium.Map, offline: Offline) -> None:
    """Put the offline layers that ``offline`` says exist on ``fmap``."""
    if not (offline.geometry or offline.labels):
        return
    _Library().add_to(fmap)
    if offline.geometry:
        _OfflineLayer("Geometry", "Land, water, borders (offline)", offline.url).add_to(fmap)
    if offline.labels:
        _OfflineLayer("Labels", "Place names (offline)", offline.url).add_to(fmap)
