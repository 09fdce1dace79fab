"""Excel error values (carried through calculation as values) and gdsheet's exception tree."""
from __future__ import annotations


class ExcelError:
    """An Excel error value such as #DIV/0!; `detail` says why, for tooltips, and never affects equality."""

    __slots__ = ("code", "detail")

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExcelError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"ExcelError({self.code!r}{', ' + repr(self.detail) if self.detail else ''})"

    def __str__(self) -> str:
        return self.code

    def because(self, detail: str) -> "ExcelError":
        """The same error with a reason attached (shared singletons stay untouched)."""
        return ExcelError(self.code, detail)


NULL = ExcelError("#NULL!")
DIV0 = ExcelError("#DIV/0!")
VALUE = ExcelError("#VALUE!")
REF = ExcelError("#REF!")
NAME = ExcelError("#NAME?")
NUM = ExcelError("#NUM!")
NA = ExcelError("#N/A")
SPILL = ExcelError("#SPILL!")
CALC = ExcelError("#CALC!")
GETTING_DATA = ExcelError("#GETTING_DATA")
CONNECT = ExcelError("#CONNECT!")  # a data service could not be reached (STOCKHISTORY, IMAGE)
BLOCKED = ExcelError("#BLOCKED!")  # a needed resource or service is switched off
UNKNOWN = ExcelError("#UNKNOWN!")  # a data type this version does not know
FIELD = ExcelError("#FIELD!")  # a field a linked data type does not have

ERRORS_BY_CODE = {e.code: e for e in (NULL, DIV0, VALUE, REF, NAME, NUM, NA, SPILL, CALC, GETTING_DATA, CONNECT,
                                      BLOCKED, UNKNOWN, FIELD)}
# ERROR.TYPE numbers, as Excel documents them.
ERROR_TYPE_NUMBER = {"#NULL!": 1, "#DIV/0!": 2, "#VALUE!": 3, "#REF!": 4, "#NAME?": 5, "#NUM!": 6, "#N/A": 7,
                     "#GETTING_DATA": 8, "#SPILL!": 9, "#CONNECT!": 10, "#BLOCKED!": 11, "#UNKNOWN!": 12,
                     "#FIELD!": 13, "#CALC!": 14}


def error_from_code(code: str) -> ExcelError:
    """The error value for its text (case-insensitive), e.g. '#n/a' -> #N/A."""
    return ERRORS_BY_CODE[code.upper()]


class GdsheetError(Exception):
    """Base of every exception gdsheet raises on purpose; its message is meant for the user."""


class FormulaSyntaxError(GdsheetError):
    """A formula's text cannot be parsed; `position` is the 0-based offset of the problem, when known. A cell
    holding such a formula (from a file) shows `code`: #NAME? for most, #NUM! for a number Excel cannot hold."""

    def __init__(self, message: str, text: str = "", position: int | None = None, code: str = "#NAME?"):
        super().__init__(message)
        self.text = text
        self.position = position
        self.code = code


class WorkbookReadError(GdsheetError):
    """A file could not be read as a workbook; the message names the file and the step that failed."""


class WorkbookWriteError(GdsheetError):
    """A workbook could not be written; the original file, if any, is left untouched."""


class SolverModelError(GdsheetError):
    """A solver model is incomplete or cannot be solved by the chosen method."""


class ResourceLimit(GdsheetError):
    """A formula would need more cells (or memory) than gdsheet allows: its cell shows #NUM! with this reason."""
