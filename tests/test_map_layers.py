"""The folium map builder (dashboard.ui.map_layers): layers, styles, ids, escaping, offline assets."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from unittest import mock

import folium
import pytest
import streamlit_folium
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from test_tables import extractions

from dashboard.ui import map_layers, tables
from dashboard.ui.highlight import escape
from dashboard.records import Actor, Article, Deployment, Event, Extraction, Place

#: Markup, JS template-literal syntax, and Jinja syntax (folium's branca compiles rendered
#: scripts as Jinja templates: ``{{ 7*7 }}`` would print 49, ``{#`` swallow the rest).
HOSTILE = ("<script>alert(1)</script>`${1+1}`</script><img src=x onerror=alert(2)>\\u"
           " {{ 7*7 }} {% if x %} {# c")


def _frames(exs=None) -> tables.Frames:
    return tables.build(exs if exs is not None else extractions())


def _elements(group, cls) -> list:
    found, stack = [], [group]
    while stack:
        element = stack.pop()
        found += [element] if isinstance(element, cls) else []
        stack += list(getattr(element, "_children", {}).values())
    return found


def _locs(groups) -> dict[str, dict]:
    """The location rows the map carries, by location key, as field -> value."""
    (table,) = _elements(groups[0], map_layers._Locations)
    return {row[0]: dict(zip(map_layers.LOC_FIELDS, row)) for row in table.data.rows}


def _points(group) -> list[tuple[dict, dict]]:
    """(location row, style) of every marker in a point layer."""
    rows = list(_locs_cache.values())
    return [(rows[i], element.points.styles[s])
            for element in _elements(group, map_layers._Points) for i, s in element.points.rows]


_locs_cache: dict = {}


def _layers(exs=None):
    groups = map_layers.layers(_frames(exs))
    _locs_cache.clear()
    _locs_cache.update(_locs(groups))
    return groups


def test_layers_are_areas_deployments_events_places_in_drawing_order():
    groups = _layers()
    assert [g.layer_name.split(" (")[0] for g in groups] == [
        "Areas", "Deployments", "Events", "Places"]
    deployments, events, places = (_points(g) for g in groups[1:])
    assert len(deployments) == 1 and len(events) == 2 and len(places) == 2


def test_place_mentions_are_aggregated_per_location_with_a_count():
    mitrovica = tables.locations(_frames()).set_index("loc_key").loc["gn:791580"]
    assert mitrovica["mentions"] == 2  # "Mitrovica" and "The town"
    assert (mitrovica["lat"], mitrovica["lon"]) == (42.89, 20.87)
    assert mitrovica["deployment_key"] == "a:d1" and mitrovica["deployments"] == 1


def test_location_rows_carry_what_happened_and_only_what_the_browser_reads():
    _layers()
    brussels = _locs_cache["gn:2800866"]
    assert brussels["event_lines"] == ["2007-12-07 · meeting (planned): NATO met"]
    assert brussels["events"] == 1 and brussels["kind"] == "city"
    # Every location's row is in the map's payload: no field the browser's library never reads.
    for field in map_layers.LOC_FIELDS:
        assert re.search(rf"\bF\.{field}\b", map_layers._LIBRARY), field


def test_selected_location_reads_the_last_id_of_a_clicked_tooltip():
    text = "Brussels ×1 · city\nsaid: id: gn:1 (quoted)\nid: gn:2800866"
    assert map_layers.selected_location(text) == "gn:2800866"
    assert map_layers.selected_location("Rathfarnhamid: gn:1") is None
    assert map_layers.selected_location(None) is None


def test_country_without_an_outline_is_a_dashed_ring_beneath_the_towns():
    country = Place("p1", "Kosovo", 0, 6, name="Kosovo", kind="country", lat=42.6, lon=20.9,
                    geonameid=831053, precision="country")
    city = Place("p2", "Pristina", 7, 15, name="Pristina", kind="city", lat=42.67, lon=21.17,
                 geonameid=786714, precision="point")
    ex = Extraction(article=Article(id="k", text="Kosovo Pristina"), places=(country, city))
    styles = {loc["name"]: style for loc, style in _points(_layers([ex])[3])}
    assert styles["Kosovo"]["fillOpacity"] == 0 and "dashArray" in styles["Kosovo"]
    assert styles["Pristina"]["fillOpacity"] > 0.5 and "dashArray" not in styles["Pristina"]
    assert styles["Kosovo"]["radius"] > styles["Pristina"]["radius"]
    # Points in the top pane, the country's ring in the one beneath: a click at the town's
    # position reaches the town.
    assert styles["Pristina"]["pane"] == "nmPoints" and styles["Kosovo"]["pane"] == "nmAreaMarks"
    assert map_layers.PANES["nmPoints"] > map_layers.PANES["nmAreaMarks"] > map_layers.PANES[
        "nmAreas"]


def test_an_area_with_an_outline_has_no_marker_at_its_centre():
    square = json.dumps({"type": "Polygon", "coordinates": [[[20, 42], [22, 42], [22, 43],
                                                             [20, 43], [20, 42]]]})
    country = Place("p1", "Kosovo", 0, 6, name="Kosovo", kind="country", lat=42.6, lon=20.9,
                    geonameid=831053, precision="country", geometry=square,
                    bbox=(42.0, 20.0, 43.0, 22.0))
    city = Place("p2", "Pristina", 7, 15, name="Pristina", kind="city", lat=42.67, lon=21.17,
                 geonameid=786714, precision="point")
    ex = Extraction(article=Article(id="k", text="Kosovo Pristina"), places=(country, city),
                    events=(Event("e1", "clash", "fighting", place="p1"),
                            Event("e2", "meeting", "met", place="p2")))
    groups = _layers([ex])
    drawn = {loc["name"] for group in groups[1:] for loc, _ in _points(group)}
    assert drawn == {"Pristina"}
    data = map_layers.prepare(_frames([ex]))
    assert [f["properties"]["i"] for f in data.areas] == [0]


def test_deployments_grow_with_strength():
    def radius(strength):
        place = Place("p1", "X", 0, 1, name="X", kind="city", lat=1.0, lon=1.0, geonameid=1)
        ex = Extraction(article=Article(id="s", text="X"), places=(place,),
                        deployments=(Deployment("d1", None, "unit", strength=strength,
                                                place="p1"),))
        return _points(_layers([ex])[1])[0][1]["radius"]

    assert radius(None) < radius(300) < radius(30000)


def test_areas_layer_draws_polygons_of_regions():
    square = json.dumps({"type": "Polygon", "coordinates": [[[20, 42], [22, 42], [22, 43],
                                                             [20, 43], [20, 42]]]})
    place = Place("p1", "southern Serbia", 0, 15, name="southern Serbia",
                  kind="directional_region", lat=42.5, lon=21.5, precision="region",
                  geometry=square)
    ex = Extraction(article=Article(id="r", text="southern Serbia"), places=(place,))
    _layers([ex])
    (feature,) = map_layers.prepare(_frames([ex])).areas
    assert feature["geometry"]["type"] == "Polygon"
    assert list(_locs_cache)[feature["properties"]["i"]].startswith("pl:")


def test_many_markers_are_clustered(monkeypatch):
    monkeypatch.setattr(map_layers, "CLUSTER_AT", 1)
    groups = _layers()
    assert _elements(groups[2], MarkerCluster)  # two event locations
    assert not _elements(groups[1], MarkerCluster)  # one deployment location


def _browser_text(groups, layer: str) -> dict[str, dict[str, str]]:
    """Tooltip and popup HTML per location, built by the map's own JS library (in node)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; it runs the map's tooltip/popup builder")
    (table,) = _elements(groups[0], map_layers._Locations)
    script = (f"var window = {{}}; {table.library}\n"
              f"window.nm_locs = {json.dumps(table.data.rows)};"
              f"var out = {{}}; window.nm_locs.forEach(function (loc) {{"
              f"out[loc[0]] = {{tip: window.nm.tip(loc, {json.dumps(layer)}),"
              f" popup: window.nm.popup(loc)}}; }}); console.log(JSON.stringify(out));")
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_tooltips_are_words_only():
    groups = _layers()
    tips = _browser_text(groups, "events")
    tip = tips["gn:2800866"]["tip"]
    assert tip.startswith("<b>Brussels</b> · city · 1 event<br>")
    assert "2007-12-07 · meeting (planned): NATO met" in tip
    deployment = _browser_text(groups, "deployments")["gn:791580"]["tip"]
    assert "3,000 troops" in deployment and "1 deployment" in deployment
    place = _browser_text(groups, "places")["gn:791580"]["tip"]
    assert "mentioned as: Mitrovica, The town" in place
    for layer in ("events", "deployments", "places", "areas"):
        for shown in _browser_text(groups, layer).values():
            text = shown["tip"] + shown["popup"]
            assert not re.search(r"\b(gn|pl):|id:|a:e1|a:d1|_", text), text
            assert "None" not in text and "nan" not in text


