"""Plain, JSON-able report contexts for templates (DOCX) and the XLSX and
terminal writers: every figure already formatted the Vietnamese way, every
target carrying its confidence mark.

Shapes (all strings Vietnamese, numbers via vntext.vn_number):

assessment_context(result) ->
  {kind: "assessment", sample_data, note,
   unit: {type, name, code, label},             # "xã Sơn Bình"
   district, province, location, year,
   criteria_set: {id, name, short_name, basis, override: {id, name, basis} | None},
   facts: {area_km2, population, households, villages, ethnic_groups} (text values, "" if absent),
   columns: [7 header labels],
   groups: [{id, name, title, rows: [row]}],
   row (criterion): {kind: "criterion", stt, name, target: "", value: "", result, met, self_assessment, disagrees}
   row (indicator): {kind: "indicator", stt, name, target, value, result, met, gap, evidence,
                     confidence, confidence_text, confidence_note, verified, self_assessment, disagrees}
   totals: {met, total, all_met, text: "Tổng số tiêu chí đạt: 17/19"},
   missing: [{stt, name, shortfalls: ["2.2: 65%, cần ≥ 70% (thiếu 5 điểm %)"]}],
   disagreements: [text], unverified_targets: int, unverified_note: text,
   confidence_legend: [{mark, text}],
   villages: {criteria_set: {id, name, basis} | None, met, total, text,
              rows: [{stt, name, met, total, all_met, result, missing: [text]}]}}

summary_context(summary) ->
  {kind: "district-summary", district, province, location, year, criteria_set: {…},
   criteria: [{id, name, communes_met}],
   columns: ["STT", "Tên xã", "1", …, "19", "Số tiêu chí đạt", "Kết quả"],
   communes: [{stt, name, code, label, met, total, all_met, result, cells: ["x" | ""], missing: [criterion ids],
               missing_text, villages_met, villages_total}],
   totals: {communes, communes_all_met, communes_all_met_names, average_criteria, average_text,
            villages_met, villages_total, villages_text, text},
   unverified_targets, unverified_note, confidence_legend}
"""

from __future__ import annotations

from typing import Any

from ..criteria.catalogue import CONFIDENCE_TEXT, CriteriaSet
from ..criteria.evaluate import CriterionResult, IndicatorResult, UnitResult
from ..criteria.groups import GroupDecision
from ..criteria.summary import DistrictSummary
from .summary_parts import summary_extras
from ..vntext import vn_number

ASSESSMENT_COLUMNS = ["STT", "Tên tiêu chí", "Nội dung tiêu chí (chỉ tiêu)", "Mức đạt chuẩn",
                      "Kết quả thực hiện", "Kết quả đánh giá", "Ghi chú"]
MET_TEXT = "Đạt"
NOT_MET_TEXT = "Chưa đạt"


def _location(district: str | None, province: str | None) -> str:
    parts = []
    if district:
        parts.append(f"huyện {district}")
    if province:
        parts.append(f"tỉnh {province}")
    return ", ".join(parts)


def _set_info(cset: CriteriaSet | None) -> dict[str, Any] | None:
    if cset is None:
        return None
    override = ({"id": cset.override_id, "name": cset.override_name, "basis": cset.override_basis}
                if cset.override_id else None)
    return {"id": cset.id, "name": cset.display_name, "short_name": cset.short_name,
            "basis": cset.display_basis, "national_name": cset.name, "national_basis": cset.basis,
            "override": override, "period": f"{cset.period[0]}–{cset.period[1]}",
            "grouped": cset.commune_groups is not None}


def _group(decision: GroupDecision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"id": decision.group_id, "name": decision.group_name, "by": decision.by, "reason": decision.reason,
            "declared": decision.declared, "derived": decision.derived, "contradiction": decision.contradiction,
            "text": f"Nhóm xã: {decision.text}"}


def _legend() -> list[dict[str, str]]:
    return [{"mark": k, "text": v} for k, v in CONFIDENCE_TEXT.items()]


def _unverified_note(count: int) -> str:
    if not count:
        return ""
    return (f"Có {count} chỉ tiêu đang áp dụng mức đạt chuẩn chưa được đối chiếu với văn bản gốc (ghi “chưa xác "
            f"minh”); kết quả đánh giá các chỉ tiêu này chỉ mang tính tham khảo.")


def _indicator_row(r: IndicatorResult) -> dict[str, Any]:
    ind = r.indicator
    note = ind.confidence_text if not ind.verified else ""
    if ind.overridden_by:
        note = f"{note}; mức theo {ind.overridden_by}".lstrip("; ")
    return {
        "kind": "indicator", "stt": ind.id, "name": ind.name, "target": r.target_text, "value": r.value_text,
        "result": r.result, "met": r.met, "gap": r.gap_text, "evidence": r.evidence,
        "confidence": ind.confidence + ("*" if ind.placeholder else ""), "confidence_text": ind.confidence_text,
        "confidence_note": note, "verified": ind.verified,
        "self_assessment": r.self_assessment, "disagrees": r.disagrees,
    }


