"""Hostile article text in real Chromium: nothing it carries ever runs, and it reads literally.

The module's seeds folder holds the repo's seed plus an article whose title, summary, body and
place-like names carry ``<script>``, ``<img onerror>``, a backtick, ``${...}`` and
``</script>``. Each payload would leave a trace if it ran: a dialog (the conftest guard fails the
test), a console line with the marker, a global or a DOM node in the page or the map iframe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MARK = "PWNED"
#: Each payload sets a global, logs the marker and opens a dialog if it runs.
RUN = f"window.__pwned=1;console.log('{MARK}');alert('{MARK}')"
#: Jinja syntax: folium's branca compiles rendered scripts as templates, where this would
#: print 49, or fail to compile and take the map down with it.
JINJA = "{{ 7*7 }} {% if x %} {# c"
TITLE = f"Troops <script>{RUN}</script> reach `Prizren` ${{{RUN}}} </script> at dawn"
SUMMARY = f"Officials <img src=x onerror=\"{RUN}\"> say ${{alert(1)}} the town is calm."
BODY = (
    f"About 500 soldiers of the <script>{RUN}</script> battalion were deployed to Prizren "
    "on Monday.\n"
    f"{JINJA} Troops clashed with rebels near Prizren on Sunday.\n"
    f"Officials said the situation in Gj`${{{RUN}}}`ilan</script><img src=x onerror={RUN}> "
    "was calm on Sunday.\n"
    f"The <img src=x onerror=\"{RUN}\"> Liberation Front met NATO officials in Skopje on "
    f"Tuesday, ${{document.title='{MARK}'}} and `nothing` else.\n"
    f"Clashes were reported in the village of Velika</script><script>{RUN}</script>Hoca "
    "near Prizren on Sunday.\n"
)
HOSTILE = f"{TITLE}\n{SUMMARY}\n(Hostile Wire) Monday, March 03, 2008\n{BODY}"

#: Traces a payload would leave in a document (page or iframe) if it ran or became markup.
TRACES_JS = """
(mark) => ({
  globals: Object.keys(window).filter(k => k.startsWith("__pwned")),
  title: document.title.includes(mark),
  images: document.querySelectorAll('img[src="x"]').length,
  scripts: [...document.scripts].filter(s => s.text.includes(mark)).length,
})
"""
CLEAN = {"globals": [], "title": False, "images": 0, "scripts": 0}
#: Opens the popup of the first marker whose tooltip names the place and whose popup carries
#: the payload; returns its text and the tags inside it.
POPUP_JS = """
(place) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let found = null;
  map.eachLayer(layer => {
    if (found || !layer.getPopup || !layer.getPopup() || !layer.getTooltip()) return;
    if (!String(layer.getTooltip()._content).includes(place)) return;
    layer.openPopup();
    const box = layer.getPopup().getElement().querySelector(".leaflet-popup-content");
    if (box && box.textContent.includes("PWNED")) {
      found = {text: box.textContent, tags: [...box.querySelectorAll("*")].map(e => e.tagName)};
    }
  });
  return found;
}
"""
#: Opens each layer's tooltip and popup in turn (Leaflet writes their HTML into the DOM).
OPEN_ALL_JS = """
() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let opened = 0;
  map.eachLayer(layer => {
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened += 1; }
    if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened += 1; }
  });
  return opened;
}
"""


@pytest.fixture(scope="module")
def seeds_dir(seeds_dir):
    """The repo's seeds plus the hostile article (written here; nothing binary committed)."""
    (seeds_dir / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    return seeds_dir


def assert_no_trace(page, guard) -> None:
    for frame in page.frames:
        assert frame.evaluate(TRACES_JS, MARK) == CLEAN, f"payload left a trace in {frame.url}"
    assert not [line for line in guard.console if MARK in line], guard.console
    assert not guard.dialogs, guard.dialogs


def test_injection_nothing_runs_in_page_or_map(dashboard, app_page, guard):
    dashboard.wait_for_layers(
        lambda found: any("Prizren" in (layer["tooltip"] or "") for layer in found),
        "a marker for the hostile article's Prizren")
    dashboard.wait_idle()
    assert_no_trace(app_page, guard)
    # Put every tooltip and popup on the map into the DOM, as hovering and clicking would.
    opened = dashboard.map_frame().evaluate(OPEN_ALL_JS)
    assert opened > 0, "no tooltip or popup was opened"
    app_page.wait_for_timeout(500)  # an injected <img onerror> fires once its load fails
    assert_no_trace(app_page, guard)
    # A popup that carries the payload shows it as text, inside the app's own fixed markup.
    shown = dashboard.map_frame().evaluate(POPUP_JS, "Prizren")
    assert shown and MARK in shown["text"], shown
    assert set(shown["tags"]) <= {"B", "BR", "SMALL", "I", "SPAN", "DIV"}, shown


def test_injection_text_is_shown_literally(dashboard, app_page, guard, artifacts):
    dashboard.wait_for_layers(lambda found: bool(found), "the map")
    dashboard.wait_idle()
    app_page.get_by_role("tab", name="Article", exact=True).click()
    dashboard.wait_idle()
    dashboard.select("Article", re.compile(r"^hostile"))
    dashboard.wait_idle()
    article = app_page.locator(".st-key-nm-article")
    expect(article).to_contain_text(TITLE, timeout=dashboard.timeout * 1000)
    expect(article).to_contain_text(f"<script>{RUN}</script> battalion")
    expect(article).to_contain_text(f"Gj`${{{RUN}}}`ilan</script><img src=x onerror={RUN}>")
    app_page.screenshot(path=str(artifacts / "injection_article.png"), full_page=True)
    assert_no_trace(app_page, guard)


def test_injection_details_show_the_sentence_literally(dashboard, app_page, guard):
    layers = dashboard.wait_for_layers(
        lambda found: any("Prizren" in (x["tooltip"] or "") and "mentioned as" in x["tooltip"]
                          for x in found), "the place marker of Prizren")
    dashboard.wait_idle()
    prizren = next(x for x in layers
                   if "Prizren" in (x["tooltip"] or "") and "mentioned as" in x["tooltip"])
    dashboard.click_layer(prizren)
    details = app_page.locator(".st-key-nm-details")
    expect(details).to_contain_text(f"soldiers of the <script>{RUN}</script> battalion",
                                    timeout=dashboard.timeout * 1000)
    # The Jinja syntax reached the map's data (an event's line) and reads as text there.
    assert any(JINJA in (x["tooltip"] or "") for x in dashboard.layers()), "no tooltip shows it"
    assert_no_trace(app_page, guard)
