"""The dashboard's start on a folder of .txt files: cold (empty cache) and warm (a restart).

Starts ``streamlit run dashboard/app.py`` on a folder (``NEWSMAP_SEEDS``) at a free port of
127.0.0.1 with a fresh cache folder (``NEWSMAP_CACHE``), opens one session over the app's
websocket as a browser tab does (``streamlit_client.py``) and times from the server's launch
to the end of that first page; then stops it and starts it again on the same cache (the warm
restart). Also the server's CPU seconds to that point. Figures, not pass/fail:

    python benchmarks/bench_folder_start.py                    # seeds/ and 2,000 articles
    python benchmarks/bench_folder_start.py --n 0              # seeds/ only
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.streamlit_client import Session, launch  # noqa: E402


def start(folder: Path, cache: Path, log: Path) -> dict[str, float]:
    """One server on ``folder``: seconds and server CPU seconds to the first page's end."""
    launched = time.perf_counter()
    server, port = launch(REPO, {"NEWSMAP_SEEDS": str(folder), "NEWSMAP_CACHE": str(cache),
                                 "NEWSMAP_UPLOADS": str(cache / "uploads"),
                                 "PYTHONPATH": str(REPO)}, log,
                          unset=("NEWSMAP_DATASET",), pause=0.2)
    try:
        page = asyncio.run(_first_page(f"ws://127.0.0.1:{port}/_stcore/stream"))
        seconds = time.perf_counter() - launched
        times = psutil.Process(server.pid).cpu_times()
        return {"seconds": seconds, "cpu": times.user + times.system, "page": page}
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _first_page(url: str) -> float:
    async with Session(url) as session:
        run = await session.run()
    if run.exceptions:
        raise RuntimeError(f"the page failed: {run.exceptions}")
    return run.seconds


def measure(name: str, folder: Path, work: Path) -> list[str]:
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    cold = start(folder, cache, work / f"{name}-cold.log")
    warm = start(folder, cache, work / f"{name}-warm.log")
    articles = len(list(folder.glob("*.txt")))
    return [f"| {name} | {articles:,} | {cold['seconds']:.1f} s ({cold['cpu']:.1f} CPU s) | "
            f"{warm['seconds']:.1f} s ({warm['cpu']:.1f} CPU s) | "
            f"{os.getloadavg()[0]:.2f} |"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000,
                        help="articles of the synthetic folder (make_corpus.py; 0: none)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsmap-folder-start-"))
    rows = ["| folder | articles | cold start to first page (server CPU) | warm restart | "
            "load after |", "|---|--:|--:|--:|--:|"]
    rows += measure("seeds", REPO / "seeds", work)
    if args.n:
        sys.path.insert(0, str(HERE))
        import make_corpus

        corpus = work / "corpus"
        make_corpus.write_corpus(corpus, args.n, words=500, seed=1)
        rows += measure(f"synthetic {args.n:,}", corpus, work)
    print("\n".join(rows))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
