"""The 2026–2030 set (QĐ 51/2025) as data: its 10 criteria, 47 indicators marked as
stand-ins, targets per commune group (and per year inside a group) in one set, and
set files that get per-group targets wrong are refused naming file and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from dossier.criteria.registry import Registry, package_sets_dir, registry
from dossier.errors import DossierError

SET_2026 = "xa-ntm-2026-2030"
SET_FILE = package_sets_dir() / f"{SET_2026}.yaml"
# the ten criteria of QĐ 51/2025 as named in ntm-2026.md (verified)
CRITERIA_2026 = ["Quy hoạch", "Hạ tầng kinh tế - xã hội", "Phát triển kinh tế nông thôn",
                 "Đào tạo nguồn nhân lực nông thôn", "Văn hóa, giáo dục, y tế", "Giảm nghèo và an sinh xã hội",
                 "Khoa học công nghệ và chuyển đổi số", "Môi trường và cảnh quan nông thôn",
                 "Xây dựng hệ thống chính trị và hành chính công", "Tiếp cận pháp luật và an ninh, quốc phòng"]


def test_ten_verified_criteria_and_47_indicators():
    cset = registry().get(SET_2026)
    assert [c.name for c in cset.criteria] == CRITERIA_2026
    assert [c.id for c in cset.criteria] == [str(n) for n in range(1, 11)]
    assert len(cset.indicators) == 47
    assert cset.period == (2026, 2030) and cset.unit_type == "xã"
    assert "51/2025/QĐ-TTg" in cset.basis


def test_every_stand_in_indicator_is_flagged_unverified():
    cset = registry().get(SET_2026)
    assert all(i.placeholder and not i.verified for i in cset.indicators.values())
    assert all("chưa xác minh" in i.confidence_text.lower() for i in cset.indicators.values())


def test_targets_per_group_and_per_year_inside_one_set():
    cset = registry().get(SET_2026)
    roads = cset.indicators["2.2"]
    assert [roads.target.threshold(2026, g) for g in "123"] == [Decimal(100), Decimal(80), Decimal(70)]
    assert roads.target.text(roads.unit, 2026, "3") == "≥ 70%"
    assert roads.target.text(roads.unit, 2026) == "nhóm 1: ≥ 100%; nhóm 2: ≥ 80%; nhóm 3: ≥ 70%"
    income = cset.indicators["3.1"].target
    assert income.threshold(2026, "2") == Decimal(65) and income.threshold(2028, "2") == Decimal(73)
    assert income.threshold(2030, "3") == Decimal(62) and income.threshold(2035, "3") == Decimal(62)
    plan = cset.indicators["1.1"].target  # the same for every group
    assert plan.threshold(2026, "1") == plan.threshold(2026, "3")


def test_group_thresholds_in_the_file_match_the_resolved_set():
    """Read the YAML directly: every by_group entry reaches the resolved target unchanged."""
    raw = yaml.safe_load(SET_FILE.read_text(encoding="utf-8"))
    cset = registry().get(SET_2026)
    checked = 0
    for crit in raw["groups"][0]["criteria"]:
        for ind in crit["indicators"]:
            for gid, spec in (ind["target"].get("by_group") or {}).items():
                if "value" in spec and not spec.get("by_year"):
                    assert cset.indicators[ind["id"]].target.threshold(2027, gid) == Decimal(str(spec["value"]))
                    checked += 1
    assert checked > 40


def test_commune_groups_are_data_in_the_set():
    groups = registry().get(SET_2026).commune_groups
    assert groups.listed == "1, 2, 3"
    assert [g.id for g in groups.groups] == ["1", "3", "2"]  # the order they are tried in
    assert {f.key for f in groups.facts} == {"agriculture_share_pct", "adjacent_to_urban", "urban_orientation",
                                             "planned_new_urban", "ethnic_mountain_area"}
    assert groups.get("2").otherwise


def test_the_2021_sets_have_no_groups():
    assert registry().get("xa-ntm-2021-2025").commune_groups is None
    assert registry().get("xa-ntm-2021-2025", "lai-chau-1487-2024").indicators["10"].target.by_group == ()


def _broken_set(tmp_path: Path, change) -> str:
    text = change(SET_FILE.read_text(encoding="utf-8").replace(f"id: {SET_2026}", "id: thu-2026"))
    (tmp_path / "thu.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DossierError) as exc:
        Registry([tmp_path])
    return str(exc.value)


def test_a_group_missing_from_a_target_names_the_indicator(tmp_path):
    text = _broken_set(tmp_path, lambda t: t.replace('"2": {value: 80}, "3": {value: 70}', '"2": {value: 80}'))
    assert "thu.yaml" in text and "2.2" in text and "cần đủ các nhóm" in text


def test_per_group_targets_without_groups_are_refused(tmp_path):
    def change(text: str) -> str:
        start, end = text.index("commune_groups:"), text.index("\ngroups:")
        return text[:start] + text[end:]

    assert "không khai báo nhóm xã" in _broken_set(tmp_path, change)


def test_a_rule_on_an_unknown_fact_is_refused(tmp_path):
    text = _broken_set(tmp_path, lambda t: t.replace("{fact: planned_new_urban,", "{fact: do_thi_moi,"))
    assert "do_thi_moi" in text and "thu.yaml" in text
