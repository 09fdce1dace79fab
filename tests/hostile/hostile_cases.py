"""Hostile, huge and broken workbooks, built small, and a runner that runs gdsheet on them in a subprocess under a
memory cap and a time limit, measuring the time and the peak memory it took.

Used by test_hostile.py and by benchmarks/hostile_probe.py (which prints the table of every case)."""
from __future__ import annotations

import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula

REPO = Path(__file__).resolve().parents[2]
MEMORY_CAP = 2 * 1024**3
TIME_LIMIT = 60.0


# ---- building files ---------------------------------------------------------------------------------------------

def _book(build: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        wb = openpyxl.Workbook()
        wb.active.title = "Data"
        data = wb.active
        for r, v in enumerate((1, 2, 3), 1):
            data.cell(r, 1, v)
        build(wb)
        wb.save(path)
    return write


def _calc_sheet(wb, formula: str, cell: str = "A1") -> None:
    ws = wb.create_sheet("Calc")
    ws[cell] = formula


def _names(wb, **names) -> None:
    for name, text in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=text)


def _solver(wb, sheet: str = "Data", **names) -> None:
    ws = wb[sheet]
    for name, text in names.items():
        ws.defined_names[name] = DefinedName(name, attr_text=text, hidden=True)


def patch(path: Path, part: str, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of the zip at `path` through `edit`."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info.filename, edit(data) if info.filename == part else data)


def _patched(build, part: str, edit: Callable[[bytes], bytes]):
    def write(path: Path) -> None:
        build(path)
        patch(path, part, edit)
    return write


def _solver_book(**names):
    """x in Data!B1 (2), objective Data!B2 = (B1-3)^2, plus `names` as the stored Solver model."""
    def build(wb):
        ws = wb["Data"]
        ws["B1"] = 2
        ws["B2"] = "=(B1-3)^2"
        ws["B3"] = "=B1/0"
        model = {"solver_opt": "Data!$B$2", "solver_typ": "2", "solver_adj": "Data!$B$1", "solver_num": "0",
                 "solver_itr": "200", "solver_ver": "3"}
        model.update(names)
        _solver(wb, **model)
    return _book(build)


def _cycle(n: int):
    def build(wb):
        ws = wb.create_sheet("Calc")
        for r in range(1, n + 1):
            ws.cell(r, 1, f"=A{r % n + 1}+1")
    return _book(build)


def _damaged(path: Path) -> None:
    _book(lambda wb: _calc_sheet(wb, "=SUM(Data!A1:A3)" + "+0" * 2000))(path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    for i in range(middle, middle + 20):
        raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))


def bomb(path: Path, rows: int, cols: int = 16, kind: str = "") -> None:
    """A valid xlsx whose one sheet has rows x cols numeric cells, written straight into the zip: the file is a few
    MB, the XML expands several hundred-fold (cells and bytes, not a ratio, bound what it costs)."""
    build = _book(lambda wb: None)
    build(path)
    t = f' t="{kind}"' if kind else ""  # kind "b": booleans, which cost more than numbers
    row_xml = "".join(f'<c r="{openpyxl.utils.get_column_letter(c)}{{r}}"{t}><v>1</v></c>' for c in range(1, cols + 1))
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i)) for i in z.infolist() if i.filename != "xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members:
            z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = []
            for r in range(1, rows + 1):
                chunk.append(f'<row r="{r}">' + row_xml.replace("{r}", str(r)) + "</row>")
                if len(chunk) == 1000:
                    fh.write("".join(chunk).encode())
                    chunk = []
            fh.write(("".join(chunk) + "</sheetData></worksheet>").encode())


def _long_chain(n_minus: int):
    return _book(lambda wb: _calc_sheet(wb, "=" + "-" * n_minus + "1"))


def _col_widths(path: Path) -> None:
    _book(lambda wb: _calc_sheet(wb, "=SUM(Data!A:A)"))(path)
    patch(path, "xl/worksheets/sheet1.xml", lambda x: x.replace(
        b"<sheetData", b'<cols><col min="1" max="2000000000" width="12" customWidth="1"/></cols><sheetData', 1))


def _iterate(count: str):
    def build(path: Path) -> None:
        _cycle(2)(path)
        patch(path, "xl/workbook.xml", lambda x: x.replace(
            b"<calcPr", f'<calcPr iterate="1" iterateCount="{count}" iterateDelta="0"'.encode(), 1)
            if b"<calcPr" in x else x.replace(b"</workbook>", f'<calcPr calcId="191029" iterate="1" iterateCount='
                                                                f'"{count}" iterateDelta="0"/></workbook>'.encode()))
    return build


