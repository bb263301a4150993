"""Villages (bản) against the province's village criteria: which qualify, per
commune and district-wide against the programme's target, and the documents of
the village recognition dossier — the commune's tờ trình, each village's
meeting minutes (biên bản), the evaluation report with its table, and the
decision (quyết định) recognising the villages, with an annex listing them
when there are several.

Results come from :func:`dossier.criteria.evaluate`; nothing is typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import vntext
from ..criteria.evaluate import UnitResult
from ..errors import Problem, input_error
from ..models.document import OfficialDocument, document_view

from ..models.validation import validate
from ..models.village_input import VillageDossierInput, VillageMeeting
from ..render.tables import Column, Row, TableSpec
from .commune import Composed
from .phrases import cite, doc_ref, percent

UNVERIFIED_MARK = "*"


# --- which villages qualify ---------------------------------------------------------------------


@dataclass(frozen=True)
class VillageTarget:
    """The programme's target: ``count`` villages recognised by ``year``, counted
    in ``communes`` only (e.g. the especially disadvantaged ones) or in all."""

    count: int
    year: int
    communes: tuple[str, ...] = ()
    scope: str = ""  # "bản thuộc các xã đặc biệt khó khăn"

    def counts(self, commune: str) -> bool:
        return not self.communes or commune in self.communes


@dataclass(frozen=True)
class CommuneVillages:
    commune: UnitResult

    @property
    def qualifying(self) -> tuple[UnitResult, ...]:
        return tuple(v for v in self.commune.villages if v.all_met)

    @property
    def not_qualifying(self) -> tuple[UnitResult, ...]:
        return tuple(v for v in self.commune.villages if not v.all_met)


@dataclass(frozen=True)
class VillageListing:
    communes: tuple[CommuneVillages, ...]
    target: VillageTarget | None = None
    district: str | None = None  # "huyện Tam Đường", when the data has one
    year: int | None = None

    @property
    def assessed(self) -> int:
        return sum(len(c.commune.villages) for c in self.communes)

    @property
    def qualifying(self) -> int:
        return sum(len(c.qualifying) for c in self.communes)

    @property
    def counted(self) -> int:
        """Qualifying villages that count toward the target."""
        if self.target is None:
            return self.qualifying
        return sum(len(c.qualifying) for c in self.communes if self.target.counts(c.commune.name))

    @property
    def remaining(self) -> int:
        return max(self.target.count - self.counted, 0) if self.target else 0


def listing(results: list[UnitResult], target: VillageTarget | None = None) -> VillageListing:
    """Every commune that has villages, in the given (dictionary) order."""
    communes = tuple(CommuneVillages(r) for r in results if r.villages)
    first = next((r.assessment for r in results if r.assessment is not None), None)
    district = f"huyện {first.district}" if first is not None and first.district else None
    return VillageListing(communes, target, district, results[0].year if results else None)


def village_label(name: str, unit_type: str = "bản") -> str:
    """'Bản Nà Bó' → 'bản Nà Bó' inside a sentence; 'Nà Bó' → 'bản Nà Bó'."""
    if name.lower().startswith(unit_type.lower() + " "):
        return unit_type + name[len(unit_type):]
    return f"{unit_type} {name}"


def shortfalls(village: UnitResult) -> list[str]:
    return [i.shortfall for c in village.missing for i in c.failing]


def listing_lines(lst: VillageListing) -> list[str]:
    """The listing as plain Vietnamese lines (for a terminal or a log)."""
    out = []
    for c in lst.communes:
        r = c.commune
        out.append(f"{vntext.upper_first(r.label)}: {len(c.qualifying)}/{len(r.villages)} bản đạt chuẩn")
        for v in c.qualifying:
            out.append(f"  + {v.name}: đạt {v.met_count}/{v.total} tiêu chí")
        for v in c.not_qualifying:
            out.append(f"  - {v.name}: đạt {v.met_count}/{v.total} tiêu chí; chưa đạt: {'; '.join(shortfalls(v))}")
    where = f"Toàn {lst.district}" if lst.district else "Tổng cộng"
    out.append(f"{where}: {lst.qualifying}/{lst.assessed} bản đạt chuẩn nông thôn mới.")
    t = lst.target
    if t is not None:
        scope = f" {t.scope}" if t.scope else ""
        out.append(f"Mục tiêu đến năm {t.year}: {t.count} bản{scope}; đã có {lst.counted} bản đạt chuẩn, "
                   + (f"còn thiếu {lst.remaining} bản." if lst.remaining else "đã đạt mục tiêu."))
    return out


def listing_rows(lst: VillageListing) -> list[list[Any]]:
    """STT | Xã | Bản | Số tiêu chí đạt | Kết quả | Tiêu chí chưa đạt — one row per village."""
    rows = []
    n = 0
    for c in lst.communes:
        for v in (*c.qualifying, *c.not_qualifying):
            n += 1
            rows.append([n, c.commune.name, v.name, f"{v.met_count}/{v.total}",
                         "Đạt chuẩn" if v.all_met else "Chưa đạt chuẩn", "; ".join(shortfalls(v))])
    return rows


# --- the dossier's facts -------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageCase:
    """A commune's villages put forward for recognition."""

    commune: UnitResult
    requested: tuple[UnitResult, ...]
    district: str | None  # "huyện Tam Đường"
    province: str | None  # "tỉnh Lai Châu"

    @property
    def year(self) -> int:
        return self.commune.year

    @property
    def unit(self) -> str:
        return self.commune.label

    @property
    def village_set(self):
        return self.commune.village_set

    @property
    def location(self) -> str:
        """'xã Sơn Bình, huyện Tam Đường, tỉnh Lai Châu' — the levels the data has."""
        return ", ".join(p for p in (self.unit, self.district, self.province) if p)

    @property
    def several(self) -> bool:
        return len(self.requested) > 1

    def names(self) -> str:
        labels = [village_label(v.name, v.unit_type) for v in self.requested]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " và " + labels[-1]


