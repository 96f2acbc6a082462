"""Gold articles for evaluation: hand annotations read and validated at the boundary.

Two sources (the format is documented in ``benchmarks/gold/README.md``):

- a gold article: ``<id>.txt`` (the text) beside ``<id>.json`` (places, events, deployments,
  spans given as a surface or quote and which occurrence of it, or as a start offset);
- a geoparsing corpus in JSON lines (``../shared/dev-corpora/README.md``): one article per line
  with its toponyms as ``start``/``end`` spans; places only.

``load_gold`` yields one ``GoldArticle`` or one ``GoldError`` per article: a file that does not
validate (a surface that is not in the text, a bad field) is an error naming the file and the
entry, and never stops the others.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.records import DEPLOYMENT_STATUSES, EVENT_STATUSES, EVENT_TYPES
from dashboard.text import normalise_text

#: Place kinds a gold annotation may give (the product's, plus admin2 for counties).
GOLD_PLACE_KINDS = ("city", "admin1", "admin2", "country", "region", "water", "facility",
                    "directional_region")
LAYOUTS = ("seed", "wire", "plain")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?\Z")


@dataclass(frozen=True, slots=True)
class GoldLocation:
    """Where an event or deployment happens, as the annotator fixed it."""

    name: str
    lat: float | None
    lon: float | None
    country: str = ""
    kind: str = ""


@dataclass(frozen=True, slots=True)
class GoldPlace:
    """One annotated toponym mention: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    kind: str = ""
    name: str = ""
    geonameid: int | None = None
    #: None when the source does not say (the corpora annotate no metonymy).
    literal: bool | None = None
    #: None when the source does not say; the scorer then asks the gazetteer.
    demonym: bool | None = None


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One annotated happening: its quote's span and the fields a reader fixed."""

    start: int
    end: int
    quote: str
    type: str
    status: str
    #: ISO day, month ("2007-12") or year ("2007"); None when the text gives no date.
    date: str | None
    place: GoldLocation | None
    #: Acceptable names of whoever acts (any one of them names the actor).
    actors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldDeployment:
    """One annotated body of troops."""

    start: int
    end: int
    quote: str
    status: str
    strength: int | None
    place: GoldLocation | None
    #: Acceptable names of whose troops they are; empty when the text does not say.
    actor: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One article's text and its annotations."""

    id: str
    text: str
    source: str
    places: tuple[GoldPlace, ...] = ()
    events: tuple[GoldEvent, ...] = ()
    deployments: tuple[GoldDeployment, ...] = ()
    #: False for geoparsing corpora: they annotate places only, so events are not scored.
    has_events: bool = True
    layout: str = ""
    corpus: str = "gold"


@dataclass(frozen=True, slots=True)
class GoldError:
    """A gold article that could not be read or does not validate."""

    source: str
    message: str


class _Invalid(Exception):
    """One validation failure, said for the annotator."""


def load_gold(paths: Iterable[str | Path]) -> Iterator[GoldArticle | GoldError]:
    """Gold articles from folders (every ``*.json`` with its ``.txt``; ``*.jsonl`` corpora in
    them too), single ``.json`` files and ``.jsonl`` corpora, in the order given (a folder's
    files sorted by name)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl"))
            if not files:
                yield GoldError(str(path), "no gold *.json or *.jsonl files in this folder")
            for file in files:
                yield from _load_file(file)
        else:
            yield from _load_file(path)


def _load_file(path: Path) -> Iterator[GoldArticle | GoldError]:
    if path.suffix == ".jsonl":
        yield from load_corpus(path)
    elif path.suffix == ".json":
        yield load_article(path)
    else:
        yield GoldError(str(path), "not a gold file (expected .json beside its .txt, or .jsonl)")


def load_article(path: str | Path) -> GoldArticle | GoldError:
    """One gold article: ``path`` (the annotations) and the ``.txt`` beside it."""
    path = Path(path)
    try:
        text = normalise_text(path.with_suffix(".txt").read_text(encoding="utf-8-sig"))
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        return parse_article(data, text, str(path), default_id=path.stem)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return GoldError(str(path), f"cannot read: {err}")
    except _Invalid as err:
        return GoldError(str(path), str(err))


def load_corpus(path: str | Path) -> Iterator[GoldArticle | GoldError]:
    """A geoparsing corpus in JSON lines (places only); a bad line is an error naming it."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as err:
        yield GoldError(str(path), f"cannot read: {err}")
        return
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                yield parse_corpus_line(json.loads(line), source)
            except json.JSONDecodeError as err:
                yield GoldError(source, f"not JSON: {err}")
            except _Invalid as err:
                yield GoldError(source, str(err))


