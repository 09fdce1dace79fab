"""ARRAYTOTEXT, VALUETOTEXT, PERCENTOF, TRIMRANGE and the trim references, HYPERLINK, ENCODEURL, FILTERXML, and
the functions that need a service gdsheet does not call (each gives Excel's offline error)."""
from __future__ import annotations

import numpy as np
import pytest

from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from gdsheet.functions import FUNCTIONS
from oracle import check, ironcalc_values, new_workbook


@pytest.fixture(scope="module")
def wb():
    return new_workbook([(3, 2, 1.0), (4, 2, "x"), (6, 3, 2.0), (1, 7, 10.0), (2, 7, 30.0)])


VALUES = [
    ("=ARRAYTOTEXT({1,2;3,4})", "1, 2, 3, 4"),  # Microsoft: concise
    ("=ARRAYTOTEXT({1,2;3,4},1)", "{1,2;3,4}"),  # strict
    ('=ARRAYTOTEXT({"a",TRUE;#N/A,1.5},0)', "a, TRUE, #N/A, 1.5"),
    ('=ARRAYTOTEXT({"a",TRUE;#N/A,1.5},1)', '{"a",TRUE;#N/A,1.5}'),
    ("=ARRAYTOTEXT(B3:C4)", "1, , x, "),  # blanks are empty
    ("=ARRAYTOTEXT(B3:C4,1)", '{1,;"x",}'),
    ("=ARRAYTOTEXT({1,2},2)", "#VALUE!"), ("=ARRAYTOTEXT(1/0)", "#DIV/0!"),
    ('=VALUETOTEXT("Seattle",1)', '"Seattle"'), ('=VALUETOTEXT("Seattle")', "Seattle"),
    ("=VALUETOTEXT(1234.01234)", "1234.01234"), ("=VALUETOTEXT(TRUE,1)", "TRUE"),
    ("=ISTEXT(VALUETOTEXT(1/0))", True), ("=LEN(VALUETOTEXT(1/0))", 7.0),  # an error is written as its code
    ('=VALUETOTEXT("a""b",1)', '"a""b"'), ("=VALUETOTEXT(1,3)", "#VALUE!"),
    ("=PERCENTOF(G1,G1:G2)", 0.25), ("=PERCENTOF({1,2},{1,2,5})", 0.375), ("=PERCENTOF(1,0)", "#DIV/0!"),
    ('=PERCENTOF({1,"a",TRUE},{1,2})', 1 / 3),
    ("=ROWS(TRIMRANGE(A1:E10))", 4.0), ("=COLUMNS(TRIMRANGE(A1:E10))", 2.0),
    ("=ROWS(TRIMRANGE(A1:E10,0,0))", 10.0), ("=ROWS(TRIMRANGE(A1:E10,1,0))", 8.0),
    ("=ROWS(TRIMRANGE(A1:E10,2))", 6.0), ("=TRIMRANGE(A1:E10,4)", "#VALUE!"),
    ("=ROWS(A1:.E10)", 6.0), ("=ROWS(A1.:E10)", 8.0), ("=ROWS(A1.:.E10)", 4.0),
    ("=ROWS(B:.B)", 4.0), ("=ROWS(B.:.B)", 2.0), ("=COUNTA(B:.C)", 3.0), ("=SUM(B.:.C)", 3.0),
    ("=TRIMRANGE(F1:F5)", "#REF!"),  # nothing left of an empty range
    ('=HYPERLINK("http://example.com/report.xlsx","Click for report")', "Click for report"),
    ('=HYPERLINK("http://example.com")', "http://example.com"), ('=HYPERLINK("#Sheet2!A1",5)', 5.0),
    ('=ENCODEURL("http://contoso.sharepoint.com/Finance/Profit and Loss Statement.xlsx")',
     "http%3A%2F%2Fcontoso.sharepoint.com%2FFinance%2FProfit%20and%20Loss%20Statement.xlsx"),  # Microsoft's example
    ('=ENCODEURL("a b/c?d=é&~x")', "a%20b%2Fc%3Fd%3D%C3%A9%26~x"),
    ('=FILTERXML("<r><b>1</b><b>2.5</b></r>","sum(//b)")', 3.5),
    ('=FILTERXML("<r><b>1</b></r>","//c")', "#VALUE!"), ('=FILTERXML("<r>","//c")', "#VALUE!"),
    ('=FILTERXML("<r a=""x""/>","/r/@a")', "x"),
    ('=WEBSERVICE("http://example.com")', "#VALUE!"),
    ('=STOCKHISTORY("MSFT",DATE(2024,1,1))', "#CONNECT!"), ('=IMAGE("https://example.com/a.png")', "#CONNECT!"),
    ('=RTD("prog",,"topic")', "#N/A"),
    ('=CUBEMEMBER("Sales","[Time].[2024]")', "#NAME?"), ('=CUBEVALUE("Sales")', "#NAME?"),
    ('=CUBESET("Sales","x")', "#NAME?"), ("=CUBESETCOUNT(1)", "#NAME?"), ('=CUBERANKEDMEMBER("S","x",1)', "#NAME?"),
    ('=CUBEMEMBERPROPERTY("S","x","p")', "#NAME?"), ('=CUBEKPIMEMBER("S","k",1)', "#NAME?"),
    ("=CUBESETCOUNT(1/0)", "#DIV/0!"),  # an argument's error comes first
    ("=ERROR.TYPE(STOCKHISTORY(\"X\",1))", 10.0),
]