def case_for(result: UnitResult, names: list[str], source: str) -> VillageCase:
    """The villages requested (all qualifying ones when ``names`` is empty);
    a village not found or not meeting every criterion is an input error."""
    by_name = {v.name.casefold(): v for v in result.villages}
    problems = []
    if not result.villages:
        raise input_error(f"{vntext.upper_first(result.label)} không có số liệu đánh giá thôn, bản.",
                          hint="Thêm mục villages vào tệp đánh giá của xã.")
    if names:
        requested = []
        for i, name in enumerate(names, 1):
            v = by_name.get(name.casefold())
            if v is None:
                problems.append(Problem(f"{source}, trường villages[{i}]",
                                        f"không có {name} trong số liệu đánh giá của {result.label} "
                                        f"(có: {', '.join(x.name for x in result.villages)})"))
            elif not v.all_met:
                problems.append(Problem(f"{source}, trường villages[{i}]",
                                        f"{name} chưa đạt chuẩn ({v.met_count}/{v.total} tiêu chí): "
                                        + "; ".join(shortfalls(v))))
            else:
                requested.append(v)
    else:
        requested = [v for v in result.villages if v.all_met]
        if not requested:
            problems.append(Problem(source, f"{result.label} chưa có bản nào đạt đủ các tiêu chí"))
    if problems:
        raise input_error("Không lập được hồ sơ công nhận bản đạt chuẩn nông thôn mới:", problems)
    a = result.assessment
    return VillageCase(result, tuple(requested),
                       f"huyện {a.district}" if a is not None and a.district else None,
                       f"tỉnh {a.province}" if a is not None and a.province else None)


# --- tables ---------------------------------------------------------------------------------------


