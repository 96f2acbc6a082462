"""Time on the map and the density views in real headless Chromium, offline.

One Streamlit server on a copy of the repo's seeds/ (one article, records dated 5 to 10
December 2007). The time slider narrows the map and the tables; play moves the window on; a
range brushed on the chart becomes the window; the heat map and the choropleths are listed
in the layer control, off at first, and draw when ticked.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TIME = ".st-key-nm-time"
#: The texts of the layer control's overlays, and a click on one (by its label's start).
OVERLAYS_JS = """
() => Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label")).map(
    label => ({text: label.textContent.trim(),
               checked: label.querySelector("input").checked}))
"""
TICK_JS = """
(start) => {
  const label = Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label"))
      .find(l => l.textContent.trim().startsWith(start));
  if (!label) return false;
  label.querySelector("input").click();
  return true;
}
"""
#: Whether the heat map's canvas holds any coloured pixel.
HEAT_DRAWN_JS = """
() => {
  const canvas = document.querySelector("canvas.leaflet-heatmap-layer");
  if (!canvas || !canvas.width) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) return true; }
  return false;
}
"""


def data_markers(layers: list[dict]) -> int:
    """Layers of the data: those with a tooltip (the basemap's names and shapes have none)."""
    return sum(1 for layer in layers if layer["tooltip"])


def slider_values(page) -> list[str]:
    """The dates the time slider shows (its thumbs' values)."""
    thumbs = page.locator(f'{TIME} [data-testid="stSlider"] input[type="range"]')
    return [thumbs.nth(i).get_attribute("aria-valuetext") or "" for i in range(thumbs.count())]


def press_thumb(dashboard, index: int, *keys: str) -> None:
    thumb = dashboard.page.locator(f'{TIME} [data-testid="stSlider"] input[type="range"]').nth(index)
    thumb.focus()
    for key in keys:
        thumb.press(key)
    dashboard.reset_focus()
    dashboard.wait_idle()


def ready(dashboard) -> int:
    """Wait for the map's markers and the full events table; the number of data markers."""
    layers = dashboard.wait_for_layers(lambda found: data_markers(found) > 0, "data markers")
    dashboard.wait_idle()
    dashboard.wait_until(lambda: dashboard.table_count("Events") == 10, 30, "10 events")
    return data_markers(layers)


def test_time_slider_hides_and_shows_events_on_the_map_and_in_the_tables(dashboard, app_page,
                                                                          artifacts):
    markers = ready(dashboard)
    assert slider_values(app_page)[-1].startswith("2007-12-10"), slider_values(app_page)
    press_thumb(dashboard, 1, "Home")  # the end to the first day: 5 December only
    dashboard.wait_until(lambda: dashboard.table_count("Events") == 2, 30,
                         "the events of 5 December only")
    assert dashboard.table_count("Deployments") < 4
    narrowed = dashboard.wait_for_layers(lambda found: data_markers(found) < markers,
                                         f"fewer than {markers} data markers")
    assert data_markers(narrowed) > 0  # 5 December happened somewhere
    app_page.screenshot(path=str(artifacts / "timeview-window.png"), full_page=True)
    press_thumb(dashboard, 1, "End")
    dashboard.wait_until(lambda: dashboard.table_count("Events") == 10, 30, "all events back")
    dashboard.wait_for_layers(lambda found: data_markers(found) == markers,
                              f"{markers} data markers again")


def test_cumulative_mode_shows_everything_up_to_the_day(dashboard, app_page):
    ready(dashboard)
    app_page.locator(TIME).get_by_text("Cumulative", exact=True).click()
    dashboard.wait_idle()
    press_thumb(dashboard, 0, "Home", "ArrowRight")  # up to 6 December
    dashboard.wait_until(lambda: dashboard.table_count("Events") == 3, 30,
                         "the events of 5 and 6 December")


def test_play_moves_the_window_on(dashboard, app_page):
    ready(dashboard)
    press_thumb(dashboard, 1, "Home", "ArrowRight")  # 5-6 December
    assert [v[:10] for v in slider_values(app_page)] == ["2007-12-05", "2007-12-06"]
    app_page.locator(TIME).get_by_role("button", name="Play").click()
    dashboard.wait_until(lambda: slider_values(app_page)[0][:10] >= "2007-12-07", 40,
                         "the window moved on by play")
    app_page.locator(TIME).get_by_role("button", name="Pause").click()
    dashboard.wait_idle()
    # The tables follow the window: 7 December onward holds the meeting day's events.
    assert dashboard.table_count("Events") < 10


def test_brushing_the_chart_sets_the_window(dashboard, app_page):
    ready(dashboard)
    chart = app_page.locator(f'{TIME} [data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # The plot spans 5 to 11 December left of the legend: brush across its middle part.
    y = box["y"] + box["height"] * 0.4
    app_page.mouse.move(box["x"] + box["width"] * 0.35, y)
    app_page.mouse.down()
    app_page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    app_page.mouse.up()
    dashboard.wait_until(lambda: slider_values(app_page)[0][:10] > "2007-12-05"
                         or slider_values(app_page)[1][:10] < "2007-12-10", 30,
                         "the slider follows the brushed range")
    dashboard.wait_idle()
    dashboard.wait_until(lambda: dashboard.table_count("Events") < 10, 30, "fewer events")


def test_density_layers_are_listed_off_and_draw_when_ticked(dashboard, app_page, artifacts):
    ready(dashboard)
    frame = dashboard.map_frame()
    overlays = dashboard.wait_until(lambda: frame.evaluate(OVERLAYS_JS), 30, "layer control")
    names = {o["text"]: o["checked"] for o in overlays}
    for start in ("Heat map of events", "Events per country", "Events per admin-1 region"):
        found = [name for name in names if name.startswith(start)]
        assert found, names
        assert names[found[0]] is False, f"{start} should be off at first: {names}"
    assert not frame.evaluate(HEAT_DRAWN_JS)
    assert frame.evaluate(TICK_JS, "Heat map of events")
    dashboard.wait_until(lambda: frame.evaluate(HEAT_DRAWN_JS), 20, "the heat map drawn")
    assert frame.evaluate(TICK_JS, "Events per country")
    shapes = dashboard.wait_for_layers(
        lambda found: any(re.search(r"\d+ events?\s+country", l["tooltip"] or "")
                          for l in found), "a country shaded with its count")
    kosovo = [l for l in shapes if (l["tooltip"] or "").startswith("Kosovo")
              and "tip" in (l["properties"] or {})]
    assert kosovo and re.search(r"Kosovo · \d+ events?", kosovo[0]["tooltip"]), shapes
    assert frame.evaluate(TICK_JS, "Events per admin-1 region")
    dashboard.wait_for_layers(
        lambda found: any("admin-1 region" in (l["tooltip"] or "") for l in found),
        "an admin-1 region shaded with its count")
    app_page.screenshot(path=str(artifacts / "timeview-density.png"), full_page=True)
    # The overlays stay on when the window moves (a rerun rebuilds the layers).
    press_thumb(dashboard, 1, "ArrowLeft")
    dashboard.wait_until(lambda: dashboard.table_count("Events") < 10, 30, "narrowed")
    frame = dashboard.map_frame()
    dashboard.wait_until(lambda: frame.evaluate(HEAT_DRAWN_JS), 20, "the heat map still on")
