"""``python -m dashboard evaluate``: gold loading and validation, the scoring rules, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest

from dashboard.__main__ import main
from dashboard.extract.evaluate import (
    actor_right, date_right, explain_article, in_bbox, is_demonym, location_right, point_right,
    score_article, score_deployments, score_events, score_places, total,
)
from dashboard.extract.gold import (
    GoldArticle, GoldDeployment, GoldError, GoldEvent, GoldLocation, GoldPlace, load_gold,
    occurrences,
)
from dashboard.records import Actor, Article, Deployment, Event, Extraction, Place

TEXT = "Troops were sent to Gao. In Gao, Malian officials said the Gao talks ended on Friday."
BRUSSELS = GoldLocation("Brussels", 50.85, 4.35, "BE", "city")


def gold_json(**overrides):
    data = {
        "id": "tiny", "layout": "plain",
        "places": [{"surface": "Gao", "occurrence": 2, "literal": True, "lat": 16.27,
                    "lon": -0.04, "country": "ML", "kind": "city"},
                   {"surface": "Malian", "literal": False, "demonym": True, "country": "ML",
                    "lat": 17.0, "lon": -4.0, "kind": "country"}],
        "events": [{"quote": "Malian officials said", "type": "statement", "status": "occurred",
                    "date": None, "place": None, "actors": ["Mali"]}],
        "deployments": [{"quote": "Troops were sent to Gao", "actor": None, "strength": None,
                         "status": "deployed", "place": None}],
    }
    data.update(overrides)
    return data


def write_gold(folder, name, data, text=TEXT):
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


def place(start, end, surface="x", lat=None, lon=None, kind="city", **kw):
    return Place(id=kw.pop("id", f"p{start}"), surface=surface, start=start, end=end, lat=lat,
                 lon=lon, kind=kind, **kw)


def gplace(start, end, lat=None, lon=None, **kw):
    return GoldPlace(start=start, end=end, surface=kw.pop("surface", "x"), lat=lat, lon=lon,
                     **kw)


class FakeNames:
    """The two gazetteer questions the scorer asks."""

    DEMONYMS = {"russian": "RU", "u.s.": "US", "malian": "ML"}
    COUNTRIES = {"u.s.": "US", "mali": "ML", "netherlands": "NL"}

    def demonym(self, word):
        return self.DEMONYMS.get(word.casefold())

    def country_code(self, name):
        return self.COUNTRIES.get(name.casefold())


# --- loading -------------------------------------------------------------------------------

def test_gold_occurrence_counts_whole_words_only():
    assert occurrences("Gao, Gaoland and Gao.", "Gao") == [0, 17]
    assert occurrences("said. He said.", "said.") == [0, 9]


def test_gold_load_turns_surface_and_occurrence_into_spans(tmp_path):
    write_gold(tmp_path, "tiny", gold_json())
    [article] = load_gold([tmp_path / "tiny.json"])
    assert isinstance(article, GoldArticle) and article.id == "tiny"
    gao = article.places[0]
    assert (gao.start, gao.end) == (TEXT.index("In Gao") + 3, TEXT.index("In Gao") + 6)
    assert article.places[1].demonym is True and article.places[1].literal is False
    event = article.events[0]
    assert TEXT[event.start:event.end] == "Malian officials said"
    assert event.actors == ("Mali",) and event.date is None
    assert article.deployments[0].actor == () and article.deployments[0].status == "deployed"


@pytest.mark.parametrize("change, message", [
    ({"places": [{"surface": "Timbuktu"}]}, "'Timbuktu' is not in the text"),
    ({"places": [{"surface": "Gao", "occurrence": 4}]}, "occurrence 4 not found"),
    ({"places": [{"surface": "Gao", "start": 1}]}, "is not at start 1"),
    ({"places": [{"surface": "Gao"}, {"surface": "Gao", "occurrence": 1}]},
     "places[1]: 'Gao' is the same mention as places[0]"),
    ({"events": [{"quote": "Gao", "type": "clash", "status": "occurred"}]},
     "occurs 3 times"),
    ({"events": [{"quote": "talks ended", "type": "chat", "status": "occurred"}]},
     "type 'chat'"),
    ({"events": [{"quote": "talks ended", "type": "meeting", "status": "occurred",
                  "date": "Friday"}]}, "date 'Friday'"),
    ({"deployments": [{"quote": "Troops", "status": "deployed", "strength": "many"}]},
     "strength"),
])
def test_gold_invalid_entry_is_an_error_naming_file_and_entry(tmp_path, change, message):
    write_gold(tmp_path, "bad", gold_json(**change))
    [error] = load_gold([tmp_path / "bad.json"])
    assert isinstance(error, GoldError)
    assert error.source.endswith("bad.json") and message in error.message


def test_gold_bad_file_does_not_stop_the_others(tmp_path):
    write_gold(tmp_path, "a_bad", gold_json(places=[{"surface": "Bamako"}]))
    write_gold(tmp_path, "b_good", gold_json())
    (tmp_path / "c_lonely.json").write_text("{}", encoding="utf-8")  # no .txt beside it
    items = list(load_gold([tmp_path]))
    assert [type(i).__name__ for i in items] == ["GoldError", "GoldArticle", "GoldError"]
    assert "Bamako" in items[0].message and items[1].id == "tiny"


def test_gold_corpus_lines_are_places_only_and_a_bad_line_is_named(tmp_path):
    lines = [{"id": "c1", "text": "Rain in Gao.",
              "toponyms": [{"start": 8, "end": 11, "surface": "Gao", "lat": 16.3, "lon": 0.0}]},
             {"id": "c2", "text": "Rain in Gao.",
              "toponyms": [{"start": 0, "end": 4, "surface": "Gao"}]}]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    good, bad = load_gold([path])
    assert good.has_events is False and good.places[0].literal is None
    assert isinstance(bad, GoldError) and bad.source.endswith("corpus.jsonl:2")


# --- places --------------------------------------------------------------------------------

def test_places_exact_span_and_overlap_count_differently():
    gold = [gplace(0, 9), gplace(20, 30)]
    predicted = [place(0, 9), place(20, 25), place(40, 45)]
    score = score_places(gold, predicted)
    assert (score.exact.tp, score.exact.fp, score.exact.fn) == (1, 2, 1)
    assert (score.overlap.tp, score.overlap.fp, score.overlap.fn) == (2, 1, 0)
    assert score.exact.f1 == pytest.approx(2 / 5)


def test_places_overlap_is_one_to_one():
    score = score_places([gplace(0, 20)], [place(0, 5), place(10, 20)])
    assert (score.overlap.tp, score.overlap.fp) == (1, 1)


def test_places_acc161_counts_unresolved_matches_as_wrong():
    gold = [gplace(0, 3, 16.27, -0.04), gplace(5, 8, 16.27, -0.04), gplace(10, 13, 16.27, -0.04),
            gplace(15, 18)]  # the last has no coordinates: not judged
    predicted = [place(0, 3, lat=16.5, lon=0.5),   # ~64 km away: right
                 place(5, 8, lat=12.6, lon=-8.0),  # Bamako, ~950 km: wrong
                 place(10, 13), place(15, 18, lat=0.0, lon=0.0)]
    res = score_places(gold, predicted).resolution
    assert (res.judged, res.right, res.unresolved) == (3, 1, 1)
    assert res.accuracy == pytest.approx(1 / 3) and len(res.errors_km) == 2


def test_places_area_is_right_when_its_box_holds_the_gold_point():
    mali = place(0, 4, lat=17.0, lon=-4.0, kind="country", bbox=(10.0, -12.5, 25.0, 4.3))
    assert point_right(16.27, -0.04, mali) == (True, 0.0)      # Gao, ~440 km from the centre
    city = place(0, 4, lat=17.0, lon=-4.0, kind="city", bbox=(10.0, -12.5, 25.0, 4.3))
    assert point_right(16.27, -0.04, city)[0] is False          # a city is judged by distance
    assert not point_right(40.0, -0.04, mali)[0]


def test_in_bbox_handles_boxes_across_the_antimeridian():
    fiji = (-21.0, 177.0, -12.0, -178.0)
    assert in_bbox(fiji, -17.0, 179.0) and in_bbox(fiji, -17.0, -179.0)
    assert not in_bbox(fiji, -17.0, 170.0) and not in_bbox(None, 0.0, 0.0)


def test_places_literal_accuracy_only_where_gold_says():
    gold = [gplace(0, 3, literal=True), gplace(5, 8, literal=True), gplace(10, 13)]
    predicted = [place(0, 3), place(5, 8, literal=False), place(10, 13, literal=False)]
    lit = score_places(gold, predicted).literal
    assert (lit.right, lit.judged) == (1, 2)


def test_places_references_are_not_scored():
    extraction = Extraction(article=Article(id="a", text=TEXT), places=(
        place(0, 3), place(10, 18, surface="the town", antecedent="p0")))
    score = score_article(GoldArticle("a", TEXT, "t", places=(gplace(0, 3),)), extraction)
    assert (score.places.exact.tp, score.places.exact.fp, score.places.references) == (1, 0, 1)


def test_places_demonyms_left_out_of_the_second_figure_by_flag():
    gold = GoldArticle("a", TEXT, "t", places=(
        gplace(0, 3, demonym=False), gplace(10, 16, demonym=True)))
    extraction = Extraction(article=Article(id="a", text=TEXT), places=(
        place(0, 3), place(10, 16), place(40, 43)))
    with_them = score_article(gold, extraction).places.exact
    without = score_article(gold, extraction).places_without_demonyms
    assert (with_them.tp, with_them.fp, with_them.fn) == (2, 1, 0)
    assert (without.exact.tp, without.exact.fp, without.exact.fn) == (1, 1, 0)
    assert without.dropped == 1


def test_places_corpus_demonyms_decided_by_the_gazetteer_but_country_names_stay():
    names = FakeNames()
    assert is_demonym(gplace(0, 7, surface="Russian"), names)
    assert not is_demonym(gplace(0, 4, surface="U.S."), names)   # a country's name
    assert not is_demonym(gplace(0, 7, surface="Russian", demonym=False), names)
    assert not is_demonym(gplace(0, 7, surface="Russian"), None)
    gold = GoldArticle("a", TEXT, "t", has_events=False, places=(
        gplace(0, 7, surface="Russian"), gplace(10, 14, surface="U.S.")))
    extraction = Extraction(article=Article(id="a", text=TEXT))
    score = score_article(gold, extraction, names)
    assert score.places.exact.fn == 2 and score.places_without_demonyms.exact.fn == 1
    assert score.events is None


# --- events and deployments ----------------------------------------------------------------

def event(start, end, type_="statement", **kw):
    return Event(id=kw.pop("id", f"e{start}"), type=type_, summary="", start=start, end=end, **kw)


def gevent(start, end, type_="statement", **kw):
    values = {"status": "occurred", "date": None, "place": None, "actors": ()} | kw
    return GoldEvent(start=start, end=end, quote="q", type=type_, **values)


def test_events_matching_prefers_the_same_type_and_is_one_to_one():
    gold = [gevent(0, 10, "statement"), gevent(12, 20, "meeting")]
    # Both predictions cover the whole sentence; each gold takes the one of its own type.
    predicted = [event(0, 30, "meeting", id="m"), event(0, 30, "statement", id="s"),
                 event(50, 60, "clash")]
    score = score_events(gold, predicted, {}, {})
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (2, 1, 0)
    assert score.field("type").value == 1.0


def test_events_unmatched_when_spans_do_not_overlap():
    score = score_events([gevent(0, 10)], [event(10, 20)], {}, {})
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (0, 1, 1)


@dataclass(frozen=True)
class EventWithMentions:
    """An event as the grounding branch will make it: extra supporting spans."""

    id: str
    type: str
    start: int
    end: int
    mentions: tuple = ()
    status: str = "occurred"
    date: dt.date | None = None
    date_precision: str = ""
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    actors: tuple = ()


def test_events_any_mention_span_counts_for_matching():
    predicted = [EventWithMentions("e1", "statement", 0, 5, mentions=((0, 5), (40, 50)))]
    assert score_events([gevent(42, 48)], predicted, {}, {}).counts.tp == 1
    assert score_events([gevent(42, 48)], [event(0, 5)], {}, {}).counts.tp == 0


def test_events_field_accuracy_on_the_matched():
    actors = {"a1": Actor(id="a1", name="NATO", type="organization")}
    gold = [gevent(0, 10, status="planned", date="2007-12-07", place=BRUSSELS,
                   actors=("NATO",)),
            gevent(20, 30, status="occurred", date="2007-12", place=None, actors=())]
    predicted = [event(0, 10, status="planned", date=dt.date(2007, 12, 7), lat=50.84, lon=4.36,
                       actors=("a1",)),
                 event(20, 30, status="planned", date=dt.date(2007, 12, 20), lat=1.0, lon=1.0)]
    score = score_events(gold, predicted, actors, {})
    assert [(n, r.right, r.judged) for n, r in score.fields] == [
        ("type", 2, 2), ("status", 1, 2), ("date", 2, 2), ("place", 1, 2), ("actor", 2, 2)]


def test_date_right_truncates_to_the_gold_precision():
    assert date_right("2007-12", dt.date(2007, 12, 5), "day")
    assert date_right("2007", dt.date(2007, 3, 1), "month")
    assert not date_right("2007-12-05", dt.date(2007, 12, 1), "month")  # coarser than gold
    assert not date_right("2007-12-01", dt.date(2007, 12, 1), "month")  # a month, not the 1st
    assert not date_right("2007-12-05", dt.date(2007, 12, 6), "day")
    assert date_right(None, None) and not date_right(None, dt.date(2007, 1, 1))
    assert not date_right("2007", None)


def test_location_right_by_distance_and_for_gold_areas():
    kosovo = GoldLocation("Kosovo", 42.6, 20.9, "XK", "country")
    in_kosovo = place(0, 1, lat=42.89, lon=20.87, country_code="XK")
    assert location_right(BRUSSELS, 50.9, 4.4, None)
    assert not location_right(BRUSSELS, 48.85, 2.35, None)           # Paris, ~260 km
    assert location_right(kosovo, 45.0, 20.9, in_kosovo)             # same country, far point
    assert not location_right(kosovo, 45.0, 20.9, place(0, 1, lat=45.0, lon=20.9,
                                                        country_code="RS"))
    gao = GoldLocation("Gao", 16.27, -0.04, "ML", "city")
    bamako = place(0, 1, lat=12.65, lon=-8.0, country_code="ML", kind="city")
    assert not location_right(gao, 12.65, -8.0, bamako)   # a gold city: the country is not enough
    assert location_right(None, None, None, None) and not location_right(None, 1.0, 1.0, None)
    assert not location_right(BRUSSELS, None, None, None)


def test_actor_right_by_name_alias_or_state_code():
    us = Actor(id="a1", name="United States", type="state", country_code="US",
               aliases=("Washington",))
    dutch = Actor(id="a2", name="Dutch marines", type="group", country_code="NL")
    nl = Actor(id="a3", name="Holland", type="state", country_code="NL")
    names = FakeNames()
    assert actor_right(["washington"], [us]) and actor_right(["U.S."], [us], names)
    assert not actor_right(["U.S."], [us])            # without the gazetteer: names only
    assert actor_right(["Netherlands"], [nl], names)
    assert not actor_right(["Netherlands"], [dutch], names)   # not a state actor
    assert actor_right([], []) and not actor_right([], [us]) and not actor_right(["NATO"], [])


def test_deployments_fields_status_strength_place_actor():
    actors = {"a1": Actor(id="a1", name="France", type="state", country_code="FR")}
    gold = [GoldDeployment(0, 20, "q", status="stationed", strength=3000, place=BRUSSELS,
                           actor=("France",))]
    right = Deployment(id="d1", actor="a1", unit="", strength=3000, lat=50.85, lon=4.35,
                       status="stationed", start=5, end=25)
    wrong = Deployment(id="d1", actor=None, unit="", strength=300, status="deployed",
                       start=5, end=25)
    good = score_deployments(gold, [right], actors, {})
    bad = score_deployments(gold, [wrong], actors, {})
    assert [r.value for _, r in good.fields] == [1.0, 1.0, 1.0, 1.0]
    assert [r.value for _, r in bad.fields] == [0.0, 0.0, 0.0, 0.0]
    assert [n for n, _ in good.fields] == ["status", "strength", "place", "actor"]


def test_total_adds_articles_and_skips_missing_event_scores():
    gold = GoldArticle("a", TEXT, "t", places=(gplace(0, 3),), events=(gevent(0, 5),))
    corpus = GoldArticle("b", TEXT, "t", places=(gplace(0, 3),), has_events=False)
    extraction = Extraction(article=Article(id="a", text=TEXT), places=(place(0, 3),))
    both = total([score_article(gold, extraction, seconds=0.5),
                  score_article(corpus, extraction, seconds=0.25)])
    assert both.articles == 2 and both.seconds == 0.75 and both.places.exact.tp == 2
    assert both.events.counts.fn == 1


def test_explain_lists_each_mistake_behind_the_figures():
    text = "Talks in Gao. Clashes in Bamako."
    gold = GoldArticle("a", text, "t", places=(
        gplace(9, 12, 16.27, -0.04, surface="Gao"), gplace(25, 31, 12.65, -8.0, surface="Bamako")),
        events=(gevent(0, 12, "meeting", status="planned"), gevent(14, 31, "clash")))
    extraction = Extraction(article=Article(id="a", text=text), places=(
        place(9, 12, "Gao", lat=40.0, lon=-0.04, name="Gao"), place(0, 5, "Talks")),
        events=(event(0, 12, "meeting", status="occurred"),))
    found = {(m.record, m.kind, m.text, m.gold, m.predicted)
             for m in explain_article(gold, extraction)}
    assert ("place", "missed", "Bamako", "12.65,-8.00", "") in found
    assert ("place", "spurious", "Talks", "", "Talks: unresolved") in found
    [location] = [m for m in found if m[1] == "location"]
    assert location[2] == "Gao" and location[4] == "Gao (city) 40.00,-0.04, 2639 km"
    assert ("event", "status", "q", "planned", "occurred") in found
    assert ("event", "missed", "q", "clash", "") in found
    assert len(found) == 5


# --- command line (the real pipeline on a tiny gold article) ------------------------------

WIRE = ("Clashes in Mali\n"
        "GAO, Mali, March 3 (Reuters) - Fighting broke out in Gao on Monday, officials said.\n")


def test_cli_json_scores_a_real_extraction_and_names_a_bad_file(tmp_path, capsys,
                                                               offline_geocoder):
    gold = {"id": "wire", "layout": "wire",
            "places": [{"surface": "Gao", "literal": True, "lat": 16.27, "lon": -0.04,
                        "country": "ML", "kind": "city"}],
            "events": [{"quote": "Fighting broke out in Gao", "type": "clash",
                        "status": "occurred", "date": None,
                        "place": {"name": "Gao", "lat": 16.27, "lon": -0.04, "country": "ML",
                                  "kind": "city"}, "actors": []}],
            "deployments": []}
    write_gold(tmp_path, "wire", gold, WIRE)
    write_gold(tmp_path, "broken", {"places": [{"surface": "Timbuktu"}]}, WIRE)
    code = main(["evaluate", str(tmp_path), "--json"])
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert code == 1 and "broken.json" in err and "Timbuktu" in err
    assert data["articles"] == 1 and [a["id"] for a in data["per_article"]] == ["wire"]
    assert data["places"]["exact"]["tp"] == 1 and data["places"]["resolution"]["acc_161"] == 1
    assert data["events"]["tp"] == 1 and data["events"]["fields"]["place"]["accuracy"] == 1
    assert data["deployments"]["fp"] == 0 and data["articles_per_second"] > 0
    assert data["errors"][0]["source"].endswith("broken.json")
    assert "mistakes" not in data["per_article"][0]


def test_cli_show_errors_lists_mistakes_in_text_and_json(tmp_path, capsys, offline_geocoder):
    write_gold(tmp_path, "wire", {"places": [{"surface": "Gao", "lat": 16.27, "lon": -0.04}]},
               WIRE)
    main(["evaluate", str(tmp_path), "--show-errors"])
    out = capsys.readouterr().out
    assert "## Most frequent mistakes" in out and "| place spurious |" in out
    assert "### wire" in out and "- place spurious: 'Mali'" in out
    main(["evaluate", str(tmp_path), "--show-errors", "--json"])
    mistakes = json.loads(capsys.readouterr().out)["per_article"][0]["mistakes"]
    assert {"record": "place", "kind": "spurious", "text": "Mali"}.items() <= mistakes[0].items()


def test_cli_text_report_has_the_tables_and_the_per_article_row(tmp_path, capsys,
                                                                offline_geocoder):
    write_gold(tmp_path, "wire", {"places": [{"surface": "Gao"}]}, WIRE)
    code = main(["evaluate", str(tmp_path / "wire.json")])
    out = capsys.readouterr().out
    assert code == 0
    assert "| exact span | 1 | " in out and "| overlap, without demonyms |" in out
    assert "| events | 0 |" in out and "| wire | 1/" in out and "articles/s" in out


def test_cli_missing_corpus_is_said_once_without_empty_tables(tmp_path, capsys):
    code = main(["evaluate", str(tmp_path / "absent.jsonl")])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "absent.jsonl: cannot read" in err and "nothing scored" in err
