"""A folder through its cached dataset: the same extractions as extracting it in memory, only
new and changed files extracted on a restart, and extraction in memory whenever the cache
cannot be used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.extract import pipeline
from dashboard.extract.pipeline import extract_paths
from dashboard.store import dataset, folder_cache, uploads

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TEXT = ("Fighting in {place}\n\nPublished: 2024-03-0{day}\n\nTroops of the army attacked rebels "
        "in {place} on Monday, officials said. Two days later talks opened in Geneva.\n")


def page(extractions) -> list[tuple]:
    """What the page holds: each extraction as ``extract_folder`` shows it, with its dates."""
    shown = [uploads.public(ex, Path(ex.article.path)) for ex in extractions]
    return [(ex, ex.dates) for ex in shown]


@pytest.fixture
def folder(tmp_path) -> Path:
    """Three small articles, the seed, and a file that cannot be read as text."""
    found = tmp_path / "articles"
    found.mkdir()
    for day, place in enumerate(("Goma", "Mosul", "Kharkiv"), 1):
        (found / f"{place.lower()}.txt").write_text(TEXT.format(place=place, day=day))
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, found / seed.name)
    (found / "zz_broken.txt").write_bytes(b"\x00\xff\xfe not text \x00" * 10)
    return found


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Every file the pipeline extracts, wherever it is called from."""
    seen: list[str] = []
    real = pipeline._safe_extract

    def counted(path, geocoder=None):
        seen.append(Path(path).name)
        return real(path, geocoder)

    monkeypatch.setattr(pipeline, "_safe_extract", counted)
    return seen


def test_folder_cache_gives_the_seeds_as_extracting_them_in_memory(tmp_path):
    loaded = folder_cache.load(SEEDS, tmp_path / "cache")
    assert loaded.note == "" and loaded.extracted == len(list(SEEDS.glob("*.txt")))
    assert page(loaded.extractions) == page(extract_paths([str(SEEDS)]))
    assert (tmp_path / "cache" / "folders").is_dir()


def test_folder_cache_gives_what_extracting_in_memory_gives(folder, tmp_path):
    loaded = folder_cache.load(folder, tmp_path / "cache")
    expected = page(extract_paths([folder]))
    assert page(loaded.extractions) == expected
    assert [ex.article.path for ex, _ in expected][-1] == "zz_broken.txt"
    broken = page(loaded.extractions)[-1][0]
    assert broken.problems and broken.problems[0].kind == "unreadable"
    assert str(folder) not in broken.problems[0].message  # the page names files, not paths


def test_folder_cache_second_load_extracts_only_new_and_changed_files(folder, tmp_path, calls):
    (folder / "zz_broken.txt").unlink()
    cache = tmp_path / "cache"
    first = folder_cache.load(folder, cache)
    assert first.extracted == len(calls) == 4
    calls.clear()
    again = folder_cache.load(folder, cache)
    assert calls == [] and again.extracted == 0 and again.extractions == first.extractions

    (folder / "goma.txt").write_text(TEXT.format(place="Bukavu", day=5))
    (folder / "new.txt").write_text(TEXT.format(place="Aleppo", day=6))
    (folder / "mosul.txt").unlink()
    changed = folder_cache.load(folder, cache)
    assert sorted(calls) == ["goma.txt", "new.txt"] and changed.extracted == 2
    assert page(changed.extractions) == page(extract_paths([folder]))
    assert "mosul" not in {ex.article.id for ex in changed.extractions}
    assert "mosul" not in {ex.article.id for ex in dataset.read_extractions(
        folder_cache.cache_for(folder, cache))}  # dropped from the cache, not only hidden


def test_folder_cache_keeps_a_second_file_of_one_id(folder, tmp_path):
    (folder / "goma.TXT").write_text(TEXT.format(place="Bunia", day=7))
    loaded = folder_cache.load(folder, tmp_path / "cache")
    assert page(loaded.extractions) == page(extract_paths([folder]))
    assert [ex.article.id for ex in loaded.extractions].count("goma") == 2


