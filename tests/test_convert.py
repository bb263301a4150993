"""dossier.convert through the real LibreOffice: text, fonts, reproducible
bytes, bad documents, hangs, crashes, restarts and parallel converters."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.shared import Mm, Pt

from dossier.convert import Converter, conversion_error, find_soffice, to_pdf
from dossier.convert.soffice import ENV_SOFFICE, ENV_UNO_PYTHON, uno_python
from dossier.errors import EXIT_BUILD_FAILED, DossierError

from .conftest import pdftotext

pytestmark = pytest.mark.libreoffice

MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam"


def make_docx(path: Path, text: str = MOTTO, paragraphs: int = 1) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for _ in range(paragraphs):
        doc.add_paragraph(text)
    doc.save(path)
    return path


def need_uno() -> None:
    """The warm UNO worker is the production path: CI must have python3-uno, never skip it."""
    if not uno_python(find_soffice()):
        pytest.fail("No Python can import uno: install python3-uno (apt-get install -y python3-uno)")


def corrupt(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 this is not a zip, the download stopped halfway")
    return path


def pdffonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def docs(tmp_path):
    return [make_docx(tmp_path / f"van-ban-{i}.docx", f"{MOTTO} — số {i}") for i in range(3)]


def test_vietnamese_text_and_embedded_liberation_serif(tmp_path):
    src = make_docx(tmp_path / "quoc-hieu.docx")
    out = to_pdf(src, tmp_path / "out" / "quoc-hieu.pdf")
    assert out == tmp_path / "out" / "quoc-hieu.pdf"
    text = pdftotext(out).strip()
    assert text == unicodedata.normalize("NFC", MOTTO)
    fonts = [line.split() for line in pdffonts(out).splitlines()[2:]]
    assert fonts and all("LiberationSerif" in f[0] for f in fonts)
    for f in fonts:
        emb, sub = f[-5], f[-4]  # columns: name type encoding emb sub uni object ID
        assert (emb, sub) == ("yes", "yes")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "595.3" in info and "841.89" in info  # A4
    assert not list(out.parent.glob(".dossier-tmp-*"))


def test_same_docx_gives_identical_pdf_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    src = make_docx(tmp_path / "a.docx")
    first = to_pdf(src, tmp_path / "1.pdf").read_bytes()
    with Converter(workers=1) as conv:  # another LibreOffice, second conversion in a warm one
        conv.convert([(src, tmp_path / "2.pdf")])
        conv.convert([(src, tmp_path / "3.pdf")])
    with Converter(strategy="batch") as conv:  # the fallback writes the same bytes
        conv.convert([(src, tmp_path / "4.pdf")])
    assert first == (tmp_path / "2.pdf").read_bytes() == (tmp_path / "3.pdf").read_bytes()
    assert first == (tmp_path / "4.pdf").read_bytes()
    assert b"D:20231114221320Z" in first  # CreationDate/ModDate from SOURCE_DATE_EPOCH
    assert b"/DocChecksum" not in first
    before = (tmp_path / "1.pdf").stat()
    to_pdf(src, tmp_path / "1.pdf")  # same bytes: the file is left alone (make stays incremental)
    after = (tmp_path / "1.pdf").stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_libreoffice_pdf_is_normalised_in_place(tmp_path, monkeypatch):
    """This LibreOffice's PDFs take the in-place rewrite (dossier.convert.normalize), not pikepdf's."""
    from dossier.convert import normalize

    taken = []
    real = normalize.rewrite_in_place
    monkeypatch.setattr(normalize, "rewrite_in_place", lambda raw, stamp: taken.append(real(raw, stamp)) or taken[-1])
    out = to_pdf(make_docx(tmp_path / "a.docx"), tmp_path / "a.pdf")
    assert taken and taken[0] is not None
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert "/DocChecksum" not in pdf.trailer and len(pdf.pages) == 1


def test_jemalloc_when_present_changes_no_byte(tmp_path, monkeypatch):
    from dossier.convert.soffice import ENV_JEMALLOC, jemalloc, office_env

    if os.environ.get("CI"):  # CI installs libjemalloc2 (.ci/run): it must be found there
        assert jemalloc()
    if jemalloc():
        assert jemalloc() in office_env()["LD_PRELOAD"].split()
    src = make_docx(tmp_path / "a.docx")
    first = to_pdf(src, tmp_path / "with.pdf").read_bytes()
    monkeypatch.setenv(ENV_JEMALLOC, "0")
    assert jemalloc() is None or jemalloc() not in office_env().get("LD_PRELOAD", "").split()
    assert to_pdf(src, tmp_path / "without.pdf").read_bytes() == first


def test_corrupt_docx_is_a_build_error_naming_the_file(tmp_path):
    bad = corrupt(tmp_path / "to-trinh-hong.docx")
    with pytest.raises(DossierError) as err:
        to_pdf(bad, tmp_path / "to-trinh-hong.pdf")
    assert err.value.exit_code == EXIT_BUILD_FAILED
    assert "to-trinh-hong.docx" in str(err.value)
    assert "không phải tệp Word" in str(err.value)
    assert not (tmp_path / "to-trinh-hong.pdf").exists()


def test_docx_libreoffice_cannot_open_names_the_file(tmp_path):
    """A real ZIP whose document part is garbage gets past the pre-check: LibreOffice refuses it."""
    good = make_docx(tmp_path / "good.docx")
    bad = tmp_path / "bao-cao-loi.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, b"<w:document <<< garbage" if name == "word/document.xml" else src.read(name))
    with pytest.raises(DossierError) as err:
        to_pdf(bad, tmp_path / "bao-cao-loi.pdf")
    assert "bao-cao-loi.docx" in str(err.value) and "LibreOffice không mở được" in str(err.value)


@pytest.mark.parametrize("strategy", ["uno", "batch"])
def test_batch_with_one_bad_document_converts_the_others(tmp_path, docs, strategy):
    if strategy == "uno":
        need_uno()
    bad = corrupt(tmp_path / "hong.docx")
    sources = [docs[0], bad, docs[1], docs[2]]
    pairs = [(s, tmp_path / "pdf" / s.with_suffix(".pdf").name) for s in sources]
    seen = []
    with Converter(workers=2, strategy=strategy) as conv:
        results = conv.convert(pairs, on_result=seen.append)
    assert [r.ok for r in results] == [True, False, True, True]
    assert len(seen) == 4
    assert results[1].source == bad and results[1].kind == "invalid"
    for r in results:
        if r.ok:
            assert MOTTO in pdftotext(r.target) and r.pages == 1
    err = conversion_error([r for r in results if not r.ok])
    assert "hong.docx" in str(err)


def test_restart_every_n_conversions(tmp_path, docs):
    pairs = [(docs[i % 3], tmp_path / f"{i}.pdf") for i in range(5)]
    with Converter(workers=1, restart_every=2) as conv:
        results = conv.convert(pairs)
        assert all(r.ok for r in results)
        assert conv.starts == 3


def test_crashed_libreoffice_is_restarted(tmp_path, docs):
    need_uno()
    with Converter(workers=1, strategy="uno") as conv:
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
        (group,) = conv.pids()
        office = [p for p in group if "soffice" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]
        assert office
        for pid in office:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        result = conv.convert([(docs[1], tmp_path / "1.pdf")])[0]
        assert result.ok and conv.starts == 2
    assert MOTTO in pdftotext(tmp_path / "1.pdf")


def test_two_converters_in_parallel(tmp_path, docs):
    results = {}

    def run(name):
        with Converter(workers=1) as conv:
            results[name] = conv.convert([(d, tmp_path / name / d.with_suffix(".pdf").name) for d in docs])

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert set(results) == {"a", "b"}
    assert all(r.ok for rs in results.values() for r in rs)
    for d in docs:
        assert (tmp_path / "a" / d.with_suffix(".pdf").name).read_bytes() == \
            (tmp_path / "b" / d.with_suffix(".pdf").name).read_bytes()


def test_two_processes_in_parallel(tmp_path, docs):
    """Like `make -j2`: two dossier processes, each with its own LibreOffice profile."""
    code = "import sys; from pathlib import Path; from dossier.convert import to_pdf; to_pdf(Path(sys.argv[1]), Path(sys.argv[2]))"
    import sys

    procs = [subprocess.Popen([sys.executable, "-c", code, str(docs[i]), str(tmp_path / f"p{i}.pdf")])
             for i in range(2)]
    assert [p.wait(300) for p in procs] == [0, 0]
    assert all(MOTTO in pdftotext(tmp_path / f"p{i}.pdf") for i in range(2))


# -- failures of LibreOffice itself (fake binaries) ------------------------

def unique_sleep(tmp_path: Path) -> str:
    """A sleep command line no other test (or a concurrent test run) has: ps checks stay ours."""
    import zlib

    return f"sleep 600.{zlib.crc32(str(tmp_path).encode()):010d}"


def fake(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "bin" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def test_hang_during_conversion_is_killed_retried_and_reported(tmp_path, monkeypatch, docs):
    """A helper that starts but never answers: the deadline kills its group, retries once, reports."""
    marker = tmp_path / "started"
    helper = fake(tmp_path, "python3", f'echo x >> {marker}\necho \'{{"ready": true}}\'\nexec {unique_sleep(tmp_path)}')
    monkeypatch.setenv(ENV_UNO_PYTHON, str(helper))
    t0 = time.monotonic()
    with Converter(workers=1, timeout=1.5, strategy="uno") as conv:
        (result,) = conv.convert([(docs[0], tmp_path / "treo.pdf")])
    assert time.monotonic() - t0 < 20
    assert not result.ok and result.kind == "timeout" and result.attempts == 2
    assert "không trả lời sau 1.5 giây" in result.error
    assert len(marker.read_text().split()) == 2  # started twice: the retry ran in a fresh process
    assert not (tmp_path / "treo.pdf").exists()
    assert unique_sleep(tmp_path) not in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


def test_hang_in_soffice_is_reported_naming_the_document(tmp_path, monkeypatch, docs):
    """A soffice that hangs (batch strategy): to_pdf raises a build error with the name, in bounded time."""
    monkeypatch.setenv(ENV_SOFFICE, str(fake(tmp_path, "soffice", "exec sleep 600")))
    monkeypatch.setenv("DOSSIER_CONVERT", "batch")
    t0 = time.monotonic()
    with Converter(timeout=1, start_timeout=1) as conv:
        (result,) = conv.convert([(docs[0], tmp_path / "x.pdf")])
    assert time.monotonic() - t0 < 20
    assert not result.ok and result.kind in ("start", "timeout") and result.attempts == 2
    assert "van-ban-0.docx" in str(conversion_error([result]))


def test_soffice_that_never_listens_is_a_start_failure(tmp_path, monkeypatch, docs):
    """Two failed start-ups and the converter stops trying: the other documents fail at once."""
    need_uno()
    monkeypatch.setenv(ENV_SOFFICE, str(fake(tmp_path, "soffice", "echo 'cannot open display' >&2; exec sleep 600")))
    t0 = time.monotonic()
    with Converter(timeout=5, start_timeout=1, strategy="uno") as conv:
        results = conv.convert([(d, tmp_path / d.with_suffix(".pdf").name) for d in docs])
    assert time.monotonic() - t0 < 40
    assert [r.kind for r in results] == ["start"] * 3
    assert [r.attempts for r in results] == [2, 1, 1]
    assert "LibreOffice không khởi động được" in results[0].error
    assert "cannot open display" in results[0].detail  # soffice's stderr is kept for the log


def test_missing_soffice_gives_vietnamese_error_with_apt_command(tmp_path, monkeypatch, docs):
    monkeypatch.setenv(ENV_SOFFICE, str(tmp_path / "khong-co" / "soffice"))
    with pytest.raises(DossierError) as err:
        to_pdf(docs[0], tmp_path / "x.pdf")
    text = str(err.value)
    assert "Không tìm thấy LibreOffice" in text and "apt-get install -y libreoffice-writer-nogui" in text
    assert err.value.exit_code == EXIT_BUILD_FAILED


def test_missing_soffice_anywhere(monkeypatch):
    import dossier.convert.soffice as so

    monkeypatch.delenv(ENV_SOFFICE, raising=False)
    monkeypatch.setattr(so.shutil, "which", lambda _name: None)
    monkeypatch.setattr(so, "_CANDIDATES", ())
    monkeypatch.setattr(so.os, "access", lambda *_a: False)
    with pytest.raises(DossierError, match="Không tìm thấy LibreOffice \\(soffice\\)"):
        find_soffice()


def test_warm_starts_workers_before_the_first_document(tmp_path, docs):
    need_uno()
    with Converter(workers=2, strategy="uno") as conv:
        conv.warm()
        deadline = time.monotonic() + 60
        while sum(1 for g in conv.pids() if g) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sum(1 for g in conv.pids() if g) == 2
        results = conv.convert([(d, tmp_path / d.with_suffix(".pdf").name) for d in docs])
        assert all(r.ok for r in results) and conv.starts == 2
    assert conv.pids() == []


@pytest.mark.parametrize("strategy", ["uno", "batch"])
def test_one_converter_shared_by_threads(tmp_path, docs, strategy):
    """Two communes built at once share one converter's workers."""
    if strategy == "uno":
        need_uno()
    out: dict[str, list] = {}
    with Converter(workers=2, strategy=strategy) as conv:
        def build(name):
            out[name] = conv.convert([(d, tmp_path / name / d.with_suffix(".pdf").name) for d in docs])

        threads = [threading.Thread(target=build, args=(n,)) for n in ("xa-a", "xa-b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
    assert all(r.ok for rs in out.values() for r in rs) and len(out) == 2


def test_close_during_a_hung_conversion_returns_quickly(tmp_path, monkeypatch, docs):
    """Ctrl-C during a hang: close() kills LibreOffice within seconds and starts nothing new."""
    helper = fake(tmp_path, "python3", 'echo \'{"ready": true}\'\nexec ' + unique_sleep(tmp_path))
    monkeypatch.setenv(ENV_UNO_PYTHON, str(helper))
    conv = Converter(workers=1, timeout=300, strategy="uno")
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", conv.convert([(docs[0], tmp_path / "x.pdf")])))
    t.start()
    time.sleep(1.5)
    t0 = time.monotonic()
    conv.close()
    t.join(30)
    assert time.monotonic() - t0 < 15 and not t.is_alive()
    (result,) = out["r"]
    assert not result.ok and conv.starts == 1
    assert unique_sleep(tmp_path) not in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
