"""An assessment as JSON, for scripts and the web page (``dossier assess --format
json``): the computed results with the raw values (numbers as numbers), the
same texts the reports show beside them, and the warnings. Keys are English and
stable; values a clerk reads are Vietnamese."""

from __future__ import annotations

import json
from typing import Any

from ..criteria.evaluate import CriterionResult, IndicatorResult, UnitResult
from ..vntext.numbers import plain_number
from .context import _set_info


def _indicator(r: IndicatorResult) -> dict[str, Any]:
    ind = r.indicator
    return {
        "id": ind.id, "name": ind.name, "value": plain_number(r.value), "value_text": r.value_text,
        "target": r.target_text, "met": r.met, "result": r.result, "gap": r.gap_text,
        "evidence": r.evidence, "self_assessment": r.self_assessment, "disagrees": r.disagrees,
        "verified": ind.verified, "confidence": ind.confidence, "overridden_by": ind.overridden_by,
    }


def _criterion(c: CriterionResult) -> dict[str, Any]:
    return {
        "id": c.criterion.id, "name": c.criterion.name, "met": c.met, "result": c.result,
        "self_assessment": c.self_assessment, "disagrees": c.disagrees,
        "indicators": [_indicator(i) for i in c.indicators],
    }


def assessment_dict(result: UnitResult, warnings: list | None = None) -> dict[str, Any]:
    """The assessment ``result`` as plain JSON-ready data (``warnings``: their texts)."""
    a = result.assessment
    return {
        "unit": {"type": result.unit_type, "name": result.name, "code": result.code, "label": result.label},
        "district": a.district if a else None,
        "province": a.province if a else None,
        "year": result.year,
        "sample_data": bool(a and a.sample_data),
        "criteria_set": _set_info(result.criteria_set),
        "met": result.met_count,
        "total": result.total,
        "all_met": result.all_met,
        "criteria": [_criterion(c) for c in result.criteria],
        "missing": [{"id": c.criterion.id, "name": c.criterion.name, "shortfalls": [i.shortfall for i in c.failing]}
                    for c in result.missing],
        "disagreements": result.disagreements,
        "unverified_targets": len(result.unverified),
        "villages": {
            "criteria_set": _set_info(result.village_set),
            "met": result.villages_met,
            "total": len(result.villages),
            "units": [{"name": v.name, "met": v.met_count, "total": v.total, "all_met": v.all_met,
                       "missing": [i.shortfall for c in v.missing for i in c.failing]} for v in result.villages],
        },
        "warnings": [str(w) for w in warnings or ()],
    }


def assessment_json(result: UnitResult, warnings: list | None = None) -> str:
    return json.dumps(assessment_dict(result, warnings), ensure_ascii=False, indent=2, default=str)
