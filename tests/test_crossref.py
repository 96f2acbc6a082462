"""Cross-article event merging: tiny hand-built reports and extractions."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import crossref
from dashboard.crossref import MergeRules, Report
from dashboard.records import Actor, Article, Event, Extraction, Place

DAY = dt.date(2026, 3, 10)
# Two points in one town, about 3 km apart; the third about 50 km away.
HERE, NEAR, FAR = (45.000, 20.000), (45.027, 20.000), (45.450, 20.000)


def report(article: str, *, type_: str = "clash", day: dt.date = DAY, at=HERE,
           actors=("Northland",), area: str = "", event: str = "e1", source: str = "") -> Report:
    return Report(article, event, type_, day, tuple(actors),
                  frozenset(a.casefold() for a in actors), at[0], at[1], area,
                  source=source)


def test_match_holds_when_every_criterion_holds():
    link = crossref.match(report("a1"), report("a2", at=NEAR, day=DAY + dt.timedelta(days=1)))
    assert link is not None
    assert link.type == "clash" and link.shared_actors == ("Northland",)
    assert 2.5 < link.distance_km < 3.5 and link.date_gap_days == 1
    assert "3.0 km apart" in link.explain() and "1 day apart" in link.explain()


def test_match_fails_on_a_different_type():
    assert crossref.match(report("a1"), report("a2", type_="meeting")) is None


def test_match_fails_50_km_apart():
    assert crossref.match(report("a1"), report("a2", at=FAR)) is None


def test_match_fails_2_days_apart():
    assert crossref.match(report("a1"), report("a2", day=DAY + dt.timedelta(days=2))) is None


def test_match_fails_on_disjoint_actors():
    assert crossref.match(report("a1"), report("a2", actors=("Southland",))) is None


def test_match_actors_are_case_blind():
    assert crossref.match(report("a1"), report("a2", actors=("NORTHLAND",))) is not None


def test_match_fails_within_one_article():
    assert crossref.match(report("a1"), report("a1", event="e2")) is None


def test_match_areas_by_identity_not_distance():
    area = report("a1", area="gn:1", at=HERE)
    assert crossref.match(area, report("a2", area="gn:1", at=FAR)).area == "gn:1"
    assert crossref.match(area, report("a2", area="gn:2", at=HERE)) is None
    assert crossref.match(area, report("a2", at=HERE)) is None  # a point is not its area


def test_match_needs_a_day_actor_and_place():
    assert crossref.match(report("a1"), report("a2", day=None)) is None
    assert crossref.match(report("a1", actors=()), report("a2", actors=())) is None
    assert crossref.match(report("a1"), report("a2", at=(None, None))) is None


def test_merge_groups_three_reports_with_counts_and_links():
    merged = crossref.merge([report("a3", at=NEAR, source="Wire"), report("a1", source="Wire"),
                             report("a2", source="Daily"), report("b1", type_="meeting")])
    (group,) = merged
    assert group.id == "a1:e1" and group.members == ("a1:e1", "a2:e1", "a3:e1")
    assert (group.num_reports, group.num_articles, group.num_sources) == (3, 3, 2)
    assert len(group.links) == 2 and "same type clash" in group.explain()


def test_merge_leaves_single_reports_out():
    assert crossref.merge([report("a1"), report("a2", type_="meeting")]) == ()


def test_merge_chains_through_a_middle_report():
    # a1 and a3 are ~6 km apart: over a 4 km limit, but each is within it of a2.
    middle = (45.027, 20.000)
    far_end = (45.054, 20.000)
    rules = MergeRules(max_km=4.0)
    assert crossref.match(report("a1"), report("a3", at=far_end), rules) is None
    (group,) = crossref.merge([report("a1"), report("a2", at=middle),
                               report("a3", at=far_end)], rules)
    assert group.num_reports == 3


def test_merge_refuses_a_chain_that_spreads_dates_beyond_max_days():
    days = [report(f"a{i}", day=DAY + dt.timedelta(days=i)) for i in range(4)]
    groups = crossref.merge(days)
    assert [g.members for g in groups] == [("a0:e1", "a1:e1"), ("a2:e1", "a3:e1")]
    assert all((g.last_date - g.first_date).days <= 1 for g in groups)


def test_merge_ignores_input_order():
    reports = [report("a1"), report("a2", at=NEAR), report("a3", actors=("Northland", "X"))]
    assert crossref.merge(reports) == crossref.merge(list(reversed(reports)))


def test_merge_finds_neighbours_across_grid_cells_and_the_date_line():
    east, west = report("a1", at=(0.0, 179.99)), report("a2", at=(0.0, -179.99))
    (group,) = crossref.merge([east, west])
    assert group.links[0].distance_km < 3


def _extraction(article: str, place: Place, actor_name: str, source: str = "") -> Extraction:
    actor = Actor("a1", actor_name, "state", aliases=(actor_name.upper(),))
    event = Event("e1", "clash", "Fighting.", actors=("a1",), place=place.id, lat=place.lat,
                  lon=place.lon, date=DAY, date_precision="day")
    return Extraction(Article(article, "text", title=f"Title {article}", source=source),
                      places=(place,), actors=(actor,), events=(event,))


def test_reports_of_reads_actors_places_and_areas():
    town = Place("p1", "Town", 0, 4, name="Town", kind="city", lat=HERE[0], lon=HERE[1],
                 geonameid=7, precision="point")
    country = Place("p1", "Northland", 0, 9, name="Northland", kind="country", lat=HERE[0],
                    lon=HERE[1], geonameid=9, precision="country")
    (point,) = crossref.reports_of(_extraction("x", town, "Northland", "Wire"))
    (area,) = crossref.reports_of(_extraction("y", country, "Northland"))
    assert point.area == "" and point.actor_keys == {"northland"} and point.title == "Title x"
    assert area.area == "gn:9" and point.place_name == "Town"


def test_reports_of_drops_dates_not_known_to_the_day():
    town = Place("p1", "Town", 0, 4, lat=HERE[0], lon=HERE[1], precision="point")
    ex = _extraction("x", town, "Northland")
    month = Extraction(ex.article, ex.places, ex.actors,
                       (Event("e1", "clash", "", actors=("a1",), lat=1.0, lon=1.0, date=DAY,
                              date_precision="month"),))
    assert next(crossref.reports_of(month)).date is None


def test_merge_events_on_extractions():
    town = Place("p1", "Town", 0, 4, lat=HERE[0], lon=HERE[1], precision="point")
    (group,) = crossref.merge_events([_extraction("x", town, "Northland"),
                                      _extraction("y", town, "northland")])
    assert group.members == ("x:e1", "y:e1")


def test_merge_never_puts_two_events_of_one_article_in_a_group():
    twin = report("a1", event="e2", at=NEAR)
    (group,) = crossref.merge([report("a1"), twin, report("a2")])
    assert group.members == ("a1:e1", "a2:e1")


def test_merge_joins_the_closest_match_first():
    # a2 matches both events of a1; it joins the one at its own point, not the one 3 km off.
    (group,) = crossref.merge([report("a1", at=NEAR), report("a1", event="e2"), report("a2")])
    assert group.members == ("a1:e2", "a2:e1") and group.links[0].distance_km == 0


def test_reports_of_takes_the_place_coordinates_when_the_event_has_none():
    town = Place("p1", "Town", 0, 4, lat=HERE[0], lon=HERE[1], precision="point")
    ex = _extraction("x", town, "Northland")
    bare = Extraction(ex.article, ex.places, ex.actors,
                      (Event("e1", "clash", "", actors=("a1",), place="p1", date=DAY),))
    (found,) = crossref.reports_of(bare)
    assert (found.lat, found.lon) == HERE and found.date == DAY and found.mergeable


def _random_reports(n: int, seed: int) -> list[Report]:
    """Reports packed into a few km, days and actors, so that many match and chains form."""
    import random

    rng = random.Random(seed)
    return [report(f"a{rng.randrange(max(1, n // 3))}", event=f"e{i}",
                   type_=rng.choice(("clash", "meeting")),
                   day=DAY + dt.timedelta(days=rng.randrange(4)),
                   at=(45 + rng.uniform(0, 0.3), 20 + rng.uniform(0, 0.3)),
                   actors=rng.sample(("N", "S", "E", "W"), rng.randrange(1, 3)))
            for i in range(n)]


def test_merge_index_finds_what_comparing_every_pair_finds(monkeypatch):
    reports = _random_reports(400, seed=3)
    indexed = crossref.merge(reports)

    def every_earlier(index, report, day, rules):
        return sorted({j for cells in index.values() for found in cells.values() for j in found})

    monkeypatch.setattr(crossref, "_candidates", every_earlier)
    assert len(indexed) > 10 and crossref.merge(reports) == indexed


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(2, 120))
def test_merge_groups_keep_their_promises(seed, size):
    reports = _random_reports(size, seed)
    by_key = {r.key: r for r in reports}
    groups = crossref.merge(reports)
    assert groups == crossref.merge(list(reversed(reports)))
    seen: set[str] = set()
    for group in groups:
        members = [by_key[m] for m in group.members]
        assert len(group.links) == group.num_reports - 1 >= 1
        assert group.num_articles == group.num_reports  # never two events of one article
        assert (group.last_date - group.first_date).days <= MergeRules().max_days
        assert not seen & set(group.members)
        seen |= set(group.members)
        for link in group.links:
            assert crossref.match(by_key[link.a], by_key[link.b]) == link
        assert {m.type for m in members} == {group.type}
