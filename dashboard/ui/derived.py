"""A Parquet dataset's dashboard tables, derived once per batch into a cache, and the Store over them.

The dashboard's five tables (``tables.build``: events, deployments, places, problems,
articles, with locations resolved and actor names spelled out) are worked out from the
dataset's records one committed batch at a time and written as Parquet under the cache
(``$NEWSMAP_CACHE``, else ``$XDG_CACHE_HOME/newsmap``, else ``~/.cache/newsmap``)::

    derived/<dataset path hash>-v<DERIVED_VERSION>/<batch>-<articles hash>/<table>.parquet

Committed batches never change, so a folder, once written (atomically: a temporary folder
renamed), is good for as long as its batch holds those articles; a new batch (another
extraction run, an upload) costs only its own articles. Memory stays at one batch's frames.

The batches' tables are then *consolidated* into one DuckDB database beside them
(:func:`database`: ``tables-<hash>.duckdb``, each table sorted for its reads, with a
``.json`` naming the batches it holds), which the Store reads instead of the Parquet files: far
less CPU per query and memory kept in DuckDB's buffer pool. Batches added later (an upload, a
new extraction run) are read from their Parquet files beside it until more than
``MAX_LOOSE`` of them wait; then the database is made anew.

Corrections are applied on top (:func:`store`): the corrected articles are read back, fixed
with ``corrections.apply_all`` and their tables stand in for the cached rows (an overlay).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from dashboard.records import Extraction
from dashboard.store import corrections as corr
from dashboard.store import dataset, query
from dashboard.ui import highlight, tables

CACHE_ENV = "NEWSMAP_CACHE"
#: Batches read from their Parquet files beside a consolidated database before it is remade.
MAX_LOOSE = 4
#: What a consolidated database's layout depends on: another value makes it anew.
_FORMAT = hashlib.sha1(repr((query.SCHEMAS, query.SORT, query.AT_PLACE,
                                query.LAYOUT)).encode()
                       ).hexdigest()[:8]


def cache_root(env: dict[str, str] | None = None) -> Path:
    """Where derived files are kept."""
    env = os.environ if env is None else env
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "newsmap"


def folder_for(root: Path, cache: Path) -> Path:
    """The cache folder of one dataset (by its resolved path) and derived version."""
    token = hashlib.sha1(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return cache / "derived" / f"{token}-v{query.DERIVED_VERSION}"


def frames_of(extractions: Sequence[Extraction]) -> dict[str, object]:
    """The dashboard's tables of some extractions, by table name; each record's row with its
    ``snippet`` (what the details panel shows of its sentence, marks included), so that the
    panel needs no article read back."""
    frames = tables.build(extractions)
    marks = {ex.article.id: (ex.article.text, highlight.marks_for(ex)) for ex in extractions}
    out = {name: getattr(frames, name) for name in query.TABLES}
    for name in query.SNIPPETS:
        out[name] = out[name].assign(snippet=_snippets(out[name], marks))
    return out


def _snippets(frame, marks: dict[str, tuple[str, tuple[highlight.Mark, ...]]]) -> list:
    """Each row's snippet as JSON (None where its sentence is not in its article's text)."""
    found = []
    for article_id, sentence, start in zip(frame["article_id"], frame["sentence"],
                                           frame["start"]):
        text, article_marks = marks[article_id]
        one = highlight.snippet(text, sentence or "", int(start), article_marks)
        found.append(None if one is None else one.dumps(sentence or ""))
    return found


def ensure(root: Path, cache: Path | None = None,
           progress: Callable[[int, int], None] | None = None, *,
           consolidate: bool = True) -> dict[str, list[Path]]:
    """Derive every current batch not derived yet; the derived files of each table.
    ``progress(done, total)`` is called after each batch. Then (unless ``consolidate`` is
    false) make their consolidated database if it is missing or too far behind
    (:func:`database`), so that the first store does not pay for it."""
    home = folder_for(root, cache or cache_root())
    current = list(dataset.current_batches(root))
    files: dict[str, list[Path]] = {name: [] for name in query.TABLES}
    for done, (batch, keep) in enumerate(current, 1):
        token = hashlib.sha1("\n".join(keep).encode()).hexdigest()[:10]
        target = home / f"{batch.folder.name}-{token}"
        if not (target / "done").is_file():
            _derive(target, dataset.batch_extractions(batch, keep))
        for name in query.TABLES:
            files[name].append(target / f"{name}.parquet")
        if progress:
            progress(done, len(current))
    if consolidate:
        database(files)
    return files


def _derive(target: Path, extractions: Sequence[Extraction]) -> None:
    """Write the batch's tables in a temporary folder, then rename it into place."""
    work = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    work.mkdir(parents=True)
    try:
        for name, frame in frames_of(extractions).items():
            query.write_table(frame, name, work / f"{name}.parquet")
        (work / "done").write_text("", encoding="utf-8")
        try:
            os.rename(work, target)
        except OSError:  # another process derived it meanwhile: theirs is as good
            if not (target / "done").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def corrected(root: Path, active: Iterable[corr.Correction]
              ) -> tuple[tuple[str, ...], tuple[Extraction, ...]]:
    """The ids of the dataset's articles the corrections touch, and those articles fixed."""
    active = tuple(active)
    touched = {c.article_hash for c in active}
    if not touched:
        return (), ()
    ids = tuple(sorted(article_id for article_id, (_, digest) in
                       dataset.current(dataset.batches(root)).items() if digest in touched))
    return ids, tuple(corr.apply_all(dataset.read_articles(root, ids), active))


