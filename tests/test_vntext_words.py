"""Numbers in words and figures, pinned by the reference vectors
(tests/data/vietnamese-vectors.json, copied from the research notes)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.errors import DossierError
from dossier.vntext import parse_vn_number, vn_money_words, vn_number, vn_words

VECTORS = json.loads((Path(__file__).parent / "data" / "vietnamese-vectors.json").read_text("utf-8"))
WORDS = VECTORS["number_words"]


@pytest.mark.parametrize("case", WORDS["integers"], ids=lambda c: str(c["n"]))
def test_integer_words_match_vectors(case):
    assert vn_words(case["n"]) == case["words"]


@pytest.mark.parametrize("case", WORDS["integers"], ids=lambda c: str(c["n"]))
def test_money_words_match_bang_chu(case):
    assert vn_money_words(case["n"]) + "." == case["bang_chu"]


@pytest.mark.parametrize("case", WORDS["decimals"]["cases"], ids=lambda c: c["input"])
def test_decimal_words_match_vectors(case):
    assert vn_words(case["input"]) == case["words"]
    assert vn_words(Decimal(case["input"].replace(",", "."))) == case["words"]


@pytest.mark.parametrize("case", WORDS["negative"], ids=lambda c: str(c["n"]))
def test_negative_words(case):
    assert vn_words(case["n"]) == case["words"]


@pytest.mark.parametrize(
    "library, n, wrong",
    [(lib, key, text) for lib, cases in WORDS["known_wrong_outputs_observed"].items()
     for key, text in cases.items() if not key.startswith("dec")],
)
def test_never_produces_known_wrong_outputs(library, n, wrong):
    assert vn_words(int(n)) != wrong


def test_huge_integers_are_exact():
    assert vn_words(10**30 + 1) == "một nghìn tỷ tỷ tỷ không trăm linh một"
    assert vn_words(10**18 + 5) == "một tỷ tỷ không trăm linh năm"
    assert vn_words(10**18 + 10**9) == "một tỷ không trăm linh một tỷ"
    # 2**53 + 1 is where float-based converters go wrong.
    assert vn_words(2**53 + 1).endswith("bảy trăm bốn mươi nghìn chín trăm chín mươi ba")


def test_decimal_details():
    assert vn_words("12,50") == "mười hai phẩy năm"  # value, not spelling: no "năm mươi"
    assert vn_words("7,0") == "bảy"
    assert vn_words(Decimal("-0.5")) == "âm không phẩy năm"
    assert vn_words(12.5) == "mười hai phẩy năm"
    assert vn_words(1250000.0) == "một triệu hai trăm năm mươi nghìn"
    assert vn_words("1.234.567,5") == "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy phẩy năm"


def test_money_words_options():
    assert vn_money_words(1_250_000_000) == "Một tỷ hai trăm năm mươi triệu đồng"
    assert vn_money_words(500_000, suffix="đồng chẵn") == "Năm trăm nghìn đồng chẵn"
    assert vn_money_words(21, suffix="") == "Hai mươi mốt"
    assert vn_money_words(-5) == "Âm năm đồng"


@pytest.mark.parametrize("bad", [None, "", True, "abc", "1,2,3", float("nan"), float("inf"), [1]])
def test_words_reject_non_numbers_with_a_vietnamese_message(bad):
    with pytest.raises(DossierError) as info:
        vn_money_words(bad)
    assert "số" in str(info.value).lower()


# --- an independent reader: Vietnamese words back to a number ---------------

_DIGIT = {w: i for i, w in enumerate("không một hai ba bốn năm sáu bảy tám chín".split())}
_UNIT = {**_DIGIT, "mốt": 1, "tư": 4, "lăm": 5}


def _read_triplet(words: list[str]) -> int:
    value = 0
    if "trăm" in words:
        i = words.index("trăm")
        assert i == 1
        value, words = 100 * _DIGIT[words[0]], words[2:]
    if words[:1] == ["linh"]:
        assert len(words) == 2 and words[1] in _DIGIT and words[1] != "không"
        return value + _DIGIT[words[1]]
    if words[:1] == ["mười"]:
        value, words = value + 10, words[1:]
    elif len(words) >= 2 and words[1] == "mươi":
        value, words = value + 10 * _DIGIT[words[0]], words[2:]
    if words:
        assert len(words) == 1
        value += _UNIT[words[0]]
    return value


def _read_integer(words: list[str]) -> int:
    if "tỷ" in words:
        last = len(words) - 1 - words[::-1].index("tỷ")
        high = _read_integer(words[:last])
        return high * 10**9 + (_read_integer(words[last + 1:]) if words[last + 1:] else 0)
    for scale, size in (("triệu", 10**6), ("nghìn", 10**3)):
        if scale in words:
            i = words.index(scale)
            return _read_triplet(words[:i]) * size + (_read_integer(words[i + 1:]) if words[i + 1:] else 0)
    return _read_triplet(words)


def _read(text: str) -> Decimal:
    words = text.split(" ")
    sign = -1 if words[0] == "âm" else 1
    words = words[1:] if sign < 0 else words
    if "phẩy" in words:
        i = words.index("phẩy")
        whole, fraction = _read_integer(words[:i]), words[i + 1:]
        zeros = 0
        while fraction[zeros] == "không":
            zeros += 1
        rest = str(_read_integer(fraction[zeros:]))
        return sign * Decimal(f"{whole}.{'0' * zeros}{rest}")
    return Decimal(sign * _read_integer(words))


@settings(max_examples=500)
@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_words_read_back_to_the_number(n):
    text = vn_words(n)
    assert _read(text) == n
    assert "lẽ" not in text and "lẻ" not in text and "ngàn" not in text
    assert not re.search(r"\bmười (mốt|tư)\b|\blinh (lăm|mốt|tư|mười)\b|\bmươi một\b|\bmươi năm\b", text)
    assert "không nghìn" not in text and "không triệu" not in text and "không tỷ" not in text
    assert "  " not in text and text == text.strip()


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12))
def test_decimal_words_read_back(d):
    assert _read(vn_words(d)) == d


@given(st.integers(min_value=0, max_value=10**15))
def test_money_words_is_words_with_first_letter_up(n):
    money = vn_money_words(n)
    assert money == vn_words(n)[0].upper() + vn_words(n)[1:] + " đồng"
    assert money[1:] == money[1:].lower()


# --- figures ---------------------------------------------------------------

@pytest.mark.parametrize("value, decimals, expected", [
    (0, None, "0"),
    (999, None, "999"),
    (1000, None, "1.000"),
    (1234567, None, "1.234.567"),
    (-1234, None, "-1.234"),
    (12.5, None, "12,5"),
    (0.1 + 0.2, None, "0,3"),
    (1250000.0, None, "1.250.000"),
    (1e20, None, "100.000.000.000.000.000.000"),
    (Decimal("12.50"), None, "12,5"),
    (Decimal("1E+3"), None, "1.000"),
    ("1234567", None, "1.234.567"),
    ("1.234.567", None, "1.234.567"),
    ("12,5", None, "12,5"),
    ("12.5", None, "12,5"),
    ("-0.0", None, "0"),
    (12.5, 2, "12,50"),
    (2.675, 2, "2,68"),  # half up on the written value, not float's 2.67499…
    (Decimal("0.125"), 2, "0,13"),
    (-0.004, 2, "0,00"),
    (1234.5, 0, "1.235"),
    (10**30, 1, "1.000.000.000.000.000.000.000.000.000.000,0"),
])
def test_vn_number(value, decimals, expected):
    assert vn_number(value, decimals) == expected


@pytest.mark.parametrize("ambiguous", ["1.234", "-12.500", "999.000"])
def test_single_dot_with_three_digits_is_refused(ambiguous):
    # "1.500" could be 1500 đồng or 1,5: guessing either way is worse than asking.
    with pytest.raises(DossierError, match="không rõ nghĩa"):
        vn_number(ambiguous)


@pytest.mark.parametrize("bad", ["1,234.5", "12a", "1e5", "", None, True, float("nan")])
def test_vn_number_rejects_what_it_cannot_read(bad):
    with pytest.raises(DossierError):
        vn_number(bad)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**18), max_value=10**18))
def test_vn_number_round_trips(d):
    text = vn_number(d)
    assert parse_vn_number(text) == d
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d*[1-9])?", text)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_vn_number_round_trips_ints(n):
    assert parse_vn_number(vn_number(n)) == n


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_vn_number_of_float_has_no_binary_noise(f):
    text = vn_number(f)
    assert parse_vn_number(text) == Decimal(format(f, ".15g"))
    assert len(text.replace(".", "").replace(",", "").lstrip("-").lstrip("0")) <= 15
