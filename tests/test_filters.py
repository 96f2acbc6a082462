"""Filters over the frames and their URL form (dashboard.ui.filters)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_tables import extractions

from dashboard.ui import filters as flt
from dashboard.ui import tables


@pytest.fixture()
def frames() -> tables.Frames:
    return tables.build(extractions())


def _keys(frames: tables.Frames) -> set[str]:
    return set(frames.events["key"]) | set(frames.deployments["key"])


def test_apply_default_filters_keep_everything(frames):
    out = flt.apply(frames, flt.Filters())
    assert _keys(out) == {"a:e1", "a:e2", "b:e1", "a:d1"}
    assert len(out.places) == len(frames.places)


def test_apply_actor_keeps_records_of_that_actor_and_their_places(frames):
    out = flt.apply(frames, flt.Filters(actors=("NATO",)))
    assert _keys(out) == {"a:e1"}
    assert set(out.places["loc_key"]) == {"gn:2800866"}


def test_apply_date_range_drops_records_outside_and_keeps_undated_by_choice(frames):
    december = flt.Filters(start=dt.date(2007, 12, 6), end=dt.date(2007, 12, 31))
    assert _keys(flt.apply(frames, december)) == {"a:e1", "a:e2"}
    no_undated = flt.Filters(start=dt.date(2007, 12, 6), end=dt.date(2007, 12, 31),
                             include_undated=False)
    assert _keys(flt.apply(frames, no_undated)) == {"a:e1"}


def test_apply_undated_switch_alone_drops_undated_records(frames):
    assert _keys(flt.apply(frames, flt.Filters(include_undated=False))) == {"a:e1", "b:e1",
                                                                           "a:d1"}


def test_apply_type_deployment_selects_deployments(frames):
    assert _keys(flt.apply(frames, flt.Filters(types=("deployment",)))) == {"a:d1"}
    assert _keys(flt.apply(frames, flt.Filters(types=("clash", "meeting")))) == {"a:e1", "b:e1"}


def test_apply_status_filters_events_and_deployments(frames):
    assert _keys(flt.apply(frames, flt.Filters(statuses=("stationed", "planned")))) == {
        "a:d1", "a:e1"}


def test_apply_article_narrows_every_frame(frames):
    out = flt.apply(frames, flt.Filters(articles=("b",)))
    assert _keys(out) == {"b:e1"}
    assert out.places.empty and out.problems.empty
    assert list(out.articles["article_id"]) == ["b"]


def test_apply_leaves_the_input_frames_alone(frames):
    flt.apply(frames, flt.Filters(actors=("KFOR",)))
    assert len(frames.events) == 3


def test_at_location_keeps_only_that_place(frames):
    here = flt.at_location(frames, "gn:791580")
    assert list(here.deployments["key"]) == ["a:d1"]
    assert set(here.places["id"]) == {"p3", "p4"}
    assert here.events.empty


def test_options_count_actors_and_span_the_dates(frames):
    opts = flt.options(frames)
    assert dict(opts.actors) == {"NATO": 1, "Serbia": 1, "KFOR": 1, "France": 1}
    assert (opts.first, opts.last) == (dt.date(2007, 12, 5), dt.date(2008, 1, 10))
    assert "deployment" in opts.types and "stationed" in opts.statuses
    assert opts.articles == ("a", "b")


def test_query_round_trip_preserves_every_filter():
    chosen = flt.Filters(actors=("NATO", "KFOR"), start=dt.date(2007, 12, 1),
                         end=dt.date(2007, 12, 31), include_undated=False,
                         types=("meeting",), statuses=("planned",), articles=("a",))
    query = flt.to_query(chosen)
    assert query["actor"] == ["NATO", "KFOR"] and query["undated"] == ["0"]
    assert flt.from_query(query) == chosen


def test_query_of_default_filters_is_empty():
    assert flt.to_query(flt.Filters()) == {}
    assert flt.from_query({}) == flt.Filters()


def test_from_query_ignores_malformed_values():
    got = flt.from_query({"from": "2007-02-30", "to": ["x"], "type": ["meeting", "<script>"],
                          "status": "nonsense", "actor": "NATO", "undated": "1", "zzz": "1"})
    assert got == flt.Filters(actors=("NATO",), types=("meeting",))
