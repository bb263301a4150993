"""Commune groups: a set whose targets differ by group of commune (the
2026–2030 set of Decision 51/2025: nhóm 1, 2, 3) declares the groups, the
facts that decide them and the rules, as data (``commune_groups`` in the set
file). This module reads that section and decides a commune's group.

Commune data (YAML keys; the Excel form has the same as rows of sheet
'Thông tin'):

    group: "3"                      # optional: the group as classified ("nhóm 3", 3 also accepted)
    group_facts:                    # optional: the facts that decide it (keys come from the set)
      agriculture_share_pct: 62.5   # tỷ trọng nông nghiệp trong cơ cấu kinh tế (%)
      adjacent_to_urban: false      # liền kề đô thị hiện hữu
      urban_orientation: false      # có định hướng phát triển thành đô thị
      planned_new_urban: false      # được định hướng là đô thị mới
      ethnic_mountain_area: "III"   # khu vực I/II/III vùng đồng bào DTTS và miền núi, or "Không"

The group is derived from the facts by the set's rules (groups tried in the
set's order, the first whose rule holds decides; a group marked
``otherwise`` takes a commune no other group's rule can hold for). A
declared group is used as classified, but one that contradicts the facts is
reported on every output; with neither a group nor enough facts the data is
refused, naming the facts that are missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from ..models.validation import Schema
from .units import UNITS, ValueProblem

# --- the set file's section ------------------------------------------------------------------


class FactSpec(Schema):
    key: str
    label: str
    kind: Literal["pct", "number", "flag", "choice"]
    choices: list[str] = []


class ConditionSpec(Schema):
    fact: str
    op: Literal["<", "<=", ">", ">="] | None = None
    value: Decimal | None = None
    is_: bool | None = Field(default=None, alias="is")
    in_: list[str] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _one_test(self) -> ConditionSpec:
        tests = [self.op is not None, self.is_ is not None, self.in_ is not None]
        if sum(tests) != 1:
            raise ValueError("mỗi điều kiện cần đúng một phép thử: op/value, is hoặc in")
        if self.op is not None and self.value is None:
            raise ValueError(f"điều kiện '{self.op}' cần giá trị (value)")
        return self


class RuleSpec(Schema):
    text: str
    all: list[ConditionSpec] = Field(min_length=1)


class CommuneGroupSpec(Schema):
    id: str
    name: str
    rules: list[RuleSpec] = []
    otherwise: str | None = None  # the text of the fallback rule ("xã không thuộc nhóm 1 và nhóm 3")

    @model_validator(mode="after")
    def _rules_or_otherwise(self) -> CommuneGroupSpec:
        if bool(self.rules) == bool(self.otherwise):
            raise ValueError(f"nhóm '{self.id}': cần hoặc danh sách rules, hoặc otherwise (một trong hai)")
        return self


class CommuneGroupsSpec(Schema):
    confidence: Literal["V", "P", "M", "I"]
    source: str | None = None
    facts: list[FactSpec] = []
    groups: list[CommuneGroupSpec] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> CommuneGroupsSpec:
        keys = {f.key for f in self.facts}
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise ValueError("mã nhóm xã bị trùng")
        if sum(g.otherwise is not None for g in self.groups) > 1:
            raise ValueError("chỉ một nhóm xã được là nhóm còn lại (otherwise)")
        for g in self.groups:
            for rule in g.rules:
                for cond in rule.all:
                    if cond.fact not in keys:
                        raise ValueError(f"nhóm '{g.id}': điều kiện dùng thông tin '{cond.fact}' không có trong facts")
        return self


# --- the resolved view -----------------------------------------------------------------------

FLAG_WORDS = {"có": True, "không": False, "x": True, "đúng": True, "sai": False}


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any) -> Any:
        """The canonical value (Decimal, bool, one of the choices) or None when blank; raises ValueProblem."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if self.kind == "flag":
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word in FLAG_WORDS:
                return FLAG_WORDS[word]
            raise ValueProblem(f"cần 'Có' hoặc 'Không', nhận được '{raw}'")
        if self.kind == "choice":
            text = str(raw).strip()
            for prefix in ("khu vực", "kv"):
                if text.lower().startswith(prefix):
                    text = text[len(prefix):].strip()
            for choice in self.choices:
                if text.lower() == choice.lower():
                    return choice
            raise ValueProblem(f"cần một trong: {', '.join(self.choices)}, nhận được '{raw}'")
        unit = UNITS["pct" if self.kind == "pct" else "count"]
        return unit.parse(raw)

    def text(self, value: Any) -> str:
        from ..vntext import vn_number

        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, Decimal):
            return vn_number(value) + ("%" if self.kind == "pct" else "")
        return str(value)


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str | None
    value: Decimal | None
    is_: bool | None
    in_: tuple[str, ...] | None

    def holds(self, facts: dict[str, Any]) -> bool | None:
        """True, False, or None when the fact is not given."""
        got = facts.get(self.fact)
        if got is None:
            return None
        if self.is_ is not None:
            return got is self.is_
        if self.in_ is not None:
            return got in self.in_
        return {"<": got < self.value, "<=": got <= self.value,
                ">": got > self.value, ">=": got >= self.value}[self.op]


