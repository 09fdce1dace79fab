"""Engineering functions through the engine: Microsoft's documented examples and the edge cases of each."""
from __future__ import annotations

from functools import partial

import pytest

from gdsheet.functions.engineering_units import BINARY_PREFIXES, PREFIXES, UNITS, lookup
from gdsheet.sheet.workbook import Workbook

import oracle


check = partial(oracle.check, abs=1e-12)  # this module's tolerance


BASES = [
    ("=BIN2DEC(1100100)", 100.0), ("=BIN2DEC(1111111111)", -1.0), ("=BIN2DEC(\"0000000001\")", 1.0),
    ("=BIN2DEC(12)", "#NUM!"), ("=BIN2DEC(-1)", "#NUM!"), ("=BIN2DEC(1.5)", "#NUM!"), ("=BIN2DEC(TRUE)", "#VALUE!"),
    ("=BIN2DEC(\"10101010101\")", "#NUM!"), ("=BIN2DEC(\"\")", 0.0),
    ("=BIN2HEX(11111011,4)", "00FB"), ("=BIN2HEX(1110)", "E"), ("=BIN2HEX(1111111111)", "FFFFFFFFFF"),
    ("=BIN2OCT(1001,3)", "011"), ("=BIN2OCT(1100100)", "144"), ("=BIN2OCT(1111111111)", "7777777777"),
    ("=DEC2BIN(9,4)", "1001"), ("=DEC2BIN(-100)", "1110011100"), ("=DEC2BIN(512)", "#NUM!"),
    ("=DEC2BIN(-513)", "#NUM!"), ("=DEC2BIN(1.9)", "1"), ("=DEC2BIN(-1.5)", "1111111111"), ("=DEC2BIN(9,3)", "#NUM!"),
    ("=DEC2BIN(3,10.9)", "0000000011"), ("=DEC2BIN(3,11)", "#NUM!"), ("=DEC2BIN(3,)", "#NUM!"),
    ("=DEC2BIN(-3,2)", "1111111101"), ("=DEC2BIN(-3,-1)", "#NUM!"), ("=DEC2BIN(\"3\",\"4\")", "0011"),
    ("=DEC2BIN(TRUE)", "#VALUE!"), ("=DEC2BIN(3,TRUE)", "#VALUE!"), ("=DEC2BIN(\"a\")", "#VALUE!"),
    ("=DEC2HEX(100,4)", "0064"), ("=DEC2HEX(-54)", "FFFFFFFFCA"), ("=DEC2HEX(28)", "1C"), ("=DEC2HEX(64,1)", "#NUM!"),
    ("=DEC2HEX(549755813887)", "7FFFFFFFFF"), ("=DEC2HEX(549755813888)", "#NUM!"),
    ("=DEC2OCT(58,3)", "072"), ("=DEC2OCT(-100)", "7777777634"),
    ("=HEX2BIN(\"F\",8)", "00001111"), ("=HEX2BIN(\"B7\")", "10110111"), ("=HEX2BIN(\"FFFFFFFFFF\")", "1111111111"),
    ("=HEX2BIN(\"FFFFFFFE00\",3)", "1000000000"), ("=HEX2BIN(\"200\")", "#NUM!"),
    ("=HEX2DEC(\"A5\")", 165.0), ("=HEX2DEC(\"FFFFFFFF5B\")", -165.0), ("=HEX2DEC(\"3DA408B9\")", 1034160313.0),
    ("=HEX2DEC(\"ff\")", 255.0), ("=HEX2DEC(\" 1\")", "#NUM!"), ("=HEX2DEC(\"-1\")", "#NUM!"),
    ("=HEX2DEC(\"G\")", "#NUM!"),
    ("=HEX2OCT(\"F\",3)", "017"), ("=HEX2OCT(\"3B4E\")", "35516"), ("=HEX2OCT(\"FFFFFFFF00\")", "7777777400"),
    ("=HEX2OCT(\"FFDFFFFFFF\")", "#NUM!"),
    ("=OCT2BIN(3,3)", "011"), ("=OCT2BIN(7777777000)", "1000000000"), ("=OCT2DEC(54)", 44.0),
    ("=OCT2DEC(7777777533)", -165.0), ("=OCT2DEC(\"8\")", "#NUM!"), ("=OCT2HEX(100,4)", "0040"),
    ("=OCT2HEX(7777777533)", "FFFFFFFF5B"),
]

