"""The bundled templates: what tools/build_templates.py writes, and lean enough
that LibreOffice and docxtpl do not re-read hundreds of unused styles."""

from __future__ import annotations

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
def test_template_is_what_the_builder_writes(name):
    doc = FORMS[name]()
    drop_unused_styles(doc)
    set_properties(doc, title=f"Mẫu {name}", author="dossier", when=source_date())
    assert docx_bytes(doc) == (TEMPLATES_DIR / f"{name}.docx").read_bytes(), \
        "run .venv/bin/python tools/build_templates.py"


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
