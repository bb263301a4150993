"""The short rules under the issuing body, the motto and the subject line.

A rule that is missing, too long or too short is replaced by the rule
dossier's own templates use: an empty paragraph in the rule style of
``layout/profile.py`` ("VB Gạch dưới cơ quan" …) carrying a bottom border,
its indents setting its length and centring it under the text. A rule drawn
nearby at an allowed length is left alone (whatever the reader made of it);
a rule typed with characters ('_____') is text, so it is left to a person.
"""

from __future__ import annotations

import re

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ...layout import profile as P
from ...layout.docx_blocks import add_style
from ...layout.metrics import text_width_mm
from ...layout.rules import element
from ..docx_drawings import EMU_MM, MC, WP, drawing_line, in_fallback, vml_line
from ..docx_styles import StyleSheet, twips_mm
from ..recognise import text_lines
from ..style import num as _num
from .docxml import W, child, has_text, next_sibling_paragraphs, paragraph_text, text_runs
from .model import FixContext

DEFAULT_CELL_MARGIN_MM = P.CELL_PADDING_MM
_TYPED_RULE = re.compile(r"^[\s_\-–—¯=~*.·&\u0080-\u009f]{3,}$")

# rule id -> (anatomy attribute, yaml element, profile rule element, ratio)
SPECS = {
    "co_quan.rule": ("issuer", "co_quan_ban_hanh", "issuer_rule", P.ISSUER_RULE_RATIO),
    "tieu_ngu.rule": ("tieu_ngu", "tieu_ngu", "tieu_ngu_rule", P.MOTTO_RULE_RATIO),
    "trich_yeu.rule": ("trich_yeu", "trich_yeu", "subject_rule", P.SUBJECT_RULE_RATIO),
}


def _drawings(p, top_only: bool = False) -> list[tuple[object, float]]:
    """(element to remove, length mm) of the horizontal lines drawn in paragraph ``p``
    (read as the checker reads them); ``top_only``: anchored at the paragraph's top,
    i.e. drawn in the gap above it."""
    out = []
    for el in p.iter(f"{WP}inline", f"{WP}anchor", f"{W}pict"):
        if in_fallback(el, p):
            continue
        drawn = vml_line(el) if el.tag == f"{W}pict" else drawing_line(el)
        if drawn is None:
            continue
        if top_only and (drawn.inline or drawn.y_from not in ("paragraph", "line") or (drawn.y_mm or 0.0) > 3.0):
            continue
        holder = el if el.tag == f"{W}pict" else el.getparent()  # w:pict | w:drawing
        alt = holder.getparent()
        while alt is not None and alt is not p and alt.tag not in (f"{MC}AlternateContent", f"{W}r"):
            alt = alt.getparent()
        out.append((alt if alt is not None and alt.tag == f"{MC}AlternateContent" else holder, drawn.length_mm))
    return out


