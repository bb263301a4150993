"""`dossier check` on DOCX files: the good letter passes, each broken variant
(one rule broken at a time) is caught with the right rule id and message."""

from __future__ import annotations

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from dossier.check import check_file
from dossier.check.engine import registered_ids
from dossier.layout.rules import rules

from .test_check_build import GOOD, build_clerk_letter, build_cong_van

ITEMS = GOOD["noi_nhan_items"]

# (name, changes, rule id, words the message must contain)
BROKEN = [
    ("month padded", {"date": "Tam Đường, ngày 31 tháng 03 năm 2024"}, "date.leading_zero", "tháng 3"),
    ("day not padded", {"date": "Tam Đường, ngày 5 tháng 3 năm 2024"}, "date.leading_zero", "05"),
    ("no such day", {"date": "Tam Đường, ngày 30 tháng 02 năm 2024"}, "date.calendar", "lịch"),
    ("date upright", {"date_italic": False}, "date.style", "in nghiêng"),
    ("date wording", {"date": "Tam Đường, 31/10/2024"}, "date.format", "Địa danh"),
    ("number not padded", {"so": "Số: 5/UBND-NN"}, "so.leading_zero", "(05)"),
    ("number spaces", {"so": "Số: 05/UBND - NN"}, "so.format", "không có dấu cách"),
    ("typed symbol on công văn", {"so": "Số: 05/QĐ-UBND"}, "so.type", "công văn"),
    ("number size", {"so_size": 14}, "so.size", "13"),
    ("V/v bold", {"vv_bold": True}, "vv.style", "không in đậm"),
    ("V/v colon", {"vv": "V/v: tăng cường thực hiện Chương trình"}, "vv.format", "dấu hai chấm"),
    ("V/v size", {"vv_size": 14}, "vv.size", "12–13"),
    ("Nơi nhận 13 pt", {"noi_nhan_size": 13}, "noi_nhan.size", "12 pt"),
    ("Nơi nhận missing", {"noi_nhan": False}, "noi_nhan.missing", "Nơi nhận"),
    ("Nơi nhận below signature", {"noi_nhan_below": True}, "noi_nhan.level", "ngang hàng"),
    ("last line without dot", {"noi_nhan_items": ITEMS[:-1] + ["- Lưu: VT"]}, "noi_nhan.last", "Lưu"),
    ("item without semicolon", {"noi_nhan_items": ["- Như trên"] + ITEMS[1:]}, "noi_nhan.items", "';'"),
    ("quốc hiệu not bold", {"qh_bold": False}, "quoc_hieu.style", "in đậm"),
    ("quốc hiệu misspelt", {"qh": "CỘNG HÒA XÃ HỘI CHỦ NGHỈA VIỆT NAM"}, "quoc_hieu.text", "CỘNG HÒA"),
    ("quốc hiệu size", {"qh_size": 14}, "quoc_hieu.size", "12–13"),
    ("tiêu ngữ size", {"tn_size": 12}, "tieu_ngu.size", "13–14"),
    ("tiêu ngữ wording", {"tn": "Độc lập - Tự do - Hạnh Phúc"}, "tieu_ngu.text", "Hạnh phúc"),
    ("tiêu ngữ rule too short", {"tn_rule": 0.5}, "tieu_ngu.rule", "dài bằng dòng tiêu ngữ"),
    ("issuer rule full length", {"issuer_rule": 1.0}, "co_quan.rule", "1/3–1/2"),
    ("issuer wraps, rule sized to the unwrapped text", {"issuer": ["['ỦY BAN NHÂN DÂN', 'HUYỆN TAM ĐƯỜNG']"]},
     "co_quan.rule", "1/3–1/2"),
    ("issuer not bold", {"issuer_bold": False}, "co_quan.style", "in đậm"),
    ("margins 10 mm", {"margins": {"top": 20, "bottom": 20, "left": 10, "right": 15}}, "page.margins", "lề trái 30–35"),
    ("Letter paper", {"paper": (215.9, 279.4)}, "page.size", "A4"),
    ("landscape", {"landscape": True}, "page.orientation", "trang đứng"),
    ("Arial", {"font": "Arial"}, "font.family", "Times New Roman"),
    ("page number on page 1", {"page_number": "all"}, "page_number.first_page", "trang thứ nhất"),
    ("no page numbers", {"page_number": "none"}, "page_number.missing", "từ trang 2"),
    ("page number in footer", {"page_number": "footer"}, "page_number.position", "lề trên"),
    ("page number 11 pt", {"page_number_size": 11}, "page_number.size", "13–14"),
    ("prefix and title on one line", {"signer": ["KT. CHỦ TỊCH PHÓ CHỦ TỊCH"]}, "signature.lines", "hai dòng"),
    ("prefix without dot", {"signer": ["KT CHỦ TỊCH", "PHÓ CHỦ TỊCH"]}, "signature.prefix", "KT."),
    ("signer not bold", {"signer_bold": False}, "signature.style", "in đậm"),
    ("name in capitals", {"name": "PHONG VĨNH CƯỜNG"}, "signer_name.style", "chữ thường"),
    ("academic title", {"name": "TS. Phong Vĩnh Cường"}, "signer_name.title", "học hàm"),
    ("body left aligned", {"body_align": WD_ALIGN_PARAGRAPH.LEFT}, "body.align", "canh đều"),
    ("body indent 5 mm", {"body_indent": 5.0}, "body.indent", "1 cm hoặc 1,27 cm"),
    ("no space between paragraphs", {"body_before": 0}, "body.spacing", "6 pt"),
    ("body 12 pt", {"body_size": 12}, "body.size", "13–14"),
    ("Kính gửi list without dashes", {"kinh_gui": ["Các cơ quan, đơn vị huyện;", "Ủy ban nhân dân các xã."]},
     "kinh_gui.list", "'- '"),
]

