"""Benchmark (not a test): `gdsheet solve` whole-process time against the solve itself, at 712 rows (the course's
linear Titanic model, resources/examples/titanic.xlsx sheet `linear`), side by side in one run.

Overhead = the process's wall time minus the solve's own `seconds` (its JSON line): Python's start, imports, reading
the file, any recalculation, compiling, writing the result. Run on the example as committed (no cached values, so
everything must be calculated) and on a copy saved as Excel saves one (current cached values, no full recalculation
asked on open: nothing is recalculated), next to a bare `python -c pass` for the interpreter's own start. Goal
(issue 13): overhead under 2 s.

With --baseline DIR (another gdsheet source tree, e.g. `git archive OLD | tar -x -C DIR`) the same solves run with
that tree's code too, interleaved with this one's, so that before and after are measured side by side in one run.
The children may write bytecode (__pycache__) as an installed package has it, whatever PYTHONDONTWRITEBYTECODE says
here: otherwise every run would compile gdsheet's modules anew (0.3 s) and measure that instead; a first untimed run
of each tree writes it.

    python benchmarks/bench_solve_overhead.py [--sheet linear] [--repeat 3] [--baseline DIR]
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


def _run(argv: list[str], root: Path = ROOT) -> tuple[float, float, dict | None]:
    """Wall and CPU seconds of one child process running `root`'s gdsheet, and its last output line as JSON."""
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t, c = time.perf_counter(), _children_cpu()
    # in root: `python -m` puts the working folder first on the path, ahead of PYTHONPATH
    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=True, env=env, cwd=root)
    wall, cpu = time.perf_counter() - t, _children_cpu() - c
    lines = out.stdout.strip().splitlines()
    return wall, cpu, json.loads(lines[-1]) if lines else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sheet", default="linear")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the one with the least CPU is reported")
    ap.add_argument("--baseline", type=Path, help="another gdsheet source tree to measure side by side")
    args = ap.parse_args()
    trees = {"": ROOT} if args.baseline is None else {"": ROOT, "before: ": args.baseline.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        cached = Path(tmp) / "titanic_cached.xlsx"
        _run(["-c", f"from gdsheet.io import load_workbook, save_workbook; wb = load_workbook({str(EXAMPLE)!r}); "
                    f"wb.recalculate(); wb.calc.full_calc_on_load = False; save_workbook(wb, {str(cached)!r})"])
        books = (("solve (no cached values)", EXAMPLE), ("solve (cached values)", cached))
        solve = ["-m", "gdsheet.cli", "solve", "BOOK", "--sheet", args.sheet]
        for root in trees.values():  # untimed: writes each tree's bytecode
            _run([str(cached) if a == "BOOK" else a for a in solve], root)
        rows: dict[str, list] = {"python -c pass": []}
        objectives = {}
        for _ in range(args.repeat):  # interleaved, so that the neighbours' load falls on every side alike
            wall, cpu, _ = _run(["-c", "pass"])
            rows["python -c pass"].append((cpu, wall, 0.0))
            for label, root in trees.items():
                for name, book in books:
                    wall, cpu, result = _run([str(book) if a == "BOOK" else a for a in solve], root)
                    rows.setdefault(label + name, []).append((cpu, wall, result["seconds"]))
                    objectives[label + name] = result["objective"]
    # CPU seconds as well as wall: on a shared machine the wall clock also measures the neighbours. The solve's
    # own seconds are wall seconds (single-threaded here, so close to its CPU seconds).
    print(f"{'':36}{'wall s':>8}{'cpu s':>8}{'solve s':>9}{'overhead wall':>15}{'overhead cpu':>14}  objective")
    for name, runs in rows.items():
        cpu, wall, solve = min(runs)
        print(f"{name:36}{wall:8.2f}{cpu:8.2f}{solve:9.3f}{wall - solve:15.2f}{cpu - solve:14.2f}  "
              f"{objectives.get(name, '')}")


if __name__ == "__main__":
    main()