def evaluation_table(result: UnitResult) -> TableSpec:
    """STT | Tiêu chí, chỉ tiêu | Mức đạt chuẩn | one column per village (value, Đạt/Chưa đạt)."""
    villages = result.villages
    cset = result.village_set
    width = max(28.0, min(45.0, 150 / max(len(villages), 1)))
    columns = (Column("STT", 15, "center"), Column("Tiêu chí, chỉ tiêu", 85), Column("Mức đạt chuẩn", 28, "center"),
               *(Column(v.name, width, "center") for v in villages))
    rows: list[Row] = []
    by_village = [{c.criterion.id: c for c in v.criteria} for v in villages]
    for group in cset.groups:
        rows.append(Row((group.title,), span=True, shaded=True))
        for crit in group.criteria:
            rows.append(Row((crit.id, crit.name, "", *(bv[crit.id].result for bv in by_village)), bold=True))
            for k, ind in enumerate(crit.indicators):
                first = by_village[0][crit.id].indicators[k] if villages else None
                target = (first.target_text if first else "") + ("" if ind.verified else f" {UNVERIFIED_MARK}")
                cells = []
                for bv in by_village:
                    r = bv[crit.id].indicators[k]
                    cells.append(r.value_text if r.met else f"{r.value_text} (chưa đạt)")
                rows.append(Row((ind.id, ind.name, target, *cells)))
    rows.append(Row(("", "Số tiêu chí đạt", "", *(f"{v.met_count}/{v.total}" for v in villages)), bold=True))
    rows.append(Row(("", "Kết quả", "", *("Đạt chuẩn" if v.all_met else "Chưa đạt chuẩn" for v in villages)),
                    bold=True))
    notes = [f"Bộ tiêu chí áp dụng: {cset.display_name} ({cset.display_basis})."]
    if any(not i.verified for i in cset.indicators.values()):
        notes.append(f"{UNVERIFIED_MARK} Mức đạt chuẩn chưa được đối chiếu với văn bản gốc (chưa xác minh).")
    return TableSpec(columns, tuple(rows), font_size=11, notes=tuple(notes))


def decision_table(case: VillageCase) -> TableSpec:
    """The decision's annex: STT | Tên bản | Thuộc xã | Số hộ | Số tiêu chí đạt."""
    households = {v.name: v.households for v in (case.commune.assessment.villages if case.commune.assessment else [])}
    rows = [Row((str(n), v.name, vntext.upper_first(case.unit),
                 vntext.vn_number(households[v.name]) if households.get(v.name) else "",
                 f"{v.met_count}/{v.total}"))
            for n, v in enumerate(case.requested, 1)]
    columns = (Column("STT", 14, "center"), Column("Tên bản", 50), Column("Thuộc xã", 45),
               Column("Số hộ", 22, "center"), Column("Số tiêu chí đạt", 30, "center"))
    return TableSpec(columns, tuple(rows), font_size=13)


# --- the documents ---------------------------------------------------------------------------------


def _cite(inp: VillageDossierInput, key: str, symbol: str, year: int) -> str:
    return cite(inp.documents, key, symbol, year)


def _doc(data: dict[str, Any], key: str) -> OfficialDocument:
    return validate(OfficialDocument, data, f"hồ sơ công nhận bản ({key})")


def _commune_doc(inp: VillageDossierInput, case: VillageCase, key: str, kind: str, abbr: str, subject: str,
                 body: list[Any], **extra: Any) -> OfficialDocument:
    side, ref = inp.commune, doc_ref(inp.documents, key)
    data = {
        "kind": kind, "issuer": side.issuer.model_dump(), "number": ref.number, "symbol": f"{abbr}-UBND",
        "place": side.place, "date": ref.date, "year": None if ref.date else case.year, "subject": subject,
        "recipients": [side.recipient], "body": body, "signer": side.signer.model_dump(),
        "distribution": list(side.distribution), "archive": side.archive,
    }
    data.update(extra)
    return _doc(data, key)


def _phrase(case: VillageCase) -> str:
    """'bản Nà Bó và bản Hua Bó, xã Sơn Bình đạt chuẩn nông thôn mới năm 2024'."""
    return f"{case.names()}, {case.unit} đạt chuẩn nông thôn mới năm {case.year}"


def _set_name(case: VillageCase) -> str:
    cset = case.village_set
    return f"{cset.display_name} ({cset.display_basis})"


