"""Page-level fixes: paper size, margins, the document font, page numbers
from page 2. Ranges come from ``decree30.yaml`` (through layout.rules); the
page-number paragraph is built as dossier's own templates build it
(layout.docx_blocks)."""

from __future__ import annotations

import copy

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from ...fonts import DOCUMENT_FONT
from ...layout import profile as P
from ...layout.docx_blocks import _field as page_field  # the one builder of PAGE fields
from ...layout.rules import margin_range, page_size_mm, rules, size_range
from ...vntext.legacy_detect import detect_legacy
from ..checks_page import SIDE_VI
from ..docx_drawings import EMU_MM
from ..style import num as _num
from .docxml import W
from .model import FixContext

# Fonts whose characters are pictures, not letters: renaming them changes what the page shows.
SYMBOL_FONTS = {"symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings", "marlett", "mt extra",
                "zapfdingbats", "zapf dingbats"}


def fix_paper(ctx: FixContext) -> bool:
    width, height = page_size_mm()
    tol = float(rules().page.size_tolerance_mm)
    changed = False
    for i, s in enumerate(ctx.doc.sections):
        w = s.page_width * EMU_MM if s.page_width is not None else 215.9
        h = s.page_height * EMU_MM if s.page_height is not None else 279.4
        small, large = sorted((w, h))
        if abs(small - width) <= tol and abs(large - height) <= tol:
            continue
        landscape = w > h
        s.page_width, s.page_height = (Mm(height), Mm(width)) if landscape else (Mm(width), Mm(height))
        pgsz = s._sectPr.find(qn("w:pgSz"))
        if pgsz is not None:
            pgsz.attrib.pop(qn("w:code"), None)
        where = f"mục {i + 1}" if len(ctx.doc.sections) > 1 else ""
        ctx.change("page.size", "Khổ giấy", f"khổ {_num(w)} × {_num(h)} mm → A4 {width:.0f} × {height:.0f} mm"
                   + (" (nằm ngang)" if landscape else ""), where)
        changed = True
    return changed


def fix_margins(ctx: FixContext) -> bool:
    """Each margin outside its range moves to the nearest allowed value."""
    tol = float(rules().page.checker_tolerance_mm)
    changed = False
    for i, s in enumerate(ctx.doc.sections):
        where = f"mục {i + 1}" if len(ctx.doc.sections) > 1 else ""
        landscape = (s.page_width or 0) > (s.page_height or 0)
        for side in ("top", "bottom", "left", "right"):
            value = getattr(s, f"{side}_margin")
            if value is None:
                continue
            mm = value * EMU_MM
            rng = margin_range(side)
            if rng.contains(mm, tol):
                continue
            if landscape:
                ctx.refuse("page.margins", "Lề trang", f"lề {SIDE_VI[side]} {_num(mm)} mm ở trang nằm ngang ({where})",
                           "lề của trang nằm ngang (bảng, phụ lục) không được quy định rõ; đổi lề có thể làm bảng "
                           "tràn ra ngoài, người soạn cần quyết định")
                continue
            target = rng.min if mm < rng.min else rng.max
            setattr(s, f"{side}_margin", Mm(target))
            ctx.change("page.margins", "Lề trang", f"lề {SIDE_VI[side]} {_num(mm)} mm → {_num(target)} mm", "", None)
            if where:
                ctx.report.changes[-1].where = where
            changed = True
    return changed


# --- font family ----------------------------------------------------------
def _legacy_fonts(ctx: FixContext) -> set[str]:
    """Fonts whose text is in a legacy 8-bit encoding (TCVN3, VNI): renaming
    them would turn the words into garbage."""
    from ..docx_styles import StyleSheet
    from .docxml import text_runs

    sheet = StyleSheet(ctx.doc)
    texts: dict[str, list[str]] = {}
    for p in ctx.paragraphs:
        for r in text_runs(p):
            chain = sheet.run_rprs(r, p)
            font = sheet.font(chain, "hAnsi") or sheet.font(chain, "ascii")
            if font:
                texts.setdefault(font, []).append("".join(t.text or "" for t in r.iter(f"{W}t")))
    return {font for font, parts in texts.items() if detect_legacy(" ".join(parts)) is not None}


