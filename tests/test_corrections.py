"""Corrections: stored in SQLite (WAL, transactions), applied purely to extractions."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dashboard.records import Article, Deployment, Event, Extraction, Place
from dashboard.store import corrections as corr
from dashboard.store.corrections import Correction, CorrectionStore

REPO = Path(__file__).resolve().parents[1]
TEXT = "Fighting near Eastbrook. The town was shelled on Monday. Troops moved to Ridgeway."


def _extraction(text: str = TEXT) -> Extraction:
    east = Place("p1", "Eastbrook", 14, 23, name="Eastbrook", kind="city", country_code="AA",
                 lat=1.0, lon=2.0, geonameid=11, confidence=0.4, precision="point")
    town = Place("p2", "The town", 25, 33, antecedent="p1", lat=1.0, lon=2.0, name="Eastbrook",
                 kind="city", geonameid=11)
    ridge = Place("p3", "Ridgeway", 74, 82, name="Ridgeway", kind="city", country_code="AA",
                  lat=5.0, lon=6.0, geonameid=33, confidence=0.9)
    event = Event("e1", "clash", "Fighting near Eastbrook", place="p1", lat=1.0, lon=2.0,
                  start=0, end=8, status="occurred", place_basis="stated")
    shelled = Event("e2", "clash", "The town was shelled", place="p2", lat=1.0, lon=2.0,
                    start=38, end=45)
    troops = Deployment("d1", None, "Troops", place="p3", lat=5.0, lon=6.0, start=57, end=63,
                        status="deployed")
    return Extraction(Article("a1", text), places=(east, town, ridge), events=(event, shelled),
                      deployments=(troops,))


def _elsewhere(place: Place) -> Place:
    return place.but(name="Westbrook", kind="city", country_code="BB", admin1="07", lat=-3.0,
                     lon=-4.0, bbox=None, geonameid=99, precision="point", geometry=None)


# --- storing -----------------------------------------------------------------------------------

def test_store_add_keeps_who_when_what_before_after(tmp_path):
    ex = _extraction()
    store = CorrectionStore(tmp_path / "c.sqlite")
    saved = store.add(corr.choose_place(ex, ex.places[0], _elsewhere(ex.places[0]), "ana"))
    (row,) = store.all()
    assert row == saved and row.id == 1 and row.author == "ana" and row.created
    assert (row.kind, row.start, row.end, row.surface) == ("place_choice", 14, 23, "Eastbrook")
    assert json.loads(row.before)["geonameid"] == 11 and json.loads(row.after)["geonameid"] == 99
    assert row.article_hash == corr.article_hash(TEXT) and row.article_id == "a1"


def test_store_is_in_wal_mode(tmp_path):
    store = CorrectionStore(tmp_path / "c.sqlite")
    store.add(corr.not_a_place(_extraction(), _extraction().places[2], "ana"))
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_undo_flags_and_keeps_the_row(tmp_path):
    ex = _extraction()
    store = CorrectionStore(tmp_path / "c.sqlite")
    saved = store.add(corr.not_a_place(ex, ex.places[2], "ana"))
    assert store.undo(saved.id, "ben") is True
    assert store.undo(saved.id, "ben") is False  # already undone
    (row,) = store.all()
    assert row.undone and row.undone_by == "ben" and store.active() == ()


def test_store_refuses_a_status_the_record_cannot_have(tmp_path):
    ex = _extraction()
    with pytest.raises(ValueError):
        CorrectionStore(tmp_path / "c.sqlite").add(
            corr.set_field(ex, ex.events[0], "status", "stationed"))


def test_store_that_cannot_be_written_raises_oserror(tmp_path):
    (tmp_path / "c.sqlite").mkdir()  # a folder where the file should be
    with pytest.raises(OSError):
        CorrectionStore(tmp_path / "c.sqlite").add(
            corr.not_a_place(_extraction(), _extraction().places[2]))
    with pytest.raises(OSError):
        CorrectionStore(tmp_path / "c.sqlite").all()


def test_store_missing_file_reads_as_empty(tmp_path):
    store = CorrectionStore(tmp_path / "none.sqlite")
    assert store.all() == () and store.active() == ()
    assert not store.path.exists()


def test_default_path_beside_the_data(tmp_path):
    (tmp_path / "ds").mkdir()
    assert corr.default_path(tmp_path, env={}) == tmp_path / corr.FILE_NAME
    assert corr.default_path(tmp_path, tmp_path / "ds", env={}) == tmp_path / "ds" / corr.FILE_NAME
    assert corr.default_path(tmp_path, tmp_path / "x.jsonl", env={}).name == "x.corrections.sqlite"
    assert corr.default_path(tmp_path, env={corr.ENV: "/tmp/y.sqlite"}) == Path("/tmp/y.sqlite")


# --- applying ----------------------------------------------------------------------------------

def test_apply_place_choice_moves_the_mention_its_references_and_records():
    ex = _extraction()
    c = dataclass_id(corr.choose_place(ex, ex.places[0], _elsewhere(ex.places[0]), "ana"), 1)
    out = corr.apply(ex, [c])
    east, town, _ = out.places
    assert (east.name, east.lat, east.geonameid, east.confidence) == ("Westbrook", -3.0, 99, 1.0)
    assert (town.lat, town.geonameid) == (-3.0, 99)  # "the town" refers back to it
    assert (out.events[0].lat, out.events[0].lon) == (-3.0, -4.0)
    assert (out.events[1].lat, out.events[1].place) == (-3.0, "p2")  # at "the town"
    assert out.deployments == ex.deployments and ex.places[0].name == "Eastbrook"


def test_apply_survives_reextraction_with_new_ids():
    ex = _extraction()
    c = dataclass_id(corr.choose_place(ex, ex.places[0], _elsewhere(ex.places[0]), "ana"), 1)
    again = Extraction(ex.article, places=tuple(p.but(id=f"x{i}") for i, p in
                                                  enumerate(ex.places)))
    assert corr.apply(again, [c]).places[0].geonameid == 99


def test_apply_ignores_other_articles_and_undone_corrections():
    ex = _extraction()
    c = dataclass_id(corr.not_a_place(ex, ex.places[2], "ana"), 1)
    other = _extraction(TEXT + " More.")
    assert corr.apply(other, [c]) == other
    assert corr.apply(ex, [Correction(**{**_fields(c), "undone": True})]) == ex


def test_apply_not_a_place_drops_the_mention_and_unlocates_its_records():
    ex = _extraction()
    out = corr.apply(ex, [dataclass_id(corr.not_a_place(ex, ex.places[2], "ana"), 1)])
    assert [p.id for p in out.places] == ["p1", "p2"]
    dep = out.deployments[0]
    assert (dep.place, dep.lat, dep.place_basis) == (None, None, "")
    assert "not a place" in dep.place_note


def test_apply_record_fields_date_status_and_place():
    ex = _extraction()
    day = dt.date(2024, 5, 6)
    fixes = [corr.set_field(ex, ex.events[0], "date", day, "ana"),
             corr.set_field(ex, ex.events[0], "status", "planned", "ana"),
             corr.set_field(ex, ex.deployments[0], "place", ex.places[0], "ana"),
             corr.set_field(ex, ex.deployments[0], "status", "withdrawal", "ana")]
    out = corr.apply(ex, [dataclass_id(c, i) for i, c in enumerate(fixes, 1)])
    event, dep = out.events[0], out.deployments[0]
    assert (event.date, event.date_precision, event.status) == (day, "day", "planned")
    assert (dep.place, dep.lat, dep.status, dep.place_basis) == ("p1", 1.0, "withdrawal", "stated")


def test_apply_latest_active_correction_wins():
    ex = _extraction()
    first = dataclass_id(corr.set_field(ex, ex.events[0], "status", "planned"), 1)
    second = dataclass_id(corr.set_field(ex, ex.events[0], "status", "possible"), 2)
    assert corr.apply(ex, [second, first]).events[0].status == "possible"


def test_apply_all_leaves_untouched_extractions_identical():
    ex, other = _extraction(), _extraction("Another text entirely.")
    c = dataclass_id(corr.not_a_place(ex, ex.places[2]), 1)
    out = corr.apply_all([ex, other], [c])
    assert out[1] is other and len(out[0].places) == 2


def test_exports_carry_every_correction(tmp_path):
    ex = _extraction()
    store = CorrectionStore(tmp_path / "c.sqlite")
    store.add(corr.not_a_place(ex, ex.places[2], "ana"))
    store.add(corr.set_field(ex, ex.events[0], "date", None, "ana"))
    rows = json.loads(corr.to_json(store.all()))
    assert [r["kind"] for r in rows] == ["not_a_place", "event_field"]
    assert rows[1]["after"] is None and rows[0]["before"]["geonameid"] == 33
    lines = corr.to_csv(store.all()).splitlines()
    assert lines[0].startswith("id,created,author,kind") and len(lines) == 3


def test_describe_says_what_changed():
    ex = _extraction()
    assert corr.describe(corr.choose_place(ex, ex.places[0], _elsewhere(ex.places[0]))) == (
        "place → Westbrook (BB)")
    assert corr.describe(corr.set_field(ex, ex.events[0], "status", "planned")) == (
        "status → planned")


def _fields(c: Correction) -> dict:
    return {name: getattr(c, name) for name in Correction.__slots__}


def dataclass_id(c: Correction, number: int) -> Correction:
    return Correction(**{**_fields(c), "id": number, "author": c.author or "ana"})


# --- concurrency and crashes -------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from dashboard.store.corrections import Correction, CorrectionStore
    store = CorrectionStore(sys.argv[1])
    name, count = sys.argv[2], int(sys.argv[3])
    for i in range(count):
        saved = store.add(Correction("event_field", "h" * 64, i, i + 1, after='"planned"',
                                     field="status", author=name, surface=f"{name}:{i}"))
        print(saved.id, flush=True)
""")

