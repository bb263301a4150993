"""Header checks: quốc hiệu, tiêu ngữ and its rule, issuing body and its rule,
Số, ký hiệu, place and date, type name and subject, V/v."""

from __future__ import annotations

import datetime as dt
import re

from ..layout.metrics import text_width_mm
from ..layout.rules import element, regex, rules
from .recognise import text_lines
from .registry import Context, check
from .style import element_style, expect_size, num, short
from .text import fold_tone, is_upper
from .view import Block


def _text_width(block: Block) -> float:
    """Width of the block's longest line: measured in a PDF, computed from font
    metrics (Liberation Serif = Times New Roman widths) in a DOCX."""
    if block.lines:
        return max(x1 - x0 for x0, x1, _ in block.lines)
    size = block.size or 13.0
    widest = max(text_width_mm(line, size, block.all_bold, block.all_italic) for line in text_lines(block))
    if block.available_mm and widest > block.available_mm:  # the line wraps: no line is wider than the column
        return block.available_mm
    return widest


def _rule(block: Block) -> tuple[float | None, str]:
    if block.rule_below is not None:
        return block.rule_below.length_mm, block.rule_below.how
    if block.all_bold and block.any_underline and all(s.underline for s in block.visible()):
        return _text_width(block), "gạch chân chữ"
    return None, ""


