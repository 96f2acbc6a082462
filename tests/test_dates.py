"""Date mentions and their resolution against the dateline (dashboard.extract.dates)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from dashboard.extract.articles import read_article
from dashboard.extract.dates import (
    date_problems, find_article_dates, find_dates, resolve_month, resolve_month_day, resolve_weekday, sentence_tense,
    tense_near,
)
from dashboard.text import split_sentences

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbb248a2bc0509e4.txt"
THURSDAY = dt.date(2007, 12, 6)


def _one(text: str, anchor: dt.date | None = THURSDAY):
    found = find_dates(text, anchor)
    assert len(found) == 1, found
    mention = found[0]
    assert text[mention.start:mention.end] == mention.text
    return mention


def _resolved(text: str, anchor: dt.date | None = THURSDAY) -> tuple:
    m = _one(text, anchor)
    return m.text, m.date, m.precision, m.qualifier


# --- the seed -----------------------------------------------------------------------------

def _seed_dates() -> dict[str, list]:
    article, _ = read_article(SEED)
    found: dict[str, list] = {}
    for m in find_dates(article.text, article.published):
        found.setdefault(m.text, []).append(m)
    return found


def test_find_dates_seed_meeting_friday_is_the_next_day():
    assert {m.date for m in _seed_dates()["Friday"]} == {dt.date(2007, 12, 7)}


def test_find_dates_seed_thursday_night_is_the_report_day():
    (night,) = _seed_dates()["Thursday night"]
    assert night.date == dt.date(2007, 12, 6)


def test_find_dates_seed_on_wednesday_is_the_day_before():
    (wednesday,) = _seed_dates()["Wednesday"]
    assert wednesday.date == dt.date(2007, 12, 5)


def test_find_dates_seed_after_december_10_keeps_the_qualifier():
    (after,) = _seed_dates()["after December 10"]
    assert (after.date, after.precision, after.qualifier) == (dt.date(2007, 12, 10), "day", "after")


# --- explicit dates -----------------------------------------------------------------------

@pytest.mark.parametrize("text, words, day", [
    ("It ends on December 10.", "December 10", dt.date(2007, 12, 10)),
    ("It ends on Dec. 10.", "Dec. 10", dt.date(2007, 12, 10)),
    ("It ended on 10 December 2003.", "10 December 2003", dt.date(2003, 12, 10)),
    ("It ended on December 10, 2003.", "December 10, 2003", dt.date(2003, 12, 10)),
    ("It ended on the 10th of December 2003.", "the 10th of December 2003", dt.date(2003, 12, 10)),
    ("It ended on Monday, 3 March 2003.", "Monday, 3 March 2003", dt.date(2003, 3, 3)),
    ("Filed 2003-03-03 in Paris.", "2003-03-03", dt.date(2003, 3, 3)),
    ("Filed 13/10/2003 in Paris.", "13/10/2003", dt.date(2003, 10, 13)),
    ("Filed 10/13/2003 in Paris.", "10/13/2003", dt.date(2003, 10, 13)),
    ("Filed 13.10.2003 in Paris.", "13.10.2003", dt.date(2003, 10, 13)),
])
def test_find_dates_explicit_days(text, words, day):
    assert _resolved(text) == (words, day, "day", "")


def test_find_dates_ambiguous_numeric_date_keeps_only_the_year():
    assert _resolved("Filed 12/10/2003.") == ("12/10/2003", dt.date(2003, 1, 1), "year", "")


def test_find_dates_impossible_day_is_kept_unresolved():
    assert _resolved("It ended on February 30, 2003.")[1:3] == (None, "")


def test_find_dates_month_and_year():
    assert _resolved("It began in March 2003.") == ("March 2003", dt.date(2003, 3, 1), "month", "")
    assert _resolved("It began in 2006 and") == ("2006", dt.date(2006, 1, 1), "year", "")
    assert _resolved("Fighting since 1999 continues") == (
        "since 1999", dt.date(1999, 1, 1), "year", "after")
    assert _resolved("Elections took place in the year 2006.")[1:3] == (
        dt.date(2006, 1, 1), "year")


def test_find_dates_year_without_context_or_counts_are_not_dates():
    assert find_dates("Up to 3,000 soldiers and 2006 police under resolution 1244.", THURSDAY) == ()
    assert find_dates("In the 1990s the war", THURSDAY) == ()


def test_find_dates_bare_month_words_are_not_dates():
    assert find_dates("May I ask? March on, soldiers.", THURSDAY) == ()


def test_find_dates_month_follows_tense():
    assert _resolved("Elections were held in March.")[1] == dt.date(2007, 3, 1)
    assert _resolved("Elections will be held in March.")[1] == dt.date(2008, 3, 1)
    assert _resolved("They met in early December.")[:3] == (
        "early December", dt.date(2007, 12, 1), "month")


def test_find_dates_month_day_without_year_follows_tense_across_new_year():
    january = dt.date(2008, 1, 3)
    assert _resolved("He was killed on December 28.", january)[1] == dt.date(2007, 12, 28)
    assert _resolved("Talks will resume on January 10.", january)[1] == dt.date(2008, 1, 10)
    assert _resolved("Talks will resume on December 10.", january)[1] == dt.date(2008, 12, 10)


def test_find_dates_reads_tense_in_the_sentences_it_is_given():
    text = "Elections were held in March. Talks will resume on Friday."
    sentences = split_sentences(text)
    given = [m for s in sentences for m in find_dates(text, THURSDAY, s.start, s.end, (s,))]
    split_here = [m for s in sentences for m in find_dates(text, THURSDAY, s.start, s.end)]
    assert given == split_here
    assert [m.date for m in given] == [dt.date(2007, 3, 1), dt.date(2007, 12, 7)]


# --- qualifiers ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, qualifier", [
    ("Wait until December 10.", "until"),
    ("Leave before December 10.", "before"),
    ("Leave by December 10.", "by"),
    ("Leave no later than December 10.", "by"),
    ("Arrive around December 10.", "around"),
    ("Not before December 10.", "after"),
    ("Prior to December 10, nothing.", "before"),
])
def test_find_dates_qualifiers(text, qualifier):
    m = _one(text)
    assert (m.date, m.qualifier) == (dt.date(2007, 12, 10), qualifier)
    assert m.text.endswith("December 10")


def test_find_dates_end_of_the_year_and_month():
    assert _resolved("It must be done by the end of the year.") == (
        "by the end of the year", dt.date(2007, 12, 31), "month", "by")
    end_of_march = _resolved("Troops leave at the end of March 2008.")
    assert end_of_march[1:3] == (dt.date(2008, 3, 31), "month")
    assert _resolved("At the beginning of next year, talks")[1:3] == (dt.date(2008, 1, 1), "month")


# --- relative days and periods ------------------------------------------------------------

@pytest.mark.parametrize("text, words, day", [
    ("He arrived yesterday.", "yesterday", dt.date(2007, 12, 5)),
    ("He arrives today.", "today", dt.date(2007, 12, 6)),
    ("He arrives tomorrow morning.", "tomorrow morning", dt.date(2007, 12, 7)),
    ("Shots were fired last night.", "last night", dt.date(2007, 12, 5)),
    ("She spoke this morning.", "this morning", dt.date(2007, 12, 6)),
    ("He left three days ago.", "three days ago", dt.date(2007, 12, 3)),
    ("It happened the day before yesterday.", "the day before yesterday", dt.date(2007, 12, 4)),
])
def test_find_dates_relative_days(text, words, day):
    assert _resolved(text) == (words, day, "day", "")


@pytest.mark.parametrize("text, words, day, precision", [
    ("Prices rose last month.", "last month", dt.date(2007, 11, 1), "month"),
    ("Prices rise next month.", "next month", dt.date(2008, 1, 1), "month"),
    ("Prices rose last year.", "last year", dt.date(2006, 1, 1), "year"),
    ("Prices rise this year.", "this year", dt.date(2007, 1, 1), "year"),
    ("He came two months ago.", "two months ago", dt.date(2007, 10, 1), "month"),
    # the week of December 3-9 lies in December: known to the month, dated by its Monday
    ("Talks began earlier this week.", "earlier this week", dt.date(2007, 12, 3), "month"),
    # November 26 - December 2 spans two months: only the year is known
    ("Talks began last week.", "last week", dt.date(2007, 11, 26), "year"),
    ("Talks begin next week.", "next week", dt.date(2007, 12, 10), "month"),
])
def test_find_dates_relative_periods_never_invent_precision(text, words, day, precision):
    assert _resolved(text) == (words, day, precision, "")


def test_find_dates_week_across_new_year_has_no_date():
    m = _one("Talks begin next week.", dt.date(2007, 12, 27))
    assert (m.date, m.precision) == (None, "")


# --- weekdays and tense -------------------------------------------------------------------

@pytest.mark.parametrize("text, day", [
    ("The ministers will meet on Friday.", dt.date(2007, 12, 7)),
    ("The ministers will meet on Monday.", dt.date(2007, 12, 10)),
    ("On Monday, the minister said talks failed.", dt.date(2007, 12, 3)),
    ("On Friday, the minister said talks failed.", dt.date(2007, 11, 30)),
    ("A meeting is expected on Tuesday.", dt.date(2007, 12, 11)),
    ("A summit to be held on Saturday in Paris.", dt.date(2007, 12, 8)),
    ("Ministers, meeting on Friday in Brussels, seek a deal.", dt.date(2007, 12, 7)),
    ("He said on Friday that talks will resume.", dt.date(2007, 11, 30)),
    ("He said talks will resume on Friday.", dt.date(2007, 12, 7)),
    ("They are talking on Thursday night.", dt.date(2007, 12, 6)),
    ("He spoke on Thursday.", dt.date(2007, 12, 6)),
    ("He spoke last Thursday.", dt.date(2007, 11, 29)),
    ("He speaks next Thursday.", dt.date(2007, 12, 13)),
    ("Troops arrived last Friday.", dt.date(2007, 11, 30)),
])
def test_find_dates_weekday_follows_tense(text, day):
    assert _one(text).date == day


def test_find_dates_weekday_with_explicit_date_is_one_mention():
    assert _resolved("The vote on Monday, December 10, decides.")[:2] == (
        "Monday, December 10", dt.date(2007, 12, 10))


def test_find_dates_without_anchor_relative_dates_stay_unresolved():
    for text in ("He came on Friday.", "He came yesterday.", "It ends December 10.",
                 "It ended in March.", "It ended last week.", "It began two years ago."):
        m = _one(text, None)
        assert (m.date, m.precision) == (None, ""), text
    assert _one("It ended on 10 December 2003.", None).date == dt.date(2003, 12, 10)


def test_find_dates_respects_the_range_and_reports_whole_text_offsets():
    text = "Yesterday X. Tomorrow Y. Today Z."
    found = find_dates(text, THURSDAY, 13, 24)
    assert [(m.text, m.start) for m in found] == [("Tomorrow", 13)]


def test_find_dates_large_text_scales_linearly():
    unit = "NATO ministers will meet on Friday in Brussels after December 10. Troops arrived last week. "

    def cpu_seconds(copies: int) -> float:
        started = time.process_time()
        assert len(find_dates(unit * copies, THURSDAY)) == 3 * copies
        return time.process_time() - started

    small, large = cpu_seconds(5_000), cpu_seconds(40_000)
    # 8x the text: linear work takes ~8x; quadratic work would take ~64x.
    assert large < 20 * max(small, 0.01), f"{small:.2f}s -> {large:.2f}s for 8x the text"


# --- tense and resolver helpers -----------------------------------------------------------

@pytest.mark.parametrize("sentence, tense", [
    ("The ministers will support the report.", "future"),
    ("The US is expected to ask NATO.", "future"),
    ("The Troika is to submit its report.", "future"),
    ("Sutanovac said that officials had promised him.", "past"),
    ("The French soldiers are stationed in the divided town.", "present"),
    ("The United Nations armed forces are here.", "present"),
    ("Ministers, meeting on Friday in Brussels.", "future"),
    ("Ministers in Brussels.", "present"),
])
def test_sentence_tense(sentence, tense):
    assert sentence_tense(sentence) == tense


def test_tense_near_prefers_the_closest_cue():
    sentence = "He said talks will resume on Friday."
    assert tense_near(sentence, sentence.index("Friday")) == "future"
    assert tense_near(sentence, sentence.index("He")) == "past"


@pytest.mark.parametrize("text, day", [
    # the date's own clause decides, not the main verb after a relative clause
    ("Troops who landed on Friday will enter the town.", dt.date(2007, 11, 30)),
    ("The premier told parliament on Monday that the islands would be freed.",
     dt.date(2007, 12, 3)),
    ("The marines were flown out on Saturday and are expected home this week.",
     dt.date(2007, 12, 1)),
    ("The leader, who fled the city on Wednesday, will attend a summit.", dt.date(2007, 12, 5)),
    ("The council on Saturday demanded that the troops withdraw.", dt.date(2007, 12, 1)),
    # a clause with no verb of its own leaves it to the sentence
    ("On Friday, the ministers will meet.", dt.date(2007, 12, 7)),
    ("The leader, who fled last week, will attend a summit on Saturday.", dt.date(2007, 12, 8)),
    # a phrase with no verb after a comma hangs on the verb before it
    ("The navy will send a carrier, with 6,000 sailors aboard, to the sea from Sunday, "
     "officials said, a day after rebels shelled a town.", dt.date(2007, 12, 9)),
])
def test_find_dates_weekday_follows_the_tense_of_its_own_clause(text, day):
    found = [m for m in find_dates(text, THURSDAY) if m.precision == "day"]
    assert found[0].date == day


def test_resolve_weekday_rules():
    assert resolve_weekday(THURSDAY, 4, "future") == dt.date(2007, 12, 7)
    assert resolve_weekday(THURSDAY, 4, "past") == dt.date(2007, 11, 30)
    assert resolve_weekday(THURSDAY, 0, "present") == dt.date(2007, 12, 3)  # 3 back, 4 ahead
    assert resolve_weekday(THURSDAY, 5, "present") == dt.date(2007, 12, 8)
    assert resolve_weekday(THURSDAY, 3, "past") == THURSDAY
    assert resolve_weekday(THURSDAY, 3, "", "last") == dt.date(2007, 11, 29)


def test_resolve_month_and_month_day():
    assert resolve_month(THURSDAY, 12, "past") == dt.date(2007, 12, 1)
    assert resolve_month(THURSDAY, 12, "past", strict=True) == dt.date(2006, 12, 1)
    assert resolve_month(THURSDAY, 1, "present") == dt.date(2008, 1, 1)
    assert resolve_month_day(dt.date(2008, 3, 1), 2, 29, "past") == dt.date(2008, 2, 29)
    assert resolve_month_day(dt.date(2007, 3, 1), 2, 30, "past") is None


def test_date_problems_explain_each_unresolved_mention():
    text = "He came on Friday, on February 30, 2003 and on December 10, 2003."
    problems = date_problems(find_dates(text, None), None)
    assert [(p.kind, text[p.start:p.end]) for p in problems] == [
        ("unresolved_date", "Friday"), ("unresolved_date", "February 30, 2003")]
    assert "no dateline" in problems[0].message and "calendar" in problems[1].message
    assert date_problems(find_dates(text, THURSDAY), THURSDAY)[0].start == text.index("February")


def test_find_dates_possessive_and_holiday_names():
    m = _one("Friday's meeting will decide.")
    assert (m.text, m.date) == ("Friday", dt.date(2007, 12, 7))
    assert find_dates("The Good Friday Agreement held.", THURSDAY) == ()
    assert [m.text for m in find_dates("It grew between 2001 and 2003.", THURSDAY)] == ["2001"]


def test_find_dates_trailing_attribution_does_not_set_the_tense():
    text = "The talks will continue in Lima after November 2, a spokesman said."
    (mention,) = find_dates(text, dt.date(1998, 10, 16))
    assert mention.date == dt.date(1998, 11, 2)
    assert mention.qualifier == "after"


def test_find_dates_reporting_verb_next_to_the_date_still_counts():
    (mention,) = find_dates("The minister said on Friday that talks would resume.", dt.date(2007, 12, 6))
    assert mention.date == dt.date(2007, 11, 30)


def test_find_dates_start_words_in_any_case_and_only_before_a_date():
    # "in", "the", "a" begin a date only before one; words in capitals begin one too.
    text = ("IN MARCH 2006 and in Mexico, the 10th of May, a week ago, YEsterday, Early June, "
            "between 2001 and mid-2003, NOT BEFORE Friday.")
    found = [(m.text, m.date.isoformat(), m.precision, m.qualifier)
             for m in find_dates(text, dt.date(2007, 12, 6))]
    assert found == [
        ("MARCH 2006", "2006-03-01", "month", ""), ("the 10th of May", "2007-05-10", "day", ""),
        ("a week ago", "2007-11-26", "year", ""), ("YEsterday", "2007-12-05", "day", ""),
        ("Early June", "2007-06-01", "month", ""), ("2001", "2001-01-01", "year", ""),
        ("mid-2003", "2003-01-01", "year", ""), ("NOT BEFORE Friday", "2007-11-30", "day", "after"),
    ]


# --- narratives (no dateline) -------------------------------------------------------------

def _story(text: str, anchor: dt.date | None = None) -> dict[str, tuple]:
    found = find_article_dates(text, anchor, split_sentences(text))
    return {m.text: (m.date, m.precision) for m in found}


def test_find_article_dates_narrative_reads_later_dates_from_its_last_calendar_date():
    found = _story("Troops landed on July 24, 2003. Parliament had voted on July 17. "
                   "He had asked for help in April. The warlord surrendered on August 13.")
    assert found["July 17"] == (dt.date(2003, 7, 17), "day")
    assert found["April"] == (dt.date(2003, 4, 1), "month")
    # the past tense does not push a later date back a year: the nearest August 13 is meant
    assert found["August 13"] == (dt.date(2003, 8, 13), "day")


def test_find_article_dates_narrative_follows_its_latest_date_across_the_new_year():
    found = _story("The siege began on December 20, 1994. The army entered on December 30. "
                   "The city fell on January 2.")
    assert found["January 2"] == (dt.date(1995, 1, 2), "day")


def test_find_article_dates_narrative_leaves_dates_counted_from_writing_unresolved():
    found = _story("The deal was signed on June 23, 2016. Officials said last month that it "
                   "held, and two days ago that it would be extended later this year.")
    assert found["last month"] == (None, "")
    assert found["two days ago"] == (None, "")
    assert found["later this year"] == (dt.date(2016, 1, 1), "year")


def test_find_article_dates_narrative_needs_a_calendar_date_first():
    assert _story("The rebels attacked on August 13. The deal was signed in 2016.")[
        "August 13"][0] is None


def test_find_article_dates_with_a_dateline_reads_as_find_dates():
    text = "Officials said on Wednesday that talks would resume in April."
    assert _story(text, THURSDAY) == {m.text: (m.date, m.precision)
                                      for m in find_dates(text, THURSDAY)}


def test_find_dates_a_passive_participle_does_not_set_the_tense():
    # "attended by" is a participle: the sentence is in the future, Friday is the next one
    assert _resolved("A ceremony will be held on Friday, attended by ambassadors.")[1] == \
        dt.date(2007, 12, 7)


def test_find_dates_a_season_is_its_year_read_like_a_month():
    feb = dt.date(2009, 2, 18)
    assert _resolved("Troops will be deployed in the spring.", feb)[1:3] == (dt.date(2009, 1, 1),
                                                                           "year")
    assert _resolved("Rebels attacked in the late summer.", feb)[1:3] == (dt.date(2008, 1, 1),
                                                                        "year")
    assert _resolved("They fought last winter.", dt.date(2009, 12, 20))[1] == dt.date(2008, 1, 1)


def test_find_dates_a_season_needs_words_that_make_it_one():
    assert find_dates("After the fall of the city, prices fall in winter.", THURSDAY) == ()
