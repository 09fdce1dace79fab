"""Compiled Titanic models (linear, two ReLU units) against the same models hand-written in torch, side by side.

For 712, 10,000, 100,000 and 1,000,000 rows it builds a workbook in the Workbook model with the course's formula
shapes (features in columns A:J with a column of ones, target in K, parameters in $M$1:$V$2, then per row
SUMPRODUCT, IF(x<0,0,x), the squared error, and an AVERAGE), compiles it, and times one forward+backward step of
the compiled program and of the hand-written model on the same tensors. Targets: step ratio <= 1.3 at every size;
compile < 1 s at 100,000 rows. At 100,000 and 1,000,000 rows (--batch-sizes) it also times a mini-batch step (the
mean over 256 sampled rows, forward+backward, as the solver's SGD takes it) against the full step, as a ratio.

    python benchmarks/bench_compile.py [--sizes 712,10000] [--batch-sizes 100000] [--device cpu]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from gdsheet.compile import compile_program
from gdsheet.formula import parse_cached
from gdsheet.sheet.model import Formula
from gdsheet.sheet.workbook import Workbook

FEATURES = 10  # A:J, the last one the column of ones
FIRST = 4  # first data row


def build(model: str, rows: int, seed: int = 0):
    """A workbook with `rows` passengers; returns (wb, objective, variables, X, y). Cells are written straight into
    the model (no recalculation is needed: the compiler reads constants and compiles every formula it meets)."""
    rng = np.random.default_rng(seed)
    X = rng.random((rows, FEATURES))
    X[:, -1] = 1.0
    y = (rng.random(rows) < 0.4).astype(float)
    wb = Workbook()
    sh = wb.add_sheet("nnet" if model == "nnet" else "linear")
    cells = sh.cells
    for i in range(rows):
        r = FIRST + i
        for j in range(FEATURES):
            cells[(r, 1 + j)] = float(X[i, j])
        cells[(r, 11)] = float(y[i])
    units = 2 if model == "nnet" else 1
    for u in range(units):
        for j in range(FEATURES):
            cells[(1 + u, 13 + j)] = float(rng.normal(scale=0.1))
    last = FIRST + rows - 1
    if model == "linear":
        columns = {23: "=SUMPRODUCT(A{r}:J{r},$M$1:$V$1)", 24: "=(W{r}-K{r})^2"}
        loss_col = "X"
    else:
        columns = {23: "=SUMPRODUCT(A{r}:J{r},$M$1:$V$1)", 24: "=SUMPRODUCT(A{r}:J{r},$M$2:$V$2)",
                   25: "=IF(W{r}<0,0,W{r})+IF(X{r}<0,0,X{r})", 26: "=(Y{r}-K{r})^2"}
        loss_col = "Z"
    for col, text in columns.items():
        tree = parse_cached(text.format(r=FIRST), FIRST, col)
        for i in range(rows):
            r = FIRST + i
            sh.formulas[(r, col)] = Formula(text.format(r=r), tree)
    sh.formulas[(1, 1)] = Formula(f"=AVERAGE({loss_col}{FIRST}:{loss_col}{last})",
                                  parse_cached(f"=AVERAGE({loss_col}{FIRST}:{loss_col}{last})", 1, 1))
    wb.engine.invalidate()
    variables = [(sh.name, 1 + u, 13 + j) for u in range(units) for j in range(FEATURES)]
    return wb, (sh.name, 1, 1), variables, X, y


def hand_written(model: str, X: torch.Tensor, y: torch.Tensor):
    if model == "linear":
        return lambda w: ((X @ w - y) ** 2).mean()
    return lambda w: ((torch.relu(X @ w[:FEATURES]) + torch.relu(X @ w[FEATURES:]) - y) ** 2).mean()


def step_times(fns, x0: torch.Tensor, min_time: float = 0.5) -> list[float]:
    """Median seconds of one forward+backward step of each loss function, measured in turns (one step of each,
    again and again) so that a load that changes meanwhile weighs on all of them alike."""
    xs = [x0.clone().requires_grad_() for _ in fns]
    times: list[list[float]] = [[] for _ in fns]
    start = time.perf_counter()
    while time.perf_counter() - start < min_time * len(fns) or len(times[0]) < 7:
        for f, x, ts in zip(fns, xs, times):
            t0 = time.perf_counter()
            x.grad = None
            f(x).backward()
            ts.append(time.perf_counter() - t0)
    return [float(np.median(ts)) for ts in times]


def batch_line(model: str, prog, x0: torch.Tensor, batch: int = 256) -> dict:
    """A mini-batch step against the full step of one compiled program."""
    rows = torch.randperm(prog.batch_rows, generator=torch.Generator().manual_seed(0))[:batch].to(x0.device)
    mini, full = step_times([lambda x: prog.forward(x, rows)[0], lambda x: prog.forward(x)[0]], x0)
    n = prog.batch_rows
    print(f"{model:7s} {n:>9,d} rows  mini-batch of {batch} step {mini * 1e3:9.3f} ms  full step "
          f"{full * 1e3:9.3f} ms  ratio {mini / full:7.4f}  (row-wise: {prog.row_wise})", flush=True)
    return dict(model=model, rows=n, batch=batch, batch_ms=mini * 1e3, full_ms=full * 1e3, batch_ratio=mini / full)


def run(sizes, device: str, batch_sizes=()) -> list[dict]:
    rows_out = []
    for model in ("linear", "nnet"):
        for n in sizes:
            wb, objective, variables, X, y = build(model, n)
            t0, c0 = time.perf_counter(), time.process_time()
            prog = compile_program(wb, [objective], variables, device=device)
            compile_s, compile_cpu = time.perf_counter() - t0, time.process_time() - c0
            Xt = torch.tensor(X, dtype=torch.float64, device=device)
            yt = torch.tensor(y, dtype=torch.float64, device=device)
            hand = hand_written(model, Xt, yt)
            x0 = prog.x0
            compiled_loss = float(prog.forward(x0)[0])
            hand_loss = float(hand(x0))
            assert abs(compiled_loss - hand_loss) <= 1e-9 * max(1.0, abs(hand_loss)), (compiled_loss, hand_loss)
            compiled, manual = step_times([lambda x: prog.forward(x)[0], hand], x0)
            rows_out.append(dict(model=model, rows=n, compile_s=compile_s, compile_cpu_s=compile_cpu,
                                 compiled_ms=compiled * 1e3, hand_ms=manual * 1e3, ratio=compiled / manual))
            print(f"{model:7s} {n:>9,d} rows  compile {compile_s:6.3f} s (cpu {compile_cpu:6.3f} s)  "
                  f"step {compiled * 1e3:9.3f} ms  hand-written {manual * 1e3:9.3f} ms  ratio {compiled / manual:5.2f}",
                  flush=True)
            if n in batch_sizes:
                rows_out.append(batch_line(model, prog, x0))
            del wb, prog
    return rows_out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="712,10000,100000,1000000")
    ap.add_argument("--batch-sizes", default="100000,1000000")
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    batch_sizes = {int(s) for s in args.batch_sizes.split(",") if s}
    run([int(s) for s in args.sizes.split(",")], args.device, batch_sizes)


if __name__ == "__main__":
    main()
