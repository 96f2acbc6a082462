"""Records to pandas DataFrames keyed by article id + record id; locations; CSV and GeoJSON export.

Rows from many articles live in one frame, so every row carries ``key`` = ``"<article>:<id>"``.
Place mentions are aggregated on the map by *location*: ``loc_key`` is ``"gn:<geonameid>"``
for a gazetteer place, or ``"pl:<hash>"`` of the name and rounded coordinates otherwise; it is
a generated token, never article text, so it can travel through tooltips and URLs safely.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.records import Extraction, Place

PLACE_COLUMNS = (
    "key", "article_id", "id", "surface", "name", "kind", "country_code", "admin1", "lat", "lon",
    "precision", "confidence", "literal", "stands_for", "status", "loc_key", "geonameid",
    "geometry", "bbox", "sentence", "start", "end",
)
#: Where a record's place and date came from (``dashboard/extract/grounding.py``).
GROUNDING_COLUMNS = ("place_basis", "place_note", "date_basis", "date_note", "mentions")
#: Place bases that do not locate the record itself: drawn as hollow, dashed markers.
LOOSE_BASES = ("inherited", "focus")
EVENT_COLUMNS = (
    "key", "article_id", "id", "date", "type", "status", "summary", "actors", "place_name",
    "place_kind", "precision", "lat", "lon", "loc_key", "date_text", "date_precision",
    "date_qualifier", *GROUNDING_COLUMNS, "sentence", "start", "end",
)
DEPLOYMENT_COLUMNS = (
    "key", "article_id", "id", "date", "status", "actors", "unit", "strength",
    "strength_qualifier", "strength_text", "place_name", "place_kind", "precision", "lat", "lon",
    "loc_key", *GROUNDING_COLUMNS, "sentence", "start", "end",
)
PROBLEM_COLUMNS = ("article_id", "kind", "message", "start", "end")
ARTICLE_COLUMNS = (
    "article_id", "title", "source", "published", "path", "places", "events", "deployments",
    "problems",
)
#: Precision implied by a place kind when the pipeline left it empty.
_KIND_PRECISION = {"country": "country", "admin1": "admin1", "region": "region",
                   "directional_region": "region", "water": "region"}


@dataclass(frozen=True)
class Frames:
    """The tables every view shows; the filters narrow all of them together."""

    events: pd.DataFrame
    deployments: pd.DataFrame
    places: pd.DataFrame
    problems: pd.DataFrame
    articles: pd.DataFrame


def record_key(article_id: str, record_id: str) -> str:
    """The id of a record across articles (ids in an Extraction are local)."""
    return f"{article_id}:{record_id}"


def location_key(place: Place) -> str | None:
    """Where a resolved place mention is, as a key shared by every mention of that place."""
    if not place.resolved:
        return None
    if place.geonameid is not None:
        return f"gn:{place.geonameid}"
    return point_key(place.lat, place.lon, place.name or place.surface)


def point_key(lat: float, lon: float, name: str = "") -> str:
    """A location key for coordinates (and a name) that no gazetteer id names."""
    token = f"{name.casefold()}@{lat:.4f},{lon:.4f}".encode()
    return "pl:" + hashlib.sha1(token).hexdigest()[:12]


def precision_of(place: Place) -> str:
    """The place's precision, derived from its kind when the pipeline left it empty."""
    return place.precision or _KIND_PRECISION.get(place.kind, "point")


def build(extractions: Iterable[Extraction]) -> Frames:
    """All records of all extractions as frames with the columns above."""
    rows: dict[str, list[dict[str, Any]]] = {n: [] for n in
                                             ("places", "events", "deployments", "problems",
                                              "articles")}
    for ex in extractions:
        _collect(ex, rows)
    frames = {
        "places": _frame(rows["places"], PLACE_COLUMNS),
        "events": _dated(_frame(rows["events"], EVENT_COLUMNS)),
        "deployments": _dated(_frame(rows["deployments"], DEPLOYMENT_COLUMNS)),
        "problems": _frame(rows["problems"], PROBLEM_COLUMNS),
        "articles": _frame(rows["articles"], ARTICLE_COLUMNS),
    }
    frames["deployments"]["strength"] = frames["deployments"]["strength"].astype("Int64")
    return Frames(**frames)


