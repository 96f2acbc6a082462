"""News reports to a map an analyst can interrogate: places, actors, dated events, troop deployments."""

__version__ = "0.1.0"
