"""Parser: tables of valid and invalid formulas, and properties checked with hypothesis."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsheet.errors import FormulaSyntaxError
from gdsheet.formula import ast as A
from gdsheet.formula import parse, parse_cached, relative_key, unparse

# (formula, expected tree when written in cell C5)
VALID = [
    ("=-2^2", A.Binary("^", A.Unary("-", A.Number(2.0)), A.Number(2.0))),
    ("=2^3^2", A.Binary("^", A.Binary("^", A.Number(2.0), A.Number(3.0)), A.Number(2.0))),
    ("=1+2*3", A.Binary("+", A.Number(1.0), A.Binary("*", A.Number(2.0), A.Number(3.0)))),
    ("=1&2=\"12\"", A.Binary("=", A.Binary("&", A.Number(1.0), A.Number(2.0)), A.Text("12"))),
    ("=50%", A.Unary("%", A.Number(50.0))),
    ("=A1", A.CellRef(-4, -2, False, False)),
    ("=$A$1", A.CellRef(1, 1, True, True)),
    ("=A$1", A.CellRef(1, -2, True, False)),
    ("='My Sheet'!B2", A.CellRef(-3, -1, False, False, "My Sheet")),
    ("='It''s'!B2", A.CellRef(-3, -1, False, False, "It's")),
    ("=Sheet2!$A$1:$B$3", A.AreaRef(1, 1, 3, 2, True, True, True, True, "Sheet2")),
    ("=A:A", A.AreaRef(None, -2, None, -2, False, False, False, False)),
    ("=$3:$5", A.AreaRef(3, None, 5, None, True, False, True, False)),
    ("=A1:B2 B2:C3", A.Binary(" ", A.AreaRef(-4, -2, -3, -1, False, False, False, False),
                               A.AreaRef(-3, -1, -2, 0, False, False, False, False))),
    ("=SUM((A1,B2))", A.Call("SUM", (A.Binary(",", A.CellRef(-4, -2, False, False),
                                                  A.CellRef(-3, -1, False, False)),))),
    ("=IF(A1,,1)", A.Call("IF", (A.CellRef(-4, -2, False, False), A.Missing(), A.Number(1.0)))),
    ("=NOW()", A.Call("NOW", ())),
    ("=_xlfn.XLOOKUP(1,A1:A2,B1:B2)", A.Call("XLOOKUP", (A.Number(1.0),
                                                          A.AreaRef(-4, -2, -3, -2, False, False, False, False),
                                                          A.AreaRef(-4, -1, -3, -1, False, False, False, False)))),
    ("={1,2;3,-4}", A.ArrayLit(((A.Number(1.0), A.Number(2.0)), (A.Number(3.0), A.Number(-4.0))))),
    ("={\"a\",TRUE,#N/A}", A.ArrayLit(((A.Text("a"), A.Bool(True), A.ErrorLit("#N/A")),))),
    ("=#DIV/0!", A.ErrorLit("#DIV/0!")),
    ("=A1#", A.SpillRef(A.CellRef(-4, -2, False, False))),
    ("=@A1:A3", A.Unary("@", A.AreaRef(-4, -2, -2, -2, False, False, False, False))),
    ("=LOG10(100)", A.Call("LOG10", (A.Number(100.0),))),
    ("=rate*2", A.Binary("*", A.Name("rate"), A.Number(2.0))),
    ("=Sheet1!rate", A.Name("rate", "Sheet1")),
    ("=Table1[Age]", A.StructRef("Table1", (), "Age")),
    ("=Table1[]", A.StructRef("Table1")),
    ("=Table1[#All]", A.StructRef("Table1", ("#All",))),
    ("=[@Age]", A.StructRef(None, ("#This Row",), "Age")),
    ("=[@[Log Fare]]", A.StructRef(None, ("#This Row",), "Log Fare")),
    ("=Table13[[#This Row],[Age]]", A.StructRef("Table13", ("#This Row",), "Age")),
    ("=Table13[[#This Row],[SibSp]:[Ones]]", A.StructRef("Table13", ("#This Row",), "SibSp", "Ones")),
    ("=Table1[[#Headers],[#Data],[A]]", A.StructRef("Table1", ("#Headers", "#Data"), "A")),
    ("= 1 + 2 ", A.Binary("+", A.Number(1.0), A.Number(2.0))),
    ("=1E+20", A.Number(1e20)),
    ("=.5", A.Number(0.5)),
    ("=TRUE", A.Bool(True)),
    ("=\"say \"\"hi\"\"\"", A.Text('say "hi"')),
]

INVALID = ["=", "=1+", "=(1", "=1)", "=SUM(1", "=SUM(1;2)", "=\"open", "={1,2;3}", "={A1}", "=1 +* 2", "=Sheet1!",
           "=[1]Sheet1!A1", "=A1:", "=XFE1", "=A1048577", "=Table1[[A]", "=$", "=1..2"]


@pytest.mark.parametrize("text,tree", VALID)
def test_valid_formulas_parse_to_their_tree(text, tree):
    assert parse(text, 5, 3) == tree


@pytest.mark.parametrize("text,tree", VALID)
def test_unparse_round_trips(text, tree):
    assert parse(unparse(tree, 5, 3), 5, 3) == tree


@pytest.mark.parametrize("text", INVALID)
def test_invalid_formulas_raise_the_parsers_error(text):
    with pytest.raises(FormulaSyntaxError) as info:
        parse(text)
    assert str(info.value)


def test_file_prefixes_are_written_for_files_only():
    tree = parse("=XLOOKUP(1,A1:A2,B1:B2)+SUM(1)")
    assert unparse(tree, for_file=True) == "=_xlfn.XLOOKUP(1,A1:A2,B1:B2)+SUM(1)"
    assert unparse(tree) == "=XLOOKUP(1,A1:A2,B1:B2)+SUM(1)"


def test_a_filled_column_shares_one_tree():
    trees = {id(parse_cached(f"=SUMPRODUCT(G{r}:P{r},$R$4:$AA$4)", r, 12)) for r in range(4, 716)}
    assert len(trees) == 1


def test_relative_key_ignores_text_that_only_looks_like_references():
    assert relative_key('="A1"&A1', 1, 1) != relative_key('="A2"&A2', 2, 1)
    assert relative_key("=T[Q1]+A1", 1, 1) != relative_key("=T[Q2]+A2", 2, 1)
    assert relative_key("=A1", 1, 1) == relative_key("=A2", 2, 1)


def test_shifted_references_past_the_grid_unparse_as_ref_errors():
    tree = parse("=A1", 2, 2)  # one up and one left of the host
    assert unparse(tree, 1, 1) == "=#REF!"


# ---- hypothesis: parse(unparse(t)) == t, and no text raises anything but the parser's own error ---------------

# names that Excel would accept: not TRUE/FALSE, not shaped like a cell address
names = st.from_regex(r"[a-z_][a-z0-9_]{2,8}", fullmatch=True).filter(
    lambda s: s.upper() not in ("TRUE", "FALSE") and not re.fullmatch(r"[a-z]{1,3}\d+", s))
numbers = st.floats(min_value=0, max_value=1e30, allow_nan=False, allow_infinity=False).map(A.Number)
cells = st.builds(lambda r, c, ra, ca: A.CellRef(r if ra else r - 50, c if ca else c - 20, ra, ca),
                  st.integers(1, 5000), st.integers(1, 700), st.booleans(), st.booleans())
leaves = st.one_of(numbers, st.text(max_size=6).map(A.Text), st.booleans().map(A.Bool),
                   st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!"]).map(A.ErrorLit), cells,
                   names.map(A.Name))


def _extend(children):
    return st.one_of(
        st.builds(A.Binary, st.sampled_from(["+", "-", "*", "/", "^", "&", "=", "<>", "<", ">=", "<=", ">"]),
                  children, children),
        st.builds(A.Unary, st.sampled_from(["-", "%"]), children),
        st.builds(A.Call, st.sampled_from(["SUM", "IF", "MAX", "EXP"]),
                  st.lists(children, min_size=1, max_size=3).map(tuple)),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(trees)
def test_parse_unparse_round_trip(tree):
    assert parse(unparse(tree, 50, 20), 50, 20) == tree


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("=A1:$B2,()+-*/^&<>\"'![]{};#@%. Sheet_xTRUE")), max_size=25))
def test_any_text_parses_or_raises_formula_syntax_error(text):
    try:
        tree = parse(text)
    except FormulaSyntaxError:
        return
    assert isinstance(tree, A.Node)


def test_a_whole_column_or_row_reference_is_not_shared_between_cells_it_means_differently():
    from gdsheet.formula import parse_cached

    far, near = parse_cached("=SUM(A:A)", 2, 20), parse_cached("=SUM(A:A)", 2, 2)
    assert (far.args[0].c1, near.args[0].c1) == (-19, -1)
    low, high = parse_cached("=SUM(4:4)", 10, 1), parse_cached("=SUM(4:4)", 5, 1)
    assert low.args[0].r1 != high.args[0].r1
