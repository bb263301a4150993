"""Merging the assessment data of communes that became one (two-level
government, 1/7/2025): counts summed, rates recomputed from numerators and
denominators, per-person amounts weighted by population, yes/no facts
combined so that the weakest decides. What cannot be derived is listed, to
be collected again; every value says where it came from.

The result is written as a commune data file (YAML) by :mod:`.merge_write`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import Problem, input_error
from ..models.assessment import Assessment
from ..vntext.numbers import plain_number
from .units import FLAG, NUMBER

# unit codes summed as they are, and those per person (weighted by population)
SUMMED = ("count",)
PER_PERSON = ("trieu_dong_nguoi", "m2_nguoi")


@dataclass(frozen=True)
class Predecessor:
    path: Path
    assessment: Assessment

    @property
    def label(self) -> str:
        return f"{self.assessment.commune.type} {self.assessment.commune.name} ({self.path.name})"


@dataclass
class MergedValue:
    entry: dict[str, Any]  # the indicator entry written (numerator/denominator or value)
    origin: str  # where it came from, in Vietnamese (a YAML comment)


@dataclass
class Merged:
    name: str
    code: str
    unit_type: str
    province: str | None
    year: int
    criteria_set: str
    override: str | None
    sample: bool
    predecessors: list[Predecessor]
    facts: dict[str, Any] = field(default_factory=dict)
    facts_origin: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, MergedValue] = field(default_factory=dict)
    collect_again: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    villages: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _same(preds: list[Predecessor], attr: str, label: str) -> list[Problem]:
    values = {getattr(p.assessment, attr) for p in preds}
    if len(values) <= 1:
        return []
    listing = "; ".join(f"{p.path}: {getattr(p.assessment, attr) or '(không ghi)'}" for p in preds)
    return [Problem("", f"các xã tiền thân khác nhau về {label}: {listing}")]


def check_inputs(preds: list[Predecessor]) -> None:
    """Same year, same criteria set and override, no commune twice, at least two communes."""
    problems: list[Problem] = []
    if len(preds) < 2:
        problems.append(Problem("", "cần ít nhất hai tệp số liệu của các xã tiền thân"))
    problems += _same(preds, "year", "năm số liệu")
    problems += _same(preds, "criteria_set", "bộ tiêu chí")
    problems += _same(preds, "override", "quyết định điều chỉnh của tỉnh (override)")
    seen: dict[tuple[str, str], Path] = {}
    paths: dict[Path, Path] = {}
    for p in preds:
        real = p.path.resolve()
        if real in paths:
            problems.append(Problem(str(p.path), "tệp được ghi hai lần"))
            continue
        paths[real] = p.path
        c = p.assessment.commune
        key = ("code", c.code) if c.code else ("name", f"{c.type} {c.name}".casefold())
        if key in seen:
            problems.append(Problem(str(p.path), f"{c.type} {c.name} đã có trong {seen[key]} (một xã ghi hai lần)"))
        seen.setdefault(key, p.path)
    if problems:
        raise input_error("Không hợp nhất được số liệu các xã tiền thân.", problems)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _num(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _plain(value: Decimal | float | int) -> int | float:
    return plain_number(_num(value))


def merge_rate(key: str, preds: list[Predecessor]) -> MergedValue:
    entries = [(p, p.assessment.indicators[key]) for p in preds]
    num = sum(_num(e.numerator) for _, e in entries)
    den = sum(_num(e.denominator) for _, e in entries)
    parts = "; ".join(f"{p.label}: {_plain(e.numerator)}/{_plain(e.denominator)}" for p, e in entries)
    return MergedValue({"numerator": _plain(num), "denominator": _plain(den)},
                       f"tổng tử số / tổng mẫu số — {parts}")


def merge_per_person(key: str, preds: list[Predecessor], populations: list[int]) -> MergedValue:
    values = [_num(p.assessment.indicators[key].value) for p in preds]
    total = sum(populations)
    merged = (sum(v * n for v, n in zip(values, populations, strict=True)) / total).quantize(Decimal("0.01"))
    parts = "; ".join(f"{p.label}: {_plain(v)} × {n} người" for p, v, n in zip(preds, values, populations, strict=True))
    return MergedValue({"value": _plain(merged.normalize())}, f"bình quân theo dân số — {parts}")


def merge_sum(key: str, preds: list[Predecessor]) -> MergedValue:
    values = [_num(p.assessment.indicators[key].value) for p in preds]
    parts = "; ".join(f"{p.label}: {_plain(v)}" for p, v in zip(preds, values, strict=True))
    return MergedValue({"value": _plain(sum(values))}, f"cộng — {parts}")


def merge_flag(key: str, preds: list[Predecessor], good: str) -> MergedValue:
    values = [str(p.assessment.indicators[key].value) for p in preds]
    weakest = next((v for v in values if v != good), good)
    parts = "; ".join(f"{p.label}: {v}" for p, v in zip(preds, values, strict=True))
    rule = "mọi xã tiền thân đều đạt" if weakest == good else "xã tiền thân yếu nhất quyết định"
    return MergedValue({"value": weakest}, f"{rule} — {parts}")


def merge(preds: list[Predecessor], cset, *, name: str, code: str, unit_type: str = "xã",
          recollect: bool = False) -> Merged:
    """The merged commune's data. ``recollect``: a rate given only as a percentage is
    listed to collect again instead of refusing the merge."""
    check_inputs(preds)
    first = preds[0].assessment
    provinces = {p.assessment.province for p in preds}
    out = Merged(name, code, unit_type, next(iter(provinces)) if len(provinces) == 1 else None, first.year,
                 first.criteria_set, first.override, any(p.assessment.sample_data for p in preds), preds)
    if len(provinces) > 1:
        out.collect_again.append(("province", "các xã tiền thân thuộc nhiều tỉnh: ghi lại tỉnh"))
    _merge_facts(out, preds)
    refused: list[Problem] = []
    populations = [p.assessment.facts.population for p in preds]
    for criterion in cset.criteria:
        for ind in criterion.indicators:
            _merge_indicator(out, ind, preds, populations, recollect, refused)
    if refused:
        raise input_error("Không hợp nhất được: chỉ tiêu tỷ lệ chỉ có số phần trăm, không có tử số và mẫu số.",
                          refused, hint="Ghi tử số (numerator) và mẫu số (denominator) cho các chỉ tiêu trên trong "
                                        "tệp của xã tiền thân, hoặc dùng --thu-thap-lai để đưa chúng vào danh sách "
                                        "cần thu thập lại.")
    if getattr(cset, "commune_groups", None) is not None:
        out.collect_again.append(("nhóm xã", "nhóm của xã mới được xác định lại từ các yếu tố của xã mới "
                                             "(group_facts), không suy ra từ nhóm của các xã cũ"))
    for p in preds:
        for v in p.assessment.villages:
            out.villages.append(v.model_dump(exclude_none=True, exclude_defaults=True, mode="json"))
    if any(p.assessment.criteria_self_assessment or any(e.self_assessment for e in p.assessment.indicators.values())
           for p in preds):
        out.collect_again.append(("tự đánh giá", "kết quả tự đánh giá của các xã cũ không chuyển sang xã mới: "
                                                "xã mới tự đánh giá lại"))
    return out


def _merge_indicator(out: Merged, ind, preds: list[Predecessor], populations, recollect: bool,
                     refused: list[Problem]) -> None:
    key, unit = ind.id, ind.unit
    missing = [p for p in preds if key not in p.assessment.indicators
               or p.assessment.indicators[key].value is None]
    if missing:
        out.collect_again.append((key, "thiếu số liệu ở " + ", ".join(p.label for p in missing)))
        return
    if unit.code == "pct":
        only_pct = [p for p in preds if p.assessment.indicators[key].numerator is None]
        if not only_pct:
            out.indicators[key] = merge_rate(key, preds)
        elif recollect:
            out.collect_again.append((key, "tỷ lệ %, không có tử số và mẫu số ở " + ", ".join(p.label for p in only_pct)))
        else:
            refused += [Problem(str(p.path), f"chỉ tiêu {key} ({_short(ind.name)}) chỉ có tỷ lệ "
                                             f"{_plain(p.assessment.indicators[key].value)}%") for p in only_pct]
    elif unit.kind == FLAG:
        out.indicators[key] = merge_flag(key, preds, unit.yes)
    elif unit.kind == NUMBER and unit.code in SUMMED:
        out.indicators[key] = merge_sum(key, preds)
    elif unit.kind == NUMBER and unit.code in PER_PERSON and all(populations):
        out.indicators[key] = merge_per_person(key, preds, populations)
    elif unit.kind == NUMBER and unit.code in PER_PERSON:
        out.collect_again.append((key, "bình quân đầu người: cần dân số (facts.population) của mọi xã tiền thân"))
    else:
        out.collect_again.append((key, f"không suy ra được từ số liệu các xã cũ ({unit.label or 'nội dung bằng chữ'})"))


def _merge_facts(out: Merged, preds: list[Predecessor]) -> None:
    for name in ("area_km2", "population", "households", "villages"):
        values = [getattr(p.assessment.facts, name) for p in preds]
        if all(v is not None for v in values):
            total = sum(_num(v) for v in values)
            out.facts[name] = _plain(total)
            out.facts_origin[name] = "cộng — " + "; ".join(f"{p.label}: {_plain(v)}" for p, v in zip(preds, values, strict=True))
        elif any(v is not None for v in values):
            out.collect_again.append((f"facts.{name}", "thiếu ở " + ", ".join(
                p.label for p, v in zip(preds, values, strict=True) if v is None)))
    groups = list(dict.fromkeys(g for p in preds for g in p.assessment.facts.ethnic_groups))
    if groups:
        out.facts["ethnic_groups"] = groups
        out.facts_origin["ethnic_groups"] = "hợp các dân tộc của các xã tiền thân"
