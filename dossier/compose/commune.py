"""The documents of a commune's NTM recognition dossier (Decision 18/2022/QĐ-TTg):
tờ trình, báo cáo kết quả (with the criteria table), báo cáo tổng hợp ý kiến,
biên bản họp, báo cáo nợ đọng xây dựng cơ bản.

Each composer returns a :class:`Composed`: the template to fill and its view.
The text is a draft the clerk edits in Word before signing."""

from __future__ import annotations


from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .. import vntext
from ..errors import input_error
from ..models.document import OfficialDocument, document_view
from ..models.dossier_input import CommuneDossierInput, DocRef
from ..models.validation import validate
from ..render.tables import Column, Row, TableSpec
from .facts import CommuneFacts
from .phrases import cap, cite, doc_ref, money, percent

if TYPE_CHECKING:
    from ..assemble.kinds import DossierKind


@dataclass(frozen=True)
class Composed:
    key: str  # the dossier part it fills (to_trinh, bao_cao_ket_qua, …)
    template: str  # bundled template name
    title: str  # for the contents page and the PDF outline
    view: dict[str, Any]
    document: OfficialDocument


def _ref(inp: CommuneDossierInput, key: str) -> DocRef:
    return doc_ref(inp.documents, key)


def _cite(inp: CommuneDossierInput, key: str, symbol: str, year: int) -> str:
    return cite(inp.documents, key, symbol, year)


def _base(inp: CommuneDossierInput, facts: CommuneFacts, key: str, kind: str, abbr: str, subject: str,
          body: list[Any], **extra: Any) -> OfficialDocument:
    ref = _ref(inp, key)
    data = {
        "kind": kind,
        "issuer": inp.issuer.model_dump(),
        "number": ref.number,
        "symbol": f"{abbr}-UBND",
        "place": inp.place,
        "date": ref.date,
        "year": None if ref.date else facts.year,
        "subject": subject,
        "recipients": [inp.recipient],
        "body": body,
        "signer": inp.signer.model_dump(),
        "distribution": list(inp.distribution),
        "archive": inp.archive,
    }
    data.update(extra)
    return validate(OfficialDocument, data, f"hồ sơ ({key})")


def _recognition_phrase(facts: CommuneFacts) -> str:
    return f"{facts.unit} đạt chuẩn nông thôn mới năm {facts.year}"


def _criteria_sentence(facts: CommuneFacts) -> str:
    text = f"{cap(facts.unit)} đạt {facts.met}/{facts.total} tiêu chí theo {facts.set_name}"
    if facts.all_met:
        return text + "."
    missing = "; ".join(f"tiêu chí số {c.number} ({c.name})" for c in facts.criteria if not c.met)
    return f"{text}; còn {facts.total - facts.met} tiêu chí chưa đạt: {missing}."


def _unverified_note(facts: CommuneFacts, kind: DossierKind | None = None) -> list[str]:
    if not facts.unverified_targets:
        return []
    reviewer = kind.words("reviewer", "cơ quan thẩm tra") if kind else "cơ quan thẩm tra"
    return [
        f"Ghi chú: {facts.unverified_targets} chỉ tiêu đang áp dụng mức đạt chuẩn chưa được đối chiếu với văn bản "
        f"gốc (đánh dấu * trong biểu tổng hợp); đề nghị {reviewer} xác nhận mức đạt chuẩn của các chỉ tiêu này."
    ]


def _survey(inp: CommuneDossierInput) -> str:
    s = inp.consultation.survey
    return (f"{vntext.vn_number(s.households_satisfied)}/{vntext.vn_number(s.households_asked)} hộ được lấy ý kiến "
            f"hài lòng với kết quả xây dựng nông thôn mới, đạt {percent(s.households_satisfied, s.households_asked)}")


def _debt_total(inp: CommuneDossierInput) -> int:
    return sum(p.owed for p in inp.debts.projects)


def _debt_sentence(inp: CommuneDossierInput, facts: CommuneFacts) -> str:
    owed = _debt_total(inp)
    when = vntext.vn_date(inp.debts.as_of)
    if owed == 0:
        return (f"Tính đến {when}, trên địa bàn {facts.unit} không có nợ đọng xây dựng cơ bản "
                "trong xây dựng nông thôn mới.")
    return (f"Tính đến {when}, trên địa bàn {facts.unit} còn nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới "
            f"{money(owed)} (bằng chữ: {vntext.vn_money_words(owed)}).")


