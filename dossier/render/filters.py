"""The filter registry: the Vietnamese text rules (``dossier.vntext``) and a
few layout helpers, under the names templates use (documented in the README)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup, escape

from .. import vntext

DOCX_LINE_BREAK = Markup('</w:t><w:br/><w:t xml:space="preserve">')
BLANK_NUMBER = "     "  # "Số:      /UBND-NN" before signing


def doc_number_or_blank(value: Any) -> str:
    """'05' for 5, blank spaces before signing (no number yet)."""
    return vntext.doc_number(value) if value not in (None, "") else BLANK_NUMBER


def roman(value: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out, n = "", int(value)
    for number, letters in numerals:
        while n >= number:
            out += letters
            n -= number
    return out


def docx_lines(value: str | Iterable[str]) -> Markup:
    """Several lines in one Word paragraph, separated by line breaks (escaped)."""
    lines = value.split("\n") if isinstance(value, str) else list(value)
    return DOCX_LINE_BREAK.join(escape(line) for line in lines)


def html_lines(value: str | Iterable[str]) -> Markup:
    lines = value.split("\n") if isinstance(value, str) else list(value)
    return Markup("<br>").join(escape(line) for line in lines)


COMMON_FILTERS: dict[str, Callable[..., Any]] = {
    "vn_date": vntext.vn_date,
    "vn_place_date": vntext.vn_place_date,
    "vn_number": vntext.vn_number,
    "vn_words": vntext.vn_words,
    "vn_money_words": vntext.vn_money_words,
    "vn_upper": vntext.vn_upper,
    "vn_lower": vntext.vn_lower,
    "vn_sort": vntext.vn_sort,
    "doc_number": vntext.doc_number,
    "doc_number_or_blank": doc_number_or_blank,
    "roman": roman,
}

DOCX_FILTERS = {**COMMON_FILTERS, "lines": docx_lines}
HTML_FILTERS = {**COMMON_FILTERS, "lines": html_lines}
