"""The offline basemap's layers on a folium map: what reaches the page and streamlit-folium."""

from __future__ import annotations

import re

import folium
import streamlit_folium

from dashboard.ui import basemap, map_layers


def _page(offline: basemap.Offline) -> str:
    fmap = map_layers.base_map(offline)
    map_layers.layer_control().add_to(fmap)
    return fmap.get_root().render()


def test_add_to_puts_shapes_and_labels_in_the_layer_control():
    page = _page(basemap.Offline(geometry=True, labels=True))
    assert "window.nmBasemap" in page and "new window.nmBasemap.Geometry(" in page
    assert "new window.nmBasemap.Labels(" in page and ".nm-label{" in page
    assert '"Land, water, borders (offline)"' in page and '"Place names (offline)"' in page
    assert '"/app/static/basemap"' in page


def test_add_to_draws_labels_over_country_outlines_when_shapes_are_not_built():
    outlines = '{"type":"FeatureCollection","features":[]}'
    page = _page(basemap.Offline(labels=True, outlines=outlines))
    assert "nmBasemap.Labels(" in page and "nmBasemap.Geometry(" not in page
    assert '"Country outlines (offline)"' in page


def test_add_to_adds_nothing_when_nothing_is_there():
    assert "nmBasemap" not in _page(basemap.Offline())
    assert "nmBasemap" not in map_layers.base_map().get_root().render()


def test_script_reaches_streamlit_folium_once_before_the_layers():
    script = streamlit_folium._get_map_string(
        map_layers.base_map(basemap.Offline(geometry=True, labels=True)))
    assert script.count("window.nmBasemap = window.nmBasemap ||") == 1
    assert script.index("window.nmBasemap = ") < script.index("new window.nmBasemap.Geometry(")


def test_script_has_no_jinja_syntax_branca_would_run():
    assert not re.search(r"\{\{|\{%|\{#", basemap.script())


def test_panes_sit_below_leaflet_overlays_and_take_no_pointer_events():
    code = basemap.script()
    zindex = dict(re.findall(r'\["(nm\w+)", (\d+)\]', code))
    # Leaflet: tiles 200, overlays 400, markers 600; online tiles cover the offline land.
    assert int(zindex["nmBasemap"]) < 200 < int(zindex["nmLabels"]) < 400
    assert 'pointerEvents = "none"' in code


def test_offline_is_a_frozen_record():
    offline = basemap.Offline(geometry=True)
    try:
        offline.geometry = False
    except AttributeError:
        pass
    else:
        raise AssertionError("Offline is mutable")
    assert isinstance(map_layers.base_map(offline), folium.Map)
