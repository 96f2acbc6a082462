"""Gazetteer benchmark: build time and size, cold open, lookups per second, memory.

    python benchmarks/bench_gazetteer.py              # builds a fresh index in a temp folder
    python benchmarks/bench_gazetteer.py --index geodata/gazetteer.sqlite   # reuse one

Lookups use a seeded mix of realistic names: half are place names drawn from the index (towns
of every size, countries, regions, alternate spellings), half are capitalised n-grams of news
text that are not places ("Defense Minister", "Thursday", "NATO"). Each phase opens a fresh
Gazetteer so no answer comes from a cache ("uncached"); the "cached" figure repeats the names
on one instance, as extraction does when an article names a place many times.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.geo.gazetteer import Gazetteer  # noqa: E402

MISSES = ("Defense Minister", "Thursday", "NATO", "The Minister", "European Union", "Security Council",
          "Contact Group", "Troika", "Dragan Sutanovac", "Monday", "Prime Minister", "Reuters",
          "According", "However", "Foreign Ministry", "UN Secretary General", "The Albanians",
          "Transatlantic", "KFOR", "In December")


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * 4096 / 1e6


def build(path: Path) -> float:
    """Build in a child process, as the app does on first use; seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dashboard.geo.gazetteer_build", str(path)], check=True,
                   cwd=Path(__file__).resolve().parents[1], capture_output=True)
    return time.perf_counter() - started


def names(path: Path, count: int, seed: int = 7) -> list[str]:
    gazetteer = Gazetteer(path)
    rows = gazetteer._query("SELECT form FROM names ORDER BY random() LIMIT ?", (count // 2,))
    rng = random.Random(seed)
    found = [r[0] for r in rows]
    misses = [f"{rng.choice(MISSES)}{'' if i % 3 else ' ' + str(i)}" for i in range(count - len(found))]
    mixed = found + misses
    rng.shuffle(mixed)
    return mixed


def rate(path: Path, queries: list[str], method: str) -> float:
    gazetteer = Gazetteer(path)
    call = getattr(gazetteer, method)
    started = time.perf_counter()
    for query in queries:
        call(query)
    return len(queries) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="use this index instead of building one")
    parser.add_argument("--lookups", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.index or Path(tmp) / "gazetteer.sqlite"
        if args.index is None:
            print(f"build: {build(path):.1f} s")
        print(f"index size: {path.stat().st_size / 1e6:.1f} MB")
        before = rss_mb()
        started = time.perf_counter()
        gazetteer = Gazetteer(path)
        first = gazetteer.candidates("Pristina")
        print(f"cold open + first lookup: {(time.perf_counter() - started) * 1000:.1f} ms "
              f"({first[0].name})")
        queries = names(path, args.lookups)
        print(f"has_name, uncached: {rate(path, queries, 'has_name'):,.0f} lookups/s "
              f"({len(queries):,} names, half misses)")
        print(f"candidates, uncached: {rate(path, queries, 'candidates'):,.0f} lookups/s")
        for query in queries:
            gazetteer.has_name(query)
        started = time.perf_counter()
        for query in queries * 5:
            gazetteer.has_name(query)
        print(f"has_name, cached: {len(queries) * 5 / (time.perf_counter() - started):,.0f} "
              "lookups/s")
        for query in queries:
            gazetteer.candidates(query)
        print(f"memory: RSS +{rss_mb() - before:.1f} MB after opening and "
              f"{len(queries) * 3:,} lookups (caches full)")


if __name__ == "__main__":
    main()
