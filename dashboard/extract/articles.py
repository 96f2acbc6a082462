"""Files and pasted text to ``Article`` records, validated at the boundary.

Layout understood: optional title line, optional summary line(s), a dateline such as
``(Source) Thursday, December 06, 2007``, then the body. Text without a dateline is kept
whole (title = first line, no published date) and a problem says so.

Public API: ``parse_article_with_problems`` (the pipeline's entry point; returns the
article and what was wrong with it), ``parse_article`` (the article alone), ``read_article``
(bytes on disk, with encoding fallback) and ``iter_article_paths`` (a folder's ``*.txt``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dashboard.errors import ArticleFormatError
from dashboard.records import Article, Problem
from dashboard.text import MONTH_PATTERN, WEEKDAY_PATTERN, month_number, normalise_text
from dashboard.text import mask_format_chars, weekday_number

#: Reading stops beyond this many bytes: such a file is not a news report.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: The dateline is looked for among this many first non-blank lines.
_DATELINE_SEARCH_LINES = 4
_MAX_DATELINE_CHARS = 200
_MAX_TITLE_CHARS = 300
#: Share of control characters above which decoded bytes are called binary.
_MAX_CONTROL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NON_SPACE = re.compile(r"\S")

_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_FORMS = (
    rf"(?P<month>{MONTH_PATTERN})\s*{_DAY},?\s+{_YEAR}",
    rf"{_DAY}\s+(?P<month>{MONTH_PATTERN}),?\s+{_YEAR}",
    rf"{_YEAR}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})",
)
_SOURCE = (
    r"(?:\((?P<source>[^()\n]{1,100})\)\s*[-\u2013\u2014:|,]?\s*"
    rf"|(?!{WEEKDAY_PATTERN})(?P<source2>[A-Z][\w.&' ]{{0,60}}?)\s*[-\u2013\u2014:|]\s*)?"
)
_TIME = r"(?:\s*,?\s*\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,5})?)?"
_DATELINES = tuple(
    re.compile(
        rf"\s*{_SOURCE}(?:(?P<weekday>{WEEKDAY_PATTERN})\s*,?\s*)?{form}{_TIME}"
        r"\s*(?:\((?P<source3>[^()\n]{1,100})\))?\s*[-\u2013\u2014.:]*\s*"
    )
    for form in _DATE_FORMS
)


def parse_article(text: str, article_id: str, path: str = "") -> Article:
    """The article in ``text`` (problems dropped; see ``parse_article_with_problems``)."""
    return parse_article_with_problems(text, article_id, path)[0]


def parse_article_with_problems(
    text: str, article_id: str, path: str = "", *, today: dt.date | None = None,
) -> tuple[Article, tuple[Problem, ...]]:
    """Split ``text`` into title, summary, dateline and body; never raises on a ``str``.

    Problems (kinds): ``empty``, ``no_dateline``, ``impossible_date``, ``future_date``,
    ``weekday_mismatch``. ``today`` (default: the system date) decides what is in the future.
    """
    text = normalise_text(text)
    scan = mask_format_chars(text)
    if not scan.strip():
        article = Article(id=article_id, text=text, path=path, body_start=len(text))
        return article, (Problem("empty", f"article {article_id!r} has no text"),)
    lines = _first_lines(scan, _DATELINE_SEARCH_LINES)
    for index, (start, end) in enumerate(lines):
        found = _match_dateline(scan, start, end)
        if found:
            return _with_dateline(text, article_id, path, lines[:index], found, today)
    return _without_dateline(text, article_id, path, lines)


def _first_lines(text: str, count: int) -> list[tuple[int, int]]:
    """(start, end) of the first ``count`` non-blank lines, stripped of surrounding spaces."""
    found: list[tuple[int, int]] = []
    pos = 0
    while pos <= len(text) and len(found) < count:
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        line = text[pos:nl]
        if line.strip():
            lead = len(line) - len(line.lstrip())
            found.append((pos + lead, pos + len(line.rstrip())))
        pos = nl + 1
    return found


def _match_dateline(text: str, start: int, end: int) -> re.Match[str] | None:
    if end - start > _MAX_DATELINE_CHARS:
        return None
    for pattern in _DATELINES:
        match = pattern.fullmatch(text, start, end)
        if match:
            return match
    return None


def _with_dateline(
    text: str, article_id: str, path: str, before: list[tuple[int, int]],
    match: re.Match[str], today: dt.date | None,
) -> tuple[Article, tuple[Problem, ...]]:
    published, problems = _dateline_date(match, today or dt.date.today())
    title = _clip(text[before[0][0]:before[0][1]]) if before else ""
    summary = " ".join(text[s:e] for s, e in before[1:])
    source = match.group("source") or match.group("source2") or match.group("source3") or ""
    article = Article(
        id=article_id, text=text, title=title, summary=summary, source=source.strip(),
        published=published, path=path, body_start=_next_line_start(text, match.end()),
    )
    return article, problems


def _dateline_date(
    match: re.Match[str], today: dt.date,
) -> tuple[dt.date | None, tuple[Problem, ...]]:
    """The dateline's date, or None and a problem when the calendar has no such day."""
    span = (match.start(), match.end())
    month = month_number(match.group("month")) if "month" in match.re.groupindex else None
    month = month or int(match.group("mnum"))
    try:
        day = dt.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        words = match.group().strip()
        return None, (Problem("impossible_date", f"dateline {words!r} names no real day; "
                              "the article is kept without a publication date", *span),)
    problems = []
    weekday = match.group("weekday")
    if weekday and weekday_number(weekday) != day.weekday():
        problems.append(Problem("weekday_mismatch", f"dateline says {weekday.strip()} but "
                                f"{day.isoformat()} is a {day:%A}; the date is trusted", *span))
    if day > today:
        problems.append(Problem("future_date", f"dateline {day.isoformat()} is after today "
                                f"({today.isoformat()}); kept as given", *span))
    return day, tuple(problems)