def _village_result(v: UnitResult) -> str:
    return f"{village_label(v.name, v.unit_type)}: đạt {v.met_count}/{v.total} tiêu chí"


def _vote(m: VillageMeeting) -> str:
    return (f"{m.agree}/{m.households_present} hộ dự họp nhất trí (đạt {percent(m.agree, m.households_present)}); "
            f"số hộ dự họp {m.households_present}/{m.households_total} hộ của bản")


def _unverified(case: VillageCase) -> list[str]:
    count = sum(not i.verified for i in case.village_set.indicators.values())
    if not count:
        return []
    return [f"Ghi chú: {count} chỉ tiêu đang áp dụng mức đạt chuẩn chưa được đối chiếu với văn bản gốc (đánh dấu "
            f"{UNVERIFIED_MARK} trong biểu kèm theo); đề nghị cơ quan thẩm tra xác nhận mức đạt chuẩn các chỉ tiêu này."]


def to_trinh(inp: VillageDossierInput, case: VillageCase) -> Composed:
    phrase = _phrase(case)
    meetings = [f"{vntext.upper_first(village_label(v.name, v.unit_type))}: {_vote(inp.meetings[v.name])}"
                for v in case.requested if v.name in inp.meetings]
    body: list[Any] = [
        f"Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới, Ủy ban nhân dân {case.unit} đã tổ chức "
        f"rà soát, đánh giá mức độ đạt các tiêu chí của các bản trên địa bàn theo {_set_name(case)}. "
        f"Ủy ban nhân dân {case.unit} kính trình {inp.commune.recipient} xem xét, công nhận {phrase}, cụ thể như sau:",
        {"part": "Kết quả đánh giá", "content": [
            f"Tổng số bản được đánh giá: {len(case.commune.villages)}; số bản đạt đủ các tiêu chí: "
            f"{sum(v.all_met for v in case.commune.villages)}.",
            {"bullets": [_village_result(v) for v in case.requested]},
            *_unverified(case),
            *([{"heading": "Kết quả họp tại các bản", "content": [{"bullets": meetings}]}] if meetings else []),
        ]},
        {"part": "Đề nghị", "content": [
            f"Ủy ban nhân dân {case.unit} kính trình {inp.commune.recipient} xem xét, quyết định công nhận {phrase}.",
            "Hồ sơ kèm theo gồm:",
            {"bullets": [
                f"Báo cáo {_cite(inp, 'bao_cao_ket_qua', 'BC-UBND', case.year)} kết quả đánh giá mức độ đạt các "
                "tiêu chí bản nông thôn mới (kèm biểu tổng hợp)",
                "Biên bản họp đề nghị xét, công nhận của " + ("các bản" if case.several else case.names()),
            ]},
            f"Ủy ban nhân dân {case.unit} kính trình {inp.commune.recipient} xem xét, quyết định.",
        ]},
    ]
    subject = f"Về việc đề nghị xét, công nhận {phrase}"
    doc = _commune_doc(inp, case, "to_trinh", "to-trinh", "TTr", subject, body,
                       legal_bases=list(inp.commune.legal_bases))
    return Composed("to_trinh", "to-trinh", f"Tờ trình đề nghị xét, công nhận bản đạt chuẩn nông thôn mới năm {case.year}",
                    document_view(doc), doc)


def _short_issuer(lines: list[str]) -> str:
    """The commune as the minutes' superior body, on one line ('UBND xã Sơn Bình')."""
    text = " ".join(lines)
    prefix = "Ủy ban nhân dân "
    return "UBND " + text[len(prefix):] if text.lower().startswith(prefix.lower()) else text


