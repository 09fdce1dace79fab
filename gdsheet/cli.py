"""The `gdsheet` command: the app (`gdsheet [BOOK.xlsx]`), `gdsheet calc`, `gdsheet solve`."""
from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from gdsheet.errors import ExcelError, GdsheetError
from gdsheet.refs import cell_name

USAGE = """usage: gdsheet [BOOK.xlsx]                 open the app (on a workbook)
       gdsheet calc BOOK.xlsx --json OUT.json   recalculate every formula, write the values as JSON
       gdsheet solve BOOK.xlsx [options]        run the workbook's Solver model headless (see gdsheet solve -h)"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv and argv[0] == "calc":
        return calc_main(argv[1:])
    if argv and argv[0] == "solve":
        from gdsheet.solver.cli import main as solve_main

        return solve_main(argv[1:])
    if argv and argv[0] == "--version":
        from gdsheet import __version__

        print(f"gdsheet {__version__}")
        return 0
    from gdsheet.gui.app import main as app_main

    return app_main(argv)


def calc_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="gdsheet calc", description="Recalculate every formula of a workbook "
                                     "from scratch (ignoring cached values) and write each formula cell's value.")
    parser.add_argument("book", help="an .xlsx workbook")
    parser.add_argument("--json", dest="json_path", help="write {\"Sheet!A1\": value} for every formula cell here "
                        "(default: standard output)")
    parser.add_argument("--seed", type=int, default=None, help="seed RAND() and friends")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    from gdsheet.io import load_workbook

    try:
        wb = load_workbook(args.book)
        if args.seed is not None:
            wb.engine.rng.seed(args.seed)
        wb.recalculate()
        values = formula_values(wb)
        text = json.dumps(values, ensure_ascii=False, allow_nan=False)
        if args.json_path:
            with open(args.json_path, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            print(text)
    except (GdsheetError, OSError) as exc:
        print(f"gdsheet calc: {exc}", file=sys.stderr)
        return 2
    return 0


def formula_values(wb) -> dict[str, object]:
    """'Sheet!A1' -> JSON value for every formula cell, every cell of array and spill ranges included."""
    out: dict[str, object] = {}
    for sheet in wb.sheets:
        cells: set[tuple[int, int]] = set(sheet.formulas)
        for (r, c), f in sheet.formulas.items():
            if f.array is not None and not f.dynamic:
                cells.update(f.array.cells())
        cells.update(sheet.spilled_from)
        for r, c in sorted(cells):
            out[f"{sheet.name}!{cell_name(r, c)}"] = json_value(sheet.cells.get((r, c)))
    return out


def json_value(v):
    if isinstance(v, ExcelError):
        return v.code
    if isinstance(v, (bool, str)) or v is None:
        return v
    if isinstance(v, (int, float, np.floating)):
        v = float(v)
        return v if math.isfinite(v) else "#NUM!"
    return str(v)


if __name__ == "__main__":
    sys.exit(main())
