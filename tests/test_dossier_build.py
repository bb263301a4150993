"""`dossier build` on the Sơn Bình sample, read back with real readers: every
document, the assembled ho-so.pdf (parts, bookmarks, pages), the manifest,
the Decree 30 check, completeness, draft mode and reproducibility."""

from __future__ import annotations

import hashlib
import json
import subprocess
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from dossier.check import check_file
from dossier.cli import main
from dossier.pipeline import commune

from .conftest import SAMPLES, pdftotext

pytestmark = pytest.mark.libreoffice
DATA = SAMPLES / "ho-so-son-binh.yaml"
PARTS = ["to_trinh", "bao_cao_ket_qua", "bao_cao_tong_hop_y_kien", "bien_ban_hop", "bao_cao_no_dong_xdcb", "hinh_anh"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("ho-so") / "son-binh"
    result = commune.build(DATA, out)
    return out, result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_outputs_and_nothing_else(built):
    out, result = built
    names = sorted(p.name for p in out.iterdir())
    docs = sorted(f"{stem}.{ext}" for stem in commune.FILE_NAMES.values() for ext in ("docx", "pdf"))
    assert names == sorted([*docs, "ho-so.pdf", "manifest.json"])
    assert result.output == out / "ho-so.pdf"
    assert not list(out.parent.glob(".dossier-tmp-*"))


def test_parts_in_kind_order_with_real_pages(built):
    out, result = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    keys = [p["key"] for p in manifest["parts"]]
    assert keys == PARTS
    reader = PdfReader(out / "ho-so.pdf")
    assert len(reader.pages) == result.pages
    # cover + contents, then every part's pages, nothing else
    part_pages = sum(p["pages"][1] - p["pages"][0] + 1 for p in manifest["parts"])
    front = manifest["parts"][0]["pages"][0] - 1
    assert front == 2 and front + part_pages == len(reader.pages)
    # each document part starts with its own document: page count of the part PDF + its annexes
    for part, stem in zip(PARTS, commune.FILE_NAMES.values()):
        own = len(PdfReader(out / f"{stem}.pdf").pages)
        entry = next(p for p in manifest["parts"] if p["key"] == part)
        assert entry["pages"][1] - entry["pages"][0] + 1 >= own


def test_bookmarks_point_at_part_first_pages(built):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reader = PdfReader(out / "ho-so.pdf")
    top = [o for o in reader.outline if not isinstance(o, list)]
    pages = [reader.get_destination_page_number(o) + 1 for o in top]
    firsts = [p["pages"][0] for p in manifest["parts"]]
    for first in firsts:
        assert first in pages
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert nested, "annexes and photos are nested under their part"


def test_documents_carry_the_assessment(built):
    out, _ = built
    to_trinh = " ".join(pdftotext(out / "01-to-trinh.pdf").split())
    assert "TỜ TRÌNH" in to_trinh
    assert "đạt 19/19 tiêu chí" in to_trinh
    assert "Căn cứ Quyết định số 318/QĐ-TTg" in to_trinh
    assert "Số: 15/TTr-UBND" in to_trinh and "Sơn Bình, ngày 20 tháng 11 năm 2024" in to_trinh
    report = Document(str(out / "02-bao-cao-ket-qua.docx"))
    table = report.tables[-1]
    assert table.rows[0].cells[0].text == "STT"
    assert any(row.cells[0].text == "17.1" for row in table.rows)
    assert "*" in " ".join(row.cells[3].text for row in table.rows)  # unverified targets keep their mark
    minutes = " ".join(pdftotext(out / "04-bien-ban-hop.pdf").split())
    assert "35/35 thành viên dự họp nhất trí" in minutes
    debts = " ".join(pdftotext(out / "05-bao-cao-no-dong-xdcb.pdf").split())
    assert "không có nợ đọng xây dựng cơ bản" in debts


@pytest.mark.parametrize("stem", list(commune.FILE_NAMES.values()))
@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_every_document_passes_decree_30(built, stem, ext):
    out, _ = built
    report = check_file(out / f"{stem}.{ext}")
    assert report.errors == [], report.as_text()


def test_build_is_byte_reproducible(built, tmp_path):
    out, _ = built
    again = tmp_path / "son-binh"
    commune.build(DATA, again)
    for name in ("ho-so.pdf", "manifest.json", "01-to-trinh.docx", "02-bao-cao-ket-qua.docx"):
        assert sha(again / name) == sha(out / name), name


def copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "tam-duong"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("*.xlsx"))
    return root / "ho-so-son-binh.yaml"


def test_missing_part_fails_listing_it_and_keeps_old_output(built, tmp_path):
    data = copy_sample(tmp_path)
    (data.parent / "son-binh" / "phu-luc" / "y-kien-mttq.pdf").unlink()
    out, _ = built
    target = tmp_path / "out"
    shutil.copytree(out, target)
    before = {p.name: sha(p) for p in target.iterdir()}
    result = CliRunner().invoke(main, ["build", str(data), "-o", str(target), "-q"])
    assert result.exit_code == 1, result.output
    assert "y-kien-mttq.pdf" in result.output
    assert "Traceback" not in result.output
    assert {p.name: sha(p) for p in target.iterdir()} == before
    assert not list(tmp_path.glob(".dossier-tmp-*"))


