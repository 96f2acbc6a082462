"""``python -m dashboard extract``: formats, folders, bad files, exit codes, documented columns."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.store import dataset
from dashboard.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_bbb248a2bc0509e4.txt"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Fighting broke out in Gao.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    return tmp_path


def run(argv, capsys):
    code = main(["extract", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_jsonl_writes_one_line_per_article_with_the_stem_as_id(folder, capsys):
    code, out, err = run([str(folder), "--format", "jsonl"], capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert [x["article"]["id"] for x in lines] == ["plain", "seed"]
    assert {"article", "places", "actors", "events", "deployments", "problems"} <= set(lines[1])


def test_cli_json_is_one_array_and_o_writes_a_file(folder, tmp_path, capsys):
    target = tmp_path / "out.json"
    code, out, _ = run([str(folder / "seed.txt"), "-o", str(target)], capsys)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert code == 0 and out == "" and isinstance(data, list) and len(data) == 1
    assert data[0]["article"]["published"] == "2007-12-06"


def test_cli_geojson_has_located_places_events_and_deployments(folder, capsys):
    code, out, _ = run([str(folder / "seed.txt"), "--format", "geojson"], capsys)
    collection = json.loads(out)
    records = {f["properties"]["record"] for f in collection["features"]}
    assert code == 0 and collection["type"] == "FeatureCollection"
    assert records == {"place", "event", "deployment"}
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_cli_csv_has_one_row_per_event_and_deployment(folder, capsys):
    code, out, _ = run([str(folder / "seed.txt"), "--format", "csv"], capsys)
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and tuple(table[0]) == cli.CSV_COLUMNS
    kinds = {row["record"] for row in table}
    assert kinds == {"event", "deployment"}
    french = next(r for r in table if r["unit"] == "KFOR's French contingent")
    assert french["status"] == "stationed" and french["country_code"] == "XK"
    assert (french["place_basis"], french["place_note"]) == (
        "stated", "place stated: Kosovska Mitrovica")
    assert all(len(span.split("-")) == 2 for span in french["mentions"].split("; "))


def test_cli_bad_file_goes_to_stderr_and_sets_the_exit_code(folder, capsys):
    (folder / "broken.txt").write_bytes(b"\x00\xff" * 100)
    code, out, err = run([str(folder), str(folder / "gone.txt"), "--format", "jsonl"], capsys)
    ids = [json.loads(line)["article"]["id"] for line in out.splitlines()]
    assert code == 1 and ids == ["broken", "plain", "seed", "gone"]
    assert "broken.txt" in err and "gone.txt" in err


def test_cli_runs_as_a_module_with_workers(folder):
    done = subprocess.run([sys.executable, "-m", "dashboard", "extract", str(folder), "--format",
                           "jsonl", "--workers", "2"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


def test_cli_csv_columns_and_formats_are_documented():
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in (*cli.CSV_COLUMNS, *cli.MERGED_CSV_COLUMNS, *cli.FORMATS, "--merge-events",
                 "--no-merge-events"):
        assert f"`{name}`" in doc, name
    for option in ("--format", "--workers", "-o", "--engine", "--scheduler", "--batch-size",
                   "--merge-km", "--merge-days"):
        assert f"`{option} " in doc, option


def test_cli_o_folder_writes_a_parquet_dataset_then_skips_unchanged(folder, tmp_path, capsys):
    target = f"{tmp_path / 'ds'}/"
    code, out, err = run([str(folder), "-o", target], capsys)
    assert code == 0 and out == ""
    assert "2 to extract, 0 unchanged" in err and "2/2 articles  100%" in err
    assert [ex.article.id for ex in dataset.read_extractions(tmp_path / "ds")] == ["plain", "seed"]
    code, _, err = run([str(folder), "-o", target, "--no-progress"], capsys)
    assert code == 0 and "0 to extract, 2 unchanged" in err and "articles  100%" not in err


@pytest.mark.parametrize("argv", [
    ["--engine", "dask"],                                 # no dataset folder
    ["--engine", "dask", "--format", "jsonl", "-o", "x.jsonl"],
    ["--scheduler", "tcp://127.0.0.1:1", "-o", "ds/"],    # a scheduler without Dask
], ids=["no-folder", "jsonl", "scheduler-without-dask"])
def test_cli_dask_options_need_a_dataset_folder(folder, argv, capsys):
    code, _, err = run([str(folder), *argv], capsys)
    assert code == 2 and "newsmap extract:" in err


def test_cli_interrupted_dataset_run_says_how_to_go_on(folder, tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.engine, "extract_to_dataset", interrupted)
    code, _, err = run([str(folder), "-o", f"{tmp_path / 'ds'}/"], capsys)
    assert code == 130 and "run the same command again" in err


@pytest.fixture
def twice(tmp_path):
    """The seed under two names: every event it reports is reported twice."""
    for name in ("first", "second"):
        (tmp_path / f"{name}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_cli_merge_events_json_lists_groups_after_the_extractions(twice, capsys):
    code, out, _ = run([str(twice), "--merge-events"], capsys)
    data = json.loads(out)
    assert code == 0 and [x["article"]["id"] for x in data["extractions"]] == ["first", "second"]
    assert data["merged_events"]
    for group in data["merged_events"]:
        assert group["num_reports"] == group["num_articles"] == 2
        assert [m.split(":")[0] for m in group["members"]] == ["first", "second"]
        assert "same type" in group["links"][0]["explanation"]


def test_cli_merge_events_is_off_by_default_and_can_be_switched_off(twice, capsys):
    for argv in ([], ["--merge-events", "--no-merge-events"]):
        code, out, _ = run([str(twice), *argv], capsys)
        assert code == 0 and isinstance(json.loads(out), list)


def test_cli_merge_events_csv_and_geojson_add_merged_records(twice, capsys):
    _, out, _ = run([str(twice), "--merge-events", "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    merged = [r for r in rows if r["record"] == "merged_event"]
    assert merged and all(r["num_reports"] == "2" and r["explanation"] for r in merged)
    _, out, _ = run([str(twice), "--merge-events", "--format", "geojson"], capsys)
    kinds = {f["properties"]["record"] for f in json.loads(out)["features"]}
    assert "merged_event" in kinds


def test_cli_merge_events_thresholds_narrow_the_groups(twice, capsys):
    _, out, _ = run([str(twice), "--merge-events", "--merge-days", "-1"], capsys)
    assert json.loads(out)["merged_events"] == []


@pytest.mark.parametrize("argv", [["--format", "jsonl"], ["-o", "ds/"]], ids=["jsonl", "parquet"])
def test_cli_merge_events_refuses_formats_that_cannot_carry_it(twice, argv, capsys):
    code, _, err = run([str(twice), "--merge-events", *argv], capsys)
    assert code == 2 and "--merge-events needs" in err


def _correct_gao(folder: Path) -> None:
    """An analyst's correction kept in the folder: Gao is not a place."""
    from dashboard.extract.articles import read_article
    from dashboard.store import corrections as corr

    text = read_article(folder / "plain.txt")[0].text
    start = text.index("Gao")
    corr.CorrectionStore(corr.default_path(folder, env={})).add(corr.Correction(
        "not_a_place", corr.article_hash(text), start, start + 3, surface="Gao", author="ana"))


