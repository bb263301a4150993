"""The layout dossier generates (profile.py) lies inside the Decree 30 ranges
(decree30.yaml): the rules exist once, the generator only picks values."""

from __future__ import annotations

import pytest

from dossier.layout import profile as P
from dossier.layout import rules as R
from dossier.layout.metrics import text_width_mm

# profile element → decree30.yaml element
PAIRS = {
    "quoc_hieu": "quoc_hieu",
    "tieu_ngu": "tieu_ngu",
    "superior": "co_quan_chu_quan",
    "issuer": "co_quan_ban_hanh",
    "number": "so_ky_hieu",
    "place_date": "dia_danh_thoi_gian",
    "type_name": "ten_loai",
    "subject": "trich_yeu",
    "vv": "trich_yeu_cong_van",
    "kinh_gui": "kinh_gui",
    "body": "noi_dung",
    "can_cu": "can_cu",
    "signer_title": "quyen_han_chuc_vu",
    "signer_name": "ho_ten_nguoi_ky",
    "noi_nhan": "noi_nhan_label",
    "noi_nhan_item": "noi_nhan_list",
    "annex_heading": "phu_luc_label",
    "page_number": "page_number",
}


def test_margins_inside_ranges():
    for side, value in zip(R.SIDES, (P.MARGIN_TOP_MM, P.MARGIN_BOTTOM_MM, P.MARGIN_LEFT_MM, P.MARGIN_RIGHT_MM)):
        assert R.margin_range(side).contains(value, 0), side
    assert R.page_size_mm() == (P.PAGE_WIDTH_MM, P.PAGE_HEIGHT_MM)


@pytest.mark.parametrize("ours, theirs", sorted(PAIRS.items()))
def test_element_sizes_inside_ranges(ours, theirs):
    assert R.size_range(theirs).contains(P.ELEMENTS[ours].size, 0)


def test_body_indent_and_spacing_allowed():
    assert P.BODY_FIRST_LINE_INDENT_MM in R.first_line_indents_mm()
    assert P.BODY_SPACE_BEFORE_PT >= 6
    assert 1.0 <= P.BODY_LINE_SPACING <= 1.5


def test_rule_ratios_and_quoc_hieu_fits_its_column():
    assert 1 / 3 <= P.ISSUER_RULE_RATIO <= 1 / 2
    assert 1 / 3 <= P.SUBJECT_RULE_RATIO <= 1 / 2
    assert P.MOTTO_RULE_RATIO == 1.0
    usable = P.HEADER_RIGHT_COL_MM - 2 * P.CELL_PADDING_MM
    assert text_width_mm(P.QUOC_HIEU, P.ELEMENTS["quoc_hieu"].size, bold=True) < usable
