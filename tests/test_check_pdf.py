"""`dossier check` on PDFs made by LibreOffice from the test letters, and on a
DOCX that LibreOffice wrote itself (ODT → DOCX)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from dossier.check import check_file

from .test_check_build import DECISION, build_clerk_letter, build_cong_van, convert, soffice

pytestmark = pytest.mark.libreoffice

VARIANTS = {
    "good": ({}, None),
    "shape": ({"tn_rule_shape": True}, None),
    "shape_short": ({"tn_rule_shape": True, "tn_rule": 0.6}, "tieu_ngu.rule"),
    "month": ({"date": "Tam Đường, ngày 31 tháng 03 năm 2024"}, "date.leading_zero"),
    "number": ({"so": "Số: 5/UBND-NN"}, "so.leading_zero"),
    "vv_bold": ({"vv_bold": True}, "vv.style"),
    "noi_nhan_13": ({"noi_nhan_size": 13}, "noi_nhan.size"),
    "qh_regular": ({"qh_bold": False}, "quoc_hieu.style"),
    "margins": ({"margins": {"top": 20, "bottom": 20, "left": 10, "right": 15}}, "page.margins"),
    "letter": ({"paper": (215.9, 279.4)}, "page.size"),
    "page1": ({"page_number": "all"}, "page_number.first_page"),
    "no_noi_nhan": ({"noi_nhan": False}, "noi_nhan.missing"),
    "one_line": ({"signer": ["KT. CHỦ TỊCH PHÓ CHỦ TỊCH"]}, "signature.lines"),
    "arial": ({"font": "Arial"}, "font.family"),
    "tn_rule": ({"tn_rule": 0.5}, "tieu_ngu.rule"),
    "issuer_rule": ({"issuer_rule": 1.0}, "co_quan.rule"),
    "below": ({"noi_nhan_below": True}, "noi_nhan.level"),
    "footer": ({"page_number": "footer"}, "page_number.position"),
    "left_body": ({"body_align": 0}, "body.align"),
    "name_caps": ({"name": "PHONG VĨNH CƯỜNG"}, "signer_name.style"),
}


def convert_all(sources: list[Path], fmt: str, outdir: Path) -> None:
    """One LibreOffice run for many files (much faster than one each)."""
    from dossier.fonts import use_project_fonts

    env = use_project_fonts(dict(os.environ))
    with tempfile.TemporaryDirectory(prefix="dossier-check-lo-") as profile:
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)],
            check=True, capture_output=True, env=env, timeout=600,
        )


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("check-docx")
    out = tmp_path_factory.mktemp("check-pdf")
    paths = [build_cong_van(src / f"{name}.docx", **changes) for name, (changes, _) in VARIANTS.items()]
    paths.append(build_clerk_letter(src / "clerk.docx"))
    paths.append(build_cong_van(src / "decision.docx", **DECISION))
    paths.append(build_cong_van(src / "decision_bad.docx", **{**DECISION, "can_cu_italic": False,
                                                              "so": "Số: 7/QĐ-UBND"}))
    convert_all(paths, "pdf", out)
    return {p.stem: out / f"{p.stem}.pdf" for p in paths}


@pytest.mark.parametrize("name", [n for n, (_, rule) in VARIANTS.items() if rule is None])
def test_good_letter_pdf_has_no_findings(pdfs, name):
    report = check_file(pdfs[name])
    assert report.source == "pdf" and report.kind == "cong_van"
    assert report.findings == [], report.as_text()


def test_clerks_letter_pdf_has_no_errors(pdfs):
    report = check_file(pdfs["clerk"])
    assert report.errors == [], report.as_text()


@pytest.mark.parametrize("name", [n for n, (_, rule) in VARIANTS.items() if rule])
def test_broken_pdf_is_caught(pdfs, name):
    rule = VARIANTS[name][1]
    report = check_file(pdfs[name])
    assert rule in report.rule_ids(), report.as_text()
    assert report.failed()


def test_decision_pdf(pdfs):
    report = check_file(pdfs["decision"])
    assert report.kind == "quyet_dinh"
    assert report.errors == [], report.as_text()
    bad = check_file(pdfs["decision_bad"])
    assert {"can_cu.style", "so.leading_zero"} <= bad.rule_ids(), bad.as_text()


def test_docx_written_by_libreoffice_from_odt(tmp_path):
    """A clerk's file that went through LibreOffice (ODT, then saved as DOCX)."""
    good = build_cong_van(tmp_path / "letter.docx")
    odt_dir = tmp_path / "odt"
    odt_dir.mkdir()
    odt = convert(good, "odt", odt_dir)
    back_dir = tmp_path / "back"
    back_dir.mkdir()
    docx = convert(odt, "docx:MS Word 2007 XML", back_dir)
    report = check_file(docx)
    assert report.kind == "cong_van"
    assert report.errors == [], report.as_text()
    bad = build_cong_van(tmp_path / "bad.docx", date="Tam Đường, ngày 31 tháng 03 năm 2024", vv_bold=True)
    bad_odt = convert(bad, "odt", odt_dir)
    bad_docx = convert(bad_odt, "docx:MS Word 2007 XML", back_dir)
    assert {"date.leading_zero", "vv.style"} <= check_file(bad_docx).rule_ids()
