"""Bad uploads in real Chromium (issue 14): dropped together with a good article, each is listed
with its problem, the good one joins the map and the tables, nothing runs, no traceback or
server path shows, and a reload keeps the good article.

The module's server has its own seeds folder (a copy of the repo's), so uploads are kept in
``<that folder>/uploads/``, never in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_dashboard_browser import place_marker, seed_map_ready

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
MARK = "PWNED"
RUN = f"window.__pwned=1;console.log('{MARK}');alert('{MARK}')"
GOOD = ("Aid convoy reaches Nairobi\nRelief agencies say supplies are moving.\n"
        "(Test Wire) Monday, March 03, 2008\n"
        "A convoy of the World Food Programme arrived in Nairobi on Monday, officials said.\n")
SCRIPTED = (f"\ufeffTroops <script>{RUN}</script> reach Prizren\n"
            "(Test Wire) Monday, March 03, 2008\n"
            "About 500 soldiers were deployed to Prizren on Monday. "
            f"<img src=x onerror=\"{RUN}\">\n")
LATIN1 = "Talks in Bogotá\n(Test Wire) Monday, March 03, 2008\nDelegates met in Bogotá.\n"
BIG_MB = 21


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "text/plain", "buffer": data}


FILES = [
    _file("rand.txt", bytes((i * 7919 + 13) % 256 for i in range(4096))),
    _file("bom-script.txt", SCRIPTED.encode("utf-8")),
    _file("empty.txt", b""),
    _file("latin1.txt", LATIN1.encode("latin-1")),
    _file("big.txt", b"Troops were deployed. " * (BIG_MB * 2**20 // 22 + 1)),
    _file("convoy.txt", GOOD.encode("utf-8")),
]
REPORT = ".st-key-nm-uploads"
#: Traces of a traceback or of the server's file system on the page.
LEAKS = re.compile(r"Traceback|File \"|/tmp/|\.py\b|site-packages|" + re.escape(str(REPO)))


def _page_text(page) -> str:
    return page.locator("body").inner_text()


def test_upload_bad_files_beside_a_good_one(dashboard, app_page, guard):
    seed_map_ready(dashboard)
    dashboard.wait_idle()
    problems = dashboard.table_count("Problems")
    app_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=FILES)
    dashboard.wait_for_layers(lambda found: place_marker(found, "Nairobi"),
                              "a marker for the uploaded article's Nairobi")
    dashboard.wait_idle()
    report = app_page.locator(REPORT)
    expect(report).to_contain_text("rand.txt: not read")
    expect(report).to_contain_text(re.compile(r"unreadable .*looks binary"))
    expect(report).to_contain_text(re.compile(r"empty\.txt: added as .*\bempty\b"))
    expect(report).to_contain_text(re.compile(r"latin1\.txt: added as .*encoding"))
    expect(report).to_contain_text("convoy.txt: added as “convoy”")
    expect(report).to_contain_text("bom-script.txt: added as “bom-script”")
    # The browser refuses the 21 MB file itself and says why, beside the file.
    expect(app_page.locator('[data-testid="stFileUploader"]')).to_contain_text(
        "File must be 20.0MB or smaller")
    assert place_marker(dashboard.layers(), "Brussels"), "the seed left the map"
    assert dashboard.table_count("Problems") == problems + 3  # unreadable, empty, encoding
    dashboard.choose("Article", "convoy")
    dashboard.wait_idle()
    dashboard.wait_until(lambda: dashboard.table_count("Events") >= 1, 30,
                         "the convoy's event in the events table")
    text = _page_text(app_page)
    assert not LEAKS.search(text), LEAKS.search(text)
    assert app_page.evaluate("() => window.__pwned") is None
    assert not guard.dialogs and MARK not in "\n".join(guard.console)
    app_page.screenshot(path="/tmp/upload-after-drop.png", full_page=True)
    report.scroll_into_view_if_needed()
    app_page.screenshot(path="/tmp/upload-report.png")

    app_page.goto(app_page.url.split("?")[0], wait_until="domcontentloaded")  # no filters
    dashboard.wait_for_layers(lambda found: place_marker(found, "Nairobi"),
                              "the kept upload's Nairobi after a reload")
    dashboard.wait_idle()
    assert "convoy" in dashboard.options("Article")
    assert not LEAKS.search(_page_text(app_page))
    # Five kept: the browser never sent the 21 MB file.
    expect(app_page.locator(REPORT)).to_contain_text("5 uploaded articles kept on the server")
    app_page.wait_for_timeout(500)  # the option list's closing animation
    # The BOM is gone and the markup reads literally in the article view; nothing ran.
    app_page.get_by_role("tab", name="Article", exact=True).click()
    dashboard.select("Article", re.compile("^bom-script"))
    article = app_page.locator(".st-key-nm-article")
    expect(article).to_contain_text(f"Troops <script>{RUN}</script> reach Prizren")
    assert "\ufeff" not in article.inner_text()
    assert app_page.evaluate("() => window.__pwned") is None and not guard.dialogs
    dashboard.wait_idle()
    app_page.screenshot(path="/tmp/upload-after-reload.png", full_page=True)
