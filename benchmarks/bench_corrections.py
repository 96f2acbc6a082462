"""What a saved correction costs the server before the map and the tables show it.

    python benchmarks/bench_corrections.py --events 10000 --repeat 5

On a seeded synthetic dataset (``synthetic_events.py``), saves a correction of one place
mention (a new reading far away) in a fresh corrections database, then times what the app's
rerun does because of it: read the active corrections, apply them to every extraction, build
the frames, filter them, and work out the locations and the map's layer data (the work behind
``ui.page.page`` up to the map and the tables; Streamlit's own transport and the browser's drawing
come on top, measured by ``tests/e2e/test_corrections_browser.py``: it prints "save -> marker
moved"). Medians over ``--repeat`` corrections; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.synthetic_events import make_extractions  # noqa: E402
from dashboard.store import corrections as corr  # noqa: E402
from dashboard.ui import filters as flt  # noqa: E402
from dashboard.ui import map_layers, tables  # noqa: E402


def rerun(store: corr.CorrectionStore, extractions, full: tables.Frames) -> tuple[float, ...]:
    """Seconds for: reading the corrections, applying them to the articles they touch, the
    frames (the cached ones without those articles, plus theirs: as ``ui.page.corrected``
    does), filter + map data."""
    marks = [time.perf_counter()]
    active = store.active()
    marks.append(time.perf_counter())
    touched = {c.article_hash for c in active}
    fixed = corr.apply_all([ex for ex in extractions
                            if corr.article_hash(ex.article.text) in touched], active)
    marks.append(time.perf_counter())
    gone = {ex.article.id for ex in fixed}
    kept = tables.Frames(**{name: frame[~frame["article_id"].isin(gone)]
                            for name, frame in vars(full).items()})
    frames = tables.concat([kept, tables.build(fixed)])
    marks.append(time.perf_counter())
    filtered = flt.apply(frames, flt.Filters())
    map_layers.prepare(filtered, tables.locations(filtered))
    marks.append(time.perf_counter())
    return tuple(b - a for a, b in zip(marks, marks[1:]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    extractions = tuple(make_extractions(args.events))
    full = tables.build(extractions)  # cached in the app before any correction
    located = [(ex, p) for ex in extractions for p in ex.places if p.resolved]
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        store = corr.CorrectionStore(Path(folder) / corr.FILE_NAME)
        for n in range(args.repeat):
            ex, place = located[n * 97 % len(located)]
            moved = place.but(lat=-place.lat / 2, lon=-place.lon / 2, name="Elsewhere",
                              geonameid=None)
            started = time.perf_counter()
            store.add(corr.choose_place(ex, place, moved, "bench"))
            saved = time.perf_counter() - started
            timings.append((saved, *rerun(store, extractions, full)))
    names = ("save", "read", "apply", "frames", "filter+map data")
    medians = [statistics.median(t[i] for t in timings) for i in range(len(names))]
    print(f"{args.events:,} events in {len(extractions):,} articles, median of {args.repeat}:")
    for name, value in zip(names, medians):
        print(f"  {name:16} {value * 1000:7.1f} ms")
    print(f"  {'total':16} {sum(medians) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
