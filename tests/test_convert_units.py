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


def libreoffice_layout(clock: str, *, info_last: bool = True) -> bytes:
    """A PDF laid out as LibreOffice writes it: classic table, the information dictionary last."""
    objects = {1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>",
               3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>",
               4: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>",
               5: b"<</Title(Th\\(u\\) \\\\ x)/Producer(LibreOffice 7.4)/CreationDate(%s')>>" % clock.encode()}
    order = [1, 2, 3, 4, 5] if info_last else [5, 1, 2, 3, 4]
    out, offsets = bytearray(b"%PDF-1.6\n%\xc3\xa4\n"), {}
    for n in order:
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n\n" % (n, objects[n])
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, 6))
    out += (b"trailer\n<</Size 6/Root 1 0 R\n/Info 5 0 R\n/ID [ <%s>\n<%s> ]\n/DocChecksum /%s\n>>\n"
            b"startxref\n%d\n%%%%EOF\n" % (clock[2:].encode().hex().encode()[:32], b"AB" * 16, b"CD" * 16, xref))
    return bytes(out)


def test_libreoffice_layout_is_rewritten_in_place(tmp_path):
    from dossier.convert.normalize import rewrite_in_place

    outs = []
    for k, clock in enumerate(["D:20261129032802Z", "D:20261129032805Z"]):
        raw = libreoffice_layout(clock)
        data, pages = rewrite_in_place(raw, "D:20250102000000Z")
        assert pages == 2
        assert data.startswith(raw[:raw.index(b"5 0 obj")])  # every other object keeps its bytes and offset
        outs.append(data)
        (tmp_path / f"r{k}.pdf").write_bytes(raw)
        assert normalise_pdf(tmp_path / f"r{k}.pdf", tmp_path / f"n{k}.pdf", dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)) == 2
        assert (tmp_path / f"n{k}.pdf").read_bytes() == data
    assert outs[0] == outs[1]
    with pikepdf.open(tmp_path / "n0.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == "D:20250102000000Z"
        assert str(pdf.docinfo["/Title"]) == "Th(u) \\ x" and str(pdf.docinfo["/Producer"]) == "LibreOffice 7.4"
        assert "/DocChecksum" not in pdf.trailer and len(bytes(pdf.trailer.ID[0])) == 16
        assert len(pdf.pages) == 2


def test_other_layouts_are_rewritten_by_pikepdf(tmp_path):
    from dossier.convert.normalize import rewrite_in_place

    raw = libreoffice_layout("D:20261129032802Z")
    for other in (libreoffice_layout("D:20261129032802Z", info_last=False), raw[:-40], raw[:200] + raw[260:],
                  raw.replace(b"/Size 6", b"/Size 6/Encrypt 9 0 R"), raw.replace(b"/Count 2", b"/Kount 2")):
        assert rewrite_in_place(other, "D:20250102000000Z") is None
    (tmp_path / "r.pdf").write_bytes(libreoffice_layout("D:20261129032802Z", info_last=False))
    assert normalise_pdf(tmp_path / "r.pdf", tmp_path / "n.pdf", dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)) == 2
    with pikepdf.open(tmp_path / "n.pdf") as pdf:
        assert str(pdf.docinfo["/ModDate"]) == "D:20250102000000Z" and "/DocChecksum" not in pdf.trailer


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
