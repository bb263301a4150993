"""The template caches' warm-up (render/template_cache.warm_up): after it, filling
the bundled templates compiles nothing more, and the bytes are the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.render import docx as docx_module
from dossier.render.builders import render
from dossier.render.environment import make_environment
from dossier.render.filters import DOCX_FILTERS
from dossier.render.template_cache import compile_once

from .conftest import SAMPLES

DOCUMENTS = ["cong-van-son-binh.yaml", "cong-van-ubnd-huyen.yaml"]


@pytest.fixture
def fresh_env(monkeypatch):
    env = compile_once(make_environment(DOCX_FILTERS))
    monkeypatch.setattr(docx_module, "_ENV", env)
    return env


def _fill_all(out: Path) -> dict[str, bytes]:
    from dossier.criteria import evaluate, load_assessment
    from dossier.render.reports import render_report_docx
    from dossier.report.context import assessment_context

    for name in DOCUMENTS:
        render("cong-van", SAMPLES / name, out / f"{Path(name).stem}.docx")
    ctx = assessment_context(evaluate(load_assessment(SAMPLES / "communes" / "son-binh.yaml")))
    render_report_docx("assessment", ctx, out / "danh-gia.docx")
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_after_warm_up_the_bundled_templates_compile_nothing_more(fresh_env, tmp_path):
    assert docx_module.warm_up_bundled() > 0
    warmed = set(fresh_env.compiled._items)
    assert len(warmed) >= 9  # a body at least for each bundled template
    (tmp_path / "a").mkdir()
    _fill_all(tmp_path / "a")
    assert set(fresh_env.compiled._items) == warmed


def test_warm_up_changes_no_byte(tmp_path, monkeypatch):
    cold = tmp_path / "cold"
    cold.mkdir()
    monkeypatch.setattr(docx_module, "_ENV", compile_once(make_environment(DOCX_FILTERS)))
    without = _fill_all(cold)
    monkeypatch.setattr(docx_module, "_ENV", compile_once(make_environment(DOCX_FILTERS)))
    docx_module.warm_up_bundled()
    warmed = tmp_path / "warm"
    warmed.mkdir()
    assert _fill_all(warmed) == without


def test_a_broken_template_is_skipped(fresh_env):
    from dossier.render.template_cache import warm_up

    assert warm_up([b"not a zip", (docx_module.TEMPLATES_DIR / "cong-van.docx").read_bytes()], fresh_env) > 0


@pytest.mark.parametrize("text", ["một dòng", "hai\ndòng", "cột\tcột", "trang\fmới", "đoạn\amới", ""])
def test_listing_pass_skipped_only_when_it_would_change_nothing(text):
    from docxtpl import DocxTemplate
    from xml.sax.saxutils import escape

    from dossier.render.template_cache import CachedDocxTemplate

    xml = (f'<w:body><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
           f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r><w:r><w:tab/></w:r></w:p>\n<w:tbl/></w:body>')
    tpl = CachedDocxTemplate((docx_module.TEMPLATES_DIR / "cong-van.docx").read_bytes())
    assert tpl.resolve_listing(xml) == DocxTemplate.resolve_listing(tpl, xml)


def test_templates_compiled_at_set_up_fill_the_same_bytes(tmp_path, monkeypatch):
    from dossier.render import precompiled

    monkeypatch.setattr(precompiled, "FOLDER", tmp_path / "none")  # nothing compiled at set-up
    monkeypatch.setattr(docx_module, "_ENV", compile_once(make_environment(DOCX_FILTERS)))
    (tmp_path / "compiled-here").mkdir()
    without = _fill_all(tmp_path / "compiled-here")

    monkeypatch.setattr(precompiled, "FOLDER", tmp_path / "__jinjacache__")
    monkeypatch.setattr(docx_module, "_ENV", compile_once(make_environment(DOCX_FILTERS)))
    assert docx_module.precompile_bundled() > 0
    env = compile_once(make_environment(DOCX_FILTERS))  # a new process's environment
    monkeypatch.setattr(docx_module, "_ENV", env)
    loaded = []
    real = precompiled.code
    monkeypatch.setattr(precompiled, "code", lambda e, s: loaded.append(real(e, s)) or loaded[-1])
    monkeypatch.setattr(env, "compile", lambda *a, **k: pytest.fail("a bundled template was compiled again"))
    (tmp_path / "from-set-up").mkdir()
    assert _fill_all(tmp_path / "from-set-up") == without
    assert loaded and all(code is not None for code in loaded)


def test_another_environment_or_source_reads_nothing_compiled_for_this_one(tmp_path, monkeypatch):
    from dossier.render import precompiled
    from dossier.render.template_cache import CachedDocxTemplate

    monkeypatch.setattr(precompiled, "FOLDER", tmp_path / "__jinjacache__")
    monkeypatch.setattr(docx_module, "_ENV", compile_once(make_environment(DOCX_FILTERS)))
    docx_module.precompile_bundled()
    tpl = CachedDocxTemplate((docx_module.TEMPLATES_DIR / "cong-van.docx").read_bytes())
    body = tpl.part_sources()[0]
    same = compile_once(make_environment(DOCX_FILTERS))
    other = compile_once(make_environment({**DOCX_FILTERS, "them": str}))
    assert precompiled.code(same, body) is not None
    assert precompiled.variables(same, tpl.digest) == tpl.undeclared_variables(same)
    assert precompiled.code(other, body) is None and precompiled.variables(other, tpl.digest) is None
    assert precompiled.code(same, body + " ") is None
