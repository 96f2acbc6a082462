"""Issue 12 in a real browser: clicking a place lists every event and deployment grounded there,
each with where its place and date came from."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_dashboard_browser import DETAILS, place_marker, seed_map_ready

pytestmark = pytest.mark.browser


def _click_place(dashboard, app_page, name: str):
    layers = seed_map_ready(dashboard)
    dashboard.wait_idle()
    details = app_page.locator(DETAILS)
    dashboard.click_layer(place_marker(layers, name))
    expect(details).to_contain_text(re.compile(r"Events here \(\d+\)"),
                                    timeout=dashboard.timeout * 1000)
    expect(details).to_contain_text(name, timeout=dashboard.timeout * 1000)
    return details


def test_grounding_brussels_lists_the_meeting_communique_requests_and_dinner(dashboard,
                                                                             app_page):
    details = _click_place(dashboard, app_page, "Brussels")
    for words in ("meeting on Friday in Brussels",        # the meeting, stated
                  "In their final communique",            # made at the meeting
                  "urge all sides to refrain",            # a request, continuing it
                  "expected to ask from NATO",            # a request at the Friday meeting
                  "informal Transatlantic dinner"):       # the same ministers, the night before
        expect(details).to_contain_text(words)
    expect(details).to_contain_text(re.compile(r"Events here \(([5-9]|\d\d)\)"))
    expect(details).to_contain_text("place stated: Brussels")
    expect(details).to_contain_text("place from the meeting in Brussels")
    expect(details).to_contain_text("date from the meeting on 2007-12-07")
    dashboard.wait_idle()
    app_page.screenshot(path="/tmp/grounding-brussels.png", full_page=True)


def test_grounding_mitrovica_lists_the_contingent_and_the_attempts_to_enter_by_force(
        dashboard, app_page):
    details = _click_place(dashboard, app_page, "Kosovska Mitrovica")
    expect(details).to_contain_text("French contingent")
    expect(details).to_contain_text("enter the Serb part of the town by force")
    expect(details).to_contain_text(re.compile(r"Events here \([1-9]\d*\)"))
    # the attempts are told in a relative clause on the town itself ("Kosovska Mitrovica,
    # which has on several occasions seen the Albanians trying to enter…"): the town is named
    # as their scene, which outranks the reference "the town" inside the clause
    expect(details).to_contain_text("place stated: Kosovska Mitrovica, where it happened")
    expect(details).to_contain_text("date from the dateline")
    dashboard.wait_idle()
    app_page.screenshot(path="/tmp/grounding-mitrovica.png", full_page=True)
