"""Open each workbook of a corpus, change one cell, save, and list what did not survive.

usage: python scripts/roundtrip_corpus.py [FOLDER or BOOK ...] [--limit N] [--every K] [--verbose]

For each book: the first constant number of the first sheet is increased by one (a text constant gets a suffix;
with neither, a number goes below the used range), the workbook is saved next to a temporary copy, and
`roundtrip_problems` compares the two: every part but the edited sheet's byte-identical (the calc chain may go),
and ../shared/tools/roundtrip_check.py's cell-level checks (styles, names, formula text, constants). Prints one
line per failing book and the pass count.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import re
import runpy
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT.parent / "shared" / "tools" / "roundtrip_check.py"
if not CHECK.exists():
    CHECK = Path("/work/shared/tools/roundtrip_check.py")


def edit_one_cell(wb) -> str:
    """Change one cell of the first sheet as a user would; returns 'Sheet!A1' of the cell changed."""
    from gdsheet.refs import cell_name

    sheet = wb.sheets[0]
    for kind in (float, str):
        for (r, c), v in sorted(sheet.cells.items()):
            if (r, c) in sheet.formulas or (r, c) in sheet.spilled_from or type(v) is not kind:
                continue
            if kind is str and v.startswith("="):  # roundtrip_check.py reads such text as a formula's
                continue
            if any(f.array is not None and f.array.contains(sheet.name, r, c) if hasattr(f.array, "contains")
                   else False for f in sheet.formulas.values()):
                continue
            wb.set_value(sheet.name, r, c, v + 1 if kind is float else v + " (edited)")
            return f"{sheet.name}!{cell_name(r, c)}"
    r = sheet.used_bounds[0] + 2
    wb.set_value(sheet.name, r, 1, 42.0)
    return f"{sheet.name}!{cell_name(r, 1)}"


def sheet_part(path: Path, sheet_index: int) -> str | None:
    """The part name of the n-th worksheet gdsheet reads (as the reader orders them)."""
    from gdsheet.io.xlsx_save import _Plan  # noqa: F401  (only the package layout is needed)
    import re

    with zipfile.ZipFile(path) as z:
        wb_xml = z.read("xl/workbook.xml") if "xl/workbook.xml" in z.namelist() else b""
        rels = z.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in z.namelist() else b""
    targets = dict(re.findall(rb'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    kinds = dict(re.findall(rb'Id="([^"]+)"[^>]*?Type="[^"]*/(\w+)"', rels))
    kinds.update({k: v for v, k in re.findall(rb'Type="[^"]*/(\w+)"[^>]*?Id="([^"]+)"', rels)})
    sheets = [rid for rid in re.findall(rb'<sheet\b[^>]*?r:id="([^"]+)"', wb_xml) if kinds.get(rid) == b"worksheet"]
    if sheet_index >= len(sheets):
        return None
    t = targets[sheets[sheet_index]].decode()
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


_CALC_CHAIN = re.compile(rb'<Override PartName="/xl/calcChain.xml"[^>]*/>'
                         rb'|<Relationship [^>]*Target="calcChain.xml"[^>]*/>')


def cell_changes(a: bytes, b: bytes) -> list[str]:
    """How worksheet part `b` differs from `a` beyond formula results: the head and tail (outside <dimension>)
    and every cell's bytes, except cells whose <f> element is the same (only the cached value changed)."""
    from gdsheet.io.sheet_xml import Position, WorksheetXml, attrs, cell_spans, row_spans
    from gdsheet.refs import cell_name

    def walk(data: bytes):
        part = WorksheetXml(io.BytesIO(data))
        pat, pos, cells = part.patterns, Position(), {}
        for block in part.blocks():
            for row in row_spans(block, pat):
                pos.next_row(attrs(row.group(1)))
                for c in cell_spans(row, pat):
                    key = pos.next_cell(attrs(c.group(1)))
                    f = pat.f.search(c.group(2) or b"")
                    cells[key] = (c.group(0), f.group(0) if f else None)
        dim = re.compile(rb'<dimension ref="[^"]*"/>')
        tail = part.tail[len(b"</sheetData>"):] if part.tail.startswith(b"</sheetData>") else part.tail
        return dim.sub(b"", part.head), tail, cells

    head_a, tail_a, cells_a = walk(a)
    head_b, tail_b, cells_b = walk(b)
    out = [] if head_a == head_b else ["head"]
    if tail_a != tail_b:
        out.append("tail")
    for key in cells_a.keys() | cells_b.keys():
        x, y = cells_a.get(key), cells_b.get(key)
        if x is None or y is None or (x[0] != y[0] and (x[1] is None or x[1] != y[1])):
            out.append(cell_name(*key))
    return out


