"""``streamlit_folium.st_folium`` for a map whose base never changes, without rendering that
base on every script run.

``st_folium`` builds the component's arguments from folium objects on every run: it renders
the whole base map (the offline layers, the online tiles, the attribution) to JavaScript, then
each data layer, then the layer control. The base map is the same on every run (it depends
only on :class:`basemap.Offline`), so here it is rendered once per process (:func:`_base`),
shared by every session (strings: immutable); each data layer is rendered by
:func:`layer_scripts`, whose result the caller may keep with the data it shows; the layer
control, which names the base map's layers and the data layers, once per set of layer names
(:func:`_control`). :func:`show` then sends exactly the arguments ``st_folium`` would
(``tests/test_map_render.py`` compares them), with the same key, so the browser's map is the
same component and updates its layers in place as before.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import branca
import folium
import folium.elements
import folium.map
import streamlit as st
import streamlit_folium as sf

from dashboard.ui import basemap, map_layers


@dataclasses.dataclass(frozen=True, slots=True)
class Layers:
    """Data layers rendered for the component: their script, what the layer control lists
    of them (name, overlay, control, show), and the CSS and JS files they need."""

    script: str
    names: tuple[tuple[str, bool, bool, bool], ...]
    css: tuple[str, ...]
    js: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Base:
    script: str
    header: str
    html: str
    map_id: str
    defaults: dict  # never modified
    css: tuple[str, ...]
    js: tuple[str, ...]
    layers: tuple  # the base map's children, read (never rendered) by the layer control


def _links(element: Any) -> tuple[list[str], list[str]]:
    """The CSS and JS files of ``element`` and its children, in ``st_folium``'s order."""
    css: list[str] = []
    js: list[str] = []
    for found in _walk(element):
        css += [href for _, href in getattr(found, "default_css", [])]
        js += [src for _, src in getattr(found, "default_js", [])]
    return css, js


def _walk(element: Any) -> Iterable[Any]:
    if isinstance(element, branca.colormap.ColorMap):
        # st_folium would add d3 from two CDNs for it: the map would no longer work offline
        raise ValueError("a branca ColorMap needs d3 from a CDN; draw the legend otherwise")
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


@functools.lru_cache(maxsize=4)
def _base(offline: basemap.Offline | None, returned: tuple[str, ...]) -> _Base:
    """The base map rendered as ``st_folium`` renders it (once per process)."""
    fmap = map_layers.base_map(offline)
    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    south_west, north_east = fmap.get_bounds()
    defaults = {"last_object_clicked_tooltip": None, "bounds": {
        "_southWest": {"lat": south_west[0], "lng": south_west[1]},
        "_northEast": {"lat": north_east[0], "lng": north_east[1]}},
        "zoom": fmap.options.get("zoom")}
    css, js = _links(fmap)
    return _Base(script, header, html, sf.get_full_id(fmap),
                 {k: v for k, v in defaults.items() if k in returned}, tuple(css), tuple(js),
                 tuple(fmap._children.items()))


def layer_scripts(groups: Sequence[folium.FeatureGroup]) -> Layers:
    """The data layers' script as ``st_folium`` sends it (``feature_group``); renders and
    uses up ``groups``. Keep the result rather than the groups: folium elements cannot be
    rendered twice."""
    host = folium.Map(tiles=None)  # a stand-in parent: its name becomes "map_div"
    with _light_render(groups):
        script = "".join(sf._get_feature_group_string(group, host, index)
                         for index, group in enumerate(groups))
    css, js = [], []
    for group in groups:
        more_css, more_js = _links(group)
        css += more_css
        js += more_js
    return Layers(script, tuple((g.layer_name, g.overlay, g.control, g.show) for g in groups),
                  tuple(css), tuple(js))


#: Render methods that only write the element into its page (the header, the scripts: what
#: the component does not read of a data layer) and render its children, but for a shown
#: layer, which also gets its ``addTo`` (folium's ``Layer.render``).
_PAGE_ONLY = (branca.element.MacroElement.render, folium.elements.JSCSSMixin.render,
              folium.map.Class.render, folium.map.Layer.render)


@contextlib.contextmanager
def _light_render(groups: Sequence[folium.FeatureGroup]):
    """While ``st_folium``'s feature-group rendering runs, the elements of ``groups`` whose
    rendering only writes into the page skip that part: each piece of it would be compiled
    as a new Jinja template, most of a data layer's rendering, for a page nobody reads.
    Other elements render as they always do."""
    touched = []
    for element in _elements(groups):
        if _page_only(type(element)):
            element.render = functools.partial(_render_lightly, element)
            touched.append(element)
    try:
        yield
    finally:
        for element in touched:
            element.__dict__.pop("render", None)


def _elements(groups: Iterable[Any]) -> Iterable[Any]:
    for element in groups:
        yield element
        yield from _elements(element._children.values())


@functools.lru_cache(maxsize=64)
def _page_only(kind: type) -> bool:
    """Whether ``kind``'s render methods, down to branca's, are all in ``_PAGE_ONLY``."""
    for klass in kind.__mro__:
        method = klass.__dict__.get("render")
        if method is None:
            continue
        if method not in _PAGE_ONLY:
            return False
        if method is branca.element.MacroElement.render:
            return True
    return False


def _render_lightly(element: Any, **kwargs) -> None:
    if isinstance(element, folium.map.Layer) and element.show:  # as Layer.render does
        element.add_child(folium.elements.ElementAddToElement(
            element_name=element.get_name(), element_parent_name=element._parent.get_name()),
            name=element.get_name() + "_add")
    for child in list(element._children.values()):
        if _page_only(type(child)):
            _render_lightly(child, **kwargs)
        else:
            child.render(**kwargs)


@functools.lru_cache(maxsize=512)
def _control(offline: basemap.Offline | None, returned: tuple[str, ...],
             names: tuple[tuple[str, bool, bool, bool], ...]) -> str:
    """The layer control's script for the base map and data layers named ``names``."""
    host = folium.Map(tiles=None)
    host._id = "div"  # as the base map is named once rendered: "map_div"
    host._children = OrderedDict(_base(offline, returned).layers)
    for index, (name, overlay, control, show) in enumerate(names):
        stand_in = folium.FeatureGroup(name=name, overlay=overlay, control=control, show=show)
        stand_in._id = f"feature_group_{index}"
        host._children[stand_in.get_name()] = stand_in
    return sf._get_layer_control_string(map_layers.layer_control(), host)


def show(offline: basemap.Offline | None, layers: Layers, *, key: str, height: int,
         returned_objects: Sequence[str]) -> Any:
    """``st_folium(map_layers.base_map(offline), key=key, height=height,
    use_container_width=True, returned_objects=returned_objects, feature_group_to_add=…,
    layer_control=map_layers.layer_control())``, the groups given rendered (``layers``)."""
    returned = tuple(returned_objects)
    base = _base(offline, returned)
    hash_key = _hash_key(base.script, key)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=base.script, header=base.header, html=base.html, id=base.map_id, key=hash_key,
        height=height, width=None, returned_objects=list(returned), default=base.defaults,
        zoom=None, center=None, feature_group=layers.script, return_on_hover=False,
        layer_control=_control(offline, returned, layers.names), pixelated=False,
        css_links=list(dict.fromkeys(base.css + layers.css)),
        js_links=list(dict.fromkeys(base.js + layers.js)), on_change=on_change,
        wrap_longitude=False)


@functools.lru_cache(maxsize=8)
def _hash_key(script: str, key: str) -> str:
    return sf.generate_js_hash(script, key, False)
