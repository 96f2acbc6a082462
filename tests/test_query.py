"""store/query.py: the SQL over a dataset's derived tables gives what the pandas filters give."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from benchmarks.synthetic_events import City, make_extractions
from dashboard.store import corrections as corr
from dashboard.store import dataset as ds
from dashboard.store import query
from dashboard.ui import derived, tables
from dashboard.ui import filters as flt

CITIES = (
    City(1, "Alpha", 10.0, 20.0, "AA", "Aland"), City(2, "Beta", 10.5, 20.5, "AA", "Aland"),
    City(3, "Gamma", 10.2, 21.4, "AA", "Aland"),
    City(4, "Delta", -30.0, 150.0, "BB", "Bland"), City(5, "Eta", -30.2, 150.4, "BB", "Bland"),
    City(6, "Theta", -35.0, 140.0, "BB", "Bland"),
    City(7, "Eps", 60.0, -170.0, "CC", "Cland"), City(8, "Zeta", 61.0, 175.0, "CC", "Cland"),
    City(9, "Iota", 62.0, 179.0, "CC", "Cland"),
)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """400 synthetic events in three batches, derived into a cache, and the same in pandas."""
    root = tmp_path_factory.mktemp("dataset")
    cache = tmp_path_factory.mktemp("cache")
    extractions = list(make_extractions(400, seed=3, per_article=20, cities=CITIES))
    with ds.open_for_writing(root) as writer:
        for part in (extractions[:7], extractions[7:15], extractions[15:]):
            ds.write_batch(root, writer.take_seq(),
                           [(ex, ds.content_hash(ex.article.text)) for ex in part])
        writer.reserve()
    files = derived.ensure(root, cache)
    return root, cache, files, extractions, tables.build(extractions)


def _store(files, **options):
    return derived.store(files, **options)


FILTERS = [
    flt.Filters(),
    flt.Filters(types=("clash", "meeting")),
    flt.Filters(types=("deployment",)),
    flt.Filters(statuses=("planned",), include_undated=False),
    flt.Filters(actors=("NATO", "the UN")),
    flt.Filters(start=dt.date(2000, 1, 1), end=dt.date(2010, 12, 31)),
    flt.Filters(start=dt.date(2000, 1, 1), include_undated=False, types=("deployment", "visit")),
    flt.Filters(articles=("syn3_000002", "syn3_000011")),
    flt.Filters(articles=("syn3_000002",), actors=("rebels",)),
]


@pytest.mark.parametrize("chosen", FILTERS, ids=str)
def test_query_filters_select_the_rows_pandas_selects(data, chosen):
    _, _, files, _, frames = data
    store = _store(files)
    expected = flt.apply(frames, chosen)
    for table in ("events", "deployments", "places"):
        assert store.keys(table, chosen) == set(getattr(expected, table)["key"]), table
    for table in ("problems", "articles"):
        assert store.count(table, chosen) == len(getattr(expected, table)), table
    assert store.keys("articles", chosen) == set(expected.articles["article_id"])


def test_query_parquet_store_answers_the_same(data):
    _, _, files, _, _ = data
    chosen = flt.Filters(types=("clash",), include_undated=False)
    assert (_store(files, consolidated=False).keys("events", chosen)
            == _store(files).keys("events", chosen))


def test_query_options_match_the_pandas_options(data):
    _, _, files, _, frames = data
    got, expected = _store(files).options(), flt.options(frames)
    assert got.actors == expected.actors
    assert (got.first, got.last) == (expected.first, expected.last)
    assert (got.types, got.statuses) == (expected.types, expected.statuses)
    assert got.articles == tuple(sorted(expected.articles))


def test_query_pages_cover_every_row_once_in_date_order(data):
    _, _, files, _, frames = data
    store = _store(files)
    chosen = flt.Filters(types=("visit", "clash"))
    pages = [store.page("events", chosen, 50, offset) for offset in range(0, 400, 50)]
    keys = [k for page in pages for k in page["key"]]
    assert len(keys) == len(set(keys)) == store.count("events", chosen)
    dates = [d for page in pages for d in page["date"] if d == d and d is not None]
    assert dates == sorted(dates)


def test_query_spots_count_what_tables_locations_counts(data):
    _, _, files, _, frames = data
    chosen = flt.Filters(types=("clash", "deployment", "visit"))
    expected = tables.locations(flt.apply(frames, chosen)).set_index("loc_key")
    got = _store(files).spots(chosen, limit=10_000).set_index("loc_key")
    assert set(got.index) == set(expected.index)
    for column in ("events", "deployments", "mentions", "strength", "loose_events",
                   "event_key", "name"):
        assert got[column].to_dict() == expected[column].to_dict(), column


@pytest.mark.parametrize("chosen", FILTERS, ids=str)
def test_query_locations_count_what_tables_locations_counts(data, chosen):
    _, _, files, _, frames = data
    expected = tables.locations(flt.apply(frames, chosen)).set_index("loc_key")
    found = _store(files).locations(chosen)
    for column in ("events", "deployments", "mentions", "name", "lat", "lon"):
        got, want = dict(zip(found.loc_key, getattr(found, column))), expected[column].to_dict()
        assert got == (pytest.approx(want) if column in ("lat", "lon") else want), column


def test_query_spots_of_chosen_keys(data):
    _, _, files, _, frames = data
    expected = tables.locations(frames).set_index("loc_key")
    keys = list(expected.index[:2])
    got = _store(files).spots(flt.Filters(), keys=keys).set_index("loc_key")
    assert sorted(got.index) == sorted(keys)
    assert got["events"].to_dict() == expected.loc[keys, "events"].to_dict()


def test_query_record_lines_are_those_of_tables_locations(data):
    _, _, files, _, frames = data
    expected = tables.locations(frames).set_index("loc_key")
    keys = list(expected.index[:3])
    lines = _store(files).record_lines(flt.Filters(), keys)
    for key in keys:
        assert lines[key][0] == expected.loc[key, "event_lines"]
        assert lines[key][1] == expected.loc[key, "deployment_lines"]


def test_query_cells_add_up_and_respect_the_bounds(data):
    _, _, files, _, frames = data
    store = _store(files)
    cells = store.cells(flt.Filters(), query.Bounds.WORLD, query.cell_size(2))
    assert sum(c.events for c in cells) == frames.events["loc_key"].notna().sum()
    assert sum(c.deployments for c in cells) == frames.deployments["loc_key"].notna().sum()
    near_alpha = store.cells(flt.Filters(), query.Bounds.of(5, 15, 15, 25), 1.0)
    assert all(5 <= c.lat <= 15 and 15 <= c.lon <= 25 for c in near_alpha)
    # Alpha and Beta share the cell 10..11 N, 20..21 E; Gamma has its own.
    assert sorted(c.locations for c in near_alpha) == [1, 2]


def test_query_bounds_across_the_antimeridian(data):
    _, _, files, _, _ = data
    store = _store(files)
    across = query.Bounds.of(50, 170, 70, 200)  # Leaflet reports 200 for -160
    assert (across.west, across.east) == (170, -160)
    names = set(store.spots(flt.Filters(), across)["name"])
    assert names == {"Eps", "Zeta", "Iota"}
    assert query.Bounds.of(-80, -400, 80, 400) == query.Bounds(-80, -180, 80, 180)


def test_query_at_location_lists_the_records_there(data):
    _, _, files, _, frames = data
    chosen = flt.Filters(types=("clash",))
    expected = flt.at_location(flt.apply(frames, chosen), "gn:3")
    store = _store(files)
    for table in ("events", "deployments", "places"):
        got = store.at_location(table, chosen, "gn:3")
        assert set(got["key"]) == set(getattr(expected, table)["key"]), table


def test_query_values_are_bound_not_spliced(data):
    _, _, files, _, _ = data
    hostile = flt.Filters(actors=("x') OR true --",), articles=("'; DROP VIEW events; --",))
    store = _store(files)
    assert store.count("events", hostile) == 0
    assert store.count("events", flt.Filters()) == 400


def test_query_corrections_overlay_replaces_the_corrected_article(data):
    root, _, files, extractions, _ = data
    ex = extractions[3]
    event = ex.events[0]
    fix = dataclasses.replace(corr.set_field(ex, event, "status", "hypothetical"), id=1)
    ids, fixed = derived.corrected(root, [fix])
    assert ids == (ex.article.id,)
    store = derived.store(files, fixed, ids)
    key = tables.record_key(ex.article.id, event.id)
    assert key in store.keys("events", flt.Filters(statuses=("hypothetical",)))
    assert store.count("events", flt.Filters()) == 400
    assert key not in derived.store(files).keys("events", flt.Filters(statuses=("hypothetical",)))


def test_query_derived_files_are_reused_and_new_batches_added(data, tmp_path):
    root, cache, files, extractions, _ = data
    stamps = {p: p.stat().st_mtime_ns for p in files["events"]}
    again = derived.ensure(root, cache)
    assert {p: p.stat().st_mtime_ns for p in again["events"]} == stamps


def test_query_uploaded_article_is_written_once(tmp_path):
    extractions = list(make_extractions(40, seed=4, per_article=20, cities=CITIES))
    root = tmp_path / "ds"
    assert ds.add_articles(root, extractions[:1]) == tuple(extractions[:1])
    assert ds.add_articles(root, extractions) == tuple(extractions[1:])
    renamed = dataclasses.replace(extractions[0], article=dataclasses.replace(
        extractions[0].article, id="other name"))
    assert ds.add_articles(root, [renamed]) == ()  # same text: already there
    files = derived.ensure(root, tmp_path / "cache")
    assert derived.store(files).count("articles", flt.Filters()) == 2


def test_query_cells_count_every_location_in_view_once(data):
    _, _, files, _, _ = data
    store = _store(files)
    chosen = flt.Filters(types=("clash", "deployment"))
    for bounds in (query.Bounds.WORLD, query.Bounds.of(5, 15, 15, 25)):
        cells = store.cells(chosen, bounds, query.cell_size(4))
        assert sum(c.locations for c in cells) == store.location_count(chosen, bounds)


def test_query_busiest_are_the_first_spots(data):
    _, _, files, _, _ = data
    store = _store(files)
    chosen = flt.Filters(types=("visit", "deployment"))
    spots = store.spots(chosen, limit=5)
    assert store.busiest(chosen, 5) == [
        (k, n or "", e, d) for k, n, e, d in zip(spots["loc_key"], spots["name"],
                                                 spots["events"], spots["deployments"])]


def test_query_cells_of_the_world_locations_in_any_bounds(data):
    """The page works the cells out from every location (cached per filter): the same cells
    as asking SQL for the bounds, across the antimeridian too."""
    _, _, files, _, _ = data
    store = _store(files)
    chosen = flt.Filters(types=("clash", "meeting", "deployment"))
    everywhere = store.locations(chosen)
    for bounds in (query.Bounds.of(5, 15, 15, 25), query.Bounds.of(50, 170, 70, 200),
                   query.Bounds.of(-40, 130, -20, 160)):
        assert query.cells_of(everywhere, bounds, 1.0) == store.cells(chosen, bounds, 1.0)
        assert everywhere.inside(bounds).sum() == store.location_count(chosen, bounds)


@pytest.mark.parametrize("chosen", FILTERS, ids=str)
def test_query_totals_are_the_counts(data, chosen):
    _, _, files, _, frames = data
    store = _store(files)
    expected = flt.apply(frames, chosen)
    totals = store.totals(chosen)
    assert {t: totals[t] for t in query.TABLES} == {
        t: len(getattr(expected, t)) for t in query.TABLES}
    assert totals["unresolved"] == int((expected.places["status"] == "unresolved").sum())


def test_query_batches_added_later_are_read_beside_the_database(tmp_path, monkeypatch):
    """A consolidated database is reused while a few batches wait beside it (read from their
    Parquet files), and made anew once more than MAX_LOOSE wait."""
    monkeypatch.setattr(derived, "MAX_LOOSE", 1)
    extractions = list(make_extractions(120, seed=6, per_article=20, cities=CITIES))
    root, cache = tmp_path / "ds", tmp_path / "cache"
    ds.add_articles(root, extractions[:2])
    first, loose = derived.database(derived.ensure(root, cache))
    assert first is not None and not any(loose.values())
    ds.add_articles(root, extractions[2:4])
    files = derived.ensure(root, cache)
    again, loose = derived.database(files)
    assert again == first and len(loose["events"]) == 1
    assert derived.store(files).count("articles", flt.Filters()) == 4
    assert derived.store(files).keys("events", flt.Filters()) == derived.store(
        files, consolidated=False).keys("events", flt.Filters())
    ds.add_articles(root, extractions[4:])
    newest, loose = derived.database(derived.ensure(root, cache))
    assert newest != first and not any(loose.values())
    assert not first.exists()  # superseded
    assert derived.store(derived.ensure(root, cache)).count("articles", flt.Filters()) == 6


def test_query_cells_of_many_locations_as_grouped_one_by_one():
    """Cells worked out with numpy (one integer per cell) are those grouped in Python."""
    import numpy as np

    rng = np.random.default_rng(5)
    n = 3000
    found = query.Locations(
        loc_key=np.array([f"k{i}" for i in range(n)], dtype=object),
        name=np.array([""] * n, dtype=object), lat=rng.uniform(-89, 89, n),
        lon=rng.uniform(-180, 180, n), events=rng.integers(0, 5, n),
        deployments=rng.integers(0, 3, n), mentions=rng.integers(1, 4, n))
    size = query.cell_size(3)
    groups: dict[tuple[int, int], list[int]] = {}
    for i in range(n):
        groups.setdefault((int(np.floor(found.lat[i] / size)),
                           int(np.floor(found.lon[i] / size))), []).append(i)
    got = query.cells_of(found, query.Bounds.WORLD, size)
    assert len(got) == len(groups)
    expected = set()
    for members in groups.values():
        rows = [int(found.events[i] + found.deployments[i] + found.mentions[i]) for i in members]
        expected.add((round(sum(found.lat[i] * r for i, r in zip(members, rows)) / sum(rows), 9),
                      sum(int(found.events[i]) for i in members), len(members)))
    assert {(round(c.lat, 9), c.events, c.locations) for c in got} == expected
    weights = [c.events + c.deployments + c.mentions for c in got]
    assert weights == sorted(weights, reverse=True)


def test_query_page_of_some_columns_is_the_same_page(data):
    _, _, files, _, _ = data
    store = _store(files)
    chosen = flt.Filters(types=("clash", "visit"))
    columns = ["date", "type", "actors", "key", "no such column"]
    whole, some = (store.page("events", chosen, 30, 10),
                   store.page("events", chosen, 30, 10, columns=columns))
    assert list(some.columns) == ["date", "type", "actors", "key"]
    assert some["key"].tolist() == whole["key"].tolist()
    assert some["type"].tolist() == whole["type"].tolist()


def test_query_locations_without_mentions_are_named_by_their_records(data):
    """A location no place mention names takes the name and position of its records (an
    event's first, else a deployment's), as the locations of tables.locations do."""
    _, _, files, _, frames = data
    store = _store(files)
    chosen = flt.Filters(types=("clash", "deployment", "visit"))
    named = store.locations(chosen)
    store._con.execute("DELETE FROM place_locs")  # as if nothing mentioned them
    bare = store.locations(chosen)
    assert sorted(bare.loc_key) == sorted(named.loc_key)
    spots = tables.locations(flt.apply(frames, chosen)).set_index("loc_key")
    for key, name, lat, lon in zip(bare.loc_key, bare.name, bare.lat, bare.lon):
        rows = pd.concat([frames.events[frames.events["loc_key"] == key],
                          frames.deployments[frames.deployments["loc_key"] == key]])
        assert name in set(rows["place_name"]) and (lat, lon) == (spots.loc[key, "lat"],
                                                                 spots.loc[key, "lon"])


def test_query_consolidate_in_chunks_sorts_as_one_order_by(data, tmp_path):
    """Sorting a range of the first sort column at a time (split further by the next column
    where one value has too many rows; nulls where ORDER BY puts them) gives every table the
    same rows in the same order as one ORDER BY over all of them."""
    import duckdb

    _, _, files, _, _ = data
    whole, chunked = tmp_path / "whole.duckdb", tmp_path / "chunked.duckdb"
    query.consolidate(files, whole, chunk_rows=10**9)
    query.consolidate(files, chunked, chunk_rows=7)
    con = duckdb.connect()
    con.execute(f"ATTACH '{whole}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{chunked}' AS b (READ_ONLY)")
    orders = {**query.SORT, **{f"{t}_at": f"loc_key, {query.SORT[t]}" for t in query.AT_PLACE}}
    for table, order in orders.items():
        keys = ", ".join(item.split()[0] for item in order.split(","))
        one, two = (con.execute(f"SELECT * FROM {side}.{table}").fetchall() for side in "ab")
        assert len(one) == len(two) > 0, table
        assert sorted(map(repr, one)) == sorted(map(repr, two)), table
        assert (con.execute(f"SELECT {keys} FROM a.{table}").fetchall()
                == con.execute(f"SELECT {keys} FROM b.{table}").fetchall()), table
    assert not list(tmp_path.glob(".*"))  # no staging file or WAL left behind
