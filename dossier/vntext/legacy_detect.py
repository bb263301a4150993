"""Recognising TCVN3/VNI surface text — conservatively.

A word counts as evidence for an encoding only if it is *not* a Vietnamese
syllable as it stands but becomes one once decoded ("ViÖt" -> "Việt",
"Vieät" -> "Việt"). Words that are fine either way ("Hoà" also reads as VNI
"Hồ") prove nothing. An encoding is reported only with several such words,
with nearly every other legacy-looking word decoding cleanly too, and when
the other encoding does not fit as well. Anything already holding Unicode
Vietnamese letters (ơ, ư, đ, ạ, …) or combining marks is never flagged.
"""

from __future__ import annotations

import re

from .case import nfc
from .legacy import ENCODINGS, Encoding, decode_legacy
from .letters import is_syllable

MIN_EVIDENCE = 3  # fewer legacy-only words: too short to tell
MIN_CLEAN_SHARE = 0.9  # of the words with legacy bytes, this share must decode to syllables

# Split on white space, ASCII punctuation and digits only: the legacy surface
# uses symbols such as © ª « ¬ ­ · × ÷ þ inside words.
_WORD_SEPARATORS = re.compile(r"[\s!-/:-@\[-`{-~0-9\u2013\u2014\u2018\u2019\u201c\u201d\u2026]+")


def _beyond_latin1(ch: str) -> bool:
    # cp1252 puts a few typographic characters (… ‘ ’ “ ” – — € …) above U+00FF;
    # Vietnamese letters and combining marks are well above them.
    return ord(ch) > 0xFF and not 0x2000 <= ord(ch) <= 0x20FF and ch not in "ŒœŠšŽžŸƒˆ˜"


def _legacy_words(text: str) -> list[str]:
    return [w for w in _WORD_SEPARATORS.split(text) if any(0xA0 <= ord(c) <= 0xFF for c in w)]


def _fit(words: list[str], encoding: Encoding) -> tuple[int, float]:
    """(evidence words, share of legacy-looking words that decode to syllables)."""
    evidence = clean = 0
    for word in words:
        decoded = decode_legacy(word, encoding)
        if is_syllable(decoded) and not any(0xA0 <= ord(c) <= 0xFF and not c.isalpha() for c in decoded):
            clean += 1
            if not is_syllable(nfc(word)):
                evidence += 1
    return evidence, clean / len(words)


def detect_legacy(text: str) -> Encoding | None:
    """'tcvn3' or 'vni' if ``text`` is clearly legacy surface text, else None
    (plain ASCII, Unicode Vietnamese, other languages, short or ambiguous text)."""
    if any(_beyond_latin1(ch) for ch in text):
        return None
    words = _legacy_words(text)
    if len(words) < MIN_EVIDENCE:
        return None
    fits = [(enc, *_fit(words, enc)) for enc in ENCODINGS]
    good = [enc for enc, evidence, share in fits if evidence >= MIN_EVIDENCE and share >= MIN_CLEAN_SHARE]
    return good[0] if len(good) == 1 else None


def fix_legacy(text: str) -> tuple[str, Encoding | None]:
    """(Unicode NFC text, the encoding found) — the text is only converted when
    :func:`detect_legacy` is sure; otherwise (NFC text, None)."""
    encoding = detect_legacy(text)
    if encoding is None:
        return nfc(text), None
    return decode_legacy(text, encoding), encoding
