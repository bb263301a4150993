"""Text typed in the pre-Unicode Vietnamese font encodings, as it comes out of
old .doc/.xls files: each byte read as a cp1252 character (the "surface").

* TCVN3 (TCVN 5712:1993 VN3, "ABC", .VnTime fonts): one byte per letter.
  Upper-case toned letters do not exist: headings are typed with lower-case
  codes and drawn by a capitals font (.VnTimeH), so case is lost unless the
  font is known. ư is byte 0xAD, U+00AD SOFT HYPHEN: never strip soft hyphens
  before decoding.
* VNI-Windows (VNI-Times fonts): a base letter followed by one mark byte
  (a + ø = à); đ ơ ư ĩ ỉ ị í ì ỵ are single bytes.
"""

from __future__ import annotations

import re
from typing import Literal

from ..errors import input_error
from .case import nfc
from .letters import TONE_MARKS, VOWELS, split_letter, with_tone

Encoding = Literal["tcvn3", "vni"]
ENCODINGS: tuple[Encoding, ...] = ("tcvn3", "vni")

# --- TCVN3 -----------------------------------------------------------------
_TCVN3_LETTERS = (
    "đăâêôơư"
    "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ĂÂÊÔƠƯĐ"
)
_TCVN3_SURFACE = (
    "®¨©ª«¬\xad"
    "¸µ¶·¹¾»¼½ÆÊÇÈÉËÐÌÎÏÑÕÒÓÔÖÝ×ØÜÞãßáâäèåæçéíêëìîóïñòôøõö÷ùýúûüþ"
    "¡¢£¤¥¦§"
)
TCVN3_DECODE = dict(zip(_TCVN3_SURFACE, _TCVN3_LETTERS))
TCVN3_ENCODE = dict(zip(_TCVN3_LETTERS, _TCVN3_SURFACE))

# --- VNI-Windows -----------------------------------------------------------
# Single-byte letters (lower case, upper case).
_VNI_SINGLE = {"đ": "ñ", "ơ": "ô", "ư": "ö", "ĩ": "ó", "ỉ": "æ", "ị": "ò", "í": "í", "ì": "ì", "ỵ": "î",
               "Đ": "Ñ", "Ơ": "Ô", "Ư": "Ö", "Ĩ": "Ó", "Ỉ": "Æ", "Ị": "Ò", "Í": "Í", "Ì": "Ì", "Ỵ": "Î"}
# Mark bytes by tone (ngang, huyền, hỏi, ngã, sắc, nặng), lower-case forms;
# the upper-case letters take the upper-case forms of the same bytes.
_VNI_TONE = ("", "ø", "û", "õ", "ù", "ï")
_VNI_CIRCUMFLEX = ("â", "à", "å", "ã", "á", "ä")  # â ê ô + tone
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")  # ă + tone
_PLAIN = {"â": "a", "ê": "e", "ô": "o", "ă": "a"}


def _vni_letter(ch: str) -> str | None:
    """VNI surface of one Vietnamese letter, None if it needs no encoding."""
    if ch in _VNI_SINGLE:
        return _VNI_SINGLE[ch]
    upper = ch != ch.lower()
    base, tone, other = split_letter(ch.lower())
    if other:
        return None
    if base in ("ơ", "ư"):
        head, mark = _VNI_SINGLE[base], _VNI_TONE[tone]
    elif base in ("â", "ê", "ô"):
        head, mark = _PLAIN[base], _VNI_CIRCUMFLEX[tone]
    elif base == "ă":
        head, mark = "a", _VNI_BREVE[tone]
    elif base in ("a", "e", "i", "o", "u", "y") and tone:
        head, mark = base, _VNI_TONE[tone]
    else:
        return None
    return (head + mark).upper() if upper else head + mark


def _vietnamese_letters() -> list[str]:
    letters = [with_tone(base, tone) for base in VOWELS for tone in range(len(TONE_MARKS))] + ["đ"]
    return letters + [letter.upper() for letter in letters]


VNI_ENCODE = {ch: s for ch in _vietnamese_letters() if (s := _vni_letter(ch)) is not None}
VNI_DECODE = {s: ch for ch, s in VNI_ENCODE.items()}
# A mark byte of the other case after a base letter (seen in hand-typed text) still counts.
for _surface, _letter in list(VNI_DECODE.items()):
    if len(_surface) == 2:
        VNI_DECODE.setdefault(_surface[0] + _surface[1].swapcase(), _letter)
_VNI_PATTERN = re.compile("|".join(map(re.escape, sorted(VNI_DECODE, key=len, reverse=True))))


_TCVN3_TRANSLATE = str.maketrans(TCVN3_DECODE)


def _check(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise input_error(
            f"Không biết bảng mã “{encoding}”.",
            hint="Dùng “tcvn3” (phông .VnTime) hoặc “vni” (phông VNI-Times).",
        )


def decode_legacy(text: str | bytes, encoding: Encoding, *, caps_font: bool = False) -> str:
    """TCVN3/VNI surface text -> Unicode NFC. ``caps_font=True`` for text set
    in a TCVN3 capitals font (.VnTimeH …): the result is upper-cased."""
    _check(encoding)
    surface = text.decode("latin-1") if isinstance(text, bytes) else text
    if encoding == "tcvn3":
        decoded = surface.translate(_TCVN3_TRANSLATE)
    else:
        decoded = _VNI_PATTERN.sub(lambda m: VNI_DECODE[m.group(0)], surface)
    decoded = nfc(decoded)
    return decoded.upper() if caps_font else decoded


def encode_legacy(text: str, encoding: Encoding) -> str:
    """Unicode -> TCVN3/VNI surface text (the inverse of :func:`decode_legacy`).
    Letters the encoding cannot hold (TCVN3 has no upper-case toned letters)
    are an error; other characters are copied as they are."""
    _check(encoding)
    table = TCVN3_ENCODE if encoding == "tcvn3" else VNI_ENCODE
    out, missing = [], []
    for ch in nfc(text):
        if ch in table:
            out.append(table[ch])
        elif split_letter(ch.lower())[0] in VOWELS and split_letter(ch)[1]:
            missing.append(ch)
        else:
            out.append(ch)
    if missing:
        raise input_error(
            f"Bảng mã {encoding.upper()} không có các chữ: {' '.join(dict.fromkeys(missing))}.",
            hint="Chữ hoa có dấu trong TCVN3 được gõ bằng chữ thường và phông chữ hoa (.VnTimeH).",
        )
    return "".join(out)


def legacy_font_encoding(font_name: str) -> tuple[Encoding | None, bool]:
    """('.VnTimeH') -> ('tcvn3', True): the encoding a font name implies and
    whether it is a TCVN3 capitals font. (None, False) for Unicode fonts."""
    name = nfc(font_name).strip().replace(" ", "")
    if name.lower().startswith(".vn"):
        return "tcvn3", name.endswith("H")
    if name.lower().startswith("vni-") or name.lower().startswith("vni "):
        return "vni", False
    return None, False
