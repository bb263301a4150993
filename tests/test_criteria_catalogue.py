"""The criteria catalogue: set files as package data, overrides, confidence marks, new sets as files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dossier.criteria.registry import Registry, package_sets_dir, registry
from dossier.errors import DossierError

COMMUNE_SET = "xa-ntm-2021-2025"
LAI_CHAU = "lai-chau-1487-2024"


def test_package_holds_one_file_per_legal_basis():
    sets = registry()
    assert set(sets.ids()) >= {COMMUNE_SET, "xa-ntm-nang-cao-2021-2025", "ban-ntm-lai-chau-2024", "huyen-ntm-2021-2025"}
    assert sets.override_ids(COMMUNE_SET) == [LAI_CHAU]


def test_commune_set_has_19_criteria_in_5_groups():
    cset = registry().get(COMMUNE_SET)
    assert [g.id for g in cset.groups] == ["I", "II", "III", "IV", "V"]
    assert [c.id for c in cset.criteria] == [str(n) for n in range(1, 20)]
    assert [i.id for i in cset.criteria[16].indicators][:3] == ["17.1", "17.2", "17.3"]
    assert "3.2" in cset.indicators and cset.indicators["3.2"].verified


def test_null_reference_targets_are_evaluable_but_marked_unverified():
    ind = registry().get(COMMUNE_SET).indicators["12.1"]
    assert ind.target.value is not None
    assert ind.placeholder and not ind.verified
    assert "chưa xác minh" in ind.confidence_text.lower()


def test_override_changes_targets_and_records_its_basis():
    national = registry().get(COMMUNE_SET).indicators["15.1"]
    lai_chau = registry().get(COMMUNE_SET, LAI_CHAU).indicators["15.1"]
    assert national.target.threshold(2024) == Decimal(85)
    assert lai_chau.target.threshold(2024) == Decimal(90)
    assert "1487/QĐ-UBND" in lai_chau.overridden_by
    assert national.overridden_by is None
    assert registry().get(COMMUNE_SET, LAI_CHAU).sub_unit_set == "ban-ntm-lai-chau-2024"


def test_yearly_target_takes_the_latest_year_not_after_the_assessment():
    target = registry().get(COMMUNE_SET, LAI_CHAU).indicators["10"].target
    assert target.threshold(2024) == Decimal(45)
    assert target.threshold(2030) == Decimal(48)
    assert target.threshold(2021) == Decimal(39)  # before the first listed year: the base value


def test_unknown_set_and_wrong_override_are_vietnamese_errors():
    with pytest.raises(DossierError, match="Không có bộ tiêu chí 'khong-co'"):
        registry().get("khong-co")
    with pytest.raises(DossierError, match="ghi đè bộ tiêu chí"):
        registry().get("huyen-ntm-2021-2025", LAI_CHAU)


NEW_SET = """
kind: criteria_set
id: xa-ntm-2031-2035
name: "Bộ tiêu chí quốc gia về nông thôn mới giai đoạn 2031 - 2035 (thử)"
short_name: "Xã NTM 2031-2035"
basis: "Quyết định số 51/2025/QĐ-TTg"
period: {start: 2031, end: 2035}
unit_type: xã
confidence: M
groups:
  - id: "1"
    name: "Nhóm 1"
    criteria:
      - id: "1"
        name: "Thu nhập"
        indicators:
          - {id: "1.1", name: "Thu nhập bình quân", unit: trieu_dong_nguoi, target: {op: ">=", value: 60}, confidence: M, placeholder: true}
"""


def test_a_new_period_is_one_more_file(tmp_path):
    (tmp_path / "xa-ntm-2031-2035.yaml").write_text(NEW_SET, encoding="utf-8")
    sets = Registry([package_sets_dir(), tmp_path])
    cset = sets.get("xa-ntm-2031-2035")
    assert len(cset.criteria) == 1 and cset.indicators["1.1"].target.value == 60


def test_bad_set_file_names_file_and_field(tmp_path):
    (tmp_path / "bad.yaml").write_text(NEW_SET.replace('op: ">="', 'op: "dat"'), encoding="utf-8")
    with pytest.raises(DossierError) as exc:
        Registry([tmp_path])
    assert "bad.yaml" in str(exc.value) and "không dùng được với đơn vị" in str(exc.value)
