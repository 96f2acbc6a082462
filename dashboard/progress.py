"""A progress line for long runs: done/total, rate and ETA, on stderr.

On a terminal the line is redrawn in place (at most ten times a second); into a file or a pipe
it prints a plain line every ``every`` seconds and at the end, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Callable


class Progress:
    """Call it with the number of articles just finished; ``close()`` when done."""

    def __init__(self, total: int, *, label: str = "extract", stream: IO[str] | None = None,
                 every: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = 0.1 if self.tty else every
        self.clock = clock
        self.started = self.last = clock()

    def __call__(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self._show(now)

    def close(self) -> None:
        self._show(self.clock())
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def line(self, now: float) -> str:
        """``extract  120/2,000 articles   6%  35.1/s  ETA 0:53``"""
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else None
        share = 100 * self.done / self.total if self.total else 100
        eta = "ETA --:--" if left is None else f"ETA {_clock(left)}"
        if self.done >= self.total:
            eta = f"in {_clock(elapsed)}"
        return (f"{self.label}  {self.done:,}/{self.total:,} articles  {share:3.0f}%  "
                f"{rate:.1f}/s  {eta}")

    def _show(self, now: float) -> None:
        text = self.line(now)
        self.stream.write(f"\r{text}\x1b[K" if self.tty else text + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
