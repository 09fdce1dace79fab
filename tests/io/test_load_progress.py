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
