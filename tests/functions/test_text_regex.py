"""REGEXTEST, REGEXEXTRACT and REGEXREPLACE: Microsoft's examples, PCRE2 spellings, and a pattern that never ends."""
import numpy as np
import pytest

from gdsheet.errors import ExcelError
from gdsheet.functions import text_regex
from gdsheet.functions.text_regex import translate
from oracle import check, new_workbook


@pytest.fixture(scope="module")
def wb():
    return new_workbook([(1, 1, "Sonia Rees (378) 555-4195\nAngel Brown (878) 555-8622"), (2, 1, 123.5)])


@pytest.mark.parametrize("formula,expected", [
    # Microsoft's examples (REGEXTEST / REGEXEXTRACT / REGEXREPLACE help pages)
    (r'=REGEXTEST("alwayssunny","[a-z]")', True), (r'=REGEXTEST("(378) 555-4195","^\([0-9]{3}\) [0-9]{3}-[0-9]{4}$")',
                                                    True),
    (r'=REGEXEXTRACT("10 apples, 12 oranges","[0-9]+")', "10"),
    (r'=REGEXEXTRACT("09/12/1998 from James","\d{1,2}/\d{1,2}/\d{2,4}\b")', "09/12/1998"),
    (r'=REGEXEXTRACT("Sonia (378) 555-4195","\d{3}-\d{4}")', "555-4195"),
    (r'=REGEXEXTRACT("O my Luve red rose","O my (\w+) red (\w+)")', "O my Luve red rose"),
    (r'=REGEXREPLACE("DylanWilliams","([A-Z][a-z]+)([A-Z][a-z]+)","$2, $1")', "Williams, Dylan"),
    (r'=REGEXREPLACE("Sonia Rees (378) 555-4195","[0-9]+-","***-")', "Sonia Rees (378) ***-4195"),
    # case_sensitivity: 0 (default) sensitive, 1 not, anything else #VALUE!
    ('=REGEXTEST("ABC","b")', False), ('=REGEXTEST("ABC","b",1)', True), ('=REGEXTEST("ABC","b",2)', "#VALUE!"),
    ('=REGEXEXTRACT("ABC","b",0,1)', "B"), ('=REGEXREPLACE("aBAb","b","x",0,1)', "axAx"),
    # numbers are matched as their text; a bad pattern is #VALUE!; no match is #N/A
    ('=REGEXTEST(A2,"^123\\.5$")', True), ('=REGEXTEST("a","(")', "#VALUE!"), ('=REGEXEXTRACT("abc","x")', "#N/A"),
    ('=REGEXEXTRACT("abc","x",1)', "#N/A"), ('=REGEXEXTRACT("abc","b",3)', "#VALUE!"), ('=REGEXTEST("","")', True),
    # occurrence: 0 all, n the n-th, -n the n-th from the end, too far: unchanged
    ('=REGEXREPLACE("a1b2c3","[0-9]","#")', "a#b#c#"), ('=REGEXREPLACE("a1b2c3","[0-9]","#",2)', "a1b#c3"),
    ('=REGEXREPLACE("a1b2c3","[0-9]","#",-1)', "a1b2c#"), ('=REGEXREPLACE("a1b2c3","[0-9]","#",4)', "a1b2c3"),
    # the replacement's $n, ${n}, ${name} and $$; a group the pattern lacks is #VALUE!
    ('=REGEXREPLACE("abc","(b)","[${1}]")', "a[b]c"), ('=REGEXREPLACE("abc","(?<x>b)","<${x}>")', "a<b>c"),
    ('=REGEXREPLACE("abc","b","$$")', "a$c"), ('=REGEXREPLACE("abc","b","$2")', "#VALUE!"),
    ('=REGEXREPLACE("abc","b","\\1")', "a\\1c"), ('=REGEXREPLACE("ab","(x)?b","[$1]")', "a[]"),
    # PCRE2 spellings: possessive quantifiers, atomic groups, \h, \Q..\E, \x{..}, \k<name>, \Z, POSIX classes
    ('=REGEXTEST("aaa","a++a")', False), ('=REGEXTEST("aab","(?>a+)b")', True), ('=REGEXTEST("a"&CHAR(9)&"b","a\\hb")',
                                                                                True),
    ('=REGEXTEST("a.b","\\Qa.b\\E")', True), ('=REGEXTEST("axb","\\Qa.b\\E")', False),
    ('=REGEXTEST("A","\\x{41}")', True),
    ('=REGEXTEST("aa","(?<n>a)\\k<n>")', True), ('=REGEXTEST("a"&CHAR(10),"a\\Z")', True),
    ('=REGEXTEST("ab1","^[[:alpha:]]+$")', False), ('=REGEXTEST("x]y","[]]")', True),
])
def test_regex_functions(wb, formula, expected):
    check(wb, formula, expected)


def test_all_matches_spill_down_and_groups_across(wb):
    matches = wb.evaluate(r'=REGEXEXTRACT(A1,"\([0-9]{3}\) [0-9]{3}-[0-9]{4}",1)')
    assert matches.tolist() == [["(378) 555-4195"], ["(878) 555-8622"]]
    groups = wb.evaluate(r'=REGEXEXTRACT("O my Luve red rose","O my (\w+) red (\w+)",2)')
    assert groups.tolist() == [["Luve", "rose"]]
    assert wb.evaluate(r'=REGEXEXTRACT("ab","(x)?(b)",2)').tolist() == [["", "b"]]


def test_a_range_of_texts_lifts(wb):
    got = wb.evaluate('=REGEXTEST({"a1","b"},"[0-9]")')
    assert isinstance(got, np.ndarray) and got.tolist() == [[True, False]]


def test_catastrophic_backtracking_is_an_error_not_a_hang(wb, monkeypatch):
    # "^(a|aa)+\1$" against 60 a's and a "!" takes exponentially many steps; running out of time is #VALUE! in
    # that cell (the limit is shortened here to keep the test fast)
    monkeypatch.setattr(text_regex, "TIMEOUT_S", 0.05)
    for formula in ('=REGEXTEST(REPT("a",60)&"!","^(a|aa)+\\1$")', '=REGEXEXTRACT(REPT("a",60)&"!","^(a|aa)+\\1$",1)',
                    '=REGEXREPLACE(REPT("a",60)&"!","^(a|aa)+\\1$","x")'):
        got = wb.evaluate(formula)
        assert isinstance(got, ExcelError) and got.code == "#VALUE!" and "backtracking" in got.detail, formula


@pytest.mark.parametrize("pcre,python", [
    (r"\Q(a)\E+", r"\(a\)+"), (r"\x{263A}", "☺"), (r"\e", r"\x1b"), (r"\cA", "\x01"), (r"a\Z", r"a(?=\n?\z)"),
    (r"\k<n>", r"\g<n>"), (r"\k{n}", r"\g<n>"), (r"[\v]", "[" + r"\n\x0b\f\r\x85\u2028\u2029" + "]"),
    (r"\d+\.\w", r"\d+\.\w"),
])
def test_translation(pcre, python):
    assert translate(pcre) == python
