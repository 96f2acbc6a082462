"""Streamlit widgets: filters in, choices out; map with details panel; tables; article; timeline.

Test hooks (stable; the browser tests rely on them): the map iframe's title is
``streamlit_folium.st_folium``; map tooltips end with ``id: <loc_key>``; containers carry keys,
so Streamlit gives them the CSS classes ``st-key-nm-details`` (details panel, headed
"Details"), ``st-key-nm-article`` (article view), ``st-key-nm-empty`` (empty state),
``st-key-nm-uploads`` (what became of each uploaded file, in the sidebar),
``st-key-nm-correct`` (the correction widgets under the details, while "Correct" is open),
``st-key-nm-corrections`` (the Corrections table and the review queue),
``st-key-nm_after_map_<what>`` (the buttons standing in for what waits for the map on a first
load, :func:`after_map`); widget keys start with ``nm_`` (see :data:`WIDGET_KEYS`).
Article-derived text reaches the page only as escaped HTML from :mod:`dashboard.ui.highlight`,
or as plain data in ``st.dataframe``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import streamlit_folium

from dashboard.ui import filters as flt
from dashboard.ui import basemap, corroboration, highlight, map_layers, review, tables
from dashboard.extract import candidates as cand
from dashboard.records import DEPLOYMENT_STATUSES, EVENT_STATUSES, Extraction
from dashboard.store import corrections as corr
from dashboard.ui.tables import Frames

log = logging.getLogger(__name__)

#: Session-state keys of the filter widgets (reset clears them).
WIDGET_KEYS = {"actors": "nm_actors", "dates": "nm_dates", "undated": "nm_undated",
               "types": "nm_types", "statuses": "nm_statuses", "articles": "nm_articles"}
#: The map is the page's main object: the main area's width (beside the details on a wide
#: screen), this high.
MAP_HEIGHT = 640
#: Viewport width (px) above which the details panel sits beside the map; below it, under it.
SIDE_BY_SIDE_PX = 1400
#: Page furniture: less padding around the main area (the map gets the room), and the map and
#: the details stacked on narrower screens (the columns' block is the one holding the details).
PAGE_CSS = f"""<style>
[data-testid="stMainBlockContainer"]{{padding:2.5rem 2rem 3rem;max-width:none;}}
@media (max-width:{SIDE_BY_SIDE_PX}px){{
  [data-testid="stHorizontalBlock"]:has(.st-key-nm-details){{flex-direction:column;}}
  [data-testid="stHorizontalBlock"]:has(.st-key-nm-details)>[data-testid="stColumn"]{{
    width:100% !important;flex:1 1 auto !important;}}
}}
.nm-source summary{{cursor:pointer;color:#666;font-size:.85em;}}
.nm-source{{color:#666;font-size:.85em;}}
</style>"""


# --- error boundaries ----------------------------------------------------------------------

#: What each part of the page is called in its error message, and what the user can do.
PARTS = {
    "page": ("The page", "Reload the page"),
    "map": ("The map and the details panel", "Reload the page, or change the filters"),
    "tables": ("The tables", "Reload the page, or pick another table"),
    "reading": ("The article and the timeline", "Reload the page, or pick another article"),
    "corrections": ("The corrections", "Reload the page"),
    "time": ("The time controls", "Reload the page; every date is shown meanwhile"),
    "upload": ("The uploaded articles", "Try again with fewer files; the articles already "
               "shown are not affected"),
}


@contextlib.contextmanager
def boundary(part: str, *, replace: bool = True, area=None) -> Iterator[None]:
    """Run one part of the page; if it fails, log the traceback on the server and show the
    user one plain sentence instead (``replace``: instead of what the part had drawn; else
    after it, in ``area``, the main area by default).

    Streamlit's own control flow (rerun, stop) derives from BaseException and passes through.
    """
    holder = st.empty() if replace else None
    try:
        if holder is None:
            yield
        else:
            with holder.container():
                yield
    except Exception:
        reference = secrets.token_hex(3)
        log.exception("newsmap: the %s part failed (reference %s)", part, reference)
        what, todo = PARTS[part]
        if part == "map":  # a map that failed will never report itself drawn: nothing waits
            release_after_map()
        (holder or area or st).error(
            f"{what} could not be shown because of an error on the server. {todo}; if it "
            f"happens again, tell whoever runs newsmap (reference {reference}).",
            icon=":material/error:")


def guarded(part: str) -> Callable:
    """Decorator form of :func:`boundary`, inside ``st.fragment`` so fragment reruns are
    guarded too."""
    def wrap(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs) -> None:
            with boundary(part):
                function(*args, **kwargs)
        return run
    return wrap


# --- filters --------------------------------------------------------------------------------

def sidebar_filters(options: flt.Options, side=None) -> flt.Filters:
    """The filter widgets in the sidebar, seeded once per session from the URL; kept in the URL."""
    chosen = chosen_filters(options)
    filter_widgets(options, chosen, side)
    return chosen


def chosen_filters(options: flt.Options) -> flt.Filters:
    """What the filter widgets hold, read from their state before they are drawn (seeded once
    per session from the URL), so that a page can draw its map first and the widgets once the
    map is painted (:func:`filter_widgets`, :func:`after_map`): at 10,000 events, drawn with
    the map, they held the first map back by about 0.4 s in the browser."""
    if "nm_seeded" not in st.session_state:
        st.session_state["nm_seeded"] = True
        _seed(flt.from_query(_query_dict()), options)
    st.session_state.setdefault(WIDGET_KEYS["undated"], True)
    _follow_data(options)
    return _filters({name: st.session_state.get(key) for name, key in WIDGET_KEYS.items()},
                    options)


def filter_widgets(options: flt.Options, chosen: flt.Filters, side=None) -> None:
    """The filter widgets, showing what :func:`chosen_filters` read from their state (a
    widget's value is its state); the choice is kept in the URL."""
    side = side or st.sidebar
    side.header("Filters")
    counts = dict(options.actors)
    side.multiselect("Actor", list(counts), key=WIDGET_KEYS["actors"],
                     format_func=lambda name: f"{name} ({counts.get(name, 0)})",
                     placeholder="All actors")
    if options.first and options.last:
        side.date_input("Date range", min_value=options.first, max_value=options.last,
                        key=WIDGET_KEYS["dates"], format="YYYY-MM-DD")
    else:
        side.caption("No dated records.")
    side.toggle("Include undated records", key=WIDGET_KEYS["undated"])
    side.multiselect("Event type", list(options.types), key=WIDGET_KEYS["types"],
                     placeholder="All types")
    side.multiselect("Status", list(options.statuses), key=WIDGET_KEYS["statuses"],
                     placeholder="All statuses")
    side.multiselect("Article", list(options.articles), key=WIDGET_KEYS["articles"],
                     placeholder="All articles")
    side.button("Reset filters", key="nm_reset", on_click=_reset, icon=":material/restart_alt:")
    _write_url(chosen)


def _filters(held: Mapping[str, Any], options: flt.Options) -> flt.Filters:
    """The filters that the widgets' values ``held`` (by :data:`WIDGET_KEYS` name) choose."""
    start, end = _date_range(held.get("dates"), options)
    return flt.Filters(actors=tuple(held.get("actors") or ()), start=start, end=end,
                       include_undated=bool(held.get("undated", True)),
                       types=tuple(held.get("types") or ()),
                       statuses=tuple(held.get("statuses") or ()),
                       articles=tuple(held.get("articles") or ()))


def _follow_data(options: flt.Options) -> None:
    """Keep widget state valid when the data changes (an upload, a new folder): drop choices
    the data no longer offers, and widen a date range that covered everything to the new span."""
    state = st.session_state
    for name, offered in (("actors", dict(options.actors)), ("types", options.types),
                          ("statuses", options.statuses), ("articles", options.articles)):
        key = WIDGET_KEYS[name]
        if key in state:
            state[key] = [value for value in state[key] if value in offered]
    if not (options.first and options.last):
        return
    span, old = (options.first, options.last), state.get("nm_dates_span")
    current = state.get(WIDGET_KEYS["dates"])
    if not current or (old != span and tuple(current) == old):
        state[WIDGET_KEYS["dates"]] = span
    elif old != span:
        ends = [_clamp(day, options) for day in current]
        state[WIDGET_KEYS["dates"]] = (min(ends), max(ends))
    state["nm_dates_span"] = span


def _query_dict() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _seed(wanted: flt.Filters, options: flt.Options) -> None:
    """Put URL filters into the widgets, keeping only values the data offers."""
    state = st.session_state
    state[WIDGET_KEYS["actors"]] = [a for a in wanted.actors if a in dict(options.actors)]
    state[WIDGET_KEYS["types"]] = [t for t in wanted.types if t in options.types]
    state[WIDGET_KEYS["statuses"]] = [s for s in wanted.statuses if s in options.statuses]
    state[WIDGET_KEYS["articles"]] = [a for a in wanted.articles if a in options.articles]
    state[WIDGET_KEYS["undated"]] = wanted.include_undated
    if options.first and options.last:
        start = _clamp(wanted.start or options.first, options)
        end = _clamp(wanted.end or options.last, options)
        state[WIDGET_KEYS["dates"]] = (min(start, end), max(start, end))


def _clamp(day: dt.date, options: flt.Options) -> dt.date:
    return min(max(day, options.first), options.last)


def _date_range(picked, options: flt.Options) -> tuple[dt.date | None, dt.date | None]:
    """The range a date widget holds; the full span of the data counts as no bound (keeps URLs
    short)."""
    if not (options.first and options.last) or not picked:
        return None, None
    picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    start = picked[0]
    end = picked[1] if len(picked) > 1 else start  # half-picked range: one day
    return (start if start != options.first else None), (end if end != options.last else None)


def _reset() -> None:
    for key in WIDGET_KEYS.values():
        st.session_state.pop(key, None)  # sidebar_filters puts the defaults back
    st.query_params.clear()


def _write_url(chosen: flt.Filters) -> None:
    wanted = flt.to_query(chosen)
    if wanted != _query_dict():
        st.query_params.from_dict(wanted)


# --- map and details ------------------------------------------------------------------------

def page_style() -> None:
    """The page's layout rules (:data:`PAGE_CSS`); draws nothing."""
    st.html(PAGE_CSS)


@st.fragment
@guarded("map")
def map_and_details(filtered: Frames, spots: pd.DataFrame, layers: map_layers.LayerData,
                    articles: Mapping[str, Extraction], offline: basemap.Offline | None,
                    support: corroboration.Support | None = None,
                    correcting: Correcting | None = None,
                    overlays: Callable[[], list] | None = None) -> None:
    """The map and, beside it, what happened at the clicked place; a click reruns only this.

    ``overlays`` makes extra folium feature groups (the density views), fresh for each render.

    ``spots`` (``tables.locations``) and ``layers`` (``map_layers.prepare``) come from the full
    run; the layers drawn from them are the same on every rerun, so the map is not remounted.
    The click reaches session state (st_folium's ``on_change``) before this rerun starts, so
    the details are drawn first and do not wait for the map to be serialised again.
    """
    reported = st.session_state.get("nm_map") or {}
    if reported.get(map_layers.DRAWN) and not map_drawn():
        release_after_map()
        st.rerun(scope="app")  # the parts that waited for the map (after_map)
    left, right = st.columns([2, 1], gap="small")
    by_key = spots.set_index("loc_key", drop=False)
    clicked = map_layers.selected_location(reported.get("last_object_clicked_tooltip"))
    if clicked and clicked != st.session_state.get("nm_last_click"):
        st.session_state["nm_last_click"] = clicked
        if clicked in by_key.index:
            st.session_state["nm_place"] = clicked
    with right, st.container(key="nm-details", border=True):
        st.markdown("#### Details")
        labels = _place_labels(by_key.loc[_place_choices(spots)])
        chosen = st.selectbox("Place", list(labels), index=None, key="nm_place",
                              format_func=labels.get,
                              placeholder="Click a marker on the map, or choose a place")
        if chosen in by_key.index:
            details_panel(by_key.loc[chosen], articles, filtered, support, correcting)
    with left:
        streamlit_folium.st_folium(
            map_layers.base_map(offline), key="nm_map", height=MAP_HEIGHT,
            # Nothing for streamlit-folium to report: the map reports clicks itself, at once
            # and with the location's id (map_layers' report()).
            use_container_width=True, returned_objects=[],
            # Always the report (a frame sends it once): the same arguments in every run, so
            # the run after it does not redraw the layers.
            feature_group_to_add=map_layers.build(layers, report_drawn=True)
            + (overlays() if overlays else []),
            layer_control=map_layers.layer_control())


#: Session state: the map has been drawn once in this session (its frame said so).
MAP_DRAWN = "nm_map_drawn"


def map_drawn() -> bool:
    """Whether to draw the parts that wait for the map in this run (:func:`after_map`)."""
    return bool(st.session_state.get(MAP_DRAWN))


def after_map(what: str, area=None) -> bool:
    """Whether to draw now a part of the page that waits for the map (``what`` it shows).

    On a session's first load the time chart, everything under the map and the sidebar's
    filters wait until the map is painted: the page and the map's frame share the browser's
    one thread, and they took it while the map's frame loaded (about 0.7 s of a 3.5 s first
    map at 10,000 events; the filters 0.4 s more). The map's frame then reports itself drawn
    (``map_layers.build(report_drawn=True)``), and a rerun of the page draws them, from the
    caches. Meanwhile a button in their place (in ``area``, the main area by default) says
    so; a user may press it, and it stands in should the report never come.
    """
    if map_drawn():
        return True
    (area or st).button(f"Show the {what} now", key=f"nm_after_map_{what}", type="tertiary",
                        on_click=release_after_map, icon=":material/hourglass_empty:",
                        help="Drawn once the map is: the map comes first.")
    return False


def release_after_map() -> None:
    """Draw the parts that wait for the map from now on (it is drawn, failed or cannot be)."""
    st.session_state[MAP_DRAWN] = True


def _place_choices(spots: pd.DataFrame, limit: int = 300) -> list[str]:
    """The busiest locations (and the one selected), so the list stays short at any scale."""
    busiest = spots.assign(weight=spots["events"] + spots["deployments"] + spots["mentions"])
    keys = list(busiest.nlargest(limit, "weight")["loc_key"])
    selected = st.session_state.get("nm_place")
    if selected in set(spots["loc_key"]) and selected not in keys:
        keys.append(selected)
    return keys


def _place_labels(spots: pd.DataFrame) -> dict[str, str]:
    """Each location's label, "Name (city) — 2 events, 1 deployment", by key (in the given
    order); a place where nothing happened says how often it is mentioned."""
    return {key: f"{name} ({map_layers.kind_label(kind)}) — "
                 f"{_happened(events, deployments) or _count(mentions, 'mention')}"
            for key, name, kind, events, deployments, mentions in zip(
                spots["loc_key"], spots["name"], spots["kind"], spots["events"],
                spots["deployments"], spots["mentions"])}


def _happened(events: int, deployments: int) -> str:
    """"2 events, 1 deployment", leaving out what there is none of ("" for neither)."""
    return ", ".join(_count(n, word) for n, word in ((events, "event"),
                                                     (deployments, "deployment")) if n)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n:,} times")


def _source(*parts: str) -> str:
    """The internal ids behind a record or a place, folded away under "source"."""
    said = " · ".join(highlight.escape(p) for p in parts if p)
    return (f'<details class="nm-source"><summary>source</summary>{said}</details>'
            if said else "")


def details_panel(spot: pd.Series, articles: Mapping[str, Extraction], filtered: Frames,
                  support: corroboration.Support | None = None,
                  correcting: Correcting | None = None) -> None:
    """Name, kind, coordinates, precision; the events, deployments and mentions there, each
    with its sentence and the mention highlighted; under an event other articles also report,
    how many do, with links (``support``)."""
    esc = highlight.escape
    here = flt.at_location(filtered, spot["loc_key"])
    focus = {(int(r.start), int(r.end)) for r in here.places.itertuples()}
    said = ", ".join(f"“{esc(s)}”" for s in spot["surfaces"])
    precision = map_layers.precision_label(spot["precision"])
    mentioned = (f'mentioned {_times(int(spot["mentions"]))} as {said}' if spot["mentions"]
                 else "not mentioned by name")
    parts = [highlight.STYLE,
             f'<div class="nm-place"><b>{esc(spot["name"])}</b> · '
             f'{esc(map_layers.kind_label(spot["kind"]))} · '
             f'{spot["lat"]:.4f}, {spot["lon"]:.4f}{" · " + esc(precision) if precision else ""}'
             f'<br>{mentioned}{_source("location " + spot["loc_key"])}</div>']
    events, deployments = here.events.sort_values("date"), here.deployments.sort_values("date")
    parts.append(f"<h5>Events here ({len(events)})</h5>")
    parts += [_record_html(e, _event_head(e) + corroboration.support_html(e["key"], support),
                           articles, focus) for e in events.to_dict("records")]
    parts.append(f"<h5>Deployments here ({len(deployments)})</h5>")
    parts += [_record_html(d, _deployment_head(d), articles, focus)
              for d in deployments.to_dict("records")]
    parts.append(f"<h5>Mentions ({len(here.places)})</h5>")
    parts += [_record_html(m, f"as “{esc(m['surface'])}”", articles, focus)
              for m in here.places.to_dict("records")]
    st.html("".join(parts))
    if correcting is not None:
        correction_widgets(here, articles, correcting)


def _event_head(event: Mapping) -> str:
    esc = highlight.escape
    who = esc(", ".join(event["actors"])) or "no actor named"
    return (f"{_day(event['date'])} · <b>{esc(event['type'])}</b> ({esc(event['status'])}) · "
            f"{who}<br>{esc(event['summary'])}{_basis(event)}")


def _deployment_head(dep: Mapping) -> str:
    esc = highlight.escape
    strength = dep["strength"]
    size = (f"{esc(dep['strength_qualifier'])} {int(strength):,} troops"
            if not pd.isna(strength) else esc(dep["strength_text"]) or "strength not given")
    who = esc(", ".join(dep["actors"]) or "")
    unit = esc(dep["unit"])
    return (f"{_day(dep['date'])} · <b>{unit or who or 'troops'}</b>"
            f"{' of ' + who if unit and who else ''} · {size} ({esc(dep['status'])})"
            f"{_basis(dep)}")


def _basis(record: Mapping) -> str:
    """Where the record's place and date came from, in words ("place from the meeting in
    Brussels · date from the dateline")."""
    notes = [record.get("place_note") or "", record.get("date_note") or ""]
    said = " · ".join(highlight.escape(n) for n in notes if n)
    return f'<br><span class="nm-basis">{said}</span>' if said else ""


def _day(value) -> str:
    return value.date().isoformat() if not pd.isna(value) else "undated"


@functools.lru_cache(maxsize=64)
def _marks(ex: Extraction) -> tuple[highlight.Mark, ...]:
    """An article's marks, computed once for all its rows (extractions are immutable)."""
    return highlight.marks_for(ex)


def _record_html(row: Mapping, head: str, articles: Mapping[str, Extraction],
                 focus: set[tuple[int, int]]) -> str:
    source = _source(f"article {row['article_id']}", f"record {row.get('id') or row['key']}")
    snippet = row.get("snippet")  # a dataset's row carries what its sentence shows
    if isinstance(snippet, str):
        body = highlight.snippet_html(highlight.Snippet.loads(snippet, row["sentence"]), focus)
    elif (ex := articles.get(row["article_id"])) is None:
        body = highlight.escape(row["sentence"])
    else:
        body = highlight.sentence_html(ex.article.text, row["sentence"], int(row["start"]),
                                       _marks(ex), focus)
    return (f'<div class="nm-record" style="margin:0 0 .8em 0">{head}<br>'
            f'<span class="nm-text">“{body}”</span>'
            f"{source}</div>")


# --- tables ---------------------------------------------------------------------------------

#: Columns shown; the downloads carry every column. The events' sentence is left to the
#: details panel and the article view (the summary is usually that sentence).
TABLE_COLUMNS = {
    "events": ["date", "type", "status", "actors", "place_name", "summary", "precision",
               "date_text", "key"],
    "deployments": ["date", "status", "actors", "unit", "strength", "strength_qualifier",
                    "strength_text", "place_name", "precision", "sentence", "key"],
    "places": ["surface", "name", "kind", "status", "country_code", "lat", "lon", "precision",
               "confidence", "stands_for", "sentence", "key"],
    "problems": ["article_id", "kind", "message", "start", "end"],
}


#: Rows sent to the browser per table: beyond this the page slows down for everyone.
TABLE_ROWS = 3000


TABLES = ("events", "deployments", "places", "problems")


@st.fragment
@guarded("tables")
def record_tables(filtered: Frames) -> None:
    """Events, deployments, places and problems as sortable tables, with downloads.

    One table at a time, picked in a row of options that say how many rows each has: at 10,000
    events the four together are megabytes, and picking another reruns just this fragment. Not
    tabs: a tab's identity is its label, so new counts after a filter change made new tabs and a
    fresh grid (0.5-1 s), where a keyed choice updates the table in place.
    """
    # The counts go in captions: a label that changes loses the choice's visible selection.
    name = st.radio("Table", TABLES, key="nm_table", horizontal=True,
                    label_visibility="collapsed", format_func=str.capitalize,
                    captions=[_count(len(getattr(filtered, n)), "row") for n in TABLES])
    _record_table(name, getattr(filtered, name))
    st.download_button("Download the filtered view (GeoJSON)",
                       functools.partial(tables.to_geojson, filtered),
                       file_name="newsmap.geojson", mime="application/geo+json",
                       key="nm_geojson", on_click="ignore")


def _record_table(name: str, frame: pd.DataFrame) -> None:
    if len(frame) > TABLE_ROWS:
        st.caption(f"Showing the first {TABLE_ROWS:,} of {len(frame):,} rows (sorting "
                   "applies to those): narrow the filters, or download them all.")
    st.dataframe(_displayed(frame.head(TABLE_ROWS), TABLE_COLUMNS[name]), hide_index=True,
                 key=f"nm_table_{name}", column_config={
                     "sentence": st.column_config.TextColumn("sentence", width="large"),
                 })
    # A callable: the file is made only when clicked, not on every rerun.
    st.download_button(f"Download {name} (CSV)", functools.partial(tables.to_csv, frame),
                       file_name=f"newsmap-{name}.csv", mime="text/csv",
                       key=f"nm_csv_{name}", on_click="ignore")


def _displayed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns shown, unknown values as blank cells (:func:`_blank`)."""
    shown = frame[[c for c in columns if c in frame.columns]].copy()
    if "actors" in shown:
        shown["actors"] = shown["actors"].map(", ".join)
    if "kind" in shown and "surface" in shown:  # a place's kind in words; the CSV keeps the code
        shown["kind"] = [map_layers.kind_label(k) if isinstance(k, str) and k else ""
                         for k in shown["kind"]]
    return _blank(shown)


def _blank(shown: pd.DataFrame) -> pd.DataFrame:
    """Unknown values as blank cells: ``st.dataframe`` prints a null as "None", so dates
    become ISO text (which sorts as dates do) and a number column with gaps becomes text too.
    Changes ``shown`` in place and returns it."""
    for name in shown.columns:
        column = shown[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            shown[name] = column.dt.strftime("%Y-%m-%d").astype(object).fillna("")
        elif not column.isna().any():
            continue
        elif pd.api.types.is_numeric_dtype(column):
            shown[name] = [_number_text(v) for v in column.astype(object)]
        else:
            shown[name] = column.astype(object).where(column.notna(), "")
    return shown


def _number_text(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else f"{float(value):.6g}"


# --- article, timeline, upload, page furniture -----------------------------------------------

@st.fragment
@guarded("reading")
def reading(filtered: Frames, articles: Mapping[str, Extraction]) -> None:
    """The article view and the timeline, in tabs; only the open one is computed and sent."""
    article_tab, timeline_tab = st.tabs(["Article", "Timeline"], key="nm_reading",
                                        on_change="rerun")
    if article_tab.open:
        with article_tab:
            article_view(filtered, articles)
    if timeline_tab.open:
        with timeline_tab:
            timeline(filtered)


def article_view(filtered: Frames, articles: Mapping[str, Extraction]) -> None:
    """One article's text with places, actors and dates highlighted (escaped)."""
    ids = [a for a in filtered.articles["article_id"] if a in articles]
    if not ids:
        st.info("No article matches the filters.")
        return
    chosen = st.selectbox("Article", ids, key="nm_article_view",
                          format_func=lambda a: f"{a} — {articles[a].article.title[:80]}")
    with st.container(key="nm-article"):
        ex = articles[chosen]
        st.html(f"{highlight.STYLE}<h4>{highlight.escape(ex.article.title or chosen)}</h4>"
                '<p><mark class="nm-place">place</mark> <mark class="nm-actor">actor</mark> '
                '<mark class="nm-date">date</mark></p>')
        st.html(highlight.article_html(ex))


#: Above this many points the timeline counts events per week instead of drawing each one.
TIMELINE_POINTS = 1500
TIMELINE_ACTORS = 25


def timeline(filtered: Frames) -> None:
    """Events by date and actor; many events are counted per week, rare actors pooled."""
    events = filtered.events[filtered.events["date"].notna()]
    undated = len(filtered.events) - len(events)
    if events.empty:
        st.info("No dated events match the filters.")
        return
    rows = events.assign(actor=events["actors"].map(lambda a: list(a) or ["(no actor)"]))
    rows = rows.explode("actor")
    top = rows["actor"].value_counts().index[:TIMELINE_ACTORS]
    rows.loc[~rows["actor"].isin(top), "actor"] = "(other actors)"
    weekly = len(rows) > TIMELINE_POINTS
    if weekly:
        rows = rows.assign(date=rows["date"].dt.to_period("W").dt.start_time)
    points = (rows.groupby(["date", "actor", "type"], as_index=False)
              .agg(events=("key", "size"), example=("summary", "first")))
    chart = alt.Chart(points).mark_circle(opacity=0.8).encode(
        x=alt.X("date:T", title="week" if weekly else "date"), y=alt.Y("actor:N", title=None),
        color=alt.Color("type:N", title="event type"),
        # Whole counts, from 1 up (a zero-based scale labelled its one symbol "0.0").
        size=alt.Size("events:Q", title="events", legend=alt.Legend(format="d", tickMinStep=1),
                      scale=alt.Scale(range=[60, 600], zero=False)),
        tooltip=["date:T", "actor:N", "type:N", "events:Q", "example:N"],
    ).properties(height=max(160, 28 * points["actor"].nunique()))
    st.altair_chart(chart, width="stretch")
    notes = [f"{undated} undated event(s) are in the table but not on the timeline."] * bool(
        undated) + ["Events are counted per week."] * weekly
    if notes:
        st.caption(" ".join(notes))


def upload_box(max_mb: int):
    """The sidebar upload box; returns the uploaded files (possibly none). Files above
    ``max_mb`` are refused in the browser, which says so beside the file."""
    return st.sidebar.file_uploader(
        f"Add articles (.txt, up to {max_mb} MB each)", type=["txt"],
        accept_multiple_files=True, key="nm_upload", max_upload_size=max_mb,
        help="Title, summary, dateline, then the body. Uploaded articles are kept on the "
             "server and stay after a reload.")


def upload_progress(total: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A progress bar under the upload box: a function to report how many of ``total`` are
    done, and one to remove the bar."""
    bar = st.sidebar.progress(0.0, text=f"Reading {total:,} uploaded article(s)…")

    def done(count: int) -> None:
        bar.progress(count / total, text=f"Reading uploaded articles: {count:,} of {total:,}")

    return done, bar.empty


@dataclass(frozen=True, slots=True)
class UploadLine:
    """One file of the upload box, as reported beside it."""

    name: str                         # as uploaded
    article_id: str = ""              # the article it became ("" when not kept)
    problems: tuple[tuple[str, str], ...] = ()  # (kind, message)
    events: int = 0
    deployments: int = 0
    places: int = 0                   # place mentions
    unreadable: bool = False


def upload_report(lines: Sequence[UploadLine], kept: int, note: str = "") -> None:
    """What became of each file in the upload box: the article it joined as, or its problems;
    and how many uploaded articles the server keeps (every session's).

    Names and messages come from the files: escaped."""
    if not lines and not note and not kept:
        return
    esc = highlight.escape
    items = []
    for line in lines:
        head = (f"<b>{esc(line.name)}</b>: " + ("not read" if line.unreadable else
                f"added as “{esc(line.article_id)}” ({_count(line.events, 'event')}, "
                f"{_count(line.deployments, 'deployment')}, "
                f"{_count(line.places, 'place mention')})"))
        problems = "".join(f"<li><code>{esc(kind)}</code> {esc(message)}</li>"
                           for kind, message in line.problems[:5])
        more = len(line.problems) - 5
        problems += f"<li>… and {more} more in the Problems table</li>" * (more > 0)
        items.append(f"<li>{head}{f'<ul>{problems}</ul>' if problems else ''}</li>")
    body = f"<ul class='nm-uploads'>{''.join(items)}</ul>" if items else ""
    with st.sidebar.container(key="nm-uploads"):
        if note:
            st.warning(note, icon=":material/save:")
        if body:
            st.html(f"<div style='font-size:0.85em'>{body}</div>")
        if kept:
            st.caption(f"{_count(kept, 'uploaded article')} kept on the server (they stay "
                       "after a reload); what could not be read is in the Problems table.")


def summary_line(filtered: Frames, total: Frames) -> None:
    places = filtered.places
    unresolved = int((places["status"] == "unresolved").sum())
    st.caption(
        f"{len(filtered.articles)} of {len(total.articles)} articles · "
        f"{len(filtered.events)} events · {len(filtered.deployments)} deployments · "
        f"{len(places)} place mentions ({unresolved} unresolved) · "
        f"{len(filtered.problems)} problems")


def empty_state(folder: str) -> None:
    with st.container(key="nm-empty", border=True):
        st.subheader("No articles yet")
        st.text(f"No readable article was found in: {folder}")
        st.markdown(
            "Put `.txt` news reports in that folder (line 1 title, line 2 summary, line 3 "
            "`(Source) Weekday, Month DD, YYYY`, then the body), point the app at another "
            "folder with `streamlit run dashboard/app.py -- --seeds DIR` or the `NEWSMAP_SEEDS` "
            "environment variable, or drop an article in the upload box in the sidebar.")


def problems_notice(filtered: Frames) -> None:
    if len(filtered.problems):
        st.warning(f"{len(filtered.problems)} problem(s) while reading the articles: see the "
                   "Problems table below.", icon=":material/report:")


def attribution() -> None:
    st.caption(
        "Place data: [GeoNames](https://www.geonames.org/) (CC-BY 4.0). Land, borders and "
        "outlines: [Natural Earth](https://www.naturalearthdata.com/) (public domain). Lakes "
        "and rivers: GSHHS and WDB II (LGPL). Online tiles, "
        "when switched on in the map's layer control: © OpenStreetMap contributors, © CARTO.")


# --- corrections ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Correcting:
    """What the correction widgets need from the app: where corrections go, and the
    gazetteer's readings of a name (a callable: the gazetteer opens only when asked)."""

    store: corr.CorrectionStore
    lookup: Callable[[], object]
    #: Regions and countries by name from their codes (``review.AreaName``), if known.
    area_name: review.AreaName | None = None


def _author() -> str:
    return (st.session_state.get("nm_author") or "").strip() or corr.author_name()


def _save(made: Sequence[corr.Correction], store: corr.CorrectionStore,
          goto: str | None = None) -> None:
    """Save, then rerun the whole page so the map and the tables show the change (and the
    details panel shows ``goto``, the location a mention moved to)."""
    try:
        saved = [store.add(c) for c in made]
    except OSError:
        log.exception("newsmap: a correction could not be saved")
        st.error("The correction could not be saved: the corrections file cannot be written "
                 "on this server (its log says why). Ask whoever runs newsmap to set "
                 "NEWSMAP_CORRECTIONS.", icon=":material/error:")
        return
    if saved:
        st.session_state["nm_saved"] = "; ".join(corr.describe(c) for c in saved)
        if goto:
            st.session_state["nm_fix_goto"] = goto
        st.rerun(scope="app")


def follow_correction() -> None:
    """Before the map: select the location a corrected mention moved to (the panel's
    selectbox may only be set before it is drawn)."""
    goto = st.session_state.pop("nm_fix_goto", None)
    if goto:
        st.session_state["nm_place"] = goto


def correction_widgets(here: Frames, articles: Mapping[str, Extraction],
                       correcting: Correcting) -> None:
    """Under the details: choose another reading for a mention, search the gazetteer, mark
    a mention "not a place", or fix an event's or a deployment's date, place or status.
    Built only while the expander is open."""
    if st.session_state.get("nm_saved"):  # names from the article: escaped HTML, no markdown
        st.html(f'<div class="nm-saved">✓ Saved: '
                f'{highlight.escape(st.session_state.pop("nm_saved"))}</div>')
    box = st.expander("Correct", key="nm_correct", on_change="rerun",
                      icon=":material/edit:")
    if not box.open:
        return
    with box, st.container(key="nm-correct"):
        what = st.radio("What", ("Place mention", "Event", "Deployment"), horizontal=True,
                        key="nm_fix_what", label_visibility="collapsed")
        if what == "Place mention":
            _fix_place(here.places, articles, correcting)
        else:
            _fix_record(here.events if what == "Event" else here.deployments,
                        "events" if what == "Event" else "deployments", articles, correcting)


def _pick_row(frame: pd.DataFrame, label: Callable[[Mapping], str], key: str) -> Mapping | None:
    rows = {row["key"]: row for row in frame.to_dict("records")}
    if not rows:
        st.caption("Nothing of that kind here.")
        return None
    if st.session_state.get(key) not in rows:
        st.session_state.pop(key, None)
    chosen = st.selectbox("Which", list(rows), key=key,
                          format_func=lambda k: label(rows[k]))
    return rows[chosen]


def _fix_place(mentions: pd.DataFrame, articles: Mapping[str, Extraction],
               correcting: Correcting) -> None:
    row = _pick_row(mentions, lambda r: f"“{r['surface']}” in {r['article_id']} "
                    f"(confidence {r['confidence']:.2f})", "nm_fix_mention")
    ex = articles.get(row["article_id"]) if row else None
    place = next((p for p in ex.places if p.id == row["id"]), None) if ex else None
    if place is None:
        return
    lookup = correcting.lookup()
    readings = cand.ranked(lookup, place.surface, place)
    st.caption("The readings the resolver weighed (score without the article's context; "
               "“chosen” is the current one):")
    st.dataframe(_blank(review.candidates_frame(readings, correcting.area_name)),
                 hide_index=True,
                 key="nm_fix_readings",
                 height=min(36 * (len(readings) + 1) + 2, 260))
    query = st.text_input("Or search the gazetteer", key="nm_fix_search",
                          placeholder="another name for the right place")
    options = cand.ranked(lookup, query.strip()) if query.strip() else readings
    if not options:
        st.caption("No place of that name in the gazetteer.")
        return
    pick = st.selectbox("Place it at", range(len(options)), key="nm_fix_pick",
                        format_func=lambda i: _reading_label(options[i],
                                                             correcting.area_name))
    use, drop = st.columns(2)
    if use.button("Use this place", key="nm_fix_use", icon=":material/place:"):
        chosen = cand.located_as(place, options[min(pick, len(options) - 1)].candidate)
        _save([corr.choose_place(ex, place, chosen, _author())], correcting.store,
              tables.location_key(chosen))
    if drop.button("Not a place", key="nm_fix_not_place", icon=":material/location_off:"):
        _save([corr.not_a_place(ex, place, _author())], correcting.store)


def _reading_label(ranked: cand.Ranked, area_name: review.AreaName | None = None) -> str:
    c = ranked.candidate
    where = ", ".join(part for part in review.where(c, area_name) if part)
    people = f", pop. {c.population:,}" if c.population else ""
    return (f"{c.name} ({c.kind.replace('_', ' ')}{', ' + where if where else ''}{people}) "
            f"· score {ranked.score:.2f}{' · current' if ranked.chosen else ''}")


def _fix_record(frame: pd.DataFrame, name: str, articles: Mapping[str, Extraction],
                correcting: Correcting) -> None:
    row = _pick_row(frame, lambda r: f"{_day(r['date'])} · {r.get('type') or r['status']} · "
                    f"{(r.get('summary') or r.get('unit') or r['sentence'])[:70]}",
                    f"nm_fix_{name}")
    ex = articles.get(row["article_id"]) if row else None
    record = next((r for r in getattr(ex, name) if r.id == row["id"]), None) if ex else None
    if record is None:
        return
    statuses = EVENT_STATUSES if name == "events" else DEPLOYMENT_STATUSES
    # Where it can be: a located mention, or one that refers back to one ("the town"), and
    # always where it is now, so saving other fields leaves the place alone.
    places = [p for p in ex.places
              if p.id == record.place or p.literal and (p.resolved or p.antecedent)]
    place_ids = [None] + [p.id for p in places]
    names = {p.id: f"{p.name or p.surface} (“{p.surface}”, {p.start})" for p in places}
    with st.form(key=f"nm_fix_form_{name}_{row['key']}", border=False):
        day = st.date_input("Date", value=record.date, key=f"nm_fix_date_{row['key']}",
                            format="YYYY-MM-DD")
        status = st.selectbox("Status", statuses, key=f"nm_fix_status_{row['key']}",
                              index=statuses.index(record.status)
                              if record.status in statuses else 0)
        where = st.selectbox("Place", place_ids, key=f"nm_fix_place_{row['key']}",
                             index=place_ids.index(record.place)
                             if record.place in place_ids else 0,
                             format_func=lambda i: names.get(i, "no place"))
        if st.form_submit_button("Save", icon=":material/save:"):
            wanted = {"date": day or None, "status": status, "place": where}
            _save([corr.set_field(ex, record, field, value, _author())
                   for field, value in wanted.items() if value != getattr(record, field)],
                  correcting.store)


def corrections_section(correcting: Correcting, queue: Callable[[], pd.DataFrame]) -> None:
    """The corrections made (with undo and downloads) and the review queue, in tabs; a full
    rerun on every action, so the map and the tables follow."""
    with boundary("corrections"), st.container(key="nm-corrections"):
        st.subheader("Corrections")
        made, doubtful = st.tabs(["Corrections", "Review queue"], key="nm_fix_tabs",
                                 on_change="rerun")
        if made.open:
            with made:
                _corrections_table(correcting.store)
        if doubtful.open:
            with doubtful:
                _review_queue(queue())


def _corrections_table(store: corr.CorrectionStore) -> None:
    st.text_input("Your name (recorded with each correction)", key="nm_author",
                  placeholder=corr.author_name())
    every = store.all()
    if not every:
        st.caption("No corrections yet: open “Correct” under a place's details.")
        return
    st.dataframe(_blank(review.corrections_frame(every)), hide_index=True, key="nm_fix_table")
    active = {c.id: c for c in every if not c.undone}
    if active:
        undo, go = st.columns([4, 1], vertical_alignment="bottom")
        chosen = undo.selectbox("Undo a correction", list(reversed(active)),
                                key="nm_fix_undo_pick",
                                format_func=lambda i: f"#{i} {corr.describe(active[i])} "
                                                      f"(“{active[i].surface[:40]}”)")
        if go.button("Undo", key="nm_fix_undo", icon=":material/undo:"):
            try:
                store.undo(chosen, _author())
            except OSError:
                log.exception("newsmap: a correction could not be undone")
                st.error("The correction could not be undone: the corrections file cannot be "
                         "written on this server.", icon=":material/error:")
                return
            st.rerun(scope="app")
    csv_col, json_col = st.columns(2)
    csv_col.download_button("Download corrections (CSV)", functools.partial(corr.to_csv, every),
                            file_name="newsmap-corrections.csv", mime="text/csv",
                            key="nm_fix_csv", on_click="ignore")
    json_col.download_button("Download corrections (JSON)",
                             functools.partial(corr.to_json, every),
                             file_name="newsmap-corrections.json", mime="application/json",
                             key="nm_fix_json", on_click="ignore")
    st.caption(f"Kept in {store.path.name} beside the data; applied whenever the data is "
               "loaded or extracted.")


def _review_queue(queue: pd.DataFrame) -> None:
    if queue.empty:
        st.info("No doubtful place mention: every resolved one is confident and clear.")
        return
    st.caption("Place mentions whose confidence is low or whose two best readings are close, "
               "the most doubtful first. Pick one to open it in the details panel.")
    st.dataframe(_blank(queue.drop(columns=["loc_key", "key"])), hide_index=True,
                 key="nm_queue", column_config=QUEUE_LABELS,
                 on_select=functools.partial(_open_queued, queue),
                 selection_mode="single-row")


#: The review queue's columns in words (the mention's key stays out of sight: a pick opens it).
QUEUE_LABELS = {"surface": "as written", "name": "read as", "country_code": "country",
                "article_id": "article"}


def _open_queued(queue: pd.DataFrame) -> None:
    """Show the picked mention in the details panel, its correction open (a callback: it
    runs before the page, so it may set the panel's widgets)."""
    rows = st.session_state["nm_queue"].selection.rows
    if rows:
        row = queue.iloc[rows[0]]
        st.session_state["nm_place"] = row["loc_key"]
        st.session_state["nm_fix_what"] = "Place mention"
        st.session_state["nm_fix_mention"] = row["key"]
        st.session_state["nm_correct"] = True
