"""The mail merge end to end with LibreOffice: the 30-row sample list gives 30
documents and one combined PDF with 30 bookmarks; a list with two bad rows
besides gives the same 30 and a report naming each refused row; the CLI's
exit codes (0 all made, 1 rows refused, 2 list unreadable)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier.cli import main
from dossier.merge import run_merge

from .conftest import SAMPLES, pdftotext

SAMPLE = SAMPLES / "giay-moi"
pytestmark = pytest.mark.libreoffice


def with_bad_rows(folder):
    """The sample list plus two bad rows (a list for the tests only): a number that
    is not a number, and a signer's name with an academic title and an empty
    cell the common text needs."""
    shutil.copy(SAMPLE / "chung.yaml", folder / "chung.yaml")
    wb = load_workbook(SAMPLE / "danh-sach.xlsx")
    ws = wb["Danh sách"]
    ws.cell(2, 7, "number")
    ws.cell(2, 8, "signer.name")
    ws.append([31, "UBND xã Lỗi Số", "Ủy ban nhân dân xã Lỗi Số", "Chủ tịch", 2, None, "mười hai"])
    ws.append([32, "UBND xã Lỗi Tên", "Ủy ban nhân dân xã Lỗi Tên", "Chủ tịch", None, None, None, "TS. Lê Văn B"])
    wb.save(folder / "danh-sach.xlsx")
    return folder / "danh-sach.xlsx"


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merge")
    table = with_bad_rows(folder)
    seen = []
    report = run_merge("cong-van", table, folder / "out", name="{stt:02d}-{ten_don_vi}", combined=True,
                       progress=lambda done, total, message: seen.append((done, total)))
    return report, folder / "out", seen


def test_thirty_documents_from_the_sample_rows(merged):
    report, out, seen = merged
    assert len(report.made) == 30
    pdfs = sorted(p for p in out.glob("*.pdf") if p.name != "danh-sach.pdf")
    docx = sorted(out.glob("*.docx"))
    assert len(pdfs) == 30 and len(docx) == 30
    assert pdfs[0].name == "01-UBND xã Bản Bo.pdf"
    assert (out / "13-Bản Nà Bỏ, xã Bản Bo.pdf").exists()
    text = pdftotext(out / "10-UBND xã Sơn Bình.pdf")
    assert "Kính gửi: Ủy ban nhân dân xã Sơn Bình." in text
    assert "Đại diện UBND xã Sơn Bình: Chủ tịch hoặc Phó Chủ tịch" in text
    assert "trước ngày 06/12/2024" in " ".join(text.split())  # the Excel date, as a clerk writes it
    assert len(PdfReader(out / "10-UBND xã Sơn Bình.pdf").pages) == 1
    assert seen and seen[-1][0] == seen[-1][1]  # progress reached its end
    assert not list(out.parent.glob(".dossier-tmp-*"))  # the staging folder is gone


def test_combined_pdf_has_contents_and_thirty_bookmarks(merged):
    report, out, _ = merged
    assert report.combined == "danh-sach.pdf"
    reader = PdfReader(out / "danh-sach.pdf")
    outline = reader.outline
    assert len(outline) == 30
    assert outline[0].title == "1. 01-UBND xã Bản Bo"
    contents = reader.pages[0].extract_text()
    assert "MỤC LỤC" in contents and "Văn bản" in contents
    pages = len(reader.pages)
    contents_pages = pages - 30  # one page per letter here
    first = reader.get_destination_page_number(outline[0])
    assert first == contents_pages
    assert reader.get_destination_page_number(outline[29]) == pages - 1
    last = reader.pages[pages - 1].extract_text()
    assert "Sin Chải, xã Thèn Sin" in last and f"Trang {pages}/{pages}" in last


def test_combined_pdf_is_reproducible(merged, tmp_path):
    from dossier.merge.combined import combine

    report, out, _ = merged
    letters = [(m.name, out / f"{m.name}.pdf") for m in report.made]
    combine(letters, tmp_path / "again.pdf", title="Các văn bản theo danh sách danh-sach.xlsx", epoch=0)
    first = (tmp_path / "again.pdf").read_bytes()
    combine(letters, tmp_path / "again2.pdf", title="Các văn bản theo danh sách danh-sach.xlsx", epoch=0)
    assert first == (tmp_path / "again2.pdf").read_bytes()
    assert len(PdfReader(tmp_path / "again.pdf").outline) == 30


def test_report_names_each_refused_row(merged):
    report, out, _ = merged
    assert report.exit_code == 1
    assert [(r.row, r.sheet) for r in report.refused] == [(33, "Danh sách"), (34, "Danh sách")]
    data = json.loads((out / "bao-cao.json").read_text(encoding="utf-8"))
    assert len(data["made"]) == 30 and data["combined"] == "danh-sach.pdf"
    refused = {r["row"]: r for r in data["refused"]}
    assert set(refused) == {33, 34}
    wheres = [p["where"] for p in refused[33]["problems"]]
    assert "Sheet 'Danh sách', dòng 33, ô G33 (cột 'number')" in wheres
    assert "Sheet 'Danh sách', dòng 33, ô F33 (cột 'han_bao_cao')" in wheres  # empty but used by the common text
    messages = " ".join(p["message"] for p in refused[34]["problems"])
    assert "học hàm" in messages and "ô trống" in messages
    text = (out / "bao-cao.txt").read_text(encoding="utf-8")
    assert "đã tạo 30 văn bản, từ chối 2 dòng" in text and "dòng 33" in text and "dòng 34" in text


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_exit_codes_and_pdf_only(tmp_path):
    table = with_bad_rows(tmp_path)
    result = run("render", "cong-van", table, "-o", tmp_path / "out", "--format", "pdf")
    assert result.exit_code == 1, result.output
    assert "đã tạo 30 văn bản, từ chối 2 dòng" in result.output and "ô G33 (cột 'number')" in result.output
    assert not list((tmp_path / "out").glob("*.docx")) and len(list((tmp_path / "out").glob("*.pdf"))) == 30

    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SAMPLE / "danh-sach.xlsx", good / "ds.xlsx")
    shutil.copy(SAMPLE / "chung.yaml", good / "ds.yaml")  # a same-named YAML beside the list is the common data
    wb = load_workbook(good / "ds.xlsx")
    ws = wb["Danh sách"]
    ws.delete_rows(8, 28)  # five rows left
    wb.save(good / "ds.xlsx")
    result = run("render", "cong-van", good / "ds.xlsx", "-o", good / "out", "--format", "docx", "--sheet", "Danh sách")
    assert result.exit_code == 0, result.output
    assert len(list((good / "out").glob("*.docx"))) == 5 and not list((good / "out").glob("*.pdf"))


def test_cli_unreadable_list_is_exit_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "ds.xlsx"
    bad.write_bytes(b"not a workbook")
    result = run("render", "cong-van", bad, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "không phải tệp Excel" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    result = run("render", "cong-van", SAMPLE / "danh-sach.xlsx", "-o", tmp_path / "out", "--sheet", "Không có")
    assert result.exit_code == 2 and "không có sheet 'Không có'" in result.output
    result = run("render", "cong-van", SAMPLE / "danh-sach.xlsx", "-o", tmp_path / "out", "--name", "{so}")
    assert result.exit_code == 2 and "không có cột" in result.output
    result = run("render", "cong-van", SAMPLES / "cong-van-son-binh.yaml", "-o", tmp_path / "x.docx", "--combined")
    assert result.exit_code == 2 and "chỉ dùng với danh sách" in result.output


def test_a_letter_libreoffice_cannot_convert_is_refused_alone(tmp_path, monkeypatch):
    from dossier.convert import converter

    real = converter.precheck
    monkeypatch.setattr(converter, "precheck",
                        lambda src: "tệp hỏng (thử)" if src.name.startswith("02-") else real(src))
    good = tmp_path / "ds"
    good.mkdir()
    shutil.copy(SAMPLE / "chung.yaml", good / "chung.yaml")
    wb = load_workbook(SAMPLE / "danh-sach.xlsx")
    wb["Danh sách"].delete_rows(6, 30)  # three rows left
    wb.save(good / "ds.xlsx")
    report = run_merge("cong-van", good / "ds.xlsx", tmp_path / "out", name="{stt:02d}-{ten_don_vi}")
    assert [m.row for m in report.made] == [3, 5]
    assert [r.row for r in report.refused] == [4] and "không chuyển được sang PDF" in report.refused[0].message
    assert not list((tmp_path / "out").glob("02-*"))  # neither its PDF nor its DOCX
