"""District summary checked against an independent count, and duplicate communes."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
import yaml

from dossier.criteria import load_folder, summarise
from dossier.errors import DossierError
from dossier.report import summary_context

from .test_assess_helpers import COMMUNES, ROOT

# Counted by hand from the sample files (which criteria each commune's data misses; bản meeting the bản set).
MISSES = {
    "Thèn Sin": {"2", "10", "17"}, "Tả Lèng": {"10", "11"}, "Giang Ma": {"2", "9", "14"},
    "Hồ Thầu": {"5", "10", "11", "17"}, "Bình Lư": {"17"}, "Sơn Bình": set(), "Nùng Nàng": {"6", "12"},
    "Bản Giang": {"13"}, "Bản Hon": {"15"}, "Bản Bo": {"7", "9"}, "Nà Tăm": {"3", "10", "16"},
    "Khun Há": {"2", "4", "5", "10", "11", "12", "17"},
}
VILLAGES_MET = {"Thèn Sin": 1, "Tả Lèng": 2, "Giang Ma": 2, "Hồ Thầu": 0, "Bình Lư": 2, "Sơn Bình": 2,
                "Nùng Nàng": 1, "Bản Giang": 2, "Bản Hon": 1, "Bản Bo": 1, "Nà Tăm": 2, "Khun Há": 0}
VILLAGES_TOTAL = 40


@pytest.fixture(scope="module")
def ctx():
    return summary_context(summarise(load_folder(COMMUNES)))


def test_matrix_and_totals_match_an_independent_count(ctx):
    assert [c["name"] for c in ctx["communes"]] == [
        "Bản Bo", "Bản Giang", "Bản Hon", "Bình Lư", "Giang Ma", "Hồ Thầu", "Khun Há", "Nà Tăm", "Nùng Nàng",
        "Sơn Bình", "Tả Lèng", "Thèn Sin"]
    for row in ctx["communes"]:
        missed = {cid for cid, mark in zip([str(n) for n in range(1, 20)], row["cells"]) if not mark}
        assert missed == MISSES[row["name"]], row["name"]
        assert row["met"] == 19 - len(MISSES[row["name"]])
        assert row["villages_met"] == VILLAGES_MET[row["name"]]
    per_criterion = {str(n): sum(str(n) not in m for m in MISSES.values()) for n in range(1, 20)}
    assert {c["id"]: c["communes_met"] for c in ctx["criteria"]} == per_criterion
    totals = ctx["totals"]
    assert totals["communes_all_met_names"] == ["Sơn Bình"]
    expected_average = round(sum(19 - len(m) for m in MISSES.values()) / 12, 1)
    assert totals["average_criteria"] == pytest.approx(expected_average)
    assert (totals["villages_met"], totals["villages_total"]) == (sum(VILLAGES_MET.values()), VILLAGES_TOTAL)
    assert ctx["unverified_targets"] > 0 and "chưa xác minh" in ctx["unverified_note"]


def test_summary_xlsx_totals_match_the_context(ctx, tmp_path):
    from dossier.report import export

    out = export(ctx, "district-summary", tmp_path / "tong-hop.xlsx")
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    totals_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Số xã đạt")
    assert [ws.cell(totals_row, 3 + n).value for n in range(19)] == [c["communes_met"] for c in ctx["criteria"]]


def test_duplicate_communes_are_an_error(tmp_path):
    for p in COMMUNES.glob("*.yaml"):
        shutil.copy(p, tmp_path / p.name)
    shutil.copy(ROOT / "samples" / "tam-duong" / "communes-xlsx" / "son-binh.xlsx", tmp_path / "son-binh-ban-sao.xlsx")
    with pytest.raises(DossierError) as exc:
        load_folder(tmp_path)
    assert "son-binh.yaml" in str(exc.value) and "trùng với dữ liệu" in str(exc.value)


def test_communes_on_different_sets_or_years_are_refused(tmp_path):
    for slug in ("son-binh", "na-tam"):
        shutil.copy(COMMUNES / f"{slug}.yaml", tmp_path)
    data = yaml.safe_load((tmp_path / "na-tam.yaml").read_text(encoding="utf-8"))
    data["year"] = 2023
    (tmp_path / "na-tam.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DossierError, match="năm đánh giá (2023|2024), khác năm"):
        summarise(load_folder(tmp_path))
