"""Per-element formatting fixes driven by the checker's findings: sizes,
bold/italic/underline, the header's size consistency, colour, alignment of the
type name. Every value comes from ``decree30.yaml`` (ranges, bold/italic) or
``layout/profile.py`` (element style names)."""

from __future__ import annotations

import re

from ...layout.rules import Range, element, rules, size_range
from ..text import fold_tone
from .formatting import PROPS, Formatter
from .model import FixContext

# rule id -> (anatomy attribute, yaml element, profile element key, properties checked)
ELEMENT_RULES: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
    "quoc_hieu.style": [("quoc_hieu", "quoc_hieu", "quoc_hieu", ("bold", "italic"))],
    "quoc_hieu.size": [("quoc_hieu", "quoc_hieu", "quoc_hieu", ("size",))],
    "tieu_ngu.style": [("tieu_ngu", "tieu_ngu", "tieu_ngu", ("bold", "italic"))],
    "tieu_ngu.size": [("tieu_ngu", "tieu_ngu", "tieu_ngu", ("size",))],
    "co_quan.style": [("superior", "co_quan_chu_quan", "superior", ("bold", "italic")),
                      ("issuer", "co_quan_ban_hanh", "issuer", ("bold", "italic"))],
    "co_quan.size": [("superior", "co_quan_chu_quan", "superior", ("size",)),
                     ("issuer", "co_quan_ban_hanh", "issuer", ("size",))],
    "so.size": [("so", "so_ky_hieu", "number", ("size",))],
    "date.style": [("date", "dia_danh_thoi_gian", "place_date", ("bold", "italic"))],
    "date.size": [("date", "dia_danh_thoi_gian", "place_date", ("size",))],
    "ten_loai.style": [("ten_loai", "ten_loai", "type_name", ("size", "bold", "italic"))],
    "trich_yeu.style": [("trich_yeu", "trich_yeu", "subject", ("size", "bold", "italic"))],
    "vv.style": [("vv", "trich_yeu_cong_van", "vv", ("bold", "italic", "underline"))],
    "vv.size": [("vv", "trich_yeu_cong_van", "vv", ("size",))],
    "kinh_gui.size": [("kinh_gui", "kinh_gui", "kinh_gui", ("size",)),
                      ("kinh_gui_items", "kinh_gui", "kinh_gui_item", ("size",))],
    "can_cu.style": [("can_cu", "can_cu", "can_cu", ("size", "bold", "italic"))],
    "signature.style": [("signature", "quyen_han_chuc_vu", "signer_title", ("bold", "italic"))],
    "signature.size": [("signature", "quyen_han_chuc_vu", "signer_title", ("size",))],
    "signer_name.style": [("signer_name", "ho_ten_nguoi_ky", "signer_name", ("size", "bold", "italic"))],
    "noi_nhan.label": [("noi_nhan", "noi_nhan_label", "noi_nhan", ("bold", "italic"))],
    "noi_nhan.size": [("noi_nhan", "noi_nhan_label", "noi_nhan", ("size",))],
    "noi_nhan.list_size": [("noi_nhan_items", "noi_nhan_list", "noi_nhan_item", ("size", "bold", "italic"))],
    "phu_luc.style": [("phu_luc", "phu_luc_label", "annex_heading", ("size", "bold"))],
    "body.size": [("body", "noi_dung", "body", ("size",))],
}
_DATE_LINE = re.compile(r"^[^,]{1,60},\s*ngày\b")
_KINH_GUI = re.compile(r"^Kính g[ửở]i", re.I)
SIZE_TOLERANCE = 0.26  # as the checker compares sizes


def _blocks(ctx: FixContext, attr: str) -> list:
    value = getattr(ctx.anatomy, attr)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def plausible(ctx: FixContext, attr: str, blocks: list) -> bool:
    """Whether the checker's reading of the element is sure enough to change it:
    a fix on a misread block would spoil a correct line."""
    if not blocks:
        return False
    if attr == "issuer" and len(blocks) >= 2 and not any(b.any_bold for b in blocks) and not ctx.anatomy.superior:
        return False  # superior body and issuer cannot be told apart: only the issuer is bold
    if attr == "issuer":
        headings = [fold_tone(str(t.heading)) for t in rules().document_types.values() if "heading" in t]
        return all((b.side != "full" or b.cell is not None)
                   and not any(fold_tone(b.text).startswith(h) for h in headings) for b in blocks)
    if attr == "date":
        return all(len(b.text) <= 70 and _DATE_LINE.match(b.text) for b in blocks)
    if attr == "trich_yeu":
        return all(b.align in (None, "center") and not _KINH_GUI.match(b.text) for b in blocks)
    return True


def refuse_misread(ctx: FixContext, rule: str, label: str, block) -> None:
    ctx.refuse(rule, label, f"'{block.text[:60]}'", "không chắc dòng này là " + label[0].lower() + label[1:]
               + " (bố cục khác mẫu); không tự sửa để khỏi làm hỏng dòng đúng")


def _size_want(rng: Range):
    def want(current):
        if current is None or rng.contains(float(current), SIZE_TOLERANCE):
            return None
        return rng.min if float(current) < rng.min else rng.max
    return want


def _exact(value):
    def want(current):
        return None if bool(current) == bool(value) else value
    return want


