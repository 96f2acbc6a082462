"""The extraction dataset on disk: one Parquet table per record kind, written a batch at a time.

Layout (``DATASET_VERSION`` 1)::

    DATASET/
      _meta.json          {"format": "newsmap-dataset", "version": 1, "tables": {name: columns}}
      .lock               held (flock) by the one run that writes; released when it dies
      _run.json           that run's token and the batch numbers it has handed out
      _tmp/               batches being written, emptied when a run starts
      batches/00000001/   one committed batch of articles (numbers only ever grow)
        manifest.json     its articles (id, content hash, path) and the rows of each table
        articles.parquet  places.parquet  actors.parquet  events.parquet
        deployments.parquet  problems.parquet  dates.parquet

Tables (``TABLES``): every row starts with ``article_id``; the other columns are the fields of
the record dataclass in ``records.py``, in order and documented there (``articles`` holds
``Article`` with ``id`` renamed ``article_id``, plus ``content_sha256``). The columns are read
from the dataclasses, so a field added to a record becomes a column with no second list here.
Types: ``str`` -> string, ``int`` -> int64, ``float`` -> float64, ``bool`` -> bool, dates ->
date32, ``X | None`` -> nullable X, tuples -> lists (``Actor.mentions``: list of [start, end]).
The rows of one article keep the record order of its ``Extraction``.

The rules that make a run incremental, idempotent and safe to kill:

- A batch is written under ``_tmp/`` (files flushed to disk) and committed by renaming its
  folder into ``batches/``: a single atomic step, so a batch is all there or absent. A worker
  commits only while its run's token is the one in ``_run.json``: a task that outlives a killed
  client (on a remote cluster) cannot slip an old batch in behind the next run, and batch
  numbers are never handed out twice.
- ``content_sha256`` is the SHA-256 of ``Article.text`` (UTF-8). A run extracts the articles
  whose id is new or whose text hashes differently, and skips the rest. An article that could
  not be read or extracted gets ``""``, so the next run tries it again.
- An article's rows are those of the newest batch (highest number) whose manifest lists it.
  ``compact`` then deletes the batches nobody reads any more and rewrites the partly replaced
  ones, so at rest every article lives in exactly one batch and a plain glob
  (``batches/*/events.parquet``) has no stale row. A run compacts when it starts and ends.

PyArrow is used here and nowhere else.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import fcntl
import functools
import hashlib
import json
import operator
import os
import shutil
import types
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.errors import DashboardError
from dashboard.records import (
    Actor, Article, DateMention, Deployment, Event, Extraction, Place, Problem,
)

FORMAT = "newsmap-dataset"
DATASET_VERSION = 1
#: Table name -> the record it holds (``articles``: one row per Extraction).
TABLES: dict[str, type] = {
    "articles": Article, "places": Place, "actors": Actor, "events": Event,
    "deployments": Deployment, "problems": Problem, "dates": DateMention,
}
_SCALARS = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
            dt.date: pa.date32()}
MANIFEST = "manifest.json"
#: The run holding the dataset and the batch numbers it has handed out.
RUN = "_run.json"


class DatasetError(DashboardError):
    """A folder that is not a dataset this version can write, or one another run holds."""


class DatasetBusy(DatasetError):
    """Another run holds the dataset (its lock): try again when it has finished."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One article of a batch, as its manifest lists it."""

    article_id: str
    content_sha256: str
    path: str = ""


@dataclass(frozen=True, slots=True)
class Batch:
    """A committed batch: its number, folder and articles."""

    seq: int
    folder: Path
    entries: tuple[Entry, ...]


