"""The bundled templates: what tools/build_templates.py writes, and lean enough
that LibreOffice and docxtpl do not re-read hundreds of unused styles."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from dossier.layout import profile as P
from dossier.layout.docx_blocks import drop_unused_styles
from dossier.layout.forms import FORMS
from dossier.paths import TEMPLATES_DIR
from dossier.render.docx_package import docx_bytes, set_properties, source_date

_REFS = re.compile(r'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink|basedOn|link|next) w:val="([^"]+)"')


@pytest.mark.parametrize("name", sorted(FORMS))
def test_template_is_what_the_builder_writes(name, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # as tools/build_templates.py runs
    doc = FORMS[name]()
    drop_unused_styles(doc)
    set_properties(doc, title=f"Mẫu {name}", author="dossier", when=source_date())
    built, committed = docx_bytes(doc), (TEMPLATES_DIR / f"{name}.docx").read_bytes()
    assert _parts(built) == _parts(committed), "run .venv/bin/python tools/build_templates.py"
    assert built == committed


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {n: package.read(n) for n in package.namelist()}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_style_referred_to_is_defined_and_ours_are_all_there(name):
    with zipfile.ZipFile(TEMPLATES_DIR / f"{name}.docx") as package:
        assert not [n for n in package.namelist() if "stylesWithEffects" in n]
        styles = package.read("word/styles.xml").decode()
        defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
        names = set(re.findall(r'<w:name w:val="([^"]+)"', styles))
        referred = {ref for part in package.namelist() if part.endswith(".xml")
                    for ref in _REFS.findall(package.read(part).decode())}
    assert referred <= defined
    assert {e.name for e in P.ELEMENTS.values()} <= names  # a clerk finds every Decree 30 style in Word
    assert len(defined) < 60  # not python-docx's ~200 default definitions
    assert "Normal" in defined and "TableNormal" in defined


def test_filled_document_core_properties_stay_in_their_namespaces(tmp_path):
    """docxtpl imports docxcompose, which rebinds python-docx's ``cp`` prefix to the
    custom-properties namespace; the core properties must not follow it."""
    import docxtpl  # noqa: F401 - the import that rebinds the prefix
    from click.testing import CliRunner

    from dossier.cli import main

    from .conftest import SAMPLES

    out = tmp_path / "cong-van.docx"
    result = CliRunner().invoke(main, ["render", "cong-van", str(SAMPLES / "cong-van-son-binh.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        core = package.read("docProps/core.xml").decode()
    assert "officeDocument/2006/custom-properties" not in core
    assert core.count("<cp:lastModifiedBy>dossier</cp:lastModifiedBy>") == 1
    assert core.count("<cp:revision>1</cp:revision>") == 1
