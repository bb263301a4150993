"""Case, NFC and tone placement."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier.vntext import fold_tone_placement, nfc, upper_first, vn_lower, vn_title, vn_upper

VECTORS = json.loads((Path(__file__).parent / "data" / "vietnamese-vectors.json").read_text("utf-8"))
UPPER = VECTORS["upper"]


def _codepoints(spec: str) -> str:
    return "".join(chr(int(cp[2:], 16)) for cp in spec.split())


@pytest.mark.parametrize("case", UPPER["cases"], ids=lambda c: c["input"])
def test_upper_vectors(case):
    assert vn_upper(case["input"]) == case["upper"]
    assert vn_upper(unicodedata.normalize("NFD", case["input"])) == case["upper"]
    assert vn_lower(case["upper"]) == case["input"]


def test_upper_nfd_vector_and_lower_vector():
    for case in UPPER["nfd_input"]:
        assert vn_upper(_codepoints(case["input_nfd_codepoints"])) == case["upper_then_nfc"]
    for case in UPPER["lower"]:
        assert vn_lower(case["input"]) == case["lower"]
    assert vn_upper("đ ẳ ỵ") == "Đ Ẳ Ỵ"
    assert vn_lower("Đ Ẳ Ỵ") == "đ ẳ ỵ"


def test_normalization_vectors():
    for case in UPPER["normalization"]:
        text = case["text"]
        if "nfc" in case:
            assert nfc(_codepoints(case["nfd"])) == _codepoints(case["nfc"]) == text
        if "unikey_to_hop" in case:
            assert nfc(_codepoints(case["unikey_to_hop"])) == text
        if "len_nfc" in case:
            assert len(nfc(unicodedata.normalize("NFD", text))) == case["len_nfc"]


def test_title_vectors():
    for case in UPPER["title_case"]:
        if "expected" in case:
            assert vn_title(case["input"]) == case["expected"]
            assert vn_title(unicodedata.normalize("NFD", case["input"])) == case["expected"]
        else:
            assert upper_first(case["input"]) == case["expected_first_letter_only"]


def test_none_is_empty_text():
    assert vn_upper(None) == "" and vn_lower(None) == "" and nfc(None) == ""


@pytest.mark.parametrize("old, new", UPPER["tone_placement_pairs_old_new"])
def test_fold_tone_placement_pairs(old, new):
    assert old != new
    assert fold_tone_placement(new) == old
    assert fold_tone_placement(old) == old
    assert fold_tone_placement(unicodedata.normalize("NFD", new)) == old


@pytest.mark.parametrize("word", UPPER["tone_placement_same_in_both_styles"])
def test_fold_leaves_words_spelled_alike_in_both_styles(word):
    assert fold_tone_placement(word) == word
    assert fold_tone_placement(word.upper()) == word.upper()
    assert fold_tone_placement(word.capitalize()) == word.capitalize()


def test_fold_in_running_text_and_caps():
    assert fold_tone_placement("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert fold_tone_placement("UỶ BAN NHÂN DÂN, Uỷ ban; uỷ viên") == "ỦY BAN NHÂN DÂN, Ủy ban; ủy viên"
    assert fold_tone_placement("sức khoẻ, thuỷ lợi, quỷ, Thanh Hoá.") == "sức khỏe, thủy lợi, quỷ, Thanh Hóa."


_PAIRS = UPPER["tone_placement_pairs_old_new"]
_SAME = UPPER["tone_placement_same_in_both_styles"]


@given(st.lists(st.sampled_from(range(len(_PAIRS) + len(_SAME))), min_size=1, max_size=12),
       st.lists(st.booleans(), min_size=12, max_size=12))
def test_fold_makes_mixed_styles_equal(picks, new_style):
    def spell(i, new):
        return _PAIRS[i][new] if i < len(_PAIRS) else _SAME[i - len(_PAIRS)]

    mixed = " ".join(spell(i, int(flag)) for i, flag in zip(picks, new_style))
    old = " ".join(spell(i, 0) for i in picks)
    assert fold_tone_placement(mixed) == old