def test_kinds_and_precisions_are_in_words():
    assert map_layers.kind_label("directional_region") == "directional region"
    assert map_layers.kind_label("admin1") == "province or state"
    assert map_layers.kind_label("") == "place" and map_layers.kind_label(None) == "place"
    assert map_layers.precision_label("point") == ""
    assert map_layers.precision_label("country") == "known to the country"


def test_popup_lists_what_happened_there():
    popup = _browser_text(_layers(), "places")["gn:2800866"]["popup"]
    assert popup.startswith("<b>Brussels</b><br>city · 50.8500, 4.3500<br>1 event")
    assert "• 2007-12-07 · meeting (planned): NATO met" in popup


def test_the_legend_names_what_the_map_shows_escaped():
    data = map_layers.prepare(_frames())
    assert "meeting" in data.legend and "Deployments (rings)" in data.legend
    assert 'value="status"' in data.legend  # the switch: events by type or by status
    hostile = map_layers.prepare(_frames([_hostile()])).legend
    assert "<script" not in hostile and "<img" not in hostile


def test_events_are_coloured_by_type_and_deployments_by_status():
    _layers()
    events = {loc["name"]: style for loc, style in _points(_layers()[2])}
    assert events["Brussels"]["color"] == map_layers.EVENT_TYPE_COLOURS["meeting"]
    (dep_loc, dep_style), = _points(_layers()[1])
    status = tables.locations(_frames()).set_index("loc_key").loc[dep_loc["loc_key"],
                                                                  "deployment_status"]
    assert status and dep_style["color"] == map_layers.DEPLOYMENT_STATUS_COLOURS.get(
        status, map_layers.OTHER_COLOUR)


