"""Benchmark (not a test): the linear Titanic model's two column formulas (benchmarks/scale_books.titanic_linear:
L = SUMPRODUCT(B4:K4,$B$1:$K$1), M = (L4-A4)^2) computed for a block of rows by sheet/vectorised.evaluate_rows,
against the engine's cell-by-cell evaluation of the same trees, side by side in one run. The engine is timed on
--engine-rows rows and extrapolated linearly to --rows; the results of the engine's rows are compared bit for bit.
Goals (issue 13): SUMPRODUCT over 1,000,000 rows in under 100 ms, the squared error in under 20 ms, from a source
that hands out column slices without copying.

    python benchmarks/bench_vectorised.py [--rows 1000000] [--engine-rows 20000] [--others]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_books import FIRST, titanic_features  # noqa: E402

from gdsheet.formula import parse_cached  # noqa: E402
from gdsheet.refs import Area  # noqa: E402
from gdsheet.sheet.evaluate import Context, evaluate  # noqa: E402
from gdsheet.sheet.model import Formula  # noqa: E402
from gdsheet.sheet.vectorised import evaluate_rows, vectorisable  # noqa: E402
from gdsheet.sheet.workbook import Workbook  # noqa: E402

FORMULAS = (("L", 12, "=SUMPRODUCT(B{r}:K{r},$B$1:$K$1)"), ("M", 13, "=(L{r}-A{r})^2"))
# more shapes of formula over the same columns (N is free): what each array form costs next to the engine
OTHERS = ("=IF(C{r}>0,C{r}*$B$1,0)", "=EXP(-L{r})/(1+EXP(-L{r}))", "=ROUND(L{r},2)", "=AVERAGE(B{r}:K{r})",
          "=SUMPRODUCT((B{r}:K{r}-$B$1:$K$1)^2)", "=IFERROR(LN(L{r}),0)", "=L{r}^1.5", "=MAX(0,L{r})")


class ColumnSource:
    """Whole columns as float64 arrays (index 0 is row 1) with their number masks; slices are views."""

    def __init__(self, rows: int):
        self.values: dict[int, np.ndarray] = {}
        self.masks: dict[int, np.ndarray] = {}
        self.rows = rows

    def put(self, col: int, row: int, values: np.ndarray) -> None:
        if col not in self.values:
            self.values[col] = np.zeros(self.rows)
            self.masks[col] = np.zeros(self.rows, dtype=bool)
        self.values[col][row - 1:row - 1 + len(values)] = values
        self.masks[col][row - 1:row - 1 + len(values)] = True

    def numbers(self, sheet: str, col: int, r1: int, r2: int):
        if col not in self.values:
            return np.zeros(r2 - r1 + 1), np.zeros(r2 - r1 + 1, dtype=bool)
        return self.values[col][r1 - 1:r2], self.masks[col][r1 - 1:r2]

    def area(self, area: Area):
        cols = [self.numbers(area.sheet, c, area.r1, area.r2) for c in range(area.c1, area.c2 + 1)]
        return np.stack([v for v, _ in cols], axis=1), np.stack([m for _, m in cols], axis=1)


def model(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(parameters (10,), data (rows, 11): Survived then the ten features), as titanic_linear writes them."""
    data = np.array(titanic_features())
    rng = random.Random(0)
    params = np.array([round(rng.uniform(-0.5, 0.5), 4) for _ in range(10)])
    return params, data[np.arange(rows) % len(data)]


def best_of(fn, repeat: int = 5) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--engine-rows", type=int, default=20_000)
    ap.add_argument("--others", action="store_true", help="also time other shapes of formula (OTHERS)")
    args = ap.parse_args()
    n, m = args.rows, min(args.engine_rows, args.rows)
    params, data = model(n)
    last = FIRST + n - 1

    source = ColumnSource(last)
    source.put(1, FIRST, data[:, 0])
    for j in range(10):
        source.put(2 + j, 1, params[j:j + 1])
        source.put(2 + j, FIRST, data[:, 1 + j])

    # the engine's cells: the first m rows in a Workbook, each formula evaluated as Engine._compute does
    wb = Workbook()
    sh = wb.add_sheet("linear")
    for j in range(10):
        sh.cells[(1, 2 + j)] = float(params[j])
    for i in range(m):
        for j in range(11):
            sh.cells[(FIRST + i, 1 + j)] = float(data[i, j])
    wb.engine.invalidate()

    print(f"{n:,} rows vectorised; the engine's cell-by-cell time measured on {m:,} rows and scaled by {n / m:.0f}")
    print(f"{'formula':36}{'vectorised ms':>15}{'engine ms (scaled)':>20}{'engine / vectorised':>21}")
    for letter, col, text in FORMULAS:
        tree = parse_cached(text.format(r=FIRST), FIRST, col)
        assert vectorisable(tree)
        t_vec, (values, ok) = best_of(lambda: evaluate_rows(tree, "linear", col, FIRST, last, source))
        assert ok.all(), f"{letter}: {int((~ok).sum())} rows left to the engine"
        source.put(col, FIRST, values)

        def engine_column():
            out = []
            for i in range(m):
                r = FIRST + i
                out.append(evaluate(tree, Context(wb.engine, "linear", r, col, False)))
            return out
        t_eng, engine = best_of(engine_column, repeat=2)
        for i, v in enumerate(engine):
            sh.cells[(FIRST + i, col)] = v
            sh.formulas[(FIRST + i, col)] = Formula(text.format(r=FIRST + i), tree)
        same = sum(type(v) is float and v == values[i] for i, v in enumerate(engine))
        assert same == m, f"{letter}: only {same} of {m} rows equal the engine's"
        scaled = t_eng * n / m
        print(f"{letter}{FIRST} {text.format(r=FIRST):33}{t_vec * 1e3:15.1f}{scaled * 1e3:20.0f}{scaled / t_vec:21.0f}")

    if args.others:
        for text in OTHERS:
            tree = parse_cached(text.format(r=FIRST), FIRST, 14)
            t_vec, (values, ok) = best_of(lambda: evaluate_rows(tree, "linear", 14, FIRST, last, source), repeat=3)
            k = min(m, 5000)
            t_eng, engine = best_of(lambda: [evaluate(tree, Context(wb.engine, "linear", FIRST + i, 14, False))
                                             for i in range(k)], repeat=1)
            same = sum(not ok[i] or v == values[i] for i, v in enumerate(engine))
            assert same == k, f"{text}: {k - same} rows differ from the engine's"
            scaled = t_eng * n / k
            print(f"N{FIRST} {text.format(r=FIRST):33}{t_vec * 1e3:15.1f}{scaled * 1e3:20.0f}{scaled / t_vec:21.0f}"
                  f"   ({ok.mean():.0%} of rows vectorised)")
    wb.engine.invalidate()
    t_full, _ = best_of(wb.recalculate, repeat=1)
    print(f"(the engine's full recalculation of the {m:,}-row book, both columns: {t_full * 1e3:.0f} ms, "
          f"{t_full / (2 * m) * 1e6:.1f} µs a formula)")


if __name__ == "__main__":
    main()
