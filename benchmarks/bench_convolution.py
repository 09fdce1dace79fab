"""Benchmark (not a test): full recalculation of a convolution sheet (a 30x30 image, 3x3 filters, 9,408 formulas:
each filter's 28x28 SUMPRODUCT feature map and its ReLU), gdsheet against IronCalc on the same file, side by side in
one run, each in its own process (imports and the file's reading not timed: recalculation only). The values of
every formula must agree. Goal (issue 13): gdsheet's recalculation under 1 s.

    python benchmarks/bench_convolution.py [--filters 6]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_books import convolution  # noqa: E402


def measure(kind: str, path: str) -> dict:
    """One side, in this process (main runs it in a child process): recalculation time and the sum of every
    formula cell's value."""
    if kind == "ironcalc":
        import ironcalc

        model = ironcalc.load_from_xlsx(path, "en", "UTC")
        t, c = time.perf_counter(), time.process_time()
        model.evaluate()
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        total = sum(float(model.get_cell_value(s, r, col)) for s, r, col in model.get_all_cells()
                    if model.get_cell_formula(s, r, col))
        return {"s": seconds, "cpu": cpu, "checksum": total}
    from gdsheet.io import load_workbook

    wb = load_workbook(path)
    sheet = wb.sheet("conv")
    t, c = time.perf_counter(), time.process_time()
    wb.recalculate()
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    return {"s": seconds, "cpu": cpu, "checksum": sum(float(wb.get("conv", r, col)) for r, col in sheet.formulas)}


def _child(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filters", type=int, default=6, help="filters (each adds 1,568 formulas)")
    ap.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "convolution.xlsx"
        formulas = convolution(path, args.filters)
        print(f"convolution sheet: 30x30 image, {args.filters} 3x3 filters, {formulas:,} formulas")
        ic = _child("ironcalc", path)
        gd = _child("gdsheet", path)
    print(f"{'full recalculation':24}{'wall s':>9}{'cpu s':>9}  sum of the formulas' values")
    for name, r in (("IronCalc", ic), ("gdsheet", gd)):
        print(f"{name:24}{r['s']:9.3f}{r['cpu']:9.3f}  {r['checksum']!r}")
    print(f"{'ratio gdsheet/IronCalc':24}{gd['s'] / ic['s']:9.1f}{gd['cpu'] / max(ic['cpu'], 1e-9):9.1f}")
    if abs(gd["checksum"] - ic["checksum"]) > 1e-6 * max(1.0, abs(ic["checksum"])):
        print("values DIFFER", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