def _collect(ex: Extraction, rows: dict[str, list[dict[str, Any]]]) -> None:
    art = ex.article
    by_id = {p.id: p for p in ex.places}
    names = {a.id: a.name for a in ex.actors}
    rows["places"] += [_place_row(art.id, p, by_id, names) for p in ex.places]
    rows["events"] += [
        {**_record_base(art.id, e), **_where(by_id.get(e.place or ""), e.lat, e.lon, by_id),
         "type": e.type, "status": e.status, "summary": e.summary,
         "actors": tuple(names.get(a, a) for a in e.actors), "date": e.date,
         "date_text": e.date_text, "date_precision": e.date_precision,
         "date_qualifier": e.date_qualifier, **_grounding(e)}
        for e in ex.events
    ]
    rows["deployments"] += [
        {**_record_base(art.id, d), **_where(by_id.get(d.place or ""), d.lat, d.lon, by_id),
         "status": d.status, "actors": (names.get(d.actor, d.actor),) if d.actor else (),
         "unit": d.unit, "strength": d.strength, "strength_qualifier": d.strength_qualifier,
         "strength_text": d.strength_text, "date": d.date, **_grounding(d)}
        for d in ex.deployments
    ]
    rows["problems"] += [{"article_id": art.id, "kind": p.kind, "message": p.message,
                          "start": p.start, "end": p.end} for p in ex.problems]
    rows["articles"].append({
        "article_id": art.id, "title": art.title, "source": art.source,
        "published": art.published, "path": art.path, "places": len(ex.places),
        "events": len(ex.events), "deployments": len(ex.deployments),
        "problems": len(ex.problems),
    })


def _grounding(record: Any) -> dict[str, Any]:
    return {"place_basis": record.place_basis, "place_note": record.place_note,
            "date_basis": record.date_basis, "date_note": record.date_note,
            "mentions": record.mentions}


def _record_base(article_id: str, record: Any) -> dict[str, Any]:
    return {"key": record_key(article_id, record.id), "article_id": article_id,
            "id": record.id, "sentence": record.sentence, "start": record.start,
            "end": record.end}


def located(place: Place | None, by_id: dict[str, Place]) -> Place | None:
    """The mention that carries ``place``'s coordinates: itself, or its resolved antecedent.

    "The town" is often left unresolved by itself but points back at a resolved mention.
    """
    seen = set()
    while place is not None and not place.resolved and place.antecedent not in seen:
        seen.add(place.antecedent)
        place = by_id.get(place.antecedent or "")
    return place if place is not None and place.resolved else None


def _where(place: Place | None, lat: float | None, lon: float | None,
           by_id: dict[str, Place]) -> dict[str, Any]:
    """Where a record happened: its literal place, else its own coordinates, else nowhere."""
    spot = located(place, by_id) if place is not None and place.literal else None
    if spot is not None:
        return {"place_name": spot.name or spot.surface, "place_kind": spot.kind,
                "precision": precision_of(spot), "lat": spot.lat, "lon": spot.lon,
                "loc_key": location_key(spot)}
    if lat is not None and lon is not None:
        return {"place_name": "", "place_kind": "", "precision": "point", "lat": lat,
                "lon": lon, "loc_key": point_key(lat, lon)}
    return {"place_name": place.surface if place else "", "place_kind": "", "precision": "",
            "lat": None, "lon": None, "loc_key": None}


def _place_row(article_id: str, p: Place, by_id: dict[str, Place],
               names: dict[str, str]) -> dict[str, Any]:
    spot = located(p, by_id)
    status = ("non-literal" if not p.literal else "resolved" if p.resolved
              else "resolved via antecedent" if spot is not None else "unresolved")
    where = spot or p
    return {
        "key": record_key(article_id, p.id), "article_id": article_id, "id": p.id,
        "surface": p.surface, "name": where.name, "kind": where.kind,
        "country_code": where.country_code, "admin1": where.admin1, "lat": where.lat,
        "lon": where.lon, "precision": precision_of(where) if spot else p.precision,
        "confidence": p.confidence, "literal": p.literal,
        "stands_for": names.get(p.actor or "", p.actor or ""), "status": status,
        "loc_key": location_key(spot) if spot and p.literal else None,
        "geonameid": where.geonameid, "geometry": where.geometry, "bbox": where.bbox,
        "sentence": p.sentence,
        "start": p.start, "end": p.end,
    }


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    return frame


