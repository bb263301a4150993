"""NFC, upper/lower/title case for Vietnamese text."""

from __future__ import annotations

from typing import Any

from ..load.files import clean_text


def nfc(s: Any) -> str:
    """NFC text without control characters (the input-boundary rule of
    :func:`dossier.load.files.clean_text`); ``None`` becomes ``""``."""
    return "" if s is None else clean_text(str(s))


def vn_upper(s: Any) -> str:
    """'ủy ban nhân dân' -> 'ỦY BAN NHÂN DÂN' (NFC in, NFC out; Đ/đ included)."""
    return nfc(nfc(s).upper())


def vn_lower(s: Any) -> str:
    """'ĐỘC LẬP' -> 'độc lập' (NFC in, NFC out)."""
    return nfc(nfc(s).lower())


def upper_first(value: Any) -> str:
    """Upper-case the first letter only: 'một triệu đồng' -> 'Một triệu đồng'."""
    text = nfc(value)
    return text[:1].upper() + text[1:]


def vn_title(value: Any) -> str:
    """Upper-case the first letter of every space-separated word, nothing else
    ('ea h'leo' -> "Ea H'leo"; str.title() would give "Ea H'Leo")."""
    return " ".join(upper_first(word) for word in nfc(value).split(" "))
