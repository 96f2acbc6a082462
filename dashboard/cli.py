"""The ``extract`` command: article files or folders in, JSON / JSON Lines / GeoJSON / CSV out,
or a Parquet dataset (``-o DATASET/``) written by the local engine or by Dask.

Output is written as each article is done, so a folder of any size streams in bounded memory.
A file that cannot be read is reported on stderr (naming the file) and in the output as an
Extraction with an ``unreadable`` problem; the others go on; the exit code is 1 if any failed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from dashboard import crossref, engine
from dashboard.extract.pipeline import extract_paths, failed
from dashboard.progress import Progress
from dashboard.records import Extraction
from dashboard.store import corrections as corr

FORMATS = ("json", "jsonl", "geojson", "csv", "parquet")
#: Columns of the CSV output: one row per event and per deployment.
CSV_COLUMNS = (
    "article_id", "record", "id", "type", "status", "date", "date_precision", "date_qualifier",
    "actors", "unit", "strength", "strength_qualifier", "strength_text", "place", "place_name",
    "country_code", "precision", "lat", "lon", "place_basis", "place_note", "date_basis",
    "date_note", "summary", "sentence", "start", "end", "mentions",
)
#: Columns the CSV output gains with ``--merge-events``: filled on its ``merged_event`` rows.
MERGED_CSV_COLUMNS = (
    "last_date", "num_reports", "num_articles", "num_sources", "members", "sources",
    "explanation",
)
#: Formats that can carry the merged events (after the extractions, so output still streams).
MERGE_FORMATS = ("json", "geojson", "csv")


def add_extract_parser(commands: Any) -> argparse.ArgumentParser:
    """Register ``extract`` on an ``add_subparsers()`` object."""
    parser = commands.add_parser(
        "extract", help="extract places, actors, events and deployments from articles",
        description="Extract places, actors, dated events and troop deployments from article "
                    "files (a folder means its *.txt files).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="json: an array of extractions; jsonl: one extraction per line; "
                             "geojson: a FeatureCollection of located places, events and "
                             "deployments; csv: one row per event and deployment; parquet: a "
                             "dataset folder (the default when -o ends with / or is a folder, "
                             "and with --engine dask)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here instead of stdout (a folder for parquet)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="processes to use (each opens its own gazetteer)")
    parser.add_argument("--engine", choices=engine.ENGINES, default="local",
                        help="parquet only: local (a loop, or a process pool with --workers) "
                             "or dask (a LocalCluster of --workers processes, or --scheduler)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="with --engine dask: use this running Dask cluster as it is")
    parser.add_argument("--batch-size", type=int, default=0, metavar="N",
                        help=f"parquet only: articles per batch (default: about 8 batches "
                             f"per worker, at most {engine.MAX_BATCH})")
    parser.add_argument("--no-progress", action="store_true",
                        help="parquet only: no progress line on stderr")
    add_merge_options(parser)
    parser.add_argument("--corrections", metavar="FILE.sqlite",
                        help="the analysts' corrections to apply (default: $NEWSMAP_CORRECTIONS, "
                             "else the one in the folder given, if any); with -o FILE they are "
                             "also written to FILE.corrections.json, and into a Parquet "
                             "dataset's own corrections file")
    parser.set_defaults(run=run_extract)
    return parser


def run_extract(args: argparse.Namespace, *, geocoder: Any = None) -> int:
    """Run the command; 0 when every article was read, 1 otherwise."""
    fmt = args.format or ("parquet" if args.engine == "dask" or _names_folder(args.output)
                          else "json")
    if fmt == "parquet":
        return run_dataset(args, geocoder=geocoder)
    if args.engine != "local" or args.scheduler:
        print("newsmap extract: --engine dask and --scheduler write a Parquet dataset: "
              "give -o DATASET/", file=sys.stderr)
        return 2
    failures = 0

    def checked(items: Iterable[Extraction]) -> Iterator[Extraction]:
        nonlocal failures
        for extraction in items:
            if failed(extraction):
                failures += 1
                for problem in extraction.problems:
                    name = extraction.article.path or extraction.article.id
                    print(f"newsmap extract: {name}: {problem.message}", file=sys.stderr)
            yield extraction

    if args.merge_events and fmt not in MERGE_FORMATS:
        print(f"newsmap extract: --merge-events needs --format {', '.join(MERGE_FORMATS)}",
              file=sys.stderr)
        return 2
    items = checked(extract_paths(args.paths, geocoder=geocoder, workers=max(1, args.workers)))
    store = corrections_store(args)
    if store is not None:
        items = corrected(items, store, args.output)
    with _opened(args.output) as out:
        if args.merge_events:
            write_merged(fmt, items, out, crossref.MergeRules(args.merge_km, args.merge_days))
        else:
            WRITERS[fmt](items, out)
    return 1 if failures else 0


def corrections_store(args: argparse.Namespace) -> corr.CorrectionStore | None:
    """The corrections ``--corrections`` or the environment names, else those kept in the one
    folder being read; None when there are none."""
    named = args.corrections or os.environ.get(corr.ENV)
    if named:
        return corr.CorrectionStore(named)
    if len(args.paths) == 1 and os.path.isdir(args.paths[0]):
        found = corr.default_path(args.paths[0], env={})
        return corr.CorrectionStore(found) if found.exists() else None
    return None


def corrected(items: Iterable[Extraction], store: corr.CorrectionStore,
              output: str | None) -> Iterator[Extraction]:
    """The extractions with the active corrections applied; with an output file, the
    corrections themselves go beside it (FILE.corrections.json), undone ones included."""
    every = store.all()
    active = tuple(c for c in every if not c.undone)
    if output:
        with open(f"{output}.corrections.json", "w", encoding="utf-8") as out:
            out.write(corr.to_json(every))
    print(f"newsmap extract: applying {len(active):,} correction(s) from {store.path}",
          file=sys.stderr)
    for extraction in items:
        yield corr.apply(extraction, active) if active else extraction


def _names_folder(output: str | None) -> bool:
    return bool(output) and (output.endswith(("/", os.sep)) or os.path.isdir(output))


def run_dataset(args: argparse.Namespace, *, geocoder: Any = None) -> int:
    """Extract the new and changed articles into the dataset folder ``-o``."""
    if not args.output:
        print("newsmap extract: a Parquet dataset needs a folder: -o DATASET/", file=sys.stderr)
        return 2
    if args.scheduler and args.engine != "dask":
        print("newsmap extract: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    if args.merge_events:
        print("newsmap extract: --merge-events needs --format json, geojson or csv (the "
              "dashboard merges a dataset's events when it opens it)", file=sys.stderr)
        return 2
    bar: list[Progress] = []

    def on_plan(plan: engine.Plan) -> None:
        print(f"newsmap extract: {plan.articles:,} to extract, {plan.skipped:,} unchanged, "
              f"{len(plan.tasks):,} batches", file=sys.stderr)
        if plan.articles and not args.no_progress:
            bar.append(Progress(plan.articles))

    try:
        summary = engine.extract_to_dataset(
            args.paths, args.output, engine=args.engine, workers=max(1, args.workers),
            scheduler=args.scheduler, batch_size=max(0, args.batch_size), geocoder=geocoder,
            progress=lambda n: bar and bar[0](n), on_plan=on_plan)
    except KeyboardInterrupt:
        print("\nnewsmap extract: interrupted; the batches written are kept: run the same "
              "command again to extract the rest", file=sys.stderr)
        return 130
    if bar:
        bar[0].close()
    store = corrections_store(args)
    if store is not None:  # the dataset keeps its records as extracted; the app applies these
        kept = store.merge_into(corr.CorrectionStore(corr.default_path(
            args.output, Path(args.output), env={})))
        print(f"newsmap extract: {kept:,} correction(s) copied into the dataset",
              file=sys.stderr)
    for path in summary.duplicates:
        print(f"newsmap extract: {path}: an earlier file has the same article id; skipped",
              file=sys.stderr)
    for path, message in summary.failures:
        print(f"newsmap extract: {path}: {message}", file=sys.stderr)
    print(f"newsmap extract: {summary.extracted:,} extracted, {summary.skipped:,} unchanged "
          f"into {args.output} in {summary.seconds:.1f} s", file=sys.stderr)
    return 1 if summary.failures else 0


@contextlib.contextmanager
def _opened(path: str | None) -> Iterator[IO[str]]:
    if not path:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


def write_json(items: Iterable[Extraction], out: IO[str]) -> None:
    """A JSON array of ``Extraction.to_dict()`` objects, written one article at a time."""
    out.write("[")
    for index, extraction in enumerate(items):
        out.write(",\n" if index else "\n")
        json.dump(extraction.to_dict(), out, ensure_ascii=False)
    out.write("\n]\n")


def write_jsonl(items: Iterable[Extraction], out: IO[str]) -> None:
    """One ``Extraction.to_dict()`` per line."""
    for extraction in items:
        out.write(json.dumps(extraction.to_dict(), ensure_ascii=False) + "\n")


def write_geojson(items: Iterable[Extraction], out: IO[str],
                  after: Callable[[], Iterable[dict | None]] = tuple) -> None:
    """A FeatureCollection: every located place, event and deployment as a Point feature
    (then the features ``after()`` gives, once the items are written)."""
    out.write('{"type": "FeatureCollection", "features": [')
    first = True
    for feature in _chained((f for ex in items for f in features(ex)), after):
        if feature is None:
            continue
        out.write("\n" if first else ",\n")
        json.dump(feature, out, ensure_ascii=False)
        first = False
    out.write("\n]}\n")


def _chained(first: Iterable, then: Callable[[], Iterable]) -> Iterator:
    """``first``, then ``then()``, called only once ``first`` is used up."""
    yield from first
    yield from then()


def features(extraction: Extraction) -> Iterator[dict[str, Any]]:
    """GeoJSON features of one extraction (records without coordinates are left out)."""
    article = extraction.article.id
    places = {p.id: p for p in extraction.places}
    actors = {a.id: a.name for a in extraction.actors}
    for place in extraction.places:
        if place.resolved:
            yield _feature("place", article, place.lon, place.lat, {
                "id": place.id, "surface": place.surface, "name": place.name, "kind": place.kind,
                "country_code": place.country_code, "precision": place.precision,
                "confidence": place.confidence, "literal": place.literal,
                "actor": place.actor, "antecedent": place.antecedent, "bbox": place.bbox})
    for event in extraction.events:
        if event.lat is not None and event.lon is not None:
            yield _feature("event", article, event.lon, event.lat, {
                "id": event.id, "type": event.type, "status": event.status,
                "date": _iso(event.date), "date_precision": event.date_precision,
                "actors": [actors.get(a, a) for a in event.actors], "place": event.place,
                "place_name": _place_name(places, event.place), "summary": event.summary})
    for dep in extraction.deployments:
        if dep.lat is not None and dep.lon is not None:
            yield _feature("deployment", article, dep.lon, dep.lat, {
                "id": dep.id, "unit": dep.unit, "actor": actors.get(dep.actor, dep.actor),
                "status": dep.status, "strength": dep.strength,
                "strength_qualifier": dep.strength_qualifier, "strength_text": dep.strength_text,
                "date": _iso(dep.date), "place": dep.place,
                "place_name": _place_name(places, dep.place)})


def _feature(record: str, article: str, lon: float, lat: float, props: dict) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"record": record, "article_id": article, **props}}


def _place_name(places: dict, place_id: str | None) -> str:
    place = places.get(place_id) if place_id else None
    return (place.name or place.surface) if place else ""


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def write_csv(items: Iterable[Extraction], out: IO[str],
              after: Callable[[], Iterable[dict]] | None = None) -> None:
    """One row per event and per deployment (columns: ``CSV_COLUMNS``); with ``after``, the
    rows it gives once the items are written, under ``MERGED_CSV_COLUMNS`` too."""
    columns = CSV_COLUMNS + (MERGED_CSV_COLUMNS if after else ())
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for extraction in items:
        writer.writerows(rows(extraction))
    if after is not None:
        writer.writerows(after())


def rows(extraction: Extraction) -> Iterator[dict[str, Any]]:
    """The CSV rows of one extraction."""
    places = {p.id: p for p in extraction.places}
    actors = {a.id: a.name for a in extraction.actors}
    base = {"article_id": extraction.article.id}
    for event in extraction.events:
        yield {**base, **_located(places, event.place, event.lat, event.lon),
               "record": "event", "id": event.id, "type": event.type, "status": event.status,
               "date": _iso(event.date) or "", "date_precision": event.date_precision,
               "date_qualifier": event.date_qualifier,
               "actors": "; ".join(actors.get(a, a) for a in event.actors),
               "summary": event.summary, "sentence": event.sentence,
               "start": event.start, "end": event.end, **_grounding(event)}
    for dep in extraction.deployments:
        yield {**base, **_located(places, dep.place, dep.lat, dep.lon),
               "record": "deployment", "id": dep.id, "type": "deployment", "status": dep.status,
               "date": _iso(dep.date) or "",
               "actors": actors.get(dep.actor, "") if dep.actor else "",
               "unit": dep.unit, "strength": "" if dep.strength is None else dep.strength,
               "strength_qualifier": dep.strength_qualifier, "strength_text": dep.strength_text,
               "sentence": dep.sentence, "start": dep.start, "end": dep.end, **_grounding(dep)}


def _grounding(record: Any) -> dict[str, Any]:
    """Where the place and date came from; the spans as "start-end; start-end"."""
    return {"place_basis": record.place_basis, "place_note": record.place_note,
            "date_basis": record.date_basis, "date_note": record.date_note,
            "mentions": "; ".join(f"{s}-{e}" for s, e in record.mentions)}


def _located(places: dict, place_id: str | None, lat: Any, lon: Any) -> dict[str, Any]:
    place = places.get(place_id) if place_id else None
    return {"place": place_id or "", "place_name": _place_name(places, place_id),
            "country_code": place.country_code if place else "",
            "precision": place.precision if place else "",
            "lat": "" if lat is None else lat, "lon": "" if lon is None else lon}


WRITERS: dict[str, Callable[[Iterable[Extraction], IO[str]], None]] = {
    "json": write_json, "jsonl": write_jsonl, "geojson": write_geojson, "csv": write_csv,
}


# ----------------------------------------------------------------- cross-article merged events
def add_merge_options(parser: argparse.ArgumentParser) -> None:
    """``--merge-events`` and its thresholds (``dashboard/crossref.py``)."""
    rules = crossref.MergeRules()
    parser.add_argument("--merge-events", action=argparse.BooleanOptionalAction, default=False,
                        help="json, geojson, csv: also list the events several articles report "
                             "as merged events, with their reports, counts and why they match "
                             "(off by default: the output keeps its usual shape)")
    parser.add_argument("--merge-km", type=float, default=rules.max_km, metavar="KM",
                        help=f"with --merge-events: farthest apart two reports of one event "
                             f"may be (default {rules.max_km:g})")
    parser.add_argument("--merge-days", type=int, default=rules.max_days, metavar="N",
                        help=f"with --merge-events: most days between two reports of one "
                             f"event (default {rules.max_days})")


def write_merged(fmt: str, items: Iterable[Extraction], out: IO[str],
                 rules: crossref.MergeRules) -> None:
    """The format's usual output, then the merged events. The extractions still stream: only
    their events' small reports are kept until the end."""
    reports: list[crossref.Report] = []

    def keeping(extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        for extraction in extractions:
            reports.extend(crossref.reports_of(extraction))
            yield extraction

    def merged() -> tuple[crossref.MergedEvent, ...]:  # called once the stream is read
        return crossref.merge(reports, rules)

    if fmt == "json":
        out.write('{"extractions": ')
        write_json(keeping(items), out)
        out.write(', "merged_events": ')
        json.dump([m.to_dict() for m in merged()], out, ensure_ascii=False)
        out.write("}\n")
    elif fmt == "geojson":
        write_geojson(keeping(items), out, after=lambda: map(merged_feature, merged()))
    else:
        write_csv(keeping(items), out, after=lambda: map(merged_row, merged()))


def merged_feature(event: crossref.MergedEvent) -> dict[str, Any] | None:
    """A merged event as a GeoJSON Point at its first report (None when it has no point)."""
    if event.lat is None or event.lon is None:
        return None
    props = event.to_dict()
    del props["lat"], props["lon"]
    return _feature("merged_event", "", event.lon, event.lat, props)


def merged_row(event: crossref.MergedEvent) -> dict[str, Any]:
    """A merged event as a CSV row (``record`` = ``merged_event``; ``id`` its first report)."""
    return {"article_id": "", "record": "merged_event", "id": event.id, "type": event.type,
            "date": event.first_date.isoformat(), "last_date": event.last_date.isoformat(),
            "actors": "; ".join(event.actors), "place_name": event.place_name,
            "lat": "" if event.lat is None else event.lat,
            "lon": "" if event.lon is None else event.lon,
            "num_reports": event.num_reports, "num_articles": event.num_articles,
            "num_sources": event.num_sources, "members": "; ".join(event.members),
            "sources": "; ".join(event.sources), "explanation": event.explain()}
