"""Solving Titanic linear to within 1e-6 (relative) of its least-squares optimum: gdsheet against hand-written torch.

The workbook is the course's `linear` sheet built from resources/data/titanic_train.csv (712 complete rows; features
SibSp, Parch, Age/max, log10(Fare+1)/max, Pclass 1 and 2, male, embarked C and S, a column of ones; prediction
=SUMPRODUCT(features, $A$2:$J$2); loss =AVERAGE of the squared errors). Each method runs from the same start in
gdsheet (prepare + the solve generator) and in plain torch on the same tensors, in the same process, after a warm-up
run of each; the figure is the median wall time to the first iteration within 1e-6 of the optimum, and the ratio.

    python benchmarks/bench_solve.py [--repeats 5]
"""
from __future__ import annotations

import argparse
import csv
import math
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import SolverModel, SolverOptions
from gdsheet.solver.run import prepare

DATA = Path(__file__).resolve().parents[1] / "resources" / "data" / "titanic_train.csv"
START = 0.1
REL = 1e-6


def titanic() -> tuple[Workbook, np.ndarray, np.ndarray]:
    with open(DATA, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Age"] and r["Embarked"]]
    max_age = max(float(r["Age"]) for r in rows)
    max_fare = max(math.log10(float(r["Fare"]) + 1) for r in rows)
    X = np.array([[float(r["SibSp"]), float(r["Parch"]), float(r["Age"]) / max_age,
                   math.log10(float(r["Fare"]) + 1) / max_fare, r["Pclass"] == "1", r["Pclass"] == "2",
                   r["Sex"] == "male", r["Embarked"] == "C", r["Embarked"] == "S", 1.0] for r in rows], dtype=float)
    y = np.array([float(r["Survived"]) for r in rows])
    wb = Workbook()
    wb.add_sheet("linear")
    values = [("linear", 2, 1 + j, START) for j in range(10)]
    values += [("linear", 5 + i, 1 + j, float(v)) for i, row in enumerate(X) for j, v in enumerate(row)]
    values += [("linear", 5 + i, 11, float(v)) for i, v in enumerate(y)]
    wb.set_values(values)
    last = 4 + len(rows)
    for row in range(5, last + 1):
        wb.set_formula("linear", row, 12, f"=SUMPRODUCT(A{row}:J{row},$A$2:$J$2)")
        wb.set_formula("linear", row, 13, f"=(L{row}-K{row})^2")
    wb.set_formula("linear", 1, 13, f"=AVERAGE(M5:M{last})")
    return wb, X, y


def gdsheet_solve(wb: Workbook, method: str, lr: float, target: float) -> tuple[float, float, int]:
    """(wall seconds of prepare, wall seconds of the solve until within target, iterations)."""
    t0 = time.perf_counter()
    solve = prepare(wb, SolverModel("M1", variables=["$A$2:$J$2"],
                                    options=SolverOptions(method=method, lr=lr, iterations=100_000, tolerance=0)),
                    "linear")
    t1 = time.perf_counter()
    for record in solve.run():
        if record.loss <= target or record.done:
            break
    return t1 - t0, time.perf_counter() - t1, record.iteration


def torch_solve(X: torch.Tensor, y: torch.Tensor, method: str, lr: float, target: float) -> tuple[float, int]:
    """The same model and method written directly in torch: (wall seconds until within target, iterations)."""
    t0 = time.perf_counter()
    w = torch.full((X.shape[1],), START, dtype=X.dtype, requires_grad=True)

    def loss() -> torch.Tensor:
        return ((X @ w - y) ** 2).mean()

    if method == "lbfgs":
        opt = torch.optim.LBFGS([w], lr=1, max_iter=1, max_eval=30, line_search_fn="strong_wolfe",
                                tolerance_grad=0, tolerance_change=0)

        def closure():
            opt.zero_grad()
            f = loss()
            f.backward()
            return f
    else:
        opt = torch.optim.Adam([w], lr=lr)
    for it in range(1, 100_001):
        if method == "lbfgs":
            opt.step(closure)
        else:
            opt.zero_grad()
            loss().backward()
            opt.step()
        with torch.no_grad():
            if float(loss()) <= target:
                break
    return time.perf_counter() - t0, it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    wb, X, y = titanic()
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    optimum = float(np.mean((X @ w - y) ** 2))
    target = optimum * (1 + REL)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    print(f"Titanic linear: 712 rows, 10 parameters, optimum MSE {optimum:.10f}, target within {REL:g}")
    print(f"{'method':8} {'gdsheet solve':>14} {'(prepare)':>10} {'iters':>6} {'torch':>10} {'iters':>6} {'ratio':>6}")
    for method, lr in (("lbfgs", 1.0), ("adam", 0.05)):
        gdsheet_solve(wb, method, lr, target)  # warm-up: first compile, first scipy/torch calls
        torch_solve(Xt, yt, method, lr, target)
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(gdsheet_solve(wb, method, lr, target))
            theirs.append(torch_solve(Xt, yt, method, lr, target))
        prep = statistics.median(o[0] for o in ours)
        solve = statistics.median(o[1] for o in ours)
        hand = statistics.median(t[0] for t in theirs)
        print(f"{method:8} {solve * 1e3:11.1f} ms {prep * 1e3:7.1f} ms {ours[0][2]:6d} {hand * 1e3:7.1f} ms "
              f"{theirs[0][1]:6d} {solve / hand:6.2f}")


if __name__ == "__main__":
    main()
