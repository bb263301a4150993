"""The bundled DOCX templates, composed from :mod:`docx_blocks`.

Each function returns a python-docx Document whose text carries docxtpl
(Jinja2) tags; ``tools/build_templates.py`` saves them into ``templates/``,
where clerks may edit them in Word. The context every template expects is
built by :mod:`dossier.models.document` (see ``DocumentView``).
"""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import profile as P
from .docx_blocks import cell_paragraph, layout_table, new_document, paragraph, setup_section
from .wordml import insert_in_order


def _header(doc, with_vv: bool, with_date: bool = True, landscape: bool = False) -> None:
    """Boxes 1–4 (and 5b for a công văn): the two-column header table."""
    if landscape:
        widths = [P.LANDSCAPE_HEADER_LEFT_COL_MM, P.LANDSCAPE_TEXT_WIDTH_MM - P.LANDSCAPE_HEADER_LEFT_COL_MM]
    else:
        widths = [P.HEADER_LEFT_COL_MM, P.HEADER_RIGHT_COL_MM]
    table = layout_table(doc, widths, rows=2 if not with_vv else 3)
    left, right = table.rows[0].cells
    cell_paragraph(left, "{%p if issuer.superior %}", "superior", first=True)
    cell_paragraph(left, "{{ issuer.superior|vn_upper }}", "superior")
    cell_paragraph(left, "{%p endif %}", "superior")
    cell_paragraph(left, "{{ issuer.name|map('vn_upper')|lines }}", "issuer")
    cell_paragraph(left, "", "issuer_rule")
    cell_paragraph(right, P.QUOC_HIEU, "quoc_hieu", first=True)
    cell_paragraph(right, P.TIEU_NGU, "tieu_ngu")
    cell_paragraph(right, "", "tieu_ngu_rule")
    left, right = table.rows[1].cells
    cell_paragraph(left, "Số: {{ number|doc_number_or_blank }}/{{ symbol }}", "number", first=True)
    if with_date:
        cell_paragraph(right, "{{ date|vn_place_date(place, year=year) }}", "place_date", first=True)
    if with_vv:
        left, _ = table.rows[2].cells
        cell_paragraph(left, "V/v {{ subject }}", "vv", first=True)


def _type_and_subject(doc) -> None:
    """Box 5a: the document type name and the subject line, with its short rule."""
    paragraph(doc, "{{ type_name|vn_upper }}", "type_name")
    paragraph(doc, "{{ subject|lines }}", "subject")
    paragraph(doc, "", "subject_rule")


def _kinh_gui(doc) -> None:
    """Box 9a: one recipient on the same line, several as '- …;' lines."""
    paragraph(doc, "{%p if recipients|length == 1 %}", "kinh_gui")
    paragraph(doc, "Kính gửi: {{ recipients[0] }}.", "kinh_gui")
    paragraph(doc, "{%p elif recipients %}", "kinh_gui")
    paragraph(doc, "Kính gửi:", "kinh_gui")
    paragraph(doc, "{%p for r in recipients %}", "kinh_gui_item")
    paragraph(doc, "- {{ r }}{{ '.' if loop.last else ';' }}", "kinh_gui_item")
    paragraph(doc, "{%p endfor %}", "kinh_gui_item")
    paragraph(doc, "{%p endif %}", "kinh_gui")


def _can_cu(doc) -> None:
    """Legal bases: italic, each ending ';', the last '.' (punctuation from the template)."""
    paragraph(doc, "{%p for c in legal_bases %}", "can_cu")
    paragraph(doc, "{{ c }}{{ '.' if loop.last else ';' }}", "can_cu")
    paragraph(doc, "{%p endfor %}", "can_cu")


