"""The progress line: counts, rate, ETA; redrawn on a terminal, plain lines into a file."""

from __future__ import annotations

import io

from dashboard.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_has_count_share_rate_and_eta():
    clock = Clock()
    bar = Progress(2000, stream=io.StringIO(), clock=clock)
    clock.now += 10
    bar(120)
    assert bar.line(clock.now) == "extract  120/2,000 articles    6%  12.0/s  ETA 2:37"


def test_progress_into_a_file_prints_plain_lines_every_few_seconds():
    clock, out = Clock(), io.StringIO()
    bar = Progress(10, stream=out, every=5.0, clock=clock)
    for _ in range(10):
        clock.now += 1
        bar(1)
    bar.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and len(lines) == 3
    assert lines[-1] == "extract  10/10 articles  100%  1.0/s  in 0:10"


def test_progress_on_a_terminal_redraws_one_line():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    clock, out = Clock(), Terminal()
    bar = Progress(3, stream=out, clock=clock)
    for _ in range(3):
        clock.now += 1
        bar(1)
    bar.close()
    assert out.getvalue().count("\r") == 4 and out.getvalue().endswith("\n")