def _cell_width_mm(p) -> float | None:
    tc = p.getparent()
    while tc is not None and tc.tag != f"{W}tc":
        if tc.tag == f"{W}body":
            return None
        tc = tc.getparent()
    if tc is None:
        return None
    tr = tc.getparent()
    tbl = tr.getparent()
    grid = [twips_mm(g.get(qn("w:w"))) or 0.0 for g in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    col = 0
    for cell in tr.findall(f"{W}tc"):
        span_el = cell.find(f"{W}tcPr/{W}gridSpan")
        span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
        if cell is tc:
            width = sum(grid[col:col + span]) if grid[col:col + span] else None
            break
        col += span
    else:
        width = None
    tcw = tc.find(f"{W}tcPr/{W}tcW")
    if not width and tcw is not None and tcw.get(qn("w:type")) in (None, "dxa"):
        width = twips_mm(tcw.get(qn("w:w")))
    if not width:
        return None
    mar = tbl.find(f"{W}tblPr/{W}tblCellMar/{W}left")
    pad = twips_mm(mar.get(qn("w:w"))) if mar is not None and mar.get(qn("w:type")) in (None, "dxa") else None
    return width - 2 * (pad if pad is not None else DEFAULT_CELL_MARGIN_MM)


def _container_mm(ctx: FixContext, p) -> float:
    width = _cell_width_mm(p)
    if width is not None:
        return width
    s = ctx.doc.sections[0]
    return (s.page_width - s.left_margin - s.right_margin) * EMU_MM


def _next_row_cell_paragraphs(p) -> list:
    """The paragraphs of the cell below ``p``'s cell (same column), when in a table."""
    tc = p.getparent()
    if tc is None or tc.tag != f"{W}tc":
        return []
    tr = tc.getparent()
    index = tr.findall(f"{W}tc").index(tc)
    nxt = tr.getnext()
    while nxt is not None and nxt.tag != f"{W}tr":
        nxt = nxt.getnext()
    if nxt is None:
        return []
    cells = nxt.findall(f"{W}tc")
    return cells[index].findall(f"{W}p") if index < len(cells) else []


def _existing(p) -> tuple[list[tuple[object, float]], list, object | None]:
    """Drawn rules belonging to text paragraph ``p``, empty rule paragraphs after
    it, and the next text paragraph (for a typed rule)."""
    found = list(_drawings(p))
    empties = []
    next_text = None
    for q in next_sibling_paragraphs(p):
        if has_text(q):
            next_text = q
            found += _drawings(q, top_only=True)
            break
        empties.append(q)
        found += _drawings(q)
    if next_text is None or not found:
        for q in _next_row_cell_paragraphs(p):
            if has_text(q):
                found += _drawings(q, top_only=True)
                break
            found += _drawings(q)
    return found, empties, next_text


def _size_bold(sheet: StyleSheet, p) -> tuple[float, bool]:
    for r in text_runs(p):
        chain = sheet.run_rprs(r, p)
        return sheet.size(chain) or 13.0, sheet.toggle(chain, "w:b")
    return 13.0, True


def _text_width(ctx: FixContext, paras: list, blocks: list, container: float) -> float:
    widest = 0.0
    edited = {e.old: e.new for e in ctx.report.text_edits}
    sheet = StyleSheet(ctx.doc)  # styles are not edited while widths are measured
    for p, b in zip(paras, blocks):
        size, bold = _size_bold(sheet, p)
        for line in [edited.get(t, t) for t in text_lines(b)] or [paragraph_text(p)]:
            widest = max(widest, text_width_mm(line, size, bold))
    return min(widest, container)


def _remove(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    parent.remove(el)
    if parent.tag == f"{W}r" and all(c.tag == f"{W}rPr" for c in parent):
        parent.getparent().remove(parent)


def _rule_style_id(ctx: FixContext, key: str) -> str | None:
    name = P.ELEMENTS[key].name
    for st in ctx.doc.styles.element.findall(qn("w:style")):
        n = st.find(qn("w:name"))
        if n is not None and n.get(qn("w:val")) == name and st.get(qn("w:type")) == "paragraph":
            return st.get(qn("w:styleId"))
    try:
        return add_style(ctx.doc, P.ELEMENTS[key]).style_id
    except KeyError:  # no "Normal" style to base it on
        style = ctx.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        return style.style_id


def _ind(p) -> tuple[float, float, str]:
    ppr = p.find(qn("w:pPr"))
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    jc = ppr.find(qn("w:jc")) if ppr is not None else None

    def get(*names):
        for n in names:
            if ind is not None and ind.get(qn(f"w:{n}")) is not None:
                return twips_mm(ind.get(qn(f"w:{n}"))) or 0.0
        return 0.0
    return get("left", "start"), get("right", "end"), (jc.get(qn("w:val")) if jc is not None else "center")


def _insert_rule(ctx: FixContext, p, key: str, length: float, container: float, text_w: float) -> None:
    centre = _centre(p, container, text_w)
    side_l = max(centre - length / 2, 0.0)
    side_r = max(container - centre - length / 2, 0.0)
    new = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ps = OxmlElement("w:pStyle")
    ps.set(qn("w:val"), _rule_style_id(ctx, key))
    ppr.append(ps)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), str(round(side_l * 1440 / 25.4)))
    ind.set(qn("w:right"), str(round(side_r * 1440 / 25.4)))
    ind.set(qn("w:firstLine"), "0")
    ppr.append(ind)
    new.append(ppr)
    p.addnext(new)


def _border_paragraphs(ctx: FixContext, empties: list, container: float) -> list[tuple[object, float]]:
    """Empty paragraphs after the text that draw a rule as a bottom border, with its length."""
    sheet = StyleSheet(ctx.doc)
    out = []
    for q in empties:
        for ppr in sheet.paragraph_pprs(q):
            bottom = ppr.find(f"{W}pBdr/{W}bottom")
            if bottom is not None:
                if (bottom.get(qn("w:val")) or "nil") not in ("nil", "none"):
                    left, right, _ = _ind(q)
                    out.append((q, container - left - right))
                break
    return out