def _body(doc) -> None:
    """Box 6: paragraphs, numbered headings and bullet items, in data order."""
    paragraph(doc, "{%p for p in body %}", "body")
    paragraph(doc, "{%p if p.kind == 'part' %}", "body")
    paragraph(doc, "{{ p.text }}", "part_heading")
    paragraph(doc, "{%p elif p.kind == 'heading' %}", "body")
    paragraph(doc, "{{ p.text }}", "heading")
    paragraph(doc, "{%p elif p.kind == 'bullet' %}", "body")
    paragraph(doc, "{{ p.text }}", "bullet")
    paragraph(doc, "{%p else %}", "body")
    paragraph(doc, "{{ p.text }}", "body")
    paragraph(doc, "{%p endif %}", "body")
    paragraph(doc, "{%p endfor %}", "body")


def _signature_table(doc, landscape: bool = False):
    text_width = P.LANDSCAPE_TEXT_WIDTH_MM if landscape else P.TEXT_WIDTH_MM
    table = layout_table(doc, [text_width - P.SIGN_RIGHT_COL_MM, P.SIGN_RIGHT_COL_MM])
    margins = OxmlElement("w:tblCellMar")
    top = OxmlElement("w:top")
    top.set(qn("w:w"), str(int(P.SIGN_TABLE_TOP_PT * 20)))
    top.set(qn("w:type"), "dxa")
    margins.append(top)
    insert_in_order(table._tbl.tblPr, margins)
    return table


def _signature(doc, landscape: bool = False) -> None:
    """Boxes 9b and 7: "Nơi nhận" on the left, level with the signer on the right."""
    left, right = _signature_table(doc, landscape).rows[0].cells
    cell_paragraph(left, "{%p if distribution is not none %}", "noi_nhan", first=True)
    cell_paragraph(left, "Nơi nhận:", "noi_nhan")
    cell_paragraph(left, "{%p for d in distribution %}", "noi_nhan_item")
    cell_paragraph(left, "- {{ d }};", "noi_nhan_item")
    cell_paragraph(left, "{%p endfor %}", "noi_nhan_item")
    cell_paragraph(left, "- Lưu: {{ archive }}{{ '' if archive.endswith('.') else '.' }}", "noi_nhan_item")
    cell_paragraph(left, "{%p endif %}", "noi_nhan_item")
    cell_paragraph(right, "{%p for line in signer.lines %}", "signer_title", first=True)
    cell_paragraph(right, "{{ line|vn_upper }}", "signer_title")
    cell_paragraph(right, "{%p endfor %}", "signer_title")
    cell_paragraph(right, "{{ signer.name }}", "signer_name")


def cong_van(doc=None):
    """Công văn (Mẫu 1.5): no type name; 'V/v …' under the number; Kính gửi."""
    doc = doc or new_document()
    _header(doc, with_vv=True)
    _kinh_gui(doc)
    _body(doc)
    _signature(doc)
    return doc


def named_document(doc=None):
    """Tờ trình, báo cáo, kế hoạch, thông báo…: type name and subject centred
    and bold; optional legal bases and Kính gửi (a report or submission sent up)."""
    doc = doc or new_document()
    _header(doc, with_vv=False)
    _type_and_subject(doc)
    paragraph(doc, "{%p if legal_bases %}", "can_cu")
    _can_cu(doc)
    paragraph(doc, "{%p endif %}", "can_cu")
    _kinh_gui(doc)
    _body(doc)
    _signature(doc)
    return doc


def _signer_cell(cell, who: str) -> None:
    cell_paragraph(cell, "{%p for line in " + who + ".lines %}", "signer_title", first=True)
    cell_paragraph(cell, "{{ line|vn_upper }}", "signer_title")
    cell_paragraph(cell, "{%p endfor %}", "signer_title")
    cell_paragraph(cell, "{{ " + who + ".name }}", "signer_name")


