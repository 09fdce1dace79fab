"""Benchmark (not a test): `gdsheet solve` whole-process time against the solve itself, at 712 rows (the course's
linear Titanic model, resources/examples/titanic.xlsx sheet `linear`), side by side in one run.

Overhead = the process's wall time minus the solve's own `seconds` (its JSON line): Python's start, imports, reading
the file, any recalculation, compiling, writing the result. Run on the example as committed (no cached values, so
everything must be calculated) and on a copy saved as Excel saves one (current cached values, no full recalculation
asked on open: nothing is recalculated), next to a bare `python -c pass` for the interpreter's own start. Goal
(issue 13): overhead under 2 s.

    python benchmarks/bench_solve_overhead.py [--sheet linear] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "examples" / "titanic.xlsx"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: list[str]) -> tuple[float, float, dict | None]:
    """Wall and CPU seconds of one child process, and its last output line as JSON."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t, c = time.perf_counter(), _children_cpu()
    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=True, env=env)
    wall, cpu = time.perf_counter() - t, _children_cpu() - c
    lines = out.stdout.strip().splitlines()
    return wall, cpu, json.loads(lines[-1]) if lines else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sheet", default="linear")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the one with the least CPU is reported")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cached = Path(tmp) / "titanic_cached.xlsx"
        _run(["-c", f"from gdsheet.io import load_workbook, save_workbook; wb = load_workbook({str(EXAMPLE)!r}); "
                    f"wb.recalculate(); wb.calc.full_calc_on_load = False; save_workbook(wb, {str(cached)!r})"])
        rows = {"python -c pass": [], "solve (no cached values)": [], "solve (cached values)": []}
        objectives = {}
        for _ in range(args.repeat):  # interleaved, so that the neighbours' load falls on every side alike
            wall, cpu, _ = _run(["-c", "pass"])
            rows["python -c pass"].append((cpu, wall, 0.0))
            for name, book in (("solve (no cached values)", EXAMPLE), ("solve (cached values)", cached)):
                wall, cpu, result = _run(["-m", "gdsheet.cli", "solve", str(book), "--sheet", args.sheet])
                rows[name].append((cpu, wall, result["seconds"]))
                objectives[name] = result["objective"]
    # CPU seconds as well as wall: on a shared machine the wall clock also measures the neighbours. The solve's
    # own seconds are wall seconds (single-threaded here, so close to its CPU seconds).
    print(f"{'':28}{'wall s':>8}{'cpu s':>8}{'solve s':>9}{'overhead wall':>15}{'overhead cpu':>14}  objective")
    for name, runs in rows.items():
        cpu, wall, solve = min(runs)
        print(f"{name:28}{wall:8.2f}{cpu:8.2f}{solve:9.3f}{wall - solve:15.2f}{cpu - solve:14.2f}  "
              f"{objectives.get(name, '')}")


if __name__ == "__main__":
    main()
