"""Reading files and pasted text into Article records (dashboard.extract.articles)."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path

import pytest

from dashboard.extract.articles import (
    decode_article_bytes, iter_article_paths, parse_article, parse_article_with_problems,
    read_article,
)
from dashboard.errors import ArticleFormatError
from dashboard.text import split_sentences

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbb248a2bc0509e4.txt"
TODAY = dt.date(2024, 1, 1)
LAYOUT = "Title line\nA summary.\n{dateline}\nFirst body sentence. Second one.\n"


def _parse(text: str) -> tuple:
    article, problems = parse_article_with_problems(text, "x", today=TODAY)
    return article, [p.kind for p in problems]


def test_parse_article_seed_layout():
    article, problems = read_article(SEED, today=TODAY)
    assert article.id == SEED.stem and article.path == str(SEED)
    assert article.title == "NATO seeks agreement on keeping troops in Kosovo regardless of status"
    assert article.summary.startswith("NATO foreign affairs ministers, meeting on Friday")
    assert article.source == "KosovoCompromise Staff"
    assert article.published == dt.date(2007, 12, 6)
    assert article.text[article.body_start:].startswith("In their final communique")
    assert article.text == SEED.read_text(encoding="utf-8-sig")
    assert problems == ()


@pytest.mark.parametrize("dateline, published, source", [
    ("(Reuters) Monday, 3 March 2003", dt.date(2003, 3, 3), "Reuters"),
    ("Dec 6, 2007", dt.date(2007, 12, 6), ""),
    ("(AP) Dec. 6, 2007", dt.date(2007, 12, 6), "AP"),
    ("2007-12-06", dt.date(2007, 12, 6), ""),
    ("(AFP) December 6, 2007", dt.date(2007, 12, 6), "AFP"),
    ("Reuters - Thursday, December 06, 2007", dt.date(2007, 12, 6), "Reuters"),
    ("THURSDAY, DECEMBER 6, 2007 10:32 AM EST", dt.date(2007, 12, 6), ""),
    ("Thursday, 6th December 2007 (BBC)", dt.date(2007, 12, 6), "BBC"),
])
def test_parse_article_dateline_variants(dateline, published, source):
    article, problems = _parse(LAYOUT.format(dateline=dateline))
    assert (article.published, article.source) == (published, source)
    assert (article.title, article.summary) == ("Title line", "A summary.")
    assert article.text[article.body_start:].startswith("First body sentence.")
    assert problems == []


def test_parse_article_weekday_mismatch_trusts_the_date():
    article, problems = _parse(LAYOUT.format(dateline="(X) Friday, December 06, 2007"))
    assert article.published == dt.date(2007, 12, 6)
    assert problems == ["weekday_mismatch"]


def test_parse_article_impossible_date_is_reported():
    article, problems = _parse(LAYOUT.format(dateline="(X) Friday, February 30, 2007"))
    assert article.published is None and problems == ["impossible_date"]
    assert article.text[article.body_start:].startswith("First body")


def test_parse_article_future_date_is_kept_and_flagged():
    article, problems = _parse(LAYOUT.format(dateline="(X) December 6, 2031"))
    assert article.published == dt.date(2031, 12, 6) and problems == ["future_date"]


def test_parse_article_without_dateline_keeps_everything():
    text = "Headline without stop\nBody sentence one. Body two.\n"
    article, problems = _parse(text)
    assert article.title == "Headline without stop" and article.published is None
    assert article.text[article.body_start:].startswith("Body sentence one.")
    assert problems == ["no_dateline"]
    prose, _ = _parse("Only prose here. Nothing else.")
    assert prose.body_start == 0 and prose.title == "Only prose here. Nothing else."


def test_parse_article_leading_and_stray_blank_lines():
    text = "\n\n  \nTitle\n\n\nSummary\n\n(AP) Thursday, December 06, 2007\n\n\nBody.\n"
    article, problems = _parse(text)
    assert (article.title, article.summary, article.published) == (
        "Title", "Summary", dt.date(2007, 12, 6))
    assert article.text[article.body_start:] == "Body.\n" and problems == []


def test_parse_article_normalises_bom_and_newlines():
    article = parse_article("\ufeffTitle\r\nSum\r(AP) Dec 6, 2007\r\nBody.", "x")
    assert article.text == "Title\nSum\n(AP) Dec 6, 2007\nBody."
    assert article.published == dt.date(2007, 12, 6)


@pytest.mark.parametrize("text", ["", "   \n\t \n"])
def test_parse_article_empty_text_is_a_problem_not_an_error(text):
    article, problems = _parse(text)
    assert article.title == "" and problems == ["empty"]
    assert article.body_start == len(article.text)


def test_parse_article_title_of_a_huge_line_is_clipped():
    article, _ = _parse("x" * 1_000_000)
    assert len(article.title) <= 300 and len(article.text) == 1_000_000


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_read_article_empty_and_whitespace_files(tmp_path):
    for name, data in (("empty.txt", b""), ("blank.txt", b" \r\n\t\n")):
        article, problems = read_article(_write(tmp_path, name, data))
        assert article.id == name[:-4] and [p.kind for p in problems] == ["empty"]


def test_read_article_random_bytes_raise_a_clear_error(tmp_path):
    data = random.Random(7).randbytes(4096)
    with pytest.raises(ArticleFormatError, match="binary"):
        read_article(_write(tmp_path, "noise.txt", data))


def test_read_article_control_characters_without_nul_are_binary(tmp_path):
    data = bytes(range(1, 32)) * 50 + b"some words"
    with pytest.raises(ArticleFormatError, match="control characters"):
        read_article(_write(tmp_path, "ctl.txt", data))


def test_read_article_latin1_falls_back_with_a_problem(tmp_path):
    text = "Caf\u00e9 talks\n(AP) Dec 6, 2007\nM\u00fcller said \u00e0 bient\u00f4t.\n"
    article, problems = read_article(_write(tmp_path, "l1.txt", text.encode("latin-1")))
    assert article.text == text and article.published == dt.date(2007, 12, 6)
    assert [p.kind for p in problems] == ["encoding"] and "UTF-8" in problems[0].message


def test_read_article_utf8_bom_crlf_and_lone_cr(tmp_path):
    raw = "\ufeffT\u00eftle\r\nSum\r(AP) Dec 6, 2007\r\nBody one.\rBody two.\r\n"
    path = _write(tmp_path, "bom.txt", raw.encode("utf-8"))
    article, problems = read_article(path)
    assert article.text == path.read_text(encoding="utf-8-sig") and problems == ()
    assert article.title == "T\u00eftle"
    assert [s.text for s in split_sentences(article.text, article.body_start)] == [
        "Body one.", "Body two."]


def test_read_article_zero_width_rtl_and_emoji(tmp_path):
    arabic = "\u0627\u0644\u0633\u0644\u0627\u0645"
    raw = f"T\u200bitle \U0001F680\n(AP) Dec 6, 2007\n\u202eRTL\u202c {arabic} text."
    article, problems = read_article(_write(tmp_path, "odd.txt", raw.encode("utf-8")))
    assert article.text == raw and article.title == "T\u200bitle \U0001F680" and problems == ()
    for s in split_sentences(article.text):
        assert article.text[s.start:s.end] == s.text


def test_read_article_ten_megabytes_is_fast(tmp_path):
    body = "NATO ministers met in Brussels on Friday. Troops stayed in Kosovo.\n" * 150_000
    path = _write(tmp_path, "big.txt", ("Big\n(AP) Dec 6, 2007\n" + body).encode())
    started = time.perf_counter()
    article, problems = read_article(path)
    elapsed = time.perf_counter() - started
    assert len(article.text) > 10_000_000 and article.published == dt.date(2007, 12, 6)
    assert elapsed < 2.0, f"reading 10 MB took {elapsed:.2f}s"


def test_read_article_one_megabyte_line(tmp_path):
    line = "word " * 200_000
    article, problems = read_article(_write(tmp_path, "line.txt", line.encode()))
    assert article.text == line and [p.kind for p in problems] == ["no_dateline"]


def test_read_article_size_cap(tmp_path):
    path = _write(tmp_path, "cap.txt", b"a" * 2000)
    with pytest.raises(ArticleFormatError, match="larger than"):
        read_article(path, max_bytes=1000)
    assert read_article(path, max_bytes=2000)[0].text == "a" * 2000


def test_read_article_missing_file_names_it(tmp_path):
    path = tmp_path / "gone.txt"
    with pytest.raises(ArticleFormatError, match="gone.txt") as info:
        read_article(path)
    assert isinstance(info.value.__cause__, OSError)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_read_article_unreadable_file(tmp_path):
    path = _write(tmp_path, "locked.txt", b"text")
    path.chmod(0)
    with pytest.raises(ArticleFormatError, match="locked.txt"):
        read_article(path)


def test_read_article_a_folder_is_not_an_article(tmp_path):
    with pytest.raises(ArticleFormatError, match="cannot read"):
        read_article(tmp_path)


def test_decode_article_bytes_utf16_nul_bytes_are_binary():
    with pytest.raises(ArticleFormatError, match="NUL"):
        decode_article_bytes("text".encode("utf-16"), "u16.txt")


def test_iter_article_paths_sorted_txt_any_case_no_hidden(tmp_path):
    for name in ("b.txt", "A.TXT", "c.Txt", ".hidden.txt", "notes.md", "d.txt.bak"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.txt").mkdir()
    assert [p.name for p in iter_article_paths(tmp_path)] == ["A.TXT", "b.txt", "c.Txt"]


def test_iter_article_paths_missing_or_not_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="article folder not found"):
        iter_article_paths(tmp_path / "nope")
    file = _write(tmp_path, "f.txt", b"x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        iter_article_paths(file)
    assert iter_article_paths(_empty(tmp_path)) == []


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def test_parse_article_dateline_is_only_looked_for_near_the_top():
    text = "Title\nOne.\nTwo.\nThree.\nDecember 6, 2007\nBody."
    article, problems = _parse(text)
    assert article.published is None and problems == ["no_dateline"]
    assert article.text[article.body_start:].startswith("One.")


def test_parse_article_zero_width_space_does_not_hide_the_dateline():
    text = "Title\n(Wire Desk)\u200b Tuesday, September 14, 2010\nBody \u200bhere.\n"
    article, problems = parse_article_with_problems(text, "a", today=dt.date(2026, 1, 1))
    assert article.published == dt.date(2010, 9, 14)
    assert article.source == "Wire Desk"
    assert article.text == text
    assert not problems