@dataclass(frozen=True)
class Rule:
    text: str
    conditions: tuple[Condition, ...]

    def holds(self, facts: dict[str, Any]) -> bool | None:
        results = [c.holds(facts) for c in self.conditions]
        if False in results:
            return False
        return None if None in results else True


@dataclass(frozen=True)
class CommuneGroup:
    id: str
    name: str
    rules: tuple[Rule, ...]
    otherwise: str | None


@dataclass(frozen=True)
class CommuneGroups:
    groups: tuple[CommuneGroup, ...]
    facts: tuple[Fact, ...]
    confidence: str
    source_title: str | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.groups)

    def get(self, group_id: str) -> CommuneGroup:
        return next(g for g in self.groups if g.id == group_id)

    def fact(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)

    @property
    def ordered_ids(self) -> list[str]:
        """The group ids in their natural order ('2' before '10')."""
        return sorted(self.ids, key=lambda g: (len(g), g))

    @property
    def listed(self) -> str:
        """'1, 2, 3' — the group ids in order, for messages."""
        return ", ".join(self.ordered_ids)

    def normalise(self, raw: Any) -> str | None:
        """'nhóm 3', 3, '3' → '3'; None if it names no group of the set."""
        text = str(raw).strip()
        if text.lower().startswith("nhóm"):
            text = text[4:].strip()
        return text if text in self.ids else None