WARNINGS = [
    ("en dashes in tiêu ngữ", {"tn": "Độc lập – Tự do – Hạnh phúc"}, "tieu_ngu.dash"),
    ("sizes not consistent", {"qh_size": 12}, "size.consistency"),
    ("no end mark", {"body": GOOD["body"][:-1]}, "body.end_mark"),
    ("Lưu without VT", {"noi_nhan_items": ITEMS[:-1] + ["- Lưu: NN."]}, "noi_nhan.last_usual"),
]


def test_good_letter_has_no_findings(tmp_path):
    report = check_file(build_cong_van(tmp_path / "good.docx"))
    assert report.kind == "cong_van"
    assert report.findings == [], report.as_text()


@pytest.mark.parametrize(("changes",), [
    ({"qh": "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"},),
    ({"so": "Số:      /UBND-NN", "date": "Tam Đường, ngày      tháng      năm 2024"},),
    ({"date": "Hà Nội, ngày 05 tháng 01 năm 2020", "so": "Số: 12/UBND-VX"},),
    ({"body_indent": 12.7},),
    ({"margins": {"top": 25, "bottom": 20, "left": 35, "right": 20}},),
    ({"signer": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]},),
], ids=["HOÀ", "blank number and date", "other valid date", "indent 1.27 cm", "decree file margins", "TM.+KT."])
def test_accepted_variants(tmp_path, changes):
    report = check_file(build_cong_van(tmp_path / "ok.docx", **changes))
    assert report.errors == [], report.as_text()


