"""The HTML builder: sandboxed Jinja, escaping, locked-down fetching, reproducible PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from dossier.errors import DossierError
from dossier.render.html import render_html_bytes, render_html_pdf, render_html_string


def page_html(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "trang.html"
    path.write_text(f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'></head><body>{body}</body></html>",
                    encoding="utf-8")
    return path


def text_of(pdf: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_data_is_escaped_not_interpreted(tmp_path):
    template = page_html(tmp_path, "<p>{{ value }}</p>")
    html = render_html_string(template, {"value": "<img src='http://example.com/x.png'> & <b>đậm</b>"})
    assert "&lt;img" in html and "<b>" not in html
    pdf = render_html_bytes(template, {"value": "<b>Sơn Bình</b> http://example.com"}).pdf
    assert "<b>Sơn Bình</b> http://example.com" in text_of(pdf)


def test_sandbox_blocks_python_internals(tmp_path):
    template = page_html(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(DossierError) as info:
        render_html_string(template, {})
    assert "không được phép" in str(info.value) or "không có" in str(info.value)


def test_undefined_value_is_an_error(tmp_path):
    template = page_html(tmp_path, "{{ xa.ten }}")
    with pytest.raises(DossierError):
        render_html_string(template, {"xa": {}})


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.com/a.css"])
def test_fetching_outside_the_allowed_folders_is_refused(tmp_path, url):
    template = page_html(tmp_path / "..", f"<img src='{url}'><link rel='stylesheet' href='{url}'>")
    with pytest.raises(DossierError) as info:
        render_html_bytes(template, {})
    assert url[:20] in str(info.value)


def test_explicitly_allowed_image_is_embedded(tmp_path):
    photos = tmp_path / "anh"
    photos.mkdir()
    Image.new("RGB", (60, 40), "red").save(photos / "a.png")
    elsewhere = tmp_path / "mau"
    elsewhere.mkdir()
    template = page_html(elsewhere, "<img src='{{ src }}'>")
    result = render_html_bytes(template, {"src": (photos / "a.png").as_uri()}, allowed_paths=[photos])
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        assert len(pdf.pages[0].get_images()) == 1
    with pytest.raises(DossierError):
        render_html_bytes(template, {"src": (photos / "a.png").as_uri()})  # not allowed this time


def test_bundled_templates_and_reproducible_bytes(tmp_path):
    context = {"agencies": ["ỦY BAN NHÂN DÂN XÃ SƠN BÌNH"], "label": "HỒ SƠ", "title": "THỬ\nHAI DÒNG",
               "subtitle": None, "draft": False, "address": "Xã Sơn Bình", "place_year": "Sơn Bình, năm 2024"}
    a = render_html_bytes("cover", context).pdf
    b = render_html_bytes("cover.html", context).pdf
    assert a == b
    text = text_of(a)
    assert "ỦY BAN NHÂN DÂN XÃ SƠN BÌNH" in text and "HAI DÒNG" in text
    out = tmp_path / "bia" / "bia.pdf"
    assert render_html_pdf("cover", context, out) == []
    assert out.read_bytes() == a
    with pikepdf.open(out) as pdf:
        fonts = {str(f.get("/BaseFont")) for f in pdf.pages[0].Resources.Font.values()}
    assert fonts and all("Liberation-Serif" in f for f in fonts)


def test_unknown_template(tmp_path):
    with pytest.raises(DossierError) as info:
        render_html_bytes("khong-co", {})
    assert "khong-co" in str(info.value)


def test_font_subsetting_arrays_change_no_byte(monkeypatch):
    """The cffi shim (_OpenArrays) asks for the same arrays with fewer type strings."""
    from weasyprint.pdf import fonts

    from dossier.render.html import _OpenArrays, _weasyprint, html_to_pdf_bytes

    _weasyprint()
    assert isinstance(fonts.ffi, _OpenArrays)
    html = "<p style=\"font-family: 'Times New Roman'\">Cộng hòa xã hội chủ nghĩa Việt Nam — Sìn Hồ 2024</p>"
    shimmed = html_to_pdf_bytes(html, source_date_epoch=0).pdf
    monkeypatch.setattr(fonts, "ffi", fonts.ffi._ffi)
    assert html_to_pdf_bytes(html, source_date_epoch=0).pdf == shimmed


def test_importing_weasyprint_runs_no_library_search_and_finds_its_libraries():
    """WeasyPrint's C libraries are opened by their sonames, without ctypes' ldconfig/gcc/ld
    search in child processes (dossier.render.html._direct_library_names); other threads
    and later calls keep the real search."""
    import subprocess
    import sys

    script = """
