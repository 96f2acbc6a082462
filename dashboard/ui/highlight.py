"""The one place that escapes article text for HTML and JavaScript, and marks mentions in it.

Article text is untrusted. folium 0.20 emits popup and tooltip strings inside JavaScript
template literals, where a backtick ends the literal and ``${...}`` is evaluated, so HTML
escaping alone is not enough: :func:`escape` also neutralises backtick, dollar and backslash,
and the braces that would open Jinja code when folium's branca compiles a rendered script. Every article-derived string that reaches HTML or JS (popups, tooltips, the details panel, the
article view) goes through this module.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.records import Extraction, Place

#: Characters that stay special inside a JS template literal after HTML escaping. The
#: backslash is here because ``\u`` or ``\x`` in a template literal is a syntax error.
#: Braces too: folium's branca compiles rendered scripts as Jinja templates, where ``{{``,
#: ``{%`` and ``{#`` from an article would be code, or a syntax error that breaks the map.
_JS_SPECIAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;",
                             "}": "&#125;"})
#: C0/C1 controls (but tab and newline) carry no meaning on screen and upset some parsers.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Mention kinds and the CSS class each gets in highlighted HTML.
MARK_KINDS = ("place", "actor", "date", "focus")


#: Any character that :func:`escape` changes; most names and lines have none.
_ANY_SPECIAL = re.compile(r"""[&<>"'`${}\\\x00-\x08\x0b-\x1f\x7f-\x9f]""")


def escape(text: object) -> str:
    """``text`` as inert HTML that is also safe inside a JS template literal."""
    plain = "" if text is None else str(text)
    if not _ANY_SPECIAL.search(plain):  # the common case, at a fraction of the cost
        return plain
    return html.escape(_CONTROLS.sub("", plain), quote=True).translate(_JS_SPECIAL)


@dataclass(frozen=True, slots=True)
class Mark:
    """A stretch of article text to highlight: ``text[start:end]`` shown as ``kind``."""

    start: int
    end: int
    kind: str
    title: str = ""


def marks_for(extraction: Extraction) -> tuple[Mark, ...]:
    """Every place, actor and date mention of one extraction, in text order."""
    marks = [Mark(p.start, p.end, "place", _place_title(p)) for p in extraction.places]
    for actor in extraction.actors:
        marks += [Mark(s, e, "actor", f"{actor.name} ({actor.type})") for s, e in actor.mentions]
    marks += [Mark(d.start, d.end, "date", d.date.isoformat() if d.date else "unresolved date")
              for d in extraction.dates]
    return tuple(sorted(marks, key=lambda m: (m.start, -m.end)))


def _place_title(place: Place) -> str:
    if not place.literal:
        return f"{place.name or place.surface} (stands for an actor)"
    if not place.resolved:
        return f"{place.surface} (unresolved)"
    return f"{place.name} ({place.kind}, {place.lat:.3f}, {place.lon:.3f})"


def highlight(text: str, marks: Iterable[Mark], start: int = 0, end: int | None = None) -> str:
    """Escaped HTML of ``text[start:end]`` with each mark wrapped in ``<mark class=nm-KIND>``.

    Marks that overlap an earlier (or longer, at the same start) mark are skipped rather than
    nested, so the output is always well-formed; offsets outside the window are ignored.
    """
    end = len(text) if end is None else min(end, len(text))
    out, cursor = [], start
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.start < cursor or mark.end > end or mark.end <= mark.start:
            continue
        out.append(escape(text[cursor:mark.start]))
        out.append(f'<mark class="nm-{_kind(mark.kind)}" title="{escape(mark.title)}">'
                   f"{escape(text[mark.start:mark.end])}</mark>")
        cursor = mark.end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _kind(kind: str) -> str:
    return kind if kind in MARK_KINDS else "place"


def sentence_html(text: str, sentence: str, near: int, marks: Iterable[Mark],
                  focus: Iterable[tuple[int, int]] = (), context: int = 80) -> str:
    """The sentence of ``text`` around offset ``near``, escaped, with the marks inside it.

    Marks whose ``(start, end)`` is in ``focus`` are shown as the mention the reader asked
    about. A record without a sentence gets the ``context`` characters around ``near``; when
    the sentence cannot be found in the text (a saved dataset whose text differs), it is shown
    escaped, without marks.
    """
    wanted = set(focus)
    shown = [Mark(m.start, m.end, "focus", m.title) if (m.start, m.end) in wanted else m
             for m in marks]
    if not sentence and 0 <= near < len(text):
        start, end = max(0, near - context), min(len(text), near + context)
        return "…" * (start > 0) + highlight(text, shown, start, end) + "…" * (end < len(text))
    begin = _find_sentence(text, sentence, near)
    if begin < 0:
        return escape(sentence)
    return highlight(text, shown, begin, begin + len(sentence))


def _find_sentence(text: str, sentence: str, near: int) -> int:
    if not sentence:
        return -1
    window_start = max(0, near - len(sentence))
    found = text.find(sentence, window_start, near + 2 * len(sentence) + 1)
    return found if found >= 0 else text.find(sentence)


STYLE = """
<style>
.nm-text { white-space: pre-wrap; line-height: 1.6; }
mark.nm-place { background: #cfe8ff; border-bottom: 2px solid #1f77b4; }
mark.nm-actor { background: #ffe3c2; border-bottom: 2px solid #d9822b; }
mark.nm-date { background: #dff5d8; border-bottom: 2px solid #3a8f3a; }
mark.nm-focus { background: #ffd84d; border-bottom: 3px solid #b8860b; font-weight: 600; }
.nm-basis { color: #666; font-size: 0.85em; font-style: italic; }
</style>
"""


def article_html(extraction: Extraction) -> str:
    """The whole article, escaped, with places, actors and dates highlighted."""
    body = highlight(extraction.article.text, marks_for(extraction))
    return f'{STYLE}<div class="nm-text" data-testid="nm-article-text">{body}</div>'
