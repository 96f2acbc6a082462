"""Extraction throughput and memory: articles/s and words/s on one core and with workers.

Each measurement runs in a fresh child process, so "cold" really is cold (imports, gazetteer
open) and ``ru_maxrss`` belongs to that measurement alone. The corpus comes from
``make_corpus.py`` and is written once to a folder. Figures, not pass/fail.

    python benchmarks/bench_extract.py                       # 1,000 and 10,000 articles
    python benchmarks/bench_extract.py --quick               # a smoke run in seconds
    python benchmarks/bench_extract.py --snapshot            # HEAD as committed, not the tree
    python benchmarks/bench_extract.py --profile 500 --sizes 1000 --workers 1
    python benchmarks/bench_extract.py --articles benchmarks/gold --sizes 640 --workers \
        --profile 0 --no-tracemalloc                        # real articles, read in a loop
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import importlib
import importlib.util
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the package, even when it is not installed

TARGET_PER_CORE = 200  # articles/s for 500-word articles (issues 3 and 6)


# ---------------------------------------------------------------- child side: one measurement
def _paths(corpus: Path, n: int, cycle: bool = False) -> list[Path]:
    """The first ``n`` articles of the folder; with ``cycle`` its articles over and over (a
    folder of real articles is smaller than a measurement wants)."""
    paths = sorted(corpus.glob("*.txt"))
    if cycle and paths:
        paths = [paths[i % len(paths)] for i in range(n)]
    if len(paths) < n:
        raise SystemExit(f"{corpus} holds {len(paths)} articles, {n} asked")
    return paths[:n]


def _read(corpus: Path, n: int, cycle: bool = False) -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in _paths(corpus, n, cycle)]


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def measure_single(spec: dict) -> dict:
    """One core, in memory: cold import, cold first article, then warm throughput."""
    docs = _read(Path(spec["corpus"]), spec["n"], spec.get("cycle", False))
    rss_before = _maxrss_mb()
    if spec.get("tracemalloc"):
        tracemalloc.start()
    t0 = time.perf_counter()
    pipeline = importlib.import_module(spec["module"])
    t1 = time.perf_counter()
    kept = [pipeline.extract_text(docs[0][1], article_id=docs[0][0])]
    t2, cpu2 = time.perf_counter(), time.process_time()
    for article_id, text in docs[1:]:
        kept.append(pipeline.extract_text(text, article_id=article_id))  # held, as the app does
    t3, cpu3 = time.perf_counter(), time.process_time()
    out = {"import_s": t1 - t0, "first_s": t2 - t1, "warm_s": t3 - t2, "warm_cpu_s": cpu3 - cpu2,
           "rss_before_mb": rss_before,
           "maxrss_mb": _maxrss_mb(), "n": len(docs), "records": _count(kept),
           "warm_words": sum(len(text.split()) for _, text in docs[1:])}
    if spec.get("tracemalloc"):
        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return out


def _count(extractions: list) -> dict:
    fields = ("places", "actors", "events", "deployments", "problems")
    return {f: sum(len(getattr(e, f)) for e in extractions) for f in fields}


def measure_workers(spec: dict) -> dict:
    """``extract_paths(paths, workers=k)`` end to end: pool start, gazetteer opens, all files."""
    paths = _paths(Path(spec["corpus"]), spec["n"], spec.get("cycle", False))
    t0 = time.perf_counter()
    pipeline = importlib.import_module(spec["module"])
    results = list(pipeline.extract_paths(paths, workers=spec["workers"]))
    wall = time.perf_counter() - t0
    cpu = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"wall_s": wall, "cpu_s": cpu, "n": len(paths), "results": len(results),
            "words": sum(len(p.read_text(encoding="utf-8").split()) for p in paths),
            "maxrss_mb": _maxrss_mb(), "children_maxrss_mb": _maxrss_mb(resource.RUSAGE_CHILDREN)}


def measure_profile(spec: dict) -> dict:
    """cProfile over warm extraction; the top functions by own time and by cumulative time."""
    docs = _read(Path(spec["corpus"]), spec["n"] + 1, spec.get("cycle", False))
    pipeline = importlib.import_module(spec["module"])
    pipeline.extract_text(docs[0][1], article_id=docs[0][0])  # opens the gazetteer, untimed
    profiler = cProfile.Profile()
    profiler.enable()
    for article_id, text in docs[1:]:
        pipeline.extract_text(text, article_id=article_id)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = [(_where(func), tt, ct, calls) for func, (_, calls, tt, ct, _) in stats.stats.items()]
    own = sorted(rows, key=lambda r: -r[1])[: spec["top"]]
    ours = [r for r in rows if "dashboard/" in r[0]]
    cumulative = sorted(ours, key=lambda r: -r[2])[: spec["top"]]
    return {"total_s": total, "n": spec["n"], "own": own, "cumulative": cumulative}


def _where(func: tuple) -> str:
    """``dashboard/extract/places.py:find_places`` rather than an absolute path."""
    filename, line, name = func
    if filename == "~":
        return name  # a C builtin such as <method 're.Pattern.finditer'>
    parts = Path(filename).parts
    for anchor in ("dashboard", "site-packages", "lib"):
        if anchor in parts:
            i = len(parts) - 1 - parts[::-1].index(anchor)
            return f"{'/'.join(parts[i + (anchor != 'dashboard'):])}:{line}:{name}"
    return f"{Path(filename).name}:{line}:{name}"


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def spin_speedup(workers: int, n: int = 10_000_000) -> float:
    """What ``workers`` processes gain on pure arithmetic right now: the ceiling for extraction.

    On a shared machine the other cores may be busy; this says how many are really free.
    """
    if workers <= 1:
        return 1.0
    t0 = time.perf_counter()
    for _ in range(workers):
        _spin(n)
    serial = time.perf_counter() - t0
    with ProcessPoolExecutor(workers) as pool:
        t1 = time.perf_counter()
        list(pool.map(_spin, [n] * workers))
        parallel = time.perf_counter() - t1
    return serial / parallel


CHILDREN = {"single": measure_single, "workers": measure_workers, "profile": measure_profile}


# ---------------------------------------------------------------- parent side: plan and print
def run_child(script: Path, kind: str, **spec) -> dict:
    """Run one measurement in a fresh interpreter (``script`` is this file, maybe a snapshot's)."""
    argv = [sys.executable, str(script), "--child", kind, json.dumps(spec)]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    """What the figures were measured on."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpu": model, "cores": os.cpu_count() or 1, "python": platform.python_version(),
            "platform": platform.platform(terse=True), "date": dt.date.today().isoformat(),
            "code": _code_version(),
            # Other work on the machine skews every figure: say how busy it was.
            "loadavg_1m": os.getloadavg()[0]}


def _git(*argv: str) -> str:
    done = subprocess.run(["git", *argv], capture_output=True, text=True, cwd=HERE.parent)
    return done.stdout.strip() if done.returncode == 0 else ""


def _code_version() -> str:
    """The commit measured, and whether dashboard/ had uncommitted changes."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "dashboard")
    return commit + (" + uncommitted dashboard/ changes" if dirty else "")


def snapshot() -> tuple[Path, str]:
    """This file in a copy of the committed tree (HEAD), and its label.

    In a shared checkout others edit dashboard/ mid-run, and an edit to the gazetteer code
    makes the index stale, so a child would time a rebuild: a snapshot measures one commit.
    The snapshot's own index is built once, by the untimed warm-up.
    """
    commit = _git("rev-parse", "--short", "HEAD")
    if not commit:
        raise SystemExit("--snapshot needs a git checkout")
    folder = Path(tempfile.gettempdir()) / f"newsmap_snapshot_{commit}"
    script = folder / "benchmarks" / "bench_extract.py"
    if not script.exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "HEAD"], capture_output=True, check=True,
                                 cwd=HERE.parent).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return script, f"{commit} (snapshot of HEAD)"