import subprocess, threading, ctypes.util
started = []
real_init = subprocess.Popen.__init__
def init(self, args, *a, **k):
    started.append(args)
    real_init(self, args, *a, **k)
subprocess.Popen.__init__ = init
from dossier.render.html import _weasyprint, html_to_pdf_bytes
_weasyprint()
print(len(started))
import weasyprint.text.ffi as ffi
print(ffi.harfbuzz_subset is not None, ffi.pangoft2 is not None, ffi.fontconfig is not None)
print(ctypes.util.find_library.__module__)
pdf = html_to_pdf_bytes("<p>Cộng hòa</p>", label="t").pdf
print(pdf[:5].decode())
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    lines = run.stdout.split()
    assert lines[0] == "0", run.stdout  # no ldconfig, gcc or ld while importing
    assert lines[1:4] == ["True", "True", "True"]
    assert lines[4] == "ctypes.util"  # the real function is back
    assert lines[5] == "%PDF-"
    assert "WeasyPrint could not import" not in run.stdout + run.stderr


def test_bundled_style_sheet_is_parsed_once_and_lays_out_as_a_link(monkeypatch):
    """dossier.css is parsed once per process and given to WeasyPrint as a sheet
    (dossier.render.html._bundled_sheets): the same bytes as WeasyPrint's own
    handling of the <link>, which a page with other styles of its own keeps."""
    import weasyprint

    from dossier.render import html as html_module

    monkeypatch.setenv("DOSSIER_CACHE_DIR", "off")  # every page laid out, none taken from the layout cache
    monkeypatch.setattr(html_module, "_parsed_sheets", {})
    parses = []
    real_css = weasyprint.CSS

    def counting_css(*args, **kwargs):
        parses.append(kwargs.get("filename") or kwargs.get("url"))
        return real_css(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "CSS", counting_css)
    context = {"number": "Phần 2", "title": "Hồ sơ đề nghị xét, công nhận xã Sơn Bình đạt chuẩn nông thôn mới năm 2024"}
    page = html_module.render_html_string("separator", context)
    assert '<link rel="stylesheet" href="dossier.css">' in page
    first = html_module.html_to_pdf_bytes(page, source_date_epoch=0)
    again = html_module.html_to_pdf_bytes(page.replace("2024", "2025"), source_date_epoch=0)
    assert len(parses) == 1 and parses[0].endswith("dossier.css")  # once for both pages
    assert "năm 2025" in text_of(again.pdf)

    # the reference: WeasyPrint reading the link itself, through the same fetcher
    monkeypatch.setattr(html_module, "_bundled_sheets", lambda html, *a: (html, []))
    assert html_module.html_to_pdf_bytes(page, source_date_epoch=0).pdf == first.pdf
    assert first.warnings == []


def test_a_page_with_its_own_styles_keeps_the_link(tmp_path):
    """Another author style would compete with the sheet: the page is laid out as written."""
    from dossier.render import html as html_module

    styled = ('<html><head><link rel="stylesheet" href="dossier.css"></head>'
              '<body><p style="color: red">Cộng hòa</p></body></html>')
    assert html_module._bundled_sheets(styled, html_module.HTML_TEMPLATES_DIR, None, None) == (styled, [])
    elsewhere = '<html><head><link rel="stylesheet" href="dossier.css"></head><body></body></html>'
    assert html_module._bundled_sheets(elsewhere, tmp_path, None, None) == (elsewhere, [])
