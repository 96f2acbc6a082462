"""Running the pipeline over many articles into a dataset: in this process, a process pool, or Dask.

Every engine runs the same task, ``extract_batch``, on batches of article files: the worker
extracts each article and writes the batch's Parquet files itself (``dataset.write_batch``);
only a small ``BatchDone`` summary goes back to the client, never the records. So every engine
writes the same rows for the same input, and the client's memory does not grow with the corpus.

- ``local``, one worker: a loop in this process.
- ``local``, N workers: a pool of N spawned processes, each opening its own gazetteer.
- ``dask``: ``dask.distributed``. With no scheduler address, a ``LocalCluster`` of N worker
  processes with one thread each; with one, that cluster as it is (the files and the dataset
  folder must then be at the same paths on every worker, e.g. a shared filesystem). A worker
  plugin opens the gazetteer once per worker, when the worker joins.

Dask is imported here and nowhere else.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.store import dataset
from dashboard.extract.articles import iter_article_paths, read_article
from dashboard.errors import DashboardError
from dashboard.extract.pipeline import default_geocoder, extract_paths, failed

ENGINES = ("local", "dask")
#: Articles per batch at most: small enough that a killed run loses little and the progress
#: bar moves, large enough that Parquet files and task scheduling stay cheap per article.
MAX_BATCH = 100
PLUGIN_NAME = "newsmap-gazetteer"


@dataclass(frozen=True, slots=True)
class BatchTask:
    """One unit of work: extract these files and commit them as batch ``seq`` of ``dataset``."""

    dataset: str
    seq: int
    paths: tuple[str, ...]
    #: The token of the run that asked; the batch is committed only while that run holds it.
    run: str = ""


@dataclass(frozen=True, slots=True)
class BatchDone:
    """What a worker sends back: counts and failures, not records."""

    seq: int
    articles: int
    #: (article path, message) of each article that could not be read or extracted.
    failures: tuple[tuple[str, str], ...]
    seconds: float
    #: CPU time of the worker's process over the batch (its threads included).
    cpu_seconds: float
    worker: str
    #: CPU time of the thread that ran the batch; the rest of ``cpu_seconds`` is the process's
    #: other threads (on Dask, the worker's event loop).
    thread_cpu_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Plan:
    """The files to extract, in batches, and how many were left alone."""

    tasks: tuple[BatchTask, ...]
    skipped: int
    #: Files whose article id an earlier file already has (the first one wins).
    duplicates: tuple[str, ...]

    @property
    def articles(self) -> int:
        return sum(len(t.paths) for t in self.tasks)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A finished run."""

    extracted: int
    skipped: int
    batches: int
    failures: tuple[tuple[str, str], ...]
    duplicates: tuple[str, ...]
    seconds: float
    #: Every batch's summary, in the order they finished.
    done: tuple[BatchDone, ...]


# --------------------------------------------------------------------------- the task itself
def extract_batch(task: BatchTask, geocoder: Any = None,
                  on_article: Callable[[], None] | None = None) -> BatchDone:
    """Extract the task's files and commit them as one batch; runs wherever the engine puts it."""
    started, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
    items, failures = [], []
    for path in task.paths:
        (extraction,) = extract_paths([path], geocoder=geocoder or default_geocoder())
        if failed(extraction):
            failures += [(path, p.message) for p in extraction.problems
                         if p.kind in ("unreadable", "failed")]
        items.append((extraction, "" if failed(extraction)
                      else dataset.content_hash(extraction.article.text)))
        if on_article is not None:
            on_article()
    root = Path(task.dataset)
    dataset.write_batch(root, task.seq, items,
                        still_wanted=lambda: dataset.is_current_run(root, task.run))
    return BatchDone(task.seq, len(items), tuple(failures), time.perf_counter() - started,
                     time.process_time() - cpu, f"{os.uname().nodename}:{os.getpid()}",
                     time.thread_time() - own)


