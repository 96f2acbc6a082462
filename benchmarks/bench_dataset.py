"""The dashboard's server work on a Parquet dataset of 1,000,000 synthetic events, and under 20
concurrent sessions: what every view asks the DuckDB store (``dashboard/store/query.py``).

    python benchmarks/bench_dataset.py                       # 1,000,000 events, 20 sessions
    python benchmarks/bench_dataset.py --events 100000 --sessions 5 --loops 5   # quicker

The dataset (``synthetic_events.py --dataset``, 2,000 articles per batch) and its derived
tables (``dashboard/ui/derived.py``) are made once under ``--out`` and reused. Then, in this
process, exactly the calls the page makes (``dashboard/ui/dataset_view.py``):

* first map: open the store, the filter options, the counts, the world map at zoom 2 (cells),
  the first table page; "cold" in a fresh process before anything is cached by the OS or
  DuckDB is the first of ``--repeat`` runs;
* filter change: counts, map, first page for a new filter (median over filters);
* click → details: the location's row and its events, deployments and mentions;
* map payload: the bytes streamlit-folium sends for the data layers (its own
  ``_get_feature_group_string``) at zoom 2 (cells) and zoom 9 (markers), plus the base map;
* memory: the process's peak RSS;
* sessions: ``--sessions`` threads, each changing filters ``--loops`` times against the one
  shared store, as the Streamlit server's script threads do (the query layer under threads,
  not browsers), each change a random filter (types, date range, undated) so that the
  answers the page caches for every session seldom help; 30 % of them zoomed in (markers):
  p50/p95/max per change, errors, and RSS before and after.

Figures only, nothing passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.synthetic_events import make_extractions, write_dataset  # noqa: E402
from dashboard.store import dataset, query  # noqa: E402
from dashboard.ui import dataset_view, derived  # noqa: E402
from dashboard.ui import filters as flt  # noqa: E402

TYPES = ("meeting", "visit", "statement", "request", "report", "clash", "decision",
         "deployment")
TARGETS = {"first map s": 3.0, "filter s": 1.0, "click s": 0.3, "payload MB": 2.0,
           "memory MB": 1024, "p95 20 sessions s": 2.0}
FILTERS = (
    flt.Filters(types=("clash",)),
    flt.Filters(types=("deployment",), include_undated=False),
    flt.Filters(actors=("NATO",)),
    flt.Filters(start=dt.date(2000, 1, 1), end=dt.date(2004, 12, 31)),
    flt.Filters(statuses=("planned", "expected"), types=("visit", "meeting")),
    flt.Filters(actors=("the UN", "the EU"), start=dt.date(1995, 1, 1)),
)


def rss_mb() -> float:
    """Current resident memory of this process (Linux), in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def prepare(events: int, out: Path) -> tuple[Path, dict, float]:
    """The dataset and its derived files (made once); seconds spent deriving now."""
    root = out / f"dataset_{events}"
    if not dataset.is_dataset(root) or not dataset.batches(root):
        started = time.perf_counter()
        write_dataset(make_extractions(events, seed=1), root)
        print(f"wrote the dataset in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    started = time.process_time()
    files = derived.ensure(root, out / "cache")
    return root, files, time.process_time() - started


def page_work(store: query.Store, chosen: flt.Filters, zoom: float = 2,
              bounds: query.Bounds = query.Bounds.WORLD) -> dataset_view.View:
    """What a full page run asks the store: counts, the map, the first table page (the
    map's answer is cached per store, filters, zoom and bounds, as on the page)."""
    store.totals(chosen)
    view = dataset_view.map_view(store, chosen, zoom, bounds)
    store.page("events", chosen, dataset_view.PAGE_ROWS, 0)
    return view


def payload(view: dataset_view.View) -> int:
    """Bytes of the data layers as streamlit-folium sends them."""
    import streamlit_folium

    from dashboard.ui import map_layers

    fmap = map_layers.base_map()
    return sum(len(streamlit_folium._get_feature_group_string(group, fmap, index))
               for index, group in enumerate(view.groups))


def base_payload() -> int:
    import streamlit_folium

    from dashboard.ui import map_layers

    return len(streamlit_folium.generate_leaflet_string(map_layers.base_map()))


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def single(files: dict, repeat: int) -> dict[str, object]:
    out: dict[str, object] = {}
    first = []
    for _ in range(repeat):
        started = time.perf_counter()
        store = derived.store(files)
        dataset_view.options(store)
        view = page_work(store, flt.Filters())
        first.append(time.perf_counter() - started)
    out["first map s"] = first
    out["cells"] = view.shown
    out["payload cells B"] = payload(view)
    changes = [timed(page_work, store, chosen)[0] for chosen in FILTERS]
    out["filter s"] = changes
    busy = store.spots(flt.Filters(), limit=20)["loc_key"].tolist()
    clicks = []
    for key in busy:
        started = time.perf_counter()
        dataset_view.marker_spots(store, flt.Filters(), query.Bounds.WORLD, keys=(key,))
        for table in ("events", "deployments", "places"):
            store.at_location(table, flt.Filters(), key, dataset_view.DETAIL_ROWS)
        clicks.append(time.perf_counter() - started)
    out["click s"] = clicks
    spot = store.spots(flt.Filters(), limit=1).iloc[0]
    box = query.Bounds.of(spot["lat"] - 1.5, spot["lon"] - 3, spot["lat"] + 1.5, spot["lon"] + 3)
    seconds, zoomed = timed(page_work, store, flt.Filters(), 9, box)
    out["zoomed map s"] = seconds
    out["markers"] = zoomed.shown
    out["payload markers B"] = payload(zoomed)
    out["payload base B"] = base_payload()
    out["store"] = store
    return out


def random_filters(rng: random.Random) -> flt.Filters:
    """A filter no other session is likely to have asked for (so no cached answer helps)."""
    start = dt.date(rng.randrange(1990, 2022), rng.randrange(1, 13), 1)
    return flt.Filters(types=tuple(rng.sample(TYPES, rng.randrange(1, 4))), start=start,
                       end=start + dt.timedelta(days=rng.randrange(200, 4000)),
                       include_undated=rng.random() < 0.5)


def sessions(store: query.Store, count: int, loops: int, seed: int = 7) -> dict[str, object]:
    """``count`` threads, each changing filters ``loops`` times (zooming now and then)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    before = rss_mb()

    def one(index: int) -> None:
        rng = random.Random(seed + index)
        for _ in range(loops):
            chosen = random_filters(rng)
            zoom, bounds = 2, query.Bounds.WORLD
            if rng.random() < 0.3:
                lat, lon = rng.uniform(-40, 60), rng.uniform(-120, 140)
                zoom, bounds = 8, query.Bounds.of(lat - 1, lon - 2, lat + 1, lon + 2)
            try:
                seconds, _ = timed(page_work, store, chosen, zoom, bounds)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(repr(error))
                continue
            with lock:
                latencies.append(seconds)

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"changes": len(latencies), "errors": errors, "wall s": wall,
            "p50 s": statistics.median(ordered) if ordered else None,
            "p95 s": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
            "max s": ordered[-1] if ordered else None,
            "rss before MB": before, "rss after MB": rss_mb()}


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.node()} · {os.cpu_count()} cores · load {load[0]:.1f} {load[1]:.1f} "
            f"{load[2]:.1f} · Python {platform.python_version()} · "
            f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")


def report(events: int, derive_cpu: float, figures: dict, crowd: dict, load: str) -> str:
    med = statistics.median
    lines = [f"## Dashboard on a Parquet dataset: {events:,} events (server work)", "",
             f"Machine: {load}", "",
             f"Derived tables made now: {derive_cpu:.1f} CPU s (0 when cached)", "",
             "| step | figure | target |", "|---|---|---|",
             f"| first map (store, options, counts, world cells, first page) | "
             f"cold {figures['first map s'][0]:.2f} s, warm "
             f"{med(figures['first map s'][1:] or figures['first map s']):.2f} s | < 3 s |",
             f"| filter change (counts, map, first page), median of {len(FILTERS)} | "
             f"{med(figures['filter s']):.2f} s (max {max(figures['filter s']):.2f}) | < 1 s |",
             f"| click → details, median of {len(figures['click s'])} | "
             f"{1000 * med(figures['click s']):.0f} ms (max "
             f"{1000 * max(figures['click s']):.0f}) | < 300 ms |",
             f"| zoomed-in map (zoom 9, markers) | {figures['zoomed map s']:.2f} s | |",
             f"| map payload, world at zoom 2 ({figures['cells']} cells) + base map | "
             f"{(figures['payload cells B'] + figures['payload base B']) / 1e6:.2f} MB "
             f"(data {figures['payload cells B'] / 1e3:.0f} kB) | < 2 MB |",
             f"| map payload, zoom 9 ({figures['markers']} markers) + base map | "
             f"{(figures['payload markers B'] + figures['payload base B']) / 1e6:.2f} MB "
             f"(data {figures['payload markers B'] / 1e3:.0f} kB) | < 2 MB |",
             f"| peak memory of the process | {peak_mb():.0f} MB | < 1 GB |"]
    if crowd:
        lines += ["", f"{crowd['threads']} concurrent sessions (threads on one shared store, "
                      f"{crowd['loops']} filter changes each):", "",
                  "| changes | errors | p50 | p95 | max | wall | RSS before → after |",
                  "|---|---|---|---|---|---|---|",
                  f"| {crowd['changes']} | {len(crowd['errors'])} | {crowd['p50 s']:.2f} s | "
                  f"{crowd['p95 s']:.2f} s | {crowd['max s']:.2f} s | {crowd['wall s']:.1f} s | "
                  f"{crowd['rss before MB']:.0f} → {crowd['rss after MB']:.0f} MB |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--loops", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsmap-bench-dataset"))
    parser.add_argument("--quick", action="store_true", help="20,000 events, 4 sessions")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.sessions, args.loops, args.repeat = 20_000, 4, 3, 2
    args.out.mkdir(parents=True, exist_ok=True)
    load = machine()
    _, files, derive_cpu = prepare(args.events, args.out)
    figures = single(files, args.repeat)
    crowd = {}
    if args.sessions:
        crowd = sessions(figures["store"], args.sessions, args.loops)
        crowd.update(threads=args.sessions, loops=args.loops)
    print(report(args.events, derive_cpu, figures, crowd, load))
    if crowd.get("errors"):
        print("errors:", *crowd["errors"][:5], sep="\n  ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
