"""The ``evaluate`` command: gold articles in, precision / recall / F1 and field accuracies out.

Each gold article's text goes through the same pipeline as ``extract`` (``extract_text``); the
time it takes is measured per article, without reading or scoring, and reported as throughput.
A gold file that does not validate is reported on stderr naming the file; the others are
scored; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from dashboard.extract.evaluate import (
    DEPLOYMENT_FIELDS, EVENT_FIELDS, ArticleScore, Mistake, PlaceScore, RecordScore,
    explain_article, score_article, total,
)
from dashboard.extract.gold import GoldArticle, GoldError, load_gold
from dashboard.extract.pipeline import CachedNames, default_geocoder, extract_text
from dashboard.records import Extraction

#: Above this many articles the per-article table is printed only on request.
PER_ARTICLE_AUTO = 50


def add_evaluate_parser(commands: Any) -> argparse.ArgumentParser:
    """Register ``evaluate`` on an ``add_subparsers()`` object."""
    parser = commands.add_parser(
        "evaluate", help="score the pipeline on gold articles",
        description="Run the pipeline on gold articles and print precision, recall and F1 for "
                    "places (with acc@161 and literal accuracy), events and deployments (with "
                    "the accuracy of each field). GOLD: a folder (every <id>.json with its "
                    "<id>.txt, and *.jsonl corpora), a gold .json file or a .jsonl corpus.")
    parser.add_argument("gold", nargs="+", metavar="GOLD", help="gold folder, .json or .jsonl")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--per-article", action="store_true",
                        help=f"print the per-article table (always for up to "
                             f"{PER_ARTICLE_AUTO} articles)")
    parser.add_argument("--show-errors", action="store_true",
                        help="list every mistake (missed, spurious, wrong field) by article, "
                             "and the most frequent ones")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(run=run_evaluate)
    return parser


def run_evaluate(args: argparse.Namespace, *, geocoder: Any = None) -> int:
    """Score every gold article; 0 when all validated, 1 when some did not."""
    geocoder = geocoder or default_geocoder()
    names = _names(geocoder)
    extract_text("A warm-up in Paris.", "warm-up", geocoder=geocoder)  # caches, not timed
    scores: list[ArticleScore] = []
    errors: list[GoldError] = []
    mistakes: list[tuple[Mistake, ...]] = []
    for item in load_gold(args.gold):
        if isinstance(item, GoldError):
            errors.append(item)
            print(f"newsmap evaluate: {item.source}: {item.message}", file=sys.stderr)
            continue
        extraction, seconds = timed_extraction(item, geocoder)
        scores.append(score_article(item, extraction, names, seconds))
        if args.show_errors:
            mistakes.append(explain_article(item, extraction, names))
    if not scores:
        print("newsmap evaluate: no gold article could be read; nothing scored", file=sys.stderr)
        return 1
    out = sys.stdout if not args.output else open(args.output, "w", encoding="utf-8")
    try:
        if args.json:
            json.dump(report_dict(scores, errors, mistakes), out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            per_article = args.per_article or len(scores) <= PER_ARTICLE_AUTO
            out.write(report_text(scores, errors, per_article=per_article))
            if args.show_errors:
                out.write(mistakes_text(scores, mistakes))
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if errors else 0


def timed_extraction(gold: GoldArticle, geocoder: Any) -> tuple[Extraction, float]:
    """The pipeline's extraction of a gold text, and the seconds it took."""
    start = time.perf_counter()
    extraction = extract_text(gold.text, gold.id, geocoder=geocoder)
    return extraction, time.perf_counter() - start


def _names(geocoder: Any) -> Any:
    gazetteer = getattr(geocoder, "gazetteer", None)
    if gazetteer is None:
        from dashboard.geo.gazetteer import Gazetteer

        gazetteer = Gazetteer.open_default()
    return CachedNames(gazetteer)


# --- JSON ----------------------------------------------------------------------------------

def report_dict(scores: list[ArticleScore], errors: list[GoldError],
                mistakes: Sequence[tuple[Mistake, ...]] = ()) -> dict[str, Any]:
    """The figures as JSON: totals, throughput, errors and every article (with its mistakes
    when they were asked for)."""
    overall = total(scores)
    articles = [s.to_dict() for s in scores]
    for article, found in zip(articles, mistakes):
        article["mistakes"] = [m.to_dict() for m in found]
    return {
        **overall.to_dict(),
        "articles_per_second": _per_second(overall),
        "errors": [{"source": e.source, "message": e.message} for e in errors],
        "per_article": articles,
    }


def _per_second(score: ArticleScore) -> float | None:
    return round(score.articles / score.seconds, 1) if score.seconds else None


# --- text ----------------------------------------------------------------------------------

def report_text(scores: list[ArticleScore], errors: list[GoldError], *,
                per_article: bool = False) -> str:
    """A readable report: Markdown tables of places, events and deployments."""
    overall = total(scores)
    speed = _per_second(overall)
    lines = [f"# newsmap evaluate: {overall.articles} articles, {len(errors)} gold errors",
             "",
             f"Pipeline time {overall.seconds:.2f} s = "
             f"{speed if speed is not None else '—'} articles/s (one process, reading and "
             "scoring excluded). Figures in %.", ""]
    lines += _places_table(overall)
    if overall.events is not None:
        lines += [""] + _records_table(overall)
    if per_article and scores:
        lines += [""] + _per_article_table(scores)
    if errors:
        lines += ["", "## Gold errors (not scored)", ""]
        lines += [f"- {e.source}: {e.message}" for e in errors]
    return "\n".join(lines) + "\n"