def concat(parts: Iterable[Frames]) -> Frames:
    """Several Frames as one (e.g. the folder's and the uploaded articles')."""
    parts = list(parts)
    if len(parts) == 1:
        return parts[0]
    return Frames(**{name: pd.concat([getattr(p, name) for p in parts], ignore_index=True)
                     for name in ("events", "deployments", "places", "problems", "articles")})


# --- locations ------------------------------------------------------------------------------

LOCATION_COLUMNS = (
    "loc_key", "name", "kind", "precision", "lat", "lon", "geometry", "bbox", "mentions", "surfaces",
    "events", "loose_events", "deployments", "loose_deployments", "strength", "event_key",
    "deployment_key", "event_lines", "deployment_lines", "event_type", "event_status",
    "deployment_status",
)


def locations(frames: Frames, lines: int = 2) -> pd.DataFrame:
    """One row per location: where it is, its mentions, and counts and first lines of records.

    Place rows name a location before event or deployment rows do. ``event_lines`` and
    ``deployment_lines`` are plain text (escape before showing), the earliest first.
    """
    places = _located(frames.places, "surface", "geometry", "bbox")
    events = _located(frames.events, "type", "summary", "place_basis")
    events = events.sort_values("date", kind="stable")
    deployments = _located(frames.deployments, "strength", "actors", "unit", "place_basis")
    deployments = deployments.sort_values("date", kind="stable")
    out = _spots(places, events, deployments)
    key = out["loc_key"]
    # Plain loops over the columns: a groupby with Python lambdas is ten times slower here.
    out["mentions"] = key.map(places["loc_key"].value_counts())
    out["surfaces"] = key.map(_heads(places["loc_key"], places["surface"], None, unique=True))
    out["events"] = key.map(events["loc_key"].value_counts())
    loose = events.loc[events["place_basis"].isin(LOOSE_BASES), "loc_key"]
    out["loose_events"] = key.map(loose.value_counts())
    out["event_key"] = key.map(_first(events)).astype(object).fillna("")
    out["event_type"] = key.map(_commonest(events, "type"))
    out["event_status"] = key.map(_commonest(events, "status"))
    # Lines are written only for the records shown: the first few at each location.
    shown = events.groupby("loc_key", sort=False).head(lines)
    out["event_lines"] = key.map(_heads(shown["loc_key"], _event_lines(shown), lines))
    out["deployments"] = key.map(deployments["loc_key"].value_counts())
    out["strength"] = key.map(deployments.groupby("loc_key")["strength"].sum())
    out["deployment_key"] = key.map(_first(deployments)).astype(object).fillna("")
    out["deployment_status"] = key.map(_commonest(deployments, "status"))
    loose = deployments.loc[deployments["place_basis"].isin(LOOSE_BASES), "loc_key"]
    out["loose_deployments"] = key.map(loose.value_counts())
    shown = deployments.groupby("loc_key", sort=False).head(lines)
    out["deployment_lines"] = key.map(_heads(shown["loc_key"], _deployment_lines(shown), lines))
    return _filled(out)


def _located(frame: pd.DataFrame, *extra: str) -> pd.DataFrame:
    """The located rows, with only the columns a location needs (copying every column of
    every row was most of the cost)."""
    named = ("name", "kind") if "name" in frame else ("place_name", "place_kind", "date",
                                                      "status", "key")
    columns = ["loc_key", *named, "precision", "lat", "lon", *extra]
    return frame.loc[frame["loc_key"].notna(), columns]


def _first(frame: pd.DataFrame) -> pd.Series:
    """The key of the first record at each location."""
    return frame.drop_duplicates("loc_key").set_index("loc_key")["key"]


def _commonest(frame: pd.DataFrame, column: str) -> pd.Series:
    """The most frequent value of ``column`` at each location (the earliest on a tie): what
    colours its marker."""
    counts = frame.groupby(["loc_key", column], sort=False, observed=True).size()
    counts = counts.sort_values(ascending=False, kind="stable").reset_index()
    return counts.drop_duplicates("loc_key").set_index("loc_key")[column]


def _heads(keys: pd.Series, values: pd.Series, limit: int | None,
           unique: bool = False) -> dict[str, tuple]:
    """The first ``limit`` values (all, if None) for each key, in order."""
    found: dict[str, list] = {}
    for key, value in zip(keys.tolist(), values.tolist()):  # see column_lists
        bucket = found.setdefault(key, [])
        if (limit is None or len(bucket) < limit) and not (unique and value in bucket):
            bucket.append(value)
    return {key: tuple(bucket) for key, bucket in found.items()}


