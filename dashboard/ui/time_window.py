"""The map's time window: which events and deployments show at a range of dates; no Streamlit.

An event shows on the days its date falls in the window. A deployment is a stretch of time, not
a day: the mentions of one deployment (same actors, unit and location) make *spells* that run
from a dated mention to the last one after it, or to a withdrawal, which ends the spell on its
own date (a later mention starts a new one). A deployment mention shows while its spell
overlaps the window and it was already reported by the window's end, so a unit reported on
the 1st and the 10th stays on the map through the 5th. In the cumulative mode the window
starts at the first date: everything up to a day.

Undated records have no place in time: they show only while the window spans every date.
Places follow the records, as with the sidebar filters.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import pandas as pd

from dashboard.ui.tables import Frames

#: A withdrawal ends a deployment's spell.
ENDING_STATUSES = frozenset({"withdrawal"})
#: Play moves through the span in about this many steps, whatever its length.
PLAY_STEPS = 40
#: Above this many days the chart counts per week, above the second per month, above the
#: third per year: at most about 200 bars per group, whatever the span (each bar costs the
#: browser's chart time at every load and filter change).
DAILY_DAYS = 200
WEEKLY_DAYS = 4 * 365
MONTHLY_DAYS = 16 * 365
OTHER = "(other)"
NO_ACTOR = "(no actor)"
DEPLOYMENT = "deployment"


@dataclass(frozen=True, slots=True)
class Span:
    """The first and the last date of the dated records."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class Window:
    """The dates shown: ``start``..``end`` inclusive; ``cumulative`` ignores ``start``."""

    start: dt.date
    end: dt.date
    cumulative: bool = False

    @property
    def first_day(self) -> dt.date | None:
        """The first day shown, None for "from the beginning"."""
        return None if self.cumulative else self.start

    @property
    def width(self) -> dt.timedelta:
        return self.end - self.start

    def covers(self, span: Span) -> bool:
        """Whether every dated record of ``span`` is inside: the window narrows nothing."""
        return self.end >= span.last and (self.cumulative or self.start <= span.first)

    def label(self) -> str:
        if self.cumulative:
            return f"up to {self.end.isoformat()}"
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def span(frames: Frames) -> Span | None:
    """The dates of the events and deployments, or None when nothing is dated."""
    dates = pd.concat([frames.events["date"], frames.deployments["date"]]).dropna()
    if dates.empty:
        return None
    return Span(dates.min().date(), dates.max().date())


def everything(whole: Span, cumulative: bool = False) -> Window:
    return Window(whole.first, whole.last, cumulative)


def clamp(window: Window, whole: Span) -> Window:
    """The window moved inside the span (the data changed under it), its order kept."""
    start = min(max(window.start, whole.first), whole.last)
    end = min(max(window.end, whole.first), whole.last)
    return replace(window, start=min(start, end), end=max(start, end))


def step(whole: Span) -> dt.timedelta:
    """How far one play step moves: a day, or more for long spans."""
    return dt.timedelta(days=max(1, math.ceil(whole.days / PLAY_STEPS)))


def advance(window: Window, whole: Span, by: dt.timedelta | None = None) -> Window | None:
    """The next window of a play (the end moves on, and the start with it unless cumulative),
    or None once the window has reached the last date."""
    if window.end >= whole.last:
        return None
    by = by or step(whole)
    end = min(window.end + by, whole.last)
    start = window.start if window.cumulative else end - window.width
    return replace(window, start=start, end=end)


def rewound(window: Window, whole: Span) -> Window:
    """The window moved back to the first date, its width kept: where a play starts over."""
    end = min(whole.first + (dt.timedelta(0) if window.cumulative else window.width),
              whole.last)
    return replace(window, start=whole.first, end=end)


def apply(frames: Frames, window: Window, whole: Span | None) -> Frames:
    """The frames as of ``window``: events dated inside it, deployments whose spell overlaps
    it (see the module's docstring), and the places where those happened."""
    if whole is None or window.covers(whole):
        return frames
    low = pd.Timestamp(window.first_day) if window.first_day else None
    high = pd.Timestamp(window.end)
    dates = frames.events["date"]
    inside = dates.notna() & (dates <= high)
    if low is not None:
        inside &= dates >= low
    events = frames.events[inside]
    deployments = frames.deployments[_deployments_shown(frames.deployments, low, high)]
    kept = set(events["loc_key"].dropna()) | set(deployments["loc_key"].dropna())
    places = frames.places[frames.places["loc_key"].isin(kept)]
    return replace(frames, events=events, deployments=deployments, places=places)


