"""The province's documents under two-level government (kind ``tinh-ntm``):
the standing agency's appraisal report (báo cáo thẩm định), recomputed from
each commune's data, and the provincial chairman's recognition decision
(quyết định công nhận, Decree 30 decision layout). Who issues and signs each
one comes from the unit data through the kind's routes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .. import vntext
from ..errors import input_error
from ..models.document import OfficialDocument, document_view
from ..models.province_input import ProvinceDossierInput
from ..models.validation import validate
from .commune import Composed, basis_note
from .district import CommuneCase, _commune_findings, _qualifies, appraisal_table
from .phrases import cap, cite, doc_ref, percent

if TYPE_CHECKING:
    from ..assemble.kinds import DossierKind
    from ..units import Party


@dataclass(frozen=True)
class ProvinceCase:
    input: ProvinceDossierInput
    cases: list[CommuneCase]
    kind: DossierKind
    parties: dict[str, Party]  # document part → its issuer
    province: Party  # the province's People's Committee

    @property
    def year(self) -> int:
        return self.cases[0].facts.year

    @property
    def names(self) -> str:
        return ", ".join(c.facts.unit for c in self.cases)

    def ready(self) -> list[CommuneCase]:
        return [c for c in self.cases if _qualifies(c)]

    def symbol(self, key: str, abbr: str) -> str:
        return f"{abbr}-{self.parties[key].symbol}"

    def cite(self, key: str, abbr: str) -> str:
        return cite(self.input.documents, key, self.symbol(key, abbr), self.year)


def _doc(pc: ProvinceCase, key: str, kind: str, abbr: str, subject: str, **fields: Any) -> OfficialDocument:
    ref, issuer = doc_ref(pc.input.documents, key), pc.parties[key]
    signer = pc.input.signers.get(key)
    data = {
        "kind": kind, "issuer": issuer.issuer, "number": ref.number, "symbol": pc.symbol(key, abbr),
        "place": issuer.place, "date": ref.date, "year": None if ref.date else pc.year, "subject": subject,
        "signer": signer.model_dump() if signer else issuer.signer(),
        "distribution": list(pc.input.distribution.get(key, ["Như trên"])), "archive": pc.input.archive, **fields,
    }
    return validate(OfficialDocument, data, f"hồ sơ tỉnh ({key})")


def _vote(pc: ProvinceCase) -> str:
    c = pc.input.council
    return f"{c.agree}/{c.present} thành viên dự họp nhất trí, đạt {percent(c.agree, c.present)}"


def bao_cao_tham_dinh(pc: ProvinceCase) -> Composed:
    inp, f = pc.input, pc.input.field_check
    me = pc.parties["bao_cao_tham_dinh"]
    received = "; ".join(f"Tờ trình {cite(c.input.documents, 'to_trinh', 'TTr-UBND', c.facts.year)} của "
                         f"Ủy ban nhân dân {c.facts.unit}" for c in pc.cases)
    ready = pc.ready()
    body: list[Any] = [
        {"part": "Tổ chức thẩm định", "content": [
            f"{me.name} đã tiếp nhận hồ sơ đề nghị xét, công nhận đạt chuẩn nông thôn mới năm {pc.year} theo {received}.",
            f"Tổ công tác gồm đại diện {', '.join(f.members)} đã thẩm định hồ sơ và kiểm tra thực tế từ "
            f"{vntext.vn_date(f.date_from)} đến {vntext.vn_date(f.date_to)}.",
            "Kết quả thẩm định dưới đây được tính lại từ số liệu của xã theo mức đạt chuẩn của bộ tiêu chí, "
            "không lấy theo kết quả tự đánh giá.",
        ]},
        {"part": "Kết quả thẩm định", "content": [
            {"heading": cap(c.facts.unit), "content": [{"bullets": _commune_findings(c)}]} for c in pc.cases
        ]},
        {"part": "Kết quả họp Hội đồng thẩm định", "content": [
            f"Thực hiện {inp.council.decision}, Hội đồng thẩm định do {inp.council.chair} chủ trì đã họp "
            f"{vntext.vn_date(inp.council.date)}; có {inp.council.present}/{inp.council.total} thành viên dự họp, "
            f"{_vote(pc)} đề nghị công nhận "
            + (", ".join(c.facts.unit for c in ready) if ready else "(không có xã nào đủ điều kiện)") + ".",
        ]},
        {"part": "Kết luận và kiến nghị", "content": [
            *((f"{cap(c.facts.unit)} đủ điều kiện công nhận đạt chuẩn nông thôn mới năm {pc.year}." if _qualifies(c)
               else f"{cap(c.facts.unit)} chưa đủ điều kiện công nhận đạt chuẩn nông thôn mới.") for c in pc.cases),
            f"{me.name} kính trình {pc.province.name} xem xét, quyết định công nhận "
            + (", ".join(c.facts.unit for c in ready) if ready else "các xã đủ điều kiện")
            + f" đạt chuẩn nông thôn mới năm {pc.year}.",
            *basis_note(pc.kind),
        ]},
    ]
    subject = f"Kết quả thẩm định hồ sơ và mức độ đạt chuẩn các tiêu chí nông thôn mới năm {pc.year} của {pc.names}"
    doc = _doc(pc, "bao_cao_tham_dinh", "bao-cao", "BC", subject, body=body, recipients=[pc.province.name])
    view = document_view(doc)
    view["annex"] = {
        "heading": "Phụ lục",
        "title": "Biểu tổng hợp kết quả thẩm định mức độ đạt chuẩn các tiêu chí nông thôn mới",
        "reference": f"(Kèm theo Báo cáo {pc.cite('bao_cao_tham_dinh', 'BC')} của {me.name})",
        "table": appraisal_table(inp, pc.cases, word="thẩm định"),
    }
    return Composed("bao_cao_tham_dinh", "bao-cao-kem-bieu", "Báo cáo kết quả thẩm định", view, doc)


def quyet_dinh_cong_nhan(pc: ProvinceCase) -> Composed:
    ready = pc.ready()
    if not ready:
        raise input_error(f"Không có xã nào đủ điều kiện công nhận trong hồ sơ tỉnh ({pc.names}).",
                          hint="Kiểm tra kết quả tiêu chí và nợ đọng xây dựng cơ bản của từng xã.")
    key = "quyet_dinh_cong_nhan"
    me, reviewer = pc.parties[key], pc.parties.get("bao_cao_tham_dinh")
    signer = pc.input.signers.get(key)
    signer_data = signer.model_dump() if signer else {**me.signer(), "authority": []}  # the chairman decides himself
    names = ", ".join(c.facts.unit for c in ready)
    sets = sorted({c.facts.set_name for c in ready})
    articles = [
        {"text": f"Công nhận {names} đạt chuẩn nông thôn mới năm {pc.year} theo {'; '.join(sets)}."},
        {"text": f"Ủy ban nhân dân {names} có trách nhiệm tiếp tục duy trì, nâng cao chất lượng các tiêu chí "
                 "nông thôn mới, bảo đảm tính bền vững."},
        {"text": "Quyết định này có hiệu lực kể từ ngày ký. " + ", ".join(pc.input.executors)
                 + " chịu trách nhiệm thi hành Quyết định này./."},
    ]
    proposal = ("Theo đề nghị của " + (f"{reviewer.name} tại Báo cáo {pc.cite('bao_cao_tham_dinh', 'BC')}"
                                      if reviewer else f"Hội đồng thẩm định ({pc.input.council.decision})"))
    doc = _doc(pc, key, "quyet-dinh", "QĐ", f"Về việc công nhận {names} đạt chuẩn nông thôn mới năm {pc.year}",
               authority_line=f"{cap(signer_data['title'].lower())} {pc.province.name}",
               legal_bases=list(pc.input.legal_bases), proposal=proposal, articles=articles, signer=signer_data)
    return Composed(key, "quyet-dinh", f"Quyết định công nhận {names} đạt chuẩn nông thôn mới năm {pc.year}",
                    document_view(doc), doc)


COMPOSERS = {f.__name__: f for f in (bao_cao_tham_dinh, quyet_dinh_cong_nhan)}


def compose_all(pc: ProvinceCase) -> list[Composed]:
    out = []
    for part in pc.kind.documents():
        composer = COMPOSERS.get(part.compose)
        if composer is None:
            raise input_error(f"Loại hồ sơ «{pc.kind.name}»: không có cách soạn «{part.compose}» (thành phần {part.key}).",
                              hint=f"Các cách soạn có sẵn: {', '.join(COMPOSERS)}.")
        out.append(replace(composer(pc), key=part.key))
    return out
