"""Cross-article events in a real browser: the seed told by two articles; the details panel
counts both and links each; the link opens the page filtered to that article."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import REPO
from playwright.sync_api import expect
from test_dashboard_browser import DETAILS, place_marker, seed_map_ready

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeds_dir(tmp_path_factory):
    """The seed under its own name and under a second one: every event is reported twice."""
    target = tmp_path_factory.mktemp("seeds")
    seed = next((REPO / "seeds").glob("*.txt"))
    shutil.copy2(seed, target / seed.name)
    shutil.copy2(seed, target / "zz_same_report.txt")
    return target


def test_crossref_details_count_the_reports_and_link_each_article(dashboard, app_page):
    layers = seed_map_ready(dashboard)
    dashboard.wait_idle()
    details = app_page.locator(DETAILS)
    dashboard.click_layer(place_marker(layers, "Brussels"))
    expect(details).to_contain_text("Reported by 2 articles", timeout=dashboard.timeout * 1000)
    link = details.locator('a[href="?article=zz_same_report"]').first
    expect(link).to_be_visible()
    link.click()
    app_page.wait_for_url(re.compile(r"article=zz_same_report"))
    dashboard.wait_idle()
    expect(app_page.get_by_text("zz_same_report").first).to_be_visible(
        timeout=dashboard.timeout * 1000)
