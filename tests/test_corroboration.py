"""The details panel's account of an event several articles report: counts, links, reasons."""

from __future__ import annotations

import datetime as dt

from dashboard.records import Actor, Article, Event, Extraction, Place
from dashboard.ui import corroboration

DAY = dt.date(2026, 3, 10)


def _extraction(article: str, title: str, source: str = "Wire", lat: float = 45.0) -> Extraction:
    town = Place("p1", "Town", 0, 4, name="Town", lat=lat, lon=20.0, precision="point")
    event = Event("e1", "clash", "Fighting.", actors=("a1",), place="p1", lat=lat, lon=20.0,
                  date=DAY, date_precision="day")
    return Extraction(Article(article, "Town", title=title, source=source), places=(town,),
                      actors=(Actor("a1", "Northland", "state"),), events=(event,))


def test_support_html_counts_and_links_each_article():
    support = corroboration.support_for([_extraction("x1", "First"),
                                         _extraction("y<2>", "Second", source="Daily")])
    html = corroboration.support_html("x1:e1", support)
    assert "Reported by 2 articles</b> (2 reports, 2 sources)" in html
    assert 'href="?article=x1"' in html and 'href="?article=y%3C2%3E"' in html
    assert "First" in html and "(this report)" in html and "same type clash" in html
    assert 'href="?article=x1&amp;article=y%3C2%3E"' in html  # "show them all"


def test_support_html_is_empty_for_a_single_report_or_when_off():
    support = corroboration.support_for([_extraction("x1", "First"),
                                         _extraction("y2", "Far", lat=46.0)])
    assert support.groups == () and corroboration.support_html("x1:e1", support) == ""
    assert corroboration.support_html("x1:e1", None) == ""
    assert corroboration.support_html("x1:e1", corroboration.NONE) == ""


def test_support_html_escapes_article_text():
    support = corroboration.support_for([_extraction("x1", "<script>alert(1)</script>"),
                                         _extraction("y2", "`${x}`", source="<b>")])
    html = corroboration.support_html("y2:e1", support)
    assert "<script>" not in html and "<b>" not in html.replace("<b>Reported", "")
    assert "`" not in html and "${" not in html
