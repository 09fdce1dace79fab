"""Benchmark (not a test): load + full recalculation of the linear Titanic model stretched to N rows, gdsheet
against IronCalc (Rust, `ironcalc.load_from_xlsx` + `evaluate`) on the same file, side by side in one run.

Each side runs in its own fresh process, so that its peak RSS (ru_maxrss) is its own; its imports are done before
the clock starts, and the whole process's wall time is reported as well. Both sides' objective (N1, the mean
squared error) is printed, and must agree. Goal (issue 13): ratio <= 1.0 in time and in peak memory, never > 2.0.

    python benchmarks/bench_ironcalc.py [--rows 20000] [--keep PATH]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_books import titanic_linear  # noqa: E402


def _peak_mb() -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: kilobytes on Linux, bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024**2


def measure(kind: str, path: str) -> dict:
    """One side, in this process (main runs it in a child process)."""
    if kind == "ironcalc":
        import ironcalc

        t, c = time.perf_counter(), time.process_time()
        model = ironcalc.load_from_xlsx(path, "en", "UTC")
        model.evaluate()
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        objective = model.get_cell_value_by_ref("linear!N1")
    elif kind == "gdsheet":
        from gdsheet.io import load_workbook

        t, c = time.perf_counter(), time.process_time()
        wb = load_workbook(path)
        wb.recalculate()
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        objective = wb.get("linear", 1, 14)
    else:
        raise ValueError(kind)
    return {"s": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "objective": float(objective)}


def _child(kind: str, path: Path) -> dict:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - t
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000, help="passengers (issue 13: 300000 and 1000000)")
    ap.add_argument("--keep", help="write the workbook here (and reuse it if it exists) instead of a temporary file")
    ap.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "titanic_linear.xlsx")
        if not path.exists():
            t = time.perf_counter()
            titanic_linear(path, args.rows)
            print(f"built {args.rows:,} rows ({13 * args.rows:,} cells, {2 * args.rows:,} formulas) in "
                  f"{time.perf_counter() - t:.1f} s, {path.stat().st_size / 1024**2:.1f} MB")
        ic = _child("ironcalc", path)
        gd = _child("gdsheet", path)
    # CPU seconds too: on a shared machine the wall clock also measures the neighbours.
    print(f"{'load + recalculate':20}{'wall s':>9}{'cpu s':>9}{'process s':>11}{'peak MB':>9}  objective")
    for name, r in (("IronCalc", ic), ("gdsheet", gd)):
        print(f"{name:20}{r['s']:9.2f}{r['cpu']:9.2f}{r['process_s']:11.2f}{r['peak_mb']:9.0f}  {r['objective']!r}")
    print(f"{'ratio gdsheet/IronCalc':20}{gd['s'] / ic['s']:9.2f}{gd['cpu'] / ic['cpu']:9.2f}"
          f"{gd['process_s'] / ic['process_s']:11.2f}{gd['peak_mb'] / ic['peak_mb']:9.2f}")
    if abs(gd["objective"] - ic["objective"]) > 1e-9 * max(1.0, abs(ic["objective"])):
        print("objectives DIFFER", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
