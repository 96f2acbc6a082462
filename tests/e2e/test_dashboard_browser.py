"""The dashboard in real headless Chromium: markers, filters, click for details, all offline.

One Streamlit server runs for the module on a copy of the repo's seeds/; each test opens a
fresh browser context (a fresh session). The conftest guard fails any test in which a request
leaves localhost, a page error is thrown or a dialog opens.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: The seed's French contingent, stationed in Kosovska Mitrovica (issue 4, "Must show").
FRENCH_SENTENCE = "The French soldiers are stationed in the divided town Kosovska Mitrovica"
DETAILS = ".st-key-nm-details"


def mentioning(layers: list[dict], name: str) -> list[dict]:
    """Point layers whose tooltip mentions ``name`` (as place name or surface)."""
    return [layer for layer in layers
            if layer["kind"] != "shape" and name in (layer["tooltip"] or "")]


def place_marker(layers: list[dict], name: str) -> dict | None:
    """The place-layer marker (its tooltip lists the surfaces: "mentioned as")."""
    found = [layer for layer in mentioning(layers, name) if "mentioned as" in layer["tooltip"]]
    return found[0] if found else None


def data_markers(layers: list[dict]) -> int:
    """Markers and areas that carry data (the offline country outlines have no tooltip)."""
    return sum(1 for layer in layers if layer["tooltip"])


def seed_map_ready(dashboard) -> list[dict]:
    """Wait until both seed places the issue names are on the map; return the layers."""
    return dashboard.wait_for_layers(
        lambda found: place_marker(found, "Brussels") and place_marker(found,
                                                                       "Kosovska Mitrovica"),
        "markers for Brussels and Kosovska Mitrovica")


def test_dashboard_shows_brussels_and_kosovska_mitrovica(dashboard, app_page, artifacts):
    layers = seed_map_ready(dashboard)
    brussels = place_marker(layers, "Brussels")
    mitrovica = place_marker(layers, "Kosovska Mitrovica")
    assert abs(brussels["lat"] - 50.85) < 0.2 and abs(brussels["lon"] - 4.35) < 0.2, brussels
    assert abs(mitrovica["lat"] - 42.89) < 0.2 and abs(mitrovica["lon"] - 20.87) < 0.2, mitrovica
    # The tooltips are words: the id that joins a click back to the rows travels with the
    # click (the map's own report), not in them.
    assert not re.search(r"id: \S+", brussels["tooltip"]), brussels
    dashboard.wait_idle()
    app_page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)


def test_dashboard_requests_stay_on_localhost(dashboard, guard):
    seed_map_ready(dashboard)
    dashboard.wait_idle()
    assert guard.requests, "no request was recorded: the guard is not listening"
    assert not guard.outside, guard.outside
    assert not guard.console_errors, guard.console_errors
    # Leaflet itself came from the app's static folder, not from a CDN.
    assert any("/app/static/" in url and "leaflet" in url for url in guard.requests), (
        [u for u in guard.requests if "leaflet" in u])


def wait_narrowed(dashboard, events: int, rows: int, markers: int, why: str) -> None:
    """Wait for fewer events (count), table rows and data markers than before a filter."""
    dashboard.wait_until(lambda: dashboard.table_count("Events") < events, 30,
                         f"events count below {events} {why}")
    dashboard.wait_until(lambda: dashboard.dataframe_rows(0) < rows, 30,
                         f"table rows below {rows} {why}")
    # The tables have narrowed, so the page has rerun: an empty map is the filter's answer
    # when the chosen records have no place.
    dashboard.wait_for_layers(lambda found: data_markers(found) < markers,
                              f"fewer than {markers} data markers {why}", empty_ok=True)


def test_dashboard_actor_filter_reduces_markers_and_rows(dashboard, app_page):
    markers = data_markers(seed_map_ready(dashboard))
    dashboard.wait_idle()
    events, rows = dashboard.table_count("Events"), dashboard.dataframe_rows(0)
    counted = {text: int(found.group(1)) for text in dashboard.options("Actor")
               if (found := re.search(r"\((\d+)\)$", text))}  # not "Select all"
    assert counted, "the actor filter offers no actor with a count"
    rarest = min(counted, key=counted.get)
    dashboard.choose("Actor", rarest)
    dashboard.wait_idle()
    wait_narrowed(dashboard, events, rows, markers, f"after choosing {rarest}")
    assert "actor=" in app_page.url, "the filter is not mirrored in the URL"
    # The table choice still shows which table is open (a changing label used to lose it).
    expect(app_page.locator('[data-testid="stRadioGroup"] input[type="radio"]:checked')
           ).to_have_count(1)


def test_dashboard_date_range_reduces_markers_and_rows(dashboard, app_page):
    markers = data_markers(seed_map_ready(dashboard))
    dashboard.wait_idle()
    events, rows = dashboard.table_count("Events"), dashboard.dataframe_rows(0)
    first, last = dashboard.date_range("Date range")
    assert first < last, "the seed's records span several days"
    dashboard.set_date_range("Date range", first, first)
    dashboard.wait_idle()
    dashboard.wait_until(lambda: dashboard.date_range("Date range") == (first, first), 30,
                         "the date input to hold the new range")
    wait_narrowed(dashboard, events, rows, markers, f"for {first}..{first}")
    assert f"to={first.isoformat()}" in app_page.url, "the range is not mirrored in the URL"


#: Counts the values the map iframe sends to Streamlit (clicks reported).
COUNT_VALUES_JS = """() => {
  window.__e2e_values = [];
  window.addEventListener("message", (event) => {
    if (event.data && event.data.type === "streamlit:setComponentValue") {
      window.__e2e_values.push(event.data.value);
    }
  });
}"""
#: In the map iframe: what the map had reported when the click finished bubbling (Leaflet's
#: handlers, below the document, have all run by then).
SNAPSHOT_ON_CLICK_JS = """() => document.addEventListener("click", () => {
  window.__e2e_reported_at_click = JSON.parse(JSON.stringify(
      window.__GLOBAL_DATA__.nm_reported || {}));
})"""


def test_dashboard_click_mitrovica_shows_french_contingent(dashboard, app_page, artifacts):
    layers = seed_map_ready(dashboard)
    dashboard.wait_idle()
    dashboard.map_frame().evaluate("() => { window.__e2e_same_map = true; }")
    details = app_page.locator(DETAILS)
    expect(details).not_to_contain_text(FRENCH_SENTENCE)
    app_page.evaluate(COUNT_VALUES_JS)
    dashboard.map_frame().evaluate(SNAPSHOT_ON_CLICK_JS)
    started = time.perf_counter()
    hit = dashboard.click_layer(place_marker(layers, "Kosovska Mitrovica"))
    expect(details).to_contain_text(FRENCH_SENTENCE, timeout=dashboard.timeout * 1000)
    print(f"click -> details: {(time.perf_counter() - started) * 1000:.0f} ms (hit: {hit!r})")
    # The click was reported while it was handled, not after streamlit-folium's 250 ms
    # debounce, and only once: the debounced report found nothing new.
    reported = dashboard.map_frame().evaluate("() => window.__e2e_reported_at_click")
    assert "Mitrovic" in (reported or {}).get("last_object_clicked_tooltip", ""), reported
    app_page.wait_for_timeout(1000)
    assert app_page.evaluate("() => window.__e2e_values.length") == 1
    # The contingent is listed as a deployment at the place, not only as a mention.
    expect(details).to_contain_text(re.compile(r"Deployments here \((?!0\))\d+\)"))
    expect(details).to_contain_text("French contingent")
    dashboard.wait_idle()
    # The click reran the map's fragment only: the same Leaflet map, still with its markers.
    assert dashboard.map_frame().evaluate("() => window.__e2e_same_map === true")
    dashboard.wait_for_layers(lambda found: place_marker(found, "Kosovska Mitrovica"),
                              "the markers still on the map after the click", timeout=10)
    app_page.screenshot(path=str(artifacts / "dashboard_details.png"), full_page=True)


def test_dashboard_upload_joins_the_map(dashboard, app_page):
    seed_map_ready(dashboard)
    dashboard.wait_idle()
    article = ("Aid convoy reaches Nairobi\nRelief agencies say supplies are moving.\n"
               "(Test Wire) Monday, March 03, 2008\n"
               "A convoy of the World Food Programme arrived in Nairobi on Monday, officials "
               "said.\n")
    upload = app_page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.set_input_files(files=[{"name": "convoy.txt", "mimeType": "text/plain",
                                   "buffer": article.encode()}])
    dashboard.wait_for_layers(lambda found: place_marker(found, "Nairobi"),
                              "a marker for the uploaded article's Nairobi")
    # The seed's markers stay: the upload joins the map, it does not replace it.
    assert place_marker(dashboard.layers(), "Brussels")


def test_dashboard_draws_the_chart_and_the_tables_once_the_map_is_drawn(dashboard, app_page):
    """On a first load the chart and the parts under the map wait for the map, then come
    without a click; the map does not move when the chart takes its place."""
    seed_map_ready(dashboard)
    top = app_page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    dashboard.wait_until(lambda: app_page.locator('[data-testid="stDataFrame"]').count(), 30,
                         "the events table, drawn after the map")
    dashboard.wait_idle()
    expect(app_page.locator('.st-key-nm-time [data-testid="stVegaLiteChart"]')).to_have_count(1)
    expect(app_page.locator('[class*="st-key-nm_after_map_"]')).to_have_count(0)
    assert dashboard.table_count("Events") > 0
    moved = app_page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    assert abs(moved["y"] - top["y"]) <= 4, (top, moved)
    block = app_page.locator(".st-key-nm-time-chart").first  # the chart fits its block
    assert block.evaluate("b => b.scrollHeight <= b.clientHeight + 1"), block.bounding_box()
