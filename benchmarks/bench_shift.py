"""Benchmark (not a test): inserting and deleting rows and columns in the linear Titanic model at N rows (built as
bench_edit builds it: 13 columns of numbers, two columns of filled-down formulas), in this tree and, with --base, in
another checkout of gdsheet (an older one), side by side in one run. Each tree runs in a child process of its own
that builds the workbook and then, in turn: inserts a row in the middle and deletes it again, inserts a column
between the features and the formulas (L) and deletes it, inserts one in the features (E: they grow to A:K
against ten weights, so every SUMPRODUCT is #VALUE!, as in Excel, and is calculated cell by cell) and deletes it. Reported: wall and CPU seconds of each (the
shift's own recalculation included, and shown apart), and the child's peak memory.

With --window the same is done from the window instead (this tree only, Qt offscreen): Ctrl++ on a whole row in
the middle, undo, redo, Ctrl+- on it, Ctrl++ on column L; each timed until the window has handled its events.

With --styles each of the 11 data columns also gets a style per cell (`style_ids`, N * 11 entries, as a file
styled cell by cell has), which the shift moves too.

    python benchmarks/bench_shift.py [--rows 1000000] [--base /tmp/shift-base] [--styles] [--ops 6]
    python benchmarks/bench_shift.py --window [--rows 1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OPS = ("insert a row (middle)", "delete that row", "insert a column (L)", "delete that column",
       "insert a column (E)", "delete that column")


def child(rows: int, styles: bool, ops: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_edit import FIRST, build

    from gdsheet.sheet import shift

    wb = build(rows)
    wb.recalculate()
    sh = wb.sheet("linear")
    if styles:
        for c in range(1, 12):
            sh.style_ids.update(((r, c), 1 + c) for r in range(FIRST, FIRST + rows))
    recalc = [0.0]
    full = wb.recalculate

    def timed_recalculate(*a, **k):
        t = time.perf_counter()
        out = full(*a, **k)
        recalc[0] += time.perf_counter() - t
        return out

    wb.recalculate = timed_recalculate
    middle = FIRST + rows // 2
    actions = (lambda: shift.insert(wb, "linear", "row", middle, 1), lambda: shift.delete(wb, "linear", "row", middle, 1),
               lambda: shift.insert(wb, "linear", "col", 12, 1), lambda: shift.delete(wb, "linear", "col", 12, 1),
               lambda: shift.insert(wb, "linear", "col", 5, 1), lambda: shift.delete(wb, "linear", "col", 5, 1))
    out = []
    for name, action in list(zip(OPS, actions))[:ops]:
        recalc[0] = 0.0
        t, c = time.perf_counter(), time.process_time()
        action()
        out.append((name, time.perf_counter() - t, time.process_time() - c, recalc[0]))
    check = (wb.formula("linear", 1, 1).text, wb.get("linear", 1, 1))  # the mean squared error, in both trees
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB on Linux
    print(json.dumps({"ops": out, "check": check, "peak_mib": peak}))


def window(rows: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_edit import FIRST, build
    from PySide6.QtWidgets import QApplication, QMessageBox

    from gdsheet.gui.document import Document
    from gdsheet.gui.window import MainWindow

    app = QApplication([])
    QMessageBox.question = lambda *a, **k: QMessageBox.StandardButton.Discard  # no question when it closes
    wb = build(rows)
    wb.recalculate()
    win = MainWindow()
    win.solver.ask_results = False
    win.show()
    win.set_document(Document(wb))
    app.processEvents()
    middle = FIRST + rows // 2

    def on_row(insert: bool):
        win.view.select_area(middle, 1, middle, 16384)
        return win.shift_cells(insert, "row")

    def on_column_l():
        win.view.select_area(1, 12, 1_048_576, 12)
        return win.shift_cells(True, "col")

    print(f"{rows:,} rows, {2 * rows + 1:,} formulas, from the window")
    for name, action in (("insert a row (middle)", lambda: on_row(True)), ("undo", win.doc.undo.undo),
                         ("redo", win.doc.undo.redo), ("delete that row", lambda: on_row(False)),
                         ("insert a column (L)", on_column_l)):
        t = time.perf_counter()
        action()
        app.processEvents()
        print(f"{name:26}{time.perf_counter() - t:9.3f} s")
    win.solver.shutdown()
    win.doc.undo.setClean()


def run_tree(tree: Path, rows: int, styles: bool, ops: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, __file__, "--child", "--rows", str(rows), "--ops", str(ops)] + (["--styles"] if styles
                                                                                         else [])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--base", type=Path, help="another gdsheet checkout to run side by side")
    ap.add_argument("--styles", action="store_true")
    ap.add_argument("--ops", type=int, default=len(OPS), help="only the first OPS of them (the base can take minutes)")
    ap.add_argument("--window", action="store_true", help="time it from the window (this tree only)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.window:
        window(args.rows)
        return
    if args.child:
        child(args.rows, args.styles, args.ops)
        return
    trees = [("this tree", Path(__file__).resolve().parent.parent)]
    if args.base is not None:
        trees.insert(0, ("base", args.base.resolve()))
    results = {name: run_tree(tree, args.rows, args.styles, args.ops) for name, tree in trees}
    print(f"{args.rows:,} rows, {2 * args.rows + 1:,} formulas" + (", a style per data cell" if args.styles else ""))
    print(f"{'':26}" + "".join(f"{name + ' wall s':>18}{'cpu s':>8}{'recalc s':>10}" for name, _ in trees)
          + ("   base / this (wall)" if len(trees) == 2 else ""))
    for i, op in enumerate(OPS[:args.ops]):
        line = f"{op:26}"
        for name, _ in trees:
            _, wall, cpu, recalc = results[name]["ops"][i]
            line += f"{wall:18.3f}{cpu:8.3f}{recalc:10.3f}"
        if len(trees) == 2:
            line += f"{results['base']['ops'][i][1] / results['this tree']['ops'][i][1]:21.0f}x"
        print(line)
    for name, _ in trees:
        print(f"{name}: peak memory {results[name]['peak_mib']:,.0f} MiB; after them: {results[name]['check']}")


if __name__ == "__main__":
    main()
