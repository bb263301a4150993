"""Documents for the checker tests, built here with python-docx independently
of the project's templates: a full công văn with the Decree 30 layout
(two-column header table, rules as paragraph borders sized from font
metrics, signature table), every property a parameter so each broken variant
changes one thing; and a "clerk's own" letter made with tabs and styles only.
Also the LibreOffice conversion the PDF tests use."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dossier.layout.metrics import text_width_mm
from dossier.layout.wordml import insert_in_order

BODY = [
    "Căn cứ Công văn số 4316/UBND-KTN ngày 25/10/2024 của UBND tỉnh về việc tăng cường công tác thực hiện "
    "Chương trình MTQG xây dựng nông thôn mới trên địa bàn tỉnh.",
    "Để tiếp tục nâng cao chất lượng, hiệu quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới "
    "trên địa bàn huyện trong thời gian tới, Chủ tịch Ủy ban nhân dân huyện yêu cầu các cơ quan, đơn vị tập trung "
    "thực hiện một số nhiệm vụ sau:",
] + [
    f"{k}. Các cơ quan, đơn vị huyện chủ động phối hợp với Ủy ban nhân dân các xã tổ chức kiểm tra, đánh giá chỉ "
    "tiêu, tiêu chí nông thôn mới theo Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025 do cơ quan mình phụ trách, "
    "hướng dẫn các xã triển khai thực hiện, tham mưu Ủy ban nhân dân huyện chỉ đạo đối với những nội dung vượt "
    "thẩm quyền; báo cáo kết quả trước ngày 04/11/2024."
    for k in range(1, 9)
] + ["Chủ tịch UBND huyện yêu cầu Thủ trưởng các cơ quan, đơn vị có liên quan nghiêm túc triển khai thực hiện./."]

GOOD = {
    "paper": (210, 297),
    "landscape": False,
    "margins": {"top": 20, "bottom": 20, "left": 30, "right": 15},
    "font": "Times New Roman",
    "issuer": ["ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"],
    "issuer_bold": True,
    "issuer_rule": 0.4,
    "qh": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "qh_size": 13,
    "qh_bold": True,
    "tn": "Độc lập - Tự do - Hạnh phúc",
    "tn_size": 14,
    "tn_rule": 1.0,
    "tn_rule_shape": False,  # draw the rule as a DrawingML line anchored in the tiêu ngữ paragraph
    "so": "Số: 05/UBND-NN",
    "so_size": 13,
    "date": "Tam Đường, ngày 31 tháng 10 năm 2024",
    "date_italic": True,
    "date_size": 14,
    "vv": "V/v tăng cường thực hiện Chương trình MTQG xây dựng nông thôn mới",
    "vv_bold": False,
    "vv_size": 12,
    "kinh_gui": ["- Các cơ quan, đơn vị huyện;", "- Ủy ban nhân dân các xã."],
    "body": BODY,
    "body_size": 14,
    "body_align": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "body_indent": 10.0,
    "body_before": 6,
    "noi_nhan": True,
    "noi_nhan_size": 12,
    "noi_nhan_items": ["- Như trên;", "- TT: Huyện ủy, HĐND huyện;", "- Chủ tịch, PCT UBND huyện;", "- Lưu: VT, NN."],
    "noi_nhan_below": False,
    "signer": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    "signer_bold": True,
    "name": "Phong Vĩnh Cường",
    "page_number": "from2",  # from2 | all | none | footer
    "page_number_size": 14,
    # named documents (quyết định, tờ trình, biên bản …): a type-name line instead of V/v
    "heading": None,
    "subject": "Về việc công nhận xã Sơn Bình đạt chuẩn nông thôn mới năm 2024",
    "subject_rule": 0.4,
    "authority": None,
    "can_cu": [],
    "can_cu_italic": True,
    "decides": None,
    "articles": [],
    "annexes": [],
}

DECISION = {
    "heading": "QUYẾT ĐỊNH",
    "so": "Số: 15/QĐ-UBND",
    "vv": None,
    "kinh_gui": [],
    "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG",
    "can_cu": [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02 tháng 8 năm 2022 của Thủ tướng Chính phủ;",
        "Theo đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện.",
    ],
    "decides": "QUYẾT ĐỊNH:",
    "articles": [
        ("Điều 1.", "Công nhận xã Sơn Bình đạt chuẩn nông thôn mới năm 2024."),
        ("Điều 2.", "Quyết định này có hiệu lực kể từ ngày ký."),
        ("Điều 3.", "Chánh Văn phòng HĐND và UBND huyện, Chủ tịch UBND xã Sơn Bình chịu trách nhiệm thi hành "
                    "Quyết định này./."),
    ],
    "body": [],
    "signer": ["CHỦ TỊCH"],
    "name": "Nguyễn Văn An",
    "noi_nhan_items": ["- Như Điều 3;", "- Lưu: VT, NN."],
}


def _fonts(rpr, font: str) -> None:
    rf = rpr.find(qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rpr.insert(0, rf)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rf.set(qn(slot), font)


def _para(container, text: str, p: dict, size: float, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          first=False, before=0.0, indent=0.0):
    para = container.paragraphs[0] if first else container.add_paragraph()
    pf = para.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(before)
    pf.space_after = Pt(0)
    pf.first_line_indent = Mm(indent)
    pf.line_spacing = 1.0
    for k, line in enumerate(text.split("\n")):
        run = para.add_run(line)
        if k < len(text.split("\n")) - 1:
            run.add_break()
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.name = p["font"]
        _fonts(run._r.get_or_add_rPr(), p["font"])
    return para


def _rule(container, width_mm: float, length_mm: float):
    """An empty paragraph with a bottom border, indented to ``length_mm``."""
    para = container.add_paragraph()
    side = max((width_mm - length_mm) / 2, 0)
    pf = para.paragraph_format
    pf.left_indent = Mm(side)
    pf.right_indent = Mm(side)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(3)
    ppr = para._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    insert_in_order(ppr, bdr)
    return para


SHAPE = """<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" locked="0"
 layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="column"><wp:align>center</wp:align></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>240000</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="{id}" name="Line {id}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm>