def _next_line_start(text: str, pos: int) -> int:
    """Offset of the first non-space character at or after ``pos`` (``len(text)`` if none)."""
    match = _NON_SPACE.search(text, pos)
    return match.start() if match else len(text)


def _without_dateline(
    text: str, article_id: str, path: str, lines: list[tuple[int, int]],
) -> tuple[Article, tuple[Problem, ...]]:
    first_start, first_end = lines[0]
    first = text[first_start:first_end]
    # A short line with no final punctuation, followed by more text, reads as a headline.
    headline = len(lines) > 1 and len(first) <= _MAX_TITLE_CHARS and first[-1] not in ".!?\"'”"
    body_start = lines[1][0] if headline else first_start
    article = Article(id=article_id, text=text, title=_clip(first), path=path,
                      body_start=body_start)
    problem = Problem("no_dateline", "no dateline such as '(Source) Thursday, December 06, 2007' "
                      "in the first lines: relative dates ('on Friday', 'yesterday') stay "
                      "unresolved")
    return article, (problem,)


def _clip(line: str) -> str:
    return line if len(line) <= _MAX_TITLE_CHARS else line[:_MAX_TITLE_CHARS - 1] + "\u2026"


def read_article(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, today: dt.date | None = None,
) -> tuple[Article, tuple[Problem, ...]]:
    """Read and parse one file; the article id is the file's stem.

    Raises ``ArticleFormatError`` when the file cannot be read, is larger than ``max_bytes``
    or holds binary data. Text that is not UTF-8 is read as Windows-1252 (else Latin-1) and
    a problem of kind ``encoding`` says so.
    """
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    text, problems = decode_article_bytes(data, str(path))
    article, more = parse_article_with_problems(text, path.stem, str(path), today=today)
    return article, problems + more


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise ArticleFormatError(f"cannot read article file {path}: {reason}") from err
    if len(data) > max_bytes:
        raise ArticleFormatError(
            f"article file {path} is larger than {max_bytes:,} bytes; not read")
    return data


def decode_article_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, tuple[Problem, ...]]:
    """Bytes to normalised text: UTF-8 (BOM optional), else cp1252, else Latin-1.

    Raises ``ArticleFormatError`` for binary data (NUL bytes or many control characters).
    """
    if b"\x00" in data:
        raise ArticleFormatError(f"{name} looks binary (it contains NUL bytes); not a text article")
    problems: tuple[Problem, ...] = ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        text, encoding = _decode_legacy(data)
        problems = (Problem("encoding", f"{name} is not valid UTF-8 (bad byte at {err.start}); "
                            f"read as {encoding}, some characters may be wrong"),)
    controls = len(text) - len(_CONTROL.sub("", text))
    if text and controls > _MAX_CONTROL_SHARE * len(text):
        raise ArticleFormatError(
            f"{name} looks binary ({controls:,} control characters in {len(text):,}); "
            "not a text article")
    return normalise_text(text), problems


def _decode_legacy(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def iter_article_paths(folder: Path) -> list[Path]:
    """The ``*.txt`` files (any case) directly in ``folder``, sorted, hidden files skipped.

    Raises ``FileNotFoundError`` / ``NotADirectoryError`` with a clear message.
    """
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"article folder not found: {folder}")
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder of articles: {folder}")
    found = [
        p for p in folder.iterdir()
        if not p.name.startswith(".") and p.suffix.lower() == ".txt" and p.is_file()
    ]
    return sorted(found, key=lambda p: p.name)