# ------------------------------------------------------------------------- schema from records
def _arrow_type(hint: Any) -> pa.DataType:
    """The Arrow type of a record field's annotation (``X | None`` is nullable X)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            return _arrow_type(inner[0])
    if origin is tuple:
        items = {a for a in args if a is not Ellipsis}
        if len(items) == 1:
            return pa.list_(_arrow_type(items.pop()))
    if hint in _SCALARS:
        return _SCALARS[hint]
    raise TypeError(f"no Parquet column type for a record field annotated {hint!r}")


def record_columns(cls: type) -> tuple[tuple[str, pa.DataType], ...]:
    """(field, Arrow type) of every field of a record dataclass, in order."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _arrow_type(hints[f.name])) for f in dataclasses.fields(cls))


@functools.cache
def _fields(table: str) -> tuple[tuple[str, str, pa.DataType], ...]:
    """(column, record field, type) of a table; ``article_id`` and the hash are not fields."""
    out = [(name, name, kind) for name, kind in record_columns(TABLES[table])]
    if table == "articles":
        return (("article_id", "id", pa.string()), ("content_sha256", "", pa.string()),
                *(c for c in out if c[0] != "id"))
    return (("article_id", "", pa.string()), *out)


@functools.cache
def schema(table: str) -> pa.Schema:
    """The Arrow schema of one table, derived from its record's dataclass fields."""
    return pa.schema([(column, kind) for column, _, kind in _fields(table)])


def describe() -> dict[str, list[list[str]]]:
    """Every table's columns and types, as ``_meta.json`` records them."""
    return {name: [[f.name, str(f.type)] for f in schema(name)] for name in TABLES}


