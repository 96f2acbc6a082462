"""The whole pipeline on the seed and on our own articles (real offline gazetteer), and its API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dashboard.ui import filters, tables

from dashboard.extract import pipeline
from dashboard.records import Extraction

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_bbb248a2bc0509e4.txt"
ARTICLES = ROOT / "tests" / "articles"


@pytest.fixture(scope="module")
def seed(offline_geocoder) -> Extraction:
    return pipeline.extract_file(SEED, geocoder=offline_geocoder)


def places_named(x: Extraction, surface: str):
    return [p for p in x.places if p.surface == surface]


def actor_named(x: Extraction, name: str):
    return next(a for a in x.actors if a.name == name)


@pytest.mark.parametrize("surface, code, lat, lon", [
    ("Brussels", "BE", 50.85, 4.35), ("Kosovo", "XK", 42.6, 20.9),
    ("Kosovska Mitrovica", "XK", 42.89, 20.87), ("Serbia", "RS", 44.0, 20.8),
    ("France", "FR", 46.6, 2.5)])
def test_seed_places_are_located(seed, surface, code, lat, lon):
    place = places_named(seed, surface)[0]
    assert place.country_code == code and place.literal
    assert abs(place.lat - lat) < 0.6 and abs(place.lon - lon) < 0.6


def test_seed_directional_regions_are_parts_of_their_country(seed):
    south = places_named(seed, "southern Serbia")[0]
    west = places_named(seed, "western Macedonia")[0]
    assert (south.kind, south.country_code, west.country_code) == ("directional_region", "RS", "MK")
    assert south.lat < 43.6 and west.lon < 21.4 and south.precision == west.precision == "region"


def test_seed_capitals_used_as_governments_are_not_literal(seed):
    for surface, state in (("Belgrade", "Serbia"), ("Pristina", "Kosovo"),
                           ("Washington", "United States")):
        for place in places_named(seed, surface):
            assert not place.literal and place.actor == actor_named(seed, state).id


def test_seed_aliases_merge(seed):
    us = actor_named(seed, "United States")
    nato = actor_named(seed, "NATO")
    person = actor_named(seed, "Dragan Sutanovac")
    assert {"US", "Washington"} <= set(us.aliases)
    assert any("ministers" in alias for alias in nato.aliases)
    assert (person.role, person.affiliation, len(person.mentions)) == (
        "Defense Minister", "Serbia", 3)


def _event(x, type_, date):
    return [e for e in x.events if e.type == type_ and e.date == date]


def test_seed_ministers_meeting_in_brussels_on_friday(seed):
    (meeting,) = _event(seed, "meeting", dt.date(2007, 12, 7))
    assert meeting.status in ("planned", "expected")
    assert places_named(seed, "Brussels")[0].id == meeting.place
    assert actor_named(seed, "NATO").id in meeting.actors


def test_seed_dinner_visit_and_report(seed):
    (dinner,) = _event(seed, "meeting", dt.date(2007, 12, 6))
    brussels = places_named(seed, "Brussels")[0].id
    # the same ministers meeting a day apart are at the same place, and the record says so
    assert "dinner" in dinner.summary and dinner.place == brussels
    assert (dinner.place_basis, dinner.date_basis) == ("inherited", "stated")
    (visit,) = _event(seed, "visit", dt.date(2007, 12, 5))
    assert visit.place == places_named(seed, "France")[0].id and visit.status == "occurred"
    assert actor_named(seed, "Dragan Sutanovac").id in visit.actors
    (report,) = _event(seed, "report", dt.date(2007, 12, 10))
    assert report.status == "planned"
    assert actor_named(seed, "Contact Group Troika").id in report.actors


def test_seed_places_list_every_event_and_deployment_grounded_there(seed):
    frames = tables.build([seed])
    located = {p.surface: tables.location_key(p) for p in seed.places}
    brussels = filters.at_location(frames, located["Brussels"])
    assert sorted(brussels.events["type"]) == ["meeting", "meeting", "request", "request",
                                               "statement"]
    assert any("communique" in s for s in brussels.events["summary"])
    assert any("dinner" in s for s in brussels.events["summary"])
    mitrovica = filters.at_location(frames, located["Kosovska Mitrovica"])
    assert list(mitrovica.deployments["unit"]) == ["KFOR's French contingent"]
    assert any("by force" in s for s in mitrovica.events["summary"])
    # every event at Brussels is dated, so the date filter keeps them
    assert brussels.events["date"].notna().all()


def test_seed_deployments(seed):
    kosovo = {p.id for p in places_named(seed, "Kosovo")}
    mitrovica = places_named(seed, "Kosovska Mitrovica")[0].id
    found = {(d.place in kosovo, d.place == mitrovica, d.status, d.strength)
             for d in seed.deployments}
    assert (True, False, "stationed", None) in found
    assert (True, False, "proposed", 3000) in found
    assert (False, True, "stationed", None) in found
    extra = next(d for d in seed.deployments if d.strength == 3000)
    assert extra.strength_qualifier == "more than"
    assert "up to four batallions" in extra.strength_text
    french = next(d for d in seed.deployments if d.place == mitrovica)
    assert french.unit == "KFOR's French contingent"
    assert french.actor == actor_named(seed, "France").id


def test_seed_offsets_slice_back(seed):
    text = seed.article.text
    for place in seed.places:
        assert text[place.start:place.end] == place.surface
    for actor in seed.actors:
        for start, end in actor.mentions:
            assert 0 <= start < end <= len(text)
    for record in (*seed.events, *seed.deployments):
        assert record.sentence and record.sentence in text


# -- our own articles: general rules on other regions and decades ---------------------------

def _matches(record: dict, want: dict, x: dict) -> bool:
    places = {p["id"]: p for p in x["places"]}
    actors = {a["id"]: a["name"] for a in x["actors"]}
    for key, value in want.items():
        place = places.get(record.get("place")) or {}
        got = {
            "place_name": place.get("name"), "place_country": place.get("country_code"),
            "place_surface": place.get("surface"),
            "actor": actors.get(record.get("actor")) if "actor" in record else None,
            "antecedent": record.get("antecedent") is not None,
        }.get(key, record.get(key))
        if key == "quote":  # picks the record by the clause it came from
            if value not in record.get("sentence", ""):
                return False
            continue
        if key == "actor" and "actors" in record:
            if value not in [actors[a] for a in record["actors"]]:
                return False
            continue
        if got != value:
            return False
    return True


@pytest.mark.parametrize("path", sorted(ARTICLES.glob("*.txt")), ids=lambda p: p.stem)
def test_own_articles_meet_their_expectations(path, offline_geocoder):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    x = pipeline.extract_file(path, geocoder=offline_geocoder).to_dict()
    for section in ("places", "actors", "events", "deployments"):
        for want in expected.get(section, ()):
            assert any(_matches(r, want, x) for r in x[section]), (section, want)
    surfaces = {p["surface"] for p in x["places"]}
    assert not surfaces & set(expected.get("absent_places", ()))
    kinds = {p["kind"] for p in x["problems"]}
    assert set(expected.get("problems", ())) <= kinds


def _absences():
    """One case per record an article's output must NOT contain ("absent" in its expectations).

    An entry may carry "xfail": the reason today's code still produces it (issue 10 or 12);
    the mark is strict, so the case fails loudly once a fix lands and the mark must go.
    """
    for path in sorted(ARTICLES.glob("*.txt")):
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        for section, entries in expected.get("absent", {}).items():
            for i, entry in enumerate(entries):
                marks = ([pytest.mark.xfail(strict=True, reason=entry["xfail"])]
                         if "xfail" in entry else [])
                yield pytest.param(path, section, entry, marks=marks, id=f"{path.stem}-{section}-{i}")


@pytest.fixture(scope="module")
def article_outputs(offline_geocoder):
    cache: dict[Path, dict] = {}

    def output(path: Path) -> dict:
        if path not in cache:
            cache[path] = pipeline.extract_file(path, geocoder=offline_geocoder).to_dict()
        return cache[path]
    return output


@pytest.mark.parametrize("path, section, entry", list(_absences()))
def test_own_articles_produce_nothing_listed_absent(path, section, entry, article_outputs):
    if "quote" in entry:  # a typo would make the absence pass vacuously
        assert entry["quote"] in path.read_text(encoding="utf-8"), entry["quote"]
    x = article_outputs(path)
    unwanted = {k: v for k, v in entry.items() if k not in ("why", "xfail")}
    found = [r for r in x[section] if _matches(r, unwanted, x)]
    assert not found, (entry["why"], found)


# -- the API ------------------------------------------------------------------------------------

def test_pipeline_stages_are_ordered_and_declare_what_they_write():
    names = [s.name for s in pipeline.STAGES]
    assert names.index("places") < names.index("resolve") < names.index("actors")
    assert names.index("actors") < names.index("events") < names.index("deployments")
    assert names[-1] == "grounding"
    fields = set(pipeline.Draft.__dataclass_fields__)
    assert all(set(s.writes) <= fields for s in pipeline.STAGES)


def test_extract_text_without_dateline_keeps_relative_dates_unresolved(offline_geocoder):
    x = pipeline.extract_text("Troops arrived in Kabul on Friday.", "pasted",
                              geocoder=offline_geocoder)
    assert x.article.id == "pasted" and places_named(x, "Kabul")[0].country_code == "AF"
    kinds = {p.kind for p in x.problems}
    assert {"no_dateline", "unresolved_date"} <= kinds
    assert all(e.date is None for e in x.events)


def test_extract_paths_never_raises_for_a_bad_file(tmp_path, offline_geocoder):
    good = tmp_path / "good.txt"
    good.write_text("Fighting in Gao.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    found = list(pipeline.extract_paths([tmp_path, tmp_path / "missing.txt"],
                                        geocoder=offline_geocoder))
    assert [x.article.id for x in found] == ["binary", "good", "missing"]
    assert [pipeline.failed(x) for x in found] == [True, False, True]
    assert found[0].article.text == "" and found[0].problems[0].kind == "unreadable"
    assert "binary" in found[0].problems[0].message


def test_extract_paths_with_worker_processes_gives_the_same_records(tmp_path):
    for i in range(3):
        (tmp_path / f"a{i}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    one = list(pipeline.extract_paths([tmp_path], workers=1))
    two = list(pipeline.extract_paths([tmp_path], workers=2))
    assert [x.to_dict() for x in one] == [x.to_dict() for x in two]


def test_pack_sends_each_polygon_once_and_unpack_restores_it():
    from dashboard.records import Article, Place

    outline = '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}'
    places = (Place("p1", "Mali", 0, 4, geometry=outline), Place("p2", "Gao", 8, 11),
              Place("p3", "Mali", 20, 24, geometry=outline))
    sent: dict[str, str] = {}
    received: dict[str, str] = {}
    for i in range(2):
        original = Extraction(article=Article(id=f"a{i}", text="Mali or Gao, and Mali"),
                              places=places)
        packed, new = pipeline._pack(original, sent)
        assert len(new) == (1 if i == 0 else 0)  # the outline crosses once per worker
        assert all(outline not in (p.geometry or "") for p in packed.places)
        assert pipeline._unpack((packed, new), received) == original


def test_pipeline_unresolved_date_problem_says_why(offline_geocoder):
    from dashboard.extract.pipeline import extract_text

    dated = "T\nS\n(AP) Friday, January 11, 2002\nRebels disarmed last week, she said.\n"
    (problem,) = [p for p in extract_text(dated, geocoder=offline_geocoder).problems
                  if p.kind == "unresolved_date"]
    assert "two years" in problem.message  # the week of Dec 31 - Jan 6 spans two years
    undated = "Rebels disarmed last week, she said.\n"
    (problem,) = [p for p in extract_text(undated, geocoder=offline_geocoder).problems
                  if p.kind == "unresolved_date"]
    assert "no dateline" in problem.message
