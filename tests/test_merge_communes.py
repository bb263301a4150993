"""`dossier merge-communes`: the merged commune's data file, checked against totals
computed here, independently, from the predecessors' files read as plain YAML."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import yaml
from click.testing import CliRunner

from dossier.cli import main
from dossier.criteria import evaluate, load_assessment

ROOT = Path(__file__).resolve().parents[1]
TD = ROOT / "samples" / "tam-duong" / "communes"
LC = ROOT / "samples" / "lai-chau-2026"
BINH_LU = [LC / "tien-than-2024" / "tt-tam-duong.yaml", TD / "binh-lu.yaml", TD / "son-binh.yaml"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _plain(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_totals_match_an_independent_count(tmp_path):
    out = tmp_path / "binh-lu.yaml"
    res = run("merge-communes", *BINH_LU, "--into", "Bình Lư", "--code", "03390", "-o", out)
    assert res.exit_code == 0, res.output
    merged = _plain(out)
    olds = [_plain(p) for p in BINH_LU]
    assert merged["commune"] == {"name": "Bình Lư", "code": "03390", "type": "xã"}
    assert merged["year"] == 2024 and "district" not in merged
    for key in ("population", "households", "villages"):
        assert merged["facts"][key] == sum(o["facts"][key] for o in olds)
    assert abs(merged["facts"]["area_km2"] - sum(o["facts"]["area_km2"] for o in olds)) < 1e-9
    rates = [k for k, e in olds[0]["indicators"].items() if isinstance(e, dict) and "numerator" in e]
    assert len(rates) > 20
    for key in rates:
        assert merged["indicators"][key]["numerator"] == sum(o["indicators"][key]["numerator"] for o in olds), key
        assert merged["indicators"][key]["denominator"] == sum(o["indicators"][key]["denominator"] for o in olds), key
    # income per person: total income over total population
    income = sum(Decimal(str(o["indicators"]["10"]["value"])) * o["facts"]["population"] for o in olds)
    expected = (income / sum(o["facts"]["population"] for o in olds)).quantize(Decimal("0.01"))
    assert Decimal(str(merged["indicators"]["10"]["value"])) == expected
    # yes/no: the weakest decides (9.1 «nhà tạm, dột nát»: 'Không' is the good answer)
    for key, good in (("1.1", "Đạt"), ("9.1", "Không"), ("13.1", "Đạt")):
        values = [o["indicators"][key]["value"] for o in olds]
        weakest = next((v for v in values if v != good), good)
        assert merged["indicators"][key]["value"] == weakest
    # every value says where it came from
    text = out.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith('  "')]
    assert lines and all("# " in line and "tt-tam-duong.yaml" in line for line in lines)
    # the result is a commune file the tool reads and evaluates
    result = evaluate(load_assessment(out))
    assert result.name == "Bình Lư"


def test_weakest_flag_decides(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(TD / "ban-bo.yaml", a)
    text = (TD / "na-tam.yaml").read_text(encoding="utf-8")
    data_b = _plain(TD / "na-tam.yaml")
    assert data_b["indicators"]["1.1"]["value"] == "Đạt"
    b.write_text(text.replace('"1.1": {value: "Đạt"', '"1.1": {value: "Không đạt"', 1), encoding="utf-8")
    out = tmp_path / "ban-bo-moi.yaml"
    assert run("merge-communes", a, b, "--into", "Bản Bo", "--code", "03424", "-o", out).exit_code == 0
    assert _plain(out)["indicators"]["1.1"]["value"] == "Không đạt"


def test_percentage_only_is_refused_naming_file_and_indicator(tmp_path):
    b = tmp_path / "na-tam.yaml"
    text = (TD / "na-tam.yaml").read_text(encoding="utf-8")
    data = _plain(TD / "na-tam.yaml")
    entry = data["indicators"]["2.2"]
    b.write_text(text.replace(f"numerator: {entry['numerator']}, denominator: {entry['denominator']}, ", "", 1),
                 encoding="utf-8")
    out = tmp_path / "out.yaml"
    res = run("merge-communes", TD / "ban-bo.yaml", b, "--into", "Bản Bo", "--code", "03424", "-o", out)
    assert res.exit_code == 2
    assert str(b) in res.output and "chỉ tiêu 2.2" in res.output and "tử số" in res.output
    assert not out.exists()
    # with --thu-thap-lai the indicator is listed to collect again instead
    res = run("merge-communes", TD / "ban-bo.yaml", b, "--into", "Bản Bo", "--code", "03424", "-o", out,
              "--thu-thap-lai")
    assert res.exit_code == 0, res.output
    assert "Cần thu thập lại" in res.output and "2.2" in res.output
    assert "2.2" not in _plain(out)["indicators"]
    assert '"2.2": CẦN THU THẬP LẠI' in out.read_text(encoding="utf-8")


def test_inconsistent_inputs_are_errors_and_write_nothing(tmp_path):
    out = tmp_path / "out.yaml"
    other_year = tmp_path / "na-tam-2023.yaml"
    other_year.write_text((TD / "na-tam.yaml").read_text(encoding="utf-8").replace("year: 2024", "year: 2023"),
                          encoding="utf-8")
    res = run("merge-communes", TD / "ban-bo.yaml", other_year, "--into", "Bản Bo", "--code", "03424", "-o", out)
    assert res.exit_code == 2 and "năm số liệu" in res.output
    twice = tmp_path / "ban-bo-copy.yaml"
    shutil.copy(TD / "ban-bo.yaml", twice)
    res = run("merge-communes", TD / "ban-bo.yaml", twice, "--into", "Bản Bo", "--code", "03424", "-o", out)
    assert res.exit_code == 2 and "hai lần" in res.output
    res = run("merge-communes", TD / "ban-bo.yaml", TD / "ban-bo.yaml", "--into", "Bản Bo", "--code", "03424", "-o", out)
    assert res.exit_code == 2 and "hai lần" in res.output
    no_override = tmp_path / "na-tam-set.yaml"
    no_override.write_text((TD / "na-tam.yaml").read_text(encoding="utf-8").replace("override: lai-chau-1487-2024\n", "village_set: ban-ntm-lai-chau-2024\n"),
                           encoding="utf-8")
    res = run("merge-communes", TD / "ban-bo.yaml", no_override, "--into", "Bản Bo", "--code", "03424", "-o", out)
    assert res.exit_code == 2 and "override" in res.output
    # a unit that is not a predecessor of the new one (the unit data knows them)
    res = run("merge-communes", TD / "ban-bo.yaml", TD / "son-binh.yaml", "--into", "Bản Bo", "--code", "03424", "-o", out)
    assert res.exit_code == 2 and "tiền thân" in res.output
    res = run("merge-communes", TD / "ban-bo.yaml", TD / "na-tam.yaml", "--into", "Bình Lư", "--code", "03424", "-o", out)
    assert res.exit_code == 2 and "Bản Bo" in res.output
    assert not out.exists()


def test_missing_predecessor_is_a_warning(tmp_path):
    out = tmp_path / "binh-lu.yaml"
    res = run("merge-communes", TD / "binh-lu.yaml", TD / "son-binh.yaml", "--into", "Bình Lư", "--code", "03390",
              "-o", out)
    assert res.exit_code == 0
    assert "thị trấn Tam Đường" in res.output


def test_committed_baseline_is_what_merge_communes_writes(tmp_path):
    """The 2025 baseline of the samples is the tool's output, not typed by hand."""
    out = tmp_path / "binh-lu.yaml"
    assert run("merge-communes", *BINH_LU, "--into", "Bình Lư", "--code", "03390", "-o", out).exit_code == 0
    assert out.read_bytes() == (LC / "co-so-2025" / "binh-lu.yaml").read_bytes()
