"""Vietnamese dictionary order (places, people, numbers)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dossier.vntext import vn_person_sort_key, vn_sort, vn_sort_key

VECTORS = json.loads((Path(__file__).parent / "data" / "vietnamese-vectors.json").read_text("utf-8"))
ORDER = VECTORS["collation_order"]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def test_places_vector():
    assert vn_sort(ORDER["places"]["input_shuffled"]) == ORDER["places"]["expected"]
    assert vn_sort(ORDER["places"]["input_shuffled"]) != ORDER["places"]["icu_whole_string_order"]


def test_whole_string_pitfalls_are_avoided():
    expected = ORDER["places"]["expected"]
    for pair in ORDER["places"]["icu_whole_string_differs_at"]:
        first, second = pair.split(" / ")
        assert vn_sort([second, first]) == sorted([first, second], key=expected.index)


def test_tone_order_vector():
    # ngang, huyền, hỏi, ngã, sắc, nặng — as ORDER["tone_order"] lists them
    assert [name.split()[0] for name in ORDER["tone_order"]] == ["ngang", "huyền", "hỏi", "ngã", "sắc", "nặng"]
    marks = [unicodedata.normalize("NFC", "ma" + mark) for mark in TONES]
    assert vn_sort(reversed(marks)) == marks == ORDER["syllables_expected"][:6]


@given(st.permutations(ORDER["syllables_expected"]))
def test_syllables_vector(shuffled):
    assert vn_sort(shuffled) == ORDER["syllables_expected"]


@given(st.permutations(ORDER["alphabet"]))
def test_alphabet_vector(shuffled):
    assert vn_sort(shuffled) == ORDER["alphabet"]
    assert vn_sort([c.upper() for c in shuffled]) == [c.upper() for c in ORDER["alphabet"]]


@given(st.permutations(ORDER["people"]["expected"]))
def test_people_vector(shuffled):
    assert vn_sort(shuffled, people=True) == ORDER["people"]["expected"]


def test_people_order_is_not_family_name_order():
    assert vn_sort(ORDER["people"]["expected"]) != ORDER["people"]["expected"]
    assert vn_person_sort_key("An") < vn_person_sort_key("Lê Văn An") < vn_person_sort_key("Lê Văn Ân")


@given(st.permutations(ORDER["numeric"]["expected"]))
def test_numeric_vector(shuffled):
    assert vn_sort(shuffled) == ORDER["numeric"]["expected"]


@dataclass
class Signer:
    name: str


def test_sort_by_attribute_key_and_dotted_path():
    rows = [{"ten": "Ô Môn"}, {"ten": "Óc Eo"}, {"ten": "Ẳng Cang"}, {}]
    assert [r.get("ten") for r in vn_sort(rows, attribute="ten")] == [None, "Ẳng Cang", "Óc Eo", "Ô Môn"]
    people = [{"signer": Signer("Vũ Thị Yến")}, {"signer": Signer("Lê Văn An")}, {"signer": Signer("Hà Văn Ân")}]
    got = vn_sort(people, attribute="signer.name", people=True)
    assert [p["signer"].name for p in got] == ["Lê Văn An", "Hà Văn Ân", "Vũ Thị Yến"]
    assert [s.name for s in vn_sort([Signer("Đà Lạt"), Signer("Dương Minh Châu")], attribute="name")] == [
        "Dương Minh Châu", "Đà Lạt"]


def test_nfd_input_sorts_like_nfc_and_case_only_breaks_ties():
    nfd = [unicodedata.normalize("NFD", s) for s in ORDER["places"]["input_shuffled"]]
    assert [unicodedata.normalize("NFC", s) for s in vn_sort(nfd)] == ORDER["places"]["expected"]
    assert vn_sort(["Bản", "bản", "ban", "BAN"]) == ["ban", "BAN", "bản", "Bản"]
    assert vn_sort(["hoà", "hòa"]) == ["hoà", "hòa"] and vn_sort_key("hoà")[0] == vn_sort_key("hòa")[0]


_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


def _make_syllable(letters: str, tone: int, upper: bool) -> str:
    syllable = unicodedata.normalize("NFC", letters + TONES[tone])
    return syllable.upper() if upper else syllable


_syllable = st.builds(_make_syllable, st.text(_LETTERS, min_size=1, max_size=4), st.integers(0, 5), st.booleans())
_phrase = st.lists(_syllable, min_size=1, max_size=4).map(" ".join)


@given(_phrase, _phrase)
def test_key_is_a_total_order_consistent_with_equality(a, b):
    ka, kb = vn_sort_key(a), vn_sort_key(b)
    assert (ka == kb) == (a == b)
    assert vn_sort_key(unicodedata.normalize("NFD", a)) == ka
    assert vn_sort([a, b]) == vn_sort([b, a])


@given(_phrase, _phrase, _phrase)
def test_key_is_transitive(a, b, c):
    x, y, z = sorted([a, b, c], key=vn_sort_key)
    assert vn_sort_key(x) <= vn_sort_key(z)


@given(_phrase, _phrase)
def test_a_phrase_sorts_before_its_extensions(a, rest):
    assert vn_sort_key(a) < vn_sort_key(a + " " + rest)


@given(st.text(_LETTERS, min_size=1, max_size=4), st.integers(0, 5), st.integers(0, 5), _phrase, _phrase)
def test_first_syllable_tone_decides_before_later_syllables(letters, t1, t2, rest1, rest2):
    first = unicodedata.normalize("NFC", letters + TONES[t1]) + " " + rest1
    second = unicodedata.normalize("NFC", letters + TONES[t2]) + " " + rest2
    if t1 < t2:
        assert vn_sort_key(first) < vn_sort_key(second)
    elif t1 > t2:
        assert vn_sort_key(first) > vn_sort_key(second)


def test_other_scripts_and_marks_do_not_break_sorting():
    got = vn_sort(["Zürich", "façade", "Ea H'leo", "123", "", None, "Ω", "ea kar"])
    assert got[:3] == ["", None, "123"] or got[:3] == [None, "", "123"]
    assert got.index("Ea H'leo") < got.index("ea kar") < got.index("façade") < got.index("Zürich") < got.index("Ω")
