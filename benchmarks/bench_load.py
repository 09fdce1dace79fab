"""Benchmark (not a test): loading a 100,000-row workbook, gdsheet vs openpyxl, and the memory of 1,000,000 cells.

The workbook has 10 numeric columns and 3 formulas per row (1.3 million cells). Reported side by side: openpyxl's
own load_workbook, gdsheet's load, gdsheet's full recalculation, their ratios, and peak memory. Each measurement
runs in a fresh process so that peak RSS belongs to it alone.

    python benchmarks/bench_load.py [--rows N] [--keep PATH]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, rows: int) -> None:
    import openpyxl

    rng = random.Random(0)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("data")
    for r in range(1, rows + 1):
        ws.append([rng.random() for _ in range(10)]
                  + [f"=A{r}*B{r}+C{r}", f"=SUM(A{r}:J{r})", f"=IF(K{r}>L{r},K{r},L{r})"])
    book.save(path)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024**2


def measure(kind: str, path: str) -> dict:
    """One measurement, in this process (run through a child process by main). Each side first loads a tiny
    workbook, so that imports done on first use are not timed."""
    warm = str(Path(path).with_name("warm.xlsx"))
    if kind == "openpyxl":
        import openpyxl

        openpyxl.load_workbook(warm)
        t, c = time.perf_counter(), time.process_time()
        openpyxl.load_workbook(path)
        return {"load_s": time.perf_counter() - t, "load_cpu": time.process_time() - c, "peak_mb": _peak_mb()}
    if kind == "gdsheet":
        from gdsheet.io import load_workbook

        load_workbook(warm).recalculate()
        t, c = time.perf_counter(), time.process_time()
        wb = load_workbook(path)
        loaded, loaded_cpu = time.perf_counter(), time.process_time()
        wb.recalculate()
        return {"load_s": loaded - t, "load_cpu": loaded_cpu - c, "recalc_s": time.perf_counter() - loaded,
                "recalc_cpu": time.process_time() - loaded_cpu, "peak_mb": _peak_mb()}
    if kind == "cells":
        from gdsheet.sheet.workbook import Workbook

        base = _peak_mb()
        wb = Workbook()
        sheet = wb.add_sheet("big")
        rng = random.Random(0)
        for r in range(1, 100_001):
            for c in range(1, 11):
                sheet.cells[(r, c)] = rng.random()
        return {"cells": len(sheet.cells), "peak_mb": _peak_mb(), "before_mb": base}
    raise ValueError(kind)


def _child(kind: str, path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, path], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", help="write the generated workbook here instead of a temporary file")
    ap.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "bench.xlsx")
        t = time.perf_counter()
        generate(path, args.rows)
        generate(path.with_name("warm.xlsx"), 2)
        print(f"generated {args.rows:,} rows x 13 cells in {time.perf_counter() - t:.1f} s "
              f"({path.stat().st_size / 1024**2:.1f} MB)")
        op = _child("openpyxl", str(path))
        gd = _child("gdsheet", str(path))
        cells = _child("cells", str(path))
    # CPU seconds as well as wall seconds: on a shared machine the wall clock also measures the neighbours.
    print(f"{'':24}{'wall s':>8}{'cpu s':>8}{'ratio (cpu)':>13}{'peak MB':>9}")
    print(f"{'openpyxl load_workbook':24}{op['load_s']:8.2f}{op['load_cpu']:8.2f}{1:13.2f}{op['peak_mb']:9.0f}")
    print(f"{'gdsheet load':24}{gd['load_s']:8.2f}{gd['load_cpu']:8.2f}{gd['load_cpu'] / op['load_cpu']:13.2f}")
    print(f"{'gdsheet recalculate':24}{gd['recalc_s']:8.2f}{gd['recalc_cpu']:8.2f}"
          f"{gd['recalc_cpu'] / op['load_cpu']:13.2f}")
    total_s, total_cpu = gd["load_s"] + gd["recalc_s"], gd["load_cpu"] + gd["recalc_cpu"]
    print(f"{'gdsheet load + recalc':24}{total_s:8.2f}{total_cpu:8.2f}{total_cpu / op['load_cpu']:13.2f}"
          f"{gd['peak_mb']:9.0f}")
    print(f"1,000,000 numeric cells: {cells['peak_mb'] - cells['before_mb']:7.0f} MB over a bare process "
          f"({cells['peak_mb']:.0f} MB peak)")


if __name__ == "__main__":
    main()
