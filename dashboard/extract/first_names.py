"""Common given names, read from the ``names`` package (the US Census 1990 name lists).

A capitalised word right after a given name ("Peter Hollis") is a surname, and a given name
alone ("Peter said") a person, whatever town somewhere shares the word. The lists are public
data shipped by a package, not a list written here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_FILES = ("dist.male.first", "dist.female.first")


@lru_cache(maxsize=4)
def first_names(min_share: float = 0.0) -> frozenset[str]:
    """Lower-cased given names held by at least ``min_share`` per cent of people (the lists'
    second column): the rarest ("Paris", "Madison") are as often places as people, so a rule
    picks its own bar. Empty when the ``names`` package is missing (the rules then never fire)."""
    try:
        folder = resources.files("names")
    except ModuleNotFoundError:
        return frozenset()
    found: set[str] = set()
    for filename in _FILES:
        try:
            lines = (folder / filename).read_text(encoding="ascii").splitlines()
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and float(parts[1]) >= min_share:
                found.add(parts[0].lower())
    return frozenset(found)