def _array_whole_sheet(wb) -> None:
    ws = wb.create_sheet("Calc")
    ws["A1"] = ArrayFormula("A1:XFD1048576", "=Data!A1*2")


def _wild(formula: str, text: str = "a" * 1000):
    def build(wb):
        wb["Data"]["C1"] = text
        _calc_sheet(wb, formula)
    return _book(build)


# ---- the cases -------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    modes: tuple[str, ...] = ("calc", "app")  # calc, app, solve (with `solve_args`)
    expect: dict | None = None  # Calc values `gdsheet calc` must give (Excel's results)
    error: str | None = None  # text the one-line error must contain, when the file is refused
    solve_args: tuple[str, ...] = ()
    slow: bool = False


CASES = [
    Case("sum_whole_sheet", _book(lambda wb: _calc_sheet(wb, "=SUM(Data!A1:XFD1048576)")), ("calc", "app", "solve"),
         expect={"Calc!A1": 6.0}, solve_args=("--objective", "Calc!A1", "--changing", "Data!A1")),
    Case("sum_all_columns", _book(lambda wb: _calc_sheet(wb, "=SUM(Data!A:XFD)")), expect={"Calc!A1": 6.0}),
    Case("sum_all_rows", _book(lambda wb: _calc_sheet(wb, "=SUM(Data!1:1048576)")), expect={"Calc!A1": 6.0}),
    Case("count_whole_sheet_same_sheet", _book(lambda wb: wb["Data"].__setitem__("C5", "=ROWS(A:XFD)*COLUMNS(1:1)")),
         expect={"Data!C5": 1048576.0 * 16384}),
    Case("array_over_whole_sheet", _book(_array_whole_sheet), expect={"Calc!A1": "#NUM!"}),
    Case("sequence_of_a_whole_sheet", _book(lambda wb: _calc_sheet(wb, "=SEQUENCE(1048576,16384)")),
         expect={"Calc!A1": "#NUM!"}),
    Case("solver_adj_whole_sheet", _solver_book(solver_adj="Data!$A$1:$XFD$1048576"), ("solve", "app"),
         error="1,048,576"),
    Case("col_max_2e9", _col_widths, ("calc", "app"), expect={"Calc!A1": 6.0}),
    Case("countif_backtracking", _wild('=COUNTIF(Data!C1,"*a*a*a*b")'), expect={"Calc!A1": 0.0}),
    Case("countif_matches", _wild('=COUNTIF(Data!C1,"*a*a*a*a")'), expect={"Calc!A1": 1.0}),
    Case("search_backtracking", _wild('=SEARCH("*a*a*a*b",Data!C1)'), expect={"Calc!A1": "#VALUE!"}),
    Case("match_backtracking", _wild('=MATCH("*a*a*a*b",Data!C1:C2,0)'), expect={"Calc!A1": "#N/A"}),
    Case("xlookup_backtracking", _wild('=XLOOKUP("*a*a*a*b",Data!C1:C2,Data!C1:C2,"none",2)'),
         expect={"Calc!A1": "none"}),
    Case("sumifs_backtracking", _wild('=SUMIFS(Data!A1:A3,Data!C1:C3,"*a*a*a*b")'), expect={"Calc!A1": 0.0}),
    Case("name_is_itself_plus_one", _book(lambda wb: (_names(wb, X="X+1"), _calc_sheet(wb, "=X"))),
         expect={"Calc!A1": "#REF!"}),
    Case("names_refer_to_each_other", _book(lambda wb: (_names(wb, P="Q", Q="P"), _calc_sheet(wb, "=P"))),
         expect={"Calc!A1": "#REF!"}),
    Case("percent_chain_8000", _book(lambda wb: _calc_sheet(wb, "=1" + "%" * 8000)), expect={"Calc!A1": 0.0}),
    Case("cycle_of_4000_cells", _cycle(4000), expect={"Calc!A1": 0.0}),
    Case("unary_chain_8190", _long_chain(8190), expect={"Calc!A1": 1.0}),
    Case("formula_over_8192", _long_chain(9000), expect={"Calc!A1": "#NAME?"}),
    Case("parentheses_4000_deep", _book(lambda wb: _calc_sheet(wb, "=" + "(" * 4000 + "1" + ")" * 4000)),
         expect={"Calc!A1": 1.0}),
    Case("plus_chain_4000", _book(lambda wb: _calc_sheet(wb, "=1" + "+1" * 4000)), expect={"Calc!A1": 4001.0}),
    Case("iterate_count_2e9", _iterate("2000000000")),
    Case("solver_num_1e15", _solver_book(solver_num="1E+15"), ("solve", "app")),
    Case("solver_num_1e8", _solver_book(solver_num="1E+8"), ("solve", "app")),
    Case("solver_lr_nan", _solver_book(gdsheet_lr="NAN", gdsheet_method='"adam"'), ("solve", "app")),
    Case("solver_objective_on_missing_sheet", _solver_book(solver_opt="Gone!$A$1"), ("solve", "app"),
         error="Gone"),
    Case("solver_objective_in_error", _solver_book(solver_opt="Data!$B$3"), ("solve",), error="#DIV/0!"),
    Case("solver_rel_9", _solver_book(solver_num="1", solver_lhs1="Data!$B$1", solver_rel1="9", solver_rhs1="1"),
         ("solve", "app"), error="relation code 9"),
    Case("solver_value_of_nan", _solver_book(), ("solve",), solve_args=("--value-of", "nan"), error="nan"),
    Case("solver_device_bogus", _solver_book(), ("solve",), solve_args=("--device", "bogus"), error="bogus"),
    Case("solver_device_meta", _solver_book(), ("solve",), solve_args=("--device", "meta"), error="meta"),
    Case("solver_seed_2_70", _solver_book(), ("solve",), solve_args=("--seed", str(2**70)), error="seed"),
    Case("damaged_member", _damaged, error="sheet2.xml"),
    Case("zip_bomb_many_cells", lambda p: bomb(p, 400_000, kind="b"), ("calc", "app"), error="5,000,000 cells",
         slow=True),
]
CASES_BY_NAME = {c.name: c for c in CASES}


