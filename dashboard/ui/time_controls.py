"""Time on the page: the window slider with play, and the chart of records per day linked to it.

The window itself is :mod:`dashboard.ui.time_window`'s; this module only draws its widgets
and keeps their state. Anything that moves the window from outside its slider (a play step,
a range brushed on the chart) leaves the new window in ``nm_time_goto``, and the next full
run puts it in the slider before drawing it (Streamlit forbids changing a drawn widget).

Test hooks: the section is the container ``st-key-nm-time``; the slider's label is "Dates
shown" (window mode) or "Up to" (cumulative mode); the play button's key is ``nm_time_play``;
the chart's is ``nm_time_chart``, in the fixed-height container ``st-key-nm-time-chart``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.ui import time_window as tw
from dashboard.ui import views
from dashboard.ui.tables import Frames

MODES = ("Window", "Cumulative")
#: Seconds between two play steps (each one reruns the page).
PLAY_SECONDS = 1.5
RANGE, UPTO, MODE, PLAYING, GOTO, SPAN = ("nm_time_range", "nm_time_upto", "nm_time_mode",
                                          "nm_time_playing", "nm_time_goto", "nm_time_span")


def time_section(filtered: Frames, bars: Callable[[str], tuple[pd.DataFrame, str]] | None = None
                 ) -> tuple[tw.Window | None, Callable[[], None]]:
    """The time controls above the map; returns the window chosen (None when nothing is
    dated, or everything is on one day) and a function that draws the chart in its place.

    Call that function after drawing the map: the chart, after the map the page's costliest
    element for the browser, then reaches the browser after the map does; on a session's
    first load it waits until the map is painted (``views.after_map``), its place held.
    ``bars(by)`` gives the chart's bars (:func:`chart_bars` of the same frames; the app
    passes a cached one)."""
    whole = tw.span(filtered)
    with views.boundary("time"), st.container(key="nm-time"):
        if whole is None or whole.days < 2:
            st.session_state[PLAYING] = False
            return None, _nothing
        _prepare_state(whole)
        window = _controls(whole)
        place = st.empty()
        waiting = not views.map_drawn()
        if waiting:  # held before the map is sent, so the map does not move
            with place.container(height=CHART_BLOCK_PX, border=False):
                views.after_map("chart")
        _player(window, whole)
        return window, functools.partial(_chart_in, place, filtered, window, whole,
                                         bars or functools.partial(chart_bars, filtered),
                                         waiting)
    return None, _nothing  # the boundary caught an error: show every date


def _nothing() -> None:
    return None


#: The chart's block on the page (pixels: the "Count by" choice, a gap and the 140 px bars,
#: measured in Chromium), held for it while it waits for the map and while Vega loads: the
#: map does not move when the chart comes.
CHART_BLOCK_PX = 188


def _chart_in(place, filtered: Frames, window: tw.Window, whole: tw.Span, bars,
              waiting: bool = False) -> None:
    """The chart in its place, unless it waits for the map (``waiting``, and the map has not
    failed since)."""
    if waiting and not views.map_drawn():
        return
    with (views.boundary("time", replace=False, area=place),
          place.container(height=CHART_BLOCK_PX, border=False, key="nm-time-chart")):
        _chart(window, whole, bars)


def _prepare_state(whole: tw.Span) -> None:
    """Valid slider state before the sliders are drawn: a pending window first, then the
    data's span followed (a window that showed everything keeps showing everything)."""
    state = st.session_state
    old = state.get(SPAN)
    state[SPAN] = whole
    if RANGE not in state or (old is not None and old != whole
                              and tuple(state[RANGE]) == (old.first, old.last)):
        state[RANGE] = (whole.first, whole.last)
    if UPTO not in state or (old is not None and old != whole and state[UPTO] == old.last):
        state[UPTO] = whole.last
    goto = state.pop(GOTO, None)
    if goto is not None:
        state[MODE] = MODES[goto.cumulative]
        if goto.cumulative:
            state[UPTO] = goto.end
        else:
            state[RANGE] = (goto.start, goto.end)
    start, end = (min(max(day, whole.first), whole.last) for day in state[RANGE])
    state[RANGE] = (min(start, end), max(start, end))
    state[UPTO] = min(max(state[UPTO], whole.first), whole.last)


