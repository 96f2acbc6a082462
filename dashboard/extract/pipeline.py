"""The extraction pipeline: ``STAGES`` in order, and the entry points from text, files and folders.

This is the only module that knows the order of the stages. Each stage is a pure function of
the draft so far (and the injected gazetteer tools) that returns the fields it declares in
``writes``; ``run`` folds them into a new frozen draft, then into an ``Extraction``.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dashboard.extract.articles import iter_article_paths, parse_article_with_problems, read_article
from dashboard.errors import DashboardError
from dashboard.extract import actors as actor_stage
from dashboard.extract import places as place_stage
from dashboard.extract.dates import date_problems, find_article_dates
from dashboard.extract.deployments import find_deployments, troop_event_actors
from dashboard.extract.events import find_events
from dashboard.extract.grounding import ground
from dashboard.extract.metonymy import read_metonymy
from dashboard.records import (
    Actor, Article, DateMention, Deployment, Event, Extraction, Place, Problem, Sentence,
    quick_init,
)
from dashboard.extract.resolve import Lookup, resolve_places, thin_geometry
from dashboard.text import split_sentences


@quick_init
@dataclass(frozen=True, slots=True)
class Draft:
    """Everything known about one article part-way through the pipeline."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    dates: tuple[DateMention, ...] = ()
    actor_mentions: tuple[actor_stage.ActorMention, ...] = ()
    places: tuple[Place, ...] = ()
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    deployments: tuple[Deployment, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Tools:
    """The injected services: the gazetteer for names, the geocoder's cached candidates."""

    names: Any
    lookup: Lookup


@dataclass(frozen=True, slots=True)
class Stage:
    """One named step: reads the draft, returns values for the fields in ``writes``."""

    name: str
    writes: tuple[str, ...]
    run: Callable[[Draft, Tools], tuple]


def _sentences(d: Draft, t: Tools) -> tuple:
    return (tuple(s for s in split_sentences(d.article.text) if not _is_dateline(d.article, s)),)


def _is_dateline(article: Article, sentence: Sentence) -> bool:
    """The dateline line ("(Source) Thursday, December 06, 2007") is metadata, not prose."""
    if not (article.source or article.published) or sentence.start >= article.body_start:
        return False
    line_end = article.text.rfind("\n", 0, article.body_start)
    line_start = article.text.rfind("\n", 0, max(line_end, 0)) + 1
    return line_end >= 0 and line_start <= sentence.start < line_end


def _dates(d: Draft, t: Tools) -> tuple:
    text, anchor = d.article.text, d.article.published
    found = find_article_dates(text, anchor, d.sentences)
    return found, d.problems + date_problems(found, d.article.published)


def _actor_mentions(d: Draft, t: Tools) -> tuple:
    return (actor_stage.find_actor_mentions(d.article.text, d.sentences, t.names),)


def _places(d: Draft, t: Tools) -> tuple:
    blocked = [(m.name_start, m.name_end) for m in d.actor_mentions
               if m.type != "state" and m.name_end > m.name_start]
    return (place_stage.find_places(d.article.text, d.sentences, t.names, blocked),)


def _resolve(d: Draft, t: Tools) -> tuple:
    countries = [m.country_code for m in d.actor_mentions if m.type in ("state", "group")]
    places, problems = resolve_places(d.places, t.lookup, d.article.text, countries)
    return places, d.problems + problems


def _actors(d: Draft, t: Tools) -> tuple:
    places, metonyms = read_metonymy(d.article.text, d.places, t.names)
    mentions = d.actor_mentions + metonyms
    bodies, replaced = actor_stage.state_bodies(d.article.text, d.sentences, places, mentions,
                                                t.names)
    kept = tuple(m for m in mentions if (m.start, m.end) not in replaced)
    actors, ids = actor_stage.merge_actors(kept + tuple(bodies))
    places = tuple(p.but(actor=ids.get(p.actor)) if p.actor else p for p in places)
    linked = place_stage.link_anaphora(places, getattr(t.names, "is_capital", None))
    return thin_geometry(linked), actors


def _events(d: Draft, t: Tools) -> tuple:
    return (find_events(d.article.text, d.sentences, d.places, d.actors, d.dates,
                        d.article.published),)


def _deployments(d: Draft, t: Tools) -> tuple:
    deployments = find_deployments(d.article.text, d.sentences, d.places, d.actors, d.dates,
                                   d.article.published)
    return deployments, troop_event_actors(d.events, deployments)


def _grounding(d: Draft, t: Tools) -> tuple:
    return ground(d.article.text, d.article, d.sentences, d.places, d.dates, d.events,
                  d.deployments, getattr(t.names, "is_capital", None))


STAGES: tuple[Stage, ...] = (
    Stage("sentences", ("sentences",), _sentences),
    Stage("dates", ("dates", "problems"), _dates),
    Stage("actor_mentions", ("actor_mentions",), _actor_mentions),
    Stage("places", ("places",), _places),
    Stage("resolve", ("places", "problems"), _resolve),
    Stage("actors", ("places", "actors"), _actors),
    Stage("events", ("events",), _events),
    Stage("deployments", ("deployments", "events"), _deployments),
    Stage("grounding", ("events", "deployments"), _grounding),
)


def run(article: Article, *, geocoder: Any, problems: tuple[Problem, ...] = (),
        stages: Iterable[Stage] = STAGES) -> Extraction:
    """Run ``stages`` over one article with the injected geocoder.

    The cyclic garbage collector is paused meanwhile: the stages build tens of thousands of
    short-lived tuples and records an article, freed by reference counting, and its passes
    over them (and over every record already kept) found nothing to collect yet cost a few
    per cent. It runs again as before once the article is done (unless it was off already).
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _run(article, geocoder, problems, stages)
    finally:
        if paused:
            gc.enable()


def _run(article: Article, geocoder: Any, problems: tuple[Problem, ...],
         stages: Iterable[Stage]) -> Extraction:
    tools = _tools(geocoder)
    fields: dict[str, Any] = {"article": article, "problems": problems}
    draft = Draft(**fields)
    for stage in stages:
        # The fields kept in a dict and a new draft built from them: ``replace`` would read
        # every field back from the old draft, at each stage.
        fields.update(zip(stage.writes, stage.run(draft, tools), strict=True))
        draft = Draft(**fields)
    return Extraction(article=draft.article, places=draft.places, actors=draft.actors,
                      events=draft.events, deployments=draft.deployments,
                      problems=draft.problems, dates=draft.dates)


@functools.lru_cache(maxsize=8)
def _tools(geocoder: Any) -> Tools:
    """One candidate cache per geocoder; names from its gazetteer."""
    names = getattr(geocoder, "gazetteer", None)
    if names is None:
        from dashboard.geo.gazetteer import Gazetteer

        names = Gazetteer.open_default()
    cached = CachedNames(names)
    lookup = Lookup(geocoder, is_capital=getattr(cached, "is_capital", None))
    return Tools(names=cached, lookup=lookup)


class CachedNames:
    """The gazetteer's name questions, memoised for the life of the process.

    The stages ask the same few thousand questions ("is 'Serbian' a demonym?") over and over;
    each is an SQLite query otherwise.
    """

    def __init__(self, gazetteer: Any, size: int = 200_000) -> None:
        self.gazetteer = gazetteer
        for name in ("has_name", "has_abbreviation", "demonym", "country_code", "country",
                     "is_capital"):
            method = getattr(gazetteer, name, None)
            if method is not None:
                setattr(self, name, functools.lru_cache(maxsize=size)(method))

    def __reduce__(self):
        return (CachedNames, (self.gazetteer,))


@functools.lru_cache(maxsize=1)
def default_geocoder() -> Any:
    """The process-wide geocoder, opened on first use: offline, plus the online fallback when
    $NEWSMAP_ONLINE_GEOCODING turns it on."""
    from dashboard.geo import geocoder

    return geocoder.default_geocoder()


def extract_text(text: str, article_id: str = "article", *, geocoder: Any = None) -> Extraction:
    """Parse pasted text as an article and extract from it."""
    article, problems = parse_article_with_problems(text, article_id)
    return run(article, geocoder=geocoder or default_geocoder(), problems=problems)


def extract_file(path: str | os.PathLike, *, geocoder: Any = None) -> Extraction:
    """Read one article file (id = the file's stem) and extract from it.

    Raises ``ArticleFormatError`` when the file cannot be read as text.
    """
    article, problems = read_article(Path(path))
    return run(article, geocoder=geocoder or default_geocoder(), problems=problems)


def extract_paths(paths: Iterable[str | os.PathLike], *, geocoder: Any = None,
                  workers: int = 1) -> Iterator[Extraction]:
    """One Extraction per article file (folders expanded), in order; never raises for one file.

    A file that cannot be read yields an Extraction with empty text and an ``unreadable``
    problem. ``workers`` > 1 runs in processes, each opening its own gazetteer.
    """
    files = list(_expand(paths))
    if workers <= 1 or len(files) < 2:
        for item in files:
            yield _safe_extract(item, geocoder)
        return
    # "spawn": a forked child would share the parent's open SQLite connection, which SQLite
    # forbids; each worker opens its own gazetteer instead (or unpickles the one given).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(geocoder,)) as pool:
        chunk = max(1, min(32, len(files) // (4 * workers)))
        polygons: dict[str, str] = {}
        for packed in pool.map(_worker_extract, files, chunksize=chunk):
            yield _unpack(packed, polygons)


#: The geocoder of a worker process, set once by ``_init_worker``.
_WORKER_GEOCODER: list[Any] = [None]
#: Polygons this worker has sent, by text, with their reference.
_WORKER_SENT: dict[str, str] = {}
#: Starts a polygon's reference; no GeoJSON text starts with a NUL.
_REF = "\x00polygon:"


def _init_worker(geocoder: Any) -> None:
    _WORKER_GEOCODER[0] = geocoder


def _worker_extract(path: Path | Problem) -> tuple[Extraction, tuple[tuple[str, str], ...]]:
    return _pack(_safe_extract(path, _WORKER_GEOCODER[0]), _WORKER_SENT)


def _pack(extraction: Extraction, sent: dict[str, str]):
    """The extraction with each polygon as a reference, and the polygons not sent before.

    Country outlines repeat in article after article and were most of the bytes pickled back
    to the parent; results arrive in order, so a polygon always comes before its references.
    """
    new, places = [], []
    for place in extraction.places:
        if place.geometry is not None:
            ref = sent.get(place.geometry)
            if ref is None:
                ref = sent[place.geometry] = f"{_REF}{os.getpid()}:{len(sent)}"
                new.append((ref, place.geometry))
            place = replace(place, geometry=ref)
        places.append(place)
    return replace(extraction, places=tuple(places)), tuple(new)


def _unpack(packed: tuple, polygons: dict[str, str]) -> Extraction:
    """Undo ``_pack``: every reference replaced by its polygon (one shared string each)."""
    extraction, new = packed
    polygons.update(new)
    places = tuple(p if p.geometry is None else replace(p, geometry=polygons[p.geometry])
                   for p in extraction.places)
    return replace(extraction, places=places)


def _expand(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Problem]:
    """Files as given; a folder's ``*.txt`` files; a missing folder as a problem."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from iter_article_paths(path)
        else:
            yield path


def _safe_extract(path: Path, geocoder: Any = None) -> Extraction:
    """Read and extract one file; a file that cannot be read or breaks a stage becomes a problem."""
    try:
        article, problems = read_article(path)
    except (DashboardError, OSError) as err:
        article = Article(id=path.stem, text="", path=str(path))
        return Extraction(article=article, problems=(Problem("unreadable", str(err)),))
    try:
        return run(article, geocoder=geocoder or default_geocoder(), problems=problems)
    except Exception as err:  # noqa: BLE001 - one article's failure must not stop the batch
        message = f"extraction of {path} failed: {type(err).__name__}: {err}"
        return Extraction(article=article, problems=problems + (Problem("failed", message),))


def failed(extraction: Extraction) -> bool:
    """Whether the article could not be read or processed."""
    return any(p.kind in ("unreadable", "failed") for p in extraction.problems)
