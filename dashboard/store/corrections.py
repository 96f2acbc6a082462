"""Analysts' corrections: kept in SQLite beside the data, applied to extractions on every load.

One row per correction: who, when, what (``KINDS``), the record it targets (the article's
content hash and the record's character span, which survive a re-extraction that gives the
records new ids), the value before and after (JSON text), and whether it was undone. Rows are
never deleted: an undo sets a flag, so the table is the whole history.

The database runs in WAL mode and every write is one ``BEGIN IMMEDIATE`` transaction on a
connection of its own, so several sessions or processes can write at once (each waits its
turn for up to ``TIMEOUT_S``) and a process killed mid-write leaves the last committed state.

Applying them (:func:`apply`) is pure: frozen records in, new records out. The latest active
correction of a record and a field wins.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.records import (DEPLOYMENT_STATUSES, EVENT_STATUSES, Deployment, Event,
                               Extraction, Place)

#: What a correction may change.
KINDS = ("place_choice", "not_a_place", "event_field", "deployment_field")
#: Fields of an event or a deployment a correction may set.
RECORD_FIELDS = ("date", "place", "status")
#: The file name beside the data (a dot file, so the folder's signature and the article
#: reader never see it).
FILE_NAME = ".corrections.sqlite"
ENV = "NEWSMAP_CORRECTIONS"
AUTHOR_ENV = "NEWSMAP_USER"
#: How long a writer waits for another's transaction before giving up.
TIMEOUT_S = 30.0
#: The place fields a ``place_choice`` sets (its ``after`` holds exactly these).
PLACE_FIELDS = ("name", "kind", "country_code", "admin1", "lat", "lon", "bbox", "geonameid",
                "precision", "geometry")
CSV_COLUMNS = ("id", "created", "author", "kind", "article_id", "article_hash", "start", "end",
               "surface", "field", "before", "after", "undone", "undone_at", "undone_by")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('place_choice', 'not_a_place', 'event_field',
                                       'deployment_field')),
    article_hash TEXT NOT NULL,
    article_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    surface TEXT NOT NULL DEFAULT '',
    field TEXT NOT NULL DEFAULT '',
    before TEXT NOT NULL DEFAULT 'null',
    after TEXT NOT NULL DEFAULT 'null',
    undone INTEGER NOT NULL DEFAULT 0,
    undone_at TEXT NOT NULL DEFAULT '',
    undone_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS corrections_article ON corrections (article_hash);
"""


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction: ``before`` and ``after`` are JSON text (a place's fields, a date, a
    status, the span of the mention an event now happens at)."""

    kind: str
    article_hash: str
    start: int
    end: int
    after: str = "null"
    before: str = "null"
    field: str = ""
    article_id: str = ""
    surface: str = ""
    author: str = ""
    created: str = ""
    id: int = 0
    undone: bool = False
    undone_at: str = ""
    undone_by: str = ""


def article_hash(text: str) -> str:
    """The key of an article's content (its text's SHA-256), as the Parquet dataset keeps it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def default_path(seeds: Path, dataset: Path | None = None,
                 env: dict[str, str] | None = None) -> Path:
    """``$NEWSMAP_CORRECTIONS``, else beside the data: in a dataset folder or the seeds
    folder, or ``NAME.corrections.sqlite`` next to a dataset file."""
    env = os.environ if env is None else env
    if env.get(ENV):
        return Path(env[ENV]).expanduser()
    if dataset is not None:
        dataset = Path(dataset)
        return (dataset / FILE_NAME if dataset.is_dir()
                else dataset.with_name(f"{dataset.stem}.corrections.sqlite"))
    return Path(seeds) / FILE_NAME


