"""`dossier batch` through Click on a copy of the sample district: parallel
workers, outputs per commune, a failing commune reported while the others are
built, make's stamp and dependency files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier.cli import main
from dossier.pipeline.batch import discover

from .conftest import SAMPLES

pytestmark = pytest.mark.libreoffice


@pytest.fixture()
def district(tmp_path) -> Path:
    root = tmp_path / "huyen"
    (root / "communes").mkdir(parents=True)
    for slug in ("ban-bo", "ta-leng", "khun-ha"):
        shutil.copy(SAMPLES / "communes" / f"{slug}.yaml", root / "communes")
    return root


def test_discover_groups_dossier_files_with_their_commune():
    units = {u.slug: u for u in discover(SAMPLES)}
    assert len([u for u in units.values() if u.assessment]) == 12
    assert units["huyen-2024"].assessment is None  # the district's dossier belongs to no one commune
    assert [d.name for d in units["huyen-2024"].dossiers] == ["ho-so-huyen-2024.yaml"]
    assert {d.name for d in units["son-binh"].dossiers} >= {"ho-so-son-binh.yaml"}
    assert units["ban-bo"].dossiers == ()


def test_batch_builds_every_commune_and_the_summary(district, tmp_path):
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["batch", str(district), "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output
    assert "Xong 3/3 xã" in result.output
    for slug in ("ban-bo", "ta-leng", "khun-ha"):
        assert len(PdfReader(out / slug / "danh-gia.pdf").pages) >= 1
        assert (out / slug / "danh-gia.docx").exists()
        assert load_workbook(out / slug / "danh-gia.xlsx").sheetnames
    summary = load_workbook(out / "tong-hop" / "tong-hop.xlsx")
    text = " ".join(str(c.value) for ws in summary for row in ws.iter_rows() for c in row if c.value)
    for name in ("Bản Bo", "Tả Lèng", "Khun Há"):
        assert name in text
    assert len(PdfReader(out / "tong-hop" / "tong-hop.pdf").pages) >= 1
    assert not list(out.rglob(".dossier-tmp-*"))


def test_failing_commune_is_reported_and_the_others_built(district, tmp_path):
    (district / "communes" / "khun-ha.yaml").write_text("commune: [hỏng\n", encoding="utf-8")
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["batch", str(district), "-o", str(out), "-j", "2", "--no-summary"])
    assert result.exit_code == 1
    assert "khun-ha" in result.output and "LỖI" in result.output and "sai cú pháp" in result.output
    assert "Xong 2/3 xã" in result.output
    assert (out / "ban-bo" / "danh-gia.pdf").exists() and (out / "ta-leng" / "danh-gia.pdf").exists()
    assert not (out / "khun-ha").exists()
    assert "Traceback" not in result.output


def test_only_one_commune_with_stamp_and_depfile(district, tmp_path):
    out = tmp_path / "build"
    stamp, dep = out / ".stamps" / "ta-leng", out / ".stamps" / "ta-leng.d"
    result = CliRunner().invoke(main, ["batch", str(district), "-o", str(out), "--only", "ta-leng",
                                       "--stamp", str(stamp), "--depfile", str(dep)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["ta-leng"]
    assert stamp.read_text(encoding="utf-8") == "ta-leng\n"
    deps = dep.read_text(encoding="utf-8")
    assert deps.startswith(f"{stamp}:") and "ta-leng.yaml" in deps and "bang-tong-hop.docx" in deps


def test_unknown_commune_named(district, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(district), "-o", str(tmp_path / "b"), "--only", "son-la"])
    assert result.exit_code == 1 and "Không có xã: son-la" in result.output
