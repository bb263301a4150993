"""Evaluation: every indicator, criterion and unit is computed as đạt / chưa
đạt from the values and the targets — never typed. A hand-typed
self-assessment that disagrees with the computed result is reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..models.assessment import Assessment, IndicatorEntry
from .catalogue import Criterion, CriteriaSet, Indicator
from .comparators import comparator
from .groups import GroupDecision, decide, parse_facts
from .registry import Registry, registry
from .assessment import village_set_id

MET = "Đạt"
NOT_MET = "Chưa đạt"


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    value: Decimal | str | None
    met: bool
    target_text: str  # "≥ 70%" for the assessment year
    gap: tuple[str, Decimal] | None = None  # ("thiếu", 5) — numeric targets only
    evidence: str = ""
    self_assessment: str | None = None

    @property
    def result(self) -> str:
        return MET if self.met else NOT_MET

    @property
    def value_text(self) -> str:
        return self.indicator.unit.format(self.value) if self.value is not None else "chưa có số liệu"

    @property
    def gap_text(self) -> str:
        """'thiếu 5 điểm %', 'vượt 1,5 điểm %', or what is wrong for a yes/no fact."""
        if self.met:
            return ""
        if self.value is None:
            return "chưa có số liệu"
        if self.gap:
            from ..vntext import vn_number

            verb, amount = self.gap
            return f"{verb} {vn_number(amount)} {self.indicator.unit.gap_word}".rstrip()
        return f"cần “{self.target_text}”, hiện là “{self.value_text}”"

    @property
    def shortfall(self) -> str:
        """'2.2: 65%, cần ≥ 70% (thiếu 5 điểm %)'."""
        if self.met:
            return ""
        if self.gap:
            return f"{self.indicator.id}: {self.value_text}, cần {self.target_text} ({self.gap_text})"
        return f"{self.indicator.id}: {self.gap_text}"

    @property
    def disagrees(self) -> bool:
        return self.self_assessment is not None and self.self_assessment != self.result


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    indicators: tuple[IndicatorResult, ...]
    self_assessment: str | None = None

    @property
    def met(self) -> bool:
        return all(i.met for i in self.indicators)

    @property
    def result(self) -> str:
        return MET if self.met else NOT_MET

    @property
    def failing(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if not i.met)

    @property
    def disagrees(self) -> bool:
        return self.self_assessment is not None and self.self_assessment != self.result


@dataclass(frozen=True)
class UnitResult:
    """A unit (commune, village…) against one criteria set."""

    name: str
    code: str | None
    unit_type: str
    year: int
    criteria_set: CriteriaSet
    criteria: tuple[CriterionResult, ...]
    villages: tuple[UnitResult, ...] = ()
    village_set: CriteriaSet | None = None
    assessment: Assessment | None = field(default=None, compare=False, repr=False)
    group: GroupDecision | None = None  # the commune group, for sets whose targets depend on it
    period_warning: str | None = None  # the year is outside the set's period

    @property
    def warnings(self) -> tuple[str, ...]:
        """What every output using this result must say: a set used outside its period, a doubtful group."""
        out = (self.period_warning,) if self.period_warning else ()
        return out + (self.group.warnings if self.group else ())

    @property
    def met_count(self) -> int:
        return sum(c.met for c in self.criteria)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def all_met(self) -> bool:
        return self.met_count == self.total

    @property
    def label(self) -> str:
        return f"{self.unit_type} {self.name}"

    @property
    def missing(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.met)

    @property
    def disagreements(self) -> list[str]:
        """Where the hand-typed self-assessment contradicts the computed result."""
        out = []
        for c in self.criteria:
            if c.disagrees:
                out.append(f"Tiêu chí {c.criterion.id} ({c.criterion.name}): tự đánh giá “{c.self_assessment}”, "
                           f"kết quả tính được “{c.result}”")
            for i in c.indicators:
                if i.disagrees:
                    out.append(f"Chỉ tiêu {i.indicator.id}: tự đánh giá “{i.self_assessment}”, "
                               f"kết quả tính được “{i.result}” ({i.value_text}, cần {i.target_text})")
        return out

    @property
    def unverified(self) -> tuple[Indicator, ...]:
        """Indicators whose target has not been verified against a source."""
        return tuple(i.indicator for c in self.criteria for i in c.indicators if not i.indicator.verified)

    @property
    def villages_met(self) -> int:
        return sum(v.all_met for v in self.villages)


def evaluate_indicator(ind: Indicator, entry: IndicatorEntry | None, year: int,
                       group: str | None = None) -> IndicatorResult:
    target_text = ind.target.text(ind.unit, year, group)
    if entry is None or entry.value is None:
        return IndicatorResult(ind, None, False, target_text)
    comp = comparator(ind.target.op)
    threshold = ind.target.threshold(year, group)
    met = comp.met(entry.value, threshold)
    gap = None if met else comp.gap(entry.value, threshold)
    return IndicatorResult(ind, entry.value, met, target_text, gap, entry.evidence, entry.self_assessment)


def evaluate_entries(entries: dict[str, IndicatorEntry], cset: CriteriaSet, year: int,
                     criteria_self: dict[str, str] | None = None, group: str | None = None) -> tuple[CriterionResult, ...]:
    criteria_self = criteria_self or {}
    return tuple(
        CriterionResult(c, tuple(evaluate_indicator(i, entries.get(i.id), year, group) for i in c.indicators),
                        criteria_self.get(c.id))
        for c in cset.criteria
    )


def evaluate(assessment: Assessment, sets: Registry | None = None) -> UnitResult:
    """Evaluate a (checked) assessment and its villages."""
    sets = sets or registry()
    set_id = assessment.criteria_set or sets.choose(assessment.year, assessment.commune.type)
    cset = sets.get(set_id, assessment.override)
    year = assessment.year
    group = None
    if cset.commune_groups is not None:
        facts, _ = parse_facts(cset.commune_groups, assessment.group_facts)
        declared = cset.commune_groups.normalise(assessment.group) if assessment.group is not None else None
        group = decide(cset.commune_groups, declared, facts)  # checked data: decidable
    village_set = None
    villages: tuple[UnitResult, ...] = ()
    if assessment.villages:
        village_set = sets.get(village_set_id(assessment, cset))
        villages = tuple(
            UnitResult(v.name, v.code, village_set.unit_type, year, village_set,
                       evaluate_entries(v.indicators, village_set, year))
            for v in assessment.villages
        )
    return UnitResult(
        assessment.commune.name, assessment.commune.code, assessment.commune.type, year, cset,
        evaluate_entries(assessment.indicators, cset, year, assessment.criteria_self_assessment,
                         group.group_id if group else None),
        villages, village_set, assessment, group, sets.period_warning(cset, year),
    )
