"""The map's time window (dashboard.ui.time_window): events by day, deployments by spell."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.records import Actor, Article, Deployment, Event, Extraction, Place
from dashboard.ui import tables
from dashboard.ui import time_window as tw

D = dt.date


def _extraction() -> Extraction:
    places = (
        Place("p1", "Pristina", 0, 8, name="Pristina", kind="city", lat=42.67, lon=21.17,
              geonameid=786714, precision="point"),
        Place("p2", "Mitrovica", 10, 19, name="Mitrovica", kind="city", lat=42.89, lon=20.87,
              geonameid=789225, precision="point"),
        Place("p3", "Prizren", 20, 27, name="Prizren", kind="city", lat=42.21, lon=20.74,
              geonameid=786234, precision="point"),
    )
    return Extraction(
        article=Article(id="a", text="x" * 40),
        places=places,
        actors=(Actor("a1", "KFOR", "organization"), Actor("a2", "France", "state")),
        events=(
            Event("e1", "clash", "a clash", actors=("a1",), place="p1", date=D(2008, 1, 1)),
            Event("e2", "meeting", "a meeting", actors=("a1",), place="p2", date=D(2008, 1, 5)),
            Event("e3", "statement", "undated", actors=("a2",), place="p1"),
            Event("e4", "clash", "late clash", actors=(), place="p1", date=D(2008, 1, 20)),
        ),
        deployments=(
            # One French unit in Mitrovica, reported on the 2nd and the 10th: a spell.
            Deployment("d1", "a2", "French battalion", place="p2", date=D(2008, 1, 2)),
            Deployment("d2", "a2", "French battalion", place="p2", date=D(2008, 1, 10)),
            # KFOR in Prizren, withdrawn on the 4th, back on the 15th.
            Deployment("d3", "a1", "", place="p3", date=D(2008, 1, 1)),
            Deployment("d4", "a1", "", place="p3", status="withdrawal", date=D(2008, 1, 4)),
            Deployment("d5", "a1", "", place="p3", date=D(2008, 1, 15)),
            Deployment("d6", "a1", "", place="p3"),  # undated
        ),
    )


@pytest.fixture()
def frames() -> tables.Frames:
    return tables.build([_extraction()])


def _ids(frame) -> set[str]:
    return set(frame["id"])


def test_span_covers_events_and_deployments(frames):
    assert tw.span(frames) == tw.Span(D(2008, 1, 1), D(2008, 1, 20))
    assert tw.span(frames).days == 20


def test_span_is_none_without_dates(frames):
    undated = tables.build([Extraction(article=Article(id="b", text=""), events=(
        Event("e1", "clash", "x"),))])
    assert tw.span(undated) is None


def test_apply_whole_span_keeps_everything_even_undated(frames):
    whole = tw.span(frames)
    assert tw.apply(frames, tw.everything(whole), whole) is frames
    assert tw.apply(frames, tw.Window(D(2000, 1, 1), D(2008, 1, 20)), whole) is frames


def test_apply_window_keeps_events_dated_inside_and_drops_undated(frames):
    whole = tw.span(frames)
    out = tw.apply(frames, tw.Window(D(2008, 1, 2), D(2008, 1, 6)), whole)
    assert _ids(out.events) == {"e2"}


def test_apply_deployment_stays_visible_between_its_first_and_last_mention(frames):
    whole = tw.span(frames)
    out = tw.apply(frames, tw.Window(D(2008, 1, 6), D(2008, 1, 8)), whole)
    # The French battalion was reported on the 2nd and the 10th: still there on the 6th-8th.
    assert _ids(out.deployments) == {"d1"}
    assert set(out.places["id"]) == {"p2"}


def test_apply_deployment_is_gone_after_its_last_mention(frames):
    whole = tw.span(frames)
    out = tw.apply(frames, tw.Window(D(2008, 1, 11), D(2008, 1, 14)), whole)
    assert _ids(out.deployments) == set()
    assert out.places.empty


def test_apply_withdrawal_ends_the_spell_and_a_new_mention_starts_another(frames):
    whole = tw.span(frames)
    on_withdrawal_day = tw.apply(frames, tw.Window(D(2008, 1, 4), D(2008, 1, 4)), whole)
    assert {"d3", "d4"} <= _ids(on_withdrawal_day.deployments)
    after = tw.apply(frames, tw.Window(D(2008, 1, 5), D(2008, 1, 9)), whole)
    assert not {"d3", "d4", "d5"} & _ids(after.deployments)
    back = tw.apply(frames, tw.Window(D(2008, 1, 15), D(2008, 1, 16)), whole)
    assert "d5" in _ids(back.deployments)


def test_apply_cumulative_keeps_everything_up_to_the_day(frames):
    whole = tw.span(frames)
    out = tw.apply(frames, tw.Window(D(2008, 1, 19), D(2008, 1, 5), cumulative=True), whole)
    assert _ids(out.events) == {"e1", "e2"}
    assert _ids(out.deployments) == {"d1", "d3", "d4"}


def test_spell_ends_per_mention(frames):
    ends = tw.spell_ends(frames.deployments).groupby(frames.deployments["id"]).first()
    assert ends["d1"] == ends["d2"] == tw.pd.Timestamp(2008, 1, 10)
    assert ends["d3"] == ends["d4"] == tw.pd.Timestamp(2008, 1, 4)
    assert ends["d5"] == tw.pd.Timestamp(2008, 1, 15)
    assert tw.pd.isna(ends["d6"])


def test_advance_slides_the_window_and_stops_at_the_end():
    whole = tw.Span(D(2008, 1, 1), D(2008, 1, 10))
    window = tw.Window(D(2008, 1, 1), D(2008, 1, 3))
    moved = tw.advance(window, whole, dt.timedelta(days=2))
    assert moved == tw.Window(D(2008, 1, 3), D(2008, 1, 5))
    last = tw.advance(tw.Window(D(2008, 1, 7), D(2008, 1, 9)), whole, dt.timedelta(days=5))
    assert last == tw.Window(D(2008, 1, 8), D(2008, 1, 10))
    assert tw.advance(last, whole) is None


def test_advance_cumulative_grows_the_end_only():
    whole = tw.Span(D(2008, 1, 1), D(2008, 1, 10))
    window = tw.Window(D(2008, 1, 1), D(2008, 1, 1), cumulative=True)
    assert tw.advance(window, whole, dt.timedelta(days=4)) == tw.Window(
        D(2008, 1, 1), D(2008, 1, 5), cumulative=True)


def test_rewound_keeps_the_width_from_the_first_day():
    whole = tw.Span(D(2008, 1, 1), D(2008, 1, 10))
    assert tw.rewound(tw.Window(D(2008, 1, 7), D(2008, 1, 9)), whole) == tw.Window(
        D(2008, 1, 1), D(2008, 1, 3))
    assert tw.rewound(tw.Window(D(2008, 1, 1), D(2008, 1, 9), True), whole).end == D(2008, 1, 1)


def test_step_is_a_day_for_short_spans_and_longer_for_long_ones():
    assert tw.step(tw.Span(D(2008, 1, 1), D(2008, 1, 10))) == dt.timedelta(days=1)
    assert tw.step(tw.Span(D(2000, 1, 1), D(2009, 12, 31))).days >= 90


def test_clamp_moves_a_window_inside_the_span():
    whole = tw.Span(D(2008, 1, 1), D(2008, 1, 10))
    assert tw.clamp(tw.Window(D(2007, 1, 1), D(2009, 1, 1)), whole) == tw.everything(whole)


def test_per_day_counts_by_type_with_deployments_as_a_type(frames):
    counts, period = tw.per_day(frames)
    assert period == "day"
    table = counts.set_index(["date", "group"])["records"]
    assert table[(tw.pd.Timestamp(2008, 1, 1), "clash")] == 1
    assert table[(tw.pd.Timestamp(2008, 1, 1), "deployment")] == 1
    assert counts["records"].sum() == 3 + 5  # undated records are not counted


def test_per_day_by_actor_counts_each_actor_and_pools_the_rare_ones(frames):
    counts, _ = tw.per_day(frames, by="actor", top=1)
    assert set(counts["group"]) == {"KFOR", tw.OTHER}


def test_per_day_counts_per_month_over_long_spans():
    events = tuple(Event(f"e{i}", "clash", "x", date=D(2000 + i, 1, 1 + i)) for i in range(8))
    frames = tables.build([Extraction(article=Article(id="a", text=""), events=events)])
    counts, period = tw.per_day(frames)
    assert period == "month"
    assert list(counts["date"].dt.day) == [1] * 8  # the first of each month


def test_stacked_lays_out_each_period_s_groups_one_above_the_other(frames):
    counts, period = tw.per_day(frames)
    bars = tw.stacked(counts, period)
    for day, group in bars.groupby("date"):
        assert list(group["bottom"]) == [0, *group["top"][:-1]]  # no gap, no overlap
        assert group["top"].iloc[-1] == group["records"].sum()
    assert (bars["end"] - bars["date"] == tw.pd.Timedelta(days=1)).all()
    assert set(bars["label"]) == {d.strftime("%Y-%m-%d") for d in bars["date"]}


def test_stacked_months_end_at_the_next_month():
    counts = tw.pd.DataFrame({"date": tw.pd.to_datetime(["2000-01-01", "2000-02-01"]),
                              "group": ["clash", "clash"], "records": [2, 3]})
    bars = tw.stacked(counts, "month")
    assert list(bars["end"].dt.strftime("%Y-%m-%d")) == ["2000-02-01", "2000-03-01"]
    assert list(bars["label"]) == ["January 2000", "February 2000"]


def test_per_day_counts_per_year_over_very_long_spans():
    events = tuple(Event(f"e{i}", "clash", "x", date=D(1990 + 3 * i, 1 + i, 1 + i))
                   for i in range(8))
    frames = tables.build([Extraction(article=Article(id="a", text=""), events=events)])
    counts, period = tw.per_day(frames)
    assert period == "year"
    assert list(counts["date"].dt.strftime("%m-%d")) == ["01-01"] * 8
    assert list(tw.stacked(counts, period)["label"])[:2] == ["1990", "1993"]