def _vote(inp: CommuneDossierInput) -> str:
    m = inp.meeting
    return f"{m.agree}/{m.present} thành viên dự họp nhất trí, đạt {percent(m.agree, m.present)}"


REQUEST = "xem xét, thẩm tra, đề nghị công nhận"  # the 2021-2025 wording; a kind's «wording» replaces it
PROPOSAL = "xem xét, thẩm tra, trình {higher} xét, công nhận"


def _addressee(inp: CommuneDossierInput) -> str:
    """'Ủy ban nhân dân tỉnh Lai Châu (qua Sở Nông nghiệp và Môi trường)' when the dossier goes through an agency."""
    return f"{inp.recipient} (qua {inp.through})" if inp.through else inp.recipient


def basis_note(kind: DossierKind | None) -> list[str]:
    """What a clerk must verify when the procedure's legal basis is not confirmed."""
    if kind is None or kind.basis is None or kind.basis.verified:
        return []
    return [f"Ghi chú (cần kiểm tra trước khi ký): trình tự, thủ tục và thành phần hồ sơ được lập theo "
            f"{kind.basis.text}; căn cứ này chưa được xác minh. {kind.basis.check}".rstrip()]


def to_trinh(inp: CommuneDossierInput, facts: CommuneFacts, kind: DossierKind | None = None) -> Composed:
    phrase = _recognition_phrase(facts)
    higher = f"Ủy ban nhân dân {facts.province}" if facts.province else "cấp có thẩm quyền"
    request = kind.words("request", REQUEST) if kind else REQUEST
    proposal = (kind.words("proposal", PROPOSAL) if kind else PROPOSAL).format(higher=higher)
    body: list[Any] = [
        f"Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới, Ủy ban nhân dân {facts.unit} "
        f"kính trình {_addressee(inp)} {request} {phrase}, cụ thể như sau:",
        {"part": "Kết quả thực hiện", "content": [
            {"heading": "Kết quả thực hiện các tiêu chí", "content": [_criteria_sentence(facts), *_unverified_note(facts, kind)]},
            {"heading": "Kết quả lấy ý kiến và sự hài lòng của người dân", "content": [
                f"Báo cáo kết quả xây dựng nông thôn mới của xã đã được công khai tại {', '.join(inp.consultation.places)} "
                f"từ {vntext.vn_date(inp.consultation.posted_from)} đến {vntext.vn_date(inp.consultation.posted_to)}, "
                f"thông báo {inp.consultation.broadcasts} lần trên hệ thống truyền thanh của xã; "
                f"{len(inp.consultation.organisations)} tổ chức đã có ý kiến bằng văn bản. Kết quả lấy ý kiến: {_survey(inp)}.",
            ]},
            {"heading": "Tình hình nợ đọng xây dựng cơ bản", "content": [_debt_sentence(inp, facts)]},
            {"heading": "Kết quả họp đề nghị xét, công nhận", "content": [
                f"Tại cuộc họp {vntext.vn_date(inp.meeting.date)}, {_vote(inp)} đề nghị xét, công nhận {phrase}.",
            ]},
        ]},
        {"part": "Đề nghị", "content": [
            f"Ủy ban nhân dân {facts.unit} kính trình {_addressee(inp)} {proposal} {phrase}.",
            "Hồ sơ kèm theo gồm:",
            {"bullets": [
                f"Báo cáo {_cite(inp, 'bao_cao_ket_qua', 'BC-UBND', facts.year)} về kết quả thực hiện xây dựng nông thôn mới (kèm biểu tổng hợp kết quả thực hiện các tiêu chí)",
                f"Báo cáo {_cite(inp, 'bao_cao_tong_hop_y_kien', 'BC-UBND', facts.year)} tổng hợp ý kiến tham gia của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội và Nhân dân",
                f"Biên bản {_cite(inp, 'bien_ban_hop', 'BB-UBND', facts.year)} họp đề nghị xét, công nhận",
                f"Báo cáo {_cite(inp, 'bao_cao_no_dong_xdcb', 'BC-UBND', facts.year)} tình hình nợ đọng xây dựng cơ bản",
                "Hình ảnh minh họa kết quả xây dựng nông thôn mới",
            ]},
            *basis_note(kind),
            f"Ủy ban nhân dân {facts.unit} kính trình {inp.recipient} xem xét, quyết định.",
        ]},
    ]
    subject = f"Về việc đề nghị xét, công nhận {phrase}"
    doc = _base(inp, facts, "to_trinh", "to-trinh", "TTr", subject, body, legal_bases=list(inp.legal_bases))
    return Composed("to_trinh", "to-trinh", f"Tờ trình đề nghị xét, công nhận {phrase}", document_view(doc), doc)


