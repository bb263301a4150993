"""Phrases every composed document uses: percentages, amounts, a document
cited by number and date, sentence case."""

from __future__ import annotations

from collections.abc import Mapping

from .. import vntext
from ..models.dossier_input import DocRef


def percent(part: int, whole: int) -> str:
    """'96,4%' (one decimal, Vietnamese comma)."""
    return vntext.vn_number(round(100 * part / whole, 1)) + "%" if whole else "0%"


def money(amount: int) -> str:
    return f"{vntext.vn_number(amount)} đồng"


def cap(text: str) -> str:
    """Upper-case the first letter only ('xã Sơn Bình' → 'Xã Sơn Bình')."""
    return text[:1].upper() + text[1:]


def doc_ref(documents: Mapping[str, DocRef], key: str) -> DocRef:
    return documents.get(key) or DocRef()


def cite(documents: Mapping[str, DocRef], key: str, symbol: str, year: int) -> str:
    """'số 120/BC-UBND ngày 12/11/2024' — or 'số …/BC-UBND năm 2024' before it is numbered."""
    ref = doc_ref(documents, key)
    number = vntext.doc_number(ref.number) if ref.number else "…"
    date = f" ngày {ref.date.day:02d}/{ref.date.month:02d}/{ref.date.year}" if ref.date else f" năm {year}"
    return f"số {number}/{symbol}{date}"
