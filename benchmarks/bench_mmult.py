"""Benchmark (not a test): the course's two-unit Titanic net written with one spilled MMULT (resources/examples/
titanic.xlsx sheet `mmult`) against the same net written with SUMPRODUCTs (sheet `nnet`), solved by `gdsheet solve`
with the same method, start and iterations, side by side in one run (interleaved). Goal (issue 13): ratio 1.0.
The two sheets start from different weights, so their L-BFGS runs take different line searches; the step itself
(one forward and backward pass of each compiled model, from the same variables, interleaved, the median) is
compared too, which is the like-for-like ratio. (Both compile to the same ops: one matrix-vector product per unit,
whose columns the per-row formulas read as they are; tests/compile/test_spill_reads.py pins that.)

    python benchmarks/bench_mmult.py [--iterations 100] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "examples" / "titanic.xlsx"


def solve(sheet: str, iterations: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "gdsheet.cli", "solve", str(EXAMPLE), "--sheet", sheet,
                          "--iterations", str(iterations), "--multistart", "1"],
                         capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3, help="solves of each; the fastest is reported")
    args = ap.parse_args()
    runs: dict[str, list[dict]] = {"nnet": [], "mmult": []}
    for _ in range(args.repeat):
        for sheet in runs:
            runs[sheet].append(solve(sheet, args.iterations))
    best = {sheet: min(r, key=lambda x: x["seconds"]) for sheet, r in runs.items()}
    print(f"{'sheet':8}{'solve s':>9}{'iterations':>12}  objective")
    for sheet, r in best.items():
        print(f"{sheet:8}{r['seconds']:9.3f}{r['iterations']:12}  {r['objective']!r}")
    print(f"ratio mmult/nnet: {best['mmult']['seconds'] / best['nnet']['seconds']:.2f}")
    nnet, mmult = step_times()
    print(f"one step (forward and backward): nnet {nnet * 1e3:.3f} ms, mmult {mmult * 1e3:.3f} ms, "
          f"ratio mmult/nnet {mmult / nnet:.2f}")


def step_times(seconds: float = 3.0) -> tuple[float, float]:
    """Median seconds of one forward+backward pass of each sheet's compiled model, measured in turns."""
    import time

    import numpy as np

    sys.path.insert(0, str(ROOT))  # this tree's gdsheet, as the solves above use
    from gdsheet.io import load_workbook
    from gdsheet.solver.build import build
    from gdsheet.solver.model import read_model

    wb = load_workbook(EXAMPLE)
    if not wb.values_are_cached():
        wb.recalculate()
    problems = [build(wb, read_model(wb, sheet), sheet).problem for sheet in ("nnet", "mmult")]
    x0 = problems[0].x0
    times: list[list[float]] = [[], []]
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for p, ts in zip(problems, times):
            x = x0.clone().requires_grad_(True)
            t = time.perf_counter()
            p.evaluate(x, None)[0].backward()
            ts.append(time.perf_counter() - t)
    return float(np.median(times[0])), float(np.median(times[1]))


if __name__ == "__main__":
    main()
