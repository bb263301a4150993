"""`dossier assess --format json`: what scripts and the web page read, parsed back
and compared with the library's own evaluation."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dossier.cli import main
from dossier.criteria import evaluate, load_assessment
from dossier.vntext.legacy import encode_legacy

from .test_assess_helpers import COMMUNES, sample, write


def assess_json(*args):
    result = CliRunner().invoke(main, ["assess", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_json_holds_every_criterion_as_the_library_computes_it():
    data, stderr = assess_json(COMMUNES / "giang-ma.yaml")
    assert stderr == ""
    expected = evaluate(load_assessment(COMMUNES / "giang-ma.yaml", []))
    assert (data["met"], data["total"], data["all_met"]) == (expected.met_count, expected.total, False)
    assert [c["id"] for c in data["criteria"]] == [c.criterion.id for c in expected.criteria]
    assert sum(c["met"] for c in data["criteria"]) == data["met"] == 16
    assert data["unit"]["label"] == "xã Giang Ma" and data["year"] == expected.year
    indicators = {i["id"]: i for c in data["criteria"] for i in c["indicators"]}
    assert indicators["2.2"]["value"] == 66.5  # a number, not a Vietnamese text
    assert indicators["2.2"]["value_text"] == "66,5%" and indicators["2.2"]["met"] is False
    assert indicators["2.2"]["gap"] == "thiếu 3,5 điểm %"
    assert any("2.2: 66,5%, cần ≥ 70%" in s for m in data["missing"] for s in m["shortfalls"])
    assert len(data["missing"]) == data["total"] - data["met"]
    assert data["unverified_targets"] == len(expected.unverified)


def test_json_lists_villages_and_warnings(tmp_path):
    data, _ = assess_json(COMMUNES / "son-binh.yaml")
    assert (data["villages"]["met"], data["villages"]["total"]) == (2, 4)
    assert len(data["villages"]["units"]) == 4 and data["warnings"] == []
    legacy = sample()
    legacy["indicators"]["1.1"]["evidence"] = encode_legacy("Theo hồ sơ của xã", "tcvn3")
    data, stderr = assess_json(write(tmp_path, legacy))
    assert len(data["warnings"]) == 1 and "TCVN3" in data["warnings"][0]
    assert "TCVN3" in stderr  # the clerk's warning still on stderr; stdout is only JSON


def test_json_with_an_output_file_keeps_stdout_pure(tmp_path):
    out = tmp_path / "ket-qua.xlsx"
    data, stderr = assess_json(COMMUNES / "ban-hon.yaml", "-o", out)
    assert data["met"] == 18 and out.exists()
    assert f"Đã ghi {out}" in stderr
