"""The assess, summary and excel-template commands through Click."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from dossier.cli import main

from .test_assess_helpers import COMMUNES, sample, write


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_assess_son_binh_reports_19_of_19():
    result = run("assess", COMMUNES / "son-binh.yaml")
    assert result.exit_code == 0, result.output
    assert "Tổng số tiêu chí đạt: 19/19" in result.output
    assert "Số thôn, bản đạt chuẩn: 2/4" in result.output


def test_assess_names_what_is_missing_and_by_how_much():
    result = run("assess", COMMUNES / "giang-ma.yaml")
    assert result.exit_code == 0
    assert "Tổng số tiêu chí đạt: 16/19" in result.output
    assert "2.2: 66,5%, cần ≥ 70% (thiếu 3,5 điểm %)" in result.output


def test_assess_writes_xlsx(tmp_path):
    out = tmp_path / "ket-qua.xlsx"
    result = run("assess", COMMUNES / "ban-hon.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Kết quả"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Tổng số tiêu chí đạt: 18/19" in texts
    assert any("Chưa xác minh" in t for t in texts)


def test_bad_data_exits_2_with_vietnamese_message(tmp_path):
    data = sample()
    data["indicators"]["2.2"] = {"value": "khoảng 80"}
    result = run("assess", write(tmp_path, data))
    assert result.exit_code == 2
    assert "cần một số phần trăm, nhận được 'khoảng 80'" in result.output
    missing = run("assess", tmp_path / "khong-co.yaml")
    assert missing.exit_code == 2 and "Không tìm thấy tệp dữ liệu" in missing.output


def test_unsupported_output_format_exits_2(tmp_path):
    result = run("assess", COMMUNES / "son-binh.yaml", "-o", tmp_path / "x.odt")
    assert result.exit_code == 2 and "chưa được hỗ trợ" in result.output


def test_summary_command(tmp_path):
    out = tmp_path / "tong-hop.xlsx"
    result = run("summary", COMMUNES, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Số xã đạt chuẩn (đạt 19/19 tiêu chí): 1/12" in result.output
    assert out.exists()


def test_excel_template_then_assess_blank_form_fails_cleanly(tmp_path):
    out = tmp_path / "mau.xlsx"
    result = run("excel-template", "--override", "lai-chau-1487-2024", "-o", out)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == ["Thông tin", "Tiêu chí", "Thôn bản"]
    blank = run("assess", out)
    assert blank.exit_code == 2 and "Sheet 'Thông tin', ô B4: thiếu trường bắt buộc" in blank.output
    listing = run("excel-template", "--list")
    assert "xa-ntm-2021-2025" in listing.output and "lai-chau-1487-2024" in listing.output
    unknown = run("excel-template", "--set", "khong-co", "-o", out)
    assert unknown.exit_code == 2 and "Không có bộ tiêu chí 'khong-co'" in unknown.output