def _places_table(overall: ArticleScore) -> list[str]:
    p = overall.places
    lines = [f"## Places ({p.exact.tp + p.exact.fn} gold, {p.exact.tp + p.exact.fp} "
             f"predicted; {p.references} references such as \"the town\" not scored; "
             f"{overall.places_without_demonyms.dropped} gold demonyms)", "",
             "| places | TP | FP | FN | P | R | F1 | acc@161 | judged | mean km | median km "
             "| literal |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for label, score in (("exact span", overall.places),
                         ("exact, without demonyms", overall.places_without_demonyms)):
        lines.append(_place_row(label, score, overlap=False))
    for label, score in (("overlap", overall.places),
                         ("overlap, without demonyms", overall.places_without_demonyms)):
        lines.append(_place_row(label, score, overlap=True))
    return lines


def _place_row(label: str, score: PlaceScore, *, overlap: bool) -> str:
    counts = score.overlap if overlap else score.exact
    res = score.overlap_resolution if overlap else score.resolution
    literal = _pct(score.literal.value) if not overlap else ""
    return (f"| {label} | {counts.tp} | {counts.fp} | {counts.fn} | {_pct(counts.precision)} | "
            f"{_pct(counts.recall)} | {_pct(counts.f1)} | {_pct(res.accuracy)} | {res.judged} | "
            f"{_num(res.mean_km)} | {_num(res.median_km)} | {literal} |")


def _records_table(overall: ArticleScore) -> list[str]:
    names = list(dict.fromkeys(EVENT_FIELDS + DEPLOYMENT_FIELDS))
    lines = ["## Events and deployments (fields: accuracy on the matched)", "",
             "| records | gold | predicted | matched | P | R | F1 | " + " | ".join(names) + " |",
             "|---|--:|--:|--:|--:|--:|--:|" + "--:|" * len(names)]
    for label, score, own in (("events", overall.events, EVENT_FIELDS),
                              ("deployments", overall.deployments, DEPLOYMENT_FIELDS)):
        score = score or RecordScore()
        c = score.counts
        cells = [_pct(score.field(n).value) if n in own else "" for n in names]
        lines.append(f"| {label} | {c.tp + c.fn} | {c.tp + c.fp} | {c.tp} | "
                     f"{_pct(c.precision)} | {_pct(c.recall)} | {_pct(c.f1)} | "
                     + " | ".join(cells) + " |")
    return lines


def _per_article_table(scores: Iterable[ArticleScore]) -> list[str]:
    lines = ["## Per article", "",
             "| article | places gold/pred/TP | F1 | acc@161 | events gold/pred/match | F1 "
             "| deployments gold/pred/match | F1 | ms |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for s in scores:
        c = s.places.exact
        lines.append(f"| {s.id} | {c.tp + c.fn}/{c.tp + c.fp}/{c.tp} | {_pct(c.f1)} | "
                     f"{_pct(s.places.resolution.accuracy)} | {_record_cells(s.events)} | "
                     f"{_record_cells(s.deployments)} | {1000 * s.seconds:.1f} |")
    return lines


def _record_cells(score: RecordScore | None) -> str:
    if score is None:
        return " | "
    c = score.counts
    return f"{c.tp + c.fn}/{c.tp + c.fp}/{c.tp} | {_pct(c.f1)}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def mistakes_text(scores: Sequence[ArticleScore],
                  mistakes: Sequence[tuple[Mistake, ...]], top: int = 12) -> str:
    """The most frequent mistakes of each kind, then every mistake by article."""
    by_kind: dict[str, Counter] = {}
    for found in mistakes:
        for m in found:
            key = m.text if m.record == "place" and m.kind != "literal" else (
                f"{m.gold} → {m.predicted}" if m.kind not in ("missed", "spurious")
                else m.gold or m.predicted)
            by_kind.setdefault(f"{m.record} {m.kind}", Counter())[key] += 1
    lines = ["", "## Most frequent mistakes", "", "| mistake | count | most frequent |",
             "|---|--:|---|"]
    order = {"place": 0, "event": 1, "deployment": 2}
    for kind, counter in sorted(by_kind.items(), key=lambda kv: (order[kv[0].split()[0]], kv[0])):
        common = ", ".join(f"{k} ×{n}" for k, n in counter.most_common(top))
        lines.append(f"| {kind} | {sum(counter.values())} | {_cell(common)} |")
    lines += ["", "## Mistakes by article"]
    for score, found in zip(scores, mistakes):
        if found:
            lines += ["", f"### {score.id}", ""]
            lines += [f"- {m.record} {m.kind}: {m.text!r} [{m.start}:{m.end}]"
                      + (f" — gold {m.gold}" if m.gold else "")
                      + (f"; predicted {m.predicted}" if m.predicted else "") for m in found]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
