"""ui/map_render.py sends the map component exactly what streamlit_folium.st_folium sends."""

from __future__ import annotations

from unittest import mock

import pytest
import streamlit_folium
from folium.plugins import MarkerCluster
from test_tables import extractions

from dashboard.store import query
from dashboard.ui import basemap, cells, map_layers, map_render, tables

RETURNED = ["last_object_clicked_tooltip", "bounds", "zoom"]


def _cells():
    return [cells.layer((query.Cell(10.0, 20.0, 3, 1, 2, 2),
                         query.Cell(-30.5, 150.2, 1, 0, 4, 1)))]


def _markers(clustered: bool = False):
    frames = tables.build(extractions())
    with mock.patch.object(map_layers, "CLUSTER_AT", 0 if clustered else map_layers.CLUSTER_AT):
        return map_layers.build(map_layers.prepare(frames, tables.locations(frames)))


def _sent(call) -> dict:
    kwargs = dict(call.kwargs)
    assert callable(kwargs.pop("on_change"))
    return kwargs


def _st_folium(offline, groups) -> dict:
    with mock.patch.object(streamlit_folium, "_component_func") as component:
        streamlit_folium.st_folium(
            map_layers.base_map(offline), key="nm_dmap", height=640, use_container_width=True,
            returned_objects=list(RETURNED), feature_group_to_add=list(groups),
            layer_control=map_layers.layer_control())
    return _sent(component.call_args)


def _show(offline, groups) -> dict:
    layers = map_render.layer_scripts(list(groups))
    with mock.patch.object(streamlit_folium, "_component_func") as component:
        map_render.show(offline, layers, key="nm_dmap", height=640, returned_objects=RETURNED)
    return _sent(component.call_args)


OFFLINE = [None, basemap.Offline(geometry=True, labels=True),
           basemap.Offline(labels=True, outlines='{"type": "FeatureCollection", "features": []}')]


@pytest.mark.parametrize("offline", OFFLINE, ids=["none", "tiles", "outlines"])
@pytest.mark.parametrize("make", [_cells, _markers], ids=["cells", "markers"])
def test_map_render_sends_what_st_folium_sends(offline, make):
    expected, got = _st_folium(offline, make()), _show(offline, make())
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name] == expected[name], name


def test_map_render_clustered_markers_bring_their_scripts():
    groups = _markers(clustered=True)
    assert any(isinstance(child, MarkerCluster) for g in groups
               for child in g._children.values())
    expected, got = _st_folium(None, _markers(clustered=True)), _show(None, groups)
    assert got == expected and any("markercluster" in link.lower() for link in got["js_links"])


def test_map_render_renders_the_base_map_once():
    offline = basemap.Offline(geometry=True)
    _show(offline, _cells())
    with mock.patch.object(map_layers, "base_map", side_effect=AssertionError("rendered")):
        for _ in range(3):
            _show(offline, _cells())


def test_map_render_on_change_puts_the_value_under_the_key():
    layers = map_render.layer_scripts(_cells())
    state = {}
    with mock.patch.object(streamlit_folium, "_component_func") as component, \
            mock.patch.object(map_render.st, "session_state", state):
        map_render.show(None, layers, key="nm_dmap", height=640, returned_objects=RETURNED)
        kwargs = component.call_args.kwargs
        state[kwargs["key"]] = {"zoom": 5}
        kwargs["on_change"]()
    assert state["nm_dmap"] == {"zoom": 5}


def test_cells_render_the_page_branca_renders():
    """The cells' script joins a saved page as plain text: the page branca would render."""
    import re

    from branca.element import MacroElement

    def page() -> str:
        fmap = map_layers.base_map(None)
        _cells()[0].add_to(fmap)
        return re.sub(r"[0-9a-f]{32}", "ID", fmap.get_root().render())

    mine = page()
    with mock.patch.object(cells._Cells, "render", MacroElement.render):
        assert page() == mine and "nm-cell" in mine


def test_map_render_layers_render_as_before_afterwards():
    """The light rendering of the layers' page-only parts lasts while they are rendered."""
    groups = _markers(clustered=True)
    map_render.layer_scripts(groups)
    assert not any("render" in vars(element) for element in map_render._elements(groups))


def test_map_render_refuses_a_colormap_which_needs_d3_from_a_cdn():
    import branca.colormap
    import folium

    group = folium.FeatureGroup(name="legend")
    branca.colormap.LinearColormap(["white", "red"], vmin=0, vmax=1).add_to(group)
    with pytest.raises(ValueError, match="CDN"):
        map_render.layer_scripts([group])
