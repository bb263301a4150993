"""`dossier check` on the command line: exit codes, text and JSON output."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dossier.cli import main

from .test_check_build import build_cong_van


def run(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)])


def test_good_file_exits_0(tmp_path):
    result = run(build_cong_van(tmp_path / "good.docx"))
    assert result.exit_code == 0, result.output
    assert "0 lỗi" in result.output


def test_error_exits_1_with_one_line_per_finding(tmp_path):
    result = run(build_cong_van(tmp_path / "bad.docx", so="Số: 5/UBND-NN", vv_bold=True))
    assert result.exit_code == 1
    lines = [x for x in result.output.splitlines() if x.startswith("LỖI")]
    assert len(lines) == 2
    assert any("quy định: số dưới 10 phải có số 0 đứng trước (05)" in x for x in lines)


def test_warnings_pass_unless_strict(tmp_path):
    path = build_cong_van(tmp_path / "warn.docx", tn="Độc lập – Tự do – Hạnh phúc")
    assert run(path).exit_code == 0
    assert run("--strict", path).exit_code == 1


def test_json_output(tmp_path):
    result = run("--format", "json", build_cong_van(tmp_path / "bad.docx", noi_nhan_size=13))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["kind"] == "cong_van" and data["errors"] >= 1
    finding = next(f for f in data["findings"] if f["rule"] == "noi_nhan.size")
    assert set(finding) == {"rule", "severity", "element", "page", "position", "found", "expected"}
    assert finding["severity"] == "error" and finding["element"] == "Nơi nhận"


def test_unreadable_files_exit_2_in_vietnamese(tmp_path):
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"not a zip")
    result = run(broken)
    assert result.exit_code == 2
    assert "Không đọc được tệp" in result.output
    fake_pdf = tmp_path / "hong.pdf"
    fake_pdf.write_bytes(b"%PDF-1.4 garbage")
    assert run(fake_pdf).exit_code == 2
    other = tmp_path / "thu.txt"
    other.write_text("x", encoding="utf-8")
    result = run(other)
    assert result.exit_code == 2 and "chỉ nhận tệp .docx hoặc .pdf" in result.output
    assert run(tmp_path / "khong-co.docx").exit_code == 2


def test_pdf_without_text_layer_exits_2(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = tmp_path / "ban-quet.pdf"
    with scan.open("wb") as handle:
        writer.write(handle)
    result = run(scan)
    assert result.exit_code == 2
    assert "không có lớp chữ" in result.output


def test_several_files_as_json(tmp_path):
    import json

    good = build_cong_van(tmp_path / "a.docx")
    bad = build_cong_van(tmp_path / "b.docx", qh_bold=False)
    result = run("--format", "json", good, bad)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [d["errors"] for d in data] == [0, 1]
