"""NTM criteria: the catalogue (``sets/*.yaml`` as package data, one file per
legal basis), loading a unit's assessment from YAML or the Excel form,
evaluation (per commune group where a set's targets depend on it, within
the set's period) and the summary of a folder of communes."""

from __future__ import annotations

from .assessment import load_assessment
from .catalogue import CriteriaSet, Criterion, Indicator
from .evaluate import CriterionResult, IndicatorResult, UnitResult, evaluate
from .registry import Registry, criteria_set, registry
from .groups import GroupDecision
from .summary import DistrictSummary, Summary, load_folder, summarise

__all__ = [
    "CriteriaSet",
    "Criterion",
    "CriterionResult",
    "DistrictSummary",
    "GroupDecision",
    "Indicator",
    "IndicatorResult",
    "Registry",
    "UnitResult",
    "criteria_set",
    "evaluate",
    "load_assessment",
    "load_folder",
    "registry",
    "Summary",
    "summarise",
]
