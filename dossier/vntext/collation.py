"""Vietnamese dictionary order for places, titles and people.

Syllable by syllable: the letters of syllable 1 in the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), then its tone
(ngang < huyền < hỏi < ngã < sắc < nặng), then syllable 2, and so on; a
syllable that is a prefix of another sorts first, so "An Lão" < "Anh Sơn" and
"Ba Vì" < "Bá Thước". Digit runs compare by value ("Phường 2" < "Phường 10")
and come before letters. Case only breaks ties (lower case first). This is
ICU's ``vi`` collation applied per syllable, in pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .case import nfc
from .letters import split_letter

# f j w z keep their Latin places.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
_PUNCT, _DIGITS, _LETTER = 0, 1, 2
_OTHER_LETTER = len(ALPHABET)  # letters outside the alphabet, after z by code point
# A digit run, or one character with the combining marks that follow it
# (a tone NFC cannot compose, e.g. on a consonant, stays with its letter).
_TOKEN = re.compile(r"\d+|.[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.DOTALL)

Key = tuple


def _syllable_key(syllable: str) -> tuple[tuple, tuple, tuple]:
    """(letters, tones, case) of one syllable; the first two are compared for
    the whole string before case is looked at."""
    letters: list[tuple[int, int, int]] = []
    tones: list[int] = []
    case: list[bool] = []
    for token in _TOKEN.findall(syllable):
        if token.isdigit() and token.isascii():
            letters.append((_DIGITS, int(token), len(token)))
            continue
        if not token[0].isalpha():
            letters.append((_PUNCT, ord(token), 0))
            continue
        base, tone, other = split_letter(token.lower())
        rank = _RANK.get(base)
        if rank is None:  # e.g. ç, ñ, non-Latin letters
            rank = _OTHER_LETTER + ord(base[:1])
        letters.append((_LETTER, rank, 0))
        if tone or other:  # one tone per syllable: its position (hòa/hoà) does not matter
            tones.append(tone + (9 if other else 0))
        case.append(token != token.lower())
    return tuple(letters), tuple(tones), tuple(case)


def _syllables(text: str) -> list[tuple[tuple, tuple, tuple]]:
    return [_syllable_key(s) for s in text.split()]


def _order(keys: list[tuple[tuple, tuple, tuple]]) -> tuple:
    return tuple((letters, tones) for letters, tones, _ in keys)


def _case(keys: list[tuple[tuple, tuple, tuple]]) -> tuple:
    return tuple(case for _, _, case in keys)


def _text(value: Any) -> str:
    return nfc("" if value is None else value)


def vn_sort_key(s: Any) -> Key:
    """Sort key for Vietnamese dictionary order (total: equal keys only for
    equal NFC strings)."""
    text = _text(s)
    keys = _syllables(text)
    return (_order(keys), _case(keys), text)


def vn_person_sort_key(name: Any) -> Key:
    """Sort key for a person's full name: given name (last syllable), then
    family name (first), then middle names — the usual order of Vietnamese lists."""
    text = _text(name)
    keys = _syllables(text)
    given, family, middle = keys[-1:], keys[:1] if len(keys) > 1 else [], keys[1:-1]
    return (_order(given), _order(family), _order(middle), _case(given + family + middle), text)


def _lookup(item: Any, path: str) -> Any:
    value = item
    for part in path.split("."):
        if value is None:
            return None
        if isinstance(value, Mapping):
            value = value.get(part)
        else:
            value = getattr(value, part, None)
    return value


def vn_sort(items: Iterable[Any], attribute: str | None = None, people: bool = False) -> list[Any]:
    """A new list in Vietnamese dictionary order. ``attribute`` sorts dicts or
    objects by that key/attribute (dotted paths allowed: "signer.name"); a
    missing value sorts as an empty string (first). ``people=True`` sorts by
    given name, then family name, then middle names."""
    key = vn_person_sort_key if people else vn_sort_key
    if attribute:
        return sorted(items, key=lambda item: key(_lookup(item, attribute)))
    return sorted(items, key=key)
