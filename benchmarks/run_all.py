"""Run every benchmark in benchmarks/ that exists, one after another, and print their figures.

    python benchmarks/run_all.py            # full sizes (tens of minutes on 2 cores)
    python benchmarks/run_all.py --quick    # a smoke run of each benchmark
    python benchmarks/run_all.py --only extract --out bench.md
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: In this order: the gazetteer under extraction, extraction under the dashboard.
BENCHMARKS = ("gazetteer", "extract", "engine", "crossref", "dashboard")


def accepts_quick(script: Path) -> bool:
    """Whether the benchmark has a ``--quick`` option (each may or may not)."""
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True)
    return done.returncode == 0 and "--quick" in done.stdout


def run_one(name: str, quick: bool, out) -> int:
    """Run ``bench_<name>.py``, echoing its report; the exit code, or 0 when it is absent."""
    script = HERE / f"bench_{name}.py"
    if not script.exists():
        print(f"(bench_{name}.py is not there yet: skipped)\n", file=sys.stderr)
        return 0
    argv = [sys.executable, str(script)] + (["--quick"] if quick and accepts_quick(script) else [])
    t0 = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    print(done.stdout, end="" if done.stdout.endswith("\n") else "\n")
    if out:
        out.write(done.stdout + "\n")
    status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    print(f"(bench_{name}: {status} in {time.perf_counter() - t0:.0f} s)\n", file=sys.stderr)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick where supported")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--out", type=Path, help="also write the reports to this file")
    args = parser.parse_args(argv)
    out = args.out.open("w", encoding="utf-8") if args.out else None
    try:
        failed = [name for name in args.only if run_one(name, args.quick, out) != 0]
    finally:
        if out:
            out.close()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
