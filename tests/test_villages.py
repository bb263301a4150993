"""Villages (bản): evaluation at the target boundaries, the listing against the
programme's target, the village recognition dossier and its decision (Decree 30
decision layout through `dossier check`), and the `dossier villages` command."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dossier.check import check_file
from dossier.cli import main
from dossier.compose.villages import VillageTarget, case_for, compose_all, listing, quyet_dinh
from dossier.criteria import evaluate, load_assessment, load_folder
from dossier.errors import DossierError
from dossier.models.validation import validate
from dossier.models.village_input import VillageDossierInput
from dossier.paths import TEMPLATES_DIR
from dossier.render.docx import render_docx

from .conftest import SAMPLES

SON_BINH = SAMPLES / "communes" / "son-binh.yaml"
DOSSIER = SAMPLES / "ho-so-ban-son-binh.yaml"
SETTINGS = SAMPLES / "plans" / "ke-hoach-2025.yaml"


def _village_assessment(tmp_path: Path, **values) -> Path:
    """Sơn Bình with one village whose indicators are those of Bản Nà Bó, changed by ``values``."""
    data = yaml.safe_load(SON_BINH.read_text(encoding="utf-8"))
    village = copy.deepcopy(data["villages"][0])
    village["name"] = "Bản Thử"
    village["indicators"].update(values)
    data["villages"] = [village]
    path = tmp_path / "xa.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("indicator", "value", "met"), [
    ("1.1", 50, True),       # ≥ 50%: exactly the target meets it
    ("1.1", 49.9, False),
    ("1.1", 50.1, True),
    ("6.1", 20, True),       # ≤ 20% (poverty): exactly the target meets it
    ("6.1", 20.1, False),
    ("5.1", 30, True),       # ≥ 30 million đồng
    ("5.1", 29.99, False),
    ("4.1", "Không", True),  # no temporary houses
    ("4.1", "Có", False),
])
def test_village_evaluation_at_boundaries(tmp_path, indicator, value, met):
    result = evaluate(load_assessment(_village_assessment(tmp_path, **{indicator: value})))
    village = result.villages[0]
    crit = next(c for c in village.criteria if any(i.indicator.id == indicator for i in c.indicators))
    assert crit.met is met
    assert village.all_met is met
    assert result.villages_met == (1 if met else 0)


def test_sample_listing_counts_against_the_target():
    results = load_folder(SAMPLES / "communes")
    target = VillageTarget(20, 2025, ("Nà Tăm", "Sơn Bình", "Giang Ma", "Tả Lèng"), "thuộc các xã đặc biệt khó khăn")
    lst = listing(results, target)
    expected = sum(v.all_met for r in results for v in r.villages)
    assert lst.qualifying == expected
    per = {c.commune.name: [v.name for v in c.qualifying] for c in lst.communes}
    assert per["Sơn Bình"] == ["Bản Nà Bó", "Bản Hua Bó"]
    assert lst.counted == sum(len(per[n]) for n in target.communes) == 8
    assert lst.remaining == 12
    assert lst.district == "huyện Tam Đường"


def test_listing_without_district(tmp_path):
    data = yaml.safe_load(SON_BINH.read_text(encoding="utf-8"))
    data["district"] = None
    path = tmp_path / "xa.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lst = listing([evaluate(load_assessment(path))])
    assert lst.district is None and lst.qualifying == 2


def _input(**changes) -> VillageDossierInput:
    data = yaml.safe_load(DOSSIER.read_text(encoding="utf-8"))
    data.update(changes)
    return validate(VillageDossierInput, data, "ho-so-ban.yaml")


def test_requesting_a_village_that_does_not_qualify_is_an_input_error():
    result = evaluate(load_assessment(SON_BINH))
    with pytest.raises(DossierError) as err:
        case_for(result, ["Bản Cốc Pa", "Bản Không Có"], "ho-so-ban.yaml")
    text = str(err.value)
    assert err.value.exit_code == 2
    assert "Bản Cốc Pa chưa đạt chuẩn" in text and "1.1: 45,5%, cần ≥ 50%" in text
    assert "không có Bản Không Có" in text


def test_empty_list_requests_every_qualifying_village():
    case = case_for(evaluate(load_assessment(SON_BINH)), [], "x")
    assert [v.name for v in case.requested] == ["Bản Nà Bó", "Bản Hua Bó"]


def test_decision_articles_annex_and_signature():
    inp = _input()
    case = case_for(evaluate(load_assessment(SON_BINH)), inp.villages, "x")
    doc = quyet_dinh(inp, case)
    view = doc.view
    assert [a["label"] for a in view["articles"]] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert "bản Nà Bó và bản Hua Bó" in view["articles"][0]["text"]
    assert view["articles"][-1]["text"].endswith("./.")
    assert view["authority_line"] == "Chủ tịch Ủy ban nhân dân huyện Tam Đường"
    assert view["signer"]["lines"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert view["annex"]["heading"] == "Phụ lục"
    assert [r.cells[1] for r in view["annex"]["table"].rows] == ["Bản Nà Bó", "Bản Hua Bó"]
    one = quyet_dinh(_input(villages=["Bản Hua Bó"], meetings={}),
                     case_for(evaluate(load_assessment(SON_BINH)), ["Bản Hua Bó"], "x"))
    assert one.view["annex"] is None
    assert one.view["articles"][0]["text"].startswith("Công nhận bản Hua Bó, xã Sơn Bình, huyện Tam Đường")


def test_every_village_document_passes_the_decree30_checks_as_docx(tmp_path):
    inp = _input()
    case = case_for(evaluate(load_assessment(SON_BINH)), inp.villages, "x")
    docs = compose_all(inp, case)
    assert [d.key for d in docs] == ["to_trinh", "bien_ban_hop_ban", "bien_ban_hop_ban", "bao_cao_ket_qua",
                                     "quyet_dinh"]
    for n, doc in enumerate(docs):
        out = tmp_path / f"{n}-{doc.key}.docx"
        render_docx(TEMPLATES_DIR / f"{doc.template}.docx", doc.view, out, title=doc.title)
        report = check_file(out)
        assert not report.errors, (doc.key, [str(f) for f in report.errors])
        if doc.key == "quyet_dinh":
            assert report.kind == "quyet_dinh"


def test_decision_check_catches_broken_can_cu_and_article_numbering(tmp_path):
    """The same checks really look at the decision: break punctuation and numbering on purpose."""
    inp = _input()
    case = case_for(evaluate(load_assessment(SON_BINH)), inp.villages, "x")
    view = quyet_dinh(inp, case).view
    view["articles"][1]["label"] = "Điều 5."
    view["proposal"] = ""
    out = tmp_path / "qd.docx"
    render_docx(TEMPLATES_DIR / "quyet-dinh.docx", view, out)
    rules = {f.rule for f in check_file(out).errors}
    assert "dieu.numbering" in rules


def _dossier_in(tmp_path: Path, data: dict) -> Path:
    """A copy of the sample dossier file (and its assessment) in ``tmp_path``."""
    (tmp_path / "communes").mkdir(exist_ok=True)
    (tmp_path / "communes" / "son-binh.yaml").write_bytes(SON_BINH.read_bytes())
    path = tmp_path / "ho-so-ban.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_meetings_must_match_requested_villages(tmp_path):
    from dossier.pipeline.village import load

    data = yaml.safe_load(DOSSIER.read_text(encoding="utf-8"))
    data["meetings"]["Bản Cốc Pa"] = data["meetings"].pop("Bản Hua Bó")
    with pytest.raises(DossierError) as err:
        load(_dossier_in(tmp_path, data))
    assert "thiếu biên bản họp của Bản Hua Bó" in str(err.value)
    assert "meetings.Bản Cốc Pa" in str(err.value)


def test_cli_villages_lists_per_commune_and_target(tmp_path):
    out = tmp_path / "ban.xlsx"
    res = CliRunner().invoke(main, ["villages", str(SAMPLES / "communes"), "--settings", str(SETTINGS),
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Xã Sơn Bình: 2/4 bản đạt chuẩn" in res.output
    assert "+ Bản Nà Bó: đạt 10/10 tiêu chí" in res.output
    assert "Mục tiêu đến năm 2025: 20 bản thuộc các xã đặc biệt khó khăn; đã có 8 bản đạt chuẩn, còn thiếu 12 bản." \
        in res.output
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert any(row and "Bản Nà Bó" in row for row in ws.iter_rows(values_only=True))


def test_cli_villages_errors_are_vietnamese(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["villages", str(tmp_path / "khong-co")])
    assert res.exit_code == 2 and "Không tìm thấy thư mục" in res.output
    res = runner.invoke(main, ["villages", str(SAMPLES / "communes"), "-o", str(tmp_path / "a.csv")])
    assert res.exit_code == 2 and "chỉ ghi được ra tệp .xlsx" in res.output
    res = runner.invoke(main, ["villages", str(SAMPLES / "communes"), "--target", "5"])
    assert res.exit_code == 0 and "Mục tiêu đến năm 2025: 5 bản" in res.output


def test_cli_build_bad_village_is_exit_2(tmp_path):
    data = yaml.safe_load(DOSSIER.read_text(encoding="utf-8"))
    data["villages"] = ["Bản Cốc Pa"]
    path = _dossier_in(tmp_path, data)
    res = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 2
    assert "Bản Cốc Pa chưa đạt chuẩn" in res.output
    assert not (tmp_path / "out" / "ho-so.pdf").exists()


@pytest.mark.libreoffice
def test_build_village_dossier_and_check_every_pdf(tmp_path):
    import pikepdf

    out = tmp_path / "ho-so-ban"
    res = CliRunner().invoke(main, ["build", str(DOSSIER), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    pdfs = sorted(out.glob("0*.pdf"))
    assert [p.stem for p in pdfs] == ["01-to-trinh", "02-bien-ban-hop-ban-1", "03-bien-ban-hop-ban-2",
                                      "04-bao-cao-ket-qua", "05-quyet-dinh"]
    for pdf in pdfs:
        report = check_file(pdf)
        assert not report.errors, (pdf.name, [str(f) for f in report.errors])
    with pikepdf.open(out / "ho-so.pdf") as pdf:
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
            nested = [c.title for item in outline.root for c in item.children]
    assert any("Quyết định công nhận bản" in t for t in titles)
    assert any("Biên bản họp bản Nà Bó" in t for t in nested)
