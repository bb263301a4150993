"""The Vietnamese text rules in one place: dates of issue, figures, numbers in
words, case, dictionary order, document numbers, tone placement and the
legacy TCVN3/VNI encodings. Templates use these under the same names as
Jinja filters (``dossier.render.filters``)."""

from __future__ import annotations

from .case import nfc, upper_first, vn_lower, vn_title, vn_upper
from .collation import vn_person_sort_key, vn_sort, vn_sort_key
from .dates import vn_date, vn_date_blank, vn_place_date
from .docnumber import doc_number
from .legacy import decode_legacy, encode_legacy, legacy_font_encoding
from .legacy_detect import detect_legacy, fix_legacy
from .numbers import parse_vn_number, vn_number
from .tones import fold_tone_placement
from .words import vn_money_words, vn_words

__all__ = [
    "decode_legacy",
    "detect_legacy",
    "doc_number",
    "encode_legacy",
    "fix_legacy",
    "fold_tone_placement",
    "legacy_font_encoding",
    "nfc",
    "parse_vn_number",
    "upper_first",
    "vn_date",
    "vn_date_blank",
    "vn_lower",
    "vn_money_words",
    "vn_number",
    "vn_person_sort_key",
    "vn_place_date",
    "vn_sort",
    "vn_sort_key",
    "vn_title",
    "vn_upper",
    "vn_words",
]
