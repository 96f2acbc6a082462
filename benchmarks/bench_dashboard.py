"""Dashboard benchmark in real headless Chromium: first map, filter, click→details, payload.

    python benchmarks/bench_dashboard.py                          # 100 … 100,000 events
    python benchmarks/bench_dashboard.py --sizes 1000 10000 --repeat 5
    python benchmarks/bench_dashboard.py --quick                  # 100 and 1,000, once each
    python benchmarks/bench_dashboard.py --parquet --sizes 1000000  # a Parquet dataset (DuckDB)

For each size a seeded synthetic dataset (``synthetic_events.py``, real GeoNames places) is
written as JSON lines and the app is started on it (``NEWSMAP_DATASET``; nothing is extracted),
on a free localhost port. Then, each in a fresh browser context (a fresh Streamlit session):

* first map: from navigation to the first data marker drawn by Leaflet in the map iframe (as
  the frame itself sees it, polling every 10 ms: the driver's look may wait for a busy
  page). The first session after the server starts ("cold") also loads the dataset and builds the frames;
  later sessions ("warm") hit Streamlit's cache;
* first table: from navigation to the events table showing its rows (warm sessions): the page
  draws the sections under the map once the map is drawn. Read from the grid's accessibility
  tree, so up to 0.2 s after the rows are drawn (see filter);
* filter: from clicking an "Event type" option to the events table, its row count and the
  map's data layer all showing the new selection. The table counts once its canvas is drawn
  with the new rows: a drawing of the grid in which the chosen type is written and no other
  type is. The grid's accessibility tree, which a test driver reads, follows only 200 ms after
  the grid's last change (a debounce in glide-data-grid, which draws Streamlit's tables): the
  figure by it ("filter, a11y tree") is also given;
* click → details: from a real mouse click on a marker to the details panel listing what
  happened there. Both start at the browser's click event (wall clock, read from the page),
  not when Playwright was asked to click: it first waits for the target to stand still, which
  on a busy page took 100-400 ms that no user waits through;
* map payload: the bytes of the arguments streamlit-folium's iframe receives for the first
  render (map script, header, data layers, layer control), measured inside the iframe; and the
  page's whole websocket traffic for the first load.

With ``--profile``, each warm session's first load and filter change are also profiled: the
server's CPU seconds (its process, from /proc) and the page's main-thread CPU time in
Chromium (a V8 sample profile over the page and the map's iframe, which share a thread), by
part: the map (Leaflet, streamlit-folium and the map's scripts), the time chart (Vega), the
rest of Streamlit's page, and the browser's own work (garbage collection, parsing, layout).
The first load is cut when the driver sees the first marker: "first map" is what the marker
waited for, "rest of the load" what the page did after it until idle (the parts that wait for
the map); the driver may see it late on a busy page, so the cut may fall a little after it.
CPU time says where the time goes even on a loaded machine, where wall-clock figures swell.

Figures are medians over ``--repeat`` sessions. Nothing passes or fails; a step that does not
finish within ``--timeout`` is reported as such.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from benchmarks.synthetic_events import make_extractions, write_jsonl  # noqa: E402

SIZES = (100, 1_000, 10_000, 100_000)
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

#: (first map s, filter s, click s, payload bytes) by size; from issues 4 and 6.
TARGETS = {10_000: (3.0, 1.0, 0.3, 2_000_000), 100_000: (None, None, None, 10_000_000)}
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic")
DETAILS = ".st-key-nm-details"
#: Runs in every frame before its scripts: records the size of each render message that
#: Streamlit posts to a component iframe (the map's whole payload arrives that way).
RENDER_HOOK = """
window.__nm_renders = [];
// When the user's click happened (wall clock, ms): latencies start there, not when the test
// driver was asked to click (it first waits for the target to be still and hit-testable).
// Kept in the top page too: a click in the map's frame is read there, so a frame that is
// remounted meanwhile does not lose it.
window.addEventListener("click", () => {
  window.__nm_clicked = Date.now();
  try { window.top.__nm_clicked = window.__nm_clicked; } catch (error) { /* other origin */ }
}, true);
window.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "streamlit:render") return;
  let bytes = 0;
  for (const value of Object.values(data.args || {})) {
    bytes += typeof value === "string" ? value.length : JSON.stringify(value ?? null).length;
  }
  window.__nm_renders.push(bytes);
});
"""
#: Runs in every frame: what each drawing of a table grid's canvas writes (one batch per task:
#: its wall-clock time and its texts), once armed by setting ``window.__nm_grid = []``.
GRID_HOOK = """
(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  let batch = null;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    if (window.__nm_grid && this.canvas.dataset.testid === "data-grid-canvas") {
      if (!batch) {
        batch = {at: Date.now(), texts: new Set()};
        window.__nm_grid.push(batch);
        queueMicrotask(() => { batch = null; });
      }
      batch.texts.add(String(text));
    }
    return fill.call(this, text, ...rest);
  };
})();
"""
#: Runs in the map's frame: when the first data marker is on the map (wall clock, ms), seen
#: from inside the page between two of its tasks. The test driver's own look (``COUNT_JS``)
#: waits for the page's thread, which the page may take just after the marker is drawn.
MARKER_HOOK = """
if (window.top !== window) {
  const started = Date.now();
  const look = () => {
    if (typeof L !== "undefined") {
      const map = Object.values(window).find(v => v instanceof L.Map);
      let found = false;
      if (map) map.eachLayer(layer => {
        found = found || (L.MarkerCluster && layer instanceof L.MarkerCluster)
                || !!(layer.getLatLng && layer.getTooltip && layer.getTooltip());
      });
      if (found) { window.__nm_first_marker = Date.now(); return; }
    }
    if (Date.now() - started < 600000) setTimeout(look, 10);
  };
  look();
}
"""
#: Data markers drawn by Leaflet: (plain markers, clusters); null before the map exists.
COUNT_JS = """
() => {
  if (typeof L === "undefined") return null;
  const map = Object.values(window).find(v => v instanceof L.Map);
  if (!map) return null;
  let plain = 0, clusters = 0;
  map.eachLayer(layer => {
    if (L.MarkerCluster && layer instanceof L.MarkerCluster) clusters += 1;
    else if (layer.getLatLng && layer.getTooltip && layer.getTooltip()) plain += 1;
  });
  return [plain, clusters];
}
"""
#: Zoom to street level at a data marker (or a cluster, which then opens), then tag whatever
#: a user's click at that marker's centre would hit. Resolves to true when it is a data layer.
FOCUS_JS = """
() => new Promise(resolve => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const first = (test) => { let f = null; map.eachLayer(l => { if (!f && test(l)) f = l; });
                            return f; };
  const plain = (l) => l.getLatLng && l._path && l.getTooltip && l.getTooltip()
                      && l.options.className !== "nm-cell";
  const start = first(plain) || first(l => L.MarkerCluster && l instanceof L.MarkerCluster);
  if (!start) return resolve(false);
  map.setView(start.getLatLng(), 12, {animate: false});
  setTimeout(() => {
    const target = first(plain);
    if (!target) return resolve(false);
    map.setView(target.getLatLng(), 12, {animate: false});
    setTimeout(() => {
      const box = map.getContainer().getBoundingClientRect();
      const at = map.latLngToContainerPoint(target.getLatLng());
      const hit = document.elementFromPoint(box.left + at.x, box.top + at.y);
      const ok = !!hit && hit.classList.contains("leaflet-interactive");
      if (ok) hit.setAttribute("data-bench-target", "1");
      resolve(ok);
    }, 300);
  }, 800);
})
"""


class AppError(RuntimeError):
    """The app showed an exception instead of the page."""


@dataclass
class Result:
    """One size's figures (seconds, bytes); None where a step did not finish."""

    events: int
    articles: int = 0
    dataset_mb: float = 0.0
    cold_first_map: float | None = None
    first_map: list[float] = field(default_factory=list)
    #: Warm sessions: navigation to the events table's rows shown (the page under the map).
    first_table: list[float] = field(default_factory=list)
    filter_change: list[float] = field(default_factory=list)
    #: The same, until the events grid's accessibility tree shows the new rows.
    filter_a11y: list[float] = field(default_factory=list)
    click_details: list[float] = field(default_factory=list)
    map_payload: int | None = None
    page_ws: int | None = None
    server_rss_mb: float | None = None
    notes: list[str] = field(default_factory=list)
    #: With --profile: per step ("first map", "filter"), one {part: CPU seconds} per session.
    cpu: dict[str, list[dict[str, float]]] = field(default_factory=dict)


