"""A commune's group (QĐ 51/2025): declared, or derived from the facts by the set's
rules, with the rule that decided it; a declared group that contradicts the facts is
reported; the group changes the targets; reports and the Excel form carry it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from dossier.cli import main
from dossier.criteria import evaluate, load_assessment
from dossier.criteria.groups import GroupUndecided, decide, parse_facts
from dossier.criteria.registry import registry
from dossier.errors import DossierError
from dossier.report import assessment_context, assessment_text, export
from dossier.report.form import write_form

DATA = Path(__file__).parent / "data" / "ntm-2026"
NONE = {"agriculture_share_pct": 40, "adjacent_to_urban": False, "urban_orientation": False,
        "planned_new_urban": False, "ethnic_mountain_area": "Không"}


def _groups():
    return registry().get("xa-ntm-2026-2030").commune_groups


def _decide(declared=None, **facts):
    parsed, problems = parse_facts(_groups(), facts)
    assert not problems
    return decide(_groups(), declared, parsed)


@pytest.mark.parametrize(("facts", "group", "rule"), [
    ({"agriculture_share_pct": 8.5}, "1", "tỷ trọng nông nghiệp trong cơ cấu kinh tế dưới 10%: 8,5%"),
    ({"adjacent_to_urban": True, "urban_orientation": True}, "1", "liền kề đô thị hiện hữu và có định hướng"),
    ({"planned_new_urban": "Có"}, "1", "định hướng là đô thị mới"),
    ({"ethnic_mountain_area": "khu vực III"}, "3", "khu vực II hoặc khu vực III"),
    ({"ethnic_mountain_area": "II"}, "3", ": II"),
    ({"adjacent_to_urban": True}, "2", "không thuộc nhóm 1 và nhóm 3"),  # adjacent alone is not enough
    ({}, "2", "không thuộc nhóm 1 và nhóm 3"),
])
def test_each_rule_decides_and_is_named(facts, group, rule):
    decision = _decide(**{**NONE, **facts})
    assert decision.group_id == group and decision.by == "số liệu"
    assert rule in decision.reason
    assert not decision.warnings


def test_facts_for_both_group_1_and_3_choose_1_and_say_so():
    decision = _decide(**{**NONE, "agriculture_share_pct": 5, "ethnic_mountain_area": "III"})
    assert decision.group_id == "1"
    assert any("nhóm 3" in n and "chưa xác minh" in n for n in decision.notes)


def test_too_few_facts_name_what_is_missing():
    with pytest.raises(GroupUndecided) as exc:
        _decide(agriculture_share_pct=40)
    text = str(exc.value)
    assert "Khu vực thuộc vùng đồng bào DTTS" in text and "Xã được định hướng là đô thị mới" in text
    assert "Tỷ trọng nông nghiệp" not in text  # that one was given


def test_a_group_rule_that_holds_needs_no_other_fact():
    assert _decide(ethnic_mountain_area="III").group_id == "3"


def test_declared_group_contradicting_the_facts_is_reported_and_used():
    decision = _decide("2", **{**NONE, "ethnic_mountain_area": "III"})
    assert decision.group_id == "2" and decision.derived == "3"
    assert "trái với số liệu" in decision.contradiction and "nhóm 3" in decision.contradiction


def test_declared_group_matching_or_unchecked():
    assert "khớp với số liệu" in _decide("3", **{**NONE, "ethnic_mountain_area": "III"}).reason
    assert "chưa có số liệu để đối chiếu" in _decide("3").reason


def _write(tmp_path, base: str, **changes) -> Path:
    data = yaml.safe_load((DATA / base).read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    out = tmp_path / base
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


def test_the_group_changes_the_targets(tmp_path):
    """Pa Sở's values meet every group-3 target; judged as group 1 they do not."""
    as_3 = evaluate(load_assessment(DATA / "pa-so.yaml"))
    assert as_3.group.group_id == "3" and as_3.met_count == 10
    as_1 = evaluate(load_assessment(_write(tmp_path, "pa-so.yaml", group="1", group_facts=None)))
    assert as_1.group.group_id == "1" and as_1.met_count < 10
    failing = {i.indicator.id: i for c in as_1.criteria for i in c.failing}
    assert failing["2.2"].target_text == "≥ 100%"


@pytest.mark.parametrize("written", [3, "3", "nhóm 3", "Nhóm 3"])
def test_declared_group_spellings(tmp_path, written):
    path = _write(tmp_path, "sang-ma.yaml", group=written)
    assert evaluate(load_assessment(path)).group.group_id == "3"


def test_unknown_group_and_bad_facts_name_the_field(tmp_path):
    path = _write(tmp_path, "pa-so.yaml", group="4",
                  group_facts={"agriculture_share_pct": "nhiều", "khu_vuc": "III"})
    with pytest.raises(DossierError) as exc:
        load_assessment(path)
    text = str(exc.value)
    assert "trường group: không có nhóm xã '4'" in text and "chỉ nhận: 1, 2, 3" in text