def test_draft_builds_marks_and_stamps(tmp_path):
    data = copy_sample(tmp_path)
    (data.parent / "son-binh" / "phu-luc" / "y-kien-mttq.pdf").unlink()
    target = tmp_path / "draft"
    result = CliRunner().invoke(main, ["build", str(data), "-o", str(target), "--draft", "-q"])
    assert result.exit_code == 0, result.output
    assert "Cảnh báo:" in result.output and "y-kien-mttq.pdf" in result.output
    pdf = target / "ho-so.pdf"
    reader = PdfReader(pdf)
    contents = " ".join(pdftotext(pdf, "-f", "2", "-l", "2").split())
    assert "Văn bản tham gia ý kiến của Ủy ban Mặt trận Tổ quốc Việt Nam xã (còn thiếu)" in contents
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == len(reader.pages)
        for n, page in enumerate(doc.pages, 1):
            big = "".join(c["text"] for c in page.chars if c["size"] > 30)  # the diagonal watermark
            assert "DỰTHẢO" in big.replace(" ", ""), n


def test_bad_dossier_file_is_input_error(tmp_path):
    data = copy_sample(tmp_path)
    content = yaml.safe_load(data.read_text(encoding="utf-8"))
    content["meeting"]["agree"] = 99
    content["annexes"]["bao_cao_ket_qua"][0]["file"] = "../../../etc/passwd"
    data.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(data), "-o", str(tmp_path / "x"), "-q"])
    assert result.exit_code == 2, result.output
    assert "trường meeting" in result.output and "lớn hơn số người dự họp" in result.output
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_depfile_lists_inputs(tmp_path):
    data = copy_sample(tmp_path)
    dep = tmp_path / "son-binh.d"
    result = CliRunner().invoke(main, ["build", str(data), "-o", str(tmp_path / "o"), "-q", "--depfile", str(dep)])
    assert result.exit_code == 0, result.output
    text = dep.read_text(encoding="utf-8")
    assert text.startswith(str(tmp_path / "o" / "ho-so.pdf") + ":")
    for needle in ("ho-so-son-binh.yaml", "communes/son-binh.yaml", "y-kien-mttq.pdf", "templates/to-trinh.docx"):
        assert needle in text


def test_district_dossier_nests_the_commune_dossier(tmp_path):
    out = tmp_path / "huyen"
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "ho-so-huyen-2024.yaml"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [p["key"] for p in manifest["parts"]] == ["to_trinh_huyen", "bao_cao_tham_tra", "ho_so_xa"]
    reader = PdfReader(out / "ho-so.pdf")
    nested = next(o for o in reader.outline if isinstance(o, list))
    titles = [o.title for o in nested if not isinstance(o, list)]
    assert titles == ["3.1. Hồ sơ đề nghị của Ủy ban nhân dân xã Sơn Bình"]
    inner = [o.title for o in nested[1] if not isinstance(o, list)]
    assert "Mục lục" in inner and any(t.startswith("1. Tờ trình") for t in inner)  # the commune's own bookmarks
    report = Document(str(out / "02-bao-cao-tham-tra.docx"))
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "STT")
    assert "Xã Sơn Bình: kết quả thẩm tra" in [c.text for c in table.rows[0].cells]
    assert [c.text for c in table.rows[-1].cells][2:4] == ["19/19", "19/19"]
    text = " ".join(pdftotext(out / "01-to-trinh-huyen.pdf").split())
    assert "đề nghị Ủy ban nhân dân tỉnh Lai Châu thẩm định, xét, công nhận xã Sơn Bình" in text
    for name in ("01-to-trinh-huyen", "02-bao-cao-tham-tra"):
        for ext in ("docx", "pdf"):
            assert check_file(out / f"{name}.{ext}").errors == []
    from dossier.check import check_path

    # the nested dossier's pages keep their own numbers, drawn with their own font
    inner = manifest["parts"][2]["pages"]
    inner_total = json.loads((out / "xa" / "son-binh" / "manifest.json").read_text(encoding="utf-8"))["pages"]
    for page in (inner[0], inner[0] + 5, inner[1]):
        text = pdftotext(out / "ho-so.pdf", "-f", str(page), "-l", str(page))
        assert f"Trang {page}/{manifest['pages']}" in text
        assert f"Trang {page - inner[0] + 1}/{inner_total}" in text, text[-300:]
    fonts = subprocess.run(["pdffonts", str(out / "ho-so.pdf")], capture_output=True, text=True, check=True).stdout
    faces = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert sorted(faces) == sorted(set(faces)), fonts  # one font per face, nested parts included
    reports = check_path(out / "ho-so.pdf")  # the district's two documents; the nested dossier is not one
    assert [r.kind for r in reports] == ["to_trinh", "bao_cao"]
    assert all(r.errors == [] for r in reports), "\n".join(r.as_text() for r in reports)


def test_check_on_the_dossier_checks_each_document_without_the_stamps(built, tmp_path):
    from click.testing import CliRunner

    from dossier.check import check_path

    out, _ = built
    reports = check_path(out / "ho-so.pdf")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    documents = [p for p in manifest["parts"] if p["kind"] == "document" and not p["missing"]]
    assert len(reports) == len(documents) == 5  # cover, contents, annexes and photos are not documents
    for report, part in zip(reports, documents, strict=True):
        first, last = part["sources"][0]["pages"]
        assert f"(trang {first}–{last} của hồ sơ)" in report.path
        assert report.errors == [], report.as_text()  # the stamps in the margin are not the document's
    assert [r.kind for r in reports] == ["to_trinh", "bao_cao", "bao_cao", "bien_ban", "bao_cao"]
    result = CliRunner().invoke(main, ["check", str(out / "ho-so.pdf")])
    assert result.exit_code == 0, result.output
    assert result.output.count("Kết quả: 0 lỗi") == 5
    # a PDF that is not the one the manifest describes is checked as one plain PDF
    edited = tmp_path / "ho-so.pdf"
    edited.write_bytes((out / "ho-so.pdf").read_bytes() + b"\n% edited\n")
    (tmp_path / "manifest.json").write_bytes((out / "manifest.json").read_bytes())
    assert len(check_path(edited)) == 1
