"""From an assessment file (YAML or the Excel form) to the facts the dossier
documents need: evaluated by ``dossier.criteria``, never typed by hand."""

from __future__ import annotations

from pathlib import Path

from .facts import CommuneFacts, CriterionResult
from .report_tables import assessment_table


def facts_for(path: Path) -> CommuneFacts:
    from ..criteria import evaluate, load_assessment
    from ..report.context import assessment_context

    assessment = load_assessment(path)
    result = evaluate(assessment)
    ctx = assessment_context(result)
    facts = assessment.facts
    cset = ctx["criteria_set"]
    return CommuneFacts(
        commune=result.name,
        unit_type=result.unit_type,
        district=f"huyện {assessment.district}" if assessment.district else None,
        province=f"tỉnh {assessment.province}" if assessment.province else None,
        year=result.year,
        set_name=cset["name"],
        set_basis=cset["basis"],
        criteria=tuple(
            CriterionResult(c.criterion.id, c.criterion.name, c.met, "; ".join(i.shortfall for i in c.failing))
            for c in result.criteria
        ),
        table=assessment_table(ctx),
        unverified_targets=ctx["unverified_targets"],
        area_km2=facts.area_km2,
        population=facts.population,
        households=facts.households,
        villages=facts.villages or len(assessment.villages) or None,
    )
