"""Offline basemap benchmark in real headless Chromium: bytes fetched and time to draw, by zoom.

    python benchmarks/bench_basemap.py                  # 10,000 synthetic events
    python benchmarks/bench_basemap.py --events 1000    # smaller, quicker

Starts the app on a synthetic dataset (``bench_dashboard``'s, same seed), opens one fresh
session at 1500x1100 and reports:

* first view: the map's render payload (what streamlit-folium's iframe receives: script,
  header, data layers) plus the basemap files fetched for the first view, and the whole;
* then for each view (the world at zoom 2, Kosovo at zoom 4, 7, 9 and 12): the basemap bytes
  fetched for it (over the wire, and decoded) and the time from ``setView`` to every
  land/water/border tile drawn and the labels placed.

Needs the basemap tiles (``python -m dashboard build-basemap``). Nothing passes or fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from benchmarks.bench_dashboard import (  # noqa: E402
    Session, _chromium, dataset, first_load, machine, serve,
)

VIEWS = (("world", 20.0, 10.0, 2), ("Kosovo", 42.6, 20.9, 4), ("Kosovo", 42.6, 20.9, 7),
         ("Kosovo", 42.6, 20.9, 9), ("Kosovo", 42.6, 20.9, 12))
#: Resolves when the basemap's grid tiles are all drawn and its labels placed (ms taken).
DRAWN_JS = """
([lat, lon, zoom]) => new Promise(resolve => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const started = performance.now();
  let geometry = null, labels = null;
  map.eachLayer(l => {
    if (l instanceof window.nmBasemap.Geometry) geometry = l;
    if (l instanceof window.nmBasemap.Labels) labels = l;
  });
  if (lat !== null) map.setView([lat, lon], zoom, {animate: false});
  const poll = () => {
    const drawn = !geometry || !geometry.isLoading();
    if (drawn && labels && labels._ticketDone === labels._ticket) {
      resolve([performance.now() - started, labels.shown().length]);
    } else setTimeout(poll, 10);
  };
  setTimeout(poll, 30);
})
"""


#: The basemap files fetched so far in the map iframe (Resource Timing): name, bytes over the
#: wire (with headers), bytes decoded.
FETCHED_JS = """
() => performance.getEntriesByType("resource")
  .filter(e => e.name.includes("/app/static/basemap/"))
  .map(e => [e.name, e.transferSize, e.decodedBodySize])
"""


class Fetched:
    """What the iframe fetched from the basemap since the last :meth:`take`."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, frame) -> tuple[int, int, int]:
        new = [e for e in frame.evaluate(FETCHED_JS) if e[0] not in self.seen]
        self.seen.update(e[0] for e in new)
        return len(new), sum(e[1] for e in new), sum(e[2] for e in new)


def run(args) -> None:
    from playwright.sync_api import sync_playwright

    path, _ = dataset(args.events, 1, 20, args.out)
    with serve(path, args.out / "streamlit_basemap.log", 180) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        session = Session(browser, server.url, 120)
        fetched = Fetched()
        seconds, payload = first_load(session)
        frame = session.map_frame()
        took, labels = frame.evaluate(DRAWN_JS, [None, None, None])
        files, wire, body = fetched.take(frame)
        zoom = frame.evaluate("() => Object.values(window).find(v => v instanceof L.Map)"
                              ".getZoom()")
        print(f"# Offline basemap at {args.events:,} events\n\n{machine()}\n")
        print(f"First view (zoom {zoom}): first data marker {seconds:.2f} s; map render "
              f"payload {payload / 1e6:.2f} MB; basemap {files} files, {wire / 1e6:.2f} MB "
              f"over the wire ({body / 1e6:.2f} MB decoded), drawn {took / 1e3:.2f} s after "
              f"the markers, {labels} labels; whole map "
              f"{(payload + wire) / 1e6:.2f} MB\n")
        print("| view | zoom | files | over the wire | decoded | drawn in | labels |")
        print("|---|---|---|---|---|---|---|")
        for name, lat, lon, zoom in VIEWS:
            took, labels = frame.evaluate(DRAWN_JS, [lat, lon, zoom])
            files, wire, body = fetched.take(frame)
            print(f"| {name} | {zoom} | {files} | {wire / 1e3:,.0f} kB | {body / 1e3:,.0f} kB | "
                  f"{took:,.0f} ms | {labels} |")
        session.close()
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nm_bench")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run(args)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