def test_cli_applies_the_folders_corrections_and_exports_them(folder, tmp_path, capsys,
                                                               monkeypatch):
    monkeypatch.delenv("NEWSMAP_CORRECTIONS", raising=False)
    code, out, _ = run([str(folder), "--format", "jsonl"], capsys)
    assert [p["surface"] for p in json.loads(out.splitlines()[0])["places"]] == ["Gao"]
    _correct_gao(folder)
    target = tmp_path / "out.jsonl"
    code, _, err = run([str(folder), "--format", "jsonl", "-o", str(target)], capsys)
    plain = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert code == 0 and plain["places"] == [] and "applying 1 correction" in err
    exported = json.loads((tmp_path / "out.jsonl.corrections.json").read_text("utf-8"))
    assert [(c["kind"], c["surface"], c["author"]) for c in exported] == [
        ("not_a_place", "Gao", "ana")]


def test_cli_parquet_dataset_gets_the_corrections(folder, tmp_path, capsys, monkeypatch):
    from dashboard.store import corrections as corr

    monkeypatch.delenv("NEWSMAP_CORRECTIONS", raising=False)
    _correct_gao(folder)
    code, _, err = run([str(folder), "-o", f"{tmp_path / 'ds'}/", "--no-progress"], capsys)
    copied = corr.CorrectionStore(corr.default_path(tmp_path, tmp_path / "ds", env={})).all()
    assert code == 0 and [c.surface for c in copied] == ["Gao"] and "1 correction" in err
