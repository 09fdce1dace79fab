"""Fixtures shared by the function tests."""
import pytest

from gdsheet.sheet.workbook import Workbook
from oracle import new_workbook


@pytest.fixture(scope="module")
def wb() -> Workbook:
    """A blank Sheet1 workbook for a module's formulas; a module that needs data overrides it, filling this one."""
    return new_workbook()
