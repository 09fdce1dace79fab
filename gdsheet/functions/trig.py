"""Trigonometric and hyperbolic functions, written once as kernels for numpy (the grid) and torch (the solver)."""
from __future__ import annotations

import math

from gdsheet import errors as E
from gdsheet.functions.math import CAT, smooth
from gdsheet.functions.registry import elementwise, excel

TRIG_LIMIT = 2.0 ** 27  # Excel refuses trigonometric arguments this large: sin(2^27) has no accurate digits


def _trig_guard(x: float):
    # Quirk: |x| >= 2^27 is #NUM! (documented for COT, CSC, SEC and their hyperbolic forms; Excel's SIN/COS/TAN too)
    return E.NUM if abs(x) >= TRIG_LIMIT else None


def _reciprocal_guard(x: float):
    # Quirk: the reciprocal functions divide by zero at 0 and say #DIV/0!, not #NUM!
    return _trig_guard(x) or (E.DIV0 if x == 0 else None)


smooth("SIN", lambda xp, x: xp.sin(x), guard=_trig_guard, syntax="SIN(number)",
       summary="The sine of an angle given in radians.")
smooth("COS", lambda xp, x: xp.cos(x), guard=_trig_guard, syntax="COS(number)",
       summary="The cosine of an angle given in radians.")
smooth("TAN", lambda xp, x: xp.tan(x), guard=_trig_guard, syntax="TAN(number)",
       summary="The tangent of an angle given in radians.")
smooth("COT", lambda xp, x: 1 / xp.tan(x), guard=_reciprocal_guard, syntax="COT(number)",
       summary="The cotangent of an angle given in radians (1/TAN).")
smooth("CSC", lambda xp, x: 1 / xp.sin(x), guard=_reciprocal_guard, syntax="CSC(number)",
       summary="The cosecant of an angle given in radians (1/SIN).")
smooth("SEC", lambda xp, x: 1 / xp.cos(x), guard=_trig_guard, syntax="SEC(number)",
       summary="The secant of an angle given in radians (1/COS).")

elementwise("ASIN", lambda xp, x: xp.arcsin(x), syntax="ASIN(number)",
            summary="The angle in radians, from -pi/2 to pi/2, whose sine is the number.")
elementwise("ACOS", lambda xp, x: xp.arccos(x), syntax="ACOS(number)",
            summary="The angle in radians, from 0 to pi, whose cosine is the number.")
elementwise("ATAN", lambda xp, x: xp.arctan(x), syntax="ATAN(number)",
            summary="The angle in radians, from -pi/2 to pi/2, whose tangent is the number.")
elementwise("ACOT", lambda xp, x: math.pi / 2 - xp.arctan(x), syntax="ACOT(number)",
            summary="The angle in radians, from 0 to pi, whose cotangent is the number.")


def _atan2_guard(x: float, y: float):
    # Quirk: the angle of the origin is #DIV/0!
    return E.DIV0 if x == 0 and y == 0 else None


# Quirk: Excel's argument order is (x, y), the reverse of atan2(y, x) in most languages
smooth("ATAN2", lambda xp, x, y: xp.arctan2(y, x), "num", "num", guard=_atan2_guard, syntax="ATAN2(x_num, y_num)",
       summary="The angle in radians, from -pi to pi, of the point (x, y) seen from the origin.")

elementwise("SINH", lambda xp, x: xp.sinh(x), syntax="SINH(number)", summary="The hyperbolic sine of a number.")
elementwise("COSH", lambda xp, x: xp.cosh(x), syntax="COSH(number)", summary="The hyperbolic cosine of a number.")
elementwise("TANH", lambda xp, x: xp.tanh(x), syntax="TANH(number)",
            summary="The hyperbolic tangent of a number.")
smooth("COTH", lambda xp, x: 1 / xp.tanh(x), guard=_reciprocal_guard, syntax="COTH(number)",
       summary="The hyperbolic cotangent of a number (1/TANH).")
smooth("CSCH", lambda xp, x: 1 / xp.sinh(x), guard=_reciprocal_guard, syntax="CSCH(number)",
       summary="The hyperbolic cosecant of a number (1/SINH).")
smooth("SECH", lambda xp, x: 1 / xp.cosh(x), guard=_trig_guard, syntax="SECH(number)",
       summary="The hyperbolic secant of a number (1/COSH).")
elementwise("ASINH", lambda xp, x: xp.arcsinh(x), syntax="ASINH(number)",
            summary="The number whose hyperbolic sine is the given number.")
elementwise("ACOSH", lambda xp, x: xp.arccosh(x), syntax="ACOSH(number)",
            summary="The number (0 or more) whose hyperbolic cosine is the given number (1 or more).")
elementwise("ATANH", lambda xp, x: xp.arctanh(x), syntax="ATANH(number)",
            summary="The number whose hyperbolic tangent is the given number (strictly between -1 and 1).")
elementwise("ACOTH", lambda xp, x: 0.5 * xp.log((x + 1) / (x - 1)), syntax="ACOTH(number)",
            summary="The number whose hyperbolic cotangent is the given number (absolute value above 1).")

elementwise("DEGREES", lambda xp, x: x * 180.0 / math.pi, syntax="DEGREES(angle)",
            summary="An angle in radians converted to degrees.")
elementwise("RADIANS", lambda xp, x: x * math.pi / 180.0, syntax="RADIANS(angle)",
            summary="An angle in degrees converted to radians.")


@excel("PI", category=CAT, syntax="PI()", summary="The number pi, 3.14159265358979, to 15 digits.")
def pi():
    # a constant: the compiler folds it like any value that does not depend on the variables
    return math.pi
