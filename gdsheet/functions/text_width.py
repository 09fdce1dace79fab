"""Full-width and half-width characters (ASC; JIS and its other name DBCS), PHONETIC, and BAHTTEXT.

Full-width forms are how East Asian fonts set Latin letters, digits and katakana in a double-width cell; Unicode's
compatibility decomposition (NFKC) says which half-width character each one stands for, and that table, read both
ways, is the conversion. A voiced katakana (ガ) becomes two half-width characters (ｶﾞ) and back.
"""
from __future__ import annotations

import unicodedata

from gdsheet.functions.registry import excel
from gdsheet.refs import Area

TEXT = "Text"


def _half_to_full() -> dict[str, str]:
    table = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII ! .. ~ -> ！ .. ～
    table[" "] = "\u3000"
    for c in range(0xFF61, 0xFFA0):  # half-width katakana and punctuation
        h = chr(c)
        full = unicodedata.normalize("NFKC", h)
        if full in ("\u3099", "\u309a"):  # the voiced marks stand alone: ゛ ゜
            full = {"\u3099": "\u309b", "\u309a": "\u309c"}[full]
        table[h] = full
    return table


HALF_TO_FULL = _half_to_full()
FULL_TO_HALF = {full: half for half, full in HALF_TO_FULL.items()}
FULL_TO_HALF.update({"\u3099": "\uff9e", "\u309a": "\uff9f"})  # combining voiced marks left by decomposition


def to_half_width(text: str) -> str:
    out = []
    for ch in text:
        if ch in FULL_TO_HALF:
            out.append(FULL_TO_HALF[ch])
            continue
        parts = unicodedata.normalize("NFD", ch)  # ガ -> カ + voiced mark
        if len(parts) == 2 and parts[0] in FULL_TO_HALF and parts[1] in FULL_TO_HALF and "\u30a0" < ch < "\u3100":
            out.append(FULL_TO_HALF[parts[0]] + FULL_TO_HALF[parts[1]])
        else:
            out.append(ch)
    return "".join(out)


def to_full_width(text: str) -> str:
    full = "".join(HALF_TO_FULL.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFC", full.replace("\u309b", "\u3099").replace("\u309c", "\u309a")) \
        if any("\uff61" <= ch <= "\uff9f" for ch in text) else full


@excel("ASC", "text", category=TEXT, syntax="ASC(text)",
       summary="Full-width (double-byte) letters, digits, punctuation and katakana changed to half-width.")
def asc(text: str):
    return to_half_width(text)


@excel("JIS", "text", category=TEXT, syntax="JIS(text)", aliases=("DBCS",),
       summary="Half-width (single-byte) letters, digits, punctuation and katakana changed to full-width "
               "(DBCS is the same function under its other name).")
def jis(text: str):
    return to_full_width(text)


@excel("PHONETIC", "ref", category=TEXT, needs_context=True, syntax="PHONETIC(reference)",
       summary="The phonetic (furigana) reading of Japanese text; gdsheet keeps no furigana, so it is the text "
               "itself, as Excel gives for text typed without phonetic information.")
def phonetic(ctx, ref):
    # Excel: a range gives the reading of its top-left cell; a cell that holds no text gives "".
    area = ref if isinstance(ref, Area) else ref.areas[0]
    v = ctx.value_at(area.sheet, area.r1, area.c1)
    return v if isinstance(v, str) else ""


# ---- BAHTTEXT ----------------------------------------------------------------------------------------------------

_THAI_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_THAI_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def thai_number(n: int) -> str:
    """A whole number in Thai words, read in groups of six digits joined by ล้าน (million). A 1 in the tens is
    สิบ, a 2 ยี่สิบ, and a final 1 after higher digits เอ็ด."""
    millions, rest = divmod(n, 1_000_000)
    words = [thai_number(millions) + "ล้าน"] if millions else []
    for place in range(5, -1, -1):
        d = rest // 10 ** place % 10
        if d == 0:
            continue
        if place == 1:
            words.append({1: "สิบ", 2: "ยี่สิบ"}.get(d, _THAI_DIGITS[d] + "สิบ"))
        elif place == 0 and d == 1 and n >= 10:
            words.append("เอ็ด")
        else:
            words.append(_THAI_DIGITS[d] + _THAI_PLACES[place])
    return "".join(words)


@excel("BAHTTEXT", "num", category=TEXT, syntax="BAHTTEXT(number)",
       summary="A number as Thai text with ‘Baht’ (บาท) and its satang (สตางค์), as written on Thai cheques.")
def bahttext(number: float):
    # Excel: rounded to the satang (half away from zero); whole amounts end in ถ้วน; below 1 baht only the satang
    # are read; negative amounts start with ลบ.
    from decimal import ROUND_HALF_UP, Decimal

    cents = int((Decimal(repr(abs(number))) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    baht, satang = divmod(cents, 100)
    if cents == 0:
        return "ศูนย์บาทถ้วน"
    text = (thai_number(baht) + "บาท" if baht else "") + (thai_number(satang) + "สตางค์" if satang else "ถ้วน")
    return ("ลบ" if number < 0 else "") + text
