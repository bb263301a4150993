"""The checker's readers on synthetic variants of what real offices send:
rules drawn as shapes anchored in the next paragraph with an offset, inline
freeform groups in empty cells, VML-only lines, ``lineRule="atLeast"``, tab
indents, drafts, type names outside Decree 30, PDFs without ToUnicode maps,
OCR scans. Built here with python-docx and pikepdf, read with the real
readers."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dossier.check import check_file, read
from dossier.check.pdf_fonts import build_tounicode, family, parse_tounicode
from dossier.errors import DossierError

from .test_check_build import build_cong_van

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')
EMU = 36000


def _anchor(length_mm: float, x_mm: float, y_mm: float, ident: int) -> str:
    cx = int(length_mm * EMU)
    return f"""<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" locked="0"
 layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="column"><wp:posOffset>{int(x_mm * EMU)}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>{int(y_mm * EMU)}</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="{ident}" name="Line {ident}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm>
<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="9525"/></wps:spPr><wps:bodyPr/></wps:wsp>
</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:line from="{x_mm * 72 / 25.4:.2f}pt,0" to="{(x_mm + length_mm) * 72 / 25.4:.2f}pt,0"
 style="position:absolute;z-index:1"/></w:pict></mc:Fallback></mc:AlternateContent></w:r>"""


def _inline_group(length_mm: float, ident: int) -> str:
    cx = int(length_mm * EMU)
    return f"""<w:r {NS}><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">
<wp:extent cx="{cx}" cy="9525"/><wp:docPr id="{ident}" name="Group {ident}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"><wpg:wgp>
<wpg:cNvGrpSpPr/><wpg:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="9525"/><a:chOff x="0" y="0"/>
<a:chExt cx="{cx // 2}" cy="9525"/></a:xfrm></wpg:grpSpPr>
<wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="4762"/><a:ext cx="{cx // 2}" cy="1270"/></a:xfrm>
<a:custGeom><a:pathLst><a:path w="1000"><a:moveTo><a:pt x="0" y="0"/></a:moveTo><a:lnTo><a:pt x="1000" y="0"/></a:lnTo>
</a:path></a:pathLst></a:custGeom><a:ln w="9525"/></wps:spPr><wps:bodyPr/></wps:wsp>
</wpg:wgp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"""


def _vml_only(length_mm: float, y_pt: float) -> str:
    return f"""<w:r {NS}><w:pict><v:shape coordsize="21600,21600" path="m,l21600,e"
 style="position:absolute;margin-left:10pt;margin-top:{y_pt}pt;width:{length_mm * 72 / 25.4:.2f}pt;height:0;
 mso-position-horizontal-relative:text;mso-position-vertical-relative:text"/></w:pict></w:r>"""


