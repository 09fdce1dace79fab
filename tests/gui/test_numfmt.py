"""Number formats as cells show them."""
import pytest

from gdsheet.errors import DIV0
from gdsheet.gui.numfmt import format_value, general


@pytest.mark.parametrize("value, fmt, shown", [
    (None, None, ""),
    (True, None, "TRUE"),
    (DIV0, "0.00", "#DIV/0!"),
    ("text", "0.00", "text"),
    (6.0, None, "6"),
    (0.1442271493, None, "0.144227149"),
    (1 / 3, "General", "0.333333333"),
    (123456789012.0, None, "1.23457E+11"),
    (1e-12, None, "1E-12"),
    (-1234567.891234, None, "-1234567.89"),
    (0.5, "0", "1"),  # half away from zero, as Excel rounds for display
    (2.5, "0", "3"),
    (-2.5, "0", "-3"),
    (1234.5, "#,##0.00", "1,234.50"),
    (1234567.0, "#,##0", "1,234,567"),
    (0.25, "0%", "25%"),
    (0.12345, "0.00%", "12.35%"),
    (12345.678, "0.00E+00", "1.23E+04"),
    (-5.0, "0.00;(0.00)", "(5.00)"),
    (0.0, '0.00;-0.00;"zero"', "zero"),
    (3.0, '"$"#,##0', "$3"),
    (1234.0, "[$€-407] #,##0.00", "€ 1,234.00"),
    (12.0, "[Red]0.0", "12.0"),
    (1234567.0, '#,##0,"K"', "1,235K"),
    (0.125, "0.0#", "0.13"),
    (3.0, "0.0#", "3.0"),
    (45000.0, "yyyy-mm-dd", "2023-03-15"),
    (45000.0, "mmm d, yyyy", "Mar 15, 2023"),
    (45000.0, "dddd", "Wednesday"),
    (45000.5, "d/m/yyyy h:mm AM/PM", "15/3/2023 12:00 PM"),
    (45000.75, "hh:mm:ss", "18:00:00"),
    (1.0, "m/d/yy", "1/1/00"),
    (float("nan"), None, "#NUM!"),
])
def test_format_value(value, fmt, shown):
    assert format_value(value, fmt) == shown


def test_general_fits_the_width():
    for v in (1 / 7, -1 / 7, 12345.6789012345, 9.87654321e-7, -4.2e200):
        assert len(general(v)) <= 11


@pytest.mark.parametrize("value, fmt, shown", [
    (0.5, "?/?", "1/2"),
    (2.5, "?/?", "5/2"),  # no whole part: an improper fraction
    (0.333, "?/?", "1/3"),
    (1.25, "# ?/?", "1 1/4"),
    (-1.25, "# ?/?", "-1 1/4"),
    (0.5, "# ?/?", "  1/2"),  # a zero whole part leaves its room, so fraction bars line up
    (2.0, "# ?/?", "2    "),  # a zero remainder leaves the fraction's room
    (0.0, "# ?/?", "0    "),
    (0.99, "# ?/?", "1    "),  # rounds up to a whole
    (0.333, "# ??/??", "   1/3 "),  # '?' pads the numerator on the left, the denominator on the right
    (1.25, "# ??/??", "1  1/4 "),
    (0.23, "# ??/??", "   3/13"),  # Excel's convergent, not 20/87
    (5.3, "# ???/???", "5   3/10 "),
    (3.14159, "# ???/???", "3  16/113"),
    (1.3, "?/4", "5/4"),
    (0.75, "# ?/8", "  6/8"),  # a fixed denominator is not reduced
    (0.1, "# ??/16", "   2/16"),
    (154.87, '0 "and "??/100', "154 and 87/100"),
    (1.2, '"a/b" 0.0', "a/b 1.2"),  # a slash in quotes is not a fraction
])
def test_fractions(value, fmt, shown):
    assert format_value(value, fmt) == shown