<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>
</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"""


def _line_shape(para, length_mm: float) -> None:
    """A DrawingML straight line anchored in ``para`` (how Word draws rules)."""
    from docx.oxml import parse_xml

    run = para.add_run()
    run._r.append(parse_xml(SHAPE.format(cx=int(length_mm * 36000), id=len(para._p.xpath("//wp:docPr")) + 7)))


def _borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    insert_in_order(tbl_pr, borders)  # fixed layout: table.autofit = False writes it


def _table(doc, widths):
    table = doc.add_table(rows=1, cols=len(widths))
    table.autofit = False
    _borderless(table)
    for col, w in zip(table.columns, widths):
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)
    return table


def _page_field(para, size: float, font: str) -> None:
    def run(child):
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        _fonts(rpr, font)
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(size * 2)))
        rpr.append(sz)
        r.append(rpr)
        r.append(child)
        para._p.append(r)

    for kind in ("begin", None, "separate", "text", "end"):
        if kind is None:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = "2"
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run(el)


def build_cong_van(path: Path, **changes) -> Path:
    """The good công văn, with ``changes`` applied to its parameters."""
    p = dict(GOOD)
    for key, value in changes.items():
        assert key in p, key
        p[key] = value
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = p["font"]
    normal.font.size = Pt(14)
    _fonts(normal.element.get_or_add_rPr(), p["font"])
    s = doc.sections[0]
    w, h = p["paper"]
    if p["landscape"]:
        s.orientation = WD_ORIENT.LANDSCAPE
        w, h = h, w
    s.page_width, s.page_height = Mm(w), Mm(h)
    m = p["margins"]
    s.top_margin, s.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    s.left_margin, s.right_margin = Mm(m["left"]), Mm(m["right"])
    s.header_distance = s.footer_distance = Mm(10)
    if p["page_number"] != "none":
        s.different_first_page_header_footer = p["page_number"] == "from2"
        part = s.footer if p["page_number"] == "footer" else s.header
        para = part.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(para, p["page_number_size"], p["font"])
    text_w = w - m["left"] - m["right"]
    left_w, right_w = 60.0, text_w - 60.0
    pad = 108 * 25.4 / 1440
    # header: row 1 issuer | quốc hiệu, tiêu ngữ; row 2 Số, V/v | date
    table = _table(doc, [left_w, right_w])
    left, right = table.rows[0].cells
    issuer = "\n".join(p["issuer"])
    _para(left, issuer, p, 13, bold=p["issuer_bold"], first=True)
    longest = max(text_width_mm(x, 13, p["issuer_bold"]) for x in p["issuer"])
    _rule(left, left_w - 2 * pad, longest * p["issuer_rule"])
    _para(right, p["qh"], p, p["qh_size"], bold=p["qh_bold"], first=True)
    tn = _para(right, p["tn"], p, p["tn_size"], bold=True)
    tn_len = text_width_mm(p["tn"], p["tn_size"], True) * p["tn_rule"]
    if p["tn_rule_shape"]:
        _line_shape(tn, tn_len)
    else:
        _rule(right, right_w - 2 * pad, tn_len)
    row = table.add_row()
    left, right = row.cells
    _para(left, p["so"], p, p["so_size"], first=True, before=6)
    if p["vv"]:
        _para(left, p["vv"], p, p["vv_size"], bold=p["vv_bold"], before=6)
    if p["date"]:
        _para(right, p["date"], p, p["date_size"], italic=p["date_italic"], first=True, before=6)
    if p["heading"]:
        _para(doc, p["heading"], p, 14, bold=True, before=18)
        _para(doc, p["subject"], p, 14, bold=True)
        _rule(doc, text_w, text_width_mm(p["subject"], 14, True) * p["subject_rule"])
    if p["authority"]:
        _para(doc, p["authority"], p, 14, bold=True, before=12)
    for text in p["can_cu"]:
        _para(doc, text, p, 14, italic=p["can_cu_italic"], align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, indent=10)
    if p["decides"]:
        _para(doc, p["decides"], p, 14, bold=True, before=12)
    for label, text in p["articles"]:
        para = _para(doc, label, p, 14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, indent=10)
        run = para.add_run(" " + text)
        run.font.size = Pt(14)
        _fonts(run._r.get_or_add_rPr(), p["font"])
    # Kính gửi
    if p["kinh_gui"]:
        _para(doc, "Kính gửi:", p, 14, align=WD_ALIGN_PARAGRAPH.LEFT, before=12, indent=0).paragraph_format.left_indent = Mm(35)
    for item in p["kinh_gui"]:
        _para(doc, item, p, 14, align=WD_ALIGN_PARAGRAPH.LEFT).paragraph_format.left_indent = Mm(45)
    for text in p["body"]:
        _para(doc, text, p, p["body_size"], align=p["body_align"], before=p["body_before"], indent=p["body_indent"])
    # signature table: Nơi nhận | signer
    sig = _table(doc, [72.0, text_w - 72.0])
    left, right = sig.rows[0].cells
    for k, line in enumerate(p["signer"]):
        _para(right, line, p, 14, bold=p["signer_bold"], first=k == 0)
    _para(right, p["name"], p, 14, bold=True, before=72)
    if p["noi_nhan"]:
        if p["noi_nhan_below"]:
            target = doc
            _para(doc, "", p, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
        else:
            target = left
        _para(target, "Nơi nhận:", p, p["noi_nhan_size"], bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT,
              first=target is left)
        for item in p["noi_nhan_items"]:
            _para(target, item, p, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for heading, title in p["annexes"]:
        para = _para(doc, heading, p, 14, bold=True)
        para.paragraph_format.page_break_before = True
        _para(doc, title, p, 14, bold=True)
        _para(doc, "(Kèm theo Quyết định số 15/QĐ-UBND ngày 05 tháng 01 năm 2025 của Chủ tịch UBND huyện)", p, 14,
              italic=True)
    doc.save(str(path))
    return path


def build_clerk_letter(path: Path) -> Path:
    """A letter laid out the way many clerks do it: no tables, tab stops for
    the two header columns, formatting from paragraph styles (not runs),
    the issuer rule as a centred bordered paragraph under the text."""
    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    _fonts(normal.element.get_or_add_rPr(), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin = s.bottom_margin = Mm(20)
    s.left_margin, s.right_margin = Mm(30), Mm(15)
    s.different_first_page_header_footer = True
    hp = s.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(hp, 14, "Times New Roman")

    def style(name, size, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT, base="Normal"):
        st = styles.add_style(name, 1)
        st.base_style = styles[base]
        st.font.size = Pt(size)
        st.font.bold = bold
        st.font.italic = italic
        st.paragraph_format.alignment = align
        return st

    head = style("Dau", 13, bold=True)
    head.paragraph_format.tab_stops.add_tab_stop(Mm(30), WD_TAB_ALIGNMENT.CENTER)
    head.paragraph_format.tab_stops.add_tab_stop(Mm(113), WD_TAB_ALIGNMENT.CENTER)
    body = style("Than", 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    body.paragraph_format.first_line_indent = Mm(12.7)
    body.paragraph_format.space_before = Pt(6)

    def line(text, st, fmt=None):
        run_fmt = fmt or {}
        para = doc.add_paragraph(style=st)
        parts = text.split("\t")
        for k, part in enumerate(parts):
            if k:
                para.add_run().add_tab()
            run = para.add_run(part)
            for key, value in run_fmt.get(k, {}).items():
                setattr(run.font, key, value)
        return para

    line("\tỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Dau")
    line("\tXÃ SƠN BÌNH\tĐộc lập - Tự do - Hạnh phúc", "Dau", {2: {"size": Pt(14)}})
    # the two rules: short bordered paragraphs indented under each column
    r1 = _rule(doc, 165, 18)
    r1.paragraph_format.left_indent = Mm(21)
    r1.paragraph_format.right_indent = Mm(165 - 39)
    tn_len = text_width_mm("Độc lập - Tự do - Hạnh phúc", 14, True)
    r2 = _rule(doc, 165, tn_len)
    r2.paragraph_format.left_indent = Mm(113 - tn_len / 2)
    r2.paragraph_format.right_indent = Mm(165 - 113 - tn_len / 2)
    line("\tSố: 12/UBND-VP\tSơn Bình, ngày 05 tháng 01 năm 2025", "Dau", {1: {"bold": False}, 2: {"bold": False, "italic": True, "size": Pt(14)}})
    vv = line("\tV/v báo cáo kết quả xây dựng nông thôn mới", "Dau", {1: {"bold": False, "size": Pt(12)}})
    vv.paragraph_format.space_before = Pt(6)
    kg = line("Kính gửi: Ủy ban nhân dân huyện Tam Đường.", "Normal")
    kg.paragraph_format.space_before = Pt(12)
    kg.paragraph_format.left_indent = Mm(35)
    for text in BODY[:4] + BODY[-1:]:
        line(text, "Than")
    sign = style("Ky", 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign.paragraph_format.tab_stops.add_tab_stop(Mm(120), WD_TAB_ALIGNMENT.CENTER)
    sign.paragraph_format.space_before = Pt(12)
    line("Nơi nhận:\tTM. ỦY BAN NHÂN DÂN", "Ky", {0: {"size": Pt(12), "italic": True}})
    items = style("NoiNhan", 11)
    items.paragraph_format.tab_stops.add_tab_stop(Mm(120), WD_TAB_ALIGNMENT.CENTER)
    items.paragraph_format.space_before = Pt(0)
    line("- Như trên;\tCHỦ TỊCH", "NoiNhan", {1: {"size": Pt(14), "bold": True}})
    line("- Lưu: VT, VP.", "NoiNhan")
    for _ in range(3):
        doc.add_paragraph(style="Normal")
    name = line("\tLò Văn Minh", "Ky")
    name.paragraph_format.space_before = Pt(0)
    doc.save(str(path))
    return path


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is required for these tests"
    return exe


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with headless LibreOffice, an isolated profile, the project's fonts."""
    from dossier.fonts import use_project_fonts

    env = use_project_fonts(dict(os.environ))
    with tempfile.TemporaryDirectory(prefix="dossier-check-lo-") as profile:
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), str(src)],
            check=True, capture_output=True, env=env, timeout=180,
        )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


def test_good_letter_builds(tmp_path):
    path = build_cong_van(tmp_path / "good.docx")
    doc = Document(str(path))
    assert doc.tables and len(doc.paragraphs) > 10
