"""python-docx building blocks for Decree 30 templates: the page, the styles,
the header and signature tables, page numbers. Every number comes from
:mod:`dossier.layout.profile`; the forms in :mod:`dossier.layout.forms` are
assembled from these blocks, and the result is a plain DOCX a clerk can edit
in Word."""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell, Table

from ..fonts import DOCUMENT_FONT
from . import profile as P
from .wordml import get_or_add, insert_in_order, set_child

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_run_fonts(rpr, font: str = DOCUMENT_FONT) -> None:
    """Name the font in every slot (ASCII, high ANSI, East Asian, complex
    script), or LibreOffice falls back to another font for some characters."""
    fonts = get_or_add(rpr, "rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    get_or_add(rpr, "lang").set(qn("w:val"), "vi-VN")


def new_document(landscape: bool = False) -> DocumentObject:
    doc = Document()
    _set_defaults(doc)
    setup_section(doc.sections[0], landscape)
    for element in P.ELEMENTS.values():
        add_style(doc, element)
    return doc


def _set_defaults(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = DOCUMENT_FONT
    normal.font.size = Pt(14)
    set_run_fonts(normal.element.get_or_add_rPr())
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_run_fonts(rpr_default)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = P.BODY_LINE_SPACING
    # python-docx's default template sets a theme font and 'Calibri'-like
    # East Asian defaults in some styles; the table style must be plain too.
    from ..render.docx_package import set_core_fields

    core = doc.core_properties
    core.author = "dossier"
    core.comments = ""
    set_core_fields(doc, lastModifiedBy="dossier", revision="1")


def setup_section(section, landscape: bool = False) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(P.PAGE_HEIGHT_MM), Mm(P.PAGE_WIDTH_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(P.PAGE_WIDTH_MM), Mm(P.PAGE_HEIGHT_MM)
    section.top_margin = Mm(P.MARGIN_TOP_MM)
    section.bottom_margin = Mm(P.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(P.MARGIN_LEFT_MM)
    section.right_margin = Mm(P.MARGIN_RIGHT_MM)
    section.header_distance = Mm(P.HEADER_DISTANCE_MM)
    section.footer_distance = Mm(P.HEADER_DISTANCE_MM)
    add_page_numbers(section)


def add_style(doc: DocumentObject, element: P.ElementStyle):
    style = doc.styles.add_style(element.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    font = style.font
    font.name = DOCUMENT_FONT
    font.size = Pt(element.size)
    font.bold = element.bold
    font.italic = element.italic
    set_run_fonts(style.element.get_or_add_rPr())
    pf = style.paragraph_format
    pf.alignment = _ALIGN[element.align]
    pf.space_before = Pt(element.space_before)
    pf.space_after = Pt(element.space_after)
    pf.first_line_indent = Mm(element.first_line_indent_mm)
    pf.left_indent = Mm(element.left_indent_mm)
    pf.keep_with_next = element.keep_with_next
    pf.widow_control = True
    if element.size < 4:  # rule paragraphs: a hairline-high line carrying a border
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(element.size + 1)
        _add_bottom_border(style.element.get_or_add_pPr())
    else:
        pf.line_spacing = P.BODY_LINE_SPACING
    return style


def _add_bottom_border(ppr) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(P.RULE_THICKNESS_EIGHTHS))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    insert_in_order(ppr, borders)


def add_page_numbers(section) -> None:
    """Page numbers top centre from page 2; page 1 has an empty first-page header."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    para = header.paragraphs[0]
    para.text = ""
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(para, "PAGE", "2", P.ELEMENTS["page_number"].size)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].text = ""


def _field(paragraph, instruction: str, placeholder: str, size: float) -> None:
    def run(child):
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        set_run_fonts(rpr)
        set_child(rpr, "sz", {"val": str(int(size * 2))})
        r.append(rpr)
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run(sep)
    text = OxmlElement("w:t")
    text.text = placeholder
    run(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run(end)


def _fixed_table(doc, widths_mm: list[float], rows: int, border: dict[str, str]) -> Table:
    """A centred table with fixed column widths and rows that never split across pages."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>: the only one
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for key, value in border.items():
            el.set(qn(f"w:{key}"), value)
        borders.append(el)
    insert_in_order(tbl_pr, borders)
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
        for cell in col.cells:
            cell.width = Mm(width)
    for row in table.rows:
        get_or_add(row._tr.get_or_add_trPr(), "cantSplit")
    return table


def layout_table(doc_or_cell, widths_mm: list[float], rows: int = 1) -> Table:
    """A borderless table used for layout (header, signature)."""
    return _fixed_table(doc_or_cell, widths_mm, rows, {"val": "nil"})


def grid_table(doc, widths_mm: list[float], rows: int) -> Table:
    """A table with single black borders (criteria tables), header row repeated on each page."""
    table = _fixed_table(doc, widths_mm, rows, {"val": "single", "sz": "4", "color": "000000"})
    get_or_add(table.rows[0]._tr.get_or_add_trPr(), "tblHeader")
    return table


def cell_paragraph(cell: _Cell, text: str, element: str, first: bool = False):
    """Add a paragraph in ``element``'s style to a cell (reusing its first empty one)."""
    style = P.ELEMENTS[element].name
    if first:
        para = cell.paragraphs[0]
        para.text = text
        para.style = cell.part.document.styles[style]
        return para
    return cell.add_paragraph(text, style=style)


def paragraph(doc, text: str, element: str):
    return doc.add_paragraph(text, style=P.ELEMENTS[element].name)


_STYLE_REFS = {qn(f"w:{tag}") for tag in ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink")}
_STYLE_CHAIN = [qn(f"w:{tag}") for tag in ("basedOn", "link", "next")]
_STYLES_WITH_EFFECTS = "/stylesWithEffects"


def drop_unused_styles(doc: DocumentObject) -> None:
    """Keep the styles a template can use: ours (:data:`profile.ELEMENTS`), the defaults,
    every style a part refers to, and the styles those are based on or linked to.

    python-docx's blank document brings ~150 unused built-in style definitions
    (370 KB) and Word 2010's ``stylesWithEffects`` copy of them (440 KB); each
    filled document carried both, and LibreOffice spends about 0.1 s importing
    them on every conversion. Word still offers every built-in style (they are
    latent styles, defined when first used), so a clerk loses nothing."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    ours = {P.ELEMENTS[key].name for key in P.ELEMENTS}
    keep = {sid for sid, s in by_id.items()
            if s.get(qn("w:default")) in ("1", "true") or s.find(qn("w:name")).get(qn("w:val")) in ours}
    styles_part = doc.part.part_related_by(RT.STYLES)
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None and part is not styles_part:
            keep.update(e.get(qn("w:val")) for e in element.iter(*_STYLE_REFS))
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for link in () if style is None else style.iterchildren(*_STYLE_CHAIN):
            if link.get(qn("w:val")) not in keep:
                keep.add(link.get(qn("w:val")))
                todo.append(link.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(_STYLES_WITH_EFFECTS):
            doc.part.drop_rel(rid)
