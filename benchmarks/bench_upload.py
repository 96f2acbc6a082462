"""Many uploads at once, in real Chromium: how long 200 articles take to join the page, and
how a second session's reruns fare meanwhile (issue 14: "do not freeze the other sessions").

    python benchmarks/bench_upload.py --files 200 --words 500

Session A drops the files; session B, opened before, flips the "Include undated records"
switch over and over and times each rerun (from the click to the new summary line). Printed:
B's rerun times before and during A's upload, A's time from the drop to every file reported,
and whether A showed a progress bar. A figure, not pass/fail.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "e2e")]

from conftest import CHROMIUM_ARGS, chromium_path, start_app  # noqa: E402

SUMMARY = '[data-testid="stCaptionContainer"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def summary(page) -> str:
    return page.locator(SUMMARY).filter(has_text=" articles · ").first.inner_text()


def rerun_ms(page) -> float:
    """Flip the undated switch and wait for the summary line to change."""
    before = summary(page)
    started = time.perf_counter()
    page.get_by_text("Include undated records", exact=True).click()
    deadline = started + 120
    while summary(page) == before and time.perf_counter() < deadline:
        page.wait_for_timeout(20)
    return (time.perf_counter() - started) * 1000


def open_page(browser, url):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.locator(SUMMARY).filter(has_text=" articles · ").first.wait_for(timeout=120_000)
    page.locator(IDLE).wait_for(timeout=120_000)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    seeds = work / "seeds"
    seeds.mkdir()
    for article in (REPO / "seeds").glob("*.txt"):
        shutil.copy(article, seeds / article.name)
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), "--n",
                    str(args.files), "--words", str(args.words), "--seed", "14", "--out",
                    str(work / "corpus")], check=True, capture_output=True)
    files = [{"name": p.name, "mimeType": "text/plain", "buffer": p.read_bytes()}
             for p in sorted((work / "corpus").glob("*.txt"))]
    server = start_app(seeds, work / "streamlit.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(),
                                                 headless=True, args=list(CHROMIUM_ARGS))
            a, b = open_page(browser, server.url), open_page(browser, server.url)
            before = [rerun_ms(b) for _ in range(6)]
            a.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files)
            dropped = time.perf_counter()
            during, progress = [], False
            done = a.locator(".st-key-nm-uploads").filter(
                has_text=f"{len(files)} uploaded articles kept")
            while not done.count() and time.perf_counter() - dropped < 300:
                progress = progress or a.locator('[data-testid="stProgress"]').count() > 0
                during.append(rerun_ms(b))
            total = time.perf_counter() - dropped
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"| {len(files)} files of {args.words} words | figure |\n|---|---|")
    print(f"| A: drop -> every file reported | {total:.1f} s |")
    print(f"| A: progress bar seen | {'yes' if progress else 'no'} |")
    print(f"| B: rerun before, median (max) | {statistics.median(before):.0f} ms "
          f"({max(before):.0f}) |")
    if during:
        print(f"| B: rerun during A's upload, median (max), n={len(during)} | "
              f"{statistics.median(during):.0f} ms ({max(during):.0f}) |")


if __name__ == "__main__":
    main()
