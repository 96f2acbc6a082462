"""The offline basemap in real headless Chromium: it orients a reader over the seed (Kosovo)
with names the article never mentions, draws beneath the data, and fetches only from the app.

Needs the basemap tiles (``python -m dashboard build-basemap``; ``.ci/run`` builds them).
Screenshots at zoom 4, 7 and 8 go to ``tests/e2e/artifacts/basemap-z*.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.ui import basemap_build

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
KOSOVO = (42.6, 20.9)
#: Capitals near Kosovo that a reader orients by.
NEIGHBOUR_CAPITALS = ("Skopje", "Tirana", "Podgorica")

SET_VIEW_JS = """
([lat, lon, zoom]) => new Promise(resolve => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  map.once("moveend", () => setTimeout(resolve, 50));
  map.setView([lat, lon], zoom, {animate: false});
})
"""
PANES_JS = """
() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const z = name => Number(getComputedStyle(map.getPane(name)).zIndex);
  return {basemap: z("nmBasemap"), labels: z("nmLabels"), overlay: z("overlayPane"),
          marker: z("markerPane"), events: getComputedStyle(map.getPane("nmLabels")).pointerEvents};
}
"""


@pytest.fixture(scope="module", autouse=True)
def tiles_built():
    """Like a missing Chromium: skipped on a developer's machine, a failure on CI."""
    if basemap_build.geometry_ready():
        return
    message = "basemap tiles missing: run `python -m dashboard build-basemap`"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{message} (.ci/run builds them)", pytrace=False)
    pytest.skip(message)


def _seed_text() -> str:
    return " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt")))


def _map_ready(dashboard) -> None:
    dashboard.wait_for_layers(lambda found: any(layer["tooltip"] for layer in found),
                              "data markers on the map")
    dashboard.wait_idle()


def _label(frame, name: str):
    return frame.locator(".nm-label span", has_text=name)


def _shoot(page, path: Path) -> None:
    """The map alone (the page around it says nothing about the basemap)."""
    page.locator(MAP_IFRAME).first.screenshot(path=str(path))


def _show(dashboard, zoom: int, lat: float = KOSOVO[0], lon: float = KOSOVO[1]):
    frame = dashboard.map_frame()
    frame.evaluate(SET_VIEW_JS, [lat, lon, zoom])
    return frame


def test_basemap_names_a_capital_the_article_never_mentions(dashboard, app_page, guard,
                                                             artifacts):
    _map_ready(dashboard)
    text = _seed_text()
    unmentioned = [name for name in NEIGHBOUR_CAPITALS if name not in text]
    assert unmentioned, "the seed mentions every neighbouring capital: pick others"
    frame = _show(dashboard, 7)
    for name in unmentioned:
        expect(_label(frame, name)).to_be_visible(timeout=20_000)
    map_box = frame.locator(".folium-map, .leaflet-container").first.bounding_box()
    label_box = _label(frame, unmentioned[0]).bounding_box()
    assert map_box["x"] <= label_box["x"] <= map_box["x"] + map_box["width"], (map_box, label_box)
    _shoot(app_page, artifacts / "basemap-z7.png")
    # Land, water and border tiles of the zoom-7 band were fetched from the app itself.
    assert any("/app/static/basemap/geometry/z5/" in url for url in guard.requests)
    assert not guard.outside, guard.outside
    assert not guard.console_errors, guard.console_errors


def test_basemap_shows_more_towns_as_the_map_zooms_in(dashboard, app_page, artifacts):
    _map_ready(dashboard)
    counts = {}
    for zoom in (4, 8):
        frame = _show(dashboard, zoom)
        expect(frame.locator(".nm-label span").first).to_be_visible(timeout=20_000)
        dashboard.page.wait_for_timeout(500)  # tiles of the new band drawn
        counts[zoom] = frame.locator(".nm-label-city span").count()
        _shoot(app_page, artifacts / f"basemap-z{zoom}.png")
    assert counts[8] > counts[4], counts
    # Zoom 4 shows capitals and countries only: towns of a million appear from zoom 5.
    assert counts[4] == 0, counts


def test_basemap_lies_beneath_the_data_and_lets_clicks_through(dashboard):
    _map_ready(dashboard)
    frame = dashboard.map_frame()
    panes = frame.evaluate(PANES_JS)
    assert panes["basemap"] < panes["labels"] < panes["overlay"] < panes["marker"], panes
    assert panes["events"] == "none", panes
    # At zoom 9 the town's own label sits at its marker: the click still reaches the marker.
    layers = dashboard.layers()
    mitrovica = next(layer for layer in layers if "Mitrovica" in (layer["tooltip"] or "")
                     and layer["kind"] != "shape")
    hit = dashboard.click_layer(mitrovica, zoom=9)
    assert "Mitrovica" in hit, hit