def test_bad_facts_name_the_field(tmp_path):
    path = _write(tmp_path, "pa-so.yaml", group_facts={"agriculture_share_pct": "nhiều", "khu_vuc": "III"})
    with pytest.raises(DossierError) as exc:
        load_assessment(path)
    text = str(exc.value)
    assert "group_facts.agriculture_share_pct" in text and "group_facts.khu_vuc" in text


def test_no_group_and_no_facts_is_refused(tmp_path):
    path = _write(tmp_path, "pa-so.yaml", group=None, group_facts=None)
    with pytest.raises(DossierError, match="chưa xác định được nhóm xã"):
        load_assessment(path)


def test_a_group_on_a_set_without_groups_is_a_warning(tmp_path):
    data = yaml.safe_load((Path(__file__).parents[1] / "samples/tam-duong/communes/son-binh.yaml").read_text("utf-8"))
    data["group"] = "2"
    path = tmp_path / "son-binh.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    warnings: list = []
    result = evaluate(load_assessment(path, warnings))
    assert result.group is None and any("không phân nhóm xã" in str(w) for w in warnings)


def test_assess_prints_group_and_score_out_of_ten():
    out = CliRunner().invoke(main, ["assess", str(DATA / "pa-so.yaml")])
    assert out.exit_code == 0, out.output
    assert "Nhóm xã: Nhóm 3 (theo khai báo, khớp với số liệu" in out.output
    assert "Tổng số tiêu chí đạt: 10/10" in out.output


def test_reports_show_the_group_and_the_contradiction(tmp_path):
    from docx import Document

    ctx = assessment_context(evaluate(load_assessment(DATA / "ho-mit.yaml")))
    assert ctx["group"]["id"] == "2" and ctx["group"]["derived"] == "3"
    assert any("trái với số liệu" in w for w in ctx["warnings"])
    assert "Cảnh báo: Nhóm xã khai báo (nhóm 2) trái với số liệu" in assessment_text(ctx)
    ws = openpyxl.load_workbook(export(ctx, "assessment", tmp_path / "a.xlsx")).active
    heading = [ws.cell(r, 1).value or "" for r in range(1, 6)]
    assert any(h.startswith("Nhóm xã: Nhóm 2") for h in heading) and any("trái với số liệu" in h for h in heading)
    doc = Document(export(ctx, "assessment", tmp_path / "a.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Nhóm xã: Nhóm 2" in text and "trái với số liệu" in text


def test_excel_form_for_the_2026_set_has_group_rows(tmp_path):
    out = CliRunner().invoke(main, ["excel-template", "--set", "xa-ntm-2026-2030", "-o", str(tmp_path / "m.xlsx")])
    assert out.exit_code == 0, out.output
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")["Thông tin"]
    labels = [ws[f"A{r}"].value for r in range(1, ws.max_row + 1)]
    assert "Nhóm xã" in labels and "Tỷ trọng nông nghiệp trong cơ cấu kinh tế của xã (%)" in labels
    crit = openpyxl.load_workbook(tmp_path / "m.xlsx")["Tiêu chí"]
    targets = [crit[f"D{r}"].value for r in range(5, crit.max_row + 1)]
    assert "nhóm 1: ≥ 100%; nhóm 2: ≥ 80%; nhóm 3: ≥ 70%" in targets


@pytest.mark.parametrize("name", ["na-hon.yaml", "ho-mit.yaml", "sang-ma.yaml"])
def test_excel_round_trip_of_a_2026_commune(tmp_path, name):
    from_yaml = load_assessment(DATA / name)
    workbook = write_form(tmp_path / "x.xlsx", assessment=from_yaml)
    from_excel = load_assessment(workbook)
    assert (from_excel.group, from_excel.group_facts) == (from_yaml.group, from_yaml.group_facts)
    a, b = evaluate(from_excel), evaluate(from_yaml)
    assert (a.group, a.met_count, [c.met for c in a.criteria]) == (b.group, b.met_count, [c.met for c in b.criteria])


def test_excel_group_cell_error_names_the_cell(tmp_path):
    workbook = write_form(tmp_path / "x.xlsx", assessment=load_assessment(DATA / "pa-so.yaml"))
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Thông tin"]
    row = next(r for r in range(1, ws.max_row + 1) if ws[f"D{r}"].value == "nhom_xa:group_facts.ethnic_mountain_area")
    ws[f"B{row}"] = "IV"
    group_row = next(r for r in range(1, ws.max_row + 1) if ws[f"D{r}"].value == "nhom_xa:group")
    ws[f"B{group_row}"] = None
    wb.save(workbook)
    with pytest.raises(DossierError) as exc:
        load_assessment(workbook)
    assert f"Sheet 'Thông tin', ô B{row}" in str(exc.value) and "'IV'" in str(exc.value)
