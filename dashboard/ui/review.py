"""Frames for correcting: the review queue (doubtful place mentions first), the corrections
table, and the readings of a name as rows to choose from. No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from dashboard.extract.candidates import Ranked
from dashboard.store.corrections import Correction, describe

#: A mention is doubtful below this confidence…
LOW_CONFIDENCE = 0.6
#: …or when its two best readings' shares are this close.
CLOSE_MARGIN = 0.25
QUEUE_COLUMNS = ("doubt", "surface", "name", "country_code", "confidence", "margin",
                 "article_id", "loc_key", "key")
CORRECTION_COLUMNS = ("id", "created", "author", "what", "surface", "article_id", "undone",
                      "undone_by")
CANDIDATE_COLUMNS = ("name", "kind", "region", "country", "population", "score", "share",
                     "chosen")
#: An area's name from its codes: ``(country_code, admin1_code)`` -> name, ``admin1_code``
#: empty for the country itself; None when unknown (the code is shown then).
AreaName = Callable[[str, str], "str | None"]


def queue(places: pd.DataFrame, margin: Callable[[str], float], skip: Iterable[str] = (),
          limit: int = 500) -> pd.DataFrame:
    """Resolved literal mentions whose confidence is low or whose two best readings are
    close, most doubtful first; not those keyed in ``skip`` (mentions that refer back to
    another, "the town": they follow it). ``margin(surface)`` is asked once per name."""
    shown = places[(places["status"] == "resolved") & places["literal"].astype(bool)
                   & ~places["key"].isin(set(skip))]
    if shown.empty:
        return pd.DataFrame(columns=list(QUEUE_COLUMNS))
    margins = {name: margin(name) for name in shown["surface"].unique()}
    rows = shown.assign(margin=shown["surface"].map(margins))
    rows = rows[(rows["confidence"] < LOW_CONFIDENCE) | (rows["margin"] < CLOSE_MARGIN)]
    # Doubt: how far below certainty the resolver was (with the article's context, so it
    # weighs most), and how little its best reading leads without that context.
    rows = rows.assign(doubt=(0.7 * (1 - rows["confidence"]) + 0.3 * (1 - rows["margin"]))
                       .round(3))
    rows = rows.sort_values(["doubt", "key"], ascending=[False, True], kind="stable")
    return rows.head(limit)[list(QUEUE_COLUMNS)].reset_index(drop=True)


def corrections_frame(corrections: Sequence[Correction]) -> pd.DataFrame:
    """Every correction, the newest first, in words."""
    rows = [{"id": c.id, "created": c.created, "author": c.author, "what": describe(c),
             "surface": c.surface, "article_id": c.article_id, "undone": c.undone,
             "undone_by": c.undone_by} for c in reversed(corrections)]
    return pd.DataFrame(rows, columns=list(CORRECTION_COLUMNS))


def where(candidate, area_name: AreaName | None = None) -> tuple[str, str]:
    """A reading's region (a city's first-level subdivision) and country, by name where
    ``area_name`` knows them, else by code; the region is blank for anything but a city."""
    def named(country: str, code: str = "") -> str:
        return (area_name(country, code) if area_name and country else None) or code or country

    region = named(candidate.country_code, candidate.admin1) if (
        candidate.kind == "city" and candidate.admin1) else ""
    return region, named(candidate.country_code)


def candidates_frame(ranked: Iterable[Ranked], area_name: AreaName | None = None
                     ) -> pd.DataFrame:
    """The readings of a name as a table, regions and countries by name."""
    rows = []
    for r in ranked:
        region, country = where(r.candidate, area_name)
        rows.append({"name": r.candidate.name, "kind": r.candidate.kind.replace("_", " "),
                     "region": region, "country": country,
                     "population": r.candidate.population or None, "score": r.score,
                     "share": r.share, "chosen": r.chosen})
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))
