"""The district's documents to the province (Decision 18/2022/QĐ-TTg):
the tờ trình asking to appraise and recognise the communes, and the
appraisal report (báo cáo thẩm tra) with its table of verified results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import vntext
from ..models.district_input import DistrictDossierInput
from ..models.document import OfficialDocument, document_view
from ..models.dossier_input import CommuneDossierInput
from ..models.validation import validate
from ..render.tables import Column, Row, TableSpec
from .commune import Composed, _debt_sentence, _survey, _vote
from .facts import CommuneFacts
from .phrases import cap, cite


@dataclass(frozen=True)
class CommuneCase:
    """One commune proposed by the district: its dossier input, facts and report context."""

    input: CommuneDossierInput
    facts: CommuneFacts
    context: dict[str, Any]  # dossier.report.context.assessment_context


def _names(cases: list[CommuneCase]) -> str:
    return ", ".join(c.facts.unit for c in cases)


def _year(cases: list[CommuneCase]) -> int:
    return cases[0].facts.year


def _ref(inp: DistrictDossierInput, key: str) -> dict[str, Any]:
    ref = inp.documents.get(key)
    return {"number": ref.number if ref else None, "date": ref.date if ref else None}


def _doc(inp: DistrictDossierInput, key: str, kind: str, abbr: str, subject: str, body: list[Any],
         cases: list[CommuneCase], **extra: Any) -> OfficialDocument:
    ref = _ref(inp, key)
    data = {
        "kind": kind, "issuer": inp.issuer.model_dump(), "symbol": f"{abbr}-UBND", "place": inp.place,
        **ref, "year": None if ref["date"] else _year(cases), "subject": subject, "recipients": [inp.recipient],
        "body": body, "signer": inp.signer.model_dump(), "distribution": list(inp.distribution),
        "archive": inp.archive, **extra,
    }
    return validate(OfficialDocument, data, f"hồ sơ huyện ({key})")


def _qualifies(case: CommuneCase) -> bool:
    return case.facts.all_met and sum(p.owed for p in case.input.debts.projects) == 0


def _cite(inp: DistrictDossierInput, key: str, symbol: str, year: int) -> str:
    return cite(inp.documents, key, symbol, year)


def _commune_findings(case: CommuneCase) -> list[Any]:
    f, inp = case.facts, case.input
    return [
        f"Về hồ sơ: hồ sơ của {f.unit} gồm đủ các thành phần theo quy định (tờ trình, báo cáo kết quả, báo cáo "
        "tổng hợp ý kiến, biên bản họp, báo cáo nợ đọng xây dựng cơ bản, hình ảnh minh họa).",
        f"Về mức độ đạt chuẩn: {cap(f.unit)} đạt {f.met}/{f.total} tiêu chí theo {f.set_name}"
        + ("." if f.all_met else "; chưa đạt: " + "; ".join(
            f"tiêu chí số {c.number} ({c.shortfall or c.name})" for c in f.criteria if not c.met) + "."),
        f"Về sự hài lòng của người dân: {_survey(inp)}.",
        _debt_sentence(inp, f),
        f"Về kết quả họp đề nghị của xã: {_vote(inp)}.",
    ]


def to_trinh_huyen(inp: DistrictDossierInput, cases: list[CommuneCase]) -> Composed:
    year, names = _year(cases), _names(cases)
    ready = [c for c in cases if _qualifies(c)]
    body: list[Any] = [
        f"Căn cứ hồ sơ đề nghị của Ủy ban nhân dân {names} và kết quả thẩm tra, Ủy ban nhân dân "
        f"{' '.join(inp.issuer.name[1:]) or inp.place} kính trình {inp.recipient} như sau:",
        {"part": "Kết quả thẩm tra", "content": [
            {"heading": cap(c.facts.unit), "content": [{"bullets": _commune_findings(c)}]} for c in cases
        ]},
        {"part": "Đề nghị", "content": [
            (f"Ủy ban nhân dân huyện kính đề nghị {inp.recipient} thẩm định, xét, công nhận "
             f"{', '.join(c.facts.unit for c in ready)} đạt chuẩn nông thôn mới năm {year}.") if ready else
            "Chưa có xã nào đủ điều kiện đề nghị công nhận.",
            "Hồ sơ kèm theo gồm:",
            {"bullets": [
                f"Báo cáo {_cite(inp, 'bao_cao_tham_tra', 'BC-UBND', year)} kết quả thẩm tra hồ sơ và mức độ đạt "
                "chuẩn các tiêu chí nông thôn mới (kèm biểu tổng hợp kết quả thẩm tra)",
                *(f"Hồ sơ đề nghị xét, công nhận của Ủy ban nhân dân {c.facts.unit}" for c in cases),
            ]},
        ]},
    ]
    subject = f"Về việc đề nghị thẩm định, xét, công nhận {names} đạt chuẩn nông thôn mới năm {year}"
    doc = _doc(inp, "to_trinh_huyen", "to-trinh", "TTr", subject, body, cases, legal_bases=list(inp.legal_bases))
    return Composed("to_trinh_huyen", "to-trinh", f"Tờ trình đề nghị thẩm định, xét, công nhận {names}",
                    document_view(doc), doc)


def appraisal_table(inp, cases: list[CommuneCase], word: str = "thẩm tra") -> TableSpec:
    """STT | Tiêu chí | per commune: Tự đánh giá, Kết quả <word> | Cơ quan <word>; ``inp`` gives ``agencies``."""
    per = max(20.0, 120.0 / len(cases) / 2)
    columns = [Column("STT", 12, "center"), Column("Tên tiêu chí", 70)]
    for c in cases:
        columns += [Column(f"{cap(c.facts.unit)}: tự đánh giá", per, "center"),
                    Column(f"{cap(c.facts.unit)}: kết quả {word}", per, "center")]
    columns.append(Column(f"Cơ quan {word}", 50))
    first = cases[0].context
    rows: list[Row] = []
    for g, group in enumerate(first["groups"]):
        rows.append(Row((group["title"],), span=True, shaded=True))
        for r, row in enumerate(group["rows"]):
            if row["kind"] != "criterion":
                continue
            cells = [row["stt"], row["name"]]
            for c in cases:
                theirs = c.context["groups"][g]["rows"][r]
                cells += [theirs.get("self_assessment") or theirs["result"], theirs["result"]]
            cells.append(inp.agencies.get(str(row["stt"]), ""))
            rows.append(Row(tuple(cells)))
    totals = ["", "Tổng số tiêu chí đạt"]
    for c in cases:
        met = f"{c.facts.met}/{c.facts.total}"
        totals += [met, met]
    rows.append(Row((*totals, ""), bold=True))
    notes = (f"Kết quả {word} được tính lại từ số liệu của xã theo mức đạt chuẩn của bộ tiêu chí; "
             f"{cases[0].context['unverified_note']}",) if cases[0].context["unverified_note"] else ()
    return TableSpec(tuple(columns), tuple(rows), font_size=11, notes=notes)


def bao_cao_tham_tra(inp: DistrictDossierInput, cases: list[CommuneCase]) -> Composed:
    year, names, a = _year(cases), _names(cases), inp.appraisal
    body: list[Any] = [
        {"part": "Tổ chức thẩm tra", "content": [
            f"Thực hiện {a.decision}, đoàn thẩm tra của huyện gồm đại diện {', '.join(a.members)} đã thẩm tra hồ sơ "
            f"và kiểm tra thực tế mức độ đạt chuẩn các tiêu chí nông thôn mới của {names} từ "
            f"{vntext.vn_date(a.date_from)} đến {vntext.vn_date(a.date_to)}."
            + (" Kết quả thẩm tra đã được công khai trên cổng thông tin điện tử của huyện." if a.portal_posted else ""),
        ]},
        {"part": "Kết quả thẩm tra", "content": [
            {"heading": cap(c.facts.unit), "content": [{"bullets": _commune_findings(c)}]} for c in cases
        ]},
        {"part": "Kết luận", "content": [
            (f"{cap(c.facts.unit)} đủ điều kiện đề nghị xét, công nhận đạt chuẩn nông thôn mới năm {year}."
             if _qualifies(c) else f"{cap(c.facts.unit)} chưa đủ điều kiện đề nghị xét, công nhận.") for c in cases
        ]},
    ]
    subject = f"Kết quả thẩm tra hồ sơ và mức độ đạt chuẩn các tiêu chí nông thôn mới năm {year} của {names}"
    doc = _doc(inp, "bao_cao_tham_tra", "bao-cao", "BC", subject, body, cases)
    view = document_view(doc)
    view["annex"] = {
        "heading": "Phụ lục",
        "title": "Biểu tổng hợp kết quả thẩm tra mức độ đạt chuẩn các tiêu chí nông thôn mới",
        "reference": f"(Kèm theo Báo cáo {_cite(inp, 'bao_cao_tham_tra', 'BC-UBND', year)} của "
                     f"Ủy ban nhân dân {' '.join(inp.issuer.name[1:]) or inp.place})",
        "table": appraisal_table(inp, cases),
    }
    return Composed("bao_cao_tham_tra", "bao-cao-kem-bieu", "Báo cáo kết quả thẩm tra", view, doc)


def compose_all(inp: DistrictDossierInput, cases: list[CommuneCase]) -> list[Composed]:
    return [to_trinh_huyen(inp, cases), bao_cao_tham_tra(inp, cases)]


