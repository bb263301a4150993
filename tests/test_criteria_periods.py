"""Periods: with no set named the set is the one covering the year for the unit's kind;
a set named outside its period is used with a warning on every output; a year no set
covers is an error (exit 2) naming every set and its period."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from dossier.cli import main
from dossier.criteria import evaluate, load_assessment, load_folder, summarise
from dossier.criteria.registry import Registry, registry
from dossier.errors import EXIT_BAD_INPUT, DossierError
from dossier.report import assessment_context, assessment_text, export, summary_context, summary_text

ROOT = Path(__file__).parents[1]
SON_BINH = ROOT / "samples" / "tam-duong" / "communes" / "son-binh.yaml"
PA_SO = Path(__file__).parent / "data" / "ntm-2026" / "pa-so.yaml"


def _copy(tmp_path: Path, source: Path, name: str | None = None, **changes) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    out = tmp_path / (name or source.name)
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


def test_no_set_named_chooses_by_year_and_unit_kind(tmp_path):
    result = evaluate(load_assessment(_copy(tmp_path, PA_SO, criteria_set=None)))
    assert result.criteria_set.id == "xa-ntm-2026-2030" and result.total == 10 and not result.warnings
    older = load_assessment(_copy(tmp_path, SON_BINH, criteria_set=None))
    assert older.criteria_set == "xa-ntm-2021-2025"  # the default one of the two 2021–2025 commune sets


def test_2026_data_on_the_2021_set_is_warned_about_everywhere(tmp_path):
    from docx import Document

    path = _copy(tmp_path, SON_BINH, year=2026)
    result = evaluate(load_assessment(path))
    assert result.criteria_set.id == "xa-ntm-2021-2025" and result.total == 19
    (warning,) = result.warnings
    assert "2026" in warning and "2021–2025" in warning and "hết thời hạn" in warning
    assert "xa-ntm-2026-2030" in warning  # says which set covers the year
    ctx = assessment_context(result)
    assert f"Cảnh báo: {warning}" in assessment_text(ctx)
    ws = openpyxl.load_workbook(export(ctx, "assessment", tmp_path / "a.xlsx")).active
    assert any(warning in (ws.cell(r, 1).value or "") for r in range(1, 8))
    doc = Document(export(ctx, "assessment", tmp_path / "a.docx"))
    assert "hết thời hạn áp dụng" in "\n".join(p.text for p in doc.paragraphs)
    out = CliRunner().invoke(main, ["assess", str(path)])
    assert out.exit_code == 0 and "Cảnh báo: Năm đánh giá 2026 nằm ngoài giai đoạn 2021–2025" in out.output


def test_summary_repeats_a_commune_s_period_warning(tmp_path):
    folder = tmp_path / "xa"
    folder.mkdir()
    _copy(folder, SON_BINH, year=2026)
    ctx = summary_context(summarise(load_folder(folder)))
    assert any(w.startswith("xã Sơn Bình: Năm đánh giá 2026") for w in ctx["warnings"])
    assert "Cảnh báo (!) xã Sơn Bình: Năm đánh giá 2026" in summary_text(ctx)


def test_a_year_no_set_covers_is_an_error_naming_the_sets(tmp_path):
    path = _copy(tmp_path, PA_SO, year=2031, criteria_set=None)
    with pytest.raises(DossierError) as exc:
        load_assessment(path)
    text = str(exc.value)
    assert exc.value.exit_code == EXIT_BAD_INPUT and str(path) in text and "năm 2031" in text
    for sid, spec in registry().sets.items():
        assert f"{sid}:" in text and f"{spec.period.start}–{spec.period.end}" in text
    out = CliRunner().invoke(main, ["assess", str(path)])
    assert out.exit_code == 2 and "xa-ntm-2026-2030" in out.output and "2026–2030" in out.output


def test_a_unit_kind_no_set_covers_is_an_error(tmp_path):
    path = _copy(tmp_path, PA_SO, criteria_set=None, commune={"name": "Tân Phong", "code": "03408", "type": "phường"})
    with pytest.raises(DossierError, match="Không có bộ tiêu chí nào áp dụng cho phường năm 2026"):
        load_assessment(path)


def test_naming_a_set_before_its_period_warns_too(tmp_path):
    path = _copy(tmp_path, PA_SO, year=2025, criteria_set="xa-ntm-2026-2030")
    (warning,) = evaluate(load_assessment(path)).warnings
    assert "chưa đến thời hạn áp dụng" in warning


def test_two_sets_for_a_year_and_none_default_is_an_error(tmp_path):
    for n in (1, 2):
        (tmp_path / f"s{n}.yaml").write_text(f"""
kind: criteria_set
id: thu-{n}
name: "Bộ thử {n}"
short_name: "Thử {n}"
basis: "Thử"
period: {{start: 2031, end: 2035}}
unit_type: xã
confidence: M
groups:
  - id: ""
    name: "Các tiêu chí"
    criteria:
      - {{id: "1", name: "Một", indicators: [{{id: "1.1", name: "Một", unit: dat, target: {{op: dat}}, confidence: M}}]}}
""", encoding="utf-8")
    sets = Registry([tmp_path])
    with pytest.raises(DossierError) as exc:
        sets.choose(2032, "xã")
    assert "thu-1" in str(exc.value) and "thu-2" in str(exc.value)
    with pytest.raises(DossierError, match="Không có bộ tiêu chí nào"):
        sets.choose(2030, "xã")


def test_blank_form_takes_the_set_of_the_year(tmp_path):
    def info(path: Path) -> str:
        return openpyxl.load_workbook(path)["Thông tin"]["B10"].value

    run = CliRunner().invoke
    assert run(main, ["excel-template", "--year", "2027", "-o", str(tmp_path / "a.xlsx")]).exit_code == 0
    assert info(tmp_path / "a.xlsx") == "xa-ntm-2026-2030"
    assert run(main, ["excel-template", "--year", "2024", "-o", str(tmp_path / "b.xlsx")]).exit_code == 0
    assert info(tmp_path / "b.xlsx") == "xa-ntm-2021-2025"
    assert run(main, ["excel-template", "--override", "lai-chau-1487-2024", "-o", str(tmp_path / "c.xlsx")]).exit_code == 0
    assert info(tmp_path / "c.xlsx") == "xa-ntm-2021-2025"  # the override's base, whatever the year
    late = run(main, ["excel-template", "--year", "2040", "-o", str(tmp_path / "d.xlsx")])
    assert late.exit_code == 2 and "năm 2040" in late.output and "2026–2030" in late.output
    assert not (tmp_path / "d.xlsx").exists()