def database(files: dict[str, list[Path]]) -> tuple[Path | None, dict[str, list[Path]]]:
    """The consolidated database of the batches of ``files`` (made now if there is none, or
    if more than ``MAX_LOOSE`` batches are missing from it), and the files of the batches it
    does not hold."""
    folders = list(dict.fromkeys(path.parent for paths in files.values() for path in paths))
    if not folders:
        return None, files
    home, names = folders[0].parent, {folder.name for folder in folders}
    best: tuple[Path, set[str]] | None = None
    for meta in sorted(home.glob("tables-*.json")):
        made, path = _made(meta), meta.with_suffix(".duckdb")
        held = set(made.get("batches", ()))
        if (made.get("format") == _FORMAT and held <= names and path.is_file()
                and (best is None or len(held) > len(best[1]))):
            best = path, held
    if best is None or len(names - best[1]) > MAX_LOOSE:
        best = _consolidate(home, files, names)
    path, held = best
    return path, {table: [p for p in paths if p.parent.name not in held]
                  for table, paths in files.items()}


def _made(meta: Path) -> dict:
    """What a database's ``.json`` says (its format and batches); {} if unreadable."""
    try:
        made = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return made if isinstance(made, dict) else {}


def _consolidate(home: Path, files: dict[str, list[Path]], names: set[str]
                 ) -> tuple[Path, set[str]]:
    """Write the database of every batch in ``files``; drop the ones it supersedes."""
    token = hashlib.sha1("\n".join([*sorted(names), _FORMAT]).encode()).hexdigest()[:12]
    path = home / f"tables-{token}.duckdb"
    if not path.is_file():
        query.consolidate(files, path)
    meta = path.with_suffix(".json")
    work = meta.with_name(f".{meta.name}.{uuid.uuid4().hex}")
    work.write_text(json.dumps({"format": _FORMAT, "batches": sorted(names)}),
                    encoding="utf-8")
    os.replace(work, meta)
    for other in home.glob("tables-*.json"):
        if other != meta and set(_made(other).get("batches", ())) <= names:
            other.unlink(missing_ok=True)  # an open store keeps reading its unlinked file
            other.with_suffix(".duckdb").unlink(missing_ok=True)
    return path, names


def store(files: dict[str, list[Path]], fixed: Sequence[Extraction] = (),
          replaced: Iterable[str] = (), *, consolidated: bool = True,
          **options) -> query.Store:
    """The Store over the derived files (through their consolidated database unless
    ``consolidated`` is false), with the ``fixed`` articles' tables instead of the cached
    rows of ``replaced`` (their ids)."""
    overlay = frames_of(fixed) if fixed else None
    path, loose = database(files) if consolidated else (None, files)
    return query.Store(loose, database=path, overlay=overlay, replaced=replaced, **options)
