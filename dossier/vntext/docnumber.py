"""The number of a document ("Số: 05/UBND-NN")."""

from __future__ import annotations

from typing import Any

from ..errors import input_error
from .case import nfc


def doc_number(n: Any) -> str:
    """5 -> '05', 12 -> '12', '7' -> '07'; None or "" -> "" (not numbered
    yet: the blank pre-signing form)."""
    if n is None or (isinstance(n, str) and not n.strip()):
        return ""
    number: int | None = None
    if isinstance(n, int) and not isinstance(n, bool):
        number = n
    elif isinstance(n, float) and n.is_integer():
        number = int(n)
    elif isinstance(n, str) and nfc(n).strip().isdecimal() and nfc(n).strip().isascii():
        number = int(nfc(n).strip())
    if number is None or number < 1:
        raise input_error(f"Số văn bản phải là số nguyên dương, nhận được “{n}”.")
    return f"{number:02d}"
