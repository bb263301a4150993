"""Property elements (rPr, pPr, sectPr, tblPr, tcPr, trPr) in every committed
template and in generated documents are in ECMA-376 schema order, each child
once: Word refuses a file with a child out of its sequence as "unreadable
content"."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx.oxml import OxmlElement
from lxml import etree

from dossier.cli import main
from dossier.compose.villages import case_for, compose_all
from dossier.criteria import evaluate, load_assessment
from dossier.layout.wordml import insert_in_order, order_errors, set_child
from dossier.models.validation import validate
from dossier.models.village_input import VillageDossierInput
from dossier.paths import TEMPLATES_DIR
from dossier.render.docx import render_docx

from .conftest import SAMPLES

TEMPLATES = sorted(TEMPLATES_DIR.glob("*.docx"))


def package_errors(path: Path) -> list[str]:
    """Order errors in every WordprocessingML part of a DOCX package."""
    errors = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                errors += [f"{name}: {e}" for e in order_errors(root)]
    return errors


def test_there_are_templates():
    assert len(TEMPLATES) >= 8


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_committed_template_is_in_schema_order(path):
    assert package_errors(path) == []


def _cli(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("args", [
    ["render", "cong-van", str(SAMPLES / "cong-van-ubnd-huyen.yaml")],
    ["assess", str(SAMPLES / "communes" / "son-binh.yaml")],  # a commune report with tables
    ["summary", str(SAMPLES / "communes")],
    ["assess", str(SAMPLES / "communes-xlsx" / "son-binh.xlsx")],  # from Excel
    ["summary", str(SAMPLES / "communes-xlsx")],
], ids=["cong-van", "assess", "summary", "assess-xlsx", "summary-xlsx"])
def test_generated_document_is_in_schema_order(tmp_path, args):
    assert package_errors(_cli(tmp_path, *args)) == []


def test_letters_merged_from_an_excel_list_are_in_schema_order(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", "cong-van", str(SAMPLES / "giay-moi" / "danh-sach.xlsx"),
                                       "-o", str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    letters = sorted(out.glob("*.docx"))
    assert len(letters) > 1
    for path in letters:
        assert package_errors(path) == [], path.name


def test_village_dossier_and_its_decision_are_in_schema_order(tmp_path):
    data = yaml.safe_load((SAMPLES / "ho-so-ban-son-binh.yaml").read_text(encoding="utf-8"))
    inp = validate(VillageDossierInput, data, "ho-so-ban.yaml")
    case = case_for(evaluate(load_assessment(SAMPLES / "communes" / "son-binh.yaml")), inp.villages, "x")
    docs = compose_all(inp, case)
    assert "quyet_dinh" in [d.key for d in docs]
    for n, doc in enumerate(docs):
        out = tmp_path / f"{n}-{doc.key}.docx"
        render_docx(TEMPLATES_DIR / f"{doc.template}.docx", doc.view, out, title=doc.title)
        assert package_errors(out) == [], doc.key


def _el(xml: str):
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return etree.fromstring(xml.replace(">", f" {ns}>", 1))


def test_the_checker_sees_what_the_old_builders_wrote():
    """Today's mistakes: sz after lang in a run, pBdr last in a paragraph, tblLayout after tblLook."""
    assert order_errors(_el('<w:rPr><w:rFonts/><w:lang/><w:sz/></w:rPr>')) == ["w:rPr: w:sz after w:lang"]
    assert order_errors(_el('<w:pPr><w:spacing/><w:jc/><w:pBdr/></w:pPr>'))[0].endswith("w:pBdr after w:jc")
    assert order_errors(_el('<w:tblPr><w:tblW/><w:tblLook/><w:tblLayout/></w:tblPr>'))[0].endswith(
        "w:tblLayout after w:tblLook")
    assert order_errors(_el('<w:sectPr><w:pgSz/><w:headerReference/></w:sectPr>'))
    assert order_errors(_el('<w:tcPr><w:vAlign/><w:tcW/></w:tcPr>'))
    assert order_errors(_el('<w:pPr><w:bogus/></w:pPr>'))[0].endswith("w:bogus is not allowed")
    # the schema's choices: references in any order, row properties in any order
    assert order_errors(_el('<w:sectPr><w:footerReference/><w:headerReference/><w:pgSz/></w:sectPr>')) == []
    assert order_errors(_el('<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>')) == []


def test_insert_in_order_places_each_child_where_the_sequence_wants_it():
    rpr = OxmlElement("w:rPr")
    for name in ("lang", "sz", "rFonts", "b", "szCs", "rStyle"):
        insert_in_order(rpr, OxmlElement(f"w:{name}"))
    assert [c.tag.split("}")[1] for c in rpr] == ["rStyle", "rFonts", "b", "sz", "szCs", "lang"]
    set_child(rpr, "i", {})
    set_child(rpr, "sz", {"val": "24"})
    set_child(rpr, "b", None)
    assert [c.tag.split("}")[1] for c in rpr] == ["rStyle", "rFonts", "i", "sz", "szCs", "lang"]
    assert order_errors(rpr) == []
    tbl_pr = OxmlElement("w:tblPr")
    for name in ("tblW", "tblLayout", "tblLayout"):
        tbl_pr.append(OxmlElement(f"w:{name}"))
    assert order_errors(tbl_pr) == ["w:tblPr: w:tblLayout twice"]


REAL_DOCX = sorted((Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs").glob("*.docx"))


def test_real_word_documents_pass_so_the_sequences_are_not_too_strict():
    assert REAL_DOCX
    for path in REAL_DOCX:
        assert package_errors(path) == [], path.name


def test_the_fixer_writes_in_schema_order(tmp_path):
    """`check --fix` adds sizes, bold, alignment, indents, styles: all in their places."""
    from dossier.check.fix import fix_docx

    from .test_check_build import build_cong_van
    from .test_check_fix import BROKEN

    for name, changes, _ in BROKEN:
        src = build_cong_van(tmp_path / "bad.docx", **changes)
        assert package_errors(src) == [], name
        fix_docx(src, tmp_path / "fixed.docx")
        assert package_errors(tmp_path / "fixed.docx") == [], name
    for path in REAL_DOCX:
        fix_docx(path, tmp_path / "fixed.docx")
        assert package_errors(tmp_path / "fixed.docx") == [], path.name
