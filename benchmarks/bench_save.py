"""Benchmark (not a test): saving a 100,000-row workbook after one edit, patched save vs the fresh full rewrite.

The workbook is the one bench_load.py builds (10 numeric columns and 3 formulas per row, 1.3 million cells), saved
once with its formulas' values, as Excel saves a workbook. It is opened, one input cell is changed (its dependents
recalculated), then saved twice in the same process, side by side: by patching the original package (gdsheet's save for a workbook read from a file) and by writing a fresh
package with openpyxl (the save of a workbook made in gdsheet, and what every save did before). Wall-clock and CPU
seconds of each, their ratio, and the sizes of the two files are printed.

    python benchmarks/bench_save.py [--rows N] [--keep FOLDER]

With --titanic, the patched save at scale instead: the linear Titanic model of scale_books.py (13 cells and 2
formulas a row, written by openpyxl, so no formula has its cached value and the first save writes them all) at each
given number of rows is loaded, recalculated, given one edit (a feature in the middle row) and saved; each in a
fresh process, once with this checkout and, with --baseline, once with another checkout of gdsheet (an older
commit: `git worktree add --detach /tmp/base <commit>`), side by side in the same run. --book uses a prebuilt
file for a row count (the 1,000,000-row one takes minutes to write).

    python benchmarks/bench_save.py --titanic 100000 1000000 [--baseline /tmp/base]
        [--book 100000=/tmp/t100k.xlsx --book 1000000=/tmp/t1m.xlsx]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import generate  # noqa: E402  (the same workbook as the load benchmark)


def timed(fn) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


ROOT = Path(__file__).resolve().parents[1]


def child(book: str, out: str) -> None:
    """One measured run, in its own process: load, recalculate, one edit, save; seconds of each as JSON."""
    from gdsheet.io import load_workbook, save_workbook

    times = {}
    t = time.perf_counter()
    wb = load_workbook(book)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    wb.recalculate()
    times["recalc"] = time.perf_counter() - t
    sheet = wb.sheets[0]
    rows = sheet.used_bounds[0]
    t = time.perf_counter()
    wb.set_value(sheet.name, rows // 2, 4, 0.5)  # Age_N of the middle passenger: its L, M and N1 follow
    times["edit"] = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    save_workbook(wb, out)
    times["save"], times["save_cpu"] = time.perf_counter() - t, time.process_time() - c
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times["size_mb"] = Path(out).stat().st_size / 1024**2
    print(json.dumps(times))


def run_child(checkout: Path, book: Path, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(book), str(out)],
                          env=env, cwd=checkout, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{checkout}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def titanic(args) -> int:
    from scale_books import titanic_linear

    prebuilt = dict(item.split("=", 1) for item in args.book)
    checkouts = [("this", ROOT)] + ([("baseline", Path(args.baseline).resolve())] if args.baseline else [])
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.titanic:
            book = Path(prebuilt[str(rows)]) if str(rows) in prebuilt else Path(tmp) / f"titanic{rows}.xlsx"
            if not book.exists():
                titanic_linear(book, rows)
            print(f"titanic_linear, {rows:,} rows ({book.stat().st_size / 1024**2:.0f} MB): load, recalculate, "
                  "one edit, patched save")
            results = {}
            for name, checkout in checkouts:
                r = results[name] = run_child(checkout, book, Path(tmp) / f"{name}{rows}.xlsx")
                print(f"  {name:9}: save {r['save']:7.2f} s wall {r['save_cpu']:7.2f} s CPU | load {r['load']:6.2f} s"
                      f" | recalc {r['recalc']:5.2f} s | edit {r['edit']:5.2f} s | peak {r['peak_mb']:6.0f} MB | "
                      f"{r['size_mb']:.0f} MB written", flush=True)
            if "baseline" in results:
                print(f"  save: baseline / this = {results['baseline']['save'] / results['this']['save']:.1f}x "
                      "wall", flush=True)
                a, b = (Path(tmp) / f"{n}{rows}.xlsx" for n in ("this", "baseline"))
                import zipfile

                with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
                    same = all(za.read(n) == zb.read(n) for n in za.namelist() if n.startswith("xl/worksheets/"))
                print(f"  worksheet parts identical to the baseline's: {same}", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", help="keep the workbooks in this folder")
    ap.add_argument("--titanic", type=int, nargs="+", help="the patched save of titanic_linear at these row counts")
    ap.add_argument("--baseline", help="another gdsheet checkout, measured side by side (with --titanic)")
    ap.add_argument("--book", action="append", default=[], help="ROWS=PATH: a prebuilt titanic_linear book")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.titanic:
        return titanic(args)
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
