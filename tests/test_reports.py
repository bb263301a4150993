"""The assessment and district-summary reports as DOCX (python-docx) and PDF
(checked with dossier check): numbers match an independent count of the data."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from dossier.check import check_file
from dossier.cli import main
from dossier.criteria import evaluate, load_assessment

from .conftest import SAMPLES

COMMUNES = sorted((SAMPLES / "communes").glob("*.yaml"))


def data_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")


def independent_counts():
    """Communes meeting all criteria, counted from evaluate() per file, not via the summary code."""
    met = {}
    for path in COMMUNES:
        result = evaluate(load_assessment(path))
        met[yaml.safe_load(path.read_text(encoding="utf-8"))["commune"]["name"]] = (
            sum(c.met for c in result.criteria), len(result.criteria))
    return met


@pytest.fixture(scope="module")
def summary_docx(tmp_path_factory):
    out = tmp_path_factory.mktemp("tong-hop") / "tong-hop.docx"
    result = CliRunner().invoke(main, ["summary", str(SAMPLES / "communes"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return Document(str(out))


def test_summary_table_matches_an_independent_count(summary_docx):
    counts = independent_counts()
    table = data_table(summary_docx)
    header = [c.text for c in table.rows[0].cells]
    assert header[:2] == ["STT", "Tên xã"] and header[-2:] == ["Số tiêu chí đạt", "Kết quả"]
    rows = {r.cells[1].text: r for r in table.rows[1:] if r.cells[0].text}
    assert set(rows) == set(counts)
    for name, (met, total) in counts.items():
        cells = [c.text for c in rows[name].cells]
        assert cells[-2] == f"{met}/{total}"
        assert sum(1 for c in cells[2:-2] if c == "x") == met
        assert cells[-1] == ("Đạt chuẩn" if met == total else "Chưa đạt chuẩn")
    totals = [c.text for c in table.rows[-1].cells]
    all_met = sum(1 for met, total in counts.values() if met == total)
    assert totals[-1] == f"{all_met}/{len(counts)}"
    per_criterion = [int(t) for t in totals[2:-2]]
    for i, n in enumerate(per_criterion):
        assert n == sum(1 for r in rows.values() if r.cells[2 + i].text == "x")


def test_summary_names_unverified_targets_and_sorts_communes(summary_docx):
    text = "\n".join(p.text for p in summary_docx.paragraphs)
    assert "chưa được đối chiếu với văn bản gốc" in text
    names = [r.cells[1].text for r in data_table(summary_docx).rows[1:] if r.cells[0].text]
    assert names[:3] == ["Bản Bo", "Bản Giang", "Bản Hon"] and names[-1] == "Thèn Sin"


def test_assessment_docx_lists_what_is_missing(tmp_path):
    out = tmp_path / "na-tam.docx"
    result = CliRunner().invoke(main, ["assess", str(SAMPLES / "communes" / "na-tam.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    r = evaluate(load_assessment(SAMPLES / "communes" / "na-tam.yaml"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"tổng số tiêu chí đạt: {r.met_count}/{r.total}" in text
    for c in r.missing:
        assert f"Tiêu chí số {c.criterion.id} ({c.criterion.name})" in text
    table = data_table(doc)
    assert [c.text for c in table.rows[0].cells][0] == "STT"
    assert any(row.cells[0].text.startswith("Tổng số tiêu chí đạt") for row in table.rows)


@pytest.mark.libreoffice
@pytest.mark.parametrize("args", [["summary", str(SAMPLES / "communes")],
                                  ["assess", str(SAMPLES / "communes" / "son-binh.yaml")]])
def test_report_pdfs_pass_decree_30(tmp_path, args):
    out = tmp_path / "bao-cao.pdf"
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    for path in (out, out.with_suffix(".docx")) if out.with_suffix(".docx").exists() else (out,):
        report = check_file(path)
        assert report.errors == [], report.as_text()
