"""DuckDB over the dashboard's tables of a dataset: filters as SQL, pages, map cells, details.

The dashboard shows five tables (``TABLES``: events, deployments, places, problems, articles),
the columns ``dashboard/ui/tables.py`` builds from extractions. For a Parquet dataset they are
derived once per batch and kept as Parquet (:func:`write_table`, with the column types of
``SCHEMAS``); a :class:`Store` reads those files through an embedded DuckDB (no server) and
answers the page's questions with SQL whose values are bound parameters, never spliced text:

- :meth:`Store.count` and :meth:`Store.page` — the filtered rows, a page at a time;
- :meth:`Store.options` — what the filter widgets offer;
- :meth:`Store.cells` — counts per grid cell inside the map's bounds (the map zoomed out);
- :meth:`Store.spots` — one row per location inside the bounds, the busiest first (zoomed in);
- :meth:`Store.at_location` — the records at one location (the details panel).

``filters`` are any object with the fields of ``dashboard.ui.filters.Filters`` (actors, start,
end, include_undated, types, statuses, articles): the same rules, in SQL, as
``filters.apply`` in pandas (``tests/test_query.py`` checks they agree).

The derived Parquet files of many batches can be *consolidated* (:func:`consolidate`) into one
DuckDB database file, each table sorted (``SORT``): DuckDB's own columnar storage is read
without decompressing Parquet row groups, its zone maps skip what a page or a location does
not need, and its buffer manager keeps memory within ``memory_limit`` however many
sessions ask at once. A :class:`Store` attaches that file read-only and reads the batches it
does not hold (added since) from their Parquet files.

An *overlay* replaces some articles' rows (the corrected ones) without touching the files: its
frames are loaded into DuckDB and the views read them instead of the files' rows for those
articles. DuckDB is imported here and nowhere else.
"""

from __future__ import annotations

import math
import os
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from dashboard.records import Options

#: Bump when the derived tables change shape: cached files of another version are not read.
DERIVED_VERSION = 3
#: The type that selects deployments in the type filter (``filters.DEPLOYMENT_TYPE``).
DEPLOYMENT_TYPE = "deployment"
#: Place bases that do not locate an event itself (``tables.LOOSE_BASES``).
LOOSE_BASES = ("inherited", "focus")
_GROUNDING = (("place_basis", "VARCHAR"), ("place_note", "VARCHAR"), ("date_basis", "VARCHAR"),
              ("date_note", "VARCHAR"), ("mentions", "INTEGER[][]"))
_WHERE = (("place_name", "VARCHAR"), ("place_kind", "VARCHAR"), ("precision", "VARCHAR"),
          ("lat", "DOUBLE"), ("lon", "DOUBLE"), ("loc_key", "VARCHAR"))
_SPAN = (("sentence", "VARCHAR"), ("start", "BIGINT"), ("end", "BIGINT"))
#: What the details panel shows of a record's sentence (``highlight.Snippet`` as JSON).
_SNIPPET = (("snippet", "VARCHAR"),)
#: Table -> (column, DuckDB type), in the order of ``tables.*_COLUMNS``.
SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "events": (("key", "VARCHAR"), ("article_id", "VARCHAR"), ("id", "VARCHAR"),
               ("date", "DATE"), ("type", "VARCHAR"), ("status", "VARCHAR"),
               ("summary", "VARCHAR"), ("actors", "VARCHAR[]"), *_WHERE,
               ("date_text", "VARCHAR"), ("date_precision", "VARCHAR"),
               ("date_qualifier", "VARCHAR"), *_GROUNDING, *_SPAN, *_SNIPPET),
    "deployments": (("key", "VARCHAR"), ("article_id", "VARCHAR"), ("id", "VARCHAR"),
                    ("date", "DATE"), ("status", "VARCHAR"), ("actors", "VARCHAR[]"),
                    ("unit", "VARCHAR"), ("strength", "BIGINT"),
                    ("strength_qualifier", "VARCHAR"), ("strength_text", "VARCHAR"),
                    *_WHERE, *_GROUNDING, *_SPAN, *_SNIPPET),
    "places": (("key", "VARCHAR"), ("article_id", "VARCHAR"), ("id", "VARCHAR"),
               ("surface", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"),
               ("country_code", "VARCHAR"), ("admin1", "VARCHAR"), ("lat", "DOUBLE"),
               ("lon", "DOUBLE"), ("precision", "VARCHAR"), ("confidence", "DOUBLE"),
               ("literal", "BOOLEAN"), ("stands_for", "VARCHAR"), ("status", "VARCHAR"),
               ("loc_key", "VARCHAR"), ("geonameid", "BIGINT"), ("geometry", "VARCHAR"),
               ("bbox", "DOUBLE[]"), *_SPAN, *_SNIPPET),
    "problems": (("article_id", "VARCHAR"), ("kind", "VARCHAR"), ("message", "VARCHAR"),
                 ("start", "BIGINT"), ("end", "BIGINT")),
    "articles": (("article_id", "VARCHAR"), ("title", "VARCHAR"), ("source", "VARCHAR"),
                 ("published", "DATE"), ("path", "VARCHAR"), ("places", "BIGINT"),
                 ("events", "BIGINT"), ("deployments", "BIGINT"), ("problems", "BIGINT")),
}
TABLES = tuple(SCHEMAS)
#: Tables whose rows carry a ``snippet``.
SNIPPETS = tuple(name for name, columns in SCHEMAS.items() if ("snippet", "VARCHAR") in columns)
#: How each table's pages are ordered (stable: the key breaks ties).
ORDER = {"events": "date NULLS LAST, article_id, start, key",
         "deployments": "date NULLS LAST, article_id, start, key",
         "places": "article_id, start, key", "problems": "article_id, start NULLS FIRST, kind",
         "articles": "article_id"}