def bien_ban(inp: VillageDossierInput, case: VillageCase, village: UnitResult) -> Composed:
    m = inp.meetings[village.name]
    label = village_label(village.name, village.unit_type)
    phrase = f"{label}, {case.unit} đạt chuẩn nông thôn mới năm {case.year}"
    body: list[Any] = [
        f"Hôm nay, vào hồi {m.start}, {vntext.vn_date(m.date)}, tại {m.place or 'nhà văn hóa ' + label}, "
        f"Ban phát triển {label} tổ chức họp đề nghị xét, công nhận {phrase}.",
        {"part": "Thành phần", "content": [
            f"Chủ trì: {m.chair.name} - {m.chair.title}.",
            f"Thư ký: {m.secretary.name} - {m.secretary.title}.",
            f"Đại diện các hộ gia đình: có mặt {m.households_present}/{m.households_total} hộ.",
            *([{"bullets": list(m.attendees)}] if m.attendees else []),
        ]},
        {"part": "Nội dung", "content": [
            {"heading": "Kết quả tự đánh giá", "content": [
                f"Ban phát triển bản báo cáo kết quả tự đánh giá theo {_set_name(case)}: "
                f"{label} đạt {village.met_count}/{village.total} tiêu chí.",
            ]},
            {"heading": "Ý kiến thảo luận", "content": [{"bullets": list(m.discussion)}] if m.discussion
             else ["Các hộ dự họp nhất trí với kết quả tự đánh giá, không có ý kiến khác."]},
            {"heading": "Kết quả biểu quyết", "content": [f"Có {_vote(m)} đề nghị xét, công nhận {phrase}."]},
        ]},
        f"Cuộc họp kết thúc vào hồi {m.end} cùng ngày. Biên bản đã được đọc lại cho các hộ dự họp cùng nghe "
        "và nhất trí thông qua.",
    ]
    data = {
        "kind": "bien-ban",
        "issuer": {"superior": _short_issuer(inp.commune.issuer.name), "name": ["Ban phát triển", label]},
        "number": m.number, "symbol": "BB-BPT", "place": inp.commune.place, "date": m.date,
        "subject": f"Họp đề nghị xét, công nhận {phrase}", "body": body, "end_mark": False,
        "signer": {"title": "Trưởng bản", "name": m.chair.name}, "distribution": None,
        "secretary": {"title": "Thư ký", "name": m.secretary.name},
        "chair": {"title": "Chủ trì", "name": m.chair.name},
    }
    doc = _doc(data, f"biên bản họp {village.name}")
    return Composed("bien_ban_hop_ban", "bien-ban", f"Biên bản họp {label}", document_view(doc), doc)


def bao_cao_ket_qua(inp: VillageDossierInput, case: VillageCase) -> Composed:
    r = case.commune
    per_village = []
    for v in r.villages:
        line = _village_result(v)
        if not v.all_met:
            line += "; chưa đạt: " + "; ".join(shortfalls(v))
        per_village.append(line)
    body: list[Any] = [
        {"part": "Tổ chức đánh giá", "content": [
            f"Ủy ban nhân dân {case.unit} chỉ đạo Ban phát triển các bản tự đánh giá, Ban Quản lý xây dựng nông "
            f"thôn mới xã rà soát mức độ đạt các tiêu chí của từng bản theo {_set_name(case)}. Kết quả Đạt, "
            "Chưa đạt được tính từ số liệu và mức đạt chuẩn của bộ tiêu chí.",
        ]},
        {"part": "Kết quả đánh giá", "content": [
            f"Tổng số bản được đánh giá: {len(r.villages)}; số bản đạt đủ {r.villages[0].total if r.villages else 0} "
            f"tiêu chí: {r.villages_met}.",
            {"bullets": per_village},
            *_unverified(case),
            "Chi tiết tại biểu tổng hợp kèm theo Báo cáo này.",
        ]},
        {"part": "Kiến nghị, đề xuất", "content": [
            f"Ủy ban nhân dân {case.unit} đề nghị {inp.commune.recipient} xem xét, công nhận {_phrase(case)}. "
            "Các bản chưa đạt chuẩn tiếp tục thực hiện các tiêu chí còn thiếu trong kế hoạch năm tiếp theo.",
        ]},
    ]
    subject = f"Kết quả đánh giá mức độ đạt các tiêu chí bản nông thôn mới năm {case.year} của {case.unit}"
    doc = _commune_doc(inp, case, "bao_cao_ket_qua", "bao-cao", "BC", subject, body)
    view = document_view(doc)
    view["annex"] = {
        "heading": "Phụ lục",
        "title": f"Biểu tổng hợp kết quả đánh giá các tiêu chí bản nông thôn mới năm {case.year}",
        "reference": f"(Kèm theo Báo cáo {_cite(inp, 'bao_cao_ket_qua', 'BC-UBND', case.year)} "
                     f"của Ủy ban nhân dân {case.unit})",
        "table": evaluation_table(r),
    }
    return Composed("bao_cao_ket_qua", "bao-cao-kem-bieu",
                    f"Báo cáo kết quả đánh giá các tiêu chí bản nông thôn mới năm {case.year}", view, doc)