def bien_ban(doc=None):
    """Biên bản: no place/date line in the header (the time is in the body);
    the secretary signs on the left, the chair on the right."""
    doc = doc or new_document()
    _header(doc, with_vv=False, with_date=False)
    _type_and_subject(doc)
    paragraph(doc, "{%p if legal_bases %}", "can_cu")
    _can_cu(doc)
    paragraph(doc, "{%p endif %}", "can_cu")
    _body(doc)
    left, right = _signature_table(doc).rows[0].cells
    _signer_cell(left, "secretary")
    _signer_cell(right, "chair")
    return doc


def _annex(doc) -> None:
    """A landscape section after the signature: 'Phụ lục' heading, the reference
    line to the main document, then the table (a sub-document)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_section(section, landscape=True)
    section.different_first_page_header_footer = False
    paragraph(doc, "{{ annex.heading }}", "annex_heading")
    paragraph(doc, "{{ annex.title|vn_upper }}", "annex_title")
    paragraph(doc, "{{ annex.reference }}", "annex_ref")
    paragraph(doc, "", "subject_rule")
    paragraph(doc, "{{p annex.table }}", "table_text")


def report_with_table(doc=None):
    """Báo cáo (or tờ trình) whose detailed figures follow as a landscape annex table."""
    doc = named_document(doc)
    _annex(doc)
    return doc


def landscape_table_document(doc=None):
    """A whole landscape document built around one large table (district
    summaries: communes × criteria)."""
    doc = doc or new_document(landscape=True)
    _header(doc, with_vv=False, landscape=True)
    _type_and_subject(doc)
    _kinh_gui(doc)
    _body(doc)
    paragraph(doc, "{{p table }}", "table_text")
    _signature(doc, landscape=True)
    return doc


def quyet_dinh(doc=None):
    """Quyết định (Mẫu 1.2): issuing-authority line, italic căn cứ (';' … '.'),
    'Theo đề nghị của …', 'QUYẾT ĐỊNH:', articles 'Điều 1.' in bold, signature,
    and an optional annex (phụ lục) on a new page listing the items decided."""
    doc = doc or new_document()
    _header(doc, with_vv=False)
    _type_and_subject(doc)
    paragraph(doc, "{{ authority_line|vn_upper }}", "authority_line")
    paragraph(doc, "{%p for c in legal_bases %}", "can_cu")
    paragraph(doc, "{{ c }}{{ '.' if loop.last and not proposal else ';' }}", "can_cu")
    paragraph(doc, "{%p endfor %}", "can_cu")
    paragraph(doc, "{%p if proposal %}", "can_cu")
    paragraph(doc, "{{ proposal }}.", "can_cu")
    paragraph(doc, "{%p endif %}", "can_cu")
    paragraph(doc, "QUYẾT ĐỊNH:", "decides")
    paragraph(doc, "{%p for a in articles %}", "body")
    article = paragraph(doc, "", "body")
    article.add_run("{{ a.label }}").bold = True
    article.add_run(" {{ a.text }}")
    paragraph(doc, "{%p for c in a.clauses %}", "body")
    paragraph(doc, "{{ c }}", "body")
    paragraph(doc, "{%p endfor %}", "body")
    paragraph(doc, "{%p endfor %}", "body")
    _signature(doc)
    paragraph(doc, "{%p if annex %}", "annex_heading")
    paragraph(doc, "{{ annex.heading }}", "annex_heading").paragraph_format.page_break_before = True
    paragraph(doc, "{{ annex.title|vn_upper }}", "annex_title")
    paragraph(doc, "{{ annex.reference }}", "annex_ref")
    paragraph(doc, "", "subject_rule")
    paragraph(doc, "{{p annex.table }}", "table_text")
    paragraph(doc, "{%p endif %}", "annex_heading")
    return doc


FORMS: dict[str, Callable] = {
    "cong-van": cong_van,
    "to-trinh": named_document,
    "bao-cao": named_document,
    "ke-hoach": named_document,
    "thong-bao": named_document,
    "bien-ban": bien_ban,
    "bao-cao-kem-bieu": report_with_table,
    "bang-tong-hop": landscape_table_document,
    "quyet-dinh": quyet_dinh,
}