def parse_corpus_line(data: Any, source: str) -> GoldArticle:
    """One corpus article (``id``, ``text``, ``toponyms`` with ``start``/``end``)."""
    _require(isinstance(data, dict), "a corpus line must be a JSON object")
    text = data.get("text")
    _require(isinstance(text, str), "'text' must be a string")
    # Offsets are into the text as given; the pipeline normalises newlines, which would move
    # them, so such a text is refused rather than scored wrongly.
    _require(normalise_text(text) == text, "text has a BOM or CR newlines: offsets would move")
    places = []
    for index, item in enumerate(_list(data, "toponyms")):
        where = f"toponyms[{index}]"
        _require(isinstance(item, dict), f"{where} must be an object")
        start, end = item.get("start"), item.get("end")
        _require(_is_int(start) and _is_int(end) and 0 <= start < end <= len(text),
                 f"{where}: start/end {start!r}/{end!r} are not a span of the text")
        surface = item.get("surface", text[start:end])
        _require(text[start:end] == surface,
                 f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {surface!r}")
        lat, lon = _coordinates(item, where)
        places.append(GoldPlace(start=start, end=end, surface=surface, lat=lat, lon=lon,
                                country=str(item.get("country") or ""),
                                geonameid=_optional_int(item.get("geonameid"))))
    return GoldArticle(id=str(data.get("id") or source), text=text, source=source,
                       places=tuple(places), has_events=False,
                       corpus=str(data.get("corpus") or "corpus"))


def parse_article(data: Any, text: str, source: str, default_id: str = "") -> GoldArticle:
    """A gold article from its JSON annotations and its text; raises ``_Invalid``."""
    _require(isinstance(data, dict), "the annotations must be a JSON object")
    layout = data.get("layout", "")
    _require(layout in ("", *LAYOUTS), f"layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    places = tuple(_place(item, text, f"places[{i}]")
                   for i, item in enumerate(_list(data, "places")))
    _require_distinct(places)
    events = tuple(_event(item, text, f"events[{i}]")
                   for i, item in enumerate(_list(data, "events")))
    deployments = tuple(_deployment(item, text, f"deployments[{i}]")
                        for i, item in enumerate(_list(data, "deployments")))
    return GoldArticle(id=str(data.get("id") or default_id), text=text, source=source,
                       places=places, events=events, deployments=deployments, layout=layout)


def _require_distinct(places: tuple[GoldPlace, ...]) -> None:
    """Two entries on one span are one mention annotated twice (usually a repeat whose
    ``occurrence`` was forgotten)."""
    seen: dict[tuple[int, int], int] = {}
    for index, place in enumerate(places):
        first = seen.setdefault((place.start, place.end), index)
        _require(first == index, f"places[{index}]: {place.surface!r} is the same mention as "
                                 f"places[{first}] (give each repeat its \"occurrence\")")


def _place(item: Any, text: str, where: str) -> GoldPlace:
    _require(isinstance(item, dict), f"{where} must be an object")
    surface = item.get("surface")
    start = _locate(text, surface, item, where, "surface")
    lat, lon = _coordinates(item, where)
    literal = item.get("literal", True)
    demonym = item.get("demonym", False)
    _require(isinstance(literal, bool), f"{where}: literal must be true or false")
    _require(isinstance(demonym, bool), f"{where}: demonym must be true or false")
    return GoldPlace(start=start, end=start + len(surface), surface=surface, lat=lat, lon=lon,
                     country=_country(item, where), kind=_kind(item, where),
                     name=str(item.get("name") or ""),
                     geonameid=_optional_int(item.get("geonameid")),
                     literal=literal, demonym=demonym)


def _event(item: Any, text: str, where: str) -> GoldEvent:
    _require(isinstance(item, dict), f"{where} must be an object")
    quote = item.get("quote")
    start = _locate(text, quote, item, where, "quote")
    return GoldEvent(start=start, end=start + len(quote), quote=quote,
                     type=_choice(item, "type", EVENT_TYPES, where),
                     status=_choice(item, "status", EVENT_STATUSES, where),
                     date=_date(item, where), place=_location(item, where),
                     actors=_names(item, "actors", where))


def _deployment(item: Any, text: str, where: str) -> GoldDeployment:
    _require(isinstance(item, dict), f"{where} must be an object")
    quote = item.get("quote")
    start = _locate(text, quote, item, where, "quote")
    strength = item.get("strength")
    _require(strength is None or (_is_int(strength) and strength > 0),
             f"{where}: strength must be a positive integer or null, not {strength!r}")
    return GoldDeployment(start=start, end=start + len(quote), quote=quote,
                          status=_choice(item, "status", DEPLOYMENT_STATUSES, where),
                          strength=strength, place=_location(item, where),
                          actor=_names(item, "actor", where))


def _locate(text: str, needle: Any, item: dict, where: str, key: str) -> int:
    """Start offset of ``needle``: from ``start``, or its ``occurrence``-th match at word
    boundaries (default 1, and then it must be the only one)."""
    _require(isinstance(needle, str) and needle.strip() == needle and needle,
             f"{where}: {key} must be a non-empty string without surrounding spaces")
    if "start" in item:
        start = item["start"]
        _require(_is_int(start) and text[start:start + len(needle)] == needle,
                 f"{where}: {key} {needle!r} is not at start {start!r}")
        return start
    found = occurrences(text, needle)
    occurrence = item.get("occurrence")
    _require(found, f"{where}: {key} {needle!r} is not in the text")
    if occurrence is None:
        _require(key == "surface" or len(found) == 1,
                 f"{where}: {key} {needle!r} occurs {len(found)} times: add \"occurrence\"")
        occurrence = 1
    _require(_is_int(occurrence) and 1 <= occurrence <= len(found),
             f"{where}: {key} {needle!r} occurrence {occurrence!r} not found "
             f"(it occurs {len(found)} time{'s' if len(found) != 1 else ''})")
    return found[occurrence - 1]


def occurrences(text: str, needle: str) -> list[int]:
    """Starts of ``needle`` in ``text`` not inside a longer word ("Kosovo" is not counted in
    "Kosovos"; a quote ending in punctuation needs no boundary there)."""
    out = []
    at = text.find(needle)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(needle)] if at + len(needle) < len(text) else " "
        if not (needle[0].isalnum() and before.isalnum()) and \
                not (needle[-1].isalnum() and after.isalnum()):
            out.append(at)
        at = text.find(needle, at + 1)
    return out


