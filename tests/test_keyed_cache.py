"""Results remembered by their bytes (dossier.keyed): a commune's checked data
(dossier.load.parsed) and rendered DOCX files (render_docx). The second read or
render gives the same result without doing the work; a changed file, context
or template does the work again; DOSSIER_CACHE_DIR=off turns it off."""

from __future__ import annotations

import shutil

import pytest

from dossier import keyed
from dossier.criteria import assessment as assessment_module
from dossier.criteria import evaluate, load_assessment
from dossier.paths import TEMPLATES_DIR
from dossier.render import docx as docx_module
from dossier.render.docx import render_docx

from .test_assess_helpers import COMMUNES, sample, write


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(folder))
    return folder


def counting(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_a_commune_read_twice_is_checked_once(cache_dir, tmp_path, monkeypatch):
    source = shutil.copy(COMMUNES / "giang-ma.yaml", tmp_path / "giang-ma.yaml")
    reads = counting(monkeypatch, assessment_module, "check_assessment")
    first = load_assessment(source, [])
    second = load_assessment(source, [])
    assert len(reads) == 1 and second == first
    assert evaluate(second).met_count == evaluate(first).met_count == 16
    assert list((cache_dir / "parsed").iterdir())


def test_changed_bytes_are_read_again_and_warnings_come_back_each_time(cache_dir, tmp_path, monkeypatch):
    data = sample()
    data["indicators"]["1.1"]["evidence"] = "§· cã quy ho¹ch chung x©y dùng x· ®­îc phª duyÖt"  # TCVN3
    path = write(tmp_path, data)
    reads = counting(monkeypatch, assessment_module, "check_assessment")
    for _ in range(2):
        warnings = []
        a = load_assessment(path, warnings)
        assert a.indicators["1.1"].evidence == "Đã có quy hoạch chung xây dựng xã được phê duyệt"
        assert len(warnings) == 1 and "TCVN3" in warnings[0].message
    assert len(reads) == 1
    data["indicators"]["1.1"]["evidence"] = "Theo hồ sơ của xã"
    write(tmp_path, data)
    warnings = []
    assert load_assessment(path, warnings).indicators["1.1"].evidence == "Theo hồ sơ của xã"
    assert warnings == [] and len(reads) == 2


def test_a_bad_file_is_never_remembered(cache_dir, tmp_path):
    data = sample()
    data["indicators"]["2.2"] = {"value": "khoảng 80"}
    path = write(tmp_path, data)
    for _ in range(2):
        with pytest.raises(Exception, match="khoảng 80"):
            load_assessment(path, [])


CONTEXT = {"so": "12/BC-UBND", "ten": "Sơn Bình"}


def render(tmp_path, name, context, template=None):
    template = template or tmp_path / "mau.docx"
    out = tmp_path / name
    render_docx(template, context, out, title="Báo cáo", author="UBND xã", date=None)
    return out.read_bytes()


@pytest.fixture
def template(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("Số: {{ so }} — xã {{ ten }}")
    doc.save(tmp_path / "mau.docx")
    return tmp_path / "mau.docx"


def test_a_docx_rendered_twice_is_filled_once(cache_dir, tmp_path, template, monkeypatch):
    fills = counting(monkeypatch, docx_module, "render_docx_document")
    first = render(tmp_path, "a.docx", CONTEXT)
    second = render(tmp_path, "b.docx", dict(CONTEXT))
    assert first == second and len(fills) == 1
    changed = render(tmp_path, "c.docx", {**CONTEXT, "ten": "Bình Lư"})
    assert changed != first and len(fills) == 2
    from docx import Document

    assert "xã Bình Lư" in Document(str(tmp_path / "c.docx")).paragraphs[0].text
    template.write_bytes(template.read_bytes())  # same bytes: still the same render
    render(tmp_path, "d.docx", CONTEXT)
    assert len(fills) == 2


def test_a_changed_template_or_code_renders_again(cache_dir, tmp_path, template, monkeypatch):
    from docx import Document

    fills = counting(monkeypatch, docx_module, "render_docx_document")
    render(tmp_path, "a.docx", CONTEXT)
    doc = Document(str(template))
    doc.add_paragraph("Dòng mới")
    doc.save(template)
    render(tmp_path, "b.docx", CONTEXT)
    monkeypatch.setattr(keyed, "package_digest", lambda: "another version")
    render(tmp_path, "c.docx", CONTEXT)
    assert len(fills) == 3
    assert "Dòng mới" in [p.text for p in Document(str(tmp_path / "b.docx")).paragraphs]


def test_off_means_no_folder_and_every_render_fills(tmp_path, template, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", "off")
    fills = counting(monkeypatch, docx_module, "render_docx_document")
    render(tmp_path, "a.docx", CONTEXT)
    render(tmp_path, "b.docx", CONTEXT)
    assert len(fills) == 2


def test_the_bundled_templates_render_the_same_from_the_cache(cache_dir, tmp_path, monkeypatch):
    """A real template and composed context: the cached bytes are the bytes of a fresh render."""
    from dossier.compose.assessment_facts import facts_for
    from dossier.compose.commune import compose_all
    from dossier.load.files import load_mapping
    from dossier.models.dossier_input import CommuneDossierInput
    from dossier.models.validation import validate
    from dossier.paths import SAMPLES_DIR

    data_file = SAMPLES_DIR / "tam-duong" / "ho-so-son-binh.yaml"
    inp = validate(CommuneDossierInput, load_mapping(data_file), str(data_file))
    doc = compose_all(inp, facts_for(COMMUNES / "son-binh.yaml"))[0]
    template = TEMPLATES_DIR / f"{doc.template}.docx"
    fresh = render(tmp_path, "fresh.docx", doc.view, template)
    again = render(tmp_path, "again.docx", doc.view, template)
    assert fresh == again
    monkeypatch.setenv("DOSSIER_CACHE_DIR", "off")
    assert render(tmp_path, "nocache.docx", doc.view, template) == fresh


# ---------------------------------------------------------------- WeasyPrint layouts

def _png(path, colour):
    from PIL import Image

    Image.new("RGB", (40, 30), colour).save(path)
    return path


def test_a_layout_is_made_once_per_html_and_the_files_it_read(cache_dir, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from dossier.render import html as html_module

    layouts = counting(monkeypatch, html_module, "_guarded_fetcher_class")
    photo = _png(tmp_path / "anh.png", "red")
    page = f'<p>Ảnh hiện trạng xã Sơn Bình</p><img src="{photo.as_uri()}">'
    first = html_module.html_to_pdf_bytes(page, allowed_paths=[tmp_path], label="ảnh")
    second = html_module.html_to_pdf_bytes(page, allowed_paths=[tmp_path], label="ảnh")
    assert second.pdf == first.pdf and len(layouts) == 1
    assert "Sơn Bình" in PdfReader(__import__("io").BytesIO(second.pdf)).pages[0].extract_text()
    _png(photo, "blue")  # same name, other bytes: laid out again
    third = html_module.html_to_pdf_bytes(page, allowed_paths=[tmp_path], label="ảnh")
    assert len(layouts) == 2 and third.pdf != first.pdf
    html_module.html_to_pdf_bytes(page + "<p>thêm</p>", allowed_paths=[tmp_path], label="ảnh")
    assert len(layouts) == 3


def test_a_refused_resource_is_never_remembered(cache_dir, tmp_path, monkeypatch):
    from dossier.render import html as html_module

    layouts = counting(monkeypatch, html_module, "_guarded_fetcher_class")
    page = '<p>x</p><img src="file:///etc/hostname">'
    for _ in range(2):
        result = html_module.html_to_pdf_bytes(page, strict=False, label="lạ")
        assert any("bị chặn" in w for w in result.warnings)
    assert len(layouts) == 2


@pytest.mark.libreoffice
def test_a_dossier_built_from_the_caches_is_byte_identical(tmp_path, monkeypatch):
    """Caches only save time: the Sơn Bình dossier built with nothing cached, then again
    from the caches (parsed data, DOCX, layouts, PDFs), equals the one built with them off."""
    from dossier.paths import SAMPLES_DIR
    from dossier.pipeline import commune

    data = SAMPLES_DIR / "tam-duong" / "ho-so-son-binh.yaml"

    def files(folder):
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    commune.build(data, tmp_path / "off")
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    commune.build(data, tmp_path / "first")
    layouts = counting(monkeypatch, commune, "render_documents")
    commune.build(data, tmp_path / "again")
    assert files(tmp_path / "first") == files(tmp_path / "off") == files(tmp_path / "again")
    assert len(layouts) == 1
    for folder in ("parsed", "docx", "html"):
        assert list((tmp_path / "cache" / folder).iterdir()), folder
