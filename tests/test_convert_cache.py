"""The PDF cache: a DOCX converted once is not converted again (same bytes out),
any change to the DOCX misses, a torn entry is ignored, an unsafe folder or
DOSSIER_CACHE_DIR=off turns it off, and the cache stays under its size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dossier.convert import Converter
from dossier.convert import cache as cache_module

from .conftest import pdftotext
from .test_convert import MOTTO, make_docx

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache_module.ENV_CACHE, str(folder))
    return folder


def test_second_conversion_of_the_same_docx_comes_from_the_cache(cache_dir, tmp_path):
    docx = make_docx(tmp_path / "a.docx", f"{MOTTO} — bản nhớ")
    with Converter() as conv:
        first = conv.convert([(docx, tmp_path / "1.pdf")])[0]
        assert first.ok and first.attempts == 1 and conv.starts == 1
    with Converter() as conv:
        again = conv.convert([(docx, tmp_path / "2.pdf")])[0]
        assert again.ok and again.attempts == 0 and conv.starts == 0  # LibreOffice never started
        assert again.pages == first.pages and conv.cache.hits == 1
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()
    assert len(list(cache_dir.glob("*/*.pdf"))) == 1


def test_a_changed_docx_or_date_is_converted_anew(cache_dir, tmp_path, monkeypatch):
    a = make_docx(tmp_path / "a.docx", "Bản thứ nhất")
    b = make_docx(tmp_path / "b.docx", "Bản thứ hai")
    with Converter() as conv:
        assert all(r.ok for r in conv.convert([(a, tmp_path / "a.pdf"), (b, tmp_path / "b.pdf")]))
    assert "Bản thứ hai" in pdftotext(tmp_path / "b.pdf")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the PDF's dates change: another entry
    with Converter() as conv:
        result = conv.convert([(a, tmp_path / "a2.pdf")])[0]
        assert result.ok and result.attempts == 1 and conv.cache.hits == 0


def test_torn_cache_entry_is_ignored_and_replaced(cache_dir, tmp_path):
    docx = make_docx(tmp_path / "a.docx")
    with Converter() as conv:
        assert conv.convert([(docx, tmp_path / "1.pdf")])[0].ok
    (entry,) = cache_dir.glob("*/*.pdf")
    entry.write_bytes(entry.read_bytes()[:500])  # a crash while writing, a full disk…
    with Converter() as conv:
        result = conv.convert([(docx, tmp_path / "2.pdf")])[0]
        assert result.ok and result.attempts == 1
    assert MOTTO in pdftotext(tmp_path / "2.pdf")
    assert entry.read_bytes().startswith(b"%PDF-") and len(entry.read_bytes()) > 500


@pytest.mark.parametrize("setting", ["off", "unsafe"])
def test_cache_off_or_unsafe_folder_is_not_used(setting, tmp_path, monkeypatch):
    if setting == "unsafe":
        folder = tmp_path / "shared"
        folder.mkdir()
        folder.chmod(0o777)
        monkeypatch.setenv(cache_module.ENV_CACHE, str(folder))
    else:
        monkeypatch.setenv(cache_module.ENV_CACHE, "off")
    with Converter() as conv:
        assert conv.cache is None
        assert conv.convert([(make_docx(tmp_path / "a.docx"), tmp_path / "a.pdf")])[0].ok
    if setting == "unsafe":
        assert not list((tmp_path / "shared").iterdir())


def test_prune_keeps_the_most_recently_used(tmp_path):
    for i in range(5):
        path = tmp_path / f"{i:02d}" / f"{i:02d}x.pdf"
        path.parent.mkdir()
        path.write_bytes(b"%PDF-1.6\n" + b"x" * 1000 + b"\n%%EOF\n")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    assert cache_module.prune(tmp_path, max_bytes=2500) == 3
    assert sorted(p.name for p in tmp_path.glob("*/*.pdf")) == ["03x.pdf", "04x.pdf"]


def test_fingerprint_covers_fonts_and_options(monkeypatch):
    from dossier.convert.soffice import find_soffice

    soffice = find_soffice()
    before = cache_module.fingerprint(soffice)
    cache_module.fingerprint.cache_clear()
    monkeypatch.setitem(cache_module.PDF_OPTIONS, "Quality", 50)
    assert cache_module.fingerprint(soffice) != before
    cache_module.fingerprint.cache_clear()