def _location(item: dict, where: str) -> GoldLocation | None:
    place = item.get("place")
    if place is None:
        return None
    where = f"{where}.place"
    _require(isinstance(place, dict), f"{where} must be an object or null")
    lat, lon = _coordinates(place, where)
    _require(lat is not None, f"{where}: lat/lon are required")
    return GoldLocation(name=str(place.get("name") or ""), lat=lat, lon=lon,
                        country=_country(place, where), kind=_kind(place, where))


def _coordinates(item: dict, where: str) -> tuple[float | None, float | None]:
    lat, lon = item.get("lat"), item.get("lon")
    if lat is None and lon is None:
        return None, None
    _require(_is_number(lat) and _is_number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180,
             f"{where}: lat/lon {lat!r}/{lon!r} are not coordinates")
    return float(lat), float(lon)


def _names(item: dict, key: str, where: str) -> tuple[str, ...]:
    """A name, a list of names, or null (nested lists of several actors are flattened)."""
    value = item.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    _require(isinstance(value, list), f"{where}: {key} must be a list of names or null")
    flat = [n for v in value for n in (v if isinstance(v, list) else [v])]
    _require(all(isinstance(n, str) and n.strip() for n in flat),
             f"{where}: {key} must hold non-empty names")
    return tuple(flat)


def _date(item: dict, where: str) -> str | None:
    value = item.get("date")
    _require(value is None or (isinstance(value, str) and _DATE.match(value)),
             f"{where}: date {value!r} is not YYYY-MM-DD, YYYY-MM, YYYY or null")
    return value


def _choice(item: dict, key: str, allowed: tuple[str, ...], where: str) -> str:
    value = item.get(key)
    _require(value in allowed, f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _kind(item: dict, where: str) -> str:
    kind = item.get("kind") or ""
    _require(kind == "" or kind in GOLD_PLACE_KINDS,
             f"{where}: kind {kind!r} is not one of {', '.join(GOLD_PLACE_KINDS)}")
    return kind


def _country(item: dict, where: str) -> str:
    country = item.get("country") or ""
    _require(isinstance(country, str) and (country == "" or re.fullmatch(r"[A-Z]{2}", country)),
             f"{where}: country {country!r} is not an ISO 3166-1 alpha-2 code")
    return country


def _list(data: dict, key: str) -> list:
    value = data.get(key, [])
    _require(isinstance(value, list), f"{key} must be a list")
    return value


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _require(condition: Any, message: str) -> None:
    if not condition:
        raise _Invalid(message)
