"""The page over a Parquet dataset: every view asks the DuckDB store for what it shows.

Nothing holds the whole dataset in the server's memory or sends it to the browser:

- the filters (``views.sidebar_filters``, the same widgets and URL as the in-memory page)
  become SQL (``query.Store``);
- the map asks for what it can show at its zoom and bounds (streamlit-folium returns both):
  counts per grid cell (``cells.py``) while more than ``MAX_MARKERS`` locations are in view
  and the map is zoomed out beyond ``MARKER_ZOOM``, the busiest ``MAX_MARKERS`` locations as
  markers (``map_layers``) otherwise;
- a click (or the place list) reads that location's records for the details panel, each
  row with its highlighted sentence (its snippet: no article is read back but to correct);
- the actor filter offers the busiest actors and those chosen; a search box adds any other;
- the tables page through the filtered rows (``PAGE_ROWS`` at a time).

Test hooks, besides those of ``views``: the map's widget key is ``nm_dmap``; the caption under
the map (class ``st-key-nm-map-mode``) says "cells" or "markers"; the table pager is
``nm_page``; the actor search box is ``nm_actor_search``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.records import Extraction
from dashboard.store import corrections as corr
from dashboard.store import dataset, query
from dashboard.ui import basemap, cells, derived, map_layers, map_render, tables, views
from dashboard.ui import filters as flt
from dashboard.ui.tables import Frames

#: Beyond this many locations in view (zoomed out), the map shows cells instead of markers
#: (the marker layer clusters beyond ``map_layers.CLUSTER_AT``: cells do that job here).
MAX_MARKERS = map_layers.CLUSTER_AT
#: From this zoom in, markers always (the busiest ``MAX_MARKERS`` in view).
MARKER_ZOOM = 7
#: Rows per table page.
PAGE_ROWS = 100
#: Records of each kind listed in the details panel.
DETAIL_ROWS = 100
#: Locations offered in the details panel's place list.
PLACE_CHOICES = 300
#: Actors the filter's list offers at once (the busiest, besides those chosen): every option
#: is sent again on every run, so thousands would weigh on each change. The search box under
#: the filters adds up to ``ACTOR_MATCHES`` actors whose name holds what is typed there.
ACTOR_CHOICES = 200
ACTOR_MATCHES = 200


@dataclasses.dataclass(frozen=True, slots=True)
class View:
    """What the map shows for a zoom and bounds: cells or markers, and the layers."""

    mode: str  # "cells" or "markers"
    groups: tuple
    shown: int  # cells or markers drawn
    total: int  # locations in view


# Answers shared by every session asking the same store the same question (a store is
# immutable: new data or corrections make a new one). Keyed by the store's identity.
@functools.lru_cache(maxsize=16)
def options(store: query.Store) -> flt.Options:
    return store.options()


@functools.lru_cache(maxsize=16)
def _summary(store: query.Store, chosen: flt.Filters) -> tuple[dict[str, int],
                                                               query.Locations]:
    """The counts, and every location with its counts (a few MB at most), from one query:
    the cells at any zoom and bounds, the place list and the count in view come from it
    without asking DuckDB again, so a pan or a zoom on the cells costs no query."""
    return store.summary(chosen)


def totals(store: query.Store, chosen: flt.Filters) -> dict[str, int]:
    return _summary(store, chosen)[0]


def _locations(store: query.Store, chosen: flt.Filters) -> query.Locations:
    return _summary(store, chosen)[1]


@functools.lru_cache(maxsize=256)
def _map_data(store: query.Store, chosen: flt.Filters, zoom: int, bounds: query.Bounds):
    """("cells", cells, total) or ("markers", spots frame, total); not to be modified."""
    found = _locations(store, chosen)
    total = int(found.inside(bounds).sum())
    if zoom < MARKER_ZOOM and total > MAX_MARKERS:
        return "cells", query.cells_of(found, bounds, query.cell_size(zoom)), total
    busiest = tuple(key for key, *_ in query.busiest_of(found.within(bounds), MAX_MARKERS))
    return "markers", marker_spots(store, chosen, bounds, busiest), total


@functools.lru_cache(maxsize=256)
def _busiest(store: query.Store, chosen: flt.Filters) -> dict[str, str]:
    """The place list's labels: the busiest locations, by key."""
    return {key: f"{name or 'unnamed'} — {_count(e, 'event')}, {_count(d, 'deployment')}"
            for key, name, e, d in query.busiest_of(_locations(store, chosen), PLACE_CHOICES)}