# --------------------------------------------------------------------------- the server

@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def rss_mb(self) -> float | None:
        """Resident memory of the Streamlit process (Linux /proc), in MB."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        kb = next((int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmRSS:")), None)
        return kb / 1024 if kb else None

    def cpu_seconds(self) -> float | None:
        """User and system CPU time of the Streamlit process so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(dataset: Path, log: Path, timeout: float) -> Iterator[Server]:
    """``streamlit run dashboard/app.py`` on ``dataset``; stopped (whole group) on exit."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--", "--dataset", str(dataset)]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=_die_with_parent,
                                   env={**os.environ, "NEWSMAP_DATASET": str(dataset)})
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_healthy(server, timeout)
        yield server
    finally:
        _stop(process)


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if this process dies (no orphaned servers)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited:\n{server.log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        time.sleep(0.2)
    raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --------------------------------------------------------------------------- the browser

def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in (
        "127.0.0.1", "localhost", "::1")


class Session:
    """One fresh browser context on the app, with its websocket byte count."""

    def __init__(self, browser, url: str, timeout: float):
        self.context = browser.new_context(viewport={"width": 1500, "height": 1100})
        self.context.set_default_timeout(timeout * 1000)
        self.context.add_init_script(RENDER_HOOK)
        self.context.add_init_script(MARKER_HOOK)
        self.context.add_init_script(GRID_HOOK)
        self.outside: list[str] = []
        self.notes: list[str] = []  # what the page did that a figure should be read with
        self.table_seconds: float | None = None
        #: Called once the first data marker is seen (``--profile``: ends a profiled part).
        self.on_first_marker = lambda: None
        self.context.route(lambda u: not _is_local(u), self._abort)
        self.page = self.context.new_page()
        self.ws_bytes = 0
        self.page.on("websocket", self._on_websocket)
        self.url, self.timeout = url, timeout

    def _abort(self, route) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def _on_websocket(self, ws) -> None:
        ws.on("framereceived", self._count)

    def _count(self, payload) -> None:
        self.ws_bytes += len(payload)

    def close(self) -> None:
        self.context.close()

    def map_frame(self):
        handle = self.page.locator(MAP_IFRAME).first
        return handle.element_handle().content_frame()

    def markers(self) -> tuple[int, int] | None:
        with contextlib.suppress(Exception):  # the iframe may not exist yet
            counted = self.map_frame().evaluate(COUNT_JS)
            return tuple(counted) if counted else None
        return None

    def until(self, check, what: str) -> float:
        """Poll ``check`` every 20 ms until truthy; seconds waited, or raise TimeoutError.

        An exception shown by the app ends the wait at once (AppError), with its text.
        """
        started = time.perf_counter()
        self.until_value(check, what)
        return time.perf_counter() - started

    def until_value(self, check, what: str):
        """Poll ``check`` every 20 ms until truthy, and return its value (see :meth:`until`)."""
        started = time.perf_counter()
        for polls in itertools.count():
            if time.perf_counter() - started > self.timeout:
                raise TimeoutError(what)
            with contextlib.suppress(Exception):
                value = check()
                if value:
                    return value
            if polls % 25 == 0:
                self._raise_app_error()
            time.sleep(0.02)
        raise AssertionError("unreachable")

    def _raise_app_error(self) -> None:
        shown = self.page.locator('[data-testid="stException"]')
        if shown.count():
            raise AppError(shown.first.inner_text()[:2000])

    def idle(self) -> None:
        """Wait for Streamlit's script run (and any fragment run) to end."""
        self.page.wait_for_timeout(300)
        self.page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached")

    def events_count(self) -> int:
        """N of the "Events", "N rows" table choice (CSS: an open option list hides ARIA roles)."""
        choice = self.page.locator('[data-testid="stRadioGroup"] > div', has_text="Events").first
        text = choice.inner_text(timeout=2_000)
        return int(text.split()[-2].replace(",", ""))

    def events_grid_rows(self) -> int:
        grid = self.page.locator('[data-testid="stDataFrame"]').first.locator(
            'table[role="grid"]')
        return int(grid.get_attribute("aria-rowcount")) - 1

    def feature_group_size(self) -> int:
        """The length of the map's data layers' script, once its frame has one (a frame
        remounted after a click has none until it is rendered again)."""
        return self.until_value(lambda: self.map_frame().evaluate(
            "() => window.__GLOBAL_DATA__ && (window.__GLOBAL_DATA__.last_feature_group || "
            "'').length"), "the map's data layers")


