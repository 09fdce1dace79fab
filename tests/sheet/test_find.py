"""Find and Replace (no Qt): Excel's wildcards, case and whole-cell options, formulas vs values, the order found."""
import time

import pytest

from gdsheet.sheet.find import FindOptions, Pattern, find_all, replace_in
from gdsheet.sheet.workbook import Workbook


@pytest.mark.parametrize("pattern, text, found", [
    ("ab", "xxABxx", (2, 4)),
    ("a?c", "zzabc", (2, 5)),
    ("a*c", "zabbbc", (1, 6)),
    ("~*", "a*b", (1, 2)),
    ("~?", "what?", (4, 5)),
    ("x", "abc", None),
    ("a*b*c", "aXbYc!", (0, 5)),
    ("*c", "abc", (0, 3)),
    ("a*", "xab", (1, 3)),
])
def test_pattern_search(pattern, text, found):
    assert Pattern(pattern).search(text) == found


@pytest.mark.parametrize("pattern, text, whole", [
    ("abc", "ABC", True), ("abc", "abcd", False), ("a*", "abcd", True), ("*d", "abcd", True),
    ("a*d", "abcd", True), ("a*c", "abcd", False), ("a?c?", "abcd", True), ("*", "", True),
    ("a*b*a", "aba", True), ("a*b*a", "ab", False), ("~*x", "*x", True), ("*b*", "abc", True),
])
def test_whole_cell(pattern, text, whole):
    assert (Pattern(pattern, whole=True).search(text) is not None) is whole


def test_match_case():
    assert Pattern("Ab", match_case=True).search("ab ab Ab") == (6, 8)
    assert Pattern("Ab").search("ab ab Ab") == (0, 2)


def test_no_backtracking_blowup():
    start = time.perf_counter()
    assert Pattern("*a*a*a*b").search("a" * 50_000) is None
    assert time.perf_counter() - start < 5  # a backtracking regex takes minutes here; this is a guard, not a timing


def book():
    wb = Workbook()
    wb.add_sheet("S")
    wb.add_sheet("T")
    wb.set_values([("S", 1, 1, "Apple"), ("S", 1, 2, 2.0), ("S", 2, 1, "pineapple"), ("T", 1, 1, "apple pie")])
    wb.set_formula("S", 2, 2, "=B1*3")
    return wb


def test_find_in_formulas_or_values_by_rows_or_columns():
    wb = book()
    assert find_all(wb, FindOptions("apple"), "S") == [("S", 1, 1), ("S", 2, 1)]
    assert find_all(wb, FindOptions("B1"), "S") == [("S", 2, 2)]  # the formula's text
    assert find_all(wb, FindOptions("6", look_in="values"), "S") == [("S", 2, 2)]  # its value
    assert find_all(wb, FindOptions("6"), "S") == []
    assert find_all(wb, FindOptions("apple", workbook=True), "T") == [("T", 1, 1), ("S", 1, 1), ("S", 2, 1)]
    assert find_all(wb, FindOptions("*p*", by_rows=False), "S") == [("S", 1, 1), ("S", 2, 1)]
    assert find_all(wb, FindOptions("apple", whole_cell=True), "S") == [("S", 1, 1)]
    assert find_all(wb, FindOptions("Apple", match_case=True), "S") == [("S", 1, 1)]


def test_replace_in_text():
    assert replace_in("pineapple apple", FindOptions("apple"), "pear") == "pinepear pear"
    assert replace_in("Apple", FindOptions("apple", match_case=True), "x") == "Apple"
    assert replace_in("=B1*3+B1", FindOptions("B1"), "C2") == "=C2*3+C2"
    assert replace_in("abc", FindOptions("*"), "z") == "z"
    assert replace_in("abc", FindOptions("ab", whole_cell=True), "z") == "abc"
    assert replace_in("a?c", FindOptions("~?"), "b") == "abc"
