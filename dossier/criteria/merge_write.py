"""``dossier merge-communes``: read the predecessors' data files, merge them
(:mod:`.merge`) and write the merged commune's data file, every value with a
comment saying where it came from and a list of what must be collected
again. Nothing is written when any input is wrong."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, input_error
from .merge import Merged, Predecessor, merge


FOR_THE_CLERK = ("tự đánh giá", "nhóm xã")  # collect-again entries the clerk fills in, not indicators
NOT_INDICATORS = ("province", *FOR_THE_CLERK)  # collect-again entries that are not indicators


@dataclass(frozen=True)
class MergeResult:
    output: Path
    merged: Merged
    warnings: list[str]


def _q(value: Any) -> str:
    """A YAML scalar: numbers bare, text double-quoted (JSON quoting is valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _flow(entry: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_q(v)}" for k, v in entry.items()) + "}"


def render_yaml(m: Merged) -> str:
    names = ", ".join(p.label for p in m.predecessors)
    lines = [
        f"# Số liệu {m.unit_type} {m.name} (mã {m.code}) hợp nhất từ số liệu năm {m.year} của các đơn vị tiền thân:",
        f"# {names}.",
        "# Tạo bằng `dossier merge-communes`: số đếm được cộng; tỷ lệ tính lại từ tổng tử số / tổng mẫu số;",
        "# bình quân đầu người tính theo dân số; chỉ tiêu có/không lấy theo đơn vị tiền thân yếu nhất.",
        "# Chú thích cuối mỗi dòng ghi nguồn của giá trị.",
    ]
    if m.collect_again:
        lines.append("# CẦN THU THẬP LẠI (không suy ra được từ số liệu các đơn vị cũ):")
        lines += [f"#   - {_comment(what)}: {_comment(why)}" for what, why in m.collect_again]
    if m.sample:
        lines.append("# DỮ LIỆU MẪU, không phải số liệu chính thức.")
        lines.append("sample_data: true")
    note = f"Hợp nhất từ số liệu năm {m.year} của {names}" + (" (dữ liệu mẫu)" if m.sample else "")
    lines += [f"note: {_q(note)}",
              f"commune: {{name: {_q(m.name)}, code: {_q(m.code)}, type: {_q(m.unit_type)}}}"]
    if m.province:
        lines.append(f"province: {_q(m.province)}")
    lines += [f"year: {m.year}", f"criteria_set: {m.criteria_set}"]
    if m.override:
        lines.append(f"override: {m.override}")
    if m.facts:
        lines.append("facts:")
        for key, value in m.facts.items():
            shown = "[" + ", ".join(_q(v) for v in value) + "]" if isinstance(value, list) else _q(value)
            lines.append(f"  {key}: {shown}  # {_comment(m.facts_origin[key])}")
    lines.append("indicators:")
    again = dict(m.collect_again)
    for key, mv in m.indicators.items():
        entry = {**mv.entry, "evidence": f"Hợp nhất từ số liệu năm {m.year} của các đơn vị tiền thân"}
        lines.append(f"  {_q(key)}: {_flow(entry)}  # {_comment(mv.origin)}")
    for key, why in again.items():
        if key not in m.indicators and not key.startswith("facts.") and key not in NOT_INDICATORS:
            lines.append(f"  # {_q(key)}: CẦN THU THẬP LẠI — {_comment(why)}")
    if m.villages:
        lines.append("# Các thôn, bản giữ nguyên số liệu của đơn vị tiền thân.")
        lines.append(yaml.safe_dump({"villages": m.villages}, allow_unicode=True, sort_keys=False,
                                    default_flow_style=None, width=120).rstrip())
    return "\n".join(lines) + "\n"


def _check_against_units(m: Merged, warnings: list[str]) -> None:
    """When the unit data knows the merged unit, its predecessors must be the files given."""
    from ..units import bundled_units

    units = bundled_units()
    known = [u for u in units.units if u.code == m.code and u.row.predecessors]
    if not known:
        warnings.append(f"Mã {m.code} không có trong dữ liệu đơn vị hành chính (dossier/units): "
                        "không đối chiếu được danh sách đơn vị tiền thân.")
        return
    unit = known[-1]
    if unit.name.casefold() != m.name.casefold():
        raise input_error(f"Mã {m.code} là {unit.full_name} trong dữ liệu đơn vị hành chính, không phải «{m.name}».",
                          [Problem(unit.source, f"đơn vị mã {m.code}")])
    expected = {(p.code, p.name.casefold()) for p in units.predecessors(unit)}
    given = {p.assessment.commune.code for p in m.predecessors}
    given_names = {p.assessment.commune.name.casefold() for p in m.predecessors}
    absent = [p for p in units.predecessors(unit) if p.code not in given and p.name.casefold() not in given_names]
    if absent:
        warnings.append(f"Chưa có số liệu của {', '.join(p.full_name for p in absent)} (tiền thân của "
                        f"{unit.full_name}): tổng chỉ gồm các đơn vị đã đưa vào.")
    extra = [p for p in m.predecessors if (p.assessment.commune.code, p.assessment.commune.name.casefold())
             not in expected and p.assessment.commune.name.casefold() not in {n for _, n in expected}]
    if extra:
        raise input_error(f"Một số đơn vị không phải tiền thân của {unit.full_name}.",
                          [Problem(str(p.path), p.label) for p in extra],
                          hint=f"Tiền thân theo dữ liệu: {', '.join(p.full_name for p in units.predecessors(unit))}.")


def merge_communes(files: list[Path], into: str, code: str, output: Path, *, unit_type: str = "xã",
                   recollect: bool = False) -> MergeResult:
    """Read, check, merge and write; the output is checked by reading it back before it is published."""
    from ..files import write_text
    from .assessment import check_assessment, file_locator, validate_located
    from .assessment import load_assessment
    from .registry import criteria_set
    from ..load.files import clean_tree, load_yaml_text

    files = [Path(f) for f in files]
    preds = [Predecessor(f, load_assessment(f)) for f in files]
    first = preds[0].assessment
    merged = merge(preds, criteria_set(first.criteria_set, first.override), name=into.strip(), code=str(code).strip(),
                   unit_type=unit_type, recollect=recollect)
    warnings: list[str] = []
    _check_against_units(merged, warnings)
    text = render_yaml(merged)
    if not any(k for k, _ in merged.collect_again if k not in FOR_THE_CLERK):
        source = str(output)
        locate = file_locator(source)
        check_assessment(validate_located(clean_tree(load_yaml_text(text), source=source), locate, source),
                         source, locate, [])
    write_text(output, text)
    return MergeResult(Path(output), merged, warnings)