# ---- running -------------------------------------------------------------------------------------------------

_APP = r"""
import json, sys
from PySide6.QtWidgets import QApplication, QMessageBox
messages = []
for kind in ("critical", "warning", "information"):
    setattr(QMessageBox, kind, staticmethod(lambda parent, title, text, *a, **k: messages.append(text) or 0))
QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)
app = QApplication(["gdsheet"])
from gdsheet.gui.window import MainWindow
window = MainWindow()
window.show()
ok = window.load(sys.argv[1])
app.processEvents()
print(json.dumps({"loaded": bool(ok), "messages": messages, "status": window.statusBar().currentMessage()}))
window.close()
"""


@dataclasses.dataclass
class Outcome:
    rc: int | None  # None: killed at the time limit
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr or self.rc is not None and self.rc < 0

    @property
    def hung(self) -> bool:
        return self.rc is None


def _limit_memory(cap: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return limit


def run(args: list[str], timeout: float = TIME_LIMIT, cap: int = MEMORY_CAP, pythonpath: Path = REPO) -> Outcome:
    """Run `python args...` with gdsheet from `pythonpath`, under `cap` bytes of address space; kill it after
    `timeout` seconds. The peak resident memory is the child's own (wait4), not the test's."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath), QT_QPA_PLATFORM="offscreen", PYTHONFAULTHANDLER="1")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, *args], stdout=out, stderr=err, env=env,
                                preexec_fn=_limit_memory(cap), cwd=tempfile.gettempdir())
        rc = None
        usage = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                rc = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() - start > timeout:
                proc.kill()
                _, _, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = rc if rc is not None else -9
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Outcome(rc, seconds, usage.ru_maxrss / 1024, out.read().decode(errors="replace"),
                       err.read().decode(errors="replace"))


def run_case(case: Case, mode: str, folder: Path, timeout: float = TIME_LIMIT, pythonpath: Path = REPO) -> Outcome:
    path = folder / f"{case.name}.xlsx"
    if not path.exists():
        case.build(path)
    if mode == "calc":
        return run(["-m", "gdsheet.cli", "calc", str(path)], timeout, pythonpath=pythonpath)
    if mode == "solve":
        args = list(case.solve_args) or ["--iterations", "50"]
        return run(["-m", "gdsheet.cli", "solve", str(path), *args], timeout, pythonpath=pythonpath)
    if mode == "app":
        return run(["-c", _APP, str(path)], timeout, pythonpath=pythonpath)
    raise ValueError(mode)
