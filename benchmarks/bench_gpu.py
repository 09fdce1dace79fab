"""Benchmark (not a test): the million-row solve on the CPU and on CUDA in one run, and their ratio (issue 13).

The model is the course's linear Titanic model stretched to --rows passengers (1,000,000 by default), laid out as
scale_books.titanic_linear writes it: A = Survived, B..K = the ten features, L = SUMPRODUCT(B:K, $B$1:$K$1),
M = (L-A)^2, N1 = AVERAGE(M), the variables $B$1:$K$1. It is built straight into the workbook model (as
bench_compile does) rather than written to an .xlsx and read back, which at a million rows would take longer than
the solves and is measured elsewhere (bench_ironcalc.py). Each method runs on each device from the same start:

- Adam (full batch), a fixed number of iterations: steps per second;
- Adam on mini-batches of 256 rows (a step computes the sampled rows only): steps per second;
- L-BFGS to convergence: its time, iterations and objective.

For each method it prints the time each device took to bring the loss down to the same target (the loss the CPU
reached after 80% of its run, or L-BFGS's final loss plus 1e-9 relative), and how many times faster CUDA is. The
compile on each device is timed too. Without CUDA it says so and runs the CPU only.

    python benchmarks/bench_gpu.py [--rows 1000000] [--iterations 300] [--methods adam,batch,lbfgs]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_books import FIRST, titanic_features  # noqa: E402

from gdsheet.formula import parse_cached  # noqa: E402
from gdsheet.sheet.model import Formula  # noqa: E402
from gdsheet.sheet.workbook import Workbook  # noqa: E402
from gdsheet.solver.model import SolverModel, SolverOptions  # noqa: E402
from gdsheet.solver.build import build  # noqa: E402
from gdsheet.solver.run import Solve  # noqa: E402

START = [0.1, -0.1, 0.2, -0.2, 0.05, 0.15, -0.05, 0.1, -0.15, 0.3]  # B1:K1, the same on every device


def titanic_book(rows: int) -> Workbook:
    """The linear Titanic model at `rows` passengers, with the values a recalculation would give (so that nothing
    but the solve's own compile is timed: the compiler reads the constants and compiles every formula it needs)."""
    data = titanic_features()
    wb = Workbook()
    sh = wb.add_sheet("linear")
    cells = sh.cells
    for j, v in enumerate(START):
        cells[(1, 2 + j)] = v
    for i in range(rows):
        r = FIRST + i
        for j, v in enumerate(data[i % len(data)]):
            cells[(r, 1 + j)] = v
    last = FIRST + rows - 1
    for col, text in ((12, "=SUMPRODUCT(B{r}:K{r},$B$1:$K$1)"), (13, "=(L{r}-A{r})^2")):
        tree = parse_cached(text.format(r=FIRST), FIRST, col)
        for i in range(rows):
            sh.formulas[(FIRST + i, col)] = Formula(text.format(r=FIRST + i), tree)
    loss = f"=AVERAGE(M{FIRST}:M{last})"
    sh.formulas[(1, 14)] = Formula(loss, parse_cached(loss, 1, 14))
    cells[(1, 14)] = 0.0  # a cached value: the solve evaluates the objective itself
    wb.engine.invalidate()
    return wb


def options(device: str, method: str, iterations: int) -> SolverOptions:
    return SolverOptions(method="lbfgs" if method == "lbfgs" else "adam", lr=0.01, iterations=iterations,
                         tolerance=1e-6 if method == "lbfgs" else 0.0, time_limit=3600.0, device=device,
                         batch_size=256 if method == "batch" else None)


def compile_on(wb: Workbook, device: str):
    """The model compiled on `device` (solver/build.py, as `gdsheet solve` compiles it) and the seconds it took."""
    model = SolverModel("N1", variables=["B1:K1"], options=options(device, "lbfgs", 1))
    t0 = time.perf_counter()
    built = build(wb, model, "linear")
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return built, time.perf_counter() - t0


def run(built, device: str, method: str, iterations: int) -> dict:
    """Solve from the stored start on `device`: the loss after each iteration with its solve time."""
    solve = Solve(built.problem, options(device, method, iterations), built.variables, objective=built.objective)
    trace: list[tuple[int, float, float]] = []
    final = None
    for record in solve.run():
        if record.done:
            final = record
            break
        trace.append((record.iteration, record.loss, record.elapsed))
    return {"trace": trace, "final": final}


def time_to(trace, target: float) -> float:
    """Solve seconds until the loss first reached `target` (inf if it never did)."""
    return next((t for _, loss, t in trace if loss <= target), math.inf)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--iterations", type=int, default=300, help="Adam iterations (full batch and mini-batch)")
    ap.add_argument("--methods", default="adam,batch,lbfgs")
    args = ap.parse_args()
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
        print(f"CUDA: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    else:
        print(f"no CUDA device: torch {torch.__version__} sees none here (built with CUDA "
              f"{torch.version.cuda or 'none'}), so only the CPU runs")
    print(f"CPU: {torch.get_num_threads()} threads")
    t0 = time.perf_counter()
    wb = titanic_book(args.rows)
    print(f"built the model at {args.rows:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
    compiled = {}
    for d in devices:
        compiled[d] = compile_on(wb, d)
        print(f"compiled on {d} in {compiled[d][1]:.2f} s", flush=True)
    if "cuda" in compiled:
        print(f"  compile on CUDA against the CPU: {compiled['cpu'][1] / compiled['cuda'][1]:.2f}x faster")
    for method in args.methods.split(","):
        results = {d: run(compiled[d][0], d, method, args.iterations) for d in devices}
        cpu = results["cpu"]
        if method == "lbfgs":
            target = cpu["final"].loss * (1 + 1e-9)
        else:
            target = cpu["trace"][max(0, int(0.8 * (len(cpu["trace"]) - 1)))][1]
        print(f"\n{method}: target loss {target:.10g}")
        print(f"  {'device':6}{'iterations':>12}{'solve s':>10}{'steps/s':>10}{'to target s':>13}  final loss")
        for d, r in results.items():
            final, trace = r["final"], r["trace"]
            steps = final.iteration / final.elapsed if final.elapsed > 0 else math.nan
            print(f"  {d:6}{final.iteration:12d}{final.elapsed:10.3f}{steps:10.1f}{time_to(trace, target):13.3f}  "
                  f"{final.loss:.10g} ({final.status})", flush=True)
        if "cuda" in results:
            gpu = results["cuda"]
            rate = lambda r: r["final"].iteration / r["final"].elapsed  # noqa: E731
            print(f"  CUDA against the CPU: steps/s {rate(gpu) / rate(cpu):.2f}x, time to the target "
                  f"{time_to(cpu['trace'], target) / time_to(gpu['trace'], target):.2f}x faster (below 1: slower)")

if __name__ == "__main__":
    main()