#: Commits rows one by one, then opens a big transaction and hangs inside it.
HANGER = textwrap.dedent("""
    import sqlite3, sys, time
    from dashboard.store.corrections import Correction, CorrectionStore
    store = CorrectionStore(sys.argv[1])
    for i in range(20):
        saved = store.add(Correction("not_a_place", "k" * 64, i, i + 1, author="hanger"))
        print(saved.id, flush=True)
    with store._transaction() as con:
        for i in range(500):
            con.execute("INSERT INTO corrections (created, author, kind, article_hash, "
                        "article_id, start, \\"end\\") VALUES ('t', 'lost', 'not_a_place', "
                        "'x', 'x', ?, ?)", (i, i + 1))
        print("inside", flush=True)
        time.sleep(60)
""")


def _python(script: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env,
                            stdout=subprocess.PIPE, text=True)


def test_store_concurrent_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "c.sqlite")
    writers = [_python(WRITER, path, f"w{n}", "40") for n in range(4)]
    for w in writers:
        assert w.wait(timeout=120) == 0
    rows = CorrectionStore(path).all()
    assert len(rows) == 160 and len({r.id for r in rows}) == 160
    assert {r.surface for r in rows} == {f"w{n}:{i}" for n in range(4) for i in range(40)}


def test_store_killed_mid_write_keeps_every_commit_and_nothing_else(tmp_path):
    path = str(tmp_path / "c.sqlite")
    hanger = _python(HANGER, path)
    committed = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = hanger.stdout.readline().strip()
        if line == "inside":
            break
        committed.append(int(line))
    os.kill(hanger.pid, signal.SIGKILL)
    hanger.wait(timeout=10)
    assert len(committed) == 20
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = CorrectionStore(path).all()
    assert [r.id for r in rows] == committed  # the hanging transaction left nothing behind
    assert CorrectionStore(path).add(Correction("not_a_place", "k" * 64, 90, 91)).id > 0