def parse_facts(groups: CommuneGroups, raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The facts with canonical values (blank ones left out), and (key, problem) for the wrong ones."""
    facts: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    known = ", ".join(f.key for f in groups.facts)
    for key, value in raw.items():
        fact = groups.fact(str(key))
        if fact is None:
            problems.append((str(key), f"không có thông tin xác định nhóm xã '{key}'; chỉ nhận: {known}"))
            continue
        try:
            parsed = fact.parse(value)
        except ValueProblem as exc:
            problems.append((fact.key, f"{fact.label}: {exc}"))
            continue
        if parsed is not None:
            facts[fact.key] = parsed
    return facts, problems


def resolve_groups(spec: CommuneGroupsSpec, source_title: str | None) -> CommuneGroups:
    facts = tuple(Fact(f.key, f.label, f.kind, tuple(f.choices)) for f in spec.facts)
    groups = tuple(
        CommuneGroup(g.id, g.name, tuple(
            Rule(r.text, tuple(Condition(c.fact, c.op, c.value, c.is_, tuple(c.in_) if c.in_ is not None else None)
                               for c in r.all))
            for r in g.rules), g.otherwise)
        for g in spec.groups
    )
    return CommuneGroups(groups, facts, spec.confidence, source_title)


# --- deciding a commune's group --------------------------------------------------------------

BY_DECLARED = "khai báo"
BY_FACTS = "số liệu"


@dataclass(frozen=True)
class GroupDecision:
    """The group a commune is assessed in, and why."""

    group_id: str
    group_name: str
    by: str  # BY_DECLARED or BY_FACTS: what the group used comes from
    reason: str  # "tỷ trọng nông nghiệp trong cơ cấu kinh tế dưới 10% (7,5%)"
    declared: str | None = None
    derived: str | None = None
    contradiction: str | None = None  # a declared group the facts contradict
    notes: tuple[str, ...] = ()  # overlaps, facts too few to check a declared group

    @property
    def text(self) -> str:
        """'Nhóm 3 (xã khu vực II hoặc khu vực III …: III)' — the line reports print."""
        return f"{self.group_name} ({self.reason})"

    @property
    def warnings(self) -> tuple[str, ...]:
        return ((self.contradiction,) if self.contradiction else ()) + self.notes


class GroupUndecided(ValueError):
    """Neither a declared group nor facts enough to decide one (the text is Vietnamese)."""


def _because(rule: Rule, groups: CommuneGroups, facts: dict[str, Any]) -> str:
    shown = []
    for cond in rule.conditions:
        fact = groups.fact(cond.fact)
        shown.append(fact.text(facts[cond.fact]) if fact else str(facts[cond.fact]))
    return f"{rule.text}: {', '.join(shown)}"


def derive(groups: CommuneGroups, facts: dict[str, Any]) -> tuple[str | None, str, list[str], list[str]]:
    """(group id or None, the reason, overlap notes, facts missing) from ``facts`` alone."""
    matched: list[tuple[CommuneGroup, Rule]] = []
    unknown: list[Rule] = []
    for group in groups.groups:
        for rule in group.rules:
            held = rule.holds(facts)
            if held:
                matched.append((group, rule))
                break
            if held is None:
                unknown.append(rule)
    if matched:
        group, rule = matched[0]
        notes = [f"Xã cũng thỏa điều kiện {g.name.lower()} ({r.text}); văn bản không nói rõ nhóm nào được ưu tiên, "
                 f"phần mềm chọn {group.name.lower()} theo thứ tự của bộ tiêu chí — cần kiểm tra lại (chưa xác minh)"
                 for g, r in matched[1:]]
        return group.id, _because(rule, groups, facts), notes, []
    if unknown:
        missing = sorted({c.fact for r in unknown for c in r.conditions if facts.get(c.fact) is None},
                         key=[f.key for f in groups.facts].index)
        return None, "", [], missing
    rest = next((g for g in groups.groups if g.otherwise), None)
    if rest is None:
        return None, "", [], []
    return rest.id, rest.otherwise, [], []


def decide(groups: CommuneGroups, declared: str | None, facts: dict[str, Any]) -> GroupDecision:
    """The commune's group from its declared group and/or its facts; raises GroupUndecided."""
    derived, reason, notes, missing = derive(groups, facts) if facts else (None, "", [], [])
    if declared is None:
        if derived is None:
            labels = [groups.fact(k).label for k in missing] or [f.label for f in groups.facts]
            raise GroupUndecided(
                "chưa xác định được nhóm xã: khai báo nhóm (group: " + groups.listed + ") hoặc ghi đủ các "
                "thông tin xác định nhóm (group_facts) — còn thiếu: " + "; ".join(labels))
        g = groups.get(derived)
        return GroupDecision(derived, g.name, BY_FACTS, reason, None, derived, None, tuple(notes))
    g = groups.get(declared)
    if derived is None:
        note = ("chưa có số liệu để đối chiếu nhóm khai báo" if not facts else
                "số liệu chưa đủ để đối chiếu nhóm khai báo (còn thiếu: "
                + "; ".join(groups.fact(k).label for k in missing) + ")")
        return GroupDecision(declared, g.name, BY_DECLARED, f"theo khai báo; {note}", declared, None, None, tuple(notes))
    if derived == declared:
        return GroupDecision(declared, g.name, BY_DECLARED, f"theo khai báo, khớp với số liệu: {reason}",
                             declared, derived, None, tuple(notes))
    other = groups.get(derived)
    contradiction = (f"Nhóm xã khai báo ({g.name.lower()}) trái với số liệu: theo số liệu là {other.name.lower()} "
                     f"({reason}); kết quả đánh giá theo nhóm khai báo — cần kiểm tra lại việc phân nhóm")
    return GroupDecision(declared, g.name, BY_DECLARED, "theo khai báo, trái với số liệu", declared, derived,
                         contradiction, tuple(notes))
