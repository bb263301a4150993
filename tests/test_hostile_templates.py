"""Hostile templates (issue 7): a DOCX or HTML template shared between offices
tries to reach Python internals, read local files (Jinja include/import, a
symlink beside it, <img>/<link>/CSS @import of file:// or http://), or exhaust
memory. Each is refused (exit 2, Vietnamese message naming the template) or
blanked; no local file content ever reaches the output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from .conftest import pdftotext
from .test_hostile_common import assert_refused, cli, dossier_command, no_temporaries, write_yaml

SECRET = "root:x:0:0:BI-MAT-CUC-BO"


@pytest.fixture()
def place(tmp_path):
    """A template folder, a data file, and a secret file outside the folder."""
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi-mat.txt").write_text(SECRET + "\n", encoding="utf-8")
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text(SECRET + " (cạnh mẫu)\n", encoding="utf-8")
    (folder / "lien-ket.html").symlink_to(outside / "bi-mat.txt")
    data = write_yaml(tmp_path / "d.yaml", {"ho_ten": "Lò Văn Thắng", "danh_sach": ["a", "b"]})
    return folder, data


def html_template(folder: Path, body: str, name: str = "mau.html") -> Path:
    path = folder / name
    path.write_text(f"<!doctype html><html><head><meta charset=utf-8></head><body>{body}</body></html>",
                    encoding="utf-8")
    return path


def docx_template(folder: Path, text: str, name: str = "mau.docx") -> Path:
    doc = Document()
    doc.add_paragraph(text)
    path = folder / name
    doc.save(str(path))
    return path


def assert_no_leak(*outputs: Path) -> None:
    for out in outputs:
        if out.exists():
            text = pdftotext(out) if out.suffix == ".pdf" else out.read_text(encoding="utf-8", errors="replace")
            assert "root:" not in text and "BI-MAT" not in text, text[:500]


JINJA_ATTACKS = {
    "class": "{{ ho_ten.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "cycler": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "joiner": "{{ joiner.__init__.__globals__ }}",
    "namespace": "{{ namespace.__init__.__globals__ }}",
    "attr-filter": "{{ ho_ten|attr('__class__') }}",
    "format": "{{ '{0.__class__.__init__.__globals__}'.format(ho_ten) }}",
    "mro-getitem": "{{ ho_ten['__class__'] }}",
    "mutate": "{{ danh_sach.append('x') }}",
    "config": "{{ config.items() }}",
    "self": "{{ self.__dict__ }}",
    "include-abs": "{% include '/etc/passwd' %}",
    "include-rel": "{% include '../ngoai/bi-mat.txt' %}",
    "include-beside": "{% include 'ghi-chu.txt' %}",
    "include-symlink": "{% include 'lien-ket.html' %}",
    "import": "{% import 'lien-ket.html' as m %}{{ m }}",
    "from-import": "{% from 'lien-ket.html' import x %}",
    "extends": "{% extends 'lien-ket.html' %}",
    "string-bomb": "{{ 'a' * 1000000000 }}",
    "list-bomb": "{{ [1] * 1000000000 }}",
    "power-bomb": "{{ 2 ** 100000000 }}",
    "format-bomb": "{{ '%0999999999d' % 1 }}",
    "center-bomb": "{{ 'a'|center(999999999) }}",
    "ljust-bomb": "{{ 'a'.ljust(999999999) }}",
    "format-method-bomb": "{{ '{:>999999999}'.format(1) }}",
    "range-bomb": "{{ range(10**9)|list }}",
}


@pytest.mark.parametrize("name", sorted(JINJA_ATTACKS))
def test_html_template_attacks_are_refused(place, tmp_path, name):
    folder, data = place
    template = html_template(folder, "<p>" + JINJA_ATTACKS[name] + "</p>")
    outputs = [tmp_path / "kq.pdf", tmp_path / "kq.html"]
    for out in outputs:
        result = cli("render", template, data, "-o", out)
        assert_refused(result.output, result.exit_code, 2, "mau.html")
        assert not out.exists()
    assert "root:" not in result.output and "BI-MAT" not in result.output


@pytest.mark.parametrize("name", sorted(JINJA_ATTACKS))
def test_docx_template_attacks_are_refused(place, tmp_path, name):
    folder, data = place
    template = docx_template(folder, "Xin chào " + JINJA_ATTACKS[name])
    out = tmp_path / "kq.docx"
    result = cli("render", template, data, "-o", out)
    assert_refused(result.output, result.exit_code, 2, "mau.docx")
    assert not out.exists() and not no_temporaries(tmp_path)
    assert "root:" not in result.output and "BI-MAT" not in result.output


def test_harmless_jinja_still_works(place, tmp_path):
    folder, data = place
    body = ("{{ ho_ten|upper }} {{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%05d' % 42 }} {{ '{:,}'.format(1250000) }} "
            "{{ 'x'|center(7) }} {% for x in danh_sach %}[{{ loop.index }}{{ x }}]{% endfor %} {{ range(3)|list }}")
    out = tmp_path / "kq.html"
    result = cli("render", html_template(folder, body), data, "-o", out)
    assert result.exit_code == 0, result.output
    assert "LÒ VĂN THẮNG ababab 1024 00042 1,250,000" in out.read_text(encoding="utf-8")
    assert "[1a][2b] [0, 1, 2]" in out.read_text(encoding="utf-8")


RESOURCE_ATTACKS = {
    "img-file": '<img src="file:///etc/passwd">',
    "img-outside": '<img src="../ngoai/bi-mat.txt">',
    "img-symlink": '<img src="lien-ket.html">',
    "link-http": '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    "link-file": '<link rel="stylesheet" href="file:///etc/passwd">',
    "css-import": "<style>@import url(file:///etc/passwd);</style>",
    "css-font": "<style>@font-face{font-family:X;src:url(file:///etc/passwd)} p{font-family:X}</style>",
    "css-background": '<div style="background:url(http://169.254.169.254/latest)">x</div>',
    "object": '<object data="file:///etc/passwd"></object>',
    "iframe": '<iframe src="file:///etc/passwd"></iframe>',
    "attachment": '<a rel="attachment" href="file:///etc/passwd">đính kèm</a>',
    "base": '<base href="file:///etc/"><img src="passwd">',
}


@pytest.mark.parametrize("name", sorted(RESOURCE_ATTACKS))
def test_html_resource_fetches_outside_are_refused(place, tmp_path, name):
    folder, data = place
    template = html_template(folder, "<p>{{ ho_ten }}</p>" + RESOURCE_ATTACKS[name])
    out = tmp_path / "kq.pdf"
    result = cli("render", template, data, "-o", out)
    if result.exit_code == 0:  # nothing was fetched (e.g. WeasyPrint ignores the element): nothing leaked
        assert_no_leak(out)
    else:
        assert_refused(result.output, result.exit_code, 2, "mau.html", "bị chặn")
        assert not out.exists()
    assert not no_temporaries(tmp_path)


def test_data_that_looks_like_html_or_urls_is_text_in_the_pdf(place, tmp_path):
    folder, _ = place
    nasty = '<img src="file:///etc/passwd"> <link href="http://x/y.css"> <script>alert(1)</script> {{ config }}'
    data = write_yaml(tmp_path / "d2.yaml", {"ho_ten": nasty, "danh_sach": []})
    template = html_template(folder, "<p>{{ ho_ten }}</p>")
    out = tmp_path / "kq.pdf"
    result = cli("render", template, data, "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(pdftotext(out).split())
    assert 'src="file:///etc/passwd"' in text and "<script>alert(1)</script>" in text and "{{ config }}" in text
    assert_no_leak(out)


def _docx_with_fields(path: Path, outside: Path) -> Path:
    """A template with Word fields and an external image link pointing at local files."""
    doc = Document()
    doc.add_paragraph("Xin chào {{ ho_ten }}")
    for instr in (f' INCLUDETEXT "{outside / "bi-mat.txt"}" ', ' INCLUDETEXT "file:///etc/passwd" ',
                  f' LINK Word.Document.8 "{outside / "bi-mat.txt"}" "" \\a '):
        p = doc.add_paragraph()
        for kind in ("begin", "instr", "separate", "text", "end"):
            run = p.add_run()
            if kind == "instr":
                el = etree.SubElement(run._r, qn("w:instrText"))
                el.text = instr
            elif kind == "text":
                run.add_text("(trường)")
            else:
                etree.SubElement(run._r, qn("w:fldChar")).set(qn("w:fldCharType"), kind)
    doc.save(str(path))
    return path


@pytest.mark.libreoffice
def test_word_fields_that_include_local_files_are_not_updated(place, tmp_path):
    folder, data = place
    template = _docx_with_fields(folder / "truong.docx", tmp_path / "ngoai")
    out = tmp_path / "kq.pdf"
    proc = subprocess.run([*dossier_command(), "render", str(template), str(data), "-o", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Lò Văn Thắng" in pdftotext(out)
    assert_no_leak(out)


@pytest.mark.libreoffice
def test_docx_template_with_external_image_link_is_refused(place, tmp_path):
    from PIL import Image

    folder, data = place
    picture = tmp_path / "ngoai" / "anh-rieng.png"
    Image.new("RGB", (120, 60), (255, 0, 0)).save(picture)
    doc = Document()
    doc.add_paragraph("{{ ho_ten }}")
    blue = folder / "xanh.png"
    Image.new("RGB", (120, 60), (0, 0, 255)).save(blue)
    doc.add_picture(str(blue))
    blip = doc.element.body.findall(".//" + qn("a:blip"))[0]
    rel = doc.part.relate_to(picture.as_uri(),
                             "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                             is_external=True)
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), rel)
    template = folder / "anh-ngoai.docx"
    doc.save(str(template))
    out = tmp_path / "kq.pdf"
    proc = subprocess.run([*dossier_command(), "render", str(template), str(data), "-o", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 2 and not out.exists(), proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_endless_loops_stop_at_the_time_limit(place, tmp_path, monkeypatch, kind):
    import time

    folder, data = place
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    template = html_template(folder, loops) if kind == "html" else docx_template(folder, loops)
    monkeypatch.setenv("DOSSIER_TEMPLATE_SECONDS", "1")
    out = tmp_path / f"kq.{'pdf' if kind == 'html' else 'docx'}"
    t0 = time.monotonic()
    result = cli("render", template, data, "-o", out)
    assert time.monotonic() - t0 < 15
    assert_refused(result.output, result.exit_code, 2, template.name)
    assert "chạy quá 1 giây" in result.output and "DOSSIER_TEMPLATE_SECONDS" in result.output
    assert not out.exists() and not no_temporaries(tmp_path)
    monkeypatch.setenv("DOSSIER_TEMPLATE_SECONDS", "mãi mãi")
    result = cli("render", template, data, "-o", out)
    assert result.exit_code == 2 and "DOSSIER_TEMPLATE_SECONDS" in result.output