def _criterion_row(c: CriterionResult) -> dict[str, Any]:
    return {"kind": "criterion", "stt": c.criterion.id, "name": c.criterion.name, "target": "", "value": "",
            "result": c.result, "met": c.met, "self_assessment": c.self_assessment, "disagrees": c.disagrees}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return vn_number(value) if isinstance(value, (int, float)) else str(value)


def _villages(result: UnitResult) -> dict[str, Any]:
    rows = [
        {"stt": n, "name": v.name, "met": v.met_count, "total": v.total, "all_met": v.all_met,
         "result": "Đạt chuẩn" if v.all_met else "Chưa đạt chuẩn",
         "missing": [s for c in v.missing for s in (i.shortfall for i in c.failing)]}
        for n, v in enumerate(result.villages, 1)
    ]
    total = len(result.villages)
    return {"criteria_set": _set_info(result.village_set), "met": result.villages_met, "total": total,
            "text": f"Số thôn, bản đạt chuẩn: {result.villages_met}/{total}" if total else "", "rows": rows}


def assessment_context(result: UnitResult) -> dict[str, Any]:
    """The context of a unit's assessment report (báo cáo / biểu tổng hợp kết quả các tiêu chí)."""
    a = result.assessment
    by_id = {c.criterion.id: c for c in result.criteria}
    groups = []
    for group in result.criteria_set.groups:
        rows = []
        for crit in group.criteria:
            c = by_id[crit.id]
            rows.append(_criterion_row(c))
            rows += [_indicator_row(i) for i in c.indicators]
        groups.append({"id": group.id, "name": group.name, "title": group.title, "rows": rows})
    facts = a.facts.model_dump() if a else {}
    unverified = len(result.unverified)
    return {
        "kind": "assessment",
        "sample_data": bool(a and a.sample_data),
        "note": a.note if a else None,
        "unit": {"type": result.unit_type, "name": result.name, "code": result.code, "label": result.label},
        "district": a.district if a else None,
        "province": a.province if a else None,
        "location": _location(a.district, a.province) if a else "",
        "year": result.year,
        "criteria_set": _set_info(result.criteria_set),
        "facts": {k: _text(v) for k, v in facts.items()},
        "columns": ASSESSMENT_COLUMNS,
        "groups": groups,
        "totals": {"met": result.met_count, "total": result.total, "all_met": result.all_met,
                   "text": f"Tổng số tiêu chí đạt: {result.met_count}/{result.total}"},
        "missing": [{"stt": c.criterion.id, "name": c.criterion.name,
                     "shortfalls": [i.shortfall for i in c.failing]} for c in result.missing],
        "disagreements": result.disagreements,
        "group": _group(result.group),
        "warnings": list(result.warnings),
        "unverified_targets": unverified,
        "unverified_note": _unverified_note(unverified),
        "confidence_legend": _legend(),
        "villages": _villages(result),
    }


def summary_context(summary: DistrictSummary) -> dict[str, Any]:
    """The context of the district summary (communes × criteria)."""
    criteria = summary.criteria
    communes = []
    for n, r in enumerate(summary.communes, 1):
        met = {c.criterion.id: c.met for c in r.criteria}
        missing = [c.criterion.id for c in r.missing]
        communes.append({
            "stt": n, "name": r.name, "code": r.code, "label": r.label, "met": r.met_count, "total": r.total,
            "all_met": r.all_met, "result": "Đạt chuẩn" if r.all_met else "Chưa đạt chuẩn",
            "cells": ["x" if met[c.id] else "" for c in criteria],
            "missing": missing,
            "missing_text": ", ".join(f"{c.criterion.id} ({c.criterion.name})" for c in r.missing),
            "villages_met": r.villages_met, "villages_total": len(r.villages),
        })
    all_met = summary.communes_all_met
    count = len(summary.communes)
    average = summary.average_criteria
    total = criteria and len(criteria)
    return {
        "kind": "district-summary",
        "district": summary.district,
        "province": summary.province,
        "location": _location(summary.district, summary.province),
        "year": summary.year,
        "criteria_set": _set_info(summary.criteria_set),
        "criteria": [{"id": c.id, "name": c.name, "communes_met": summary.communes_meeting(c.id)} for c in criteria],
        "columns": ["STT", "Tên xã", *[c.id for c in criteria], "Số tiêu chí đạt", "Kết quả"],
        "communes": communes,
        "totals": {
            "communes": count,
            "communes_all_met": len(all_met),
            "communes_all_met_names": [r.name for r in all_met],
            "average_criteria": float(average),
            "average_text": vn_number(average),
            "villages_met": summary.villages_met,
            "villages_total": summary.villages_total,
            "villages_text": f"Số thôn, bản đạt chuẩn: {summary.villages_met}/{summary.villages_total}",
            "text": f"Số xã đạt chuẩn (đạt {total}/{total} tiêu chí): {len(all_met)}/{count}; bình quân "
                    f"{vn_number(average)} tiêu chí/xã",
        },
        "unverified_targets": summary.unverified_targets,
        "unverified_note": _unverified_note(summary.unverified_targets),
        "confidence_legend": _legend(),
        **summary_extras(summary, communes),
    }
