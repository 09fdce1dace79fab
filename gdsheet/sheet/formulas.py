"""Making a cell's Formula from its text: parsed once per relative form, a parse failure kept as #NAME? with its reason."""
from __future__ import annotations

from gdsheet import errors as E
from gdsheet.errors import FormulaSyntaxError
from gdsheet.formula import parse_cached
from gdsheet.refs import MAX_ARRAY_CELLS, Area
from gdsheet.sheet.model import Formula


def make_formula(text: str, row: int, col: int, array: Area | None = None, dynamic: bool = False) -> Formula:
    """The Formula for `text` written in (row, col). For a dynamic formula, `array` is the spill range it last
    occupied (as a file records it); for a legacy array formula it is the range the formula fills."""
    if not text.startswith("="):
        text = "=" + text
    if array is not None and array.size > MAX_ARRAY_CELLS:
        if dynamic:  # a spill range recorded by a file is only a hint: recomputing finds (and bounds) the real one
            array = None
        else:
            why = (f"the array formula's range {array.a1(with_sheet=False)} has {array.size:,} cells, more than "
                   f"gdsheet's limit of {MAX_ARRAY_CELLS:,}")
            return Formula(text, None, E.NUM.because(why), Area(array.sheet, row, col, row, col), False)
    try:
        return Formula(text, parse_cached(text, row, col), None, array, dynamic)
    except FormulaSyntaxError as exc:
        error = E.error_from_code(exc.code).because(f"the formula cannot be read: {exc}")
        return Formula(text, None, error, array, dynamic)