def single_row(n: int, res: dict, peak: dict | None) -> dict:
    warm_n = res["n"] - 1
    rate = warm_n / res["warm_s"] if warm_n else float("nan")
    return {
        "articles": n, "import_s": res["import_s"], "first_s": res["first_s"],
        "articles_per_s": rate, "words_per_s": res["warm_words"] / res["warm_s"] if warm_n else 0,
        "ms_per_article": 1000 / rate if warm_n else float("nan"),
        "articles_per_cpu_s": warm_n / res["warm_cpu_s"] if warm_n else float("nan"),
        "rss_before_mb": res["rss_before_mb"], "maxrss_mb": res["maxrss_mb"],
        "tracemalloc_peak_mb": peak["tracemalloc_peak_mb"] if peak else None,
        "records": res["records"],
    }


def print_report(info: dict, singles: list[dict], workers: list[dict], profile: dict | None,
                 words: int, articles: Path | None = None) -> None:
    what = f"the articles of {articles}, in a loop" if articles else (
        f"{words}-word synthetic articles")
    print(f"## Extraction benchmark ({what})\n")
    print(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
          f"{info['platform']}, {info['date']}, code {info['code']}; load average before / after: "
          f"{info['loadavg_1m']:.2f} / {os.getloadavg()[0]:.2f}\n")
    print("One core, in memory (`extract_text`; results kept). Target: "
          f">= {TARGET_PER_CORE} articles/s warm. Articles per CPU second discounts other load.\n")
    print("| articles | cold import s | cold first article s | warm articles/s | warm words/s "
          "| ms/article | articles per CPU s | ru_maxrss MB (corpus only) | tracemalloc peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in singles:
        peak = f"{r['tracemalloc_peak_mb']:.0f}" if r["tracemalloc_peak_mb"] is not None else "-"
        print(f"| {r['articles']:,} | {r['import_s']:.2f} | {r['first_s']:.2f} | "
              f"{r['articles_per_s']:.0f} | {r['words_per_s']:,.0f} | {r['ms_per_article']:.2f} | "
              f"{r['articles_per_cpu_s']:.0f} | {r['maxrss_mb']:.0f} ({r['rss_before_mb']:.0f}) | "
              f"{peak} |")
    if workers:
        _print_workers(workers)
    if singles:
        counts = singles[-1]["records"]
        print("\nRecords extracted from the largest run: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    if profile:
        _print_profile(profile)


def _print_workers(rows: list[dict]) -> None:
    print("\nAll cores (`extract_paths(paths, workers=k)` from files, wall clock incl. pool "
          "start and each worker's gazetteer open). Target: near-linear.\n")
    print("Spin speedup: what the same number of processes gained on pure arithmetic just after, "
          "i.e. how many cores were really free (the machine is shared).\n")
    print("| workers | articles | wall s | CPU s (all processes) | articles/s | words/s "
          "| speedup vs 1 | spin speedup | parent / largest child maxrss MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = next((r["articles_per_s"] for r in rows if r["workers"] == 1), None)
    for r in rows:
        speed = f"{r['articles_per_s'] / base:.2f}x" if base else "-"
        print(f"| {r['workers']} | {r['articles']:,} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
              f"{r['articles_per_s']:.0f} | {r['words_per_s']:,.0f} | {speed} | "
              f"{r['spin_speedup']:.2f}x | "
              f"{r['maxrss_mb']:.0f} / {r['children_maxrss_mb']:.0f} |")


def _print_profile(profile: dict) -> None:
    total = profile["total_s"]
    print(f"\nProfile (cProfile, {profile['n']:,} warm articles, {total:.2f} s profiled; "
          "cProfile slows Python calls, so read shares, not seconds).\n")
    for title, key, col in (("Own time (tottime)", "own", 1),
                            ("Cumulative time, dashboard/ functions", "cumulative", 2)):
        print(f"{title}:\n")
        print("| share | seconds | calls | where |")
        print("|---:|---:|---:|---|")
        for row in profile[key]:
            print(f"| {100 * row[col] / total:.1f}% | {row[col]:.3f} | {row[3]:,} | `{row[0]}` |")
        print()


def _ensure_corpus(args: argparse.Namespace) -> Path:
    """Write the corpus if the folder is short of it, in a child: the parent stays small, and
    Linux carries a parent's peak RSS into its children's ``ru_maxrss``."""
    if args.articles:
        return args.articles  # real articles, read in a loop: nothing to write
    needed = max([*args.sizes, args.workers_n, args.profile + 1])
    # The generator's own hash in the name, so an edited generator never reuses a stale corpus.
    version = hashlib.sha1((HERE / "make_corpus.py").read_bytes()).hexdigest()[:8]
    name = f"newsmap_corpus_{version}_s{args.seed}_w{args.words}"
    corpus = args.corpus or Path(tempfile.gettempdir()) / name
    if len(list(corpus.glob("*.txt"))) < needed:
        argv = [sys.executable, str(HERE / "make_corpus.py"), "--n", str(needed),
                "--words", str(args.words), "--seed", str(args.seed), "--out", str(corpus)]
        subprocess.run(argv, check=True, stdout=sys.stderr)
    return corpus


def run(args: argparse.Namespace) -> dict:
    info = machine()  # before the runs, so its load average is the machine's, not ours
    script = Path(__file__).resolve()
    if args.snapshot:
        script, info["code"] = snapshot()
    corpus = _ensure_corpus(args)
    common = {"corpus": str(corpus), "module": args.module, "cycle": bool(args.articles)}
    # Untimed: builds the gazetteer index if it is missing, so no figure includes a build.
    run_child(script, "single", n=1, **common)
    singles = []
    for n in args.sizes:
        res = run_child(script, "single", n=n, **common)
        peak = None
        if args.tracemalloc:
            peak = run_child(script, "single", n=n, tracemalloc=True, **common)
        singles.append(single_row(n, res, peak))
    workers = []
    for k in args.workers:
        row = _workers_row(k, run_child(script, "workers", n=args.workers_n, workers=k, **common))
        workers.append({**row, "spin_speedup": spin_speedup(k)})
    profile = None
    if args.profile:
        profile = run_child(script, "profile", n=args.profile, top=args.top, **common)
    return {"machine": info, "single": singles, "workers": workers, "profile": profile}


def _workers_row(k: int, res: dict) -> dict:
    return {"workers": k, "articles": res["n"], "wall_s": res["wall_s"], "cpu_s": res["cpu_s"],
            "articles_per_s": res["n"] / res["wall_s"], "words_per_s": res["words"] / res["wall_s"],
            "maxrss_mb": res["maxrss_mb"], "children_maxrss_mb": res["children_maxrss_mb"]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--words", type=int, default=500, help="mean words per article")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="*", default=sorted({1, cores}))
    parser.add_argument("--workers-n", type=int, default=2000, help="articles per workers run")
    parser.add_argument("--profile", type=int, default=300, help="articles to profile (0: skip)")
    parser.add_argument("--top", type=int, default=15, help="rows per profile table")
    parser.add_argument("--no-tracemalloc", dest="tracemalloc", action="store_false",
                        help="skip the (slower) tracemalloc pass")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--corpus", type=Path, help="corpus folder (made if short)")
    parser.add_argument("--articles", type=Path,
                        help="a folder of real articles (*.txt, e.g. benchmarks/gold) instead of "
                             "the synthetic corpus, read over and over to each size")
    parser.add_argument("--module", default="dashboard.extract.pipeline", help="module under test")
    parser.add_argument("--snapshot", action="store_true",
                        help="measure a copy of HEAD, not the (shared, changing) working tree")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.workers_n, args.profile = [200], 200, min(args.profile, 100)
    return args


def _missing(module: str) -> bool:
    """Whether the module under test is absent (its package may be absent too)."""
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](json.loads(sys.argv[3]))))
        return 0
    args = parse_args(argv)
    if _missing(args.module):
        print(f"{args.module} cannot be imported: nothing to measure", file=sys.stderr)
        return 2
    report = run(args)
    print_report(report["machine"], report["single"], report["workers"], report["profile"],
                 args.words, args.articles)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