@pytest.mark.parametrize("formula,expected", VALUES)
def test_values(wb, formula, expected):
    check(wb, formula, expected)


def test_filterxml_spills_a_column(wb):
    got = wb.evaluate('=FILTERXML("<r><b>1</b><b>x</b></r>","//b")')
    assert isinstance(got, np.ndarray) and got.tolist() == [[1.0], ["x"]]


def test_filterxml_resolves_no_entities(wb):
    doc = '"<!DOCTYPE r [<!ENTITY e SYSTEM ""file:///etc/passwd"">]><r>&e;</r>"'
    got = wb.evaluate(f"=FILTERXML({doc},\"/r\")")
    assert not (isinstance(got, str) and "root" in got)


def test_trimrange_of_an_array(wb):
    got = wb.evaluate('=TRIMRANGE(IF(B1:C6="",NA(),B1:C6))')  # errors are values: nothing is trimmed
    assert got.shape == (6, 2)


@pytest.mark.parametrize("text,file_text", [
    ("=SUM(A1:.C9)", "=SUM(_xlfn._TRO_TRAILING(A1:C9))"), ("=ROWS(A.:.A)", "=ROWS(_xlfn._TRO_ALL(A:A))"),
    ("=Sheet1!$A$1.:B2", "=_xlfn._TRO_LEADING(Sheet1!$A$1:B2)"), ("=SUM(1:.3)", "=SUM(_xlfn._TRO_TRAILING(1:3))"),
])
def test_trim_references_read_and_write(text, file_text):
    tree = parse(text)
    assert unparse(tree) == text and unparse(tree, for_file=True) == file_text and parse(file_text) == tree


def test_offline_functions_say_why_in_help():
    for name in ("WEBSERVICE", "STOCKHISTORY", "IMAGE", "RTD", "CUBEMEMBER", "CUBEVALUE"):
        assert "Not available in gdsheet" in FUNCTIONS[name].summary


def test_ironcalc_agrees():
    pytest.importorskip("ironcalc")
    formulas = ["=ARRAYTOTEXT({1,2;3,4})", "=ARRAYTOTEXT({1,2;3,4},1)", '=ARRAYTOTEXT({"a",TRUE;#N/A,1.5},1)',
                '=ARRAYTOTEXT({"a",""},1)', "=ARRAYTOTEXT({1,2},-1)", "=PERCENTOF({1,2},{1,2,5})", "=PERCENTOF(1,0)",
                '=HYPERLINK("http://a.b",5)', '=ENCODEURL("a b/c?d=é&~x")', "=ENCODEURL(1.5)", '=VALUETOTEXT("a")']
    book = new_workbook()
    assert [book.evaluate(f) for f in formulas] == ironcalc_values(formulas)


# ---- FORMULATEXT, INFO, GETPIVOTDATA, ASC/JIS/DBCS, PHONETIC ---------------------------------------------------

