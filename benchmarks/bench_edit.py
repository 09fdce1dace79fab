"""Benchmark (not a test): recalculation after one edit in the linear Titanic model at N rows (features A:J, target
K, parameters $M$1:$V$1, L = SUMPRODUCT, the squared error, AVERAGE), against its full recalculation, side by side in
one run. Reported: how many formulas each edit recomputed (a data cell: its row's two and the AVERAGE; a parameter:
every row) and the time. Goal (issue 13): a parameter edit at 1,000,000 rows within 100 ms.

    python benchmarks/bench_edit.py [--rows 100000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from gdsheet.formula import parse_cached, row_template
from gdsheet.sheet.calc import Engine
from gdsheet.sheet.formulastore import FormulaBlock
from gdsheet.sheet.model import Formula
from gdsheet.sheet.workbook import Workbook

FIRST = 4


def build(rows: int) -> Workbook:
    """Cells written straight into the model as a file's reader leaves them (no recalculation per formula): numbers
    in the column store in bulk, each column's formula as one FormulaBlock."""
    rng = np.random.default_rng(0)
    wb = Workbook()
    sh = wb.add_sheet("linear")
    index = np.arange(FIRST, FIRST + rows)
    for c in range(1, 11):
        sh.cells.put_numbers(c, index, np.ones(rows) if c == 10 else rng.random(rows))
    sh.cells.put_numbers(11, index, (rng.random(rows) < 0.4).astype(float))
    for c in range(13, 23):
        sh.cells[(1, c)] = float(rng.uniform(-0.5, 0.5))
    for col, text in ((12, "=SUMPRODUCT(A{r}:J{r},$M$1:$V$1)"), (24, "=(L{r}-K{r})^2")):
        first = text.format(r=FIRST)
        tree = parse_cached(first, FIRST, col)
        template = row_template(first, FIRST)
        sh.formulas.add_block(FormulaBlock(col, FIRST, FIRST + rows - 1, tree, template, template))
    last = FIRST + rows - 1
    sh.formulas[(1, 1)] = Formula(f"=AVERAGE(X{FIRST}:X{last})", parse_cached(f"=AVERAGE(X{FIRST}:X{last})", 1, 1))
    wb.engine.invalidate()
    return wb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    wb = build(args.rows)
    computed = [0]
    compute = Engine._compute

    def counting(self, cid):  # formula cells computed: a block counts its rows
        block = self.graph.blocks.get(cid) if self.graph is not None else None
        computed[0] += 1 if block is None else block.n
        return compute(self, cid)

    Engine._compute = counting
    rows = []
    for name, action in (("full recalculation", wb.recalculate),
                         ("edit a data cell (B of the middle row)",
                          lambda: wb.set_value("linear", FIRST + args.rows // 2, 2, 0.5)),
                         ("edit a parameter ($N$1)", lambda: wb.set_value("linear", 1, 14, 0.25)),
                         ("full recalculation, again", wb.recalculate)):
        computed[0] = 0
        t, c = time.perf_counter(), time.process_time()
        action()
        rows.append((name, time.perf_counter() - t, time.process_time() - c, computed[0]))
    full_cpu = rows[0][2]
    print(f"{args.rows:,} rows, {2 * args.rows + 1:,} formulas")
    print(f"{'':40}{'wall s':>9}{'cpu s':>9}{'formulas computed':>19}{'cpu / full':>12}")
    for name, wall, cpu, n in rows:
        print(f"{name:40}{wall:9.3f}{cpu:9.3f}{n:19,}{cpu / full_cpu:12.4f}")


if __name__ == "__main__":
    main()