def bao_cao_ket_qua(inp: CommuneDossierInput, facts: CommuneFacts, kind: DossierKind | None = None) -> Composed:
    request = kind.words("request", REQUEST) if kind else REQUEST
    phrase = _recognition_phrase(facts)
    situation = [f"{cap(facts.unit)} thuộc {facts.location}." if facts.location else f"{cap(facts.unit)}."]
    figures = []
    if facts.area_km2:
        figures.append(f"diện tích tự nhiên {vntext.vn_number(facts.area_km2)} km²")
    if facts.population:
        figures.append(f"dân số {vntext.vn_number(facts.population)} người")
    if facts.households:
        figures.append(f"{vntext.vn_number(facts.households)} hộ")
    if facts.villages:
        figures.append(f"{facts.villages} thôn, bản")
    if figures:
        situation[0] = situation[0][:-1] + "; " + ", ".join(figures) + "."
    funding_total = sum(f.amount for f in inp.funding)
    funding = [
        f"Tổng nguồn lực huy động thực hiện Chương trình là {money(funding_total)} "
        f"(bằng chữ: {vntext.vn_money_words(funding_total)}), trong đó:",
        {"bullets": [f"{f.source}: {money(f.amount)} ({percent(f.amount, funding_total)})" for f in inp.funding]},
    ] if inp.funding else ["Chưa có số liệu huy động nguồn lực."]
    per_criterion = [
        f"Tiêu chí số {c.number} về {c.name}: {'đạt' if c.met else 'chưa đạt'}" + (f" ({c.shortfall})" if c.shortfall else "") + "."
        for c in facts.criteria
    ]
    body: list[Any] = [
        {"part": "Đặc điểm tình hình", "content": situation},
        {"part": "Kết quả chỉ đạo thực hiện", "content": [
            {"heading": "Công tác chỉ đạo, điều hành", "content": [
                "Ban Chỉ đạo, Ban Quản lý xây dựng nông thôn mới xã và Ban phát triển các thôn, bản được kiện toàn, "
                "phân công thành viên phụ trách từng tiêu chí; kế hoạch thực hiện hằng năm được ban hành và triển khai.",
            ]},
            {"heading": "Huy động nguồn lực", "content": funding},
            {"heading": "Kết quả thực hiện các tiêu chí", "content": [
                _criteria_sentence(facts), {"bullets": per_criterion}, *_unverified_note(facts, kind),
                "Chi tiết tại biểu tổng hợp kèm theo Báo cáo này.",
            ]},
            {"heading": "Tình hình nợ đọng xây dựng cơ bản", "content": [_debt_sentence(inp, facts)]},
        ]},
        {"part": "Đánh giá chung", "content": [
            *([{"bullets": list(inp.highlights)}] if inp.highlights else []),
            "Một số chỉ tiêu cần tiếp tục duy trì và nâng cao chất lượng để bảo đảm tính bền vững.",
        ]},
        {"part": "Kiến nghị, đề xuất", "content": [
            f"Ủy ban nhân dân {facts.unit} đề nghị {_addressee(inp)} {request} {phrase}.",
        ]},
    ]
    subject = f"Kết quả thực hiện xây dựng nông thôn mới năm {facts.year} của {facts.unit}\n(đề nghị xét, công nhận {phrase})"
    doc = _base(inp, facts, "bao_cao_ket_qua", "bao-cao", "BC", subject, body)
    view = document_view(doc)
    view["annex"] = {
        "heading": "Phụ lục",
        "title": "Biểu tổng hợp kết quả thực hiện các tiêu chí xã nông thôn mới",
        "reference": f"(Kèm theo Báo cáo {_cite(inp, 'bao_cao_ket_qua', 'BC-UBND', facts.year)} "
                     f"của Ủy ban nhân dân {facts.unit})",
        "table": facts.table,
    }
    return Composed("bao_cao_ket_qua", "bao-cao-kem-bieu", f"Báo cáo kết quả thực hiện xây dựng nông thôn mới năm {facts.year}", view, doc)


