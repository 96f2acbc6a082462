"""The synthetic corpus generator: reproducible, in the seed layout, of the asked length."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "make_corpus.py"
_SPEC = importlib.util.spec_from_file_location("make_corpus", _PATH)
make_corpus = importlib.util.module_from_spec(_SPEC)
sys.modules["make_corpus"] = make_corpus  # dataclasses look their module up there
_SPEC.loader.exec_module(make_corpus)

DATELINE = re.compile(r"^\((?P<source>[^()]+)\) (?P<weekday>\w+), (?P<date>\w+ \d{2}, \d{4})$")


def _articles(n=40, words=300, seed=7):
    return list(make_corpus.iter_articles(n, words=words, seed=seed))


def test_make_corpus_same_seed_same_bytes(tmp_path):
    first = make_corpus.write_corpus(tmp_path / "a", 15, words=200, seed=3)
    second = make_corpus.write_corpus(tmp_path / "b", 15, words=200, seed=3)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_make_corpus_other_seed_other_articles():
    assert [a.text for a in _articles(5, seed=1)] != [a.text for a in _articles(5, seed=2)]


def test_make_corpus_article_does_not_depend_on_corpus_size():
    assert _articles(3)[2] == make_corpus.make_article(2, words=300, seed=7)


@pytest.mark.parametrize("article", _articles(), ids=lambda a: a.id)
def test_make_corpus_dateline_parses_and_weekday_matches(article):
    lines = article.text.split("\n")
    match = DATELINE.match(lines[2])
    assert match, lines[2]
    date = dt.datetime.strptime(match["date"], "%B %d, %Y").date()
    assert match["weekday"] == make_corpus.WEEKDAYS[date.weekday()]
    assert lines[0] and lines[1] and not lines[0].endswith(".")
    assert all(line.strip() for line in lines[3:-1]) and lines[-1] == ""


def test_make_corpus_articles_parse_with_the_project_reader():
    from dashboard.extract.articles import parse_article_with_problems

    for article in _articles(20):
        lines = article.text.split("\n")
        parsed, problems = parse_article_with_problems(article.text, article.id,
                                                       today=dt.date(2100, 1, 1))
        date = dt.datetime.strptime(DATELINE.match(lines[2])["date"], "%B %d, %Y").date()
        assert parsed.published == date and not problems, problems
        assert (parsed.title, parsed.summary) == (lines[0], lines[1])
        assert parsed.text[parsed.body_start:].startswith(lines[3])


def test_make_corpus_mean_length_near_target():
    articles = _articles(60, words=500)
    mean = sum(a.words for a in articles) / len(articles)
    assert 450 <= mean <= 560
    assert all(a.words == len(a.text.split()) for a in articles)
    assert min(a.words for a in articles) < 400 < 600 < max(a.words for a in articles)


def test_make_corpus_mixes_places_actors_dates_and_deployments():
    text = "\n".join(a.text for a in _articles(30))
    world = make_corpus.load_world()
    assert len({c for c in world.values() if c.capital in text}) >= 10
    for pattern in (r"\b(NATO|the UN|the EU|the African Union|the OSCE|ASEAN|the OAS)\b",
                    r"\b(Defense|Foreign|Interior) Minister [A-Z]\w+ [A-Z]\w+",
                    r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
                    r"\blast week\b", r"\bin (19|20)\d\d\b", r"\b\d{1,2},\d{3} (soldiers|troops)",
                    r"\bstationed in\b", r"\bwere deployed to\b", r"\b(southern|western) \w+"):
        assert re.search(pattern, text), pattern


def test_make_corpus_former_country_names_follow_the_year():
    world = make_corpus.load_world()
    assert make_corpus.country_name(world["MK"], 2007) == "Macedonia"
    assert make_corpus.country_name(world["MK"], 2020) == "North Macedonia"
    assert make_corpus.country_name(world["US"]) == "the United States"