def _hostile() -> Extraction:
    text = f"{HOSTILE} in {HOSTILE}."
    place = Place("p1", HOSTILE, 0, len(HOSTILE), sentence=text, name=HOSTILE, kind="city",
                  lat=10.0, lon=10.0, geonameid=7)
    return Extraction(
        article=Article(id="evil`${1}", text=text, title=HOSTILE), places=(place,),
        actors=(Actor("a1", HOSTILE, "group"),),
        events=(Event("e1", "clash", HOSTILE, actors=("a1",), place="p1", sentence=text,
                      date=dt.date(2020, 1, 1)),),
        deployments=(Deployment("d1", "a1", HOSTILE, strength=5, place="p1", sentence=text),),
    )


def _map_html(ex: Extraction) -> str:
    return map_layers.standalone(_frames([ex])).get_root().render()


def test_hostile_text_stays_literal_in_the_map_html():
    page = _map_html(_hostile())
    for raw in ("<script>alert", "</script><img", "<img src=x", "${1+1}", "\\u<", "{{ 7*7",
                "{% if", "{# c", " 49 "):
        assert raw not in page
    benign = _map_html(Extraction(article=Article(id="ok", text="Paris"), places=(
        Place("p1", "Paris", 0, 5, name="Paris", kind="city", lat=48.85, lon=2.35,
              geonameid=2988507),)))
    assert page.count("`") == benign.count("`")  # only folium's own template literals
    decoded = page.encode().decode("unicode_escape")  # undo tojson's \u0026-style escapes
    assert escape(HOSTILE) in decoded


def test_hostile_text_reaches_tooltips_and_popups_only_escaped():
    groups = _layers([_hostile()])
    for layer in ("places", "events", "deployments", "areas"):
        for shown in _browser_text(groups, layer).values():
            for html_text in shown.values():
                assert "<script" not in html_text and "<img" not in html_text
                assert "`" not in html_text and "${" not in html_text
    tip = _browser_text(groups, "places")[next(iter(_locs_cache))]["tip"]
    assert escape(HOSTILE) in tip


