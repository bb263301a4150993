"""Body checks: Kính gửi, body paragraphs, căn cứ, QUYẾT ĐỊNH:, Điều, Phụ lục."""

from __future__ import annotations

import re

from ..layout.rules import first_line_indents_mm, rules, size_range
from .registry import Context, check
from .style import expect_size, expect_style, num, short
from .view import Block

_HEADING = re.compile(r"^(Phần|Chương|Mục|Tiểu mục)\s+[IVXLC0-9]+\.?$")
ALIGN_VI = {"left": "canh trái", "right": "canh phải", "center": "canh giữa", "justify": "canh đều hai bên"}
PT_MM = 25.4 / 72


def _aggregate(ctx: Context, rule: str, bad: list[tuple[Block, str]], expected: str) -> None:
    """One finding for a rule broken in many paragraphs: the first, and how many."""
    if not bad:
        return
    block, found = bad[0]
    more = f" (và {len(bad) - 1} đoạn khác)" if len(bad) > 1 else ""
    ctx.report(rule, f"{found} ở đoạn '{short(block.text, 50)}'{more}", expected, block)


@check("kinh_gui.missing", "kinh_gui.format", "kinh_gui.list", "kinh_gui.size")
def kinh_gui(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    b = a.kinh_gui
    if b is None:
        if a.kind == "cong_van":  # only a công văn must have one
            ctx.report("kinh_gui.missing", "công văn không có 'Kính gửi:'",
                       "'Kính gửi:' và nơi nhận (một nơi: cùng dòng; nhiều nơi: mỗi nơi một dòng '- …;')",
                       a.vv or a.so)
        return
    if not b.text.startswith("Kính gửi:"):
        ctx.report("kinh_gui.format", f"'{short(b.text)}'", "'Kính gửi:' (có dấu hai chấm)", b)
    expect_style(ctx, "kinh_gui.format", b, bold=False, italic=False)
    expect_size(ctx, "kinh_gui.size", b, "kinh_gui")
    rest = b.text.split(":", 1)[1].strip() if ":" in b.text else ""
    items = a.kinh_gui_items
    if not rest and not items:
        ctx.report("kinh_gui.list", f"'{b.text}' không có nơi nhận", "ghi tên cơ quan, cá nhân nhận văn bản", b)
    for k, item in enumerate(items):
        last = k == len(items) - 1
        end = "." if last else ";"
        if not item.text.startswith("- ") or not item.text.endswith(end):
            ctx.report("kinh_gui.list", f"'{short(item.text)}'",
                       f"mỗi nơi nhận một dòng bắt đầu bằng '- ', kết thúc bằng '{end}'"
                       + (" (dòng cuối)" if last else ""), item)
        expect_size(ctx, "kinh_gui.size", item, "kinh_gui")


def _first_on_page(paras: list[Block], b: Block) -> Block | None:
    return next((x for x in paras if x.page == b.page), None)


def _right_edge(ctx: Context, b: Block) -> float:
    """Where full lines end on the block's page (PDF)."""
    for p in ctx.view.pages:
        if p.first_page == b.page and p.margins_mm.get("right") is not None:
            return p.width_mm - p.margins_mm["right"]
    return max(x1 for _, x1, _ in b.lines)


def _paragraphs(ctx: Context) -> list[Block]:
    out = []
    for b in ctx.anatomy.body:
        if _HEADING.match(b.text) or (b.all_bold and b.align == "center"):
            continue
        out.append(b)
    return out


@check("body.align", "body.indent", "body.spacing", "body.line_spacing", "body.size", "body.end_mark")
def body(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    paras = _paragraphs(ctx)
    if not paras:
        return
    rng = size_range("body")
    allowed = first_line_indents_mm()
    tol = float(rules().body.first_line_indent_mm.tolerance)
    line_rng = rules().body.line_spacing_lines
    min_gap = float(rules().body.paragraph_spacing_pt.min)
    bad_align, bad_indent, bad_space, bad_line, bad_size = [], [], [], [], []
    previous: Block | None = None
    pdf = ctx.view.source == "pdf"
    for b in paras:
        if b.align is not None and b.align != "justify" and (not pdf or len(b.lines) >= 2):
            bad_align.append((b, ALIGN_VI.get(b.align, b.align)))
        ind = b.first_line_indent_mm
        if pdf and previous is not None and previous.page is not None and b.page == previous.page + 1 \
                and b is _first_on_page(paras, b) and previous.lines and previous.lines[-1][1] >= _right_edge(ctx, previous) - 3:
            ind = None  # the paragraph continues from the previous page
        if ind is not None and not any(abs(ind - v) <= (tol if not pdf else 1.0) for v in allowed):
            if not pdf or len(b.lines) >= 2:
                bad_indent.append((b, f"thụt đầu dòng {num(ind)} mm"))
        if previous is not None and previous.page == b.page:
            if pdf:
                gap = b.space_before_pt
                size = b.size or 14
                if gap is not None and gap - 0.2 * size < min_gap - 1.5:
                    bad_space.append((b, f"khoảng cách giữa các đoạn khoảng {num(max(gap - 0.15 * size, 0))} pt"))
            else:
                space = max(b.space_before_pt or 0, previous.space_after_pt or 0)
                if space < min_gap - 0.05:
                    bad_space.append((b, f"khoảng cách giữa các đoạn {num(space)} pt"))
        if not pdf:
            if b.line_spacing_lines is not None and not (float(line_rng.min) - 0.01 <= b.line_spacing_lines <= float(line_rng.max) + 0.01):
                bad_line.append((b, f"giãn dòng {num(b.line_spacing_lines)} dòng"))
            elif b.line_spacing_pt is not None and b.size:
                low = b.size * float(rules().body.single_line_height_em.min) - 0.5
                high = b.size * float(rules().body.single_line_height_em.max) * float(line_rng.max) + 0.5
                if not low <= b.line_spacing_pt <= high:
                    bad_line.append((b, f"giãn dòng chính xác {num(b.line_spacing_pt)} pt"))
        elif len(b.lines) >= 2 and b.size:
            pitches = [(t2 - t1) / PT_MM for (_, _, t1), (_, _, t2) in zip(b.lines, b.lines[1:])]
            ratio = min(pitches) / b.size
            if not (1.0 <= ratio <= 1.15 * float(line_rng.max) + 0.1):
                bad_line.append((b, f"khoảng cách dòng {num(min(pitches))} pt"))
        wrong = [s for s in b.sizes if not rng.contains(s, 0.26)]
        if wrong:
            bad_size.append((b, f"cỡ {', '.join(num(s) for s in sorted(wrong))} pt"))
        previous = b
    _aggregate(ctx, "body.align", bad_align, "canh đều hai lề")
    _aggregate(ctx, "body.indent", bad_indent, "thụt đầu dòng 1 cm hoặc 1,27 cm")
    _aggregate(ctx, "body.spacing", bad_space, f"khoảng cách giữa các đoạn văn tối thiểu {num(min_gap)} pt")
    _aggregate(ctx, "body.line_spacing", bad_line, "khoảng cách giữa các dòng từ 1 dòng (single) đến 1,5 dòng")
    _aggregate(ctx, "body.size", bad_size, f"cỡ chữ {rng} pt")
    end_mark = str(rules().body.end_mark.text)
    body_text = [b for b in a.body if b.text]
    if a.kind not in ("bien_ban", "other") and body_text and not any(b.text.endswith(end_mark) for b in body_text[-3:]):
        ctx.report("body.end_mark", f"đoạn cuối '{short(body_text[-1].text, 50)}'",
                   f"kết thúc nội dung bằng dấu '{end_mark}'", body_text[-1])


@check("can_cu.style", "can_cu.punctuation", "quyet_dinh.label", "dieu.numbering", "dieu.style")
def decision(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party:
        return
    bases = a.can_cu
    bad_style = []
    for k, b in enumerate(bases):
        probe = Context(ctx.view, ctx.anatomy)
        expect_style(probe, "can_cu.style", b, italic=True, bold=False)
        expect_size(probe, "can_cu.style", b, "can_cu")
        if probe.findings:
            bad_style.append((b, "; ".join(f.found.split("' ", 1)[-1] for f in probe.findings)))
        last = k == len(bases) - 1
        end = "." if last else ";"
        if a.kind in ("quyet_dinh", "nghi_quyet") and not b.text.endswith(end):
            ctx.report("can_cu.punctuation", f"'{short(b.text, 60)}'",
                       f"mỗi căn cứ một dòng kết thúc bằng ';', dòng cuối bằng '.' (dòng này cần '{end}')", b)
    _aggregate(ctx, "can_cu.style", bad_style, "căn cứ ban hành in nghiêng, không đậm, cỡ chữ như nội dung")
    if a.kind == "quyet_dinh":
        q = a.quyet_dinh_label
        if q is None:
            ctx.report("quyet_dinh.label", "không có dòng 'QUYẾT ĐỊNH:'", "dòng 'QUYẾT ĐỊNH:' in đậm, canh giữa, "
                       "sau các căn cứ", a.ten_loai)
        else:
            expect_style(ctx, "quyet_dinh.label", q, bold=True)
            if q.align not in (None, "center"):
                ctx.report("quyet_dinh.label", f"'{q.text}' {ALIGN_VI.get(q.align, q.align)}", "canh giữa", q)
    expected = 1
    for b in a.dieu:
        m = re.match(r"^Điều\s+([0-9]+)(\.?)", b.text)
        n = int(m.group(1))
        if n != expected or not m.group(2):
            ctx.report("dieu.numbering", f"'{short(b.text, 40)}'",
                       f"'Điều {expected}.' (đánh số liên tục từ 1, sau số có dấu chấm)", b)
        expected = n + 1
        label = [s for s in b.visible()][:2]
        if label and not label[0].bold:
            ctx.report("dieu.style", f"'{short(b.text, 40)}' không in đậm", "'Điều N.' và tên điều in đậm", b)


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@check("phu_luc.numbering", "phu_luc.style")
def annexes(ctx: Context) -> None:
    a = ctx.anatomy
    if a.party or not a.phu_luc:
        return
    many = len(a.phu_luc) >= 2
    for k, b in enumerate(a.phu_luc):
        parts = b.text.split()
        number = parts[2] if len(parts) > 2 else ""
        if many and (k >= len(_ROMAN) or number != _ROMAN[k]):
            ctx.report("phu_luc.numbering", f"'{b.text}'", f"từ hai phụ lục trở lên đánh số La Mã: 'Phụ lục {_ROMAN[min(k, 11)]}'", b)
        expect_style(ctx, "phu_luc.style", b, bold=True)
        expect_size(ctx, "phu_luc.style", b, "phu_luc_label")
