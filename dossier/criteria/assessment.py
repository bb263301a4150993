"""Loading a unit's assessment from YAML/JSON or from the clerks' Excel form,
and checking it against the criteria catalogue: unknown or missing indicator
ids, values that do not fit the unit, legacy-encoded text.

Every problem is collected and raised as one :class:`DossierError` whose
problems name the place: "file, trường indicators.2.2.value" for data files,
"Sheet 'Tiêu chí', ô E23" for workbooks. Warnings (legacy text converted) are
appended to the caller's list; nothing is printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import DossierError, Problem, input_error
from ..load.files import load_mapping
from ..load.text import fix_text
from ..models.assessment import Assessment, IndicatorEntry, VillageAssessment
from ..models.validation import _message as _pydantic_message  # the project's one message table
from .catalogue import CriteriaSet
from .groups import GroupUndecided, decide, parse_facts
from .registry import Registry, registry
from .units import ValueProblem

Path_ = tuple[Any, ...]
Locate = Callable[[Path_], str]

def field_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def file_locator(source: str) -> Locate:
    """Places in a YAML/JSON file: 'file, trường indicators.2.2.value'."""
    return lambda path: f"{source}, trường {field_path(path)}" if path else source


def validate_located(data: dict[str, Any], locate: Locate, source: str) -> Assessment:
    """Validate the shape; problems are placed with ``locate`` (cells for workbooks)."""
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(locate(tuple(p for p in err["loc"] if not str(p).startswith("function-"))),
                    _pydantic_message(err))
            for err in exc.errors()
        ]
        raise input_error(f"Dữ liệu đánh giá trong {source} không hợp lệ ({len(problems)} lỗi):", problems) from None


class _Checker:
    def __init__(self, locate: Locate, warnings: list[Problem]):
        self.locate = locate
        self.warnings = warnings
        self.problems: list[Problem] = []

    def problem(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.locate(path), message))

    def entries(self, entries: dict[str, IndicatorEntry], cset: CriteriaSet, path: Path_) -> dict[str, IndicatorEntry]:
        for key in entries:
            if key not in cset.indicators:
                self.problem((*path, key), f"không có chỉ tiêu '{key}' trong {cset.display_name}")
        out = {}
        for key, ind in cset.indicators.items():
            if key not in entries:
                self.problem((*path, key), f"thiếu số liệu chỉ tiêu {key} ({_short(ind.name)})")
                continue
            out[key] = self.entry(entries[key], ind, (*path, key))
        return out

    def entry(self, entry: IndicatorEntry, ind, path: Path_) -> IndicatorEntry:
        unit = ind.unit
        if entry.unit is not None and entry.unit not in (unit.code, unit.label, *unit.spellings):
            self.problem((*path, "unit"), f"sai đơn vị: chỉ tiêu {ind.id} tính bằng {unit.label}, nhận được '{entry.unit}'")
        value = entry.value
        if entry.numerator is not None or entry.denominator is not None:
            value = self.rate(entry, unit, path)
            if value is None:
                return entry
        elif value is None or (isinstance(value, str) and not value.strip()):
            self.problem((*path, "value"), f"chưa có giá trị (cần {unit.expect})")
            return entry
        try:
            value = unit.parse(value)
        except ValueProblem as exc:
            self.problem((*path, "value"), str(exc))
            return entry
        evidence = fix_text(entry.evidence, self.locate((*path, "evidence")), self.warnings)
        return entry.model_copy(update={"value": value, "evidence": evidence, "unit": None})

    def rate(self, entry: IndicatorEntry, unit, path: Path_) -> Decimal | None:
        if unit.code != "pct":
            self.problem((*path, "numerator"), "chỉ tiêu tỷ lệ (%) mới ghi được tử số và mẫu số")
            return None
        if entry.numerator is None or entry.denominator is None:
            self.problem((*path, "denominator" if entry.denominator is None else "numerator"),
                         "cần ghi đủ cả tử số (numerator) và mẫu số (denominator)")
            return None
        if entry.numerator > entry.denominator:
            self.problem((*path, "numerator"), f"tử số {entry.numerator:g} lớn hơn mẫu số {entry.denominator:g}")
            return None
        rate = (Decimal(str(entry.numerator)) * 100 / Decimal(str(entry.denominator))).quantize(Decimal("0.01"))
        if entry.value is not None:
            try:
                given = unit.parse(entry.value)
            except ValueProblem as exc:
                self.problem((*path, "value"), str(exc))
                return None
            if abs(given - rate) > Decimal("0.05"):
                self.problem((*path, "value"), f"giá trị {given}% không khớp với tử số/mẫu số ({rate}%)")
                return None
            return given
        return rate

    def self_assessed(self, ids: dict[str, str], cset: CriteriaSet) -> None:
        known = {c.id for c in cset.criteria}
        for key in ids:
            if key not in known:
                self.problem(("criteria_self_assessment", key), f"không có tiêu chí '{key}' trong {cset.display_name}")


    def group(self, assessment: Assessment, cset: CriteriaSet) -> tuple[str | None, dict[str, Any]]:
        """The declared group (normalised) and the group facts (canonical), checked against the set."""
        groups = cset.commune_groups
        if groups is None:
            if assessment.group is not None or assessment.group_facts:
                self.warnings.append(Problem(self.locate(("group",)), f"{cset.display_name} không phân nhóm xã; "
                                                                      "nhóm xã và thông tin xác định nhóm được bỏ qua"))
            return None, {}
        declared = None
        if assessment.group is not None:
            declared = groups.normalise(assessment.group)
            if declared is None:
                self.problem(("group",), f"không có nhóm xã '{assessment.group}' trong {cset.display_name}; "
                                         f"chỉ nhận: {groups.listed}")
                return None, {}
        facts, problems = parse_facts(groups, assessment.group_facts)
        for key, message in problems:
            self.problem(("group_facts", key), message)
        if problems:
            return declared, facts
        try:
            decide(groups, declared, facts)
        except GroupUndecided as exc:
            self.problem(("group",), str(exc))
        return declared, facts


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_assessment(assessment: Assessment, source: str, locate: Locate, warnings: list[Problem],
                     sets: Registry | None = None) -> Assessment:
    """The assessment with canonical values, after checking it against its criteria set."""
    sets = sets or registry()
    check = _Checker(locate, warnings)
    set_id = assessment.criteria_set
    if set_id is None:
        try:
            set_id = sets.choose(assessment.year, assessment.commune.type)
        except DossierError as exc:
            raise input_error(f"Dữ liệu đánh giá trong {source}, năm {assessment.year}: {exc.message}",
                              exc.problems, exc.hint) from None
    try:
        cset = sets.get(set_id, assessment.override)
    except DossierError as exc:
        raise input_error(f"Dữ liệu đánh giá trong {source} không hợp lệ:",
                          [Problem(locate(("criteria_set",)), f"{exc.message} {exc.hint or ''}".strip())]) from None
    indicators = check.entries(assessment.indicators, cset, ("indicators",))
    check.self_assessed(assessment.criteria_self_assessment, cset)
    group, group_facts = check.group(assessment, cset)
    villages = check_villages(assessment, cset, check, sets)
    commune = assessment.commune.model_copy(
        update={"name": fix_text(assessment.commune.name, locate(("commune", "name")), warnings)})
    if check.problems:
        raise input_error(f"Dữ liệu đánh giá trong {source} có {len(check.problems)} lỗi:", check.problems)
    return assessment.model_copy(update={"commune": commune, "indicators": indicators, "villages": villages,
                                         "village_set": village_set_id(assessment, cset), "criteria_set": set_id,
                                         "group": group, "group_facts": group_facts})


def village_set_id(assessment: Assessment, cset: CriteriaSet) -> str | None:
    return assessment.village_set or cset.sub_unit_set


def check_villages(assessment: Assessment, cset: CriteriaSet, check: _Checker, sets: Registry) -> list[VillageAssessment]:
    if not assessment.villages:
        return []
    vset_id = village_set_id(assessment, cset)
    if vset_id is None:
        check.problem(("village_set",), "có số liệu thôn, bản nhưng chưa chọn bộ tiêu chí thôn, bản (village_set)")
        return list(assessment.villages)
    try:
        vset = sets.get(vset_id)
    except DossierError as exc:
        check.problem(("village_set",), exc.message)
        return list(assessment.villages)
    seen: dict[str, int] = {}
    out = []
    for n, village in enumerate(assessment.villages):
        name = fix_text(village.name, check.locate(("villages", n, "name")), check.warnings)
        if name.lower() in seen:
            check.problem(("villages", n, "name"), f"thôn, bản '{name}' bị trùng (đã có ở vị trí {seen[name.lower()] + 1})")
        seen.setdefault(name.lower(), n)
        entries = check.entries(village.indicators, vset, ("villages", n, "indicators"))
        out.append(village.model_copy(update={"name": name, "indicators": entries}))
    return out


# --- one entry point for every format -------------------------------------------------------


def _from_data_file(path: Path, warnings: list[Problem]) -> Assessment:
    source = str(path)
    locate = file_locator(source)
    return check_assessment(validate_located(load_mapping(path), locate, source), source, locate, warnings)


def _from_workbook(path: Path, warnings: list[Problem]) -> Assessment:
    from ..load.xlsx import read_form

    data, locate = read_form(path, warnings)
    source = str(path)
    return check_assessment(validate_located(data, locate, source), source, locate, warnings)


LOADERS: dict[str, Callable[[Path, list[Problem]], Assessment]] = {
    ".yaml": _from_data_file,
    ".yml": _from_data_file,
    ".json": _from_data_file,
    ".xlsx": _from_workbook,
    ".xlsm": _from_workbook,
}


def load_assessment(path: str | os.PathLike[str], warnings: list[Problem] | None = None) -> Assessment:
    """Read a unit's assessment from YAML/JSON or a filled Excel form (by extension).

    Returns the checked assessment with canonical values; raises one
    DossierError listing every problem. Warnings go to ``warnings`` if given.
    """
    path = Path(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise input_error(f"Không đọc được {path}: dữ liệu đánh giá phải là tệp .yaml, .yml, .json hoặc .xlsx.")
    from ..load.parsed import cached  # the same bytes were read and checked before: not again

    return cached(path, warnings if warnings is not None else [], loader)
