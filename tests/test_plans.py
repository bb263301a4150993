"""Yearly commune plans: exactly the unmet criteria of each commune (compared
with evaluate()), settings layered per commune, amounts in figures and words,
Decree 30 checks on the plan and the district table, and the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from dossier.check import check_file
from dossier.cli import main
from dossier.compose.plans import compose_plan, compose_summary, money, plan_for, summary_rows
from dossier.criteria import evaluate, load_assessment, load_folder
from dossier.paths import TEMPLATES_DIR
from dossier.pipeline.plans import load_settings, slug
from dossier.render.docx import render_docx

from .conftest import SAMPLES

COMMUNES = SAMPLES / "communes"
SETTINGS_FILE = SAMPLES / "plans" / "ke-hoach-2025.yaml"


@pytest.fixture(scope="module")
def settings():
    return load_settings(SETTINGS_FILE)


@pytest.fixture(scope="module")
def results():
    return load_folder(COMMUNES)


def _text(view) -> str:
    return "\n".join(p["text"] for p in view["body"])


@pytest.mark.parametrize("path", sorted(COMMUNES.glob("*.yaml")), ids=lambda p: p.stem)
def test_plan_lists_exactly_the_unmet_criteria(path, settings):
    result = evaluate(load_assessment(path))
    plan = plan_for(result, settings)
    assert [s.id for s in plan.sections] == [c.criterion.id for c in result.missing]
    text = _text(compose_plan(plan).view)
    for c in result.criteria:
        heading = f"Tiêu chí số {c.criterion.id} - {c.criterion.name}"
        assert (heading in text) is (not c.met), heading


def test_plan_layout_parts_and_gaps(settings, results):
    na_tam = next(r for r in results if r.name == "Nà Tăm")
    view = compose_plan(plan_for(na_tam, settings)).view
    parts = [p["text"] for p in view["body"] if p["kind"] == "part"]
    assert parts[0] == "I. MỤC ĐÍCH, YÊU CẦU"
    assert parts[3] == "IV. NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN CÁC TIÊU CHÍ CHƯA ĐẠT"
    assert view["type_name"] == "Kế hoạch" and view["symbol"] == "KH-UBND"
    headings = [p["text"] for p in view["body"] if p["kind"] == "heading"]
    assert headings[0] == "1. Tiêu chí số 3 - Thủy lợi và phòng, chống thiên tai"
    assert any(h.startswith("a) ") for h in headings)
    text = _text(view)
    for c in na_tam.missing:
        for i in c.failing:
            assert i.shortfall in text


def test_amounts_in_figures_and_words(settings, results):
    assert money(2_400_000_000) == "2.400.000.000 đồng (bằng chữ: Hai tỷ bốn trăm triệu đồng)"
    assert money(1_950_000_000) == "1.950.000.000 đồng (bằng chữ: Một tỷ chín trăm năm mươi triệu đồng)"
    giang_ma = next(r for r in results if r.name == "Giang Ma")
    plan = plan_for(giang_ma, settings)
    text = _text(compose_plan(plan).view)
    assert "2.400.000.000 đồng (bằng chữ: Hai tỷ bốn trăm triệu đồng)" in text  # the commune's own override
    assert f"Tổng kinh phí dự kiến: {money(plan.total)}" in text
    assert plan.total == sum(s.funding for s in plan.sections) == 2_400_000_000 + 900_000_000 + 100_000_000


def test_settings_layers_and_derived_tasks(settings, results):
    giang_ma = next(r for r in results if r.name == "Giang Ma")
    by_id = {s.id: s for s in plan_for(giang_ma, settings).sections}
    assert by_id["2"].tasks[0].responsible == "Công chức Địa chính - Xây dựng xã Giang Ma"  # commune override
    assert by_id["9"].tasks[0].responsible == "Công chức Địa chính - Xây dựng xã"  # district default
    assert by_id["9"].tasks[0].coordinate == "Phòng Kinh tế và Hạ tầng huyện"  # agency of the criterion
    assert by_id["14"].tasks[0].text.startswith("Thực hiện chỉ tiêu 14.2")  # derived from the evaluation
    assert by_id["14"].funding == 100_000_000
    bare = load_settings(None, 2024)
    plan = plan_for(giang_ma, bare)
    assert plan.year == 2025
    assert all(t.deadline == dt.date(2025, 11, 30) and t.responsible == "Ủy ban nhân dân xã"
               for s in plan.sections for t in s.tasks)
    assert plan.total == 0


def test_commune_with_every_criterion_met_gets_a_maintenance_plan(settings, results):
    son_binh = next(r for r in results if r.name == "Sơn Bình")
    plan = plan_for(son_binh, settings)
    assert plan.sections == ()
    text = _text(compose_plan(plan).view)
    assert "Duy trì, nâng cao chất lượng các tiêu chí đã đạt" in text and "Tiêu chí số" not in text


def test_district_table_rows_and_totals(settings, results):
    plans = [plan_for(r, settings) for r in results]
    rows = summary_rows(plans)
    assert [c[1] for c, kind in rows if kind == "commune"] == [f"Xã {r.name}" for r in results]
    tasks = [c for c, kind in rows if kind == "task"]
    assert len(tasks) == sum(len(s.tasks) for p in plans for s in p.sections)
    total = rows[-1]
    assert total[1] == "total" and total[0][-1] == sum(p.total for p in plans)


def test_plan_and_table_pass_the_decree30_checks_as_docx(tmp_path, settings, results):
    plans = [plan_for(r, settings) for r in results]
    docs = [compose_plan(plans[4]), compose_summary(plans, settings, "huyện Tam Đường")]
    for doc in docs:
        out = tmp_path / f"{doc.key}.docx"
        render_docx(TEMPLATES_DIR / f"{doc.template}.docx", doc.view, out, title=doc.title)
        report = check_file(out)
        assert not report.errors, (doc.key, [str(f) for f in report.errors])


def test_slug():
    assert slug("Sơn Bình") == "son-binh" and slug("Đông Pao") == "dong-pao" and slug("Nà Tăm") == "na-tam"


def test_cli_plan_docx_and_errors(tmp_path):
    runner = CliRunner()
    out = tmp_path / "kh.docx"
    res = runner.invoke(main, ["plan", str(COMMUNES / "na-tam.yaml"), "--settings", str(SETTINGS_FILE), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "tiêu chí chưa đạt: 3, 10, 16" in res.output and out.exists()
    res = runner.invoke(main, ["plan", str(COMMUNES / "na-tam.yaml"), "-o", str(tmp_path / "kh2.docx")])
    assert res.exit_code == 2 and "Thiếu người ký kế hoạch của xã Nà Tăm" in res.output
    assert not (tmp_path / "kh2.docx").exists()
    res = runner.invoke(main, ["plan", str(COMMUNES / "na-tam.yaml"), "--settings", str(SETTINGS_FILE),
                               "-o", str(tmp_path / "kh.txt")])
    assert res.exit_code == 2 and "chỉ xuất ra được .docx hoặc .pdf" in res.output
    res = runner.invoke(main, ["plan", str(tmp_path / "khong-co.yaml"), "-o", str(out)])
    assert res.exit_code == 2 and "Lỗi:" in res.output


def test_cli_plans_unknown_commune_in_settings(tmp_path):
    bad = tmp_path / "kh.yaml"
    bad.write_text(SETTINGS_FILE.read_text(encoding="utf-8").replace("  Thèn Sin:", "  Thèn Sìn:"), encoding="utf-8")
    res = CliRunner().invoke(main, ["plans", str(COMMUNES), "--settings", str(bad), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "communes.Thèn Sìn" in res.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.libreoffice
def test_cli_plans_builds_every_commune_and_the_table(tmp_path):
    out = tmp_path / "ke-hoach"
    res = CliRunner().invoke(main, ["plans", str(COMMUNES), "--settings", str(SETTINGS_FILE), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "Đã tạo 12 kế hoạch" in res.output
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 13 and (out / "tong-hop-ke-hoach.xlsx").exists()
    assert len(list(out.glob("ke-hoach-*.docx"))) == 12
    for pdf in pdfs:
        report = check_file(pdf)
        assert not report.errors, (pdf.name, [str(f) for f in report.errors])


@pytest.mark.libreoffice
def test_cli_plan_pdf(tmp_path):
    out = tmp_path / "kh.pdf"
    res = CliRunner().invoke(main, ["plan", str(COMMUNES / "giang-ma.yaml"), "--settings", str(SETTINGS_FILE),
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert not check_file(out).errors
