"""CONVERT: Excel's measurement units (mass, distance, time, pressure, force, energy, power, temperature, volume,
area, speed, magnetism, information), with SI and binary prefixes."""
from __future__ import annotations

from gdsheet import errors as E
from gdsheet.functions.engineering import CAT
from gdsheet.functions.registry import excel

_IN = 0.0254
_FT = 0.3048
_MI = 1609.344
_NMI = 1852.0
_LY = 9460730472580800.0
_PICA = _IN / 72

# unit -> (quantity, size in the quantity's base unit, power a prefix is raised to or 0 when no prefix is allowed).
# The sizes are Excel's own constants (e.g. mmHg is 133.322 Pa while Torr is 101325/760 Pa).
UNITS: dict[str, tuple[str, float, int]] = {}


def _add(quantity: str, size: float, prefix_power: int, *names: str) -> None:
    for name in names:
        UNITS[name] = (quantity, size, prefix_power)


_add("mass", 1.0, 1, "g")
_add("mass", 14593.9029372064, 0, "sg")
_add("mass", 453.59237, 0, "lbm")
_add("mass", 1.660538782e-24, 1, "u")
_add("mass", 28.349523125, 0, "ozm")
_add("mass", 0.06479891, 0, "grain")
_add("mass", 45359.237, 0, "cwt", "shweight")
_add("mass", 50802.34544, 0, "uk_cwt", "lcwt", "hweight")
_add("mass", 6350.29318, 0, "stone")
_add("mass", 907184.74, 0, "ton")
_add("mass", 1016046.9088, 0, "uk_ton", "LTON", "brton")

_add("distance", 1.0, 1, "m")
_add("distance", _MI, 0, "mi")
_add("distance", _NMI, 0, "Nmi")
_add("distance", _IN, 0, "in")
_add("distance", _FT, 0, "ft")
_add("distance", 0.9144, 0, "yd")
_add("distance", 1e-10, 1, "ang")
_add("distance", 1.143, 0, "ell")
_add("distance", _LY, 1, "ly")
_add("distance", 3.08567758128155e16, 1, "parsec", "pc")
_add("distance", _PICA, 0, "Picapt", "Pica")
_add("distance", _IN / 6, 0, "pica")
_add("distance", 1609.34721869444, 0, "survey_mi")

_add("time", 31557600.0, 0, "yr")
_add("time", 86400.0, 0, "day", "d")
_add("time", 3600.0, 0, "hr")
_add("time", 60.0, 0, "mn", "min")
_add("time", 1.0, 1, "sec", "s")

_add("pressure", 1.0, 1, "Pa", "p")
_add("pressure", 101325.0, 1, "atm", "at")
_add("pressure", 133.322, 1, "mmHg")
_add("pressure", 6894.75729316836, 0, "psi")
_add("pressure", 101325.0 / 760, 0, "Torr")

_add("force", 1.0, 1, "N")
_add("force", 1e-5, 1, "dyn", "dy")
_add("force", 4.4482216152605, 0, "lbf")
_add("force", 9.80665e-3, 1, "pond")

_add("energy", 1.0, 1, "J")
_add("energy", 1e-7, 1, "e")
_add("energy", 4.184, 1, "c")
_add("energy", 4.1868, 1, "cal")
_add("energy", 1.602176487e-19, 1, "eV", "ev")
_add("energy", 2684519.53769617, 0, "HPh", "hh")
_add("energy", 3600.0, 1, "Wh", "wh")
_add("energy", 1.3558179483314, 0, "flb")
_add("energy", 1055.05585262, 0, "BTU", "btu")

_add("power", 1.0, 1, "W", "w")
_add("power", 745.69987158227, 0, "HP", "h")
_add("power", 735.49875, 0, "PS")

_add("magnetism", 1.0, 1, "T")
_add("magnetism", 1e-4, 1, "ga")

_add("volume", 1.0, 3, "m3", "m^3")
_add("volume", 4.92892159375e-6, 0, "tsp")
_add("volume", 5e-6, 0, "tspm")
_add("volume", 1.478676478125e-5, 0, "tbs")
_add("volume", 2.95735295625e-5, 0, "oz")
_add("volume", 2.365882365e-4, 0, "cup")
_add("volume", 4.73176473e-4, 0, "pt", "us_pt")
_add("volume", 5.6826125e-4, 0, "uk_pt")
_add("volume", 9.46352946e-4, 0, "qt")
_add("volume", 1.1365225e-3, 0, "uk_qt")
_add("volume", 3.785411784e-3, 0, "gal")
_add("volume", 4.54609e-3, 0, "uk_gal")
_add("volume", 1e-3, 1, "l", "L", "lt")
_add("volume", 1e-30, 3, "ang3", "ang^3")
_add("volume", 0.158987294928, 0, "barrel")
_add("volume", 0.03523907016688, 0, "bushel")
_add("volume", _FT ** 3, 0, "ft3", "ft^3")
_add("volume", _IN ** 3, 0, "in3", "in^3")
_add("volume", _LY ** 3, 3, "ly3", "ly^3")
_add("volume", _MI ** 3, 0, "mi3", "mi^3")
_add("volume", 0.9144 ** 3, 0, "yd3", "yd^3")
_add("volume", _NMI ** 3, 0, "Nmi3", "Nmi^3")
_add("volume", _PICA ** 3, 0, "Pica3", "Picapt3", "Pica^3", "Picapt^3")
_add("volume", 100 * _FT ** 3, 0, "GRT", "regton")
_add("volume", 40 * _FT ** 3, 0, "MTON")

