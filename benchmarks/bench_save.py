"""Benchmark (not a test): saving a 100,000-row workbook after one edit, patched save vs the fresh full rewrite.

The workbook is the one bench_load.py builds (10 numeric columns and 3 formulas per row, 1.3 million cells), saved
once with its formulas' values, as Excel saves a workbook. It is opened, one input cell is changed (its dependents
recalculated), then saved twice in the same process, side by side: by patching the original package (gdsheet's save for a workbook read from a file) and by writing a fresh
package with openpyxl (the save of a workbook made in gdsheet, and what every save did before). Wall-clock and CPU
seconds of each, their ratio, and the sizes of the two files are printed.

    python benchmarks/bench_save.py [--rows N] [--keep FOLDER]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import generate  # noqa: E402  (the same workbook as the load benchmark)


def timed(fn) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", help="keep the workbooks in this folder")
    args = ap.parse_args()
    from gdsheet.io import load_workbook, save_workbook

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        generated = folder / f"generated{args.rows}.xlsx"
        generate(generated, args.rows)
        wb = load_workbook(generated)
        wb.recalculate()
        wb.source = None
        book = folder / f"rows{args.rows}.xlsx"
        save_workbook(wb, book)  # every formula with its cached value, as in a file Excel saved
        del wb
        warm = load_workbook(book)  # imports and first-use costs out of the timings
        save_workbook(warm, folder / "warm.xlsx")
        del warm
        wb = load_workbook(book)
        wb.set_value("data", args.rows // 2, 1, 0.5)  # one edit: A in the middle row, its three formulas follow
        source = wb.source
        patched_s, patched_cpu = timed(lambda: save_workbook(wb, folder / "patched.xlsx"))
        wb.source = None  # the fresh writer: what a workbook without an original gets
        fresh_s, fresh_cpu = timed(lambda: save_workbook(wb, folder / "fresh.xlsx"))
        wb.source = source
        size = {p: (folder / p).stat().st_size / 1024**2 for p in ("patched.xlsx", "fresh.xlsx")}
    print(f"save after one edit, {args.rows:,} rows x 13 columns")
    print(f"  patched save : {patched_s:7.2f} s wall, {patched_cpu:7.2f} s CPU, {size['patched.xlsx']:.1f} MB")
    print(f"  fresh rewrite: {fresh_s:7.2f} s wall, {fresh_cpu:7.2f} s CPU, {size['fresh.xlsx']:.1f} MB")
    print(f"  fresh / patched: {fresh_s / patched_s:.1f}x wall, {fresh_cpu / patched_cpu:.1f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
