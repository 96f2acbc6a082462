"""How many articles report an event, for the details panel: the count, a link to each
article, and why their reports were taken for one event (``dashboard/crossref.py``).

Article ids, titles, sources and names are untrusted: they reach HTML only through
:func:`dashboard.ui.highlight.escape`, and ids in links are URL-quoted first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlencode

from dashboard import crossref
from dashboard.records import Extraction
from dashboard.ui.highlight import escape


@dataclass(frozen=True, slots=True)
class Support:
    """The merged events of a set of extractions, looked up by report key (``article:event``)."""

    groups: tuple[crossref.MergedEvent, ...]
    #: Report key -> its merged event, for reports of events told more than once.
    by_report: Mapping[str, crossref.MergedEvent]
    #: Report key -> the report (for the title, source and place of each link).
    reports: Mapping[str, crossref.Report]


NONE = Support((), MappingProxyType({}), MappingProxyType({}))


def support_for(extractions: Iterable[Extraction],
                rules: crossref.MergeRules = crossref.MergeRules()) -> Support:
    """Merge the extractions' events (see :func:`dashboard.crossref.merge`)."""
    reports = crossref.all_reports(extractions)
    groups = crossref.merge(reports, rules)
    by_report = {key: group for group in groups for key in group.members}
    return Support(groups, MappingProxyType(by_report), MappingProxyType(
        {r.key: r for r in reports if r.key in by_report}))


def support_html(key: str, support: Support | None) -> str:
    """Under an event of the details panel: "Reported by 3 articles (2 sources)", a link to
    each article (the page filtered to it) and the joins in words; "" for a single report."""
    group = support.by_report.get(key) if support else None
    if group is None:
        return ""
    sources = f", {_count(group.num_sources, 'source')}" if group.num_sources else ""
    items = "".join(_report_item(support.reports[m], m == key) for m in group.members)
    every = _link({"article": list(group.articles)}, "show them all")
    why = "".join(f"<li>{escape(link.explain())}</li>" for link in group.links)
    return (f'<div class="nm-support"><b>Reported by {_count(group.num_articles, "article")}'
            f"</b> ({_count(group.num_reports, 'report')}{sources}) · {every}"
            f'<ul style="margin:.2em 0">{items}</ul>'
            f"<details><summary>Why these are one event</summary><ul>{why}</ul></details></div>")


def _report_item(report: crossref.Report, this: bool) -> str:
    title = _link({"article": [report.article_id]}, report.title or report.article_id)
    said = " · ".join(escape(x) for x in (report.source, _day(report), report.place_name) if x)
    return f"<li>{title}{' · ' + said if said else ''}{' (this report)' if this else ''}</li>"


def _link(query: dict[str, list[str]], text: str) -> str:
    href = "?" + urlencode(query, doseq=True)
    return f'<a href="{escape(href)}" target="_self">{escape(text)}</a>'


def _day(report: crossref.Report) -> str:
    return report.date.isoformat() if report.date else ""


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
