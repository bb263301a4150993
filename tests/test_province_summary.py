"""The province summary (2026–2030): communes × criteria for a whole province, counted
per commune group, with the targets' confidence marks, as XLSX, DOCX and PDF; heading
and issuer from data. Counts per group are checked against a count made here, from the
input files and the set file alone (no library code)."""

from __future__ import annotations

import random
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from dossier.cli import main
from dossier.criteria import load_folder, summarise
from dossier.criteria.registry import package_sets_dir
from dossier.criteria.summary import load_info
from dossier.report import export, summary_context

FIXTURES = Path(__file__).parent / "data" / "ntm-2026"
SET_FILE = package_sets_dir() / "xa-ntm-2026-2030.yaml"
COMMUNES = 60
INFO = """
area: "tỉnh Lai Châu"
issuer: {superior: "UBND TỈNH LAI CHÂU", name: ["Sở Nông nghiệp", "và Môi trường"]}
place: "Lai Châu"
symbol: "BC-SNNMT"
recipients: ["Ủy ban nhân dân tỉnh Lai Châu"]
signer: {authority: ["KT. GIÁM ĐỐC"], title: "PHÓ GIÁM ĐỐC"}
"""
SCENARIOS = [  # group facts, as a clerk would write them
    {"agriculture_share_pct": 7.5, "adjacent_to_urban": False, "urban_orientation": False, "planned_new_urban": False,
     "ethnic_mountain_area": "Không"},
    {"agriculture_share_pct": 35, "adjacent_to_urban": True, "urban_orientation": True, "planned_new_urban": False,
     "ethnic_mountain_area": "I"},
    {"agriculture_share_pct": 55, "adjacent_to_urban": False, "urban_orientation": False, "planned_new_urban": False,
     "ethnic_mountain_area": "III"},
    {"agriculture_share_pct": 48, "adjacent_to_urban": False, "urban_orientation": False, "planned_new_urban": False,
     "ethnic_mountain_area": "II"},
    {"agriculture_share_pct": 40, "adjacent_to_urban": True, "urban_orientation": False, "planned_new_urban": False,
     "ethnic_mountain_area": "Không"},
]


