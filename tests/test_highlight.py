"""Escaping and mention highlighting (dashboard.ui.highlight)."""

from __future__ import annotations

import datetime as dt
import html
import re

from hypothesis import given
from hypothesis import strategies as st

from dashboard.ui.highlight import (Mark, Snippet, article_html, escape, highlight, marks_for,
                                 sentence_html, snippet, snippet_html)
from dashboard.records import Actor, Article, DateMention, Extraction, Place

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> `tick` ${1+1} C:\\u00 </script>"


def test_escape_leaves_no_markup_or_template_literal_syntax():
    out = escape(HOSTILE)
    for bad in ("<", ">", "`", "${", "\\"):
        assert bad not in out
    assert html.unescape(out) == HOSTILE


def test_escape_quotes_attributes_and_drops_control_characters():
    assert escape('a"b\'c') == "a&quot;b&#x27;c"
    assert escape("a\x00b\x1bc\td\n") == "abc\td\n"
    assert escape(None) == ""


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)))
def test_escape_fast_path_agrees_with_escaping_everything(text):
    """Text with nothing to escape is returned as is; that shortcut must change nothing."""
    full = html.escape(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text), quote=True)
    assert escape(text) == full.translate(str.maketrans({"`": "&#96;", "$": "&#36;",
                                                          "\\": "&#92;", "{": "&#123;",
                                                          "}": "&#125;"}))


def test_highlight_wraps_marks_and_escapes_the_text_between():
    text = "<b>Paris</b> and Rome"
    out = highlight(text, [Mark(3, 8, "place", "Paris, FR"), Mark(17, 21, "place")])
    assert out == ('&lt;b&gt;<mark class="nm-place" title="Paris, FR">Paris</mark>&lt;/b&gt; '
                   'and <mark class="nm-place" title="">Rome</mark>')


def test_highlight_skips_overlapping_and_out_of_window_marks():
    text = "southern Serbia and Kosovo"
    marks = [Mark(0, 15, "place"), Mark(9, 15, "place"), Mark(20, 26, "actor")]
    out = highlight(text, marks, 0, 19)
    assert out.count("<mark") == 1 and ">southern Serbia</mark>" in out
    assert "Kosovo" not in out


def test_highlight_escapes_a_hostile_title():
    out = highlight("abc", [Mark(0, 3, "place", '"><script>x</script>')])
    assert "<script>" not in out and "&quot;&gt;&lt;script&gt;" in out


def test_highlight_unknown_kind_falls_back_to_place_class():
    assert 'class="nm-place"' in highlight("ab", [Mark(0, 1, 'x" onclick="y')])


def _extraction() -> Extraction:
    text = "Title\nNATO met in Brussels on Friday. Troops stay in <Mitrovica>."
    at = text.index
    return Extraction(
        article=Article(id="a", text=text),
        places=(Place("p1", "Brussels", at("Brussels"), at("Brussels") + 8, name="Brussels",
                      kind="city", lat=50.85, lon=4.35),
                Place("p2", "Mitrovica", at("Mitrovica"), at("Mitrovica") + 9)),
        actors=(Actor("a1", "NATO", "organization", mentions=((at("NATO"), at("NATO") + 4),)),),
        dates=(DateMention(at("Friday"), at("Friday") + 6, "Friday", dt.date(2007, 12, 7)),),
    )


def test_marks_for_covers_places_actors_and_dates_in_order():
    marks = marks_for(_extraction())
    assert [m.kind for m in marks] == ["actor", "place", "date", "place"]
    assert marks[1].title.startswith("Brussels (city")
    assert marks[3].title == "Mitrovica (unresolved)"


def test_sentence_html_highlights_the_focused_mention_only_inside_the_sentence():
    ex = _extraction()
    text = ex.article.text
    sentence = "Troops stay in <Mitrovica>."
    start = text.index("Mitrovica")
    out = sentence_html(text, sentence, text.index(sentence), marks_for(ex),
                        focus=[(start, start + 9)])
    assert out == ('Troops stay in &lt;<mark class="nm-focus" title="Mitrovica (unresolved)">'
                   "Mitrovica</mark>&gt;.")


def test_sentence_html_shows_an_unknown_sentence_escaped_without_marks():
    ex = _extraction()
    assert sentence_html(ex.article.text, "<i>gone</i>", 0, marks_for(ex)) == escape("<i>gone</i>")


def test_article_html_escapes_the_text_and_marks_every_kind():
    out = article_html(_extraction())
    assert "&lt;" in out and "<Mitrovica>" not in out
    for kind in ("place", "actor", "date"):
        assert f'class="nm-{kind}"' in out
    assert 'data-testid="nm-article-text"' in out


def test_sentence_html_without_a_sentence_shows_the_text_around_the_mention():
    ex = _extraction()
    text = ex.article.text
    start = text.index("Brussels")
    out = sentence_html(text, "", start, marks_for(ex), focus=[(start, start + 8)], context=12)
    assert out.startswith("…") and out.endswith("…")
    assert '<mark class="nm-focus"' in out and ">Brussels</mark>" in out


def test_a_kept_snippet_shows_what_the_article_shows_around_its_sentence():
    ex = _extraction()
    text, marks = ex.article.text, marks_for(ex)
    for mark in marks:
        focus = [(mark.start, mark.end)]
        for sentence, near in (("", mark.start), (text[:mark.end + 3], mark.start)):
            found = snippet(text, sentence, near, marks, context=12)
            kept = Snippet.loads(found.dumps(sentence), sentence)
            assert snippet_html(kept, focus) == sentence_html(text, sentence, near, marks,
                                                              focus, context=12)
    whole = "Troops stay in <Mitrovica>."
    begin = text.index(whole)
    shown = [Mark(m.start, m.end, "focus", m.title) if m.start == text.index("Mitrovica") else m
             for m in marks]
    kept = Snippet.loads(snippet(text, whole, begin, marks).dumps())
    assert snippet_html(kept, [(text.index("Mitrovica"), text.index("Mitrovica") + 9)]) == \
        highlight(text, shown, begin, begin + len(whole))
    assert snippet(text, "<i>gone</i>", 0, marks) is None