def _header(path: Path, place) -> Path:
    """A two-row header table (agency | motto, Số | date) whose rules ``place`` draws."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Mm(30), Mm(15), Mm(20), Mm(20)
    table = doc.add_table(rows=2, cols=2)
    widths = (Mm(60), Mm(105))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    texts = [["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
             ["Số:      /UBND-VP", "Sơn Bình, ngày      tháng 4 năm 2026"]]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            cell = table.rows[r].cells[c]
            cell.paragraphs[0].text = ""
            for k, line in enumerate(text.split("\n")):
                para = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = para.add_run(line)
                run.font.size = Pt(13)
                run.bold = r == 0
    place(table)
    doc.save(path)
    return path


def _blocks(path):
    view = read(path)
    return {b.text: b for b in view.blocks}


def test_rules_anchored_in_the_next_row_belong_to_the_text_above(tmp_path):
    def place(table):
        so, date = table.rows[1].cells[0].paragraphs[0], table.rows[1].cells[1].paragraphs[0]
        so._p.append(parse_xml(_anchor(20, 20, 0.3, 11)))  # drawn in the gap above "Số:"
        date._p.append(parse_xml(_anchor(60, 22, 0.5, 12)))

    blocks = _blocks(_header(tmp_path / "next-row.docx", place))
    assert blocks["ỦY BAN NHÂN DÂN"].rule_below.length_mm == pytest.approx(20, abs=0.1)
    assert blocks["Độc lập - Tự do - Hạnh phúc"].rule_below.length_mm == pytest.approx(60, abs=0.1)
    assert blocks["Số: /UBND-VP"].rule_below is None  # not the paragraph holding the anchor
    assert blocks["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].rule_below is None


def test_rule_anchored_below_its_own_line_stays_with_it(tmp_path):
    def place(table):
        motto = table.rows[0].cells[1].paragraphs[1]
        motto._p.append(parse_xml(_anchor(60, 22, 6.5, 13)))  # under the motto's own line

    blocks = _blocks(_header(tmp_path / "own.docx", place))
    assert blocks["Độc lập - Tự do - Hạnh phúc"].rule_below.length_mm == pytest.approx(60, abs=0.1)


def test_inline_freeform_group_in_an_empty_cell_paragraph(tmp_path):
    def place(table):
        cell = table.rows[1].cells[0]
        first = cell.paragraphs[0]._p
        empty = parse_xml(f'<w:p {NS}><w:pPr><w:jc w:val="center"/></w:pPr></w:p>')
        first.addprevious(empty)
        empty.append(parse_xml(_inline_group(24.3, 21)))

    blocks = _blocks(_header(tmp_path / "group.docx", place))
    assert blocks["ỦY BAN NHÂN DÂN"].rule_below.length_mm == pytest.approx(24.3, abs=0.1)


def test_vml_only_shape_path(tmp_path):
    def place(table):
        so = table.rows[1].cells[0].paragraphs[0]
        so._p.append(parse_xml(_vml_only(18, 0.5)))

    blocks = _blocks(_header(tmp_path / "vml.docx", place))
    assert blocks["ỦY BAN NHÂN DÂN"].rule_below.length_mm == pytest.approx(18, abs=0.1)


def test_a_curve_is_not_a_rule(tmp_path):
    def place(table):
        so = table.rows[1].cells[0].paragraphs[0]
        xml = _vml_only(18, 0.5).replace('path="m,l21600,e"', 'path="m,c5000,8000,15000,8000,21600,0e"')
        so._p.append(parse_xml(xml.replace("height:0", "height:20pt")))

    blocks = _blocks(_header(tmp_path / "curve.docx", place))
    assert blocks["ỦY BAN NHÂN DÂN"].rule_below is None


def test_at_least_spacing_below_one_line_is_single_and_a_leading_tab_is_an_indent(tmp_path):
    doc = Document()
    para = doc.add_paragraph()
    para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    spacing = parse_xml(f'<w:spacing {NS} w:line="21" w:lineRule="atLeast"/>')
    para._p.get_or_add_pPr().append(spacing)
    para.add_run("\tĐoạn văn bắt đầu bằng một dấu tab thay cho thụt đầu dòng.").font.size = Pt(14)
    doc.save(tmp_path / "p.docx")
    block = read(tmp_path / "p.docx").blocks[0]
    assert block.line_spacing_lines == 1.0 and block.line_spacing_pt is None
    assert block.side == "full" and block.first_line_indent_mm == pytest.approx(12.7, abs=0.1)


def test_draft_blank_day_is_a_note(tmp_path):
    report = check_file(build_cong_van(tmp_path / "draft.docx", so="Số:     /UBND-NN",
                                       date="Tam Đường, ngày      tháng 10 năm 2024"))
    assert not {"date.format", "so.format"} & report.rule_ids(), report.as_text()
    assert any("ngày ban hành để trống" in n for n in report.notes)
    assert any("số văn bản để trống" in n for n in report.notes)


def test_extended_type_name_and_a_kind_outside_the_decree(tmp_path):
    common = dict(vv=None, kinh_gui=[], so="Số: 05/GM-UBND")
    invite = check_file(build_cong_van(tmp_path / "gm.docx", heading="GIẤY MỜI HỌP", **common))
    assert invite.kind == "giay_moi" and "vv.missing" not in invite.rule_ids(), invite.as_text()
    other = check_file(build_cong_van(tmp_path / "pt.docx", heading="PHIẾU TRÌNH", noi_nhan=False, **common))
    assert other.kind == "other", other.as_text()
    assert not {"vv.missing", "noi_nhan.missing", "kinh_gui.missing"} & other.rule_ids(), other.as_text()
    assert any("không phải một loại văn bản hành chính" in n for n in other.notes)
    assert "không thuộc các loại văn bản" in other.as_text()


def test_generated_letter_still_clean_with_the_new_readers(tmp_path):
    report = check_file(build_cong_van(tmp_path / "good.docx", tn_rule_shape=True))
    assert report.errors == [], report.as_text()


# --- PDF --------------------------------------------------------------------------
def test_tounicode_round_trip_and_family_names():
    cmap = build_tounicode({3: " ", 36: "A", 1244: "Ộ", 1140: "\u0309"})
    assert parse_tounicode(cmap) == {3: " ", 36: "A", 1244: "Ộ", 1140: "\u0309"}
    ranges = b"1 beginbfrange\n<0024> <0026> <0041>\nendbfrange\n"
    assert parse_tounicode(ranges) == {36: "A", 37: "B", 38: "C"}
    assert family("ABCDEF+TimesNewRomanPS-BoldMT") == family("Times New Roman,Bold") == family("TimesNewRomanPSMT")
    assert family("TimesNewRomanPS-ItalicMT") != family("TimesNewRomanPSMT")


REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"
WORD2010 = REALDOCS / "Trangsct__skill-sct__CV-1178-DCK-CTT_BoCongThuong_signed.pdf"


@pytest.mark.skipif(not WORD2010.exists(), reason="../shared/realdocs is not beside the project")
def test_text_recovered_from_the_embedded_font_when_tounicode_is_gone(tmp_path):
    """A variant of a real Word PDF with every ToUnicode map removed (what
    Ghostscript does): the letters come back from the fonts' own cmap tables."""
    with pikepdf.open(WORD2010) as pdf:
        for page in pdf.pages:
            for _, font in page.Resources.Font.items():
                if "/ToUnicode" in font:
                    del font["/ToUnicode"]
        pdf.save(tmp_path / "no-tounicode.pdf")
    view = read(tmp_path / "no-tounicode.pdf")
    text = "\n".join(b.text for b in view.blocks)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Kính gửi" in text
    assert not view.text_unreadable