def first_load(session: Session) -> tuple[float, int | None]:
    """Seconds from navigation to the first data marker; the map's render payload (bytes).
    Also the seconds from navigation to the events table's rows (``session.table_seconds``):
    the page under the map may come after it."""
    started, wall = time.perf_counter(), time.time()
    session.page.goto(session.url, wait_until="commit")
    session.until(lambda: any(session.markers() or ()), "first data marker")
    session.on_first_marker()
    drawn = session.map_frame().evaluate("() => window.__nm_first_marker")
    seconds = drawn / 1000 - wall if drawn else time.perf_counter() - started
    session.until(lambda: session.events_grid_rows() is not None, "the events table")
    session.table_seconds = time.perf_counter() - started
    session.idle()
    renders = session.map_frame().evaluate("() => window.__nm_renders")
    return seconds, (renders[0] if renders else None)


#: Polls (every 5 ms, in the page) the events count and the events grid, and records when each
#: first shows the new selection: the test driver's own polling lags by 100-400 ms. The grid:
#: when its canvas is first drawn with the chosen type and none of the ``others``
#: (``drawn``), and when its accessibility tree has the new row count (``table``).
WATCH_TABLE_JS = """
([beforeCount, cap, chosen, others]) => {
  window.__nm_done = {};
  window.__nm_grid = [];
  const shows = (batch) => batch.at >= window.__nm_clicked && batch.texts.has(chosen)
    && !others.some(other => batch.texts.has(other));
  const count = () => {
    const label = [...document.querySelectorAll('[data-testid="stRadioGroup"] > div')]
      .find(l => l.innerText.startsWith("Events"));
    const rows = label && label.innerText.match(/([\d,]+) rows?/);
    return rows ? parseInt(rows[1].replace(/,/g, ""), 10) : null;
  };
  const poll = () => {
    const n = count();
    if (n !== null && n !== beforeCount && !window.__nm_done.count) window.__nm_done.count = Date.now();
    const drawn = window.__nm_clicked && window.__nm_grid.find(shows);
    if (drawn && !window.__nm_done.drawn) window.__nm_done.drawn = drawn.at;
    const grid = document.querySelector('[data-testid="stDataFrame"] table[role="grid"]');
    const rows = grid ? parseInt(grid.getAttribute("aria-rowcount"), 10) - 1 : null;
    if (window.__nm_done.count && rows === Math.min(n, cap)) window.__nm_done.table = Date.now();
    else setTimeout(poll, 5);
  };
  poll();
}
"""
#: The same in the map iframe: when a new data layer is in and has markers.
WATCH_MAP_JS = """
([before, countJs]) => {
  const count = eval("(" + countJs + ")");
  window.__nm_done = {};
  const poll = () => {
    const fg = (window.__GLOBAL_DATA__.last_feature_group || "").length;
    const drawn = count();
    if (fg !== before && drawn && (drawn[0] || drawn[1])) window.__nm_done.map = Date.now();
    else setTimeout(poll, 5);
  };
  poll();
}
"""