#: How a consolidated database sorts each table: events and deployments in page order (the
#: first page of a filter is then read from the first row groups: DuckDB's top-N skips the
#: rest by their zone maps), place mentions by location (the details panel reads a few row
#: groups).
SORT = {**ORDER, "places": "loc_key, article_id, start"}
#: Tables a consolidated database also holds sorted by location (as ``<table>_at``): what
#: one location's rows are read from (the details panel, the markers' lines), a few row
#: groups instead of the whole of a table sorted by date.
AT_PLACE = ("events", "deployments")
#: Bump when :func:`consolidate` lays a database out otherwise (its tables' format).
LAYOUT = 2


@dataclass(frozen=True, slots=True)
class Bounds:
    """The part of the map in view, in degrees (``west`` > ``east`` across the antimeridian)."""

    south: float
    west: float
    north: float
    east: float

    WORLD = None  # the whole world, set below

    @classmethod
    def of(cls, south: float, west: float, north: float, east: float) -> Bounds:
        """Bounds as Leaflet reports them (longitudes beyond ±180 when the world repeats)."""
        if east - west >= 360:
            return cls(max(south, -90.0), -180.0, min(north, 90.0), 180.0)
        return cls(max(south, -90.0), _wrap(west), min(north, 90.0), _wrap(east))


Bounds.WORLD = Bounds(-90.0, -180.0, 90.0, 180.0)


def _wrap(lon: float) -> float:
    return lon if -180.0 <= lon <= 180.0 else (lon + 180.0) % 360.0 - 180.0


@dataclass(frozen=True, slots=True)
class Cell:
    """One grid cell of the map: the mean position of what is in it, and how much is."""

    lat: float
    lon: float
    events: int
    deployments: int
    mentions: int
    locations: int


@dataclass(frozen=True, slots=True)
class Locations:
    """Every location in view with its counts (:meth:`Store.locations`), as parallel numpy
    arrays: a location's position is the one its first row gives (as :meth:`Store.spots`)."""

    loc_key: Any
    name: Any
    lat: Any
    lon: Any
    events: Any
    deployments: Any
    mentions: Any

    def inside(self, bounds: Bounds) -> Any:
        """A mask of the locations inside ``bounds`` (as SQL's ``_inside``)."""
        lats = (self.lat >= bounds.south) & (self.lat <= bounds.north)
        if bounds.west <= bounds.east:
            return lats & (self.lon >= bounds.west) & (self.lon <= bounds.east)
        return lats & ((self.lon >= bounds.west) | (self.lon <= bounds.east))

    def within(self, bounds: Bounds) -> Locations:
        """Only the locations inside ``bounds``."""
        inside = self.inside(bounds)
        return Locations(**{name: getattr(self, name)[inside] for name in self.__slots__})


def cells_of(found: Locations, bounds: Bounds, size: float) -> tuple[Cell, ...]:
    """Counts per ``size``-degree grid cell inside ``bounds``, the busiest first: each
    location counted once, in the cell of its position; a cell's position is the mean of
    its locations' weighted by their rows (records and mentions)."""
    inside = found.inside(bounds)
    lat, lon = found.lat[inside], found.lon[inside]
    counts = [found.events[inside], found.deployments[inside], found.mentions[inside]]
    if not len(lat):
        return ()
    rows = (counts[0] + counts[1] + counts[2]).astype(float)
    row, column = np.floor(lat / size).astype(np.int64), np.floor(lon / size).astype(np.int64)
    # one integer per grid cell, in the order of (row, column): a 1-D unique (60,000
    # locations: 2 ms, where the rows' unique along an axis took 40)
    code = (row - row.min()) * (int(column.max() - column.min()) + 1) + (column - column.min())
    _, cell = np.unique(code, return_inverse=True)
    cell = cell.reshape(-1)
    weight = np.bincount(cell, weights=rows)
    mean_lat = np.bincount(cell, weights=lat * rows) / weight
    mean_lon = np.bincount(cell, weights=lon * rows) / weight
    sums = [np.bincount(cell, weights=c) for c in counts]
    places = np.bincount(cell)
    order = np.lexsort((mean_lon, mean_lat, -weight))
    return tuple(Cell(float(mean_lat[i]), float(mean_lon[i]), int(sums[0][i]), int(sums[1][i]),
                      int(sums[2][i]), int(places[i])) for i in order)


