"""The few text fixes that are certain: the date's leading zeros, the motto's
hyphens and spelling, the national title's spelling. Content words are never
touched; the form's fixed lines are replaced only when their letters,
ignoring diacritics and case, are exactly the decree's."""

from __future__ import annotations

import re

from ...layout.rules import element, regex
from ..text import bare, fold_tone
from ..view import clean
from .docxml import find_segment, raw_text, replace_span
from .model import FixContext, TextEdit

_DATE_NUMBERS = re.compile(r"(ngày\s*)([0-9]{1,2})(\s*tháng\s*)([0-9]{1,2})(\s*năm)")


def _locate(ctx: FixContext, block) -> tuple[object, tuple[int, int]] | None:
    """The paragraph of ``block`` and where its text lies in it."""
    paras = ctx.paragraphs_of([block])
    if block is None or not paras:
        return None
    span = find_segment(paras[0], block.text)
    return (paras[0], span) if span is not None else None


def fix_date_zeros(ctx: FixContext) -> bool:
    """'ngày 5 tháng 03' → 'ngày 05 tháng 3', choosing the form date.regex accepts."""
    b = ctx.anatomy.date
    found = _locate(ctx, b)
    if found is None:
        return False
    p, span = found

    raw = raw_text(p)
    seg = raw[span[0]:span[1]]
    m = _DATE_NUMBERS.search(seg)
    if not m:
        return False
    day, month = int(m.group(2)), int(m.group(4))
    pattern = regex("date.regex")
    best = None
    for d in dict.fromkeys((str(day), f"{day:02d}")):
        for mo in dict.fromkeys((str(month), f"{month:02d}")):
            candidate = seg[:m.start(2)] + d + seg[m.end(2):m.start(4)] + mo + seg[m.end(4):]
            if pattern.match(clean(candidate)):
                best = (d, mo)
                break
        if best:
            break
    if best is None:
        return False
    d, mo = best
    old_line = clean(seg)
    # edit the month first: its position does not move the day's
    if mo != m.group(4):
        replace_span(p, span[0] + m.start(4), span[0] + m.end(4), mo)
    if d != m.group(2):
        replace_span(p, span[0] + m.start(2), span[0] + m.end(2), d)
    new_line = clean(raw_text(p)[span[0]:span[1] + len(d) - len(m.group(2)) + len(mo) - len(m.group(4))])
    if new_line == old_line:
        return False
    ctx.report.text_edits.append(TextEdit(old_line, new_line))
    ctx.change("date.leading_zero", str(element("dia_danh_thoi_gian").label),
               f"'ngày {m.group(2)} tháng {m.group(4)}' → 'ngày {d} tháng {mo}'", "", b)
    return True


def _replace_fixed_line(ctx: FixContext, rule: str, block, expected: str, label: str) -> bool:
    found = _locate(ctx, block)
    if found is None:
        return False
    p, span = found
    if bare(block.text) != bare(expected):
        ctx.refuse(rule, label, f"'{block.text}'",
                   f"chữ khác với mẫu '{expected}' không chỉ ở dấu, chữ hoa hay gạch nối; không chắc sửa thế nào "
                   "là đúng, người soạn cần sửa")
        return False
    old = replace_span(p, span[0], span[1], expected)
    old_line = clean(old)
    if old_line == expected:
        return False
    ctx.report.text_edits.append(TextEdit(old_line, expected))
    ctx.change(rule, label, f"'{old_line}' → '{expected}'", "", block)
    return True


def fix_motto(ctx: FixContext, rule: str) -> bool:
    b = ctx.anatomy.tieu_ngu
    expected = str(element("tieu_ngu").text)
    if b is None or fold_tone(b.text) == fold_tone(expected):
        return False
    return _replace_fixed_line(ctx, rule, b, expected, str(element("tieu_ngu").label))


def fix_national_title(ctx: FixContext) -> bool:
    b = ctx.anatomy.quoc_hieu
    accepted = [str(t) for t in element("quoc_hieu").text]
    if b is None or fold_tone(b.text) in {fold_tone(t) for t in accepted}:
        return False
    # keep the writer's choice of tone placement when the rest is right
    expected = accepted[1] if "HOÀ" in b.text and len(accepted) > 1 else accepted[0]
    return _replace_fixed_line(ctx, "quoc_hieu.text", b, expected, str(element("quoc_hieu").label))
