"""``dashboard/extraction.schema.json`` is a valid JSON Schema, real output follows it, and its
vocabularies are the records' own."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dashboard.extract import pipeline

from dashboard import records

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "dashboard" / "extraction.schema.json").read_text(encoding="utf-8"))
ARTICLES = [ROOT / "seeds" / "000_bbb248a2bc0509e4.txt",
            *sorted((ROOT / "tests" / "articles").glob("*.txt"))]


@pytest.fixture(scope="module")
def validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_schema_validates_real_output(path, validator, offline_geocoder):
    data = json.loads(json.dumps(pipeline.extract_file(path, geocoder=offline_geocoder).to_dict()))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_schema_rejects_a_broken_record(validator, offline_geocoder):
    data = pipeline.extract_text("Fighting in Gao.", geocoder=offline_geocoder).to_dict()
    data["places"][0]["confidence"] = 2
    data["events"] = [{"id": "x"}]
    assert len(list(validator.iter_errors(data))) >= 2


def test_schema_vocabularies_match_the_records():
    defs = SCHEMA["$defs"]
    assert set(defs["place"]["properties"]["kind"]["enum"]) == {"", *records.PLACE_KINDS}
    assert set(defs["event"]["properties"]["type"]["enum"]) == set(records.EVENT_TYPES)
    assert set(defs["event"]["properties"]["status"]["enum"]) == set(records.EVENT_STATUSES)
    deployment_statuses = defs["deployment"]["properties"]["status"]["enum"]
    assert set(deployment_statuses) == set(records.DEPLOYMENT_STATUSES)
    assert set(defs["actor"]["properties"]["type"]["enum"]) == set(records.ACTOR_TYPES)
    for name, cls in (("place", records.Place), ("actor", records.Actor), ("event", records.Event),
                      ("deployment", records.Deployment), ("problem", records.Problem)):
        assert set(defs[name]["required"]) >= set(cls.__dataclass_fields__), name


def test_schema_validates_merged_output(validator, offline_geocoder, tmp_path):
    import io

    from dashboard import cli, crossref

    twice = [pipeline.extract_file(ARTICLES[0], geocoder=offline_geocoder) for _ in range(2)]
    twice[1] = records.Extraction(records.Article("copy", twice[1].article.text),
                                  twice[1].places, twice[1].actors, twice[1].events)
    out = io.StringIO()
    cli.write_merged("json", twice, out, crossref.MergeRules())
    data = json.loads(out.getvalue())
    from referencing import Registry, Resource

    registry = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
    merged = jsonschema.Draft202012Validator(
        {"$ref": SCHEMA["$id"] + "#/$defs/merged_output"}, registry=registry,
        format_checker=jsonschema.FormatChecker())
    errors = list(merged.iter_errors(data))
    assert data["merged_events"] and not errors, [e.message for e in errors[:5]]
    data["merged_events"][0]["num_reports"] = 1
    assert list(merged.iter_errors(data))
