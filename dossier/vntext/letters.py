"""Vietnamese letters taken apart: base letter (a ă â … đ …) and tone.

Shared by collation, tone-placement folding and legacy-encoding detection.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tones in dictionary order (index = tone number, 0 = ngang / no mark).
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền hỏi ngã sắc nặng
_TONE_OF_MARK = {mark: i for i, mark in enumerate(TONE_MARKS) if mark}
# Marks that make a different letter (ă â ê ô ơ ư), not a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn

VOWELS = "aăâeêioôơuưy"


@lru_cache(maxsize=4096)
def split_letter(ch: str) -> tuple[str, int, str]:
    """('ộ') -> ('ô', 5, ''): base letter (NFC, with ă/â/ê/ô/ơ/ư marks kept),
    Vietnamese tone number, and any other (non-Vietnamese) combining marks."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, tone, letter_marks, other = decomposed[:1], 0, "", ""
    for mark in decomposed[1:]:
        if mark in _TONE_OF_MARK and not tone:
            tone = _TONE_OF_MARK[mark]
        elif mark in _LETTER_MARKS:
            letter_marks += mark
        else:
            other += mark
    return unicodedata.normalize("NFC", base + letter_marks), tone, other


def with_tone(base: str, tone: int) -> str:
    """('ô', 5) -> 'ộ'."""
    return unicodedata.normalize("NFC", base + TONE_MARKS[tone])


def strip_tones(word: str) -> tuple[str, int]:
    """('Người') -> ('Ngươi', number of tone marks found)."""
    bases, count = [], 0
    for ch in unicodedata.normalize("NFC", word):
        base, tone, other = split_letter(ch)
        bases.append(base + other)
        count += bool(tone)
    return "".join(bases), count


_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx]"
_NUCLEI = sorted(
    """a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui
    uô uơ uy ưa ưi ưu ươ yê iêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu yêu""".split(),
    key=len,
    reverse=True,
)
_FINALS = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{'|'.join(_NUCLEI)})(?:{_FINALS})?")


def is_syllable(word: str) -> bool:
    """True if ``word`` is shaped like one Vietnamese syllable (at most one tone,
    a known initial, vowel group and final). A shape test, not a dictionary."""
    bare, tones = strip_tones(word.lower())
    return tones <= 1 and _SYLLABLE.fullmatch(bare) is not None