def _deployments_shown(deployments: pd.DataFrame, low: pd.Timestamp | None,
                       high: pd.Timestamp) -> pd.Series:
    dates = deployments["date"]
    shown = dates.notna() & (dates <= high)
    if low is not None:
        shown &= spell_ends(deployments) >= low
    return shown


def deployment_identity(deployments: pd.DataFrame) -> pd.Series:
    """Which deployment each mention is of: its actors, unit and location, as one string."""
    actors = deployments["actors"].map(lambda names: "|".join(sorted(names)))
    unit = deployments["unit"].fillna("").astype(str).str.casefold().str.strip()
    return actors + "\x1f" + unit + "\x1f" + deployments["loc_key"].fillna("").astype(str)


def spell_ends(deployments: pd.DataFrame) -> pd.Series:
    """For each dated deployment mention, the last day of its spell (NaT when undated)."""
    ends = pd.Series(pd.NaT, index=deployments.index, dtype="datetime64[ns]")
    dated = deployments[deployments["date"].notna()]
    if dated.empty:
        return ends
    order = dated.assign(_who=deployment_identity(dated)).sort_values(
        ["_who", "date"], kind="stable")
    rows = list(zip(order.index, order["_who"], order["date"], order["status"]))
    spell: list = []
    for position, (index, who, date, status) in enumerate(rows):
        spell.append(index)
        following = rows[position + 1] if position + 1 < len(rows) else None
        if status in ENDING_STATUSES or following is None or following[1] != who:
            ends[spell] = date
            spell = []
    return ends


def per_day(frames: Frames, by: str = "type", top: int = 8) -> tuple[pd.DataFrame, str]:
    """Dated events and deployment mentions counted per day (per week, month or year over
    long spans) and per ``by`` ("type" or "actor"; the ``top`` most frequent, the rest pooled), and
    the period counted ("day", "week", "month" or "year"). Columns: date, group, records."""
    events = frames.events[frames.events["date"].notna()]
    deployments = frames.deployments[frames.deployments["date"].notna()]
    if by == "actor":
        groups = pd.concat([events["actors"], deployments["actors"]]).map(
            lambda names: list(names) or [NO_ACTOR])
    else:
        groups = pd.concat([events["type"], pd.Series(DEPLOYMENT, index=deployments.index)])
    rows = pd.DataFrame({"date": pd.concat([events["date"], deployments["date"]]).to_numpy(),
                         "group": groups.to_numpy()}).explode("group")
    if rows.empty:
        return pd.DataFrame(columns=["date", "group", "records"]), "day"
    common = rows["group"].value_counts().index[:top]
    rows.loc[~rows["group"].isin(common), "group"] = OTHER
    days = (rows["date"].max() - rows["date"].min()).days + 1
    period = ("year" if days > MONTHLY_DAYS else "month" if days > WEEKLY_DAYS
              else "week" if days > DAILY_DAYS else "day")
    rows["date"] = (rows["date"].dt.normalize() if period == "day" else
                    rows["date"].dt.to_period(period[0].upper()).dt.start_time)
    counted = rows.groupby(["date", "group"], as_index=False).size()
    # Milliseconds: a chart reading seconds from Arrow as milliseconds puts every day at 1970.
    counted["date"] = counted["date"].astype("datetime64[ms]")
    return counted.rename(columns={"size": "records"}), period


#: How a period is named in the chart's tooltip.
PERIOD_LABELS = {"day": "%Y-%m-%d", "week": "week of %Y-%m-%d", "month": "%B %Y",
                 "year": "%Y"}


def stacked(counts: pd.DataFrame, period: str) -> pd.DataFrame:
    """The bars of :func:`per_day`'s counts, laid out for drawing: each period's groups
    stacked (``bottom`` to ``top``, groups in name order) from the period's first day
    (``date``) to the next period's (``end``), with the period in words (``label``).

    The chart draws these as they are: left to the browser, binning, summing and stacking
    a few thousand rows took most of the chart's half second there."""
    if counts.empty:
        return counts.assign(end=counts["date"], bottom=0, top=0, label="")
    bars = counts.sort_values(["date", "group"], kind="stable").reset_index(drop=True)
    start = bars["date"].astype("datetime64[ms]")
    following = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1),
                 "month": pd.DateOffset(months=1), "year": pd.DateOffset(years=1)}[period]
    top = bars.groupby("date")["records"].cumsum()
    return bars.assign(date=start, end=(start + following).astype("datetime64[ms]"),
                       bottom=top - bars["records"], top=top,
                       label=start.dt.strftime(PERIOD_LABELS[period]))