def fix_fonts(ctx: FixContext) -> bool:
    """Every font named in runs, styles and the defaults becomes Times New Roman,
    except symbol fonts and legacy-encoded text."""
    from ..docx_styles import StyleSheet

    family = str(rules().font.family)
    theme = StyleSheet(ctx.doc).theme_fonts
    legacy = _legacy_fonts(ctx)
    roots = [ctx.doc.styles.element, ctx.doc.element.body]
    for rel in ctx.doc.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external:
            element = getattr(rel.target_part, "_element", None)
            if element is not None:
                roots.append(element)
    replaced: dict[str, int] = {}
    for root in roots:
        for fonts in root.iter(f"{W}rFonts"):
            for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
                name = fonts.get(qn(f"w:{slot}"))
                theme_ref = fonts.get(qn(f"w:{slot}Theme"))
                current = theme.get(theme_ref, theme_ref) if theme_ref else name
                if not current or current.strip().lower() == family.lower():
                    continue
                if current.strip().lower() in SYMBOL_FONTS or current in legacy:
                    continue
                if slot == "eastAsia" and theme_ref and not name:
                    continue
                fonts.attrib.pop(qn(f"w:{slot}Theme"), None)
                fonts.set(qn(f"w:{slot}"), DOCUMENT_FONT)
                if slot in ("ascii", "hAnsi"):
                    replaced[current] = replaced.get(current, 0) + 1
    for font in sorted(legacy):
        ctx.refuse("font.family", "Phông chữ", f"phông {font}",
                   "chữ viết bằng bảng mã cũ (TCVN3/VNI): đổi phông sẽ làm hỏng chữ; cần chuyển mã sang Unicode "
                   "(ví dụ bằng Unikey) trước")
    if replaced:
        seen = [f for f in ctx.view.fonts if f in replaced]
        listing = ", ".join(sorted(seen or replaced))
        ctx.change("font.family", "Phông chữ", f"phông {listing} → {family}",
                   "trong kiểu (style), mặc định của văn bản và các đoạn chữ", None)
    return bool(replaced)


# --- page numbers ---------------------------------------------------------
def _has_page_field(part_element) -> bool:
    for instr in part_element.iter(f"{W}instrText"):
        if (instr.text or "").strip().upper().startswith("PAGE"):
            return True
    for simple in part_element.iter(f"{W}fldSimple"):
        if (simple.get(qn("w:instr")) or "").strip().upper().startswith("PAGE"):
            return True
    return False


def _has_content(part) -> bool:
    el = part._element
    return any((t.text or "").strip() for t in el.iter(f"{W}t")) or el.find(f".//{W}drawing") is not None \
        or el.find(f".//{W}pict") is not None


def _copy_without_numbers(source, target) -> None:
    """Fill the new first-page header/footer with the other pages' content, minus page numbers."""
    body = target._element
    for child in list(body):
        body.remove(child)
    for child in source._element:
        if child.tag == f"{W}p" and _has_page_field(child):
            continue
        body.append(copy.deepcopy(child))
    if body.find(f"{W}p") is None:
        from docx.oxml import OxmlElement

        body.append(OxmlElement("w:p"))


def _ensure_first_page_blank(section) -> None:
    """Different first page: page 1 keeps the header/footer content except the number."""
    if section.different_first_page_header_footer:
        for first, other in ((section.first_page_header, section.header), (section.first_page_footer, section.footer)):
            if first.is_linked_to_previous:
                first.is_linked_to_previous = False
                _copy_without_numbers(other, first)
            elif _has_page_field(first._element):
                _copy_without_numbers(first, first)
        return
    section.different_first_page_header_footer = True
    for first, other in ((section.first_page_header, section.header), (section.first_page_footer, section.footer)):
        first.is_linked_to_previous = False
        _copy_without_numbers(other, first)


def fix_page_numbers(ctx: FixContext) -> bool:
    """A PAGE field centred at the top from page 2 (first section; later sections inherit it)."""
    section = ctx.doc.sections[0]
    header = section.header
    size = P.ELEMENTS["page_number"].size
    assert size_range("page_number").contains(size)
    if header.is_linked_to_previous:
        header.is_linked_to_previous = False
    if _has_page_field(header._element):
        return False
    _ensure_first_page_blank(section)
    if _has_content(header):
        para = header.add_paragraph()
    else:
        para = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(para, "PAGE", "2", size)
    if section.header_distance is None or section.header_distance * EMU_MM < 1:
        section.header_distance = Mm(P.HEADER_DISTANCE_MM)
    ctx.change("page_number.missing", "Số trang", f"thêm số trang giữa lề trên, cỡ {size:g} pt, từ trang 2 "
               "(trang 1 không hiện số)", "trường PAGE trong đầu trang", None)
    return True


def fix_first_page_number(ctx: FixContext) -> bool:
    section = ctx.doc.sections[0]
    before = section.different_first_page_header_footer
    _ensure_first_page_blank(section)
    ctx.change("page_number.first_page", "Số trang", "bỏ số trang ở trang 1 (đầu trang riêng cho trang đầu)"
               if not before else "bỏ số trang khỏi đầu trang của trang 1", "", None)
    return True
