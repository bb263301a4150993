"""The 2026 recognition under two-level government, built from the samples and read
back with real readers: Bình Lư's ho-so.pdf (every part of its kind, no district in
any header, "Kính gửi" to the province, Decree 30 check clean) and the province's
dossier (appraisal report by the standing agency, the chairman's decision, the
commune's dossier nested)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from dossier.assemble.kinds import load_kind
from dossier.check import check_path
from dossier.pipeline import commune, province

from .conftest import pdftotext

pytestmark = pytest.mark.libreoffice
LC = Path(__file__).resolve().parents[1] / "samples" / "lai-chau-2026"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("ho-so-2026")
    from dossier.convert import Converter

    conv = Converter()
    try:
        bl = commune.build(LC / "ho-so-binh-lu.yaml", root / "binh-lu", converter=conv)
        tinh = province.build(LC / "ho-so-tinh-2026.yaml", root / "tinh", converter=conv)
    finally:
        conv.close()
    return root, bl, tinh


def _header_lines(docx: Path) -> list[str]:
    """The text of the header table (issuer, national title, number, place and date)."""
    doc = Document(docx)
    table = doc.tables[0]
    return [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs if p.text.strip()]


def test_binh_lu_has_every_part_of_its_kind(built):
    root, result, _ = built
    out = root / "binh-lu"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kind = load_kind("xa-ntm-2026")
    assert [p["key"] for p in manifest["parts"]] == [p.key for p in kind.parts]
    assert not result.missing
    reader = PdfReader(out / "ho-so.pdf")
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    for part in kind.parts:
        assert any(t.endswith(part.title) or part.title in t for t in titles), part.title
    for part in kind.documents():
        assert (out / f"{part.file}.docx").is_file() and (out / f"{part.file}.pdf").is_file()


def test_binh_lu_headers_name_no_district(built):
    root, _, _ = built
    out = root / "binh-lu"
    for part in load_kind("xa-ntm-2026").documents():
        lines = _header_lines(out / f"{part.file}.docx")
        joined = "\n".join(lines)
        assert "huyện" not in joined.lower(), (part.file, lines)
        assert "ỦY BAN NHÂN DÂN" in joined and "XÃ BÌNH LƯ" in joined
        if part.compose != "bien_ban":  # a biên bản has no place-and-date line
            assert "Bình Lư, ngày" in joined
    text = pdftotext(out / "ho-so.pdf")
    assert "HUYỆN" not in text  # no district in any header (headers are in capitals), nor on the cover
    to_trinh = pdftotext(out / "01-to-trinh.pdf")
    assert "Kính gửi: Ủy ban nhân dân tỉnh Lai Châu." in " ".join(to_trinh.split())
    assert "qua Sở Nông nghiệp và Môi trường" in " ".join(to_trinh.split())
    assert "chưa được xác minh" in " ".join(to_trinh.split())  # the unconfirmed procedure, for the clerk


def test_binh_lu_passes_the_decree_30_check(built):
    root, _, _ = built
    reports = check_path(root / "binh-lu" / "ho-so.pdf")
    assert len(reports) == len(load_kind("xa-ntm-2026").documents())
    assert [f for r in reports for f in r.errors] == []


def test_province_dossier(built):
    root, _, result = built
    out = root / "tinh"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [p["key"] for p in manifest["parts"]][:3] == ["bao_cao_tham_dinh", "quyet_dinh_cong_nhan", "ho_so_xa"]
    report = _header_lines(out / "01-bao-cao-tham-dinh.docx")
    assert report[:2] == ["UBND TỈNH LAI CHÂU", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"]
    decision = _header_lines(out / "02-quyet-dinh-cong-nhan.docx")
    assert decision[0].split("\n") == ["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"]
    for lines in (report, decision):
        assert "huyện" not in "\n".join(lines).lower()
    text = " ".join(pdftotext(out / "02-quyet-dinh-cong-nhan.pdf").split())
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" in text
    assert "Điều 1. Công nhận xã Bình Lư đạt chuẩn nông thôn mới năm 2026" in text
    appraisal = " ".join(pdftotext(out / "01-bao-cao-tham-dinh.pdf").split())
    assert "Kính gửi: Ủy ban nhân dân tỉnh Lai Châu." in appraisal and "10/10" in appraisal
    assert any("chưa được xác minh" in w for w in result.warnings)
    reports = check_path(out / "ho-so.pdf")
    assert [f for r in reports for f in r.errors] == []
    assert len(PdfReader(out / "ho-so.pdf").pages) == result.pages
