"""Complex-number functions: Microsoft's documented examples, Excel's text form and parse errors, IronCalc as oracle."""
import pytest

from gdsheet.functions.complex import parse_complex
from oracle import check, ironcalc_values, new_workbook


@pytest.fixture(scope="module")
def wb():
    # A1:A3 a range of complex numbers with a blank, B1 "1+j"
    return new_workbook([(1, 1, "1+2i"), (2, 1, "3-i"), (1, 2, "1+j")])


# Microsoft's help examples (support.microsoft.com, one page per function), exactly as Excel writes them
@pytest.mark.parametrize("formula,expected", [
    ("=COMPLEX(3,4)", "3+4i"), ('=COMPLEX(3,4,"j")', "3+4j"), ("=COMPLEX(0,1)", "i"), ("=COMPLEX(1,0)", "1"),
    ('=IMABS("5+12i")', 13.0), ('=IMAGINARY("3+4i")', 4.0), ('=IMAGINARY("0-j")', -1.0), ("=IMAGINARY(4)", 0.0),
    ('=IMCONJUGATE("3+4i")', "3-4i"), ('=IMCOS("1+i")', "0.833730025131149-0.988897705762865i"),
    ('=IMCOSH("4+3i")', "-27.0349456030742+3.85115333481178i"),
    ('=IMCOT("4+3i")', "0.0049011823943045-0.999266927805902i"),
    ('=IMDIV("-238+240i","10+24i")', "5+12i"), ('=IMEXP("1+i")', "1.46869393991589+2.28735528717884i"),
    ('=IMLN("3+4i")', "1.6094379124341+0.927295218001612i"),
    ('=IMLOG10("3+4i")', "0.698970004336019+0.402719196273373i"),
    ('=IMLOG2("3+4i")', "2.32192809488736+1.33780421245098i"), ('=IMPOWER("2+3i",3)', "-46+9.00000000000001i"),
    ('=IMPRODUCT("3+4i","5-3i")', "27+11i"), ('=IMPRODUCT("1+2i",30)', "30+60i"), ('=IMREAL("6-9i")', 6.0),
    ('=IMSIN("4+3i")', "-7.61923172032141-6.548120040911i"), ('=IMSINH("4+3i")', "-27.0168132580039+3.85373803791938i"),
    ('=IMSQRT("1+i")', "1.09868411346781+0.455089860562227i"), ('=IMSUB("13+4i","5+3i")', "8+i"),
    ('=IMSUM("3+4i","5-3i")', "8+i"), ('=IMTAN("4+3i")', "0.00490825806749606+1.00070953606723i"),
])
def test_documented_examples(wb, formula, expected):
    check(wb, formula, expected, rel=1e-8)


def _parts(text: str) -> tuple[float, float]:
    z = parse_complex(text).z  # the parser is checked on its own by test_text_form_and_errors
    return z.real, z.imag


@pytest.mark.parametrize("formula,expected", [
    ('=IMARGUMENT("3+4i")', 0.92729522), ('=IMCSC("4+3i")', "-0.0754898329158637+0.0648774713706355i"),
    ('=IMCSCH("4+3i")', "-0.036275889628626-0.0051744731840194i"),
    ('=IMSEC("4+3i")', "-0.0652940278579471-0.0752249603027732i"),
    ('=IMSECH("4+3i")', "-0.0362534969158689-0.00516434460775318i"),
])
def test_documented_examples_to_the_last_digit_or_two(wb, formula, expected):
    # Microsoft's pages print these to 15 digits; libm's last digit can differ from Excel's
    got = wb.evaluate(formula)
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-8)
    else:
        assert _parts(got) == pytest.approx(_parts(expected), rel=1e-13)