def _controls(whole: tw.Span) -> tw.Window:
    mode_col, play_col, slider_col = st.columns([1.3, 0.7, 5], vertical_alignment="bottom")
    mode = mode_col.radio("Time", MODES, key=MODE, horizontal=False,
                          help="Window: the dates between the two handles. Cumulative: "
                               "everything up to the handle.")
    cumulative = mode == MODES[1]
    day = dt.timedelta(days=1)
    with slider_col:
        if cumulative:
            end = st.slider("Up to", whole.first, whole.last, key=UPTO, step=day,
                            format="YYYY-MM-DD")
            window = tw.Window(whole.first, end, cumulative=True)
        else:
            start, end = st.slider("Dates shown", whole.first, whole.last, key=RANGE,
                                   step=day, format="YYYY-MM-DD")
            window = tw.Window(start, end)
    playing = st.session_state.get(PLAYING, False)
    play_col.button("Pause" if playing else "Play", key="nm_time_play",
                    icon=":material/pause:" if playing else ":material/play_arrow:",
                    on_click=_toggle_play, args=(window, whole),
                    help=f"Move the window on by {tw.step(whole).days} day(s) every "
                         f"{PLAY_SECONDS:g} s")
    covers = window.covers(whole)
    st.caption(f"Showing {'every date' if covers else window.label()}"
               + ("" if covers else " · undated records are hidden while the window narrows")
               + " · a deployment stays on the map from its first to its last report, or "
                 "until a withdrawal · drag across the chart to pick dates.")
    return window


def _toggle_play(window: tw.Window, whole: tw.Span) -> None:
    """Start or stop the play; a play started at the end starts over from the first date."""
    playing = not st.session_state.get(PLAYING, False)
    st.session_state[PLAYING] = playing
    if playing and window.end >= whole.last:
        st.session_state[GOTO] = tw.rewound(window, whole)


def _player(window: tw.Window, whole: tw.Span) -> None:
    """While playing, a fragment that moves the window on a step at a time, each step a full
    rerun (the map and the tables follow); the play stops at the last date."""
    if not st.session_state.get(PLAYING):
        return
    inline = [True]  # the fragment's first call is part of this run: no step then

    @st.fragment(run_every=PLAY_SECONDS)
    def step() -> None:
        if inline:
            inline.clear()
            return
        following = tw.advance(window, whole)
        if following is None:
            st.session_state[PLAYING] = False
        else:
            st.session_state[GOTO] = following
        st.rerun(scope="app")

    step()


# --- the chart ----------------------------------------------------------------------------

BY = {"Event type": "type", "Actor": "actor"}


def chart_bars(filtered: Frames, by: str) -> tuple[pd.DataFrame, str]:
    """The chart's bars (``time_window.stacked``) counted by ``by`` ("type" or "actor"),
    and the period each bar counts."""
    counts, period = tw.per_day(filtered, by)
    return tw.stacked(counts, period), period


def _chart(window: tw.Window, whole: tw.Span, bars) -> None:
    """Records per day (week, month or year), stacked by type or actor, the window shaded;
    a range brushed on the chart becomes the window."""
    by = st.segmented_control("Count by", list(BY), key="nm_time_by", default="Event type",
                              label_visibility="collapsed") or "Event type"
    stacked, period = bars(BY[by])
    if stacked.empty:
        return
    brush = alt.selection_interval(name="brush", encodings=["x"])
    utc = alt.Scale(type="utc")
    # Binned, summed and stacked here (tw.stacked): the browser only draws the bars.
    drawn = alt.Chart(stacked).mark_bar().encode(
        x=alt.X("date:T", title=None, scale=utc), x2="end:T",
        y=alt.Y("bottom:Q", title=f"records per {period}"), y2="top:Q",
        color=alt.Color("group:N", title=by.lower()),
        tooltip=[alt.Tooltip("label:N", title=period),
                 alt.Tooltip("group:N", title=by.lower()), alt.Tooltip("records:Q")],
    ).add_params(brush)
    shown = pd.DataFrame({"start": [pd.Timestamp(window.first_day or whole.first)],
                          "end": [pd.Timestamp(window.end) + pd.Timedelta(days=1)]},
                         dtype="datetime64[ms]")
    shade = alt.Chart(shown).mark_rect(opacity=0.12, color="#333").encode(
        x=alt.X("start:T", scale=utc), x2="end:T")
    st.altair_chart((shade + drawn).properties(height=140), key="nm_time_chart",
                    on_select=_chart_picked, selection_mode=["brush"], width="stretch")


def _chart_picked() -> None:
    """A range brushed on the chart becomes the window (a callback: runs before the page)."""
    picked = st.session_state.get("nm_time_chart")
    brush = ((picked or {}).get("selection") or {}).get("brush") or {}
    ends = next((value for value in brush.values() if isinstance(value, list)), None)
    if not ends or len(ends) < 2:
        return
    start, end = (_moment(value) for value in ends[:2])
    if end > start and end == end.normalize():  # up to midnight: the day before is the last
        end -= pd.Timedelta(milliseconds=1)
    start, end = start.date(), max(start, end).date()
    cumulative = st.session_state.get(MODE) == MODES[1]
    first = st.session_state[SPAN].first if SPAN in st.session_state else start
    st.session_state[GOTO] = tw.Window(first if cumulative else start, end, cumulative)
    st.session_state[PLAYING] = False


def _moment(value) -> pd.Timestamp:
    """A chart value (epoch milliseconds, or a date text) as a time."""
    if isinstance(value, (int, float)):
        return pd.Timestamp(value, unit="ms")
    return pd.Timestamp(str(value)).tz_localize(None)
