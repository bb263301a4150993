"""TCVN3 / VNI-Windows legacy text: decoding, encoding, conservative detection."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.errors import DossierError
from dossier.vntext import (
    decode_legacy,
    detect_legacy,
    encode_legacy,
    fix_legacy,
    legacy_font_encoding,
    nfc,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "vietnamese-vectors.json").read_text("utf-8"))
LEGACY = VECTORS["legacy_encodings"]
CASES = [(enc, case) for enc in ("tcvn3", "vni") for case in LEGACY[enc]["cases"]]
# The letter tables are not running text; every other vector is a sentence.
SENTENCES = [(enc, case) for enc, case in CASES if " " in case["unicode"]]


def _id(param):
    return param if isinstance(param, str) else param["unicode"][:24]


@pytest.mark.parametrize("encoding, case", CASES, ids=_id)
def test_decode_every_vector(encoding, case):
    surface = bytes.fromhex(case["bytes_hex"]).decode("cp1252")
    assert surface == case["surface"]
    assert decode_legacy(case["surface"], encoding) == case["unicode"]
    assert decode_legacy(bytes.fromhex(case["bytes_hex"]), encoding) == case["unicode"]


@pytest.mark.parametrize("encoding, case", CASES, ids=_id)
def test_encode_every_vector(encoding, case):
    assert encode_legacy(case["unicode"], encoding) == case["surface"]
    assert encode_legacy(unicodedata.normalize("NFD", case["unicode"]), encoding) == case["surface"]


def test_letters_other_converters_miss():
    # VNI ẳ/Ẳ and ỵ/Ỵ (missing or wrong in viparse), TCVN3 ư as a soft hyphen.
    assert decode_legacy("chaúng, AÚng, kî, Mî, ÎÎ", "vni") == "chẳng, Ẳng, kỵ, Mỵ, ỴỴ"
    assert decode_legacy("m\xadêi", "tcvn3") == "mười"
    assert decode_legacy(nfc("®\xadêng"), "tcvn3") == "đường"  # clean_text keeps U+00AD
    assert decode_legacy("Aù", "vni") == "Á"  # a lower-case mark after a capital


def test_tcvn3_case_comes_from_the_font():
    assert decode_legacy("céng hßa x· héi chñ nghÜa viÖt nam", "tcvn3") == "cộng hòa xã hội chủ nghĩa việt nam"
    assert decode_legacy("céng hßa", "tcvn3", caps_font=True) == "CỘNG HÒA"
    with pytest.raises(DossierError, match="TCVN3"):
        encode_legacy("CỘNG HÒA", "tcvn3")
    assert encode_legacy("ĐĂÂÊÔƠƯ", "tcvn3") == "§¡¢£¤¥¦"  # these capitals do exist


@pytest.mark.parametrize("font, expected", [
    (".VnTime", ("tcvn3", False)), (".VnTimeH", ("tcvn3", True)), (".VnArial NarrowH", ("tcvn3", True)),
    ("VNI-Times", ("vni", False)), ("Times New Roman", (None, False)), ("Arial", (None, False)),
])
def test_font_names(font, expected):
    assert legacy_font_encoding(font) == expected


def test_unknown_encoding_is_a_user_error():
    with pytest.raises(DossierError, match="bảng mã"):
        decode_legacy("abc", "viscii")


_LOWER = "".join(sorted(set(LEGACY["tcvn3"]["cases"][-1]["unicode"])))
_ALL = _LOWER + "".join(sorted(set(LEGACY["vni"]["cases"][-1]["unicode"])))
_plain = st.text(alphabet=" ,.;:-()0123456789bcdghklmnpqrstvx", max_size=3)


@given(st.lists(st.tuples(st.text(_LOWER, min_size=1, max_size=4), _plain), max_size=12))
def test_tcvn3_round_trip(parts):
    text = "".join(a + b for a, b in parts)
    assert decode_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == text


@given(st.lists(st.tuples(st.text(_ALL, min_size=1, max_size=4), _plain), max_size=12))
def test_vni_round_trip(parts):
    text = "".join(a + b for a, b in parts)
    assert decode_legacy(encode_legacy(text, "vni"), "vni") == text


# --- detection -------------------------------------------------------------

@pytest.mark.parametrize("encoding, case", SENTENCES, ids=_id)
def test_detects_legacy_sentences(encoding, case):
    if case["unicode"] == "ẲNG CANG, Ẳng Nưa":
        # "AÚNG" is also a well-formed Unicode syllable shape (aúng): one proof word only.
        assert detect_legacy(case["surface"]) is None
        assert fix_legacy(case["surface"]) == (case["surface"], None)
    else:
        assert detect_legacy(case["surface"]) == encoding
        assert fix_legacy(case["surface"]) == (case["unicode"], encoding)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detects_a_paragraph(encoding):
    paragraph = " ".join(case["surface"] for enc, case in SENTENCES if enc == encoding)
    assert detect_legacy(paragraph) == encoding
    fixed, found = fix_legacy(paragraph)
    assert found == encoding
    assert fixed == " ".join(case["unicode"] for enc, case in SENTENCES if enc == encoding)


def test_detects_the_long_vectors_one_by_one():
    found = {(enc, detect_legacy(case["surface"])) for enc, case in SENTENCES if len(case["unicode"]) > 25}
    assert found == {("tcvn3", "tcvn3"), ("vni", "vni")}


UNICODE_TEXTS = (
    [case["unicode"] for _, case in CASES]
    + VECTORS["collation_order"]["places"]["expected"]
    + VECTORS["collation_order"]["people"]["expected"]
    + [c["upper"] for c in VECTORS["upper"]["cases"]]
)
# Unicode Vietnamese that happens to use only Latin-1 letters (à á â ã è é ê ì í ò ó ô õ ù ú ý):
# under VNI "Hoà" reads as "Hồ", under TCVN3 "Tôi" as "Tụi" — neither may be flagged.
LATIN1_VIETNAMESE = [
    "Tôi là ai", "Hoà Bình", "Cà Mau", "Bến Tre", "Thanh Hoá", "Quý Tôi Yêu Em", "Mình nói thế",
    "Anh ấy là Bác sĩ", "Tân Phú Thạnh", "Chào các em, hôm nay là thứ hai, tôi là cô giáo",
    "Trà Vinh, Lào Cai, Tây Ninh, Hà Tiên, Phú Yên, Kon Tum, Gia Lai, Sóc Trăng, Yên Bái",
    "Tôi yêu em. Em là ai? Chúng ta là bè bạn. Ông bà cô dì chú bác.",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS + LATIN1_VIETNAMESE)
def test_never_flags_unicode_vietnamese(text):
    assert detect_legacy(text) is None
    assert detect_legacy(unicodedata.normalize("NFD", text)) is None
    assert fix_legacy(text) == (text, None)


@pytest.mark.parametrize("text", [
    "", "Hello, world!", "The quick brown fox jumps over the lazy dog. © 2003 Microsoft® Word",
    "Crème brûlée à la française, déjà vu, garçon, où êtes-vous?",
    "Müller, Straße, schön, Käse, Übergröße, Öl und Äpfel für Jürgen",
    "El niño comió piñata en Año Nuevo; señor Muñoz, mañana",
    "Ærø, Søren Kierkegaard, Ålborg, Þórr, Ísland",
    "kiªng kþ",  # TCVN3, but too short to be sure
    "Vieät Nam",  # VNI, too short
])
def test_never_flags_ascii_other_languages_or_short_text(text):
    assert detect_legacy(text) is None


_SYLLABLES = sorted({w.strip(",.").lower() for t in UNICODE_TEXTS + LATIN1_VIETNAMESE for w in t.split()} - {""})


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=40),
       st.sampled_from([str.lower, str.upper, str.title]))
def test_random_vietnamese_text_is_never_flagged(words, case):
    assert detect_legacy(case(" ".join(words))) is None


@given(st.text(alphabet=st.characters(max_codepoint=0x7E), max_size=200))
def test_ascii_is_never_flagged(text):
    assert detect_legacy(text) is None


_LOWER_SYLLABLES = [w for w in _SYLLABLES if w == w.lower()]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_LOWER_SYLLABLES), min_size=1, max_size=40), st.sampled_from(["tcvn3", "vni"]))
def test_detection_never_names_the_wrong_encoding(words, encoding):
    text = " ".join(words)
    surface = encode_legacy(text, encoding)
    found = detect_legacy(surface)
    assert found in (encoding, None)
    if found:
        assert fix_legacy(surface) == (text, encoding)
