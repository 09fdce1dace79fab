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
       gdsheet calc BOOK.xlsx --explain CELL    recalculate, then say how CELL got its value (an error's reason)
       gdsheet solve BOOK.xlsx [options]        run the workbook's Solver model headless (see gdsheet solve -h)"""


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] in (["calc"], ["solve"]):
        # the `gdsheet` process itself runs a command (not a caller running one inside its own; not the app,
        # whose objects may have work to do at exit)
        from gdsheet.lazy_modules import own_process

        own_process()
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
    parser.add_argument("--explain", metavar="CELL", action="append", default=[],
                        help="print CELL's formula, value and, for an error, its reason and where it comes from "
                        "(Sheet1!B2, or B2 on the first sheet; repeatable) instead of the JSON")
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
        if args.explain:
            for cell in args.explain:
                print(explain(wb, cell))
            return 0
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
    except MemoryError:
        print(f"gdsheet calc: there is not enough memory to calculate {args.book}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not the user's doing: one line that says what, not a traceback
        first = next(iter(str(exc).splitlines()), "")
        print(f"gdsheet calc: internal error: {type(exc).__name__}: {first}", file=sys.stderr)
        return 2
    return 0


def explain(wb, cell: str) -> str:
    """How a cell got its value: its formula, its value and, for an error, the reason and the first cell it read
    that holds the same error (followed back to where the error starts)."""
    from gdsheet.refs import parse_area

    try:
        area = parse_area(cell, wb.sheets[0].name)
        sheet = wb.sheet(area.sheet).name
    except (ValueError, KeyError):
        return f"{cell}: not a cell of this workbook"
    lines, seen = [], set()
    cid = (sheet, area.r1, area.c1)
    while cid is not None and cid not in seen:
        seen.add(cid)
        s, r, c = cid
        f = wb.formula(s, r, c)
        value = wb.get(s, r, c)
        shown = value.code if isinstance(value, ExcelError) else json.dumps(json_value(value), ensure_ascii=False)
        lines.append(f"{s}!{cell_name(r, c)}" + (f" {f.text}" if f is not None else " (a constant)") + f" = {shown}")
        if not isinstance(value, ExcelError):
            break
        reason = value.detail or (f.error.detail if f is not None and f.error is not None else "")
        same = [p for p in sorted(wb.precedents(s, r, c)) if wb.get(*p) == value]
        cid = next((p for p in same if wb.get(*p).detail == reason), same[0] if same and not reason else None)
        if cid is not None and cid not in seen:
            lines.append("  read from:")
        elif reason:
            lines.append(f"  reason: {reason}")
    return "\n".join(lines)


def formula_values(wb) -> dict[str, object]:
    """'Sheet!A1' -> JSON value for every formula cell, every cell of array and spill ranges included."""
    out: dict[str, object] = {}
    for sheet in wb.sheets:
        cells: set[tuple[int, int]] = set(sheet.formulas)
        for (r, c), f in sheet.formulas.singles().items():  # blocks are never array formulas
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
