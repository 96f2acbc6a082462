"""The one exception hierarchy of the package."""

from __future__ import annotations


class DashboardError(Exception):
    """Base of every error this package raises on purpose."""


class ArticleFormatError(DashboardError, ValueError):
    """An article file cannot be read as text (binary, undecodable, unreadable)."""


class GazetteerError(DashboardError, RuntimeError):
    """The gazetteer index is missing or corrupt; the message says how to rebuild it."""