SKIPPED_CELL_CHECKS: list[str] = []  # books whose cell-level check openpyxl cannot do (a 1M x 16K dimension)
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def huge_dimension(path: Path, limit: int = 5_000_000) -> bool:
    """A sheet whose declared used range is so large that openpyxl's iter_rows (in roundtrip_check.py) would
    walk billions of empty cells: Excel writes A1:XFD1048576 when the last row and column hold a formatted cell."""
    from gdsheet.refs import col_index

    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                m = _DIMENSION.search(z.read(name)[:4096])
                if m and m.group(3):
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    cols = col_index(m.group(3).decode()) - col_index(m.group(1).decode()) + 1
                    if rows * cols > limit:
                        return True
    return False


def roundtrip_problems(original: Path, saved: Path, changed: str, allowed_cells: dict[str, set[str]]) -> list[str]:
    """What did not survive: parts changed beyond formula results and the `allowed_cells` of each worksheet part,
    and roundtrip_check.py's findings."""
    problems = []
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(saved) as b:
        names_b = set(b.namelist())
        chain_dropped = "xl/calcChain.xml" in a.namelist() and "xl/calcChain.xml" not in names_b
        for name in a.namelist():
            if name == "xl/calcChain.xml":
                continue
            if name not in names_b:
                problems.append(f"part lost: {name}")
                continue
            x, y = a.read(name), b.read(name)
            if x == y:
                continue
            if chain_dropped and name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels") \
                    and _CALC_CHAIN.sub(b"", x) == y:
                continue
            if name in allowed_cells:
                extra = [c for c in cell_changes(x, y) if c not in allowed_cells[name]]
                if extra:
                    problems.append(f"part changed beyond formula results: {name} ({', '.join(extra[:4])})")
                continue
            problems.append(f"part changed: {name}")
    if huge_dimension(original):
        SKIPPED_CELL_CHECKS.append(original.name)
        return problems
    out = io.StringIO()
    argv = sys.argv
    sys.argv = [str(CHECK), str(original), str(saved), "--changed", changed]
    code = 0
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runpy.run_path(str(CHECK), run_name="__main__")
    except SystemExit as e:
        code = e.code or 0
    finally:
        sys.argv = argv
    if code:
        problems += [line for line in out.getvalue().splitlines() if not line.startswith("round trip:")]
    return problems


def round_trip(book: Path, folder: Path) -> list[str]:
    """Open `book`, edit one cell, save it into `folder`; the problems found (empty: it survived)."""
    from gdsheet.io import load_workbook, save_workbook

    from gdsheet.refs import cell_name

    wb = load_workbook(book)
    changed = edit_one_cell(wb)
    saved = folder / book.name
    notes = save_workbook(wb, saved)
    problems = [f"save said: {n}" for n in notes if "could not be patched" in n]
    allowed: dict[str, set[str]] = {}
    also_changed = [changed]
    for i, sheet in enumerate(wb.sheets):
        # the cells an array formula or a spill fills: values recomputed by gdsheet, stored without a formula
        covered = {cell_name(*k) for k in sheet.spilled_from}
        for (r, c), f in sheet.formulas.items():
            if f.array is not None:  # only the cells holding a value (an array over a whole column has 1M)
                a = f.array
                covered |= {cell_name(*k) for k in sheet.cells if a.r1 <= k[0] <= a.r2 and a.c1 <= k[1] <= a.c2}
        if i == [s.name for s in wb.sheets].index(changed.split("!")[0]):
            covered.add(changed.split("!")[1])
        part = sheet_part(book, i)
        if part:
            allowed[part] = covered
        also_changed += [f"{sheet.name}!{ref}" for ref in covered]
    return problems + roundtrip_problems(book, saved, ",".join(also_changed), allowed)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus" / "roundtrip")])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--every", type=int, default=1, help="take every K-th book (a sample)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    books = sorted(p for f in args.folders for p in ([Path(f)] if Path(f).is_file() else Path(f).rglob("*"))
                   if p.suffix.lower() in (".xlsx", ".xlsm"))
    books = books[::args.every][:args.limit or None]
    passed, t0 = 0, time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for book in books:
            t1 = time.time()
            try:
                problems = round_trip(book, Path(tmp))
            except Exception as e:  # a crash is a failure of that book, reported like the others
                problems = [f"error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"]
            if problems:
                print(f"FAIL {book.name}: " + ("; ".join(problems) if args.verbose else problems[0]))
            else:
                passed += 1
                if args.verbose:
                    print(f"ok {book.name} ({time.time() - t1:.1f} s)")
    print(f"round trip: {passed} of {len(books)} workbooks survived one edit and a save ({time.time() - t0:.0f} s)")
    if SKIPPED_CELL_CHECKS:
        print(f"  of them {len(SKIPPED_CELL_CHECKS)} checked part by part and cell by cell in their XML only: "
              f"openpyxl cannot walk their A1:XFD1048576 range ({', '.join(SKIPPED_CELL_CHECKS[:5])}...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