@pytest.mark.parametrize(("name", "changes", "rule", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_variant_is_caught(tmp_path, name, changes, rule, words):
    report = check_file(build_cong_van(tmp_path / "bad.docx", **changes))
    hits = [f for f in report.findings if f.rule == rule]
    assert hits, f"{name}: {rule} not reported\n{report.as_text()}"
    assert hits[0].severity == "error"
    assert any(words in f.expected or words in f.found for f in hits), report.as_text()
    assert report.failed()


@pytest.mark.parametrize(("name", "changes", "rule"), WARNINGS, ids=[w[0] for w in WARNINGS])
def test_suggested_rules_are_warnings(tmp_path, name, changes, rule):
    report = check_file(build_cong_van(tmp_path / "warn.docx", **changes))
    hits = [f for f in report.findings if f.rule == rule]
    assert hits and all(f.severity == "warning" for f in hits), report.as_text()
    assert not report.failed() and report.failed(strict=True), report.as_text()


def test_rule_drawn_as_a_shape(tmp_path):
    good = check_file(build_cong_van(tmp_path / "shape.docx", tn_rule_shape=True))
    assert good.errors == [], good.as_text()
    short = check_file(build_cong_van(tmp_path / "shape-short.docx", tn_rule_shape=True, tn_rule=0.6))
    assert [f.found for f in short.findings if f.rule == "tieu_ngu.rule"] == ["đường kẻ vẽ dài 36,3 mm"]


def test_message_names_element_page_found_and_rule(tmp_path):
    report = check_file(build_cong_van(tmp_path / "bad.docx", so="Số: 5/UBND-NN"))
    line = next(x for x in report.as_text().splitlines() if "so.leading_zero" in x)
    assert line.startswith("LỖI  trang 1, Số, ký hiệu: tìm thấy 'Số: 5/UBND-NN', quy định: số dưới 10 phải có số 0 "
                           "đứng trước (05)")
    assert "bảng 1, hàng 2, cột 1" in line


def test_clerks_own_letter_with_tabs_and_styles(tmp_path):
    report = check_file(build_clerk_letter(tmp_path / "clerk.docx"))
    assert report.kind == "cong_van"
    assert report.errors == [], report.as_text()


def test_party_document_is_not_checked(tmp_path):
    path = build_cong_van(tmp_path / "dang.docx", qh="ĐẢNG CỘNG SẢN VIỆT NAM", so="Số 127-CV/HU")
    report = check_file(path)
    assert report.kind == "party" and report.findings == []
    assert "không kiểm tra theo Nghị định 30/2020" in report.as_text()


def test_every_rule_in_the_yaml_has_a_check_and_sure_rules_are_errors():
    ids = set(rules().checks)
    assert ids == registered_ids()
    for rule_id, info in rules().checks.items():
        expected = "error" if info.confidence == "sure" else "warning"
        assert rules().severity[info.confidence] == expected, rule_id


# --- named documents -------------------------------------------------------
from .test_check_build import DECISION  # noqa: E402


def decision(tmp_path, name="qd.docx", **changes):
    params = dict(DECISION)
    params.update(changes)
    return build_cong_van(tmp_path / name, **params)


def test_good_decision_has_no_errors(tmp_path):
    report = check_file(decision(tmp_path))
    assert report.kind == "quyet_dinh"
    assert report.errors == [], report.as_text()


@pytest.mark.parametrize(("changes", "rule", "words"), [
    ({"so": "Số: 15/TTr-UBND"}, "so.type", "QĐ"),
    ({"can_cu_italic": False}, "can_cu.style", "in nghiêng"),
    ({"can_cu": ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
                 "Theo đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện."]},
     "can_cu.punctuation", "';'"),
    ({"articles": [("Điều 1.", "Công nhận."), ("Điều 3.", "Thi hành./.")]}, "dieu.numbering", "Điều 2."),
    ({"decides": None}, "quyet_dinh.label", "QUYẾT ĐỊNH:"),
    ({"subject_rule": 1.0}, "trich_yeu.rule", "1/3–1/2"),
    ({"annexes": [("Phụ lục 1", "DANH SÁCH A"), ("Phụ lục 2", "DANH SÁCH B")]}, "phu_luc.numbering", "La Mã"),
], ids=["symbol type", "căn cứ upright", "căn cứ punctuation", "article numbers", "no QUYẾT ĐỊNH:", "subject rule",
        "annex numbers"])
def test_broken_decision_is_caught(tmp_path, changes, rule, words):
    report = check_file(decision(tmp_path, **changes))
    hits = [f for f in report.findings if f.rule == rule]
    assert hits, report.as_text()
    assert any(words in f.expected or words in f.found for f in hits), report.as_text()


def test_decision_with_roman_annexes_passes(tmp_path):
    report = check_file(decision(tmp_path, annexes=[("Phụ lục I", "DANH SÁCH A"), ("Phụ lục II", "DANH SÁCH B")]))
    assert report.errors == [], report.as_text()


def test_bien_ban_has_no_date_in_header(tmp_path):
    params = dict(heading="BIÊN BẢN", subject="Họp xét công nhận xã đạt chuẩn nông thôn mới", so="Số: 03/BB-UBND",
                  vv=None, kinh_gui=[], noi_nhan=False, signer=["CHỦ TỊCH"], name="Nguyễn Văn An")
    ok = check_file(build_cong_van(tmp_path / "bb.docx", date=None, **params))
    assert ok.kind == "bien_ban" and ok.errors == [], ok.as_text()
    dated = check_file(build_cong_van(tmp_path / "bb2.docx", **params))
    assert "date.in_header" in dated.rule_ids()


@pytest.mark.parametrize("heading,abbr,kind", [("TỜ TRÌNH", "TTr", "to_trinh"), ("BÁO CÁO", "BC", "bao_cao"),
                                               ("KẾ HOẠCH", "KH", "ke_hoach")])
def test_other_named_documents_are_recognised(tmp_path, heading, abbr, kind):
    report = check_file(build_cong_van(tmp_path / "x.docx", heading=heading, so=f"Số: 21/{abbr}-UBND", vv=None))
    assert report.kind == kind
    assert report.errors == [], report.as_text()


def test_cong_van_with_a_type_name_line(tmp_path):
    report = check_file(build_cong_van(tmp_path / "cv.docx", heading="CÔNG VĂN"))
    assert "kind.ten_loai" in report.rule_ids(), report.as_text()
