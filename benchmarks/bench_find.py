"""Benchmark (not a test): Find Next (Ctrl+F) from A1 on the linear Titanic model at N rows (bench_edit's sheet:
numbers in the column arrays, two formula blocks, plus a text header row), the walk that stops at the first match
against the algorithm it replaced (every cell's text, sorted, then the first after the current cell), side by side in
one run. Cases: a word of the header, a word that is nowhere, SUMPRODUCT (in formulas), a number from the middle
row (in values); the walk alone for that number in formulas (each block row's text made, as the pattern has
digits) and for digits of it without the point (each distinct number written); and Find All (count and first
10,000) of SUMPRODUCT.

    python benchmarks/bench_find.py [--rows 1000000] [--no-old]
"""
from __future__ import annotations

import argparse
import gc
import time

from bench_edit import FIRST, build

from gdsheet.sheet.find import FindOptions, Pattern, cell_text, find_listed, find_next
from gdsheet.values import format_number

HEADER = ["Pclass", "Age", "SibSp", "Parch", "Fare", "Male", "Embarked_C", "Embarked_Q", "Embarked_S", "Bias",
          "Survived", "Guess"]


def old_find_next(wb, options, sheet_name, row, col):
    """The algorithm before the walk: find_all (every cell of the sheet, sorted, its text formatted) and then the
    dialog's pick of the first match after the current cell."""
    pattern = Pattern(options.text, options.match_case, options.whole_cell)
    sheet = wb.sheet(sheet_name)
    keys = sheet.cells.keys() | sheet.formulas.keys()
    keys = sorted(keys) if options.by_rows else sorted(keys, key=lambda k: (k[1], k[0]))
    found = []
    for r, c in keys:
        text = cell_text(wb, sheet, r, c, options.look_in)  # unchanged by the walk
        if text is not None and text != "" and pattern.search(text) is not None:
            found.append((sheet_name, r, c))
    here = (row, col) if options.by_rows else (col, row)
    after = [cell for cell in found if (cell[1:] if options.by_rows else cell[:0:-1]) > here]
    return (after[0] if after else found[0]) if found else None


def timed(action):
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    out = action()
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--no-old", action="store_true", help="time the walk only (the old way takes minutes)")
    args = ap.parse_args()
    wb = build(args.rows)
    sh = wb.sheet("linear")
    for c, name in enumerate(HEADER, 1):
        sh.cells[(FIRST - 1, c)] = name
    middle = FIRST + args.rows // 2
    number = format_number(sh.cells[(middle, 2)])
    cases = [("a header word (Survived)", FindOptions("Survived")),
             ("a word that is nowhere (Cabin)", FindOptions("Cabin")),
             ("SUMPRODUCT, in formulas", FindOptions("SUMPRODUCT")),
             (f"the number in B{middle}, in values", FindOptions(number, look_in="values")),
             # the walk only (the old way costs the same as above whatever the pattern):
             (f"the number in B{middle}, in formulas", FindOptions(number)),
             (f"digits of B{middle} (no point), in values", FindOptions(number[2:12], look_in="values"))]
    print(f"{args.rows:,} rows, {len(sh.cells):,} values, {len(sh.formulas):,} formulas; Find Next from A1")
    print(f"{'':44}{'found':>9}{'old wall s':>12}{'old cpu s':>11}{'new wall s':>12}{'new cpu s':>11}{'old/new':>9}")
    for k, (name, options) in enumerate(cases):
        new, wall, cpu = timed(lambda: find_next(wb, options, "linear", 1, 1))
        cell = "none" if new is None else f"R{new[1]}C{new[2]}"
        old_cols = f"{'':>12}{'':>11}"
        ratio = ""
        if not args.no_old and k < 4:
            old, old_wall, old_cpu = timed(lambda: old_find_next(wb, options, "linear", 1, 1))
            assert old == new, (old, new)
            old_cols = f"{old_wall:12.3f}{old_cpu:11.3f}"
            ratio = f"{old_cpu / max(cpu, 1e-6):9.0f}"
        print(f"{name:44}{cell:>9}{old_cols}{wall:12.3f}{cpu:11.3f}{ratio}")
    (total, listed), wall, cpu = timed(lambda: find_listed(wb, FindOptions("SUMPRODUCT"), "linear", 10_000))
    print(f"Find All SUMPRODUCT: {total:,} found, {len(listed):,} listed: {wall:.3f} s wall, {cpu:.3f} s cpu")


if __name__ == "__main__":
    main()
