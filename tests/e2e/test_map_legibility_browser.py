"""The map's layout, symbology and labels in real Chromium (issue 13): the map is the page's
main object, its first view is not crowded, a town wins over the area around it, the legend
is on the map, a popup replaces its tooltip, labels are words and tables have blank cells.

The module's server reads a copy of seeds/ plus invented reports about towns in Kosovo
(``tests/e2e/kosovo/``), close together on the map.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_dashboard_browser import DETAILS, place_marker

pytestmark = pytest.mark.browser

KOSOVO = Path(__file__).resolve().parent / "kosovo"
MAP = 'iframe[title="streamlit_folium.st_folium"]'
#: Internal names that must not reach a tooltip or a popup.
INTERNAL = re.compile(r"\b(?:gn|pl):[0-9a-z]+|\bid:|_|\bNone\b|\bnan\b|\bundefined\b")

#: Point markers in view: their centres (container px) and radii, measured here, not by the
#: map's own code.
POINTS_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const size = map.getSize(), out = [];
  map.eachLayer(layer => {
    if (!(layer instanceof L.CircleMarker) || layer.options.pane !== "nmPoints") return;
    const p = map.latLngToContainerPoint(layer.getLatLng());
    if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return;
    out.push({x: p.x, y: p.y, r: layer.getRadius(), key: layer.nm_loc[0]});
  });
  return {zoom: map.getZoom(), points: out};
}"""
#: Where a click at a layer's position lands at ``zoom``: the name and kind of the location
#: whose shape is topmost there, and whether an area lies beneath it.
HIT_JS = """([key, zoom]) => new Promise(resolve => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let target = null;
  map.eachLayer(l => { if (l.nm_loc && l.nm_loc[0] === key && l.getLatLng) target = l; });
  map.setView(target.getLatLng(), zoom, {animate: false});
  setTimeout(() => {
    const box = map.getContainer().getBoundingClientRect();
    const at = map.latLngToContainerPoint(target.getLatLng());
    const hits = document.elementsFromPoint(box.left + at.x, box.top + at.y);
    const owner = el => { let found = null;
      map.eachLayer(l => { if (l._path === el && l.nm_loc) found = l; }); return found; };
    const layers = hits.map(owner).filter(Boolean);
    resolve({top: layers.length ? layers[0].nm_loc[3] : null,
             below: layers.slice(1).map(l => l.nm_loc[3] + " / " + l.nm_loc[4]),
             x: box.left + at.x, y: box.top + at.y});
  }, 400);
})"""
#: A point on an area's own surface with no marker on it (searched on a grid over its box).
AREA_SPOT_JS = """(name) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let area = null;
  map.eachLayer(l => { if (l.nm_loc && l.nm_loc[3] === name && l.getBounds) area = l; });
  map.fitBounds(area.getBounds(), {animate: false});
  const box = map.getContainer().getBoundingClientRect(), b = area.getBounds();
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const p = map.latLngToContainerPoint([b.getSouth() + (b.getNorth() - b.getSouth()) * i / 20,
                                          b.getWest() + (b.getEast() - b.getWest()) * j / 20]);
    const el = document.elementFromPoint(box.left + p.x, box.top + p.y);
    if (el === area._path) return {x: box.left + p.x, y: box.top + p.y};
  }
  return null;
}"""


@pytest.fixture(scope="module")
def seeds_dir(seeds_dir):
    for article in KOSOVO.glob("*.txt"):
        shutil.copy2(article, seeds_dir / article.name)
    return seeds_dir


def _ready(dashboard) -> list[dict]:
    layers = dashboard.wait_for_layers(
        lambda found: place_marker(found, "Gjilan") and place_marker(found, "Brussels"),
        "markers for the Kosovo reports and the seed")
    dashboard.wait_idle()
    # The whole map in view, as a user sees it (the time controls sit above it): the mouse
    # is moved to page coordinates.
    dashboard.page.locator(MAP).first.scroll_into_view_if_needed()
    return layers


def _overlapping_share(points: list[dict]) -> float:
    crowded = {i for i, a in enumerate(points) for j, b in enumerate(points)
               if i != j and ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
               < a["r"] + b["r"] and a["key"] != b["key"]}
    return len(crowded) / len(points)


def test_map_is_the_main_object_beside_the_details_then_above_them(dashboard, app_page,
                                                                    artifacts):
    _ready(dashboard)
    frame = app_page.locator(MAP).first.bounding_box()
    details = app_page.locator(DETAILS).bounding_box()
    main = app_page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert frame["height"] >= 600, frame
    assert frame["width"] >= 0.6 * main["width"], (frame, main)
    assert details["x"] >= frame["x"] + frame["width"] - 1, (frame, details)  # beside it
    app_page.screenshot(path=str(artifacts / "legibility-wide.png"))
    app_page.set_viewport_size({"width": 1200, "height": 1100})
    dashboard.page.wait_for_timeout(800)
    frame = app_page.locator(MAP).first.bounding_box()
    details = app_page.locator(DETAILS).bounding_box()
    main = app_page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert details["y"] >= frame["y"] + frame["height"] - 1, (frame, details)  # below it
    assert frame["width"] >= 0.9 * main["width"] - 64, (frame, main)
    app_page.screenshot(path=str(artifacts / "legibility-narrow.png"))