def fix_element_rule(ctx: FixContext, fmt: Formatter, rule: str) -> bool:
    """Fix the formatting a finding of ``rule`` is about; True when something changed."""
    changed = False
    for attr, name, key, props in ELEMENT_RULES[rule]:
        blocks = _blocks(ctx, attr)
        paras = ctx.paragraphs_of(blocks)
        if not paras:
            continue
        node = element(name)
        label = str(node.label)
        if not plausible(ctx, attr, blocks):
            refuse_misread(ctx, rule, label, blocks[0])
            continue
        for prop_name in props:
            prop = PROPS[prop_name]
            if prop_name == "size":
                rng = size_range("body") if name == "noi_dung" else Range(float(node.size_pt.min), float(node.size_pt.max))
                want = _size_want(rng)
            else:
                value = node.get(prop_name)
                if value is None:
                    continue
                want = _exact(value)
            outcome = fmt.apply(paras, prop, want, key)
            if outcome.any():
                before = ", ".join(sorted(prop.show(v) for v in outcome.before if v is not None))
                ctx.change(rule, label, f"{prop.label}: {before} → {prop.show(outcome.after)}",
                           _how(outcome), blocks[0])
                changed = True
        if name == "noi_nhan_list":
            changed |= _plain_position(ctx, paras, rule, label, blocks)
    return changed


def _how(outcome) -> str:
    parts = []
    if outcome.styles:
        parts.append("trong kiểu (style) " + ", ".join(f"'{s}'" for s in outcome.styles))
    if outcome.runs:
        parts.append(f"định dạng trực tiếp {outcome.runs} đoạn chữ")
    return "; ".join(parts)


def _plain_position(ctx: FixContext, paras: list, rule: str, label: str, blocks: list) -> bool:
    """Subscript/superscript text in the recipient list becomes upright 11 pt text."""
    from docx.oxml.ns import qn

    from .docxml import text_runs

    count = 0
    for p in paras:
        for r in text_runs(p):
            rpr = r.find(qn("w:rPr"))
            va = rpr.find(qn("w:vertAlign")) if rpr is not None else None
            if va is not None and va.get(qn("w:val")) in ("subscript", "superscript"):
                rpr.remove(va)
                count += 1
    if count:
        ctx.change(rule, label, "bỏ chữ chỉ số dưới/chỉ số trên (chữ nhỏ lệch dòng)",
                   f"định dạng trực tiếp {count} đoạn chữ", blocks[0])
    return bool(count)


def fix_size_consistency(ctx: FixContext, fmt: Formatter) -> bool:
    """Quốc hiệu / Tiêu ngữ / date sizes as one of the decree's pairs (13/14/14 or 12/13/13),
    the pair that changes the fewest of the three."""
    a = ctx.anatomy
    if not (a.quoc_hieu and a.tieu_ngu and a.date) or not plausible(ctx, "date", [a.date]):
        return False
    fresh = ctx.current_sizes()
    if fresh is None:
        return False
    sets = [dict(s) for s in rules().size_consistency.examples]
    keys = ("quoc_hieu", "tieu_ngu", "dia_danh_thoi_gian")
    best = min(sets, key=lambda s: (sum(float(s[k]) != fresh[k] for k in keys), -float(s["quoc_hieu"])))
    changed = False
    targets = {"quoc_hieu": (a.quoc_hieu, "quoc_hieu"), "tieu_ngu": (a.tieu_ngu, "tieu_ngu"),
               "dia_danh_thoi_gian": (a.date, "place_date")}
    for k in keys:
        size = float(best[k])
        if fresh[k] == size:
            continue
        block, key = targets[k]
        outcome = fmt.apply(ctx.paragraphs_of([block]), PROPS["size"],
                            lambda cur, size=size: None if cur is not None and abs(float(cur) - size) < 0.01 else size, key)
        if outcome.any():
            before = ", ".join(sorted(PROPS["size"].show(v) for v in outcome.before if v is not None))
            ctx.change("size.consistency", str(element(k).label), f"cỡ chữ: {before} → {PROPS['size'].show(size)} "
                       f"(Quốc hiệu {best['quoc_hieu']}, Tiêu ngữ {best['tieu_ngu']}, ngày tháng "
                       f"{best['dia_danh_thoi_gian']} pt)", _how(outcome), block)
            changed = True
    return changed


def fix_colour(ctx: FixContext) -> bool:
    """Coloured text becomes automatic (black), in runs and styles."""
    from docx.oxml.ns import qn

    from .docxml import W

    count = 0
    roots = [ctx.doc.element.body, ctx.doc.styles.element]
    for root in roots:
        for color in root.iter(f"{W}color"):
            parent = color.getparent()
            if parent.tag != f"{W}rPr":
                continue
            val = (color.get(qn("w:val")) or "auto").upper()
            if val in ("AUTO", "000000"):
                continue
            color.set(qn("w:val"), "auto")
            for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
                color.attrib.pop(qn(attr), None)
            count += 1
    if count:
        ctx.change("font.color", "Màu chữ", f"chữ màu → màu tự động (đen) ở {count} chỗ", "", None)
    return bool(count)


def fix_type_name_alignment(ctx: FixContext) -> bool:
    """The type name is centred (decree30.yaml elements.ten_loai.align)."""
    b = ctx.anatomy.ten_loai
    if b is None or b.align in (None, "center") or str(element("ten_loai").align) != "center":
        return False
    from ...layout.wordml import set_child
    from .docxml import child

    changed = False
    for p in ctx.paragraphs_of([b]):
        set_child(child(p, "pPr"), "jc", {"val": "center"})
        changed = True
    if changed:
        ctx.change("ten_loai.style", str(element("ten_loai").label), "canh giữa", "định dạng đoạn", b)
    return changed