def filter_change(session: Session, event_type: str = "clash") -> tuple[float, float]:
    """Seconds from choosing one event type to map, row count and table all showing it: the
    table drawn, and the table's accessibility tree updated."""
    before_count, before_map = session.events_count(), session.feature_group_size()
    before_rows = session.events_grid_rows()
    # The app shows at most so many rows; a table already cut short shows that cap.
    cap = before_rows if before_rows < before_count else before_count
    box = session.page.locator('[data-testid="stMultiSelect"]').filter(
        has=session.page.get_by_text("Event type", exact=True)).first
    box.locator("input").click()
    option = session.page.get_by_role("option", name=event_type, exact=True)
    option.wait_for()
    others = [name.strip() for name in session.page.get_by_role("option").all_inner_texts()
              if name.strip() != event_type]
    session.page.evaluate(WATCH_TABLE_JS, [before_count, cap, event_type, others])
    watched = [session.map_frame()]
    watched[0].evaluate(WATCH_MAP_JS, [before_map, COUNT_JS])
    option.click()
    table = "() => window.__nm_done.table"

    def drawn():
        frame = session.map_frame()
        if frame is not watched[0]:  # remounted: watch the new frame (which may be late)
            session.notes.append("the map's frame was remounted by a filter change")
            frame.evaluate(WATCH_MAP_JS, [before_map, COUNT_JS])
            watched[0] = frame
        return frame.evaluate("() => window.__nm_done.map")

    session.until(lambda: session.page.evaluate(table), "events count and table")
    mapped = session.until_value(drawn, "map data layer with markers")
    done = session.page.evaluate("() => window.__nm_done")
    clicked = session.page.evaluate("() => window.__nm_clicked")
    session.page.keyboard.press("Escape")  # close the option list
    if "drawn" not in done:
        session.notes.append("the table's drawing with the new rows was not seen: the filter "
                             "is timed by its accessibility tree")
    return ((max(done.get("drawn", done["table"]), mapped) - clicked) / 1000,
            (max(done["table"], mapped) - clicked) / 1000)


