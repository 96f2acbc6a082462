"""The engines: loop, process pool and Dask write the same dataset; re-runs are incremental; a
run killed with SIGKILL and restarted ends exactly like an uninterrupted one."""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from dashboard.store import dataset as ds
from dashboard import engine
from dashboard.__main__ import main
from dashboard.extract.pipeline import extract_paths

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("make_corpus",
                                               ROOT / "benchmarks" / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_SPEC)
sys.modules["make_corpus"] = make_corpus  # dataclasses look their module up there
_SPEC.loader.exec_module(make_corpus)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Eight short synthetic articles and one file that is not text."""
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus.write_corpus(folder, 8, words=120, seed=5)
    (folder / "zz_binary.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 20)
    return folder


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus40")
    make_corpus.write_corpus(folder, 40, words=100, seed=9)
    return folder


@pytest.fixture(scope="module")
def cluster():
    """One LocalCluster for the module (starting one costs seconds)."""
    with engine.local_cluster(2) as local:
        yield local


def contents(root: Path) -> list[tuple]:
    """The dataset as comparable values: every extraction, with its dates (which do not compare)."""
    return [(ex, ex.dates) for ex in ds.read_extractions(root)]


def files(root: Path) -> dict[str, bytes]:
    """Every committed file, by its path in the dataset: the same batches, byte for byte."""
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted((root / "batches").rglob("*")) if p.is_file()}


def test_engine_loop_pool_and_dask_write_the_same_dataset(corpus, cluster, tmp_path):
    runs = {"loop": dict(engine="local", workers=1), "pool": dict(engine="local", workers=2),
            "dask": dict(engine="dask", scheduler=cluster.scheduler_address)}
    for name, options in runs.items():
        summary = engine.extract_to_dataset([corpus], tmp_path / name, batch_size=2, **options)
        assert summary.extracted == 9 and len(summary.failures) == 1, name
    loop = contents(tmp_path / "loop")
    assert loop == contents(tmp_path / "pool") == contents(tmp_path / "dask")
    assert files(tmp_path / "loop") == files(tmp_path / "pool") == files(tmp_path / "dask")
    direct = sorted(extract_paths([corpus]), key=lambda ex: ex.article.id)
    assert loop == [(ex, ex.dates) for ex in direct]


def test_engine_dask_workers_write_their_own_batches(corpus, cluster, tmp_path):
    from dask.distributed import Client

    summary = engine.extract_to_dataset([corpus], tmp_path / "d", engine="dask", batch_size=3,
                                        scheduler=cluster.scheduler_address)
    workers = {d.worker.rsplit(":", 1)[1] for d in summary.done}
    assert str(os.getpid()) not in workers and len(summary.done) == 3
    with Client(cluster.scheduler_address) as client:
        opened = client.run(lambda dask_worker: engine.PLUGIN_NAME in dask_worker.plugins)
    assert all(opened.values()) and len(opened) == 2


def test_engine_rerun_skips_unchanged_and_replaces_changed(corpus, tmp_path):
    work = tmp_path / "c"
    work.mkdir()
    for path in corpus.glob("0*.txt"):
        (work / path.name).write_bytes(path.read_bytes())
    root = tmp_path / "d"
    engine.extract_to_dataset([work], root, batch_size=3)
    again = engine.extract_to_dataset([work], root)
    assert (again.extracted, again.skipped) == (0, 8)
    changed = sorted(work.glob("*.txt"))[4]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nTalks were held in Bamako.\n",
                       encoding="utf-8")
    (work / "new.txt").write_text("Fighting broke out in Gao.\n", encoding="utf-8")
    third = engine.extract_to_dataset([work], root)
    assert (third.extracted, third.skipped) == (2, 7)
    expected = sorted(extract_paths([work]), key=lambda ex: ex.article.id)
    assert contents(root) == [(ex, ex.dates) for ex in expected]
    listed = [e.article_id for b in ds.batches(root) for e in b.entries]
    assert sorted(listed) == sorted(set(listed)) and len(listed) == 9  # no stale batch left


def test_engine_prune_drops_the_articles_not_in_the_input(corpus, tmp_path):
    work = tmp_path / "c"
    work.mkdir()
    for path in sorted(corpus.glob("0*.txt"))[:5]:
        (work / path.name).write_bytes(path.read_bytes())
    root = tmp_path / "d"
    engine.extract_to_dataset([work], root, batch_size=2)
    gone = sorted(work.glob("*.txt"))[2]
    gone.unlink()
    kept = engine.extract_to_dataset([work], root)  # without prune, it stays
    assert kept.extracted == 0 and gone.stem in {ex.article.id for ex in ds.read_extractions(root)}
    pruned = engine.extract_to_dataset([work], root, prune=True)
    assert (pruned.extracted, pruned.skipped) == (0, 4)
    expected = sorted(extract_paths([work]), key=lambda ex: ex.article.id)
    assert contents(root) == [(ex, ex.dates) for ex in expected]
    listed = [e.article_id for b in ds.batches(root) for e in b.entries]
    assert sorted(listed) == [ex.article.id for ex in expected]  # rewritten, not only hidden


def test_engine_unreadable_article_is_kept_and_tried_again(corpus, tmp_path):
    root = tmp_path / "d"
    binary = corpus / "zz_binary.txt"
    first = engine.extract_to_dataset([binary], root)
    assert first.failures and first.failures[0][0] == str(binary)
    (kept,) = ds.read_extractions(root)
    assert [p.kind for p in kept.problems] == ["unreadable"]
    assert engine.extract_to_dataset([binary], root).extracted == 1


def test_engine_batch_of_a_run_no_longer_current_is_dropped(corpus, tmp_path):
    """A task that outlives its client (on a cluster that stays up) finds a restart in charge."""
    root = tmp_path / "d"
    with ds.open_for_writing(root) as killed:
        task = engine.BatchTask(str(root), killed.take_seq(),
                                (str(sorted(corpus.glob("0*.txt"))[0]),), killed.run)
    with ds.open_for_writing(root):
        with pytest.raises(ds.DatasetError, match="dropped"):
            engine.extract_batch(task)
    assert ds.batches(root) == ()


def test_engine_plan_keeps_the_first_of_two_files_with_one_id(corpus, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    first = sorted(corpus.glob("0*.txt"))[0]
    (other / first.name).write_text("Fighting broke out in Gao.\n", encoding="utf-8")
    chosen = engine.plan([first, other / first.name], {}, tmp_path,
                         next_seq=iter(range(9)).__next__)
    assert chosen.articles == 1 and chosen.duplicates == (str(other / first.name),)


def test_engine_batch_size_gives_each_worker_several_batches():
    assert engine.batch_size_for(20_000, 2) == engine.MAX_BATCH
    assert engine.batch_size_for(160, 2) == 10
    assert engine.batch_size_for(3, 4) == 1


# ------------------------------------------------------------------------------ kill and restart
def _start(folder: Path, root: Path, *options: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", "extract", str(folder), "-o", f"{root}/",
         "--batch-size", "2", "--no-progress", *options],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill(proc: subprocess.Popen, root: Path, delay: float, after_first_batch: bool) -> None:
    """SIGKILL after ``delay`` s, counted from the first committed batch if asked; then wait
    until every process it started is gone (a pool or Dask worker must not outlive it)."""
    deadline = time.monotonic() + 60
    while after_first_batch and proc.poll() is None and not ds.signature(root):
        assert time.monotonic() < deadline, "no batch committed in a minute"
        time.sleep(0.01)
    time.sleep(delay)
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"processes outlived the killed run: {alive}"


@pytest.fixture(scope="module")
def uninterrupted(big_corpus, tmp_path_factory) -> list[tuple]:
    root = tmp_path_factory.mktemp("whole") / "d"
    engine.extract_to_dataset([big_corpus], root, batch_size=2)
    return contents(root)


@pytest.mark.parametrize("options, seed, after_first_batch", [
    ((), 1, False),                           # anywhere, start-up included
    ((), 2, True),                            # while batches are being written
    (("--workers", "2"), 3, True),            # a process pool
    (("--engine", "dask", "--workers", "2"), 4, True),  # a Dask LocalCluster
], ids=["loop-early", "loop", "pool", "dask"])
def test_engine_killed_run_restarted_ends_like_an_uninterrupted_run(
        big_corpus, uninterrupted, tmp_path, options, seed, after_first_batch):
    root = tmp_path / "d"
    rng = random.Random(seed)
    delay = rng.uniform(0.3, 1.5) if not after_first_batch else rng.uniform(0.0, 0.2)
    _kill(_start(big_corpus, root, *options), root, delay, after_first_batch)
    assert main(["extract", str(big_corpus), "-o", f"{root}/", "--no-progress"]) == 0
    assert contents(root) == uninterrupted
    listed = [e.article_id for b in ds.batches(root) for e in b.entries]
    assert len(listed) == len(set(listed)) == 40
    assert not any((root / "_tmp").iterdir())
