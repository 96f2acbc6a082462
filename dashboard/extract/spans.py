"""Records with offsets, looked up by position in O(log n) (huge articles stay linear)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class ByStart(Generic[T]):
    """Items sorted by their start offset; ``within(lo, hi)`` lists those starting in [lo, hi)."""

    __slots__ = ("items", "starts")

    def __init__(self, items: Sequence[T], start: Callable[[T], int]) -> None:
        self.items = sorted(items, key=start)
        self.starts = [start(item) for item in self.items]

    def within(self, lo: int, hi: int) -> list[T]:
        starts = self.starts
        return self.items[_bisect_left(starts, lo):_bisect_left(starts, hi)]


def extended(spans: list, more: list) -> list:
    """``spans`` with ``more`` added in place: a record repeated thousands of times in a huge
    article would make copying its evidence spans at each repeat quadratic."""
    spans.extend(more)
    return spans


_bisect_left = bisect.bisect_left  # a global name: one lookup, not a module attribute too
