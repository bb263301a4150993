"""Evaluation: boundaries, flips, missing values, wrong units, self-assessment disagreements, samples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dossier.criteria import evaluate, load_assessment
from dossier.errors import DossierError

from .test_assess_helpers import COMMUNES, sample, write


def _result(tmp_path, data):
    return evaluate(load_assessment(write(tmp_path, data)))


def _criterion(result, cid):
    return next(c for c in result.criteria if c.criterion.id == cid)


@pytest.mark.parametrize(("value", "met"), [(70, True), (69.9, False), ("70,0", True), ("69,99%", False), (100, True)])
def test_at_least_target_boundary(tmp_path, value, met):
    data = sample()
    data["indicators"]["2.2"] = {"value": value}
    result = _result(tmp_path, data)
    assert _criterion(result, "2").met is met
    assert result.all_met is met


@pytest.mark.parametrize(("value", "met"), [(13, True), (13.01, False), (0, True)])
def test_at_most_target_boundary(tmp_path, value, met):
    data = sample()
    data["indicators"]["11"] = {"value": value}
    assert _criterion(_result(tmp_path, data), "11").met is met


def test_flipping_one_value_flips_criterion_and_commune(tmp_path):
    data = sample()
    before = _result(tmp_path, data)
    assert before.met_count == 19 and before.all_met
    data["indicators"]["17.10"] = {"value": 99.5}
    after = _result(tmp_path, data)
    assert after.met_count == 18 and not after.all_met
    assert [c.criterion.id for c in after.missing] == ["17"]
    failing = _criterion(after, "17").failing[0]
    assert failing.gap == ("thiếu", Decimal("0.5"))
    assert failing.gap_text == "thiếu 0,5 điểm %"


def test_gap_is_reported_in_the_unit(tmp_path):
    data = sample()
    data["indicators"]["10"] = {"value": 40}
    crit = _criterion(_result(tmp_path, data), "10")
    assert crit.failing[0].shortfall == "10: 40 triệu đồng/người/năm, cần ≥ 45 triệu đồng/người/năm (thiếu 5 triệu đồng/người/năm)"


def test_yes_no_and_must_be_none(tmp_path):
    data = sample()
    data["indicators"]["9.1"] = {"value": "Có"}
    data["indicators"]["7"] = {"value": "không đạt"}
    result = _result(tmp_path, data)
    assert {c.criterion.id for c in result.missing} == {"7", "9"}


def test_rate_from_numerator_and_denominator(tmp_path):
    data = sample()
    data["indicators"]["9.2"] = {"numerator": 75, "denominator": 100}
    assert _criterion(_result(tmp_path, data), "9").met
    data["indicators"]["9.2"] = {"numerator": 749, "denominator": 1000}
    assert not _criterion(_result(tmp_path, data), "9").met


def test_self_assessment_disagreement_is_reported(tmp_path):
    data = sample()
    data["indicators"]["2.2"] = {"value": 65, "self_assessment": "Đạt"}
    data["criteria_self_assessment"] = {"2": "Đạt"}
    text = "\n".join(_result(tmp_path, data).disagreements)
    assert "Chỉ tiêu 2.2: tự đánh giá “Đạt”, kết quả tính được “Chưa đạt”" in text
    assert "Tiêu chí 2 (Giao thông)" in text


def _errors(tmp_path, data) -> str:
    with pytest.raises(DossierError) as exc:
        load_assessment(write(tmp_path, data))
    return str(exc.value)


def test_missing_value_and_missing_indicator(tmp_path):
    data = sample()
    data["indicators"]["2.2"] = {"value": None, "evidence": "chưa có"}
    del data["indicators"]["17.4"]
    text = _errors(tmp_path, data)
    assert "xa.yaml, trường indicators.2.2.value: chưa có giá trị (cần một số phần trăm)" in text
    assert "trường indicators.17.4: thiếu số liệu chỉ tiêu 17.4" in text


def test_wrong_units_and_types(tmp_path):
    data = sample()
    data["indicators"]["2.2"] = {"value": "khoảng 80"}
    data["indicators"]["17.4"] = {"value": "3 %"}
    data["indicators"]["10"] = {"value": 50, "unit": "%"}
    data["indicators"]["1.1"] = {"value": 1.5}
    data["indicators"]["5"] = {"value": 120}
    text = _errors(tmp_path, data)
    assert "indicators.2.2.value: cần một số phần trăm, nhận được 'khoảng 80'" in text
    assert "indicators.17.4.value: sai đơn vị: chỉ tiêu tính bằng m²/người, nhận được '3 %' (%)" in text
    assert "indicators.10.unit: sai đơn vị" in text
    assert "indicators.1.1.value: cần 'Đạt' hoặc 'Không đạt'" in text
    assert "indicators.5.value: giá trị '120' ngoài khoảng cho phép" in text


def test_unknown_indicator_and_unquoted_ids(tmp_path):
    data = sample()
    data["indicators"]["20.1"] = {"value": 1}
    assert "indicators.20.1: không có chỉ tiêu '20.1'" in _errors(tmp_path, data)
    path = tmp_path / "bad.yaml"
    path.write_text(write(tmp_path, sample()).read_text(encoding="utf-8").replace("'17.10':", "17.10:"), encoding="utf-8")
    with pytest.raises(DossierError, match="phải đặt trong dấu ngoặc kép"):
        load_assessment(path)


def test_villages_without_a_village_set(tmp_path):
    data = sample()
    del data["override"]  # the national set names no village set
    assert "chưa chọn bộ tiêu chí thôn, bản" in _errors(tmp_path, data)


def test_legacy_text_is_converted_with_a_warning(tmp_path):
    data = sample()
    data["indicators"]["1.1"]["evidence"] = "§· cã quy ho¹ch chung x©y dùng x· ®­îc phª duyÖt"
    warnings = []
    a = load_assessment(write(tmp_path, data), warnings)
    assert a.indicators["1.1"].evidence == "Đã có quy hoạch chung xây dựng xã được phê duyệt"
    assert warnings and "TCVN3" in warnings[0].message and "indicators.1.1.evidence" in warnings[0].where


EXPECTED_MISSING = {
    "son-binh": [], "then-sin": ["2", "10", "17"], "ta-leng": ["10", "11"], "giang-ma": ["2", "9", "14"],
    "ho-thau": ["5", "10", "11", "17"], "binh-lu": ["17"], "nung-nang": ["6", "12"], "ban-giang": ["13"],
    "ban-hon": ["15"], "ban-bo": ["7", "9"], "na-tam": ["3", "10", "16"],
    "khun-ha": ["2", "4", "5", "10", "11", "12", "17"],
}


@pytest.mark.parametrize("slug", sorted(EXPECTED_MISSING))
def test_samples_miss_exactly_the_expected_criteria(slug):
    result = evaluate(load_assessment(COMMUNES / f"{slug}.yaml"))
    assert [c.criterion.id for c in result.missing] == EXPECTED_MISSING[slug]
    assert result.assessment.sample_data and "Dữ liệu mẫu" in result.assessment.note


@pytest.mark.parametrize("slug", ["na-tam", "son-binh", "giang-ma", "ta-leng"])
def test_bản_review_communes_have_villages_meeting_and_not(slug):
    result = evaluate(load_assessment(COMMUNES / f"{slug}.yaml"))
    states = {v.all_met for v in result.villages}
    assert states == {True, False}
