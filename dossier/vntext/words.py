"""Numbers in words, conventional northern administrative style (the
"Bằng chữ" line): linh, nghìn, tỷ, mốt, tư, lăm; inner groups read in full
("một nghìn không trăm linh một"), all-zero groups silent, 2 500 tỷ read as
"hai nghìn năm trăm tỷ", decimals "mười hai phẩy không năm". Exact for any int."""

from __future__ import annotations

from typing import Any

from ..errors import input_error
from .case import upper_first
from .numbers import plain_digits, to_decimal

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9
_GROUPS = ((10**6, "triệu"), (10**3, "nghìn"), (1, ""))


def _units_after_tens(tens: int, units: int) -> str:
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 4 and tens >= 2:
        return "tư"
    if units == 5 and tens >= 1:
        return "lăm"
    return DIGITS[units]


def _triplet(n: int, full: bool) -> list[str]:
    """0 < n < 1000. ``full``: not the leading group, so 'không trăm' is spoken."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [DIGITS[units]]
    else:
        words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
        if units:
            words.append(_units_after_tens(tens, units))
    return words


def _below_billion(n: int, leading: bool) -> list[str]:
    words: list[str] = []
    for size, scale in _GROUPS:
        group = n // size % 1000
        if group:
            words += _triplet(group, full=not (leading and not words))
            if scale:
                words.append(scale)
    return words


def integer_words(n: int) -> list[str]:
    """Words of a non-negative int. Above 999 tỷ the number of tỷ is itself
    read as a number (10**12 -> 'một nghìn tỷ'), without recursion or floats."""
    if n == 0:
        return [DIGITS[0]]
    limbs: list[int] = []  # base 10**9, least significant first
    while n:
        n, limb = divmod(n, _BILLION)
        limbs.append(limb)
    words: list[str] = []
    for index in range(len(limbs) - 1, -1, -1):
        if limbs[index]:
            words += _below_billion(limbs[index], leading=not words)
        if index:
            words.append("tỷ")
    return words


def _fraction_words(digits: str) -> list[str]:
    """'05' -> ['không', 'năm']: leading zeros spoken, the rest read as a number."""
    rest = digits.lstrip("0")
    return [DIGITS[0]] * (len(digits) - len(rest)) + integer_words(int(rest))


def vn_words(n: Any) -> str:
    """1250000 -> 'một triệu hai trăm năm mươi nghìn'; '12,05' ->
    'mười hai phẩy không năm'; -5 -> 'âm năm'. Pass decimals as str or Decimal."""
    if isinstance(n, int) and not isinstance(n, bool):
        words = (["âm"] if n < 0 else []) + integer_words(abs(n))
        return " ".join(words)
    negative, whole, fraction = plain_digits(to_decimal(n))
    words = (["âm"] if negative else []) + integer_words(int(whole))
    if fraction:
        words += ["phẩy"] + _fraction_words(fraction)
    return " ".join(words)


def vn_money_words(n: Any, suffix: str = "đồng") -> str:
    """1250000000 -> 'Một tỷ hai trăm năm mươi triệu đồng' (first letter upper
    case only, no final full stop)."""
    if n is None or n == "":
        raise input_error("Thiếu số tiền để ghi bằng chữ.")
    text = vn_words(n)
    return upper_first(f"{text} {suffix}" if suffix else text)
