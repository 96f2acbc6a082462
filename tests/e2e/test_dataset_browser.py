"""The dashboard on a Parquet dataset of 100,000 synthetic events, in real Chromium: the map
shows counts per cell zoomed out and markers zoomed in, a filter changes the paged table, and
an uploaded article is written into the dataset, so it is still there after a reload.

The dataset is generated in the test run (``benchmarks/synthetic_events.py``) and its tables
derived before the server starts (``dashboard/ui/derived.py``, into a private cache).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import start_app
from playwright.sync_api import expect

from benchmarks.synthetic_events import make_extractions, write_dataset
from dashboard.store import dataset
from dashboard.ui import derived

pytestmark = pytest.mark.browser

EVENTS = 100_000
MODE = ".st-key-nm-map-mode"
#: Leaflet layers by kind: grid cells (class nm-cell) and record markers (other circles).
COUNT_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  if (!map) return null;
  let cells = 0, markers = 0;
  map.eachLayer(l => {
    if (!(l instanceof L.CircleMarker)) return;
    if (l.options.className === "nm-cell") cells++; else markers++;
  });
  return {cells: cells, markers: markers};
}"""
#: Zoom the map in on its biggest cell, as a user scrolling in would.
ZOOM_JS = """(zoom) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let best = null;
  map.eachLayer(l => {
    if (l instanceof L.CircleMarker && l.options.className === "nm-cell"
        && (!best || l.getRadius() > best.getRadius())) best = l;
  });
  map.setView(best.getLatLng(), zoom, {animate: false});
  return true;
}"""
ARTICLE = ("Observers arrive in Quelimane\nA small mission begins its work.\n"
           "(Test Wire) Monday, March 03, 2008\n"
           "A team of observers arrived in Quelimane on Monday, officials said.\n")


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("dataset") / "ds"
    cache = tmp_path_factory.mktemp("cache")
    write_dataset(make_extractions(EVENTS, seed=5), root)
    derived.ensure(root, cache)
    return root, cache


@pytest.fixture(scope="module")
def app_server(chromium, seeds_dir, gazetteer_ready, data_root, tmp_path_factory):
    root, cache = data_root
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    server = start_app(seeds_dir, log_path, env={"NEWSMAP_DATASET": str(root),
                                                 "NEWSMAP_CACHE": str(cache)})
    yield server
    server.stop()


def _counts(dashboard) -> dict:
    return dashboard.map_frame().evaluate(COUNT_JS) or {}


def _rows_total(page) -> int:
    text = page.get_by_text(re.compile(r"^Rows [\d,]+–[\d,]+ of [\d,]+")).first.inner_text()
    return int(re.search(r"of ([\d,]+)", text).group(1).replace(",", ""))


def test_dataset_map_cells_then_markers_and_a_filter_changes_the_table(dashboard, app_page):
    dashboard.wait_idle()
    expect(app_page.locator(MODE)).to_contain_text("cells:", timeout=60_000)
    found = dashboard.wait_until(lambda: _counts(dashboard).get("cells"), 60,
                                 "grid cells on the world map")
    assert found and _counts(dashboard)["markers"] == 0
    dashboard.map_frame().evaluate(ZOOM_JS, 9)
    expect(app_page.locator(MODE)).to_contain_text("markers:", timeout=60_000)
    dashboard.wait_until(lambda: _counts(dashboard).get("markers", 0) > 0
                         and _counts(dashboard).get("cells") == 0, 60,
                         "markers, and no cells, zoomed in")
    dashboard.wait_idle()
    before = _rows_total(app_page)
    assert before == EVENTS
    dashboard.choose("Event type", "clash")
    dashboard.wait_idle()
    dashboard.wait_until(lambda: 0 < _rows_total(app_page) < before, 60,
                         "the events table narrowed to clashes")
    assert dashboard.table_count("Events") == _rows_total(app_page)


def test_dataset_upload_is_written_into_the_dataset_and_survives_a_reload(
        dashboard, app_page, data_root):
    root, _ = data_root
    dashboard.wait_idle()
    summary = app_page.get_by_text(re.compile(r"^[\d,]+ of [\d,]+ articles")).first
    articles = int(re.search(r"of ([\d,]+) articles", summary.inner_text()).group(1)
                   .replace(",", ""))
    app_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "observers.txt", "mimeType": "text/plain",
                "buffer": ARTICLE.encode("utf-8")}])
    expect(app_page.locator(".st-key-nm-uploads")).to_contain_text(
        "observers.txt: added as “observers”", timeout=90_000)
    assert "observers" in dataset.current(dataset.batches(root))
    app_page.reload(wait_until="domcontentloaded")
    dashboard.wait_idle()
    expect(app_page.get_by_text(re.compile(r"^[\d,]+ of [\d,]+ articles")).first).to_contain_text(
        f"{articles + 1:,} of {articles + 1:,} articles", timeout=60_000)
