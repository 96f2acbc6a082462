"""Corrections in real Chromium (issue 13): a place mention corrected from the details panel
moves its marker, survives a restart of the app and a re-extraction of the article, and can
be undone from the Corrections table.

The module runs its own server on a private copy of seeds/, so the corrections database
(``<that folder>/.corrections.sqlite``) never lands in the repository.
"""

from __future__ import annotations

import os
import re

import pytest
from conftest import MAP_IFRAME, start_app
from playwright.sync_api import expect
from test_dashboard_browser import DETAILS, place_marker, seed_map_ready

from dashboard.store import corrections as corr

pytestmark = pytest.mark.browser

#: The wrong reading chosen on purpose: a namesake of the seed's town, 250 km away in Serbia.
OTHER = "Sremska Mitrovica"


#: An invented report whose town has namesakes on three continents: a doubtful mention.
NAMESAKES = ("Aid talks stall\nDelegates argue.\n(Test Wire) Monday, March 03, 2008\n"
             "Delegates met in Alexandria on Monday. Later, officials travelled to Hamilton.\n")


@pytest.fixture(scope="module")
def seeds_dir(seeds_dir):
    (seeds_dir / "namesakes.txt").write_text(NAMESAKES, encoding="utf-8")
    return seeds_dir


@pytest.fixture(scope="module")
def app_server(chromium, seeds_dir, gazetteer_ready, tmp_path_factory):
    """A server this module can restart: ``holder[0]`` is the running one."""
    logs = tmp_path_factory.mktemp("streamlit")
    env = {corr.ENV: "", corr.AUTHOR_ENV: "e2e"}
    holder = [start_app(seeds_dir, logs / "first.log", env)]

    class Restartable:
        url = property(lambda self: holder[0].url)
        log = lambda self: holder[0].log()  # noqa: E731 - conftest attaches it on failure

        def restart(self) -> None:
            holder[0].stop()
            holder.append(start_app(seeds_dir, logs / f"run{len(holder)}.log", env))
            holder[0] = holder.pop()

    yield Restartable()
    holder[0].stop()


CLICK_CLOCK_JS = """() => document.addEventListener("click", () => {
  window.__e2e_clicked_at = Date.now();
}, {capture: true, once: true})"""


def _moved(layers) -> bool:
    marker = place_marker(layers, OTHER)
    return bool(marker) and abs(marker["lat"] - 44.97) < 0.1 and abs(marker["lon"] - 19.6) < 0.1


def _map_shot(page, path) -> None:
    """The map and the details panel as the user sees them (the page scrolls inside itself,
    so a full-page shot would miss them)."""
    page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def _open(dashboard, page, server) -> None:
    page.goto(server.url, wait_until="domcontentloaded")
    seed_map_ready(dashboard) if not _moved(dashboard.layers()) else None
    dashboard.wait_idle()


def test_corrections_place_choice_moves_marker_survives_restart_and_undo(
        dashboard, app_page, app_server, seeds_dir, artifacts):
    layers = seed_map_ready(dashboard)
    dashboard.wait_idle()
    dashboard.click_layer(place_marker(layers, "Kosovska Mitrovica"))
    details = app_page.locator(DETAILS)
    expect(details).to_contain_text("Mentions (", timeout=dashboard.timeout * 1000)
    dashboard.wait_idle()
    details.get_by_text("Correct", exact=True).click()
    dashboard.wait_idle()
    readings = details.locator('[data-testid="stDataFrame"]').first
    expect(readings).to_be_visible()
    search = details.get_by_label("Or search the gazetteer")
    search.fill(OTHER)
    search.press("Enter")
    dashboard.wait_idle()
    dashboard.select("Place it at", re.compile(re.escape(OTHER)))
    dashboard.wait_idle()
    details.screenshot(path=str(artifacts / "corrections_choose.png"))
    # Timed from the browser's click event (Playwright's own wait for a still target is no
    # part of what a user waits through) to the moved marker found, polled every 0.1 s.
    app_page.evaluate(CLICK_CLOCK_JS)
    details.get_by_role("button", name="Use this place").click()
    dashboard.wait_for_layers(_moved, f"a marker at {OTHER} after the correction")
    elapsed = app_page.evaluate("() => Date.now() - window.__e2e_clicked_at")
    print(f"save -> marker moved: {elapsed} ms (load average {os.getloadavg()[0]:.1f})")
    dashboard.wait_idle()
    section = app_page.locator(".st-key-nm-corrections")
    expect(section).to_contain_text(f"place → {OTHER}")
    section.screenshot(path=str(artifacts / "corrections_table.png"))
    # The details panel follows the mention to where it now is.
    expect(details).to_contain_text(OTHER)
    _map_shot(app_page, artifacts / "corrections_saved.png")
    stored = corr.CorrectionStore(seeds_dir / corr.FILE_NAME).active()
    assert [(c.kind, c.author) for c in stored] == [("place_choice", "e2e")]

    app_server.restart()  # a new process: extracted anew, corrections read from the file
    _open(dashboard, app_page, app_server)
    dashboard.wait_for_layers(_moved, "the correction after a restart")
    seed = next(seeds_dir.glob("0*.txt"))
    os.utime(seed, None)  # a changed signature: the article is extracted again
    _open(dashboard, app_page, app_server)
    dashboard.wait_for_layers(_moved, "the correction after a re-extraction")
    _map_shot(app_page, artifacts / "corrections_restarted.png")

    section = app_page.locator(".st-key-nm-corrections")
    section.get_by_role("button", name="Undo").click()
    dashboard.wait_for_layers(lambda found: not place_marker(found, OTHER) and place_marker(
        found, "Kosovska Mitrovica"), "the marker back at Kosovska Mitrovica after the undo")
    dashboard.wait_idle()
    expect(section.locator('[data-testid="stDataFrame"]')).to_be_visible()
    assert corr.CorrectionStore(seeds_dir / corr.FILE_NAME).active() == ()
    _map_shot(app_page, artifacts / "corrections_undone.png")


def test_corrections_review_queue_opens_a_doubtful_mention(dashboard, app_page, artifacts):
    seed_map_ready(dashboard)
    dashboard.wait_idle()
    section = app_page.locator(".st-key-nm-corrections")
    section.get_by_role("tab", name="Review queue").click()
    dashboard.wait_idle()
    grid = section.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible(timeout=dashboard.timeout * 1000)
    rows = dashboard.wait_until(lambda: int(grid.locator('table[role="grid"]').get_attribute(
        "aria-rowcount")) - 1, 30, "rows in the review queue")
    assert rows >= 1
    expect(grid).to_contain_text("Hamilton")
    section.screenshot(path=str(artifacts / "corrections_review_queue.png"))
    # The first data row's selection cell: glide draws on a canvas, so click by position.
    box = grid.bounding_box()
    app_page.mouse.click(box["x"] + 12, box["y"] + 36 + 18)
    dashboard.wait_idle()
    correct = app_page.locator(".st-key-nm-correct")
    expect(correct).to_be_visible(timeout=dashboard.timeout * 1000)
    expect(app_page.locator(DETAILS)).to_contain_text("The readings the resolver weighed")
