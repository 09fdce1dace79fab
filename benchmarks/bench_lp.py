"""A 10,000-variable transport LP (100 sources x 100 sinks, 200 constraint cells) from its workbook to the optimum
HiGHS proves, as `gdsheet solve` runs it with no flags (Simplex LP stored in the file).

Printed: the whole process (load, recalculate, compile, read the coefficients, solve, print), measured around a
subprocess; inside one process, the compile, the coefficient reading (backward passes and the linearity check) and
HiGHS's solve; and the gap to the optimum scipy's linprog (HiGHS) finds for the same data built directly.

    python benchmarks/bench_lp.py [--sources 100 --sinks 100]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "solver"))  # the model builders the tests use

from lp_books import transport  # noqa: E402

from gdsheet.io import load_workbook, save_workbook  # noqa: E402
from gdsheet.solver import highs, linear  # noqa: E402
from gdsheet.solver.build import build  # noqa: E402
from gdsheet.solver.model import read_model  # noqa: E402
from gdsheet.solver.simplex import program_of  # noqa: E402


def proven(cost, supply, demand) -> float:
    m, n = cost.shape
    import scipy.sparse as sp
    rows = sp.kron(sp.eye(m), np.ones((1, n)))
    cols = sp.kron(np.ones((1, m)), sp.eye(n))
    res = linprog(cost.ravel(), A_ub=sp.vstack([rows, -cols]), b_ub=np.r_[supply, -demand], bounds=(0, None),
                  method="highs")
    return float(res.fun)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--sinks", type=int, default=100)
    args = ap.parse_args()
    wb, cost, supply, demand = transport(args.sources, args.sinks, seed=1)
    best = proven(cost, supply, demand)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transport.xlsx"
        save_workbook(wb, path)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "gdsheet.cli", "solve", str(path)], capture_output=True,
                             text=True, cwd=ROOT, check=True)
        whole = time.perf_counter() - t0
        result = json.loads(out.stdout.strip().splitlines()[-1])

        wb = load_workbook(path)
        t0 = time.perf_counter()
        wb.recalculate()
        t_recalc = time.perf_counter() - t0
        model = read_model(wb, "Transport")
        t0 = time.perf_counter()
        built = build(wb, model, "Transport")
        t_compile = time.perf_counter() - t0
        t0 = time.perf_counter()
        aff = linear.affine(built.problem)
        t_read = time.perf_counter() - t0
        lp, _, _ = program_of(built, aff, model)
        t0 = time.perf_counter()
        res = highs.solve(lp)
        t_highs = time.perf_counter() - t0
    n = args.sources * args.sinks
    print(f"transport LP: {n} variables, {args.sources + args.sinks} constraint cells")
    print(f"  proven optimum (scipy linprog, HiGHS, built directly): {best:.6f}")
    print(f"  gdsheet solve (whole process): {whole:.2f} s; status {result['status']}; objective "
          f"{result['objective']:.6f}; gap {abs(result['objective'] - best) / abs(best):.2e}; reported solve "
          f"time {result['seconds']:.3f} s")
    print(f"  in process: recalculate {t_recalc:.3f} s, compile {t_compile:.3f} s, read coefficients "
          f"{t_read:.3f} s (nonzeros {aff.A.nnz + np.count_nonzero(aff.c)}), HiGHS {t_highs:.3f} s; "
          f"objective {res.objective:.6f}")


if __name__ == "__main__":
    main()