def content_hash(text: str) -> str:
    """The SHA-256 of an article's text: what tells a changed article from an unchanged one."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------------------- records to rows
def _rows(table: str, items: Sequence[tuple[Extraction, str]]) -> pa.Table:
    """One column at a time (a comprehension per field), not one row at a time: the rows of
    a batch are some ten thousand records."""
    if table == "articles":
        records = [ex.article for ex, _ in items]
        ids, digests = [r.id for r in records], [digest for _, digest in items]
    else:
        records, ids = [], []
        for extraction, _ in items:
            found = getattr(extraction, table)
            records += found
            ids += [extraction.article.id] * len(found)
    arrays = []
    for name, field_name, kind in _fields(table):
        if name == "article_id":
            values = ids
        elif name == "content_sha256":
            values = digests
        else:
            values = list(map(operator.attrgetter(field_name), records))
        arrays.append(pa.array(values, type=kind))
    return pa.Table.from_arrays(arrays, schema=schema(table))


# ---------------------------------------------------------------------------- writing batches
def write_batch(root: Path, seq: int, items: Sequence[tuple[Extraction, str]], *,
                still_wanted: Callable[[], bool] = lambda: True) -> Batch:
    """Write the extractions (each with its content hash) as batch ``seq``, atomically.

    ``still_wanted`` is asked just before the commit: a worker whose run has died answers
    False and its batch is dropped rather than committed behind the next run's back.
    """
    entries = tuple(Entry(ex.article.id, digest, ex.article.path) for ex, digest in items)
    # Rows in article id order (each article's records in their own order): a row group then
    # spans a narrow range of ids, and its statistics let a reader of a few articles skip it.
    ordered = sorted(items, key=lambda item: item[0].article.id)
    tables = {name: _rows(name, ordered) for name in TABLES}
    return _commit(Path(root), seq, tables, entries, still_wanted)


def _commit(root: Path, seq: int, tables: dict[str, pa.Table], entries: tuple[Entry, ...],
            still_wanted: Callable[[], bool] = lambda: True) -> Batch:
    work = root / "_tmp" / f"{seq:08d}-{uuid.uuid4().hex}"
    work.mkdir(parents=True)
    for name, table in tables.items():
        pq.write_table(table, work / f"{name}.parquet", compression="zstd",
                       row_group_size=_group_rows(table.num_rows, len(entries)))
    manifest = {"seq": seq, "articles": [dataclasses.astuple(e) for e in entries],
                "rows": {name: table.num_rows for name, table in tables.items()}}
    (work / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _flush(work)
    if not still_wanted():
        shutil.rmtree(work, ignore_errors=True)
        raise DatasetError(f"batch {seq} dropped: the run that asked for it is gone")
    target = root / "batches" / f"{seq:08d}"
    os.rename(work, target)  # the commit: the whole folder appears at once
    _fsync_dir(target.parent)
    return Batch(seq, target, entries)


#: Articles per Parquet row group: reading a few articles back (``read_articles``, the
#: details panel's highlights) decodes only the row groups whose article ids can match.
GROUP_ARTICLES = 64


def _group_rows(rows: int, articles: int) -> int:
    """Rows per row group for about ``GROUP_ARTICLES`` articles' records (rows are in
    article order)."""
    return max(256, -(-rows * GROUP_ARTICLES // max(1, articles)))


def _flush(folder: Path) -> None:
    """Files and folder on disk before the rename, so a committed batch survives a crash."""
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# ------------------------------------------------------------------------ reading the dataset
def batches(root: Path) -> tuple[Batch, ...]:
    """The committed batches, oldest first."""
    folder = Path(root) / "batches"
    if not folder.is_dir():
        return ()
    found = []
    for path in sorted(folder.iterdir()):
        manifest = path / MANIFEST
        if path.name.isdigit() and manifest.is_file():
            stat = manifest.stat()
            found.append(_batch(path, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found, key=lambda b: b.seq))


@functools.lru_cache(maxsize=4096)
def _batch(path: Path, mtime_ns: int, size: int) -> Batch:
    """A committed batch's manifest, read once (committed batches never change; the file's
    time and size are in the key all the same)."""
    data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    return Batch(int(path.name), path, tuple(Entry(*e) for e in data["articles"]))


def current(found: Iterable[Batch]) -> dict[str, tuple[int, str]]:
    """Article id -> (batch, content hash) of the newest batch listing it."""
    newest: dict[str, tuple[int, str]] = {}
    for batch in sorted(found, key=lambda b: b.seq):
        for entry in batch.entries:
            newest[entry.article_id] = (batch.seq, entry.content_sha256)
    return newest


def signature(root: Path) -> tuple[str, ...]:
    """The committed batch folders: what changes when the dataset does (batches are immutable)."""
    folder = Path(root) / "batches"
    return tuple(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else ()


def is_dataset(path: Path) -> bool:
    return (Path(path) / "_meta.json").is_file()


def iter_extractions(root: Path) -> Iterator[Extraction]:
    """Every current article of the dataset as an ``Extraction``, batch by batch."""
    for batch, keep in current_batches(root):
        yield from _read_batch(batch.folder, list(keep))


def current_batches(root: Path) -> Iterator[tuple[Batch, tuple[str, ...]]]:
    """Each committed batch with the ids of the articles whose current rows it holds."""
    found = batches(root)
    newest = current(found)
    for batch in found:
        keep = tuple(e.article_id for e in batch.entries if newest[e.article_id][0] == batch.seq)
        if keep:
            yield batch, keep


def batch_extractions(batch: Batch, keep: Sequence[str]) -> tuple[Extraction, ...]:
    """The articles ``keep`` of one batch as extractions."""
    return tuple(_read_batch(batch.folder, list(keep)))


def read_articles(root: Path, ids: Iterable[str]) -> tuple[Extraction, ...]:
    """Only the articles ``ids`` (those the dataset holds), reading only their rows."""
    wanted = set(ids)
    out = []
    for batch, keep in current_batches(root):
        mine = [article_id for article_id in keep if article_id in wanted]
        if mine:
            out += _read_batch(batch.folder, mine, only=mine)
    return tuple(out)


def read_extractions(root: Path) -> tuple[Extraction, ...]:
    """Every current article of the dataset, sorted by article id."""
    return tuple(sorted(iter_extractions(root), key=lambda ex: ex.article.id))


def _read_batch(folder: Path, keep: list[str],
                only: Sequence[str] | None = None) -> Iterator[Extraction]:
    grouped = {name: _grouped(name, folder / f"{name}.parquet", only) for name in TABLES}
    for article_id in keep:
        (article,) = grouped["articles"][article_id]
        parts = {name: tuple(grouped[name].get(article_id, ())) for name in TABLES
                 if name != "articles"}
        yield Extraction(article=article, **parts)


def _some_rows(path: Path, only: Sequence[str]) -> pa.Table:
    """The rows of the articles ``only``: only the row groups whose article id range can
    hold one of them are decoded (by the ranges the file's statistics give)."""
    wanted = sorted(set(only))
    stat = path.stat()
    chosen = [group for group, (low, high) in enumerate(_id_ranges(path, stat.st_mtime_ns,
                                                                   stat.st_size))
              if low is None or bisect.bisect_left(wanted, low) < bisect.bisect_right(wanted,
                                                                                        high)]
    rows = pq.ParquetFile(path).read_row_groups(chosen)
    return rows.filter(pc.is_in(rows["article_id"], value_set=pa.array(wanted)))


@functools.lru_cache(maxsize=4096)
def _id_ranges(path: Path, mtime_ns: int, size: int) -> tuple[tuple[Any, Any], ...]:
    """(lowest, highest) article id of each row group of a committed file ((None, None)
    where the file has no statistics: always read)."""
    meta = pq.ParquetFile(path).metadata
    column = meta.schema.to_arrow_schema().get_field_index("article_id")
    out = []
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(column).statistics
        known = stats is not None and stats.has_min_max
        out.append((stats.min, stats.max) if known else (None, None))
    return tuple(out)


def _grouped(table: str, path: Path, only: Sequence[str] | None = None) -> dict[str, list[Any]]:
    """Article id -> its records of one table, in file order (of the articles ``only``, if
    given). Columns the file lacks (written before a field existed) take the field's default;
    columns it has in excess are ignored."""
    rows = _some_rows(path, only) if only else pq.read_table(path)
    data = rows.to_pydict()
    ids = data["article_id"]
    known = [(field_name, data[name], pa.types.is_list(kind))
             for name, field_name, kind in _fields(table) if field_name and name in data]
    cls = TABLES[table]
    out: dict[str, list[Any]] = {}
    for row, article_id in enumerate(ids):
        values = {name: _tuples(col[row]) if is_list else col[row]
                  for name, col, is_list in known}
        out.setdefault(article_id, []).append(cls(**values))
    return out


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


# --------------------------------------------------------------------- a run's hold on a folder
@dataclass(slots=True)
class Writer:
    """The open dataset of one run: what is there, the next batch number, the run's token."""

    root: Path
    known: dict[str, tuple[int, str]]
    next_seq: int
    run: str = ""

    def take_seq(self) -> int:
        seq, self.next_seq = self.next_seq, self.next_seq + 1
        return seq

    def reserve(self) -> None:
        """Record this run's token and how far it has numbered batches: a later run starts
        beyond, and a worker of this run, should it outlive it, sees it is no longer current."""
        _replace_text(self.root / RUN, json.dumps({"run": self.run, "next_seq": self.next_seq}))


def is_current_run(root: Path, run: str) -> bool:
    """Whether ``run`` still holds the dataset: asked by a worker just before it commits."""
    return _read_run(Path(root)).get("run") == run


def _read_run(root: Path) -> dict[str, Any]:
    try:
        return json.loads((root / RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def open_for_writing(root: Path) -> Iterator[Writer]:
    """Hold the dataset for one run: lock it, take over from any earlier run, clear what a
    killed run left half-written, compact; compact again when the run ends."""
    root = Path(root)
    _prepare(root)
    with (root / ".lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatasetBusy(f"another run is writing the dataset {root}") from None
        writer = Writer(root, {}, int(_read_run(root).get("next_seq", 1)), uuid.uuid4().hex)
        writer.reserve()  # from here on, a batch of an earlier run is not committed
        shutil.rmtree(root / "_tmp", ignore_errors=True)
        (root / "_tmp").mkdir()
        (root / "batches").mkdir(exist_ok=True)
        compact(writer)
        yield writer
        compact(writer)
        writer.reserve()


def add_articles(root: Path, extractions: Iterable[Extraction]) -> tuple[Extraction, ...]:
    """Write, as one new batch, the extractions whose text the dataset does not hold yet
    (by content hash) and whose id it does not use; return those written. How the dashboard
    keeps an uploaded article: every session, and the next server, reads it from here.
    Raises ``DatasetError`` while an extraction run holds the dataset."""
    root = Path(root)
    with open_for_writing(root) as writer:
        hashes = {digest for _, digest in writer.known.values()}
        new: dict[str, tuple[Extraction, str]] = {}
        for ex in extractions:
            digest = content_hash(ex.article.text)
            if digest not in hashes and ex.article.id not in writer.known:
                hashes.add(digest)
                new.setdefault(ex.article.id, (ex, digest))
        if new:
            seq = writer.take_seq()
            writer.reserve()
            write_batch(root, seq, list(new.values()),
                        still_wanted=lambda: is_current_run(root, writer.run))
    return tuple(ex for ex, _ in new.values())


def _replace_text(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _prepare(root: Path) -> None:
    """Create the folder and ``_meta.json``, or check an existing one is a dataset we can write."""
    meta = root / "_meta.json"
    if meta.is_file():
        found = json.loads(meta.read_text(encoding="utf-8"))
        if found.get("format") != FORMAT or found.get("version") != DATASET_VERSION:
            raise DatasetError(f"{root} is a {found.get('format')} version "
                               f"{found.get('version')} dataset; this newsmap writes "
                               f"{FORMAT} version {DATASET_VERSION}: extract into a new folder")
        if found.get("tables") == describe():
            return
    elif root.exists() and any(not p.name.startswith(".") for p in root.iterdir()):
        raise DatasetError(f"{root} is not empty and holds no newsmap dataset (no _meta.json)")
    root.mkdir(parents=True, exist_ok=True)
    _replace_text(meta, json.dumps({"format": FORMAT, "version": DATASET_VERSION,
                                    "tables": describe()}, indent=1))


def compact(writer: Writer, wanted: Callable[[str], bool] = lambda article_id: True) -> None:
    """Drop batches whose articles all have newer rows (or are not ``wanted``); rewrite those
    partly replaced (as a new, newest batch, then drop the old). Refreshes ``writer.known``
    and ``writer.next_seq``."""
    found = batches(writer.root)
    newest = current(found)
    writer.next_seq = max(writer.next_seq, max((b.seq for b in found), default=0) + 1)
    for batch in found:
        keep = [e for e in batch.entries
                if newest[e.article_id][0] == batch.seq and wanted(e.article_id)]
        if len(keep) == len(batch.entries):
            continue
        if keep:
            _rewrite(writer, batch, tuple(keep))
        _discard(writer.root, batch)
    writer.known = current(batches(writer.root))


def _rewrite(writer: Writer, batch: Batch, keep: tuple[Entry, ...]) -> None:
    wanted = pa.array([e.article_id for e in keep], type=pa.string())
    tables = {}
    for name in TABLES:
        table = pq.read_table(batch.folder / f"{name}.parquet")
        tables[name] = table.filter(pc.is_in(table["article_id"], value_set=wanted))
    _commit(writer.root, writer.take_seq(), tables, keep)


def _discard(root: Path, batch: Batch) -> None:
    """Out of ``batches/`` in one rename, then deleted: a reader never sees half a batch."""
    trash = root / "_tmp" / f"discard-{batch.folder.name}-{uuid.uuid4().hex}"
    os.rename(batch.folder, trash)
    shutil.rmtree(trash, ignore_errors=True)