@pytest.mark.parametrize("formula,expected", [
    # Excel's text form: "i" and "-i" alone, no imaginary part when it is 0, 15 significant digits, E notation
    ("=COMPLEX(0,-1)", "-i"), ("=COMPLEX(-1.5,1)", "-1.5+i"), ("=COMPLEX(2,-1,\"j\")", "2-j"), ("=COMPLEX(0,0)", "0"),
    ("=COMPLEX(1/3,0)", "0.333333333333333"), ("=COMPLEX(1E-20,1)", "1E-20+i"), ('=COMPLEX(1,2,"")', "1+2i"),
    ('=IMSQRT("-1")', "6.12323399573677E-17+i"),  # as exceljet.net/functions/imsqrt-function shows Excel's
    ('=IMSUB("13+4j","5+3j")', "8+j"), ('=IMCONJUGATE("-i")', "i"),
    ('=IMSUM("i","-i")', "0"), ("=IMSUM(A1:A3)", "4+i"), ('=IMPRODUCT("i","i")', "-1"), ('=IMREAL("1e2+3i")', 100.0),
    ('=IMAGINARY("i")', 1.0), ('=IMAGINARY("-2.5j")', -2.5), ('=IMREAL("")', 0.0), ('=IMPOWER("0",2)', "0"),
    ('=IMPOWER("1+i",0)', "1"), ('=IMEXP("0")', "1"), ('=IMABS("-i")', 1.0), ('=IMREAL(".5-.5i")', 0.5),
    # parse errors: anything not x+yi / x+yj is #NUM!
    ('=IMREAL("3+4k")', "#NUM!"), ('=IMREAL("3+4I")', "#NUM!"), ('=IMREAL("3 + 4i")', "#NUM!"),
    ('=IMREAL("4i3")', "#NUM!"), ('=IMREAL("abc")', "#NUM!"), ('=IMREAL("3-4")', "#NUM!"), ('=IMABS("ii")', "#NUM!"),
    ('=COMPLEX(3,4,"k")', "#VALUE!"), ('=COMPLEX(3,4,"I")', "#VALUE!"), ('=COMPLEX("a",4)', "#VALUE!"),
    ("=COMPLEX(TRUE,4)", "#VALUE!"),
    # mixing i and j is #VALUE!; poles are #NUM!; the angle of 0 is #DIV/0!
    ('=IMSUM("1+i","1+j")', "#VALUE!"), ("=IMSUM(A1,B1)", "#VALUE!"), ('=IMDIV("1+i","0")', "#NUM!"),
    ('=IMLN("0")', "#NUM!"), ('=IMLOG10("0")', "#NUM!"), ('=IMCOT("0")', "#NUM!"), ('=IMCSC("0")', "#NUM!"),
    ('=IMPOWER("0",-1)', "#NUM!"), ('=IMARGUMENT("0")', "#DIV/0!"), ('=IMEXP("1000")', "#NUM!"),
    ('=IMCOSH("1000+i")', "#NUM!"), ("=IMREAL(1/0)", "#DIV/0!"),
])
def test_text_form_and_errors(wb, formula, expected):
    check(wb, formula, expected, rel=1e-12)


def test_a_scalar_function_lifts_over_an_array(wb):
    assert wb.evaluate('=IMREAL({"1+i","2-3i"})').tolist() == [[1.0, 2.0]]
    assert wb.evaluate('=IMCONJUGATE({"1+i";"j"})').tolist() == [["1-i"], ["-j"]]


def test_against_ironcalc():
    """Every one-argument function on awkward inputs and the arithmetic on pairs, to 13 digits."""
    pytest.importorskip("ironcalc")
    book = new_workbook()
    zs = ['"4+3i"', '"1+i"', '"-2.5-0.75j"', '"3"', '"-i"', '"0.5i"', '"1e-3+2e2i"', '"-7"']
    names = ("IMCOS IMCOSH IMCSC IMCSCH IMEXP IMLN IMLOG10 IMLOG2 IMSEC IMSECH IMSIN IMSINH IMSQRT IMTAN IMCOT "
             "IMCONJUGATE IMABS IMREAL IMAGINARY IMARGUMENT").split()
    formulas = [f"={f}({z})" for f in names for z in zs[:6]]
    for a in ('"4+3i"', '"1+i"', '"-2.5-0.75i"', '"0.5i"'):
        for b in ('"4+3i"', '"-i"', '"3"', '"0.25-8i"'):
            formulas += [f"=IMSUB({a},{b})", f"=IMDIV({a},{b})", f"=IMSUM({a},{b})", f"=IMPRODUCT({a},{b})"]
        formulas += [f"=IMPOWER({a},3)", f"=IMPOWER({a},0.5)", f"=IMPOWER({a},-2.5)"]
    for formula, theirs in zip(formulas, ironcalc_values(formulas)):
        ours = book.evaluate(formula)
        if isinstance(theirs, str):
            # IronCalc writes tiny parts as long decimals where Excel uses E notation: compare the numbers
            assert _parts(ours) == pytest.approx(_parts(theirs), rel=1e-13, abs=1e-15), formula
        else:
            assert ours == (pytest.approx(theirs, rel=1e-13) if isinstance(theirs, float) else theirs), formula
