"""The parts of the summary context beyond the communes × criteria matrix:
what the summary covers and who issues it (from data), the counts per commune
group, the warnings of the communes, and every target with its confidence
mark. Merged into :func:`dossier.report.context.summary_context`:

  {area, info: {issuer, place, symbol, recipients, signer, distribution, archive} | None,
   unit_word: "xã", grouped: bool,
   groups: [{id, name, communes, communes_all_met, criteria_met: [int per criterion], text}],
   groups_text: "Nhóm 1: 0/1 xã đạt chuẩn; …",
   warnings: [text], criteria_marks: [{id, unverified, total, mark: "*" | ""}],
   targets: [{criterion, id, name, target, confidence, confidence_text, verified}]}

and, on each commune row, group (id or ""), group_name, flagged (it has warnings).
"""

from __future__ import annotations

from typing import Any

from ..criteria.summary import DistrictSummary

UNVERIFIED_MARK = "*"


def _info(summary: DistrictSummary) -> dict[str, Any] | None:
    info = summary.info
    if info is None:
        return None
    return {"area": info.area, "issuer": info.issuer.model_dump(), "place": info.place, "symbol": info.symbol,
            "recipients": list(info.recipients), "signer": info.signer.model_dump(),
            "distribution": list(info.distribution), "archive": info.archive}


def _targets(summary: DistrictSummary) -> list[dict[str, Any]]:
    year = summary.year
    return [{"criterion": c.id, "id": i.id, "name": i.name, "target": i.target.text(i.unit, year),
             "confidence": i.confidence + (UNVERIFIED_MARK if i.placeholder else ""),
             "confidence_text": i.confidence_text, "verified": i.verified}
            for c in summary.criteria for i in c.indicators]


def summary_extras(summary: DistrictSummary, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The extra keys of the summary context; ``rows`` (the commune rows, in order) gain their group."""
    unit = summary.criteria_set.unit_type
    for row, result in zip(rows, summary.communes, strict=True):
        row["group"] = result.group.group_id if result.group else ""
        row["group_name"] = result.group.group_name if result.group else ""
        row["flagged"] = bool(result.warnings)
    groups = [{"id": g.id, "name": g.name, "communes": g.count, "communes_all_met": g.all_met,
               "criteria_met": [g.meeting(c.id) for c in summary.criteria],
               "text": f"{g.name}: {g.all_met}/{g.count} {unit} đạt chuẩn"} for g in summary.groups]
    marks = []
    for c in summary.criteria:
        unverified = sum(not i.verified for i in c.indicators)
        marks.append({"id": c.id, "unverified": unverified, "total": len(c.indicators),
                      "mark": UNVERIFIED_MARK if unverified else ""})
    area = summary.info.area if summary.info else None
    return {
        **({"location": area} if area else {}),
        "area": area,
        "info": _info(summary),
        "unit_word": unit,
        "grouped": bool(groups),
        "groups": groups,
        "groups_text": "; ".join(g["text"] for g in groups),
        "warnings": list(summary.warnings),
        "criteria_marks": marks,
        "targets": _targets(summary),
    }
