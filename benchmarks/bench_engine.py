"""Extraction into a Parquet dataset: one process vs Dask, Dask's cost per article, client memory.

Every measurement runs in a fresh child process that extracts the first N articles of a
synthetic corpus (``make_corpus.py``, 500 words) into a new dataset folder, the way
``python -m dashboard extract … -o DATASET/`` does. Figures, not pass/fail, as Markdown tables:

1. throughput at N: a loop in one process, a process pool of 2, Dask LocalCluster of 2 workers
   (1 thread each); the speed-up over the loop (target >= 1.8x with 2 workers);
2. the cost per article of the Dask path on one worker vs the loop (target < 10 % overhead),
   the two run in turn a few times: the worker's CPU, every process's CPU, the wall clock;
3. the client's peak memory as the corpus grows (Dask, 2 workers): it should stay flat;
4. a simulated larger run: the same tasks on Dask with 4 and 8 worker processes, 1 thread
   each, and from the task stream how busy each was and how long it waited between tasks;
5. an estimate of one million articles on a cluster of N machines, from these figures.

    python benchmarks/bench_engine.py --n 20000        # the full figures (about 10 min, 2 cores)
    python benchmarks/bench_engine.py --simulate-only  # 4 and 8 workers on 2,000 articles
    python benchmarks/bench_engine.py --quick          # 200 articles, a smoke run
    python benchmarks/bench_engine.py --overhead-only --overhead-n 500  # loop vs Dask only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the package, even when it is not installed


# ---------------------------------------------------------------- child side: one measurement
def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(spec: dict) -> dict:
    """Extract the first ``n`` files of the corpus with one engine; times, memory, busy share
    (and, with ``stream``, Dask's task stream: when each task ran on which worker)."""
    from dashboard import engine

    files = sorted(Path(spec["corpus"]).glob("*.txt"))[: spec["n"]]
    target = Path(tempfile.mkdtemp(prefix="newsmap-bench-ds-")) / "ds"
    rss_start = _rss_mb()
    t0, cpu0 = time.perf_counter(), _cpu_self()
    cluster = None
    if spec["engine"] == "dask":
        cluster = engine.local_cluster(spec["workers"])  # what --engine dask starts
    t1 = time.perf_counter()
    cpu1, tree1 = _cpu_self(), _cpu_tree()
    with _task_stream(cluster if spec.get("stream") else None) as stream:
        summary = engine.extract_to_dataset(
            files, target, engine=spec["engine"], workers=spec["workers"],
            scheduler=cluster.scheduler_address if cluster else None,
            batch_size=spec.get("batch_size", 0))
        t2 = time.perf_counter()
        client_cpu, tree_cpu = _cpu_self() - cpu1, _cpu_tree() - tree1
    noop = _scheduler_cost(cluster) if spec.get("stream") and cluster else (None, None)
    if cluster is not None:
        cluster.close()
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    shutil.rmtree(target.parent, ignore_errors=True)
    per_worker: dict[str, float] = {}
    for done in summary.done:
        per_worker[done.worker] = per_worker.get(done.worker, 0.0) + done.seconds
    return {"workers": spec["workers"], "startup_s": t1 - t0, "extract_s": t2 - t1,
            "total_s": t2 - t0,
            "articles": summary.extracted, "batches": summary.batches,
            "busy": sorted(v / (t2 - t1) for v in per_worker.values()),
            "task_s": sum(d.seconds for d in summary.done),
            "task_cpu_s": sum(d.cpu_seconds for d in summary.done),
            # (an engine before thread_cpu_seconds: 0, so the bench can measure older commits)
            "thread_cpu_s": sum(getattr(d, "thread_cpu_seconds", 0.0) for d in summary.done),
            "client_cpu_s": client_cpu, "tree_cpu_s": tree_cpu,
            "startup_cpu_s": cpu1 - cpu0, "stream": stream_figures(stream.data, spec["workers"]),
            "noop_wall_s": noop[0], "noop_cpu_s": noop[1],
            "rss_start_mb": rss_start, "rss_peak_mb": resource.getrusage(
                resource.RUSAGE_SELF).ru_maxrss / 1024, "dataset_bytes": size}


def _noop(i: int) -> int:
    return i


def _scheduler_cost(cluster, tasks: int = 2000) -> tuple[float, float]:
    """Wall and client-process CPU seconds per task for ``tasks`` tasks that do nothing: the
    scheduler's own cost per task (in the client process, where a LocalCluster keeps it)."""
    from dask.distributed import Client

    with Client(cluster.scheduler_address) as client:
        client.gather(client.map(_noop, range(50), pure=False))  # connections warm
        t0, cpu0 = time.perf_counter(), _cpu_self()
        client.gather(client.map(_noop, range(tasks), pure=False))
        return (time.perf_counter() - t0) / tasks, (_cpu_self() - cpu0) / tasks


def _cpu_self() -> float:
    """CPU seconds of this process (the client, and a LocalCluster's scheduler thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_tree() -> float:
    """CPU seconds of this process and all its children, live (a LocalCluster's worker
    processes) and ended (a process pool's): the whole cost of a path, whoever pays it."""
    import psutil

    alive = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        alive += times.user + times.system
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return _cpu_self() + alive + ended.ru_utime + ended.ru_stime


class _task_stream:
    """``distributed.get_task_stream`` around the run when there is a cluster; its records
    (``.data``) say when each task computed on which worker. (``performance_report`` would
    draw the same as HTML, but needs bokeh, which newsmap does not install.)"""

    def __init__(self, cluster) -> None:
        self.cluster, self.data, self.client, self.inner = cluster, [], None, None

    def __enter__(self) -> "_task_stream":
        if self.cluster is not None:
            from dask.distributed import Client, get_task_stream

            self.client = Client(self.cluster.scheduler_address)
            self.inner = get_task_stream(client=self.client)
            self.inner.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.inner is not None:
            self.inner.__exit__(*exc)
            self.data = list(self.inner.data)
            self.client.close()


def stream_figures(records: list[dict], workers: int) -> dict:
    """Per worker: share of the span (first task start to last task end) spent computing
    (0 for a worker that got no task), the idle gaps between one task's end and its next
    task's start, and how long before the end its last task ended (the tail). Empty without a
    task stream."""
    by_worker: dict[str, list[tuple[float, float]]] = {}
    for record in records:
        for step in record.get("startstops", ()):
            if step["action"] == "compute":
                by_worker.setdefault(record["worker"], []).append((step["start"], step["stop"]))
    if not by_worker:
        return {}
    first = min(a for spans in by_worker.values() for a, _ in spans)
    last = max(b for spans in by_worker.values() for _, b in spans)
    gaps, busy, tails, tasks = [], [], [], 0
    for spans in by_worker.values():
        spans.sort()
        tasks += len(spans)
        busy.append(sum(b - a for a, b in spans) / (last - first))
        gaps += [nxt[0] - prev[1] for prev, nxt in zip(spans, spans[1:])]
        tails.append(last - spans[-1][1])
    gaps.sort()
    busy += [0.0] * (workers - len(by_worker))
    return {"workers": len(by_worker), "tasks": tasks, "span_s": last - first,
            "busy": sorted(busy), "gap_median_ms": 1000 * gaps[len(gaps) // 2] if gaps else 0.0,
            "gap_p95_ms": 1000 * gaps[int(0.95 * (len(gaps) - 1))] if gaps else 0.0,
            "gap_max_ms": 1000 * gaps[-1] if gaps else 0.0, "tail_max_s": max(tails)}


# --------------------------------------------------------------------- parent side: the tables
def run_child(spec: dict) -> dict:
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"measurement {spec} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_before"] = load
    print(f"  {spec['engine']:5} x{spec['workers']} n={spec['n']:,}: "
          f"{result['total_s']:.1f} s (load {load:.2f})", file=sys.stderr, flush=True)
    return result


def ensure_corpus(n: int, words: int) -> Path:
    folder = Path(tempfile.gettempdir()) / f"newsmap-bench-corpus-w{words}"
    if len(list(folder.glob("*.txt"))) < n:
        import make_corpus

        sys.modules.setdefault("make_corpus", make_corpus)
        make_corpus.write_corpus(folder, n, words=words, seed=1)
    return folder


def rate(result: dict, key: str = "extract_s") -> float:
    return result["articles"] / result[key]


def report(args: argparse.Namespace) -> str:
    sys.path.insert(0, str(HERE))
    n = args.simulate_n if args.simulate_only else args.n
    corpus = ensure_corpus(n, args.words)
    cache: dict[tuple, dict] = {}

    def get(engine: str, workers: int, n: int, **extra) -> dict:
        key = (engine, workers, n, *sorted(extra.items()))
        if key not in cache:
            cache[key] = run_child({"corpus": str(corpus), "n": n, "engine": engine,
                                    "workers": workers, **extra})
        return cache[key]

    small = args.overhead_n or max(50, n // 10)
    pairs = lambda: [(get("local", 1, small, repeat=i), get("dask", 1, small, repeat=i))  # noqa: E731
                     for i in range(args.overhead_repeat)]
    if args.overhead_only:
        return "\n".join([header(args, corpus)] + overhead(small, pairs()))
    sim_n = args.simulate_n or max(50, n // 10)
    # Batches of 25: enough tasks per worker (10 for 8 workers at 2,000 articles) that the
    # scheduler's hand-offs, not the last batch alone, decide how busy they are.
    sims = [get("dask", w, sim_n, stream=True, batch_size=args.simulate_batch)
            for w in args.simulate_workers]
    out = [header(args, corpus)]
    if args.simulate_only:
        return "\n".join(out + simulated(sims, args) + estimate(sims, None))
    loop, pool, dask2 = get("local", 1, n), get("local", 2, n), get("dask", 2, n)
    sizes = sorted({max(50, n // 40), max(50, n // 10), n})
    memory = [(size, get("dask", 2, size)) for size in sizes]
    out += throughput(n, loop, pool, dask2)
    out += overhead(small, pairs())
    out += client_memory(memory)
    out += simulated(sims, args)
    out += estimate(sims, loop)
    return "\n".join(out)


def header(args: argparse.Namespace, corpus: Path) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    return (f"# Extraction engines ({dt.date.today().isoformat()})\n\n"
            f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; corpus "
            f"`{corpus}` ({args.words}-word synthetic articles). Command: "
            f"`python benchmarks/bench_engine.py {' '.join(sys.argv[1:])}`; load average "
            f"now {', '.join(f'{x:.2f}' for x in os.getloadavg())}.\n")


def throughput(n: int, loop: dict, pool: dict, dask2: dict) -> list[str]:
    rows = ["## 1. Throughput\n",
            "| engine | workers | articles | start-up s | extraction s | articles/s | "
            "whole run s | speed-up | load before |", "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for name, workers, res in (("loop", 1, loop), ("process pool", 2, pool),
                               ("Dask LocalCluster", 2, dask2)):
        rows.append(f"| {name} | {workers} | {n:,} | {res['startup_s']:.1f} | "
                    f"{res['extract_s']:.1f} | {rate(res):.1f} | {res['total_s']:.1f} | "
                    f"{rate(res) / rate(loop):.2f}x | {res['load_before']:.2f} |")
    rows.append("\nStart-up: creating the LocalCluster (the pool and the loop open their "
                "gazetteer inside the extraction time). Speed-up: articles/s over the loop's; "
                "target >= 1.8x with 2 workers.\n")
    return rows


def overhead(n: int, pairs: list[tuple[dict, dict]]) -> list[str]:
    """Loop vs Dask on one worker, run in turn ``len(pairs)`` times: medians and each run."""
    def per_article(key: str, which: int) -> list[float]:
        return [1000 * pair[which][key] / n for pair in pairs]

    rows = ["## 2. Cost per article, one worker\n",
            f"Loop and Dask run in turn, {len(pairs)} times each; the median, then every run.\n",
            "| measure | loop ms/article | Dask ms/article | overhead | runs: loop / Dask |",
            "|---|--:|--:|--:|---|"]
    for label, key in (("the task's thread: CPU", "thread_cpu_s"),
                       ("worker CPU over its tasks", "task_cpu_s"),
                       ("whole path CPU (every process)", "tree_cpu_s"),
                       ("wall, extraction", "extract_s")):
        loop, dask = per_article(key, 0), per_article(key, 1)
        mid_loop, mid_dask = _median(loop), _median(dask)
        if not mid_loop:  # not measured by this engine
            continue
        rows.append(f"| {label} | {mid_loop:.2f} | {mid_dask:.2f} | "
                    f"{100 * (mid_dask / mid_loop - 1):+.1f} % | "
                    f"{', '.join(f'{x:.2f}' for x in loop)} / "
                    f"{', '.join(f'{x:.2f}' for x in dask)} |")
    start_wall = _median([pair[1]["startup_s"] for pair in pairs])
    start_cpu = _median([pair[1]["startup_cpu_s"] for pair in pairs])
    loads = [pair[i]["load_before"] for pair in pairs for i in (0, 1)]
    rows.append(f"\nTarget: < 10 % overhead. The task's thread: the CPU time of the thread "
                "that extracts (the same code on both paths). Worker CPU: the CPU time of the "
                "process that extracts (the loop's, or the Dask worker's with all its threads: "
                "the task's and Dask's own) over the tasks. Whole path: every process of the path over "
                "the extraction (the client, and for Dask the scheduler and nannies in it and "
                "the worker process), the run's once-only costs within it included (the "
                "client's connection, the worker plugin opening the gazetteer, the dataset's "
                "lock and compaction). Not in either: starting the LocalCluster, "
                f"{start_wall:.1f} s wall and {start_cpu:.1f} CPU s in the client once per run "
                f"(its worker processes' start-up is not counted). Load average before the "
                f"runs: {min(loads):.2f}–{max(loads):.2f}.\n")
    return rows


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def client_memory(memory: list[tuple[int, dict]]) -> list[str]:
    rows = ["## 3. Client memory (Dask, 2 workers)\n",
            "| articles | client RSS at start MB | client peak RSS MB | dataset MB |",
            "|--:|--:|--:|--:|"]
    for size, res in memory:
        rows.append(f"| {size:,} | {res['rss_start_mb']:.0f} | {res['rss_peak_mb']:.0f} | "
                    f"{res['dataset_bytes'] / 1e6:.1f} |")
    rows.append("\nThe client process holds the scheduler, the nannies and the file list; the "
                "records stay on the workers, which write them.\n")
    return rows


def simulated(sims: list[dict], args: argparse.Namespace) -> list[str]:
    rows = ["## 4. Simulated larger run: more worker processes than cores, 1 thread each\n",
            "| workers | articles | tasks | extraction s | articles/s | CPU ms/article | "
            "busy share per worker (task stream) | idle gap between tasks, median / p95 / max "
            "ms | first worker out of work before the end s | client CPU, share of a core | "
            "no-op task: wall / client CPU ms | load before |",
            "|--:|--:|--:|--:|--:|--:|---|---|--:|--:|--:|--:|"]
    for sim in sims:
        st = sim["stream"]
        busy = st.get("busy") or sim["busy"]
        rows.append(
            f"| {sim['workers']} | {sim['articles']:,} | {sim['batches']} | "
            f"{sim['extract_s']:.1f} | "
            f"{rate(sim):.1f} | {1000 * sim['task_cpu_s'] / sim['articles']:.2f} | "
            f"{min(busy):.0%}–{max(busy):.0%} | {st.get('gap_median_ms', 0):.1f} / "
            f"{st.get('gap_p95_ms', 0):.1f} / {st.get('gap_max_ms', 0):.1f} | "
            f"{st.get('tail_max_s', 0):.1f} | {sim['client_cpu_s'] / sim['extract_s']:.1%} | "
            f"{1000 * (sim['noop_wall_s'] or 0):.2f} / {1000 * (sim['noop_cpu_s'] or 0):.2f} | "
            f"{sim['load_before']:.2f} |")
    rows.append(f"\nBatches of {args.simulate_batch} articles. Busy share: the time a worker "
                "spent computing tasks over the span from the first task's start to the last "
                "one's end, from `distributed`'s task stream (`get_task_stream`). Idle gap: from "
                "the end of a worker's task to the start of its next one, the scheduler's "
                "hand-off (the client keeps two tasks per worker queued). On 2 cores the "
                "workers time-share, so articles/s cannot exceed the 2-worker figure; the "
                "shares and gaps show whether the scheduler keeps every worker fed. Client CPU: "
                "the client process (which holds the LocalCluster's scheduler and nannies) over "
                "the extraction. No-op task: 2,000 tasks that do nothing on the same cluster, "
                "the scheduler's own cost per task.\n")
    return rows


def engine_batch() -> int:
    from dashboard import engine

    return engine.MAX_BATCH


def estimate(sims: list[dict], loop: dict | None) -> list[str]:
    """1M articles on N machines: per-article CPU cost (the loop's, else the simulated runs';
    CPU time, which other programs' load disturbs less than the wall clock),
    times the busy share the scheduler achieved, plus the scheduler's own ceiling."""
    cpu_ms = min(1000 * r["task_cpu_s"] / r["articles"] for r in ([loop] if loop else sims))
    shares = [s["stream"].get("busy") or s["busy"] for s in sims]
    busy = max(0.01, min(sum(b) / len(b) for b in shares))  # the worst run's mean share
    per_task_ms = max(1000 * (s["noop_cpu_s"] or 0) for s in sims) or 1.0
    bytes_per = sims[-1]["dataset_bytes"] / sims[-1]["articles"]
    ceiling = engine_batch() * 1000 / per_task_ms  # articles/s one scheduler hands out
    rows = ["## 5. Estimate: 1,000,000 articles\n",
            f"From the figures above: {cpu_ms:.1f} ms of one core per article "
            f"({'the loop' if loop else 'the simulated runs'}, CPU time), workers busy "
            f"{busy:.0%} of the time (the mean over workers in the worse simulated run, from "
            f"its task stream), "
            f"{per_task_ms:.2f} ms of scheduler CPU per task (the no-op tasks, worst run; so "
            f"about {ceiling:,.0f} articles/s before one scheduler saturates, at the default "
            f"{engine_batch()} articles per task), {bytes_per / 1e3:.1f} kB of Parquet per article "
            f"({1e6 * bytes_per / 1e9:.1f} GB for a million). Machines of 8 cores, one "
            "single-threaded worker per core, a shared filesystem:\n",
            "| machines | workers | hours | articles/s |", "|--:|--:|--:|--:|"]
    for machines in (1, 4, 16, 64):
        workers = 8 * machines
        speed = min(ceiling, workers * busy * 1000 / cpu_ms)
        rows.append(f"| {machines} | {workers} | {1e6 / speed / 3600:.2f} | {speed:,.0f} |")
    rows.append("\nAdd about a minute for cluster start-up and the client's listing and "
                "hashing of a million files; past the scheduler's ceiling more machines do not "
                "help (larger batches raise it), and the shared filesystem's small-file "
                "writes (one batch folder of 8 Parquet files per task) are the next limit.\n")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles for the throughput")
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--overhead-n", type=int, default=0,
                        help="articles for the per-article cost (default n/10)")
    parser.add_argument("--overhead-repeat", type=int, default=3, metavar="R",
                        help="loop and Dask runs, in turn, for the per-article cost (3)")
    parser.add_argument("--overhead-only", action="store_true",
                        help="only the per-article cost (loop vs Dask on one worker)")
    parser.add_argument("--simulate-n", type=int, default=0,
                        help="articles for the simulated larger runs (default n/10)")
    parser.add_argument("--simulate-workers", type=int, nargs="+", default=[4, 8],
                        metavar="N", help="worker processes of the simulated runs (4 8)")
    parser.add_argument("--simulate-batch", type=int, default=25, metavar="N",
                        help="articles per task in the simulated runs (25)")
    parser.add_argument("--simulate-only", action="store_true",
                        help="only the simulated runs and the estimate (default 2,000 "
                             "articles): short enough for a shared machine")
    parser.add_argument("--quick", action="store_true", help="200 articles, a smoke run")
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return 0
    if args.quick:
        args.n = 200
    if args.simulate_only:
        args.simulate_n = args.simulate_n or (200 if args.quick else 2000)
    text = report(args)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