def _set_length(q, length: float, container: float, centre: float) -> None:
    ind = child(child(q, "pPr"), "ind", first=False)
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    ind.set(qn("w:left"), str(round(max(centre - length / 2, 0.0) * 1440 / 25.4)))
    ind.set(qn("w:right"), str(round(max(container - centre - length / 2, 0.0) * 1440 / 25.4)))
    ind.set(qn("w:firstLine"), "0")


def _centre(p, container: float, text_w: float) -> float:
    left, right, jc = _ind(p)
    if jc in ("left", "start", "both"):
        return left + text_w / 2
    if jc in ("right", "end"):
        return container - right - text_w / 2
    return (container + left - right) / 2


def refit_rule(ctx: FixContext, rule: str) -> bool:
    """After a header line changed size or wording: an existing rule still as long as it should be."""
    return fix_rule(ctx, rule, insert=False)


def fix_rule(ctx: FixContext, rule: str, insert: bool = True) -> bool:
    attr, name, key, ratio = SPECS[rule]
    value = getattr(ctx.anatomy, attr)
    blocks = [b for b in (value if isinstance(value, list) else [value]) if b is not None]
    paras = ctx.paragraphs_of(blocks)
    if not paras:
        return False
    label = str(element(name).label)
    from .elements import plausible, refuse_misread

    if not plausible(ctx, attr, blocks):
        refuse_misread(ctx, rule, label, blocks[-1])
        return False
    p = paras[-1]
    container = _container_mm(ctx, p)
    text_w = _text_width(ctx, paras, blocks, container)
    if text_w <= 0:
        return False
    spec = element(name).rule_below
    low = float(spec.length_ratio_of_text.min) - float(spec.get("tolerance", 0))
    high = float(spec.length_ratio_of_text.max) + float(spec.get("tolerance", 0))
    found, empties, next_text = _existing(p)
    borders = _border_paragraphs(ctx, empties, container)
    if not insert and not found and not borders:
        return False
    if next_text is not None and not found and _TYPED_RULE.match(paragraph_text(next_text) or ""):
        ctx.refuse(rule, label, f"đường kẻ gõ bằng ký tự '{paragraph_text(next_text)}'",
                   "đây là chữ trong văn bản, không tự xóa; người soạn xóa dòng này rồi chạy lại --fix để kẻ "
                   "đường kẻ liền")
        return False
    drawn_ok = [length for _, length in found + borders if length and low * text_w - 1.0 <= length <= high * text_w + 1.0]
    if drawn_ok and not insert:
        return False
    if drawn_ok:  # a rule of the right length is drawn there: the finding was a misreading
        ctx.refuse(rule, f"Đường kẻ dưới {label[0].lower() + label[1:]}", "báo không có hoặc sai độ dài",
                   f"đã có đường kẻ vẽ dài {_num(drawn_ok[0])} mm, đúng quy định; không cần sửa")
        return False
    for el, _ in found:
        _remove(el)
    length = ratio * text_w
    if borders:
        for q, _ in borders[1:]:
            _drop_border(q)
        _set_length(borders[0][0], length, container, _centre(p, container, text_w))
    else:
        for q in [p, *empties]:
            _drop_border(q)
        _insert_rule(ctx, p, key, length, container, text_w)
    old = ", ".join(f"đường kẻ dài {_num(x)} mm" for _, x in found + borders if x) or "không có đường kẻ"
    ctx.change(rule, f"Đường kẻ dưới {label[0].lower() + label[1:]}",
               f"{old} → đường kẻ liền dài {_num(length)} mm ({ratio:.0%} dòng chữ), canh giữa dưới chữ",
               f"đoạn kẻ kiểu '{P.ELEMENTS[key].name}'", blocks[-1])
    return True


def _drop_border(p) -> None:
    ppr = p.find(qn("w:pPr"))
    bdr = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if bdr is not None and bdr.find(qn("w:bottom")) is not None:
        bdr.remove(bdr.find(qn("w:bottom")))
        if len(bdr) == 0:
            ppr.remove(bdr)
