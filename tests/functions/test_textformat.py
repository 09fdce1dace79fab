"""TEXT() with Excel number format codes, and TEXTBEFORE / TEXTAFTER / TEXTSPLIT."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.functions.textformat import format_value, split_sections

TEXT_TABLE = [
    # digits, rounding, grouping, scaling
    (1234.5678, "0", "1235"),
    (2.5, "0", "3"),  # half away from zero
    (1234.5678, "0.00", "1234.57"),
    (1234.5678, "#,##0", "1,235"),
    (1234.5678, "#,##0.00", "1,234.57"),
    (-1234567.891, "#,##0.000", "-1,234,567.891"),
    (1234567, "#,##0,", "1,235"),  # a trailing comma divides by 1,000
    (1234567890, "0.0,,", "1234.6"),
    (0.5, "#.00", ".50"),
    (5.5, ".00", "5.50"),
    (0, "#,###", ""),
    (3, "0000", "0003"),
    (1.5, "0.0#", "1.5"),
    (1.25, "0.0#", "1.25"),
    (0.5, "0.??", "0.5 "),
    (123456789, "000-00-0000", "123-45-6789"),
    (-0.001, "0.00", "-0.00"),  # a negative rounded to zero keeps its sign
    (1, "$#,##0.00", "$1.00"),
    (12, '"Total: "0', "Total: 12"),
    (12, "0\\x", "12x"),
    (5, "0_)", "5 "),
    # percent and scientific
    (0.25, "0%", "25%"),
    (0.1234, "0.0%", "12.3%"),
    (12345, "0.00E+00", "1.23E+04"),
    (0.000123, "0.00E+00", "1.23E-04"),
    (1e-20, "0.00E+00", "1.00E-20"),
    (99999, "0.0E+0", "1.0E+5"),  # rounding carries into the exponent
    (12345, "##0.0E+0", "12.3E+3"),  # '#' in the mantissa: engineering notation
    (0, "0.00E+00", "0.00E+00"),
    # sections and conditions
    (-5, "0;(0)", "(5)"),
    (-5, "0", "-5"),
    (0, '0;(0);"zero"', "zero"),
    (-1234.5, "#,##0.00;[Red]-#,##0.00", "-1,234.50"),
    (5, '[>3]"big";"small"', "big"),
    (2, '[>3]"big";"small"', "small"),
    (7, '[<5]"low";[<10]"mid";"high"', "mid"),
    # General
    (1234, "General", "1234"),
    (1 / 3, "General", "0.333333333"),
    (-1 / 3, "General", "-0.333333333"),
    (123456789012, "General", "1.23457E+11"),
    (0.000012345, "General", "0.000012345"),
    # dates and times (serials; 1900-02-29 exists in Excel's calendar)
    (45000, "yyyy-mm-dd", "2023-03-15"),
    (45000, "d mmm yyyy", "15 Mar 2023"),
    (45000, "dddd, mmmm d, yy", "Wednesday, March 15, 23"),
    (45000, "ddd mmmmm", "Wed M"),
    (45000, "m/d/yyyy", "3/15/2023"),
    (45000.5, "d mmm yyyy hh:mm:ss", "15 Mar 2023 12:00:00"),
    (0.75, "h:mm AM/PM", "6:00 PM"),
    (0.25, "h:mm a/p", "6:00 a"),
    (45000.25, "hh:mm", "06:00"),
    (45000.2654, "mm:ss", "22:11"),  # m before s is minutes
    (1.5, "[h]:mm", "36:00"),
    (0.0625, "[mm]:ss", "90:00"),
    (45000.999999, "hh:mm:ss", "00:00:00"),  # rounded to the second, carrying into the next day
    (0.5000001, "hh:mm:ss.00", "12:00:00.01"),
    (0, "yyyy-mm-dd", "1900-01-00"),
    (60, "yyyy-mm-dd", "1900-02-29"),
    (61, "yyyy-mm-dd dddd", "1900-03-01 Thursday"),
    (1, "dddd", "Sunday"),
    (-1, "yyyy", E.VALUE),
]


@pytest.mark.parametrize("value, fmt, expected", TEXT_TABLE)
def test_format_value(value, fmt, expected):
    assert format_value(float(value), fmt) == expected


@pytest.mark.parametrize("formula, expected", [
    ('=TEXT(1234.5,"#,##0.00")', "1,234.50"),
    ('=TEXT("12","0.0")', "12.0"),  # numeric text is formatted as a number
    ('=TEXT("abc","0.0")', "abc"),  # other text passes through
    ('=TEXT("abc","0;0;0;@!")', "abc!"),
    ('=TEXT("abc","""<""@"">""")', "<abc>"),
    ('=TEXT(TRUE,"0")', "TRUE"),
    ('=TEXT(,"0.0")', "0.0"),
    ('=TEXT(1234,"")', ""),
    ('=TEXT(0,"0;-0;;@")', ""),  # an empty zero section
    ('=TEXT(1/0,"0")', E.DIV0),
    ('=TEXT(DATE(2024,1,31),"yyyy-mm-dd")', "2024-01-31"),
    ('=TEXT({1,2},"0.0")', np.array([["1.0", "2.0"]], dtype=object)),
])
def test_text_through_the_engine(wb, formula, expected):
    got = wb.evaluate(formula)
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and got.tolist() == expected.tolist()
    else:
        assert got == expected and type(got) is type(expected), f"{formula}: {got!r}"


def test_sections_split_outside_quotes_only():
    assert split_sections('0;"a;b";\\;') == ["0", '"a;b"', "\\;"]


def _arr(rows):
    return np.array(rows, dtype=object)


@pytest.mark.parametrize("formula, expected", [
    ('=TEXTBEFORE("a-b-c","-")', "a"),
    ('=TEXTBEFORE("a-b-c","-",2)', "a-b"),
    ('=TEXTBEFORE("a-b-c","-",-1)', "a-b"),
    ('=TEXTBEFORE("a-b-c","-",3)', E.NA),
    ('=TEXTBEFORE("a-b-c","-",3,,,"none")', "none"),
    ('=TEXTBEFORE("a-b-c","-",0)', E.VALUE),
    ('=TEXTBEFORE("a-b-c","-",9)', E.VALUE),  # beyond the text's length
    ('=TEXTBEFORE("aXb","x")', E.NA),  # case-sensitive by default
    ('=TEXTBEFORE("aXb","x",1,1)', "a"),
    ('=TEXTBEFORE("abc","-",1,0,1)', "abc"),  # match_end: the end of the text is a delimiter
    ('=TEXTBEFORE("a-b+c",{"+","-"},2)', "a-b"),
    ('=TEXTBEFORE("abc","")', ""),
    ('=TEXTBEFORE("abc","",-1)', "abc"),
    ('=TEXTAFTER("a-b-c","-")', "b-c"),
    ('=TEXTAFTER("a-b-c","-",-1)', "c"),
    ('=TEXTAFTER("a-b-c","-",-2)', "b-c"),
    ('=TEXTAFTER("abc","")', "abc"),
    ('=TEXTAFTER("abc","-",-1,0,1)', "abc"),
    ('=TEXTAFTER("a--b","--")', "b"),
    ('=TEXTAFTER(1/0,"-")', E.DIV0),
    ('=TEXTSPLIT("a,b,c",",")', _arr([["a", "b", "c"]])),
    ('=TEXTSPLIT("a,b;c",",",";")', _arr([["a", "b"], ["c", E.NA]])),
    ('=TEXTSPLIT("a,b;c",",",";",,,"-")', _arr([["a", "b"], ["c", "-"]])),
    ('=TEXTSPLIT("a;b",,";")', _arr([["a"], ["b"]])),
    ('=TEXTSPLIT("a,,b",",")', _arr([["a", "", "b"]])),
    ('=TEXTSPLIT("a,,b",",",,TRUE)', _arr([["a", "b"]])),
    ('=TEXTSPLIT("aXbxc","x",,,1)', _arr([["a", "b", "c"]])),
    ('=TEXTSPLIT("a-b+c",{"-","+"})', _arr([["a", "b", "c"]])),
    ('=TEXTSPLIT("abc",",")', _arr([["abc"]])),
])
def test_split_functions(wb, formula, expected):
    got = wb.evaluate(formula)
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and got.tolist() == expected.tolist(), f"{formula}: {got!r}"
    else:
        assert got == expected and type(got) is type(expected), f"{formula}: {got!r}"
