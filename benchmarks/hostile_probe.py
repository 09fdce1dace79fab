"""Run every hostile case of tests/hostile through gdsheet calc, gdsheet solve and the app's load path, each in a
subprocess under a 2 GB memory cap, and print time, peak memory and outcome: tracebacks, hangs and runs over the cap
should all be 0.

    python benchmarks/hostile_probe.py [--pythonpath DIR] [--timeout S] [CASE ...]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))
from hostile_cases import CASES, REPO, run_case  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--pythonpath", default=str(REPO), help="the gdsheet checkout to probe")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--slow", action="store_true", help="include the slow cases")
    p.add_argument("cases", nargs="*")
    args = p.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            if (args.cases and case.name not in args.cases) or (case.slow and not args.slow and not args.cases):
                continue
            for mode in case.modes:
                o = run_case(case, mode, Path(folder), args.timeout, Path(args.pythonpath))
                line = (o.stderr.strip().splitlines() or [""])[-1][:110]
                if mode == "calc" and o.rc == 0:
                    line = o.stdout.strip()[:110]
                if mode == "app" and o.rc == 0:
                    line = (o.stdout.strip().splitlines() or [""])[-1][:110]
                flags = ("TRACEBACK " if o.traceback else "") + ("HANG " if o.hung else "") + \
                        ("OVER-2GB " if o.peak_mb > 2048 or "MemoryError" in o.stderr else "")
                bad += bool(flags)
                print(f"{case.name:34} {mode:5} rc={str(o.rc):4} {o.seconds:7.2f}s {o.peak_mb:7.0f}MB {flags}{line}",
                      flush=True)
    print(f"{bad} bad runs")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
