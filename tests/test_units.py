"""Administrative units as data: lookups by code and day, chains of any length,
predecessors, the parties documents are addressed from, and Vietnamese errors
for bad unit files. Also: a dossier's documents come from its kind's data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dossier.assemble.kinds import load_kind
from dossier.errors import DossierError
from dossier.units import bundled_units, load_units, party
from dossier.units.fill import fill_from_units

ROOT = Path(__file__).resolve().parents[1]
AFTER, BEFORE = dt.date(2026, 10, 20), dt.date(2024, 11, 19)


def test_two_level_chain_has_no_middle_unit():
    units = bundled_units()
    binh_lu = units.find("03390", AFTER)
    assert binh_lu.full_name == "xã Bình Lư" and binh_lu.row.from_ == dt.date(2025, 7, 1)
    assert [u.full_name for u in units.chain(binh_lu, AFTER)] == ["xã Bình Lư", "tỉnh Lai Châu"]
    assert [u.full_name for u in units.predecessors(binh_lu)] == ["thị trấn Tam Đường", "xã Bình Lư", "xã Sơn Bình"]


def test_old_hierarchy_still_answers_on_an_old_day():
    units = bundled_units()
    son_binh = units.find("03413", BEFORE)
    assert [u.full_name for u in units.chain(son_binh, BEFORE)] == ["xã Sơn Bình", "huyện Tam Đường", "tỉnh Lai Châu"]
    # the same code means another unit after the merger
    assert units.find("03390", BEFORE).full_name == "thị trấn Tam Đường"
    with pytest.raises(DossierError) as exc:
        units.find("03413", AFTER)
    assert "không ứng với đơn vị nào" in exc.value.message


def test_parties_from_the_kind_routes():
    units = bundled_units()
    kind = load_kind("xa-ntm-2026")
    binh_lu = units.find("03390", AFTER)
    assert party(units, binh_lu, kind.route_to("recipient"), AFTER).name == "Ủy ban nhân dân tỉnh Lai Châu"
    through = party(units, binh_lu, kind.route_to("through"), AFTER)
    assert through.name == "Sở Nông nghiệp và Môi trường"
    assert through.issuer == {"superior": "UBND tỉnh Lai Châu", "name": ["Sở Nông nghiệp và Môi trường"]}
    own = party(units, binh_lu, None, AFTER)
    assert own.issuer == {"superior": None, "name": ["Ủy ban nhân dân", "xã Bình Lư"]} and own.place == "Bình Lư"
    # before March 2025 the standing agency had its old name
    old = party(units, units.find("03413", BEFORE), {"unit_type": "tỉnh", "agency": "thuong-truc-ntm"}, BEFORE)
    assert old.name == "Sở Nông nghiệp và Phát triển nông thôn"
    # the district-era kind routes to the unit of the type its data names
    son_binh = units.find("03413", BEFORE)
    assert party(units, son_binh, load_kind("xa-ntm").route_to("recipient"), BEFORE).name == \
        "Ủy ban nhân dân huyện Tam Đường"
    with pytest.raises(DossierError) as exc:
        party(units, binh_lu, load_kind("xa-ntm").route_to("recipient"), AFTER)
    assert "không trực thuộc" in exc.value.message


def test_fill_keeps_what_the_file_gives():
    kind = load_kind("xa-ntm-2026")
    routes = {k: kind.route_to(k) for k in ("recipient", "through")}
    data = {"unit": "03390", "meeting": {"date": AFTER}, "place": "Thôn Nà Bỏ"}
    out, warnings = fill_from_units(data, routes, "ho-so.yaml")
    assert out["place"] == "Thôn Nà Bỏ" and out["recipient"] == "Ủy ban nhân dân tỉnh Lai Châu"
    assert out["through"] == "Sở Nông nghiệp và Môi trường" and out["signer"]["title"] == "CHỦ TỊCH"
    assert any("dữ liệu mẫu" in w for w in warnings)
    assert fill_from_units({"place": "x"}, routes, "f")[0] == {"place": "x"}


@pytest.mark.parametrize("text, expected", [
    ('units:\n  - {code: "1", type: tỉnh, name: A}\n  - {code: "1", type: tỉnh, name: B}\n', "dùng cho hai đơn vị"),
    ('units:\n  - {code: "2", type: xã, name: A, parent: "99"}\n', "mã «99»"),
    ('units:\n  - {code: "3", type: xã, name: A, from: 2025-07-01, predecessors: ["77"]}\n', "mã «77»"),
    ('units:\n  - {code: "4", type: xã, name: A, cấp: 3}\n', "không được hỗ trợ"),
    ('units:\n  - {code: "5", type: xã, name: A, from: 2025-07-01, until: 2025-01-01}\n', "trước ngày có hiệu lực"),
])
def test_bad_unit_files_are_vietnamese_errors(tmp_path, text, expected):
    path = tmp_path / "don-vi.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DossierError) as exc:
        load_units(path)
    assert expected in str(exc.value) and str(path) in str(exc.value)


def test_documents_come_from_the_kind_data():
    """A procedure change is a data change: drop a document from the kind, it is not composed."""
    from dossier.compose.commune import compose_all
    from dossier.compose.assessment_facts import facts_for
    from dossier.pipeline import commune

    loaded = commune.load(ROOT / "samples" / "lai-chau-2026" / "ho-so-binh-lu.yaml")
    facts = facts_for(loaded.assessment_file)
    full = compose_all(loaded.input, facts, loaded.kind)
    assert [d.key for d in full] == [p.key for p in loaded.kind.documents()]
    fewer = dataclasses.replace(loaded.kind, parts=tuple(p for p in loaded.kind.parts if p.key != "bien_ban_hop"))
    assert [d.key for d in compose_all(loaded.input, facts, fewer)] == [
        "to_trinh", "bao_cao_ket_qua", "bao_cao_tong_hop_y_kien", "bao_cao_no_dong_xdcb"]
    # the addressing of the 2026 file came from the unit data
    assert loaded.input.recipient == "Ủy ban nhân dân tỉnh Lai Châu"
    assert loaded.input.issuer.name == ["Ủy ban nhân dân", "xã Bình Lư"] and loaded.input.place == "Bình Lư"
    assert any("chưa được xác minh" in w for w in loaded.warnings)
    # the 2021-2025 kind keeps its five documents and file names
    assert commune.FILE_NAMES == {"to_trinh": "01-to-trinh", "bao_cao_ket_qua": "02-bao-cao-ket-qua",
                                  "bao_cao_tong_hop_y_kien": "03-bao-cao-tong-hop-y-kien",
                                  "bien_ban_hop": "04-bien-ban-hop", "bao_cao_no_dong_xdcb": "05-bao-cao-no-dong-xdcb"}


def test_appraisal_is_recomputed_from_the_commune_data(tmp_path):
    """The province's appraisal is computed from the commune's values, not its self-assessment."""
    import shutil

    from dossier.compose.province import compose_all
    from dossier.pipeline import province

    src = ROOT / "samples" / "lai-chau-2026"
    for name in ("ho-so-tinh-2026.yaml", "ho-so-binh-lu.yaml"):
        shutil.copy(src / name, tmp_path / name)
    shutil.copytree(src / "binh-lu", tmp_path / "binh-lu")
    (tmp_path / "communes").mkdir()
    text = (src / "communes" / "binh-lu.yaml").read_text(encoding="utf-8")
    import re
    line = re.search(r'  "2\.1": \{value: [\d.]+', text).group(0)
    (tmp_path / "communes" / "binh-lu.yaml").write_text(
        text.replace(line, '  "2.1": {value: 40, self_assessment: "Đạt"', 1), encoding="utf-8")
    loaded = province.load(tmp_path / "ho-so-tinh-2026.yaml")
    facts = loaded.case.cases[0].facts
    assert facts.met == facts.total - 1
    with pytest.raises(DossierError) as exc:
        compose_all(loaded.case)
    assert "Không có xã nào đủ điều kiện" in exc.value.message


def test_a_dossier_naming_an_unknown_unit_is_refused(tmp_path):
    """Exit 2, in Vietnamese, naming the code; nothing written (no LibreOffice needed: it fails on reading)."""
    import shutil

    from click.testing import CliRunner

    from dossier.cli import main

    src = ROOT / "samples" / "lai-chau-2026"
    shutil.copytree(src / "communes", tmp_path / "communes")
    text = (src / "ho-so-binh-lu.yaml").read_text(encoding="utf-8").replace('unit: "03390"', 'unit: "03413"')
    (tmp_path / "ho-so.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "ra"
    res = CliRunner().invoke(main, ["build", str(tmp_path / "ho-so.yaml"), "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert "03413" in res.output and "không ứng với đơn vị nào" in res.output
    assert not out.exists()