def quyet_dinh(inp: VillageDossierInput, case: VillageCase) -> Composed:
    d = inp.decision
    ref = doc_ref(inp.documents, "quyet_dinh")
    where = ", ".join(p for p in (case.unit, case.district) if p)
    if case.several:
        first = (f"Công nhận {vntext.doc_number(len(case.requested))} bản thuộc {where} đạt chuẩn nông thôn mới "
                 f"năm {case.year} theo {case.village_set.display_name}, gồm: {case.names()} "
                 "(có danh sách kèm theo).")
    else:
        first = (f"Công nhận {case.names()}, {where} đạt chuẩn nông thôn mới năm {case.year} "
                 f"theo {case.village_set.display_name}.")
    articles = [
        {"text": first},
        {"text": f"Ủy ban nhân dân {case.unit} có trách nhiệm chỉ đạo "
                 + ("các bản" if case.several else case.names())
                 + " tiếp tục duy trì, nâng cao chất lượng các tiêu chí bản nông thôn mới; "
                   "phát huy vai trò chủ thể của người dân trong xây dựng nông thôn mới."},
        {"text": "Quyết định này có hiệu lực kể từ ngày ký. " + ", ".join(d.executors)
                 + " chịu trách nhiệm thi hành Quyết định này./."},
    ]
    proposal = d.proposal or (f"Theo đề nghị của Ủy ban nhân dân {case.unit} tại Tờ trình "
                              f"{_cite(inp, 'to_trinh', 'TTr-UBND', case.year)}")
    subject = f"Về việc công nhận {_phrase(case)}"
    data = {
        "kind": "quyet-dinh", "issuer": d.issuer.model_dump(), "number": ref.number, "symbol": d.symbol,
        "place": d.place, "date": ref.date, "year": None if ref.date else case.year, "subject": subject,
        "authority_line": d.authority_line, "legal_bases": list(d.legal_bases), "proposal": proposal,
        "articles": articles, "signer": d.signer.model_dump(), "distribution": list(d.distribution),
        "archive": d.archive,
    }
    if case.several:
        data["annex"] = {
            "heading": "Phụ lục",
            "title": f"Danh sách bản đạt chuẩn nông thôn mới năm {case.year}",
            "reference": f"(Kèm theo Quyết định {_cite(inp, 'quyet_dinh', d.symbol, case.year)} "
                         f"của {d.authority_line})",
            "table": None,
        }
    doc = _doc(data, "quyet_dinh")
    view = document_view(doc)
    if case.several:
        view["annex"] = {**view["annex"], "table": decision_table(case)}
    return Composed("quyet_dinh", "quyet-dinh", f"Quyết định công nhận bản đạt chuẩn nông thôn mới năm {case.year}",
                    view, doc)


def compose_all(inp: VillageDossierInput, case: VillageCase) -> list[Composed]:
    """In the dossier's order: tờ trình, the villages' minutes, the report, the decision."""
    minutes = [bien_ban(inp, case, v) for v in case.requested if v.name in inp.meetings]
    return [to_trinh(inp, case), *minutes, bao_cao_ket_qua(inp, case), quyet_dinh(inp, case)]


def missing_meetings(inp: VillageDossierInput, case: VillageCase) -> list[str]:
    return [v.name for v in case.requested if v.name not in inp.meetings]