def map_view(store: query.Store, chosen: flt.Filters, zoom: float,
             bounds: query.Bounds) -> View:
    """The layers for the map at ``zoom`` and ``bounds`` (built anew: folium elements cannot
    be rendered twice)."""
    mode, found, total = _map_data(store, chosen, int(zoom), bounds)
    if mode == "cells":
        return View("cells", (cells.layer(found),), len(found), total)
    data = dataclasses.replace(map_layers.prepare(None, found), bounds=None)  # no refit
    return View("markers", tuple(map_layers.build(data)), len(found), total)


@functools.lru_cache(maxsize=128)
def _drawn(store: query.Store, chosen: flt.Filters, zoom: int, bounds: query.Bounds
           ) -> tuple[View, map_render.Layers]:
    """The map's view (without its folium layers) and those layers rendered for the map
    component, shared by every session asking the same: rendering them is most of a map's
    work in Python, and they are the same for the same data, filters, zoom and bounds."""
    view = map_view(store, chosen, zoom, bounds)
    return dataclasses.replace(view, groups=()), map_render.layer_scripts(view.groups)


def marker_spots(store: query.Store, chosen: flt.Filters, bounds: query.Bounds,
                 keys: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The busiest locations in view (or ``keys``, those of them the page has worked out
    already) in the shape of ``tables.locations``; none without asking if ``keys`` is
    given empty."""
    if keys is not None and not keys:
        return pd.DataFrame(columns=list(tables.LOCATION_COLUMNS))
    return _shaped(store, chosen, store.spots(chosen, bounds, limit=MAX_MARKERS,
                                              keys=keys or ()))


def place_spot(store: query.Store, chosen: flt.Filters, key: str) -> pd.DataFrame:
    """One location's row for the details panel (without the markers' popup lines)."""
    return _shaped(store, chosen, store.spots(chosen, keys=(key,)), lines=False)


def _shaped(store: query.Store, chosen: flt.Filters, spots: pd.DataFrame,
            lines: bool = True) -> pd.DataFrame:
    """Spots in the shape of ``tables.locations``; the markers' popup lines only if
    ``lines`` (the details panel does not show them)."""
    found = store.record_lines(chosen, list(spots["loc_key"])) if lines else {}
    spots["event_lines"] = [found.get(k, ((), ()))[0] for k in spots["loc_key"]]
    spots["deployment_lines"] = [found.get(k, ((), ()))[1] for k in spots["loc_key"]]
    spots["surfaces"] = [tuple(s) if _listed(s) else () for s in spots["surfaces"]]
    unnamed = spots["name"].isna() | (spots["name"] == "")
    spots.loc[unnamed, "name"] = [f"{a:.3f}, {o:.3f}" for a, o in
                                  zip(spots.loc[unnamed, "lat"], spots.loc[unnamed, "lon"])]
    spots["precision"] = spots["precision"].replace("", "point").fillna("point")
    for column in ("kind", "event_key", "deployment_key"):
        spots[column] = spots[column].fillna("")
    spots["geometry"], spots["bbox"] = None, None
    return spots[list(tables.LOCATION_COLUMNS)].reset_index(drop=True)


def _listed(value: Any) -> bool:
    return value is not None and not isinstance(value, (float, type(pd.NA)))


def _bounds(state: Mapping) -> query.Bounds:
    box = state.get("bounds") or {}
    try:
        south, west = box["_southWest"]["lat"], box["_southWest"]["lng"]
        north, east = box["_northEast"]["lat"], box["_northEast"]["lng"]
    except (KeyError, TypeError):
        return query.Bounds.WORLD
    if None in (south, west, north, east):
        return query.Bounds.WORLD
    return query.Bounds.of(float(south), float(west), float(north), float(east))


@st.fragment
@views.guarded("map")
def map_and_details(store: query.Store, chosen: flt.Filters, offline: basemap.Offline | None,
                    articles: Callable[[tuple[str, ...]], Mapping[str, Extraction]],
                    correcting: views.Correcting | None = None) -> None:
    """The map and the details panel; a pan, a zoom or a click reruns only this."""
    state = st.session_state.get("nm_dmap") or {}
    zoom = state.get("zoom") or 2
    clicked = map_layers.selected_location(state.get("last_object_clicked_tooltip"))
    if clicked and clicked != st.session_state.get("nm_last_click"):
        st.session_state["nm_last_click"] = clicked
        st.session_state["nm_place"] = clicked
    left, right = st.columns([3, 2], gap="medium")
    with right, st.container(key="nm-details", border=True):
        st.markdown("#### Details")
        _details(store, chosen, articles, correcting)
    with left:
        view, layers = _drawn(store, chosen, int(zoom), _bounds(state))
        map_render.show(offline, layers, key="nm_dmap", height=views.MAP_HEIGHT,
                        returned_objects=["last_object_clicked_tooltip", "bounds", "zoom"])
        with st.container(key="nm-map-mode"):
            st.caption(_mode_line(view))


def _mode_line(view: View) -> str:
    if view.mode == "cells":
        return (f"cells: {view.total:,} locations in view, counted in {view.shown:,} cells; "
                "zoom in (or click a cell) for markers")
    more = f" (the busiest {view.shown:,} of {view.total:,})" if view.total > view.shown else ""
    return f"markers: {view.shown:,} locations in view{more}"


def _details(store: query.Store, chosen: flt.Filters,
             articles: Callable[[tuple[str, ...]], Mapping[str, Extraction]],
             correcting: views.Correcting | None) -> None:
    labels = dict(_busiest(store, chosen))
    picked = st.session_state.get("nm_place")
    if picked and picked not in labels:
        labels[picked] = picked
    place = st.selectbox("Place", list(labels), index=None, key="nm_place",
                         format_func=lambda k: labels.get(k, k),
                         placeholder="Click a marker on the map, or choose a place")
    if not place:
        return
    spot = place_spot(store, chosen, place)
    if spot.empty:
        st.caption("Nothing at this place matches the filters.")
        return
    here = Frames(**{name: _python_values(store.at_location(name, chosen, place, DETAIL_ROWS))
                     for name in ("events", "deployments", "places")},
                  problems=pd.DataFrame(columns=list(tables.PROBLEM_COLUMNS)),
                  articles=pd.DataFrame(columns=list(tables.ARTICLE_COLUMNS)))
    shown = spot.iloc[0]
    if max(shown["events"], shown["deployments"], shown["mentions"]) > DETAIL_ROWS:
        st.caption(f"The first {DETAIL_ROWS} of each kind, earliest first.")
    ids = tuple(sorted({*here.events["article_id"], *here.deployments["article_id"],
                        *here.places["article_id"]}))
    views.details_panel(shown, _Articles(articles, ids), here, None, correcting)


class _Articles(Mapping):
    """The details' articles, read back only when something asks for one (the correction
    widgets): the highlighted sentences come from the rows' snippets."""

    def __init__(self, read: Callable[[tuple[str, ...]], Mapping[str, Extraction]],
                 ids: tuple[str, ...]) -> None:
        self._read, self._ids = read, ids

    @functools.cached_property
    def _found(self) -> Mapping[str, Extraction]:
        return self._read(self._ids)

    def __getitem__(self, article_id: str) -> Extraction:
        return self._found[article_id]

    def __iter__(self):
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


