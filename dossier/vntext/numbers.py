"""Figures in Vietnamese style: 1.234.567 and 12,5 (dot groups thousands,
comma marks decimals), and reading numbers given as int, float, Decimal or text."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from ..errors import input_error
from .case import nfc

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_VN_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.234.567 / 1.234,5
_VN_PLAIN = re.compile(r"[+-]?\d+(?:,\d+)?")  # 1234 / 12,5
_VN_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")  # 1.234: thousands or decimals?
_POINT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")  # 12.5 (Python / ISO)
_HINT = "Ghi số dạng 1234567 hoặc 1.234.567 (số nguyên), 12,5 hoặc 12.5 (số thập phân)."


def _bad(value: Any) -> Exception:
    if value is None or (isinstance(value, str) and not value.strip()):
        return input_error("Thiếu số (ô để trống).", hint=_HINT)
    return input_error(f"Không đọc được số “{value}”.", hint=_HINT)


def parse_vn_number(text: str) -> Decimal:
    """Strict Vietnamese notation: '1.234.567' -> 1234567, '1.234,5' -> 1234.5,
    '12,5' -> 12.5. A dot is always a thousands separator here."""
    s = nfc(text).strip().translate(_SPACES)
    if not (_VN_GROUPED.fullmatch(s) or _VN_PLAIN.fullmatch(s)):
        raise _bad(text)
    return Decimal(s.replace(".", "").replace(",", "."))


def _parse_text(text: str) -> Decimal:
    s = nfc(text).strip().translate(_SPACES)
    if _VN_AMBIGUOUS.fullmatch(s):
        raise input_error(
            f"Số “{text}” không rõ nghĩa: dấu chấm có thể là dấu phân cách hàng nghìn hoặc dấu thập phân.",
            hint="Ghi 1234 hoặc 1.234.000 nếu là số nguyên, 1,234 nếu là số thập phân.",
        )
    if "," in s or _VN_GROUPED.fullmatch(s):
        return parse_vn_number(s)
    if _POINT.fullmatch(s):
        return Decimal(s)
    raise _bad(text)


def plain_number(value: Any) -> Any:
    """A Decimal as the int or float YAML and JSON write it (12, 12.5); anything else as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_decimal(value: Any) -> Decimal:
    """Exact Decimal for an int, Decimal or numeric text; a float is taken at
    15 significant digits so binary noise disappears (0.1 + 0.2 -> 0.3)."""
    if isinstance(value, bool) or value is None:
        raise _bad(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(value)
        return Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _bad(value)
        return value
    if isinstance(value, str):
        try:
            return _parse_text(value)
        except InvalidOperation:
            raise _bad(value) from None
    raise _bad(value)


def plain_digits(value: Decimal) -> tuple[bool, str, str]:
    """(negative, integer digits, fraction digits) without exponent or
    trailing fractional zeros; -0 is not negative."""
    text = format(value, "f")
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("+-").partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0") or "0"
    return negative and (whole != "0" or bool(fraction)), whole, fraction


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ".".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def vn_number(value: Any, decimals: int | None = None) -> str:
    """1234567 -> '1.234.567', 12.5 -> '12,5', -1234 -> '-1.234'.
    ``decimals=None`` keeps the significant decimals; ``decimals=n`` rounds half
    up to exactly n decimals (vn_number(12.5, 2) -> '12,50')."""
    number = to_decimal(value)
    if decimals is not None:
        if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
            raise input_error(f"Số chữ số thập phân phải là số nguyên không âm, nhận được “{decimals}”.")
        with localcontext() as context:
            context.prec = max(28, number.adjusted() + decimals + 3)
            number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative, whole, fraction = plain_digits(number)
    if decimals:
        fraction = fraction.ljust(decimals, "0")
    text = _group(whole) + ("," + fraction if fraction else "")
    return "-" + text if negative else text