CONVERSIONS = [
    ("=CONVERT(1,\"lbm\",\"kg\")", 0.45359237), ("=CONVERT(68,\"F\",\"C\")", 20.0), ("=CONVERT(-40,\"F\",\"C\")", -40.0),
    ("=CONVERT(0,\"C\",\"K\")", 273.15), ("=CONVERT(100,\"C\",\"Rank\")", 671.67), ("=CONVERT(80,\"Reau\",\"cel\")", 100.0),
    ("=CONVERT(2.5,\"ft\",\"sec\")", "#N/A"), ("=CONVERT(CONVERT(100,\"ft\",\"m\"),\"ft\",\"m\")", 9.290304),
    ("=CONVERT(6,\"tsp\",\"tbs\")", 2.0), ("=CONVERT(6,\"gal\",\"l\")", 22.712470704), ("=CONVERT(6,\"mi\",\"km\")", 9.656064),
    ("=CONVERT(6,\"km\",\"mi\")", 3.72822715342), ("=CONVERT(6,\"in\",\"ft\")", 0.5), ("=CONVERT(6,\"cm\",\"in\")", 2.36220472),
    ("=CONVERT(1,\"km2\",\"ha\")", 100.0), ("=CONVERT(1,\"ft^3\",\"l\")", 28.316846592), ("=CONVERT(1,\"kibyte\",\"bit\")", 8192.0),
    ("=CONVERT(1,\"kbyte\",\"byte\")", 1000.0), ("=CONVERT(1,\"kWh\",\"J\")", 3.6e6), ("=CONVERT(1,\"ms\",\"sec\")", 1e-3),
    ("=CONVERT(100,\"km/h\",\"m/s\")", 100 / 3.6), ("=CONVERT(1,\"mK\",\"K\")", 1e-3), ("=CONVERT(1,\"dam\",\"m\")", 10.0),
    ("=CONVERT(1,\"atm\",\"mmHg\")", 101325 / 133.322), ("=CONVERT(1,\"kmi\",\"m\")", "#N/A"), ("=CONVERT(1,\"kibit\",\"m\")", "#N/A"),
    ("=CONVERT(1,\"kim\",\"m\")", "#N/A"), ("=CONVERT(1,\"KM\",\"m\")", "#N/A"), ("=CONVERT(1,\"kC\",\"K\")", "#N/A"),
    ("=CONVERT(\"a\",\"m\",\"m\")", "#VALUE!"), ("=CONVERT(\"2\",\"m\",\"cm\")", 200.0),
]

BITS = [
    ("=DELTA(5,4)", 0.0), ("=DELTA(5,5)", 1.0), ("=DELTA(0.5,0)", 0.0), ("=DELTA(0)", 1.0), ("=DELTA(\"2\",2)", 1.0),
    ("=DELTA(TRUE,1)", "#VALUE!"), ("=DELTA(\"a\",1)", "#VALUE!"),
    ("=GESTEP(5,4)", 1.0), ("=GESTEP(5,5)", 1.0), ("=GESTEP(-4,-5)", 1.0), ("=GESTEP(-1)", 0.0), ("=GESTEP(TRUE)", "#VALUE!"),
    ("=BITAND(1,5)", 1.0), ("=BITAND(13,25)", 9.0), ("=BITOR(23,10)", 31.0), ("=BITXOR(5,3)", 6.0),
    ("=BITLSHIFT(4,2)", 16.0), ("=BITRSHIFT(13,2)", 3.0), ("=BITRSHIFT(1,-47)", 2.0 ** 47), ("=BITLSHIFT(1,48)", "#NUM!"),
    ("=BITLSHIFT(1,54)", "#NUM!"), ("=BITLSHIFT(1,1.9)", 2.0), ("=BITAND(1.5,1)", "#NUM!"), ("=BITAND(-1,1)", "#NUM!"),
    ("=BITAND(2^48,1)", "#NUM!"), ("=BITAND(TRUE,1)", 1.0),
]


@pytest.mark.parametrize("formula,expected", BASES + CONVERSIONS + BITS)
def test_formula(wb: Workbook, formula: str, expected) -> None:
    check(wb, formula, expected)


def test_every_unit_converts_to_itself_and_back() -> None:
    for unit in UNITS:
        quantity, scale, offset = lookup(unit)
        assert scale > 0 and offset == 0 and quantity == UNITS[unit][0]
    assert all(lookup(p + "m") is not None for p in PREFIXES)
    assert all(lookup(p + "byte") is not None for p in BINARY_PREFIXES)


def test_base_conversions_round_trip(wb: Workbook) -> None:
    for n in (-512, -7, -1, 0, 1, 255, 511):
        for base in ("BIN", "OCT", "HEX"):
            assert wb.evaluate(f"={base}2DEC(DEC2{base}({n}))") == float(n)