def _python_values(frame: pd.DataFrame) -> pd.DataFrame:
    """DuckDB's rows with the values ``tables.build`` gives: actors as tuples, dates as
    timestamps."""
    if "actors" in frame:
        frame = frame.assign(actors=[tuple(a) if _listed(a) else () for a in
                                     frame["actors"]])
    if "date" in frame:
        frame = frame.assign(date=pd.to_datetime(frame["date"]))
    return frame


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# --- the store and its articles, shared by every session ----------------------------------
# Cached beside the view that reads them, decorated once per process (dashboard/app.py, which
# Streamlit runs anew on every rerun, only imports the page).

@st.cache_resource(show_spinner="Preparing the dataset's tables (once per batch, kept in the "
                                "cache)…", max_entries=2)
def dataset_files(path: str, batches: tuple) -> dict:
    """The derived tables of every current batch (``batches`` is the dataset's signature)."""
    return derived.ensure(Path(path))


@st.cache_resource(show_spinner=False, max_entries=3)
def dataset_store(path: str, batches: tuple, fixes: tuple, _active: tuple):
    """The DuckDB store over the dataset, with the active corrections (``_active``, whose
    ids are ``fixes``) applied; shared by every session, queried from many threads."""
    replaced, fixed = derived.corrected(Path(path), _active)
    return derived.store(dataset_files(path, batches), fixed, replaced)


@st.cache_resource(show_spinner=False, max_entries=64)
def dataset_articles(path: str, batches: tuple, ids: tuple[str, ...], fixes: tuple,
                     _active: tuple) -> dict[str, Extraction]:
    """Some articles of the dataset read back whole, corrected (for highlighting and
    correcting)."""
    found = dataset.read_articles(Path(path), ids)
    return {ex.article.id: ex for ex in corr.apply_all(found, _active)}


# --- tables -------------------------------------------------------------------------------