@check("quoc_hieu.missing", "quoc_hieu.text", "quoc_hieu.style", "quoc_hieu.size")
def quoc_hieu(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    accepted = [str(t) for t in element("quoc_hieu").text]
    if a.quoc_hieu is None:
        ctx.report("quoc_hieu.missing", "không có Quốc hiệu", f"dòng '{accepted[0]}' ở đầu trang 1, bên phải", page=1)
        return
    b = a.quoc_hieu
    if fold_tone(b.text) not in {fold_tone(t) for t in accepted}:
        ctx.report("quoc_hieu.text", f"'{b.text}'", f"'{accepted[0]}' (chữ in hoa, đúng dấu; chấp nhận cả 'HOÀ')", b)
    element_style(ctx, "quoc_hieu.style", b, "quoc_hieu")
    expect_size(ctx, "quoc_hieu.size", b, "quoc_hieu")


@check("tieu_ngu.missing", "tieu_ngu.text", "tieu_ngu.dash", "tieu_ngu.style", "tieu_ngu.size", "tieu_ngu.rule")
def tieu_ngu(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party or a.quoc_hieu is None:
        return
    expected = str(element("tieu_ngu").text)
    b = a.tieu_ngu
    if b is None:
        ctx.report("tieu_ngu.missing", "không có Tiêu ngữ", f"dòng '{expected}' ngay dưới Quốc hiệu", a.quoc_hieu)
        return
    text = fold_tone(b.text)
    dashes = re.sub(r"\s*[–—‐-]\s*", " - ", text)
    if dashes != fold_tone(expected):
        ctx.report("tieu_ngu.text", f"'{b.text}'", f"'{expected}'", b)
    elif text != fold_tone(expected):
        ctx.report("tieu_ngu.dash", f"'{b.text}'", f"'{expected}' (gạch nối '-', mỗi bên một dấu cách)", b)
    element_style(ctx, "tieu_ngu.style", b, "tieu_ngu")
    expect_size(ctx, "tieu_ngu.size", b, "tieu_ngu")
    length, how = _rule(b)
    width = _text_width(b)
    if length is None:
        ctx.report("tieu_ngu.rule", "không có đường kẻ dưới tiêu ngữ",
                   f"đường kẻ liền, dài bằng dòng tiêu ngữ (khoảng {num(width)} mm)", b)
        return
    ratio = element("tieu_ngu").rule_below.length_ratio_of_text
    if not (float(ratio.min) * width - 1.0 <= length <= float(ratio.max) * width + 1.0):
        ctx.report("tieu_ngu.rule", f"{how} dài {num(length)} mm",
                   f"đường kẻ dài bằng dòng tiêu ngữ ({num(width)} mm)", b)


@check("size.consistency")
def size_consistency(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party or not (a.quoc_hieu and a.tieu_ngu):
        return
    qh, tn = a.quoc_hieu.size, a.tieu_ngu.size
    date = a.date.size if a.date is not None else tn  # a biên bản has no date line: compare the other two
    if None in (qh, tn, date):
        return
    if not (tn == qh + 1 and date == tn):
        ctx.report("size.consistency", f"Quốc hiệu {num(qh)}, Tiêu ngữ {num(tn)}" + (f", ngày tháng {num(date)} pt" if a.date else " pt"),
                   "cỡ chữ tăng, giảm đồng bộ: Tiêu ngữ = Quốc hiệu + 1 và ngày tháng = Tiêu ngữ (13/14/14 hoặc 12/13/13)",
                   a.quoc_hieu)


@check("co_quan.missing", "co_quan.style", "co_quan.size", "co_quan.case", "co_quan.rule")
def co_quan(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party or a.quoc_hieu is None:
        return
    if not a.issuer:
        lower = [b for b in ctx.view.blocks[: ctx.view.blocks.index(a.so) if a.so in ctx.view.blocks else 0]
                 if b.side == "left" and b.text and not is_upper(b.text)]
        if lower:
            ctx.report("co_quan.case", f"'{short(lower[0].text)}'", "tên cơ quan viết in hoa", lower[0])
        else:
            ctx.report("co_quan.missing", "không có tên cơ quan ban hành",
                       "tên cơ quan ban hành in hoa, đậm, ở đầu trang 1 bên trái", page=1)
        return
    for b in a.superior:
        element_style(ctx, "co_quan.style", b, "co_quan_chu_quan")
        expect_size(ctx, "co_quan.size", b, "co_quan_chu_quan")
    for b in a.issuer:
        element_style(ctx, "co_quan.style", b, "co_quan_ban_hanh")
        expect_size(ctx, "co_quan.size", b, "co_quan_ban_hanh")
    last = a.issuer[-1]
    width = max(_text_width(b) for b in a.issuer)
    length, how = _rule(last)
    rule = element("co_quan_ban_hanh").rule_below
    low, high = float(rule.length_ratio_of_text.min), float(rule.length_ratio_of_text.max)
    tol = float(rule.tolerance)
    if length is None:
        ctx.report("co_quan.rule", "không có đường kẻ dưới tên cơ quan",
                   f"đường kẻ liền dài 1/3–1/2 dòng chữ ({num(width * low)}–{num(width * high)} mm)", last)
    elif not (low - tol <= length / width <= high + tol):
        ctx.report("co_quan.rule", f"{how} dài {num(length)} mm ({length / width:.0%} dòng chữ)",
                   f"dài 1/3–1/2 dòng chữ dài nhất ({num(width * low)}–{num(width * high)} mm)", last)


def _so_text(b: Block) -> str:
    return re.sub(r"\s+", " ", b.text).strip()


@check("so.missing", "so.format", "so.leading_zero", "so.size", "so.type")
def so(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    if a.so is None:
        if a.quoc_hieu is not None and a.kind != "other":
            ctx.report("so.missing", "không có dòng 'Số:'", "dòng 'Số: …/…' dưới tên cơ quan ban hành", page=1)
        return
    b = a.so
    text = _so_text(b)
    pats = {name: regex(f"number.{name}") for name in ("typed_regex", "cong_van_regex", "copy_regex", "blank_regex")}
    matched = {name: p.match(text) for name, p in pats.items()}
    if matched["blank_regex"]:
        ctx.note(f"Dự thảo: số văn bản để trống ('{text}'), sẽ cấp khi văn bản được ban hành; đây không phải lỗi.")
    if not any(matched.values()):
        loose = regex("number.loose_regex").match(text)
        if loose and re.fullmatch(r"[1-9]", loose.group("number") or ""):
            fixed = re.sub(r"(Số\s*:?\s*)([1-9])(\s*/)", r"\g<1>0\2\3", text, count=1)
            ctx.report("so.leading_zero", f"'{text}'",
                       f"số dưới 10 phải có số 0 đứng trước (0{loose.group('number')})", b)
            if not any(p.match(fixed) for p in pats.values()):
                ctx.report("so.format", f"'{text}'", _so_expected(), b)
        else:
            ctx.report("so.format", f"'{text}'", _so_expected(), b)
    else:
        typed = matched["typed_regex"]
        abbr = rules().document_types[a.kind].get("abbreviation") if a.kind in rules().document_types else None
        if a.kind == "cong_van" and typed:
            ctx.report("so.type", f"'{text}'", "công văn ghi ký hiệu 'cơ quan-đơn vị soạn thảo' (ví dụ 05/UBND-NN), "
                       "không ghi chữ viết tắt tên loại", b)
        elif abbr and typed and typed.group("type") != abbr:
            ctx.report("so.type", f"'{text}'", f"ký hiệu tên loại '{abbr}' cho {rules().document_types[a.kind].label}", b)
        elif abbr and matched["cong_van_regex"]:
            ctx.report("so.type", f"'{text}'", f"ký hiệu bắt đầu bằng '{abbr}-' cho {rules().document_types[a.kind].label}", b)
    expect_size(ctx, "so.size", b, "so_ky_hieu")


def _so_expected() -> str:
    return ("'Số: <số>/<ký hiệu>', ví dụ 'Số: 05/UBND-NN' hoặc 'Số: 15/QĐ-UBND'; số dưới 10 có số 0 đứng trước; "
            "ký hiệu in hoa, các nhóm nối bằng '-' không có dấu cách")


@check("date.missing", "date.format", "date.leading_zero", "date.calendar", "date.place", "date.style",
       "date.size", "date.in_header")
def date_line(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party or a.quoc_hieu is None:
        return
    no_date = rules().document_types.get(a.kind, {}).get("has_date_in_header") is False
    if a.date is None:
        if not no_date and a.kind != "other":
            ctx.report("date.missing", "không có dòng địa danh, ngày tháng",
                       "'<Địa danh>, ngày … tháng … năm …' in nghiêng, dưới tiêu ngữ", page=1)
        return
    b = a.date
    if no_date:
        ctx.report("date.in_header", f"'{b.text}'", "biên bản không ghi địa danh, ngày tháng ở phần đầu "
                   "(thời gian ghi trong nội dung)", b)
    text = re.sub(r"\s+", " ", b.text).strip()
    full = regex("date.regex").match(text)
    blank = regex("date.blank_regex").match(text) or regex("date.draft_regex").match(text)
    if blank and not full:
        ctx.note(f"Dự thảo: ngày ban hành để trống ('{text}'), sẽ ghi khi văn bản được ban hành; "
                 "đây không phải lỗi.")
        month = blank.groupdict().get("month")
        if month in ("1", "2"):
            ctx.report("date.leading_zero", f"'{text}'", f"tháng {month} viết 0{month}", b)
    place = (full or blank).group("place") if (full or blank) else text.split(",")[0]
    if not (full or blank):
        loose = regex("date.loose_regex").match(text)
        if loose:
            day, month, year = loose.group("day"), loose.group("month"), loose.group("year")
            problems = []
            d, m = int(day), int(month)
            if 1 <= d <= 9 and len(day) != 2:
                problems.append(f"ngày từ 1 đến 9 viết 0{d} (tìm thấy 'ngày {day}')")
            if d >= 10 and day.startswith("0"):
                problems.append(f"ngày {d} không có số 0 đứng trước")
            if m in (1, 2) and len(month) != 2:
                problems.append(f"tháng {m} viết 0{m}")
            if 3 <= m <= 12 and month.startswith("0"):
                problems.append(f"tháng 3 đến tháng 12 không viết số 0 đứng trước (tháng {m}, không phải tháng {month})")
            if problems:
                ctx.report("date.leading_zero", f"'{text}'", "; ".join(problems), b)
            if len(year) != 4:
                ctx.report("date.format", f"'{text}'", "năm viết đủ 4 chữ số", b)
            try:
                dt.date(int(year), m, d)
            except ValueError:
                ctx.report("date.calendar", f"'{text}'", "ngày tháng phải có thật trong lịch", b)
        else:
            ctx.report("date.format", f"'{text}'", "'<Địa danh>, ngày DD tháng M năm YYYY', ví dụ "
                       "'Tam Đường, ngày 05 tháng 3 năm 2024'", b)
    elif full:
        try:
            dt.date(int(full.group("year")), int(full.group("month")), int(full.group("day")))
        except ValueError:
            ctx.report("date.calendar", f"'{text}'", "ngày tháng phải có thật trong lịch", b)
    if place and not place[0].isupper():
        ctx.report("date.place", f"'{text}'", "địa danh viết hoa chữ cái đầu, sau đó là dấu phẩy", b)
    element_style(ctx, "date.style", b, "dia_danh_thoi_gian")
    expect_size(ctx, "date.size", b, "dia_danh_thoi_gian")


@check("kind.ten_loai", "ten_loai.style", "trich_yeu.style", "trich_yeu.rule")
def type_and_subject(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    if a.kind == "cong_van":
        start = ctx.view.blocks.index(a.vv) + 1 if a.vv in ctx.view.blocks else 0
        for b in ctx.view.blocks[start:start + 4]:
            if fold_tone(b.text).upper().rstrip(":") == "CÔNG VĂN":
                ctx.report("kind.ten_loai", f"'{b.text}'", "công văn không có dòng tên loại; trích yếu ghi ở dòng 'V/v …'", b)
    if a.ten_loai is None:
        return
    b = a.ten_loai
    if a.kind == "other":
        ctx.note(f"'{short(b.text, 50)}' không phải một loại văn bản hành chính theo Điều 7 Nghị định 30/2020/NĐ-CP: "
                 "chỉ kiểm tra thể thức trình bày chung (khổ giấy, lề, phông, cỡ chữ, Quốc hiệu, tên cơ quan), "
                 "không đòi hỏi số, ký hiệu, trích yếu, Nơi nhận hay chữ ký theo mẫu.")
    element_style(ctx, "ten_loai.style", b, "ten_loai")
    expect_size(ctx, "ten_loai.style", b, "ten_loai")
    if b.align not in (None, "center"):
        ctx.report("ten_loai.style", f"'{b.text}' canh {b.align}", "canh giữa", b)
    if not a.trich_yeu:
        if a.kind != "other" and _rule(b)[0] is None:
            ctx.report("trich_yeu.rule", "không có trích yếu và đường kẻ dưới tên loại",
                       "trích yếu nội dung dưới tên loại, có đường kẻ liền dài 1/3–1/2 dòng chữ bên dưới", b)
        return
    for t in a.trich_yeu:
        element_style(ctx, "trich_yeu.style", t, "trich_yeu")
        expect_size(ctx, "trich_yeu.style", t, "trich_yeu")
    last = a.trich_yeu[-1]
    width = max(_text_width(t) for t in a.trich_yeu)
    length, how = _rule(last)
    rule = element("trich_yeu").rule_below
    low, high, tol = float(rule.length_ratio_of_text.min), float(rule.length_ratio_of_text.max), float(rule.tolerance)
    if length is None:
        ctx.report("trich_yeu.rule", "không có đường kẻ dưới trích yếu",
                   f"đường kẻ liền dài 1/3–1/2 dòng chữ ({num(width * low)}–{num(width * high)} mm)", last)
    elif not (low - tol <= length / width <= high + tol):
        ctx.report("trich_yeu.rule", f"{how} dài {num(length)} mm ({length / width:.0%} dòng chữ)",
                   f"dài 1/3–1/2 dòng chữ ({num(width * low)}–{num(width * high)} mm)", last)


@check("vv.missing", "vv.format", "vv.style", "vv.size")
def vv(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    if a.kind != "cong_van":
        return
    b = a.vv
    if b is None:
        ctx.report("vv.missing", "công văn không có dòng trích yếu 'V/v …'",
                   "dòng 'V/v <nội dung>' dưới số, ký hiệu", a.so or a.kinh_gui)
        return
    text = b.text
    if not text.startswith("V/v ") or re.match(r"^V/v\s*:", text):
        ctx.report("vv.format", f"'{short(text)}'", "bắt đầu bằng 'V/v ' (V hoa, v thường), không có dấu hai chấm", b)
    element_style(ctx, "vv.style", b, "trich_yeu_cong_van")
    expect_size(ctx, "vv.size", b, "trich_yeu_cong_van")
