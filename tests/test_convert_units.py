"""dossier.convert pieces that need no LibreOffice: the pre-check, reproducible
dates, the export options on the soffice command line, the strategy switch."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pikepdf
import pytest
from docx import Document

from dossier.convert.batch_worker import filter_spec
from dossier.convert.converter import precheck
from dossier.convert.failures import describe
from dossier.convert.normalize import FALLBACK, normalise_pdf, pdf_date, source_datetime
from dossier.convert.options import PDF_OPTIONS
from dossier.convert.soffice import strategy
from dossier.errors import DossierError


def docx_dated(path, when: dt.datetime):
    doc = Document()
    doc.add_paragraph("x")
    doc.core_properties.modified = when
    doc.save(path)
    return path


def test_precheck(tmp_path):
    good = docx_dated(tmp_path / "a.docx", dt.datetime(2025, 3, 8))
    assert precheck(good) is None
    assert precheck(tmp_path / "khong-co.docx") == "không tìm thấy tệp"
    (tmp_path / "rong.docx").write_bytes(b"")
    assert "ZIP" in precheck(tmp_path / "rong.docx")
    with zipfile.ZipFile(tmp_path / "zip.docx", "w") as zf:
        zf.writestr("hello.txt", "x")
    assert "word/document.xml" in precheck(tmp_path / "zip.docx")
    (tmp_path / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    assert precheck(tmp_path / "cu.doc") is None  # LibreOffice decides for other formats


def test_pdf_date_comes_from_epoch_then_docx_never_clock(tmp_path, monkeypatch):
    src = docx_dated(tmp_path / "a.docx", dt.datetime(2025, 3, 8, 9, 30))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_datetime(src) == dt.datetime(2025, 3, 8, 9, 30, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pdf_date(source_datetime(src)) == "D:20231114221320Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (tmp_path / "b.docx").write_bytes(b"junk")
    assert source_datetime(tmp_path / "b.docx") == FALLBACK


def test_normalise_removes_clock_and_fixes_id(tmp_path):
    def libreoffice_like(path, clock):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.docinfo["/CreationDate"] = clock
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(clock), pikepdf.String(clock)])
        pdf.trailer.DocChecksum = pikepdf.Name("/" + "AB" * 16)
        pdf.save(path)
        return path

    when = dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)
    outs = []
    for k, clock in enumerate(["D:20261129032802Z", "D:20261129032805Z"]):
        out = tmp_path / f"n{k}.pdf"
        assert normalise_pdf(libreoffice_like(tmp_path / f"r{k}.pdf", clock), out, when) == 1
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    with pikepdf.open(tmp_path / "n0.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == "D:20250102000000Z"
        assert "/DocChecksum" not in pdf.trailer


def test_filter_spec_carries_every_export_option():
    kind, name, options = filter_spec().split(":", 2)
    assert (kind, name) == ("pdf", "writer_pdf_Export")
    parsed = json.loads(options)
    assert set(parsed) == set(PDF_OPTIONS)
    assert parsed["UseTaggedPDF"] == {"type": "boolean", "value": "true"}
    assert parsed["Quality"] == {"type": "long", "value": "90"}


def test_strategy_switch(monkeypatch):
    assert strategy("/usr/bin/soffice", "batch") == "batch"
    monkeypatch.setenv("DOSSIER_CONVERT", "batch")
    assert strategy("/usr/bin/soffice") == "batch"
    with pytest.raises(DossierError, match="không hợp lệ"):
        strategy("/usr/bin/soffice", "fast")


@pytest.mark.parametrize("kind", ["invalid", "open", "timeout", "crash", "start"])
def test_every_failure_has_vietnamese_words(kind):
    text = describe(kind, 120)
    assert text and text != kind


def test_stale_folders_of_dead_processes_are_removed(tmp_path, monkeypatch):
    import os
    import tempfile

    from dossier.convert.soffice import new_profile, new_workdir, remove_stale_dirs

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "dossier-lo-999999999-w0-abc"  # no such pid
    dead.mkdir()
    alive = tmp_path / f"dossier-convert-{os.getppid()}-abc"
    alive.mkdir()
    mine = new_profile("w0"), new_workdir()
    remove_stale_dirs()
    assert not dead.exists() and alive.exists() and all(p.exists() for p in mine)
