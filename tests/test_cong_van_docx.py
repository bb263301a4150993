"""The công văn DOCX read back with python-docx: page, header, elements, fonts."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from docx.shared import Mm

from dossier.layout import profile as P
from dossier.layout.metrics import text_width_mm

SEED = "cong-van-ubnd-huyen.yaml"


@pytest.fixture(scope="module")
def doc(rendered):
    return Document(str(rendered("cong-van", SEED, ".docx")))


def effective(paragraph, attr):
    """A font attribute as Word resolves it: run, then the style chain."""
    for run in paragraph.runs:
        value = getattr(run.font, attr)
        if value is not None:
            return value
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


def find(doc, text):
    for para in all_paragraphs(doc):
        if para.text.strip().startswith(text):
            return para
    raise AssertionError(f"no paragraph starting with {text!r}")


def all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_page_is_a4_with_decree_margins(doc):
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    tol = 0.5  # twip rounding (format-rules: checker tolerance)
    assert 20 - tol <= section.top_margin.mm <= 25 + tol
    assert 20 - tol <= section.bottom_margin.mm <= 25 + tol
    assert 30 - tol <= section.left_margin.mm <= 35 + tol
    assert 15 - tol <= section.right_margin.mm <= 20 + tol


def test_page_number_field_from_page_two(doc):
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text.strip() == ""
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and 'fldCharType="begin"' in header_xml
    assert section.header.paragraphs[0].alignment == 1  # centred


@pytest.mark.parametrize(
    "start, size, bold, italic",
    [
        ("ỦY BAN NHÂN DÂN", 13, True, None),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, None),
        ("Độc lập - Tự do - Hạnh phúc", 14, True, None),
        ("Số:", 13, None, None),
        ("Tam Đường, ngày", 14, None, True),
        ("V/v ", 12, None, None),
        ("Kính gửi:", 14, None, None),
        ("Nơi nhận:", 12, True, True),
        ("- Như trên;", 11, None, None),
        ("KT. CHỦ TỊCH", 14, True, None),
        ("PHÓ CHỦ TỊCH", 14, True, None),
        ("Phong Vĩnh Cường", 14, True, None),
        ("Căn cứ Công văn số 4316", 14, None, None),
    ],
)
def test_element_sizes_and_weights(doc, start, size, bold, italic):
    para = find(doc, start)
    assert effective(para, "size").pt == size
    assert bool(effective(para, "bold")) == bool(bold)
    assert bool(effective(para, "italic")) == bool(italic)
    assert effective(para, "name") == "Times New Roman"


def test_every_slot_names_times_new_roman(rendered):
    xml = zipfile.ZipFile(rendered("cong-van", SEED, ".docx")).read("word/styles.xml").decode()
    assert 'w:eastAsia="Times New Roman"' in xml and 'w:cs="Times New Roman"' in xml
    assert "Calibri" not in xml.split("<w:style ")[0]  # document defaults


def test_header_texts_and_blank_number(doc):
    header = doc.tables[0]
    left = header.rows[0].cells[0].text
    right = header.rows[0].cells[1].text
    assert "ỦY BAN NHÂN DÂN\nHUYỆN TAM ĐƯỜNG" in left
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert header.rows[1].cells[0].text.strip() == "Số:      /UBND-NN"
    assert header.rows[1].cells[1].text.strip() == "Tam Đường, ngày      tháng      năm 2024"
    vv = header.rows[2].cells[0].text.strip()
    assert vv.startswith("V/v tăng cường") and not vv.startswith("V/v:")


def test_rules_sized_from_text(doc):
    cell_width = P.HEADER_RIGHT_COL_MM - 2 * P.CELL_PADDING_MM
    rule = [p for p in doc.tables[0].rows[0].cells[1].paragraphs if p.style.name == "VB Gạch dưới tiêu ngữ"][0]
    length = cell_width - rule.paragraph_format.left_indent.mm - rule.paragraph_format.right_indent.mm
    assert length == pytest.approx(text_width_mm("Độc lập - Tự do - Hạnh phúc", 14, True), abs=0.2)
    assert "w:bottom" in rule.style.element.xml
    left_width = P.HEADER_LEFT_COL_MM - 2 * P.CELL_PADDING_MM
    issuer_rule = [p for p in doc.tables[0].rows[0].cells[0].paragraphs if p.style.name == "VB Gạch dưới cơ quan"][0]
    length = left_width - issuer_rule.paragraph_format.left_indent.mm - issuer_rule.paragraph_format.right_indent.mm
    text = text_width_mm("HUYỆN TAM ĐƯỜNG", 13, True)
    assert text / 3 <= length <= text / 2


def test_kinh_gui_several_recipients(doc):
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("Kính gửi:")
    assert texts[i + 1 : i + 3] == ["- Các cơ quan, đơn vị huyện;", "- Ủy ban nhân dân các xã."]


def test_body_is_justified_with_indent_and_spacing(doc):
    para = find(doc, "Căn cứ Công văn số 4316")
    style = para.style
    assert style.paragraph_format.alignment == 3  # justify
    assert style.paragraph_format.first_line_indent.mm == pytest.approx(10.0, abs=0.1)
    assert style.paragraph_format.space_before.pt >= 6
    assert find(doc, "1. Các cơ quan, đơn vị huyện").style.font.bold
    assert find(doc, "- Chủ động phối hợp").text.startswith("- ")
    assert find(doc, "Chủ tịch UBND huyện yêu cầu").text.endswith("thực hiện./.")


def test_signature_level_with_noi_nhan_and_prefix_on_own_line(doc):
    table = doc.tables[-1]
    left, right = table.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    assert [p.text for p in left.paragraphs][-1] == "- Lưu: VT./."
    lines = [p.text for p in right.paragraphs if p.text.strip()]
    assert lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phong Vĩnh Cường"]
    assert right.paragraphs[-1].style.paragraph_format.space_before.pt >= 60  # room to sign


def test_commune_letter_single_recipient_and_date(rendered):
    doc = Document(str(rendered("cong-van", "cong-van-son-binh.yaml", ".docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "Kính gửi: Ủy ban nhân dân huyện Tam Đường." in texts
    header = doc.tables[0]
    assert header.rows[1].cells[0].text.strip() == "Số: 07/UBND-VP"
    assert header.rows[1].cells[1].text.strip() == "Sơn Bình, ngày 04 tháng 11 năm 2024"
    assert "TM. ỦY BAN NHÂN DÂN" in doc.tables[-1].rows[0].cells[1].text


def test_docx_is_reproducible(tmp_path):
    from dossier.render.builders import render

    from .conftest import SAMPLES

    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    render("cong-van", SAMPLES / SEED, a)
    render("cong-van", SAMPLES / SEED, b)
    assert a.read_bytes() == b.read_bytes()
