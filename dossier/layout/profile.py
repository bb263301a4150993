"""The concrete layout dossier generates: one value chosen inside each range
that Decree 30/2020/NĐ-CP allows (the ranges live in ``decree30.yaml``; a test
checks that every value here lies inside them).

Sizes in points, lengths in millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0

# Margins: the range is top/bottom 20–25, left 30–35, right 15–20.
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0
MARGIN_RIGHT_MM = 15.0
HEADER_DISTANCE_MM = 10.0  # page number sits in the top margin

TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 165
LANDSCAPE_TEXT_WIDTH_MM = PAGE_HEIGHT_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 252

# Header table: the quốc hiệu needs ~95.7 mm at 13 pt bold, so the right
# column is 105 mm (101 mm inside the default cell padding).
HEADER_LEFT_COL_MM = 60.0
HEADER_RIGHT_COL_MM = TEXT_WIDTH_MM - HEADER_LEFT_COL_MM
CELL_PADDING_MM = 1.9  # Word's default left/right cell margin (0.08 in)

# In a landscape document the header keeps the same left column, wider right.
LANDSCAPE_HEADER_LEFT_COL_MM = 90.0

# Signature table: "Nơi nhận" on the left, level with the signer on the right.
SIGN_LEFT_COL_MM = 72.0
SIGN_RIGHT_COL_MM = TEXT_WIDTH_MM - SIGN_LEFT_COL_MM
SIGNATURE_SPACE_PT = 72.0  # room for signature and seal (~25 mm)
SIGN_TABLE_TOP_PT = 12.0  # space between the body and the "Nơi nhận"/signer row

BODY_FIRST_LINE_INDENT_MM = 10.0  # "1 cm hoặc 1,27 cm"
BODY_SPACE_BEFORE_PT = 6.0  # "tối thiểu 6pt"
BODY_LINE_SPACING = 1.0  # single; the rule allows 1.0–1.5 lines

# Kính gửi: the label starts 35 mm into the text area, recipients at 45 mm.
KINH_GUI_INDENT_MM = 35.0
KINH_GUI_LIST_INDENT_MM = 45.0

RULE_THICKNESS_EIGHTHS = 6  # 0.75 pt solid line (w:sz is in eighths of a point)
ISSUER_RULE_RATIO = 0.4  # the rule under the issuing body: 1/3–1/2 of the text
SUBJECT_RULE_RATIO = 0.4  # the rule under a subject line (trích yếu)
MOTTO_RULE_RATIO = 1.0  # the rule under the tiêu ngữ: as long as the text

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class ElementStyle:
    """How one element of the form is set: a Word paragraph style."""

    name: str  # the Word style name (Vietnamese: clerks see it in Word)
    size: float
    bold: bool = False
    italic: bool = False
    align: str = "center"  # left | center | right | justify
    space_before: float = 0.0
    space_after: float = 0.0
    first_line_indent_mm: float = 0.0
    left_indent_mm: float = 0.0
    keep_with_next: bool = False


# Every element of the form, once. Keys are used by the template builder and
# by the rule-fitting pass; names are what a clerk sees in Word's style list.
ELEMENTS: dict[str, ElementStyle] = {
    "superior": ElementStyle("VB Cơ quan chủ quản", 13),
    "issuer": ElementStyle("VB Cơ quan ban hành", 13, bold=True),
    "issuer_rule": ElementStyle("VB Gạch dưới cơ quan", 2),
    "quoc_hieu": ElementStyle("VB Quốc hiệu", 13, bold=True),
    "tieu_ngu": ElementStyle("VB Tiêu ngữ", 14, bold=True),
    "tieu_ngu_rule": ElementStyle("VB Gạch dưới tiêu ngữ", 2),
    "number": ElementStyle("VB Số ký hiệu", 13, space_before=6),
    "place_date": ElementStyle("VB Địa danh ngày tháng", 14, italic=True, space_before=6),
    "vv": ElementStyle("VB Trích yếu công văn", 12, space_before=6),
    "type_name": ElementStyle("VB Tên loại", 14, bold=True, space_before=18, keep_with_next=True),
    "subject": ElementStyle("VB Trích yếu", 14, bold=True, keep_with_next=True),
    "subject_rule": ElementStyle("VB Gạch dưới trích yếu", 2, keep_with_next=True),
    "authority_line": ElementStyle("VB Thẩm quyền ban hành", 14, bold=True, space_before=12, keep_with_next=True),
    "kinh_gui": ElementStyle("VB Kính gửi", 14, align="left", space_before=12, left_indent_mm=KINH_GUI_INDENT_MM),
    "kinh_gui_item": ElementStyle("VB Kính gửi danh sách", 14, align="left", left_indent_mm=KINH_GUI_LIST_INDENT_MM),
    "can_cu": ElementStyle(
        "VB Căn cứ", 14, italic=True, align="justify", space_before=6, first_line_indent_mm=BODY_FIRST_LINE_INDENT_MM
    ),
    "decides": ElementStyle("VB Quyết định", 14, bold=True, space_before=12, space_after=6, keep_with_next=True),
    "body": ElementStyle(
        "VB Nội dung", 14, align="justify", space_before=BODY_SPACE_BEFORE_PT, first_line_indent_mm=BODY_FIRST_LINE_INDENT_MM
    ),
    "heading": ElementStyle(
        "VB Đề mục",
        14,
        bold=True,
        align="justify",
        space_before=BODY_SPACE_BEFORE_PT,
        first_line_indent_mm=BODY_FIRST_LINE_INDENT_MM,
        keep_with_next=True,
    ),
    "part_heading": ElementStyle("VB Phần", 14, bold=True, space_before=12, keep_with_next=True),
    "bullet": ElementStyle(
        "VB Gạch đầu dòng", 14, align="justify", space_before=BODY_SPACE_BEFORE_PT, first_line_indent_mm=BODY_FIRST_LINE_INDENT_MM
    ),
    "noi_nhan": ElementStyle("VB Nơi nhận", 12, bold=True, italic=True, align="left"),
    "noi_nhan_item": ElementStyle("VB Danh sách nơi nhận", 11, align="left"),
    "signer_title": ElementStyle("VB Chức vụ người ký", 14, bold=True),
    "signer_name": ElementStyle("VB Họ tên người ký", 14, bold=True, space_before=SIGNATURE_SPACE_PT),
    "page_number": ElementStyle("VB Số trang", 14),
    "table_text": ElementStyle("VB Bảng", 12, align="left"),
    "table_head": ElementStyle("VB Bảng tiêu đề", 12, bold=True),
    "annex_heading": ElementStyle("VB Phụ lục", 14, bold=True, space_before=12),
    "annex_title": ElementStyle("VB Tên phụ lục", 14, bold=True),
    "annex_ref": ElementStyle("VB Kèm theo", 14, italic=True),
}

# Rule paragraphs and how long each is relative to the text above it.
RULES = {
    "issuer_rule": ISSUER_RULE_RATIO,
    "tieu_ngu_rule": MOTTO_RULE_RATIO,
    "subject_rule": SUBJECT_RULE_RATIO,
}
