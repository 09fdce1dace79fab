"""Open each workbook of a corpus, change one cell, save, and list what did not survive.

usage: python scripts/roundtrip_corpus.py [FOLDER ...] [--limit N] [--every K] [--verbose]

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


def roundtrip_problems(original: Path, saved: Path, changed: str, edited_parts: set[str]) -> list[str]:
    """What did not survive: parts changed beyond the edited ones, and roundtrip_check.py's findings."""
    problems = []
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(saved) as b:
        names_b = set(b.namelist())
        for name in a.namelist():
            if name in edited_parts or name == "xl/calcChain.xml":
                continue
            if name not in names_b:
                problems.append(f"part lost: {name}")
            elif a.read(name) != b.read(name):
                problems.append(f"part changed: {name}")
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

    wb = load_workbook(book)
    changed = edit_one_cell(wb)
    saved = folder / book.name
    notes = save_workbook(wb, saved)
    index = [s.name for s in wb.sheets].index(changed.split("!")[0])
    problems = [f"save said: {n}" for n in notes if "could not be patched" in n]
    part = sheet_part(book, index)
    return problems + roundtrip_problems(book, saved, changed, {part} if part else set())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus" / "roundtrip")])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--every", type=int, default=1, help="take every K-th book (a sample)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    books = sorted(p for f in args.folders for p in Path(f).rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm"))
    books = books[::args.every][:args.limit or None]
    passed, t0 = 0, time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for book in books:
            try:
                problems = round_trip(book, Path(tmp))
            except Exception as e:  # a crash is a failure of that book, reported like the others
                problems = [f"error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"]
            if problems:
                print(f"FAIL {book.name}: " + ("; ".join(problems) if args.verbose else problems[0]))
            else:
                passed += 1
    print(f"round trip: {passed} of {len(books)} workbooks survived one edit and a save ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
