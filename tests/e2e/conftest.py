"""Browser end-to-end fixtures: system Chromium, one Streamlit server per module, offline guards.

The tests drive the real app (``dashboard/app.py``) in Debian's headless Chromium through the
Playwright sync API. Every request the page or the map iframe makes is recorded and anything
that is not localhost is aborted and reported; a page error or a JavaScript dialog fails the
test. The server's log is attached to the report of a failing test.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Flags Debian's Chromium needs here (root, no GPU) and that keep it off the network.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
#: Generous: the first run opens the gazetteer and extracts every seed.
APP_TIMEOUT_S = 90
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The buttons that stand in for the parts of a first load that wait for the map.
AFTER_MAP = '[class*="st-key-nm_after_map_"]'


def chromium_path() -> str | None:
    """The system Chromium (Debian package ``chromium``), or None."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def is_local(url: str) -> bool:
    """True for URLs that never leave the machine (localhost, data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_collection_modifyitems(items):
    """Every test under tests/e2e/ is a browser test (``-m "not browser"`` skips them)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = chromium_path()
    if path:
        return path
    message = "Chromium not found: install Debian's chromium to run the browser tests"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{message} (.ci/run installs it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium(chromium_executable):
    """One headless Chromium for the session (each test gets its own context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@dataclass
class PageGuard:
    """What a page did that a test must see: outside requests, errors, dialogs, console."""

    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, context, page) -> None:
        context.on("request", self._on_request)
        # Abort (and so record) anything leaving the machine: tests must pass offline.
        context.route(lambda url: not is_local(url), lambda route: route.abort())
        page.on("pageerror", self._on_page_error)
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("websocket", lambda ws: self._on_request_url(ws.url))

    def _on_request(self, request) -> None:
        self._on_request_url(request.url)

    def _on_request_url(self, url: str) -> None:
        self.requests.append(url)
        if not is_local(url):
            self.outside.append(url)

    def _on_page_error(self, error) -> None:
        stack = "\n    ".join((error.stack or "").splitlines()[1:6])
        self.page_errors.append(f"{error}\n    {stack}" if stack else str(error))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message) -> None:
        line = f"{message.type}: {message.text}"
        self.console.append(line)
        if message.type == "error":
            self.console_errors.append(line)

    def problems(self) -> list[str]:
        """Everything that fails a browser test whatever the test asserts."""
        found = [f"request left localhost: {url}" for url in self.outside]
        found += [f"page error: {error}" for error in self.page_errors]
        found += [f"dialog opened: {dialog}" for dialog in self.dialogs]
        return found


# --------------------------------------------------------------------------- the app server

@dataclass
class AppServer:
    """A running ``streamlit run dashboard/app.py``."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the whole process group (Streamlit may start helpers)."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_app(seeds: Path, log_path: Path, env: dict[str, str] | None = None,
              timeout: float = APP_TIMEOUT_S) -> AppServer:
    """Start the app on a free port and wait until ``/_stcore/health`` answers ``ok``."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--", "--seeds", str(seeds),
    ]
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=_die_with_parent,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    log.close()
    server = AppServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_healthy(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if this process dies (no orphaned servers)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_healthy(server: AppServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited ({server.process.returncode}):\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{server.log()}")


@pytest.fixture(scope="session")
def gazetteer_ready() -> None:
    """Build the gazetteer index once, before any server needs it (a cold build takes ~30 s)."""
    from dashboard.geo.gazetteer import Gazetteer

    Gazetteer.open_default().close()


@pytest.fixture(scope="module")
def seeds_dir(tmp_path_factory) -> Path:
    """A private copy of the repo's seeds/ (modules override this to add articles)."""
    target = tmp_path_factory.mktemp("seeds")
    for article in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy2(article, target / article.name)
    return target


@pytest.fixture(scope="module")
def app_server(chromium, seeds_dir, gazetteer_ready, tmp_path_factory) -> Iterator[AppServer]:
    """One Streamlit server per test module, on the module's seeds folder."""
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    server = start_app(seeds_dir, log_path)
    yield server
    server.stop()


@pytest.fixture
def guard() -> PageGuard:
    return PageGuard()


@pytest.fixture
def app_page(chromium, app_server, guard, request):
    """A fresh browser context on the app (fresh session state); checks the guard at the end."""
    context = chromium.new_context(viewport={"width": 1500, "height": 1100})
    context.set_default_timeout(30_000)
    page = context.new_page()
    guard.attach(context, page)
    request.node.app_server = app_server
    page.goto(app_server.url, wait_until="domcontentloaded")
    yield page
    context.close()
    problems = guard.problems()
    if problems:
        pytest.fail("browser guard:\n" + "\n".join(problems), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the Streamlit server's log (and the page's console) to a failing test."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    server = getattr(item, "app_server", None)
    if server is not None:
        report.sections.append(("streamlit server log", server.log()[-20_000:]))
    guard = item.funcargs.get("guard") if hasattr(item, "funcargs") else None
    if guard is not None and guard.console:
        report.sections.append(("browser console", "\n".join(guard.console[-200:])))


# --------------------------------------------------------------------------- driving the page

#: Every leaf layer on the Leaflet map in the iframe, with its tooltip and popup as plain text.
#: Content is parsed in an inert <template>, so reading a hostile popup cannot run it.
LAYERS_JS = """
() => {
  if (typeof L === "undefined") return null;
  const map = Object.values(window).find(v => v instanceof L.Map);
  if (!map) return null;
  const plain = (content, layer) => {
    if (typeof content === "function") content = content(layer);
    if (content instanceof HTMLElement) return content.textContent.trim();
    const inert = document.createElement("template");
    inert.innerHTML = String(content ?? "");
    return inert.content.textContent.trim();
  };
  const bound = (layer, getter) => {
    const queue = [layer];
    while (queue.length) {
      const item = queue.shift();
      const found = item[getter] && item[getter]();
      if (found) return plain(found._content, layer);
      queue.push(...Object.values(item._eventParents || {}));
    }
    return null;
  };
  const out = [];
  map.eachLayer(layer => {
    if (layer instanceof L.FeatureGroup || layer instanceof L.GridLayer) return;
    if (!layer.getLatLng && !layer.getBounds) return;
    const centre = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    const cluster = !!(L.MarkerCluster && layer instanceof L.MarkerCluster);
    out.push({
      leaflet_id: L.stamp(layer),
      kind: cluster ? "cluster" : layer instanceof L.Marker ? "marker"
          : layer instanceof L.CircleMarker ? "circle" : "shape",
      count: cluster ? layer.getChildCount() : 1,
      tooltip: cluster ? null : bound(layer, "getTooltip"),
      popup: cluster ? null : bound(layer, "getPopup"),
      properties: layer.feature ? layer.feature.properties : null,
      lat: centre.lat, lon: centre.lng,
    });
  });
  return out;
}
"""

#: Bring one layer into view at a street-level zoom and tag what a click at its centre hits
#: (the topmost marker there: several layers may share a location). Resolves to that
#: element's tooltip text, or null when nothing interactive is there.
FOCUS_JS = """
([id, zoom]) => new Promise(resolve => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let target = null;
  map.eachLayer(layer => { if (L.stamp(layer) === id) target = layer; });
  if (!target) return resolve(null);
  const centre = target.getLatLng ? target.getLatLng() : target.getBounds().getCenter();
  map.setView(centre, zoom, {animate: false});
  setTimeout(() => {
    const box = map.getContainer().getBoundingClientRect();
    const at = map.latLngToContainerPoint(centre);
    const hit = document.elementFromPoint(box.left + at.x, box.top + at.y);
    if (!hit || !hit.classList.contains("leaflet-interactive")) return resolve(null);
    hit.setAttribute("data-e2e-target", String(id));
    let owner = null;
    map.eachLayer(layer => { if (layer._path === hit || layer._icon === hit) owner = layer; });
    const tip = owner && owner.getTooltip && owner.getTooltip();
    resolve(tip ? String(tip._content) : "");
  }, 300);
})
"""


def wait_until(check: Callable[[], object], timeout: float = 30, message: str = "") -> object:
    """Poll ``check`` until it returns something truthy; fail with ``message`` otherwise."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as error:  # the iframe may be remounting: try again
            last_error = error
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s: {message} (last error: {last_error})")


class Dashboard:
    """Drives the app through stable hooks: Streamlit test ids, the map iframe, Leaflet."""

    timeout = APP_TIMEOUT_S
    wait_until = staticmethod(wait_until)

    def __init__(self, page):
        self.page = page

    def wait_idle(self, timeout: float = APP_TIMEOUT_S) -> None:
        """Wait for the current script run (or fragment run) to finish, and for the parts of
        a first load that wait for the map (drawn by a run once the map is painted)."""
        from playwright.sync_api import expect

        self.page.wait_for_timeout(300)  # Streamlit debounces widget changes before a run
        app = self.page.locator('[data-testid="stApp"]')
        expect(app).to_have_attribute("data-test-connection-state", "CONNECTED",
                                      timeout=timeout * 1000)
        expect(app).to_have_attribute("data-test-script-state", "notRunning",
                                      timeout=timeout * 1000)
        # Checked once the run is over: before, the map (and the parts' stand-ins) may not be
        # on the page yet. The stand-ins go when the map's report reruns the page; then that
        # run must end too.
        if self.page.locator(MAP_IFRAME).count() or self.page.locator(AFTER_MAP).count():
            expect(self.page.locator(AFTER_MAP)).to_have_count(0, timeout=timeout * 1000)
            self.page.wait_for_timeout(300)
            expect(app).to_have_attribute("data-test-script-state", "notRunning",
                                          timeout=timeout * 1000)

    def map_frame(self):
        """The Frame of the map iframe (found anew: a rebuilt map remounts the iframe)."""
        handle = self.page.locator(MAP_IFRAME).first.element_handle(timeout=APP_TIMEOUT_S * 1000)
        frame = handle.content_frame()
        assert frame is not None, "the map iframe has no document"
        return frame

    def layers(self) -> list[dict]:
        """Leaf layers on the map (markers, circles, shapes, clusters), [] before Leaflet."""
        return self.map_frame().evaluate(LAYERS_JS) or []

    def wait_for_layers(self, check: Callable[[list[dict]], bool], message: str,
                        timeout: float = APP_TIMEOUT_S, empty_ok: bool = False) -> list[dict]:
        """Wait until ``check`` holds for the map's layers; an empty map counts only when
        ``empty_ok`` (a filter can leave nothing to draw), as it is also a map still loading."""
        holder: list[list[dict]] = []

        def probe() -> bool:
            found = self.layers()
            holder[:] = [found]
            return (bool(found) or empty_ok) and check(found)

        try:
            wait_until(probe, timeout, message)
        except AssertionError as error:
            raise AssertionError(f"{error}\nlast layers: {holder[0] if holder else None}")
        return holder[0]

    def click_layer(self, layer: dict, zoom: int = 11) -> str:
        """Zoom to a layer, then click its centre with the mouse, as a user would.

        Returns the tooltip HTML of the marker actually hit (the topmost one there).
        """
        # The whole map in view first, as a user sees it: a click on a path below the fold
        # would scroll Leaflet's own container (overflow hidden) and miss by that much.
        self.page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
        frame = self.map_frame()
        hit = frame.evaluate(FOCUS_JS, [layer["leaflet_id"], zoom])
        assert hit is not None, f"nothing clickable at {layer}"
        frame.locator(f'[data-e2e-target="{layer["leaflet_id"]}"]').click(timeout=10_000)
        return hit

    def table_count(self, name: str) -> int:
        """N of the table choice ``name``, captioned "N rows" (the choices say their counts)."""
        # CSS, not get_by_role: an open option list makes the rest of the page aria-hidden.
        choice = self.page.locator('[data-testid="stRadioGroup"] > div', has_text=re.compile(
            rf"^{re.escape(name)}\s*[\d,]+ rows?$"))
        return int(re.search(r"([\d,]+) rows?", choice.first.inner_text()).group(1)
                   .replace(",", ""))

    def dataframe_rows(self, index: int = 0) -> int:
        """Rows of the index-th st.dataframe (glide's accessible grid has aria-rowcount)."""
        grid = self.page.locator('[data-testid="stDataFrame"]').nth(index).locator(
            'table[role="grid"]')
        return int(grid.get_attribute("aria-rowcount", timeout=APP_TIMEOUT_S * 1000)) - 1

    def _widget(self, testid: str, label: str):
        return self.page.locator(f'[data-testid="{testid}"]').filter(
            has=self.page.get_by_text(label, exact=True)).first

    def options(self, label: str) -> list[str]:
        """The options a multiselect or selectbox offers (opens and closes its list)."""
        box = self._widget("stMultiSelect", label)
        box.locator("input").click()
        listed = self.page.get_by_role("option")
        listed.first.wait_for()
        names = listed.all_inner_texts()
        self.page.keyboard.press("Escape")
        return names

    def choose(self, label: str, option: str | re.Pattern) -> None:
        """Pick one option of the multiselect labelled ``label``."""
        self._widget("stMultiSelect", label).locator("input").click()
        self.page.get_by_role("option", name=option, exact=isinstance(option, str)).first.click()
        self.page.keyboard.press("Escape")

    def select(self, label: str, option: str | re.Pattern, tries: int = 3) -> None:
        """Pick the option of the selectbox labelled ``label`` (opened again if a rerun that
        redrew the box closed its list before the option showed)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for attempt in range(tries):
            self._widget("stSelectbox", label).locator("input").click()
            try:
                self.page.get_by_role("option", name=option).first.click(
                    timeout=APP_TIMEOUT_S * 1000 / tries)
                return
            except PlaywrightTimeout:
                if attempt == tries - 1:
                    raise
                self.page.keyboard.press("Escape")
                self.wait_idle()

    def date_range(self, label: str) -> tuple[dt.date, dt.date]:
        """The current (start, end) of a date-range input (its hidden form inputs)."""
        field = self._widget("stDateInput", label).locator('input[type="date"]')
        start, end = (field.nth(i).input_value() for i in (0, 1))
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)

    def set_date_range(self, label: str, start: dt.date, end: dt.date) -> None:
        """Type both ends of the st.date_input range labelled ``label`` segment by segment."""
        field = self._widget("stDateInput", label)
        for end_name, day in (("start", start), ("end", end)):
            for part, value in (("year", f"{day.year:04d}"), ("month", f"{day.month:02d}"),
                                ("day", f"{day.day:02d}")):
                segment = field.get_by_role(
                    "spinbutton", name=re.compile(f"^{part}, .*{end_name} date"))
                segment.click()
                segment.press_sequentially(value)
        self.reset_focus()

    def reset_focus(self) -> None:
        """Click an empty corner of the page: closes popovers, commits typed dates."""
        self.page.mouse.click(2, 400)


@pytest.fixture
def dashboard(app_page) -> Dashboard:
    return Dashboard(app_page)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (tests/e2e/artifacts/, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