def test_first_view_is_not_crowded(dashboard):
    _ready(dashboard)
    frame = dashboard.map_frame()
    view = dashboard.wait_until(lambda: frame.evaluate(POINTS_JS), 10, "the first view")
    points = view["points"]
    assert len(points) >= 6, view  # the towns of the reports are in view, not just one
    assert _overlapping_share(points) < 0.5, view
    assert view["zoom"] > 4, view  # fitting Brussels and Kosovo alone would be zoom 4


@pytest.mark.parametrize("zoom", [7, 9])
def test_a_click_at_a_town_reaches_the_town_not_the_area(dashboard, app_page, zoom):
    layers = _ready(dashboard)
    town = place_marker(layers, "Kosovska Mitrovica")
    key = dashboard.map_frame().evaluate(
        "(id) => { let k = null; const map = Object.values(window).find(v => v instanceof L.Map);"
        " map.eachLayer(l => { if (L.stamp(l) === id) k = l.nm_loc[0]; }); return k; }",
        town["leaflet_id"])
    hit = dashboard.map_frame().evaluate(HIT_JS, [key, zoom])
    assert hit["top"] == "Mitrovicë", hit
    assert any("Kosovo / country" in below for below in hit["below"]), hit  # the area is there
    box = app_page.locator(MAP).first.bounding_box()
    frame = dashboard.map_frame()
    inside = frame.evaluate("() => document.documentElement.getBoundingClientRect()")
    x, y = box["x"] + hit["x"] - inside["x"], box["y"] + hit["y"] - inside["y"]
    app_page.mouse.move(x, y)
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("Kosovska Mitrovica")
    app_page.mouse.click(x, y)
    expect(app_page.locator(DETAILS)).to_contain_text("Mitrovicë · city",
                                                      timeout=dashboard.timeout * 1000)


def test_an_area_is_clickable_on_its_own_surface(dashboard, app_page):
    _ready(dashboard)
    frame = dashboard.map_frame()
    spot = frame.evaluate(AREA_SPOT_JS, "Kosovo")
    assert spot, "no point of Kosovo's own surface is free of markers"
    box = app_page.locator(MAP).first.bounding_box()
    app_page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    expect(app_page.locator(DETAILS)).to_contain_text("Kosovo · country",
                                                      timeout=dashboard.timeout * 1000)


def test_legend_is_on_the_map_and_switches_the_colours(dashboard):
    _ready(dashboard)
    frame = dashboard.map_frame()
    legend = frame.locator(".nm-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Events, by")
    expect(legend).to_contain_text("hollow, dashed: place inferred")
    colours = "() => window.nm_markers.events.map(m => m.options.color).join()"
    by_type = frame.evaluate(colours)
    legend.locator("input[value=status]").check()
    assert frame.evaluate(colours) != by_type
    expect(legend.locator(".nm-by-status").first).to_be_visible()
    expect(legend.locator(".nm-by-type").first).to_be_hidden()


def test_a_popup_closes_the_tooltip_it_was_opened_from(dashboard, app_page):
    layers = _ready(dashboard)
    hit = dashboard.click_layer(place_marker(layers, "Brussels"), zoom=9)
    assert "Brussels" in hit
    frame = dashboard.map_frame()
    expect(frame.locator(".leaflet-popup")).to_be_visible()
    expect(frame.locator(".leaflet-tooltip")).to_have_count(0)
    # Hovering the same marker again does not bring the tooltip back over its popup.
    frame.locator(f'[data-e2e-target="{place_marker(layers, "Brussels")["leaflet_id"]}"]').hover()
    app_page.wait_for_timeout(300)
    expect(frame.locator(".leaflet-tooltip")).to_have_count(0)
    expect(frame.locator(".leaflet-popup")).to_be_visible()


def test_tooltips_and_popups_are_words_and_ids_only_under_source(dashboard, app_page):
    layers = _ready(dashboard)
    shown = [layer for layer in layers if layer["tooltip"]]
    assert len(shown) >= 10
    for layer in shown:
        for text in (layer["tooltip"], layer["popup"] or ""):
            assert not INTERNAL.search(text), text
    assert any("directional region" in layer["tooltip"] for layer in shown)
    assert any(re.search(r"\d+ events?, \d+ deployments?", layer["tooltip"]) for layer in shown)
    dashboard.click_layer(place_marker(layers, "Brussels"), zoom=9)
    details = app_page.locator(DETAILS)
    expect(details).to_contain_text("Brussels · city", timeout=dashboard.timeout * 1000)
    assert "gn:" not in details.inner_text()
    details.locator("summary", has_text="source").first.click()
    expect(details).to_contain_text("location gn:2800866")


def test_tables_show_unknown_values_as_blank_cells(dashboard, app_page):
    _ready(dashboard)
    for name in ("Events", "Deployments", "Places"):
        app_page.locator('[data-testid="stRadioGroup"] label', has_text=name).first.click()
        dashboard.wait_idle()
        grid = app_page.locator('[data-testid="stDataFrame"]').first
        expect(grid.locator('table[role="grid"]')).to_have_count(1)
        cells = grid.locator('table[role="grid"] td').all_inner_texts()
        assert cells, name
        assert not [c for c in cells if c.strip() in ("None", "nan", "NaN", "NaT", "<NA>")], (
            name, cells)
