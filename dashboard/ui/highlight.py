"""The one place that escapes article text for HTML and JavaScript, and marks mentions in it.

Article text is untrusted. folium 0.20 emits popup and tooltip strings inside JavaScript
template literals, where a backtick ends the literal and ``${...}`` is evaluated, so HTML
escaping alone is not enough: :func:`escape` also neutralises backtick, dollar and backslash,
and the braces that would open Jinja code when folium's branca compiles a rendered script. Every article-derived string that reaches HTML or JS (popups, tooltips, the details panel, the
article view) goes through this module.
"""

from __future__ import annotations

import bisect
import html
import json
import re
from collections.abc import Iterable, Sequence
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
    found = snippet(text, sentence, near, sorted(marks, key=lambda m: (m.start, -m.end)),
                    context)
    return escape(sentence) if found is None else snippet_html(found, focus)


@dataclass(frozen=True, slots=True)
class Snippet:
    """What :func:`sentence_html` shows of an article for one record, without the article:
    ``text`` (the sentence, or the window around a record without one) found at offset ``at``,
    the marks inside it (article offsets), and whether text was cut before or after it. A
    dataset keeps one per row (:meth:`dumps`), so its details panel needs no article."""

    at: int
    text: str
    marks: tuple[Mark, ...] = ()
    before: bool = False
    after: bool = False

    def dumps(self, sentence: str = "") -> str:
        """As compact JSON (:meth:`loads` reads it back); the text left out when it is
        ``sentence`` (the record's own, which its row holds anyway)."""
        return json.dumps([self.at, None if self.text == sentence else self.text,
                           [[m.start, m.end, m.kind, m.title] for m in self.marks],
                           self.before, self.after], ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def loads(cls, data: str, sentence: str = "") -> Snippet:
        """What :meth:`dumps` wrote, with the same ``sentence``."""
        at, text, marks, before, after = json.loads(data)
        return cls(int(at), sentence if text is None else str(text),
                   tuple(Mark(int(s), int(e), str(k), str(t)) for s, e, k, t in marks),
                   bool(before), bool(after))


def snippet(text: str, sentence: str, near: int, marks: Sequence[Mark],
            context: int = 80) -> Snippet | None:
    """The part of ``text`` :func:`sentence_html` shows for a record (None: its sentence is
    not in the text). ``marks`` sorted by start (as :func:`marks_for` gives them) are looked
    up by bisection, so one article's records cost little each."""
    if not sentence and 0 <= near < len(text):
        start, end = max(0, near - context), min(len(text), near + context)
        before, after = start > 0, end < len(text)
    else:
        start = _find_sentence(text, sentence, near)
        if start < 0:
            return None
        end, before, after = start + len(sentence), False, False
    first = bisect.bisect_left(marks, start, key=lambda m: m.start)
    last = bisect.bisect_left(marks, end, lo=first, key=lambda m: m.start)
    inside = tuple(m for m in marks[first:last] if m.end <= end)
    return Snippet(start, text[start:end], inside, before, after)


def snippet_html(found: Snippet, focus: Iterable[tuple[int, int]] = ()) -> str:
    """A snippet as :func:`sentence_html` shows it: escaped, marked, the ``focus`` mentions
    (article offsets) shown as the one the reader asked about."""
    wanted = set(focus)
    shown = [Mark(m.start - found.at, m.end - found.at,
                  "focus" if (m.start, m.end) in wanted else m.kind, m.title)
             for m in found.marks]
    return "…" * found.before + highlight(found.text, shown) + "…" * found.after


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