@st.fragment
@views.guarded("tables")
def record_tables(store: query.Store, chosen: flt.Filters, counts: Mapping[str, int]) -> None:
    """One table at a time, a page at a time, in date order (events, deployments)."""
    name = st.radio("Table", views.TABLES, key="nm_table", horizontal=True,
                    label_visibility="collapsed", format_func=str.capitalize,
                    captions=[_count(counts.get(n, 0), "row") for n in views.TABLES])
    total = counts.get(name, 0)
    pages = max(1, -(-total // PAGE_ROWS))
    pager, where = st.columns([1, 3], vertical_alignment="bottom")
    page = pager.number_input("Page", min_value=1, max_value=pages, step=1, key="nm_page")
    page = min(int(page), pages)
    # The columns shown only: the download (every column) asks for its page when clicked.
    shown = _python_values(store.page(name, chosen, PAGE_ROWS, (page - 1) * PAGE_ROWS,
                                      columns=views.TABLE_COLUMNS[name]))
    where.caption(f"Rows {(page - 1) * PAGE_ROWS + min(1, total):,}–"
                  f"{(page - 1) * PAGE_ROWS + len(shown):,} of {total:,} · page {page:,} of "
                  f"{pages:,}")
    if "actors" in shown:
        shown["actors"] = shown["actors"].map(", ".join)
    st.dataframe(shown, hide_index=True, key=f"nm_table_{name}", column_config={
        "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
        "sentence": st.column_config.TextColumn("sentence", width="large")})
    st.download_button(f"Download this page of {name} (CSV)",
                       functools.partial(page_csv, store, name, chosen, page),
                       file_name=f"newsmap-{name}-page{page}.csv", mime="text/csv",
                       key=f"nm_csv_{name}", on_click="ignore")


def page_csv(store: query.Store, name: str, chosen: flt.Filters, page: int) -> str:
    """A table's page (1 first) with every column but the snippets (the details' only), as
    CSV."""
    rows = store.page(name, chosen, PAGE_ROWS, (page - 1) * PAGE_ROWS)
    return tables.to_csv(_python_values(rows).drop(columns="snippet", errors="ignore"))


@functools.lru_cache(maxsize=256)
def _offered(store: query.Store, search: str, wanted: frozenset[str]
             ) -> tuple[flt.Options, int]:
    """The options with the actor list bounded: the ``ACTOR_CHOICES`` busiest, those
    ``wanted`` (chosen, or in the URL) and the first ``ACTOR_MATCHES`` whose name holds
    ``search`` (case aside), busiest first; and how many match ``search`` in all. Shared by
    every session asking the same (not to be modified)."""
    found = options(store)
    needle = search.strip().casefold()
    matching = [name for name, _ in found.actors if needle in name.casefold()] if needle else []
    keep = {*(name for name, _ in found.actors[:ACTOR_CHOICES]), *wanted,
            *matching[:ACTOR_MATCHES]}
    return (dataclasses.replace(found, actors=tuple(kv for kv in found.actors
                                                    if kv[0] in keep)), len(matching))


def _actor_search(side, everyone: int, matches: int) -> None:
    """The box that finds any actor for the list (which offers the busiest otherwise)."""
    if everyone <= ACTOR_CHOICES:
        return
    search = side.text_input(f"Find an actor (of {everyone:,})", key="nm_actor_search",
                             placeholder="part of a name, then pick it under Actor")
    if search.strip() and not matches:
        side.caption("No actor's name holds that: try part of a word.")
    elif search.strip():
        side.caption(f"{matches:,} match{'' if matches == 1 else 'es'}"
                     + (f"; the first {ACTOR_MATCHES} are in the Actor list: type more"
                        if matches > ACTOR_MATCHES else ", added to the Actor list"))
    else:
        side.caption(f"The Actor list offers the {ACTOR_CHOICES} busiest and those chosen.")


def summary_line(counts: Mapping[str, int], articles: int) -> None:
    st.caption(
        f"{counts['articles']:,} of {articles:,} articles · {counts['events']:,} events · "
        f"{counts['deployments']:,} deployments · {counts['places']:,} place mentions "
        f"({counts['unresolved']:,} unresolved) · {counts['problems']:,} problems")


def show(store: query.Store, offline: Callable[[], basemap.Offline],
         articles: Callable[[tuple[str, ...]], Mapping[str, Extraction]],
         correcting: views.Correcting | None, queue: Callable[[], pd.DataFrame],
         filter_area=None) -> None:
    """The whole dataset page below the title and the upload box."""
    everything = totals(store, flt.Filters())["articles"]
    if not everything:
        return
    everyone = options(store)
    offered, matches = _offered(store, st.session_state.get("nm_actor_search", ""),
                                frozenset((*(st.session_state.get(views.WIDGET_KEYS["actors"])
                                             or ()), *st.query_params.get_all("actor"))))
    chosen = views.sidebar_filters(offered, filter_area)
    _actor_search(filter_area or st.sidebar, len(everyone.actors), matches)
    counts = totals(store, chosen)
    summary_line(counts, everything)
    if counts["problems"]:
        st.warning(f"{counts['problems']:,} problem(s) while reading the articles: see the "
                   "Problems table below.", icon=":material/report:")
    map_and_details(store, chosen, offline(), articles, correcting)
    record_tables(store, chosen, counts)
    if correcting is not None:
        views.corrections_section(correcting, queue)