def author_name(env: dict[str, str] | None = None) -> str:
    """Who the corrections of this process are by, when the page does not say."""
    env = os.environ if env is None else env
    return env.get(AUTHOR_ENV) or env.get("USER") or "analyst"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class CorrectionStore:
    """The corrections database at ``path`` (created on the first write).

    A connection per call: cheap next to a page rerun, and it makes the store safe to share
    between threads and to use from several processes.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    @contextlib.contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=TIMEOUT_S, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut, not just a kill
            con.executescript(_SCHEMA)
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a database that cannot be written (a read-only folder, a
        full disk, a lock held past ``TIMEOUT_S``) raises ``OSError``."""
        try:
            with self._connect(write=True) as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise OSError(f"cannot write the corrections in {self.path}: {exc}") from exc

    def add(self, correction: Correction) -> Correction:
        """Save a correction; returns it with its id, time and author."""
        _check(correction)
        saved = dataclasses.replace(correction, created=correction.created or now(),
                                    author=correction.author or author_name(), undone=False)
        with self._transaction() as con:
            cursor = con.execute(
                'INSERT INTO corrections (created, author, kind, article_hash, article_id, start, '
                '"end", surface, field, before, after) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
                (saved.created, saved.author, saved.kind, saved.article_hash, saved.article_id,
                 saved.start, saved.end, saved.surface, saved.field, saved.before, saved.after))
            return dataclasses.replace(saved, id=cursor.lastrowid)

    def undo(self, correction_id: int, author: str = "") -> bool:
        """Mark a correction undone; False when there is no active correction of that id."""
        with self._transaction() as con:
            cursor = con.execute(
                "UPDATE corrections SET undone = 1, undone_at = ?, undone_by = ? "
                "WHERE id = ? AND undone = 0", (now(), author or author_name(), correction_id))
            return cursor.rowcount == 1

    def all(self) -> tuple[Correction, ...]:
        """Every correction, undone ones too, oldest first (none when there is no file)."""
        if not self.path.exists():
            return ()
        try:
            with self._connect(write=False) as con:
                rows = con.execute(f"SELECT {', '.join(_quoted(CSV_COLUMNS))} FROM corrections "
                                   "ORDER BY id").fetchall()
        except sqlite3.Error as exc:
            raise OSError(f"cannot read the corrections in {self.path}: {exc}") from exc
        return tuple(_from_row(row) for row in rows)

    def active(self) -> tuple[Correction, ...]:
        return tuple(c for c in self.all() if not c.undone)

    def merge_into(self, other: CorrectionStore) -> int:
        """Copy this store's corrections that ``other`` lacks (same who, when, what and
        target) into ``other``, undo flags included; how many were copied."""
        have = {_identity(c) for c in other.all()}
        missing = [c for c in self.all() if _identity(c) not in have]
        if not missing:
            return 0
        with other._transaction() as con:
            con.executemany(
                f"INSERT INTO corrections ({', '.join(_quoted(CSV_COLUMNS[1:]))}) "
                f"VALUES ({', '.join('?' * (len(CSV_COLUMNS) - 1))})",
                [tuple(getattr(c, name) for name in CSV_COLUMNS[1:]) for c in missing])
        return len(missing)


