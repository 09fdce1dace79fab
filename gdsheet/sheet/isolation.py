"""One cell cannot take a workbook down: an unexpected exception becomes an error value in that cell, logged once.

The reason kept in the error says, in Excel's words, what could not be calculated; the Python exception goes to
the log (once per distinct failure, so a filled-down column logs one line, not thousands) and never to the user.
"""
from __future__ import annotations

import logging

from gdsheet import errors as E
from gdsheet.errors import ExcelError, ResourceLimit
from gdsheet.refs import cell_name

log = logging.getLogger("gdsheet.calc")

_LOGGED: set[tuple[str, str, str]] = set()
_LOGGED_LIMIT = 10_000


def internal_error(what: str, exc: BaseException, where: tuple[str, int, int] | None = None,
                   error: ExcelError = E.VALUE) -> ExcelError:
    """The error value for an unexpected exception raised while calculating `what` (a function's name, "the
    formula"...), in the cell `where` (sheet, row, col) when known; the exception is logged once. A limit reached
    (ResourceLimit: a range or array too large to hold) is no bug: #NUM! with its reason, which names the limit."""
    if isinstance(exc, ResourceLimit):
        return E.NUM.because(str(exc))
    key = (what, type(exc).__name__, str(exc))
    if key not in _LOGGED and len(_LOGGED) < _LOGGED_LIMIT:
        _LOGGED.add(key)
        cell = f" in {where[0]}!{cell_name(where[1], where[2])}" if where else ""
        log.warning("internal error in %s%s (shown as %s): %s: %s", what, cell, error.code, type(exc).__name__,
                    exc)
        log.debug("traceback of the internal error in %s", what, exc_info=exc)
    return error.because(f"{what} could not be calculated here (an internal error in gdsheet; it was logged)")


def is_internal(value) -> bool:
    """Whether a value is an error made by internal_error (the sweep tests look for these)."""
    return isinstance(value, ExcelError) and "an internal error in gdsheet" in value.detail
