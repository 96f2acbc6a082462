"""Cross-article event merging (``dashboard/crossref.py``): time and memory as reports grow.

Two workloads, figures as Markdown tables, not pass/fail:

1. sparse: the dashboard benchmark's synthetic extractions (``synthetic_events.py``: 25 events
   per article, cities worldwide, 30 days), where few events are told twice;
2. dense: every event told by K articles (default 5), each report up to 3 km and a day off
   the event, its actors a random non-empty part of the event's; how many true events come
   back whole (recall) and how many groups mix two events (should be none here).

The merge looks only at reports under the same (type, day, actor) in neighbouring grid cells,
so its time should grow linearly with the reports; the every-pair comparison it replaces would
grow with their square (shown at the smallest size for scale).

    python benchmarks/bench_crossref.py                  # 10,000 and 100,000 reports
    python benchmarks/bench_crossref.py --quick          # 2,000 reports
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from dashboard import crossref  # noqa: E402
from dashboard.crossref import Report  # noqa: E402

TYPES = ("clash", "meeting", "visit", "statement", "deployment")
ACTORS = tuple(f"actor{i}" for i in range(300))
DAY0 = dt.date(2026, 1, 1)


def sparse_reports(n: int) -> list[Report]:
    import synthetic_events

    return [r for ex in synthetic_events.make_extractions(n)
            for r in crossref.reports_of(ex)][:n]


def dense_reports(n: int, per_event: int, seed: int = 1) -> list[Report]:
    """``n`` reports of ``n // per_event`` events; report ids say which event they tell."""
    rng = random.Random(seed)
    out = []
    for event in range(n // per_event):
        lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)
        day = DAY0 + dt.timedelta(days=rng.randrange(365))
        kind, actors = rng.choice(TYPES), rng.sample(ACTORS, 3)
        for copy in range(per_event):
            told = rng.sample(actors, rng.randrange(1, 4))
            north, east = (rng.uniform(-1.5, 1.5) / 111 for _ in range(2))
            when = day + dt.timedelta(days=copy % 2)  # every group spans one day at most
            out.append(Report(f"art{event}_{copy}", f"ev{event}", kind, when, tuple(told),
                              frozenset(told), lat + north, lon + east))
    rng.shuffle(out)
    return out


def timed_merge(reports: list[Report], memory: bool = True) -> tuple[tuple, float, float]:
    """The groups, the seconds (best of 2) and, in a third run under tracemalloc (which slows
    it), the peak of memory allocated while merging, MB."""
    seconds = []
    for _ in range(2):
        t0 = time.perf_counter()
        groups = crossref.merge(reports)
        seconds.append(time.perf_counter() - t0)
    peak = 0.0
    if memory:
        tracemalloc.start()
        crossref.merge(reports)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return groups, min(seconds), peak


def every_pair_seconds(reports: list[Report]) -> float:
    """The naive alternative: match() on every pair (no grouping), for scale."""
    mergeable = [r for r in reports if r.mergeable]
    t0 = time.perf_counter()
    for i, a in enumerate(mergeable):
        for b in mergeable[:i]:
            crossref.match(a, b)
    return time.perf_counter() - t0


def recall(groups: tuple, n_events: int, per_event: int) -> tuple[float, int]:
    """Share of events whose every report is in one group; groups that mix events."""
    whole, mixed = 0, 0
    for group in groups:
        told = {m.split(":")[1] for m in group.members}
        mixed += len(told) > 1
        whole += len(told) == 1 and group.num_reports == per_event
    return whole / n_events, mixed


def report(sizes: list[int], per_event: int, pairs_n: int) -> str:
    lines = [f"# Cross-article merging ({dt.date.today().isoformat()})\n",
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; load average "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}. Command: "
             f"`python benchmarks/bench_crossref.py {' '.join(sys.argv[1:])}`.\n",
             "| workload | reports | merge s | µs/report | peak MB (tracemalloc) | groups | "
             "reports in groups | sizes |", "|---|--:|--:|--:|--:|--:|--:|---|"]
    notes = []
    for n in sizes:
        for name, reports in (("sparse", sparse_reports(n)),
                              (f"dense x{per_event}", dense_reports(n, per_event))):
            groups, seconds, peak = timed_merge(reports)
            sizes_seen = Counter(g.num_reports for g in groups).most_common(4)
            lines.append(f"| {name} | {len(reports):,} | {seconds:.2f} | "
                         f"{1e6 * seconds / len(reports):.1f} | {peak:.0f} | {len(groups):,} | "
                         f"{sum(g.num_reports for g in groups):,} | "
                         f"{', '.join(f'{k}: {v:,}' for k, v in sizes_seen)} |")
            if name.startswith("dense"):
                share, mixed = recall(groups, n // per_event, per_event)
                notes.append(f"- dense at {n:,}: {share:.1%} of the events come back whole, "
                             f"{mixed} groups mix two events.")
    small = dense_reports(pairs_n, per_event)
    naive = every_pair_seconds(small)
    _, indexed, _ = timed_merge(small, memory=False)
    notes.append(f"- every-pair matching at {pairs_n:,} dense reports: {naive:.2f} s against "
                 f"{indexed:.3f} s indexed; it grows with the square (x100 per x10 reports).")
    return "\n".join(lines + [""] + notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-event", type=int, default=5, help="reports per dense event")
    parser.add_argument("--pairs-n", type=int, default=2_000,
                        help="reports for the every-pair comparison")
    parser.add_argument("--quick", action="store_true", help="2,000 reports, a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.pairs_n = [2_000], 500
    print(report(args.sizes, args.per_event, args.pairs_n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