def _quoted(columns: Sequence[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


def _identity(c: Correction) -> tuple:
    return (c.created, c.author, c.kind, c.article_hash, c.start, c.end, c.field, c.after)


def _from_row(row: tuple) -> Correction:
    values = dict(zip(CSV_COLUMNS, row))
    values["undone"] = bool(values["undone"])
    return Correction(**values)


def _check(correction: Correction) -> None:
    """Refuse what :func:`apply` could not honour, before it is saved."""
    if correction.kind not in KINDS:
        raise ValueError(f"unknown correction kind {correction.kind!r}; one of {KINDS}")
    if correction.kind.endswith("_field") and correction.field not in RECORD_FIELDS:
        raise ValueError(f"a {correction.kind} sets one of {RECORD_FIELDS}")
    after = json.loads(correction.after)
    json.loads(correction.before)
    if correction.field == "status":
        allowed = EVENT_STATUSES if correction.kind == "event_field" else DEPLOYMENT_STATUSES
        if after not in allowed:
            raise ValueError(f"status {after!r} is not one of {allowed}")
    if correction.field == "date" and after is not None:
        dt.date.fromisoformat(after)
    if correction.kind == "place_choice" and not (
            isinstance(after, dict) and set(after) == set(PLACE_FIELDS)):
        raise ValueError(f"a place choice sets exactly {PLACE_FIELDS}")


# ------------------------------------------------------------------------- making corrections
def place_fields(place: Place) -> str:
    """A place's located fields as the JSON a ``place_choice`` stores."""
    return json.dumps({name: getattr(place, name) for name in PLACE_FIELDS})


def choose_place(ex: Extraction, place: Place, chosen: Place, author: str = "") -> Correction:
    """Locate ``place`` as ``chosen`` (a Place holding the located fields of the new reading)."""
    return _about(ex, place, "place_choice", before=place_fields(place),
                  after=place_fields(chosen), author=author)


def not_a_place(ex: Extraction, place: Place, author: str = "") -> Correction:
    return _about(ex, place, "not_a_place", before=place_fields(place), after="null",
                  author=author)


def set_field(ex: Extraction, record: Event | Deployment, field: str, value: Any,
              author: str = "") -> Correction:
    """Set an event's or a deployment's ``date`` (a date or None), ``status``, or ``place``
    (a place mention of the same article, or None for no place)."""
    kind = "event_field" if isinstance(record, Event) else "deployment_field"
    before = _field_json(ex, record, field, getattr(record, field))
    return Correction(kind, article_hash(ex.article.text), record.start, record.end,
                      after=_field_json(ex, record, field, value), before=before, field=field,
                      article_id=ex.article.id, surface=record.sentence[:120], author=author)


def _field_json(ex: Extraction, record: Any, field: str, value: Any) -> str:
    if field == "date":
        return json.dumps(value.isoformat() if value else None)
    if field == "place":
        place = value if isinstance(value, Place) else next(
            (p for p in ex.places if p.id == value), None)
        return json.dumps(None if place is None else {
            "start": place.start, "end": place.end, "name": place.name or place.surface})
    return json.dumps(value)


def _about(ex: Extraction, place: Place, kind: str, *, before: str, after: str,
           author: str) -> Correction:
    return Correction(kind, article_hash(ex.article.text), place.start, place.end, after=after,
                      before=before, article_id=ex.article.id, surface=place.surface,
                      author=author)


# ------------------------------------------------------------------------------- applying them
def apply_all(extractions: Sequence[Extraction],
              corrections: Iterable[Correction]) -> tuple[Extraction, ...]:
    """Every extraction with its article's active corrections applied (others unchanged,
    the same objects)."""
    by_article: dict[str, list[Correction]] = {}
    for c in corrections:
        if not c.undone:
            by_article.setdefault(c.article_hash, []).append(c)
    if not by_article:
        return tuple(extractions)
    return tuple(apply(ex, by_article[h]) if (h := article_hash(ex.article.text)) in by_article
                 else ex for ex in extractions)


def apply(ex: Extraction, corrections: Iterable[Correction]) -> Extraction:
    """One extraction with those of ``corrections`` that are about it and active applied,
    oldest first (so the latest of a target wins)."""
    key = article_hash(ex.article.text)
    mine = sorted((c for c in corrections if c.article_hash == key and not c.undone),
                  key=lambda c: c.id)
    for correction in mine:
        ex = _APPLY[correction.kind](ex, correction)
    return ex


def _mention(places: Sequence[Place], start: int, end: int) -> Place | None:
    """The mention at a span: the exact one, else (the text around it was read differently)
    the one that overlaps it most."""
    best, overlap = None, 0
    for p in places:
        if (p.start, p.end) == (start, end):
            return p
        shared = min(p.end, end) - max(p.start, start)
        if shared > overlap:
            best, overlap = p, shared
    return best


def _apply_place_choice(ex: Extraction, c: Correction) -> Extraction:
    target = _mention(ex.places, c.start, c.end)
    if target is None:
        return ex
    fields = json.loads(c.after)
    fields["bbox"] = tuple(fields["bbox"]) if fields["bbox"] else None
    moved = target.but(**fields, confidence=1.0, literal=True, actor=None)
    places = tuple(moved if p is target else _follow(p, target.id, moved) for p in ex.places)
    ids = {target.id} | {p.id for p in ex.places if p.antecedent == target.id}
    note = f"place corrected by {c.author}"
    return dataclasses.replace(
        ex, places=places,
        events=tuple(_relocated(e, ids, moved, note) for e in ex.events),
        deployments=tuple(_relocated(d, ids, moved, note) for d in ex.deployments))


def _follow(place: Place, target_id: str, moved: Place) -> Place:
    """A mention that refers back to the corrected one ("the town") moves with it."""
    if place.antecedent != target_id:
        return place
    return place.but(**{name: getattr(moved, name) for name in PLACE_FIELDS})


def _relocated(record: Any, ids: set[str], moved: Place | None, note: str) -> Any:
    """A record at one of the mentions ``ids``, moved with them (or left with no place)."""
    if record.place not in ids:
        return record
    if moved is None:
        return dataclasses.replace(record, place=None, lat=None, lon=None, place_basis="",
                                   place_note=note)
    return dataclasses.replace(record, lat=moved.lat, lon=moved.lon, place_note=note)


def _apply_not_a_place(ex: Extraction, c: Correction) -> Extraction:
    target = _mention(ex.places, c.start, c.end)
    if target is None or (target.start, target.end) != (c.start, c.end):
        return ex  # removing a mention on a guess would be worse than keeping it
    note = f"no place: {target.surface!r} marked not a place by {c.author}"
    places = tuple(p.but(antecedent=None) if p.antecedent == target.id else p
                   for p in ex.places if p is not target)
    return dataclasses.replace(
        ex, places=places,
        events=tuple(_relocated(e, {target.id}, None, note) for e in ex.events),
        deployments=tuple(_relocated(d, {target.id}, None, note) for d in ex.deployments))


def _apply_record_field(ex: Extraction, c: Correction) -> Extraction:
    name = "events" if c.kind == "event_field" else "deployments"
    records = getattr(ex, name)
    spanned = [r for r in records if (r.start, r.end) == (c.start, c.end)]
    # Records of one span (rare: merged repeats, hand-made data) are told apart by sentence.
    target = next((r for r in spanned if r.sentence[:120] == c.surface),
                  spanned[0] if spanned else None)
    if target is None:
        return ex
    changed = _set(ex, target, c)
    return dataclasses.replace(ex, **{name: tuple(changed if r is target else r
                                                  for r in records)})


def _set(ex: Extraction, record: Any, c: Correction) -> Any:
    value = json.loads(c.after)
    note = f"{c.field} corrected by {c.author}"
    if c.field == "status":
        return dataclasses.replace(record, status=value)
    if c.field == "date":
        day = dt.date.fromisoformat(value) if value else None
        extra = {"date_precision": "day" if day else "", "date_qualifier": ""} if isinstance(
            record, Event) else {}
        return dataclasses.replace(record, date=day, date_basis="stated" if day else "",
                                   date_note=note, **extra)
    place = _mention(ex.places, value["start"], value["end"]) if value else None
    if place is None:
        return dataclasses.replace(record, place=None, lat=None, lon=None, place_basis="",
                                   place_note=note)
    return dataclasses.replace(record, place=place.id, lat=place.lat, lon=place.lon,
                               place_basis="stated", place_note=note)


_APPLY = {"place_choice": _apply_place_choice, "not_a_place": _apply_not_a_place,
          "event_field": _apply_record_field, "deployment_field": _apply_record_field}


# ------------------------------------------------------------------------------------ exports
def to_csv(corrections: Iterable[Correction]) -> str:
    """Every correction as CSV (``CSV_COLUMNS``), for the downloads and ``extract``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for c in corrections:
        writer.writerow([getattr(c, name) for name in CSV_COLUMNS])
    return out.getvalue()


def to_json(corrections: Iterable[Correction]) -> str:
    """Every correction as a JSON array, ``before`` and ``after`` decoded."""
    rows = []
    for c in corrections:
        row = {name: getattr(c, name) for name in CSV_COLUMNS}
        row["before"], row["after"] = json.loads(c.before), json.loads(c.after)
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, indent=1)


def describe(c: Correction) -> str:
    """The correction in words, for the table ("place → Mitrovica (XK)")."""
    after = json.loads(c.after)
    if c.kind == "not_a_place":
        return "not a place"
    if c.kind == "place_choice":
        return f"place → {after['name']} ({after['country_code'] or after['kind']})"
    if c.field == "place":
        return f"place → {after['name'] if after else 'none'}"
    return f"{c.field} → {after if after is not None else 'none'}"