def bao_cao_y_kien(inp: CommuneDossierInput, facts: CommuneFacts, kind: DossierKind | None = None) -> Composed:
    c = inp.consultation
    orgs = []
    for org in c.organisations:
        stance = "nhất trí với kết quả xây dựng nông thôn mới của xã" if org.agrees else "chưa nhất trí với kết quả"
        source = f" ({org.document})" if org.document else ""
        orgs.append({"heading": f"{org.name}{source}", "content": [
            f"{org.name} {stance}.",
            *([{"bullets": list(org.suggestions)}] if org.suggestions else []),
        ]})
    body: list[Any] = [
        {"part": "Tổ chức lấy ý kiến", "content": [
            f"Ủy ban nhân dân {facts.unit} đã gửi dự thảo Báo cáo kết quả xây dựng nông thôn mới tới Ủy ban Mặt trận Tổ quốc "
            f"Việt Nam xã và các tổ chức chính trị - xã hội để lấy ý kiến; công khai tại {', '.join(c.places)} từ "
            f"{vntext.vn_date(c.posted_from)} đến {vntext.vn_date(c.posted_to)} "
            f"({(c.posted_to - c.posted_from).days + 1} ngày) và thông báo {c.broadcasts} lần trên hệ thống truyền thanh của xã.",
        ]},
        {"part": "Kết quả lấy ý kiến", "content": [
            *orgs,
            {"heading": "Ý kiến của Nhân dân", "content": [
                f"Có {c.people_opinions} lượt ý kiến của Nhân dân." if c.people_opinions else "Không có ý kiến khác của Nhân dân.",
                *([{"bullets": list(c.people_summary)}] if c.people_summary else []),
                f"Kết quả lấy ý kiến sự hài lòng: {_survey(inp)}.",
            ]},
        ]},
        {"part": "Tiếp thu, giải trình", "content": [
            "Ủy ban nhân dân xã đã tiếp thu đầy đủ các ý kiến tham gia, bổ sung, hoàn thiện Báo cáo kết quả xây dựng "
            "nông thôn mới và giao các bộ phận chuyên môn tiếp tục thực hiện các kiến nghị.",
        ]},
    ]
    subject = (f"Tổng hợp ý kiến tham gia của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội và Nhân dân "
               f"về kết quả xây dựng nông thôn mới {facts.unit} năm {facts.year}")
    doc = _base(inp, facts, "bao_cao_tong_hop_y_kien", "bao-cao", "BC", subject, body)
    return Composed("bao_cao_tong_hop_y_kien", "bao-cao", "Báo cáo tổng hợp ý kiến tham gia", document_view(doc), doc)


def bien_ban(inp: CommuneDossierInput, facts: CommuneFacts, kind: DossierKind | None = None) -> Composed:
    m = inp.meeting
    phrase = _recognition_phrase(facts)
    when = vntext.vn_date(m.date)
    body: list[Any] = [
        f"Hôm nay, vào hồi {m.start}, {when}, tại {m.place}, Ủy ban nhân dân {facts.unit} tổ chức họp "
        f"đề nghị xét, công nhận {phrase}.",
        {"part": "Thành phần", "content": [
            f"Chủ trì: {m.chair.name} - {m.chair.title}.",
            f"Thư ký: {m.secretary.name} - {m.secretary.title}.",
            f"Thành viên dự họp: có mặt {m.present}/{m.total} thành viên, gồm:",
            {"bullets": list(m.attendees)},
        ]},
        {"part": "Nội dung", "content": [
            {"heading": "Báo cáo kết quả", "content": [
                f"Ủy ban nhân dân xã báo cáo kết quả tự đánh giá: {_criteria_sentence(facts)} "
                f"Kết quả lấy ý kiến sự hài lòng: {_survey(inp)}. {_debt_sentence(inp, facts)}",
            ]},
            {"heading": "Ý kiến thảo luận", "content": [{"bullets": list(m.discussion)}] if m.discussion
             else ["Các thành viên dự họp nhất trí với báo cáo, không có ý kiến khác."]},
            {"heading": "Kết quả biểu quyết", "content": [
                f"Có {_vote(inp)} đề nghị xét, công nhận {phrase}.",
            ]},
        ]},
        f"Cuộc họp kết thúc vào hồi {m.end} cùng ngày. Biên bản đã được đọc lại cho các thành viên dự họp cùng nghe "
        f"và nhất trí thông qua.",
    ]
    subject = f"Họp đề nghị xét, công nhận {phrase}"
    doc = _base(inp, facts, "bien_ban_hop", "bien-ban", "BB", subject, body, recipients=[], end_mark=False,
                date=_ref(inp, "bien_ban_hop").date or m.date, year=None,
                secretary={"title": "Thư ký", "name": m.secretary.name},
                chair={"title": "Chủ trì", "name": m.chair.name})
    return Composed("bien_ban_hop", "bien-ban", "Biên bản họp đề nghị xét, công nhận", document_view(doc), doc)