def _make_province(folder: Path, seed: int = 14) -> None:
    rng = random.Random(seed)
    bases = sorted(FIXTURES.glob("*.yaml"))
    folder.mkdir()
    for n in range(COMMUNES):
        data = yaml.safe_load(bases[n % len(bases)].read_text(encoding="utf-8"))
        data["commune"] = {"name": f"Thử Nghiệm {n + 1:02d}", "code": f"9{n:04d}", "type": "xã"}
        data.pop("group", None)
        data["group_facts"] = dict(rng.choice(SCENARIOS))
        if n % 9 == 0:
            data["group"] = rng.choice(["1", "2", "3"])  # declared; may contradict the facts
        for key, value in data["indicators"].items():
            if isinstance(value, (int, float)) and rng.random() < 0.12:
                data["indicators"][key] = max(0, round(value - rng.uniform(1, 15), 1))
            elif value == "Đạt" and rng.random() < 0.03:
                data["indicators"][key] = "Không đạt"
        (folder / f"xa-{n + 1:02d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


# --- the independent count --------------------------------------------------------------------


def _group(data: dict) -> str:
    """QĐ 51/2025 as ntm-2026.md words it; a declared group is the one used."""
    if "group" in data:
        return str(data["group"])
    f = data["group_facts"]
    if (f["adjacent_to_urban"] and f["urban_orientation"]) or f["agriculture_share_pct"] < 10 or f["planned_new_urban"]:
        return "1"
    if f["ethnic_mountain_area"] in ("II", "III"):
        return "3"
    return "2"


def _threshold(target: dict, group: str, year: int):
    part = target["by_group"][group] if "by_group" in target else target
    years = sorted((y, v) for y, v in (part.get("by_year") or {}).items() if y <= year)
    return Decimal(str(years[-1][1] if years else part["value"]))


def _met(target: dict, value, group: str, year: int) -> bool:
    op = target["op"]
    if op == "dat":
        return value == "Đạt"
    if op == "khong":
        return value == "Không"
    value, limit = Decimal(str(value)), _threshold(target, group, year)
    return {">=": value >= limit, "<=": value <= limit, "=": value == limit}[op]


def _expected(folder: Path) -> dict[str, dict]:
    criteria = yaml.safe_load(SET_FILE.read_text(encoding="utf-8"))["groups"][0]["criteria"]
    out = {g: {"communes": 0, "all_met": 0, "criteria": [0] * len(criteria)} for g in "123"}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        g = _group(data)
        met = [all(_met(i["target"], data["indicators"][i["id"]], g, data["year"]) for i in c["indicators"])
               for c in criteria]
        out[g]["communes"] += 1
        out[g]["all_met"] += all(met)
        out[g]["criteria"] = [a + b for a, b in zip(out[g]["criteria"], met)]
    return out


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = tmp_path_factory.mktemp("tinh")
    _make_province(root / "communes")
    (root / "tong-hop.yaml").write_text(INFO, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def ctx(province):
    return summary_context(summarise(load_folder(province / "communes"), load_info(province / "tong-hop.yaml")))


def test_counts_per_group_match_an_independent_count(province, ctx):
    expected = _expected(province / "communes")
    assert sum(e["communes"] for e in expected.values()) == COMMUNES
    assert all(e["communes"] > 5 for e in expected.values())  # every group really is exercised
    got = {g["id"]: {"communes": g["communes"], "all_met": g["communes_all_met"], "criteria": g["criteria_met"]}
           for g in ctx["groups"]}
    assert got == expected
    assert [c["communes_met"] for c in ctx["criteria"]] == [sum(e["criteria"][n] for e in expected.values())
                                                             for n in range(10)]


def test_xlsx_has_the_group_counts_and_the_confidence_marks(province, ctx, tmp_path):
    expected = _expected(province / "communes")
    wb = openpyxl.load_workbook(export(ctx, "district-summary", tmp_path / "t.xlsx"))
    rows = list(wb["Theo nhóm xã"].iter_rows(min_row=4, values_only=True))
    for row in rows[:3]:
        e = expected[row[0].split()[-1]]
        assert list(row[1:13]) == [e["communes"], e["all_met"], *e["criteria"]]
    matrix = wb["Tổng hợp"]
    assert "TỈNH LAI CHÂU" in matrix["A1"].value
    top = next(r for r in range(1, 10) if matrix.cell(r, 1).value == "STT")
    header = [c.value for c in matrix[top]]
    assert header[:4] == ["STT", "Tên xã", "Nhóm", "1*"]
    groups = [matrix.cell(r, 3).value for r in range(top + 1, top + 1 + COMMUNES)]
    assert sorted(groups) == sorted(g for g, e in expected.items() for _ in range(e["communes"]))
    marks = list(wb["Mức đạt chuẩn"].iter_rows(min_row=5, values_only=True))
    assert len(marks) == 47 and all(m[4].startswith("M* – Chưa xác minh") for m in marks)
    roads = next(m for m in marks if m[1] == "2.2")
    assert roads[3] == "nhóm 1: ≥ 100%; nhóm 2: ≥ 80%; nhóm 3: ≥ 70%"


def test_docx_is_issued_by_the_body_in_the_data(province, ctx, tmp_path):
    from docx import Document

    doc = Document(export(ctx, "district-summary", tmp_path / "t.docx"))
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    text = "\n".join([p.text for p in doc.paragraphs] + [c for row in cells for c in row])
    assert "SỞ NÔNG NGHIỆP" in text.upper() and "trên địa bàn tỉnh Lai Châu" in text
    assert "huyện" not in text.lower()
    expected = _expected(province / "communes")
    for gid, e in expected.items():
        row = next(r for r in cells if r[1] == f"Nhóm {gid} ({e['communes']} xã)")
        assert row[3:13] == [str(n) for n in e["criteria"]] and row[-1] == f"{e['all_met']}/{e['communes']}"


@pytest.mark.libreoffice
def test_pdf_of_the_province_summary(province, ctx, tmp_path):
    pdf = export(ctx, "district-summary", tmp_path / "t.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    expected = _expected(province / "communes")
    for gid, e in expected.items():
        assert f"Nhóm {gid} ({e['communes']} xã)" in text
    assert "Thử Nghiệm 60" in text and "SỞ NÔNG NGHIỆP" in text


def test_cli_summary_takes_the_description_beside_the_folder(province):
    out = CliRunner().invoke(main, ["summary", str(province / "communes")])
    assert out.exit_code == 0, out.output
    assert "– tỉnh Lai Châu" in out.output.splitlines()[0]
    expected = _expected(province / "communes")
    for gid, e in expected.items():
        assert f"Nhóm {gid}: {e['all_met']}/{e['communes']} xã đạt chuẩn" in out.output
