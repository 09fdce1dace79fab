"""Text functions through the engine: one row per formula and the value Excel gives."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.criteria import Wildcard

TABLE = [
    # joining
    ('=CONCAT("a",1,TRUE)', "a1TRUE"),
    ('=CONCAT({1,2;3,4},"x")', "1234x"),  # arrays join row by row
    ('=CONCAT(A1:B2)', "x2.5TRUE"),  # a blank joins nothing
    ('=CONCAT("a",1/0)', E.DIV0),
    ('=CONCATENATE("a","b",1.5)', "ab1.5"),
    ('=TEXTJOIN("-",TRUE,"a","","b")', "a-b"),
    ('=TEXTJOIN("-",FALSE,"a","","b")', "a--b"),
    ('=TEXTJOIN({"-","+"},TRUE,1,2,3,4)', "1-2+3-4"),  # several delimiters are used in turn
    ('=TEXTJOIN(",",TRUE,A1:B2)', "x,2.5,TRUE"),
    ('=TEXTJOIN(",",FALSE,A1:B2)', "x,2.5,,TRUE"),  # row by row, the blank A2 kept
    ('=LEN(REPT("ab",20000))', E.VALUE),  # longer than 32,767 characters
    # slicing
    ('=LEFT("abc")', "a"),
    ('=LEFT("abc",2)', "ab"),
    ('=LEFT("abc",10)', "abc"),
    ('=LEFT("abc",-1)', E.VALUE),
    ('=LEFT(12345,2)', "12"),
    ('=LEFTB("abc",2)', "ab"),
    ('=RIGHT("abc",2)', "bc"),
    ('=RIGHT("abc",0)', ""),
    ('=RIGHT(TRUE,3)', "RUE"),
    ('=MID("abcdef",2,3)', "bcd"),
    ('=MID("abc",5,1)', ""),
    ('=MID("abc",0,1)', E.VALUE),
    ('=MID("abc",1,-1)', E.VALUE),
    ('=LEN("abc")', 3.0),
    ('=LEN(1.5)', 3.0),
    ('=LEN(A2)', 0.0),
    ('=LENB("abc")', 3.0),
    ('=REPLACE("abcdef",2,3,"X")', "aXef"),
    ('=REPLACE("abc",10,1,"X")', "abcX"),
    ('=REPLACE("abc",0,1,"X")', E.VALUE),
    # case, spaces
    ('=LOWER("AbC")', "abc"),
    ('=UPPER("AbC")', "ABC"),
    ('=PROPER("hello wORLD")', "Hello World"),
    ('=PROPER("don\'t 76budGet 2-way")', "Don'T 76Budget 2-Way"),
    ('=TRIM("  a   b  ")', "a b"),
    ('=TRIM("a" & CHAR(160))', "a\xa0"),  # only the ASCII space is trimmed
    ('=CLEAN("a" & CHAR(10) & "b" & CHAR(7))', "ab"),
    ('=REPT("ab",3)', "ababab"),
    ('=REPT("ab",2.9)', "abab"),
    ('=REPT("ab",-1)', E.VALUE),
    ('=EXACT("a","A")', False),
    ('=EXACT("a","a")', True),
    ('=EXACT(1,"1")', True),
    # searching
    ('=FIND("b","abcb")', 2.0),
    ('=FIND("b","abcb",3)', 4.0),
    ('=FIND("B","abc")', E.VALUE),  # case-sensitive
    ('=FIND("","abc")', 1.0),
    ('=FIND("","abc",3)', 3.0),
    ('=FIND("","abc",4)', E.VALUE),
    ('=FIND("a","abc",0)', E.VALUE),
    ('=SEARCH("B","abc")', 2.0),
    ('=SEARCH("b?d","abcd")', 2.0),
    ('=SEARCH("c*","abcd")', 3.0),
    ('=SEARCH("~*","a*b")', 2.0),
    ('=SEARCH("x","abc")', E.VALUE),
    ('=SUBSTITUTE("aaa","a","b")', "bbb"),
    ('=SUBSTITUTE("aaa","a","b",2)', "aba"),
    ('=SUBSTITUTE("aaa","a","b",5)', "aaa"),
    ('=SUBSTITUTE("aaaa","aa","b")', "bb"),  # occurrences never overlap
    ('=SUBSTITUTE("abc","","x")', "abc"),
    ('=SUBSTITUTE("Abc","a","x")', "Abc"),  # case-sensitive
    ('=SUBSTITUTE("aaa","a","b",0)', E.VALUE),
    # numbers and text
    ('=VALUE("12.5")', 12.5),
    ('=VALUE(" 1,234 ")', 1234.0),
    ('=VALUE("$1,000.5")', 1000.5),
    ('=VALUE("(12)")', -12.0),
    ('=VALUE("50%")', 0.5),
    ('=VALUE("1e3")', 1000.0),
    ('=VALUE("2024-01-31")', 45322.0),
    ('=VALUE("12:00")', 0.5),
    ('=VALUE("abc")', E.VALUE),
    ('=VALUE("")', E.VALUE),
    ('=VALUE(TRUE)', E.VALUE),
    ('=VALUE(7)', 7.0),
    ('=NUMBERVALUE("1.234,5",",",".")', 1234.5),
    ('=NUMBERVALUE(" 1 234 ")', 1234.0),
    ('=NUMBERVALUE("1,5%%",",",".")', 0.00015),
    ('=NUMBERVALUE("")', 0.0),
    ('=NUMBERVALUE("1.2.3")', E.VALUE),
    ('=NUMBERVALUE("1.5,3")', E.VALUE),  # a group separator after the decimal one
    ('=NUMBERVALUE("1,5",",",",")', E.VALUE),
    ('=FIXED(1234.567)', "1,234.57"),
    ('=FIXED(1234.567,1,TRUE)', "1234.6"),
    ('=FIXED(-1234.567,-1)', "-1,230"),
    ('=FIXED(2.5,0)', "3"),  # half away from zero
    ('=FIXED(1.005,2)', "1.01"),  # rounded on the decimal value, as Excel's ROUND
    ('=FIXED(1,128)', E.VALUE),
    ('=DOLLAR(1234.567)', "$1,234.57"),
    ('=DOLLAR(-1234.567)', "($1,234.57)"),
    ('=DOLLAR(1234.567,-2)', "$1,200"),
    ('=DOLLAR(0.123,4)', "$0.1230"),
    # character codes
    ('=CHAR(65)', "A"),
    ('=CHAR(128)', "\u20ac"),  # the Windows code page: 128 is the euro sign
    ('=CHAR(129)', "\x81"),
    ('=CHAR(0)', E.VALUE),
    ('=CHAR(256)', E.VALUE),
    ('=CODE("A")', 65.0),
    ('=CODE("\u20ac")', 128.0),
    ('=CODE("\u4e00")', 63.0),
    ('=CODE("")', E.VALUE),
    ('=UNICHAR(8364)', "\u20ac"),
    ('=UNICHAR(0)', E.VALUE),
    ('=UNICHAR(55296)', E.NA),
    ('=UNICODE("\u20ac")', 8364.0),
    ('=UNICODE("")', E.VALUE),
    # errors pass through, left to right
    ('=LEFT(1/0,NA())', E.DIV0),
    ('=MID("abc",NA(),1/0)', E.NA),
]


@pytest.fixture(scope="module")
def wb(wb):
    wb.set_value("Sheet1", 1, 1, "x")  # A1; A2 stays blank
    wb.set_value("Sheet1", 1, 2, 2.5)  # B1
    wb.set_value("Sheet1", 2, 2, True)  # B2
    return wb


@pytest.mark.parametrize("formula, expected", TABLE)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula)
    assert got == expected and type(got) is type(expected), f"{formula}: {got!r}"


def test_concatenate_of_a_range_is_lifted(wb):
    got = wb.evaluate('=CONCATENATE("<",A1:B1,">")')
    assert isinstance(got, np.ndarray) and got.tolist() == [["<x>", "<2.5>"]]


@pytest.mark.parametrize("pattern, text, hit", [
    ("a*c", "abbbc", True), ("a*c", "abd", False), ("a?c", "abc", True), ("A?C", "abc", True),
    ("a~*c", "a*c", True), ("a~*c", "abc", False), ("~?", "?", True), ("a~~", "a~", True), ("*", "", True),
])
def test_wildcards(pattern, text, hit):
    assert Wildcard(pattern).fullmatch(text) is hit


def test_every_text_function_is_documented():
    for name in ("CONCAT", "TEXTJOIN", "LEFT", "MID", "SUBSTITUTE", "FIXED", "UNICHAR", "TEXT", "TEXTSPLIT"):
        spec = FUNCTIONS[name]
        assert spec.category == "Text" and spec.syntax.startswith(name + "(") and spec.summary.endswith(".")


@pytest.mark.parametrize("formula,expected", [
    # Excel counts text in UTF-16 code units: a character beyond U+FFFF (most emoji) is two of them
    ('=LEN("😀")', 2.0), ('=LEN("a😀b")', 4.0), ('=LEN("é")', 1.0), ('=LENB("😀")', 2.0),
    ('=MID("a😀b",2,2)', "😀"), ('=LEFT("😀x",2)', "😀"), ('=RIGHT("x😀",2)', "😀"), ('=LEFT("😀x",3)', "😀x"),
    ('=FIND("b","a😀b")', 4.0), ('=FIND("😀","ab😀")', 3.0), ('=SEARCH("B","a😀b")', 4.0),
    ('=FIND("b","a😀b",4)', 4.0), ('=FIND("b","a😀b",5)', E.VALUE), ('=REPLACE("a😀b",2,2,"-")', "a-b"),
    ('=REPLACE("ab",2,0,"😀")', "a😀b"), ('=LEN(MID("a😀b",2,1))', 1.0),  # half of a pair is one unit
    ('=LEN(MID("a😀b",2,1)&MID("a😀b",3,1))', 2.0),
])
def test_positions_count_utf16_units(wb, formula, expected):
    got = wb.evaluate(formula)
    assert got == expected and type(got) is type(expected), (formula, got)


def test_half_of_a_pair_is_the_replacement_character(wb):
    # Excel keeps the lone surrogate; gdsheet shows U+FFFD, one unit long, which a saved file can hold
    assert wb.evaluate('=MID("a😀b",2,1)') == "\ufffd" and wb.evaluate('=RIGHT("😀",1)') == "\ufffd"
