"""Command line: ``python -m dashboard extract PATH...``, ``… evaluate GOLD...`` and
``… build-geodata``."""

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
    return top


def _build_geodata(args: argparse.Namespace) -> int:
    from dashboard import gazetteer_build

    path = gazetteer_build.build(Path(args.output) if args.output else None)
    print(f"gazetteer index written to {path}")
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
