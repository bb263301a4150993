"""Each commune's yearly implementation plan (kế hoạch thực hiện Chương trình
năm N) from its evaluated assessment — one section per criterion not yet met,
with the gap to its target, tasks, responsible body, deadline and funding — and
the district's table of every commune's plan (communes × tasks, funding).

Tasks, bodies, deadlines and amounts come from the plan settings (defaults per
criterion, overridable per commune); a criterion with none gets one task per
failing indicator, derived from the evaluation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import vntext
from ..criteria.evaluate import CriterionResult, UnitResult
from ..errors import Problem, input_error
from ..models.document import OfficialDocument, document_view
from ..models.plan_input import CriterionPlan, PlanSettings, Task
from ..models.validation import validate
from ..render.tables import Column, Row, TableSpec
from .commune import Composed


@dataclass(frozen=True)
class PlannedTask:
    text: str
    responsible: str
    coordinate: str | None
    deadline: dt.date
    funding: int | None
    source: str


@dataclass(frozen=True)
class Section:
    """One unmet criterion of the plan."""

    criterion: CriterionResult
    tasks: tuple[PlannedTask, ...]
    funding: int
    source: str
    deadline: dt.date

    @property
    def id(self) -> str:
        return self.criterion.criterion.id

    @property
    def name(self) -> str:
        return self.criterion.criterion.name

    @property
    def shortfalls(self) -> list[str]:
        return [i.shortfall for i in self.criterion.failing]


@dataclass(frozen=True)
class CommunePlanFacts:
    result: UnitResult
    settings: PlanSettings
    sections: tuple[Section, ...]

    @property
    def year(self) -> int:
        return self.settings.year

    @property
    def total(self) -> int:
        return sum(s.funding for s in self.sections)

    def by_source(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sections:
            with_amount = [t for t in s.tasks if t.funding]
            if with_amount:
                for t in with_amount:
                    out[t.source] = out.get(t.source, 0) + (t.funding or 0)
            elif s.funding:
                out[s.source] = out.get(s.source, 0) + s.funding
        return out


# --- from settings and evaluation to the plan's facts ---------------------------------------------


def _pick(layers: list[CriterionPlan], name: str) -> Any:
    value = None
    for layer in layers:
        if getattr(layer, name) is not None:
            value = getattr(layer, name)
    return value


def _derived_task(c: CriterionResult) -> list[Task]:
    """One task per failing indicator, stating where it stands and where it must get to."""
    tasks = []
    for i in c.failing:
        ind = i.indicator
        if i.value is None:
            text = f"Rà soát, thu thập số liệu chỉ tiêu {ind.id} ({ind.name}); phấn đấu đạt mức {i.target_text}"
        elif i.gap:
            text = (f"Thực hiện chỉ tiêu {ind.id} ({ind.name}): từ {i.value_text} phấn đấu đạt mức {i.target_text} "
                    f"({i.gap_text})")
        else:
            text = f"Thực hiện chỉ tiêu {ind.id} ({ind.name}): hiện “{i.value_text}”, phấn đấu đạt “{i.target_text}”"
        tasks.append(Task(text=text))
    return tasks


def section_for(c: CriterionResult, settings: PlanSettings, commune: str) -> Section:
    cid = c.criterion.id
    layers = [CriterionPlan(agency=settings.agencies.get(cid))]
    if cid in settings.criteria:
        layers.append(settings.criteria[cid])
    own = settings.communes.get(commune)
    if own is not None and cid in own.criteria:
        layers.append(own.criteria[cid])
    tasks_data = next((layer.tasks for layer in reversed(layers) if layer.tasks), None) or _derived_task(c)
    responsible = _pick(layers, "responsible") or settings.responsible
    agency = _pick(layers, "agency")
    deadline = _pick(layers, "deadline") or settings.default_deadline
    source = _pick(layers, "source") or settings.source
    tasks = tuple(
        PlannedTask(t.text, t.responsible or responsible, t.coordinate or agency, t.deadline or deadline, t.funding,
                    t.source or source)
        for t in tasks_data
    )
    with_amount = [t.funding for t in tasks if t.funding is not None]
    funding = sum(with_amount) if with_amount else (_pick(layers, "funding") or 0)
    return Section(c, tasks, funding, source, deadline)


def plan_for(result: UnitResult, settings: PlanSettings) -> CommunePlanFacts:
    """The plan of ``result``'s commune: exactly its criteria not met, in the set's order."""
    return CommunePlanFacts(result, settings, tuple(section_for(c, settings, result.name) for c in result.missing))


# --- wording --------------------------------------------------------------------------------------


def money(amount: int) -> str:
    """'1.500.000.000 đồng (bằng chữ: Một tỷ năm trăm triệu đồng)'."""
    return f"{vntext.vn_number(amount)} đồng (bằng chữ: {vntext.vn_money_words(amount)})"


def short_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _task_block(t: PlannedTask) -> dict[str, Any]:
    who = f"Chủ trì: {t.responsible}" + (f"; phối hợp: {t.coordinate}" if t.coordinate else "") + "."
    lines: list[Any] = [who, f"Thời hạn hoàn thành: trước ngày {short_date(t.deadline)}."]
    if t.funding:
        lines.append(f"Kinh phí dự kiến: {money(t.funding)}; nguồn vốn: {t.source}.")
    return {"heading": t.text, "content": lines}


def _section_block(s: Section) -> dict[str, Any]:
    content: list[Any] = [
        "Hiện trạng: " + "; ".join(s.shortfalls) + ".",
        f"Mục tiêu: hoàn thành tiêu chí trước ngày {short_date(s.deadline)}.",
        "Nhiệm vụ, giải pháp:",
        *(_task_block(t) for t in s.tasks),
        (f"Kinh phí dự kiến thực hiện tiêu chí: {money(s.funding)}." if s.funding
         else "Kinh phí: lồng ghép trong kinh phí hoạt động thường xuyên của xã, không phát sinh kinh phí riêng."),
    ]
    return {"heading": f"Tiêu chí số {s.id} - {s.name}", "content": content}


def _missing_sentence(plan: CommunePlanFacts) -> str:
    r = plan.result
    text = (f"Theo kết quả rà soát năm {r.year}, {r.label} đạt {r.met_count}/{r.total} tiêu chí theo "
            f"{r.criteria_set.display_name}")
    if not plan.sections:
        return text + "; không còn tiêu chí chưa đạt."
    names = "; ".join(f"tiêu chí số {s.id} ({s.name})" for s in plan.sections)
    return f"{text}; còn {len(plan.sections)} tiêu chí chưa đạt: {names}."


def _villages_sentence(r: UnitResult) -> list[str]:
    if not r.villages:
        return []
    return [f"Số bản đạt chuẩn theo {r.village_set.display_name}: {r.villages_met}/{len(r.villages)} bản."]


def _funding_part(plan: CommunePlanFacts) -> list[Any]:
    if not plan.total:
        return ["Các nhiệm vụ thực hiện bằng kinh phí hoạt động thường xuyên và lồng ghép các chương trình, "
                "không phát sinh kinh phí riêng."]
    return [f"Tổng kinh phí dự kiến: {money(plan.total)}, gồm:",
            {"bullets": [f"{source}: {vntext.vn_number(amount)} đồng" for source, amount in plan.by_source().items()]}]


def _organisation(plan: CommunePlanFacts) -> list[Any]:
    s = plan.settings
    report = "Định kỳ hằng quý và khi kết thúc năm, báo cáo kết quả thực hiện"
    if s.report_to:
        report += f" về {s.report_to}"
        if s.report_by:
            report += f" trước ngày {short_date(s.report_by)}"
    return [
        {"bullets": [
            "Ban Quản lý xây dựng nông thôn mới xã tham mưu Ủy ban nhân dân xã phân công thành viên Ban Chỉ đạo "
            "phụ trách từng tiêu chí, từng bản; theo dõi, đôn đốc tiến độ thực hiện",
            "Các công chức chuyên môn xã chủ trì các nhiệm vụ được giao, phối hợp với các phòng, ban chuyên môn "
            "cấp trên phụ trách tiêu chí",
            "Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức chính trị - xã hội tuyên truyền, vận động Nhân dân "
            "tham gia thực hiện",
            "Ban phát triển các bản tổ chức thực hiện các nội dung trên địa bàn bản",
        ]},
        report + ".",
    ]


def compose_plan(plan: CommunePlanFacts) -> Composed:
    r, s = plan.result, plan.settings
    own = s.communes.get(r.name)
    if own is None or own.signer is None:
        raise input_error(f"Thiếu người ký kế hoạch của {r.label}.",
                          [Problem("tệp thiết lập kế hoạch", f"cần mục communes.{r.name}.signer (authority, title, name)")],
                          hint="Khai báo người ký của từng xã trong tệp thiết lập (--settings).")
    goal = (f"Phấn đấu đến hết năm {plan.year} hoàn thành {len(plan.sections)} tiêu chí còn lại, {r.label} đạt "
            f"{r.total}/{r.total} tiêu chí nông thôn mới." if plan.sections
            else f"Duy trì, nâng cao chất lượng {r.total}/{r.total} tiêu chí đã đạt, bảo đảm tính bền vững.")
    tasks: list[Any] = [_section_block(sec) for sec in plan.sections] or [
        {"heading": "Duy trì, nâng cao chất lượng các tiêu chí đã đạt", "content": [
            "Tiếp tục rà soát, củng cố các chỉ tiêu có kết quả sát mức đạt chuẩn; duy trì phong trào xây dựng "
            "nông thôn mới, cảnh quan môi trường xanh, sạch, đẹp.",
        ]}]
    body: list[Any] = [
        {"part": "Mục đích, yêu cầu", "content": [
            f"Cụ thể hóa các nhiệm vụ, giải pháp thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới "
            f"năm {plan.year} trên địa bàn {r.label}; xác định rõ nhiệm vụ, đơn vị chủ trì, thời hạn hoàn thành và "
            "nguồn lực đối với từng tiêu chí chưa đạt.",
            "Huy động sự vào cuộc của cả hệ thống chính trị và Nhân dân; lồng ghép hiệu quả các nguồn vốn.",
        ]},
        {"part": "Thực trạng", "content": [_missing_sentence(plan), *_villages_sentence(r)]},
        {"part": "Mục tiêu", "content": [goal]},
        {"part": "Nhiệm vụ, giải pháp thực hiện các tiêu chí chưa đạt", "content": tasks},
        {"part": "Kinh phí thực hiện", "content": _funding_part(plan)},
        {"part": "Tổ chức thực hiện", "content": _organisation(plan)},
    ]
    data = {
        "kind": "ke-hoach",
        "issuer": {"name": ["Ủy ban nhân dân", r.label]},
        "number": own.document.number, "symbol": "KH-UBND", "place": r.name, "date": own.document.date,
        "year": None if own.document.date else plan.year,
        "subject": f"Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm {plan.year}",
        "legal_bases": list(s.legal_bases), "body": body, "signer": own.signer.model_dump(),
        "distribution": list(s.distribution), "archive": s.archive,
    }
    doc = validate(OfficialDocument, data, f"kế hoạch năm {plan.year} của {r.label}")
    return Composed("ke_hoach", "ke-hoach", f"Kế hoạch thực hiện Chương trình năm {plan.year} của {r.label}",
                    document_view(doc), doc)


# --- the district's table of plans ------------------------------------------------------------------


SUMMARY_COLUMNS = ("STT", "Xã", "Tiêu chí chưa đạt", "Nhiệm vụ chủ yếu", "Đơn vị chủ trì", "Thời hạn",
                   "Kinh phí dự kiến (đồng)")


def summary_rows(plans: list[CommunePlanFacts]) -> list[tuple[list[Any], str]]:
    """(cells, kind) with kind 'commune', 'task' or 'total' — shared by the DOCX and XLSX tables;
    the last cell is the amount in đồng (an int, or None)."""
    rows: list[tuple[list[str], str]] = []
    for n, p in enumerate(plans, 1):
        r = p.result
        missing = f"{len(p.sections)} tiêu chí ({r.met_count}/{r.total} đạt)" if p.sections else f"Đạt {r.total}/{r.total}"
        rows.append(([str(n), vntext.upper_first(r.label), missing, "" if p.sections else "Duy trì, nâng cao chất lượng",
                      "", "", p.total], "commune"))
        for s in p.sections:
            for k, t in enumerate(s.tasks):
                amount = t.funding if t.funding is not None else (s.funding if k == 0 and not any(
                    x.funding is not None for x in s.tasks) else None)
                rows.append((["", "", f"{s.id}. {s.name}" if k == 0 else "", t.text, t.responsible,
                              short_date(t.deadline), amount or None], "task"))
    total = sum(p.total for p in plans)
    rows.append((["", "Tổng cộng", f"{sum(len(p.sections) for p in plans)} tiêu chí",
                  f"{sum(len(s.tasks) for p in plans for s in p.sections)} nhiệm vụ", "", "",
                  total], "total"))
    return rows


def summary_table(plans: list[CommunePlanFacts]) -> TableSpec:
    widths = (11, 30, 38, 80, 40, 26, 32)
    aligns = ("center", "left", "left", "left", "left", "center", "right")
    columns = tuple(Column(t, w, a) for t, w, a in zip(SUMMARY_COLUMNS, widths, aligns, strict=True))
    rows = tuple(Row((*cells[:-1], vntext.vn_number(cells[-1]) if cells[-1] else ""), bold=kind != "task",
                     shaded=kind == "commune")
                 for cells, kind in summary_rows(plans))
    total = sum(p.total for p in plans)
    notes = (f"Tổng kinh phí dự kiến: {money(total)}.",)
    return TableSpec(columns, rows, font_size=11, notes=notes)


def compose_summary(plans: list[CommunePlanFacts], settings: PlanSettings, where: str | None) -> Composed:
    """The landscape document around the table; ``where`` is 'huyện Tam Đường' or None."""
    sm = settings.summary
    if sm is None:
        raise input_error("Thiếu thông tin văn bản tổng hợp kế hoạch của các xã.",
                          [Problem("tệp thiết lập kế hoạch", "cần mục summary (issuer, place, signer)")])
    year = settings.year
    total = sum(p.total for p in plans)
    unmet = [p for p in plans if p.sections]
    area = f"trên địa bàn {where}" if where else "của các xã"
    body: list[Any] = [
        f"Tổng hợp kế hoạch thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm {year} "
        f"của {len(plans)} xã {area}: {len(unmet)} xã còn tiêu chí chưa đạt với "
        f"{sum(len(p.sections) for p in plans)} tiêu chí, {sum(len(s.tasks) for p in plans for s in p.sections)} "
        f"nhiệm vụ; tổng kinh phí dự kiến {money(total)}. Chi tiết tại bảng dưới đây.",
    ]
    data = {
        "kind": "bao-cao", "issuer": sm.issuer.model_dump(), "number": sm.document.number, "symbol": "BC-UBND",
        "place": sm.place, "date": sm.document.date, "year": None if sm.document.date else year,
        "subject": f"Tổng hợp kế hoạch thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm {year} "
                   f"của các xã",
        "recipients": list(sm.recipients), "body": body, "signer": sm.signer.model_dump(),
        "distribution": list(sm.distribution), "archive": sm.archive,
    }
    doc = validate(OfficialDocument, data, "tệp thiết lập kế hoạch, mục summary")
    view = document_view(doc)
    view["table"] = summary_table(plans)
    return Composed("tong_hop_ke_hoach", "bang-tong-hop", f"Tổng hợp kế hoạch năm {year} của các xã", view, doc)