#: On the dataset page: how many grid cells (``nm-cell``) and other data circles are drawn.
CELLS_JS = """
() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let cells = 0, other = 0;
  map.eachLayer(l => { if (l instanceof L.CircleMarker) {
    if (l.options.className === "nm-cell") cells++; else other++; } });
  return [cells, other];
}
"""
#: Move the view: to the biggest cell at a zoom (an argument), or back to the world.
VIEW_JS = """
(zoom) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  if (!zoom) { map.setView([30, 10], 2, {animate: false}); return true; }
  let best = null;
  map.eachLayer(l => { if (l.options && l.options.className === "nm-cell"
      && (!best || l.getRadius() > best.getRadius())) best = l; });
  if (best) map.setView(best.getLatLng(), zoom, {animate: false});
  return !!best;
}
"""


def _markers_only(counts: list[int]) -> bool:
    return counts[0] == 0 and counts[1] > 0


def click_details(session: Session) -> float:
    """Seconds from a mouse click on a marker to the details panel listing that place. On the
    dataset page, zoomed out, the map shows cells: zoom in on the biggest until it shows
    markers first, and go back to the world view after."""
    frame = session.map_frame()
    cells = frame.evaluate(CELLS_JS)[0]
    if cells:
        frame.evaluate(VIEW_JS, 8)
        session.until(lambda: _markers_only(session.map_frame().evaluate(CELLS_JS)),
                      "markers zoomed in")
        session.idle()
        frame = session.map_frame()
    # The whole map in view first: a click on a marker below the fold would scroll Leaflet's
    # own container and miss.
    session.page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
    if not frame.evaluate(FOCUS_JS):
        raise TimeoutError("a marker to click")
    details = session.page.locator(DETAILS)
    frame.locator('[data-bench-target="1"]').click(timeout=10_000)
    session.until(lambda: "here (" in details.inner_text(), "details panel")
    seconds = time.time() - session.page.evaluate("() => window.__nm_clicked") / 1000
    if frame.is_detached():
        session.notes.append("the map's frame was remounted after a click on a marker")
    if cells:
        session.idle()
        session.map_frame().evaluate(VIEW_JS, 0)
        session.until(lambda: session.map_frame().evaluate(CELLS_JS)[0], "cells again")
        session.idle()
    return seconds


