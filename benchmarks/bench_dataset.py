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
* click → details: the location's row, its events, deployments and mentions, and their
  highlighted sentences (from the rows' snippets: no article is read back);
* map payload: the bytes streamlit-folium sends for the data layers (its own
  ``_get_feature_group_string``) at zoom 2 (cells) and zoom 9 (markers), plus the base map;
* memory: the process's peak RSS;
* through the server: ``streamlit run dashboard/app.py`` on the dataset (a real server on
  127.0.0.1, started here), spoken to over its websocket as a browser tab does
  (``streamlit_client.py``: the same ``BackMsg`` a browser sends when a widget changes, the
  server's ``ForwardMsg`` stream read until the run finishes): a new session's first page, a
  filter change (the sidebar's widgets set), a click on a marker (the map component's value
  set, its fragment rerun) and the bytes the server sent; then ``--sessions`` concurrent
  sessions, each changing filters ``--loops`` times (types, date range, undated, at random, so
  that the answers cached for every session seldom help; 30 % of the changes followed by a
  zoom in on a random spot): p50/p95/max per change, errors (exceptions on the page, lost
  connections, runs over 120 s), the server's RSS sampled every 0.5 s and its peak (VmHWM).
  What is timed is the server's work and its messages, not a browser's rendering
  (``bench_dashboard.py --parquet`` drives Chromium for that).

Figures only, nothing passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.streamlit_client import Session, launch, map_state  # noqa: E402
from benchmarks.synthetic_events import make_extractions, write_dataset  # noqa: E402
from dashboard.store import dataset, query  # noqa: E402
from dashboard.ui import dataset_view, derived, highlight  # noqa: E402
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
    files = derived.ensure(root, out / "cache")  # and the consolidated DuckDB file
    return root, files, time.process_time() - started


def page_work(store: query.Store, chosen: flt.Filters, zoom: float = 2,
              bounds: query.Bounds = query.Bounds.WORLD) -> dataset_view.View:
    """What a full page run asks the store: counts, the map, the first table page (the
    map's answer is cached per store, filters, zoom and bounds, as on the page)."""
    dataset_view.totals(store, chosen)
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


def single(root: Path, files: dict, repeat: int) -> dict[str, object]:
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
        dataset_view.place_spot(store, flt.Filters(), key)
        here = [store.at_location(table, flt.Filters(), key, dataset_view.DETAIL_ROWS)
                for table in ("events", "deployments", "places")]
        for frame in here:  # the highlighted sentences, from the rows' snippets as the page
            for snippet, sentence in zip(frame["snippet"], frame["sentence"]):
                if isinstance(snippet, str):
                    highlight.snippet_html(highlight.Snippet.loads(snippet, sentence))
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


# ------------------------------------------------------------------ through a running server
def serve(root: Path, cache: Path, log: Path, repo: Path = REPO
          ) -> tuple[subprocess.Popen, str]:
    """``streamlit run dashboard/app.py`` (of the checkout ``repo``) on the dataset at a free
    port of 127.0.0.1: the server and its websocket's address."""
    server, port = launch(repo, {"NEWSMAP_DATASET": str(root), "NEWSMAP_CACHE": str(cache),
                                 "PYTHONPATH": str(repo), "PYTHONUNBUFFERED": "1"}, log,
                          unset=("NEWSMAP_SEEDS",))
    return server, f"ws://127.0.0.1:{port}/_stcore/stream"


def server_memory(pid: int) -> dict[str, float]:
    """The server's resident memory now and at its peak (MB)."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line.split(":")[0]] = int(line.split()[1]) / 1e3
    return found


def server_cpu(pid: int) -> float:
    """CPU seconds the server has used (user + system)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def choose(session: Session, chosen: flt.Filters, span: tuple[dt.date, dt.date]) -> None:
    """Set the sidebar's widgets to ``chosen``, as a user would."""
    session.set("nm_types", chosen.types)
    session.set("nm_statuses", chosen.statuses)
    session.set("nm_actors", chosen.actors)
    start = max(chosen.start or span[0], span[0])
    end = min(chosen.end or span[1], span[1])
    session.set("nm_dates", (start.isoformat(), max(start, end).isoformat()))
    session.set("nm_undated", chosen.include_undated)


def tooltip(key: str) -> str:
    return f"a place\nid: {key}"


async def one_session(url: str, span, busy: list[str], pid: int) -> dict[str, object]:
    """The server's first session's first page, another new session's first page, its
    filter changes of ``FILTERS`` and clicks on ``busy`` locations (the map at the world's
    bounds, nothing else changing)."""
    out: dict[str, object] = {}
    async with Session(url) as session:  # the server's first session: imports, store, options
        first = await session.run()
    async with Session(url) as session:  # a new session on a running server
        again = await session.run()
        out["first"], out["first warm"], out["first B"] = (first.seconds, again.seconds,
                                                           again.received)
        changes, errors = [], list(first.exceptions + again.exceptions)
        cpu = server_cpu(pid)
        for chosen in FILTERS:
            choose(session, chosen, span)
            run = await session.run()
            changes.append(run.seconds)
            errors += run.exceptions
        out["filter"], out["filter B"] = changes, run.received
        out["filter cpu"] = (server_cpu(pid) - cpu) / len(FILTERS)
        choose(session, flt.Filters(), span)
        await session.run()
        clicks, cpu = [], server_cpu(pid)
        for key in busy:
            session.set_map(map_state(2, -85, -180, 85, 180, tooltip(key)))
            run = await session.run(session.map_fragment)
            if not any(key in text or "Details" in text for text in run.texts):
                errors.append(f"no details for {key}")
            clicks.append(run.seconds)
            errors += run.exceptions
        out["click"], out["click B"], out["errors"] = clicks, run.received, errors
        out["click cpu"] = (server_cpu(pid) - cpu) / len(busy)
    return out


async def crowd(url: str, span, count: int, loops: int, pid: int, think: float = 0.0,
                seed: int = 7) -> dict[str, object]:
    """``count`` concurrent sessions, each changing filters ``loops`` times, pausing about
    ``think`` seconds between changes (0: back to back, the worst case)."""
    latencies: list[float] = []
    moves: list[float] = []
    errors: list[str] = []
    samples: list[float] = []

    async def one(index: int) -> None:
        rng = random.Random(seed + index)
        try:
            async with Session(url) as session:
                await asyncio.wait_for(session.run(), 300)
                for _ in range(loops):
                    choose(session, random_filters(rng), span)
                    run = await asyncio.wait_for(session.run(), 120)
                    latencies.append(run.seconds)
                    errors.extend(run.exceptions)
                    if rng.random() < 0.3:
                        lat, lon = rng.uniform(-40, 60), rng.uniform(-120, 140)
                        session.set_map(map_state(8, lat - 1, lon - 2, lat + 1, lon + 2))
                        run = await asyncio.wait_for(session.run(session.map_fragment), 120)
                        moves.append(run.seconds)
                        errors.extend(run.exceptions)
                    if think:
                        await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(repr(error))

    async def sample(done: asyncio.Event) -> None:
        while not done.is_set():
            samples.append(server_memory(pid)["VmRSS"])
            await asyncio.sleep(0.5)

    before = server_memory(pid)["VmRSS"]
    done = asyncio.Event()
    sampler = asyncio.create_task(sample(done))
    started, cpu, mine = time.perf_counter(), server_cpu(pid), time.process_time()
    await asyncio.gather(*(one(i) for i in range(count)))
    wall = time.perf_counter() - started
    cpu, mine = server_cpu(pid) - cpu, time.process_time() - mine
    done.set()
    await sampler
    ordered = sorted(latencies)
    return {"changes": len(latencies), "moves": len(moves), "errors": errors, "wall s": wall,
            "p50 s": statistics.median(ordered) if ordered else None,
            "p95 s": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
            "max s": ordered[-1] if ordered else None,
            "moves p95 s": sorted(moves)[int(0.95 * (len(moves) - 1))] if moves else None,
            "server cpu s": cpu, "client cpu s": mine,
            "rss before MB": before, "rss max MB": max(samples, default=before),
            "rss after MB": server_memory(pid)["VmRSS"], "hwm MB": server_memory(pid)["VmHWM"]}


def through_server(root: Path, cache: Path, files: dict, sessions: int, loops: int,
                   out: Path, think: float = 0.0, repo: Path = REPO) -> tuple[dict, dict]:
    """The single-session figures and the crowd's, against a server started here."""
    store = derived.store(files)
    found = store.options()
    span = (found.first, found.last)
    busy = [key for key, *_ in store.busiest(flt.Filters(), 10)]
    store.close()
    server, url = serve(root, cache, out / "server.log", repo)
    try:
        alone = asyncio.run(one_session(url, span, busy, server.pid))
        alone["memory"] = server_memory(server.pid)
        many = (asyncio.run(crowd(url, span, sessions, loops, server.pid, think))
                if sessions else {})
    finally:
        server.terminate()
        server.wait(30)
    return alone, many


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.node()} · {os.cpu_count()} cores · load {load[0]:.1f} {load[1]:.1f} "
            f"{load[2]:.1f} · Python {platform.python_version()} · "
            f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")


def report(events: int, derive_cpu: float, figures: dict, alone: dict, crowd: dict,
           load: str) -> str:
    med = statistics.median
    lines = [f"## Dashboard on a Parquet dataset: {events:,} events (server work)", "",
             f"Machine: {load}", "",
             f"Derived tables and their database made now: {derive_cpu:.1f} CPU s (0 when "
             "cached)"]
    if figures:
        lines += [
             "", "In this process (the store's calls the page makes):", "",
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
    if alone:
        lines += ["", "Through the server (`streamlit run` on 127.0.0.1, one websocket session "
                      "as a browser tab speaks to it; the server's work and messages, no "
                      "rendering):", "", "| step | figure | target |", "|---|---|---|",
                  f"| first page of a new session | server's first {alone['first']:.2f} s, "
                  f"then {alone['first warm']:.2f} s ({alone['first B'] / 1e3:.0f} kB sent) "
                  "| < 3 s |",
                  f"| filter change (sidebar widgets), median of {len(alone['filter'])} | "
                  f"{med(alone['filter']):.2f} s (max {max(alone['filter']):.2f}; "
                  f"{alone['filter B'] / 1e3:.0f} kB sent; server "
                  f"{alone['filter cpu']:.2f} CPU s each) | < 1 s |",
                  f"| click on a marker → details (fragment run), median of "
                  f"{len(alone['click'])} | {1000 * med(alone['click']):.0f} ms (max "
                  f"{1000 * max(alone['click']):.0f}; {alone['click B'] / 1e3:.0f} kB sent; "
                  f"server {alone['click cpu']:.2f} CPU s each) "
                  f"| < 300 ms |",
                  f"| server memory after these | RSS {alone['memory']['VmRSS']:.0f} MB, peak "
                  f"{alone['memory']['VmHWM']:.0f} MB | < 1 GB |",
                  f"| errors | {len(alone['errors'])} | 0 |"]
    if crowd:
        pause = (f"about {crowd['think']:g} s between changes" if crowd["think"]
                 else "back to back, no pause")
        lines += ["", f"{crowd['sessions']} concurrent sessions on that server (websockets, "
                      f"{crowd['loops']} filter changes each, {pause}, 30 % followed by a "
                      "zoom):", "",
                  "| changes | errors | p50 | p95 | max | zoom p95 | wall | server RSS before "
                  "→ max → after (peak) |", "|---|---|---|---|---|---|---|---|",
                  f"| {crowd['changes']} | {len(crowd['errors'])} | {crowd['p50 s']:.2f} s | "
                  f"{crowd['p95 s']:.2f} s | {crowd['max s']:.2f} s | "
                  f"{crowd['moves p95 s'] or 0:.2f} s | {crowd['wall s']:.1f} s | "
                  f"{crowd['rss before MB']:.0f} → {crowd['rss max MB']:.0f} → "
                  f"{crowd['rss after MB']:.0f} MB ({crowd['hwm MB']:.0f} MB) |", "",
                  f"CPU: the server {crowd['server cpu s']:.1f} s, this client "
                  f"{crowd['client cpu s']:.1f} s, for {crowd['changes']} changes and "
                  f"{crowd['moves']} zooms: {crowd['server cpu s'] / max(1, crowd['changes']):.2f}"
                  f" + {crowd['client cpu s'] / max(1, crowd['changes']):.2f} CPU s a change."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--loops", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsmap-bench-dataset"))
    parser.add_argument("--quick", action="store_true", help="20,000 events, 4 sessions")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a session pauses between changes (0: back to back)")
    parser.add_argument("--in-process-only", action="store_true",
                        help="no server: only the store's calls in this process")
    parser.add_argument("--server-only", action="store_true",
                        help="skip the store's calls in this process")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="serve dashboard/app.py of this checkout (A/B against another "
                             "commit; it derives its own tables on first use)")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.sessions, args.loops, args.repeat = 20_000, 4, 3, 2
    args.out.mkdir(parents=True, exist_ok=True)
    load = machine()
    root, files, derive_cpu = prepare(args.events, args.out)
    figures = {} if args.server_only else single(root, files, args.repeat)
    if figures:
        figures["store"].close()
    alone, many = {}, {}
    if not args.in_process_only:
        alone, many = through_server(root, args.out / "cache", files, args.sessions,
                                     args.loops, args.out, args.think, args.repo.resolve())
        many.update(sessions=args.sessions, loops=args.loops, think=args.think)
    print(report(args.events, derive_cpu, figures, alone, many if args.sessions else {},
                 f"{load}; at the end: load {' '.join(f'{x:.1f}' for x in os.getloadavg())}"))
    for error in (alone.get("errors", []) + many.get("errors", []))[:5]:
        print("error:", error, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
