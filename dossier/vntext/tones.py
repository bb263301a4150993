"""Old vs new tone placement (hòa/hoà, ủy/uỷ) folded for comparisons."""

from __future__ import annotations

import re
import unicodedata

from .case import nfc
from .letters import split_letter, with_tone

# An open syllable ending in oa / oe / uy whose tone sits on the last vowel (new
# style). "qu" + y (quý) and syllables with a final letter (hoàng, thuyền,
# khuỷu) place the tone the same way in both styles and do not match.
_NEW_STYLE = re.compile(r"(?<![^\W\d_])(\w*?)([oOuU])(\w)(?![^\W\d_])")


def _to_old(match: re.Match[str]) -> str:
    head, first, last = match.groups()
    base, tone, other = split_letter(last)
    first_tone = split_letter(first)[1]
    pair = first.lower() + base.lower()
    if not tone or first_tone or other or pair not in ("oa", "oe", "uy"):
        return match.group(0)
    if pair == "uy" and head[-1:].lower() == "q":
        return match.group(0)
    if any(split_letter(c)[1] for c in head):  # a tone already elsewhere: not Vietnamese
        return match.group(0)
    return head + with_tone(first, tone) + base


def fold_tone_placement(s: str) -> str:
    """Rewrite new-style tone placement to the old style used by laws and the
    usual government headers: 'hoà' -> 'hòa', 'UỶ' -> 'ỦY', 'khoẻ' -> 'khỏe'.
    Everything else is returned unchanged (NFC). Use it to compare text typed
    in either style; keep the user's own spelling in documents."""
    return unicodedata.normalize("NFC", _NEW_STYLE.sub(_to_old, nfc(s)))
