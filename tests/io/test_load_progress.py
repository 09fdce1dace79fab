"""Loading reports its progress as the worksheets decompress, can be cancelled, and refuses a file whose
worksheets expand past a cap on the bytes actually produced (not only on the declared ratio)."""
import openpyxl
import pytest

from gdsheet.errors import GdsheetError
from gdsheet.io import load_workbook
from gdsheet.io import xlsx_read


@pytest.fixture
def book(tmp_path):
    xl = openpyxl.Workbook()
    ws = xl.active
    for r in range(1, 3001):
        ws.append([r, r * 0.5, f"row {r}"])
    path = tmp_path / "rows.xlsx"
    xl.save(path)
    return path


def test_progress_rises_to_the_total(book):
    seen = []
    wb = load_workbook(book, lambda done, total: seen.append((done, total)))
    assert wb.get("Sheet", 3000, 1) == 3000.0
    dones = [d for d, _ in seen]
    assert len(seen) > 1 and dones == sorted(dones) and dones[-1] == seen[-1][1]


def test_cancel_from_the_progress_callback(book):
    def cancel(done, total):
        if done > total // 2:
            raise xlsx_read.LoadCancelled("cancelled")
    with pytest.raises(xlsx_read.LoadCancelled):
        load_workbook(book, cancel)


def test_expanded_bytes_are_capped(book, monkeypatch):
    monkeypatch.setattr(xlsx_read, "MAX_EXPANDED_BYTES", 10_000)
    with pytest.raises(GdsheetError, match="expands to more than"):
        load_workbook(book)


def _rows_held(sheet, col: int) -> int:
    return len(sheet.cells._cols[col].nums)  # the column store's array: how many rows it has room for


def _write_rows(path, rows: int, dimension: str | None):
    """A sheet of `rows` rows of two numbers, with the <dimension> given (None: none, as openpyxl's write-only mode
    writes)."""
    xl = openpyxl.Workbook(write_only=True)
    ws = xl.create_sheet("s")
    for r in range(1, rows + 1):
        ws.append([r, r * 0.5])
    xl.save(path)
    if dimension is not None:
        import zipfile
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        name = next(n for n in parts if n.startswith("xl/worksheets/"))
        parts[name] = parts[name].replace(b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode(), 1)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)


@pytest.mark.parametrize("dimension", [None, "A1:B60000", "A1:B1048576", "A1"])
def test_columns_are_made_long_enough_at_once_and_an_overstated_size_is_given_back(tmp_path, dimension):
    # stated or guessed from the first rows, a sheet's size makes each column's array once (no growing copies);
    # a <dimension> that overstates it (A1:B1048576 for 60,000 rows) costs nothing once the file is read
    path = tmp_path / "rows.xlsx"
    _write_rows(path, 60_000, dimension)
    wb = load_workbook(path)
    sheet = wb.sheet("s")
    assert wb.get("s", 60_000, 2) == 30_000.0 and wb.get("s", 1, 1) == 1.0 and wb.get("s", 60_001, 1) is None
    assert sheet.used_bounds == (60_000, 2)
    for col in (1, 2):
        assert 60_000 <= _rows_held(sheet, col) <= 60_000 * 1.25


def test_a_workbook_without_cached_values_reports_its_calculation(tmp_path):
    from gdsheet.sheet.workbook import Workbook
    wb = Workbook()
    sh = wb.add_sheet("s")
    for r in range(1, 2001):
        sh.cells[(r, 1)] = float(r)
        wb.set_formula("s", r, 2, f"=A{r}*2")
    wb.set_formula("s", 1, 3, "=SUM(B1:B2000)")
    seen = []
    wb.recalculate(lambda done, total: seen.append((done, total)))
    assert wb.get("s", 1, 3) == 2 * sum(range(1, 2001))
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and seen[-1][0] == seen[-1][1] >= 2001
