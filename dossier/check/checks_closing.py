"""Closing checks: signature block (boxes 7a/7b) and "Nơi nhận" (box 9b)."""

from __future__ import annotations

import re

from ..layout.rules import element, regex, rules
from .recognise import text_lines
from .registry import Context, check
from .style import element_style, expect_size, num, short
from .text import fold_tone, is_upper
from .view import Block


def _lines(blocks: list[Block]) -> list[tuple[Block, str]]:
    return [(b, line) for b in blocks for line in text_lines(b)]


@check("signature.missing", "signature.prefix", "signature.lines", "signature.style", "signature.size",
       "signer_name.missing", "signer_name.style", "signer_name.title")
def signature(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    if not a.signature:
        if a.quoc_hieu is not None and a.kind != "other":
            ctx.report("signature.missing", "không tìm thấy quyền hạn, chức vụ người ký",
                       "khối chữ ký bên phải: 'TM./KT./TL./TUQ./Q. …' và chức vụ in hoa, đậm; họ tên người ký",
                       page=ctx.view.page_count)
        return
    lines = _lines(a.signature)
    strict = regex("signing.prefix_regex")
    loose = regex("signing.loose_prefix_regex")
    own_titles = [fold_tone(t) for t in rules().signing.own_titles]
    for k, (b, line) in enumerate(lines):
        m = loose.match(line)
        has_prefix = bool(re.match(r"^(TM|KT|TL|TUQ|Q|T/M|K/T|T/L)(\s*[.:]|\s)", line))
        if has_prefix and not strict.match(line):
            ctx.report("signature.prefix", f"'{line}'", "chữ viết tắt thẩm quyền ký 'TM.', 'KT.', 'TL.', 'TUQ.' hoặc "
                       "'Q.', có dấu chấm và một dấu cách, ví dụ 'KT. CHỦ TỊCH'", b)
        if has_prefix and m:
            rest = fold_tone(m.group("rest"))
            run_together = [t for t in own_titles if t in rest and not rest.startswith(t)]
            if k == len(lines) - 1 or run_together:
                ctx.report("signature.lines", f"'{line}' trên một dòng",
                           "chữ viết tắt thẩm quyền và chức vụ người ký trình bày trên hai dòng riêng, "
                           "ví dụ 'KT. CHỦ TỊCH' / 'PHÓ CHỦ TỊCH'", b)
        if not is_upper(line):
            ctx.report("signature.style", f"'{line}'", "quyền hạn, chức vụ người ký viết in hoa", b)
    for b in a.signature:
        element_style(ctx, "signature.style", b, "quyen_han_chuc_vu")
        expect_size(ctx, "signature.size", b, "quyen_han_chuc_vu")
    name = a.signer_name
    if name is None:
        ctx.report("signer_name.missing", "không có họ tên người ký", "họ và tên người ký in đậm, dưới chữ ký",
                   a.signature[-1])
        return
    element_style(ctx, "signer_name.style", name, "ho_ten_nguoi_ky")
    expect_size(ctx, "signer_name.style", name, "ho_ten_nguoi_ky")
    if is_upper(name.text) and len(name.text) > 3:
        ctx.report("signer_name.style", f"'{name.text}' in hoa toàn bộ", "họ tên viết hoa chữ cái đầu mỗi tiếng "
                   "(chữ thường), ví dụ 'Nguyễn Văn A'", name)
    for prefix in element("ho_ten_nguoi_ky").forbidden_prefixes:
        if name.text.startswith(prefix):
            ctx.report("signer_name.title", f"'{name.text}'", "không ghi học hàm, học vị (TS., ThS., PGS. …) "
                       "trước họ tên người ký", name)
            break


@check("noi_nhan.missing", "noi_nhan.label", "noi_nhan.size", "noi_nhan.list_size", "noi_nhan.items",
       "noi_nhan.last", "noi_nhan.last_usual", "noi_nhan.level")
def noi_nhan(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    b = a.noi_nhan
    if b is None:
        if a.kind not in ("bien_ban", "other") and a.quoc_hieu is not None:
            ctx.report("noi_nhan.missing", "không có 'Nơi nhận:'", "'Nơi nhận:' bên trái, ngang hàng với chức vụ người ký; "
                       "danh sách '- …;' và dòng cuối '- Lưu: VT, ….'", a.signature[0] if a.signature else None,
                       page=None if a.signature else ctx.view.page_count)
        return
    label = str(element("noi_nhan_label").text)
    if b.text != label:
        ctx.report("noi_nhan.label", f"'{short(b.text)}'", f"'{label}' (có dấu hai chấm), một dòng riêng", b)
    element_style(ctx, "noi_nhan.label", b, "noi_nhan_label")
    expect_size(ctx, "noi_nhan.size", b, "noi_nhan_label")
    items: list[tuple[Block, str]] = []
    bad: list[tuple[Block, list]] = []  # the list's size and style: one finding for the whole list
    for item in a.noi_nhan_items:
        if item.text.startswith("-") or not items:
            items.append((item, item.text))
        else:  # a wrapped line continues the previous recipient
            items[-1] = (items[-1][0], items[-1][1] + " " + item.text)
        probe = Context(ctx.view, ctx.anatomy)
        expect_size(probe, "noi_nhan.list_size", item, "noi_nhan_list")
        element_style(probe, "noi_nhan.list_size", item, "noi_nhan_list")
        if probe.findings:
            bad.append((item, probe.findings))
    if bad:
        more = f" (và {len(bad) - 1} dòng khác)" if len(bad) > 1 else ""
        ctx.report("noi_nhan.list_size", "; ".join(f.found for f in bad[0][1]) + more,
                   "; ".join(dict.fromkeys(f.expected for _, fs in bad for f in fs)), bad[0][0])
    if not items:
        ctx.report("noi_nhan.items", "'Nơi nhận:' không có danh sách", "mỗi nơi nhận một dòng '- …;', dòng cuối "
                   "'- Lưu: VT, ….'", b)
    else:
        for item, text in items[:-1]:
            if not text.startswith("- ") or not text.endswith(";"):
                ctx.report("noi_nhan.items", f"'{short(text)}'", "mỗi dòng bắt đầu bằng '- ' và kết thúc bằng ';'", item)
        for item, text in items:
            if text.count("(") != text.count(")"):
                ctx.report("noi_nhan.items", f"'{short(text)}' thiếu dấu ngoặc", "dấu ngoặc mở và đóng đủ cặp", item)
        item, text = items[-1]
        if not regex("elements.noi_nhan_list.last_line_pattern").match(text):
            ctx.report("noi_nhan.last", f"'{short(text)}'", "dòng cuối là '- Lưu: VT, …' và kết thúc bằng dấu '.'", item)
        elif not regex("elements.noi_nhan_list.last_line_usual").match(text):
            ctx.report("noi_nhan.last_usual", f"'{short(text)}'", "'- Lưu: VT, <đơn vị soạn thảo>.' như mẫu Phụ lục I",
                       item)
    if a.signature:
        s = a.signature[0]
        level = _level(ctx, b, s)
        if level is not None:
            ctx.report("noi_nhan.level", level, "'Nơi nhận:' bên trái, ngang hàng với dòng đầu quyền hạn, chức vụ "
                       "người ký", b)


def _level(ctx: Context, n: Block, s: Block) -> str | None:
    """None when "Nơi nhận" is level with the signer's first line, else what was found."""
    if n.top_mm is not None and s.top_mm is not None:
        tol = float(element("noi_nhan_label").level_tolerance_mm)
        if n.page != s.page:
            return f"'Nơi nhận:' ở trang {n.page}, chức vụ người ký ở trang {s.page}"
        if abs(n.top_mm - s.top_mm) > tol:
            return f"'Nơi nhận:' lệch {num(abs(n.top_mm - s.top_mm))} mm so với dòng '{short(s.text, 30)}'"
        return None
    if n.cell is not None and s.cell is not None and n.cell[:2] == s.cell[:2] and n.cell[2] < s.cell[2]:
        return None
    if n.cell is None and s.cell is None and s.index == n.index + 1 and n.side == "left" and s.side == "right":
        return None  # one line: "Nơi nhận:<tab>KT. CHỦ TỊCH"
    if n.index > s.index:
        return "'Nơi nhận:' nằm dưới khối chữ ký"
    return "'Nơi nhận:' và khối chữ ký không cùng một hàng"