def busiest_of(found: Locations, limit: int) -> list[tuple[str, str, int, int]]:
    """The ``limit`` busiest locations (most records and mentions first, then by key) as
    (loc_key, name, events, deployments): what the place list shows."""
    rows = found.events + found.deployments + found.mentions
    candidates = range(len(rows))
    if len(rows) > limit > 0:  # only those at least as busy as the limit-th: no full sort
        least = np.partition(rows, len(rows) - limit)[len(rows) - limit]
        candidates = np.flatnonzero(rows >= least)
    chosen = sorted(candidates, key=lambda i: (-int(rows[i]), found.loc_key[i]))[:limit]
    return [(str(found.loc_key[i]), str(found.name[i]), int(found.events[i]),
             int(found.deployments[i])) for i in chosen]


def cell_size(zoom: float) -> float:
    """The side of a grid cell in degrees at a map zoom: about 40 px on screen."""
    return 360.0 / 2 ** (max(0, math.floor(zoom)) + 3)


# ---------------------------------------------------------------------------- derived files
def _select(table: str, source: str) -> str:
    """SELECT every column of ``table`` from ``source``, cast to its type."""
    return "SELECT " + ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in SCHEMAS[table]) + \
        f" FROM {source}"


def write_table(frame: Any, table: str, path: Path) -> None:
    """Write a pandas frame of ``table``'s columns as Parquet at ``path`` (zstd)."""
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        con.execute(f"COPY ({_select(table, 'frame')}) TO {_literal(str(path))} "
                    "(FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()


#: Rows sorted at once while a database is consolidated (:func:`_sorted_into`).
SORT_CHUNK_ROWS = 100_000


def consolidate(files: Mapping[str, Sequence[Path]], path: Path, *, threads: int = 2,
                memory_limit: str = "512MB", chunk_rows: int = SORT_CHUNK_ROWS) -> None:
    """Write the tables of ``files`` (table -> Parquet files) into one DuckDB database at
    ``path``, each table sorted by ``SORT``; atomically (a temporary file renamed).

    The rows are first copied as they are into a staging database beside it, then sorted
    into ``path`` a range of the first sort column at a time (:func:`_sorted_into`): one
    ``ORDER BY`` over every row with its snippet ran out of ``memory_limit`` (DuckDB 2.0
    did not spill it: 20,000 articles of ``make_corpus.py``, 1.08 million place mentions)."""
    work = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    stage = work.with_name(work.name + ".stage")
    con = duckdb.connect(str(work), config={"threads": threads, "memory_limit": memory_limit})
    try:
        con.execute(f"ATTACH {_literal(str(stage))} AS stage")
        for table in TABLES:
            paths = [str(p) for p in files.get(table, ())]
            con.execute(f"CREATE TABLE stage.{table} AS {_base(table, paths)}")
        for table in AT_PLACE:  # the snippets only here: the details read them from here
            _sorted_into(con, f"{table}_at", f"stage.{table}", f"loc_key, {SORT[table]}",
                         chunk_rows)
        for table in TABLES:
            source = (f"(SELECT * REPLACE (NULL::VARCHAR AS snippet) FROM stage.{table})"
                      if table in AT_PLACE else f"stage.{table}")
            _sorted_into(con, table, source, SORT[table], chunk_rows)
        con.execute("DETACH stage")
        con.execute("CHECKPOINT")
        con.close()
        os.replace(work, path)
    finally:
        con.close()
        for leftover in (work, stage):
            for name in (leftover, leftover.with_name(leftover.name + ".wal")):
                name.unlink(missing_ok=True)


def _sorted_into(con: Any, table: str, source: str, order: str, chunk_rows: int) -> None:
    """``CREATE TABLE table AS SELECT * FROM source ORDER BY order``, sorting at most about
    ``chunk_rows`` rows at once (:func:`_insert_sorted`)."""
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {source} LIMIT 0")
    _insert_sorted(con, table, source, order, [i.strip() for i in order.split(",")], [], [],
                   chunk_rows)


def _insert_sorted(con: Any, table: str, source: str, order: str, items: list[str],
                   where: list[str], params: list[Any], chunk_rows: int) -> None:
    """Insert the rows of ``source`` that match ``where`` into ``table`` in ``order``: the rows
    are counted per value of the order's next column (``items[0]``, e.g. "date NULLS LAST":
    the nulls where the ORDER BY puts them), the values cut into consecutive ranges of at
    most ``chunk_rows`` rows, and each range inserted sorted, one after the other (an insert
    keeps its rows' order). A value with more rows than that is split by the next column."""
    column = items[0].split()[0]
    condition = " AND ".join(where) or "true"
    counts = con.execute(f"SELECT {column}, count(*) FROM {source} WHERE {condition} "
                         f"GROUP BY ALL ORDER BY {items[0]}", params).fetchall()
    ranges: list[list[Any]] = []  # [low, high, rows]; [None, None, rows]: the nulls
    for value, count in counts:
        last = ranges[-1] if ranges else None
        if (value is not None and last is not None and last[0] is not None
                and last[2] + count <= chunk_rows):
            last[1], last[2] = value, last[2] + count
        else:
            ranges.append([value, value, count])
    for low, high, rows in ranges:
        if low is None:
            here, values = [f"{column} IS NULL"], []
        elif low == high:
            here, values = [f"{column} = ?"], [low]
        else:
            here, values = [f"{column} >= ? AND {column} <= ?"], [low, high]
        if rows > chunk_rows and len(items) > 1:  # one value (or the nulls), too many rows
            _insert_sorted(con, table, source, order, items[1:], where + here,
                           params + values, chunk_rows)
            continue
        con.execute(f"INSERT INTO {table} SELECT * FROM {source} WHERE "
                    f"{' AND '.join(where + here)} ORDER BY {order}", params + values)


def _base(table: str, paths: Sequence[str]) -> str:
    """A SELECT of ``table``'s columns from Parquet files (none: no rows)."""
    if paths:
        return _select(table, "read_parquet([" + ", ".join(map(_literal, paths)) + "])")
    return ("SELECT " + ", ".join(f'NULL::{t} AS "{c}"' for c, t in SCHEMAS[table]) +
            " WHERE false")


def _literal(text: str) -> str:
    """A SQL string literal (for file names in DDL, where parameters cannot go)."""
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------------------- the store
class Store:
    """The five tables over a consolidated database and Parquet files (and an overlay),
    queried by many threads at once, each through its own cursor of one connection (one
    buffer pool, one ``memory_limit``, one thread pool for every session).

    ``files``: table -> Parquet files of that table (the batches ``database`` does not hold).
    ``database``: a file :func:`consolidate` wrote, or None. ``overlay``: table -> pandas
    frame, the rows of ``replaced`` articles that stand instead of the stored rows of those
    articles.
    """

    def __init__(self, files: Mapping[str, Sequence[Path]], *, database: Path | None = None,
                 overlay: Mapping[str, Any] | None = None, replaced: Iterable[str] = (),
                 threads: int = 2, memory_limit: str = "512MB") -> None:
        self._con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
        self._local = threading.local()
        if database is not None:
            self._con.execute(f"ATTACH {_literal(str(database))} AS db (READ_ONLY)")
        ids = sorted(set(replaced))
        if ids:
            self._con.execute("CREATE TABLE replaced AS SELECT unnest(?::VARCHAR[]) "
                              "AS article_id", [ids])
        for name in (*TABLES, *(f"{table}_at" for table in AT_PLACE)):
            table = name.removesuffix("_at")
            parts = [f"SELECT * FROM db.{name}"] if database is not None else []
            paths = [str(p) for p in files.get(table, ())]
            if paths or not parts:
                parts.append(_base(table, paths))
            if ids:
                parts = [f"SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE "
                         "article_id NOT IN (SELECT article_id FROM replaced)"]
            extra = (overlay or {}).get(table)
            if extra is not None:
                if name == table:
                    self._con.register(f"frame_{table}", extra)
                    self._con.execute(f"CREATE TABLE over_{table} AS "
                                      f"{_select(table, f'frame_{table}')}")
                    self._con.unregister(f"frame_{table}")
                parts.append(f"SELECT * FROM over_{table}")
            self._con.execute(f"CREATE VIEW {name} AS " + " UNION ALL ".join(parts))
        # Place mentions per location, counted once: a filter narrows them only to the
        # locations of its records (or to its articles), so a change need not read them.
        # Numbered, and kept here too: a filter's counts name these rows by number (text
        # made into Python strings holds the interpreter's lock, for every session).
        self._con.execute("CREATE TABLE place_locs AS SELECT row_number() OVER (ORDER BY "
                          f"loc_key) - 1 AS row, * FROM ({_PLACE_COUNTS} GROUP BY loc_key)")
        found = self._con.execute("SELECT loc_key, coalesce(name, '') AS name, lat::DOUBLE AS "
                                  "lat, lon::DOUBLE AS lon, mentions, unresolved FROM "
                                  "place_locs ORDER BY row").fetchnumpy()
        self._place_rows = _arrays(found)

    def close(self) -> None:
        self._con.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (a DuckDB connection must not be shared between threads)."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
        return cursor

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._cursor().execute(sql, list(params)).fetchall()

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor().execute(sql, list(params)).df()

    # -------------------------------------------------------------------------- filters
    def filtered(self, table: str, filters: Any, at: bool = False) -> tuple[str, list[Any]]:
        """A SELECT of ``table``'s filtered rows, and its parameters; ``at``: from its copy
        sorted by location, if it has one (for the rows of a few locations)."""
        where, params = _conditions(table, filters)
        if table == "places" and filters.narrows_records:
            events, ev_params = self.filtered("events", filters)
            deps, dep_params = self.filtered("deployments", filters)
            where.append(f"loc_key IN (SELECT loc_key FROM ({events}) UNION "
                         f"SELECT loc_key FROM ({deps}))")
            params += ev_params + dep_params
        source = f"{table}_at" if at and table in AT_PLACE else table
        return (f"SELECT * FROM {source}" + (" WHERE " + " AND ".join(where) if where else ""),
                params)

    def count(self, table: str, filters: Any) -> int:
        sql, params = self.filtered(table, filters)
        return int(self._rows(f"SELECT count(*) FROM ({sql})", params)[0][0])

    def page(self, table: str, filters: Any, limit: int, offset: int = 0,
             columns: Sequence[str] | None = None) -> Any:
        """One page of the filtered rows (a pandas frame), in the table's order; only
        ``columns`` (of ``SCHEMAS[table]``) if given: fewer to read and convert."""
        sql, params = self.filtered(table, filters)
        known = {name for name, _ in SCHEMAS[table]}
        chosen = "*" if columns is None else ", ".join(
            f'"{name}"' for name in columns if name in known) or "*"
        return self._frame(f"SELECT {chosen} FROM ({sql}) ORDER BY {ORDER[table]} "
                           "LIMIT ? OFFSET ?", params + [int(limit), int(offset)])

    def keys(self, table: str, filters: Any) -> set[str]:
        """Every filtered row's key (``article_id`` for tables without one): for tests."""
        column = "key" if any(c == "key" for c, _ in SCHEMAS[table]) else "article_id"
        sql, params = self.filtered(table, filters)
        return {row[0] for row in self._rows(f"SELECT {column} FROM ({sql})", params)}

    def totals(self, filters: Any) -> dict[str, int]:
        """Row counts of every filtered table, and ``unresolved`` place mentions."""
        return self.summary(filters)[0]

    def summary(self, filters: Any) -> tuple[dict[str, int], Locations]:
        """:meth:`totals` and every location with its counts (:meth:`locations`) from one
        read of the filtered events and deployments, grouped by location and joined to the
        place mentions counted per location once (``place_locs``)."""
        ev, params = self.filtered("events", filters)
        dep, dep_params = self.filtered("deployments", filters)
        join = "LEFT" if filters.narrows_records else "FULL"
        # Counted per location first; the name and position of a location come from its
        # place mentions, or else from its records: those few are asked for apart (grouping
        # the names of every record took half of this query's time).
        counts = f"""
            WITH rec AS (SELECT loc_key, 1 AS pri FROM ({ev})
                         UNION ALL
                         SELECT loc_key, 2 FROM ({dep})),
            g AS (SELECT loc_key, count(*) FILTER (pri = 1) AS events,
                         count(*) FILTER (pri = 2) AS deployments
                  FROM rec GROUP BY loc_key)"""
        where, place_params = _conditions("places", filters)
        if where:  # the mentions of some articles, counted now
            found = self._cursor().execute(f"""{counts}
                SELECT coalesce(g.loc_key, p.loc_key) AS loc_key,
                       coalesce(p.located, false) AS named, coalesce(p.name, '') AS name,
                       p.lat::DOUBLE AS lat, p.lon::DOUBLE AS lon,
                       coalesce(g.events, 0) AS events,
                       coalesce(g.deployments, 0) AS deployments,
                       coalesce(p.mentions, 0) AS mentions,
                       coalesce(p.unresolved, 0) AS unresolved
                FROM g {join} JOIN ({_PLACE_COUNTS} WHERE {' AND '.join(where)}
                                    GROUP BY loc_key) AS p ON g.loc_key = p.loc_key""",
                params + dep_params + place_params).fetchnumpy()
            arrays = _arrays(found)
        else:  # the mentions counted once (place_locs), by row number
            arrays = self._with_place_rows(self._cursor().execute(f"""{counts}
                SELECT p.row, CASE WHEN p.row IS NULL THEN g.loc_key END AS loc_key,
                       coalesce(g.events, 0) AS events,
                       coalesce(g.deployments, 0) AS deployments
                FROM g {join} JOIN place_locs AS p ON g.loc_key = p.loc_key""",
                params + dep_params).fetchnumpy())
        keys = arrays["loc_key"]
        located = np.not_equal(keys, None)
        unnamed = np.flatnonzero(located & ~arrays.pop("named").astype(bool))
        if len(unnamed):
            self._name_by_records(filters, arrays, unnamed)
        if filters.narrows_records:  # mentions only at the records' locations
            counted = located & ((arrays["events"] > 0) | (arrays["deployments"] > 0))
        else:
            counted = np.ones(len(keys), dtype=bool)
        problems, problem_params = self.filtered("problems", filters)
        articles, article_params = self.filtered("articles", filters)
        small = self._rows(f"SELECT (SELECT count(*) FROM ({problems})), "
                           f"(SELECT count(*) FROM ({articles}))",
                           problem_params + article_params)[0]
        totals = {"events": int(arrays["events"].sum()),
                  "deployments": int(arrays["deployments"].sum()),
                  "places": int(arrays["mentions"][counted].sum()),
                  "problems": int(small[0]), "articles": int(small[1]),
                  "unresolved": int(arrays["unresolved"][counted].sum())}
        return totals, Locations(**{name: arrays[name][located]
                                    for name in Locations.__slots__})

    def _with_place_rows(self, found: Mapping[str, Any]) -> dict[str, Any]:
        """The arrays of :meth:`summary` from counts whose ``row`` names a row of
        ``place_locs`` (their key, name, position and mentions), or whose ``loc_key`` is
        given (no mention there)."""
        row = np.ma.filled(found["row"], -1).astype(np.int64)
        named = row >= 0
        take, n = row[named], len(row)
        arrays = {"loc_key": np.array(found["loc_key"], dtype=object), "named": named,
                  "name": np.full(n, "", dtype=object), "lat": np.full(n, np.nan),
                  "lon": np.full(n, np.nan), "events": np.asarray(found["events"]),
                  "deployments": np.asarray(found["deployments"]),
                  "mentions": np.zeros(n, dtype=np.int64),
                  "unresolved": np.zeros(n, dtype=np.int64)}
        for name in ("loc_key", "name", "lat", "lon", "mentions", "unresolved"):
            arrays[name][named] = self._place_rows[name][take]
        return arrays

    def _name_by_records(self, filters: Any, arrays: dict[str, Any], rows: Any) -> None:
        """Fill in the name and position of the locations at ``rows`` of ``arrays`` from
        their filtered records (an event's first, else a deployment's)."""
        keys = [str(key) for key in arrays["loc_key"][rows]]
        at, at_params = _at(keys)
        ev, params = self.filtered("events", filters, at=True)
        dep, dep_params = self.filtered("deployments", filters, at=True)
        named = {key: (name, lat, lon) for key, name, lat, lon in self._rows(f"""
            SELECT loc_key, arg_min(name, pri), arg_min(lat, pri), arg_min(lon, pri)
            FROM (SELECT loc_key, 1 AS pri, place_name AS name, lat, lon FROM ({ev}) WHERE {at}
                  UNION ALL
                  SELECT loc_key, 2, place_name, lat, lon FROM ({dep}) WHERE {at})
            GROUP BY loc_key""", params + at_params + dep_params + at_params)}
        for row, key in zip(rows, keys):
            name, lat, lon = named.get(key, ("", np.nan, np.nan))
            arrays["name"][row] = name or ""
            arrays["lat"][row], arrays["lon"][row] = (np.nan if lat is None else lat,
                                                      np.nan if lon is None else lon)

    def options(self, max_articles: int = 2000) -> Options:
        """Actors by record count (most first), the date span, types, statuses, and the
        first ``max_articles`` article ids (a longer list would weigh on every page)."""
        actors = self._rows(
            "SELECT name, count(*) FROM (SELECT unnest(list_distinct(actors)) AS name FROM events "
            "UNION ALL SELECT unnest(list_distinct(actors)) FROM deployments) GROUP BY name")
        span = self._rows("SELECT min(d), max(d) FROM (SELECT date AS d FROM events UNION ALL "
                          "SELECT date FROM deployments)")[0]
        types = {r[0] for r in self._rows("SELECT DISTINCT type FROM events")}
        if self._rows("SELECT count(*) FROM deployments")[0][0]:
            types.add(DEPLOYMENT_TYPE)
        statuses = {r[0] for r in self._rows(
            "SELECT DISTINCT status FROM events UNION SELECT DISTINCT status FROM deployments")}
        articles = [r[0] for r in self._rows(
            "SELECT article_id FROM articles ORDER BY article_id LIMIT ?", [max_articles])]
        return Options(actors=tuple(sorted(((a, int(n)) for a, n in actors),
                                           key=lambda kv: (-kv[1], kv[0].casefold()))),
                       first=span[0], last=span[1], types=tuple(sorted(types)),
                       statuses=tuple(sorted(statuses)), articles=tuple(articles))

    def least_confident(self, limit: int = 500) -> Any:
        """The ``limit`` resolved literal place mentions the resolver was least sure of."""
        return self._frame("SELECT * FROM places WHERE status = 'resolved' AND literal "
                           "ORDER BY confidence, key LIMIT ?", [int(limit)])

    # -------------------------------------------------------------------------- the map
    def _located(self, filters: Any, bounds: Bounds, keys: Sequence[str] | None = None
                 ) -> tuple[str, list[Any]]:
        """Every located row inside ``bounds`` (and at ``keys`` if given) as (loc_key, kind
        of row, name, place kind, precision, lat, lon, key, date, weight columns …), places,
        events and deployments."""
        inside, box = _inside(bounds)
        if keys is not None:
            at, box = _at(keys)
            inside, box = f"{inside} AND {at}", _inside(bounds)[1] + box
        parts, params = [], []
        for table, name, kind in (("places", "name", "kind"), ("events", "place_name",
                                                                 "place_kind"),
                                  ("deployments", "place_name", "place_kind")):
            sql, found = self.filtered(table, filters, at=keys is not None)
            pri = TABLES.index(table)  # places name a location before events, events before
            extra = {"places": "surface, NULL::DATE AS date, NULL AS key, NULL AS basis, "
                               "NULL::BIGINT AS strength, NULL AS type, NULL AS status",
                     "events": "NULL AS surface, date, key, place_basis, NULL::BIGINT, type, "
                               "status",
                     "deployments": "NULL, date, key, place_basis, strength, NULL, "
                                    "status"}[table]
            parts.append(f"SELECT loc_key, '{table}' AS tbl, {pri} AS pri, {name} AS name, "
                         f"{kind} AS kind, precision, lat, lon, {extra} FROM ({sql}) "
                         f"WHERE loc_key IS NOT NULL AND {inside}")
            params += found + box
        return " UNION ALL ".join(parts), params

    def locations(self, filters: Any, bounds: Bounds = Bounds.WORLD) -> Locations:
        """Every location inside ``bounds`` with its counts: what the cells, the place list
        and the count of locations in view are worked out from (a few tens of thousands of
        rows however many records; see :func:`cells_of`)."""
        found = self.summary(filters)[1]
        return found if bounds == Bounds.WORLD else found.within(bounds)

    def location_count(self, filters: Any, bounds: Bounds = Bounds.WORLD) -> int:
        """How many distinct locations lie inside ``bounds``."""
        sql, params = self._located(filters, bounds)
        return int(self._rows(f"SELECT count(DISTINCT loc_key) FROM ({sql})", params)[0][0])

    def cells(self, filters: Any, bounds: Bounds, size: float) -> tuple[Cell, ...]:
        """Counts per ``size``-degree grid cell inside ``bounds``, the busiest first."""
        return cells_of(self.locations(filters, bounds), bounds, size)

    def busiest(self, filters: Any, limit: int) -> list[tuple[str, str, int, int]]:
        """The ``limit`` busiest locations: see :func:`busiest_of`."""
        return busiest_of(self.locations(filters), limit)

    def spots(self, filters: Any, bounds: Bounds = Bounds.WORLD, limit: int = 2000,
              keys: Sequence[str] = ()) -> Any:
        """One row per location inside ``bounds`` (the ``limit`` busiest, or exactly ``keys``),
        with the columns of ``tables.locations`` (no areas: ``geometry`` and ``bbox`` None).
        The busiest are found first by a bare count, then only they are described."""
        if not keys:
            sql, params = self._located(filters, bounds)
            keys = [row[0] for row in self._rows(
                f"SELECT loc_key FROM ({sql}) GROUP BY loc_key ORDER BY count(*) DESC, loc_key "
                "LIMIT ?", params + [int(limit)])]
        sql, params = self._located(filters, bounds, keys)
        return self._frame(f"""
            WITH rows AS ({sql}),
            top AS (
                SELECT loc_key, arg_min(name, pri) AS name, arg_min(kind, pri) AS kind,
                       arg_min(precision, pri) AS precision, arg_min(lat, pri) AS lat,
                       arg_min(lon, pri) AS lon,
                       count(*) FILTER (tbl = 'places') AS mentions,
                       coalesce(list_distinct(list(surface) FILTER (tbl = 'places')),
                                []) AS surfaces,
                       count(*) FILTER (tbl = 'events') AS events,
                       count(*) FILTER (tbl = 'events' AND basis IN ?) AS loose_events,
                       count(*) FILTER (tbl = 'deployments') AS deployments,
                       count(*) FILTER (tbl = 'deployments' AND basis IN ?)
                           AS loose_deployments,
                       coalesce(mode(type) FILTER (tbl = 'events'), '') AS event_type,
                       coalesce(mode(status) FILTER (tbl = 'events'), '') AS event_status,
                       coalesce(mode(status) FILTER (tbl = 'deployments'), '')
                           AS deployment_status,
                       coalesce(sum(strength), 0) AS strength,
                       coalesce(arg_min(key, coalesce(date, DATE '9999-12-31'))
                                FILTER (tbl = 'events'), '') AS event_key,
                       coalesce(arg_min(key, coalesce(date, DATE '9999-12-31'))
                                FILTER (tbl = 'deployments'), '') AS deployment_key
                FROM rows GROUP BY loc_key
                ORDER BY events + deployments + mentions DESC, loc_key LIMIT ?)
            SELECT top.*, NULL::VARCHAR AS geometry, NULL::DOUBLE[] AS bbox FROM top
            ORDER BY events + deployments + mentions DESC, loc_key""",
            params + [list(LOOSE_BASES)] * 2 + [int(limit)])

    def record_lines(self, filters: Any, keys: Sequence[str], lines: int = 2
                     ) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """The first ``lines`` events and deployments (earliest first) at each location of
        ``keys``, as plain text like ``tables.locations`` writes them (escape before showing)."""
        if not keys:
            return {}
        ev, ev_params = self.filtered("events", filters, at=True)
        dep, dep_params = self.filtered("deployments", filters, at=True)
        first = ("row_number() OVER (PARTITION BY loc_key ORDER BY date NULLS LAST, "
                 "article_id, start) AS n")
        at, at_params = _at(keys)
        rows = self._rows(f"""
            SELECT loc_key, 'e', coalesce(strftime(date, '%Y-%m-%d'), 'undated') || ' · ' ||
                   type || ' (' || status || '): ' || CASE WHEN length(summary) <= 60
                   THEN summary ELSE summary[1:59] || '…' END, n
            FROM (SELECT *, {first} FROM ({ev}) WHERE {at}) WHERE n <= ?
            UNION ALL
            SELECT loc_key, 'd', CASE WHEN strength IS NULL THEN '' ELSE
                   format('{{:,}} ', strength) END || 'troops of ' ||
                   CASE WHEN len(actors) > 0 THEN array_to_string(actors, ', ') ELSE unit END ||
                   ' (' || status || ')', n
            FROM (SELECT *, {first} FROM ({dep}) WHERE {at}) WHERE n <= ?
            ORDER BY 1, 2, 4""", [*ev_params, *at_params, lines, *dep_params, *at_params, lines])
        out: dict[str, tuple[list[str], list[str]]] = {}
        for key, kind, text, _ in rows:
            out.setdefault(key, ([], []))[0 if kind == "e" else 1].append(text)
        return {k: (tuple(e), tuple(d)) for k, (e, d) in out.items()}

    def at_location(self, table: str, filters: Any, loc_key: str, limit: int = 200) -> Any:
        """The filtered rows of ``table`` at one location, in the table's order."""
        sql, params = self.filtered(table, filters, at=True)
        return self._frame(f"SELECT * FROM ({sql}) WHERE loc_key = ? ORDER BY {ORDER[table]} "
                           "LIMIT ?", params + [loc_key, int(limit)])


#: Place mentions per location (NULL: those not located), as :meth:`Store.summary` joins
#: them: the first row's name and position, all mentions and the unresolved ones.
_PLACE_COUNTS = ("SELECT loc_key, true AS located, first(name) AS name, first(lat) AS lat, "
                 "first(lon) AS lon, count(*) AS mentions, "
                 "count(*) FILTER (status = 'unresolved') AS unresolved FROM places")


def _arrays(found: Mapping[str, Any]) -> dict[str, Any]:
    """A ``fetchnumpy`` result of locations as plain arrays, a missing position as NaN."""
    return {name: np.ma.filled(found[name], np.nan) if name in ("lat", "lon")
            else np.asarray(found[name]) for name in found}


def _conditions(table: str, filters: Any) -> tuple[list[str], list[Any]]:
    """WHERE clauses (joined by AND) and their parameters, as ``filters.apply`` narrows."""
    where: list[str] = []
    params: list[Any] = []
    if filters.articles:
        where.append("list_contains(?, article_id)")
        params.append(list(filters.articles))
    if table not in ("events", "deployments"):
        return where, params
    if filters.actors:  # one list_contains per actor: far cheaper than list_has_any
        where.append("(" + " OR ".join(["list_contains(actors, ?)"] * len(filters.actors))
                     + ")")
        params += list(filters.actors)
    if filters.types:
        if table == "events":
            where.append("list_contains(?, type)")
            params.append(list(filters.types))
        elif DEPLOYMENT_TYPE not in filters.types:
            where.append("false")
    if filters.statuses:
        where.append("list_contains(?, status)")
        params.append(list(filters.statuses))
    inside = ["date IS NOT NULL"]
    if filters.start:
        inside.append("date >= ?")
        params.append(filters.start)
    if filters.end:
        inside.append("date <= ?")
        params.append(filters.end)
    where.append(f"(({' AND '.join(inside)}) OR (date IS NULL AND ?))")
    params.append(bool(filters.include_undated))
    return where, params


def _at(keys: Sequence[str]) -> tuple[str, list[Any]]:
    """A condition on ``loc_key`` for some locations: an equality for one (DuckDB skips the
    rest of the column in its scan), a semi-join for more."""
    if len(keys) == 1:
        return "loc_key = ?", list(keys)
    return "loc_key IN (SELECT unnest(?::VARCHAR[]))", [list(keys)]


def _inside(bounds: Bounds) -> tuple[str, list[Any]]:
    """A condition on ``lat``/``lon`` for ``bounds`` and its parameters."""
    lons = ("lon BETWEEN ? AND ?" if bounds.west <= bounds.east
            else "(lon >= ? OR lon <= ?)")
    return (f"lat BETWEEN ? AND ? AND {lons}",
            [bounds.south, bounds.north, bounds.west, bounds.east])