def test_folder_cache_unwritable_extracts_in_memory(folder, tmp_path, calls):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    loaded = folder_cache.load(folder, blocker)
    assert "cannot be used" in loaded.note
    assert page(loaded.extractions) == page(extract_paths([folder]))
    assert blocker.read_text().startswith("a file")


def test_folder_cache_held_by_another_process_extracts_in_memory(folder, tmp_path):
    cache = tmp_path / "cache"
    with dataset.open_for_writing(folder_cache.cache_for(folder, cache)):
        loaded = folder_cache.load(folder, cache)
    assert "another process" in loaded.note
    assert page(loaded.extractions) == page(extract_paths([folder]))
    assert folder_cache.load(folder, cache).note == ""  # once free, the cache is used


@pytest.mark.parametrize("damage", ["parquet", "meta", "manifest"])
def test_folder_cache_damaged_is_made_anew(folder, tmp_path, damage, calls):
    cache = tmp_path / "cache"
    folder_cache.load(folder, cache)
    home = folder_cache.cache_for(folder, cache)
    batch = next((home / "batches").iterdir())
    target = {"parquet": batch / "events.parquet", "meta": home / "_meta.json",
              "manifest": batch / "manifest.json"}[damage]
    target.write_bytes(target.read_bytes()[:40])
    calls.clear()
    loaded = folder_cache.load(folder, cache)
    names = {path.name for path in folder.iterdir()}
    assert loaded.note == "" and loaded.extracted == len(names) and set(calls) == names
    assert page(loaded.extractions) == page(extract_paths([folder]))
    calls.clear()
    assert folder_cache.load(folder, cache).extracted == 1 == len(calls)  # the broken file


def test_folder_cache_is_one_per_folder(tmp_path):
    cache = tmp_path / "cache"
    assert folder_cache.cache_for(tmp_path / "a", cache) != folder_cache.cache_for(
        tmp_path / "b", cache)
    assert folder_cache.cache_for(tmp_path / "a" / ".." / "a", cache) == folder_cache.cache_for(
        tmp_path / "a", cache)


def test_folder_cache_app_shows_the_seeds_as_before(tmp_path, monkeypatch, calls):
    """The page's ``extract_folder``: the seeds as extracting them in memory gave them, and a
    restart (its Streamlit cache cleared, as a new server has it) extracts nothing."""
    from dashboard.ui import page as app

    monkeypatch.setenv("NEWSMAP_CACHE", str(tmp_path / "cache"))
    signature = app.signature(SEEDS)
    app.extract_folder.clear()
    shown = app.extract_folder(str(SEEDS), signature)
    assert [(ex, ex.dates) for ex in shown] == page(extract_paths([str(SEEDS)]))
    calls.clear()
    app.extract_folder.clear()
    assert app.extract_folder(str(SEEDS), signature) == shown and calls == []
    app.extract_folder.clear()


def test_folder_cache_is_made_anew_for_other_extracting_code(folder, tmp_path, calls,
                                                              monkeypatch):
    """The dataset skips unchanged texts: after an upgrade the folder must be extracted again
    (a cache per code stamp), and the old code's cache goes."""
    cache = tmp_path / "cache"
    folder_cache.load(folder, cache)
    old = folder_cache.cache_for(folder, cache)
    calls.clear()
    monkeypatch.setattr(folder_cache, "code_stamp", lambda: "an-upgrade")
    again = folder_cache.load(folder, cache)
    assert again.extracted == len(calls) == len(list(folder.glob("*.txt")))
    assert page(again.extractions) == page(extract_paths([folder]))
    assert not old.exists() and folder_cache.cache_for(folder, cache).exists()


def test_folder_cache_code_stamp_follows_the_extracting_code():
    stamp = folder_cache.code_stamp()
    assert len(stamp) == 12 and stamp == folder_cache.code_stamp()
    stamped = {path.name for part, pattern in folder_cache._STAMPED
               for path in (folder_cache._PACKAGE / part).glob(pattern)}
    assert {"pipeline.py", "resolve.py", "records.py", "gazetteer.py", "not_places.txt"} <= stamped
