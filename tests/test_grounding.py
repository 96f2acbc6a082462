"""Grounding: each basis of place and date, the order between them, and the null case."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace

from dashboard.extract import grounding

from dashboard.extract.dates import find_dates
from dashboard.extract.events import find_events
from dashboard.extract.grounding import ground
from dashboard.records import Article, Deployment, Event, Place
from dashboard.text import split_sentences

THURSDAY = dt.date(2007, 12, 6)


def place(text, id_, surface, nth=0, kind="city", antecedent=None, literal=True, geonameid=None,
          precision="point"):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Place(id=id_, surface=surface, start=start, end=start + len(surface),
                 name=surface if antecedent is None else "Antecedent", kind=kind,
                 lat=50.0 + len(id_), lon=4.0, literal=literal, antecedent=antecedent,
                 geonameid=geonameid if geonameid is not None else abs(hash(surface)) % 10**6,
                 precision=precision, confidence=0.9)


def event(text, id_, clause, type_="statement", status="occurred", nth=0, **fields):
    start = -1
    for _ in range(nth + 1):
        start = text.index(clause, start + 1)
    return Event(id=id_, type=type_, summary=clause, status=status, start=start,
                 end=start + len(clause), **fields)


def grounded(text, events=(), deployments=(), places=(), published=THURSDAY, body_start=0):
    article = Article(id="t", text=text, published=published, body_start=body_start)
    return ground(text, article, split_sentences(text), places, find_dates(text, published),
                  events, deployments)


def test_ground_keeps_a_stated_place_and_date_as_stated():
    text = "Ministers met in Brussels on Friday."
    brussels = place(text, "p1", "Brussels")
    stated = event(text, "e1", text, "meeting", place="p1", date=dt.date(2007, 12, 7),
                   date_text="on Friday")
    (e,), _ = grounded(text, [stated], places=[brussels])
    assert (e.place, e.place_basis, e.date_basis) == ("p1", "stated", "stated")
    assert e.place_note == "place stated: Brussels" and e.mentions == ((0, len(text)),)


def test_ground_reference_links_the_town_to_its_place():
    text = "Troops reached Mitrovica. Rioters tried to enter the town by force."
    town = place(text, "p2", "the town", antecedent="p1")
    clash = event(text, "e1", "Rioters tried to enter the town by force.", "clash")
    (e,), _ = grounded(text, [clash], places=[place(text, "p1", "Mitrovica"), town])
    assert (e.place, e.place_basis) == ("p2", "reference")
    assert "meaning Antecedent" in e.place_note


def test_ground_reference_reads_there_as_the_last_place_before_it():
    text = "Rebels hold Gao. Fighting broke out there on Monday."
    fight = event(text, "e1", "Fighting broke out there on Monday.", "clash")
    (e,), _ = grounded(text, [fight], places=[place(text, "p1", "Gao")])
    assert (e.place, e.place_basis, e.date_basis) == ("p1", "reference", "sentence")
    assert e.date == dt.date(2007, 12, 3)


def test_ground_sentence_takes_the_lone_place_but_not_a_topic():
    text = "Envoys discussed Kosovo. Later, rebels fought on, in Vienna's suburbs."
    talks = event(text, "e1", "Envoys discussed Kosovo.", "meeting")
    later = event(text, "e2", "rebels fought on", "clash")
    places = [place(text, "p1", "Kosovo", kind="country"), place(text, "p2", "Vienna")]
    (first, second), _ = grounded(text, [talks, later], places=places, published=None)
    assert (first.place, first.place_basis) == (None, "")  # what they discussed, not where
    assert (second.place, second.place_basis) == ("p2", "sentence")


def test_ground_words_take_no_place_from_what_was_said_but_from_an_opening_in_x():
    text = "Rebels hold Gao, the army said. In Paris, the minister said calm must hold."
    army = event(text, "e1", "the army said.")
    minister = event(text, "e2", "the minister said calm must hold.")
    places = [place(text, "p1", "Gao"), place(text, "p2", "Paris")]
    (first, second), _ = grounded(text, [army, minister], places=places, published=None)
    assert (first.place, first.place_basis) == (None, "")
    assert (second.place, second.place_basis, second.place_note) == (
        "p2", "sentence", "place from its sentence: In Paris")


def test_ground_sentence_needs_exactly_one_candidate():
    text = "Talks in Geneva and Vienna were held, officials said."
    talks = event(text, "e1", "officials said.", "statement")
    places = [place(text, "p1", "Geneva"), place(text, "p2", "Vienna")]
    (e,), _ = grounded(text, [talks], places=places, published=None)
    assert e.place is None and e.place_note.startswith("no place")


def test_ground_inherits_place_and_date_from_the_meeting_it_was_made_at():
    text = ("Ministers meet on Friday in Brussels. "
            "In their final communique, the ministers will back the plan.")
    meeting = event(text, "e1", "Ministers meet on Friday in Brussels.", "meeting", "planned",
                    place="p1", date=dt.date(2007, 12, 7), date_text="on Friday")
    words = event(text, "e2", "In their final communique, the ministers will back the plan.",
                  "statement", "planned")
    (_, e), _ = grounded(text, [meeting, words], places=[place(text, "p1", "Brussels")])
    assert (e.place, e.date, e.place_basis, e.date_basis) == (
        "p1", dt.date(2007, 12, 7), "inherited", "inherited")
    assert e.place_note == "place from the meeting in Brussels"


def test_ground_attachment_outranks_the_lone_place_of_the_sentence():
    text = ("Ministers meet on Friday in Brussels. "
            "At the Friday meeting, the US will ask to keep troops in Kosovo.")
    meeting = event(text, "e1", "Ministers meet on Friday in Brussels.", "meeting", "planned",
                    place="p1", date=dt.date(2007, 12, 7))
    ask = event(text, "e2", "At the Friday meeting, the US will ask to keep troops in Kosovo.",
                "request", "planned", date=dt.date(2007, 12, 7))
    places = [place(text, "p1", "Brussels"), place(text, "p2", "Kosovo", kind="country")]
    (_, e), _ = grounded(text, [meeting, ask], places=places)
    assert (e.place, e.place_basis, e.date_basis) == ("p1", "inherited", "stated")


def test_ground_an_event_attached_to_its_own_kind_is_merged_into_it():
    text = ("Ministers meet on Friday in Brussels. "
            "Reinforcements will be discussed at the meeting.")
    meeting = event(text, "e1", "Ministers meet on Friday in Brussels.", "meeting", "planned",
                    place="p1", date=dt.date(2007, 12, 7))
    again = event(text, "e2", "Reinforcements will be discussed at the meeting.", "meeting",
                  "planned")
    (e,), _ = grounded(text, [meeting, again], places=[place(text, "p1", "Brussels")])
    assert e.mentions == ((0, 37), (38, len(text)))


def test_ground_a_pronoun_subject_continues_the_record_before_it():
    text = "Ministers met in Brussels on Friday. They also urged calm."
    met = event(text, "e1", "Ministers met in Brussels on Friday.", "meeting", place="p1",
                date=dt.date(2007, 11, 30))
    urged = event(text, "e2", "They also urged calm.", "request")
    (_, e), _ = grounded(text, [met, urged], places=[place(text, "p1", "Brussels")])
    assert (e.place, e.date, e.place_basis, e.date_basis) == (
        "p1", dt.date(2007, 11, 30), "inherited", "inherited")


def test_ground_troops_with_no_place_go_where_the_same_troops_are_stationed():
    text = "NATO keeps troops in Kosovo. Reinforcements will be discussed."
    kept = Deployment(id="d1", actor="a1", unit="troops", place="p1", start=11, end=27)
    extra = Deployment(id="d2", actor="a1", unit="reinforcements", status="proposed", start=29,
                       end=43)
    _, (_, d) = grounded(text, deployments=[kept, extra],
                         places=[place(text, "p1", "Kosovo", kind="country")])
    assert (d.place, d.place_basis) == ("p1", "inherited")
    assert d.place_note == "place from the troops already in Kosovo"


def test_ground_focus_is_the_last_resort_at_the_focus_place_level():
    text = "Unrest in Kosovo. Kosovo votes. Kosovo waits. Rioters attacked a convoy."
    places = [place(text, f"p{i}", "Kosovo", nth=i - 1, kind="country", geonameid=7,
                    precision="country") for i in (1, 2, 3)]
    attack = event(text, "e1", "Rioters attacked a convoy.", "clash")
    (e,), _ = grounded(text, [attack], places=places)
    assert (e.place, e.place_basis) == ("p1", "focus")
    assert e.place_note == "place from the article's focus: Kosovo (country level)"


def test_ground_focus_does_not_place_words_spoken_elsewhere():
    text = "Unrest in Kosovo. Kosovo votes. Kosovo waits. Tokyo said calm must hold."
    places = [place(text, f"p{i}", "Kosovo", nth=i - 1, kind="country", geonameid=7,
                    precision="country") for i in (1, 2, 3)]
    (e,), _ = grounded(text, [event(text, "e1", "Tokyo said calm must hold.")], places=places)
    assert (e.place, e.place_basis) == (None, "")


def test_ground_focus_city_outside_the_leading_country_gives_way_to_that_country():
    text = ("Talks in Istanbul. Talks in Istanbul. War in Ukraine, Kyiv, Lviv, Odesa. "
            "Troops advanced.")
    istanbul = [place(text, f"p{i}", "Istanbul", nth=i - 1, geonameid=1) for i in (1, 2)]
    istanbul = [replace(p, country_code="TR") for p in istanbul]
    others = [replace(place(text, id_, name, kind=kind, geonameid=g), country_code="UA")
              for id_, name, kind, g in (("p3", "Ukraine", "country", 2), ("p4", "Kyiv", "city", 3),
                                         ("p5", "Lviv", "city", 4), ("p6", "Odesa", "city", 5))]
    advance = event(text, "e1", "Troops advanced.", "clash")
    (e,), _ = grounded(text, [advance], places=istanbul + others)
    assert (e.place, e.place_basis) == ("p3", "focus")


def test_ground_no_focus_when_no_place_clearly_leads():
    text = "Unrest in Gao. Unrest in Mopti. Envoys said calm must hold."
    places = [place(text, "p1", "Gao"), place(text, "p2", "Mopti")]
    (e,), _ = grounded(text, [event(text, "e1", "Envoys said calm must hold.")], places=places)
    assert (e.place, e.place_basis) == (None, "")


def test_ground_wire_dateline_city_is_the_focus_and_dates_a_bare_said():
    text = "Marines land\nBASRA, Iraq (Reuters) - Some marines were flown in, an officer said."
    said = event(text, "e1", "an officer said.")
    (e,), (d,) = grounded(text, [said], [Deployment(id="d1", actor=None, unit="marines",
                                                    start=text.index("marines"), end=60)],
                          places=[place(text, "p1", "BASRA")], body_start=13)
    assert (d.place, d.place_basis) == ("p1", "focus")
    assert (e.date, e.date_basis) == (THURSDAY, "dateline")


def test_ground_dateline_dates_a_bare_said_but_not_a_perfect_or_a_plan():
    text = ("Marines land\n(Staff) Thursday, December 06, 2007\nAn officer said it was calm. "
            "Chad has pledged troops. Mali will ask for help.")
    said = event(text, "e1", "An officer said it was calm.")
    pledged = event(text, "e2", "Chad has pledged troops.")
    asks = event(text, "e3", "Mali will ask for help.", "request", "planned")
    found, _ = grounded(text, [said, pledged, asks], body_start=49)
    assert [(e.date, e.date_basis) for e in found] == [
        (THURSDAY, "dateline"), (None, ""), (None, "")]
    assert "tense does not make it the dateline's day" in found[1].date_note


def test_ground_dateline_dates_an_ongoing_event():
    text = "Ministers are discussing the plan."
    (e,), _ = grounded(text, [event(text, "e1", text, "meeting", "ongoing")])
    assert (e.date, e.date_basis, e.date_note) == (
        THURSDAY, "dateline", "date from the dateline (it is going on as the report is written)")


def test_ground_nothing_invented_without_evidence():
    text = "Officials said calm must hold."
    (e,), (d,) = grounded(text, [event(text, "e1", text)],
                          [Deployment(id="d1", actor=None, unit="troops", start=0, end=9)],
                          published=None)
    assert (e.place, e.date, e.place_basis, e.date_basis) == (None, None, "", "")
    assert (d.place, d.date, d.place_basis, d.date_basis) == (None, None, "", "")
    assert e.date_note == "no date: none in its clause or sentence, and the article has no dateline"


def test_ground_a_capital_speaking_for_its_government_is_where_it_spoke():
    text = "Seoul welcomed the accord. Envoys praised the talks between Seoul and Tokyo."
    seoul = place(text, "p1", "Seoul", literal=False)
    welcomed = event(text, "e1", "Seoul welcomed the accord.")
    praised = event(text, "e2", "Envoys praised the talks between Seoul and Tokyo.")
    places = [seoul, place(text, "p2", "Seoul", nth=1, literal=False),
              place(text, "p3", "Tokyo", literal=False)]
    (first, second), _ = grounded(text, [welcomed, praised], places=places, published=None)
    assert (first.place, first.place_basis) == ("p1", "reference")
    assert (second.place, second.place_basis) == (None, "")  # not the speaker: a topic


def test_ground_the_port_of_a_sea_is_the_port():
    text = "Troops sank boats in the Black Sea port of Poti."
    sank = event(text, "e1", text, "clash", place="p1")
    places = [place(text, "p1", "Black Sea", kind="water"), place(text, "p2", "Poti")]
    (e,), _ = grounded(text, [sank], places=places)
    assert (e.place, e.place_basis) == ("p2", "stated")


def test_ground_an_order_goes_where_the_troops_go():
    text = "The president ordered more troops to Yeonpyeong."
    ordered = event(text, "e1", text, "decision")
    (e,), _ = grounded(text, [ordered], places=[place(text, "p1", "Yeonpyeong")])
    assert (e.place, e.place_basis) == ("p1", "stated")


def test_ground_the_wire_dateline_is_no_candidate_of_its_sentence():
    text = "Troops land\nMOGADISHU, Somalia (AP) - Rebels shelled the airport of Baidoa."
    landed = event(text, "e1", "Rebels shelled the airport of Baidoa.", "clash")
    places = [place(text, "p1", "MOGADISHU"), place(text, "p2", "Somalia", kind="country"),
              place(text, "p3", "Baidoa")]
    (e,), _ = grounded(text, [landed], places=places, body_start=12)
    assert (e.place, e.place_basis) == ("p3", "sentence")


def test_ground_copies_every_field_of_the_records():
    # grounding builds records field by field: a field added to them must be added there too
    assert grounding.EVENT_FIELDS == tuple(f.name for f in dataclasses.fields(Event))
    assert grounding.DEPLOYMENT_FIELDS == tuple(f.name for f in dataclasses.fields(Deployment))


def test_ground_a_past_happening_right_after_a_dated_one_is_read_in_the_story_time():
    text = "Troops stormed the town on Monday. Rebels fought back with mortars. Aid may come."
    stormed = event(text, "e1", "Troops stormed the town on Monday.", "clash",
                    date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    fought = event(text, "e2", "Rebels fought back with mortars.", "clash")
    aid = event(text, "e3", "Aid may come.", "other", "possible")
    (_, second, third), _ = grounded(text, [stormed, fought, aid], published=None)
    assert (second.date, second.date_basis) == (dt.date(2007, 12, 3), "inherited")
    assert (third.date, third.date_basis) == (None, "")  # not a past happening


def test_ground_a_place_in_what_was_said_is_not_where_it_was_said():
    text = "France said it would raise its force in Mali. Allawi told reporters in Baghdad."
    raise_ = event(text, "e1", "France said it would raise its force in Mali.", place="p1")
    told = event(text, "e2", "Allawi told reporters in Baghdad.", place="p2")
    places = [place(text, "p1", "Mali", kind="country"), place(text, "p2", "Baghdad")]
    (first, second), _ = grounded(text, [raise_, told], places=places, published=None)
    assert (first.place, first.place_basis) == (None, "")
    assert (second.place, second.place_basis) == ("p2", "stated")


def test_ground_a_reference_followed_by_its_name_is_that_name():
    text = "Troops are based outside the capital, Skopje."
    capital = place(text, "p1", "the capital", antecedent="p9")
    based = Deployment(id="d1", actor=None, unit="Troops", place="p1", start=0, end=len(text))
    _, (d,) = grounded(text, deployments=[based], places=[capital, place(text, "p2", "Skopje")])
    assert (d.place, d.place_basis) == ("p2", "stated")


def test_ground_the_day_before_is_the_day_before_the_dateline_unless_it_names_an_event():
    text = ("Habibie said the day before that he would help. "
            "The day before the landing, rebels fought.")
    said = event(text, "e1", "Habibie said the day before that he would help.")
    fought = event(text, "e2", "The day before the landing, rebels fought.", "clash")
    (first, second), _ = grounded(text, [said, fought])
    assert (first.date, first.date_basis) == (dt.date(2007, 12, 5), "stated")
    assert second.date is None


def test_ground_the_sender_of_troops_is_not_where_they_are():
    text = "Finland sent 2,200 soldiers. Riots in Oslo, Bergen."
    sent = Deployment(id="d1", actor=None, unit="soldiers", start=13, end=27)
    places = [place(text, "p1", "Finland", kind="country"), place(text, "p2", "Oslo"),
              place(text, "p3", "Bergen")]
    _, (d,) = grounded(text, deployments=[sent], places=places)
    assert (d.place, d.place_basis) == (None, "")


def test_ground_words_keep_a_setting_after_the_verb_but_not_what_was_said():
    text = ("Foggo told reporters aboard the command ship in Trondheim. "
            "Lange said his men would go to Tetovo. Officials said fighting continued near Gao.")
    told = event(text, "e1", "Foggo told reporters aboard the command ship in Trondheim.",
                 place="p1")
    lange = event(text, "e2", "Lange said his men would go to Tetovo.", place="p2")
    fighting = event(text, "e3", "Officials said fighting continued near Gao.", place="p3")
    places = [place(text, "p1", "Trondheim"), place(text, "p2", "Tetovo"),
              place(text, "p3", "Gao")]
    found, _ = grounded(text, [told, lange, fighting], places=places, published=None)
    assert [e.place for e in found] == ["p1", None, None]


def test_ground_a_since_date_gives_way_to_the_clause_own_day():
    text = "Troops held since June pulled back on Wednesday night."
    dates = find_dates(text, THURSDAY)
    since = next(d for d in dates if d.qualifier == "after")
    pulled = event(text, "e1", text, "deployment", date=since.date, date_text=since.text,
                   date_precision=since.precision, date_qualifier="after")
    (e,), _ = grounded(text, [pulled])
    assert (e.date, e.date_basis, e.date_qualifier) == (dt.date(2007, 12, 5), "stated", "")


def test_ground_a_clash_is_where_it_strikes_and_words_merged_keep_their_setting():
    text = ("Rebels seized Bor, the capital of Jonglei, on Wednesday, a spokesman said. "
            "'We lost Bor,' Aguer told AFP in Juba.")
    seized = event(text, "e1", "Rebels seized Bor, the capital of Jonglei, on Wednesday", "clash")
    said = event(text, "e2", "a spokesman said.", place="p3",
                 mentions=((text.index("a spokesman"), text.index("said.") + 5),
                           (text.index("Aguer"), len(text))))
    places = [place(text, "p1", "Bor"), place(text, "p2", "Jonglei", kind="admin1"),
              place(text, "p3", "Juba")]
    (first, second), _ = grounded(text, [seized, said], places=places, published=None)
    assert (first.place, first.place_basis) == ("p1", "stated")
    assert (second.place, second.place_basis) == ("p3", "stated")


def test_ground_troops_are_not_placed_in_another_clause_or_where_they_come_from():
    text = ("Israeli troops surround the camp, and a spokesman in Tel Aviv said so. "
            "Planes with Russian troops took off from an air base near Ulyanovsk. "
            "Rebels withdrew from Timbuktu.")
    places = [place(text, "p1", "Tel Aviv"), place(text, "p2", "Ulyanovsk"),
              place(text, "p3", "Timbuktu")]
    deps = [Deployment(id="d1", actor=None, unit="Israeli troops", place="p1", start=0, end=50),
            Deployment(id="d2", actor=None, unit="Russian troops", place="p2",
                       start=text.index("Russian"), end=text.index("Ulyanovsk") + 9),
            Deployment(id="d3", actor=None, unit="Rebels", place="p3", status="withdrawal",
                       start=text.index("Rebels"), end=len(text) - 1)]
    _, found = grounded(text, deployments=deps, places=places, published=None)
    assert [(d.place, d.place_basis) for d in found] == [
        (None, ""), (None, ""), ("p3", "stated")]


def test_ground_troops_go_where_their_motion_verb_takes_them_not_where_they_are_from():
    text = ("About 2,000 Marines who landed at the Greek port of Thessaloniki will go on. "
            "Some 2,300 U.S. Marines are waiting off the coast. "
            "Some 8,000 troops flown in from Germany joined them.")
    places = [place(text, "p1", "Thessaloniki"), place(text, "p2", "U.S.", kind="country"),
              place(text, "p3", "Germany", kind="country")]
    deps = [Deployment(id=f"d{i}", actor=None, unit="Marines", start=text.index(words),
                       end=text.index(words) + len(words))
            for i, words in enumerate(("2,000 Marines", "2,300 U.S. Marines", "8,000 troops"), 1)]
    _, found = grounded(text, deployments=deps, places=places, published=None)
    assert [(d.place, d.place_basis) for d in found] == [("p1", "stated"), (None, ""),
                                                          (None, "")]


def test_ground_counted_day_from_the_event_its_words_name():
    text = ("Marines landed in Monrovia on Monday. "
            "Fighting killed 12 civilians the day before the landing, aid workers said.")
    landed = event(text, "e1", "Marines landed in Monrovia on Monday.", "deployment",
                   date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    fight = event(text, "e2", "Fighting killed 12 civilians the day before the landing", "clash")
    (_, e), _ = grounded(text, [landed, fight])
    assert (e.date, e.date_basis) == (dt.date(2007, 12, 2), "stated")
    assert "counted from the deployment" in e.date_note


def test_ground_counted_day_from_the_day_before_it_in_its_sentence():
    text = "Soldiers left Kismayo on Monday and crossed the border the day after, residents said."
    left = event(text, "e1", "Soldiers left Kismayo on Monday", "deployment",
                 date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    crossed = event(text, "e2", "crossed the border the day after", "deployment",
                    date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    (first, second), _ = grounded(text, [left, crossed])
    assert first.date == dt.date(2007, 12, 3)  # its own day comes before the phrase
    assert second.date == dt.date(2007, 12, 4)


def test_ground_counted_day_later_continues_the_story():
    text = "The convoy set out on Monday. It passed the strait. Two days later a tanker hit a mine."
    out = event(text, "e1", "The convoy set out on Monday.", "deployment",
                date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    mine = event(text, "e2", "a tanker hit a mine.", "clash")
    (_, e), _ = grounded(text, [out, mine], published=None)
    assert (e.date, e.date_basis) == (dt.date(2007, 12, 5), "stated")


def test_ground_counted_day_leaves_an_event_of_its_own_sentence_and_an_unread_one():
    text = ("Leaders met in Abuja on Sunday. The decision came two weeks after the coup. "
            "Troops attacked two weeks after officers detained the president.")
    met = event(text, "e1", "Leaders met in Abuja on Sunday.", "meeting",
                date=dt.date(2007, 12, 2), date_text="on Sunday", date_precision="day")
    coup = event(text, "e2", "The decision came two weeks after the coup.", "decision")
    attack = event(text, "e3", "Troops attacked two weeks after officers detained the president.",
                   "clash")
    (_, decision, clash), _ = grounded(text, [met, coup, attack])
    assert decision.date is None or "counted" not in decision.date_note  # no coup told before
    assert clash.date is None or "counted" not in clash.date_note


def test_ground_words_take_a_day_right_after_their_verb_not_one_in_what_was_said():
    text = ("Foggo told reporters aboard the ship on Wednesday that drills went well. "
            "Jets hit Kidal on Sunday, the ministry said.")
    told = event(text, "e1", "Foggo told reporters aboard the ship on Wednesday that drills "
                             "went well.")
    said = event(text, "e2", "the ministry said", date=dt.date(2007, 12, 2),
                 date_text="on Sunday", date_precision="day")
    (first, second), _ = grounded(text, [told, said])
    assert (first.date, first.date_basis) == (dt.date(2007, 12, 5), "stated")
    assert (second.date, second.date_basis) == (THURSDAY, "dateline")  # Sunday was what was said


def test_ground_words_keep_a_day_opening_their_sentence():
    text = "On Sunday, the ministry said jets hit Kidal."
    said = event(text, "e1", "the ministry said jets hit Kidal.", date=dt.date(2007, 12, 2),
                 date_text="On Sunday", date_precision="day")
    (e,), _ = grounded(text, [said])
    assert (e.date, e.date_basis) == (dt.date(2007, 12, 2), "stated")


def test_ground_story_time_skips_the_present_perfect_and_later_happenings():
    text = ("Rebels seized Gao on Monday. The army has moved two brigades north. "
            "Rebels attacked Kidal on Monday. Troops were later posted to Gao.")
    seized = event(text, "e1", "Rebels seized Gao on Monday.", "clash",
                   date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    moved = event(text, "e2", "The army has moved two brigades north.", "deployment")
    attacked = event(text, "e3", "Rebels attacked Kidal on Monday.", "clash",
                     date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    posted = event(text, "e4", "Troops were later posted to Gao.", "deployment")
    (_, e2, _, e4), _ = grounded(text, [seized, moved, attacked, posted])
    assert e2.date is None and e4.date is None


def test_ground_story_time_returns_after_an_aside_with_an_earlier_day():
    text = ("Troops stormed the town on Monday. The premier declared an emergency on Sunday. "
            "Rebels fought back with mortars.")
    stormed = event(text, "e1", "Troops stormed the town on Monday.", "clash",
                    date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    declared = event(text, "e2", "The premier declared an emergency on Sunday.", "decision",
                     date=dt.date(2007, 12, 2), date_text="on Sunday", date_precision="day")
    fought = event(text, "e3", "Rebels fought back with mortars.", "clash")
    (_, _, third), _ = grounded(text, [stormed, declared, fought])
    assert (third.date, third.date_basis) == (dt.date(2007, 12, 3), "inherited")


def test_ground_story_time_is_not_given_to_a_happening_a_speaker_reports():
    text = ("Troops stormed the town on Monday. Rebels shelled the port in the afternoon, "
            "officials said. Rebels also sank two boats, the ministry said.")
    stormed = event(text, "e1", "Troops stormed the town on Monday.", "clash",
                    date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    shelled = event(text, "e2", "Rebels shelled the port in the afternoon", "clash")
    sank = event(text, "e3", "Rebels also sank two boats", "clash")
    (_, second, third), _ = grounded(text, [stormed, shelled, sank])
    assert second.date == dt.date(2007, 12, 3)  # a time of day ties it to the story's day
    assert (third.date, third.date_basis) == (None, "")


def test_ground_the_same_afternoon_is_the_story_day():
    text = "The accord was signed on Monday. Clark countersigned it the same afternoon at Munsan."
    signed = event(text, "e1", "The accord was signed on Monday.", "decision",
                   date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    counter = event(text, "e2", "Clark countersigned it the same afternoon at Munsan.",
                    "decision")
    (_, e), _ = grounded(text, [signed, counter], published=None)
    assert (e.date, e.date_basis) == (dt.date(2007, 12, 3), "stated")


def test_ground_exact_place_of_the_clause_beats_a_stated_country():
    text = ("Marines landed at Henderson Field in Solomon Islands. "
            "Planes took off from an air base near Ulyanovsk in Russia.")
    field = place(text, "p1", "Henderson Field", kind="facility")
    islands = place(text, "p2", "Solomon Islands", kind="country", precision="country")
    ulyanovsk = place(text, "p3", "Ulyanovsk")
    russia = place(text, "p4", "Russia", kind="country", precision="country")
    landed = event(text, "e1", "Marines landed at Henderson Field in Solomon Islands.",
                   "deployment", place="p2")
    off = event(text, "e2", "Planes took off from an air base near Ulyanovsk in Russia.",
                "deployment", place="p4")
    (first, second), _ = grounded(text, [landed, off], places=[field, islands, ulyanovsk, russia])
    assert (first.place, first.place_basis) == ("p1", "stated")
    assert second.place == "p4"  # where they came from is not the more exact place


def test_ground_site_reference_is_the_last_site_named_with_its_noun():
    text = "Russian troops took Pristina airport. Jackson met their commander at the airport."
    airport = place(text, "p1", "Pristina airport", kind="facility")
    met = event(text, "e1", "Jackson met their commander at the airport.", "meeting")
    (e,), _ = grounded(text, [met], places=[airport])
    assert (e.place, e.place_basis) == ("p1", "reference")
    assert "'the airport', meaning" in e.place_note


def test_ground_area_reference_is_the_last_sea_or_region_not_a_country():
    text = ("Britain keeps warships in the Gulf of Oman. France has sent the carrier Clemenceau "
            "to the area.")
    gulf = place(text, "p1", "Gulf of Oman", kind="water", precision="region")
    britain = place(text, "p2", "Britain", kind="country", precision="country")
    sent = Deployment(id="d1", actor=None, unit="carrier", status="deployed",
                      start=text.index("the carrier"), end=text.index(" to the area"))
    _, (d,) = grounded(text, deployments=[sent], places=[britain, gulf])
    assert (d.place, d.place_basis) == ("p1", "reference")


def test_ground_site_reference_needs_a_site_named_before():
    text = "Rebels hold Gao. Troops landed at the airport."
    landed = event(text, "e1", "Troops landed at the airport.", "deployment")
    (e,), _ = grounded(text, [landed], places=[place(text, "p1", "Gao")], published=None)
    assert e.place_basis != "reference"


def test_ground_planned_troops_do_not_take_the_place_where_the_plan_is_made():
    text = "Ministers in Addis Ababa agreed to speed up the deployment of 3,000 troops."
    planned = Deployment(id="d1", actor=None, unit="troops", status="planned",
                         start=text.index("3,000"), end=len(text) - 1)
    _, (d,) = grounded(text, deployments=[planned], places=[place(text, "p1", "Addis Ababa")])
    assert d.place_basis != "sentence"


def test_ground_counted_day_from_the_day_the_sentence_before_told():
    text = "Crowds gathered in Bogota on June 23, 2016. Uribe said the day before that it was bad."
    said = event(text, "e1", "Uribe said the day before that it was bad.")
    (e,), _ = grounded(text, [said], published=None)
    assert (e.date, e.date_basis) == (dt.date(2016, 6, 22), "stated")


def test_ground_a_country_in_the_possessive_owns_what_follows():
    text = "The Council will meet at France's request. The junta closed Niger's airspace."
    france = place(text, "p1", "France", kind="country", precision="country")
    niger = place(text, "p2", "Niger", kind="country", precision="country")
    meet = event(text, "e1", "The Council will meet at France's request.", "request", place="p1")
    closed = event(text, "e2", "The junta closed Niger's airspace.", "decision", place="p2")
    (first, second), _ = grounded(text, [meet, closed], places=[france, niger])
    assert first.place != "p1"
    assert (second.place, second.place_basis) == ("p2", "stated")


def test_ground_the_capital_named_nowhere_before_is_the_articles_capital():
    text = ("Shelling hit Kharkiv and Mariupol. Kyiv said talks went on. "
            "Troops left positions north of the capital.")
    places = [replace(place(text, "p1", "Kharkiv"), country_code="UA"),
              replace(place(text, "p2", "Mariupol"), country_code="UA"),
              replace(place(text, "p3", "Kyiv", literal=False, geonameid=7), country_code="UA")]
    left = event(text, "e1", "Troops left positions north of the capital.", "deployment")
    article = Article(id="t", text=text, published=THURSDAY)
    args = (text, article, split_sentences(text), places, find_dates(text, THURSDAY), [left], [])
    (with_gazetteer,), _ = ground(*args, is_capital=lambda g: g == 7)
    (without,), _ = ground(*args)
    assert (with_gazetteer.place, with_gazetteer.place_basis) == ("p3", "reference")
    assert without.place != "p3"


def test_ground_a_happening_named_by_its_length_takes_no_day_of_its_sentence():
    text = "NATO troops entered Kosovo on Saturday after 78 days of airstrikes."
    strikes = event(text, "e1", "after 78 days of airstrikes.", "clash")
    (e,), _ = grounded(text, [strikes])
    assert e.date is None


def test_ground_a_garrison_pulls_out_where_it_was():
    text = "The garrison in Kandahar pulled out in August, and columns rolled north through Salang."
    pulled = event(text, "e1", "The garrison in Kandahar pulled out in August", "deployment")
    places = [place(text, "p1", "Kandahar"), place(text, "p2", "Salang")]
    (e,), _ = grounded(text, [pulled], places=places)
    assert (e.place, e.place_basis) == ("p1", "stated")


def test_ground_a_where_clause_happens_at_the_place_it_hangs_on():
    text = ("Sarkozy flew to Tbilisi, where Saakashvili accepted the plan. Fighting broke out in "
            "Ramadi, in Anbar province, where insurgents attacked a police station.")
    places = [place(text, "p1", "Tbilisi"), place(text, "p2", "Ramadi"),
              place(text, "p3", "Anbar province", kind="admin1", precision="admin1")]
    accepted = event(text, "e1", "Saakashvili accepted the plan.", "decision")
    attacked = event(text, "e2", "insurgents attacked a police station.", "clash")
    (first, second), _ = grounded(text, [accepted, attacked], places=places)
    assert (first.place, first.place_basis) == ("p1", "stated")
    assert second.place == "p2"


def test_ground_a_meeting_whose_members_speak_takes_no_day_from_what_they_said():
    text = ("Ministers agreed on Monday to ban arms sales. The ministers, meeting in Luxembourg, "
            "said the ban answered the killings in May.")
    agreed = event(text, "e1", "Ministers agreed on Monday to ban arms sales.", "decision",
                   date=dt.date(2007, 12, 3), date_text="on Monday", date_precision="day")
    meeting = event(text, "e2", "The ministers, meeting in Luxembourg, said the ban answered the "
                                "killings in May.", "meeting",
                    date=dt.date(2007, 5, 1), date_text="in May", date_precision="month")
    (_, e), _ = grounded(text, [agreed, meeting])
    assert e.date != dt.date(2007, 5, 1)


def test_ground_a_plan_takes_no_since_date():
    text = "Soldiers, who have been stationed there since 1975, are to withdraw."
    plan = event(text, "e1", text, "deployment", status="planned", date=dt.date(1975, 1, 1),
                 date_text="since 1975", date_precision="year", date_qualifier="after")
    (e,), _ = grounded(text, [plan])
    assert e.date is None


def test_ground_a_happening_takes_no_day_from_its_trailing_attribution():
    text = "The army has moved some troops to Agadez, the defence minister said on Thursday."
    moved = event(text, "e1", "The army has moved some troops to Agadez", "deployment",
                  date=dt.date(2007, 12, 6), date_text="on Thursday", date_precision="day")
    (e,), _ = grounded(text, [moved])
    assert e.date is None


def test_ground_a_capital_owned_by_a_demonym_is_that_countrys_capital():
    text = ("ABUJA - Soldiers held Niamey. Niamey said the border was shut. "
            "Leaders met at a summit in the Nigerian capital.")
    places = [replace(place(text, "p1", "ABUJA", geonameid=8), country_code="NG"),
              replace(place(text, "p2", "Niamey", geonameid=7), country_code="NE"),
              replace(place(text, "p3", "Niamey", nth=1, literal=False, geonameid=7),
                      country_code="NE"),
              replace(place(text, "p4", "Nigerian", kind="country", literal=False),
                      country_code="NG")]
    met = event(text, "e1", "Leaders met at a summit in the Nigerian capital.", "meeting")
    article = Article(id="t", text=text, published=THURSDAY)
    args = (text, article, split_sentences(text), places, find_dates(text, THURSDAY), [met], [])
    (e,), _ = ground(*args, is_capital=lambda g: g in (7, 8))
    assert (e.place, e.place_basis) == ("p1", "reference")  # not the story's own capital
    (none_named,), _ = ground(*args, is_capital=lambda g: g == 7)
    assert none_named.place != "p2" and none_named.place != "p3"


def test_ground_each_predicate_takes_the_place_and_day_of_its_own_clause():
    text = "About 200 soldiers left on Monday and crossed into Dolow the day after."
    dolow = place(text, "p1", "Dolow")
    found = find_events(text, split_sentences(text), [dolow], [],
                        find_dates(text, THURSDAY), THURSDAY)
    (left, crossed), _ = grounded(text, [e for e in found if e.type == "deployment"],
                                  places=[dolow])
    assert left.date == dt.date(2007, 12, 3)
    assert left.place_basis != "sentence"  # Dolow is where they crossed, not where they left
    assert (crossed.place, crossed.place_basis, crossed.date) == ("p1", "stated",
                                                                  dt.date(2007, 12, 4))


def test_ground_a_where_clause_happens_when_the_event_it_hangs_on_does():
    text = "Fighting is raging in Ramadi, where insurgents attacked a police station."
    ramadi = place(text, "p1", "Ramadi")
    fight = event(text, "e1", "Fighting is raging in Ramadi", "clash", "ongoing", place="p1")
    attack = event(text, "e2", "where insurgents attacked a police station.", "clash")
    (host, e), _ = grounded(text, [fight, attack], places=[ramadi])
    assert host.date_basis == "dateline"  # the day of the report, not one told in the story
    assert (e.place, e.date, e.date_basis) == ("p1", THURSDAY, "inherited")


def test_ground_a_town_opening_the_sentence_is_more_exact_than_the_country_referred_to():
    text = ("Troops are in Niger. In Niamey, crowds rallied, demanding the departure of the "
            "soldiers stationed in the country.")
    rallied = event(text, "e1", text[text.index("In Niamey"):], "other")
    places = [place(text, "p1", "Niger", kind="country"), place(text, "p2", "Niamey"),
              place(text, "p3", "the country", kind="country", antecedent="p1")]
    places = [replace(p, country_code="NE") for p in places]
    (e,), _ = grounded(text, [rallied], places=places)
    assert (e.place, e.place_basis) == ("p2", "sentence")


def test_ground_a_clash_told_in_a_which_clause_on_a_place_happens_there():
    text = "A fleet sailed from Portsmouth for the islands of Norland, which rebels seized on Friday."
    seized = event(text, "e1", "which rebels seized on Friday", "clash")
    places = [place(text, "p1", "Portsmouth"), place(text, "p2", "Norland", kind="region")]
    (e,), _ = grounded(text, [seized], places=places)
    assert (e.place, e.place_basis) == ("p2", "stated")


def test_ground_advancing_on_a_town_is_a_clash_there():
    text = "Jets struck rebels in Norland after the fighters advanced on the port city of Aden."
    advanced = event(text, "e1", "the fighters advanced on the port city of Aden", "clash")
    places = [place(text, "p1", "Norland", kind="country"), place(text, "p2", "Aden")]
    (e,), _ = grounded(text, [advanced], places=places)
    assert (e.place, e.place_basis) == ("p2", "stated")


def test_ground_a_request_named_only_as_what_prompted_an_act_has_no_date():
    text = "The council will meet in New York on Monday at Norland's request."
    asked = event(text, "e1", text, "request", "occurred", date=dt.date(2007, 12, 10),
                  date_text="on Monday", date_precision="day")
    (e,), _ = grounded(text, [asked])
    assert (e.date, e.date_basis) == (None, "")
    text = "Norland urged the council on Monday to meet at the request of its allies."
    urged = event(text, "e1", text, "request", "occurred", date=dt.date(2007, 12, 3),
                  date_text="on Monday", date_precision="day")
    (e,), _ = grounded(text, [urged])
    assert e.date == dt.date(2007, 12, 3)  # its own verb: its own day


def test_ground_blamed_or_threatened_with_no_day_is_the_reports_day():
    text = "Norland blamed its neighbour for the clash."
    blamed = event(text, "e1", text, "statement")
    (e,), _ = grounded(text, [blamed])
    assert (e.date, e.date_basis) == (THURSDAY, "dateline")


def test_ground_at_the_summit_is_the_storys_meeting_not_an_earlier_aside():
    text = ("Leaders meeting in Abuja on Thursday ordered a force readied, two weeks after "
            "sanctions were imposed at a summit in Accra on July 30. "
            "Norland's president said at the summit that it would send troops.")
    meeting = event(text, "e1", "Leaders meeting in Abuja on Thursday", "meeting", place="p1",
                    date=dt.date(2007, 12, 6), date_text="on Thursday", date_precision="day")
    earlier = event(text, "e2", "at a summit in Accra on July 30", "meeting", place="p2",
                    date=dt.date(2007, 7, 30), date_text="on July 30", date_precision="day")
    said = event(text, "e3", "Norland's president said at the summit", "statement")
    places = [place(text, "p1", "Abuja"), place(text, "p2", "Accra")]
    (_, _, e), _ = grounded(text, [meeting, earlier, said], places=places)
    assert (e.place, e.date, e.date_basis) == ("p1", dt.date(2007, 12, 6), "inherited")


def test_ground_a_clash_named_by_how_long_it_lasted_takes_no_day_from_its_sentence():
    text = "The two sides signed a deal on Monday to end six weeks of fighting over the enclave."
    fighting = event(text, "e1", text, "clash", date=dt.date(2007, 12, 3),
                     date_text="on Monday", date_precision="day")
    (e,), _ = grounded(text, [fighting])
    assert (e.date, e.date_basis) == (None, "")


def test_ground_something_seen_going_on_is_not_dated_by_the_report():
    text = "Columns of tanks were seen heading north. Troops are patrolling the town."
    seen = event(text, "e1", "Columns of tanks were seen heading north.", "deployment", "ongoing")
    patrol = event(text, "e2", "Troops are patrolling the town.", "deployment", "ongoing")
    (first, second), _ = grounded(text, [seen, patrol])
    assert (first.date, first.date_basis) == (None, "")
    assert (second.date, second.date_basis) == (THURSDAY, "dateline")


def test_ground_told_reporters_there_is_where_the_words_were_said():
    text = "The leader was flown to Norland. He told reporters there that he had been forced out."
    told = event(text, "e1", "He told reporters there that he had been forced out.")
    (e,), _ = grounded(text, [told], places=[place(text, "p1", "Norland", kind="country")])
    assert (e.place, e.place_basis) == ("p1", "reference")


def in_country(p, code):
    return replace(p, country_code=code)


def test_ground_a_move_is_where_it_goes_not_where_it_comes_from():
    text = "Some 200 troops, who drove from their base in Bosnia, had taken over Pristina's airport."
    bosnia = place(text, "p1", "Bosnia", kind="country", precision="country")
    pristina = place(text, "p2", "Pristina")
    drove = event(text, "e1", text, "deployment", place="p1")
    (e,), _ = grounded(text, [drove], places=[bosnia, pristina])
    assert (e.place, e.place_basis) == ("p2", "stated")


def test_ground_a_move_to_a_base_beats_where_the_troops_already_are():
    text = ("Norland, which has 900 troops in Eastmark, has moved some of them from Alpha to its "
            "drone base at Beta.")
    places = [place(text, "p1", "Eastmark", kind="country", precision="country"),
              place(text, "p2", "Alpha"), place(text, "p3", "Beta")]
    moved = event(text, "e1", text, "deployment", place="p1")
    (e,), _ = grounded(text, [moved], places=places)
    assert e.place == "p3"


def test_ground_a_deployment_is_where_its_troops_first_get_to():
    text = "Marines who landed at the port of Portova on Friday will enter Eastmark on Sunday."
    places = [place(text, "p1", "Portova"),
              place(text, "p2", "Eastmark", kind="country", precision="country")]
    landed = event(text, "e1", text, "deployment")
    (e,), _ = grounded(text, [landed], places=places)
    assert e.place == "p1"


def test_ground_a_decision_goes_where_troops_go_only_when_it_sends_them():
    text = ("The president approved the deployment of 17,000 troops to Eastmark. "
            "The minister ordered 3,000 troops to Eastmark.")
    first, second = (event(text, "e1", "The president approved the deployment of 17,000 troops "
                                        "to Eastmark.", "decision"),
                     event(text, "e2", "The minister ordered 3,000 troops to Eastmark.",
                           "decision"))
    places = [place(text, "p1", "Eastmark", kind="country", precision="country"),
              place(text, "p2", "Eastmark", nth=1, kind="country", precision="country")]
    (a, b), _ = grounded(text, [first, second], places=places)
    assert a.place is None and b.place == "p2"


def test_ground_words_take_no_place_from_before_a_trailing_attribution():
    text = ("Jets hit targets near Kidal on Sunday, the ministry said, while helicopters "
            "supported the army. President Yusuf, speaking in Baidoa, urged elders to disarm.")
    kidal, baidoa = place(text, "p1", "Kidal"), place(text, "p2", "Baidoa")
    said = event(text, "e1", "Jets hit targets near Kidal on Sunday, the ministry said",
                 place="p1")
    urged = event(text, "e2", "President Yusuf, speaking in Baidoa, urged elders to disarm.",
                  "request", place="p2")
    (a, b), _ = grounded(text, [said, urged], places=[kidal, baidoa])
    assert a.place is None and b.place == "p2"


def test_ground_two_capitals_acting_together_have_no_seat():
    text = "Washington and London have called for talks."
    places = [place(text, "p1", "Washington", literal=False),
              place(text, "p2", "London", literal=False)]
    called = event(text, "e1", text, "request")
    (e,), _ = grounded(text, [called], places=places)
    assert (e.place, e.place_basis) == (None, "")


def test_ground_a_gapped_sender_is_no_lone_place():
    text = "Sweden sent 2,200 soldiers and Finland about 500."
    places = [place(text, "p1", "Sweden", kind="country", precision="country"),
              place(text, "p2", "Finland", kind="country", precision="country")]
    sent = event(text, "e1", "sent 2,200 soldiers", "deployment")
    (e,), _ = grounded(text, [sent], places=places)
    assert e.place is None


def test_ground_an_attachment_across_a_subordinate_clause_is_the_other_clauses():
    text = ("The council approved the mission at a meeting in Brussels on Wednesday, "
            "after envoys reported that a ceasefire was holding.")
    met = event(text, "e1", "The council approved the mission at a meeting in Brussels on "
                            "Wednesday", "meeting", place="p1", date=dt.date(2007, 12, 5))
    reported = event(text, "e2", "envoys reported that a ceasefire was holding", "report")
    (_, e), _ = grounded(text, [met, reported], places=[place(text, "p1", "Brussels")])
    assert e.place is None


def test_ground_a_place_a_force_is_for_is_no_lone_place():
    text = "The council voted to authorize a multinational force for Haiti."
    voted = event(text, "e1", text, "decision")
    (e,), _ = grounded(text, [voted], places=[place(text, "p1", "Haiti", kind="country")])
    assert e.place is None


def test_ground_a_countrys_own_ground_named_by_its_adjective():
    text = "Commanders were told to strike bases near the North Korean coast if attacked."
    north = place(text, "p1", "North Korean", kind="country", literal=False)
    strike = event(text, "e1", "strike bases near the North Korean coast", "clash")
    (e,), _ = grounded(text, [strike], places=[north])
    assert (e.place, e.place_basis) == ("p1", "stated")
    border = "Youths stormed a camp near the Ethiopian border."
    (e,), _ = grounded(border, [event(border, "e1", border, "clash")],
                       places=[place(border, "p1", "Ethiopian", kind="country", literal=False)])
    assert e.place is None


def test_ground_a_town_and_the_area_that_locates_it():
    text = ("Aircraft attacked a camp near the village of Angostura in Sucumbios province. "
            "Jets flew missions from Entebbe, in neighbouring Uganda.")
    angostura = in_country(place(text, "p1", "Angostura"), "VE")  # read in the wrong country
    sucumbios = in_country(place(text, "p2", "Sucumbios province", kind="admin1"), "EC")
    entebbe = in_country(place(text, "p3", "Entebbe"), "UG")
    uganda = in_country(place(text, "p4", "Uganda", kind="country"), "UG")
    attack = event(text, "e1", "Aircraft attacked a camp near the village of Angostura in "
                               "Sucumbios province.", "clash", place="p1")
    flew = event(text, "e2", "Jets flew missions from Entebbe, in neighbouring Uganda.",
                 "deployment", place="p4")
    (a, b), _ = grounded(text, [attack, flew], places=[angostura, sucumbios, entebbe, uganda])
    assert (a.place, b.place) == ("p2", "p3")


def test_ground_a_site_read_in_a_country_the_article_never_names():
    text = "Soldiers landed at Henderson Field outside Honiara. Honiara is calm."
    field = in_country(place(text, "p1", "Henderson Field", kind="facility"), "UM")
    town = in_country(place(text, "p2", "Honiara"), "SB")
    again = in_country(place(text, "p3", "Honiara", nth=1), "SB")
    landed = event(text, "e1", "Soldiers landed at Henderson Field outside Honiara.",
                   "deployment", place="p1")
    (e,), _ = grounded(text, [landed], places=[field, town, again])
    assert e.place == "p2"


def test_ground_one_event_per_place_of_a_list():
    text = "Heavy shelling continued in Kharkiv and Mariupol on Wednesday."
    places = [place(text, "p1", "Kharkiv"), place(text, "p2", "Mariupol")]
    shelling = event(text, "e1", text, "clash", place="p1")
    events, _ = grounded(text, [shelling], places=places)
    assert [(e.id, e.place, text[e.start:e.end]) for e in events] == [
        ("e1", "p1", "Heavy shelling continued in Kharkiv"),
        ("e2", "p2", "Heavy shelling continued in Kharkiv and Mariupol")]
    between = "Talks opened between Belgrade and Pristina."
    talks = event(between, "e1", between, "meeting", place="p1")
    events, _ = grounded(between, [talks], places=[place(between, "p1", "Belgrade"),
                                                   place(between, "p2", "Pristina")])
    assert len(events) == 1


def test_ground_a_clash_named_by_its_length_takes_no_reference_before_it():
    text = "Troops reached Pristina. A force is to police the province after 78 days of airstrikes."
    province = place(text, "p2", "the province", antecedent="p1")
    strikes = event(text, "e1", "A force is to police the province after 78 days of airstrikes.",
                    "clash")
    (e,), _ = grounded(text, [strikes], places=[place(text, "p1", "Pristina"), province])
    assert e.place_basis != "reference"


def test_ground_said_its_jets_hit_is_what_was_said():
    text = "Iraq said its jets hit a tanker near Kharg Island."
    said = event(text, "e1", text, place="p1")
    (e,), _ = grounded(text, [said], places=[place(text, "p1", "Kharg Island")])
    assert e.place is None


def test_ground_the_border_is_the_last_province_named():
    text = ("Tanks headed for the border state of Tachira. The president ordered ten battalions "
            "to the frontier on Sunday. Trade with the border between the two slowed.")
    tachira = place(text, "p1", "Tachira", kind="admin1", precision="admin1")
    ordered = event(text, "e1", "The president ordered ten battalions to the frontier on Sunday.",
                    "decision")
    (e,), _ = grounded(text, [ordered], places=[tachira])
    assert (e.place, e.place_basis) == ("p1", "reference")
    assert grounding._SITE_REF.search(text, text.index("Trade")) is None  # "the border between"