def _spots(places: pd.DataFrame, events: pd.DataFrame, deployments: pd.DataFrame) -> pd.DataFrame:
    columns = ["loc_key", "name", "kind", "precision", "lat", "lon", "geometry", "bbox"]
    renamed = {"place_name": "name", "place_kind": "kind"}
    spots = pd.concat([places[columns],
                       events.rename(columns=renamed).assign(geometry=None, bbox=None)[columns],
                       deployments.rename(columns=renamed).assign(geometry=None, bbox=None)[columns]],
                      ignore_index=True)
    spots = spots.drop_duplicates("loc_key", keep="first")
    unnamed = spots["name"].isna() | (spots["name"] == "")
    spots.loc[unnamed, "name"] = [f"{lat:.3f}, {lon:.3f}" for lat, lon in
                                  zip(spots.loc[unnamed, "lat"], spots.loc[unnamed, "lon"])]
    spots["precision"] = spots["precision"].replace("", "point").fillna("point")
    return spots


def _event_lines(events: pd.DataFrame) -> pd.Series:
    lines = [f"{_day(d)} · {t} ({s}): {_short(text, 60)}" for d, t, s, text in
             zip(events["date"], *column_lists(events, "type", "status", "summary"))]
    return pd.Series(lines, index=events.index, dtype=object)


def _deployment_lines(deployments: pd.DataFrame) -> pd.Series:
    lines = [f"{f'{int(n):,} ' if pd.notna(n) else ''}troops of {', '.join(a) or unit} ({s})"
             for n, a, unit, s in zip(deployments["strength"],
                                      *column_lists(deployments, "actors", "unit", "status"))]
    return pd.Series(lines, index=deployments.index, dtype=object)


def column_lists(frame: pd.DataFrame, *columns: str) -> list[list[Any]]:
    """Columns as Python lists (iterating an Arrow-backed column boxes each value slowly)."""
    return [frame[column].tolist() for column in columns]


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if pd.notna(value) else "undated"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _filled(out: pd.DataFrame) -> pd.DataFrame:
    for column in ("mentions", "events", "loose_events", "deployments", "loose_deployments",
                   "strength"):
        out[column] = out[column].fillna(0).astype(int)
    for column in ("surfaces", "event_lines", "deployment_lines"):
        out[column] = out[column].map(lambda v: v if isinstance(v, tuple) else ())
    for column in ("name", "kind", "event_type", "event_status", "deployment_status"):
        out[column] = out[column].astype(object).fillna("")
    # object dtype: pandas 3 would turn None back into NaN in a string column
    out["geometry"] = out["geometry"].astype(object).map(
        lambda g: g if isinstance(g, str) else None)
    out["bbox"] = out["bbox"].astype(object).map(
        lambda b: tuple(b) if isinstance(b, (tuple, list)) and len(b) == 4 else None)
    return out[list(LOCATION_COLUMNS)].reset_index(drop=True)


# --- export ---------------------------------------------------------------------------------

#: A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text: lists joined with "; ", formulas defused, geometry left out."""
    out = frame.drop(columns=["geometry"], errors="ignore").copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_cell)
    return out.to_csv(index=False)


def _cell(value: Any) -> Any:
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], (tuple, list)):
        value = "; ".join("-".join(str(v) for v in span) for span in value)  # spans
    elif isinstance(value, (tuple, list)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_geojson(frames: Frames) -> str:
    """Events, deployments and literal resolved places as one GeoJSON FeatureCollection."""
    features = []
    for record, frame in (("event", frames.events), ("deployment", frames.deployments),
                          ("place", frames.places[frames.places["loc_key"].notna()])):
        features += [_feature(record, row) for row in frame.to_dict("records")
                     if _number(row.get("lat")) is not None and _number(row.get("lon")) is not None]
    return json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=False)


def _feature(record: str, row: dict[str, Any]) -> dict[str, Any]:
    props = {"record": record}
    props.update({k: _jsonable(v) for k, v in row.items()
                  if k not in ("lat", "lon", "geometry")})
    point = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
    return {"type": "Feature", "geometry": point, "properties": props}


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
