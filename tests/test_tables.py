"""Records to frames, CSV and GeoJSON (dashboard.ui.tables)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

from dashboard.ui import tables
from dashboard.records import (Actor, Article, Deployment, Event, Extraction, Place, Problem)

TEXT = ("NATO met in Brussels. Belgrade said troops stay in Mitrovica. "
        "The town is calm. Fooville was quiet.")


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def extractions() -> list[Extraction]:
    places = (
        Place("p1", "Brussels", *_at("Brussels"), name="Brussels", kind="city", lat=50.85,
              lon=4.35, geonameid=2800866, precision="point"),
        Place("p2", "Belgrade", *_at("Belgrade"), name="Belgrade", kind="city", lat=44.8,
              lon=20.47, geonameid=792680, literal=False, actor="a2"),
        Place("p3", "Mitrovica", *_at("Mitrovica"), name="Mitrovicë", kind="city", lat=42.89,
              lon=20.87, geonameid=791580),
        Place("p4", "The town", *_at("The town"), antecedent="p3"),
        Place("p5", "Fooville", *_at("Fooville")),
    )
    first = Extraction(
        article=Article(id="a", text=TEXT, title="NATO"),
        places=places,
        actors=(Actor("a1", "NATO", "organization"), Actor("a2", "Serbia", "state"),
                Actor("a3", "France", "state")),
        events=(Event("e1", "meeting", "NATO met", actors=("a1",), place="p1",
                      date=dt.date(2007, 12, 7), status="planned"),
                Event("e2", "statement", "Serbia said", actors=("a2",), place="p2")),
        deployments=(Deployment("d1", "a3", "French contingent", strength=3000, place="p4",
                                status="stationed", date=dt.date(2007, 12, 5)),),
        problems=(Problem("unresolved_place", "Fooville: no such place"),),
    )
    second = Extraction(
        article=Article(id="b", text="x"),
        actors=(Actor("a1", "KFOR", "organization"),),
        events=(Event("e1", "clash", "=HYPERLINK(\"x\")", actors=("a1",), lat=42.0, lon=21.0,
                      date=dt.date(2008, 1, 10)),),
    )
    return [first, second]


def test_build_keys_rows_by_article_and_record():
    frames = tables.build(extractions())
    assert list(frames.events["key"]) == ["a:e1", "a:e2", "b:e1"]
    assert list(frames.events["actors"]) == [("NATO",), ("Serbia",), ("KFOR",)]
    assert list(frames.articles["article_id"]) == ["a", "b"]
    assert frames.articles.set_index("article_id").loc["a", "events"] == 2


def test_build_lists_every_place_mention_with_its_status():
    places = tables.build(extractions()).places.set_index("id")
    assert places.loc["p1", "status"] == "resolved"
    assert places.loc["p2", "status"] == "non-literal"
    assert places.loc["p2", "stands_for"] == "Serbia"
    assert places.loc["p4", "status"] == "resolved via antecedent"
    assert places.loc["p5", "status"] == "unresolved"
    assert len(places) == 5  # nothing dropped


def test_build_locates_records_at_literal_places_only():
    events = tables.build(extractions()).events.set_index("key")
    assert events.loc["a:e1", "loc_key"] == "gn:2800866"
    assert events.loc["a:e1", "place_name"] == "Brussels"
    assert isinstance(events.loc["a:e2", "loc_key"], float)  # NaN: Belgrade stands for Serbia
    assert events.loc["b:e1", "loc_key"].startswith("pl:")  # coordinates without a place


def test_build_shares_one_location_between_a_place_and_its_anaphor():
    frames = tables.build(extractions())
    places = frames.places.set_index("id")
    assert places.loc["p4", "loc_key"] == places.loc["p3", "loc_key"] == "gn:791580"
    assert frames.deployments.loc[0, "loc_key"] == "gn:791580"
    assert frames.deployments.loc[0, "place_name"] == "Mitrovicë"
    assert frames.deployments["strength"].dtype == "Int64"


def test_point_key_is_stable_and_name_sensitive():
    assert tables.point_key(1.0, 2.0, "X") == tables.point_key(1.00001, 2.00001, "x")
    assert tables.point_key(1.0, 2.0, "X") != tables.point_key(1.0, 2.0, "Y")


def test_build_without_records_keeps_the_columns():
    frames = tables.build([])
    assert list(frames.events.columns) == list(tables.EVENT_COLUMNS)
    assert list(frames.places.columns) == list(tables.PLACE_COLUMNS)


def test_to_csv_joins_lists_and_defuses_spreadsheet_formulas():
    rows = list(csv.DictReader(io.StringIO(tables.to_csv(tables.build(extractions()).events))))
    assert rows[0]["actors"] == "NATO"
    assert rows[2]["summary"] == "'=HYPERLINK(\"x\")"
    assert "geometry" not in rows[0]


def test_to_geojson_is_a_valid_feature_collection_of_located_records():
    data = json.loads(tables.to_geojson(tables.build(extractions())))
    assert data["type"] == "FeatureCollection"
    kinds = [(f["properties"]["record"], f["properties"]["key"]) for f in data["features"]]
    assert ("event", "a:e1") in kinds and ("deployment", "a:d1") in kinds
    assert ("event", "a:e2") not in kinds  # no location
    assert ("place", "a:p2") not in kinds  # non-literal
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for value in feature["properties"].values():
            assert not (isinstance(value, float) and math.isnan(value))
    brussels = next(f for f in data["features"] if f["properties"]["key"] == "a:e1")
    assert brussels["geometry"]["coordinates"] == [4.35, 50.85]
    assert brussels["properties"]["date"] == "2007-12-07"
    assert brussels["properties"]["actors"] == ["NATO"]


def test_concat_stacks_frames():
    one, two = (tables.build([ex]) for ex in extractions())
    both = tables.concat([one, two])
    assert list(both.events["key"]) == ["a:e1", "a:e2", "b:e1"]


def test_build_carries_grounding_and_exports_spans_readably():
    grounded = Event("e1", "statement", "said", place="p1", place_basis="inherited",
                     place_note="place from the meeting in Brussels", date_basis="dateline",
                     date_note="date from the dateline", mentions=((0, 4), (9, 20)))
    ex = Extraction(article=Article(id="g", text=TEXT), places=extractions()[0].places[:1],
                    events=(grounded,))
    frames = tables.build([ex])
    row = frames.events.iloc[0]
    assert (row["place_basis"], row["date_note"]) == ("inherited", "date from the dateline")
    table = list(csv.DictReader(io.StringIO(tables.to_csv(frames.events))))
    assert table[0]["mentions"] == "0-4; 9-20"
    (feature,) = [f for f in json.loads(tables.to_geojson(frames))["features"]
                  if f["properties"]["record"] == "event"]
    assert feature["properties"]["place_note"] == "place from the meeting in Brussels"
    assert feature["properties"]["mentions"] == [[0, 4], [9, 20]]
    assert tables.locations(frames).iloc[0]["loose_events"] == 1
