"""A minimal Streamlit client over the app's websocket, as a browser tab speaks to the server.

A :class:`Session` opens ``ws://HOST:PORT/_stcore/stream`` (a real session on a running
``streamlit run`` server), asks for a script run exactly as the browser does (a ``BackMsg``
``rerun_script`` with the URL's query string and the widgets' values), reads the server's
``ForwardMsg`` stream until ``script_finished`` and times it. Widget ids are learned from the
elements the server sends (ids end with the widget's key), so a filter change is the same
message a browser sends when a multiselect changes; a map event sets the map component's value
and reruns only its fragment, as streamlit-folium does. Nothing is rendered: what is timed is
the server's work and its messages, not a browser's.

:func:`launch` starts that server. Only for benchmarks (``bench_dataset.py``,
``bench_folder_start.py``); needs ``websockets``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: The component whose value is the map's state (zoom, bounds, the clicked tooltip).
MAP_COMPONENT = "st_folium"



def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch(repo: Path, env: dict[str, str], log: Path, unset: tuple[str, ...] = (),
           pause: float = 0.3) -> tuple[subprocess.Popen, int]:
    """``streamlit run dashboard/app.py`` of the checkout ``repo`` with ``env`` added to this
    process's environment (and the variables ``unset`` left out), on a free port of 127.0.0.1,
    its output in ``log``; returns once ``/_stcore/health`` answers (the server and its port)."""
    port = free_port()
    env = {name: value for name, value in {**os.environ, **env}.items() if name not in unset}
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(repo / "dashboard" / "app.py"),
             "--server.headless", "true", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=repo, env=env,
            stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited:\n{log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as answer:
                if answer.read() == b"ok":
                    return server, port
        except OSError:
            time.sleep(pause)
    server.terminate()
    raise RuntimeError("streamlit did not answer /_stcore/health in 120 s")

@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    received: int  # bytes of ForwardMsgs
    exceptions: tuple[str, ...]
    texts: tuple[str, ...]  # the Markdown and captions shown


@dataclass
class Session:
    """One browser-like session on a running server (use with ``async with``)."""

    url: str
    query: str = ""
    ids: dict[str, str] = field(default_factory=dict)  # widget key -> widget id
    kinds: dict[str, str] = field(default_factory=dict)  # widget key -> value type
    values: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> state
    map_id: str = ""
    map_fragment: str = ""
    _ws: Any = None

    async def __aenter__(self) -> Session:
        self._ws = await websockets.connect(self.url, subprotocols=["streamlit"],
                                            max_size=None, open_timeout=60)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def run(self, fragment: str = "") -> Run:
        """Ask for a script run (of one fragment if given) with the widgets' values."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = ""
        msg.rerun_script.widget_states.widgets.extend(self.values.values())
        if fragment:
            msg.rerun_script.fragment_id = fragment
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        received, errors, texts = 0, [], []
        while True:
            data = await self._ws.recv()
            received += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._learn(forward, errors, texts)
            elif kind == "script_finished":
                return Run(time.perf_counter() - started, received, tuple(errors), tuple(texts))

    def _learn(self, forward: ForwardMsg, errors: list[str], texts: list[str]) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            errors.append(element.exception.message)
            return
        if kind == "markdown":
            texts.append(element.markdown.body)
        widget = getattr(element, kind)
        wid = getattr(widget, "id", "")
        if not wid:
            return
        if kind == "component_instance" and MAP_COMPONENT in widget.component_name:
            self.map_id, self.map_fragment = wid, delta.fragment_id
        elif "-" in wid:
            self.ids[wid.rsplit("-", 1)[1]] = wid
            self.kinds[wid.rsplit("-", 1)[1]] = kind

    def set(self, key: str, value: Any) -> None:
        """Give the widget with user key ``key`` a value (a list for a multiselect, a pair of
        ISO dates for a date range, a bool for a toggle)."""
        state = WidgetState(id=self.ids[key])
        if isinstance(value, bool):
            state.bool_value = value
        else:
            state.string_array_value.data.extend(str(v) for v in value)
        self.values[state.id] = state

    def set_map(self, value: dict[str, Any]) -> None:
        """The map component's value, as streamlit-folium reports a pan, a zoom or a click."""
        self.values[self.map_id] = WidgetState(id=self.map_id, json_value=json.dumps(value))


def map_state(zoom: int, south: float, west: float, north: float, east: float,
              tooltip: str | None = None) -> dict[str, Any]:
    """The value streamlit-folium returns for a map view (and a clicked tooltip)."""
    return {"zoom": zoom, "last_object_clicked_tooltip": tooltip,
            "bounds": {"_southWest": {"lat": south, "lng": west},
                       "_northEast": {"lat": north, "lng": east}}}
