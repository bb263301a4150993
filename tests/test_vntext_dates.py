"""Dates of issue (Decree 30/2020, Appendix I) and document numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier.errors import DossierError
from dossier.vntext import doc_number, vn_date, vn_date_blank, vn_place_date

VECTORS = json.loads((Path(__file__).parent / "data" / "vietnamese-vectors.json").read_text("utf-8"))
DATES = VECTORS["dates"]
SEED = Path(__file__).parent / "data" / "seed-letter.txt"


@pytest.mark.parametrize("case", DATES["cases"], ids=lambda c: c["date"])
def test_date_vectors(case):
    iso = case["date"]
    assert vn_date(iso) == case["text"]
    assert vn_date(dt.date.fromisoformat(iso)) == case["text"]
    assert vn_date(dt.datetime.fromisoformat(iso + "T08:30:00")) == case["text"]


@pytest.mark.parametrize("case", DATES["with_place"], ids=lambda c: c["place"])
def test_place_date_vectors(case):
    assert vn_place_date(case["date"], case["place"]) == case["text"]


def test_babel_style_outputs_are_not_produced():
    for iso, observed in DATES["babel_observed_vi"].items():
        ours = vn_date(iso)
        assert ours not in (observed["full"], observed["long"], observed["medium"], observed["short"])
    assert vn_date("2024-03-05") != DATES["babel_observed_vi"]["2024-03-05"]["pattern dd/MM"]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_padding_rule_for_every_date(date):
    text = vn_date(date)
    _, day, _, month, _, year = text.split(" ")
    assert int(day) == date.day and len(day) == 2
    assert int(month) == date.month and int(year) == date.year
    # months 1 and 2 padded, 3–12 never
    assert month == (f"0{date.month}" if date.month < 3 else str(date.month))


def test_other_accepted_spellings():
    assert vn_date("04/11/2024") == "ngày 04 tháng 11 năm 2024"  # day/month/year, Vietnamese order
    assert vn_date("4.3.2025") == "ngày 04 tháng 3 năm 2025"
    assert vn_date(" 2024-02-01 ") == "ngày 01 tháng 02 năm 2024"


def test_blank_forms_match_the_seed_letter():
    blank = "ngày      tháng      năm 2024"
    assert vn_date_blank(2024) == blank
    assert vn_date("2024-11-04", blank=True) == blank
    assert vn_date(2024, blank=True) == blank
    assert vn_place_date(None, "Tam Đường", year=2024) == "Tam Đường, " + blank
    assert vn_place_date("", "Tam Đường", year="2024") == "Tam Đường, " + blank
    if SEED.exists():
        assert ("Tam Đường, " + blank) in SEED.read_text("utf-8")


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-02-30", "31/02/2024", "hôm nay", 20241104, None, ""])
def test_bad_dates_are_user_errors(bad):
    with pytest.raises(DossierError):
        vn_date(bad)


def test_place_date_needs_a_place_and_a_date_or_year():
    with pytest.raises(DossierError, match="địa danh"):
        vn_place_date("2024-11-04", "  ")
    with pytest.raises(DossierError, match="năm"):
        vn_place_date(None, "Tam Đường")
    with pytest.raises(DossierError):
        vn_date_blank("hai nghìn")


@pytest.mark.parametrize("value, expected", [
    (1, "01"), (5, "05"), (9, "09"), (10, "10"), (123, "123"), ("7", "07"), (" 05 ", "05"), (12.0, "12"),
    (None, ""), ("", ""), ("  ", ""),
])
def test_doc_number(value, expected):
    assert doc_number(value) == expected


@pytest.mark.parametrize("bad", [0, -3, "5a", "V", 1.5, True])
def test_doc_number_rejects_non_positive_or_text(bad):
    with pytest.raises(DossierError, match="Số văn bản"):
        doc_number(bad)
