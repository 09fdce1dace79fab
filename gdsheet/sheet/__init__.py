"""Workbook model, dependency graph and recalculation."""
from gdsheet.sheet.model import CalcSettings, DefinedName, Formula, Sheet, Table
from gdsheet.sheet.workbook import Workbook

__all__ = ["Workbook", "Sheet", "Formula", "DefinedName", "Table", "CalcSettings"]