# --------------------------------------------------------------------------- profile

#: What part of the page a sampled script belongs to, by its URL (first match wins).
PARTS = (("map", ("streamlit_folium", "/static/vendor/", "/static/basemap", "/static/density")),
         ("chart", ("vega", "/embed.", "/time.")))
PART_ORDER = ("server", "map", "chart", "page", "browser")


def part_of(frame: dict) -> str:
    """The part a profile sample counts for: a script's part; "" (idle) or "browser"
    (garbage collection, parsing, style and layout: V8's "(program)") for native frames.
    Code with no URL is what streamlit-folium evaluates: the map's layers."""
    name, url = frame["functionName"], frame["url"]
    if name == "(idle)":
        return ""
    if name in ("(garbage collector)", "(program)", "(root)"):
        return "browser"
    if not url:
        return "map"
    return next((part for part, marks in PARTS if any(m in url for m in marks)), "page")


def by_part(profile: dict) -> dict[str, float]:
    """CPU seconds per part in a V8 sample profile (Profiler.stop's ``profile``)."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    spent: dict[str, float] = {}
    for sample, micros in zip(profile["samples"], profile["timeDeltas"]):
        part = part_of(nodes[sample])
        if part:
            spent[part] = spent.get(part, 0.0) + micros / 1e6
    return spent


class Profiled:
    """Profiles one step: the page's main thread (V8 samples) and the server's CPU time;
    :meth:`cut` ends one part of the step (``spent``) and starts the next (``after``)."""

    def __init__(self, session: Session, server: Server):
        self.cdp = session.context.new_cdp_session(session.page)
        self.cdp.send("Profiler.enable")
        self.cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        self.server = server
        self.after: dict[str, float] | None = None

    def __enter__(self) -> Profiled:
        self._start()
        return self

    def _start(self) -> None:
        self.started = self.server.cpu_seconds()
        self.cdp.send("Profiler.start")

    def _stop(self) -> dict[str, float]:
        spent = by_part(self.cdp.send("Profiler.stop")["profile"])
        ended = self.server.cpu_seconds()
        if ended is not None and self.started is not None:
            spent["server"] = ended - self.started
        return spent

    def cut(self) -> None:
        """What was spent so far is the step's; what follows, until the exit, ``after``."""
        if self.after is None:
            self.spent, self.after = self._stop(), {}
            self._start()

    def __exit__(self, *exc) -> None:
        if self.after is None:
            self.spent = self._stop()
        else:
            self.after = self._stop()


# --------------------------------------------------------------------------- one size