@pytest.fixture(scope="module")
def book():
    b = new_workbook([(2, 1, "ｶﾞｷﾞ"), (3, 1, 5.0)])
    b.add_sheet("Second")
    b.set_formula("Sheet1", 1, 1, "=SUM(1,2)")
    b.set_formula("Sheet1", 1, 2, "=FORMULATEXT(B1)")
    b.recalculate()
    return b


MORE = [
    ("=FORMULATEXT(A1)", "=SUM(1,2)"), ("=FORMULATEXT(A1:B3)", "=SUM(1,2)"), ("=FORMULATEXT(A2)", "#N/A"),
    ("=FORMULATEXT(5)", "#VALUE!"),
    ('=INFO("numfile")', 2.0), ('=INFO("release")', "16.0"), ('=INFO("recalc")', "Automatic"),
    ('=INFO("origin")', "$A:$A$1"), ('=INFO("memavail")', "#N/A"), ('=INFO("colour")', "#VALUE!"),
    ('=GETPIVOTDATA("Sales",A1)', "#REF!"),  # no pivot tables in gdsheet: Excel's error for a cell outside one
    ('=ASC("ＡＢＣ　１２３！")', "ABC 123!"), ('=ASC("ガギ。ア")', "ｶﾞｷﾞ｡ｱ"), ('=ASC("漢字")', "漢字"),
    ('=JIS("ABC 123!")', "ＡＢＣ\u3000１２３！"), ('=JIS("ｶﾞｷﾞ｡")', "ガギ。"), ('=DBCS("a~")', "ａ～"),
    ('=ASC(JIS("Hello, World ~ ｶﾞｯﾂ"))', "Hello, World ~ ｶﾞｯﾂ"),
    ("=PHONETIC(A2)", "ｶﾞｷﾞ"), ("=PHONETIC(A3)", ""),
    ('=TRANSLATE("hello","en","fr")', "#CONNECT!"), ('=DETECTLANGUAGE("hello")', "#CONNECT!"),
]


@pytest.mark.parametrize("formula,expected", MORE)
def test_workbook_and_width_functions(book, formula, expected):
    check(book, formula, expected)


def test_a_cell_shows_its_own_formula(book):
    assert book.get("Sheet1", 1, 2) == "=FORMULATEXT(B1)"


def test_ironcalc_agrees_on_asc_and_formulatext():
    pytest.importorskip("ironcalc")
    formulas = ['=ASC("ＡＢＣ１２３")', '=ASC("abc")', "=FORMULATEXT(A1)"]
    assert [new_workbook().evaluate(f, row=1, col=1) for f in formulas[:2]] == ironcalc_values(formulas[:2])
    assert ironcalc_values(formulas[2:]) == ["=FORMULATEXT(A1)"]  # IronCalc too shows a cell's own formula


BAHT = [  # Microsoft's example (1234), and Excel's readings as the bahttext crate documents them
    (1234, "หนึ่งพันสองร้อยสามสิบสี่บาทถ้วน"), (0, "ศูนย์บาทถ้วน"), (11, "สิบเอ็ดบาทถ้วน"), (21, "ยี่สิบเอ็ดบาทถ้วน"),
    (101, "หนึ่งร้อยเอ็ดบาทถ้วน"), (505, "ห้าร้อยห้าบาทถ้วน"), (1001, "หนึ่งพันเอ็ดบาทถ้วน"),
    (123456, "หนึ่งแสนสองหมื่นสามพันสี่ร้อยห้าสิบหกบาทถ้วน"), (10000001, "สิบล้านเอ็ดบาทถ้วน"),
    (1000000000000, "หนึ่งล้านล้านบาทถ้วน"), (1.01, "หนึ่งบาทหนึ่งสตางค์"),
    (9012.34, "เก้าพันสิบสองบาทสามสิบสี่สตางค์"),
    (-100, "ลบหนึ่งร้อยบาทถ้วน"), (1000000.01, "หนึ่งล้านบาทหนึ่งสตางค์"), (1.234, "หนึ่งบาทยี่สิบสามสตางค์"),
    (0.5, "ห้าสิบสตางค์"),
]


@pytest.mark.parametrize("number,text", BAHT)
def test_bahttext(book, number, text):
    assert book.evaluate(f"=BAHTTEXT({number!r})") == text
