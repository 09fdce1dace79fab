"""Excel's functions: importing this package fills the one table, gdsheet.functions.registry.FUNCTIONS.

The modules are listed, not discovered: a frozen app (PyInstaller) neither finds nor bundles modules that are
only imported by name at run time. tests/functions/test_registry.py checks that every module is listed.
"""
from gdsheet.functions import (  # noqa: F401 - imported for their registrations
    bessel, complex, conditional, criteria, database, datetime, datetime_count, distributions,
    distributions_discrete, dynamic, engineering, engineering_units, financial, financial_bonds, financial_coupons,
    financial_depreciation, financial_discount, financial_odd, forecast_ets, hypothesis_tests, info, lambda_helpers,
    logical, lookup, lookup_ref, lookup_shape, math, math_aggregate, math_integer, matrix, operators, percentiles,
    pivot, regression, stats, text, text_regex, text_values, text_width, textformat, textsplit, trig, web,
    workbook_info,
)
from gdsheet.functions.registry import FUNCTIONS, FunctionSpec, elementwise, excel

__all__ = ["FUNCTIONS", "FunctionSpec", "excel", "elementwise"]