def dataset(events: int, seed: int, per_article: int, folder: Path,
            parquet: bool = False) -> tuple[Path, int]:
    """The JSONL for ``events`` (written once, reused while seed and shape stay the same), or
    with ``parquet`` a Parquet dataset folder, its dashboard tables derived before the server
    starts (the cache under ``folder``: a one-off cost, reported on stderr)."""
    path = folder / f"synthetic_{events}_s{seed}_p{per_article}.jsonl"
    articles = -(-events // per_article)
    if parquet:
        return _parquet(path.with_suffix(""), events, seed, per_article, folder), articles
    if not path.exists():
        partial = path.with_suffix(".part")
        write_jsonl(make_extractions(events, seed=seed, per_article=per_article), partial)
        partial.replace(path)
    return path, articles


def _parquet(root: Path, events: int, seed: int, per_article: int, folder: Path) -> Path:
    from benchmarks.synthetic_events import write_dataset
    from dashboard.store import dataset as ds
    from dashboard.ui import derived

    if not ds.batches(root):
        write_dataset(make_extractions(events, seed=seed, per_article=per_article), root)
    os.environ.setdefault(derived.CACHE_ENV, str(folder / "cache"))
    started = time.process_time()
    derived.ensure(root)
    print(f"derived tables: {time.process_time() - started:.1f} CPU s", file=sys.stderr)
    return root


def _size_mb(path: Path) -> float:
    files = path.rglob("*") if path.is_dir() else [path]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def measure(events: int, args, browser) -> Result:
    path, articles = dataset(events, args.seed, args.per_article, args.out, args.parquet)
    result = Result(events, articles, _size_mb(path))
    log = args.out / f"streamlit_{events}.log"
    with serve(path, log, args.timeout) as server:
        for index in range(args.repeat + 1):  # session 0 is the cold one
            _one_session(browser, server, args.timeout, result, cold=index == 0,
                         profile=args.profile and index > 0)
        result.server_rss_mb = server.rss_mb()
    return result


def _one_session(browser, server: Server, timeout: float, result: Result, cold: bool,
                 profile: bool = False) -> None:
    """First load, then a click and a filter change, in one fresh session (``profile``: the
    first load and the filter change profiled, see :class:`Profiled`)."""
    session = Session(browser, server.url, timeout)

    def profiled(step: str, run, then: str = ""):
        """``then``: the step ends at the first marker, what follows until idle is ``then``."""
        if not profile:
            return run()
        with Profiled(session, server) as watch:
            if then:
                session.on_first_marker = watch.cut
            answer = run()
            session.idle()  # the rest of the run's work belongs to the step too
        session.on_first_marker = lambda: None
        result.cpu.setdefault(step, []).append(watch.spent)
        if then and watch.after is not None:
            result.cpu.setdefault(then, []).append(watch.after)
        return answer

    try:
        seconds, payload = profiled("first map", lambda: first_load(session),
                                    then="rest of the load")
        if cold:
            result.cold_first_map, result.map_payload = seconds, payload
            result.page_ws = session.ws_bytes
        else:
            result.first_map.append(seconds)
            result.first_table.append(session.table_seconds)
        _step(result, result.click_details, lambda: click_details(session), "click")
        _step(result, result.filter_change,
              lambda: profiled("filter", lambda: _both(filter_change(session),
                                                      result.filter_a11y)), "filter")
        if session.outside:
            result.notes.append(f"requests left localhost: {sorted(set(session.outside))}")
    except TimeoutError as error:
        result.notes.append(f"{'cold ' if cold else ''}load timed out waiting for {error}")
    except AppError as error:
        result.notes.append(f"the app failed: {error}")
    finally:
        result.notes += session.notes
        session.close()


def _both(figures: tuple[float, float], second: list[float]) -> float:
    """The first figure; the second goes into ``second``."""
    second.append(figures[1])
    return figures[0]


def _step(result: Result, into: list[float], run, name: str) -> None:
    try:
        into.append(run())
    except TimeoutError as error:
        result.notes.append(f"{name} timed out waiting for {error}")


# --------------------------------------------------------------------------- report

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    chromium = subprocess.run([_chromium(), "--version"], capture_output=True, text=True,
                              check=False).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {chromium}, "
            f"{dt.datetime.now().isoformat(timespec='minutes')}")