# ------------------------------------------------------------------------------ planning a run
def expand(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, folders as their ``*.txt`` files (sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        out += iter_article_paths(path) if path.is_dir() else [path]
    return out


def plan(files: Sequence[Path], known: dict[str, tuple[int, str]], root: Path, *,
         next_seq: Callable[[], int], batch_size: int = 0, workers: int = 1,
         run: str = "") -> Plan:
    """Which files need extracting (new id, or text that hashes differently), in batches.

    Only files whose id the dataset already has are read here: a first run reads nothing twice.
    """
    seen: set[str] = set()
    todo, duplicates, skipped = [], [], 0
    for path in files:
        if path.stem in seen:
            duplicates.append(str(path))
            continue
        seen.add(path.stem)
        stored = known.get(path.stem)
        if stored and stored[1] and stored[1] == _file_hash(path):
            skipped += 1
        else:
            todo.append(str(path))
    size = batch_size or batch_size_for(len(todo), workers)
    tasks = tuple(BatchTask(str(root), next_seq(), tuple(todo[i:i + size]), run)
                  for i in range(0, len(todo), size))
    return Plan(tasks, skipped, tuple(duplicates))


def batch_size_for(articles: int, workers: int) -> int:
    """About eight batches per worker (so the last ones balance), at most ``MAX_BATCH``."""
    return max(1, min(MAX_BATCH, math.ceil(articles / (8 * max(1, workers)))))


def _file_hash(path: Path) -> str | None:
    try:
        article, _ = read_article(path)
    except (DashboardError, OSError):
        return None
    return dataset.content_hash(article.text)


# ---------------------------------------------------------------------------------- the engines
def run_local(tasks: Sequence[BatchTask], *, workers: int = 1, geocoder: Any = None,
              progress: Callable[[int], None] | None = None) -> Iterator[BatchDone]:
    """The tasks in this process (one worker) or a pool of spawned processes, as they finish;
    ``progress(n)`` after each article here, after each batch in a pool."""
    if workers <= 1 or len(tasks) < 2:
        tick = (lambda: progress(1)) if progress else None
        for task in tasks:
            yield extract_batch(task, geocoder, tick)
        return
    # "spawn": a forked child would share the parent's SQLite connection, which SQLite forbids.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(geocoder, os.getpid())) as pool:
        yield from _bounded(lambda t: pool.submit(_pool_batch, t), tasks, 2 * workers,
                            lambda pending: wait(pending, return_when=FIRST_COMPLETED)[0],
                            progress)


_WORKER_GEOCODER: list[Any] = [None]


def _init_worker(geocoder: Any, parent: int) -> None:
    _WORKER_GEOCODER[0] = geocoder or default_geocoder()  # opened once, at worker start
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A pool worker waits on a queue it holds both ends of, so it would outlive a client
    killed with SIGKILL; it watches its parent instead and exits when the parent is gone."""
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)


def _pool_batch(task: BatchTask) -> BatchDone:
    return extract_batch(task, _WORKER_GEOCODER[0])


def _bounded(submit: Callable, tasks: Sequence[BatchTask], window: int, wait_some: Callable,
             progress: Callable[[int], None] | None) -> Iterator[BatchDone]:
    """Submit at most ``window`` tasks ahead, so the client holds a few futures, not all."""
    queue, pending = list(reversed(tasks)), set()
    while queue or pending:
        while queue and len(pending) < window:
            pending.add(submit(queue.pop()))
        for future in wait_some(pending):
            pending.discard(future)
            result = future.result()
            if progress is not None:
                progress(result.articles)
            yield result


def run_dask(tasks: Sequence[BatchTask], *, scheduler: str | None = None, workers: int = 1,
             geocoder: Any = None,
             progress: Callable[[int], None] | None = None) -> Iterator[BatchDone]:
    """The tasks on a Dask cluster: the one at ``scheduler``, else a new ``LocalCluster``."""
    from dask.distributed import Client

    cluster = None if scheduler else local_cluster(workers)
    client = Client(scheduler or cluster)
    try:
        client.register_plugin(_gazetteer_plugin(geocoder), name=PLUGIN_NAME)
        slots = max(1, sum(client.nthreads().values()))
        yield from _bounded(lambda t: client.submit(_dask_batch, t, pure=False), tasks,
                            2 * slots, _first_done, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: Dask settings for the ``LocalCluster`` this module starts (a cluster given by address is
#: used as it is). Each periodic callback wakes a worker's event loop thread, which must take
#: the GIL from the thread extracting: at Dask's defaults that thread spent 14-18 ms of CPU a
#: second (1.1-1.7 ms per article, 4-6 % of the worker's CPU on a loaded machine) for figures
#: nobody reads here; with these settings 3-7 ms a second.
QUIET_CLUSTER = {
    # A stack sample of every task every 10 ms, for the web dashboard's profile page.
    "distributed.worker.profile.enabled": False,
    # The event loop's health check (a warning when it stalls 3 s): 50 times a second by default.
    "distributed.admin.tick.interval": "1s",
    # CPU, memory, network and disk statistics for the web dashboard: twice a second by default.
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.disk": False,
    # The memory limit check (pause, terminate): ten times a second by default.
    "distributed.worker.memory.monitor-interval": "500ms",
    # Equal workers on one machine, two tasks queued each: nothing to rebalance every 100 ms.
    "distributed.scheduler.work-stealing": False,
}


def local_cluster(workers: int) -> Any:
    """A Dask ``LocalCluster`` of ``workers`` processes with one thread each (the pipeline is
    pure Python and holds the GIL), without the web dashboard, quieted (``QUIET_CLUSTER``)."""
    import dask
    from dask.distributed import LocalCluster

    # Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which also turns off glibc's
    # adaptive mmap threshold: the pipeline's larger buffers are then mapped and unmapped
    # again and again (57 page faults per article instead of 38, 0.5 ms more system CPU).
    environ = {name: value for name, value in
               dask.config.get("distributed.nanny.pre-spawn-environ").items()
               if name != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({**QUIET_CLUSTER, "distributed.nanny.pre-spawn-environ": environ}):
        # No dashboard; the scheduler's small HTTP server (health checks) on a free loopback
        # port, not on 8787, which a second cluster finds taken (and warns about).
        return LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=40,
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})


def _first_done(pending: set) -> set:
    from dask.distributed import wait as dask_wait

    return dask_wait(list(pending), return_when="FIRST_COMPLETED").done


def _gazetteer_plugin(geocoder: Any) -> Any:
    from dask.distributed import WorkerPlugin

    class GazetteerPlugin(WorkerPlugin):
        """Opens the geocoder (and its gazetteer) once, when a worker joins."""

        def __init__(self, given: Any) -> None:
            self.geocoder = given

        def setup(self, worker: Any) -> None:
            self.geocoder = self.geocoder or default_geocoder()

    return GazetteerPlugin(geocoder)


def _dask_batch(task: BatchTask) -> BatchDone:
    from dask.distributed import get_worker

    return extract_batch(task, get_worker().plugins[PLUGIN_NAME].geocoder)


# ------------------------------------------------------------------------------------ a whole run
def extract_to_dataset(paths: Iterable[str | os.PathLike], root: str | os.PathLike, *,
                       engine: str = "local", workers: int = 1, scheduler: str | None = None,
                       batch_size: int = 0, geocoder: Any = None,
                       progress: Callable[[int], None] | None = None,
                       on_plan: Callable[[Plan], None] | None = None,
                       prune: bool = False) -> RunSummary:
    """Extract the new and changed articles of ``paths`` into the dataset at ``root``.

    ``progress(n)`` is called as articles finish (per article on one local worker, per batch
    elsewhere); ``on_plan`` once the work is known. With ``prune``, the articles of the
    dataset that are not in ``paths`` are dropped first: the dataset mirrors its input (the
    dashboard's cache of a folder); without, they stay.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {ENGINES}")
    started = time.perf_counter()
    files = expand(paths)
    with dataset.open_for_writing(Path(root)) as writer:
        if prune:  # before planning: the new batches must be numbered after any rewrite
            ids = {path.stem for path in files}
            dataset.compact(writer, wanted=ids.__contains__)
        chosen = plan(files, writer.known, writer.root, next_seq=writer.take_seq,
                      batch_size=batch_size, workers=workers, run=writer.run)
        writer.reserve()
        if on_plan is not None:
            on_plan(chosen)
        if engine == "dask" and chosen.tasks:
            results = run_dask(chosen.tasks, scheduler=scheduler, workers=workers,
                               geocoder=geocoder, progress=progress)
        else:
            results = run_local(chosen.tasks, workers=workers, geocoder=geocoder,
                                progress=progress)
        done = list(results)
    return RunSummary(sum(d.articles for d in done), chosen.skipped, len(done),
                      tuple(f for d in done for f in d.failures), chosen.duplicates,
                      time.perf_counter() - started, tuple(done))