def _scan_pdf(path: Path, invisible: bool) -> Path:
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, b"\x80" * 4)
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 2, 2
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    mode = 3 if invisible else 0
    lines = b"".join(b"BT /F1 12 Tf %d Tr 72 %d Td (CONG HOA XA HOI CHU NGHIA VIET NAM) Tj ET\n" % (mode, 770 - 20 * k)
                     for k in range(8))
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q\n" + lines
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image),
                                                           Font=pikepdf.Dictionary(F1=font)),
                              Contents=pikepdf.Stream(pdf, content))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def test_invisible_ocr_layer_over_a_page_image_is_a_scan(tmp_path):
    with pytest.raises(DossierError) as err:
        read(_scan_pdf(tmp_path / "scan.pdf", invisible=True))
    assert "bản quét" in err.value.message
    # the same page with visible text over a background picture is read as text
    view = read(_scan_pdf(tmp_path / "text.pdf", invisible=False))
    assert view.blocks and not view.text_unreadable


def test_words_are_not_cut_where_the_font_subset_changes(tmp_path):
    """Word writes a Vietnamese word with letters from two subsets ('C' + 'Ộ' + 'NG')."""
    pdf = pikepdf.new()
    widths = [{"C": 667, "G": 722, "N": 722, "O": 722}.get(chr(c), 500) for c in range(32, 91)]

    def subset(tag):
        return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                  BaseFont=pikepdf.Name(f"/{tag}+Times-Roman"), FirstChar=32, LastChar=90,
                                  Widths=widths)

    fonts = pikepdf.Dictionary(F1=subset("AAAAAA"), F2=subset("BBBBBB"))
    # "CONG" drawn as C (F1), O (F2), NG (F1), with the advances Times gives them at 13 pt
    content = (b"BT /F1 13 Tf 100 700 Td (C) Tj ET BT /F2 13 Tf 108.67 700 Td (O) Tj ET "
               b"BT /F1 13 Tf 118.06 700 Td (NG) Tj ET")
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(Font=fonts), Contents=pikepdf.Stream(pdf, content))
    pdf.pages.append(pikepdf.Page(page))
    buffer = io.BytesIO()
    pdf.save(buffer)
    from dossier.check.pdf_reader import read_pdf

    view = read_pdf("two-subsets.pdf", buffer.getvalue())
    assert view.blocks[0].text == "CONG"


