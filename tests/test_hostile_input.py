"""Hostile and broken input through the whole pipeline and the CLI: clear problems, nothing lost.

Every input is generated here (no binary fixtures). The folder tests run one batch over good
articles mixed with broken ones, then check that each broken file carries a problem with a
human message, that each good article is exactly what extracting it alone gives, and that every
offset slices back to its text.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dashboard.extract import pipeline
from dashboard.extract.articles import parse_article_with_problems
from dashboard.extract.pipeline import STAGES, extract_file, extract_paths, extract_text, run
from dashboard.records import Extraction

ROOT = Path(__file__).resolve().parents[1]

NIGERIA = """\
Floods force thousands from their homes in northern Nigeria
Aid agencies said the flooding around Kano had displaced more than 20,000 people.
(Wire Desk) Tuesday, September 14, 2010
Heavy rain on Monday flooded villages near Kano, local officials said.
The Red Cross sent 300 volunteers to the city of Kaduna on Sunday.
About 500 Nigerian soldiers were deployed to Kano on Monday, the army said.
The governor will visit Abuja next week to ask for federal aid.
"""
ANDES = """\
Border talks resume between Peru and Ecuador
Negotiators returned to the table after a month of tension.
(Andes Report) Friday, October 16, 1998
Foreign ministers of Peru and Ecuador met in Brasilia on Thursday to resume talks.
About 2,000 Ecuadorian soldiers are stationed near the border, officials in Quito said.
The talks will continue in Lima next week, a spokesman said.
"""
DATELINE = "Tuesday, September 14, 2010"
GOOD = {"good_nigeria": NIGERIA, "good_andes": ANDES}


def _broken_files() -> dict[str, bytes]:
    """File stem -> bytes of every broken variant (the text ones are NIGERIA in disguise)."""
    lines = NIGERIA.splitlines(keepends=True)
    return {
        "empty": b"",
        "blank": b"  \n\t\n \r\n   ",
        "random_bytes": random.Random(7).randbytes(4096),
        "latin1": ANDES.replace("Brasilia", "Bogotá").encode("latin-1"),
        "bom": b"\xef\xbb\xbf" + NIGERIA.encode(),
        "crlf": NIGERIA.replace("\n", "\r\n").encode(),
        "lone_cr": NIGERIA.replace("\n", "\r").encode(),
        "no_dateline": "".join(lines[:2] + lines[3:]).encode(),
        "feb30": NIGERIA.replace(DATELINE, "Friday, February 30, 2007").encode(),
        "future": NIGERIA.replace(DATELINE, "Saturday, March 3, 2198").encode(),
        "rtl": NIGERIA.replace("Kaduna", "\u202bKaduna\u202c").replace(
            "officials said", "officials \u0645\u0633\u0624\u0648\u0644 said").encode(),
        "emoji": NIGERIA.replace("Heavy rain", "Heavy rain \U0001F327\ufe0f\U0001F30A").replace(
            "Abuja", "Abuja \U0001F1F3\U0001F1EC").encode(),
        "vanishes": NIGERIA.encode(),
        "becomes_folder": NIGERIA.encode(),
    }


#: Stem -> the problem kind its Extraction must carry.
EXPECTED_PROBLEM = {
    "empty": "empty", "blank": "empty", "random_bytes": "unreadable", "latin1": "encoding",
    "no_dateline": "no_dateline", "feb30": "impossible_date", "future": "future_date",
    "vanishes": "unreadable", "becomes_folder": "unreadable",
}
#: Stems whose text, once read, is NIGERIA with harmless extra characters.
SAME_AS_CLEAN = ("bom", "crlf", "lone_cr", "rtl", "emoji")


def _write_folder(folder: Path) -> None:
    folder.mkdir()
    for stem, text in GOOD.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    for stem, data in _broken_files().items():
        (folder / f"{stem}.txt").write_bytes(data)


def _sabotaging(listing):
    """``iter_article_paths`` that, once the folder is listed, deletes one file and turns
    another into a folder: the race of a user tidying up while a batch runs."""
    def listed(folder):
        found = listing(folder)
        (folder / "vanishes.txt").unlink()
        (folder / "becomes_folder.txt").unlink()
        (folder / "becomes_folder.txt").mkdir()
        return found
    return listed


@pytest.fixture(scope="module")
def batch(tmp_path_factory, offline_geocoder) -> dict[str, Extraction]:
    """Every extraction of one folder run, by article id."""
    folder = tmp_path_factory.mktemp("hostile") / "articles"
    _write_folder(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "iter_article_paths", _sabotaging(pipeline.iter_article_paths))
        found = list(extract_paths([folder], geocoder=offline_geocoder))
    (folder / "becomes_folder.txt").rmdir()  # so the good files can be re-read alone
    return {ex.article.id: ex for ex in found}


def _covers(text: str, start: int, end: int, sentence: str) -> bool:
    """Whether some occurrence of ``sentence`` in ``text`` contains ``text[start:end]``."""
    at = text.find(sentence, max(0, end - len(sentence)))
    return sentence != "" and 0 <= at <= start and end <= at + len(sentence)


def assert_consistent(ex: Extraction) -> None:
    """Offsets slice back, references point at records that exist, the JSON is strict."""
    text = ex.article.text
    place_ids, actor_ids = {p.id for p in ex.places}, {a.id for a in ex.actors}
    for p in ex.places:
        assert text[p.start:p.end] == p.surface, p
        assert _covers(text, p.start, p.end, p.sentence), p
    for record in ex.events + ex.deployments:
        assert 0 <= record.start < record.end <= len(text), record
        assert _covers(text, record.start, record.end, record.sentence), record
        assert record.place is None or record.place in place_ids, record
    for event in ex.events:
        assert set(event.actors) <= actor_ids, event
    for d in ex.dates:
        assert text[d.start:d.end] == d.text, d
    for actor in ex.actors:
        assert actor.mentions and all(0 <= s < e <= len(text) for s, e in actor.mentions), actor
    for problem in ex.problems:
        assert problem.kind and len(problem.message) > 10, problem
        if problem.start is not None:
            assert 0 <= problem.start <= problem.end <= len(text), problem
    json.dumps(ex.to_dict(), allow_nan=False)


def assert_nothing_unaccounted(ex: Extraction) -> None:
    """Every place without coordinates has a problem at its offsets (not silently unmapped)."""
    flagged = {(p.start, p.end) for p in ex.problems if p.kind == "unresolved_place"}
    for place in ex.places:
        assert place.resolved or (place.start, place.end) in flagged, place


def test_extract_paths_every_file_yields_one_extraction(batch):
    expected = set(GOOD) | set(_broken_files())
    assert set(batch) == expected


@pytest.mark.parametrize("stem", sorted(EXPECTED_PROBLEM))
def test_extract_paths_broken_file_gets_a_clear_problem(batch, stem):
    kinds = {p.kind: p.message for p in batch[stem].problems}
    assert EXPECTED_PROBLEM[stem] in kinds, batch[stem].problems
    assert_consistent(batch[stem])
    assert_nothing_unaccounted(batch[stem])


def test_extract_paths_unreadable_problems_name_the_file(batch):
    for stem in ("random_bytes", "vanishes", "becomes_folder"):
        (problem,) = batch[stem].problems
        assert f"{stem}.txt" in problem.message and batch[stem].article.text == ""
        assert pipeline.failed(batch[stem])


def test_extract_paths_readable_oddities_are_not_failures(batch):
    readable = set(batch) - {"random_bytes", "vanishes", "becomes_folder"}
    assert not [stem for stem in readable if pipeline.failed(batch[stem])]


@pytest.mark.parametrize("stem", sorted(GOOD))
def test_extract_paths_good_article_unaffected_by_its_neighbours(batch, stem, offline_geocoder):
    alone = extract_file(batch[stem].article.path, geocoder=offline_geocoder)
    assert batch[stem].to_dict() == alone.to_dict()
    assert batch[stem].places and batch[stem].events
    assert_consistent(batch[stem])
    assert_nothing_unaccounted(batch[stem])


def _facts(ex: Extraction) -> tuple:
    """What an analyst sees, without offsets (which move when characters are added)."""
    return (
        ex.article.title.replace("\u202b", "").replace("\u202c", ""), ex.article.published,
        [(p.name, p.kind, p.country_code, p.lat, p.lon, p.literal) for p in ex.places],
        sorted(a.name for a in ex.actors),
        [(e.type, e.date, e.status) for e in ex.events],
        [(d.strength, d.status, d.date) for d in ex.deployments],
        sorted(p.kind for p in ex.problems),
    )


@pytest.mark.parametrize("stem", SAME_AS_CLEAN)
def test_extract_paths_harmless_encodings_find_the_same_facts(batch, stem):
    assert_consistent(batch[stem])
    assert _facts(batch[stem]) == _facts(batch["good_nigeria"])


@pytest.mark.parametrize("stem", ("bom", "crlf", "lone_cr"))
def test_extract_paths_bom_and_newlines_give_identical_offsets(batch, stem):
    clean, odd = batch["good_nigeria"].to_dict(), batch[stem].to_dict()
    for record in (clean, odd):
        record["article"].pop("id"), record["article"].pop("path")
    assert odd == clean


def test_extract_paths_latin1_keeps_accented_place(batch):
    surfaces = [p.surface for p in batch["latin1"].places]
    assert "Bogotá" in surfaces and "Bogot" not in "".join(s for s in surfaces if s != "Bogotá")


def test_extract_paths_no_dateline_leaves_relative_dates_unresolved_and_says_so(batch):
    ex = batch["no_dateline"]
    assert ex.article.published is None and all(d.date is None for d in ex.dates)
    flagged = {(p.start, p.end) for p in ex.problems if p.kind == "unresolved_date"}
    assert ex.dates and flagged == {(d.start, d.end) for d in ex.dates}


def test_extract_paths_impossible_and_future_datelines(batch):
    assert batch["feb30"].article.published is None
    assert "February 30" in next(p.message for p in batch["feb30"].problems
                                 if p.kind == "impossible_date")
    assert batch["future"].article.published.year == 2198 and batch["future"].events


def test_extract_paths_empty_folder_yields_nothing(tmp_path, offline_geocoder):
    assert list(extract_paths([tmp_path], geocoder=offline_geocoder)) == []


def test_extract_paths_missing_folder_is_one_unreadable_extraction(tmp_path, offline_geocoder):
    (ex,) = extract_paths([tmp_path / "gone"], geocoder=offline_geocoder)
    assert pipeline.failed(ex) and "gone" in ex.problems[0].message


def test_extract_text_zero_width_characters_hide_nothing(offline_geocoder):
    """Zero-width spaces and direction marks (common in text copied from the web) are
    invisible: the dateline and the places around them must still be read."""
    odd = NIGERIA.replace("(Wire Desk) ", "(Wire Desk)\u200b ").replace(
        "in northern Nigeria", "in\u200e northern \u200bNigeria").replace("Kano,", "Kano\u2060,")
    clean = extract_text(NIGERIA, "clean", geocoder=offline_geocoder)
    ex = extract_text(odd, "odd", geocoder=offline_geocoder)
    assert_consistent(ex)
    assert ex.article.published == clean.article.published, ex.problems
    assert [p.name for p in ex.places] == [p.name for p in clean.places]


def test_resolve_small_town_named_without_preposition_is_not_silently_dropped(offline_geocoder):
    """A real place the resolver doubts must stay visible (located or flagged), not vanish."""
    text = ("Serb forces overrun Srebrenica\n(Balkan Wire) Wednesday, July 12, 1995\n"
            "Bosnian Serb troops overran Srebrenica on Tuesday, officials in Sarajevo said.\n")
    article, problems = parse_article_with_problems(text, "x")
    names = [s.name for s in STAGES]
    found = run(article, geocoder=offline_geocoder, stages=STAGES[: names.index("places") + 1])
    ex = run(article, geocoder=offline_geocoder, problems=problems)
    kept = {(p.start, p.end) for p in ex.places} | {(p.start, p.end) for p in ex.problems}
    lost = [p.surface for p in found.places if (p.start, p.end) not in kept]
    assert not lost, f"mentions dropped without a trace: {lost}"


def _run_cli(argv: list[str], folder: Path, capsys) -> tuple[int, str]:
    """``python -m dashboard`` in process, with the folder sabotaged as in ``batch``."""
    from dashboard.__main__ import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "iter_article_paths", _sabotaging(pipeline.iter_article_paths))
        code = main(argv)
    return code, capsys.readouterr().err


def test_cli_extract_json_reports_every_broken_file_and_keeps_the_rest(tmp_path, capsys,
                                                                       offline_geocoder):
    folder, out = tmp_path / "articles", tmp_path / "out.json"
    _write_folder(folder)
    code, err = _run_cli(["extract", str(folder), "--format", "json", "-o", str(out)],
                         folder, capsys)
    found = {d["article"]["id"]: d for d in json.loads(out.read_text(encoding="utf-8"))}
    assert code == 1 and set(found) == set(GOOD) | set(_broken_files())
    for stem in ("random_bytes", "vanishes", "becomes_folder"):
        assert f"{stem}.txt" in err
    for stem, kind in EXPECTED_PROBLEM.items():
        assert kind in [p["kind"] for p in found[stem]["problems"]], stem
    (folder / "becomes_folder.txt").rmdir()
    for stem in GOOD:
        alone = extract_file(folder / f"{stem}.txt", geocoder=offline_geocoder)
        assert found[stem] == json.loads(json.dumps(alone.to_dict()))


@pytest.mark.parametrize("fmt", ["jsonl", "geojson", "csv"])
def test_cli_extract_other_formats_survive_the_hostile_folder(tmp_path, capsys, fmt):
    folder, out = tmp_path / "articles", tmp_path / f"out.{fmt}"
    _write_folder(folder)
    code, err = _run_cli(["extract", str(folder), "--format", fmt, "-o", str(out)],
                         folder, capsys)
    written = out.read_text(encoding="utf-8")
    assert code == 1 and "vanishes.txt" in err
    if fmt == "jsonl":
        ids = [json.loads(line)["article"]["id"] for line in written.splitlines()]
        assert sorted(ids) == sorted(set(GOOD) | set(_broken_files()))
    elif fmt == "geojson":
        features = json.loads(written)["features"]
        assert {f["properties"]["article_id"] for f in features} >= {"emoji", "rtl", "latin1"}
    else:
        import csv

        rows = list(csv.DictReader(written.splitlines()))
        assert {r["article_id"] for r in rows} >= {"emoji", "rtl", "good_andes"}


def test_cli_extract_empty_folder_writes_an_empty_array(tmp_path, capsys):
    from dashboard.__main__ import main

    out = tmp_path / "out.json"
    (tmp_path / "empty").mkdir()
    assert main(["extract", str(tmp_path / "empty"), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == []


def test_cli_extract_as_a_process_exit_code_and_stderr(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(ANDES, encoding="utf-8")
    (folder / "junk.txt").write_bytes(random.Random(3).randbytes(2000) + b"\x00")
    done = subprocess.run([sys.executable, "-m", "dashboard", "extract", str(folder),
                           "--format", "jsonl"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1 and "junk.txt" in done.stderr and "binary" in done.stderr
    assert [d["article"]["id"] for d in lines] == ["good", "junk"]
    assert lines[0]["places"] and lines[1]["problems"][0]["kind"] == "unreadable"


def _short_article(rng: random.Random, index: int) -> str:
    town, country = rng.choice([("Kano", "Nigeria"), ("Quito", "Ecuador"), ("Lyon", "France"),
                                ("Cebu", "the Philippines"), ("Mosul", "Iraq")])
    day = rng.randint(1, 28)
    return (f"Report {index} from {town}\n(Wire) March {day}, 2011\n"
            f"Officials met in {town} on Monday, {country} said.\n"
            f"About {rng.randint(2, 900)} soldiers are stationed near {town}.\n")


def test_extract_paths_thousand_article_folder(tmp_path, offline_geocoder):
    rng = random.Random(1000)
    for i in range(1000):
        (tmp_path / f"a{i:04d}.txt").write_text(_short_article(rng, i), encoding="utf-8")
    started = time.process_time()
    found = list(extract_paths([tmp_path], geocoder=offline_geocoder))
    elapsed = time.process_time() - started
    print(f"\n1,000 short articles: {elapsed:.2f} CPU s ({1000 / elapsed:.0f} articles/s)")
    assert [ex.article.id for ex in found] == [f"a{i:04d}" for i in range(1000)]
    assert not [ex.article.id for ex in found if pipeline.failed(ex)]
    for ex in found[::97]:
        assert_consistent(ex)
        assert ex.to_dict() == extract_file(ex.article.path, geocoder=offline_geocoder).to_dict()


def _news(size: int, *, one_line: bool = False) -> str:
    """About ``size`` characters of varied news prose (places, actors, dates, troops)."""
    rng = random.Random(size)
    towns = ["Kano", "Quito", "Lyon", "Mosul", "Basra", "Gao", "Kharkiv", "Cebu", "Herat", "Jos"]
    parts, total = [], 0
    while total < size:
        a, b = rng.sample(towns, 2)
        sentence = (f"On Monday {rng.randint(2, 5000)} soldiers moved from {a} to {b}, "
                    f"officials in {rng.choice(towns)} said, and talks will resume next week. ")
        parts.append(sentence if one_line else sentence + "\n")
        total += len(parts[-1])
    return "Big report\n(Wire) Thursday, December 06, 2007\n" + "".join(parts)


def _cpu_seconds(text: str, geocoder) -> float:
    started = time.process_time()
    assert_consistent(extract_text(text, "big", geocoder=geocoder))
    return time.process_time() - started


def test_extract_text_time_grows_linearly_with_article_size(offline_geocoder):
    """Four times the text may cost up to eight times the CPU, not sixteen (quadratic)."""
    _cpu_seconds(_news(5_000), offline_geocoder)  # warm the candidate cache
    small = _cpu_seconds(_news(20_000), offline_geocoder)
    large = _cpu_seconds(_news(80_000), offline_geocoder)
    print(f"\n20 kB: {small:.2f} CPU s; 80 kB: {large:.2f} CPU s; ratio {large / small:.1f}")
    assert large < 8 * small + 0.2, f"20 kB took {small:.2f}s but 80 kB {large:.2f}s"


_MEASURE = textwrap.dedent("""
    import resource, sys, time
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
    from test_hostile_input import _news
    from dashboard.extract.pipeline import extract_text, default_geocoder
    text = _news(int(sys.argv[2]), one_line=sys.argv[3] == "line")
    geocoder = default_geocoder()
    started = time.perf_counter()
    ex = extract_text(text, "big", geocoder=geocoder)
    seconds = time.perf_counter() - started
    # ru_maxrss (KiB on Linux), not tracemalloc: tracing slows the run about fourfold.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(text) / 1e6:.1f} MB: {seconds:.1f} s, peak RSS {peak:.0f} MB, "
          f"{len(ex.places)} places, {len(ex.events)} events, {len(ex.deployments)} deployments")
""")


@pytest.mark.parametrize(("size", "shape", "limit"), [
    (1_000_000, "line", 60), (10_000_000, "lines", 180)], ids=["1MB-line", "10MB-article"])
def test_extract_text_huge_article_finishes(size, shape, limit, offline_geocoder):
    """Measured in a child process so a runaway cannot hang the suite; the limit is generous
    (a linear pipeline does 10 MB in well under a minute on one core)."""
    command = [sys.executable, "-c", _MEASURE, str(ROOT), str(size), shape]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
    except subprocess.TimeoutExpired:
        done = None
    if done is None:
        pytest.fail(f"extract_text on a {size / 1e6:.0f} MB {shape} article ran over {limit}s")
    assert done.returncode == 0, done.stderr[-2000:]
    print("\n" + done.stdout.strip())
