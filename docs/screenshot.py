"""The README's pictures: the dashboard on the bundled seeds, and the corrections flow.

    python docs/screenshot.py                 # writes docs/dashboard.jpg, docs/corrections.jpg
    python docs/screenshot.py --out /tmp/pics

Starts ``streamlit run dashboard/app.py`` on a private copy of ``seeds/`` (so the corrections
database it may create never lands in the repository), on a free localhost port, opens it in
the system's headless Chromium at 1600x1100 with every request off localhost refused, clicks
the seed's Kosovska Mitrovica on the map (``dashboard.jpg``: the map and its legend, and the
details panel), then opens "Correct" under the details and searches the gazetteer
(``corrections.jpg``: the readings the resolver weighed, and the search). JPEG: about 170 and
30 kB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1600, "height": 1100}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP = 'iframe[title="streamlit_folium.st_folium"]'
DETAILS = ".st-key-nm-details"
#: The town clicked for the pictures: the seed's French contingent is stationed there.
TOWN = "Kosovska Mitrovica"
#: In the map iframe: the container position of the place marker whose tooltip names the
#: town, in the first view (null until the map has it).
FIND_JS = """(name) => new Promise(resolve => {
  if (typeof L === "undefined" || !window.nm_markers) return resolve(null);
  const map = Object.values(window).find(v => v instanceof L.Map);
  const marker = window.nm_markers.places.find(
      m => (m.getTooltip() && m.getTooltip().getContent() || "").includes(name));
  if (!marker) return resolve(null);
  setTimeout(() => {
    const p = map.latLngToContainerPoint(marker.getLatLng());
    resolve({x: p.x, y: p.y});
  }, 600);
})"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(seeds: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
               "--server.headless", "true", "--server.port", str(port), "--server.address",
               "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--", "--seeds", str(seeds)]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return process, url
        except OSError:
            time.sleep(0.3)
    _stop(process)
    raise SystemExit("streamlit did not start within 120 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def _idle(page) -> None:
    """Wait for Streamlit's script run to finish."""
    from playwright.sync_api import expect

    page.wait_for_timeout(400)
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=120_000)


def shoot(url: str, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.route(lambda u: (urlsplit(u).hostname or "") not in ("127.0.0.1", "localhost")
                      and not u.startswith(("data:", "blob:", "about:")),
                      lambda route: route.abort())
        page = context.new_page()
        page.goto(url)
        frame_box = page.locator(MAP).first
        frame_box.wait_for(timeout=120_000)
        frame = frame_box.element_handle().content_frame()
        spot = None
        deadline = time.monotonic() + 120
        while spot is None and time.monotonic() < deadline:
            spot = frame.evaluate(FIND_JS, TOWN)
            time.sleep(0.3)
        if spot is None:
            raise SystemExit(f"no marker for {TOWN} on the map")
        page.wait_for_timeout(1500)  # the basemap's tiles and labels at the new view
        # The time controls sit above the map: a click below the fold would scroll Leaflet's
        # own container instead of reaching the marker.
        frame_box.scroll_into_view_if_needed()
        box = frame_box.bounding_box()
        page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
        details = page.locator(DETAILS)
        expect(details).to_contain_text("Deployments here", timeout=60_000)
        _idle(page)
        frame.locator(".leaflet-popup-close-button").click()  # the markers, not the popup
        page.mouse.move(box["x"] + box["width"] - 40, box["y"] + box["height"] / 2)
        page.wait_for_timeout(800)
        written.append(out / "dashboard.jpg")
        page.screenshot(path=str(written[-1]), type="jpeg", quality=70)
        details.get_by_text("Correct", exact=True).click()
        _idle(page)
        expect(details.locator('[data-testid="stDataFrame"]').first).to_be_visible(
            timeout=60_000)
        # A search of the gazetteer, as for a mention resolved to the wrong namesake.
        search = details.get_by_label("Or search the gazetteer")
        search.fill("Mitrovica")
        search.press("Enter")
        _idle(page)
        page.wait_for_timeout(800)
        written.append(out / "corrections.jpg")
        details.locator('[data-testid="stExpander"]').first.screenshot(
            path=str(written[-1]), type="jpeg", quality=75)
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsmap-shots-") as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        for article in sorted((REPO / "seeds").glob("*.txt")):
            shutil.copy2(article, seeds / article.name)
        process, url = _start(seeds, Path(tmp) / "streamlit.log")
        try:
            for path in shoot(url, args.out, args.chromium):
                print(f"{path}: {path.stat().st_size / 1000:.0f} kB")
        finally:
            _stop(process)


if __name__ == "__main__":
    main()