def test_hostile_text_leaves_every_inline_script_parseable(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; it only checks the generated scripts' syntax")
    page = _map_html(_hostile())
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert scripts
    for n, script in enumerate(scripts):
        path = tmp_path / f"s{n}.js"
        path.write_text(script, encoding="utf-8")
        result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def _asset_urls(fmap: folium.Map) -> list[str]:
    """What streamlit-folium would load: default_js/css of every element in the map."""
    urls, stack = [], [fmap]
    while stack:
        element = stack.pop()
        if isinstance(element, JSCSSMixin):
            urls += [url for _, url in element.default_js + element.default_css]
        stack += list(getattr(element, "_children", {}).values())
    return urls


def test_every_script_and_stylesheet_is_served_locally(monkeypatch):
    monkeypatch.setattr(map_layers, "CLUSTER_AT", 0)  # include the cluster plugin's assets
    fmap = map_layers.standalone(_frames())
    urls = _asset_urls(fmap)
    assert any("markercluster" in u for u in urls)
    assert urls and all(u.startswith("/app/static/vendor/") and "/dist/" in u for u in urls)
    page = fmap.get_root().render()
    assert not re.search(r'(src|href)="https?://', page)


def test_online_tiles_are_offered_but_off():
    fmap = map_layers.base_map()
    tiles = [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 2 and all(t.overlay and not t.show and t.control for t in tiles)
    page = fmap.get_root().render()
    assert "tile.openstreetmap.org" in page and ".addTo(map_" not in page.split("L.tileLayer")[1]


def test_country_outlines_are_simplified_styled_and_stripped_of_properties():
    ring = [[0, 0]] + [[i / 100, (i % 2) / 1000] for i in range(1, 300)] + [[3, 0], [3, 3],
                                                                            [0, 3], [0, 0]]
    tiny = [[10, 10], [10.01, 10], [10.01, 10.01], [10, 10]]
    outlines = map_layers.country_outlines(
        [json.dumps({"type": "Polygon", "coordinates": [ring]}),
         json.dumps({"type": "MultiPolygon", "coordinates": [[tiny]]})], tolerance=0.1)
    (feature,) = json.loads(outlines)["features"]  # the tiny island is dropped
    (polygon,) = feature["geometry"]["coordinates"]
    assert len(polygon[0]) == 5  # the wiggly edge became a straight one
    assert feature["properties"] == {"style": map_layers.LAND_STYLE}
    fmap = map_layers.base_map(outlines)
    map_layers.layer_control().add_to(fmap)
    page = fmap.get_root().render()
    assert outlines in page and "interactive: false" in page
    assert '"Country outlines (offline)"' in page  # in the layer control
    # On the map, in what streamlit-folium sends too (it renders elements its own way).
    for script in (page, streamlit_folium._get_map_string(map_layers.base_map(outlines))):
        assert re.search(r"L\.geoJson\(.{0,400}\)\s*\.addTo\(map_\w+\)", script, re.S), script[-600:]


def test_layers_fit_the_map_to_the_data():
    page = map_layers.standalone(_frames()).get_root().render()
    bounds = re.search(r"\.fitBounds\((\[\[.*?\]\])", page).group(1)
    (south, west), (north, east) = json.loads(bounds)
    assert (south, west, north, east) == (42.0, 4.35, 50.85, 21.0)


def test_install_assets_copies_leaflet_and_cluster(tmp_path):
    vendor = map_layers.install_assets(tmp_path)
    for _, _, target in map_layers.VENDOR_FILES:
        assert (vendor / target).exists(), target
    assert (vendor / "leaflet/dist/images/marker-icon.png").stat().st_size > 0
    assert map_layers.install_assets(tmp_path) == vendor  # idempotent


def test_escape_is_what_keeps_a_plain_folium_tooltip_script_parseable(tmp_path):
    """folium 0.20 puts Tooltip text in a JS template literal: raw text breaks the script."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; it only checks the generated scripts' syntax")

    def parses(text: str) -> bool:
        fmap = folium.Map(tiles=None)
        folium.Marker([0, 0], tooltip=text).add_to(fmap)
        script = re.findall(r"<script>(.*?)</script>", fmap.get_root().render(), flags=re.S)
        path = tmp_path / "tooltip.js"
        path.write_text("\n".join(script), encoding="utf-8")
        return subprocess.run([node, "--check", str(path)], capture_output=True).returncode == 0

    assert not parses("a`b")
    assert not parses("C:\\users")
    assert parses(escape("a`b C:\\users ${1+1}"))


def test_layers_built_again_from_prepared_data_render_identically():
    """A click reruns the map fragment: its layers must give the very same script."""
    square = json.dumps({"type": "Polygon", "coordinates": [[[20, 42], [22, 42], [22, 43],
                                                             [20, 43], [20, 42]]]})
    area = Place("p9", "Kosovo", 0, 6, name="Kosovo", kind="country", lat=42.6, lon=20.9,
                 geonameid=831053, precision="country", geometry=square)
    exs = extractions()
    exs[0] = Extraction(article=exs[0].article, places=exs[0].places + (area,),
                        actors=exs[0].actors, events=exs[0].events,
                        deployments=exs[0].deployments)
    data = map_layers.prepare(_frames(exs))
    scripts = []
    with mock.patch.object(streamlit_folium, "_component_func", lambda **kwargs: kwargs):
        for _ in range(2):
            sent = streamlit_folium.st_folium(
                map_layers.base_map(), key="nm_map", feature_group_to_add=map_layers.build(data),
                layer_control=map_layers.layer_control())
            scripts.append((sent["feature_group"], sent["layer_control"], sent["key"]))
    assert scripts[0] == scripts[1]
    assert 'pane: "nmAreas"' in scripts[0][0]  # the areas layer is in it
    assert not re.search(r"geo_json_[0-9a-f]{32}", scripts[1][0])  # no stale folium name


def test_a_map_built_to_report_says_once_it_is_drawn():
    """The in-memory page's map reports itself painted (the parts under it wait for that),
    through the component protocol, once per frame; the same script on every rerun."""
    data = map_layers.prepare(_frames())
    with mock.patch.object(streamlit_folium, "_component_func", lambda **kwargs: kwargs):
        sent = [streamlit_folium.st_folium(
            map_layers.base_map(), key="nm_map", layer_control=map_layers.layer_control(),
            feature_group_to_add=map_layers.build(data, report_drawn=drawn))["feature_group"]
            for drawn in (True, True, False)]
    assert sent[0] == sent[1]
    assert sent[0].count('{"nm_drawn": true}') == 1 and "streamlit:setComponentValue" in sent[0]
    assert "data.nm_drawn" in sent[0] and "requestAnimationFrame" in sent[0]
    assert "nm_drawn" not in sent[2]  # the dataset page's map reports nothing of the kind


def test_bounds_hold_a_country_level_place_whole():
    france = Place(id="p1", surface="France", start=0, end=6, name="France", kind="country",
                   country_code="FR", lat=46.7, lon=2.5, bbox=(42.3, -4.8, 51.1, 8.2),
                   precision="country", confidence=0.9)
    ex = Extraction(article=Article(id="a", text="France acted."), places=(france,))
    (south, west), (north, east) = map_layers.prepare(_frames([ex])).bounds
    assert (south, west, north, east) == (42.3, -4.8, 51.1, 8.2)


def test_events_placed_only_by_inheritance_or_focus_are_drawn_hollow_and_dashed():
    here = Place("p1", "Gao", 0, 3, name="Gao", kind="city", lat=16.27, lon=-0.04,
                 geonameid=2457163, precision="point")
    there = Place("p2", "Mopti", 4, 9, name="Mopti", kind="city", lat=14.49, lon=-4.2,
                  geonameid=2453348, precision="point")
    ex = Extraction(article=Article(id="g", text="Gao Mopti"), places=(here, there), events=(
        Event("e1", "clash", "fighting", place="p1", place_basis="stated"),
        Event("e2", "statement", "said", place="p2", place_basis="focus")))
    styles = {loc["name"]: style for loc, style in _points(_layers([ex])[2])}
    assert styles["Gao"]["fillOpacity"] > 0.3 and "dashArray" not in styles["Gao"]
    assert styles["Mopti"]["fillOpacity"] == 0 and "dashArray" in styles["Mopti"]