def test_font_names_compared_whatever_their_separators():
    from dossier.check.checks_page import _font_key, _font_ok_pdf

    assert _font_ok_pdf("Liberation-Serif") and _font_ok_pdf("TimesNewRomanPSMT") and _font_ok_pdf("Times New Roman,Bold")
    assert not _font_ok_pdf("Arial-BoldMT")
    assert _font_key("Times New Roman") == _font_key("TimesNewRoman")


def test_sections_tab_in_number_and_typed_underscore_rule(tmp_path):
    from docx.enum.section import WD_ORIENT, WD_SECTION

    doc = Document()
    para = doc.add_paragraph()
    para.add_run("Số:\t/BC-UBND").font.size = Pt(13)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("Về việc báo cáo kết quả").bold = True
    rule = doc.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule.add_run("_" * 12).font.size = Pt(13)
    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    table = doc.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "STT"
    doc.save(tmp_path / "sections.docx")
    view = read(tmp_path / "sections.docx")
    texts = [b.text for b in view.blocks]
    assert "Số: /BC-UBND" in texts  # one line, not 'Số:' and '/BC-UBND'
    subject = next(b for b in view.blocks if b.text.startswith("Về việc"))
    assert subject.rule_below is not None and "gạch dưới" in subject.rule_below.how
    assert not any(set(t) == {"_"} for t in texts)
    assert [p.landscape for p in view.pages] == [False, True]
    assert view.pages[1].has_grid_table and not view.pages[0].has_grid_table
    assert view.page_count == 2


def test_text_edges_ignore_a_lone_outlier_but_not_text_in_the_margin():
    from dossier.check.pdf_reader import PT_MM, _edge

    body = [85.0, 85.1, 85.0, 85.2, 85.0]
    assert _edge(body + [82.6], lowest=True) == 85.0  # a layout table 0.9 mm to the left
    assert _edge(body + [40.0], lowest=True) == 40.0  # text really in the margin
    right = [541.0, 541.2, 540.9, 548.9]  # one line 2.8 mm past the justified edge
    assert _edge(right, lowest=False) == pytest.approx(541.2)
    assert _edge(right[:3] + [541.0 + 12 / PT_MM], lowest=False) > 560  # 12 mm out: in the margin


@pytest.mark.filterwarnings("ignore:This document has 2 form widget")  # no /AcroForm: not needed to read them
def test_one_line_widget_stamps_are_read_and_signature_pictures_are_not(tmp_path):
    """An e-office system stamps the number into the blank the draft left (a small
    widget appearance); the signature box with its "Ky boi" text stays outside the text."""
    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
                              Encoding=pikepdf.Name.WinAnsiEncoding)

    def widget(rect, text):
        ap = pikepdf.Stream(pdf, f"BT /F1 12 Tf 2 4 Td ({text}) Tj ET".encode())
        ap.Type, ap.Subtype, ap.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, rect[2] - rect[0], rect[3] - rect[1]]
        ap.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                    FT=pikepdf.Name.Sig, Rect=rect, F=4,
                                                    AP=pikepdf.Dictionary(N=ap)))

    content = b"BT /F1 12 Tf 100 700 Td (So:          /UBND-VP) Tj ET"
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                              Contents=pikepdf.Stream(pdf, content),
                              Annots=[widget([122, 696, 150, 714], "15"), widget([300, 400, 500, 520], "Ky boi A")])
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(tmp_path / "signed.pdf")
    text = " ".join(b.text for b in read(tmp_path / "signed.pdf").blocks)
    assert "15" in text and "Ky boi" not in text, text


def test_signature_pushed_right_with_spaces_is_the_right_column(tmp_path):
    doc = Document()
    doc.add_paragraph("Nội dung văn bản.")
    doc.add_paragraph(" " * 40 + "TM. ỦY BAN NHÂN DÂN")
    doc.save(tmp_path / "spaces.docx")
    blocks = read(tmp_path / "spaces.docx").blocks
    assert [b.side for b in blocks] == ["full", "right"]
