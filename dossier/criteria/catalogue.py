"""The criteria catalogue: the schema of the set files in ``sets/`` and the
resolved, read-only view evaluation works on (a set with a province's
overrides applied).

A set file (``kind: criteria_set``) holds groups → criteria → indicators, each
indicator with its unit, a machine-evaluable target, its source and how sure
the target is (V/P/M/I, ``placeholder`` when the reference had no value). An
override file (``kind: override``) changes targets of one base set and records
its own legal basis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..models.validation import Schema
from .comparators import COMPARATORS, comparator, fits
from .groups import CommuneGroups, CommuneGroupsSpec, resolve_groups
from .units import NUMBER, UNITS, Unit

Confidence = Literal["V", "P", "M", "I"]

CONFIDENCE_TEXT = {
    "V": "Đã xác minh",
    "P": "Xác minh một phần",
    "M": "Chưa xác minh",
    "I": "Suy luận, chưa xác minh",
}
PLACEHOLDER_TEXT = "Chưa xác minh (mức tạm đặt)"


# --- the files --------------------------------------------------------------------------------


class SourceSpec(Schema):
    title: str
    url: str | None = None


class GroupTargetSpec(Schema):
    """The threshold for one commune group (the operator is the indicator's)."""

    value: Decimal | None = None
    values: list[str] | None = None
    by_year: dict[int, Decimal] | None = None


class TargetSpec(Schema):
    op: str
    value: Decimal | None = None
    values: list[str] | None = None
    by_year: dict[int, Decimal] | None = None
    by_group: dict[str, GroupTargetSpec] | None = None  # commune group id → its threshold

    @field_validator("op")
    @classmethod
    def _known_op(cls, op: str) -> str:
        if op not in COMPARATORS:
            raise ValueError(f"phép so sánh không hỗ trợ; chỉ nhận: {', '.join(COMPARATORS)}")
        return op

    @model_validator(mode="after")
    def _has_threshold(self) -> TargetSpec:
        kind = COMPARATORS[self.op].kind
        for gid, part in list((self.by_group or {}).items()) or [("", self)]:
            where = f" (nhóm {gid})" if gid else ""
            if kind == NUMBER and part.value is None:
                raise ValueError(f"mức đạt chuẩn '{self.op}'{where} cần giá trị (value)")
            if self.op == "one_of" and not part.values:
                raise ValueError(f"mức đạt chuẩn 'one_of'{where} cần danh sách giá trị (values)")
        return self


class IndicatorSpec(Schema):
    id: str
    name: str
    unit: str
    target: TargetSpec
    confidence: Confidence
    source: str | None = None
    placeholder: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _unit_fits_target(self) -> IndicatorSpec:
        if self.unit not in UNITS:
            raise ValueError(f"đơn vị '{self.unit}' không hỗ trợ; chỉ nhận: {', '.join(UNITS)}")
        if not fits(self.target.op, UNITS[self.unit]):
            raise ValueError(f"phép so sánh '{self.target.op}' không dùng được với đơn vị '{self.unit}'")
        return self


class CriterionSpec(Schema):
    id: str
    name: str
    indicators: list[IndicatorSpec] = Field(min_length=1)
    note: str | None = None


class GroupSpec(Schema):
    id: str
    name: str
    criteria: list[CriterionSpec] = Field(min_length=1)


class Period(Schema):
    start: int
    end: int


class SubUnitsSpec(Schema):
    label: str  # "thôn, bản"
    set: str | None = None  # the set the sub-units are assessed against, if the set fixes it


class SetFile(Schema):
    kind: Literal["criteria_set"]
    id: str
    name: str
    short_name: str
    basis: str
    period: Period
    unit_type: str  # "xã", "bản", "huyện" — levels are data
    default: bool = False  # chosen by year and unit kind when data names no set (among sets covering it)
    region: str | None = None
    confidence: Confidence
    source: str | None = None
    sources: dict[str, SourceSpec] = {}
    sub_units: SubUnitsSpec | None = None
    commune_groups: CommuneGroupsSpec | None = None  # targets differ by group of commune
    groups: list[GroupSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SetFile:
        if self.period.end < self.period.start:
            raise ValueError("giai đoạn (period) kết thúc trước khi bắt đầu")
        seen_c: set[str] = set()
        seen_i: set[str] = set()
        group_ids = [g.id for g in self.commune_groups.groups] if self.commune_groups else []
        for group in self.groups:
            for crit in group.criteria:
                if crit.id in seen_c:
                    raise ValueError(f"mã tiêu chí '{crit.id}' bị trùng")
                seen_c.add(crit.id)
                for ind in crit.indicators:
                    if ind.id in seen_i:
                        raise ValueError(f"mã chỉ tiêu '{ind.id}' bị trùng")
                    seen_i.add(ind.id)
                    if ind.source and ind.source not in self.sources:
                        raise ValueError(f"chỉ tiêu {ind.id}: nguồn '{ind.source}' không có trong sources")
                    problem = group_target_problem(ind.target, group_ids)
                    if problem:
                        raise ValueError(f"chỉ tiêu {ind.id}: {problem}")
        return self


def group_target_problem(target: TargetSpec, group_ids: list[str]) -> str | None:
    """What is wrong with a target's per-group thresholds for a set with ``group_ids``."""
    if not target.by_group:
        return None
    if not group_ids:
        return "mức đạt chuẩn theo nhóm xã (by_group) nhưng bộ tiêu chí không khai báo nhóm xã (commune_groups)"
    if sorted(target.by_group) != sorted(group_ids):
        return f"mức đạt chuẩn theo nhóm xã cần đủ các nhóm {', '.join(group_ids)}, có: {', '.join(target.by_group)}"
    return None


class OverrideTarget(Schema):
    target: TargetSpec
    confidence: Confidence
    placeholder: bool = False
    note: str | None = None
    source: str | None = None


class OverrideFile(Schema):
    kind: Literal["override"]
    id: str
    base: str
    province: str | None = None
    name: str
    basis: str
    confidence: Confidence
    source: str | None = None
    sources: dict[str, SourceSpec] = {}
    village_set: str | None = None
    targets: dict[str, OverrideTarget] = {}


# --- the resolved view ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    op: str
    value: Decimal | None = None
    values: tuple[str, ...] = ()
    by_year: tuple[tuple[int, Decimal], ...] = ()
    by_group: tuple[tuple[str, Target], ...] = ()  # commune group id → that group's target

    @classmethod
    def from_spec(cls, spec: TargetSpec | GroupTargetSpec, op: str | None = None) -> Target:
        op = op or spec.op
        groups = tuple((g, cls.from_spec(t, op)) for g, t in (getattr(spec, "by_group", None) or {}).items())
        return cls(op, spec.value, tuple(spec.values or ()), tuple(sorted((spec.by_year or {}).items())), groups)

    def for_group(self, group: str | None) -> Target:
        """The target of commune group ``group`` (itself when it does not depend on the group)."""
        for gid, target in self.by_group:
            if gid == group:
                return target
        return self

    def threshold(self, year: int | None = None, group: str | None = None) -> Decimal | tuple[str, ...] | None:
        """The number to compare with for ``year`` (the latest listed year not after it) and commune ``group``."""
        if self.by_group and group is not None:
            return self.for_group(group).threshold(year)
        if self.op == "one_of":
            return self.values
        if year is not None and self.by_year:
            earlier = [v for y, v in self.by_year if y <= year]
            if earlier:
                return earlier[-1]
        return self.value

    def text(self, unit: Unit, year: int | None = None, group: str | None = None) -> str:
        """'≥ 70%', '100%', 'Đạt', 'Không', 'một trong: A, B'; per group without a group:
        'nhóm 1: ≥ 100%; nhóm 2: ≥ 80%; nhóm 3: ≥ 70%'."""
        from ..vntext import vn_number

        if self.by_group:
            if group is not None:
                return self.for_group(group).text(unit, year)
            return "; ".join(f"nhóm {g}: {t.text(unit, year)}" for g, t in self.by_group)
        comp = comparator(self.op)
        if self.op in ("dat", "khong"):
            return unit.yes
        if self.op == "one_of":
            return f"{comp.symbol} {', '.join(self.values)}"
        if year is None and len(self.by_year) > 1:
            steps = "; ".join(f"{vn_number(v)} ({y})" for y, v in self.by_year)
            return f"{comp.symbol} {steps}{unit.suffix}".strip()
        number = f"{vn_number(self.threshold(year))}{unit.suffix}"
        return f"{comp.symbol} {number}" if comp.symbol else number


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: Unit
    target: Target
    confidence: str
    placeholder: bool = False
    note: str | None = None
    source: Source | None = None
    overridden_by: str | None = None  # the override's legal basis, when a province changed the target

    @property
    def verified(self) -> bool:
        """Only a target seen in a source may be presented as law."""
        return self.confidence == "V" and not self.placeholder

    @property
    def confidence_text(self) -> str:
        return PLACEHOLDER_TEXT if self.placeholder else CONFIDENCE_TEXT[self.confidence]


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    criteria: tuple[Criterion, ...]

    @property
    def title(self) -> str:
        return f"{self.id}. {self.name}" if self.id else self.name


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    name: str
    short_name: str
    basis: str
    unit_type: str
    period: tuple[int, int]
    groups: tuple[Group, ...]
    confidence: str
    region: str | None = None
    sub_unit_label: str | None = None
    sub_unit_set: str | None = None  # set id the sub-units (villages) are assessed against
    commune_groups: CommuneGroups | None = None
    default: bool = False
    override_id: str | None = None
    override_name: str | None = None
    override_basis: str | None = None
    _indicators: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for g in self.groups for c in g.criteria)

    @property
    def indicators(self) -> dict[str, Indicator]:
        if not self._indicators:
            self._indicators.update((i.id, i) for c in self.criteria for i in c.indicators)
        return self._indicators

    @property
    def display_name(self) -> str:
        """The name to cite: the province's set when an override applies."""
        return self.override_name or self.name

    @property
    def display_basis(self) -> str:
        return f"{self.basis}; {self.override_basis}" if self.override_basis else self.basis


def _source(key: str | None, sources: dict[str, SourceSpec]) -> Source | None:
    if key and key in sources:
        return Source(key, sources[key].title, sources[key].url)
    return None


def resolve_set(spec: SetFile, override: OverrideFile | None = None) -> CriteriaSet:
    """The read-only set, with ``override``'s targets (and their marks) in place."""
    changed = override.targets if override else {}

    def indicator(i: IndicatorSpec) -> Indicator:
        if i.id in changed:
            o = changed[i.id]
            return Indicator(
                i.id, i.name, UNITS[i.unit], Target.from_spec(o.target), o.confidence, o.placeholder,
                o.note, _source(o.source or override.source, override.sources), override.basis,
            )
        return Indicator(i.id, i.name, UNITS[i.unit], Target.from_spec(i.target), i.confidence, i.placeholder,
                         i.note, _source(i.source or spec.source, spec.sources))

    groups = tuple(
        Group(g.id, g.name, tuple(Criterion(c.id, c.name, tuple(indicator(i) for i in c.indicators))
                                  for c in g.criteria))
        for g in spec.groups
    )
    sub = spec.sub_units
    return CriteriaSet(
        id=spec.id, name=spec.name, short_name=spec.short_name, basis=spec.basis, unit_type=spec.unit_type,
        period=(spec.period.start, spec.period.end), groups=groups, confidence=spec.confidence,
        region=spec.region, sub_unit_label=sub.label if sub else None,
        sub_unit_set=(override.village_set if override and override.village_set else (sub.set if sub else None)),
        commune_groups=(resolve_groups(spec.commune_groups, _title(spec.commune_groups.source, spec.sources))
                        if spec.commune_groups else None),
        default=spec.default,
        override_id=override.id if override else None, override_name=override.name if override else None,
        override_basis=override.basis if override else None,
    )


def _title(key: str | None, sources: dict[str, SourceSpec]) -> str | None:
    return sources[key].title if key and key in sources else None