def _chromium() -> str:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(found, os.X_OK):
        raise SystemExit("Chromium not found: install Debian's chromium (apt-get install "
                         "chromium) to run the dashboard benchmark")
    return found


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "—"


def row(result: Result) -> str:
    cold = f"{result.cold_first_map:.2f}" if result.cold_first_map is not None else "—"
    payload = f"{result.map_payload / 1e6:.2f}" if result.map_payload else "—"
    ws = f"{result.page_ws / 1e6:.2f}" if result.page_ws else "—"
    rss = f"{result.server_rss_mb:.0f}" if result.server_rss_mb else "—"
    click = (f"{statistics.median(result.click_details) * 1000:.0f}"
             if result.click_details else "—")
    return (f"| {result.events:,} | {result.articles:,} | {result.dataset_mb:.1f} | {cold} | "
            f"{_median(result.first_map)} | {_median(result.first_table)} | "
            f"{_median(result.filter_change)} | {_median(result.filter_a11y)} | {click} | "
            f"{payload} | {ws} | {rss} |")


HEADER = ("| events | articles | dataset MB | first map cold s | first map warm s "
          "| first table warm s | filter s | filter, a11y tree s "
          "| click→details ms | map payload MB | page ws MB | server RSS MB |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def cpu_table(results: list[Result]) -> str:
    """Median CPU seconds by part, per size and step (``--profile``)."""
    lines = ["| events | step | " + " | ".join(PART_ORDER) + " | total |",
             "|---:|---|" + "---:|" * (len(PART_ORDER) + 1)]
    for result in results:
        for step, runs in result.cpu.items():
            parts = {p: statistics.median(r.get(p, 0.0) for r in runs) for p in PART_ORDER}
            total = statistics.median(sum(r.values()) for r in runs)
            lines.append(f"| {result.events:,} | {step} | "
                         + " | ".join(f"{parts[p]:.2f}" for p in PART_ORDER)
                         + f" | {total:.2f} |")
    return "\n".join(lines)


def targets() -> str:
    lines = []
    for size, (first, filt, click, payload) in TARGETS.items():
        parts = [f"first map < {first:g} s" if first else "",
                 f"filter < {filt:g} s" if filt else "",
                 f"click→details < {click * 1000:.0f} ms" if click else "",
                 f"payload < {payload / 1e6:g} MB"]
        lines.append(f"targets at {size:,}: " + ", ".join(p for p in parts if p))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="warm sessions per size")
    parser.add_argument("--per-article", type=int, default=25, help="events per article")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per step")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out",
                        help="datasets and server logs (gitignored)")
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 events, once")
    parser.add_argument("--profile", action="store_true",
                        help="CPU seconds by part (server, map, chart, page, browser) of the "
                             "warm sessions' first load and filter change")
    parser.add_argument("--parquet", action="store_true",
                        help="a Parquet dataset folder (the DuckDB page) instead of JSONL")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = [100, 1_000], 1
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    kind = "Parquet dataset, DuckDB" if args.parquet else "JSONL in memory"
    print(f"## Dashboard in Chromium ({kind})\n\n{machine()}\n")
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True,
                                             args=list(CHROMIUM_ARGS))
        for size in args.sizes:
            print(f"measuring {size:,} events…", file=sys.stderr, flush=True)
            results.append(measure(size, args, browser))
        browser.close()
    print(f"{HEADER}\n" + "\n".join(row(r) for r in results))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmedians of {args.repeat} warm session(s); load average at the end: {load} "
          f"(the machine may be shared: compare runs at similar load)\n{targets()}")
    if args.profile:
        print("\nCPU seconds by part (medians of the warm sessions; the first map until its "
              "first marker, the rest of the load and the filter until the app is idle "
              "again):\n" + cpu_table(results))
    for result in results:
        for note in dict.fromkeys(result.notes):
            print(f"- {result.events:,}: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
