"""Text comparisons the recognisers need: exact-but-tolerant (tone placement
"HÒA"/"HOÀ", "Ủy"/"Uỷ") and loose (no diacritics) matching."""

from __future__ import annotations

import re
import unicodedata

try:  # the project's Vietnamese text module, when present
    from ..vntext import fold_tone_placement as _fold  # type: ignore[attr-defined]
except Exception:  # noqa: BLE001 - module not written yet, or without that name
    _fold = None

# Old-style tone placement (on the first vowel of oa/oe/uy) → new style.
_OLD_TO_NEW = {}
for _tone in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):  # huyền sắc hỏi ngã nặng
    for _a, _b in (("o", "a"), ("o", "e"), ("u", "y"), ("O", "A"), ("O", "E"), ("U", "Y")):
        _old = unicodedata.normalize("NFC", _a + _tone + _b)
        _new = unicodedata.normalize("NFC", _a + _b + _tone)
        _OLD_TO_NEW[_old] = _new
_OLD_RE = re.compile("|".join(map(re.escape, _OLD_TO_NEW)))


def fold_tone(text: str) -> str:
    """NFC text with one tone placement, so 'HÒA' and 'HOÀ' compare equal."""
    text = unicodedata.normalize("NFC", text)
    if _fold is not None:
        try:
            return _fold(text)
        except Exception:  # noqa: BLE001 - fall back to the local table
            pass
    return _OLD_RE.sub(lambda m: _OLD_TO_NEW[m.group(0)], text)


def bare(text: str) -> str:
    """Upper case without diacritics or punctuation spacing: for finding an
    element whose spelling may be wrong ('CONG HOA XA HOI ...')."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^0-9A-Za-z/]+", " ", text).upper().split())


def is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch == ch.upper() for ch in letters)


def same(a: str, b: str) -> bool:
    return fold_tone(a) == fold_tone(b)