def bao_cao_no_dong(inp: CommuneDossierInput, facts: CommuneFacts, kind: DossierKind | None = None) -> Composed:
    projects = inp.debts.projects
    sums = [sum(getattr(p, f) for p in projects) for f in ("total", "completed", "paid")]
    body: list[Any] = [
        f"Giai đoạn 2021-{facts.year}, trên địa bàn {facts.unit} đã triển khai {len(projects)} công trình, dự án "
        f"thuộc Chương trình mục tiêu quốc gia xây dựng nông thôn mới, tổng mức đầu tư {money(sums[0])}; "
        f"giá trị khối lượng hoàn thành {money(sums[1])}; vốn đã bố trí, giải ngân {money(sums[2])}.",
        _debt_sentence(inp, facts),
        "Chi tiết tại biểu kèm theo Báo cáo này.",
    ]
    rows = [
        Row((str(i), p.name, p.investor, p.years, vntext.vn_number(p.total), vntext.vn_number(p.completed),
             vntext.vn_number(p.paid), vntext.vn_number(p.owed), p.note))
        for i, p in enumerate(projects, 1)
    ]
    rows.append(Row(("", "Tổng cộng", "", "", *(vntext.vn_number(s) for s in sums),
                     vntext.vn_number(_debt_total(inp)), ""), bold=True))
    table = TableSpec(
        (Column("STT", 11, "center"), Column("Tên công trình, dự án", 50), Column("Chủ đầu tư", 28),
         Column("Năm khởi công - hoàn thành", 21, "center"), Column("Tổng mức đầu tư (đồng)", 31, "right"),
         Column("Giá trị khối lượng hoàn thành (đồng)", 31, "right"), Column("Vốn đã bố trí, giải ngân (đồng)", 31, "right"),
         Column("Số còn nợ (đồng)", 29, "right"), Column("Ghi chú", 20)),
        tuple(rows), font_size=11,
    )
    subject = f"Tình hình nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới trên địa bàn {facts.unit}"
    doc = _base(inp, facts, "bao_cao_no_dong_xdcb", "bao-cao", "BC", subject, body)
    view = document_view(doc)
    view["annex"] = {
        "heading": "Phụ lục",
        "title": "Biểu tổng hợp tình hình nợ đọng xây dựng cơ bản",
        "reference": f"(Kèm theo Báo cáo {_cite(inp, 'bao_cao_no_dong_xdcb', 'BC-UBND', facts.year)} "
                     f"của Ủy ban nhân dân {facts.unit})",
        "table": table,
    }
    return Composed("bao_cao_no_dong_xdcb", "bao-cao-kem-bieu", "Báo cáo tình hình nợ đọng xây dựng cơ bản", view, doc)


# composer name (a document part's «compose» in dossier/assemble/kinds/*.yaml) → composer
COMPOSERS = {f.__name__: f for f in (to_trinh, bao_cao_ket_qua, bao_cao_y_kien, bien_ban, bao_cao_no_dong)}


def compose_all(inp: CommuneDossierInput, facts: CommuneFacts, kind: DossierKind | None = None) -> list[Composed]:
    """The documents of ``kind`` (default: the one the input names), in the kind's order."""
    from ..assemble.kinds import load_kind

    kind = kind or load_kind(inp.kind)
    out = []
    for part in kind.documents():
        composer = COMPOSERS.get(part.compose)
        if composer is None:
            raise input_error(f"Loại hồ sơ «{kind.name}»: không có cách soạn «{part.compose}» (thành phần {part.key}).",
                              hint=f"Các cách soạn có sẵn: {', '.join(COMPOSERS)}.")
        out.append(replace(composer(inp, facts, kind), key=part.key))
    return out


