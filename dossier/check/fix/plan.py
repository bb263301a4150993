"""Which finding each fixer answers, in which order, and why the others are
left to a person."""

from __future__ import annotations

from ..recognise import Anatomy
from ..view import DocumentView
from . import elements, lines, page, wording
from .formatting import Formatter
from .model import FixContext, FixReport

# Why a finding is left to a person (by rule id, then by prefix).
REASONS = {
    "signature.missing": "thiếu quyền hạn, chức vụ người ký: chỉ người có thẩm quyền biết ai ký và ký với tư cách nào",
    "signer_name.missing": "thiếu họ tên người ký: người soạn phải ghi đúng người ký",
    "signature.prefix": "cách ghi thẩm quyền ký (TM., KT., TL. …) do người soạn xác định",
    "signature.lines": "tách thẩm quyền và chức vụ thành hai dòng là sửa nội dung khối chữ ký",
    "signer_name.title": "bỏ học hàm, học vị trước tên là sửa chữ; người soạn sửa",
    "kind.ten_loai": "loại văn bản do người soạn xác định, không tự đổi",
    "so.type": "ký hiệu không khớp loại văn bản: cần người soạn xác định đúng loại văn bản",
    "vv.missing": "thiếu trích yếu hoặc văn bản không phải công văn: cần người soạn xác định loại văn bản",
    "page.orientation": "hướng trang gắn với nội dung (bảng biểu); người soạn quyết định",
    "noi_nhan.level": "sắp xếp lại khối nơi nhận và chữ ký cần người soạn",
    "date.in_header": "bỏ dòng ngày tháng là sửa nội dung",
    "size.consistency": "",
    "signature.style": "quyền hạn, chức vụ người ký viết in hoa: đổi chữ thường thành chữ hoa là sửa chữ; người soạn sửa",
    "signer_name.style": "cách viết họ tên người ký (chữ hoa, chữ thường) do người soạn sửa",
    "co_quan.rule": "không xác định chắc dòng chữ cần kẻ đường dưới; người soạn kẻ trong Word",
    "tieu_ngu.rule": "không xác định chắc dòng tiêu ngữ để kẻ đường dưới; người soạn kẻ trong Word",
    "trich_yeu.rule": "không có dòng trích yếu (hoặc bố cục khác mẫu) để kẻ đường dưới; người soạn viết trích yếu "
                      "rồi chạy lại --fix",
}
PREFIX_REASONS = (
    (".missing", "thiếu thành phần thể thức: nội dung phải do người soạn viết"),
    (".format", "sửa cách viết là sửa chữ của văn bản; người soạn sửa"),
    (".text", "chữ khác mẫu không chỉ ở dấu hoặc chữ hoa; không chắc cách sửa"),
    (".calendar", "ngày không có thật: chỉ người soạn biết ngày đúng"),
    (".punctuation", "dấu câu thuộc nội dung; người soạn sửa"),
    (".items", "cách ghi danh sách thuộc nội dung; người soạn sửa"),
    (".last", "dòng cuối nơi nhận thuộc nội dung; người soạn sửa"),
    (".last_usual", "dòng lưu văn thư thuộc nội dung; người soạn sửa"),
    (".list", "danh sách nơi nhận thuộc nội dung; người soạn sửa"),
    (".end_mark", "thêm dấu kết thúc là sửa chữ; người soạn thêm './.' nếu đúng là hết nội dung"),
    (".numbering", "đánh số lại điều, phụ lục là sửa nội dung"),
    (".case", "đổi chữ hoa, chữ thường là sửa chữ; người soạn sửa"),
    (".leading_zero", "số văn bản do văn thư cấp; không tự sửa"),
    (".label", "nhãn khác mẫu ở chữ; người soạn sửa"),
)
BODY_REASON = ("định dạng đoạn văn của phần nội dung (canh lề, thụt đầu dòng, giãn đoạn, giãn dòng) chưa được "
               "sửa tự động: đoạn văn nhận nhầm (tiêu đề, bảng) sẽ bị hỏng; người soạn chỉnh trong Word")