_add("area", 1.0, 2, "m2", "m^2")
_add("area", 4046.8564224, 0, "uk_acre")
_add("area", 4046.87260987425, 0, "us_acre")
_add("area", 1e-20, 2, "ang2", "ang^2")
_add("area", 100.0, 1, "ar")
_add("area", _FT ** 2, 0, "ft2", "ft^2")
_add("area", 1e4, 0, "ha")
_add("area", _IN ** 2, 0, "in2", "in^2")
_add("area", _LY ** 2, 2, "ly2", "ly^2")
_add("area", 2500.0, 0, "Morgen")
_add("area", _MI ** 2, 0, "mi2", "mi^2")
_add("area", _NMI ** 2, 0, "Nmi2", "Nmi^2")
_add("area", _PICA ** 2, 0, "Pica2", "Picapt2", "Pica^2", "Picapt^2")
_add("area", 0.9144 ** 2, 0, "yd2", "yd^2")

_add("information", 1.0, 1, "bit")
_add("information", 8.0, 1, "byte")

_add("speed", 1.0, 1, "m/s", "m/sec")
_add("speed", 1 / 3600, 1, "m/h", "m/hr")
_add("speed", 6080 * _FT / 3600, 0, "admkn")
_add("speed", _NMI / 3600, 0, "kn")
_add("speed", _MI / 3600, 0, "mph")

# Temperatures convert through kelvin with an offset: (scale, offset) with kelvin = value * scale + offset.
_TEMPERATURES = {"C": (1.0, 273.15), "cel": (1.0, 273.15), "F": (5 / 9, 273.15 - 32 * 5 / 9),
                 "fah": (5 / 9, 273.15 - 32 * 5 / 9), "K": (1.0, 0.0), "kel": (1.0, 0.0), "Rank": (5 / 9, 0.0),
                 "Reau": (1.25, 273.15)}

PREFIXES = {"Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3, "h": 1e2,
            "da": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15,
            "a": 1e-18, "z": 1e-21, "y": 1e-24}
BINARY_PREFIXES = {"ki": 2.0 ** 10, "Mi": 2.0 ** 20, "Gi": 2.0 ** 30, "Ti": 2.0 ** 40, "Pi": 2.0 ** 50,
                   "Ei": 2.0 ** 60, "Zi": 2.0 ** 70, "Yi": 2.0 ** 80}


def lookup(unit: str) -> tuple[str, float, float] | None:
    """A unit's (quantity, scale, offset) in its quantity's base unit, prefixes applied; None if unknown."""
    if unit in _TEMPERATURES:
        return ("temperature", *_TEMPERATURES[unit])
    if unit in UNITS:
        quantity, size, _ = UNITS[unit]
        return quantity, size, 0.0
    for table in (PREFIXES, BINARY_PREFIXES):
        for prefix, factor in table.items():
            rest = unit[len(prefix):]
            if not unit.startswith(prefix) or not rest:
                continue
            if rest in ("K", "kel") and table is PREFIXES:  # kelvin takes prefixes; the other scales do not
                return "temperature", factor, 0.0
            if rest in UNITS and UNITS[rest][2]:
                quantity, size, power = UNITS[rest]
                if table is BINARY_PREFIXES and quantity != "information":
                    continue
                return quantity, size * factor ** power, 0.0
    return None


@excel("CONVERT", "num", "text", "text", category=CAT, syntax="CONVERT(number, from_unit, to_unit)",
       summary='A measurement converted between units of the same kind, e.g. CONVERT(1, "mi", "km") is 1.609344.')
def convert(x: float, src: str, dst: str):
    # Excel quirk: unit names are case-sensitive; unknown units or units of different kinds are #N/A.
    a, b = lookup(src), lookup(dst)
    if a is None or b is None:
        return E.NA.because(f"unknown unit {src if a is None else dst!r}")
    if a[0] != b[0]:
        return E.NA.because(f"{src!r} ({a[0]}) and {dst!r} ({b[0]}) measure different things")
    return (x * a[1] + a[2] - b[2]) / b[1]