def run_fixes(doc, view: DocumentView, anatomy: Anatomy, report: FixReport) -> None:
    ctx = FixContext(doc, view, anatomy, report)
    found = {f.rule for f in report.before.findings} if report.before else set()
    if anatomy.kind == "party":
        return
    done: set[str] = set()

    def did(rule: str, ok: bool) -> None:
        if ok:
            done.add(rule)

    if "page.size" in found:
        did("page.size", page.fix_paper(ctx))
    if "page.margins" in found:
        did("page.margins", page.fix_margins(ctx))
    if "font.family" in found:
        did("font.family", page.fix_fonts(ctx))
    if "quoc_hieu.text" in found:
        did("quoc_hieu.text", wording.fix_national_title(ctx))
    for rule in ("tieu_ngu.dash", "tieu_ngu.text"):
        if rule in found:
            did(rule, wording.fix_motto(ctx, rule))
    if "date.leading_zero" in found:
        did("date.leading_zero", wording.fix_date_zeros(ctx))
    fmt = Formatter(doc)
    for rule in elements.ELEMENT_RULES:
        if rule in found:
            did(rule, elements.fix_element_rule(ctx, fmt, rule))
    if "ten_loai.style" in found:
        did("ten_loai.style", elements.fix_type_name_alignment(ctx))
    if "size.consistency" in found:
        did("size.consistency", elements.fix_size_consistency(ctx, fmt))
    if "font.color" in found:
        did("font.color", elements.fix_colour(ctx))
    touched = {c.rule.split(".")[0] for c in report.changes} | ({"tieu_ngu"} if "size.consistency" in done else set())
    for rule in lines.SPECS:
        if rule in found:
            did(rule, lines.fix_rule(ctx, rule))
        elif rule.split(".")[0] in touched:
            lines.refit_rule(ctx, rule)  # the line above changed size or wording
    if "page_number.missing" in found:
        did("page_number.missing", page.fix_page_numbers(ctx))
    if "page_number.first_page" in found:
        did("page_number.first_page", page.fix_first_page_number(ctx))
    if "page_number.size" in found:
        did("page_number.size", _page_number_size(ctx))
    for f in report.before.findings if report.before else []:
        if f.rule in done or any(r.rule == f.rule for r in report.refusals):
            continue
        reason = _reason(f.rule)
        if reason:
            ctx.refuse(f.rule, f.element, f.found, reason)


def _reason(rule: str) -> str:
    if rule in REASONS:
        return REASONS[rule]
    if rule.startswith("body."):
        return BODY_REASON
    for suffix, reason in PREFIX_REASONS:
        if rule.endswith(suffix):
            return reason
    return "sửa tự động không chắc chắn đúng; người soạn cần xem lại"


def _page_number_size(ctx: FixContext) -> bool:
    """PAGE field runs in the headers at the decree's size."""
    from docx.oxml.ns import qn

    from ...layout import profile as P
    from ...layout.rules import size_range
    from ...layout.wordml import set_child
    from .docxml import W, rpr

    rng = size_range("page_number")
    target = P.ELEMENTS["page_number"].size
    count = 0
    for section in ctx.doc.sections:
        for part in (section.header, section.first_page_header):
            if part.is_linked_to_previous:
                continue
            for p in part._element.iter(f"{W}p"):
                if not any((i.text or "").strip().upper().startswith("PAGE") for i in p.iter(f"{W}instrText")) \
                        and not any((s.get(qn("w:instr")) or "").strip().upper().startswith("PAGE")
                                    for s in p.iter(f"{W}fldSimple")):
                    continue
                for r in p.iter(f"{W}r"):
                    sz = r.find(f"{W}rPr/{W}sz")
                    value = int(sz.get(qn("w:val"))) / 2 if sz is not None else None
                    if value is None or not rng.contains(value, 0.26):
                        set_child(rpr(r), "sz", {"val": str(int(target * 2))})
                        count += 1
    if count:
        ctx.change("page_number.size", "Số trang", f"cỡ chữ số trang → {target:g} pt", "trường PAGE ở đầu trang", None)
    return bool(count)
